"""Operations on organisations that touch more than one row."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches.models import Branch, BranchName


@transaction.atomic
def rename_branch(
    branch: Branch, new_name: str, on: datetime.date, *, decision_number: str = "", reason: str = ""
) -> BranchName:
    """Rename an organisation (R1); the old name is kept with the dates it was used."""
    branch = Branch.objects.select_for_update().get(pk=branch.pk)
    new_name = new_name.strip()
    if not new_name or new_name == branch.name:
        raise ValidationError({"name": _("Enter a new name different from the current one.")})
    previous = branch.former_names.order_by("-used_until").first()
    used_from = previous.used_until if previous else branch.founded_on
    if used_from and on < used_from:
        raise ValidationError({"on": _("The date is before the current name came into use.")})
    old = BranchName.objects.create(
        branch=branch,
        name=branch.name,
        used_from=used_from,
        used_until=on,
        decision_number=decision_number,
        reason=reason,
    )
    branch.name = new_name
    branch.full_clean()
    branch.save()
    return old


@transaction.atomic
def dissolve_branch(branch: Branch, on: datetime.date) -> Branch:
    """Dissolve (撤销) an organisation: it stays on record with the date; its members must be moved first."""
    branch = Branch.objects.select_for_update().get(pk=branch.pk)
    if branch.dissolved_on:
        raise ValidationError(_("This organisation was already dissolved."))
    if branch.founded_on and on < branch.founded_on:
        raise ValidationError({"on": _("The date is before the founding date.")})
    if branch.members.filter(status="active").exists():
        raise ValidationError(_("Transfer its active members to another organisation first."))
    if branch.children.filter(dissolved_on__isnull=True).exists():
        raise ValidationError(_("Dissolve or move the organisations under it first."))
    branch.dissolved_on = on
    branch.save()
    for post in branch.posts.filter(ended_on__isnull=True):
        post.ended_on = on
        post.save()
    return branch
