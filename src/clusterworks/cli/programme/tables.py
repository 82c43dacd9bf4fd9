"""The CSV tables of the programme commands: every problem with file, line, field, value and what is
allowed; nothing is written unless all is well (:func:`write_rows` renames a finished file into place)."""

from __future__ import annotations

import csv
import io
import json
import operator
import os
import secrets
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import click

SHOWN_ERRORS = 100
LISTED = 20


@dataclass(frozen=True)
class InputError:
    file: str
    line: int | None
    field: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" if self.line is not None else self.file
        return f"{where}, field '{self.field}': {self.message}" if self.field else f"{where}: {self.message}"


class Table:
    """Rows of a CSV file as ``(line number, field, field, ...)`` in the order of ``required``, then
    ``optional`` (None for an optional column the file does not have). ``aliases`` maps another
    header name to a column name (``{"id": "application"}``)."""

    def __init__(
        self,
        path: Path,
        required: tuple[str, ...],
        errors: list[InputError],
        optional: tuple[str, ...] = (),
        aliases: dict[str, str] | None = None,
    ):
        self.name = path.name
        self.rows: list[tuple[Any, ...]] = []
        self.ignored_columns: list[str] = []
        self.present: set[str] = set()
        self.ok = self._read(path, required, errors, optional, aliases or {})

    def _read(
        self,
        path: Path,
        required: tuple[str, ...],
        errors: list[InputError],
        optional: tuple[str, ...],
        aliases: dict[str, str],
    ) -> bool:
        def fail(line: int | None, field: str, value: str, message: str) -> bool:
            errors.append(InputError(self.name, line, field, value, message))
            return False

        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return fail(None, "", "", f"is not UTF-8 text (byte {exc.start}); save it as UTF-8 CSV")
        header_line = text.split("\n", 1)[0]
        if not header_line.strip():
            return fail(1, "", "", f"has no header row; expected the columns {', '.join(required)}")
        delimiter = next((d for d in (",", ";", "\t") if d in header_line), ",")
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = [name.strip().lower() for name in next(reader)]
        header = [aliases.get(name, name) if aliases.get(name) not in header else name for name in header]
        known = (*required, *optional)
        for name in required:
            if name not in header:
                fail(1, name, "", f"missing column '{name}'; required: {', '.join(required)}")
        repeated = sorted({name for name in header if header.count(name) > 1 and name in known})
        for name in repeated:
            fail(1, name, name, f"column '{name}' appears more than once; give it once")
        if any(name not in header for name in required) or repeated:
            return False
        self.ignored_columns = [name for name in header if name not in known]
        self.present = {name for name in known if name in header}
        positions = [header.index(name) for name in known if name in header]
        pick = operator.itemgetter(*positions)
        width = max(positions) + 1
        padding = [""] * width
        start = 2
        rows = self.rows
        strip = str.strip
        absent = [i for i, name in enumerate(known) if name not in header]
        for cells in reader:
            line, start = start, reader.line_num + 1
            if len(cells) < width:
                if not any(cell.strip() for cell in cells):
                    continue  # a blank line
                cells = cells + padding
            values = pick(cells)
            values = values if isinstance(values, tuple) else (values,)
            if absent:
                values = list(map(strip, values))
                for i in absent:
                    values.insert(i, None)
                rows.append((line, *values))
            else:
                rows.append((line, *map(strip, values)))
        return True


def empty_value(file: str, line: int, name: str) -> InputError:
    return InputError(file, line, name, "", f"empty; allowed: a non-empty {name} identifier")


def is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def report_errors(errors: list[InputError], as_json: bool) -> None:
    if as_json:
        payload = {"ok": False, "written": False, "errors": [asdict(e) for e in errors]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for error in errors[:SHOWN_ERRORS]:
            click.echo(str(error), err=True)
        if len(errors) > SHOWN_ERRORS:
            click.echo(f"... and {len(errors) - SHOWN_ERRORS:,} more", err=True)
        click.echo(f"{len(errors):,} error(s); nothing was written.", err=True)
    sys.exit(1)


def number_text(x: float) -> str:
    return format(round(x, 6), ",")


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def write_rows(out: Path, header: tuple[str, ...], rows: list[list[Any]]) -> None:
    """Write a CSV to a new temporary file beside ``out``, then rename it into place."""
    temporary = out.with_name(f".{out.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "x", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
        os.replace(temporary, out)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
