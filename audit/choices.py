from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    LOGIN = "login", _("signed in")
    LOGOUT = "logout", _("signed out")
    LOGIN_FAILED = "login_failed", _("failed sign-in")
    LOCKOUT = "lockout", _("locked out")
    SESSION_ENDED = "session_ended", _("session ended")
    EXPORT = "export", _("export")
    EXPORT_FULL_IDS = "export_full_ids", _("export with full ID numbers")
    UNMASK = "unmask", _("full number shown")
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")
    PURGE = "purge", _("old entries purged")
