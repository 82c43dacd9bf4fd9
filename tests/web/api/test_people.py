"""``/people``: contacts are visible object by object (``person.view``); create, change, delete per role."""

from __future__ import annotations

import pytest

from clusterworks.web.registry.models import Affiliation, Person
from tests.factories import PersonFactory

from .conftest import client_for

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [p["full_name_en"] for p in response.json()["results"]]


@pytest.mark.parametrize(
    "role, visible",
    [
        ("admin", ["Petr Petrov", "Sidor Sidorov"]),
        ("manager", ["Petr Petrov"]),  # works for a current member of the cluster they manage
        ("other_manager", ["Sidor Sidorov"]),
        ("representative", ["Petr Petrov"]),  # works for the organisation they represent
        ("analyst", []),
        ("expert", []),
    ],
)
def test_list_shows_only_the_people_the_user_may_see(register, role, visible):
    body = register.client(role).get("/people").json()
    assert [p["full_name_en"] for p in body["results"]] == visible
    assert body["count"] == len(visible)


def test_a_user_sees_their_own_record(register):
    me = register.users["expert"]
    PersonFactory(full_name="Я", full_name_en="Myself", user=me)
    assert names(register.client("expert").get("/people")) == ["Myself"]


def test_a_former_member_s_people_are_no_longer_visible_to_the_manager(register):
    register.member.memberships.update(left="2024-01-01")
    assert names(register.client("manager").get("/people")) == []


@pytest.mark.parametrize(
    "role, status",
    [("admin", 200), ("manager", 200), ("representative", 200), ("other_manager", 403), ("analyst", 403)],
)
def test_retrieve_by_role(register, role, status):
    response = register.client(role).get(f"/people/{register.member_person.pk}")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["email"] == register.member_person.email
        assert body["affiliations"] == [
            {
                "organisation": {
                    "key": "member",
                    "name_en": "Member University",
                    "name_ru": register.member.name_ru,
                },
                "position": "Vice-rector",
                "is_contact": False,
                "start": None,
                "end": None,
            }
        ]
    else:
        assert response.json()["error"]["message"].startswith("contact details are visible")


def test_filters_and_search(register):
    admin = register.client("admin")
    assert names(admin.get("/people", {"organisation": "outsider"})) == ["Sidor Sidorov"]
    assert names(admin.get("/people", {"search": "petrov"})) == ["Petr Petrov"]
    assert names(admin.get("/people", {"search": "Сидор"})) == ["Sidor Sidorov"]
    assert names(admin.get("/people", {"search": register.member_person.email})) == ["Petr Petrov"]


@pytest.mark.parametrize(
    "role, organisation, status",
    [
        ("representative", "member", 201),
        ("manager", "member", 201),
        ("manager", "outsider", 403),
        ("analyst", "member", 403),
        ("admin", "outsider", 201),
    ],
)
def test_create_by_role(register, role, organisation, status):
    body = {
        "organisation": organisation,
        "position": "Engineer",
        "full_name": "Новиков Н.",
        "full_name_en": "N. Novikov",
        "email": "novikov@example.org",
        "is_contact": True,
    }
    response = register.client(role).post("/people", body)
    assert response.status_code == status, response.content
    if status == 201:
        created = response.json()
        assert created["affiliations"][0]["organisation"]["key"] == organisation
        assert created["affiliations"][0]["is_contact"] is True
        assert Affiliation.objects.filter(person_id=created["id"], position="Engineer").exists()


def test_create_validates(register):
    response = register.client("representative").post(
        "/people", {"organisation": "member", "position": "X", "full_name": "A", "email": "not-an-address"}
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["email"]


@pytest.mark.parametrize("role, status", [("representative", 200), ("manager", 200), ("other_manager", 403)])
def test_update_by_role(register, role, status):
    response = register.client(role).patch(
        f"/people/{register.member_person.pk}", {"phone": "+7 495 000-00-00"}
    )
    assert response.status_code == status, response.content
    register.member_person.refresh_from_db()
    assert (register.member_person.phone == "+7 495 000-00-00") == (status == 200)


def test_a_person_updates_themselves(register):
    me = register.users["expert"]
    person = PersonFactory(user=me)
    response = client_for(me).patch(f"/people/{person.pk}", {"full_name_en": "New Name"})
    assert response.status_code == 200 and response.json()["full_name_en"] == "New Name"


@pytest.mark.parametrize("role, status", [("representative", 204), ("other_manager", 403), ("analyst", 403)])
def test_delete_by_role(register, role, status):
    assert register.client(role).delete(f"/people/{register.member_person.pk}").status_code == status
    assert Person.objects.filter(pk=register.member_person.pk).exists() == (status != 204)
