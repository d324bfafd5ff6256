from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jobs"
    verbose_name = _("background jobs")

    def ready(self):
        # Every app's jobs are known to the web process and to the worker alike.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
