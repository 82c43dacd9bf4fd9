"""Competence gaps of a roadmap, and partners from outside the cluster who could close them."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .chains import _chains, _limit, _valid_successors
from .model import Roadmap, RoadmapError

__all__ = [
    "ChainCoverage",
    "CompetenceCoverage",
    "CoverStep",
    "NodeCoverage",
    "PartnerMatch",
    "PartnerProposal",
    "competence_coverage",
    "propose_partners",
]


@dataclass(frozen=True)
class NodeCoverage:
    """The competences one node needs and who in the cluster holds them.

    ``needed`` and ``missing`` are sorted codes; ``holders`` maps every needed code to the
    organisations holding it (an empty frozenset when nobody does); ``is_gap`` is true when
    something is missing.
    """

    key: str
    layer: str
    needed: tuple[str, ...]
    holders: dict[str, frozenset[str]]
    missing: tuple[str, ...]
    is_gap: bool


@dataclass(frozen=True)
class ChainCoverage:
    """A technology chain (node keys), whether the cluster holds everything it needs (``complete``),
    its gap nodes in chain order, and the sorted codes missing on it."""

    nodes: tuple[str, ...]
    complete: bool
    gap_nodes: tuple[str, ...]
    missing: tuple[str, ...]


@dataclass(frozen=True)
class CompetenceCoverage:
    """Coverage of every node (in the roadmap's order) and chain (as :func:`technology_chains`
    orders them), and every missing code of the roadmap, sorted."""

    nodes: tuple[NodeCoverage, ...]
    chains: tuple[ChainCoverage, ...]
    missing: tuple[str, ...]

    def node(self, key: str) -> NodeCoverage:
        """The coverage of the node ``key``."""
        for item in self.nodes:
            if item.key == key:
                return item
        raise RoadmapError(f"unknown node {key!r}")


@dataclass(frozen=True)
class PartnerMatch:
    """An organisation from outside the cluster, the missing codes it offers (sorted), and its
    preference (from ``prefer``; 0 when not given)."""

    organisation: str
    covers: tuple[str, ...]
    preference: float


@dataclass(frozen=True)
class CoverStep:
    """A partner chosen by the greedy set cover: the codes it adds (not covered by the partners chosen
    before it) and all the missing codes it offers, both sorted."""

    organisation: str
    adds: tuple[str, ...]
    covers: tuple[str, ...]
    preference: float


@dataclass(frozen=True)
class PartnerProposal:
    """The result of :func:`propose_partners`.

    ``missing``: the codes sought, sorted; ``ranked``: the best ``k`` candidates, each offering at
    least one; ``cover``: partners that together offer every code anyone offers, in the order chosen;
    ``covered`` and ``uncoverable``: the codes some candidate offers and those nobody does, sorted.
    """

    missing: tuple[str, ...]
    ranked: tuple[PartnerMatch, ...]
    cover: tuple[CoverStep, ...]
    covered: tuple[str, ...]
    uncoverable: tuple[str, ...]


def _codes(name: str, value: Any) -> frozenset[str]:
    """A set of non-empty strings (competence codes or organisation keys), or a RoadmapError."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise RoadmapError(f"{name} must be a set of codes; got {value!r}")
    codes = frozenset(value)
    for code in codes:
        if not isinstance(code, str) or not code:
            raise RoadmapError(f"{name} must hold non-empty strings; got {code!r}")
    return codes


def _mapping(name: str, value: Any) -> dict[str, frozenset[str]]:
    if not isinstance(value, Mapping):
        raise RoadmapError(f"{name} must be a mapping of key -> set of codes; got {type(value).__name__}")
    result = {}
    for key, codes in value.items():
        if not isinstance(key, str) or not key:
            raise RoadmapError(f"the keys of {name} must be non-empty strings; got {key!r}")
        result[key] = _codes(f"{name}[{key!r}]", codes)
    return result


def competence_coverage(
    roadmap: Roadmap, holders: Mapping[str, Iterable[str]], *, limit: int = 10_000
) -> CompetenceCoverage:
    """Which competences of a roadmap the cluster holds, node by node and chain by chain.

    Parameters
    ----------
    roadmap : Roadmap
        The roadmap; validated first.
    holders : mapping of str to set of str
        Competence code -> keys of the cluster's members that hold it. A code absent from the
        mapping, or held by nobody, is missing.
    limit : int, default 10000
        As for :func:`technology_chains`.

    Returns
    -------
    CompetenceCoverage
        Per node: its needed codes, their holders, the missing ones and whether it is a gap. Per
        chain: whether it is complete (no gap node on it), its gap nodes and missing codes. And all
        missing codes, the input of :func:`propose_partners`.

    Raises
    ------
    InvalidRoadmap, TooManyChains
        As :func:`technology_chains`.
    RoadmapError
        If ``holders`` is not a mapping of non-empty strings to sets of non-empty strings.

    Examples
    --------
    >>> from clusterworks.analytics.roadmap import RoadmapNode
    >>> roadmap = Roadmap(
    ...     [RoadmapNode("kit", "product", competences={"design"}),
    ...      RoadmapNode("sensor", "technology", competences={"chemistry", "optics"})],
    ...     [("kit", "sensor")])
    >>> coverage = competence_coverage(roadmap, {"design": {"medtech-ltd"}, "optics": {"lab"}})
    >>> coverage.missing, coverage.node("sensor").is_gap, coverage.chains[0].gap_nodes
    (('chemistry',), True, ('sensor',))
    """
    limit = _limit(limit)
    held = _mapping("holders", holders)
    successors = _valid_successors(roadmap)
    nodes = []
    for node in roadmap.nodes:
        needed = tuple(sorted(node.competences))
        who = {code: held.get(code, frozenset()) for code in needed}
        missing = tuple(code for code in needed if not who[code])
        nodes.append(NodeCoverage(node.key, node.layer, needed, who, missing, bool(missing)))
    chains = []
    for chain in _chains(successors, limit):
        gaps = [nodes[i] for i in chain if nodes[i].is_gap]
        chains.append(
            ChainCoverage(
                nodes=tuple(nodes[i].key for i in chain),
                complete=not gaps,
                gap_nodes=tuple(item.key for item in gaps),
                missing=tuple(sorted({code for item in gaps for code in item.missing})),
            )
        )
    everything = tuple(sorted({code for item in nodes for code in item.missing}))
    return CompetenceCoverage(tuple(nodes), tuple(chains), everything)


def _preferences(prefer: Any) -> dict[str, float]:
    if prefer is None:
        return {}
    if not isinstance(prefer, Mapping):
        raise RoadmapError(f"prefer must be a mapping organisation -> number; got {type(prefer).__name__}")
    result = {}
    for key, value in prefer.items():
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise RoadmapError(f"prefer[{key!r}] must be a finite number; got {value!r}")
        result[key] = float(value)
    return result


def propose_partners(
    missing: Iterable[str],
    candidates: Mapping[str, Iterable[str]],
    *,
    k: int | None = 5,
    prefer: Mapping[str, float] | None = None,
) -> PartnerProposal:
    """Organisations from outside the cluster that offer the competences it lacks.

    Parameters
    ----------
    missing : set of str
        The competence codes the cluster lacks (e.g. ``competence_coverage(...).missing``).
    candidates : mapping of str to set of str
        Organisation key -> the competence codes it holds (organisations outside the cluster).
    k : int or None, default 5
        How many candidates to rank (at least 1); ``None`` ranks all that offer something.
    prefer : mapping of str to float, optional
        A preference per organisation, higher first, to break ties (e.g. 1 for the same region,
        0 otherwise); organisations not in it get 0.

    Returns
    -------
    PartnerProposal
        ``ranked``: the candidates offering at least one missing code, by the number of missing
        codes they offer, then preference (higher first), then key; at most ``k``. ``cover``: the
        greedy set cover -- repeatedly the candidate adding the most codes not yet covered (ties
        broken the same way) until every code that any candidate offers is covered. Its size is at
        most :math:`H(d) = 1 + 1/2 + \\dots + 1/d` times the smallest possible, d being the most
        codes one candidate offers (Chvátal 1979). ``uncoverable``: codes nobody offers.

    Raises
    ------
    RoadmapError
        If an argument is not of the kind described, or ``k`` is not a whole number of at least 1.

    References
    ----------
    .. [1] Chvátal, V. (1979). A greedy heuristic for the set-covering problem. *Mathematics of
       Operations Research*, 4(3), 233-235. https://doi.org/10.1287/moor.4.3.233
    .. [2] Johnson, D. S. (1974). Approximation algorithms for combinatorial problems. *Journal of
       Computer and System Sciences*, 9(3), 256-278. https://doi.org/10.1016/S0022-0000(74)80044-9

    Examples
    --------
    >>> proposal = propose_partners(
    ...     {"chemistry", "optics", "ai", "cryo"},
    ...     {"lab-a": {"chemistry", "optics"}, "lab-b": {"optics", "ai"}, "lab-c": {"ai"}},
    ...     prefer={"lab-b": 1})
    >>> [(m.organisation, m.covers) for m in proposal.ranked]
    [('lab-b', ('ai', 'optics')), ('lab-a', ('chemistry', 'optics')), ('lab-c', ('ai',))]
    >>> [(step.organisation, step.adds) for step in proposal.cover], proposal.uncoverable
    ([('lab-b', ('ai', 'optics')), ('lab-a', ('chemistry',))], ('cryo',))
    """
    sought = _codes("missing", missing)
    offers = _mapping("candidates", candidates)
    if k is not None and (isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1):
        raise RoadmapError(f"k must be a whole number of at least 1, or None; got {k!r}")
    preference = _preferences(prefer)
    useful = {key: offer & sought for key, offer in offers.items() if offer & sought}
    matches = sorted(
        (PartnerMatch(key, tuple(sorted(codes)), preference.get(key, 0.0)) for key, codes in useful.items()),
        key=lambda match: (-len(match.covers), -match.preference, match.organisation),
    )
    covered = frozenset().union(*useful.values()) if useful else frozenset()
    remaining, cover = set(covered), []
    while remaining:
        key = min(useful, key=lambda key: (-len(useful[key] & remaining), -preference.get(key, 0.0), key))
        adds = useful[key] & remaining
        cover.append(
            CoverStep(key, tuple(sorted(adds)), tuple(sorted(useful[key])), preference.get(key, 0.0))
        )
        remaining -= adds
    return PartnerProposal(
        missing=tuple(sorted(sought)),
        ranked=tuple(matches if k is None else matches[:k]),
        cover=tuple(cover),
        covered=tuple(sorted(covered)),
        uncoverable=tuple(sorted(sought - covered)),
    )
