"""From a vector of awards to an :class:`Allocation`: totals, and each application's reason.

A rule is named in ``cut_by`` when, with every other award left as it is, the room it leaves is less
than what the application needs to get more: one minor unit for a partial award, its floor for an
application that got nothing. At an optimum with a positive score at least one rule always qualifies
(otherwise the extra amount would fit and raise the objective), so the reason is never empty there.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from types import MappingProxyType

import numpy as np

from .model import (
    BELOW_MIN_SCORE,
    CLUSTER_CAP,
    ENVELOPE,
    FUNDED_IN_FULL,
    NO_GAIN,
    SECTOR_MAX,
    Allocation,
    Award,
    SolverInfo,
    _Instance,
)


def format_amount(value: int, decimals: int = 0) -> str:
    """An amount in minor units as text with thousands separators: ``format_amount(123456, 2)`` is
    ``'1,234.56'``."""
    if decimals <= 0:
        return f"{value:,}"
    sign = "-" if value < 0 else ""
    major, minor = divmod(abs(value), 10**decimals)
    return f"{sign}{major:,}.{minor:0{decimals}d}"


def format_score(value: float) -> str:
    """A score as short text: 80 for 80.0, 72.5 for 72.5."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def totals(inst: _Instance, awarded: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """Total awarded, then per cluster and per sector (exact integer sums)."""
    has_c, has_s = inst.cluster >= 0, inst.sector >= 0
    per_cluster = np.zeros(len(inst.clusters), dtype=np.int64)
    per_sector = np.zeros(len(inst.sectors), dtype=np.int64)
    np.add.at(per_cluster, inst.cluster[has_c], awarded[has_c])
    np.add.at(per_sector, inst.sector[has_s], awarded[has_s])
    return int(awarded.sum()), per_cluster, per_sector


def violations(inst: _Instance, awarded: np.ndarray) -> list[str]:
    """Every rule the awards break, checked in exact integer arithmetic (empty when none)."""
    problems = []
    x, low, high = awarded, inst.floor, inst.requested
    bad = (x != 0) & ((x < low) | (x > high) | ~inst.eligible)
    problems += [f"application {inst.ids[i]!r} gets {x[i]}" for i in np.flatnonzero(bad)[:5]]
    total, per_cluster, per_sector = totals(inst, x)
    if total > inst.envelope:
        problems.append(f"total {total} exceeds the envelope {inst.envelope}")
    for c, cap in enumerate(inst.cluster_cap):
        if cap is not None and per_cluster[c] > cap:
            problems.append(f"cluster {inst.clusters[c]!r} gets {per_cluster[c]} > cap {cap}")
    for s, (low_s, high_s) in enumerate(zip(inst.sector_min, inst.sector_max, strict=True)):
        if high_s is not None and per_sector[s] > high_s:
            problems.append(f"sector {inst.sectors[s]!r} gets {per_sector[s]} > maximum {high_s}")
        if low_s is not None and per_sector[s] < low_s:
            problems.append(f"sector {inst.sectors[s]!r} gets {per_sector[s]} < minimum {low_s}")
    return problems


def _limits_text(parts: list[str]) -> str:
    return "; ".join(parts)


def build_allocation(
    inst: _Instance,
    awarded: np.ndarray,
    *,
    optimal: bool,
    solver: SolverInfo,
    amount_decimals: int,
    unmet: Mapping[int, int] | None = None,
) -> Allocation:
    """Assemble the result: totals, slacks, and the status, reason and text of every application.

    ``unmet`` maps a sector index to the part of its minimum not yet met (greedy only); that money
    counts as held back from applications of other sectors, as greedy held it back.
    """
    unmet = dict(unmet or {})
    money = lambda v: format_amount(int(v), amount_decimals)  # noqa: E731
    total, per_cluster, per_sector = totals(inst, awarded)
    envelope_left = inst.envelope - total
    cluster_left = [
        math.inf if cap is None else cap - int(per_cluster[c]) for c, cap in enumerate(inst.cluster_cap)
    ]
    sector_left = [math.inf if m is None else m - int(per_sector[s]) for s, m in enumerate(inst.sector_max)]
    held_total = sum(unmet.values())

    awards = []
    for i, app_id in enumerate(inst.ids):
        req, low, got = int(inst.requested[i]), int(inst.floor[i]), int(awarded[i])
        score = float(inst.score[i])
        c, s = int(inst.cluster[i]), int(inst.sector[i])
        cut_by: tuple[str, ...] = ()
        if got >= req:
            status, reason, text = "full", FUNDED_IN_FULL, f"funded in full: {money(got)}"
        elif not inst.eligible[i]:
            status, reason = "none", BELOW_MIN_SCORE
            text = (
                f"not funded: score {format_score(score)} is below the minimum score "
                f"{format_score(inst.min_score or 0.0)}"
            )
        else:
            status = "partial" if got else "none"
            need = 1 if got or low == 0 else low
            held = held_total - unmet.get(s, 0)
            parts, codes = [], []
            if envelope_left - held < need:
                codes.append(ENVELOPE)
                left = envelope_left - held
                words = "is used up" if left <= 0 else f"has {money(left)} left"
                if held:
                    words += f" after {money(held)} held for other sectors' minimums"
                parts.append(f"the envelope of {money(inst.envelope)} {words}")
            if c >= 0 and cluster_left[c] < need:
                codes.append(CLUSTER_CAP)
                left = cluster_left[c]
                words = "is reached" if left <= 0 else f"has {money(left)} left"
                parts.append(
                    f"the cap of {money(inst.cluster_cap[c])} for cluster {inst.clusters[c]} {words}"
                )
            if s >= 0 and sector_left[s] < need:
                codes.append(SECTOR_MAX)
                left = sector_left[s]
                words = "is reached" if left <= 0 else f"has {money(left)} left"
                parts.append(
                    f"the maximum of {money(inst.sector_max[s])} for sector {inst.sectors[s]} {words}"
                )
            cut_by = tuple(codes)
            if got:
                head = f"funded in part: {money(got)} of {money(req)} requested"
            else:
                head = f"not funded: needs at least {money(max(low, 1))}"
            if cut_by:
                reason = "cut-by-" + "+".join(cut_by)
                text = f"{head}; {_limits_text(parts)}"
            elif score == 0:
                reason = NO_GAIN
                text = f"{head}; it fits within the rules, but a score of 0 adds nothing to the total"
            else:  # pragma: no cover - impossible at an optimum or after greedy (see module docstring)
                reason = "not-chosen"
                text = f"{head}; it fits within the rules but was not chosen"
        awards.append(
            Award(
                application=app_id,
                requested=req,
                floor=low,
                score=score,
                cluster=inst.records[i].cluster,
                sector=inst.records[i].sector,
                awarded=got,
                status=status,
                reason=reason,
                cut_by=cut_by,
                text=text,
            )
        )

    present_c = np.unique(inst.cluster[inst.cluster >= 0])
    present_s = np.unique(inst.sector[inst.sector >= 0])
    return Allocation(
        awards=tuple(awards),
        envelope=inst.envelope,
        total_awarded=total,
        objective=math.fsum((inst.score * awarded).tolist()),
        optimal=optimal,
        solver=solver,
        cluster_totals=MappingProxyType({inst.clusters[c]: int(per_cluster[c]) for c in present_c.tolist()}),
        sector_totals=MappingProxyType({inst.sectors[s]: int(per_sector[s]) for s in present_s.tolist()}),
        cluster_caps=MappingProxyType(
            {inst.clusters[c]: inst.cluster_cap[c] for c in range(len(inst.clusters))}
        ),
        sector_limits=MappingProxyType(
            {
                inst.sectors[s]: (inst.sector_min[s], inst.sector_max[s])
                for s in range(len(inst.sectors))
                if inst.sector_min[s] is not None or inst.sector_max[s] is not None
            }
        ),
        unmet_minimums=MappingProxyType({inst.sectors[s]: v for s, v in sorted(unmet.items()) if v > 0}),
        amount_decimals=amount_decimals,
    )


def label(value: Hashable) -> str:
    """A label for messages: text as is, anything else by repr."""
    return value if isinstance(value, str) else repr(value)
