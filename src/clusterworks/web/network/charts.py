"""Charts of the stakeholder network, drawn on the server as inline SVG (no JavaScript, no external files).

* :func:`line_chart` -- indicators over the years (the cohesion of the network as it grew);
* :func:`helix_matrix` -- the triple-helix mix: the share of tie weight between each two sectors as a
  heat map;
* :func:`stacked_bars` -- horizontal bars split into parts: brokerage roles per organisation, sectors
  per community.

Charts take plain values (the views turn the analysis into them), so that their geometry, written in
each docstring, can be checked by hand. Each chart has a ``<title>`` and a ``<desc>`` saying every value
for screen readers, each mark its own ``<title>``, and the pages show the same numbers in tables. Colours
are presentation attributes (the Content-Security-Policy forbids inline ``style``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from clusterworks.web.registry.charts import HELIX_COLOURS

#: Okabe-Ito colours for the series of a line chart and the parts of stacked bars, in order
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#999999")
#: brokerage roles, in Gould and Fernandez's order
ROLE_COLOURS = {
    "coordinator": "#0072b2",
    "itinerant": "#56b4e9",
    "representative": "#e69f00",
    "gatekeeper": "#d55e00",
    "liaison": "#009e73",
}
SECTOR_COLOURS = HELIX_COLOURS


def _n(value: float) -> str:
    """A coordinate with at most one decimal."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _value(value: float | None, *, percent: bool = False, digits: int = 3) -> str:
    """A value as the reader writes numbers: a percentage with one decimal, or ``digits``
    significant digits."""
    if value is None:
        return "—"
    if percent:
        return number_format(round(100 * value, 1), decimal_pos=1) + " %"
    if float(value).is_integer() and abs(value) < 1e15:
        return number_format(int(value), force_grouping=True)
    text = format(float(value), f".{digits}g")
    if "e" in text:
        return text
    decimals = len(text.split(".")[1]) if "." in text else 0
    return number_format(float(text), decimal_pos=decimals)


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


def _svg(parts: list[Any]) -> SafeString:
    parts.append(mark_safe("</svg>"))  # noqa: S308  (a constant)
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308  (every part is built by format_html)


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _nice_max(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k at or above ``value`` (1 for 0)."""
    if value <= 0:
        return 1.0
    import math

    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value * (1 - 1e-12):
            return step * power
    return 10 * power  # pragma: no cover


# ------------------------------------------------------------------------------------------ lines

LINE_W, LINE_H = 560, 220
LINE_LEFT, LINE_RIGHT, LINE_TOP, LINE_BOTTOM = 56, 150, 12, 30


def line_chart(
    years: Sequence[int],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    title: str,
    percent: bool = False,
    css: str = "chart-lines",
) -> SafeString:
    """A line per ``(label, values)`` of ``series`` (a value per year, None where unknown) over
    ``years``, on one scale from 0 to a round maximum ``top`` (1 for percentages).

    Geometry: the plot spans x = 56 .. 410 and y = 12 .. 190; year ``i`` of ``k`` is at
    x = 56 + 354 i / (k - 1) (the middle when k = 1); a value v at y = 190 - 178 v / top.
    """
    plot_w = LINE_W - LINE_LEFT - LINE_RIGHT
    plot_h = LINE_H - LINE_TOP - LINE_BOTTOM
    known = [v for _label, values in series for v in values if v is not None]
    top = 1.0 if percent and (not known or max(known) <= 1) else _nice_max(max(known, default=0))
    k = len(years)

    def x(i: int) -> float:
        return LINE_LEFT + (plot_w / 2 if k == 1 else plot_w * i / (k - 1))

    def y(v: float) -> float:
        return LINE_TOP + plot_h - plot_h * v / top

    desc = "; ".join(
        f"{label}: "
        + ", ".join(f"{year} {_value(v, percent=percent)}" for year, v in zip(years, values, strict=True))
        for label, values in series
    )
    out: list[Any] = [_open(css, LINE_W, LINE_H, title, desc)]
    for tick in (0, top / 2, top):
        out.append(
            format_html(
                '<g class="grid"><line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ddd"/>'
                '<text class="axis" x="{}" y="{}" text-anchor="end">{}</text></g>',
                LINE_LEFT,
                LINE_LEFT + plot_w,
                _n(y(tick)),
                _n(y(tick)),
                LINE_LEFT - 6,
                _n(y(tick) + 4),
                _value(tick, percent=percent),
            )
        )
    step = max(1, round(k / 8))
    for i, year in enumerate(years):
        if i % step == 0 or i == k - 1:
            out.append(
                format_html(
                    '<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>',
                    _n(x(i)),
                    LINE_H - 10,
                    year,
                )
            )
    for index, (label, values) in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        points = [
            (x(i), y(v), year, v)
            for i, (year, v) in enumerate(zip(years, values, strict=True))
            if v is not None
        ]
        out.append(format_html('<g class="series" data-series="{}">', label))
        if len(points) > 1:
            path = " ".join(
                f"{'M' if j == 0 else 'L'}{_n(px)},{_n(py)}" for j, (px, py, _y, _v) in enumerate(points)
            )
            out.append(format_html('<path d="{}" fill="none" stroke="{}" stroke-width="2"/>', path, colour))
        for px, py, year, v in points:
            out.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="3" fill="{}" data-year="{}" data-value="{}">'
                    "<title>{}</title></circle>",
                    _n(px),
                    _n(py),
                    colour,
                    year,
                    v,
                    f"{label}, {year}: {_value(v, percent=percent)}",
                )
            )
        out.append(
            format_html(
                '<rect x="{}" y="{}" width="10" height="10" fill="{}"/>'
                '<text class="legend" x="{}" y="{}">{}</text></g>',
                LINE_W - LINE_RIGHT + 12,
                LINE_TOP + 18 * index,
                colour,
                LINE_W - LINE_RIGHT + 27,
                LINE_TOP + 18 * index + 9,
                _short(label, 20),
            )
        )
    return _svg(out)


# ------------------------------------------------------------------------------------ helix matrix

CELL, MATRIX_LABEL = 76, 120


def helix_matrix(labels: Sequence[str], share: Sequence[Sequence[float]], *, title: str) -> SafeString:
    """The ``k x k`` symmetric ``share`` as a heat map: cell (row i, column j) at x = 120 + 76 j,
    y = 24 + 76 i, filled with the darkest blue at the largest share (opacity share / largest), its
    percentage written in it. The diagonal is the weight within a sector."""
    k = len(labels)
    largest = max((v for row in share for v in row), default=0) or 1
    width = MATRIX_LABEL + CELL * k + 8
    height = 24 + CELL * k + 8
    pairs = [
        _("%(a)s – %(b)s: %(share)s")
        % {"a": labels[i], "b": labels[j], "share": _value(share[i][j], percent=True)}
        for i in range(k)
        for j in range(i, k)
    ]
    out: list[Any] = [_open("chart-helix-matrix", width, height, title, "; ".join(pairs))]
    for j, label in enumerate(labels):
        out.append(
            format_html(
                '<text class="axis" x="{}" y="16" text-anchor="middle">{}</text>',
                _n(MATRIX_LABEL + CELL * j + CELL / 2),
                _short(label, 13),
            )
        )
    for i, row_label in enumerate(labels):
        y = 24 + CELL * i
        out.append(
            format_html(
                '<text class="axis" x="{}" y="{}" text-anchor="end">{}</text>',
                MATRIX_LABEL - 8,
                _n(y + CELL / 2 + 4),
                _short(row_label, 18),
            )
        )
        for j in range(k):
            value = float(share[i][j])
            out.append(
                format_html(
                    '<g class="cell" data-row="{}" data-column="{}" data-share="{}"><title>{}</title>'
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="#0072b2" fill-opacity="{}" '
                    'stroke="#fff"/><text class="{}" x="{}" y="{}" text-anchor="middle">{}</text></g>',
                    i,
                    j,
                    round(value, 6),
                    _("%(a)s – %(b)s: %(share)s")
                    % {"a": row_label, "b": labels[j], "share": _value(value, percent=True)},
                    MATRIX_LABEL + CELL * j,
                    y,
                    CELL,
                    CELL,
                    _n(0.08 + 0.92 * value / largest) if value > 0 else "0.03",
                    "cell-value on-dark" if value / largest > 0.55 else "cell-value",
                    _n(MATRIX_LABEL + CELL * j + CELL / 2),
                    _n(y + CELL / 2 + 4),
                    _value(value, percent=True),
                )
            )
    return _svg(out)


# ------------------------------------------------------------------------------------ stacked bars

BAR_LABEL, BAR_PLOT, BAR_ROW, BAR_TOP = 230, 300, 24, 6


def stacked_bars(
    rows: Sequence[tuple[str, Sequence[float]]],
    parts: Sequence[tuple[str, str, str]],
    *,
    title: str,
    css: str = "chart-stacked",
) -> SafeString:
    """A bar per ``(label, values)`` of ``rows``, split into ``parts`` (``(key, label, colour)``, one
    value each), all on one scale: row ``i`` at y = 6 + 24 i, a part of value v is 300 v / (the
    largest row total) wide, the parts laid left to right from x = 230; a legend below."""
    largest = max((sum(values) for _label, values in rows), default=0) or 1
    legend_rows = (len(parts) + 2) // 3
    height = BAR_TOP * 2 + BAR_ROW * len(rows) + 20 * legend_rows + 8
    width = BAR_LABEL + BAR_PLOT + 70
    desc = "; ".join(
        f"{label}: "
        + ", ".join(
            f"{part_label} {_value(v)}" for (_k, part_label, _c), v in zip(parts, values, strict=True) if v
        )
        for label, values in rows
    )
    out: list[Any] = [_open(css, width, height, title, desc)]
    for i, (label, values) in enumerate(rows):
        y = BAR_TOP + BAR_ROW * i
        total = sum(values)
        out.append(
            format_html(
                '<g class="bar" data-label="{}" data-total="{}"><text class="bar-label" x="{}" y="{}" '
                'text-anchor="end">{}</text>',
                label,
                total,
                BAR_LABEL - 8,
                _n(y + BAR_ROW / 2 + 4),
                _short(label, 34),
            )
        )
        x = float(BAR_LABEL)
        for (key, part_label, colour), value in zip(parts, values, strict=True):
            if not value:
                continue
            length = BAR_PLOT * value / largest
            out.append(
                format_html(
                    '<rect class="part" data-part="{}" data-value="{}" x="{}" y="{}" width="{}" height="{}" '
                    'fill="{}"><title>{}</title></rect>',
                    key,
                    value,
                    _n(x),
                    y + 3,
                    _n(max(length, 0.5)),
                    BAR_ROW - 6,
                    colour,
                    f"{label}: {part_label} {_value(value)}",
                )
            )
            x += length
        out.append(
            format_html(
                '<text class="bar-value" x="{}" y="{}">{}</text></g>',
                _n(x + 6),
                _n(y + BAR_ROW / 2 + 4),
                _value(total),
            )
        )
    legend_top = BAR_TOP + BAR_ROW * len(rows) + 10
    for index, (_key, part_label, colour) in enumerate(parts):
        lx = 10 + (index % 3) * 200
        ly = legend_top + 20 * (index // 3)
        out.append(
            format_html(
                '<rect x="{}" y="{}" width="10" height="10" fill="{}"/>'
                '<text class="legend" x="{}" y="{}">{}</text>',
                lx,
                ly,
                colour,
                lx + 15,
                ly + 9,
                part_label,
            )
        )
    return _svg(out)
