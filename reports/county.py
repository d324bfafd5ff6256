"""The county workbook (县委组织部报表): one .xlsx for a township (or every township of a county viewer) and a
year, seven sheets, every figure from the services the pages use, in the user's scope.

`user=None` means no user (the management command): everything of the given townships. Counts are grouped
queries (one per statistic group), never one query per person.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Sequence

from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.choices import Role
from assessments import rounds, scoring
from assessments.indicators import FiveGoods
from assessments.models import Sheet, SheetEntry
from branches.choices import POST_ORDER, BranchKind, PostKind
from branches.composition import HAN, age_band_condition
from branches.models import Branch, BranchName, Post
from communities.models import Office, Township
from duty_roster import signin as duty_rules
from duty_roster.models import DutyPost
from establishment.choices import RequestState
from establishment.models import EstablishmentRequest
from ledger.models import LedgerMonth
from ledger.services import month_end, summarise_many, unit_name
from members.choices import AGE_BANDS, PARTY_MEMBER_STANDINGS, Education, Gender, Standing, Status
from members.models import Member
from records.workbook import WorkbookWriter

# The sheets, in the order the county expects them; progress counts them.
SHEET_COUNT = 7
# Organisations under a community general branch, in the order official tables list them (R3).
SUB_BRANCH_KINDS = (
    BranchKind.VILLAGE,
    BranchKind.COMMUNITY_OFFICE,
    BranchKind.VOLUNTEER_TEAM,
    BranchKind.OTHER,
)
KIND_ORDER = {kind: index for index, kind in enumerate(BranchKind.values)}
PIPELINE = (Standing.APPLICANT, Standing.ACTIVIST, Standing.DEVELOPMENT_OBJECT)
PARTY = Q(standing__in=PARTY_MEMBER_STANDINGS)


class Scope:
    """What the workbook may read: `user`'s scope (or everything, for no user) within `townships`."""

    def __init__(self, user, townships: Sequence[Township]):
        self.user = user
        self.townships = list(townships)
        self.township_ids = [t.pk for t in self.townships]

    def rows(self, model):
        """The model's rows in scope and in the townships, through its own scope paths."""
        queryset = model.objects.all() if self.user is None else model.objects.for_user(self.user)
        return queryset.filter(**{f"{model.scope_paths.township}__in": self.township_ids})

    @property
    def several(self) -> bool:
        """More than one township: every sheet gets a township column first."""
        return len(self.townships) > 1


def reporting_unit(user, townships: Sequence[Township]) -> str:
    """Who reports: an office secretary his office; else the township, or the county's townships."""
    if user is not None and not user.is_superuser and user.office_id and not user.village_id:
        return f"{user.office.township}{user.office}"
    if len(townships) == 1:
        return str(townships[0])
    counties = {t.county_id for t in townships}
    names = "、".join(t.name for t in townships)
    if len(counties) == 1:
        return _("%(county)s (%(townships)s)") % {"county": townships[0].county, "townships": names}
    return names


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def local_date(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(value) if value is not None else None


def sum_columns(rows: list[list], first: int, label_columns: int) -> list:
    """A totals row: 合计 in the first column, blanks up to `first`, then the sum of every column after
    it (None where a column holds no numbers)."""
    width = max((len(row) for row in rows), default=first)
    totals: list = [pgettext("totals row", "Total")] + [None] * (label_columns - 1)
    totals += [None] * (first - label_columns)
    for column in range(first, width):
        values = [row[column] for row in rows if isinstance(row[column], int | float)]
        totals.append(sum(values) if values else None)
    return totals


# --- 1. 组织设置情况 ------------------------------------------------------------------------------------


def organisation_sheet(scope: Scope, unit: str, today: datetime.date) -> dict:
    generals = list(
        scope.rows(Branch)
        .active()
        .filter(kind=BranchKind.COMMUNITY_GENERAL)
        .select_related("office__township")
        .order_by("office__township__name", "office__sort_order", "office__name", "name")
    )
    ids = [b.pk for b in generals]
    current = Q(ended_on__isnull=True) | Q(ended_on__gte=today)
    posts = defaultdict(list)
    for post in scope.rows(Post).filter(current, branch_id__in=ids).select_related("person").order_by():
        posts[post.branch_id].append(post)
    # The establishment: the request the county consented to, else the renaming that made the branch.
    established = {}
    for request in (
        scope.rows(EstablishmentRequest)
        .filter(
            state=RequestState.ESTABLISHED, establish_general=True, office__in=[b.office_id for b in generals]
        )
        .order_by("consented_on")
    ):
        established[request.office_id] = (request.consented_on, request.decision_number)
    renamed = {}
    for name in scope.rows(BranchName).filter(branch_id__in=ids).order_by("used_until"):
        renamed[name.branch_id] = (name.used_until, name.decision_number)
    branch_counts = {
        (row["parent"], row["kind"]): row["n"]
        for row in scope.rows(Branch)
        .active()
        .filter(parent_id__in=ids)
        .values("parent", "kind")
        .order_by()
        .annotate(n=Count("pk"))
    }
    member_counts = {
        (row["branch__parent"], row["branch__kind"]): row["n"]
        for row in scope.rows(Member)
        .filter(PARTY, status=Status.ACTIVE, branch__parent_id__in=ids)
        .values("branch__parent", "branch__kind")
        .order_by()
        .annotate(n=Count("pk"))
    }
    kind_labels = dict(BranchKind.choices)
    headers = [pgettext("report column", "township")] if scope.several else []
    headers += [
        _("sub-district office"),
        _("community party general branch"),
        _("established on"),
        _("decision number"),
        _("secretary"),
        _("deputy secretaries"),
        _("committee members"),
    ]
    for kind in SUB_BRANCH_KINDS:
        headers += [
            _("%(kind)s (number)") % {"kind": kind_labels[kind]},
            _("%(kind)s members") % {"kind": kind_labels[kind]},
        ]
    headers.append(_("party members under it"))
    rows = []
    for branch in generals:
        held = sorted(posts[branch.pk], key=lambda p: (POST_ORDER.get(p.kind, 99), p.person.stroke_key, p.pk))

        def names(*kinds: str) -> str:
            return "、".join(str(p.person) for p in held if p.kind in kinds)  # noqa: B023

        on, number = established.get(branch.office_id) or renamed.get(branch.pk) or (branch.founded_on, "")
        if not number:
            number = next((p.decision_number for p in held if p.kind == PostKind.SECRETARY), "")
        row = [str(branch.office.township)] if scope.several else []
        row += [
            str(branch.office),
            branch.name,
            on,
            number,
            names(PostKind.SECRETARY),
            names(PostKind.DEPUTY_SECRETARY, PostKind.ELECTED_DEPUTY),
            names(PostKind.COMMITTEE_MEMBER),
        ]
        total = 0
        for kind in SUB_BRANCH_KINDS:
            members = member_counts.get((branch.pk, kind), 0)
            row += [branch_counts.get((branch.pk, kind), 0), members]
            total += members
        row.append(total)
        rows.append(row)
    label_columns = 2 if scope.several else 1
    first_number = len(headers) - 2 * len(SUB_BRANCH_KINDS) - 1
    return {
        "title": _("Organisation set-up"),
        "headers": headers,
        "rows": rows,
        "unit": unit,
        "totals": sum_columns(rows, first_number, label_columns),
    }


# --- 2. 党员基本情况统计 ------------------------------------------------------------------------------


def member_conditions(today: datetime.date) -> list[tuple[str, Q]]:
    """The sheet's columns after the unit, each as (header, condition on an active person)."""
    columns = [
        (_("party members"), PARTY),
        (_("women"), PARTY & Q(gender=Gender.FEMALE)),
        (_("ethnic minorities"), PARTY & ~Q(ethnicity=HAN) & ~Q(ethnicity="")),
    ]
    for _key, label, low, high in AGE_BANDS:
        columns.append((_("aged %(band)s") % {"band": label}, PARTY & age_band_condition(low, high, today)))
    for value, label in Education.choices:
        columns.append((str(label), PARTY & Q(education=value)))
    # Education is optional on a record: without this column the education columns would not add up.
    columns.append((_("education not recorded"), PARTY & Q(education="")))
    columns += [
        (_("probationary members"), Q(standing=Standing.PROBATIONARY)),
        (_("mobile members"), PARTY & Q(is_mobile=True)),
        (_("college graduates back home"), PARTY & Q(is_returned_graduate=True)),
        (_("members living elsewhere"), PARTY & Q(lives_elsewhere=True)),
    ]
    labels = dict(Standing.choices)
    columns += [(str(labels[stage]), Q(standing=stage)) for stage in PIPELINE]
    return columns


def member_sheet(scope: Scope, unit: str, today: datetime.date) -> dict:
    offices = list(
        scope.rows(Office)
        .select_related("township", "community")
        .order_by("township__name", "sort_order", "name")
    )
    columns = member_conditions(today)
    counts = {
        row["branch__office"]: row
        for row in scope.rows(Member)
        .filter(status=Status.ACTIVE)
        .values("branch__office")
        .order_by()
        .annotate(**{f"c{i}": Count("pk", filter=condition) for i, (_h, condition) in enumerate(columns)})
    }
    headers = [pgettext("report column", "township")] if scope.several else []
    headers += [_("community / office"), *[header for header, _c in columns]]
    rows = []
    for office in offices:
        found = counts.get(office.pk, {})
        row = [str(office.township)] if scope.several else []
        row += [unit_name(office), *[found.get(f"c{i}", 0) for i in range(len(columns))]]
        rows.append(row)
    label_columns = 2 if scope.several else 1
    return {
        "title": _("Party members: basic statistics"),
        "headers": headers,
        "rows": rows,
        "unit": unit,
        "totals": sum_columns(rows, label_columns, label_columns),
        "footnote": _(
            "Party members are full and probationary members in active standing; ages as of %(date)s. "
            "Applicants, activists and development objects are counted apart (the development pipeline)."
        )
        % {"date": f"{today:%Y-%m-%d}"},
    }


# --- 3. 班子成员名册 ----------------------------------------------------------------------------------


def leadership_sheet(scope: Scope, unit: str, today: datetime.date) -> dict:
    posts = list(
        scope.rows(Post)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today), branch__dissolved_on__isnull=True)
        .select_related("branch__office__township", "branch__village", "person")
        .order_by()
    )

    def order(post: Post) -> tuple:
        branch = post.branch
        return (
            branch.office.township.name,
            branch.office.sort_order,
            branch.office.name,
            KIND_ORDER.get(branch.kind, 99),
            branch.village.sort_order if branch.village_id else 0,
            branch.name,
            branch.pk,
            POST_ORDER.get(post.kind, 99),
            post.person.stroke_key,
            post.pk,
        )

    posts.sort(key=order)
    headers = [pgettext("report column", "township")] if scope.several else []
    headers += [
        _("sub-district office"),
        _("party organisation"),
        _("post"),
        pgettext("person", "name"),
        _("gender"),
        _("ethnicity"),
        _("birth date"),
        _("education"),
        _("joined the party on"),
        _("in post since"),
        _("decision number"),
    ]
    rows = []
    for post in posts:
        person = post.person
        row = [str(post.branch.office.township)] if scope.several else []
        row += [
            str(post.branch.office),
            post.branch.name,
            post.get_kind_display(),
            person.name,
            person.get_gender_display(),
            person.ethnicity,
            person.birth_date,
            person.get_education_display(),
            person.admitted_on,
            post.started_on,
            post.decision_number,
        ]
        rows.append(row)
    return {
        "title": _("Leadership roster"),
        "headers": headers,
        "rows": rows,
        "unit": unit,
        "footnote": _("Ordered by organisation, then by post, then by surname stroke count."),
    }


# --- 4. 书面请示登记 ---------------------------------------------------------------------------------


def requests_in_year(scope: Scope, year: int):
    """The requests of the year: drafted, submitted, decided or consented in it."""
    return scope.rows(EstablishmentRequest).filter(
        Q(created_at__year=year)
        | Q(submitted_at__year=year)
        | Q(approved_on__year=year)
        | Q(reported_on__year=year)
        | Q(consented_on__year=year)
    )


def request_sheet(scope: Scope, unit: str, year: int) -> dict:
    requests = (
        requests_in_year(scope, year)
        .select_related("office__township")
        .annotate(branch_count=Count("branches"))
        .order_by("office__township__name", "office__sort_order", "office__name", "created_at", "pk")
    )
    headers = [pgettext("report column", "township")] if scope.several else []
    headers += [
        _("sub-district office"),
        _("title"),
        _("document number of the request"),
        _("state"),
        _("drafted on"),
        _("submitted at"),
        _("committee meeting date"),
        _("approved on"),
        _("decision number"),
        _("reported on"),
        _("report number"),
        _("county consented on"),
        _("sub-branches requested"),
    ]
    rows = []
    for request in requests:
        row = [str(request.office.township)] if scope.several else []
        row += [
            str(request.office),
            request.title,
            request.office_number,
            request.get_state_display(),
            local_date(request.created_at),
            local_date(request.submitted_at),
            request.meeting_date,
            request.approved_on,
            request.decision_number,
            request.reported_on,
            request.report_number,
            request.consented_on,
            request.branch_count,
        ]
        rows.append(row)
    return {"title": _("Written requests register"), "headers": headers, "rows": rows, "unit": unit}


# --- 5. 值班签到统计 ----------------------------------------------------------------------------------


def duty_sheet(scope: Scope, unit: str, year: int, today: datetime.date) -> dict:
    posts = list(
        scope.rows(DutyPost)
        .select_related("office__township", "office__community")
        .order_by("office__township__name", "office__sort_order", "office__name")
    )
    last_month = 12 if year < today.year else (today.month if year == today.year else 0)
    headers = [pgettext("report column", "township")] if scope.several else []
    headers += [
        _("duty post"),
        _("month"),
        _("duty days"),
        _("concentrated office days"),
        _("person-days expected"),
        _("on time"),
        _("late"),
        _("absent (rotation)"),
        _("concentrated office missed"),
        _("on leave"),
        _("sign-in rate (percent)"),
        _("on-time rate (percent)"),
        _("average score"),
    ]
    rows = []
    for post in posts:
        if last_month == 0:
            break
        start = datetime.date(year, 1, 1)
        end = min(month_end(datetime.date(year, last_month, 1)), datetime.date(year, 12, 31))
        by_month = defaultdict(list)
        for outcome in duty_rules.day_outcomes(post, start, end):
            by_month[outcome.day.month].append(outcome)
        for month in sorted(by_month):
            outcomes = by_month[month]
            members = duty_rules.scores_from(post, outcomes)
            rates = duty_rules.post_rates(members)
            days = {(o.day, o.kind) for o in outcomes}
            row = [str(post.office.township)] if scope.several else []
            row += [
                str(post),
                f"{year}-{month:02d}",
                len(days),
                sum(1 for _day, kind in days if kind == "concentrated"),
                rates.expected,
                sum(m.on_time for m in members),
                sum(m.late for m in members),
                sum(m.absent for m in members),
                sum(m.concentrated_missed for m in members),
                sum(m.leave for m in members),
                rates.attendance_percent,
                rates.on_time_percent,
                round(rates.average_score, 1) if rates.average_score is not None else None,
            ]
            rows.append(row)
    label_columns = 3 if scope.several else 2
    totals = None
    if rows:
        totals = sum_columns(rows, label_columns, label_columns)
        # Rates of the whole: from the summed counts, not a sum of rates; no average of averages.
        expected, on_time, late = totals[-9], totals[-8], totals[-7]
        totals[-3] = percent(on_time + late, expected)
        totals[-2] = percent(on_time, expected)
        totals[-1] = None
    return {
        "title": _("Duty sign-in statistics"),
        "headers": headers,
        "rows": rows,
        "unit": unit,
        "totals": totals,
    }


# --- 6. 月清月结情况 ----------------------------------------------------------------------------------


def ledger_sheet(scope: Scope, unit: str, year: int, today: datetime.date) -> dict:
    ledgers = list(
        scope.rows(LedgerMonth)
        .filter(month__year=year)
        .select_related("office__township", "office__community")
        .distinct()
        .order_by("office__township__name", "office__sort_order", "office__name", "month")
    )
    summaries = summarise_many(ledgers, today)
    headers = [pgettext("report column", "township")] if scope.several else []
    headers += [
        _("community / office"),
        _("month"),
        _("received"),
        _("done"),
        _("carried"),
        _("overdue"),
        _("clearance rate (percent)"),
        _("status"),
    ]
    rows = []
    for ledger in ledgers:
        summary = summaries[ledger.pk]
        row = [str(ledger.office.township)] if scope.several else []
        row += [
            unit_name(ledger.office),
            f"{ledger.month:%Y-%m}",
            summary.received,
            summary.done,
            summary.carried,
            summary.overdue,
            percent(summary.done, summary.received),
            _("closed") if ledger.is_closed else _("not closed"),
        ]
        rows.append(row)
    label_columns = 3 if scope.several else 2
    totals = None
    if rows:
        totals = sum_columns(rows, label_columns, label_columns)
        received, done = totals[-6], totals[-5]
        totals[-2] = percent(done, received)
        totals[-1] = None
    return {
        "title": _("Monthly clearance"),
        "headers": headers,
        "rows": rows,
        "unit": unit,
        "totals": totals,
    }


# --- 7. 考核结果 -------------------------------------------------------------------------------------


def assessment_sheet(scope: Scope, unit: str, year: int) -> dict:
    sheets = scope.rows(Sheet).filter(round__year=year)
    user = scope.user
    if user is not None and not user.is_superuser and user.is_read_only:
        sheets = sheets.filter(round__state__in=rounds.PUBLISHED)  # the county reads published rounds
    sheets = list(
        sheets.select_related("round__township", "round__template", "office__community")
        .prefetch_related(Prefetch("entries", queryset=SheetEntry.objects.select_related("item")))
        .order_by("round__township__name", "office__sort_order", "office__name")
    )
    headers = [pgettext("report column", "township")] if scope.several else []
    headers += [
        _("rank"),
        _("sub-district office"),
        _("community"),
        *[str(label) for label in FiveGoods.labels],
        _("bonus points"),
        _("total"),
        _("grade"),
        _("state"),
    ]
    rows = []
    for sheet in sheets:
        total = rounds.sheet_total(sheet)
        published = sheet.round.state in rounds.PUBLISHED
        groups = [total.groups.get(code, (None, None))[0] for code in FiveGoods.values]
        if published:
            bonus, points, grade, rank = sheet.bonus, sheet.total, sheet.get_grade_display(), sheet.rank
        else:
            bonus, points, grade, rank = total.bonus, total.total, scoring.Grade(total.grade).label, None
        row = [str(sheet.round.township)] if scope.several else []
        row += [
            rank,
            str(sheet.office),
            str(getattr(sheet.office, "community", None) or ""),
            *groups,
            bonus,
            points,
            str(grade),
            sheet.round.get_state_display() if published else _("provisional"),
        ]
        rows.append((sheet.round.township.name, rank is None, rank or 0, sheet.office.sort_order, row))
    rows.sort(key=lambda item: item[:4])
    spec = {
        "title": _("Assessment results"),
        "headers": headers,
        "rows": [item[-1] for item in rows],
        "unit": unit,
    }
    if not rows:
        spec["footnote"] = _("No assessment results of %(year)s are published yet.") % {"year": year}
    return spec


# --- The workbook ---------------------------------------------------------------------------------------


def county_workbook(
    user,
    townships: Sequence[Township],
    year: int,
    progress: Callable[[int, int, str], None] | None = None,
    *,
    today: datetime.date | None = None,
) -> bytes:
    """The seven sheets for `townships` and `year`, as `user` may see them (None: everything)."""
    today = today or timezone.localdate()
    scope = Scope(user, townships)
    reporting = reporting_unit(user, scope.townships)
    # Organisations, members and leaders are as they stand today, whatever year is asked for: say so.
    unit = _("%(unit)s, year %(year)s, as of %(date)s") % {
        "unit": reporting,
        "year": year,
        "date": f"{today:%Y-%m-%d}",
    }
    builders = [
        lambda: organisation_sheet(scope, unit, today),
        lambda: member_sheet(scope, unit, today),
        lambda: leadership_sheet(scope, unit, today),
        lambda: request_sheet(scope, unit, year),
        lambda: duty_sheet(scope, unit, year, today),
        lambda: ledger_sheet(scope, unit, year, today),
        lambda: assessment_sheet(scope, unit, year),
    ]
    writer = WorkbookWriter()
    for done, build in enumerate(builders):
        spec = build()
        footnote = spec.pop("footnote", "")
        if progress is not None:
            progress(done, SHEET_COUNT, spec["title"])
        # The tab is the short name; the title row says whose and which year, as a printed page must.
        spec["name"] = spec["title"]
        spec["title"] = _("%(unit)s %(year)s: %(title)s") % {
            "unit": reporting,
            "year": year,
            "title": spec["title"],
        }
        sheet = writer.add_sheet(**spec, date=today)
        if footnote:
            sheet.write_row([_("Note: %(text)s") % {"text": footnote}], "plain", measure=False)
    if progress is not None:
        progress(SHEET_COUNT, SHEET_COUNT, _("Workbook written"))
    return writer.close()


def may_report(user) -> bool:
    """Township staff, office secretaries and the county (and administrators); not village secretaries."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user.role in (Role.TOWNSHIP_STAFF, Role.OFFICE_SECRETARY, Role.COUNTY_VIEWER)


def report_townships(user):
    """The townships `user` may report on: his township (an office secretary's figures stay his office's),
    or every township of the county viewer."""
    if not may_report(user):
        return Township.objects.none()
    if user.is_superuser:
        return Township.objects.select_related("county").order_by("county__name", "name")
    if user.role == Role.OFFICE_SECRETARY:
        return Township.objects.filter(pk=user.township_id).select_related("county")
    return Township.objects.for_user(user).select_related("county").order_by("county__name", "name")


def workbook_filename(townships: Sequence[Township], year: int, user=None) -> str:
    """Named for whose figures it holds: an office's file must not look like the township's."""
    label = reporting_unit(user, townships) if len(townships) == 1 else _("all townships")
    return _("%(label)s county report %(year)s") % {"label": label, "year": year} + ".xlsx"
