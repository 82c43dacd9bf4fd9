"""The role x action matrix of the registry's permissions.

Each row is one role (held for the cluster / organisation in question, or for another one); each
column an action on the objects of one small cluster. The expected values are the written policy
(docs/admin-guide.md, "Roles and permissions"), not derived from the code: a change of rule must change
this table. Every registered permission must appear here, so a new one cannot go untested.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from clusterworks.web.core.models import Task
from clusterworks.web.core.permissions import PREDICATES, NotAllowed, check, require
from clusterworks.web.core.roles import Role
from clusterworks.web.registry.models import Affiliation, Agreement
from tests.factories import (
    ClusterFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    user_with_role,
)

Y, N = True, False

# action -> the object it is checked on (see the `world` fixture)
ACTIONS = {
    "cluster.view": "cluster",
    "cluster.create": None,
    "cluster.change": "cluster",
    "cluster.delete": "cluster",
    "membership.manage": "cluster",
    "organisation.view": "member",
    "organisation.create": None,
    "organisation.change": "member",
    "organisation.delete": "member",
    "person.view": "person",
    "person.list": None,
    "person.create": "member",
    "person.change": "person",
    "tie.view": "agreement",
    "tie.create": None,
    "tie.change": "agreement",
    "registry.import": None,
    "registry.export": None,
    "audit.view": None,
    "task.view": "task",
}

# fmt: off
MATRIX = {
    #                          c.view c.create c.change c.delete m.manage o.view o.create o.change o.delete p.view p.list p.create p.change t.view t.create t.change import export audit task
    "admin":                   (Y,    Y,       Y,       Y,       Y,       Y,     Y,       Y,       Y,       Y,     Y,     Y,       Y,       Y,     Y,       Y,       Y,     Y,     Y, Y),
    "manager_of_cluster":      (Y,    N,       Y,       N,       Y,       Y,     Y,       Y,       N,       Y,     Y,     Y,       Y,       Y,     Y,       Y,       Y,     Y,     N, N),
    "manager_of_other":        (Y,    N,       N,       N,       N,       Y,     Y,       N,       N,       N,     Y,     N,       N,       N,     Y,       N,       Y,     Y,     N, N),
    "representative_of_member": (Y,   N,       N,       N,       N,       Y,     N,       Y,       N,       Y,     Y,     Y,       Y,       Y,     Y,       Y,       N,     N,     N, N),
    "representative_of_other": (Y,    N,       N,       N,       N,       Y,     N,       N,       N,       N,     Y,     N,       N,       N,     Y,       N,       N,     N,     N, N),
    "programme_officer":       (Y,    N,       N,       N,       N,       Y,     N,       N,       N,       N,     N,     N,       N,       N,     N,       N,       N,     Y,     N, N),
    "expert":                  (Y,    N,       N,       N,       N,       Y,     N,       N,       N,       N,     N,     N,       N,       N,     N,       N,       N,     N,     N, N),
    "commission_member":       (Y,    N,       N,       N,       N,       Y,     N,       N,       N,       N,     N,     N,       N,       N,     N,       N,       N,     N,     N, N),
    "analyst":                 (Y,    N,       N,       N,       N,       Y,     N,       N,       N,       N,     N,     N,       N,       Y,     N,       N,       N,     Y,     N, N),
    "the_person_themself":     (Y,    N,       N,       N,       N,       Y,     N,       N,       N,       Y,     N,     N,       Y,       N,     N,       N,       N,     N,     N, Y),
    "anonymous":               (Y,    N,       N,       N,       N,       Y,     N,       N,       N,       N,     N,     N,       N,       N,     N,       N,       N,     N,     N, N),
}
# fmt: on


@pytest.fixture
def world(db):
    cluster = ClusterFactory()
    other_cluster = ClusterFactory()
    member = OrganisationFactory()
    partner = OrganisationFactory()
    outsider = OrganisationFactory()
    MembershipFactory(cluster=cluster, organisation=member)
    MembershipFactory(cluster=other_cluster, organisation=outsider)
    person_user = UserFactory()
    person = PersonFactory(user=person_user)
    Affiliation.objects.create(person=person, organisation=member, position="Head of technology transfer")
    agreement = Agreement.objects.create(title="R&D", kind="research", signed_on=dt.date(2024, 3, 1))
    agreement.parties.set([member, partner])
    users = {
        "admin": user_with_role(Role.ADMIN),
        "manager_of_cluster": user_with_role(Role.CLUSTER_MANAGER, cluster=cluster),
        "manager_of_other": user_with_role(Role.CLUSTER_MANAGER, cluster=other_cluster),
        "representative_of_member": user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=member),
        "representative_of_other": user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=outsider),
        "programme_officer": user_with_role(Role.PROGRAMME_OFFICER),
        "expert": user_with_role(Role.EXPERT),
        "commission_member": user_with_role(Role.COMMISSION_MEMBER),
        "analyst": user_with_role(Role.ANALYST),
        "the_person_themself": person_user,
        "anonymous": AnonymousUser(),
    }
    task = Task.objects.create(user=person_user, kind="test", title="An import")
    objects = {
        "cluster": cluster, "member": member, "person": person, "agreement": agreement, "task": task, None: None
    }  # fmt: skip
    return users, objects


def test_matrix_covers_every_registered_permission():
    from tests.web.foresight.test_permission_matrix import ACTIONS as FORESIGHT_ACTIONS
    from tests.web.network.test_permission_matrix import ACTIONS as NETWORK_ACTIONS
    from tests.web.observatory.test_permission_matrix import ACTIONS as OBSERVATORY_ACTIONS
    from tests.web.pathways.test_permission_matrix import ACTIONS as PATHWAYS_ACTIONS
    from tests.web.programme.test_permission_matrix import ACTIONS as PROGRAMME_ACTIONS

    tables = [
        set(ACTIONS),
        set(FORESIGHT_ACTIONS),
        set(PATHWAYS_ACTIONS),
        set(PROGRAMME_ACTIONS),
        set(NETWORK_ACTIONS),
        set(OBSERVATORY_ACTIONS),
    ]
    assert sum(len(t) for t in tables) == len(set().union(*tables)), "an action is in two matrices"
    assert set().union(*tables) == set(PREDICATES), "add new permissions to a matrix"
    assert all(len(row) == len(ACTIONS) for row in MATRIX.values())


@pytest.mark.parametrize("who", list(MATRIX))
def test_role_action_matrix(world, who):
    users, objects = world
    user = users[who]
    got = {action: check(user, action, objects[target]) for action, target in ACTIONS.items()}
    expected = dict(zip(ACTIONS, MATRIX[who], strict=True))
    wrong = {a: (d.allowed, d.reason) for a, d in got.items() if d.allowed != expected[a]}
    assert not wrong, f"{who}: {wrong}"
    assert all(d.reason for d in got.values()), "every decision carries a reason"


def test_require_raises_with_the_reason(world):
    users, objects = world
    with pytest.raises(NotAllowed) as refused:
        require(users["manager_of_other"], "membership.manage", objects["cluster"])
    assert refused.value.reason == "only this cluster's managers may change its members"
    assert refused.value.action == "membership.manage"


def test_ended_membership_no_longer_grants_rights(world):
    users, objects = world
    membership = objects["member"].memberships.get()
    membership.left = dt.date(2025, 1, 1)
    membership.save()
    manager = users["manager_of_cluster"]
    assert not check(manager, "organisation.change", objects["member"])


def test_inactive_user_has_no_rights(world):
    users, objects = world
    manager = users["manager_of_cluster"]
    manager.is_active = False
    assert not check(manager, "cluster.change", objects["cluster"])


def test_unknown_permission_is_a_programming_error():
    with pytest.raises(KeyError, match="unknown permission 'cluster.fly'"):
        check(AnonymousUser(), "cluster.fly")
