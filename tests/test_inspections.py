"""Inspections and rectification items (issue 7, R10): who sees and changes what, the office's report with
evidence, overdue items for the home page and the campaign board, exports, the printed record, the demo."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments import demo, services
from assessments.choices import InspectionKind, RectificationStatus
from assessments.models import Inspection, Rectification
from communities import demo as communities_demo
from tests.access import check_access
from tests.test_hardening import stylesheet

TODAY = timezone.localdate()
PDF = b"%PDF-1.4 evidence"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def make_inspection(office, on=None, **fields) -> Inspection:
    fields.setdefault("kind", InspectionKind.INSPECTION)
    fields.setdefault("inspectors", "刘建华、孙丽")
    fields.setdefault("checked", "村书记值班岗运行情况")
    fields.setdefault("findings", "值班日志记录简单")
    return Inspection.objects.create(office=office, on=on or TODAY - datetime.timedelta(days=30), **fields)


def make_item(inspection, deadline_days=-5, status=RectificationStatus.OPEN, **fields) -> Rectification:
    fields.setdefault("content", "规范值班日志记录")
    fields.setdefault("owner", "王建国")
    if status == RectificationStatus.DONE:
        fields.setdefault("evidence", "已整改")
    return Rectification.objects.create(
        inspection=inspection,
        deadline=TODAY + datetime.timedelta(days=deadline_days),
        status=status,
        **fields,
    )


@pytest.fixture
def records(world):
    inspection = make_inspection(world.office)
    item = make_item(inspection)
    other = make_inspection(world.other_office)
    other_item = make_item(other)
    far = make_inspection(world.far_office)
    return inspection, item, other, other_item, far


def client_for(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


# --- Access ---------------------------------------------------------------------------------------------

EVERYONE_LIST = {
    "anonymous": 302,
    "township": 200,
    "other_township": 200,
    "office": 200,
    "other_office": 200,
    "village": 200,
    "other_village": 200,
    "county": 200,
}
READ = {
    "anonymous": 302,
    "township": 200,
    "other_township": 404,
    "office": 200,
    "other_office": 404,
    "village": 404,
    "other_village": 404,
    "county": 200,
}
TOWNSHIP_CHANGE = {**READ, "office": 403, "county": 403}
REPORT = {**READ, "county": 403}


def test_list_pages_open_to_every_signed_in_role(world, records):
    check_access(world, reverse("assessments:inspection_list"), EVERYONE_LIST)
    check_access(world, reverse("assessments:rectification_list"), EVERYONE_LIST)
    check_access(world, reverse("assessments:inspection_list") + "?export=xlsx", EVERYONE_LIST)
    check_access(world, reverse("assessments:rectification_list") + "?export=xlsx", EVERYONE_LIST)


def test_create_inspection_is_for_township_staff(world):
    expected = {**EVERYONE_LIST, "office": 403, "other_office": 403, "village": 403}
    expected.update(other_village=403, county=403)
    check_access(world, reverse("assessments:inspection_create"), expected)


def test_inspection_pages_access(world, records):
    inspection = records[0]
    check_access(world, reverse("assessments:inspection_detail", args=[inspection.pk]), READ)
    check_access(world, reverse("assessments:inspection_print", args=[inspection.pk]), READ)
    check_access(world, reverse("assessments:inspection_update", args=[inspection.pk]), TOWNSHIP_CHANGE)
    check_access(world, reverse("assessments:inspection_delete", args=[inspection.pk]), TOWNSHIP_CHANGE)
    check_access(world, reverse("assessments:rectification_create", args=[inspection.pk]), TOWNSHIP_CHANGE)


def test_rectification_pages_access(world, records):
    item = records[1]
    check_access(world, reverse("assessments:rectification_update", args=[item.pk]), REPORT)
    item.evidence_file = SimpleUploadedFile("evidence.pdf", PDF)
    item.save()
    check_access(world, reverse("assessments:rectification_evidence", args=[item.pk]), READ)


def test_lists_show_only_the_scope(world, records):
    inspection, item, other = records[:3]
    response = client_for(world, "office").get(reverse("assessments:inspection_list"))
    assert [row.pk for row in response.context["table"].data] == [inspection.pk]
    response = client_for(world, "township").get(reverse("assessments:inspection_list"))
    assert {row.pk for row in response.context["table"].data} == {inspection.pk, other.pk}
    response = client_for(world, "village").get(reverse("assessments:rectification_list"))
    assert list(response.context["table"].data) == []
    response = client_for(world, "office").get(reverse("assessments:rectification_list"))
    assert [row.pk for row in response.context["table"].data] == [item.pk]


# --- Writing --------------------------------------------------------------------------------------------


def test_township_records_an_inspection_and_its_items(world):
    client = client_for(world, "township")
    response = client.post(
        reverse("assessments:inspection_create"),
        {
            "office": world.office.pk,
            "on": TODAY.isoformat(),
            "kind": InspectionKind.GUIDANCE,
            "inspectors": " 刘建华 ",
            "checked": "党员档案",
            "findings": "缺学习记录",
        },
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == inspection.get_absolute_url()
    assert inspection.created_by == world.users["township"] and inspection.inspectors == "刘建华"
    response = client.post(
        reverse("assessments:rectification_create", args=[inspection.pk]),
        {
            "content": "补齐学习记录",
            "owner": "王建国",
            "deadline": (TODAY + datetime.timedelta(days=10)).isoformat(),
            "status": RectificationStatus.OPEN,
            "evidence": "",
        },
    )
    assert response.status_code == 302
    item = Rectification.objects.get()
    assert item.inspection == inspection and item.status == RectificationStatus.OPEN


def test_township_cannot_record_for_another_township(world):
    client = client_for(world, "township")
    response = client.post(
        reverse("assessments:inspection_create"),
        {
            "office": world.far_office.pk,
            "on": TODAY.isoformat(),
            "kind": "inspection",
            "inspectors": "刘建华",
            "checked": "x",
        },
    )
    assert response.status_code == 200 and not Inspection.objects.exists()


def test_inspection_date_cannot_be_in_the_future(world):
    response = client_for(world, "township").post(
        reverse("assessments:inspection_create"),
        {
            "office": world.office.pk,
            "on": (TODAY + datetime.timedelta(days=2)).isoformat(),
            "kind": "inspection",
            "inspectors": "刘建华",
            "checked": "x",
        },
    )
    assert response.status_code == 200 and "on" in response.context["form"].errors


def test_office_reports_his_item_done_with_evidence(world, records):
    item = records[1]
    client = client_for(world, "office")
    url = reverse("assessments:rectification_update", args=[item.pk])
    response = client.get(url)
    assert set(response.context["form"].fields) == {"status", "evidence", "evidence_file", "done_on"}
    response = client.post(
        url,
        {
            "status": RectificationStatus.DONE,
            "evidence": "日志已规范",
            "content": "changed",
            "owner": "x",
            "evidence_file": SimpleUploadedFile("photo.pdf", PDF),
            "next": "list",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("assessments:rectification_list")
    item.refresh_from_db()
    assert item.status == RectificationStatus.DONE and item.evidence == "日志已规范"
    assert item.done_on == TODAY and item.evidence_file
    assert item.content == "规范值班日志记录" and item.owner == "王建国"  # not his to change
    assert not item.is_overdue()
    download = client.get(reverse("assessments:rectification_evidence", args=[item.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_office_cannot_touch_another_offices_item(world, records):
    other_item = records[3]
    response = client_for(world, "office").post(
        reverse("assessments:rectification_update", args=[other_item.pk]),
        {"status": RectificationStatus.DONE, "evidence": "x"},
    )
    assert response.status_code == 404
    other_item.refresh_from_db()
    assert other_item.status == RectificationStatus.OPEN


def test_office_cannot_create_inspections_or_items(world, records):
    client = client_for(world, "office")
    response = client.post(
        reverse("assessments:inspection_create"),
        {
            "office": world.office.pk,
            "on": TODAY.isoformat(),
            "kind": "inspection",
            "inspectors": "x",
            "checked": "x",
        },
    )
    assert response.status_code == 403
    response = client.post(
        reverse("assessments:rectification_create", args=[records[0].pk]),
        {"content": "x", "owner": "x", "deadline": TODAY.isoformat(), "status": "open"},
    )
    assert response.status_code == 403
    assert Inspection.objects.count() == 3 and Rectification.objects.count() == 2


def test_done_needs_evidence(world, records):
    item = records[1]
    response = client_for(world, "office").post(
        reverse("assessments:rectification_update", args=[item.pk]),
        {"status": RectificationStatus.DONE, "evidence": "   "},
    )
    assert response.status_code == 200 and "evidence" in response.context["form"].errors
    item.refresh_from_db()
    assert item.status == RectificationStatus.OPEN and item.done_on is None


def test_evidence_file_is_checked(world, records):
    item = records[1]
    response = client_for(world, "office").post(
        reverse("assessments:rectification_update", args=[item.pk]),
        {
            "status": RectificationStatus.IN_PROGRESS,
            "evidence": "x",
            "evidence_file": SimpleUploadedFile("fake.pdf", b"not a pdf"),
        },
    )
    assert response.status_code == 200 and "evidence_file" in response.context["form"].errors
    item.refresh_from_db()
    assert item.status == RectificationStatus.OPEN and not item.evidence_file


def test_reopening_clears_the_completion_date(world, records):
    item = records[1]
    item.status, item.evidence = RectificationStatus.DONE, "ok"
    item.save()
    assert item.done_on == TODAY
    item.status = RectificationStatus.IN_PROGRESS
    item.save()
    assert item.done_on is None


def test_inspection_with_items_is_not_deleted(world, records):
    inspection = records[0]
    client = client_for(world, "township")
    url = reverse("assessments:inspection_delete", args=[inspection.pk])
    assert "delete-refused" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302 and Inspection.objects.filter(pk=inspection.pk).exists()
    empty = make_inspection(world.office)
    response = client.post(reverse("assessments:inspection_delete", args=[empty.pk]))
    assert response.status_code == 302 and not Inspection.objects.filter(pk=empty.pk).exists()


# --- Overdue --------------------------------------------------------------------------------------------


def test_overdue_is_not_done_and_past_the_deadline(world):
    inspection = make_inspection(world.office)
    late_open = make_item(inspection, -1)
    late_progress = make_item(inspection, -10, RectificationStatus.IN_PROGRESS)
    make_item(inspection, 0)  # due today: not yet overdue
    make_item(inspection, -10, RectificationStatus.DONE)
    make_item(inspection, 5, RectificationStatus.IN_PROGRESS)
    assert set(Rectification.objects.overdue(TODAY)) == {late_open, late_progress}
    assert late_open.is_overdue(TODAY) and not late_open.is_overdue(TODAY - datetime.timedelta(days=2))
    assert list(services.overdue_rectifications(world.users["office"], TODAY)) == [late_progress, late_open]
    assert not services.overdue_rectifications(world.users["other_office"], TODAY).exists()
    assert not services.overdue_rectifications(world.users["village"], TODAY).exists()
    later = TODAY + datetime.timedelta(days=1)
    assert services.overdue_rectifications(world.users["county"], later).count() == 3


def test_attention_counts_and_links(world, records):
    make_item(records[0], -20)
    attention = services.attention(world.users["township"], TODAY, limit=2)
    assert attention.count == 3 and len(attention.items) == 2
    first = attention.items[0]
    assert first.days == 20 and first.unit == "东关社区" and first.url.endswith(f"#rectification-{first.pk}")
    assert services.attention(world.users["office"], TODAY).count == 2
    assert services.attention(world.users["other_township"], TODAY).count == 0
    assert services.attention(world.users["village"], TODAY).count == 0


def test_overdue_by_office(world, records):
    make_item(records[0], -20)
    make_item(records[0], 3)
    counts = services.overdue_by_office([world.office.pk, world.other_office.pk], TODAY)
    assert counts == {world.office.pk: 2, world.other_office.pk: 1}
    assert services.overdue_by_office([world.far_office.pk], TODAY - datetime.timedelta(days=30)) == {}


def test_overdue_filter_and_page_marks(world, records):
    inspection = records[0]
    make_item(inspection, 5)
    client = client_for(world, "township")
    response = client.get(reverse("assessments:rectification_list") + "?overdue=true")
    assert {row.pk for row in response.context["table"].data} == {records[1].pk, records[3].pk}
    response = client.get(
        reverse("assessments:rectification_list") + f"?overdue=false&office={world.office.pk}"
    )
    assert len(response.context["table"].data) == 1
    page = client.get(inspection.get_absolute_url()).content.decode()
    assert "list-group-item-danger" in page and 'class="badge text-bg-danger overdue"' in page


# --- Export and print -----------------------------------------------------------------------------------


def workbook(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def test_exports(world, records):
    client = client_for(world, "township")
    sheet = workbook(
        client.get(reverse("assessments:inspection_list") + f"?export=xlsx&office={world.office.pk}")
    )
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "东关办事处" in values and "西营办事处" not in values and "值班日志记录简单" in values
    sheet = workbook(client.get(reverse("assessments:rectification_list") + "?export=xlsx"))
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert values.count("规范值班日志记录") == 2 and "南湖办事处" not in values
    sheet = workbook(
        client_for(world, "office").get(reverse("assessments:rectification_list") + "?export=xlsx")
    )
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert values.count("规范值班日志记录") == 1


def test_print_page(world, records):
    inspection = records[0]
    page = client_for(world, "county").get(reverse("assessments:inspection_print", args=[inspection.pk]))
    content = page.content.decode()
    assert 'id="record-sign"' in content and "规范值班日志记录" in content and "刘建华、孙丽" in content
    assert "assessments/css/inspection_print.css" in content
    assert "@page inspection-record { size: A4" in stylesheet("assessments/css/inspection_print.css")


# --- Demo -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_build_is_idempotent_and_covers_every_state():
    township = communities_demo.build()
    out = io.StringIO()
    demo.build(township, stdout=out)
    inspections = Inspection.objects.filter(office__township=township)
    items = Rectification.objects.filter(inspection__office__township=township)
    assert inspections.count() == 12 and "督查" in out.getvalue()
    counts = (inspections.count(), items.count())
    assert items.overdue().filter(status=RectificationStatus.OPEN).exists()
    assert items.overdue().filter(status=RectificationStatus.IN_PROGRESS).exists()
    assert items.filter(status=RectificationStatus.OPEN, deadline__gte=TODAY).exists()
    assert items.filter(status=RectificationStatus.IN_PROGRESS, deadline__gte=TODAY).exists()
    done = items.filter(status=RectificationStatus.DONE)
    assert done.exists() and all(item.evidence and item.done_on for item in done)
    assert done.filter(done_on__gt=models_deadline()).exists()  # some were done late
    for item in items.all():
        item.full_clean()
    demo.build(township)
    assert (inspections.count(), items.count()) == counts
    demo.reset(township)
    assert not Inspection.objects.filter(office__township=township).exists()
    assert not Rectification.objects.filter(inspection__office__township=township).exists()


def models_deadline():
    from django.db.models import F

    return F("deadline")
