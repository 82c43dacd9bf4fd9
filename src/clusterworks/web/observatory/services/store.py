"""Access to the observatory's DuckDB store (``settings.OBSERVATORY_STORE``).

The store holds the facts of every dataset in long form -- one row per dataset, region, activity, year
and measure -- and the names of its regions and activities (with an activity's group, e.g. ``traded`` or
``local`` for the US cluster definitions). The web app reads region x activity matrices from it
(:func:`matrix`); a dataset is written in one transaction (:func:`write_dataset`) and deleted the same
way, so a failed import leaves nothing behind.

Each call opens the file for the time of the call: DuckDB allows one writing process, and the web
server's threads share nothing else.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
from django.conf import settings

_LOCK = threading.Lock()

SCHEMA = """
CREATE TABLE IF NOT EXISTS obs_facts (
    dataset VARCHAR NOT NULL, region VARCHAR NOT NULL, activity VARCHAR NOT NULL,
    year INTEGER NOT NULL, measure VARCHAR NOT NULL, value DOUBLE
);
CREATE TABLE IF NOT EXISTS obs_labels (
    dataset VARCHAR NOT NULL, kind VARCHAR NOT NULL, code VARCHAR NOT NULL,
    name VARCHAR, grp VARCHAR
);
"""


@dataclass(frozen=True)
class Matrix:
    """A region x activity matrix of one measure and year: ``values[i, j]`` for ``rows[i]`` and
    ``columns[j]``; cells without a fact are NaN."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: np.ndarray

    def column(self, code: str) -> np.ndarray:
        return self.values[:, self.columns.index(code)]

    def row(self, code: str) -> np.ndarray:
        return self.values[self.rows.index(code)]


@dataclass(frozen=True)
class Label:
    code: str
    name: str
    group: str


def store_path() -> Path:
    return Path(settings.OBSERVATORY_STORE)


@contextlib.contextmanager
def connect(*, write: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    path = store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with _LOCK:
        connection = duckdb.connect(str(path))
        try:
            connection.execute(SCHEMA)
            yield connection
        finally:
            connection.close()


def write_dataset(
    key: str,
    facts: Iterable[tuple[str, str, int, str, float | None]],
    labels: Iterable[tuple[str, str, str, str]],
) -> None:
    """Replace dataset ``key`` by ``facts`` (region, activity, year, measure, value) and ``labels``
    (kind "region"/"activity", code, name, group), in one transaction."""
    fact_rows = [(key, *f) for f in facts]
    label_rows = [(key, *label) for label in labels]
    with connect(write=True) as db:
        db.execute("BEGIN TRANSACTION")
        try:
            db.execute("DELETE FROM obs_facts WHERE dataset = ?", [key])
            db.execute("DELETE FROM obs_labels WHERE dataset = ?", [key])
            if fact_rows:
                columns = list(zip(*fact_rows, strict=True))
                table = {
                    "dataset": list(columns[0]),
                    "region": list(columns[1]),
                    "activity": list(columns[2]),
                    "year": np.asarray(columns[3], dtype=np.int32),
                    "measure": list(columns[4]),
                    "value": np.asarray([np.nan if v is None else v for v in columns[5]], dtype=float),
                }
                db.register("incoming", _arrow(table))
                db.execute(
                    "INSERT INTO obs_facts SELECT dataset, region, activity, year, measure, "
                    "CASE WHEN isnan(value) THEN NULL ELSE value END FROM incoming"
                )
                db.unregister("incoming")
            if label_rows:
                db.executemany("INSERT INTO obs_labels VALUES (?, ?, ?, ?, ?)", label_rows)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise


def _arrow(table: dict):
    import pyarrow as pa

    return pa.table(table)


def delete_dataset(key: str) -> None:
    with connect(write=True) as db:
        db.execute("BEGIN TRANSACTION")
        db.execute("DELETE FROM obs_facts WHERE dataset = ?", [key])
        db.execute("DELETE FROM obs_labels WHERE dataset = ?", [key])
        db.execute("COMMIT")


def fact_count(key: str) -> int:
    with connect() as db:
        return int(db.execute("SELECT count(*) FROM obs_facts WHERE dataset = ?", [key]).fetchone()[0])


def labels(key: str, kind: str) -> dict[str, Label]:
    """The regions (``kind="region"``) or activities of dataset ``key`` by code, in code order."""
    with connect() as db:
        rows = db.execute(
            "SELECT code, coalesce(name, code), coalesce(grp, '') FROM obs_labels "
            "WHERE dataset = ? AND kind = ? ORDER BY code",
            [key, kind],
        ).fetchall()
    return {code: Label(code, name, group) for code, name, group in rows}


def years(key: str) -> list[int]:
    with connect() as db:
        rows = db.execute(
            "SELECT DISTINCT year FROM obs_facts WHERE dataset = ? ORDER BY year", [key]
        ).fetchall()
    return [int(r[0]) for r in rows]


def matrix(key: str, *, measure: str, year: int) -> Matrix:
    """The region x activity matrix of ``measure`` in ``year``: every region and activity of the
    dataset (its labels) in code order; missing facts are NaN."""
    regions = tuple(labels(key, "region"))
    activities = tuple(labels(key, "activity"))
    values = np.full((len(regions), len(activities)), np.nan)
    with connect() as db:
        rows = db.execute(
            "SELECT region, activity, value FROM obs_facts WHERE dataset = ? AND measure = ? AND year = ?",
            [key, measure, year],
        ).fetchall()
    r_index = {c: i for i, c in enumerate(regions)}
    a_index = {c: j for j, c in enumerate(activities)}
    for region, activity, value in rows:
        values[r_index[region], a_index[activity]] = np.nan if value is None else value
    return Matrix(regions, activities, values)
