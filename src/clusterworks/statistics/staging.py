"""Staging an input table in DuckDB: the shared first step of :mod:`.reading` (long-form statistics)
and :mod:`.tables` (other analyst tables). :func:`load_table` reads CSV or Parquet with DuckDB and XLSX with
openpyxl into ``TEMP TABLE _in`` (``_line`` = the file's line, header = line 1; then one text column per
role, trimmed, empty as NULL); :class:`SqlIssues` collects the problems that SQL checks find."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from clusterworks.analytics.issues import MAX_ISSUES, FileIssue, InvalidInput, shorten

__all__ = ["FLAGS", "FLAG_PATTERN", "FORMATS"]

FLAG_PATTERN = r"\(?[DSNX]\)?"
#: The suppression flags FLAG_PATTERN matches (upper case), for SQL ``IN`` lists.
FLAGS = ("D", "S", "N", "X", "(D)", "(S)", "(N)", "(X)")
FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".gz": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "xlsx",
}


def quote_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _cell(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, datetime):
        return v.isoformat()
    return str(v)


def load_table(con, path: Path, fmt: str, cols: dict[str, str], sheet: str | None) -> list[FileIssue]:
    """Create TEMP TABLE _in (_line, role columns as trimmed text or NULL); header problems are returned."""
    roles = list(cols)
    if fmt == "xlsx":
        import openpyxl
        import pyarrow as pa

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            if sheet is not None and sheet not in wb.sheetnames:
                return [FileIssue(path.name, None, "", sheet, f"no sheet {sheet!r}; sheets: {wb.sheetnames}")]
            ws = wb[sheet] if sheet is not None else wb.worksheets[0]
            it = ws.iter_rows(values_only=True)
            header = [_cell(h) or "" for h in next(it, ())]
            missing = [c for c in cols.values() if c not in header]
            if missing:
                return [_missing(path, c, header) for c in missing]
            idx = [header.index(cols[r]) for r in roles]
            lines, data = [], [[] for _ in roles]
            for n, row in enumerate(it, start=2):
                if row is None or all(c is None or c == "" for c in row):
                    continue
                lines.append(n)
                for j, i in enumerate(idx):
                    data[j].append(_cell(row[i]) if i < len(row) else None)
        finally:
            wb.close()
        table = pa.table(
            {
                "_line": pa.array(lines, pa.int64()),
                **{r: pa.array(d, pa.string()) for r, d in zip(roles, data, strict=True)},
            }
        )
        con.register("_xlsx", table)
        sel = ", ".join(f"nullif(trim({quote_name(r)}), '') AS {quote_name(r)}" for r in roles)
        con.execute(f"CREATE OR REPLACE TEMP TABLE _in AS SELECT _line, {sel} FROM _xlsx")  # noqa: S608
        con.unregister("_xlsx")
        return []
    reader = (
        f"read_csv({quote_text(str(path))}, all_varchar = true, header = true)"
        if fmt == "csv"
        else f"read_parquet({quote_text(str(path))})"
    )
    header = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()]  # noqa: S608
    missing = [c for c in cols.values() if c not in header]
    if missing:
        return [_missing(path, c, header) for c in missing]
    sel = ", ".join(
        f"nullif(trim(CAST({quote_name(cols[r])} AS VARCHAR)), '') AS {quote_name(r)}" for r in roles
    )
    # insertion order is preserved, so rowid is the record's position in the file
    con.execute(f"CREATE OR REPLACE TEMP TABLE _in0 AS SELECT {sel} FROM {reader}")  # noqa: S608
    names = ", ".join(quote_name(r) for r in roles)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _in AS SELECT rowid + 2 AS _line, {names} FROM _in0")  # noqa: S608
    con.execute("DROP TABLE _in0")
    return []


def _missing(path: Path, column: str, header: list[str]) -> FileIssue:
    return FileIssue(
        path.name, 1, column, "", f"column {column!r} is missing; the header has {shorten(header, 200)}"
    )


class SqlIssues:
    """Issues from SQL checks: a total and the first MAX_ISSUES by line."""

    def __init__(self, file: str):
        self.file, self.total, self.kept = file, 0, []

    def sql(
        self,
        con,
        where_sql: str,
        params: list,
        field: str,
        message,
        *,
        table: str = "_in",
        value: str = "NULL",
    ):
        """Add one issue per row of ``SELECT _line, value FROM table WHERE where_sql``; ``message`` is
        text or a function of (line, value) -> text."""
        n = con.execute(f"SELECT count(*) FROM {table} WHERE {where_sql}", params).fetchall()[0][0]  # noqa: S608
        if not n:
            return
        self.total += n
        rows = con.execute(
            f"SELECT _line, {value} FROM {table} WHERE {where_sql} ORDER BY _line LIMIT {MAX_ISSUES}",  # noqa: S608 (checked identifiers)
            params,
        ).fetchall()
        for line, v in rows:
            text = message(line, v) if callable(message) else message
            self.kept.append(FileIssue(self.file, line, field, shorten(v), text))

    def add(self, line: int | None, field: str, value: Any, message: str) -> None:
        self.total += 1
        self.kept.append(FileIssue(self.file, line, field, shorten(value), message))

    def raise_if_any(self) -> None:
        if self.total:
            kept = sorted(self.kept, key=lambda i: (i.line or 0, i.field))[:MAX_ISSUES]
            raise InvalidInput(kept, total=self.total)
