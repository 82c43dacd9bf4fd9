"""The selection relaxation: which meetings to hold, with time counted but not placed.

Forget which slot each meeting takes and keep only what every schedule must satisfy:

.. code-block:: text

    maximise    sum_m w_m y_m                                  y_m in {0, 1}
    subject to  sum_{m ∋ p} y_m             <= min(cap_p, |U_p|)          every participant p
                sum_{m ∋ p, F_m ⊆ T} y_m   <= |T|         every p, every window T = F_k of p
                sum_{m: F_m ⊆ T} y_m        <= sum_{s in T} rooms_s       the most common windows T

where ``F_m`` is the set of slots meeting ``m`` can take (both participants available, no fixed
meeting, a room free), ``U_p`` the union of ``F_m`` over ``p``'s meetings, and ``rooms_s`` the rooms
free in slot ``s``. Each meeting of a schedule takes a slot of its own ``F_m``, a participant's
meetings take distinct slots and a slot holds at most ``rooms_s`` meetings, so every schedule's
meetings satisfy these rows (Hall's condition [1]_ for the windows): the relaxation's optimum is an
upper bound on the weight of any schedule. It is a b-matching problem with side constraints,
``M`` binary columns and about one row per participant, instead of ``M x S`` columns -- HiGHS solves
it in 1 to 4 s for 20,000 requests. With full availability and the same rooms in every slot its LP
equals the slot-indexed LP (spread each ``y_m`` evenly over the slots), so the bound is as good.

Its optimal selection is then placed slot by slot with repairs (:mod:`.repair`); when every chosen
meeting finds a slot the schedule meets the bound and is optimal. With full availability and rooms
to spare this always succeeds when the participants with the most meetings share no cycle of
meetings (König [2]_ for bipartite meeting graphs, Fournier [3]_ in general); availability lists and
room counts make it a list-colouring question that the repair step settles in practice (measured
in docs/methods/matchmaking.md).

References
----------
.. [1] P. Hall, "On representatives of subsets", *Journal of the London Mathematical Society* 10
   (1935) 26-30. :doi:`10.1112/jlms/s1-10.37.26`
.. [2] D. König, "Über Graphen und ihre Anwendung auf Determinantentheorie und Mengenlehre",
   *Mathematische Annalen* 77 (1916) 453-465. :doi:`10.1007/BF01456961`
.. [3] J.-C. Fournier, "Colorations des arêtes d'un graphe", *Cahiers du CERO* 15 (1973) 311-314.
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..assignment.solver import _highs
from .instance import Instance, slot_count

#: Room windows: rows for this many of the most common slot sets ``F_m``.
ROOM_WINDOWS = 32


@dataclass(frozen=True)
class Selection:
    """The relaxation's result: a proven upper bound on the weight of the movable meetings (fixed
    ones not included), the best selection found, and the model size."""

    bound: float
    chosen: tuple[int, ...]
    optimal: bool
    status: str
    rows: int
    seconds: float


def _rows(inst: Instance) -> tuple[list[list[int]], list[int]]:
    """The relaxation's rows as lists of meetings, with their right-hand sides; only rows that can
    bind (more members than the right-hand side) are kept."""
    rows: list[list[int]] = []
    rhs: list[int] = []
    by_person: dict[int, list[int]] = defaultdict(list)
    for m in range(inst.n_meetings):
        by_person[inst.a[m]].append(m)
        by_person[inst.b[m]].append(m)
    for p, members in by_person.items():
        union = 0
        for m in members:
            union |= inst.slots[m]
        most = slot_count(union) if inst.cap[p] is None else min(inst.cap[p] or 0, slot_count(union))
        if len(members) > most:
            rows.append(members)
            rhs.append(most)
        for window in {inst.slots[m] for m in members} - {union}:
            inside = [m for m in members if not inst.slots[m] & ~window]
            if len(inside) > slot_count(window) and slot_count(window) < most:
                rows.append(inside)
                rhs.append(slot_count(window))
    every = 0
    for mask in inst.slots:
        every |= mask
    common = [w for w, _ in Counter(inst.slots).most_common(ROOM_WINDOWS)]
    windows = dict.fromkeys([every, *common])
    for window in windows:
        capacity = sum(inst.free_rooms[s] for s in range(inst.n_slots) if window >> s & 1)
        inside = [m for m in range(inst.n_meetings) if not inst.slots[m] & ~window]
        if len(inside) > capacity:
            rows.append(inside)
            rhs.append(capacity)
    return rows, rhs


def select_meetings(
    inst: Instance, *, time_limit: float, seed: int, start: list[int] | None = None
) -> Selection:
    """Solve the selection relaxation with HiGHS within ``time_limit`` seconds.

    ``start``: meetings of a known schedule (a feasible selection), given to HiGHS as its first
    incumbent.
    """
    import highspy

    t0 = time.perf_counter()
    n = inst.n_meetings
    rows, rhs = _rows(inst)
    weight = np.asarray(inst.weight, dtype=float)
    if not rows:  # nothing binds: every meeting can be held as far as counting goes
        return Selection(float(weight.sum()), tuple(range(n)), True, "optimal", 0, time.perf_counter() - t0)
    row_index = np.repeat(np.arange(len(rows)), [len(r) for r in rows])
    col_index = np.concatenate([np.asarray(r, dtype=np.int64) for r in rows])
    matrix = sp.csc_array((np.ones(len(col_index)), (row_index, col_index)), shape=(len(rows), n))
    matrix.sort_indices()

    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, len(rows)
    lp.col_cost_ = weight
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.ones(n)
    lp.row_lower_ = np.full(len(rows), -highspy.kHighsInf)
    lp.row_upper_ = np.asarray(rhs, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, len(rows)
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    h = _highs()
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 1e-7 * float(weight.min()))
    h.setOptionValue("random_seed", int(seed) % 2_147_483_647)
    h.setOptionValue("time_limit", max(time_limit, 0.01))
    h.passModel(lp)
    if start:
        value = np.zeros(n)
        value[np.asarray(start, dtype=np.int64)] = 1.0
        solution = highspy.HighsSolution()
        solution.col_value = value
        solution.value_valid = True
        h.setSolution(solution)
    h.run()
    info = h.getInfo()
    status = h.getModelStatus()
    bound = float(info.mip_dual_bound)
    if not math.isfinite(bound):  # stopped before the root: the sum of all weights bounds it
        bound = float(weight.sum())
    chosen: tuple[int, ...] = tuple(start or ())
    if info.primal_solution_status == 2:
        x = np.asarray(h.getSolution().col_value)
        chosen = tuple(np.flatnonzero(x > 0.5).tolist())
    return Selection(
        bound=bound,
        chosen=chosen,
        optimal=status == highspy.HighsModelStatus.kOptimal,
        status=h.modelStatusToString(status).lower(),
        rows=len(rows),
        seconds=time.perf_counter() - t0,
    )
