"""Tables of an analysed network: its communities (:func:`community_summary`), who bridges which two
triple-helix sectors (:func:`sector_bridges`) and the brokerage roles per sector
(:func:`roles_by_sector`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from clusterworks.analytics.network.brokerage import ROLES
from clusterworks.analytics.network.communities import SECTORS

from .results import Analysis


@dataclass(frozen=True)
class CommunitySummary:
    """One Leiden community: its number (0 the largest), its organisations by number of partners, its
    ties inside and to the rest, and how many of its organisations each sector has."""

    number: int
    nodes: tuple[int, ...]
    ties_inside: int
    ties_out: int
    sectors: dict[str, int]

    @property
    def size(self) -> int:
        return len(self.nodes)


def community_summary(analysis: Analysis, *, smallest: int = 1) -> list[CommunitySummary]:
    """The communities with at least ``smallest`` organisations, largest first."""
    membership = analysis.communities.membership
    src, dst, _w = analysis.graph.edges()
    inside = np.bincount(
        membership[src][membership[src] == membership[dst]], minlength=membership.max(initial=-1) + 1
    )
    touching = np.bincount(
        np.concatenate([membership[src], membership[dst]])[np.tile(membership[src] != membership[dst], 2)],
        minlength=membership.max(initial=-1) + 1,
    )
    ranked = analysis.order("degree").tolist()
    by_community: dict[int, list[int]] = {}
    for node in ranked:
        by_community.setdefault(int(membership[node]), []).append(node)
    out = []
    for number in range(analysis.communities.n_communities):
        nodes = by_community.get(number, [])
        if len(nodes) < smallest:
            continue
        sectors: dict[str, int] = {}
        for node in nodes:
            sector = analysis.nodes[node].sector
            sectors[sector] = sectors.get(sector, 0) + 1
        out.append(
            CommunitySummary(
                number=number,
                nodes=tuple(nodes),
                ties_inside=int(inside[number]),
                ties_out=int(touching[number]),
                sectors={s: sectors[s] for s in SECTORS if s in sectors},
            )
        )
    return out


def sector_bridges(
    analysis: Analysis, *, brokers: int = 50, per_pair: int = 5
) -> dict[tuple[str, str], list]:
    """Who bridges which two sectors: for each pair of different sectors ``(s, t)`` (in
    :data:`SECTORS` order), the organisations among the ``brokers`` with the most brokerage that are
    tied to an ``s`` and a ``t`` organisation not tied to each other, as ``(node, open pairs)``, most
    first, ``per_pair`` of them."""
    g = analysis.graph
    order = [s for s in SECTORS if s in {n.sector for n in analysis.nodes}]
    code = {s: i for i, s in enumerate(order)}
    sector = np.array([code[n.sector] for n in analysis.nodes], dtype=np.int64)
    k = len(order)
    adjacency = g.weights.copy()
    adjacency.data[:] = 1.0
    found: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for b in analysis.order("brokerage", brokers).tolist():
        if analysis.values["brokerage"][b] <= 0:
            break
        partners = adjacency.indices[adjacency.indptr[b] : adjacency.indptr[b + 1]]
        counts = np.bincount(sector[partners], minlength=k)
        among = sp.triu(adjacency[partners][:, partners], k=1).tocoo()
        a, c = sector[partners[among.row]], sector[partners[among.col]]
        closed = np.bincount(np.minimum(a, c) * k + np.maximum(a, c), minlength=k * k).reshape(k, k)
        for s in range(k):
            for t in range(s + 1, k):
                open_pairs = int(counts[s] * counts[t] - closed[s, t])
                if open_pairs > 0:
                    found.setdefault((order[s], order[t]), []).append((b, open_pairs))
    return {
        pair: sorted(found[pair], key=lambda item: (-item[1], item[0]))[:per_pair]
        for pair in sorted(found, key=lambda p: (code[p[0]], code[p[1]]))
    }


def roles_by_sector(analysis: Analysis) -> list[tuple[str, int, list[int]]]:
    """Per sector present (in :data:`SECTORS` order): its organisations and the sums of their five
    brokerage role counts."""
    out = []
    for sector in SECTORS:
        members = np.array([n.sector == sector for n in analysis.nodes], dtype=bool)
        if members.any():
            out.append((sector, int(members.sum()), [int(analysis.values[r][members].sum()) for r in ROLES]))
    return out
