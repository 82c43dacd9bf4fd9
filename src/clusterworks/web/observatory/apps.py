from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservatoryConfig(AppConfig):
    name = "clusterworks.web.observatory"
    label = "observatory"
    verbose_name = _("Cluster observatory")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the observatory permission predicates)
