"""The record pages: who may open each (allowed and refused, incl. object-level), and the product, consortium
and gate-event forms end to end."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from clusterworks.web.core.models import AuditEvent
from clusterworks.web.pathways.models import Barrier, GateEvent, Product, ProductDocument, ProductParticipant
from tests.web.pathways.world_services import build_world

D = dt.date
WHO = ["admin", "manager", "developer", "site", "other_manager", "anonymous"]


@pytest.fixture
def world(db):
    world = build_world()
    event = world.record(world.device, "technical-tests", "submitted", D(2025, 5, 5))
    document = ProductDocument.objects.create(product=world.device, title="Protocol", file="pathways/x/p.pdf")
    barrier = Barrier.objects.create(
        cluster=world.cluster,
        title="Queue at the lab",
        kind="agency_queue",
        raised_by=world.users["developer"],
        raised_for=world.developer,
        raised_on=D(2025, 6, 1),
    )
    world.extra = {"event": event, "document": document, "barrier": barrier}
    return world


def _urls(world) -> dict[str, str]:
    key, extra = world.device.key, world.extra
    return {
        "product-create": reverse("pathways-product-create"),
        "product-edit": reverse("pathways-product-edit", args=[key]),
        "consortium": reverse("pathways-consortium", args=[key]),
        "event-create": reverse("pathways-event-create", args=[key]),
        "event-delete": reverse("pathways-event-delete", args=[key, extra["event"].pk]),
        "documents": reverse("pathways-documents", args=[key]),
        "events-import": reverse("pathways-events-import", args=[world.cluster.key]),
        "barrier-create": reverse("pathways-barrier-create"),
        "barrier-edit": reverse("pathways-barrier-edit", args=[extra["barrier"].pk]),
        **{
            f"barrier-{action}": reverse("pathways-barrier-action", args=[extra["barrier"].pk, action])
            for action in ("assign", "escalate", "resolve", "close")
        },
    }


# the written policy (permissions.py): 200 = the page opens, 403 = refused; anonymous visitors are sent to
# sign in. The other cluster's manager may raise barriers and register products in their own cluster, so
# the two "new" pages open for them (with only their cluster to choose).
# fmt: off
EXPECTED = {
    #                    admin manager developer site other_manager
    "product-create":   (200,  200,    200,      403, 200),
    "product-edit":     (200,  200,    200,      403, 403),
    "consortium":       (200,  200,    200,      403, 403),
    "event-create":     (200,  200,    200,      403, 403),
    "event-delete":     (200,  200,    200,      403, 403),
    "documents":        (200,  200,    200,      200, 403),
    "events-import":    (200,  200,    200,      403, 403),
    "barrier-create":   (200,  200,    200,      403, 200),
    "barrier-edit":     (200,  200,    403,      403, 403),
    "barrier-assign":   (200,  200,    403,      403, 403),
    "barrier-escalate": (200,  200,    403,      403, 403),
    "barrier-resolve":  (200,  200,    403,      403, 403),
    "barrier-close":    (200,  200,    403,      403, 403),
}
# fmt: on


@pytest.mark.parametrize("page", list(EXPECTED))
def test_who_may_open_each_page(client, world, page):
    url = _urls(world)[page]
    for who, status in zip(WHO, (*EXPECTED[page], 302), strict=True):
        client.logout()
        if who != "anonymous":
            client.force_login(world.users[who])
        response = client.get(url)
        assert response.status_code == status, (page, who, response.status_code)
        if status == 302:
            assert response["Location"].startswith("/accounts/login/?next=")


def test_a_refusal_says_why(client, world):
    client.force_login(world.users["site"])
    response = client.get(_urls(world)["product-edit"])
    assert response.status_code == 403
    assert (
        "only the product&#x27;s developers and its cluster&#x27;s managers change it"
        in response.content.decode()
    )


def test_posting_is_refused_as_getting_is(client, world):
    client.force_login(world.users["site"])
    gate = world.gate(world.device, "technical-tests")
    url = _urls(world)["event-create"]
    response = client.post(
        url, {"gate": gate.pk, "kind": "decision", "date": "2025-07-01", "decision": "approved"}
    )
    assert response.status_code == 403
    assert GateEvent.objects.count() == 1


def test_objects_of_another_product_are_not_found(client, world):
    client.force_login(world.users["manager"])
    medicine = world.medicine.key
    event, document = world.extra["event"], world.extra["document"]  # both of the device
    assert client.get(reverse("pathways-event-delete", args=[medicine, event.pk])).status_code == 404
    assert client.get(reverse("pathways-document-download", args=[medicine, document.pk])).status_code == 404
    assert client.get(reverse("pathways-product-edit", args=["no-such-product"])).status_code == 404
    url = reverse("pathways-barrier-action", args=[world.extra["barrier"].pk, "explode"])
    assert client.get(url).status_code == 404


# --- products ---------------------------------------------------------------------------------------------


def test_a_manager_registers_a_device(client, world):
    client.force_login(world.users["manager"])
    url = reverse("pathways-product-create")
    page = client.get(url + "?cluster=medtech").content.decode()
    assert '<option value="medtech" selected>' in page
    assert "4 — technology validated in the lab" in page
    response = client.post(
        url,
        {
            "cluster": "medtech",
            "key": "stent",
            "name_en": "Drug-eluting stent",
            "name_ru": "",
            "type": "device",
            "risk_class": "3",
            "trl": "5",
            "started_on": "2025-02-10",
            "developer": world.developer.pk,
            "indication_en": "",
            "indication_ru": "",
            "description": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/pathways/products/stent/"
    product = Product.objects.get(key="stent")
    # started on 10 February 2025, before Resolution 1684 took effect on 1 March 2025
    assert (product.catalogue.key, product.risk_class, product.trl) == ("device-1416", "3", 5)
    assert list(product.participants.values_list("organisation", "role")) == [
        (world.developer.pk, "developer")
    ]


def test_the_product_form_shows_the_services_errors_on_the_fields(client, world):
    client.force_login(world.users["manager"])
    response = client.post(
        reverse("pathways-product-create"),
        {
            "cluster": "medtech",
            "key": "stent",
            "name_en": "Stent",
            "type": "device",
            "risk_class": "",
            "trl": "5",
            "started_on": "2025-02-10",
        },
    )
    assert response.status_code == 200
    assert "A medical device (an in-vitro diagnostic and medical software too) needs a risk class" in (
        response.content.decode()
    )
    assert not Product.objects.filter(key="stent").exists()


def test_a_representative_cannot_register_in_another_cluster(client, world):
    client.force_login(world.users["developer"])
    response = client.post(
        reverse("pathways-product-create"),
        {
            "cluster": "aero",
            "key": "wing",
            "name_en": "Wing",
            "type": "service",
            "trl": "3",
            "started_on": "2025-02-10",
            "developer": world.developer.pk,
        },
    )
    assert response.status_code == 200  # "aero" is not among the choices
    assert "Select a valid choice" in response.content.decode()
    assert not Product.objects.filter(key="wing").exists()


def test_editing_a_product(client, world):
    client.force_login(world.users["developer"])
    url = reverse("pathways-product-edit", args=[world.device.key])
    page = client.get(url).content.decode()
    assert 'name="key"' in page and "disabled" in page
    response = client.post(
        url,
        {
            "name_en": "Neuro sensor II",
            "name_ru": "Нейродатчик",
            "risk_class": "3",
            "trl": "7",
            "started_on": "2025-04-01",
            "withdrawn_on": "",
            "indication_en": "epilepsy",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/pathways/products/neuro-sensor/"
    world.device.refresh_from_db()
    assert (world.device.name_en, world.device.risk_class, world.device.trl) == ("Neuro sensor II", "3", 7)
    assert world.device.indication_en == "epilepsy" and world.device.catalogue.key == "device-1684"


def test_the_consortium_page(client, world):
    client.force_login(world.users["manager"])
    url = reverse("pathways-consortium", args=[world.device.key])
    response = client.post(url, {"action": "add", "organisation": world.member.pk, "role": "manufacturer"})
    assert response.status_code == 302 and response["Location"] == url
    assert ProductParticipant.objects.filter(
        product=world.device, organisation=world.member, role="manufacturer"
    )
    again = client.post(url, {"action": "add", "organisation": world.member.pk, "role": "manufacturer"})
    assert "already in the consortium" in again.content.decode()
    site = ProductParticipant.objects.get(product=world.device, organisation=world.site)
    response = client.post(url, {"action": "remove", "participant": site.pk})
    assert response.status_code == 302
    assert not ProductParticipant.objects.filter(pk=site.pk).exists()
    other = ProductParticipant.objects.get(product=world.medicine, organisation=world.developer)
    assert client.post(url, {"action": "remove", "participant": other.pk}).status_code == 404


# --- gate events ------------------------------------------------------------------------------------------


def test_the_gate_select_lists_the_products_gates_in_order_with_agency_and_clock(client, world):
    client.force_login(world.users["developer"])
    page = client.get(reverse("pathways-event-create", args=[world.device.key]) + "?gate=toxicology")
    text = page.content.decode()
    labels = [
        "1. Technical tests — Testing laboratories, no statutory clock",
        "2. Toxicological studies — Testing laboratories, no statutory clock",
        "3. Clinical trials — Clinical sites, no statutory clock",
        "4. Inspection of production — Roszdravnadzor, no statutory clock",
        "5. State registration by Roszdravnadzor — Roszdravnadzor, 50 working days",
        "6. Market launch — no statutory clock",
    ]
    positions = [text.index(label) for label in labels]
    assert positions == sorted(positions)
    toxicology = world.gate(world.device, "toxicology")
    assert f'<option value="{toxicology.pk}" selected>' in text


def test_recording_an_event_redirects_to_the_product(client, world):
    client.force_login(world.users["developer"])
    gate = world.gate(world.device, "technical-tests")
    response = client.post(
        reverse("pathways-event-create", args=[world.device.key]),
        {
            "gate": gate.pk,
            "kind": "decision",
            "date": "2025-07-15",
            "decision": "approved",
            "reference": "T-17",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/pathways/products/neuro-sensor/"
    event = GateEvent.objects.get(kind="decision")
    assert (event.decision, event.reference, event.recorded_by) == (
        "approved",
        "T-17",
        world.users["developer"],
    )
    audit = AuditEvent.objects.get(model="pathways.GateEvent", action="create", object_id=str(event.pk))
    assert audit.actor == world.users["developer"] and audit.source == "web"


def test_a_broken_order_is_explained_on_the_form_and_nothing_is_saved(client, world):
    client.force_login(world.users["developer"])
    gate = world.gate(world.device, "technical-tests")
    response = client.post(
        reverse("pathways-event-create", args=[world.device.key]),
        {"gate": gate.pk, "kind": "submitted", "date": "2025-06-01"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert (
        "At “Technical tests” a new submission needs the previous one refused or withdrawn; "
        "the last event there is the submission of May 5, 2025." in text
    )
    assert GateEvent.objects.count() == 1


def test_a_decision_needs_its_value_on_the_form(client, world):
    client.force_login(world.users["developer"])
    gate = world.gate(world.device, "technical-tests")
    response = client.post(
        reverse("pathways-event-create", args=[world.device.key]),
        {"gate": gate.pk, "kind": "decision", "date": "2025-06-01", "decision": ""},
    )
    assert "A decision is approved or refused: choose one." in response.content.decode()
    assert GateEvent.objects.count() == 1


def test_deleting_the_last_event(client, world):
    client.force_login(world.users["developer"])
    first = world.extra["event"]
    later = world.record(world.device, "technical-tests", "query", D(2025, 6, 1))
    url = reverse("pathways-event-delete", args=[world.device.key, first.pk])
    assert "Only the latest event of a gate may be deleted" in client.get(url).content.decode()
    refused = client.post(url)
    assert refused.status_code == 400 and GateEvent.objects.filter(pk=first.pk).exists()
    response = client.post(reverse("pathways-event-delete", args=[world.device.key, later.pk]))
    assert response.status_code == 302 and response["Location"] == "/pathways/products/neuro-sensor/"
    assert list(GateEvent.objects.values_list("pk", flat=True)) == [first.pk]


def test_the_pages_speak_russian(client, world):
    client.force_login(world.users["developer"])
    client.cookies["clusterworks_language"] = "ru"
    text = client.get(reverse("pathways-event-create", args=[world.device.key])).content.decode()
    assert '<html lang="ru">' in text
    assert "1. Технические испытания — Испытательные лаборатории" in text
    assert (
        "5. Государственная регистрация медицинского изделия в Росздравнадзоре — Росздравнадзор, 50" in text
    )
