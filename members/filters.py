import re

import django_filters
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.composition import age_band_condition
from branches.models import Branch
from communities.models import Community, Office
from members.choices import AGE_BANDS, CATEGORY_FIELDS, CATEGORY_LABELS, Education, Gender, Standing, Status
from members.models import Member, may_view_personal_data
from records.filters import ScopedFilterSet, YesNoFilter

ID_DIGITS = re.compile(r"^\d+[xX]?$")
LATIN = re.compile(r"^[a-zA-Z]+$")
# ChoiceFilter widgets keep the label they were declared with (ScopedFilterSet's later change misses them).
ALL = _("All")


class MemberFilterSet(ScopedFilterSet):
    # The dropdowns show names only (each model's __str__): a county's hold 1,500 party organisations,
    # so no other column is fetched for them.
    office = django_filters.ModelChoiceFilter(
        field_name="branch__office", queryset=Office.objects.only("pk", "name"), label=_("office")
    )
    community = django_filters.ModelChoiceFilter(
        field_name="branch__office__community",
        queryset=Community.objects.only("pk", "name"),
        label=_("community"),
    )
    branch = django_filters.ModelChoiceFilter(
        queryset=Branch.objects.only("pk", "name"), label=_("party organisation")
    )
    standing = django_filters.ChoiceFilter(
        choices=Standing.choices, label=_("party standing"), empty_label=ALL
    )
    category = django_filters.ChoiceFilter(
        choices=[(name, CATEGORY_LABELS[name]) for name in CATEGORY_FIELDS],
        method="filter_category",
        label=_("category"),
        empty_label=ALL,
    )
    gender = django_filters.ChoiceFilter(choices=Gender.choices, label=_("gender"), empty_label=ALL)
    age = django_filters.ChoiceFilter(
        choices=[(key, label) for key, label, _y, _o in AGE_BANDS],
        method="filter_age",
        label=_("age"),
        empty_label=ALL,
    )
    education = django_filters.ChoiceFilter(choices=Education.choices, label=_("education"), empty_label=ALL)
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("status"), empty_label=ALL)
    contact_overdue = YesNoFilter(method="filter_contact_overdue")
    # 党员 in reports means full and probationary members; applicants and activists are people on record.
    party = YesNoFilter(method="filter_party", label=_("party members (full and probationary)"))
    order = django_filters.ChoiceFilter(
        choices=[("stroke", _("surname strokes")), ("pinyin", _("pinyin"))],
        method="filter_order",
        label=_("order"),
        empty_label=None,
    )

    class Meta:
        model = Member
        fields = ["q"]

    def __init__(self, data=None, *args, **kwargs):
        # Lists show the active people unless another status (or 全部, an empty value) is asked for.
        if data is None or "status" not in data:
            data = data.copy() if data is not None else {}
            data["status"] = Status.ACTIVE
        super().__init__(data, *args, **kwargs)
        self.form.fields["q"].widget.attrs["placeholder"] = _("Name, pinyin, initials or last ID digits")
        self.form.fields["contact_overdue"].label = _("mobile member not contacted for %(days)s days") % {
            "days": settings.MOBILE_CONTACT_DAYS
        }

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if ID_DIGITS.match(value):
            # The last few digits find a person; a whole number only for those who see it in full,
            # so that nobody can complete a masked number by trying the hidden digits.
            value = value.upper()
            if 4 <= len(value) <= 6:
                return queryset.filter(id_number__endswith=value)
            user = getattr(self.request, "user", None)
            if len(value) == 18 and may_view_personal_data(user):
                return queryset.filter(id_number=value)
            return queryset.none()
        if LATIN.match(value):
            value = value.lower()
            return queryset.filter(Q(name_pinyin__contains=value) | Q(name_initials__startswith=value))
        return queryset.filter(name__icontains=value)

    def filter_category(self, queryset, name, value):
        return queryset.filter(**{value: True}) if value in CATEGORY_FIELDS else queryset

    def filter_age(self, queryset, name, value):
        for key, _label, low, high in AGE_BANDS:
            if key == value:
                return queryset.filter(age_band_condition(low, high, timezone.localdate()))
        return queryset

    def filter_contact_overdue(self, queryset, name, value):
        if value:
            return queryset.mobile_overdue()
        return queryset.exclude(pk__in=queryset.mobile_overdue().values("pk"))

    def filter_party(self, queryset, name, value):
        members = queryset.party_members()
        return members if value else queryset.exclude(pk__in=members.values("pk"))

    def filter_order(self, queryset, name, value):
        return queryset.order_by("name_pinyin", "pk") if value == "pinyin" else queryset
