"""The collaboration graph: projection of participations (count, Newman, recency), first years of ties,
ties from agreements, unions, parts, igraph export, bipartite summary and the synthetic generators."""

from __future__ import annotations

import doctest

import networkx as nx
import numpy as np
import pytest

from clusterworks.analytics.network import graph as graph_module
from clusterworks.analytics.network import synthetic
from clusterworks.analytics.network.graph import (
    UNKNOWN_YEAR,
    GraphError,
    bipartite_summary,
    combine,
    graph_from_ties,
    project_graph,
)
from clusterworks.analytics.network.participations import Participations

from ._network_data import h2020, portugal

# P1 (2015): a, b, c; P2 (2016): a, b; P3 (2016): d alone; P4 (2017): b, c, d, e, with b listed twice.
ROWS = [
    ("P1", "a", 2015, "coordinator", "HES", "PT"),
    ("P1", "b", 2015, "participant", "PRC", "ES"),
    ("P1", "c", 2015, "participant", "REC", "PT"),
    ("P2", "a", 2016, "coordinator", "HES", "PT"),
    ("P2", "b", 2016, "participant", "PRC", "ES"),
    ("P3", "d", 2016, "coordinator", "PUB", "FR"),
    ("P4", "b", 2017, "coordinator", "PRC", "ES"),
    ("P4", "b", 2017, "participant", "PRC", "ES"),
    ("P4", "c", 2017, "participant", "REC", "PT"),
    ("P4", "d", 2017, "participant", "PUB", "FR"),
    ("P4", "e", 2017, "participant", "OTH", "IT"),
]


@pytest.fixture
def part() -> Participations:
    return Participations.from_rows(ROWS)


def weights_of(g) -> dict[tuple[str, str], float]:
    src, dst, w = g.edges()
    return {
        (g.names[a], g.names[b]): x for a, b, x in zip(src.tolist(), dst.tolist(), w.tolist(), strict=True)
    }


# ------------------------------------------------------------------------------------ projection by hand
def test_count_projection_by_hand(part):
    g = project_graph(part)
    assert g.names == ("a", "b", "c", "d", "e")
    # shared projects: a-b P1,P2 = 2; a-c P1 = 1; b-c P1,P4 = 2 (P4's duplicate b row counts once);
    # b-d, b-e, c-d, c-e, d-e: P4 = 1 each; P3 (d alone) makes no tie.
    assert weights_of(g) == {
        ("a", "b"): 2.0,
        ("a", "c"): 1.0,
        ("b", "c"): 2.0,
        ("b", "d"): 1.0,
        ("b", "e"): 1.0,
        ("c", "d"): 1.0,
        ("c", "e"): 1.0,
        ("d", "e"): 1.0,
    }
    assert g.n_edges == 8 and g.n_nodes == 5
    assert (g.weights != g.weights.T).nnz == 0 and g.weights.diagonal().sum() == 0
    # strength of b = 2 + 2 + 1 + 1 = 6; degree of b = 4 (a, c, d, e)
    assert g.strength[g.node("b")] == 6.0 and g.degree[g.node("b")] == 4


def test_newman_projection_by_hand(part):
    g = project_graph(part, weighting="newman")
    w = weights_of(g)
    # 1/(n_p - 1): P1 (3 organisations) 1/2, P2 (2) 1, P4 (4 distinct: b, c, d, e) 1/3
    assert w[("a", "b")] == pytest.approx(1 / 2 + 1)
    assert w[("a", "c")] == pytest.approx(1 / 2)
    assert w[("b", "c")] == pytest.approx(1 / 2 + 1 / 3)
    assert w[("d", "e")] == pytest.approx(1 / 3)
    # each organisation spreads one unit per multi-partner project: strength = number of such projects
    # (a: P1, P2 = 2; b: P1, P2, P4 = 3; d: P4 only = 1, P3 had no partner)
    assert g.strength[[g.node(v) for v in "abd"]] == pytest.approx([2, 3, 1])


def test_recency_by_hand(part):
    # at_year defaults to the last year + 1 = 2018; half-life 1: P1 (2015) x 1/8, P2 (2016) x 1/4,
    # P4 (2017) x 1/2
    w = weights_of(project_graph(part, half_life=1))
    assert w[("a", "b")] == pytest.approx(1 / 8 + 1 / 4)
    assert w[("b", "c")] == pytest.approx(1 / 8 + 1 / 2)
    assert w[("d", "e")] == pytest.approx(1 / 2)
    # at 2021 with a half-life of 2 years: a-b = 0.5**3 + 0.5**2.5; Newman on top: 0.5 * 0.5**3 + 1 * 0.5**2.5
    w = weights_of(project_graph(part, half_life=2, at_year=2021, weighting="newman"))
    assert w[("a", "b")] == pytest.approx(0.5 * 0.5**3 + 0.5**2.5)
    assert project_graph(part, half_life=2).weighting == "count+recency"


def test_first_year_and_min_weight(part):
    g = project_graph(part)
    assert g.tie_first_year("a", "b") == 2015  # P1 (2015) before P2 (2016)
    assert g.tie_first_year("b", "c") == 2015
    assert g.tie_first_year("d", "e") == 2017
    assert g.tie_first_year("a", "e") is None  # no tie
    # first_year has the pattern of weights, entry for entry
    assert np.array_equal(g.first_year.indptr, g.weights.indptr)
    assert np.array_equal(g.first_year.indices, g.weights.indices)
    assert dict(zip(*np.unique(g.edge_first_year(), return_counts=True), strict=True)) == {2015: 3, 2017: 5}
    strong = project_graph(part, min_weight=2)
    assert weights_of(strong) == {("a", "b"): 2.0, ("b", "c"): 2.0}
    assert strong.n_nodes == 5  # organisations stay, weak ties go


def test_nodes_all_keeps_the_code_table(part):
    later = part.select(part.year >= 2017)
    active = project_graph(later)
    every = project_graph(later, nodes="all")
    assert active.names == ("b", "c", "d", "e")
    assert every.names == part.organisation_ids == ("a", "b", "c", "d", "e")
    assert every.degree.tolist() == [0, 3, 3, 3, 3]


def test_kind_country_and_igraph_export(part):
    g = project_graph(part)
    assert g.kind == ("HES", "PRC", "REC", "PUB", "OTH")
    assert g.country == ("PT", "ES", "PT", "FR", "IT")
    ig_graph = g.to_igraph()
    assert ig_graph is g.to_igraph()  # cached
    assert not ig_graph.is_directed()
    assert ig_graph.vs["name"] == list(g.names) and ig_graph.vs["kind"] == list(g.kind)
    src, dst, w = g.edges()
    assert [e.tuple for e in ig_graph.es] == list(zip(src.tolist(), dst.tolist(), strict=True))
    assert ig_graph.es["weight"] == w.tolist()


def test_bad_arguments_are_named(part):
    with pytest.raises(GraphError, match="weighting must be one of count, newman"):
        project_graph(part, weighting="jaccard")
    with pytest.raises(GraphError, match="half_life must be a positive"):
        project_graph(part, half_life=0)
    with pytest.raises(GraphError, match="at_year 2016 is before the last project year 2017"):
        project_graph(part, half_life=1, at_year=2016)
    with pytest.raises(GraphError, match="at_year only applies with a half_life"):
        project_graph(part, at_year=2020)
    with pytest.raises(GraphError, match="unknown organisation 'zz'"):
        project_graph(part).node("zz")


# ------------------------------------------------------------------------ real data, networkx oracle
@pytest.fixture(scope="module")
def pt():
    return portugal()


def _bipartite(part: Participations) -> tuple[nx.Graph, list]:
    B = nx.Graph()
    orgs = [("o", v) for v in part.organisation_ids]
    B.add_nodes_from(orgs)
    for p, o in zip(part.project.tolist(), part.organisation.tolist(), strict=True):
        B.add_edge(("p", part.project_ids[p]), ("o", part.organisation_ids[o]))
    return B, orgs


@pytest.mark.parametrize(
    ("weighting", "oracle"),
    [
        ("count", lambda B, nodes: nx.bipartite.weighted_projected_graph(B, nodes)),
        ("newman", lambda B, nodes: nx.bipartite.collaboration_weighted_projected_graph(B, nodes)),
    ],
)
def test_projection_matches_networkx_bipartite_on_h2020_portugal(pt, weighting, oracle):
    # oracle: networkx's projections (weighted_projected_graph = shared neighbours; collaboration_...
    # = Newman's sum of 1/(deg(project) - 1)) of the same bipartite graph
    g = project_graph(pt, weighting=weighting)
    B, orgs = _bipartite(pt)
    P = oracle(B, orgs)
    expected = {tuple(sorted((a[1], b[1]))): d["weight"] for a, b, d in P.edges(data=True)}
    got = weights_of(g)
    assert set(got) == set(expected)
    assert len(got) == 563
    assert max(abs(got[k] - expected[k]) for k in got) < 1e-12


def test_first_years_match_a_brute_force_over_projects(pt):
    # oracle: for every project, every pair of its organisations; keep the earliest year
    g = project_graph(pt)
    members: dict[int, set[int]] = {}
    year: dict[int, int] = {}
    for p, o, y in zip(pt.project.tolist(), pt.organisation.tolist(), pt.year.tolist(), strict=True):
        members.setdefault(p, set()).add(o)
        year[p] = y
    first: dict[tuple[str, str], int] = {}
    for p, orgs in members.items():
        names = sorted(pt.organisation_ids[o] for o in orgs)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                first[(a, b)] = min(first.get((a, b), 9999), year[p])
    src, dst, _ = g.edges()
    got = {
        (g.names[a], g.names[b]): y
        for a, b, y in zip(src.tolist(), dst.tolist(), g.edge_first_year().tolist(), strict=True)
    }
    assert got == first


def test_recency_matches_a_brute_force_on_h2020_portugal(pt):
    # oracle: sum over shared projects of 0.5 ** ((2017 - year) / 1.5), pair by pair
    g = project_graph(pt, half_life=1.5)
    members: dict[int, set[int]] = {}
    year: dict[int, int] = {}
    for p, o, y in zip(pt.project.tolist(), pt.organisation.tolist(), pt.year.tolist(), strict=True):
        members.setdefault(p, set()).add(o)
        year[p] = y
    expected: dict[tuple[str, str], float] = {}
    for p, orgs in members.items():
        names = sorted(pt.organisation_ids[o] for o in orgs)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                expected[(a, b)] = expected.get((a, b), 0.0) + 0.5 ** ((2017 - year[p]) / 1.5)
    got = weights_of(g)
    assert set(got) == set(expected)
    assert max(abs(got[k] - expected[k]) for k in got) < 1e-12


# ------------------------------------------------------------------------------------ ties, unions, parts
def test_graph_from_ties_sums_duplicates_and_keeps_the_earliest_year():
    g = graph_from_ties(
        ["x", "y", "z", "lonely"],
        [("x", "y"), ("y", "x"), ("y", "z")],
        [1.0, 2.5, 4.0],
        kinds=["HES", "PRC", "PUB", "OTH"],
        years=[2019, 2017, None],
    )
    assert weights_of(g) == {("x", "y"): 3.5, ("y", "z"): 4.0}
    assert g.tie_first_year("x", "y") == 2017
    assert g.tie_first_year("y", "z") == UNKNOWN_YEAR
    assert g.degree.tolist() == [1, 2, 1, 0]
    assert g.incidence.shape == (0, 4) and g.weighting == "ties"
    with pytest.raises(GraphError, match="ties 'x' to itself"):
        graph_from_ties(["x"], [("x", "x")])
    with pytest.raises(GraphError, match="not in names"):
        graph_from_ties(["x", "y"], [("x", "q")])
    with pytest.raises(GraphError, match="finite and > 0; tie 0 has -1.0"):
        graph_from_ties(["x", "y"], [("x", "y")], [-1.0])
    with pytest.raises(GraphError, match="names must be unique; repeated: x"):
        graph_from_ties(["x", "x"], [])


def test_combine_sums_weights_unites_nodes_and_keeps_known_first_years(part):
    projects = project_graph(part)
    agreements = graph_from_ties(
        ["a", "e", "f"], [("a", "e"), ("a", "f")], [2.0, 1.0], kinds=["", "OTH", "PUB"]
    )
    memberships = graph_from_ties(["a", "b"], [("a", "b")], [0.5], years=[2010])
    g = combine(projects, agreements, memberships)
    assert g.names == ("a", "b", "c", "d", "e", "f")
    w = weights_of(g)
    assert w[("a", "b")] == 2.5  # two joint projects + a membership tie of 0.5
    assert w[("a", "e")] == 2.0 and w[("a", "f")] == 1.0  # agreements only
    assert w[("b", "c")] == 2.0
    assert g.tie_first_year("a", "b") == 2010  # the membership's year is earlier than P1's 2015
    assert g.tie_first_year("a", "e") == UNKNOWN_YEAR
    assert g.kind == ("HES", "PRC", "REC", "PUB", "OTH", "PUB")  # first graph that knows it
    assert g.incidence.shape == (4, 6) and g.projects == ("P1", "P2", "P3", "P4")
    # combining a graph with itself doubles every weight and keeps the incidence
    twice = combine(projects, projects)
    assert (twice.weights - 2 * projects.weights).nnz == 0
    assert (twice.incidence != projects.incidence).nnz == 0


def test_subgraph_and_ego_match_networkx(pt):
    from ._network_data import to_networkx

    g = project_graph(pt)
    G = to_networkx(g)
    hub = int(np.argmax(g.degree))
    for order in (1, 2):
        ego = g.ego(g.names[hub], order=order)
        E = nx.ego_graph(G, hub, radius=order)  # oracle
        assert sorted(ego.names) == sorted(g.names[v] for v in E.nodes)
        assert ego.n_edges == E.number_of_edges()
    part_graph = g.subgraph([g.names[v] for v in (5, 1, 3)])
    assert part_graph.names == tuple(g.names[v] for v in (1, 3, 5))
    lcc = g.largest_component()
    assert lcc.n_nodes == len(max(nx.connected_components(G), key=len)) == 237


# ------------------------------------------------------------------------------------ bipartite summary
def test_bipartite_summary_by_hand(part):
    s = bipartite_summary(part)
    # 11 rows, one duplicate (P4, b); 4 projects, 5 organisations, 10 distinct links
    assert (s.n_rows, s.n_duplicates, s.n_projects, s.n_organisations, s.n_links) == (11, 1, 4, 5, 10)
    assert s.project_size.tolist() == [3, 2, 1, 4]  # P1..P4
    assert s.organisation_projects.tolist() == [2, 3, 2, 2, 1]  # a: P1 P2; b: P1 P2 P4; ...
    assert s.size_distribution.tolist() == [0, 1, 1, 1, 1]
    assert s.participation_distribution.tolist() == [0, 1, 3, 1]
    assert s.mean_project_size == 10 / 4 and s.mean_participations == 10 / 5
    assert s.single_organisation_share == 1 / 4 and s.density == 10 / 20


def test_bipartite_summary_of_h2020_2015():
    # independent count with collections.Counter over the same rows
    from collections import Counter

    part = h2020(years=(2015, 2015))
    s = bipartite_summary(part)
    sizes = Counter(part.project.tolist())
    assert s.n_projects == len(sizes) == 4706
    assert s.single_organisation_share == pytest.approx(sum(v == 1 for v in sizes.values()) / len(sizes))
    assert s.size_distribution.sum() == s.n_projects
    assert int((np.arange(s.size_distribution.size) * s.size_distribution).sum()) == s.n_links == len(part)


# ------------------------------------------------------------------------------------ synthetic data
def test_synthetic_participations_are_seeded_and_shaped_like_h2020():
    a = synthetic.synthetic_participations(3000, seed=7)
    b = synthetic.synthetic_participations(3000, seed=7)
    c = synthetic.synthetic_participations(3000, seed=8)
    assert np.array_equal(a.organisation, b.organisation) and a.kind == b.kind
    assert not np.array_equal(a.organisation[: len(c)], c.organisation[: len(a)])
    s = bipartite_summary(a)
    assert s.n_duplicates == 0  # one seat per organisation and project
    assert 0.55 < s.single_organisation_share < 0.65  # single_share = 0.6
    # preferential attachment: a heavy tail of participations (H2020: max 1,371 over 35,871 organisations)
    assert s.organisation_projects.max() > 30 * s.mean_participations
    assert set(a.kind) == set(synthetic.KIND_SHARES)
    assert a.year.min() == 2014 and a.year.max() == 2020


def test_synthetic_runs_are_prefixes_of_longer_runs():
    short = synthetic.synthetic_participations(500, seed=3)
    long = synthetic.synthetic_participations(800, seed=3)
    first = long.project < 500
    assert np.array_equal(short.organisation, long.organisation[first])
    assert short.kind == tuple(np.array(long.kind)[first])


def test_synthetic_graph_reaches_the_requested_size():
    g, part = synthetic.synthetic_graph(30_000, seed=1)
    assert 30_000 <= g.n_edges <= 30_600  # within the 2 % tolerance
    assert g.n_nodes == len(set(part.organisation.tolist()))


def test_doctests():
    assert doctest.testmod(graph_module, optionflags=doctest.ELLIPSIS).failed == 0
