"""The organisation tree: county → township (镇) → sub-district office (办事处) → village (村)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.choices import Role
from accounts.scope import ScopedManager, ScopePaths

TOWNSHIP_ONLY = frozenset({Role.TOWNSHIP_STAFF})
TOWNSHIP_AND_OFFICE = frozenset({Role.TOWNSHIP_STAFF, Role.OFFICE_SECRETARY})


class County(models.Model):
    """A county; one installation can serve all its townships."""

    name = models.CharField(_("name"), max_length=50, unique=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(county="pk", township=None, change_roles=frozenset())
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Township(models.Model):
    """A township (镇) and its party committee (镇党委)."""

    county = models.ForeignKey(County, models.PROTECT, related_name="townships", verbose_name=_("county"))
    name = models.CharField(_("name"), max_length=50)

    objects = ScopedManager()
    scope_paths = ScopePaths(county="county", township="pk", change_roles=TOWNSHIP_ONLY)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("township")
        verbose_name_plural = _("townships")
        ordering = ["county__name", "name"]
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="township_unique_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communities:township_detail", args=[self.pk])


class Office(models.Model):
    """A sub-district office (办事处) of a township; its party general branch lives in `branches`."""

    township = models.ForeignKey(Township, models.PROTECT, related_name="offices", verbose_name=_("township"))
    name = models.CharField(_("name"), max_length=50)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(
        county="township__county", township="township", office="pk", change_roles=TOWNSHIP_ONLY
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sub-district office")
        verbose_name_plural = _("sub-district offices")
        ordering = ["township__name", "sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["township", "name"], name="office_unique_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communities:office_detail", args=[self.pk])


class Village(models.Model):
    """An administrative village (村) under an office; its party branch lives in `branches`."""

    office = models.ForeignKey(Office, models.PROTECT, related_name="villages", verbose_name=_("office"))
    name = models.CharField(_("name"), max_length=50)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(
        county="office__township__county",
        township="office__township",
        office="office",
        village="pk",
        change_roles=TOWNSHIP_AND_OFFICE,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        ordering = ["office__township__name", "office__sort_order", "sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["office", "name"], name="village_unique_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communities:village_detail", args=[self.pk])


class Community(models.Model):
    """A rural community (农村社区) set up by an office; an office has at most one."""

    office = models.OneToOneField(Office, models.PROTECT, related_name="community", verbose_name=_("office"))
    name = models.CharField(_("name"), max_length=50)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    address = models.CharField(_("office address"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(
        county="office__township__county",
        township="office__township",
        office="office",
        village="office__villages",
        change_roles=TOWNSHIP_AND_OFFICE,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rural community")
        verbose_name_plural = _("rural communities")
        ordering = ["office__township__name", "office__sort_order"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communities:office_detail", args=[self.office_id])
