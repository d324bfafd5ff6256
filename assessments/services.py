"""The inspections' rules beyond one record: what is overdue, for the home page and the campaign board."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from assessments.models import Inspection, Rectification


def overdue_rectifications(user, today: datetime.date | None = None):
    """The rectification items in `user`'s scope that are not done and past their deadline, oldest
    deadline first."""
    return (
        Rectification.objects.for_user(user)
        .overdue(today)
        .select_related("inspection__office__community")
        .order_by("deadline", "pk")
    )


@dataclass
class Attention:
    """What the home page shows of the inspections: overdue rectification items, counted, and the first
    few, each with `unit` (the office's or its community's name), `days` overdue and `url` (its inspection's
    page, at the item)."""

    count: int
    items: list[Rectification]


def unit_name(office) -> str:
    community = getattr(office, "community", None)
    return community.name if community is not None else office.name


def attention(user, today: datetime.date | None = None, limit: int = 10) -> Attention:
    """The overdue rectification items in `user`'s scope: how many, and up to `limit` of them."""
    today = today or timezone.localdate()
    overdue = overdue_rectifications(user, today)
    items = list(overdue[:limit])
    for item in items:
        item.unit = unit_name(item.inspection.office)
        item.days = (today - item.deadline).days
        item.url = item.get_absolute_url()
    return Attention(overdue.count(), items)


def overdue_by_office(office_ids, today: datetime.date | None = None) -> dict[int, int]:
    """{office id: number of overdue rectification items} for the campaign board; offices with none are
    left out. The caller has already scoped `office_ids`."""
    rows = (
        Rectification.objects.overdue(today)
        .filter(inspection__office_id__in=list(office_ids))
        .order_by()
        .values("inspection__office_id")
        .annotate(count=Count("pk"))
    )
    return {row["inspection__office_id"]: row["count"] for row in rows}


def delete_inspection(inspection: Inspection) -> None:
    """Delete an inspection recorded in error. One with rectification items is a record of work asked of
    the office and stays: the database refuses it (PROTECT) and so does this."""
    with transaction.atomic():
        if inspection.rectifications.exists():
            raise ValueError("an inspection with rectification items is kept")
        inspection.delete()
