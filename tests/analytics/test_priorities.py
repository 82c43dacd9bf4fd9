"""Tests for clusterworks.analytics.priorities (weighted ranking, weight stability, rank acceptability).

Where the expected values come from:

* the rankings of the small tables below are worked by hand, the arithmetic next to them;
* the stability intervals are checked against :func:`scan_first_change`, a brute-force scan over a
  grid of 10,001 weights that recomputes the weights, normalisation, scores and ranks itself (it
  shares no code with the library);
* rank paths are checked at their ends against rankings computed with the weights of the ends;
* rank acceptabilities are checked against probabilities computed by hand (the length of the
  interval of weights in which a candidate wins) or with scipy's beta distribution, and the
  vectorised counting against a loop over the samples.
"""

from __future__ import annotations

import doctest
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats as scipy_stats

from clusterworks.analytics import priorities
from clusterworks.analytics.priorities import (
    Criterion,
    InvalidPriorityInput,
    PriorityError,
    acceptability,
    errors,
    io,
    rank_acceptability,
    rank_path,
    rank_priorities,
    ranking,
    read_priority_csv,
    sensitivity,
    table,
    weight_stability,
)
from clusterworks.analytics.priorities.acceptability import _rank_counts

DATA = Path(__file__).resolve().parents[1] / "data" / "priorities"

# ------------------------------------------------------------------------------------------- doctests


@pytest.mark.parametrize("module", [priorities, table, ranking, sensitivity, acceptability, io, errors])
def test_doctests(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_the_examples_in_the_methods_page_run():
    page = Path(__file__).resolve().parents[2] / "docs" / "methods" / "priorities.md"
    result = doctest.testfile(str(page), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 5 and result.failed == 0


def test_every_public_function_has_an_example():
    for name in ("rank_priorities", "weight_stability", "rank_path", "rank_acceptability"):
        assert ">>> " in getattr(priorities, name).__doc__, name


# -------------------------------------------------------------------------------------------- ranking

# Four priorities of a medical technology cluster on three criteria (tests/data/priorities/ holds the
# same table as CSV files).
CRITERIA = [
    Criterion("impact", 4),
    Criterion("feasibility", 3),
    Criterion("cost", 1, direction="cost"),
]
SCORES = {
    "implants": {"impact": 9, "feasibility": 2, "cost": 50},
    "telemedicine": {"impact": 7, "feasibility": 6, "cost": 20},
    "biobank": {"impact": 5, "feasibility": 8, "cost": 30},
    "robotics": {"impact": 3, "feasibility": 4, "cost": 10},
}
# Min-max normalisation over the four candidates:
#   impact 3..9 (range 6):       implants 1, telemedicine 4/6 = 2/3, biobank 2/6 = 1/3, robotics 0
#   feasibility 2..8 (range 6):  implants 0, telemedicine 4/6 = 2/3, biobank 1, robotics 2/6 = 1/3
#   cost 10..50, less is better, (50 - x) / 40: implants 0, telemedicine 0.75, biobank 0.5, robotics 1
# Weights 4, 3, 1 divided by 8: 0.5, 0.375, 0.125. Scores:
#   telemedicine 0.5 * 2/3 + 0.375 * 2/3 + 0.125 * 0.75 = 1/3 + 1/4 + 3/32 = 65/96 = 0.6770833
#   biobank      0.5 * 1/3 + 0.375 * 1 + 0.125 * 0.5 = 1/6 + 3/8 + 1/16 = 29/48 = 0.6041667
#   implants     0.5 * 1 + 0 + 0 = 0.5
#   robotics     0 + 0.375 * 1/3 + 0.125 * 1 = 1/8 + 1/8 = 0.25
EXPECTED = [
    (1, "telemedicine", 65 / 96, {"impact": 1 / 3, "feasibility": 1 / 4, "cost": 3 / 32}),
    (2, "biobank", 29 / 48, {"impact": 1 / 6, "feasibility": 3 / 8, "cost": 1 / 16}),
    (3, "implants", 0.5, {"impact": 0.5, "feasibility": 0.0, "cost": 0.0}),
    (4, "robotics", 0.25, {"impact": 0.0, "feasibility": 1 / 8, "cost": 1 / 8}),
]


def test_ranking_by_hand():
    result = rank_priorities(SCORES, CRITERIA)
    assert result.weights == {"impact": 0.5, "feasibility": 0.375, "cost": 0.125}
    assert result.normalisation == "minmax" and result.criteria == tuple(CRITERIA)
    assert len(result.rows) == len(EXPECTED)
    for row, (rank, candidate, score, contributions) in zip(result.rows, EXPECTED, strict=True):
        assert (row.rank, row.candidate) == (rank, candidate)
        assert row.score == pytest.approx(score, abs=1e-12)
        assert row.contributions == pytest.approx(contributions, abs=1e-12)
        assert list(row.contributions) == ["impact", "feasibility", "cost"]
        assert sum(row.contributions.values()) == pytest.approx(row.score, abs=1e-12)
    assert result.ranks() == {"telemedicine": 1, "biobank": 2, "implants": 3, "robotics": 4}


def test_an_array_with_candidate_names_gives_the_same_ranking():
    names = list(SCORES)
    array = np.array([[SCORES[n][c.key] for c in CRITERIA] for n in names])
    from_array = rank_priorities(array, CRITERIA, candidates=names)
    assert from_array == rank_priorities(SCORES, CRITERIA)


def test_cost_direction_reverses_the_scale():
    # One cost criterion, 10..50: (50 - x) / 40 -> 10 -> 1, 20 -> 0.75, 50 -> 0. The cheapest wins.
    costs = {"a": {"cost": 50}, "b": {"cost": 10}, "c": {"cost": 20}}
    result = rank_priorities(costs, [Criterion("cost", 1, direction="cost")])
    assert [(row.candidate, row.rank, row.score) for row in result.rows] == [
        ("b", 1, 1.0),
        ("c", 2, 0.75),
        ("a", 3, 0.0),
    ]
    # As a benefit the order is the other way round: (x - 10) / 40 -> a 1, c 0.25, b 0.
    benefit = rank_priorities(costs, [Criterion("cost", 1)])
    assert [(row.candidate, row.score) for row in benefit.rows] == [("a", 1.0), ("c", 0.25), ("b", 0.0)]


def test_scale_normalisation_uses_the_declared_scale():
    # A 1-9 Delphi scale: v = (x - 1) / 8. A: importance 9 -> 1, urgency 1 -> 0; B: 5, 5 -> 0.5, 0.5.
    # Weights 3:1 -> 0.75, 0.25: A = 0.75, B = 0.5 * 0.75 + 0.5 * 0.25 = 0.5.
    criteria = [Criterion("importance", 3, low=1, high=9), Criterion("urgency", 1, low=1, high=9)]
    scores = {"A": {"importance": 9, "urgency": 1}, "B": {"importance": 5, "urgency": 5}}
    scaled = rank_priorities(scores, criteria, normalisation="scale")
    assert [(row.candidate, row.score) for row in scaled.rows] == [("A", 0.75), ("B", 0.5)]
    # Min-max over the two candidates stretches 5..9 and 1..5 to 0..1: A = (1, 0), B = (0, 1), so
    # A = 0.75 and B = 0.25.
    stretched = rank_priorities(scores, criteria)
    assert [(row.candidate, row.score) for row in stretched.rows] == [("A", 0.75), ("B", 0.25)]
    # On the declared scale a new candidate changes nobody else's score; with min-max it does.
    more = {**scores, "C": {"importance": 7, "urgency": 9}}
    assert rank_priorities(more, criteria, normalisation="scale").rows[1].score == 0.75  # A, behind C
    assert rank_priorities(more, criteria).rows[1].score != 0.75


def test_a_constant_criterion_gives_everyone_the_middle_value():
    # Feasibility is 4 for both: it cannot tell them apart and both get 0.5 (CONSTANT_VALUE).
    # Weights 0.5, 0.5: A = 0.5 * 1 + 0.5 * 0.5 = 0.75, B = 0 + 0.25 = 0.25.
    scores = {"A": {"impact": 8, "feasibility": 4}, "B": {"impact": 2, "feasibility": 4}}
    result = rank_priorities(scores, [Criterion("impact", 1), Criterion("feasibility", 1)])
    assert priorities.CONSTANT_VALUE == 0.5
    assert [(row.candidate, row.score) for row in result.rows] == [("A", 0.75), ("B", 0.25)]
    # A single candidate: every criterion is constant.
    assert rank_priorities({"A": {"impact": 3}}, [Criterion("impact", 1)]).rows[0].score == 0.5


def test_ties_share_the_best_rank_and_skip_the_next():
    # Equal weights, values already in [0, 1] on a 0..1 scale: A (1, 1) = 1, B (1, 0) = 0.5,
    # C (0, 1) = 0.5, D (0, 0) = 0: ranks 1, 2, 2, 4 ("1224"); tied rows keep the order given.
    criteria = [Criterion("x", 1, low=0, high=1), Criterion("y", 1, low=0, high=1)]
    scores = {"A": {"x": 1, "y": 1}, "C": {"x": 0, "y": 1}, "B": {"x": 1, "y": 0}, "D": {"x": 0, "y": 0}}
    result = rank_priorities(scores, criteria, normalisation="scale")
    assert [(row.rank, row.candidate) for row in result.rows] == [(1, "A"), (2, "C"), (2, "B"), (4, "D")]


def test_ties_are_detected_with_a_tolerance():
    # P = 0.5 * 0.1 + 0.5 * 0.2 = 0.15000000000000002 and Q = 0.5 * 0.3 + 0 = 0.15 in floating point:
    # equal in exact arithmetic, so tied.
    criteria = [Criterion("x", 1, low=0, high=1), Criterion("y", 1, low=0, high=1)]
    scores = {"P": {"x": 0.1, "y": 0.2}, "Q": {"x": 0.3, "y": 0.0}}
    result = rank_priorities(scores, criteria, normalisation="scale")
    assert result.rows[0].score != result.rows[1].score  # not equal as floats ...
    assert [row.rank for row in result.rows] == [1, 1]  # ... but tied
    # 1e-12 apart is a tie, 1e-6 apart is not (TIE_TOLERANCE = 1e-9).
    one = [Criterion("x", 1, low=0, high=1)]
    close = rank_priorities({"B": {"x": 0.5}, "C": {"x": 0.5 + 1e-12}}, one, normalisation="scale")
    assert [(row.rank, row.candidate) for row in close.rows] == [(1, "B"), (1, "C")]
    apart = rank_priorities({"B": {"x": 0.5}, "C": {"x": 0.5 + 1e-6}}, one, normalisation="scale")
    assert [(row.rank, row.candidate) for row in apart.rows] == [(1, "C"), (2, "B")]


def test_weights_of_zero_leave_a_criterion_out():
    # impact alone (feasibility weight 0): telemedicine 2/3, biobank 1/3, implants 1, robotics 0.
    criteria = [Criterion("impact", 1), Criterion("feasibility", 0), Criterion("cost", 0, direction="cost")]
    result = rank_priorities(SCORES, criteria)
    assert [row.candidate for row in result.rows] == ["implants", "telemedicine", "biobank", "robotics"]
    assert result.rows[0].contributions == {"impact": 1.0, "feasibility": 0.0, "cost": 0.0}


# ----------------------------------------------------------------------------------------- validation

TWO = [Criterion("a", 1), Criterion("b", 1)]

BAD_ARGUMENTS = [
    (
        lambda: rank_priorities({"x": {"a": 1}}, TWO),
        "candidate 'x' has no score for criterion 'b'",
    ),
    (
        lambda: rank_priorities({"x": {"a": 1, "b": 2, "c": 3}}, TWO),
        "candidate 'x' has a score for unknown criterion 'c'; allowed: 'a', 'b'",
    ),
    (
        lambda: rank_priorities({"x": {"a": 1, "b": float("nan")}}, TWO),
        "score of candidate 'x' on criterion 'b' must be a finite number; got nan",
    ),
    (
        lambda: rank_priorities({"x": {"a": 1, "b": True}}, TWO),
        "score of candidate 'x' on criterion 'b' must be a finite number; got True",
    ),
    (lambda: rank_priorities({"x": [1, 2]}, TWO), "scores of candidate 'x' must be a mapping"),
    (lambda: rank_priorities({}, TWO), "scores has no candidates; at least one is needed"),
    (lambda: rank_priorities({"x": {"a": 1}}, []), "criteria is empty; at least one criterion is needed"),
    (
        lambda: rank_priorities({"x": {"a": 1}}, [Criterion("a", 1), Criterion("a", 2)]),
        "criterion 'a' appears twice; allowed: each key once",
    ),
    (
        lambda: rank_priorities({"x": {"a": 1, "b": 1}}, [Criterion("a", 0), Criterion("b", 0)]),
        "every criterion has weight 0; at least one weight must be positive",
    ),
    (
        lambda: rank_priorities({"x": {"a": 1, "b": 1}}, TWO, normalisation="zscore"),
        "normalisation must be one of minmax, scale; got 'zscore'",
    ),
    (
        lambda: rank_priorities({"x": {"a": 1, "b": 1}}, TWO, normalisation="scale"),
        "normalisation 'scale' needs the scale of every criterion; criterion 'a' has no low and high",
    ),
    (
        lambda: rank_priorities({"x": {"a": 10}}, [Criterion("a", 1, low=1, high=9)]),
        "score 10 of candidate 'x' on criterion 'a' is outside its scale 1..9",
    ),
    (
        lambda: rank_priorities([[1, 2], [3, 4]], TWO),
        "an array of scores needs candidates= (one name per row)",
    ),
    (
        lambda: rank_priorities([[1, 2, 3]], TWO, candidates=["x"]),
        "scores must be a 2-D array with one column per criterion (2); got shape (1, 3)",
    ),
    (
        lambda: rank_priorities([[1, 2], [3, 4]], TWO, candidates=["x"]),
        "candidates has 1 name(s) for 2 row(s) of scores",
    ),
    (
        lambda: rank_priorities([[1, 2], [3, 4]], TWO, candidates=["x", "x"]),
        "candidate 'x' appears twice in candidates; allowed: each once",
    ),
    (
        lambda: rank_priorities([[1, np.inf]], TWO, candidates=["x"]),
        "score of candidate 'x' on criterion 'b' must be a finite number; got inf",
    ),
    (
        lambda: rank_priorities({"x": {"a": 1}}, [Criterion("a", 1)], candidates=["x"]),
        "candidates is only for an array of scores",
    ),
    (lambda: rank_priorities({"x": {"a": 1}}, "a"), "criteria must be a sequence of Criterion; got a str"),
    (lambda: rank_priorities({"x": {"a": 1}}, [("a", 1)]), "criteria[0] must be a Criterion; got ('a', 1)"),
    (lambda: Criterion("a", -1), "weight of criterion 'a' must be at least 0; got -1"),
    (lambda: Criterion("a", "2"), "weight of criterion 'a' must be a number; got '2' (str)"),
    (lambda: Criterion("a", math.inf), "weight of criterion 'a' must be a finite number; got inf"),
    (lambda: Criterion("", 1), "the key of a criterion must be a non-empty string; got ''"),
    (
        lambda: Criterion("a", 1, direction="gain"),
        "direction of criterion 'a' must be one of benefit, cost; got 'gain'",
    ),
    (
        lambda: Criterion("a", 1, low=1),
        "criterion 'a' has low=1 and high=None; give both ends of its scale or neither",
    ),
    (
        lambda: Criterion("a", 1, low=9, high=1),
        "criterion 'a' has low=9 >= high=1; low must be below high",
    ),
    (
        lambda: weight_stability({"x": {"a": 1}}, [Criterion("a", 1)]),
        "weight sensitivity needs at least 2 criteria: with one, its weight is always 1",
    ),
    (
        lambda: weight_stability({"x": {"a": 1, "b": 1}}, TWO, top_k=0),
        "top_k must be at least 1; got 0",
    ),
    (
        lambda: rank_path({"x": {"a": 1, "b": 1}}, TWO, "c"),
        "unknown criterion 'c'; allowed: 'a', 'b'",
    ),
    (lambda: rank_path({"x": {"a": 1, "b": 1}}, TWO, "a", steps=1), "steps must be at least 2; got 1"),
    (
        lambda: rank_path({"x": {"a": 1, "b": 1}}, TWO, "a", steps=2.5),
        "steps must be a whole number; got 2.5 (float)",
    ),
    (
        lambda: rank_acceptability({"x": {"a": 1, "b": 1}}, TWO, samples=0, seed=1),
        "samples must be at least 1; got 0",
    ),
    (
        lambda: rank_acceptability({"x": {"a": 1, "b": 1}}, TWO, spread=1.5, seed=1),
        "spread must be above 0 and below 1, or None or 'uniform'; got 1.5",
    ),
    (
        lambda: rank_acceptability({"x": {"a": 1, "b": 1}}, TWO, spread="wide", seed=1),
        "spread must be a number in (0, 1), None or 'uniform'; got 'wide'",
    ),
    (
        lambda: rank_acceptability({"x": {"a": 1, "b": 1}}, TWO, seed="x"),
        "seed must be a whole number >= 0 or a numpy.random.Generator; got 'x'",
    ),
]


@pytest.mark.parametrize("call, message", BAD_ARGUMENTS, ids=[m[:40] for _, m in BAD_ARGUMENTS])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(PriorityError) as info:
        call()
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


def test_the_seed_is_required():
    with pytest.raises(TypeError, match="seed"):
        rank_acceptability(SCORES, CRITERIA)  # type: ignore[call-arg]


# ---------------------------------------------------------------------------------- weight stability


def oracle_ranks(scores: np.ndarray, tolerance: float = 1e-9) -> np.ndarray:
    """Competition ranks per row by counting, pair by pair, who is more than ``tolerance`` ahead."""
    ahead = scores[:, None, :] > scores[:, :, None] + tolerance  # [t, i, j]: j is ahead of i
    return 1 + ahead.sum(axis=2)


def oracle_values(raw: np.ndarray, directions: list[str]) -> np.ndarray:
    """Min-max normalisation written out again: a constant column is 0.5."""
    values = np.empty_like(raw, dtype=float)
    for j, direction in enumerate(directions):
        low, high = raw[:, j].min(), raw[:, j].max()
        if high == low:
            values[:, j] = 0.5
        elif direction == "cost":
            values[:, j] = (high - raw[:, j]) / (high - low)
        else:
            values[:, j] = (raw[:, j] - low) / (high - low)
    return values


def oracle_ranks_along(raw, weights, directions, c, grid):
    """Ranks at every weight t of the grid for criterion c, the others rescaled proportionally."""
    w = np.asarray(weights, dtype=float) / np.sum(weights)
    values = oracle_values(raw, directions)
    all_weights = np.empty((grid.size, w.size))
    for j in range(w.size):
        if j == c:
            all_weights[:, j] = grid
        else:
            all_weights[:, j] = w[j] * (1 - grid) / (1 - w[c])
    return oracle_ranks(all_weights @ values.T)


def scan_first_change(ranks_along, grid, t0, current, key):
    """The first grid weight above t0, and the last below it, whose ``key(ranks)`` differs from
    ``key(current)``; None where the scan reaches 1 (or 0) without a change."""
    up = down = None
    for t, ranks in zip(grid, ranks_along, strict=True):
        if t > t0 and key(ranks) != key(current):
            up = t
            break
    for t, ranks in zip(grid[::-1], ranks_along[::-1], strict=True):
        if t < t0 and key(ranks) != key(current):
            down = t
            break
    return up, down


STEP = 1e-4
GRID = np.linspace(0.0, 1.0, 10_001)


def check_interval(interval, up, down, t0):
    """The library's exact bounds against the grid scan: the first changed grid point above the
    upper bound lies within one step of it (none at all when the bound is 1), likewise below."""
    if up is None:
        assert interval.upper == 1.0 and interval.upper_pair is None
    else:
        assert interval.upper <= up + 1e-12 and up - interval.upper <= STEP + 1e-9, (interval, up)
    if down is None:
        assert interval.lower == 0.0 and interval.lower_pair is None
    else:
        assert interval.lower >= down - 1e-12 and interval.lower - down <= STEP + 1e-9, (interval, down)
    assert interval.lower <= t0 <= interval.upper


INSTANCES = [(seed, kind) for seed in range(12) for kind in ("continuous", "integer")]


@pytest.mark.parametrize("seed, kind", INSTANCES)
def test_stability_intervals_match_a_brute_force_scan(seed, kind):
    rng = np.random.default_rng(seed)
    m, n = int(rng.integers(3, 8)), int(rng.integers(2, 5))
    raw = rng.uniform(0, 10, size=(m, n)) if kind == "continuous" else rng.integers(1, 10, (m, n)) * 1.0
    weights = rng.uniform(0.05, 1.0, size=n)
    if seed % 4 == 1:
        weights[0] = 0.0  # a criterion left out: its interval starts at 0
    directions = ["cost" if j == n - 1 and seed % 3 == 0 else "benefit" for j in range(n)]
    criteria = [Criterion(f"c{j}", float(weights[j]), directions[j]) for j in range(n)]
    names = [f"p{i}" for i in range(m)]
    top_k = 1 + seed % 3
    result = weight_stability(raw, criteria, candidates=names, top_k=top_k)
    current = np.array([result.ranking.ranks()[name] for name in names])
    assert result.top_k == top_k
    for c, item in enumerate(result.criteria):
        t0 = weights[c] / weights.sum()
        assert item.criterion == f"c{c}" and item.weight == pytest.approx(t0, abs=1e-12)
        along = oracle_ranks_along(raw, weights, directions, c, GRID)
        up, down = scan_first_change(along, GRID, t0, current, key=tuple)
        check_interval(item.order, up, down, t0)
        top = lambda ranks: frozenset(np.flatnonzero(ranks <= top_k).tolist())  # noqa: E731
        up, down = scan_first_change(along, GRID, t0, current, key=top)
        check_interval(item.top, up, down, t0)
        # The pair named at a bound swaps there: just beyond it the challenger is ahead.
        for bound, pair, beyond in (
            (item.order.upper, item.order.upper_pair, +1),
            (item.order.lower, item.order.lower_pair, -1),
        ):
            if pair is None or item.order.lower == item.order.upper:
                continue
            t = np.array([bound + beyond * STEP / 10])
            ranks = oracle_ranks_along(raw, weights, directions, c, t)[0]
            leader, challenger = names.index(pair[0]), names.index(pair[1])
            assert current[leader] < current[challenger] and ranks[challenger] <= ranks[leader]


def test_stability_by_hand():
    # Normalised: A = (1, 0), B = (0, 1), C = (0.625, 0.5) (impact 1..9 -> (6 - 1) / 8; feasibility
    # 1..9 -> (5 - 1) / 8). At impact weight t: A = t, B = 1 - t, C = 0.5 (1 - t) + 0.625 t = 0.5 + 0.125 t.
    # Current t = 0.6: A 0.6, C 0.575, B 0.4. C passes A below 0.875 t = 0.5, t = 4/7; B passes C
    # below 1.125 t = 0.5, t = 4/9; nobody passes going up (A rises fastest, C stays above B).
    # Feasibility weight u = 1 - t: the same lines mirrored, so the order holds for u < 3/7.
    criteria = [Criterion("impact", 0.6), Criterion("feasibility", 0.4)]
    scores = {
        "A": {"impact": 9, "feasibility": 1},
        "B": {"impact": 1, "feasibility": 9},
        "C": {"impact": 6, "feasibility": 5},
    }
    impact, feasibility = weight_stability(scores, criteria, top_k=2).criteria
    assert impact.order.lower == pytest.approx(4 / 7) and impact.order.upper == 1.0
    assert impact.order.lower_pair == ("A", "C") and impact.order.upper_pair is None
    assert feasibility.order.lower == 0.0 and feasibility.order.upper == pytest.approx(3 / 7)
    assert feasibility.order.upper_pair == ("A", "C")
    # Top 2 = {A, C}. A falling behind C at 4/7 does not change the set; B (1 - t) reaches A (t) at
    # t = 0.5, before it reaches C (at 4/9), and takes A's place in the top 2 below that.
    assert impact.top.lower == 0.5 and impact.top.lower_pair == ("A", "B")
    assert impact.top.upper == 1.0 and impact.top.upper_pair is None
    assert feasibility.top.upper == 0.5 and feasibility.top.upper_pair == ("A", "B")


def test_a_tie_that_the_weight_decides_collapses_the_interval():
    # A = (1, 0) and B = (0, 1) with equal weights tie at 0.5; any change of either weight breaks it.
    scores = {"A": {"x": 1, "y": 0}, "B": {"x": 0, "y": 1}}
    x, _ = weight_stability(scores, [Criterion("x", 1), Criterion("y", 1)]).criteria
    assert (x.order.lower, x.order.upper) == (0.5, 0.5)
    assert x.order.lower_pair == x.order.upper_pair == ("A", "B")
    # Identical candidates stay tied whatever the weights: they never bound an interval.
    same = {"A": {"x": 1, "y": 0}, "A2": {"x": 1, "y": 0}, "B": {"x": 0, "y": 1}}
    x, _ = weight_stability(same, [Criterion("x", 3), Criterion("y", 1)], top_k=1).criteria
    # A and A2 = 0.75, B = 0.25 at t = 0.75; B passes both at t = 0.5, nothing happens going up.
    assert (x.order.lower, x.order.upper, x.order.upper_pair) == (0.5, 1.0, None)
    assert (x.top.lower, x.top.upper) == (0.5, 1.0)


def test_a_top_set_wider_than_k_because_of_a_tie_is_fragile():
    # k = 1 but A and B tie for first: breaking the tie either way drops one of them from the top.
    scores = {"A": {"x": 1, "y": 0}, "B": {"x": 0, "y": 1}, "C": {"x": 0, "y": 0}}
    x, _ = weight_stability(scores, [Criterion("x", 1), Criterion("y", 1)], top_k=1).criteria
    assert (x.top.lower, x.top.upper, x.top.upper_pair) == (0.5, 0.5, ("A", "B"))
    # k = 3 or more covers every candidate: nothing can change the set.
    x, _ = weight_stability(scores, [Criterion("x", 1), Criterion("y", 1)], top_k=3).criteria
    assert x.top == priorities.StabilityInterval(0.0, 1.0, None, None)


def test_a_criterion_weighing_everything_splits_the_rest_equally():
    # x weighs 1, y and z 0. Below 1 the rest goes to y and z equally: R = (v_y + v_z) / 2.
    # A = (1, 0, 0): R = 0, B = (0, 1, 1): R = 1, C = (0.5, 1, 0): R = 0.5. Scores at t:
    # A = t, B = 1 - t, C = 0.5; A ahead of C down to t = 0.5, C ahead of B down to t = 0.5 too.
    scores = {
        "A": {"x": 2, "y": 0, "z": 0},
        "B": {"x": 0, "y": 2, "z": 2},
        "C": {"x": 1, "y": 2, "z": 0},
    }
    criteria = [Criterion("x", 1), Criterion("y", 0), Criterion("z", 0)]
    x = weight_stability(scores, criteria).criteria[0]
    assert x.weight == 1.0 and (x.order.lower, x.order.upper) == (0.5, 1.0)
    assert x.order.lower_pair in (("A", "C"), ("C", "B"))


# ------------------------------------------------------------------------------------------ rank path


def test_rank_path_ends_are_the_rankings_with_one_weight_at_0_and_1():
    path = rank_path(SCORES, CRITERIA, "impact", steps=11)
    assert path.criterion == "impact" and path.weight == 0.5
    assert path.weights == tuple(np.linspace(0, 1, 11).tolist())
    assert path.candidates == tuple(SCORES)
    # t = 0: impact out, feasibility and cost keep their ratio 3:1.
    without = rank_priorities(SCORES, [Criterion("impact", 0), *CRITERIA[1:]])
    # t = 1: impact alone.
    alone = rank_priorities(SCORES, [CRITERIA[0], Criterion("feasibility", 0), Criterion("cost", 0, "cost")])
    # t = 0.5 is the current weight: the ranking itself.
    now = rank_priorities(SCORES, CRITERIA)
    for i, name in enumerate(path.candidates):
        for step, reference in ((0, without), (10, alone), (5, now)):
            row = next(row for row in reference.rows if row.candidate == name)
            assert path.ranks[i][step] == row.rank
            assert path.scores[i][step] == pytest.approx(row.score, abs=1e-12)
    # Impact alone: implants 1, telemedicine 2/3, biobank 1/3, robotics 0.
    assert [path.scores[i][10] for i in range(4)] == pytest.approx([1, 2 / 3, 1 / 3, 0])


def test_rank_path_agrees_with_the_stability_interval():
    # Between the bounds of the order interval the ranks on the path are the current ones.
    stability = weight_stability(SCORES, CRITERIA)
    for item in stability.criteria:
        path = rank_path(SCORES, CRITERIA, item.criterion, steps=201)
        current = stability.ranking.ranks()
        for s, t in enumerate(path.weights):
            ranks = {name: path.ranks[i][s] for i, name in enumerate(path.candidates)}
            if item.order.lower < t < item.order.upper:
                assert ranks == current, (item.criterion, t)


# ------------------------------------------------------------------------------------ acceptability


def loop_counts(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Rank counts by a loop over the samples; a tie group of g shares each of its g places 1/g."""
    m = values.shape[0]
    counts = np.zeros((m, m))
    for w in weights:
        scores = values @ w
        for i in range(m):
            above = sum(scores[j] > scores[i] + 1e-9 for j in range(m))
            tied = sum(abs(scores[j] - scores[i]) <= 1e-9 for j in range(m))
            for place in range(above, above + tied):
                counts[i, place] += 1 / tied
    return counts


def test_vectorised_counts_match_a_loop_with_and_without_ties():
    rng = np.random.default_rng(5)
    values = rng.uniform(size=(6, 3))
    values[4] = values[1]  # identical candidates: tied in every sample
    values[5] = 0.5 * (values[2] + values[3])  # ties 2 and 3 whenever they tie each other
    weights = rng.dirichlet(np.ones(3), size=300)
    weights[:20] = [0.5, 0.5, 0.0]
    assert np.allclose(_rank_counts(values, weights), loop_counts(values, weights), atol=1e-9)
    distinct = rng.uniform(size=(5, 3))  # no ties: the fast path
    assert np.array_equal(_rank_counts(distinct, weights), loop_counts(distinct, weights))


def test_vectorised_counts_with_many_candidates_and_with_one():
    # 70 candidates take 7 bits of each packed key; one candidate is always first.
    rng = np.random.default_rng(6)
    values = rng.uniform(size=(70, 3))
    values[10] = values[20]
    weights = rng.dirichlet(np.ones(3), size=15)
    assert np.allclose(_rank_counts(values, weights), loop_counts(values, weights), atol=1e-9)
    assert np.array_equal(_rank_counts(values[:1], weights), [[15.0]])


def test_too_many_candidates_for_acceptability():
    many = {f"p{i}": {"a": i % 7, "b": i % 5} for i in range(acceptability.MAX_CANDIDATES + 1)}
    with pytest.raises(
        PriorityError, match="rank acceptability of 4097 candidates: at most 4096 are allowed"
    ):
        rank_acceptability(many, TWO, samples=1, seed=0)


def test_acceptability_rows_and_columns_sum_to_one_and_the_seed_fixes_the_result():
    for spread in (0.2, 0.5, "uniform", None):
        result = rank_acceptability(SCORES, CRITERIA, samples=2_000, spread=spread, seed=11)
        matrix = result.matrix()
        assert matrix.shape == (4, 4) and result.samples == 2_000
        assert np.allclose(matrix.sum(axis=0), 1) and np.allclose(matrix.sum(axis=1), 1)
        assert result.first_rank == tuple(matrix[:, 0])
        assert np.allclose(result.expected_rank, matrix @ np.arange(1, 5))
        assert rank_acceptability(SCORES, CRITERIA, samples=2_000, spread=spread, seed=11) == result
        assert rank_acceptability(SCORES, CRITERIA, samples=2_000, spread=spread, seed=12) != result
    assert result.spread is None and result.concentration is None
    centred = rank_acceptability(SCORES, CRITERIA, samples=10, seed=np.random.default_rng(3))
    assert centred.spread == 0.2 and centred.concentration == pytest.approx(24)  # 1 / 0.04 - 1


def test_acceptability_in_chunks(monkeypatch):
    # 1,000 samples of 4 candidates in chunks of 64 // 4 = 16: the counts still add up.
    monkeypatch.setattr(acceptability, "_CHUNK_SCORES", 64)
    result = rank_acceptability(SCORES, CRITERIA, samples=1_000, seed=4)
    counts = result.matrix() * 1_000
    assert np.allclose(counts, np.round(counts)) and np.allclose(counts.sum(axis=1), 1_000)


def test_a_dominant_candidate_is_always_first():
    # D is best on every criterion (highest impact and feasibility, lowest cost).
    scores = {**SCORES, "D": {"impact": 10, "feasibility": 9, "cost": 5}}
    for spread in (0.2, "uniform"):
        result = rank_acceptability(scores, CRITERIA, samples=5_000, spread=spread, seed=2)
        assert result.first_rank[4] == 1.0 and result.expected_rank[4] == 1.0
        assert sum(result.first_rank[:4]) == 0.0


def test_identical_candidates_share_their_places():
    # A and A2 are identical and dominate B: in every sample they tie for places 1 and 2.
    scores = {"A": {"x": 5, "y": 5}, "A2": {"x": 5, "y": 5}, "B": {"x": 1, "y": 1}}
    result = rank_acceptability(scores, [Criterion("x", 1), Criterion("y", 1)], samples=100, seed=0)
    assert result.acceptability == ((0.5, 0.5, 0.0), (0.5, 0.5, 0.0), (0.0, 0.0, 1.0))


TWO_BY_TWO = {"A": {"c1": 8, "c2": 2}, "B": {"c1": 3, "c2": 6}}
SCALE_0_10 = [Criterion("c1", 1, low=0, high=10), Criterion("c2", 1, low=0, high=10)]


def test_two_candidates_uniform_weights_win_as_often_as_their_interval_is_long():
    # On the 0..10 scale A = (0.8, 0.2), B = (0.3, 0.6). With weight w on c1 (1 - w on c2):
    # A = 0.8 w + 0.2 (1 - w) = 0.2 + 0.6 w, B = 0.3 w + 0.6 (1 - w) = 0.6 - 0.3 w; A > B iff
    # 0.9 w > 0.4, w > 4/9. Uniform weights on the simplex of two criteria: w ~ U(0, 1), so
    # P(A first) = 1 - 4/9 = 5/9 and P(B first) = 4/9.
    samples = 200_000
    result = rank_acceptability(
        TWO_BY_TWO, SCALE_0_10, normalisation="scale", samples=samples, spread="uniform", seed=7
    )
    se = math.sqrt((5 / 9) * (4 / 9) / samples)  # 0.0011
    assert abs(result.first_rank[0] - 5 / 9) < 4.5 * se
    assert result.first_rank[1] == pytest.approx(1 - result.first_rank[0], abs=1e-12)
    assert result.acceptability[0][1] == pytest.approx(result.first_rank[1], abs=1e-12)


def test_two_candidates_centred_weights_follow_the_beta_distribution():
    # Spread 0.2 -> concentration 1 / 0.2^2 - 1 = 24; weights 0.5, 0.5 -> Dirichlet(12, 12), whose
    # first component is Beta(12, 12). P(A first) = P(w > 4/9) = scipy.stats.beta.sf(4/9, 12, 12).
    # Weights 0.7, 0.3 -> Beta(16.8, 7.2).
    samples = 200_000
    for weight, (a, b) in ((0.5, (12, 12)), (0.7, (16.8, 7.2))):
        criteria = [Criterion("c1", weight, low=0, high=10), Criterion("c2", 1 - weight, low=0, high=10)]
        result = rank_acceptability(TWO_BY_TWO, criteria, normalisation="scale", samples=samples, seed=8)
        expected = scipy_stats.beta.sf(4 / 9, a, b)
        se = math.sqrt(expected * (1 - expected) / samples)
        assert abs(result.first_rank[0] - expected) < 4.5 * se, (weight, result.first_rank[0], expected)


def test_a_criterion_weighted_zero_stays_out_of_centred_sampling():
    # c2 has weight 0, so only c1 counts in every sample: A (0.8) beats B (0.3) always.
    criteria = [Criterion("c1", 1, low=0, high=10), Criterion("c2", 0, low=0, high=10)]
    result = rank_acceptability(TWO_BY_TWO, criteria, normalisation="scale", samples=1_000, seed=1)
    assert result.first_rank == (1.0, 0.0)
    # Uniform sampling ignores the weights: c2 takes part again.
    uniform = rank_acceptability(
        TWO_BY_TWO, criteria, normalisation="scale", samples=1_000, spread="uniform", seed=1
    )
    assert 0.4 < uniform.first_rank[0] < 0.7


# ------------------------------------------------------------------------------------------ CSV input


def test_reading_the_csv_fixture_gives_the_table_above():
    scores, criteria = read_priority_csv(DATA / "scores.csv", DATA / "criteria.csv")
    assert scores == SCORES and list(scores) == list(SCORES)
    assert criteria == tuple(CRITERIA)


def test_all_problems_of_both_files_are_reported_together(tmp_path):
    scores = tmp_path / "s.csv"
    criteria = tmp_path / "c.csv"
    scores.write_text("candidate,criterion,score\na,x,1\na,y,abc\n,x,2\nb,x,3\n")
    criteria.write_text("criterion,weight,direction\nx,1,benefit\ny,-1,gain\n")
    with pytest.raises(InvalidPriorityInput) as info:
        read_priority_csv(scores, criteria)
    assert info.value.total == 5
    assert info.value.lines() == [
        "s.csv, line 3, field 'score': 'abc' is not a number; allowed: a finite number such as 7 or 6.5 "
        "(decimal point, not comma)",
        "s.csv, line 4, field 'candidate': candidate is empty; allowed: any non-empty name",
        "s.csv, line 5, field 'criterion': candidate 'b' (first on this line) has no score for criterion "
        "'y'; allowed: one score per candidate for every criterion of c.csv",
        "c.csv, line 3, field 'weight': weight -1 is negative; allowed: a number >= 0",
        "c.csv, line 3, field 'direction': 'gain' is not a direction; allowed: benefit, cost",
    ]
    assert str(info.value).startswith("s.csv, line 3, field 'score'") and "(and 4 more)" in str(info.value)
