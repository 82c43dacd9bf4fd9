"""Barriers through the services: raised by a member, owned by the cluster's management, escalated,
resolved or closed, reopened; the workflow as data; every change in the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from clusterworks.web.core.audit import acting_as
from clusterworks.web.core.models import AuditEvent
from clusterworks.web.core.permissions import NotAllowed
from clusterworks.web.pathways import services
from clusterworks.web.pathways.models import Agency, Barrier, BarrierStatus, Gate
from tests.factories import ProductFactory
from tests.web.pathways.world_services import build_world

D = dt.date


@pytest.fixture
def world(db):
    return build_world()


def _raise(world, who="developer", **data):
    fields = {"title": "Queue for technical tests", "kind": "agency_queue", "raised_for": world.developer}
    fields.update(data)
    return services.barrier_raise(
        actor=world.users[who],
        cluster=world.cluster,
        data=fields,
        products=[world.device],
        gates=[world.gate(world.device, "technical-tests")],
        agencies=[Agency.objects.get(key="testing-labs")],
    )


def test_the_workflow_graph():
    statuses = set(BarrierStatus.values)
    targets = set()
    for action, (sources, target) in services.BARRIER_TRANSITIONS.items():
        assert sources <= statuses and sources, action
        assert target in statuses, action
        targets.add(target)
    # every status is reached from "open", and every status but "open" can be left again
    assert targets | {BarrierStatus.OPEN} == statuses
    leaving = {s for sources, _target in services.BARRIER_TRANSITIONS.values() for s in sources}
    assert leaving == statuses
    # a finished barrier only reopens
    for status in (BarrierStatus.RESOLVED, BarrierStatus.CLOSED):
        barrier = Barrier(status=status)
        assert services.barrier_actions(barrier) == ["assign", "reopen"]
    assert services.barrier_actions(Barrier(status="open")) == ["assign", "escalate", "resolve", "close"]


def test_a_barrier_from_raising_to_resolution_with_its_history(world):
    manager, developer = world.users["manager"], world.users["developer"]
    with acting_as(developer, "web"):
        barrier = _raise(world, raised_on=D(2025, 6, 2), description="Three months' wait at every lab.")
    assert (barrier.status, barrier.raised_by, barrier.raised_for) == ("open", developer, world.developer)
    assert [p.key for p in barrier.products.all()] == ["neuro-sensor"]
    assert [g.key for g in barrier.gates.all()] == ["technical-tests"]
    with acting_as(manager, "web"):
        services.barrier_assign(actor=manager, barrier=barrier, owner=manager)
        services.barrier_escalate(
            actor=manager,
            barrier=barrier,
            to="Moscow Department of Science, Industrial Policy",
            on=D(2025, 7, 1),
        )
        services.barrier_resolve(
            actor=manager, barrier=barrier, on=D(2025, 9, 15), resolution="A second accredited lab opened."
        )
        services.barrier_reopen(actor=manager, barrier=barrier)
        services.barrier_close(
            actor=manager, barrier=barrier, on=D(2025, 10, 1), resolution="Merged into #2."
        )
    barrier.refresh_from_db()
    assert (barrier.status, barrier.resolved_on, barrier.resolution) == (
        "closed",
        D(2025, 10, 1),
        "Merged into #2.",
    )
    assert (barrier.escalated_on, barrier.owner) == (D(2025, 7, 1), manager)

    history = list(
        AuditEvent.objects.filter(model="pathways.Barrier", object_id=str(barrier.pk)).order_by("pk")
    )
    statuses = [e.changes["status"] for e in history if "status" in e.changes]
    assert statuses == [
        [None, "open"],
        ["open", "escalated"],
        ["escalated", "resolved"],
        ["resolved", "escalated"],  # reopened: it had been escalated
        ["escalated", "closed"],
    ]
    assert {e.actor for e in history[:1]} == {developer}
    assert {e.actor for e in history if e.action == "update" and "status" in e.changes} == {manager}
    assert any(e.changes.get("owner_id") == [None, manager.pk] for e in history)
    # the links to products, gates and agencies are recorded too
    linked = {field for e in history for field in e.changes if field in ("products", "gates", "agencies")}
    assert linked == {"products", "gates", "agencies"}
    resolved = next(e for e in history if e.changes.get("status") == ["escalated", "resolved"])
    assert resolved.changes["resolution"] == ["", "A second accredited lab opened."]
    assert resolved.changes["resolved_on"] == [None, "2025-09-15"]


def test_a_barrier_never_escalated_reopens_as_open(world):
    manager = world.users["manager"]
    barrier = _raise(world, raised_on=D(2025, 6, 2))
    services.barrier_resolve(actor=manager, barrier=barrier, on=D(2025, 6, 20), resolution="Solved.")
    services.barrier_reopen(actor=manager, barrier=barrier)
    barrier.refresh_from_db()
    assert (barrier.status, barrier.resolved_on, barrier.resolution) == ("open", None, "")


def test_steps_out_of_order_are_refused(world):
    manager = world.users["manager"]
    barrier = _raise(world, raised_on=D(2025, 6, 2))
    with pytest.raises(ValidationError) as raised:
        services.barrier_reopen(actor=manager, barrier=barrier)
    assert raised.value.message_dict["status"] == [
        "A barrier that is open cannot be reopened; allowed from: closed unresolved, resolved."
    ]
    services.barrier_resolve(actor=manager, barrier=barrier, on=D(2025, 6, 20), resolution="Solved.")
    for step in (
        lambda: services.barrier_escalate(actor=manager, barrier=barrier, to="Ministry", on=D(2025, 7, 1)),
        lambda: services.barrier_close(actor=manager, barrier=barrier, on=D(2025, 7, 1), resolution="x"),
        lambda: services.barrier_resolve(actor=manager, barrier=barrier, on=D(2025, 7, 1), resolution="x"),
    ):
        with pytest.raises(ValidationError) as raised:
            step()
        assert raised.value.message_dict["status"][0].startswith("A barrier that is resolved cannot be")
    barrier.refresh_from_db()
    assert (barrier.status, barrier.resolved_on) == ("resolved", D(2025, 6, 20))


@pytest.mark.parametrize(
    ("step", "field", "message"),
    [
        (
            lambda s, m, b: s.barrier_escalate(actor=m, barrier=b, to=" ", on=D(2025, 7, 1)),
            "to",
            "Say to whom the barrier is escalated.",
        ),
        (
            lambda s, m, b: s.barrier_escalate(actor=m, barrier=b, to="Ministry", on=D(2025, 5, 1)),
            "on",
            "May 1, 2025 is before June 2, 2025, when the barrier was raised or last changed; "
            "allowed: on or after it.",
        ),
        (
            lambda s, m, b: s.barrier_resolve(actor=m, barrier=b, on=D(2025, 7, 1), resolution=""),
            "resolution",
            "Say how the barrier was resolved.",
        ),
        (
            lambda s, m, b: s.barrier_close(actor=m, barrier=b, on=D(2025, 7, 1), resolution=""),
            "resolution",
            "Say why the barrier is closed.",
        ),
        (
            lambda s, m, b: s.barrier_resolve(actor=m, barrier=b, on=D(2099, 1, 1), resolution="x"),
            "on",
            "is in the future",
        ),
    ],
)
def test_bad_steps_name_the_field_and_change_nothing(world, step, field, message):
    barrier = _raise(world, raised_on=D(2025, 6, 2))
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as raised:
        step(services, world.users["manager"], barrier)
    assert message in raised.value.message_dict[field][0]
    barrier.refresh_from_db()
    assert (barrier.status, barrier.escalated_to, barrier.resolution) == ("open", "", "")
    assert AuditEvent.objects.count() == before


def test_the_owner_is_one_of_the_clusters_managers(world):
    barrier = _raise(world)
    with pytest.raises(ValidationError) as raised:
        services.barrier_assign(
            actor=world.users["manager"], barrier=barrier, owner=world.users["other_manager"]
        )
    assert "does not manage this cluster's barriers" in raised.value.message_dict["owner"][0]
    services.barrier_assign(actor=world.users["manager"], barrier=barrier, owner=None)
    barrier.refresh_from_db()
    assert barrier.owner is None


@pytest.mark.parametrize("who", ["developer", "site", "other_manager", "analyst"])
def test_only_the_management_handles_barriers(world, who):
    barrier = _raise(world)
    for step in (
        lambda u: services.barrier_assign(actor=u, barrier=barrier, owner=None),
        lambda u: services.barrier_escalate(actor=u, barrier=barrier, to="Ministry", on=D(2025, 7, 1)),
        lambda u: services.barrier_resolve(actor=u, barrier=barrier, on=D(2025, 7, 1), resolution="x"),
        lambda u: services.barrier_close(actor=u, barrier=barrier, on=D(2025, 7, 1), resolution="x"),
        lambda u: services.barrier_update(actor=u, barrier=barrier, data={"title": "Mine"}),
    ):
        with pytest.raises(NotAllowed):
            step(world.users[who])
    barrier.refresh_from_db()
    assert (barrier.status, barrier.title) == ("open", "Queue for technical tests")


@pytest.mark.parametrize("who", ["site", "outsider", "other_manager", "analyst"])
def test_who_may_not_raise_a_barrier_in_the_cluster(world, who):
    with pytest.raises(NotAllowed):
        _raise(world, who=who, raised_for=None)
    assert not Barrier.objects.exists()


def test_a_representative_raises_only_for_their_own_organisation(world):
    with pytest.raises(ValidationError) as raised:
        _raise(world, who="member", raised_for=world.developer)
    assert raised.value.message_dict["raised_for"] == [
        "You do not represent Neurodev; allowed: the organisations you represent."
    ]
    with pytest.raises(ValidationError) as raised:  # the site is not a member of the cluster
        _raise(world, who="manager", raised_for=world.site)
    assert "is not a member of Medical technologies" in raised.value.message_dict["raised_for"][0]
    assert not Barrier.objects.exists()
    barrier = services.barrier_raise(
        actor=world.users["member"],
        cluster=world.cluster,
        data={"title": "No GLP vivarium", "kind": "infrastructure", "raised_for": world.member},
    )
    assert barrier.raised_on == dt.date.today() and barrier.raised_for == world.member


def test_linked_products_are_of_the_cluster_and_visible_to_the_raiser(world):
    with pytest.raises(ValidationError) as raised:  # the member's representative does not see the device
        services.barrier_raise(
            actor=world.users["member"],
            cluster=world.cluster,
            data={"title": "x", "kind": "other", "raised_for": world.member},
            products=[world.device],
        )
    assert raised.value.message_dict["products"] == ["You may not see the product “neuro-sensor”."]
    assert not Barrier.objects.exists()
    barrier = _raise(world, who="manager", raised_for=None)
    foreign = ProductFactory(cluster=world.other_cluster, key="jet")
    with pytest.raises(ValidationError) as raised:
        services.barrier_update(actor=world.users["manager"], barrier=barrier, data={}, products=[foreign])
    assert raised.value.message_dict["products"] == [
        "“jet” is a product of another cluster; allowed: the products of Medical technologies."
    ]
    assert [p.key for p in Barrier.objects.get().products.all()] == ["neuro-sensor"]


def test_updating_a_barrier(world):
    barrier = _raise(world, raised_on=D(2025, 6, 2))
    gates = Gate.objects.filter(catalogue__key="device-1684", key__in=["toxicology", "device-registration"])
    services.barrier_update(
        actor=world.users["manager"],
        barrier=barrier,
        data={"title": "Queues at the labs", "kind": "competence"},
        gates=gates,
        agencies=[],
    )
    barrier.refresh_from_db()
    assert (barrier.title, barrier.kind) == ("Queues at the labs", "competence")
    assert sorted(g.key for g in barrier.gates.all()) == ["device-registration", "toxicology"]
    assert not barrier.agencies.exists() and barrier.products.count() == 1
    with pytest.raises(ValidationError) as raised:
        services.barrier_update(actor=world.users["manager"], barrier=barrier, data={"kind": "weather"})
    assert "“weather” is not allowed" in raised.value.message_dict["kind"][0]
