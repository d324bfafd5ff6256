"""Delete audit entries older than the retention (ZDJ_AUDIT_RETENTION_DAYS); run it daily from cron."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from audit.checks import check_retention, retention_days
from audit.choices import AuditAction
from audit.models import AuditEntry
from audit.services import record


class Command(BaseCommand):
    help = "删除超过保留期限的审计记录 / Delete audit entries older than the retention period."

    def handle(self, *args, **options):
        errors = check_retention()
        if errors:
            raise CommandError(errors[0].msg)
        days = retention_days()
        cutoff = timezone.now() - datetime.timedelta(days=days)
        with transaction.atomic():
            count = AuditEntry.objects.filter(at__lt=cutoff)._purge()
            # The purge itself stays on record.
            record(
                AuditAction.PURGE, count=count, detail={"before": cutoff.isoformat(), "retention_days": days}
            )
        self.stdout.write(
            f"已删除 {count} 条早于 {timezone.localtime(cutoff):%Y-%m-%d %H:%M} 的审计记录"
            f" / {count} audit entries older than {days} days deleted."
        )
