"""Tests for clusterworks.analytics.roadmap (roadmaps, technology chains, competence gaps, partners).

Where the expected values come from: the small roadmap drawn below, whose chains, gaps and partners
are worked out by hand; a recursive enumeration of paths (:func:`oracle_chains`) on random roadmaps;
and, for the greedy set cover, the smallest cover found by trying every subset of candidates.
"""

from __future__ import annotations

import doctest
import itertools
import random

import pytest

from clusterworks.analytics import roadmap as roadmap_package
from clusterworks.analytics.roadmap import (
    LAYERS,
    InvalidRoadmap,
    Roadmap,
    RoadmapError,
    RoadmapLink,
    RoadmapNode,
    TooManyChains,
    chains,
    competence_coverage,
    competences,
    model,
    propose_partners,
    roadmap_issues,
    technology_chains,
    validate_roadmap,
)


@pytest.mark.parametrize("module", [roadmap_package, model, chains, competences])
def test_doctests(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_the_examples_in_the_methods_page_run():
    from pathlib import Path

    page = Path(__file__).resolve().parents[2] / "docs" / "methods" / "roadmaps.md"
    result = doctest.testfile(str(page), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 4 and result.failed == 0


# ------------------------------------------------------------------------------- the hand-drawn roadmap
#
#  market       [0 need-diagnosis]                 [1 need-homecare]           [9 regulatory-sandbox]
#                  |             |                         |                     (no links at all)
#                  v             v                         v
#  product      [2 test-kit]   [3 lab-service]     [4 remote-monitor]
#                  |      |          |               |             |
#                  |      v          v               |             v
#  technology      |    [6 microfluidics]            |        [7 ai-triage]
#                  |          |                      |             |   (same layer: ai-triage needs
#                  v          |                      v             v    the biosensor's signal)
#  technology   [5 biosensor] <--------------------------------------+
#                             v
#  resource              [8 clean-room]
#
#  Successors by position: 0: 2, 3;  1: 4;  2: 5, 6;  3: 6;  4: 5, 7;  6: 8;  7: 5.
#  Starts (nothing leads to them): 0, 1, 9. Ends (lead nowhere): 5, 8, 9. Chains, depth first in the
#  order of positions:
#    0-2-5, 0-2-6-8, 0-3-6-8, 1-4-5, 1-4-7-5, 9
NODES = [
    RoadmapNode("need-diagnosis", "market", start=2026, end=2030),
    RoadmapNode("need-homecare", "market"),
    RoadmapNode("test-kit", "product", start=2027, end=2029),
    RoadmapNode("lab-service", "product"),
    RoadmapNode("remote-monitor", "product"),
    RoadmapNode("biosensor", "technology", trl=4, competences={"electrochemistry", "surface-chemistry"}),
    RoadmapNode("microfluidics", "technology", trl=6, competences=["microfabrication"]),
    RoadmapNode("ai-triage", "technology", trl=3, competences={"machine-learning", "clinical-data"}),
    RoadmapNode("clean-room", "resource", competences={"microfabrication", "cleanroom-operation"}),
    RoadmapNode("regulatory-sandbox", "market"),
]
LINKS = [
    ("need-diagnosis", "test-kit"),
    ("need-diagnosis", "lab-service"),
    ("need-homecare", "remote-monitor"),
    ("test-kit", "biosensor"),
    ("test-kit", "microfluidics"),
    ("lab-service", "microfluidics"),
    ("remote-monitor", "biosensor"),
    ("remote-monitor", "ai-triage"),
    ("ai-triage", "biosensor"),
    ("microfluidics", "clean-room"),
]
ROADMAP = Roadmap(NODES, LINKS)
CHAINS = (
    ("need-diagnosis", "test-kit", "biosensor"),
    ("need-diagnosis", "test-kit", "microfluidics", "clean-room"),
    ("need-diagnosis", "lab-service", "microfluidics", "clean-room"),
    ("need-homecare", "remote-monitor", "biosensor"),
    ("need-homecare", "remote-monitor", "ai-triage", "biosensor"),
    ("regulatory-sandbox",),
)
# The cluster's members and their competences: nobody holds surface-chemistry (held by an empty set)
# or clinical-data (absent).
HOLDERS = {
    "electrochemistry": {"univ-a"},
    "surface-chemistry": set(),
    "microfabrication": {"institute-b", "company-c"},
    "machine-learning": {"company-d"},
    "cleanroom-operation": {"institute-b"},
}


def test_the_layers_go_from_need_to_resource():
    assert LAYERS == ("market", "product", "technology", "resource")


def test_the_hand_drawn_roadmap_is_valid_and_kept_as_given():
    assert roadmap_issues(ROADMAP) == ()
    assert validate_roadmap(ROADMAP) is ROADMAP
    assert ROADMAP.links[0] == RoadmapLink("need-diagnosis", "test-kit")  # pairs become links
    assert NODES[6].competences == frozenset({"microfabrication"})  # any iterable becomes a set


def test_chains_by_hand():
    assert technology_chains(ROADMAP) == CHAINS


def test_the_order_of_the_nodes_orders_the_chains():
    # With lab-service listed before test-kit, its chain comes first; the chains themselves are the same.
    reordered = Roadmap([NODES[0], NODES[3], NODES[2], *NODES[4:], NODES[1]], LINKS)
    result = technology_chains(reordered)
    assert result[0] == ("need-diagnosis", "lab-service", "microfluidics", "clean-room")
    assert sorted(result) == sorted(CHAINS)
    assert result[-1] == ("need-homecare", "remote-monitor", "ai-triage", "biosensor")


def test_too_many_chains_are_refused_before_they_are_listed():
    # A ladder: 15 rungs of two technology nodes, each linked to both nodes of the next rung. Every
    # chain picks one node per rung: 2^15 = 32,768 chains.
    nodes = [RoadmapNode(f"{side}{i}", "technology") for i in range(15) for side in "ab"]
    links = [(f"{s}{i}", f"{t}{i + 1}") for i in range(14) for s in "ab" for t in "ab"]
    ladder = Roadmap(nodes, links)
    with pytest.raises(TooManyChains) as info:
        technology_chains(ladder)
    assert (info.value.count, info.value.limit) == (32_768, 10_000)
    assert str(info.value).startswith("the roadmap has 32768 technology chains, more than the limit of 10000")
    assert len(technology_chains(ladder, limit=32_768)) == 32_768
    with pytest.raises(RoadmapError, match="limit must be a whole number of at least 1; got 0"):
        technology_chains(ladder, limit=0)


def oracle_chains(nodes, links):
    """Every maximal path by plain recursion from each node without a predecessor."""
    keys = [node.key for node in nodes]
    out = {key: [t for s, t in links if s == key] for key in keys}
    starts = [key for key in keys if not any(t == key for _, t in links)]

    def walk(path):
        nexts = out[path[-1]]
        if not nexts:
            return [tuple(path)]
        return [chain for nxt in nexts for chain in walk([*path, nxt])]

    return sorted(chain for start in starts for chain in walk([start]))


@pytest.mark.parametrize("seed", range(30))
def test_chains_of_random_roadmaps_match_a_recursive_enumeration(seed):
    rng = random.Random(seed)
    nodes = [RoadmapNode(f"n{i}", LAYERS[min(3, i // 3)]) for i in range(rng.randint(2, 12))]
    # Links only from a lower to a higher position: no cycle, and never to an earlier layer.
    links = [(a.key, b.key) for i, a in enumerate(nodes) for b in nodes[i + 1 :] if rng.random() < 0.3]
    assert sorted(technology_chains(Roadmap(nodes, links))) == oracle_chains(nodes, links)


# ------------------------------------------------------------------------------------------ validation


def test_every_problem_is_reported_at_once():
    broken = Roadmap(
        [
            RoadmapNode("need", "market", start=2030, end=2027),
            RoadmapNode("kit", "product", trl=12),
            RoadmapNode("kit", "product"),
            RoadmapNode("chip", "tech"),
            RoadmapNode("sensor", "technology", trl=0, competences="optics"),
            RoadmapNode("", "market"),
            RoadmapNode("year", "market", start="2027"),
            RoadmapNode("fab", "resource", trl=True),
        ],
        [
            ("need", "kit"),
            ("kit", "ghost"),
            ("sensor", "sensor"),
            ("need", "kit"),
            ("fab", "sensor"),
            ("kit", "need"),
            "not a link",
        ],
    )
    with pytest.raises(InvalidRoadmap) as info:
        validate_roadmap(broken)
    issues = info.value.issues
    assert [(issue.kind, issue.nodes) for issue in issues] == [
        ("invalid-node", ("sensor",)),
        ("invalid-node", ()),
        ("duplicate-key", ("kit",)),
        ("unknown-layer", ("chip",)),
        ("dates", ("need",)),
        ("dates", ("year",)),
        ("trl", ("kit",)),
        ("trl", ("sensor",)),
        ("trl", ("fab",)),
        ("invalid-link", ()),
        ("unknown-node", ("ghost",)),
        ("self-loop", ("sensor",)),
        ("duplicate-link", ("need", "kit")),
        ("backward-link", ("fab", "sensor")),
        ("backward-link", ("kit", "need")),
        ("cycle", ("need", "kit")),
    ]
    messages = [issue.message for issue in issues]
    assert messages[0] == "node 'sensor' has competences 'optics'; allowed: a set of non-empty codes"
    assert messages[1] == "nodes[5] has key ''; allowed: a non-empty string"
    assert messages[2] == "node 'kit' appears twice (nodes[1] and nodes[2]); allowed: each key once"
    assert messages[3] == "node 'chip' has layer 'tech'; allowed: market, product, technology, resource"
    assert messages[4] == "node 'need' starts in 2030 after it ends in 2027; allowed: start <= end"
    assert messages[5] == "node 'year' has start '2027' and end None; allowed: whole years or None"
    assert messages[6] == "node 'kit' has TRL 12; allowed: a whole number 1..9, or None"
    assert messages[9] == "links[6] is not a RoadmapLink or a pair: 'not a link'"
    assert messages[10] == "link 'kit' -> 'ghost' names unknown node 'ghost'; allowed: the keys of the nodes"
    assert messages[11] == "link 'sensor' -> 'sensor' links a node to itself"
    assert messages[12] == "link 'need' -> 'kit' appears twice; allowed: once"
    assert messages[13] == (
        "link 'fab' (resource) -> 'sensor' (technology) goes back to an earlier layer; allowed: links to the "
        "same or a later layer (market -> product -> technology -> resource)"
    )
    assert messages[15] == "cycle need -> kit -> need; allowed: links without cycles (a chain must end)"
    assert str(info.value).splitlines()[0] == "16 problem(s) in the roadmap:"
    assert str(info.value).splitlines()[1] == f"- {messages[0]}"
    # The same list without raising, and the functions that need a valid roadmap raise it too.
    assert roadmap_issues(broken) == issues
    with pytest.raises(InvalidRoadmap):
        technology_chains(broken)
    with pytest.raises(InvalidRoadmap):
        competence_coverage(broken, {})


def test_cycles_within_a_layer_are_named_node_by_node():
    # Technology nodes t1 -> t2 -> t3 -> t1 and t4 <-> t5, and t3 -> t4 joining them (a path, not a
    # cycle); plus a harmless t0 -> t1. Two strongly connected components, one cycle named for each,
    # starting at its first node in the roadmap's order, by the shortest way back.
    nodes = [RoadmapNode(f"t{i}", "technology") for i in range(6)]
    links = [("t0", "t1"), ("t1", "t2"), ("t2", "t3"), ("t3", "t1"), ("t3", "t4"), ("t4", "t5"), ("t5", "t4")]
    issues = roadmap_issues(Roadmap(nodes, links))
    assert [(issue.kind, issue.nodes) for issue in issues] == [
        ("cycle", ("t1", "t2", "t3")),
        ("cycle", ("t4", "t5")),
    ]
    assert issues[0].message.startswith("cycle t1 -> t2 -> t3 -> t1;")


def test_a_roadmap_must_be_a_roadmap():
    with pytest.raises(RoadmapError, match="roadmap must be a Roadmap; got list"):
        technology_chains(NODES)


# ------------------------------------------------------------------------------------------- coverage


def test_coverage_by_hand():
    coverage = competence_coverage(ROADMAP, HOLDERS)
    # biosensor needs electrochemistry (univ-a) and surface-chemistry (nobody): a gap.
    biosensor = coverage.node("biosensor")
    assert biosensor.needed == ("electrochemistry", "surface-chemistry")
    assert biosensor.holders == {"electrochemistry": frozenset({"univ-a"}), "surface-chemistry": frozenset()}
    assert biosensor.missing == ("surface-chemistry",) and biosensor.is_gap
    # ai-triage needs machine-learning (company-d) and clinical-data (not in HOLDERS): a gap.
    assert coverage.node("ai-triage").missing == ("clinical-data",)
    # clean-room needs microfabrication (two holders) and cleanroom-operation: covered.
    clean_room = coverage.node("clean-room")
    assert clean_room.holders["microfabrication"] == frozenset({"institute-b", "company-c"})
    assert not clean_room.is_gap and clean_room.missing == ()
    # Nodes needing nothing are not gaps.
    assert not coverage.node("test-kit").is_gap and coverage.node("test-kit").needed == ()
    assert [node.key for node in coverage.nodes if node.is_gap] == ["biosensor", "ai-triage"]
    assert coverage.missing == ("clinical-data", "surface-chemistry")
    # Chains: those through biosensor are incomplete; the one through ai-triage has both gaps.
    assert [(c.nodes, c.complete, c.gap_nodes, c.missing) for c in coverage.chains] == [
        (CHAINS[0], False, ("biosensor",), ("surface-chemistry",)),
        (CHAINS[1], True, (), ()),
        (CHAINS[2], True, (), ()),
        (CHAINS[3], False, ("biosensor",), ("surface-chemistry",)),
        (CHAINS[4], False, ("ai-triage", "biosensor"), ("clinical-data", "surface-chemistry")),
        (CHAINS[5], True, (), ()),
    ]
    with pytest.raises(RoadmapError, match="unknown node 'nowhere'"):
        coverage.node("nowhere")


def test_a_cluster_holding_everything_has_no_gap():
    everything = {code: {"member"} for node in NODES for code in node.competences}
    coverage = competence_coverage(ROADMAP, everything)
    assert coverage.missing == () and all(chain.complete for chain in coverage.chains)


@pytest.mark.parametrize(
    "holders, message",
    [
        ([("optics", "a")], "holders must be a mapping of key -> set of codes; got list"),
        ({"optics": "lab"}, "holders['optics'] must be a set of codes; got 'lab'"),
        ({"optics": {1}}, "holders['optics'] must hold non-empty strings; got 1"),
        ({"": {"lab"}}, "the keys of holders must be non-empty strings; got ''"),
    ],
)
def test_bad_holders_are_named(holders, message):
    with pytest.raises(RoadmapError) as info:
        competence_coverage(ROADMAP, holders)
    assert str(info.value) == message


# ------------------------------------------------------------------------------------------- partners

CANDIDATES = {
    "hospital-x": {"clinical-data", "surgery"},
    "chem-lab": {"surface-chemistry", "electrochemistry"},
    "big-corp": {"surface-chemistry", "clinical-data", "logistics"},
    "small-lab": {"clinical-data"},
    "bakery": {"bread"},
}


def test_partners_by_hand():
    # Missing: the two gaps of the roadmap and cryo-storage, which nobody offers.
    # Offers of missing codes: big-corp 2 (surface-chemistry, clinical-data); hospital-x, chem-lab and
    # small-lab 1 each; bakery 0 (left out). Ties of 1 by preference (small-lab 1, others 0), then key.
    missing = {"surface-chemistry", "clinical-data", "cryo-storage"}
    proposal = propose_partners(missing, CANDIDATES, prefer={"small-lab": 1})
    assert proposal.missing == ("clinical-data", "cryo-storage", "surface-chemistry")
    assert [(m.organisation, m.covers, m.preference) for m in proposal.ranked] == [
        ("big-corp", ("clinical-data", "surface-chemistry"), 0.0),
        ("small-lab", ("clinical-data",), 1.0),
        ("chem-lab", ("surface-chemistry",), 0.0),
        ("hospital-x", ("clinical-data",), 0.0),
    ]
    # big-corp alone offers everything anyone offers.
    assert [(s.organisation, s.adds) for s in proposal.cover] == [
        ("big-corp", ("clinical-data", "surface-chemistry"))
    ]
    assert proposal.covered == ("clinical-data", "surface-chemistry")
    assert proposal.uncoverable == ("cryo-storage",)
    # k limits the ranking, not the cover; None ranks everyone offering something.
    assert [m.organisation for m in propose_partners(missing, CANDIDATES, k=2).ranked] == [
        "big-corp",
        "chem-lab",
    ]
    assert len(propose_partners(missing, CANDIDATES, k=None).ranked) == 4


def test_greedy_cover_can_be_larger_than_the_smallest():
    # Codes 1..6. The smallest cover is {left, right} (1-3 and 4-6); greedy first takes wide (four
    # codes: 1, 2, 4, 5), then needs left for 3 and right for 6: three partners. Chvátal's bound
    # H(4) = 1 + 1/2 + 1/3 + 1/4 = 2.083 allows up to 2.083 * 2 = 4.17.
    offers = {"left": {"1", "2", "3"}, "right": {"4", "5", "6"}, "wide": {"1", "2", "4", "5"}}
    proposal = propose_partners({"1", "2", "3", "4", "5", "6"}, offers)
    assert [(s.organisation, s.adds, s.covers) for s in proposal.cover] == [
        ("wide", ("1", "2", "4", "5"), ("1", "2", "4", "5")),
        ("left", ("3",), ("1", "2", "3")),
        ("right", ("6",), ("4", "5", "6")),
    ]
    assert proposal.uncoverable == ()


def harmonic(n: int) -> float:
    return sum(1 / i for i in range(1, n + 1))


@pytest.mark.parametrize("seed", range(40))
def test_greedy_cover_against_every_subset(seed):
    rng = random.Random(seed)
    universe = [f"c{i}" for i in range(rng.randint(3, 9))]
    missing = set(rng.sample(universe, rng.randint(1, len(universe))))
    candidates = {
        f"org{j}": set(rng.sample(universe, rng.randint(0, len(universe)))) for j in range(rng.randint(1, 8))
    }
    proposal = propose_partners(missing, candidates)
    coverable = set().union(*(offer & missing for offer in candidates.values()))
    # Covers everything coverable; each step adds something new; the adds partition the covered codes.
    chosen = [step.organisation for step in proposal.cover]
    assert set().union(*(candidates[o] & missing for o in chosen)) == coverable
    adds = [code for step in proposal.cover for code in step.adds]
    assert sorted(adds) == sorted(coverable) and all(step.adds for step in proposal.cover)
    assert set(proposal.uncoverable) == missing - coverable
    # The smallest cover, by trying every subset of candidates from the smallest up.
    names = sorted(candidates)
    optimum = next(
        size
        for size in range(len(names) + 1)
        for subset in itertools.combinations(names, size)
        if set().union(*(candidates[o] & missing for o in subset)) == coverable
    )
    largest = max((len(offer & missing) for offer in candidates.values()), default=0)
    assert optimum <= len(chosen) <= harmonic(largest) * optimum + 1e-9


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: propose_partners("optics", {}), "missing must be a set of codes; got 'optics'"),
        (lambda: propose_partners({"a"}, {"x": "a"}), "candidates['x'] must be a set of codes; got 'a'"),
        (
            lambda: propose_partners({"a"}, {"x": {"a"}}, k=0),
            "k must be a whole number of at least 1, or None; got 0",
        ),
        (
            lambda: propose_partners({"a"}, {"x": {"a"}}, prefer={"x": "near"}),
            "prefer['x'] must be a finite number",
        ),
        (
            lambda: propose_partners({"a"}, {"x": {"a"}}, prefer=[1]),
            "prefer must be a mapping organisation -> number",
        ),
    ],
)
def test_bad_partner_arguments_are_named(call, message):
    with pytest.raises(RoadmapError) as info:
        call()
    assert message in str(info.value)


def test_nothing_missing_needs_no_partner():
    proposal = propose_partners(set(), CANDIDATES)
    assert proposal.ranked == () and proposal.cover == () and proposal.uncoverable == ()
