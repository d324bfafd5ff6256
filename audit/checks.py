"""The retention setting is checked at start-up: the law asks for at least six months of logs."""

from django.conf import settings
from django.core.checks import Error, register

MIN_RETENTION_DAYS = 184  # six months, as 等级保护 2.0 (GB/T 22239-2019) asks for audit records


def retention_days() -> int:
    return getattr(settings, "AUDIT_RETENTION_DAYS", 365)


@register()
def check_retention(app_configs=None, **kwargs) -> list[Error]:
    days = retention_days()
    if isinstance(days, int) and days >= MIN_RETENTION_DAYS:
        return []
    return [
        Error(
            f"审计日志保留天数 ZDJ_AUDIT_RETENTION_DAYS={days} 少于 {MIN_RETENTION_DAYS} 天，"
            "不符合等级保护要求。"
            f" / The audit log retention ZDJ_AUDIT_RETENTION_DAYS={days} is below {MIN_RETENTION_DAYS} days.",
            hint=f"设置 ZDJ_AUDIT_RETENTION_DAYS 为 {MIN_RETENTION_DAYS} 或以上（默认 365）。"
            f" / Set ZDJ_AUDIT_RETENTION_DAYS to {MIN_RETENTION_DAYS} or more (default 365).",
            id="audit.E001",
        )
    ]
