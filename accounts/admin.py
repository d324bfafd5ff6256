from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from accounts.models import User
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
        (_("Status"), {"fields": ["is_active", "is_superuser", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "password1", "password2"]}),
        (_("Role and scope"), {"fields": ["display_name", "role", "township", "office", "village"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Only administrators make administrators.
            fields += ["is_superuser", "county"]
        return fields

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            # County accounts span townships: only administrators create them.
            kwargs["choices"] = [("", "---------")] + [c for c in Role.choices if c[0] != Role.COUNTY_VIEWER]
        return super().formfield_for_choice_field(db_field, request, **kwargs)
