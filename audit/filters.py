import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.choices import AuditAction
from audit.models import AuditEntry
from records.filters import ScopedFilterSet


class DateInput(forms.DateInput):
    input_type = "date"


class AuditEntryFilterSet(ScopedFilterSet):
    user = django_filters.ModelChoiceFilter(queryset=User.objects.all(), label=_("user"))
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, label=_("action"))
    date_from = django_filters.DateFilter(
        field_name="at", lookup_expr="date__gte", label=_("from"), widget=DateInput()
    )
    date_to = django_filters.DateFilter(
        field_name="at", lookup_expr="date__lte", label=_("to"), widget=DateInput()
    )

    class Meta:
        model = AuditEntry
        fields = ["q", "user", "action", "date_from", "date_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["q"].widget.attrs["placeholder"] = _("Record, address, username…")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(object_repr__icontains=value) | Q(path__icontains=value) | Q(username__icontains=value)
        )
