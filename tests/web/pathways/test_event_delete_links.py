"""Delete only what may be deleted: the product's page and the event form offer *Delete* on the latest
event of each gate only -- the one ``services.event_delete`` allows -- and the service refuses the
others."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clusterworks.web.pathways import services
from clusterworks.web.pathways.models import GateEvent
from tests.web.pathways.world_services import build_world

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def history(world):
    """Technical tests: submitted, queried and answered on one day (recorded in that order), then a
    decision; toxicology: submitted. The latest of each gate: the decision and the toxicology
    submission."""
    record = world.record
    events = {
        "submitted": record(world.device, "technical-tests", "submitted", D(2025, 5, 5)),
        "query": record(world.device, "technical-tests", "query", D(2025, 5, 20)),
        "answered": record(world.device, "technical-tests", "answered", D(2025, 5, 20)),
        "decision": record(world.device, "technical-tests", "decision", D(2025, 6, 2), "approved"),
        "toxicology": record(world.device, "toxicology", "submitted", D(2025, 6, 10)),
    }
    return events


def _delete_links(html: str) -> set[int]:
    """The events whose row on the product's page carries a Delete link."""
    rows = re.findall(r'<tr data-event="(\d+)">(.*?)</tr>', html, flags=re.S)
    return {int(pk) for pk, row in rows if "/delete/" in row}


def _form_delete_links(html: str, product_key: str) -> set[int]:
    return {int(pk) for pk in re.findall(rf"/pathways/products/{product_key}/events/(\d+)/delete/", html)}


def test_the_latest_event_of_each_gate_is_the_deletable_one(world, history):
    rows = list(GateEvent.objects.filter(product=world.device).order_by("date", "pk"))
    assert services.deletable_event_ids(rows) == {history["decision"].pk, history["toxicology"].pk}
    # the same rule, event by event, as the service's guard reads it from the database
    for event in rows:
        assert services.event_is_last_of_gate(event) == (event.pk in services.deletable_event_ids(rows))


def test_on_one_day_the_event_recorded_last_is_the_latest(world):
    submitted = world.record(world.device, "technical-tests", "submitted", D(2025, 5, 5))
    query = world.record(world.device, "technical-tests", "query", D(2025, 5, 5))
    assert services.deletable_event_ids([query, submitted]) == {query.pk}  # whatever the order given
    assert not services.event_is_last_of_gate(submitted)


def test_the_product_page_offers_delete_only_where_the_service_allows_it(client, world, history):
    client.force_login(world.users["developer"])
    html = client.get(reverse("pathways-product", args=[world.device.key])).content.decode()
    assert set(re.findall(r'<tr data-event="(\d+)">', html)) == {str(e.pk) for e in history.values()}
    assert _delete_links(html) == {history["decision"].pk, history["toxicology"].pk}
    # every event without the link is one the service refuses, and the page does not offer it
    for name in ("submitted", "query", "answered"):
        with pytest.raises(ValidationError) as refused:
            services.event_delete(actor=world.users["developer"], event=history[name])
        assert "Only the latest event of a gate may be deleted" in refused.value.messages[0]
    assert GateEvent.objects.filter(product=world.device).count() == 5


def test_after_deleting_the_latest_the_one_before_may_be_deleted(client, world, history):
    client.force_login(world.users["developer"])
    response = client.post(reverse("pathways-event-delete", args=[world.device.key, history["decision"].pk]))
    assert response.status_code == 302
    html = client.get(reverse("pathways-product", args=[world.device.key])).content.decode()
    assert _delete_links(html) == {history["answered"].pk, history["toxicology"].pk}


def test_the_event_form_offers_the_same_links(client, world, history):
    client.force_login(world.users["developer"])
    html = client.get(reverse("pathways-event-create", args=[world.device.key])).content.decode()
    assert _form_delete_links(html, world.device.key) == {history["decision"].pk, history["toxicology"].pk}


def test_who_may_not_change_the_product_sees_no_delete_link(client, world, history):
    client.force_login(world.users["site"])  # a clinical site of the device: sees it, changes nothing
    response = client.get(reverse("pathways-product", args=[world.device.key]))
    assert response.status_code == 200
    assert _delete_links(response.content.decode()) == set()
