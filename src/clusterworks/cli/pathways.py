"""``clusterworks pathways``: products' way through the regulatory gates, file in, tables out.

* ``report``: the clock of every submission, time per gate and per agency against the statutory
  clock, the products stuck now, the bottlenecks and the TRL funnel
  (:func:`clusterworks.analytics.pathways.pathway_report`);
* ``forecast``: a Monte Carlo forecast of one product's time to market
  (:func:`clusterworks.analytics.pathways.forecast_time_to_market`).

Thin: reads the three CSV files (every problem of all three reported with file, line, field and
value, and then nothing is written; exit status 1), calls the library, prints tables (or one JSON
document with ``--json``) and, with ``--out``, writes the tables to an XLSX workbook or to CSV files
in a directory through temporary files renamed into place, all or none.
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import secrets
import sys
import textwrap
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from clusterworks.analytics.pathways import Forecast, InvalidPathwayInput, PathwayInput, WorkingCalendar

_FILES = """\
\b
GATES.csv     catalogue, gate, position, stage, agency, clock_kind, clock_days[, typical_low, typical_high]
              one row per gate of each catalogue; stage research|trials|registration|production|market;
              clock_kind working|calendar|none, clock_days empty exactly for none; typical_* in
              calendar days (optional)
PRODUCTS.csv  product, type, trl, catalogue[, started_on]
              one row per product; trl 1..9; catalogue a catalogue of GATES.csv
EVENTS.csv    product, gate, kind, date[, decision]
              one row per event; kind submitted|query|answered|decision|withdrawn; decision
              approved|refused on decision rows only; dates YYYY-MM-DD; each product's events at a
              gate in the order of their dates (events of one day in the order they happened)
"""


def _help(*parts: str) -> str:
    return "\n\n".join(textwrap.dedent(part).strip("\n") for part in parts)


_REPORT_HELP = _help(
    """\
    Time per gate and agency against the statutory clock, stuck products, bottlenecks, TRL funnel.

    Reads three CSV files (UTF-8, comma-separated, a header row, columns in any order):
    """,
    _FILES,
    """
    \b
    Printed: per gate and per agency the decided submissions, refusals, percentiles (linear
    interpolation) of the calendar days from submission to decision and of the clock used, the share
    overdue and the submissions open now; the products stuck now, overdue first; the bottlenecks (gates
    ranked by the days lost beyond the statutory clock, sum over decided and open submissions of
    max(0, clock used - statutory); gates without a clock by median days x open now; agencies by the
    days lost at their gates); products by TRL and stage.

    \b
    Clock rules: the day of submission does not count, the day of the decision does (Russian
    administrative practice); a query stops the clock from the day after it to the day of the answer
    (inclusive); working days follow the Russian production calendar (holidays and the Government's
    transfers of days off 2020-2027; 2027 provisional), extended by --calendar.

    Every problem of the three files is reported, one per line (file, line, field, value, what is
    allowed; the header is line 1), and then nothing is written; the exit status is 1.

    \b
    Example:
      clusterworks pathways report --gates gates.csv --products products.csv --events events.csv
      clusterworks pathways report --gates g.csv --products p.csv --events e.csv --today 2025-06-30 \\
        --out report.xlsx --json
    """,
)

_FORECAST_HELP = _help(
    """\
    Forecast one product's time to market by Monte Carlo from the recorded gate durations.

    Reads the same three CSV files as `pathways report`:
    """,
    _FILES,
    """
    \b
    The model: the gates not yet approved are passed one after another in catalogue order from
    --today. For each gate a wait (recorded gaps from the previous gate's approval to its submission),
    a duration (recorded days from submission to decision at that gate in all products, bootstrap;
    with fewer than --min-history records uniform on the gate's typical range, else its statutory
    clock in calendar days, else nothing) and refusals (the gate's recorded refusal rate; a refusal
    repeats the gate after a recorded resubmission gap) are drawn. An open submission is drawn among
    the records longer than the days it has already taken. Printed: the 10th, 50th and 90th
    percentiles of the days to market with their dates, the part of each gate, and every assumption
    made (which source each draw came from, and each fallback).

    \b
    Example:
      clusterworks pathways forecast --gates g.csv --products p.csv --events e.csv --product m2
      clusterworks pathways forecast --gates g.csv --products p.csv --events e.csv --product m2 \\
        --draws 20000 --seed 7 --target 2027-01-01 --json
    """,
)


@click.group()
def pathways() -> None:
    """Product pathways: time at the regulatory gates against the statutory clock, bottlenecks,
    and forecasts of time to market.

    The clock rules, statistics and the Monte Carlo model are described in docs/methods/pathways.md.
    """


def _today(ctx: click.Context, param: click.Parameter, value: datetime | None) -> date:
    return date.today() if value is None else value.date()


def _inputs(function: Callable[..., Any]) -> Callable[..., Any]:
    """The options both commands share."""
    existing = click.Path(exists=True, dir_okay=False, path_type=Path)
    options = [
        click.option(
            "--gates", "gates_path", required=True, type=existing, help="GATES.csv: the gate catalogues."
        ),
        click.option("--products", "products_path", required=True, type=existing, help="PRODUCTS.csv."),
        click.option("--events", "events_path", required=True, type=existing, help="EVENTS.csv."),
        click.option(
            "--today",
            type=click.DateTime(formats=["%Y-%m-%d"]),
            metavar="YYYY-MM-DD",
            callback=_today,
            help="The day to measure to (open submissions run to it; later events are errors). "
            "[default: the current date]",
        ),
        click.option(
            "--calendar",
            "calendar_path",
            type=existing,
            help="CSV file (date, kind[, source]; kind holiday|working_weekend|working) of days added to, "
            "or overriding, the bundled Russian working-day calendar 2020-2027.",
        ),
        click.option(
            "--json", "as_json", is_flag=True, help="Print the results (or the errors) as JSON on stdout."
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _read(
    gates_path: Path,
    products_path: Path,
    events_path: Path,
    calendar_path: Path | None,
    today: date,
    as_json: bool,
) -> tuple[PathwayInput, WorkingCalendar]:
    """The input and the calendar, or the problems printed and exit 1."""
    from clusterworks.analytics.pathways import (
        InvalidPathwayInput,
        load_calendar,
        read_pathway_csv,
        russian_calendar,
    )

    try:
        calendar = russian_calendar() if calendar_path is None else load_calendar(calendar_path)
        data = read_pathway_csv(gates_path, products_path, events_path, today=today)
    except InvalidPathwayInput as exc:
        _report_issues(exc, as_json)
        sys.exit(1)
    except OSError as exc:
        raise click.ClickException(f"cannot read the input: {exc}; nothing was written") from None
    return data, calendar


def _report_issues(exc: InvalidPathwayInput, as_json: bool) -> None:
    """Every problem of the input, one line each on stderr (or as JSON on stdout), and the count."""
    if as_json:
        report = {
            "ok": False,
            "written": False,
            "error_count": exc.total,
            "errors": [issue.as_dict() for issue in exc.issues],
        }
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    lines = exc.lines()
    for line in lines:
        click.echo(line, err=True)
    shown = f" (the first {len(lines)} are listed)" if exc.total > len(lines) else ""
    click.echo(f"{exc.total} error(s){shown}; nothing was written.", err=True)


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _records(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    return [{name: _json_value(value) for name, value in zip(header, row, strict=True)} for row in rows]


def _cell(value: Any) -> str:
    """A value as written to the CSV tables: dates ISO, numbers with 10 significant digits, ``""``
    for undefined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return "0" if value == 0 else format(value, ".10g")
    return str(value)


def _temporary(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def _write_tables(out: Path, tables: dict[str, tuple[Sequence[str], list[list[Any]]]]) -> list[Path]:
    """The tables as one XLSX workbook (``out`` ending in .xlsx) or as CSV files in the directory
    ``out``; each file written whole to a temporary file and renamed into place when all are."""
    if out.suffix.lower() == ".xlsx":
        targets = [(out, None)]
    else:
        out.mkdir(exist_ok=True)
        targets = [(out / f"{name}.csv", name) for name in tables]
    written: list[tuple[Path, Path]] = []
    try:
        for target, name in targets:
            temporary = _temporary(target)
            written.append((temporary, target))
            if name is None:
                _write_xlsx(temporary, tables)
                continue
            header, rows = tables[name]
            with open(temporary, "x", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(header)
                writer.writerows([_cell(value) for value in row] for row in rows)
        for temporary, target in written:
            os.replace(temporary, target)
    except BaseException:
        for temporary, _ in written:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        raise
    return [target for target, _ in targets]


def _write_xlsx(path: Path, tables: dict[str, tuple[Sequence[str], list[list[Any]]]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for name, (header, rows) in tables.items():
        sheet = book.create_sheet(title=name[:31])
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = bold
        for row in rows:
            sheet.append(
                [value if not isinstance(value, float) or math.isfinite(value) else None for value in row]
            )
        sheet.freeze_panes = "A2"
    with open(path, "xb") as handle:
        book.save(handle)


def _check_out(out: Path | None, inputs: Sequence[Path]) -> None:
    if out is None:
        return
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise click.UsageError(f"--out {out}: directory {parent} does not exist")
    if out.suffix.lower() == ".xlsx":
        if out.is_dir():
            raise click.UsageError(
                f"--out {out} is a directory; give a file name ending in .xlsx, or a directory"
            )
        if out.resolve() in {path.resolve() for path in inputs}:
            raise click.UsageError(f"--out {out} is one of the input files")
    elif out.exists() and not out.is_dir():
        raise click.UsageError(f"--out {out} is a file; give a directory, or a file name ending in .xlsx")


def _number(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{digits}f}"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f} %"


def _print_report(report: Any, stdout: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=stdout, width=max(160, Console(file=stdout).width), highlight=False)

    def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[str]], right_from: int = 1) -> None:
        grid = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
        for index, column in enumerate(columns):
            grid.add_column(
                column, justify="right" if index >= right_from else "left", no_wrap=index < right_from
            )
        for row in rows:
            grid.add_row(*row)
        console.print(grid)
        console.print()

    products, clocks = len(report.products), len(report.clocks)
    console.print(
        f"{products} product(s), {clocks} submission(s), as of {report.today.isoformat()}: days are calendar "
        "days "
        "from submission to decision; the clock counts the gate's working or calendar days, less the time "
        "under "
        "agency queries."
    )
    console.print()
    table(
        "Time per gate (decided submissions; median / 75th / 90th percentile)",
        (
            "catalogue",
            "gate",
            "agency",
            "statutory",
            "decided",
            "refused",
            "days",
            "clock used",
            "overdue",
            "open",
        ),
        (
            (
                g.catalogue,
                g.gate,
                g.agency or "-",
                "-"
                if g.statutory is None
                else f"{g.statutory} {'wd' if g.clock_kind == 'working' else 'cd'}",
                str(g.decided),
                str(g.refused),
                " / ".join(_number(x) for x in (g.elapsed_median, g.elapsed_p75, g.elapsed_p90)),
                " / ".join(_number(x) for x in (g.clock_used_median, g.clock_used_p75, g.clock_used_p90))
                if g.statutory is not None
                else "-",
                _share(g.share_overdue),
                f"{g.open_now} ({g.overdue_now} overdue)" if g.overdue_now else str(g.open_now),
            )
            for g in report.gates
        ),
        right_from=3,
    )
    table(
        "Time per agency (median / 90th percentile; clock share = clock used / statutory time)",
        ("agency", "decided", "refused", "days", "clock share", "overdue", "open"),
        (
            (
                a.agency,
                str(a.decided),
                str(a.refused),
                f"{_number(a.elapsed_median)} / {_number(a.elapsed_p90)}",
                "-"
                if a.clock_share_median is None
                else f"{a.clock_share_median:.2f} / {a.clock_share_p90:.2f}",
                _share(a.share_overdue),
                str(a.open_now),
            )
            for a in report.agencies
        ),
    )
    table(
        f"Stuck now (open at least {report.min_days} days, or past the clock; waiting = nothing submitted)",
        ("product", "gate", "agency", "status", "since", "days", "clock", "days left"),
        (
            (
                s.product,
                s.gate,
                s.agency or "-",
                s.status.replace("_", " "),
                s.since.isoformat(),
                str(s.days),
                "-" if s.statutory is None or s.clock_used is None else f"{s.clock_used} of {s.statutory}",
                "-"
                if s.days_left is None
                else (f"{s.days_left} (overdue)" if s.overdue else str(s.days_left)),
            )
            for s in report.stuck
        ),
        right_from=5,
    )
    b = report.bottlenecks
    table(
        "Bottleneck gates: days lost beyond the statutory clock (sum of max(0, clock used - statutory))",
        ("rank", "catalogue / gate", "agency", "days lost", "over the clock", "open"),
        (
            (
                str(g.rank),
                f"{g.catalogue} / {g.gate}",
                g.agency or "-",
                _number(g.days_lost),
                str(g.over_clock),
                str(g.open_now),
            )
            for g in b.gates
        ),
        right_from=3,
    )
    table(
        "Gates without a clock: median days x submissions open now",
        ("rank", "catalogue / gate", "agency", "median days", "open", "score"),
        (
            (
                str(g.rank),
                f"{g.catalogue} / {g.gate}",
                g.agency or "-",
                _number(g.elapsed_median),
                str(g.open_now),
                _number(g.score),
            )
            for g in b.unclocked_gates
        ),
        right_from=3,
    )
    table(
        "Bottleneck agencies",
        ("rank", "agency", "working days lost", "calendar days lost", "waiting score", "open"),
        (
            (
                str(a.rank),
                a.agency,
                _number(a.days_lost_working),
                _number(a.days_lost_calendar),
                _number(a.waiting_score),
                str(a.open_now),
            )
            for a in b.agencies
        ),
        right_from=2,
    )
    funnel = report.funnel
    table(
        "Products by TRL and stage",
        ("TRL", "products", *funnel.stages),
        (
            (str(trl), str(funnel.by_trl[trl - 1]), *(str(x) for x in funnel.matrix[trl - 1]))
            for trl in range(1, 10)
        ),
    )


@pathways.command("report", help=_REPORT_HELP)
@_inputs
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Write the tables: to REPORT.xlsx (one sheet each) or, for any other name, as CSV files in that "
    "directory (created if missing).",
)
@click.option(
    "--min-days",
    type=click.IntRange(min=0),
    default=30,
    show_default=True,
    help="A submission open this many calendar days (or past its clock) counts as stuck; so does a product "
    "that has waited this long to submit its next gate.",
)
def report(
    gates_path: Path,
    products_path: Path,
    events_path: Path,
    today: date,
    calendar_path: Path | None,
    as_json: bool,
    out: Path | None,
    min_days: int,
) -> None:
    _check_out(out, [gates_path, products_path, events_path])
    from clusterworks.analytics.pathways import PathwayError, pathway_report, report_tables

    data, calendar = _read(gates_path, products_path, events_path, calendar_path, today, as_json)
    try:
        result = pathway_report(
            data.products,
            data.events,
            data.gates_by_catalogue,
            calendar=calendar,
            today=today,
            min_days=min_days,
        )
    except PathwayError as exc:
        raise click.ClickException(f"cannot compute the report: {exc}; nothing was written") from None
    tables = report_tables(result)
    written: list[Path] = []
    if out is not None:
        try:
            written = _write_tables(out, tables)
        except OSError as exc:
            raise click.ClickException(f"cannot write the results: {exc}; nothing was written") from None
    if as_json:
        document = {
            "ok": True,
            "today": today.isoformat(),
            "products": len(result.products),
            "events": len(data.events),
            "min_days": min_days,
            "written": [str(path) for path in written],
            **{name: _records(header, rows) for name, (header, rows) in tables.items()},
        }
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    _print_report(result, sys.stdout)
    if written:
        where = str(out) if len(written) == 1 else f"{len(written)} CSV files in {out}"
        click.echo(f"Wrote the tables to {where}.")


@pathways.command("forecast", help=_FORECAST_HELP)
@_inputs
@click.option("--product", "product_key", required=True, help="The key of the product (PRODUCTS.csv).")
@click.option(
    "--draws",
    type=click.IntRange(min=1, max=10_000_000),
    default=10_000,
    show_default=True,
    help="Monte Carlo draws.",
)
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Seed of the draws.")
@click.option(
    "--target",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Also give the probability of passing the last gate by this day (YYYY-MM-DD).",
)
@click.option(
    "--min-history",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Recorded submissions a gate needs before its own durations are drawn.",
)
def forecast(
    gates_path: Path,
    products_path: Path,
    events_path: Path,
    today: date,
    calendar_path: Path | None,
    as_json: bool,
    product_key: str,
    draws: int,
    seed: int,
    target: datetime | None,
    min_history: int,
) -> None:
    from clusterworks.analytics.pathways import PathwayError, forecast_time_to_market, pathway_report

    data, calendar = _read(gates_path, products_path, events_path, calendar_path, today, as_json)
    products = {product.key: product for product in data.products}
    product = products.get(product_key)
    if product is None:
        shown = ", ".join(sorted(products)[:20]) + (" ..." if len(products) > 20 else "")
        raise click.BadParameter(
            f"{product_key!r} is not in {products_path.name}; allowed: {shown}", param_hint="--product"
        )
    target_day = None if target is None else target.date()
    try:
        history = pathway_report(
            data.products, data.events, data.gates_by_catalogue, calendar=calendar, today=today
        )
        result = forecast_time_to_market(
            product=product,
            events=[event for event in data.events if event.product == product.key],
            gates=data.gates_by_catalogue[product.catalogue],
            history=history.clocks,
            calendar=calendar,
            today=today,
            draws=draws,
            seed=seed,
            target_date=target_day,
            min_history=min_history,
        )
    except PathwayError as exc:
        raise click.ClickException(f"cannot compute the forecast: {exc}") from None
    if as_json:
        click.echo(
            json.dumps(
                _forecast_document(result, history.positions[product.key]), ensure_ascii=False, indent=2
            )
        )
        return
    _print_forecast(result, history.positions[product.key], sys.stdout)


def _forecast_document(result: Forecast, position: Any) -> dict[str, Any]:
    return {
        "ok": True,
        "product": result.product,
        "today": result.today.isoformat(),
        "stage": position.stage,
        "gate": position.gate,
        "draws": result.draws,
        "seed": result.seed,
        "days": {
            "p10": result.p10_days,
            "p50": result.p50_days,
            "p90": result.p90_days,
            "mean": result.mean_days,
        },
        "dates": {
            "p10": result.p10_date.isoformat(),
            "p50": result.p50_date.isoformat(),
            "p90": result.p90_date.isoformat(),
        },
        "target_date": None if result.target_date is None else result.target_date.isoformat(),
        "probability": result.probability,
        "per_gate": [
            {
                "gate": g.gate,
                "position": g.position,
                "stage": g.stage,
                "agency": g.agency,
                "status": g.status,
                "elapsed_days": g.elapsed_days,
                "duration_source": g.duration_source,
                "records": g.records,
                "refusal_rate": g.refusal_rate,
                "mean_days": g.mean_days,
                "p50_days": g.p50_days,
                "p90_days": g.p90_days,
            }
            for g in result.per_gate
        ],
        "assumptions": list(result.assumptions),
    }


def _print_forecast(result: Forecast, position: Any, stdout: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=stdout, width=max(160, Console(file=stdout).width), highlight=False)
    where = "on the market" if position.gate is None else f"at {position.gate} ({position.stage})"
    console.print(
        f"Product {result.product}, {where}, as of {result.today.isoformat()}: {result.draws:,} draws, "
        f"seed {result.seed}."
    )
    console.print(
        f"Time to market: 10 % by {result.p10_date.isoformat()} ({_number(result.p10_days)} days), "
        f"50 % by {result.p50_date.isoformat()} ({_number(result.p50_days)} days), "
        f"90 % by {result.p90_date.isoformat()} ({_number(result.p90_days)} days)."
    )
    if result.target_date is not None:
        console.print(
            f"Probability of reaching the market by {result.target_date.isoformat()}: "
            f"{_share(result.probability)}."
        )
    console.print()
    if result.per_gate:
        grid = Table(
            title="Remaining gates (days each adds from today)",
            title_justify="left",
            show_edge=False,
            pad_edge=False,
        )
        for index, column in enumerate(
            ("gate", "agency", "status", "source", "records", "refusal rate", "mean", "median", "90th")
        ):
            grid.add_column(column, justify="right" if index >= 4 else "left")
        for g in result.per_gate:
            grid.add_row(
                g.gate,
                g.agency or "-",
                g.status,
                g.duration_source,
                str(g.records),
                f"{g.refusal_rate:.2f}",
                _number(g.mean_days),
                _number(g.p50_days),
                _number(g.p90_days),
            )
        console.print(grid)
        console.print()
    console.print("Assumptions:")
    for line in result.assumptions:
        console.print(f"- {line}")
