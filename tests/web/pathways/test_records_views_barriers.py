"""The barrier pages: raise, edit and handle a barrier through the forms; redirects to the barrier's page;
the audit log records each change made on the web."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from clusterworks.web.core.models import AuditEvent
from clusterworks.web.pathways.models import Agency, Barrier
from tests.web.pathways.world_services import build_world

D = dt.date


def _select(page: str, name: str) -> str:
    """The HTML of the select ``name`` in ``page``."""
    start = page.index(f'name="{name}"')
    return page[start : page.index("</select>", start)]


@pytest.fixture
def world(db):
    return build_world()


def _action(barrier: Barrier, action: str) -> str:
    return reverse("pathways-barrier-action", args=[barrier.pk, action])


def test_a_member_raises_a_barrier(client, world):
    client.force_login(world.users["developer"])
    url = reverse("pathways-barrier-create")
    page = client.get(url).content.decode()
    # the developer's organisation only; the device they develop; the medicine too
    organisations = _select(page, "raised_for")
    assert f'<option value="{world.developer.pk}">Neurodev</option>' in organisations
    assert f'value="{world.member.pk}"' not in organisations
    assert "Neuro sensor" in page and "Anti-TNF antibody" in page
    labs = Agency.objects.get(key="testing-labs")
    gate = world.gate(world.device, "technical-tests")
    response = client.post(
        url,
        {
            "cluster": "medtech",
            "title": "Queue for technical tests",
            "kind": "agency_queue",
            "description": "Four months.",
            "raised_for": world.developer.pk,
            "raised_on": "2025-06-02",
            "products": [world.device.pk],
            "gates": [gate.pk],
            "agencies": [labs.pk],
        },
    )
    barrier = Barrier.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/pathways/barriers/{barrier.pk}/"
    assert (barrier.raised_by, barrier.raised_for, barrier.status) == (
        world.users["developer"],
        world.developer,
        "open",
    )
    assert [a.key for a in barrier.agencies.all()] == ["testing-labs"]
    created = AuditEvent.objects.get(model="pathways.Barrier", action="create")
    assert created.actor == world.users["developer"] and created.source == "web"


def test_a_barrier_raised_for_someone_else_is_refused_on_the_form(client, world):
    client.force_login(world.users["member"])
    response = client.post(
        reverse("pathways-barrier-create"),
        {"cluster": "medtech", "title": "x", "kind": "other", "raised_for": world.developer.pk},
    )
    assert response.status_code == 200  # not among the choices of the member's representative
    assert "Select a valid choice" in response.content.decode()
    assert not Barrier.objects.exists()


def test_the_management_handles_a_barrier_step_by_step(client, world):
    manager = world.users["manager"]
    barrier = Barrier.objects.create(
        cluster=world.cluster,
        title="No GLP vivarium",
        kind="infrastructure",
        raised_by=world.users["developer"],
        raised_for=world.developer,
        raised_on=D(2025, 6, 2),
    )
    client.force_login(manager)
    detail = f"/pathways/barriers/{barrier.pk}/"
    steps = [
        ("assign", {"owner": manager.pk}, "open"),
        ("escalate", {"to": "Ministry of Health", "on": "2025-07-01"}, "escalated"),
        ("resolve", {"on": "2025-09-15", "resolution": "A vivarium was certified."}, "resolved"),
        ("reopen", {}, "escalated"),
        ("close", {"on": "2025-10-01", "resolution": "Out of the cluster's reach."}, "closed"),
    ]
    for action, data, status in steps:
        assert client.get(_action(barrier, action)).status_code == 200
        response = client.post(_action(barrier, action), data)
        assert response.status_code == 302 and response["Location"] == detail, action
        barrier.refresh_from_db()
        assert barrier.status == status, action
    assert barrier.owner == manager and barrier.escalated_to == "Ministry of Health"
    history = AuditEvent.objects.filter(model="pathways.Barrier", object_id=str(barrier.pk), action="update")
    assert (
        history.count() == 5
        and {e.source for e in history} == {"web"}
        and {e.actor for e in history} == {manager}
    )


def test_a_step_the_status_does_not_allow(client, world):
    barrier = Barrier.objects.create(
        cluster=world.cluster,
        title="x",
        kind="other",
        raised_on=D(2025, 6, 2),
        status="resolved",
        resolved_on=D(2025, 6, 10),
        resolution="done",
    )
    client.force_login(world.users["manager"])
    page = client.get(_action(barrier, "escalate")).content.decode()
    assert "A barrier that is resolved cannot take this step." in page
    response = client.post(_action(barrier, "escalate"), {"to": "Ministry", "on": "2025-07-01"})
    assert response.status_code == 200
    assert "A barrier that is resolved cannot be escalated" in response.content.decode()
    barrier.refresh_from_db()
    assert (barrier.status, barrier.escalated_to) == ("resolved", "")


def test_a_bad_date_is_shown_on_its_field(client, world):
    barrier = Barrier.objects.create(cluster=world.cluster, title="x", kind="other", raised_on=D(2025, 6, 2))
    client.force_login(world.users["manager"])
    response = client.post(_action(barrier, "resolve"), {"on": "2025-05-01", "resolution": "early"})
    assert "May 1, 2025 is before June 2, 2025" in response.content.decode()
    barrier.refresh_from_db()
    assert barrier.status == "open"


def test_the_owner_choices_are_the_clusters_managers(client, world):
    barrier = Barrier.objects.create(cluster=world.cluster, title="x", kind="other", raised_on=D(2025, 6, 2))
    client.force_login(world.users["manager"])
    page = _select(client.get(_action(barrier, "assign")).content.decode(), "owner")
    assert f'value="{world.users["manager"].pk}"' in page and f'value="{world.users["admin"].pk}"' in page
    assert f'value="{world.users["other_manager"].pk}"' not in page
    assert f'value="{world.users["developer"].pk}"' not in page


def test_editing_a_barrier(client, world):
    barrier = Barrier.objects.create(
        cluster=world.cluster, title="x", kind="other", raised_on=D(2025, 6, 2), raised_for=world.member
    )
    client.force_login(world.users["manager"])
    url = reverse("pathways-barrier-edit", args=[barrier.pk])
    page = _select(client.get(url).content.decode(), "raised_for")
    # a manager may name any current member of the cluster
    assert f'value="{world.member.pk}" selected' in page and f'value="{world.developer.pk}"' in page
    response = client.post(
        url,
        {
            "title": "Conflicting rules on tests",
            "kind": "regulation_conflict",
            "raised_for": world.developer.pk,
            "raised_on": "2025-06-02",
            "products": [world.medicine.pk],
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/pathways/barriers/{barrier.pk}/"
    barrier.refresh_from_db()
    assert (barrier.title, barrier.kind, barrier.raised_for) == (
        "Conflicting rules on tests",
        "regulation_conflict",
        world.developer,
    )
    assert [p.key for p in barrier.products.all()] == ["anti-tnf"]
