import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry


class AuditEntryTable(tables.Table):
    at = tables.DateTimeColumn(format="Y-m-d H:i:s", linkify=True, attrs={"td": {"class": "text-nowrap"}})
    username = tables.Column(verbose_name=_("user"), attrs={"td": {"class": "text-nowrap"}})
    action = tables.Column()
    object_type = tables.Column(verbose_name=_("record type"), orderable=False)
    object_repr = tables.Column()
    count = tables.Column()
    path = tables.Column(attrs={"td": {"class": "text-break small"}})
    ip_address = tables.Column()

    class Meta:
        model = AuditEntry
        fields = []
        sequence = ["at", "username", "action", "object_type", "object_repr", "count", "path", "ip_address"]
        order_by = ("-at",)

    def render_object_type(self, value):
        model = value.model_class()
        return model._meta.verbose_name if model is not None else value.model
