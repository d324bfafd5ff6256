from django import forms
from django.contrib.auth.forms import AdminPasswordChangeForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """The six digits an authenticator app shows."""

    code = forms.CharField(
        label=_("Verification code"),
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]*",
                "autofocus": True,
                "class": "form-control form-control-lg text-center",
            }
        ),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit():
            raise forms.ValidationError(_("Enter the digits your authenticator app shows."))
        return code


class ResetPasswordForm(AdminPasswordChangeForm):
    """Township staff set a password for someone else: he must choose his own at his next login."""

    def save(self, commit=True):
        user = super().save(commit=False)
        user.must_change_password = True
        if commit:
            user.save()
        return user


class NewPasswordForm(PasswordChangeForm):
    """Changing the password means choosing a new one: typing the given (or expired) one again would
    end the must-change state without changing anything."""

    def clean(self):
        cleaned = super().clean()
        new = cleaned.get("new_password1")
        if new and self.user.check_password(new):
            self.add_error("new_password1", _("Choose a new password, not the one you have now."))
        return cleaned
