"""The exact schedule: the greedy start, the selection relaxation and its placement by repairs, and
the slot-indexed mixed-integer programme, solved by HiGHS, with rooms counted per slot and given
afterwards (:mod:`.rooms`)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..assignment.solver import _highs
from .greedy import greedy_schedule
from .instance import Instance, State, compact, fill, greedy_order, prepare, slot_count
from .model import METHODS, Problem, Schedule
from .relaxation import select_meetings
from .repair import most_constrained_first, place_all, saturated
from .result import build_schedule

#: A column of the MIP solution counts as chosen above this value.
CHOSEN = 0.5
#: Seconds of the time limit kept back for the work after HiGHS (placing, rooms, reasons, checks).
RESERVE = 0.05
#: The schedule is optimal when its weight is within this share of the bound (HiGHS' tolerances are
#: 1e-6 on feasibility; its gap is asked to be below 1e-7 of the smallest weight).
OPTIMALITY_TOLERANCE = 1e-6
#: The slot-indexed MIP is not started with less time left than this (seconds).
MIN_SECONDS = 0.05
#: Deepest repair chain tried for the meetings of the selection that do not fit.
REPAIR_DEPTH = 4
#: Lifts per meeting when other meetings are tried after the selection's (see :mod:`.repair`).
REST_LIFTS = 24
#: Share of the time left given to the selection relaxation.
SELECTION_SHARE = 0.5
#: The slot-indexed MIP is tried (when a gap is left) up to this many (meeting, slot) columns.
#: Measured (bench/matchmaking_bench.py): HiGHS solves it alone in 0.45 s at 14,228 columns but
#: needs 229 s at 77,168, and finds no useful bound in 300 s at 392,894.
SLOT_MODEL_MAX_COLUMNS = 60_000


@dataclass(frozen=True)
class ModelSize:
    """Size of the MIP that was solved (after the reductions, before HiGHS' presolve)."""

    columns: int
    meeting_rows: int
    participant_slot_rows: int
    slot_rows: int
    cap_rows: int
    nonzeros: int

    @property
    def rows(self) -> int:
        return self.meeting_rows + self.participant_slot_rows + self.slot_rows + self.cap_rows


def _columns(inst: Instance) -> tuple[np.ndarray, np.ndarray]:
    """The (meeting, slot) pairs that can be chosen, ordered by meeting then slot."""
    n_slots = inst.n_slots
    if not inst.n_meetings:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    if n_slots <= 63:
        masks = np.array(inst.slots, dtype=np.uint64)
        bits = (masks[:, None] >> np.arange(n_slots, dtype=np.uint64)) & np.uint64(1)
        meeting, slot = np.nonzero(bits)
        return meeting.astype(np.int64), slot.astype(np.int64)
    pairs = [(m, s) for m, mask in enumerate(inst.slots) for s in range(n_slots) if mask >> s & 1]
    array = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    return array[:, 0], array[:, 1]


def build_model(inst: Instance) -> tuple[object, np.ndarray, np.ndarray, ModelSize]:
    """The MIP as a ``highspy.HighsLp``, its columns' meetings and slots, and its size.

    Only rows that can bind are kept: a meeting row when the meeting has two or more slots; a
    participant-slot row when two or more columns share it; a slot row when its columns outnumber
    its free rooms; a cap row when the participant could otherwise exceed the cap.
    """
    import highspy

    meeting, slot = _columns(inst)
    n_cols, n_slots = len(meeting), inst.n_slots
    a = np.asarray(inst.a, dtype=np.int64)[meeting]
    b = np.asarray(inst.b, dtype=np.int64)[meeting]
    rows_of: list[tuple[np.ndarray, np.ndarray]] = []  # (row index per entry, column per entry)
    upper: list[np.ndarray] = []
    n_rows = 0
    cols = np.arange(n_cols, dtype=np.int64)

    # each meeting at most once
    per_meeting = np.bincount(meeting, minlength=inst.n_meetings)
    keep = per_meeting >= 2
    row_id = np.cumsum(keep) - 1 + n_rows
    mask = keep[meeting]
    rows_of.append((row_id[meeting[mask]], cols[mask]))
    upper.append(np.ones(int(keep.sum())))
    meeting_rows = int(keep.sum())
    n_rows += meeting_rows

    # each participant in at most one meeting per slot
    n_people = len(inst.participants)
    key = np.concatenate([a * n_slots + slot, b * n_slots + slot])
    both_cols = np.concatenate([cols, cols])
    per_key = np.bincount(key, minlength=n_people * n_slots)
    keep = per_key >= 2
    row_id = np.cumsum(keep) - 1 + n_rows
    mask = keep[key]
    rows_of.append((row_id[key[mask]], both_cols[mask]))
    ps_rows = int(keep.sum())
    upper.append(np.ones(ps_rows))
    n_rows += ps_rows

    # at most the free rooms in each slot
    per_slot = np.bincount(slot, minlength=n_slots)
    free = np.asarray(inst.free_rooms, dtype=np.int64)
    keep = per_slot > free
    row_id = np.cumsum(keep) - 1 + n_rows
    mask = keep[slot]
    rows_of.append((row_id[slot[mask]], cols[mask]))
    slot_rows = int(keep.sum())
    upper.append(free[keep].astype(float))
    n_rows += slot_rows

    # caps: binding only when the participant has more meetings and more slots than the cap allows
    person = np.concatenate([a, b])
    meetings_of = np.bincount(np.concatenate([inst.a, inst.b]).astype(np.int64), minlength=n_people)
    cap = np.array([-1 if c is None else c for c in inst.cap], dtype=np.int64)
    reach = np.array([min(int(meetings_of[p]), inst.available[p].bit_count()) for p in range(n_people)])
    keep = (cap >= 0) & (reach > cap)
    row_id = np.cumsum(keep) - 1 + n_rows
    mask = keep[person]
    rows_of.append((row_id[person[mask]], both_cols[mask]))
    cap_rows = int(keep.sum())
    upper.append(cap[keep].astype(float))
    n_rows += cap_rows

    row = np.concatenate([r for r, _ in rows_of]) if rows_of else np.zeros(0, np.int64)
    col = np.concatenate([c for _, c in rows_of]) if rows_of else np.zeros(0, np.int64)
    matrix = sp.csc_array((np.ones(len(row)), (row, col)), shape=(n_rows, n_cols))
    matrix.sum_duplicates()
    matrix.sort_indices()

    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = n_rows
    lp.col_cost_ = np.asarray(inst.weight, dtype=float)[meeting]
    lp.col_lower_ = np.zeros(n_cols)
    lp.col_upper_ = np.ones(n_cols)
    lp.row_lower_ = np.full(n_rows, -highspy.kHighsInf)
    lp.row_upper_ = np.concatenate(upper) if upper else np.zeros(0)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.num_row_ = n_rows
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n_cols
    size = ModelSize(n_cols, meeting_rows, ps_rows, slot_rows, cap_rows, int(matrix.nnz))
    return lp, meeting, slot, size


def counting_bound(inst: Instance) -> float:
    """An upper bound on the weight of the movable meetings without a solver: the largest weights
    that fit in the free room-slots (``sum of the C largest weights`` for C free (room, slot)
    pairs)."""
    capacity = sum(inst.free_rooms)
    return math.fsum(sorted(inst.weight, reverse=True)[:capacity])


@dataclass(frozen=True)
class SlotModelRun:
    """The slot-indexed MIP's run: HiGHS' bound on the movable meetings' weight, its status."""

    bound: float
    optimal: bool
    status: str
    nodes: int
    seconds: float
    size: ModelSize


def solve_slot_model(state: State, *, deadline: float, seed: int) -> SlotModelRun:
    """Improve ``state`` in place with the slot-indexed MIP (HiGHS, warm-started from ``state``),
    stopping at ``deadline`` (a ``time.perf_counter()`` value)."""
    import highspy

    t0 = time.perf_counter()
    inst = state.inst
    lp, meeting, slot, size = build_model(inst)
    h = _highs()
    for name, value in (
        ("mip_rel_gap", 0.0),
        ("mip_abs_gap", 1e-7 * min(inst.weight)),
        ("random_seed", int(seed) % 2_147_483_647),
        # Measured: on 2,000 requests (36,700 columns) HiGHS' presolve spends 4-40 s probing the
        # clique rows without reducing anything; without it the same optimum is proven in 1.4 s.
        ("presolve", "off"),
    ):
        h.setOptionValue(name, value)
    h.passModel(lp)
    key = meeting * inst.n_slots + slot
    chosen = np.array([m * inst.n_slots + s for m, s in state.slot.items()], dtype=np.int64)
    if len(chosen):
        value = np.zeros(size.columns)
        value[np.searchsorted(key, chosen)] = 1.0
        solution = highspy.HighsSolution()
        solution.col_value = value
        solution.value_valid = True
        h.setSolution(solution)
    h.setOptionValue("time_limit", max(deadline - time.perf_counter(), 0.01))
    h.run()
    info = h.getInfo()
    model_status = h.getModelStatus()
    bound = float(info.mip_dual_bound)
    if info.primal_solution_status == 2:
        x = np.asarray(h.getSolution().col_value)
        candidate = State(inst)
        for j in np.flatnonzero(x > CHOSEN).tolist():
            m, s = int(meeting[j]), int(slot[j])
            if m not in candidate.slot and candidate.free_slots(m) >> s & 1:
                candidate.place(m, s)
        if candidate.weight > state.weight:
            for m in list(state.slot):
                state.remove(m)
            for m, s in candidate.slot.items():
                state.place(m, s)
    return SlotModelRun(
        bound=bound if math.isfinite(bound) else math.inf,
        optimal=model_status == highspy.HighsModelStatus.kOptimal,
        status=h.modelStatusToString(model_status).lower(),
        nodes=int(info.mip_node_count),
        seconds=time.perf_counter() - t0,
        size=size,
    )


def place_selection(
    inst: Instance, chosen: tuple[int, ...], order: list[int], *, target: float, deadline: float
) -> State:
    """Place the meetings of a selection, most constrained first, with repairs one level deep, then
    those that failed with deeper repairs (up to :data:`REPAIR_DEPTH` levels, while time is left);
    then add any other meeting that fits, and, if the total is still below ``target`` (the bound),
    the others with short repairs."""
    state = State(inst)
    failed = place_all(state, most_constrained_first(state, list(chosen)), depth=1, deadline=deadline)
    depth = 2
    while failed and depth <= REPAIR_DEPTH and time.perf_counter() < deadline:
        failed = place_all(state, failed, depth=depth, deadline=deadline)
        depth += 1
    fill(state, order)
    if failed and not _tight(state.weight, target):
        a, b = inst.a, inst.b
        rest = [
            m for m in order if m not in state.slot and not (saturated(state, a[m]) or saturated(state, b[m]))
        ]
        place_all(state, rest, depth=1, deadline=deadline, lifts=REST_LIFTS)
    return state


def _integral(inst: Instance) -> bool:
    return all(float(w).is_integer() for w in inst.weight)


def _tight(value: float, bound: float) -> bool:
    return value >= bound - OPTIMALITY_TOLERANCE * max(1.0, abs(bound))


def exact_schedule(problem: Problem, *, time_limit: float = 30.0, seed: int = 0) -> Schedule:
    """The exact method of :func:`schedule_meetings` (see there for the steps)."""
    started = time.perf_counter()
    deadline = started + time_limit - RESERVE
    inst = prepare(problem)
    order = greedy_order(inst)
    best = State(inst)
    fill(best, order)
    if not inst.n_meetings:
        status = "optimal" if inst.fixed else "nothing to schedule"
        return build_schedule(
            inst, best, method="exact", bound=inst.fixed_weight, optimal=True, status=status, started=started
        )
    integral = _integral(inst)

    def rounded(bound: float) -> float:
        return math.floor(bound + 1e-6) if integral else bound

    bound = rounded(counting_bound(inst))
    stopped = False
    if not _tight(best.weight, bound):
        left = deadline - time.perf_counter()
        selection = select_meetings(inst, time_limit=left * SELECTION_SHARE, seed=seed, start=list(best.slot))
        bound = min(bound, rounded(selection.bound))
        stopped = not selection.optimal
        if not _tight(best.weight, bound):
            state = place_selection(inst, selection.chosen, order, target=bound, deadline=deadline)
            if state.weight > best.weight:
                best = state
    if not _tight(best.weight, bound):
        left = deadline - time.perf_counter()
        columns = sum(slot_count(mask) for mask in inst.slots)
        if left <= MIN_SECONDS:
            stopped = True
        elif columns <= SLOT_MODEL_MAX_COLUMNS:
            run = solve_slot_model(best, deadline=deadline, seed=seed)
            bound = min(bound, rounded(run.bound))
            stopped = stopped or not run.optimal
            fill(best, order)
    optimal = _tight(best.weight, bound)
    compact(best)
    status = "optimal" if optimal else ("time limit" if stopped else "gap")
    return build_schedule(
        inst,
        best,
        method="exact",
        bound=inst.fixed_weight + max(bound, best.weight),
        optimal=optimal,
        status=status,
        started=started,
    )


def schedule_meetings(
    problem: Problem, *, method: str = "exact", time_limit: float = 30.0, seed: int = 0
) -> Schedule:
    """Place the requested one-to-one meetings of an event in time slots and rooms.

    Among all schedules that keep the rules, one with the largest total weight of placed requests:

    * a request is placed at most once, and two participants meet at most once: of the requests
      between the same two participants (a request and its reverse, or a repeat) at most one is
      placed -- the fixed one if any, else the one of largest weight, else the first; the others
      are unplaced as its duplicates;
    * no participant is in two meetings in the same slot, no room holds two meetings in the same
      slot;
    * a meeting takes a slot both participants can attend (``availability``), in a room open then
      (``room_slots``);
    * no participant has more meetings than their cap (``max_meetings``; fixed meetings count);
    * fixed placements stay where they are.

    Ties between schedules of equal weight: meetings are moved to earlier slots while they fit
    (each move lowers the sum of slot positions; idle gaps between a participant's meetings are not
    minimised). Rooms are given per slot, at a participant's home room when it is free
    (:mod:`clusterworks.analytics.matchmaking.rooms`).

    Parameters
    ----------
    problem : Problem
    method : {"exact", "greedy"}
        ``"greedy"``: :func:`greedy_schedule`, by weight then most constrained, earliest slot.
        ``"exact"``: a proven optimum, or the best schedule found within ``time_limit`` with a
        proven bound (see Notes).
    time_limit : float
        Seconds for the exact method, above 0; HiGHS checks its clock between steps, so a run can
        end a few tenths of a second later.
    seed : int
        HiGHS' random seed. With the same seed the result is the same, unless a time limit stops
        a solver (it then depends on the machine's speed).

    Returns
    -------
    Schedule
        ``bound`` is an upper bound on the total weight of any schedule (None for greedy);
        ``optimal`` is True when the schedule reaches it.

    Raises
    ------
    InvalidSchedulingProblem
        Naming every problem in the input (:func:`validate_problem`).
    ValueError
        For a bad ``method``, ``time_limit`` or ``seed``.

    Notes
    -----
    The model (docs/methods/matchmaking.md). One binary ``x[m, s]`` per meeting ``m`` (a pair
    that can meet) and slot ``s`` in ``F_m``, the slots both participants can attend, neither has a
    fixed meeting and a room is free::

        maximise    sum_{m,s} w_m x[m,s]
        subject to  sum_s x[m,s]                 <= 1             every meeting
                    sum_{m ∋ p} x[m,s]           <= 1             every participant p, slot s
                    sum_m x[m,s]                 <= rooms_s       every slot s (rooms open, not fixed)
                    sum_{m ∋ p, s} x[m,s]        <= cap_p - fixed_p   every capped participant

    Rooms are counted, not placed: since every room can host every meeting, a choice of slots can be
    given rooms exactly when no slot holds more meetings than its free rooms (proof in
    :mod:`.rooms`), whether or not rooms open in the same slots. The exact method:

    1. the greedy schedule; if it reaches the *counting bound* (the largest weights that fit in the
       free room-slots) it is optimal;
    2. the *selection relaxation* (:mod:`.relaxation`): which meetings, with each participant's
       meetings and each common window's rooms counted but no slot given -- a b-matching MIP with
       one column per meeting that HiGHS [1]_ solves in about a second for 20,000 requests; its
       optimum bounds every schedule;
    3. the selected meetings are placed, most constrained first, moving meetings in the way by
       ejection chains (:mod:`.repair`); if all fit, the schedule meets the bound: optimal;
    4. otherwise, when the slot-indexed model above has at most :data:`SLOT_MODEL_MAX_COLUMNS`
       columns, HiGHS solves it from the best schedule so far within the time left, and its bound
       counts too.

    ``bound`` is the smallest of these proven bounds (rounded down when all weights are whole);
    ``status`` is ``"optimal"``, ``"time limit"`` (a solver was stopped) or ``"gap"`` (a gap is
    left and the slot-indexed model is too large to try).

    References
    ----------
    .. [1] Q. Huangfu and J. A. J. Hall, "Parallelizing the dual revised simplex method",
       *Mathematical Programming Computation* 10 (2018) 119-142. :doi:`10.1007/s12532-017-0130-5`

    Examples
    --------
    One slot, two tables; a asks b (weight 3), a asks c and b asks d (weight 2 each):

    >>> from clusterworks.analytics.matchmaking import MeetingRequest
    >>> problem = Problem(slots=("S1",), rooms=("T1", "T2"), requests=(
    ...     MeetingRequest("r1", "a", "b", 3), MeetingRequest("r2", "a", "c", 2),
    ...     MeetingRequest("r3", "b", "d", 2)))
    >>> schedule_meetings(problem, method="greedy").objective
    3.0
    >>> best = schedule_meetings(problem)
    >>> best.objective, best.bound, best.optimal
    (4.0, 4.0, True)
    >>> [(p.request, p.slot, p.room) for p in best.placements]
    [('r2', 'S1', 'T1'), ('r3', 'S1', 'T2')]
    >>> best.unplaced["r1"]  # doctest: +NORMALIZE_WHITESPACE
    'no free slot shared by both a and b: of the 1 slot both can attend, a has another meeting in 1,
    b has another meeting in 1 and every room is taken in 1'
    """
    if method not in METHODS:
        raise ValueError(f"method is {method!r}; allowed: {', '.join(repr(m) for m in METHODS)}")
    if (
        isinstance(time_limit, bool)
        or not isinstance(time_limit, int | float)
        or not math.isfinite(time_limit)
        or time_limit <= 0
    ):
        raise ValueError(f"time_limit is {time_limit!r}; allowed: a number of seconds above 0")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed is {seed!r}; allowed: a whole number of at least 0")
    if method == "greedy":
        return greedy_schedule(problem)
    return exact_schedule(problem, time_limit=float(time_limit), seed=int(seed))
