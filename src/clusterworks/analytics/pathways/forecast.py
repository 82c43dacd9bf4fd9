"""Time to market of one product: a Monte Carlo from its current position over the recorded gates.

The model (``docs/methods/pathways.md``): the gates the product has not passed are taken one after
another in catalogue order. For each, in every draw,

* a *wait* before submitting it, drawn from the recorded gaps between the approval of the previous
  gate and the submission of this one (bootstrap); none if fewer than ``min_history`` were recorded
  for the gate or overall;
* its *duration* from submission to decision, drawn from the recorded durations of the gate across
  products (bootstrap); with fewer than ``min_history`` records, uniform on the gate's typical range,
  else the statutory clock in calendar days, else nothing;
* *refusals*: each decision is a refusal with the gate's recorded refusal rate; a refusal repeats
  the gate after a resubmission gap (recorded refusal or withdrawal -> resubmission, bootstrap).

Where the product is now is respected: an open submission continues from the days it has already
taken (its duration is drawn among the records longer than that: the distribution conditional on
exceeding it), a refused or withdrawn gate waits for its resubmission, and the wait before the next
gate counts the days already waited. Everything is vectorised over the draws: one array per gate.

References
----------
Efron, B., and Tibshirani, R. J. (1993). An Introduction to the Bootstrap. Chapman & Hall/CRC.
https://doi.org/10.1201/9780429246593
"""

from __future__ import annotations

import math
import numbers
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from ._gc import paused_gc
from .analysis import ProductSpec
from .calendar import WorkingCalendar
from .clock import GateClock, GateSpec, gate_clocks
from .errors import PathwayError, _text
from .events import Event
from .messages import Message

__all__ = ["DEFAULT_MIN_HISTORY", "MAX_REFUSAL_RATE", "Forecast", "GateForecast", "forecast_time_to_market"]

#: Records needed before a gate's own history is used (else the fallbacks).
DEFAULT_MIN_HISTORY = 5
#: Refusal rates are capped here so that a gate is passed eventually in every draw.
MAX_REFUSAL_RATE = 0.9
#: The most draws.
MAX_DRAWS = 10_000_000


@dataclass(frozen=True)
class GateForecast:
    """One remaining gate's part in a :class:`Forecast`.

    ``status`` is ``open`` (a submission pending now), ``refused`` or ``withdrawn`` (its last
    attempt; a resubmission is needed) or ``to do`` (not submitted yet). ``elapsed_days`` is the time
    already spent (the open submission's, or the days since the refusal, withdrawal or previous
    approval). ``duration_source`` says where durations came from (``history``, ``typical``,
    ``statutory``, ``none``) and ``records`` how many recorded durations the gate has;
    ``refusal_rate`` is the rate used. ``mean_days``, ``p50_days`` and ``p90_days`` describe the
    days this gate adds from today (its wait, duration and repeats).
    """

    gate: str
    position: int
    stage: str
    agency: str | None
    status: str
    elapsed_days: int
    duration_source: str
    records: int
    refusal_rate: float
    mean_days: float
    p50_days: float
    p90_days: float


@dataclass(frozen=True)
class Forecast:
    """The forecast time to market of one product (see :func:`forecast_time_to_market`).

    ``p10_days``, ``p50_days``, ``p90_days`` are percentiles (linear interpolation) of the calendar
    days from ``today`` until the last gate is passed, over ``draws`` draws; ``p10_date`` etc. are
    ``today`` plus those days rounded up. ``probability`` is the share of draws done by
    ``target_date`` (``None`` without one); :meth:`probability_by` answers it for any date.
    ``assumptions`` lists what was drawn from where and every fallback used, each an English
    :class:`~.messages.Message` with the ``code`` and ``params`` to word it in another language;
    ``per_gate`` the remaining gates' parts.
    """

    product: str
    today: date
    draws: int
    seed: Any
    p10_days: float
    p50_days: float
    p90_days: float
    mean_days: float
    p10_date: date
    p50_date: date
    p90_date: date
    target_date: date | None
    probability: float | None
    assumptions: tuple[str, ...]
    per_gate: tuple[GateForecast, ...]
    totals: np.ndarray = field(repr=False, compare=False)

    def probability_by(self, day: date) -> float:
        """The share of draws in which the product has passed its last gate by ``day`` (inclusive)."""
        if isinstance(day, datetime) or not isinstance(day, date):
            raise PathwayError(f"day {day!r} is not a date; allowed: a datetime.date")
        days = (day - self.today).days
        return float(np.searchsorted(self.totals, days, side="right") / self.totals.size)

    def quantile(self, q: float) -> float:
        """The ``q``-quantile (0..1, linear interpolation) of the days to market."""
        if isinstance(q, bool) or not isinstance(q, numbers.Real) or not 0 <= q <= 1:
            raise PathwayError(f"q {q!r} is not allowed; allowed: a number from 0 to 1")
        return float(np.quantile(self.totals, float(q)))

    def histogram(self, bins: int = 20) -> tuple[tuple[float, ...], tuple[int, ...]]:
        """Bin edges (``bins + 1``, in days from today) and counts of the draws, for a chart."""
        if isinstance(bins, bool) or not isinstance(bins, int) or bins < 1:
            raise PathwayError(f"bins {bins!r} is not allowed; allowed: a whole number >= 1")
        counts, edges = np.histogram(self.totals, bins=bins)
        return tuple(float(x) for x in edges), tuple(int(x) for x in counts)


# ----------------------------------------------------------------------------------- distributions


class _Source:
    """Where a gate's durations (or a wait) come from: recorded values, a uniform range, one value,
    or nothing."""

    def __init__(self, kind: str, values: np.ndarray | None = None, low: int = 0, high: int = 0):
        self.kind, self.values, self.low, self.high = kind, values, low, high

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return self.draw_beyond(rng, size, None)[0]

    def draw_beyond(
        self, rng: np.random.Generator, size: int, elapsed: int | None
    ) -> tuple[np.ndarray, int | None]:
        """Draws, conditional on exceeding ``elapsed`` if given; and how many records are longer
        (``None`` unless drawn from records)."""
        if self.kind == "history":
            values = self.values if elapsed is None else self.values[self.values > elapsed]
            if values.size == 0:
                return np.full(size, elapsed, dtype=np.int64), 0
            return values[rng.integers(0, values.size, size=size)], int(values.size)
        if self.kind == "typical":
            low = self.low if elapsed is None else max(self.low, elapsed + 1)
            if low > self.high:
                return np.full(size, elapsed, dtype=np.int64), None
            return rng.integers(low, self.high + 1, size=size), None
        value = self.low  # "statutory" (a point) or "none" (0)
        if elapsed is not None and value <= elapsed:
            value = elapsed
        return np.full(size, value, dtype=np.int64), None


def _geometric_failures(rng: np.random.Generator, rate: float, size: int) -> np.ndarray:
    """Refusals before the approval, per draw: failures before the first success at 1 - rate."""
    if rate <= 0:
        return np.zeros(size, dtype=np.int64)
    return rng.geometric(1.0 - rate, size=size).astype(np.int64) - 1


class _Records:
    """The recorded durations, refusals and gaps of ``history`` at the gates of one catalogue, per
    (catalogue named by the clock, gate); :meth:`view` pools the catalogues wanted."""

    def __init__(self, history: Sequence[GateClock], specs: Mapping[str, GateSpec]):
        order = sorted(specs.values(), key=lambda s: (s.position, s.key))
        previous = {spec.key: order[i - 1].key for i, spec in enumerate(order) if i > 0}
        self.durations: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.refused: dict[tuple[str, str], int] = defaultdict(int)
        self.resubmission: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.waits: dict[tuple[str, str], list[int]] = defaultdict(list)
        by_product: dict[tuple[str, str], dict[str, list[GateClock]]] = defaultdict(lambda: defaultdict(list))
        for clock in history:
            if not isinstance(clock, GateClock):
                raise PathwayError(
                    f"history has {_text(repr(clock))}; allowed: GateClocks (from gate_clocks)"
                )
            if clock.gate not in specs:
                continue
            if clock.decision in ("approved", "refused"):
                self.durations[clock.catalogue, clock.gate].append(clock.elapsed_days)
                self.refused[clock.catalogue, clock.gate] += clock.decision == "refused"
            by_product[clock.catalogue, clock.product][clock.gate].append(clock)
        for (catalogue, _), gates in by_product.items():
            for gate, attempts in gates.items():
                if len(attempts) > 1:
                    attempts.sort(key=lambda c: c.attempt)
                    for before, after in zip(attempts, attempts[1:], strict=False):
                        if before.decision in ("refused", "withdrawn") and before.decided is not None:
                            gap = max(0, (after.submitted - before.decided).days)
                            self.resubmission[catalogue, gate].append(gap)
                prior = previous.get(gate)
                if prior is None or prior not in gates:
                    continue
                approvals = [c.decided for c in gates[prior] if c.decision == "approved"]
                if approvals:
                    self.waits[catalogue, gate].append(max(0, (attempts[0].submitted - approvals[0]).days))
        self.catalogues = {catalogue for catalogue, _ in self.durations} | {c for c, _ in self.waits}

    def view(self, catalogues: set[str] | None = None) -> _History:
        """The records of ``catalogues`` (all if ``None``), by gate."""
        return _History(self, catalogues)


class _History:
    """The records of some catalogues by gate: ``durations``, ``refused``, ``resubmission`` and
    ``waits`` per gate, and the same pooled over the gates (``all_*``)."""

    def __init__(self, records: _Records, catalogues: set[str] | None):
        def pooled(table: Mapping[tuple[str, str], Any], merge: Any) -> dict[str, Any]:
            result: dict[str, Any] = {}
            for (catalogue, gate), value in table.items():
                if catalogues is None or catalogue in catalogues:
                    result[gate] = merge(result.get(gate), value)
            return result

        def lists(old: list[int] | None, new: list[int]) -> list[int]:
            return new if old is None else old + new

        durations = pooled(records.durations, lists)
        resubmission = pooled(records.resubmission, lists)
        waits = pooled(records.waits, lists)
        refused = pooled(records.refused, lambda old, new: (old or 0) + new)
        self.durations = {gate: np.array(values, dtype=np.int64) for gate, values in durations.items()}
        self.refused = refused
        self.resubmission = {gate: np.array(v, dtype=np.int64) for gate, v in resubmission.items()}
        self.waits = {gate: np.array(v, dtype=np.int64) for gate, v in waits.items()}
        self.all_resubmission = np.array([x for v in resubmission.values() for x in v], dtype=np.int64)
        self.all_waits = np.array([x for v in waits.values() for x in v], dtype=np.int64)
        self.all_decided = sum(len(v) for v in durations.values())
        self.all_refused = sum(refused.values())


def _seed_text(seed: Any) -> str:
    return "a Generator" if isinstance(seed, np.random.Generator) else repr(seed)


@paused_gc
def forecast_time_to_market(
    *,
    product: str | ProductSpec,
    events: Iterable[Event],
    gates: Mapping[str, GateSpec],
    history: Sequence[GateClock],
    calendar: WorkingCalendar,
    today: date,
    draws: int = 10_000,
    seed: int | np.random.Generator | None,
    target_date: date | None = None,
    min_history: int = DEFAULT_MIN_HISTORY,
) -> Forecast:
    """Forecast the calendar days until ``product`` passes the last gate of its catalogue.

    Parameters
    ----------
    product : str or ProductSpec
        The product (its key).
    events : iterable of Event
        Its events (events of other products are ignored), checked with
        :func:`~.events.check_events`.
    gates : mapping of gate key -> GateSpec
        Its catalogue.
    history : sequence of GateClock
        Recorded attempts of all products (e.g. :attr:`~.analysis.PathwayReport.clocks`); those at
        gates with the keys of ``gates`` are used: of the product's catalogue (when ``product`` is a
        ProductSpec and the clocks name their catalogue) where a gate has ``min_history`` of them there,
        else of every catalogue.
    calendar : WorkingCalendar
        Converts statutory working days to calendar days (from ``today``) when a gate falls back to
        its clock.
    today : date
    draws : int
        Monte Carlo draws (1 .. 10,000,000).
    seed : int, numpy Generator or None
        Seed of the draws (``None``: fresh entropy, not reproducible).
    target_date : date, optional
        Report the probability of passing the last gate by this day.
    min_history : int
        Records a gate needs before its own history is used (>= 1).

    Returns
    -------
    Forecast

    Raises
    ------
    InvalidEvents
        If the product's events break the rules.
    PathwayError
        If an argument is not allowed.

    Examples
    --------
    Two gates; every record of the first took 30 days and of the second 60; the product has not
    started the first:

    >>> from datetime import date, timedelta
    >>> from clusterworks.analytics.pathways import Event, GateSpec, gate_clocks, russian_calendar
    >>> gates = {"a": GateSpec("a", 1, "trials", "lab", "none", None),
    ...          "b": GateSpec("b", 2, "registration", "rzn", "working", 50)}
    >>> past = [Event(f"p{i}", g, k, date(2024, 1, 1) + timedelta(days=d), x) for i in range(5)
    ...         for g, k, d, x in (("a", "submitted", 0, None), ("a", "decision", 30, "approved"),
    ...                            ("b", "submitted", 30, None), ("b", "decision", 90, "approved"))]
    >>> cal = russian_calendar()
    >>> history = gate_clocks(past, gates, calendar=cal, today=date(2025, 1, 1))
    >>> f = forecast_time_to_market(product="new", events=[], gates=gates, history=history,
    ...                             calendar=cal, today=date(2025, 1, 1), seed=0)
    >>> f.p10_days, f.p50_days, f.p90_days, f.p50_date
    (90.0, 90.0, 90.0, datetime.date(2025, 4, 1))
    """
    key = product.key if isinstance(product, ProductSpec) else product
    if not isinstance(key, str) or not key:
        raise PathwayError(f"product {product!r} is not allowed; allowed: a product key or a ProductSpec")
    if not isinstance(calendar, WorkingCalendar):
        raise PathwayError(
            f"calendar {_text(repr(calendar))} is not a WorkingCalendar; allowed: e.g. russian_calendar()"
        )
    if isinstance(today, datetime) or not isinstance(today, date):
        raise PathwayError(f"today {today!r} is not a date; allowed: a datetime.date")
    if target_date is not None and (isinstance(target_date, datetime) or not isinstance(target_date, date)):
        raise PathwayError(f"target_date {target_date!r} is not a date; allowed: a datetime.date or None")
    if isinstance(draws, bool) or not isinstance(draws, int | np.integer) or not 1 <= draws <= MAX_DRAWS:
        raise PathwayError(f"draws {draws!r} is not allowed; allowed: a whole number from 1 to {MAX_DRAWS:,}")
    if isinstance(min_history, bool) or not isinstance(min_history, int) or min_history < 1:
        raise PathwayError(f"min_history {min_history!r} is not allowed; allowed: a whole number >= 1")
    if (
        seed is not None
        and not isinstance(seed, np.random.Generator)
        and (isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0)
    ):
        raise PathwayError(
            f"seed {seed!r} is not allowed; allowed: a whole number >= 0, a numpy Generator or None"
        )
    if not isinstance(gates, Mapping) or not gates:
        raise PathwayError(
            f"gates {_text(repr(gates))} is not allowed; allowed: a non-empty mapping gate key -> GateSpec"
        )
    draws = int(draws)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)

    own_events = [event for event in events if event.product == key]
    own = gate_clocks(own_events, gates, calendar=calendar, today=today)
    history = list(history)
    records = _Records(history, gates)
    everything = records.view()
    catalogue = product.catalogue if isinstance(product, ProductSpec) else None
    same = everything
    if catalogue is not None and records.catalogues - {"", catalogue}:
        same = records.view({"", catalogue})
    order = sorted(gates.values(), key=lambda s: (s.position, s.key))
    approved = {c.gate for c in own if c.decision == "approved"}
    latest: dict[str, GateClock] = {}
    for clock in own:
        if clock.gate not in latest or clock.attempt > latest[clock.gate].attempt:
            latest[clock.gate] = clock
    remaining = [spec for spec in order if spec.key not in approved]

    assumptions = [
        Message.make("forecast.order", today=today.isoformat(), remaining=len(remaining), total=len(order))
    ]
    mixed = False
    total = np.zeros(draws, dtype=np.int64)
    per_gate = []
    beyond_span = False
    for index, spec in enumerate(remaining):
        # The records of the product's catalogue if the gate has enough there, else of every catalogue.
        own_count = same.durations.get(spec.key, np.zeros(0)).size
        records = same if same is everything or own_count >= min_history else everything
        mixed |= records is not same
        pooled_waits = records.all_waits.size >= min_history
        duration, source_text, n_records = _duration_source(spec, records, min_history, calendar, today)
        beyond_span |= (
            spec.clock_kind == "working"
            and duration.kind == "statutory"
            and not calendar.covers(today, calendar.add_working_days(today, int(spec.clock_days or 0)))
        )
        rate, rate_text = _refusal_rate(spec, records, min_history)
        resubmit, resubmit_text = _gap_source(
            records.resubmission.get(spec.key), records.all_resubmission, min_history
        )
        wait_values = records.waits.get(spec.key)
        if spec is order[0]:
            wait, wait_text = _Source("none"), Message.make("wait.first_gate")
        elif wait_values is not None and wait_values.size >= min_history:
            wait = _Source("history", wait_values)
            wait_text = Message.make("wait.history", gaps=int(wait_values.size))
        elif pooled_waits:
            wait = _Source("history", records.all_waits)
            wait_text = Message.make(
                "wait.all_gates", gaps=int(records.all_waits.size), min_history=min_history
            )
        else:
            wait = _Source("none")
            wait_text = Message.make("wait.none", min_history=min_history)

        last = latest.get(spec.key)
        contribution = np.zeros(draws, dtype=np.int64)
        if last is not None and last.open:
            status, elapsed = "open", last.elapsed_days
            drawn, longer = duration.draw_beyond(rng, draws, elapsed)
            contribution += drawn - elapsed
            where = {"gate": spec.key, "elapsed": int(elapsed), "source": source_text}
            if duration.kind != "history":
                first = Message.make("forecast.gate_open", **where)
            elif longer:
                first = Message.make(
                    "forecast.gate_open_longer", **where, longer=int(longer), records=n_records
                )
            else:
                first = Message.make(
                    "forecast.gate_open_none_longer", **where, longest=int(duration.values.max())
                )
            assumptions.append(first)
        else:
            if last is not None:  # refused or withdrawn: resubmit
                status = last.decision or "refused"
                elapsed = (today - last.decided).days if last.decided else 0
                gap, _ = resubmit.draw_beyond(rng, draws, elapsed or None)
                contribution += np.maximum(gap - elapsed, 0)
                assumptions.append(
                    Message.make(
                        "forecast.gate_withdrawn" if status == "withdrawn" else "forecast.gate_refused",
                        gate=spec.key,
                        elapsed=int(elapsed),
                        gap=resubmit_text,
                        source=source_text,
                    )
                )
            else:
                status = "to do"
                elapsed = 0
                if index == 0 and wait.kind == "history":
                    prior = [c.decided for c in own if c.decision == "approved" and c.decided is not None]
                    elapsed = (today - max(prior)).days if prior else 0
                    gap, _ = wait.draw_beyond(rng, draws, elapsed or None)
                    contribution += np.maximum(gap - elapsed, 0)
                else:
                    contribution += wait.draw(rng, draws)
                assumptions.append(
                    Message.make("forecast.gate_to_do", gate=spec.key, wait=wait_text, source=source_text)
                )
            contribution += duration.draw(rng, draws)
        refusals = _geometric_failures(rng, rate, draws)
        extra = int(refusals.sum())
        if extra:
            owner = np.repeat(np.arange(draws), refusals)
            repeats = resubmit.draw(rng, extra) + duration.draw(rng, extra)
            contribution += np.bincount(owner, weights=repeats, minlength=draws).astype(np.int64)
        assumptions.append(Message.make("forecast.gate_refusals", gate=spec.key, rate=rate_text))
        total += contribution
        mean = float(contribution.mean())
        p50, p90 = (float(x) for x in np.percentile(contribution, [50, 90]))
        per_gate.append(
            GateForecast(
                gate=spec.key,
                position=spec.position,
                stage=spec.stage,
                agency=spec.agency,
                status=status,
                elapsed_days=int(elapsed),
                duration_source=duration.kind,
                records=n_records,
                refusal_rate=rate,
                mean_days=mean,
                p50_days=p50,
                p90_days=p90,
            )
        )
    if mixed:
        assumptions.append(
            Message.make("forecast.other_catalogues", min_history=min_history, catalogue=str(catalogue))
        )
    if beyond_span:
        assumptions.append(
            Message.make("forecast.beyond_calendar_after", end=calendar.span[1].isoformat())
            if calendar.span
            else Message.make("forecast.beyond_calendar")
        )
    if not remaining:
        assumptions.append(Message.make("forecast.on_the_market"))

    totals = np.sort(total)
    totals.setflags(write=False)
    p10, p50, p90 = (float(x) for x in np.percentile(totals, [10, 50, 90]))

    def when(days: float) -> date:
        return today + timedelta(days=math.ceil(days))

    forecast = Forecast(
        product=key,
        today=today,
        draws=draws,
        seed=seed if not isinstance(seed, np.random.Generator) else None,
        p10_days=p10,
        p50_days=p50,
        p90_days=p90,
        mean_days=float(totals.mean()),
        p10_date=when(p10),
        p50_date=when(p50),
        p90_date=when(p90),
        target_date=target_date,
        probability=None,
        assumptions=tuple(assumptions),
        per_gate=tuple(per_gate),
        totals=totals,
    )
    if target_date is not None:
        object.__setattr__(forecast, "probability", forecast.probability_by(target_date))
    return forecast


def _duration_source(
    spec: GateSpec, records: _History, min_history: int, calendar: WorkingCalendar, today: date
) -> tuple[_Source, Message, int]:
    values = records.durations.get(spec.key)
    n = 0 if values is None else int(values.size)
    if n >= min_history:
        return _Source("history", values), Message.make("source.history", records=n), n
    few = {"records": n, "min_history": min_history}
    low, high = spec.typical_low, spec.typical_high
    if low is not None or high is not None:
        low = high if low is None else low
        high = low if high is None else high
        return (
            _Source("typical", low=low, high=high),
            Message.make("source.typical", low=low, high=high, **few),
            n,
        )
    if spec.has_clock:
        days = int(spec.clock_days)  # type: ignore[arg-type]
        if spec.clock_kind == "working":
            calendar_days = calendar.calendar_days_for(today, days)
            text = Message.make("source.statutory_working", days=days, calendar_days=calendar_days, **few)
        else:
            calendar_days = days
            text = Message.make("source.statutory_calendar", days=days, **few)
        return _Source("statutory", low=calendar_days), text, n
    return _Source("none"), Message.make("source.none", **few), n


def _refusal_rate(spec: GateSpec, records: _History, min_history: int) -> tuple[float, Message]:
    values = records.durations.get(spec.key)
    decided = 0 if values is None else int(values.size)
    if decided >= min_history:
        refused = int(records.refused.get(spec.key, 0))
        code, params = "rate.history", {"refused": refused, "decided": decided}
    elif records.all_decided >= min_history:
        refused, decided = int(records.all_refused), int(records.all_decided)
        code = "rate.all_gates"
        params = {"refused": refused, "decided": decided, "min_history": min_history}
    else:
        return 0.0, Message.make("rate.none", min_history=min_history)
    rate = refused / decided
    if rate > MAX_REFUSAL_RATE:
        return MAX_REFUSAL_RATE, Message.make(f"{code}_capped", rate=rate, cap=MAX_REFUSAL_RATE, **params)
    return rate, Message.make(code, rate=rate, **params)


def _gap_source(own: np.ndarray | None, pooled: np.ndarray, min_history: int) -> tuple[_Source, Message]:
    """Where the gap before a resubmission is drawn from: the gate's records, all gates', or none."""
    if own is not None and own.size >= min_history:
        return _Source("history", own), Message.make("gap.history", gaps=int(own.size))
    if pooled.size >= min_history:
        return _Source("history", pooled), Message.make("gap.all_gates", gaps=int(pooled.size))
    return _Source("none"), Message.make("gap.none", min_history=min_history)
