"""The sidebar and the user's role and scope, for the base template."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.choices import Role


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    path = request.path
    items = [
        (_("Home"), "house", reverse("home"), path == "/"),
    ]
    if user.is_superuser or user.role in (Role.TOWNSHIP_STAFF, Role.COUNTY_VIEWER):
        items.append(
            (_("Townships"), "buildings", reverse("communities:township_list"), "/townships/" in path)
        )
    if user.is_superuser or user.role != Role.VILLAGE_SECRETARY:
        items.append((_("Offices"), "diagram-3", reverse("communities:office_list"), "/offices/" in path))
    items.append((_("Villages"), "house-door", reverse("communities:village_list"), "/villages/" in path))
    items.append(
        (_("Party organisations"), "flag", reverse("branches:branch_list"), path.startswith("/branches/"))
    )
    items.append(
        (_("Member archives"), "people", reverse("members:member_list"), path.startswith("/members/"))
    )
    if user.is_superuser or user.role != Role.VILLAGE_SECRETARY:
        campaign_paths = ("campaigns", "surveys", "opinions", "practices")
        items.append(
            (
                _("Campaign board"),
                "kanban",
                reverse("establishment:campaign_list"),
                any(path.startswith(f"/establishment/{part}") for part in campaign_paths),
            )
        )
    if user.is_superuser or user.role != Role.VILLAGE_SECRETARY:
        items.append(
            (
                _("Establishment requests"),
                "file-earmark-text",
                reverse("establishment:request_list"),
                path.startswith("/establishment/requests"),
            )
        )
    duty_pages = path.startswith("/duty/") and not path.startswith(("/duty/today/", "/duty/me/"))
    items.append((_("Duty roster"), "calendar-week", reverse("duty_roster:post_list"), duty_pages))
    items.append((_("Today's duty"), "sun", reverse("duty_roster:today"), path.startswith("/duty/today/")))
    if user.role == Role.VILLAGE_SECRETARY:
        items.append(
            (_("My duty"), "person-check", reverse("duty_roster:upcoming"), path.startswith("/duty/me/"))
        )
    meeting_pages = path.startswith("/meetings/") and not path.startswith("/meetings/cadence/")
    items.append((_("Meeting register"), "journal-check", reverse("meetings:meeting_list"), meeting_pages))
    items.append(
        (
            _("Meeting cadence"),
            "calendar2-check",
            reverse("meetings:cadence"),
            path.startswith("/meetings/cadence/"),
        )
    )
    items.append(
        (_("Monthly ledger"), "journal-text", reverse("ledger:month_list"), path.startswith("/ledger/"))
    )
    if user.is_superuser or user.role != Role.VILLAGE_SECRETARY:
        items.append(
            (
                _("Inspections and rectification"),
                "search",
                reverse("assessments:inspection_list"),
                path.startswith(("/assessments/inspections/", "/assessments/rectifications/")),
            )
        )
    if user.is_superuser or user.role != Role.VILLAGE_SECRETARY:
        items.append(
            (
                _("Assessment"),
                "clipboard-check",
                reverse("assessments:round_list"),
                path.startswith(("/assessments/rounds/", "/assessments/sheets/", "/assessments/templates/")),
            )
        )
    if user.is_superuser or user.role != Role.VILLAGE_SECRETARY:
        items.append(
            (_("Reports"), "file-earmark-spreadsheet", reverse("reports:index"), path.startswith("/reports/"))
        )
    if user.is_superuser or (user.role == Role.TOWNSHIP_STAFF and user.township_id):
        items.append(
            (_("Audit log"), "shield-check", reverse("audit:entry_list"), path.startswith("/audit/"))
        )
    if user.is_superuser or user.role == Role.TOWNSHIP_STAFF:
        items.append(
            (
                _("Signed-in sessions"),
                "person-lock",
                reverse("accounts:session_list"),
                path.startswith("/accounts/sessions/"),
            )
        )
    if user.is_staff:
        items.append((_("Administration"), "gear", reverse("admin:index"), path.startswith("/admin/")))
    unit = user.scope_unit
    return {
        "nav": {
            "items": [
                {"label": lab, "icon": icon, "url": url, "active": active} for lab, icon, url, active in items
            ],
            "role_label": user.get_role_display() if user.role else _("administrator"),
            "scope_label": _("Scope: %(unit)s") % {"unit": unit} if unit else _("Scope: everything"),
        }
    }
