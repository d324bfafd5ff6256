"""The duty log's entry form: who came, what for, what was done, and whether it needs follow-up."""

from django import forms
from django.utils.translation import gettext_lazy as _

from duty_roster.models import DutyLogEntry


class LogEntryForm(forms.ModelForm):
    class Meta:
        model = DutyLogEntry
        fields = ["visitor", "purpose", "handling", "needs_follow_up"]
        widgets = {
            "visitor": forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("e.g. 张庄村 王大妈")}),
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "handling": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "visitor": _("Name and village, or the unit that called."),
            "needs_follow_up": _("Not settled on the spot: it can become a monthly-ledger item."),
        }
