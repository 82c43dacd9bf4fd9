"""Search is case-insensitive for Cyrillic as well as Latin, on SQLite and PostgreSQL alike."""

import pytest

from clusterworks.web.registry.selectors import cluster_list, organisation_list
from tests.factories import ClusterFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("москва", {"eurogen"}),  # lower case finds «Евроген Москва»
        ("ЕВРОГЕН", {"eurogen"}),
        ("евроген москва", {"eurogen"}),  # every word must match, in any field
        ("евроген казань", set()),
        ("ёжик", {"hedgehog"}),  # ё is its own letter, not folded into е
        ("ЁЖИК", {"hedgehog"}),
        ("eurogen", {"eurogen"}),
        ("EUROGEN", {"eurogen"}),
        ("50%", set()),  # LIKE wildcards in the query are literal
    ],
)
def test_organisation_search_ignores_case_in_any_alphabet(query, expected):
    OrganisationFactory(key="eurogen", name_en="Eurogen", name_ru="Евроген Москва")
    OrganisationFactory(key="hedgehog", name_en="Hedgehog", name_ru="Ёжик")
    OrganisationFactory(key="other", name_en="Other", name_ru="Другая")
    assert set(organisation_list(search=query).values_list("key", flat=True)) == expected


def test_cluster_search_in_russian():
    ClusterFactory(key="mmtc", name_ru="Московский кластер медицинских технологий")
    ClusterFactory(key="tomsk", name_ru="Фармацевтика, медицинская техника")
    assert set(cluster_list(search="МОСКОВСКИЙ").values_list("key", flat=True)) == {"mmtc"}
    assert set(cluster_list(search="медицинск").values_list("key", flat=True)) == {"mmtc", "tomsk"}
