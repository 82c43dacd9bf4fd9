"""The library's messages carry a code and params besides their English text: every assumption of a
forecast and every problem ``check_events`` finds, with the English unchanged (it is the template of
the code filled with the params), through copies, pickles and JSON."""

from __future__ import annotations

import copy
import json
import pickle
import string
from datetime import date

import pytest

from clusterworks.analytics.pathways import (
    TEMPLATES,
    Event,
    InvalidEvents,
    Message,
    check_events,
    forecast_time_to_market,
    pathway_report,
    russian_calendar,
)
from clusterworks.analytics.pathways.synthetic import synthetic_pipeline


def _consistent(message) -> None:
    assert isinstance(message, Message) and message.code in TEMPLATES, message
    assert TEMPLATES[message.code].format(**message.params) == message
    fields = {f for _t, f, _s, _c in string.Formatter().parse(TEMPLATES[message.code]) if f}
    assert fields == set(message.params), message.code
    for value in message.params.values():
        if isinstance(value, Message):
            _consistent(value)


def test_a_message_is_its_english_text():
    m = Message.make("event.query_open", date="2025-03-14")
    # the sentence of docs/methods/pathways.md: a query while one is open
    assert m == "a query while the query of 2025-03-14 is open; allowed: 'answered' before the next query"
    assert (m.code, m.params) == ("event.query_open", {"date": "2025-03-14"})
    assert m.message == str(m) and type(m.message) is str
    for again in (copy.copy(m), copy.deepcopy(m), pickle.loads(pickle.dumps(m))):
        assert again == m and again.code == m.code and again.params == m.params
    assert json.dumps([m]) == json.dumps([str(m)])
    plain = Message("no code")
    assert (plain, plain.code, plain.params) == ("no code", "", {})


def test_every_problem_in_events_has_a_code():
    events = [
        Event("p", "g", "query", date(2025, 1, 2), line=1),  # first event not a submission
        Event("p", "g", "submitted", date(2025, 1, 3), line=2),
        Event("p", "g", "submitted", date(2025, 1, 4), line=3),  # resubmission while pending
        Event("p", "g", "answered", date(2025, 1, 5), line=4),  # no open query
        Event("p", "g", "decision", date(2025, 1, 6), "approved", line=5),
        Event("p", "g", "query", date(2025, 1, 7), line=6),  # after the approval
        Event("p", "x", "submitted", date(2025, 1, 8), line=7),  # not a gate of the catalogue
        Event("p", "h", "bogus", "soon", "maybe", line=8),  # unknown kind, not a date
        Event("p", "h", "submitted", date(2025, 9, 1), "approved", line=9),  # future, carries a decision
        Event("p", "h", "decision", date(2025, 9, 2), None, line=10),  # no approved/refused
    ]
    with pytest.raises(InvalidEvents) as raised:
        check_events(events, gates={"g", "h"}, today=date(2025, 6, 1))
    codes = [issue.code for issue in raised.value.issues]
    assert codes == [
        "event.first_not_submitted",
        "event.resubmission_pending",
        "event.answer_without_query",
        "event.after_approval",
        "event.gate_unknown",
        "event.kind_unknown",
        "event.date_invalid",
        "event.date_future",
        "event.decision_not_allowed",
        "event.date_future",
        "event.decision_missing",
    ]
    for issue in raised.value.issues:
        _consistent(issue.message)
        assert issue.params == issue.message.params
    # the dictionary the CLI writes is unchanged: no code, no params
    assert set(raised.value.issues[0].as_dict()) == {"product", "gate", "line", "field", "value", "message"}
    assert raised.value.issues[1].params == {"date": "2025-01-03"}


def test_every_assumption_of_a_forecast_has_a_code():
    calendar = russian_calendar()
    seen = set()
    for products, seed, min_history in ((60, 1, 5), (8, 2, 5), (60, 4, 1), (60, 5, 50)):
        pipeline = synthetic_pipeline(products=products, seed=seed, today=date(2025, 6, 30))
        history = pathway_report(
            pipeline.products, pipeline.events, pipeline.gates_by_catalogue, calendar=calendar,
            today=pipeline.today,
        ).clocks  # fmt: skip
        for spec in pipeline.products[:20]:
            forecast = forecast_time_to_market(
                product=spec, events=pipeline.events, gates=pipeline.gates_by_catalogue[spec.catalogue],
                history=history, calendar=calendar, today=pipeline.today, seed=0, draws=100,
                min_history=min_history,
            )  # fmt: skip
            for assumption in forecast.assumptions:
                _consistent(assumption)
                seen.add(assumption.code)
                seen.update(v.code for v in assumption.params.values() if isinstance(v, Message))
    assert {"forecast.order", "forecast.gate_to_do", "forecast.gate_refusals", "source.history"} <= seen


def test_a_capped_refusal_rate_says_so():
    m = Message.make("rate.history_capped", rate=0.95, cap=0.9, refused=19, decided=20)
    assert m == (
        "refusal rate 0.95 from 19 refusals in 20 recorded decisions at this gate; a refusal repeats the "
        "gate after a resubmission gap (capped at 0.9)"
    )
