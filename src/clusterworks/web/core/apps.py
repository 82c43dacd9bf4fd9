from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "clusterworks.web.core"
    label = "core"
    verbose_name = _("Users, roles and audit")

    def ready(self) -> None:
        from . import audit, search, throttling  # noqa: F401  (signal receivers, lookups)
