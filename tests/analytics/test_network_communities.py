"""Leiden communities and modularity, core and periphery, the triple-helix mix."""

from __future__ import annotations

import doctest

import networkx as nx
import numpy as np
import pytest
from scipy.optimize import minimize

from clusterworks.analytics.network import communities as communities_module
from clusterworks.analytics.network.communities import (
    core_periphery,
    helix_mutual_information,
    leiden,
    modularity,
    sectors_of,
    triple_helix_mix,
)
from clusterworks.analytics.network.graph import GraphError, graph_from_ties, project_graph
from clusterworks.analytics.network.participations import Participations

from ._network_data import as_array, h2020, portugal, to_networkx


def as_sets(membership: np.ndarray) -> list[set[int]]:
    return [set(np.flatnonzero(membership == k).tolist()) for k in range(membership.max() + 1)]


# ------------------------------------------------------------------------------ modularity and Leiden
def test_modularity_by_hand():
    # two triangles joined by one tie (2-3), m = 7, degrees 2,2,3,3,2,2; partition {0,1,2}, {3,4,5}:
    # Q = sum_c [L_c/m - (d_c/2m)^2] = 2 * (3/7 - (7/14)^2) = 6/7 - 1/2 = 5/14
    g = graph_from_ties(range(6), [(0, 1), (0, 2), (1, 2), (3, 4), (3, 5), (4, 5), (2, 3)])
    assert modularity(g, [0, 0, 0, 1, 1, 1]) == pytest.approx(5 / 14)
    # at resolution 2: 6/7 - 2 * 1/2 = -1/7
    assert modularity(g, [0, 0, 0, 1, 1, 1], resolution=2) == pytest.approx(-1 / 7)
    found = leiden(g)
    assert as_sets(found.membership) == [{0, 1, 2}, {3, 4, 5}] and found.modularity == pytest.approx(5 / 14)


@pytest.fixture(scope="module")
def h2014():
    """H2020 projects started in 2014: 1,212 organisations, 10,206 ties."""
    return project_graph(h2020(years=(2014, 2014)))


@pytest.mark.parametrize("backend", ["igraph", "leidenalg"])
def test_leiden_modularity_equals_networkx_on_h2020_2014(h2014, backend):
    found = leiden(h2014, seed=3, backend=backend)
    G = to_networkx(h2014)
    # oracle: networkx's modularity of the same partition, weighted
    q = nx.community.modularity(G, as_sets(found.membership), weight="weight")
    assert found.modularity == pytest.approx(q, abs=1e-12)
    assert found.modularity > 0.6  # a modular network (1,212 organisations in 379 projects)
    unweighted = leiden(h2014, seed=3, backend=backend, weighted=False)
    assert unweighted.modularity == pytest.approx(
        nx.community.modularity(G, as_sets(unweighted.membership), weight=None), abs=1e-12
    )
    assert found.sizes.sum() == h2014.n_nodes and np.all(np.diff(found.sizes) <= 0)


def test_leiden_is_deterministic_with_a_seed(h2014):
    a = leiden(h2014, seed=5)
    b = leiden(h2014, seed=5)
    assert np.array_equal(a.membership, b.membership)
    # the seed is used: over a few seeds the partitions are not all the same
    others = [leiden(h2014, seed=s).membership for s in (6, 7, 8)]
    assert any(not np.array_equal(a.membership, m) for m in others)
    # leaving Python's random state as it was
    import random

    random.seed(123)
    before = random.random()
    random.seed(123)
    leiden(h2014, seed=9)
    assert random.random() == before


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_leiden_recovers_a_planted_partition(seed):
    # 5 groups of 40, p_in = 0.3, p_out = 0.005: the planted groups are recovered exactly
    G = nx.planted_partition_graph(5, 40, 0.3, 0.005, seed=seed)
    g = graph_from_ties(range(200), list(G.edges()))
    found = leiden(g, seed=seed)
    truth = [set(range(k * 40, (k + 1) * 40)) for k in range(5)]
    assert sorted(map(sorted, as_sets(found.membership))) == sorted(map(sorted, truth))


def test_resolution_controls_the_number_of_communities(h2014):
    coarse = leiden(h2014, resolution=0.2)
    fine = leiden(h2014, resolution=5.0)
    assert coarse.n_communities < leiden(h2014).n_communities < fine.n_communities
    # quality is modularity at the resolution used
    assert fine.quality == pytest.approx(modularity(h2014, fine.membership, resolution=5.0))
    with pytest.raises(GraphError, match="resolution must be a positive number"):
        leiden(h2014, resolution=0)
    with pytest.raises(GraphError, match="backend must be 'igraph' or 'leidenalg'"):
        leiden(h2014, backend="louvain")


# ------------------------------------------------------------------------------ core and periphery
def test_kcore_matches_networkx_on_h2020_portugal():
    g = project_graph(portugal())
    cp = core_periphery(g)
    assert np.array_equal(cp.kcore, as_array(nx.core_number(to_networkx(g)), g.n_nodes))  # oracle
    assert cp.core.sum() == (cp.kcore == cp.kcore.max()).sum() > 0


def test_ideal_core_periphery():
    # core: a 6-clique; periphery: 12 nodes, each tied to two core nodes only
    core = list(range(6))
    edges = [(a, b) for a in core for b in core if a < b]
    edges += [(6 + k, k % 6) for k in range(12)] + [(6 + k, (k + 1) % 6) for k in range(12)]
    g = graph_from_ties(range(18), edges)
    cp = core_periphery(g)
    assert cp.coreness[:6].min() > 2 * cp.coreness[6:].max()
    assert cp.coreness.max() == 1.0
    assert cp.fit > 0.6
    assert cp.core.tolist() == [True] * 6 + [False] * 12  # max k-core = the clique (k = 5... k = 2 outside)


def test_continuous_coreness_is_the_least_squares_fit():
    # oracle: scipy minimises sum_{i != j} (a_ij - c_i c_j)^2 directly (BFGS from another start)
    G = nx.gnm_random_graph(25, 70, seed=4)
    g = graph_from_ties(range(25), list(G.edges()))
    a = nx.to_numpy_array(G, nodelist=range(25))
    off = ~np.eye(25, dtype=bool)

    def loss(c):
        r = (a - np.outer(c, c))[off]
        return (r**2).sum()

    best = minimize(loss, np.full(25, 0.5), method="BFGS", options={"gtol": 1e-10})
    cp = core_periphery(g)
    scale = best.x.max()
    assert np.abs(cp.coreness - best.x / scale).max() < 1e-5
    # and the fit is the Pearson correlation of a_ij with c_i c_j over i != j
    expected_fit = np.corrcoef(a[off], np.outer(best.x, best.x)[off])[0, 1]
    assert cp.fit == pytest.approx(expected_fit, abs=1e-6)


# ------------------------------------------------------------------------------ triple helix
def test_sectors_of_cordis_kinds():
    assert sectors_of(["HES", "REC", "PRC", "PUB", "OTH", "", "XYZ"]) == (
        "university",
        "research",
        "business",
        "government",
        "other",
        "other",
        "other",
    )


def test_triple_helix_mix_by_hand():
    # u1-u2 (weight 2) within university; u1-b (1) university-business; b-g (3) business-government;
    # total weight 6: within 2/6, between 4/6, E-I = (4 - 2) / 6 = 1/3
    part = Participations.from_rows(
        [
            ("P1", "u1", 2015, "", "HES"),
            ("P1", "u2", 2015, "", "HES"),
            ("P2", "u1", 2016, "", "HES"),
            ("P2", "u2", 2016, "", "HES"),
            ("P3", "u1", 2016, "", "HES"),
            ("P3", "b", 2016, "", "PRC"),
            ("P4", "b", 2017, "", "PRC"),
            ("P4", "g", 2017, "", "PUB"),
            ("P5", "b", 2017, "", "PRC"),
            ("P5", "g", 2017, "", "PUB"),
            ("P6", "b", 2018, "", "PRC"),
            ("P6", "g", 2018, "", "PUB"),
        ]
    )
    mix = triple_helix_mix(project_graph(part))
    assert mix.sectors == ("university", "business", "government")
    assert mix.pairs() == pytest.approx(
        {
            ("university", "university"): 2 / 6,
            ("university", "business"): 1 / 6,
            ("university", "government"): 0.0,
            ("business", "business"): 0.0,
            ("business", "government"): 3 / 6,
            ("government", "government"): 0.0,
        }
    )
    assert mix.within == pytest.approx(1 / 3) and mix.between == pytest.approx(2 / 3)
    assert mix.ei_index == pytest.approx(1 / 3)
    # projects' helix presence (U, I, G): P1, P2 (1,0,0); P3 (1,1,0); P4-P6 (0,1,1). Over 6 projects:
    # H_U = H(1/2) = 1; H_I = H(4/6) = 0.918296; H_G = H(3/6) = 1; H_UI: (1,0) 2, (1,1) 1, (0,1) 3 ->
    # H(2/6, 1/6, 3/6) = 1.459148; H_UG: (1,0) 3, (0,1) 3 -> 1; H_IG: (0,0) 2, (1,0) 1, (1,1) 3 -> 1.459148;
    # H_UIG = H(2/6, 1/6, 3/6) = 1.459148. T = 1 + 0.918296 + 1 - 1.459148 - 1 - 1.459148 + 1.459148
    assert mix.mutual_information == pytest.approx(
        1 + 0.918296 + 1 - 1.459148 - 1 - 1.459148 + 1.459148, abs=1e-6
    )


def test_helix_mutual_information_extremes():
    # g = u XOR i with u, i independent fair bits: H = 1 each, every pair 2 bits, the triple 2 bits:
    # T = 3 - 6 + 2 = -1 (pure synergy)
    xor = np.array([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]])
    assert helix_mutual_information(xor) == pytest.approx(-1.0)
    # three copies of one fair bit: T = 3 - 3 + 1 = 1
    same = np.array([[0, 0, 0], [1, 1, 1]])
    assert helix_mutual_information(same) == pytest.approx(1.0)
    # independent: T = 0
    indep = np.array([[a, b, c] for a in (0, 1) for b in (0, 1) for c in (0, 1)])
    assert helix_mutual_information(indep) == pytest.approx(0.0, abs=1e-15)


def test_h2020_helix_mix_sums_to_one():
    g = project_graph(portugal())
    mix = triple_helix_mix(g)
    k = len(mix.sectors)
    assert np.triu(mix.share).sum() == pytest.approx(1.0)
    assert np.allclose(mix.share, mix.share.T)
    # independent: the within share from an edge loop
    src, dst, w = g.edges()
    sec = sectors_of(g.kind)
    within = sum(x for a, b, x in zip(src, dst, w, strict=True) if sec[a] == sec[b]) / w.sum()
    assert mix.within == pytest.approx(within)
    assert k == 5 and np.isfinite(mix.mutual_information)


def test_doctests():
    assert doctest.testmod(communities_module, optionflags=doctest.ELLIPSIS).failed == 0
