"""The establishment request pages (书面请示, R4): the list, the office's form, the request page with the
path and the actions each party may take now, and the printable documents.

Every request comes through `for_user`: outside the user's scope it is a 404. An action that is not the
user's part (the county approving, the office consenting) is a 403; one that is his part but not possible
in the request's present state sends him back to the request page with the reason. The transitions are
services in establishment.services; these views only collect the input and show the services' messages.
"""

import os

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, TemplateView

from accounts.choices import Role
from branches.choices import BranchKind, PostKind
from branches.models import Branch
from establishment import documents, services
from establishment.choices import EDITABLE_STATES, RequestAction, RequestState
from establishment.filters import RequestFilterSet
from establishment.forms import (
    ApproveForm,
    AttachmentFormSet,
    BranchFormSet,
    ConsentForm,
    PostFormSet,
    ReportForm,
    RequestForm,
    ReturnForm,
    SubmitForm,
)
from establishment.models import (
    EstablishmentRequest,
    ProposedBranch,
    ProposedPost,
    RequestAttachment,
    RequestEvent,
)
from establishment.tables import RequestTable, state_badge
from members.forms import add_errors
from records.views import ScopedDetailView, ScopedListView

# What each key of services.check_request is about, for the checklist.
PROBLEM_LABELS = {
    "__all__": gettext_lazy("The request"),
    "establish_general": gettext_lazy("Community general branch"),
    "general_branch_name": gettext_lazy("name of the community general branch"),
    "posts": gettext_lazy("Proposed posts"),
    "election_date": gettext_lazy("election date"),
    "election_method": gettext_lazy("election method"),
    "members_present": gettext_lazy("members present"),
    "votes": gettext_lazy("votes for the elected deputy"),
    "deviation_reason": gettext_lazy("reason for deviating from the guidance"),
}


def problem_list(request: EstablishmentRequest) -> list[dict]:
    return [
        {"key": key, "label": PROBLEM_LABELS.get(key, key), "message": message}
        for key, found in services.check_request(request).items()
        for message in found
    ]


def scoped_requests(user):
    return EstablishmentRequest.objects.for_user(user, "view").select_related("office__township__county")


class RequestListView(ScopedListView):
    model = EstablishmentRequest
    table_class = RequestTable
    filterset_class = RequestFilterSet
    create_url_name = "establishment:request_create"

    @property
    def export_name(self) -> str:
        return _("Establishment requests")

    def get_queryset(self):
        return super().get_queryset().select_related("office")


# --- Writing the request ----------------------------------------------------------------------------------


class RequestEditView(TemplateView):
    """The office's request with its leadership, sub-branches and attachments, saved in one transaction.
    A draft with problems can be saved; the checklist says what keeps it from being submitted."""

    template_name = "establishment/request_form.html"

    def setup_request(self) -> EstablishmentRequest:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        self.object = self.setup_request()
        if not isinstance(self.object, EstablishmentRequest):
            return self.object  # a redirect: the request cannot be edited any more
        self.office = self.object.office
        return super().dispatch(request, *args, **kwargs)

    def get_forms(self, data=None, files=None) -> dict:
        user, office, request = self.request.user, self.office, self.object
        kwargs = {"user": user, "office": office}
        posts_initial = []
        if request.pk is None:
            # A new request starts from what the guidance (R2) gives.
            posts_initial = [
                {"kind": kind, "person": person.pk} for kind, person in services.proposed_by_r2(office, None)
            ]
        post_formset = PostFormSet
        if posts_initial:
            post_formset = type("PostFormSet", (PostFormSet,), {"extra": len(posts_initial) + 1})
        return {
            "form": RequestForm(data, files, instance=request, user=user, office=office),
            "posts": post_formset(
                data, instance=request, prefix="posts", form_kwargs=kwargs, initial=posts_initial or None
            ),
            "branches": BranchFormSet(data, instance=request, prefix="branches", form_kwargs=kwargs),
            "attachments": AttachmentFormSet(data, files, instance=request, prefix="attachments"),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "form" not in context:
            context.update(self.get_forms())
        request = self.object
        lead = context["form"].leadership
        context.update(
            object=request if request.pk else None,
            office=self.office,
            lead=lead,
            attachments_on_record=list(request.attachments.all()) if request.pk else [],
            problems=problem_list(request) if request.pk else [],
            deviations=services.deviations(request) if request.pk else [],
            opinion=last_opinion(request) if request.pk else None,
        )
        return context

    def post(self, request, *args, **kwargs):
        forms = self.get_forms(request.POST, request.FILES)
        form = forms["form"]
        fill = form.fields["fill_by_r2"].widget.value_from_datadict(request.POST, request.FILES, "fill_by_r2")
        # With the posts filled by the guidance, the rows shown below are replaced and not checked.
        valid = [
            form.is_valid(),
            fill or forms["posts"].is_valid(),
            forms["branches"].is_valid(),
            forms["attachments"].is_valid(),
        ]
        if not all(valid):
            messages.error(request, _("The request was not saved: correct the fields marked below."))
            return self.render_to_response(self.get_context_data(**forms))
        creating = self.object.pk is None
        with transaction.atomic():
            if not creating and not self.lock():
                transaction.set_rollback(True)
                messages.error(
                    request, _("The request has been submitted in the meantime; it was not saved.")
                )
                return redirect(self.object)
            claimed = form.claim_version()  # False when someone saved it since this page was drawn
            saved = self.save(forms, fill) if claimed else None
        if not claimed:  # the form says who changed it and when, and keeps the input
            messages.error(request, _("The request was not saved: it was changed in the meantime."))
            return self.render_to_response(self.get_context_data(**forms))
        messages.success(request, _("Request %(title)s saved.") % {"title": saved})
        problems = services.check_request(saved)
        if problems:
            count = sum(len(found) for found in problems.values())
            messages.warning(
                request,
                _("%(count)s problem(s) must be fixed before the request can be submitted.")
                % {"count": count},
            )
        if "save_and_submit" in request.POST and not problems:
            return redirect("establishment:request_submit", pk=saved.pk)
        return redirect(saved)

    def lock(self) -> bool:
        """Whether the request is still editable, holding its row until the save ends (two tabs, or the
        office saving while it submits)."""
        return (
            EstablishmentRequest.objects.select_for_update()
            .filter(pk=self.object.pk, state__in=EDITABLE_STATES)
            .exists()
        )

    def save(self, forms: dict, fill: bool) -> EstablishmentRequest:
        user, form = self.request.user, forms["form"]
        creating = self.object.pk is None
        request = form.save(commit=False)
        if creating:
            request.save()
        else:
            # Only what the form edits: the state and the township's fields are the services' to write.
            request.save(update_fields=[name for name in form.Meta.fields])
        if not request.establish_general:
            # Posts are the community general branch's leadership: a request for sub-branches only has none.
            request.posts.all().delete()
        elif fill:
            services.fill_posts_by_r2(request, form.cleaned_data.get("elected_deputy"))
        else:
            forms["posts"].instance = request
            forms["posts"].save()
        forms["branches"].instance = request
        forms["branches"].save()
        for attachment_form in forms["attachments"]:
            if attachment_form.cleaned_data.get("file"):
                attachment = attachment_form.save(commit=False)
                attachment.request = request
                attachment.uploaded_by = user
                attachment.save()
        for attachment in form.cleaned_data.get("remove_attachments") or []:
            storage, name = attachment.file.storage, attachment.file.name
            attachment.delete()
            # The file goes only once the removal is committed.
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
        record_edit(request, user, creating)
        return request


def record_edit(request: EstablishmentRequest, user, creating: bool) -> None:
    """The path shows when the request was drafted and edited; saving a draft again and again in one
    sitting is one entry."""
    if creating:
        RequestEvent.objects.create(
            request=request, action=RequestAction.CREATE, to_state=request.state, actor=user
        )
        return
    last = request.events.order_by("-at", "-pk").first()
    if last and last.actor_id == user.pk and last.action in (RequestAction.CREATE, RequestAction.EDIT):
        return
    RequestEvent.objects.create(
        request=request,
        action=RequestAction.EDIT,
        from_state=request.state,
        to_state=request.state,
        actor=user,
    )


def last_opinion(request: EstablishmentRequest) -> RequestEvent | None:
    """The township's opinion when it returned the request, while the office works on it again."""
    if request.state != RequestState.RETURNED:
        return None
    return request.events.filter(action=RequestAction.RETURN).select_related("actor").order_by("-at").first()


class RequestCreateView(RequestEditView):
    def setup_request(self):
        user = self.request.user
        # A request is the office's: only an office secretary files one, for his own office.
        if not (user.role == Role.OFFICE_SECRETARY and user.office_id):
            raise PermissionDenied
        return EstablishmentRequest(office=user.office, created_by=user)


class RequestUpdateView(RequestEditView):
    def setup_request(self):
        request = get_object_or_404(scoped_requests(self.request.user), pk=self.kwargs["pk"])
        if not services.acts_on(self.request.user, RequestAction.EDIT, request):
            raise PermissionDenied
        if not services.may(self.request.user, RequestAction.EDIT, request):
            messages.error(
                self.request,
                _("The request is %(state)s: it can no longer be edited.")
                % {"state": request.get_state_display()},
            )
            return redirect(request)
        return request


# --- The request page -------------------------------------------------------------------------------------


# In the order the request page shows them: approving is what the township usually does.
ACTION_FORMS = {
    RequestAction.APPROVE: ApproveForm,
    RequestAction.RETURN: ReturnForm,
    RequestAction.REPORT: ReportForm,
    RequestAction.CONSENT: ConsentForm,
}


def request_context(request: EstablishmentRequest, user) -> dict:
    """What every page about one request shows: its posts, branches, attachments and path."""
    branches = list(
        ProposedBranch.objects.for_user(user).filter(request=request).prefetch_related("members__branch")
    )
    posts = documents.ordered_posts(
        ProposedPost.objects.for_user(user).filter(request=request).select_related("person__branch")
    )
    found = documents.organisations(request, branches)
    return {
        "posts": posts,
        "proposed_branches": branches,
        "attachments": list(
            RequestAttachment.objects.for_user(user).filter(request=request).select_related("uploaded_by")
        ),
        "events": list(RequestEvent.objects.for_user(user).filter(request=request).select_related("actor")),
        "deviations": services.deviations(request),
        "organisations": found,
        "post_lines": documents.post_lines(posts),
        "elected": next((post.person for post in posts if post.kind == PostKind.ELECTED_DEPUTY), None),
        "organisation_names": documents.names_of(found),
        "subject": documents.subject(request, found),
        "office_branch_name": documents.office_branch_name(request),
        "township_committee": documents.township_committee(request),
        "county_department": documents.county_department(request),
        "state_badge": state_badge(request),
    }


class RequestDetailView(ScopedDetailView):
    model = EstablishmentRequest
    template_name = "establishment/request_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("office__township__county", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, request = self.request.user, self.object
        context.update(request_context(request, user))
        may = {action: services.may(user, action, request) for action in services.ACTION_STATES}
        context["may"] = may
        context["action_forms"] = [
            {"action": action, "form": form_class(auto_id=f"{action}_%s"), "url": action_url(action, request)}
            for action, form_class in ACTION_FORMS.items()
            if may[action]
        ]
        context["problems"] = problem_list(request) if request.is_editable else []
        context["opinion"] = last_opinion(request)
        if request.state == RequestState.ESTABLISHED:
            context["established"] = established_organisations(request, user)
        return context


def action_url(action: str, request: EstablishmentRequest) -> str:
    return reverse(f"establishment:request_{action}", args=[request.pk])


def established_organisations(request: EstablishmentRequest, user) -> list[Branch]:
    """The organisations the request set up, as the user may open them."""
    ids = [pk for pk in request.branches.values_list("created_branch", flat=True) if pk]
    general = services.office_general_branch(request.office)
    if request.establish_general and general is not None and general.kind == BranchKind.COMMUNITY_GENERAL:
        ids.insert(0, general.pk)
    found = {branch.pk: branch for branch in Branch.objects.for_user(user).filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


# --- The steps of the path ----------------------------------------------------------------------------


class RequestActionView(FormView):
    """One step of the path, carried out by a service; GET shows its form on a page of its own (the
    request page shows the same forms inline)."""

    template_name = "establishment/request_action.html"
    action: str = ""
    title = ""

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(scoped_requests(request.user), pk=kwargs["pk"])
        if not services.acts_on(request.user, self.action, self.object):
            raise PermissionDenied
        if not services.may(request.user, self.action, self.object):
            messages.error(
                request,
                _("The request is %(state)s: this cannot be done now.")
                % {"state": self.object.get_state_display()},
            )
            return redirect(self.object)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(request_context(self.object, self.request.user))
        context.update(object=self.object, title=self.title, action=self.action)
        return context

    def form_valid(self, form):
        try:
            message = self.perform(form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(self.object)

    def perform(self, data: dict) -> str:
        raise NotImplementedError


class RequestSubmitView(RequestActionView):
    """The office sends the request to the town party committee, after a confirmation page."""

    action = RequestAction.SUBMIT
    form_class = SubmitForm
    title = gettext_lazy("Submit the request")
    template_name = "establishment/request_submit.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "problems": problem_list(self.object)}

    def perform(self, data):
        services.submit(self.object, self.request.user)
        return _("The request is submitted to the town party committee.")


class RequestReturnView(RequestActionView):
    action = RequestAction.RETURN
    form_class = ReturnForm
    title = gettext_lazy("Return the request to the office")

    def perform(self, data):
        services.return_request(self.object, self.request.user, data["opinion"])
        return _("The request is returned to %(office)s with your opinion.") % {"office": self.object.office}


class RequestApproveView(RequestActionView):
    action = RequestAction.APPROVE
    form_class = ApproveForm
    title = gettext_lazy("Record the town party committee's approval")

    def perform(self, data):
        services.approve(
            self.object, self.request.user, data["meeting_date"], data["decision_number"], data["opinion"]
        )
        return _("Approval recorded (%(number)s). Report it to the county next.") % {
            "number": self.object.decision_number
        }


class RequestReportView(RequestActionView):
    action = RequestAction.REPORT
    form_class = ReportForm
    title = gettext_lazy("Record the report to the county")

    def perform(self, data):
        services.report(self.object, self.request.user, data["reported_on"], data["report_number"])
        return _("The report to the county is recorded; the county's consent is awaited.")


class RequestConsentView(RequestActionView):
    action = RequestAction.CONSENT
    form_class = ConsentForm
    title = gettext_lazy("Record the county's consent")

    def perform(self, data):
        services.consent(self.object, self.request.user, data["consented_on"], data["opinion"])
        return _("The county has consented: %(names)s established.") % {
            "names": documents.names_of(
                documents.organisations(self.object, list(self.object.branches.all()))
            )
        }


# --- Attachments and printed documents ---------------------------------------------------------------


def attachment_download(request, pk: int):
    """An attachment, to those who may see its request; never from a public /media/ URL."""
    attachment = get_object_or_404(RequestAttachment.objects.for_user(request.user, "view"), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(attachment.file.name))


class RequestDocumentView(DetailView):
    """A request's document as it prints on A4."""

    model = EstablishmentRequest
    # The step the document records: it exists only once the step was taken.
    needs: str = ""

    def get_queryset(self):
        return scoped_requests(self.request.user)

    def get_object(self, queryset=None):
        request = super().get_object(queryset)
        if self.needs and not getattr(request, self.needs):
            raise Http404
        return request

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(request_context(self.object, self.request.user))
        context["today"] = timezone.localdate()
        return context


class RequestPrintView(RequestDocumentView):
    template_name = "establishment/request_print.html"


class ApprovalPrintView(RequestDocumentView):
    template_name = "establishment/request_approval_print.html"
    needs = "approved_on"


class ReportPrintView(RequestDocumentView):
    template_name = "establishment/request_report_print.html"
    needs = "reported_on"
