"""The arithmetic of a 100-point score sheet (考核评分表), as pure functions: items grouped by the five goods,
deductions floored at zero, bonus points capped, veto items (一票否决) that make the grade 差 whatever the
score, and the grade bands. No user-entered formula is ever evaluated: templates hold numbers and rule
data (assessments.indicators.points_for), and this module adds them up."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0")
HUNDREDTH = Decimal("0.01")


class Grade(models.TextChoices):
    GOOD = "good", _("good (好)")
    FAIRLY_GOOD = "fairly_good", _("fairly good (较好)")
    AVERAGE = "average", _("average (一般)")
    POOR = "poor", _("poor (差)")


class ItemKind(models.TextChoices):
    SCORED = "scored", _("scored item")
    BONUS = "bonus", _("bonus item")
    VETO = "veto", _("veto item")


@dataclass(frozen=True)
class Bands:
    """Lower bounds of the grades; below `average` is 差. Defaults: 好 ≥ 90, 较好 80–89, 一般 60–79."""

    good: Decimal = Decimal("90")
    fairly_good: Decimal = Decimal("80")
    average: Decimal = Decimal("60")

    def errors(self) -> list[str]:
        if not (Decimal("100") >= self.good > self.fairly_good > self.average > ZERO):
            return [str(_("Grade bands must fall: 100 ≥ 好 > 较好 > 一般 > 0."))]
        return []


@dataclass(frozen=True)
class Line:
    """One item of a sheet as scored: its kind, five-goods group, maximum and the points given (None while
    nobody has scored it), or for a veto item whether it was ticked."""

    kind: str
    group: str
    max_points: Decimal
    points: Decimal | None = None
    vetoed: bool = False


@dataclass(frozen=True)
class Total:
    groups: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)  # group → (points, max)
    base: Decimal = ZERO  # the scored items
    bonus: Decimal = ZERO  # bonus points counted, after the cap
    bonus_claimed: Decimal = ZERO  # bonus points given, before the cap
    total: Decimal = ZERO
    vetoed: bool = False
    grade: str = Grade.POOR
    unscored: int = 0  # scored items still without points

    @property
    def complete(self) -> bool:
        return self.unscored == 0


def quantize(value: Decimal) -> Decimal:
    return Decimal(value).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def deduct(max_points: Decimal, per_missing: Decimal, missing: int) -> Decimal:
    """An item scored by deduction: the maximum less the points for each missing thing, never below 0."""
    if missing < 0:
        raise ValueError("missing cannot be negative")
    return quantize(max(ZERO, Decimal(max_points) - Decimal(per_missing) * missing))


def check_points(points: Decimal, max_points: Decimal) -> str:
    """'' when `points` is a score an item of `max_points` may get, else the reason (for a form)."""
    if points < ZERO or points > max_points:
        return str(_("Give between 0 and %(max)s points.") % {"max": quantize(max_points)})
    return ""


def grade_for(total: Decimal, bands: Bands, vetoed: bool = False) -> str:
    if vetoed or total < bands.average:
        return Grade.POOR
    if total >= bands.good:
        return Grade.GOOD
    if total >= bands.fairly_good:
        return Grade.FAIRLY_GOOD
    return Grade.AVERAGE


def add_up(lines: Iterable[Line], bonus_cap: Decimal, bands: Bands = Bands()) -> Total:
    """The sheet's totals: scored items by group, the bonus within its cap, and the grade (差 on a veto)."""
    groups: dict[str, tuple[Decimal, Decimal]] = {}
    base = claimed = ZERO
    vetoed, unscored = False, 0
    for line in lines:
        if line.kind == ItemKind.VETO:
            vetoed = vetoed or line.vetoed
            continue
        points = ZERO if line.points is None else min(max(Decimal(line.points), ZERO), line.max_points)
        if line.kind == ItemKind.BONUS:
            claimed += points
            continue
        if line.points is None:
            unscored += 1
        got, most = groups.get(line.group, (ZERO, ZERO))
        groups[line.group] = (got + points, most + line.max_points)
        base += points
    bonus = min(claimed, max(Decimal(bonus_cap), ZERO))
    total = quantize(base + bonus)
    return Total(
        groups={group: (quantize(got), quantize(most)) for group, (got, most) in groups.items()},
        base=quantize(base),
        bonus=quantize(bonus),
        bonus_claimed=quantize(claimed),
        total=total,
        vetoed=vetoed,
        grade=grade_for(total, bands, vetoed),
        unscored=unscored,
    )


def rank(totals: dict[int, Total]) -> dict[int, int]:
    """Competition ranking (1, 2, 2, 4) by total, a vetoed sheet after every other."""
    order = sorted(totals.items(), key=lambda pair: (pair[1].vetoed, -pair[1].total))
    ranks: dict[int, int] = {}
    previous, previous_rank = None, 0
    for position, (key, total) in enumerate(order, start=1):
        current = (total.vetoed, total.total)
        ranks[key] = previous_rank if current == previous else position
        previous, previous_rank = current, ranks[key]
    return ranks
