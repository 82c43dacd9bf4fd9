"""The aggregation queries of the statistics store, written once as SQL text that DuckDB and Spark
SQL both run unchanged (only ANSI SQL: ``GROUP BY``, ``SUM``, ``COUNT``, ``CAST``, inner joins).

* :func:`totals_sql` - establishment-level rows -> region x industry x year totals: employment (sum),
  establishments (count of rows), payroll (sum);
* :func:`rollup_sql` - industry totals -> cluster (or subcluster) totals through a cluster definition
  (industry -> cluster -> subcluster); industries without a cluster code are left out;
* :func:`checksum_sql` - row count, column sums and a position-weighted checksum of a totals table,
  to check two engines agree without moving the rows.

Input columns of the establishment table: ``region`` and ``industry`` (any type; compared as given),
``year`` (integer), ``employment`` and ``payroll`` (integers: CBP reports payroll in whole $1,000, so
sums are exact and both engines give bit-identical results; floating sums would depend on the order
of addition). :func:`aggregate_duckdb` runs them on DuckDB;
:func:`clusterworks.statistics.spark.aggregate_spark` runs the same text on Spark.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = [
    "ESTABLISHMENT_FIELDS",
    "aggregate_duckdb",
    "establishments_sql",
    "write_totals_duckdb",
    "checksum_sql",
    "rollup_sql",
    "text_industry_sql",
    "totals_sql",
    "write_synthetic_establishments",
]

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
LEVELS = ("cluster", "subcluster")


def _ident(name: str, what: str) -> str:
    if not isinstance(name, str) or not _IDENT.fullmatch(name):
        raise ValueError(f"{what} must be a plain SQL identifier (letters, digits, _); got {name!r}")
    return name


#: the fields of an establishment-level table, in the order of :func:`establishments_sql`
ESTABLISHMENT_FIELDS = ("region", "industry", "year", "employment", "payroll")


def establishments_sql(source: str, columns: dict[str, str]) -> str:
    """SQL: the establishment table ``source`` (a table, view or reader expression) with its columns
    renamed to :data:`ESTABLISHMENT_FIELDS` (``columns``: field -> the file's column), year, employment
    and payroll cast to BIGINT. Column names are quoted, so any name a file has is allowed."""
    missing = [f for f in ESTABLISHMENT_FIELDS if f not in columns]
    if missing:
        raise ValueError(
            f"columns must name {', '.join(missing)} (fields: {', '.join(ESTABLISHMENT_FIELDS)})"
        )
    picks = []
    for field in ESTABLISHMENT_FIELDS:
        column = "`" + columns[field].replace("`", "``") + "`"
        picks.append(
            f"{column} AS {field}"
            if field in ("region", "industry")
            else f"CAST({column} AS BIGINT) AS {field}"
        )
    return f"SELECT {', '.join(picks)} FROM {source}"  # noqa: S608 (quoted names)


def totals_sql(source: str = "establishments") -> str:
    """SQL: region x industry x year totals of the establishment table ``source``.

    Output columns: ``region, industry, year, employment, establishments, payroll`` (the last three
    BIGINT), one row per (region, industry, year) present in ``source``.
    """
    src = _ident(source, "source")
    return (
        "SELECT region, industry, year, "  # noqa: S608 (checked identifiers)
        "CAST(SUM(employment) AS BIGINT) AS employment, "
        "CAST(COUNT(*) AS BIGINT) AS establishments, "
        "CAST(SUM(payroll) AS BIGINT) AS payroll "
        f"FROM {src} GROUP BY region, industry, year"
    )


def rollup_sql(
    totals: str = "totals", definition: str = "cluster_definition", *, level: str = "cluster"
) -> str:
    """SQL: cluster (``level="cluster"``) or subcluster totals of the industry totals table ``totals``.

    ``definition`` has columns ``industry, cluster, subcluster`` (subcluster: its name); an industry
    whose ``cluster`` is NULL or empty is left out. Output: ``region, cluster[, subcluster], year,
    employment, establishments, payroll``.
    """
    t, d = _ident(totals, "totals"), _ident(definition, "definition")
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}; got {level!r}")
    keys = "d.cluster" + (", d.subcluster" if level == "subcluster" else "")
    return (
        f"SELECT t.region, {keys}, t.year, "  # noqa: S608 (checked identifiers)
        "CAST(SUM(t.employment) AS BIGINT) AS employment, "
        "CAST(SUM(t.establishments) AS BIGINT) AS establishments, "
        "CAST(SUM(t.payroll) AS BIGINT) AS payroll "
        f"FROM {t} AS t JOIN {d} AS d ON t.industry = d.industry "
        "WHERE d.cluster IS NOT NULL AND d.cluster <> '' "
        f"GROUP BY t.region, {keys}, t.year"
    )


def text_industry_sql(totals: str = "totals") -> str:
    """SQL: the totals table with ``industry`` as text (to join a cluster definition's codes)."""
    t = _ident(totals, "totals")
    return (
        "SELECT region, CAST(industry AS STRING) AS industry, year, employment, establishments, payroll "  # noqa: S608 (checked identifiers)
        f"FROM {t}"
    )


def checksum_sql(table: str = "totals") -> str:
    """SQL: one row ``(rows, employment, establishments, payroll, weighted)`` of a totals table whose
    region and industry are integers; ``weighted`` sums employment x (region mod 97 + industry mod 89
    + year mod 13 + 1), so two results agree only if (nearly surely) every group has the same total."""
    t = _ident(table, "table")
    return (
        "SELECT CAST(COUNT(*) AS BIGINT), CAST(SUM(employment) AS BIGINT), "  # noqa: S608 (checked identifiers)
        "CAST(SUM(establishments) AS BIGINT), CAST(SUM(payroll) AS BIGINT), "
        "CAST(SUM(employment * (region % 97 + industry % 89 + year % 13 + 1)) AS BIGINT) "
        f"FROM {t}"
    )


def aggregate_duckdb(
    parquet: str | Path,
    *,
    con=None,
    definition: list[tuple[str, str, str]] | None = None,
    level: str | None = None,
) -> list[tuple]:
    """Run :func:`totals_sql` (and :func:`rollup_sql` when ``level`` is given) on DuckDB over an
    establishment-level Parquet file; rows sorted by their keys.

    ``definition`` is a list of ``(industry, cluster, subcluster)`` (industry compared as text).
    """
    import duckdb

    if level is not None and (level not in LEVELS or definition is None):
        raise ValueError(f"level must be one of {LEVELS} with a definition, or None; got {level!r}")
    own = con is None
    con = duckdb.connect() if own else con
    try:
        path = str(parquet).replace("'", "''")
        con.execute(f"CREATE OR REPLACE TEMP VIEW establishments AS SELECT * FROM read_parquet('{path}')")  # noqa: S608 (checked identifiers)
        if level is None:
            return sorted(con.execute(totals_sql()).fetchall(), key=lambda r: r[:3])
        con.execute(f"CREATE OR REPLACE TEMP TABLE totals AS {totals_sql()}")
        con.execute(
            "CREATE OR REPLACE TEMP TABLE cluster_definition "
            "(industry VARCHAR, cluster VARCHAR, subcluster VARCHAR)"
        )
        con.executemany(
            "INSERT INTO cluster_definition VALUES (?, ?, ?)", [tuple(map(str, r)) for r in definition]
        )
        con.execute(f"CREATE OR REPLACE TEMP VIEW totals_text AS {text_industry_sql()}")
        rows = con.execute(rollup_sql("totals_text", level=level)).fetchall()
        n = 3 if level == "cluster" else 4
        return sorted(rows, key=lambda r: r[:n])
    finally:
        if own:
            con.close()


def write_totals_duckdb(
    path: str | Path,
    out: str | Path,
    *,
    columns: dict[str, str],
    definition: list[tuple[str, str, str]] | None = None,
    level: str | None = None,
    threads: int | None = None,
) -> dict[str, int]:
    """Aggregate an establishment-level file (Parquet, or CSV with a header) to region x industry x
    year totals -- or cluster / subcluster totals through ``definition`` -- and write them to ``out``
    (``.parquet`` or ``.csv``) with DuckDB, without holding the rows in Python. The file is written to a
    temporary name and renamed when complete. Returns ``{"rows": totals written, "input_rows": ...}``.
    """
    import duckdb

    path, out = Path(path), Path(out)
    fmt = _file_format(out)
    if level is not None and (level not in LEVELS or definition is None):
        raise ValueError(f"level must be one of {LEVELS} with a definition, or None; got {level!r}")
    con = duckdb.connect()
    part = out.with_name(out.name + ".part")
    try:
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        con.execute(
            f"CREATE TEMP VIEW establishments AS {establishments_sql(_duckdb_reader(path), columns)}".replace(
                "`", '"'
            )
        )
        query = totals_sql()
        if level is not None:
            con.execute(f"CREATE TEMP VIEW totals AS {totals_sql()}")
            con.execute(
                "CREATE TEMP TABLE cluster_definition (industry VARCHAR, cluster VARCHAR, subcluster VARCHAR)"
            )
            con.executemany(
                "INSERT INTO cluster_definition VALUES (?, ?, ?)", [tuple(map(str, r)) for r in definition]
            )
            con.execute(f"CREATE TEMP VIEW totals_text AS {text_industry_sql()}")
            query = rollup_sql("totals_text", level=level)
        target = str(part).replace("'", "''")
        options = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER true"
        # COPY answers with the number of rows it wrote
        rows = con.execute(f"COPY ({query}) TO '{target}' ({options})").fetchall()[0][0]  # noqa: S608 (quoted path)
        n_in = con.execute("SELECT count(*) FROM establishments").fetchall()[0][0]
        part.replace(out)
        return {"rows": int(rows), "input_rows": int(n_in)}
    finally:
        con.close()
        part.unlink(missing_ok=True)


def _file_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix == ".csv":
        return "csv"
    raise ValueError(f"{path.name}: write .parquet or .csv (the format follows the name)")


def _duckdb_reader(path: Path) -> str:
    text = str(path).replace("'", "''")
    if _input_format(path) == "parquet":
        return f"read_parquet('{text}')"
    return f"read_csv('{text}', header = true)"


def _input_format(path: Path) -> str:
    suffixes = [x.lower() for x in path.suffixes]
    if suffixes and suffixes[-1] in (".parquet", ".pq"):
        return "parquet"
    if ".csv" in suffixes:
        return "csv"
    raise ValueError(f"{path.name}: read .parquet or .csv (also .csv.gz) files")


def write_synthetic_establishments(
    path: str | Path,
    rows: int,
    *,
    seed: int,
    regions: int = 3200,
    industries: int = 1000,
    years: int = 20,
    con=None,
) -> Path:
    """Write a seeded synthetic establishment-level Parquet file, generated inside DuckDB (``range``
    and ``hash``, so memory stays small): ``region`` 1..regions, ``industry`` 1..industries, ``year``
    2001..2000+years (uniform), ``employment`` log-uniform 1..4,096, ``payroll`` = employment x
    (20..79) in $1,000 (all integers). The same (rows, seed, sizes) give the same file for a given
    DuckDB version (its ``hash`` function is not promised stable across versions)."""
    import duckdb

    for name, v in (("rows", rows), ("regions", regions), ("industries", industries), ("years", years)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"{name} must be a positive int; got {v!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**20:
        raise ValueError(f"seed must be an int from 0 to 2**20 - 1; got {seed!r}")
    path = Path(path)
    own = con is None
    con = duckdb.connect() if own else con
    s = int(seed) * 2**36  # column k of row i hashes the distinct integer 8 i + k + seed 2^36
    emp = f"floor(pow(2, (hash(i * 8 + {s + 4}) % 1000000) / 1000000.0 * 12))"  # log-uniform 1..4096
    try:
        con.execute(
            "COPY (SELECT "  # noqa: S608 (checked identifiers)
            f"CAST(hash(i * 8 + {s + 1}) % {regions} AS INTEGER) + 1 AS region, "
            f"CAST(hash(i * 8 + {s + 2}) % {industries} AS INTEGER) + 1 AS industry, "
            f"CAST(2001 + hash(i * 8 + {s + 3}) % {years} AS INTEGER) AS year, "
            f"CAST({emp} AS INTEGER) AS employment, "
            f"CAST({emp} AS BIGINT) "
            f"* CAST(20 + hash(i * 8 + {s + 5}) % 60 AS BIGINT) AS payroll "
            f"FROM range({rows}) t(i)) TO '{str(path).replace(chr(39), chr(39) * 2)}' "
            "(FORMAT parquet, ROW_GROUP_SIZE 1000000)"
        )
    finally:
        if own:
            con.close()
    return path
