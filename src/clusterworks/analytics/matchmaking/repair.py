"""Placing a meeting that does not fit by moving the meetings in its way (ejection chains).

A meeting ``m`` of ``a`` and ``b`` fits in slot ``s`` when both are free and a room is free. When no
slot is free, :func:`place_with_repair` tries the slots ``s`` of ``m`` (those with the fewest
meetings in the way first, at most :data:`LIFTS` lifts in all): the meetings that ``a`` and ``b``
have in ``s`` (or, if both are free but every room is taken, one other meeting of ``s``) are lifted
out and placed elsewhere -- in a free slot, or, ``depth`` levels down, by the same
repair -- never back into ``s``, and never moving a meeting twice in one chain. If every lifted
meeting finds a place, ``m`` takes ``s``; otherwise every change is undone. Fixed meetings never
move. A chain keeps the meetings already placed and adds one, so the total weight only grows.

This is the edge-recolouring step of edge-colouring algorithms (slots are colours, meetings are
edges between participants) in the bounded, list-constrained form that availability and room
counts call for: Vizing's proof [1]_ recolours along alternating paths; ejection chains [2]_ are
the local-search form used for timetabling.

References
----------
.. [1] V. G. Vizing, "On an estimate of the chromatic class of a p-graph", *Diskret. Analiz* 3
   (1964) 25-30; J. Misra and D. Gries, "A constructive proof of Vizing's theorem", *Information
   Processing Letters* 41 (1992) 131-133. :doi:`10.1016/0020-0190(92)90041-S`
.. [2] F. Glover, "Ejection chains, reference structures and alternating path methods for
   traveling salesman problems", *Discrete Applied Mathematics* 65 (1996) 223-253.
   :doi:`10.1016/0166-218X(94)00037-E`
"""

from __future__ import annotations

import time

from .instance import State, lowest_slot, slot_count, slot_indices

#: Meetings of a full slot tried, besides those that fit elsewhere at once, to free a room there.
ROOM_CANDIDATES = 4
#: Lifts one repair may try (each takes the meetings in the way out of one slot), so that a
#: hopeless meeting costs milliseconds, not the exponential search of a deep chain.
LIFTS = 400


class Budget:
    """How many more lifts (a group of meetings taken out of a slot) a repair may try."""

    def __init__(self, lifts: int) -> None:
        self.left = lifts


def place_with_repair(
    state: State,
    m: int,
    depth: int,
    *,
    forbid: int = 0,
    moving: frozenset[int] = frozenset(),
    budget: Budget | None = None,
) -> bool:
    """Place meeting ``m``, moving other meetings up to ``depth`` levels; True when it is placed.

    ``forbid`` is a bit set of slots ``m`` may not take; ``moving`` the meetings already lifted by
    the chain (not moved again); ``budget`` caps the lifts tried (default :data:`LIFTS`). Slots
    are tried with the fewest meetings in the way first, then in time order. On failure the state
    is as before.
    """
    free = state.free_slots(m) & ~forbid
    if free:
        state.place(m, lowest_slot(free))
        return True
    if depth <= 0 or not state.can_meet(m):
        return False
    budget = budget if budget is not None else Budget(LIFTS)
    inst = state.inst
    a, b = inst.a[m], inst.b[m]
    chain = moving | {m}
    options = []
    for s in slot_indices(inst.slots[m] & ~forbid):
        blockers: list[int] = []
        for q in (a, b):
            if state.busy[q] >> s & 1:
                f = state.at.get((q, s))
                if f is None or f in chain:  # a fixed meeting, or one this chain already moves
                    break
                if f not in blockers:
                    blockers.append(f)
        else:
            options.append((len(blockers), s, blockers))
    options.sort(key=lambda option: option[:2])
    for _, s, blockers in options:
        bit = 1 << s
        if blockers:
            groups = [blockers]
        elif state.rooms_left[s] <= 0:
            groups = [[f] for f in _room_candidates(state, s, chain)]
        else:  # pragma: no cover - the slot would have been free
            groups = []
        for group in groups:
            if budget.left <= 0:
                return False
            budget.left -= 1
            position = state.mark()
            for f in group:
                state.remove(f)
            lifted = chain | set(group)
            if (
                all(
                    place_with_repair(state, f, depth - 1, forbid=bit, moving=lifted, budget=budget)
                    for f in group
                )
                and state.free_slots(m) & bit
            ):
                state.place(m, s)
                return True
            state.undo(position)
    return False


def _room_candidates(state: State, s: int, chain: frozenset[int]) -> list[int]:
    """Meetings of slot ``s`` to lift so that a room frees up: those that fit elsewhere right away
    (all of them), then the first :data:`ROOM_CANDIDATES` others, in index order."""
    inst = state.inst
    ready, others = [], []
    for f in sorted(state.in_slot[s]):
        if f in chain:
            continue
        elsewhere = inst.slots[f] & ~(1 << s) & ~state.busy[inst.a[f]] & ~state.busy[inst.b[f]]
        (ready if elsewhere & state.with_room else others).append(f)
    return ready + others[:ROOM_CANDIDATES]


def place_all(
    state: State, meetings: list[int], *, depth: int, deadline: float | None = None, lifts: int = 0
) -> list[int]:
    """Place each meeting of ``meetings`` in order, with repairs of up to ``depth`` levels and
    ``lifts`` lifts each (default :data:`LIFTS`); returns those that could not be placed (all of
    the rest once ``deadline``, a ``perf_counter`` time, has passed)."""
    failed = []
    for k, m in enumerate(meetings):
        if m in state.slot:
            continue
        if deadline is not None and time.perf_counter() > deadline:
            failed.extend(x for x in meetings[k:] if x not in state.slot)
            break
        if not place_with_repair(state, m, depth, budget=Budget(lifts or LIFTS)):
            failed.append(m)
        state.journal = None  # nothing to undo across meetings
    return failed


def saturated(state: State, p: int) -> bool:
    """Participant ``p`` has a meeting in every slot they can attend, or has reached their cap."""
    inst = state.inst
    cap = inst.cap[p]
    if cap is not None and state.count[p] >= cap:
        return True
    return not inst.available[p] & ~state.busy[p]


def most_constrained_first(state: State, meetings: list[int]) -> list[int]:
    """``meetings`` by number of feasible slots, fewest first, then weight, largest first, then
    input order."""
    inst = state.inst
    return sorted(meetings, key=lambda m: (slot_count(inst.slots[m]), -inst.weight[m], inst.request[m]))
