"""Importing member rosters from Excel: upload → preview (every problem, or the rows to be created) →
confirm, which validates everything again and writes all rows in one transaction or none.

The organisation of each row comes from its 所在党组织 column, looked up by name among the organisations
the user keeps members in; a name outside his scope is a row error like a name that does not exist.
"""

import datetime
import secrets
from collections import defaultdict
from collections.abc import Iterator

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.choices import ROLE_LEVEL
from accounts.scope import can_create
from audit.signals import record_created
from branches.models import Branch, BranchName
from communities.models import Village
from jobs.models import Job
from jobs.services import enqueue
from members import idnumbers, tasks
from members.choices import CATEGORY_FIELDS, Education, Gender, Standing, Status
from members.models import Member, years_between
from records.imports import (
    Boolean,
    Choice,
    Column,
    Compact,
    Date,
    Importer,
    ImportFileError,
    ImportResult,
    LongNumber,
    Name,
    compact_key,
)
from records.workbook import xlsx_response

SESSION_KEY = "members_import"
# Parameters a scope filter may add to a query beside a list of keys.
QUERY_PARAMS_RESERVED = 50
PREVIEW_ROWS = 200
SHOWN_PROBLEMS = 500
MINIMUM_JOINING_AGE = 18

# The header labels are those of the county's roster forms (data, not interface text), with the
# aliases offices write; the cell labels are what people type.
GENDER = Choice({"男": Gender.MALE, "男性": Gender.MALE, "女": Gender.FEMALE, "女性": Gender.FEMALE})
EDUCATION = Choice(
    {
        "小学及以下": Education.PRIMARY,
        "小学": Education.PRIMARY,
        "文盲": Education.PRIMARY,
        "初中": Education.JUNIOR,
        "高中/中专": Education.SENIOR,
        "高中": Education.SENIOR,
        "中专": Education.SENIOR,
        "中技": Education.SENIOR,
        "职高": Education.SENIOR,
        "技校": Education.SENIOR,
        "大专": Education.COLLEGE,
        "专科": Education.COLLEGE,
        "大学专科": Education.COLLEGE,
        "本科": Education.BACHELOR,
        "大学本科": Education.BACHELOR,
        "大学": Education.BACHELOR,
        "研究生": Education.POSTGRADUATE,
        "硕士": Education.POSTGRADUATE,
        "博士": Education.POSTGRADUATE,
    }
)
STANDING = Choice(
    {
        "正式党员": Standing.FULL,
        "中共党员": Standing.FULL,
        "党员": Standing.FULL,
        "预备党员": Standing.PROBATIONARY,
        "中共预备党员": Standing.PROBATIONARY,
        "发展对象": Standing.DEVELOPMENT_OBJECT,
        "入党积极分子": Standing.ACTIVIST,
        "积极分子": Standing.ACTIVIST,
        "入党申请人": Standing.APPLICANT,
        "申请人": Standing.APPLICANT,
        "群众": Standing.NONE,
        "非党员": Standing.NONE,
    },
    hint=gettext_lazy("Blank counts as 正式党员."),
)
CATEGORY_COLUMNS = {
    "is_wealth_expert": ("致富能手",),
    "is_enterprise_head": ("小型企业负责人", "企业负责人"),
    "is_returned_graduate": ("大学生回村党员", "回村大学生"),
    "lives_elsewhere": ("在外居住党员", "在外居住"),
    "is_mobile": ("流动党员",),
    "is_veteran": ("退役军人",),
}
EXAMPLE_BIRTH = datetime.date(1985, 3, 12)

MEMBER_COLUMNS = (
    Column("name", ("姓名",), Name(), required=True, example="张建国"),
    Column("gender", ("性别",), GENDER, note=gettext_lazy("Blank: taken from the ID number."), example="男"),
    Column("ethnicity", ("民族",), note=gettext_lazy("Blank counts as 汉族."), example="汉族"),
    Column(
        "birth_date",
        ("出生日期", "出生年月"),
        Date(),
        note=gettext_lazy("Blank: taken from the ID number."),
        example=EXAMPLE_BIRTH,
    ),
    Column(
        "id_number",
        ("公民身份号码", "身份证号", "身份证号码", "身份证"),
        LongNumber(),
        required=True,
        note=gettext_lazy("18 characters; the last may be X."),
        example=idnumbers.compose("341321", EXAMPLE_BIRTH, 21, Gender.MALE),
    ),
    Column("phone", ("联系电话", "手机号", "手机号码", "电话"), Compact(), example="13912345678"),
    Column("address", ("家庭住址", "住址", "现住址"), example="东关村三组12号"),
    Column("education", ("学历", "文化程度"), EDUCATION, example="高中/中专"),
    Column("occupation", ("职业",), example="务农"),
    Column(
        "branch",
        ("所在党组织", "组织关系所在支部", "所在支部", "所在党支部"),
        required=True,
        note=gettext_lazy("The full name of an organisation you keep members in."),
        example="东关村党支部",
    ),
    Column(
        "village",
        ("所在村", "村"),
        note=gettext_lazy("A village of the organisation's office; blank: the village branch's village."),
        example="东关村",
    ),
    Column("standing", ("党员类别", "政治面貌", "人员类别"), STANDING, example="正式党员"),
    Column("admitted_on", ("入党时间", "入党日期"), Date(), example=datetime.date(2010, 7, 1)),
    Column("full_member_on", ("转正时间", "转正日期"), Date(), example=datetime.date(2011, 7, 1)),
    *(Column(name, labels, Boolean(), example="否") for name, labels in CATEGORY_COLUMNS.items()),
)


def member_branches(user):
    """Active organisations in which `user` may add people: the branch side of Member's change scope."""
    branches = Branch.objects.for_user(user, "view").active()
    if not can_create(user, Member):
        return branches.none()
    if user.is_superuser:
        return branches
    level = ROLE_LEVEL[user.role]
    lookup = getattr(Member.scope_paths, level)
    # A village secretary sees his office's organisations but keeps only his village branch's people.
    if lookup and lookup.startswith("branch__"):
        branches = branches.filter(**{lookup.removeprefix("branch__"): getattr(user, f"{level}_id")})
    return branches


class BranchDirectory:
    """The organisations a user keeps members in and their offices' villages, found by the names people
    write in spreadsheets (a former name still finds a renamed organisation)."""

    def __init__(self, branches):
        self.branches = list(
            branches.select_related("office", "village").order_by("office__sort_order", "name")
        )
        self.by_name: dict[str, list[Branch]] = defaultdict(list)
        for branch in self.branches:
            self.by_name[compact_key(branch.name)].append(branch)
        self.by_former_name: dict[str, list[Branch]] = defaultdict(list)
        by_pk = {branch.pk: branch for branch in self.branches}
        for branch_id, name in BranchName.objects.filter(branch__in=self.branches).values_list(
            "branch", "name"
        ):
            self.by_former_name[compact_key(name)].append(by_pk[branch_id])
        self.villages: dict[int, list[Village]] = defaultdict(list)
        for village in Village.objects.filter(office__in={b.office_id for b in self.branches}):
            self.villages[village.office_id].append(village)

    def branch(self, name: str) -> Branch:
        key = compact_key(name)
        found = self.by_name.get(key) or self.by_former_name.get(key) or []
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise ValidationError(
                _("Several organisations are called %(name)s; write the full current name.") % {"name": name}
            )
        raise ValidationError(
            _("%(name)s is not an organisation you manage, or does not exist.") % {"name": name}
        )

    def village(self, branch: Branch, name: str) -> Village:
        key = compact_key(name)
        for village in self.villages.get(branch.office_id, []):
            if key in (compact_key(village.name), compact_key(village.name).removesuffix("村")):
                return village
        raise ValidationError(
            _("%(office)s has no village called %(name)s.") % {"office": branch.office, "name": name}
        )

    def branch_names(self) -> list[str]:
        return [branch.name for branch in self.branches]

    def village_names(self) -> list[str]:
        return [v.name for villages in self.villages.values() for v in villages]


class MemberImportForm(forms.ModelForm):
    """One row of a roster; the organisation and village are given by name."""

    branch = forms.CharField(label=gettext_lazy("party organisation"), max_length=80)
    village = forms.CharField(label=gettext_lazy("village"), max_length=50, required=False)
    ethnicity = forms.CharField(label=gettext_lazy("ethnicity"), max_length=20, required=False)
    standing = forms.ChoiceField(
        label=gettext_lazy("party standing"), choices=Standing.choices, required=False
    )

    class Meta:
        model = Member
        fields = [
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "id_number",
            "phone",
            "address",
            "education",
            "occupation",
            "branch",
            "village",
            "standing",
            "admitted_on",
            "full_member_on",
            *CATEGORY_FIELDS,
        ]

    def __init__(self, *args, directory: BranchDirectory, active_id_numbers: set | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.directory = directory
        if active_id_numbers is not None:
            # (township, ID number) of the active people on record among the file's numbers, looked up
            # for every row at once: Member.clean finds a duplicate there instead of asking per row.
            self.instance._active_id_numbers = active_id_numbers

    def _get_validation_exclusions(self):
        # The organisation and village were found by name among existing ones: asking the database
        # again whether each exists would be two queries more per row.
        return {*super()._get_validation_exclusions(), "branch", "village"}

    def clean_branch(self) -> Branch:
        return self.directory.branch(self.cleaned_data["branch"])

    def clean_ethnicity(self) -> str:
        value = self.cleaned_data["ethnicity"].strip()
        if value and not value.endswith("族"):
            value += "族"  # 回 → 回族
        return value or "汉族"

    def clean_standing(self) -> str:
        return self.cleaned_data["standing"] or Standing.FULL

    def clean(self):
        data = super().clean()
        branch = data.get("branch")
        village_name = data.pop("village", "")
        if branch is not None:
            if village_name:
                try:
                    data["village"] = self.directory.village(branch, village_name)
                except ValidationError as error:
                    self.add_error("village", error)
            else:
                data["village"] = branch.village
        today = timezone.localdate()
        for name in ("admitted_on", "full_member_on"):
            if data.get(name) and data[name] > today:
                self.add_error(name, _("The date is in the future."))
        admitted = data.get("admitted_on")
        birth = data.get("birth_date") or self._birth_date_from_id(data.get("id_number", ""))
        if admitted and birth and years_between(birth, admitted) < MINIMUM_JOINING_AGE:
            self.add_error(
                "admitted_on",
                _("He was %(age)d on joining; members join at 18 or older.")
                % {"age": years_between(birth, admitted)},
            )
        return data

    @staticmethod
    def _birth_date_from_id(number: str) -> datetime.date | None:
        try:
            return idnumbers.parse(number).birth_date
        except ValidationError:
            return None


def query_chunks(values: list, reserved: int = 0) -> Iterator[list]:
    """`values` in lists small enough for one query's parameters (SQLite takes 999; PostgreSQL all)."""
    limit = connection.features.max_query_params
    size = max(1, limit - reserved) if limit else max(1, len(values))
    for start in range(0, len(values), size):
        yield values[start : start + size]


def active_id_numbers(township_ids: set[int], numbers: set[str]) -> set[tuple[int, str]]:
    """(township, ID number) of the active people on record in these townships with these numbers."""
    found = set()
    for chunk in query_chunks(sorted(numbers), reserved=len(township_ids) + 1):
        found.update(
            Member.objects.filter(township_id__in=township_ids, id_number__in=chunk, status=Status.ACTIVE)
            .order_by()
            .values_list("township_id", "id_number")
        )
    return found


class MemberImporter(Importer):
    columns = MEMBER_COLUMNS
    form_class = MemberImportForm
    unique_in_file = ("id_number",)
    share_form_fields = True  # MemberImportForm sets no per-form choices or querysets
    save_batch_rows = 500

    def __init__(self, user):
        super().__init__(user)
        self.directory = BranchDirectory(member_branches(user))
        self.active_id_numbers: set[tuple[int, str]] | None = None

    def prepare_rows(self, result: ImportResult) -> None:
        # Whether a row's person is already on record, for every row in one query (not one per row).
        numbers = {idnumbers.normalise(row.values.get("id_number")) for row in result.rows}
        numbers.discard("")
        townships = {branch.office.township_id for branch in self.directory.branches}
        self.active_id_numbers = active_id_numbers(townships, numbers) if numbers and townships else set()

    def unique_key(self, name: str, value):
        # 11010519491231002x and 11010519491231002X (or full-width digits) are one person.
        return idnumbers.normalise(value) if name == "id_number" else value

    def get_form_kwargs(self) -> dict:
        return {"directory": self.directory, "active_id_numbers": self.active_id_numbers}

    def save_form(self, form: MemberImportForm) -> Member:
        """The person as Member.save() would write him, not yet written: save_batch writes a batch."""
        member = form.save(commit=False)
        member.township_id = member.branch.office.township_id  # the directory's branch, office loaded
        member.id_number = idnumbers.normalise(member.id_number)
        member.fill_search_keys()
        return member

    def save_batch(self, objects: list[Member]) -> list[Member]:
        """The batch's people, their first history rows and their audit entries, each in a bulk INSERT
        (a few per batch), where saving the people one by one took four queries each."""
        Member.objects.bulk_create(objects)
        # What bulk_create_with_history does once the rows have their keys (PostgreSQL and SQLite return
        # them); called directly for the history rows' keys, which the audit entries point to.
        history = Member.history.bulk_history_create(objects) or []
        record_created(Member, objects, history_ids=[h.pk for h in history] or None)
        return objects

    def check_saved(self, objects: list) -> None:
        allowed = Member.objects.for_user(self.user, "change")
        count = sum(
            allowed.filter(pk__in=chunk).count()
            for chunk in query_chunks([o.pk for o in objects], reserved=QUERY_PARAMS_RESERVED)
        )
        if count != len(objects):
            raise ValidationError(_("You cannot save a record outside your own scope."))

    def column_options(self, column: Column):
        if column.field == "branch":
            return self.directory.branch_names()
        if column.field == "village":
            return self.directory.village_names()
        return super().column_options(column)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class ImportPermissionMixin:
    """Whoever may add members somewhere (township staff, office and village secretaries) may import."""

    def dispatch(self, request, *args, **kwargs):
        if not can_create(request.user, Member):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def preview(request, result, *, form=None, pending=None, filename="", revalidated=False, row_count=None):
    problems = result.row_problems
    rows = [(row.number, f.instance) for row, f in zip(result.rows, result.forms, strict=False)]
    return render(
        request,
        "members/import_preview.html",
        {
            "result": result,
            "file_problems": result.file_problems,
            "problems": problems[:SHOWN_PROBLEMS],
            "problem_count": len(problems),
            "problem_rows": len({p.row for p in problems}),
            "rows": rows[:PREVIEW_ROWS],
            "row_count": len(result.rows) if row_count is None else row_count,
            "pending": pending,
            "filename": filename,
            "form": form or UploadForm(),
            "revalidated": revalidated,
            "columns": MEMBER_COLUMNS,
        },
    )


class MemberImportView(ImportPermissionMixin, View):
    """Upload a roster and see what it would do; nothing is written here."""

    def get(self, request):
        return render(request, "members/import_form.html", {"form": UploadForm(), "columns": MEMBER_COLUMNS})

    def post(self, request):
        form = UploadForm(request.POST, request.FILES)
        request.session.pop(SESSION_KEY, None)
        if not form.is_valid():
            return render(request, "members/import_form.html", {"form": form, "columns": MEMBER_COLUMNS})
        upload = form.cleaned_data["file"]
        importer = MemberImporter(request.user)
        try:
            result = importer.read(upload)
        except ImportFileError as error:
            form.add_error("file", str(error))
            return render(request, "members/import_form.html", {"form": form, "columns": MEMBER_COLUMNS})
        if not result.file_problems and len(result.rows) >= settings.IMPORT_BACKGROUND_ROWS:
            # Thousands of rows take a while to check: the worker does it, the page shows its progress.
            job = enqueue(
                request.user,
                tasks.CHECK,
                _("Check roster %(name)s") % {"name": upload.name},
                {"path": tasks.store(result, upload.name)},
            )
            return redirect(job)
        if not result.file_problems:  # cells that could not be read: the rest of the row is checked too
            importer.validate(result)
        pending = None
        if result.is_valid:
            # The cleaned rows, not the file, wait for the confirmation; they are validated again then.
            pending = {
                "token": secrets.token_urlsafe(16),
                "digest": result.digest(),
                "filename": upload.name,
                "data": result.to_data(),
            }
            request.session[SESSION_KEY] = pending
        return preview(request, result, pending=pending, filename=upload.name)


class MemberImportCheckedView(ImportPermissionMixin, View):
    """The preview of a roster the worker has checked: the first rows and every problem it found."""

    def get(self, request, pk: int):
        job = get_object_or_404(
            Job.objects.for_user(request.user), pk=pk, kind=tasks.CHECK, state=Job.State.DONE
        )
        try:
            stored = tasks.load(job.params["path"])
        except FileNotFoundError:
            # Saved (the save job removes it) or cleared away: the job's link should not end in a 404.
            messages.info(
                request,
                _("This roster has been imported already or is no longer kept; upload it again if needed."),
            )
            return redirect("members:import")
        request.session.pop(SESSION_KEY, None)
        data = stored["data"]
        # The first rows, bound to forms again for display; the problems are the worker's, for all rows.
        shown = ImportResult.from_data({"headers": data["headers"], "rows": data["rows"][:PREVIEW_ROWS]})
        MemberImporter(request.user).validate(shown)
        shown.sheet, shown.warnings = stored["sheet"], stored["warnings"]
        shown.problems = ImportResult.problems_from_data(stored["problems"])
        pending = None
        if stored["valid"]:
            pending = {
                "token": secrets.token_urlsafe(16),
                "digest": stored["digest"],
                "filename": stored["filename"],
                "path": job.params["path"],
            }
            request.session[SESSION_KEY] = pending
        return preview(
            request, shown, pending=pending, filename=stored["filename"], row_count=len(data["rows"])
        )


class MemberImportConfirmView(ImportPermissionMixin, View):
    """Create every previewed row in one transaction, after checking them all again."""

    http_method_names = ["post"]

    def post(self, request):
        pending = request.session.get(SESSION_KEY)
        if (
            not pending
            or request.POST.get("token") != pending["token"]
            or request.POST.get("digest") != pending["digest"]
        ):
            messages.error(
                request, _("This import has expired or was replaced by another upload; upload again.")
            )
            return redirect("members:import")
        if "path" in pending:  # a roster the worker checked: the worker saves it too
            request.session.pop(SESSION_KEY, None)
            # A second confirmation (back, reload, a double click) goes to the save already queued.
            queued = Job.objects.for_user(request.user).filter(kind=tasks.SAVE, params__path=pending["path"])
            if queued.exists():
                messages.info(request, _("This roster is already being imported."))
                return redirect(queued.first())
            job = enqueue(
                request.user,
                tasks.SAVE,
                _("Import roster %(name)s") % {"name": pending["filename"]},
                {"path": pending["path"], "digest": pending["digest"]},
            )
            return redirect(job)
        importer = MemberImporter(request.user)
        result = importer.restore(pending["data"])
        if not result.is_valid or result.digest() != pending["digest"]:
            request.session.pop(SESSION_KEY, None)
            return preview(request, result, filename=pending["filename"], revalidated=True)
        try:
            members = importer.save(result)
        except (ValidationError, IntegrityError) as error:
            request.session.pop(SESSION_KEY, None)
            reason = "；".join(error.messages) if isinstance(error, ValidationError) else ""
            messages.error(
                request, _("Nothing was imported: %(reason)s") % {"reason": reason or _("try again.")}
            )
            return redirect("members:import")
        request.session.pop(SESSION_KEY, None)
        messages.success(request, _("Members imported: %(count)d.") % {"count": len(members)})
        return redirect("members:member_list")


class MemberImportTemplateView(ImportPermissionMixin, View):
    """The roster template, with the user's own organisations and villages in its dropdowns."""

    def get(self, request):
        importer = MemberImporter(request.user)
        title = _("Member roster")
        content = importer.template(
            title,
            unit=str(request.user.scope_unit or ""),
            instructions=_(
                "Row 3 is the header; fill in from row 4. The sheet “%(notes)s” explains each column."
            )
            % {"notes": _("How to fill in")},
        )
        return xlsx_response(content, _("Member import template"))
