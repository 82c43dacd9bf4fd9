"""Log-in with Argon2 hashes, throttling after repeated failures, and production security settings."""

from __future__ import annotations

import pytest
from django.test import override_settings

from clusterworks.web.core.models import LoginFailure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_login_succeeds_with_the_right_password(client):
    UserFactory(username="irina")
    response = client.post("/accounts/login/", {"username": "irina", "password": "correct horse battery"})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_SECONDS=600)
def test_account_is_locked_after_repeated_failures_even_with_the_right_password(client):
    UserFactory(username="irina")
    for _ in range(3):
        response = client.post("/accounts/login/", {"username": "irina", "password": "wrong"})
        assert response.status_code == 200 and not client.session.get("_auth_user_id")
    assert LoginFailure.objects.filter(username="irina").count() == 3
    response = client.post("/accounts/login/", {"username": "irina", "password": "correct horse battery"})
    assert not client.session.get("_auth_user_id")
    assert "Too many failed log-ins" in response.content.decode()


@override_settings(LOGIN_MAX_FAILURES=3)
def test_a_successful_login_clears_earlier_failures(client):
    UserFactory(username="irina")
    client.post("/accounts/login/", {"username": "irina", "password": "wrong"})
    client.post("/accounts/login/", {"username": "irina", "password": "correct horse battery"})
    assert not LoginFailure.objects.filter(username="irina").exists()


def test_passwords_are_hashed_with_argon2_outside_tests():
    from django.conf import settings as django_settings

    from clusterworks.web.config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        user = UserFactory.build(username="a")
        user.set_password("correct horse battery")
        assert user.password.startswith("argon2$")
    assert django_settings.PASSWORD_HASHERS  # test settings use a fast hasher instead


def test_security_headers_on_every_page(client):
    response = client.get("/accounts/login/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
