"""Charts of the commission's allocation and the programme's dashboard, drawn on the server as inline
SVG (no JavaScript, no external files).

* :func:`paired_bars` -- two amounts per row, drawn over each other: e.g. awarded (dark) against
  requested (light) per application, or paid against due per year;
* :func:`bars` -- one amount per row (awards by sector, by region; applications by state);
* :func:`trend` -- an indicator over the years, as a line with its points.

Charts take plain values and the texts to show (the views format amounts in the reader's language), so
that they can be checked by hand: each chart's geometry is a linear scale written in its docstring.
Every chart has a ``<title>`` and a ``<desc>`` that lists all its numbers for screen readers, and every
mark its own ``<title>``; the pages show the same numbers in tables. Colours come from CSS classes of
``programme/decisions.css`` (the Content-Security-Policy forbids inline ``style``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

Number = float | int | Decimal


def _n(value: float) -> str:
    """A coordinate with at most one decimal."""
    text = f"{float(value):.1f}"
    return text[:-2] if text.endswith(".0") else text


def _svg(parts: list[Any]) -> SafeString:
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308  (every part is built by format_html)


def _open(css: str, width: float, height: float, title: str, desc: str) -> SafeString:
    return format_html(
        '<svg class="chart {}" viewBox="0 0 {} {}" width="{}" height="{}" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg"><title>{}</title><desc>{}</desc>',
        css,
        _n(width),
        _n(height),
        _n(width),
        _n(height),
        title,
        title,
        desc,
    )


def _close() -> SafeString:
    return mark_safe("</svg>")  # noqa: S308  (a constant)


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


# ------------------------------------------------------------------------------------------ paired bars

LABEL_W, PLOT_W, VALUE_W, ROW_H, TOP = 300, 400, 190, 22, 28


@dataclass(frozen=True)
class Pair:
    """A row of :func:`paired_bars`: the larger amount ``whole`` (drawn light) and ``part`` (dark), with
    their texts; ``css`` marks the row (e.g. ``is-full``, ``is-partial``, ``is-none``)."""

    label: str
    whole: Number
    part: Number
    whole_text: str
    part_text: str
    css: str = ""


def paired_bars(
    rows: Sequence[Pair], *, title: str, whole_name: str, part_name: str, sentence: str | None = None
) -> SafeString:
    """Two bars per row drawn from the same origin: ``whole`` light, ``part`` dark over it. ``sentence``
    (translated, with ``%(label)s``, ``%(whole)s`` and ``%(part)s``) describes a row for screen readers;
    by default ``label: whole_name whole, part_name part``.

    Geometry: row ``i`` is at y = 28 + 22 i; a bar of amount ``v`` is 400 x v / M wide, M the largest
    amount of the chart, starting at x = 300; the legend is at the top (y = 4 to 16)."""
    largest = max((float(max(r.whole, r.part)) for r in rows), default=0.0) or 1.0
    height = TOP + ROW_H * len(rows) + 6
    width = LABEL_W + PLOT_W + VALUE_W
    sentence = sentence or f"%(label)s: {whole_name} %(whole)s, {part_name} %(part)s"
    said = [sentence % {"label": r.label, "whole": r.whole_text, "part": r.part_text} for r in rows]
    desc = "; ".join(said)
    out: list[Any] = [_open("chart-pairs", width, height, title, desc)]
    out.append(
        format_html(
            '<g class="legend"><rect class="bar-whole" x="{}" y="4" width="12" height="12"/>'
            '<text x="{}" y="14">{}</text><rect class="bar-part" x="{}" y="4" width="12" height="12"/>'
            '<text x="{}" y="14">{}</text></g>',
            LABEL_W,
            LABEL_W + 16,
            whole_name,
            LABEL_W + 170,
            LABEL_W + 186,
            part_name,
        )
    )
    for index, (row, text) in enumerate(zip(rows, said, strict=True)):
        y = TOP + ROW_H * index
        whole = PLOT_W * float(row.whole) / largest
        part = PLOT_W * float(row.part) / largest
        out.append(
            format_html(
                '<g class="pair {}"><title>{}</title>'
                '<text class="bar-label" x="{}" y="{}" text-anchor="end">{}</text>'
                '<rect class="bar-whole" x="{}" y="{}" width="{}" height="{}"/>'
                '<rect class="bar-part" x="{}" y="{}" width="{}" height="{}"/>'
                '<text class="bar-value" x="{}" y="{}">{}</text></g>',
                row.css,
                text,
                LABEL_W - 8,
                _n(y + ROW_H / 2 + 4),
                _short(row.label, 36),
                LABEL_W,
                y + 3,
                _n(whole),
                ROW_H - 6,
                LABEL_W,
                y + 7,
                _n(part),
                ROW_H - 14,
                _n(LABEL_W + PLOT_W + 8),
                _n(y + ROW_H / 2 + 4),
                row.part_text,
            )
        )
    out.append(_close())
    return _svg(out)


# ------------------------------------------------------------------------------------------------- bars


def bars(rows: Sequence[tuple[str, Number, str]], *, title: str, css: str = "") -> SafeString:
    """One bar per row (label, amount, text).

    Geometry: row ``i`` is at y = 6 + 22 i; a bar of amount ``v`` is 400 x v / M wide, M the largest
    amount, starting at x = 300."""
    largest = max((float(v) for _l, v, _t in rows), default=0.0) or 1.0
    top = 6
    height = top * 2 + ROW_H * len(rows)
    width = LABEL_W + PLOT_W + VALUE_W
    desc = "; ".join(f"{label}: {text}" for label, _v, text in rows)
    out: list[Any] = [_open(f"chart-bars {css}".strip(), width, height, title, desc)]
    for index, (label, value, text) in enumerate(rows):
        y = top + ROW_H * index
        length = PLOT_W * float(value) / largest
        out.append(
            format_html(
                '<g class="bar-row"><title>{}</title>'
                '<text class="bar-label" x="{}" y="{}" text-anchor="end">{}</text>'
                '<rect class="bar" x="{}" y="{}" width="{}" height="{}"/>'
                '<text class="bar-value" x="{}" y="{}">{}</text></g>',
                f"{label}: {text}",
                LABEL_W - 8,
                _n(y + ROW_H / 2 + 4),
                _short(label, 36),
                LABEL_W,
                y + 3,
                _n(length),
                ROW_H - 6,
                _n(LABEL_W + length + 6),
                _n(y + ROW_H / 2 + 4),
                text,
            )
        )
    out.append(_close())
    return _svg(out)


# ------------------------------------------------------------------------------------------------ trend

TREND_W, TREND_H, TREND_LEFT, TREND_TOP, TREND_BOTTOM = 360, 160, 48, 18, 26


def trend(points: Sequence[tuple[int, Number, str]], *, title: str) -> SafeString:
    """An indicator by year (year, value, text) as a line through its points.

    Geometry: the plot spans x = 48 to 312 and y = 18 (the largest value) to 134 (zero); the years are
    evenly spaced (one year alone sits in the middle); a value ``v`` is at y = 134 - 116 x v / M."""
    largest = max((float(v) for _y, v, _t in points), default=0.0) or 1.0
    plot_w = TREND_W - 2 * TREND_LEFT
    plot_h = TREND_H - TREND_TOP - TREND_BOTTOM
    base = TREND_TOP + plot_h
    step = plot_w / (len(points) - 1) if len(points) > 1 else 0
    desc = "; ".join(f"{year}: {text}" for year, _v, text in points)
    out: list[Any] = [_open("chart-trend", TREND_W, TREND_H, title, desc)]
    out.append(
        format_html(
            '<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>',
            TREND_LEFT,
            base,
            TREND_W - TREND_LEFT,
            base,
        )
    )
    coordinates = []
    for index, (year, value, text) in enumerate(points):
        x = TREND_LEFT + (step * index if len(points) > 1 else plot_w / 2)
        y = base - plot_h * float(value) / largest
        coordinates.append((x, y, year, text))
    if len(coordinates) > 1:
        out.append(
            format_html(
                '<polyline class="trend-line" fill="none" points="{}"/>',
                " ".join(f"{_n(x)},{_n(y)}" for x, y, _year, _text in coordinates),
            )
        )
    for x, y, year, text in coordinates:
        out.append(
            format_html(
                '<g class="trend-point"><title>{}</title><circle cx="{}" cy="{}" r="4"/>'
                '<text class="bar-value" x="{}" y="{}" text-anchor="middle">{}</text>'
                '<text class="axis-label" x="{}" y="{}" text-anchor="middle">{}</text></g>',
                f"{year}: {text}",
                _n(x),
                _n(y),
                _n(x),
                _n(max(y - 8, 10)),
                text,
                _n(x),
                base + 16,
                year,
            )
        )
    out.append(_close())
    return _svg(out)
