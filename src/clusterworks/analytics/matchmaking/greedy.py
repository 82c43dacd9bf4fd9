"""The greedy schedule: what an organiser does with a sorted list of requests and a grid of tables."""

from __future__ import annotations

import time

from .instance import State, fill, greedy_order, prepare
from .model import Problem, Schedule
from .result import build_schedule


def greedy_schedule(problem: Problem) -> Schedule:
    """Place requests one at a time, largest weight first, each in its earliest free slot.

    Order: weight descending; among equal weights the most constrained first -- the pair with the
    fewest slots both participants can attend (and no fixed meeting takes) -- then input order.
    Each request goes to the earliest slot in which both participants are free, neither has reached
    their cap and a room is free; if there is none it is left out, with the reason. Fixed
    placements are kept and placed first; two participants meet at most once (see
    :func:`schedule_meetings`). Rooms are given per slot as for the exact method. The result has
    ``bound=None`` and ``optimal=False``.

    It runs in ``O(R log R + R S / w)`` for R requests and S slots (slot sets are bit sets of
    machine words of w bits), well under a second for 20,000 requests.

    Greedy is not optimal: placing a heavy request early can block two lighter ones whose total
    weight is larger (example in :func:`schedule_meetings`).
    """
    started = time.perf_counter()
    inst = prepare(problem)
    state = State(inst)
    fill(state, greedy_order(inst))
    status = "greedy" if inst.n_meetings or inst.fixed else "nothing to schedule"
    return build_schedule(
        inst, state, method="greedy", bound=None, optimal=False, status=status, started=started
    )
