import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.models import Branch


class BranchTable(tables.Table):
    name = tables.Column(linkify=True, attrs={"td": {"class": "text-nowrap"}})
    kind = tables.Column(verbose_name=_("kind"), accessor="kind_label", order_by=("kind_order", "other_kind"))
    parent = tables.Column(attrs={"td": {"class": "text-nowrap"}})
    office = tables.Column(attrs={"td": {"class": "text-nowrap"}})
    place = tables.Column(
        verbose_name=_("community / village"), accessor="place", default="—", order_by=("place",)
    )
    founded_on = tables.DateColumn(format="Y-m-d", default="—", attrs={"td": {"class": "text-nowrap"}})
    member_count = tables.Column(
        verbose_name=pgettext_lazy("number of", "members"), attrs={"td": {"class": "text-end"}}
    )
    secretary_name = tables.Column(verbose_name=_("secretary"), default="—")
    status = tables.Column(verbose_name=_("status"), accessor="status_label", order_by=("dissolved_on",))

    class Meta:
        model = Branch
        fields = [
            "name",
            "kind",
            "parent",
            "office",
            "place",
            "founded_on",
            "member_count",
            "secretary_name",
            "status",
        ]
        row_attrs = {"data-branch": lambda record: record.pk}

    def render_status(self, value, record):
        css = "text-bg-success" if record.is_active else "text-bg-secondary"
        return format_html('<span class="badge {}">{}</span>', css, value)
