"""Writing audit entries: one INSERT each, with who, from where and which record."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from audit.context import current_request
from audit.models import AuditEntry


def client_ip(request) -> str | None:
    from accounts.sessions import client_address

    return client_address(request)


def township_of(obj: models.Model) -> int | None:
    """The township a record belongs to, by its scope path, from what is loaded (or one query per hop)."""
    paths = getattr(type(obj), "scope_paths", None)
    lookup = getattr(paths, "township", None)
    if not lookup:
        return None
    if lookup == "pk":
        return obj.pk
    current = obj
    *hops, last = lookup.split("__")
    try:
        for hop in hops:
            current = getattr(current, hop, None)
            if not isinstance(current, models.Model):
                return None
        value = getattr(current, f"{last}_id", None)
        if value is None:
            related = getattr(current, last, None)
            value = related.pk if isinstance(related, models.Model) else None
    except (ObjectDoesNotExist, AttributeError, ValueError):
        return None
    return value if isinstance(value, int) else None


def record(action: str, **fields) -> AuditEntry:
    """Write one entry (the fields as build_entry takes them). The township (what township staff see it
    under) is the user's, else the record's."""
    entry = build_entry(action, **fields)
    entry.save()
    return entry


def record_many(action: str, objs: list, *, user, details: list[dict] | None = None) -> list[AuditEntry]:
    """One entry per record, as record() writes them, in bulk INSERTs (a roster import's people)."""
    request = current_request()
    entries = [
        build_entry(action, user=user, obj=obj, request=request, detail=details[i] if details else None)
        for i, obj in enumerate(objs)
    ]
    return AuditEntry.objects.bulk_create(entries)


def build_entry(
    action: str,
    *,
    user=None,
    username: str = "",
    obj: models.Model | None = None,
    request=None,
    detail: dict | None = None,
    count: int | None = None,
    township_id: int | None = None,
    path: str | None = None,
) -> AuditEntry:
    """The entry record() writes, not yet written."""
    request = request if request is not None else current_request()
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if township_id is None and user is not None:
        township_id = getattr(user, "township_id", None)
    if township_id is None and obj is not None:
        township_id = township_of(obj)
    entry = AuditEntry(
        action=action,
        user=user,
        username=(user.get_username() if user is not None else username)[:150],
        detail=detail or {},
        count=count,
        township_id=township_id,
        ip_address=client_ip(request),
        path=(path if path is not None else (request.get_full_path() if request is not None else ""))[:500],
    )
    if obj is not None:
        entry.object_type = ContentType.objects.get_for_model(type(obj), for_concrete_model=False)
        entry.object_id = str(obj.pk)[:64]
        entry.object_repr = str(obj)[:200]
    return entry
