"""``clusterworks match schedule``: the one-to-one meetings of a matchmaking event in slots and rooms.

Thin: reads REQUESTS.csv, SLOTS.csv and optionally PARTICIPANTS.csv
(:mod:`clusterworks.analytics.matchmaking.io`; every problem is reported with file, line, column,
value and what is allowed, and then nothing is written), calls
:func:`clusterworks.analytics.matchmaking.schedule_meetings`, writes PLACEMENTS.csv through a
temporary file renamed into place and prints a report (one JSON document with ``--json``). The
method is in docs/methods/matchmaking.md. The ``match`` group registers :data:`schedule`.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from clusterworks.analytics.reasons import Reason

#: Kinds of reasons in the report, by the scheduler's reason codes (``matchmaking.REASON_CODES``).
_REASON_KINDS = {
    "duplicate": "duplicate of another request of the same pair",
    "cap_reached": "a participant's cap reached",
    "requester_unavailable": "requester unavailable in every slot",
    "invitee_unavailable": "invitee unavailable in every slot",
    "no_common_slot": "no slot both can attend",
    "no_open_room": "no room open when both can attend",
    "fixed_meetings_block": "no free slot shared by both",
    "no_free_slot": "no free slot shared by both",
}


def reason_kind(reason: Reason) -> str:
    """The kind of an unplaced request's reason, for the report's summary."""
    return _REASON_KINDS.get(reason.code, "other")


@contextlib.contextmanager
def _status(enabled: bool) -> Iterator[Any]:
    """A rich status line (spinner) on stderr, or nothing; yields ``update(text)``."""
    if not enabled:
        yield lambda text: None
        return
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        yield lambda text: None
        return
    with console.status("") as status:
        yield lambda text: status.update(text)


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _number(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.3f}".rstrip("0").rstrip(".")


@click.command("schedule")
@click.argument(
    "requests_path", metavar="REQUESTS.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--slots",
    "slots_path",
    metavar="SLOTS.csv",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Columns slot, room: the rooms open in each slot (one or several per line, separated by ; or |), "
    "slots in time order.",
)
@click.option(
    "--participants",
    "participants_path",
    metavar="PARTICIPANTS.csv",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Columns participant and any of available (slots separated by ; or |; empty: all; none: "
    "no slot), max_meetings, home_room.",
)
@click.option(
    "--out",
    "out",
    metavar="PLACEMENTS.csv",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV to write, one row per request: request, requester, invitee, weight, slot, room, status, "
    "reason; only on success.",
)
@click.option(
    "--greedy", is_flag=True, help="Greedy instead of exact: heaviest request first, earliest free slot."
)
@click.option(
    "--time-limit",
    "time_limit",
    metavar="S",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Seconds for the exact method; it then returns the best schedule found with a proven bound.",
)
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="HiGHS' random seed.")
@click.option("--json", "as_json", is_flag=True, help="Print the report (or the errors) as JSON on stdout.")
def schedule(
    requests_path: Path,
    slots_path: Path,
    participants_path: Path | None,
    out: Path,
    greedy: bool,
    time_limit: float,
    seed: int,
    as_json: bool,
) -> None:
    """Schedule the one-to-one meetings of a matchmaking event in time slots and rooms.

    Places as many requested meetings as possible, by total weight: no participant and no room in
    two meetings in one slot, only slots both participants can attend and rooms open then, no
    participant above their max_meetings, fixed meetings kept where they are, and two participants
    meet at most once (of a request and its reverse, the heavier one is kept). Exact by default: a
    proven optimum, or after --time-limit the best schedule found with a proven upper bound (see
    docs/methods/matchmaking.md); --greedy places the heaviest requests first, each in its earliest
    free slot. Meetings go to the earliest slots they fit, and to a participant's home room when it
    is free.

    \b
    REQUESTS.csv      id (or request), requester, invitee[, weight][, slot, room]
                      weight: a number above 0 (empty: 1); slot and room both given: fixed there
    SLOTS.csv         slot, room: the room(s) open in the slot; several per line separated by ; or |,
                      a slot may take several lines; slots in time order
    PARTICIPANTS.csv  participant[, available][, max_meetings][, home_room]   (optional)
                      available: slots separated by ; or | (empty: every slot; none: no slot)

    PLACEMENTS.csv gets one row per request, in input order: request, requester, invitee, weight,
    slot, room, status (placed, fixed or unplaced) and reason (why a request is unplaced: a
    duplicate of another request of the same pair, a participant's cap reached, no slot both can
    attend, or no slot in which both are free and a room is free).

    Exit status 1, with nothing written, when an input file is malformed: every problem is listed
    with file, line, column, value and what is allowed.

    \b
    Examples:
      clusterworks match schedule requests.csv --slots slots.csv --out placements.csv
      clusterworks match schedule requests.csv --slots slots.csv --participants people.csv \\
          --out placements.csv --time-limit 60 --json
    """
    from clusterworks.analytics.matchmaking import schedule_meetings
    from clusterworks.analytics.matchmaking.io import ScheduleInputError, read_problem, write_placements

    started = time.perf_counter()
    if not out.parent.is_dir():
        raise click.UsageError(f"--out {out}: the directory {out.parent} does not exist")
    method = "greedy" if greedy else "exact"
    with _status(not as_json) as status:
        status("Reading the files")
        try:
            problem = read_problem(requests_path, slots_path, participants_path)
        except ScheduleInputError as error:
            _fail(error, as_json)
        status(
            f"Scheduling {len(problem.requests):,} requests "
            + ("greedily" if greedy else f"exactly (at most {time_limit:g} s)")
        )
        result = schedule_meetings(problem, method=method, time_limit=time_limit, seed=seed)
        baseline = None if greedy else schedule_meetings(problem, method="greedy")
        status(f"Writing {out.name}")
        write_placements(out, problem, result)

    fixed = len(problem.fixed)
    placed = len(result.placements)
    kinds = Counter(reason_kind(reason) for reason in result.unplaced_reasons.values())
    total_weight = sum(r.weight for r in problem.requests)
    seconds = time.perf_counter() - started
    if as_json:
        report = {
            "ok": True,
            "written": True,
            "out": str(out),
            "method": result.method,
            "requests": len(problem.requests),
            "placed": placed,
            "fixed": fixed,
            "unplaced": len(result.unplaced),
            "unplaced_by_reason": dict(kinds.most_common()),
            "objective": result.objective,
            "bound": result.bound,
            "gap": result.gap,
            "relative_gap": result.relative_gap,
            "optimal": result.optimal,
            "status": result.status,
            "greedy_objective": None if baseline is None else baseline.objective,
            "participants": len({p for r in problem.requests for p in (r.requester, r.invitee)}),
            "slots": len(problem.slots),
            "rooms": len(problem.rooms),
            "solver_seconds": result.seconds,
            "seconds": seconds,
        }
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return

    click.echo(
        f"Placed {placed:,} of {len(problem.requests):,} requests"
        + (f" ({fixed:,} fixed)" if fixed else "")
        + f" in {_count(len(problem.slots), 'slot')} and {_count(len(problem.rooms), 'room')}: total weight "
        f"{_number(result.objective)} of {_number(total_weight)} requested."
    )
    if result.method == "greedy":
        click.echo("Greedy schedule (heaviest request first, earliest free slot); no bound.")
    elif result.optimal:
        click.echo(f"Optimal (proven bound {_number(result.bound or 0)}).")
    else:
        click.echo(
            f"Not proven optimal ({result.status}): at most {_number(result.bound or 0)} is possible, "
            f"a gap of {_number(result.gap or 0)} ({100 * (result.relative_gap or 0):.2f} %)."
        )
    if baseline is not None:
        gain = result.objective - baseline.objective
        click.echo(
            f"Greedy would place a total weight of {_number(baseline.objective)}"
            + (f" ({_number(gain)} less)." if gain > 0 else " too.")
        )
    for kind, count in kinds.most_common():
        click.echo(f"  unplaced, {kind}: {count:,}")
    click.echo(f"Wrote {out} in {seconds:.2f} s.")


def _fail(error: Any, as_json: bool) -> None:
    """Report every input problem and stop with exit status 1 (JSON on stdout with ``--json``)."""
    from dataclasses import asdict

    if as_json:
        payload = {"ok": False, "written": False, "errors": [asdict(issue) for issue in error.issues]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        sys.exit(1)
    count = len(error.issues)
    raise click.ClickException(
        f"{count} problem{'' if count == 1 else 's'} in the input; nothing was written:\n{error}"
    )
