from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ALL_TOWNSHIPS = "all"


class CountyReportForm(forms.Form):
    township = forms.ChoiceField(label=pgettext_lazy("report column", "township"))
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)

    def __init__(self, *args, townships, offer_all: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.townships = list(townships)
        choices = [(str(t.pk), str(t)) for t in self.townships]
        if len(self.townships) > 1 or (offer_all and self.townships):
            choices.insert(0, (ALL_TOWNSHIPS, _("All townships")))
        self.fields["township"].choices = choices
        self.fields["year"].initial = timezone.localdate().year
        self.fields["township"].widget.attrs["class"] = "form-select"
        self.fields["year"].widget.attrs["class"] = "form-control"

    def chosen_townships(self) -> list:
        value = self.cleaned_data["township"]
        if value == ALL_TOWNSHIPS:
            return self.townships
        return [t for t in self.townships if str(t.pk) == value]
