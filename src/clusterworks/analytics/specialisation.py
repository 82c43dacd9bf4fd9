"""Specialisation and concentration of regional activity: location quotients (Balassa RCA, RpoP),
presence, the indices of a region's profile or an activity's geography (Krugman, specialisation
coefficient, Hoover, Herfindahl, Shannon entropy, Hachman, locational Gini), ranks, percentiles and
compound growth.

Every function takes a matrix ``X`` of regions (rows) by activities (columns), employment or exports,
as anything :func:`numpy.asarray` accepts. A NaN cell is *missing*: it is left out of every total and
its own result is NaN. Results that are undefined (a region with no activity, an activity absent
everywhere) are NaN, never 0, so that an empty region is not mistaken for an unspecialised one.

The indices take ``axis``: ``"region"`` describes each region's profile across activities (its
specialisation, one value per region) and ``"activity"`` each activity's geography across regions
(its concentration or localisation, one value per activity). With ``s`` the own shares and ``r`` the
reference shares:

==============  ========================================  ========================================
axis            own share ``s``                            reference share ``r``
==============  ========================================  ========================================
``"region"``    ``x_ij / X_i.`` (region i's profile)        ``X_.j / X..`` (the whole economy)
``"activity"``  ``x_ij / X_.j`` (activity j's geography)    ``X_i. / X..`` (regions' size)
==============  ========================================  ========================================

The method page is ``docs/methods/specialisation.md``.

References
----------
.. [1] B. Balassa, "Trade liberalisation and 'revealed' comparative advantage", *The Manchester
   School* 33 (1965) 99-123, doi:10.1111/j.1467-9957.1965.tb00050.x.
.. [2] R. Hausmann, C. A. Hidalgo et al., *The Atlas of Economic Complexity*, MIT Press, 2014 (RpoP,
   exports per capita relative to the world).
.. [3] E. M. Hoover, "The measurement of industrial localization", *Review of Economics and
   Statistics* 18 (1936) 162-171, doi:10.2307/1927875.
.. [4] P. Krugman, *Geography and Trade*, MIT Press, 1991 (specialisation index, locational Gini).
.. [5] M. Amiti, "Specialization patterns in Europe", *Weltwirtschaftliches Archiv* 135 (1999)
   573-593, doi:10.1007/BF02707385.
.. [6] W. Isard, *Methods of Regional Analysis*, MIT Press, 1960 (coefficient of specialisation).
.. [7] E. Mack, T. Grubesic and E. Kessler, "Indices of industrial diversity and regional economic
   composition", *Growth and Change* 38 (2007) 474-509, doi:10.1111/j.1468-2257.2007.00384.x
   (Hachman index, entropy, Herfindahl).
.. [8] C. E. Shannon, "A mathematical theory of communication", *Bell System Technical Journal* 27
   (1948) 379-423, doi:10.1002/j.1538-7305.1948.tb01338.x.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

__all__ = [
    "SpecialisationError",
    "cagr",
    "entropy",
    "gini",
    "hachman",
    "herfindahl",
    "hoover",
    "krugman_index",
    "location_quotient",
    "percentile_rank",
    "presence",
    "rank",
    "rca",
    "rpop",
    "specialisation_coefficient",
]

Axis = Literal["region", "activity"]
_AXES = ("region", "activity")


class SpecialisationError(ValueError):
    """An argument of a specialisation or concentration function breaks its rules."""


# --------------------------------------------------------------------------------------- helpers
def _matrix(X, name: str = "X") -> np.ndarray:
    a = np.asarray(X, dtype=float)
    if a.ndim != 2:
        raise SpecialisationError(
            f"{name} must be a 2-D matrix of regions x activities, got {a.ndim} dimension(s)"
        )
    if np.any(a < 0):
        raise SpecialisationError(f"{name} must not be negative (min {np.nanmin(a)!r}); use 0 or NaN")
    return a


def _mask(mask, n: int, name: str) -> np.ndarray:
    m = np.asarray(mask)
    if m.dtype != bool or m.shape != (n,):
        raise SpecialisationError(
            f"{name} must be a boolean mask of {n} activities, got dtype {m.dtype} shape {m.shape}"
        )
    return m


def _axis(axis: str) -> str:
    if axis not in _AXES:
        raise SpecialisationError(f"axis must be one of {_AXES}, got {axis!r}")
    return axis


def _div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den with NaN wherever den is 0 (no warnings)."""
    num, den = np.broadcast_arrays(np.asarray(num, dtype=float), np.asarray(den, dtype=float))
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out


def _shares(X, axis: str) -> tuple[np.ndarray, np.ndarray]:
    """Own shares ``s`` and reference shares ``r``, both oriented (units, categories): one row per
    region (axis "region") or per activity (axis "activity"); NaN cells become 0 share."""
    a = _matrix(X)
    if _axis(axis) == "activity":
        a = a.T
    z = np.nan_to_num(a, nan=0.0)
    s = _div(z, z.sum(axis=1, keepdims=True))
    r = _div(z.sum(axis=0), z.sum())
    return s, np.broadcast_to(r, s.shape)


# ----------------------------------------------------------------------------- location quotients
def location_quotient(X, *, denominator=None, traded=None, reference=None) -> np.ndarray:
    r"""Location quotient of every region and activity.

    .. math:: LQ_{ij} = \frac{x_{ij} / X_{i\cdot}}{X_{\cdot j} / X_{\cdot\cdot}}

    Parameters
    ----------
    X : array_like, shape (n_regions, n_activities)
        Employment (or exports). NaN cells are missing: left out of every total, LQ NaN.
    denominator : None or boolean mask of activities, optional
        Which activities make the totals ``X_i.`` and ``X..``: all (None) or the masked ones only
        (e.g. manufacturing employment as the base); every column is measured against that base.
    traded : boolean mask of activities, optional
        Two bases at once, as the U.S. Cluster Mapping Project: a traded activity is divided by the
        region's (and the nation's) traded total, a local activity by the local total. Not with
        ``denominator``.
    reference : array_like, shape (n_activities,), optional
        National totals ``X_.j`` when the rows do not cover the whole economy (e.g. the 50 states
        without DC and Puerto Rico); the national base ``X..`` is then the sum of ``reference`` over
        the base activities. Default: column sums of ``X``.

    Returns
    -------
    ndarray, shape (n_regions, n_activities)
        ``LQ`` with 0 where ``x_ij = 0`` and NaN where it is undefined: the region's base is 0 (empty
        region) or the activity's national total is 0 (all-zero column).

    Notes
    -----
    ``traded`` with ``reference`` = national cluster employment reproduces ``lq_tf`` of the U.S.
    Cluster Mapping Project to a relative 1.04e-7 on all 3,350 state rows of 2016 (the file's own
    rounding).

    References
    ----------
    Balassa (1965), doi:10.1111/j.1467-9957.1965.tb00050.x; M. E. Porter, "The economic performance of
    regions", *Regional Studies* 37 (2003) 549-578, doi:10.1080/0034340032000108688.
    """
    a = _matrix(X)
    n = a.shape[1]
    if denominator is not None and traded is not None:
        raise SpecialisationError("give denominator or traded, not both")
    if traded is not None:
        t = _mask(traded, n, "traded")
        groups = [t, ~t]
    elif denominator is not None:
        groups = [_mask(denominator, n, "denominator")]
    else:
        groups = [np.ones(n, dtype=bool)]
    z = np.nan_to_num(a, nan=0.0)
    if reference is None:
        col = z.sum(axis=0)
    else:
        col = np.asarray(reference, dtype=float)
        if col.shape != (n,) or np.any(~np.isfinite(col)) or np.any(col < 0):
            raise SpecialisationError(
                f"reference must be {n} finite non-negative national totals, got shape {col.shape}"
            )
    region_base = np.zeros(a.shape)
    nation_base = np.zeros(n)
    for g in groups:  # columns measured against base g: all of them when denominator is a subset
        cols = g if traded is not None or denominator is None else slice(None)
        region_base[:, cols] = z[:, g].sum(axis=1, keepdims=True)
        nation_base[cols] = col[g].sum()
    return _div(_div(a, region_base), _div(col, nation_base))


def rca(X, *, reference=None) -> np.ndarray:
    """Balassa's revealed comparative advantage of exports ``X`` (countries x products): the location
    quotient over all products, ``RCA_cp = (x_cp / X_c.) / (X_.p / X..)``. See :func:`location_quotient`.

    References
    ----------
    Balassa (1965), doi:10.1111/j.1467-9957.1965.tb00050.x.
    """
    return location_quotient(X, reference=reference)


def rpop(X, population) -> np.ndarray:
    r"""Exports per capita relative to the world (Hausmann et al.):

    .. math:: RpoP_{cp} = \frac{x_{cp} / pop_c}{X_{\cdot p} / \sum_c pop_c}

    NaN where ``pop_c`` is 0 or the product is absent everywhere; NaN cells of ``X`` stay NaN.

    References
    ----------
    Hausmann, Hidalgo et al., *The Atlas of Economic Complexity* (2014); M. Stojkoski et al., "The
    impact of services on economic complexity", *Entropy* 18 (2016) 296, doi:10.3390/e18080296.
    """
    a = _matrix(X)
    pop = np.asarray(population, dtype=float)
    if pop.shape != (a.shape[0],) or np.any(~np.isfinite(pop)) or np.any(pop < 0):
        raise SpecialisationError(
            f"population must be {a.shape[0]} finite non-negative values, got shape {pop.shape}"
        )
    z = np.nan_to_num(a, nan=0.0)
    return _div(_div(a, pop[:, None]), _div(z.sum(axis=0), pop.sum()))


def presence(index, *, threshold: float = 1.0, at_threshold: str = "present") -> np.ndarray:
    """Binary presence ``M = index >= threshold`` (``at_threshold="present"``, the usual ``RCA >= 1``)
    or ``index > threshold`` (``"absent"``). NaN is absent."""
    if at_threshold not in ("present", "absent"):
        raise SpecialisationError(f"at_threshold must be 'present' or 'absent', got {at_threshold!r}")
    if not np.isfinite(threshold):
        raise SpecialisationError(f"threshold must be finite, got {threshold!r}")
    a = np.asarray(index, dtype=float)
    with np.errstate(invalid="ignore"):
        return a >= threshold if at_threshold == "present" else a > threshold


# ------------------------------------------------------------------------------ profile indices
def krugman_index(X, *, axis: Axis = "region") -> np.ndarray:
    r"""Krugman dissimilarity index between own and reference shares, in [0, 2]:

    .. math:: K = \sum_k |s_k - r_k|

    For ``axis="region"`` the specialisation of region i against the whole economy (0: the same
    mix). NaN for a region (activity) with no employment.

    References
    ----------
    P. Krugman, *Geography and Trade*, MIT Press, 1991, ch. 3 and appendix D.
    """
    s, r = _shares(X, axis)
    return np.abs(s - r).sum(axis=1)


def specialisation_coefficient(X, *, axis: Axis = "region") -> np.ndarray:
    r"""Coefficient of specialisation, half the Krugman index, in [0, 1):

    .. math:: CS = \tfrac12 \sum_k |s_k - r_k|

    the share of the region's employment that would have to move to other activities to match the
    reference mix. With ``axis="activity"`` it is Hoover's coefficient of localisation (:func:`hoover`).

    References
    ----------
    W. Isard, *Methods of Regional Analysis*, MIT Press, 1960, pp. 270-273; Krugman (1991).
    """
    return krugman_index(X, axis=axis) / 2.0


def hoover(X, *, axis: Axis = "activity") -> np.ndarray:
    r"""Hoover's coefficient of localisation of each activity, in [0, 1):

    .. math::
        CL_j = \tfrac12 \sum_i \left| \frac{x_{ij}}{X_{\cdot j}}
        - \frac{X_{i\cdot}}{X_{\cdot\cdot}} \right|

    0 when the activity is spread like employment as a whole. ``axis="region"`` gives the same
    formula along rows, the coefficient of specialisation.

    References
    ----------
    E. M. Hoover, "The measurement of industrial localization", *Rev. Econ. Stat.* 18 (1936) 162-171,
    doi:10.2307/1927875.
    """
    return krugman_index(X, axis=axis) / 2.0


def herfindahl(X, *, axis: Axis = "region") -> np.ndarray:
    r"""Herfindahl-Hirschman index of the own shares, in [1/n, 1]: :math:`H = \sum_k s_k^2`.

    ``axis="region"``: concentration of a region's employment on few activities; ``"activity"``:
    concentration of an activity in few regions. NaN when the row is empty.

    References
    ----------
    O. C. Herfindahl, *Concentration in the Steel Industry*, PhD thesis, Columbia University, 1950;
    Mack, Grubesic and Kessler (2007), doi:10.1111/j.1468-2257.2007.00384.x.
    """
    s, _ = _shares(X, axis)
    return (s**2).sum(axis=1)


def entropy(X, *, axis: Axis = "region") -> np.ndarray:
    r"""Shannon entropy of the own shares in nats (natural log), in [0, ln n]:

    .. math:: E = -\sum_k s_k \ln s_k, \qquad 0 \ln 0 = 0

    High entropy means diversity (``axis="region"``) or dispersion (``"activity"``). Divide by
    ``ln n`` for a 0-1 scale, by ``ln 2`` for bits.

    References
    ----------
    C. E. Shannon (1948), doi:10.1002/j.1538-7305.1948.tb01338.x; Mack, Grubesic and Kessler (2007).
    """
    s, _ = _shares(X, axis)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(s > 0, -s * np.log(np.where(s > 0, s, 1.0)), 0.0)
    out = terms.sum(axis=1)
    out[np.isnan(s).any(axis=1)] = np.nan
    return out


def hachman(X, *, axis: Axis = "region") -> np.ndarray:
    r"""Hachman index, in (0, 1]: 1 when the profile equals the reference.

    .. math:: HI = \frac{1}{\sum_k s_k \, LQ_k} = \frac{1}{\sum_k s_k^2 / r_k}

    with ``LQ_k = s_k / r_k`` the location quotient. NaN for an empty row.

    References
    ----------
    F. Hachman, *Economic Report to the Governor*, State of Utah, 1994; G. A. Wagner, "Regional
    economic diversity: action, concept, or state of confusion", *J. Regional Analysis and Policy*
    30 (2000) 1-22; Mack, Grubesic and Kessler (2007), doi:10.1111/j.1468-2257.2007.00384.x.
    """
    s, r = _shares(X, axis)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(s > 0, s * s / np.where(r > 0, r, 1.0), np.where(np.isnan(s), np.nan, 0.0))
    return _div(1.0, terms.sum(axis=1))


def gini(X, *, axis: Axis = "activity") -> np.ndarray:
    r"""Locational Gini coefficient (``axis="activity"``) or Gini of specialisation (``"region"``), in [0, 1).

    Units (regions for an activity) are sorted by ``LQ_k = s_k / r_k`` ascending; the Lorenz curve
    plots the cumulative own share ``S_k`` against the cumulative reference share; ``G`` is twice the
    area between it and the diagonal:

    .. math:: G = 1 - \sum_k r_k (S_k + S_{k-1})

    which equals the reference-weighted Gini mean difference of the LQs,
    :math:`\tfrac12 \sum_k \sum_l r_k r_l |LQ_k - LQ_l|`. Ties in LQ do not change ``G``. NaN for an
    empty row.

    References
    ----------
    P. Krugman, *Geography and Trade* (1991), appendix D; M. Amiti, "Specialization patterns in
    Europe", *Weltwirtschaftliches Archiv* 135 (1999) 573-593, doi:10.1007/BF02707385.
    """
    s, r = _shares(X, axis)
    r = np.array(r)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(r > 0, s / np.where(r > 0, r, 1.0), np.where(s > 0, np.inf, 0.0))
    q = np.where(np.isnan(s), np.nan, q)
    order = np.argsort(q, axis=1, kind="stable")
    ss = np.take_along_axis(s, order, axis=1)
    rr = np.take_along_axis(r, order, axis=1)
    cum = np.cumsum(ss, axis=1)
    prev = cum - ss
    return 1.0 - (rr * (cum + prev)).sum(axis=1)


# ----------------------------------------------------------------------- ranks, percentiles, growth
def rank(values, *, axis: int = 0, descending: bool = True, ties: str = "min") -> np.ndarray:
    """Ranks 1..n along ``axis`` (1 = largest when ``descending``, as the USCMP ranks regions).

    ``ties``: ``"min"`` (competition ranking 1, 2, 2, 4), ``"average"`` (1, 2.5, 2.5, 4), ``"dense"``
    (1, 2, 2, 3) or ``"ordinal"`` (first occurrence first). NaN values get rank NaN and are not counted.
    """
    if ties not in ("min", "average", "dense", "ordinal"):
        raise SpecialisationError(f"ties must be 'min', 'average', 'dense' or 'ordinal', got {ties!r}")
    a = np.moveaxis(np.asarray(values, dtype=float), axis, -1)
    out = np.full(a.shape, np.nan)
    flat, res = a.reshape(-1, a.shape[-1]), out.reshape(-1, a.shape[-1])
    for row, dst in zip(flat, res, strict=True):
        ok = ~np.isnan(row)
        v = -row[ok] if descending else row[ok]
        if v.size == 0:
            continue
        order = np.argsort(v, kind="stable")
        sv = v[order]
        new = np.r_[True, sv[1:] != sv[:-1]]
        first = np.flatnonzero(new)
        grp = np.cumsum(new) - 1
        if ties == "ordinal":
            rk = np.arange(1, v.size + 1, dtype=float)
        elif ties == "min":
            rk = first[grp] + 1.0
        elif ties == "dense":
            rk = grp + 1.0
        else:
            last = np.r_[first[1:], v.size]
            rk = (first[grp] + last[grp] + 1) / 2.0
        r = np.empty(v.size)
        r[order] = rk
        dst[ok] = r
    return np.moveaxis(out, -1, axis)


def percentile_rank(values, *, axis: int = 0, kind: str = "weak") -> np.ndarray:
    """Percentile of every value among the non-NaN values along ``axis``, 0-100.

    ``kind="weak"``: percentage of values ``<=`` it (the largest gets 100); ``"strict"``: percentage
    ``<``; ``"mean"``: the average of the two (ties share the midpoint). As
    :func:`scipy.stats.percentileofscore` with the same ``kind``. NaN stays NaN.
    """
    if kind not in ("weak", "strict", "mean"):
        raise SpecialisationError(f"kind must be 'weak', 'strict' or 'mean', got {kind!r}")
    a = np.moveaxis(np.asarray(values, dtype=float), axis, -1)
    out = np.full(a.shape, np.nan)
    flat, res = a.reshape(-1, a.shape[-1]), out.reshape(-1, a.shape[-1])
    for row, dst in zip(flat, res, strict=True):
        ok = ~np.isnan(row)
        v = row[ok]
        if v.size == 0:
            continue
        sv = np.sort(v)
        le = np.searchsorted(sv, v, side="right")
        lt = np.searchsorted(sv, v, side="left")
        cnt = {"weak": le, "strict": lt, "mean": (le + lt) / 2.0}[kind]
        dst[ok] = 100.0 * cnt / v.size
    return np.moveaxis(out, -1, axis)


def cagr(start, end, years) -> np.ndarray:
    r"""Compound annual growth rate :math:`(end / start)^{1 / years} - 1`, elementwise.

    NaN where ``start <= 0`` (growth from nothing is undefined) or either value is NaN; ``end = 0``
    gives -1. ``years`` must be positive.
    """
    y = np.asarray(years, dtype=float)
    if np.any(~(y > 0)):
        raise SpecialisationError(f"years must be positive, got {years!r}")
    s = np.asarray(start, dtype=float)
    e = np.asarray(end, dtype=float)
    if np.any(e < 0):
        raise SpecialisationError("end must not be negative")
    ratio = _div(e, np.where(s > 0, s, 0.0))
    with np.errstate(invalid="ignore"):
        return ratio ** (1.0 / y) - 1.0
