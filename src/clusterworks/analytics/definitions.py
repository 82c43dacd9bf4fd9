r"""Cluster definitions from an industry relatedness matrix, after Delgado, Porter and Stern (2016):
candidate partitions by hierarchical clustering and seeded k-means over parameter choices, validation
scores of a partition for every linkage type, the best-scoring definition and its outlier industries.

The procedure [1]_:

1. **Candidates.** The relatedness matrix ``R`` (symmetrised as ``(R + R') / 2``) is rescaled to
   ``S = (R - min) / (max - min)`` over its off-diagonal values (diagonal 1). Average, complete,
   single and weighted linkage cut the distance ``1 - S`` into ``k`` groups (``scipy.cluster.hierarchy``,
   ``cut_tree`` for exactly ``k``); Ward and k-means work on the rows of ``S`` (each industry's
   relatedness profile) as Euclidean points. k-means is Lloyd's algorithm with k-means++ seeding [2]_,
   ``n_init`` restarts drawn from ``numpy.random.default_rng([seed, k])``, the lowest inertia kept.
2. **Validation scores** for each linkage type ``L`` (co-location, input-output, occupations, combined;
   :func:`validation_scores`), with :math:`CR^L_{AB}` the mean of :math:`L_{ij}` over industries
   ``i`` in ``A``, ``j`` in ``B``, ``i != j`` and :math:`R^L_{iB}` the mean of :math:`L_{ij}` over
   ``j`` in ``B``, ``j != i``:

   * ``VS-Cluster`` = share of ordered cluster pairs ``A != B`` with :math:`CR_{AA} > CR_{AB}`
     (the within-cluster relatedness of ``A`` exceeds its relatedness with ``B``);
   * ``VS-Industry`` = share of (industry ``i``, other cluster ``B``) pairs with :math:`R_{i,c(i)} >
     R_{iB}` (industry ``i`` is more related to the rest of its own cluster than to ``B``);
   * ``within``, ``between`` = unweighted means of :math:`CR_{AA}` over clusters and of
     :math:`CR_{AB}` over ordered pairs ``A != B``; ``margin = within - between``. On the published
     combined measure ``cr_all`` of the 51 traded US clusters these are 2.05 and -0.13;
   * ``separation`` (not in DPS; our tie-break) = mean over clusters of :math:`CR_{AA} - \max_{B \ne A}
     CR_{AB}`: splitting a true cluster makes the pieces' gap about 0, merging two lowers the within.

   A singleton cluster has no within value: its comparisons count as failures (as do ties: a strict
   ``>``), so splitting off single industries is penalised.
3. **Best definition**: the candidate with the highest mean over linkage types of ``(VS-Cluster +
   VS-Industry) / 2``; as these shares saturate at 1 for every partition near the true one, candidates
   within ``tolerance`` of the best are decided by the larger mean ``separation``.
4. **Outliers**: industries whose mean relatedness to another cluster exceeds that to the rest of their
   own cluster (DPS inspect and reassign these by hand).

References
----------
.. [1] M. Delgado, M. E. Porter and S. Stern, "Defining clusters of related industries", *Journal of
   Economic Geography* 16(1) (2016) 1-38, doi:10.1093/jeg/lbv017.
.. [2] D. Arthur and S. Vassilvitskii, "k-means++: the advantages of careful seeding", *Proc. SODA 2007*,
   1027-1035.
.. [3] L. Hubert and P. Arabie, "Comparing partitions", *Journal of Classification* 2 (1985) 193-218,
   doi:10.1007/BF01908075 (adjusted Rand index).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import cut_tree, linkage
from scipy.spatial.distance import squareform

__all__ = [
    "CLUSTERING_METHODS",
    "Candidate",
    "Definition",
    "DefinitionError",
    "Outlier",
    "ValidationScore",
    "adjusted_rand_index",
    "best_definition",
    "candidate_definitions",
    "cluster_level_scores",
    "outlier_industries",
    "validation_scores",
]

#: Methods :func:`candidate_definitions` accepts.
CLUSTERING_METHODS = ("average", "complete", "single", "weighted", "ward", "kmeans")
_DEFAULT_METHODS = ("average", "complete", "ward", "kmeans")


class DefinitionError(ValueError):
    """Input to the cluster-definition procedure is unusable (shape, NaN, constant matrix, option)."""


@dataclass(frozen=True)
class Candidate:
    """One candidate partition: ``labels[i]`` in ``0..n_clusters-1`` (numbered by first appearance)."""

    labels: tuple[int, ...]
    method: str
    n_clusters: int
    seed: int | None


@dataclass(frozen=True)
class ValidationScore:
    """Validation scores of a partition for one linkage type (see the module docstring)."""

    vs_cluster: float
    vs_industry: float
    within: float
    between: float
    separation: float

    @property
    def margin(self) -> float:
        """``within - between``."""
        return self.within - self.between


@dataclass(frozen=True)
class Outlier:
    """Industry ``industry`` of cluster ``cluster`` is more related (``other`` > ``own``) to ``closest``."""

    industry: int
    cluster: int
    closest: int
    own: float
    other: float


@dataclass(frozen=True)
class Definition:
    """The chosen definition: labels, scores per linkage type, the parameters that produced it, its
    outlier industries (under the first linkage type) and the selection score."""

    labels: tuple[int, ...]
    scores: dict[str, ValidationScore]
    parameters: dict[str, object]
    outliers: tuple[Outlier, ...]
    score: float


# --------------------------------------------------------------------------------------- validation


def _square(R, name: str = "R", *, allow_nan: bool = False) -> np.ndarray:
    try:
        M = np.asarray(R, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DefinitionError(f"{name} must be a numeric square matrix: {exc}") from None
    if M.ndim != 2 or M.shape[0] != M.shape[1]:
        raise DefinitionError(f"{name} must be a square matrix, got shape {M.shape}")
    if M.shape[0] < 2:
        raise DefinitionError(f"{name} has {M.shape[0]} industry; a definition needs at least 2")
    bad = np.isinf(M) if allow_nan else ~np.isfinite(M)
    if bad.any():
        i, j = (int(x) for x in np.argwhere(bad)[0])
        raise DefinitionError(f"{name}[{i}, {j}] = {float(M[i, j])!r}; only finite values are allowed")
    return M


def _codes(labels, n: int) -> tuple[np.ndarray, int]:
    lab = np.asarray(labels)
    if lab.ndim != 1 or lab.size != n:
        raise DefinitionError(f"labels must be 1-D with one label per industry ({n}), got shape {lab.shape}")
    if lab.dtype.kind == "f" and np.isnan(lab).any():
        raise DefinitionError(
            f"labels has a missing (NaN) label at position {int(np.flatnonzero(np.isnan(lab))[0])}"
        )
    uniq, codes = np.unique(lab, return_inverse=True)
    return codes.ravel(), len(uniq)


def _industry_cluster(M: np.ndarray, codes: np.ndarray, k: int) -> np.ndarray:
    """``out[i, B]`` = mean of ``M[i, j]`` over ``j`` in ``B``, ``j != i``, NaN skipped (NaN if none)."""
    n = M.shape[0]
    H = np.zeros((n, k))
    H[np.arange(n), codes] = 1.0
    V = np.where(np.isfinite(M), M, 0.0)
    C = np.isfinite(M).astype(float)
    np.fill_diagonal(V, 0.0)
    np.fill_diagonal(C, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(C @ H > 0, (V @ H) / (C @ H), np.nan)


def _cluster_matrix(M: np.ndarray, codes: np.ndarray, k: int) -> np.ndarray:
    n = M.shape[0]
    H = np.zeros((n, k))
    H[np.arange(n), codes] = 1.0
    V = np.where(np.isfinite(M), M, 0.0)
    C = np.isfinite(M).astype(float)
    np.fill_diagonal(V, 0.0)
    np.fill_diagonal(C, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(H.T @ C @ H > 0, (H.T @ V @ H) / (H.T @ C @ H), np.nan)


def _share(x: np.ndarray) -> float:
    return float(x.mean()) if x.size else float("nan")


def cluster_level_scores(C) -> ValidationScore:
    """``VS-Cluster``, ``within`` and ``between`` from a cluster x cluster matrix whose diagonal holds
    the within-cluster relatedness (as the published ``relatedClusters.json``); ``vs_industry`` is NaN
    (it needs industry data). A NaN diagonal (singleton) makes its comparisons failures and is left out
    of the means.
    """
    M = _square(C, "C", allow_nan=True)
    k = M.shape[0]
    w = np.diag(M)
    off = ~np.eye(k, dtype=bool)
    ok_row = off & np.isfinite(M)  # a NaN within (singleton) compares False: a failure
    wins = (w[:, None] > M)[ok_row]
    offv = M[off]
    nearest = np.where(off & np.isfinite(M), M, -np.inf).max(axis=1)
    gaps = (w - nearest)[np.isfinite(w) & np.isfinite(nearest)]
    return ValidationScore(
        vs_cluster=_share(wins),
        vs_industry=float("nan"),
        within=float(np.nanmean(w)) if np.isfinite(w).any() else float("nan"),
        between=float(np.nanmean(offv)) if np.isfinite(offv).any() else float("nan"),
        separation=_share(gaps),
    )


def validation_scores(labels: Sequence, linkages: Mapping[str, object]) -> dict[str, ValidationScore]:
    """Validation scores of the partition ``labels`` for every linkage matrix in ``linkages``.

    For each linkage ``L`` (industry x industry, NaN allowed and skipped): ``VS-Cluster`` = share of
    ordered cluster pairs ``(A, B)``, ``A != B``, with :math:`CR^L_{AA} > CR^L_{AB}`; ``VS-Industry`` =
    share of pairs (industry ``i``, cluster ``B != c(i)``) with :math:`R^L_{i,c(i)} > R^L_{iB}`; ``within``
    and ``between`` the unweighted means of :math:`CR^L_{AA}` and of :math:`CR^L_{AB}` (``A != B``).
    Self-pairs ``i = i`` never count; the comparisons of a singleton cluster (no within value) count as
    failures.

    References
    ----------
    M. Delgado, M. E. Porter and S. Stern, "Defining clusters of related industries", *Journal of
    Economic Geography* 16(1) (2016) 1-38, doi:10.1093/jeg/lbv017.
    """
    if not linkages:
        raise DefinitionError("linkages is empty: give at least one relatedness matrix")
    out: dict[str, ValidationScore] = {}
    codes = None
    for name, L in linkages.items():
        M = _square(L, f"linkages[{name!r}]", allow_nan=True)
        if codes is None:
            codes, k = _codes(labels, M.shape[0])
        elif M.shape[0] != codes.size:
            raise DefinitionError(f"linkages[{name!r}] has shape {M.shape}, expected {codes.size} industries")
        if k < 2:
            raise DefinitionError(
                "labels put every industry in one cluster; validation needs at least 2 clusters"
            )
        cs = cluster_level_scores(_cluster_matrix(M, codes, k))
        IC = _industry_cluster(M, codes, k)
        own = IC[np.arange(codes.size), codes]
        other = np.ones_like(IC, dtype=bool)
        other[np.arange(codes.size), codes] = False
        valid = other & np.isfinite(IC)  # a NaN own value (singleton) compares False: a failure
        wins = (own[:, None] > IC)[valid]
        out[name] = ValidationScore(cs.vs_cluster, _share(wins), cs.within, cs.between, cs.separation)
    return out


def outlier_industries(labels: Sequence, R) -> tuple[Outlier, ...]:
    """Industries more related on average to another cluster than to the rest of their own.

    Industry ``i`` in cluster ``A`` is an outlier when :math:`\\max_{B \\ne A} R_{iB} > R_{iA}`, with
    :math:`R_{iB}` the mean of :math:`R_{ij}` over ``j`` in ``B``, ``j != i``. Members of singleton
    clusters are never outliers (they have no own-cluster value). Cluster numbers are positions in
    ``numpy.unique(labels)``.
    """
    M = _square(R, allow_nan=True)
    codes, k = _codes(labels, M.shape[0])
    IC = _industry_cluster(M, codes, k)
    n = codes.size
    own = IC[np.arange(n), codes]
    others = IC.copy()
    others[np.arange(n), codes] = -np.inf
    others = np.where(np.isnan(others), -np.inf, others)
    best = others.argmax(axis=1)
    best_val = others[np.arange(n), best]
    out = []
    for i in np.flatnonzero(np.isfinite(own) & (best_val > own)):
        out.append(Outlier(int(i), int(codes[i]), int(best[i]), float(own[i]), float(best_val[i])))
    return tuple(out)


# --------------------------------------------------------------------------------------- candidates


def _canonical(labels: np.ndarray) -> tuple[int, ...]:
    """Renumber labels 0, 1, ... by first appearance, so equal partitions compare equal."""
    seen: dict[int, int] = {}
    return tuple(seen.setdefault(int(x), len(seen)) for x in labels)


def _kmeans_pp(X: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    n = X.shape[0]
    centres = np.empty((k, X.shape[1]))
    centres[0] = X[rng.integers(n)]
    d2 = ((X - centres[0]) ** 2).sum(axis=1)
    for c in range(1, k):
        total = d2.sum()
        idx = rng.integers(n) if total <= 0 else rng.choice(n, p=d2 / total)
        centres[c] = X[idx]
        d2 = np.minimum(d2, ((X - centres[c]) ** 2).sum(axis=1))
    return centres


def _sqdist(X: np.ndarray, centres: np.ndarray, xx: np.ndarray | None = None) -> np.ndarray:
    xx = (X * X).sum(axis=1) if xx is None else xx
    d = xx[:, None] - 2.0 * (X @ centres.T) + (centres * centres).sum(axis=1)[None, :]
    return np.maximum(d, 0.0)


def _kmeans(X: np.ndarray, k: int, rng: np.random.Generator, n_init: int, max_iter: int = 300) -> np.ndarray:
    best_labels, best_inertia = None, np.inf
    xx = (X * X).sum(axis=1)
    for _ in range(n_init):
        centres = _kmeans_pp(X, k, rng)
        labels = None
        for _ in range(max_iter):
            D = _sqdist(X, centres, xx)
            new = D.argmin(axis=1)
            counts = np.bincount(new, minlength=k)
            for c in np.flatnonzero(counts == 0):  # empty cluster: take the worst-fitted point
                far = int(D[np.arange(X.shape[0]), new].argmax())
                new[far] = c
                D[far] = 0.0
                counts = np.bincount(new, minlength=k)
            if labels is not None and np.array_equal(new, labels):
                break
            labels = new
            for c in range(k):
                centres[c] = X[labels == c].mean(axis=0)
        inertia = _sqdist(X, centres, xx)[np.arange(X.shape[0]), labels].sum()
        if inertia < best_inertia - 1e-12:
            best_labels, best_inertia = labels.copy(), inertia
    return best_labels


def _scaled(R) -> np.ndarray:
    M = _square(R)
    M = (M + M.T) / 2.0
    off = M[~np.eye(M.shape[0], dtype=bool)]
    lo, hi = off.min(), off.max()
    if hi <= lo and M.shape[0] == 2:  # one pair: nothing to rescale, the only split is two singletons
        S = np.eye(2)
        return S
    if hi <= lo:
        raise DefinitionError(
            f"R's off-diagonal values are all {float(lo)!r}: a constant matrix has no clusters to find"
        )
    S = (M - lo) / (hi - lo)
    np.fill_diagonal(S, 1.0)
    return S


def candidate_definitions(
    R,
    *,
    methods: Iterable[str] = _DEFAULT_METHODS,
    n_clusters: Iterable[int] | None = None,
    seed: int = 0,
    n_init: int = 10,
    progress: Callable[[int, int, str], None] | None = None,
) -> tuple[Candidate, ...]:
    """Candidate partitions of industries from the relatedness matrix ``R``.

    One candidate per (method, ``k``) in ``methods`` x ``n_clusters``, in that order (see the module
    docstring for the rescaling, distances and seeding). Deterministic for a given ``seed``.

    Parameters
    ----------
    R : array_like, shape (n, n)
        Industry relatedness, finite (NaN is refused: fill or drop first); larger = more related.
    methods : iterable of str
        From ``CLUSTERING_METHODS``: ``"average"``, ``"complete"``, ``"single"``, ``"weighted"``
        (hierarchical on ``1 - S``), ``"ward"`` (on the rows of ``S``), ``"kmeans"`` (on the rows of ``S``).
    n_clusters : iterable of int, optional
        Each ``2 <= k <= n``; default ``2 .. min(n, 60)``.
    seed : int
        Seed of the k-means restarts (``numpy.random.default_rng([seed, k])``).
    n_init : int
        k-means restarts per ``k``.
    progress : callable, optional
        Called as ``progress(done, total, "candidates")`` after each method (each ``k`` of k-means).

    References
    ----------
    M. Delgado, M. E. Porter and S. Stern, "Defining clusters of related industries", *Journal of
    Economic Geography* 16(1) (2016) 1-38, doi:10.1093/jeg/lbv017. D. Arthur and S. Vassilvitskii,
    "k-means++: the advantages of careful seeding", *Proc. SODA 2007*, 1027-1035.
    """
    methods = tuple(methods)
    if not methods:
        raise DefinitionError(f"methods is empty; choose from {CLUSTERING_METHODS}")
    for m in methods:
        if m not in CLUSTERING_METHODS:
            raise DefinitionError(f"method {m!r} is not one of {CLUSTERING_METHODS}")
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise DefinitionError(f"seed={seed!r} must be a non-negative integer")
    if not isinstance(n_init, (int, np.integer)) or n_init < 1:
        raise DefinitionError(f"n_init={n_init!r} must be a positive integer")
    S = _scaled(R)
    n = S.shape[0]
    ks = tuple(range(2, min(n, 60) + 1)) if n_clusters is None else tuple(n_clusters)
    if not ks:
        raise DefinitionError("n_clusters is empty")
    for k in ks:
        if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or not 2 <= k <= n:
            raise DefinitionError(f"n_clusters value {k!r} must be an integer from 2 to {n} (the industries)")
    D = squareform(1.0 - S, checks=False)
    out: list[Candidate] = []
    total = sum(len(ks) if m == "kmeans" else 1 for m in methods)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total, "candidates")

    for m in methods:
        if m == "kmeans":
            for k in ks:
                rng = np.random.default_rng([int(seed), int(k)])
                out.append(Candidate(_canonical(_kmeans(S, int(k), rng, int(n_init))), m, int(k), int(seed)))
                step()
            continue
        Z = linkage(S, method="ward") if m == "ward" else linkage(D, method=m)
        cuts = cut_tree(Z, n_clusters=[int(k) for k in ks])
        for col, k in enumerate(ks):
            out.append(Candidate(_canonical(cuts[:, col]), m, int(k), None))
        step()
    return tuple(out)


def _selection_score(scores: Mapping[str, ValidationScore]) -> tuple[float, float]:
    """(mean over linkages of (VS-Cluster + VS-Industry) / 2, mean over linkages of separation)."""
    vs = [np.nanmean([s.vs_cluster, s.vs_industry]) for s in scores.values()]
    sep = [s.separation for s in scores.values()]
    return float(np.nanmean(vs)), float(np.nanmean(sep)) if np.isfinite(sep).any() else float("-inf")


def best_definition(
    R,
    *,
    linkages: Mapping[str, object] | None = None,
    methods: Iterable[str] = _DEFAULT_METHODS,
    n_clusters: Iterable[int] | None = None,
    seed: int = 0,
    n_init: int = 10,
    tolerance: float = 0.01,
    progress: Callable[[int, int, str], None] | None = None,
) -> Definition:
    """Build candidates from ``R`` (:func:`candidate_definitions`), score each on every linkage type
    (:func:`validation_scores`; default ``{"relatedness": R}``) and return the best.

    The selection score is the mean over linkage types of ``(VS-Cluster + VS-Industry) / 2``. The VS
    shares saturate (every reasonable partition near the true one scores 1), so among the candidates
    whose score is within ``tolerance`` of the best the one with the largest mean ``separation`` wins
    (then the earlier candidate). ``outliers`` are computed on the first linkage type. Partitions found
    by several methods are scored once (the first one is reported).

    References
    ----------
    M. Delgado, M. E. Porter and S. Stern, "Defining clusters of related industries", *Journal of
    Economic Geography* 16(1) (2016) 1-38, doi:10.1093/jeg/lbv017.
    """
    links = {"relatedness": R} if linkages is None else dict(linkages)
    if not links:
        raise DefinitionError("linkages is empty: give at least one relatedness matrix")
    cands = candidate_definitions(
        R, methods=methods, n_clusters=n_clusters, seed=seed, n_init=n_init, progress=progress
    )
    n = len(cands[0].labels)
    for name, L in links.items():
        shape = np.shape(L)
        if shape != (n, n):
            raise DefinitionError(f"linkages[{name!r}] has shape {shape}, expected ({n}, {n}) like R")
    if not (isinstance(tolerance, (int, float)) and 0 <= tolerance < 1):
        raise DefinitionError(f"tolerance={tolerance!r} must be a number in [0, 1)")
    scored = []
    seen: set[tuple[int, ...]] = set()
    for i, c in enumerate(cands, start=1):
        if progress is not None:
            progress(i, len(cands), "validation scores")
        if c.labels in seen:
            continue
        seen.add(c.labels)
        scores = validation_scores(c.labels, links)
        scored.append((_selection_score(scores), c, scores))
    top = max(key[0] for key, _, _ in scored)
    near = [item for item in scored if item[0][0] >= top - tolerance - 1e-12]
    best = max(near, key=lambda item: item[0][1])  # max keeps the first of equal keys
    (score, _), cand, scores = best
    first = next(iter(links.values()))
    return Definition(
        labels=cand.labels,
        scores=scores,
        parameters={"method": cand.method, "n_clusters": cand.n_clusters, "seed": cand.seed},
        outliers=outlier_industries(cand.labels, first),
        score=score,
    )


def adjusted_rand_index(a: Sequence, b: Sequence) -> float:
    """Adjusted Rand index of two partitions (Hubert and Arabie 1985): 1 for identical partitions,
    about 0 for independent ones.

    :math:`ARI = (\\sum_{ij}\\binom{n_{ij}}{2} - t)/(\\frac12(\\sum_i\\binom{a_i}{2} + \\sum_j\\binom{b_j}{2})
    - t)`, :math:`t = \\sum_i\\binom{a_i}{2}\\sum_j\\binom{b_j}{2}/\\binom{n}{2}`; 1.0 when both put
    everything together or everything apart (the denominator is zero).

    References
    ----------
    L. Hubert and P. Arabie, "Comparing partitions", *Journal of Classification* 2 (1985) 193-218,
    doi:10.1007/BF01908075.
    """
    x, y = np.asarray(a), np.asarray(b)
    if x.ndim != 1 or x.shape != y.shape:
        raise DefinitionError(f"partitions must be 1-D of equal length, got shapes {x.shape} and {y.shape}")
    _, xi = np.unique(x, return_inverse=True)
    _, yi = np.unique(y, return_inverse=True)
    table = np.zeros((xi.max() + 1 if x.size else 0, yi.max() + 1 if y.size else 0))
    np.add.at(table, (xi.ravel(), yi.ravel()), 1)

    def c2(v):
        return (v * (v - 1) / 2.0).sum()

    n = x.size
    sum_ij = c2(table)
    sa, sb = c2(table.sum(axis=1)), c2(table.sum(axis=0))
    total = n * (n - 1) / 2.0
    expected = sa * sb / total if total else 0.0
    denom = (sa + sb) / 2.0 - expected
    return 1.0 if denom == 0 else float((sum_ij - expected) / denom)
