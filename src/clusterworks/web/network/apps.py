from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "clusterworks.web.network"
    label = "network"
    verbose_name = _("Stakeholder network")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the network permission predicates)
