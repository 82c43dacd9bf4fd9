"""The OpenAPI schema: served at /api/v1/openapi.json, committed in docs/openapi.json without drift, and
documented in docs/api.md; the interactive docs use no third-party asset."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from clusterworks.web.api.openapi import schema, schema_json

ROOT = Path(__file__).resolve().parents[3]
COMMITTED = ROOT / "docs" / "openapi.json"
API_DOC = ROOT / "docs" / "api.md"
REGENERATE = "uv run python -m clusterworks.web.api.openapi docs/openapi.json"


def test_committed_schema_has_not_drifted():
    assert COMMITTED.read_text(encoding="utf-8") == schema_json(), (
        f"The API changed but docs/openapi.json did not: run `{REGENERATE}`, review the diff, "
        "and document the change in docs/api.md"
    )


def test_schema_is_valid_openapi_3_1():
    definitions = pytest.importorskip("schemathesis.specs.openapi.definitions")
    document = json.loads(schema_json())
    assert document["openapi"].startswith("3.1")
    assert [str(e) for e in definitions.OPENAPI_31_VALIDATOR.iter_errors(document)] == []


@pytest.mark.django_db
def test_served_schema_is_the_committed_one(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json() == json.loads(COMMITTED.read_text(encoding="utf-8"))


def test_every_operation_is_documented_in_api_md():
    text = API_DOC.read_text(encoding="utf-8")
    for path, operations in schema()["paths"].items():
        path = path.removeprefix("/api/v1")
        for method in operations:
            heading = f"{method.upper()} {path}"
            assert f"`{heading}`" in text, f"docs/api.md does not document {heading}"


def test_every_operation_documents_the_error_shape():
    for path, operations in json.loads(schema_json())["paths"].items():
        for method, operation in operations.items():
            errors = {s: r for s, r in operation["responses"].items() if s.startswith(("4", "5"))}
            assert "401" in errors and "422" in errors, f"{method} {path}"
            for response in errors.values():
                assert response["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/ErrorResponse"
                }


def test_operation_ids_are_unique_and_short():
    ids = [op["operationId"] for ops in schema()["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z_]+", i) for i in ids)


@pytest.mark.django_db
def test_docs_page_uses_only_local_assets(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "//" not in html.replace("<!DOCTYPE html>", "").replace("://", "")  # no protocol-relative URL
    assert not re.search(r"https?://", html)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/api/v1/docs/assets/") for a in assets)
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert b"".join(served.streaming_content)


@pytest.mark.django_db
def test_docs_assets_are_a_fixed_list(client):
    assert client.get("/api/v1/docs/assets/..%2F..%2Fmain.py").status_code == 404
    assert client.get("/api/v1/docs/assets/redoc.standalone.js").status_code == 404


@pytest.mark.django_db
def test_api_root_points_to_the_schema_and_the_docs(client):
    assert client.get("/api/v1/").json() == {
        "title": "Clusterworks",
        "version": "1",
        "openapi": "/api/v1/openapi.json",
        "docs": "/api/v1/docs",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/v1/", "/api/v1/openapi.json", "/api/v1/docs", "/api/v1/docs/assets/favicon.png"]
)
def test_schema_and_docs_are_read_only(path):
    from django.test import Client

    from clusterworks.web.core.models import User

    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_user("reader", password="correct horse battery"))
    response = client.post(path, "{}", content_type="application/json")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert client.head(path).status_code == 200
