"""``clusterworks programme allocate``: the envelope among the applications, exactly.

Calls :func:`clusterworks.analytics.allocation.allocate`; the method is in docs/methods/allocation.md.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from . import programme
from .tables import (
    LISTED,
    InputError,
    Table,
    empty_value,
    plural,
    report_errors,
    write_rows,
)

APPLICATION_COLUMNS = ("application", "requested", "score")
APPLICATION_OPTIONAL_COLUMNS = ("floor", "cluster", "sector")
#: OUT.csv as the issue specifies it; --details and --greedy add columns after these
ALLOCATION_OUT_COLUMNS = ("id", "award", "reason")
DETAIL_OUT_COLUMNS = ("requested", "score", "status", "explanation")
GREEDY_OUT_COLUMNS = ("greedy_award", "greedy_status", "greedy_reason")


def _read_applications(path: Path, errors: list[InputError]) -> tuple[list[Any], Table]:
    from clusterworks.analytics.allocation import Application
    from clusterworks.analytics.allocation.io import AMOUNT_ALLOWED, parse_amount, parse_score

    table = Table(
        path,
        APPLICATION_COLUMNS,
        errors,
        optional=APPLICATION_OPTIONAL_COLUMNS,
        aliases={"id": "application"},
    )
    name = table.name
    applications: list[Any] = []
    first_line: dict[str, int] = {}
    for line, app_id, requested_text, score_text, floor_text, cluster, sector in table.rows:
        before = len(errors)
        if not app_id:
            errors.append(empty_value(name, line, "application"))
        elif app_id in first_line:
            errors.append(
                InputError(
                    name,
                    line,
                    "application",
                    app_id,
                    f"application {app_id} is already given on line {first_line[app_id]}; allowed: each "
                    "application once",
                )
            )
        else:
            first_line[app_id] = line
        requested = parse_amount(requested_text)
        if requested is None or requested == 0:
            shown = "empty" if not requested_text else f"{requested_text!r} is not a positive amount"
            errors.append(InputError(name, line, "requested", requested_text, f"{shown}; {AMOUNT_ALLOWED}"))
        floor = None
        if floor_text:
            floor = parse_amount(floor_text)
            if floor is None:
                errors.append(
                    InputError(
                        name, line, "floor", floor_text, f"{floor_text!r} is not an amount; {AMOUNT_ALLOWED}"
                    )
                )
            elif requested and floor > requested:
                errors.append(
                    InputError(
                        name,
                        line,
                        "floor",
                        floor_text,
                        f"{floor_text} is above the requested {requested_text}; allowed: from 0 to the "
                        "requested amount (empty: all or nothing)",
                    )
                )
        score = parse_score(score_text)
        if score is None:
            shown = "empty" if not score_text else f"{score_text!r} is not a number of at least 0"
            errors.append(
                InputError(
                    name, line, "score", score_text, f"{shown}; allowed: a number of at least 0, such as 72.5"
                )
            )
        if len(errors) == before:
            applications.append(
                Application(
                    app_id, requested, score, floor=floor, cluster=cluster or None, sector=sector or None
                )
            )
    if table.ok and not table.rows:
        errors.append(InputError(name, 2, "", "", "has no rows; at least one application is needed"))
    return applications, table


def _read_rules(path: Path, errors: list[InputError]) -> Any:
    from clusterworks.analytics.allocation.io import read_rules_yaml

    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        errors.append(
            InputError(path.name, None, "", "", f"is not UTF-8 text (byte {exc.start}); save it as UTF-8")
        )
        return None
    rules, issues = read_rules_yaml(text)
    errors.extend(InputError(path.name, i.line, i.field, i.value, i.message) for i in issues)
    return rules


def _budget(ctx: click.Context, param: click.Parameter, value: str) -> int:
    from clusterworks.analytics.allocation.io import AMOUNT_ALLOWED, parse_amount

    amount = parse_amount(value)
    if amount is None:
        raise click.BadParameter(f"{value!r} is not an amount; {AMOUNT_ALLOWED}")
    return amount


def _score_text(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def _changes(case: Any, money: Any) -> dict[str, Any]:
    return {
        "factor": case.factor,
        "envelope": money(case.envelope),
        "feasible": case.allocation is not None,
        "error": case.error,
        "objective": case.objective,
        "total_awarded": None if case.total_awarded is None else money(case.total_awarded),
        "entered": [str(a) for a in case.entered],
        "left": [str(a) for a in case.left],
        "changed": [
            {"application": str(a), "before": money(b), "after": money(c)} for a, b, c in case.changed
        ],
    }


@programme.command("allocate")
@click.argument(
    "applications_path",
    metavar="APPLICATIONS.csv",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option(
    "--budget",
    "budget",
    metavar="B",
    required=True,
    callback=_budget,
    help="The envelope in roubles, at most 2 decimals (2500000000 or 2500000000.00).",
)
@click.option(
    "--rules",
    "rules_path",
    metavar="RULES.yaml",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML with any of: min_score, cap_per_cluster, cluster_caps, sector_min, sector_max, "
    "sector_min_share, sector_max_share.",
)
@click.option(
    "--out",
    "out",
    metavar="OUT.csv",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV to write: id, award, reason (and more with --details, --greedy); only on success.",
)
@click.option(
    "--details",
    is_flag=True,
    help="Add the columns requested, score, status and explanation (the reason in words) to OUT.csv.",
)
@click.option(
    "--greedy",
    "with_greedy",
    is_flag=True,
    help="Add the greedy-by-score allocation to OUT.csv, side by side.",
)
@click.option(
    "--sensitivity", is_flag=True, help="Re-solve at the envelope -10% and +10% and report what changes."
)
@click.option("--json", "as_json", is_flag=True, help="Print the report (or the errors) as JSON on stdout.")
def allocate_command(
    applications_path: Path,
    budget: int,
    rules_path: Path | None,
    out: Path,
    details: bool,
    with_greedy: bool,
    sensitivity: bool,
    as_json: bool,
) -> None:
    """Allocate the envelope to applications, exactly: the largest total of score x amount.

    Each application gets nothing, or an amount between its floor and its request; applications
    below the minimum score get nothing; no cluster gets more than its cap; each sector gets at least
    its minimum and at most its maximum; the awards add up to at most the envelope (--budget). Among
    all such allocations, one with the largest sum of score x awarded amount is written to OUT.csv,
    one row per application in input order. It is solved as a mixed-integer programme with HiGHS to
    a proven gap of 0 (see docs/methods/allocation.md); amounts are exact to the kopeck.

    APPLICATIONS.csv has the columns application (or id), requested, score, and optionally floor
    (the least amount with which the project is still viable; empty or absent: all or nothing),
    cluster (for the caps) and sector (for the quotas). Amounts are roubles with at most 2 decimals.
    RULES.yaml may hold min_score, cap_per_cluster (roubles), cluster_caps ({cluster: roubles, or
    null for no cap}), sector_min and sector_max ({sector: roubles}), sector_min_share and
    sector_max_share ({sector: share of the envelope, such as 0.2 or 20%}).

    OUT.csv: id, award (roubles) and reason (funded-in-full, below-min-score, no-gain, or cut-by-
    followed by envelope, cluster-cap and/or sector-max joined by +: the rules that leave the
    application less room than it needs). With --details, the columns requested, score, status (full,
    partial, none) and explanation (the reason in words, with the amounts) follow; with --greedy, the
    columns greedy_award, greedy_status and greedy_reason. The report always compares the exact
    allocation with the greedy one (highest score first, in full or the largest amount that fits).
    With --sensitivity it lists the applications that enter, leave or change amount at 0.9 and 1.1
    times the envelope.

    Exit status 1, with nothing written, when an input file is malformed (every error is listed with
    file, line, field, value and what is allowed) or when the rules cannot all be met (one line naming
    the sector minimums and the amounts).

    \b
    Examples:
      clusterworks programme allocate applications.csv --budget 2500000000 --rules rules.yaml \\
          --out allocation.csv
      clusterworks programme allocate applications.csv --budget 2500000000 --out allocation.csv \\
          --greedy --sensitivity --json
    """
    from clusterworks.analytics.allocation import (
        InfeasibleAllocation,
        allocate,
        envelope_sensitivity,
        format_amount,
        greedy_allocation,
    )
    from clusterworks.analytics.allocation.io import amount_text

    t0 = time.perf_counter()
    if not out.parent.is_dir():
        raise click.UsageError(f"--out {out}: the directory {out.parent} does not exist")
    errors: list[InputError] = []
    applications, table = _read_applications(applications_path, errors)
    rules = _read_rules(rules_path, errors) if rules_path is not None else None
    if errors:
        report_errors(errors, as_json)

    try:
        result = allocate(applications, envelope=budget, rules=rules, amount_decimals=2)
    except InfeasibleAllocation as exc:
        if as_json:
            payload = {
                "ok": False,
                "written": False,
                "error": "infeasible",
                "reason": exc.reason,
                "message": str(exc),
                "sectors": [str(s) for s in exc.sectors],
                "needed": amount_text(exc.needed),
                "achievable": None if exc.achievable is None else amount_text(exc.achievable),
            }
            click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
            sys.exit(1)
        raise click.ClickException(str(exc)) from None
    greedy = greedy_allocation(applications, envelope=budget, rules=rules, amount_decimals=2)
    sens = None
    if sensitivity:
        sens = envelope_sensitivity(
            applications, envelope=budget, rules=rules, base=result, amount_decimals=2
        )

    rows = []
    for award, other in zip(result.awards, greedy.awards, strict=True):
        row = [award.application, amount_text(award.awarded), award.reason]
        if details:
            row += [amount_text(award.requested), _score_text(award.score), award.status, award.text]
        if with_greedy:
            row += [amount_text(other.awarded), other.status, other.reason]
        rows.append(row)
    header = (
        ALLOCATION_OUT_COLUMNS
        + (DETAIL_OUT_COLUMNS if details else ())
        + (GREEDY_OUT_COLUMNS if with_greedy else ())
    )
    write_rows(out, header, rows)

    warnings = []
    if table.ignored_columns:
        warnings.append(f"{table.name}: ignored column(s) {', '.join(table.ignored_columns)}")
    if rules is not None:
        clusters = {a.cluster for a in applications}
        sectors = {a.sector for a in applications}
        unknown_c = sorted(c for c in rules.cluster_caps if c not in clusters)
        unknown_s = sorted(s for s in rules.sector_quotas if s not in sectors)
        if unknown_c:
            warnings.append(
                f"cluster_caps name cluster(s) with no application: {', '.join(unknown_c[:LISTED])}"
            )
        if unknown_s:
            warnings.append(
                f"sector quotas name sector(s) with no application: {', '.join(unknown_s[:LISTED])}"
            )

    money = lambda v: format_amount(v, 2)  # noqa: E731
    counts = {s: sum(1 for a in result.awards if a.status == s) for s in ("full", "partial", "none")}
    below = sum(1 for a in result.awards if a.reason == "below-min-score")
    gain = None
    if greedy.objective and not greedy.unmet_minimums:
        gain = 100 * (result.objective - greedy.objective) / greedy.objective
    seconds = time.perf_counter() - t0

    if as_json:
        report = {
            "ok": True,
            "written": True,
            "out": str(out),
            "applications": len(result.awards),
            "envelope": amount_text(result.envelope),
            "total_awarded": amount_text(result.total_awarded),
            "left": amount_text(result.envelope - result.total_awarded),
            "funded": {"full": counts["full"], "partial": counts["partial"], "none": counts["none"]},
            "below_min_score": below,
            "objective": result.objective,
            "optimal": result.optimal,
            "solver": asdict(result.solver),
            "greedy": {
                "objective": greedy.objective,
                "total_awarded": amount_text(greedy.total_awarded),
                "unmet_minimums": {str(s): amount_text(v) for s, v in greedy.unmet_minimums.items()},
                "exact_gain_percent": gain,
                "differ": sum(
                    1 for a, b in zip(result.awards, greedy.awards, strict=True) if a.awarded != b.awarded
                ),
            },
            "sectors": {
                str(s): {
                    "awarded": amount_text(v),
                    "min": None
                    if s not in result.sector_limits or result.sector_limits[s][0] is None
                    else amount_text(result.sector_limits[s][0]),
                    "max": None
                    if s not in result.sector_limits or result.sector_limits[s][1] is None
                    else amount_text(result.sector_limits[s][1]),
                }
                for s, v in result.sector_totals.items()
            },
            "clusters": {str(c): amount_text(v) for c, v in result.cluster_totals.items()},
            "sensitivity": None if sens is None else [_changes(case, amount_text) for case in sens.cases],
            "warnings": warnings,
            "seconds": seconds,
        }
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return

    click.echo(
        f"Allocated {money(result.total_awarded)} of the envelope {money(result.envelope)} to "
        f"{counts['full'] + counts['partial']:,} of {plural(len(result.awards), 'application')} "
        f"({counts['full']:,} in full, {counts['partial']:,} in part); {counts['none']:,} not funded"
        + (f" ({below:,} below the minimum score)." if below else ".")
    )
    status = "optimal" if result.optimal else f"not proven optimal (gap {result.solver.relative_gap:.3g})"
    if greedy.unmet_minimums:
        versus = "greedy, highest score first, misses the minimum of " + ", ".join(
            f"{s} by {money(v)}" for s, v in greedy.unmet_minimums.items()
        )
    else:
        versus = f"greedy, highest score first, gives {greedy.objective / 100:,.2f}"
        versus += f" ({gain:+.2f}% for the exact allocation)" if gain else " too"
    click.echo(f"Total score x roubles {result.objective / 100:,.2f}, {status}; {versus}.")
    if sens is not None:
        for case in sens.cases:
            head = f"Envelope x {case.factor:g} ({money(case.envelope)}): "
            if case.allocation is None:
                click.echo(head + str(case.error))
                continue
            parts = [f"total {case.objective / 100:,.2f}"]
            for word, items in (("enter", case.entered), ("leave", case.left)):
                if items:
                    listed = ", ".join(str(a) for a in items[:LISTED]) + (
                        ", ..." if len(items) > LISTED else ""
                    )
                    parts.append(f"{len(items):,} {word} ({listed})")
            if case.changed:
                shown = ", ".join(f"{a} {money(b)} -> {money(c)}" for a, b, c in case.changed[:LISTED])
                more = ", ..." if len(case.changed) > LISTED else ""
                parts.append(f"{len(case.changed):,} change amount ({shown}{more})")
            if len(parts) == 1:
                parts.append("no application changes")
            click.echo(head + "; ".join(parts) + ".")
    for warning in warnings:
        click.echo(f"Note: {warning}", err=True)
    click.echo(f"Wrote {out} in {seconds:.2f} s.")
