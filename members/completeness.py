"""Archive completeness (R8): what each member's archive still lacks, rolled up to branch, community and
office. A member's archive is complete when the required fields are filled and, for the year, it has an
entry of every kind the township marks required."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from members.choices import PARTY_MEMBER_STANDINGS, EntryKind
from members.models import ArchiveEntry, Member, RequiredArchiveKind

REQUIRED_FIELDS = ("ethnicity", "phone", "address", "education", "occupation", "village")
# When a township has not said which kinds it requires, these are expected every year.
DEFAULT_REQUIRED_KINDS = (EntryKind.MEETING, EntryKind.STUDY, EntryKind.ATTENDANCE)


def required_kinds(township_id: int) -> list[str]:
    kinds = list(RequiredArchiveKind.objects.filter(township_id=township_id).values_list("kind", flat=True))
    return [k for k in EntryKind.values if k in kinds] if kinds else list(DEFAULT_REQUIRED_KINDS)


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
    """{member id: what is missing} for the active members of `members`; two queries in all."""
    year = year or timezone.localdate().year
    people = list(members.filter(status="active"))
    if not people:
        return {}
    kinds_by_township = {t: required_kinds(t) for t in {p.township_id for p in people}}
    present: dict[int, set[str]] = defaultdict(set)
    # A subquery, not a list of ids: 50,000 ids would pass SQLite's limit on query parameters.
    entries = ArchiveEntry.objects.filter(
        member__in=members.filter(status="active").values("pk"), on__year=year
    )
    for member_id, kind in entries.order_by().values_list("member_id", "kind").distinct():
        present[member_id].add(kind)
    labels = dict(EntryKind.choices)
    gaps = {}
    for person in people:
        missing = field_gaps(person)
        missing += [
            _("%(kind)s entry for %(year)s") % {"kind": labels[kind], "year": year}
            for kind in kinds_by_township[person.township_id]
            if kind not in present[person.pk]
        ]
        gaps[person.pk] = missing
    return gaps


@dataclass
class Rollup:
    """Completeness of one unit (a branch, community or office)."""

    unit: object
    total: int = 0
    complete: int = 0
    incomplete: list[tuple[Member, list[str]]] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.complete / self.total) if self.total else 100


def rollup(members: QuerySet, by: str = "branch", year: int | None = None) -> list[Rollup]:
    """Completeness per unit; `by` is "branch", "branch__community" or "branch__office"."""
    members = members.select_related(by) if by != "branch" else members.select_related("branch")
    gaps = member_gaps(members, year)
    units: dict[object, Rollup] = {}
    for person in members.filter(pk__in=gaps.keys()):
        unit = person
        for part in by.split("__"):
            unit = getattr(unit, part)
        row = units.setdefault(unit, Rollup(unit))
        row.total += 1
        if gaps[person.pk]:
            row.incomplete.append((person, gaps[person.pk]))
        else:
            row.complete += 1
    return sorted(units.values(), key=lambda r: str(r.unit) if r.unit is not None else "")
