from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForesightConfig(AppConfig):
    name = "clusterworks.web.foresight"
    label = "foresight"
    verbose_name = _("Foresight")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the foresight permission predicates)
