"""The statistics store: a DuckDB file holding datasets of regional statistics in long form, the
classifications, crosswalks and cluster definitions they refer to, and the queries that turn them into
region x activity matrices for the analytics.

Tables
------
``datasets``
    one row per imported dataset: name, source, file, region and activity classification (system,
    vintage), imported at, input rows, facts, suppressed and imputed facts.
``facts``
    ``dataset, region, activity, year, measure, value, suppressed, imputed, flag``: one number per
    key; ``value`` is NULL for a suppressed fact that was not imputed (never silently zero).
``classifications``, ``crosswalks``, ``cluster_definitions``
    versioned reference data (see :mod:`clusterworks.statistics.classifications`); the bundled files
    are loaded when a store is created.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from .classifications import Classification, ClusterDefinition, Crosswalk, bundled
from .matrix import LabelledMatrix

__all__ = ["DatasetInfo", "Store", "UnknownDataset"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS datasets (
    name VARCHAR PRIMARY KEY, source VARCHAR, file VARCHAR,
    region_system VARCHAR, region_vintage VARCHAR, activity_system VARCHAR, activity_vintage VARCHAR,
    imported_at TIMESTAMP, rows BIGINT, facts BIGINT, suppressed BIGINT, imputed BIGINT);
CREATE TABLE IF NOT EXISTS facts (
    dataset VARCHAR, region VARCHAR, activity VARCHAR, year INTEGER, measure VARCHAR,
    value DOUBLE, suppressed BOOLEAN, imputed BOOLEAN, flag VARCHAR);
CREATE TABLE IF NOT EXISTS classifications (
    system VARCHAR, vintage VARCHAR, code VARCHAR, name VARCHAR, parent VARCHAR, source VARCHAR,
    PRIMARY KEY (system, vintage, code));
CREATE TABLE IF NOT EXISTS crosswalks (
    from_system VARCHAR, from_vintage VARCHAR, to_system VARCHAR, to_vintage VARCHAR,
    from_code VARCHAR, to_code VARCHAR, weight DOUBLE, source VARCHAR);
CREATE TABLE IF NOT EXISTS cluster_definitions (
    definition VARCHAR, industry_system VARCHAR, industry_vintage VARCHAR,
    cluster_system VARCHAR, cluster_vintage VARCHAR, industry VARCHAR, cluster VARCHAR,
    cluster_name VARCHAR, subcluster VARCHAR, traded BOOLEAN, source VARCHAR);
"""


class UnknownDataset(KeyError):
    """No dataset of that name in the store."""


@dataclass(frozen=True)
class DatasetInfo:
    """A dataset's catalogue row (see the ``datasets`` table)."""

    name: str
    source: str
    file: str
    region_system: str | None
    region_vintage: str | None
    activity_system: str | None
    activity_vintage: str | None
    imported_at: datetime
    rows: int
    facts: int
    suppressed: int
    imputed: int


class Store:
    """A statistics store in a DuckDB file (or in memory). Open with :meth:`open`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str):
        self.con, self.path = con, path

    # -- opening -----------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path = ":memory:", *, read_only: bool = False) -> Store:
        """Open (creating if needed) the store at ``path``; a new store gets the bundled reference data."""
        path = str(path)
        if read_only and (path == ":memory:" or not Path(path).exists()):
            raise ValueError(f"read_only needs an existing store file; got {path!r}")
        con = duckdb.connect(path, read_only=read_only)
        store = cls(con, path)
        if not read_only:
            con.execute(SCHEMA)
            if con.execute("SELECT count(*) FROM classifications").fetchall()[0][0] == 0:
                classes, walks, defs = bundled()
                con.execute("BEGIN")
                for c in classes:
                    store.add_classification(c, _commit=False)
                for w in walks:
                    store.add_crosswalk(w, _commit=False)
                for d in defs:
                    store.add_cluster_definition(d, _commit=False)
                con.execute("COMMIT")
        return store

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reference data ----------------------------------------------------------------------------
    def _tx(self, commit: bool, fn) -> None:
        if not commit:
            fn()
            return
        self.con.execute("BEGIN")
        try:
            fn()
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def add_classification(self, c: Classification, *, replace: bool = False, _commit: bool = True) -> None:
        """Store a classification vintage (``replace`` one of the same system and vintage)."""

        def run() -> None:
            n = self.con.execute(
                "SELECT count(*) FROM classifications WHERE system = ? AND vintage = ?", [c.system, c.vintage]
            ).fetchall()[0][0]
            if n and not replace:
                raise ValueError(
                    f"classification {c.system} {c.vintage} is already stored; pass replace=True"
                )
            self.con.execute(
                "DELETE FROM classifications WHERE system = ? AND vintage = ?", [c.system, c.vintage]
            )
            self.con.executemany(
                "INSERT INTO classifications VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (c.system, c.vintage, k, n, p, c.source)
                    for k, n, p in zip(c.codes, c.names, c.parents, strict=True)
                ],
            )

        self._tx(_commit, run)

    def add_crosswalk(self, x: Crosswalk, *, _commit: bool = True) -> None:
        """Store a crosswalk (its links are added to any stored for the same pair of vintages)."""
        rows = [
            (x.from_system, x.from_vintage, x.to_system, x.to_vintage, a, b, w, x.source)
            for a, b, w in x.links
        ]
        self._tx(
            _commit,
            lambda: self.con.executemany("INSERT INTO crosswalks VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows),
        )

    def add_cluster_definition(
        self, d: ClusterDefinition, *, replace: bool = False, _commit: bool = True
    ) -> None:
        """Store a cluster definition (``replace`` one of the same name)."""

        def run() -> None:
            if (
                not replace
                and self.con.execute(
                    "SELECT count(*) FROM cluster_definitions WHERE definition = ?", [d.name]
                ).fetchall()[0][0]
            ):
                raise ValueError(f"cluster definition {d.name!r} is already stored; pass replace=True")
            self.con.execute("DELETE FROM cluster_definitions WHERE definition = ?", [d.name])
            self.con.executemany(
                "INSERT INTO cluster_definitions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        d.name,
                        d.industry_system,
                        d.industry_vintage,
                        d.cluster_system,
                        d.cluster_vintage,
                        a.industry,
                        a.cluster,
                        a.cluster_name,
                        a.subcluster,
                        a.traded,
                        d.source,
                    )
                    for a in d.assignments
                ],
            )

        self._tx(_commit, run)

    def classifications(self) -> list[tuple[str, str, int]]:
        """``(system, vintage, number of codes)`` of every stored classification."""
        return self.con.execute(
            "SELECT system, vintage, count(*) FROM classifications GROUP BY ALL ORDER BY ALL"
        ).fetchall()

    def codes(self, system: str, vintage: str) -> dict[str, str]:
        """Code -> name of one classification vintage (empty when not stored)."""
        return dict(
            self.con.execute(
                "SELECT code, name FROM classifications WHERE system = ? AND vintage = ? ORDER BY code",
                [system, vintage],
            ).fetchall()
        )

    def crosswalk(
        self, system: str, from_vintage: str, to_vintage: str, code: str
    ) -> list[tuple[str, float]]:
        """The targets ``(to_code, weight)`` of ``code`` from one vintage of ``system`` to another."""
        return self.con.execute(
            "SELECT to_code, weight FROM crosswalks WHERE from_system = ? AND to_system = ? "
            "AND from_vintage = ? AND to_vintage = ? AND from_code = ? ORDER BY to_code",
            [system, system, from_vintage, to_vintage, code],
        ).fetchall()

    def cluster_definition(self, name: str) -> list[tuple[str, str, str, str, bool]]:
        """``(industry, cluster, cluster_name, subcluster, traded)`` rows of a stored definition."""
        rows = self.con.execute(
            "SELECT industry, cluster, cluster_name, subcluster, traded FROM cluster_definitions "
            "WHERE definition = ? ORDER BY industry",
            [name],
        ).fetchall()
        if not rows:
            raise KeyError(f"no cluster definition {name!r}; stored: {self._definition_names()}")
        return rows

    def _definition_names(self) -> list[str]:
        return [
            r[0]
            for r in self.con.execute(
                "SELECT DISTINCT definition FROM cluster_definitions ORDER BY 1"
            ).fetchall()
        ]

    # -- datasets ----------------------------------------------------------------------------------
    def datasets(self) -> tuple[DatasetInfo, ...]:
        """Every stored dataset, by name."""
        return tuple(
            DatasetInfo(*r) for r in self.con.execute("SELECT * FROM datasets ORDER BY name").fetchall()
        )

    def dataset(self, name: str) -> DatasetInfo:
        """One dataset's catalogue row."""
        found = self.con.execute("SELECT * FROM datasets WHERE name = ?", [name]).fetchall()
        if not found:
            raise UnknownDataset(f"no dataset {name!r}; stored: {[d.name for d in self.datasets()]}")
        return DatasetInfo(*found[0])

    def drop_dataset(self, name: str) -> None:
        """Delete a dataset and its facts (one transaction)."""
        self.dataset(name)
        self.con.execute("BEGIN")
        self.con.execute("DELETE FROM facts WHERE dataset = ?", [name])
        self.con.execute("DELETE FROM datasets WHERE name = ?", [name])
        self.con.execute("COMMIT")

    def _distinct(self, name: str, column: str) -> tuple:
        self.dataset(name)
        sql = f"SELECT DISTINCT {column} FROM facts WHERE dataset = ? ORDER BY 1"  # noqa: S608 (fixed names)
        return tuple(r[0] for r in self.con.execute(sql, [name]).fetchall())

    def years(self, dataset: str) -> tuple[int, ...]:
        """The years of a dataset, ascending."""
        return self._distinct(dataset, "year")

    def regions(self, dataset: str) -> tuple[str, ...]:
        return self._distinct(dataset, "region")

    def activities(self, dataset: str) -> tuple[str, ...]:
        return self._distinct(dataset, "activity")

    def measures(self, dataset: str) -> tuple[str, ...]:
        return self._distinct(dataset, "measure")

    def facts(self, dataset: str, *, measure: str | None = None, year: int | None = None):
        """The long-form facts of a dataset as a pyarrow Table (columns of the ``facts`` table but
        ``dataset``), ordered by region, activity, year, measure."""
        self.dataset(dataset)
        return self.con.sql(
            "SELECT region, activity, year, measure, value, suppressed, imputed, flag FROM facts "
            "WHERE dataset = ? AND (? IS NULL OR measure = ?) AND (? IS NULL OR year = ?) "
            "ORDER BY region, activity, year, measure",
            params=[dataset, measure, measure, year, year],
        ).to_arrow_table()

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple]:
        """Run read-only SQL of the caller's own on the store (tables listed in the module docstring)."""
        return self.con.execute(sql, params or []).fetchall()

    # -- matrices ----------------------------------------------------------------------------------
    def matrix(
        self,
        dataset: str,
        *,
        measure: str = "employment",
        year: int | None = None,
        region_level: str | None = None,
        activity_level: int | str | None = None,
        definition: str | None = None,
        activities: tuple[str, ...] | list[str] | None = None,
        regions: tuple[str, ...] | list[str] | None = None,
        suppressed: str = "nan",
        traded: bool | None = None,
    ) -> LabelledMatrix:
        """The region x activity matrix of one measure in one year.

        Parameters
        ----------
        measure : str
            ``employment``, ``establishments``, ``payroll``, ... (see :meth:`measures`).
        year : int, optional
            Needed when the dataset has more than one year.
        region_level : {None, "parent"}
            ``"parent"`` sums regions into their parent in the region classification (states -> ``US``).
        activity_level : {None, int, "cluster", "subcluster"}
            An int ``k`` sums activities by their first ``k`` characters (NAICS 2-6 digits);
            ``"cluster"``/``"subcluster"`` rolls industries up through the cluster ``definition``
            (default: the only stored definition over the dataset's activity classification).
            Industries without a cluster are left out.
        traded : bool, optional
            With a cluster roll-up: only traded (True) or only local (False) clusters.
        activities, regions : sequence of str, optional
            Keep only these columns / rows (labels after aggregation), in this order.
        suppressed : {"nan", "zero"}
            A cell that is, or sums, a suppressed fact without an imputed value is NaN (default), or
            counts that fact as 0 (``"zero"``).

        Returns
        -------
        LabelledMatrix
            Rows and columns sorted (unless given); a region-activity pair without any fact is 0.
        """
        info = self.dataset(dataset)
        if suppressed not in ("nan", "zero"):
            raise ValueError(f"suppressed must be 'nan' or 'zero'; got {suppressed!r}")
        if region_level not in (None, "parent"):
            raise ValueError(f"region_level must be None or 'parent'; got {region_level!r}")
        years = self.years(dataset)
        if year is None:
            if len(years) != 1:
                raise ValueError(f"dataset {dataset!r} has years {years}; pass year=")
            year = years[0]
        elif year not in years:
            raise ValueError(f"year {year!r} is not in dataset {dataset!r}; its years are {years}")
        if measure not in self.measures(dataset):
            raise ValueError(
                f"measure {measure!r} is not in dataset {dataset!r}; it has {self.measures(dataset)}"
            )
        join_params: list[Any] = []
        region = "f.region"
        join = ""
        if region_level == "parent" and info.region_system is None:
            raise ValueError(
                f"region_level='parent' needs a region classification; dataset {dataset!r} has none"
            )
        if region_level == "parent":
            join += " JOIN classifications c ON c.system = ? AND c.vintage = ? AND c.code = f.region"
            join_params += [info.region_system, info.region_vintage]
            region = "c.parent"
        activity = "f.activity"
        if isinstance(activity_level, bool) or not (
            activity_level is None
            or activity_level in ("cluster", "subcluster")
            or (isinstance(activity_level, int) and activity_level > 0)
        ):
            raise ValueError(
                "activity_level must be None, a positive int, 'cluster' or 'subcluster'; "
                f"got {activity_level!r}"
            )
        if isinstance(activity_level, int):
            activity = f"left(f.activity, {int(activity_level)})"
        elif activity_level is not None:
            definition = definition or self._default_definition(info)
            self.cluster_definition(definition)
            join += (
                " JOIN cluster_definitions d"
                " ON d.definition = ? AND d.industry = f.activity AND d.cluster <> ''"
            )
            join_params.append(definition)
            if traded is not None:
                join += " AND d.traded = ?"
                join_params.append(bool(traded))
            activity = "d.cluster" if activity_level == "cluster" else "d.cluster || ' / ' || d.subcluster"
        if traded is not None and activity_level not in ("cluster", "subcluster"):
            raise ValueError("traded= needs activity_level='cluster' or 'subcluster'")
        sql = (
            f"SELECT {region} AS r, {activity} AS a, coalesce(sum(f.value), 0) AS v, "  # noqa: S608 (checked identifiers)
            "bool_or(f.value IS NULL) AS missing "
            f"FROM facts f{join} WHERE f.dataset = ? AND f.measure = ? AND f.year = ? GROUP BY 1, 2"
        )
        params = [*join_params, dataset, measure, year]
        rows = self.con.execute(sql, params).fetchall()
        row_labels = tuple(regions) if regions is not None else tuple(sorted({r[0] for r in rows}))
        col_labels = tuple(activities) if activities is not None else tuple(sorted({r[1] for r in rows}))
        ri = {k: i for i, k in enumerate(row_labels)}
        ci = {k: i for i, k in enumerate(col_labels)}
        values = np.zeros((len(row_labels), len(col_labels)))
        for r, a, v, missing in rows:
            if r in ri and a in ci:
                values[ri[r], ci[a]] = np.nan if missing and suppressed == "nan" else v
        return LabelledMatrix(row_labels, col_labels, values)

    def _default_definition(self, info: DatasetInfo) -> str:
        names = [
            r[0]
            for r in self.con.execute(
                "SELECT DISTINCT definition FROM cluster_definitions "
                "WHERE industry_system = ? AND industry_vintage = ?",
                [info.activity_system, info.activity_vintage],
            ).fetchall()
        ]
        if len(names) != 1:
            raise ValueError(
                f"pass definition=: {len(names)} cluster definitions match {info.activity_system} "
                f"{info.activity_vintage} (stored: {self._definition_names()})"
            )
        return names[0]
