"""Forms of the ledger pages: an item (the quick add on the month page, the full form), and the reason
for reopening a month."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ledger.models import LedgerItem
from members.forms import DateInput
from records.forms import ScopedModelForm


class ItemForm(ScopedModelForm):
    """The whole item; its meeting is one of the office's meetings the user may see."""

    class Meta:
        model = LedgerItem
        fields = ["source", "content", "owner", "due_on", "status", "result", "done_on", "meeting"]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 3}),
            "result": forms.Textarea(attrs={"rows": 2}),
            "due_on": DateInput(),
            "done_on": DateInput(),
        }
        help_texts = {
            "owner": _("Who is responsible for settling it."),
            "result": _("Required once the item is done: how the matter was settled."),
            "done_on": _("Filled in with today when left empty on a done item."),
        }

    def __init__(self, *args, user, office, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if "meeting" in self.fields:
            self.fields["meeting"].queryset = (
                self.fields["meeting"].queryset.filter(branch__office=office).order_by("-on", "-pk")
            )


class QuickItemForm(ItemForm):
    """The add form on the month page: what a new matter needs, nothing more."""

    class Meta(ItemForm.Meta):
        fields = ["source", "content", "owner", "due_on"]
        widgets = {**ItemForm.Meta.widgets, "content": forms.Textarea(attrs={"rows": 2})}


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the month's history: why the closed month must be changed."),
        error_messages={"required": _("Give the reason for reopening the month.")},
    )
