"""The roles of Clusterworks. A role is held globally, or for one cluster or one organisation."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Platform administrator")
    CLUSTER_MANAGER = "cluster_manager", _("Cluster manager")
    ORGANISATION_REPRESENTATIVE = "organisation_representative", _("Organisation representative")
    PROGRAMME_OFFICER = "programme_officer", _("Programme officer")
    EXPERT = "expert", _("Expert")
    COMMISSION_MEMBER = "commission_member", _("Commission member")
    ANALYST = "analyst", _("Analyst")


#: roles that are held for one object; the others are global
SCOPED_ROLES = {Role.CLUSTER_MANAGER: "cluster", Role.ORGANISATION_REPRESENTATIVE: "organisation"}
