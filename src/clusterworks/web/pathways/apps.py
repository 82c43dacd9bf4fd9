from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathwaysConfig(AppConfig):
    name = "clusterworks.web.pathways"
    label = "pathways"
    verbose_name = _("Product pathways")

    def ready(self) -> None:
        from . import checks, permissions  # noqa: F401  (register the system checks and the predicates)
