"""The branch archive (R8): what a branch's archive page shows and the checklist of what it still lacks."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from branches.choices import POST_ORDER, BranchKind, PostKind
from branches.models import Branch, Post, Term
from members.completeness import Rollup, rollup


@dataclass
class CheckItem:
    key: str
    label: str
    ok: bool
    detail: str = ""


def leadership(posts: list[Post], subtree_ids: set[int]) -> tuple[list[Post], list[Post]]:
    """(current posts by post then stroke order, each with `has_left`; past posts, latest ended first)."""
    current = [post for post in posts if post.is_current]
    for post in current:
        post.has_left = post.holder_has_left(subtree_ids)
    current.sort(key=lambda p: (POST_ORDER.get(p.kind, 99), p.person.stroke_key, p.pk))
    past = sorted((p for p in posts if not p.is_current), key=lambda p: (p.ended_on, p.pk), reverse=True)
    return current, past


def current_term(terms: list[Term], today: datetime.date) -> Term | None:
    """The latest term that has started, from terms already loaded (see Branch.current_term)."""
    started = [term for term in terms if term.started_on <= today]
    return max(started, key=lambda term: term.number) if started else None


def completeness(members: QuerySet, unit: object, year: int | None = None) -> Rollup:
    """Archive completeness of all of `members` as one unit, incomplete members in stroke order."""
    total = Rollup(unit)
    for row in rollup(members, year=year):
        total.total += row.total
        total.complete += row.complete
        total.incomplete.extend(row.incomplete)
    total.incomplete.sort(key=lambda pair: (pair[0].stroke_key, pair[0].pk))
    return total


def archive_checklist(
    branch: Branch,
    *,
    current_posts: list[Post],
    term: Term | None,
    reserve_count: int,
    archives: Rollup,
    former_name_count: int,
    today: datetime.date,
) -> list[CheckItem]:
    """What the town party committee checks in a branch's archive at acceptance (R8, R9)."""
    items = []
    secretaries = [p for p in current_posts if p.kind == PostKind.SECRETARY]
    if not secretaries:
        items.append(CheckItem("secretary", _("Has a secretary"), False, _("No current secretary.")))
    else:
        post = secretaries[0]
        left = getattr(post, "has_left", False)
        detail = (
            _("%(name)s has left this organisation.") % {"name": post.person} if left else str(post.person)
        )
        items.append(CheckItem("secretary", _("Has a secretary"), not left, detail))

    if term is None:
        items.append(CheckItem("term", _("Has a current term"), False, _("No term recorded.")))
    else:
        state = term.expiry_state(today)
        detail = _("Term %(number)s, ends on %(date)s") % {
            "number": term.number,
            "date": term.ends_on.isoformat() if term.ends_on else "—",
        }
        items.append(CheckItem("term", _("Has a current term"), state != "expired", detail))

    if branch.kind == BranchKind.VILLAGE:
        items.append(
            CheckItem(
                "reserve",
                _("Has at least one reserve cadre"),
                reserve_count > 0,
                _("%(count)s in training") % {"count": reserve_count},
            )
        )

    if branch.kind == BranchKind.COMMUNITY_GENERAL:
        # R1: a community general branch is the office's general branch renamed; the old name stays.
        items.append(
            CheckItem(
                "renaming",
                _("Renaming from the office general branch recorded"),
                former_name_count > 0,
            )
        )

    items.append(
        CheckItem(
            "founded",
            _("Founding date recorded"),
            branch.founded_on is not None,
            branch.founded_on.isoformat() if branch.founded_on else "",
        )
    )
    items.append(
        CheckItem(
            "members",
            _("Member archives complete"),
            not archives.incomplete,
            _("%(percent)s%% complete, %(count)s incomplete")
            % {"percent": archives.percent, "count": len(archives.incomplete)},
        )
    )
    return items
