"""``/clusters/{key}/members``: list, add, change role and dates, remove, per role."""

from __future__ import annotations

import pytest

from clusterworks.web.registry.models import Membership
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_list_is_public_and_ordered_by_role(register, anonymous):
    body = anonymous.get("/clusters/medtech/members").json()
    assert body["count"] == 2
    first = body["results"][0]
    assert first["organisation"] == {
        "key": "coordinator",
        "name_en": "Cluster Coordinator",
        "name_ru": register.coordinator.name_ru,
    }
    assert first["role"] == "coordinator" and first["cluster"] == "medtech" and first["is_current"] is True
    assert [m["organisation"]["key"] for m in body["results"]] == ["coordinator", "member"]


def test_list_current_or_all(register, anonymous):
    former = OrganisationFactory(key="former")
    MembershipFactory(cluster=register.cluster, organisation=former, joined="2015-01-01", left="2020-01-01")
    assert anonymous.get("/clusters/medtech/members").json()["count"] == 2
    everyone = anonymous.get("/clusters/medtech/members", {"current": "false"}).json()
    assert everyone["count"] == 3
    left = next(m for m in everyone["results"] if m["organisation"]["key"] == "former")
    assert left["left"] == "2020-01-01" and left["is_current"] is False


def test_list_of_an_unknown_cluster(register, anonymous):
    assert anonymous.get("/clusters/none/members").status_code == 404


@pytest.mark.parametrize(
    "role, status",
    [("admin", 201), ("manager", 201), ("other_manager", 403), ("representative", 403), ("analyst", 403)],
)
def test_add_by_role(register, role, status):
    response = register.client(role).post(
        "/clusters/medtech/members", {"organisation": "outsider", "role": "partner", "joined": "2024-03-01"}
    )
    assert response.status_code == status, response.content
    if status == 201:
        body = response.json()
        assert body["organisation"]["key"] == "outsider" and body["role"] == "partner"
        assert body["joined"] == "2024-03-01"
    assert Membership.objects.filter(cluster=register.cluster, organisation=register.outsider).exists() == (
        status == 201
    )


def test_add_conflicts_and_validation(register):
    client = register.client("manager")
    duplicate = client.post("/clusters/medtech/members", {"organisation": "member"})
    assert duplicate.status_code == 409
    second_coordinator = client.post(
        "/clusters/medtech/members", {"organisation": "outsider", "role": "coordinator"}
    )
    assert second_coordinator.status_code == 409
    assert second_coordinator.json()["error"]["fields"] == {
        "role": ["This cluster already has a current coordinator."]
    }
    unknown = client.post("/clusters/medtech/members", {"organisation": "ghost"})
    assert unknown.status_code == 400
    assert unknown.json()["error"]["fields"] == {
        "organisation": ["No organisation with the identifier 'ghost'."]
    }
    assert (
        client.post("/clusters/medtech/members", {"organisation": "outsider", "role": "boss"}).status_code
        == 422
    )


@pytest.mark.parametrize("role, status", [("manager", 200), ("other_manager", 403), ("representative", 403)])
def test_update_by_role(register, role, status):
    response = register.client(role).patch("/clusters/medtech/members/member", {"role": "core"})
    assert response.status_code == status, response.content
    membership = Membership.objects.get(cluster=register.cluster, organisation=register.member)
    assert (membership.role == "core") == (status == 200)


def test_end_a_membership(register):
    client = register.client("manager")
    body = client.patch(
        "/clusters/medtech/members/member", {"joined": "2020-01-01", "left": "2024-12-31"}
    ).json()
    assert body["joined"] == "2020-01-01" and body["left"] == "2024-12-31" and body["is_current"] is False
    assert client.get("/clusters/medtech/members").json()["count"] == 1
    before_it_began = client.patch("/clusters/medtech/members/member", {"left": "2019-01-01"})
    assert before_it_began.status_code == 400
    assert before_it_began.json()["error"]["fields"] == {
        "left": ["The membership cannot end before it started."]
    }


def test_update_a_non_member(register):
    assert (
        register.client("manager").patch("/clusters/medtech/members/outsider", {"role": "core"}).status_code
        == 404
    )


@pytest.mark.parametrize("role, status", [("admin", 204), ("manager", 204), ("other_manager", 403)])
def test_remove_by_role(register, role, status):
    assert register.client(role).delete("/clusters/medtech/members/member").status_code == status
    assert Membership.objects.filter(cluster=register.cluster, organisation=register.member).exists() == (
        status != 204
    )
