"""Forms of the member pages. Operations that touch several rows are done by members.services; these forms
only collect and check the input, and show the services' rule messages next to the fields."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scope import scope_choices
from branches.models import Branch
from communities.models import Office
from members.choices import CATEGORY_FIELDS, DevelopmentStage, EntryKind, Status, TransferKind
from members.models import ArchiveEntry, ContactLog, Member, may_view_personal_data
from members.services import NEXT_STAGES
from records.forms import ScopedModelForm, VersionedFormMixin, label_blank_choices


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def not_in_future(value: datetime.date | None) -> None:
    if value and value > timezone.localdate():
        raise ValidationError(_("The date is in the future."))


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's errors next to the fields they name; errors about other fields go on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class MemberForm(VersionedFormMixin, ScopedModelForm):
    """Add or edit a person. Standing and branch change through development steps and transfers, so
    they are only chosen when the person is first recorded."""

    class Meta:
        model = Member
        fields = [
            "branch",
            "village",
            "name",
            "id_number",
            "gender",
            "birth_date",
            "ethnicity",
            "phone",
            "address",
            "education",
            "occupation",
            "standing",
            "admitted_on",
            "full_member_on",
            *CATEGORY_FIELDS,
        ]
        widgets = {"birth_date": DateInput(), "admitted_on": DateInput(), "full_member_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        branch = self.fields["branch"]
        # General branches keep members too (the community's own staff); dissolved ones take no one new.
        branch.queryset = branch.queryset.filter(
            Q(dissolved_on__isnull=True) | Q(pk=self.instance.branch_id)
        ).select_related("office")
        self.fields["village"].queryset = self.fields["village"].queryset.select_related("office")
        self.fields["birth_date"].required = False
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        if self.instance.pk:
            branch.disabled = True
            branch.help_text = _("It changes with a transfer of the organisational relation.")
            self.fields["standing"].disabled = True
            self.fields["standing"].help_text = _("It changes with a recorded development step.")
        # Without the permission the numbers on record are shown masked; left as they are, they are kept.
        self.masked_initial: dict[str, str] = {}
        if self.instance.pk and not may_view_personal_data(self.user):
            for name in ("id_number", "phone"):
                if getattr(self.instance, name):
                    self.initial[name] = self.masked_initial[name] = getattr(self.instance, f"masked_{name}")

    def _kept_if_masked(self, name: str) -> str:
        value = self.cleaned_data.get(name) or ""
        if name in self.masked_initial and value.strip() == self.masked_initial[name]:
            return getattr(self.instance, name)
        return value

    def clean_id_number(self) -> str:
        return self._kept_if_masked("id_number")

    def clean_phone(self) -> str:
        return self._kept_if_masked("phone")

    def clean(self):
        data = super().clean()
        branch = data.get("branch")
        # A village branch's people live in its village unless said otherwise.
        if branch is not None and not data.get("village") and branch.village_id:
            data["village"] = branch.village
        return data


class DevelopmentStepForm(forms.Form):
    stage = forms.ChoiceField(label=_("stage"))
    on = forms.DateField(label=_("date"), widget=DateInput())
    until = forms.DateField(
        label=_("extended until"),
        required=False,
        widget=DateInput(attrs={"data-show-when": "stage=extended"}),
        help_text=_("Only for an extended probation."),
    )
    decision_number = forms.CharField(label=_("decision number"), max_length=60, required=False)
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(DevelopmentStage.choices)
        self.fields["stage"].choices = [(s, labels[s]) for s in NEXT_STAGES.get(member.standing, [])]
        self.fields["on"].initial = timezone.localdate()


class TransferForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=TransferKind.choices, widget=forms.RadioSelect)
    on = forms.DateField(label=_("date"), widget=DateInput(), validators=[not_in_future])
    to_branch = forms.ModelChoiceField(
        label=_("to organisation"),
        queryset=Branch.objects.none(),
        required=False,
        help_text=_("For a transfer within the township."),
        widget=forms.Select(attrs={"data-show-when": "kind=within"}),
    )
    external_organisation = forms.CharField(
        label=_("organisation elsewhere"),
        max_length=120,
        required=False,
        help_text=_("Where he comes from or goes to."),
        widget=forms.TextInput(attrs={"data-show-when": "kind=out,in"}),
    )
    letter_number = forms.CharField(label=_("introduction letter number"), max_length=60, required=False)
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        # Every active organisation of the member's township: an office secretary may send a member to
        # another office's branch (he leaves his scope then). Names of organisations are not private.
        self.fields["to_branch"].queryset = (
            Branch.objects.filter(office__township=member.township_id, dissolved_on__isnull=True)
            .exclude(pk=member.branch_id)
            .select_related("office")
        )
        self.fields["to_branch"].label_from_instance = lambda b: f"{b.office} · {b}"
        label_blank_choices(self)
        if member.status == Status.ACTIVE:
            kinds = [TransferKind.WITHIN, TransferKind.OUT]
            # A person just put on record may have brought his relation in from elsewhere.
            if not member.transfers.exists():
                kinds.append(TransferKind.IN)
        elif member.status == Status.TRANSFERRED_OUT:
            kinds = [TransferKind.IN]
        else:
            kinds = []
        self.fields["kind"].choices = [(k, TransferKind(k).label) for k in kinds]
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0]
        self.fields["on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == TransferKind.WITHIN and not data.get("to_branch"):
            self.add_error("to_branch", _("Choose the organisation he is transferred to."))
        if kind == TransferKind.OUT and not data.get("external_organisation", "").strip():
            self.add_error("external_organisation", _("Say which organisation he is transferred to."))
        if kind == TransferKind.IN and not data.get("external_organisation", "").strip():
            self.add_error("external_organisation", _("Say which organisation he comes from."))
        return data


class StatusForm(forms.Form):
    # Transferred out is set by a transfer, which keeps the letter and the organisation.
    status = forms.ChoiceField(label=_("new status"))
    on = forms.DateField(label=_("date"), widget=DateInput(), validators=[not_in_future])
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [Status.DECEASED, Status.LEFT_PARTY]
        if member.status != Status.TRANSFERRED_OUT:  # he comes back by a transfer in
            choices.append(Status.ACTIVE)
        self.fields["status"].choices = [(s, Status(s).label) for s in choices if s != member.status]
        self.fields["on"].initial = timezone.localdate()


class ContactForm(forms.ModelForm):
    class Meta:
        model = ContactLog
        fields = ["on", "means", "whereabouts", "content"]
        widgets = {"on": DateInput(), "content": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.member = member
        self.fields["on"].initial = timezone.localdate()
        self.fields["on"].validators.append(not_in_future)
        label_blank_choices(self)


class ArchiveEntryForm(ScopedModelForm):
    class Meta:
        model = ArchiveEntry
        fields = ["kind", "on", "content"]
        widgets = {"on": DateInput(), "content": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, compact: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        self.fields["on"].validators.append(not_in_future)
        if compact:  # the quick form on the archive page: one line
            self.fields["content"].widget = forms.TextInput(attrs={"maxlength": 300})


class RequiredKindsForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("required entry kinds"),
        choices=EntryKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one kind.")},
        help_text=_("Every active member's archive should have an entry of each ticked kind every year."),
    )


class CompletenessFilterForm(forms.Form):
    office = forms.ModelChoiceField(label=_("office"), queryset=Office.objects.all(), required=False)
    branch = forms.ModelChoiceField(
        label=_("party organisation"), queryset=Branch.objects.select_related("office"), required=False
    )
    year = forms.TypedChoiceField(label=_("year"), coerce=int, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            scope_choices(field, user)
            field.widget.attrs["class"] = "form-select form-select-sm"
        self.fields["office"].empty_label = self.fields["branch"].empty_label = _("All")
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, y) for y in range(this_year, this_year - 5, -1)]
