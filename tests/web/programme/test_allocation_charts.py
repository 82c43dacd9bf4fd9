"""The SVG charts of the allocation and the dashboard (programme/charts.py): geometry by hand from the scales
written in each function's docstring, the text alternative, escaping."""

from __future__ import annotations

import re
from decimal import Decimal

from clusterworks.web.programme import charts


def _rects(svg: str) -> list[tuple[str, str, str, str, str]]:
    return re.findall(
        r'<rect class="([\w-]+)" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"', svg
    )


def test_paired_bars_by_hand():
    svg = str(
        charts.paired_bars(
            [
                charts.Pair("A", Decimal(100), Decimal(50), "100", "50", "is-partial"),
                charts.Pair("B", 50, 50, "50", "50", "is-full"),
            ],
            title="Awarded against requested",
            whole_name="requested",
            part_name="awarded",
        )
    )
    bars = [r for r in _rects(svg) if r[3] != "12"]  # leave out the legend's swatches (12 wide)
    # the largest amount is 100, drawn 400 wide from x = 300; row 0 at y = 28 (whole from y + 3, 16 high;
    # part from y + 7, 8 high), row 1 at y = 50
    assert bars == [
        ("bar-whole", "300", "31", "400", "16"),
        ("bar-part", "300", "35", "200", "8"),
        ("bar-whole", "300", "53", "200", "16"),
        ("bar-part", "300", "57", "200", "8"),
    ]
    assert "<desc>A: requested 100, awarded 50; B: requested 50, awarded 50</desc>" in svg
    assert 'class="pair is-partial"' in svg and 'viewBox="0 0 890 78"' in svg  # 300 + 400 + 190; 28 + 44 + 6


def test_bars_by_hand_and_escaped():
    svg = str(charts.bars([("<b>", 30, "30"), ("Moscow", 60, "60")], title="Awards by region"))
    assert _rects(svg) == [("bar", "300", "9", "200", "16"), ("bar", "300", "31", "400", "16")]
    assert "&lt;b&gt;" in svg and "<b>" not in svg


def test_trend_by_hand():
    svg = str(charts.trend([(2025, 10, "10"), (2026, 20, "20"), (2027, 0, "0")], title="Jobs"))
    # the plot spans x = 48 to 312 (step 132) and y = 18 (the largest, 20) to 134 (zero)
    assert re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg) == [
        ("48", "76"),
        ("180", "18"),
        ("312", "134"),
    ]
    assert 'points="48,76 180,18 312,134"' in svg
    assert "<desc>2025: 10; 2026: 20; 2027: 0</desc>" in svg


def test_empty_and_single_point_charts():
    assert "<svg" in str(charts.bars([], title="Nothing"))
    svg = str(charts.trend([(2026, 5, "5")], title="One year"))
    assert re.findall(r'<circle cx="([\d.]+)"', svg) == ["180"] and "polyline" not in svg  # in the middle
