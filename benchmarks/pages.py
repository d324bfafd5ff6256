"""Time the main archive pages on the demo township: `make run` once (or `load_demo`), then
`DJANGO_DEBUG=1 .venv/bin/python benchmarks/pages.py`. Prints median and worst of 10 requests and the
number of queries per page. Not a test: numbers depend on the machine."""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from branches.models import Branch  # noqa: E402
from duty_roster.models import DutyPost  # noqa: E402
from establishment.models import Campaign, EstablishmentRequest  # noqa: E402
from ledger.models import LedgerMonth  # noqa: E402
from meetings.models import Meeting  # noqa: E402
from members.models import Member  # noqa: E402


def measure(client: Client, url: str, rounds: int = 10) -> tuple[float, float, int]:
    client.get(url)  # warm caches
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times), max(times), len(queries)


def main() -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="township"))
    general = Branch.objects.filter(kind="community_general").first()
    member = Member.objects.filter(status="active").first()
    pages = {
        "home (dashboard)": "/",
        "home, figures worked out again": "/?refresh=1",
        "dashboard print view": "/?print=1",
        "reports page": "/reports/",
        "member list": "/members/",
        "member list, search zs": "/members/?q=zs",
        "member list, 200 per page": "/members/?per_page=200",
        "member export (all)": "/members/?export=xlsx&status=",
        "member archive": f"/members/{member.pk}/",
        "branch list": "/branches/",
        "branch archive (community)": f"/branches/{general.pk}/",
        "completeness": "/members/completeness/",
        "establishment requests": "/establishment/requests/",
        "a request": EstablishmentRequest.objects.first().get_absolute_url(),
        "campaign board": Campaign.objects.first().get_absolute_url(),
        "duty month calendar": DutyPost.objects.first().get_absolute_url(),
        "duty statistics": f"/duty/posts/{DutyPost.objects.first().pk}/stats/",
        "today's duty board": "/duty/today/",
        "meeting list": "/meetings/",
        "a meeting": Meeting.objects.order_by("-on").first().get_absolute_url(),
        "meeting attendance": f"/meetings/{Meeting.objects.order_by('-on').first().pk}/attendance/",
        "meeting cadence (township)": "/meetings/cadence/",
        "meeting export (all)": "/meetings/?export=xlsx",
        "ledger (township)": "/ledger/",
        "a ledger month": LedgerMonth.objects.filter(closed_at__isnull=False).first().get_absolute_url(),
        "duty log": f"/duty/posts/{DutyPost.objects.first().pk}/log/",
    }
    print(f"{Member.objects.count()} people, {Branch.objects.count()} organisations")
    print(f"{'page':32} {'median ms':>10} {'worst ms':>10} {'queries':>8}")
    for name, url in pages.items():
        median, worst, queries = measure(client, url, rounds=3 if "export" in name else 10)
        print(f"{name:32} {median:10.0f} {worst:10.0f} {queries:8d}")
    # The county workbook as the worker builds it (without the queue around it).
    from reports.county import county_workbook, report_townships

    user = User.objects.get(username="township")
    townships = list(report_townships(user))
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        content = county_workbook(user, townships, 2026)
    took = (time.perf_counter() - start) * 1000
    label = "county workbook (township)"
    print(f"{label:32} {took:10.0f} {'':>10} {len(queries):8d}  {len(content):,} bytes")


if __name__ == "__main__":
    main()
