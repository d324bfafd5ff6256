"""Forms of the assessment round's pages: opening the year's round, the reason for reopening, the answer to
an objection. The rules themselves are in assessments.rounds."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import AssessmentRound, ScoringTemplate, july


class OpenRoundForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    template = forms.ModelChoiceField(label=_("scoring template"), queryset=ScoringTemplate.objects.none())
    opens_on = forms.DateField(
        label=_("opens on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Blank: 1 July of the year."),
    )
    closes_on = forms.DateField(
        label=_("closes on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Blank: 31 July of the year."),
    )
    include_offices_without_community = forms.BooleanField(
        label=_("include offices without a community"), required=False
    )
    notice_days = forms.IntegerField(label=_("notice period (days)"), min_value=1, max_value=60, initial=5)

    def __init__(self, *args, township, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.township = township
        self.fields["template"].queryset = templates
        self.fields["template"].label_from_instance = lambda template: str(template)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if AssessmentRound.objects.filter(township=self.township, year=year).exists():
            raise forms.ValidationError(
                _("The township already has an assessment round for %(year)s.") % {"year": year}
            )
        return year

    def clean(self):
        cleaned = super().clean()
        year, template = cleaned.get("year"), cleaned.get("template")
        if year and template and template.year != year:
            self.add_error("template", _("Choose the township's scoring template of the same year."))
        if year:
            default_opens, default_closes = july(year)
            cleaned["opens_on"] = cleaned.get("opens_on") or default_opens
            cleaned["closes_on"] = cleaned.get("closes_on") or default_closes
            if cleaned["closes_on"] < cleaned["opens_on"]:
                self.add_error("closes_on", _("The round cannot close before it opens."))
        return cleaned


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for reopening"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for reopening the round.")},
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("answer"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write the answer to the objection.")},
    )
