"""The forms of a community's score sheet: the office's self-assessment and the inspector's scoring, each one
form over all the sheet's items (one field set per entry), and the objection.

The forms only check the shape of what was typed (a number, not negative); the rules (the maximum, a reason
for changing a computed score, a reason for a veto) are the services' in assessments.rounds, whose refusals
the views put beside the entry's fields.
"""

from django import forms
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from assessments.models import EntryAttachment, Method
from assessments.scoring import ItemKind
from establishment.forms import MAX_ATTACHMENT_SIZE, AttachmentForm


def points_field(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal", "class": "form-control"}),
    )


def text_field(label, placeholder="") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": placeholder}),
    )


def self_assessable(entry) -> bool:
    """Manual, deduction and bonus items: what the office assesses (automatic and veto items are not)."""
    return entry.item.kind != ItemKind.VETO and entry.item.method != Method.AUTOMATIC


class EntriesForm(forms.Form):
    """A form with a field set per sheet entry; `entry.fields` maps short names to the bound fields."""

    def __init__(self, entries, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = list(entries)
        for entry in self.entries:
            for name, field in self.fields_for(entry).items():
                self.fields[self.name(entry, name)] = field
        for entry in self.entries:
            entry.fields = {name: self[self.name(entry, name)] for name in self.fields_for(entry)}

    @staticmethod
    def name(entry, name: str) -> str:
        return f"e{entry.pk}-{name}"

    def fields_for(self, entry) -> dict:
        raise NotImplementedError

    def value(self, entry, name: str):
        return self.cleaned_data.get(self.name(entry, name))

    def add_error(self, field, error) -> None:
        super().add_error(field, error)
        if field in self.fields:
            widget = self.fields[field].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    def refuse(self, entry, name: str, messages) -> None:
        """Put a service's refusal beside the entry's field."""
        for message in messages:
            self.add_error(self.name(entry, name), message)


class EntryAttachmentForm(AttachmentForm):
    """The establishment's attachment rules (kinds, real file signatures, size limit) for a sheet item."""

    class Meta(AttachmentForm.Meta):
        model = EntryAttachment


class SelfAssessmentForm(EntriesForm):
    """The office's points, evidence note and evidence files for each of its self-assessable items."""

    def __init__(self, entries, *args, user=None, **kwargs):
        entries = [entry for entry in entries if self_assessable(entry)]
        super().__init__(entries, *args, **kwargs)
        # Attachments on record are listed beside their item and removed with a tick.
        self.fields["remove_attachments"] = forms.ModelMultipleChoiceField(
            label=_("Remove attachments"),
            queryset=EntryAttachment.objects.for_user(user, "change").filter(entry__in=self.entries)
            if user is not None
            else EntryAttachment.objects.none(),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.uploads: list[EntryAttachmentForm] = []
        if not self.is_bound:
            for entry in self.entries:
                self.initial[self.name(entry, "points")] = entry.self_points
                self.initial[self.name(entry, "note")] = entry.self_note

    def fields_for(self, entry) -> dict:
        return {
            "points": points_field(_("self-assessed points")),
            "note": text_field(_("evidence"), _("where the inspectors can see it")),
            "file": forms.FileField(
                label=_("attach a file"),
                required=False,
                help_text=_("PDF, JPG, PNG, DOC or DOCX, at most %(size)s.")
                % {"size": filesizeformat(MAX_ATTACHMENT_SIZE)},
                widget=forms.FileInput(
                    attrs={"accept": ".pdf,.jpg,.jpeg,.png,.doc,.docx", "class": "form-control"}
                ),
            ),
        }

    def clean(self):
        """Each upload is checked by the establishment's attachment rules; a refusal goes beside its item."""
        data = super().clean()
        self.uploads = []
        for entry in self.entries:
            name = self.name(entry, "file")
            upload = data.get(name)
            if not upload:
                continue
            attachment = EntryAttachmentForm(
                {"description": ""}, {"file": upload}, instance=EntryAttachment(entry=entry)
            )
            if attachment.is_valid():
                self.uploads.append(attachment)
            else:
                for errors in attachment.errors.values():
                    self.refuse(entry, "file", errors)
        return data

    def save_attachments(self, user) -> None:
        """Store the uploads and remove the ticked attachments; call inside the points' transaction."""
        for attachment in self.uploads:
            saved = attachment.save(commit=False)
            saved.uploaded_by = user
            saved.save()
        for attachment in self.cleaned_data.get("remove_attachments") or []:
            storage, name = attachment.file.storage, attachment.file.name
            attachment.delete()
            # The file goes only once the removal is committed.
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))


class ScoreForm(EntriesForm):
    """The inspector's points for every item: an automatic item's computed points are changed only with a
    reason, a deduction item is scored by the number of missing things, a veto item is ticked with a
    reason."""

    def __init__(self, entries, *args, **kwargs):
        super().__init__(entries, *args, **kwargs)
        if not self.is_bound:
            for entry in self.entries:
                initial = self.initial_for(entry)
                for name, value in initial.items():
                    self.initial[self.name(entry, name)] = value

    @staticmethod
    def initial_for(entry) -> dict:
        item = entry.item
        if item.kind == ItemKind.VETO:
            return {"vetoed": entry.vetoed, "veto_reason": entry.veto_reason}
        if item.method == Method.DEDUCTION:
            return {"missing": entry.missing_count, "reason": entry.adjust_reason}
        if item.method == Method.AUTOMATIC:
            points = entry.inspector_points if entry.inspector_points is not None else entry.computed_points
            return {"points": points, "reason": entry.adjust_reason}
        # A manual item: the inspector's points, or the office's self-assessment to confirm or change.
        points = entry.inspector_points if entry.inspector_points is not None else entry.self_points
        return {"points": points, "reason": entry.adjust_reason}

    def fields_for(self, entry) -> dict:
        item = entry.item
        if item.kind == ItemKind.VETO:
            return {
                "vetoed": forms.BooleanField(
                    label=_("the veto applies"),
                    required=False,
                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                ),
                "veto_reason": text_field(_("reason for the veto")),
            }
        if item.method == Method.DEDUCTION:
            return {
                "missing": forms.IntegerField(
                    label=_("things missing"),
                    required=False,
                    min_value=0,
                    max_value=999,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "form-control"}),
                ),
                "reason": text_field(_("what is missing")),
            }
        if item.method == Method.AUTOMATIC:
            return {
                "points": points_field(_("inspector's points")),
                "reason": text_field(
                    _("reason for the adjustment"), _("required when the computed points are changed")
                ),
            }
        return {"points": points_field(_("inspector's points")), "reason": text_field(_("note"))}

    def score_arguments(self, entry) -> tuple[str, dict]:
        """The field a refusal belongs to, and the arguments of rounds.score for the entry."""
        item = entry.item
        if item.kind == ItemKind.VETO:
            return "veto_reason", {
                "vetoed": bool(self.value(entry, "vetoed")),
                "veto_reason": self.value(entry, "veto_reason") or "",
            }
        if item.method == Method.DEDUCTION:
            return "missing", {
                "missing": self.value(entry, "missing"),
                "reason": self.value(entry, "reason") or "",
            }
        points = self.value(entry, "points")
        reason = self.value(entry, "reason") or ""
        field = "points"
        if (
            item.method == Method.AUTOMATIC
            and points is not None
            and points <= item.max_points
            and points != entry.computed_points
            and not reason.strip()
        ):
            field = "reason"  # refused for the missing reason, not for the points
        return field, {"points": points, "reason": reason}


class ObjectionForm(forms.Form):
    reason = forms.CharField(
        label=_("objection"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("Which item, what you think is wrong, and where the evidence is."),
    )
