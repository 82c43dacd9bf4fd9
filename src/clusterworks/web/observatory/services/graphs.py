"""Networks drawn on the server as SVG: a cluster's related clusters (a radial ego graph) and the
product space (the activity proximity network of Hidalgo et al. 2007: the maximum spanning tree plus
the strongest remaining links, laid out by Fruchterman-Reingold from a fixed start, so the same data
always give the same picture).

References
----------
C. A. Hidalgo, B. Klinger, A.-L. Barabási and R. Hausmann, "The product space conditions the
development of nations", *Science* 317 (2007) 482-487, doi:10.1126/science.1144581.
"""

from __future__ import annotations

import math

import numpy as np
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from .maps import PALETTE, format_value


def _colour(value: float, low: float, high: float) -> str:
    if not math.isfinite(value) or high <= low:
        return "#999999"
    return PALETTE[min(int((value - low) / (high - low) * len(PALETTE)), len(PALETTE) - 1)]


def _svg(width: int, height: int, title: str, body: list, css: str) -> SafeString:
    head = format_html(
        '<svg class="chart {}" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg"><title>{}</title>',
        css,
        width,
        height,
        title,
        title,
    )
    return mark_safe(str(head) + "".join(str(b) for b in body) + "</svg>")  # noqa: S308


def ego_graph(
    centre: tuple[str, str, str], related: list[tuple[str, str, str, float]], *, title: str
) -> SafeString:
    """``centre`` (code, name, link) and its ``related`` (code, name, link, relatedness), strongest first,
    on a circle around it; link width by relatedness."""
    width, height, r = 760, 520, 190
    cx, cy = width / 2, height / 2
    body = []
    top = max((abs(v) for *_, v in related), default=1.0) or 1.0
    points = []
    for i, (code, name, link, value) in enumerate(related):
        angle = 2 * math.pi * i / max(len(related), 1) - math.pi / 2
        x, y = cx + r * math.cos(angle), cy + r * math.sin(angle)
        points.append((code, name, link, value, x, y))
        body.append(
            format_html(
                '<line class="graph-link" x1="{}" y1="{}" x2="{}" y2="{}" stroke="#56b4e9" '
                'stroke-width="{}"/>',
                round(cx, 1),
                round(cy, 1),
                round(x, 1),
                round(y, 1),
                round(1 + 5 * abs(value) / top, 1),
            )
        )
    for code, name, link, value, x, y in points:
        anchor = "start" if x >= cx else "end"
        body.append(
            format_html(
                '<a href="{}"><g class="graph-node" data-code="{}"><title>{}: {}</title>'
                '<circle cx="{}" cy="{}" r="9" fill="{}"/>'
                '<text x="{}" y="{}" text-anchor="{}">{}</text></g></a>',
                link,
                code,
                name,
                format_value(value, "index"),
                round(x, 1),
                round(y, 1),
                PALETTE[2],
                round(x + (14 if anchor == "start" else -14), 1),
                round(y + 4, 1),
                anchor,
                name[:40],
            )
        )
    code, name, link = centre
    body.append(
        format_html(
            '<g class="graph-node is-centre" data-code="{}"><title>{}</title>'
            '<circle cx="{}" cy="{}" r="14" fill="{}"/>'
            '<text x="{}" y="{}" text-anchor="middle">{}</text></g>',
            code,
            name,
            round(cx, 1),
            round(cy, 1),
            PALETTE[4],
            round(cx, 1),
            round(cy + 32, 1),
            name[:40],
        )
    )
    return _svg(width, height, title, body, "obs-graph")


def backbone(proximity: np.ndarray, *, extra: int) -> list[tuple[int, int, float]]:
    """The maximum spanning tree of ``proximity`` plus the ``extra`` strongest other links."""
    import igraph as ig

    k = proximity.shape[0]
    pairs = [(i, j, float(proximity[i, j])) for i in range(k) for j in range(i + 1, k) if proximity[i, j] > 0]
    if not pairs:
        return []
    graph = ig.Graph(n=k, edges=[(i, j) for i, j, _ in pairs])
    tree = graph.spanning_tree(weights=[-w for *_, w in pairs], return_tree=False)
    chosen = set(tree)
    rest = sorted((e for e in range(len(pairs)) if e not in chosen), key=lambda e: -pairs[e][2])
    chosen.update(rest[:extra])
    return [pairs[e] for e in sorted(chosen)]


def product_space(
    nodes: list[tuple[str, str, str, float, float]],
    proximity: np.ndarray,
    *,
    title: str,
    extra: int | None = None,
) -> SafeString:
    """``nodes`` (code, name, link, PCI, world trade) and their proximity: the backbone, node colour by
    PCI (viridis, light = low), area by world trade."""
    import igraph as ig

    k = len(nodes)
    links = backbone(proximity, extra=k if extra is None else extra)
    graph = ig.Graph(n=k, edges=[(i, j) for i, j, _ in links])
    start = [[math.cos(2 * math.pi * i / max(k, 1)), math.sin(2 * math.pi * i / max(k, 1))] for i in range(k)]
    layout = graph.layout_fruchterman_reingold(
        weights=[w for *_, w in links] if links else None, seed=start, niter=500
    )
    xy = np.array(layout.coords) if k else np.zeros((0, 2))
    width, height, pad = 760, 560, 50
    if k:
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        span = np.where(hi - lo > 0, hi - lo, 1)
        xy = pad + (xy - lo) / span * np.array([width - 2 * pad, height - 2 * pad])
    pcis = np.array([n[3] for n in nodes], dtype=float)
    trade = np.array([n[4] for n in nodes], dtype=float)
    finite = pcis[np.isfinite(pcis)]
    low, high = (float(finite.min()), float(finite.max()) + 1e-12) if finite.size else (0.0, 1.0)
    top_trade = float(np.nanmax(trade)) if k and np.isfinite(trade).any() else 1.0
    body = [
        format_html(
            '<line class="graph-link" x1="{}" y1="{}" x2="{}" y2="{}" stroke="#bbbbbb" '
            'stroke-width="{}"><title>{}</title></line>',
            round(xy[i, 0], 1),
            round(xy[i, 1], 1),
            round(xy[j, 0], 1),
            round(xy[j, 1], 1),
            round(0.5 + 3 * w, 1),
            f"{nodes[i][1]} – {nodes[j][1]}: {w:.2f}",
        )
        for i, j, w in links
    ]
    for i, (code, name, link, pci, value) in enumerate(nodes):
        radius = (
            5 + 16 * math.sqrt(max(value, 0) / top_trade) if top_trade > 0 and math.isfinite(value) else 5
        )
        body.append(
            format_html(
                '<a href="{}"><g class="graph-node" data-code="{}"><title>{} — PCI {}</title>'
                '<circle cx="{}" cy="{}" r="{}" fill="{}" stroke="#333333"/>'
                '<text x="{}" y="{}" text-anchor="middle">{}</text></g></a>',
                link,
                code,
                name,
                format_value(pci, "index"),
                round(xy[i, 0], 1),
                round(xy[i, 1], 1),
                round(radius, 1),
                _colour(pci, low, high),
                round(xy[i, 0], 1),
                round(xy[i, 1] + radius + 11, 1),
                name[:24],
            )
        )
    return _svg(width, height, title, body, "obs-graph obs-product-space")
