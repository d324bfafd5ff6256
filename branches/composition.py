"""Personnel composition (人员构成, R8): counts of a group of members by gender, ethnicity, age band,
education, party standing and category, in one aggregate query."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import add_years
from members.choices import AGE_BANDS, CATEGORY_FIELDS, Education, Gender, Standing
from members.models import Member

HAN = "汉族"


@dataclass
class Row:
    key: str
    label: str
    count: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.count / self.total) if self.total else 0


@dataclass
class Composition:
    """The counts of one group of members; each dimension is a list of rows in the official order."""

    total: int
    gender: list[Row] = field(default_factory=list)
    ethnicity: list[Row] = field(default_factory=list)
    age: list[Row] = field(default_factory=list)
    education: list[Row] = field(default_factory=list)
    standing: list[Row] = field(default_factory=list)
    categories: list[Row] = field(default_factory=list)

    def count(self, dimension: str, key: str) -> int:
        return next(row.count for row in getattr(self, dimension) if row.key == key)


def age_band_condition(low: int, high: int, today: datetime.date) -> Q:
    """Members aged `low` to `high` (inclusive, whole years) on `today`, as a condition on birth_date."""
    # Age >= low: born on or before today minus `low` years; age <= high: born after today minus high+1.
    return Q(birth_date__lte=add_years(today, -low), birth_date__gt=add_years(today, -(high + 1)))


def composition(members: QuerySet, today: datetime.date | None = None) -> Composition:
    """Counts of the members of `members` (the caller chooses which, e.g. the active ones)."""
    today = today or timezone.localdate()
    conditions: dict[str, Q] = {}
    for value in Gender.values:
        conditions[f"gender:{value}"] = Q(gender=value)
    conditions["gender:"] = Q(gender="")
    conditions["ethnicity:han"] = Q(ethnicity=HAN)
    conditions["ethnicity:minority"] = ~Q(ethnicity=HAN) & ~Q(ethnicity="")
    conditions["ethnicity:"] = Q(ethnicity="")
    for key, _label, low, high in AGE_BANDS:
        conditions[f"age:{key}"] = age_band_condition(low, high, today)
    for value in Education.values:
        conditions[f"education:{value}"] = Q(education=value)
    conditions["education:"] = Q(education="")
    for value in Standing.values:
        conditions[f"standing:{value}"] = Q(standing=value)
    for name in CATEGORY_FIELDS:
        conditions[f"categories:{name}"] = Q(**{name: True})

    # Aggregate aliases must be identifiers: number them and map back.
    keys = list(conditions)
    counts = members.order_by().aggregate(
        total=Count("pk"), **{f"c{i}": Count("pk", filter=conditions[key]) for i, key in enumerate(keys)}
    )
    total = counts["total"]
    by_key = {key: counts[f"c{i}"] for i, key in enumerate(keys)}

    def rows(dimension: str, labels: list[tuple[str, str]], *, skip_empty_extra: bool = True) -> list[Row]:
        result = [Row(key, str(label), by_key[f"{dimension}:{key}"], total) for key, label in labels]
        return [r for r in result if not (skip_empty_extra and r.key == "" and r.count == 0)]

    not_recorded = _("not recorded")
    return Composition(
        total=total,
        gender=rows("gender", [*Gender.choices, ("", not_recorded)]),
        ethnicity=rows(
            "ethnicity",
            [("han", _("Han")), ("minority", _("ethnic minorities")), ("", not_recorded)],
        ),
        age=rows("age", [(key, label) for key, label, _low, _high in AGE_BANDS]),
        education=rows("education", [*Education.choices, ("", not_recorded)]),
        standing=rows("standing", list(Standing.choices)),
        categories=rows(
            "categories", [(name, Member._meta.get_field(name).verbose_name) for name in CATEGORY_FIELDS]
        ),
    )
