"""The cadence pages' forms: the compliance table's filters and the township's rules, one row per kind."""

from django import forms
from django.core.validators import MaxValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branches.choices import BranchKind
from communities.models import Office, Township, Village
from meetings.cadence import RULE_KINDS, default_rule
from meetings.choices import AppliesTo, Period
from meetings.models import CadenceRule

MAX_TIMES = 31  # more meetings of one kind than days in a month is a typing error


def townships_for(user):
    """The townships whose organisations `user` sees: his own, or every township of his county."""
    offices = Office.objects.for_user(user).values("township_id")
    villages = Village.objects.for_user(user).values("office__township_id")
    return (
        Township.objects.filter(Q(pk__in=offices) | Q(pk__in=villages))
        .select_related("county")
        .order_by("county__name", "name")
    )


def pick_township(townships: list[Township], value: str | None) -> Township | None:
    """The township asked for by ?township= if it is one of `townships`, else the first."""
    chosen = next((t for t in townships if str(t.pk) == (value or "")), None)
    return chosen or (townships[0] if townships else None)


class ComplianceFilterForm(forms.Form):
    """The compliance table's filters: year, township (county viewers), office, organisation kind, and
    only the organisations that missed or made up a meeting."""

    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100, required=False)
    township = forms.ModelChoiceField(
        label=_("township"), queryset=Township.objects.none(), required=False, empty_label=None
    )
    office = forms.ModelChoiceField(
        label=_("office"), queryset=Office.objects.none(), required=False, empty_label=_("All")
    )
    kind = forms.ChoiceField(
        label=_("organisation kind"), choices=[("", _("All")), *BranchKind.choices], required=False
    )
    behind = forms.BooleanField(label=_("Only those not on time"), required=False)

    def __init__(self, data, *, user, townships: list[Township], township: Township | None, today):
        super().__init__(data)
        self.today = today
        self.fields["township"].queryset = Township.objects.filter(pk__in=[t.pk for t in townships])
        if len(townships) < 2:
            del self.fields["township"]
        offices = Office.objects.for_user(user).filter(township=township).order_by("sort_order", "name")
        self.fields["office"].queryset = offices
        if not offices.exists():  # a village secretary sees his branches, not an office
            del self.fields["office"]
        self.fields["year"].widget.attrs.update(placeholder=str(today.year), style="width: 6rem")
        for name, field in self.fields.items():
            if name == "behind":
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select form-select-sm"
            else:
                field.widget.attrs["class"] = "form-control form-control-sm"

    def value(self, name: str):
        """The cleaned value of a filter, or None when it is absent or invalid (invalid ones show their
        error next to the field, and the table ignores them)."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        if name in self.errors:
            return None
        return self.cleaned_data.get(name)

    @property
    def year_value(self) -> int:
        return self.value("year") or self.today.year


class RuleForm(forms.ModelForm):
    """One kind's rule: in force, period, meetings per period, which organisations."""

    class Meta:
        model = CadenceRule
        fields = ["active", "period", "times", "applies_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = self.instance.kind
        self.default = default_rule(self.kind)
        times = self.fields["times"]
        times.min_value = 1
        times.validators.append(MaxValueValidator(MAX_TIMES))
        times.widget.attrs.update(min=1, max=MAX_TIMES)
        # The column header names it on a wide screen, where its label is not shown.
        self.fields["active"].widget.attrs.update(
            {"class": "form-check-input", "aria-label": self.fields["active"].label}
        )
        for name in ("period", "applies_to"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        times.widget.attrs["class"] = "form-control form-control-sm"

    @property
    def kind_label(self) -> str:
        return self.instance.get_kind_display()

    @property
    def custom(self) -> bool:
        """Whether the township has its own row for this kind (else the default applies)."""
        return self.instance.pk is not None


def rule_instance(township: Township, kind: str) -> CadenceRule:
    """The township's row for `kind`, unsaved: the default's values, or not in force if it has none."""
    rule = default_rule(kind)
    if rule is None:
        return CadenceRule(
            township=township, kind=kind, period=Period.YEAR, times=1, applies_to=AppliesTo.ALL, active=False
        )
    return CadenceRule(
        township=township, kind=kind, period=rule.period, times=rule.times, applies_to=rule.applies_to
    )


class BaseRuleFormSet(forms.BaseFormSet):
    """One form per kind of meeting, in MeetingKind order, on the township's row or the default. Only the
    kinds changed from what is in force are written, so an untouched default stays a default."""

    def __init__(self, *args, township: Township, **kwargs):
        self.township = township
        rows = {row.kind: row for row in CadenceRule.objects.filter(township=township)}
        self.instances = [rows.get(kind) or rule_instance(township, kind) for kind in RULE_KINDS]
        super().__init__(*args, **kwargs)

    def total_form_count(self) -> int:
        # Always one form per kind, whatever a tampered management form says.
        return len(self.instances)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is not None:  # None: the empty form, which this formset never shows
            kwargs["instance"] = self.instances[index]
        return kwargs

    def save(self) -> list[CadenceRule]:
        """Write the changed rows (the caller holds the transaction); returns them."""
        saved = []
        for form in self.forms:
            if form.has_changed():
                saved.append(form.save())
        return saved


RuleFormSet = forms.formset_factory(RuleForm, formset=BaseRuleFormSet, extra=0)
