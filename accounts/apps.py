from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("accounts and roles")

    def ready(self) -> None:
        from accounts import sessions  # noqa: F401  (connects the login, logout and disable signals)
