"""The statutory clock of each submission at a gate: time elapsed, time stopped under queries, clock
used against the statutory limit, days left, overdue.

Rules (see ``docs/methods/pathways.md``):

* An *attempt* runs from a submission to the decision or withdrawal that ends it (open while neither
  has happened).
* ``elapsed_days`` = calendar days from the submission to the end of the attempt (or to ``today``).
* The clock stops from a query to its answer: ``stopped_days`` = the calendar days in
  ``(query, answered]`` summed over the attempt's queries; an unanswered query stops it to the
  decision, or to ``today``. The day of the query still counts on the clock, the day of the answer
  does not (each event day belongs to the interval before it, as the submission day does not count).
* ``clock_used`` = the days of the gate's kind (working days on the calendar, or calendar days) in
  ``(submitted, end]`` outside the stopped intervals. For a gate without a statutory clock it is
  counted in calendar days, so that durations can still be compared.
* ``days_left = statutory - clock_used`` (negative when overdue), ``overdue = clock_used >
  statutory``; both are ``None``/``False`` without a clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np

from ._gc import paused_gc
from .calendar import WorkingCalendar
from .errors import PathwayError, _text
from .events import _ANSWERED, _DECISION, _QUERY, _SUBMITTED, _WITHDRAWN, Event, _Encoded, check_events

__all__ = ["CLOCK_KINDS", "STAGES", "GateClock", "GateSpec", "gate_clocks"]

#: The kinds of statutory clock.
CLOCK_KINDS = ("working", "calendar", "none")
#: The stages of the pipeline, in order; each gate belongs to one.
STAGES = ("research", "trials", "registration", "production", "market")


def _whole(name: str, value: Any, *, minimum: int, optional: bool = True) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        allowed = f"a whole number >= {minimum}" + (" or None" if optional else "")
        raise PathwayError(f"{name} {value!r} is not allowed; allowed: {allowed}")
    return int(value)


@dataclass(frozen=True)
class GateSpec:
    """A gate of a catalogue: its key, position, stage, agency and statutory clock.

    Parameters
    ----------
    key : str
        The gate's key, unique in its catalogue.
    position : int
        Its place in the catalogue's order (1, 2, ...).
    stage : str
        One of :data:`STAGES`.
    agency : str or None
        The key of the body that decides, ``None`` for a step nobody decides.
    clock_kind : str
        ``"working"``, ``"calendar"`` or ``"none"``.
    clock_days : int or None
        The statutory time in those days (>= 1), ``None`` exactly when ``clock_kind == "none"``.
    typical_low, typical_high : int or None
        The typical duration in calendar days, as practice reports it (either may be missing).

    Examples
    --------
    >>> GateSpec("state-registration", 6, "registration", "minzdrav", "working", 160, 300, 365).clock_days
    160
    """

    key: str
    position: int
    stage: str
    agency: str | None
    clock_kind: str
    clock_days: int | None
    typical_low: int | None = None
    typical_high: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not self.key.strip():
            raise PathwayError(f"gate key {self.key!r} is not allowed; allowed: a non-empty text")
        where = f"gate '{self.key}'"
        _whole(f"{where}: position", self.position, minimum=0, optional=False)
        if self.stage not in STAGES:
            raise PathwayError(f"{where}: stage {self.stage!r} is not allowed; allowed: {', '.join(STAGES)}")
        if self.agency is not None and not isinstance(self.agency, str):
            raise PathwayError(f"{where}: agency {self.agency!r} is not allowed; allowed: a key or None")
        if self.agency == "":
            object.__setattr__(self, "agency", None)
        if self.clock_kind not in CLOCK_KINDS:
            raise PathwayError(
                f"{where}: clock_kind {self.clock_kind!r} is not allowed; allowed: {', '.join(CLOCK_KINDS)}"
            )
        if self.clock_kind == "none":
            if self.clock_days is not None:
                raise PathwayError(
                    f"{where}: clock_days {self.clock_days!r} with clock_kind 'none'; allowed: no days "
                    "without a clock"
                )
        else:
            _whole(f"{where}: clock_days", self.clock_days, minimum=1, optional=False)
        low = _whole(f"{where}: typical_low", self.typical_low, minimum=0)
        high = _whole(f"{where}: typical_high", self.typical_high, minimum=0)
        if low is not None and high is not None and high < low:
            raise PathwayError(
                f"{where}: typical_high {high} is below typical_low {low}; allowed: "
                "typical_low <= typical_high"
            )

    @property
    def has_clock(self) -> bool:
        """Whether the gate has a statutory clock."""
        return self.clock_kind != "none"


@dataclass(frozen=True)
class GateClock:
    """One submission attempt of a product at a gate, measured against the gate's clock.

    Attributes
    ----------
    product, gate : str
    attempt : int
        1 for the first submission at this gate, 2 after a refusal or withdrawal, ...
    submitted : date
    decided : date or None
        The day the attempt ended: the decision, or the withdrawal; ``None`` while open.
    decision : str or None
        ``"approved"``, ``"refused"``, ``"withdrawn"``, or ``None`` while open.
    elapsed_days : int
        Calendar days from the submission to ``decided`` (or to ``today``).
    stopped_days : int
        Calendar days the clock stood still under agency queries.
    clock_used : int
        Days on the gate's clock (working or calendar days; calendar days without a clock), excluding
        the stopped intervals.
    statutory : int or None
        The statutory time (the gate's ``clock_days``).
    days_left : int or None
        ``statutory - clock_used``: negative when overdue; ``None`` without a clock.
    overdue : bool
        ``clock_used > statutory``.
    open : bool
        Whether the attempt is still open.
    clock_kind : str
        The gate's kind of clock.
    queries : int
        How many queries the agency sent in this attempt.
    stops : tuple of (date, date or None)
        The intervals the clock stood still: (query, answered), ``None`` for an open query.
    due : date or None
        The day the statutory clock runs out, taking the stops so far into account (an open query
        counted as if answered ``today``); ``None`` without a clock.
    catalogue : str
        The catalogue the gate belongs to, if the caller named it.
    """

    product: str
    gate: str
    attempt: int
    submitted: date
    decided: date | None
    decision: str | None
    elapsed_days: int
    stopped_days: int
    clock_used: int
    statutory: int | None
    days_left: int | None
    overdue: bool
    open: bool
    clock_kind: str = "none"
    queries: int = 0
    stops: tuple[tuple[date, date | None], ...] = ()
    due: date | None = None
    catalogue: str = ""

    @property
    def under_query(self) -> bool:
        """Whether the attempt is open and waiting for the applicant's answer to a query."""
        return self.open and bool(self.stops) and self.stops[-1][1] is None


def _frozen(cls: type, **values: Any) -> Any:
    """An instance of the frozen dataclass ``cls`` from values already checked, without its
    ``__init__`` (which sets each field through ``object.__setattr__``: a third of the time of
    :func:`gate_clocks` on 100,000 events)."""
    instance = object.__new__(cls)
    instance.__dict__.update(values)
    return instance


@paused_gc
def gate_clocks(
    events: Iterable[Event],
    gates: Mapping[str, GateSpec],
    *,
    calendar: WorkingCalendar,
    today: date,
    validate: bool = True,
    catalogue: str = "",
) -> tuple[GateClock, ...]:
    """The clock of every submission attempt in ``events``, one :class:`GateClock` each.

    Parameters
    ----------
    events : iterable of Event
        Events of one or more products whose gates are ``gates`` (one catalogue), in the order of
        their dates (events on one day in the order they happened).
    gates : mapping of gate key -> GateSpec
    calendar : WorkingCalendar
        Counts the working days of ``working`` clocks.
    today : date
        The end of open attempts and open queries.
    validate : bool
        Check the events with :func:`~.events.check_events` first (``False`` only for events already
        checked).
    catalogue : str
        Written into each clock's ``catalogue``.

    Returns
    -------
    tuple of GateClock
        By product (in order of first appearance), then by the gate's position, then by attempt.

    Raises
    ------
    InvalidEvents
        If ``validate`` and the events break the rules (events after ``today`` included).
    PathwayError
        If an argument is not allowed.

    Examples
    --------
    A 5-working-day clock, submitted on Thursday 26 December 2024; a query on Friday 27 December
    stops it, the answer comes on Thursday 9 January 2025, the approval on Tuesday 14 January:

    >>> from datetime import date
    >>> from clusterworks.analytics.pathways import russian_calendar
    >>> gates = {"permit": GateSpec("permit", 1, "trials", "minzdrav", "working", 5)}
    >>> events = [Event("p1", "permit", "submitted", date(2024, 12, 26)),
    ...           Event("p1", "permit", "query", date(2024, 12, 27)),
    ...           Event("p1", "permit", "answered", date(2025, 1, 9)),
    ...           Event("p1", "permit", "decision", date(2025, 1, 14), "approved")]
    >>> clock, = gate_clocks(events, gates, calendar=russian_calendar(), today=date(2025, 2, 1))
    >>> clock.elapsed_days, clock.stopped_days, clock.clock_used, clock.days_left, clock.overdue
    (19, 13, 4, 1, False)

    Friday 27 December counts (1 working day); the working Saturday 28 December and 9 January fall in
    the stop (27 December, 9 January]; 10, 13 and 14 January count: 4 of 5 working days used. The
    clock was due to run out on 15 January (``clock.due``).
    """
    if not isinstance(calendar, WorkingCalendar):
        raise PathwayError(
            f"calendar {_text(repr(calendar))} is not a WorkingCalendar; allowed: e.g. russian_calendar()"
        )
    if isinstance(today, datetime) or not isinstance(today, date):
        raise PathwayError(f"today {today!r} is not a date; allowed: a datetime.date")
    if not isinstance(gates, Mapping):
        raise PathwayError(f"gates {_text(repr(gates))} is not a mapping; allowed: gate key -> GateSpec")
    for key, spec in gates.items():
        if not isinstance(spec, GateSpec):
            raise PathwayError(f"gates[{key!r}] is {_text(repr(spec))}; allowed: a GateSpec")
    events = list(events)
    if validate:
        check_events(events, gates=gates.keys(), today=today)
    if not events:
        return ()
    encoded = _Encoded(events)
    specs = [gates[gate] for _, gate in encoded.pairs]
    return _clocks(encoded, specs, [catalogue] * len(specs), calendar, today)


def _clocks(
    encoded: _Encoded,
    specs: list[GateSpec],
    catalogues: list[str],
    calendar: WorkingCalendar,
    today: date,
) -> tuple[GateClock, ...]:
    """The clocks of valid events, vectorised: every event in the order of its product and gate, each
    submission opening an attempt that the next decision or withdrawal of the pair closes.
    ``specs[i]`` and ``catalogues[i]`` belong to the pair ``encoded.pairs[i]``."""
    kind, day, first, decision = encoded.kind, encoded.day, encoded.first, encoded.decision
    m = kind.size
    today_ordinal = today.toordinal()
    submitted_at = np.flatnonzero(kind == _SUBMITTED)
    count = submitted_at.size
    attempt_of = np.cumsum(kind == _SUBMITTED) - 1  # per event, the attempt it belongs to
    start_of_pair = np.maximum.accumulate(np.where(first, np.arange(m), 0))
    number = (attempt_of - attempt_of[start_of_pair] + 1)[submitted_at]
    group = encoded.group[submitted_at]

    ended_at = np.flatnonzero((kind == _DECISION) | (kind == _WITHDRAWN))
    decided = np.full(count, -1, dtype=np.int64)
    decided[attempt_of[ended_at]] = day[ended_at]
    outcome = np.zeros(count, dtype=np.int64)  # 0 open, 1 approved, 2 refused, 3 withdrawn
    outcome[attempt_of[ended_at]] = np.where(kind[ended_at] == _WITHDRAWN, 3, decision[ended_at])
    start = day[submitted_at]
    end = np.where(decided >= 0, decided, today_ordinal)
    elapsed = end - start

    # A query stops the clock until the next event of its pair (the answer, or the decision or
    # withdrawal that came first), or until the end of its attempt.
    queried_at = np.flatnonzero(kind == _QUERY)
    following = queried_at + 1
    has_next = following < m
    has_next[has_next] &= ~first[following[has_next]]
    owner = attempt_of[queried_at]
    stop_start = day[queried_at]
    stop_end = end[owner].copy()
    stop_end[has_next] = day[following[has_next]]
    answered = np.zeros(queried_at.size, dtype=bool)
    answered[has_next] = kind[following[has_next]] == _ANSWERED
    stopped = np.bincount(owner, weights=stop_end - stop_start, minlength=count).astype(np.int64)
    stopped_working = np.bincount(
        owner, weights=calendar._count_ordinals(stop_start, stop_end), minlength=count
    ).astype(np.int64)
    working_total = calendar._count_ordinals(start, end)

    # Per gate: its kind of clock and statutory days.
    pair_gate = [gate for _, gate in encoded.pairs]
    is_working = np.array([spec.clock_kind == "working" for spec in specs], dtype=bool)[group]
    clock_days = np.array([spec.clock_days or 0 for spec in specs], dtype=np.int64)[group]
    has_clock = np.array([spec.has_clock for spec in specs], dtype=bool)[group]
    used = np.where(is_working, working_total - stopped_working, elapsed - stopped)

    # The day the clock runs out: directly where nothing stopped it, by walking the stops otherwise.
    due = np.full(count, -1, dtype=np.int64)
    queries = np.bincount(owner, minlength=count)
    plain = has_clock & (queries == 0)
    due[plain & ~is_working] = (start + clock_days)[plain & ~is_working]
    plain_working = plain & is_working
    due[plain_working] = calendar._add_ordinals(start[plain_working], clock_days[plain_working])
    stops_of: dict[int, list[tuple[int, int, bool]]] = {}
    for attempt, q, a, was_answered in zip(
        owner.tolist(), stop_start.tolist(), stop_end.tolist(), answered.tolist(), strict=True
    ):
        stops_of.setdefault(attempt, []).append((q, a, was_answered))
    counter, adder = calendar._ordinal_tools()
    for attempt, stops in stops_of.items():
        if not has_clock[attempt]:
            continue
        working = bool(is_working[attempt])
        remaining, cursor = int(clock_days[attempt]), int(start[attempt])
        for q, a, _ in stops:
            run = counter(cursor, q) if working else q - cursor
            if run >= remaining:
                break
            remaining -= run
            cursor = max(cursor, a)
        due[attempt] = adder(cursor, remaining) if working else cursor + remaining

    # Objects, in the order: product (as it first appears), the gate's position, attempt.
    product_rank: dict[str, int] = {}
    for product, _ in encoded.pairs:
        product_rank.setdefault(product, len(product_rank))
    gate_rank = {gate: rank for rank, gate in enumerate(sorted(set(pair_gate)))}
    pair_product_rank = np.array([product_rank[product] for product, _ in encoded.pairs], dtype=np.int64)
    pair_position = np.array([spec.position for spec in specs], dtype=np.int64)
    pair_gate_rank = np.array([gate_rank[gate] for gate in pair_gate], dtype=np.int64)
    sequence = np.lexsort((number, pair_gate_rank[group], pair_position[group], pair_product_rank[group]))

    ordinal_date: dict[int, date] = {}

    def as_date(ordinal: int) -> date:
        value = ordinal_date.get(ordinal)
        if value is None:
            value = ordinal_date[ordinal] = date.fromordinal(ordinal)
        return value

    columns = (
        group.tolist(),
        number.tolist(),
        start.tolist(),
        decided.tolist(),
        outcome.tolist(),
        elapsed.tolist(),
        stopped.tolist(),
        used.tolist(),
        due.tolist(),
        queries.tolist(),
    )
    names = {1: "approved", 2: "refused", 3: "withdrawn"}
    clocks = []
    for index in sequence.tolist():
        pair, attempt, begun, ended, result, took, halted, spent, runs_out, asked = (
            column[index] for column in columns
        )
        product, gate = encoded.pairs[pair]
        spec = specs[pair]
        statutory = spec.clock_days
        stops = tuple(
            (as_date(q), as_date(a) if was_answered else None)
            for q, a, was_answered in stops_of.get(index, ())
        )
        clocks.append(
            _frozen(
                GateClock,
                product=product,
                gate=gate,
                attempt=attempt,
                submitted=as_date(begun),
                decided=None if ended < 0 else as_date(ended),
                decision=names.get(result),
                elapsed_days=took,
                stopped_days=halted,
                clock_used=spent,
                statutory=statutory,
                days_left=None if statutory is None else statutory - spent,
                overdue=statutory is not None and spent > statutory,
                open=ended < 0,
                clock_kind=spec.clock_kind,
                queries=asked,
                stops=stops,
                due=None if runs_out < 0 else as_date(runs_out),
                catalogue=catalogues[pair],
            )
        )
    return tuple(clocks)
