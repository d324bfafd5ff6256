"""Forms of the sign-in pages: the manual sign-in (补签), and the month picker of the statistics."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duty_roster import services
from members.forms import DateInput
from members.models import Member
from records.forms import label_blank_choices


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class ManualSignInForm(forms.Form):
    """补签: the office or the township records that a member was at the post, and why by hand."""

    person = forms.ModelChoiceField(label=_("person"), queryset=Member.objects.none())
    day = forms.DateField(label=_("date"), widget=DateInput())
    time = forms.TimeField(
        label=_("time"), widget=TimeInput(), help_text=_("When he arrived at the duty post.")
    )
    reason = forms.CharField(
        label=_("reason"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: the phone had no signal; arrived for the concentrated office."),
    )

    def __init__(self, *args, post, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The post's active members, as far as the user may see people at all.
        self.fields["person"].queryset = (
            Member.objects.for_user(user, "view")
            .filter(duty_roles__post=post, duty_roles__active=True)
            .order_by("duty_roles__order", "pk")
        )
        self.fields["day"].initial = timezone.localdate
        label_blank_choices(self)


def parse_month(text: str | None, today: datetime.date) -> tuple[int, int] | None:
    """`2026-10` → (2026, 10); None when it is no month; empty means this month."""
    return (today.year, today.month) if not text else services.parse_month(text)
