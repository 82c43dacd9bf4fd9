"""The choropleth of an indicator, drawn on the server as SVG from the registry's pre-projected
boundaries (``registry.charts.country_map``), and the same values as GeoJSON with lon/lat geometry.

Classes: five quantile classes of the regions with data (fewer when there are fewer distinct values);
location quotients and RCA get fixed classes around 1 on a diverging scale; 0/1 flags and 0-3 stars
get one class per value. Colours: viridis (colour-blind safe, readable in grey),
light = low. Regions without data are hatched grey and listed. Each region is a focusable
``<path data-value=...>`` with a ``<title>`` giving its name and value.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from clusterworks.web.registry.charts import country_map

DATA = Path(__file__).resolve().parents[1] / "data"
GEOJSON_FILES = {"US": "usa_adm1_lonlat.geojson", "RU": "russia_adm1_lonlat.geojson"}
#: viridis at 5 steps, light to dark
PALETTE = ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")
#: location quotients and RCA: fixed classes around 1 (under-, evenly, over-represented), a
#: diverging blue-to-red scale (ColorBrewer RdBu, colour-blind safe)
QUOTIENT_BREAKS = (0.5, 0.8, 1.25, 2.0, math.inf)
QUOTIENT_PALETTE = ("#2166ac", "#92c5de", "#f7f7f7", "#f4a582", "#b2182b")


def format_value(value: float, kind: str) -> str:
    """A value as the pages show it."""
    if value is None or not math.isfinite(value):
        return _("no data")
    if kind == "flag":
        return _("yes") if value >= 0.5 else _("no")
    if kind == "stars":
        return str(int(value))
    if kind == "share":
        return f"{100 * value:.1f}%"
    if kind == "count":
        return f"{value:,.0f}".replace(",", "\u202f")
    return f"{value:.3f}" if abs(value) < 100 else f"{value:,.1f}".replace(",", "\u202f")


@dataclass(frozen=True)
class Classes:
    """``breaks`` (upper bounds, ascending) and a label per class; ``classify`` gives a value's class
    (-1 for no data)."""

    breaks: tuple[float, ...]
    labels: tuple[str, ...]
    colours: tuple[str, ...]

    def classify(self, value: float) -> int:
        if value is None or not math.isfinite(value):
            return -1
        for i, upper in enumerate(self.breaks):
            if value <= upper:
                return i
        return len(self.breaks) - 1


def classes(values: np.ndarray, kind: str, *, k: int = 5) -> Classes:
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if kind == "flag":
        return Classes((0.5, 1.0), (_("no"), _("yes")), (PALETTE[0], PALETTE[3]))
    if kind == "stars":
        return Classes((0, 1, 2, 3), ("0", "1", "2", "3"), (PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[4]))
    if finite.size == 0:
        return Classes((), (), ())
    if kind == "quotient":
        labels = ("≤ 0.5", "0.5 – 0.8", "0.8 – 1.25", "1.25 – 2", "> 2")  # upper bounds inclusive
        return Classes(QUOTIENT_BREAKS, labels, QUOTIENT_PALETTE)
    qs = np.unique(np.quantile(finite, np.linspace(0, 1, k + 1)[1:]))
    n = len(qs)
    colours = tuple(PALETTE[round(i * (len(PALETTE) - 1) / max(n - 1, 1))] for i in range(n))
    lower = [float(finite.min()), *qs[:-1]]
    labels = tuple(
        f"{format_value(lo, kind)} – {format_value(hi, kind)}" for lo, hi in zip(lower, qs, strict=True)
    )
    return Classes(tuple(float(q) for q in qs), labels, colours)


def choropleth(
    country: str,
    values: dict[str, float],
    *,
    kind: str,
    title: str,
    names: dict[str, str],
    links: dict[str, str],
) -> dict:
    """``{"svg", "legend": [(colour, label)], "missing": [names without data]}`` for ``values`` by
    ISO 3166-2 code."""
    geo = country_map(country)
    scheme = classes(np.array(list(values.values()), dtype=float), kind)
    parts = [
        format_html(
            '<svg class="map obs-map" viewBox="0 0 {} {}" role="img" aria-label="{}" '
            'xmlns="http://www.w3.org/2000/svg"><title>{}</title>'
            '<defs><pattern id="obs-hatch" patternUnits="userSpaceOnUse" width="6" height="6" '
            'patternTransform="rotate(45)"><rect width="6" height="6" fill="#eeeeee"/>'
            '<line x1="0" y1="0" x2="0" y2="6" stroke="#999999" stroke-width="2"/></pattern></defs>'
            '<g class="map-regions">',
            round(geo.width, 1),
            round(geo.height, 1),
            title,
            title,
        )
    ]
    missing = []
    for shape in geo.regions:
        value = values.get(shape.code)
        name = names.get(shape.code, shape.name)
        shown = format_value(value, kind) if value is not None else _("no data")
        index = scheme.classify(value) if value is not None else -1
        css = " no-data" if index < 0 else ""
        fill = "url(#obs-hatch)" if index < 0 else scheme.colours[index]
        if index < 0:
            missing.append(name)
        path = (
            f'<path id="region-{escape(shape.code)}" class="obs-region{css}" '
            f'd="{shape.d}" fill="{fill}" tabindex="0" data-code="{escape(shape.code)}" '
            f'data-name="{escape(name)}" data-value="{escape(shown)}">'
            f"<title>{escape(name)}: {escape(shown)}</title></path>"
        )
        link = links.get(shape.code)
        parts.append(f'<a href="{escape(link)}">{path}</a>' if link else path)
    parts.append("</g></svg>")
    legend = list(zip(scheme.colours, scheme.labels, strict=True))
    return {"svg": mark_safe("".join(str(p) for p in parts)), "legend": legend, "missing": sorted(missing)}  # noqa: S308


@functools.cache
def boundaries(country: str) -> dict:
    """The bundled lon/lat boundaries of ``country`` (see ``data/README.md``)."""
    return json.loads((DATA / GEOJSON_FILES[country]).read_text(encoding="utf-8"))


def geojson(country: str, rows: list[dict], *, properties: list[str]) -> dict:
    """A FeatureCollection of the regions of ``rows`` (each with ``code`` and ``properties``) with
    WGS84 lon/lat geometry; regions of the rows without a boundary get ``geometry: null``."""
    shapes = {f["properties"]["code"]: f for f in boundaries(country)["features"]}
    features = []
    for row in rows:
        shape = shapes.get(row["code"])
        features.append(
            {
                "type": "Feature",
                "id": row["code"],
                "properties": {"code": row["code"], **{p: row.get(p) for p in properties}},
                "geometry": shape["geometry"] if shape else None,
            }
        )
    return {
        "type": "FeatureCollection",
        "attribution": boundaries(country)["attribution"],
        "features": features,
    }


def bar_chart(
    rows: list[tuple[str, str, float]], *, title: str, cap: float = 5.0, line: float = 1.0
) -> SafeString:
    """Horizontal bars (``(label, link, value)``) on a linear scale capped at ``cap`` (capped bars end in
    an arrow mark and say their value), with a dashed reference line at ``line`` (LQ = 1)."""
    row_h, label_w, bar_w = 18, 300, 360
    width, top = label_w + bar_w + 70, 22
    height = top + row_h * len(rows) + 8
    scale = bar_w / cap
    parts = [
        format_html(
            '<svg class="chart obs-bars" viewBox="0 0 {} {}" role="img" aria-label="{}" '
            'xmlns="http://www.w3.org/2000/svg"><title>{}</title>',
            width,
            height,
            title,
            title,
        )
    ]
    for tick in range(int(cap) + 1):
        x = label_w + tick * scale
        parts.append(format_html('<text class="axis" x="{}" y="14" text-anchor="middle">{}</text>', x, tick))
    for i, (label, link, value) in enumerate(rows):
        y = top + i * row_h
        shown = format_value(value, "ratio")
        length = 0.0 if not math.isfinite(value) else min(value, cap) * scale
        capped = math.isfinite(value) and value > cap
        text = format_html(
            '<text class="bar-label" x="{}" y="{}" text-anchor="end">{}</text>', label_w - 6, y + 13, label
        )
        if link:
            text = format_html('<a href="{}">{}</a>', link, text)
        parts.append(
            format_html(
                '<g class="bar"><title>{}: {}</title>{}<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
                '<text class="bar-value" x="{}" y="{}">{}{}</text></g>',
                label,
                shown,
                text,
                label_w,
                y + 3,
                round(length, 1),
                row_h - 5,
                PALETTE[3] if math.isfinite(value) and value >= line else PALETTE[2],
                round(label_w + length + 4, 1),
                y + 13,
                shown,
                " ▸" if capped else "",
            )
        )
    x = label_w + line * scale
    parts.append(
        format_html(
            '<line class="ref-line" x1="{}" y1="{}" x2="{}" y2="{}" stroke="#d55e00" '
            'stroke-dasharray="4 3"/>',
            x,
            top - 4,
            x,
            height - 4,
        )
    )
    parts.append(mark_safe("</svg>"))  # noqa: S308
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308
