import django_tables2 as tables
from django.utils.html import format_html

from establishment.choices import RequestState
from establishment.models import EstablishmentRequest

# The badge of each state: grey while the office works on it, amber while it waits for the township or
# the county, green once established.
STATE_BADGES = {
    RequestState.DRAFT: "text-bg-secondary",
    RequestState.SUBMITTED: "text-bg-warning",
    RequestState.RETURNED: "text-bg-danger",
    RequestState.APPROVED: "text-bg-info",
    RequestState.REPORTED: "text-bg-primary",
    RequestState.ESTABLISHED: "text-bg-success",
}


def state_badge(request: EstablishmentRequest):
    return format_html(
        '<span class="badge {}" data-state="{}">{}</span>',
        STATE_BADGES.get(request.state, "text-bg-light"),
        request.state,
        request.get_state_display(),
    )


class RequestTable(tables.Table):
    office = tables.Column(attrs={"td": {"class": "text-nowrap"}}, order_by=("office__sort_order",))
    title = tables.Column(linkify=True, attrs={"td": {"class": "cell-title"}})
    state = tables.Column()
    submitted_at = tables.DateColumn(format="Y-m-d", default="—", attrs={"td": {"class": "text-nowrap"}})
    decision_number = tables.Column(default="—", attrs={"td": {"class": "text-nowrap"}})
    consented_on = tables.DateColumn(format="Y-m-d", default="—", attrs={"td": {"class": "text-nowrap"}})

    class Meta:
        model = EstablishmentRequest
        fields = ["office", "title", "state", "submitted_at", "decision_number", "consented_on"]
        row_attrs = {"data-request": lambda record: record.pk}

    def render_state(self, value, record):
        return state_badge(record)
