from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

# Each app that has demo data adds its builder here, in dependency order.
BUILDERS = ["communities.demo.build"]
RESETTERS = ["communities.demo.reset"]


class Command(BaseCommand):
    help = "Create the demo township (idempotent); --reset removes it first and rebuilds it."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="remove the demo township first")

    def handle(self, *args, reset: bool = False, **options):
        with transaction.atomic():
            if reset:
                for path in reversed(RESETTERS):
                    import_string(path)()
            for path in BUILDERS:
                import_string(path)()
        from communities.demo import DEMO_PASSWORD

        self.stdout.write(self.style.SUCCESS("演示乡镇已就绪 / demo township ready."))
        self.stdout.write(
            "演示账号 / demo accounts: township, office1, office2, village1, county"
            f" — 密码 / password: {DEMO_PASSWORD}"
        )
