from django import forms
from django.utils.translation import gettext_lazy as _

from communities.models import Community, Office, Village
from records.forms import ScopedModelForm


class OfficeForm(ScopedModelForm):
    class Meta:
        model = Office
        fields = ["name", "sort_order", "address", "phone"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Office.objects.filter(township=self.instance.township_id, name=name)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This township already has an office with this name."))
        return name


class VillageForm(ScopedModelForm):
    class Meta:
        model = Village
        fields = ["office", "name", "sort_order", "households", "population"]

    def clean(self):
        data = super().clean()
        office, name = data.get("office"), data.get("name")
        if office and name:
            clash = Village.objects.filter(office=office, name=name).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("name", _("This office already has a village with this name."))
        return data


class CommunityForm(ScopedModelForm):
    founded_on = forms.DateField(
        label=_("founded on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Community
        fields = ["office", "name", "founded_on", "address"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The office of an existing community is fixed: it is the office that set it up.
            self.fields["office"].disabled = True
        else:
            self.fields["office"].queryset = self.fields["office"].queryset.filter(community__isnull=True)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        office = self.cleaned_data.get("office") or getattr(self.instance, "office", None)
        if office is not None:
            clash = Community.objects.filter(office__township=office.township_id, name=name)
            if clash.exclude(pk=self.instance.pk).exists():
                raise forms.ValidationError(_("Another community in this township already has this name."))
        return name
