"""The home page's dashboard: the figures of the user's scope as plain dicts, each data point with the URL of
the page behind it. A point with `count_url` is a count of rows: that list, filtered, shows exactly those
rows; a point with only `url` is a rate or score and links to the page that works it out.

Everything here reuses the services the list pages use (composition, summarise_many, compliance,
build_boards, members.completeness), or their batched twins tested equal to them (duty_roster.signin
month_rates against month_scores), so the dashboard cannot disagree with them."""

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.choices import Role
from assessments.models import AssessmentRound, RoundState, Sheet
from branches.composition import composition
from branches.models import Branch
from communities.models import Office, Township
from duty_roster import signin as duty_rules
from duty_roster.models import DutyMember, DutyPost
from duty_roster.services import month_bounds
from establishment.board import build_boards
from establishment.choices import CellState
from establishment.models import Campaign
from ledger.models import LedgerMonth
from ledger.services import ledger_offices, summarise_many, unit_name
from meetings.cadence import compliance, compliance_url, overdue_summary
from members.choices import Standing
from members.completeness import incomplete_count
from members.models import Member

MONTHS_SHOWN = 6
DUTY_MONTHS_SHOWN = 3
PIPELINE = (Standing.APPLICANT, Standing.ACTIVIST, Standing.DEVELOPMENT_OBJECT, Standing.PROBATIONARY)
REQUEST_COLUMNS = ("request", "approved", "reported", "consented")
OVERDUE_SHOWN = 10  # overdue meeting periods kept with the figures: the print view lists 10, the page 5


def _list_url(name: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


def _point(label: str, value, *, count_url: str = "", url: str = "") -> dict:
    return {"label": str(label), "value": value, "count_url": count_url, "url": url or count_url}


def _months_back(today: datetime.date, count: int) -> list[datetime.date]:
    months, month = [], today.replace(day=1)
    for _i in range(count):
        months.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return months[::-1]


def is_wide(user) -> bool:
    """Township staff and the county see offices; the others see their own organisations."""
    return user.is_superuser or user.role in (Role.TOWNSHIP_STAFF, Role.COUNTY_VIEWER)


# --- Members -------------------------------------------------------------------------------------------


def members_by_unit(user) -> dict:
    """Active members per office (township, county) or per organisation (office, village)."""
    members = Member.objects.for_user(user).active().party_members().order_by()
    points = []
    if is_wide(user):
        names = {
            o.pk: str(o)
            for o in Office.objects.for_user(user)
            .select_related("township")
            .order_by("township", "sort_order")
        }
        counts = dict(members.values_list("branch__office").annotate(n=Count("pk")))
        for office_id, name in names.items():
            if counts.get(office_id):
                points.append(
                    _point(
                        name,
                        counts[office_id],
                        count_url=_list_url("members:member_list", office=office_id, party="true"),
                    )
                )
        title = _("Members by office")
    else:
        rows = (
            members.values("branch", "branch__name")
            .annotate(n=Count("pk"))
            .order_by("branch__office__sort_order", "branch__kind", "branch__name")
        )
        for row in rows:
            points.append(
                _point(
                    row["branch__name"],
                    row["n"],
                    count_url=_list_url("members:member_list", branch=row["branch"], party="true"),
                )
            )
        title = _("Members by party organisation")
    return {"key": "members", "title": title, "type": "bar", "points": points}


def member_structure(user, today: datetime.date) -> list[dict]:
    """Age, education and development pipeline of the active people, from the composition tables."""
    people = Member.objects.for_user(user).active()
    # Age and education are of the party members (as in the county's statistics); the pipeline is of
    # everyone on record, applicants included.
    counts = composition(people.party_members(), today)
    age = [
        _point(row.label, row.count, count_url=_list_url("members:member_list", age=row.key, party="true"))
        for row in counts.age
    ]
    education = [
        _point(
            row.label,
            row.count,
            count_url=_list_url("members:member_list", education=row.key, party="true") if row.key else "",
        )
        for row in counts.education
    ]
    standing = {row.key: row for row in composition(people, today).standing}
    pipeline = [
        _point(
            standing[stage].label,
            standing[stage].count,
            count_url=_list_url("members:member_list", standing=stage),
        )
        for stage in PIPELINE
    ]
    return [
        {"key": "age", "title": _("Age structure"), "type": "bar", "points": age},
        {"key": "education", "title": _("Education"), "type": "pie", "points": education},
        {"key": "pipeline", "title": _("Development pipeline"), "type": "bar", "points": pipeline},
    ]


# --- Campaign, duty, ledger, meetings, assessment ------------------------------------------------------


def current_campaigns(user, today: datetime.date) -> list:
    """The latest campaign of each township in scope (the county sees every township's)."""
    latest = {}
    for campaign in (
        Campaign.objects.for_user(user).filter(year__lte=today.year).order_by("township", "-year")
    ):
        latest.setdefault(campaign.township_id, campaign)
    return list(latest.values())


def campaign_progress(boards: list) -> dict | None:
    """Per office: how many of the campaign's applicable steps are done (on time or late)."""
    if not boards:
        return None
    points = []
    for board in boards:
        url = board.campaign.get_absolute_url()
        for row in board.rows:
            done = sum(1 for _c, cell in row.cells if cell.state in (CellState.DONE, CellState.LATE))
            applicable = sum(1 for _c, cell in row.cells if cell.state != CellState.NOT_APPLICABLE)
            point = _point(str(row.office), done, url=f"{url}#office-{row.office.pk}")
            points.append(point | {"of": applicable})
    return {"key": "campaign", "title": _("Campaign steps done"), "type": "bar", "points": points}


def overdue_requests(boards: list) -> dict:
    """Offices whose request path (filed, approved, reported, consented) is past its campaign deadline."""
    items = []
    for board in boards:
        for row in board.rows:
            late = [
                column
                for column, cell in row.cells
                if column.key in REQUEST_COLUMNS and cell.state == CellState.MISSING
            ]
            if late:
                items.append(
                    {
                        "unit": str(row.office),
                        "step": str(late[0].label),
                        "url": board.campaign.get_absolute_url(),
                    }
                )
    url = (
        boards[0].campaign.get_absolute_url() if len(boards) == 1 else reverse("establishment:campaign_list")
    )
    return {"count": len(items), "items": items, "url": url if boards else ""}


def duty_signin(user, today: datetime.date) -> dict | None:
    """Attendance rate of the duty posts in scope by month (the stats page's post rates, added up)."""
    posts = list(DutyPost.objects.for_user(user).order_by("pk"))
    if not posts:
        return None
    months = _months_back(today, DUTY_MONTHS_SHOWN)
    rates = duty_rules.month_rates(posts, [(month.year, month.month) for month in months], timezone.now())
    points = []
    for month in months:
        expected = sum(rates[(post.pk, month.year, month.month)].expected for post in posts)
        attended = sum(rates[(post.pk, month.year, month.month)].attended for post in posts)
        url = ""
        if len(posts) == 1:
            url = reverse("duty_roster:stats_month", args=[posts[0].pk]) + f"?month={month:%Y-%m}"
        else:
            url = reverse("duty_roster:post_list")
        rate = round(100 * attended / expected, 1) if expected else None
        points.append(_point(f"{month:%Y-%m}", rate, url=url) | {"detail": f"{attended}/{expected}"})
    return {"key": "duty", "title": _("Duty sign-in rate (%)"), "type": "line", "points": points}


def ledger_clearance(user, today: datetime.date) -> dict | None:
    """Clearance rate (done / received) of the ledger months in scope, month by month."""
    months = _months_back(today, MONTHS_SHOWN)
    offices = ledger_offices(user)
    ledgers = list(
        LedgerMonth.objects.for_user(user).filter(office__in=offices, month__gte=months[0]).order_by()
    )
    if not ledgers:
        return None
    summaries = summarise_many(ledgers, today)
    office_ids = {ledger.office_id for ledger in ledgers}
    points = []
    for month in months:
        received = sum(summaries[x.pk].received for x in ledgers if x.month == month)
        done = sum(summaries[x.pk].done for x in ledgers if x.month == month)
        rate = round(100 * done / received, 1) if received else None
        if len(office_ids) == 1:
            url = reverse("ledger:month_detail", args=[next(iter(office_ids)), f"{month:%Y-%m}"])
        else:
            url = _list_url("ledger:month_list", year=month.year)
        points.append(_point(f"{month:%Y-%m}", rate, url=url) | {"detail": f"{done}/{received}"})
    return {"key": "ledger", "title": _("Ledger clearance rate (%)"), "type": "line", "points": points}


def meeting_compliance(user, today: datetime.date) -> dict | None:
    """The cadence page's rate per office (township, county) or per organisation, this year."""
    points = []
    branches = Branch.objects.for_user(user, "view")
    if is_wide(user):
        # One table for all the townships (each organisation is counted by its own township's rules),
        # regrouped township by township: the rows keep their order within a township.
        townships = list(Township.objects.for_user(user).order_by("name"))
        table = compliance(
            branches.filter(office__township__in=[township.pk for township in townships]), today.year, today
        )
        by_township: dict[int, dict] = {township.pk: {} for township in townships}
        for row in table.rows:
            by_township[row.branch.office.township_id].setdefault(row.branch.office, []).append(row.tally)
        for township in townships:
            for office, tallies in by_township[township.pk].items():
                required, met = sum(t.required for t in tallies), sum(t.met for t in tallies)
                rate = round(100 * met / required) if required else None
                url = compliance_url(township=township.pk, office=office.pk, year=today.year)
                points.append(_point(str(office), rate, url=url) | {"detail": f"{met}/{required}"})
    else:
        table = compliance(branches, today.year, today)
        for row in table.rows:
            url = compliance_url(office=row.branch.office_id, year=today.year)
            points.append(
                _point(str(row.branch), row.tally.rate, url=url)
                | {"detail": f"{row.tally.met}/{row.tally.required}"}
            )
    if not points:
        return None
    return {"key": "cadence", "title": _("Meeting cadence compliance (%)"), "type": "bar", "points": points}


def assessment_results(user) -> dict | None:
    """The totals of the latest published round in scope."""
    published = AssessmentRound.objects.for_user(user).filter(
        state__in=[RoundState.NOTICE, RoundState.LOCKED]
    )
    latest = {}  # each township's latest published round: the county sees them all
    for assessment in published.order_by("township", "-year"):
        latest.setdefault(assessment.township_id, assessment)
    if not latest:
        return None
    sheets = (
        Sheet.objects.for_user(user).filter(round__in=latest.values()).select_related("office__community")
    )
    points = [
        _point(
            unit_name(sheet.office),
            float(sheet.total or 0),
            url=reverse("assessments:sheet_detail", args=[sheet.pk]),
        )
        | {"detail": f"{sheet.get_grade_display()} · {sheet.rank or ''}"}
        for sheet in sheets.order_by("round__township__name", "rank", "office__sort_order")
    ]
    if not points:
        return None
    rounds = list(latest.values())
    title = str(rounds[0]) if len(rounds) == 1 else _("Latest assessment results")
    return {"key": "assessment", "title": title, "type": "bar", "points": points}


# --- Needs attention and the village secretary's duties -----------------------------------------------


def archives_incomplete(user, today: datetime.date) -> dict:
    count = incomplete_count(Member.objects.for_user(user).active(), today.year)
    return {"count": count, "url": _list_url("members:completeness", year=today.year)}


def mobile_not_contacted(user) -> dict:
    count = Member.objects.for_user(user).mobile_overdue().count()
    return {"count": count, "url": _list_url("members:member_list", contact_overdue="true")}


def my_duties(user, today: datetime.date) -> dict | None:
    """A village secretary's upcoming duty days and this month's record, on every post he serves."""
    person = duty_rules.person_for_user(user, today)
    if person is None:
        return None
    now = timezone.now()
    start, _end = month_bounds(today.year, today.month)
    following = (start + datetime.timedelta(days=32)).replace(day=1)
    _start, end = month_bounds(following.year, following.month)
    upcoming, record = [], {"on_time": 0, "late": 0, "absent": 0, "leave": 0}
    memberships = DutyMember.objects.for_user(user).filter(person=person).select_related("post")
    for membership in memberships:
        post = membership.post
        for row in duty_rules.day_outcomes(post, start, end, now):
            if row.person_id != person.pk:
                continue
            if row.day >= today and row.outcome in (duty_rules.UPCOMING, duty_rules.PENDING):
                upcoming.append({"day": row.day, "post": str(post), "label": row.label})
            elif row.day.month == today.month and row.outcome in record:
                record[row.outcome] += 1
    upcoming.sort(key=lambda row: row["day"])
    return {
        "person": str(person),
        "upcoming": upcoming[:8],
        "record": record,
        "url": reverse("duty_roster:my_record"),
    }


def cached_dashboard(user, *, refresh: bool = False) -> dict:
    """dashboard() kept for a few minutes per user: its figures walk every member's archive, which at a
    county's size takes seconds, and a home page is opened far more often than the figures change. The
    page says when they were worked out and offers a refresh."""
    # v2: the figures hold the overdue meetings too. The role and units are in the key: a user moved to
    # another township or office sees his new scope's figures at once, not the old ones for five minutes.
    units = (user.role, user.is_superuser, user.county_id, user.township_id, user.office_id, user.village_id)
    scope = ":".join(str(part) for part in units)
    key = f"dashboard:v2:{user.pk}:{scope}:{timezone.localdate()}:{translation.get_language()}"
    figures = None if refresh else cache.get(key)
    if figures is None:
        figures = dashboard(user)
        cache.set(key, figures, settings.DASHBOARD_CACHE_SECONDS)
    return figures


def dashboard(user, today: datetime.date | None = None) -> dict:
    """Everything the home page draws for `user`: the charts and the extra attention lists."""
    today = today or timezone.localdate()
    charts = [members_by_unit(user), *member_structure(user, today)]
    campaigns = current_campaigns(user, today) if user.role != Role.VILLAGE_SECRETARY else []
    boards = build_boards(campaigns, user, today)
    for chart in (
        campaign_progress(boards),
        duty_signin(user, today),
        ledger_clearance(user, today),
        meeting_compliance(user, today),
        assessment_results(user),
    ):
        if chart is not None and any(point["value"] is not None for point in chart["points"]):
            charts.append(chart)
    for chart in charts:
        chart["dom_id"] = f"chart-data-{chart['key']}"
        chart["title"] = str(chart["title"])
    return {
        "charts": charts,
        "overdue_requests": overdue_requests(boards),
        "archives_incomplete": archives_incomplete(user, today),
        "mobile_not_contacted": mobile_not_contacted(user),
        "my_duties": my_duties(user, today) if user.role == Role.VILLAGE_SECRETARY else None,
        # Kept with the figures: for a county it evaluates every organisation's meetings.
        "meetings_overdue": overdue_summary(user, today, limit=OVERDUE_SHOWN),
        "computed_at": timezone.now(),
    }
