"""Economic complexity (issue 3): RCA against the statistics published with py-economic-complexity's
fixture, the eigen ECI/PCI, proximity, density, COI and COG against py-ecomplexity 0.5.3 (the Growth
Lab package, test oracle) on real OEC exports (226 countries, 53 Spanish provinces) and seeded
synthetic matrices, hand-computed examples for the sign, reflections and fitness, and the edge cases."""

from __future__ import annotations

import csv
import math
import warnings
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

import clusterworks.analytics.complexity.indices as indices
from clusterworks.analytics.complexity import (
    ROW_KEYS,
    ComplexityError,
    NotConvergedError,
    complexity,
    fitness_complexity,
    nested_matrix,
    pivot_long,
    presence_matrix,
    proximity_matrix,
    rca,
    relative_relatedness,
)

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "trade_oec_sections"
TOL = 1e-6
FIELDS = ("rca", "mcp", "diversity", "ubiquity", "eci", "pci", "density", "coi", "cog")

# A nested 3 x 3 presence matrix: location 0 does all three activities, location 2 only the first.
NESTED = np.array([[1, 1, 1], [1, 1, 0], [1, 0, 0]], dtype=float)


def _need(name: str) -> Path:
    path = DATA / name
    if not path.exists():
        pytest.skip(f"shared data {path} is absent (see /work/shared/data/README.md)")
    return path


@cache
def _long(name: str, loc: str, act: str, val: str):
    with open(_need(name), encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    return pivot_long([r[loc] for r in rows], [r[act] for r in rows], [float(r[val]) for r in rows])


def global_exports():
    return _long("global_exports.csv", "Country ID", "Section ID", "Trade Value")


def subnat_exports():
    return _long("subnat_exports.csv", "Subnat Geography ID", "Section ID", "Trade Value")


def _long_frame(x: np.ndarray | sp.spmatrix):
    """Every (location, activity, value) of a matrix, zeros included, for py-ecomplexity."""
    pd = pytest.importorskip("pandas")
    a = x.toarray() if sp.issparse(x) else np.asarray(x, dtype=float)
    n, k = a.shape
    return pd.DataFrame(
        {"time": 2020, "loc": np.repeat(np.arange(n), k), "prod": np.tile(np.arange(k), n), "val": a.ravel()}
    )


def oracle(x, **kwargs) -> dict[str, np.ndarray]:
    """py-ecomplexity 0.5.3 on the matrix ``x``: each output column as an n x k array (NaN where it
    leaves a row out)."""
    ecomplexity = pytest.importorskip("ecomplexity").ecomplexity
    df = _long_frame(x)
    n, k = x.shape
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ecomplexity(
            df,
            {"time": "time", "loc": "loc", "prod": "prod", "val": "val"},
            verbose=False,
            check_logsupermodularity=False,
            **kwargs,
        )
    out = out.sort_values(["loc", "prod"])
    assert len(out) == n * k
    return {f: out[f].to_numpy(dtype=float).reshape(n, k) for f in FIELDS if f in out}


def grid(res, field: str) -> np.ndarray:
    """A result field broadcast to n x k like py-ecomplexity's long output."""
    a = getattr(res, field)
    n, k = res.shape
    if a.ndim == 2:
        return a
    if field in ("diversity", "eci", "coi"):
        return np.broadcast_to(a[:, None], (n, k))
    return np.broadcast_to(a[None, :], (n, k))


def assert_matches(res, ref: dict[str, np.ndarray], fields=FIELDS, rows=slice(None), cols=slice(None)):
    for f in fields:
        ours, theirs = grid(res, f)[rows, cols], ref[f][rows, cols]
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=TOL, err_msg=f, equal_nan=True)


# --- RCA --------------------------------------------------------------------------------------


def test_rca_published_statistics_of_fixture_exports():
    lm = _long("fixture_exports.csv", "Exporter Country ID", "Section ID", "Trade Value")
    r = rca(lm.matrix)
    assert r.shape == (226, 21)
    sections = [str(s) for s in lm.activities]
    # Published in py-economic-complexity tests/test_rca.py (pandas describe(): std with ddof=1).
    s1 = r[:, sections.index("1")]
    assert len(s1) == 226
    assert s1.mean() == pytest.approx(3.484895, abs=1e-6)
    assert s1.std(ddof=1) == pytest.approx(8.261088, abs=1e-6)
    assert s1.max() == pytest.approx(47.724923, abs=1e-6)
    assert np.quantile(s1, 0.25) == pytest.approx(0.129100, abs=1e-6)
    assert np.median(s1) == pytest.approx(0.718371, abs=1e-6)
    s9 = r[:, sections.index("9")]
    assert s9.mean() == pytest.approx(1.959028, abs=1e-6)
    assert s9.std(ddof=1) == pytest.approx(6.469812, abs=1e-6)
    assert s9.max() == pytest.approx(75.963223, abs=1e-6)


def test_rca_hand_example_and_zero_totals():
    x = np.array([[2.0, 2.0, 0.0], [1.0, 3.0, 0.0], [0.0, 0.0, 0.0]])
    r = rca(x)
    # Hand: total 8; column totals 3, 5, 0; row 0: (2/4)/(3/8) = 4/3, (2/4)/(5/8) = 0.8;
    # row 1: (1/4)/(3/8) = 2/3, (3/4)/(5/8) = 1.2; the zero row and zero column give 0.
    np.testing.assert_allclose(r, [[4 / 3, 0.8, 0], [2 / 3, 1.2, 0], [0, 0, 0]], rtol=1e-15)
    np.testing.assert_array_equal(rca(sp.csr_matrix(x)), r)
    np.testing.assert_array_equal(rca(np.zeros((2, 3))), np.zeros((2, 3)))


def test_presence_ties_at_threshold_count_as_present():
    r = sp.csr_matrix(rca(np.ones((2, 2))))  # every RCA is exactly 1
    np.testing.assert_array_equal(presence_matrix(r, 1.0).toarray(), np.ones((2, 2)))
    np.testing.assert_array_equal(presence_matrix(r, 1.0000001).toarray(), np.zeros((2, 2)))


# --- eigen method against py-ecomplexity ------------------------------------------------------


def test_eigen_equals_ecomplexity_on_global_exports():
    lm = global_exports()
    assert lm.matrix.shape == (226, 21)
    res = complexity(lm.matrix)
    assert_matches(res, oracle(lm.matrix))
    # ECI = mean PCI of the location's activities (the reason for standardising with ECI's moments).
    np.testing.assert_allclose(res.eci, (res.mcp @ res.pci) / res.diversity, atol=1e-10)


def test_proximity_equals_ecomplexity_on_global_exports():
    proximity = pytest.importorskip("ecomplexity").proximity
    lm = global_exports()
    res = complexity(lm.matrix)
    df = _long_frame(lm.matrix)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = proximity(df, {"time": "time", "loc": "loc", "prod": "prod", "val": "val"})
    ref = ref.sort_values(["prod_1", "prod_2"])["proximity"].to_numpy().reshape(21, 21)
    np.testing.assert_allclose(res.proximity, ref, atol=TOL)
    np.testing.assert_allclose(np.diag(res.proximity), 1.0)


def test_eigen_equals_ecomplexity_on_spanish_provinces():
    lm = subnat_exports()
    assert lm.matrix.shape == (53, 22)
    assert_matches(complexity(lm.matrix), oracle(lm.matrix))


@pytest.mark.parametrize("dense_limit", [400, 10])  # LAPACK eigh / ARPACK eigsh with deflation
def test_eigen_equals_ecomplexity_on_synthetic_sparse(monkeypatch, dense_limit):
    monkeypatch.setattr(indices, "DENSE_LIMIT", dense_limit)
    x = nested_matrix(300, 100, seed=7)
    assert 0.25 < x.nnz / (300 * 100) < 0.35
    assert_matches(complexity(x), oracle(x))


def test_eigen_on_the_location_side_when_locations_are_fewer(monkeypatch):
    x = nested_matrix(40, 120, fill=0.4, seed=11)  # 40 < 120: symmetric form on the locations
    ref = oracle(x)
    assert_matches(complexity(x), ref)
    monkeypatch.setattr(indices, "DENSE_LIMIT", 5)
    assert_matches(complexity(x), ref)


def test_threshold_presence_and_continuous_equal_ecomplexity():
    lm = global_exports()
    assert_matches(complexity(lm.matrix, rca_threshold=0.5), oracle(lm.matrix, rca_mcp_threshold=0.5))
    res = complexity(lm.matrix, proximity="continuous")
    assert_matches(res, oracle(lm.matrix, continuous=True))
    # A given presence matrix = py-ecomplexity presence_test="manual" on the 0/1 values.
    m = complexity(lm.matrix).mcp
    ref = oracle(sp.csr_matrix(m), presence_test="manual")
    assert_matches(
        complexity(None, presence=m), ref, fields=("eci", "pci", "density", "coi", "cog", "diversity")
    )
    assert_matches(complexity(lm.matrix, presence=m), ref, fields=("eci", "pci", "density", "coi", "cog"))


def test_eci_sign_and_values_hand_computed():
    res = complexity(None, presence=NESTED)
    # Hand: D = U = diag(3, 2, 1); U^-1 M^T D^-1 M = [[11/18, 5/18, 1/9], [5/12, 5/12, 1/6],
    # [1/3, 1/3, 1/3]] has eigenvalues 1 and the roots of 36 l^2 - 13 l + 1 = 0: 1/4, 1/9.
    assert res.eigenvalue == pytest.approx(0.25, abs=1e-12)
    # Its eigenvector for 1/4 is k_p = (-2, 1, 4); k_c = D^-1 M k_p = (1, -1/2, -2) correlates
    # positively with diversity (3, 2, 1), so the sign stays. mean(k_c) = -1/2, std = sqrt(1.5):
    # ECI = (1.5, 0, -1.5)/sqrt(1.5), PCI = (k_p + 1/2)/sqrt(1.5) = (-1.5, 1.5, 4.5)/sqrt(1.5).
    s = math.sqrt(1.5)
    np.testing.assert_allclose(res.eci, [1.5 / s, 0, -1.5 / s], atol=1e-12)
    np.testing.assert_allclose(res.pci, [-1.5 / s, 1.5 / s, 4.5 / s], atol=1e-12)
    # Reversing the row order must not flip the sign (it follows diversity, not position).
    rev = complexity(None, presence=NESTED[::-1])
    np.testing.assert_allclose(rev.eci, res.eci[::-1], atol=1e-12)


def test_proximity_kinds_hand_computed():
    m = sp.csr_matrix(NESTED)
    # Hand: C = M^T M = [[3, 2, 1], [2, 2, 1], [1, 1, 1]], ubiquity (3, 2, 1).
    mx = proximity_matrix(m, kind="max")  # C_pq / max(k_p, k_q)
    np.testing.assert_allclose(mx, [[1, 2 / 3, 1 / 3], [2 / 3, 1, 1 / 2], [1 / 3, 1 / 2, 1]])
    sq = proximity_matrix(m, kind="sqrt")  # C_pq / sqrt(k_p k_q)
    np.testing.assert_allclose(sq[0, 1], 2 / math.sqrt(6))
    np.testing.assert_allclose(sq[1, 2], 1 / math.sqrt(2))
    with pytest.raises(ComplexityError, match="proximity='cosine'"):
        complexity(None, presence=NESTED, proximity="cosine")


def test_density_and_distance_hand_computed():
    res = complexity(None, presence=NESTED)
    # Hand, location 2 (only activity 0), activity 1: phi row (2/3, 1, 1/2), sum 13/6;
    # density = (2/3) / (13/6) = 4/13, distance = 1 - 4/13.
    assert res.density[2, 1] == pytest.approx(4 / 13)
    assert res.distance[2, 1] == pytest.approx(9 / 13)
    np.testing.assert_allclose(res.density + res.distance, 1.0)


# --- reflections and fitness ------------------------------------------------------------------


def test_reflections_rank_like_eigen_on_global_exports():
    stats = pytest.importorskip("scipy.stats")
    lm = global_exports()
    eig = complexity(lm.matrix)
    ref = complexity(lm.matrix, method="reflections")
    assert ref.iterations == 20
    # Measured: Spearman 0.99715 (ECI) and 0.99351 (PCI) at N = 20; 0.99997 at N = 50.
    assert stats.spearmanr(ref.eci, eig.eci).statistic > 0.997
    assert stats.spearmanr(ref.pci, eig.pci).statistic > 0.99
    far = complexity(lm.matrix, method="reflections", iterations=200)
    np.testing.assert_allclose(far.eci, eig.eci, atol=1e-8)  # converges to the eigenvector
    # Few reflections are a cruder ranking than many.
    assert (
        stats.spearmanr(complexity(lm.matrix, method="reflections", iterations=2).eci, eig.eci).statistic
        < 0.9
    )


def test_fitness_two_iterations_hand_computed():
    # Hand on NESTED, from F = Q = 1. Step 1: F~ = (3, 2, 1) -> F = (1.5, 1, 0.5);
    # Q~ = 1/ubiquity = (1/3, 1/2, 1), mean 11/18 -> Q = (6/11, 9/11, 18/11).
    # Step 2: F~ = M Q = (3, 15/11, 6/11), mean 18/11 -> F = (11/6, 5/6, 1/3);
    # Q~ = 1 / (M^T 1/F) = (3/11, 3/5, 3/2), mean 87/110 -> Q = (10/29, 22/29, 55/29).
    # Largest change at step 1 is 7/11 (Q_2), at step 2 it is 1/3 (F_0): tol 0.5 stops after 2.
    f, q, its = fitness_complexity(sp.csr_matrix(NESTED), tol=0.5)
    assert its == 2
    np.testing.assert_allclose(f, [11 / 6, 5 / 6, 1 / 3])
    np.testing.assert_allclose(q, [10 / 29, 22 / 29, 55 / 29])


def test_fitness_on_a_triangular_matrix_orders_and_does_not_converge_tightly():
    tri = np.tril(np.ones((6, 6)))[::-1]  # row i does the 6 - i easiest activities
    res = complexity(None, presence=tri, method="fitness", tol=1e-4)
    assert np.all(np.diff(res.eci) < 0)  # fitness falls with diversity
    assert np.all(np.diff(res.pci) > 0)  # complexity rises as fewer locations do the activity
    assert res.eci.mean() == pytest.approx(1.0) and res.pci.mean() == pytest.approx(1.0)
    # On a perfectly nested matrix the weakest fitness tends to 0 only algebraically
    # (Pugliese et al. 2016): 5,000 iterations do not get every change below 1e-8.
    with pytest.raises(NotConvergedError) as info:
        complexity(None, presence=tri, method="fitness", tol=1e-8, iterations=5000)
    assert info.value.iterations == 5000 and info.value.change >= 1e-8


def test_fitness_converges_on_global_exports():
    stats = pytest.importorskip("scipy.stats")
    lm = global_exports()
    res = complexity(lm.matrix, method="fitness")
    assert res.iterations is not None and res.iterations < 5000  # measured: 134 iterations
    assert res.eci.mean() == pytest.approx(1.0) and res.pci.mean() == pytest.approx(1.0)
    assert stats.spearmanr(res.eci, res.diversity).statistic > 0.8


# --- edge cases -------------------------------------------------------------------------------


def test_location_with_zero_exports_and_product_nobody_exports():
    lm = global_exports()
    a = lm.matrix.toarray()
    x = np.zeros((a.shape[0] + 1, a.shape[1] + 1))
    x[1:, :-1] = a  # row 0 exports nothing, the last column is exported by nobody
    res = complexity(x)
    base = complexity(a)
    ref = oracle(x)
    assert_matches(
        res, ref, fields=("eci", "pci", "density", "coi", "cog"), rows=slice(1, None), cols=slice(0, -1)
    )
    assert math.isnan(res.eci[0]) and math.isnan(res.pci[-1]) and math.isnan(res.coi[0])
    assert np.isnan(res.density[0]).all() and np.isnan(res.density[:, -1]).all()
    assert np.isnan(res.proximity[-1]).all()
    assert res.rca[0].sum() == 0 and res.rca[:, -1].sum() == 0 and res.diversity[0] == 0
    np.testing.assert_allclose(res.eci[1:], base.eci, atol=1e-12)  # the empty row changes nothing else


def test_all_zero_matrix_and_bad_values_are_clear_errors():
    with pytest.raises(ComplexityError, match="all zero"):
        complexity(np.zeros((4, 3)))
    with pytest.raises(ComplexityError, match=r"values\[1, 2\] = nan"):
        complexity(np.array([[1.0, 2.0, 3.0], [1.0, 2.0, np.nan]]))
    with pytest.raises(ComplexityError, match=r"values\[0, 1\] = -1"):
        complexity(sp.csr_matrix(np.array([[1.0, -1.0], [1.0, 2.0]])))
    with pytest.raises(ComplexityError, match="2-D"):
        complexity(np.ones(3))
    with pytest.raises(ComplexityError, match="method='pagerank'"):
        complexity(np.ones((3, 3)), method="pagerank")
    with pytest.raises(ComplexityError, match="rca_threshold=0"):
        complexity(np.ones((3, 3)), rca_threshold=0)
    with pytest.raises(ComplexityError, match="only 0 and 1"):
        complexity(None, presence=np.array([[1, 2], [1, 0]]))
    with pytest.raises(ComplexityError, match="at least 2 locations"):
        complexity(np.array([[5.0, 1.0]]))


def test_pivot_long_sorts_labels_and_rejects_duplicates():
    lm = pivot_long(["b", "a", "b"], ["y", "x", "x"], [1.0, 2.0, 3.0])
    assert list(lm.locations) == ["a", "b"] and list(lm.activities) == ["x", "y"]
    np.testing.assert_array_equal(lm.matrix.toarray(), [[2, 0], [3, 1]])
    with pytest.raises(ComplexityError, match=r"row 2: the pair \('a', 'x'\) occurs 2 times"):
        pivot_long(["a", "b", "a"], ["x", "x", "x"], [1, 2, 3])
    with pytest.raises(ComplexityError, match="row 1"):
        pivot_long(["a", "b"], ["x", "x"], [1, float("nan")])


def test_relative_relatedness_hand_computed():
    d = np.array([[0.1, 0.2, 0.3], [0.5, 0.5, 0.5], [np.nan, np.nan, np.nan], [0.2, np.nan, 0.4]])
    z = relative_relatedness(d)
    # Hand: row 0 mean 0.2, population std sqrt(0.02/3) = 0.0816497 -> (-1.2247449, 0, 1.2247449);
    # row 1 is constant -> 0; row 2 stays NaN; row 3 skips the NaN: mean 0.3, std 0.1 -> (-1, NaN, 1).
    np.testing.assert_allclose(z[0], [-1.2247449, 0, 1.2247449], atol=1e-7)
    np.testing.assert_array_equal(z[1], [0, 0, 0])
    assert np.isnan(z[2]).all()
    np.testing.assert_allclose(z[3], [-1, np.nan, 1], atol=1e-12)


def test_rows_have_exactly_the_cli_keys():
    x = np.array([[5.0, 1.0, 0.0], [1.0, 4.0, 2.0], [0.0, 0.0, 0.0], [2.0, 2.0, 6.0]])
    res = complexity(x)
    rows = list(res.rows(["A", "B", "C", "D"], ["p", "q", "r"]))
    assert len(rows) == 12
    assert all(tuple(r) == ROW_KEYS for r in rows)
    first = rows[0]
    assert (first["location"], first["activity"], first["mcp"]) == ("A", "p", int(res.mcp[0, 0]))
    assert first["eci"] == pytest.approx(res.eci[0]) and first["pci"] == pytest.approx(res.pci[0])
    empty = rows[6]  # location C, no exports: NaN becomes None
    assert (
        empty["location"] == "C" and empty["eci"] is None and empty["density"] is None and empty["rca"] == 0.0
    )
    with pytest.raises(ComplexityError, match="needs 4 locations"):
        list(res.rows(["A"], ["p", "q", "r"]))
