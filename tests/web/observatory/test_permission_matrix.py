"""The role x action matrix of the observatory's permissions.

Expected values are the written policy (the docstring of web/observatory/permissions.py and
docs/observatory-guide.md, "Who sees what"): everyone signed in views; analysts and administrators
manage (import, delete).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from clusterworks.web.core.permissions import check
from clusterworks.web.core.roles import Role
from clusterworks.web.observatory.models import StatisticsDataset
from tests.factories import ClusterFactory, OrganisationFactory, user_with_role

Y, N = True, False

ACTIONS = {"observatory.view": "dataset", "observatory.manage": "dataset"}

# fmt: off
MATRIX = {
    #                       view manage
    "admin":                (Y,  Y),
    "analyst":              (Y,  Y),
    "cluster_manager":      (Y,  N),
    "representative":       (Y,  N),
    "programme_officer":    (Y,  N),
    "expert":               (Y,  N),
    "commission_member":    (Y,  N),
    "anonymous":            (N,  N),
}
# fmt: on


@pytest.fixture
def world(db):
    users = {
        "admin": user_with_role(Role.ADMIN),
        "analyst": user_with_role(Role.ANALYST),
        "cluster_manager": user_with_role(Role.CLUSTER_MANAGER, cluster=ClusterFactory()),
        "representative": user_with_role(
            Role.ORGANISATION_REPRESENTATIVE, organisation=OrganisationFactory()
        ),
        "programme_officer": user_with_role(Role.PROGRAMME_OFFICER),
        "expert": user_with_role(Role.EXPERT),
        "commission_member": user_with_role(Role.COMMISSION_MEMBER),
        "anonymous": AnonymousUser(),
    }
    dataset = StatisticsDataset.objects.create(key="d", title="D", file_name="d.csv", sha256="0" * 64)
    return users, {"dataset": dataset}


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


def test_a_superuser_without_roles_manages(db):
    from tests.factories import UserFactory

    user = UserFactory(is_superuser=True)
    assert check(user, "observatory.manage")
