"""Files in and out for the ``map`` commands: reading a typed table (every problem reported, exit 1),
writing CSV, Parquet or JSON all or nothing, and the summary line or JSON."""

from __future__ import annotations

import csv
import json
import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import click
import numpy as np

from ..errors import report_problems

IN = click.Path(exists=True, dir_okay=False, path_type=Path)
OUT = click.Path(dir_okay=False, path_type=Path)
OUT_FORMATS = (".csv", ".parquet", ".json")


def check_out(out: Path) -> None:
    suffix = out.suffix.lower()
    if suffix not in OUT_FORMATS:
        raise click.BadParameter(
            f"'{out.name}': write .csv, .parquet or .json (the format follows the name)", param_hint="--out"
        )


def read_input(path: Path, *, as_json: bool, what: str, **options: Any):
    """:func:`clusterworks.statistics.tables.read_table`, or exit 1 listing every problem."""
    from clusterworks.analytics.issues import InvalidInput
    from clusterworks.statistics.tables import read_table

    try:
        return read_table(path, **options)
    except InvalidInput as error:
        report_problems(error, as_json, what)
        sys.exit(1)


def _cell(value: Any) -> Any:
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        return "" if math.isnan(value) else repr(float(value))
    if isinstance(value, np.integer):
        return int(value)
    return value


def code_options(*fields: str):
    """``--<field>-codes SYSTEM`` options (e.g. ``--region-codes us-state``): check that field's codes
    against a bundled classification (close codes and crosswalk targets suggested); the command gets
    ``codes`` = {field: system} for :func:`read_input`."""

    def decorate(function):
        for field in reversed(fields):
            function = click.option(
                f"--{field}-codes",
                f"{field}_codes",
                metavar="SYSTEM",
                help=f"Check the {field} codes against this classification (bundled: us-state, "
                "iso3166-2:US, iso3166-2:RU, uscmp-cluster, naics, nace, okved).",
            )(function)
        return function

    return decorate


def codes_of(options: Mapping[str, str | None]) -> dict[str, str]:
    """{field: system} from the ``<field>_codes`` keyword arguments of :func:`code_options`."""
    return {name.removesuffix("_codes"): system for name, system in options.items() if system}


def write_table(out: Path, columns: Mapping[str, np.ndarray | Sequence[Any]]) -> int:
    """Write ``columns`` (name -> values, all of one length) to ``out`` as CSV (booleans ``true`` /
    ``false``, missing numbers empty), Parquet or JSON (a list of records, missing numbers ``null``);
    all or nothing: a temporary file is renamed into place. Returns the number of rows."""
    names = list(columns)
    data = [np.asarray(columns[n]) if not isinstance(columns[n], np.ndarray) else columns[n] for n in names]
    n_rows = len(data[0]) if data else 0
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_name(out.name + ".part")
    suffix = out.suffix.lower()
    try:
        if suffix == ".csv":
            with part.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(names)
                for i in range(n_rows):
                    writer.writerow([_cell(col[i]) for col in data])
        elif suffix == ".json":
            records = []
            for i in range(n_rows):
                record = {}
                for name, col in zip(names, data, strict=True):
                    v = col[i]
                    if isinstance(v, np.bool_ | bool):
                        v = bool(v)
                    elif isinstance(v, np.floating | float):
                        v = None if math.isnan(v) else float(v)
                    elif isinstance(v, np.integer):
                        v = int(v)
                    record[name] = v
                records.append(record)
            part.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        else:
            import duckdb

            frame = {n: (c.astype(str) if c.dtype == object else c) for n, c in zip(names, data, strict=True)}
            con = duckdb.connect()
            try:
                con.register("frame", frame)
                con.execute(f"COPY frame TO '{str(part).replace(chr(39), chr(39) * 2)}' (FORMAT parquet)")
            finally:
                con.close()
        part.replace(out)
    finally:
        part.unlink(missing_ok=True)
    return n_rows


def print_summary(as_json: bool, summary: dict[str, Any], lines: Sequence[str]) -> None:
    if as_json:
        click.echo(json.dumps({"ok": True, **summary}, default=_cell))
    else:
        for line in lines:
            click.echo(line)


def labels_of(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted unique labels, index of each value)."""
    labels, index = np.unique(values.astype(str), return_inverse=True)
    return labels, index.reshape(-1)


def dense(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int, values: np.ndarray) -> np.ndarray:
    """A dense ``n_rows x n_cols`` matrix with ``values`` at (rows, cols); absent cells 0."""
    m = np.zeros((n_rows, n_cols))
    m[rows, cols] = values
    return m


def by_year(years: np.ndarray) -> list[tuple[int, np.ndarray]]:
    return [(int(y), np.flatnonzero(years == y)) for y in np.unique(years)]
