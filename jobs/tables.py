import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from jobs.models import Job


class JobTable(tables.Table):
    title = tables.Column(linkify=True)
    state = tables.Column()
    percent = tables.Column(verbose_name=_("progress"), orderable=False, accessor="percent")
    created_at = tables.DateTimeColumn(format="Y-m-d H:i")
    finished_at = tables.DateTimeColumn(format="Y-m-d H:i")

    class Meta:
        model = Job
        fields = ["title", "state", "percent", "created_at", "finished_at"]

    def render_percent(self, value):
        return f"{value}%"
