"""The selectors: lists that mirror the permissions, the catalogue in force, and a product's gates, events
and clocks in the analytics library's terms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from clusterworks.analytics.pathways import Event, GateSpec
from clusterworks.web.core.permissions import check
from clusterworks.web.pathways import selectors
from clusterworks.web.pathways.models import Barrier, GateCatalogue, Product
from tests.factories import GateCatalogueFactory, ProductFactory
from tests.web.pathways.world_services import build_world

D = dt.date


@pytest.fixture
def world(db):
    world = build_world()
    world.extra = {
        "foreign": ProductFactory(cluster=world.other_cluster, key="jet", type="service", risk_class=""),
        "raised": Barrier.objects.create(
            cluster=world.cluster,
            title="raised by the member",
            kind="other",
            raised_by=world.users["member"],
            raised_on=D(2025, 6, 1),
        ),
        "for_developer": Barrier.objects.create(
            cluster=world.cluster,
            title="for the developer",
            kind="other",
            raised_for=world.developer,
            raised_on=D(2025, 6, 1),
        ),
        "other_cluster": Barrier.objects.create(
            cluster=world.other_cluster, title="elsewhere", kind="other", raised_on=D(2025, 6, 1)
        ),
    }
    return world


@pytest.mark.parametrize(
    ("who", "products"),
    [
        ("admin", {"neuro-sensor", "anti-tnf", "jet"}),
        ("analyst", {"neuro-sensor", "anti-tnf", "jet"}),
        ("manager", {"neuro-sensor", "anti-tnf"}),
        ("other_manager", {"jet"}),
        ("developer", {"neuro-sensor", "anti-tnf"}),
        ("site", {"neuro-sensor"}),
        ("member", set()),
        ("anonymous", set()),
    ],
)
def test_products_visible_to_mirrors_product_view(world, who, products):
    user = AnonymousUser() if who == "anonymous" else world.users[who]
    visible = set(selectors.products_visible_to(user).values_list("key", flat=True))
    assert visible == products
    # the same answer as the predicate, product by product
    assert visible == {p.key for p in Product.objects.all() if check(user, "product.view", p)}


@pytest.mark.parametrize(
    ("who", "barriers"),
    [
        ("admin", {"raised", "for_developer", "other_cluster"}),
        ("manager", {"raised", "for_developer"}),
        ("other_manager", {"other_cluster"}),
        ("developer", {"for_developer"}),
        ("member", {"raised"}),
        ("site", set()),
        ("anonymous", set()),
    ],
)
def test_barriers_visible_to_mirrors_barrier_view(world, who, barriers):
    user = AnonymousUser() if who == "anonymous" else world.users[who]
    names = {b.pk: name for name, b in world.extra.items() if isinstance(b, Barrier)}
    visible = {names[pk] for pk in selectors.barriers_visible_to(user).values_list("pk", flat=True)}
    assert visible == barriers
    assert visible == {names[b.pk] for b in Barrier.objects.all() if check(user, "barrier.view", b)}


def test_clusters_where_a_user_may_register(world):
    assert [c.key for c in selectors.clusters_where(world.users["developer"], "product.create")] == [
        "medtech"
    ]
    assert [c.key for c in selectors.clusters_where(world.users["other_manager"], "product.create")] == [
        "aero"
    ]
    assert not selectors.clusters_where(world.users["site"], "product.create").exists()
    assert not selectors.clusters_where(world.users["analyst"], "barrier.create").exists()
    assert {c.key for c in selectors.clusters_where(world.users["admin"], "barrier.create")} >= {
        "medtech",
        "aero",
    }


def test_catalogue_in_force(db):
    assert selectors.catalogue_in_force("device", D(2012, 12, 31)) is None
    assert selectors.catalogue_in_force("device", D(2013, 1, 1)).key == "device-1416"
    assert selectors.catalogue_in_force("device", D(2025, 2, 28)).key == "device-1416"
    assert selectors.catalogue_in_force("device", D(2025, 3, 1)).key == "device-1684"
    assert selectors.catalogue_in_force("medicine", D(2015, 6, 30)).key == "medicine-61fz-2010"
    assert selectors.catalogue_in_force("medicine", D(2015, 7, 1)).key == "medicine-61fz-2015"
    # of two versions both in force, the one that took effect last
    later = GateCatalogueFactory(product_type="device", effective_from=D(2026, 1, 1))
    assert selectors.catalogue_in_force("device", D(2026, 6, 1)) == later
    assert selectors.catalogue_in_force("device", D(2025, 12, 31)).key == "device-1684"


def test_a_products_gates_follow_its_risk_class(world):
    assert list(selectors.product_gate_specs(world.device)) == [
        "technical-tests",
        "toxicology",
        "device-clinical-trials",
        "production-inspection",
        "device-registration",
        "market-launch",
    ]
    class_one = ProductFactory(
        cluster=world.cluster, catalogue=GateCatalogue.objects.get(key="device-1684"), risk_class="1"
    )
    assert "production-inspection" not in selectors.product_gate_specs(class_one)
    spec = selectors.product_gate_specs(world.device)["device-registration"]
    assert spec == GateSpec(
        "device-registration", 5, "registration", "roszdravnadzor", "working", 50, 120, 365
    )
    assert selectors.product_gate_specs(world.device)["market-launch"].agency is None


def test_product_events_in_order(world):
    world.record(world.medicine, "ct-permit", "decision", D(2025, 5, 7), "approved")
    world.record(world.medicine, "ct-permit", "submitted", D(2025, 4, 28))
    assert selectors.product_events(world.medicine) == [
        Event("anti-tnf", "ct-permit", "submitted", D(2025, 4, 28), None),
        Event("anti-tnf", "ct-permit", "decision", D(2025, 5, 7), "approved"),
    ]


def test_product_clocks_count_russian_working_days(world):
    # the clinical-trial permit: 5 working days. Submitted on Monday 28 April 2025, decided on
    # Wednesday 7 May: 29 and 30 April count (1, 2); 1-4 May are holidays; 5, 6 and 7 May count (3, 4, 5).
    world.record(world.medicine, "ct-permit", "submitted", D(2025, 4, 28))
    world.record(world.medicine, "ct-permit", "decision", D(2025, 5, 7), "approved")
    # state registration, 160 working days, still open on 30 May 2025 after a submission on 12 May:
    # 12 May counts not; 13-16 May (4), 19-23 (5), 26-30 (5) = 14 working days.
    world.record(world.medicine, "state-registration", "submitted", D(2025, 5, 12))
    permit, registration = selectors.product_clocks(world.medicine, today=D(2025, 5, 30))
    assert (
        permit.gate,
        permit.clock_used,
        permit.statutory,
        permit.days_left,
        permit.overdue,
        permit.open,
    ) == (
        "ct-permit",
        5,
        5,
        0,
        False,
        False,
    )
    assert permit.elapsed_days == 9 and permit.catalogue == "medicine-61fz-2015"
    assert (registration.clock_used, registration.days_left, registration.open) == (14, 146, True)
