"""Statistics of the gates and agencies, and the bottleneck rankings.

Percentiles are taken by linear interpolation between order statistics (``numpy.percentile``'s
default, Hyndman and Fan 1996, definition 7). Durations (``elapsed_days``, ``clock_used``) are those
of *decided* attempts (approved or refused): an open attempt has no duration yet and a withdrawal is
the applicant's doing. The formulas are in ``docs/methods/pathways.md``.

References
----------
Hyndman, R. J., and Fan, Y. (1996). Sample quantiles in statistical packages. The American
Statistician 50(4), 361-365. https://doi.org/10.1080/00031305.1996.10473566
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .clock import GateClock, GateSpec
from .errors import PathwayError, _text

__all__ = [
    "AgencyBottleneck",
    "AgencyStatistics",
    "Bottlenecks",
    "GateBottleneck",
    "GateStatistics",
    "agency_statistics",
    "bottlenecks",
    "gate_statistics",
]


# ------------------------------------------------------------------------------------------ helpers


def _catalogues(gates: Any) -> dict[str, Mapping[str, GateSpec]]:
    """``gates`` as catalogue -> gate -> spec: a single catalogue (gate -> spec) becomes ``{"": gates}``."""
    if not isinstance(gates, Mapping):
        raise PathwayError(
            f"gates {_text(repr(gates))} is not a mapping; allowed: gate key -> GateSpec, or catalogue -> "
            "(gate key -> GateSpec)"
        )
    values = list(gates.values())
    if not values:
        return {}
    if all(isinstance(value, GateSpec) for value in values):
        return {"": gates}
    if all(isinstance(value, Mapping) for value in values):
        for catalogue, specs in gates.items():
            for key, spec in specs.items():
                if not isinstance(spec, GateSpec):
                    raise PathwayError(
                        f"gates[{catalogue!r}][{key!r}] is {_text(repr(spec))}; allowed: a GateSpec"
                    )
        return dict(gates)
    raise PathwayError(
        "gates mixes GateSpecs and mappings; allowed: gate key -> GateSpec, or catalogue -> "
        "(gate key -> GateSpec)"
    )


def _spec(catalogues: Mapping[str, Mapping[str, GateSpec]], clock: GateClock) -> GateSpec:
    specs = catalogues.get(clock.catalogue)
    if specs is None:
        specs = catalogues.get("")
    if specs is None or clock.gate not in specs:
        raise PathwayError(
            f"the clock of product '{clock.product}' is at gate '{clock.gate}' (catalogue "
            f"'{clock.catalogue}'), which is not in gates; allowed: clocks of the gates given"
        )
    return specs[clock.gate]


def _percentiles(values: np.ndarray) -> tuple[float | None, float | None, float | None]:
    """Median, 75th and 90th percentile (linear interpolation), ``None`` for no values."""
    if values.size == 0:
        return None, None, None
    median, p75, p90 = np.percentile(values, [50, 75, 90])
    return float(median), float(p75), float(p90)


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


class _Arrays:
    """The clocks as arrays, for grouped statistics."""

    def __init__(self, clocks: Sequence[GateClock], catalogues: Mapping[str, Mapping[str, GateSpec]]):
        n = len(clocks)
        # Per clock: its (catalogue, gate) key in ``catalogues`` and its agency, looked up once per gate.
        found: dict[tuple[str, str], tuple[tuple[str, str], str | None]] = {}
        self.keys: list[tuple[str, str]] = []
        self.agencies: list[str | None] = []
        for clock in clocks:
            hit = found.get((clock.catalogue, clock.gate))
            if hit is None:
                spec = _spec(catalogues, clock)
                catalogue = clock.catalogue if clock.catalogue in catalogues else ""
                hit = found[clock.catalogue, clock.gate] = ((catalogue, spec.key), spec.agency)
            self.keys.append(hit[0])
            self.agencies.append(hit[1])
        self.elapsed = np.fromiter((c.elapsed_days for c in clocks), dtype=np.int64, count=n)
        self.used = np.fromiter((c.clock_used for c in clocks), dtype=np.int64, count=n)
        self.statutory = np.fromiter(
            (0 if c.statutory is None else c.statutory for c in clocks), dtype=np.int64, count=n
        )
        self.has_clock = np.fromiter((c.statutory is not None for c in clocks), dtype=bool, count=n)
        decision = [c.decision for c in clocks]
        self.approved = np.fromiter((d == "approved" for d in decision), dtype=bool, count=n)
        self.refused = np.fromiter((d == "refused" for d in decision), dtype=bool, count=n)
        self.withdrawn = np.fromiter((d == "withdrawn" for d in decision), dtype=bool, count=n)
        self.open = np.fromiter((c.open for c in clocks), dtype=bool, count=n)
        self.decided = self.approved | self.refused
        self.overdue = self.has_clock & (self.used > self.statutory)
        self.lost = np.where(self.has_clock, np.maximum(0, self.used - self.statutory), 0)
        self.share = np.where(self.has_clock, self.used / np.where(self.has_clock, self.statutory, 1), np.nan)

    def summary(self, rows: np.ndarray) -> dict[str, Any]:
        decided = rows[self.decided[rows]]
        clocked = decided[self.has_clock[decided]]
        elapsed = _percentiles(self.elapsed[decided])
        used = _percentiles(self.used[decided])
        share = _percentiles(self.share[clocked])
        n_decided = int(decided.size)
        refused = int(self.refused[rows].sum())
        return {
            "attempts": int(rows.size),
            "decided": n_decided,
            "approved": int(self.approved[rows].sum()),
            "refused": refused,
            "withdrawn": int(self.withdrawn[rows].sum()),
            "refusal_rate": _share(refused, n_decided),
            "open_now": int(self.open[rows].sum()),
            "overdue_now": int((self.open[rows] & self.overdue[rows]).sum()),
            "elapsed_median": elapsed[0],
            "elapsed_p75": elapsed[1],
            "elapsed_p90": elapsed[2],
            "clock_used_median": used[0],
            "clock_used_p75": used[1],
            "clock_used_p90": used[2],
            "clock_share_median": share[0],
            "clock_share_p75": share[1],
            "clock_share_p90": share[2],
            "share_overdue": _share(int(self.overdue[clocked].sum()), int(clocked.size)),
        }


# ------------------------------------------------------------------------------------- statistics


@dataclass(frozen=True)
class GateStatistics:
    """Time at one gate, over all products' attempts (see :func:`gate_statistics`).

    ``attempts`` counts every submission; ``decided`` those approved or refused, over which the
    duration percentiles and ``share_overdue`` are taken; ``refusal_rate = refused / decided``;
    ``open_now`` the attempts open today, ``overdue_now`` those of them past the clock.
    ``clock_used_*`` are in the gate's clock days (calendar days without a clock);
    ``clock_share_*`` is ``clock_used / statutory`` (1 = the whole statutory time).
    """

    catalogue: str
    gate: str
    position: int
    stage: str
    agency: str | None
    clock_kind: str
    statutory: int | None
    attempts: int
    decided: int
    approved: int
    refused: int
    withdrawn: int
    refusal_rate: float | None
    open_now: int
    overdue_now: int
    elapsed_median: float | None
    elapsed_p75: float | None
    elapsed_p90: float | None
    clock_used_median: float | None
    clock_used_p75: float | None
    clock_used_p90: float | None
    clock_share_median: float | None
    clock_share_p75: float | None
    clock_share_p90: float | None
    share_overdue: float | None


@dataclass(frozen=True)
class AgencyStatistics:
    """Time at the gates of one agency (see :func:`agency_statistics`).

    As :class:`GateStatistics`, over all the agency's gates; ``clock_used_*`` are left out because an
    agency's gates may count working and calendar days: ``clock_share_*`` (clock used / statutory time)
    compares them instead.
    """

    agency: str
    gates: tuple[str, ...]
    attempts: int
    decided: int
    approved: int
    refused: int
    withdrawn: int
    refusal_rate: float | None
    open_now: int
    overdue_now: int
    elapsed_median: float | None
    elapsed_p75: float | None
    elapsed_p90: float | None
    clock_share_median: float | None
    clock_share_p75: float | None
    clock_share_p90: float | None
    share_overdue: float | None


def _groups(keys: Sequence[Any]) -> dict[Any, np.ndarray]:
    rows: dict[Any, list[int]] = defaultdict(list)
    for index, key in enumerate(keys):
        rows[key].append(index)
    return {key: np.array(value, dtype=np.int64) for key, value in rows.items()}


def gate_statistics(
    clocks: Sequence[GateClock], gates: Mapping[str, Any], *, _arrays: _Arrays | None = None
) -> tuple[GateStatistics, ...]:
    """Time per gate: attempts, decisions, refusals, percentiles of the durations, overdue shares.

    Parameters
    ----------
    clocks : sequence of GateClock
        From :func:`~.clock.gate_clocks`.
    gates : mapping
        Gate key -> :class:`~.clock.GateSpec` (one catalogue), or catalogue -> (gate key -> GateSpec);
        every gate of it gets a row, with zeros and ``None`` where it has no attempts.

    Returns
    -------
    tuple of GateStatistics
        By catalogue (in the order given), then by position.

    Examples
    --------
    >>> from datetime import date, timedelta
    >>> from clusterworks.analytics.pathways import Event, GateSpec, gate_clocks, russian_calendar
    >>> gates = {"g": GateSpec("g", 1, "trials", "lab", "calendar", 30)}
    >>> start = date(2025, 3, 1)
    >>> events = [Event(p, "g", k, start + timedelta(days=d), x)
    ...           for p, days in (("a", 10), ("b", 20), ("c", 40))
    ...           for k, d, x in (("submitted", 0, None), ("decision", days, "approved"))]
    >>> stats, = gate_statistics(gate_clocks(events, gates, calendar=russian_calendar(),
    ...                                      today=date(2025, 6, 1)), gates)
    >>> stats.decided, stats.elapsed_median, stats.elapsed_p90, stats.share_overdue
    (3, 20.0, 36.0, 0.3333333333333333)
    """
    catalogues = _catalogues(gates)
    clocks = list(clocks)
    arrays = _Arrays(clocks, catalogues) if _arrays is None else _arrays
    groups = _groups(arrays.keys)
    empty = np.zeros(0, dtype=np.int64)
    result = []
    for catalogue, specs in catalogues.items():
        for spec in sorted(specs.values(), key=lambda s: (s.position, s.key)):
            summary = arrays.summary(groups.get((catalogue, spec.key), empty))
            result.append(
                GateStatistics(
                    catalogue=catalogue,
                    gate=spec.key,
                    position=spec.position,
                    stage=spec.stage,
                    agency=spec.agency,
                    clock_kind=spec.clock_kind,
                    statutory=spec.clock_days,
                    **summary,
                )
            )
    return tuple(result)


def agency_statistics(
    clocks: Sequence[GateClock], gates: Mapping[str, Any], *, _arrays: _Arrays | None = None
) -> tuple[AgencyStatistics, ...]:
    """Time per agency, over the attempts at all its gates (gates without an agency are left out).

    Returns
    -------
    tuple of AgencyStatistics
        Sorted by agency key.
    """
    catalogues = _catalogues(gates)
    clocks = list(clocks)
    arrays = _Arrays(clocks, catalogues) if _arrays is None else _arrays
    groups = _groups(arrays.agencies)
    gate_keys: dict[str, set[str]] = defaultdict(set)
    for specs in catalogues.values():
        for spec in specs.values():
            if spec.agency is not None:
                gate_keys[spec.agency].add(spec.key)
    empty = np.zeros(0, dtype=np.int64)
    result = []
    for agency in sorted(gate_keys):
        summary = arrays.summary(groups.get(agency, empty))
        for name in ("clock_used_median", "clock_used_p75", "clock_used_p90"):
            del summary[name]
        result.append(AgencyStatistics(agency=agency, gates=tuple(sorted(gate_keys[agency])), **summary))
    return tuple(result)


# -------------------------------------------------------------------------------------- bottlenecks


@dataclass(frozen=True)
class GateBottleneck:
    """A gate's contribution to delay (see :func:`bottlenecks`).

    ``days_lost`` = the sum over its decided and open attempts of ``max(0, clock_used - statutory)``,
    in the gate's clock days (``None`` without a clock); ``over_clock`` counts those attempts past the
    clock; ``score`` is ``days_lost`` for a gate with a clock and ``median elapsed x open now`` (the
    days the products waiting there now can expect in all) for a gate without one; ``rank`` is the
    place in its ranking (1 = the worst).
    """

    catalogue: str
    gate: str
    agency: str | None
    clock_kind: str
    statutory: int | None
    attempts: int
    over_clock: int
    days_lost: int | None
    elapsed_median: float | None
    open_now: int
    score: float
    rank: int


@dataclass(frozen=True)
class AgencyBottleneck:
    """An agency's contribution to delay: ``days_lost_working`` and ``days_lost_calendar`` summed over
    its gates with working and calendar clocks, ``days_lost`` their sum; ``waiting_score`` the sum of
    ``score`` over its gates without a clock; ``rank`` by ``days_lost``, then ``waiting_score``."""

    agency: str
    gates: tuple[str, ...]
    attempts: int
    over_clock: int
    days_lost_working: int
    days_lost_calendar: int
    days_lost: int
    waiting_score: float
    open_now: int
    rank: int


@dataclass(frozen=True)
class Bottlenecks:
    """Rankings: ``gates`` with a clock by days lost, ``unclocked_gates`` by median elapsed x open
    now, ``agencies`` by days lost."""

    gates: tuple[GateBottleneck, ...]
    unclocked_gates: tuple[GateBottleneck, ...]
    agencies: tuple[AgencyBottleneck, ...]


def bottlenecks(
    clocks: Sequence[GateClock], gates: Mapping[str, Any], *, _arrays: _Arrays | None = None
) -> Bottlenecks:
    """Rank gates and agencies by the product-days lost beyond the statutory clock.

    For a gate with a clock: ``days_lost = sum over its decided and open attempts of max(0,
    clock_used - statutory)`` (withdrawn attempts are left out). For a gate without a clock, where
    nothing is "late", ``score = median elapsed days of its decided attempts x attempts open now``.
    An agency's ``days_lost`` adds its gates' (working and calendar days as they are: most agencies
    have one kind). Ties are broken by the number of attempts past the clock, then by key.

    Examples
    --------
    >>> from datetime import date, timedelta
    >>> from clusterworks.analytics.pathways import Event, GateSpec, gate_clocks, russian_calendar
    >>> gates = {"g": GateSpec("g", 1, "trials", "lab", "calendar", 30)}
    >>> start = date(2025, 3, 1)
    >>> events = [Event(p, "g", k, start + timedelta(days=d), x)
    ...           for p, days in (("a", 10), ("b", 35), ("c", 50))
    ...           for k, d, x in (("submitted", 0, None), ("decision", days, "refused"))]
    >>> clocks = gate_clocks(events, gates, calendar=russian_calendar(), today=date(2025, 6, 1))
    >>> bottlenecks(clocks, gates).gates[0].days_lost  # max(0, 10 - 30) + (35 - 30) + (50 - 30)
    25
    """
    catalogues = _catalogues(gates)
    clocks = list(clocks)
    arrays = _Arrays(clocks, catalogues) if _arrays is None else _arrays
    groups = _groups(arrays.keys)
    counted = arrays.decided | arrays.open
    empty = np.zeros(0, dtype=np.int64)
    clocked: list[dict[str, Any]] = []
    unclocked: list[dict[str, Any]] = []
    for catalogue, specs in catalogues.items():
        for spec in specs.values():
            rows = groups.get((catalogue, spec.key), empty)
            rows = rows[counted[rows]]
            decided = rows[arrays.decided[rows]]
            median = _percentiles(arrays.elapsed[decided])[0]
            open_now = int(arrays.open[rows].sum())
            over = int(arrays.overdue[rows].sum())
            row = {
                "catalogue": catalogue,
                "gate": spec.key,
                "agency": spec.agency,
                "clock_kind": spec.clock_kind,
                "statutory": spec.clock_days,
                "attempts": int(rows.size),
                "over_clock": over,
                "elapsed_median": median,
                "open_now": open_now,
            }
            if spec.has_clock:
                lost = int(arrays.lost[rows].sum())
                clocked.append({**row, "days_lost": lost, "score": float(lost)})
            else:
                score = 0.0 if median is None else median * open_now
                unclocked.append({**row, "days_lost": None, "score": float(score)})

    def ranked(rows: list[dict[str, Any]]) -> tuple[GateBottleneck, ...]:
        rows.sort(key=lambda r: (-r["score"], -r["over_clock"], r["catalogue"], r["gate"]))
        return tuple(GateBottleneck(**row, rank=rank) for rank, row in enumerate(rows, start=1))

    gate_rows, unclocked_rows = ranked(clocked), ranked(unclocked)
    agencies: dict[str, dict[str, Any]] = {}
    for row in (*gate_rows, *unclocked_rows):
        if row.agency is None:
            continue
        entry = agencies.setdefault(
            row.agency,
            {
                "gates": set(),
                "attempts": 0,
                "over_clock": 0,
                "days_lost_working": 0,
                "days_lost_calendar": 0,
                "waiting_score": 0.0,
                "open_now": 0,
            },
        )
        entry["gates"].add(row.gate)
        entry["attempts"] += row.attempts
        entry["over_clock"] += row.over_clock
        entry["open_now"] += row.open_now
        if row.clock_kind == "working":
            entry["days_lost_working"] += row.days_lost or 0
        elif row.clock_kind == "calendar":
            entry["days_lost_calendar"] += row.days_lost or 0
        else:
            entry["waiting_score"] += row.score
    order = sorted(
        agencies.items(),
        key=lambda item: (
            -(item[1]["days_lost_working"] + item[1]["days_lost_calendar"]),
            -item[1]["waiting_score"],
            -item[1]["over_clock"],
            item[0],
        ),
    )
    agency_rows = tuple(
        AgencyBottleneck(
            agency=agency,
            gates=tuple(sorted(entry["gates"])),
            attempts=entry["attempts"],
            over_clock=entry["over_clock"],
            days_lost_working=entry["days_lost_working"],
            days_lost_calendar=entry["days_lost_calendar"],
            days_lost=entry["days_lost_working"] + entry["days_lost_calendar"],
            waiting_score=entry["waiting_score"],
            open_now=entry["open_now"],
            rank=rank,
        )
        for rank, (agency, entry) in enumerate(order, start=1)
    )
    return Bottlenecks(gates=gate_rows, unclocked_gates=unclocked_rows, agencies=agency_rows)
