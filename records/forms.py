"""Form base: every choice of a related record comes from the user's scope."""

from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

from accounts.scope import scope_choices

DASHES = BLANK_CHOICE_DASH[0][1]


def label_blank_choices(form: forms.BaseForm) -> None:
    """Every dropdown's empty choice reads 请选择, not Django's "---------"."""
    for field in form.fields.values():
        if getattr(field, "empty_label", None) == DASHES:
            field.empty_label = _("Choose…")
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            choices = list(field.choices)
            if choices and choices[0] == ("", DASHES):
                field.choices = [("", _("Choose…")), *choices[1:]]


class ScopedModelForm(forms.ModelForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name, field in self.fields.items():
            if scope_choices(field, user):
                self._preselect_only_choice(name, field)
        label_blank_choices(self)

    def _preselect_only_choice(self, name: str, field) -> None:
        # An office secretary has one office: choosing it for him is one less thing to get wrong.
        if field.required and not self.initial.get(name) and not self.instance.pk:
            choices = list(field.queryset[:2])
            if len(choices) == 1:
                self.initial[name] = choices[0].pk
