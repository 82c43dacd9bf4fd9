"""``/clusters/{key}/members``: who belongs to a cluster, in which role, since and until when.

Public to read; the cluster's managers and platform administrators add, change and remove members.
A membership is addressed by the organisation's key within the cluster.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from clusterworks.web.registry import selectors, services
from clusterworks.web.registry.models import Cluster

from . import queries
from .auth import PUBLIC_OPENAPI, PUBLIC_READ, SIGNED_IN, actor
from .schemas import (
    COMMON_ERRORS,
    WRITE_ERRORS,
    ClusterKey,
    MemberKey,
    Membership,
    MembershipCreate,
    MembershipPage,
    MembershipQuery,
    MembershipUpdate,
    errors,
)

router = Router(tags=["memberships"])


def _cluster(key: str) -> Cluster:
    return queries.get_or_404(Cluster.objects.all(), "cluster", key=key)


def _membership(cluster: Cluster, organisation_key: str):
    memberships = selectors.cluster_members(cluster, current=False).select_related("cluster")
    return queries.get_or_404(memberships, "member of this cluster", organisation__key=organisation_key)


@router.get(
    "/{key}/members",
    response={200: MembershipPage, **errors(*COMMON_ERRORS, 404)},
    auth=PUBLIC_READ,
    openapi_extra=PUBLIC_OPENAPI,
    summary="List a cluster's members",
)
def list_members(request: HttpRequest, filters: Query[MembershipQuery], key: str = ClusterKey):
    """Members by role (coordinator, core, member, partner), then by name."""
    cluster = _cluster(key)
    memberships = selectors.cluster_members(cluster, current=filters.current).select_related("cluster")
    return queries.paginate(
        memberships.order_by("role", "organisation__name_en", "organisation__key"), filters
    )


@router.post(
    "/{key}/members",
    response={201: Membership, **errors(*WRITE_ERRORS)},
    auth=SIGNED_IN,
    summary="Add a member",
)
def add_member(request: HttpRequest, body: MembershipCreate, key: str = ClusterKey):
    """A cluster has at most one current coordinator; a second one is a 409 conflict."""
    cluster = _cluster(key)
    organisation = queries.organisation(body.organisation)
    services.membership_add(
        actor=actor(request), cluster=cluster, organisation=organisation, role=body.role, joined=body.joined
    )
    return Status(201, _membership(cluster, organisation.key))


@router.patch(
    "/{key}/members/{organisation}",
    response={200: Membership, **errors(*WRITE_ERRORS)},
    auth=SIGNED_IN,
    summary="Change a membership",
)
def update_member(
    request: HttpRequest, body: MembershipUpdate, key: str = ClusterKey, organisation: str = MemberKey
):
    """Change the role or the dates; set ``left`` to end the membership."""
    cluster = _cluster(key)
    membership = _membership(cluster, organisation)
    fields = body.model_dump(exclude_unset=True)
    services.membership_update(actor=actor(request), membership=membership, **fields)
    return _membership(cluster, organisation)


@router.delete(
    "/{key}/members/{organisation}",
    response={204: None, **errors(*WRITE_ERRORS)},
    auth=SIGNED_IN,
    summary="Remove a member",
)
def remove_member(request: HttpRequest, key: str = ClusterKey, organisation: str = MemberKey):
    """Deletes the membership as if it never existed; to record that a member left, set ``left`` instead."""
    cluster = _cluster(key)
    services.membership_delete(actor=actor(request), membership=_membership(cluster, organisation))
    return Status(204, None)
