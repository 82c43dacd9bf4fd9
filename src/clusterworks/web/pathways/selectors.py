"""Reading product pathways: what a user may see, the catalogue in force, and a product's gates, events and
statutory clocks in the terms of the analytics library (``clusterworks.analytics.pathways``).

The ``*_visible_to`` selectors mirror the predicates of the same object in ``permissions``
(``product.view``, ``barrier.view``) as one query, so that a list never shows what the detail page would
refuse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from clusterworks.web.core.permissions import check, is_authenticated
from clusterworks.web.core.roles import Role
from clusterworks.web.registry.models import Cluster, Membership, Organisation

from .models import Barrier, Gate, GateCatalogue, GateEvent, Product

if TYPE_CHECKING:
    from clusterworks.analytics.pathways import Event, GateClock, GateSpec


def _sees_everything(user: Any) -> bool:
    return user.is_platform_admin or user.has_role(Role.ANALYST)


def products_visible_to(user: Any) -> QuerySet[Product]:
    """Products of the clusters the user manages and of the consortia of the user's organisations; every
    product for analysts and administrators; none for anonymous visitors."""
    if not is_authenticated(user):
        return Product.objects.none()
    queryset = Product.objects.select_related("cluster", "catalogue")
    if _sees_everything(user):
        return queryset
    return queryset.filter(
        Q(cluster_id__in=user.managed_cluster_ids())
        | Q(pk__in=_consortium_products(user.represented_organisation_ids()))
    )


def _consortium_products(organisation_ids: set[int]) -> QuerySet:
    from .models import ProductParticipant

    return ProductParticipant.objects.filter(organisation_id__in=organisation_ids).values("product_id")


def barriers_visible_to(user: Any) -> QuerySet[Barrier]:
    """Barriers of the clusters the user manages, those the user raised, that were raised on behalf of
    the user's organisations or that concern a product in whose consortium one of them is; every
    barrier for analysts and administrators (the ``barrier.view`` rule, as a query)."""
    if not is_authenticated(user):
        return Barrier.objects.none()
    queryset = Barrier.objects.select_related("cluster", "owner", "raised_for")
    if _sees_everything(user):
        return queryset
    organisations = user.represented_organisation_ids()
    concerning = Barrier.products.through.objects.filter(
        product__participants__organisation_id__in=organisations
    ).values("barrier_id")
    return queryset.filter(
        Q(cluster_id__in=user.managed_cluster_ids())
        | Q(raised_by=user)
        | Q(raised_for_id__in=organisations)
        | Q(pk__in=concerning)
    )


def clusters_where(user: Any, action: str) -> QuerySet[Cluster]:
    """The clusters where ``user`` may do ``action`` (``product.create``, ``barrier.create``): those the
    user manages or whose members the user represents (every cluster for administrators), each checked."""
    if not is_authenticated(user):
        return Cluster.objects.none()
    if user.is_platform_admin:
        return Cluster.objects.order_by("name_en", "name_ru")
    candidates = Cluster.objects.filter(
        Q(pk__in=user.managed_cluster_ids())
        | Q(pk__in=_current_members(user.represented_organisation_ids()).values("cluster_id"))
    )
    allowed = [cluster.pk for cluster in candidates if check(user, action, cluster)]
    return Cluster.objects.filter(pk__in=allowed).order_by("name_en", "name_ru")


def _current_members(organisation_ids: set[int]) -> QuerySet[Membership]:
    return Membership.objects.filter(organisation_id__in=organisation_ids, left__isnull=True)


def organisations_acting_for(user: Any, clusters: Iterable[Cluster]) -> QuerySet[Organisation]:
    """The organisations ``user`` may name as a product's developer or a barrier's complainant in
    ``clusters``: all current members of the clusters the user manages (all, for administrators), and the
    user's own organisations."""
    cluster_ids = [c.pk for c in clusters]
    managed = (
        cluster_ids if user.is_platform_admin else [c for c in cluster_ids if c in user.managed_cluster_ids()]
    )
    members = Membership.objects.filter(cluster_id__in=managed, left__isnull=True).values("organisation_id")
    return Organisation.objects.filter(
        Q(pk__in=members) | Q(pk__in=user.represented_organisation_ids())
    ).order_by("name_en", "name_ru")


def catalogue_in_force(product_type: str, on: dt.date) -> GateCatalogue | None:
    """The version of the gates of ``product_type`` in force on ``on`` (the latest to take effect if
    versions overlap), or None."""
    return (
        GateCatalogue.objects.filter(product_type=product_type, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("-effective_from", "-pk")
        .first()
    )


def product_gates(product: Product) -> list[Gate]:
    """The gates of the product's catalogue that apply to its risk class, in order."""
    gates = (
        Gate.objects.filter(catalogue_id=product.catalogue_id).select_related("agency").order_by("position")
    )
    return [gate for gate in gates if gate.applies_to(product.risk_class)]


def gate_spec(gate: Gate) -> GateSpec:
    from clusterworks.analytics.pathways import GateSpec

    return GateSpec(
        key=gate.key,
        position=gate.position,
        stage=gate.stage,
        agency=gate.agency.key if gate.agency_id else None,
        clock_kind=gate.clock_kind,
        clock_days=gate.clock_days,
        typical_low=gate.typical_days_low,
        typical_high=gate.typical_days_high,
    )


def product_gate_specs(product: Product) -> dict[str, GateSpec]:
    """The product's gates (those of its catalogue that apply to its risk class) by key, in order."""
    return {gate.key: gate_spec(gate) for gate in product_gates(product)}


def event_of(row: GateEvent, *, product_key: str, gate_key: str, line: int | None = None) -> Event:
    from clusterworks.analytics.pathways import Event

    return Event(
        product=product_key,
        gate=gate_key,
        kind=row.kind,
        date=row.date,
        decision=row.decision or None,
        line=line,
    )


def product_event_rows(product: Product) -> list[GateEvent]:
    """The product's recorded gate events in the order they happened (date, then recording order)."""
    return list(GateEvent.objects.filter(product=product).select_related("gate").order_by("date", "pk"))


def product_events(product: Product) -> list[Event]:
    """The product's gate events as the analytics library's :class:`Event`, in order."""
    return [
        event_of(row, product_key=product.key, gate_key=row.gate.key) for row in product_event_rows(product)
    ]


def product_clocks(product: Product, *, today: dt.date) -> tuple[GateClock, ...]:
    """The statutory clock of each attempt at each of the product's gates on ``today``, counted on the
    working-day calendar (:func:`.analysis.working_calendar`)."""
    from clusterworks.analytics.pathways import gate_clocks

    from .analysis import working_calendar

    return gate_clocks(
        product_events(product),
        product_gate_specs(product),
        calendar=working_calendar(),
        today=today,
        catalogue=product.catalogue.key,
    )
