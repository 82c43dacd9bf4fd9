"""Tests for clusterworks.analytics.assignment (reviewer assignment as a min-cost flow).

Where the expected values come from:

* the 3 x 4 instance ``HAND`` is worked by hand below, and by brute force;
* small instances (4 applications x 4 reviewers, K=2, L=2) are solved by enumerating every
  assignment (:func:`brute_force`), an oracle that shares no code with the solver;
* K=1 instances are checked against ``scipy.optimize.linear_sum_assignment`` (the Hungarian-type
  algorithm LAPJV), with every reviewer copied L times when L > 1;
* larger random instances are checked against ``scipy.optimize.linprog`` on the *full* flow LP (all
  pairs at once, scipy's own copy of HiGHS), whereas the solver prices pairs in by column generation
  and certifies the result with its own dual bound.
"""

from __future__ import annotations

import doctest
import math
from collections import Counter
from itertools import combinations, product

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment, linprog

from clusterworks.analytics import assignment
from clusterworks.analytics.assignment import (
    InfeasibleAssignment,
    assign_reviewers,
    greedy_assignment,
    random_affinity,
)

# --------------------------------------------------------------------------------------- oracles


def brute_force(affinity, k, cap, conflicts=(), applications=None):
    """The best total affinity over all assignments, by enumeration; None when none is feasible."""
    apps = sorted(applications if applications is not None else {a for _, a in affinity})
    conflicts = set(conflicts)
    options = []
    for app in apps:
        eligible = sorted(r for (r, a) in affinity if a == app and (r, a) not in conflicts)
        options.append(list(combinations(eligible, k)))
    best = None
    for choice in product(*options):
        loads = Counter(r for group in choice for r in group)
        if loads and max(loads.values()) > cap:
            continue
        total = sum(affinity[(r, a)] for a, group in zip(apps, choice, strict=True) for r in group)
        best = total if best is None else max(best, total)
    return best


def linprog_optimum(affinity, k, cap, conflicts=()):
    """Optimum of the full flow LP with scipy.optimize.linprog, or None when it is infeasible."""
    pairs = [key for key in affinity if key not in set(conflicts)]
    if not pairs:  # every application needs k >= 1 reviewers and none is left
        return None
    reviewers = sorted({r for r, _ in affinity})
    apps = sorted({a for _, a in affinity})
    r_index = {r: i for i, r in enumerate(reviewers)}
    a_index = {a: i for i, a in enumerate(apps)}
    cols = np.arange(len(pairs))
    a_eq = sp.csr_array(
        (np.ones(len(pairs)), ([a_index[a] for _, a in pairs], cols)), shape=(len(apps), len(pairs))
    )
    a_ub = sp.csr_array(
        (np.ones(len(pairs)), ([r_index[r] for r, _ in pairs], cols)), shape=(len(reviewers), len(pairs))
    )
    cost = -np.array([affinity[p] for p in pairs], dtype=float)
    result = linprog(
        cost,
        A_ub=a_ub,
        b_ub=np.full(len(reviewers), cap),
        A_eq=a_eq,
        b_eq=np.full(len(apps), k),
        bounds=(0, 1),
        method="highs",
    )
    return -result.fun if result.status == 0 else None


def check_constraints(result, affinity, k, cap, conflicts=(), applications=None, complete=True):
    """Exactly k (at most k if not complete) distinct eligible, non-conflicted reviewers per
    application, every load <= cap, pairs sorted, total and loads consistent."""
    apps = set(applications if applications is not None else (a for _, a in affinity))
    per_app = Counter(a for a, _ in result.pairs)
    if complete:
        assert per_app == dict.fromkeys(apps, k) and not result.shortfall
    else:
        assert all(per_app[a] <= k for a in apps)
        assert dict(result.shortfall) == {a: k - per_app[a] for a in apps if per_app[a] < k}
    assert len(set(result.pairs)) == len(result.pairs)  # distinct reviewers per application
    loads = Counter(r for _, r in result.pairs)
    assert all(n <= cap for n in loads.values())
    assert all(result.loads[r] == n for r, n in loads.items())
    for a, r in result.pairs:
        assert (r, a) in affinity and (r, a) not in set(conflicts)
    assert math.isclose(result.total_affinity, sum(affinity[(r, a)] for a, r in result.pairs), abs_tol=1e-9)
    assert list(result.pairs) == sorted(result.pairs)


# -------------------------------------------------------------------------------- hand-worked

# Three applications, four reviewers, K=2, L=2. Eligible pairs and affinities:
#
#              A1     A2     A3
#   ivanova   0.90   0.95   0.80
#   petrov    0.65   0.55    -
#   sidorov    -     0.70   0.15
#   kim       0.20    -     0.75
#
# Ivanova can take only two of the three. Best pair per application without her: A1 petrov+kim 0.85
# (vs 1.55 with her, loss 0.70), A2 petrov+sidorov 1.25 (vs 1.65, loss 0.40), A3 kim+sidorov 0.90 (vs
# 1.55, loss 0.65). She skips A2, the cheapest loss: A1 {ivanova, petrov} 1.55 + A2 {petrov, sidorov}
# 1.25 + A3 {ivanova, kim} 1.55 = 4.35, loads ivanova 2, petrov 2, sidorov 1, kim 1.
# Greedy takes ivanova for A2 (0.95) and A1 (0.90) first, so A3 gets kim and sidorov (0.90):
# 1.55 + 1.65 + 0.90 = 4.10. The exact assignment is 0.25 (6.1 %) better.
# With the conflict (ivanova, A1), A1 must take petrov and kim (0.85); then A2 {ivanova, sidorov}
# 1.65 and A3 {ivanova, kim} 1.55: 4.05. (tests/data/assignment/affinity.csv is the same instance.)
HAND = {
    ("ivanova", "A1"): 0.90,
    ("ivanova", "A2"): 0.95,
    ("ivanova", "A3"): 0.80,
    ("petrov", "A1"): 0.65,
    ("petrov", "A2"): 0.55,
    ("sidorov", "A2"): 0.70,
    ("sidorov", "A3"): 0.15,
    ("kim", "A1"): 0.20,
    ("kim", "A3"): 0.75,
}


def test_module_doctests():
    modules = (assignment, assignment.problem, assignment.solver, assignment.synthetic)
    results = [doctest.testmod(module, optionflags=doctest.ELLIPSIS) for module in modules]
    assert sum(r.failed for r in results) == 0 and sum(r.attempted for r in results) >= 15


def test_hand_worked_instance():
    result = assign_reviewers(HAND, per_application=2, max_load=2)
    assert result.pairs == (
        ("A1", "ivanova"),
        ("A1", "petrov"),
        ("A2", "petrov"),
        ("A2", "sidorov"),
        ("A3", "ivanova"),
        ("A3", "kim"),
    )
    assert result.total_affinity == pytest.approx(4.35, abs=1e-12)
    assert dict(result.loads) == {"ivanova": 2, "kim": 1, "petrov": 2, "sidorov": 1}
    assert result.optimal and result.complete and result.solver.integral_lp
    assert result.solver.upper_bound == pytest.approx(4.35, abs=1e-9)
    assert brute_force(HAND, 2, 2) == pytest.approx(4.35, abs=1e-12)


def test_greedy_is_strictly_worse_on_the_crafted_instance():
    greedy = greedy_assignment(HAND, per_application=2, max_load=2)
    assert greedy.complete and not greedy.optimal
    assert greedy.total_affinity == pytest.approx(4.10, abs=1e-12)
    assert greedy.reviewers_of("A3") == ("kim", "sidorov")
    check_constraints(greedy, HAND, 2, 2)
    exact = assign_reviewers(HAND, per_application=2, max_load=2)
    assert exact.total_affinity - greedy.total_affinity == pytest.approx(0.25, abs=1e-12)


def test_conflict_changes_the_hand_worked_optimum():
    result = assign_reviewers(HAND, per_application=2, max_load=2, conflicts=[("ivanova", "A1")])
    assert result.reviewers_of("A1") == ("kim", "petrov")
    assert result.total_affinity == pytest.approx(4.05, abs=1e-12)
    assert (result.conflicts_applied, result.conflicts_not_eligible) == (1, 0)
    assert brute_force(HAND, 2, 2, [("ivanova", "A1")]) == pytest.approx(4.05, abs=1e-12)


def test_greedy_can_leave_applications_short_where_an_assignment_exists():
    # Greedy gives ivanova A1 (0.9); A2 has no one else, so it stays short. Exact: petrov A1, ivanova A2.
    affinity = {("ivanova", "A1"): 0.9, ("ivanova", "A2"): 0.8, ("petrov", "A1"): 0.7}
    greedy = greedy_assignment(affinity, per_application=1, max_load=1)
    assert dict(greedy.shortfall) == {"A2": 1} and greedy.solver.status == "incomplete"
    exact = assign_reviewers(affinity, per_application=1, max_load=1)
    assert exact.pairs == (("A1", "petrov"), ("A2", "ivanova")) and exact.complete


# ------------------------------------------------------------------------------ brute force

REVIEWERS4 = ("r1", "r2", "r3", "r4")
APPS4 = ("a1", "a2", "a3", "a4")
CELLS = [(r, a) for r in REVIEWERS4 for a in APPS4]


@st.composite
def small_instances(draw):
    # 4 applications x K=2 = 8 reviews = 4 reviewers x L=2: only a few missing or conflicted pairs
    # leave a feasible instance, so both are kept few (and the infeasible ones are checked too).
    values = draw(st.lists(st.integers(-3, 20), min_size=16, max_size=16))
    missing = draw(st.sets(st.sampled_from(CELLS), max_size=4))
    affinity = {cell: v for cell, v in zip(CELLS, values, strict=True) if cell not in missing}
    conflicts = draw(st.lists(st.sampled_from(CELLS), max_size=3))
    return affinity, conflicts


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_instances())
def test_matches_brute_force_on_4_by_4_with_k2_l2(instance):
    affinity, conflicts = instance
    expected = brute_force(affinity, 2, 2, conflicts, applications=APPS4)
    event("infeasible" if expected is None else "feasible")
    if expected is None:
        with pytest.raises(InfeasibleAssignment):
            assign_reviewers(affinity, per_application=2, max_load=2, conflicts=conflicts, applications=APPS4)
        return
    result = assign_reviewers(
        affinity, per_application=2, max_load=2, conflicts=conflicts, applications=APPS4
    )
    assert result.total_affinity == expected  # integers: exact
    assert result.optimal
    check_constraints(result, affinity, 2, 2, conflicts, applications=APPS4)


@pytest.mark.parametrize("seed", range(20))
def test_matches_brute_force_with_real_affinities_and_other_k_and_l(seed):
    rng = np.random.default_rng(seed)
    k, cap = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    affinity = {cell: float(rng.random()) for cell in CELLS if rng.random() < 0.85}
    expected = brute_force(affinity, k, cap, applications=APPS4)
    if expected is None:
        with pytest.raises(InfeasibleAssignment):
            assign_reviewers(affinity, per_application=k, max_load=cap, applications=APPS4)
        return
    result = assign_reviewers(affinity, per_application=k, max_load=cap, applications=APPS4)
    assert result.total_affinity == pytest.approx(expected, abs=1e-9)
    check_constraints(result, affinity, k, cap, applications=APPS4)


# ------------------------------------------------------------------------ linear_sum_assignment


@pytest.mark.parametrize(("n_rev", "n_app", "seed"), [(8, 8, 0), (12, 7, 1), (30, 30, 2), (50, 20, 3)])
def test_k1_l1_matches_linear_sum_assignment(n_rev, n_app, seed):
    matrix = np.random.default_rng(seed).random((n_rev, n_app))
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    result = assign_reviewers(matrix, per_application=1, max_load=1)
    assert result.total_affinity == pytest.approx(matrix[rows, cols].sum(), abs=1e-9)
    assert set(result.pairs) == {(int(c), int(r)) for r, c in zip(rows, cols, strict=True)}


@pytest.mark.parametrize("seed", range(5))
def test_k1_with_missing_pairs_and_load_3_matches_linear_sum_assignment_on_copies(seed):
    # K=1: an application gets one reviewer, so copying each reviewer L times turns the problem into
    # a linear assignment problem. Missing pairs get a penalty so large that the oracle avoids them.
    rng = np.random.default_rng(100 + seed)
    n_rev, n_app, cap = 6, 15, 3
    matrix = rng.random((n_rev, n_app))
    matrix[rng.random((n_rev, n_app)) < 0.3] = np.nan
    penalised = np.where(np.isnan(matrix), -1e6, matrix)
    rows, cols = linear_sum_assignment(np.repeat(penalised, cap, axis=0).T, maximize=True)
    oracle = np.repeat(penalised, cap, axis=0).T[rows, cols].sum()
    if oracle < -1e5:
        with pytest.raises(InfeasibleAssignment):
            assign_reviewers(matrix, per_application=1, max_load=cap)
        return
    result = assign_reviewers(matrix, per_application=1, max_load=cap)
    assert result.total_affinity == pytest.approx(oracle, abs=1e-9)
    assert max(result.loads.values()) <= cap


# ---------------------------------------------------------------------- random, with hypothesis


@st.composite
def random_instances(draw):
    n_rev = draw(st.integers(1, 10))
    n_app = draw(st.integers(1, 12))
    k = draw(st.integers(1, 3))
    cap = draw(st.integers(1, 5))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    density = draw(st.floats(0.3, 1.0))
    affinity = {
        (f"r{r}", f"a{a}"): float(np.round(rng.normal(), 3))
        for r in range(n_rev)
        for a in range(n_app)
        if rng.random() < density
    }
    conflicts = [key for key in affinity if rng.random() < 0.1]
    return affinity, conflicts, k, cap


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_instances())
def test_random_instances_meet_the_constraints_and_beat_greedy(instance):
    affinity, conflicts, k, cap = instance
    if not affinity:
        return
    expected = linprog_optimum(affinity, k, cap, conflicts)
    event("infeasible" if expected is None else "feasible")
    greedy = greedy_assignment(affinity, per_application=k, max_load=cap, conflicts=conflicts)
    # greedy may be incomplete, but never breaks a constraint
    check_constraints(greedy, affinity, k, cap, conflicts, complete=greedy.complete)
    if expected is None:
        with pytest.raises(InfeasibleAssignment):
            assign_reviewers(affinity, per_application=k, max_load=cap, conflicts=conflicts)
        return
    result = assign_reviewers(affinity, per_application=k, max_load=cap, conflicts=conflicts)
    check_constraints(result, affinity, k, cap, conflicts)
    assert result.complete and result.optimal
    assert result.total_affinity == pytest.approx(expected, abs=1e-6)
    assert result.solver.gap == pytest.approx(0.0, abs=1e-6)
    if greedy.complete:
        assert result.total_affinity >= greedy.total_affinity - 1e-9


def test_synthetic_instance_matches_the_full_lp_and_uses_fewer_columns():
    matrix = random_affinity(200, 1000, eligible=(10, 30), seed=11)
    result = assign_reviewers(matrix, per_application=3, max_load=16)
    coo = sp.coo_array(matrix)
    affinity = dict(zip(zip(coo.row.tolist(), coo.col.tolist(), strict=True), coo.data, strict=True))
    assert result.total_affinity == pytest.approx(linprog_optimum(affinity, 3, 16), abs=1e-6)
    assert result.optimal and result.solver.columns < result.solver.pairs
    check_constraints(result, affinity, 3, 16)
    greedy = greedy_assignment(matrix, per_application=3, max_load=16)
    assert result.total_affinity >= greedy.total_affinity


def test_restricted_lp_that_is_infeasible_gets_the_max_flow_pairs():
    # All ten applications like r0 and r1 best, so the first restricted LP (the K + 1 = 2 best pairs
    # per application) has only r0 and r1 with load 1 for ten applications: infeasible. The pairs of
    # the maximum flow are then added and the LP must still reach the optimum.
    affinity = {
        (f"r{r}", f"a{a}"): (10.0 - r if r < 2 else 1.0 + 0.1 * a) for r in range(12) for a in range(10)
    }
    result = assign_reviewers(affinity, per_application=1, max_load=1)
    assert result.total_affinity == pytest.approx(linprog_optimum(affinity, 1, 1), abs=1e-9)
    assert result.solver.rounds >= 2


def test_fractional_lp_solution_falls_back_to_the_mip_solver(monkeypatch):
    monkeypatch.setattr(assignment.solver, "_is_integral", lambda x: False)
    result = assign_reviewers(HAND, per_application=2, max_load=2)
    assert not result.solver.integral_lp
    assert result.total_affinity == pytest.approx(4.35, abs=1e-12) and result.optimal


# ---------------------------------------------------------------------------------- conflicts


def test_conflicts_are_never_assigned_even_when_they_are_the_best_pairs():
    rng = np.random.default_rng(5)
    affinity = {(f"r{r}", f"a{a}"): float(rng.random()) for r in range(15) for a in range(30)}
    best_per_app = [max((v, key) for key, v in affinity.items() if key[1] == f"a{a}")[1] for a in range(30)]
    conflicts = [*best_per_app, ("nobody", "a1"), ("r1", "nowhere")]
    result = assign_reviewers(affinity, per_application=2, max_load=5, conflicts=conflicts)
    assert not set(result.pairs) & {(a, r) for r, a in conflicts}
    assert (result.conflicts_applied, result.conflicts_not_eligible) == (30, 2)
    greedy = greedy_assignment(affinity, per_application=2, max_load=5, conflicts=conflicts)
    assert not set(greedy.pairs) & {(a, r) for r, a in conflicts}


def test_conflict_on_a_pair_that_is_not_eligible_is_counted_and_ignored():
    result = assign_reviewers(HAND, per_application=2, max_load=2, conflicts=[("kim", "A2"), ("kim", "A2")])
    assert (result.conflicts_applied, result.conflicts_not_eligible) == (0, 1)
    assert result.total_affinity == pytest.approx(4.35, abs=1e-12)


# -------------------------------------------------------------------------------- infeasibility


def test_application_with_too_few_eligible_reviewers():
    with pytest.raises(InfeasibleAssignment) as caught:
        assign_reviewers(HAND, per_application=3, max_load=3, conflicts=[("ivanova", "A1")])
    assert str(caught.value) == (
        "no feasible assignment: application A1 has only 2 eligible, non-conflicted reviewers; 3 are needed"
    )
    assert caught.value.reason == "too-few-eligible" and caught.value.applications == ("A1",)


def test_several_short_applications_are_listed_with_their_counts():
    affinity = {
        ("r1", "a1"): 1,
        ("r1", "a2"): 1,
        ("r2", "a2"): 1,
        ("r1", "a3"): 1,
        ("r2", "a3"): 1,
        ("r3", "a3"): 1,
    }
    with pytest.raises(InfeasibleAssignment) as caught:
        assign_reviewers(affinity, per_application=3, max_load=4, applications=["a0", "a1", "a2", "a3"])
    assert str(caught.value) == (
        "no feasible assignment: 3 applications have fewer than 3 eligible, non-conflicted reviewers: "
        "a0 (0), a1 (1), a2 (2)"
    )


def test_application_without_any_eligible_reviewer():
    with pytest.raises(
        InfeasibleAssignment, match=r"application A4 has no eligible, non-conflicted reviewer; 1 is needed$"
    ):
        assign_reviewers(HAND, per_application=1, max_load=3, applications=["A1", "A2", "A3", "A4"])


def test_total_capacity_too_small():
    # 3 applications x 2 reviewers = 6 reviews; 4 reviewers x max-load 1 = 4.
    with pytest.raises(InfeasibleAssignment) as caught:
        assign_reviewers(HAND, per_application=2, max_load=1)
    assert str(caught.value) == (
        "no feasible assignment: 2 reviewers x 3 applications = 6 reviews exceed the capacity "
        "4 reviewers x max-load 1 = 4"
    )
    assert caught.value.reason == "capacity" and caught.value.needed == 6


def test_hall_violation_found_by_max_flow():
    # a1, a2, a3 can only be reviewed by r1 and r2; a4 by r3 and r4. Each application has 2 eligible
    # reviewers (>= K = 1) and 4 reviewers x 1 >= 4 reviews, but {a1, a2, a3} needs 3 reviews from 2
    # reviewers: at most 3 of the 4 reviews can be made.
    affinity = {(r, a): 1.0 for r in ("r1", "r2") for a in ("a1", "a2", "a3")}
    affinity |= {("r3", "a4"): 1.0, ("r4", "a4"): 2.0}
    with pytest.raises(InfeasibleAssignment) as caught:
        assign_reviewers(affinity, per_application=1, max_load=1)
    error = caught.value
    assert str(error) == (
        "no feasible assignment: a maximum flow makes only 3 of the 4 reviews needed; the 3 applications "
        "a1, a2, a3 need 3 reviews but can receive at most 2 (2 reviewers r1, r2 x max-load 1 = 2), so "
        "Hall's condition fails for this set"
    )
    assert (error.reason, error.needed, error.achievable) == ("hall", 4, 3)
    assert error.applications == ("a1", "a2", "a3") and error.reviewers == ("r1", "r2")


def test_hall_set_with_pairs_to_reviewers_outside_it():
    # K=2, L=1. a1..a3 share r1 and r2 and each has a private reviewer p1..p3; a4 has q1..q3.
    # Every application has 3 eligible reviewers and 8 reviewers x 1 = 8 reviews are needed, but
    # a1..a3 need 6 reviews and can get at most 5: r1 and r2 once each (2) plus p1, p2, p3 (3).
    affinity = {(r, a): 1.0 for r in ("r1", "r2") for a in ("a1", "a2", "a3")}
    affinity |= {("p1", "a1"): 1.0, ("p2", "a2"): 1.0, ("p3", "a3"): 1.0}
    affinity |= {("q1", "a4"): 1.0, ("q2", "a4"): 1.0, ("q3", "a4"): 1.0}
    with pytest.raises(InfeasibleAssignment) as caught:
        assign_reviewers(affinity, per_application=2, max_load=1)
    error = caught.value
    assert error.achievable == 7 and error.needed == 8
    assert error.applications == ("a1", "a2", "a3")
    assert "need 6 reviews but can receive at most 5" in str(error)
    # the shortfall of the Hall set is exactly the shortfall of the maximum flow
    assert error.needed - error.achievable == 6 - 5


# ------------------------------------------------------------------------------- input forms


def test_dense_sparse_and_mapping_inputs_agree():
    matrix = np.array([[0.9, 0.95, 0.8], [0.65, 0.55, np.nan], [np.nan, 0.7, 0.15], [0.2, np.nan, 0.75]])
    dense = assign_reviewers(matrix, per_application=2, max_load=2)
    rows, cols = np.nonzero(~np.isnan(matrix))
    sparse = assign_reviewers(
        sp.coo_array((matrix[rows, cols], (rows, cols)), shape=matrix.shape), per_application=2, max_load=2
    )
    assert dense.pairs == sparse.pairs == ((0, 0), (0, 1), (1, 1), (1, 2), (2, 0), (2, 3))
    assert dense.total_affinity == pytest.approx(4.35, abs=1e-12)
    assert sparse.total_affinity == pytest.approx(4.35, abs=1e-12)
    with_list = assign_reviewers(matrix.tolist(), per_application=2, max_load=2, conflicts=[(0, 0)])
    assert with_list.total_affinity == pytest.approx(4.05, abs=1e-12)


def test_sparse_explicit_zero_is_an_eligible_pair():
    matrix = sp.coo_array((np.array([0.0, 1.0]), (np.array([0, 1]), np.array([0, 1]))), shape=(2, 2))
    result = assign_reviewers(matrix, per_application=1, max_load=1)
    assert result.pairs == ((0, 0), (1, 1)) and result.total_affinity == 1.0


def test_labels_that_cannot_be_sorted_keep_their_order_of_appearance():
    result = assign_reviewers({("b", 2): 1.0, ("a", "x"): 2.0}, per_application=1, max_load=1)
    assert result.pairs == ((2, "b"), ("x", "a"))


def test_empty_affinity_is_an_empty_assignment():
    result = assign_reviewers({}, per_application=2, max_load=3)
    assert result.pairs == () and result.total_affinity == 0 and result.optimal


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"per_application": 0, "max_load": 1},
            "per_application must be a whole number of at least 1; got 0",
        ),
        (
            {"per_application": 2.5, "max_load": 1},
            "per_application must be a whole number of at least 1; got 2.5",
        ),
        ({"per_application": True, "max_load": 1}, "per_application must be a whole number"),
        ({"per_application": 1, "max_load": -2}, "max_load must be a whole number of at least 1; got -2"),
        ({"per_application": 1, "max_load": "3"}, "max_load must be a whole number of at least 1; got '3'"),
    ],
)
def test_bad_counts_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        assign_reviewers(HAND, **kwargs)
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        greedy_assignment(HAND, **kwargs)


@pytest.mark.parametrize(
    ("affinity", "extra", "error", "message"),
    [
        (
            {("r1", "a1"): "high"},
            {},
            ValueError,
            r"affinity\[\('r1', 'a1'\)\] is 'high'; allowed: a finite real number",
        ),
        ({("r1", "a1"): math.nan}, {}, ValueError, r"is nan; allowed: a finite real number"),
        ({"r1": 1.0}, {}, ValueError, r"affinity keys must be \(reviewer, application\) pairs; got 'r1'"),
        (
            np.array([[1.0, np.inf]]),
            {},
            ValueError,
            r"affinity\[0, 1\] is inf; allowed: a finite number, or NaN",
        ),
        (np.ones(3), {}, ValueError, r"must be 2-D \(reviewers x applications\); got 1 dimension"),
        ("r1,a1,0.5", {}, TypeError, r"affinity must be a mapping .* got str"),
        (
            np.ones((2, 2)),
            {"applications": [0, 1]},
            ValueError,
            r"applications= is only for a mapping affinity",
        ),
        (
            {("r1", "a9"): 1.0},
            {"applications": ["a1"]},
            ValueError,
            r"names application 'a9', which is not in applications",
        ),
        (
            {("r1", "a1"): 1.0},
            {"conflicts": ["r1"]},
            ValueError,
            r"conflicts must be \(reviewer, application\) pairs; got 'r1'",
        ),
    ],
)
def test_bad_affinity_is_rejected_with_the_value_and_what_is_allowed(affinity, extra, error, message):
    with pytest.raises(error, match=message):
        assign_reviewers(affinity, per_application=1, max_load=1, **extra)


def test_sparse_duplicates_are_rejected():
    matrix = sp.coo_array((np.array([1.0, 2.0]), (np.array([0, 0]), np.array([1, 1]))), shape=(2, 2))
    with pytest.raises(ValueError, match=r"stores pair \(0, 1\) more than once"):
        assign_reviewers(matrix, per_application=1, max_load=1)


# ---------------------------------------------------------------------------------- synthetic


def test_random_affinity_is_reproducible_and_respects_its_arguments():
    a = random_affinity(40, 25, eligible=(5, 9), seed=3)
    b = random_affinity(40, 25, eligible=(5, 9), seed=np.random.default_rng(3))
    assert (a != b).nnz == 0
    degrees = np.bincount(sp.coo_array(a).col, minlength=25)
    assert degrees.min() >= 5 and degrees.max() <= 9
    assert a.data.min() >= 0.001 and a.data.max() <= 1.0
    assert (random_affinity(40, 25, eligible=(5, 9), seed=4) != a).nnz > 0


@pytest.mark.parametrize("eligible", [(5, 3), (-1, 3), (1, 41)])
def test_random_affinity_rejects_bad_eligible(eligible):
    with pytest.raises(
        ValueError, match=r"eligible must be \(low, high\) with 0 <= low <= high <= n_reviewers"
    ):
        random_affinity(40, 5, eligible=eligible, seed=0)
