"""Relatedness between industries (or clusters) in the manner of Delgado, Porter and Stern (2016):
co-location of employment or establishments across regions, the standardised combination of several
linkage types, percentiles and "related" flags of pairs, and aggregation of an industry x industry
matrix to a cluster x cluster matrix.

Conventions, each checked on the published US Cluster Mapping file ``relatedClusters.json`` (see
``docs/methods/relatedness.md``):

* **Co-location** ``LC_ij`` is the Pearson correlation, across regions, of the *levels* of employment
  (``LC-Emp``) or establishments (``LC-Est``) of activities ``i`` and ``j`` [1]_ [2]_ (``method=
  "correlation"``). The correlation of location quotients and the cosine of levels are offered under
  their own names; on the 50 US states the level correlation ranks cluster pairs as the
  published ``cr_lcemp`` does (Spearman 0.80) and the LQ correlation does not (0.14).
* **Combined relatedness** is the mean over linkage types of each linkage's z-score, the mean and
  standard deviation being taken over the off-diagonal pairs ``i != j``. The published ``cr_all`` is an
  exact affine function of ``cr_lcemp, cr_lcest, cr_io, cr_occ`` (residual < 1e-6), as this
  construction implies.
* **Percentiles** ``0..99`` are ``ceil(100 F(x)) - 1`` with ``F`` the empirical distribution function of
  all off-diagonal values (ordered pairs; ties share the highest rank); a pair is **related** when its
  percentile is at least ``100 (1 - top)``, i.e. it lies in the top decile for ``top=0.10``.
* **Cluster relatedness** of clusters ``A, B`` is the mean of ``R_ij`` over ``i`` in ``A``, ``j`` in ``B``,
  ``i != j`` (the self-pairs ``i = i`` are excluded, so a singleton cluster has no within value).

References
----------
.. [1] M. Delgado, M. E. Porter and S. Stern, "Defining clusters of related industries", *Journal of
   Economic Geography* 16(1) (2016) 1-38, doi:10.1093/jeg/lbv017.
.. [2] M. E. Porter, "The economic performance of regions", *Regional Studies* 37(6-7) (2003) 549-578,
   doi:10.1080/0034340032000108688 (locational correlation of employment).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "COLOCATION_METHODS",
    "ClusterRelatedness",
    "RelatednessError",
    "cluster_relatedness",
    "colocation_relatedness",
    "combine_relatedness",
    "offdiagonal_zscores",
    "related_pairs",
    "relatedness_percentiles",
]

#: Names accepted by :func:`colocation_relatedness`; the first is the Delgado-Porter-Stern measure.
COLOCATION_METHODS = ("correlation", "lq_correlation", "cosine")


class RelatednessError(ValueError):
    """A relatedness input is malformed (shape, negative or missing values, unknown option)."""


def _matrix(X, name: str, *, square: bool = False, allow_nan: bool = False) -> np.ndarray:
    try:
        a = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as exc:
        raise RelatednessError(f"{name} must be a numeric 2-D array: {exc}") from None
    if a.ndim != 2:
        raise RelatednessError(f"{name} must be 2-D, got shape {a.shape}")
    if square and a.shape[0] != a.shape[1]:
        raise RelatednessError(f"{name} must be square, got shape {a.shape}")
    if np.isinf(a).any() or (not allow_nan and np.isnan(a).any()):
        bad = np.argwhere(~np.isfinite(a))[0]
        raise RelatednessError(
            f"{name} has a non-finite value {float(a[tuple(bad)])!r} at {tuple(int(b) for b in bad)}"
        )
    return a


def _pearson_columns(A: np.ndarray) -> np.ndarray:
    """Pearson correlation of the columns of ``A``; a constant column gives a NaN row and column."""
    c = A - A.mean(axis=0)
    norm = np.sqrt((c * c).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = c / norm
    z[:, norm == 0] = np.nan
    R = z.T @ z
    np.clip(R, -1.0, 1.0, out=R)
    ok = norm > 0
    R[np.diag_indices_from(R)] = np.where(ok, 1.0, np.nan)
    return R


def colocation_relatedness(X, *, method: str = "correlation") -> np.ndarray:
    """Activity x activity relatedness from co-location across regions.

    Parameters
    ----------
    X : array_like, shape (n_regions, n_activities)
        Employment (for ``LC-Emp``) or establishment counts (for ``LC-Est``), non-negative and finite.
    method : {"correlation", "lq_correlation", "cosine"}
        ``"correlation"`` (Delgado-Porter-Stern, Porter 2003): :math:`LC_{ij} = \\mathrm{corr}_r(x_{ri},
        x_{rj})`, the Pearson correlation of levels across regions ``r``.
        ``"lq_correlation"``: the correlation of location quotients :math:`LQ_{ri} = (x_{ri}/x_r)/(x_i/x)`
        (regions with no activity at all are left out); the correlation of regional shares
        :math:`x_{ri}/x_r` is the same number (Pearson ignores the column factor :math:`x/x_i`).
        ``"cosine"``: :math:`\\sum_r x_{ri}x_{rj} / (\\lVert x_i\\rVert
        \\lVert x_j\\rVert)`.

    Returns
    -------
    numpy.ndarray, shape (n_activities, n_activities)
        Symmetric; diagonal 1. An activity with no variation across regions (e.g. all zero) has a NaN
        row and column: its co-location with anything is undefined.

    References
    ----------
    M. Delgado, M. E. Porter and S. Stern, "Defining clusters of related industries", *Journal of
    Economic Geography* 16(1) (2016) 1-38, doi:10.1093/jeg/lbv017. M. E. Porter, "The economic
    performance of regions", *Regional Studies* 37 (2003) 549-578, doi:10.1080/0034340032000108688.
    """
    if method not in COLOCATION_METHODS:
        raise RelatednessError(f"method={method!r} is not one of {COLOCATION_METHODS}")
    A = _matrix(X, "X")
    if A.shape[0] < 2:
        raise RelatednessError(f"X needs at least 2 regions (rows) to measure co-location, got {A.shape[0]}")
    if (A < 0).any():
        bad = np.argwhere(A < 0)[0]
        raise RelatednessError(
            f"X has a negative value {float(A[tuple(bad)])!r} at {tuple(int(b) for b in bad)}"
        )
    if method == "correlation":
        return _pearson_columns(A)
    if method == "cosine":
        norm = np.sqrt((A * A).sum(axis=0))
        with np.errstate(invalid="ignore", divide="ignore"):
            U = A / norm
        U[:, norm == 0] = np.nan
        R = np.clip(U.T @ U, -1.0, 1.0)
        R[np.diag_indices_from(R)] = np.where(norm > 0, 1.0, np.nan)
        return R
    region_total = A.sum(axis=1)
    A = A[region_total > 0]
    region_total = region_total[region_total > 0]
    if A.shape[0] < 2:
        raise RelatednessError("X needs at least 2 regions with activity for an LQ correlation")
    shares = A / region_total[:, None]
    national = A.sum(axis=0) / A.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        lq = np.where(national > 0, shares / national, 0.0)
    return _pearson_columns(lq)


def _offdiag(n: int) -> np.ndarray:
    return ~np.eye(n, dtype=bool)


def offdiagonal_zscores(R) -> np.ndarray:
    """``(R - mean) / std`` with the mean and (population) standard deviation of the finite off-diagonal
    entries; the diagonal is standardised with the same constants. NaN stays NaN.

    Raises :class:`RelatednessError` if the off-diagonal values are constant (no spread to standardise).
    """
    M = _matrix(R, "R", square=True, allow_nan=True)
    vals = M[_offdiag(M.shape[0])]
    vals = vals[np.isfinite(vals)]
    if vals.size < 2:
        raise RelatednessError("R needs at least two finite off-diagonal values to standardise")
    sd = vals.std()
    if sd == 0:
        raise RelatednessError(f"R's off-diagonal values are all {float(vals[0])!r}: nothing to standardise")
    return (M - vals.mean()) / sd


def combine_relatedness(
    matrices: Mapping[str, object],
    *,
    standardise: bool = True,
    weights: Mapping[str, float] | None = None,
) -> np.ndarray:
    """Combined relatedness of several linkage types (co-location, input-output, occupations, ...).

    :math:`R^{all}_{ij} = \\sum_k w_k z^k_{ij} / \\sum_k w_k`, with :math:`z^k` the z-score of linkage
    ``k`` over its off-diagonal pairs (:func:`offdiagonal_zscores`) when ``standardise`` is true, or the
    raw values otherwise; equal weights by default, as in Delgado-Porter-Stern's combined measure. A pair
    missing (NaN) in one linkage is averaged over the linkages where it is present.

    Parameters
    ----------
    matrices : mapping of name -> square array
        All of the same shape; e.g. ``{"lc_emp": ..., "lc_est": ..., "io": ..., "occ": ...}``. The
        input-output and occupation matrices are the user's own (they are not derived here).
    standardise : bool
        z-score each linkage before averaging.
    weights : mapping of name -> positive float, optional
        Weight per linkage (same keys as ``matrices``).

    References
    ----------
    M. Delgado, M. E. Porter and S. Stern, "Defining clusters of related industries", *Journal of
    Economic Geography* 16(1) (2016) 1-38, doi:10.1093/jeg/lbv017.
    """
    if not matrices:
        raise RelatednessError("matrices is empty: give at least one linkage matrix")
    names = list(matrices)
    if weights is not None:
        if set(weights) != set(names):
            raise RelatednessError(
                f"weights keys {sorted(weights)} differ from matrices keys {sorted(names)}"
            )
        for k, w in weights.items():
            if not (np.isfinite(w) and w > 0):
                raise RelatednessError(f"weights[{k!r}]={w!r} must be a positive finite number")
    shape = None
    total = None
    wsum = None
    for name in names:
        M = _matrix(matrices[name], f"matrices[{name!r}]", square=True, allow_nan=True)
        if shape is None:
            shape = M.shape
        elif M.shape != shape:
            raise RelatednessError(f"matrices[{name!r}] has shape {M.shape}, expected {shape}")
        Z = offdiagonal_zscores(M) if standardise else M
        w = 1.0 if weights is None else float(weights[name])
        present = np.isfinite(Z)
        contrib = np.where(present, w * Z, 0.0)
        total = contrib if total is None else total + contrib
        wsum = present * w if wsum is None else wsum + present * w
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(wsum > 0, total / wsum, np.nan)


def relatedness_percentiles(R) -> np.ndarray:
    """Percentile ``0..99`` of every off-diagonal pair among all off-diagonal pairs (ordered pairs).

    :math:`pc_{ij} = \\lceil 100\\,F(R_{ij}) \\rceil - 1`, with :math:`F(x)` the share of finite
    off-diagonal values ``<= x`` (ties share the highest rank). The largest value gets 99. The diagonal
    and NaN entries get -1. This reproduces the ``*_pc`` fields of ``relatedClusters.json`` for
    99.9 % (``cr_lcemp_pc``) and 99.6 % (``cr_all_pc``) of the 2,550 off-diagonal pairs.
    """
    M = _matrix(R, "R", square=True, allow_nan=True)
    mask = _offdiag(M.shape[0]) & np.isfinite(M)
    out = np.full(M.shape, -1, dtype=int)
    vals = M[mask]
    if vals.size == 0:
        return out
    order = np.argsort(vals, kind="stable")
    s = vals[order]
    at_most = np.empty(vals.size, dtype=np.int64)
    at_most[order] = np.searchsorted(s, s, side="right")  # sorted queries: ties share the top rank
    out[mask] = np.ceil(100.0 * at_most / vals.size - 1e-9).astype(int) - 1
    return out


def related_pairs(R, *, top: float = 0.10) -> np.ndarray:
    """Flags of related pairs: off-diagonal pairs in the top ``top`` share of the whole matrix.

    The rule: ``relatedness_percentiles(R) >= 100 * (1 - top)`` (percentile 90..99 for the default top
    decile), over all off-diagonal pairs of the matrix at once, not per row. For a symmetric ``R`` the
    flags are symmetric. On ``relatedClusters.json`` this reproduces ``rel_all_90_v3`` from ``cr_all`` for
    99.5 % of the off-diagonal pairs (256 published flags of 2,550, 10.0 %).
    """
    if not (isinstance(top, (int, float)) and 0 < top < 1):
        raise RelatednessError(f"top={top!r} must be a share strictly between 0 and 1")
    pc = relatedness_percentiles(R)
    return pc >= int(round(100 * (1 - top)))


@dataclass(frozen=True)
class ClusterRelatedness:
    """Cluster x cluster relatedness: ``matrix[a, b]`` for ``clusters[a]``, ``clusters[b]``; ``sizes`` the
    number of industries of each cluster."""

    clusters: tuple
    sizes: np.ndarray
    matrix: np.ndarray

    @property
    def within(self) -> np.ndarray:
        """The diagonal: mean relatedness of pairs of distinct industries of the same cluster."""
        return np.diag(self.matrix).copy()


def _labels(labels, n: int) -> tuple[np.ndarray, tuple]:
    lab = np.asarray(labels)
    if lab.ndim != 1 or lab.size != n:
        raise RelatednessError(f"labels must be 1-D with one label per industry ({n}), got shape {lab.shape}")
    if lab.dtype.kind == "f" and np.isnan(lab).any():
        raise RelatednessError(
            f"labels has a missing (NaN) label at position {int(np.flatnonzero(np.isnan(lab))[0])}"
        )
    clusters, codes = np.unique(lab, return_inverse=True)
    return codes.ravel(), tuple(clusters.tolist())


def cluster_relatedness(R, labels: Sequence) -> ClusterRelatedness:
    """Aggregate industry relatedness ``R`` to clusters.

    :math:`CR_{AB} = \\frac{1}{|P_{AB}|}\\sum_{(i,j)\\in P_{AB}} R_{ij}`, with :math:`P_{AB} = \\{(i, j): i
    \\in A, j \\in B, i \\ne j\\}`; the self-pairs are excluded, so the within value of a singleton cluster
    is NaN. NaN entries of ``R`` are skipped. For an asymmetric ``R`` (e.g. input-output) ``CR_AB`` uses
    ``R_ij`` with ``i`` in ``A``. Clusters are ordered by ``numpy.unique`` of the labels.

    References
    ----------
    M. Delgado, M. E. Porter and S. Stern, "Defining clusters of related industries", *Journal of
    Economic Geography* 16(1) (2016) 1-38, doi:10.1093/jeg/lbv017.
    """
    M = _matrix(R, "R", square=True, allow_nan=True)
    codes, clusters = _labels(labels, M.shape[0])
    k = len(clusters)
    H = np.zeros((M.shape[0], k))
    H[np.arange(M.shape[0]), codes] = 1.0
    V = np.where(np.isfinite(M), M, 0.0)
    np.fill_diagonal(V, 0.0)
    C = np.isfinite(M).astype(float)
    np.fill_diagonal(C, 0.0)
    sums = H.T @ V @ H
    counts = H.T @ C @ H
    with np.errstate(invalid="ignore", divide="ignore"):
        mat = np.where(counts > 0, sums / counts, np.nan)
    return ClusterRelatedness(clusters=clusters, sizes=H.sum(axis=0).astype(int), matrix=mat)
