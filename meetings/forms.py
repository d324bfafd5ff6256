"""Forms of the meeting register: the meeting with its attachments, the attendance sheet and the democratic
review sheet. The sheets are one row per person; each is checked as a whole and saved by meetings.services
in one transaction, or not at all."""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.models import Branch
from establishment.forms import AttachmentForm
from meetings import services
from meetings.choices import AttendanceStatus, MeetingKind, ReviewGrade
from meetings.models import Meeting, MeetingAttachment
from members.choices import PARTY_MEMBER_STANDINGS, Status
from members.forms import DateInput, not_in_future
from members.models import Member
from records.forms import ScopedModelForm


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def recordable_branches(user, keep: Branch | None = None):
    """The organisations `user` may record meetings of: the active ones in his scope, if his role records
    meetings at all (and the meeting's own, even if dissolved since)."""
    if not (user.is_superuser or user.role in Meeting.scope_paths.change_roles):
        return Branch.objects.none()
    current = Q(pk=keep.pk) if keep is not None else Q(pk__in=[])
    return (
        Branch.objects.for_user(user, "view")
        .filter(Q(dissolved_on__isnull=True) | current)
        .select_related("office")
    )


class MeetingAttachmentForm(AttachmentForm):
    """The establishment's attachment rules (kinds, real file signatures, size limit) for a meeting."""

    class Meta(AttachmentForm.Meta):
        model = MeetingAttachment

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].widget.attrs["placeholder"] = _("e.g. sign-in sheet, photos")


class NewAttachmentsFormSet(BaseInlineFormSet):
    """Uploads only: attachments on record are listed on the page and removed with a tick."""

    def get_queryset(self):
        return MeetingAttachment.objects.none()


AttachmentFormSet = inlineformset_factory(
    Meeting,
    MeetingAttachment,
    form=MeetingAttachmentForm,
    formset=NewAttachmentsFormSet,
    extra=2,
    can_delete=False,
)


class MeetingForm(ScopedModelForm):
    """The register page's facts. It carries its attachment uploads: valid together, saved together."""

    remove_attachments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Remove attachments"),
        queryset=MeetingAttachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Meeting
        fields = [
            "branch",
            "kind",
            "on",
            "starts_at",
            "ends_at",
            "place",
            "host",
            "recorder",
            "topic",
            "minutes",
            "resolutions",
            "makeup_for",
        ]
        widgets = {
            "on": DateInput(),
            "makeup_for": DateInput(),
            "starts_at": TimeInput(),
            "ends_at": TimeInput(),
            "minutes": forms.Textarea(attrs={"rows": 8}),
            "resolutions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        meeting = self.instance
        branch = self.fields["branch"]
        branch.queryset = recordable_branches(self.user, meeting.branch if meeting.branch_id else None)
        self._preselect_only_choice("branch", branch)
        self.fields["on"].validators.append(not_in_future)
        if not meeting.pk:
            self.initial.setdefault("on", timezone.localdate())
        self.fields["topic"].widget.attrs["placeholder"] = _(
            "e.g. studying the spirit of the plenary session"
        )
        self.fields["place"].widget.attrs["placeholder"] = _("e.g. the community party-member activity room")
        self.attachments = AttachmentFormSet(
            self.data or None,
            self.files or None,
            instance=meeting,
            prefix="attachments",
        )
        if meeting.pk:
            self.fields["remove_attachments"].queryset = MeetingAttachment.objects.for_user(
                self.user, "change"
            ).filter(meeting=meeting)
        else:
            del self.fields["remove_attachments"]

    def is_valid(self) -> bool:
        # Both, so that the page shows every error at once.
        valid = super().is_valid()
        return self.attachments.is_valid() and valid

    def clean(self):
        data = super().clean()
        meeting = self.instance
        if not meeting.pk:
            return data
        branch, kind, on = data.get("branch"), data.get("kind"), data.get("on")
        if branch is not None and branch.pk != meeting.branch_id:
            ids = branch.subtree_ids()
            people = [row.member for row in meeting.attendances.select_related("member")]
            people += [row.member for row in meeting.review_results.select_related("member")]
            outside = sorted({person.name for person in people if person.branch_id not in ids})
            if outside:
                self.add_error(
                    "branch",
                    _(
                        "People on this meeting's attendance are not in %(branch)s: %(names)s. Correct the "
                        "attendance first."
                    )
                    % {"branch": branch, "names": "、".join(outside)},
                )
        graded = meeting.review_results.count()
        if kind and kind != MeetingKind.DEMOCRATIC_REVIEW and graded:
            self.add_error(
                "kind",
                _(
                    "%(count)s members are graded in this democratic review: clear their grades on the "
                    "review page before changing the kind."
                )
                % {"count": graded},
            )
        elif on and on.year != meeting.on.year and graded:
            ids = meeting.review_results.values_list("member_id", flat=True)
            clashes = services.graded_elsewhere(meeting, ids, year=on.year)
            if clashes:
                self.add_error(
                    "on",
                    _("Already graded in another democratic review of %(year)s: %(names)s.")
                    % {"year": on.year, "names": "、".join(member.name for member in clashes.values())},
                )
        return data

    def save(self, commit: bool = True) -> Meeting:
        """Saves the meeting, its new attachments and removals and, for a correction, its archive entries:
        the caller (ScopedFormMixin) holds the transaction."""
        from django.db import transaction

        meeting = super().save(commit=False)
        creating = meeting.pk is None
        if creating:
            meeting.created_by = self.user
        meeting.save()
        for form in self.attachments:
            if form.cleaned_data.get("file"):
                attachment = form.save(commit=False)
                attachment.meeting = meeting
                attachment.uploaded_by = self.user
                attachment.save()
        for attachment in self.cleaned_data.get("remove_attachments") or []:
            storage, name = attachment.file.storage, attachment.file.name
            attachment.delete()
            # The file goes only once the removal is committed.
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
        if not creating:
            services.resync_meeting(meeting, self.user)
        return meeting


# --- The sheets: one row per person ---------------------------------------------------------------------


@dataclass
class SheetRow:
    member: Member
    value: str  # the attendance status or the review grade ("" = not graded)
    text: str = ""  # the reason or the note
    expected: bool = True
    error: str = ""


class PersonSheet:
    """A list of people for one meeting, with a value and a text each, posted as member=<id> (in order),
    value-<id> and text-<id>. GET: the people the meeting is for; POST: the people posted, each checked to
    be one the user may record for this meeting. `add` puts another person on the list and `remove` takes
    one off without saving."""

    values: list[tuple[str, str]] = []
    default_value = ""
    text_length = 120

    def __init__(self, meeting: Meeting, user, data=None):
        self.meeting, self.user, self.data = meeting, user, data
        self.errors: list[str] = []
        self.expected_ids = {m.pk for m in self.expected()}
        self.rows = self.posted_rows() if data is not None else self.initial_rows()

    # What a subclass tells: who is expected, what is on record.
    def expected(self) -> list[Member]:
        raise NotImplementedError

    def recorded(self) -> dict[int, tuple[str, str]]:
        raise NotImplementedError

    def people(self):
        """Everyone the user may put on this list: the organisation's active people and those under it,
        anyone expected or on record, all within the user's scope."""
        recorded = list(self.recorded())
        return (
            Member.objects.for_user(self.user, "view")
            .filter(
                Q(branch__in=self.meeting.branch.subtree_ids(), status=Status.ACTIVE)
                | Q(pk__in=self.expected_ids)
                | Q(pk__in=recorded)
            )
            .select_related("branch")
        )

    def initial_rows(self) -> list[SheetRow]:
        recorded = self.recorded()
        visible = {m.pk: m for m in self.people().filter(pk__in=list(recorded) or list(self.expected_ids))}
        if recorded:
            ordered = sorted((m for pk, m in visible.items() if pk in recorded), key=_order)
            return [
                SheetRow(m, recorded[m.pk][0], recorded[m.pk][1], m.pk in self.expected_ids) for m in ordered
            ]
        return [SheetRow(m, self.default_value) for m in sorted(visible.values(), key=_order)]

    def posted_rows(self) -> list[SheetRow]:
        data = self.data
        ids = []
        for value in data.getlist("member"):
            if value.isdigit() and int(value) not in ids:
                ids.append(int(value))
        remove = data.get("remove", "")
        if remove.isdigit() and int(remove) in ids:
            ids.remove(int(remove))
        add = data.get("add_member", "") if "add" in data else ""
        if add.isdigit() and int(add) not in ids:
            ids.append(int(add))
        people = self.people().in_bulk(ids)
        if len(people) < len(ids):
            self.errors.append(
                _(
                    "Someone on the list is not a member of this organisation or not in your scope: "
                    "reload the page."
                )
            )
        rows = []
        for pk in ids:
            if pk not in people:
                continue
            value = data.get(f"value-{pk}", self.default_value if pk == _int(add) else "")
            text = data.get(f"text-{pk}", "").strip()[: self.text_length]
            rows.append(SheetRow(people[pk], value, text, pk in self.expected_ids))
        return rows

    def candidates(self) -> list[Member]:
        """Who can still be added: the expected first, then the organisation's other active people."""
        listed = {row.member.pk for row in self.rows}
        return sorted(
            self.people().filter(status=Status.ACTIVE).exclude(pk__in=listed),
            key=lambda m: (m.pk not in self.expected_ids, m.stroke_key, m.pk),
        )

    def missing_expected(self) -> list[Member]:
        """Expected people not on a list already recorded (they joined since, or were left off)."""
        listed = {row.member.pk for row in self.rows}
        return [m for m in self.candidates() if m.pk in self.expected_ids and m.pk not in listed]

    def is_valid(self) -> bool:
        valid_values = {value for value, _label in self.values}
        for row in self.rows:
            if row.value not in valid_values:
                row.error = _("Choose one.")
            else:
                row.error = self.row_error(row)
        return not self.errors and not any(row.error for row in self.rows)

    def row_error(self, row: SheetRow) -> str:
        return ""

    def hidden_rows(self) -> list[tuple[int, str, str]]:
        """Rows on record about people the user cannot see (moved out of his scope since): kept as is."""
        visible = set(self.people().values_list("pk", flat=True))
        return [(pk, value, text) for pk, (value, text) in self.recorded().items() if pk not in visible]

    def cleaned(self) -> list[tuple[int, str, str]]:
        return [(row.member.pk, row.value, row.text) for row in self.rows] + self.hidden_rows()


def _order(member: Member):
    return (member.stroke_key, member.pk)


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


class AttendanceSheet(PersonSheet):
    """Who attended: everyone on the list defaults to present; leave needs its reason."""

    values = AttendanceStatus.choices
    default_value = AttendanceStatus.PRESENT

    def expected(self) -> list[Member]:
        meeting = self.meeting
        return services.expected_attendees(meeting.branch, meeting.kind, meeting.on)

    def recorded(self) -> dict[int, tuple[str, str]]:
        if not hasattr(self, "_recorded"):
            self._recorded = {
                row.member_id: (row.status, row.reason) for row in self.meeting.attendances.all()
            }
        return self._recorded

    def row_error(self, row: SheetRow) -> str:
        if row.value == AttendanceStatus.LEAVE and not row.text:
            return _("Give the reason for the leave.")
        return ""

    def cleaned(self) -> list[tuple[int, str, str]]:
        # A reason typed before the person was switched back to present is not his archive's business.
        return [
            (pk, status, "" if status == AttendanceStatus.PRESENT else reason)
            for pk, status, reason in super().cleaned()
        ]


class ReviewSheet(PersonSheet):
    """The democratic review: a grade and a note per party member; a row left ungraded is not recorded."""

    values = [("", gettext_lazy("not graded")), *ReviewGrade.choices]
    default_value = ""
    text_length = 200

    def expected(self) -> list[Member]:
        meeting = self.meeting
        return services.expected_attendees(meeting.branch, MeetingKind.DEMOCRATIC_REVIEW, meeting.on)

    def recorded(self) -> dict[int, tuple[str, str]]:
        if not hasattr(self, "_recorded"):
            self._recorded = {
                row.member_id: (row.grade, row.note) for row in self.meeting.review_results.all()
            }
        return self._recorded

    def people(self):
        # Only party members are graded (and anyone graded already, whatever he is now).
        return (
            super().people().filter(Q(standing__in=PARTY_MEMBER_STANDINGS) | Q(pk__in=list(self.recorded())))
        )

    def initial_rows(self) -> list[SheetRow]:
        # Everyone to be graded stays on the page, graded or not yet.
        recorded = self.recorded()
        ids = set(recorded) | self.expected_ids
        people = sorted(self.people().filter(pk__in=ids), key=_order)
        return [
            SheetRow(m, *(recorded.get(m.pk) or ("", "")), expected=m.pk in self.expected_ids) for m in people
        ]

    def is_valid(self) -> bool:
        valid = super().is_valid()
        graded = [row.member.pk for row in self.rows if row.value]
        for member_id in services.graded_elsewhere(self.meeting, graded):
            row = next(row for row in self.rows if row.member.pk == member_id)
            row.error = graded_elsewhere_message(row.member, self.meeting.on.year)
            valid = False
        return valid

    def cleaned(self) -> list[tuple[int, str, str]]:
        return [(pk, grade, note) for pk, grade, note in super().cleaned() if grade]

    def counts(self) -> dict[str, int]:
        graded = [row for row in self.rows if row.value]
        return {
            "people": len(self.rows),
            "graded": len(graded),
            "excellent": sum(1 for row in graded if row.value == ReviewGrade.EXCELLENT),
        }


def graded_elsewhere_message(member: Member, year: int) -> str:
    return services.GRADED_ELSEWHERE % {"name": member.name, "year": year}


def add_sheet_errors(error: ValidationError, sheet: PersonSheet) -> None:
    """A service's refusal onto the rows it names (params member=<id>), the rest on top of the sheet."""
    for item in error.error_list:
        params = item.params or {}
        row = next((row for row in sheet.rows if row.member.pk == params.get("member")), None)
        message = item.message % params if params else item.message
        if row is not None:
            row.error = message
        else:
            sheet.errors.append(message)
