"""Counts and composed messages: every count shown with a noun agrees with it (ngettext), and every
message is one whole translatable sentence with named placeholders, never pieces joined -- the refusals
of the order of gate events, of a barrier's workflow, the charts' labels, the barrier's history."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import translation

from clusterworks.web.pathways import charts, services, views_pages
from clusterworks.web.pathways.models import BarrierStatus, EventKind

D = dt.date


def test_every_refusal_of_the_order_is_one_sentence():
    rules = [*EventKind.values, "approved", "other"]
    assert set(services.ORDER_SENTENCES) == {(r, w) for r in rules for w in ("previous", "following", "none")}
    for (_rule, where), sentence in services.ORDER_SENTENCES.items():
        text = str(sentence)
        assert text.startswith("At “%(gate)s” ") and text.endswith(".")
        assert ("%(event)s" in text) == (where != "none")


def test_every_refused_transition_of_a_barrier_is_one_sentence():
    refused = {
        (action, status)
        for action, (sources, _target) in services.BARRIER_TRANSITIONS.items()
        for status in BarrierStatus.values
        if status not in sources
    }
    assert set(services.TRANSITION_REFUSALS) == refused
    for (action, status), sentence in services.TRANSITION_REFUSALS.items():
        participle = {"escalate": "escalated", "resolve": "resolved", "close": "closed", "reopen": "reopened"}
        assert str(sentence) == (
            f"A barrier that is {status} cannot be {participle[action]}; allowed from: %(allowed)s."
        )


def test_an_event_is_described_in_one_phrase():
    gate = object()
    described = {
        (kind, decision): services.Recorded(gate, kind, D(2025, 5, 5), decision, 0).describe()
        for kind, decision in [(k, "") for k in EventKind.values]
        + [("decision", "approved"), ("decision", "refused")]
    }
    assert described[("submitted", "")] == "submission of May 5, 2025"
    assert described[("decision", "approved")] == "decision (approved) of May 5, 2025"
    assert described[("answered", "")] == "answer to a query of May 5, 2025"


@pytest.mark.parametrize(
    ("decision", "ended"),
    [("approved", "approved on"), ("refused", "refused on"), ("withdrawn", "withdrawn on"), ("", "open")],
)
def test_an_attempt_is_labelled_in_one_sentence(decision, ended):
    attempt = charts.Attempt(D(2025, 3, 3), D(2025, 4, 30), decision=decision, number=2)
    row = charts.TimelineRow(key="reg", label="Registration", agency="RZN", attempts=(attempt,))
    svg = str(charts.timeline([row], today=D(2025, 6, 1), title="t"))
    title = re.search(r'<g class="attempt [^"]*"[^>]*><title>([^<]*)</title>', svg).group(1)
    assert title.startswith("Registration, attempt 2: submitted on 03/03/2025, " + ended)  # SHORT_DATE_FORMAT


def test_counts_agree_with_their_nouns():
    one = [charts.DurationRow(key="a", label="A", median=1, p75=1, p90=1, clock=5, count=1)]
    svg = str(charts.duration_bars(one, title="t", unit="days"))
    assert "A: median 1, p75 1, p90 1 day; statutory 5" in svg and "(1 attempt)" in svg
    with translation.override("en"):
        assert views_pages._clock_text(1, 1, "working") == "1 of 1 working day"
        assert views_pages._clock_text(3, 5, "calendar") == "3 of 5 calendar days"
    bins = [(D(2025, 1, 1), D(2025, 2, 1), 1)]
    svg = str(charts.forecast_histogram(bins, quantiles=[("p10", D(2025, 1, 15))], draws=1, title="f"))
    assert "1 draw</desc>" in svg and "1 of 1 draw<" in svg


def test_the_history_counts_the_links_of_a_barrier():
    sentences = views_pages.BARRIER_LINK_CHANGES
    assert str(sentences["products", "added"] % {"count": 1}) == "1 product linked"
    assert str(sentences["gates", "removed"] % {"count": 3}) == "3 gates unlinked"
    assert {verb for _name, verb in sentences} == {"added", "removed", "cleared"}  # core.audit's verbs
