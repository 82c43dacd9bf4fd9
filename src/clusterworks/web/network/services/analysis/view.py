"""What the network view draws: a seeded layout (:func:`layout`), the organisations and ties shown
(:class:`NetworkView`, at most :data:`~.results.VIEW_LIMIT` organisations and
:data:`~.results.EDGE_LIMIT` ties), an organisation's ego network (:func:`ego`) and the JSON the view
reads (:func:`graph_payload`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from clusterworks.analytics.network.graph import seeded_igraph

from .results import EDGE_LIMIT, LAYOUT_TIES, MEASURES, SEED, VIEW_LIMIT, Analysis, Node


def layout(
    n: int, src: np.ndarray, dst: np.ndarray, weight: np.ndarray | None = None, *, seed: int = SEED
) -> np.ndarray:
    """Positions in the unit square (``n x 2``) by Fruchterman-Reingold from seeded random starting
    points (on a grid of cells above 1,000 nodes); the same input gives the same picture."""
    import igraph as ig

    if n == 0:
        return np.zeros((0, 2))
    if n == 1:
        return np.array([[0.5, 0.5]])
    g = ig.Graph(n=n, edges=np.column_stack([src, dst]).tolist(), directed=False)
    weights = None if weight is None or not len(weight) else (1.0 + np.log1p(weight)).tolist()
    start = np.random.default_rng(seed).uniform(-1.0, 1.0, size=(n, 2)) * np.sqrt(n)
    with seeded_igraph(seed):
        coords = g.layout_fruchterman_reingold(
            weights=weights,
            niter=500 if n <= 1_000 else 300,
            seed=start.tolist(),
            grid="nogrid" if n <= 1_000 else "grid",
        )
    xy = np.asarray(coords.coords, dtype=np.float64)
    xy -= xy.min(axis=0)
    span = xy.max()
    return xy / span if span > 0 else np.full((n, 2), 0.5)


@dataclass(frozen=True, eq=False)
class NetworkView:
    """What the network view draws: ``nodes`` (numbers in the analysis's graph), ties as view
    indexes with their weight and first year, and positions in the unit square."""

    nodes: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    year: np.ndarray
    xy: np.ndarray
    total_nodes: int
    total_ties: int
    ties_among: int

    @property
    def trimmed_nodes(self) -> bool:
        return self.nodes.size < self.total_nodes

    @property
    def trimmed_ties(self) -> bool:
        return self.src.size < self.ties_among


def _strongest(src: np.ndarray, dst: np.ndarray, w: np.ndarray, limit: int) -> np.ndarray:
    """The ties to keep: each node's strongest, then the strongest others, ``limit`` in all."""
    if src.size <= limit:
        return np.arange(src.size)
    ties = np.arange(src.size)
    ends, both = np.concatenate([src, dst]), np.concatenate([ties, ties])
    ranked = np.lexsort((both, -w[both], ends))  # by node, then strongest first
    first = np.unique(ends[ranked], return_index=True)[1]
    keep = np.zeros(src.size, dtype=bool)
    keep[both[ranked[first]]] = True
    room = limit - int(keep.sum())
    if room > 0:
        order = np.lexsort((ties, -w))
        keep[order[~keep[order]][:room]] = True
    return np.flatnonzero(keep)


def network_view(analysis: Analysis, *, limit: int = VIEW_LIMIT, edge_limit: int = EDGE_LIMIT) -> NetworkView:
    """The organisations and ties the view draws, laid out (see the module text)."""
    g = analysis.graph
    if g.n_nodes <= limit:
        chosen = np.arange(g.n_nodes)
    else:
        _, labels = sp.csgraph.connected_components(g.weights, directed=False)
        biggest = np.flatnonzero(labels == np.argmax(np.bincount(labels)))
        ranked = biggest[np.lexsort((biggest, -g.degree[biggest]))]
        chosen = np.sort(ranked[:limit])
    sub = g.subgraph(chosen)
    src, dst, w = sub.edges()
    year = sub.edge_first_year()
    # laid out with every tie among the chosen (up to LAYOUT_TIES), so that the picture keeps the
    # structure the drawn ties alone would lose
    xy = layout(sub.n_nodes, src, dst, w) if src.size <= LAYOUT_TIES else None
    keep = _strongest(src, dst, w, edge_limit)
    src, dst, w, year = src[keep], dst[keep], w[keep], year[keep]
    return NetworkView(
        nodes=chosen,
        src=src,
        dst=dst,
        weight=w,
        year=year,
        xy=layout(sub.n_nodes, src, dst, w) if xy is None else xy,
        total_nodes=g.n_nodes,
        total_ties=g.n_edges,
        ties_among=sub.n_edges,
    )


@dataclass(frozen=True, eq=False)
class Ego:
    """An organisation's ego network in an analysed network: its direct partners ``(node, tie weight,
    first year)`` strongest first, the partners of its partners ``(node, through how many partners)``
    (order 2), every node of the ego network, and the view of it (at most :data:`VIEW_LIMIT`
    organisations: it, its strongest partners, then the best connected of the others)."""

    node: int
    partners: list[tuple[int, float, int]]
    second: list[tuple[int, int]]
    nodes: np.ndarray
    ties: int
    view: NetworkView


def ego(analysis: Analysis, key: str, order: int = 1, *, limit: int = VIEW_LIMIT) -> Ego | None:
    """The ego network of ``key`` (it, the organisations within ``order`` ties of it, the ties among
    them); None when ``key`` is not a node."""
    i = analysis.index(key)
    if i is None:
        return None
    g = analysis.graph
    w = g.weights
    lo, hi = w.indptr[i], w.indptr[i + 1]
    neighbours, weights, years = w.indices[lo:hi], w.data[lo:hi], g.first_year.data[lo:hi]
    ranked = np.lexsort((neighbours, -weights))
    partners = [(int(neighbours[k]), float(weights[k]), int(years[k])) for k in ranked]
    members = np.zeros(g.n_nodes, dtype=bool)
    members[i] = True
    members[neighbours] = True
    second: list[tuple[int, int]] = []
    if order >= 2 and neighbours.size:
        rows = w[neighbours]
        reach = np.bincount(rows.indices, minlength=g.n_nodes)
        reach[members] = 0
        found = np.flatnonzero(reach)
        order_2 = found[np.lexsort((found, -reach[found]))]
        second = [(int(n), int(reach[n])) for n in order_2]
        members[found] = True
    nodes = np.flatnonzero(members)
    shown = [i, *(p for p, _w, _y in partners), *(n for n, _t in second)][:limit]
    chosen = np.sort(np.asarray(shown, dtype=np.int64))
    sub = g.subgraph(chosen)
    src, dst, weight = sub.edges()
    year = sub.edge_first_year()
    keep = _strongest(src, dst, weight, EDGE_LIMIT)
    src, dst, weight, year = src[keep], dst[keep], weight[keep], year[keep]
    view = NetworkView(
        nodes=chosen,
        src=src,
        dst=dst,
        weight=weight,
        year=year,
        xy=layout(sub.n_nodes, src, dst, weight),
        total_nodes=int(nodes.size),
        total_ties=sub.n_edges if chosen.size == nodes.size else int(g.subgraph(nodes).n_edges),
        ties_among=sub.n_edges,
    )
    return Ego(node=i, partners=partners, second=second, nodes=nodes, ties=view.total_ties, view=view)


def _round(value: float, digits: int = 4) -> float | None:
    if value is None or not np.isfinite(value):
        return None
    return float(f"{value:.{digits}g}")


def graph_payload(
    *,
    analysis: Analysis,
    view: NetworkView,
    language: str,
    url_of: Callable[[Node], str],
    labels: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON the network view reads: ``nodes`` (id, label, url, type, helix, community, clusters as
    indexes into ``clusters``, member, x and y in 0..1000, and ``m``: the values of ``measures``),
    ``edges`` flat, four numbers a tie: source, target (indexes into ``nodes``), weight, first year
    (-1 unknown),
    and the counts behind the view. ``labels`` (types, helices, measures, texts) is passed through."""
    cluster_keys = sorted({c for i in view.nodes.tolist() for c in analysis.nodes[i].clusters})
    cluster_index = {key: i for i, key in enumerate(cluster_keys)}
    nodes = []
    for position, i in enumerate(view.nodes.tolist()):
        node = analysis.nodes[i]
        nodes.append(
            {
                "id": node.key,
                "label": node.name(language),
                "url": url_of(node),
                "type": node.type,
                "helix": node.sector,
                "community": int(analysis.values["community"][i]),
                "clusters": [cluster_index[c] for c in node.clusters],
                "member": node.member,
                "x": round(float(view.xy[position, 0]) * 1000, 1),
                "y": round(float(view.xy[position, 1]) * 1000, 1),
                "m": [_round(analysis.values[m][i]) for m in MEASURES],
            }
        )
    edges: list[Any] = []
    for a, b, w, y in zip(
        view.src.tolist(), view.dst.tolist(), view.weight.tolist(), view.year.tolist(), strict=True
    ):
        edges += (a, b, _round(w, 3), y)
    return {
        "nodes": nodes,
        "edges": edges,
        "measures": list(MEASURES),
        "clusters": cluster_keys,
        "communities": int(analysis.communities.n_communities),
        "shown": len(nodes),
        "total": view.total_nodes,
        "ties": view.total_ties,
        **(labels or {}),
    }
