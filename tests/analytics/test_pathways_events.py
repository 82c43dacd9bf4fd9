"""The rules of the order of gate events: every kind of mistake reported, each with product, gate,
line, field and value; all mistakes at once; valid histories pass."""

from __future__ import annotations

from datetime import date

import pytest

from clusterworks.analytics.pathways import Event, EventIssue, InvalidEvents, PathwayError, check_events

GATES = {"permit", "registration"}


def events(*rows):
    """Events from (gate, kind, date, decision) rows of product 'p', numbered by line from 2."""
    return [
        Event("p", gate, kind, day, decision, line)
        for line, (gate, kind, day, decision) in enumerate(rows, start=2)
    ]


def issues(rows, **kwargs) -> list[EventIssue]:
    with pytest.raises(InvalidEvents) as caught:
        check_events(rows, gates=kwargs.pop("gates", GATES), **kwargs)
    assert caught.value.total == len(caught.value.issues)
    return list(caught.value.issues)


D = date


def test_valid_histories_pass():
    check_events(
        events(
            ("permit", "submitted", D(2025, 1, 9), None),
            ("permit", "query", D(2025, 1, 9), None),  # same day, after the submission: kept in order
            ("permit", "answered", D(2025, 1, 20), None),
            ("permit", "query", D(2025, 1, 22), None),  # a second query after the first was answered
            ("permit", "decision", D(2025, 1, 30), "refused"),  # refused while under query
            ("permit", "submitted", D(2025, 2, 3), None),
            ("permit", "withdrawn", D(2025, 2, 10), None),
            ("permit", "submitted", D(2025, 3, 3), None),
            ("permit", "decision", D(2025, 3, 10), "approved"),
            ("registration", "submitted", D(2025, 3, 1), None),  # other gates run on their own
        ),
        gates=GATES,
        today=D(2025, 3, 10),
    )
    check_events([], gates=GATES)
    # The decision may also come as "" (as the web app stores a blank decision) on other kinds.
    check_events([Event("p", "permit", "submitted", D(2025, 1, 9), "")], gates=GATES)


def test_unknown_gate_kind_and_date():
    found = issues(
        events(
            ("ct", "submitted", D(2025, 1, 9), None),
            ("permit", "submited", D(2025, 1, 9), None),
            ("permit", "submitted", "2025-01-09", None),
            ("permit", "submitted", D(2025, 4, 1), None),
        ),
        today=D(2025, 3, 31),
    )
    assert [(i.line, i.field, i.value) for i in found] == [
        (2, "gate", "ct"),
        (3, "kind", "submited"),
        (4, "date", "2025-01-09"),
        (5, "date", "2025-04-01"),
    ]
    assert found[0].message == "gate 'ct' is not in the product's catalogue; allowed: permit, registration"
    assert found[1].message == (
        "'submited' is not a kind of event; allowed: submitted, query, answered, decision, withdrawn"
    )
    assert found[3].message == "2025-04-01 is after today (2025-03-31); allowed: dates up to today"
    assert found[0].product == "p" and found[0].gate == "ct"


def test_first_event_must_be_a_submission():
    found = issues(events(("permit", "decision", D(2025, 1, 9), "approved")))
    assert [(i.line, i.field, i.value) for i in found] == [(2, "kind", "decision")]
    assert "the first event at a gate must be 'submitted', not 'decision'" in found[0].message


def test_query_and_answer_need_their_predecessor():
    found = issues(
        events(
            ("permit", "submitted", D(2025, 1, 9), None),
            ("permit", "answered", D(2025, 1, 10), None),  # no open query
            ("permit", "query", D(2025, 1, 12), None),
            ("permit", "query", D(2025, 1, 13), None),  # a query while one is open
            ("permit", "decision", D(2025, 1, 20), "refused"),
            ("permit", "query", D(2025, 1, 21), None),  # nothing pending after the refusal
            ("permit", "answered", D(2025, 1, 22), None),
            ("permit", "withdrawn", D(2025, 1, 23), None),
            ("permit", "decision", D(2025, 1, 24), "approved"),
        )
    )
    assert [(i.line, i.field) for i in found] == [
        (3, "kind"),
        (5, "kind"),
        (7, "kind"),
        (8, "kind"),
        (9, "kind"),
        (10, "kind"),
    ]
    assert found[0].message == "'answered' without an open query; allowed: 'answered' after a 'query'"
    assert found[1].message == (
        "a query while the query of 2025-01-12 is open; allowed: 'answered' before the next query"
    )
    assert found[2].message == (
        "'query' with no submission pending (the last one was refused); allowed: 'submitted' first"
    )
    assert "'decision' with no submission pending" in found[5].message


def test_decisions_and_decision_values():
    found = issues(
        events(
            ("permit", "submitted", D(2025, 1, 9), "approved"),  # a decision on a submission
            ("permit", "decision", D(2025, 1, 20), None),  # a decision without its value
            ("permit", "decision", D(2025, 1, 21), "maybe"),
        )
    )
    assert [(i.line, i.field, i.value) for i in found] == [
        (2, "decision", "approved"),
        (3, "decision", ""),
        (4, "decision", "maybe"),
    ]
    assert found[0].message == (
        "a 'submitted' event carries the decision 'approved'; allowed: a decision only on 'decision' events"
    )
    assert (
        found[2].message == "a decision must be approved or refused, not 'maybe'; allowed: approved, refused"
    )


def test_nothing_after_an_approval_and_no_resubmission_while_pending():
    found = issues(
        events(
            ("permit", "submitted", D(2025, 1, 9), None),
            ("permit", "submitted", D(2025, 1, 10), None),  # pending: no resubmission
            ("permit", "decision", D(2025, 1, 20), "approved"),
            ("permit", "submitted", D(2025, 2, 1), None),  # after the approval
            ("permit", "query", D(2025, 2, 2), None),
        )
    )
    assert [(i.line, i.field) for i in found] == [(3, "kind"), (5, "kind"), (6, "kind")]
    assert found[0].message == (
        "a resubmission while the submission of 2025-01-09 is pending; allowed: a new submission only after "
        "a refusal or a withdrawal"
    )
    assert found[1].message == (
        "'submitted' after the approval at this gate (the last event on 2025-01-20); allowed: nothing after "
        "an approval"
    )


def test_dates_going_backwards_at_a_gate():
    found = issues(
        events(
            ("permit", "submitted", D(2025, 1, 9), None),
            ("registration", "submitted", D(2024, 12, 1), None),  # another gate: its own order
            ("permit", "decision", D(2025, 1, 5), "approved"),  # decided before it was submitted
        )
    )
    assert [(i.line, i.field, i.value) for i in found] == [(4, "date", "2025-01-05")]
    assert found[0].message == (
        "2025-01-05 is before the previous event at this gate (2025-01-09); allowed: events of a gate in the "
        "order of their dates"
    )


def test_every_problem_at_once_and_the_exception():
    rows = events(
        ("ct", "submitted", D(2025, 1, 9), None),
        ("permit", "query", D(2025, 1, 9), None),
        ("permit", "submitted", D(2025, 1, 9), None),
        ("permit", "decision", D(2025, 1, 3), "approved"),
    )
    with pytest.raises(InvalidEvents) as caught:
        check_events(rows, gates=GATES)
    exc = caught.value
    assert isinstance(exc, ValueError) and isinstance(exc, PathwayError)
    assert exc.total == 3 and [i.line for i in exc.issues] == [2, 3, 5]
    assert str(exc).startswith("line 2, product 'p', gate 'ct', field 'gate': gate 'ct' is not") and str(
        exc
    ).endswith("(and 2 more)")
    assert exc.lines()[2].startswith("line 5, product 'p', gate 'permit', field 'date': 2025-01-03 is before")
    assert exc.issues[0].as_dict()["value"] == "ct"


def test_by_product_gates_and_unknown_products():
    rows = [
        Event("a", "permit", "submitted", D(2025, 1, 9), line=2),
        Event("b", "permit", "submitted", D(2025, 1, 9), line=3),  # b's catalogue has no 'permit'
        Event("c", "permit", "submitted", D(2025, 1, 9), line=4),
        Event("c", "permit", "decision", D(2025, 1, 10), "approved", line=5),  # c reported once
    ]
    found = issues(rows, gates={"a": ["permit"], "b": ["tests"]}, by_product=True)
    assert [(i.product, i.line, i.field) for i in found] == [("b", 3, "gate"), ("c", 4, "product")]
    assert found[1].message == "unknown product 'c'; allowed: a product of the list"


def test_many_problems_keep_the_first_hundred_and_count_all():
    rows = [Event("p", "nowhere", "submitted", D(2025, 1, 1), line=n) for n in range(2, 152)]
    with pytest.raises(InvalidEvents) as caught:
        check_events(rows, gates=GATES)
    assert caught.value.total == 150 and len(caught.value.issues) == 100


def test_arguments_are_checked():
    with pytest.raises(PathwayError, match="not an Event"):
        check_events([("p", "permit", "submitted", D(2025, 1, 1))], gates=GATES)
    with pytest.raises(PathwayError, match="gates 'permit' is not allowed"):
        check_events([], gates="permit")
    with pytest.raises(PathwayError, match="allowed with by_product=True"):
        check_events([], gates=["permit"], by_product=True)
    with pytest.raises(PathwayError, match="today '2025-01-01' is not a date"):
        check_events([], gates=GATES, today="2025-01-01")
