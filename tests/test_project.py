"""Project-wide checks: migrations are in step with the models, the zh-hans catalogue is complete."""

import io
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_migrations_are_up_to_date(db):
    call_command("makemigrations", "--check", "--dry-run", stdout=io.StringIO())


def test_the_chinese_catalogue_has_no_empty_or_fuzzy_entries():
    catalogue = polib.pofile(str(CATALOGUE))
    assert not catalogue.metadata_is_fuzzy
    empty = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags]
    assert not empty, f"untranslated: {empty}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    """makemessages on a copy of the source: a string added without a translation fails here."""
    import os
    import shutil
    import subprocess
    import sys

    base = Path(settings.BASE_DIR)
    skip = shutil.ignore_patterns(
        ".venv",
        "node_modules",
        ".git",
        "test-artifacts",
        "staticfiles",
        "media",
        "*.sqlite3*",
        "__pycache__",
        ".make",
    )
    copy = tmp_path / "src"
    shutil.copytree(base, copy, ignore=skip)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "1"}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location", "--no-obsolete"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    refreshed = polib.pofile(str(copy / CATALOGUE.relative_to(base)))
    missing = [e.msgid for e in refreshed if not e.translated() or "fuzzy" in e.flags]
    assert not missing, f"run makemessages and translate: {missing}"


def test_it_refuses_to_sign_anything_without_a_secret_key_outside_debug():
    import os
    import subprocess
    import sys

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "false"}
    env.pop("DJANGO_SECRET_KEY", None)
    code = "import django; django.setup(); from django.core import signing; signing.dumps('x')"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
