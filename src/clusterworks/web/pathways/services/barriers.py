"""The barrier register: raising barriers, linking them to products, gates and agencies, and their
workflow (escalated, resolved, closed, reopened)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterworks.web.core.permissions import check, require
from clusterworks.web.registry.models import Cluster

from ..models import (
    Agency,
    Barrier,
    BarrierKind,
    BarrierStatus,
    Gate,
    Product,
)
from .common import _assign, _choice_error, _day, _invalid, _today

BARRIER_FIELDS = ("title", "description", "kind", "raised_for", "raised_on")


#: the barrier's workflow: action -> (the statuses it starts from, the status it leads to)
BARRIER_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "escalate": (frozenset({BarrierStatus.OPEN, BarrierStatus.ESCALATED}), BarrierStatus.ESCALATED),
    "resolve": (frozenset({BarrierStatus.OPEN, BarrierStatus.ESCALATED}), BarrierStatus.RESOLVED),
    "close": (frozenset({BarrierStatus.OPEN, BarrierStatus.ESCALATED}), BarrierStatus.CLOSED),
    # back to open, or to escalated if it had been escalated
    "reopen": (frozenset({BarrierStatus.RESOLVED, BarrierStatus.CLOSED}), BarrierStatus.OPEN),
}


def barrier_actions(barrier: Barrier) -> list[str]:
    """The workflow actions that may start from the barrier's status (and ``assign``, always)."""
    return [
        "assign",
        *(a for a, (sources, _target) in BARRIER_TRANSITIONS.items() if barrier.status in sources),
    ]


#: why an action may not start from a barrier's status: (action, status) -> one sentence each
TRANSITION_REFUSALS = {
    ("escalate", BarrierStatus.RESOLVED): gettext_lazy(
        "A barrier that is resolved cannot be escalated; allowed from: %(allowed)s."
    ),
    ("escalate", BarrierStatus.CLOSED): gettext_lazy(
        "A barrier that is closed cannot be escalated; allowed from: %(allowed)s."
    ),
    ("resolve", BarrierStatus.RESOLVED): gettext_lazy(
        "A barrier that is resolved cannot be resolved; allowed from: %(allowed)s."
    ),
    ("resolve", BarrierStatus.CLOSED): gettext_lazy(
        "A barrier that is closed cannot be resolved; allowed from: %(allowed)s."
    ),
    ("close", BarrierStatus.RESOLVED): gettext_lazy(
        "A barrier that is resolved cannot be closed; allowed from: %(allowed)s."
    ),
    ("close", BarrierStatus.CLOSED): gettext_lazy(
        "A barrier that is closed cannot be closed; allowed from: %(allowed)s."
    ),
    ("reopen", BarrierStatus.OPEN): gettext_lazy(
        "A barrier that is open cannot be reopened; allowed from: %(allowed)s."
    ),
    ("reopen", BarrierStatus.ESCALATED): gettext_lazy(
        "A barrier that is escalated cannot be reopened; allowed from: %(allowed)s."
    ),
}


def _transition(barrier: Barrier, action: str) -> str:
    sources, target = BARRIER_TRANSITIONS[action]
    if barrier.status not in sources:
        refusal = TRANSITION_REFUSALS.get((action, barrier.status)) or gettext_lazy(
            "This action is not allowed on this barrier; allowed from: %(allowed)s."
        )
        raise _invalid(
            "status",
            refusal % {"allowed": ", ".join(str(BarrierStatus(s).label).lower() for s in sorted(sources))},
        )
    return target


def _check_barrier_day(barrier: Barrier, field_name: str, day: Any, *, after: dt.date | None = None) -> None:
    if not isinstance(day, dt.date):
        raise _invalid(field_name, _("A date is required."))
    if day > _today():
        raise _invalid(
            field_name,
            _("%(date)s is in the future; allowed: today (%(today)s) or earlier.")
            % {"date": _day(day), "today": _day(_today())},
        )
    floor = max(d for d in (barrier.raised_on, after) if d is not None)
    if day < floor:
        raise _invalid(
            field_name,
            _(
                "%(date)s is before %(floor)s, when the barrier was raised or last changed; "
                "allowed: on or after it."
            )
            % {"date": _day(day), "floor": _day(floor)},
        )


def _link(
    actor: Any,
    barrier: Barrier,
    products: Iterable[Product] | None,
    gates: Iterable[Gate] | None,
    agencies: Iterable[Agency] | None,
) -> None:
    if products is not None:
        products = list(products)
        for product in products:
            if product.cluster_id != barrier.cluster_id:
                raise _invalid(
                    "products",
                    _("“%(product)s” is a product of another cluster; allowed: the products of %(cluster)s.")
                    % {"product": product.key, "cluster": barrier.cluster},
                )
            if not check(actor, "product.view", product):
                raise _invalid(
                    "products", _("You may not see the product “%(product)s”.") % {"product": product.key}
                )
        barrier.products.set(products)
    if gates is not None:
        barrier.gates.set(list(gates))
    if agencies is not None:
        barrier.agencies.set(list(agencies))


def _check_raised_for(actor: Any, barrier: Barrier) -> None:
    """Whom a barrier is raised for: a current member of its cluster, and, unless the actor manages the
    cluster's barriers, one of the actor's own organisations."""
    organisation = barrier.raised_for
    if organisation is None:
        return
    if not organisation.memberships.filter(cluster_id=barrier.cluster_id, left__isnull=True).exists():
        raise _invalid(
            "raised_for",
            _("%(organisation)s is not a member of %(cluster)s; allowed: its members.")
            % {"organisation": organisation, "cluster": barrier.cluster},
        )
    manages = barrier.pk is not None and check(actor, "barrier.manage", barrier)
    if not manages and organisation.pk not in actor.represented_organisation_ids():
        raise _invalid(
            "raised_for",
            _("You do not represent %(organisation)s; allowed: the organisations you represent.")
            % {"organisation": organisation},
        )


@transaction.atomic
def barrier_raise(
    *,
    actor: Any,
    cluster: Cluster,
    data: dict[str, Any],
    products: Iterable[Product] = (),
    gates: Iterable[Gate] = (),
    agencies: Iterable[Agency] = (),
) -> Barrier:
    """Raise a barrier in ``cluster``, on behalf of one of the actor's organisations (``raised_for``)."""
    require(actor, "barrier.create", cluster)
    barrier = Barrier(cluster=cluster, raised_by=actor, status=BarrierStatus.OPEN)
    _assign(barrier, data, BARRIER_FIELDS)
    barrier.raised_on = barrier.raised_on or _today()
    if barrier.kind not in BarrierKind.values:
        raise _choice_error("kind", barrier.kind, BarrierKind)
    if barrier.raised_on > _today():
        raise _invalid(
            "raised_on",
            _("%(date)s is in the future; allowed: today (%(today)s) or earlier.")
            % {"date": _day(barrier.raised_on), "today": _day(_today())},
        )
    barrier.full_clean()
    barrier.save()
    _check_raised_for(actor, barrier)
    _link(actor, barrier, products, gates, agencies)
    return barrier


@transaction.atomic
def barrier_update(
    *,
    actor: Any,
    barrier: Barrier,
    data: dict[str, Any],
    products: Iterable[Product] | None = None,
    gates: Iterable[Gate] | None = None,
    agencies: Iterable[Agency] | None = None,
) -> Barrier:
    require(actor, "barrier.manage", barrier)
    _assign(barrier, data, BARRIER_FIELDS)
    if barrier.kind not in BarrierKind.values:
        raise _choice_error("kind", barrier.kind, BarrierKind)
    later = [d for d in (barrier.escalated_on, barrier.resolved_on) if d is not None]
    if barrier.raised_on > min([_today(), *later]):
        raise _invalid(
            "raised_on",
            _("%(date)s is after the barrier was escalated or resolved, or in the future.")
            % {"date": _day(barrier.raised_on)},
        )
    barrier.full_clean()
    barrier.save()
    _check_raised_for(actor, barrier)
    _link(actor, barrier, products, gates, agencies)
    return barrier


@transaction.atomic
def barrier_assign(*, actor: Any, barrier: Barrier, owner: Any | None) -> Barrier:
    """Give the barrier an owner among those who manage it (None: no owner)."""
    require(actor, "barrier.manage", barrier)
    if owner is not None and not check(owner, "barrier.manage", barrier):
        raise _invalid(
            "owner",
            _("%(user)s does not manage this cluster's barriers; allowed: its managers.")
            % {"user": owner.get_full_name() or owner.get_username()},
        )
    barrier.owner = owner
    barrier.save()
    return barrier


@transaction.atomic
def barrier_escalate(*, actor: Any, barrier: Barrier, to: str, on: dt.date) -> Barrier:
    """Escalate the barrier to a body (e.g. a ministry or the city's department) on a date."""
    require(actor, "barrier.manage", barrier)
    barrier.status = _transition(barrier, "escalate")
    if not (to or "").strip():
        raise _invalid("to", _("Say to whom the barrier is escalated."))
    _check_barrier_day(barrier, "on", on, after=barrier.escalated_on)
    barrier.escalated_to, barrier.escalated_on = to.strip(), on
    barrier.full_clean()
    barrier.save()
    return barrier


def _finish(actor: Any, barrier: Barrier, action: str, on: dt.date, resolution: str) -> Barrier:
    require(actor, "barrier.manage", barrier)
    barrier.status = _transition(barrier, action)
    if not (resolution or "").strip():
        raise _invalid(
            "resolution",
            _("Say how the barrier was resolved.")
            if action == "resolve"
            else _("Say why the barrier is closed."),
        )
    _check_barrier_day(barrier, "on", on, after=barrier.escalated_on)
    barrier.resolved_on, barrier.resolution = on, resolution.strip()
    barrier.full_clean()
    barrier.save()
    return barrier


@transaction.atomic
def barrier_resolve(*, actor: Any, barrier: Barrier, on: dt.date, resolution: str) -> Barrier:
    return _finish(actor, barrier, "resolve", on, resolution)


@transaction.atomic
def barrier_close(*, actor: Any, barrier: Barrier, on: dt.date, resolution: str) -> Barrier:
    """Close the barrier unresolved (``resolution`` says why)."""
    return _finish(actor, barrier, "close", on, resolution)


@transaction.atomic
def barrier_reopen(*, actor: Any, barrier: Barrier) -> Barrier:
    """Open a resolved or closed barrier again (escalated again if it had been escalated); the audit log
    keeps the earlier resolution."""
    require(actor, "barrier.manage", barrier)
    status = _transition(barrier, "reopen")
    barrier.status = BarrierStatus.ESCALATED if barrier.escalated_on else status
    barrier.resolved_on, barrier.resolution = None, ""
    barrier.full_clean()
    barrier.save()
    return barrier
