"""Which foresight objects a user may see: the lists behind the foresight index and the API.

Each mirrors the predicate of the same object in ``permissions`` (``survey.view``, ``priorities.view``,
``roadmap.view``) as one query, so that a list never shows what the detail page would refuse.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from clusterworks.web.core.permissions import is_authenticated
from clusterworks.web.core.roles import Role
from clusterworks.web.registry.models import Membership

from .models import PriorityExercise, Roadmap, Survey


def _sees_everything(user: Any) -> bool:
    return user.is_platform_admin or user.has_role(Role.ANALYST)


def _member_clusters(user: Any) -> QuerySet:
    return Membership.objects.filter(
        organisation_id__in=user.represented_organisation_ids(), left__isnull=True
    ).values("cluster_id")


def surveys_visible_to(user: Any) -> QuerySet[Survey]:
    """Surveys of the clusters the user manages, those whose panel they sit on, or all for analysts."""
    if not is_authenticated(user):
        return Survey.objects.none()
    queryset = Survey.objects.select_related("cluster")
    if _sees_everything(user):
        return queryset
    return queryset.filter(
        Q(cluster_id__in=user.managed_cluster_ids())
        | Q(panelists__user=user, panelists__declined_at__isnull=True)
    ).distinct()


def _plans_visible_to(user: Any, model: type) -> QuerySet:
    if not is_authenticated(user):
        return model.objects.none()
    queryset = model.objects.select_related("cluster")
    if _sees_everything(user):
        return queryset
    return queryset.filter(
        Q(cluster_id__in=user.managed_cluster_ids()) | Q(cluster_id__in=_member_clusters(user))
    )


def exercises_visible_to(user: Any) -> QuerySet[PriorityExercise]:
    return _plans_visible_to(user, PriorityExercise)


def roadmaps_visible_to(user: Any) -> QuerySet[Roadmap]:
    return _plans_visible_to(user, Roadmap)
