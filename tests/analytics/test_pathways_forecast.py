"""The Monte Carlo forecast of time to market: reproducible with a seed, exact on deterministic
histories, conditional on the time an open gate has already taken, monotone in the target date, the
fallbacks and their stated assumptions, refusals, and its speed."""

from __future__ import annotations

import time
from datetime import date, timedelta

import numpy as np
import pytest

from clusterworks.analytics.pathways import (
    Event,
    GateSpec,
    PathwayError,
    ProductSpec,
    forecast_time_to_market,
    gate_clocks,
    pathway_report,
    russian_calendar,
)
from clusterworks.analytics.pathways.synthetic import synthetic_pipeline

CAL = russian_calendar()
TODAY = date(2025, 6, 30)
GATES = {
    "a": GateSpec("a", 1, "trials", "lab", "none", None),
    "b": GateSpec("b", 2, "registration", "rzn", "working", 50, 120, 365),
    "c": GateSpec("c", 3, "market", None, "none", None),
}


def history_of(rows, gates=GATES, catalogue=""):
    """Clocks of products that each pass the gates in ``rows``: (gate, wait, duration, decision) in
    order, starting on 1 Jan 2023."""
    events = []
    for number, product_rows in enumerate(rows):
        day = date(2023, 1, 1)
        for gate, wait, duration, decision in product_rows:
            day += timedelta(days=wait)
            events.append(Event(f"h{number}", gate, "submitted", day))
            day += timedelta(days=duration)
            events.append(Event(f"h{number}", gate, "decision", day, decision))
    return gate_clocks(events, gates, calendar=CAL, today=TODAY, catalogue=catalogue)


def forecast(events=(), history=(), product="p", gates=GATES, **kwargs):
    kwargs.setdefault("seed", 0)
    return forecast_time_to_market(
        product=product,
        events=list(events),
        gates=gates,
        history=history,
        calendar=CAL,
        today=TODAY,
        **kwargs,
    )


DETERMINISTIC = history_of(
    [[("a", 0, 30, "approved"), ("b", 10, 60, "approved"), ("c", 5, 7, "approved")]] * 5
)


def test_deterministic_history_gives_the_sum():
    # Every record: a 30 days; wait 10, b 60 days; wait 5, c 7 days. Not started: 30 + 10 + 60 + 5 + 7 = 112
    # (no wait before the first gate: it has no previous gate).
    f = forecast(history=DETERMINISTIC)
    assert (f.p10_days, f.p50_days, f.p90_days, f.mean_days) == (112.0, 112.0, 112.0, 112.0)
    assert f.p50_date == TODAY + timedelta(days=112) == date(2025, 10, 20)
    assert [(g.gate, g.status, g.duration_source, g.records, g.mean_days) for g in f.per_gate] == [
        ("a", "to do", "history", 5, 30.0),
        ("b", "to do", "history", 5, 70.0),
        ("c", "to do", "history", 5, 12.0),
    ]
    assert f.probability is None and f.target_date is None
    assert "b: the wait before it from 5 recorded gaps (previous approval -> submission)" in " ".join(
        f.assumptions
    )


def test_reproducible_with_a_seed():
    rng = np.random.default_rng(1)
    varied = history_of(
        [
            [
                ("a", 0, int(rng.integers(10, 90)), "approved"),
                ("b", int(rng.integers(0, 30)), int(rng.integers(40, 200)), "approved"),
            ]
            for _ in range(30)
        ]
    )
    first, again, other = (
        forecast(history=varied, seed=42),
        forecast(history=varied, seed=42),
        forecast(history=varied, seed=43),
    )
    assert np.array_equal(first.totals, again.totals) and first == again
    assert not np.array_equal(first.totals, other.totals)
    assert first.seed == 42 and first.draws == 10_000 and first.totals.size == 10_000
    with pytest.raises(ValueError):
        first.totals[0] = 1  # read-only


def test_a_product_with_every_gate_approved_forecasts_zero():
    done = [
        Event("p", gate, kind, day, decision)
        for gate, start in (("a", date(2025, 1, 10)), ("b", date(2025, 3, 1)), ("c", date(2025, 6, 1)))
        for kind, day, decision in (
            ("submitted", start, None),
            ("decision", start + timedelta(days=20), "approved"),
        )
    ]
    f = forecast(done, history=DETERMINISTIC, target_date=TODAY)
    assert (f.p10_days, f.p50_days, f.p90_days) == (0.0, 0.0, 0.0)
    assert f.p50_date == TODAY and f.probability == 1.0 and f.per_gate == ()
    assert f.assumptions[-1] == "Every gate is approved: the product is on the market (0 days)."


def test_the_open_gate_is_drawn_beyond_its_elapsed_time():
    durations = list(range(10, 101, 10))  # 10, 20, ..., 100 days at gate c, 10 records
    history = history_of([[("c", 0, d, "approved")] for d in durations])
    # The product passed a and b and has been at c since 50 days ago.
    events = [
        Event("p", "a", "submitted", date(2024, 1, 1)),
        Event("p", "a", "decision", date(2024, 2, 1), "approved"),
        Event("p", "b", "submitted", date(2024, 2, 1)),
        Event("p", "b", "decision", date(2024, 5, 1), "approved"),
        Event("p", "c", "submitted", TODAY - timedelta(days=50)),
    ]
    f = forecast(events, history=history)
    # Only the records longer than 50 days (60..100) are drawn, less the 50 already spent: 10..50 more.
    assert set(np.unique(f.totals).tolist()) == {10, 20, 30, 40, 50}
    assert f.totals.min() >= 10 and f.per_gate[0].status == "open" and f.per_gate[0].elapsed_days == 50
    assert any("c: open for 50 days" in a and "(5 of 10 records are longer)" in a for a in f.assumptions)
    # Open for longer than every record: assumed decided today, said so.
    late = [*events[:4], Event("p", "c", "submitted", TODAY - timedelta(days=150))]
    f = forecast(late, history=history)
    assert f.p90_days == 0.0
    assert any("no record is longer, the longest 100: assumed decided today" in a for a in f.assumptions)


def test_probability_is_monotone_in_the_target_date():
    rng = np.random.default_rng(2)
    history = history_of(
        [
            [
                ("a", 0, int(rng.integers(5, 200)), "approved"),
                ("b", 3, int(rng.integers(30, 300)), "approved"),
            ]
            for _ in range(40)
        ]
    )
    f = forecast(history=history, target_date=TODAY + timedelta(days=200))
    days = np.arange(-5, 900, 7)
    probabilities = [f.probability_by(TODAY + timedelta(days=int(d))) for d in days]
    assert probabilities == sorted(probabilities) and probabilities[0] == 0.0 and probabilities[-1] == 1.0
    assert f.probability == f.probability_by(TODAY + timedelta(days=200))
    # Independently: the share of draws done within 200 days.
    assert f.probability == np.mean(f.totals <= 200)
    assert f.probability_by(f.p90_date) >= 0.9 and f.probability_by(f.p10_date) >= 0.1
    assert f.quantile(0.5) == f.p50_days
    edges, counts = f.histogram(10)
    assert len(edges) == 11 and sum(counts) == 10_000


def test_fallbacks_and_their_assumptions():
    # No history at all: a has no clock and no typical range (0 days); b is uniform on its typical
    # range 120..365; c nothing; no waits, no refusals.
    f = forecast(history=())
    assert f.totals.min() >= 120 and f.totals.max() <= 365
    text = "\n".join(f.assumptions)
    assert "a: no wait before the first gate; its duration drawn from nothing: 0 days" in text
    assert "b: no wait before it (fewer than 5 recorded gaps between gates)" in text
    assert (
        "its duration drawn from uniform 120-365 calendar days, its typical range (0 recorded decision(s), "
        "fewer than 5)" in text
    )
    assert "no refusals assumed (fewer than 5 recorded decisions)" in text
    # Without a typical range the statutory clock is used, converted to calendar days from today:
    # 50 working days from Mon 30 Jun 2025 end on Mon 8 Sep (10 weeks, no holidays): 70 calendar days.
    bare = dict(GATES, b=GateSpec("b", 2, "registration", "rzn", "working", 50))
    f = forecast(history=(), gates=bare)
    assert CAL.add_working_days(TODAY, 50) == date(2025, 9, 8)
    assert (f.p10_days, f.p90_days) == (70.0, 70.0)
    assert "the statutory clock of 50 working days = 70 calendar days from today" in "\n".join(f.assumptions)


def test_refusals_repeat_the_gate():
    # Gate b: every record takes 60 days; of 10 decisions 5 are refused and resubmitted 20 days later.
    rows = []
    for number in range(5):
        rows.append([("b", 0, 60, "refused"), ("b", 20, 60, "approved")])
    history = history_of(rows, gates={"b": GATES["b"]})
    f = forecast(history=history, gates={"b": GATES["b"]}, draws=20_000)
    rate = f.per_gate[0].refusal_rate
    assert rate == 0.5  # 5 refusals in 10 decisions
    # Each draw: 60 days, plus (20 + 60) per refusal; refusals before the approval are geometric:
    # mean rate / (1 - rate) = 1, so the mean is 60 + 80 = 140.
    assert set(((f.totals - 60) % 80).tolist()) == {0}
    assert f.mean_days == pytest.approx(140, rel=0.05)
    assert f.p10_days == 60.0  # half the draws have no refusal
    assert any("refusal rate 0.5 from 5 refusals in 10 recorded decisions" in a for a in f.assumptions)


def test_a_refused_gate_waits_for_its_resubmission():
    rows = [[("b", 0, 60, "refused"), ("b", 30, 60, "approved")] for _ in range(5)]
    history = history_of(rows, gates={"b": GATES["b"]})
    refused = [
        Event("p", "b", "submitted", date(2025, 3, 1)),
        Event("p", "b", "decision", TODAY - timedelta(days=10), "refused"),
    ]
    f = forecast(refused, history=history, gates={"b": GATES["b"]}, seed=3)
    # resubmission gap 30 days, 10 already waited: 20 more, then 60 days, then refusals at rate 0.5
    assert f.per_gate[0].status == "refused" and f.per_gate[0].elapsed_days == 10
    assert f.totals.min() == 80 and set(((f.totals - 80) % 90).tolist()) == {0}


def test_records_of_the_own_catalogue_are_preferred():
    gates = {"b": GATES["b"]}
    mine = history_of([[("b", 0, 40, "approved")]] * 5, gates=gates, catalogue="new")
    theirs = history_of([[("b", 0, 400, "approved")]] * 5, gates=gates, catalogue="old")
    history = [*mine, *theirs]
    assert (
        forecast(history=history, gates=gates, product=ProductSpec("p", "device", 5, "new")).p50_days == 40.0
    )
    # By key only, every catalogue's records are pooled: half 40, half 400.
    assert set(np.unique(forecast(history=history, gates=gates).totals).tolist()) == {40, 400}
    # Too few of its own: all are used, and said so.
    f = forecast(history=[*mine[:2], *theirs], gates=gates, product=ProductSpec("p", "device", 5, "new"))
    assert set(np.unique(f.totals).tolist()) == {40, 400}
    assert any(
        "use the records of the gates with the same key in every catalogue" in a for a in f.assumptions
    )


def test_ten_thousand_draws_well_under_a_second():
    pipeline = synthetic_pipeline(products=1000, seed=11)
    report = pathway_report(
        pipeline.products, pipeline.events, pipeline.gates_by_catalogue, calendar=CAL, today=pipeline.today
    )
    product = next(p for p in pipeline.products if report.positions[p.key].stage == "trials")
    own = [e for e in pipeline.events if e.product == product.key]
    start = time.perf_counter()
    f = forecast_time_to_market(
        product=product,
        events=own,
        gates=pipeline.gates_by_catalogue[product.catalogue],
        history=report.clocks,
        calendar=CAL,
        today=pipeline.today,
        draws=10_000,
        seed=0,
    )
    assert time.perf_counter() - start < 1.0
    assert f.p10_days <= f.p50_days <= f.p90_days and f.p10_days > 0


def test_arguments_are_checked():
    with pytest.raises(
        PathwayError, match="draws 0 is not allowed; allowed: a whole number from 1 to 10,000,000"
    ):
        forecast(draws=0)
    with pytest.raises(PathwayError, match="seed -1 is not allowed"):
        forecast(seed=-1)
    with pytest.raises(PathwayError, match="min_history 0 is not allowed"):
        forecast(min_history=0)
    with pytest.raises(PathwayError, match="target_date '2026' is not a date"):
        forecast(target_date="2026")
    with pytest.raises(PathwayError, match="gates \\{\\} is not allowed"):
        forecast(gates={})
    with pytest.raises(PathwayError, match="history has 1"):
        forecast(history=[1])
    assert forecast(seed=np.random.default_rng(5)).seed is None
