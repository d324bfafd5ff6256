"""What the review of the meetings, ledger and duty-log change found: the admin cannot write what the pages
refuse, an old month opened by mistake cannot block every later close, archive entries keep their identity
and history across corrections, and links lead only to what the reader may open."""

import datetime

from django.test import Client
from django.urls import reverse

from duty_roster.models import DutyLogEntry
from ledger import services as ledger_services
from ledger.choices import ItemSource
from ledger.models import LedgerItem, LedgerMonth
from meetings import services
from meetings.choices import AttendanceStatus, MeetingKind
from meetings.models import Attendance, Meeting
from members.models import ArchiveEntry

D = datetime.date


def admin_client(world) -> Client:
    user = world.users["township"]
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def meeting_of(party, **fields) -> Meeting:
    fields = {"kind": MeetingKind.THEME_DAY, "on": D(2026, 3, 5), "topic": "学习", **fields}
    return Meeting.objects.create(branch=party.branch, **fields)


def test_the_admin_shows_attendance_but_writes_none_into_another_townships_archive(world, party):
    meeting = meeting_of(party)
    client = admin_client(world)
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "topic": "改过的主题",
        "attendances-TOTAL_FORMS": "1",
        "attendances-INITIAL_FORMS": "0",
        "attendances-0-member": str(party.far_member.pk),
        "attendances-0-status": "present",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
    }
    client.post(url, data)
    assert not Attendance.objects.filter(member=party.far_member).exists()
    assert not ArchiveEntry.objects.filter(member=party.far_member).exists()


def test_the_admin_cannot_move_a_meeting_or_a_ledger_item_or_change_a_converted_log_entry(
    world, party, duty_post
):
    client = admin_client(world)
    meeting = meeting_of(party)
    page = client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk])).content.decode()
    assert 'name="branch"' not in page and 'name="on"' not in page and 'name="topic"' in page

    ledger = ledger_services.ledger_for(world.office, D(2026, 10, 1))
    item = ledger_services.add_item(ledger, source=ItemSource.OTHER, content="修路", owner="张三")
    page = client.get(reverse("admin:ledger_ledgeritem_change", args=[item.pk])).content.decode()
    assert 'name="ledger"' not in page and 'name="meeting"' not in page and 'name="content"' in page

    entry = DutyLogEntry.objects.create(post=duty_post, on=D(2026, 10, 8), visitor="王五", purpose="咨询")
    ledger_services.item_from_duty_log(entry, today=D(2026, 10, 8))
    url = reverse("admin:duty_roster_dutylogentry_change", args=[entry.pk])
    client.post(url, {"visitor": "改了", "purpose": "咨询"})
    client.post(reverse("admin:duty_roster_dutylogentry_delete", args=[entry.pk]), {"post": "yes"})
    entry.refresh_from_db()
    assert entry.visitor == "王五"


def test_an_old_month_cannot_be_opened_so_it_cannot_block_later_closes(world):
    today = D(2026, 11, 27)
    ledger_services.open_month(world.office, D(2026, 11, 1), today=today)
    for month in (D(2024, 1, 1), D(2026, 10, 1)):
        try:
            ledger_services.open_month(world.office, month, today=today)
        except Exception as error:
            assert "2026-11" in str(error)
        else:
            raise AssertionError(f"{month} was opened before the office's first ledger month")
    # An office with no ledger yet may start with last month, not earlier.
    ledger_services.open_month(world.other_office, D(2026, 10, 1), today=today)
    assert not LedgerMonth.objects.filter(month__lt=D(2026, 10, 1)).exists()


def test_closing_an_unopened_old_month_from_its_page_opens_nothing(world):
    ledger_services.ledger_for(world.office, datetime.date.today().replace(day=1))
    client = Client()
    client.force_login(world.users["office"])
    page = client.get(reverse("ledger:month_detail", args=[world.office.pk, "2024-01"]))
    assert page.status_code == 200 and 'id="close-month"' not in page.content.decode()
    client.post(reverse("ledger:month_close", args=[world.office.pk, "2024-01"]))
    assert not LedgerMonth.objects.filter(office=world.office, month__year=2024).exists()


def test_archive_entries_keep_their_identity_and_history_across_corrections(world, party):
    meeting = meeting_of(party)
    rows = [(party.member.pk, AttendanceStatus.PRESENT, "")]
    services.save_attendance(meeting, rows)
    before = set(ArchiveEntry.objects.filter(meeting=meeting).values_list("pk", flat=True))
    services.save_attendance(meeting, rows)  # saved again unchanged
    assert set(ArchiveEntry.objects.filter(meeting=meeting).values_list("pk", flat=True)) == before

    services.save_attendance(meeting, [(party.member.pk, AttendanceStatus.LEAVE, "生病住院")])
    entries = ArchiveEntry.objects.filter(meeting=meeting)
    assert [e.kind for e in entries] == ["attendance"]  # no longer 参会
    (attendance,) = entries
    assert attendance.pk in before and "请假（生病住院）" in attendance.content
    kinds = list(attendance.history.order_by("history_id").values_list("history_type", flat=True))
    assert kinds == ["+", "~"]  # created once, then changed: never deleted and recreated
    assert Attendance.history.filter(member=party.member).count() == 2  # attendance keeps its history


def test_the_ledger_links_a_meeting_only_for_readers_who_may_open_it(world, party):
    meeting = Meeting.objects.create(
        branch=party.general, kind=MeetingKind.COMMUNITY_MEETING, on=D(2026, 10, 9), topic="社区议事"
    )
    today = datetime.date.today()
    ledger = ledger_services.ledger_for(world.office, today)
    LedgerItem.objects.create(
        ledger=ledger, source=ItemSource.MEETING, content="落实决议", owner="李四", meeting=meeting
    )
    url = reverse("ledger:month_detail", args=[world.office.pk, f"{today:%Y-%m}"])
    for role, linked in (("office", True), ("village", False)):
        client = Client()
        client.force_login(world.users[role])
        html = client.get(url).content.decode()
        assert "社区议事" in html
        assert (meeting.get_absolute_url() in html) is linked, role
