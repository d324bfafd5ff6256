"""The monthly ledger (月清月结, R5): each month's work items of a community, settled by month end; what is
open carries to the next month, visibly, when the office secretary closes the month."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scope import ScopedManager, ScopePaths
from communities.models import TOWNSHIP_AND_OFFICE, Office
from ledger.choices import ItemSource, ItemStatus, LedgerAction

# Keyed by office: an office keeps one community (or none yet), and its ledger is the community's.
LEDGER_PATHS = ScopePaths(
    county="office__township__county",
    township="office__township",
    office="office",
    village="office__villages",
    change_roles=TOWNSHIP_AND_OFFICE,
)


class LedgerMonth(models.Model):
    """One office's ledger for one month; closed (月结) with a summary, and then locked."""

    office = models.ForeignKey(Office, models.PROTECT, related_name="ledger_months", verbose_name=_("office"))
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    # The summary as it stood at the close.
    received = models.PositiveIntegerField(_("received"), default=0, editable=False)
    done = models.PositiveIntegerField(_("done"), default=0, editable=False)
    carried = models.PositiveIntegerField(_("carried"), default=0, editable=False)
    overdue = models.PositiveIntegerField(_("overdue"), default=0, editable=False)

    objects = ScopedManager()
    scope_paths = LEDGER_PATHS

    class Meta:
        verbose_name = _("monthly ledger")
        verbose_name_plural = _("monthly ledgers")
        ordering = ["office__township__name", "office__sort_order", "-month"]
        constraints = [models.UniqueConstraint(fields=["office", "month"], name="ledger_month_unique")]

    def __str__(self) -> str:
        return f"{self.office} {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("ledger:month_detail", args=[self.office_id, f"{self.month:%Y-%m}"])

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def clearance_rate(self) -> float | None:
        """Done ÷ received at the close; None when nothing was received."""
        return self.done / self.received if self.received else None

    def clean(self) -> None:
        if self.month and self.month.day != 1:
            raise ValidationError({"month": _("A ledger month starts on the first day of the month.")})


class LedgerItem(models.Model):
    """One matter to settle: where it came from, who owns it, by when, and how it ended."""

    ledger = models.ForeignKey(
        LedgerMonth, models.PROTECT, related_name="items", verbose_name=_("monthly ledger")
    )
    source = models.CharField(_("source"), max_length=20, choices=ItemSource.choices)
    content = models.CharField(_("content"), max_length=300)
    owner = models.CharField(_("owner"), max_length=30)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    result = models.CharField(_("result"), max_length=300, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    # The same matter in the month before, when it was carried over at that month's close.
    carried_from = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="carried_to",
        verbose_name=_("carried from"),
    )
    carried_times = models.PositiveSmallIntegerField(_("times carried"), default=0, editable=False)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="ledger_items",
        verbose_name=_("meeting"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_paths = LEDGER_PATHS.through("ledger")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ledger item")
        verbose_name_plural = _("ledger items")
        ordering = ["ledger", "-carried_times", "due_on", "pk"]

    def __str__(self) -> str:
        return self.content

    def get_absolute_url(self) -> str:
        return reverse("ledger:item_update", args=[self.pk])

    def clean(self) -> None:
        if self.status == ItemStatus.DONE and not self.result.strip():
            raise ValidationError({"result": _("Say how the matter was settled.")})


class LedgerEvent(models.Model):
    """A close or reopen of a month: who, when, and (for a reopen) why. Never edited."""

    ledger = models.ForeignKey(
        LedgerMonth, models.CASCADE, related_name="events", verbose_name=_("monthly ledger")
    )
    action = models.CharField(_("action"), max_length=10, choices=LedgerAction.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    objects = ScopedManager()
    scope_paths = LEDGER_PATHS.through("ledger")

    class Meta:
        verbose_name = _("ledger event")
        verbose_name_plural = _("ledger events")
        ordering = ["ledger", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.ledger} {self.get_action_display()}"


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)
