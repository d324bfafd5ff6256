"""Real Chromium under the Content-Security-Policy: township staff walk the main pages of the demo township
and the browser reports no violation (no inline script, style block or handler left), while the charts
still draw and the print buttons still work."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import User
from assessments.models import Inspection, ScoringTemplate, Sheet
from branches.models import Branch
from communities.demo import DEMO_PASSWORD
from duty_roster.models import DutyMonth, DutyPost
from establishment.models import Campaign, EstablishmentRequest
from jobs.models import Job
from ledger.models import LedgerMonth
from meetings.models import Meeting
from members.models import Member

pytestmark = pytest.mark.browser

# Every violation, also of style attributes or eval, lands here before any page script runs.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${where}`);
});
"""


def main_pages() -> list[str]:
    township = User.objects.get(username="township")
    post = DutyPost.objects.order_by("pk").first()
    month = DutyMonth.objects.filter(post=post).order_by("-year", "-month").first()
    request = EstablishmentRequest.objects.order_by("pk").first()
    meeting = Meeting.objects.order_by("-on").first()
    sheet = Sheet.objects.order_by("pk").first()
    job = Job.objects.create(kind="county_report", title="CSP", owner=township)
    pages = [
        reverse("home"),
        reverse("members:member_list"),
        Member.objects.order_by("pk").first().get_absolute_url(),
        reverse("members:completeness"),
        Branch.objects.order_by("pk").first().get_absolute_url(),
        reverse("establishment:request_list"),
        Campaign.objects.order_by("-year").first().get_absolute_url(),
        reverse("duty_roster:post_detail", args=[post.pk]),
        reverse("duty_roster:signin_qr", args=[post.pk]),
        reverse("duty_roster:today"),
        reverse("meetings:meeting_list"),
        reverse("meetings:cadence"),
        meeting.get_absolute_url(),
        reverse("meetings:meeting_print", args=[meeting.pk]),
        reverse("meetings:meeting_attendance", args=[meeting.pk]),
        reverse("ledger:month_list"),
        LedgerMonth.objects.order_by("-month").first().get_absolute_url(),
        reverse("assessments:template_list"),
        ScoringTemplate.objects.order_by("pk").first().get_absolute_url(),
        reverse("reports:index"),
        job.get_absolute_url(),
        reverse("members:member_create"),
    ]
    if month:
        pages.append(reverse("duty_roster:month_print", args=[post.pk, month.year, f"{month.month:02d}"]))
    if request:
        pages += [request.get_absolute_url(), reverse("establishment:request_print", args=[request.pk])]
    if sheet:
        pages += [
            reverse("assessments:sheet_detail", args=[sheet.pk]),
            reverse("assessments:sheet_print", args=[sheet.pk]),
        ]
    inspection = Inspection.objects.order_by("pk").first()
    if inspection:
        pages.append(reverse("assessments:inspection_print", args=[inspection.pk]))
    return pages


def test_the_main_pages_break_no_rule_of_the_content_security_policy(page: Page, live_server):
    call_command("load_demo", stdout=io.StringIO())
    console = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    page.add_init_script(LISTEN)

    page.goto(f"{live_server.url}{reverse('login')}")
    violations = {"login": page.evaluate("window.__cspViolations")}
    page.locator("#id_username").fill("township")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator('[data-chart="members"] .chart-canvas svg')).to_have_count(1)

    pages = main_pages()
    assert len(pages) >= 20
    for path in pages:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
        violations[path] = page.evaluate("window.__cspViolations")

    assert {path: found for path, found in violations.items() if found} == {}
    assert [text for text in console if "Content Security Policy" in text] == []

    # The charts still draw, and a print button still prints (window.print from static/js/app.js).
    page.goto(f"{live_server.url}/")
    expect(page.locator('[data-chart="age"] .chart-canvas svg')).to_have_count(1)
    page.goto(f"{live_server.url}{reverse('members:member_list')}")
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.locator("[data-print]").first.click()
    assert page.evaluate("window.__printed") is True
