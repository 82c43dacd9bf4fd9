"""The Delgado-Porter-Stern cluster-definition procedure: candidates, validation scores, best definition,
outliers; checked by hand examples, planted partitions, scikit-learn's adjusted Rand index (oracle) and
the published relatedness of the 51 US traded clusters (``relatedClusters.json``)."""

from __future__ import annotations

import numpy as np
import pytest

from clusterworks.analytics.definitions import (
    DefinitionError,
    adjusted_rand_index,
    best_definition,
    candidate_definitions,
    cluster_level_scores,
    outlier_industries,
    validation_scores,
)
from clusterworks.analytics.relatedness import colocation_relatedness

from .test_relatedness import published, states_matrix

SIZES = [5, 8, 10, 6, 7, 4]
TRUTH = np.repeat(np.arange(len(SIZES)), SIZES)


def planted(noise: float, seed: int = 1) -> np.ndarray:
    """Block relatedness (1 within, 0 between) plus symmetric Gaussian noise of sd ~ noise / sqrt(2)."""
    rng = np.random.default_rng(seed)
    B = (TRUTH[:, None] == TRUTH[None, :]).astype(float)
    N = rng.normal(0.0, noise, (TRUTH.size, TRUTH.size))
    return B + (N + N.T) / 2


# ------------------------------------------------------------------------------ hand examples
R_HAND = np.array(
    [
        [0.0, 0.9, 0.1, 0.2],
        [0.9, 0.0, 0.2, 0.1],
        [0.1, 0.2, 0.0, 0.7],
        [0.2, 0.1, 0.7, 0.0],
    ]
)


def test_validation_scores_hand_example_with_outlier_and_singleton():
    s = validation_scores([0, 0, 0, 1], {"r": R_HAND})["r"]
    # CR_00 = mean(.9, .1, .2) = .4; CR_01 = CR_10 = (.2 + .1 + .7) / 3; singleton CR_11 = NaN
    assert s.within == pytest.approx(0.4)
    assert s.between == pytest.approx(1 / 3)
    assert s.vs_cluster == pytest.approx(0.5)  # (0,1): .4 > 1/3 wins; (1,0): singleton fails
    # industry -> own / other: 0: .5 > .2 win; 1: .55 > .1 win; 2: .15 < .7 lose; 3: singleton fails
    assert s.vs_industry == pytest.approx(0.5)
    assert s.separation == pytest.approx(0.4 - 1 / 3)  # only cluster 0 has a within value
    assert s.margin == pytest.approx(0.4 - 1 / 3)
    good = validation_scores([0, 0, 1, 1], {"r": R_HAND})["r"]
    # CR_00 = .9, CR_11 = .7, CR_01 = (.1 + .2 + .2 + .1) / 4 = .15: every comparison wins
    assert (good.vs_cluster, good.vs_industry) == (1.0, 1.0)
    assert good.separation == pytest.approx(((0.9 - 0.15) + (0.7 - 0.15)) / 2)


def test_outlier_industries_hand_example():
    (o,) = outlier_industries([0, 0, 0, 1], R_HAND)
    # industry 2: mean with 0 and 1 = .15 < .7 with industry 3's cluster; singleton 3 is never an outlier
    assert (o.industry, o.cluster, o.closest) == (2, 0, 1)
    assert (o.own, o.other) == (pytest.approx(0.15), pytest.approx(0.7))
    assert outlier_industries([0, 0, 1, 1], R_HAND) == ()


def test_adjusted_rand_index_hand_value_and_oracle():
    # table [[2,0,0],[0,1,1]]: sum C(n_ij,2) = 1, rows 2, columns 1, expected 2*1/6 -> (1-1/3)/(3/2-1/3)
    assert adjusted_rand_index([0, 0, 1, 1], [0, 0, 1, 2]) == pytest.approx(4 / 7)
    assert adjusted_rand_index([0, 0, 1, 1], ["b", "b", "a", "a"]) == 1.0  # label names do not matter
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    for _ in range(5):
        a, b = rng.integers(0, 4, 40), rng.integers(0, 6, 40)
        assert adjusted_rand_index(a, b) == pytest.approx(metrics.adjusted_rand_score(a, b), abs=1e-12)


# ------------------------------------------------------------------------------ planted partitions
def test_every_method_recovers_a_planted_partition_at_low_noise():
    R = planted(0.1)
    cands = candidate_definitions(R, n_clusters=[6], seed=3)
    assert [c.method for c in cands] == ["average", "complete", "ward", "kmeans"]
    for c in cands:
        assert adjusted_rand_index(c.labels, TRUTH) == 1.0, c.method  # exact recovery
    d = best_definition(R, n_clusters=range(2, 12), seed=3)
    assert adjusted_rand_index(d.labels, TRUTH) == 1.0
    assert d.parameters["n_clusters"] == 6 and d.outliers == ()
    assert d.scores["relatedness"].vs_cluster == 1.0 and d.scores["relatedness"].vs_industry == 1.0


def test_best_definition_finds_the_number_of_clusters_at_moderate_noise():
    # noise 0.5: every k in 2..7 scores VS = 1 (measured); the separation tie-break picks k = 6
    d = best_definition(planted(0.5), n_clusters=range(2, 12), seed=3)
    assert adjusted_rand_index(d.labels, TRUTH) == 1.0
    # noise 0.7 (noise sd ~ half the block contrast): exact on all five seeds (measured)
    for seed in range(1, 6):
        d = best_definition(planted(0.7, seed), n_clusters=range(2, 12), seed=3)
        assert adjusted_rand_index(d.labels, TRUTH) == 1.0, seed
    # noise 0.8: measured ARI 1, 0.61, 1, 1, 0.74 over seeds 1..5 (mean 0.87); floor on the mean 0.8.
    # Beyond (noise 1.0) the VS scores prefer over-split partitions: measured mean ARI 0.48.
    aris = [
        adjusted_rand_index(
            best_definition(planted(0.8, seed), n_clusters=range(2, 12), seed=3).labels, TRUTH
        )
        for seed in range(1, 6)
    ]
    assert np.mean(aris) >= 0.8 and min(aris) >= 0.6


def test_candidates_have_exactly_k_clusters_and_are_seeded():
    R = planted(1.0)
    cands = candidate_definitions(
        R, methods=("average", "single", "weighted", "ward", "kmeans"), n_clusters=[3, 9]
    )
    for c in cands:
        assert len(set(c.labels)) == c.n_clusters
        assert c.labels[0] == 0  # numbered by first appearance
    again = candidate_definitions(R, methods=("kmeans",), n_clusters=[3, 9], seed=0)
    assert again == tuple(c for c in cands if c.method == "kmeans")


# ------------------------------------------------------------------------------ published US clusters
def test_published_within_cluster_relatedness_far_exceeds_between():
    s = cluster_level_scores(published("cr_all"))
    # issue 3 / DPS 2016: mean within-cluster relatedness 2.05 vs between -0.13 (combined measure
    # cr_all; unweighted means of the 51 diagonal cells and of the 2,550 off-diagonal cells)
    assert round(s.within, 2) == 2.05  # measured 2.048664
    assert round(s.between, 2) == -0.13  # measured -0.127068
    assert s.vs_cluster >= 0.99  # measured 0.9969: 2,542 of 2,550 ordered pairs


@pytest.mark.parametrize(
    ("field", "measured"),
    [("cr_lcemp", 0.829), ("cr_lcest", 0.835), ("cr_io", 0.945), ("cr_occ", 0.993), ("cr_all", 0.997)],
)
def test_published_definition_validates_on_every_linkage_type(field, measured):
    s = cluster_level_scores(published(field))
    assert s.margin > 0  # within exceeds between on every linkage type
    assert s.vs_cluster == pytest.approx(measured, abs=5e-4)  # measured shares, see parametrisation
    assert s.vs_cluster > 0.8  # far above the 0.5 of a random partition


# ------------------------------------------------------------------------------ 50 states x 67 clusters
def test_definitions_on_state_colocation_are_scored_and_deterministic():
    emp, codes = states_matrix("emp_tl")
    est, _ = states_matrix("est_tl")
    assert emp.shape == (50, 67) and len(codes) == 67
    R = colocation_relatedness(emp)
    links = {"lc_emp": R, "lc_est": colocation_relatedness(est)}
    d1 = best_definition(R, linkages=links, n_clusters=range(5, 21), seed=7)
    d2 = best_definition(R, linkages=links, n_clusters=range(5, 21), seed=7)
    assert d1 == d2  # same seed, same definition, scores and outliers
    assert len(d1.labels) == 67 and 5 <= d1.parameters["n_clusters"] <= 20
    for s in d1.scores.values():
        assert 0.5 < s.vs_cluster <= 1 and 0.5 < s.vs_industry <= 1  # measured 0.81-0.91
        assert s.margin > 0
    assert set(d1.scores) == {"lc_emp", "lc_est"}
    own = {o.industry for o in d1.outliers}
    assert all(o.other > o.own for o in d1.outliers) and len(own) == len(d1.outliers)


# ------------------------------------------------------------------------------ edge cases
def test_edge_cases_give_clear_errors():
    with pytest.raises(DefinitionError, match="at least 2"):
        candidate_definitions(np.ones((1, 1)))
    with pytest.raises(DefinitionError, match="constant matrix"):
        candidate_definitions(np.full((5, 5), 0.3))
    R = planted(0.1)
    R[2, 3] = np.nan
    with pytest.raises(DefinitionError, match=r"R\[2, 3\] = nan"):
        candidate_definitions(R)
    R = planted(0.1)
    with pytest.raises(DefinitionError, match="from 2 to 40"):
        candidate_definitions(R, n_clusters=[41])
    with pytest.raises(DefinitionError, match="'spectral'"):
        candidate_definitions(R, methods=["spectral"])
    with pytest.raises(DefinitionError, match="seed"):
        candidate_definitions(R, seed=-1)
    with pytest.raises(DefinitionError, match="one cluster"):
        validation_scores(np.zeros(40), {"r": R})
    with pytest.raises(DefinitionError, match="one label per industry"):
        validation_scores([0, 1], {"r": R})
    with pytest.raises(DefinitionError, match="empty"):
        validation_scores(TRUTH, {})
    with pytest.raises(DefinitionError, match="expected"):
        best_definition(R, linkages={"x": np.zeros((3, 3))}, n_clusters=[6])


def test_nan_in_a_linkage_is_skipped_and_two_industries_work():
    R = planted(0.1)
    Rn = R.copy()
    Rn[0, 1] = Rn[1, 0] = np.nan
    s, sn = validation_scores(TRUTH, {"r": R})["r"], validation_scores(TRUTH, {"r": Rn})["r"]
    assert sn.vs_cluster == s.vs_cluster == 1.0 and sn.within != s.within  # pair (0,1) left out
    two = candidate_definitions(np.array([[1.0, 0.2], [0.2, 1.0]]), n_clusters=[2])
    assert all(c.labels == (0, 1) for c in two)  # two industries, two singletons
