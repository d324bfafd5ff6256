"""Form base: every choice of a related record comes from the user's scope."""

from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.scope import scope_choices
from records.versioning import LastChange, claim_version, current_version, last_change

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


class VersionedFormMixin:
    """The edit form of a versioned record (records.versioning): a hidden `version` says which version of
    the record the user started from. `claim_version()`, inside the save's transaction, refuses the save
    when someone saved the record since then: the form keeps the user's input, says who changed the record
    and when with a link to the change, and now carries the current version, so submitting it again after
    reading saves it. `versioned` is the record (a model form's instance by default)."""

    def __init__(self, *args, versioned=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.versioned = versioned if versioned is not None else getattr(self, "instance", None)
        self.conflict: LastChange | None = None
        self.fields["version"] = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
        if self.versioned is not None and self.versioned.pk:
            self.fields["version"].initial = self.versioned.version

    def drawn_version(self) -> int | None:
        """The version the form was drawn from, as posted."""
        raw = self.fields["version"].widget.value_from_datadict(
            self.data, self.files, self.add_prefix("version")
        )
        try:
            return int(raw)
        except (TypeError, ValueError):
            return None

    def claim_version(self) -> bool:
        """Call inside the save's transaction, before writing. A new record has nothing to claim; a post
        without a version (a page from before versions existed) is not checked."""
        obj = self.versioned
        if obj is None or obj.pk is None:
            return True
        drawn = self.drawn_version()
        if drawn is None or claim_version(type(obj), obj.pk, drawn):
            return True
        self.refuse_conflict()
        return False

    def refuse_conflict(self) -> None:
        obj = self.versioned
        self.conflict = last_change(obj)
        data = self.data.copy()
        data[self.add_prefix("version")] = str(current_version(obj))
        self.data = data  # the user's input stays; only the version moves on
        self.add_error(None, conflict_message(self.conflict, self.change_url()))

    def change_url(self) -> str:
        """Where the other change can be read: the record's change log."""
        return f"{self.versioned.get_absolute_url()}#change-log"


def conflict_message(change: LastChange, url: str) -> str:
    when = dateformat.format(timezone.localtime(change.date), gettext("N j, H:i")) if change.date else "—"
    who = str(change.user) if change.user else gettext("another user")
    return format_html(
        gettext(
            "This record was changed by {user} on {date}. Your changes are not saved yet: "
            '<a href="{url}">look at their change</a>, then submit again.'
        ),
        user=who,
        date=when,
        url=url,
    )


class VersionForm(VersionedFormMixin, forms.Form):
    """Only the version, for a page whose own form is not a model form (a score sheet)."""
