"""``/agreements`` and ``/projects``: visible per object (``tie.view``); create, change, delete per role."""

from __future__ import annotations

import pytest

from clusterworks.web.registry.models import Agreement, JointProject, ProjectParticipation

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [t["title"] for t in response.json()["results"]]


# --- agreements ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, visible",
    [
        ("admin", ["Cooperation", "Supply"]),
        ("analyst", ["Cooperation", "Supply"]),  # analysts see the whole network
        ("manager", ["Cooperation", "Supply"]),  # member is a party to both
        ("other_manager", ["Supply"]),  # outsider is a party to Supply
        ("representative", ["Cooperation", "Supply"]),
        ("expert", []),
    ],
)
def test_agreements_list_per_role(register, role, visible):
    assert titles(register.client(role).get("/agreements")) == visible


def test_agreements_filters(register):
    admin = register.client("admin")
    assert titles(admin.get("/agreements", {"kind": "supply"})) == ["Supply"]
    assert titles(admin.get("/agreements", {"organisation": "outsider"})) == ["Supply"]
    assert titles(admin.get("/agreements", {"search": "cooper"})) == ["Cooperation"]


@pytest.mark.parametrize("role, status", [("manager", 200), ("other_manager", 403), ("expert", 403)])
def test_agreement_retrieve_per_role(register, role, status):
    response = register.client(role).get(f"/agreements/{register.agreement.pk}")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert [p["key"] for p in body["parties"]] == ["coordinator", "member"]
        assert body["signed_on"] == "2024-01-10" and body["kind"] == "cooperation"


AGREEMENT = {
    "title": "Licence of the stent",
    "kind": "licence",
    "signed_on": "2024-06-01",
    "parties": ["member", "outsider"],
}


@pytest.mark.parametrize(
    "role, status",
    [("admin", 201), ("representative", 201), ("other_manager", 201), ("analyst", 403), ("expert", 403)],
)
def test_agreement_create_per_role(register, role, status):
    response = register.client(role).post("/agreements", AGREEMENT)
    assert response.status_code == status, response.content
    assert Agreement.objects.filter(title=AGREEMENT["title"]).exists() == (status == 201)


def test_agreement_create_for_others_only_is_refused(register):
    body = {**AGREEMENT, "parties": ["coordinator", "outsider"]}
    response = register.client("representative").post("/agreements", body)
    assert response.status_code == 403
    assert not Agreement.objects.filter(title=AGREEMENT["title"]).exists()


def test_agreement_needs_two_different_parties(register):
    response = register.client("admin").post("/agreements", {**AGREEMENT, "parties": ["member", "member"]})
    assert response.status_code == 422
    assert "parties" in response.json()["error"]["fields"]


def test_agreement_update(register):
    client = register.client("manager")
    path = f"/agreements/{register.agreement.pk}"
    body = client.patch(path, {"ends_on": "2026-01-01", "parties": ["member", "outsider"]}).json()
    assert body["ends_on"] == "2026-01-01" and [p["key"] for p in body["parties"]] == ["member", "outsider"]
    handing_off = client.patch(path, {"parties": ["coordinator", "outsider"]})  # only outsider's cluster left
    assert handing_off.status_code == 200  # coordinator is still a member of the manager's cluster
    assert (
        register.client("other_manager")
        .patch(f"/agreements/{register.agreement.pk}", {"title": "X"})
        .status_code
        == 200
    )
    assert register.client("expert").patch(path, {"title": "Y"}).status_code == 403


@pytest.mark.parametrize("role, status", [("representative", 204), ("other_manager", 403), ("analyst", 403)])
def test_agreement_delete_per_role(register, role, status):
    assert register.client(role).delete(f"/agreements/{register.agreement.pk}").status_code == status
    assert Agreement.objects.filter(pk=register.agreement.pk).exists() == (status != 204)


# --- joint projects -----------------------------------------------------------------------------------------

PROJECT = {
    "title": "Bioprinting",
    "acronym": "BIOP",
    "start": "2025-01-01",
    "budget": "12500000.50",
    "participants": ["member", "outsider"],
    "coordinator": "outsider",
}


@pytest.mark.parametrize(
    "role, visible",
    [
        ("admin", ["Implant trials"]),
        ("analyst", ["Implant trials"]),
        ("manager", ["Implant trials"]),
        ("other_manager", []),
        ("representative", ["Implant trials"]),
        ("expert", []),
    ],
)
def test_projects_list_per_role(register, role, visible):
    assert titles(register.client(role).get("/projects")) == visible


def test_project_retrieve(register):
    body = register.client("representative").get(f"/projects/{register.project.pk}").json()
    assert body["acronym"] == "IMPL" and body["budget"] is None
    assert [(p["organisation"]["key"], p["role"]) for p in body["participants"]] == [
        ("coordinator", "coordinator"),
        ("member", "participant"),
    ]
    assert register.client("other_manager").get(f"/projects/{register.project.pk}").status_code == 403


@pytest.mark.parametrize("role, status", [("admin", 201), ("representative", 201), ("analyst", 403)])
def test_project_create_per_role(register, role, status):
    response = register.client(role).post("/projects", PROJECT)
    assert response.status_code == status, response.content
    if status == 201:
        body = response.json()
        assert body["budget"] == "12500000.50"
        assert {(p["organisation"]["key"], p["role"]) for p in body["participants"]} == {
            ("member", "participant"),
            ("outsider", "coordinator"),
        }


def test_project_create_validation(register):
    client = register.client("admin")
    assert client.post("/projects", {**PROJECT, "coordinator": "coordinator"}).status_code == 422
    assert client.post("/projects", {**PROJECT, "budget": "1.005"}).status_code == 422
    assert client.post("/projects", {**PROJECT, "budget": -1}).status_code == 422
    ghost = {**PROJECT, "participants": ["member", "ghost"], "coordinator": None}
    assert client.post("/projects", ghost).status_code == 400


def test_project_budget_bounds(register):
    client = register.client("admin")
    largest = client.post("/projects", {**PROJECT, "budget": "9999999999999.99"})
    assert largest.status_code == 201 and largest.json()["budget"] == "9999999999999.99"
    assert client.post("/projects", {**PROJECT, "budget": "10000000000000"}).status_code == 422


def test_project_update(register):
    client = register.client("manager")
    path = f"/projects/{register.project.pk}"
    body = client.patch(path, {"budget": 1000, "participants": ["member", "coordinator", "outsider"]}).json()
    assert body["budget"] == "1000.00"
    roles = {p["organisation"]["key"]: p["role"] for p in body["participants"]}
    assert roles == {"coordinator": "coordinator", "member": "participant", "outsider": "participant"}
    body = client.patch(path, {"coordinator": "member"}).json()
    assert {p["organisation"]["key"]: p["role"] for p in body["participants"]}["member"] == "coordinator"
    body = client.patch(path, {"coordinator": None, "participants": ["member", "outsider"]}).json()
    assert {p["role"] for p in body["participants"]} == {"participant"}
    assert ProjectParticipation.objects.filter(project=register.project).count() == 2
    not_participant = client.patch(path, {"coordinator": "coordinator"})
    assert not_participant.status_code == 400


@pytest.mark.parametrize("role, status", [("manager", 204), ("other_manager", 403)])
def test_project_delete_per_role(register, role, status):
    assert register.client(role).delete(f"/projects/{register.project.pk}").status_code == status
    assert JointProject.objects.filter(pk=register.project.pk).exists() == (status != 204)
