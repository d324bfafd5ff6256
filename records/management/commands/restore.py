"""python manage.py restore FILE [--yes]: put a backup written by `backup` back, media files included."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from records.backups import BackupError, media_archive_for, restore


class Command(BaseCommand):
    help = "Restore a backup written by `manage.py backup`: everything changed since it was taken is lost."

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="backup-….sqlite3 or backup-….dump (its -media.tar.gz is found beside it)."
        )
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument("--database", default="default", help="The database alias (default: default).")

    def handle(self, *args, file: str, yes: bool, database: str, **options):
        path = Path(file)
        if not yes:
            if media_archive_for(path).is_file():
                question = _(
                    "Replace the database and the uploaded files with %(path)s? Everything changed since "
                    "it was taken is lost. Type yes to go on: "
                )
            else:
                question = _(
                    "Replace the database with %(path)s? Everything changed since it was taken is lost. "
                    "Type yes to go on: "
                )
            question %= {"path": path}
            try:
                answer = input(question)
            except EOFError:  # no terminal to ask: nothing is restored without --yes
                answer = ""
            if answer.strip().lower() not in {"yes", "y", "是"}:
                raise CommandError(_("Nothing was restored."))
        try:
            backup = restore(path, alias=database)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        if options["verbosity"]:
            self.stdout.write(_("Restored %(path)s") % {"path": backup.database})
            if backup.media:
                self.stdout.write(_("Restored %(path)s") % {"path": backup.media})
