"""``/organisations``: list, filters, search, retrieve, and create / change / delete per role."""

from __future__ import annotations

import pytest

from clusterworks.web.registry.models import Organisation
from tests.factories import _inn10

pytestmark = pytest.mark.django_db


def keys(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [o["key"] for o in response.json()["results"]]


def new(**changes):
    return {
        "key": "newco",
        "name_en": "New Company",
        "type": "company_sme",
        "inn": _inn10(9999),
        "region": "RU-SPE",
        "competences": ["medtech"],
        **changes,
    }


def test_list_and_retrieve(register, anonymous):
    assert keys(anonymous.get("/organisations")) == ["coordinator", "member", "outsider"]
    member = anonymous.get("/organisations/member").json()
    assert member["type"] == "university" and member["helix"] == "university"
    assert member["region"] == "RU-MOW" and member["competences"] == ["medtech"]
    assert member["inn"] == register.member.inn
    assert member["web_url"] == "/organisations/member/"


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"type": "university"}, ["member"]),
        ({"region": "RU-SPE"}, ["outsider"]),
        ({"competence": "medtech"}, ["member"]),
        ({"cluster": "medtech"}, ["coordinator", "member"]),
        ({"cluster": "photonics"}, ["outsider"]),
        ({"search": "university"}, ["member"]),
        ({"search": "company outsider"}, ["outsider"]),
        ({"type": "university", "cluster": "photonics"}, []),
    ],
)
def test_filters_and_search(register, anonymous, params, expected):
    assert keys(anonymous.get("/organisations", params)) == expected


def test_search_by_inn(register, anonymous):
    assert keys(anonymous.get("/organisations", {"search": register.outsider.inn})) == ["outsider"]


def test_an_unknown_type_is_refused(register, anonymous):
    assert anonymous.get("/organisations", {"type": "spaceship"}).status_code == 422


@pytest.mark.parametrize(
    "role, status",
    [("admin", 201), ("manager", 201), ("representative", 403), ("analyst", 403), ("expert", 403)],
)
def test_create_by_role(register, role, status):
    response = register.client(role).post("/organisations", new())
    assert response.status_code == status, response.content
    if status == 201:
        body = response.json()
        assert (
            body["region"] == "RU-SPE" and body["competences"] == ["medtech"] and body["helix"] == "business"
        )


def test_create_conflicts(register):
    client = register.client("admin")
    assert client.post("/organisations", new(key="member")).status_code == 409
    assert client.post("/organisations", new(inn=register.member.inn)).status_code == 409


def test_create_validation(register):
    response = register.client("admin").post("/organisations", new(region="XX-YY", competences=["nope"]))
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"region"}  # references are checked first
    response = register.client("admin").post("/organisations", new(website="ftp:/x", ogrn="123"))
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"website", "ogrn"}


@pytest.mark.parametrize(
    "role, key, status",
    [
        ("admin", "outsider", 200),
        ("representative", "member", 200),  # represents it
        ("representative", "outsider", 403),
        ("manager", "member", 200),  # a member of the cluster they manage
        ("manager", "outsider", 403),
        ("other_manager", "outsider", 200),
        ("analyst", "member", 403),
    ],
)
def test_update_by_role(register, role, key, status):
    response = register.client(role).patch(f"/organisations/{key}", {"city": "Kazan"})
    assert response.status_code == status, response.content
    assert (Organisation.objects.get(key=key).city == "Kazan") == (status == 200)


def test_update_fields(register):
    client = register.client("representative")
    body = client.patch(
        "/organisations/member", {"region": None, "competences": [], "short_name": "MU"}
    ).json()
    assert body["region"] is None and body["competences"] == [] and body["short_name"] == "MU"
    body = client.patch("/organisations/member", {"key": "member-university"}).json()
    assert body["key"] == "member-university" and body["web_url"] == "/organisations/member-university/"
    assert client.get("/organisations/member").status_code == 404


def test_update_refusing_a_key_taken(register):
    response = register.client("admin").patch("/organisations/member", {"key": "outsider"})
    assert response.status_code == 409


@pytest.mark.parametrize("role, status", [("admin", 204), ("manager", 403), ("representative", 403)])
def test_delete_by_role(register, role, status):
    assert register.client(role).delete("/organisations/member").status_code == status
    assert Organisation.objects.filter(key="member").exists() == (status != 204)
