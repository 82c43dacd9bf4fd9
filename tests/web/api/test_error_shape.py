"""Every error of the API has one shape. Each test triggers one kind of error and checks the body exactly:

    {"error": {"status": <the HTTP status>, "code": "<snake_case>", "message": "<text>", "fields": {...}}}

If this module needs changing, API clients break: change it only with a new API version.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from clusterworks.web.core.models import ApiToken
from clusterworks.web.registry import selectors

from .conftest import API, ApiClient

pytestmark = pytest.mark.django_db

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def assert_error(response, status: int, code: str, *, fields: dict | None = None, message: str | None = None):
    """The response is the error shape with this status and code (and these fields, this message)."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"status", "code", "message", "fields"}
    assert error["status"] == status
    assert error["code"] == code
    assert SNAKE_CASE.match(error["code"])
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    for name, messages in error["fields"].items():
        assert isinstance(name, str)
        assert isinstance(messages, list) and messages and all(isinstance(m, str) and m for m in messages)
    if fields is not None:
        assert error["fields"] == fields
    if message is not None:
        assert error["message"] == message
    return error


# --- 400 ---------------------------------------------------------------------------------------------------


def test_400_validation_error_from_a_service_names_the_fields(register):
    body = {"key": "Not A Key", "status": "pilot", "regions": ["RU-MOW"], "website": "not a url"}
    error = assert_error(register.client("admin").post("/clusters", body), 400, "validation_failed")
    assert set(error["fields"]) == {"key", "website", "__all__"}  # and no name in either language
    assert error["fields"]["__all__"] == ["Give a name in Russian or in English."]


def test_400_for_an_unknown_reference_in_the_body(register):
    body = {"key": "new", "name_en": "New", "status": "pilot", "regions": ["RU-XXX"]}
    assert_error(
        register.client("admin").post("/clusters", body),
        400,
        "validation_failed",
        fields={"regions": ["No region with the identifier 'RU-XXX'."]},
    )


def test_400_for_an_invalid_inn(register):
    body = {"key": "new", "name_en": "New", "type": "company_sme", "inn": "7700000001"}
    error = assert_error(register.client("admin").post("/organisations", body), 400, "validation_failed")
    assert list(error["fields"]) == ["inn"]


def test_400_for_a_body_that_is_not_json(register):
    client = register.client("admin")
    response = client.client.post(
        f"{API}/clusters",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {client.token}"},
    )
    assert_error(response, 400, "malformed_body", fields={})


def test_400_for_a_value_error_of_a_service(register, monkeypatch):
    from clusterworks.web.registry import services

    def refuse(**kwargs):
        raise ValueError("an agreement needs at least two parties")

    monkeypatch.setattr(services, "agreement_create", refuse)
    body = {"title": "T", "kind": "other", "signed_on": "2024-01-01", "parties": ["member", "coordinator"]}
    assert_error(
        register.client("admin").post("/agreements", body),
        400,
        "bad_request",
        message="an agreement needs at least two parties",
        fields={},
    )


# --- 401 ---------------------------------------------------------------------------------------------------


def test_401_anonymous_write(register, anonymous):
    error = assert_error(anonymous.post("/clusters", {}), 401, "not_authenticated", fields={})
    assert "Bearer" in error["message"]


def test_401_anonymous_read_of_private_resources(register, anonymous):
    assert_error(anonymous.get("/people"), 401, "not_authenticated", fields={})
    assert_error(anonymous.get("/agreements"), 401, "not_authenticated", fields={})


def test_401_wrong_token(register):
    response = ApiClient(Client(), "cw_not-a-real-token").get("/clusters")
    assert_error(response, 401, "invalid_token", fields={})
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_401_expired_token(register):
    _, secret = ApiToken.issue(
        user=register.users["admin"], name="old", expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert_error(ApiClient(Client(), secret).get("/clusters"), 401, "token_expired", fields={})


# --- 403 ---------------------------------------------------------------------------------------------------


def test_403_carries_the_permission_reason(register):
    body = {"key": "new", "name_en": "New", "status": "pilot", "regions": ["RU-MOW"]}
    assert_error(
        register.client("manager").post("/clusters", body),
        403,
        "permission_denied",
        message="only platform administrators register clusters",
        fields={},
    )


def test_403_reason_in_the_language_asked_for(register):
    body = {"key": "new", "name_en": "New", "status": "pilot", "regions": ["RU-MOW"]}
    response = register.client("manager").post("/clusters", body, headers={"Accept-Language": "ru"})
    error = assert_error(response, 403, "permission_denied", fields={})
    assert error["message"] != "only platform administrators register clusters"  # translated


def test_403_object_level(register):
    response = register.client("other_manager").get(f"/people/{register.member_person.pk}")
    error = assert_error(response, 403, "permission_denied", fields={})
    assert "contact details" in error["message"]


def test_403_csrf_for_a_session_without_the_token(register):
    client = Client(enforce_csrf_checks=True)
    client.force_login(register.users["admin"])
    response = client.post(f"{API}/clusters", "{}", content_type="application/json")
    assert_error(response, 403, "csrf_failed", fields={})


# --- 404 ---------------------------------------------------------------------------------------------------


def test_404_unknown_object(register, anonymous):
    assert_error(
        anonymous.get("/clusters/no-such-cluster"),
        404,
        "not_found",
        message="No cluster with the identifier 'no-such-cluster'.",
        fields={},
    )


def test_404_unknown_id(register):
    assert_error(register.client("admin").get("/people/999999"), 404, "not_found", fields={})


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_404_unknown_path(register, anonymous, method):
    response = getattr(anonymous, method)("/no/such/endpoint")
    assert_error(
        response, 404, "not_found", message="No API endpoint at /api/v1/no/such/endpoint.", fields={}
    )


def test_404_unknown_path_with_a_session_and_no_csrf_token(register):
    client = Client(enforce_csrf_checks=True)
    client.force_login(register.users["admin"])
    assert_error(client.post(f"{API}/nothing-here", "{}", content_type="application/json"), 404, "not_found")


def test_404_for_a_key_with_a_nul_character(register, anonymous):
    assert_error(anonymous.get("/clusters/a%00b"), 404, "not_found")


# --- 405 ---------------------------------------------------------------------------------------------------


def test_405_method_not_allowed(register, anonymous):
    response = anonymous.put("/clusters/medtech", {})
    assert_error(response, 405, "method_not_allowed", fields={})
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "PATCH", "DELETE"}


# --- 409 ---------------------------------------------------------------------------------------------------


def test_409_duplicate_key(register):
    body = {"key": "medtech", "name_en": "Again", "status": "pilot", "regions": ["RU-MOW"]}
    error = assert_error(register.client("admin").post("/clusters", body), 409, "conflict")
    assert list(error["fields"]) == ["key"]


def test_409_duplicate_inn(register):
    body = {"key": "copy", "name_en": "Copy", "type": "company_sme", "inn": register.member.inn}
    assert_error(
        register.client("admin").post("/organisations", body),
        409,
        "conflict",
        fields={"inn": ["An organisation with this INN is already registered."]},
    )


def test_409_second_coordinator(register):
    body = {"organisation": "member", "role": "coordinator"}
    response = register.client("manager").patch("/clusters/medtech/members/member", {"role": "coordinator"})
    assert_error(
        response, 409, "conflict", fields={"role": ["This cluster already has a current coordinator."]}
    )
    response = register.client("manager").post("/clusters/photonics/members", body)
    assert_error(response, 403, "permission_denied")


def test_409_database_integrity_error(register, monkeypatch):
    from django.db import IntegrityError

    from clusterworks.web.registry import services

    def clash(**kwargs):
        raise IntegrityError("UNIQUE constraint failed: registry_cluster.key")

    monkeypatch.setattr(services, "cluster_create", clash)
    body = {"key": "new", "name_en": "New", "status": "pilot", "regions": ["RU-MOW"]}
    assert_error(register.client("admin").post("/clusters", body), 409, "conflict", fields={})


# --- 422 ---------------------------------------------------------------------------------------------------


def test_422_schema_validation_of_the_body(register):
    response = register.client("admin").post("/clusters", {"key": "new", "status": "bogus", "colour": "red"})
    error = assert_error(response, 422, "invalid_input")
    assert set(error["fields"]) == {"status", "regions", "colour"}


@pytest.mark.parametrize("text", ["nul\\u0000", "lone \\ud800 surrogate"])
def test_422_for_text_no_database_stores(register, text):
    client = register.client("admin")
    body = '{"key": "new", "status": "pilot", "regions": ["RU-MOW"], "name_en": "' + text + '"}'
    response = client.client.post(
        f"{API}/clusters",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {client.token}"},
    )
    assert list(assert_error(response, 422, "invalid_input")["fields"]) == ["name_en"]


def test_422_schema_validation_of_the_query(register, anonymous):
    assert_error(
        anonymous.get("/clusters", {"page_size": 201}),
        422,
        "invalid_input",
        fields={"page_size": ["Input should be less than or equal to 200"]},
    )


def test_422_schema_validation_of_the_path(register):
    assert_error(register.client("admin").get(f"/people/{2**63}"), 422, "invalid_input")


# --- 500 ---------------------------------------------------------------------------------------------------


def test_500_is_json_too_and_says_nothing_of_the_cause(register, anonymous, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("secret database detail")

    monkeypatch.setattr(selectors, "cluster_list", broken)
    error = assert_error(anonymous.get("/clusters"), 500, "server_error", fields={})
    assert "secret" not in error["message"]
