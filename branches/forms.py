from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from branches.choices import GENERAL_KINDS
from branches.models import Branch, Post, ReserveCadre, Term
from members.choices import Status
from members.models import Member
from records.forms import ScopedModelForm


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the fields it names, the rest above the form."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class BranchForm(ScopedModelForm):
    """Adds an organisation; on edit the name is fixed (renaming keeps the old name, R1) and so is the
    office (its members, posts and archives belong to that office)."""

    class Meta:
        model = Branch
        fields = [
            "office",
            "kind",
            "other_kind",
            "name",
            "parent",
            "community",
            "village",
            "founded_on",
            "notes",
        ]
        widgets = {"founded_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = self.fields["parent"].queryset.filter(kind__in=GENERAL_KINDS, dissolved_on__isnull=True)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
            self.fields["office"].disabled = True
            self.fields["name"].disabled = True
            self.fields["name"].help_text = format_html(
                '{} <a href="{}" id="rename-link">{}</a>',
                _("The name changes through renaming, which keeps the former name on record."),
                reverse("branches:branch_rename", args=[self.instance.pk]),
                _("Rename"),
            )
        self.fields["parent"].queryset = parents.select_related("office")
        self.fields["parent"].label_from_instance = lambda b: f"{b.office} · {b}"
        self.fields["village"].queryset = self.fields["village"].queryset.select_related("office")
        self.fields["village"].label_from_instance = lambda v: f"{v.office} · {v}"

    def clean_name(self):
        return (self.cleaned_data.get("name") or "").strip()


class RenameForm(forms.Form):
    name = forms.CharField(label=_("new name"), max_length=80)
    on = forms.DateField(label=_("date of renaming"), widget=DateInput())
    decision_number = forms.CharField(label=_("decision number"), max_length=60, required=False)
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class DissolveForm(forms.Form):
    on = forms.DateField(label=_("date of dissolution"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class BranchRecordForm(ScopedModelForm):
    """A record that belongs to one organisation (a post, a term, a reserve cadre). The organisation
    comes from the page the user came from (?branch=) and is fixed then, and on edit."""

    def __init__(self, *args, branch: Branch | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["branch"]
        field.queryset = Branch.objects.for_user(self.user, "change").filter(dissolved_on__isnull=True)
        branch = branch or (self.instance.branch if self.instance.branch_id else None)
        if self.instance.pk:
            # An existing record keeps its organisation even after it was dissolved.
            field.queryset = Branch.objects.for_user(self.user, "change")
        if branch is not None:
            self.initial["branch"] = branch.pk
            field.disabled = True
        self.branch = branch
        if "person" in self.fields:
            self._limit_people(branch)

    def _limit_people(self, branch: Branch | None) -> None:
        people = Member.objects.for_user(self.user, "view")
        active = Q(status=Status.ACTIVE)
        if branch is not None:
            # A post or reserve cadre is held by someone of this organisation or one under it.
            active &= Q(branch__in=branch.subtree_ids())
        current = Q(pk=self.instance.person_id) if self.instance.person_id else Q(pk__in=[])
        field = self.fields["person"]
        field.queryset = people.filter(active | current).select_related("branch").order_by("stroke_key", "pk")
        field.label_from_instance = lambda m: f"{m.name}（{m.branch}）"

    def clean(self):
        data = super().clean()
        branch, person = data.get("branch"), data.get("person")
        changed = person is not None and person.pk != self.instance.person_id
        if (
            branch is not None
            and changed
            and (not person.is_active or person.branch_id not in branch.subtree_ids())
        ):
            self.add_error("person", _("Choose an active member of this organisation or of one under it."))
        return data


class PostForm(BranchRecordForm):
    class Meta:
        model = Post
        fields = ["branch", "kind", "person", "started_on", "ended_on", "decision_number", "decision_date"]
        widgets = {"started_on": DateInput(), "ended_on": DateInput(), "decision_date": DateInput()}
        help_texts = {"ended_on": _("Fill in to end the post; the post stays on record.")}


class TermForm(BranchRecordForm):
    class Meta:
        model = Term
        fields = [
            "branch",
            "number",
            "started_on",
            "ends_on",
            "election_date",
            "election_method",
            "members_expected",
            "members_present",
            "committee",
            "notes",
        ]
        widgets = {
            "started_on": DateInput(),
            "ends_on": DateInput(),
            "election_date": DateInput(),
            "committee": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk and self.branch is not None and not self.initial.get("number"):
            latest = Term.objects.filter(branch=self.branch).aggregate(n=Max("number"))["n"]
            self.initial["number"] = (latest or 0) + 1

    def clean(self):
        data = super().clean()
        branch, number = data.get("branch"), data.get("number")
        if branch is not None and number is not None:
            clash = Term.objects.filter(branch=branch, number=number).exclude(pk=self.instance.pk)
            # An error on the field also keeps the model's unique constraint from repeating it.
            if clash.exists():
                self.add_error("number", _("This organisation already has a term with this number."))
        return data


class ReserveCadreForm(BranchRecordForm):
    class Meta:
        model = ReserveCadre
        fields = ["branch", "person", "since", "status", "recommended_by", "training", "assessment"]
        widgets = {
            "since": DateInput(),
            "training": forms.Textarea(attrs={"rows": 3}),
            "assessment": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("since", timezone.localdate())
