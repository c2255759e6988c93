from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    default = True
    name = "intranet.accounts"
    label = "accounts"
    verbose_name = _("Agents and departments")

    def ready(self):
        from .signals import connect

        connect()


class WagtailUsersConfig(WagtailUsersAppConfig):
    """Wagtail's users app, with the agent forms of ``user_admin``."""

    default = False
    user_viewset = "intranet.accounts.user_admin.AgentUserViewSet"
