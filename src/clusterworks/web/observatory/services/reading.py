"""Reading a statistics file (CSV, gzip CSV, XLSX or Parquet) into the store's long form, all or nothing.

The file has one row per region, activity and (optionally) year, with one column per measure. The
column mapping (:class:`Columns`) names the file's columns: ``region``, ``activity``, ``year`` (or one
year for the whole file), optional ``region_name``, ``activity_name`` and ``group`` (e.g. ``traded`` /
``local``), and the measures (``employment=emp_tl, establishments=est_tl, ...``).

Every problem is collected (:class:`~clusterworks.analytics.issues.IssueCollector`) and raised at once
as :class:`~clusterworks.analytics.issues.InvalidInput`: a missing column, an empty code, a year that is
not a whole number, a value that is not a number or is negative, the same region, activity and year on
two lines, a region that is not on the dataset's map. Empty cells and ``NA`` are missing values (kept
as missing, never zero).
"""

from __future__ import annotations

import csv
import gzip
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from clusterworks.analytics.issues import InvalidInput, IssueCollector

MISSING = {"", "na", "n/a", "nan", "null"}
MEASURE_NAMES = ("employment", "establishments", "payroll", "wage", "lq", "exports", "value")
ROLES = ("region", "activity", "year", "region_name", "activity_name", "group")


class StatisticsFileError(InvalidInput):
    """The statistics file breaks its rules; every problem is in ``issues``."""


@dataclass(frozen=True)
class Columns:
    """Which column of the file holds what. ``measures`` maps a measure (one of :data:`MEASURE_NAMES`)
    to its column; ``year`` may be empty when ``fixed_year`` gives the year of every row."""

    region: str
    activity: str
    measures: dict[str, str]
    year: str = ""
    fixed_year: int | None = None
    region_name: str = ""
    activity_name: str = ""
    group: str = ""

    @classmethod
    def parse(cls, text: str, *, fixed_year: int | None = None) -> Columns:
        """``"region=region_code_t, activity=cluster_code_t, employment=emp_tl, ..."``."""
        roles: dict[str, str] = {}
        measures: dict[str, str] = {}
        for part in (p.strip() for p in text.replace("\n", ",").split(",")):
            if not part:
                continue
            name, sep, column = (s.strip() for s in part.partition("="))
            if not sep or not column:
                raise ValueError(f"column mapping part {part!r} is not name=column")
            if name in ROLES:
                roles[name] = column
            elif name in MEASURE_NAMES:
                measures[name] = column
            else:
                allowed = ", ".join((*ROLES, *MEASURE_NAMES))
                raise ValueError(f"column mapping name {name!r} is unknown; allowed: {allowed}")
        missing = [r for r in ("region", "activity") if r not in roles]
        if missing:
            raise ValueError(f"column mapping lacks {', '.join(missing)}")
        if not measures:
            raise ValueError(f"column mapping names no measure; allowed: {', '.join(MEASURE_NAMES)}")
        if "year" not in roles and fixed_year is None:
            raise ValueError("column mapping names no year column and no year is given for the file")
        return cls(measures=measures, fixed_year=fixed_year, **roles)


@dataclass
class Parsed:
    """A file read into long form: ``facts`` (region, activity, year, measure, value or None) and the
    regions' and activities' names and groups."""

    facts: list[tuple[str, str, int, str, float | None]] = field(default_factory=list)
    regions: dict[str, str] = field(default_factory=dict)
    activities: dict[str, tuple[str, str]] = field(default_factory=dict)
    rows: int = 0
    missing: int = 0

    @property
    def years(self) -> list[int]:
        return sorted({f[2] for f in self.facts})

    @property
    def measures(self) -> list[str]:
        return sorted({f[3] for f in self.facts})


def _rows(path: Path, file_name: str) -> Iterator[list[str]]:
    """The file's rows as text, the header first."""
    name = file_name.lower()
    if name.endswith(".xlsx"):
        import openpyxl

        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield [
                "" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
                for v in row
            ]
        workbook.close()
    elif name.endswith(".parquet"):
        import duckdb

        relation = duckdb.read_parquet(str(path))
        yield list(relation.columns)
        for row in relation.fetchall():
            yield ["" if v is None else str(v) for v in row]
    else:
        raw = path.read_bytes()
        if name.endswith(".gz"):
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8-sig")
        yield from csv.reader(io.StringIO(text))


def _number(text: str) -> float | None:
    value = float(text.replace(" ", ""))
    if math.isnan(value) or math.isinf(value):
        raise ValueError
    return value


def read_statistics(
    path: Path, *, file_name: str, columns: Columns, region_codes: dict[str, str] | None = None
) -> Parsed:
    """Read ``path`` (its name ``file_name`` says the format) by ``columns``.

    ``region_codes`` (code -> name), when given, are the regions of the dataset's map: a row's region
    must be one of the codes or, failing that, its ``region_name`` one of the names (the row then gets
    the map's code). Raises :class:`StatisticsFileError` with every problem.
    """
    issues = IssueCollector(file_name)
    rows = _rows(path, file_name)
    header = [h.strip() for h in next(rows, [])]
    where = {h: i for i, h in enumerate(header)}
    wanted = {role: getattr(columns, role) for role in ROLES if getattr(columns, role)}
    wanted.update({f"measure {m}": c for m, c in columns.measures.items()})
    absent = [(role, c) for role, c in wanted.items() if c not in where]
    for role, column in absent:
        _add(issues, 1, column, "", f"the {role} column is not in the file; its columns: {', '.join(header)}")
    issues.raise_if_any(StatisticsFileError)
    by_name = {name.casefold(): code for code, name in (region_codes or {}).items()}
    parsed = Parsed()
    seen: dict[tuple[str, str, int], int] = {}
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        parsed.rows += 1

        def cell(column: str, row=row) -> str:
            i = where[column]
            return row[i].strip() if i < len(row) else ""

        region, activity = cell(columns.region), cell(columns.activity)
        region_name = cell(columns.region_name) if columns.region_name else ""
        ok = True
        for role, value in (("region", region), ("activity", activity)):
            if not value:
                _add(issues, line, getattr(columns, role), "", f"the {role} code is empty")
                ok = False
        if region and region_codes is not None and region not in region_codes:
            mapped = by_name.get(region_name.casefold()) if region_name else None
            if mapped is None:
                _add(
                    issues,
                    line,
                    columns.region,
                    region,
                    "unknown region: use an ISO 3166-2 code of the map (e.g. "
                    f"{next(iter(region_codes), 'US-MA')}) or give the region's name in a region_name column",
                )
                ok = False
            else:
                region = mapped
        if columns.year:
            text = cell(columns.year)
            try:
                year = int(text)
            except ValueError:
                _add(issues, line, columns.year, text, "the year is not a whole number (e.g. 2016)")
                ok = False
                year = 0
        else:
            year = int(columns.fixed_year or 0)
        values = []
        for measure, column in columns.measures.items():
            text = cell(column)
            if text.casefold() in MISSING:
                values.append((measure, None))
                parsed.missing += 1
                continue
            try:
                value = _number(text)
            except ValueError:
                _add(
                    issues,
                    line,
                    column,
                    text,
                    "not a number; write digits with a dot for decimals, or leave it empty when missing",
                )
                ok = False
                continue
            if value is not None and value < 0:
                _add(
                    issues, line, column, text, "negative; statistics here are counts or amounts of 0 or more"
                )
                ok = False
                continue
            values.append((measure, value))
        if not ok:
            continue
        key = (region, activity, year)
        if key in seen:
            _add(
                issues,
                line,
                columns.activity,
                activity,
                f"region {region}, activity {activity}, year {year} is also on line {seen[key]}; "
                "each may appear once",
            )
            continue
        seen[key] = line
        parsed.regions.setdefault(region, region_name or region)
        if activity not in parsed.activities:
            name = cell(columns.activity_name) if columns.activity_name else ""
            group = cell(columns.group).casefold() if columns.group else ""
            group = {"true": "traded", "false": "local"}.get(group, group)
            parsed.activities[activity] = (name or activity, group)
        parsed.facts.extend((region, activity, year, measure, value) for measure, value in values)
    if not parsed.rows:
        _add(issues, None, "", "", "the file has no data rows")
    issues.raise_if_any(StatisticsFileError)
    return parsed


def _add(issues: IssueCollector, line: int | None, field_: str, value: str, message: str) -> None:
    issues.add(line, field_, value, message)
