"""Products and their consortia through the services: the catalogue version by start date, risk classes,
permissions, and nothing half-saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from clusterworks.web.core.permissions import NotAllowed
from clusterworks.web.pathways import services
from clusterworks.web.pathways.models import GateCatalogue, GateEvent, Product, ProductParticipant
from tests.web.pathways.world_services import build_world


@pytest.fixture
def world(db):
    return build_world()


def _data(**fields):
    data = {"key": "new-device", "name_en": "New device", "type": "device", "risk_class": "2a", "trl": 4}
    data.update(fields)
    return data


def _create(world, who="manager", participants=None, **fields):
    return services.product_create(
        actor=world.users[who],
        cluster=world.cluster,
        data=_data(**fields),
        participants=participants if participants is not None else [(world.developer, "developer")],
    )


@pytest.mark.parametrize(
    ("started_on", "catalogue"),
    [
        (dt.date(2013, 1, 1), "device-1416"),  # the first day of Resolution 1416
        (dt.date(2025, 2, 28), "device-1416"),  # its last day
        (dt.date(2025, 3, 1), "device-1684"),  # Resolution 1684 in force
        (dt.date(2025, 11, 20), "device-1684"),
    ],
)
def test_a_product_takes_the_catalogue_in_force_on_its_start(world, started_on, catalogue):
    product = _create(world, started_on=started_on)
    assert product.catalogue.key == catalogue


def test_a_medicine_started_in_2014_follows_the_original_61fz(world):
    product = _create(world, key="old-drug", type="medicine", risk_class="", started_on=dt.date(2014, 5, 5))
    assert product.catalogue.key == "medicine-61fz-2010"
    registration = product.catalogue.gates.get(key="state-registration")
    assert registration.clock_days == 210


def test_a_device_started_under_1416_keeps_it_after_1684_took_effect(world):
    product = _create(world, started_on=dt.date(2025, 1, 15))
    assert product.catalogue.key == "device-1416"
    # later changes of the record do not move it to the new rules ...
    services.product_update(actor=world.users["manager"], product=product, data={"trl": 7})
    product.refresh_from_db()
    assert (product.catalogue.key, product.trl) == ("device-1416", 7)
    # ... and its gate events after 1 March 2025 are recorded on the 1416 gates
    gate = product.catalogue.gates.get(key="technical-tests")
    event = services.event_record(
        actor=world.users["manager"], product=product, gate=gate, kind="submitted", date=dt.date(2025, 6, 2)
    )
    assert event.gate.catalogue.key == "device-1416"


def test_an_explicit_catalogue_must_be_of_the_products_type(world):
    with pytest.raises(ValidationError) as raised:
        services.product_create(
            actor=world.users["manager"],
            cluster=world.cluster,
            data=_data(started_on=dt.date(2025, 5, 1)),
            participants=[],
            catalogue=GateCatalogue.objects.get(key="medicine-61fz-2015"),
        )
    assert "catalogue" in raised.value.message_dict
    assert "medicine-61fz-2015" in raised.value.message_dict["catalogue"][0]
    assert not Product.objects.filter(key="new-device").exists()


def test_no_catalogue_in_force_names_the_date_and_the_versions(world):
    with pytest.raises(ValidationError) as raised:
        _create(world, type="diagnostic", risk_class="2a", started_on=dt.date(2012, 6, 1))
    message = raised.value.message_dict["started_on"][0]
    assert "June 1, 2012" in message and "diagnostic-1416" in message and "diagnostic-1684" in message
    assert not Product.objects.filter(key="new-device").exists()


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        (
            {"risk_class": ""},
            "risk_class",
            "A medical device (an in-vitro diagnostic and medical software too)",
        ),
        # in-vitro diagnostics and medical software are medical devices too (323-FZ, art. 38)
        ({"type": "diagnostic", "risk_class": ""}, "risk_class", "needs a risk class"),
        ({"type": "software", "risk_class": ""}, "risk_class", "needs a risk class"),
        ({"risk_class": "4"}, "risk_class", "“4” is not one of 1, 2a, 2b, 3"),
        ({"type": "medicine", "risk_class": "2a"}, "risk_class", "a product of type “Medicine” has none"),
        ({"type": "service", "risk_class": "1"}, "risk_class", "a product of type “Service” has none"),
        ({"type": "gadget"}, "type", "“gadget” is not allowed; allowed: medicine, device"),
        ({"started_on": dt.date(2099, 1, 1)}, "started_on", "is in the future"),
        ({"trl": 10}, "trl", ""),
    ],
)
def test_bad_products_are_refused_and_nothing_is_saved(world, fields, field, fragment):
    participants = ProductParticipant.objects.count()
    with pytest.raises(ValidationError) as raised:
        _create(world, **{"started_on": dt.date(2025, 5, 1), **fields})
    assert fragment in " ".join(raised.value.message_dict[field])
    assert not Product.objects.filter(key="new-device").exists()
    assert ProductParticipant.objects.count() == participants


def test_a_members_representative_registers_a_product_of_their_own_organisation(world):
    member = world.users["member"]
    with pytest.raises(ValidationError) as raised:  # without their organisation they could not change it
        _create(
            world, who="member", started_on=dt.date(2025, 5, 1), participants=[(world.developer, "developer")]
        )
    assert "must stay in the consortium as a developer" in raised.value.message_dict["participants"][0]
    assert not Product.objects.filter(key="new-device").exists()
    product = _create(
        world, who="member", started_on=dt.date(2025, 5, 1), participants=[(world.member, "developer")]
    )
    assert list(product.participants.values_list("organisation__key", "role")) == [("biolab", "developer")]
    assert product.cluster == world.cluster and member.pk


@pytest.mark.parametrize("who", ["other_manager", "site", "outsider", "analyst"])
def test_who_may_not_register_products_in_the_cluster(world, who):
    with pytest.raises(NotAllowed):
        _create(world, who=who, started_on=dt.date(2025, 5, 1))
    assert not Product.objects.filter(key="new-device").exists()


def test_key_and_type_are_fixed(world):
    manager = world.users["manager"]
    with pytest.raises(ValidationError) as raised:
        services.product_update(actor=manager, product=world.device, data={"key": "renamed"})
    assert "key" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.product_update(actor=manager, product=world.device, data={"type": "software"})
    assert "type" in raised.value.message_dict


def test_a_new_start_date_moves_a_product_without_events_to_the_version_then_in_force(world):
    product = _create(world, started_on=dt.date(2025, 5, 1))
    assert product.catalogue.key == "device-1684"
    services.product_update(
        actor=world.users["manager"], product=product, data={"started_on": dt.date(2024, 9, 1)}
    )
    product.refresh_from_db()
    assert product.catalogue.key == "device-1416"
    # with an event recorded, it keeps its catalogue
    world.record(product, "technical-tests", "submitted", dt.date(2024, 10, 1))
    services.product_update(
        actor=world.users["manager"], product=product, data={"started_on": dt.date(2025, 4, 1)}
    )
    product.refresh_from_db()
    assert product.catalogue.key == "device-1416"


def test_a_new_risk_class_must_keep_the_gates_with_events(world):
    # the production inspection (Resolution 1684) applies to classes 2a, 2b and 3, not to class 1
    world.record(world.device, "production-inspection", "submitted", dt.date(2025, 9, 1))
    with pytest.raises(ValidationError) as raised:
        services.product_update(
            actor=world.users["developer"], product=world.device, data={"risk_class": "1"}
        )
    assert "production-inspection" in raised.value.message_dict["risk_class"][0]
    world.device.refresh_from_db()
    assert world.device.risk_class == "2b"
    services.product_update(actor=world.users["developer"], product=world.device, data={"risk_class": "3"})
    world.device.refresh_from_db()
    assert world.device.risk_class == "3"


def test_withdrawn_before_started_is_refused(world):
    with pytest.raises(ValidationError) as raised:
        services.product_update(
            actor=world.users["manager"], product=world.device, data={"withdrawn_on": dt.date(2025, 1, 1)}
        )
    assert "before the product started" in raised.value.message_dict["withdrawn_on"][0]


@pytest.mark.parametrize("who", ["site", "member", "other_manager", "analyst"])
def test_who_may_not_change_a_product(world, who):
    with pytest.raises(NotAllowed):
        services.product_update(actor=world.users[who], product=world.device, data={"trl": 9})
    world.device.refresh_from_db()
    assert world.device.trl == 6


def test_the_consortium(world):
    manager, developer = world.users["manager"], world.users["developer"]
    added = services.participant_add(
        actor=developer, product=world.device, organisation=world.member, role="testing_lab"
    )
    assert added.get_role_display() == "Testing laboratory"
    with pytest.raises(ValidationError) as raised:  # the same organisation in the same role twice
        services.participant_add(
            actor=developer, product=world.device, organisation=world.member, role="testing_lab"
        )
    assert "already in the consortium" in raised.value.message_dict["organisation"][0]
    with pytest.raises(ValidationError) as raised:
        services.participant_add(
            actor=developer, product=world.device, organisation=world.member, role="sponsor"
        )
    assert "“sponsor” is not allowed" in raised.value.message_dict["role"][0]
    with pytest.raises(NotAllowed):
        services.participant_add(
            actor=world.users["site"], product=world.device, organisation=world.site, role="other"
        )
    # the developer's representative may not remove their own organisation's developer role ...
    own = ProductParticipant.objects.get(product=world.device, organisation=world.developer, role="developer")
    own_pk = own.pk
    with pytest.raises(ValidationError):
        services.participant_remove(actor=developer, participant=own)
    assert ProductParticipant.objects.filter(pk=own_pk).exists()
    # ... the cluster's manager may
    services.participant_remove(actor=manager, participant=ProductParticipant.objects.get(pk=own_pk))
    assert not ProductParticipant.objects.filter(pk=own_pk).exists()


def test_product_events_are_untouched_by_refused_changes(world):
    world.record(world.device, "technical-tests", "submitted", dt.date(2025, 5, 5))
    before = list(GateEvent.objects.values_list("pk", flat=True))
    with pytest.raises(ValidationError):
        services.product_update(actor=world.users["manager"], product=world.device, data={"risk_class": ""})
    assert list(GateEvent.objects.values_list("pk", flat=True)) == before


@pytest.mark.parametrize("product_type", ["diagnostic", "software"])
def test_diagnostics_and_software_are_registered_with_their_risk_class(world, product_type):
    # MoH Order 4n of 06.06.2012 classifies in-vitro diagnostics and medical software as devices
    product = _create(world, type=product_type, risk_class="2b", started_on=dt.date(2025, 5, 1))
    product.refresh_from_db()
    assert (product.type, product.risk_class) == (product_type, "2b")
    assert product.catalogue.product_type == product_type


def test_the_database_refuses_a_risk_class_on_a_medicine(world):
    from django.db import IntegrityError, transaction

    product = _create(world, type="diagnostic", risk_class="2a", started_on=dt.date(2025, 5, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(type="medicine")
