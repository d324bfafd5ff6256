"""Forms of the duty post pages: the post and its policy, a day set by hand, the township's holidays.
Generating, publishing and keeping members in step are done by duty_roster.services."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.models import Office
from duty_roster.choices import DayKind
from duty_roster.models import WEEKDAYS, CalendarEntry, DutyDay, DutyPost, Leave, parse_weekdays
from members.models import Member
from records.forms import ScopedModelForm


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DutyPostForm(ScopedModelForm):
    """The post and its policy. Rotation weekdays are ticked boxes here; the model keeps "1,2,3,4,5"."""

    rotation_weekdays = forms.MultipleChoiceField(
        label=_("rotation weekdays"),
        choices=[(str(number), name) for number, name in WEEKDAYS],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The days one secretary is on duty in turn (轮流值班)."),
    )

    class Meta:
        model = DutyPost
        fields = [
            "office",
            "name",
            "place",
            "concentrated_weekday",
            "rotation_weekdays",
            "on_time_until",
            "duty_on_holidays",
            "adjusted_sunday_is_rotation",
            "move_concentrated_day",
            "base_points",
            "late_points",
            "absent_points",
            "missed_concentrated_points",
            "starts_on",
        ]
        widgets = {
            "on_time_until": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "starts_on": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        office = self.fields["office"]
        if self.instance.pk:
            # A post belongs to its office for good: its rota, sign-ins and scores are that office's.
            office.disabled = True
        else:
            office.queryset = Office.objects.for_user(self.user, "view").filter(duty_post__isnull=True)
            if not self.initial.get("office"):
                only = list(office.queryset[:2])
                if len(only) == 1:
                    self.initial["office"] = only[0].pk
        weekdays = self.initial.get("rotation_weekdays")
        if isinstance(weekdays, str):
            try:
                self.initial["rotation_weekdays"] = [str(day) for day in parse_weekdays(weekdays)]
            except ValueError:
                self.initial["rotation_weekdays"] = []
        self.fields["concentrated_weekday"].help_text = _(
            "All village secretaries work together in the community office that day (集中办公)."
        )
        self.fields["on_time_until"].help_text = _("A sign-in after this time counts as late.")
        self.fields["starts_on"].help_text = _("No duty days are generated before this date.")
        for name in ("late_points", "absent_points", "missed_concentrated_points"):
            self.fields[name].help_text = _("Negative: points taken off for each time.")

    def clean_rotation_weekdays(self) -> str:
        return ",".join(sorted(self.cleaned_data["rotation_weekdays"], key=int))

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()


class DutyDayForm(ScopedModelForm):
    """A day set by hand: the concentrated office, or one secretary of the post on duty, with a note."""

    class Meta:
        model = DutyDay
        fields = ["kind", "person", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = [self.instance.person_id] if self.instance.person_id else []
        person = self.fields["person"]
        # One filter() call, one join: the post's active members (and whoever has the day now), in order.
        person.queryset = (
            Member.objects.for_user(self.user, "view")
            .filter(
                Q(duty_roles__post=self.instance.post_id) & (Q(duty_roles__active=True) | Q(pk__in=current))
            )
            .order_by("duty_roles__order", "duty_roles__pk")
        )
        person.widget.attrs["data-show-when"] = f"kind={DayKind.ROTATION}"
        person.help_text = _("The secretaries of this post in rotation order.")
        self.fields["note"].required = True
        self.fields["note"].help_text = _("Why the day is set by hand, e.g. 代班 for a colleague on leave.")

    def clean(self):
        data = super().clean()
        if data.get("kind") == DayKind.ROTATION and not data.get("person"):
            self.add_error("person", _("Choose who is on duty."))
        person = data.get("person")
        if (
            data.get("kind") == DayKind.ROTATION
            and person is not None
            and Leave.objects.filter(
                post=self.instance.post_id,
                person=person,
                starts_on__lte=self.instance.day,
                ends_on__gte=self.instance.day,
            ).exists()
        ):
            self.add_error(
                "person",
                _("%(person)s is on leave on %(day)s.")
                % {"person": person, "day": f"{self.instance.day:%Y-%m-%d}"},
            )
        if data.get("kind") == DayKind.CONCENTRATED:
            data["person"] = None
        return data

    def save(self, commit=True):
        self.instance.manual = True
        if self.instance.kind == DayKind.CONCENTRATED:
            self.instance.person = None
        return super().save(commit)


class CalendarEntryForm(ScopedModelForm):
    class Meta:
        model = CalendarEntry
        fields = ["township", "day", "working", "name"]
        widgets = {"day": DateInput()}
        help_texts = {"name": _("e.g. 国庆节, or 国庆节调休 for an adjusted working day.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].label = _("township")

    def clean(self):
        data = super().clean()
        township, day = data.get("township"), data.get("day")
        if township and day:
            clash = CalendarEntry.objects.filter(township=township, day=day).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("day", _("This date is entered already; edit that entry instead."))
        if day and data.get("working") and day.weekday() < 5:
            self.add_error(
                "working",
                _(
                    "An adjusted working day (调休上班) is a Saturday or Sunday; "
                    "a weekday is a working day anyway."
                ),
            )
        return data

    def validate_unique(self):
        # clean() says it in words; the constraint's generic message would repeat it.
        pass
