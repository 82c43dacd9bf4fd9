"""Who may see and do what with product pathways. Platform administrators pass every check (core).

A product's pathway is commercially sensitive: it is seen by the managers of its cluster, by the
representatives of the organisations in its consortium and by analysts -- not by the public. The
cluster's managers and the product's developers record its gate events. Members raise barriers; the
cluster's management owns them. Gate catalogues are the law: only administrators change them.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from clusterworks.web.core.permissions import Decision, allow, deny, is_authenticated, predicate
from clusterworks.web.core.roles import Role
from clusterworks.web.registry.models import Cluster, Membership

from .models import Barrier, ParticipantRole, Product, ProductParticipant


def _manages(user: Any, cluster_id: int | None) -> bool:
    return is_authenticated(user) and cluster_id is not None and cluster_id in user.managed_cluster_ids()


def _analyst(user: Any) -> bool:
    return is_authenticated(user) and user.has_role(Role.ANALYST)


def _represents_member(user: Any, cluster_id: int) -> bool:
    if not is_authenticated(user) or not user.represented_organisation_ids():
        return False
    return Membership.objects.filter(
        cluster_id=cluster_id, organisation_id__in=user.represented_organisation_ids(), left__isnull=True
    ).exists()


def _in_consortium(user: Any, product: Product, *roles: str) -> bool:
    if not is_authenticated(user) or not user.represented_organisation_ids() or product.pk is None:
        return False
    participants = ProductParticipant.objects.filter(
        product=product, organisation_id__in=user.represented_organisation_ids()
    )
    if roles:
        participants = participants.filter(role__in=roles)
    return participants.exists()


# --- products --------------------------------------------------------------------------------------


@predicate("product.view")
def can_view_product(user: Any, product: Product) -> Decision:
    if not is_authenticated(user):
        return deny(_("products are visible only to signed-in members"))
    if _manages(user, product.cluster_id):
        return allow(_("you manage this product's cluster"))
    if _analyst(user):
        return allow(_("analysts see every pathway"))
    if _in_consortium(user, product):
        return allow(_("your organisation is in this product's consortium"))
    return deny(_("a product is visible to its consortium, its cluster's managers and analysts"))


@predicate("product.create")
def can_create_product(user: Any, cluster: Cluster | None) -> Decision:
    if cluster is None:
        return deny(_("a product belongs to a cluster"))
    if _manages(user, cluster.pk):
        return allow(_("you manage this cluster"))
    if _represents_member(user, cluster.pk):
        return allow(_("your organisation is a member of this cluster"))
    return deny(_("the cluster's managers and its members' representatives register products"))


@predicate("product.change")
def can_change_product(user: Any, product: Product) -> Decision:
    """Change the product, its consortium and documents, and record its gate events."""
    if _manages(user, product.cluster_id):
        return allow(_("you manage this product's cluster"))
    if _in_consortium(user, product, ParticipantRole.DEVELOPER):
        return allow(_("your organisation develops this product"))
    return deny(_("only the product's developers and its cluster's managers change it"))


@predicate("pathways.report")
def can_report(user: Any, cluster: Cluster | None) -> Decision:
    """The cluster's pipeline as a whole: board, bottlenecks, the report for the ministry."""
    if cluster is None:
        return deny(_("a pipeline belongs to a cluster"))
    if _manages(user, cluster.pk):
        return allow(_("you manage this cluster"))
    if _analyst(user):
        return allow(_("analysts see every cluster's pipeline"))
    return deny(_("the whole pipeline is for the cluster's managers and analysts"))


# --- barriers --------------------------------------------------------------------------------------


@predicate("barrier.view")
def can_view_barrier(user: Any, barrier: Barrier) -> Decision:
    if not is_authenticated(user):
        return deny(_("barriers are visible only to signed-in members"))
    if _manages(user, barrier.cluster_id):
        return allow(_("you manage this cluster"))
    if _analyst(user):
        return allow(_("analysts see every barrier"))
    if barrier.raised_by_id is not None and barrier.raised_by_id == user.pk:
        return allow(_("you raised this barrier"))
    organisations = user.represented_organisation_ids()
    if barrier.raised_for_id is not None and barrier.raised_for_id in organisations:
        return allow(_("it was raised on behalf of your organisation"))
    if organisations and barrier.pk and barrier_concerns(barrier.pk, organisations):
        return allow(_("it stands in the way of a product of your consortium"))
    return deny(
        _(
            "a barrier is visible to whoever raised it, the consortia of the products it concerns, "
            "the cluster's managers and analysts"
        )
    )


def barrier_concerns(barrier_id: int, organisations: set[int]) -> bool:
    """Whether the barrier is linked to a product in whose consortium one of ``organisations`` is."""
    return Barrier.products.through.objects.filter(
        barrier_id=barrier_id, product__participants__organisation_id__in=organisations
    ).exists()


@predicate("barrier.create")
def can_raise_barrier(user: Any, cluster: Cluster | None) -> Decision:
    if cluster is None:
        return deny(_("a barrier belongs to a cluster"))
    if _manages(user, cluster.pk):
        return allow(_("you manage this cluster"))
    if _represents_member(user, cluster.pk):
        return allow(_("your organisation is a member of this cluster"))
    return deny(_("the cluster's managers and its members' representatives raise barriers"))


@predicate("barrier.manage")
def can_manage_barrier(user: Any, barrier: Barrier) -> Decision:
    """Assign, escalate, resolve or close a barrier."""
    if _manages(user, barrier.cluster_id):
        return allow(_("you manage this cluster"))
    return deny(_("the cluster's management owns its barriers"))


# --- the rules ---------------------------------------------------------------------------------------


@predicate("catalogue.change")
def can_change_catalogue(user: Any, _obj: Any) -> Decision:
    return deny(_("only platform administrators change the gate catalogues"))
