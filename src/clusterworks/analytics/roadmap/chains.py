"""Technology chains: every maximal path through a roadmap, from a node nothing leads to, to a node
that leads nowhere."""

from __future__ import annotations

import numbers

from .model import InvalidRoadmap, Roadmap, RoadmapError, TooManyChains, _checked

__all__ = ["technology_chains"]


def _limit(limit: object) -> int:
    if isinstance(limit, bool) or not isinstance(limit, numbers.Integral) or limit < 1:
        raise RoadmapError(f"limit must be a whole number of at least 1; got {limit!r}")
    return int(limit)


def _valid_successors(roadmap: Roadmap) -> list[list[int]]:
    issues, successors = _checked(roadmap)
    if issues:
        raise InvalidRoadmap(issues)
    return successors


def _chains(successors: list[list[int]], limit: int) -> list[tuple[int, ...]]:
    """The maximal paths as tuples of node indices, ordered by their sequence of indices."""
    size = len(successors)
    has_parent = [False] * size
    for targets in successors:
        for target in targets:
            has_parent[target] = True
    # Paths from each node to a node without successors, counted before any is listed: a roadmap
    # whose links fan out and in again has exponentially many.
    count = [0] * size
    done = [False] * size
    for root in range(size):
        work = [root]
        while work:
            node = work[-1]
            if done[node]:
                work.pop()
                continue
            pending = [t for t in successors[node] if not done[t]]
            if pending:
                work.extend(pending)
                continue
            count[node] = sum(count[t] for t in successors[node]) if successors[node] else 1
            done[node] = True
            work.pop()
    total = sum(count[node] for node in range(size) if not has_parent[node])
    if total > limit:
        raise TooManyChains(total, limit)
    chains: list[tuple[int, ...]] = []
    for source in range(size):
        if has_parent[source]:
            continue
        path, branch = [source], [0]
        while path:
            node = path[-1]
            if not successors[node]:
                chains.append(tuple(path))
            if branch[-1] < len(successors[node]):
                nxt = successors[node][branch[-1]]
                branch[-1] += 1
                path.append(nxt)
                branch.append(0)
            else:
                path.pop()
                branch.pop()
    return chains


def technology_chains(roadmap: Roadmap, *, limit: int = 10_000) -> tuple[tuple[str, ...], ...]:
    """Every technology chain of a roadmap: the maximal paths along its links.

    A chain starts at a node without incoming links (usually a market need), follows links and ends
    at a node without outgoing links (usually a resource or competence); a node without any link is
    a chain of its own. The roadmap is validated first.

    Parameters
    ----------
    roadmap : Roadmap
        The roadmap.
    limit : int, default 10000
        The largest number of chains returned. The chains are counted first (by dynamic programming
        over the links) and :class:`TooManyChains` is raised, with the count, before any is built.

    Returns
    -------
    tuple of tuple of str
        The chains as node keys, from start to end. Ordered by the positions of their nodes in
        ``roadmap.nodes``: first by the position of the first node, then of the second, and so on.

    Raises
    ------
    InvalidRoadmap
        With every problem, if the roadmap is not valid (see :func:`roadmap_issues`).
    TooManyChains
        If there are more than ``limit`` chains.
    RoadmapError
        If ``limit`` is not a whole number of at least 1.

    References
    ----------
    .. [1] Phaal, R., Farrukh, C. J. P., & Probert, D. R. (2004). Technology roadmapping - A planning
       framework for evolution and revolution. *Technological Forecasting and Social Change*,
       71(1-2), 5-26. https://doi.org/10.1016/S0040-1625(03)00072-6

    Examples
    --------
    >>> from clusterworks.analytics.roadmap import RoadmapNode
    >>> roadmap = Roadmap(
    ...     [RoadmapNode("screening", "market"), RoadmapNode("test-kit", "product"),
    ...      RoadmapNode("biosensor", "technology"), RoadmapNode("microfluidics", "technology")],
    ...     [("screening", "test-kit"), ("test-kit", "biosensor"), ("test-kit", "microfluidics")])
    >>> technology_chains(roadmap)
    (('screening', 'test-kit', 'biosensor'), ('screening', 'test-kit', 'microfluidics'))
    """
    limit = _limit(limit)
    successors = _valid_successors(roadmap)
    keys = [node.key for node in roadmap.nodes]
    return tuple(tuple(keys[i] for i in chain) for chain in _chains(successors, limit))
