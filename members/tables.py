"""Member lists. ID numbers and phones appear masked only, on screen and in every export: the columns
below are the only ones a list or its workbook has."""

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from members.choices import Status
from members.models import Member

NOWRAP = {"td": {"class": "text-nowrap"}}


class MemberTable(tables.Table):
    name = tables.Column(linkify=True, order_by=("stroke_key", "pk"), attrs=NOWRAP)
    gender = tables.Column(attrs=NOWRAP)
    age = tables.Column(accessor="age", verbose_name=_("age"), order_by=("-birth_date", "pk"))
    masked_id_number = tables.Column(
        verbose_name=_("resident ID number"),
        orderable=False,
        attrs={"td": {"class": "font-monospace text-nowrap"}},
    )
    masked_phone = tables.Column(verbose_name=_("phone"), orderable=False, attrs=NOWRAP)
    branch = tables.Column(accessor="branch__name", verbose_name=_("party organisation"), attrs=NOWRAP)
    village = tables.Column(accessor="village__name", verbose_name=_("village"), default="—", attrs=NOWRAP)
    standing = tables.Column(attrs=NOWRAP)
    categories = tables.Column(accessor="category_text", verbose_name=_("categories"), orderable=False)
    status = tables.Column(attrs=NOWRAP)
    contact_overdue = tables.Column(
        accessor="is_contact_overdue", verbose_name=_("contact overdue"), orderable=False
    )

    class Meta:
        model = Member
        fields = []  # every column is declared above, so nothing unmasked can slip in
        sequence = [
            "name",
            "gender",
            "age",
            "masked_id_number",
            "masked_phone",
            "branch",
            "village",
            "standing",
            "categories",
            "status",
            "contact_overdue",
        ]
        attrs = {"class": "table table-sm table-hover align-middle member-table"}
        row_attrs = {"data-member": lambda record: record.pk}

    def render_categories(self, record):
        return format_html_join(
            " ",
            '<span class="badge rounded-pill text-bg-light border">{}</span>',
            ((c,) for c in record.categories),
        )

    def render_status(self, record, value):
        if record.status == Status.ACTIVE:
            return value
        return format_html('<span class="badge text-bg-secondary">{}</span>', value)

    def render_contact_overdue(self, value):
        if not value:
            return ""
        return format_html(
            '<span class="text-danger contact-overdue" title="{0}"><i class="bi bi-flag-fill"></i>'
            '<span class="visually-hidden">{0}</span></span>',
            _("Not contacted within the required time"),
        )


class MemberExportTable(MemberTable):
    """The workbook for the county: the list's columns and a few more facts, still masked."""

    office = tables.Column(accessor="branch__office__name", verbose_name=_("office"))
    ethnicity = tables.Column()
    education = tables.Column()
    occupation = tables.Column()
    admitted_on = tables.Column()
    full_member_on = tables.Column()

    class Meta(MemberTable.Meta):
        sequence = [
            "name",
            "gender",
            "ethnicity",
            "age",
            "education",
            "occupation",
            "masked_id_number",
            "masked_phone",
            "office",
            "branch",
            "village",
            "standing",
            "admitted_on",
            "full_member_on",
            "categories",
            "status",
            "contact_overdue",
        ]


class MemberFullIdExportTable(MemberExportTable):
    """The same workbook with the full ID number, for those with the permission (the export is audited)."""

    masked_id_number = tables.Column(accessor="id_number", verbose_name=_("resident ID number"))
