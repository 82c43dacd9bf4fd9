"""``clusterworks token create / list / revoke``."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from django.test import Client
from django.utils import timezone

from clusterworks.cli.main import cli
from clusterworks.web.core.models import ApiToken
from tests.factories import UserFactory

from .conftest import ApiClient

pytestmark = pytest.mark.django_db


def run(*args: str):
    return CliRunner().invoke(cli, ["token", *args], catch_exceptions=False)


def test_create_prints_the_secret_once_and_it_works(register):
    result = run("create", "--user", "manager", "--name", "nightly export")
    assert result.exit_code == 0, result.output
    secret = next(line for line in result.output.splitlines() if line.startswith("cw_"))
    token = ApiToken.objects.get(name="nightly export")
    assert token.user == register.users["manager"] and token.expires_at is None
    assert token.key_hash == ApiToken.hash_key(secret) and secret not in token.key_hash
    assert ApiClient(Client(), secret).get("/people").status_code == 200
    listed = run("list").output
    assert "nightly export" in listed and token.prefix in listed and secret not in listed


def test_create_with_expiry_and_json(register):
    result = run("create", "--user", "admin", "--name", "ci", "--expires-days", "7", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["token"].startswith("cw_") and data["user"] == "admin" and data["name"] == "ci"
    expires = ApiToken.objects.get(pk=data["id"]).expires_at
    assert abs(expires - (timezone.now() + dt.timedelta(days=7))) < dt.timedelta(minutes=1)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--user", "ghost", "--name", "x"], "no user 'ghost'"),
        (["--user", "admin", "--name", " "], "label"),
        (["--user", "admin", "--name", "x", "--expires-days", "0"], "0"),
    ],
)
def test_create_refuses(register, args, message):
    result = run("create", *args)
    assert result.exit_code != 0
    assert message in result.output
    assert not ApiToken.objects.exists()


def test_create_refuses_a_deactivated_user(db):
    UserFactory(username="gone", is_active=False)
    result = run("create", "--user", "gone", "--name", "x")
    assert result.exit_code == 1 and "deactivated" in result.output


def test_list_json_and_per_user(register):
    ApiToken.issue(user=register.users["admin"], name="a")
    ApiToken.issue(user=register.users["manager"], name="m")
    rows = json.loads(run("list", "--json").output)
    assert {(r["user"], r["name"]) for r in rows} == {("admin", "a"), ("manager", "m")}
    assert all("token" not in r and "key_hash" not in r for r in rows)
    rows = json.loads(run("list", "--user", "manager", "--json").output)
    assert [r["name"] for r in rows] == ["m"]
    assert run("list", "--user", "nobody").output.strip() == "No tokens."


def test_revoke_by_id_and_by_prefix(register):
    first, secret = ApiToken.issue(user=register.users["admin"], name="a")
    second, _ = ApiToken.issue(user=register.users["admin"], name="b")
    result = run("revoke", str(first.pk))
    assert result.exit_code == 0 and "Revoked token" in result.output
    assert ApiClient(Client(), secret).get("/clusters").status_code == 401
    result = run("revoke", second.prefix, "--json")
    assert json.loads(result.output)["revoked"]["id"] == second.pk
    assert not ApiToken.objects.exists()
    missing = run("revoke", "424242")
    assert missing.exit_code == 1 and "no token" in missing.output
