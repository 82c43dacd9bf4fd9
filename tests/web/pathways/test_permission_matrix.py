"""The role x action matrix of product pathways' permissions.

Expected values are the written policy (docs/pathways-guide.md, "Who sees what"), not derived from the
code. The registry's matrix (tests/web/core/test_permission_matrix.py) checks that every registered
permission appears in one of the tables.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from clusterworks.web.core.permissions import check
from clusterworks.web.core.roles import Role
from clusterworks.web.pathways.models import Barrier, GateCatalogue, Product, ProductParticipant
from tests.factories import (
    ClusterFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    user_with_role,
)

Y, N = True, False

ACTIONS = {
    "product.view": "product",
    "product.create": "cluster",
    "product.change": "product",
    "pathways.report": "cluster",
    "barrier.view": "barrier",
    "barrier.create": "cluster",
    "barrier.manage": "barrier",
    "catalogue.change": None,
}

# fmt: off
MATRIX = {
    #                             p.view p.create p.change report b.view b.create b.manage catalogue
    "admin":                      (Y,    Y,       Y,       Y,     Y,     Y,       Y,       Y),
    "manager_of_cluster":         (Y,    Y,       Y,       Y,     Y,     Y,       Y,       N),
    "manager_of_other":           (N,    N,       N,       N,     N,     N,       N,       N),
    "representative_of_developer": (Y,   Y,       Y,       N,     Y,     Y,       N,       N),
    "representative_of_site":     (Y,    N,       N,       N,     Y,     N,       N,       N),
    "representative_of_member":   (N,    Y,       N,       N,     Y,     Y,       N,       N),
    "representative_of_other":    (N,    N,       N,       N,     N,     N,       N,       N),
    "barrier_raiser":             (N,    N,       N,       N,     Y,     N,       N,       N),
    "programme_officer":          (N,    N,       N,       N,     N,     N,       N,       N),
    "expert":                     (N,    N,       N,       N,     N,     N,       N,       N),
    "analyst":                    (Y,    N,       N,       Y,     Y,     N,       N,       N),
    "anonymous":                  (N,    N,       N,       N,     N,     N,       N,       N),
}
# fmt: on


@pytest.fixture
def world(db):
    cluster, other_cluster = ClusterFactory(), ClusterFactory()
    developer, site, member, outsider = (OrganisationFactory() for _ in range(4))
    for organisation in (developer, member):
        MembershipFactory(cluster=cluster, organisation=organisation)
    MembershipFactory(cluster=other_cluster, organisation=outsider)
    # the site is in the consortium but not a member of the cluster
    catalogue = GateCatalogue.objects.create(
        key="test-devices", product_type="device", name_en="Devices", effective_from=dt.date(2025, 3, 1)
    )
    product = Product.objects.create(
        cluster=cluster, key="sensor", name_en="Sensor", type="device", risk_class="2a", catalogue=catalogue,
        trl=5, started_on=dt.date(2025, 4, 1),
    )  # fmt: skip
    ProductParticipant.objects.create(product=product, organisation=developer, role="developer")
    ProductParticipant.objects.create(product=product, organisation=site, role="clinical_site")
    raiser = UserFactory()
    barrier = Barrier.objects.create(
        cluster=cluster, title="Queue at the testing lab", kind="agency_queue", raised_by=raiser,
        raised_for=member, raised_on=dt.date(2025, 6, 1),
    )  # fmt: skip
    barrier.products.add(product)  # the consortium of the sensor sees it
    users = {
        "admin": user_with_role(Role.ADMIN),
        "manager_of_cluster": user_with_role(Role.CLUSTER_MANAGER, cluster=cluster),
        "manager_of_other": user_with_role(Role.CLUSTER_MANAGER, cluster=other_cluster),
        "representative_of_developer": user_with_role(
            Role.ORGANISATION_REPRESENTATIVE, organisation=developer
        ),
        "representative_of_site": user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=site),
        "representative_of_member": user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=member),
        "representative_of_other": user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=outsider),
        "barrier_raiser": raiser,
        "programme_officer": user_with_role(Role.PROGRAMME_OFFICER),
        "expert": user_with_role(Role.EXPERT),
        "analyst": user_with_role(Role.ANALYST),
        "anonymous": AnonymousUser(),
    }
    return users, {"cluster": cluster, "product": product, "barrier": barrier, None: None}


def test_matrix_rows_are_complete():
    assert all(len(row) == len(ACTIONS) for row in MATRIX.values())


@pytest.mark.parametrize("who", list(MATRIX))
def test_role_action_matrix(world, who):
    users, objects = world
    got = {action: check(users[who], action, objects[target]) for action, target in ACTIONS.items()}
    expected = dict(zip(ACTIONS, MATRIX[who], strict=True))
    wrong = {a: (d.allowed, d.reason) for a, d in got.items() if d.allowed != expected[a]}
    assert not wrong, f"{who}: {wrong}"
    assert all(d.reason for d in got.values()), "every decision carries a reason"
