from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "clusterworks.web.programme"
    label = "programme"
    verbose_name = _("Support programme")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the programme permission predicates)
