"""From chosen slots to a :class:`Schedule`: rooms, placements, the reason each request is left out,
and a final check of every rule (a failure is a bug, never returned)."""

from __future__ import annotations

import math
import time

from clusterworks.analytics.reasons import Reason

from . import reasons as why
from .check import check_schedule
from .instance import Instance, State, slot_count
from .model import Placement, Schedule
from .rooms import assign_rooms

#: A solver's bound this close below the objective (relative) is read as equal to it.
BOUND_TOLERANCE = 1e-6


def unplaced_reason(inst: Instance, state: State, m: int) -> Reason:
    """Why meeting ``m`` is not in the final schedule ``state``: a participant's cap is reached, or
    in every slot both can attend, one of them has another meeting or every room is taken."""
    a, b = inst.a[m], inst.b[m]
    names = inst.participants
    for p in (a, b):
        if inst.cap[p] is not None and state.count[p] >= inst.cap[p]:
            return why.cap_reached(inst.cap_total[p] or 0, names[p])
    shared = inst.slots[m]
    free = shared & ~state.busy[a] & ~state.busy[b] & state.with_room
    if free:  # pragma: no cover - every method fills the schedule before it returns
        return why.slot_left_free(names[a], names[b], slot_count(shared))
    return why.no_free_slot(
        names[a],
        names[b],
        slots=slot_count(shared),
        first_busy=slot_count(shared & state.busy[a]),
        second_busy=slot_count(shared & state.busy[b]),
        rooms_full=slot_count(shared & ~state.with_room),
    )


def build_schedule(
    inst: Instance,
    state: State,
    *,
    method: str,
    bound: float | None,
    optimal: bool,
    status: str,
    started: float,
) -> Schedule:
    """The schedule of ``state`` with rooms and reasons, checked against every rule."""
    problem = inst.problem
    requests = problem.requests
    rooms = assign_rooms(inst, state)
    items = [(s, r, i) for i, s, r in inst.fixed]
    items += [(state.slot[m], rooms[m], inst.request[m]) for m in state.slot]
    items.sort()
    placements = tuple(Placement(requests[i].id, problem.slots[s], problem.rooms[r]) for s, r, i in items)
    reasons = dict(inst.reasons)
    for m in range(inst.n_meetings):
        if m not in state.slot:
            reasons[inst.request[m]] = unplaced_reason(inst, state, m)
    unplaced = {requests[i].id: reasons[i] for i in sorted(reasons)}
    objective = math.fsum([inst.fixed_weight, *(inst.weight[m] for m in state.slot)])
    if bound is not None and bound >= objective - BOUND_TOLERANCE * max(1.0, objective):
        bound = max(bound, objective)  # a dual bound a rounding error below the objective
    schedule = Schedule(
        placements=placements,
        unplaced={key: reason.text for key, reason in unplaced.items()},
        unplaced_reasons=unplaced,
        objective=objective,
        bound=bound,
        optimal=optimal,
        method=method,
        status=status,
        seconds=time.perf_counter() - started,
    )
    problems = check_schedule(problem, schedule)
    if problems:  # pragma: no cover - a bug
        raise RuntimeError(
            "the schedule breaks the rules (" + "; ".join(problems[:5]) + "); please report this problem"
        )
    return schedule
