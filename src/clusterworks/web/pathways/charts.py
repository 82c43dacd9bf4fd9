"""Charts of product pathways, drawn on the server as inline SVG (no JavaScript, no external files).

* :func:`trl_funnel` -- products per technology readiness level, TRL 1 at the top, as a funnel;
* :func:`timeline` -- a product's gates as a Gantt chart: a bar per attempt from submission to decision
  (or today), query intervals hatched, decisions marked, the statutory clock's end as a bracket and a
  line for today;
* :func:`duration_bars` -- time at a gate (or an agency) as median / p75 / p90 bars with the statutory
  clock marked;
* :func:`forecast_curve` -- the chance of reaching the market by each date, with p10 / median / p90.

Charts take plain values (the views translate the analytics' results into them), so that they can be
tested by hand: the geometry of every chart is a small linear scale written out in its docstring. Each
chart has a ``<title>`` and a ``<desc>`` (and each mark its own ``<title>``) for screen readers, and the
pages show the same numbers in tables. Colours are presentation attributes or CSS classes of
``pathways-pages.css`` (the Content-Security-Policy forbids inline ``style``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

#: decided attempts: approved, refused, withdrawn; an open one has no decision yet
DECISION_CLASSES = {
    "approved": "is-approved",
    "refused": "is-refused",
    "withdrawn": "is-withdrawn",
    "": "is-open",
}


def _n(value: float) -> str:
    """A coordinate with at most one decimal."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _svg(parts: list[Any]) -> SafeString:
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308  (every part is built by format_html)


def _open(css: str, width: float, height: float, title: str, desc: str) -> SafeString:
    """The opening tag: drawn at its natural size (``width``/``height``), shrunk by CSS to fit."""
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


def _day(value: dt.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


# ------------------------------------------------------------------------------------------ TRL funnel

FUNNEL_LABEL_W, FUNNEL_PLOT_W, FUNNEL_ROW, FUNNEL_TOP = 330, 360, 26, 6


def trl_funnel(levels: Sequence[tuple[int, str, int]], *, title: str) -> SafeString:
    """A bar per level of ``levels`` ((TRL, label, number of products), TRL 1 first), centred so that
    the bars form a funnel. Geometry: row ``i`` is at y = 6 + 26 i; a bar of ``count`` products is
    360 x count / (the largest count) wide, centred on x = 330 + 180."""
    largest = max((count for _trl, _label, count in levels), default=0) or 1
    height = FUNNEL_TOP * 2 + FUNNEL_ROW * len(levels)
    width = FUNNEL_LABEL_W + FUNNEL_PLOT_W + 50
    desc = "; ".join(
        _("TRL %(trl)s (%(label)s): %(count)s") % {"trl": trl, "label": label, "count": count}
        for trl, label, count in levels
    )
    out: list[Any] = [_open("chart-funnel", width, height, title, desc)]
    centre = FUNNEL_LABEL_W + FUNNEL_PLOT_W / 2
    for index, (trl, label, count) in enumerate(levels):
        y = FUNNEL_TOP + FUNNEL_ROW * index
        length = FUNNEL_PLOT_W * count / largest
        out.append(
            format_html(
                '<g class="funnel-level" data-trl="{}" data-count="{}"><title>{}</title>'
                '<text class="bar-label" x="{}" y="{}" text-anchor="end">{}</text>'
                '<rect class="funnel-bar" x="{}" y="{}" width="{}" height="{}" rx="2"/>'
                '<text class="bar-value" x="{}" y="{}">{}</text></g>',
                trl,
                count,
                ngettext(
                    "TRL %(trl)s, %(label)s: %(count)s product",
                    "TRL %(trl)s, %(label)s: %(count)s products",
                    count,
                )
                % {"trl": trl, "label": label, "count": count},
                FUNNEL_LABEL_W - 8,
                _n(y + FUNNEL_ROW / 2 + 5),
                _short(f"{trl} · {label}", 40),
                _n(centre - length / 2),
                y + 3,
                _n(max(length, 1 if count else 0)),
                FUNNEL_ROW - 6,
                _n(FUNNEL_LABEL_W + FUNNEL_PLOT_W + 8),
                _n(y + FUNNEL_ROW / 2 + 5),
                count,
            )
        )
    out.append(_close())
    return _svg(out)


# -------------------------------------------------------------------------------------------- timeline


@dataclass(frozen=True)
class Attempt:
    """One attempt at a gate: from ``submitted`` to ``ended`` (the decision, the withdrawal, or today
    while it is open), with the agency's queries as (from, to) intervals and the date the statutory
    clock runs out (None without a clock)."""

    submitted: dt.date
    ended: dt.date
    decision: str = ""  # approved, refused, withdrawn; "" while open
    queries: tuple[tuple[dt.date, dt.date], ...] = ()
    clock_end: dt.date | None = None
    overdue: bool = False
    number: int = 1


@dataclass(frozen=True)
class TimelineRow:
    """A gate of the product's catalogue, in order."""

    key: str
    label: str
    agency: str
    attempts: tuple[Attempt, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class TimeScale:
    """Dates to x: ``x(d) = left + width x (d - start).days / (end - start).days``."""

    start: dt.date
    end: dt.date
    left: float
    width: float

    def x(self, day: dt.date) -> float:
        span = max((self.end - self.start).days, 1)
        return self.left + self.width * (day - self.start).days / span


TIMELINE_LEFT, TIMELINE_PLOT_W, TIMELINE_ROW, TIMELINE_TOP = 250, 620, 34, 34


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def timeline_scale(rows: Sequence[TimelineRow], *, today: dt.date, since: dt.date | None = None) -> TimeScale:
    """From the first day of the month of the earliest date shown (``since``, a submission, today) to
    the first day of the month after the latest (a decision, a clock's end, today)."""
    dates = [today] + ([since] if since else [])
    for row in rows:
        for attempt in row.attempts:
            dates += [attempt.submitted, attempt.ended]
            if attempt.clock_end is not None:
                dates.append(attempt.clock_end)
    return TimeScale(_month_start(min(dates)), _next_month(max(dates)), TIMELINE_LEFT, TIMELINE_PLOT_W)


def _month_ticks(scale: TimeScale) -> list[dt.date]:
    """First days of months in the scale, thinned to at most 12 labels."""
    months = []
    day = scale.start
    while day <= scale.end:
        months.append(day)
        day = _next_month(day)
    step = max(1, -(-len(months) // 12))
    return months[::step]


def _attempt_marks(attempt: Attempt, scale: TimeScale, y: float, row_h: float, gate: str) -> list[Any]:
    x1, x2 = scale.x(attempt.submitted), scale.x(attempt.ended)
    bar_y, bar_h = y + 8, row_h - 16
    state = DECISION_CLASSES.get(attempt.decision, "is-open")
    if attempt.decision == "approved":
        label = _("%(gate)s, attempt %(number)s: submitted on %(date)s, approved on %(ended)s")
    elif attempt.decision == "refused":
        label = _("%(gate)s, attempt %(number)s: submitted on %(date)s, refused on %(ended)s")
    elif attempt.decision == "withdrawn":
        label = _("%(gate)s, attempt %(number)s: submitted on %(date)s, withdrawn on %(ended)s")
    else:
        label = _("%(gate)s, attempt %(number)s: submitted on %(date)s, open, no decision yet")
    label %= {
        "gate": gate,
        "number": attempt.number,
        "date": _day(attempt.submitted),
        "ended": _day(attempt.ended),
    }
    out: list[Any] = [
        format_html(
            '<g class="attempt {}" data-submitted="{}" data-ended="{}"><title>{}</title>'
            '<rect class="attempt-bar" x="{}" y="{}" width="{}" height="{}" rx="2"/>',
            state,
            attempt.submitted.isoformat(),
            attempt.ended.isoformat(),
            label,
            _n(x1),
            _n(bar_y),
            _n(max(x2 - x1, 2)),
            _n(bar_h),
        )
    ]
    for start, end in attempt.queries:
        qx1, qx2 = scale.x(start), scale.x(end)
        out.append(
            format_html(
                '<rect class="query" x="{}" y="{}" width="{}" height="{}" fill="url(#query-hatch)" '
                'data-from="{}" data-to="{}"><title>{}</title></rect>',
                _n(qx1),
                _n(bar_y),
                _n(max(qx2 - qx1, 1)),
                _n(bar_h),
                start.isoformat(),
                end.isoformat(),
                _("agency query from %(start)s to %(end)s: the clock stops")
                % {"start": _day(start), "end": _day(end)},
            )
        )
    if attempt.decision in ("approved", "refused"):
        mark = "✓" if attempt.decision == "approved" else "✗"
        out.append(
            format_html(
                '<text class="decision-mark" x="{}" y="{}" text-anchor="middle">{}</text>',
                _n(x2),
                _n(bar_y - 1),
                mark,
            )
        )
    out.append(mark_safe("</g>"))  # noqa: S308  (a constant)
    if attempt.clock_end is not None:
        cx = scale.x(attempt.clock_end)
        out.append(
            format_html(
                '<path class="clock-end{}" data-date="{}" data-x="{}" d="M{} {} h-5 V{} h5">'
                "<title>{}</title></path>",
                " is-overdue" if attempt.overdue else "",
                attempt.clock_end.isoformat(),
                _n(cx),
                _n(cx),
                _n(y + 3),
                _n(y + row_h - 3),
                (
                    _("%(gate)s: the statutory clock runs out on %(date)s — overdue")
                    if attempt.overdue
                    else _("%(gate)s: the statutory clock runs out on %(date)s")
                )
                % {"gate": gate, "date": _day(attempt.clock_end)},
            )
        )
    return out


def timeline(
    rows: Sequence[TimelineRow], *, today: dt.date, title: str, since: dt.date | None = None
) -> SafeString:
    """The product's gates as rows (in the catalogue's order, labelled with the gate and its agency) on
    a time axis (:func:`timeline_scale`); row ``i`` spans y = 34 + 34 i to 34 + 34 (i + 1). Each
    attempt is a bar (``g.attempt``, classed by its decision), its queries hatched rectangles
    (``rect.query``), its decision a tick or a cross at its end, and the date its statutory clock runs
    out a bracket (``path.clock-end``, ``data-x`` its x). Today is a dashed line (``line.today``)."""
    scale = timeline_scale(rows, today=today, since=since)
    height = TIMELINE_TOP + TIMELINE_ROW * max(len(rows), 1) + 10
    width = TIMELINE_LEFT + TIMELINE_PLOT_W + 20
    descs = []
    for row in rows:
        if not row.attempts:
            descs.append(_("%(gate)s: not submitted") % {"gate": row.label})
        for attempt in row.attempts:
            text = (
                _("%(gate)s: submitted %(start)s, until %(end)s, clock runs out %(date)s")
                if attempt.clock_end
                else _("%(gate)s: submitted %(start)s, until %(end)s")
            )
            descs.append(
                text
                % {
                    "gate": row.label,
                    "start": attempt.submitted.isoformat(),
                    "end": attempt.ended.isoformat(),
                    "date": attempt.clock_end.isoformat() if attempt.clock_end else "",
                }
            )
    out: list[Any] = [
        _open("chart-timeline", width, height, title, "; ".join(descs)),
        mark_safe(  # noqa: S308  (a constant)
            '<defs><pattern id="query-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><rect class="hatch-ground" width="6" height="6"/>'
            '<line class="hatch-line" x1="0" y1="0" x2="0" y2="6"/></pattern></defs>'
        ),
    ]
    for tick in _month_ticks(scale):
        x = scale.x(tick)
        out.append(
            format_html(
                '<line class="grid-line" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="axis-label" x="{}" y="{}" text-anchor="middle">{}</text>',
                _n(x),
                TIMELINE_TOP - 6,
                _n(x),
                _n(height - 10),
                _n(x),
                TIMELINE_TOP - 12,
                date_format(tick, "m.Y"),
            )
        )
    for index, row in enumerate(rows):
        y = TIMELINE_TOP + TIMELINE_ROW * index
        out.append(
            format_html(
                '<g class="gate-row" data-gate="{}">'
                '<rect class="row-band{}" x="0" y="{}" width="{}" height="{}"/>'
                '<text class="row-label" x="8" y="{}">{}</text>'
                '<text class="row-agency" x="8" y="{}">{}</text>',
                row.key,
                " is-even" if index % 2 == 0 else "",
                y,
                width,
                TIMELINE_ROW,
                _n(y + 14),
                _short(row.label, 36),
                _n(y + 28),
                _short(row.agency, 40),
            )
        )
        for attempt in row.attempts:
            out += _attempt_marks(attempt, scale, y, TIMELINE_ROW, row.label)
        out.append(mark_safe("</g>"))  # noqa: S308  (a constant)
    tx = scale.x(today)
    out.append(
        format_html(
            '<line class="today" data-date="{}" x1="{}" y1="{}" x2="{}" y2="{}"><title>{}</title></line>'
            '<text class="today-label" x="{}" y="{}" text-anchor="middle">{}</text>',
            today.isoformat(),
            _n(tx),
            TIMELINE_TOP - 4,
            _n(tx),
            _n(height - 8),
            _("today, %(date)s") % {"date": _day(today)},
            _n(tx),
            _n(height - 0),
            _("today"),
        )
    )
    out.append(_close())
    return _svg(out)


# ---------------------------------------------------------------------------------------- durations


@dataclass(frozen=True)
class DurationRow:
    """Time at a gate or an agency: the median, p75 and p90 of the attempts' durations, and the
    statutory clock in the same unit (None: no clock, or clocks that differ)."""

    key: str
    label: str
    median: float
    p75: float
    p90: float
    clock: float | None = None
    count: int = 0


DURATION_LABEL_W, DURATION_PLOT_W, DURATION_ROW, DURATION_TOP = 230, 420, 30, 24


def duration_scale_max(rows: Sequence[DurationRow]) -> float:
    """The value at the right end of the plot: the largest p90 or clock (at least 1)."""
    return max([1.0, *(r.p90 for r in rows), *(r.clock for r in rows if r.clock is not None)])


def _duration_sentence(unit: str, number: float, *, clock: bool) -> str:
    """The sentence of a row of :func:`duration_bars`, in days or in per cent of the clock: with its
    statutory clock (``clock``; plural by the p90 days) or with its count of attempts (plural by it)."""
    if clock:
        if unit == "%":
            return _("%(name)s: median %(median)s, p75 %(p75)s, p90 %(p90)s %%; statutory %(clock)s")
        return ngettext(
            "%(name)s: median %(median)s, p75 %(p75)s, p90 %(p90)s day; statutory %(clock)s",
            "%(name)s: median %(median)s, p75 %(p75)s, p90 %(p90)s days; statutory %(clock)s",
            round(number),
        )
    if unit == "%":
        return ngettext(
            "%(name)s: median %(median)s, p75 %(p75)s, p90 %(p90)s %% (%(count)s attempt)",
            "%(name)s: median %(median)s, p75 %(p75)s, p90 %(p90)s %% (%(count)s attempts)",
            int(number),
        )
    return ngettext(
        "%(name)s: median %(median)s, p75 %(p75)s, p90 %(p90)s days (%(count)s attempt)",
        "%(name)s: median %(median)s, p75 %(p75)s, p90 %(p90)s days (%(count)s attempts)",
        int(number),
    )


def duration_bars(rows: Sequence[DurationRow], *, title: str, unit: str) -> SafeString:
    """A row per gate or agency: three overlaid bars from 0 to p90 (lightest), p75 and the median
    (darkest), and the statutory clock as a vertical mark (``line.clock-mark``); ``unit`` is ``"days"``
    or ``"%"`` (shares of the clock), and the texts say so in whole sentences. Geometry: row ``i`` at
    y = 24 + 30 i; a value ``v`` at x = 230 + 420 v / :func:`duration_scale_max`."""
    top_value = duration_scale_max(rows)
    height = DURATION_TOP + DURATION_ROW * max(len(rows), 1) + 8

    def x(value: float) -> float:
        return DURATION_LABEL_W + DURATION_PLOT_W * value / top_value

    width = DURATION_LABEL_W + DURATION_PLOT_W + 70
    desc = "; ".join(
        _duration_sentence(unit, r.p90, clock=True)
        % {
            "name": r.label,
            "median": _n(r.median),
            "p75": _n(r.p75),
            "p90": _n(r.p90),
            "clock": _n(r.clock) if r.clock is not None else "—",
        }
        for r in rows
    )
    out: list[Any] = [_open("chart-durations", width, height, title, desc)]
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        value = top_value * fraction
        out.append(
            format_html(
                '<line class="grid-line" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="axis-label" x="{}" y="{}" text-anchor="middle">{}</text>',
                _n(x(value)),
                DURATION_TOP - 4,
                _n(x(value)),
                _n(height - 8),
                _n(x(value)),
                DURATION_TOP - 8,
                f"{value:.0f}",
            )
        )
    for index, row in enumerate(rows):
        y = DURATION_TOP + DURATION_ROW * index
        out.append(
            format_html(
                '<g class="duration-row" data-key="{}" data-median="{}" data-p90="{}"><title>{}</title>'
                '<text class="bar-label" x="{}" y="{}" text-anchor="end">{}</text>',
                row.key,
                _n(row.median),
                _n(row.p90),
                _duration_sentence(unit, row.count, clock=False)
                % {
                    "name": row.label,
                    "median": _n(row.median),
                    "p75": _n(row.p75),
                    "p90": _n(row.p90),
                    "count": row.count,
                },
                DURATION_LABEL_W - 8,
                _n(y + DURATION_ROW / 2 + 5),
                _short(row.label, 30),
            )
        )
        for css, value, inset in (
            ("bar-p90", row.p90, 4),
            ("bar-p75", row.p75, 4),
            ("bar-median", row.median, 8),
        ):
            out.append(
                format_html(
                    '<rect class="{}" x="{}" y="{}" width="{}" height="{}"/>',
                    css,
                    DURATION_LABEL_W,
                    _n(y + inset),
                    _n(max(x(value) - DURATION_LABEL_W, 0)),
                    _n(DURATION_ROW - 2 * inset),
                )
            )
        if row.clock is not None:
            cx = x(row.clock)
            out.append(
                format_html(
                    '<line class="clock-mark" data-x="{}" x1="{}" y1="{}" x2="{}" y2="{}">'
                    "<title>{}</title></line>",
                    _n(cx),
                    _n(cx),
                    _n(y + 1),
                    _n(cx),
                    _n(y + DURATION_ROW - 1),
                    (
                        _("statutory clock: %(days)s %%") % {"days": _n(row.clock)}
                        if unit == "%"
                        else ngettext(
                            "statutory clock: %(days)s day",
                            "statutory clock: %(days)s days",
                            round(row.clock),
                        )
                        % {"days": _n(row.clock)}
                    ),
                )
            )
        out.append(
            format_html(
                '<text class="bar-value" x="{}" y="{}">{}</text></g>',
                _n(max(x(row.p90), x(row.clock or 0)) + 6),
                _n(y + DURATION_ROW / 2 + 5),
                _n(row.median),
            )
        )
    out.append(_close())
    return _svg(out)


# ----------------------------------------------------------------------------------------- forecast

FORECAST_LEFT, FORECAST_PLOT_W, FORECAST_TOP, FORECAST_PLOT_H = 16, 480, 14, 110


def forecast_histogram(
    bins: Sequence[tuple[dt.date, dt.date, int]],
    *,
    quantiles: Sequence[tuple[str, dt.date]],
    draws: int,
    title: str,
) -> SafeString:
    """The Monte Carlo draws of the date of reaching the market as a histogram (``bins``: (from, to,
    number of draws)), with a dashed line at each of ``quantiles`` ((label, date): p10, median, p90).
    Geometry: dates from the first of the month of the earliest date to the first of the month after
    the latest, over x = 16 .. 496; a bin of ``n`` draws is 110 n / (the largest bin) high."""
    dates = [d for start, end, _n in bins for d in (start, end)] + [d for _label, d in quantiles]
    if not dates:
        return mark_safe("")  # noqa: S308  (nothing to draw)
    scale = TimeScale(_month_start(min(dates)), _next_month(max(dates)), FORECAST_LEFT, FORECAST_PLOT_W)
    largest = max((count for _s, _e, count in bins), default=0) or 1
    base = FORECAST_TOP + FORECAST_PLOT_H
    height = base + 44
    width = FORECAST_LEFT + FORECAST_PLOT_W + 20
    desc = "; ".join(
        [
            *(
                _("%(label)s: %(date)s") % {"label": label, "date": day.isoformat()}
                for label, day in quantiles
            ),
            ngettext("%(draws)s draw", "%(draws)s draws", draws) % {"draws": draws},
        ]
    )
    out: list[Any] = [_open("chart-forecast", width, height, title, desc)]
    out.append(
        format_html(
            '<line class="grid-line" x1="{}" y1="{}" x2="{}" y2="{}"/>',
            FORECAST_LEFT,
            base,
            FORECAST_LEFT + FORECAST_PLOT_W,
            base,
        )
    )
    ticks = _month_ticks(scale)
    step = max(1, -(-len(ticks) // 6))
    for tick in ticks[::step]:
        out.append(
            format_html(
                '<text class="axis-label" x="{}" y="{}" text-anchor="middle">{}</text>',
                _n(scale.x(tick)),
                base + 14,
                date_format(tick, "m.Y"),
            )
        )
    for start, end, count in bins:
        if not count:
            continue
        x1, x2 = scale.x(start), scale.x(end)
        bar = FORECAST_PLOT_H * count / largest
        out.append(
            format_html(
                '<rect class="forecast-bin" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>',
                _n(x1),
                _n(base - bar),
                _n(max(x2 - x1 - 0.5, 0.5)),
                _n(bar),
                ngettext(
                    "%(start)s – %(end)s: %(count)s of %(draws)s draw",
                    "%(start)s – %(end)s: %(count)s of %(draws)s draws",
                    draws,
                )
                % {"start": _day(start), "end": _day(end), "count": count, "draws": draws},
            )
        )
    for index, (label, day) in enumerate(quantiles):
        qx = scale.x(day)
        out.append(
            format_html(
                '<line class="quantile" data-date="{}" x1="{}" y1="{}" x2="{}" y2="{}">'
                "<title>{}</title></line>"
                '<text class="quantile-label" x="{}" y="{}" text-anchor="middle">{}</text>',
                day.isoformat(),
                _n(qx),
                FORECAST_TOP - 4,
                _n(qx),
                base,
                f"{label}: {_day(day)}",
                _n(qx),
                base + 28 + 10 * (index % 2),
                label,
            )
        )
    out.append(_close())
    return _svg(out)
