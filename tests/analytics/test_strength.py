"""Cluster strength (clusterworks.analytics.strength): the U.S. Cluster Mapping Project flags reproduced
on every traded row of the published 2016 state file, a per-group numpy.quantile oracle, and
hand-computed examples of the European Cluster Observatory stars and of the strong-cluster share."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterworks.analytics.strength import (
    StrengthError,
    eco_stars,
    region_cluster_strength,
    stars_with_productivity,
    top_share,
    uscmp_strength,
    uscmp_strength_panel,
)

USCMP = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "us_cluster_mapping"
FLAGS = ("qualifying", "significant", "strong", "strong10")


def _d3_quantile(values, p):
    """d3.quantile (v3) as documented: H = (n - 1) p + 1, h = floor(H), v = x[h - 1], e = H - h,
    v + e (x[h] - v) if e else v, on the sorted values; numpy's linear method is the same rule with
    another rounding of the interpolation (equal within 1 ulp)."""
    x = np.sort(np.asarray(values, dtype=float))
    big_h = (len(x) - 1) * p + 1
    h = int(np.floor(big_h))
    v, e = x[h - 1], big_h - h
    return v + e * (x[h] - v) if e else v


def _rows(name):
    path = USCMP / name
    if not path.exists():
        pytest.skip(f"shared data not found: {path} (see /work/shared/data/README.md)")
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _flags_of(rows):
    return uscmp_strength(
        region_type=np.array([r["region_type_t"] for r in rows]),
        cluster=np.array([int(r["cluster_code_t"]) for r in rows]),
        year=np.array([int(r["year_t"]) for r in rows]),
        employment=np.array([float(r["emp_tl"]) for r in rows]),
        establishments=np.array([float(r["est_tl"]) for r in rows]),
        lq=np.array([float(r["lq_tf"]) for r in rows]),
        traded=np.array([r["traded_b"] == "TRUE" for r in rows]),
    )


# ------------------------------------------------------------------------------- USCMP flags
def test_uscmp_flags_reproduce_all_2550_traded_state_rows():
    rows = _rows("all_states_clusters.csv")
    flags = _flags_of(rows)
    traded = np.array([r["traded_b"] == "TRUE" for r in rows])
    assert traded.sum() == 2550  # 50 states x 51 traded clusters
    for name in FLAGS:
        published = [r[f"{name}_b"] for r in rows]
        # local rows are NA in the file and unflagged here
        assert {published[i] for i in np.flatnonzero(~traded)} == {"NA"}
        assert not getattr(flags, name)[~traded].any()
        expected = np.array([published[i] == "TRUE" for i in np.flatnonzero(traded)])
        assert {published[i] for i in np.flatnonzero(traded)} <= {"TRUE", "FALSE"}
        mismatches = int((getattr(flags, name)[traded] != expected).sum())
        assert mismatches == 0, f"{name}: {mismatches} of 2550 traded rows differ"
    # counts of the published file (TRUE among traded rows), so an all-False result cannot pass
    assert [int(getattr(flags, n).sum()) for n in FLAGS] == [1454, 1014, 512, 209]
    assert flags.flagged.sum() == 2550 and len(flags.n) == 67
    # 50 states in every traded group, minus the states without employment in it (56 zero rows in all)
    assert flags.n[flags.n > 0].sum() == 2550 - sum(
        1 for r in rows if r["traded_b"] == "TRUE" and float(r["emp_tl"]) == 0
    )


def test_uscmp_flags_need_all_regions_economic_area_file_is_a_sample():
    # The EA file holds 5 of the 179 economic areas; the quartiles are over all of them, so the flags
    # cannot be recomputed from these rows alone. The sample quartiles disagree with the file:
    rows = _rows("all_economic_area_clusters.csv")
    flags = _flags_of(rows)
    traded = np.array([r["traded_b"] == "TRUE" for r in rows])
    assert len({r["region_code_t"] for r in rows}) == 5
    strong = np.array([r["strong_b"] == "TRUE" for r in rows])
    assert (flags.strong[traded] != strong[traded]).sum() > 0
    # ...yet every published flag obeys the rule's fixed parts: strong needs LQ >= 1 and employment > 0,
    # strong10 implies strong
    lq = np.array([float(r["lq_tf"]) for r in rows])
    emp = np.array([float(r["emp_tl"]) for r in rows])
    s10 = np.array([r["strong10_b"] == "TRUE" for r in rows])
    assert np.all(lq[strong] >= 1) and np.all(emp[strong] > 0) and np.all(strong[s10])


def test_uscmp_flags_by_hand():
    # one group: 5 traded rows with employment, one traded row with none, one local row
    lq = [0.5, 1.0, 1.2, 2.0, 3.0, 0.0, 5.0]
    emp = [10, 20, 30, 40, 50, 0, 100]
    est = [1, 2, 3, 4, 5, 0, 10]
    traded = np.array([True] * 6 + [False])
    f = uscmp_strength(
        region_type=["state"] * 7,
        cluster=[1] * 7,
        year=[2016] * 7,
        employment=emp,
        establishments=est,
        lq=lq,
        traded=traded,
    )
    # sample of 5 (employment > 0): 25% at index 1 -> emp 20, est 2, LQ 1.0; 50% -> LQ 1.2;
    # 75% -> LQ 2.0; 90%: (5-1) 0.9 = 3.6 -> 2.0 + 0.6 (3.0 - 2.0) = 2.6
    assert (f.emp_q25[0], f.est_q25[0], f.lq_q25[0], f.lq_q50[0], f.lq_q75[0]) == (20, 2, 1.0, 1.2, 2.0)
    assert f.lq_q90[0] == pytest.approx(2.6, rel=1e-15)
    assert f.n.tolist() == [5]
    # size test emp > 20 and est > 2: rows 2, 3, 4
    assert f.qualifying.tolist() == [False, False, True, True, True, False, False]  # LQ > 1.0
    assert f.significant.tolist() == [False, False, False, True, True, False, False]  # LQ > 1.2
    assert f.strong.tolist() == [False, False, False, True, True, False, False]  # LQ >= 2.0 (tie in)
    assert f.strong10.tolist() == [False, False, False, False, True, False, False]  # LQ >= 2.6
    assert f.flagged.tolist() == traded.tolist()


def test_uscmp_strong_needs_lq_at_least_one_and_groups_are_separate():
    lq = [0.1, 0.2, 0.3, 0.4, 0.9] + [0.5, 1.0, 1.2, 2.0, 3.0]
    emp = [10, 20, 30, 40, 50] * 2
    year = [2015] * 5 + [2016] * 5
    f = uscmp_strength(
        region_type=["state"] * 10,
        cluster=["c"] * 10,
        year=year,
        employment=emp,
        establishments=emp,
        lq=lq,
        traded=np.ones(10, dtype=bool),
    )
    # 2015: top quartile LQ 0.4 and 0.9 are < 1, so not strong; qualifying LQ > 0.2 with the size test
    assert f.strong[:5].tolist() == [False] * 5
    assert f.qualifying[:5].tolist() == [False, False, True, True, True]
    # 2016 is its own group, as in the hand example above
    assert f.strong[5:].tolist() == [False, False, False, True, True]
    assert f.group_year.tolist() == [2015, 2016]


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 2),
            st.integers(0, 3),
            st.integers(0, 6),
            st.integers(0, 6),
            st.sampled_from([0.5, 1.0, 1.5, 2.0, 0.8, 3.1]),
            st.booleans(),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_uscmp_flags_match_per_group_numpy_quantile(rows):
    rt, cl, emp, est, lq, tr = (np.array(c) for c in zip(*rows, strict=True))
    emp, est, lq = emp.astype(float), est.astype(float), lq.astype(float)
    f = uscmp_strength(
        region_type=rt,
        cluster=cl,
        year=np.zeros(len(rt), int),
        employment=emp,
        establishments=est,
        lq=lq,
        traded=tr,
    )
    # oracle: a plain loop over groups with d3.quantile restated (and numpy.quantile within 1e-15)
    for key in set(zip(rt.tolist(), cl.tolist(), strict=True)):
        g = (rt == key[0]) & (cl == key[1])
        s = g & tr & (emp > 0)
        for name in FLAGS:
            got = getattr(f, name)[g]
            if not s.any():
                assert not got.any()
                continue
            e25, n25 = _d3_quantile(emp[s], 0.25), _d3_quantile(est[s], 0.25)
            l25, l50, l75, l90 = (_d3_quantile(lq[s], p) for p in (0.25, 0.5, 0.75, 0.9))
            assert f.lq_q90[f.group[g][0]] == pytest.approx(np.quantile(lq[s], 0.9), rel=1e-15, abs=0)
            size = tr[g] & (emp[g] > e25) & (est[g] > n25)
            want = {
                "qualifying": size & (lq[g] > l25),
                "significant": size & (lq[g] > l50),
                "strong": size & (lq[g] >= l75) & (lq[g] >= 1),
                "strong10": size & (lq[g] >= l90) & (lq[g] >= 1),
            }[name]
            np.testing.assert_array_equal(got, want)


def test_uscmp_quantiles_of_very_uneven_groups():
    # one group of 5,000 rows and 2,000 groups of 2 rows: too uneven for the padded table, so the
    # value-sort + radix path runs; oracle: d3.quantile restated, numpy.quantile per group
    rng = np.random.default_rng(3)
    cl = np.r_[np.zeros(5000, int), np.repeat(np.arange(1, 2001), 2)]
    lq = rng.lognormal(0, 1, cl.size).round(2)
    emp = rng.integers(0, 50, cl.size).astype(float)
    lq[7] = np.nan  # left out of the quantile, fails its own comparisons
    f = uscmp_strength(
        region_type=np.full(cl.size, "county"),
        cluster=cl,
        year=np.full(cl.size, 2016),
        employment=emp,
        establishments=emp,
        lq=lq,
        traded=np.ones(cl.size, dtype=bool),
    )
    for c in (0, 1, 2000):
        g = cl == c
        s = g & (emp > 0) & ~np.isnan(lq)
        if s.any():
            assert f.lq_q75[c] == _d3_quantile(lq[s], 0.75)
            assert f.lq_q75[c] == pytest.approx(np.quantile(lq[s], 0.75), rel=1e-15)
            assert f.emp_q25[c] == _d3_quantile(emp[g & (emp > 0)], 0.25)
    assert not f.qualifying[7]


def test_uscmp_rejects_bad_input():
    with pytest.raises(StrengthError, match="employment must be 1-D with the length of region_type"):
        uscmp_strength(
            region_type=["a"],
            cluster=[1],
            year=[1],
            employment=[1, 2],
            establishments=[1],
            lq=[1],
            traded=[True],
        )
    with pytest.raises(StrengthError, match="traded must be boolean"):
        uscmp_strength(
            region_type=["a"], cluster=[1], year=[1], employment=[1], establishments=[1], lq=[1], traded=[1]
        )


def test_region_cluster_strength():
    emp = np.array([[10.0, 30.0, 5.0], [0.0, 0.0, 7.0]])
    strong = np.array([[True, False, True], [False, False, True]])
    traded = np.array([True, True, False])
    # region 0: 10 of 40 traded jobs in strong clusters (the local cluster does not count) -> 0.25
    out = region_cluster_strength(emp, strong, traded=traded)
    assert out[0] == 0.25 and np.isnan(out[1])  # region 1 has no traded employment
    assert region_cluster_strength(emp, strong)[0] == pytest.approx(15 / 45)
    with pytest.raises(StrengthError, match="boolean matrix"):
        region_cluster_strength(emp, strong.astype(int))


def test_region_cluster_strength_of_us_states():
    rows = _rows("all_states_clusters.csv")
    traded_rows = [r for r in rows if r["traded_b"] == "TRUE"]
    states = sorted({r["region_code_t"] for r in traded_rows})
    emp = np.zeros((50, 51))
    strong = np.zeros((50, 51), dtype=bool)
    for r in traded_rows:
        i, j = states.index(r["region_code_t"]), int(r["cluster_code_t"]) - 1
        emp[i, j], strong[i, j] = float(r["emp_tl"]), r["strong_b"] == "TRUE"
    share = region_cluster_strength(emp, strong)
    # oracle: sum of the published region_emp_per_tf (emp / region's traded emp) over strong rows
    per = {}
    for r in traded_rows:
        if r["strong_b"] == "TRUE":
            per[r["region_code_t"]] = per.get(r["region_code_t"], 0.0) + float(r["region_emp_per_tf"])
    np.testing.assert_allclose(share, [per.get(s, 0.0) for s in states], rtol=1e-6)
    assert share.min() > 0 and share.max() < 1


# ------------------------------------------------------------------------------------ ECO stars
def test_top_share_ties_and_rounding():
    # 30 distinct values, top 10%: exactly 3 places (0.1 * 30 is 3.0000000000000004 in floating point)
    assert top_share(np.arange(1.0, 31.0), 0.1).sum() == 3
    # ties at the boundary are all in: 10 values, 1 place, two share the top
    v = np.array([9.0, 9.0, 5.0, 4.0, 3.0, 2.0, 1.0, 1.0, 1.0, 1.0])
    assert top_share(v, 0.1).tolist() == [True, True] + [False] * 8
    # 15 values: ceil(1.5) = 2 places; zeros and NaN are never in, and NaN does not count in n
    assert top_share(np.array([0.0, 0.0, np.nan]), 0.5).tolist() == [False, False, False]
    assert top_share(np.array([3.0, 2.0, 1.0, np.nan]), 0.5).tolist() == [True, True, False, False]
    with pytest.raises(StrengthError, match="share must be in"):
        top_share(v, 0.0)


def _eco_example():
    # 10 regions x (cluster A, cluster B, rest C); totals 1000 for r0 and 200 for every other region
    x = np.array([[90.0, 10.0, 900.0], [90.0, 10.0, 100.0]] + [[20.0, 10.0, 170.0]] * 8)
    return x


def test_eco_stars_by_hand():
    x = _eco_example()
    s = eco_stars(x)
    # A: national share 340 / 2800; r1 (90/200) / (340/2800) = 3.71 >= 2, r0 0.74, r2.. 0.82
    assert s.lq[1, 0] == pytest.approx(0.45 / (340 / 2800))
    assert s.specialisation[:, 0].tolist() == [False, True] + [False] * 8
    # size A: 10 regions, 1 place; r0 and r1 tie at 90 -> both in
    assert s.size[:, 0].tolist() == [True, True] + [False] * 8
    # focus A: shares 0.09, 0.45, 0.10 x 8 -> r1 only
    assert s.focus[:, 0].tolist() == [False, True] + [False] * 8
    assert s.stars[:, 0].tolist() == [1, 3] + [0] * 8
    # C: r0 largest (900) and highest share (0.9 vs 0.5, 0.85) but LQ 0.9 / (2360/2800) = 1.07 < 2
    assert s.stars[:, 2].tolist() == [2] + [0] * 9
    # B: 10 everywhere: all tie for the single place, so every region gets the size star; focus share
    # is highest (10/200 = 0.05) for the nine regions of 200 jobs: all tie -> all in (r0: 0.01, out)
    assert s.size[:, 1].all() and s.focus[:, 1].tolist() == [False] + [True] * 9
    assert (s.size_share, s.lq_min, s.focus_share) == (0.1, 2.0, 0.1)


def test_eco_stars_zero_employment_and_thresholds():
    x = np.array([[0.0, 0.0], [0.0, 10.0], [10.0, 10.0], [30.0, 0.0]])
    s = eco_stars(x, size_share=0.5, focus_share=0.5, lq_min=1.0)
    assert s.stars[0].tolist() == [0, 0]  # region with no employment: NaN LQ and share, no star
    assert np.isnan(s.lq[0]).all()
    # cluster 0 over the 3 non-empty regions, 2 places (ceil 1.5): r3 (30) and r2 (10); r1 has 0 -> none
    assert s.size[:, 0].tolist() == [False, False, True, True]
    # specialisation LQ >= 1: cluster 1 r1 LQ (10/10)/(20/60) = 3; r2 (10/20)/(20/60) = 1.5
    assert s.specialisation[:, 1].tolist() == [False, True, True, False]
    with pytest.raises(StrengthError, match="size_share must be a number in"):
        eco_stars(x, size_share=1.5)
    with pytest.raises(StrengthError, match="lq_min"):
        eco_stars(x, lq_min=float("nan"))


def test_stars_with_productivity_by_hand():
    x = np.array([[10.0, 90.0], [30.0, 70.0]])
    wages = np.array([[600.0, 900.0], [1200.0, 700.0]])
    s = stars_with_productivity(x, wages)
    # cluster 0: wage per employee 60 and 40 against 1800 / 40 = 45 -> ratios 4/3 and 8/9
    np.testing.assert_allclose(s.wage_ratio[:, 0], [60 / 45, 40 / 45], rtol=1e-15)
    assert s.productivity[:, 0].tolist() == [True, False]
    base = eco_stars(x)
    np.testing.assert_array_equal(s.stars, base.stars + s.productivity)
    assert stars_with_productivity(x, wages, wage_ratio_min=1.5).productivity[:, 0].tolist() == [False, False]
    with pytest.raises(StrengthError, match="wages must have the shape"):
        stars_with_productivity(x, wages[:1])


# --- the panel form ---------------------------------------------------------------------------------


def _long(emp, est, lq, traded):
    """The panel (years x regions x clusters) as long rows for uscmp_strength."""
    y, r, c = np.indices(emp.shape)
    return {
        "region_type": np.zeros(emp.size, dtype=np.int64),
        "cluster": c.ravel(),
        "year": y.ravel(),
        "employment": emp.ravel(),
        "establishments": est.ravel(),
        "lq": lq.ravel(),
        "traded": np.broadcast_to(traded, emp.shape).ravel(),
    }


@pytest.mark.parametrize("seed", range(6))
def test_panel_form_agrees_with_long_rows(seed):
    # The oracle is uscmp_strength itself (checked against the published flags above): random panels
    # with zero employment, NaN LQ, ties (values drawn from a few integers) and local clusters.
    rng = np.random.default_rng(seed)
    shape = (3, 40, 12)
    emp = rng.integers(0, 6, shape).astype(float) * rng.choice([1, 10, 100], shape)
    est = rng.integers(1, 5, shape).astype(float)
    lq = np.round(rng.lognormal(0, 0.7, shape), 1)
    lq[rng.random(shape) < 0.05] = np.nan
    traded = rng.random(shape[-1]) < 0.75
    panel = uscmp_strength_panel(emp, est, lq, traded=traded)
    flags = uscmp_strength(**_long(emp, est, lq, traded))
    for name in ("qualifying", "significant", "strong", "strong10"):
        assert np.array_equal(getattr(panel, name).ravel(), getattr(flags, name)), name
    assert panel.strong.any() and not panel.strong.all()


def test_panel_form_reproduces_the_published_flags():
    rows = [r for r in _rows("all_states_clusters.csv") if r["traded_b"] == "TRUE"]
    regions = sorted({r["region_code_t"] for r in rows})
    clusters = sorted({r["cluster_code_t"] for r in rows})
    shape = (len(regions), len(clusters))
    emp, est, lq = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    published = {
        name: np.zeros(shape, dtype=bool) for name in ("qualifying", "significant", "strong", "strong10")
    }
    for r in rows:
        i, j = regions.index(r["region_code_t"]), clusters.index(r["cluster_code_t"])
        emp[i, j], est[i, j], lq[i, j] = float(r["emp_tl"]), float(r["est_tl"]), float(r["lq_tf"])
        for name in published:
            published[name][i, j] = r[f"{name}_b"] == "TRUE"
    panel = uscmp_strength_panel(emp, est, lq)
    for name, expected in published.items():
        assert np.array_equal(getattr(panel, name), expected), name  # all 2,550 published flags


@pytest.mark.parametrize("seed", range(5))
def test_top_share_equals_the_counting_rule(seed):
    # Oracle: the rule as the docstring states it, counted by brute force per column: a value is in
    # when fewer than ceil(share * n) finite values are strictly greater (n finite values), and > 0.
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 6, (37, 9)).astype(float)
    a[rng.random(a.shape) < 0.1] = np.nan
    for share in (0.1, 0.25, 0.5, 1.0):
        got = top_share(a, share, axis=0)
        for j in range(a.shape[1]):
            col = a[:, j]
            finite = col[np.isfinite(col)]
            places = int(np.ceil(round(share * finite.size, 9)))
            for i, v in enumerate(col):
                expected = bool(np.isfinite(v) and v > 0 and (finite > v).sum() < places)
                assert got[i, j] == expected, (share, i, j)
