"""Reading a table of typed columns (CSV, Parquet or XLSX) for the analysts' file-in, file-out commands,
all or nothing.

The statistics store keeps regional statistics in its own long form (:mod:`.reading`); the analysis
commands read other tables too: cluster-strength rows with a given location quotient, a traded flag and
a region type, or a location x activity matrix of exports. :func:`read_table` reads such a table with
the same machinery -- DuckDB for CSV and Parquet, openpyxl for XLSX, the file's own line numbers -- and
the same rules for bad input: every problem is a :class:`~clusterworks.analytics.issues.FileIssue`
naming the file, line, column, value and what is allowed, and nothing is returned half-read.

Kinds of field:

* ``text`` -- any non-empty text;
* ``year`` -- a whole number between 1800 and 2200;
* ``number`` -- a finite number >= 0;
* ``flag`` -- a boolean written ``true``/``false``, ``t``/``f``, ``yes``/``no``, ``1``/``0`` (any case).

Suppressed cells: in a ``number`` field, a value ``D``, ``S``, ``N`` or ``X`` (any case, optionally in
parentheses, the County Business Patterns flags) is read as missing (NaN) and counted in
:attr:`Table.suppressed`, never as zero -- the rule of :mod:`.reading`. An empty cell is an error unless
the field is declared ``optional_values``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from clusterworks.analytics.issues import InvalidInput

from .staging import FLAG_PATTERN, FORMATS, SqlIssues, load_table, quote_name

__all__ = ["KINDS", "Table", "read_table"]

KINDS = ("text", "year", "number", "flag")
TRUE = ("true", "t", "yes", "y", "1")
FALSE = ("false", "f", "no", "n", "0")
NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


@dataclass(frozen=True)
class Table:
    """The columns read, as NumPy arrays (text as object arrays of ``str``, years as int64, numbers as
    float64 with NaN for suppressed or allowed-empty cells, flags as bool), with each row's ``lines``
    in the file, and per field the number of ``suppressed`` cells."""

    file: str
    columns: dict[str, np.ndarray]
    lines: np.ndarray
    suppressed: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.lines.size)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]


def _format(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    for suffix in reversed(suffixes):
        if suffix in FORMATS:
            return FORMATS[suffix]
    raise ValueError(
        f"{path.name}: cannot tell the format from the name; use .csv, .csv.gz, .parquet or .xlsx"
    )


def read_table(
    path: str | Path,
    *,
    columns: Mapping[str, str],
    kinds: Mapping[str, str],
    key: Sequence[str] = (),
    optional_values: Sequence[str] = (),
    codes: Mapping[str, str] | None = None,
    sheet: str | None = None,
) -> Table:
    """Read the fields ``columns`` (field -> the file's column) of ``path``, typed by ``kinds`` (field
    -> one of :data:`KINDS`), checking that no two rows share the ``key`` fields and, for the fields
    of ``codes`` (field -> a classification of the store, e.g. ``{"region": "us-state"}``), that every
    code is in the classification (close codes and crosswalk targets suggested, mixed vintages named,
    as :func:`~clusterworks.statistics.import_statistics` does).

    Raises
    ------
    ValueError
        A field without a kind, an unknown kind, a key field that is not read, or an unknown
        classification.
    InvalidInput
        Every problem in the file: missing columns, empty, malformed or negative values, duplicate keys
        (both lines named).
    """
    import duckdb

    from .reading import check_codes
    from .store import Store

    path = Path(path)
    for name in columns:
        kind = kinds.get(name)
        if kind not in KINDS:
            raise ValueError(f"field {name!r} has kind {kind!r}; kinds are {', '.join(KINDS)}")
    missing_key = [k for k in key if k not in columns]
    if missing_key:
        raise ValueError(f"the key field {missing_key[0]!r} is not among the columns read")
    codes = dict(codes or {})
    for name in codes:
        if name not in columns:
            raise ValueError(f"the coded field {name!r} is not among the columns read")
    fmt = _format(path)
    # checking codes needs the bundled classifications: an in-memory store; else a bare connection
    store = Store.open() if codes else None
    con = store.con if store is not None else duckdb.connect()
    if store is not None:
        known = {system for system, _, _ in store.classifications()}
        for system in codes.values():
            if system not in known:
                store.close()
                raise ValueError(f"no classification {system!r}; bundled: {', '.join(sorted(known))}")
    try:
        header = load_table(con, path, fmt, dict(columns), sheet)
        if header:
            raise InvalidInput(header)
        issues = SqlIssues(path.name)
        suppressed: dict[str, int] = {}
        for name in columns:
            _check(con, issues, name, kinds[name], columns[name], optional=name in optional_values)
            if kinds[name] == "number":
                suppressed[name] = con.execute(
                    f"SELECT count(*) FROM _in WHERE regexp_full_match(upper({quote_name(name)}), ?)",  # noqa: S608
                    [FLAG_PATTERN],
                ).fetchall()[0][0]
        if key:
            _duplicates(con, issues, list(key), columns)
        for name, system in codes.items():
            check_codes(con, store, issues, name, columns[name], system, None)
        issues.raise_if_any()
        return Table(path.name, _arrays(con, columns, kinds), _lines(con), suppressed)
    finally:
        (store or con).close()


def _check(con, issues: SqlIssues, name: str, kind: str, column: str, *, optional: bool) -> None:
    c = quote_name(name)
    if not optional:
        issues.sql(con, f"{c} IS NULL", [], column, "the value is missing")
    if kind == "year":
        issues.sql(
            con,
            f"{c} IS NOT NULL AND coalesce(TRY_CAST({c} AS BIGINT) NOT BETWEEN 1800 AND 2200, true)",
            [],
            column,
            "not a year; write a whole number such as 2016",
            value=c,
        )
    elif kind == "number":
        issues.sql(
            con,
            f"{c} IS NOT NULL AND NOT regexp_full_match(upper({c}), ?) AND "
            f"(NOT regexp_full_match({c}, ?) OR NOT isfinite(CAST({c} AS DOUBLE)))",
            [FLAG_PATTERN, NUMBER],
            column,
            "not a number; write digits with a point for decimals (e.g. 1234.5), or D/S/N/X for a "
            "suppressed cell",
            value=c,
        )
        issues.sql(
            con,
            f"{c} IS NOT NULL AND regexp_full_match({c}, ?) AND CAST({c} AS DOUBLE) < 0",
            [NUMBER],
            column,
            "negative; the value must be 0 or more",
            value=c,
        )
    elif kind == "flag":
        allowed = [*TRUE, *FALSE]
        issues.sql(
            con,
            f"{c} IS NOT NULL AND lower({c}) NOT IN ({', '.join('?' * len(allowed))})",
            allowed,
            column,
            "not a yes/no value; write true or false (also t/f, yes/no, 1/0)",
            value=c,
        )


def _duplicates(con, issues: SqlIssues, key: list[str], columns: Mapping[str, str]) -> None:
    names = ", ".join(quote_name(k) for k in key)
    rows = con.execute(
        f"SELECT first, line FROM (SELECT _line AS line, min(_line) OVER (PARTITION BY {names}) AS first "  # noqa: S608
        f"FROM _in) WHERE line > first ORDER BY line"
    ).fetchall()
    where = "+".join(columns[k] for k in key)
    for first, line in rows:
        issues.add(
            line,
            where,
            "",
            f"the same {', '.join(columns[k] for k in key)} as line {first}; each must appear once",
        )


def _arrays(con, columns: Mapping[str, str], kinds: Mapping[str, str]) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for name in columns:
        c, kind = quote_name(name), kinds[name]
        if kind == "text":
            expr = c
        elif kind == "year":
            expr = f"CAST({c} AS BIGINT)"
        elif kind == "number":
            expr = f"CASE WHEN regexp_full_match({c}, '{NUMBER}') THEN CAST({c} AS DOUBLE) END"
        else:
            expr = f"lower({c}) IN ({', '.join(repr(t) for t in TRUE)})"
        values = con.execute(f"SELECT {expr} FROM _in ORDER BY _line").fetchnumpy()  # noqa: S608
        column = next(iter(values.values()))
        if kind == "number":
            out[name] = np.asarray(column.filled(np.nan) if np.ma.isMaskedArray(column) else column, float)
        elif kind == "text":
            out[name] = np.asarray(column, dtype=object)
        elif kind == "year":
            out[name] = np.asarray(column, dtype=np.int64)
        else:
            out[name] = np.asarray(column, dtype=bool)
    return out


def _lines(con) -> np.ndarray:
    return np.asarray(con.execute("SELECT _line FROM _in ORDER BY _line").fetchnumpy()["_line"], np.int64)
