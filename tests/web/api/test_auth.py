"""Authentication: bearer tokens (valid, wrong, expired, of a deactivated user), the session with CSRF,
and what anonymous callers may read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from clusterworks.web.api.auth import LAST_USED_RESOLUTION, user_for_token
from clusterworks.web.core.models import ApiToken, AuditEvent

from .conftest import API, ApiClient

pytestmark = pytest.mark.django_db


def test_a_valid_token_authenticates(register):
    _, secret = ApiToken.issue(user=register.users["manager"], name="t")
    response = ApiClient(Client(), secret).get("/people")
    assert response.status_code == 200
    # the manager of medtech sees the person of its member, not the outsider's
    assert [p["full_name_en"] for p in response.json()["results"]] == ["Petr Petrov"]


@pytest.mark.parametrize(
    "header, code",
    [
        ("Bearer cw_wrong", "invalid_token"),
        ("Bearer not-even-the-prefix", "invalid_token"),
        ("Bearer ", "invalid_token"),
        ("Basic YWRtaW46YWRtaW4=", "invalid_token"),
        ("Token cw_x", "invalid_token"),
    ],
)
def test_a_wrong_token_is_refused_even_on_public_resources(register, header, code):
    response = Client().get(f"{API}/clusters", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == code


def test_an_expired_token_is_refused(register):
    token, secret = ApiToken.issue(
        user=register.users["admin"], name="t", expires_at=timezone.now() + dt.timedelta(minutes=5)
    )
    assert ApiClient(Client(), secret).get("/people").status_code == 200
    token.expires_at = timezone.now() - dt.timedelta(minutes=5)
    token.save()
    response = ApiClient(Client(), secret).get("/people")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"


def test_a_revoked_token_is_refused(register):
    token, secret = ApiToken.issue(user=register.users["admin"], name="t")
    token.delete()
    assert ApiClient(Client(), secret).get("/people").status_code == 401


def test_the_token_of_a_deactivated_user_is_refused(register):
    user = register.users["admin"]
    _, secret = ApiToken.issue(user=user, name="t")
    user.is_active = False
    user.save()
    response = ApiClient(Client(), secret).get("/clusters")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


def test_tokens_are_looked_up_by_hash_only(register):
    token, secret = ApiToken.issue(user=register.users["admin"], name="t")
    assert secret not in {token.key_hash, token.prefix, token.name}
    assert token.key_hash == ApiToken.hash_key(secret)


def test_last_used_is_written_at_most_once_a_minute(register, django_assert_num_queries):
    token, secret = ApiToken.issue(user=register.users["admin"], name="t")
    assert token.last_used_at is None
    start = timezone.now()
    assert user_for_token(secret, now=start) == register.users["admin"]
    token.refresh_from_db()
    assert token.last_used_at == start
    with django_assert_num_queries(1):  # the lookup only: no write within the minute
        user_for_token(secret, now=start + LAST_USED_RESOLUTION - dt.timedelta(seconds=1))
    token.refresh_from_db()
    assert token.last_used_at == start
    later = start + LAST_USED_RESOLUTION
    with django_assert_num_queries(2):
        user_for_token(secret, now=later)
    token.refresh_from_db()
    assert token.last_used_at == later


def test_a_request_records_the_token_use(register):
    token, secret = ApiToken.issue(user=register.users["admin"], name="t")
    ApiClient(Client(), secret).get("/clusters")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_changes_through_a_token_are_audited_as_its_user_from_the_api(register):
    client = register.client("manager")
    assert client.patch("/clusters/medtech", {"website": "https://medtech.example.org"}).status_code == 200
    event = AuditEvent.objects.filter(model="registry.Cluster", object_id=str(register.cluster.pk)).first()
    assert event.action == "update"
    assert event.actor == register.users["manager"]
    assert event.source == "api"
    assert event.changes["website"] == ["", "https://medtech.example.org"]


# --- the session --------------------------------------------------------------------------------------------


def _session(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_a_session_reads_without_csrf(register):
    response = _session(register.users["manager"]).get(f"{API}/people")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_a_session_writes_only_with_the_csrf_token(register):
    client = _session(register.users["manager"])
    body = '{"website": "https://medtech.example.org"}'
    refused = client.patch(f"{API}/clusters/medtech", body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    client.get(f"{API}/docs")  # sets the CSRF cookie, as any page does
    csrf = client.cookies["csrftoken"].value
    accepted = client.patch(
        f"{API}/clusters/medtech", body, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["website"] == "https://medtech.example.org"


def test_a_session_write_is_audited_as_the_user(register):
    client = Client()
    client.force_login(register.users["manager"])
    client.patch(
        f"{API}/clusters/medtech", '{"website": "https://a.example.org"}', content_type="application/json"
    )
    event = AuditEvent.objects.filter(model="registry.Cluster").first()
    assert (event.actor, event.source) == (register.users["manager"], "api")


# --- anonymous ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/clusters",
        "/clusters/medtech",
        "/clusters/medtech/members",
        "/organisations",
        "/organisations/member",
        "/regions",
        "/regions/RU-MOW",
        "/competences",
        "/competences/medtech",
    ],
)
def test_anonymous_reads_public_resources(register, anonymous, path):
    assert anonymous.get(path).status_code == 200


@pytest.mark.parametrize(
    "path", ["/people", "/people/1", "/agreements", "/agreements/1", "/projects", "/projects/1"]
)
def test_anonymous_reads_nothing_else(register, anonymous, path):
    assert anonymous.get(path).status_code == 401


@pytest.mark.parametrize(
    "method, path",
    [
        ("post", "/clusters"),
        ("patch", "/clusters/medtech"),
        ("delete", "/clusters/medtech"),
        ("post", "/organisations"),
        ("patch", "/organisations/member"),
        ("delete", "/organisations/member"),
        ("post", "/clusters/medtech/members"),
        ("patch", "/clusters/medtech/members/member"),
        ("delete", "/clusters/medtech/members/member"),
        ("post", "/people"),
        ("post", "/agreements"),
        ("post", "/projects"),
    ],
)
def test_anonymous_writes_nothing(register, anonymous, method, path):
    response = (
        getattr(anonymous, method)(path) if method == "delete" else getattr(anonymous, method)(path, {})
    )
    assert response.status_code == 401
