"""Location quotients, presence, concentration indices, ranks and growth
(clusterworks.analytics.specialisation): hand-computed examples, independent oracles (py-ecomplexity for
RCA and RpoP, scipy for ranks, percentiles and entropy, the weighted Gini mean difference for the
locational Gini) and the U.S. Cluster Mapping Project's published ``lq_tf`` of all 50 states."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

from clusterworks.analytics.specialisation import (
    SpecialisationError,
    cagr,
    entropy,
    gini,
    hachman,
    herfindahl,
    hoover,
    krugman_index,
    location_quotient,
    percentile_rank,
    presence,
    rank,
    rca,
    rpop,
    specialisation_coefficient,
)

USCMP = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "us_cluster_mapping"

# Two regions x two activities, total 100: rows 40 / 60, columns 50 / 50.
X = np.array([[10.0, 30.0], [40.0, 20.0]])


def matrices(min_rows=2, max_rows=6, min_cols=2, max_cols=6):
    """Strictly positive employment matrices (no empty region, no empty activity)."""
    return st.tuples(st.integers(min_rows, max_rows), st.integers(min_cols, max_cols)).flatmap(
        lambda s: arrays(np.float64, s, elements=st.integers(1, 1000).map(float))
    )


# ------------------------------------------------------------------------------------------- LQ
def test_location_quotient_by_hand():
    # (10/40)/(50/100) = 0.5, (30/40)/0.5 = 1.5, (40/60)/0.5 = 4/3, (20/60)/0.5 = 2/3
    np.testing.assert_allclose(location_quotient(X), [[0.5, 1.5], [4 / 3, 2 / 3]], rtol=1e-15)


def test_location_quotient_denominator_and_traded_by_hand():
    x = np.array([[10.0, 30.0, 60.0], [40.0, 20.0, 40.0]])
    # denominator = columns 0,1 only: the same as X above for them; column 2 (60/40)/(100/100) = 1.5
    lq = location_quotient(x, denominator=np.array([True, True, False]))
    np.testing.assert_allclose(lq, [[0.5, 1.5, 1.5], [4 / 3, 2 / 3, 2 / 3]], rtol=1e-15)
    # traded = columns 0,1: they as X above; column 2 is alone in its group, so its LQ is 1 everywhere
    lq = location_quotient(x, traded=np.array([True, True, False]))
    np.testing.assert_allclose(lq, [[0.5, 1.5, 1.0], [4 / 3, 2 / 3, 1.0]], rtol=1e-15)
    # reference national totals 100, 100 (regions are half the country): (10/40)/(100/200) = 0.5 again,
    # while reference (50, 150): (10/40)/(50/200) = 1.0, (30/40)/(150/200) = 1.0
    np.testing.assert_allclose(location_quotient(X, reference=[50, 150])[0], [1.0, 1.0], rtol=1e-15)


def test_location_quotient_zero_and_nan_conventions():
    x = np.array([[0.0, 0.0, 0.0], [5.0, 0.0, 5.0], [5.0, 0.0, np.nan]])
    lq = location_quotient(x)
    assert np.isnan(lq[0]).all()  # empty region: 0/0 -> NaN, not 0
    assert np.isnan(lq[:, 1]).all()  # all-zero activity: NaN
    assert np.isnan(lq[2, 2])  # NaN cell stays NaN ...
    # ... and is left out of totals: region 2 total 5, col 0 total 10, col 2 total 5, grand 15
    assert lq[2, 0] == pytest.approx((5 / 5) / (10 / 15))
    assert lq[1, 2] == pytest.approx((5 / 10) / (5 / 15))
    # a zero cell of a non-empty region is 0
    assert location_quotient(np.array([[0.0, 1.0], [1.0, 1.0]]))[0, 0] == 0.0


def test_location_quotient_rejects_bad_input():
    with pytest.raises(SpecialisationError, match="2-D"):
        location_quotient([1.0, 2.0])
    with pytest.raises(SpecialisationError, match="negative"):
        location_quotient([[1.0, -2.0]])
    with pytest.raises(SpecialisationError, match="not both"):
        location_quotient(X, denominator=np.array([True, False]), traded=np.array([True, False]))
    with pytest.raises(SpecialisationError, match="boolean mask of 2"):
        location_quotient(X, traded=[1, 0])
    with pytest.raises(SpecialisationError, match="reference"):
        location_quotient(X, reference=[1.0])


def _ecomplexity_matrix(x, pop=None):
    import warnings

    import pandas as pd
    from ecomplexity.ComplexityData import ComplexityData

    warnings.filterwarnings("ignore", message=".*inplace.*")

    rows = [(2000, f"r{i:02d}", f"p{j:02d}", x[i, j]) for i in range(x.shape[0]) for j in range(x.shape[1])]
    df = pd.DataFrame(rows, columns=["year", "loc", "prod", "val"])
    cd = ComplexityData(df, {"time": "year", "loc": "loc", "prod": "prod", "val": "val"}, "coerce")
    cd.create_full_df(2000)
    cd.calculate_rca()
    if pop is None:
        return cd.rca_t
    p = pd.DataFrame({"year": 2000, "loc": [f"r{i:02d}" for i in range(x.shape[0])], "pop": pop})
    cd.cols_input = {"time": "year"}
    cd.calculate_rpop(p, 2000)
    return cd.rpop_t


@settings(max_examples=25, deadline=None)
@given(matrices())
def test_rca_matches_ecomplexity(x):
    # oracle: py-ecomplexity's ComplexityData.calculate_rca on the same (loc, prod, val) rows
    np.testing.assert_allclose(rca(x), _ecomplexity_matrix(x), rtol=1e-12)


def test_rpop_matches_ecomplexity_and_hand():
    x = np.array([[10.0, 30.0], [40.0, 20.0], [5.0, 5.0]])
    pop = np.array([1.0, 2.0, 7.0])
    # by hand: (10/1)/(55/10) = 20/11
    assert rpop(x, pop)[0, 0] == pytest.approx(20 / 11, rel=1e-15)
    # oracle: py-ecomplexity's calculate_rpop
    np.testing.assert_allclose(rpop(x, pop), _ecomplexity_matrix(x, pop), rtol=1e-12)
    assert np.isnan(rpop(x, [0.0, 2.0, 7.0])[0]).all()  # zero population: undefined
    with pytest.raises(SpecialisationError, match="population must be 3"):
        rpop(x, [1.0, 2.0])


def test_presence_threshold_rule():
    v = np.array([0.5, 1.0, 1.5, np.nan])
    assert presence(v).tolist() == [False, True, True, False]  # RCA >= 1, NaN absent
    assert presence(v, at_threshold="absent").tolist() == [False, False, True, False]  # RCA > 1
    assert presence(v, threshold=0.5).tolist() == [True, True, True, False]
    with pytest.raises(SpecialisationError, match="at_threshold"):
        presence(v, at_threshold="maybe")


# ---------------------------------------------------------------------------------- real data
def _uscmp_states():
    path = USCMP / "all_states_clusters.csv"
    if not path.exists():
        pytest.skip(f"shared data not found: {path} (see /work/shared/data/README.md)")
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_location_quotient_reproduces_uscmp_lq_tf_on_all_3350_state_rows():
    rows = _uscmp_states()
    assert len(rows) == 3350
    states = sorted({r["region_code_t"] for r in rows})
    clusters = sorted({int(r["cluster_code_t"]) for r in rows})
    si = {s: i for i, s in enumerate(states)}
    ci = {c: j for j, c in enumerate(clusters)}
    emp = np.zeros((len(states), len(clusters)))
    lq_pub = np.full(emp.shape, np.nan)
    traded = np.zeros(len(clusters), dtype=bool)
    national = {}
    for r in rows:
        i, j = si[r["region_code_t"]], ci[int(r["cluster_code_t"])]
        e = float(r["emp_tl"])
        emp[i, j] = e
        lq_pub[i, j] = float(r["lq_tf"])
        traded[j] = r["traded_b"] == "TRUE"
        if e > 0:  # national cluster employment = emp / cluster_emp_per_tf (the region's share of it)
            national.setdefault(j, []).append(e / float(r["cluster_emp_per_tf"]))
    # the 50 states are not the nation (DC, PR...): national totals come from the file's own shares
    reference = np.array([round(float(np.median(national[j]))) for j in range(len(clusters))])
    assert (traded.sum(), (~traded).sum()) == (51, 16)
    lq = location_quotient(emp, traded=traded, reference=reference)
    assert np.isnan(lq).sum() == 0
    # published lq_tf has 8 significant digits: relative error <= 2e-7 on every row, 0 where emp is 0
    np.testing.assert_allclose(lq, lq_pub, rtol=2e-7, atol=0)
    # the other candidate bases do NOT reproduce it (so the test can tell them apart)
    assert (
        np.max(np.abs(location_quotient(emp, reference=reference) / np.where(lq_pub > 0, lq_pub, 1) - 1))
        > 0.1
    )
    assert np.max(np.abs(location_quotient(emp, traded=traded) / np.where(lq_pub > 0, lq_pub, 1) - 1)) > 0.01


# ------------------------------------------------------------------------------ profile indices
def test_indices_by_hand():
    # region shares (0.25, 0.75), (2/3, 1/3); national shares (0.5, 0.5)
    np.testing.assert_allclose(krugman_index(X), [0.5, 1 / 3], rtol=1e-15)
    np.testing.assert_allclose(specialisation_coefficient(X), [0.25, 1 / 6], rtol=1e-15)
    # activity geography: (0.2, 0.8) and (0.6, 0.4) against region sizes (0.4, 0.6): half of 0.4
    np.testing.assert_allclose(hoover(X), [0.2, 0.2], rtol=1e-14)
    np.testing.assert_allclose(hoover(X, axis="region"), specialisation_coefficient(X), rtol=1e-15)
    np.testing.assert_allclose(herfindahl(X), [0.25**2 + 0.75**2, 4 / 9 + 1 / 9], rtol=1e-15)
    assert entropy(X)[0] == pytest.approx(-(0.25 * math.log(0.25) + 0.75 * math.log(0.75)), rel=1e-14)
    # Hachman: 1 / (0.25 * 0.5 + 0.75 * 1.5) = 0.8; 1 / ((2/3)(4/3) + (1/3)(2/3)) = 0.9
    np.testing.assert_allclose(hachman(X), [0.8, 0.9], rtol=1e-14)
    # locational Gini of activity 0: regions by LQ (0.5, 4/3), shares s = (0.2, 0.8), r = (0.4, 0.6):
    # 1 - [0.4 (0.2) + 0.6 (1.0 + 0.2)] = 0.2
    np.testing.assert_allclose(gini(X), [0.2, 0.2], rtol=1e-14)


def test_indices_of_identical_profile_and_full_concentration():
    same = np.array([[1.0, 3.0], [2.0, 6.0]])  # both regions have the national mix
    np.testing.assert_allclose(krugman_index(same), [0, 0], atol=1e-15)
    np.testing.assert_allclose(hachman(same), [1, 1], rtol=1e-15)
    np.testing.assert_allclose(gini(same, axis="region"), [0, 0], atol=1e-15)
    one = np.array([[5.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 4.0, 4.0]])
    assert herfindahl(one)[0] == 1.0 and entropy(one)[0] == 0.0  # one activity only
    assert herfindahl(one, axis="activity")[0] == 1.0  # activity 0 in one region
    assert np.isnan(herfindahl(one)[1]) and np.isnan(entropy(one)[1])  # empty region: NaN
    assert (
        np.isnan(krugman_index(one)[1])
        and np.isnan(hachman(one)[1])
        and np.isnan(gini(one, axis="region")[1])
    )
    # entropy of a uniform profile is ln n
    assert entropy(np.ones((1, 4)))[0] == pytest.approx(math.log(4), rel=1e-15)


@settings(max_examples=40, deadline=None)
@given(matrices(max_rows=8, max_cols=8), st.sampled_from(["region", "activity"]))
def test_indices_match_oracles(x, axis):
    a = x if axis == "region" else x.T
    s = a / a.sum(axis=1, keepdims=True)
    r = a.sum(axis=0) / a.sum()
    # oracle: scipy's entropy (natural log) of each row's shares
    np.testing.assert_allclose(entropy(x, axis=axis), stats.entropy(s, axis=1), rtol=1e-12)
    # oracle: the reference-weighted Gini mean difference of the LQs, 1/2 sum_k sum_l r_k r_l |q_k - q_l|
    q = s / r
    gmd = 0.5 * np.einsum("k,l,ikl->i", r, r, np.abs(q[:, :, None] - q[:, None, :]))
    np.testing.assert_allclose(gini(x, axis=axis), gmd, rtol=1e-9, atol=1e-12)
    # Hachman = 1 / sum(s * LQ) with the LQ of location_quotient
    lq = location_quotient(x) if axis == "region" else location_quotient(x).T
    np.testing.assert_allclose(hachman(x, axis=axis), 1 / (s * lq).sum(axis=1), rtol=1e-12)
    k = krugman_index(x, axis=axis)
    assert np.all((k >= 0) & (k <= 2))


def test_gini_ignores_order_of_ties_and_axis_validated():
    x = np.array([[1.0, 1.0, 2.0], [1.0, 1.0, 2.0], [2.0, 2.0, 0.0]])
    g1 = gini(x)
    g2 = gini(x[[1, 0, 2]])  # swap two regions with tied LQ
    np.testing.assert_allclose(g1, g2, rtol=1e-15)
    with pytest.raises(SpecialisationError, match="axis must be one of"):
        gini(x, axis="rows")


# ------------------------------------------------------------------------ ranks and percentiles
@pytest.mark.parametrize("ties", ["min", "average", "dense", "ordinal"])
def test_rank_matches_scipy(ties):
    v = np.array([[5.0, 3.0], [7.0, 3.0], [5.0, np.nan], [1.0, 9.0]])
    got = rank(v, axis=0, ties=ties)
    for j in range(2):
        ok = ~np.isnan(v[:, j])
        # oracle: scipy.stats.rankdata of the negated values (1 = largest)
        np.testing.assert_array_equal(got[ok, j], stats.rankdata(-v[ok, j], method=ties))
    assert np.isnan(got[2, 1])
    # by hand, competition ranking of column 0 (5, 7, 5, 1): 2, 1, 2, 4
    assert rank(v, ties="min")[:, 0].tolist() == [2, 1, 2, 4]
    assert rank(v, descending=False, ties="min")[:, 0].tolist() == [2, 4, 2, 1]


@pytest.mark.parametrize("kind", ["weak", "strict", "mean"])
def test_percentile_rank_matches_scipy(kind):
    v = np.array([3.0, 1.0, 3.0, 7.0, np.nan, 2.0])
    got = percentile_rank(v, kind=kind)
    ok = v[~np.isnan(v)]
    # oracle: scipy.stats.percentileofscore with the same kind, over the non-NaN values
    expected = [stats.percentileofscore(ok, x, kind=kind) for x in ok]
    np.testing.assert_allclose(got[~np.isnan(v)], expected, rtol=1e-15)
    assert np.isnan(got[4])


def test_cagr():
    # 100 -> 121 in 2 years: 10% a year (by hand)
    assert cagr(100, 121, 2) == pytest.approx(0.1, rel=1e-12)
    np.testing.assert_allclose(cagr([100, 50], [100, 0], 5), [0.0, -1.0])
    assert np.isnan(cagr(0, 10, 3)) and np.isnan(cagr(np.nan, 10, 3))
    with pytest.raises(SpecialisationError, match="years must be positive"):
        cagr(1, 2, 0)
