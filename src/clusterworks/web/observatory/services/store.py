"""The observatory's access to the statistics store (:mod:`clusterworks.statistics`) at
``settings.OBSERVATORY_STORE``: opening it, the names of a dataset's regions and activities (from the
store's classifications), the region codes of the maps, and the region x activity matrices.

The facts, the classifications and the cluster definitions all live in the store; this module adds no
table of its own. Region codes: a dataset's regions are stored in their own classification (FIPS codes
of ``us-state``, say); the maps and the page addresses use ISO 3166-2 codes (``US-MA``, ``RU-MOW``).
:func:`map_codes` is the one place that translates, with the store's crosswalk from the dataset's
region classification to ``iso3166-2:US`` / ``iso3166-2:RU``.

Each call opens the file for the time of the call (read-only for reads): DuckDB lets one process
write a file while no other holds it. Within a process the opens are serialised by a lock, so a page
never meets the import of another thread; across processes see docs/admin-guide.md.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from clusterworks.statistics import DatasetInfo, LabelledMatrix, Store, UnknownDataset

_LOCK = threading.RLock()


#: Region classifications the maps can show, and the map (country) of each.
MAP_SYSTEMS = {"us-state": "US", "iso3166-2:US": "US", "iso3166-2:RU": "RU"}


@dataclass(frozen=True)
class Label:
    """A region's or activity's ``code`` (a region's map code), ``name`` and ``group`` (``traded`` /
    ``local`` for the US Cluster Mapping clusters, else ``""``)."""

    code: str
    name: str
    group: str


def store_path() -> Path:
    return Path(settings.OBSERVATORY_STORE)


@contextlib.contextmanager
def open_store(*, write: bool = False) -> Iterator[Store]:
    """The store, open for this call (made, with the bundled classifications, when absent)."""
    path = store_path()
    with _LOCK:
        if write or not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            store = Store.open(path)
            if not write:
                store.close()
                store = Store.open(path, read_only=True)
        else:
            store = Store.open(path, read_only=True)
        try:
            yield store
        finally:
            store.close()


def map_codes(store: Store, system: str | None, vintage: str | None) -> dict[str, str]:
    """Store region code -> ISO 3166-2 code for the regions of ``system`` (``vintage``): the codes
    themselves for an ``iso3166-2:*`` classification, the crosswalk's targets for one with a crosswalk to
    ISO 3166-2 (``us-state`` FIPS ``25`` -> ``US-MA``), else empty (no map)."""
    if not system:
        return {}
    if system.startswith("iso3166-2:"):
        rows = [(code, code) for code in store.codes(system, vintage or "")]
    else:
        rows = store.query(
            "SELECT from_code, to_code FROM crosswalks WHERE from_system = ? AND from_vintage = ? "
            "AND to_system LIKE 'iso3166-2:%' AND weight = 1",
            [system, vintage],
        )
    return dict(rows)


def _region_labels(store: Store, info: DatasetInfo, codes: tuple[str, ...]) -> dict[str, Label]:
    """Store code -> Label with the map code (or the code) and the classification's name."""
    names = store.codes(info.region_system, info.region_vintage) if info.region_system else {}
    iso = map_codes(store, info.region_system, info.region_vintage)
    return {c: Label(iso.get(c, c), names.get(c) or c, "") for c in codes}


def _activity_labels(store: Store, info: DatasetInfo, codes: tuple[str, ...]) -> dict[str, Label]:
    """Code -> Label with the classification's name; the group (traded / local) of US clusters is the
    parent the store's ``uscmp-cluster`` classification gives them."""
    if not info.activity_system:
        return {c: Label(c, c, "") for c in codes}
    rows = store.query(
        "SELECT code, name, parent FROM classifications WHERE system = ? AND vintage = ?",
        [info.activity_system, info.activity_vintage],
    )
    known = {code: (name, parent if parent in ("traded", "local") else "") for code, name, parent in rows}
    return {c: Label(c, *known.get(c, (c, ""))) for c in codes}


@dataclass(frozen=True)
class Contents:
    """A dataset as the pages read it: its catalogue row, years, measures, regions and activities (by
    store code, in code order) with their labels."""

    info: DatasetInfo
    years: tuple[int, ...]
    measures: tuple[str, ...]
    regions: dict[str, Label]
    activities: dict[str, Label]


def _contents(store: Store, key: str) -> Contents:
    info = store.dataset(key)
    regions, activities = store.regions(key), store.activities(key)
    return Contents(
        info,
        store.years(key),
        store.measures(key),
        _region_labels(store, info, regions),
        _activity_labels(store, info, activities),
    )


def contents(key: str) -> Contents:
    """What the store holds of dataset ``key`` (raises UnknownDataset)."""
    with open_store() as store:
        return _contents(store, key)


def contents_and_matrices(
    key: str, *, measures: Iterable[str], year: int
) -> tuple[Contents, dict[str, LabelledMatrix]]:
    """The dataset's contents and, over all its regions and activities, the region x activity matrix
    in ``year`` of each of ``measures`` that it holds, read in one opening of the store; a pair
    without a fact is 0, a suppressed fact NaN (the store's convention)."""
    with open_store() as store:
        held = _contents(store, key)
        regions, activities = tuple(held.regions), tuple(held.activities)
        grids = {
            m: store.matrix(key, measure=m, year=year, regions=regions, activities=activities)
            for m in measures
            if m in held.measures
        }
        return held, grids


def fact_count(key: str) -> int:
    try:
        with open_store() as store:
            return int(store.dataset(key).facts)
    except UnknownDataset:
        return 0


def delete_dataset(key: str) -> None:
    with open_store(write=True) as store, contextlib.suppress(UnknownDataset):
        store.drop_dataset(key)


def classifications() -> list[tuple[str, str, int]]:
    """``(system, vintage, codes)`` of every classification in the store."""
    with open_store() as store:
        return store.classifications()
