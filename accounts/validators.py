"""Password rules beyond Django's own validators (AUTH_PASSWORD_VALIDATORS in config/settings.py)."""

import string

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CLASSES = (
    ("upper", lambda c: c.isupper()),
    ("lower", lambda c: c.islower()),
    ("digit", lambda c: c.isdigit()),
    ("symbol", lambda c: c in string.punctuation or c == " "),
)


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with its message in our catalogue: Django 5.2's new wording of it has no
    Chinese translation yet."""

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short: it needs at least %(min_length)d character.",
            "This password is too short: it needs at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must contain at least %(min_length)d character.",
            "Your password must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


class CharacterClassesValidator:
    """At least `min_classes` of: capital letters, small letters, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None) -> None:
        found = sum(1 for _name, test in CLASSES if any(test(c) for c in password))
        if found < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _(
            "The password must mix at least %(count)d of: capital letters, small letters, digits, symbols."
        ) % {"count": self.min_classes}


class NotUsernameValidator:
    """Not the username, nor the username backwards, whatever the case (Django's similarity check
    compares with other fields too, and only above a threshold)."""

    def validate(self, password, user=None) -> None:
        username = (getattr(user, "username", "") or "").casefold()
        if username and password.casefold() in (username, username[::-1]):
            raise ValidationError(_("The password must not be the username."), code="password_is_username")

    def get_help_text(self) -> str:
        return _("The password must not be the username.")
