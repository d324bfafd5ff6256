"""Archive completeness (R8): what each member's archive still lacks, rolled up to branch, community and
office. A member's archive is complete when the required fields are filled and, for the year, it has an
entry of every kind the township marks required.

The database does the work: `completeness_q()` is a condition (per required kind an EXISTS on the year's
entries, and the empty-field checks) so that counts per unit are one GROUP BY query, the number of incomplete
archives one COUNT query, and what a member lacks is worked out only for the members actually shown."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from members.choices import PARTY_MEMBER_STANDINGS, EntryKind, Status
from members.models import ArchiveEntry, Member, RequiredArchiveKind

REQUIRED_FIELDS = ("ethnicity", "phone", "address", "education", "occupation", "village")
# When a township has not said which kinds it requires, these are expected every year.
DEFAULT_REQUIRED_KINDS = (EntryKind.MEETING, EntryKind.STUDY, EntryKind.ATTENDANCE)


class RequiredKinds(dict):
    """{township id: its required kinds in EntryKind order}; townships not in it require the defaults."""

    def __missing__(self, township_id: int) -> list[str]:
        return list(DEFAULT_REQUIRED_KINDS)


def required_kinds(township_id: int) -> list[str]:
    rows = RequiredArchiveKind.objects.filter(township_id=township_id)
    return required_kinds_by_township(rows)[township_id]


def required_kinds_by_township(rows: QuerySet | None = None) -> RequiredKinds:
    """The required kinds of every township that has chosen them (one query)."""
    rows = RequiredArchiveKind.objects.all() if rows is None else rows
    chosen: dict[int, set[str]] = defaultdict(set)
    for township_id, kind in rows.order_by().values_list("township_id", "kind"):
        chosen[township_id].add(kind)
    return RequiredKinds({t: [k for k in EntryKind.values if k in kinds] for t, kinds in chosen.items()})


def required_kinds_for(members: QuerySet) -> RequiredKinds:
    """The required kinds of the townships of `members` (one query)."""
    return required_kinds_by_township(
        RequiredArchiveKind.objects.filter(township__in=members.order_by().values("township_id"))
    )


def has_entry(kind: str, year: int) -> Exists:
    """Whether the member (the outer row) has an archive entry of `kind` in `year`."""
    return Exists(ArchiveEntry.objects.filter(member=OuterRef("pk"), kind=kind, on__year=year))


# For the members listed, the kinds of their entries for the year as bits of one number: one subquery per
# member tells which kinds he has, where one EXISTS per kind would be a probe per kind (of the index on
# member, kind and date).
KIND_BITS = {kind: 1 << place for place, kind in enumerate(EntryKind.values)}


def kinds_present(year: int) -> Coalesce:
    """The KIND_BITS of the kinds of the member's (the outer row's) entries in `year`, summed."""
    bits = Case(*(When(kind=kind, then=Value(bit)) for kind, bit in KIND_BITS.items()), default=Value(0))
    entries = ArchiveEntry.objects.filter(member=OuterRef("pk"), on__year=year).order_by().values("member")
    return Coalesce(Subquery(entries.annotate(mask=Sum(bits, distinct=True)).values("mask")), Value(0))


def fields_filled_q() -> Q:
    """The required fields are filled: not '' nor NULL, a village, and a date of joining for party members."""
    q = Q(village__isnull=False) & ~Q(standing__in=PARTY_MEMBER_STANDINGS, admitted_on__isnull=True)
    for name in REQUIRED_FIELDS:
        if name != "village":
            q &= Q(**{f"{name}__isnull": False}) & ~Q(**{name: ""})
    return q


def completeness_q(year: int, kinds: RequiredKinds) -> Q:
    """The member's archive is complete for `year`, each township with its own required kinds."""
    by_kinds: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for township_id, township_kinds in kinds.items():
        by_kinds[tuple(township_kinds)].append(township_id)
    default = Q(*(has_entry(kind, year) for kind in DEFAULT_REQUIRED_KINDS))
    entries = ~Q(township_id__in=list(kinds)) & default if kinds else default
    for township_kinds, townships in by_kinds.items():
        entries |= Q(township_id__in=townships) & Q(*(has_entry(kind, year) for kind in township_kinds))
    return fields_filled_q() & entries


@dataclass
class Rollup:
    """Completeness of one unit (a branch, community or office). `incomplete` holds the incomplete members
    that were listed with what they lack: all of them from `rollup()`, none from `unit_counts()`."""

    unit: object
    total: int = 0
    complete: int = 0
    incomplete: list[tuple[Member, list[str]]] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.complete / self.total) if self.total else 100

    @property
    def incomplete_count(self) -> int:
        return self.total - self.complete

    @property
    def unlisted(self) -> int:
        """Incomplete members not in `incomplete`."""
        return self.incomplete_count - len(self.incomplete)


def _year(year: int | None) -> int:
    return year or timezone.localdate().year


def _unit_model(by: str):
    model = Member
    for part in by.split("__"):
        model = model._meta.get_field(part).related_model
    return model


def unit_counts(
    members: QuerySet, by: str = "branch", year: int | None = None, *, kinds: RequiredKinds | None = None
) -> list[Rollup]:
    """Members and complete archives per unit (`by` is "branch", "branch__community" or "branch__office")
    of the active members of `members`, sorted by the unit's name; three queries (two given the `kinds` of
    `required_kinds_for`), no member loaded."""
    year = _year(year)
    members = members.filter(status=Status.ACTIVE).order_by()
    complete = completeness_q(year, required_kinds_for(members) if kinds is None else kinds)
    counts = list(
        members.values_list(by).annotate(total=Count("pk"), complete=Count("pk", filter=complete)).order_by()
    )
    units = _unit_model(by)._default_manager.in_bulk([pk for pk, *_counts in counts if pk is not None])
    rows = [Rollup(units.get(pk), total, done) for pk, total, done in counts]
    return sorted(rows, key=lambda r: str(r.unit) if r.unit is not None else "")


def incomplete_count(members: QuerySet, year: int | None = None) -> int:
    """How many active members of `members` have an incomplete archive (two queries)."""
    year = _year(year)
    members = members.filter(status=Status.ACTIVE).order_by()
    complete = completeness_q(year, required_kinds_for(members))
    counts = members.aggregate(total=Count("pk"), complete=Count("pk", filter=complete))
    return counts["total"] - counts["complete"]


def _gaps(person: Member, kinds: RequiredKinds, year: int, labels: dict) -> list[str]:
    missing = field_gaps(person)
    missing += [
        _("%(kind)s entry for %(year)s") % {"kind": labels[kind], "year": year}
        for kind in kinds[person.township_id]
        if not person.kinds_present & KIND_BITS[kind]
    ]
    return missing


def _with_entries(members: QuerySet, year: int) -> QuerySet:
    return members.annotate(kinds_present=kinds_present(year))


def incomplete_members(
    members: QuerySet,
    year: int | None = None,
    *,
    by: str = "branch",
    limit: int | None = None,
    kinds: RequiredKinds | None = None,
) -> dict[int | None, list[tuple[Member, list[str]]]]:
    """{unit id: [(member, what he lacks)]} of the active members of `members` whose archive is incomplete,
    in stroke order, at most `limit` per unit (`by` as for `unit_counts`); two queries (one given `kinds`)."""
    year = _year(year)
    members = members.filter(status=Status.ACTIVE).order_by()
    kinds = required_kinds_for(members) if kinds is None else kinds
    people = members.exclude(completeness_q(year, kinds))
    if limit is not None:
        # The first `limit` of each unit, chosen in a subquery: what they lack is worked out for them only.
        first = people.annotate(
            place=Window(RowNumber(), partition_by=F(by), order_by=[F("stroke_key"), F("pk")])
        ).filter(place__lte=limit)
        people = Member.objects.filter(pk__in=first.values("pk"))
    people = people.select_related("branch").annotate(unit_id=F(by))
    people = _with_entries(people, year).order_by("stroke_key", "pk")
    labels = dict(EntryKind.choices)
    found: dict[int | None, list[tuple[Member, list[str]]]] = defaultdict(list)
    for person in people:
        found[person.unit_id].append((person, _gaps(person, kinds, year, labels)))
    return dict(found)


def field_gaps(member: Member) -> list[str]:
    gaps = [
        str(Member._meta.get_field(name).verbose_name)
        for name in REQUIRED_FIELDS
        if not getattr(member, name if name != "village" else "village_id")
    ]
    if member.standing in PARTY_MEMBER_STANDINGS and not member.admitted_on:
        gaps.append(str(Member._meta.get_field("admitted_on").verbose_name))
    return gaps


def member_gaps(members: QuerySet, year: int | None = None) -> dict[int, list[str]]:
    """{member id: what is missing} for the active members of `members`; two queries in all. Loads every
    member: for a few (a member's page); count with `incomplete_count`, list with `incomplete_members`."""
    year = _year(year)
    members = members.filter(status=Status.ACTIVE)
    kinds = required_kinds_for(members)
    labels = dict(EntryKind.choices)
    return {person.pk: _gaps(person, kinds, year, labels) for person in _with_entries(members, year)}


def rollup(
    members: QuerySet, by: str = "branch", year: int | None = None, *, listed: bool = True
) -> list[Rollup]:
    """Completeness per unit (see `unit_counts`) with all the incomplete members listed in stroke order, or
    none if not `listed` (for the counts only, as `unit_counts`)."""
    kinds = required_kinds_for(members.filter(status=Status.ACTIVE))
    rows = unit_counts(members, by, year, kinds=kinds)
    if not listed:
        return rows
    listed = incomplete_members(members, year, by=by, kinds=kinds)
    for row in rows:
        row.incomplete = listed.get(row.unit.pk if row.unit is not None else None, [])
    return rows
