"""The network year by year and its cohesion indicators: by hand, and against networkx."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from clusterworks.analytics.network.communities import leiden
from clusterworks.analytics.network.evolution import cohesion, evolution
from clusterworks.analytics.network.graph import GraphError, project_graph
from clusterworks.analytics.network.participations import Participations

from ._network_data import h2020, portugal, to_networkx

# 2015: P1 a, b, c; P2 d alone. 2016: P3 a, b; P4 c, d. 2017: P5 d, e.
ROWS = [
    ("P1", "a", 2015),
    ("P1", "b", 2015),
    ("P1", "c", 2015),
    ("P2", "d", 2015),
    ("P3", "a", 2016),
    ("P3", "b", 2016),
    ("P4", "c", 2016),
    ("P4", "d", 2016),
    ("P5", "d", 2017),
    ("P5", "e", 2017),
]


@pytest.fixture
def part():
    return Participations.from_rows(ROWS)


def test_yearly_snapshots_by_hand(part):
    snaps = evolution(part)
    assert [s.year for s in snaps] == [2015, 2016, 2017]
    y15, y16, y17 = (s.as_dict() for s in snaps)
    # 2015: a, b, c, d; triangle a-b-c; d alone
    assert (y15["n_projects"], y15["n_nodes"], y15["n_ties"], y15["new_ties"]) == (2, 4, 3, 3)
    assert y15["new_organisations"] == 4
    assert y15["density"] == pytest.approx(3 / 6)  # 3 of C(4,2) pairs
    assert y15["average_degree"] == pytest.approx(6 / 4)
    assert (y15["components"], y15["largest_component_share"]) == (2, 3 / 4)
    assert y15["transitivity"] == 1.0  # one triangle, 3 connected triples all closed
    assert y15["average_clustering"] == pytest.approx(3 / 4)  # a, b, c: 1; d: 0
    assert y15["mean_path_length"] == 1.0
    # 2016: a-b (already tied in 2015, not new) and c-d (new); two pairs apart
    assert (y16["n_ties"], y16["new_ties"], y16["new_organisations"]) == (2, 1, 0)
    assert (y16["components"], y16["largest_component_share"]) == (2, 1 / 2)
    assert y16["transitivity"] == 0.0 and y16["average_clustering"] == 0.0
    # 2017: d-e, with the new organisation e
    assert (y17["n_nodes"], y17["n_ties"], y17["new_ties"], y17["new_organisations"]) == (2, 1, 1, 1)
    assert y17["density"] == 1.0


def test_cumulative_window_by_hand(part):
    (y16,) = evolution(part, years=[2016], window="cumulative")
    c = y16.cohesion
    # projects up to 2016: ties a-b, a-c, b-c, c-d
    assert (c.n_nodes, c.n_ties, c.components) == (4, 4, 1)
    assert c.density == pytest.approx(4 / 6)
    # connected triples: a (b, c), b (a, c), c: 3 pairs among a, b, d -> 5; one triangle: 3 x 1 / 5
    assert c.transitivity == pytest.approx(3 / 5)
    # local clustering: a 1, b 1, c 1/3 (1 tie among its 3 partners), d 0: mean 7/12
    assert c.average_clustering == pytest.approx(7 / 12)
    # distances: ab 1, ac 1, bc 1, cd 1, ad 2, bd 2: mean 8/6
    assert c.mean_path_length == pytest.approx(8 / 6) and c.path_length_se == 0.0
    # a window of 2 years at 2017 holds 2016 and 2017: a-b, c-d, d-e
    (w2,) = evolution(part, years=[2017], window=2)
    assert w2.cohesion.n_ties == 3 and w2.n_projects == 3
    with pytest.raises(GraphError, match="window must be a whole number of years >= 1 or 'cumulative'"):
        evolution(part, window=0)


def test_cohesion_matches_networkx_on_h2020_portugal():
    g = project_graph(portugal())
    G = to_networkx(g)
    c = cohesion(g, path_sample=1000, seed=1)  # 237 < 1000: exact
    assert c.n_nodes == G.number_of_nodes() and c.n_ties == G.number_of_edges()
    assert c.density == pytest.approx(nx.density(G), abs=1e-15)
    assert c.components == nx.number_connected_components(G)
    biggest = max(nx.connected_components(G), key=len)
    assert c.largest_component_share == pytest.approx(len(biggest) / G.number_of_nodes())
    assert c.transitivity == pytest.approx(nx.transitivity(G), abs=1e-12)
    assert c.average_clustering == pytest.approx(nx.average_clustering(G), abs=1e-12)
    assert c.mean_path_length == pytest.approx(
        nx.average_shortest_path_length(G.subgraph(biggest)), abs=1e-12
    )
    assert c.path_sources == len(biggest)
    # modularity is that of the seeded Leiden partition, or of the partition given
    assert c.modularity == pytest.approx(leiden(g, seed=1).modularity)
    coarse = leiden(g, resolution=0.1)
    given = cohesion(g, path_sample=0, communities=coarse)
    assert given.modularity == coarse.modularity != c.modularity
    assert given.communities == int((coarse.sizes >= 2).sum())
    with pytest.raises(GraphError, match="communities must give one community per node"):
        cohesion(g, communities=leiden(g.subgraph(range(10))))


def test_sampled_path_length_is_close_to_the_exact_one():
    g = project_graph(h2020(years=(2014, 2014)))
    exact = cohesion(g, path_sample=10_000, with_communities=False)  # 763 nodes in the largest component
    sampled = cohesion(g, path_sample=100, seed=4, with_communities=False)
    assert sampled.path_sources == 100 and exact.path_length_se == 0.0
    assert 0 < sampled.path_length_se < 0.1
    assert abs(sampled.mean_path_length - exact.mean_path_length) < 4 * sampled.path_length_se


def test_new_ties_add_up_to_the_whole_graph():
    part = portugal()
    snaps = evolution(part, with_communities=False, path_sample=0)
    whole = project_graph(part)
    assert sum(s.new_ties for s in snaps) == whole.n_edges
    assert sum(s.new_organisations for s in snaps) == whole.n_nodes
    # a yearly graph never has more ties than the ties that are new that year plus the older ones
    assert all(s.cohesion.n_ties >= s.new_ties for s in snaps)
    assert np.isnan(snaps[0].cohesion.mean_path_length)  # path_sample=0 skips it
