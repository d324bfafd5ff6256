"""The meeting register's pages: access for every role and URL, recording a meeting with attachments, the
organisations one may record for, the attendance and review sheets, deletion, print and the workbook."""

import datetime
import io
import os

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.choices import Role
from branches.choices import BranchKind
from branches.models import Branch
from meetings import services
from meetings.choices import AttendanceStatus, MeetingKind, ReviewGrade
from meetings.models import Attendance, Meeting, MeetingAttachment, ReviewResult
from meetings.tables import MeetingExportTable
from members.choices import EntryKind, Standing
from members.models import ArchiveEntry
from tests.access import check_access
from tests.conftest import make_member, make_user
from tests.test_hardening import stylesheet

READ = {
    "anonymous": 302,
    "township": 200,
    "other_township": 404,
    "office": 200,
    "other_office": 404,
    "village": 200,
    "other_village": 404,
    "county": 200,
}
CHANGE = {**READ, "county": 403}
# A community general branch's meeting: the office's, not a village secretary's.
READ_GENERAL = {**READ, "village": 404}
CHANGE_GENERAL = {**READ_GENERAL, "county": 403}
DAY = datetime.date(2026, 3, 10)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def login(world, role: str, language: str = "en") -> Client:
    client = Client()
    client.force_login(world.users[role])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def text(response) -> str:
    return response.content.decode()


def flashed(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def management(prefix: str, total: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def meeting_data(branch, **changes) -> dict:
    data = {
        "branch": branch.pk,
        "kind": MeetingKind.GENERAL_MEETING,
        "on": DAY.isoformat(),
        "starts_at": "09:00",
        "ends_at": "11:00",
        "place": "村党员活动室",
        "host": "张三",
        "recorder": "李四",
        "topic": "学习全会精神",
        "minutes": "传达学习全会精神。",
        "resolutions": "组织党员冬训。",
        "makeup_for": "",
        **management("attachments", 2),
    }
    data.update(changes)
    return data


def sheet_data(rows: dict, **extra) -> dict:
    """{member: (value, text)} as the sheet posts it."""
    data = {"member": [str(m.pk) for m in rows], "save": "1"}
    for member, (value, note) in rows.items():
        data[f"value-{member.pk}"] = value
        data[f"text-{member.pk}"] = note
    data.update(extra)
    return data


@pytest.fixture
def people(party):
    """The village branch: 张三 (from `party`) and three more members, one of them a probationer."""
    return [
        party.member,
        make_member(party.branch, "王五"),
        make_member(party.branch, "赵六", gender="female", standing=Standing.PROBATIONARY),
        make_member(party.branch, "钱七"),
    ]


@pytest.fixture
def meeting(world, party, people):
    return Meeting.objects.create(
        branch=party.branch,
        kind=MeetingKind.GENERAL_MEETING,
        on=DAY,
        topic="学习全会精神",
        host="张三",
        created_by=world.users["village"],
    )


@pytest.fixture
def review(world, party, people):
    return Meeting.objects.create(
        branch=party.branch, kind=MeetingKind.DEMOCRATIC_REVIEW, on=DAY, topic="2026年度民主评议党员"
    )


def zh(label) -> str:
    """A label as the Chinese archive and pages say it (before and after the catalogue is compiled)."""
    with translation.override("zh-hans"):
        return str(label)


def entries(member, kind=None):
    queryset = ArchiveEntry.objects.filter(member=member)
    return queryset.filter(kind=kind) if kind else queryset


# --- Access: every URL ------------------------------------------------------------------------------------


def test_list_and_create_access(world, meeting):
    everyone = {role: 200 for role in READ} | {"anonymous": 302}
    check_access(world, reverse("meetings:meeting_list"), everyone)
    check_access(world, reverse("meetings:meeting_list") + "?export=xlsx", everyone)
    creators = {**everyone, "county": 403}
    url = reverse("meetings:meeting_create")
    check_access(world, url, creators)
    check_access(world, url, creators, method="post", data={})  # an empty form comes back with its errors
    assert Meeting.objects.count() == 1


def test_meeting_pages_access(world, meeting):
    for name in ("meeting_detail", "meeting_print"):
        check_access(world, reverse(f"meetings:{name}", args=[meeting.pk]), READ)
    for name in ("meeting_update", "meeting_delete", "meeting_attendance"):
        check_access(world, reverse(f"meetings:{name}", args=[meeting.pk]), CHANGE)
    # Only a democratic review grades members.
    check_access(
        world,
        reverse("meetings:meeting_review", args=[meeting.pk]),
        {**CHANGE, "township": 404, "office": 404, "village": 404},
    )


def test_change_urls_refuse_posts_out_of_scope(world, meeting, people):
    check_access(world, reverse("meetings:meeting_update", args=[meeting.pk]), CHANGE, method="post", data={})
    attendance = sheet_data({people[0]: ("present", "")})
    check_access(
        world,
        reverse("meetings:meeting_attendance", args=[meeting.pk]),
        {**CHANGE, "township": 302, "office": 302, "village": 302},
        method="post",
        data=attendance,
    )


def test_delete_posts_access(world, meeting, monkeypatch):
    # Deleting for real would leave the next role nothing to try: each allowed POST is counted instead.
    deleted = []
    monkeypatch.setattr(services, "delete_meeting", deleted.append)
    delete = reverse("meetings:meeting_delete", args=[meeting.pk])
    check_access(world, delete, {**CHANGE, "township": 302, "office": 302, "village": 302}, method="post")
    assert deleted == [meeting] * 3


def test_review_access(world, review, people):
    url = reverse("meetings:meeting_review", args=[review.pk])
    check_access(world, url, CHANGE)
    data = sheet_data({people[0]: (ReviewGrade.QUALIFIED, "")})
    check_access(
        world, url, {**CHANGE, "township": 302, "office": 302, "village": 302}, method="post", data=data
    )


def test_a_general_branch_meeting_is_the_office_s(world, party):
    meeting = Meeting.objects.create(
        branch=party.general, kind=MeetingKind.COMMUNITY_MEETING, on=DAY, topic="社区党建工作会议"
    )
    check_access(world, meeting.get_absolute_url(), READ_GENERAL)
    check_access(world, reverse("meetings:meeting_attendance", args=[meeting.pk]), CHANGE_GENERAL)
    check_access(world, reverse("meetings:meeting_print", args=[meeting.pk]), READ_GENERAL)


def test_attachment_download_access(world, meeting):
    attachment = MeetingAttachment(meeting=meeting, description="签到表")
    attachment.file.save("签到表.pdf", io.BytesIO(PDF))
    check_access(world, reverse("meetings:attachment_download", args=[attachment.pk]), READ)


# --- Recording a meeting ----------------------------------------------------------------------------------


def test_a_village_secretary_records_a_meeting_then_marks_attendance(world, party, people):
    client = login(world, "village")
    upload = SimpleUploadedFile("签到表.pdf", PDF, content_type="application/pdf")
    data = meeting_data(party.branch, **{"attachments-0-file": upload, "attachments-0-description": "签到表"})
    response = client.post(reverse("meetings:meeting_create"), data)
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:meeting_attendance", args=[meeting.pk])
    assert (meeting.branch, meeting.kind, meeting.created_by) == (
        party.branch,
        "general_meeting",
        world.users["village"],
    )
    attachment = meeting.attachments.get()
    assert attachment.description == "签到表" and attachment.uploaded_by == world.users["village"]
    assert attachment.file.name.startswith(f"meetings/{meeting.pk}/")
    download = client.get(reverse("meetings:attachment_download", args=[attachment.pk]))
    assert b"".join(download.streaming_content) == PDF


def test_the_create_form_takes_the_organisation_and_kind_from_the_link(world, party):
    url = reverse("meetings:meeting_create") + f"?branch={party.branch.pk}&kind=democratic_review"
    form = login(world, "office").get(url).context["form"]
    assert form.initial["branch"] == str(party.branch.pk)
    assert form.initial["kind"] == "democratic_review"
    assert form.initial["on"] == datetime.date.today()


def test_the_organisations_offered_are_the_ones_the_user_records_for(world, party):
    Branch.objects.create(
        office=world.office,
        parent=party.general,
        kind=BranchKind.OTHER,
        other_kind="mobile",
        name="已撤销的流动党员党支部",
        dissolved_on=datetime.date(2025, 1, 1),
    )
    url = reverse("meetings:meeting_create")
    village = login(world, "village").get(url).context["form"]
    assert list(village.fields["branch"].queryset) == [party.branch]
    assert village.initial["branch"] == party.branch.pk  # his only one, chosen for him
    office = login(world, "office").get(url).context["form"]
    assert set(office.fields["branch"].queryset) == {party.general, party.branch, party.sibling_branch}
    # Another village's branch is not his to choose, even when posted by hand.
    response = login(world, "village").post(url, meeting_data(party.sibling_branch))
    assert response.status_code == 200 and "branch" in response.context["form"].errors
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"on": "2099-01-01"}, "on"),
        ({"starts_at": "10:00", "ends_at": "09:00"}, "ends_at"),
        ({"makeup_for": "2026-04-01"}, "makeup_for"),
        ({"topic": ""}, "topic"),
    ],
)
def test_bad_input_comes_back_next_to_its_field(world, party, changes, field):
    response = login(world, "office").post(
        reverse("meetings:meeting_create"), meeting_data(party.branch, **changes)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "The meeting was not saved" in " ".join(flashed(response))
    assert not Meeting.objects.exists()


def test_it_refuses_an_attachment_over_the_size_limit(world, party, monkeypatch):
    monkeypatch.setattr("establishment.forms.MAX_ATTACHMENT_SIZE", 10)
    upload = SimpleUploadedFile("签到表.pdf", PDF, content_type="application/pdf")
    response = login(world, "office").post(
        reverse("meetings:meeting_create"), meeting_data(party.branch, **{"attachments-0-file": upload})
    )
    errors = str(response.context["attachments"].forms[0].errors["file"])
    assert "an attachment may be at most 10\xa0bytes" in errors
    assert not Meeting.objects.exists()


def test_an_attachment_is_removed_with_a_tick(world, meeting, party, django_capture_on_commit_callbacks):
    attachment = MeetingAttachment(meeting=meeting, description="照片")
    attachment.file.save("照片.png", io.BytesIO(b"\x89PNG\r\n\x1a\n"))
    path = attachment.file.path
    data = meeting_data(party.branch, remove_attachments=[attachment.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world, "village").post(reverse("meetings:meeting_update", args=[meeting.pk]), data)
    assert response.status_code == 302
    assert not MeetingAttachment.objects.exists()
    assert not os.path.exists(path)


# --- Attendance -------------------------------------------------------------------------------------------


def test_the_attendance_sheet_lists_the_party_members_all_present(world, meeting, people, party):
    make_member(party.branch, "孙积极", standing=Standing.ACTIVIST)  # not a party member: not expected
    sheet = (
        login(world, "village")
        .get(reverse("meetings:meeting_attendance", args=[meeting.pk]))
        .context["sheet"]
    )
    assert [row.member for row in sheet.rows] == sorted(people, key=lambda m: (m.stroke_key, m.pk))
    assert {row.value for row in sheet.rows} == {AttendanceStatus.PRESENT}
    # The activist can be added by hand.
    assert [m.name for m in sheet.candidates()] == ["孙积极"]


def test_attendance_writes_the_archive(world, meeting, people):
    zhang, wang, zhao, qian = people
    url = reverse("meetings:meeting_attendance", args=[meeting.pk])
    data = sheet_data(
        {zhang: ("present", ""), wang: ("late", "堵车"), zhao: ("leave", "外出务工"), qian: ("absent", "")}
    )
    response = login(world, "village").post(url, data, follow=True)
    assert "Attendance saved: 2 of 4 attended (1 late), 1 on leave, 1 absent." in " ".join(flashed(response))
    statuses = dict(Attendance.objects.values_list("member__name", "status"))
    assert statuses == {"张三": "present", "王五": "late", "赵六": "leave", "钱七": "absent"}
    for person in people:
        assert entries(person, EntryKind.ATTENDANCE).count() == 1
    general_meeting, leave = zh(MeetingKind.GENERAL_MEETING.label), zh(AttendanceStatus.LEAVE.label)
    assert (
        entries(zhao, EntryKind.ATTENDANCE).get().content
        == f"{general_meeting}：学习全会精神，{leave}（外出务工）"
    )
    assert [p.name for p in people if entries(p, EntryKind.MEETING).exists()] == ["张三", "王五"]
    assert entries(zhang, EntryKind.MEETING).get().content == f"参加{general_meeting}：学习全会精神"
    assert all(entry.on == DAY and entry.meeting == meeting for entry in ArchiveEntry.objects.all())
    # Saved again with a correction: the archive follows, nothing doubles.
    data[f"value-{qian.pk}"] = "present"
    login(world, "village").post(url, data)
    assert entries(qian, EntryKind.MEETING).count() == 1
    assert ArchiveEntry.objects.count() == 4 + 3


def test_leave_needs_its_reason_and_nothing_is_saved_without_it(world, meeting, people):
    data = sheet_data({p: ("present", "") for p in people})
    data[f"value-{people[2].pk}"] = "leave"
    response = login(world, "village").post(reverse("meetings:meeting_attendance", args=[meeting.pk]), data)
    assert response.status_code == 200
    row = next(r for r in response.context["sheet"].rows if r.member == people[2])
    assert row.error == "Give the reason for the leave."
    assert 'class="invalid-feedback d-block row-error">Give the reason for the leave.' in text(response)
    assert not Attendance.objects.exists() and not ArchiveEntry.objects.exists()
    # The rows come back as posted.
    assert [r.value for r in response.context["sheet"].rows].count("leave") == 1


def test_a_reason_given_for_someone_present_is_dropped(world, meeting, people):
    data = sheet_data({people[0]: ("present", "本来请假")})
    login(world, "village").post(reverse("meetings:meeting_attendance", args=[meeting.pk]), data)
    assert Attendance.objects.get().reason == ""


def test_people_outside_the_organisation_or_the_scope_are_refused(world, meeting, people, party):
    url = reverse("meetings:meeting_attendance", args=[meeting.pk])
    for outsider in (party.sibling_member, party.far_member):
        data = sheet_data({people[0]: ("present", ""), outsider: ("present", "")})
        response = login(world, "office").post(url, data)
        assert response.status_code == 200
        assert "not a member of this organisation" in " ".join(response.context["sheet"].errors)
    assert not Attendance.objects.exists()
    # Unknown statuses are refused too.
    response = login(world, "office").post(url, sheet_data({people[0]: ("asleep", "")}))
    assert response.context["sheet"].rows[0].error == "Choose one."
    assert not Attendance.objects.exists()


def test_someone_is_added_and_taken_off_the_list_before_saving(world, meeting, people, party):
    guest = make_member(party.branch, "孙积极", standing=Standing.ACTIVIST)
    url = reverse("meetings:meeting_attendance", args=[meeting.pk])
    client = login(world, "village")
    base = {p: ("present", "") for p in people}
    data = sheet_data(base, add="1", add_member=str(guest.pk))
    del data["save"]
    response = client.post(url, data)
    sheet = response.context["sheet"]
    assert [row.member for row in sheet.rows][-1] == guest
    assert sheet.rows[-1].value == "present" and not sheet.rows[-1].expected
    assert not Attendance.objects.exists()  # not saved yet
    data = sheet_data(base, remove=str(people[3].pk))
    del data["save"]
    response = client.post(url, data)
    assert people[3] not in [row.member for row in response.context["sheet"].rows]
    assert not Attendance.objects.exists()
    # Saved with the guest and without 钱七.
    rows = {**{p: ("present", "") for p in people[:3]}, guest: ("late", "")}
    client.post(url, sheet_data(rows))
    assert set(Attendance.objects.values_list("member__name", flat=True)) == {
        "张三",
        "王五",
        "赵六",
        "孙积极",
    }
    # The list on record is what the sheet shows next time; 钱七 is offered to be added back.
    sheet = client.get(url).context["sheet"]
    assert {row.member.name for row in sheet.rows} == {"张三", "王五", "赵六", "孙积极"}
    assert [m.name for m in sheet.missing_expected()] == ["钱七"]


def test_rows_about_people_now_outside_the_scope_are_kept(world, meeting, people, party):
    services.save_attendance(
        meeting, [(people[0].pk, "present", ""), (party.sibling_member.pk, "absent", "")]
    )
    # 李四 of the sibling village is not the village secretary's to see; saving keeps his row as it was.
    client = login(world, "village")
    sheet = client.get(reverse("meetings:meeting_attendance", args=[meeting.pk])).context["sheet"]
    assert [row.member for row in sheet.rows] == [people[0]]
    client.post(
        reverse("meetings:meeting_attendance", args=[meeting.pk]), sheet_data({people[0]: ("late", "")})
    )
    assert dict(Attendance.objects.values_list("member__name", "status")) == {
        "张三": "late",
        "李四": "absent",
    }


# --- Corrections follow into the archive ------------------------------------------------------------------


def test_editing_the_meeting_moves_its_archive_entries(world, meeting, people, party):
    services.save_attendance(meeting, [(p.pk, "present", "") for p in people])
    data = meeting_data(party.branch, on="2026-03-12", kind=MeetingKind.LECTURE, topic="党课：党章第一章")
    response = login(world, "village").post(
        reverse("meetings:meeting_update", args=[meeting.pk]), data, follow=True
    )
    assert "The member archives follow the correction." in " ".join(flashed(response))
    assert ArchiveEntry.objects.count() == 8
    assert set(ArchiveEntry.objects.values_list("on", flat=True)) == {datetime.date(2026, 3, 12)}
    # The topic already names its kind: the archive does not say 党课 twice.
    assert entries(people[0], EntryKind.MEETING).get().content == "参加党课：党章第一章"
    # The change log records the correction.
    detail = login(world, "village").get(meeting.get_absolute_url())
    assert any(entry["changes"] for entry in detail.context["change_log"])


def test_moving_a_meeting_to_an_organisation_its_attendees_are_not_in_is_refused(
    world, meeting, people, party
):
    services.save_attendance(meeting, [(people[0].pk, "present", "")])
    response = login(world, "office").post(
        reverse("meetings:meeting_update", args=[meeting.pk]), meeting_data(party.sibling_branch)
    )
    assert "张三" in " ".join(response.context["form"].errors["branch"])
    meeting.refresh_from_db()
    assert meeting.branch == party.branch


def test_deleting_asks_first_then_the_archive_entries_go(
    world, meeting, people, django_capture_on_commit_callbacks
):
    services.save_attendance(meeting, [(p.pk, "present", "") for p in people])
    attachment = MeetingAttachment(meeting=meeting, description="签到表")
    attachment.file.save("签到表.pdf", io.BytesIO(PDF))
    path = attachment.file.path
    client = login(world, "village")
    url = reverse("meetings:meeting_delete", args=[meeting.pk])
    page = client.get(url)
    assert "8 entries in the member archives" in text(page)
    assert "the attendance of 4 people" in text(page)
    assert Meeting.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("meetings:meeting_list")
    assert "Meeting deleted" in " ".join(flashed(response))
    assert not Meeting.objects.exists() and not Attendance.objects.exists()
    assert not ArchiveEntry.objects.exists()
    assert not os.path.exists(path)


# --- Democratic review ------------------------------------------------------------------------------------


def test_review_grades_go_to_the_archive_with_a_warning_over_one_third(world, review, people):
    make_member(review.branch, "孙积极", standing=Standing.ACTIVIST)  # not a party member: not graded
    url = reverse("meetings:meeting_review", args=[review.pk])
    client = login(world, "village")
    sheet = client.get(url).context["sheet"]
    assert {row.member for row in sheet.rows} == set(people) and {row.value for row in sheet.rows} == {""}
    grades = {
        people[0]: (ReviewGrade.EXCELLENT, "带头致富"),
        people[1]: (ReviewGrade.EXCELLENT, ""),
        people[2]: (ReviewGrade.QUALIFIED, ""),
        people[3]: ("", ""),  # not graded: not recorded
    }
    response = client.post(url, sheet_data(grades), follow=True)
    said = flashed(response)
    assert said[0].startswith("Democratic review saved: 3 members graded")
    assert "2 of 4 members are graded excellent: more than one third of the branch." in said
    assert ReviewResult.objects.count() == 3
    assert set(ReviewResult.objects.values_list("year", flat=True)) == {2026}
    excellent = zh(ReviewGrade.EXCELLENT.label)
    assert (
        entries(people[0], EntryKind.IDEOLOGY).get().content == f"2026年度民主评议：{excellent}（带头致富）"
    )
    assert not entries(people[3], EntryKind.IDEOLOGY).exists()
    assert 'id="review-warning"' in text(response)
    # One excellent of four is within the third: no warning.
    grades[people[1]] = (ReviewGrade.QUALIFIED, "")
    response = client.post(url, sheet_data(grades), follow=True)
    assert not [m for m in flashed(response) if "one third" in m]


def test_a_second_review_in_the_same_year_names_the_member(world, review, people, party):
    services.save_review(review, [(people[0].pk, ReviewGrade.QUALIFIED, "")])
    again = Meeting.objects.create(
        branch=party.branch, kind=MeetingKind.DEMOCRATIC_REVIEW, on=DAY.replace(month=11), topic="补充评议"
    )
    url = reverse("meetings:meeting_review", args=[again.pk])
    data = sheet_data({people[0]: (ReviewGrade.EXCELLENT, ""), people[1]: (ReviewGrade.QUALIFIED, "")})
    response = login(world, "village", "zh-hans").post(url, data)
    assert response.status_code == 200
    row = next(r for r in response.context["sheet"].rows if r.member == people[0])
    assert row.error.startswith("张三")
    assert "张三" in text(response)
    assert ReviewResult.objects.filter(meeting=again).count() == 0
    # The service itself refuses with the same message, not a database error.
    with pytest.raises(Exception) as refused:
        services.save_review(again, [(people[0].pk, ReviewGrade.EXCELLENT, "")])
    assert refused.type.__name__ == "ValidationError"


def test_a_graded_review_keeps_its_kind_and_cannot_move_into_a_year_that_graded_its_members(
    world, review, people, party
):
    services.save_review(review, [(people[0].pk, ReviewGrade.QUALIFIED, "")])
    url = reverse("meetings:meeting_update", args=[review.pk])
    client = login(world, "office")
    response = client.post(url, meeting_data(party.branch, kind=MeetingKind.GENERAL_MEETING))
    assert "kind" in response.context["form"].errors
    earlier = Meeting.objects.create(
        branch=party.branch, kind=MeetingKind.DEMOCRATIC_REVIEW, on=datetime.date(2025, 12, 1), topic="2025"
    )
    services.save_review(earlier, [(people[0].pk, ReviewGrade.EXCELLENT, "")])
    response = client.post(
        url, meeting_data(party.branch, kind=MeetingKind.DEMOCRATIC_REVIEW, on="2025-12-20")
    )
    assert "张三" in " ".join(response.context["form"].errors["on"])
    # Into a free year: the grade's year follows the date, and so does the archive.
    response = client.post(
        url, meeting_data(party.branch, kind=MeetingKind.DEMOCRATIC_REVIEW, on="2024-12-20")
    )
    assert response.status_code == 302
    assert ReviewResult.objects.get(meeting=review).year == 2024
    assert entries(people[0], EntryKind.IDEOLOGY).filter(meeting=review).get().content.startswith("2024年度")


# --- List, export, print ----------------------------------------------------------------------------------


def test_the_list_filters_searches_and_shows_attendance(world, meeting, people, party):
    services.save_attendance(
        meeting, [(p.pk, "present" if i else "absent", "") for i, p in enumerate(people)]
    )
    Meeting.objects.create(
        branch=party.general, kind=MeetingKind.COMMUNITY_MEETING, on=DAY, topic="社区党建工作会议"
    )
    Meeting.objects.create(
        branch=party.branch,
        kind=MeetingKind.LECTURE,
        on=datetime.date(2025, 6, 1),
        topic="党课",
        place="村委会",
    )
    client = login(world, "office")
    url = reverse("meetings:meeting_list")
    assert client.get(url).context["table"].paginator.count == 3
    assert "present 3/4" in text(client.get(url))
    assert client.get(url, {"kind": "lecture"}).context["table"].paginator.count == 1
    assert client.get(url, {"year": "2025"}).context["table"].paginator.count == 1
    assert client.get(url, {"branch": party.general.pk}).context["table"].paginator.count == 1
    assert client.get(url, {"q": "村委"}).context["table"].paginator.count == 1
    assert (
        client.get(url, {"on_from": "2026-01-01", "on_to": "2026-12-31"}).context["table"].paginator.count
        == 2
    )
    assert client.get(url, {"office": world.office.pk}).context["table"].paginator.count == 3
    # The village secretary sees his branch's meetings only.
    assert login(world, "village").get(url).context["table"].paginator.count == 2


def test_the_workbook_has_the_counts_as_numbers(world, meeting, people):
    services.save_attendance(
        meeting,
        [
            (people[0].pk, "present", ""),
            (people[1].pk, "late", ""),
            (people[2].pk, "leave", "病"),
            (people[3].pk, "absent", ""),
        ],
    )
    response = login(world, "township", "zh-hans").get(reverse("meetings:meeting_list"), {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[3]]
    row = dict(zip(MeetingExportTable.Meta.sequence, [cell.value for cell in sheet[4]], strict=True))
    assert headers[0] == zh(Meeting._meta.get_field("on").verbose_name)
    assert row["on"].date() == DAY
    assert (row["branch"], row["office"], row["topic"]) == ("张庄村党支部", "东关办事处", "学习全会精神")
    assert row["kind"] == zh(MeetingKind.GENERAL_MEETING.label)
    counts = [row[name] for name in ("listed", "attended", "late", "leave", "absent")]
    assert counts == [4, 2, 1, 1, 1]


def test_the_register_page_prints_who_was_absent_and_why(world, meeting, people):
    services.save_attendance(
        meeting,
        [
            (people[0].pk, "present", ""),
            (people[1].pk, "leave", "外出务工"),
            (people[2].pk, "late", ""),
            (people[3].pk, "absent", ""),
        ],
    )
    page = text(login(world, "county", "zh-hans").get(reverse("meetings:meeting_print", args=[meeting.pk])))
    assert "会议记录" in page and "meetings/css/meeting_print.css" in page
    assert "@page meeting-record" in stylesheet("meetings/css/meeting_print.css")
    assert f"王五（{zh(AttendanceStatus.LEAVE.label)}：外出务工）" in page
    assert f"钱七（{zh(AttendanceStatus.ABSENT.label)}）" in page
    assert 'id="record-expected">4<' in page


# --- The member archive shows the meeting's entries, read-only ----------------------------------------------


def test_the_member_archive_links_the_meeting_and_its_entries_cannot_be_edited_by_hand(
    world, meeting, people, party
):
    services.save_attendance(meeting, [(people[0].pk, "present", "")])
    entry = entries(people[0], EntryKind.MEETING).get()
    client = login(world, "village")
    page = text(client.get(people[0].get_absolute_url()))
    assert f'href="{meeting.get_absolute_url()}" class="meeting-link"' in page
    assert reverse("members:entry_update", args=[entry.pk]) not in page
    for method in ("get", "post"):
        response = getattr(client, method)(
            reverse("members:entry_update", args=[entry.pk]), {"content": "改"}
        )
        assert response.status_code == 302 and response["Location"].endswith("#archive")
    entry.refresh_from_db()
    assert entry.content == f"参加{zh(MeetingKind.GENERAL_MEETING.label)}：学习全会精神"
    # A community meeting of the general branch is the office's: the village secretary reads the entry
    # in his member's archive, without a link he could not open.
    community = Meeting.objects.create(
        branch=party.general, kind=MeetingKind.COMMUNITY_MEETING, on=DAY, topic="社区党建工作会议"
    )
    services.save_attendance(community, [(people[0].pk, "present", "")])
    page = text(client.get(people[0].get_absolute_url()))
    assert "社区党建工作会议" in page and community.get_absolute_url() not in page
    assert community.get_absolute_url() in text(login(world, "office").get(people[0].get_absolute_url()))
    # A hand-written entry stays editable.
    own = ArchiveEntry.objects.create(member=people[0], kind=EntryKind.STUDY, on=DAY, content="自学党章")
    assert client.get(reverse("members:entry_update", args=[own.pk])).status_code == 200


def test_the_admin_keeps_the_archive_in_step(world, meeting, people):
    admin = make_user("root", Role.TOWNSHIP_STAFF, township=world.township)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    services.save_attendance(meeting, [(people[0].pk, "present", "")])
    assert client.get(reverse("admin:meetings_meeting_changelist")).status_code == 200
    assert client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("admin:meetings_reviewresult_changelist")).status_code == 200
    assert client.get(reverse("admin:meetings_cadencerule_changelist")).status_code == 200
    response = client.post(reverse("admin:meetings_meeting_delete", args=[meeting.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not ArchiveEntry.objects.exists()


def test_the_meeting_page_takes_the_same_queries_for_three_or_thirty_attendees(
    world, party, django_assert_num_queries
):
    client = login(world, "township")

    def meeting_with(people: int) -> Meeting:
        meeting = Meeting.objects.create(
            branch=party.branch, kind=MeetingKind.THEME_DAY, on=datetime.date(2026, 3, 5), topic="学习"
        )
        members = [make_member(party.branch, f"参会{people}-{n}") for n in range(people)]
        services.save_attendance(meeting, [(m.pk, AttendanceStatus.PRESENT, "") for m in members])
        return meeting

    small, large = meeting_with(3), meeting_with(30)
    client.get(small.get_absolute_url())  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(small.get_absolute_url()).status_code == 200
    with django_assert_num_queries(len(few)):
        response = client.get(large.get_absolute_url())
    assert response.content.decode().count('href="/members/') >= 30  # every name links to its archive
