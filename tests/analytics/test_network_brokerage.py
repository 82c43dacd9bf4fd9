"""Gould-Fernandez brokerage roles: by hand, and against a brute-force enumeration of open triads."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from clusterworks.analytics.network.brokerage import ROLES, brokerage
from clusterworks.analytics.network.communities import sectors_of
from clusterworks.analytics.network.graph import GraphError, graph_from_ties, project_graph

from ._network_data import portugal


def brute_force(g, groups) -> dict[str, np.ndarray]:
    """Every path a -> b -> c with a-b and b-c tied, a != c, a-c not tied (both directions of each open
    triad), classified by the groups of a, b, c as Gould and Fernandez define the directed roles."""
    n = g.n_nodes
    adj = [set() for _ in range(n)]
    src, dst, _ = g.edges()
    for a, b in zip(src.tolist(), dst.tolist(), strict=True):
        adj[a].add(b)
        adj[b].add(a)
    out = {r: np.zeros(n, dtype=np.int64) for r in ROLES}
    for b in range(n):
        for a in adj[b]:
            for c in adj[b]:
                if a == c or c in adj[a]:
                    continue
                ga, gb, gc = groups[a], groups[b], groups[c]
                if ga == gb == gc:
                    role = "coordinator"
                elif ga == gc:
                    role = "itinerant"
                elif ga == gb:
                    role = "representative"  # b passes its own group's tie on to an outsider
                elif gb == gc:
                    role = "gatekeeper"  # b lets an outsider into its group
                else:
                    role = "liaison"
                out[role][b] += 1
    return out


def test_star_by_hand():
    # b (U) tied to a1 (U), a2 (U), x (B), y (G); no other ties. Open pairs of b: C(4, 2) = 6:
    # {a1, a2} coordinator; {a1, x}, {a1, y}, {a2, x}, {a2, y} mixed (b shares U with one end);
    # {x, y} liaison (B, G, neither U). Ordered paths: coordinator 2, representative 4, gatekeeper 4,
    # itinerant 0, liaison 2; total 12 = 2 x 6.
    g = graph_from_ties(["b", "a1", "a2", "x", "y"], [("b", "a1"), ("b", "a2"), ("b", "x"), ("b", "y")])
    r = brokerage(g, ["U", "U", "U", "B", "G"])
    assert [int(r.role(k)[0]) for k in ROLES] == [2, 0, 4, 4, 2]
    assert r.total[0] == 12 and r.mixed[0] == 4
    assert r.total[1:].tolist() == [0, 0, 0, 0]  # leaves broker nothing
    # adding the tie a1-a2 closes the coordinator pair
    closed = graph_from_ties(
        ["b", "a1", "a2", "x", "y"], [("b", "a1"), ("b", "a2"), ("b", "x"), ("b", "y"), ("a1", "a2")]
    )
    assert brokerage(closed, ["U", "U", "U", "B", "G"]).coordinator[0] == 0


def test_itinerant_by_hand():
    # a business (b) between two universities that do not work together: itinerant both ways
    g = graph_from_ties(["u1", "b", "u2"], [("u1", "b"), ("b", "u2")])
    r = brokerage(g, ["U", "B", "U"])
    assert r.itinerant.tolist() == [0, 2, 0] and r.total.tolist() == [0, 2, 0]


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_random_graphs_match_brute_force(seed):
    G0 = nx.gnm_random_graph(60, 240, seed=seed)
    g = graph_from_ties(range(60), list(G0.edges()))
    groups = np.random.default_rng(seed).choice(["U", "R", "B", "G"], size=60).tolist()
    got = brokerage(g, groups)
    expected = brute_force(g, groups)
    for role in ROLES:
        assert np.array_equal(got.role(role), expected[role]), role
    assert got.total.sum() > 0


def test_h2020_portugal_sectors_match_brute_force():
    g = project_graph(portugal())
    sectors = sectors_of(g.kind)
    got = brokerage(g, sectors)
    expected = brute_force(g, sectors)
    for role in ROLES:
        assert np.array_equal(got.role(role), expected[role]), role
    # every role occurs in this network
    assert all(got.role(r).sum() > 0 for r in ROLES)
    # the default groups are the activity types (five of them here, like the sectors one to one)
    assert np.array_equal(brokerage(g).total, got.total)


def test_expected_counts_by_hand():
    # 6 nodes: groups U, U, U, B, B, G; n = 6, (n-1)(n-2) = 20. The broker is node 0 (U, N_i = 3) on a
    # star with every other node: total ordered paths = 5 * 4 = 20.
    g = graph_from_ties(range(6), [(0, k) for k in range(1, 6)])
    r = brokerage(g, ["U", "U", "U", "B", "B", "G"])
    assert r.total[0] == 20
    # coordinator (N_i-1)(N_i-2)/20 = 2/20; itinerant sum_{j != i} N_j(N_j-1) = 2 + 0 = 2 -> 2/20;
    # representative (N_i - 1)(n - N_i) = 2 * 3 = 6 -> 6/20; liaison sum_{j != i} N_j (n - N_i - N_j) =
    # 2 * 1 + 1 * 2 = 4 -> 4/20. The five probabilities add to (2 + 2 + 6 + 6 + 4)/20 = 1.
    expected = {r_: r.expected(r_)[0] for r_ in ROLES}
    assert expected == pytest.approx(
        {"coordinator": 2.0, "itinerant": 2.0, "representative": 6.0, "gatekeeper": 6.0, "liaison": 4.0}
    )
    # observed on the star: a pair of the other U's: 2 ordered; mixed: 2 U x 3 non-U = 6 each way;
    # itinerant (both B) 2; liaison (B, G) 2 x 2 = 4
    assert [int(r.role(k)[0]) for k in ROLES] == [2, 2, 6, 6, 4]


def test_bad_groups():
    g = graph_from_ties(range(3), [(0, 1)])
    with pytest.raises(GraphError, match="groups needs one label per node \\(3\\); got 2"):
        brokerage(g, ["a", "b"])
    with pytest.raises(GraphError, match="unknown brokerage role 'broker'"):
        brokerage(g, ["a", "b", "c"]).role("broker")
