"""Filterset base: a search box, Bootstrap widgets, and dropdowns limited to the user's scope."""

import html

import django_filters
from django import forms
from django.db.models import Q
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.scope import scope_choices


class YesNoFilter(django_filters.BooleanFilter):
    """A yes / no / all dropdown (django-filter's default says 'unknown' for 'all')."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))])
        )
        super().__init__(*args, **kwargs)


class Select(forms.Select):
    """forms.Select with the same HTML, written in Python instead of a template include per option: a
    county's dropdowns hold every party organisation (1,500) and village (1,200) of twenty townships, and
    the includes cost more than the rest of the list page."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{_escape(widget["name"])}"{_attributes(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_escape(group_name)}">')
            parts.extend(
                f'\n  <option value="{_escape(_as_string(option["value"]))}"{_attributes(option["attrs"])}>'
                f"{_escape(option['label'])}</option>\n"
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


def _escape(value) -> str:
    """conditional_escape, without its lazy-string wrapper (it runs several times an option)."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def _as_string(value):
    """The template's `value|stringformat:'s'`: a safe value stays unescaped."""
    return value if isinstance(value, SafeData) else "%s" % value  # noqa: UP031 (as the filter does)


def _attributes(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    return "".join(
        f" {_escape(name)}" if value is True else f' {_escape(name)}="{_escape(_as_string(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class ScopedFilterSet(django_filters.FilterSet):
    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(label=_("Search"), method="search")

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        for filter_ in self.filters.values():  # before the form is built from them
            if filter_.field_class.widget is forms.Select and "widget" not in filter_.extra:
                filter_.extra["widget"] = Select
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
