"""A cluster with a device and a medicine on their pathways, its consortium and one user per kind of
reader, for the tests of the records (``test_services*.py``, ``test_records_views*.py``,
``test_events_import*.py``). No tests here: only the builder.

The products use the seeded gate catalogues (``device-1684``, ``medicine-61fz-2015``), which the data
migration loads into every test database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from clusterworks.web.core.roles import Role
from clusterworks.web.pathways.models import Gate, GateCatalogue, GateEvent, Product, ProductParticipant
from clusterworks.web.registry.models import Cluster, Organisation
from tests.factories import ClusterFactory, MembershipFactory, OrganisationFactory, user_with_role


@dataclass
class World:
    cluster: Cluster
    other_cluster: Cluster
    developer: Organisation  # a member of the cluster, developing the device
    site: Organisation  # a clinical site of the device, not a member of the cluster
    member: Organisation  # a member of the cluster outside the consortium
    outsider: Organisation  # a member of the other cluster
    device: Product  # class 2b, under Resolution 1684
    medicine: Product
    users: dict[str, Any]

    def gate(self, product: Product, key: str) -> Gate:
        return Gate.objects.get(catalogue=product.catalogue, key=key)

    def record(self, product: Product, gate: str, kind: str, date: dt.date, decision: str = "") -> GateEvent:
        """An event written straight to the database (no service), to set the scene."""
        return GateEvent.objects.create(
            product=product, gate=self.gate(product, gate), kind=kind, date=date, decision=decision
        )


def build_world() -> World:
    cluster = ClusterFactory(key="medtech", name_en="Medical technologies", name_ru="Медицинские технологии")
    other_cluster = ClusterFactory(key="aero", name_en="Aerospace", name_ru="Авиакосмос")
    developer = OrganisationFactory(key="neurodev", name_en="Neurodev")
    site = OrganisationFactory(key="city-hospital", name_en="City Hospital")
    member = OrganisationFactory(key="biolab", name_en="Biolab")
    outsider = OrganisationFactory(key="aerotech", name_en="Aerotech")
    MembershipFactory(cluster=cluster, organisation=developer)
    MembershipFactory(cluster=cluster, organisation=member)
    MembershipFactory(cluster=other_cluster, organisation=outsider)
    device = Product.objects.create(
        cluster=cluster,
        key="neuro-sensor",
        name_en="Neuro sensor",
        name_ru="Нейродатчик",
        type="device",
        risk_class="2b",
        catalogue=GateCatalogue.objects.get(key="device-1684"),
        trl=6,
        started_on=dt.date(2025, 4, 1),
    )
    medicine = Product.objects.create(
        cluster=cluster,
        key="anti-tnf",
        name_en="Anti-TNF antibody",
        type="medicine",
        catalogue=GateCatalogue.objects.get(key="medicine-61fz-2015"),
        trl=5,
        started_on=dt.date(2023, 2, 1),
    )
    for product in (device, medicine):
        ProductParticipant.objects.create(product=product, organisation=developer, role="developer")
    ProductParticipant.objects.create(product=device, organisation=site, role="clinical_site")
    users = {
        "admin": user_with_role(Role.ADMIN, username="pw-admin"),
        "manager": user_with_role(Role.CLUSTER_MANAGER, cluster=cluster, username="pw-manager"),
        "other_manager": user_with_role(Role.CLUSTER_MANAGER, cluster=other_cluster, username="pw-other"),
        "developer": user_with_role(
            Role.ORGANISATION_REPRESENTATIVE, organisation=developer, username="pw-dev"
        ),
        "site": user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=site, username="pw-site"),
        "member": user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=member, username="pw-member"),
        "outsider": user_with_role(
            Role.ORGANISATION_REPRESENTATIVE, organisation=outsider, username="pw-out"
        ),
        "analyst": user_with_role(Role.ANALYST, username="pw-analyst"),
    }
    return World(cluster, other_cluster, developer, site, member, outsider, device, medicine, users)
