"""``/clusters``: list, filters, search, retrieve, and create / change / delete per role."""

from __future__ import annotations

import pytest

from clusterworks.web.registry.models import Cluster
from tests.factories import ClusterFactory, CompetenceFactory

from .conftest import client_for

pytestmark = pytest.mark.django_db

NEW = {
    "key": "robotics",
    "name_en": "Robotics",
    "name_ru": "Робототехника",
    "status": "initiative",
    "regions": ["RU-MOW"],
    "specialisations": ["medtech"],
    "founded": "2021-03-01",
}


def keys(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [c["key"] for c in response.json()["results"]]


def test_list(register, anonymous):
    body = anonymous.get("/clusters").json()
    assert body["count"] == 2 and body["page"] == 1 and body["page_size"] == 50
    medtech = body["results"][0]
    assert medtech["key"] == "medtech"
    assert medtech["regions"] == ["RU-MOW"]
    assert medtech["specialisations"] == ["medtech"]
    assert medtech["member_count"] == 2
    assert medtech["coordinator"]["name_en"] == "Cluster Coordinator"
    assert medtech["web_url"] == "/clusters/medtech/"
    assert body["results"][1]["coordinator"] is None


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"status": "pilot"}, ["photonics"]),
        ({"status": "initiative"}, ["medtech"]),
        ({"region": "RU-SPE"}, ["photonics"]),
        ({"specialisation": "medtech"}, ["medtech"]),
        ({"search": "photon"}, ["photonics"]),
        ({"search": "medical technologies"}, ["medtech"]),
        ({"search": "medical photonics"}, []),
    ],
)
def test_filters_and_search(register, anonymous, params, expected):
    Cluster.objects.filter(key="photonics").update(status="pilot")
    assert keys(anonymous.get("/clusters", params)) == expected


def test_specialisation_filter_includes_narrower_terms(register, anonymous):
    narrower = CompetenceFactory(code="medtech.implants", parent=register.competence)
    register.other_cluster.specialisations.set([narrower])
    assert keys(anonymous.get("/clusters", {"specialisation": "medtech"})) == ["medtech", "photonics"]


def test_pagination(register, anonymous):
    for n in range(5):
        ClusterFactory(key=f"extra-{n}", name_en=f"Zeta {n}")
    first = anonymous.get("/clusters", {"page_size": 3}).json()
    second = anonymous.get("/clusters", {"page_size": 3, "page": 2}).json()
    beyond = anonymous.get("/clusters", {"page_size": 3, "page": 4}).json()
    assert first["count"] == second["count"] == beyond["count"] == 7
    assert len(first["results"]) == 3 and len(second["results"]) == 3 and beyond["results"] == []
    seen = [c["key"] for c in first["results"] + second["results"]]
    assert len(set(seen)) == 6
    assert anonymous.get("/clusters", {"page": 0}).status_code == 422
    assert anonymous.get("/clusters", {"page_size": 0}).status_code == 422


def test_retrieve(register, anonymous):
    body = anonymous.get("/clusters/medtech").json()
    assert body["name_en"] == "Medical Technologies" and body["member_count"] == 2


@pytest.mark.parametrize(
    "role, status",
    [("admin", 201), ("manager", 403), ("representative", 403), ("analyst", 403), ("expert", 403)],
)
def test_create_by_role(register, role, status):
    response = register.client(role).post("/clusters", NEW)
    assert response.status_code == status, response.content
    assert Cluster.objects.filter(key="robotics").exists() == (status == 201)


def test_create_returns_the_cluster(register):
    body = register.client("admin").post("/clusters", NEW).json()
    assert body["key"] == "robotics"
    assert body["founded"] == "2021-03-01"
    assert body["regions"] == ["RU-MOW"] and body["specialisations"] == ["medtech"]
    assert body["member_count"] == 0


def test_create_needs_a_region(register):
    response = register.client("admin").post("/clusters", {**NEW, "regions": []})
    assert response.status_code == 422
    assert "regions" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "role, status",
    [("admin", 200), ("manager", 200), ("other_manager", 403), ("representative", 403), ("analyst", 403)],
)
def test_update_by_role(register, role, status):
    response = register.client(role).patch("/clusters/medtech", {"status": "established"})
    assert response.status_code == status, response.content
    register.cluster.refresh_from_db()
    assert (register.cluster.status == "established") == (status == 200)


def test_update_changes_only_what_is_sent(register):
    client = register.client("manager")
    body = client.patch(
        "/clusters/medtech", {"regions": ["RU-MOW", "RU-SPE"], "founded": "2019-05-05"}
    ).json()
    assert body["regions"] == ["RU-MOW", "RU-SPE"] and body["founded"] == "2019-05-05"
    assert body["specialisations"] == ["medtech"] and body["name_en"] == "Medical Technologies"
    body = client.patch("/clusters/medtech", {"founded": None}).json()
    assert body["founded"] is None


def test_update_refuses_null_for_a_required_field_and_a_key_change(register):
    client = register.client("manager")
    assert client.patch("/clusters/medtech", {"status": None}).status_code == 422
    assert client.patch("/clusters/medtech", {"key": "other"}).status_code == 422


def test_update_validates(register):
    response = register.client("manager").patch("/clusters/medtech", {"name_en": "", "name_ru": ""})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"__all__": ["Give a name in Russian or in English."]}


@pytest.mark.parametrize("role, status", [("admin", 204), ("manager", 403), ("analyst", 403)])
def test_delete_by_role(register, role, status):
    response = register.client(role).delete("/clusters/medtech")
    assert response.status_code == status
    assert Cluster.objects.filter(key="medtech").exists() == (status != 204)


def test_delete_unknown(register):
    assert register.client("admin").delete("/clusters/none").status_code == 404


def test_a_user_without_roles_reads_but_does_not_write(register):
    from tests.factories import UserFactory

    client = client_for(UserFactory())
    assert client.get("/clusters").status_code == 200
    assert client.patch("/clusters/medtech", {"status": "pilot"}).status_code == 403
