from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyRosterConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "duty_roster"
    verbose_name = _("Duty roster")
