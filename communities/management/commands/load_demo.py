from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

from communities.demo import COUNTY, DEMO_PASSWORD, TOWNSHIP
from communities.models import Township

# Each app that has demo data adds its builder here, in dependency order. The first builds the township
# and returns it; the others take it (and stdout) and add to it.
BUILDERS = [
    "communities.demo.build",
    "members.demo.build",
    "establishment.demo.build",
    "duty_roster.demo.build",
    "meetings.demo.build",
    "ledger.demo.build",
    "assessments.demo.build",
]
# Run in reverse order; all but the first take the demo township and remove what their builder added.
RESETTERS = [
    "communities.demo.reset",
    "members.demo.reset",
    "establishment.demo.reset",
    "duty_roster.demo.reset",
    "meetings.demo.reset",
    "ledger.demo.reset",
    "assessments.demo.reset",
]


class Command(BaseCommand):
    help = "Create the demo township (idempotent); --reset removes it first and rebuilds it."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="remove the demo township first")

    def handle(self, *args, reset: bool = False, **options):
        with transaction.atomic():
            if reset:
                township = Township.objects.filter(county__name=COUNTY, name=TOWNSHIP).first()
                for path in reversed(RESETTERS[1:]):
                    if township is not None:
                        import_string(path)(township)
                import_string(RESETTERS[0])()
            township = import_string(BUILDERS[0])()
            for path in BUILDERS[1:]:
                import_string(path)(township, stdout=self.stdout)

        self.stdout.write(self.style.SUCCESS("演示乡镇已就绪 / demo township ready."))
        self.stdout.write(
            "演示账号 / demo accounts: township, office1, office2, village1, county"
            f" — 密码 / password: {DEMO_PASSWORD}"
        )
