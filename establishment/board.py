"""The campaign board (R9, R10): where each office stands against the phase deadlines, the survey (摸底)
counts that phase 1 freezes, and publishing good practices. Every rule here is a plain function taking
`today`, so tests fix the date instead of the clock."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from accounts.choices import Role
from accounts.scope import can_create
from branches.choices import BranchKind
from branches.models import Branch
from communities.models import Office
from duty_roster.models import DutyPost
from establishment.choices import EDITABLE_STATES, CellState, RequestState
from establishment.models import (
    Campaign,
    EstablishmentRequest,
    GoodPractice,
    OpinionSession,
    SurveySnapshot,
)
from members.choices import PARTY_MEMBER_STANDINGS, Gender, Standing, Status
from members.completeness import rollup
from members.models import Member

# Archive completeness: at least this share of complete archives is green, at least the second amber.
ARCHIVES_GREEN, ARCHIVES_AMBER = 90, 60

# How a cell reads in one or two words (the legend uses CellState's longer labels).
SHORT_LABELS = {
    CellState.DONE: pgettext_lazy("board cell", "done"),
    CellState.LATE: _("done late"),
    CellState.MISSING: _("overdue"),
    CellState.DUE: _("not yet due"),
    CellState.NOT_APPLICABLE: _("not applicable"),
}
# Bootstrap colour and icon of each state; the icon keeps the board readable in black-and-white print.
STATE_STYLE = {
    CellState.DONE: ("success", "check-circle-fill"),
    CellState.LATE: ("warning", "clock-history"),
    CellState.MISSING: ("danger", "x-circle-fill"),
    CellState.DUE: ("secondary", "hourglass-split"),
    CellState.NOT_APPLICABLE: ("secondary", "dash-circle"),
}


def short_date(day: datetime.date) -> str:
    """6月19日 (Jun 19 in English)."""
    return format_date(day, pgettext("month and day", "M j"))


@dataclass(frozen=True)
class Cell:
    """One board cell: its state, the date the item was done, where its evidence is, a note that
    replaces the date ("on record", "no community") and a headline that replaces the state's words
    (the archives' percentage)."""

    state: str
    on: datetime.date | None = None
    url: str = ""
    note: str = ""
    headline: str = ""

    @property
    def colour(self) -> str:
        return STATE_STYLE[self.state][0]

    @property
    def icon(self) -> str:
        return STATE_STYLE[self.state][1]

    @property
    def label(self) -> str:
        """The cell's main words; a cell that does not apply shows only why."""
        if self.headline:
            return str(self.headline)
        if self.state == CellState.NOT_APPLICABLE and self.note:
            return ""
        return str(SHORT_LABELS[self.state])

    @property
    def detail(self) -> str:
        """What the cell shows under its state: the note, else the date."""
        if self.note:
            return str(self.note)
        return short_date(self.on) if self.on else ""

    @property
    def text(self) -> str:
        """The cell in the workbook: 已完成 6月19日, 逾期, 92%, 无农村社区."""
        return f"{self.label} {self.detail}".strip()


def cell_for(done_on: datetime.date | None, deadline: datetime.date, today: datetime.date) -> str:
    """Done by the deadline: on time; done after it: late; not done and the deadline passed: overdue;
    otherwise not yet due."""
    if done_on is not None:
        return CellState.DONE if done_on <= deadline else CellState.LATE
    return CellState.MISSING if today > deadline else CellState.DUE


def archives_cell_state(percent: int | None) -> str:
    """Archive completeness is a level, not an event: ≥ 90 % green, ≥ 60 % amber, below that red."""
    if percent is None:
        return CellState.NOT_APPLICABLE
    if percent >= ARCHIVES_GREEN:
        return CellState.DONE
    if percent >= ARCHIVES_AMBER:
        return CellState.LATE
    return CellState.MISSING


def archives_rule() -> str:
    """The legend's line on the archives column."""
    return _(
        "Archives: green from %(green)s%%, amber from %(amber)s%%, red below. "
        "Each cell links to its evidence."
    ) % {"green": ARCHIVES_GREEN, "amber": ARCHIVES_AMBER}


def rotation_cell(
    post: DutyPost | None, first_day: datetime.date | None, deadline: datetime.date, today: datetime.date
) -> Cell:
    """Whether the office has started the village-secretary duty rotation (R6, R7): done on the first
    duty day of its post's rota (one still to come has not started it); every office runs it, with a
    community or without (R7)."""
    on = first_day if first_day is not None and first_day <= today else None
    url = _url("duty_roster:post_detail", post.pk) if post is not None else ""
    return Cell(cell_for(on, deadline, today), on, url)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    deadline_field: str  # the Campaign date the item is due by
    help: str = ""


COLUMNS = (
    Column("survey", _("survey done"), "survey_ends", _("A survey snapshot of the office (摸底).")),
    Column(
        "opinions",
        _("opinions collected"),
        "survey_ends",
        _("A symposium, discussion or visit to veteran members."),
    ),
    Column("request", _("request filed"), "implementation_ends", _("The written request submitted.")),
    Column("approved", _("approved"), "implementation_ends", _("Approved by the town party committee.")),
    Column("reported", _("reported"), "implementation_ends", _("Reported to the county.")),
    Column("consented", _("county consented"), "assessment_ends", _("The county's consent.")),
    Column(
        "branches",
        _("sub-branches set up"),
        "implementation_ends",
        _("Community office branch and volunteer-team branch active."),
    ),
    Column("rotation", _("duty rotation started"), "implementation_ends", _("Village-secretary duty (R6).")),
    Column(
        "archives",
        _("archives complete"),
        "assessment_ends",
        _("Share of complete member archives."),
    ),
)
# The request's path does not apply to an office without a community: it runs the rotation only (R7).
COMMUNITY_ONLY = frozenset({"request", "approved", "reported", "consented", "branches"})
# The two sub-branches every community general branch sets up under it (R3).
REQUIRED_SUB_BRANCHES = (BranchKind.COMMUNITY_OFFICE, BranchKind.VOLUNTEER_TEAM)
# How far along a request is: the furthest one of an office speaks for it on the board.
REQUEST_PROGRESS = {
    state: index
    for index, state in enumerate(
        [
            RequestState.DRAFT,
            RequestState.RETURNED,
            RequestState.SUBMITTED,
            RequestState.APPROVED,
            RequestState.REPORTED,
            RequestState.ESTABLISHED,
        ]
    )
}


@dataclass
class BoardRow:
    office: Office
    community: object
    cells: list[tuple[Column, Cell]]
    overdue_rectifications: int = 0  # items the township's inspections asked for, past their deadline

    def spans(self) -> list[tuple[Column, Cell, int]]:
        """The cells as the page shows them: neighbours that do not apply for the same reason share
        one cell (an office without a community has one "no community" across the request's path)."""
        merged: list[list] = []
        for column, cell in self.cells:
            last = merged[-1] if merged else None
            if last and cell.state == CellState.NOT_APPLICABLE and cell.note and last[1] == cell:
                last[2] += 1
            else:
                merged.append([column, cell, 1])
        return [(column, cell, span) for column, cell, span in merged]


@dataclass
class Board:
    campaign: Campaign
    today: datetime.date
    columns: list[tuple[Column, datetime.date]]
    rows: list[BoardRow] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        counts = {state: 0 for state in CellState.values}
        for row in self.rows:
            for _column, cell in row.cells:
                counts[cell.state] += 1
        return counts


def _url(name: str, *args, query: str = "") -> str:
    # The request pages are another part of this issue; until their URLs exist the cell is plain text.
    try:
        return reverse(name, args=args) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return ""


def primary_request(requests: list[EstablishmentRequest]) -> EstablishmentRequest | None:
    """The request that speaks for an office: one for the community general branch if there is one,
    the furthest along, the newest."""
    if not requests:
        return None
    general = [r for r in requests if r.establish_general] or requests
    return max(general, key=lambda r: (REQUEST_PROGRESS[r.state], r.created_at, r.pk))


def request_cells(
    request: EstablishmentRequest | None,
    general: Branch | None,
    deadlines: dict[str, datetime.date],
    today: datetime.date,
) -> dict[str, Cell]:
    """The four cells of the request's path. An office whose community general branch was on record
    before any request (set up before this product) has them all done."""
    if request is None and general is not None and general.kind == BranchKind.COMMUNITY_GENERAL:
        done = Cell(CellState.DONE, note=_("on record"), url=general.get_absolute_url())
        return dict.fromkeys(("request", "approved", "reported", "consented"), done)
    filed = approved = reported = consented = None
    url = ""
    if request is not None:
        url = _url("establishment:request_detail", request.pk)
        if request.state not in EDITABLE_STATES and request.submitted_at:
            filed = timezone.localdate(request.first_submitted_at or request.submitted_at)
        approved, reported, consented = request.approved_on, request.reported_on, request.consented_on
    dates = {"request": filed, "approved": approved, "reported": reported, "consented": consented}
    cells = {}
    for key, on in dates.items():
        note = ""
        if key == "request" and request is not None and on is None:
            note = request.get_state_display()  # a draft, or returned for changes
        cells[key] = Cell(cell_for(on, deadlines[key], today), on, url, note)
    return cells


def sub_branches_done_on(branches: list[Branch]) -> tuple[bool, datetime.date | None]:
    """Whether the community office branch and the volunteer-team branch are both active, and the date
    the later of them was founded (None if a founding date is missing)."""
    founded: dict[str, list] = {}
    for branch in branches:
        if branch.kind in REQUIRED_SUB_BRANCHES and branch.dissolved_on is None:
            founded.setdefault(branch.kind, []).append(branch.founded_on)
    if any(kind not in founded for kind in REQUIRED_SUB_BRANCHES):
        return False, None
    firsts = [min((d for d in founded[kind] if d), default=None) for kind in REQUIRED_SUB_BRANCHES]
    return True, (None if None in firsts else max(firsts))


def build_board(campaign: Campaign, user, today: datetime.date) -> Board:
    """One row per office of the campaign's township in the user's scope, offices without a community
    included (R7). A fixed number of queries, whatever the number of offices."""
    return build_boards([campaign], user, today)[0]


def _archive_percents(user, ids: list[int], campaign: Campaign) -> dict[int, int]:
    """{office id: share of complete member archives} of the offices `ids` in the campaign's year."""
    members = Member.objects.for_user(user).filter(branch__office__in=ids)
    archives = {
        row.unit.pk: row.percent
        for row in rollup(members, by="branch__office", year=campaign.year, listed=False)
    }
    return archives


def build_boards(campaigns: list[Campaign], user, today: datetime.date) -> list[Board]:
    """build_board() for each of `campaigns` (the county's home page has one per township), in the same
    fixed number of queries whatever the number of campaigns and offices (a few more per distinct year)."""
    campaigns = list(campaigns)
    if not campaigns:
        return []
    offices_of: dict[int, list[Office]] = {campaign.township_id: [] for campaign in campaigns}
    for office in (
        Office.objects.for_user(user)
        .filter(township__in=list(offices_of))
        .select_related("community")
        .order_by("sort_order", "name")
    ):
        offices_of[office.township_id].append(office)
    by_year: dict[int, list[Campaign]] = {}
    for campaign in campaigns:
        by_year.setdefault(campaign.year, []).append(campaign)
    all_ids = [office.pk for offices in offices_of.values() for office in offices]
    # Per campaign: {office id: the earliest survey / opinion session of its year up to its assessment end}.
    surveys: dict[int, dict[int, SurveySnapshot]] = {campaign.pk: {} for campaign in campaigns}
    sessions: dict[int, dict[int, OpinionSession]] = {campaign.pk: {} for campaign in campaigns}
    requests: dict[int, dict[int, list[EstablishmentRequest]]] = {campaign.pk: {} for campaign in campaigns}
    archives: dict[int, dict[int, int]] = {}
    for year, of_year in by_year.items():
        campaign_of = {office.pk: c for c in of_year for office in offices_of[c.township_id]}
        ids = list(campaign_of)
        first_of_year = datetime.date(year, 1, 1)
        latest_end = max(c.assessment_ends for c in of_year)
        for snapshot in (
            SurveySnapshot.objects.for_user(user)
            .filter(office__in=ids, taken_on__gte=first_of_year, taken_on__lte=latest_end)
            .order_by("-taken_on", "-pk")
        ):
            campaign = campaign_of[snapshot.office_id]
            if snapshot.taken_on <= campaign.assessment_ends:
                surveys[campaign.pk][snapshot.office_id] = snapshot  # the earliest of the year wins
        for session in (
            OpinionSession.objects.for_user(user)
            .filter(office__in=ids, held_on__gte=first_of_year, held_on__lte=latest_end)
            .order_by("-held_on", "-pk")
        ):
            campaign = campaign_of[session.office_id]
            if session.held_on <= campaign.assessment_ends:
                sessions[campaign.pk][session.office_id] = session
        for request in EstablishmentRequest.objects.for_user(user).filter(
            office__in=ids, created_at__year__lte=year
        ):
            campaign = campaign_of[request.office_id]
            requests[campaign.pk].setdefault(request.office_id, []).append(request)
        percents = _archive_percents(user, ids, of_year[0]) if ids else {}
        for campaign in of_year:
            archives[campaign.pk] = percents
    branches: dict[int, list[Branch]] = {}
    generals: dict[int, Branch] = {}
    for branch in (
        Branch.objects.for_user(user)
        .filter(
            office__in=all_ids,
            dissolved_on__isnull=True,
            kind__in=[*REQUIRED_SUB_BRANCHES, BranchKind.COMMUNITY_GENERAL, BranchKind.OFFICE_GENERAL],
        )
        .order_by("kind", "pk")
    ):
        if branch.kind in (BranchKind.COMMUNITY_GENERAL, BranchKind.OFFICE_GENERAL):
            # A community general branch speaks for the office before an office general branch.
            if branch.office_id not in generals or branch.kind == BranchKind.COMMUNITY_GENERAL:
                generals[branch.office_id] = branch
        else:
            branches.setdefault(branch.office_id, []).append(branch)
    # The rotation has started on its post's first duty day (R6); today's counts, later ones do not.
    duty_posts = {
        post.office_id: post
        for post in DutyPost.objects.for_user(user)
        .filter(office__in=all_ids)
        .annotate(first_day=Min("days__day", filter=Q(days__day__lte=today)))
    }
    from assessments.services import overdue_by_office  # the inspections build on the campaign

    rectifications = overdue_by_office(all_ids, today)
    may_survey = can_create(user, SurveySnapshot)
    may_collect = can_create(user, OpinionSession)

    boards = []
    for campaign in campaigns:
        boards.append(
            _board(
                campaign,
                today,
                offices_of[campaign.township_id],
                surveys[campaign.pk],
                sessions[campaign.pk],
                requests[campaign.pk],
                branches,
                generals,
                duty_posts,
                archives[campaign.pk],
                rectifications,
                may_survey,
                may_collect,
            )
        )
    return boards


def _board(
    campaign: Campaign,
    today: datetime.date,
    offices: list[Office],
    surveys: dict[int, SurveySnapshot],
    sessions: dict[int, OpinionSession],
    requests: dict[int, list[EstablishmentRequest]],
    branches: dict[int, list[Branch]],
    generals: dict[int, Branch],
    duty_posts: dict[int, DutyPost],
    archives: dict[int, int],
    rectifications: dict[int, int],
    may_survey: bool,
    may_collect: bool,
) -> Board:
    """The board of one campaign from the rows build_boards() loaded, by office id."""
    deadlines = {column.key: getattr(campaign, column.deadline_field) for column in COLUMNS}
    board = Board(campaign, today, [(column, deadlines[column.key]) for column in COLUMNS])
    for office in offices:
        community = getattr(office, "community", None)
        cells: dict[str, Cell] = {}
        snapshot = surveys.get(office.pk)
        if snapshot is not None:
            url = reverse("establishment:survey_detail", args=[snapshot.pk])
            on = snapshot.taken_on
        else:
            url = _url("establishment:survey_create", query=f"office={office.pk}") if may_survey else ""
            on = None
        cells["survey"] = Cell(cell_for(on, deadlines["survey"], today), on, url)
        session = sessions.get(office.pk)
        if session is not None:
            url = reverse("establishment:opinion_list") + f"?office={office.pk}"
            on = session.held_on
        else:
            url = _url("establishment:opinion_create", query=f"office={office.pk}") if may_collect else ""
            on = None
        cells["opinions"] = Cell(cell_for(on, deadlines["opinions"], today), on, url)
        general = generals.get(office.pk)
        if community is None:
            for key in COMMUNITY_ONLY:
                cells[key] = Cell(CellState.NOT_APPLICABLE, note=_("no rural community"))
        else:
            request = primary_request(requests.get(office.pk, []))
            cells.update(request_cells(request, general, deadlines, today))
            done, on = sub_branches_done_on(branches.get(office.pk, []))
            url = general.get_absolute_url() if general is not None else ""
            if done:
                state = cell_for(on, deadlines["branches"], today) if on else CellState.DONE
            else:
                state = cell_for(None, deadlines["branches"], today)
            cells["branches"] = Cell(state, on, url)
        post = duty_posts.get(office.pk)
        cells["rotation"] = rotation_cell(
            post, getattr(post, "first_day", None), deadlines["rotation"], today
        )
        percent = archives.get(office.pk)
        cells["archives"] = Cell(
            archives_cell_state(percent),
            url=reverse("members:completeness") + f"?office={office.pk}&year={campaign.year}",
            headline=f"{percent}%" if percent is not None else "",
            note="" if percent is not None else _("no members"),
        )
        board.rows.append(
            BoardRow(
                office, community, [(c, cells[c.key]) for c in COLUMNS], rectifications.get(office.pk, 0)
            )
        )
    return board


# --- The survey (摸底) ---------------------------------------------------------------------------------

# The counts a snapshot freezes, in the order the page and the workbook show them.
PEOPLE_COUNTS = (
    ("party_members", _("party members")),
    ("probationary", _("of whom probationary members")),
    ("women", _("women party members")),
    ("ethnic_minorities", _("ethnic-minority party members")),
    ("mobile", _("mobile party members")),
    ("returned_graduates", _("college graduates back home")),
    ("lives_elsewhere", _("party members living elsewhere")),
    ("applicants", _("applicants")),
    ("activists", _("activists")),
    ("development_objects", _("development objects")),
)
MAJORITY_ETHNICITIES = ("汉族", "汉", "")


def survey_counts(office: Office, on: datetime.date) -> dict:
    """The office's people and organisations on `on`, to be frozen in a SurveySnapshot.

    People on the books that day: active now, or left after it. A party member is one admitted by that
    day (or with no admission date on record); probationary until his full membership. The other
    characteristics (gender, ethnicity, mobile…) are as recorded now. Organisations: founded by that day
    (or undated) and not dissolved by it.
    """
    on_books = Q(status=Status.ACTIVE) | Q(status_changed_on__gt=on)
    party = Q(standing__in=PARTY_MEMBER_STANDINGS) & (Q(admitted_on__isnull=True) | Q(admitted_on__lte=on))
    probationary = party & (
        Q(standing=Standing.PROBATIONARY) | Q(full_member_on__isnull=False, full_member_on__gt=on)
    )
    people = (
        Member.objects.filter(branch__office=office)
        .filter(on_books)
        .aggregate(
            party_members=Count("pk", filter=party),
            probationary=Count("pk", filter=probationary),
            women=Count("pk", filter=party & Q(gender=Gender.FEMALE)),
            ethnic_minorities=Count("pk", filter=party & ~Q(ethnicity__in=MAJORITY_ETHNICITIES)),
            mobile=Count("pk", filter=party & Q(is_mobile=True)),
            returned_graduates=Count("pk", filter=party & Q(is_returned_graduate=True)),
            lives_elsewhere=Count("pk", filter=party & Q(lives_elsewhere=True)),
            applicants=Count("pk", filter=Q(standing=Standing.APPLICANT)),
            activists=Count("pk", filter=Q(standing=Standing.ACTIVIST)),
            development_objects=Count("pk", filter=Q(standing=Standing.DEVELOPMENT_OBJECT)),
        )
    )
    existing = (
        Branch.objects.filter(office=office)
        .filter(Q(founded_on__isnull=True) | Q(founded_on__lte=on))
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=on))
    )
    by_kind = dict(existing.order_by().values_list("kind").annotate(n=Count("pk")))
    organisations = {kind: by_kind.get(kind, 0) for kind in BranchKind.values}
    return {**people, "organisations": organisations, "organisation_total": sum(organisations.values())}


def snapshot_rows(counts: dict) -> tuple[list[tuple[str, str, int]], list[tuple[str, str, int]]]:
    """(key, label, number) rows of a frozen snapshot: people, then organisations by kind."""
    people = [(key, str(label), counts.get(key, 0)) for key, label in PEOPLE_COUNTS]
    kinds = counts.get("organisations", {})
    organisations = [(kind, str(label), kinds.get(kind, 0)) for kind, label in BranchKind.choices]
    return people, organisations


# --- Good practices (好经验、好做法、先进典型) -------------------------------------------------------------


def publish_practice(practice: GoodPractice) -> GoodPractice:
    """Show the practice on the home page of everyone in its township."""
    if practice.published_at is None:
        practice.published_at = timezone.now()
        practice.save(update_fields=["published_at"])
    return practice


def unpublish_practice(practice: GoodPractice) -> GoodPractice:
    if practice.published_at is not None:
        practice.published_at = None
        practice.save(update_fields=["published_at"])
    return practice


def published_practices(user, limit: int = 5) -> list[GoodPractice]:
    """What the home page shows: the newest published practices. Publishing is for the whole township,
    so secretaries see those of other offices too; `openable` says whether the record's own page is in
    the user's scope (else the home page shows the text in full)."""
    if not getattr(user, "is_authenticated", False):
        return []
    published = GoodPractice.objects.filter(published_at__isnull=False)
    if user.role in (Role.OFFICE_SECRETARY, Role.VILLAGE_SECRETARY) and not user.is_superuser:
        published = published.filter(office__township_id=user.township_id)
    else:
        published = published.for_user(user)
    practices = list(published.select_related("office").order_by("-published_at", "-pk")[:limit])
    openable = set(
        GoodPractice.objects.for_user(user)
        .filter(pk__in=[p.pk for p in practices])
        .values_list("pk", flat=True)
    )
    for practice in practices:
        practice.openable = practice.pk in openable
    return practices
