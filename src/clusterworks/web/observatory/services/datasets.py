"""Importing and deleting statistics datasets: the facts go to the store, the metadata to the database,
both or neither."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction

from clusterworks.web.registry.charts import MAP_FILES, country_map

from ..models import DatasetKind, StatisticsDataset
from . import store
from .reading import Columns, Parsed, read_statistics

Progress = Callable[[int, int, str], None]


def map_regions(country: str) -> dict[str, str] | None:
    """The regions (ISO 3166-2 code -> English name) of ``country``'s map, or None without a map."""
    if country not in MAP_FILES:
        return None
    return {shape.code: shape.name for shape in country_map(country).regions}


def dataset_import(
    *,
    user: Any,
    source: Path,
    file_name: str,
    key: str,
    title: str,
    columns: Columns,
    kind: str = DatasetKind.REGIONAL,
    country: str = "",
    region_scheme: str = "",
    activity_scheme: str = "",
    attribution: str = "",
    replace: bool = False,
    progress: Progress | None = None,
) -> StatisticsDataset:
    """Read ``source`` by ``columns`` (raises the file's problems, storing nothing), then write its facts
    to the store and record the dataset; a dataset with the same key is replaced only with ``replace``."""
    if StatisticsDataset.objects.filter(key=key).exists() and not replace:
        raise ValueError(f"a dataset with the key {key!r} exists; choose another key or replace it")
    if progress:
        progress(0, 3, "reading")
    regions = map_regions(country)
    parsed: Parsed = read_statistics(source, file_name=file_name, columns=columns, region_codes=regions)
    if progress:
        progress(1, 3, "storing")
    labels = [("region", code, (regions or {}).get(code, name), "") for code, name in parsed.regions.items()]
    labels += [("activity", code, name, group) for code, (name, group) in parsed.activities.items()]
    sha256 = hashlib.sha256(source.read_bytes()).hexdigest()
    with transaction.atomic():
        StatisticsDataset.objects.filter(key=key).delete()
        dataset = StatisticsDataset.objects.create(
            key=key,
            title=title,
            attribution=attribution,
            file_name=file_name,
            sha256=sha256,
            kind=kind,
            country=country,
            region_scheme=region_scheme,
            activity_scheme=activity_scheme,
            measures=parsed.measures,
            columns={
                "region": columns.region,
                "activity": columns.activity,
                "year": columns.year,
                "fixed_year": columns.fixed_year,
                "measures": columns.measures,
            },
            rows=parsed.rows,
            regions=len(parsed.regions),
            activities=len(parsed.activities),
            years=parsed.years,
            imported_by=user if getattr(user, "pk", None) else None,
        )
        store.write_dataset(key, parsed.facts, labels)  # last: a failure here rolls the record back
    if progress:
        progress(3, 3, "stored")
    return dataset


def dataset_delete(*, dataset: StatisticsDataset) -> None:
    """Remove ``dataset`` from the store and the database."""
    with transaction.atomic():
        key = dataset.key
        dataset.delete()
        store.delete_dataset(key)
