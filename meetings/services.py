"""What recording a meeting does: who is expected, attendance written to the member archive (R8) and
kept in step with every correction, and the yearly democratic review with its one-third warning."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from branches.models import Branch, Post
from meetings.choices import ATTENDED, AttendanceStatus, MeetingKind, ReviewGrade
from meetings.models import Attendance, Meeting, ReviewResult
from members.choices import EntryKind, Standing, Status
from members.models import ArchiveEntry, Member

# Kinds whose attendees are the organisation's leadership, not all its members.
LEADERSHIP_KINDS = frozenset({MeetingKind.COMMITTEE, MeetingKind.COMMUNITY_MEETING})


def expected_attendees(branch: Branch, kind: str, on) -> list[Member]:
    """Who a meeting of `kind` on `on` is for, to prefill its attendance: the leadership in post for a
    committee (and, for the community meeting, the leadership of the organisations under it too); the
    active party members of the organisation and those under it for every other kind."""
    ids = branch.subtree_ids()
    if kind in LEADERSHIP_KINDS:
        branches = ids if kind == MeetingKind.COMMUNITY_MEETING else {branch.pk}
        people = (
            Post.objects.filter(branch__in=branches, started_on__lte=on)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
            .values_list("person_id", flat=True)
        )
        queryset = Member.objects.filter(pk__in=list(people), status=Status.ACTIVE)
    else:
        queryset = Member.objects.filter(
            branch__in=ids, status=Status.ACTIVE, standing__in=[Standing.PROBATIONARY, Standing.FULL]
        )
    return list(queryset.order_by("stroke_key", "pk"))


def archive_entries_for(meeting: Meeting) -> list[ArchiveEntry]:
    """The archive entries a meeting writes: attendance (考勤) for everyone on its list, participation
    (参会) for those who came, and the democratic review grade. Archives are kept in Chinese, whatever
    language the recording user reads."""
    with translation.override("zh-hans"):
        return _archive_entries(meeting)


def _archive_entries(meeting: Meeting) -> list[ArchiveEntry]:
    kind = meeting.get_kind_display()
    # "主题党日：冬季消防安全检查" already names its kind: not "主题党日：主题党日：…".
    title = meeting.topic if meeting.topic.startswith(kind) else f"{kind}：{meeting.topic}"
    labels = {value: str(label) for value, label in AttendanceStatus.choices}
    entries = []
    for row in meeting.attendances.all():
        status = labels[row.status]
        detail = f"{status}（{row.reason}）" if row.reason else status
        entries.append(
            ArchiveEntry(
                member_id=row.member_id,
                kind=EntryKind.ATTENDANCE,
                on=meeting.on,
                content=f"{title}，{detail}"[:300],
                meeting=meeting,
            )
        )
        if row.status in ATTENDED:
            entries.append(
                ArchiveEntry(
                    member_id=row.member_id,
                    kind=EntryKind.MEETING,
                    on=meeting.on,
                    content=f"参加{title}"[:300],
                    meeting=meeting,
                )
            )
    for result in meeting.review_results.all():
        content = f"{meeting.on.year}年度民主评议：{result.get_grade_display()}"
        entries.append(
            ArchiveEntry(
                member_id=result.member_id,
                kind=EntryKind.IDEOLOGY,
                on=meeting.on,
                content=(f"{content}（{result.note}）" if result.note else content)[:300],
                meeting=meeting,
            )
        )
    return entries


@transaction.atomic
def sync_archive(meeting: Meeting, user=None) -> None:
    """Bring the archive entries that come from `meeting` in line with it: an entry that changed is
    updated in place, a missing one created, one that no longer applies removed — each with its history,
    so an entry keeps its identity and the change log shows what really changed."""
    wanted = {(entry.member_id, entry.kind): entry for entry in archive_entries_for(meeting)}
    existing = {
        (entry.member_id, entry.kind): entry for entry in ArchiveEntry.objects.filter(meeting=meeting)
    }
    gone = [entry.pk for key, entry in existing.items() if key not in wanted]
    if gone:
        ArchiveEntry.objects.filter(pk__in=gone).delete()
    changed = []
    for key, entry in wanted.items():
        current = existing.get(key)
        if current is not None and (current.on, current.content) != (entry.on, entry.content):
            current.on, current.content = entry.on, entry.content
            changed.append(current)
    new = [entry for key, entry in wanted.items() if key not in existing]
    for entry in new:
        entry.recorded_by = user
    if new:
        bulk_create_with_history(new, ArchiveEntry, default_user=user)
    if changed:
        bulk_update_with_history(changed, ArchiveEntry, ["on", "content"], default_user=user)


@transaction.atomic
def save_attendance(meeting: Meeting, rows: Iterable[tuple[int, str, str]], user=None) -> None:
    """Replace the meeting's attendance with `rows` of (member id, status, reason), then its archive."""
    rows = list(rows)
    valid = set(AttendanceStatus.values)
    if any(status not in valid for _id, status, _reason in rows):
        raise ValueError("unknown attendance status")
    keep = {member_id for member_id, _status, _reason in rows}
    meeting.attendances.exclude(member_id__in=keep).delete()
    existing = {row.member_id: row for row in meeting.attendances.all()}
    changed, new = [], []
    for member_id, status, reason in rows:
        reason = (reason or "").strip()[:120]
        row = existing.get(member_id)
        if row is None:
            new.append(Attendance(meeting=meeting, member_id=member_id, status=status, reason=reason))
        elif (row.status, row.reason) != (status, reason):
            row.status, row.reason = status, reason
            changed.append(row)
    if new:
        bulk_create_with_history(new, Attendance, default_user=user)
    if changed:
        bulk_update_with_history(changed, Attendance, ["status", "reason"], default_user=user)
    sync_archive(meeting, user)


def attendance_counts(meeting: Meeting) -> dict[str, int]:
    """How many were on the list (应到), came (实到: present or late), and each status."""
    return meeting.attendances.aggregate(
        listed=Count("pk"),
        attended=Count("pk", filter=Q(status__in=ATTENDED)),
        **{status: Count("pk", filter=Q(status=status)) for status in AttendanceStatus.values},
    )


@transaction.atomic
def resync_meeting(meeting: Meeting, user=None) -> None:
    """After the meeting itself was corrected: its review grades count for the year of its (new) date,
    and its archive entries follow the new date, kind and topic."""
    meeting.review_results.exclude(year=meeting.on.year).update(year=meeting.on.year)
    sync_archive(meeting, user)


@transaction.atomic
def delete_meeting(meeting: Meeting) -> None:
    """A meeting recorded in error goes, and so do the archive entries it wrote (its history stays)."""
    files = [(attachment.file.storage, attachment.file.name) for attachment in meeting.attachments.all()]
    ArchiveEntry.objects.filter(meeting=meeting).delete()
    meeting.delete()
    for storage, name in files:
        # The files go only once the deletion is committed.
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))


def excellent_share_warning(meeting: Meeting) -> str:
    """The warning shown when more than a third of the branch is graded excellent (优秀), else ''."""
    counts = meeting.review_results.aggregate(
        excellent=Count("pk", filter=Q(grade=ReviewGrade.EXCELLENT)), graded=Count("pk")
    )
    members = len(expected_attendees(meeting.branch, MeetingKind.DEMOCRATIC_REVIEW, meeting.on))
    base = max(members, counts["graded"])
    if base and counts["excellent"] * 3 > base:
        return _(
            "%(excellent)s of %(members)s members are graded excellent: more than one third of the branch."
        ) % {"excellent": counts["excellent"], "members": base}
    return ""


GRADED_ELSEWHERE = gettext_lazy("%(name)s has already been graded in another democratic review of %(year)s.")


def graded_elsewhere(
    meeting: Meeting, member_ids: Iterable[int], year: int | None = None
) -> dict[int, Member]:
    """The members among `member_ids` already graded in another democratic review of the year (one grade
    per member per year), by id."""
    others = ReviewResult.objects.filter(
        year=year or meeting.on.year, member_id__in=list(member_ids)
    ).exclude(meeting=meeting)
    return {row.member_id: row.member for row in others.select_related("member")}


@transaction.atomic
def save_review(meeting: Meeting, grades: Iterable[tuple[int, str, str]], user=None) -> None:
    """Replace the democratic review grades of `meeting` with (member id, grade, note), then the archive.
    A member graded in another review of the same year is refused with a ValidationError naming him."""
    if meeting.kind != MeetingKind.DEMOCRATIC_REVIEW:
        raise ValueError("only a democratic review meeting has grades")
    grades = list(grades)
    if any(grade not in ReviewGrade.values for _id, grade, _note in grades):
        raise ValueError("unknown review grade")
    clashes = graded_elsewhere(meeting, [member_id for member_id, _g, _n in grades])
    if clashes:
        raise ValidationError(
            [
                ValidationError(
                    GRADED_ELSEWHERE,
                    code="graded_elsewhere",
                    params={"member": member_id, "name": member.name, "year": meeting.on.year},
                )
                for member_id, member in clashes.items()
            ]
        )
    meeting.review_results.exclude(member_id__in={member_id for member_id, _g, _n in grades}).delete()
    existing = {row.member_id: row for row in meeting.review_results.all()}
    for member_id, grade, note in grades:
        row = existing.get(member_id) or ReviewResult(meeting=meeting, member_id=member_id)
        row.grade, row.note = grade, (note or "").strip()[:200]
        row.save()
    sync_archive(meeting, user)
