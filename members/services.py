"""Operations on members that touch more than one row; views call these, tests call them directly."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from branches.models import Branch, add_years
from members.choices import DevelopmentStage, Standing, Status, TransferKind
from members.models import ArchiveEntry, ContactLog, DevelopmentStep, Member, Transfer, years_between

# What may follow each standing, and the standing each step leads to.
NEXT_STAGES = {
    Standing.NONE: [DevelopmentStage.APPLIED],
    Standing.APPLICANT: [DevelopmentStage.ACTIVIST],
    Standing.ACTIVIST: [DevelopmentStage.DEVELOPMENT_OBJECT],
    Standing.DEVELOPMENT_OBJECT: [DevelopmentStage.ADMITTED],
    Standing.PROBATIONARY: [DevelopmentStage.FULL, DevelopmentStage.EXTENDED, DevelopmentStage.CANCELLED],
    Standing.FULL: [],
}
STANDING_AFTER = {
    DevelopmentStage.APPLIED: Standing.APPLICANT,
    DevelopmentStage.ACTIVIST: Standing.ACTIVIST,
    DevelopmentStage.DEVELOPMENT_OBJECT: Standing.DEVELOPMENT_OBJECT,
    DevelopmentStage.ADMITTED: Standing.PROBATIONARY,
    DevelopmentStage.EXTENDED: Standing.PROBATIONARY,
    DevelopmentStage.FULL: Standing.FULL,
    DevelopmentStage.CANCELLED: Standing.NONE,
}
MINIMUM_APPLICANT_AGE = 18


def _day(value: datetime.date) -> str:
    return date_format(value, "Y年n月j日") if value else ""


def probation_end(member: Member) -> datetime.date | None:
    """When the probation ends: one year after admission, or the date it was extended until."""
    if member.admitted_on is None:
        return None
    extension = member.development_steps.filter(stage=DevelopmentStage.EXTENDED, on__gte=member.admitted_on)
    until = extension.aggregate(until=Max("until"))["until"]
    return until or add_years(member.admitted_on, 1)


def check_development_step(
    member: Member, stage: str, on: datetime.date, until: datetime.date | None = None
) -> dict[str, list[str]]:
    """The party's rules for one more step, as {field: [messages]}; empty when the step may be taken."""
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    allowed = NEXT_STAGES.get(member.standing, [])
    if stage not in allowed:
        labels = "、".join(str(DevelopmentStage(s).label) for s in allowed) or _("no further step")
        fail(
            "stage",
            _("%(name)s is now %(standing)s; the next step can only be: %(allowed)s.")
            % {"name": member.name, "standing": member.get_standing_display(), "allowed": labels},
        )
        return errors
    if on > timezone.localdate():
        fail("on", _("The date is in the future."))
    last = member.development_steps.order_by("-on", "-pk").first()
    if last is not None and on < last.on:
        fail(
            "on",
            _("The date is before the previous step (%(stage)s, %(date)s).")
            % {"stage": last.get_stage_display(), "date": _day(last.on)},
        )
    if stage == DevelopmentStage.APPLIED and member.birth_date:
        age = years_between(member.birth_date, on)
        if age < MINIMUM_APPLICANT_AGE:
            fail(
                "on",
                _("An applicant must be at least 18 years old; %(name)s was %(age)d on %(date)s.")
                % {"name": member.name, "age": age, "date": _day(on)},
            )
    if stage == DevelopmentStage.DEVELOPMENT_OBJECT:
        became = member.development_steps.filter(stage=DevelopmentStage.ACTIVIST).aggregate(d=Max("on"))["d"]
        if became is None:
            fail("stage", _("The date %(name)s became an activist is not on record.") % {"name": member.name})
        elif on < add_years(became, 1):
            fail(
                "on",
                _(
                    "A development object must have been an activist for at least one year; %(name)s became "
                    "one on %(since)s, so the earliest date is %(earliest)s."
                )
                % {"name": member.name, "since": _day(became), "earliest": _day(add_years(became, 1))},
            )
    if stage in (DevelopmentStage.FULL, DevelopmentStage.EXTENDED, DevelopmentStage.CANCELLED):
        if member.admitted_on is None:
            fail("stage", _("The date %(name)s was admitted is not on record.") % {"name": member.name})
            return errors
        if on < member.admitted_on:
            fail("on", _("The date is before admission (%(date)s).") % {"date": _day(member.admitted_on)})
    if stage == DevelopmentStage.FULL and member.admitted_on:
        end = probation_end(member)
        if on < end:
            fail(
                "on",
                _(
                    "Full membership comes when the probation ends: %(name)s was admitted on %(admitted)s, "
                    "so the earliest date is %(earliest)s."
                )
                % {"name": member.name, "admitted": _day(member.admitted_on), "earliest": _day(end)},
            )
    if stage == DevelopmentStage.EXTENDED and member.admitted_on:
        if member.development_steps.filter(
            stage=DevelopmentStage.EXTENDED, on__gte=member.admitted_on
        ).exists():
            fail("stage", _("The probation has already been extended once."))
        normal_end = add_years(member.admitted_on, 1)
        if until is None:
            fail("until", _("Say until when the probation is extended."))
        elif not (normal_end + datetime.timedelta(days=182) <= until <= add_years(normal_end, 1)):
            fail(
                "until",
                _(
                    "A probation is extended by at least six months and at most one year: between "
                    "%(earliest)s and %(latest)s."
                )
                % {
                    "earliest": _day(normal_end + datetime.timedelta(days=182)),
                    "latest": _day(add_years(normal_end, 1)),
                },
            )
    return errors


@transaction.atomic
def record_development_step(
    member: Member,
    stage: str,
    on: datetime.date,
    *,
    until: datetime.date | None = None,
    decision_number: str = "",
    note: str = "",
) -> DevelopmentStep:
    """Check the rules, then record the step and move the person's standing on."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    errors = check_development_step(member, stage, on, until)
    if errors:
        raise ValidationError(errors)
    step = DevelopmentStep.objects.create(
        member=member,
        stage=stage,
        on=on,
        until=until if stage == DevelopmentStage.EXTENDED else None,
        decision_number=decision_number,
        note=note,
    )
    member.standing = STANDING_AFTER[stage]
    if stage == DevelopmentStage.ADMITTED:
        member.admitted_on = on
    elif stage == DevelopmentStage.FULL:
        member.full_member_on = on
    elif stage == DevelopmentStage.CANCELLED:
        member.admitted_on = None
    member.save()
    return step


@transaction.atomic
def transfer_within(
    member: Member, to_branch: Branch, on: datetime.date, *, letter_number: str = "", note: str = ""
) -> Transfer:
    """Move a member's organisational relation to another branch of the same township."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if not member.is_active:
        raise ValidationError(_("Only an active member can be transferred."))
    if to_branch.pk == member.branch_id:
        raise ValidationError({"to_branch": _("He is already in this organisation.")})
    if not to_branch.is_active:
        raise ValidationError({"to_branch": _("This organisation has been dissolved.")})
    if to_branch.office.township_id != member.township_id:
        raise ValidationError(
            {"to_branch": _("Transfers within the township only go to its own organisations.")}
        )
    transfer = Transfer.objects.create(
        member=member,
        kind=TransferKind.WITHIN,
        on=on,
        from_branch=member.branch,
        to_branch=to_branch,
        letter_number=letter_number,
        note=note,
    )
    member.branch = to_branch
    if member.village_id and member.village.office_id != to_branch.office_id:
        member.village = to_branch.village
    member.save()
    return transfer


@transaction.atomic
def transfer_out(
    member: Member, on: datetime.date, external_organisation: str, *, letter_number: str = "", note: str = ""
) -> Transfer:
    """The member's relation goes to an organisation outside the township; his record stays here."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if not member.is_active:
        raise ValidationError(_("Only an active member can be transferred."))
    if not external_organisation.strip():
        raise ValidationError({"external_organisation": _("Say which organisation he is transferred to.")})
    transfer = Transfer.objects.create(
        member=member,
        kind=TransferKind.OUT,
        on=on,
        from_branch=member.branch,
        external_organisation=external_organisation.strip(),
        letter_number=letter_number,
        note=note,
    )
    member.status = Status.TRANSFERRED_OUT
    member.status_changed_on = on
    end_roles(member, on)
    member.status_note = _("Transferred to %(organisation)s") % {
        "organisation": external_organisation.strip()
    }
    member.save()
    return transfer


@transaction.atomic
def transfer_in(
    member: Member, on: datetime.date, external_organisation: str, *, letter_number: str = "", note: str = ""
) -> Transfer:
    """Record that a member (new, or coming back) brought his relation in from elsewhere."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if not external_organisation.strip():
        raise ValidationError({"external_organisation": _("Say which organisation he comes from.")})
    if not member.branch.is_active:
        raise ValidationError(_("His organisation has been dissolved; transfer him first."))
    if not member.is_active:
        member.status = Status.ACTIVE
        member.status_changed_on = on
        member.status_note = ""
        member.full_clean(exclude=["branch", "village", "township"])
    transfer = Transfer.objects.create(
        member=member,
        kind=TransferKind.IN,
        on=on,
        to_branch=member.branch,
        external_organisation=external_organisation.strip(),
        letter_number=letter_number,
        note=note,
    )
    member.save()
    return transfer


@transaction.atomic
def change_status(member: Member, status: str, on: datetime.date, note: str = "") -> Member:
    """Deceased, left the party, or back to active: the record is kept, with the date and a note."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if status == Status.ACTIVE and member.status == Status.TRANSFERRED_OUT:
        raise ValidationError({"status": _("A member who was transferred out comes back by a transfer in.")})
    if status == Status.ACTIVE and not member.branch.is_active:
        raise ValidationError({"status": _("His organisation has been dissolved; transfer him first.")})
    if status == member.status:
        raise ValidationError(
            {"status": _("The status is already %(status)s.") % {"status": member.get_status_display()}}
        )
    member.status = status
    member.status_changed_on = on
    member.status_note = note
    if status != Status.ACTIVE:
        end_roles(member, on)
    if status == Status.ACTIVE:
        member.full_clean(exclude=["branch", "village", "township"])  # the ID must be free again
    member.save()
    return member


@transaction.atomic
def add_contact(member: Member, **fields) -> ContactLog:
    contact = ContactLog.objects.create(member=member, **fields)
    latest = member.contacts.aggregate(latest=Max("on"))["latest"]
    Member.objects.filter(pk=member.pk).update(last_contact_on=latest)
    return contact


def refresh_last_contact(member: Member) -> None:
    latest = member.contacts.aggregate(latest=Max("on"))["latest"]
    Member.objects.filter(pk=member.pk).update(last_contact_on=latest)


def add_archive_entry(member: Member, user, **fields) -> ArchiveEntry:
    return ArchiveEntry.objects.create(member=member, recorded_by=user, **fields)


def end_roles(member: Member, on: datetime.date) -> None:
    """Someone who leaves the township's books holds no post and is no reserve cadre from that day."""
    from branches.choices import ReserveStatus

    for post in member.posts.filter(ended_on__isnull=True):
        post.ended_on = max(on, post.started_on)
        post.save()
    for role in member.reserve_roles.filter(status=ReserveStatus.TRAINING):
        role.status = ReserveStatus.WITHDRAWN
        role.save()
