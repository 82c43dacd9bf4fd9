"""Small inline SVG charts of the group's answers to an item, drawn on the server (no JavaScript).

* :func:`range_bar` -- one line per item: the range of the answers, the interquartile box, a tick at the
  median and, when given, a marker at the reader's own answer;
* :func:`histogram` -- how many experts gave each value.

Each chart has a ``<title>`` and a ``<desc>`` that say in words what it shows (``role="img"``), and is
coloured by CSS classes in ``foresight-answers.css`` (the Content-Security-Policy forbids inline styles).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .answers import number
from .feedback import ScaleSummary

#: a histogram is drawn for at most this many distinct values; more are listed as text
MAX_BINS = 15


def _coordinate(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def describe(scale: ScaleSummary, *, own_label: str | None = None) -> str:
    """The statistics of ``scale`` in one sentence (the charts' text alternative)."""
    if not scale.n:
        text = _("no answers")
    else:
        text = _("median %(median)s, quartiles %(q1)s to %(q3)s, range %(min)s to %(max)s, %(n)s answers") % {
            "median": number(scale.median),
            "q1": number(scale.q1),
            "q3": number(scale.q3),
            "min": number(scale.min),
            "max": number(scale.max),
            "n": scale.n,
        }
    if scale.own is not None:
        text += "; " + (own_label or _("your answer %(value)s")) % {"value": number(scale.own)}
    return text


def range_bar(scale: ScaleSummary, *, title: str, uid: str, own_label: str | None = None) -> SafeString:
    """The answers to one item on ``scale.lower`` .. ``scale.upper``: range, quartiles, median, own answer.

    ``uid`` makes the ids of the title and description unique in the page.
    """
    width, height, left, right = 320, 46, 14, 14
    axis_y, box_top, box_height = 30, 10, 14
    span = (scale.upper - scale.lower) or 1.0

    def x(value: float) -> float:
        return left + (min(max(value, scale.lower), scale.upper) - scale.lower) / span * (
            width - left - right
        )

    parts = [
        format_html(
            '<svg class="fa-chart fa-range-bar" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" '
            'xmlns="http://www.w3.org/2000/svg"><title id="{}-t">{}</title><desc id="{}-d">{}</desc>',
            width,
            height,
            uid,
            uid,
            uid,
            title,
            uid,
            describe(scale, own_label=own_label),
        ),
        format_html(
            '<line class="fa-axis" x1="{}" y1="{}" x2="{}" y2="{}"/>'
            '<text class="fa-tick" x="{}" y="{}" text-anchor="start">{}</text>'
            '<text class="fa-tick" x="{}" y="{}" text-anchor="end">{}</text>',
            left,
            axis_y,
            width - right,
            axis_y,
            left - 4,
            height - 2,
            number(scale.lower),
            width - right + 4,
            height - 2,
            number(scale.upper),
        ),
    ]
    middle = box_top + box_height / 2
    if scale.n:
        low, high = x(scale.q1), x(scale.q3)
        parts.append(
            format_html(
                '<line class="fa-range" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<line class="fa-range" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<line class="fa-range" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<rect class="fa-iqr" x="{}" y="{}" width="{}" height="{}" rx="2"/>'
                '<line class="fa-median" x1="{}" y1="{}" x2="{}" y2="{}"/>',
                _coordinate(x(scale.min)),
                _coordinate(middle),
                _coordinate(x(scale.max)),
                _coordinate(middle),
                _coordinate(x(scale.min)),
                box_top + 3,
                _coordinate(x(scale.min)),
                box_top + box_height - 3,
                _coordinate(x(scale.max)),
                box_top + 3,
                _coordinate(x(scale.max)),
                box_top + box_height - 3,
                _coordinate(min(low, high - 3) if high - low < 3 else low),
                box_top,
                _coordinate(max(high - low, 3)),
                box_height,
                _coordinate(x(scale.median)),
                box_top - 4,
                _coordinate(x(scale.median)),
                box_top + box_height + 4,
            )
        )
    if scale.own is not None:
        own_x = x(scale.own)
        parts.append(
            format_html(
                '<path class="fa-own" d="M{} {} l5 6 l-5 6 l-5 -6 z"><title>{}</title></path>',
                _coordinate(own_x),
                axis_y - 6,
                (own_label or _("your answer %(value)s")) % {"value": number(scale.own)},
            )
        )
    parts.append(mark_safe("</svg>"))  # noqa: S308  (a constant)
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308  (every part is format_html)


def histogram(counts: Sequence[tuple[float, int]], *, title: str, uid: str) -> SafeString | None:
    """A bar per value with its count (None when there are more than :data:`MAX_BINS` values or none)."""
    if not counts or len(counts) > MAX_BINS:
        return None
    bar, gap, top, bottom = 24, 6, 16, 18
    plot = 40
    width = len(counts) * (bar + gap) + gap
    height = top + plot + bottom
    largest = max(count for _, count in counts) or 1
    summary = ", ".join(
        _("%(value)s: %(count)s") % {"value": number(value), "count": count} for value, count in counts
    )
    parts = [
        format_html(
            '<svg class="fa-chart fa-histogram" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
            'aria-labelledby="{}-t {}-d" xmlns="http://www.w3.org/2000/svg"><title id="{}-t">{}</title>'
            '<desc id="{}-d">{}</desc>',
            width,
            height,
            width,
            height,
            uid,
            uid,
            uid,
            title,
            uid,
            summary,
        )
    ]
    for index, (value, count) in enumerate(counts):
        x = gap + index * (bar + gap)
        length = plot * count / largest
        parts.append(
            format_html(
                '<g class="fa-bin" data-value="{}" data-count="{}">'
                '<rect class="fa-bar" x="{}" y="{}" width="{}" height="{}"/>'
                '<text class="fa-count" x="{}" y="{}" text-anchor="middle">{}</text>'
                '<text class="fa-tick" x="{}" y="{}" text-anchor="middle">{}</text></g>',
                number(value),
                count,
                x,
                _coordinate(top + plot - length),
                bar,
                _coordinate(max(length, 0)),
                _coordinate(x + bar / 2),
                _coordinate(top + plot - length - 3),
                count,
                _coordinate(x + bar / 2),
                height - 4,
                number(value),
            )
        )
    parts.append(mark_safe("</svg>"))  # noqa: S308  (a constant)
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308  (every part is format_html)
