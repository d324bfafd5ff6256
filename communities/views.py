from dataclasses import replace

from django.conf import settings
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.scope import can_change, can_create
from assessments.services import attention as rectification_attention
from communities.dashboard import cached_dashboard
from communities.filters import OfficeFilterSet, TownshipFilterSet, VillageFilterSet
from communities.forms import CommunityForm, OfficeForm, VillageForm
from communities.models import Community, Office, Township, Village
from communities.tables import OfficeTable, TownshipTable, VillageTable
from establishment.board import published_practices
from establishment.models import EstablishmentRequest
from establishment.services import waiting_for
from ledger.services import attention
from members.models import Member
from records.history import change_log
from records.views import ScopedCreateView, ScopedDetailView, ScopedListView, ScopedUpdateView


def home(request):
    """The landing page: the counts and charts of the user's scope, what needs attention, the offices or
    villages in it; `?print=1` is the A4 print view of the dashboard."""
    user = request.user
    offices = annotate_offices(Office.objects.for_user(user))
    counts = {
        "offices": offices.count(),
        "communities": Community.objects.for_user(user).count(),
        "villages": Village.objects.for_user(user).count(),
        "users": User.objects.for_user(user).filter(is_active=True).count(),
        "members": Member.objects.for_user(user).active().party_members().count(),
        "mobile_overdue": Member.objects.for_user(user).mobile_overdue().count(),
    }
    villages = Village.objects.for_user(user).select_related("office") if counts["offices"] == 0 else None
    dash = cached_dashboard(user, refresh=bool(request.GET.get("refresh")))
    if request.GET.get("print"):
        return render(
            request,
            "communities/dashboard_print.html",
            {
                "counts": counts,
                "dash": dash,
                "meetings_overdue": dash["meetings_overdue"],
                "ledger_attention": attention(user),
                "rectifications": rectification_attention(user),
            },
        )
    return render(
        request,
        "communities/home.html",
        {
            "dash": dash,
            "counts": counts,
            "offices": offices[:50],
            "villages": villages,
            "practices": published_practices(user),
            # Five each: the lists link to their full pages, and the charts stay in sight on a phone.
            "meetings_overdue": replace(dash["meetings_overdue"], items=dash["meetings_overdue"].items[:5]),
            "ledger_attention": attention(user),
            "rectifications": rectification_attention(user),
            "charts_cache_seconds": settings.DASHBOARD_CACHE_SECONDS,
            "waiting_requests": waiting_for(user, EstablishmentRequest.objects.for_user(user))
            .select_related("office")
            .order_by("submitted_at", "created_at")[:10],
        },
    )


# Meta.ordering is dropped from GROUP BY queries, so the annotated querysets order explicitly.


def annotate_townships(queryset):
    return queryset.order_by("county__name", "name").annotate(
        office_count=Count("offices", distinct=True),
        community_count=Count("offices__community", distinct=True),
        village_count=Count("offices__villages", distinct=True),
    )


def annotate_offices(queryset):
    return (
        queryset.select_related("township", "community")
        .order_by("township__name", "sort_order", "name")
        .annotate(
            village_count=Count("villages", distinct=True),
            user_count=Count("users", filter=Q(users__is_active=True), distinct=True),
        )
    )


class TownshipListView(ScopedListView):
    model = Township
    table_class = TownshipTable
    filterset_class = TownshipFilterSet

    def get_queryset(self):
        return annotate_townships(super().get_queryset().select_related("county"))


class TownshipDetailView(ScopedDetailView):
    model = Township

    def get_queryset(self):
        return annotate_townships(super().get_queryset().select_related("county"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        offices = annotate_offices(Office.objects.for_user(self.request.user).filter(township=self.object))
        context["office_table"] = OfficeTable(offices, request=self.request, exclude=["township"])
        return context


class OfficeListView(ScopedListView):
    model = Office
    table_class = OfficeTable
    filterset_class = OfficeFilterSet

    def get_queryset(self):
        return annotate_offices(super().get_queryset())


class OfficeDetailView(ScopedDetailView):
    model = Office

    def get_queryset(self):
        return annotate_offices(super().get_queryset())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        villages = (
            Village.objects.for_user(user).filter(office=self.object).select_related("office__township")
        )
        context["village_table"] = VillageTable(
            villages, request=self.request, exclude=["office", "township", "community"]
        )
        context["community"] = Community.objects.for_user(user).filter(office=self.object).first()
        context["office_users"] = (
            User.objects.for_user(user).filter(office=self.object, is_active=True).select_related("village")
        )
        if context["community"] is not None:
            context["community_log"] = change_log(context["community"])
        context["can_add_village"] = can_create(user, Village)
        context["can_change_community"] = context["community"] is not None and can_change(
            user, context["community"]
        )
        context["can_add_community"] = context["community"] is None and can_create(user, Community)
        return context


class OfficeUpdateView(ScopedUpdateView):
    model = Office
    form_class = OfficeForm
    success_message = _("Office %(name)s saved.")


class VillageListView(ScopedListView):
    model = Village
    table_class = VillageTable
    filterset_class = VillageFilterSet
    create_url_name = "communities:village_create"

    def get_queryset(self):
        return super().get_queryset().select_related("office__township", "office__community")


class VillageDetailView(ScopedDetailView):
    model = Village

    def get_queryset(self):
        return super().get_queryset().select_related("office__township", "office__community")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["village_users"] = User.objects.for_user(self.request.user).filter(village=self.object)
        return context


class VillageCreateView(ScopedCreateView):
    model = Village
    form_class = VillageForm
    success_message = _("Village %(name)s added.")


class VillageUpdateView(ScopedUpdateView):
    model = Village
    form_class = VillageForm
    success_message = _("Village %(name)s saved.")


class CommunityCreateView(ScopedCreateView):
    model = Community
    form_class = CommunityForm
    success_message = _("Community %(name)s recorded.")


class CommunityUpdateView(ScopedUpdateView):
    model = Community
    form_class = CommunityForm
    success_message = _("Community %(name)s saved.")
