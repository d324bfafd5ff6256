"""`manage.py backup` and `manage.py restore`: on SQLite and on PostgreSQL, whichever the suite runs on."""

import re
import tarfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from members.models import Member
from tests.conftest import make_member


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "attachments").mkdir(parents=True)
    letter = settings.MEDIA_ROOT / "attachments" / "介绍信.pdf"
    letter.write_bytes(b"%PDF-1.4 original")
    return settings.MEDIA_ROOT


def back_up(directory):
    call_command("backup", "-o", str(directory), verbosity=0)
    (database,) = [p for p in directory.iterdir() if not p.name.endswith(".tar.gz")]
    return database


def test_it_restores_what_was_changed_and_deleted_after_the_backup(transactional_db, party, media, tmp_path):
    kept = make_member(party.branch, "王秀英", gender="female")
    database = back_up(tmp_path / "backups")
    assert re.fullmatch(r"backup-\d{8}-\d{6}\.(sqlite3|dump)", database.name)
    assert (tmp_path / "backups" / (database.stem + "-media.tar.gz")).is_file()

    Member.objects.filter(pk=kept.pk).update(name="改过的名字")
    Member.objects.filter(pk=party.member.pk).delete()
    make_member(party.branch, "备份后新增")
    (media / "attachments" / "介绍信.pdf").unlink()

    call_command("restore", str(database), "--yes", verbosity=0)

    assert Member.objects.get(pk=kept.pk).name == "王秀英"
    assert Member.objects.filter(pk=party.member.pk, name=party.member.name).exists()
    assert not Member.objects.filter(name="备份后新增").exists()
    assert (media / "attachments" / "介绍信.pdf").read_bytes() == b"%PDF-1.4 original"


def test_it_restores_nothing_unless_confirmed(transactional_db, party, media, tmp_path, monkeypatch):
    database = back_up(tmp_path / "backups")
    Member.objects.filter(pk=party.member.pk).update(name="改过的名字")
    monkeypatch.setattr("builtins.input", lambda question: "no")
    with pytest.raises(CommandError, match=r"未恢复|Nothing was restored"):
        call_command("restore", str(database), verbosity=0)
    assert Member.objects.get(pk=party.member.pk).name == "改过的名字"


def test_it_refuses_a_file_that_is_not_a_backup(transactional_db, party, tmp_path):
    bogus = tmp_path / ("backup-20260101-000000" + ".sqlite3")
    bogus.write_bytes(b"not a database")
    bogus.with_suffix(".dump").write_bytes(b"not a dump")
    for path in (bogus, bogus.with_suffix(".dump")):
        with pytest.raises(CommandError):
            call_command("restore", str(path), "--yes", verbosity=0)
    assert Member.objects.filter(pk=party.member.pk).exists()


def test_a_media_archive_cannot_write_outside_the_media_folder(transactional_db, party, media, tmp_path):
    database = back_up(tmp_path / "backups")
    archive = tmp_path / "backups" / (database.stem + "-media.tar.gz")
    evil = tmp_path / "evil.txt"
    evil.write_text("x")
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(evil, arcname="../escaped.txt")
    with pytest.raises(CommandError):
        call_command("restore", str(database), "--yes", verbosity=0)
    assert not (tmp_path / "escaped.txt").exists()
