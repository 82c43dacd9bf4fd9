"""From chosen slots to a :class:`Schedule`: rooms, placements, the reason each request is left out,
and a final check of every rule (a failure is a bug, never returned)."""

from __future__ import annotations

import math
import time

from .check import check_schedule
from .instance import Instance, State, cap_reason, slot_count
from .model import Placement, Schedule
from .rooms import assign_rooms

#: A solver's bound this close below the objective (relative) is read as equal to it.
BOUND_TOLERANCE = 1e-6


def unplaced_reason(inst: Instance, state: State, m: int) -> str:
    """Why meeting ``m`` is not in the final schedule ``state``: a participant's cap is reached, or
    in every slot both can attend, one of them has another meeting or every room is taken."""
    a, b = inst.a[m], inst.b[m]
    names = inst.participants
    for p in (a, b):
        if inst.cap[p] is not None and state.count[p] >= inst.cap[p]:
            return cap_reason(inst.cap_total[p] or 0, names[p])
    shared = inst.slots[m]
    busy_a = slot_count(shared & state.busy[a])
    busy_b = slot_count(shared & state.busy[b])
    full = slot_count(shared & ~state.with_room)
    free = shared & ~state.busy[a] & ~state.busy[b] & state.with_room
    n = slot_count(shared)
    head = f"no free slot shared by both {names[a]} and {names[b]}: of the {n} slot{'' if n == 1 else 's'}"
    head += " both can attend"
    if free:  # pragma: no cover - every method fills the schedule before it returns
        return f"not placed, although a slot is free ({head})"
    parts = []
    if busy_a:
        parts.append(f"{names[a]} has another meeting in {busy_a}")
    if busy_b:
        parts.append(f"{names[b]} has another meeting in {busy_b}")
    if full:
        parts.append(f"every room is taken in {full}")
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{head}, {listed}"


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
        unplaced=unplaced,
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
