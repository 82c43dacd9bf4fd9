"""Seeded synthetic participations and collaboration graphs, for tests and benchmarks.

:func:`synthetic_participations` grows a programme project by project. A project's size is 1 with
probability ``single_share`` (H2020: 61 % of projects have one organisation) and otherwise
``max(2, round(exp(N(mu, sigma))))`` capped at ``max_size`` (a heavy right tail like H2020's: median
multi-partner project 8, 99th percentile about 35). Each seat goes to a new organisation with
probability ``p_new``, otherwise to an existing one chosen in proportion to the projects it already
has (preferential attachment, [1]_: a few organisations end up in hundreds of projects, most in one);
an organisation takes one seat per project. New organisations draw an activity type from H2020's
shares and a country from a Zipf law over ``n_countries`` codes. Projects are spread over the years
in order, so earlier years hold the older organisations.

:func:`synthetic_graph` projects such participations, adding projects until the graph has at least
``n_edges`` ties (the benchmark's one-million-tie graph).

References
----------
.. [1] A.-L. Barabasi and R. Albert, "Emergence of scaling in random networks", *Science* 286 (1999)
   509-512; on projects: J. J. Ramasco, S. N. Dorogovtsev and R. Pastor-Satorras, "Self-organization
   of collaboration networks", *Phys. Rev. E* 70 (2004) 036106.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .graph import CollaborationGraph, GraphError, project_graph
from .participations import Participations

__all__ = ["KIND_SHARES", "synthetic_graph", "synthetic_participations"]

#: Activity-type shares of the H2020 participations (HES 34 %, PRC 33 %, REC 20 %, OTH 7 %, PUB 5 %).
KIND_SHARES: dict[str, float] = {"HES": 0.34, "PRC": 0.33, "REC": 0.20, "OTH": 0.07, "PUB": 0.06}


def synthetic_participations(
    n_projects: int,
    *,
    seed: int = 0,
    years: tuple[int, int] = (2014, 2020),
    single_share: float = 0.6,
    mu: float = 2.0,
    sigma: float = 0.7,
    max_size: int = 200,
    p_new: float = 0.25,
    kind_shares: Mapping[str, float] | None = None,
    n_countries: int = 40,
) -> Participations:
    """Participation rows of ``n_projects`` projects (see the module text for the model).

    Returns :class:`Participations` with project ids ``P000001``..., organisation ids ``O000001``...,
    roles (the first seat of a project is the ``coordinator``, the others ``participant``), kinds,
    countries (``C01``...) and amounts (lognormal, around 300 000).
    """
    if n_projects < 0:
        raise GraphError(f"n_projects must be 0 or more; got {n_projects}")
    if not 0 < p_new <= 1:
        raise GraphError(f"p_new must be in (0, 1]; got {p_new}")
    if not 0 <= single_share <= 1:
        raise GraphError(f"single_share must be in [0, 1]; got {single_share}")
    if years[1] < years[0]:
        raise GraphError(f"years must be (first, last) with first <= last; got {years}")
    # One stream per purpose, and seat draws in fixed blocks: the first k projects of a run are the same
    # whatever n_projects is (only the years are spread differently), so ties grow monotonically with
    # n_projects and synthetic_graph can search for a size.
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6)]
    single_rng, size_rng, seat_rng, kind_rng, country_rng, amount_rng = streams
    shares = dict(KIND_SHARES if kind_shares is None else kind_shares)
    kinds_table = list(shares)
    kind_p = np.array([shares[k] for k in kinds_table], dtype=np.float64)
    kind_p /= kind_p.sum()
    zipf = 1.0 / np.arange(1, n_countries + 1)
    zipf /= zipf.sum()

    single = single_rng.random(n_projects) < single_share
    sizes = np.maximum(2, np.rint(np.exp(size_rng.normal(mu, sigma, n_projects)))).astype(np.int64)
    sizes = np.minimum(sizes, max_size)
    sizes[single] = 1
    n_rows = int(sizes.sum())
    block = 1 << 16
    coin, pick, ci = seat_rng.random(block), seat_rng.random(block), 0

    urn: list[int] = []  # one entry per seat taken: choosing uniformly is preferential attachment
    proj_col = np.repeat(np.arange(n_projects, dtype=np.int64), sizes)
    org_col = np.empty(n_rows, dtype=np.int64)
    n_orgs = 0
    row = 0
    for p in range(n_projects):
        seats: set[int] = set()
        for _ in range(int(sizes[p])):
            while True:
                if ci >= block:
                    coin, pick, ci = seat_rng.random(block), seat_rng.random(block), 0
                new = not urn or coin[ci] < p_new
                org = n_orgs if new else urn[int(pick[ci] * len(urn))]
                ci += 1
                if org not in seats:
                    break
            if new:
                n_orgs += 1
            seats.add(org)
            org_col[row] = org
            row += 1
        urn.extend(seats)
    org_kind = np.searchsorted(np.cumsum(kind_p), kind_rng.random(n_orgs), side="right")
    org_kind = np.minimum(org_kind, len(kinds_table) - 1)
    org_country = np.minimum(
        np.searchsorted(np.cumsum(zipf), country_rng.random(n_orgs), side="right"), n_countries - 1
    )
    first, last = years
    proj_year = first + (np.arange(n_projects) * (last - first + 1)) // max(n_projects, 1)
    amount = np.round(np.exp(amount_rng.normal(np.log(300_000.0), 0.8, n_rows)), 2)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]) if n_projects else np.zeros(0, dtype=np.int64)
    is_coord = np.zeros(n_rows, dtype=bool)
    is_coord[starts] = True
    width_p = max(6, len(str(n_projects)))
    width_o = max(6, len(str(n_orgs)))
    return Participations(
        project=proj_col.astype(np.int32),
        organisation=org_col.astype(np.int32),
        year=proj_year[proj_col].astype(np.int32),
        project_ids=tuple(f"P{i + 1:0{width_p}d}" for i in range(n_projects)),
        organisation_ids=tuple(f"O{i + 1:0{width_o}d}" for i in range(n_orgs)),
        role=tuple("coordinator" if c else "participant" for c in is_coord.tolist()),
        kind=tuple(kinds_table[k] for k in org_kind[org_col].tolist()),
        country=tuple(f"C{c + 1:02d}" for c in org_country[org_col].tolist()),
        amount=amount,
        line=np.zeros(n_rows, dtype=np.int64),
        source=f"synthetic(seed={seed})",
    )


def synthetic_graph(
    n_edges: int = 1_000_000, *, seed: int = 0, weighting: str = "count", tolerance: float = 0.02, **options
) -> tuple[CollaborationGraph, Participations]:
    """A projected synthetic programme with at least ``n_edges`` ties, and its participations.

    The first k projects of :func:`synthetic_participations` do not depend on how many are drawn, so the
    number of ties only grows with the number of projects: a run large enough is drawn once and the
    smallest prefix of projects with ``n_edges`` ties is found by bisection (one projection per step),
    then drawn again at that size (for its years). The result has between ``n_edges`` and, when one
    project more does not jump further, ``(1 + tolerance) n_edges`` ties. ``options`` go to
    :func:`synthetic_participations`.
    """
    if n_edges < 1:
        raise GraphError(f"n_edges must be at least 1; got {n_edges}")
    hi = 2000
    while True:
        big = synthetic_participations(hi, seed=seed, **options)
        ties = project_graph(big, weighting=weighting).n_edges
        if ties >= n_edges:
            break
        hi = int(np.ceil(hi * max(1.25, (n_edges / max(ties, 1)) ** (1 / 1.2) * 1.05)))
    lo = 0  # prefix of lo projects: fewer than n_edges ties
    while hi - lo > 1:
        mid = (lo + hi) // 2
        ties = project_graph(big.select(big.project < mid), weighting=weighting).n_edges
        if ties >= n_edges:
            hi = mid
            if ties <= (1 + tolerance) * n_edges:
                break
        else:
            lo = mid
    part = synthetic_participations(hi, seed=seed, **options)
    return project_graph(part, weighting=weighting), part
