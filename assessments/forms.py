"""Forms of the inspections: the visit, the township's rectification item, and the office's report on it."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.choices import RectificationStatus
from assessments.models import Inspection, Rectification
from establishment.forms import AttachmentForm
from members.forms import DateInput, not_in_future
from records.forms import ScopedModelForm


class InspectionForm(ScopedModelForm):
    class Meta:
        model = Inspection
        fields = ["office", "on", "kind", "inspectors", "checked", "findings"]
        widgets = {
            "on": DateInput(),
            "checked": forms.Textarea(attrs={"rows": 4}),
            "findings": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].validators.append(not_in_future)
        if not self.instance.pk and not self.initial.get("on"):
            self.initial["on"] = timezone.localdate()
        self.fields["inspectors"].widget.attrs["placeholder"] = _("e.g. 王建国、李红")

    def clean_inspectors(self):
        return self.cleaned_data["inspectors"].strip()


def check_evidence_upload(upload) -> None:
    """The establishment's attachment rules (kinds, real file signatures, size limit) for an evidence file."""
    form = AttachmentForm(data={"description": "-"}, files={"file": upload})
    if not form.is_valid() and "file" in form.errors:
        raise ValidationError(form.errors["file"])
    upload.seek(0)


class EvidenceMixin:
    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the file on record
            check_evidence_upload(upload)
        return upload

    def clean_evidence(self):
        return self.cleaned_data.get("evidence", "").strip()


EVIDENCE_WIDGETS = {
    "evidence": forms.Textarea(attrs={"rows": 4}),
    "evidence_file": forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.doc,.docx"}),
    "done_on": DateInput(),
}


class RectificationForm(EvidenceMixin, ScopedModelForm):
    """The township's form: every fact of the item."""

    class Meta:
        model = Rectification
        fields = ["content", "owner", "deadline", "status", "evidence", "evidence_file", "done_on"]
        widgets = {"content": forms.Textarea(attrs={"rows": 3}), "deadline": DateInput(), **EVIDENCE_WIDGETS}


class RectificationReportForm(EvidenceMixin, ScopedModelForm):
    """The office's report: how far the item is, and the evidence when it is done."""

    class Meta:
        model = Rectification
        fields = ["status", "evidence", "evidence_file", "done_on"]
        widgets = {
            **EVIDENCE_WIDGETS,
            "status": forms.RadioSelect(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = RectificationStatus.choices
