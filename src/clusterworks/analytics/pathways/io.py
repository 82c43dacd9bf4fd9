"""The input files of the pathways commands, and the report as tables.

The only module of :mod:`clusterworks.analytics.pathways` that reads files. Input: UTF-8 text (a
byte-order mark is allowed), comma-separated, a header naming the columns in any order, one record a
row; blank lines are skipped. Every file is read whole and every problem reported at once
(:class:`~.errors.InvalidPathwayInput`: file, line, field, value and what is allowed; the header is
line 1).

* GATES.csv: ``catalogue, gate, position, stage, agency, clock_kind, clock_days[, typical_low,
  typical_high]``, one row per gate of each catalogue;
* PRODUCTS.csv: ``product, type, trl, catalogue[, started_on]``, one row per product;
* EVENTS.csv: ``product, gate, kind, date[, decision]``, one row per event, each gate's events of a
  product in the order of their dates.
"""

from __future__ import annotations

import csv
import io as stdio
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ._gc import paused_gc
from .analysis import PathwayReport, ProductSpec
from .clock import CLOCK_KINDS, STAGES, GateSpec
from .errors import FileIssue, InvalidEvents, InvalidPathwayInput, _Collector, _text
from .events import DECISIONS, EVENT_KINDS, Event, _event, check_events

__all__ = [
    "EVENT_COLUMNS",
    "GATE_COLUMNS",
    "PRODUCT_COLUMNS",
    "PathwayInput",
    "read_events_csv",
    "read_gates_csv",
    "read_pathway_csv",
    "read_products_csv",
    "report_tables",
]

#: Columns of GATES.csv: required, then optional.
GATE_COLUMNS = ("catalogue", "gate", "position", "stage", "agency", "clock_kind", "clock_days")
GATE_OPTIONAL = ("typical_low", "typical_high")
#: Columns of PRODUCTS.csv: required, then optional.
PRODUCT_COLUMNS = ("product", "type", "trl", "catalogue")
PRODUCT_OPTIONAL = ("started_on",)
#: Columns of EVENTS.csv: required, then optional.
EVENT_COLUMNS = ("product", "gate", "kind", "date")
EVENT_OPTIONAL = ("decision",)


@dataclass(frozen=True)
class PathwayInput:
    """The three input files, read and checked: ``gates_by_catalogue`` (catalogue -> gate key ->
    GateSpec), ``products`` and ``events`` (in the order of the file)."""

    gates_by_catalogue: dict[str, dict[str, GateSpec]]
    products: tuple[ProductSpec, ...]
    events: tuple[Event, ...]


# ---------------------------------------------------------------------------------------- reading


def _quote(value: Any) -> str:
    return "'" + _text(value) + "'"


def _read_rows(
    path: str | os.PathLike[str], required: Sequence[str], optional: Sequence[str], issues: _Collector
) -> tuple[str, list[str], list[tuple[int, list[str]]]]:
    """The file's name, its column names and its data rows (line, cells as read); structural problems
    go to ``issues``."""
    source = Path(path).name
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        issues.add(
            FileIssue(
                source,
                line,
                "",
                f"0x{data[exc.start]:02x}",
                f"byte 0x{data[exc.start]:02x} is not UTF-8 text; allowed: a UTF-8 file (in a "
                'spreadsheet, save as "CSV UTF-8")',
            )
        )
        return source, [], []
    reader = csv.reader(stdio.StringIO(text, newline=""))
    allowed = ", ".join(required) + (f"[, {', '.join(optional)}]" if optional else "")
    try:
        header = next(reader, None)
    except csv.Error as exc:
        issues.add(FileIssue(source, 1, "", "", f"cannot read the header: {exc}"))
        return source, [], []
    if header is None or not any(cell.strip() for cell in header):
        issues.add(
            FileIssue(source, 1, "", "", f"the file is empty; allowed: a header {allowed} and rows under it")
        )
        return source, [], []
    names = [cell.strip() for cell in header]
    before = issues.total
    for name in required:
        if name not in names:
            issues.add(
                FileIssue(source, 1, name, "", f"missing column '{name}'; required columns: {allowed}")
            )
    for position, name in enumerate(names):
        if name not in required and name not in optional:
            what = f"unknown column '{name}'" if name else "a column without a name"
            issues.add(FileIssue(source, 1, name, name, f"{what}; allowed: {allowed}"))
        elif name in names[:position]:
            issues.add(
                FileIssue(source, 1, name, name, f"column '{name}' appears twice; allowed: each column once")
            )
    if issues.total > before:
        return source, names, []
    rows = []
    width = len(names)
    try:
        records = list(reader)
    except csv.Error as exc:
        issues.add(FileIssue(source, reader.line_num, "", "", f"cannot read the file from here on: {exc}"))
        records = []
    # With one line per record (no line breaks inside quoted cells) record k is on line k + 2.
    lines: Sequence[int] = (
        range(2, len(records) + 2)
        if reader.line_num == len(records) + 1
        else _record_lines(text, len(records))
    )
    for line, record in zip(lines, records, strict=False):
        if len(record) != width or not any(record):
            if not any(cell.strip() for cell in record):
                continue  # blank lines (or only commas, as spreadsheets write them) are skipped
            if len(record) != width:
                issues.add(
                    FileIssue(
                        source,
                        line,
                        "",
                        ",".join(record),
                        f"the row has {len(record)} field(s) and the header {width}; allowed: one value "
                        "per column",
                    )
                )
                continue
        rows.append((line, record))
    if not rows and issues.total == before:
        issues.add(
            FileIssue(
                source, 1, "", "", "the file has a header but no rows; allowed: one row per record under it"
            )
        )
    return source, names, rows


def _record_lines(text: str, count: int) -> list[int]:
    """The first line of each of the ``count`` records after the header (for files with line breaks
    inside quoted cells)."""
    reader = csv.reader(stdio.StringIO(text, newline=""))
    next(reader)
    lines, previous = [], reader.line_num
    for _ in reader:
        lines.append(previous + 1)
        previous = reader.line_num
    return lines[:count]


def _whole(text: str, minimum: int) -> int | None:
    if text.isascii() and text.isdigit():
        number = int(text)
        return number if number >= minimum else None
    return None


def _date(text: str) -> date | None:
    if len(text) != 10:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


class _Row:
    """Checks the cells of one row, reporting to ``issues``."""

    def __init__(self, source: str, line: int, cells: dict[str, str], issues: _Collector):
        self.source, self.line, self.cells, self.issues, self.ok = source, line, cells, issues, True

    def bad(self, field: str, message: str) -> None:
        self.issues.add(FileIssue(self.source, self.line, field, self.cells.get(field, ""), message))
        self.ok = False

    def text(self, field: str, *, required: bool = True) -> str:
        value = self.cells.get(field, "")
        if required and not value:
            self.bad(field, f"{field} is empty; allowed: any non-empty text")
        return value

    def whole(
        self, field: str, minimum: int, *, required: bool = True, maximum: int | None = None
    ) -> int | None:
        value = self.cells.get(field, "")
        if not value and not required:
            return None
        number = _whole(value, minimum)
        if number is None or (maximum is not None and number > maximum):
            span = f"{minimum}..{maximum}" if maximum is not None else f">= {minimum}"
            self.bad(field, f"{_quote(value)} is not allowed; allowed: a whole number {span}")
            return None
        return number

    def choice(self, field: str, allowed: Sequence[str]) -> str:
        value = self.cells.get(field, "")
        if value not in allowed:
            self.bad(field, f"{_quote(value)} is not allowed; allowed: {', '.join(allowed)}")
        return value

    def day(self, field: str, *, required: bool = True) -> date | None:
        value = self.cells.get(field, "")
        if not value and not required:
            return None
        day = _date(value)
        if day is None:
            self.bad(field, f"{_quote(value)} is not a date; allowed: YYYY-MM-DD, e.g. 2025-03-14")
        return day


def _gates(path: str | os.PathLike[str], issues: _Collector) -> dict[str, dict[str, GateSpec]]:
    source, names, records = _read_rows(path, GATE_COLUMNS, GATE_OPTIONAL, issues)
    rows = _cells(names, records)
    result: dict[str, dict[str, GateSpec]] = {}
    seen: dict[tuple[str, str], int] = {}
    positions: dict[tuple[str, int], int] = {}
    for line, cells in rows:
        row = _Row(source, line, cells, issues)
        catalogue, gate = row.text("catalogue"), row.text("gate")
        position = row.whole("position", 1)
        stage = row.choice("stage", STAGES)
        agency = row.text("agency", required=False) or None
        kind = row.choice("clock_kind", CLOCK_KINDS)
        days = None
        if kind == "none":
            if cells.get("clock_days"):
                row.bad("clock_days", f"{_quote(cells['clock_days'])} with clock_kind 'none'; allowed: empty")
        elif kind in CLOCK_KINDS:
            days = row.whole("clock_days", 1)
        low = row.whole("typical_low", 0, required=False)
        high = row.whole("typical_high", 0, required=False)
        if low is not None and high is not None and high < low:
            row.bad(
                "typical_high",
                f"typical_high {high} is below typical_low {low}; allowed: typical_low <= typical_high",
            )
        if catalogue and gate:
            if (catalogue, gate) in seen:
                row.bad(
                    "gate",
                    f"gate {_quote(gate)} of catalogue {_quote(catalogue)} is already on line "
                    f"{seen[catalogue, gate]}; allowed: each gate once per catalogue",
                )
            else:
                seen[catalogue, gate] = line
        if catalogue and position is not None:
            if (catalogue, position) in positions:
                row.bad(
                    "position",
                    f"position {position} of catalogue {_quote(catalogue)} is already taken on line "
                    f"{positions[catalogue, position]}; allowed: each position once per catalogue",
                )
            else:
                positions[catalogue, position] = line
        if row.ok:
            result.setdefault(catalogue, {})[gate] = GateSpec(
                gate, position, stage, agency, kind, days, low, high
            )
    return result


def _products(path: str | os.PathLike[str], issues: _Collector) -> tuple[str, list[tuple[int, ProductSpec]]]:
    source, names, records = _read_rows(path, PRODUCT_COLUMNS, PRODUCT_OPTIONAL, issues)
    rows = _cells(names, records)
    result = []
    seen: dict[str, int] = {}
    for line, cells in rows:
        row = _Row(source, line, cells, issues)
        key, kind = row.text("product"), row.text("type")
        trl = row.whole("trl", 1, maximum=9)
        catalogue = row.text("catalogue")
        started = row.day("started_on", required=False)
        if key in seen:
            row.bad(
                "product", f"product {_quote(key)} is already on line {seen[key]}; allowed: each product once"
            )
        elif key:
            seen[key] = line
        if row.ok:
            result.append((line, ProductSpec(key, kind, trl, catalogue, None, started)))
    return source, result


def _cells(names: list[str], records: list[tuple[int, list[str]]]) -> list[tuple[int, dict[str, str]]]:
    return [
        (line, {name: cell.strip() for name, cell in zip(names, record, strict=True)})
        for line, record in records
    ]


def _events(path: str | os.PathLike[str], issues: _Collector) -> tuple[str, list[Event]]:
    """The events of EVENTS.csv. A fast path for rows without problems (the file may have a hundred
    thousand of them): each distinct date is parsed once; rows with a problem are worded by
    :class:`_Row`."""
    source, names, records = _read_rows(path, EVENT_COLUMNS, EVENT_OPTIONAL, issues)
    at = {name: names.index(name) for name in names}
    i_product, i_gate, i_kind, i_date = (at[name] for name in EVENT_COLUMNS) if records else (0, 0, 0, 0)
    i_decision = at.get("decision")
    kinds, decisions = set(EVENT_KINDS), set(DECISIONS)
    dates: dict[str, date | None] = {}
    result = []
    for line, record in records:
        product, gate, kind = record[i_product].strip(), record[i_gate].strip(), record[i_kind].strip()
        raw = record[i_date].strip()
        day = dates.get(raw, False)
        if day is False:
            day = dates[raw] = _date(raw)
        decision = (record[i_decision].strip() or None) if i_decision is not None else None
        if (
            product
            and gate
            and kind in kinds
            and day is not None
            and ((decision in decisions) if kind == "decision" else decision is None)
        ):
            result.append(_event(product, gate, kind, day, decision, line))
            continue
        row = _Row(source, line, dict(zip(names, (cell.strip() for cell in record), strict=True)), issues)
        row.text("product"), row.text("gate")
        row.choice("kind", EVENT_KINDS)
        row.day("date")
        if kind == "decision" and decision not in DECISIONS:
            row.bad(
                "decision", f"{_quote(decision or '')} is not a decision; allowed: {', '.join(DECISIONS)}"
            )
        elif kind != "decision" and decision is not None:
            row.bad(
                "decision",
                f"a {_quote(kind)} event carries the decision {_quote(decision)}; allowed: empty "
                "except on 'decision' rows",
            )
    return source, result


def _raise(issues: _Collector) -> None:
    if issues:
        raise InvalidPathwayInput(sorted(issues.kept, key=lambda i: i.line or 0), total=issues.total)


def read_gates_csv(path: str | os.PathLike[str]) -> dict[str, dict[str, GateSpec]]:
    """GATES.csv as catalogue -> gate key -> :class:`~.clock.GateSpec`.

    Raises
    ------
    InvalidPathwayInput
        With every problem of the file. ``OSError`` if it cannot be read.
    """
    issues = _Collector()
    gates = _gates(path, issues)
    _raise(issues)
    return gates


def read_products_csv(path: str | os.PathLike[str]) -> tuple[ProductSpec, ...]:
    """PRODUCTS.csv as :class:`~.analysis.ProductSpec` (catalogues not checked: see
    :func:`read_pathway_csv`)."""
    issues = _Collector()
    _, products = _products(path, issues)
    _raise(issues)
    return tuple(product for _, product in products)


def read_events_csv(path: str | os.PathLike[str]) -> tuple[Event, ...]:
    """EVENTS.csv as :class:`~.events.Event` (``line`` = the file's line; order rules not checked:
    see :func:`read_pathway_csv`)."""
    issues = _Collector()
    _, events = _events(path, issues)
    _raise(issues)
    return tuple(events)


@paused_gc
def read_pathway_csv(
    gates: str | os.PathLike[str],
    products: str | os.PathLike[str],
    events: str | os.PathLike[str],
    *,
    today: date | None = None,
) -> PathwayInput:
    """Read GATES.csv, PRODUCTS.csv and EVENTS.csv and check them together.

    Beyond each file's own rules: every product's catalogue is in GATES.csv; every event's product is
    in PRODUCTS.csv and its gate in that product's catalogue; the events of each gate follow the rules
    of :func:`~.events.check_events` in the order of the file (and are not after ``today``, if given).

    Raises
    ------
    InvalidPathwayInput
        With every problem of the three files (the first 100 kept, all counted), each naming its
        file, line, field and value.
    OSError
        If a file cannot be read.
    """
    issues = _Collector()
    specs = _gates(gates, issues)
    products_file, product_rows = _products(products, issues)
    events_file, event_rows = _events(events, issues)
    catalogue_names = ", ".join(sorted(specs)) or "(none: GATES.csv has no valid rows)"
    known: dict[str, set[str]] = {}
    for line, product in product_rows:
        if product.catalogue not in specs:
            if specs:
                issues.add(
                    FileIssue(
                        products_file,
                        line,
                        "catalogue",
                        product.catalogue,
                        f"catalogue {_quote(product.catalogue)} is not in the gates file; allowed: "
                        f"{catalogue_names}",
                    )
                )
            continue
        known[product.key] = set(specs[product.catalogue])
    product_keys = {product.key for _, product in product_rows}
    checkable = [event for event in event_rows if event.product in known]
    reported: set[str] = set()
    for event in event_rows:
        if event.product not in product_keys and event.product not in reported:
            reported.add(event.product)
            issues.add(
                FileIssue(
                    events_file,
                    event.line,
                    "product",
                    event.product,
                    f"product {_quote(event.product)} is not in the products file; allowed: a product "
                    "listed there",
                )
            )
    try:
        check_events(checkable, gates=known, by_product=True, today=today)
    except InvalidEvents as exc:
        for issue in exc.issues:
            issues.add(
                FileIssue(
                    events_file,
                    issue.line,
                    issue.field,
                    issue.value,
                    f"product {_quote(issue.product)}, gate {_quote(issue.gate)}: {issue.message}",
                )
            )
        issues.total += exc.total - len(exc.issues)
    if issues:
        order = {Path(gates).name: 0, products_file: 1, events_file: 2}
        kept = sorted(issues.kept, key=lambda i: (order.get(i.file, 3), i.line or 0))
        raise InvalidPathwayInput(kept, total=issues.total)
    return PathwayInput(
        gates_by_catalogue=specs,
        products=tuple(product for _, product in product_rows),
        events=tuple(event_rows),
    )


# ----------------------------------------------------------------------------------------- tables

Table = tuple[tuple[str, ...], list[list[Any]]]


def _columns(
    items: Sequence[Any], names: Sequence[str], convert: Callable[[str, Any], Any] | None = None
) -> Table:
    rows = []
    for item in items:
        row = []
        for name in names:
            value = getattr(item, name)
            if isinstance(value, tuple) and name in ("gates", "approved", "open"):
                value = " ".join(value)
            row.append(convert(name, value) if convert else value)
        rows.append(row)
    return tuple(names), rows


def report_tables(report: PathwayReport) -> dict[str, Table]:
    """The report as named tables (header, rows of Python values: ``None`` where undefined, dates as
    dates): ``gates``, ``agencies``, ``stuck``, ``bottleneck_gates``, ``bottleneck_unclocked_gates``,
    ``bottleneck_agencies``, ``trl_funnel``, ``positions`` and ``clocks``."""
    gate_names = (
        "catalogue",
        "gate",
        "position",
        "stage",
        "agency",
        "clock_kind",
        "statutory",
        "attempts",
        "decided",
        "approved",
        "refused",
        "withdrawn",
        "refusal_rate",
        "open_now",
        "overdue_now",
        "elapsed_median",
        "elapsed_p75",
        "elapsed_p90",
        "clock_used_median",
        "clock_used_p75",
        "clock_used_p90",
        "clock_share_median",
        "clock_share_p75",
        "clock_share_p90",
        "share_overdue",
    )
    agency_names = (
        "agency",
        "gates",
        "attempts",
        "decided",
        "approved",
        "refused",
        "withdrawn",
        "refusal_rate",
        "open_now",
        "overdue_now",
        "elapsed_median",
        "elapsed_p75",
        "elapsed_p90",
        "clock_share_median",
        "clock_share_p75",
        "clock_share_p90",
        "share_overdue",
    )
    stuck_names = (
        "product",
        "catalogue",
        "gate",
        "agency",
        "status",
        "since",
        "days",
        "attempt",
        "clock_kind",
        "clock_used",
        "statutory",
        "days_left",
        "overdue",
        "due",
    )
    bottleneck_names = (
        "rank",
        "catalogue",
        "gate",
        "agency",
        "clock_kind",
        "statutory",
        "attempts",
        "over_clock",
        "days_lost",
        "elapsed_median",
        "open_now",
        "score",
    )
    agency_bottleneck_names = (
        "rank",
        "agency",
        "gates",
        "attempts",
        "over_clock",
        "days_lost_working",
        "days_lost_calendar",
        "days_lost",
        "waiting_score",
        "open_now",
    )
    clock_names = (
        "product",
        "catalogue",
        "gate",
        "attempt",
        "submitted",
        "decided",
        "decision",
        "elapsed_days",
        "stopped_days",
        "clock_kind",
        "clock_used",
        "statutory",
        "days_left",
        "overdue",
        "open",
        "queries",
        "due",
    )
    position_names = ("product", "catalogue", "stage", "gate", "approved", "open", "last_ended")
    funnel = report.funnel
    funnel_rows = [[trl, funnel.by_trl[trl - 1], *funnel.matrix[trl - 1]] for trl in range(1, 10)]
    funnel_rows.append(["all", funnel.total, *funnel.by_stage])
    return {
        "gates": _columns(report.gates, gate_names),
        "agencies": _columns(report.agencies, agency_names),
        "stuck": _columns(report.stuck, stuck_names),
        "bottleneck_gates": _columns(report.bottlenecks.gates, bottleneck_names),
        "bottleneck_unclocked_gates": _columns(report.bottlenecks.unclocked_gates, bottleneck_names),
        "bottleneck_agencies": _columns(report.bottlenecks.agencies, agency_bottleneck_names),
        "trl_funnel": (("trl", "products", *funnel.stages), funnel_rows),
        "positions": _columns(list(report.positions.values()), position_names),
        "clocks": _columns(report.clocks, clock_names),
    }
