"""The observatory tests share one store file with the two demo datasets (imported once per session,
3-4 s); each test gets the datasets' database rows afresh (the database rolls back after every test)."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict

SOURCE_ROWS: dict[str, dict] = {}


@pytest.fixture(scope="session")
def obs_store(tmp_path_factory):
    return tmp_path_factory.mktemp("observatory") / "store.duckdb"


@pytest.fixture
def store_file(settings, obs_store):
    settings.OBSERVATORY_STORE = obs_store
    return obs_store


@pytest.fixture
def datasets(db, store_file):
    """The demo datasets, by key: US clusters by state 2016 and OEC exports by HS section."""
    from clusterworks.web.observatory.demo import import_demo_datasets
    from clusterworks.web.observatory.models import StatisticsDataset

    if not SOURCE_ROWS:
        for dataset in import_demo_datasets(analyst=None):
            SOURCE_ROWS[dataset.key] = model_to_dict(dataset, exclude=["id", "imported_by"])
    else:
        for row in SOURCE_ROWS.values():
            StatisticsDataset.objects.create(**row)
    return {d.key: d for d in StatisticsDataset.objects.all()}


@pytest.fixture
def tmp_store(settings, tmp_path):
    """An empty store of this test's own."""
    settings.OBSERVATORY_STORE = tmp_path / "own.duckdb"
    return settings.OBSERVATORY_STORE
