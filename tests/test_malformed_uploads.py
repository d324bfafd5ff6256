"""Malformed uploads (issue 9, "Nothing lost"): through the member import page, a file that is not an
.xlsx, an empty file, a file over the size limit, a zip bomb and a workbook with a password are each refused
with a message next to the file field, before openpyxl reads a byte; the attachments of meetings, requests
and assessments keep their kinds, signatures and size limit."""

import io
import pathlib
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _

from members.models import Member
from records import imports
from records.imports import ImportFileError, open_workbook

IMPORT = reverse("members:import")
DATA = pathlib.Path(__file__).parent / "data"
# A one-sheet roster encrypted by Excel's "Encrypt with password" (made with msoffcrypto-tool, password
# Test-2026): a Compound File holding EncryptionInfo and EncryptedPackage.
ENCRYPTED = (DATA / "encrypted_roster.xlsx").read_bytes()


def login(world, role: str = "township") -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def roster() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["姓名", "公民身份号码"])
    book.active.append(["王明", "11010519491231002X"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def bomb(unpacked_mb: int, name: str = "xl/worksheets/sheet1.xml") -> bytes:
    """A real workbook plus a sheet that unpacks to `unpacked_mb` MB of repeated XML: a few hundred KB."""
    buffer = io.BytesIO(roster())
    chunk = b"<row><c><v>0</v></c></row>" * 40_000  # about 1 MB
    with (
        zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open(name.replace("sheet1", "sheet9"), "w", force_zip64=True) as sheet,
    ):
        for _ in range(unpacked_mb):
            sheet.write(chunk)
    return buffer.getvalue()


def refused(response) -> str:
    """The import page again (not an error page), with the reason beside the file field; nothing imported."""
    assert response.status_code == 200
    assert not Member.objects.filter(name="王明").exists()
    return " ".join(response.context["form"].errors["file"])


def post(world, name: str, content: bytes):
    return login(world).post(IMPORT, {"file": SimpleUploadedFile(name, content)})


# --- Through the member import page ------------------------------------------------------------------------


def test_a_good_roster_still_reads(world, party):
    response = post(world, "名册.xlsx", roster())
    assert response.status_code == 200 and not response_has_file_error(response)


def test_a_text_file_renamed_xlsx_is_refused(world):
    message = refused(post(world, "名册.xlsx", "姓名,身份证号\n王明,11010519491231002X\n".encode()))
    assert message == _(
        "This file is not an Excel workbook (.xlsx), only named like one. Open it in Excel or WPS and save "
        "it as .xlsx."
    )


def test_an_old_xls_renamed_xlsx_is_refused_as_an_old_workbook(world):
    # A Compound File whose stream is a Workbook, not an EncryptedPackage: what Excel 97-2003 writes.
    old = ENCRYPTED.replace(
        "EncryptedPackage".encode("utf-16-le"), "Workbook".encode("utf-16-le").ljust(32, b"\0")
    )
    message = refused(post(world, "名册.xlsx", old))
    assert ".xls" in message and message == _(
        "This is an old-format workbook (.xls). Save it as .xlsx in Excel or WPS and import that."
    )


def test_an_xls_by_its_name_is_refused(world):
    assert ".xls" in refused(post(world, "名册.xls", ENCRYPTED))


def test_an_empty_file_is_refused(world):
    message = refused(post(world, "名册.xlsx", b""))
    assert message  # Django's own "提交的文件为空。" before the importer sees it
    with pytest.raises(ImportFileError, match=_("The file is empty.")):
        open_workbook(b"")  # the same, for a caller that is not a form (a job, a command)


def test_a_password_protected_workbook_is_refused_with_the_way_out(world):
    message = refused(post(world, "名册.xlsx", ENCRYPTED))
    assert message == _("The file is password-protected: remove the password and upload it again.")


def test_a_file_over_the_limit_is_refused_and_the_limit_is_a_setting(world, settings):
    settings.IMPORT_MAX_FILE_BYTES = 1024 * 1024
    message = refused(post(world, "名册.xlsx", roster() + b"\0" * (1024 * 1024)))
    assert "1" in message and message == _(
        "The file is larger than %(size)s MB; split it into several files."
    ) % {"size": "1"}
    settings.IMPORT_MAX_FILE_BYTES = 10 * 1024 * 1024
    assert not response_has_file_error(post(world, "名册.xlsx", roster()))


def response_has_file_error(response) -> bool:
    form = response.context.get("form") if response.context else None
    return bool(form is not None and form.errors.get("file"))


def test_a_zip_bomb_is_refused_before_it_is_unpacked(world, settings, monkeypatch):
    content = bomb(200)  # 200 MB of sheet in a few hundred KB
    assert len(content) < 2 * 1024 * 1024
    unpacked = []
    monkeypatch.setattr(imports, "load_workbook", lambda *a, **k: unpacked.append(1))
    message = refused(post(world, "名册.xlsx", content))
    assert not unpacked  # openpyxl never saw it
    assert "100" in message and message.startswith(_("The workbook unpacks to %(size)s MB").split("%")[0])


def test_a_part_packed_too_tightly_is_refused_under_the_total_limit(world, settings):
    settings.IMPORT_MAX_COMPRESSION_RATIO = 100
    content = bomb(40)  # 40 MB, under the 100 MB total, but packed about a thousand times
    message = refused(post(world, "名册.xlsx", content))
    assert message.startswith(_("The workbook unpacks to %(size)s MB").split("%")[0])


def test_a_large_honest_workbook_is_not_a_bomb(settings):
    # A 5000-row roster packs maybe ten times: far from the ratio limit.
    book = openpyxl.Workbook()
    for number in range(5000):
        book.active.append([f"姓名{number}", f"{number:018d}", "东关社区党总支", "2000-01-01", "汉族"])
    buffer = io.BytesIO()
    book.save(buffer)
    open_workbook(buffer.getvalue()).close()


def test_a_damaged_zip_is_a_message(world):
    content = roster()
    assert refused(post(world, "名册.xlsx", content[: len(content) // 2]))


# --- Attachments of meetings, requests and assessments ---------------------------------------------------


def attachment_forms():
    from assessments.forms import check_evidence_upload
    from establishment.forms import AttachmentForm
    from meetings.forms import MeetingAttachmentForm

    def form_check(form_class):
        def check(upload):
            form = form_class(data={"description": "-"}, files={"file": upload})
            if not form.is_valid() and "file" in form.errors:
                raise ValidationError(form.errors["file"])

        return check

    return {
        "establishment": form_check(AttachmentForm),
        "meetings": form_check(MeetingAttachmentForm),
        "assessments": check_evidence_upload,
    }


@pytest.mark.parametrize("app", ["establishment", "meetings", "assessments"])
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("记录.pdf", b"MZ\x90\x00 an executable renamed"),  # the signature is not a PDF's
        ("记录.exe", b"MZ\x90\x00"),  # not a kind that can be attached
        ("记录.html", b"<script>alert(1)</script>"),
        ("记录.pdf", b""),  # empty
        ("记录.xlsx", roster()),  # not a kind that can be attached
    ],
)
def test_attachments_refuse_what_is_not_a_document(db, app, name, content):
    with pytest.raises(ValidationError):
        attachment_forms()[app](SimpleUploadedFile(name, content))


@pytest.mark.parametrize("app", ["establishment", "meetings", "assessments"])
def test_attachments_refuse_a_file_over_the_limit(db, app, monkeypatch):
    from establishment import forms

    upload = SimpleUploadedFile("记录.pdf", b"%PDF-1.4\n" + b"0" * 2048)
    monkeypatch.setattr(forms, "MAX_ATTACHMENT_SIZE", 1024)
    with pytest.raises(ValidationError):
        attachment_forms()[app](upload)


@pytest.mark.parametrize("app", ["establishment", "meetings", "assessments"])
def test_attachments_take_a_real_pdf(db, app):
    attachment_forms()[app](SimpleUploadedFile("记录.pdf", b"%PDF-1.4\n%%EOF\n"))
