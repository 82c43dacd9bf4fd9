"""``/regions`` and ``/competences``: public, read-only reference lists (loaded by a data migration)."""

from __future__ import annotations

import pytest

from clusterworks.web.registry.models import Competence, Region

pytestmark = pytest.mark.django_db


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["code"] for r in response.json()["results"]]


def test_regions(register, anonymous):
    everything = anonymous.get("/regions", {"page_size": 200}).json()
    assert everything["count"] == Region.objects.count() > 80
    assert codes(anonymous.get("/regions", {"page_size": 200})) == sorted(
        Region.objects.values_list("code", flat=True)
    )
    us = codes(anonymous.get("/regions", {"country": "us", "page_size": 200}))
    assert us and all(code.startswith("US-") for code in us)
    assert codes(anonymous.get("/regions", {"search": "Петербург"})) == ["RU-SPE"]
    assert anonymous.get("/regions/us-ca").json() == {
        "code": "US-CA",
        "country": "US",
        "name_en": "California",
        "name_ru": "Калифорния",
        "kind": "state",
    }
    assert anonymous.get("/regions/XX-YY").status_code == 404


def test_competences(register, anonymous):
    parent = Competence.objects.get(code="med-equipment")
    narrower = sorted(parent.children.values_list("code", flat=True))
    assert narrower
    assert codes(anonymous.get("/competences", {"parent": "med-equipment"})) == narrower
    assert codes(anonymous.get("/competences", {"search": "implants"})) == [
        "med-equipment.biocompatible-materials"
    ]
    body = anonymous.get("/competences/med-equipment.imaging").json()
    assert body == {
        "code": "med-equipment.imaging",
        "name_en": "Medical imaging",
        "name_ru": Competence.objects.get(code="med-equipment.imaging").name_ru,
        "parent": "med-equipment",
    }
    assert anonymous.get("/competences/med-equipment").json()["parent"] is None
    total = anonymous.get("/competences").json()["count"]
    assert total == Competence.objects.count()


@pytest.mark.parametrize("method", ["post", "patch", "delete", "put"])
def test_reference_lists_are_read_only(register, method):
    client = register.client("admin")
    path = "/regions" if method == "post" else "/regions/RU-MOW"
    response = client.delete(path) if method == "delete" else getattr(client, method)(path, {})
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
