"""Filterset base: a search box, Bootstrap widgets, and dropdowns limited to the user's scope."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.scope import scope_choices


class YesNoFilter(django_filters.BooleanFilter):
    """A yes / no / all dropdown (django-filter's default says 'unknown' for 'all')."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))])
        )
        super().__init__(*args, **kwargs)


class ScopedFilterSet(django_filters.FilterSet):
    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(label=_("Search"), method="search")

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = request.user if request is not None else None
        for field in self.form.fields.values():
            scope_choices(field, user)
            if getattr(field, "empty_label", None) is not None:  # None: a choice is always made
                field.empty_label = _("All")
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)
        if "q" in self.form.fields:
            self.form.fields["q"].widget.attrs.setdefault("placeholder", _("Name, keyword…"))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value or not self.search_fields:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition).distinct()
