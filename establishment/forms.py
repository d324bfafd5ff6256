"""Forms of the establishment request pages. The request form collects the office's text, its election
record and its leadership; the rules that keep a request from being submitted are in services.check_request
and are shown as a checklist, so a draft with gaps can still be saved."""

import os
from collections import Counter

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, Q, Value, When
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.choices import BranchKind, PostKind
from establishment import services
from establishment.models import (
    EstablishmentRequest,
    ProposedBranch,
    ProposedPost,
    RequestAttachment,
)
from members.choices import Status
from members.forms import DateInput, not_in_future
from members.models import Member
from records.forms import ScopedModelForm, VersionedFormMixin, label_blank_choices

MAX_ATTACHMENT_SIZE = 20 * 1024 * 1024
# What a scanned or written document may be, with the first bytes each kind of file starts with: a file
# renamed to .pdf is refused too.
ATTACHMENT_SIGNATURES = {
    "pdf": (b"%PDF",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "docx": (b"PK\x03\x04",),
}


def office_people(user, office, keep: list[int] | None = None):
    """The office's active people the user may see (and any already chosen, even if they left since);
    those already chosen first, so a long list does not hide them."""
    current = Q(pk__in=keep or [])
    return (
        Member.objects.for_user(user, "view")
        .filter(Q(branch__office=office, status=Status.ACTIVE) | current)
        .select_related("branch")
        .annotate(chosen_first=Case(When(current, then=Value(0)), default=Value(1)))
        .order_by("chosen_first", "stroke_key", "pk")
    )


def person_label(member: Member) -> str:
    return f"{member.name}（{member.branch}）"


class RequestForm(VersionedFormMixin, ScopedModelForm):
    """The request as the office writes it; the leadership comes from the guidance (R2) unless the office
    unticks `fill_by_r2` and edits the posts itself."""

    fill_by_r2 = forms.BooleanField(
        label=_("Fill the posts by the guidance (R2)"),
        required=False,
        help_text=_(
            "Secretary and deputy of the office general branch, the elected deputy chosen below, every "
            "other village secretary a committee member. Untick to edit the posts yourself."
        ),
    )
    elected_deputy = forms.ModelChoiceField(
        label=_("elected deputy secretary"),
        queryset=Member.objects.none(),
        required=False,
        help_text=_("Democratically elected from the village branch secretaries of this office."),
    )
    remove_attachments = forms.ModelMultipleChoiceField(
        label=_("Remove attachments"),
        queryset=RequestAttachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = EstablishmentRequest
        fields = [
            "title",
            "office_number",
            "establish_general",
            "general_branch_name",
            "justification",
            "election_date",
            "election_method",
            "members_expected",
            "members_present",
            "votes",
            "deviation_reason",
        ]
        widgets = {
            "election_date": DateInput(),
            "justification": forms.Textarea(attrs={"rows": 5}),
            "deviation_reason": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "office_number": _("The office's own document number, e.g. 东关办发〔2026〕3号."),
            "justification": _("Why the office asks for it: the community, its members and organisations."),
        }

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.office = office
        self.leadership = services.r2_leadership(office)
        secretaries = [person.pk for person in self.leadership.village_secretaries]
        deputy = self.fields["elected_deputy"]
        deputy.queryset = (
            Member.objects.for_user(self.user, "view").filter(pk__in=secretaries).select_related("branch")
        )
        deputy.label_from_instance = person_label
        self.fields["election_date"].validators.append(not_in_future)
        self.fields["general_branch_name"].widget.attrs["placeholder"] = _("e.g. 东关社区党总支")
        request = self.instance
        if request.pk:
            posts = list(request.posts.all())
            elected = next((p.person for p in posts if p.kind == PostKind.ELECTED_DEPUTY), None)
            self.initial.setdefault("elected_deputy", elected.pk if elected else None)
            proposed = Counter((kind, person.pk) for kind, person in services.proposed_by_r2(office, elected))
            self.initial.setdefault("fill_by_r2", Counter((p.kind, p.person_id) for p in posts) == proposed)
            self.fields["remove_attachments"].queryset = RequestAttachment.objects.for_user(
                self.user, "change"
            ).filter(request=request)
        else:
            self.initial.setdefault("fill_by_r2", True)
            # Once the community general branch exists, a new request is for sub-branches only.
            general = services.office_general_branch(office)
            if general is not None and general.kind == BranchKind.COMMUNITY_GENERAL:
                self.initial["establish_general"] = False
        if not self.fields["remove_attachments"].queryset.exists():
            del self.fields["remove_attachments"]

    def clean_title(self):
        return self.cleaned_data["title"].strip()

    def clean_general_branch_name(self):
        return self.cleaned_data["general_branch_name"].strip()


class ProposedPostForm(forms.ModelForm):
    class Meta:
        model = ProposedPost
        fields = ["kind", "person"]

    def __init__(self, *args, user, office, **kwargs):
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        keep = [self.instance.person_id] if self.instance.person_id else []
        person.queryset = office_people(user, office, keep)
        person.label_from_instance = person_label
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"
        label_blank_choices(self)

    def has_changed(self) -> bool:
        # A row pre-filled by the guidance counts even when the office leaves it as it was.
        return super().has_changed() or bool(self.initial.get("person"))


class ProposedBranchForm(forms.ModelForm):
    class Meta:
        model = ProposedBranch
        fields = ["kind", "other_kind", "name", "members"]
        widgets = {"members": forms.SelectMultiple(attrs={"size": 6})}
        help_texts = {"members": _("Hold Ctrl (or ⌘) to choose several people.")}

    def __init__(self, *args, user, office, **kwargs):
        super().__init__(*args, **kwargs)
        # The sub-kind only matters for an 'other' branch; app.js shows it only then.
        self.fields["other_kind"].widget.attrs["data-show-when"] = (
            f"{self.add_prefix('kind')}={BranchKind.OTHER}"
        )
        members = self.fields["members"]
        keep = list(self.instance.members.values_list("pk", flat=True)) if self.instance.pk else []
        members.queryset = office_people(user, office, keep)
        members.label_from_instance = person_label
        members.required = False
        label_blank_choices(self)

    def clean_name(self):
        return self.cleaned_data["name"].strip()


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = RequestAttachment
        fields = ["file", "description"]
        widgets = {"file": forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.doc,.docx"})}
        help_texts = {
            "file": _("PDF, JPG, PNG, DOC or DOCX, at most %(size)s.")
            % {"size": filesizeformat(MAX_ATTACHMENT_SIZE)}
        }

    def __init__(self, *args, **kwargs):
        kwargs.pop("user", None)
        kwargs.pop("office", None)
        super().__init__(*args, **kwargs)
        # Rows left empty upload nothing: neither field is required on its own.
        self.fields["file"].required = False
        self.fields["description"].required = False
        self.fields["description"].widget.attrs["placeholder"] = _("e.g. minutes of the election")

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return upload
        extension = os.path.splitext(upload.name)[1].lower().lstrip(".")
        if extension not in ATTACHMENT_SIGNATURES:
            raise ValidationError(
                _("%(name)s: only PDF, JPG, PNG, DOC and DOCX files can be attached.") % {"name": upload.name}
            )
        if upload.size > MAX_ATTACHMENT_SIZE:
            raise ValidationError(
                _("%(name)s is %(size)s; an attachment may be at most %(limit)s.")
                % {
                    "name": upload.name,
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(MAX_ATTACHMENT_SIZE),
                }
            )
        upload.seek(0)
        head = upload.read(8)
        upload.seek(0)
        if not head.startswith(ATTACHMENT_SIGNATURES[extension]):
            raise ValidationError(
                _("%(name)s is not a real %(kind)s file; scan or save it again.")
                % {"name": upload.name, "kind": extension.upper()}
            )
        return upload

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is None and data.get("description") and "file" not in self.errors:
            self.add_error("file", _("Choose the file to attach."))
        if upload is not None and not data.get("description"):
            data["description"] = os.path.splitext(os.path.basename(upload.name))[0][:120]
            self.instance.description = data["description"]
        return data


class NewAttachmentsFormSet(BaseInlineFormSet):
    """Uploads only: attachments on record are listed on the page and removed with a tick."""

    def get_queryset(self):
        return RequestAttachment.objects.none()


PostFormSet = inlineformset_factory(
    EstablishmentRequest, ProposedPost, form=ProposedPostForm, extra=1, can_delete=True
)
BranchFormSet = inlineformset_factory(
    EstablishmentRequest, ProposedBranch, form=ProposedBranchForm, extra=1, can_delete=True
)
AttachmentFormSet = inlineformset_factory(
    EstablishmentRequest,
    RequestAttachment,
    form=AttachmentForm,
    formset=NewAttachmentsFormSet,
    extra=2,
    can_delete=False,
)


# --- The steps of the path ------------------------------------------------------------------------------


def today_field(label) -> forms.DateField:
    return forms.DateField(
        label=label, widget=DateInput(), validators=[not_in_future], initial=timezone.localdate
    )


class SubmitForm(forms.Form):
    """Submitting asks for nothing but the confirmation itself."""


class ReturnForm(forms.Form):
    opinion = forms.CharField(
        label=_("opinion"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the office should change; it is shown to the office with the request."),
        error_messages={"required": _("Say what the office should change.")},
    )


class ApproveForm(forms.Form):
    meeting_date = today_field(_("committee meeting date"))
    decision_number = forms.CharField(
        label=_("decision number (文号)"),
        max_length=60,
        help_text=_("e.g. 青石党发〔2026〕12号"),
        error_messages={"required": _("Record the decision number (文号).")},
    )
    opinion = forms.CharField(label=_("opinion"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReportForm(forms.Form):
    reported_on = today_field(_("reported on"))
    report_number = forms.CharField(
        label=_("report number"),
        max_length=60,
        help_text=_("The number of the township's report to the county, e.g. 青石党报〔2026〕3号"),
        error_messages={"required": _("Record the number of the report.")},
    )


class ConsentForm(forms.Form):
    consented_on = today_field(_("county consented on"))
    opinion = forms.CharField(label=_("opinion"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
