"""The gate histories of the demo's products, generated from a fixed seed so that the bottlenecks show.

A product passes its catalogue's gates in order, from its start to where its :class:`~.content.Story`
leaves it on :data:`~.content.DEMO_TODAY`. Each gate with a statutory clock takes a drawn share of its
clock (:data:`CLOCKED`: clinical-trial permits mostly on time, device registration at Roszdravnadzor
and state registration often beyond it), counted on the Russian working-day calendar, plus the days
it stood still under an agency's query; the GMP conclusion, the production inspection and the market
launch take drawn calendar durations (:data:`DRAWN`); the development steps (preclinical studies,
trials, tests) fill the time that is left, in proportion to :data:`FILL` and each at most 0.8 to 1.4
times its longest typical duration; what they cannot take is development before the first submission.
Between gates a product waits a few weeks. Pure: no Django, so the histories can be checked on their
own.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from clusterworks.analytics.pathways import GateSpec, WorkingCalendar

from .content import DEMO_TODAY, SEED, Story


@dataclass(frozen=True)
class Clocked:
    """A gate with a statutory clock: the clock used is ``ratio`` x the clock (uniform in ``ratio``);
    with probability ``query`` the agency sends a query that stops the clock for ``stop`` calendar days
    (uniform)."""

    ratio: tuple[float, float]
    query: float
    stop: tuple[int, int]


@dataclass(frozen=True)
class Drawn:
    """A gate without a clock that takes ``days`` calendar days (uniform), queries as in :class:`Clocked`."""

    days: tuple[int, int]
    query: float = 0.0
    stop: tuple[int, int] = (14, 45)


CLOCKED: dict[str, Clocked] = {
    "ct-application-review": Clocked((0.55, 1.02), 0.35, (10, 40)),
    "ct-permit": Clocked((0.4, 1.0), 0.0, (1, 1)),
    "state-registration": Clocked((0.85, 1.45), 0.8, (30, 120)),
    "production-licence": Clocked((0.8, 1.4), 0.5, (10, 45)),
    "device-registration": Clocked((1.0, 2.0), 0.85, (20, 90)),
}
#: a clocked gate the tables above do not name (a catalogue changed by an administrator)
OTHER_CLOCKED = Clocked((0.7, 1.2), 0.3, (10, 40))

DRAWN: dict[str, Drawn] = {
    "gmp-conclusion": Drawn((220, 420), 0.6, (20, 60)),
    "production-inspection": Drawn((60, 200), 0.4, (14, 45)),
    "market-launch": Drawn((14, 75)),
}

#: weights of the development steps in the time they fill; an unnamed gate without a clock weighs 1
FILL: dict[str, float] = {
    "preclinical": 1.0,
    "clinical-trials": 2.2,
    "technical-tests": 0.5,
    "toxicology": 0.45,
    "device-clinical-trials": 0.9,
    "service-development": 1.0,
    "service-pilot": 0.8,
}
#: the shortest a development step may be squeezed to, calendar days
FILL_MIN = 30

QUERY_NOTES: dict[str, tuple[str, ...]] = {
    "ct-application-review": (
        "Query: justify the starting dose of the first-in-human study.",
        "Query: update the investigator's brochure with the new toxicology data.",
    ),
    "state-registration": (
        "Query: additional stability data for the finished product.",
        "Query: clarify the specification of the active substance.",
        "Query: benefit-risk assessment for the elderly subgroup.",
    ),
    "production-licence": ("Query: documents on the qualification of the production premises.",),
    "gmp-conclusion": ("Query: corrective actions after the inspection's observations.",),
    "production-inspection": ("Query: the quality-management system's procedures for complaints.",),
    "device-registration": (
        "Query: additional data on sterilisation validation.",
        "Query: the clinical evidence does not cover all declared indications.",
        "Query: update the technical file to the current standards.",
        "Query: the instructions for use lack contraindications.",
    ),
}
QUERY_NOTE = "Query: additional documents requested."


@dataclass(frozen=True)
class DemoEvent:
    gate: str
    kind: str
    date: dt.date
    decision: str = ""
    reference: str = ""
    note: str = ""


@dataclass
class _Attempt:
    """One submission to be laid out: a clocked gate (``clock`` working or calendar days used), a drawn
    duration (``days``) or a development step filling time (``days`` set by the layout)."""

    gate: GateSpec
    outcome: str  # approved, refused, withdrawn, open
    kind: str  # clocked, drawn, fill
    clock: int = 0
    days: int = 0
    query_at: float | None = None  # the share of the attempt's run before the query
    stop: int = 0
    gap: int = 0  # calendar days after the attempt ends before the next submission
    weight: float = 1.0
    cap: int | None = None  # the longest a development step may last, calendar days
    note: str = ""
    number: int = 0  # of the permit or certificate an approval issues


def rng_for(key: str) -> np.random.Generator:
    """The product's own generator: its history does not change when products are added or removed."""
    return np.random.default_rng([SEED, zlib.crc32(key.encode())])


def _plan(
    story: Story, gates: Sequence[GateSpec], rng: np.random.Generator
) -> tuple[list[_Attempt], GateSpec | None]:
    """The attempts before the current one, and the current gate (``None`` on the market)."""
    keys = [g.key for g in gates]
    if story.state == "market":
        done, current = list(gates), None
    else:
        if story.now not in keys:
            raise ValueError(f"demo product {story.key}: gate {story.now!r} is not among its gates {keys}")
        done, current = list(gates[: keys.index(story.now)]), gates[keys.index(story.now)]
    attempts: list[_Attempt] = []
    for gate in [*done, *([current] if current is not None and story.state != "waiting" else [])]:
        outcomes = [
            *(["refused"] if gate.key in story.refused else []),
            *(["withdrawn"] if gate.key in story.withdrawn else []),
        ]
        if gate is not current:
            outcomes.append("approved")
        for outcome in outcomes:
            attempts.append(_draw(gate, outcome, rng))
    return attempts, current


def _draw(gate: GateSpec, outcome: str, rng: np.random.Generator) -> _Attempt:
    if gate.has_clock:
        profile = CLOCKED.get(gate.key, OTHER_CLOCKED)
        ratio = rng.uniform(*profile.ratio)
        if outcome == "withdrawn":
            ratio *= 0.6  # withdrawn before the decision was due
        attempt = _Attempt(gate, outcome, "clocked", clock=max(1, round(ratio * gate.clock_days)))
        query, stop = profile.query, profile.stop
    elif gate.key in DRAWN:
        profile_d = DRAWN[gate.key]
        attempt = _Attempt(
            gate, outcome, "drawn", days=int(rng.integers(profile_d.days[0], profile_d.days[1] + 1))
        )
        query, stop = profile_d.query, profile_d.stop
    else:
        cap = round(rng.uniform(0.8, 1.4) * gate.typical_high) if gate.typical_high else None
        attempt = _Attempt(gate, outcome, "fill", weight=FILL.get(gate.key, 1.0), cap=cap)
        query, stop = 0.0, (1, 1)
    if rng.random() < query or (outcome == "refused" and attempt.kind == "clocked"):
        attempt.query_at = float(rng.uniform(0.25, 0.6))
        attempt.stop = int(rng.integers(stop[0], stop[1] + 1))
        notes = QUERY_NOTES.get(gate.key, (QUERY_NOTE,))
        attempt.note = notes[int(rng.integers(len(notes)))]
    if outcome == "refused":
        attempt.gap = int(rng.integers(40, 151))
    elif outcome == "withdrawn":
        attempt.gap = int(rng.integers(30, 91))
    else:
        attempt.gap = int(rng.integers(5, 46))
    return attempt


def _advance(calendar: WorkingCalendar, gate: GateSpec, start: dt.date, days: int) -> dt.date:
    """``days`` days of the gate's clock after ``start``."""
    if gate.clock_kind == "working":
        return calendar.add_working_days(start, days)
    return start + dt.timedelta(days=days)


def _lay(attempt: _Attempt, start: dt.date, calendar: WorkingCalendar, number: int) -> list[DemoEvent]:
    """The events of one finished attempt submitted on ``start``."""
    gate = attempt.gate
    events = [DemoEvent(gate.key, "submitted", start)]
    cursor = start
    if attempt.kind == "clocked":
        before = 0
        if attempt.query_at is not None:
            before = min(attempt.clock - 1, max(1, round(attempt.query_at * attempt.clock)))
            if before >= 1:
                query = _advance(calendar, gate, start, before)
                answered = query + dt.timedelta(days=attempt.stop)
                events += [
                    DemoEvent(gate.key, "query", query, note=attempt.note),
                    DemoEvent(gate.key, "answered", answered),
                ]
                cursor = answered
            else:
                before = 0
        end = _advance(calendar, gate, cursor, attempt.clock - before)
    else:
        run = attempt.days
        if attempt.query_at is not None and run > attempt.stop + 2:
            query = start + dt.timedelta(days=max(1, round(attempt.query_at * (run - attempt.stop))))
            answered = query + dt.timedelta(days=attempt.stop)
            events += [
                DemoEvent(gate.key, "query", query, note=attempt.note),
                DemoEvent(gate.key, "answered", answered),
            ]
        end = start + dt.timedelta(days=max(1, run))
    if attempt.outcome == "withdrawn":
        events.append(DemoEvent(gate.key, "withdrawn", end, note="Withdrawn to complete the dossier."))
    else:
        events.append(
            DemoEvent(
                gate.key,
                "decision",
                end,
                decision=attempt.outcome,
                reference=_reference(gate.key, end, number) if attempt.outcome == "approved" else "",
            )
        )
    return events


def _reference(gate: str, day: dt.date, number: int) -> str:
    """An illustrative number of a permit, registration certificate or licence."""
    if gate == "device-registration":
        return f"РЗН {day.year}/{number} (demo)"
    if gate == "state-registration":
        return f"ЛП-{number:06d} (demo)"
    if gate == "ct-permit":
        return f"No. {number % 1000} of {day:%d.%m.%Y} (demo)"
    if gate == "production-licence":
        return f"L-{number:05d}-77 (demo)"
    return ""


def _layout(
    story: Story, attempts: list[_Attempt], calendar: WorkingCalendar, lead: int
) -> tuple[list[DemoEvent], dt.date]:
    """Lay the attempts out from the product's start plus ``lead`` days of development before its first
    submission; return the events and the day the last attempt ends."""
    events: list[DemoEvent] = []
    cursor = story.started_on + dt.timedelta(days=lead)
    end = cursor
    for attempt in attempts:
        laid = _lay(attempt, cursor, calendar, attempt.number)
        events += laid
        end = laid[-1].date
        cursor = end + dt.timedelta(days=attempt.gap)
    return events, end


def _fit(story: Story, attempts: list[_Attempt], calendar: WorkingCalendar, target_end: dt.date) -> int:
    """Set the development steps' durations so that the attempts end on ``target_end`` (or, when a
    working-day clock cannot end on that day, as shortly before it as they can); return the lead time
    before the first submission that takes what the steps cannot (each at most its drawn ``cap``, 0.8 to
    1.4 times the longest typical duration)."""
    fills = [a for a in attempts if a.kind == "fill"]
    for attempt in fills:
        attempt.days = FILL_MIN
    lead = 0
    _, end = _layout(story, attempts, calendar, lead)
    spare = (target_end - end).days
    if spare < 0:
        raise ValueError(
            f"demo product {story.key}: its gates need {-spare} days more than there are from "
            f"{story.started_on} to {target_end}; start it earlier"
        )
    total = sum(a.weight for a in fills) or 1.0
    for attempt in fills:
        share = int(spare * attempt.weight / total)
        cap = attempt.cap
        attempt.days = FILL_MIN + share if cap is None else min(FILL_MIN + share, max(FILL_MIN, cap))
    # a shift changes the calendar length of the working-day clocks, and a decision falls on a working
    # day: move everything by the lead until the end is right, or as late as it can be before it
    for _ in range(10):
        _, end = _layout(story, attempts, calendar, lead)
        diff = (target_end - end).days
        if diff == 0:
            return lead
        lead = max(0, lead + diff)
    while end > target_end:
        if lead > 0:
            lead -= 1
        elif fills and fills[-1].days > FILL_MIN:
            fills[-1].days -= 1
        else:
            raise ValueError(f"demo product {story.key}: the gates do not fit before {target_end}")
        _, end = _layout(story, attempts, calendar, lead)
    return lead


def story_events(story: Story, gates: Sequence[GateSpec], calendar: WorkingCalendar) -> list[DemoEvent]:
    """The events of ``story``'s product at its ``gates`` (those of its catalogue that apply to it, in
    order), from its start to :data:`~.content.DEMO_TODAY`, in the order they happened.

    Raises ``ValueError`` if the story does not fit: its gate is not among ``gates``, or the time from
    its start is too short for the gates it has passed.
    """
    rng = rng_for(story.key)
    attempts, current = _plan(story, gates, rng)
    for attempt in attempts:
        attempt.number = int(rng.integers(1000, 99999))
    at_first_gate = current is not None and current.key == gates[0].key and story.state != "waiting"
    lead = 0
    if current is None or story.state == "waiting":
        # the market launch, or the last decision before the gate not yet submitted
        lead = _fit(story, attempts, calendar, DEMO_TODAY - dt.timedelta(days=story.days))
    elif not at_first_gate or attempts:
        submitted = DEMO_TODAY - dt.timedelta(days=story.days)
        lead = _fit(story, attempts, calendar, submitted - dt.timedelta(days=attempts[-1].gap))
    events, end = _layout(story, attempts, calendar, lead)
    if current is not None and story.state != "waiting":
        if at_first_gate and not attempts:
            submitted = story.started_on
        else:
            submitted = DEMO_TODAY - dt.timedelta(days=story.days)
        events.append(DemoEvent(current.key, "submitted", submitted))
        if story.state in {"query", "answered"}:
            span = (DEMO_TODAY - submitted).days
            query = submitted + dt.timedelta(days=max(1, round(span * rng.uniform(0.3, 0.5))))
            notes = QUERY_NOTES.get(current.key, (QUERY_NOTE,))
            events.append(DemoEvent(current.key, "query", query, note=notes[int(rng.integers(len(notes)))]))
            if story.state == "answered":
                stop = int(rng.integers(14, 41))
                answered = min(query + dt.timedelta(days=stop), DEMO_TODAY)
                events.append(DemoEvent(current.key, "answered", answered))
    return events
