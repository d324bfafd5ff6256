"""python manage.py county_report --township 青石镇 --year 2026 -o 报表.xlsx — the county workbook without a
user: every figure of the township (or, without --township, of every township)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Township
from reports.county import county_workbook, workbook_filename


class Command(BaseCommand):
    help = "Write the county workbook (县委组织部报表) of a township, or of every township, for a year."

    def add_arguments(self, parser):
        parser.add_argument("--township", help="The township's name (county/township if names repeat).")
        parser.add_argument("--year", type=int, default=None, help="The year (default: this year).")
        parser.add_argument(
            "-o", "--output", help="The .xlsx file to write (default: a name in this folder)."
        )

    def handle(self, *args, township=None, year=None, output=None, **options):
        year = year or timezone.localdate().year
        townships = find_townships(township)
        content = county_workbook(None, townships, year)
        path = Path(output or workbook_filename(townships, year))
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": path, "error": error}
            ) from None
        if options["verbosity"]:
            self.stdout.write(_("Wrote %(path)s") % {"path": path})


def find_townships(name: str | None) -> list[Township]:
    townships = Township.objects.select_related("county").order_by("county__name", "name")
    if not name:
        found = list(townships)
        if not found:
            raise CommandError(_("There is no township on record yet."))
        return found
    county, _slash, township = name.strip().rpartition("/")
    matches = townships.filter(name=township.strip())
    if county:
        matches = matches.filter(county__name=county.strip())
    found = list(matches)
    if not found:
        known = "、".join(str(t) for t in townships) or "—"
        raise CommandError(
            _("There is no township named “%(name)s”. Townships on record: %(known)s.")
            % {"name": name, "known": known}
        )
    if len(found) > 1:
        raise CommandError(
            _(
                "Several counties have a township named “%(name)s”: write it as county/township, "
                "e.g. %(example)s."
            )
            % {"name": name, "example": f"{found[0].county}/{found[0].name}"}
        )
    return found
