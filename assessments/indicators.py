"""Automatic indicators (issue 7): what the records already say about one office's community general branch
as of a date, each with its working in words and a link to the page that shows it; and the mapping from an
indicator's value to points that a scoring template configures as plain data (no formulas are evaluated).

The registry is fixed in code: INDICATORS maps a stable code to its label, the "five goods" (五个好) it
naturally belongs to, its unit and the function that computes it. Each computation takes a handful of
queries, whatever the size of the office. A value of None means the indicator does not apply (the note says
why); a template gives it no points rather than zero.
"""

import contextvars
import copy
import datetime
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from branches.archive import archive_checklist, current_term
from branches.choices import POST_ORDER, BranchKind, PostKind, ReserveStatus
from branches.models import Branch, BranchName, Post, Term
from communities.models import Office
from duty_roster.choices import DayKind, Outcome
from duty_roster.models import DutyMember, DutyPost
from duty_roster.signin import MemberMonth, day_outcomes
from establishment.board import COLUMNS, primary_request, request_cells
from establishment.choices import CellState
from establishment.models import Campaign, EstablishmentRequest, Opinion
from ledger.models import LedgerMonth
from ledger.services import summarise_many
from meetings.cadence import Status as CadenceStatus
from meetings.cadence import compliance, compliance_url
from members.choices import Status
from members.completeness import Rollup, rollup
from members.models import Member

# How many names a note lists before it says "and N more".
NOTE_NAMES = 5
# The duty and ledger indicators look at this many whole months before the month of the date.
WINDOW_MONTHS = 12


class FiveGoods(models.TextChoices):
    """The "five goods" (五个好) of an advanced grassroots party organisation (R10)."""

    LEADERSHIP = "leadership", gettext_lazy("good leadership team")
    MEMBERS = "members", gettext_lazy("good party-member ranks")
    MECHANISMS = "mechanisms", gettext_lazy("good working mechanisms")
    RESULTS = "results", gettext_lazy("good work results")
    PUBLIC = "public", gettext_lazy("good response from the people")


class Unit(models.TextChoices):
    RATIO = "ratio", pgettext_lazy("indicator unit", "ratio")
    COUNT = "count", pgettext_lazy("indicator unit", "count")
    BOOL = "bool", pgettext_lazy("indicator unit", "yes or no")
    POINTS = "points", pgettext_lazy("indicator unit", "points")


@dataclass(frozen=True)
class Result:
    """An indicator's value (None when it does not apply), its working in words, the page that shows it,
    and how many required things are missing (what a per-missing rule takes points off for)."""

    value: float | int | bool | None
    note: str
    evidence_url: str = ""
    missing: int | None = None

    @property
    def applies(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    group: str  # FiveGoods
    unit: str  # Unit
    compute: Callable[[Office, datetime.date], Result]
    help: str = ""


# --- Shared helpers ------------------------------------------------------------------------------------

_cache: contextvars.ContextVar[dict | None] = contextvars.ContextVar("indicator_cache", default=None)


@contextmanager
def _shared():
    """While compute_all runs, indicators computed from the same data (the duty window) share it."""
    token = _cache.set({})
    try:
        yield
    finally:
        _cache.reset(token)


def _memo(key: tuple, make: Callable):
    cache = _cache.get()
    if cache is None:
        return make()
    if key not in cache:
        cache[key] = make()
    return cache[key]


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4)


def _names(names: list[str]) -> str:
    """张三、李四、王五 — and N more beyond NOTE_NAMES."""
    names = [str(name) for name in names]
    shown = "、".join(names[:NOTE_NAMES])
    if len(names) > NOTE_NAMES:
        shown += _(" and %(count)s more") % {"count": len(names) - NOTE_NAMES}
    return shown


def _community(office: Office):
    return getattr(office, "community", None)


def _no_community() -> Result:
    return Result(None, _("The office has not set up a rural community: this does not apply."))


def _active_on(as_of: datetime.date, prefix: str = "") -> Q:
    """Organisations founded by the date (or undated) and not dissolved by it."""
    return (Q(**{f"{prefix}founded_on__isnull": True}) | Q(**{f"{prefix}founded_on__lte": as_of})) & (
        Q(**{f"{prefix}dissolved_on__isnull": True}) | Q(**{f"{prefix}dissolved_on__gt": as_of})
    )


def _current_on(as_of: datetime.date) -> Q:
    """Posts held on the date."""
    return Q(started_on__lte=as_of) & (Q(ended_on__isnull=True) | Q(ended_on__gte=as_of))


def _url(name: str, *args, **query) -> str:
    url = reverse(name, args=args)
    params = "&".join(f"{key}={value}" for key, value in query.items() if value not in (None, ""))
    return f"{url}?{params}" if params else url


def window(as_of: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The WINDOW_MONTHS whole months before the month of `as_of`: (first day, last day)."""
    first_of_month = as_of.replace(day=1)
    end = first_of_month - datetime.timedelta(days=1)
    months = first_of_month.year * 12 + first_of_month.month - 1 - WINDOW_MONTHS
    return datetime.date(months // 12, months % 12 + 1, 1), end


def _window_label(as_of: datetime.date) -> str:
    start, end = window(as_of)
    return _("%(start)s to %(end)s") % {"start": f"{start:%Y-%m}", "end": f"{end:%Y-%m}"}


# --- 1–3: the organisation (R2, R3, R4) ------------------------------------------------------------------


def _general_on(office: Office, as_of: datetime.date) -> Branch | None:
    """The office's general branch on the date: its community general branch before its office one."""
    generals = Branch.objects.filter(
        _active_on(as_of),
        office=office,
        parent__isnull=True,
        kind__in=[BranchKind.COMMUNITY_GENERAL, BranchKind.OFFICE_GENERAL],
    ).order_by("pk")
    found = None
    for branch in generals:
        if found is None or (
            branch.kind == BranchKind.COMMUNITY_GENERAL and found.kind != BranchKind.COMMUNITY_GENERAL
        ):
            found = branch
    return found


def org_setup(office: Office, as_of: datetime.date) -> Result:
    """R2: the community general branch with its secretary, deputy secretary, the deputy elected from the
    village secretaries, and every other village secretary as a committee member."""
    if _community(office) is None:
        return _no_community()
    general = _general_on(office, as_of)
    villages = list(
        Branch.objects.filter(_active_on(as_of), office=office, kind=BranchKind.VILLAGE).order_by("name")
    )
    committee_required = max(len(villages) - 1, 0)
    required = 3 + committee_required
    if general is None or general.kind != BranchKind.COMMUNITY_GENERAL:
        return Result(
            0.0,
            _("The community general branch has not been set up yet (%(required)s posts to fill).")
            % {"required": required},
            _url("branches:branch_list", office=office.pk),
            missing=required,
        )
    held: dict[str, list[int]] = defaultdict(list)
    for kind, person_id in Post.objects.filter(_current_on(as_of), branch=general).values_list(
        "kind", "person_id"
    ):
        held[kind].append(person_id)
    secretaries = (
        Post.objects.filter(_current_on(as_of), branch__in=villages, kind=PostKind.SECRETARY)
        .select_related("person")
        .order_by("branch__name", "pk")
    )
    on_committee = set(held[PostKind.ELECTED_DEPUTY]) | set(held[PostKind.COMMITTEE_MEMBER])
    left_out = [post.person.name for post in secretaries if post.person_id not in on_committee]
    missing = []
    for kind in (PostKind.SECRETARY, PostKind.DEPUTY_SECRETARY, PostKind.ELECTED_DEPUTY):
        if not held[kind]:
            missing.append(str(kind.label))
    committee_filled = min(len(held[PostKind.COMMITTEE_MEMBER]), committee_required)
    committee_missing = committee_required - committee_filled
    if committee_missing:
        label = str(PostKind.COMMITTEE_MEMBER.label)
        missing.append(
            f"{label}（{_names(left_out)}）"
            if left_out
            else _("%(post)s × %(count)s") % {"post": label, "count": committee_missing}
        )
    singles = sum(
        1 for kind in (PostKind.SECRETARY, PostKind.DEPUTY_SECRETARY, PostKind.ELECTED_DEPUTY) if held[kind]
    )
    filled = singles + committee_filled
    if missing:
        note = _("%(required)s posts required, %(filled)s filled: missing %(missing)s.") % {
            "required": required,
            "filled": filled,
            "missing": "、".join(missing),
        }
    else:
        note = _("%(required)s posts required, all filled.") % {"required": required}
    return Result(
        _ratio(filled, required), note, general.get_absolute_url() + "#leadership", missing=required - filled
    )


SUB_BRANCH_KINDS = (BranchKind.COMMUNITY_OFFICE, BranchKind.VOLUNTEER_TEAM, BranchKind.OTHER)


def sub_branches(office: Office, as_of: datetime.date) -> Result:
    """R3: a community office branch, a volunteer-team branch and at least one other branch."""
    if _community(office) is None:
        return _no_community()
    present = set(
        Branch.objects.filter(_active_on(as_of), office=office, kind__in=SUB_BRANCH_KINDS)
        .order_by()
        .values_list("kind", flat=True)
        .distinct()
    )
    missing = [str(kind.label) for kind in SUB_BRANCH_KINDS if kind not in present]
    total = len(SUB_BRANCH_KINDS)
    if missing:
        note = _("%(present)s of %(total)s kinds in place: missing %(missing)s.") % {
            "present": total - len(missing),
            "total": total,
            "missing": "、".join(missing),
        }
    else:
        note = _("All %(total)s kinds in place.") % {"total": total}
    return Result(
        _ratio(total - len(missing), total),
        note,
        _url("branches:branch_list", office=office.pk),
        missing=len(missing),
    )


REQUEST_STEPS = ("request", "approved", "reported", "consented")


def _request_as_of(request: EstablishmentRequest | None, as_of: datetime.date):
    """The request as it stood on the date: steps taken after it are not done yet (a copy, not saved)."""
    if request is None:
        return None
    request = copy.copy(request)
    for name in ("submitted_at", "first_submitted_at"):
        moment = getattr(request, name)
        if moment is not None and timezone.localdate(moment) > as_of:
            setattr(request, name, None)
    for name in ("approved_on", "reported_on", "consented_on"):
        day = getattr(request, name)
        if day is not None and day > as_of:
            setattr(request, name, None)
    return request


def request_path(office: Office, as_of: datetime.date) -> Result:
    """R4, R9: the request filed, approved by the town party committee, reported to the county and
    consented by it, each by its campaign deadline (the campaign board's cells, as of the date). The value
    is the share of steps done on time; a step done late counts as not on time."""
    if _community(office) is None:
        return _no_community()
    campaign = Campaign.objects.filter(township_id=office.township_id, year=as_of.year).first()
    dates = (
        {field: getattr(campaign, field) for field in Campaign.defaults_for(as_of.year)}
        if campaign is not None
        else Campaign.defaults_for(as_of.year)
    )
    deadlines = {column.key: dates[column.deadline_field] for column in COLUMNS}
    requests = list(EstablishmentRequest.objects.filter(office=office, created_at__year__lte=as_of.year))
    general = _general_on(office, as_of)
    cells = request_cells(_request_as_of(primary_request(requests), as_of), general, deadlines, as_of)
    labels = {column.key: column.label for column in COLUMNS}
    on_time = sum(1 for key in REQUEST_STEPS if cells[key].state == CellState.DONE)
    note = _("; ").join(
        _("%(step)s: %(state)s") % {"step": labels[key], "state": cells[key].text} for key in REQUEST_STEPS
    )
    note = _("%(done)s of %(total)s steps on time (%(steps)s).") % {
        "done": on_time,
        "total": len(REQUEST_STEPS),
        "steps": note,
    }
    url = next((cells[key].url for key in REQUEST_STEPS if cells[key].url), "")
    return Result(
        _ratio(on_time, len(REQUEST_STEPS)),
        note,
        url or _url("establishment:request_list", office=office.pk),
        missing=len(REQUEST_STEPS) - on_time,
    )


# --- 4–5: archives (R8) -------------------------------------------------------------------------------


def archive_members(office: Office, as_of: datetime.date) -> Result:
    """R8: the share of the office's active members whose archive is complete for the year of the date."""
    rows = rollup(Member.objects.filter(branch__office=office), by="branch__office", year=as_of.year)
    url = _url("members:completeness", office=office.pk, year=as_of.year)
    total = sum(row.total for row in rows)
    if not total:
        return Result(None, _("The office has no active members on record."), url)
    complete = sum(row.complete for row in rows)
    incomplete = [person for row in rows for person, _gaps in row.incomplete]
    incomplete.sort(key=lambda person: (person.stroke_key, person.pk))
    note = _("%(complete)s of %(total)s member archives complete for %(year)s.") % {
        "complete": complete,
        "total": total,
        "year": as_of.year,
    }
    if incomplete:
        note += _(" Incomplete: %(names)s.") % {"names": _names([p.name for p in incomplete])}
    return Result(_ratio(complete, total), note, url, missing=total - complete)


def archive_branches(office: Office, as_of: datetime.date) -> Result:
    """R8: the branch archive checklist (what the town party committee checks at acceptance) of every
    organisation of the office active on the date; the value is the share of checklist items met."""
    everything = list(Branch.objects.filter(office=office))
    branches = sorted(
        (
            b
            for b in everything
            if (b.founded_on is None or b.founded_on <= as_of)
            and (b.dissolved_on is None or b.dissolved_on > as_of)
        ),
        key=lambda b: (b.kind not in (BranchKind.COMMUNITY_GENERAL, BranchKind.OFFICE_GENERAL), b.name),
    )
    url = _url("branches:branch_list", office=office.pk)
    if not branches:
        return Result(None, _("The office has no party organisations on record."), url)
    children: dict[int | None, list[int]] = defaultdict(list)
    for branch in everything:
        children[branch.parent_id].append(branch.pk)

    def subtree(pk: int) -> set[int]:
        ids, frontier = {pk}, [pk]
        while frontier:
            frontier = [c for parent in frontier for c in children[parent] if c not in ids]
            ids.update(frontier)
        return ids

    ids = [b.pk for b in branches]
    posts: dict[int, list[Post]] = defaultdict(list)
    for post in Post.objects.filter(_current_on(as_of), branch__in=ids).select_related("person"):
        posts[post.branch_id].append(post)
    terms: dict[int, list[Term]] = defaultdict(list)
    for term in Term.objects.filter(branch__in=ids):
        terms[term.branch_id].append(term)
    reserves = dict(
        Branch.objects.filter(pk__in=ids)
        .annotate(
            n=Count(
                "reserve_cadres",
                filter=Q(reserve_cadres__status=ReserveStatus.TRAINING, reserve_cadres__since__lte=as_of),
            )
        )
        .values_list("pk", "n")
    )
    former = dict(
        BranchName.objects.filter(branch__in=ids).values_list("branch_id").annotate(n=Count("pk")).order_by()
    )
    by_branch = {
        row.unit.pk: row for row in rollup(Member.objects.filter(branch__office=office), year=as_of.year)
    }

    total = met = 0
    failing = []
    for branch in branches:
        tree = subtree(branch.pk)
        archives = Rollup(branch)
        for pk in tree:
            row = by_branch.get(pk)
            if row is not None:
                archives.total += row.total
                archives.complete += row.complete
                archives.incomplete.extend(row.incomplete)
        current = posts[branch.pk]
        for post in current:
            post.has_left = post.holder_has_left(tree)
        current.sort(key=lambda p: (POST_ORDER.get(p.kind, 99), p.person.stroke_key, p.pk))
        items = archive_checklist(
            branch,
            current_posts=current,
            term=current_term(terms[branch.pk], as_of),
            reserve_count=reserves.get(branch.pk, 0),
            archives=archives,
            former_name_count=former.get(branch.pk, 0),
            today=as_of,
        )
        total += len(items)
        met += sum(1 for item in items if item.ok)
        failing.extend(f"{branch.name}：{item.label}" for item in items if not item.ok)
    note = _("%(branches)s organisations, %(met)s of %(total)s checklist items met.") % {
        "branches": len(branches),
        "met": met,
        "total": total,
    }
    if failing:
        note += _(" Not met: %(items)s.") % {"items": _names(failing)}
    return Result(_ratio(met, total), note, url, missing=total - met)


# --- 6–8: the village-secretary duty post (R6, R7) ------------------------------------------------------


@dataclass
class DutyWindow:
    post: DutyPost
    concentrated_attended: int
    concentrated_missed: int
    rotation_attended: int
    rotation_absent: int
    month_averages: list[tuple[str, float]]  # ("2026-03", average score) of months with duty days


def _duty_window(office: Office, as_of: datetime.date) -> DutyWindow | None:
    post = DutyPost.objects.filter(office=office).first()
    if post is None:
        return None
    start, end = window(as_of)
    now = timezone.make_aware(datetime.datetime.combine(as_of, datetime.time.min))
    rows = day_outcomes(post, start, end, now)
    memberships = list(DutyMember.objects.filter(post=post).select_related("person").order_by("order", "pk"))
    result = DutyWindow(post, 0, 0, 0, 0, [])
    by_month = defaultdict(list)
    for row in rows:
        by_month[f"{row.day:%Y-%m}"].append(row)
        attended = row.outcome in (Outcome.ON_TIME, Outcome.LATE)
        absent = row.outcome == Outcome.ABSENT
        if row.kind == DayKind.CONCENTRATED:
            result.concentrated_attended += attended
            result.concentrated_missed += absent
        elif row.outcome != Outcome.SWAPPED:
            result.rotation_attended += attended
            result.rotation_absent += absent
    for month in sorted(by_month):
        month_rows = by_month[month]
        if not any(row.decided for row in month_rows):
            continue
        named = {row.person_id for row in month_rows}
        table = {
            m.person_id: MemberMonth(m.person, m.order)
            for m in memberships
            if m.active or m.person_id in named
        }
        for row in month_rows:
            if row.person_id in table:
                table[row.person_id].add(row)
        scores = [member.compute_score(post) for member in table.values()]
        if scores:
            result.month_averages.append((month, sum(scores) / len(scores)))
    return result


def _duty(office: Office, as_of: datetime.date) -> DutyWindow | None:
    return _memo(("duty", office.pk, as_of), lambda: _duty_window(office, as_of))


def _duty_url(duty: DutyWindow, as_of: datetime.date) -> str:
    return _url("duty_roster:stats_month", duty.post.pk, month=f"{window(as_of)[1]:%Y-%m}")


def _no_duty_post() -> Result:
    return Result(None, _("The office has no duty post: this does not apply."))


def duty_concentrated(office: Office, as_of: datetime.date) -> Result:
    """R6: the share of expected attendances at the Monday concentrated office that were signed in (late
    included; leave not expected), over the twelve whole months before the date."""
    duty = _duty(office, as_of)
    if duty is None:
        return _no_duty_post()
    expected = duty.concentrated_attended + duty.concentrated_missed
    period = _window_label(as_of)
    if not expected:
        return Result(
            None, _("No concentrated office day in %(period)s.") % {"period": period}, _duty_url(duty, as_of)
        )
    note = _("%(period)s: %(attended)s of %(expected)s attendances at the concentrated office signed in.") % {
        "period": period,
        "attended": duty.concentrated_attended,
        "expected": expected,
    }
    return Result(
        _ratio(duty.concentrated_attended, expected),
        note,
        _duty_url(duty, as_of),
        missing=duty.concentrated_missed,
    )


def duty_rotation(office: Office, as_of: datetime.date) -> Result:
    """R6: the share of rotation duty days signed in (late included; leave and days given away by an
    accepted change not expected), over the twelve whole months before the date."""
    duty = _duty(office, as_of)
    if duty is None:
        return _no_duty_post()
    expected = duty.rotation_attended + duty.rotation_absent
    period = _window_label(as_of)
    if not expected:
        return Result(
            None, _("No rotation duty day in %(period)s.") % {"period": period}, _duty_url(duty, as_of)
        )
    note = _("%(period)s: %(attended)s of %(expected)s rotation duty days signed in.") % {
        "period": period,
        "attended": duty.rotation_attended,
        "expected": expected,
    }
    return Result(
        _ratio(duty.rotation_attended, expected), note, _duty_url(duty, as_of), missing=duty.rotation_absent
    )


def duty_score(office: Office, as_of: datetime.date) -> Result:
    """R6 (考核奖惩): the average of the monthly average scores of the post's members, over the months with
    duty days among the twelve whole months before the date."""
    duty = _duty(office, as_of)
    if duty is None:
        return _no_duty_post()
    period = _window_label(as_of)
    if not duty.month_averages:
        return Result(None, _("No duty day in %(period)s.") % {"period": period}, _duty_url(duty, as_of))
    average = round(sum(score for _month, score in duty.month_averages) / len(duty.month_averages), 1)
    months = "、".join(f"{month} {score:.1f}" for month, score in duty.month_averages)
    note = _("%(period)s: average of %(count)s months (base %(base)s): %(months)s.") % {
        "period": period,
        "count": len(duty.month_averages),
        "base": duty.post.base_points,
        "months": months,
    }
    return Result(average, note, _duty_url(duty, as_of))


# --- 9–10: meetings and the monthly ledger (R5) ---------------------------------------------------------


def meeting_cadence(office: Office, as_of: datetime.date) -> Result:
    """R5: the share of the required meeting periods that ended in the year of the date (up to it) in which
    the office's organisations held their meetings, on time or made up."""
    table = compliance(Branch.objects.filter(office=office), as_of.year, as_of)
    tally = table.tally
    url = compliance_url(township=office.township_id, office=office.pk, year=as_of.year)
    if not tally.required:
        return Result(
            None, _("No required meeting period has ended yet in %(year)s.") % {"year": as_of.year}, url
        )
    note = _(
        "%(year)s: %(required)s required periods ended; %(on_time)s on time, %(late)s made up late, "
        "%(missing)s missing."
    ) % {
        "year": as_of.year,
        "required": tally.required,
        "on_time": tally.on_time,
        "late": tally.late,
        "missing": tally.missing,
    }
    missing = [
        f"{cell.branch.name} {cell.rule.kind_label} {cell.period.label}"
        for row in table.rows
        for cell in row.cells
        if cell.counted and cell.status == CadenceStatus.MISSING
    ]
    if missing:
        note += _(" Missing: %(items)s.") % {"items": _names(missing)}
    return Result(_ratio(tally.met, tally.required), note, url, missing=tally.missing)


def ledger_clearance(office: Office, as_of: datetime.date) -> Result:
    """R5 (月清月结): items done ÷ items received over the closed months among the twelve whole months
    before the date, as stored at each close."""
    start, end = window(as_of)
    ledgers = list(
        LedgerMonth.objects.filter(office=office, month__gte=start, month__lte=end).order_by("month")
    )
    url = _url("ledger:month_list", office=office.pk)
    closed = [ledger for ledger in ledgers if ledger.is_closed]
    open_months = [f"{ledger.month:%Y-%m}" for ledger in ledgers if not ledger.is_closed]
    period = _window_label(as_of)
    if not closed:
        return Result(None, _("No ledger month closed in %(period)s.") % {"period": period}, url)
    summaries = summarise_many(closed, as_of)
    received = sum(s.received for s in summaries.values())
    done = sum(s.done for s in summaries.values())
    note = _("%(period)s: %(months)s months closed, %(done)s of %(received)s items done.") % {
        "period": period,
        "months": len(closed),
        "done": done,
        "received": received,
    }
    if open_months:
        note += _(" Not closed: %(months)s.") % {"months": _names(open_months)}
    if not received:
        return Result(None, note, url)
    return Result(_ratio(done, received), note, url, missing=received - done)


# --- 11–13: people ------------------------------------------------------------------------------------


def reserve_cadres(office: Office, as_of: datetime.date) -> Result:
    """R8: the share of the office's village branches with at least one reserve cadre in training."""
    villages = list(
        Branch.objects.filter(_active_on(as_of), office=office, kind=BranchKind.VILLAGE)
        .annotate(
            n=Count(
                "reserve_cadres",
                filter=Q(reserve_cadres__status=ReserveStatus.TRAINING, reserve_cadres__since__lte=as_of),
            )
        )
        .order_by("name")
    )
    url = _url("branches:branch_list", office=office.pk, kind=BranchKind.VILLAGE)
    if not villages:
        return Result(None, _("The office has no village party branches on record."), url)
    without = [branch.name for branch in villages if not branch.n]
    note = _("%(with)s of %(total)s village branches have a reserve cadre in training.") % {
        "with": len(villages) - len(without),
        "total": len(villages),
    }
    if without:
        note += _(" None in: %(names)s.") % {"names": _names(without)}
    return Result(_ratio(len(villages) - len(without), len(villages)), note, url, missing=len(without))


def mobile_contact(office: Office, as_of: datetime.date) -> Result:
    """The share of the office's active mobile members contacted within the configured number of days."""
    mobile = Member.objects.filter(branch__office=office, status=Status.ACTIVE, is_mobile=True)
    total = mobile.count()
    url = _url("members:member_list", office=office.pk, category="is_mobile")
    if not total:
        return Result(None, _("The office has no active mobile members."), url)
    overdue = list(mobile.mobile_overdue(as_of).order_by("stroke_key", "pk").values_list("name", flat=True))
    note = _("%(ok)s of %(total)s mobile members contacted on time.") % {
        "ok": total - len(overdue),
        "total": total,
    }
    if overdue:
        note += _(" Overdue: %(names)s.") % {"names": _names(overdue)}
        url += "&contact_overdue=true"
    return Result(_ratio(total - len(overdue), total), note, url, missing=len(overdue))


def opinions_answered(office: Office, as_of: datetime.date) -> Result:
    """R9 phase 1: the share of the opinions collected in the year of the date that were answered by it."""
    counts = Opinion.objects.filter(
        session__office=office, session__held_on__year=as_of.year, session__held_on__lte=as_of
    ).aggregate(
        total=Count("pk"),
        answered=Count("pk", filter=Q(answered_on__isnull=False, answered_on__lte=as_of)),
    )
    total, answered = counts["total"], counts["answered"]
    url = _url("establishment:opinion_list", office=office.pk)
    if not total:
        return Result(None, _("No opinions collected in %(year)s.") % {"year": as_of.year}, url)
    note = _("%(answered)s of %(total)s opinions collected in %(year)s answered.") % {
        "answered": answered,
        "total": total,
        "year": as_of.year,
    }
    if answered < total:
        url += "&answered=false"
    return Result(_ratio(answered, total), note, url, missing=total - answered)


def rectifications_open(office: Office, as_of: datetime.date) -> Result:
    """R10: the office's rectification items (整改事项) whose deadline was on or before the date and that
    were not done by it; a per-missing rule takes points off for each."""
    from assessments.choices import RectificationStatus
    from assessments.models import Rectification

    items = list(
        Rectification.objects.filter(
            inspection__office=office, inspection__on__lte=as_of, deadline__lte=as_of
        )
        .filter(~Q(status=RectificationStatus.DONE) | Q(done_on__gt=as_of))
        .order_by("deadline", "pk")
        .values_list("content", "deadline")
    )
    url = _url("assessments:rectification_list", office=office.pk, overdue="true")
    if not items:
        return Result(
            0, _("No rectification item was open past its deadline on %(day)s.") % {"day": as_of}, url, 0
        )
    shown = [
        _("%(content)s (due %(deadline)s)")
        % {"content": (content.strip().splitlines() or [""])[0], "deadline": deadline}
        for content, deadline in items
    ]
    note = _("%(count)s rectification items open past their deadline on %(day)s: %(items)s.") % {
        "count": len(items),
        "day": as_of,
        "items": _names(shown),
    }
    return Result(len(items), note, url, missing=len(items))


# --- The registry --------------------------------------------------------------------------------------

INDICATORS: dict[str, Indicator] = {
    indicator.code: indicator
    for indicator in (
        Indicator(
            "org_setup",
            gettext_lazy("community general branch and its posts"),
            FiveGoods.LEADERSHIP,
            Unit.RATIO,
            org_setup,
        ),
        Indicator(
            "sub_branches",
            gettext_lazy("sub-branches under the community general branch"),
            FiveGoods.MECHANISMS,
            Unit.RATIO,
            sub_branches,
        ),
        Indicator(
            "request_path",
            gettext_lazy("request approved, reported and consented on time"),
            FiveGoods.MECHANISMS,
            Unit.RATIO,
            request_path,
        ),
        Indicator(
            "archive_members",
            gettext_lazy("member archives complete"),
            FiveGoods.MEMBERS,
            Unit.RATIO,
            archive_members,
        ),
        Indicator(
            "archive_branches",
            gettext_lazy("branch archive checklist met"),
            FiveGoods.MECHANISMS,
            Unit.RATIO,
            archive_branches,
        ),
        Indicator(
            "duty_concentrated",
            gettext_lazy("Monday concentrated office attendance"),
            FiveGoods.MECHANISMS,
            Unit.RATIO,
            duty_concentrated,
        ),
        Indicator(
            "duty_rotation",
            gettext_lazy("rotation duty sign-in rate"),
            FiveGoods.MECHANISMS,
            Unit.RATIO,
            duty_rotation,
        ),
        Indicator(
            "duty_score",
            gettext_lazy("average monthly duty score"),
            FiveGoods.RESULTS,
            Unit.POINTS,
            duty_score,
        ),
        Indicator(
            "meeting_cadence",
            gettext_lazy("meetings held as the cadence requires"),
            FiveGoods.MECHANISMS,
            Unit.RATIO,
            meeting_cadence,
        ),
        Indicator(
            "ledger_clearance",
            gettext_lazy("monthly ledger clearance rate"),
            FiveGoods.RESULTS,
            Unit.RATIO,
            ledger_clearance,
        ),
        Indicator(
            "reserve_cadres",
            gettext_lazy("village branches with a reserve cadre"),
            FiveGoods.LEADERSHIP,
            Unit.RATIO,
            reserve_cadres,
        ),
        Indicator(
            "mobile_contact",
            gettext_lazy("mobile members contacted on time"),
            FiveGoods.MEMBERS,
            Unit.RATIO,
            mobile_contact,
        ),
        Indicator(
            "opinions_answered",
            gettext_lazy("opinions answered"),
            FiveGoods.PUBLIC,
            Unit.RATIO,
            opinions_answered,
        ),
        Indicator(
            "rectifications_open",
            gettext_lazy("rectification items open past their deadline"),
            FiveGoods.MECHANISMS,
            Unit.COUNT,
            rectifications_open,
        ),
    )
}


def indicator_choices() -> list[tuple[str, str]]:
    """(code, label) of every indicator, for a template editor's dropdown."""
    return [(code, indicator.label) for code, indicator in INDICATORS.items()]


def compute(code: str, office: Office, as_of: datetime.date) -> Result:
    try:
        indicator = INDICATORS[code]
    except KeyError:
        raise KeyError(f"unknown indicator {code!r}") from None
    return indicator.compute(office, as_of)


def compute_all(office: Office, as_of: datetime.date) -> dict[str, Result]:
    """Every indicator of the office as of the date, in the registry's order."""
    with _shared():
        return {code: indicator.compute(office, as_of) for code, indicator in INDICATORS.items()}


# --- From value to points -----------------------------------------------------------------------------

RULE_KINDS = ("linear", "threshold", "bool", "per_missing")


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def validate_rule(rule) -> list[str]:
    """What is wrong with a points rule, in words for the template editor; empty if nothing.

    {"kind": "linear"} — value × max (a ratio); {"kind": "linear", "full": 100} — value ÷ 100 × max.
    {"kind": "threshold", "bands": [[0.95, 1.0], [0.8, 0.7], [0, 0]]} — the highest band whose threshold
    the value reaches gives that fraction of max; below every band, nothing.
    {"kind": "bool"} — max when met (yes, a ratio of 1, a count of at least 1), else nothing.
    {"kind": "per_missing", "points": 2} — max less 2 for each missing thing, not below nothing."""
    if not isinstance(rule, dict):
        return [_("The rule must be an object with a kind.")]
    kind = rule.get("kind")
    if kind not in RULE_KINDS:
        return [_("Unknown rule kind %(kind)s: use linear, threshold, bool or per_missing.") % {"kind": kind}]
    allowed = {"kind"} | {
        "linear": {"full"},
        "threshold": {"bands"},
        "bool": set(),
        "per_missing": {"points"},
    }[kind]
    errors = [
        _("The rule has an unexpected key %(key)s.") % {"key": key}
        for key in sorted(set(rule) - allowed, key=str)
    ]
    if kind == "linear" and "full" in rule:
        full = rule["full"]
        if not _number(full) or full <= 0:
            errors.append(_("The full value of a linear rule must be a number above zero."))
    elif kind == "threshold":
        bands = rule.get("bands")
        if not isinstance(bands, list) or not bands:
            errors.append(_("A threshold rule needs a list of bands [threshold, fraction of the points]."))
            return errors
        thresholds = []
        for index, band in enumerate(bands, start=1):
            if not (isinstance(band, list | tuple) and len(band) == 2 and all(_number(x) for x in band)):
                errors.append(
                    _("Band %(n)s must be two numbers: [threshold, fraction of the points].") % {"n": index}
                )
                continue
            threshold, fraction = band
            if not 0 <= fraction <= 1:
                errors.append(
                    _("Band %(n)s: the fraction of the points must be between 0 and 1.") % {"n": index}
                )
            thresholds.append(threshold)
        if len(set(thresholds)) != len(thresholds):
            errors.append(_("Two bands have the same threshold."))
    elif kind == "per_missing":
        points = rule.get("points")
        if not _number(points) or points <= 0:
            errors.append(
                _("A per-missing rule needs the points taken off for each missing thing, above zero.")
            )
    return errors


def points_for(value, max_points: float, rule: dict) -> float | None:
    """The points a value earns out of `max_points` under `rule` (see validate_rule), between 0 and
    max_points, to two decimals. `value` is a Result or a bare value; for a per-missing rule a bare value is
    the number missing. None when the value is None (the indicator does not apply)."""
    errors = validate_rule(rule)
    if errors:
        raise ValueError("; ".join(errors))
    missing = None
    if isinstance(value, Result):
        value, missing = value.value, value.missing
    elif rule["kind"] == "per_missing":
        missing = value
    if value is None:
        return None
    kind = rule["kind"]
    number = float(value)
    if kind == "linear":
        share = number / rule.get("full", 1)
    elif kind == "threshold":
        share = 0.0
        for threshold, fraction in sorted(rule["bands"], key=lambda band: band[0], reverse=True):
            if number >= threshold:
                share = fraction
                break
    elif kind == "bool":
        share = 1.0 if value is True or (value is not False and number >= 1) else 0.0
    else:
        if missing is None:
            missing = 0 if number >= 1 else 1
        return round(max(0.0, min(max_points, max_points - rule["points"] * missing)), 2)
    return round(max(0.0, min(max_points, max_points * share)), 2)
