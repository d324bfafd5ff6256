"""Forms of the scoring templates: the header, a new sheet for a year, and an item whose points rule is
entered as a few numbers (never as JSON or a formula)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments import templating
from assessments.indicators import RULE_KINDS, validate_rule
from assessments.models import Method, ScoringTemplate, TemplateItem
from assessments.scoring import ItemKind
from records.forms import ScopedModelForm, label_blank_choices

BANDS = 4
DEFAULT_SOURCE = "default"


def _plain(value: Decimal) -> int | float:
    """A number for the rule data: validate_rule wants int or float, not Decimal."""
    return int(value) if value == value.to_integral_value() else float(value)


class TemplateHeaderForm(ScopedModelForm):
    class Meta:
        model = ScoringTemplate
        fields = ["year", "title", "bonus_cap", "good_from", "fairly_good_from", "average_from", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is not None and not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Give a year such as 2026."))
        township = self.instance.township if self.instance.township_id else None
        if year and township and templating.year_taken(township, year, exclude_pk=self.instance.pk):
            raise forms.ValidationError(templating.year_taken_message(township, year))
        return year


class NewTemplateForm(forms.Form):
    """A sheet for a year: from the default sheet or a copy of an existing year's."""

    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    source = forms.ChoiceField(label=_("start from"))

    def __init__(self, *args, township, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.township = township
        self.templates = {str(template.pk): template for template in templates}
        self.fields["source"].choices = [(DEFAULT_SOURCE, _("the default sheet"))] + [
            (key, _("a copy of %(year)s's sheet") % {"year": template.year})
            for key, template in self.templates.items()
        ]

    def clean_year(self):
        year = self.cleaned_data["year"]
        if templating.year_taken(self.township, year):
            raise forms.ValidationError(templating.year_taken_message(self.township, year))
        return year

    @property
    def source_template(self) -> ScoringTemplate | None:
        return self.templates.get(self.cleaned_data.get("source"))


class TemplateItemForm(ScopedModelForm):
    """An item of the sheet. For an automatic item the rule is a kind and its numbers; the form builds the
    rule data and checks it with validate_rule, each message next to the number that caused it."""

    rule_kind = forms.ChoiceField(
        label=_("points rule"),
        required=False,
        choices=[
            ("", _("Choose…")),
            ("linear", _("in proportion (value × maximum points)")),
            ("threshold", _("by thresholds")),
            ("bool", _("all or nothing")),
            ("per_missing", _("points off for each missing thing")),
        ],
    )
    full = forms.DecimalField(
        label=_("value for full points"),
        required=False,
        max_digits=8,
        decimal_places=2,
        help_text=_("For a value in points, e.g. 100; leave empty for a rate."),
    )
    rule_points = forms.DecimalField(
        label=_("points off for each missing thing"), required=False, max_digits=5, decimal_places=2
    )

    class Meta:
        model = TemplateItem
        fields = [
            "kind",
            "group",
            "title",
            "guidance",
            "max_points",
            "method",
            "indicator",
            "points_per_missing",
        ]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, BANDS + 1):
            self.fields[f"threshold_{n}"] = forms.DecimalField(
                label=_("threshold %(n)s") % {"n": n},
                required=False,
                max_digits=8,
                decimal_places=4,
                help_text=_("A rate as a decimal: 0.95 is 95%.") if n == 1 else "",
            )
            self.fields[f"fraction_{n}"] = forms.DecimalField(
                label=_("share of the points %(n)s") % {"n": n},
                required=False,
                max_digits=5,
                decimal_places=4,
                help_text=_("Between 0 and 1: 1 is full points, 0.7 is 70%.") if n == 1 else "",
            )
        rule = self.instance.rule or {}
        if self.instance.pk and isinstance(rule, dict) and rule.get("kind") in RULE_KINDS:
            self.initial.setdefault("rule_kind", rule["kind"])
            if "full" in rule:
                self.initial.setdefault("full", rule["full"])
            if "points" in rule:
                self.initial.setdefault("rule_points", rule["points"])
            bands = sorted(rule.get("bands") or [], key=lambda band: band[0], reverse=True)
            for n, (threshold, fraction) in enumerate(bands[:BANDS], start=1):
                self.initial.setdefault(f"threshold_{n}", threshold)
                self.initial.setdefault(f"fraction_{n}", fraction)
        self.fields["title"].widget.attrs["autofocus"] = True
        label_blank_choices(self)

    def band_fields(self):
        return [(self[f"threshold_{n}"], self[f"fraction_{n}"]) for n in range(1, BANDS + 1)]

    def clean(self):
        cleaned = super().clean()
        method, kind = cleaned.get("method"), cleaned.get("kind")
        if method == Method.AUTOMATIC and kind != ItemKind.VETO:
            rule = self.build_rule(cleaned)
            if rule is not None:
                self.instance.rule = rule
        return cleaned

    def build_rule(self, cleaned) -> dict | None:
        """The rule dict from the rule fields, or None with the errors added to the fields."""
        rule_kind = cleaned.get("rule_kind")
        if not rule_kind:
            self.add_error("rule_kind", _("Choose how the indicator's value gives points."))
            return None
        rule: dict = {"kind": rule_kind}
        failed = False
        if rule_kind == "linear" and cleaned.get("full") is not None:
            if cleaned["full"] <= 0:
                self.add_error("full", _("The value for full points must be above zero."))
                failed = True
            else:
                rule["full"] = _plain(cleaned["full"])
        elif rule_kind == "per_missing":
            points = cleaned.get("rule_points")
            if points is None or points <= 0:
                self.add_error(
                    "rule_points", _("Give the points taken off for each missing thing, above zero.")
                )
                failed = True
            else:
                rule["points"] = _plain(points)
        elif rule_kind == "threshold":
            bands, seen = [], set()
            for n in range(1, BANDS + 1):
                threshold, fraction = cleaned.get(f"threshold_{n}"), cleaned.get(f"fraction_{n}")
                if threshold is None and fraction is None:
                    continue
                if threshold is None:
                    self.add_error(f"threshold_{n}", _("Give the threshold for this share."))
                    failed = True
                    continue
                if fraction is None:
                    self.add_error(f"fraction_{n}", _("Give the share of the points for this threshold."))
                    failed = True
                    continue
                if not 0 <= fraction <= 1:
                    self.add_error(f"fraction_{n}", _("The share of the points must be between 0 and 1."))
                    failed = True
                if threshold in seen:
                    self.add_error(f"threshold_{n}", _("Two rows have the same threshold."))
                    failed = True
                seen.add(threshold)
                bands.append([_plain(threshold), _plain(fraction)])
            if not bands and not failed:
                self.add_error("threshold_1", _("Give at least one threshold and its share of the points."))
                failed = True
            rule["bands"] = bands
        if failed:
            return None
        errors = validate_rule(rule)
        if errors:
            self.add_error("rule_kind", errors)
            return None
        return rule

    def _update_errors(self, errors):
        # The model checks `rule`, which the form shows as the rule kind and its numbers.
        if hasattr(errors, "error_dict") and "rule" in errors.error_dict:
            messages = errors.error_dict.pop("rule")
            rule_fields = ["rule_kind", "full", "rule_points"] + [
                f"{name}_{n}" for n in range(1, BANDS + 1) for name in ("threshold", "fraction")
            ]
            if not any(name in self._errors for name in rule_fields):  # else already said, field by field
                errors.error_dict.setdefault("rule_kind", []).extend(messages)
        super()._update_errors(errors)
