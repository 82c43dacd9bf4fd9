"""The collaboration graph: organisations tied by the projects (and agreements, memberships, ...)
they share, with weights by number and recency, the year each tie began, and the bipartite
project x organisation incidence kept for bipartite measures.

:func:`project_graph` projects participation rows ([1]_ for the weighting); :func:`graph_from_ties`
builds a graph from ties that do not come from projects (agreements, cluster memberships,
co-applications); :func:`combine` unites graphs with summed weights; :func:`bipartite_summary`
describes the bipartite graph itself. The method: ``docs/methods/network.md``. This module never
imports Django.

References
----------
.. [1] M. E. J. Newman, "Scientific collaboration networks. II. Shortest paths, weighted networks, and
   centrality", *Physical Review E* 64 (2001) 016132. :doi:`10.1103/PhysRevE.64.016132`

Examples
--------
Three organisations in project P1, two of them again in P2 (one year later), one alone in P3:

>>> from clusterworks.analytics.network.participations import Participations
>>> part = Participations.from_rows([
...     ("P1", "a", 2015), ("P1", "b", 2015), ("P1", "c", 2015),
...     ("P2", "a", 2016), ("P2", "b", 2016),
...     ("P3", "d", 2016),
... ])
>>> g = project_graph(part)
>>> g.names, g.n_nodes, g.n_edges
(('a', 'b', 'c', 'd'), 4, 3)
>>> g.weight("a", "b"), g.weight("a", "c"), g.tie_first_year("a", "b")
(2.0, 1.0, 2015)

With Newman's weighting a three-partner project adds 1/(3-1) = 0.5 to each of its ties, a
two-partner one adds 1/(2-1) = 1: a-b = 0.5 + 1 = 1.5.

>>> project_graph(part, weighting="newman").weight("a", "b")
1.5
"""

from __future__ import annotations

import random
import threading
from collections.abc import Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from .participations import Participations

if TYPE_CHECKING:  # pragma: no cover
    import igraph

__all__ = [
    "UNKNOWN_YEAR",
    "WEIGHTINGS",
    "BipartiteSummary",
    "CollaborationGraph",
    "GraphError",
    "bipartite_summary",
    "combine",
    "graph_from_ties",
    "project_graph",
    "seeded_igraph",
]

#: The projection weightings :func:`project_graph` accepts.
WEIGHTINGS = ("count", "newman")
#: ``first_year`` of a tie whose start is not known (ties from :func:`graph_from_ties` without years).
UNKNOWN_YEAR = -1


_IGRAPH_RANDOM_LOCK = threading.Lock()


@contextmanager
def seeded_igraph(seed: int = 0) -> Iterator[None]:
    """Let igraph draw its random numbers from ``random.Random(seed)`` inside the block.

    igraph's generator is by default Python's global ``random`` module, from which its randomised
    algorithms draw (Leiden's node order, the layout's moves): without a seed two runs differ and
    depend on whatever else used ``random``. The global state is left untouched. python-igraph cannot
    report the generator in use, so the block ends by restoring its default, the ``random`` module;
    the generator is process-wide, so the block holds a lock (one seeded igraph call at a time).
    """
    import igraph

    with _IGRAPH_RANDOM_LOCK:
        igraph.set_random_number_generator(random.Random(seed))
        try:
            yield
        finally:
            igraph.set_random_number_generator(random)


class GraphError(ValueError):
    """An argument of a network function is not allowed; the message names it and what is allowed."""


def _sym_csr(n: int, i: np.ndarray, j: np.ndarray, data: np.ndarray, dtype) -> sp.csr_matrix:
    """The symmetric n x n CSR matrix with ``data`` at (i, j) and (j, i); i < j, no duplicates.

    Two matrices built from the same (i, j) have the same indptr/indices, so their ``data`` arrays
    align entry by entry (``weights`` and ``first_year`` rely on it).
    """
    rows = np.concatenate([i, j]).astype(np.int64, copy=False)
    cols = np.concatenate([j, i]).astype(np.int64, copy=False)
    vals = np.concatenate([data, data]).astype(dtype, copy=False)
    m = sp.csr_matrix((vals, (rows, cols)), shape=(n, n))
    m.sort_indices()
    return m


def _empty_incidence(n: int) -> sp.csr_matrix:
    return sp.csr_matrix((0, n), dtype=np.float64)


@dataclass(frozen=True, eq=False)
class CollaborationGraph:
    """An undirected weighted graph of organisations.

    Attributes
    ----------
    names : tuple of str
        Node labels (organisation ids), node ``k`` is ``names[k]``; unique.
    kind, country : tuple of str
        Each node's activity type (HES, REC, PRC, PUB, OTH, or ``""``) and country (``""`` if unknown).
    weights : scipy.sparse.csr_matrix
        ``n x n``, ``float64``, symmetric, zero diagonal, canonical (sorted indices, no duplicates, no
        explicit zeros): ``weights[a, b] > 0`` is the weight of the tie a-b.
    first_year : scipy.sparse.csr_matrix
        ``n x n``, ``int32``, the same sparsity pattern as ``weights`` (``first_year.data[k]`` belongs to
        ``weights.data[k]``): the year the two organisations first worked together, or
        :data:`UNKNOWN_YEAR` (-1).
    incidence : scipy.sparse.csr_matrix
        ``projects x n``, ``float64`` 0/1: which organisation took part in which project (no rows for
        graphs of ties not from projects).
    projects : tuple of str
        The labels of the rows of ``incidence``.
    project_year : numpy.ndarray
        ``int32``, the year of each project (its earliest row).
    weighting : str
        How the weights were made: ``"count"``, ``"newman"``, ``"ties"`` (:func:`graph_from_ties`) or
        ``"combined"``; with ``"+recency"`` when a half-life applied.
    """

    names: tuple[str, ...]
    kind: tuple[str, ...]
    country: tuple[str, ...]
    weights: sp.csr_matrix
    first_year: sp.csr_matrix
    incidence: sp.csr_matrix
    projects: tuple[str, ...] = ()
    project_year: np.ndarray = None  # type: ignore[assignment]
    weighting: str = "count"

    def __post_init__(self) -> None:
        n = len(self.names)
        if self.weights.shape != (n, n) or self.first_year.shape != (n, n):
            raise GraphError(
                f"weights and first_year must be {n} x {n} (one row per name); "
                f"got {self.weights.shape} and {self.first_year.shape}"
            )
        if len(self.kind) != n or len(self.country) != n:
            raise GraphError(
                f"kind and country need one value per node ({n}); got {len(self.kind)}, {len(self.country)}"
            )
        if self.incidence.shape[1] != n:
            raise GraphError(f"incidence must have one column per node ({n}); got {self.incidence.shape[1]}")
        if self.project_year is None:
            object.__setattr__(self, "project_year", np.zeros(self.incidence.shape[0], dtype=np.int32))

    # ----------------------------------------------------------------- size and lookup
    @property
    def n_nodes(self) -> int:
        return len(self.names)

    @property
    def n_edges(self) -> int:
        """Number of ties (each undirected tie once)."""
        return int(self.weights.nnz // 2)

    @cached_property
    def index(self) -> dict[str, int]:
        """``{name: node}``."""
        return {name: k for k, name in enumerate(self.names)}

    def node(self, node: int | str) -> int:
        """The node number of ``node`` (a node number or a name)."""
        if isinstance(node, (int, np.integer)) and not isinstance(node, bool):
            if not 0 <= node < self.n_nodes:
                raise GraphError(f"node {node} is out of range: allowed 0..{self.n_nodes - 1}")
            return int(node)
        try:
            return self.index[str(node)]
        except KeyError:
            raise GraphError(f"unknown organisation {node!r}: not a node of this graph") from None

    def nodes_of(self, nodes: Iterable[int | str]) -> np.ndarray:
        """Node numbers of ``nodes`` (numbers or names), in the order given."""
        return np.array([self.node(v) for v in nodes], dtype=np.int64)

    def weight(self, a: int | str, b: int | str) -> float:
        """The weight of the tie a-b (0 if none)."""
        return float(self.weights[self.node(a), self.node(b)])

    def tie_first_year(self, a: int | str, b: int | str) -> int | None:
        """The year a and b first worked together; None if they have no tie, -1 if not known."""
        i, j = self.node(a), self.node(b)
        lo, hi = self.weights.indptr[i], self.weights.indptr[i + 1]
        k = np.searchsorted(self.weights.indices[lo:hi], j)
        if k < hi - lo and self.weights.indices[lo + k] == j:
            return int(self.first_year.data[lo + k])
        return None

    # ----------------------------------------------------------------- edge views
    @cached_property
    def _edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        upper = sp.triu(self.weights, k=1, format="coo")
        years = sp.triu(self.first_year, k=1, format="csr")
        # triu keeps the canonical (row, col) order of a sorted CSR, so both lists align.
        src = upper.row.astype(np.int64)
        dst = upper.col.astype(np.int64)
        order = np.lexsort((dst, src))
        src, dst, w = src[order], dst[order], upper.data[order]
        y_coo = years.tocoo()
        y_order = np.lexsort((y_coo.col, y_coo.row))
        yrs = y_coo.data[y_order].astype(np.int32)
        for arr in (src, dst, w, yrs):
            arr.setflags(write=False)
        return src, dst, w, yrs

    def edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The ties once each, as ``(source, target, weight)`` arrays with ``source < target``, sorted by
        source then target (the edge order of :meth:`to_igraph`)."""
        src, dst, w, _ = self._edges
        return src, dst, w

    def edge_first_year(self) -> np.ndarray:
        """The first year of each tie, aligned with :meth:`edges`."""
        return self._edges[3]

    @cached_property
    def strength(self) -> np.ndarray:
        """Each node's total tie weight."""
        return np.asarray(self.weights.sum(axis=1)).ravel()

    @cached_property
    def degree(self) -> np.ndarray:
        """Each node's number of partners."""
        return np.diff(self.weights.indptr).astype(np.int64)

    # ----------------------------------------------------------------- igraph
    @cached_property
    def _igraph(self) -> igraph.Graph:
        import igraph as ig

        src, dst, w = self.edges()
        g = ig.Graph(n=self.n_nodes, edges=np.column_stack([src, dst]).tolist(), directed=False)
        g.es["weight"] = w.tolist()
        g.vs["name"] = list(self.names)
        g.vs["kind"] = list(self.kind)
        g.vs["country"] = list(self.country)
        return g

    def to_igraph(self) -> igraph.Graph:
        """The graph as an undirected :class:`igraph.Graph` (edge attribute ``weight``; vertex attributes
        ``name``, ``kind``, ``country``), edges in the order of :meth:`edges`.

        Built once and cached: do not modify it (copy it first, ``g.to_igraph().copy()``).
        """
        return self._igraph

    # ----------------------------------------------------------------- parts
    def subgraph(self, nodes: Iterable[int | str]) -> CollaborationGraph:
        """The graph induced by ``nodes`` (numbers or names; kept in ascending node order); the incidence
        keeps the projects with at least one of them."""
        keep = np.unique(self.nodes_of(nodes))
        w = self.weights[keep][:, keep].tocsr()
        fy = self.first_year[keep][:, keep].tocsr()
        w.sort_indices()
        fy.sort_indices()
        inc = self.incidence[:, keep].tocsr()
        rows = np.flatnonzero(np.diff(inc.indptr) > 0)
        return CollaborationGraph(
            names=tuple(self.names[k] for k in keep.tolist()),
            kind=tuple(self.kind[k] for k in keep.tolist()),
            country=tuple(self.country[k] for k in keep.tolist()),
            weights=w,
            first_year=fy,
            incidence=inc[rows],
            projects=tuple(self.projects[r] for r in rows.tolist()) if self.projects else (),
            project_year=self.project_year[rows],
            weighting=self.weighting,
        )

    def ego(self, node: int | str, order: int = 1) -> CollaborationGraph:
        """The ego network of ``node``: it, the organisations within ``order`` ties of it, and the ties
        among them."""
        if order < 0:
            raise GraphError(f"order must be 0 or more; got {order}")
        start = self.node(node)
        seen = np.zeros(self.n_nodes, dtype=bool)
        seen[start] = True
        frontier = np.array([start])
        pattern = self.weights
        for _ in range(order):
            if frontier.size == 0:
                break
            nxt = np.unique(pattern[frontier].indices)
            nxt = nxt[~seen[nxt]]
            seen[nxt] = True
            frontier = nxt
        return self.subgraph(np.flatnonzero(seen))

    def largest_component(self) -> CollaborationGraph:
        """The subgraph of the largest connected component (ties of any weight)."""
        if self.n_nodes == 0:
            return self
        _, labels = sp.csgraph.connected_components(self.weights, directed=False)
        biggest = np.argmax(np.bincount(labels))
        return self.subgraph(np.flatnonzero(labels == biggest))


# --------------------------------------------------------------------------- builders
def _incidence(part: Participations) -> tuple[sp.csr_matrix, np.ndarray]:
    """Projects x organisations 0/1 (duplicated rows count once) and each project's earliest year."""
    n_p, n_o = part.n_projects, part.n_organisations
    b = sp.csr_matrix(
        (
            np.ones(len(part), dtype=np.float64),
            (part.project.astype(np.int64), part.organisation.astype(np.int64)),
        ),
        shape=(n_p, n_o),
    )
    b.sum_duplicates()
    b.data[:] = 1.0
    year = np.full(n_p, np.iinfo(np.int32).max, dtype=np.int64)
    np.minimum.at(year, part.project.astype(np.int64), part.year.astype(np.int64))
    year[year == np.iinfo(np.int32).max] = UNKNOWN_YEAR
    return b, year.astype(np.int32)


def _tie_first_years(b: sp.csr_matrix, project_year: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """For every pair with a shared project (i < j), the earliest year of a shared project.

    One sparse product per distinct year (there are few); the first year a pair appears wins.
    Returns sorted pair keys ``i * n + j`` and their years.
    """
    keys: list[np.ndarray] = []
    years: list[np.ndarray] = []
    sizes = np.diff(b.indptr)
    for y in np.unique(project_year[sizes > 1]):
        rows = np.flatnonzero((project_year == y) & (sizes > 1))
        by = b[rows]
        pairs = sp.triu(by.T @ by, k=1, format="coo")
        keys.append(pairs.row.astype(np.int64) * n + pairs.col.astype(np.int64))
        years.append(np.full(pairs.nnz, y, dtype=np.int32))
    if not keys:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
    all_keys = np.concatenate(keys)
    all_years = np.concatenate(years)
    uniq, first = np.unique(all_keys, return_index=True)  # first occurrence = earliest year
    return uniq, all_years[first]


def project_graph(
    part: Participations,
    *,
    weighting: str = "count",
    half_life: float | None = None,
    at_year: int | None = None,
    min_weight: float = 0.0,
    nodes: str = "active",
) -> CollaborationGraph:
    """Project participation rows onto organisations: two organisations are tied when they share a
    project.

    The tie weight is a sum over the projects ``p`` both took part in,

    .. math:: w_{ab} = \\sum_{p \\ni a, b} c_p \\, r_p,

    with ``c_p = 1`` (``weighting="count"``: the number of shared projects) or ``c_p = 1/(n_p - 1)``
    (``weighting="newman"``, [1]_: each organisation spreads one unit of tie over its ``n_p - 1``
    partners in ``p``), and the recency factor ``r_p = 0.5 ** ((at_year - year_p) / half_life)`` (1
    without a half-life). In matrix form ``W = B^T diag(c r) B`` with the diagonal set to zero, where
    ``B`` is the 0/1 project x organisation incidence. A project with one organisation adds no tie;
    duplicated (project, organisation) rows count once; a project's year is its earliest row's.

    Parameters
    ----------
    part : Participations
        The rows.
    weighting : {"count", "newman"}
    half_life : float, optional
        Years after which a project's contribution halves; None: no decay.
    at_year : int, optional
        The year recency is measured from; default the last project year + 1. No project may be later
        (select the rows first: ``part.select(part.year <= at_year)``).
    min_weight : float
        Keep ties whose weight is at least this (default 0: all).
    nodes : {"active", "all"}
        ``"active"``: the organisations that have a row in ``part`` (default); ``"all"``: every
        organisation of ``part.organisation_ids`` (node k is organisation code k, handy to compare time
        splits made with :meth:`Participations.select`).
    """
    if weighting not in WEIGHTINGS:
        raise GraphError(f"weighting must be one of {', '.join(WEIGHTINGS)}; got {weighting!r}")
    if nodes not in ("active", "all"):
        raise GraphError(f"nodes must be 'active' or 'all'; got {nodes!r}")
    if half_life is not None and not (np.isfinite(half_life) and half_life > 0):
        raise GraphError(f"half_life must be a positive number of years or None; got {half_life!r}")
    if not np.isfinite(min_weight) or min_weight < 0:
        raise GraphError(f"min_weight must be a finite number >= 0; got {min_weight!r}")

    b, project_year = _incidence(part)
    sizes = np.diff(b.indptr).astype(np.float64)
    if weighting == "count":
        coef = np.ones(b.shape[0])
    else:
        coef = np.zeros(b.shape[0])
        np.divide(1.0, sizes - 1.0, out=coef, where=sizes > 1)
    label = weighting
    if half_life is not None and b.shape[0]:
        used = sizes > 0
        last = int(project_year[used].max()) if used.any() else 0
        ref = last + 1 if at_year is None else int(at_year)
        if used.any() and last > ref:
            raise GraphError(
                f"at_year {ref} is before the last project year {last}: select the rows up to at_year first "
                "(part.select(part.year <= at_year))"
            )
        coef = coef * 0.5 ** ((ref - project_year.astype(np.float64)) / float(half_life))
        label += "+recency"
    elif at_year is not None and half_life is None:
        raise GraphError("at_year only applies with a half_life; give half_life or leave at_year out")

    # Keep only projects that can make ties; the incidence keeps all.
    multi = np.flatnonzero(sizes > 1)
    bm = b[multi]
    scaled = sp.diags(coef[multi]) @ bm
    n_all = part.n_organisations
    upper = sp.triu(scaled.T.tocsr() @ bm, k=1, format="coo")
    keys_w = upper.row.astype(np.int64) * n_all + upper.col.astype(np.int64)
    order = np.argsort(keys_w, kind="stable")
    keys_w, w_sorted = keys_w[order], upper.data[order]
    keys, yrs = _tie_first_years(b, project_year, n_all)
    # The product may drop or keep explicit zeros (a contribution underflowing to 0): align on the pattern
    # of shared projects and give missing entries weight 0.
    w = np.zeros(keys.size)
    pos = np.searchsorted(keys, keys_w)
    w[pos] = w_sorted
    keep = w >= min_weight if min_weight > 0 else w > 0
    keys, w, yrs = keys[keep], w[keep], yrs[keep]
    i, j = keys // n_all, keys % n_all

    kinds = part.organisation_kind
    countries = part.organisation_country
    if nodes == "all":
        node_ids = np.arange(n_all)
    else:
        node_ids = np.flatnonzero(np.bincount(part.organisation.astype(np.int64), minlength=n_all) > 0)
    remap = np.full(n_all, -1, dtype=np.int64)
    remap[node_ids] = np.arange(node_ids.size)
    n = node_ids.size
    i, j = remap[i], remap[j]
    picks = node_ids.tolist()
    inc = b[:, node_ids].tocsr()
    prow = np.flatnonzero(np.diff(inc.indptr) > 0)
    return CollaborationGraph(
        names=tuple(part.organisation_ids[k] for k in picks),
        kind=tuple(kinds[k] for k in picks),
        country=tuple(countries[k] for k in picks),
        weights=_sym_csr(n, i, j, w, np.float64),
        first_year=_sym_csr(n, i, j, yrs, np.int32),
        incidence=inc[prow],
        projects=tuple(part.project_ids[r] for r in prow.tolist()),
        project_year=project_year[prow],
        weighting=label,
    )


def graph_from_ties(
    names: Sequence[Hashable],
    edges: Iterable[tuple[Hashable, Hashable]],
    weights: Iterable[float] | None = None,
    *,
    kinds: Sequence[str] | None = None,
    countries: Sequence[str] | None = None,
    years: Iterable[int | None] | None = None,
) -> CollaborationGraph:
    """A graph of ties that do not come from projects (agreements, cluster memberships, co-applications).

    Parameters
    ----------
    names : sequence
        Every organisation (node ``k`` is ``str(names[k])``); unique. Organisations without a tie are
        kept as isolated nodes.
    edges : iterable of (a, b)
        Ties as pairs of names; a tie listed twice (either direction) has its weights summed and its
        earliest year kept. No self-ties.
    weights : iterable of float, optional
        One positive weight per tie (default 1 each).
    kinds, countries : sequence of str, optional
        Per name (default ``""``).
    years : iterable of int or None, optional
        The year each tie began (None or omitted: unknown, stored as -1).
    """
    labels = tuple(str(v) for v in names)
    n = len(labels)
    index = {v: k for k, v in enumerate(labels)}
    if len(index) != n:
        dup = sorted({v for v in labels if labels.count(v) > 1})[:5]
        raise GraphError(f"names must be unique; repeated: {', '.join(dup)}")
    pairs = list(edges)
    ws = [1.0] * len(pairs) if weights is None else [float(x) for x in weights]
    ys = [None] * len(pairs) if years is None else list(years)
    if len(ws) != len(pairs) or len(ys) != len(pairs):
        raise GraphError(
            f"weights and years need one value per tie ({len(pairs)}); got {len(ws)} and {len(ys)}"
        )
    src = np.empty(len(pairs), dtype=np.int64)
    dst = np.empty(len(pairs), dtype=np.int64)
    for t, (a, b) in enumerate(pairs):
        try:
            ia, ib = index[str(a)], index[str(b)]
        except KeyError as exc:
            raise GraphError(
                f"tie {t} ({a!r}, {b!r}) names an organisation not in names: {exc.args[0]!r}"
            ) from None
        if ia == ib:
            raise GraphError(f"tie {t} ties {a!r} to itself: self-ties are not allowed")
        src[t], dst[t] = min(ia, ib), max(ia, ib)
    w = np.array(ws, dtype=np.float64)
    if w.size and not (np.all(np.isfinite(w)) and np.all(w > 0)):
        bad = int(np.flatnonzero(~(np.isfinite(w) & (w > 0)))[0])
        raise GraphError(f"tie weights must be finite and > 0; tie {bad} has {ws[bad]!r}")
    y = np.array([UNKNOWN_YEAR if v is None else int(v) for v in ys], dtype=np.int64)
    kinds_t = tuple(str(v) for v in kinds) if kinds is not None else ("",) * n
    countries_t = tuple(str(v) for v in countries) if countries is not None else ("",) * n
    if len(kinds_t) != n or len(countries_t) != n:
        raise GraphError(
            f"kinds and countries need one value per name ({n}); got {len(kinds_t)}, {len(countries_t)}"
        )
    return _from_keyed(
        labels, kinds_t, countries_t, src * n + dst, w, y, _empty_incidence(n), (), None, "ties"
    )


def _from_keyed(
    names: tuple[str, ...],
    kinds: tuple[str, ...],
    countries: tuple[str, ...],
    keys: np.ndarray,
    w: np.ndarray,
    years: np.ndarray,
    incidence: sp.csr_matrix,
    projects: tuple[str, ...],
    project_year: np.ndarray | None,
    weighting: str,
) -> CollaborationGraph:
    """Build from pair keys ``i * n + j`` (i < j, duplicates allowed: weights summed, earliest known
    year kept)."""
    n = len(names)
    uniq, inverse = np.unique(keys, return_inverse=True)
    wsum = np.zeros(uniq.size)
    np.add.at(wsum, inverse, w)
    big = np.iinfo(np.int64).max
    yk = np.where(years == UNKNOWN_YEAR, big, years)
    ymin = np.full(uniq.size, big, dtype=np.int64)
    np.minimum.at(ymin, inverse, yk)
    ymin[ymin == big] = UNKNOWN_YEAR
    i, j = uniq // max(n, 1), uniq % max(n, 1)
    return CollaborationGraph(
        names=names,
        kind=kinds,
        country=countries,
        weights=_sym_csr(n, i, j, wsum, np.float64),
        first_year=_sym_csr(n, i, j, ymin, np.int32),
        incidence=incidence,
        projects=projects,
        project_year=project_year,
        weighting=weighting,
    )


def combine(*graphs: CollaborationGraph) -> CollaborationGraph:
    """The union of graphs: nodes by name (sorted), tie weights summed, each tie's earliest known first
    year, a node's kind and country from the first graph that knows them; incidences stacked (rows
    with the same project label merged).

    Weights of different sources add as they are: scale a graph first (e.g. agreements x 2) by building
    it with the weights you want.
    """
    if not graphs:
        raise GraphError("combine needs at least one graph")
    names = tuple(sorted({v for g in graphs for v in g.names}))
    n = len(names)
    index = {v: k for k, v in enumerate(names)}
    kinds = [""] * n
    countries = [""] * n
    keys, ws, ys = [], [], []
    prow_labels: dict[str, int] = {}
    p_rows, p_cols, p_years = [], [], []
    for g in graphs:
        remap = np.array([index[v] for v in g.names], dtype=np.int64)
        for k, (kd, ct) in zip(remap.tolist(), zip(g.kind, g.country, strict=True), strict=True):
            if not kinds[k] and kd:
                kinds[k] = kd
            if not countries[k] and ct:
                countries[k] = ct
        src, dst, w = g.edges()
        a, b = remap[src], remap[dst]
        keys.append(np.minimum(a, b) * n + np.maximum(a, b))
        ws.append(w)
        ys.append(g.edge_first_year().astype(np.int64))
        inc = g.incidence.tocoo()
        labels = g.projects if g.projects else tuple(f"#{len(prow_labels) + r}" for r in range(inc.shape[0]))
        row_map = np.empty(inc.shape[0], dtype=np.int64)
        for r, lab in enumerate(labels):
            row_map[r] = prow_labels.setdefault(lab, len(prow_labels))
        p_rows.append(row_map[inc.row])
        p_cols.append(remap[inc.col])
        p_years.append((row_map, g.project_year))
    n_p = len(prow_labels)
    inc = sp.csr_matrix(
        (np.ones(sum(r.size for r in p_rows)), (np.concatenate(p_rows), np.concatenate(p_cols))),
        shape=(n_p, n),
    )
    inc.sum_duplicates()
    inc.data[:] = 1.0
    big = np.iinfo(np.int64).max
    pyear = np.full(n_p, big, dtype=np.int64)
    for row_map, py in p_years:
        if row_map.size:
            np.minimum.at(pyear, row_map, np.where(py == UNKNOWN_YEAR, big, py.astype(np.int64)))
    pyear[pyear == big] = UNKNOWN_YEAR
    return _from_keyed(
        names,
        tuple(kinds),
        tuple(countries),
        np.concatenate(keys),
        np.concatenate(ws),
        np.concatenate(ys),
        inc,
        tuple(prow_labels),
        pyear.astype(np.int32),
        "combined",
    )


# --------------------------------------------------------------------------- bipartite measures
@dataclass(frozen=True)
class BipartiteSummary:
    """The project x organisation bipartite graph in numbers.

    Attributes
    ----------
    n_rows, n_duplicates : int
        Participation rows, and rows repeating a (project, organisation) pair (counted once).
    n_projects, n_organisations, n_links : int
        Projects and organisations with at least one row; distinct (project, organisation) links.
    project_size : numpy.ndarray
        Distinct organisations per project (bipartite degree of the projects; over ``part.project_ids``).
    organisation_projects : numpy.ndarray
        Distinct projects per organisation (bipartite degree of the organisations; over
        ``part.organisation_ids``).
    size_distribution : numpy.ndarray
        ``size_distribution[k]`` = number of projects with ``k`` organisations.
    participation_distribution : numpy.ndarray
        ``participation_distribution[k]`` = number of organisations in ``k`` projects.
    mean_project_size, mean_participations : float
        Means over projects / organisations with a row.
    single_organisation_share : float
        Share of projects with one organisation (they make no tie).
    density : float
        ``n_links / (n_projects * n_organisations)``.
    """

    n_rows: int
    n_duplicates: int
    n_projects: int
    n_organisations: int
    n_links: int
    project_size: np.ndarray
    organisation_projects: np.ndarray
    size_distribution: np.ndarray
    participation_distribution: np.ndarray
    mean_project_size: float
    mean_participations: float
    single_organisation_share: float
    density: float

    def as_dict(self) -> dict[str, Any]:
        """Scalars only (for reports)."""
        return {
            k: getattr(self, k)
            for k in (
                "n_rows",
                "n_duplicates",
                "n_projects",
                "n_organisations",
                "n_links",
                "mean_project_size",
                "mean_participations",
                "single_organisation_share",
                "density",
            )
        }


def bipartite_summary(part: Participations) -> BipartiteSummary:
    """Degrees and their distributions on both sides of the project x organisation graph."""
    b, _ = _incidence(part)
    size = np.diff(b.indptr).astype(np.int64)
    per_org = np.bincount(b.indices, minlength=part.n_organisations).astype(np.int64)
    active_p = size > 0
    active_o = per_org > 0
    n_p, n_o, links = int(active_p.sum()), int(active_o.sum()), int(b.nnz)
    return BipartiteSummary(
        n_rows=len(part),
        n_duplicates=len(part) - links,
        n_projects=n_p,
        n_organisations=n_o,
        n_links=links,
        project_size=size,
        organisation_projects=per_org,
        size_distribution=np.bincount(size[active_p], minlength=1),
        participation_distribution=np.bincount(per_org[active_o], minlength=1),
        mean_project_size=float(size[active_p].mean()) if n_p else 0.0,
        mean_participations=float(per_org[active_o].mean()) if n_o else 0.0,
        single_organisation_share=float((size == 1).sum() / n_p) if n_p else 0.0,
        density=links / (n_p * n_o) if n_p and n_o else 0.0,
    )
