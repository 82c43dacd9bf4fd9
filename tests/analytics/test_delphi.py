"""Tests for clusterworks.analytics.delphi (consensus statistics of Delphi surveys).

Expected values are either worked by hand (the arithmetic is in the comments) or come from an oracle
named next to them: numpy (percentile, mean, std), scipy (chi2.sf, wilcoxon, mannwhitneyu, kruskal,
friedmanchisquare) or the straightforward exact implementation of Kendall's W with fractions below.
"""

from __future__ import annotations

import doctest
import math
import os
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from clusterworks.analytics import delphi
from clusterworks.analytics.delphi import (
    DelphiError,
    InvalidResponses,
    ItemStatistics,
    Response,
    change,
    concordance,
    consensus_reached,
    format_number,
    group_difference,
    io,
    item_statistics,
    items,
    kendall_w,
    responses,
    stability,
    stability_reached,
    summarise_responses,
    validation,
    write_csv_tables,
)

# ------------------------------------------------------------------------------------------- doctests


@pytest.mark.parametrize("module", [delphi, items, concordance, change, responses, io, validation])
def test_doctests(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_the_examples_in_the_methods_page_run():
    page = Path(__file__).resolve().parents[2] / "docs" / "methods" / "delphi.md"
    result = doctest.testfile(str(page), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 5 and result.failed == 0


def test_every_public_function_has_an_example():
    for name in ("item_statistics", "kendall_w", "stability", "group_difference", "consensus_reached"):
        assert ">>> " in getattr(delphi, name).__doc__, name
    for name in ("stability_reached", "summarise_responses"):
        assert ">>> " in getattr(delphi, name).__doc__, name


# ------------------------------------------------------------------------------------ item statistics


def test_item_statistics_by_hand():
    # Answers 3 4 4 5 5 5 6 7 (n = 8), sorted as given.
    # Linear interpolation: the p-quantile sits at position (n - 1) p = 7p (0-based).
    #   q1: 7 * 0.25 = 1.75 -> x1 + 0.75 (x2 - x1) = 4 + 0.75 * 0 = 4
    #   median: 3.5 -> x3 + 0.5 (x4 - x3) = 5 + 0 = 5
    #   q3: 5.25 -> x5 + 0.25 (x6 - x5) = 5 + 0.25 * 1 = 5.25;  IQR = 1.25
    # mean = 39 / 8 = 4.875; squared deviations: 1.875^2 + 2 * 0.875^2 + 3 * 0.125^2 + 1.125^2 + 2.125^2
    #   = 3.515625 + 1.53125 + 0.046875 + 1.265625 + 4.515625 = 10.875; sd = sqrt(10.875 / 7)
    # agreement (band 1): 4 <= x <= 6 -> 4 4 5 5 5 6 = 6 of 8 = 0.75
    s = item_statistics([3, 4, 4, 5, 5, 5, 6, 7])
    assert (s.n, s.median, s.q1, s.q3, s.iqr, s.mean) == (8, 5.0, 4.0, 5.25, 1.25, 4.875)
    assert s.sd == pytest.approx(math.sqrt(10.875 / 7), rel=1e-15)
    assert s.cv == pytest.approx(math.sqrt(10.875 / 7) / 4.875, rel=1e-15)
    assert s.agreement == 0.75 and s.band == 1.0


def test_one_answer_and_a_zero_mean():
    one = item_statistics([4])
    assert (one.n, one.median, one.q1, one.q3, one.iqr, one.sd, one.cv, one.agreement) == (
        1,
        4.0,
        4.0,
        4.0,
        0.0,
        None,
        None,
        1.0,
    )
    # -1, 0, 1: mean 0, sd 1 -> cv undefined
    zero = item_statistics([-1, 0, 1])
    assert zero.mean == 0 and zero.sd == 1.0 and zero.cv is None


def test_agreement_band_is_inclusive_and_tolerates_decimal_rounding():
    # Median 2: |1 - 2| = |3 - 2| = 1 <= 1 -> all three inside; with band 0.5 only the median.
    assert item_statistics([1, 2, 3]).agreement == 1.0
    assert item_statistics([1, 2, 3], band=0.5).agreement == pytest.approx(1 / 3)
    assert item_statistics([1, 2, 3], band=0).agreement == pytest.approx(1 / 3)
    # In binary, 0.8 - 0.7 = 0.10000000000000009 > 0.1, yet 0.7 is one tenth from the median 0.8.
    assert 0.8 - 0.7 > 0.1
    assert item_statistics([0.7, 0.8, 0.9], band=0.1).agreement == 1.0


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=40),
    st.floats(0, 10),
)
def test_item_statistics_against_numpy(values, band):
    # Oracle: numpy.percentile (default method "linear"), numpy mean and std(ddof=1), and counting.
    s = item_statistics(values, band=band)
    x = np.asarray(values)
    q1, median, q3 = np.percentile(x, [25, 50, 75])
    assert s.q1 == pytest.approx(q1, rel=1e-12, abs=1e-9)
    assert s.median == pytest.approx(median, rel=1e-12, abs=1e-9)
    assert s.q3 == pytest.approx(q3, rel=1e-12, abs=1e-9)
    assert s.iqr == pytest.approx(q3 - q1, rel=1e-9, abs=1e-9)
    assert s.mean == pytest.approx(x.mean(), rel=1e-9, abs=1e-6)
    if x.size > 1:
        assert s.sd == pytest.approx(x.std(ddof=1), rel=1e-9, abs=1e-6)
    else:
        assert s.sd is None
    # Away from the band edges, agreement is a plain count.
    distance = np.abs(x - s.median)
    if not np.any(np.abs(distance - band) < 1e-6 * max(1.0, band, abs(s.median))):
        assert s.agreement == pytest.approx(np.mean(distance <= band))


def test_quartiles_match_numpy_exactly_on_a_grid():
    # The interpolation repeats numpy's own (including its two-sided lerp), so equality is exact.
    rng = np.random.default_rng(7)
    for n in range(1, 30):
        x = rng.integers(1, 8, size=n).astype(float) / rng.choice([1, 3, 7])
        s = item_statistics(x)
        assert (s.q1, s.median, s.q3) == tuple(np.percentile(x, [25, 50, 75]))


@pytest.mark.parametrize(
    ("values", "band", "message"),
    [
        ([], 1.0, "values is empty; at least one answer is needed"),
        ([[1, 2], [3, 4]], 1.0, r"values must be a 1-D sequence of numbers; got an array of shape \(2, 2\)"),
        ([1, float("nan")], 1.0, r"values must be finite numbers; values\[1\] is nan"),
        (["a", "b"], 1.0, "values must be a sequence of numbers"),
        ("12", 1.0, "values must be a sequence of numbers; got a str"),
        ([1, 2], -1, "band must be at least 0; got -1"),
        ([1, 2], float("inf"), "band must be a finite number; got inf"),
        ([1, 2], True, r"band must be a number; got True \(bool\)"),
        ([1, 2], "1", r"band must be a number; got '1' \(str\)"),
    ],
)
def test_item_statistics_rejects(values, band, message):
    with pytest.raises(DelphiError, match=f"^{message}"):
        item_statistics(values, band=band)


# ---------------------------------------------------------------------------------------- Kendall's W


def kendall_w_exact(ranks, tie_correction=True):
    """Independent, straightforward W with exact fractions: the textbook formula, loop by loop."""
    m, n = len(ranks), len(ranks[0])
    totals = [sum(Fraction(row[i]).limit_denominator(2) for row in ranks) for i in range(n)]
    mean = Fraction(m * (n + 1), 2)
    s = sum((total - mean) ** 2 for total in totals)
    ties = 0
    for row in ranks:
        for value in set(row):
            t = list(row).count(value)
            ties += t**3 - t
    denominator = m * m * (n**3 - n) - (m * ties if tie_correction else 0)
    return None if denominator == 0 else 12 * s / denominator


def test_kendall_w_three_experts_four_items_by_hand():
    # Rank sums R = (1+2+1, 2+1+3, 3+3+2, 4+4+4) = (4, 6, 8, 12); mean R = m (n + 1) / 2 = 3 * 5 / 2 = 7.5
    # S = (-3.5)^2 + (-1.5)^2 + 0.5^2 + 4.5^2 = 12.25 + 2.25 + 0.25 + 20.25 = 35
    # W = 12 S / (m^2 (n^3 - n)) = 420 / (9 * 60) = 420 / 540 = 7/9 (no ties)
    # chi2 = m (n - 1) W = 3 * 3 * 7/9 = 7, df = 3; p from scipy.stats.chi2.sf (oracle)
    result = kendall_w([[1, 2, 3, 4], [2, 1, 3, 4], [1, 3, 2, 4]])
    assert result.w == pytest.approx(7 / 9, rel=1e-15)
    assert result.chi2 == pytest.approx(7.0, rel=1e-15)
    assert result.df == 3 and result.experts == 3 and result.items == 4 and result.tie_correction
    assert result.p_value == pytest.approx(scipy_stats.chi2.sf(7.0, 3), rel=1e-12)
    # chi2 with 3 df: P(X >= 7) = 2 (1 - Phi(sqrt 7)) + sqrt(2 * 7 / pi) exp(-7/2) = 0.07190
    phi = 0.5 * (1 + math.erf(math.sqrt(7) / math.sqrt(2)))
    assert result.p_value == pytest.approx(2 * (1 - phi) + math.sqrt(14 / math.pi) * math.exp(-3.5), rel=1e-9)


def test_kendall_w_with_ties_by_hand():
    # Expert 1: 1, 2, 3; expert 2 ties the first two items: 1.5, 1.5, 3.
    # R = (2.5, 3.5, 6), mean 2 * 4 / 2 = 4, S = 1.5^2 + 0.5^2 + 2^2 = 6.5
    # T_2 = 2^3 - 2 = 6;  W = 12 * 6.5 / (2^2 * (27 - 3) - 2 * 6) = 78 / 84 = 13/14
    # Without the correction: 78 / 96 = 13/16.
    assert kendall_w([[1, 2, 3], [1.5, 1.5, 3]]).w == pytest.approx(13 / 14, rel=1e-15)
    assert kendall_w([[1, 2, 3], [1.5, 1.5, 3]], tie_correction=False).w == pytest.approx(13 / 16, rel=1e-15)


def test_kendall_w_with_ties_against_the_exact_implementation_and_friedman():
    ranks = [
        [1, 2.5, 2.5, 4, 5],
        [2, 1, 3, 4.5, 4.5],
        [1, 2, 3, 4, 5],
        [2, 2, 2, 4, 5],
        [1.5, 1.5, 4, 4, 4],
    ]
    result = kendall_w(ranks)
    exact = kendall_w_exact(ranks)
    assert result.w == pytest.approx(float(exact), rel=1e-14)
    # Oracle: Friedman's chi-squared with scipy's tie correction equals m (n - 1) W (Legendre 2005).
    friedman = scipy_stats.friedmanchisquare(*np.asarray(ranks).T)
    assert result.chi2 == pytest.approx(friedman.statistic, rel=1e-12)
    assert result.p_value == pytest.approx(friedman.pvalue, rel=1e-12)
    uncorrected = kendall_w(ranks, tie_correction=False)
    assert uncorrected.w == pytest.approx(float(kendall_w_exact(ranks, tie_correction=False)), rel=1e-14)
    assert uncorrected.w < result.w


def test_kendall_w_extremes():
    # Identical rankings: R_i = m * rank, S = m^2 (n^3 - n) / 12 -> W = 1 exactly.
    assert kendall_w([[1, 2, 3, 4]] * 5).w == 1.0
    # Identical rankings with a tie: the corrected W is still exactly 1.
    assert kendall_w([[1.5, 1.5, 3]] * 4).w == 1.0
    # Opposite rankings: R_i = n + 1 for every item, S = 0 -> W = 0.
    assert kendall_w([[1, 2, 3, 4], [4, 3, 2, 1]]).w == 0.0
    # A Latin square: every item takes every place once, S = 0.
    zero = kendall_w([[1, 2, 3], [2, 3, 1], [3, 1, 2]])
    assert (zero.w, zero.chi2, zero.p_value) == (0.0, 0.0, 1.0)
    # Every expert ties every item: the denominator m^2 (n^3 - n) - m * m (n^3 - n) is 0.
    undefined = kendall_w([[2, 2, 2], [2, 2, 2]])
    assert (undefined.w, undefined.chi2, undefined.p_value, undefined.df) == (None, None, None, 2)
    # ... but without the correction W is defined (and 0).
    assert kendall_w([[2, 2, 2], [2, 2, 2]], tie_correction=False).w == 0.0


rankings = st.integers(2, 7).flatmap(
    lambda n: st.lists(
        st.lists(st.integers(0, 4), min_size=n, max_size=n).map(lambda row: list(scipy_stats.rankdata(row))),
        min_size=1,
        max_size=8,
    )
)


@settings(max_examples=300, deadline=None)
@given(rankings)
def test_kendall_w_is_in_zero_one_and_matches_the_exact_formula(ranks):
    result = kendall_w(ranks)
    exact = kendall_w_exact(ranks)
    if exact is None:
        assert result.w is None
        return
    assert 0.0 <= result.w <= 1.0
    assert result.w == pytest.approx(float(exact), rel=1e-12, abs=1e-15)
    assert result.chi2 == pytest.approx(len(ranks) * (len(ranks[0]) - 1) * result.w)


@settings(max_examples=100, deadline=None)
@given(rankings, st.integers(1, 6))
def test_kendall_w_is_one_when_all_experts_agree(ranks, m):
    row = ranks[0]
    result = kendall_w([row] * m)
    if len(set(row)) == 1:
        assert result.w is None  # everything tied: nothing to agree on
    else:
        assert result.w == pytest.approx(1.0, rel=1e-15)


@pytest.mark.parametrize(
    ("ranks", "message"),
    [
        ([1, 2, 3], r"ranks must be a 2-D array \(experts x items\); got an array of shape \(3,\)"),
        ([[1], [1]], "ranks has 1 column"),
        (np.empty((0, 3)), "ranks has no rows"),
        ([[1, 2, float("nan")]], r"ranks must be finite numbers; ranks\[0, 2\] is nan"),
        ([["a", "b"]], "ranks must be a 2-D array of numbers"),
        ([[1, 2, 3], [1, 2, 4]], r"ranks row 1 is not a ranking of 3 items: 1, 2, 4 \(mid-ranks 1, 2, 3"),
        ([[0, 1, 2]], r"ranks row 0 is not a ranking of 3 items: 0, 1, 2"),
        ([[1, 1, 3]], r"ranks row 0 is not a ranking of 3 items: 1, 1, 3 \(mid-ranks 1.5, 1.5, 3 expected\)"),
    ],
)
def test_kendall_w_rejects(ranks, message):
    with pytest.raises(DelphiError, match=f"^{message}"):
        kendall_w(ranks)


def test_kendall_w_tie_correction_must_be_a_bool():
    with pytest.raises(DelphiError, match="tie_correction must be True or False; got 'yes'"):
        kendall_w([[1, 2]], tie_correction="yes")


# ------------------------------------------------------------------------------------------ stability


@pytest.mark.parametrize("zero_method", ["zsplit", "pratt", "wilcox"])
def test_stability_against_scipy_wilcoxon(zero_method):
    before = [3, 5, 4, 6, 2, 5, 4, 4, 3, 6, 5, 2]
    after = [4, 5, 5, 6, 3, 5, 5, 4, 4, 6, 5, 3]
    s = stability(before, after, zero_method=zero_method)
    oracle = scipy_stats.wilcoxon(np.subtract(after, before), zero_method=zero_method)
    assert (s.statistic, s.p_value) == (pytest.approx(oracle.statistic), pytest.approx(oracle.pvalue))
    assert (s.pairs, s.changed, s.zero_method) == (12, 6, zero_method)


def test_stability_cv_change_by_hand():
    # before 2 4 6: mean 4, sd 2, cv 0.5;  after 3 4 5: mean 4, sd 1, cv 0.25
    # change = |0.25 - 0.5| / 0.5 = 0.5
    s = stability([2, 4, 6], [3, 4, 5])
    assert (s.cv_previous, s.cv_current, s.cv_change) == (0.5, 0.25, 0.5)


def test_stability_pairs_mappings_by_expert():
    s = stability({"a": 1, "b": 2, "c": 3, "x": 9}, {"c": 4, "b": 2, "a": 2, "y": 1})
    # common experts a, b, c: differences +1, 0, +1
    assert (s.pairs, s.changed) == (3, 2)
    assert s.p_value == pytest.approx(scipy_stats.wilcoxon([1, 0, 1], zero_method="zsplit").pvalue)


def test_stability_without_change_and_undefined_cv():
    s = stability([0, 0, 0], [0, 0, 0])
    assert (s.changed, s.statistic, s.p_value) == (0, 0.0, 1.0)
    assert s.cv_previous is None and s.cv_change is None  # mean 0
    flat = stability([4, 4], [4, 5])
    assert flat.cv_previous == 0.0 and flat.cv_change == math.inf
    assert stability([4, 4], [4, 4]).cv_change == 0.0


@pytest.mark.parametrize(
    ("previous", "current", "kwargs", "message"),
    [
        ([1, 2], [1, 2, 3], {}, "previous has 2 answers and current 3"),
        ({"a": 1}, [1], {}, "give previous and current both as mappings"),
        ({"a": 1}, {"b": 1}, {}, "previous and current have no expert in common"),
        (
            [1, 2],
            [1, 2],
            {"zero_method": "drop"},
            "zero_method 'drop' is not allowed; allowed: zsplit, pratt, wilcox",
        ),
        ([], [], {}, "previous is empty"),
        ([1, None], [1, 2], {}, r"previous must be finite numbers; previous\[1\] is nan"),
    ],
)
def test_stability_rejects(previous, current, kwargs, message):
    with pytest.raises(DelphiError, match=f"^{message}"):
        stability(previous, current, **kwargs)


# --------------------------------------------------------------------------------- group differences


def test_group_difference_two_groups_is_mann_whitney():
    groups = {"industry": [5, 6, 6, 7, 4], "academia": [2, 3, 3, 4, 5, 1]}
    d = group_difference(groups)
    oracle = scipy_stats.mannwhitneyu(groups["industry"], groups["academia"], alternative="two-sided")
    assert d.test == "mann-whitney"
    assert (d.statistic, d.p_value) == (oracle.statistic, oracle.pvalue)
    assert d.groups == ("industry", "academia") and d.sizes == (5, 6)


def test_group_difference_three_groups_is_kruskal_wallis():
    groups = {"a": [1, 2, 3, 3], "b": [2, 4, 5], "c": [6, 6, 7, 5, 7]}
    d = group_difference(groups)
    oracle = scipy_stats.kruskal(*groups.values())
    assert d.test == "kruskal-wallis"
    assert (d.statistic, d.p_value) == (pytest.approx(oracle.statistic), pytest.approx(oracle.pvalue))


def test_group_difference_identical_answers():
    d = group_difference({"a": [3, 3], "b": [3], "c": [3, 3]})
    assert (d.statistic, d.p_value) == (0.0, 1.0)
    assert group_difference({"a": [3, 3], "b": [3, 3]}).p_value == 1.0


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ([1, 2], "groups must be a mapping name -> answers; got list"),
        ({"a": [1]}, r"groups has 1 group\(s\); at least 2 are needed"),
        ({"a": [1], "b": []}, r"groups\['b'\] is empty"),
    ],
)
def test_group_difference_rejects(groups, message):
    with pytest.raises(DelphiError, match=f"^{message}"):
        group_difference(groups)


# -------------------------------------------------------------------------------------- stopping rules


def stats(**fields):
    base = {
        "n": 10,
        "median": 5.0,
        "q1": 4.0,
        "q3": 5.0,
        "iqr": 1.0,
        "mean": 5.0,
        "sd": 1.0,
        "cv": 0.2,
        "agreement": 0.8,
        "band": 1.0,
    }
    return ItemStatistics(**{**base, **fields})


def test_consensus_reached_rules():
    assert consensus_reached(stats()) == (True, "consensus: IQR 1 <= 1; agreement 0.8 >= 0.75")
    assert consensus_reached(stats(iqr=1.25)) == (False, "no consensus: IQR 1.25 > 1; agreement 0.8 >= 0.75")
    assert consensus_reached(stats(agreement=0.7), max_iqr=None) == (
        False,
        "no consensus: agreement 0.7 < 0.75",
    )
    assert consensus_reached(stats(), max_iqr=None, min_agreement=None, max_cv=0.25) == (
        True,
        "consensus: CV 0.2 <= 0.25",
    )
    assert consensus_reached(stats(cv=None), max_cv=0.5)[0] is False
    assert "CV undefined" in consensus_reached(stats(cv=None), max_cv=0.5)[1]
    # Decimal rounding: an IQR of 1.0000000000000002 meets max_iqr=1.
    assert consensus_reached(stats(iqr=1.0000000000000002))[0] is True


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_iqr": -1}, "max_iqr must be at least 0; got -1"),
        ({"min_agreement": 1.5}, "min_agreement must be at most 1; got 1.5"),
        ({"max_iqr": None, "min_agreement": None}, "max_iqr, min_agreement and max_cv are all None"),
    ],
)
def test_consensus_reached_rejects(kwargs, message):
    with pytest.raises(DelphiError, match=f"^{message}"):
        consensus_reached(stats(), **kwargs)
    with pytest.raises(DelphiError, match="stats must be an ItemStatistics"):
        consensus_reached({"iqr": 1})


def test_stability_reached_rules():
    moved = stability([2, 4, 6, 4, 4, 4], [3, 4, 5, 4, 4, 4])  # one up, one down: no shift
    # cv before: sd of (2,4,6,4,4,4) = sqrt(8/5), mean 4; after: sd sqrt(2/5); change = 1 - 1/2 = 0.5
    assert moved.cv_change == pytest.approx(0.5)
    assert stability_reached(moved) == (False, "not stable: Wilcoxon p 1 >= 0.05; CV change 0.5 > 0.15")
    assert stability_reached(moved, max_cv_change=None) == (True, "stable: Wilcoxon p 1 >= 0.05")
    shifted = stability([1, 2, 3, 4, 5, 6, 7, 8], [3, 4, 5, 6, 7, 8, 9, 10])  # all up by 2
    reached, reason = stability_reached(shifted, max_cv_change=None)
    assert not reached and reason.startswith("not stable: Wilcoxon p 0.0") and reason.endswith("< 0.05")
    undefined = stability([0, 0], [0, 0])
    assert stability_reached(undefined)[0] is False
    with pytest.raises(DelphiError, match="alpha must be between 0 and 1"):
        stability_reached(moved, alpha=0)
    with pytest.raises(DelphiError, match="alpha and max_cv_change are both None"):
        stability_reached(moved, alpha=None, max_cv_change=None)
    with pytest.raises(DelphiError, match="stability must be a Stability"):
        stability_reached(0.3)


# ------------------------------------------------------------------------------------ whole tables


def survey_rows():
    """Round 1: ratings of one item by three experts and a complete ranking of three items."""
    rows = []
    for expert, rating in (("ann", 4), ("bob", 5), ("cat", 2)):
        rows.append(
            {"round": 1, "expert": expert, "question": "q1", "item": "x", "kind": "rating", "value": rating}
        )
    for expert, ranking in (("ann", (1, 2, 3)), ("bob", (1.5, 1.5, 3)), ("cat", (2, 1, 3))):
        for item, value in zip("abc", ranking, strict=True):
            rows.append(
                {"round": 1, "expert": expert, "question": "q2", "item": item, "kind": "rank", "value": value}
            )
    return rows


def test_summarise_responses_agrees_with_the_single_item_functions():
    items, questions = summarise_responses(survey_rows())
    assert [(s.round, s.question, s.item, s.kind) for s in items] == [
        (1, "q1", "x", "rating"),
        (1, "q2", "a", "rank"),
        (1, "q2", "b", "rank"),
        (1, "q2", "c", "rank"),
    ]
    assert items[0].statistics == item_statistics([4, 5, 2])
    assert items[1].statistics == item_statistics([1, 1.5, 2])
    assert len(questions) == 1 and (questions[0].round, questions[0].question) == (1, "q2")
    expected = kendall_w([[1, 2, 3], [1.5, 1.5, 3], [2, 1, 3]])
    assert questions[0].kendall.w == pytest.approx(expected.w, rel=1e-15)
    assert (questions[0].kendall.experts, questions[0].kendall.items) == (3, 3)
    # By hand: R = (4.5, 4.5, 9), mean 6, S = 2.25 + 2.25 + 9 = 13.5; T = 6 (bob's tie)
    # W = 12 * 13.5 / (9 * 24 - 3 * 6) = 162 / 198 = 9/11
    assert questions[0].kendall.w == pytest.approx(9 / 11, rel=1e-15)


def test_summarise_responses_accepts_response_objects_text_and_sorts_naturally():
    rows = [
        Response(2, "e1", "q10", "i2", "rating", 3.0),
        Response(2, "e1", "q10", "i10", "rating", 4.0),
        Response(2, "e1", "q2", "i1", "rating", 5.0),
        {"round": "1", "expert": "e1", "question": " q9 ", "item": "i1", "kind": "rating", "value": " 2.5 "},
    ]
    items, questions = summarise_responses(rows)
    assert [(s.round, s.question, s.item) for s in items] == [
        (1, "q9", "i1"),
        (2, "q2", "i1"),
        (2, "q10", "i2"),
        (2, "q10", "i10"),
    ]
    assert items[0].statistics.median == 2.5 and questions == ()


def test_summarise_responses_takes_exact_mid_ranks():
    rows = survey_rows()
    rows[3]["value"] = 1.0000000000001  # ann ranks item a 1.0000000000001: within 1e-9 of 1, taken as 1
    items, _ = summarise_responses(rows)
    assert items[1].statistics.mean == pytest.approx((1 + 1.5 + 2) / 3, rel=1e-15)
    assert items[1].statistics.q1 == 1.25


def issues_of(rows, **kwargs):
    with pytest.raises(InvalidResponses) as caught:
        summarise_responses(rows, **kwargs)
    return caught.value


def test_every_rule_is_reported_at_once():
    rows = survey_rows()
    rows += [
        {
            "round": 1,
            "expert": "ann",
            "question": "q1",
            "item": "x",
            "kind": "rating",
            "value": 3,
        },  # duplicate
        {"round": 1, "expert": "dan", "question": "q1", "item": "x", "kind": "score", "value": 3},  # kind
        {
            "round": 1,
            "expert": "eve",
            "question": "q1",
            "item": "x",
            "kind": "rating",
            "value": "high",
        },  # value
        {"round": 0, "expert": "fay", "question": "q1", "item": "x", "kind": "rating", "value": 3},  # round
        {
            "round": 1,
            "expert": " ",
            "question": "q1",
            "item": "x",
            "kind": "rating",
            "value": 3,
        },  # empty expert
        {
            "round": 2,
            "expert": "ann",
            "question": "q1",
            "item": "x",
            "kind": "rank",
            "value": 1,
        },  # mixed kinds
    ]
    error = issues_of(rows, first_line=2, source="survey.csv")
    assert error.total == 6 and error.source == "survey.csv"
    assert error.lines() == [
        "survey.csv, line 14, field 'item': duplicate answer: expert 'ann' already answered item 'x' of "
        "question 'q1' in round 1 on line 2; allowed: one answer per round, expert, question and item",
        "survey.csv, line 15, field 'kind': 'score' is not a kind; allowed: rating, rank",
        "survey.csv, line 16, field 'value': 'high' is not a number; allowed: a finite number such as 4 or "
        "3.5 (decimal point, not comma)",
        "survey.csv, line 17, field 'round': '0' is not a round number; allowed: a whole number 1, 2, 3, ...",
        "survey.csv, line 18, field 'expert': expert is empty; allowed: any non-empty name",
        "survey.csv, line 19, field 'kind': question 'q1' mixes kinds: 'rank' on 1 line(s), the first "
        "here, and 'rating' on 3 line(s), the first on line 2; allowed: one kind per question, in every "
        "round",
    ]
    assert str(error).startswith(
        "survey.csv, line 14, field 'item': duplicate answer"
    ) and "(and 5 more)" in str(error)
    assert error.issues[2].as_dict("survey.csv") == {
        "file": "survey.csv",
        "line": 16,
        "field": "value",
        "value": "high",
        "message": "'high' is not a number; allowed: a finite number such as 4 or 3.5 (decimal point, not "
        "comma)",
    }


def ranking_rows(ranks_by_expert, question="q", round_=1):
    return [
        {
            "round": round_,
            "expert": expert,
            "question": question,
            "item": item,
            "kind": "rank",
            "value": value,
        }
        for expert, ranking in ranks_by_expert.items()
        for item, value in ranking.items()
    ]


@pytest.mark.parametrize(
    ("ranking", "field", "line", "message"),
    [
        (
            {"a": 1, "b": 2, "c": 4},
            "value",
            6,
            "rank 4 is outside 1..3: question 'q' has 3 item(s) in round 1; allowed: the places 1..3, ties "
            "as mid-ranks (e.g. 1.5, 1.5, 3)",
        ),
        (
            {"a": 1, "b": 2},
            "item",
            4,
            "expert 'bob', question 'q', round 1: ranks 2 of the 3 items; missing 'c'; allowed: a ranking "
            "of every item of the question (the items are those named by any expert in that round)",
        ),
        (
            {"a": 1, "b": 1, "c": 3},
            "value",
            4,
            "expert 'bob', question 'q', round 1: the ranks a=1, b=1, c=3 sum to 5, not n(n+1)/2 = 6 for "
            "n = 3 items; allowed: the places 1..3, ties as mid-ranks (e.g. 1.5, 1.5, 3)",
        ),
        (
            {"a": 1.2, "b": 2, "c": 2.8},
            "value",
            4,
            "expert 'bob', question 'q', round 1: the ranks a=1.2, b=2, c=2.8 are not a valid ranking (the "
            "mid-ranks of this order are a=1, b=2, c=3); allowed: the places 1..3, tied items sharing the "
            "mean of the places they take (e.g. 1.5, 1.5, 3)",
        ),
        (
            {"a": 1, "b": 2.5, "c": 2.5, "d": 4},
            "item",
            1,
            "expert 'ann', question 'q', round 1: ranks 3 of the 4 items; missing 'd'",
        ),
    ],
)
def test_invalid_rankings(ranking, field, line, message):
    rows = ranking_rows({"ann": {"a": 1, "b": 2, "c": 3}, "bob": ranking})
    error = issues_of(rows)
    assert len(error.issues) == 1
    issue = error.issues[0]
    assert issue.field == field and issue.message.startswith(message)
    # ann's rows are lines 1-3 and bob's from line 4: a rank out of range is reported on its own line,
    # a ranking on its first line.
    assert issue.line == line


def test_valid_mid_rankings_pass():
    rows = ranking_rows(
        {
            "ann": {"a": 1.5, "b": 1.5, "c": 3, "d": 4},
            "bob": {"a": 2, "b": 2, "c": 2, "d": 4},
            "cat": {"a": 2.5, "b": 2.5, "c": 2.5, "d": 2.5},
            "dan": {"a": 4, "b": 3, "c": 1.5, "d": 1.5},
        }
    )
    _, questions = summarise_responses(rows)
    ranks = [[1.5, 1.5, 3, 4], [2, 2, 2, 4], [2.5, 2.5, 2.5, 2.5], [4, 3, 1.5, 1.5]]
    assert questions[0].kendall.w == pytest.approx(float(kendall_w_exact(ranks)), rel=1e-14)


def test_a_single_item_rank_question_has_no_w():
    _, questions = summarise_responses(ranking_rows({"ann": {"a": 1}, "bob": {"a": 1}}))
    k = questions[0].kendall
    assert (k.experts, k.items, k.w, k.chi2, k.p_value, k.df) == (2, 1, None, None, None, 0)


def test_issues_are_capped_but_counted():
    rows = [
        {"round": 1, "expert": f"e{i}", "question": "q", "item": "x", "kind": "rating", "value": "?"}
        for i in range(250)
    ]
    error = issues_of(rows)
    assert error.total == 250 and len(error.issues) == 100
    assert [issue.line for issue in error.issues] == list(range(1, 101))
    assert str(error).endswith("(and 249 more)")


def test_rows_must_be_responses_or_mappings():
    with pytest.raises(DelphiError, match="^row 1 has no kind, value; each row needs the keys"):
        summarise_responses([{"round": 1, "expert": "e", "question": "q", "item": "i"}])
    with pytest.raises(DelphiError, match="^row 1 is a tuple; allowed: Response or a mapping"):
        summarise_responses([(1, "e", "q", "i", "rating", 3)])
    error = issues_of([])
    assert error.lines() == ["there are no responses; at least one answer is needed"]
    with pytest.raises(DelphiError, match="band must be at least 0"):
        summarise_responses(survey_rows(), band=-0.5)


def test_bools_are_not_numbers_or_rounds():
    rows = survey_rows()[:3]
    rows[0]["value"] = True
    rows[1]["round"] = True
    error = issues_of(rows)
    assert [(issue.line, issue.field) for issue in error.issues] == [(1, "value"), (2, "round")]


surveys = st.lists(
    st.tuples(
        st.integers(1, 2),  # round
        st.sampled_from(["e1", "e2", "e3", "e4", "e5"]),  # expert
        st.sampled_from(["q1", "q2", "q10"]),  # question (rating)
        st.sampled_from(["i1", "i2", "i3"]),  # item
        st.integers(1, 7),
    ),
    min_size=1,
    max_size=60,
    unique_by=lambda row: row[:4],
)


@settings(max_examples=100, deadline=None)
@given(surveys, st.integers(0, 3), st.randoms(use_true_random=False))
def test_summarise_responses_matches_per_item_and_per_question_oracles(ratings, n_rank_experts, random):
    # Ratings from hypothesis, plus a rank question "r" ranked by n_rank_experts experts (with ties).
    rows = [
        {"round": r, "expert": e, "question": q, "item": i, "kind": "rating", "value": v}
        for r, e, q, i, v in ratings
    ]
    rankings = []
    for expert in range(n_rank_experts):
        scores = [random.randint(0, 3) for _ in range(4)]
        ranks = list(scipy_stats.rankdata(scores))
        rankings.append(ranks)
        rows += ranking_rows({f"x{expert}": dict(zip("abcd", ranks, strict=True))}, question="r")
    random.shuffle(rows)
    items, questions = summarise_responses(rows)
    by_item: dict[tuple, list[float]] = {}
    for row in rows:
        by_item.setdefault((row["round"], row["question"], row["item"]), []).append(row["value"])
    assert [(s.round, s.question, s.item) for s in items] == sorted(
        by_item, key=lambda key: (key[0], int(key[1][1:]) if key[1] != "r" else 99, key[2])
    )
    for summary in items:
        expected = item_statistics(by_item[(summary.round, summary.question, summary.item)])
        assert summary.statistics.n == expected.n
        for name in ("median", "q1", "q3", "iqr", "agreement"):
            assert getattr(summary.statistics, name) == getattr(expected, name), name
        for name in ("mean", "sd", "cv"):
            ours, theirs = getattr(summary.statistics, name), getattr(expected, name)
            assert (ours is None) == (theirs is None)
            if ours is not None:
                assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-12)
    if n_rank_experts:
        assert len(questions) == 1
        expected_w = kendall_w_exact(rankings)
        assert (questions[0].kendall.w is None) == (expected_w is None)
        if expected_w is not None:
            assert questions[0].kendall.w == pytest.approx(float(expected_w), rel=1e-12, abs=1e-15)
    else:
        assert questions == ()


# ---------------------------------------------------------------------------------------------- files


def test_format_number():
    assert format_number(None) == ""
    assert format_number(3) == "3"
    assert format_number(4.0) == "4"
    assert format_number(-0.0) == "0"
    assert format_number(2 / 3) == "0.6666666667"
    assert format_number(0.03556654007281) == "0.03556654007"
    assert format_number(123456789012.5) == "1.23456789e+11"
    assert format_number(math.inf) == "inf"


def test_write_csv_tables_writes_all_or_nothing(tmp_path):
    first, second = tmp_path / "items.csv", tmp_path / "missing-dir" / "questions.csv"
    with pytest.raises(FileNotFoundError):
        write_csv_tables({first: (["a"], [["1"]]), second: (["b"], [["2"]])})
    assert os.listdir(tmp_path) == []  # neither the first table nor its temporary file

    def failing_rows():
        yield ["1"]
        raise RuntimeError("boom")

    first.write_text("old\n")
    with pytest.raises(RuntimeError):
        write_csv_tables({first: (["a"], failing_rows())})
    assert first.read_text() == "old\n" and sorted(os.listdir(tmp_path)) == ["items.csv"]

    write_csv_tables({first: (["a", "b"], [["1", "x,y"]]), tmp_path / "q.csv": (["c"], [])})
    assert first.read_text() == 'a,b\n1,"x,y"\n'
    assert (tmp_path / "q.csv").read_text() == "c\n"


def test_written_files_get_the_usual_permissions(tmp_path):
    target = tmp_path / "items.csv"
    write_csv_tables({target: (["a"], [])})
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_the_library_does_not_import_django():
    source = Path(delphi.__file__).parent
    for path in source.glob("*.py"):
        assert "django" not in path.read_text(encoding="utf-8"), path
