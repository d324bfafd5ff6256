"""Who is acting, for the entries written by signal receivers: the request's user (set by
audit.middleware.AuditMiddleware) or, in the background worker, the job's owner (`acting_as`)."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_request: ContextVar[Any] = ContextVar("audit_request", default=None)
_actor: ContextVar[Any] = ContextVar("audit_actor", default=None)
# What a view adds to the export entry of its response (e.g. that the file holds full ID numbers).
_export_note: ContextVar[dict | None] = ContextVar("audit_export_note", default=None)


@contextmanager
def acting_as(user) -> Iterator[None]:
    """Record the changes made inside the block as `user`'s (the background worker runs a job this way)."""
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


@contextmanager
def in_request(request) -> Iterator[None]:
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


def current_request():
    return _request.get()


def current_actor():
    """The user the current change is done by, or None (migrations, load_demo, the shell)."""
    user = _actor.get()
    if user is not None:
        return user
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


def note_export(**detail) -> None:
    """Add facts to the export entry of the response being built (the middleware writes it)."""
    note = _export_note.get()
    if note is not None:
        note.update(detail)
