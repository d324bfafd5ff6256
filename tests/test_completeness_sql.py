"""Archive completeness (R8) computed in the database equals the former Python algorithm (kept below as the
reference), on the demo and on edge cases, with a number of queries that does not grow with the scope."""

import datetime
import io
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.choices import Role
from branches.choices import BranchKind
from branches.models import Branch
from communities.models import Office, Township, Village
from members.choices import PARTY_MEMBER_STANDINGS, EntryKind, Standing, Status
from members.completeness import (
    incomplete_count,
    incomplete_members,
    member_gaps,
    required_kinds,
    rollup,
    unit_counts,
)
from members.models import ArchiveEntry, Member, RequiredArchiveKind
from tests.conftest import PASSWORD, make_member, make_user

YEAR = 2025
FIELDS = ("ethnicity", "phone", "address", "education", "occupation", "village")
DEFAULT_KINDS = (EntryKind.MEETING, EntryKind.STUDY, EntryKind.ATTENDANCE)


# --- The reference: the Python algorithm the SQL replaced ---------------------------------------------


def reference_gaps(members, year: int) -> dict[int, list[str]]:
    def kinds_of(township_id):
        chosen = set(
            RequiredArchiveKind.objects.filter(township_id=township_id).values_list("kind", flat=True)
        )
        return [k for k in EntryKind.values if k in chosen] if chosen else list(DEFAULT_KINDS)

    people = list(members.filter(status="active"))
    kinds = {t: kinds_of(t) for t in {p.township_id for p in people}}
    present: dict[int, set[str]] = defaultdict(set)
    for member_id, kind in ArchiveEntry.objects.filter(member__in=people, on__year=year).values_list(
        "member_id", "kind"
    ):
        present[member_id].add(kind)
    labels = dict(EntryKind.choices)
    gaps = {}
    for person in people:
        missing = [
            str(Member._meta.get_field(name).verbose_name)
            for name in FIELDS
            if not getattr(person, name if name != "village" else "village_id")
        ]
        if person.standing in PARTY_MEMBER_STANDINGS and not person.admitted_on:
            missing.append(str(Member._meta.get_field("admitted_on").verbose_name))
        missing += [
            _("%(kind)s entry for %(year)s") % {"kind": labels[kind], "year": year}
            for kind in kinds[person.township_id]
            if kind not in present[person.pk]
        ]
        gaps[person.pk] = missing
    return gaps


def reference_rollup(members, by: str, year: int) -> dict[int | None, tuple[int, int, list]]:
    """{unit id: (total, complete, [(member id, gaps)] in stroke order)}."""
    gaps = reference_gaps(members, year)
    units: dict[int | None, tuple[int, int, list]] = {}
    for person in members.filter(pk__in=gaps.keys()).order_by("stroke_key", "pk"):
        unit = person
        for part in by.split("__"):
            unit = getattr(unit, part)
        total, complete, incomplete = units.get(unit.pk if unit else None, (0, 0, []))
        if gaps[person.pk]:
            incomplete = [*incomplete, (person.pk, gaps[person.pk])]
        units[unit.pk if unit else None] = (total + 1, complete + (not gaps[person.pk]), incomplete)
    return units


def assert_same(members, year: int) -> None:
    assert member_gaps(members, year) == reference_gaps(members, year)
    expected_incomplete = sum(1 for missing in reference_gaps(members, year).values() if missing)
    assert incomplete_count(members, year) == expected_incomplete
    for by in ("branch", "branch__office", "branch__community"):
        expected = reference_rollup(members, by, year)
        rows = rollup(members, by=by, year=year)
        got = {
            (row.unit.pk if row.unit else None): (
                row.total,
                row.complete,
                [(person.pk, gaps) for person, gaps in row.incomplete],
            )
            for row in rows
        }
        assert got == expected
        counts = {
            (r.unit.pk if r.unit else None): (r.total, r.complete) for r in unit_counts(members, by, year)
        }
        assert counts == {unit: (total, complete) for unit, (total, complete, _i) in expected.items()}
        limited = incomplete_members(members, year, by=by, limit=2)
        assert {unit: [(p.pk, g) for p, g in pairs] for unit, pairs in limited.items()} == {
            unit: incomplete[:2] for unit, (_t, _c, incomplete) in expected.items() if incomplete
        }


# --- The demo ----------------------------------------------------------------------------------------


def test_the_sql_equals_the_python_algorithm_on_the_demo(db):
    call_command("load_demo", stdout=io.StringIO())
    demo = Township.objects.get(name="青石镇")
    year = ArchiveEntry.objects.latest("on").on.year
    members = Member.objects.filter(township=demo)
    gaps = reference_gaps(members, year)
    # Not trivial: the demo has complete and incomplete archives, for fields and for entries.
    assert 0 < sum(1 for missing in gaps.values() if missing) < len(gaps)
    assert_same(members, year)
    assert_same(members, year - 1)
    assert_same(Member.objects.filter(branch__office=Office.objects.filter(township=demo).first()), year)


# --- Edge cases ---------------------------------------------------------------------------------------


def complete_member(branch, name, raw=None, **fields):
    """A member whose archive is complete for YEAR under the default kinds; `raw` fields are written
    past validation (as an import or an older version may have)."""
    values = dict(phone="13800000000", address="某路1号", education="junior", occupation="农民")
    values |= dict(admitted_on=datetime.date(2000, 7, 1))
    person = make_member(branch, name, **(values | fields))
    if raw:
        Member.objects.filter(pk=person.pk).update(**raw)
    for kind in DEFAULT_KINDS:
        ArchiveEntry.objects.create(member=person, kind=kind, on=datetime.date(YEAR, 6, 1), content="记录")
    return person


@pytest.fixture
def edge(world, party):
    """Members at each edge, in two townships with different required kinds."""
    RequiredArchiveKind.objects.create(township=world.other_township, kind=EntryKind.AWARD)
    people = {
        "complete": complete_member(party.branch, "甲一"),
        "no_ethnicity": complete_member(party.branch, "甲二", raw={"ethnicity": ""}),
        "no_village": complete_member(party.general, "甲三"),  # a community general branch: no village
        "no_admitted": complete_member(party.branch, "甲四", admitted_on=None),
        "activist": complete_member(
            party.sibling_branch, "甲五", admitted_on=None, standing=Standing.ACTIVIST
        ),
        "probationary": complete_member(party.sibling_branch, "甲六", standing=Standing.PROBATIONARY),
        "deceased": complete_member(
            party.sibling_branch, "甲七", raw={"ethnicity": "", "status": Status.DECEASED}
        ),
        "far_default": complete_member(party.far_branch, "乙一"),  # lacks the award the township requires
        "far_award": complete_member(party.far_branch, "乙二"),
    }
    Member.objects.filter(pk=people["no_village"].pk).update(village=None)
    ArchiveEntry.objects.create(
        member=people["far_award"], kind=EntryKind.AWARD, on=datetime.date(YEAR, 12, 31), content="表彰"
    )
    # Year boundaries: entries of the day before and the day after the year do not count.
    late = complete_member(party.other_branch, "丙一")
    late.archive_entries.filter(kind=EntryKind.STUDY).update(on=datetime.date(YEAR + 1, 1, 1))
    early = complete_member(party.other_branch, "丙二")
    early.archive_entries.filter(kind=EntryKind.MEETING).update(on=datetime.date(YEAR - 1, 12, 31))
    first_day = complete_member(party.other_branch, "丙三")
    first_day.archive_entries.filter(kind=EntryKind.MEETING).update(on=datetime.date(YEAR, 1, 1))
    people |= {"late": late, "early": early, "first_day": first_day}
    return people


def test_the_edges_match_the_python_algorithm(world, party, edge):
    everyone = Member.objects.all()
    assert_same(everyone, YEAR)
    assert_same(everyone, YEAR + 1)
    gaps = member_gaps(everyone, YEAR)
    ethnicity, village = str(Member._meta.get_field("ethnicity").verbose_name), _("village")
    admitted = str(Member._meta.get_field("admitted_on").verbose_name)
    award = _("%(kind)s entry for %(year)s") % {"kind": EntryKind.AWARD.label, "year": YEAR}
    study = _("%(kind)s entry for %(year)s") % {"kind": EntryKind.STUDY.label, "year": YEAR}
    meeting = _("%(kind)s entry for %(year)s") % {"kind": EntryKind.MEETING.label, "year": YEAR}
    assert gaps[edge["complete"].pk] == []
    assert gaps[edge["no_ethnicity"].pk] == [ethnicity]
    assert gaps[edge["no_village"].pk] == [village]
    assert gaps[edge["no_admitted"].pk] == [admitted]
    assert gaps[edge["activist"].pk] == []  # not a party member: no date of joining needed
    assert gaps[edge["probationary"].pk] == []
    assert edge["deceased"].pk not in gaps
    assert gaps[edge["far_default"].pk] == [award]  # the other township requires only the award
    assert gaps[edge["far_award"].pk] == []
    assert gaps[edge["late"].pk] == [study]
    assert gaps[edge["early"].pk] == [meeting]
    assert gaps[edge["first_day"].pk] == []
    assert required_kinds(world.other_township.pk) == [EntryKind.AWARD]
    assert required_kinds(world.township.pk) == list(DEFAULT_KINDS)


def test_a_county_viewer_sees_each_township_with_its_own_kinds(world, party, edge):
    county = make_user("county_completeness", Role.COUNTY_VIEWER, county=world.county)
    members = Member.objects.for_user(county).active()
    assert_same(members, YEAR)
    # ethnicity, village, date of joining, award, late, early, and the four people of `party` (no entries)
    assert incomplete_count(members, YEAR) == 10


# --- Queries -----------------------------------------------------------------------------------------


def add_township(world, index: int) -> Branch:
    township = Township.objects.create(county=world.county, name=f"第{index}镇")
    office = Office.objects.create(township=township, name=f"第{index}办事处", sort_order=1)
    village = Village.objects.create(office=office, name=f"第{index}村", sort_order=1)
    branch = Branch.objects.create(
        office=office, village=village, kind=BranchKind.VILLAGE, name=f"第{index}支部"
    )
    RequiredArchiveKind.objects.create(township=township, kind=list(EntryKind.values)[index % 7])
    for n in range(3):
        complete_member(branch, f"第{index}镇{n}号", phone="" if n else "13800000000")
    return branch


def queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def test_the_queries_do_not_grow_with_townships_and_branches(world, party):
    first = add_township(world, 1)
    one = Member.objects.filter(branch=first)
    calls = {
        "counts": lambda m: unit_counts(m, "branch__office", YEAR),
        "count": lambda m: incomplete_count(m, YEAR),
        "listed": lambda m: incomplete_members(m, YEAR, limit=10),
        "rollup": lambda m: rollup(m, "branch", YEAR),
        "gaps": lambda m: member_gaps(m, YEAR),
    }
    before = {name: queries(lambda call=call: call(one)) for name, call in calls.items()}
    three = Member.objects.filter(branch__in=[first, add_township(world, 2), add_township(world, 3)])
    after = {name: queries(lambda call=call: call(three)) for name, call in calls.items()}
    assert before == after
    assert before == {"counts": 3, "count": 2, "listed": 2, "rollup": 4, "gaps": 2}


def test_the_completeness_page_lists_a_few_per_branch_and_links_to_the_rest(world, party, client):
    for n in range(12):
        make_member(party.branch, f"缺{n:02d}")  # no entries: incomplete
    client.login(username="township", password=PASSWORD)
    url = reverse("members:completeness")
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url)
    row = next(r for o in page.context["offices"] for r in o["branches"] if r.unit == party.branch)
    assert (row.incomplete_count, len(row.incomplete), row.unlisted) == (13, 5, 8)
    assert f'data-all-incomplete="{party.branch.pk}"' in page.content.decode()
    for n in range(3):
        make_member(party.other_branch, f"多{n}")
    with CaptureQueriesContext(connection) as again:
        client.get(url)
    assert len(again) == len(captured)
    whole = client.get(url, {"branch": party.branch.pk}).context["offices"][0]["branches"][0]
    assert (len(whole.incomplete), whole.unlisted) == (13, 0)
    assert [p.name for p, _g in whole.incomplete] == [
        p.name for p in Member.objects.filter(branch=party.branch).order_by("stroke_key", "pk")
    ]
