"""Forms of the campaign board's pages: the campaign and its phases, a survey snapshot, an opinion
collection with its opinions, a good practice."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.forms import DateInput
from communities.models import Township
from establishment.models import Campaign, GoodPractice, Opinion, OpinionSession, SurveySnapshot
from records.forms import ScopedModelForm

PHASE_FIELDS = (
    "survey_starts",
    "survey_ends",
    "implementation_starts",
    "implementation_ends",
    "assessment_starts",
    "assessment_ends",
)


def not_in_future(form: forms.BaseForm, name: str) -> None:
    day = form.cleaned_data.get(name)
    if day and day > timezone.localdate():
        form.add_error(name, _("The date is in the future."))


class CampaignForm(ScopedModelForm):
    """A township's campaign for a year; a new one starts from the guidance's dates (R9)."""

    class Meta:
        model = Campaign
        fields = ["township", "year", *PHASE_FIELDS]
        widgets = dict.fromkeys(PHASE_FIELDS, DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        townships = Township.objects.for_user(self.user, "change")
        self.fields["township"].queryset = townships
        if self.instance.pk:
            self.fields["township"].disabled = True
        elif len(townships[:2]) == 1:
            # Township staff have one township: it is not a choice.
            self.fields["township"].initial = townships[0].pk
            self.fields["township"].disabled = True
        if not self.instance.pk:
            year = self.initial.get("year") or timezone.localdate().year
            try:
                year = int(year)
            except (TypeError, ValueError):
                year = timezone.localdate().year
            self.initial["year"] = year
            for name, day in Campaign.defaults_for(year).items():
                self.initial.setdefault(name, day)
        self.fields["year"].widget.attrs.update({"min": 2000, "max": 2100})
        self.fields["assessment_ends"].help_text = _(
            "The guidance's end date of the assessment is unreadable; 31 July is a default to adjust."
        )

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(
                _("Give a year such as %(year)s.") % {"year": timezone.localdate().year}
            )
        return year

    def clean(self):
        data = super().clean()
        township, year = data.get("township") or self.instance.township_id, data.get("year")
        if township and year:
            clash = Campaign.objects.filter(township=township, year=year).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("year", _("This township already has a campaign for this year."))
        return data

    def _post_clean(self):
        super()._post_clean()  # the model's own check (Campaign.clean) says why, above the form
        # ... and the first date out of order says where.
        previous = None
        for name in PHASE_FIELDS:
            day = self.cleaned_data.get(name)
            if day is None:
                continue
            if previous is not None and day < previous[1]:
                self.add_error(
                    name,
                    _("This date is before %(previous)s (%(date)s).")
                    % {"previous": self.fields[previous[0]].label, "date": previous[1].isoformat()},
                )
                break
            previous = (name, day)

    def validate_unique(self):
        # The unique year is checked in clean() with a message that says what to do.
        pass


class SurveyForm(ScopedModelForm):
    """Takes a survey snapshot: the counts are computed and frozen when it is saved."""

    class Meta:
        model = SurveySnapshot
        fields = ["office", "taken_on", "notes"]
        widgets = {"taken_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("taken_on", timezone.localdate())
        self.fields["taken_on"].help_text = _(
            "The counts are computed from the data as it stands on this date and then no longer change."
        )

    def clean(self):
        data = super().clean()
        not_in_future(self, "taken_on")
        return data


class OpinionForm(forms.ModelForm):
    class Meta:
        model = Opinion
        fields = ["content", "response", "answered_on"]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 2}),
            "response": forms.Textarea(attrs={"rows": 2}),
            "answered_on": DateInput(),
        }

    def clean(self):
        data = super().clean()
        if data.get("answered_on") and not (data.get("response") or "").strip():
            self.add_error("response", _("Say what was done before giving the date it was answered."))
        not_in_future(self, "answered_on")
        return data


class BaseOpinionFormSet(forms.BaseInlineFormSet):
    held_on: datetime.date | None = None

    def clean(self):
        super().clean()
        kept = [
            form
            for form in self.forms
            if (form.instance.pk or form.has_changed()) and not self._should_delete_form(form)
        ]
        if not kept:
            raise forms.ValidationError(_("Record at least one opinion or suggestion."))
        for form in kept:
            answered = getattr(form, "cleaned_data", {}).get("answered_on")
            if answered and self.held_on and answered < self.held_on:
                form.add_error(
                    "answered_on",
                    _("Answered before it was collected (%(date)s).") % {"date": self.held_on.isoformat()},
                )


OpinionFormSet = forms.inlineformset_factory(
    OpinionSession, Opinion, form=OpinionForm, formset=BaseOpinionFormSet, extra=0, can_delete=True
)


class OpinionSessionForm(ScopedModelForm):
    """A symposium, discussion or visit with its opinions: the form and its formset save together."""

    class Meta:
        model = OpinionSession
        fields = ["office", "kind", "held_on", "place", "participants"]
        widgets = {"held_on": DateInput(), "participants": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["office"].disabled = True
        self.initial.setdefault("held_on", timezone.localdate())
        self.fields["participants"].help_text = _("Names, or who and how many: e.g. 12 veteran members.")
        self.formset = OpinionFormSet(
            self.data if self.is_bound else None, instance=self.instance, prefix="opinions"
        )
        # Empty rows to fill in: three for a new collection, one more on edit.
        self.formset.extra = 1 if self.instance.pk else 3

    def is_valid(self) -> bool:
        valid = super().is_valid()
        self.formset.held_on = self.cleaned_data.get("held_on") if hasattr(self, "cleaned_data") else None
        return self.formset.is_valid() and valid

    def clean(self):
        data = super().clean()
        not_in_future(self, "held_on")
        return data

    def save(self, commit: bool = True):
        session = super().save(commit)
        if commit:
            self.formset.instance = session
            self.formset.save()
        return session


class GoodPracticeForm(ScopedModelForm):
    class Meta:
        model = GoodPractice
        fields = ["office", "title", "recorded_on", "content"]
        widgets = {"recorded_on": DateInput(), "content": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("recorded_on", timezone.localdate())
        if self.instance.pk:
            self.fields["office"].disabled = True

    def clean(self):
        data = super().clean()
        not_in_future(self, "recorded_on")
        return data
