"""Cluster strength: the U.S. Cluster Mapping Project flags (qualifying, significant, strong, strong
top-10%), the European Cluster Observatory stars (size, specialisation, focus, and the productivity
variant) and a region's share of traded employment in strong clusters.

:func:`uscmp_strength` works on long arrays, one row per region x cluster x year, grouped by
sorting, and :func:`uscmp_strength_panel` on a dense years x regions x clusters panel; the star
functions work on matrices of regions x clusters, like
:mod:`clusterworks.analytics.specialisation`. The method page is ``docs/methods/strength.md``.

References
----------
.. [1] M. Delgado, M. E. Porter and S. Stern, "Defining clusters of related industries", *Journal of
   Economic Geography* 16 (2016) 1-38, doi:10.1093/jeg/lbv017.
.. [2] U.S. Cluster Mapping Project, Harvard Business School, clustermapping.us; the flags are those of
   ``data/processing/cluster_calcs_reducer.js`` in github.com/clustermapping/cmp (GPL-2.0; rule
   restated here, no code taken).
.. [3] C. Ketels and Ö. Sölvell, *Innovation Clusters in the 10 New Member States of the European
   Union*, Europe INNOVA paper 1, European Commission, 2006.
.. [4] Ö. Sölvell, C. Ketels and G. Lindqvist, *The European Cluster Observatory: EU Cluster Mapping
   and Strengthening Clusters in Europe*, Europe INNOVA paper 12, European Commission, 2009.
.. [5] C. Ketels and S. Protsiv, *European Cluster Panorama 2016*, European Cluster Observatory,
   European Commission, 2016 (stars with productivity).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .specialisation import SpecialisationError, location_quotient

__all__ = [
    "EcoStars",
    "StrengthError",
    "StrengthFlags",
    "StrengthPanel",
    "eco_stars",
    "region_cluster_strength",
    "stars_with_productivity",
    "top_share",
    "uscmp_strength",
    "uscmp_strength_panel",
]


class StrengthError(SpecialisationError):
    """An argument of a cluster-strength function breaks its rules."""


# ------------------------------------------------------------------------------------------ USCMP
@dataclass(frozen=True)
class StrengthFlags:
    """The U.S. Cluster Mapping flags of every input row, and the thresholds of every group.

    Attributes
    ----------
    qualifying, significant, strong, strong10 : ndarray of bool, shape (n_rows,)
        The flags; False on local rows (the USCMP leaves them empty: see ``flagged``).
    flagged : ndarray of bool, shape (n_rows,)
        True on traded rows, the rows the flags apply to.
    group : ndarray of int, shape (n_rows,)
        Index of the row's (region_type, cluster, year) group in the threshold arrays.
    group_region_type, group_cluster, group_year : ndarray, shape (n_groups,)
        The group keys.
    n : ndarray of int, shape (n_groups,)
        Traded rows with employment > 0 in the group: the sample of the quantiles.
    emp_q25, est_q25, lq_q25, lq_q50, lq_q75, lq_q90 : ndarray of float, shape (n_groups,)
        The quantiles (NaN for a group with no such row; every comparison with NaN is False).
    """

    qualifying: np.ndarray
    significant: np.ndarray
    strong: np.ndarray
    strong10: np.ndarray
    flagged: np.ndarray
    group: np.ndarray
    group_region_type: np.ndarray
    group_cluster: np.ndarray
    group_year: np.ndarray
    n: np.ndarray
    emp_q25: np.ndarray
    est_q25: np.ndarray
    lq_q25: np.ndarray
    lq_q50: np.ndarray
    lq_q75: np.ndarray
    lq_q90: np.ndarray


def _factorize(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(uniques, codes) of a key column; O(n) for a constant key or integers of a small range."""
    if key.size and key.dtype.kind in "iu":
        lo, hi = int(key.min()), int(key.max())
        if hi - lo <= max(4 * key.size, 1 << 16):
            seen = np.zeros(hi - lo + 1, dtype=bool)
            seen[key - lo] = True
            code_of = np.cumsum(seen) - 1
            return np.flatnonzero(seen) + lo, code_of[key - lo]
    if key.size and np.all(key == key[0]):
        return key[:1].copy(), np.zeros(key.size, dtype=np.int64)
    uniques, codes = np.unique(key, return_inverse=True)
    return uniques, codes.reshape(-1)


def _radix_order(group: np.ndarray) -> np.ndarray:
    """Stable permutation sorting by a non-negative integer group id: LSD radix sort in 16-bit
    digits (numpy's stable sort of uint16 is a radix sort), O(n) per digit."""
    order = np.arange(group.size)
    g = group.astype(np.int64)
    top = int(g.max()) if g.size else 0
    shift = 0
    while True:
        step = np.argsort(((g >> shift) & 0xFFFF).astype(np.uint16), kind="stable")
        order, g = order[step], g[step]
        shift += 16
        if top >> shift == 0:
            return order


def _group_quantiles(
    values: np.ndarray, group: np.ndarray, n_groups: int, probs, order: np.ndarray | None = None
) -> list[np.ndarray]:
    """Linear-interpolation quantiles (d3.quantile = numpy's default) of ``values`` within each group,
    non-finite values left out, for each probability in ``probs``; ``order`` is
    :func:`_radix_order` of ``group`` when the caller already has it.

    The rows are placed by a radix sort on the group into a (groups x largest group) matrix padded
    with +inf, whose rows numpy sorts at once; when groups are too uneven for that, one value sort
    followed by a stable radix sort on the group orders them instead."""
    v = np.where(np.isfinite(values), values, np.inf)
    n = np.bincount(group[np.isfinite(values)], minlength=n_groups)
    size = np.bincount(group, minlength=n_groups)
    width = int(size.max()) if size.size else 0
    start = np.concatenate(([0], np.cumsum(size)[:-1]))
    if n_groups * width <= 4 * v.size + 1024:
        order = _radix_order(group) if order is None else order
        gs = group[order]
        table = np.full((n_groups, width), np.inf)
        table[gs, np.arange(v.size) - start[gs]] = v[order]
        table.sort(axis=1)

        def at(rows, cols):
            return table[rows, cols]

        first = np.zeros(n_groups, dtype=np.int64)
    else:
        order = np.argsort(v, kind="stable")
        order = order[_radix_order(group[order])]
        flat = v[order]

        def at(rows, cols):
            return flat[cols]

        first = start
    out = []
    has = np.flatnonzero(n > 0)
    for p in probs:
        q = np.full(n_groups, np.nan)
        h = (n[has] - 1) * p
        lo = np.floor(h).astype(np.int64)
        e = h - lo
        i = first[has] + lo
        hi = np.minimum(i + 1, first[has] + n[has] - 1)
        a, b = at(has, i), at(has, hi)
        q[has] = np.where(e > 0, a + e * (b - a), a)
        out.append(q)
    return out


def uscmp_strength(*, region_type, cluster, year, employment, establishments, lq, traded) -> StrengthFlags:
    r"""The U.S. Cluster Mapping Project flags of region-cluster-year rows.

    Within each (region_type, cluster, year) group, the sample is the traded rows with employment
    > 0; from it come the quantiles (linear interpolation between order statistics, ``d3.quantile`` =
    :func:`numpy.quantile` default) ``E25`` of employment, ``N25`` of establishments and ``L25``,
    ``L50``, ``L75``, ``L90`` of the LQ. Every traded row of the group (employment 0 included) gets

    - qualifying  = ``lq > L25`` and ``emp > E25`` and ``est > N25``
    - significant = ``lq > L50`` and ``emp > E25`` and ``est > N25``
    - strong      = ``lq >= L75`` and ``emp > E25`` and ``est > N25`` and ``lq >= 1``
    - strong10    = ``lq >= L90`` and ``emp > E25`` and ``est > N25`` and ``lq >= 1``

    Local rows get no flag (False here, empty in the USCMP files; ``flagged`` marks the traded rows).
    NaN values are left out of their quantile and fail their comparisons. The USCMP ranks custom
    regions together with economic areas: pass ``"economic"`` as their region type to do the same.

    Parameters
    ----------
    region_type, cluster, year : array_like, shape (n,)
        The group keys (any sortable values).
    employment, establishments, lq : array_like of float, shape (n,)
    traded : array_like of bool, shape (n,)

    Returns
    -------
    StrengthFlags

    References
    ----------
    Delgado, Porter and Stern (2016), doi:10.1093/jeg/lbv017; clustermapping/cmp
    ``cluster_calcs_reducer.js``.
    """
    keys = [np.asarray(region_type), np.asarray(cluster), np.asarray(year)]
    nums = [
        np.asarray(employment, dtype=float),
        np.asarray(establishments, dtype=float),
        np.asarray(lq, dtype=float),
    ]
    tr = np.asarray(traded)
    arrays = {"region_type": keys[0], "cluster": keys[1], "year": keys[2], "employment": nums[0]}
    arrays |= {"establishments": nums[1], "lq": nums[2], "traded": tr}
    n = keys[0].shape
    for name, a in arrays.items():
        if a.ndim != 1 or a.shape != n:
            raise StrengthError(
                f"{name} must be 1-D with the length of region_type ({n[0] if n else 0}), got shape {a.shape}"
            )
    if tr.dtype != bool:
        raise StrengthError(f"traded must be boolean, got dtype {tr.dtype}")
    group = np.zeros(n[0], dtype=np.int64)
    count = 0
    for k in keys:  # combine one key at a time, so that the combined code stays below count * n
        u, c = _factorize(k)
        if len(u) > 1:
            _, group = _factorize(group * len(u) + c)
    count = int(group.max()) + 1 if group.size else 0
    g_count = count
    first = np.zeros(g_count, dtype=np.int64)
    first[group[::-1]] = np.arange(group.size - 1, -1, -1)
    emp, est, lqv = nums
    sample = tr & (emp > 0)
    gs = group[sample]
    by_group = _radix_order(gs)
    (e25,) = _group_quantiles(emp[sample], gs, g_count, [0.25], by_group)
    (n25,) = _group_quantiles(est[sample], gs, g_count, [0.25], by_group)
    l25, l50, l75, l90 = _group_quantiles(lqv[sample], gs, g_count, [0.25, 0.5, 0.75, 0.9], by_group)
    with np.errstate(invalid="ignore"):
        size = tr & (emp > e25[group]) & (est > n25[group])
        qualifying = size & (lqv > l25[group])
        significant = size & (lqv > l50[group])
        strong = size & (lqv >= l75[group]) & (lqv >= 1.0)
        strong10 = size & (lqv >= l90[group]) & (lqv >= 1.0)
    return StrengthFlags(
        qualifying=qualifying,
        significant=significant,
        strong=strong,
        strong10=strong10,
        flagged=tr.copy(),
        group=group,
        group_region_type=keys[0][first],
        group_cluster=keys[1][first],
        group_year=keys[2][first],
        n=np.bincount(group[sample & np.isfinite(lqv)], minlength=g_count),
        emp_q25=e25,
        est_q25=n25,
        lq_q25=l25,
        lq_q50=l50,
        lq_q75=l75,
        lq_q90=l90,
    )


@dataclass(frozen=True)
class StrengthPanel:
    """The U.S. Cluster Mapping flags of a panel: boolean arrays of the panel's shape
    ``(..., n_regions, n_clusters)``, and the quantiles of every (year, cluster) column, shape
    ``(..., n_clusters)`` (NaN where the column has no traded region with employment)."""

    qualifying: np.ndarray
    significant: np.ndarray
    strong: np.ndarray
    strong10: np.ndarray
    emp_q25: np.ndarray
    est_q25: np.ndarray
    lq_q25: np.ndarray
    lq_q50: np.ndarray
    lq_q75: np.ndarray
    lq_q90: np.ndarray


def _region_quantiles(values: np.ndarray, valid: np.ndarray, probs) -> list[np.ndarray]:
    """Linear-interpolation quantiles (as :func:`_group_quantiles`) along the region axis (-2) over the
    ``valid`` cells: one sort of the whole panel instead of a sort per group."""
    a = np.where(valid, values, np.inf)
    a.sort(axis=-2)
    n = valid.sum(axis=-2)
    last = np.maximum(n - 1, 0)
    out = []
    for p in probs:
        h = last * p
        lo = np.floor(h).astype(np.int64)
        e = h - lo
        hi = np.minimum(lo + 1, last)
        a_lo = np.take_along_axis(a, lo[..., None, :], axis=-2)[..., 0, :]
        a_hi = np.take_along_axis(a, hi[..., None, :], axis=-2)[..., 0, :]
        with np.errstate(invalid="ignore"):
            q = np.where(e > 0, a_lo + e * (a_hi - a_lo), a_lo)
        out.append(np.where(n > 0, q, np.nan))
    return out


def uscmp_strength_panel(employment, establishments, lq, *, traded=None) -> StrengthPanel:
    """:func:`uscmp_strength` for a dense panel of one region type: arrays of shape ``(n_regions,
    n_clusters)`` or ``(n_years, n_regions, n_clusters)``, each (year, cluster) column a group.

    The same rule and quantiles as :func:`uscmp_strength` (a test checks both agree cell by cell), but
    the panel is sorted along the region axis once instead of grouping long rows, which makes a county
    panel (3,200 regions x 1,000 clusters x 20 years) several times faster. ``traded`` is a boolean mask
    of clusters (default: all traded); local clusters get no flag. Absent cells are employment 0.
    """
    emp, est, lqv = (np.asarray(a, dtype=float) for a in (employment, establishments, lq))
    if emp.ndim not in (2, 3) or est.shape != emp.shape or lqv.shape != emp.shape:
        raise StrengthError(
            "employment, establishments and lq must be matrices (regions x clusters) or panels (years x "
            f"regions x clusters) of one shape, got {emp.shape}, {est.shape}, {lqv.shape}"
        )
    k = emp.shape[-1]
    t = np.ones(k, dtype=bool) if traded is None else np.asarray(traded)
    if t.dtype != bool or t.shape != (k,):
        raise StrengthError(f"traded must be a boolean mask of {k} clusters, got {t.dtype} {t.shape}")
    with np.errstate(invalid="ignore"):
        sample = emp > 0
    (e25,) = _region_quantiles(emp, sample & np.isfinite(emp), [0.25])
    (n25,) = _region_quantiles(est, sample & np.isfinite(est), [0.25])
    l25, l50, l75, l90 = _region_quantiles(lqv, sample & np.isfinite(lqv), [0.25, 0.5, 0.75, 0.9])

    def col(q: np.ndarray) -> np.ndarray:
        return q[..., None, :]

    with np.errstate(invalid="ignore"):
        size = t & (emp > col(e25)) & (est > col(n25))
        qualifying = size & (lqv > col(l25))
        significant = size & (lqv > col(l50))
        strong = size & (lqv >= col(l75)) & (lqv >= 1.0)
        strong10 = size & (lqv >= col(l90)) & (lqv >= 1.0)
    return StrengthPanel(qualifying, significant, strong, strong10, e25, n25, l25, l50, l75, l90)


def region_cluster_strength(employment, strong, *, traded=None) -> np.ndarray:
    r"""Each region's share of traded employment in strong clusters:

    .. math:: S_i = \frac{\sum_{j \in T} x_{ij} [\text{strong}_{ij}]}{\sum_{j \in T} x_{ij}}

    Parameters
    ----------
    employment : array_like, shape (n_regions, n_clusters)
        NaN cells count as 0.
    strong : array_like of bool, same shape
        e.g. :attr:`StrengthFlags.strong` pivoted to a matrix, or stars >= 2.
    traded : boolean mask of clusters, optional
        The traded clusters ``T`` (default: all columns).

    Returns
    -------
    ndarray, shape (n_regions,)
        In [0, 1]; NaN for a region without traded employment.

    References
    ----------
    Delgado, Porter and Stern (2016); M. Delgado, M. E. Porter and S. Stern, "Clusters, convergence,
    and economic performance", *Research Policy* 43 (2014) 1785-1799, doi:10.1016/j.respol.2014.05.007.
    """
    x = np.nan_to_num(np.asarray(employment, dtype=float), nan=0.0)
    s = np.asarray(strong)
    if x.ndim != 2 or s.shape != x.shape or s.dtype != bool:
        raise StrengthError(
            "employment must be a 2-D matrix and strong a boolean matrix of the same shape, "
            f"got {x.shape} and {s.shape} {s.dtype}"
        )
    if traded is not None:
        t = np.asarray(traded)
        if t.dtype != bool or t.shape != (x.shape[1],):
            raise StrengthError(
                f"traded must be a boolean mask of {x.shape[1]} clusters, got {t.dtype} {t.shape}"
            )
        x = x[:, t]
        s = s[:, t]
    tot = x.sum(axis=1)
    num = (x * s).sum(axis=1)
    out = np.full(tot.shape, np.nan)
    np.divide(num, tot, out=out, where=tot > 0)
    return out


# ------------------------------------------------------------------------------------------ ECO
def top_share(values, share: float, *, axis: int = 0) -> np.ndarray:
    """True for the values in the top ``share`` along ``axis``: at most ``ceil(share * n)`` places,
    ``n`` the number of finite values, and ties at the boundary all in.

    A value is in when the number of values strictly greater is below ``ceil(share * n)``
    (competition rank <= ``ceil(share * n)``). Values <= 0 and NaN are never in (no cluster, no star).
    """
    if not 0 < share <= 1:
        raise StrengthError(f"share must be in (0, 1], got {share!r}")
    a = np.moveaxis(np.asarray(values, dtype=float), axis, -1)
    ok = np.isfinite(a)
    n = ok.sum(axis=-1, keepdims=True)
    places = np.ceil(np.round(share * n, 9)).astype(np.int64)
    # Fewer than `places` values are greater than a exactly when a is at least the places-th largest
    # value: one sort, then a comparison with that threshold (ties at the boundary all in).
    srt = np.sort(np.where(ok, a, -np.inf), axis=-1)
    index = np.clip(a.shape[-1] - places, 0, max(a.shape[-1] - 1, 0))
    threshold = np.take_along_axis(srt, index, axis=-1) if a.shape[-1] else np.zeros(n.shape)
    with np.errstate(invalid="ignore"):
        out = ok & (a > 0) & (places > 0) & (a >= threshold)
    return np.moveaxis(out, -1, axis)


@dataclass(frozen=True)
class EcoStars:
    """European Cluster Observatory stars of every region and cluster.

    Attributes
    ----------
    size, specialisation, focus : ndarray of bool, shape (n_regions, n_clusters)
    productivity : ndarray of bool or None
        Only from :func:`stars_with_productivity`.
    stars : ndarray of int
        Number of stars, 0-3 (0-4 with productivity).
    lq : ndarray of float
        The location quotients (over all columns of X, or ``reference``).
    focus_share_matrix : ndarray of float
        ``x_ij / X_i.``, the cluster's share of the region's employment.
    wage_ratio : ndarray of float or None
        Region-cluster wage per employee over the cluster's wage per employee in all regions.
    size_share, lq_min, focus_share : float
        The thresholds used.
    """

    size: np.ndarray
    specialisation: np.ndarray
    focus: np.ndarray
    productivity: np.ndarray | None
    stars: np.ndarray
    lq: np.ndarray
    focus_share_matrix: np.ndarray
    wage_ratio: np.ndarray | None
    size_share: float
    lq_min: float
    focus_share: float


def _check_share(name: str, v: float) -> None:
    if not (isinstance(v, (int, float)) and 0 < v <= 1):
        raise StrengthError(f"{name} must be a number in (0, 1], got {v!r}")


def eco_stars(
    X, *, size_share: float = 0.10, lq_min: float = 2.0, focus_share: float = 0.10, reference=None
) -> EcoStars:
    r"""European Cluster Observatory stars of regional clusters, 0-3.

    - size: the region's employment in the cluster is in the top ``size_share`` of regions for that
      cluster;
    - specialisation: :math:`LQ_{ij} \ge` ``lq_min`` (LQ over all columns of ``X``);
    - focus: the cluster's share of the region's employment, :math:`x_{ij} / X_{i\cdot}`, is in the
      top ``focus_share`` of regions for that cluster.

    "Top p" is :func:`top_share`: the first ``ceil(p * n)`` places among the ``n`` regions with a
    finite value, ties at the boundary all in. A region with zero employment in the cluster gets no
    star; a region with zero total employment has NaN LQ and share and gets none.

    Parameters
    ----------
    X : array_like, shape (n_regions, n_clusters)
        Employment; the columns should cover the whole economy (or pass ``reference``).
    reference : array_like, optional
        National totals per cluster for the LQ, as in :func:`location_quotient`.

    References
    ----------
    Ketels and Sölvell (2006); Sölvell, Ketels and Lindqvist (2009), European Cluster Observatory.
    """
    _check_share("size_share", size_share)
    _check_share("focus_share", focus_share)
    if not (isinstance(lq_min, (int, float)) and np.isfinite(lq_min) and lq_min >= 0):
        raise StrengthError(f"lq_min must be a finite number >= 0, got {lq_min!r}")
    x = np.asarray(X, dtype=float)
    lq = location_quotient(x, reference=reference)
    z = np.nan_to_num(x, nan=0.0)
    tot = z.sum(axis=1, keepdims=True)
    fshare = np.full(x.shape, np.nan)
    np.divide(x, np.broadcast_to(tot, x.shape), out=fshare, where=np.broadcast_to(tot > 0, x.shape))
    size = top_share(np.where(tot > 0, x, np.nan), size_share, axis=0)
    with np.errstate(invalid="ignore"):
        spec = (lq >= lq_min) & (x > 0)
    focus = top_share(fshare, focus_share, axis=0)
    stars = size.astype(np.int64) + spec + focus
    return EcoStars(
        size, spec, focus, None, stars, lq, fshare, None, float(size_share), float(lq_min), float(focus_share)
    )


def stars_with_productivity(
    X,
    wages,
    *,
    size_share: float = 0.10,
    lq_min: float = 2.0,
    focus_share: float = 0.10,
    wage_ratio_min: float = 1.0,
    reference=None,
) -> EcoStars:
    r"""ECO stars with a fourth, productivity star (the 2014+ cluster panoramas use wages as the proxy).

    Productivity: the region-cluster wage per employee relative to the cluster's wage per employee
    over all regions,

    .. math:: w_{ij} = \frac{W_{ij} / x_{ij}}{W_{\cdot j} / X_{\cdot j}} \ge \text{wage\_ratio\_min}

    with ``W`` the wage bill (annual payroll) of the same cells; default 1.0 (above the cluster's
    average). The other stars are as in :func:`eco_stars`; ``stars`` counts 0-4. NaN wages and
    zero-employment cells get no productivity star.

    References
    ----------
    Ketels and Protsiv, *European Cluster Panorama 2016*; Sölvell, Ketels and Lindqvist (2009).
    """
    base = eco_stars(X, size_share=size_share, lq_min=lq_min, focus_share=focus_share, reference=reference)
    if not (isinstance(wage_ratio_min, (int, float)) and np.isfinite(wage_ratio_min) and wage_ratio_min > 0):
        raise StrengthError(f"wage_ratio_min must be a finite number > 0, got {wage_ratio_min!r}")
    x = np.asarray(X, dtype=float)
    w = np.asarray(wages, dtype=float)
    if w.shape != x.shape:
        raise StrengthError(f"wages must have the shape of X {x.shape}, got {w.shape}")
    if np.any(w < 0):
        raise StrengthError("wages must not be negative")
    both = np.isfinite(x) & np.isfinite(w) & (x > 0)
    xb = np.where(both, x, 0.0)
    wb = np.where(both, w, 0.0)
    per = np.full(x.shape, np.nan)
    np.divide(wb, xb, out=per, where=both)
    xs, ws = xb.sum(axis=0), wb.sum(axis=0)
    col = np.full(xs.shape, np.nan)
    np.divide(ws, xs, out=col, where=xs > 0)
    ratio = np.full(x.shape, np.nan)
    colb = np.broadcast_to(col, x.shape)
    np.divide(per, colb, out=ratio, where=both & (colb > 0))
    with np.errstate(invalid="ignore"):
        prod = ratio >= wage_ratio_min
    stars = base.stars + prod
    return EcoStars(
        base.size,
        base.specialisation,
        base.focus,
        prod,
        stars,
        base.lq,
        base.focus_share_matrix,
        ratio,
        base.size_share,
        base.lq_min,
        base.focus_share,
    )
