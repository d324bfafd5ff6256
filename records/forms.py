"""Form base: every choice of a related record comes from the user's scope."""

from django import forms


class ScopedModelForm(forms.ModelForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "for_user"):
                field.queryset = queryset.for_user(user, "view")
                self._preselect_only_choice(field)

    def _preselect_only_choice(self, field) -> None:
        # An office secretary has one office: choosing it for him is one less thing to get wrong.
        name = next(name for name, f in self.fields.items() if f is field)
        if field.required and not self.initial.get(name) and not self.instance.pk:
            choices = list(field.queryset[:2])
            if len(choices) == 1:
                self.initial[name] = choices[0].pk
