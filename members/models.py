"""Member archives (党员档案, R8): the people the branches keep, their development, transfers, contacts
with mobile members and dated archive entries. People's records are never deleted: status + date."""

import datetime

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from pypinyin import Style, lazy_pinyin
from simple_history.models import HistoricalRecords

from accounts.choices import Role
from accounts.scope import EDITING_ROLES, ScopedManager, ScopedQuerySet, ScopePaths
from branches.models import Branch
from communities.models import Township, Village
from members import idnumbers
from members.choices import (
    CATEGORY_LABELS,
    ContactMeans,
    DevelopmentStage,
    Education,
    EntryKind,
    Gender,
    Standing,
    Status,
    TransferKind,
)
from members.strokes import stroke_key
from records.versioning import VersionedModelMixin

# Village secretaries keep their own branch's members and archives (R8).
MEMBER_PATHS = ScopePaths(
    county="township__county",
    township="township",
    office="branch__office",
    village="branch__village",
    change_roles=EDITING_ROLES,
)


class MemberQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(status=Status.ACTIVE)

    def party_members(self):
        return self.filter(standing__in=[Standing.PROBATIONARY, Standing.FULL])

    def mobile_overdue(self, today: datetime.date | None = None):
        """Active mobile members nobody has contacted within the configured number of days."""
        cutoff = (today or timezone.localdate()) - datetime.timedelta(days=settings.MOBILE_CONTACT_DAYS)
        return self.filter(status=Status.ACTIVE, is_mobile=True).filter(
            Q(last_contact_on__isnull=True) | Q(last_contact_on__lt=cutoff)
        )


class Member(VersionedModelMixin, models.Model):
    """A person a branch keeps on record: a party member, or someone being developed into one."""

    township = models.ForeignKey(
        Township, models.PROTECT, related_name="members", editable=False, verbose_name=_("township")
    )
    branch = models.ForeignKey(
        Branch, models.PROTECT, related_name="members", verbose_name=_("party organisation")
    )
    village = models.ForeignKey(
        Village, models.PROTECT, related_name="residents", null=True, blank=True, verbose_name=_("village")
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=30)
    gender = models.CharField(
        _("gender"),
        max_length=10,
        choices=Gender.choices,
        blank=True,
        help_text=_("Filled from the ID number."),
    )
    ethnicity = models.CharField(_("ethnicity"), max_length=20, default="汉族")
    birth_date = models.DateField(_("birth date"), blank=True, help_text=_("Filled from the ID number."))
    id_number = models.CharField(_("resident ID number"), max_length=18)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True)
    occupation = models.CharField(_("occupation"), max_length=50, blank=True)
    standing = models.CharField(
        _("party standing"), max_length=20, choices=Standing.choices, default=Standing.FULL
    )
    admitted_on = models.DateField(_("joined the party on"), null=True, blank=True)
    full_member_on = models.DateField(_("full member since"), null=True, blank=True)
    is_wealth_expert = models.BooleanField(_("wealth-creation expert"), default=False)
    is_enterprise_head = models.BooleanField(_("small-enterprise head"), default=False)
    is_returned_graduate = models.BooleanField(_("college graduate back home"), default=False)
    lives_elsewhere = models.BooleanField(_("living elsewhere"), default=False)
    is_mobile = models.BooleanField(_("mobile member"), default=False)
    is_veteran = models.BooleanField(_("veteran"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    status_note = models.CharField(_("status note"), max_length=200, blank=True)
    last_contact_on = models.DateField(_("last contacted on"), null=True, blank=True, editable=False)
    # Kept in step on save: search by pinyin and sort by stroke order in the database.
    name_pinyin = models.CharField(max_length=120, editable=False, db_index=True, default="")
    name_initials = models.CharField(max_length=30, editable=False, db_index=True, default="")
    stroke_key = models.CharField(max_length=255, editable=False, db_index=True, default="")
    # Moves on with every save: an edit form drawn from an older version is refused (records.versioning).
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = MemberQuerySet.as_manager()
    scope_paths = MEMBER_PATHS
    # Shown masked wherever a record's values are listed, its change log included.
    masked_fields = {"id_number": idnumbers.mask, "phone": lambda value: mask_phone(value)}
    history = HistoricalRecords(excluded_fields=["name_pinyin", "name_initials", "stroke_key", "version"])

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["stroke_key", "pk"]
        # Full ID and phone numbers are shown only to those granted this (in the admin), and each showing
        # is written to the audit log.
        permissions = [("view_personal_data", _("Can view full ID and phone numbers"))]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "id_number"],
                condition=Q(status="active"),
                name="member_unique_active_id_number",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.branch_id:
            self.township_id = Branch.objects.values_list("office__township_id", flat=True).get(
                pk=self.branch_id
            )
        self.id_number = idnumbers.normalise(self.id_number)
        self.fill_search_keys()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("members:member_detail", args=[self.pk])

    def fill_search_keys(self) -> None:
        """The pinyin, initials and stroke-order key of the name (bulk_create skips save: call this)."""
        self.name = self.name.strip()
        self.name_pinyin = "".join(lazy_pinyin(self.name)).lower()
        self.name_initials = "".join(lazy_pinyin(self.name, style=Style.FIRST_LETTER)).lower()
        self.stroke_key = stroke_key(self.name)

    @property
    def is_active(self) -> bool:
        return self.status == Status.ACTIVE

    @property
    def is_party_member(self) -> bool:
        return self.standing in (Standing.PROBATIONARY, Standing.FULL)

    @property
    @admin.display(description=_("resident ID number"))
    def masked_id_number(self) -> str:
        return idnumbers.mask(self.id_number)

    @property
    @admin.display(description=_("phone"))
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def categories(self) -> list[str]:
        """Short labels of the categories (R3) the person belongs to."""
        return [str(label) for name, label in CATEGORY_LABELS.items() if getattr(self, name)]

    @property
    def category_text(self) -> str:
        return "、".join(self.categories)

    def age(self, today: datetime.date | None = None) -> int | None:
        if not self.birth_date:
            return None
        return years_between(self.birth_date, today or timezone.localdate())

    def status_history(self) -> list[dict]:
        """Each status the person has had, newest first, with its date, note and who recorded it."""
        rows, last = [], None
        for record in self.history.select_related("history_user").order_by("history_date", "history_id"):
            if record.status != last:
                rows.append(
                    {
                        "status": record.get_status_display(),
                        "on": record.status_changed_on,
                        "note": record.status_note,
                        "recorded_at": record.history_date,
                        "recorded_by": record.history_user,
                    }
                )
                last = record.status
        return rows[::-1]

    def is_contact_overdue(self, today: datetime.date | None = None) -> bool:
        if not (self.is_mobile and self.is_active):
            return False
        today = today or timezone.localdate()
        return (
            self.last_contact_on is None or (today - self.last_contact_on).days > settings.MOBILE_CONTACT_DAYS
        )

    def full_clean(self, *args, **kwargs) -> None:
        self.fill_from_id_number()
        super().full_clean(*args, **kwargs)

    def fill_from_id_number(self) -> None:
        """Birth date and gender come from a valid ID number when they were left empty."""
        try:
            facts = idnumbers.parse(self.id_number)
        except ValidationError:
            return
        self.birth_date = self.birth_date or facts.birth_date
        self.gender = self.gender or facts.gender

    def clean(self) -> None:
        errors = {}
        if self.id_number:
            try:
                facts = idnumbers.parse(self.id_number)
            except ValidationError as error:
                errors["id_number"] = error.messages[0]
            else:
                self.id_number = facts.number
                if self.birth_date and self.birth_date != facts.birth_date:
                    errors["birth_date"] = _(
                        "The birth date does not agree with the ID number (%(date)s)."
                    ) % {"date": facts.birth_date.isoformat()}
                if self.gender and self.gender != facts.gender:
                    errors["gender"] = _("The gender does not agree with the ID number.")
                if not self.birth_date:
                    self.birth_date = facts.birth_date
                if not self.gender:
                    self.gender = facts.gender
                if self.branch_id and self.status == Status.ACTIVE and "id_number" not in errors:
                    township_id = self.branch.office.township_id
                    # A roster import looks up every row's number at once (members.import_views).
                    known = getattr(self, "_active_id_numbers", None)
                    if known is not None and self.pk is None:
                        duplicate = (township_id, facts.number) in known
                    else:
                        duplicate = (
                            Member.objects.filter(
                                township_id=township_id, id_number=facts.number, status=Status.ACTIVE
                            )
                            .exclude(pk=self.pk)
                            .exists()
                        )
                    if duplicate:
                        # The holder may be outside the user's scope, so the message does not name him.
                        errors["id_number"] = _(
                            "An active person of the township with this ID number is already on record."
                        )
        if self.village_id and self.branch_id and self.village.office_id != self.branch.office_id:
            errors["village"] = _("The village is not under the office of the party organisation.")
        if self.admitted_on and self.full_member_on and self.full_member_on < self.admitted_on:
            errors["full_member_on"] = _("Full membership cannot come before joining.")
        if errors:
            raise ValidationError(errors)


class DevelopmentStep(models.Model):
    """One dated step of a person's development into a party member, checked against the rules."""

    member = models.ForeignKey(
        Member, models.CASCADE, related_name="development_steps", verbose_name=_("person")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=DevelopmentStage.choices)
    on = models.DateField(_("date"))
    until = models.DateField(
        _("extended until"), null=True, blank=True, help_text=_("Only for an extended probation.")
    )
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_paths = MEMBER_PATHS.through("member")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("development step")
        verbose_name_plural = _("development steps")
        ordering = ["member", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.member} {self.get_stage_display()} {self.on}"


class Transfer(models.Model):
    """An organisational-relation transfer (组织关系转接): the history stays on the member's page."""

    member = models.ForeignKey(Member, models.CASCADE, related_name="transfers", verbose_name=_("person"))
    kind = models.CharField(_("kind"), max_length=10, choices=TransferKind.choices)
    on = models.DateField(_("date"))
    from_branch = models.ForeignKey(
        Branch, models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("from organisation")
    )
    to_branch = models.ForeignKey(
        Branch, models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("to organisation")
    )
    external_organisation = models.CharField(
        _("organisation elsewhere"),
        max_length=120,
        blank=True,
        help_text=_("Where he comes from or goes to."),
    )
    letter_number = models.CharField(_("introduction letter number"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_paths = MEMBER_PATHS.through("member")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisational relation transfer")
        verbose_name_plural = _("organisational relation transfers")
        ordering = ["member", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()} {self.on}"

    @property
    def from_label(self) -> str:
        return str(self.from_branch) if self.from_branch_id else self.external_organisation

    @property
    def to_label(self) -> str:
        return str(self.to_branch) if self.to_branch_id else self.external_organisation


class ContactLog(models.Model):
    """A contact with a mobile member (流动党员): when, how, where he is and what was discussed."""

    member = models.ForeignKey(Member, models.CASCADE, related_name="contacts", verbose_name=_("person"))
    on = models.DateField(_("date"))
    means = models.CharField(_("means"), max_length=10, choices=ContactMeans.choices)
    whereabouts = models.CharField(_("where he is"), max_length=120, blank=True)
    content = models.TextField(_("what was discussed"), blank=True)

    objects = ScopedManager()
    scope_paths = MEMBER_PATHS.through("member")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact with a mobile member")
        verbose_name_plural = _("contacts with mobile members")
        ordering = ["member", "-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.member} {self.on}"


class ArchiveEntry(models.Model):
    """A dated entry of a member's archive, of one of the seven kinds (R8)."""

    member = models.ForeignKey(
        Member, models.CASCADE, related_name="archive_entries", verbose_name=_("person")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    on = models.DateField(_("date"))
    content = models.CharField(_("content"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    # Entries written from a meeting's attendance or democratic review: kept in step with the meeting
    # (meetings.services.sync_archive) and not edited by hand.
    meeting = models.ForeignKey(
        "meetings.Meeting",
        models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="archive_entries",
        verbose_name=_("meeting"),
    )

    objects = ScopedManager()
    scope_paths = MEMBER_PATHS.through("member")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("archive entry")
        verbose_name_plural = _("archive entries")
        ordering = ["member", "-on", "-pk"]
        # Archive completeness asks, per member, "is there an entry of this kind this year?" (an EXISTS per
        # required kind): with this index that is one index probe, not a read of the member's ~80 entries.
        indexes = [models.Index(fields=["member", "kind", "on"], name="members_entry_member_kind_on")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"


class RequiredArchiveKind(models.Model):
    """An entry kind the township requires in every member's archive each year (for completeness)."""

    township = models.ForeignKey(Township, models.CASCADE, related_name="required_archive_kinds")
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)

    objects = ScopedManager()
    scope_paths = ScopePaths(
        county="township__county",
        township="township",
        office="township__offices",
        village="township__offices__villages",
        change_roles=frozenset({Role.TOWNSHIP_STAFF}),
    )

    class Meta:
        verbose_name = _("required archive entry kind")
        verbose_name_plural = _("required archive entry kinds")
        constraints = [
            models.UniqueConstraint(fields=["township", "kind"], name="required_archive_kind_unique")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


def years_between(start: datetime.date, end: datetime.date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


PERSONAL_DATA_PERMISSION = "members.view_personal_data"


def may_view_personal_data(user) -> bool:
    """Whether `user` may have a full ID or phone number shown (each showing is audited)."""
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(PERSONAL_DATA_PERMISSION))


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
