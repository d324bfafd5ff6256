from axes.utils import reset as reset_lockout
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.choices import Role
from accounts.forms import ResetPasswordForm
from accounts.models import User
from accounts.sessions import end_sessions_of
from records.admin import ScopedAdmin, scoped_filter


@admin.register(User)
class UserAdmin(ScopedAdmin, DjangoUserAdmin):
    list_display = ["username", "display_name", "role", "township", "office", "village", "is_active"]
    list_filter = ["role", "is_active", scoped_filter("township")]
    search_fields = ["username", "display_name", "phone"]
    list_select_related = ["township", "office", "village"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["display_name", "phone", "email"]}),
        (_("Role and scope"), {"fields": ["role", "county", "township", "office", "village"]}),
        (
            _("Status"),
            {
                "fields": [
                    "is_active",
                    "must_change_password",
                    "is_superuser",
                    "user_permissions",
                    "last_login",
                    "date_joined",
                    "password_changed_at",
                ]
            },
        ),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "password1", "password2"]}),
        (_("Role and scope"), {"fields": ["display_name", "role", "township", "office", "village"]}),
    ]
    readonly_fields = ["last_login", "date_joined", "password_changed_at"]
    change_password_form = ResetPasswordForm
    actions = [*ScopedAdmin.actions, "unlock_login", "end_sessions", "remove_authenticator"]

    def save_model(self, request, obj, form, change):
        if not change:
            # A new account's password was chosen by someone else: its owner replaces it at first login.
            obj.must_change_password = True
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Unlock login (clear failed attempts)"), permissions=["change"])
    def unlock_login(self, request, queryset):
        for user in queryset:
            reset_lockout(username=user.username)
        count = len(queryset)
        self.message_user(
            request,
            ngettext("Login unlocked for %(count)d user.", "Login unlocked for %(count)d users.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Sign out everywhere"), permissions=["change"])
    def end_sessions(self, request, queryset):
        ended = sum(end_sessions_of(user) for user in queryset)
        self.message_user(
            request,
            ngettext("%(count)d session ended.", "%(count)d sessions ended.", ended) % {"count": ended},
            messages.SUCCESS,
        )

    @admin.action(description=_("Remove authenticator app (lost phone)"), permissions=["change"])
    def remove_authenticator(self, request, queryset):
        TOTPDevice.objects.filter(user__in=queryset).delete()
        for user in queryset:
            end_sessions_of(user)
        self.message_user(request, _("Authenticator apps removed."), messages.SUCCESS)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Only administrators make administrators.
            fields += ["is_superuser", "county"]
            # Seeing full ID and phone numbers is granted by administrators only (members.view_personal_data).
            fields += ["user_permissions"]
        return fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "user_permissions":
            # Roles decide everything else; the one permission granted per person is the personal data one.
            from django.contrib.auth.models import Permission

            kwargs["queryset"] = Permission.objects.filter(
                content_type__app_label="members", codename="view_personal_data"
            )
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            # County accounts span townships: only administrators create them.
            kwargs["choices"] = [("", "---------")] + [c for c in Role.choices if c[0] != Role.COUNTY_VIEWER]
        return super().formfield_for_choice_field(db_field, request, **kwargs)
