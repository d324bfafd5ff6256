"""Forms for leave, swap and cover requests and the office's reassignments. They only collect the input;
the rules live in duty_roster.changes, whose errors the views put next to the fields."""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from duty_roster.choices import ChangeKind, DayKind
from duty_roster.models import DutyDay, DutyMember, DutyPost
from members.forms import DateInput
from members.models import Member
from records.forms import label_blank_choices


def day_label(day: DutyDay) -> str:
    return f"{date_format(day.day, 'Y-m-d D')} · {day.person}"


class DayChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: DutyDay) -> str:
        return day_label(obj)


def post_people(user, post: DutyPost, exclude=None):
    """The active members of the post, in rotation order. Scoped through the post's membership: a village
    secretary sees his fellow members of the post though not their villages' member archives."""
    members = DutyMember.objects.for_user(user, "view").filter(post=post, active=True)
    people = Member.objects.filter(duty_roles__in=members)
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    return people.order_by("duty_roles__order", "pk")


class LeaveForm(forms.Form):
    person = forms.ModelChoiceField(queryset=Member.objects.none(), label=_("person"))
    starts_on = forms.DateField(label=_("leave from"), widget=DateInput())
    ends_on = forms.DateField(label=_("leave until"), widget=DateInput())
    reason = forms.CharField(label=_("reason"), max_length=200)

    def __init__(self, *args, user, post: DutyPost, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        if person is not None:  # a village secretary records his own leave
            del self.fields["person"]
            self.person = person
        else:
            self.fields["person"].queryset = post_people(user, post)
        label_blank_choices(self)

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The leave ends before it starts."))
        return data


class ChangeRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=[(ChangeKind.SWAP, ChangeKind.SWAP.label), (ChangeKind.COVER, ChangeKind.COVER.label)],
        widget=forms.RadioSelect,
        initial=ChangeKind.SWAP,
    )
    other_day = DayChoiceField(
        queryset=DutyDay.objects.none(),
        label=_("his day you take in exchange"),
        required=False,
        widget=forms.Select(attrs={"data-show-when": "kind=swap"}),
    )
    to_person = forms.ModelChoiceField(
        queryset=Member.objects.none(),
        label=_("who takes your day"),
        required=False,
        widget=forms.Select(attrs={"data-show-when": "kind=cover"}),
    )
    reason = forms.CharField(label=_("reason"), max_length=200)

    def __init__(self, *args, user, day: DutyDay, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_person"].queryset = post_people(user, day.post, exclude=day.person)
        self.fields["other_day"].queryset = (
            DutyDay.objects.for_user(user, "view")
            .filter(post=day.post, kind=DayKind.ROTATION, day__gte=timezone.localdate())
            .exclude(person=day.person)
            .exclude(person__isnull=True)
            .select_related("person")
            .order_by("day")
        )
        label_blank_choices(self)

    def clean(self):
        data = super().clean()
        if data.get("kind") == ChangeKind.SWAP and not data.get("other_day"):
            self.add_error("other_day", _("Choose the day you take in exchange."))
        if data.get("kind") == ChangeKind.COVER and not data.get("to_person"):
            self.add_error("to_person", _("Choose who takes your day."))
        return data


class ReassignForm(forms.Form):
    to_person = forms.ModelChoiceField(queryset=Member.objects.none(), label=_("give the day to"))
    reason = forms.CharField(label=_("reason"), max_length=200)

    def __init__(self, *args, user, day: DutyDay, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_person"].queryset = post_people(user, day.post, exclude=day.person)
        label_blank_choices(self)
