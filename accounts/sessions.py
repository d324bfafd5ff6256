"""Signed-in sessions: who is signed in where, ending a session, and the timestamps the timeout reads.

A row of `UserSession` is written at login and removed at logout; the session data itself stays in
Django's session store (database, or Redis in production), so ending a session deletes it there.
"""

import datetime
import ipaddress
import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django_otp import user_has_device

from accounts.models import User, UserSession

# Session keys: when the session signed in, when it was last seen (both Unix seconds), and whether the
# user has a confirmed authenticator (asked once per session instead of once per request).
LOGIN_AT = "zdj_login_at"
SEEN_AT = "zdj_seen_at"
HAS_TOTP = "zdj_has_totp"


def session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def end_session(user_session: UserSession) -> None:
    session_store()(user_session.session_key).delete()
    user_session.delete()


def end_sessions_of(user) -> int:
    """Sign `user` out everywhere; the number of sessions ended."""
    sessions = list(UserSession.objects.filter(user=user))
    for user_session in sessions:
        end_session(user_session)
    return len(sessions)


def end_stale_sessions() -> int:
    """Remove the rows of sessions that timed out without another request (a closed browser): past
    the idle timeout (last_seen is written once a minute) or the absolute lifetime, with their data."""
    now = timezone.now()
    stale = Q(created__lt=now - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE))
    if settings.ZDJ_SESSION_IDLE_MINUTES:
        idle = datetime.timedelta(minutes=settings.ZDJ_SESSION_IDLE_MINUTES, seconds=60)
        stale |= Q(last_seen__lt=now - idle)
    sessions = list(UserSession.objects.filter(stale))
    for user_session in sessions:
        end_session(user_session)
    return len(sessions)


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind a reverse proxy the header it sets (CLIENT_IP_HEADER,
    e.g. X-Real-IP). Without that setting a forwarded header is ignored: a client could write anything
    there. Lockouts, sessions and the audit log all use this one answer."""
    address = ""
    if request is None:
        return None
    if settings.CLIENT_IP_HEADER:
        address = request.META.get(settings.CLIENT_IP_HEADER, "").split(",")[0].strip()
    address = address or request.META.get("REMOTE_ADDR", "").strip()
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[LOGIN_AT] = request.session[SEEN_AT] = now
    request.session[HAS_TOTP] = user_has_device(user)
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip": client_address(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
    )


@receiver(user_logged_out)
def record_logout(sender, request, user, **kwargs) -> None:
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()


@receiver(post_save, sender=User)
def end_sessions_of_disabled_user(sender, instance, **kwargs) -> None:
    """However an account is disabled (the admin, a page, the shell), its sessions end with it."""
    if not instance.is_active:
        end_sessions_of(instance)
