"""Meeting cadence (R5): the township's rules, the periods they count in, and whether each organisation
held its meetings in time.

Every rule here takes `today` as a parameter, so tests fix the date instead of the clock. The loaders fetch
a whole township-year in three queries (organisations, rules, meetings), whatever the number of
organisations: the home page's figures call `overdue_summary` for a whole county.
"""

import calendar
import datetime
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from accounts.scope import can_create
from branches.choices import GENERAL_KINDS, BranchKind
from branches.models import Branch
from meetings.choices import DEFAULT_CADENCE, AppliesTo, MeetingKind, Period
from meetings.models import CadenceRule, Meeting

MONTHS_PER_PERIOD = {Period.MONTH: 1, Period.QUARTER: 3, Period.HALF_YEAR: 6, Period.YEAR: 12}
# The kinds a township may set a cadence for, in the order pages list them ("other" has none).
RULE_KINDS = [kind for kind in MeetingKind if kind != MeetingKind.OTHER]
KIND_ORDER = {kind: index for index, kind in enumerate(MeetingKind)}


# --- Periods ------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class PeriodSpan:
    """One month, quarter, half-year or year: `index` counts from 1 within `year`."""

    year: int
    index: int
    period: str

    @property
    def months(self) -> int:
        return MONTHS_PER_PERIOD[self.period]

    # Cached: the county's overdue summary asks a span for its bounds hundreds of thousands of times.
    @functools.cached_property
    def first_month(self) -> int:
        return (self.index - 1) * self.months + 1

    @functools.cached_property
    def start(self) -> datetime.date:
        return datetime.date(self.year, self.first_month, 1)

    @functools.cached_property
    def end(self) -> datetime.date:
        last_month = self.first_month + self.months - 1
        return datetime.date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    @property
    def key(self) -> str:
        """A stable name for the period: 2026-03, 2026-Q1, 2026-H2, 2026."""
        if self.period == Period.MONTH:
            return f"{self.year}-{self.index:02d}"
        if self.period == Period.QUARTER:
            return f"{self.year}-Q{self.index}"
        if self.period == Period.HALF_YEAR:
            return f"{self.year}-H{self.index}"
        return str(self.year)

    @property
    def name(self) -> str:
        """The period within its year: 3月, 第1季度, 上半年, 全年."""
        if self.period == Period.MONTH:
            return _("month %(number)s") % {"number": self.index}
        if self.period == Period.QUARTER:
            return _("quarter %(number)s") % {"number": self.index}
        if self.period == Period.HALF_YEAR:
            return _("first half") if self.index == 1 else _("second half")
        return _("whole year")

    @property
    def label(self) -> str:
        """2026年3月, 2026年第1季度, 2026年上半年, 2026年全年."""
        return _("%(year)s, %(name)s") % {"year": self.year, "name": self.name}

    @property
    def short_label(self) -> str:
        """A narrow table header under the kind: 3 (the month), 1季, 上半年, 全年."""
        if self.period == Period.MONTH:
            return str(self.index)
        if self.period == Period.QUARTER:
            return pgettext("quarter, short", "Q%(number)s") % {"number": self.index}
        if self.period == Period.HALF_YEAR:
            return (
                pgettext("half year, short", "H1") if self.index == 1 else pgettext("half year, short", "H2")
            )
        return pgettext("year, short", "year")


def periods_of(period: str, year: int) -> list[PeriodSpan]:
    """The periods of `year`, in order: 12 months, 4 quarters, 2 half-years or the year."""
    return list(_periods_of(period, year))


# The same span objects every time (they are immutable): their cached bounds are then worked out once, not
# once per organisation and rule (a county evaluates some 1,500 organisations).
@functools.lru_cache(maxsize=256)
def _periods_of(period: str, year: int) -> tuple[PeriodSpan, ...]:
    return tuple(PeriodSpan(year, index, period) for index in range(1, 12 // MONTHS_PER_PERIOD[period] + 1))


def period_of(period: str, day: datetime.date) -> PeriodSpan:
    """The period that `day` falls in."""
    return _periods_of(period, day.year)[(day.month - 1) // MONTHS_PER_PERIOD[period]]


def periods_between(period: str, first: datetime.date, last: datetime.date) -> list[PeriodSpan]:
    """The periods that end on or after `first` and start on or before `last`."""
    return [
        p
        for year in range(first.year, last.year + 1)
        for p in periods_of(period, year)
        if p.end >= first and p.start <= last
    ]


# --- Rules --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A township's cadence for one kind of meeting: its own row, or the default (DEFAULT_CADENCE)."""

    kind: str
    period: str
    times: int
    applies_to: str
    active: bool = True
    custom: bool = False  # the township's own row

    @property
    def kind_label(self) -> str:
        return str(MeetingKind(self.kind).label)

    @property
    def period_label(self) -> str:
        return str(Period(self.period).label)

    @property
    def applies_to_label(self) -> str:
        return str(AppliesTo(self.applies_to).label)

    @property
    def summary(self) -> str:
        """每月 1 次，党支部（不含党总支）."""
        return _("%(period)s, %(times)s per period, %(applies_to)s") % {
            "period": self.period_label,
            "times": self.times,
            "applies_to": self.applies_to_label,
        }

    def applies(self, branch: Branch) -> bool:
        """Whether organisations of `branch`'s kind must hold this kind of meeting."""
        if self.applies_to == AppliesTo.GENERAL:
            return branch.kind == BranchKind.COMMUNITY_GENERAL
        if self.applies_to == AppliesTo.BRANCHES:
            return branch.kind not in GENERAL_KINDS
        return True

    def periods(self, year: int) -> list[PeriodSpan]:
        return periods_of(self.period, year)


def default_rule(kind: str) -> Rule | None:
    if kind not in DEFAULT_CADENCE:
        return None
    period, times, applies_to = DEFAULT_CADENCE[kind]
    return Rule(str(kind), str(period), times, str(applies_to))


def rule_from_row(row: CadenceRule) -> Rule:
    return Rule(row.kind, row.period, row.times, row.applies_to, row.active, custom=True)


def effective_rules(rows: Iterable[CadenceRule]) -> list[Rule]:
    """The rules of one township, in force or not: its rows override the defaults kind by kind."""
    by_kind = {row.kind: rule_from_row(row) for row in rows}
    rules = [by_kind.get(kind) or default_rule(kind) for kind in MeetingKind]
    return [rule for rule in rules if rule is not None]


def rules_by_township(township_ids: Iterable[int]) -> dict[int, list[Rule]]:
    """The rules in force of each township, in one query."""
    ids = set(township_ids)
    rows: dict[int, list[CadenceRule]] = defaultdict(list)
    for row in CadenceRule.objects.filter(township_id__in=ids):
        rows[row.township_id].append(row)
    return {pk: [rule for rule in effective_rules(rows[pk]) if rule.active] for pk in ids}


def rules_for(township_id: int) -> list[Rule]:
    """The township's rules in force: its rows where it has them, the defaults elsewhere."""
    return rules_by_township([township_id])[township_id]


# --- One organisation, one kind, one period ----------------------------------------------------------


class Status(models.TextChoices):
    ON_TIME = "on_time", pgettext_lazy("cadence", "on time")
    LATE = "late", pgettext_lazy("cadence", "made up late")
    MISSING = "missing", pgettext_lazy("cadence", "missing")
    DUE = "due", pgettext_lazy("cadence", "current period, not yet held")
    FUTURE = "future", pgettext_lazy("cadence", "period not started")
    NOT_REQUIRED = "not_required", pgettext_lazy("cadence", "not required")


# How a status looks: a Bootstrap colour and a one-character badge, readable in black-and-white print.
STATUS_STYLE = {
    Status.ON_TIME: ("success", "✓"),
    Status.LATE: ("warning", pgettext_lazy("cadence badge: made up", "M")),
    Status.MISSING: ("danger", "✗"),
    Status.DUE: ("info", "…"),
    Status.FUTURE: ("light", ""),
    Status.NOT_REQUIRED: ("secondary", "—"),
}
# Statuses of periods that have ended and were required: the compliance rate counts these.
ENDED_REQUIRED = frozenset({Status.ON_TIME, Status.LATE, Status.MISSING})
MET = frozenset({Status.ON_TIME, Status.LATE})

# A meeting as the cadence sees it: the day it was held and the day whose period it counts for.
Held = tuple[datetime.date, datetime.date]


def owes(branch: Branch, period: PeriodSpan) -> bool:
    """An organisation founded after a period ended, or dissolved before it began, owes nothing for it."""
    if branch.founded_on and branch.founded_on > period.end:
        return False
    return not (branch.dissolved_on and branch.dissolved_on < period.start)


def status_of(
    rule: Rule, branch: Branch, period: PeriodSpan, held: Iterable[Held], today: datetime.date
) -> tuple[str, int]:
    """The status of one organisation's kind of meeting in one period, and how many count for it.

    On time: `rule.times` meetings held within the period. Late: enough only with make-up meetings held
    after it ended. Missing: the period ended without enough. Due: the current period, not yet enough."""
    if not rule.applies(branch) or not owes(branch, period):
        return Status.NOT_REQUIRED, 0
    start, end = period.start, period.end
    days = [on for on, counts_for in held if start <= counts_for <= end and on <= today]
    in_time = sum(1 for on in days if on <= end)
    if in_time >= rule.times:
        return Status.ON_TIME, len(days)
    if len(days) >= rule.times:  # some were held after the period ended: make-up meetings
        return Status.LATE, len(days)
    if end < today:
        return Status.MISSING, len(days)
    if start > today:
        return Status.FUTURE, len(days)
    return Status.DUE, len(days)


@dataclass(frozen=True)
class Cell:
    branch: Branch
    rule: Rule
    period: PeriodSpan
    status: str
    held: int
    ended: bool  # the period ended before today

    @property
    def colour(self) -> str:
        return STATUS_STYLE[self.status][0]

    @property
    def symbol(self) -> str:
        return str(STATUS_STYLE[self.status][1])

    @property
    def label(self) -> str:
        return str(Status(self.status).label)

    @property
    def title(self) -> str:
        """The tooltip: 张庄村党支部 · 支部委员会 · 2026年3月：缺（已开 0 次，应开 1 次）."""
        return _("%(branch)s · %(kind)s · %(period)s: %(status)s (held %(held)s of %(times)s)") % {
            "branch": self.branch,
            "kind": self.rule.kind_label,
            "period": self.period.label,
            "status": self.label,
            "held": self.held,
            "times": self.rule.times,
        }

    @property
    def counted(self) -> bool:
        """Whether the compliance rate counts this cell: a required period that has ended."""
        return self.ended and self.status in ENDED_REQUIRED

    @property
    def met(self) -> bool:
        return self.status in MET

    @property
    def list_url(self) -> str:
        return meeting_list_url(self.branch.pk, self.rule.kind)


# --- Loading a whole township-year at once -----------------------------------------------------------


def _sort_key(branch: Branch) -> tuple:
    # Office by office; in each, the general branch first, then the branches by name.
    return (
        branch.office.sort_order,
        branch.office.name,
        branch.kind not in GENERAL_KINDS,
        branch.name,
        branch.pk,
    )


def held_meetings(
    branch_ids: Iterable[int],
    kinds: Iterable[str],
    first: datetime.date,
    last: datetime.date,
    today: datetime.date,
) -> dict[tuple[int, str], list[Held]]:
    """The meetings held by `today` that count for a day between `first` and `last`, by organisation and
    kind, in one query."""
    rows = (
        Meeting.objects.filter(
            branch_id__in=list(branch_ids), kind__in=list(kinds), on__gte=first, on__lte=today
        )
        .filter(Q(makeup_for__isnull=True, on__lte=last) | Q(makeup_for__gte=first, makeup_for__lte=last))
        .values_list("branch_id", "kind", "on", "makeup_for")
    )
    held: dict[tuple[int, str], list[Held]] = defaultdict(list)
    for branch_id, kind, on, makeup_for in rows:
        held[(branch_id, kind)].append((on, makeup_for or on))
    return held


def evaluate(
    branches: list[Branch],
    today: datetime.date,
    first: datetime.date,
    last: datetime.date,
    pick: Callable[[Rule], list[PeriodSpan]],
) -> list[tuple[Branch, Rule, list[Cell]]]:
    """For every organisation and every rule in force in its township, the cells of the periods that
    `pick` chooses (periods between `first` and `last`). Two queries: rules and meetings."""
    rules = rules_by_township({b.office.township_id for b in branches})
    kinds = {rule.kind for township_rules in rules.values() for rule in township_rules}
    held = held_meetings([b.pk for b in branches], kinds, first, last, today) if kinds and branches else {}
    result = []
    for branch in branches:
        for rule in rules[branch.office.township_id]:
            meetings = held.get((branch.pk, rule.kind), [])
            cells = []
            for period in pick(rule):
                status, count = status_of(rule, branch, period, meetings, today)
                cells.append(Cell(branch, rule, period, status, count, period.end < today))
            result.append((branch, rule, cells))
    return result


# --- The compliance table ----------------------------------------------------------------------------


@dataclass
class Tally:
    on_time: int = 0
    late: int = 0
    missing: int = 0
    due: int = 0

    def add(self, cell: Cell) -> None:
        """Count a cell: the periods that ended (a current period met early waits for its end), and the
        current ones still due."""
        if cell.status == Status.DUE:
            self.due += 1
        elif not cell.counted:
            return
        elif cell.status == Status.ON_TIME:
            self.on_time += 1
        elif cell.status == Status.LATE:
            self.late += 1
        elif cell.status == Status.MISSING:
            self.missing += 1

    def __iadd__(self, other: "Tally") -> "Tally":
        self.on_time += other.on_time
        self.late += other.late
        self.missing += other.missing
        self.due += other.due
        return self

    @property
    def required(self) -> int:
        """Required periods that have ended: the denominator of the rate."""
        return self.on_time + self.late + self.missing

    @property
    def met(self) -> int:
        return self.on_time + self.late

    @property
    def rate(self) -> int | None:
        """The compliance rate in whole percent, or None when nothing was required yet. Rounded down: 100%
        only when nothing was missed (2054 of 2064 is 99%, not 100% beside ten missed periods)."""
        return 100 * self.met // self.required if self.required else None

    @property
    def rate_colour(self) -> str:
        rate = self.rate
        if rate is None:
            return "secondary"
        return "success" if rate >= 90 else "warning" if rate >= 60 else "danger"


@dataclass
class Column:
    rule: Rule
    periods: list[PeriodSpan]


@dataclass
class Row:
    branch: Branch
    entries: list[list[Cell]]  # one list per column; empty where the kind has no rule in its township
    tally: Tally = field(default_factory=Tally)

    @property
    def behind(self) -> bool:
        """Whether some period was not met on time (missing or made up late)."""
        return bool(self.tally.missing or self.tally.late)

    @property
    def cells(self) -> list[Cell]:
        return [cell for entry in self.entries for cell in entry]


@dataclass
class ComplianceTable:
    year: int
    today: datetime.date
    columns: list[Column]
    rows: list[Row]

    @property
    def tally(self) -> Tally:
        total = Tally()
        for row in self.rows:
            total += row.tally
        return total

    @property
    def column_missing(self) -> list[int]:
        """For the township total row: how many organisations missed each period of each column."""
        counts = [0] * sum(len(column.periods) for column in self.columns)
        for row in self.rows:
            for i, cell in enumerate(row.cells):
                if i < len(counts) and cell.status == Status.MISSING:
                    counts[i] += 1
        return counts

    def only_behind(self) -> "ComplianceTable":
        return ComplianceTable(self.year, self.today, self.columns, [row for row in self.rows if row.behind])


def compliance(branches_qs, year: int, today: datetime.date) -> ComplianceTable:
    """The year's table for the organisations of `branches_qs` (scoped by the caller) that existed in it:
    a row per organisation, a column per kind in force, a cell per period, a rate per organisation.

    The columns' periods are those of the first township's rules: the page shows one township at a time.
    Each organisation's cells and rate follow its own township's rules, so over several townships (the
    dashboard's county chart) the rows and their totals are right, the column headings are not used."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    branches = sorted(
        branches_qs.filter(Q(founded_on__isnull=True) | Q(founded_on__lte=last))
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=first))
        .select_related("office__township"),
        key=_sort_key,
    )
    evaluated = evaluate(branches, today, first, last, lambda rule: rule.periods(year))
    columns: dict[str, Column] = {}
    by_branch: dict[int, dict[str, list[Cell]]] = defaultdict(dict)
    for branch, rule, cells in evaluated:
        columns.setdefault(rule.kind, Column(rule, rule.periods(year)))
        by_branch[branch.pk][rule.kind] = cells
    ordered = sorted(columns.values(), key=lambda column: KIND_ORDER[column.rule.kind])
    rows = []
    for branch in branches:
        row = Row(branch, [by_branch[branch.pk].get(column.rule.kind, []) for column in ordered])
        for cell in row.cells:
            row.tally.add(cell)
        rows.append(row)
    return ComplianceTable(year, today, ordered, rows)


# --- What is overdue ----------------------------------------------------------------------------------


def default_since(today: datetime.date) -> datetime.date:
    """The current year; in January, the year before too (its last month, quarter, half and year have
    only just ended)."""
    return datetime.date(today.year - 1 if today.month == 1 else today.year, 1, 1)


def standing(
    branches_qs, today: datetime.date, since: datetime.date | None = None
) -> tuple[list[Cell], list[Cell]]:
    """For the active organisations of `branches_qs`: the periods that ended between `since` and `today`
    without the meetings their rule asks for (oldest first), and the current periods still due. Three
    queries, whatever the number of organisations."""
    since = since or default_since(today)
    this_year = period_of(Period.YEAR, today)
    branches = sorted(
        branches_qs.filter(dissolved_on__isnull=True).select_related("office__township"), key=_sort_key
    )

    def ended_and_current(rule: Rule) -> list[PeriodSpan]:
        ended = [p for p in periods_between(rule.period, since, today) if p.start >= since and p.end < today]
        return [*ended, period_of(rule.period, today)]

    evaluated = evaluate(branches, today, min(since, this_year.start), this_year.end, ended_and_current)
    cells = [cell for _branch, _rule, row in evaluated for cell in row]
    order = {branch.pk: index for index, branch in enumerate(branches)}

    def key(cell: Cell) -> tuple:
        return (cell.period.start, order[cell.branch.pk], KIND_ORDER[cell.rule.kind])

    missing = sorted((c for c in cells if c.status == Status.MISSING and c.ended), key=key)
    due = sorted((c for c in cells if c.status == Status.DUE), key=key)
    return missing, due


def overdue(branches_qs, today: datetime.date, since: datetime.date | None = None) -> list[Cell]:
    """Every period that ended between `since` (by default this year; in January last year too) and
    `today` without the meetings its rule asks for, for the active organisations of `branches_qs`: oldest
    first. Three queries, whatever the number of organisations."""
    return standing(branches_qs, today, since)[0]


def due_now(branches_qs, today: datetime.date) -> list[Cell]:
    """The meetings the active organisations of `branches_qs` still have to hold in the current period
    (not overdue yet)."""
    return standing(branches_qs, today)[1]


# --- Links and the summaries pages show --------------------------------------------------------------


def _path(name: str) -> str:
    # A table of a hundred organisations links some five thousand cells: reverse each name once (per
    # URLconf and script prefix, the cache key).
    return _reversed(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@functools.lru_cache
def _reversed(name: str, urlconf: str, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


def meeting_list_url(branch_id: int, kind: str) -> str:
    """The register of meetings, filtered to one organisation and kind."""
    return f"{_path('meetings:meeting_list')}?{urlencode({'branch': branch_id, 'kind': kind})}"


def meeting_create_url(branch_id: int, kind: str) -> str:
    """The form for recording a meeting, with its organisation and kind filled in."""
    return f"{_path('meetings:meeting_create')}?{urlencode({'branch': branch_id, 'kind': kind})}"


def compliance_url(**params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse("meetings:cadence") + (f"?{query}" if query else "")


@dataclass(frozen=True)
class OverdueLink:
    """One overdue period as a page lists it."""

    cell: Cell
    url: str  # where to act: record the meeting if the user may, else the organisation's meetings

    @property
    def branch(self) -> Branch:
        return self.cell.branch

    @property
    def kind_label(self) -> str:
        return self.cell.rule.kind_label

    @property
    def period_label(self) -> str:
        return self.cell.period.label

    @property
    def list_url(self) -> str:
        return self.cell.list_url


@dataclass(frozen=True)
class OverdueSummary:
    count: int
    items: list[OverdueLink]
    url: str  # the compliance table

    @property
    def more(self) -> int:
        return self.count - len(self.items)


def overdue_links(user, cells: list[Cell]) -> list[OverdueLink]:
    may_record = can_create(user, Meeting)
    links = []
    for cell in cells:
        url = meeting_create_url(cell.branch.pk, cell.rule.kind) if may_record else cell.list_url
        links.append(OverdueLink(cell, url))
    return links


def overdue_summary(user, today: datetime.date | None = None, limit: int = 10) -> OverdueSummary:
    """For the home page: how many meeting periods the user's organisations let pass without their
    meetings, and the oldest `limit` of them with a link to record the meeting."""
    today = today or timezone.localdate()
    cells = overdue(Branch.objects.for_user(user, "view"), today)
    return OverdueSummary(len(cells), overdue_links(user, cells[:limit]), compliance_url(year=today.year))


@dataclass(frozen=True)
class OverdueGroup:
    """The overdue periods of one organisation's kind of meeting, as one line of the organisation page."""

    cells: list[Cell]
    url: str  # record the meeting if the user may, else the organisation's meetings of the kind
    today: datetime.date

    @property
    def branch(self) -> Branch:
        return self.cells[0].branch

    @property
    def rule(self) -> Rule:
        return self.cells[0].rule

    @property
    def kind_label(self) -> str:
        return self.rule.kind_label

    @property
    def list_url(self) -> str:
        return self.cells[0].list_url

    @property
    def periods(self) -> str:
        """3月、5月至9月 (this year's without the year; three or more in a row as a range), 2026年12月 (an
        earlier year's)."""
        runs: list[list[PeriodSpan]] = []
        for cell in self.cells:
            period = cell.period
            last = runs[-1][-1] if runs else None
            if last and last.year == period.year and last.index + 1 == period.index:
                runs[-1].append(period)
            else:
                runs.append([period])

        def name(period: PeriodSpan) -> str:
            return period.name if period.year == self.today.year else period.label

        parts = []
        for run in runs:
            if len(run) >= 3:
                parts.append(_("%(first)s to %(last)s") % {"first": name(run[0]), "last": name(run[-1])})
            else:
                parts.extend(name(period) for period in run)
        return "、".join(parts)


@dataclass(frozen=True)
class BranchCadence:
    """The organisation page's card: what it and the organisations under it let pass (a line per
    organisation and kind), and what it still has to hold in the current period."""

    groups: list[OverdueGroup]
    count: int  # overdue periods in all
    group_count: int
    due: list[Cell]
    url: str

    @property
    def more(self) -> int:
        return self.group_count - len(self.groups)


def branch_cadence(
    user, branch: Branch, subtree_ids: Iterable[int], today: datetime.date, limit: int = 12
) -> BranchCadence:
    """The card of `branch`'s page: its overdue meetings and those of the organisations under it that
    `user` sees, the first `limit` lines of them; and its own meetings still due in the current period."""
    branches = Branch.objects.for_user(user, "view").filter(pk__in=list(subtree_ids))
    missing, due = standing(branches, today)
    by_line: dict[tuple[int, str], list[Cell]] = defaultdict(list)
    for cell in sorted(
        missing, key=lambda c: (c.branch.pk != branch.pk, _sort_key(c.branch), KIND_ORDER[c.rule.kind])
    ):
        by_line[(cell.branch.pk, cell.rule.kind)].append(cell)
    for cells in by_line.values():
        cells.sort(key=lambda c: c.period.start)
    may_record = can_create(user, Meeting)
    groups = [
        OverdueGroup(
            cells, meeting_create_url(cells[0].branch.pk, kind) if may_record else cells[0].list_url, today
        )
        for (_pk, kind), cells in list(by_line.items())[:limit]
    ]
    own_due = [cell for cell in due if cell.branch.pk == branch.pk]
    url = compliance_url(year=today.year, township=branch.office.township_id, office=branch.office_id)
    return BranchCadence(groups, len(missing), len(by_line), own_due, url)
