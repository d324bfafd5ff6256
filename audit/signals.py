"""Receivers that write the audit log: sign-ins and their failures, lockouts (django-axes, when it is
installed) and every create, change and delete of the domain's records done by someone.

Changes without an actor (migrations, `load_demo`, the shell) are not recorded: the history tables
(simple-history) keep those rows' versions anyway."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from simple_history.models import HistoricalChanges
from simple_history.signals import post_create_historical_record

from audit.choices import AuditAction
from audit.context import current_actor
from audit.services import record, record_many

# The apps whose records people change; sessions, jobs, the history tables and the log itself are not.
AUDITED_APPS = frozenset(
    {
        "accounts",
        "communities",
        "branches",
        "members",
        "establishment",
        "duty_roster",
        "meetings",
        "ledger",
        "assessments",
    }
)
_audited: dict[type, bool] = {}


def is_audited(model: type) -> bool:
    if model not in _audited:
        _audited[model] = (
            model._meta.app_label in AUDITED_APPS
            and not issubclass(model, HistoricalChanges)
            and not model._meta.auto_created
        )
    return _audited[model]


def remember_history(sender, instance, history_instance, **kwargs) -> None:
    # The version simple-history just wrote: the entry's page shows the changed fields from it.
    instance._audit_history_id = history_instance.pk


def on_saved(sender, instance, created, raw=False, update_fields=None, **kwargs) -> None:
    if raw or not is_audited(sender):
        return
    actor = current_actor()
    if actor is None:
        return
    if update_fields and set(update_fields) <= {"last_login"}:
        return  # the sign-in is its own entry
    detail = {}
    if update_fields:
        detail["fields"] = sorted(update_fields)
    history_id = instance.__dict__.pop("_audit_history_id", None)
    if history_id is not None:
        detail["history_id"] = history_id
    record(AuditAction.CREATE if created else AuditAction.UPDATE, user=actor, obj=instance, detail=detail)


def record_created(model: type, objs: list, history_ids: list | None = None) -> None:
    """The entries on_saved writes for records created one by one, for records bulk_create wrote (which
    sends no post_save): one per record, with its history row when given, in bulk INSERTs."""
    if not objs or not is_audited(model):
        return
    actor = current_actor()
    if actor is None:
        return
    details = [{"history_id": history_id} for history_id in history_ids] if history_ids else None
    record_many(AuditAction.CREATE, objs, user=actor, details=details)


def on_deleted(sender, instance, **kwargs) -> None:
    if not is_audited(sender):
        return
    actor = current_actor()
    if actor is not None:
        record(AuditAction.DELETE, user=actor, obj=instance)


def on_logged_in(sender, request, user, **kwargs) -> None:
    record(AuditAction.LOGIN, user=user, request=request)


def on_logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(AuditAction.LOGOUT, user=user, request=request)


def _attempt(action: str, username: str, request, detail: dict | None = None) -> None:
    """A failed sign-in or a lockout: under the account it names, when that account exists."""
    account = get_user_model()._default_manager.filter(username=username).first() if username else None
    record(
        action,
        user=account,
        username=username or "",
        request=request,
        township_id=getattr(account, "township_id", None),
        detail=detail,
    )


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    _attempt(AuditAction.LOGIN_FAILED, str(credentials.get("username") or ""), request)


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    _attempt(AuditAction.LOCKOUT, str(username or ""), request, {"ip_address": ip_address or ""})


def connect() -> None:
    post_create_historical_record.connect(remember_history, dispatch_uid="audit_history")
    post_save.connect(on_saved, dispatch_uid="audit_saved")
    post_delete.connect(on_deleted, dispatch_uid="audit_deleted")
    user_logged_in.connect(on_logged_in, dispatch_uid="audit_logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="audit_logged_out")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit_login_failed")
    # Lockouts come from django-axes; without it installed there are none to record.
    if apps.is_installed("axes"):
        from axes.signals import user_locked_out

        user_locked_out.connect(on_locked_out, dispatch_uid="audit_locked_out")
