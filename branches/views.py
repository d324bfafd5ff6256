from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from django.views.generic.detail import SingleObjectMixin

from accounts.scope import can_change, can_create
from branches import services
from branches.archive import archive_checklist, completeness, current_term, leadership
from branches.choices import BranchKind, PostKind, ReserveStatus
from branches.composition import composition
from branches.filters import BranchFilterSet
from branches.forms import (
    BranchForm,
    DissolveForm,
    PostForm,
    RenameForm,
    ReserveCadreForm,
    TermForm,
    add_service_errors,
)
from branches.models import Branch, BranchName, Post, ReserveCadre, Term
from branches.tables import BranchTable
from meetings.cadence import branch_cadence
from members.choices import Status
from members.models import Member
from records.views import (
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedObjectMixin,
    ScopedUpdateView,
)

KIND_ORDER = Case(
    *[When(kind=kind, then=Value(index)) for index, kind in enumerate(BranchKind.values)],
    output_field=IntegerField(),
)


def annotate_branches(queryset):
    """Member count, current secretary and place of each organisation, in the official order."""
    today = timezone.localdate()
    secretary = (
        Post.objects.filter(branch=OuterRef("pk"), kind=PostKind.SECRETARY)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .order_by("-started_on")
        .values("person__name")[:1]
    )
    # Meta.ordering is dropped from GROUP BY queries, so the order is explicit. Distinct counts: the
    # search by former name joins another table.
    return (
        queryset.select_related("office__community", "parent", "community", "village")
        .annotate(
            own_count=Count("members", filter=Q(members__status=Status.ACTIVE), distinct=True),
            # A general branch's people are mostly in the branches under it, as on its archive page.
            sub_count=Count(
                "children__members", filter=Q(children__members__status=Status.ACTIVE), distinct=True
            ),
            member_count=F("own_count") + F("sub_count"),
            secretary_name=Subquery(secretary),
            place=Coalesce("village__name", "community__name", "office__community__name"),
            kind_order=KIND_ORDER,
        )
        .order_by("office__sort_order", "office__name", "kind_order", "village__sort_order", "name")
    )


class BranchListView(ScopedListView):
    model = Branch
    table_class = BranchTable
    filterset_class = BranchFilterSet
    create_url_name = "branches:branch_create"

    def get_queryset(self):
        return annotate_branches(super().get_queryset())


class BranchDetailView(ScopedDetailView):
    """The branch archive (R8): header and name history, sub-organisations, leadership, terms, reserve
    cadres, personnel composition, overdue mobile members and the archive checklist."""

    model = Branch
    template_name = "branches/branch_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("office__township", "community", "village", "parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, branch = self.request.user, self.object
        today = timezone.localdate()
        subtree = branch.subtree_ids()

        former_names = list(BranchName.objects.for_user(user).filter(branch=branch))
        children = annotate_branches(Branch.objects.for_user(user).filter(parent=branch))
        posts = list(Post.objects.for_user(user).filter(branch=branch).select_related("person"))
        current_posts, past_posts = leadership(posts, subtree)
        terms = list(Term.objects.for_user(user).filter(branch=branch))
        term = current_term(terms, today)
        reserves = list(ReserveCadre.objects.for_user(user).filter(branch=branch).select_related("person"))
        members = Member.objects.for_user(user).filter(branch__in=subtree)
        archives = completeness(members.active(), branch)
        context.update(
            today=today,
            former_names=former_names,
            children_table=BranchTable(
                children, request=self.request, exclude=["office", "parent"], orderable=False
            )
            if children.exists()
            else None,
            current_posts=current_posts,
            past_posts=past_posts,
            terms=terms,
            term=term,
            term_state=term.expiry_state(today) if term else None,
            reserves=reserves,
            composition=composition(members.active(), today),
            overdue_members=members.mobile_overdue(today).select_related("branch").order_by("stroke_key"),
            cadence=branch_cadence(user, branch, subtree, today) if branch.is_active else None,
            archives=archives,
            checklist=archive_checklist(
                branch,
                current_posts=current_posts,
                term=term,
                reserve_count=sum(1 for r in reserves if r.status == ReserveStatus.TRAINING),
                archives=archives,
                former_name_count=len(former_names),
                today=today,
            ),
        )
        return context


class BranchCreateView(ScopedCreateView):
    model = Branch
    form_class = BranchForm
    template_name = "branches/form.html"
    success_message = gettext_lazy("Party organisation %(name)s added.")


class BranchUpdateView(ScopedUpdateView):
    model = Branch
    form_class = BranchForm
    template_name = "branches/form.html"
    success_message = gettext_lazy("Party organisation %(name)s saved.")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "branch": self.object}


class BranchActionView(ScopedObjectMixin, SingleObjectMixin, FormView):
    """A change to one organisation made by a service function (renaming, dissolving)."""

    model = Branch
    action = "change"
    context_object_name = "object"

    def dispatch(self, request, *args, **kwargs):
        self.object = self.get_object()  # 404 out of scope, 403 read-only
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            message = self.perform(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(self.object.get_absolute_url())

    def perform(self, data: dict) -> str:
        raise NotImplementedError


class BranchRenameView(BranchActionView):
    form_class = RenameForm
    template_name = "branches/branch_rename.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["former_names"] = BranchName.objects.for_user(self.request.user).filter(branch=self.object)
        return context

    def perform(self, data: dict) -> str:
        old = services.rename_branch(
            self.object,
            data["name"],
            data["on"],
            decision_number=data["decision_number"],
            reason=data["reason"],
        )
        return _("%(old)s is renamed %(new)s; the former name stays on record.") % {
            "old": old.name,
            "new": data["name"].strip(),
        }


class BranchDissolveView(BranchActionView):
    form_class = DissolveForm
    template_name = "branches/branch_dissolve.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, branch = self.request.user, self.object
        context["active_member_count"] = (
            Member.objects.for_user(user).filter(branch=branch, status=Status.ACTIVE).count()
        )
        context["active_children"] = Branch.objects.for_user(user).filter(parent=branch).active()
        context["open_posts"] = (
            Post.objects.for_user(user).filter(branch=branch, ended_on__isnull=True).select_related("person")
        )
        context["blocked"] = bool(
            branch.dissolved_on or context["active_member_count"] or context["active_children"]
        )
        return context

    def perform(self, data: dict) -> str:
        services.dissolve_branch(self.object, data["on"])
        return _("%(name)s is dissolved; it stays on record.") % {"name": self.object}


class BranchRecordCreateView(ScopedCreateView):
    """Adds a post, term or reserve cadre to the organisation named by ?branch=."""

    template_name = "branches/form.html"

    def dispatch(self, request, *args, **kwargs):
        self.branch = None
        user = request.user
        if user.is_authenticated and can_create(user, self.model) and "branch" in request.GET:
            pk = request.GET["branch"]
            if not pk.isdigit():
                raise Http404
            self.branch = get_object_or_404(Branch.objects.for_user(user, "view"), pk=pk)
            if not can_change(user, self.branch):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "branch": self.branch}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "branch": self.branch}

    def get_success_url(self):
        return self.object.get_absolute_url()


class BranchRecordUpdateView(ScopedUpdateView):
    template_name = "branches/form.html"

    def get_queryset(self):
        return super().get_queryset().select_related("branch")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "branch": self.object.branch}


class PostCreateView(BranchRecordCreateView):
    model = Post
    form_class = PostForm
    success_message = gettext_lazy("Post %(name)s recorded.")


class PostUpdateView(BranchRecordUpdateView):
    model = Post
    form_class = PostForm
    success_message = gettext_lazy("Post %(name)s saved.")


class TermCreateView(BranchRecordCreateView):
    model = Term
    form_class = TermForm
    success_message = gettext_lazy("%(name)s recorded.")


class TermUpdateView(BranchRecordUpdateView):
    model = Term
    form_class = TermForm
    success_message = gettext_lazy("%(name)s saved.")


class ReserveCadreCreateView(BranchRecordCreateView):
    model = ReserveCadre
    form_class = ReserveCadreForm
    success_message = gettext_lazy("Reserve cadre %(name)s recorded.")


class ReserveCadreUpdateView(BranchRecordUpdateView):
    model = ReserveCadre
    form_class = ReserveCadreForm
    success_message = gettext_lazy("Reserve cadre %(name)s saved.")
