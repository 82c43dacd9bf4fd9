"""Delphi responses from a CSV file, and the item and question tables as CSV files.

The only module of :mod:`clusterworks.analytics.delphi` that touches files; the statistics take and
return values. Input: UTF-8 text (a byte-order mark is allowed), comma-separated, a header naming the
columns ``round, expert, question, item, kind, value`` in any order, one answer per row; blank lines
are skipped. Output: UTF-8 without a byte-order mark, comma-separated, ``\\n`` line ends, numbers with
10 significant digits (:func:`format_number`), undefined numbers as empty cells.
"""

from __future__ import annotations

import contextlib
import csv
import io as stdio
import math
import os
import secrets
from collections.abc import Iterable, Iterator, Mapping, Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np

from ._common import _real
from .responses import ItemSummary, QuestionSummary, summarise_columns
from .validation import COLUMNS, MAX_ISSUES, _Issues

__all__ = [
    "ITEM_COLUMNS",
    "QUESTION_COLUMNS",
    "format_number",
    "item_records",
    "item_rows",
    "question_records",
    "question_rows",
    "summarise_responses_csv",
    "write_csv_tables",
]

#: Columns of the item table (ITEMS.csv).
ITEM_COLUMNS = (
    "round",
    "question",
    "item",
    "n",
    "median",
    "q1",
    "q3",
    "iqr",
    "mean",
    "sd",
    "cv",
    "agreement",
)
#: Columns of the question table (QUESTIONS.csv).
QUESTION_COLUMNS = ("round", "question", "experts", "items", "kendall_w", "chi2", "p_value")


def format_number(value: float | int | None) -> str:
    """A number as written to the CSV tables: 10 significant digits, ``""`` for ``None``.

    Ten significant digits keep every statistic to far better than it can be estimated from a panel
    of experts, and print shares such as 2/3 as ``0.6666666667`` rather than 17 digits of binary
    noise; integers are written as integers.

    Examples
    --------
    >>> format_number(2 / 3), format_number(4.0), format_number(None), format_number(1.5e-12)
    ('0.6666666667', '4', '', '1.5e-12')
    """
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value == 0:
        return "0"
    return format(value, ".10g")


def item_rows(items: Iterable[ItemSummary]) -> Iterator[list[str]]:
    """The rows of the item table, in :data:`ITEM_COLUMNS` order."""
    for summary in items:
        s = summary.statistics
        yield [
            str(summary.round),
            summary.question,
            summary.item,
            str(s.n),
            *(format_number(x) for x in (s.median, s.q1, s.q3, s.iqr, s.mean, s.sd, s.cv, s.agreement)),
        ]


def question_rows(questions: Iterable[QuestionSummary]) -> Iterator[list[str]]:
    """The rows of the question table, in :data:`QUESTION_COLUMNS` order."""
    for summary in questions:
        k = summary.kendall
        yield [
            str(summary.round),
            summary.question,
            str(k.experts),
            str(k.items),
            format_number(k.w),
            format_number(k.chi2),
            format_number(k.p_value),
        ]


def item_records(items: Iterable[ItemSummary]) -> list[dict[str, Any]]:
    """The item table as dicts (JSON): :data:`ITEM_COLUMNS` plus ``kind``; ``None`` where undefined."""
    return [
        {
            "round": summary.round,
            "question": summary.question,
            "item": summary.item,
            "kind": summary.kind,
            "n": summary.statistics.n,
            **{
                name: getattr(summary.statistics, name)
                for name in ("median", "q1", "q3", "iqr", "mean", "sd", "cv", "agreement")
            },
        }
        for summary in items
    ]


def question_records(questions: Iterable[QuestionSummary]) -> list[dict[str, Any]]:
    """The question table as dicts (JSON), :data:`QUESTION_COLUMNS`; ``None`` where undefined."""
    return [
        {
            "round": summary.round,
            "question": summary.question,
            "experts": summary.kendall.experts,
            "items": summary.kendall.items,
            "kendall_w": summary.kendall.w,
            "chi2": summary.kendall.chi2,
            "p_value": summary.kendall.p_value,
        }
        for summary in questions
    ]


def _read_csv(handle: Iterable[str], issues: _Issues) -> tuple[list[int], dict[str, Sequence[str]]]:
    """The data rows as columns (:data:`COLUMNS`) with their lines; problems of the file's structure
    (header, number of fields, encoding) go to ``issues``."""
    reader = csv.reader(handle)
    allowed = ", ".join(COLUMNS)
    nothing: tuple[list[int], dict[str, Sequence[str]]] = ([], {column: [] for column in COLUMNS})
    try:
        header = next(reader, None)
    except csv.Error as exc:
        issues.add(1, "", "", f"cannot read the header: {exc}")
        return nothing
    if header is None or not any(cell.strip() for cell in header):
        issues.add(1, "", "", f"the file is empty; allowed: a header {allowed} and one row per answer")
        return nothing
    names = [cell.strip() for cell in header]
    for name in sorted(set(COLUMNS) - set(names), key=COLUMNS.index):
        issues.add(1, name, "", f"missing column '{name}'; required columns: {allowed}")
    seen: set[str] = set()
    for name in names:
        if name in seen and name in COLUMNS:
            issues.add(1, name, name, f"column '{name}' appears twice; allowed: each column once")
        elif name not in COLUMNS:
            what = f"unknown column '{name}'" if name else "a column without a name"
            issues.add(1, name, name, f"{what}; allowed: {allowed}")
        seen.add(name)
    if issues.total:
        return nothing
    width = len(names)
    try:
        rows = list(reader)
    except csv.Error as exc:
        issues.add(reader.line_num, "", "", f"cannot read the file from here on: {exc}")
        return nothing
    # With one line per record (no line breaks inside quoted cells) row k is on line k + 2.
    one_line_each = reader.line_num == len(rows) + 1
    lines = range(2, len(rows) + 2) if one_line_each else _record_lines(handle, len(rows))
    widths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    filled = np.fromiter(map(any, rows), dtype=bool, count=len(rows))
    keep = (widths == width) & filled
    if not keep.all():
        for index in np.flatnonzero(~keep).tolist():
            row = rows[index]
            if any(cell.strip() for cell in row):
                issues.add(
                    lines[index],
                    "",
                    ",".join(row),
                    f"the row {_short(','.join(row))} has {len(row)} field(s) and the header {width}; "
                    "allowed: one value per column",
                )
        # Rows with no content at all (blank lines, or only commas as spreadsheets write) are skipped.
        kept = np.flatnonzero(keep).tolist()
        rows = [rows[index] for index in kept]
        lines = [lines[index] for index in kept]
    if not rows and not issues.total:
        issues.add(1, "", "", "the file has a header but no answers; allowed: one row per answer under it")
    return list(lines), {column: list(map(itemgetter(names.index(column)), rows)) for column in COLUMNS}


def _record_lines(handle: Any, count: int) -> list[int]:
    """The first line of each of the ``count`` records after the header, read again from the start
    (only for files with line breaks inside quoted cells)."""
    handle.seek(0)
    reader = csv.reader(handle)
    next(reader)
    lines, previous = [], reader.line_num
    for _ in reader:
        lines.append(previous + 1)
        previous = reader.line_num
    return lines[:count]


def _short(text: str, limit: int = 60) -> str:
    return "'" + (text if len(text) <= limit else text[: limit - 1] + "…") + "'"


def summarise_responses_csv(
    path: str | os.PathLike[str], *, band: float = 1.0
) -> tuple[tuple[ItemSummary, ...], tuple[QuestionSummary, ...]]:
    """Read a responses CSV file and summarise it like :func:`~.responses.summarise_responses`.

    Raises
    ------
    InvalidResponses
        With every problem of the file (up to 100, all counted), each naming the line (the header
        is line 1), field, value and what is allowed; ``source`` is the file's name.
    DelphiError
        If ``band`` is not allowed.
    OSError
        If the file cannot be opened.
    """
    band = _real("band", band, minimum=0.0)
    source = Path(path).name
    issues = _Issues(MAX_ISSUES)
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        issues.add(
            line,
            "",
            f"0x{data[exc.start]:02x}",
            f"byte 0x{data[exc.start]:02x} is not UTF-8 text; allowed: a UTF-8 file (in a spreadsheet, "
            'save as "CSV UTF-8")',
        )
        issues.raise_if_any(source)
    lines, columns = _read_csv(stdio.StringIO(text, newline=""), issues)
    return summarise_columns(lines, columns, band=band, source=source, issues=issues)


def write_csv_tables(tables: Mapping[Path, tuple[Sequence[str], Iterable[Sequence[str]]]]) -> None:
    """Write each ``path: (header, rows)`` as CSV, all or nothing as far as the file system allows.

    Every table is first written in full to a temporary file in its target directory; only when all
    are written are they renamed into place (an atomic replace on POSIX and Windows). If anything
    fails before that, the temporary files are removed and no target is touched.
    """
    written: list[tuple[Path, Path]] = []
    try:
        for path, (header, rows) in tables.items():
            target = Path(path)
            temporary = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
            # os.open with mode 0o666 lets the umask decide the permissions, as for any new file.
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            written.append((temporary, target))
            with open(descriptor, "w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(header)
                writer.writerows(rows)
        for temporary, target in written:
            os.replace(temporary, target)
    except BaseException:
        for temporary, _ in written:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        raise
