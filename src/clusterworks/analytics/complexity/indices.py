r"""Economic complexity of locations and activities: the eigenvector ECI/PCI, the method of
reflections and fitness-complexity, with the relatedness tables, in one :func:`complexity` call.

Conventions (py-ecomplexity 0.5.3 is the test oracle; its choices are kept unless said otherwise):

* Locations and activities whose **total value is zero are left out** of every calculation (as
  py-ecomplexity does) and come back with RCA 0, M 0, diversity/ubiquity 0 and NaN for everything
  else.
* ``M_cp = 1`` where ``RCA_cp >= rca_threshold`` (ties are present).
* The eigenvector is that of the **second largest eigenvalue** of
  :math:`\tilde M_{pp'} = \sum_c M_{cp} M_{cp'} / (k_{c,0} k_{p,0})`, computed from the symmetric
  similar matrix on the smaller side (activities: :math:`U^{-1/2} M^T D^{-1} M U^{-1/2}`; locations:
  :math:`D^{-1/2} M U^{-1} M^T D^{-1/2}`) with LAPACK ``eigh`` (at most 60 rows) or ARPACK ``eigsh``
  with the known top eigenvector (:math:`\sqrt{k_{p,0}}`, eigenvalue 1) deflated. The other side
  follows from :math:`k_c = D^{-1} M k_p`.
* **Sign**: ECI correlates positively with diversity (if diversity is constant, the first non-zero
  ECI is made positive, where py-ecomplexity returns NaN).
* **Standardisation with the ECI's moments**: ``eci = (k_c - mean(k_c)) / std(k_c)`` and
  ``pci = (k_p - mean(k_c)) / std(k_c)`` (population std, ``ddof=0``), which keeps ECI equal to the
  mean PCI of the location's activities; PCI is therefore not mean 0 / std 1. The moments are over
  locations with non-zero diversity (py-ecomplexity takes them over all rows, so one zero-diversity
  row turns every value into NaN).
* ``coi`` is standardised to mean 0, std 1; ``cog`` is divided by ``std(k_c)``; both use the
  un-standardised signed PCI eigenvector (see :func:`.relatedness.coi_cog`).

References
----------
.. [1] C. A. Hidalgo and R. Hausmann, "The building blocks of economic complexity", *PNAS* 106(26)
   (2009) 10570-10575, doi:10.1073/pnas.0900943106 (method of reflections).
.. [2] R. Hausmann, C. A. Hidalgo et al., *The Atlas of Economic Complexity*, MIT Press, 2014 (the
   eigenvector ECI/PCI, COI, COG).
.. [3] A. Tacchella, M. Cristelli, G. Caldarelli, A. Gabrielli and L. Pietronero, "A new metrics for
   countries' fitness and products' complexity", *Scientific Reports* 2 (2012) 723,
   doi:10.1038/srep00723.
.. [4] C. A. Hidalgo, B. Klinger, A.-L. Barabasi and R. Hausmann, "The product space conditions the
   development of nations", *Science* 317 (2007) 482-487, doi:10.1126/science.1144581.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.linalg as la
import scipy.sparse as sp
import scipy.sparse.linalg as sla

from .matrix import (
    ComplexityError,
    NotConvergedError,
    _rca_sparse,
    as_matrix,
    col_sums,
    presence_matrix,
    row_sums,
)
from .relatedness import PROXIMITIES, coi_cog, density_distance, proximity_matrix

__all__ = ["METHODS", "ROW_KEYS", "ComplexityResult", "complexity", "fitness_complexity", "reflections"]

#: The methods :func:`complexity` knows.
METHODS = ("eigen", "reflections", "fitness")
#: The keys of every dict :meth:`ComplexityResult.rows` yields, in order.
ROW_KEYS = (
    "location",
    "activity",
    "rca",
    "mcp",
    "diversity",
    "ubiquity",
    "eci",
    "pci",
    "density",
    "coi",
    "cog",
)
#: Up to this many rows on the smaller side the symmetric matrix is formed and solved by LAPACK.
DENSE_LIMIT = 60
#: Above this fraction of non-zeros the presence matrix is densified for the relatedness products.
DENSE_FILL = 0.02
#: matrices of at most this many cells (after dropping empty rows and columns) are computed dense
DENSE_CELLS = 20_000


@dataclass(frozen=True)
class ComplexityResult:
    """Economic complexity of a location x activity matrix (``n`` locations, ``k`` activities).

    Attributes
    ----------
    method : str
        ``"eigen"``, ``"reflections"`` or ``"fitness"``.
    rca, mcp : ndarray, shape (n, k)
        Balassa RCA (0 where a total is zero) and the 0/1 presence matrix used.
    diversity, ubiquity : ndarray, shape (n,) and (k,)
        Number of activities present in each location, locations present in each activity.
    eci, pci : ndarray, shape (n,) and (k,)
        Eigen and reflections: standardised with ECI's mean and std (module docstring).
        Fitness: the fitness ``F_c`` and complexity ``Q_p``, each of mean 1. NaN where undefined.
    proximity : ndarray, shape (k, k)
    density, distance, cog : ndarray, shape (n, k)
    coi : ndarray, shape (n,)
    iterations : int or None
        Iterations run (reflections, fitness); None for eigen.
    eigenvalue : float or None
        The second eigenvalue (eigen method).
    """

    method: str
    rca: np.ndarray
    mcp: np.ndarray
    diversity: np.ndarray
    ubiquity: np.ndarray
    eci: np.ndarray
    pci: np.ndarray
    proximity: np.ndarray
    density: np.ndarray
    distance: np.ndarray
    coi: np.ndarray
    cog: np.ndarray
    iterations: int | None = None
    eigenvalue: float | None = None

    @property
    def shape(self) -> tuple[int, int]:
        return self.rca.shape

    def rows(self, locations: Sequence[Any], activities: Sequence[Any]) -> Iterator[dict[str, Any]]:
        """One dict per (location, activity), locations outer, with the keys :data:`ROW_KEYS`.

        Numbers are Python ``float`` / ``int``; NaN becomes ``None`` (an empty cell in a CSV).
        """
        n, k = self.shape
        if len(locations) != n or len(activities) != k:
            raise ComplexityError(
                f"rows() needs {n} locations and {k} activities, got {len(locations)} and {len(activities)}"
            )

        def num(x: float) -> float | None:
            return None if math.isnan(x) else float(x)

        rca, mcp, dens, cog = self.rca.tolist(), self.mcp.tolist(), self.density.tolist(), self.cog.tolist()
        pci = [num(x) for x in self.pci.tolist()]
        ubiq = [int(x) for x in self.ubiquity.tolist()]
        for i, loc in enumerate(locations):
            div, eci, coi = int(self.diversity[i]), num(float(self.eci[i])), num(float(self.coi[i]))
            for j, act in enumerate(activities):
                yield {
                    "location": loc,
                    "activity": act,
                    "rca": float(rca[i][j]),
                    "mcp": int(mcp[i][j]),
                    "diversity": div,
                    "ubiquity": ubiq[j],
                    "eci": eci,
                    "pci": pci[j],
                    "density": num(dens[i][j]),
                    "coi": coi,
                    "cog": num(cog[i][j]),
                }


def _second_eigenvector(m: sp.csr_matrix, d: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, float]:
    """The activity vector ``k_p`` of the second largest eigenvalue of ``U^-1 M^T D^-1 M`` (any scale)."""
    n_c, n_p = m.shape
    if sp.issparse(m):
        a = m.copy()
        a.data = a.data / np.sqrt(d)[np.repeat(np.arange(n_c), np.diff(m.indptr))] / np.sqrt(u)[m.indices]
    else:
        a = m / np.sqrt(d)[:, None] / np.sqrt(u)[None, :]
    on_products = n_p <= n_c
    n = n_p if on_products else n_c
    top = np.sqrt(u if on_products else d)
    top = top / np.linalg.norm(top)
    if n < 2:
        raise ComplexityError(
            f"economic complexity needs at least 2 locations and 2 activities, got {m.shape}"
        )
    if n <= DENSE_LIMIT:
        s = a.T @ a if on_products else a @ a.T
        s = s.toarray() if sp.issparse(s) else s
        vals, vecs = la.eigh(s, subset_by_index=[n - 2, n - 1])
        lam, v = float(vals[0]), vecs[:, 0]
    else:
        at = a.T.tocsr() if sp.issparse(a) else a.T

        def matvec(x: np.ndarray) -> np.ndarray:
            x = np.ravel(x)
            x = x - top * (top @ x)
            y = at @ (a @ x) if on_products else a @ (at @ x)
            return y - top * (top @ y)

        op = sla.LinearOperator((n, n), matvec=matvec, dtype=np.float64)
        v0 = np.random.default_rng(0).random(n)  # fixed start vector: deterministic results
        vals, vecs = sla.eigsh(op, k=1, which="LA", v0=v0, tol=0)
        lam, v = float(vals[0]), vecs[:, 0]
    if on_products:
        return v / np.sqrt(u), lam
    kc = v / np.sqrt(d)
    return np.asarray(m.T @ kc).ravel() / u, lam


def reflections(m: sp.csr_matrix, iterations: int) -> np.ndarray:
    r"""The method of reflections: ``k_p`` after ``iterations`` steps (un-standardised).

    :math:`k_{c,N} = \frac{1}{k_{c,0}} \sum_p M_{cp} k_{p,N-1}`,
    :math:`k_{p,N} = \frac{1}{k_{p,0}} \sum_c M_{cp} k_{c,N-1}`, starting from diversity and
    ubiquity. Each step is re-centred and re-scaled (which commutes with the averaging, so only the
    direction of the deviation from the constant is kept and it does not vanish in rounding). Returns
    :math:`k_{p,N+1}` computed from :math:`k_{c,N}`, from which :func:`complexity` takes
    :math:`k_c = D^{-1} M k_p` and standardises as for the eigenvector. As N grows, even N converge
    to the second eigenvector of the eigen method (Hidalgo and Hausmann 2009; Hausmann et al. 2014).
    """
    d, u = row_sums(m), col_sums(m)
    mt = m.T.tocsr() if sp.issparse(m) else m.T
    kc, kp = d.copy(), u.copy()
    for _ in range(iterations):
        kc, kp = (m @ kp) / d, (mt @ kc) / u
        kc = _rescale(kc)
        kp = _rescale(kp)
    return (mt @ kc) / u


def _rescale(x: np.ndarray) -> np.ndarray:
    sd = x.std()
    return (x - x.mean()) / sd if sd > 0 else x - x.mean()


def fitness_complexity(
    m: sp.csr_matrix, *, tol: float = 1e-8, max_iterations: int = 5000
) -> tuple[np.ndarray, np.ndarray, int]:
    r"""Fitness of locations and complexity of activities (Tacchella et al. 2012).

    .. math::

        \tilde F_c^{(n)} = \sum_p M_{cp} Q_p^{(n-1)}, \qquad
        \tilde Q_p^{(n)} = \frac{1}{\sum_c M_{cp} / F_c^{(n-1)}}, \qquad
        F^{(n)} = \tilde F^{(n)} / \langle \tilde F^{(n)} \rangle, \quad
        Q^{(n)} = \tilde Q^{(n)} / \langle \tilde Q^{(n)} \rangle

    from :math:`F^{(0)} = Q^{(0)} = 1`, both updated from the previous step. Stops when the largest
    absolute change of F and Q is below ``tol``. Every row and column of ``m`` must be non-zero.

    Returns
    -------
    fitness, complexity, iterations

    Raises
    ------
    NotConvergedError
        If the change is still >= ``tol`` after ``max_iterations`` (fitness of weakly diversified
        locations tends to 0 only slowly on matrices that are not perfectly nested).
    """
    mt = m.T.tocsr() if sp.issparse(m) else m.T
    f = np.ones(m.shape[0])
    q = np.ones(m.shape[1])
    change = math.inf
    with np.errstate(divide="ignore", over="ignore"):
        for it in range(1, max_iterations + 1):
            f_new = m @ q
            q_new = 1.0 / (mt @ (1.0 / f))
            f_new /= f_new.mean()
            q_new /= q_new.mean()
            change = max(float(np.max(np.abs(f_new - f))), float(np.max(np.abs(q_new - q))))
            f, q = f_new, q_new
            if change < tol:
                return f, q, it
    raise NotConvergedError(
        f"fitness-complexity did not converge: change {change:.3g} >= tol={tol:g} after "
        f"max_iterations={max_iterations}",
        iterations=max_iterations,
        change=change,
    )


def _check_keywords(
    method: str, rca_threshold: float, proximity: str, iterations: int | None, tol: float
) -> None:
    if method not in METHODS:
        raise ComplexityError(f"method={method!r}: must be one of {', '.join(METHODS)}")
    if proximity not in PROXIMITIES:
        raise ComplexityError(f"proximity={proximity!r}: must be one of {', '.join(PROXIMITIES)}")
    if not isinstance(rca_threshold, int | float) or not np.isfinite(rca_threshold) or rca_threshold <= 0:
        raise ComplexityError(f"rca_threshold={rca_threshold!r}: must be a finite number > 0")
    if iterations is not None and (
        isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 1
    ):
        raise ComplexityError(f"iterations={iterations!r}: must be a positive integer or None")
    if not (isinstance(tol, int | float) and tol > 0):
        raise ComplexityError(f"tol={tol!r}: must be a number > 0")


def complexity(
    values: np.ndarray | sp.spmatrix | sp.sparray | None,
    *,
    method: str = "eigen",
    rca_threshold: float = 1.0,
    presence: np.ndarray | sp.spmatrix | sp.sparray | None = None,
    proximity: str = "max",
    iterations: int | None = None,
    tol: float = 1e-8,
) -> ComplexityResult:
    r"""Economic complexity, proximity, density, COI and COG of a location x activity matrix.

    Parameters
    ----------
    values : array_like or sparse matrix, shape (n, k), or None
        Non-negative, finite values (exports, employment). May be None when ``presence`` is given
        (RCA is then the presence matrix, as py-ecomplexity's ``presence_test="manual"``).
    method : {"eigen", "reflections", "fitness"}
        Eigenvector ECI/PCI (Hausmann et al. 2014), the method of reflections (Hidalgo and Hausmann
        2009) or fitness-complexity (Tacchella et al. 2012).
    rca_threshold : float
        ``M_cp = 1`` where ``RCA_cp >= rca_threshold``. Ignored when ``presence`` is given.
    presence : array_like or sparse, shape (n, k), optional
        A given 0/1 presence matrix used instead of the RCA test.
    proximity : {"max", "sqrt", "continuous"}
        See :func:`.relatedness.proximity_matrix`. With ``"continuous"`` density weights by RCA
        instead of M (py-ecomplexity ``continuous=True``).
    iterations : int, optional
        Reflections: the number of steps N (default 20). Fitness: the maximum number of iterations
        (default 5000). Ignored by eigen.
    tol : float
        Fitness: stop when no F or Q changes by ``tol`` or more between iterations.

    Returns
    -------
    ComplexityResult

    Raises
    ------
    ComplexityError
        Bad input (names the entry), an all-zero matrix, fewer than 2 locations or activities with a
        non-zero total, a presence matrix that is not 0/1 or of the wrong shape, a bad keyword.
    NotConvergedError
        Fitness did not converge.

    Notes
    -----
    ECI and PCI are (Hausmann et al. 2014) the eigenvectors of the second largest eigenvalue of
    :math:`\tilde M^{C} = D^{-1} M U^{-1} M^T` and :math:`\tilde M^{P} = U^{-1} M^T D^{-1} M`, with
    ``D`` and ``U`` the diagonal diversity and ubiquity. The module docstring lists the conventions
    for sign, standardisation and excluded rows; docs/methods/complexity.md how they were checked.

    References
    ----------
    C. A. Hidalgo and R. Hausmann, *PNAS* 106 (2009) 10570-10575, doi:10.1073/pnas.0900943106;
    R. Hausmann, C. A. Hidalgo et al., *The Atlas of Economic Complexity*, MIT Press, 2014;
    A. Tacchella et al., *Scientific Reports* 2 (2012) 723, doi:10.1038/srep00723;
    C. A. Hidalgo et al., *Science* 317 (2007) 482-487, doi:10.1126/science.1144581.
    """
    _check_keywords(method, rca_threshold, proximity, iterations, tol)
    pres = None
    if presence is not None:
        pres = as_matrix(presence, name="presence")
        if np.any(pres.data != 1.0):
            bad = pres.data[pres.data != 1.0][0]
            raise ComplexityError(f"presence must hold only 0 and 1, found {bad!r}")
    if values is None:
        if pres is None:
            raise ComplexityError("give values, or presence (a 0/1 matrix), or both")
        x = pres
    else:
        x = as_matrix(values)
        if pres is not None and pres.shape != x.shape:
            raise ComplexityError(f"presence has shape {pres.shape}, values {x.shape}: they must match")
    n, k = x.shape
    row_tot, col_tot = row_sums(x), col_sums(x)
    if row_tot.sum() == 0:
        raise ComplexityError(f"the {n} x {k} matrix is all zero: nothing to compute")
    rows, cols = np.flatnonzero(row_tot > 0), np.flatnonzero(col_tot > 0)
    every = len(rows) == n and len(cols) == k
    xk = x if every else x[rows][:, cols]
    rca_k = xk.copy() if values is None else _rca_sparse(xk)
    if pres is not None:
        m = pres if every else pres[rows][:, cols].tocsr()
    else:
        m = presence_matrix(rca_k, rca_threshold)
    if m.shape[0] * m.shape[1] <= DENSE_CELLS:
        # A small matrix: NumPy arrays from here on (SciPy's sparse constructors would cost more than
        # the arithmetic); the values are the same, to rounding.
        rca_k, m = rca_k.toarray(), m.toarray()
    d, u = row_sums(m), col_sums(m)
    vr, vc = np.flatnonzero(d > 0), np.flatnonzero(u > 0)
    if len(vr) < 2 or len(vc) < 2:
        raise ComplexityError(
            f"economic complexity needs at least 2 locations and 2 activities with a presence, "
            f"got {len(vr)} and {len(vc)}"
        )
    mv = m if len(vr) == len(rows) and len(vc) == len(cols) else _sub(m, vr, vc)
    dv, uv = d[vr], u[vc]

    eci_k = np.full(len(rows), np.nan)
    pci_k = np.full(len(cols), np.nan)
    its: int | None = None
    lam: float | None = None
    if method == "fitness":
        f, q, its = fitness_complexity(mv, tol=tol, max_iterations=5000 if iterations is None else iterations)
        eci_k[vr], pci_k[vc] = f, q
        scores, cog_scale = pci_k, 1.0
    else:
        if method == "eigen":
            kp, lam = _second_eigenvector(mv, dv, uv)
        else:
            its = 20 if iterations is None else iterations
            kp = reflections(mv, its)
        kc = (mv @ kp) / dv
        kc, kp = _orient(kc, kp, dv)
        mean, sd = kc.mean(), kc.std()
        if not sd > 0:
            raise ComplexityError(
                "ECI is constant (every location has the same complexity): cannot standardise"
            )
        eci_k[vr] = (kc - mean) / sd
        pci_k[vc] = (kp - mean) / sd
        scores = np.full(len(cols), np.nan)
        scores[vc] = kp
        cog_scale = sd

    # Dense BLAS beats sparse products once the presence matrix is more than a few per cent full.
    m_op = m if not sp.issparse(m) or m.nnz <= DENSE_FILL * m.shape[0] * m.shape[1] else m.toarray()
    phi = proximity_matrix(m_op, kind=proximity, rca=rca_k)
    dens, dist = density_distance(m_op, phi, weights=rca_k if proximity == "continuous" else None)
    coi, cog = coi_cog(m_op, dens, phi, scores)
    if method != "fitness":
        coi = _zscore(coi)
    cog = cog / cog_scale

    def full(a: np.ndarray, shape: tuple[int, ...], index: tuple) -> np.ndarray:
        if every:
            return a
        out = np.full(shape, np.nan)
        out[index] = a
        return out

    rca_full = np.zeros((n, k))
    rca_full[np.ix_(rows, cols)] = rca_k.toarray() if sp.issparse(rca_k) else rca_k
    m_full = np.zeros((n, k))
    m_full[np.ix_(rows, cols)] = m_op if isinstance(m_op, np.ndarray) else m.toarray()
    return ComplexityResult(
        method=method,
        rca=rca_full,
        mcp=m_full,
        diversity=m_full.sum(axis=1),
        ubiquity=m_full.sum(axis=0),
        eci=full(eci_k, (n,), (rows,)),
        pci=full(pci_k, (k,), (cols,)),
        proximity=full(phi, (k, k), np.ix_(cols, cols)),
        density=full(dens, (n, k), np.ix_(rows, cols)),
        distance=full(dist, (n, k), np.ix_(rows, cols)),
        coi=full(coi, (n,), (rows,)),
        cog=full(cog, (n, k), np.ix_(rows, cols)),
        iterations=its,
        eigenvalue=lam,
    )


def _sub(m, rows: np.ndarray, cols: np.ndarray):
    """The submatrix of ``rows`` x ``cols`` (sparse stays CSR)."""
    return m[rows][:, cols].tocsr() if sp.issparse(m) else m[np.ix_(rows, cols)]


def _orient(kc: np.ndarray, kp: np.ndarray, diversity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flip the sign so that ECI correlates positively with diversity (py-ecomplexity's rule); if
    that correlation is undefined or 0, make the first non-zero ECI positive."""
    s = 0.0
    if diversity.std() > 0 and kc.std() > 0:
        s = float(np.sign(np.corrcoef(diversity, kc)[0, 1]))
    if s == 0.0:
        nz = np.flatnonzero(np.abs(kc - kc.mean()) > 1e-12 * max(1.0, np.abs(kc).max()))
        s = float(np.sign(kc[nz[0]] - kc.mean())) if len(nz) else 1.0
    return s * kc, s * kp


def _zscore(x: np.ndarray) -> np.ndarray:
    sd = x.std()
    return (x - x.mean()) / sd if sd > 0 else x - x.mean()
