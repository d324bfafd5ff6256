"""Form base: every choice of a related record comes from the user's scope."""

from django import forms

from accounts.scope import scope_choices


class ScopedModelForm(forms.ModelForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name, field in self.fields.items():
            if scope_choices(field, user):
                self._preselect_only_choice(name, field)

    def _preselect_only_choice(self, name: str, field) -> None:
        # An office secretary has one office: choosing it for him is one less thing to get wrong.
        if field.required and not self.initial.get(name) and not self.instance.pk:
            choices = list(field.queryset[:2])
            if len(choices) == 1:
                self.initial[name] = choices[0].pk
