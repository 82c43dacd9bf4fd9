"""A technology roadmap as data: nodes in layers, links between them, and every rule they must keep.

:func:`roadmap_issues` checks a :class:`Roadmap` and returns every problem at once;
:func:`validate_roadmap` raises them together in one :class:`InvalidRoadmap`. Cycles are found with
Tarjan's strongly connected components, and one cycle of each component is named node by node.
"""

from __future__ import annotations

import numbers
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ISSUE_KINDS",
    "LAYERS",
    "InvalidRoadmap",
    "Roadmap",
    "RoadmapError",
    "RoadmapIssue",
    "RoadmapLink",
    "RoadmapNode",
    "TooManyChains",
    "roadmap_issues",
    "validate_roadmap",
]

#: The layers of a roadmap, from the need to what it takes: market (needs, demand) -> product or
#: service -> technology -> resources and competences. Links go to the same or a later layer.
LAYERS = ("market", "product", "technology", "resource")

#: The kinds of :class:`RoadmapIssue`, in the order they are reported.
ISSUE_KINDS = (
    "invalid-node",
    "duplicate-key",
    "unknown-layer",
    "dates",
    "trl",
    "invalid-link",
    "unknown-node",
    "self-loop",
    "duplicate-link",
    "backward-link",
    "cycle",
)


class RoadmapError(ValueError):
    """An argument of a roadmap function is not allowed; the message names it and what is allowed."""


@dataclass(frozen=True)
class RoadmapIssue:
    """One problem of a roadmap: its ``kind`` (one of :data:`ISSUE_KINDS`), the keys of the nodes
    concerned (for a cycle, the nodes on it in order), and a message that says what is allowed."""

    kind: str
    nodes: tuple[str, ...]
    message: str

    def __str__(self) -> str:
        return self.message


class InvalidRoadmap(RoadmapError):
    """The roadmap breaks its rules; every problem found is in :attr:`issues` (a tuple of
    :class:`RoadmapIssue`) and in the message, one per line after the first."""

    def __init__(self, issues: Iterable[RoadmapIssue]):
        self.issues = tuple(issues)
        count = len(self.issues)
        super().__init__(
            f"{count} problem(s) in the roadmap:\n" + "\n".join(f"- {i.message}" for i in self.issues)
        )


class TooManyChains(RoadmapError):
    """The roadmap has more chains than the limit allows: ``count`` of them, ``limit`` allowed."""

    def __init__(self, count: int, limit: int):
        self.count, self.limit = count, limit
        super().__init__(
            f"the roadmap has {count} technology chains, more than the limit of {limit}; raise limit, or "
            "split the roadmap (chains multiply where links fan out and in again)"
        )


@dataclass(frozen=True)
class RoadmapNode:
    """A box on the roadmap.

    Parameters
    ----------
    key : str
        Unique name of the node.
    layer : str
        One of :data:`LAYERS`.
    start, end : int or None
        The years the node is planned for (``start <= end``).
    trl : int or None
        Technology readiness level 1..9 (ISO 16290), for technology nodes typically.
    competences : set of str
        Codes of the competences the node needs (from the registry's competence list); any iterable
        is stored as a frozenset.
    """

    key: str
    layer: str
    start: int | None = None
    end: int | None = None
    trl: int | None = None
    competences: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        # A string is left as it is, for roadmap_issues to report; any other iterable becomes a set.
        if not isinstance(self.competences, str | frozenset) and isinstance(self.competences, Iterable):
            object.__setattr__(self, "competences", frozenset(self.competences))


@dataclass(frozen=True)
class RoadmapLink:
    """An arrow from node ``source`` to node ``target`` (keys): the target serves or enables the source
    (market need -> product -> technology -> resource), or follows it in the same layer."""

    source: str
    target: str


@dataclass(frozen=True)
class Roadmap:
    """Nodes and links; a link may also be given as a ``(source, target)`` pair. The order of the
    nodes is kept: it orders chains and results."""

    nodes: tuple[RoadmapNode, ...]
    links: tuple[RoadmapLink, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "nodes", tuple(self.nodes))
        links = tuple(
            RoadmapLink(*link) if isinstance(link, tuple) and len(link) == 2 else link for link in self.links
        )
        object.__setattr__(self, "links", links)


def _year(value: Any) -> bool:
    return value is None or (isinstance(value, numbers.Integral) and not isinstance(value, bool))


def _node_issues(nodes: tuple[Any, ...], issues: list[RoadmapIssue]) -> dict[str, int]:
    """Checks of each node; returns key -> index of its first node."""
    index: dict[str, int] = {}
    for position, node in enumerate(nodes):
        if not isinstance(node, RoadmapNode):
            issues.append(
                RoadmapIssue("invalid-node", (), f"nodes[{position}] is not a RoadmapNode: {node!r}")
            )
            continue
        key = node.key
        if not isinstance(key, str) or not key.strip():
            issues.append(
                RoadmapIssue(
                    "invalid-node", (), f"nodes[{position}] has key {key!r}; allowed: a non-empty string"
                )
            )
            continue
        if key in index:
            issues.append(
                RoadmapIssue(
                    "duplicate-key",
                    (key,),
                    f"node {key!r} appears twice (nodes[{index[key]}] and nodes[{position}])"
                    "; allowed: each key once",
                )
            )
            continue
        index[key] = position
        if node.layer not in LAYERS:
            issues.append(
                RoadmapIssue(
                    "unknown-layer",
                    (key,),
                    f"node {key!r} has layer {node.layer!r}; allowed: {', '.join(LAYERS)}",
                )
            )
        if not _year(node.start) or not _year(node.end):
            issues.append(
                RoadmapIssue(
                    "dates",
                    (key,),
                    f"node {key!r} has start {node.start!r} and end {node.end!r}; allowed: whole years "
                    "or None",
                )
            )
        elif node.start is not None and node.end is not None and node.start > node.end:
            issues.append(
                RoadmapIssue(
                    "dates",
                    (key,),
                    f"node {key!r} starts in {node.start} after it ends in {node.end}; allowed: start <= end",
                )
            )
        trl = node.trl
        if trl is not None and (
            isinstance(trl, bool) or not isinstance(trl, numbers.Integral) or not 1 <= trl <= 9
        ):
            issues.append(
                RoadmapIssue(
                    "trl", (key,), f"node {key!r} has TRL {trl!r}; allowed: a whole number 1..9, or None"
                )
            )
        competences = node.competences
        if not isinstance(competences, frozenset) or not all(isinstance(c, str) and c for c in competences):
            issues.append(
                RoadmapIssue(
                    "invalid-node",
                    (key,),
                    f"node {key!r} has competences {competences!r}; allowed: a set of non-empty codes",
                )
            )
    return index


def _successors(roadmap: Roadmap, index: dict[str, int], issues: list[RoadmapIssue]) -> list[list[int]]:
    """Checks of each link; returns the successors of every node (by index) along the valid links."""
    successors: list[list[int]] = [[] for _ in roadmap.nodes]
    seen: set[tuple[str, str]] = set()
    for position, link in enumerate(roadmap.links):
        if not isinstance(link, RoadmapLink):
            issues.append(
                RoadmapIssue(
                    "invalid-link", (), f"links[{position}] is not a RoadmapLink or a pair: {link!r}"
                )
            )
            continue
        source, target = link.source, link.target
        unknown = [key for key in (source, target) if not isinstance(key, str) or key not in index]
        if unknown:
            issues.append(
                RoadmapIssue(
                    "unknown-node",
                    tuple(key for key in unknown if isinstance(key, str)),
                    f"link {source!r} -> {target!r} names "
                    + " and ".join(f"unknown node {key!r}" for key in dict.fromkeys(unknown))
                    + "; allowed: the keys of the nodes",
                )
            )
            continue
        if source == target:
            issues.append(
                RoadmapIssue("self-loop", (source,), f"link {source!r} -> {target!r} links a node to itself")
            )
            continue
        if (source, target) in seen:
            issues.append(
                RoadmapIssue(
                    "duplicate-link",
                    (source, target),
                    f"link {source!r} -> {target!r} appears twice; allowed: once",
                )
            )
            continue
        seen.add((source, target))
        a, b = index[source], index[target]
        layer_a, layer_b = roadmap.nodes[a].layer, roadmap.nodes[b].layer
        if layer_a in LAYERS and layer_b in LAYERS and LAYERS.index(layer_a) > LAYERS.index(layer_b):
            issues.append(
                RoadmapIssue(
                    "backward-link",
                    (source, target),
                    f"link {source!r} ({layer_a}) -> {target!r} ({layer_b}) goes back to an earlier layer; "
                    f"allowed: links to the same or a later layer ({' -> '.join(LAYERS)})",
                )
            )
        successors[a].append(b)
    for targets in successors:
        targets.sort()
    return successors


def _components(successors: list[list[int]]) -> list[list[int]]:
    """Strongly connected components with more than one node (Tarjan 1972, without recursion)."""
    size = len(successors)
    number, low = [-1] * size, [0] * size
    on_stack = [False] * size
    stack: list[int] = []
    found: list[list[int]] = []
    counter = 0
    for root in range(size):
        if number[root] >= 0:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                number[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack[node] = True
            if child < len(successors[node]):
                work.append((node, child + 1))
                nxt = successors[node][child]
                if number[nxt] < 0:
                    work.append((nxt, 0))
                elif on_stack[nxt]:
                    low[node] = min(low[node], number[nxt])
                continue
            if low[node] == number[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack[member] = False
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return sorted(found)


def _cycle(component: list[int], successors: list[list[int]]) -> list[int]:
    """A shortest cycle through the first node of a strongly connected component (breadth first)."""
    start, members = component[0], set(component)
    previous = {start: start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in successors[node]:
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return path[::-1]
            if nxt in members and nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    raise AssertionError("a strongly connected component always has a cycle")  # pragma: no cover


def _checked(roadmap: Any) -> tuple[list[RoadmapIssue], list[list[int]]]:
    if not isinstance(roadmap, Roadmap):
        raise RoadmapError(f"roadmap must be a Roadmap; got {type(roadmap).__name__}")
    issues: list[RoadmapIssue] = []
    index = _node_issues(roadmap.nodes, issues)
    successors = _successors(roadmap, index, issues)
    for component in _components(successors):
        keys = [roadmap.nodes[i].key for i in _cycle(component, successors)]
        issues.append(
            RoadmapIssue(
                "cycle",
                tuple(keys),
                f"cycle {' -> '.join([*keys, keys[0]])}; allowed: links without cycles (a chain must end)",
            )
        )
    issues.sort(key=lambda issue: ISSUE_KINDS.index(issue.kind))
    return issues, successors


def roadmap_issues(roadmap: Roadmap) -> tuple[RoadmapIssue, ...]:
    """Every problem of a roadmap, grouped by kind in the order of :data:`ISSUE_KINDS`.

    Checked: each node is a :class:`RoadmapNode` with a non-empty, unique key, a layer of
    :data:`LAYERS`, whole years with ``start <= end``, a TRL of 1..9 and a set of competence codes;
    each link is a :class:`RoadmapLink` (or a pair) between two known, different nodes, given once,
    going to the same or a later layer; and the links have no cycle (each cycle is named, node by
    node). An empty tuple means the roadmap is valid.

    Raises
    ------
    RoadmapError
        If ``roadmap`` is not a :class:`Roadmap`.

    References
    ----------
    .. [1] Tarjan, R. (1972). Depth-first search and linear graph algorithms. *SIAM Journal on
       Computing*, 1(2), 146-160. https://doi.org/10.1137/0201010

    Examples
    --------
    >>> roadmap = Roadmap(
    ...     [RoadmapNode("need", "market"), RoadmapNode("a", "technology", trl=12),
    ...      RoadmapNode("b", "technology")],
    ...     [("need", "a"), ("a", "b"), ("b", "a"), ("b", "need")])
    >>> for issue in roadmap_issues(roadmap):
    ...     print(issue.kind, issue.nodes)
    trl ('a',)
    backward-link ('b', 'need')
    cycle ('need', 'a', 'b')
    """
    return tuple(_checked(roadmap)[0])


def validate_roadmap(roadmap: Roadmap) -> Roadmap:
    """The roadmap itself if it is valid; otherwise :class:`InvalidRoadmap` with every problem.

    See :func:`roadmap_issues` for the rules.

    Examples
    --------
    >>> validate_roadmap(Roadmap([RoadmapNode("x", "market", start=2030, end=2027)], [("x", "y")]))
    Traceback (most recent call last):
        ...
    clusterworks.analytics.roadmap.model.InvalidRoadmap: 2 problem(s) in the roadmap:
    - node 'x' starts in 2030 after it ends in 2027; allowed: start <= end
    - link 'x' -> 'y' names unknown node 'y'; allowed: the keys of the nodes
    """
    issues, _ = _checked(roadmap)
    if issues:
        raise InvalidRoadmap(issues)
    return roadmap
