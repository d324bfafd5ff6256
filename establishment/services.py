"""The establishment request's rules and path (R2–R4): what the guidance proposes, what is wrong with a
request, and each transition, which moves the state only from the states it names (so two people acting at
once cannot both succeed) and records who did it, when and with what opinion."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from branches.choices import GENERAL_KINDS, BranchKind, PostKind
from branches.models import Branch, Post, Term
from branches.services import rename_branch
from establishment.choices import PENDING_STATES, RequestAction, RequestState
from establishment.models import EstablishmentRequest, ProposedPost, RequestEvent
from members.models import Member
from members.services import transfer_within


@dataclass
class Leadership:
    """What R2 gives for an office: its general branch's secretary and deputy, and its village
    branches' secretaries (one of whom is elected deputy; the others are committee members)."""

    general_branch: Branch | None
    secretary: Member | None = None
    deputy: Member | None = None
    village_secretaries: list[Member] = field(default_factory=list)


def office_general_branch(office) -> Branch | None:
    """The office's active general branch (the one a community general branch is renamed from)."""
    return (
        Branch.objects.filter(
            office=office, kind__in=GENERAL_KINDS, parent__isnull=True, dissolved_on__isnull=True
        )
        .order_by("kind", "pk")
        .first()
    )


def _current_holder(branch: Branch, kind: str) -> Member | None:
    today = timezone.localdate()
    post = (
        Post.objects.filter(branch=branch, kind=kind)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .select_related("person")
        .order_by("-started_on")
        .first()
    )
    return post.person if post else None


def r2_leadership(office) -> Leadership:
    general = office_general_branch(office)
    if general is None:
        return Leadership(None)
    today = timezone.localdate()
    secretaries = (
        Post.objects.filter(
            branch__office=office,
            branch__kind=BranchKind.VILLAGE,
            branch__dissolved_on__isnull=True,
            kind=PostKind.SECRETARY,
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .select_related("person", "branch__village")
        .order_by("branch__village__sort_order", "branch__name")
    )
    return Leadership(
        general,
        _current_holder(general, PostKind.SECRETARY),
        _current_holder(general, PostKind.DEPUTY_SECRETARY),
        [post.person for post in secretaries],
    )


def proposed_by_r2(office, elected_deputy: Member | None) -> list[tuple[str, Member]]:
    """The posts R2 gives, in order, for the elected deputy the office chose."""
    lead = r2_leadership(office)
    posts = []
    if lead.secretary:
        posts.append((PostKind.SECRETARY, lead.secretary))
    if lead.deputy:
        posts.append((PostKind.DEPUTY_SECRETARY, lead.deputy))
    if elected_deputy is not None:
        posts.append((PostKind.ELECTED_DEPUTY, elected_deputy))
    for person in lead.village_secretaries:
        if person != elected_deputy:
            posts.append((PostKind.COMMITTEE_MEMBER, person))
    return posts


@transaction.atomic
def fill_posts_by_r2(request: EstablishmentRequest, elected_deputy: Member | None) -> None:
    """Replace the request's proposed posts with what R2 gives."""
    request.posts.all().delete()
    ProposedPost.objects.bulk_create(
        ProposedPost(request=request, kind=kind, person=person)
        for kind, person in proposed_by_r2(request.office, elected_deputy)
    )


def deviations(request: EstablishmentRequest) -> list[str]:
    """How the proposed leadership differs from R2 (allowed with a reason; flagged to the township)."""
    if not request.establish_general:
        return []
    lead = r2_leadership(request.office)
    posts = list(request.posts.select_related("person"))
    by_kind: dict[str, list[Member]] = {}
    for post in posts:
        by_kind.setdefault(post.kind, []).append(post.person)
    found = []
    secretary = by_kind.get(PostKind.SECRETARY, [])
    if lead.secretary and secretary != [lead.secretary]:
        found.append(
            _("The secretary is not the office general branch's secretary (%(name)s).")
            % {"name": lead.secretary}
        )
    deputy = by_kind.get(PostKind.DEPUTY_SECRETARY, [])
    if lead.deputy and deputy != [lead.deputy]:
        found.append(
            _("The deputy secretary is not the office general branch's deputy (%(name)s).")
            % {"name": lead.deputy}
        )
    elected = set(by_kind.get(PostKind.ELECTED_DEPUTY, []))
    committee = set(by_kind.get(PostKind.COMMITTEE_MEMBER, []))
    left_out = [p for p in lead.village_secretaries if p not in committee and p not in elected]
    if left_out:
        found.append(
            _("Village secretaries left out of the committee: %(names)s.")
            % {"names": "、".join(p.name for p in left_out)}
        )
    return found


def check_request(request: EstablishmentRequest) -> dict[str, list[str]]:
    """Everything that keeps a request from being submitted (or established), by field; empty if none."""
    errors: dict[str, list[str]] = {}

    def fail(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    office = request.office
    township_id = office.township_id
    proposed_branches = list(request.branches.all())
    if not request.establish_general and not proposed_branches:
        fail(
            "__all__", _("The request asks for nothing: set up the community general branch or a sub-branch.")
        )
    names = [b.name for b in proposed_branches]
    general = office_general_branch(office)
    if request.establish_general:
        if not hasattr(office, "community"):
            fail("establish_general", _("The office has not set up a rural community yet."))
        if general is None:
            fail("establish_general", _("The office has no general branch on record to rename."))
        elif general.kind == BranchKind.COMMUNITY_GENERAL:
            fail("establish_general", _("The community general branch of this office already exists."))
        if not request.general_branch_name.strip():
            fail("general_branch_name", _("Give the community general branch its name."))
        else:
            names.append(request.general_branch_name.strip())
        _check_posts(request, fail)
        _check_election(request, fail)
        if deviations(request) and not request.deviation_reason.strip():
            fail(
                "deviation_reason",
                _("The leadership differs from the guidance (R2): give the reason in writing."),
            )
    elif general is None or general.kind != BranchKind.COMMUNITY_GENERAL:
        fail(
            "__all__",
            _("Sub-branches are set up under the community general branch, which does not exist yet."),
        )
    seen = set()
    for name in names:
        if name in seen:
            fail("__all__", _("The name %(name)s is used twice in this request.") % {"name": name})
        seen.add(name)
        taken = Branch.objects.filter(office__township_id=township_id, name=name, dissolved_on__isnull=True)
        if taken.exists():
            fail("__all__", _("The name %(name)s is already used in the township.") % {"name": name})
    others = EstablishmentRequest.objects.filter(office=office, state__in=PENDING_STATES).exclude(
        pk=request.pk
    )
    if request.establish_general and others.filter(establish_general=True).exists():
        fail("__all__", _("Another request for this office's community general branch is still pending."))
    for other in others.prefetch_related("branches"):
        clash = {b.name for b in other.branches.all()} & set(names)
        if other.establish_general and other.general_branch_name.strip():
            clash |= {other.general_branch_name.strip()} & set(names)
        for name in sorted(clash):
            fail("__all__", _("Another pending request already asks for %(name)s.") % {"name": name})
    return errors


def _check_posts(request: EstablishmentRequest, fail) -> None:
    posts = list(request.posts.select_related("person"))
    lead = r2_leadership(request.office)
    held: dict[int, str] = {}
    for post in posts:
        if post.person_id in held:
            fail(
                "posts",
                _("%(name)s is proposed for two posts: %(first)s and %(second)s.")
                % {"name": post.person, "first": held[post.person_id], "second": post.get_kind_display()},
            )
        held[post.person_id] = post.get_kind_display()
    kinds = [post.kind for post in posts]
    if kinds.count(PostKind.SECRETARY) != 1:
        fail("posts", _("Propose exactly one secretary."))
    if kinds.count(PostKind.ELECTED_DEPUTY) == 0:
        fail("posts", _("The elected deputy secretary is missing."))
    elif kinds.count(PostKind.ELECTED_DEPUTY) > 1:
        fail("posts", _("Only one deputy secretary is elected from the village secretaries."))
    village_secretaries = set(lead.village_secretaries)
    for post in posts:
        if (
            post.kind in (PostKind.ELECTED_DEPUTY, PostKind.COMMITTEE_MEMBER)
            and post.person not in village_secretaries
        ):
            fail(
                "posts",
                _("%(name)s (%(post)s) is not a village branch secretary of this office.")
                % {"name": post.person, "post": post.get_kind_display()},
            )


def _check_election(request: EstablishmentRequest, fail) -> None:
    if request.election_date is None:
        fail("election_date", _("Record the date of the democratic recommendation."))
    if not request.election_method:
        fail("election_method", _("Record how the deputy secretary was elected."))
    expected, present, votes = request.members_expected, request.members_present, request.votes
    if expected is None or present is None:
        fail("members_present", _("Record how many members were expected and present."))
    elif present > expected:
        fail("members_present", _("More members present than expected."))
    elif present * 2 <= expected:
        fail("members_present", _("Fewer than half of the members were present: the election is not valid."))
    if votes is None:
        fail("votes", _("Record the votes for the elected deputy secretary."))
    elif present is not None and votes > present:
        fail("votes", _("More votes than members present."))
    elif present is not None and votes * 2 <= present:
        fail("votes", _("The elected deputy secretary needs more than half of the votes of those present."))


# --- Who may act ------------------------------------------------------------------------------------------


def _township_staff_of(user, request: EstablishmentRequest) -> bool:
    return user.is_superuser or (
        user.role == Role.TOWNSHIP_STAFF and user.township_id == request.office.township_id
    )


def acts_on(user, action: str, request: EstablishmentRequest) -> bool:
    """Whether taking `action` on `request` is `user`'s part at all, whatever the request's state: the
    office's secretary edits and submits; the township's staff return, approve and report; the county
    viewer (or the township's staff on his behalf) consents."""
    if not user.is_authenticated or not user.is_active:
        return False
    if action in (RequestAction.EDIT, RequestAction.SUBMIT):
        return user.is_superuser or (
            user.role == Role.OFFICE_SECRETARY and user.office_id == request.office_id
        )
    if action in (RequestAction.APPROVE, RequestAction.RETURN, RequestAction.REPORT):
        return _township_staff_of(user, request)
    if action == RequestAction.CONSENT:
        county = user.role == Role.COUNTY_VIEWER and user.county_id == request.office.township.county_id
        return county or _township_staff_of(user, request)
    return False


# The state each action starts from (editing and submitting: any state the office may still edit).
ACTION_STATES = {
    RequestAction.EDIT: (RequestState.DRAFT, RequestState.RETURNED),
    RequestAction.SUBMIT: (RequestState.DRAFT, RequestState.RETURNED),
    RequestAction.RETURN: (RequestState.SUBMITTED,),
    RequestAction.APPROVE: (RequestState.SUBMITTED,),
    RequestAction.REPORT: (RequestState.APPROVED,),
    RequestAction.CONSENT: (RequestState.REPORTED,),
}


def may(user, action: str, request: EstablishmentRequest) -> bool:
    """Whether `user` may take `action` on `request` now (its state and his role)."""
    return request.state in ACTION_STATES.get(action, ()) and acts_on(user, action, request)


def waiting_for(user, requests):
    """Of `requests` (already scoped), those waiting for this user (待我处理)."""
    if user.is_superuser:
        return requests.filter(
            state__in=[RequestState.SUBMITTED, RequestState.APPROVED, RequestState.REPORTED]
        )
    if user.role == Role.OFFICE_SECRETARY:
        return requests.filter(state__in=[RequestState.DRAFT, RequestState.RETURNED])
    if user.role == Role.TOWNSHIP_STAFF:
        return requests.filter(
            state__in=[RequestState.SUBMITTED, RequestState.APPROVED, RequestState.REPORTED]
        )
    if user.role == Role.COUNTY_VIEWER:
        return requests.filter(state=RequestState.REPORTED)
    return requests.none()


# --- Transitions ------------------------------------------------------------------------------------------


def _move(
    request: EstablishmentRequest,
    user,
    action: str,
    from_state: str,
    to_state: str,
    opinion: str = "",
    **fields,
) -> EstablishmentRequest:
    if not may(user, action, request):
        raise ValidationError(_("You cannot do this to the request in its present state."))
    # The state moves only from the state it was read in: of two people acting at once, one succeeds.
    moved = EstablishmentRequest.objects.filter(pk=request.pk, state=from_state).update(
        state=to_state, version=F("version") + 1, **fields
    )
    if not moved:
        raise ValidationError(_("Someone else has acted on this request in the meantime; reload the page."))
    RequestEvent.objects.create(
        request=request, action=action, from_state=from_state, to_state=to_state, actor=user, opinion=opinion
    )
    request.refresh_from_db()
    return request


@transaction.atomic
def submit(request: EstablishmentRequest, user) -> EstablishmentRequest:
    errors = check_request(request)
    if errors:
        raise ValidationError(errors)
    return _move(
        request,
        user,
        RequestAction.SUBMIT,
        request.state,
        RequestState.SUBMITTED,
        submitted_at=timezone.now(),
        first_submitted_at=Coalesce("first_submitted_at", Value(timezone.now())),
    )


@transaction.atomic
def return_request(request: EstablishmentRequest, user, opinion: str) -> EstablishmentRequest:
    if not opinion.strip():
        raise ValidationError({"opinion": _("Say what the office should change.")})
    return _move(request, user, RequestAction.RETURN, RequestState.SUBMITTED, RequestState.RETURNED, opinion)


@transaction.atomic
def approve(
    request: EstablishmentRequest, user, meeting_date: datetime.date, decision_number: str, opinion: str = ""
) -> EstablishmentRequest:
    if not decision_number.strip():
        raise ValidationError({"decision_number": _("Record the decision number (文号).")})
    if meeting_date > timezone.localdate():
        raise ValidationError({"meeting_date": _("The date is in the future.")})
    return _move(
        request,
        user,
        RequestAction.APPROVE,
        RequestState.SUBMITTED,
        RequestState.APPROVED,
        opinion,
        meeting_date=meeting_date,
        approved_on=meeting_date,
        decision_number=decision_number.strip(),
    )


@transaction.atomic
def report(
    request: EstablishmentRequest, user, reported_on: datetime.date, report_number: str
) -> EstablishmentRequest:
    if request.approved_on and reported_on < request.approved_on:
        raise ValidationError({"reported_on": _("The report comes after the approval.")})
    return _move(
        request,
        user,
        RequestAction.REPORT,
        RequestState.APPROVED,
        RequestState.REPORTED,
        reported_on=reported_on,
        report_number=report_number.strip(),
    )


@transaction.atomic
def consent(
    request: EstablishmentRequest, user, consented_on: datetime.date, opinion: str = ""
) -> EstablishmentRequest:
    """The county's consent: the organisation is approved and established (批准成立) in this transaction."""
    if request.reported_on and consented_on < request.reported_on:
        raise ValidationError({"consented_on": _("The consent comes after the report.")})
    request = _move(
        request,
        user,
        RequestAction.CONSENT,
        RequestState.REPORTED,
        RequestState.ESTABLISHED,
        opinion,
        consented_on=consented_on,
        established_at=timezone.now(),
    )
    _establish(request, consented_on)
    return request


def _establish(request: EstablishmentRequest, on: datetime.date) -> None:
    office = request.office
    general = office_general_branch(office)
    if request.establish_general:
        rename_branch(
            general,
            request.general_branch_name,
            on,
            decision_number=request.decision_number,
            reason=_("Community general branch established"),
        )
        general.refresh_from_db()
        general.kind = BranchKind.COMMUNITY_GENERAL
        general.community = office.community
        general.full_clean()
        general.save()
        for post in general.posts.filter(ended_on__isnull=True):
            post.ended_on = on
            post.save()
        for proposed in request.posts.all():
            Post.objects.create(
                branch=general,
                kind=proposed.kind,
                person=proposed.person,
                started_on=on,
                decision_number=request.decision_number,
                decision_date=request.approved_on,
            )
        for term in general.terms.filter(started_on__lte=on, ends_on__gt=on):
            term.ends_on = on  # the office general branch's term ends with it
            term.save()
        number = (general.terms.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        Term.objects.create(
            branch=general,
            number=number,
            started_on=on,
            election_date=request.election_date,
            election_method=request.election_method,
            members_expected=request.members_expected,
            members_present=request.members_present,
            committee="；".join(
                f"{p.get_kind_display()} {p.person}" for p in request.posts.select_related("person")
            ),
        )
    for proposed in request.branches.all():
        branch = Branch(
            office=office,
            community=getattr(office, "community", None),
            parent=general,
            kind=proposed.kind,
            other_kind=proposed.other_kind,
            name=proposed.name,
            founded_on=on,
        )
        branch.full_clean()
        branch.save()
        proposed.created_branch = branch
        proposed.save()
        for person in proposed.members.filter(status="active"):
            if person.branch_id != branch.pk:
                transfer_within(person, branch, on, letter_number=request.decision_number)
