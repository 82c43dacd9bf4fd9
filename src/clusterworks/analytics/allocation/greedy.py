"""The by-score baseline: what a programme office does with a spreadsheet sorted by score."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from typing import Any

import numpy as np

from .model import AllocationRules, SolverInfo, _instance
from .reasons import build_allocation
from .solver import _decimals


def greedy_allocation(
    applications: Iterable[Any],
    *,
    envelope: int,
    rules: AllocationRules | None = None,
    amount_decimals: int = 0,
):
    """Allocate by score, highest first: in full if it fits every rule, else the largest amount of at
    least the floor that fits, else nothing.

    Ties keep the input order. "Fits" means: within what is left of the envelope, of the cluster's
    cap and of the sector's maximum, after holding back what other sectors still need to reach their
    minimums (so that money reserved for a quota is not spent elsewhere first). Applications below
    the minimum score get nothing. Arguments are as for :func:`allocate`.

    Returns
    -------
    Allocation
        The same result type, with the same reasons, ``optimal=False``, and ``unmet_minimums`` for
        the sector minimums it could not reach (the exact solver either meets them or raises).

    Examples
    --------
    >>> apps = [dict(id="A", requested=60, score=9), dict(id="B", requested=50, score=8),
    ...         dict(id="C", requested=50, score=7)]
    >>> g = greedy_allocation(apps, envelope=100)
    >>> g.awarded, g.objective
    ({'A': 60, 'B': 0, 'C': 0}, 540.0)
    >>> g.award("B").text
    'not funded: needs at least 50; the envelope of 100 has 40 left'
    """
    t0 = time.perf_counter()
    inst = _instance(applications, envelope, rules)
    decimals = _decimals(amount_decimals)
    n = len(inst.ids)
    envelope_left = inst.envelope
    cluster_left = [math.inf if cap is None else cap for cap in inst.cluster_cap]
    sector_left = [math.inf if m is None else m for m in inst.sector_max]
    unmet = {s: m for s, m in enumerate(inst.sector_min) if m}
    held = sum(unmet.values())
    awarded = np.zeros(n, dtype=np.int64)
    order = np.lexsort((np.arange(n), -inst.score))
    for i in order.tolist():
        if not inst.eligible[i]:
            continue
        c, s = int(inst.cluster[i]), int(inst.sector[i])
        room = envelope_left - (held - unmet.get(s, 0))
        if c >= 0:
            room = min(room, cluster_left[c])
        if s >= 0:
            room = min(room, sector_left[s])
        amount = min(int(inst.requested[i]), room)
        if amount < max(int(inst.floor[i]), 1):
            continue
        amount = int(amount)
        awarded[i] = amount
        envelope_left -= amount
        if c >= 0:
            cluster_left[c] -= amount
        if s >= 0:
            sector_left[s] -= amount
            if s in unmet:
                used = min(unmet[s], amount)
                unmet[s] -= used
                held -= used
    info = SolverInfo(
        method="greedy, highest score first",
        status="complete" if held == 0 else "sector minimums not met",
        seconds=time.perf_counter() - t0,
        variables=n,
    )
    return build_allocation(inst, awarded, optimal=False, solver=info, amount_decimals=decimals, unmet=unmet)
