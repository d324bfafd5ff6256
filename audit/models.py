"""The audit log: who signed in or failed to, who exported what and how many rows, who saw a full ID
number, and every change of a record. Entries are written once and never changed; only the retention
purge (`manage.py purge_audit`) removes them."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from audit.choices import AuditAction


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an audit entry through the product."""


class AuditQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view") -> "AuditQuerySet":
        """Township staff read their township's entries, administrators all; nobody changes any."""
        if action != "view" or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.role == Role.TOWNSHIP_STAFF and user.township_id:
            return self.filter(township_id=user.township_id)
        return self.none()

    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("audit entries cannot be changed")

    def delete(self):
        raise AuditLogIsAppendOnly("audit entries cannot be deleted")

    def bulk_update(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("audit entries cannot be changed")

    def _purge(self) -> int:
        """Delete these entries with one DELETE statement: for the retention purge and the demo reset
        only (no signals, no model delete())."""
        queryset = self._chain()
        return queryset._raw_delete(queryset.db)


class AuditEntry(models.Model):
    """One thing that happened: who, when, from where, what action on which record, and the facts."""

    at = models.DateTimeField(_("time"), default=timezone.now, editable=False, db_index=True)
    # PROTECT: an account with entries is deactivated, not deleted; the name is kept as text as well.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("user"),
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices, db_index=True)
    object_type = models.ForeignKey(
        ContentType, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("record type")
    )
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    path = models.CharField(_("address"), max_length=500, blank=True)
    detail = models.JSONField(_("details"), default=dict, blank=True)
    count = models.IntegerField(_("rows"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    township = models.ForeignKey(
        "communities.Township",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("township"),
    )

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["township", "-at"], name="audit_township_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AuditLogIsAppendOnly("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("audit:entry_detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("audit entries cannot be deleted")
