"""The API writes Cyrillic as UTF-8 text rather than \\u escapes, in answers and in errors."""

import pytest

from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_cyrillic_is_sent_as_utf8_text(client):
    OrganisationFactory(key="eurogen", name_ru="Евроген")
    response = client.get("/api/v1/organisations/eurogen")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "Евроген".encode() in response.content and b"\\u0415" not in response.content
    assert response.json()["name_ru"] == "Евроген"


def test_errors_in_russian_are_utf8_text(client):
    response = client.get("/api/v1/organisations/nobody", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 404
    assert b"\\u04" not in response.content
