"""Login lockout page, the first-login password change, signed-in sessions and the authenticator app."""

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.choices import Role
from accounts.forms import CodeForm, NewPasswordForm
from accounts.models import UserSession
from accounts.sessions import HAS_TOTP, end_session, end_stale_sessions


def lockout(request, original_response=None, credentials=None):
    """django-axes' lockout response: the login page again, saying why (AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    context = {
        "form": form,
        "next": request.POST.get("next", ""),
        "lockout_message": _(
            "Too many failed logins: the account is locked for %(minutes)d minutes. Try again later, "
            "or ask the township party-building office to unlock it."
        )
        % {"minutes": minutes},
    }
    return render(request, "registration/login.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page; choosing a password here ends the must-change-password state."""

    form_class = NewPasswordForm

    def form_valid(self, form):
        form.user.must_change_password = False
        return super().form_valid(form)


def _next_url(request, default: str = "home") -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return reverse(default)


def _require_session_manager(user) -> None:
    if not (user.is_superuser or user.role == Role.TOWNSHIP_STAFF):
        raise PermissionDenied


def session_list(request):
    """The signed-in sessions of the users in the viewer's scope (township staff; administrators: all)."""
    _require_session_manager(request.user)
    end_stale_sessions()
    sessions = UserSession.objects.for_user(request.user, "change").select_related("user")
    return render(
        request,
        "accounts/session_list.html",
        {
            "sessions": sessions,
            "current_key": request.session.session_key,
            "idle": settings.ZDJ_SESSION_IDLE_MINUTES,
        },
    )


def session_end(request, pk: int):
    """Confirm, then end one signed-in session: its owner is signed out at his next request."""
    _require_session_manager(request.user)
    user_session = get_object_or_404(UserSession.objects.for_user(request.user, "change"), pk=pk)
    if request.method == "POST":
        end_session(user_session)
        messages.success(request, _("The session of %(user)s has been ended.") % {"user": user_session.user})
        if user_session.session_key == request.session.session_key:
            return redirect("login")
        return redirect("accounts:session_list")
    return render(request, "accounts/session_confirm_end.html", {"user_session": user_session})


def totp_enrol(request):
    """Set up an authenticator app: scan the QR code (or type the secret), then confirm with a code."""
    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed is not None:
        return render(request, "accounts/totp_enrol.html", {"device": confirmed, "form": CodeForm()})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            request.session[HAS_TOTP] = True
            messages.success(
                request, _("The authenticator app is set up: you will be asked for a code at login.")
            )
            return redirect(_next_url(request))
        form.add_error("code", _("The code is wrong or has expired. Try the one the app shows now."))
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr_svg": qr.svg_inline(scale=4, dark="#000", light="#fff"),
        "secret": _grouped(device),
        "next": request.GET.get("next", ""),
    }
    return render(request, "accounts/totp_enrol.html", context)


def _grouped(device) -> str:
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@require_POST
def totp_remove(request):
    """Remove one's authenticator app, proving it with a current code."""
    form = CodeForm(request.POST)
    device = match_token(request.user, form.cleaned_data["code"]) if form.is_valid() else None
    if device is None:
        messages.error(request, _("The code is wrong or has expired. Try the one the app shows now."))
        return redirect("accounts:totp_enrol")
    TOTPDevice.objects.filter(user=request.user).delete()
    request.session[HAS_TOTP] = user_has_device(request.user)
    messages.success(request, _("The authenticator app has been removed."))
    return redirect("accounts:totp_enrol")


def totp_verify(request):
    """The second step of logging in for a user with an authenticator app."""
    if request.user.is_verified() or not request.session.get(HAS_TOTP):
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("code", _("The code is wrong or has expired. Try the one the app shows now."))
    return render(
        request,
        "accounts/totp_verify.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
    )
