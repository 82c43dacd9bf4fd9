"""Node measures: hand-computed values on a small graph, networkx as the oracle on a real H2020
sub-network and on seeded random graphs, triangles against a brute force."""

from __future__ import annotations

import doctest
import itertools
import random

import networkx as nx
import numpy as np
import pytest

from clusterworks.analytics.network import measures as measures_module
from clusterworks.analytics.network.graph import GraphError, graph_from_ties, project_graph, seeded_igraph
from clusterworks.analytics.network.measures import (
    betweenness,
    centralities,
    closeness,
    eigenvector,
    harmonic,
    node_table,
    pagerank,
    sample_sources,
    sampled_closeness,
    structural_holes,
    triangles,
)
from clusterworks.analytics.network.synthetic import synthetic_participations

from ._network_data import as_array, portugal, to_networkx

# A kite: hub 0 tied to 1, 2 and 3; 1 and 2 also tied to each other; 3 only to 0.
#     1
#    / \
#   0---2
#   |
#   3
KITE = [(0, 1), (0, 2), (0, 3), (1, 2)]


@pytest.fixture
def kite():
    return graph_from_ties(range(4), KITE)


def test_kite_centralities_by_hand(kite):
    c = centralities(kite)
    assert c["degree"].tolist() == [3, 2, 2, 1]
    assert c["strength"].tolist() == [3.0, 2.0, 2.0, 1.0]
    # node 0 is on the only shortest paths 1-3 and 2-3 (2 of the 3 pairs without it); normalised by
    # (n-1)(n-2)/2 = 3 pairs: 2/3. Nobody else is between anyone.
    assert c["betweenness"] == pytest.approx([2 / 3, 0, 0, 0])
    # closeness (r-1)/sum d: node 0: 3/3 = 1; node 1: d = 1 (0), 1 (2), 2 (3): 3/4; node 3: 1+2+2: 3/5
    assert c["closeness"] == pytest.approx([1.0, 0.75, 0.75, 0.6])
    # harmonic: node 3: (1 + 1/2 + 1/2) / 3 = 2/3; node 1: (1 + 1 + 1/2) / 3 = 5/6
    assert c["harmonic"] == pytest.approx([1.0, 5 / 6, 5 / 6, 2 / 3])
    assert c["pagerank"].sum() == pytest.approx(1.0)
    assert np.linalg.norm(c["eigenvector"]) == pytest.approx(1.0)
    assert np.argmax(c["eigenvector"]) == 0 and c["eigenvector"][1] == pytest.approx(c["eigenvector"][2])


def test_kite_structural_holes_by_hand(kite):
    constraint, effective = structural_holes(kite)
    # p_0j = 1/3. j=1: p_01 + p_02 p_21 = 1/3 + 1/3 * 1/2 = 1/2 -> 1/4; j=2 likewise 1/4; j=3: (1/3)^2
    # = 1/9; c_0 = 1/2 + 1/9 = 11/18
    # node 1: p_10 = p_12 = 1/2. j=0: 1/2 + p_12 p_20 = 1/2 + 1/4 = 3/4 -> 9/16; j=2: 1/2 + p_10 p_02 =
    # 1/2 + 1/6 = 2/3 -> 4/9; c_1 = 9/16 + 4/9 = 145/144. Node 3: one partner, c = 1.
    assert constraint == pytest.approx([11 / 18, 145 / 144, 145 / 144, 1.0])
    # Borgatti: n - 2t/n; node 0: 3 partners, 1 tie among them: 3 - 2/3 = 7/3; node 1: 2 - 2/2 = 1
    assert effective == pytest.approx([7 / 3, 1.0, 1.0, 1.0])


def test_weighted_kite_structural_holes_by_hand():
    g = graph_from_ties(range(4), KITE, [2.0, 1.0, 1.0, 1.0])  # the tie 0-1 twice as strong
    constraint, effective = structural_holes(g)
    # strengths: s0 = 4, s1 = 3, s2 = 2, s3 = 1. p_01 = 1/2, p_02 = p_03 = 1/4.
    # j=1: 1/2 + p_02 p_21 = 1/2 + 1/4 * 1/2 = 5/8 -> 25/64; j=2: 1/4 + p_01 p_12 = 1/4 + 1/2 * 1/3 = 5/12
    # -> 25/144; j=3: 1/16. c_0 = 25/64 + 25/144 + 1/16 = 361/576
    assert constraint[0] == pytest.approx(361 / 576)
    # effective size of 0 with m_jq = w_jq / max_k w_jk: max of 1 is 2, of 2 is 1.
    # j=1: 1 - p_02 m_12 = 1 - 1/4 * 1/2 = 7/8; j=2: 1 - p_01 m_21 = 1 - 1/2 * 1 = 1/2; j=3: 1. Sum 19/8.
    assert effective[0] == pytest.approx(19 / 8)
    # unweighted, the weights are ignored: back to Borgatti's 7/3
    assert structural_holes(g, weighted=False).effective_size[0] == pytest.approx(7 / 3)


def test_isolated_nodes():
    g = graph_from_ties(["a", "b", "c"], [("a", "b")])
    c = centralities(g)
    assert c["closeness"][2] == 0.0 and c["harmonic"][2] == 0.0 and c["betweenness"][2] == 0.0
    # closeness of a: it reaches 1 of 2 others at distance 1: (1/1) * (1/2) = 1/2
    assert c["closeness"][0] == pytest.approx(0.5)
    holes = structural_holes(g)
    assert np.isnan(holes.constraint[2]) and np.isnan(holes.effective_size[2])
    assert holes.constraint[0] == 1.0


# ------------------------------------------------------------------------------ networkx as the oracle
@pytest.fixture(scope="module")
def pt():
    """Portuguese organisations in H2020 2014-2016: 392 nodes, 563 ties, weights 1..8."""
    g = project_graph(portugal())
    return g, to_networkx(g)


def test_betweenness_matches_networkx_on_h2020_portugal(pt):
    g, G = pt
    n = g.n_nodes
    # oracle: networkx on integer distances lcm(1..8)/w, proportional to 1/w; whole numbers make its
    # exact comparison of path lengths agree with igraph's tolerant one (1/3 + 1/3 + 1/3 != 1 in floats)
    assert np.abs(betweenness(g) - as_array(nx.betweenness_centrality(G, weight="idist"), n)).max() < 1e-12
    hops = nx.betweenness_centrality(G)
    assert np.abs(betweenness(g, weighted=False) - as_array(hops, n)).max() < 1e-12
    assert betweenness(g).max() > 0.01  # not trivially all zero


def test_sampled_betweenness_is_networkx_k_estimate(pt):
    g, G = pt
    n = g.n_nodes
    # same k sources (networkx draws random.Random(seed).sample(list(G), k)) and the same scaling
    nxk = nx.betweenness_centrality(G, k=40, seed=11, weight="idist")
    assert np.abs(betweenness(g, sample=40, seed=11) - as_array(nxk, n)).max() < 1e-12
    assert sample_sources(n, 40, 11) == __import__("random").Random(11).sample(list(G), 40)
    with pytest.raises(GraphError, match="sample must be between 1 and the number of nodes"):
        betweenness(g, sample=0)


def test_closeness_and_harmonic_match_networkx(pt):
    g, G = pt
    n = g.n_nodes
    cl = nx.closeness_centrality(G, distance="dist")  # Wasserman-Faust (wf_improved=True)
    assert np.abs(closeness(g) - as_array(cl, n)).max() < 1e-12
    assert np.abs(closeness(g, weighted=False) - as_array(nx.closeness_centrality(G), n)).max() < 1e-12
    hm = nx.harmonic_centrality(G, distance="dist")
    assert np.abs(harmonic(g) - as_array(hm, n) / (n - 1)).max() < 1e-12
    some = [3, 100, 250]
    assert closeness(g, nodes=some) == pytest.approx(closeness(g)[some], abs=1e-15)


def test_sampled_closeness_is_exact_with_every_source_and_close_with_few(pt):
    g, _ = pt
    exact_c, exact_h = closeness(g), harmonic(g)
    # sources >= the largest component (237 nodes): every distance is used, the estimate is exact
    c, h = sampled_closeness(g, 1000)
    assert np.abs(c - exact_c).max() < 1e-12 and np.abs(h - exact_h).max() < 1e-12
    # 60 sources: exact outside the largest component, within a few per cent inside it (measured on this
    # network: median relative error 1-2 %; the bounds leave room, not a tolerance tuned to pass)
    c, h = sampled_closeness(g, 60, seed=2)
    lcc = np.isin(np.array(g.names), np.array(g.largest_component().names))
    assert np.abs(c - exact_c)[~lcc].max() < 1e-12
    rel = np.abs(c - exact_c)[lcc] / exact_c[lcc]
    assert np.median(rel) < 0.05 and rel.max() < 0.25 and rel.max() > 0  # an estimate, not the exact value
    assert np.median(np.abs(h - exact_h)[lcc] / exact_h[lcc]) < 0.05
    # centralities(sample=...) uses it for both, and networkx's estimator for betweenness
    est = centralities(g, sample=60, seed=2)
    assert np.array_equal(est["closeness"], c) and np.array_equal(est["harmonic"], h)
    assert np.array_equal(est["betweenness"], betweenness(g, sample=60, seed=2))
    with pytest.raises(GraphError, match="sample must be at least 2 for closeness"):
        sampled_closeness(g, 1)


def test_pagerank_matches_networkx(pt):
    g, G = pt
    # networkx iterates to a tolerance: ask for 1e-13 per node; igraph's PRPACK solves exactly
    pr = nx.pagerank(G, alpha=0.85, weight="weight", tol=1e-13, max_iter=10_000)
    assert np.abs(pagerank(g) - as_array(pr, g.n_nodes)).max() < 1e-10


def test_pagerank_of_a_tie_and_an_isolated_organisation_by_hand():
    # a-b tied, c isolated, d = 0.85. By symmetry x_a = x_b = p; c receives only the common share
    # s = 0.15/3 + 0.85 x_c/3 (teleport + the isolated node's rank spread evenly), so x_c = s and
    # p = 0.85 p + s. With 2p + x_c = 1: s = 1 / (2/0.15 + 1) = 3/43, p = 20/43.
    g = graph_from_ties(["a", "b", "c"], [("a", "b")], [3.0])
    assert np.allclose(pagerank(g), [20 / 43, 20 / 43, 3 / 43], rtol=0, atol=1e-14)
    # without damping every organisation gets the teleported share only
    assert np.allclose(pagerank(g, damping=0.0), [1 / 3] * 3, rtol=0, atol=1e-15)
    with pytest.raises(GraphError, match=r"damping must be in \[0, 1\)"):
        pagerank(g, damping=1.0)


def test_eigenvector_of_a_star_by_hand():
    # star with centre 0 and 3 leaves: leading eigenvalue sqrt(3), vector (sqrt(3), 1, 1, 1) / sqrt(6)
    g = graph_from_ties(range(4), [(0, 1), (0, 2), (0, 3)])
    expected = np.array([np.sqrt(3), 1, 1, 1]) / np.sqrt(6)
    assert np.allclose(eigenvector(g), expected, rtol=0, atol=1e-14)
    # the same through the sparse solver (above the dense size): a star of 400 leaves, vector
    # (sqrt(400), 1, ..., 1) / sqrt(800)
    big = graph_from_ties(range(401), [(0, k) for k in range(1, 401)])
    v = eigenvector(big)
    assert v[0] == pytest.approx(np.sqrt(400 / 800), abs=1e-12)
    assert np.abs(v[1:] - 1 / np.sqrt(800)).max() < 1e-12


def test_eigenvector_matches_networkx_on_the_largest_component(pt):
    g, _ = pt
    lcc = g.largest_component()
    L = to_networkx(lcc)
    # networkx 3.6 refuses disconnected graphs for the ARPACK version; both are unit-norm, ARPACK to 1e-9
    ev = nx.eigenvector_centrality_numpy(L, weight="weight")
    assert np.abs(eigenvector(lcc) - as_array(ev, lcc.n_nodes)).max() < 1e-8
    # on the whole graph the vector lives on the dominant component, zero elsewhere
    whole = eigenvector(g)
    in_lcc = np.isin(np.array(g.names), np.array(lcc.names))
    assert np.abs(whole[~in_lcc]).max() < 1e-8


def test_eigenvector_and_pagerank_are_bit_identical_whatever_the_global_random_state(pt):
    g, _ = pt
    lcc = g.largest_component()
    # igraph's ARPACK draws eigenvector's start vector from its generator, by default the global
    # ``random`` module: a bare call consumes it (this is why ours starts from the strengths instead)
    random.seed(1)
    before = random.getstate()
    lcc.to_igraph().eigenvector_centrality(weights="weight")
    assert random.getstate() != before
    runs = []
    for global_seed in (1, 2, 3):
        random.seed(global_seed)
        state = random.getstate()
        runs.append((eigenvector(lcc), eigenvector(lcc, weighted=False), pagerank(lcc), pagerank(g)))
        assert random.getstate() == state  # nothing drawn from the global generator
    for later in runs[1:]:
        for first, again in zip(runs[0], later, strict=True):
            assert first.tobytes() == again.tobytes()


def test_seeded_igraph_draws_from_its_own_generator_and_leaves_the_global_one(pt):
    g, _ = pt
    ig_graph = g.to_igraph()

    def leiden():
        return ig_graph.community_leiden(objective_function="modularity", weights="weight").membership

    random.seed(11)
    state = random.getstate()
    with seeded_igraph(4):
        first = leiden()
    assert random.getstate() == state
    with seeded_igraph(4):
        assert leiden() == first
    # the same stream as the global module seeded alike (random.Random(4) and random.seed(4))
    random.seed(4)
    assert leiden() == first
    # after the block igraph draws from the global module again (its default)
    random.seed(5)
    again = leiden()
    random.seed(5)
    assert leiden() == again


def test_structural_holes_match_networkx(pt):
    g, G = pt
    n = g.n_nodes
    constraint, effective = structural_holes(g)
    nx_constraint = as_array(nx.constraint(G, weight="weight"), n)
    assert np.array_equal(np.isnan(constraint), np.isnan(nx_constraint))
    assert np.nanmax(np.abs(constraint - nx_constraint)) < 1e-12
    # networkx 3.6's all-nodes fast path for weighted effective size divides each row by the column's
    # maximum instead of the row's (it disagrees with its own per-node path and docstring); the per-node
    # path (nodes=...) implements the documented formula and is the oracle
    nx_effective = as_array(nx.effective_size(G, nodes=list(G), weight="weight"), n)
    assert np.nanmax(np.abs(effective - nx_effective)) < 1e-12
    unweighted = as_array(nx.effective_size(G), n)  # Borgatti's formula
    assert np.nanmax(np.abs(structural_holes(g, weighted=False).effective_size - unweighted)) < 1e-12
    # igraph's own constraint (C) agrees too
    assert np.nanmax(np.abs(constraint - np.array(g.to_igraph().constraint(weights="weight")))) < 1e-12


def test_structural_holes_on_fractional_weights_and_many_triangles():
    # Newman-weighted synthetic projects: cliques of every project, weights sum_p 1/(size_p - 1)
    g = project_graph(synthetic_participations(12, seed=4), weighting="newman")  # networkx is slow here
    G = to_networkx(g)
    n = g.n_nodes
    assert sum(nx.triangles(G).values()) // 3 == 550  # (networkx's count) the triangle sums matter
    constraint, effective = structural_holes(g)
    assert np.nanmax(np.abs(constraint - as_array(nx.constraint(G, weight="weight"), n))) < 1e-12
    eff = as_array(nx.effective_size(G, nodes=list(G), weight="weight"), n)
    assert np.nanmax(np.abs(effective - eff)) < 1e-12


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_weighted_graphs_match_networkx(seed):
    # G(n, m) plus a detached path, weights powers of two so that 1/w sums are exact in floats
    rng = np.random.default_rng(seed)
    G0 = nx.gnm_random_graph(70, 260, seed=seed)
    edges = list(G0.edges()) + [(70, 71), (71, 72)]
    g = graph_from_ties(range(74), edges, 2.0 ** rng.integers(0, 4, len(edges)))
    G = to_networkx(g)
    n = g.n_nodes
    c = centralities(g)
    assert np.abs(c["betweenness"] - as_array(nx.betweenness_centrality(G, weight="dist"), n)).max() < 1e-12
    assert np.abs(c["closeness"] - as_array(nx.closeness_centrality(G, distance="dist"), n)).max() < 1e-12
    constraint, effective = structural_holes(g)
    assert np.nanmax(np.abs(constraint - as_array(nx.constraint(G, weight="weight"), n))) < 1e-12
    eff = as_array(nx.effective_size(G, nodes=list(G), weight="weight"), n)
    assert np.nanmax(np.abs(effective - eff)) < 1e-12


# ------------------------------------------------------------------------------ triangles
@pytest.mark.parametrize("chunk", [1, 7, 4_000_000])
def test_triangles_are_listed_once_each(chunk):
    G0 = nx.gnm_random_graph(40, 200, seed=5)
    g = graph_from_ties(range(40), list(G0.edges()))
    src, dst, _ = g.edges()
    found = set()
    for u, v, w, e_uv, e_uw, e_vw in triangles(g, chunk=chunk):
        for a, b, c, x, y, z in zip(u, v, w, e_uv, e_uw, e_vw, strict=True):
            tri = tuple(sorted((int(a), int(b), int(c))))
            assert tri not in found
            found.add(tri)
            # the edge indexes name the right ties
            assert {src[x], dst[x]} == {a, b} and {src[y], dst[y]} == {a, c} and {src[z], dst[z]} == {b, c}
    brute = {
        t
        for t in itertools.combinations(range(40), 3)
        if all(G0.has_edge(*p) for p in itertools.combinations(t, 2))
    }
    assert found == brute and len(brute) == sum(nx.triangles(G0).values()) // 3 > 0


# ------------------------------------------------------------------------------ table
def test_node_table_rows(kite):
    rows = node_table(kite, extra={"community": [0, 0, 0, 1]})
    assert len(rows) == 4
    assert list(rows[0]) == [
        "organisation",
        "kind",
        "country",
        "degree",
        "strength",
        "betweenness",
        "eigenvector",
        "pagerank",
        "closeness",
        "harmonic",
        "constraint",
        "effective_size",
        "community",
    ]
    assert rows[0]["organisation"] == "0" and rows[0]["constraint"] == pytest.approx(11 / 18)
    assert rows[3]["community"] == 1 and rows[3]["closeness"] == pytest.approx(0.6)
    with pytest.raises(GraphError, match="column 'community' has 2 values; the graph has 4 nodes"):
        node_table(kite, extra={"community": [0, 1]})
    with pytest.raises(GraphError, match="unknown measure"):
        centralities(kite, measures=("katz",))


def test_doctests():
    assert doctest.testmod(measures_module, optionflags=doctest.ELLIPSIS).failed == 0
