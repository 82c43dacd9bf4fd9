"""The location x activity matrix behind economic complexity: input checks, long-to-matrix pivot,
Balassa's revealed comparative advantage (RCA) and the binary presence matrix ``M``.

A matrix holds one non-negative, finite value per location (row: country, region, province) and
activity (column: product, HS section, industry) -- exports, employment, turnover. It may be a dense
NumPy array or any SciPy sparse matrix; everything below works on CSR internally.

References
----------
.. [1] B. Balassa, "Trade liberalisation and 'revealed' comparative advantage", *The Manchester
   School* 33(2) (1965) 99-123, doi:10.1111/j.1467-9957.1965.tb00050.x.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

__all__ = [
    "ComplexityError",
    "LongMatrix",
    "NotConvergedError",
    "as_matrix",
    "pivot_long",
    "presence_matrix",
    "rca",
]


class ComplexityError(ValueError):
    """Input that economic complexity cannot use: not 2-D, negative or non-finite values, an all-zero
    matrix, a presence matrix that is not 0/1, a bad keyword value."""


class NotConvergedError(RuntimeError):
    """An iterative method (fitness-complexity) did not reach its tolerance within the allowed number
    of iterations. ``iterations`` and ``change`` (the last maximum absolute change) say how far it got."""

    def __init__(self, message: str, *, iterations: int, change: float):
        super().__init__(message)
        self.iterations = iterations
        self.change = change


def as_matrix(values: np.ndarray | sp.spmatrix | sp.sparray, *, name: str = "values") -> sp.csr_matrix:
    """``values`` as a float64 CSR matrix after checking it: 2-D, finite, non-negative.

    Raises
    ------
    ComplexityError
        Naming the first offending entry (row, column, value).
    """
    if sp.issparse(values):
        m = sp.csr_matrix(values, dtype=np.float64, copy=True)
        m.sum_duplicates()
        data = m.data
        if not np.all(np.isfinite(data)) or np.any(data < 0):
            bad = int(np.flatnonzero(~np.isfinite(data) | (data < 0))[0])
            row = int(np.searchsorted(m.indptr, bad, side="right") - 1)
            raise ComplexityError(
                f"{name}[{row}, {int(m.indices[bad])}] = {float(data[bad])!r}: values must be finite and >= 0"
            )
        m.eliminate_zeros()
        return m
    a = np.asarray(values)
    if a.ndim != 2:
        raise ComplexityError(f"{name} must be a 2-D location x activity matrix, got shape {a.shape}")
    if not (np.issubdtype(a.dtype, np.number) or a.dtype == bool):
        raise ComplexityError(f"{name} must be numeric, got dtype {a.dtype}")
    a = a.astype(np.float64)
    bad = ~np.isfinite(a) | (a < 0)
    if bad.any():
        r, c = (int(i) for i in np.argwhere(bad)[0])
        raise ComplexityError(f"{name}[{r}, {c}] = {float(a[r, c])!r}: values must be finite and >= 0")
    return sp.csr_matrix(a)


def rca(values: np.ndarray | sp.spmatrix | sp.sparray) -> np.ndarray:
    r"""Balassa's revealed comparative advantage of every location in every activity.

    .. math::

        \mathrm{RCA}_{cp} = \frac{x_{cp} / \sum_{p'} x_{cp'}}{\sum_{c'} x_{c'p} / \sum_{c'p'} x_{c'p'}}

    computed in exactly this order, ``(x / row total) / (column total / grand total)``, as
    py-ecomplexity 0.5.3 does, so that values at a threshold (``RCA >= 1``) tie the same way.

    Parameters
    ----------
    values : array_like or sparse matrix, shape (locations, activities)
        Non-negative, finite values (exports, employment).

    Returns
    -------
    numpy.ndarray of float64, same shape
        A location or activity whose total is zero has RCA 0 everywhere (the formula gives 0/0;
        py-ecomplexity leaves such rows out of its calculations and reports NaN). An all-zero matrix
        gives all zeros.

    References
    ----------
    B. Balassa, "Trade liberalisation and 'revealed' comparative advantage", *The Manchester School*
    33(2) (1965) 99-123, doi:10.1111/j.1467-9957.1965.tb00050.x.
    """
    return _rca_sparse(as_matrix(values)).toarray()


def row_sums(x: sp.csr_matrix | np.ndarray) -> np.ndarray:
    """Row totals of a CSR matrix, added in storage order (as ``x.sum(axis=1)``, without its
    matrix-product overhead, which dominates on small matrices); of an array, its ``sum(axis=1)``."""
    if not sp.issparse(x):
        return np.asarray(x, dtype=np.float64).sum(axis=1)
    out = np.zeros(x.shape[0])
    nonempty = np.flatnonzero(np.diff(x.indptr))
    if nonempty.size:
        out[nonempty] = np.add.reduceat(x.data, x.indptr[nonempty])
    return out


def col_sums(x: sp.csr_matrix | np.ndarray) -> np.ndarray:
    """Column totals of a CSR matrix, added row by row (as ``x.sum(axis=0)``); of an array, its
    ``sum(axis=0)``."""
    if not sp.issparse(x):
        return np.asarray(x, dtype=np.float64).sum(axis=0)
    return np.bincount(x.indices, weights=x.data, minlength=x.shape[1]).astype(np.float64)


def _rca_sparse(x: sp.csr_matrix) -> sp.csr_matrix:
    """RCA on the stored (non-zero) entries of a checked CSR matrix; zeros stay structural zeros."""
    row_tot = row_sums(x)
    col_tot = col_sums(x)
    total = row_tot.sum()
    out = x.copy()
    if total == 0:
        return out
    rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
    # Stored entries are > 0, so their row and column totals are > 0.
    out.data = (x.data / row_tot[rows]) / (col_tot[x.indices] / total)
    return out


def presence_matrix(rca_values: sp.csr_matrix, threshold: float) -> sp.csr_matrix:
    """``M_cp = 1`` where ``RCA_cp >= threshold`` (ties count as present), else 0, as float64 CSR."""
    if not np.isfinite(threshold) or threshold <= 0:
        raise ComplexityError(f"rca_threshold={threshold!r}: must be a finite number > 0")
    m = rca_values.copy()
    m.data = (m.data >= threshold).astype(np.float64)
    m.eliminate_zeros()
    return m


class LongMatrix(NamedTuple):
    """A matrix pivoted from long rows: ``matrix`` (CSR, locations x activities) with the sorted
    distinct ``locations`` and ``activities`` labelling its rows and columns."""

    matrix: sp.csr_matrix
    locations: np.ndarray
    activities: np.ndarray


def pivot_long(locations: Sequence, activities: Sequence, values: Sequence[float]) -> LongMatrix:
    """Pivot long rows ``(location, activity, value)`` into a sparse location x activity matrix.

    Rows and columns are the sorted distinct labels (as py-ecomplexity orders them); a missing pair
    is 0.

    Raises
    ------
    ComplexityError
        If the three sequences differ in length, a value is negative or not finite, or a
        (location, activity) pair occurs twice (py-ecomplexity keeps the first with a warning; here
        the ambiguity is an error).
    """
    loc = np.asarray(locations)
    act = np.asarray(activities)
    val = np.asarray(values, dtype=np.float64)
    if not (loc.ndim == act.ndim == val.ndim == 1 and len(loc) == len(act) == len(val)):
        raise ComplexityError(
            "locations, activities and values must be 1-D of one length, "
            f"got {len(loc)}, {len(act)}, {len(val)}"
        )
    bad = ~np.isfinite(val) | (val < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ComplexityError(
            f"row {i} ({_plain(loc[i])!r}, {_plain(act[i])!r}): "
            f"value {float(val[i])!r} must be finite and >= 0 "
            f"({int(bad.sum())} such rows)"
        )
    loc, act = _fixed_width(loc), _fixed_width(act)
    loc_labels, li = np.unique(loc, return_inverse=True)
    act_labels, ai = np.unique(act, return_inverse=True)
    n, k = len(loc_labels), len(act_labels)
    key = li.astype(np.int64) * k + ai
    order = np.argsort(key, kind="stable")  # row-major order of the cells: the CSR layout
    sorted_key = key[order]
    dup = np.flatnonzero(sorted_key[1:] == sorted_key[:-1])
    if dup.size:
        i = int(order[dup + 1].min())  # the first row, in input order, that repeats an earlier pair
        times = int((key == key[i]).sum())
        raise ComplexityError(
            f"row {i}: the pair ({_plain(loc[i])!r}, {_plain(act[i])!r}) occurs {times} times; "
            "give each pair once"
        )
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(li, minlength=n), out=indptr[1:])
    m = sp.csr_matrix((val[order], ai[order].astype(np.int64), indptr), shape=(n, k))
    m.eliminate_zeros()
    return LongMatrix(m, loc_labels, act_labels)


def _plain(x: object) -> object:
    """A NumPy scalar as the Python value (for messages)."""
    return x.item() if isinstance(x, np.generic) else x


def _fixed_width(a: np.ndarray) -> np.ndarray:
    """An object array of strings as a fixed-width unicode array (sorts several times faster)."""
    if a.dtype == object and set(map(type, a.tolist())) == {str}:
        return a.astype(str)
    return a
