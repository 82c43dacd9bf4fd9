"""Charts of a Delphi survey, drawn on the server as inline SVG (no JavaScript, nothing external).

* :func:`progress_bar` -- one round's panel as a bar: submitted, draft, not started;
* :func:`item_boxplot` -- an item's answers round by round as box plots on the question's scale
  (whiskers from the lowest to the highest answer, the box from the first to the third quartile, a
  line at the median, a dot at the mean), so that a shrinking IQR shows the panel converging;
* :func:`choice_bars` -- how many experts chose each option of a choice question in one round.

Each chart has a ``<title>`` and an ``aria-label`` that say in words what it shows, and the pages put
the same numbers in a table next to it. Colours come from CSS classes in ``foresight-surveys.css``
(the site's Content-Security-Policy forbids inline ``style``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def _n(value: float) -> str:
    """A coordinate or value in the SVG: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _svg(css: str, width: float, height: float, label: str, description: str = "") -> SafeString:
    return format_html(
        '<svg class="chart {}" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}',
        css,
        _n(width),
        _n(height),
        label,
        label,
        format_html("<desc>{}</desc>", description) if description else "",
    )


def _join(parts: list[Any]) -> SafeString:
    return mark_safe("".join(str(p) for p in parts) + "</svg>")  # noqa: S308  (parts built by format_html)


def progress_bar(*, submitted: int, drafted: int, not_started: int, title: str) -> SafeString:
    """A bar of the panel of one round: submitted, draft and not started, in that order."""
    width, height, bar = 300.0, 22.0, 14.0
    total = submitted + drafted + not_started
    segments = [
        ("submitted", submitted, _("submitted")),
        ("draft", drafted, _("draft")),
        ("not-started", not_started, _("not started")),
    ]
    summary = ", ".join(f"{count} {label}" for _, count, label in segments)
    parts: list[Any] = [_svg("chart-progress", width, height, f"{title}: {summary}")]
    parts.append(
        format_html(
            '<rect class="progress-track" x="0" y="4" width="{}" height="{}" rx="3"/>', _n(width), _n(bar)
        )
    )
    x = 0.0
    for css, count, label in segments:
        if not count:
            continue
        length = width * count / total
        parts.append(
            format_html(
                '<rect class="progress-{}" x="{}" y="4" width="{}" height="{}" data-count="{}">'
                "<title>{}: {}</title></rect>",
                css,
                _n(x),
                _n(length),
                _n(bar),
                count,
                label,
                count,
            )
        )
        x += length
    return _join(parts)


def _ticks(low: float, high: float) -> list[float]:
    span = high - low
    if span <= 0:
        return [low]
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000):
        if span / step <= 10:
            break
    first = -(-low // step) * step
    ticks, value = [], first
    while value <= high + 1e-9:
        ticks.append(value)
        value += step
    return ticks


def item_boxplot(
    *, rounds: Sequence[Any], low: float, high: float, title: str, round_label: str | None = None
) -> SafeString:
    """Box plots of an item's answers, one row per round (``rounds``: objects with ``round``,
    ``statistics``, ``minimum`` and ``maximum``, as :class:`results.ItemRound`), on the scale
    ``low`` .. ``high``."""
    round_label = round_label or _("Round %(number)d")
    left, right, row, top, axis = 64.0, 12.0, 24.0, 6.0, 22.0
    width = 320.0
    plot = width - left - right
    height = top + row * len(rounds) + axis
    span = (high - low) or 1.0

    def x(value: float) -> float:
        return left + plot * (min(max(value, low), high) - low) / span

    described = []
    for r in rounds:
        s = r.statistics
        described.append(
            _("round %(number)d: median %(median)s, quartiles %(q1)s to %(q3)s, answers %(min)s to %(max)s")
            % {
                "number": r.round,
                "median": _n(s.median),
                "q1": _n(s.q1),
                "q3": _n(s.q3),
                "min": _n(r.minimum),
                "max": _n(r.maximum),
            }
        )
    parts: list[Any] = [_svg("chart-boxplot", width, height, title, "; ".join(described))]
    for index, r in enumerate(rounds):
        s = r.statistics
        y = top + index * row
        middle = y + row / 2
        parts.append(
            format_html(
                '<g class="box" data-round="{}" data-median="{}" data-iqr="{}">'
                '<text class="box-label" x="{}" y="{}" text-anchor="end">{}</text>'
                '<line class="box-whisker" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<rect class="box-iqr" x="{}" y="{}" width="{}" height="{}"/>'
                '<line class="box-median" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<circle class="box-mean" cx="{}" cy="{}" r="2.5"/></g>',
                r.round,
                _n(s.median),
                _n(s.iqr),
                _n(left - 8),
                _n(middle + 4),
                round_label % {"number": r.round},
                _n(x(r.minimum)),
                _n(middle),
                _n(x(r.maximum)),
                _n(middle),
                _n(x(s.q1)),
                _n(y + 5),
                _n(max(x(s.q3) - x(s.q1), 1.5)),
                _n(row - 10),
                _n(x(s.median)),
                _n(y + 3),
                _n(x(s.median)),
                _n(y + row - 3),
                _n(x(s.mean)),
                _n(middle),
            )
        )
    base = top + row * len(rounds) + 2
    parts.append(
        format_html(
            '<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>',
            _n(left),
            _n(base),
            _n(left + plot),
            _n(base),
        )
    )
    for tick in _ticks(low, high):
        parts.append(
            format_html(
                '<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="axis-label" x="{}" y="{}" text-anchor="middle">{}</text>',
                _n(x(tick)),
                _n(base),
                _n(x(tick)),
                _n(base + 4),
                _n(x(tick)),
                _n(base + 16),
                _n(tick),
            )
        )
    return _join(parts)


def choice_bars(*, counts: Sequence[tuple[str, int]], respondents: int, title: str) -> SafeString:
    """A bar per option: how many of the ``respondents`` chose it."""
    label_width, bar_width, row, top = 150.0, 130.0, 22.0, 4.0
    width = label_width + bar_width + 50
    height = top * 2 + row * len(counts)
    largest = max(respondents, 1)
    summary = ", ".join(f"{label}: {count}" for label, count in counts)
    parts: list[Any] = [_svg("chart-choices", width, height, f"{title}: {summary}")]
    for index, (label, count) in enumerate(counts):
        y = top + index * row
        length = bar_width * count / largest
        short = label if len(label) <= 24 else label[:23] + "…"
        parts.append(
            format_html(
                '<g class="bar" data-count="{}"><title>{}: {}</title>'
                '<text class="bar-label" x="{}" y="{}" text-anchor="end">{}</text>'
                '<rect class="choice-bar" x="{}" y="{}" width="{}" height="{}" rx="2"/>'
                '<text class="bar-value" x="{}" y="{}">{}</text></g>',
                count,
                label,
                count,
                _n(label_width - 8),
                _n(y + row / 2 + 4),
                short,
                _n(label_width),
                _n(y + 4),
                _n(max(length, 1.5)),
                _n(row - 8),
                _n(label_width + max(length, 1.5) + 6),
                _n(y + row / 2 + 4),
                count,
            )
        )
    return _join(parts)
