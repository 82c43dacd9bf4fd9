"""Relatedness between activities and of locations to activities: proximity (the product space),
density and distance, the complexity outlook index and gain (COI, COG) and relative relatedness.

The formulas follow py-ecomplexity 0.5.3 (Harvard Growth Lab), which is the test oracle, so the
values agree to rounding; where that package would return NaN for a whole table (one activity with
zero ubiquity poisons every density), the activity is left out of the sums instead and only its own
entries are NaN. The presence matrix may be sparse or dense (dense BLAS is faster above a few per
cent of non-zeros; :func:`~clusterworks.analytics.complexity.complexity` picks). Each function
works on the matrix of locations and activities that have a non-zero total;
:func:`~clusterworks.analytics.complexity.complexity` puts the rows and columns back.

References
----------
.. [1] C. A. Hidalgo, B. Klinger, A.-L. Barabasi and R. Hausmann, "The product space conditions the
   development of nations", *Science* 317(5837) (2007) 482-487, doi:10.1126/science.1144581.
.. [2] R. Hausmann, C. A. Hidalgo, S. Bustos, M. Coscia, A. Simoes and M. A. Yildirim, *The Atlas of
   Economic Complexity: Mapping Paths to Prosperity*, MIT Press, 2014 (COI, COG; technical box 5.1).
.. [3] C. A. Hidalgo et al., "The principle of relatedness", *Unifying Themes in Complex Systems IX
   (ICCS 2018)*, Springer Proceedings in Complexity, 2018, 451-457, doi:10.1007/978-3-319-96661-8_46.
.. [4] F. L. Pinheiro, A. Alshamsi, D. Hartmann, R. Boschma and C. A. Hidalgo, "Shooting low or
   high: do countries benefit from entering unrelated activities?", arXiv:1801.05352 (2018).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .matrix import ComplexityError

__all__ = ["PROXIMITIES", "coi_cog", "density_distance", "proximity_matrix", "relative_relatedness"]

#: The proximity definitions :func:`proximity_matrix` knows.
PROXIMITIES = ("max", "sqrt", "continuous")


def proximity_matrix(
    mcp: sp.csr_matrix | np.ndarray, *, kind: str = "max", rca: sp.csr_matrix | None = None
) -> np.ndarray:
    r"""Proximity between every pair of activities, shape (activities, activities).

    With :math:`C_{pq} = \sum_c M_{cp} M_{cq}` (locations where both are present) and ubiquity
    :math:`k_p = C_{pp}`:

    * ``"max"`` -- Hidalgo et al. (2007): the minimum of the two conditional probabilities,
      :math:`\phi_{pq} = \min(C_{pq}/k_p, C_{pq}/k_q) = C_{pq} / \max(k_p, k_q)`
      (py-ecomplexity's default, ``continuous=False, asymmetric=False``);
    * ``"sqrt"`` -- the cosine of the presence columns, :math:`C_{pq} / \sqrt{k_p k_q}`;
    * ``"continuous"`` -- :math:`(1 + \rho_{pq}) / 2` with :math:`\rho` the Pearson correlation of
      the RCA columns (py-ecomplexity ``continuous=True``); needs ``rca``.

    The diagonal is 1. An activity with zero ubiquity (or a constant RCA column) has NaN proximity.

    References
    ----------
    C. A. Hidalgo, B. Klinger, A.-L. Barabasi and R. Hausmann, "The product space conditions the
    development of nations", *Science* 317(5837) (2007) 482-487, doi:10.1126/science.1144581.
    """
    if kind not in PROXIMITIES:
        raise ComplexityError(f"proximity={kind!r}: must be one of {', '.join(PROXIMITIES)}")
    if kind == "continuous":
        if rca is None:
            raise ComplexityError("proximity='continuous' needs the RCA matrix")
        r = rca.toarray() if sp.issparse(rca) else np.asarray(rca, dtype=np.float64)
        sd = r.std(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            z = (r - r.mean(axis=0)) / sd
            rho = (z.T @ z) / r.shape[0]
        rho[:, sd == 0] = np.nan
        rho[sd == 0, :] = np.nan
        np.clip(rho, -1.0, 1.0, out=rho)
        phi = (1.0 + rho) / 2.0
        ok = sd > 0
        phi[np.flatnonzero(ok), np.flatnonzero(ok)] = 1.0
        return phi
    c = mcp.T @ mcp
    c = c.toarray() if sp.issparse(c) else np.asarray(c)
    k = np.diag(c).copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        den = np.maximum.outer(k, k) if kind == "max" else np.sqrt(np.outer(k, k))
        return c / den


def _normalised_columns(phi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``W[q, p] = phi[p, q] / sum_k phi[p, k]`` (NaN proximities count as 0) and the valid mask of p
    (a non-zero denominator)."""
    phi0 = np.nan_to_num(phi, nan=0.0)
    den = phi0.sum(axis=1)
    ok = den > 0
    w = np.zeros_like(phi0)
    w[:, ok] = phi0[ok, :].T / den[ok]
    return w, ok


def density_distance(
    mcp: sp.csr_matrix | np.ndarray, phi: np.ndarray, *, weights: sp.csr_matrix | np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    r"""Density and distance of every location to every activity, each shape (locations, activities).

    .. math::

        \omega_{cp} = \frac{\sum_q W_{cq}\,\phi_{pq}}{\sum_q \phi_{pq}}, \qquad
        d_{cp} = \frac{\sum_q (1 - M_{cq})\,\phi_{pq}}{\sum_q \phi_{pq}} = 1 - \frac{\sum_q M_{cq}
        \phi_{pq}}{\sum_q \phi_{pq}}

    with ``W = M`` (the presence matrix), or ``W = RCA`` when ``weights`` is given (py-ecomplexity's
    ``continuous=True``). The sums include ``q = p`` (py-ecomplexity's convention, so a present
    activity contributes its own proximity 1). With ``W = M``, distance is ``1 - density``.
    An activity whose proximities are all NaN or zero has NaN density and distance.

    References
    ----------
    C. A. Hidalgo et al., *Science* 317 (2007) 482-487 (density); R. Hausmann et al., *The Atlas of
    Economic Complexity*, MIT Press, 2014 (distance).
    """
    w, ok = _normalised_columns(phi)
    present = np.asarray(mcp @ w)
    dens = present if weights is None else np.asarray(weights @ w)
    dist = 1.0 - present
    dens[:, ~ok] = np.nan
    dist[:, ~ok] = np.nan
    return dens, dist


def coi_cog(
    mcp: sp.csr_matrix | np.ndarray, density: np.ndarray, phi: np.ndarray, scores: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    r"""Raw complexity outlook index (per location) and gain (per location and activity).

    .. math::

        \mathrm{COI}_c = \sum_p \omega_{cp}(1 - M_{cp})\,s_p, \qquad
        \mathrm{COG}_{cp} = (1 - M_{cp}) \sum_q (1 - M_{cq})\,\frac{\phi_{qp}}{\sum_k \phi_{qk}}\,s_q

    with ``s`` the activity scores (py-ecomplexity: the signed PCI eigenvector before
    standardisation; :func:`complexity` standardises COI to mean 0, std 1 and divides COG by the
    standard deviation of the raw ECI). Activities with a NaN score (zero ubiquity) count as 0.

    References
    ----------
    R. Hausmann et al., *The Atlas of Economic Complexity*, MIT Press, 2014, technical box 5.1;
    py-ecomplexity 0.5.3 ``coicog.py`` (the Growth Lab's Stata ``ecomplexity`` formulas).
    """
    s = np.nan_to_num(scores, nan=0.0)
    d0 = np.nan_to_num(density, nan=0.0)
    if sp.issparse(mcp):
        coi = d0 @ s - np.asarray(sp.csr_matrix(mcp.multiply(d0)) @ s).ravel()
    else:
        coi = ((1.0 - mcp) * d0) @ s
    phi0 = np.nan_to_num(phi, nan=0.0)
    den = phi0.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        b = np.where(den[:, None] > 0, phi0 * (s / den)[:, None], 0.0)
    cog = b.sum(axis=0)[None, :] - np.asarray(mcp @ b)
    if sp.issparse(mcp):
        mcp = sp.csr_matrix(mcp)
        rows = np.repeat(np.arange(mcp.shape[0]), np.diff(mcp.indptr))
        cog[rows, mcp.indices] = 0.0
    else:
        cog[mcp != 0] = 0.0
    return coi, cog


def relative_relatedness(density: np.ndarray) -> np.ndarray:
    r"""Relatedness density standardised within each location (row).

    .. math::

        \tilde\omega_{cp} = \frac{\omega_{cp} - \langle\omega_{c\cdot}\rangle}{\sigma(\omega_{c\cdot})}

    the mean and the population standard deviation (``ddof=0``) taken over the activities of the
    location with a finite density (NaN entries are skipped and stay NaN). A location whose densities
    are all equal gets 0 (no activity is more related than another); a row with no finite value stays
    NaN. This is the "relative relatedness" of Pinheiro et al. (2018) and Hidalgo et al. (2018): it
    makes density comparable across locations of different diversity.

    Parameters
    ----------
    density : array_like, shape (locations, activities)

    References
    ----------
    F. L. Pinheiro, A. Alshamsi, D. Hartmann, R. Boschma and C. A. Hidalgo, "Shooting low or high: do
    countries benefit from entering unrelated activities?", arXiv:1801.05352 (2018);
    C. A. Hidalgo et al., "The principle of relatedness", *ICCS 2018*, Springer, 451-457,
    doi:10.1007/978-3-319-96661-8_46.
    """
    d = np.asarray(density, dtype=np.float64)
    if d.ndim != 2:
        raise ComplexityError(f"density must be 2-D (locations x activities), got shape {d.shape}")
    out = np.full_like(d, np.nan)
    finite = np.isfinite(d)
    n = finite.sum(axis=1)
    has = n > 0
    if not has.any():
        return out
    dz = np.where(finite, d, 0.0)
    mean = np.zeros(d.shape[0])
    mean[has] = dz[has].sum(axis=1) / n[has]
    dev = np.where(finite, d - mean[:, None], 0.0)
    sd = np.zeros(d.shape[0])
    sd[has] = np.sqrt((dev[has] ** 2).sum(axis=1) / n[has])
    scale = np.where(sd > 0, sd, 1.0)
    z = dev / scale[:, None]
    out[finite] = z[finite]
    return out
