"""The whole analysis, ``analysis.analyse``: its options for large graphs (sampled sources, closeness
for the best-connected organisations only, Leiden passes, helices, which centralities) and its progress
steps, against hand computation, networkx and the functions each option is passed to."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from clusterworks.analytics.network import analysis as analysis_module
from clusterworks.analytics.network.analysis import AUTO_SAMPLE, EXACT_UP_TO, STEPS, analyse
from clusterworks.analytics.network.brokerage import ROLES
from clusterworks.analytics.network.communities import leiden, sectors_of, triple_helix_mix
from clusterworks.analytics.network.graph import graph_from_ties, project_graph
from clusterworks.analytics.network.measures import CENTRALITIES, betweenness, centralities
from clusterworks.analytics.network.synthetic import synthetic_participations


@pytest.fixture(scope="module")
def path():
    """a - b - c - d - e, every tie weight 1 (so distances are hops)."""
    names = ["a", "b", "c", "d", "e"]
    return graph_from_ties(
        names, list(zip(names, names[1:], strict=False)), kinds=["HES", "PRC", "PUB", "REC", "PRC"]
    )


@pytest.fixture(scope="module")
def synthetic():
    return project_graph(synthetic_participations(60, seed=1))


def test_closeness_top_measures_only_the_best_connected(path):
    result = analyse(path, sample=None, closeness_top=2)
    close = result.measures["closeness"]
    # degrees 1, 2, 2, 2, 1: the two with most partners, ties by node number, are b and c.
    # By hand: b's distances 1+1+2+3 = 7 -> 4/7; c's 1+1+2+2 = 6 -> 4/6.
    assert close[1] == pytest.approx(4 / 7) and close[2] == pytest.approx(4 / 6)
    assert np.isnan(close[[0, 3, 4]]).all()
    # harmonic centrality likewise, networkx's harmonic_centrality / (n - 1) as oracle
    oracle = nx.harmonic_centrality(nx.path_graph(5))
    assert result.measures["harmonic"][1] == pytest.approx(oracle[1] / 4)
    assert np.isnan(result.measures["harmonic"][[0, 3, 4]]).all()
    assert result.closeness_nodes == 2


def test_closeness_top_above_the_size_is_every_organisation(path):
    result = analyse(path, sample=None, closeness_top=50)
    oracle = nx.closeness_centrality(nx.path_graph(5))  # connected: Wasserman-Faust is plain closeness
    assert result.measures["closeness"] == pytest.approx([oracle[k] for k in range(5)])
    assert result.closeness_nodes == 5


def test_sampled_analysis_is_the_centralities_function(synthetic):
    """analyse() runs the centralities step by step; the numbers are those of centralities(sample=k)."""
    result = analyse(synthetic, sample=20, seed=3)
    expected = centralities(synthetic, sample=20, seed=3)
    assert list(result.measures) == list(CENTRALITIES)
    for name in CENTRALITIES:
        np.testing.assert_allclose(result.measures[name], expected[name], rtol=1e-12, atol=1e-15)
    assert result.sample == 20 and result.closeness_nodes == synthetic.n_nodes
    assert result.summary()["centrality_sample"] == 20


def test_web_rule_sampled_betweenness_and_top_closeness(synthetic):
    n = synthetic.n_nodes
    result = analyse(
        synthetic,
        sample=25,
        closeness_top=10,
        measures=("degree", "strength", "betweenness", "eigenvector", "pagerank", "closeness"),
        leiden_iterations=-1,
    )
    assert "harmonic" not in result.measures
    np.testing.assert_array_equal(result.measures["betweenness"], betweenness(synthetic, sample=25, seed=0))
    assert int(np.isfinite(result.measures["closeness"]).sum()) == 10 == result.closeness_nodes
    exact = centralities(synthetic, measures=("closeness",))["closeness"]
    top = np.lexsort((np.arange(n), -synthetic.degree))[:10]
    np.testing.assert_allclose(result.measures["closeness"][top], exact[top], rtol=1e-12)
    np.testing.assert_array_equal(
        result.communities.membership, leiden(synthetic, seed=0, n_iterations=-1).membership
    )
    # cohesion reuses the same partition: its modularity and communities of two or more
    assert result.cohesion.modularity == result.communities.modularity
    assert result.cohesion.communities == int((result.communities.sizes >= 2).sum())


def test_auto_is_exact_on_a_small_graph(path):
    assert analyse(path).sample is None  # 5 organisations <= EXACT_UP_TO


def test_auto_samples_just_above_the_one_threshold(synthetic, monkeypatch):
    n = synthetic.n_nodes
    monkeypatch.setattr(analysis_module, "AUTO_SAMPLE", 20)
    monkeypatch.setattr(analysis_module, "EXACT_UP_TO", n)
    assert analyse(synthetic, measures=["betweenness"]).sample is None  # n organisations: exact
    monkeypatch.setattr(analysis_module, "EXACT_UP_TO", n - 1)
    above = analyse(synthetic, measures=["betweenness"], seed=3)
    assert above.sample == 20
    # the estimate is the one an explicit sample of 20 gives (the same seeded sources)
    assert above.measures["betweenness"].tobytes() == betweenness(synthetic, sample=20, seed=3).tobytes()


def test_cli_help_states_the_library_threshold():
    from clusterworks.cli.network import measures

    (option,) = [p for p in measures.params if p.name == "sample"]
    # the CLI imports the library lazily, so its help repeats the numbers: they must be the constants'
    assert f"exact up to {EXACT_UP_TO:,} organisations and samples {AUTO_SAMPLE} above" in option.help


def test_helices_and_sectors_are_passed_on(synthetic):
    helices = {"university": ("HES",), "industry": ("PRC", "REC"), "government": ("PUB", "OTH")}
    result = analyse(synthetic, helices=helices)
    oracle = triple_helix_mix(synthetic, sectors_of(synthetic.kind), helices=helices)
    assert result.helix.mutual_information == pytest.approx(oracle.mutual_information)
    default = analyse(synthetic)
    # the helices change only the mutual information (a different grouping of the same projects)
    assert default.helix.within == result.helix.within
    assert not math.isclose(default.helix.mutual_information, result.helix.mutual_information)


def test_values_are_every_column_as_floats(path):
    result = analyse(path, sample=None)
    values = result.values()
    assert set(values) == {
        *CENTRALITIES,
        "constraint",
        "effective_size",
        *ROLES,
        "brokerage",
        "community",
        "coreness",
        "kcore",
        "core",
    }
    assert all(v.dtype == np.float64 and v.shape == (5,) for v in values.values())
    total = sum(values[role] for role in ROLES)
    np.testing.assert_array_equal(values["brokerage"], total)
    # on a path the middle three each broker one open pair (their two neighbours), and the total is
    # twice the open pairs (each undirected pair read both ways, brokerage.py's convention)
    assert values["brokerage"].tolist() == [0, 2, 2, 2, 0]


def test_progress_names_every_step(path):
    seen = []
    analyse(path, progress=lambda done, total, step: seen.append((done, total, step)))
    assert seen == [(k, len(STEPS), s) for k, s in enumerate(STEPS)] + [(len(STEPS), len(STEPS), "done")]


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"sample": 0}, "sample is 0"),
        ({"sample": True}, "sample is True"),
        ({"closeness_top": 0}, "closeness_top is 0"),
        ({"measures": ("degree", "fame")}, "fame"),
        ({"path_sample": -1}, "path_sample is -1"),
    ],
)
def test_bad_options_are_named(path, options, named):
    with pytest.raises(ValueError, match=named):
        analyse(path, **options)


def test_empty_graph():
    result = analyse(graph_from_ties([], []), closeness_top=3)
    assert result.closeness_nodes == 0 and result.rows() == []
    assert result.summary()["n_nodes"] == 0
