"""A community's score sheet pages (issue 7, "The round"): who sees the sheet, the office's self-assessment of
its manual items, the inspectors' scoring on one page (all or nothing; an automatic item changed only with
a reason, kept beside the computed value; deductions; vetoes), the A4 score sheet, and objections in the
notice period."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import floatformat
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import rounds, templating
from assessments.forms_sheets import ScoreForm
from assessments.models import EntryAttachment, Method, Objection, RoundState, SheetEntry, TemplateItem
from assessments.scoring import Grade, ItemKind
from tests.access import check_access
from tests.test_hardening import stylesheet

TODAY = datetime.date(2026, 7, 20)


def add_deduction_item(template) -> TemplateItem:
    """The default sheet has no deduction item; the fixture's sheet gets one (5 points, 1 per missing)."""
    # Keep 100 points: take 5 off the last manual item.
    manual = template.items.filter(method=Method.MANUAL, kind=ItemKind.SCORED).order_by("-order").first()
    manual.max_points -= 5
    manual.save()
    item = TemplateItem(
        template=template,
        kind=ItemKind.SCORED,
        group=manual.group,
        order=99,
        title="会议记录资料齐全",
        max_points=Decimal("5"),
        method=Method.DEDUCTION,
        points_per_missing=Decimal("1"),
    )
    item.full_clean()
    item.save()
    return item


def open_sheet(world, template=None):
    template = template or templating.default_template(world.township, 2026)
    add_deduction_item(template)
    round_ = rounds.open_round(world.township, 2026, template, world.users["township"], TODAY)
    return round_.sheets.get(office=world.office)


@pytest.fixture
def sheet(world, party):
    return open_sheet(world)


def entries(sheet, method=None, kind=ItemKind.SCORED):
    found = sheet.entries.select_related("item", "sheet__round").filter(item__kind=kind)
    if method:
        found = found.filter(item__method=method)
    return list(found.order_by("item__order", "item__pk"))


def login(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def self_data(sheet, points=None) -> dict:
    """The self-assessment form's data: every self-assessable item at full points (or `points`)."""
    data = {}
    for entry in sheet.entries.select_related("item"):
        if entry.item.kind == ItemKind.VETO or entry.item.method == Method.AUTOMATIC:
            continue
        data[f"e{entry.pk}-points"] = str(entry.item.max_points if points is None else points)
        data[f"e{entry.pk}-note"] = "见资料盒"
    return data


def score_data(sheet, **overrides) -> dict:
    """The scoring form as the inspector finds it (computed points, self-assessed points), with overrides."""
    form = ScoreForm(list(sheet.entries.select_related("item")))
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else str(value)
    for entry in form.entries:  # an indicator that does not apply: the inspector gives the points
        automatic = entry.item.method == Method.AUTOMATIC and entry.item.kind != ItemKind.VETO
        if automatic and entry.computed_points is None:
            data[f"e{entry.pk}-points"] = "0"
            data[f"e{entry.pk}-reason"] = "无相关记录"
        if entry.item.method == Method.MANUAL and entry.item.kind == ItemKind.SCORED:
            data.setdefault(f"e{entry.pk}-points", str(entry.item.max_points))
        if entry.item.method == Method.DEDUCTION:
            data.setdefault(f"e{entry.pk}-missing", "0")
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- Who sees and does what -------------------------------------------------------------------------------


ALL_404 = dict.fromkeys(("other_township", "other_office", "village", "other_village"), 404)


def test_access_to_the_sheet_pages_while_the_round_is_open(world, sheet):
    for name in ("sheet_detail", "sheet_print"):
        url = reverse(f"assessments:{name}", args=[sheet.pk])
        check_access(world, url, {"anonymous": 302, "township": 200, "office": 200, "county": 404, **ALL_404})
    for name in ("sheet_self", "sheet_submit_self"):
        url = reverse(f"assessments:{name}", args=[sheet.pk])
        check_access(world, url, {"anonymous": 302, "township": 200, "office": 200, "county": 404, **ALL_404})
    url = reverse("assessments:sheet_score", args=[sheet.pk])
    check_access(world, url, {"anonymous": 302, "township": 200, "office": 403, "county": 404, **ALL_404})


def test_access_to_the_posts(world, sheet):
    url = reverse("assessments:sheet_self", args=[sheet.pk])
    check_access(
        world,
        url,
        {"anonymous": 302, "township": 302, "office": 302, "county": 404, **ALL_404},
        method="post",
        data=self_data(sheet),
    )
    url = reverse("assessments:sheet_submit_self", args=[sheet.pk])
    check_access(
        world,
        url,
        {"anonymous": 302, "township": 302, "office": 302, "county": 404, **ALL_404},
        method="post",
    )
    url = reverse("assessments:sheet_score", args=[sheet.pk])
    check_access(
        world,
        url,
        {"anonymous": 302, "township": 302, "office": 403, "county": 404, **ALL_404},
        method="post",
        data=score_data(sheet),
    )
    url = reverse("assessments:sheet_objection", args=[sheet.pk])
    check_access(
        world,
        url,
        {"anonymous": 302, "township": 403, "office": 302, "county": 404, **ALL_404},
        method="post",
        data={"reason": "分数有误"},
    )
    assert not Objection.objects.exists()  # not in the notice period


def publish(world, sheet, today=TODAY):
    response = login(world, "township").post(
        reverse("assessments:sheet_score", args=[sheet.pk]), score_data(sheet)
    )
    assert response.status_code == 302, response.context["form"].errors
    return rounds.publish(sheet.round, world.users["township"], today=today)


def test_the_county_sees_the_sheet_once_published(world, sheet):
    publish(world, sheet)
    url = reverse("assessments:sheet_detail", args=[sheet.pk])
    check_access(world, url, {"anonymous": 302, "township": 200, "office": 200, "county": 200, **ALL_404})
    # Published: nobody scores or self-assesses any more.
    response = login(world, "township").get(reverse("assessments:sheet_score", args=[sheet.pk]))
    assert response.status_code == 302
    assert _("The round is published: reopen it to change a score.") in texts(response)
    response = login(world, "office").get(reverse("assessments:sheet_self", args=[sheet.pk]))
    assert response.status_code == 302


# --- The sheet page ---------------------------------------------------------------------------------------


def test_the_sheet_page_shows_items_computed_values_and_a_provisional_total(world, sheet):
    response = login(world, "office").get(reverse("assessments:sheet_detail", args=[sheet.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for entry in sheet.entries.select_related("item"):
        assert entry.item.title in html
    computed = next(e for e in entries(sheet, Method.AUTOMATIC) if e.computed_note)
    assert computed.computed_note in html
    assert response.context["published"] is False
    assert 'id="total-provisional"' in html
    assert response.context["may_self_assess"] and not response.context["may_score"]
    assert [group["code"] for group in response.context["groups"]]  # laid out by the five goods
    assert len(response.context["bonus_entries"]) == 2 and len(response.context["veto_entries"]) == 2


# --- Self-assessment --------------------------------------------------------------------------------------


def test_the_office_self_assesses_its_manual_items_and_submits(world, sheet):
    client = login(world, "office")
    url = reverse("assessments:sheet_self", args=[sheet.pk])
    response = client.get(url)
    form_entries = response.context["form"].entries
    assert form_entries and all(e.item.method != Method.AUTOMATIC for e in form_entries)
    assert all(e.item.kind != ItemKind.VETO for e in form_entries)
    response = client.post(url, self_data(sheet, points=3))
    assert response.status_code == 302
    for entry in entries(sheet, Method.MANUAL) + entries(sheet, Method.DEDUCTION):
        assert entry.self_points == Decimal("3.00") and entry.self_note == "见资料盒"
    # Submitting, after the confirmation page.
    submit = reverse("assessments:sheet_submit_self", args=[sheet.pk])
    assert client.get(submit).status_code == 200
    response = client.post(submit)
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.self_submitted_by == world.users["office"]


def test_points_above_the_maximum_are_refused_and_nothing_is_saved(world, sheet):
    client = login(world, "office")
    data = self_data(sheet, points=1)
    manual = entries(sheet, Method.MANUAL)[0]
    data[f"e{manual.pk}-points"] = str(manual.item.max_points + 1)
    response = client.post(reverse("assessments:sheet_self", args=[sheet.pk]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors[f"e{manual.pk}-points"]
    assert errors == [_("Give between 0 and %(max)s points.") % {"max": manual.item.max_points}]
    assert _("Nothing was saved: correct the fields marked below.") in texts(response)
    assert not SheetEntry.objects.filter(sheet=sheet, self_points__isnull=False).exists()


def test_submitting_with_blank_items_is_refused(world, sheet):
    response = login(world, "office").post(reverse("assessments:sheet_submit_self", args=[sheet.pk]))
    assert response.status_code == 302
    count = len(entries(sheet, Method.MANUAL) + entries(sheet, Method.DEDUCTION))
    assert _("%(count)s items still have no self-assessed points.") % {"count": count} in texts(response)
    sheet.refresh_from_db()
    assert sheet.self_submitted_at is None


def test_an_automatic_item_posted_to_the_self_form_is_ignored(world, sheet):
    automatic = entries(sheet, Method.AUTOMATIC)[0]
    before = automatic.self_points
    data = self_data(sheet) | {f"e{automatic.pk}-points": "1"}
    login(world, "office").post(reverse("assessments:sheet_self", args=[sheet.pk]), data)
    automatic.refresh_from_db()
    assert automatic.self_points == before is None


def test_self_assessment_closes_when_scoring_starts(world, sheet):
    rounds.start_scoring(sheet.round, world.users["township"])
    response = login(world, "office").post(
        reverse("assessments:sheet_self", args=[sheet.pk]), self_data(sheet)
    )
    assert response.status_code == 302
    assert _("Self-assessment is closed for this round.") in texts(response)
    assert not SheetEntry.objects.filter(sheet=sheet, self_points__isnull=False).exists()


# --- Scoring ----------------------------------------------------------------------------------------------


def test_changing_a_computed_score_needs_a_reason_kept_beside_it(world, sheet):
    client = login(world, "township")
    url = reverse("assessments:sheet_score", args=[sheet.pk])
    automatic = next(e for e in entries(sheet, Method.AUTOMATIC) if e.computed_points is not None)
    changed = (
        automatic.computed_points - 1 if automatic.computed_points >= 1 else automatic.computed_points + 1
    )
    manual = entries(sheet, Method.MANUAL)[0]
    data = score_data(sheet, **{f"e{automatic.pk}-points": str(changed), f"e{automatic.pk}-reason": ""})
    data[f"e{manual.pk}-points"] = "2"
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors[f"e{automatic.pk}-reason"] == [
        _("Give the reason for changing the points computed from the records.")
    ]
    assert 'class="invalid-feedback d-block field-error"' in response.content.decode()
    # All or nothing: the manual item was not scored either.
    manual.refresh_from_db()
    assert manual.inspector_points is None
    assert not SheetEntry.objects.filter(sheet=sheet, inspector_points__isnull=False).exists()

    data[f"e{automatic.pk}-reason"] = "台账缺两个月"
    response = client.post(url, data)
    assert response.status_code == 302
    automatic.refresh_from_db()
    assert automatic.inspector_points == changed and automatic.adjust_reason == "台账缺两个月"
    assert automatic.adjusted
    manual.refresh_from_db()
    assert manual.inspector_points == Decimal("2.00")
    page = client.get(reverse("assessments:sheet_detail", args=[sheet.pk])).content.decode()
    assert "台账缺两个月" in page and automatic.computed_note in page


def test_every_refusal_is_reported_at_once(world, sheet):
    automatic = next(e for e in entries(sheet, Method.AUTOMATIC) if e.computed_points is not None)
    manual = entries(sheet, Method.MANUAL)[0]
    veto = entries(sheet, kind=ItemKind.VETO)[0]
    data = score_data(
        sheet,
        **{
            f"e{automatic.pk}-points": str(automatic.item.max_points + 1),
            f"e{manual.pk}-points": str(manual.item.max_points + 1),
            f"e{veto.pk}-vetoed": "on",
        },
    )
    response = login(world, "township").post(reverse("assessments:sheet_score", args=[sheet.pk]), data)
    errors = response.context["form"].errors
    assert {f"e{automatic.pk}-points", f"e{manual.pk}-points", f"e{veto.pk}-veto_reason"} <= set(errors)
    assert errors[f"e{veto.pk}-veto_reason"] == [_("Give the reason for the veto.")]


def test_deduction_and_veto(world, sheet):
    deduction = entries(sheet, Method.DEDUCTION)[0]
    veto = entries(sheet, kind=ItemKind.VETO)[0]
    data = score_data(
        sheet,
        **{
            f"e{deduction.pk}-missing": "2",
            f"e{deduction.pk}-reason": "缺两次会议记录",
            f"e{veto.pk}-vetoed": "on",
            f"e{veto.pk}-veto_reason": "班子成员受到党纪处分",
        },
    )
    client = login(world, "township")
    response = client.post(reverse("assessments:sheet_score", args=[sheet.pk]), data)
    assert response.status_code == 302
    deduction.refresh_from_db()
    assert (deduction.missing_count, deduction.inspector_points) == (2, Decimal("3.00"))
    veto.refresh_from_db()
    assert veto.vetoed and veto.veto_reason == "班子成员受到党纪处分"
    response = client.get(reverse("assessments:sheet_detail", args=[sheet.pk]))
    assert response.context["total"].vetoed and response.context["final_grade"] == Grade.POOR.label
    html = response.content.decode()
    assert 'id="total-vetoed"' in html and "班子成员受到党纪处分" in html
    printed = client.get(reverse("assessments:sheet_print", args=[sheet.pk])).content.decode()
    assert "缺两次会议记录" in printed and "班子成员受到党纪处分" in printed


def test_the_print_page_has_every_item_and_the_signature_lines(world, sheet):
    publish(world, sheet)
    response = login(world, "office").get(reverse("assessments:sheet_print", args=[sheet.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for entry in sheet.entries.select_related("item"):
        assert entry.item.title in html
    assert "assessments/css/score_sheet.css" in html
    assert "@page score-sheet { size: A4" in stylesheet("assessments/css/score_sheet.css")
    assert 'id="sheet-sign"' in html
    sheet.refresh_from_db()
    assert response.context["final_total"] == sheet.total
    assert f'id="print-total">{floatformat(sheet.total, "-2")}<' in html


# --- Objections -------------------------------------------------------------------------------------------


def test_objections_only_in_the_notice_period(world, sheet):
    publish(world, sheet, today=timezone.localdate())
    client = login(world, "office")
    url = reverse("assessments:sheet_objection", args=[sheet.pk])
    page = client.get(reverse("assessments:sheet_detail", args=[sheet.pk]))
    assert page.context["may_object"] and 'id="objection-form"' in page.content.decode()
    response = client.post(url, {"reason": "第3项会议记录齐全，请复核"})
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.lodged_by == world.users["office"]
    rounds.answer_objection(objection, world.users["township"], "已复核，维持原分")
    page = client.get(reverse("assessments:sheet_detail", args=[sheet.pk])).content.decode()
    assert "第3项会议记录齐全，请复核" in page and "已复核，维持原分" in page

    # After the notice period: refused with a message, no form.
    round_ = sheet.round
    round_.published_on = timezone.localdate() - datetime.timedelta(days=round_.notice_days + 1)
    round_.save()
    response = client.post(url, {"reason": "再提异议"})
    assert _("Objections can only be lodged during the notice period.") in texts(response)
    assert Objection.objects.count() == 1
    page = client.get(reverse("assessments:sheet_detail", args=[sheet.pk]))
    assert not page.context["may_object"]
    assert round_.state == RoundState.NOTICE
    # An empty reason is refused.
    round_.published_on = timezone.localdate()
    round_.save()
    response = client.post(url, {"reason": " "})
    assert _("Give the reason for the objection.") in texts(response)
    assert Objection.objects.count() == 1


# --- Evidence attachments ---------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="活动照片.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def attach(entry, user=None, description="活动照片"):
    attachment = EntryAttachment(entry=entry, description=description, uploaded_by=user)
    attachment.file.save("活动照片.pdf", io.BytesIO(PDF))
    return attachment


def test_the_office_attaches_evidence_with_its_self_assessment(world, sheet):
    client = login(world, "office")
    url = reverse("assessments:sheet_self", args=[sheet.pk])
    manual = entries(sheet, Method.MANUAL)[0]
    response = client.post(url, {**self_data(sheet, points=2), f"e{manual.pk}-file": pdf()})
    assert response.status_code == 302
    attachment = manual.attachments.get()
    assert attachment.description == "活动照片" and attachment.uploaded_by == world.users["office"]
    assert attachment.file.name.startswith(f"assessments/{sheet.pk}/")
    manual.refresh_from_db()
    assert manual.self_points == Decimal("2.00")
    # Shown beside the item on the sheet, the scoring page and (by name) the print page.
    link = reverse("assessments:entry_attachment", args=[attachment.pk])
    detail = client.get(reverse("assessments:sheet_detail", args=[sheet.pk])).content.decode()
    assert link in detail
    score = login(world, "township").get(reverse("assessments:sheet_score", args=[sheet.pk]))
    assert link in score.content.decode()
    printed = client.get(reverse("assessments:sheet_print", args=[sheet.pk])).content.decode()
    assert "print-attachments" in printed and "活动照片" in printed
    download = client.get(link)
    assert b"".join(download.streaming_content) == PDF


def test_the_township_may_attach_for_the_office(world, sheet):
    manual = entries(sheet, Method.MANUAL)[0]
    response = login(world, "township").post(
        reverse("assessments:sheet_self", args=[sheet.pk]), {**self_data(sheet), f"e{manual.pk}-file": pdf()}
    )
    assert response.status_code == 302
    assert manual.attachments.get().uploaded_by == world.users["township"]


def test_a_bad_file_is_refused_beside_its_item_and_nothing_is_saved(world, sheet):
    manual = entries(sheet, Method.MANUAL)[0]
    fake = SimpleUploadedFile("照片.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    disguised = SimpleUploadedFile("照片.pdf", b"MZ\x90\x00not a pdf", content_type="application/pdf")
    other = entries(sheet, Method.MANUAL)[1]
    response = login(world, "office").post(
        reverse("assessments:sheet_self", args=[sheet.pk]),
        {**self_data(sheet, points=2), f"e{manual.pk}-file": fake, f"e{other.pk}-file": disguised},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "照片.exe" in " ".join(form.errors[f"e{manual.pk}-file"])
    assert "照片.pdf" in " ".join(form.errors[f"e{other.pk}-file"])
    html = response.content.decode()
    item = html.split(f'id="self-entry-{manual.pk}"')[1].split("</li>")[0]
    assert "field-error" in item
    assert _("Nothing was saved: correct the fields marked below.") in texts(response)
    assert not manual.attachments.exists() and not other.attachments.exists()
    manual.refresh_from_db()
    assert manual.self_points is None


def test_attachment_download_access(world, sheet):
    attachment = attach(entries(sheet, Method.MANUAL)[0])
    url = reverse("assessments:entry_attachment", args=[attachment.pk])
    check_access(world, url, {"anonymous": 302, "township": 200, "office": 200, "county": 404, **ALL_404})
    publish(world, sheet)
    check_access(world, url, {"anonymous": 302, "township": 200, "office": 200, "county": 200, **ALL_404})


def test_an_attachment_is_removed_with_a_tick(world, sheet):
    manual = entries(sheet, Method.MANUAL)[0]
    attachment = attach(manual, world.users["office"])
    client = login(world, "office")
    url = reverse("assessments:sheet_self", args=[sheet.pk])
    page = client.get(url).content.decode()
    assert f'name="remove_attachments" value="{attachment.pk}"' in page
    response = client.post(url, {**self_data(sheet), "remove_attachments": [attachment.pk]})
    assert response.status_code == 302
    assert not EntryAttachment.objects.filter(pk=attachment.pk).exists()


def test_attachments_are_refused_once_the_round_leaves_open(world, sheet):
    manual = entries(sheet, Method.MANUAL)[0]
    attachment = attach(manual, world.users["office"])
    rounds.start_scoring(sheet.round, world.users["township"])
    url = reverse("assessments:sheet_self", args=[sheet.pk])
    client = login(world, "office")
    response = client.post(
        url, {**self_data(sheet), f"e{manual.pk}-file": pdf(), "remove_attachments": [attachment.pk]}
    )
    assert response.status_code == 302
    assert _("Self-assessment is closed for this round.") in texts(response)
    assert list(EntryAttachment.objects.filter(entry=manual)) == [attachment]
    # Still shown, with no upload or remove controls, on the sheet page.
    detail = client.get(reverse("assessments:sheet_detail", args=[sheet.pk])).content.decode()
    assert reverse("assessments:entry_attachment", args=[attachment.pk]) in detail
    assert "remove_attachments" not in detail
