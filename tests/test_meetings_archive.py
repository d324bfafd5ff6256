"""Meetings write the member archive (R8) through meetings.services, and the archive follows every
correction: attendance saved again, the meeting's date, kind or topic corrected, the meeting deleted.
Also: who a meeting is for, the democratic review's one grade a year and its one-third warning."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from branches.choices import PostKind
from branches.models import Post
from meetings import services
from meetings.choices import AttendanceStatus, MeetingKind, ReviewGrade
from meetings.models import Meeting, ReviewResult
from members.choices import EntryKind, Standing, Status
from members.models import ArchiveEntry
from tests.conftest import make_member

DAY = datetime.date(2026, 3, 10)


def zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


@pytest.fixture
def people(party):
    return [
        party.member,
        make_member(party.branch, "王五"),
        make_member(party.branch, "赵六", standing=Standing.PROBATIONARY),
        make_member(party.branch, "钱七"),
    ]


@pytest.fixture
def meeting(party, people):
    return Meeting.objects.create(
        branch=party.branch, kind=MeetingKind.THEME_DAY, on=DAY, topic="重温入党誓词"
    )


def archive(member) -> list[tuple[str, datetime.date, str]]:
    return list(
        ArchiveEntry.objects.filter(member=member).order_by("kind", "pk").values_list("kind", "on", "content")
    )


def test_attendance_is_recorded_for_everyone_and_participation_for_those_who_came(world, meeting, people):
    zhang, wang, zhao, qian = people
    rows = [
        (zhang.pk, AttendanceStatus.PRESENT, ""),
        (wang.pk, AttendanceStatus.LATE, "路远"),
        (zhao.pk, AttendanceStatus.LEAVE, "住院"),
        (qian.pk, AttendanceStatus.ABSENT, ""),
    ]
    services.save_attendance(meeting, rows, world.users["village"])
    title = f"{zh(MeetingKind.THEME_DAY.label)}：重温入党誓词"
    assert archive(zhang) == [
        (EntryKind.ATTENDANCE, DAY, f"{title}，{zh(AttendanceStatus.PRESENT.label)}"),
        (EntryKind.MEETING, DAY, f"参加{title}"),
    ]
    assert archive(wang)[0][2] == f"{title}，{zh(AttendanceStatus.LATE.label)}（路远）"
    assert [kind for kind, _on, _content in archive(wang)] == [EntryKind.ATTENDANCE, EntryKind.MEETING]
    assert archive(zhao) == [
        (EntryKind.ATTENDANCE, DAY, f"{title}，{zh(AttendanceStatus.LEAVE.label)}（住院）")
    ]
    assert [kind for kind, _on, _content in archive(qian)] == [EntryKind.ATTENDANCE]
    assert set(ArchiveEntry.objects.values_list("recorded_by", flat=True)) == {world.users["village"].pk}
    assert services.attendance_counts(meeting) == {
        "listed": 4,
        "attended": 2,
        "present": 1,
        "late": 1,
        "leave": 1,
        "absent": 1,
    }


def test_the_archive_is_written_in_chinese_whatever_language_the_user_reads(meeting, people):
    with translation.override("en"):
        services.save_attendance(meeting, [(people[0].pk, AttendanceStatus.PRESENT, "")])
    content = ArchiveEntry.objects.get(kind=EntryKind.MEETING).content
    assert content == f"参加{zh(MeetingKind.THEME_DAY.label)}：重温入党誓词"


def test_attendance_saved_again_rewrites_the_entries(meeting, people):
    services.save_attendance(meeting, [(p.pk, AttendanceStatus.PRESENT, "") for p in people])
    assert ArchiveEntry.objects.count() == 8
    # 钱七 was absent after all, and 赵六 was not at this meeting at all.
    rows = [(p.pk, AttendanceStatus.PRESENT, "") for p in people[:2]] + [(people[3].pk, "absent", "")]
    services.save_attendance(meeting, rows)
    assert archive(people[2]) == []
    assert [kind for kind, _on, _content in archive(people[3])] == [EntryKind.ATTENDANCE]
    assert ArchiveEntry.objects.count() == 2 + 2 + 1


def test_correcting_the_meeting_moves_its_entries_and_leaves_hand_written_ones_alone(meeting, people):
    services.save_attendance(meeting, [(p.pk, AttendanceStatus.PRESENT, "") for p in people])
    own = ArchiveEntry.objects.create(member=people[0], kind=EntryKind.STUDY, on=DAY, content="自学党章")
    meeting.on, meeting.kind, meeting.topic = datetime.date(2026, 3, 12), MeetingKind.LECTURE, "党章第一章"
    meeting.save()
    services.resync_meeting(meeting)
    generated = ArchiveEntry.objects.filter(meeting=meeting)
    assert generated.count() == 8
    assert set(generated.values_list("on", flat=True)) == {datetime.date(2026, 3, 12)}
    assert set(generated.filter(kind=EntryKind.MEETING).values_list("content", flat=True)) == {
        f"参加{zh(MeetingKind.LECTURE.label)}：党章第一章"
    }
    own.refresh_from_db()
    assert (own.on, own.content, own.meeting) == (DAY, "自学党章", None)


def test_deleting_the_meeting_takes_its_entries_with_it(meeting, people, party):
    services.save_attendance(meeting, [(p.pk, AttendanceStatus.PRESENT, "") for p in people])
    other = Meeting.objects.create(branch=party.branch, kind=MeetingKind.COMMITTEE, on=DAY, topic="支委会")
    services.save_attendance(other, [(people[0].pk, AttendanceStatus.PRESENT, "")])
    own = ArchiveEntry.objects.create(member=people[0], kind=EntryKind.AWARD, on=DAY, content="优秀党员")
    pk = meeting.pk
    services.delete_meeting(meeting)
    assert not Meeting.objects.filter(pk=pk).exists()
    assert set(ArchiveEntry.objects.values_list("pk", flat=True)) == set(
        ArchiveEntry.objects.filter(meeting=other).values_list("pk", flat=True)
    ) | {own.pk}
    # The history keeps a record of the deleted meeting.
    assert Meeting.history.filter(id=pk, history_type="-").exists()


def test_unknown_statuses_are_refused_before_anything_is_written(meeting, people):
    with pytest.raises(ValueError):
        services.save_attendance(meeting, [(people[0].pk, "present"), (people[1].pk, "asleep", "")])
    assert not ArchiveEntry.objects.exists()


# --- Who a meeting is for -----------------------------------------------------------------------------


def test_a_general_meeting_is_for_the_active_party_members_of_the_organisation_and_under_it(party, people):
    make_member(party.branch, "孙积极", standing=Standing.ACTIVIST)
    gone = make_member(party.branch, "周走")
    gone.status = Status.TRANSFERRED_OUT
    gone.save()
    assert set(services.expected_attendees(party.branch, MeetingKind.GENERAL_MEETING, DAY)) == set(people)
    under = set(services.expected_attendees(party.general, MeetingKind.LECTURE, DAY))
    assert under == {*people, party.sibling_member}


def test_a_committee_is_for_the_leadership_in_post_on_the_day(party, people):
    start = datetime.date(2021, 1, 1)
    Post.objects.create(branch=party.branch, kind=PostKind.SECRETARY, person=people[0], started_on=start)
    Post.objects.create(
        branch=party.branch,
        kind=PostKind.COMMITTEE_MEMBER,
        person=people[1],
        started_on=start,
        ended_on=datetime.date(2026, 1, 1),
    )
    Post.objects.create(
        branch=party.sibling_branch, kind=PostKind.SECRETARY, person=party.sibling_member, started_on=start
    )
    assert services.expected_attendees(party.branch, MeetingKind.COMMITTEE, DAY) == [people[0]]
    earlier = services.expected_attendees(party.branch, MeetingKind.COMMITTEE, datetime.date(2025, 6, 1))
    assert set(earlier) == {people[0], people[1]}
    # The community meeting gathers the leadership of every organisation under the general branch.
    community = services.expected_attendees(party.general, MeetingKind.COMMUNITY_MEETING, DAY)
    assert set(community) == {people[0], party.sibling_member}


# --- The democratic review ------------------------------------------------------------------------------


@pytest.fixture
def review(party, people):
    return Meeting.objects.create(
        branch=party.branch, kind=MeetingKind.DEMOCRATIC_REVIEW, on=DAY, topic="民主评议"
    )


def test_grades_go_to_the_ideological_state_of_the_archive(review, people):
    services.save_review(
        review, [(people[0].pk, ReviewGrade.EXCELLENT, "带头致富"), (people[1].pk, "qualified", "")]
    )
    assert archive(people[0]) == [
        (EntryKind.IDEOLOGY, DAY, f"2026年度民主评议：{zh(ReviewGrade.EXCELLENT.label)}（带头致富）")
    ]
    assert ReviewResult.objects.get(member=people[1]).year == 2026
    # A grade taken back goes from the archive too.
    services.save_review(review, [(people[0].pk, ReviewGrade.QUALIFIED, "")])
    assert archive(people[1]) == []
    assert archive(people[0])[0][2] == f"2026年度民主评议：{zh(ReviewGrade.QUALIFIED.label)}"


def test_a_member_is_graded_once_a_year_and_the_refusal_names_him(review, people, party):
    services.save_review(review, [(people[0].pk, ReviewGrade.QUALIFIED, "")])
    again = Meeting.objects.create(
        branch=party.branch, kind=MeetingKind.DEMOCRATIC_REVIEW, on=datetime.date(2026, 11, 5), topic="补评"
    )
    with pytest.raises(ValidationError) as refused:
        services.save_review(again, [(people[1].pk, "qualified", ""), (people[0].pk, "excellent", "")])
    assert [error.params["member"] for error in refused.value.error_list] == [people[0].pk]
    with translation.override("en"):
        assert refused.value.messages == [
            "张三 has already been graded in another democratic review of 2026."
        ]
    assert not again.review_results.exists()  # nothing half-written
    # Next year is another year.
    next_year = Meeting.objects.create(
        branch=party.branch, kind=MeetingKind.DEMOCRATIC_REVIEW, on=datetime.date(2027, 1, 5), topic="2027"
    )
    services.save_review(next_year, [(people[0].pk, "excellent", "")])
    assert services.graded_elsewhere(again, [people[0].pk, people[1].pk]) == {people[0].pk: people[0]}


def test_only_a_democratic_review_has_grades(meeting, people):
    with pytest.raises(ValueError):
        services.save_review(meeting, [(people[0].pk, "excellent", "")])


def test_a_review_moved_to_another_year_takes_its_grades_along(review, people):
    services.save_review(review, [(people[0].pk, ReviewGrade.EXCELLENT, "")])
    review.on = datetime.date(2025, 12, 28)
    review.save()
    services.resync_meeting(review)
    assert ReviewResult.objects.get().year == 2025
    assert archive(people[0])[0][1:] == (
        datetime.date(2025, 12, 28),
        f"2025年度民主评议：{zh(ReviewGrade.EXCELLENT.label)}",
    )


@pytest.mark.parametrize(
    ("excellent", "members", "warned"),
    [(0, 4, False), (1, 4, False), (2, 6, False), (2, 5, True), (3, 4, True)],
)
def test_the_warning_comes_when_excellent_is_over_one_third(party, excellent, members, warned):
    # The other township's branch, with 杨六 and members - 1 more: exactly `members` to grade.
    people = [party.far_member] + [make_member(party.far_branch, f"成员{i}") for i in range(members - 1)]
    review = Meeting.objects.create(
        branch=party.far_branch, kind=MeetingKind.DEMOCRATIC_REVIEW, on=DAY, topic="民主评议"
    )
    grades = [
        (person.pk, ReviewGrade.EXCELLENT if i < excellent else ReviewGrade.QUALIFIED, "")
        for i, person in enumerate(people)
    ]
    services.save_review(review, grades)
    with translation.override("en"):
        warning = services.excellent_share_warning(review)
    assert bool(warning) == warned
    if warned:
        assert warning.startswith(f"{excellent} of {members} members are graded excellent")


def test_the_warning_counts_the_whole_branch_not_only_those_graded(review, people):
    # One excellent of the four members is within the third, though he is the only one graded so far.
    services.save_review(review, [(people[0].pk, ReviewGrade.EXCELLENT, "")])
    assert services.excellent_share_warning(review) == ""
