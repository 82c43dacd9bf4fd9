"""Synthetic applications for tests and benchmarks, shaped like a call for cluster projects."""

from __future__ import annotations

import numpy as np

from ..assignment.problem import _count
from .model import Application

#: Sector names used by :func:`random_applications`, in order.
SECTORS = (
    "biotech",
    "pharma",
    "medical",
    "ict",
    "materials",
    "engineering",
    "chemicals",
    "aerospace",
    "nuclear",
    "energy",
)
_THOUSAND_ROUBLES = 100_000  # kopecks


def random_applications(
    n_applications: int,
    *,
    clusters: int = 25,
    sectors: int = 6,
    partial: float = 0.6,
    median_request: int = 20_000_000_00,
    seed: int | np.random.Generator,
) -> list[Application]:
    """Deterministic synthetic applications, amounts in kopecks.

    * requests are log-normal around ``median_request`` (default 20 million roubles; spread
      factor e^0.8, about 2.2), rounded to whole thousands of roubles (at least one thousand);
    * a share ``partial`` of them accept a partial award down to a floor of 50-90 % of the request
      (rounded to thousands of roubles); the others are all or nothing;
    * clusters ``C01, C02, ...`` differ in size (Dirichlet weights, concentration 1) and each has a
      main sector (``SECTORS`` in turn) where 80 % of its applications fall, the rest in any sector;
    * scores are 70 + a cluster effect (sd 6) + noise (sd 10), clipped to 0-100 and rounded to 0.1.

    Parameters
    ----------
    n_applications, clusters : int
    sectors : int
        From 1 to 10.
    partial : float
        Share of applications with a floor below their request, from 0 to 1.
    median_request : int
        In kopecks.
    seed : int or numpy.random.Generator
        Required: every random step takes an explicit seed.

    Examples
    --------
    >>> apps = random_applications(4, clusters=2, sectors=2, seed=1)
    >>> [a.id for a in apps], all(0 <= a.floor <= a.requested for a in apps)
    (['A0001', 'A0002', 'A0003', 'A0004'], True)
    >>> random_applications(4, clusters=2, sectors=2, seed=1) == apps
    True
    """
    n = _count("n_applications", n_applications)
    n_clusters = _count("clusters", clusters)
    n_sectors = _count("sectors", sectors)
    if n_sectors > len(SECTORS):
        raise ValueError(f"sectors is {sectors}; allowed: 1 to {len(SECTORS)}")
    if not 0 <= partial <= 1:
        raise ValueError(f"partial is {partial!r}; allowed: a share from 0 to 1")
    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.ones(n_clusters))
    cluster = rng.choice(n_clusters, size=n, p=weights)
    main_sector = np.arange(n_clusters) % n_sectors
    other = rng.integers(0, n_sectors, size=n)
    sector = np.where(rng.random(n) < 0.8, main_sector[cluster], other)
    thousands = np.exp(rng.normal(np.log(median_request / _THOUSAND_ROUBLES), 0.8, size=n))
    requested = np.maximum(np.round(thousands), 1).astype(np.int64) * _THOUSAND_ROUBLES
    has_floor = rng.random(n) < partial
    floor_share = rng.uniform(0.5, 0.9, size=n)
    floors = np.round(requested * floor_share / _THOUSAND_ROUBLES).astype(np.int64) * _THOUSAND_ROUBLES
    floors = np.where(has_floor, np.minimum(floors, requested), requested)
    effect = rng.normal(0, 6, size=n_clusters)
    scores = np.clip(np.round(70 + effect[cluster] + rng.normal(0, 10, size=n), 1), 0, 100)
    width = len(str(n_clusters))
    return [
        Application(
            id=f"A{i + 1:0{max(4, len(str(n)))}d}",
            requested=int(requested[i]),
            score=float(scores[i]),
            floor=int(floors[i]),
            cluster=f"C{cluster[i] + 1:0{max(2, width)}d}",
            sector=SECTORS[sector[i]],
        )
        for i in range(n)
    ]
