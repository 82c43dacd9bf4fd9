"""Charts of priorities and roadmaps, drawn on the server as inline SVG (no JavaScript, no external files).

* :func:`contribution_bar` -- a candidate's score as a bar stacked from its criteria's contributions;
* :func:`rank_path_chart` -- every candidate's rank as one criterion's weight goes from 0 to 1;
* :func:`acceptability_heatmap` -- how often each candidate takes each place (SMAA-2);
* :func:`roadmap_chart` -- the roadmap: layers as swimlanes against the years, nodes as bars, links
  as arrows, one technology chain highlighted and the gap nodes marked.

Each chart has a ``<title>`` and a ``<desc>`` (and each mark its own ``<title>``) for screen readers;
the pages show the same numbers in tables. Colours are presentation attributes or CSS classes from
``foresight-plans.css`` (the Content-Security-Policy forbids inline ``style``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

#: colours of criteria and candidates (Okabe-Ito, colour-blind safe), cycled
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#999999", "#000000")
LANES = ("market", "product", "technology", "resource")


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _n(value: float) -> str:
    """A coordinate with at most one decimal."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


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


def _lines(text: str, width: int) -> list[str]:
    """``text`` broken at spaces into lines of at most ``width`` characters (a longer word stays whole)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


# ------------------------------------------------------------------------------------ contributions


def contribution_bar(parts: Sequence[tuple[str, float]], *, title: str, width: float = 220) -> SafeString:
    """A bar of length ``width`` x score, stacked from ``parts`` ((criterion label, contribution), in the
    order of the criteria, coloured by position); the contributions of a score in [0, 1] sum to it."""
    height = 16
    total = sum(value for _label, value in parts)
    desc = "; ".join(f"{label}: {value:.3f}" for label, value in parts)
    out: list[Any] = [_open("chart-contributions", width + 2, height, title, desc)]
    out.append(
        format_html(
            '<rect class="contribution-track" x="1" y="1" width="{}" height="{}" rx="2"/>',
            _n(width),
            height - 2,
        )
    )
    x = 1.0
    for index, (label, value) in enumerate(parts):
        length = width * max(value, 0.0)
        if length <= 0:
            continue
        out.append(
            format_html(
                '<rect class="contribution" data-criterion-index="{}" x="{}" y="1" width="{}" height="{}" '
                'fill="{}"><title>{}: {}</title></rect>',
                index,
                _n(x),
                _n(length),
                height - 2,
                colour(index),
                label,
                f"{value:.3f}",
            )
        )
        x += length
    out.append(format_html("<!-- total {} --></svg>", f"{total:.3f}"))
    return _svg(out)


# ----------------------------------------------------------------------------------------- rank paths


def rank_path_chart(
    path: Any, labels: Mapping[Any, str], *, criterion: str, current: float | None = None
) -> SafeString:
    """Lines of every candidate's rank (1 at the top) against the weight of ``criterion`` (0..1, the other
    weights rescaled in proportion), from an ``analytics.priorities.RankPath``; the current weight is
    marked by a dashed line. Candidates are labelled at the right end, in their order at weight 1."""
    m = len(path.candidates)
    left, right, top, bottom, row = 34, 190, 14, 34, 22
    plot_w = 300
    height = top + bottom + row * max(m - 1, 1)
    width = left + plot_w + right
    weight = path.weight if current is None else current

    def x(t: float) -> float:
        return left + plot_w * t

    def y(rank: float) -> float:
        return top + row * (rank - 1) if m > 1 else top + row / 2

    title = _("Rank of each candidate as the weight of %(criterion)s goes from 0 to 1") % {
        "criterion": criterion
    }
    at_current = min(range(len(path.weights)), key=lambda s: abs(path.weights[s] - weight))
    desc = "; ".join(
        _("%(candidate)s: rank %(zero)d at weight 0, %(now)d at %(weight)s, %(one)d at weight 1")
        % {
            "candidate": labels.get(candidate, candidate),
            "zero": ranks[0],
            "now": ranks[at_current],
            "weight": f"{weight:.2f}",
            "one": ranks[-1],
        }
        for candidate, ranks in zip(path.candidates, path.ranks, strict=True)
    )
    out: list[Any] = [_open("chart-rank-path", width, height, title, desc)]
    for rank in range(1, m + 1):
        out.append(
            format_html(
                '<line class="grid-line" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="axis-label" x="{}" y="{}" text-anchor="end">{}</text>',
                left,
                _n(y(rank)),
                left + plot_w,
                _n(y(rank)),
                left - 8,
                _n(y(rank) + 4),
                rank,
            )
        )
    for tick in (0, 0.25, 0.5, 0.75, 1):
        out.append(
            format_html(
                '<text class="axis-label" x="{}" y="{}" text-anchor="middle">{}</text>',
                _n(x(tick)),
                _n(height - bottom + 18),
                f"{tick:g}",
            )
        )
    out.append(
        format_html(
            '<line class="current-weight" x1="{}" y1="{}" x2="{}" y2="{}"><title>{}</title></line>',
            _n(x(weight)),
            top - 8,
            _n(x(weight)),
            _n(height - bottom + 6),
            _("current weight %(weight)s") % {"weight": f"{weight:.2f}"},
        )
    )
    for index, (candidate, ranks) in enumerate(zip(path.candidates, path.ranks, strict=True)):
        points = " ".join(f"{_n(x(t))},{_n(y(r))}" for t, r in zip(path.weights, ranks, strict=True))
        out.append(
            format_html(
                '<polyline class="rank-line" data-candidate="{}" points="{}" stroke="{}">'
                "<title>{}</title></polyline>",
                candidate,
                points,
                colour(index),
                labels.get(candidate, candidate),
            )
        )
    # labels at the right end, pushed apart where candidates share a rank at weight 1
    order = sorted(range(m), key=lambda i: (path.ranks[i][-1], i))
    last = -1e9
    for i in order:
        label_y = max(y(path.ranks[i][-1]) + 4, last + 12)
        last = label_y
        text = labels.get(path.candidates[i], str(path.candidates[i]))
        out.append(
            format_html(
                '<text class="line-label" x="{}" y="{}" fill="{}">{}</text>',
                left + plot_w + 8,
                _n(label_y),
                colour(i),
                text if len(text) <= 26 else text[:25] + "…",
            )
        )
    out.append(mark_safe("</svg>"))  # noqa: S308  (a constant)
    return _svg(out)


# ------------------------------------------------------------------------------------- acceptability


def _shade(share: float) -> str:
    """From the page's canvas (#f4f6f9) at 0 to the brand blue (#1f4e8c) at 1."""
    low, high = (0xF4, 0xF6, 0xF9), (0x1F, 0x4E, 0x8C)
    share = min(max(share, 0.0), 1.0)
    return "#" + "".join(f"{round(a + (b - a) * share):02x}" for a, b in zip(low, high, strict=True))


def acceptability_heatmap(result: Any, labels: Mapping[Any, str]) -> SafeString:
    """Candidates (rows, by expected rank) x places (columns): the share of weight samples in which the
    candidate takes that place, from an ``analytics.priorities.RankAcceptability``."""
    m = len(result.candidates)
    label_w, cell, top = 190, 44, 26
    width = label_w + cell * m + 70
    height = top + cell * m + 4
    order = sorted(range(m), key=lambda i: (result.expected_rank[i], i))
    title = _("Rank acceptability: how often each candidate takes each place")
    desc = "; ".join(
        _("%(candidate)s: first in %(first)s of the samples, expected rank %(expected)s")
        % {
            "candidate": labels.get(result.candidates[i], result.candidates[i]),
            "first": _percent(result.first_rank[i]),
            "expected": f"{result.expected_rank[i]:.2f}",
        }
        for i in order
    )
    out: list[Any] = [_open("chart-acceptability", width, height, title, desc)]
    for place in range(m):
        out.append(
            format_html(
                '<text class="axis-label" x="{}" y="{}" text-anchor="middle">{}</text>',
                _n(label_w + cell * place + cell / 2),
                top - 8,
                place + 1,
            )
        )
    out.append(
        format_html(
            '<text class="axis-label" x="{}" y="{}" text-anchor="middle">{}</text>',
            _n(label_w + cell * m + 35),
            top - 8,
            _("exp."),
        )
    )
    for row, i in enumerate(order):
        name = labels.get(result.candidates[i], str(result.candidates[i]))
        y = top + cell * row
        out.append(
            format_html(
                '<text class="row-label" x="{}" y="{}" text-anchor="end">{}</text>',
                label_w - 8,
                _n(y + cell / 2 + 4),
                name if len(name) <= 28 else name[:27] + "…",
            )
        )
        for place, share in enumerate(result.acceptability[i]):
            text_class = "cell-value is-dark" if share >= 0.5 else "cell-value"
            out.append(
                format_html(
                    '<g class="heat-cell" data-candidate="{}" data-place="{}"><title>{}</title>'
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
                    '<text class="{}" x="{}" y="{}" text-anchor="middle">{}</text></g>',
                    result.candidates[i],
                    place + 1,
                    _("%(candidate)s takes place %(place)d in %(share)s of the samples")
                    % {"candidate": name, "place": place + 1, "share": _percent(share)},
                    label_w + cell * place,
                    _n(y),
                    cell - 2,
                    cell - 2,
                    _shade(share),
                    text_class,
                    _n(label_w + cell * place + cell / 2 - 1),
                    _n(y + cell / 2 + 4),
                    _percent(share) if share >= 0.005 else "",
                )
            )
        out.append(
            format_html(
                '<text class="cell-expected" x="{}" y="{}" text-anchor="middle">{}</text>',
                _n(label_w + cell * m + 35),
                _n(y + cell / 2 + 4),
                f"{result.expected_rank[i]:.2f}",
            )
        )
    out.append(mark_safe("</svg>"))  # noqa: S308  (a constant)
    return _svg(out)


# ------------------------------------------------------------------------------------------- roadmap


@dataclass(frozen=True)
class ChartNode:
    """What the roadmap chart needs of a node."""

    key: str
    layer: str
    title: str
    start: int | None
    end: int | None
    trl: int | None
    is_gap: bool
    missing: tuple[str, ...] = ()


def _pack(nodes: list[ChartNode], first: int, last: int) -> dict[str, int]:
    """Rows within a lane so that no two bars overlap (greedy interval partitioning, by start year)."""
    ends: list[int] = []
    rows = {}
    for node in sorted(nodes, key=lambda n: (n.start or first, n.end or last, n.key)):
        start, end = node.start or first, node.end or last
        for row, row_end in enumerate(ends):
            if row_end < start:
                ends[row] = end
                rows[node.key] = row
                break
        else:
            rows[node.key] = len(ends)
            ends.append(end)
    return rows


def roadmap_chart(
    nodes: Sequence[ChartNode],
    links: Sequence[tuple[str, str]],
    *,
    first_year: int,
    last_year: int,
    lane_labels: Mapping[str, str],
    title: str,
    chain: Sequence[str] = (),
) -> SafeString:
    """The roadmap as swimlanes (one per layer, in :data:`LANES` order) against the years ``first_year``
    .. ``last_year``: each node a bar over its years (over the whole period, dashed, when it has none)
    labelled with its title and TRL; links as arrows; the nodes and links of ``chain`` highlighted
    (``is-chain``, the others ``is-dimmed``); gap nodes with a red outline and a "!" marker
    (``rm-gap-marker``)."""
    years = list(range(first_year, last_year + 1))
    label_w, right, axis_h, row_h, bar_h, lane_pad = 150, 12, 30, 40, 28, 8
    year_w = max(48.0, 760 / max(len(years), 1))
    width = label_w + year_w * len(years) + right
    on_chain = set(chain)
    chain_links = set(zip(chain, chain[1:], strict=False))
    by_lane = {lane: [n for n in nodes if n.layer == lane] for lane in LANES}
    boxes: dict[str, tuple[float, float, float, float]] = {}
    lanes_svg: list[Any] = []
    nodes_svg: list[Any] = []
    y = float(axis_h)
    for lane_index, lane in enumerate(LANES):
        members = by_lane[lane]
        rows = _pack(members, first_year, last_year)
        count = max(rows.values(), default=-1) + 1
        lane_h = lane_pad * 2 + row_h * max(count, 1)
        label_lines = _lines(lane_labels.get(lane, lane), 20)
        lanes_svg.append(
            format_html(
                '<g class="rm-lane rm-lane-{}">'
                '<rect class="rm-lane-band" x="0" y="{}" width="{}" height="{}"/>'
                '<text class="rm-lane-label" x="8" y="{}">{}</text></g>',
                lane,
                _n(y),
                _n(width),
                _n(lane_h),
                _n(y + 20),
                mark_safe(  # noqa: S308  (each line is escaped by format_html)
                    "".join(
                        str(format_html('<tspan x="8" dy="{}">{}</tspan>', 0 if i == 0 else 15, line))
                        for i, line in enumerate(label_lines)
                    )
                ),
            )
        )
        for node in members:
            start, end = node.start or first_year, node.end or last_year
            start, end = max(start, first_year), min(end, last_year)
            bx = label_w + year_w * (start - first_year) + 2
            bw = max(year_w * (end - start + 1) - 4, 8)
            by = y + lane_pad + row_h * rows[node.key] + (row_h - bar_h) / 2
            boxes[node.key] = (bx, by, bw, bar_h)
            css = ["rm-node", f"rm-node-{lane}"]
            if node.is_gap:
                css.append("is-gap")
            if node.start is None and node.end is None:
                css.append("is-undated")
            if chain:
                css.append("is-chain" if node.key in on_chain else "is-dimmed")
            label = node.title if node.trl is None else f"{node.title} · {_('TRL')} {node.trl}"
            room = int((bw - 10) / 6.6)
            shown = label if len(label) <= room else label[: max(room - 1, 1)] + "…"
            years_text = (
                f"{node.start or '…'}–{node.end or '…'}" if (node.start or node.end) else _("no years set")
            )
            tooltip = f"{node.title} ({years_text})"
            if node.trl is not None:
                tooltip += f", {_('TRL')} {node.trl}"
            if node.is_gap:
                tooltip += ". " + _("Gap: no current member holds %(competences)s") % {
                    "competences": ", ".join(node.missing)
                }
            nodes_svg.append(
                format_html(
                    '<g class="{}" id="rm-node-{}" data-node="{}"><title>{}</title>'
                    '<rect x="{}" y="{}" width="{}" height="{}" rx="4"/>'
                    '<text class="rm-node-label" x="{}" y="{}">{}</text>',
                    " ".join(css),
                    node.key,
                    node.key,
                    tooltip,
                    _n(bx),
                    _n(by),
                    _n(bw),
                    bar_h,
                    _n(bx + 6),
                    _n(by + bar_h / 2 + 4),
                    shown,
                )
            )
            if node.is_gap:
                nodes_svg.append(
                    format_html(
                        '<g class="rm-gap-marker"><circle cx="{}" cy="{}" r="8"/>'
                        '<text x="{}" y="{}" text-anchor="middle">!</text></g>',
                        _n(bx + bw - 2),
                        _n(by + 1),
                        _n(bx + bw - 2),
                        _n(by + 5),
                    )
                )
            nodes_svg.append(mark_safe("</g>"))  # noqa: S308  (a constant)
        y += lane_h
        if lane_index < len(LANES) - 1:
            lanes_svg.append(
                format_html(
                    '<line class="rm-lane-rule" x1="0" y1="{}" x2="{}" y2="{}"/>', _n(y), _n(width), _n(y)
                )
            )
    height = y + 4
    axis: list[Any] = []
    step = 1 if year_w >= 40 else 2
    for index, year in enumerate(years):
        x = label_w + year_w * index
        axis.append(
            format_html(
                '<line class="rm-year-rule" x1="{}" y1="{}" x2="{}" y2="{}"/>',
                _n(x),
                axis_h - 6,
                _n(x),
                _n(height),
            )
        )
        if index % step == 0:
            axis.append(
                format_html(
                    '<text class="axis-label" x="{}" y="{}" text-anchor="middle">{}</text>',
                    _n(x + year_w / 2),
                    axis_h - 10,
                    year,
                )
            )
    arrows: list[Any] = []
    for source, target in links:
        if source not in boxes or target not in boxes:
            continue
        sx, sy, sw, sh = boxes[source]
        tx, ty, tw, th = boxes[target]
        if ty > sy + sh - 1:  # target below
            x1, y1, x2, y2 = sx + sw / 2, sy + sh, tx + tw / 2, ty
        elif ty + th < sy + 1:  # target above (another row of the same lane)
            x1, y1, x2, y2 = sx + sw / 2, sy, tx + tw / 2, ty + th
        elif tx >= sx + sw:  # same row, to the right
            x1, y1, x2, y2 = sx + sw, sy + sh / 2, tx, ty + th / 2
        else:
            x1, y1, x2, y2 = sx, sy + sh / 2, tx + tw, ty + th / 2
        css = "rm-link"
        if chain:
            css += " is-chain" if (source, target) in chain_links else " is-dimmed"
        arrows.append(
            format_html(
                '<line class="{}" data-link="{}" x1="{}" y1="{}" x2="{}" y2="{}" '
                'marker-end="url(#rm-arrow)"/>',
                css,
                f"{source}>{target}",
                _n(x1),
                _n(y1),
                _n(x2),
                _n(y2),
            )
        )
    gaps = [n.title for n in nodes if n.is_gap]
    desc = _("%(nodes)d nodes in four layers over %(first)d–%(last)d, %(links)d links.") % {
        "nodes": len(nodes),
        "first": first_year,
        "last": last_year,
        "links": len(links),
    }
    if gaps:
        desc += " " + _("Gaps (a needed competence no current member holds): %(nodes)s.") % {
            "nodes": ", ".join(gaps)
        }
    if chain:
        desc += " " + _("Highlighted chain: %(chain)s.") % {"chain": " → ".join(chain)}
    out: list[Any] = [
        _open("chart-roadmap", width, height, title, desc),
        mark_safe(  # noqa: S308  (a constant)
            '<defs><marker id="rm-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            'markerHeight="7" orient="auto-start-reverse">'
            '<path class="rm-arrow-head" d="M0,0 L10,5 L0,10 z"/>'
            "</marker></defs>"
        ),
        *lanes_svg,
        *axis,
        *nodes_svg,
        *arrows,
        mark_safe("</svg>"),  # noqa: S308  (a constant)
    ]
    return _svg(out)
