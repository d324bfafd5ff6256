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
