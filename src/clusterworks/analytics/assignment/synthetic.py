"""Synthetic affinity matrices for tests and benchmarks."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .problem import (
    _count,
)

# ---------------------------------------------------------------------------------- synthetic


def random_affinity(
    n_reviewers: int,
    n_applications: int,
    *,
    eligible: tuple[int, int] = (50, 100),
    topics: int = 20,
    seed: int | np.random.Generator,
) -> sp.coo_array:
    """A synthetic sparse affinity matrix (reviewers x applications) for tests and benchmarks.

    Every reviewer and application gets a mixture of ``topics`` topics (Dirichlet, concentration
    0.3, so most have a few dominant topics); each application gets between ``eligible[0]`` and
    ``eligible[1]`` eligible reviewers drawn uniformly without replacement; the affinity of a pair is
    the cosine similarity of the two mixtures, rounded to 3 decimals and at least 0.001 (so every
    stored entry is non-zero). It stands in for the text-similarity scores a programme computes.

    Parameters
    ----------
    n_reviewers, n_applications : int
    eligible : (int, int)
        Least and most eligible reviewers per application, ``0 <= low <= high <= n_reviewers``.
    topics : int
    seed : int or numpy.random.Generator
        Required: every random step takes an explicit seed.

    Examples
    --------
    >>> a = random_affinity(30, 4, eligible=(5, 8), seed=7)
    >>> a.shape, 4 * 5 <= a.nnz <= 4 * 8, bool((a.data > 0).all() and (a.data <= 1).all())
    ((30, 4), True, True)
    >>> (random_affinity(30, 4, eligible=(5, 8), seed=7) != a).nnz
    0
    """
    n_rev = _count("n_reviewers", n_reviewers)
    n_app = _count("n_applications", n_applications)
    n_topics = _count("topics", topics)
    low, high = eligible
    if not (0 <= low <= high <= n_rev):
        raise ValueError(
            f"eligible must be (low, high) with 0 <= low <= high <= n_reviewers = {n_rev}; got {eligible!r}"
        )
    rng = np.random.default_rng(seed)
    reviewers = rng.dirichlet(np.full(n_topics, 0.3), size=n_rev)
    apps = rng.dirichlet(np.full(n_topics, 0.3), size=n_app)
    reviewers /= np.linalg.norm(reviewers, axis=1, keepdims=True)
    apps /= np.linalg.norm(apps, axis=1, keepdims=True)
    degrees = rng.integers(low, high + 1, size=n_app)
    rev = np.concatenate([rng.choice(n_rev, size=d, replace=False) for d in degrees.tolist()])
    app = np.repeat(np.arange(n_app), degrees)
    values = np.maximum(np.round(np.einsum("ij,ij->i", reviewers[rev], apps[app]), 3), 0.001)
    return sp.coo_array((values, (rev, app)), shape=(n_rev, n_app))
