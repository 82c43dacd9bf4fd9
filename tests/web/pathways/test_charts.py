"""The pathway charts: geometry computed by hand from the scales in ``charts``' docstrings, text
alternatives, and escaping."""

from __future__ import annotations

import datetime as dt
import re

from clusterworks.web.pathways import charts

D = dt.date


def test_the_funnel_bars_are_centred_and_scaled_to_the_largest():
    svg = str(charts.trl_funnel([(1, "basic", 2), (2, "concept", 4), (3, "proof", 0)], title="Funnel"))
    # 360 x 2 / 4 = 180 wide, centred on 330 + 180 = 510: x = 420; the largest is 360 wide from 330
    assert re.search(
        r'data-trl="1" data-count="2">.*?<rect class="funnel-bar" x="420" y="9" width="180"', svg
    )
    assert re.search(
        r'data-trl="2" data-count="4">.*?<rect class="funnel-bar" x="330" y="35" width="360"', svg
    )
    assert re.search(r'data-trl="3" data-count="0">.*?width="0"', svg)
    assert "<desc>TRL 1 (basic): 2; TRL 2 (concept): 4; TRL 3 (proof): 0</desc>" in svg


def test_the_timeline_scale_runs_over_whole_months():
    rows = [
        charts.TimelineRow(
            "registration",
            "Registration",
            "RZN",
            (charts.Attempt(D(2025, 3, 3), D(2025, 4, 15), clock_end=D(2025, 5, 28)),),
        )
    ]
    scale = charts.timeline_scale(rows, today=D(2025, 4, 15))
    assert (scale.start, scale.end) == (D(2025, 3, 1), D(2025, 6, 1))  # 92 days: 31 + 30 + 31
    # 28 May is day 31 + 30 + 27 = 88: x = 250 + 620 x 88 / 92 = 843.04
    assert round(scale.x(D(2025, 5, 28)), 2) == 843.04


def test_the_timeline_marks_queries_decisions_and_the_clock():
    attempt = charts.Attempt(
        submitted=D(2025, 3, 3),
        ended=D(2025, 4, 30),
        decision="refused",
        queries=((D(2025, 3, 17), D(2025, 3, 27)),),
        clock_end=D(2025, 5, 28),
        overdue=False,
    )
    svg = str(
        charts.timeline(
            [
                charts.TimelineRow("reg", "Registration <b>", "RZN", (attempt,)),
                charts.TimelineRow("x", "Next", ""),
            ],
            today=D(2025, 5, 2),
            title="Timeline",
        )
    )
    # the scale is that of the previous test: 1 March .. 1 June 2025, 92 days over 620 px
    # submitted 3 March (day 2): x = 250 + 620 x 2 / 92 = 263.5; refused 30 April (day 60): 654.3
    assert re.search(r'<rect class="attempt-bar" x="263.5" y="42" width="390.9"', svg)
    assert 'class="attempt is-refused"' in svg and ">✗</text>" in svg
    # the query 17 March (day 16: 357.8) to 27 March (day 26: 425.2)
    assert re.search(r'<rect class="query" x="357.8" y="42" width="67.4" [^>]*data-from="2025-03-17"', svg)
    # the clock's end, 28 May (day 88): 843 rounded to one decimal
    assert 'class="clock-end" data-date="2025-05-28" data-x="843"' in svg
    assert "Registration &lt;b&gt;" in svg and "<b>" not in svg
    assert svg.count('class="gate-row"') == 2
    assert "Registration &lt;b&gt;: submitted 2025-03-03, until 2025-04-30, clock runs out 2025-05-28" in svg


def test_an_overdue_clock_is_marked():
    attempt = charts.Attempt(D(2025, 3, 3), D(2025, 7, 1), clock_end=D(2025, 5, 28), overdue=True)
    svg = str(
        charts.timeline([charts.TimelineRow("g", "G", "A", (attempt,))], today=D(2025, 7, 1), title="T")
    )
    assert 'class="clock-end is-overdue"' in svg and "overdue" in svg


def test_duration_bars_scale_and_the_clock_mark():
    rows = [
        charts.DurationRow("a", "Agency A", median=20, p75=30, p90=40, clock=50, count=3),
        charts.DurationRow("b", "Agency B", median=60, p75=70, p90=100, clock=None, count=2),
    ]
    assert charts.duration_scale_max(rows) == 100
    svg = str(charts.duration_bars(rows, title="Durations", unit="days"))
    # x(v) = 230 + 420 v / 100: the median 20 is 84 wide, p90 40 is 168 wide, the clock 50 at x = 440
    assert re.search(r'data-key="a".*?<rect class="bar-p90" x="230" y="28" width="168"', svg, flags=re.S)
    assert re.search(r'data-key="a".*?<rect class="bar-median" x="230" y="32" width="84"', svg, flags=re.S)
    assert 'class="clock-mark" data-x="440"' in svg
    assert svg.count("clock-mark") == 1  # B has no clock
    assert "Agency A: median 20, p75 30, p90 40 days; statutory 50" in svg


def test_the_forecast_histogram():
    bins = [(D(2025, 7, 1), D(2025, 7, 31), 10), (D(2025, 7, 31), D(2025, 8, 30), 30)]
    quantiles = [("p10", D(2025, 7, 20)), ("median", D(2025, 8, 10)), ("p90", D(2025, 8, 25))]
    svg = str(charts.forecast_histogram(bins, quantiles=quantiles, draws=40, title="Forecast"))
    # 1 July .. 1 September: 62 days over 480 px from x = 16; the second bin is the tallest (110 high)
    # and starts on day 30: x = 16 + 480 x 30 / 62 = 248.3
    assert re.search(r'<rect class="forecast-bin" x="248.3" y="14" width="[\d.]+" height="110"', svg)
    # the first bin: 110 x 10 / 30 = 36.7 high
    assert re.search(r'<rect class="forecast-bin" x="16" y="87.3" width="[\d.]+" height="36.7"', svg)
    # the median, 10 August (day 40): x = 16 + 480 x 40 / 62 = 325.7
    assert 'class="quantile" data-date="2025-08-10" x1="325.7"' in svg
    assert "40 draws" in svg
