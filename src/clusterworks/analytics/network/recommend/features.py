"""Features of (source, candidate) pairs, the classic proximity indexes, and the candidate pool.

A *source* is one organisation or a consortium (several organisations, taken together: their
partners are the union of the members' partners). For a block of sources the proximity indexes are
computed against every organisation at once (dense ``b x n`` arrays, one sparse product each); the
ranking model then scores only a *pool* of candidates per source: the ``POOL_SIZE`` best by
Adamic-Adar, the ``POOL_SIZE`` best by recency-weighted resource allocation (both among candidates
with a positive score) and the ``POOL_SIZE`` most active organisations. The same code serves one query
(``b = 1``), the evaluation and the training, so the three always agree.

With ``N(x)`` the partners of ``x`` before the cut, ``d_x = |N(x)|``:

* common neighbours ``CN = |N(s) ∩ N(c)|``; Jaccard ``CN / |N(s) ∪ N(c)|`` [1]_;
* Adamic-Adar ``AA = sum_{z in N(s) ∩ N(c)} 1 / log d_z`` [2]_; resource allocation
  ``RA = sum_z 1 / d_z`` [3]_; its recency-weighted variant ``sum_z r_sz r_zc / s_z`` with ``r`` the
  recency-weighted tie (each shared project ``0.5 ** ((cut - 1 - year) / HALF_LIFE)``) and ``s_z`` the
  row sum of ``r``;
* Katz truncated at paths of length 3: ``beta^2 (A^2)_sc + beta^3 (A^3)_sc`` with ``beta = KATZ_BETA``
  (the length-1 term is zero for a candidate, never a partner) [4]_;
* preferential attachment ``d_s d_c`` [5]_.

References
----------
.. [1] D. Liben-Nowell and J. Kleinberg, "The link-prediction problem for social networks", *JASIST*
   58 (2007) 1019-1031. :doi:`10.1002/asi.20591`
.. [2] L. A. Adamic and E. Adar, "Friends and neighbors on the Web", *Social Networks* 25 (2003)
   211-230. :doi:`10.1016/S0378-8733(03)00009-1`
.. [3] T. Zhou, L. Lü and Y.-C. Zhang, "Predicting missing links via local information", *Eur. Phys.
   J. B* 71 (2009) 623-630. :doi:`10.1140/epjb/e2009-00335-8`
.. [4] L. Katz, "A new status index derived from sociometric analysis", *Psychometrika* 18 (1953)
   39-43. :doi:`10.1007/BF02289026`
.. [5] A.-L. Barabási and R. Albert, "Emergence of scaling in random networks", *Science* 286 (1999)
   509-512. :doi:`10.1126/science.286.5439.509`
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .snapshot import Snapshot

__all__ = [
    "BASELINES",
    "FEATURES",
    "FEATURE_NAMES",
    "KATZ_BETA",
    "POOL_SIZE",
    "Proximity",
    "Sources",
    "allowed_mask",
    "baseline_scores",
    "pair_features",
    "paths3_at",
    "pool",
    "proximity",
    "ranked",
    "sources_for",
    "top_indices",
    "top_mask",
]

#: Katz's attenuation per step (truncated at length 3).
KATZ_BETA = 0.01
#: Candidates per pool criterion.
POOL_SIZE = 300

#: The features of the ranking model: name and what it measures (``log1p`` keeps heavy tails tame).
FEATURES: tuple[tuple[str, str], ...] = (
    ("common_partners", "log(1 + CN): partners shared with the source"),
    ("adamic_adar", "log(1 + AA): shared partners, the less connected counting more"),
    ("resource_allocation", "log(1 + 10 RA)"),
    ("recent_resource_allocation", "log(1 + 10 RA) over ties weighted by recency (half-life 2 years)"),
    ("jaccard", "CN / |N(s) ∪ N(c)|"),
    ("katz", "log(1 + CN + beta P3): Katz truncated at 3 steps, over beta^2"),
    ("preferential_attachment", "log(1 + d_s) + log(1 + d_c): log of the degree product"),
    ("recent_projects", "log(1 + the candidate's projects in the last 2 years)"),
    ("last_year_projects", "log(1 + the candidate's projects in the last year)"),
    ("projects", "log(1 + the candidate's projects)"),
    ("new_partners", "log(1 + the candidate's ties first made in the last year)"),
    ("coordinations", "log(1 + the candidate's projects as coordinator)"),
    ("same_place", "share of the source's members in the candidate's region (or country)"),
    ("area_similarity", "cosine of the programme-area profiles (or of the text profiles)"),
    ("area_activity", "log(1 + the candidate's recent projects in the source's areas, weighted)"),
    ("type_complementarity", "lift of ties between the source's activity types and the candidate's"),
    ("place_affinity", "lift of ties between the source's countries (regions) and the candidate's"),
)
FEATURE_NAMES: tuple[str, ...] = tuple(name for name, _ in FEATURES)

#: The classic indexes :func:`baseline_scores` computes.
BASELINES = (
    "adamic_adar",
    "resource_allocation",
    "katz",
    "common_neighbours",
    "jaccard",
    "preferential_attachment",
)


@dataclass(frozen=True, eq=False)
class Sources:
    """``b`` sources: their members (codes), the union of their partners (``adjacency``, ``b x n``
    0/1) and of their recency-weighted ties (``recent``, summed), and their share of members per
    activity type, per place and their area profile."""

    members: tuple[np.ndarray, ...]
    adjacency: sp.csr_matrix
    recent: sp.csr_matrix
    degree: np.ndarray
    kind_share: np.ndarray
    place_share: np.ndarray
    area: np.ndarray

    def __len__(self) -> int:
        return len(self.members)


def sources_for(snap: Snapshot, groups: Sequence[Sequence[int]]) -> Sources:
    """The sources made of each group of organisation codes (a group of one: an organisation)."""
    b, n = len(groups), snap.n
    rows = np.repeat(np.arange(b), [len(g) for g in groups])
    cols = np.concatenate([np.asarray(g, dtype=np.int64) for g in groups]) if b else np.zeros(0, np.int64)
    member = sp.csr_matrix((np.ones(cols.size), (rows, cols)), shape=(b, n))
    adjacency = (member @ snap.adjacency).tocsr()
    adjacency.data[:] = 1.0
    recent = (member @ snap.recent).tocsr()
    sizes = np.maximum(np.asarray(member.sum(axis=1)).ravel(), 1.0)
    kind_share = np.zeros((b, len(snap.kind_names)))
    np.add.at(kind_share, (rows, snap.kind[cols]), 1.0)
    place_share = np.zeros((b, len(snap.place_names)))
    np.add.at(place_share, (rows, snap.place[cols]), 1.0)
    area = np.asarray(member @ snap.area_profile) if snap.area_names else np.zeros((b, 0))
    norms = np.linalg.norm(area, axis=1) if area.size else np.zeros(b)
    if area.size:
        area = area / np.where(norms > 0, norms, 1.0)[:, None]
    return Sources(
        members=tuple(np.unique(np.asarray(g, dtype=np.int64)) for g in groups),
        adjacency=adjacency,
        recent=recent,
        degree=np.diff(adjacency.indptr).astype(np.float64),
        kind_share=kind_share / sizes[:, None],
        place_share=place_share / sizes[:, None],
        area=area,
    )


@dataclass(frozen=True, eq=False)
class Proximity:
    """Dense ``b x n`` proximity arrays of a block of sources against every organisation."""

    common: np.ndarray
    adamic_adar: np.ndarray
    resource_allocation: np.ndarray
    recent_resource_allocation: np.ndarray
    paths3: np.ndarray | None = None


def _products(snap: Snapshot, src: Sources) -> tuple[np.ndarray, ...]:
    """Dense ``b x n`` CN, AA, RA and recent RA. A light row is a sparse product over its partners'
    rows; a heavy one (its partners' degrees sum to more than a quarter of the graph's ties) is four
    matrix-vector products with the whole graph, which is faster then (``A`` and ``R`` are symmetric,
    so ``x^T diag(w) A = A (w * x)``)."""
    adj, recent = src.adjacency, src.recent
    b, n = adj.shape
    work = adj @ snap.degree
    heavy = work > snap.adjacency.nnz / 4
    out = [np.zeros((b, n)) for _ in range(4)]
    light = np.flatnonzero(~heavy)
    if light.size:
        a_l = adj[light] if light.size < b else adj
        r_l = recent[light] if light.size < b else recent
        out[0][light] = (a_l @ snap.adjacency).toarray()
        out[1][light] = (a_l @ snap.adamic_adar_operator).toarray()
        out[2][light] = (a_l @ snap.resource_allocation_operator).toarray()
        out[3][light] = (r_l @ snap.recent_resource_allocation_operator).toarray()
    rows = np.flatnonzero(heavy)
    if rows.size:  # one pass over A for CN, AA and RA together, one over R
        x = adj[rows].toarray().T
        stacked = np.hstack(
            [x, snap.adamic_adar_weight[:, None] * x, snap.resource_allocation_weight[:, None] * x]
        )
        products = snap.adjacency @ stacked
        h = rows.size
        out[0][rows], out[1][rows], out[2][rows] = (
            products[:, :h].T,
            products[:, h : 2 * h].T,
            products[:, 2 * h :].T,
        )
        r = recent[rows].toarray().T
        out[3][rows] = (snap.recent @ (snap.recent_resource_allocation_weight[:, None] * r)).T
    return tuple(out)


def proximity(snap: Snapshot, src: Sources, *, paths: bool = True) -> Proximity:
    """CN, AA, RA, recency-weighted RA and (with ``paths``) the number of 3-step walks
    ``(A^3)_sc``, each ``b x n``; without ``paths`` :func:`paths3_at` computes walks for given pairs
    only (what one query needs)."""
    common, adamic_adar, resource_allocation, recent_ra = _products(snap, src)
    return Proximity(
        common=common,
        adamic_adar=adamic_adar,
        resource_allocation=resource_allocation,
        recent_resource_allocation=recent_ra,
        paths3=np.asarray((snap.adjacency @ common.T).T) if paths else None,
    )


def paths3_at(snap: Snapshot, prox: Proximity, rows: np.ndarray, cands: np.ndarray) -> np.ndarray:
    """``(A^3)_sc = sum_z (A^2)_sz A_zc`` for the pairs ``(rows[i], cands[i])`` (rows sorted)."""
    if prox.paths3 is not None:
        return prox.paths3[rows, cands]
    out = np.zeros(rows.size)
    bounds = np.searchsorted(rows, np.arange(prox.common.shape[0] + 1))
    for i in range(prox.common.shape[0]):
        lo, hi = bounds[i], bounds[i + 1]
        if hi > lo:
            out[lo:hi] = snap.adjacency[cands[lo:hi]] @ prox.common[i]
    return out


def allowed_mask(snap: Snapshot, src: Sources) -> np.ndarray:
    """``b x n``: candidates with a row before the cut that are neither a member of the source nor
    one of its partners."""
    ok = np.repeat(snap.active[None, :], len(src), axis=0)
    coo = src.adjacency.tocoo()
    ok[coo.row, coo.col] = False
    for i, members in enumerate(src.members):
        ok[i, members] = False
    return ok


def baseline_scores(name: str, snap: Snapshot, src: Sources, prox: Proximity) -> np.ndarray:
    """The classic index ``name`` (one of :data:`BASELINES`) of every pair, ``b x n``."""
    if name == "adamic_adar":
        return prox.adamic_adar
    if name == "resource_allocation":
        return prox.resource_allocation
    if name == "common_neighbours":
        return prox.common
    if name == "katz":
        if prox.paths3 is None:
            raise ValueError("Katz needs the 3-step walks: proximity(..., paths=True)")
        return KATZ_BETA**2 * prox.common + KATZ_BETA**3 * prox.paths3
    if name == "jaccard":
        union = src.degree[:, None] + snap.degree[None, :] - prox.common
        return np.divide(prox.common, union, out=np.zeros_like(prox.common), where=union > 0)
    if name == "preferential_attachment":
        return src.degree[:, None] * snap.degree[None, :]
    raise ValueError(f"unknown baseline '{name}'; allowed: {', '.join(BASELINES)}")


def top_indices(values: np.ndarray, allowed: np.ndarray, m: int, positive: bool = False) -> np.ndarray:
    """The ``m`` allowed indexes of largest value, best first, ties by smaller index (exact and
    deterministic); with ``positive`` only values > 0."""
    idx = np.flatnonzero(allowed & (values > 0) if positive else allowed)
    vals = values[idx]
    if idx.size > m:
        threshold = -np.partition(-vals, m - 1)[m - 1]  # the m-th largest value
        above = vals > threshold
        tied = np.flatnonzero(vals == threshold)[: m - int(above.sum())]
        pick = np.concatenate([np.flatnonzero(above), tied])
        idx, vals = idx[pick], vals[pick]
    return idx[np.lexsort((idx, -vals))]


def top_mask(values: np.ndarray, allowed: np.ndarray, m: int, positive: bool = False) -> np.ndarray:
    """``b x n``: per row the entries :func:`top_indices` picks."""
    mask = np.zeros(values.shape, dtype=bool)
    for i in range(values.shape[0]):
        mask[i, top_indices(values[i], allowed[i], m, positive)] = True
    return mask


def ranked(values: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The entries of ``mask`` as flat ``(rows, candidates)``, by row, then best value first, then
    smaller candidate."""
    rows, cands = np.nonzero(mask)
    order = np.lexsort((cands, -values[rows, cands], rows))
    return rows[order], cands[order]


def pool(
    snap: Snapshot,
    prox: Proximity,
    allowed: np.ndarray,
    size: int = POOL_SIZE,
    extra: Sequence[np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The candidate pool of each source as flat ``(rows, candidates)`` arrays sorted by row then
    candidate: the ``size`` best by AA and by recent RA (positive scores) and the ``size`` most active
    allowed organisations; ``extra`` adds, per row, candidates of its own (e.g. by text)."""
    chosen = top_mask(prox.adamic_adar, allowed, size, positive=True)
    chosen |= top_mask(prox.recent_resource_allocation, allowed, size, positive=True)
    order = snap.activity_order
    in_order = allowed[:, order]
    chosen[:, order] |= in_order & (np.cumsum(in_order, axis=1) <= size)
    if extra is not None:
        for i, more in enumerate(extra):
            chosen[i, more[allowed[i, more]]] = True
    return np.nonzero(chosen)


def pair_features(
    snap: Snapshot,
    src: Sources,
    prox: Proximity,
    rows: np.ndarray,
    cands: np.ndarray,
    similarity: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
) -> np.ndarray:
    """The :data:`FEATURES` of the pairs ``(rows[i], cands[i])``, ``m x len(FEATURES)``.

    ``similarity(rows, cands)``, when given and the snapshot has no programme areas, stands for
    ``area_similarity`` (e.g. the cosine of TF-IDF text profiles)."""
    cn = prox.common[rows, cands]
    d_s, d_c = src.degree[rows], snap.degree[cands]
    union = d_s + d_c - cn
    if snap.area_names:
        area_sim = np.einsum("ij,ij->i", src.area[rows], snap.area_profile[cands])
        area_act = np.einsum("ij,ij->i", src.area[rows], snap.recent_area[cands])
    else:
        area_sim = similarity(rows, cands) if similarity is not None else np.zeros(rows.size)
        area_act = np.zeros(rows.size)
    known_place = np.array([p != "" for p in snap.place_names], dtype=np.float64)
    columns = [
        np.log1p(cn),
        np.log1p(prox.adamic_adar[rows, cands]),
        np.log1p(10.0 * prox.resource_allocation[rows, cands]),
        np.log1p(10.0 * prox.recent_resource_allocation[rows, cands]),
        np.divide(cn, union, out=np.zeros_like(cn), where=union > 0),
        np.log1p(cn + KATZ_BETA * paths3_at(snap, prox, rows, cands)),
        np.log1p(d_s) + np.log1p(d_c),
        np.log1p(snap.recent_projects[cands]),
        np.log1p(snap.last_year_projects[cands]),
        np.log1p(snap.projects[cands]),
        np.log1p(snap.new_partners[cands]),
        np.log1p(snap.coordinations[cands]),
        src.place_share[rows, snap.place[cands]] * known_place[snap.place[cands]],
        area_sim,
        np.log1p(area_act),
        (src.kind_share @ snap.kind_lift)[rows, snap.kind[cands]],
        (src.place_share @ snap.place_lift)[rows, snap.place[cands]],
    ]
    return np.column_stack(columns) if rows.size else np.zeros((0, len(FEATURES)))
