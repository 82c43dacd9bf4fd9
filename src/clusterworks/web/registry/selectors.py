"""Registry queries shared by pages, the API and exports. Each returns a queryset with its related
rows prefetched, so that the number of queries does not grow with the page size."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from clusterworks.web.core.search import text_contains

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
    """Every word of ``text`` must occur in one of ``fields``, in any case and alphabet."""
    return queryset.filter(text_contains(fields, text))


def cluster_list(
    *, search: str = "", region: str = "", status: str = "", specialisation: str = ""
) -> QuerySet[Cluster]:
    """Clusters with their member count and coordinator, filtered."""
    coordinator = Membership.objects.filter(
        cluster=OuterRef("pk"), role=MembershipRole.COORDINATOR, left__isnull=True
    )
    queryset = Cluster.objects.annotate(
        # correlated subqueries rather than JOIN + GROUP BY: each is one index probe per cluster shown,
        # and the paginator's COUNT(*) can drop them
        member_count=Coalesce(
            Subquery(
                Membership.objects.filter(cluster=OuterRef("pk"), left__isnull=True)
                .order_by()
                .values("cluster")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            0,
        ),
        coordinator_name_en=Subquery(coordinator.values("organisation__name_en")[:1]),
        coordinator_name_ru=Subquery(coordinator.values("organisation__name_ru")[:1]),
    ).prefetch_related("regions", "specialisations")
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
    """Everybody affiliated with ``organisation``, whoever may see them."""
    return Person.objects.filter(affiliations__organisation=organisation).distinct()


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


def membership_candidates(*, cluster: Cluster, search: str, limit: int = 20) -> list[Organisation]:
    """Organisations that could join ``cluster`` (never members of it) whose key, names, short name, INN or
    OGRN contain every word of ``search``; an exact key match comes first."""
    if not search.strip():
        return []
    queryset = _search(
        Organisation.objects.select_related("region").exclude(memberships__cluster=cluster),
        search,
        ("key", "name_en", "name_ru", "short_name", "inn", "ogrn"),
    )
    found = list(queryset[:limit])
    found.sort(key=lambda o: o.key != search.strip().lower())
    return found


def region_names(*, countries: set[str]) -> dict[str, str]:
    """ISO 3166-2 code -> name in the active language, for the regions of ``countries``."""
    from .models import Region

    return {r.code: r.display_name() for r in Region.objects.filter(country__in=countries)}


# --- for the REST API: reference lists, and what a user may see of people and ties -----------------------
# The *_visible_to selectors give, in one query, exactly the rows the ``person.view`` and ``tie.view``
# predicates (registry/permissions.py) allow, so that lists need not ask the predicate row by row;
# tests/web/api/test_visibility.py checks them against the predicates for every role.


def region_list(*, search: str = "", country: str = "") -> QuerySet:
    from .models import Region

    queryset = Region.objects.order_by("code")
    if search:
        queryset = _search(queryset, search, ("code", "name_en", "name_ru"))
    if country:
        queryset = queryset.filter(country=country)
    return queryset


def competence_list(*, search: str = "", parent: str = "") -> QuerySet:
    from .models import Competence

    queryset = Competence.objects.select_related("parent").order_by("code")
    if search:
        queryset = _search(queryset, search, ("code", "name_en", "name_ru"))
    if parent:
        queryset = queryset.filter(parent__code=parent)
    return queryset


def _organisations_in_reach(user: Any) -> QuerySet[Organisation]:
    """Organisations the user represents, and current members of the clusters the user manages."""
    return Organisation.objects.filter(
        Q(pk__in=user.represented_organisation_ids())
        | Q(memberships__cluster_id__in=user.managed_cluster_ids(), memberships__left__isnull=True)
    )


def _signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)


def person_list_visible_to(*, user: Any, search: str = "", organisation: str = "") -> QuerySet[Person]:
    """The people whose contacts ``user`` may see (``person.view``), with their affiliations."""
    from .models import Affiliation

    queryset = Person.objects.prefetch_related(
        Prefetch("affiliations", queryset=Affiliation.objects.select_related("organisation").order_by("pk"))
    ).order_by("full_name", "pk")
    if not _signed_in(user):
        return queryset.none()
    if not user.is_platform_admin:
        reach = _organisations_in_reach(user)
        in_reach = Affiliation.objects.filter(organisation__in=reach).values("person_id")
        queryset = queryset.filter(Q(user_id=user.pk) | Q(pk__in=in_reach))
    if search:
        queryset = _search(queryset, search, ("full_name", "full_name_en", "email"))
    if organisation:
        in_organisation = Affiliation.objects.filter(organisation__key=organisation).values("person_id")
        queryset = queryset.filter(pk__in=in_organisation)
    return queryset


def _ties_visible_to(queryset: QuerySet, user: Any, parties: str) -> QuerySet:
    from clusterworks.web.core.roles import Role

    if not _signed_in(user):
        return queryset.none()
    if user.is_platform_admin or user.has_role(Role.ANALYST):
        return queryset
    reach = _organisations_in_reach(user).values("pk")
    return queryset.filter(pk__in=queryset.model.objects.filter(**{f"{parties}__in": reach}).values("pk"))


def agreement_list_visible_to(
    *, user: Any, search: str = "", kind: str = "", organisation: str = ""
) -> QuerySet:
    """The agreements ``user`` may see (``tie.view``), newest first, with their parties."""
    from .models import Agreement

    queryset = Agreement.objects.prefetch_related(
        Prefetch("parties", queryset=Organisation.objects.order_by("key"))
    ).order_by("-signed_on", "-pk")
    queryset = _ties_visible_to(queryset, user, "parties")
    if search:
        queryset = _search(queryset, search, ("title", "description"))
    if kind:
        queryset = queryset.filter(kind=kind)
    if organisation:
        with_organisation = Agreement.objects.filter(parties__key=organisation).values("pk")
        queryset = queryset.filter(pk__in=with_organisation)
    return queryset


def project_list_visible_to(*, user: Any, search: str = "", organisation: str = "") -> QuerySet:
    """The joint projects ``user`` may see (``tie.view``), newest first, with their participations."""
    from .models import JointProject, ProjectParticipation

    participations = ProjectParticipation.objects.select_related("organisation").order_by("organisation__key")
    queryset = JointProject.objects.prefetch_related(
        Prefetch("participations", queryset=participations)
    ).order_by("-start", "-pk")
    queryset = _ties_visible_to(queryset, user, "participants")
    if search:
        queryset = _search(queryset, search, ("title", "acronym", "description"))
    if organisation:
        with_organisation = JointProject.objects.filter(participants__key=organisation).values("pk")
        queryset = queryset.filter(pk__in=with_organisation)
    return queryset


# --- export (registry.io.exporter): every row of a kind, in key order, with its links prefetched ----------


def organisations_for_export(*, cluster_key: str = "") -> QuerySet[Organisation]:
    """Organisations with their competence codes; with ``cluster_key``, those that are or were members."""
    from .models import Competence

    queryset = Organisation.objects.prefetch_related(
        Prefetch("competences", queryset=Competence.objects.only("pk", "code"))
    ).order_by("key")
    if cluster_key:
        queryset = queryset.filter(memberships__cluster__key=cluster_key).distinct()
    return queryset


def clusters_for_export(*, cluster_key: str = "") -> QuerySet[Cluster]:
    from .models import Competence

    queryset = Cluster.objects.prefetch_related(
        "regions", Prefetch("specialisations", queryset=Competence.objects.only("pk", "code"))
    ).order_by("key")
    return queryset.filter(key=cluster_key) if cluster_key else queryset


def memberships_for_export(*, cluster_key: str = "") -> QuerySet[Membership]:
    """Memberships, current and ended, with their cluster's and organisation's keys."""
    queryset = (
        Membership.objects.select_related("cluster", "organisation")
        .only("role", "joined", "left", "cluster__key", "organisation__key")
        .order_by("cluster__key", "organisation__key")
    )
    return queryset.filter(cluster__key=cluster_key) if cluster_key else queryset
