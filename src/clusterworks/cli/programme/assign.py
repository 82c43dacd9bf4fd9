"""``clusterworks programme assign``: reviewers for the applications of a call, exactly.

Calls :func:`clusterworks.analytics.assignment.assign_reviewers`; the method is in
docs/methods/assignment.md.
"""

from __future__ import annotations

import json
import math
import sys
import time
from dataclasses import asdict
from pathlib import Path

import click

from . import programme
from .tables import (
    LISTED,
    InputError,
    Table,
    empty_value,
    is_float,
    number_text,
    plural,
    report_errors,
    write_rows,
)

AFFINITY_COLUMNS = ("reviewer", "application", "affinity")
CONFLICT_COLUMNS = ("reviewer", "application")


def _bad_affinity(file: str, line: int, text: str) -> InputError:
    if not text:
        shown = "empty"
    elif text.lower().lstrip("+-") in ("nan", "inf", "infinity") or is_float(text):
        shown = f"{text!r} is not a finite number"
    else:
        shown = f"{text!r} is not a number"
    allowed = "allowed: a number with a decimal point, such as 0.75 or -1"
    return InputError(file, line, "affinity", text, f"{shown}; {allowed}")


def _read_affinity(path: Path, errors: list[InputError]) -> tuple[dict[tuple[str, str], float], Table]:
    table = Table(path, AFFINITY_COLUMNS, errors)
    affinity: dict[tuple[str, str], float] = {}
    isfinite = math.isfinite
    for line, reviewer, application, text in table.rows:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if reviewer and application and isfinite(value):
            key = (reviewer, application)
            if key not in affinity:
                affinity[key] = value
                continue
        # the slow path, for rows with an error only
        if not reviewer:
            errors.append(empty_value(table.name, line, "reviewer"))
        if not application:
            errors.append(empty_value(table.name, line, "application"))
        if not isfinite(value):
            errors.append(_bad_affinity(table.name, line, text))
        elif reviewer and application:
            first = next(n for n, r, a, _ in table.rows if (r, a) == (reviewer, application))
            errors.append(
                InputError(
                    table.name,
                    line,
                    "reviewer,application",
                    f"{reviewer},{application}",
                    f"the pair ({reviewer}, {application}) is already given on line {first}; "
                    "allowed: each reviewer-application pair once",
                )
            )
    if table.ok and not table.rows:
        errors.append(InputError(table.name, 2, "", "", "has no rows; at least one eligible pair is needed"))
    table.rows = []  # the pairs live on in ``affinity``; free the rows
    return affinity, table


def _read_conflicts(path: Path, errors: list[InputError]) -> tuple[list[tuple[str, str]], Table]:
    table = Table(path, CONFLICT_COLUMNS, errors)
    pairs: list[tuple[str, str]] = []
    for line, reviewer, application in table.rows:
        if reviewer and application:
            pairs.append((reviewer, application))
        for name, value in (("reviewer", reviewer), ("application", application)):
            if not value:
                errors.append(empty_value(table.name, line, name))
    return pairs, table


@programme.command("assign")
@click.option(
    "--affinity",
    "affinity_path",
    metavar="AFF.csv",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV with columns reviewer, application, affinity: the ELIGIBLE pairs. A pair not listed is "
    "never assigned.",
)
@click.option(
    "--conflicts",
    "conflicts_path",
    metavar="CONF.csv",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV with columns reviewer, application: conflicts of interest, never assigned.",
)
@click.option(
    "--per-application",
    "per_application",
    metavar="K",
    required=True,
    type=click.IntRange(min=1),
    help="Reviewers every application gets, exactly; at least 1.",
)
@click.option(
    "--max-load",
    "max_load",
    metavar="L",
    required=True,
    type=click.IntRange(min=1),
    help="Most applications any reviewer gets; at least 1.",
)
@click.option(
    "--out",
    "out",
    metavar="OUT.csv",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV to write: application, reviewer; only on success.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report (or the errors) as JSON on stdout.")
def assign_command(
    affinity_path: Path,
    conflicts_path: Path | None,
    per_application: int,
    max_load: int,
    out: Path,
    as_json: bool,
) -> None:
    """Assign reviewers to applications, exactly and free of conflicts of interest.

    Every application gets exactly --per-application distinct reviewers, no reviewer gets more than
    --max-load applications, no conflicted pair is used, and among all such assignments the one with
    the largest total affinity is written to OUT.csv, as rows "application, reviewer" sorted by
    application, then reviewer.

    The affinity file lists the eligible pairs; a pair absent from it is not allowed (it is not taken
    to have affinity 0). The applications are those named in it. A pair in the conflicts file is never
    assigned, even if it is listed in the affinity file; conflicts naming an unknown reviewer or
    application change nothing and are reported (with --json, under "conflicts" and "warnings").
    Files are UTF-8 CSV with a header row, separated by commas (or semicolons or tabs); column names
    are case-insensitive and other columns are ignored.

    The solution is exact: a min-cost flow solved as a linear programme with HiGHS, whose optimality is
    certified by a dual bound (see docs/methods/assignment.md). For comparison the report also gives
    the total of the greedy "highest affinity first" assignment. OUT.csv is written only on success,
    via a temporary file renamed into place.

    Exit status 1, with nothing written, when an input file is malformed (every error is listed with
    file, line, field, value and what is allowed) or when no feasible assignment exists (one line
    saying why: an application with too few eligible reviewers, more reviews needed than all the
    reviewers can take, or a set of applications that too few reviewers can serve).

    \b
    Examples:
      clusterworks programme assign --affinity affinity.csv --conflicts conflicts.csv \\
          --per-application 3 --max-load 25 --out assignment.csv
      clusterworks programme assign --affinity affinity.csv --per-application 2 --max-load 5 \\
          --out assignment.csv --json
    """
    from clusterworks.analytics.assignment import (
        InfeasibleAssignment,
        assign_reviewers,
        greedy_assignment,
    )

    t0 = time.perf_counter()
    if not out.parent.is_dir():
        raise click.UsageError(f"--out {out}: the directory {out.parent} does not exist")
    errors: list[InputError] = []
    affinity, aff_table = _read_affinity(affinity_path, errors)
    conflicts: list[tuple[str, str]] = []
    conf_table = None
    if conflicts_path is not None:
        conflicts, conf_table = _read_conflicts(conflicts_path, errors)
    if errors:
        report_errors(errors, as_json)

    try:
        result = assign_reviewers(
            affinity, per_application=per_application, max_load=max_load, conflicts=conflicts
        )
    except InfeasibleAssignment as exc:
        if as_json:
            payload = {
                "ok": False,
                "written": False,
                "error": "infeasible",
                "reason": exc.reason,
                "message": str(exc),
                "needed": exc.needed,
                "achievable": exc.achievable,
                "applications": [str(a) for a in exc.applications],
                "reviewers": [str(r) for r in exc.reviewers],
            }
            click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
            sys.exit(1)
        raise click.ClickException(str(exc)) from None
    greedy = greedy_assignment(
        affinity, per_application=per_application, max_load=max_load, conflicts=conflicts
    )
    write_rows(out, ("application", "reviewer"), list(result.pairs))

    reviewers = {r for r, _ in affinity}
    applications = {a for _, a in affinity}
    unknown_reviewers = sorted({r for r, _ in conflicts} - reviewers)
    unknown_applications = sorted({a for _, a in conflicts} - applications)
    warnings = []
    if unknown_reviewers:
        warnings.append(
            f"{len(unknown_reviewers)} reviewer(s) in the conflicts file are not in the affinity file and "
            f"were ignored: {', '.join(unknown_reviewers[:LISTED])}"
        )
    if unknown_applications:
        warnings.append(
            f"{len(unknown_applications)} application(s) in the conflicts file are not in the affinity "
            f"file and were ignored: {', '.join(unknown_applications[:LISTED])}"
        )
    for table in (aff_table, conf_table):
        if table is not None and table.ignored_columns:
            warnings.append(f"{table.name}: ignored column(s) {', '.join(table.ignored_columns)}")

    loads = list(result.loads.values())
    gain = None
    if greedy.complete and greedy.total_affinity:
        gain = 100 * (result.total_affinity - greedy.total_affinity) / abs(greedy.total_affinity)
    seconds = time.perf_counter() - t0

    if as_json:
        report = {
            "ok": True,
            "written": True,
            "out": str(out),
            "applications": len(applications),
            "reviewers": len(reviewers),
            "eligible_pairs": len(affinity),
            "per_application": per_application,
            "max_load": max_load,
            "reviews": len(result.pairs),
            "total_affinity": result.total_affinity,
            "optimal": result.optimal,
            "solver": asdict(result.solver),
            "loads": {
                "min": min(loads),
                "max": max(loads),
                "reviewers_used": sum(1 for n in loads if n),
            },
            "greedy": {
                "total_affinity": greedy.total_affinity,
                "complete": greedy.complete,
                "missing_reviews": sum(greedy.shortfall.values()),
                "exact_gain_percent": gain,
            },
            "conflicts": {
                "rows": len(conflicts),
                "applied": result.conflicts_applied,
                "not_eligible": result.conflicts_not_eligible,
                "unknown_reviewers": unknown_reviewers,
                "unknown_applications": unknown_applications,
            },
            "warnings": warnings,
            "seconds": seconds,
        }
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return

    used = sum(1 for n in loads if n)
    click.echo(
        f"Assigned {plural(per_application, 'reviewer')} to each of "
        f"{plural(len(applications), 'application')}: {plural(len(result.pairs), 'review')} by "
        f"{used:,} of {plural(len(reviewers), 'reviewer')} (loads {min(loads)}-{max(loads)}, "
        f"max-load {max_load})."
    )
    status = "optimal" if result.optimal else f"not certified optimal (gap {result.solver.gap:.3g})"
    if greedy.complete:
        versus = f"greedy, highest affinity first, gives {number_text(greedy.total_affinity)}"
        if gain:
            versus += f" ({gain:+.2f}% for the exact assignment)"
        else:
            versus += " too"
    else:
        versus = (
            "greedy, highest affinity first, would leave "
            f"{plural(len(greedy.shortfall), 'application')} short of reviewers"
        )
    click.echo(f"Total affinity {number_text(result.total_affinity)}, {status}; {versus}.")
    if conflicts_path is not None:
        click.echo(
            f"Conflicts: {plural(result.conflicts_applied, 'eligible pair')} excluded; "
            f"{plural(result.conflicts_not_eligible, 'conflict')} named no eligible pair."
        )
    for warning in warnings:
        click.echo(f"Note: {warning}", err=True)
    click.echo(f"Wrote {out} in {seconds:.2f} s.")
