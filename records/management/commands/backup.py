"""python manage.py backup [-o DIR]: the database and the uploaded files, timestamped, into DIR."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from records.backups import BackupError, back_up


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup or pg_dump) and the uploaded files."

    def add_arguments(self, parser):
        parser.add_argument(
            "-o", "--output", default="backups", help="The folder to write to (default: backups)."
        )
        parser.add_argument("--database", default="default", help="The database alias (default: default).")

    def handle(self, *args, output: str, database: str, **options):
        try:
            backup = back_up(Path(output), alias=database)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        if options["verbosity"]:
            self.stdout.write(_("Wrote %(path)s") % {"path": backup.database})
            if backup.media:
                self.stdout.write(_("Wrote %(path)s") % {"path": backup.media})
