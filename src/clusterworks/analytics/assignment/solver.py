"""Solving the assignment: feasibility (max flow), the min-cost-flow LP on HiGHS, and greedy."""

from __future__ import annotations

import dataclasses
import math
import os
import sys
import threading
import time
from collections.abc import Hashable, Iterable
from types import MappingProxyType
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order, maximum_flow

from .problem import (
    _LISTED,
    GAP_TOLERANCE,
    INTEGRALITY_TOLERANCE,
    PRICING_TOLERANCE,
    Assignment,
    InfeasibleAssignment,
    SolverInfo,
    _count,
    _Problem,
    _problem,
)

# --------------------------------------------------------------------------------- feasibility


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _names(labels: Iterable[Hashable]) -> str:
    labels = list(labels)
    shown = ", ".join(str(label) for label in labels[:_LISTED])
    return shown + (", ..." if len(labels) > _LISTED else "")


def _check_counts(p: _Problem, k: int, cap: int) -> None:
    """Raise for applications with fewer than k eligible reviewers and for total capacity."""
    n_app = len(p.applications)
    reasons = []
    short: tuple[Hashable, ...] = ()
    degree = np.bincount(p.app, minlength=n_app)
    short_idx = np.flatnonzero(degree < k)
    if len(short_idx) == 1:
        a = short_idx[0]
        have = "only " + _plural(int(degree[a]), "eligible, non-conflicted reviewer")
        if degree[a] == 0:
            have = "no eligible, non-conflicted reviewer"
        reasons.append(f"application {p.applications[a]} has {have}; {k} {'is' if k == 1 else 'are'} needed")
    elif len(short_idx) > 1:
        listed = ", ".join(f"{p.applications[a]} ({degree[a]})" for a in short_idx[:_LISTED])
        more = ", ..." if len(short_idx) > _LISTED else ""
        reasons.append(
            f"{len(short_idx):,} applications have fewer than {k} eligible, non-conflicted reviewers: "
            f"{listed}{more}"
        )
    if len(short_idx):
        short = tuple(p.applications[a] for a in short_idx)
    needed = k * n_app
    n_rev = len(np.unique(p.rev))
    capacity = n_rev * cap
    if needed > capacity:
        reasons.append(
            f"{_plural(k, 'reviewer')} x {_plural(n_app, 'application')} = {needed:,} reviews exceed "
            f"the capacity {_plural(n_rev, 'reviewer')} x max-load {cap} = {capacity:,}"
        )
    if reasons:
        raise InfeasibleAssignment(
            "no feasible assignment: " + "; and ".join(reasons),
            reason="too-few-eligible" if short else "capacity",
            needed=needed,
            applications=short,
        )


def _max_flow(p: _Problem, k: int, cap: int) -> np.ndarray:
    """A feasible assignment as a boolean mask over pairs, or :class:`InfeasibleAssignment`.

    Nodes: 0 the source, 1..n_app the applications, then the reviewers, then the sink. When the
    maximum flow falls short, the nodes reachable from the source in the residual network form a
    minimum cut; its applications are a set violating Hall's condition.
    """
    n_app, n_rev, m = len(p.applications), len(p.reviewers), len(p.aff)
    sink = n_app + n_rev + 1
    rows = np.concatenate([np.zeros(n_app, np.int64), 1 + p.app, 1 + n_app + np.arange(n_rev)])
    cols = np.concatenate([1 + np.arange(n_app), 1 + n_app + p.rev, np.full(n_rev, sink)])
    caps = np.concatenate([np.full(n_app, k), np.ones(m), np.full(n_rev, cap)]).astype(np.int32)
    graph = sp.csr_array((caps, (rows, cols)), shape=(sink + 1, sink + 1))
    result = maximum_flow(graph, 0, sink, method="dinic")
    flow = sp.coo_array(result.flow)
    needed = k * n_app

    if result.flow_value < needed:
        residual = sp.csr_array(graph - result.flow)
        residual.data = np.where(residual.data > 0, residual.data, 0)
        residual.eliminate_zeros()
        reach = np.zeros(sink + 1, dtype=bool)
        reach[breadth_first_order(residual, 0, directed=True, return_predecessors=False)] = True
        hall_apps = np.flatnonzero(reach[1 : 1 + n_app])
        hall_revs = np.flatnonzero(reach[1 + n_app : 1 + n_app + n_rev])
        in_hall = reach[1 + p.app]
        other_pairs = int((in_hall & ~reach[1 + n_app + p.rev]).sum())
        can = cap * len(hall_revs) + other_pairs
        parts = []
        if len(hall_revs):
            parts.append(
                f"{_plural(len(hall_revs), 'reviewer')} {_names(p.reviewers[r] for r in hall_revs)} "
                f"x max-load {cap} = {cap * len(hall_revs):,}"
            )
        if other_pairs:
            parts.append(f"{_plural(other_pairs, 'pair')} with other reviewers, one review each")
        raise InfeasibleAssignment(
            f"no feasible assignment: a maximum flow makes only {result.flow_value:,} of the "
            f"{needed:,} reviews needed; the {_plural(len(hall_apps), 'application')} "
            f"{_names(p.applications[a] for a in hall_apps)} need {k * len(hall_apps):,} reviews but "
            f"can receive at most {can:,} ({' plus '.join(parts)}), so Hall's condition fails for "
            "this set",
            reason="hall",
            needed=needed,
            achievable=int(result.flow_value),
            applications=tuple(p.applications[a] for a in hall_apps),
            reviewers=tuple(p.reviewers[r] for r in hall_revs),
        )

    used = (flow.coords[0] >= 1) & (flow.coords[0] <= n_app) & (flow.coords[1] > n_app)
    used &= (flow.coords[1] < sink) & (flow.data > 0)
    codes = (flow.coords[0][used] - 1) * n_rev + (flow.coords[1][used] - 1 - n_app)
    mask = np.zeros(m, dtype=bool)
    mask[np.searchsorted(p.app * n_rev + p.rev, codes)] = True
    return mask


# ----------------------------------------------------------------------------------------- HiGHS

_BANNER_LOCK = threading.Lock()
_banner_done = False


def _highs() -> Any:
    """A silent HiGHS instance.

    HiGHS writes a copyright banner straight to file descriptor 1 the first time a solver is created
    in a process (``contextlib.redirect_stdout`` cannot catch it). A command run with ``--json``
    must print only JSON, so the first instance is created with descriptor 1 pointed at /dev/null.
    """
    global _banner_done
    import highspy

    with _BANNER_LOCK:
        try:
            saved = -1 if _banner_done else os.dup(1)
        except OSError:  # no descriptor 1 at all: nothing to protect
            saved = -1
        if saved < 0:
            highs = highspy.Highs()
        else:
            sys.stdout.flush()
            try:
                with open(os.devnull, "w") as null:
                    os.dup2(null.fileno(), 1)
                    highs = highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
        _banner_done = True
    highs.setOptionValue("output_flag", False)
    return highs


def _initial_columns(p: _Problem, k: int) -> np.ndarray:
    """The ``k + 1`` pairs of highest affinity of every application (ties: lower reviewer index)."""
    order = np.lexsort((-p.aff, p.app))  # stable: ties keep the reviewer order
    starts = np.searchsorted(p.app[order], np.arange(len(p.applications)))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - starts[p.app[order]]
    return rank < k + 1


def _solve_lp(
    p: _Problem, k: int, cap: int, start: np.ndarray, feasible: np.ndarray
) -> tuple[np.ndarray, SolverInfo]:
    """Solve the flow LP by column generation with HiGHS; return the chosen-pair mask and info.

    The LP starts with the pairs in ``start``; if that restricted LP is infeasible, the pairs of the
    feasible assignment ``feasible`` are added, after which it cannot be.
    """
    import highspy

    t0 = time.perf_counter()
    n_app, n_rev, m = len(p.applications), len(p.reviewers), len(p.aff)
    highs = _highs()
    highs.setOptionValue("solver", "simplex")
    n_rows = n_app + n_rev
    lower = np.concatenate([np.full(n_app, float(k)), np.zeros(n_rev)])
    upper = np.concatenate([np.full(n_app, float(k)), np.full(n_rev, float(cap))])
    empty_i, empty_f = np.zeros(0, np.int32), np.zeros(0)
    highs.addRows(n_rows, lower, upper, 0, np.zeros(n_rows, np.int32), empty_i, empty_f)

    columns = np.zeros(0, dtype=np.int64)  # pair index of each LP column
    in_lp = np.zeros(m, dtype=bool)

    def add(pairs: np.ndarray) -> None:
        nonlocal columns
        n = len(pairs)
        index = np.empty(2 * n, dtype=np.int32)
        index[0::2] = p.app[pairs]
        index[1::2] = n_app + p.rev[pairs]
        starts = np.arange(0, 2 * n, 2, dtype=np.int32)
        highs.addCols(n, -p.aff[pairs], np.zeros(n), np.ones(n), 2 * n, starts, index, np.ones(2 * n))
        columns = np.concatenate([columns, pairs])
        in_lp[pairs] = True

    add(np.flatnonzero(start))
    rounds = iterations = 0
    while True:
        rounds += 1
        highs.run()
        iterations += int(highs.getInfo().simplex_iteration_count)
        status = highs.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible and not in_lp[feasible].all():
            add(np.flatnonzero(feasible & ~in_lp))
            continue
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"HiGHS stopped with status {highs.modelStatusToString(status)!r}")
        y = np.asarray(highs.getSolution().row_dual)
        # Reduced profit of a pair: affinity - u_app - v_rev, with u = -y (apps), v = -y (reviewers).
        profit = p.aff + y[p.app] + y[n_app + p.rev]
        enter = np.flatnonzero(~in_lp & (profit > PRICING_TOLERANCE))
        if len(enter) == 0:
            break
        add(enter)

    x = np.asarray(highs.getSolution().col_value)
    integral = _is_integral(x)
    if not integral:  # cannot happen for a basic solution (total unimodularity); kept as a safeguard
        x = _integral_fallback(highs, len(columns))
    chosen = np.zeros(m, dtype=bool)
    chosen[columns[np.round(x) == 1]] = True

    # Dual certificate over ALL pairs: u free, v >= 0, w >= 0 with u_a + v_r + w_ar >= affinity_ar.
    u = -y[:n_app]
    v = np.maximum(0.0, -y[n_app:])
    w = np.maximum(0.0, p.aff - u[p.app] - v[p.rev])
    bound = math.fsum([k * math.fsum(u), cap * math.fsum(v), math.fsum(w)])
    total = math.fsum(p.aff[chosen])
    info = SolverInfo(
        method="min-cost flow LP, HiGHS dual simplex with column generation",
        status="optimal",
        seconds=time.perf_counter() - t0,
        pairs=m,
        columns=len(columns),
        rounds=rounds,
        simplex_iterations=iterations,
        upper_bound=bound,
        gap=bound - total,
        integral_lp=integral,
    )
    return chosen, info


def _is_integral(x: np.ndarray) -> bool:
    return bool(np.all(np.abs(x - np.round(x)) <= INTEGRALITY_TOLERANCE))


def _integral_fallback(highs: Any, n_columns: int) -> np.ndarray:
    """Re-solve the restricted LP with integrality imposed and no MIP gap tolerance."""
    import highspy

    integer = np.full(n_columns, highspy.HighsVarType.kInteger)
    highs.changeColsIntegrality(n_columns, np.arange(n_columns, dtype=np.int32), integer)
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.setOptionValue("mip_abs_gap", 0.0)
    highs.run()
    return np.asarray(highs.getSolution().col_value)


# ------------------------------------------------------------------------------------- results


def _assignment(
    p: _Problem, chosen: np.ndarray, k: int, cap: int, optimal: bool, info: SolverInfo
) -> Assignment:
    app, rev = p.app[chosen], p.rev[chosen]
    loads = np.bincount(rev, minlength=len(p.reviewers))
    got = np.bincount(app, minlength=len(p.applications))
    reviewers_with_pairs = np.unique(p.rev)
    return Assignment(
        pairs=tuple(
            (p.applications[a], p.reviewers[r]) for a, r in zip(app.tolist(), rev.tolist(), strict=True)
        ),
        total_affinity=math.fsum(p.aff[chosen]),
        loads=MappingProxyType({p.reviewers[r]: int(loads[r]) for r in reviewers_with_pairs.tolist()}),
        shortfall=MappingProxyType(
            {p.applications[a]: k - int(got[a]) for a in np.flatnonzero(got < k).tolist()}
        ),
        per_application=k,
        max_load=cap,
        optimal=optimal,
        solver=info,
        conflicts_applied=p.conflicts_applied,
        conflicts_not_eligible=p.conflicts_not_eligible,
    )


def assign_reviewers(
    affinity: Any,
    *,
    per_application: int,
    max_load: int,
    conflicts: Iterable[tuple[Hashable, Hashable]] | None = None,
    applications: Iterable[Hashable] | None = None,
) -> Assignment:
    """Assign exactly ``per_application`` reviewers to every application, maximising total affinity.

    Parameters
    ----------
    affinity : mapping, 2-D array or scipy sparse array
        The eligible pairs and their affinities; **a pair that is not given is not eligible**.
        A mapping ``{(reviewer, application): affinity}`` with any hashable labels; or a dense
        array of shape (reviewers, applications) in which NaN marks a pair that is not eligible; or
        a scipy sparse array whose stored entries (explicit zeros included) are the eligible pairs.
        For arrays, reviewers and applications are labelled by their row and column index.
        Affinities are finite real numbers (negative ones are allowed).
    per_application : int
        Reviewers every application gets, exactly (K >= 1); they are distinct.
    max_load : int
        Most applications any reviewer gets (L >= 1).
    conflicts : iterable of (reviewer, application), optional
        Conflicts of interest: these pairs are never assigned, even if eligible. Conflicts naming a
        pair that is not eligible are ignored and counted in ``conflicts_not_eligible``.
    applications : iterable, optional
        Only with a mapping: every application to be reviewed, so that one without any eligible
        pair is reported rather than silently left out. Default: the applications in ``affinity``.

    Returns
    -------
    Assignment
        With ``optimal=True`` when the dual certificate closes the gap (always, in practice).

    Raises
    ------
    InfeasibleAssignment
        If no assignment meets the constraints. Checked in this order, and the message says which:
        an application with fewer than K eligible, non-conflicted reviewers; more reviews needed
        than reviewers x max-load; otherwise a maximum flow that falls short, with the set of
        applications for which Hall's condition fails (from the minimum cut).
    ValueError
        If an argument is malformed (the message names it and what is allowed).
    TypeError
        If ``affinity`` is of an unsupported type.

    See Also
    --------
    greedy_assignment : the "highest affinity first" heuristic, for comparison.

    Notes
    -----
    The linear programme, over eligible, non-conflicted pairs ``e = (r, a)``, is ::

        maximise    sum_e affinity_e x_e
        subject to  sum_r x_ra = K (every application a),  sum_a x_ra <= L (every reviewer r),
                    0 <= x_e <= 1.

    Its matrix is the incidence matrix of a bipartite graph, totally unimodular [1]_ [2]_, so every
    vertex is 0/1 and the simplex method returns an integral optimum; the code checks this anyway
    and would fall back to HiGHS' MIP solver at zero gap. Steps: (1) the counting checks; (2) a
    maximum flow (scipy, Dinic) that proves feasibility or yields the Hall set; (3) HiGHS dual
    simplex [3]_ on the ``K + 1`` best pairs of each application (plus the max-flow pairs if that is
    infeasible), adding every pair of positive reduced profit until none is left (column
    generation); (4) a dual certificate over all pairs: ``u_a``, ``v_r >= 0`` from the duals and
    ``w_e = max(0, affinity_e - u_a - v_r)`` are dual feasible, so ``K sum u + L sum v + sum w``
    bounds every assignment from above; ``solver.gap`` is that bound minus the total found.

    References
    ----------
    .. [1] R. K. Ahuja, T. L. Magnanti and J. B. Orlin, *Network Flows*, Prentice Hall, 1993,
       chapters 9 and 11. ISBN 0-13-617549-X.
    .. [2] A. Schrijver, *Theory of Linear and Integer Programming*, Wiley, 1986, ch. 19.
    .. [3] Q. Huangfu and J. A. J. Hall, "Parallelizing the dual revised simplex method",
       *Math. Prog. Comp.* 10 (2018) 119-142. :doi:`10.1007/s12532-017-0130-5`

    Examples
    --------
    Three reviewers, two applications, two reviewers each, at most two applications per reviewer;
    Orlova has a conflict with B:

    >>> aff = {("orlov", "A"): 3, ("orlov", "B"): 1, ("orlova", "A"): 2, ("orlova", "B"): 5,
    ...        ("kim", "A"): 1, ("kim", "B"): 2}
    >>> result = assign_reviewers(aff, per_application=2, max_load=2, conflicts=[("orlova", "B")])
    >>> result.pairs
    (('A', 'orlov'), ('A', 'orlova'), ('B', 'kim'), ('B', 'orlov'))
    >>> result.total_affinity, dict(result.loads), result.conflicts_applied
    (8.0, {'kim': 1, 'orlov': 2, 'orlova': 1}, 1)

    >>> assign_reviewers(aff, per_application=3, max_load=1)
    Traceback (most recent call last):
        ...
    clusterworks.analytics.assignment.InfeasibleAssignment: no feasible assignment: 3 reviewers x \
2 applications = 6 reviews exceed the capacity 3 reviewers x max-load 1 = 3
    """
    k = _count("per_application", per_application)
    cap = _count("max_load", max_load)
    t0 = time.perf_counter()
    p = _problem(affinity, conflicts, applications)
    if not p.applications:
        info = SolverInfo(method="nothing to assign", status="optimal", seconds=0.0, pairs=0)
        return _assignment(p, np.zeros(0, dtype=bool), k, cap, True, info)
    _check_counts(p, k, cap)
    feasible = _max_flow(p, k, cap)
    chosen, info = _solve_lp(p, k, cap, _initial_columns(p, k), feasible)
    info = dataclasses.replace(info, seconds=time.perf_counter() - t0)
    optimal = info.gap <= GAP_TOLERANCE * max(1.0, abs(math.fsum(p.aff[chosen])))
    result = _assignment(p, chosen, k, cap, optimal, info)
    if not result.complete or max(result.loads.values()) > cap:  # pragma: no cover - a solver bug
        raise RuntimeError("the LP solution violates the constraints; please report this instance")
    return result


def greedy_assignment(
    affinity: Any,
    *,
    per_application: int,
    max_load: int,
    conflicts: Iterable[tuple[Hashable, Hashable]] | None = None,
    applications: Iterable[Hashable] | None = None,
) -> Assignment:
    """Assign reviewers by going down the list of pairs, highest affinity first.

    A pair is taken when its application still needs reviewers and its reviewer is below
    ``max_load``; ties are broken by application, then reviewer. This is what a programme officer
    with a spreadsheet sorted by affinity would do. It never assigns a conflicted pair and never
    breaks a constraint, but it can leave applications short of reviewers (``shortfall``) where a
    complete assignment exists, and when it is complete its total can fall below the optimum.
    Arguments are as for :func:`assign_reviewers`.

    Returns
    -------
    Assignment
        ``optimal`` is False (nothing is certified); ``shortfall`` lists unfilled applications.

    Examples
    --------
    >>> aff = {("ivanova", "A1"): 0.9, ("ivanova", "A2"): 0.8, ("petrov", "A1"): 0.7}
    >>> g = greedy_assignment(aff, per_application=1, max_load=1)
    >>> g.pairs, dict(g.shortfall), g.complete
    ((('A1', 'ivanova'),), {'A2': 1}, False)
    >>> assign_reviewers(aff, per_application=1, max_load=1).pairs
    (('A1', 'petrov'), ('A2', 'ivanova'))
    """
    k = _count("per_application", per_application)
    cap = _count("max_load", max_load)
    t0 = time.perf_counter()
    p = _problem(affinity, conflicts, applications)
    order = np.lexsort((p.rev, p.app, -p.aff))
    need = [k] * len(p.applications)
    room = [cap] * len(p.reviewers)
    remaining = k * len(p.applications)
    chosen = np.zeros(len(p.aff), dtype=bool)
    for i, a, r in zip(order.tolist(), p.app[order].tolist(), p.rev[order].tolist(), strict=True):
        if remaining == 0:
            break
        if need[a] and room[r]:
            need[a] -= 1
            room[r] -= 1
            remaining -= 1
            chosen[i] = True
    info = SolverInfo(
        method="greedy, highest affinity first",
        status="complete" if remaining == 0 else "incomplete",
        seconds=time.perf_counter() - t0,
        pairs=len(p.aff),
    )
    return _assignment(p, chosen, k, cap, False, info)
