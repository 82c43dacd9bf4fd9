"""A seeded synthetic location x activity matrix with the nested structure of real trade data, for
tests and benchmarks."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .matrix import ComplexityError

__all__ = ["nested_matrix"]


def nested_matrix(n_locations: int, n_activities: int, *, fill: float = 0.3, seed: int) -> sp.csr_matrix:
    """A sparse, nested, lognormal location x activity matrix.

    Location ``c`` has a capability ``a_c`` and activity ``p`` a difficulty ``b_p``, both uniform on
    (0, 1); the pair is non-zero with probability ``1 / (1 + exp(-(8 (a_c - b_p) + t)))``, the offset
    ``t`` set so that about ``fill`` of the pairs are non-zero (capable locations do the hard and the
    easy activities: a nested matrix). Non-zero values are lognormal (sigma 2) times a size
    ``exp(3 a_c)``. Every row and column gets at least one non-zero entry.
    """
    if n_locations < 2 or n_activities < 2:
        raise ComplexityError(f"need at least 2 x 2, got {n_locations} x {n_activities}")
    if not 0 < fill <= 1:
        raise ComplexityError(f"fill={fill!r}: must be in (0, 1]")
    rng = np.random.default_rng(seed)
    a = rng.random(n_locations)
    b = rng.random(n_activities)
    gap = 8.0 * (a[:, None] - b[None, :])
    lo, hi = -20.0, 20.0
    for _ in range(60):  # bisection on the offset for the expected fill
        t = (lo + hi) / 2
        if (1 / (1 + np.exp(-(gap + t)))).mean() < fill:
            lo = t
        else:
            hi = t
    present = rng.random(gap.shape) < 1 / (1 + np.exp(-(gap + t)))
    present[np.arange(n_locations), rng.integers(0, n_activities, n_locations)] = True
    present[rng.integers(0, n_locations, n_activities), np.arange(n_activities)] = True
    r, c = np.nonzero(present)
    vals = rng.lognormal(0.0, 2.0, len(r)) * np.exp(3.0 * a[r])
    return sp.csr_matrix((vals, (r, c)), shape=(n_locations, n_activities))
