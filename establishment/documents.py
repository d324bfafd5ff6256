"""What the printed documents of a request say: who writes to whom, and the organisations it is about.

The request is the office's (its general branch writes to the town party committee); the approval is the
town party committee's reply to the office; the report goes from the town party committee to the county
organisation department."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from branches.choices import POST_ORDER, BranchKind
from branches.models import BranchName
from establishment import services
from establishment.models import EstablishmentRequest, ProposedBranch, ProposedPost


@dataclass
class Organisation:
    name: str
    kind: str
    note: str = ""
    members: list[str] = field(default_factory=list)


def office_branch_name(request: EstablishmentRequest) -> str:
    """The office general branch's name as it was when the request was written (it is renamed on
    establishment, R1)."""
    general = services.office_general_branch(request.office)
    if general is None:
        return str(request.office)
    if general.kind == BranchKind.COMMUNITY_GENERAL and request.establish_general and request.consented_on:
        former = (
            BranchName.objects.filter(branch=general, used_until=request.consented_on).order_by("-pk").first()
        )
        if former is not None:
            return former.name
    return general.name


def township_committee(request: EstablishmentRequest) -> str:
    return _("CPC %(township)s Committee") % {"township": request.office.township}


def county_department(request: EstablishmentRequest) -> str:
    return _("Organisation Department of the CPC %(county)s Committee") % {
        "county": request.office.township.county
    }


def ordered_posts(posts) -> list[ProposedPost]:
    return sorted(posts, key=lambda post: (POST_ORDER.get(post.kind, 99), post.pk))


def organisations(request: EstablishmentRequest, branches: list[ProposedBranch]) -> list[Organisation]:
    """The organisations the request asks for, the community general branch first."""
    found = []
    if request.establish_general and request.general_branch_name:
        found.append(
            Organisation(
                request.general_branch_name,
                BranchKind.COMMUNITY_GENERAL.label,
                _("renamed from %(name)s") % {"name": office_branch_name(request)},
            )
        )
    for branch in branches:
        kind = branch.get_kind_display()
        if branch.other_kind:
            kind = f"{kind}（{branch.get_other_kind_display()}）"
        found.append(
            Organisation(branch.name, kind, members=[person.name for person in branch.members.all()])
        )
    return found


def names_of(found: list[Organisation]) -> str:
    return "、".join(organisation.name for organisation in found)


def subject(request: EstablishmentRequest, found: list[Organisation]) -> str:
    """What a document's title names: the community general branch 'and the branches under it' rather
    than a line of names."""
    if request.establish_general and request.general_branch_name and len(found) > 1:
        return _("%(name)s and the branches under it") % {"name": request.general_branch_name}
    return names_of(found)


def post_lines(posts: list[ProposedPost]) -> list[tuple[str, str]]:
    """The posts as an official list says them: each post once, with its people (委员：甲、乙)."""
    lines: list[tuple[str, list[str]]] = []
    for post in ordered_posts(posts):
        label = post.get_kind_display()
        if lines and lines[-1][0] == label:
            lines[-1][1].append(post.person.name)
        else:
            lines.append((label, [post.person.name]))
    return [(label, "、".join(names)) for label, names in lines]
