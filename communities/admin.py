from django.contrib import admin

from communities.models import Community, County, Office, Township, Village
from records.admin import ScopedAdmin, ScopedTabularInline, scoped_filter


@admin.register(County)
class CountyAdmin(ScopedAdmin):
    search_fields = ["name"]


@admin.register(Township)
class TownshipAdmin(ScopedAdmin):
    list_display = ["name", "county"]

    def has_add_permission(self, request):
        # A new township belongs to a county; only administrators create them.
        return request.user.is_superuser

    list_filter = [scoped_filter("county")]
    search_fields = ["name"]


class VillageInline(ScopedTabularInline):
    model = Village
    extra = 0
    fields = ["name", "sort_order", "households", "population"]


@admin.register(Office)
class OfficeAdmin(ScopedAdmin):
    list_display = ["name", "township", "sort_order", "phone"]
    list_filter = [scoped_filter("township")]
    search_fields = ["name"]
    inlines = [VillageInline]


@admin.register(Village)
class VillageAdmin(ScopedAdmin):
    list_display = ["name", "office", "households", "population"]
    list_filter = [scoped_filter("office__township"), scoped_filter("office")]
    search_fields = ["name", "office__name"]
    list_select_related = ["office"]


@admin.register(Community)
class CommunityAdmin(ScopedAdmin):
    list_display = ["name", "office", "founded_on"]
    list_filter = [scoped_filter("office__township")]
    search_fields = ["name", "office__name"]
