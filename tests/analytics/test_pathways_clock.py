"""The clock of each attempt, worked by hand on the Russian calendar: queries stop it, the day of the
query counts and the day of the answer does not, open attempts run to today, refusals start a new
attempt, and the day the clock runs out."""

from __future__ import annotations

from datetime import date

import pytest

from clusterworks.analytics.pathways import (
    Event,
    GateSpec,
    InvalidEvents,
    PathwayError,
    gate_clocks,
    russian_calendar,
)

D = date
CAL = russian_calendar()
GATES = {
    "registration": GateSpec("registration", 2, "registration", "roszdravnadzor", "working", 20),
    "tests": GateSpec("tests", 1, "trials", "labs", "calendar", 30),
    "trials": GateSpec("trials", 3, "trials", "sites", "none", None, 300, 400),
}


def clocks(*rows, today=D(2025, 6, 30), product="p"):
    events = [Event(product, gate, kind, day, decision) for gate, kind, day, decision in rows]
    return gate_clocks(events, GATES, calendar=CAL, today=today)


def test_working_clock_stopped_by_a_query():
    # Submitted Mon 3 Mar 2025; query Fri 14 Mar; answered Mon 31 Mar; approved Fri 11 Apr.
    # Working days (3 Mar, 14 Mar]: 4-7 Mar (4; 8 Mar is a Saturday, its day off moved to 13 Jun, so
    # Mon 10 Mar works), 10-14 Mar (5) = 9. Stopped (14 Mar, 31 Mar]: 17-21, 24-28 Mar, 31 Mar = 11
    # working days, 17 calendar days. Then (31 Mar, 11 Apr]: 1-4 Apr (4), 7-11 Apr (5) = 9.
    # Clock used 9 + 9 = 18 of 20: 2 days left. Elapsed 3 Mar -> 11 Apr = 39 calendar days.
    (clock,) = clocks(
        ("registration", "submitted", D(2025, 3, 3), None),
        ("registration", "query", D(2025, 3, 14), None),
        ("registration", "answered", D(2025, 3, 31), None),
        ("registration", "decision", D(2025, 4, 11), "approved"),
    )
    assert (clock.product, clock.gate, clock.attempt) == ("p", "registration", 1)
    assert (clock.submitted, clock.decided, clock.decision) == (D(2025, 3, 3), D(2025, 4, 11), "approved")
    assert (clock.elapsed_days, clock.stopped_days, clock.clock_used) == (39, 17, 18)
    assert (clock.statutory, clock.days_left, clock.overdue, clock.open) == (20, 2, False, False)
    assert clock.clock_kind == "working" and clock.queries == 1
    assert clock.stops == ((D(2025, 3, 14), D(2025, 3, 31)),)
    # Due: 9 days used by 14 Mar, 11 left from 31 Mar: 1-4 Apr (4), 7-11 Apr (5), 14, 15 Apr -> 15 Apr.
    assert clock.due == D(2025, 4, 15)
    assert (
        CAL.working_days(D(2025, 3, 3), D(2025, 3, 14)) + CAL.working_days(D(2025, 3, 31), D(2025, 4, 15))
        == 20
    )


def test_open_attempt_with_an_unanswered_query_runs_to_today():
    # Submitted Mon 19 May 2025, query Mon 2 Jun, no answer by today Mon 30 Jun.
    # Clock (19 May, 2 Jun]: 20-23 May (4), 26-30 May (5), 2 Jun (1) = 10; then stopped to today.
    (clock,) = clocks(
        ("registration", "submitted", D(2025, 5, 19), None),
        ("registration", "query", D(2025, 6, 2), None),
    )
    assert clock.open and clock.decided is None and clock.decision is None
    assert (clock.elapsed_days, clock.stopped_days, clock.clock_used, clock.days_left) == (42, 28, 10, 10)
    assert clock.under_query and clock.stops == ((D(2025, 6, 2), None),)
    # Due as if the answer came today: 10 days left from 30 Jun -> 1-4 Jul (4), 7-11 Jul (5), 14 Jul.
    assert clock.due == D(2025, 7, 14)


def test_overdue_and_a_decision_under_query():
    # Submitted Mon 10 Mar 2025, query Fri 11 Apr, refused Fri 25 Apr without an answer.
    # Clock (10 Mar, 11 Apr]: 11-14 Mar (4), 17-21, 24-28 Mar, 31 Mar-4 Apr, 7-11 Apr (20) = 24 > 20.
    (clock,) = clocks(
        ("registration", "submitted", D(2025, 3, 10), None),
        ("registration", "query", D(2025, 4, 11), None),
        ("registration", "decision", D(2025, 4, 25), "refused"),
    )
    assert (clock.elapsed_days, clock.stopped_days, clock.clock_used) == (46, 14, 24)
    assert clock.overdue and clock.days_left == -4 and not clock.under_query
    # The clock ran out before the query: the 20th working day after 10 Mar is 7 Apr (... 31 Mar-4 Apr,
    # 7 Apr).
    assert clock.due == D(2025, 4, 7)


def test_calendar_clock_and_attempts_after_a_refusal_and_a_withdrawal():
    # tests: 30 calendar days. Attempt 1: 1 Feb -> refused 10 Mar (37 days, overdue by 7).
    # Attempt 2: 20 Mar, query 25 Mar, answered 4 Apr (10 days stopped), withdrawn 10 Apr: elapsed 21,
    # clock 21 - 10 = 11. Attempt 3: 1 May, open on 30 Jun: 60 days, overdue.
    found = clocks(
        ("tests", "submitted", D(2025, 2, 1), None),
        ("tests", "decision", D(2025, 3, 10), "refused"),
        ("tests", "submitted", D(2025, 3, 20), None),
        ("tests", "query", D(2025, 3, 25), None),
        ("tests", "answered", D(2025, 4, 4), None),
        ("tests", "withdrawn", D(2025, 4, 10), None),
        ("tests", "submitted", D(2025, 5, 1), None),
    )
    assert [
        (c.attempt, c.decision, c.elapsed_days, c.stopped_days, c.clock_used, c.overdue) for c in found
    ] == [
        (1, "refused", 37, 0, 37, True),
        (2, "withdrawn", 21, 10, 11, False),
        (3, None, 60, 0, 60, True),
    ]
    assert [c.due for c in found] == [D(2025, 3, 3), D(2025, 4, 29), D(2025, 5, 31)]  # 30 days, + 10 stopped
    assert found[1].decided == D(2025, 4, 10) and found[2].open


def test_gate_without_a_clock():
    (clock,) = clocks(
        ("trials", "submitted", D(2025, 1, 20), None), ("trials", "decision", D(2025, 3, 3), "approved")
    )
    assert (
        clock.elapsed_days,
        clock.clock_used,
        clock.statutory,
        clock.days_left,
        clock.overdue,
        clock.due,
    ) == (
        42,
        42,
        None,
        None,
        False,
        None,
    )


def test_order_of_the_result_and_the_catalogue_name():
    events = [
        Event("b", "trials", "submitted", D(2025, 1, 1)),
        Event("a", "registration", "submitted", D(2025, 1, 2)),
        Event("b", "tests", "submitted", D(2025, 1, 3)),
    ]
    found = gate_clocks(events, GATES, calendar=CAL, today=D(2025, 2, 1), catalogue="dev")
    # by product in order of first appearance, then by the gate's position
    assert [(c.product, c.gate) for c in found] == [("b", "tests"), ("b", "trials"), ("a", "registration")]
    assert {c.catalogue for c in found} == {"dev"}
    assert gate_clocks([], GATES, calendar=CAL, today=D(2025, 2, 1)) == ()


def test_events_are_validated_unless_told():
    bad = [Event("p", "tests", "decision", D(2025, 1, 1), "approved")]
    with pytest.raises(InvalidEvents):
        gate_clocks(bad, GATES, calendar=CAL, today=D(2025, 2, 1))
    future = [Event("p", "tests", "submitted", D(2025, 3, 1))]
    with pytest.raises(InvalidEvents, match="after today"):
        gate_clocks(future, GATES, calendar=CAL, today=D(2025, 2, 1))


def test_gate_spec_is_checked():
    with pytest.raises(PathwayError, match="stage 'launch' is not allowed; allowed: research, trials"):
        GateSpec("g", 1, "launch", None, "none", None)
    with pytest.raises(PathwayError, match="clock_kind 'weeks' is not allowed"):
        GateSpec("g", 1, "trials", None, "weeks", 3)
    with pytest.raises(PathwayError, match="clock_days None is not allowed; allowed: a whole number >= 1"):
        GateSpec("g", 1, "trials", None, "working", None)
    with pytest.raises(PathwayError, match="clock_days 5 with clock_kind 'none'"):
        GateSpec("g", 1, "trials", None, "none", 5)
    with pytest.raises(PathwayError, match="typical_high 10 is below typical_low 20"):
        GateSpec("g", 1, "trials", None, "none", None, 20, 10)
    assert GateSpec("g", 1, "trials", "", "none", None).agency is None
    with pytest.raises(PathwayError, match="is not a WorkingCalendar"):
        gate_clocks([], GATES, calendar=None, today=D(2025, 1, 1))
    with pytest.raises(PathwayError, match="allowed: a GateSpec"):
        gate_clocks([], {"g": 1}, calendar=CAL, today=D(2025, 1, 1))


def naive_clocks(events, gates, today):
    """The clocks the slow, obvious way: attempts by walking each pair's events, every day of an
    interval tested with is_working, the due day by walking the days the clock runs."""
    from datetime import timedelta

    attempts = []
    open_attempt = {}
    for e in events:
        key = (e.product, e.gate)
        if e.kind == "submitted":
            attempt = {"key": key, "submitted": e.date, "decided": None, "decision": None, "stops": []}
            attempt["number"] = sum(1 for a in attempts if a["key"] == key) + 1
            attempts.append(attempt)
            open_attempt[key] = attempt
        elif e.kind == "query":
            open_attempt[key]["stops"].append([e.date, None])
        elif e.kind == "answered":
            open_attempt[key]["stops"][-1][1] = e.date
        else:
            open_attempt[key]["decided"] = e.date
            open_attempt[key]["decision"] = e.decision if e.kind == "decision" else "withdrawn"
    result = {}
    for a in attempts:
        spec = gates[a["key"][1]]
        end = a["decided"] or today
        stops = [(q, ans or end) for q, ans in a["stops"]]

        def stopped(day, stops=stops):
            return any(q < day <= s for q, s in stops)

        def counts(day, spec=spec):
            return CAL.is_working(day) if spec.clock_kind == "working" else True

        used, day = 0, a["submitted"]
        while day < end:
            day += timedelta(days=1)
            used += counts(day) and not stopped(day)
        due = None
        if spec.clock_days is not None:
            left, day = spec.clock_days, a["submitted"]
            extended = [(q, s if a["decided"] or s != end else max(q, today)) for q, s in stops]
            while left:
                day += timedelta(days=1)
                if counts(day) and not any(q < day <= s for q, s in extended):
                    left -= 1
            due = day
        result[(*a["key"], a["number"])] = (
            (end - a["submitted"]).days,
            sum((s - q).days for q, s in stops),
            used,
            a["decision"],
            due,
        )
    return result


def test_against_a_day_by_day_computation():
    from clusterworks.analytics.pathways.synthetic import synthetic_pipeline

    pipeline = synthetic_pipeline(products=120, seed=9)
    for catalogue, gates in pipeline.gates_by_catalogue.items():
        own = {p.key for p in pipeline.products if p.catalogue == catalogue}
        events = [e for e in pipeline.events if e.product in own]
        fast = gate_clocks(events, gates, calendar=CAL, today=pipeline.today)
        slow = naive_clocks(events, gates, pipeline.today)
        assert len(fast) == len(slow) > 100
        for c in fast:
            expected = slow[c.product, c.gate, c.attempt]
            assert (c.elapsed_days, c.stopped_days, c.clock_used, c.decision, c.due) == expected, c


def test_the_vectorised_order_check_agrees_with_the_one_by_one_reading():
    import random

    from clusterworks.analytics.pathways.events import _Encoded, _one_by_one
    from clusterworks.analytics.pathways.synthetic import synthetic_pipeline

    pipeline = synthetic_pipeline(products=40, seed=4)
    gates = {p.key: frozenset(pipeline.gates_by_catalogue[p.catalogue]) for p in pipeline.products}
    events = list(pipeline.events)

    def allowed(product, gate):
        return gate in gates.get(product, ())

    assert _Encoded(events).valid(allowed, pipeline.today)
    rng = random.Random(1)
    mutations = 0
    for _ in range(300):
        changed = list(events)
        i = rng.randrange(len(changed))
        e = changed[i]
        choice = rng.randrange(5)
        if choice == 0:
            changed[i] = Event(
                e.product, e.gate, rng.choice(["submitted", "query", "answered", "withdrawn"]), e.date
            )
        elif choice == 1:
            changed[i] = Event(
                e.product, e.gate, e.kind, e.date - timedelta_days(rng.randrange(1, 400)), e.decision
            )
        elif choice == 2:
            del changed[i]
        elif choice == 3:
            j = rng.randrange(len(changed))
            changed[i], changed[j] = changed[j], changed[i]
        else:
            changed.insert(
                i, Event(e.product, e.gate, "decision", e.date, rng.choice(["approved", "refused"]))
            )
        slow = _one_by_one(changed, None, gates, True, pipeline.today)
        fast = _Encoded(changed).valid(allowed, pipeline.today)
        assert fast == (slow.total == 0), (choice, e)
        mutations += not fast
    assert mutations > 150  # most mutations break a rule; both readings agree on every one


def timedelta_days(n):
    from datetime import timedelta

    return timedelta(days=n)
