"""``/clusters``: the register of clusters. Public to read; written through the registry services."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from clusterworks.web.registry import selectors, services

from . import queries
from .auth import PUBLIC_OPENAPI, PUBLIC_READ, SIGNED_IN, actor
from .schemas import (
    COMMON_ERRORS,
    WRITE_ERRORS,
    Cluster,
    ClusterCreate,
    ClusterKey,
    ClusterPage,
    ClusterQuery,
    ClusterUpdate,
    errors,
)

router = Router(tags=["clusters"])


def _cluster(key: str):
    return queries.get_or_404(selectors.cluster_list(), "cluster", key=key)


@router.get(
    "",
    response={200: ClusterPage, **errors(*COMMON_ERRORS)},
    auth=PUBLIC_READ,
    openapi_extra=PUBLIC_OPENAPI,
    summary="List clusters",
)
def list_clusters(request: HttpRequest, filters: Query[ClusterQuery]):
    """Clusters, by name, with their regions, specialisations, member count and coordinator."""
    clusters = selectors.cluster_list(
        search=filters.search,
        region=filters.region,
        status=filters.status or "",
        specialisation=filters.specialisation,
    ).order_by("name_en", "name_ru", "key")
    return queries.paginate(clusters, filters)


@router.get(
    "/{key}",
    response={200: Cluster, **errors(*COMMON_ERRORS, 404)},
    auth=PUBLIC_READ,
    openapi_extra=PUBLIC_OPENAPI,
    summary="Get a cluster",
)
def get_cluster(request: HttpRequest, key: str = ClusterKey):
    return _cluster(key)


@router.post(
    "", response={201: Cluster, **errors(*WRITE_ERRORS)}, auth=SIGNED_IN, summary="Register a cluster"
)
def create_cluster(request: HttpRequest, body: ClusterCreate):
    """Platform administrators only."""
    data = body.model_dump(exclude={"regions", "specialisations"})
    regions = queries.regions(body.regions)
    specialisations = queries.competences(body.specialisations, field="specialisations")
    cluster = services.cluster_create(
        actor=actor(request), data=data, regions=regions, specialisations=specialisations
    )
    return Status(201, _cluster(cluster.key))


@router.patch(
    "/{key}", response={200: Cluster, **errors(*WRITE_ERRORS)}, auth=SIGNED_IN, summary="Change a cluster"
)
def update_cluster(request: HttpRequest, body: ClusterUpdate, key: str = ClusterKey):
    """The cluster's managers and platform administrators. Send only the fields to change."""
    cluster = _cluster(key)
    data = body.model_dump(exclude_unset=True, exclude={"regions", "specialisations"})
    fields = body.model_fields_set
    regions = queries.regions(body.regions) if "regions" in fields else None
    specialisations = (
        queries.competences(body.specialisations, field="specialisations")
        if "specialisations" in fields
        else None
    )
    services.cluster_update(
        actor=actor(request), cluster=cluster, data=data, regions=regions, specialisations=specialisations
    )
    return _cluster(key)


@router.delete(
    "/{key}", response={204: None, **errors(*WRITE_ERRORS)}, auth=SIGNED_IN, summary="Delete a cluster"
)
def delete_cluster(request: HttpRequest, key: str = ClusterKey):
    """Platform administrators only. Deletes the cluster's memberships too."""
    services.cluster_delete(actor=actor(request), cluster=_cluster(key))
    return Status(204, None)
