"""A community's score sheet in an assessment round (issue 7, "The round"): the sheet as the paper form shows
it, the office's self-assessment, the inspectors' scoring, the A4 score sheet, and objections.

Who sees a sheet: the township's staff, the office's own secretary, and the county once the round is
published; everyone else gets 404. What each may do is the services' rule (assessments.rounds): their
PermissionDenied is a 403 and their ValidationError a message or a field error.
"""

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.choices import Role
from accounts.scope import can_change
from assessments import rounds, templating
from assessments.forms_sheets import ObjectionForm, ScoreForm, SelfAssessmentForm, self_assessable
from assessments.models import EntryAttachment, Method, RoundState, Sheet
from assessments.scoring import Grade
from records.forms import VersionForm


def get_sheet(user, pk: int) -> Sheet:
    """The sheet if the user may see it, else 404 (the county only sees published rounds)."""
    sheet = get_object_or_404(
        Sheet.objects.for_user(user).select_related(
            "round__template", "round__township", "office", "self_submitted_by", "scored_by"
        ),
        pk=pk,
    )
    if user.role == Role.COUNTY_VIEWER and sheet.round.state not in rounds.PUBLISHED:
        raise Http404
    return sheet


def entries_of(sheet: Sheet, user) -> list:
    """The sheet's entries with their evidence attachments (`entry.attachments.all`)."""
    attachments = EntryAttachment.objects.for_user(user, "view").order_by("pk")
    return list(
        sheet.entries.select_related("item")
        .prefetch_related(Prefetch("attachments", queryset=attachments))
        .order_by("item__order", "item__pk")
    )


def round_urls(sheet: Sheet) -> dict:
    """Links to the round's pages, when they exist."""
    urls = {}
    for key, name, args in (
        ("round_list_url", "assessments:round_list", []),
        ("round_url", "assessments:round_detail", [sheet.round_id]),
    ):
        try:
            urls[key] = reverse(name, args=args)
        except NoReverseMatch:
            urls[key] = ""
    return urls


def layout(sheet: Sheet, entries: list) -> dict:
    """The entries laid out as the paper form (the five goods, bonus, veto) with the group subtotals and the
    total: stored when the round is published, else provisional (rounds.sheet_total)."""
    by_item = {entry.item_id: entry for entry in entries}
    paper = templating.sheet(sheet.round.template, [entry.item for entry in entries])
    total = rounds.sheet_total(sheet)
    groups = []
    for group in paper.groups:
        if not group.items:
            continue
        points, most = total.groups.get(group.code, (None, group.subtotal))
        groups.append(
            {
                "code": group.code,
                "label": group.label,
                "entries": [by_item[item.pk] for item in group.items],
                "points": points,
                "max": most,
            }
        )
    if paper.stray:
        groups.append(
            {
                "code": "other",
                "label": _("other items"),
                "entries": [by_item[item.pk] for item in paper.stray],
                "points": None,
                "max": sum((item.max_points for item in paper.stray), 0),
            }
        )
    for entry in entries:
        entry.deducted = (
            entry.item.max_points - entry.effective_points if entry.effective_points is not None else None
        )
    published = sheet.round.state in rounds.PUBLISHED
    return {
        "groups": groups,
        "bonus_entries": [by_item[item.pk] for item in paper.bonus],
        "veto_entries": [by_item[item.pk] for item in paper.veto],
        "total": total,
        "published": published,
        "final_total": sheet.total if published else total.total,
        "final_grade": Grade(sheet.grade).label if published and sheet.grade else Grade(total.grade).label,
        "scored_max": paper.scored_total,
    }


def sheet_context(request, sheet: Sheet, entries: list | None = None) -> dict:
    user = request.user
    entries = entries if entries is not None else entries_of(sheet, user)
    state = sheet.round.state
    own = rounds.is_own_office_secretary(user, sheet)
    context = {
        "sheet": sheet,
        "round": sheet.round,
        "template": sheet.round.template,
        "methods": Method,
        "may_self_assess": state == RoundState.OPEN and rounds.can_self_assess(user, sheet),
        "may_score": state in rounds.SCORABLE and can_change(user, sheet.round),
        "may_object": own and rounds.in_notice_period(sheet.round),
        "objections": list(sheet.objections.select_related("lodged_by", "answered_by")),
        "computed_as_of": rounds.computed_as_of(sheet.round) if state in rounds.SCORABLE else None,
        **round_urls(sheet),
        **layout(sheet, entries),
    }
    if context["may_object"]:
        context.setdefault("objection_form", ObjectionForm())
    return context


@login_required
def sheet_detail(request, pk: int):
    sheet = get_sheet(request.user, pk)
    return render(request, "assessments/sheet_detail.html", sheet_context(request, sheet))


@login_required
def sheet_print(request, pk: int):
    sheet = get_sheet(request.user, pk)
    context = sheet_context(request, sheet)
    context["printed_on"] = timezone.localdate()
    return render(request, "assessments/sheet_print.html", context)


def refuse_closed(request, sheet: Sheet, message: str):
    messages.error(request, message)
    return redirect("assessments:sheet_detail", sheet.pk)


def save_entries(form, entries, call) -> bool:
    """Run `call(entry)` (a service; it returns the field a refusal belongs to) for every entry, all or
    nothing: every refusal goes beside its field and nothing is saved if there is one."""
    with transaction.atomic():
        for entry in entries:
            field, service = call(entry)
            try:
                service()
            except ValidationError as error:
                form.refuse(entry, field, error.messages)
        if form.errors:
            transaction.set_rollback(True)
            return False
    return True


class SheetVersionForm(VersionForm):
    """The version of the sheet the scoring or self-assessment page was drawn from (records.versioning)."""

    def change_url(self) -> str:
        return self.versioned.get_absolute_url()  # the sheet as it is now, with who scored it and when


def save_claimed(version_form, save) -> bool:
    """`save()` (it returns whether it saved) only if nobody saved the sheet since the page was drawn; the
    claim is undone with everything else when nothing is saved."""
    with transaction.atomic():
        if not version_form.claim_version():
            transaction.set_rollback(True)
            return False
        saved = save()
        if not saved:
            transaction.set_rollback(True)
    return saved


def save_self(form, user) -> bool:
    """The points, notes and attachments, all in one transaction."""
    with transaction.atomic():
        saved = save_entries(
            form,
            form.entries,
            lambda entry: (
                "points",
                lambda: rounds.self_assess(
                    entry, user, form.value(entry, "points"), form.value(entry, "note") or ""
                ),
            ),
        )
        if saved:
            form.save_attachments(user)
    return saved


@login_required
def sheet_self(request, pk: int):
    """The office's self-assessment: points and an evidence note for every manual, deduction and bonus
    item, on one page."""
    sheet = get_sheet(request.user, pk)
    if not rounds.can_self_assess(request.user, sheet):
        raise PermissionDenied
    if sheet.round.state != RoundState.OPEN:
        return refuse_closed(request, sheet, _("Self-assessment is closed for this round."))
    entries = entries_of(sheet, request.user)
    form = SelfAssessmentForm(entries, request.POST or None, request.FILES or None, user=request.user)
    version_form = SheetVersionForm(request.POST or None, versioned=sheet)
    if request.method == "POST":
        if form.is_valid() and save_claimed(version_form, lambda: save_self(form, request.user)):
            messages.success(request, _("Self-assessment saved. Submit it when every item is done."))
            if request.POST.get("then") == "submit":
                return redirect("assessments:sheet_submit_self", sheet.pk)
            return redirect("assessments:sheet_self", sheet.pk)
        if version_form.conflict is None:  # else the conflict says why, above the form
            messages.error(request, _("Nothing was saved: correct the fields marked below."))
    context = sheet_context(request, sheet, entries)
    context.update(form=form, version_form=version_form)
    return render(request, "assessments/sheet_self.html", context)


@login_required
def sheet_submit_self(request, pk: int):
    """Confirm, then hand in the self-assessment (rounds.submit_self)."""
    sheet = get_sheet(request.user, pk)
    if not rounds.can_self_assess(request.user, sheet):
        raise PermissionDenied
    if sheet.round.state != RoundState.OPEN:
        return refuse_closed(request, sheet, _("Self-assessment is closed for this round."))
    if request.method == "POST":
        try:
            rounds.submit_self(sheet, request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("assessments:sheet_self", sheet.pk)
        messages.success(request, _("Self-assessment submitted: the township's inspectors will score it."))
        return redirect("assessments:sheet_detail", sheet.pk)
    entries = [entry for entry in entries_of(sheet, request.user) if self_assessable(entry)]
    context = sheet_context(request, sheet)
    context.update(
        self_entries=entries,
        blank=[entry for entry in entries if entry.self_points is None and entry.item.kind != "bonus"],
    )
    return render(request, "assessments/sheet_submit_self.html", context)


@login_required
def sheet_score(request, pk: int):
    """The inspectors' scoring of every item of the sheet on one page, one submit, all or nothing."""
    sheet = get_sheet(request.user, pk)
    if not can_change(request.user, sheet.round):
        raise PermissionDenied
    if sheet.round.state not in rounds.SCORABLE:
        return refuse_closed(request, sheet, _("The round is published: reopen it to change a score."))
    entries = entries_of(sheet, request.user)
    form = ScoreForm(entries, request.POST or None)
    version_form = SheetVersionForm(request.POST or None, versioned=sheet)
    if request.method == "POST":

        def call(entry):
            field, arguments = form.score_arguments(entry)
            return field, lambda: rounds.score(entry, request.user, **arguments)

        if form.is_valid() and save_claimed(version_form, lambda: save_entries(form, form.entries, call)):
            messages.success(request, _("Scores saved: %(sheet)s.") % {"sheet": sheet.office})
            return redirect("assessments:sheet_detail", sheet.pk)
        if version_form.conflict is None:  # else the conflict says why, above the form
            messages.error(request, _("Nothing was saved: correct the fields marked below."))
    context = sheet_context(request, sheet, entries)
    context.update(form=form, version_form=version_form)
    return render(request, "assessments/sheet_score.html", context)


@login_required
@require_POST
def sheet_objection(request, pk: int):
    """The office secretary lodges an objection to his published sheet, in the notice period."""
    sheet = get_sheet(request.user, pk)
    form = ObjectionForm(request.POST)
    if not rounds.is_own_office_secretary(request.user, sheet):
        raise PermissionDenied
    if not form.is_valid():
        messages.error(request, _("Give the reason for the objection."))
        return redirect("assessments:sheet_detail", sheet.pk)
    try:
        rounds.lodge_objection(sheet, request.user, form.cleaned_data["reason"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Objection lodged: the township will answer it."))
    return redirect(f"{reverse('assessments:sheet_detail', args=[sheet.pk])}#objections")


@login_required
def entry_attachment(request, pk: int):
    """An item's evidence file, to those who may see its sheet; never from a public /media/ URL."""
    attachment = get_object_or_404(
        EntryAttachment.objects.for_user(request.user, "view").select_related("entry"), pk=pk
    )
    get_sheet(request.user, attachment.entry.sheet_id)  # the county only once published
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(attachment.file.name))
