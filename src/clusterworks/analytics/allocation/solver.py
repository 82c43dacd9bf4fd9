"""Solving the allocation exactly: checks of the sector minimums, the MIP on HiGHS, the integral
polish of the amounts, and the diagnosis of infeasible rules."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..assignment.solver import _highs
from .model import AllocationRules, InfeasibleAllocation, SolverInfo, _Instance, _instance
from .reasons import build_allocation, format_amount, format_score, violations

#: HiGHS' primal and MIP feasibility tolerance, in model units (see ``_scale``).
FEASIBILITY_TOLERANCE = 1e-9
#: A polished amount must be this close (in minor units) to a whole number before it is rounded (the
#: vertex is integral; what is left is floating-point error, about 0.02 on the 10,000-application
#: benchmark); the rounded amounts are then checked against every rule in integer arithmetic.
INTEGRALITY_TOLERANCE = 0.25
_LISTED = 5


# ------------------------------------------------------------------------------ bounds and rows


def _upper(inst: _Instance) -> np.ndarray:
    """The most each application can get on its own: requested, capped by the envelope, its
    cluster's cap and its sector's maximum; 0 when below the minimum score."""
    upper = np.minimum(inst.requested, inst.envelope)
    caps = np.array([-1 if cap is None else cap for cap in inst.cluster_cap] + [-1], dtype=np.int64)
    cap_i = caps[inst.cluster]  # index -1 picks the trailing "no cap"
    upper = np.where(cap_i >= 0, np.minimum(upper, cap_i), upper)
    maxs = np.array([-1 if m is None else m for m in inst.sector_max] + [-1], dtype=np.int64)
    max_i = maxs[inst.sector]
    upper = np.where(max_i >= 0, np.minimum(upper, max_i), upper)
    return np.where(inst.eligible, upper, 0)


def _candidates(inst: _Instance, upper: np.ndarray) -> np.ndarray:
    """Applications that can receive anything: eligible, and their floor fits their own limits."""
    return np.flatnonzero(inst.eligible & (upper >= np.maximum(inst.floor, 1)))


def _sector_reach(inst: _Instance, upper: np.ndarray, cand: np.ndarray, s: int) -> tuple[int, int, int]:
    """(applications, total requested, most receivable) for sector ``s``, from its candidates:
    per cluster at most the cap, in total at most the sector maximum and the envelope."""
    mine = cand[inst.sector[cand] == s]
    requested = int(inst.requested[mine].sum())
    reach = 0
    for c in np.unique(inst.cluster[mine]).tolist():
        amount = int(upper[mine[inst.cluster[mine] == c]].sum())
        cap = inst.cluster_cap[c] if c >= 0 else None
        reach += amount if cap is None else min(amount, cap)
    if inst.sector_max[s] is not None:
        reach = min(reach, inst.sector_max[s])
    return len(mine), requested, min(reach, inst.envelope)


def _check_minimums(inst: _Instance, upper: np.ndarray, cand: np.ndarray, money) -> None:
    """Raise :class:`InfeasibleAllocation` for the sector minimums that fail on simple counting."""
    minimums = [(s, m) for s, m in enumerate(inst.sector_min) if m]
    if not minimums:
        return
    above = [(s, m) for s, m in minimums if inst.sector_max[s] is not None and m > inst.sector_max[s]]
    if above:
        parts = [
            f"sector {inst.sectors[s]}'s minimum {money(m)} exceeds its maximum {money(inst.sector_max[s])}"
            for s, m in above
        ]
        raise InfeasibleAllocation(
            "infeasible rules: " + "; and ".join(parts),
            reason="sector-min-above-max",
            sectors=tuple(inst.sectors[s] for s, _ in above),
            needed=sum(m for _, m in above),
        )
    total = sum(m for _, m in minimums)
    if total > inst.envelope:
        listed = ", ".join(f"{inst.sectors[s]} {money(m)}" for s, m in minimums)
        raise InfeasibleAllocation(
            f"infeasible rules: the sector minimums add up to {money(total)} ({listed}), more than the "
            f"envelope of {money(inst.envelope)}",
            reason="sector-mins-exceed-envelope",
            sectors=tuple(inst.sectors[s] for s, _ in minimums),
            needed=total,
            achievable=inst.envelope,
        )
    short = []
    for s, m in minimums:
        count, requested, reach = _sector_reach(inst, upper, cand, s)
        if reach < m:
            short.append((s, m, count, requested, reach))
    if short:
        parts = []
        for s, m, count, requested, reach in short:
            who = f"{count} eligible application{'' if count == 1 else 's'}"
            if inst.min_score is not None:
                who += f" (score at least {format_score(inst.min_score)})"
            text = (
                f"sector {inst.sectors[s]}'s minimum {money(m)} cannot be met: its {who} request "
                f"{money(requested)}"
            )
            if reach < requested:
                text += (
                    f" and can receive at most {money(reach)} within the envelope, cluster caps and "
                    "sector maximum"
                )
            parts.append(text)
        raise InfeasibleAllocation(
            "infeasible rules: " + "; and ".join(parts),
            reason="sector-min-unreachable",
            sectors=tuple(inst.sectors[s] for s, *_ in short),
            needed=sum(m for _, m, *_ in short),
            achievable=sum(r for *_, r in short),
        )


def _scale(upper: np.ndarray) -> float:
    """Minor units per model unit: a power of ten that brings the largest bound to at most 10^3
    (HiGHS warns about, and may mis-solve, bounds near 10^11 against its 10^-9 tolerances)."""
    largest = int(upper.max()) if len(upper) else 1
    return float(10 ** max(0, math.ceil(math.log10(max(largest, 1))) - 3))


class _Model:
    """The allocation MIP over the candidates, in HiGHS.

    Columns: one amount x_i per candidate, semi-continuous on [floor_i, upper_i] (x_i = 0 or
    floor_i <= x_i <= upper_i), continuous on [0, upper_i] when the floor is 0. Rows: the envelope,
    each capped cluster, each sector with a minimum or maximum; every coefficient is 1.
    """

    def __init__(self, inst: _Instance, upper: np.ndarray, cand: np.ndarray, time_limit: float | None):
        import highspy

        self.inst, self.cand = inst, cand
        self.scale = _scale(upper[cand])
        self.upper = upper
        n = len(cand)
        top = float(inst.score[cand].max()) if n else 1.0
        self.score_unit = top if top > 0 else 1.0
        h = _highs()
        for name, value in (
            ("mip_rel_gap", 0.0),
            ("mip_abs_gap", 0.0),
            ("primal_feasibility_tolerance", FEASIBILITY_TOLERANCE),
            ("mip_feasibility_tolerance", FEASIBILITY_TOLERANCE),
            ("random_seed", 0),
            # Measured on bench/allocation_bench.py (10,000 applications, two seeds): HiGHS' presolve
            # turns the semi-continuous amounts into 19,000 rows with a weak relaxation, and the
            # RINS/RENS sub-MIPs then take most of the root node; without them the same optimum is
            # proven in 4.0-4.7 s instead of 9.9-13.6 s.
            ("presolve", "off"),
            ("mip_heuristic_run_rins", False),
            ("mip_heuristic_run_rens", False),
        ):
            h.setOptionValue(name, value)
        if time_limit is not None:
            h.setOptionValue("time_limit", float(time_limit))
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        s = self.scale
        self.low = inst.floor[cand] / s
        self.high = upper[cand] / s
        h.addVars(n, np.zeros(n), self.high)
        h.changeColsCost(n, np.arange(n, dtype=np.int32), inst.score[cand] / self.score_unit)
        self.semi = np.flatnonzero(inst.floor[cand] > 0).astype(np.int32)

        rows, lower, upper_rows, names = [], [], [], []
        rows.append(np.arange(n))
        lower.append(-highspy.kHighsInf)
        upper_rows.append(inst.envelope / s)
        names.append(("envelope", None))
        for c, cap in enumerate(inst.cluster_cap):
            members = np.flatnonzero(inst.cluster[cand] == c)
            if cap is not None and len(members) and int(upper[cand[members]].sum()) > cap:
                rows.append(members)
                lower.append(-highspy.kHighsInf)
                upper_rows.append(cap / s)
                names.append(("cluster-cap", c))
        for q, (m_low, m_high) in enumerate(zip(inst.sector_min, inst.sector_max, strict=True)):
            members = np.flatnonzero(inst.sector[cand] == q)
            need_high = m_high is not None and int(upper[cand[members]].sum()) > m_high
            if m_low or need_high:
                rows.append(members)
                lower.append(m_low / s if m_low else -highspy.kHighsInf)
                upper_rows.append(m_high / s if need_high else highspy.kHighsInf)
                names.append(("sector", q))
        self.rows, self.row_lower, self.row_upper, self.row_names = rows, lower, upper_rows, names
        starts = np.cumsum([0] + [len(r) for r in rows[:-1]]).astype(np.int32)
        index = np.concatenate(rows).astype(np.int32) if rows else np.zeros(0, np.int32)
        h.addRows(
            len(rows), np.array(lower), np.array(upper_rows), len(index), starts, index, np.ones(len(index))
        )
        self.highs = h

    def solve_mip(self) -> tuple[str, np.ndarray | None, dict[str, Any]]:
        import highspy

        h, n = self.highs, len(self.cand)
        if len(self.semi):
            h.changeColsBounds(len(self.semi), self.semi, self.low[self.semi], self.high[self.semi])
            kinds = np.full(len(self.semi), highspy.HighsVarType.kSemiContinuous)
            h.changeColsIntegrality(len(self.semi), self.semi, kinds)
        h.run()
        status = h.modelStatusToString(h.getModelStatus())
        info = h.getInfo()
        details = {
            "nodes": int(info.mip_node_count) if len(self.semi) else 0,
            "bound": float(info.mip_dual_bound) if len(self.semi) else float(info.objective_function_value),
            "proved": h.getModelStatus() == highspy.HighsModelStatus.kOptimal,
        }
        solution = np.asarray(h.getSolution().col_value) if info.primal_solution_status == 2 else None
        if h.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
            return "infeasible", None, details
        return status, solution if n else np.zeros(0), details

    def polish(self, x: np.ndarray) -> np.ndarray:
        """Whole amounts: fix who is funded, re-solve the remaining LP by simplex and read its vertex.

        With the funded set fixed, the rows (the envelope with the clusters, and the sectors) form
        two laminar families, so the LP's matrix is totally unimodular and every vertex is integral
        in minor units; the simplex method stops at a vertex.
        """
        import highspy

        h, n, s = self.highs, len(self.cand), self.scale
        funded = x * s > 0.5
        idx = np.arange(n, dtype=np.int32)
        h.changeColsIntegrality(n, idx, np.full(n, highspy.HighsVarType.kContinuous))
        low = np.where(funded, self.low, 0.0)
        high = np.where(funded | (self.inst.floor[self.cand] == 0), self.high, 0.0)
        h.changeColsBounds(n, idx, low, high)
        h.setOptionValue("solver", "simplex")
        h.clearSolver()
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:  # pragma: no cover - a solver bug
            raise RuntimeError(
                f"HiGHS could not re-solve the amounts ({h.modelStatusToString(h.getModelStatus())}); "
                "please report this instance"
            )
        amounts = np.asarray(h.getSolution().col_value) * s
        whole = np.round(amounts)
        if n and float(np.abs(amounts - whole).max()) > INTEGRALITY_TOLERANCE:  # pragma: no cover
            raise RuntimeError("the re-solved amounts are not whole minor units; please report this instance")
        return whole.astype(np.int64)


def _diagnose(inst: _Instance, upper: np.ndarray, cand: np.ndarray, money) -> InfeasibleAllocation:
    """Why an infeasible MIP is infeasible: re-solve with each sector minimum allowed a shortfall,
    minimising the total shortfall; the sectors left short are the conflicting minimums."""
    import highspy

    model = _Model(inst, upper, cand, time_limit=None)
    h = model.highs
    n = len(cand)
    h.changeColsCost(n, np.arange(n, dtype=np.int32), np.zeros(n))
    h.changeObjectiveSense(highspy.ObjSense.kMinimize)
    with_min = [
        (r, q) for r, (kind, q) in enumerate(model.row_names) if kind == "sector" and inst.sector_min[q]
    ]
    for r, _ in with_min:  # shortfall column: enters its sector row with coefficient 1, cost 1
        h.addCol(1.0, 0.0, highspy.kHighsInf, 1, np.array([r], np.int32), np.array([1.0]))
    _, x, _ = model.solve_mip()
    if x is None:  # pragma: no cover - shortfalls make every instance feasible
        return InfeasibleAllocation("infeasible rules", reason="sector-mins-conflict")
    shortfall = {q: x[n + j] * model.scale for j, (_, q) in enumerate(with_min)}
    short = [(q, math.ceil(v - 1e-6)) for q, v in shortfall.items() if v > 0.5]
    parts = [
        f"sector {inst.sectors[q]} (minimum {money(inst.sector_min[q])}) short by at least {money(v)}"
        for q, v in short
    ] or ["some sector minimum short"]
    involved = [q for _, q in with_min]
    needed = sum(inst.sector_min[q] for q in involved)
    message = (
        "infeasible rules: the sector minimums of "
        + ", ".join(str(inst.sectors[q]) for q in involved)
        + f" ({money(needed)} in total) cannot all be met together under the envelope of "
        f"{money(inst.envelope)}, the cluster caps and the all-or-nothing floors; at best " + "; ".join(parts)
    )
    return InfeasibleAllocation(
        message,
        reason="sector-mins-conflict",
        sectors=tuple(inst.sectors[q] for q in involved),
        needed=needed,
        achievable=needed - sum(v for _, v in short),
    )


def _money(decimals: int):
    return lambda v: format_amount(int(v), decimals)


def allocate_instance(inst: _Instance, *, time_limit: float | None, amount_decimals: int):
    """Solve a checked instance; see :func:`allocate`."""
    t0 = time.perf_counter()
    money = _money(amount_decimals)
    upper = _upper(inst)
    cand = _candidates(inst, upper)
    _check_minimums(inst, upper, cand, money)
    awarded = np.zeros(len(inst.ids), dtype=np.int64)
    if len(cand) == 0:
        info = SolverInfo(
            method="nothing to allocate",
            status="optimal",
            seconds=time.perf_counter() - t0,
            upper_bound=0.0,
            gap=0.0,
            relative_gap=0.0,
        )
        return build_allocation(inst, awarded, optimal=True, solver=info, amount_decimals=amount_decimals)
    model = _Model(inst, upper, cand, time_limit)
    status, x, details = model.solve_mip()
    if status == "infeasible":
        raise _diagnose(inst, upper, cand, money)
    if x is None:
        raise RuntimeError(f"HiGHS found no allocation ({status}); try a longer time limit")
    awarded[cand] = model.polish(x)
    problems = violations(inst, awarded)
    if problems:  # pragma: no cover - a solver bug
        raise RuntimeError(
            "the allocation breaks the rules (" + "; ".join(problems) + "); please report this instance"
        )
    objective = math.fsum((inst.score * awarded).tolist())
    bound = details["bound"] * model.score_unit * model.scale
    gap = max(0.0, bound - objective)
    info = SolverInfo(
        method="MIP, HiGHS branch and cut (semi-continuous amounts), then an LP for whole amounts",
        status=status.lower(),
        seconds=time.perf_counter() - t0,
        variables=len(cand),
        constraints=len(model.row_names),
        nodes=details["nodes"],
        upper_bound=bound,
        gap=gap,
        relative_gap=gap / max(1.0, abs(objective)),
    )
    return build_allocation(
        inst, awarded, optimal=bool(details["proved"]), solver=info, amount_decimals=amount_decimals
    )


def allocate(
    applications: Iterable[Any],
    *,
    envelope: int,
    rules: AllocationRules | None = None,
    time_limit: float | None = None,
    amount_decimals: int = 0,
):
    """Award the envelope to maximise the total of score x amount, exactly (a MIP solved by HiGHS).

    Each application gets 0 or an amount between its floor and its request, in whole minor units;
    applications below the minimum score get nothing; no cluster receives more than its cap; every
    sector receives at least its minimum and at most its maximum; the awards add up to at most the
    envelope. Among all such allocations one with the largest ``sum(score_i x awarded_i)`` is
    returned, with HiGHS' proof of optimality (MIP gap 0).

    Parameters
    ----------
    applications : iterable of Application or of mappings
        Mappings have the keys of :class:`Application` (``id``, ``requested``, ``score`` and optional
        ``floor``, ``cluster``, ``sector``). Amounts are whole numbers of minor units.
    envelope : int
        The budget, in minor units, at least 0.
    rules : AllocationRules, optional
        Minimum score, cluster caps, sector quotas; default: none.
    time_limit : float, optional
        Seconds for HiGHS; when it stops early the best allocation found is returned with
        ``optimal=False`` and the gap it has proved.
    amount_decimals : int
        Decimal places of the minor unit in the texts (2 shows kopecks as roubles); amounts are
        never rounded.

    Returns
    -------
    Allocation

    Raises
    ------
    InfeasibleAllocation
        When the sector minimums cannot be met (the message names the sectors and the amounts).
    ValueError, TypeError
        For malformed input; the message names the value and what is allowed.

    See Also
    --------
    greedy_allocation : the by-score baseline.
    envelope_sensitivity : the same problem at other envelopes.

    Notes
    -----
    The model (docs/methods/allocation.md)::

        maximise    sum_i score_i x_i
        subject to  x_i = 0  or  floor_i <= x_i <= requested_i       (semi-continuous)
                    x_i = 0                        if score_i < min_score
                    sum_i x_i <= envelope
                    sum_{i in cluster c} x_i <= cap_c
                    min_s <= sum_{i in sector s} x_i <= max_s

    HiGHS [1]_ solves it by branch and cut with ``mip_rel_gap = mip_abs_gap = 0``, on amounts scaled
    by a power of ten. Then, with the funded set fixed, the remaining LP is re-solved by the simplex
    method: its matrix (the envelope and cluster rows, one laminar family, and the sector rows,
    another) is totally unimodular [2]_, so its vertex is in whole minor units and the amounts are
    exact integers with the same objective. The result is checked against every rule in integer
    arithmetic. ``solver.upper_bound`` is HiGHS' proven bound; ``solver.gap`` its distance to the
    objective.

    References
    ----------
    .. [1] Q. Huangfu and J. A. J. Hall, "Parallelizing the dual revised simplex method",
       *Mathematical Programming Computation* 10 (2018) 119-142. :doi:`10.1007/s12532-017-0130-5`
    .. [2] A. Schrijver, *Theory of Linear and Integer Programming*, Wiley, 1986, ch. 19 (totally
       unimodular matrices; by the Ghouila-Houri criterion the rows of two laminar families form one).

    Examples
    --------
    An envelope of 100 and three all-or-nothing applications (hand-worked in the package docstring):

    >>> apps = [dict(id="A", requested=60, score=9), dict(id="B", requested=50, score=8),
    ...         dict(id="C", requested=50, score=7)]
    >>> result = allocate(apps, envelope=100)
    >>> result.awarded, result.objective, result.optimal
    ({'A': 0, 'B': 50, 'C': 50}, 750.0, True)
    >>> result.award("A").reason, result.award("A").text
    ('cut-by-envelope', 'not funded: needs at least 60; the envelope of 100 is used up')
    """
    inst = _instance(applications, envelope, rules)
    return allocate_instance(inst, time_limit=time_limit, amount_decimals=_decimals(amount_decimals))


def _decimals(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        raise ValueError(f"amount_decimals is {value!r}; allowed: a whole number from 0 to 6")
    return value
