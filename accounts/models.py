"""Users and their roles; a user's scope is the unit his role names (see accounts.scope)."""

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.choices import ROLE_LEVEL, Role
from accounts.scope import ScopedQuerySet, ScopePaths


class UserQuerySet(ScopedQuerySet):
    def for_user(self, user, action="view"):
        queryset = super().for_user(user, action)
        # Administrators' accounts are out of everyone else's reach, whatever township they name.
        return queryset if getattr(user, "is_superuser", False) else queryset.exclude(is_superuser=True)


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who signs in: township staff, an office or village secretary, or a county viewer."""

    display_name = models.CharField(_("name"), max_length=30, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, blank=True)
    county = models.ForeignKey(
        "communities.County",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("county"),
    )
    township = models.ForeignKey(
        "communities.Township",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("township"),
    )
    office = models.ForeignKey(
        "communities.Office",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("office"),
    )
    village = models.ForeignKey(
        "communities.Village",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("village"),
    )

    # Set when township staff create an account or reset its password: the person chooses his own
    # password before anything else (accounts.middleware.AccountPolicyMiddleware). Demo users are exempt.
    must_change_password = models.BooleanField(_("must change password at next login"), default=False)
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True, editable=False)

    objects = ScopedUserManager()
    # Secretaries see the accounts of their own office or village; only township staff (and
    # administrators) manage accounts.
    scope_paths = ScopePaths(
        county="county",
        township="township",
        office="office",
        village="village",
        change_roles=frozenset({Role.TOWNSHIP_STAFF}),
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login", "password_changed_at"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    def clean(self) -> None:
        super().clean()
        level = ROLE_LEVEL.get(self.role)
        if level == "village" and not self.village_id:
            raise ValidationError({"village": _("A village secretary needs his village.")})
        if level == "office" and not self.office_id:
            raise ValidationError({"office": _("An office secretary needs his office.")})
        if level == "township" and not self.township_id:
            raise ValidationError({"township": _("Township staff need their township.")})
        if level == "county" and not (self.county_id or self.township_id):
            raise ValidationError({"county": _("A county viewer needs his county.")})

    def save(self, *args, **kwargs) -> None:
        self.fill_units()
        # Township staff use the admin for users and the organisation tree; others never do.
        self.is_staff = self.is_superuser or self.role == Role.TOWNSHIP_STAFF
        super().save(*args, **kwargs)

    def fill_units(self) -> None:
        """Derive the larger units from the smallest one the role names, so scope lookups stay simple."""
        level = ROLE_LEVEL.get(self.role)
        if level in ("township", "office", "village"):
            if level == "village" and self.village_id:
                self.office = self.village.office
            if level in ("office", "village") and self.office_id:
                self.township = self.office.township
            if level != "village":
                self.village = None
            if level == "township":
                self.office = None
        if level == "county":
            self.office = self.village = None
            if self.township_id and not self.county_id:
                self.county = self.township.county
            self.township = None
        if self.township_id:
            self.county = self.township.county

    def set_password(self, raw_password) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def password_expired(self) -> bool:
        """Whether ZDJ_PASSWORD_MAX_AGE_DAYS (0 = never) have passed since the password was last set."""
        days = settings.ZDJ_PASSWORD_MAX_AGE_DAYS
        changed = self.password_changed_at or self.date_joined
        return bool(days) and changed is not None and timezone.now() - changed > datetime.timedelta(days=days)

    @property
    def scope_unit(self):
        """The unit the user's role is scoped to (a county, township, office or village), or None."""
        level = ROLE_LEVEL.get(self.role)
        return getattr(self, level) if level else None

    @property
    def is_read_only(self) -> bool:
        return self.role == Role.COUNTY_VIEWER and not self.is_superuser


class UserSessionQuerySet(ScopedQuerySet):
    def for_user(self, user, action="view"):
        queryset = super().for_user(user, action)
        return queryset if getattr(user, "is_superuser", False) else queryset.exclude(user__is_superuser=True)


class UserSession(models.Model):
    """A signed-in session of a user, so staff can see and end it and a disabled account loses all of
    them. Written at login, removed at logout; the session itself lives in Django's session store."""

    user = models.ForeignKey(User, models.CASCADE, related_name="signed_in_sessions", verbose_name=_("user"))
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    created = models.DateTimeField(_("logged in at"), default=timezone.now)
    last_seen = models.DateTimeField(_("last activity"), default=timezone.now)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    objects = UserSessionQuerySet.as_manager()
    scope_paths = User.scope_paths.through("user", change_roles=frozenset({Role.TOWNSHIP_STAFF}))

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"{self.user} {self.created:%Y-%m-%d %H:%M}"
