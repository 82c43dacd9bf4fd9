"""Statistics, stuck products, bottlenecks, positions, the TRL funnel and the report: a small pipeline
worked by hand (tests/data/pathways/, today = 2025-06-30), and a synthetic one checked against an
independent computation with numpy."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from clusterworks.analytics.pathways import (
    Event,
    GateSpec,
    InvalidEvents,
    PathwayError,
    ProductSpec,
    agency_statistics,
    bottlenecks,
    gate_clocks,
    gate_statistics,
    pathway_report,
    read_pathway_csv,
    russian_calendar,
    stuck_products,
    trl_funnel,
)
from clusterworks.analytics.pathways.synthetic import synthetic_pipeline

DATA = Path(__file__).resolve().parents[1] / "data" / "pathways"
TODAY = date(2025, 6, 30)
CAL = russian_calendar()


@pytest.fixture(scope="module")
def report():
    data = read_pathway_csv(DATA / "gates.csv", DATA / "products.csv", DATA / "events.csv", today=TODAY)
    return pathway_report(data.products, data.events, data.gates_by_catalogue, calendar=CAL, today=TODAY)


def test_clocks_of_the_small_pipeline(report):
    # Worked by hand on the calendar (the working days in brackets):
    # m1 ct-permit 9 -> 16 Jan (10, 13-16 Jan: 5 of 5), trials open since 20 Jan (161 days).
    # m2 ct-permit 23 Dec -> 15 Jan, query 25 Dec -> answer 10 Jan: (23 Dec, 15 Jan] has 24-28 Dec (the
    #   28th a working Saturday) and 9, 10, 13-15 Jan = 10; the stop (25 Dec, 10 Jan] has 26-28 Dec, 9-10
    #   Jan = 5; used 5. trials 20 Jan -> 3 Mar (42 days). registration 10 Mar -> refused 18 Apr: 11-14
    #   Mar, then five full weeks = 29 > 20; resubmitted 5 May, open: 6-7 May (8-9 off), 12 May - 11 Jun
    #   (23), 16-27 Jun (10), 30 Jun = 36 > 20.
    # d1 tests 3 Feb -> 20 Mar = 45 calendar days > 30; device-registration 1 -> 14 Apr: 2-4, 7-11, 14 Apr
    #   = 9 of 10; launch 20 Apr -> 5 May (15 days).
    # d2 tests since 3 Mar, query 10 Mar unanswered: 119 days, 112 stopped, 7 on the clock.
    rows = [
        (c.product, c.gate, c.attempt, c.elapsed_days, c.stopped_days, c.clock_used) for c in report.clocks
    ]
    assert rows == [
        ("m1", "ct-permit", 1, 7, 0, 5),
        ("m1", "trials", 1, 161, 0, 161),
        ("m2", "ct-permit", 1, 23, 16, 5),
        ("m2", "trials", 1, 42, 0, 42),
        ("m2", "registration", 1, 39, 0, 29),
        ("m2", "registration", 2, 56, 0, 36),
        ("d1", "tests", 1, 45, 0, 45),
        ("d1", "device-registration", 1, 13, 0, 9),
        ("d1", "launch", 1, 15, 0, 15),
        ("d2", "tests", 1, 119, 112, 7),
    ]
    assert [c.catalogue for c in report.clocks] == ["med"] * 6 + ["dev"] * 4


def test_gate_statistics_by_hand(report):
    stats = {(s.catalogue, s.gate): s for s in report.gates}
    assert list(stats) == [
        ("med", "ct-permit"),
        ("med", "trials"),
        ("med", "registration"),
        ("med", "launch"),
        ("dev", "tests"),
        ("dev", "device-registration"),
        ("dev", "launch"),
    ]
    permit = stats["med", "ct-permit"]
    # elapsed 7 and 23: median 15; p75 = 7 + 0.75 * 16 = 19; p90 = 7 + 0.9 * 16 = 21.4 (linear)
    assert (permit.decided, permit.elapsed_median, permit.elapsed_p75, permit.elapsed_p90) == (
        2,
        15.0,
        19.0,
        21.4,
    )
    assert (permit.clock_used_median, permit.clock_share_median, permit.share_overdue) == (5.0, 1.0, 0.0)
    registration = stats["med", "registration"]
    assert (registration.attempts, registration.decided, registration.refused, registration.refusal_rate) == (
        2,
        1,
        1,
        1.0,
    )
    assert (registration.open_now, registration.overdue_now, registration.share_overdue) == (1, 1, 1.0)
    assert registration.clock_share_median == pytest.approx(29 / 20)
    trials = stats["med", "trials"]
    assert (trials.elapsed_median, trials.share_overdue, trials.clock_share_median, trials.open_now) == (
        42.0,
        None,
        None,
        1,
    )
    launch = stats["med", "launch"]
    assert (launch.attempts, launch.elapsed_median, launch.refusal_rate) == (0, None, None)


def test_agency_statistics_by_hand(report):
    agencies = {a.agency: a for a in report.agencies}
    assert list(agencies) == ["clinical-sites", "labs", "minzdrav", "roszdravnadzor"]
    minzdrav = agencies["minzdrav"]
    assert minzdrav.gates == ("ct-permit", "registration")
    # decided 7, 23, 39: median 23, p75 = 23 + 0.5 * 16 = 31, p90 = 23 + 0.8 * 16 = 35.8
    assert (minzdrav.elapsed_median, minzdrav.elapsed_p75, minzdrav.elapsed_p90) == (23.0, 31.0, 35.8)
    # clock shares 5/5, 5/5, 29/20: median 1, p75 = 1 + 0.5 * 0.45 = 1.225
    assert minzdrav.clock_share_median == 1.0 and minzdrav.clock_share_p75 == pytest.approx(1.225)
    assert (minzdrav.refusal_rate, minzdrav.share_overdue, minzdrav.overdue_now) == (1 / 3, 1 / 3, 1)


def test_stuck_products_overdue_first_then_longest(report):
    stuck = [(s.product, s.gate, s.status, s.days, s.overdue) for s in report.stuck]
    assert stuck == [
        ("m2", "registration", "at_agency", 56, True),  # overdue: 36 working days of 20
        ("m3", "ct-permit", "waiting", 180, False),  # nothing submitted since it started on 1 Jan
        ("m1", "trials", "at_agency", 161, False),
        ("d2", "tests", "under_query", 119, False),
    ]
    m2 = report.stuck[0]
    assert (m2.clock_used, m2.statutory, m2.days_left, m2.since, m2.attempt) == (
        36,
        20,
        -16,
        date(2025, 5, 5),
        2,
    )
    # The 20th working day after 5 May: 6-7 May (2), 12-16 (7), 19-23 (12), 26-30 (17), 2-4 Jun (20).
    assert m2.due == date(2025, 6, 4)
    assert report.stuck[1].since == date(2025, 1, 1) and report.stuck[1].attempt is None
    # With min_days = 150 only the overdue one and the two long ones remain.
    fewer = stuck_products(report.clocks, report.gates_by_catalogue, today=TODAY, min_days=150)
    assert [s.product for s in fewer] == ["m2", "m1"]


def test_bottlenecks_by_hand(report):
    b = report.bottlenecks
    # med/registration: max(0, 29 - 20) + max(0, 36 - 20) = 9 + 16 = 25 working days;
    # dev/tests: (45 - 30) + max(0, 7 - 30) = 15 calendar days; the others lose nothing.
    assert [(g.rank, g.catalogue, g.gate, g.days_lost, g.over_clock) for g in b.gates] == [
        (1, "med", "registration", 25, 2),
        (2, "dev", "tests", 15, 1),
        (3, "dev", "device-registration", 0, 0),
        (4, "med", "ct-permit", 0, 0),
    ]
    # Without a clock: median elapsed x open now: trials 42 x 1; launches 15 x 0 and none.
    assert [(g.gate, g.score) for g in b.unclocked_gates] == [
        ("trials", 42.0),
        ("launch", 0.0),
        ("launch", 0.0),
    ]
    assert [(a.agency, a.days_lost_working, a.days_lost_calendar, a.waiting_score) for a in b.agencies] == [
        ("minzdrav", 25, 0, 0.0),
        ("labs", 0, 15, 0.0),
        ("clinical-sites", 0, 0, 42.0),
        ("roszdravnadzor", 0, 0, 0.0),
    ]


def test_positions_and_funnel(report):
    positions = {key: (p.stage, p.gate, p.approved, p.open) for key, p in report.positions.items()}
    assert positions == {
        "m1": ("trials", "trials", ("ct-permit",), ("trials",)),
        "m2": ("registration", "registration", ("ct-permit", "trials"), ("registration",)),
        "m3": ("trials", "ct-permit", (), ()),
        "d1": ("market", None, ("tests", "device-registration", "launch"), ()),
        "d2": ("trials", "tests", (), ("tests",)),
    }
    funnel = report.funnel
    # TRL: m1 7, m2 8, m3 6, d1 8, d2 5
    assert funnel.by_trl == (0, 0, 0, 0, 1, 1, 1, 2, 0)
    assert funnel.stages == ("research", "trials", "registration", "production", "market")
    assert funnel.by_stage == (0, 3, 1, 0, 1) and funnel.total == 5
    assert funnel.matrix[7] == (0, 0, 1, 0, 1)  # TRL 8: m2 in registration, d1 on the market


def test_trl_funnel_stage_sources_and_errors():
    products = [ProductSpec("a", "device", 2, "c", "research"), ProductSpec("b", "device", 9, "c")]
    funnel = trl_funnel(products, stages={"b": "market"})
    assert funnel.by_trl == (0, 1, 0, 0, 0, 0, 0, 0, 1) and funnel.by_stage == (1, 0, 0, 0, 1)
    with pytest.raises(PathwayError, match="trl 10 is not allowed; allowed: a whole number 1..9"):
        ProductSpec("x", "device", 10, "c")
    with pytest.raises(PathwayError, match="stage 'lab' is not allowed"):
        trl_funnel(products, stages={"a": "lab"})


def test_report_rejects_unknown_catalogues_and_repeated_products():
    gates = {"c": {"g": GateSpec("g", 1, "trials", None, "none", None)}}
    products = [
        ProductSpec("a", "device", 3, "c"),
        ProductSpec("a", "device", 3, "c"),
        ProductSpec("b", "device", 3, "zzz"),
    ]
    events = [Event("a", "x", "submitted", date(2025, 1, 1), line=7)]
    with pytest.raises(InvalidEvents) as caught:
        pathway_report(products, events, gates, calendar=CAL, today=TODAY)
    assert [(i.product, i.field, i.value) for i in caught.value.issues] == [
        ("a", "product", "a"),
        ("b", "catalogue", "zzz"),
        ("a", "gate", "x"),
    ]
    with pytest.raises(PathwayError, match="catalogue -> \\(gate key -> GateSpec\\)"):
        pathway_report(products[:1], [], gates["c"], calendar=CAL, today=TODAY)


def test_statistics_against_numpy_on_a_synthetic_pipeline():
    pipeline = synthetic_pipeline(products=300, seed=5)
    gates = pipeline.gates_by_catalogue
    report = pathway_report(pipeline.products, pipeline.events, gates, calendar=CAL, today=pipeline.today)
    # Independent: group the decided attempts' durations by (catalogue, gate) in plain Python.
    durations: dict[tuple[str, str], list[int]] = defaultdict(list)
    lost: dict[tuple[str, str], int] = defaultdict(int)
    for clock in report.clocks:
        key = (clock.catalogue, clock.gate)
        if clock.decision in ("approved", "refused"):
            durations[key].append(clock.elapsed_days)
        if clock.decision != "withdrawn" and clock.statutory is not None:
            lost[key] += max(0, clock.clock_used - clock.statutory)
    for stats in report.gates:
        values = durations[stats.catalogue, stats.gate]
        if not values:
            assert stats.elapsed_median is None
            continue
        assert stats.decided == len(values)
        assert [stats.elapsed_median, stats.elapsed_p75, stats.elapsed_p90] == pytest.approx(
            np.percentile(values, [50, 75, 90]).tolist()
        )
    for row in report.bottlenecks.gates:
        assert row.days_lost == lost[row.catalogue, row.gate]
    assert [row.days_lost for row in report.bottlenecks.gates] == sorted(
        (row.days_lost for row in report.bottlenecks.gates), reverse=True
    )
    # The single-catalogue form gives the same rows for that catalogue.
    medicine = [c for c in report.clocks if c.catalogue == "medicine"]
    single = gate_statistics(medicine, gates["medicine"])
    assert [s.elapsed_median for s in single] == [
        s.elapsed_median for s in report.gates if s.catalogue == "medicine"
    ]
    assert agency_statistics(report.clocks, gates) == report.agencies
    assert bottlenecks(report.clocks, gates) == report.bottlenecks


def test_clocks_of_another_catalogue_are_refused():
    gates = {"g": GateSpec("g", 1, "trials", None, "none", None)}
    clocks = gate_clocks([Event("p", "g", "submitted", date(2025, 1, 1))], gates, calendar=CAL, today=TODAY)
    with pytest.raises(PathwayError, match="is at gate 'g'.*not in gates"):
        gate_statistics(clocks, {"h": GateSpec("h", 1, "trials", None, "none", None)})
