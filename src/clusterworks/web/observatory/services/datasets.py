"""Importing and deleting statistics datasets: the facts go to the statistics store through
:func:`clusterworks.statistics.import_statistics` (the same reader and checks as ``clusterworks map
import``), the description to the database; both or neither."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction

from clusterworks.analytics.columns import ColumnMappingError, parse_column_mapping
from clusterworks.statistics import import_statistics

from ..models import DatasetKind, StatisticsDataset
from . import store

Progress = Callable[[int, int, str], None]

#: The roles of a file's columns, as ``clusterworks map import --columns`` names them.
KEYS = ("region", "activity", "year")
MEASURES = ("employment", "establishments", "payroll", "wages", "exports")
OTHER = ("flag", "measure", "value")


def parse_columns(text: str) -> dict[str, str]:
    """``"region=state, activity=cluster, year=year, employment=emp"`` -> role -> column: the one
    ``field=column`` parser of the command line, and at least one measure (or measure + value).

    Raises ValueError naming the bad part and what is allowed."""
    columns = parse_column_mapping(text, required=KEYS, optional=(*MEASURES, *OTHER))
    if not any(m in columns for m in MEASURES) and not {"measure", "value"} <= set(columns):
        raise ColumnMappingError(
            f"the mapping names no measure; name one of {', '.join(MEASURES)}, or measure and value"
        )
    return columns


def dataset_import(
    *,
    user: Any,
    source: Path,
    file_name: str,
    key: str,
    title: str,
    columns: dict[str, str],
    kind: str = DatasetKind.REGIONAL,
    region_system: str = "",
    activity_system: str = "",
    suppressed: str = "missing",
    region_scheme: str = "",
    activity_scheme: str = "",
    attribution: str = "",
    replace: bool = False,
    progress: Progress | None = None,
) -> StatisticsDataset:
    """Import ``source`` into the store as dataset ``key`` and record it.

    ``source``'s name is the file name the problems cite. The store checks every row (codes against
    ``region_system`` / ``activity_system``, suppressed cells, vintages) and raises
    :class:`~clusterworks.analytics.issues.InvalidInput` with every problem, storing nothing; a dataset
    with the same key is replaced only with ``replace``.
    """
    if StatisticsDataset.objects.filter(key=key).exists() and not replace:
        raise ValueError(f"a dataset with the key {key!r} exists; choose another key or replace it")
    if progress:
        progress(0, 3, "checking")
    sha256 = hashlib.sha256(source.read_bytes()).hexdigest()
    with store.open_store(write=True) as db:
        summary = import_statistics(
            db,
            source,
            dataset=key,
            columns=columns,
            source=attribution,
            region_system=region_system or None,
            activity_system=activity_system or None,
            suppressed=suppressed,
            replace=True,  # the database record decides (above); a stale store entry is overwritten
        )
        if progress:
            progress(2, 3, "recording")
        regions, activities = len(db.regions(key)), len(db.activities(key))
        try:
            with transaction.atomic():
                StatisticsDataset.objects.filter(key=key).delete()
                dataset = StatisticsDataset.objects.create(
                    key=key,
                    title=title,
                    attribution=attribution,
                    file_name=file_name,
                    sha256=sha256,
                    kind=kind,
                    country=store.MAP_SYSTEMS.get(region_system, ""),
                    region_scheme=region_scheme
                    or " ".join(filter(None, (summary.region_system, summary.region_vintage))),
                    activity_scheme=activity_scheme
                    or " ".join(filter(None, (summary.activity_system, summary.activity_vintage))),
                    measures=list(summary.measures),
                    columns=columns,
                    rows=summary.rows,
                    regions=regions,
                    activities=activities,
                    years=list(summary.years),
                    imported_by=user if getattr(user, "pk", None) else None,
                )
        except BaseException:
            db.drop_dataset(key)  # the record failed: the facts go too
            raise
    if progress:
        progress(3, 3, "stored")
    return dataset


def dataset_delete(*, dataset: StatisticsDataset) -> None:
    """Remove ``dataset`` from the store and the database."""
    with transaction.atomic():
        key = dataset.key
        dataset.delete()
        store.delete_dataset(key)
