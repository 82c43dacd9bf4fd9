"""Registry queries shared by pages, the API and exports. Each returns a queryset with its related
rows prefetched, so that the number of queries does not grow with the page size."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from .models import (
    HELIX_OF_TYPE,
    Cluster,
    Helix,
    Membership,
    MembershipRole,
    Organisation,
    Person,
)


def _search(queryset: QuerySet, text: str, fields: tuple[str, ...]) -> QuerySet:
    """Every word of ``text`` must occur in one of ``fields`` (case-insensitive)."""
    condition = Q()
    for word in text.split():
        condition &= _any(word, fields)
    return queryset.filter(condition)


def _any(word: str, fields: tuple[str, ...]) -> Q:
    q = Q()
    for field in fields:
        q |= Q(**{f"{field}__icontains": word})
    return q


def cluster_list(
    *, search: str = "", region: str = "", status: str = "", specialisation: str = ""
) -> QuerySet[Cluster]:
    """Clusters with their member count and coordinator, filtered."""
    coordinator = Membership.objects.filter(
        cluster=OuterRef("pk"), role=MembershipRole.COORDINATOR, left__isnull=True
    )
    queryset = (
        Cluster.objects.annotate(
            member_count=Count("memberships", filter=Q(memberships__left__isnull=True), distinct=True),
            coordinator_name_en=Subquery(coordinator.values("organisation__name_en")[:1]),
            coordinator_name_ru=Subquery(coordinator.values("organisation__name_ru")[:1]),
        )
        .prefetch_related("regions", "specialisations")
    )
    if search:
        queryset = _search(queryset, search, ("name_en", "name_ru", "description_en", "description_ru"))
    if region:
        queryset = queryset.filter(regions__code=region)
    if status:
        queryset = queryset.filter(status=status)
    if specialisation:
        queryset = queryset.filter(
            Q(specialisations__code=specialisation) | Q(specialisations__parent__code=specialisation)
        )
    return queryset.distinct() if (region or specialisation) else queryset


def organisation_list(
    *, search: str = "", type: str = "", region: str = "", competence: str = "", cluster: str = ""
) -> QuerySet[Organisation]:
    queryset = Organisation.objects.select_related("region").prefetch_related("competences")
    if search:
        queryset = _search(
            queryset, search, ("name_en", "name_ru", "short_name", "inn", "city", "competences_text")
        )
    if type:
        queryset = queryset.filter(type=type)
    if region:
        queryset = queryset.filter(region_id=region)
    if competence:
        queryset = queryset.filter(Q(competences__code=competence) | Q(competences__parent__code=competence))
    if cluster:
        queryset = queryset.filter(memberships__cluster__key=cluster, memberships__left__isnull=True)
    return queryset.distinct() if (competence or cluster) else queryset


def cluster_members(cluster: Cluster, *, current: bool = True) -> QuerySet[Membership]:
    queryset = cluster.memberships.select_related("organisation", "organisation__region").order_by(
        "role", "organisation__name_en"
    )
    return queryset.filter(left__isnull=True) if current else queryset


ROLE_ORDER = [MembershipRole.COORDINATOR, MembershipRole.CORE, MembershipRole.MEMBER, MembershipRole.PARTNER]


def members_by_role(memberships: list[Membership]) -> list[tuple[str, str, list[Membership]]]:
    """Group members as (role, role label, members) in the order coordinator, core, member, partner."""
    grouped: dict[str, list[Membership]] = {role: [] for role in ROLE_ORDER}
    for membership in memberships:
        grouped[membership.role].append(membership)
    return [(role, MembershipRole(role).label, grouped[role]) for role in ROLE_ORDER if grouped[role]]


def helix_composition(memberships: list[Membership]) -> list[tuple[str, str, int]]:
    """Count current members per triple-helix sector: (sector, label, count), all sectors listed."""
    counts = Counter(HELIX_OF_TYPE[m.organisation.type] for m in memberships)
    return [(h.value, h.label, counts.get(h.value, 0)) for h in Helix]


def organisation_profile(organisation: Organisation) -> dict[str, Any]:
    memberships = list(
        organisation.memberships.select_related("cluster").order_by("left", "cluster__name_en")
    )
    return {"memberships": memberships}


def people_of(organisation: Organisation) -> QuerySet[Person]:
    return Person.objects.filter(affiliations__organisation=organisation).prefetch_related(
        Prefetch("affiliations", to_attr="all_affiliations")
    ).distinct()


def dashboard_summary(*, user: Any) -> dict[str, Any]:
    """Figures for the dashboard: totals, and the clusters the user manages."""
    from .models import Region

    summary: dict[str, Any] = {
        "cluster_count": Cluster.objects.count(),
        "organisation_count": Organisation.objects.count(),
        "membership_count": Membership.objects.filter(left__isnull=True).count(),
        "region_count": Region.objects.filter(clusters__isnull=False).distinct().count(),
        "recent_clusters": list(cluster_list().order_by("-created_at")[:5]),
        "managed_clusters": [],
    }
    if getattr(user, "is_authenticated", False) and user.managed_cluster_ids():
        summary["managed_clusters"] = list(cluster_list().filter(pk__in=user.managed_cluster_ids()))
    return summary
