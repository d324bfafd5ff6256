"""The Excel import engine (NetBox style), shared by every app that takes spreadsheets in.

An importer declares its columns — the Chinese header labels of the county's forms, with the aliases
offices actually write — and a form. The engine finds the header row below any title rows, cleans every
cell, binds one form per row, checks values that must be unique within the file, and collects every
problem as (row number as Excel shows it, column, reason). Nothing is written unless the whole file is
valid; then every row is saved in one transaction.

Thousands of rows are checked and saved at county scale, so an importer can look up what every row needs
in a few queries before the rows' forms are bound (prepare_rows), let the rows' forms share their fields
instead of copying them (share_form_fields), and write a batch of rows at once (save_batch).
"""

import datetime
import hashlib
import io
import itertools
import json
import re
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.forms import BaseForm
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from xlsxwriter.utility import xl_col_to_name

from records.cleaning import clean_text, parse_date
from records.workbook import WorkbookWriter, cell_value

# Title rows (the form's name, the reporting unit) sit above the header; it is looked for this far down.
HEADER_SCAN_ROWS = 10
# Rows one file may hold: a township's whole roster several times over (the county benchmark's townships
# keep about 2,600 people each). Checking and saving take time and memory in proportion to the rows.
MAX_ROWS = 10_000
# Defaults of settings.IMPORT_MAX_FILE_BYTES and IMPORT_MAX_UNPACKED_BYTES (see open_workbook).
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# A long import reports its progress every so many rows.
PROGRESS_ROWS = 100
# Rows of the template that carry the dropdowns.
TEMPLATE_ROWS = 1000
OPTIONS_SHEET = "选项"


class ImportFileError(Exception):
    """The upload cannot be read as a workbook at all (not .xlsx, corrupt, too large)."""


# --- Cell parsers: a cell's value as spreadsheets hold it → what the row's form expects ---------------


class Parser:
    """Reads one cell; raises ValidationError with the reason when it cannot."""

    hint: Any = ""  # how to write the value, for the template's notes
    options: Sequence[str] = ()  # a closed list of accepted values: the template's dropdown

    def __call__(self, value) -> Any:
        return clean_text(value)


class Text(Parser):
    pass


class Name(Parser):
    """A person's name: the spaces that align two-character names in printed lists (王　明) go."""

    def __call__(self, value) -> str:
        text = clean_text(value)
        return re.sub(r"\s+", "", text) if re.search(r"[\u3400-\u9fff]", text) else text


class Compact(Parser):
    """Numbers and codes: no spaces anywhere (full-width ones included)."""

    def __call__(self, value) -> str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a phone number Excel stored as 13812345678.0
        return re.sub(r"\s+", "", clean_text(value))


class LongNumber(Compact):
    """A number longer than Excel's 15 significant digits (a resident ID): it must be stored as text."""

    hint = gettext_lazy("Format the column as text before typing, or Excel rounds the last digits.")

    def __call__(self, value) -> str:
        if isinstance(value, float):
            raise ValidationError(
                _(
                    "Excel stored this number as a number and has rounded its last digits; format the "
                    "column as text and type it again."
                ),
                code="rounded",
            )
        return super().__call__(value)


class Date(Parser):
    hint = gettext_lazy("An Excel date, or text such as 2023-6-1, 2023年6月1日, 2023.06.01 or 20230601.")

    def __call__(self, value) -> datetime.date | None:
        return parse_date(value)


class Boolean(Parser):
    """是/否 columns; a blank cell is 否."""

    TRUE = frozenset({"是", "√", "✓", "✔", "☑", "y", "yes", "true", "1", "有", "对"})
    FALSE = frozenset({"否", "×", "✗", "n", "no", "false", "0", "无", "不是", "-", "—", "/"})
    hint = gettext_lazy("是 or 否 (√ counts as 是; blank counts as 否).")
    options = ("是", "否")

    def __call__(self, value) -> bool:
        if isinstance(value, bool):
            return value
        text = compact_key(value)
        if text == "" or text in self.FALSE:
            return False
        if text in self.TRUE:
            return True
        raise ValidationError(_("%(value)s is not 是 or 否.") % {"value": clean_text(value)}, code="boolean")


class Choice(Parser):
    """A closed list: each accepted label (and the stored value itself) → the stored value. The first
    label given for a value is the one the template offers."""

    def __init__(self, labels: dict[str, str], hint: Any = ""):
        self.values = {compact_key(label): value for label, value in labels.items()}
        self.options = tuple(dict.fromkeys(_first_labels(labels)))
        self.hint = hint

    def __call__(self, value) -> str:
        text = compact_key(value)
        if not text:
            return ""
        if text in self.values:
            return self.values[text]
        if text in self.values.values():
            return text
        raise ValidationError(
            _("%(value)s is not one of: %(options)s.")
            % {"value": clean_text(value), "options": "、".join(self.options)},
            code="choice",
        )


def _first_labels(labels: dict[str, str]) -> Iterator[str]:
    seen = set()
    for label, value in labels.items():
        if value not in seen:
            seen.add(value)
            yield label


def compact_key(value) -> str:
    """Text compared without spaces or case: how headers and labels are matched."""
    return re.sub(r"\s+", "", clean_text(value)).lower()


def header_key(value) -> str:
    """A header as written, minus a required-mark and notes in brackets: 姓名*, 出生日期（年月日）."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = re.sub(r"[(\[【〔].*?[)\]】〕]", "", text)
    return compact_key(text).strip("*※")


# --- The declaration ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a spreadsheet: the form field it fills, its header label and accepted aliases."""

    field: str
    labels: tuple[str, ...]
    parse: Parser = field(default_factory=Text)
    required: bool = False  # the column must be in the file (its cells may still be optional)
    note: Any = ""
    example: Any = ""

    @property
    def label(self) -> str:
        return self.labels[0]


@dataclass
class Problem:
    """What is wrong, where: a row as Excel numbers it and a column as the file heads it."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column:
            return _("Row %(row)s %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class Row:
    number: int  # as Excel shows it
    values: dict[str, Any]
    failed: set[str] = field(default_factory=set)  # fields whose cell could not be read


@dataclass
class ImportResult:
    headers: dict[str, str] = field(default_factory=dict)  # field → the header as written in the file
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    forms: list[BaseForm] = field(default_factory=list)
    sheet: str = ""

    @property
    def is_valid(self) -> bool:
        return not self.problems and bool(self.rows)

    @property
    def file_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.row is None]

    @property
    def row_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.row is not None]

    def to_data(self) -> dict:
        """JSON-safe (dates as ISO text), for keeping a validated file between preview and confirm."""
        data = {"headers": self.headers, "rows": [[row.number, row.values] for row in self.rows]}
        return json.loads(json.dumps(data, cls=DjangoJSONEncoder))

    @classmethod
    def from_data(cls, data: dict) -> "ImportResult":
        return cls(
            headers=dict(data["headers"]),
            rows=[Row(int(number), dict(values)) for number, values in data["rows"]],
        )

    def problems_to_data(self) -> list:
        return [[p.row, str(p.column), str(p.message)] for p in self.problems]

    @staticmethod
    def problems_from_data(data: list) -> list[Problem]:
        return [Problem(row, column, message) for row, column, message in data]

    def digest(self) -> str:
        text = json.dumps(self.to_data(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


class SharedFields(dict):
    """A form class's fields that its forms use as they are: Django deep-copies base_fields for every form
    it binds, and copying ~20 fields with their widgets costs more than checking a row's values."""

    def __deepcopy__(self, memo) -> "SharedFields":
        return self


# --- The engine -----------------------------------------------------------------------------------------


class Importer:
    """Subclasses declare `columns` and `form_class`; views call run(), then save() when it is valid."""

    columns: Sequence[Column] = ()
    form_class: type[BaseForm]
    unique_in_file: Sequence[str] = ()  # fields whose value may appear in one row only
    # Columns rosters often carry that mean nothing to an import: not worth a warning.
    ignored_headers: Sequence[str] = ("序号", "序", "编号", "no", "no.")
    max_rows: int = MAX_ROWS
    max_file_bytes: int | None = None  # settings.IMPORT_MAX_FILE_BYTES
    # The rows' forms share their class's fields instead of each deep-copying them (a third of the time
    # spent checking a row). Only for a form whose __init__ and cleaning never change its fields (no
    # per-form choices or querysets): the rows' forms are checked and saved, never rendered.
    share_form_fields: bool = False
    # Rows saved per save_batch() call; progress is reported once per batch.
    save_batch_rows: int = PROGRESS_ROWS

    def __init__(self, user=None):
        self.user = user

    # Hooks.

    def unique_key(self, name: str, value):
        """What `unique_in_file` compares for field `name`: the value as the form will store it."""
        return value

    def get_form_kwargs(self) -> dict:
        return {}

    def prepare_rows(self, result: "ImportResult") -> None:
        """Runs before the rows' forms are bound: look up what the rows need from the database for all of
        them at once (e.g. which of their numbers are taken), not in a query per row."""

    def save_form(self, form: BaseForm):
        return form.save()

    def save_batch(self, objects: list) -> list:
        """Write a batch of what save_form returned; by default save_form has saved each row already.
        An importer whose save_form only prepares the object writes the batch here in a few queries."""
        return objects

    def check_saved(self, objects: list) -> None:
        """Runs inside the transaction after every row is saved; raise ValidationError to undo it all."""

    def column_options(self, column: Column) -> Sequence[str]:
        """The template's dropdown values for a column (e.g. the user's own organisations)."""
        return column.parse.options

    # Reading.

    def run(self, upload) -> ImportResult:
        """Read, clean and validate an uploaded workbook. ImportFileError when it is not one."""
        result = self.read(upload)
        if not result.file_problems:  # cells that could not be read: the rest of the row is checked too
            self.validate(result)
        return result

    def read(self, upload) -> ImportResult:
        workbook = open_workbook(upload, self.max_file_bytes)
        try:
            return self._read(workbook)
        except ImportFileError:
            raise
        except Exception as error:  # a damaged sheet inside a valid zip: a message, never a 500
            raise ImportFileError(_("The file could not be read as an Excel workbook.")) from error
        finally:
            workbook.close()

    def _read(self, workbook) -> ImportResult:
        result = ImportResult()
        found = self._find_header(workbook)
        if found is None:
            labels = "、".join(c.label for c in self.columns if c.required)
            result.problems.append(
                Problem(
                    None,
                    "",
                    _("No header row was found; it must name the columns %(labels)s.") % {"labels": labels},
                )
            )
            return result
        sheet, header_number, header = found
        result.sheet = sheet.title
        positions: dict[int, Column] = {}
        unknown = []
        for index, text in enumerate(header):
            column = self._column_for(text)
            if column is None:
                if header_key(text) and header_key(text) not in self.ignored_headers:
                    unknown.append(clean_text(text))
            elif column.field in result.headers:
                result.problems.append(
                    Problem(
                        None,
                        "",
                        _("Two columns are headed %(first)s and %(second)s; keep only one of them.")
                        % {"first": result.headers[column.field], "second": clean_text(text)},
                    )
                )
            else:
                positions[index] = column
                result.headers[column.field] = clean_text(text).rstrip("*※ ") or column.label
        missing = [c.label for c in self.columns if c.required and c.field not in result.headers]
        if missing:
            result.problems.append(
                Problem(
                    None,
                    "",
                    _("Required columns are missing from the header row (row %(row)s): %(labels)s.")
                    % {"labels": "、".join(missing), "row": header_number},
                )
            )
        if unknown:
            result.warnings.append(
                _("These columns are not recognised and were ignored: %(labels)s.")
                % {"labels": "、".join(unknown)}
            )
        if result.problems:
            return result
        for number, cells in enumerate(_rows(sheet), start=1):
            if number <= header_number:
                continue
            raw = {column.field: cells[i] if i < len(cells) else None for i, column in positions.items()}
            if all(clean_text(value) == "" for value in raw.values()):
                continue  # blank, or only a pre-filled 序号
            if len(result.rows) >= self.max_rows:
                result.problems.append(
                    Problem(
                        None,
                        "",
                        _("The file has more than %(max)s rows of data; split it into several files.")
                        % {"max": self.max_rows},
                    )
                )
                return result
            result.rows.append(self._clean_row(number, raw, result))
        if not result.rows and not result.problems:
            result.problems.append(Problem(None, "", _("There are no rows of data below the header.")))
        return result

    def _find_header(self, workbook):
        """The visible sheet and row (within the first rows) naming the most declared columns."""
        best = None
        for sheet in workbook.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible":
                continue
            rows = _rows(sheet)
            for number, cells in enumerate(itertools.islice(rows, HEADER_SCAN_ROWS), start=1):
                score = len({c.field for c in map(self._column_for, cells) if c is not None})
                if score and (best is None or score > best[0]):
                    best = (score, sheet, number, list(cells))
            rows.close()
        return best[1:] if best else None

    def _column_for(self, text) -> Column | None:
        lookup = getattr(self, "_lookup", None)
        if lookup is None:
            lookup = self._lookup = {header_key(label): c for c in self.columns for label in c.labels}
        return lookup.get(header_key(text)) if text is not None else None

    def _clean_row(self, number: int, raw: dict, result: ImportResult) -> Row:
        row = Row(number, {})
        for column in self.columns:
            if column.field not in raw:
                continue
            try:
                row.values[column.field] = column.parse(raw[column.field])
            except ValidationError as error:
                row.failed.add(column.field)
                for message in error.messages:
                    result.problems.append(Problem(number, result.headers[column.field], message))
        return row

    # Validating and saving.

    def validate(self, result: ImportResult, progress=None) -> ImportResult:
        """Bind one form per row and check in-file uniqueness; adds to result.problems."""
        self.prepare_rows(result)
        kwargs = self.get_form_kwargs()
        form_class = self.row_form_class()
        result.forms = []
        for index, row in enumerate(result.rows):
            if progress is not None and index % PROGRESS_ROWS == 0:
                progress(index, len(result.rows))
            form = form_class(data=row.values, **kwargs)
            if not form.is_valid():
                for name, messages in form.errors.items():
                    if name in row.failed:
                        continue  # the cell's own reason is already reported
                    for message in messages:
                        result.problems.append(Problem(row.number, self._label(result, form, name), message))
            result.forms.append(form)
        for name in self.unique_in_file:
            rows_by_value = defaultdict(list)
            for row in result.rows:
                value = self.unique_key(name, row.values.get(name))
                if value not in (None, ""):
                    rows_by_value[value].append(row.number)
            for numbers in rows_by_value.values():
                for number in numbers if len(numbers) > 1 else ():
                    others = "、".join(str(n) for n in numbers if n != number)
                    result.problems.append(
                        Problem(
                            number,
                            result.headers.get(name, name),
                            _("The same value is also in row %(rows)s of this file.") % {"rows": others},
                        )
                    )
        # Row by row, and within a row in the file's column order.
        position = {label: i for i, label in enumerate(result.headers.values())}
        result.problems.sort(key=lambda p: (p.row or 0, position.get(p.column, len(position))))
        return result

    def row_form_class(self) -> type[BaseForm]:
        """The form class bound to each row: form_class, or (share_form_fields) a subclass of it whose
        forms share its fields."""
        if not self.share_form_fields:
            return self.form_class
        base = self.form_class
        shared = type(base.__name__, (base,), {"__module__": base.__module__})
        shared.base_fields = SharedFields(shared.base_fields)
        return shared

    def _label(self, result: ImportResult, form, name: str) -> str:
        if name in result.headers:
            return result.headers[name]
        declared = next((c.label for c in self.columns if c.field == name), None)
        if declared:
            return declared
        return str(form.fields[name].label) if name in form.fields else ""

    def restore(self, data: dict, progress=None) -> ImportResult:
        """A result kept by to_data(), validated again: the database may have changed since."""
        return self.validate(ImportResult.from_data(data), progress)

    def save(self, result: ImportResult, progress=None) -> list:
        """Save every row in one transaction; any failure undoes all of them."""
        if not result.is_valid or len(result.forms) != len(result.rows):
            raise ValueError("only a validated, problem-free result can be saved")
        size = max(1, self.save_batch_rows)
        with transaction.atomic():
            objects = []
            for start in range(0, len(result.forms), size):
                if progress is not None:
                    progress(start, len(result.forms))
                batch = [self.save_form(form) for form in result.forms[start : start + size]]
                objects.extend(self.save_batch(batch))
            self.check_saved(objects)
        return objects

    # The template.

    def template(self, title: str, *, unit: str = "", instructions: str = "") -> bytes:
        """An empty workbook with the headers and dropdowns, and a sheet explaining every column."""
        writer = WorkbookWriter(stream=False)  # the hidden options sheet is written a column at a time
        headers = [c.label + ("*" if c.required else "") for c in self.columns]
        sheet = writer.add_sheet(title, headers, unit=unit, note=instructions, date=datetime.date.today())
        # Text columns: Excel keeps all 18 digits of an ID number and the 0 of a phone number.
        text = writer.add_format({"num_format": "@"})
        for index, column in enumerate(self.columns):
            if isinstance(column.parse, Compact):
                sheet.set_width(index, 20)
                sheet.set_column_format(index, text)
            else:
                sheet.set_width(index, 10)
        self._add_notes(writer, title, unit)
        option_columns = [(i, c, list(self.column_options(c))) for i, c in enumerate(self.columns)]
        option_columns = [(i, c, values) for i, c, values in option_columns if values]
        if option_columns:
            options = writer.book.add_worksheet(OPTIONS_SHEET)
            options.hide()
            for position, (index, _column, values) in enumerate(option_columns):
                for row, value in enumerate(values):
                    options.write_string(row, position, str(cell_value(value)))
                letter = xl_col_to_name(position)
                sheet.worksheet.data_validation(
                    3,
                    index,
                    2 + TEMPLATE_ROWS,
                    index,
                    {
                        "validate": "list",
                        "source": f"='{OPTIONS_SHEET}'!${letter}$1:${letter}${len(values)}",
                        "ignore_blank": True,
                        # aliases (大学, √) are accepted too: warn, do not refuse
                        "error_type": "warning",
                        "error_message": str(_("Choose a value from the list.")),
                    },
                )
        return writer.close()

    def _add_notes(self, writer: WorkbookWriter, title: str, unit: str) -> None:
        rows = []
        for column in self.columns:
            explanation = " ".join(str(part) for part in (column.note, column.parse.hint) if part)
            options = "、".join(self.column_options(column))
            rows.append(
                [
                    column.label,
                    _("yes") if column.required else _("no"),
                    "、".join(column.labels[1:]),
                    explanation,
                    options,
                    column.example,
                ]
            )
        notes = writer.add_sheet(
            _("How to fill in"),
            [
                _("column"),
                _("required"),
                _("also accepted headers"),
                _("how to write it"),
                _("choices"),
                _("example"),
            ],
            rows,
            unit=unit,
            date=datetime.date.today(),
        )
        notes.ncols = len(self.columns)  # the example row below is as wide as the first sheet
        # An example row laid out as the first sheet is, far enough down not to be taken for a header.
        notes.row = max(notes.row + 1, HEADER_SCAN_ROWS + 1)
        notes.write_row([_("Example row")], "bold", measure=False)
        notes.write_row([column.label for column in self.columns], "header", measure=False)
        notes.write_row([column.example for column in self.columns], measure=False)
        notes.set_width(3, 48)
        notes.set_width(4, 38)


# The first bytes of a zip (every .xlsx) and of a Compound File (an old .xls, or any Office file with a
# password: Excel encrypts an .xlsx into a Compound File holding "EncryptedPackage").
ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
# A member of the zip that unpacks to more than this is checked for its compression ratio.
RATIO_CHECKED_BYTES = 1024 * 1024


def upload_limits() -> tuple[int, int, int]:
    """The file size, the unpacked size and the compression ratio an import accepts (settings)."""
    return (
        getattr(settings, "IMPORT_MAX_FILE_BYTES", MAX_FILE_BYTES),
        getattr(settings, "IMPORT_MAX_UNPACKED_BYTES", MAX_UNPACKED_BYTES),
        getattr(settings, "IMPORT_MAX_COMPRESSION_RATIO", 100),
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def open_workbook(upload, max_bytes: int | None = None):
    """An uploaded file (or bytes) as a read-only workbook; ImportFileError says why it cannot be.

    Checked before openpyxl reads a byte: the name, the size, what the content really is (an old .xls, a
    workbook with a password, anything else renamed .xlsx), and what the zip would unpack to (a small file
    that unpacks to gigabytes must not be unpacked). The sizes in the zip's directory bound what is
    unpacked: Python's zipfile never returns more than a member's declared size."""
    default_bytes, max_unpacked, max_ratio = upload_limits()
    max_bytes = max_bytes or default_bytes
    name = (getattr(upload, "name", "") or "").lower()
    if name.endswith((".xls", ".et", ".csv")) or (name and not name.endswith((".xlsx", ".xlsm"))):
        if name.endswith((".xls", ".et")):
            raise ImportFileError(
                _("This is an old-format workbook (.xls). Save it as .xlsx in Excel or WPS and import that.")
            )
        raise ImportFileError(_("Only Excel workbooks (.xlsx) can be imported."))
    size = len(upload) if isinstance(upload, bytes) else getattr(upload, "size", None)
    too_large = _("The file is larger than %(size)s MB; split it into several files.") % {
        "size": _megabytes(max_bytes)
    }
    if size is not None and size > max_bytes:
        raise ImportFileError(too_large)
    if isinstance(upload, bytes):
        content = upload
    else:
        upload.seek(0)
        content = upload.read(max_bytes + 1)  # never more than the limit into memory
    if len(content) > max_bytes:
        raise ImportFileError(too_large)
    if not content:
        raise ImportFileError(_("The file is empty."))
    if content.startswith(CFB_MAGIC):
        if ENCRYPTED_STREAM in content:
            raise ImportFileError(
                _("The file is password-protected: remove the password and upload it again.")
            )
        raise ImportFileError(
            _("This is an old-format workbook (.xls). Save it as .xlsx in Excel or WPS and import that.")
        )
    if not content.startswith(ZIP_MAGIC):
        raise ImportFileError(
            _(
                "This file is not an Excel workbook (.xlsx), only named like one. Open it in Excel or WPS "
                "and save it as .xlsx."
            )
        )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as error:
        raise ImportFileError(
            _("The file could not be read as an Excel workbook (.xlsx); it may be damaged.")
        ) from error
    unpacked = sum(member.file_size for member in members)
    bomb = unpacked > max_unpacked or any(
        member.file_size > RATIO_CHECKED_BYTES and member.file_size > max_ratio * max(member.compress_size, 1)
        for member in members
    )
    if bomb:  # a small file that unpacks to gigabytes
        raise ImportFileError(
            _(
                "The workbook unpacks to %(size)s MB, more than the %(limit)s MB that can be read safely; "
                "split it into several files."
            )
            % {"size": _megabytes(unpacked), "limit": _megabytes(max_unpacked)}
        )
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file: all mean "not readable"
        raise ImportFileError(
            _("The file could not be read as an Excel workbook (.xlsx); it may be damaged.")
        ) from error


def _rows(sheet) -> Generator[tuple]:
    # Some programs write a wrong sheet size; without it openpyxl reads every row that is there.
    sheet.reset_dimensions()
    return sheet.iter_rows(values_only=True)
