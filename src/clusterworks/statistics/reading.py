"""Reading regional statistics in long form (CSV, Parquet, XLSX) into the store, all or nothing.

A file has one row per (region, activity, year) with one column per measure (``employment``,
``establishments``, ``payroll``, ``wages``, ``exports``, ``lq`` for a given location quotient), or
one row per (region, activity, year, measure) with ``measure`` and ``value`` columns;
:func:`import_statistics` names the file's columns with
``columns={"region": ..., "activity": ..., "year": ..., "employment": ..., ...}``.

DuckDB reads CSV (``all_varchar``, so every cell is validated as text) and Parquet; openpyxl reads
XLSX. Every check is one SQL set operation over the whole file, and every problem is reported as a
:class:`~clusterworks.analytics.issues.FileIssue` (the file's line: the header is line 1, a Parquet row
``i`` (from 1) is line ``i + 1``, an XLSX row is its sheet row) before anything is written; the
import itself is one transaction.

Checks: empty keys; years that are not whole numbers; values that are missing, not numbers or
negative; duplicate keys (both lines named); region and activity codes unknown to the declared
classification (close codes suggested, and crosswalk targets when the code belongs to another vintage);
codes of two vintages of one classification mixed in a file (counts and first lines).

Suppressed cells (Census County Business Patterns style) follow one rule:

* a value ``D``, ``S``, ``N`` or ``X`` (any case, optionally in parentheses, e.g. ``(D)``) is
  suppressed; so is an employment whose ``flag`` column holds a CBP flag: an employment-size class
  ``A``-``M`` (the number in the employment column, often a 0 placeholder, is then ignored) or D/S/N/X;
* a suppressed fact is stored with ``value`` NULL and ``suppressed`` true, counted in the summary, and
  is NaN in matrices (never silently zero);
* with ``suppressed="midpoint"``, an employment with size class A-L is imputed as the midpoint of
  the class (:data:`SIZE_CLASSES`), stored with ``imputed`` true; class M (100,000 or more, no upper
  bound) and D/S/N/X stay missing.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clusterworks.analytics.issues import MAX_ISSUES, FileIssue, InvalidInput

from .staging import FLAGS, FORMATS, SqlIssues, load_table, quote_name, quote_text
from .store import Store

__all__ = ["MEASURES", "SIZE_CLASSES", "ImportSummary", "Statistics", "import_statistics", "read_statistics"]

#: ``lq``: a location quotient given with the data (e.g. the published one), used instead of computing it
MEASURES = ("employment", "establishments", "payroll", "wages", "exports", "lq")
KEYS = ("region", "activity", "year")
#: CBP employment-size classes (the ``empflag`` of County Business Patterns): letter -> (low, high).
SIZE_CLASSES: dict[str, tuple[int, int | None]] = {
    "A": (0, 19),
    "B": (20, 99),
    "C": (100, 249),
    "E": (250, 499),
    "F": (500, 999),
    "G": (1000, 2499),
    "H": (2500, 4999),
    "I": (5000, 9999),
    "J": (10000, 24999),
    "K": (25000, 49999),
    "L": (50000, 99999),
    "M": (100000, None),
}


@dataclass(frozen=True)
class ImportSummary:
    """What an import read: input ``rows``, stored ``facts``, how many are ``suppressed`` and how
    many of those ``imputed``, and the classification vintages used (declared or inferred)."""

    dataset: str
    file: str
    rows: int
    facts: int
    suppressed: int
    imputed: int
    measures: tuple[str, ...]
    years: tuple[int, ...]
    region_system: str | None
    region_vintage: str | None
    activity_system: str | None
    activity_vintage: str | None


@dataclass(frozen=True)
class Statistics:
    """A validated file: its :class:`ImportSummary` and its long-form facts (pyarrow Table with
    columns region, activity, year, measure, value, suppressed, imputed, flag)."""

    summary: ImportSummary
    facts: Any


def _check_columns(columns: Mapping[str, str]) -> dict[str, str]:
    allowed = (*KEYS, *MEASURES, "flag", "measure", "value")
    if not isinstance(columns, Mapping):
        raise TypeError(f"columns must be a mapping of role -> column name; got {type(columns).__name__}")
    bad = [k for k in columns if k not in allowed]
    if bad:
        raise ValueError(f"columns has unknown roles {bad}; allowed: {', '.join(allowed)}")
    for k, v in columns.items():
        if not isinstance(v, str) or not v:
            raise ValueError(f"columns[{k!r}] must be a column name; got {v!r}")
    missing = [k for k in KEYS if k not in columns]
    if missing:
        raise ValueError(f"columns must name {missing} (the key: region, activity, year)")
    long = "measure" in columns or "value" in columns
    if long and not ("measure" in columns and "value" in columns):
        raise ValueError("columns must name both 'measure' and 'value', or neither")
    if long == any(m in columns for m in MEASURES):
        raise ValueError(
            f"columns must name measure columns ({', '.join(MEASURES)}) or 'measure' + 'value', not both"
        )
    return dict(columns)


def check_codes(
    con, store: Store, issues: SqlIssues, role: str, field: str, system: str, vintage: str | None
) -> str:
    """Check the codes in column ``role`` against ``system``; returns the vintage used."""
    vintages = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT vintage FROM classifications WHERE system = ? ORDER BY 1", [system]
        ).fetchall()
    ]
    if not vintages:
        raise ValueError(f"no classification {system!r} in the store; stored: {store.classifications()}")
    if vintage is not None and vintage not in vintages:
        raise ValueError(f"{system} vintage {vintage!r} is not stored; stored vintages: {vintages}")
    r = quote_name(role)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _codes AS SELECT {r} AS code, min(_line) AS first, "  # noqa: S608
        f"(SELECT list(c.vintage ORDER BY c.vintage) FROM classifications c "
        f"WHERE c.system = ? AND c.code = {r}) AS vs "
        f"FROM _in WHERE {r} IS NOT NULL GROUP BY {r}",
        [system],
    )
    coverage = dict(
        con.execute("SELECT v, count(*) FROM (SELECT unnest(vs) AS v FROM _codes) GROUP BY v").fetchall()
    )
    if vintage is None:
        vintage = max(vintages, key=lambda v: (coverage.get(v, 0), v))
    exclusive = con.execute(
        "SELECT vs[1] AS v, count(*), min(first), arg_min(code, first) FROM _codes "
        "WHERE len(vs) = 1 GROUP BY v ORDER BY v"
    ).fetchall()
    if len(exclusive) > 1:
        mine = next((e for e in exclusive if e[0] == vintage), None)
        for v, n, line, code in exclusive:
            if v == vintage:
                continue
            here = (
                f" next to {mine[1]} only valid in {vintage} (first on line {mine[2]}: {mine[3]})"
                if mine
                else ""
            )
            issues.add(
                line,
                field,
                code,
                f"mixed {system} vintages: {n} codes only valid in {v} (first on line {line}: "
                f"{code}){here}; use one vintage, or convert the file with a crosswalk",
            )
    known: list[str] = []

    def message(line: int, code: str) -> str:
        others = [
            v
            for v in (con.execute("SELECT vs FROM _codes WHERE code = ?", [code]).fetchall()[0][0] or [])
            if v != vintage
        ]
        if others:
            parts = []
            for w in others:
                targets = store.crosswalk(system, w, vintage, code)
                parts.append(
                    f"{system} {w} code {code} -> {vintage}: " + "/".join(t for t, _ in targets)
                    if targets
                    else f"it is a {system} {w} code (no crosswalk {w} -> {vintage} stored)"
                )
            return f"code not in {system} {vintage}; " + "; ".join(parts)
        if not known:
            known.extend(store.codes(system, vintage))
        close = difflib.get_close_matches(code, known, n=3, cutoff=0.6)
        hint = f"close codes: {', '.join(close)}" if close else "no close code"
        return f"unknown {system} {vintage} code; {hint}"

    issues.sql(
        con,
        f"{r} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM classifications c "  # noqa: S608
        f"WHERE c.system = ? AND c.vintage = ? AND c.code = _in.{r})",
        [system, vintage],
        field,
        message,
        value=r,
    )
    con.execute("DROP TABLE _codes")
    return vintage


def _stage(
    store: Store,
    path: Path,
    *,
    columns: Mapping[str, str],
    region_system: str | None,
    region_vintage: str | None,
    activity_system: str | None,
    activity_vintage: str | None,
    suppressed: str,
    sheet: str | None,
    dataset: str,
) -> ImportSummary:
    """Validate ``path`` into TEMP TABLE _facts of the store's connection; raise InvalidInput on
    any problem."""
    cols = _check_columns(columns)
    if suppressed not in ("missing", "midpoint"):
        raise ValueError(f"suppressed must be 'missing' or 'midpoint'; got {suppressed!r}")
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"file {path.name!r}: format not recognised; use {', '.join(sorted(FORMATS))}")
    if not path.is_file():
        raise FileNotFoundError(f"no file {str(path)!r}")
    con = store.con
    issues = SqlIssues(path.name)
    try:
        header = load_table(con, path, FORMATS[suffix], cols, sheet)
    except Exception as e:  # a file DuckDB cannot parse (ragged rows, bad encoding, not Parquet ...)
        if isinstance(e, duckdb_error()):
            raise InvalidInput([FileIssue(path.name, None, "", "", str(e).splitlines()[0])]) from e
        raise
    if header:
        raise InvalidInput(header)
    rows = con.execute("SELECT count(*) FROM _in").fetchall()[0][0]
    if rows == 0:
        raise InvalidInput([FileIssue(path.name, None, "", "", "the file has no data rows")])
    for role in KEYS:
        issues.sql(
            con, f"{quote_name(role)} IS NULL", [], cols[role], f"the {role} is empty; every row needs one"
        )
    issues.sql(
        con,
        "year IS NOT NULL AND TRY_CAST(year AS INTEGER) IS NULL",
        [],
        cols["year"],
        "the year must be a whole number such as 2016",
        value="year",
    )
    long = "measure" in cols
    key = "region, activity, year" + (", measure" if long else "")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _dup AS WITH d AS (SELECT {key} FROM _in "  # noqa: S608
        f"WHERE region IS NOT NULL AND activity IS NOT NULL AND year IS NOT NULL "
        f"GROUP BY {key} HAVING count(*) > 1) "
        f"SELECT _line, concat_ws(' / ', {key}) AS k, first FROM "
        f"(SELECT _line, {key}, min(_line) OVER (PARTITION BY {key}) AS first FROM _in JOIN d USING ({key})) "
        f"WHERE _line > first"
    )
    firsts = dict(con.execute(f"SELECT _line, first FROM _dup ORDER BY _line LIMIT {MAX_ISSUES}").fetchall())  # noqa: S608
    issues.sql(
        con,
        "true",
        [],
        cols["region"],
        lambda line, k: (
            f"duplicate key ({key}) = ({k}): also on line {firsts[line]}; each key may appear once"
        ),
        table="_dup",
        value="k",
    )
    con.execute("DROP TABLE _dup")
    vintages = {}
    for role, system, vintage in (
        ("region", region_system, region_vintage),
        ("activity", activity_system, activity_vintage),
    ):
        vintages[role] = (
            check_codes(con, store, issues, role, cols[role], system, vintage) if system else None
        )
    # long form of the values
    flag = "flag" if "flag" in cols else "NULL"
    if long:
        parts = [
            f"SELECT _line, region, activity, year, measure, value AS text, {flag} AS flag, "  # noqa: S608 (checked identifiers)
            f"{quote_text(cols['value'])} AS field FROM _in"
        ]
        issues.sql(
            con, "measure IS NULL", [], cols["measure"], f"the measure is empty; e.g. {', '.join(MEASURES)}"
        )
    else:
        parts = [
            f"SELECT _line, region, activity, year, {quote_text(m)} AS measure, {quote_name(m)} AS text, "  # noqa: S608
            f"{flag if m == 'employment' else 'NULL'} AS flag, {quote_text(cols[m])} AS field FROM _in"
            for m in MEASURES
            if m in cols
        ]
    classes = ", ".join(quote_text(c) for c in SIZE_CLASSES)
    flags = ", ".join(quote_text(f) for f in FLAGS)
    mid = " ".join(
        f"WHEN {quote_text(c)} THEN {(lo + hi) / 2}" for c, (lo, hi) in SIZE_CLASSES.items() if hi is not None
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _long AS SELECT *, "  # noqa: S608
        f"(coalesce(upper(text) IN ({flags}), false) "
        f" OR (measure = 'employment' AND flag_ok)) AS sup FROM ("
        f"SELECT _line, region, activity, TRY_CAST(year AS INTEGER) AS year, measure, text, field, "
        f"upper(flag) AS flag, "
        f"TRY_CAST(text AS DOUBLE) AS num, coalesce(upper(flag) IN ({classes}, {flags}), false) AS flag_ok "
        f"FROM ({' UNION ALL '.join(parts)}))"
    )
    if "flag" in cols:
        issues.sql(
            con,
            "measure = 'employment' AND flag IS NOT NULL AND NOT flag_ok",
            [],
            cols["flag"],
            "unknown flag; allowed: an employment-size class A, B, C, E-M or D, S, N, X "
            "(optionally in parentheses)",
            table="_long",
            value="flag",
        )
    for field in sorted({r[0] for r in con.execute("SELECT DISTINCT field FROM _long").fetchall()}):
        p = [field]
        issues.sql(
            con,
            "field = ? AND NOT sup AND text IS NULL",
            p,
            field,
            "the value is missing; give a number, a suppression flag (D, S, N, X, (D) ...) or, "
            "for employment, "
            "a size class in the flag column",
            table="_long",
            value="text",
        )
        issues.sql(
            con,
            "field = ? AND NOT sup AND text IS NOT NULL AND (num IS NULL OR NOT isfinite(num))",
            p,
            field,
            "not a number; give a number >= 0 or a suppression flag (D, S, N, X)",
            table="_long",
            value="text",
        )
        issues.sql(
            con,
            "field = ? AND NOT sup AND num < 0",
            p,
            field,
            "negative; counts and amounts must be >= 0",
            table="_long",
            value="text",
        )
    issues.raise_if_any()
    impute = "true" if suppressed == "midpoint" else "false"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _facts AS SELECT region, activity, year, measure, "  # noqa: S608
        f"CASE WHEN NOT sup THEN num "
        f"WHEN {impute} AND measure = 'employment' THEN CASE flag {mid} END END AS value, "
        f"sup AS suppressed, (sup AND {impute} AND measure = 'employment' "
        f"AND flag IN ({classes}) AND flag <> 'M') AS imputed, "
        "CASE WHEN sup THEN coalesce(flag, upper(text)) END AS flag FROM _long"
    )
    con.execute("DROP TABLE _long")
    facts, sup, imp = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE suppressed), count(*) FILTER (WHERE imputed) FROM _facts"
    ).fetchall()[0]
    measures = tuple(r[0] for r in con.execute("SELECT DISTINCT measure FROM _facts ORDER BY 1").fetchall())
    years = tuple(r[0] for r in con.execute("SELECT DISTINCT year FROM _facts ORDER BY 1").fetchall())
    return ImportSummary(
        dataset,
        path.name,
        rows,
        facts,
        sup,
        imp,
        measures,
        years,
        region_system,
        vintages["region"],
        activity_system,
        vintages["activity"],
    )


def duckdb_error() -> type[Exception]:
    import duckdb

    return duckdb.Error


def _cleanup(con) -> None:
    for t in ("_in", "_facts", "_long", "_dup", "_codes", "_in0"):
        con.execute(f"DROP TABLE IF EXISTS {t}")


def read_statistics(
    path: str | Path,
    *,
    columns: Mapping[str, str],
    region_system: str | None = None,
    region_vintage: str | None = None,
    activity_system: str | None = None,
    activity_vintage: str | None = None,
    suppressed: str = "missing",
    sheet: str | None = None,
    store: Store | None = None,
) -> Statistics:
    """Read and validate a long-form statistics file without storing it.

    Codes are checked against ``store``'s classifications (default: a new in-memory store with the
    bundled ones). Parameters are those of :func:`import_statistics`.

    Raises
    ------
    InvalidInput
        Every problem in the file (the first :data:`MAX_ISSUES` by line, and the total).
    """
    own = store is None
    store = Store.open() if own else store
    try:
        summary = _stage(
            store,
            Path(path),
            columns=columns,
            region_system=region_system,
            region_vintage=region_vintage,
            activity_system=activity_system,
            activity_vintage=activity_vintage,
            suppressed=suppressed,
            sheet=sheet,
            dataset="",
        )
        return Statistics(summary, store.con.sql("SELECT * FROM _facts").to_arrow_table())
    finally:
        _cleanup(store.con)
        if own:
            store.close()


def import_statistics(
    store: Store,
    path: str | Path,
    *,
    dataset: str,
    columns: Mapping[str, str],
    source: str = "",
    region_system: str | None = None,
    region_vintage: str | None = None,
    activity_system: str | None = None,
    activity_vintage: str | None = None,
    suppressed: str = "missing",
    sheet: str | None = None,
    replace: bool = False,
) -> ImportSummary:
    """Validate a long-form statistics file and store it as ``dataset``, in one transaction.

    Parameters
    ----------
    store : Store
    path : path
        ``.csv`` (also ``.txt``, ``.csv.gz``), ``.parquet``/``.pq`` or ``.xlsx`` (first sheet, or ``sheet``).
    dataset : str
        The dataset's name in the store; an existing one is an error unless ``replace``.
    columns : mapping
        Role -> the file's column: ``region``, ``activity``, ``year`` (required), measure columns
        (``employment``, ``establishments``, ``payroll``, ``wages``, ``exports``) or ``measure`` +
        ``value``; optional ``flag`` (CBP suppression / employment-size-class flag of employment).
    region_system, activity_system : str, optional
        Check codes against these stored classifications (e.g. ``"us-state"``, ``"naics"``).
    region_vintage, activity_vintage : str, optional
        The vintage; by default the stored vintage that covers most of the file's codes.
    suppressed : {"missing", "midpoint"}
        Keep suppressed values missing (default) or impute employment from the size-class midpoint.

    Returns
    -------
    ImportSummary

    Raises
    ------
    InvalidInput
        Every problem in the file (nothing is written).
    """
    if not isinstance(dataset, str) or not dataset.strip():
        raise ValueError(f"dataset must be a non-empty name; got {dataset!r}")
    con = store.con
    exists = con.execute("SELECT count(*) FROM datasets WHERE name = ?", [dataset]).fetchall()[0][0]
    if exists and not replace:
        raise ValueError(f"dataset {dataset!r} is already stored; pass replace=True to replace it")
    try:
        s = _stage(
            store,
            Path(path),
            columns=columns,
            region_system=region_system,
            region_vintage=region_vintage,
            activity_system=activity_system,
            activity_vintage=activity_vintage,
            suppressed=suppressed,
            sheet=sheet,
            dataset=dataset,
        )
        con.execute("BEGIN")
        try:
            con.execute("DELETE FROM facts WHERE dataset = ?", [dataset])
            con.execute("DELETE FROM datasets WHERE name = ?", [dataset])
            con.execute(
                "INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP, ?, ?, ?, ?)",
                [
                    dataset,
                    source,
                    s.file,
                    s.region_system,
                    s.region_vintage,
                    s.activity_system,
                    s.activity_vintage,
                    s.rows,
                    s.facts,
                    s.suppressed,
                    s.imputed,
                ],
            )
            con.execute("INSERT INTO facts SELECT ?, * FROM _facts", [dataset])
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
        return s
    finally:
        _cleanup(con)
