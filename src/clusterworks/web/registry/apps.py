from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "clusterworks.web.registry"
    label = "registry"
    verbose_name = _("Cluster registry")

    def ready(self) -> None:
        from clusterworks.web.core.audit import connect_all

        from . import permissions  # noqa: F401  (registers the registry's permission predicates)

        connect_all()
