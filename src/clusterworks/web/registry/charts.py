"""Charts and maps drawn on the server as inline SVG: no JavaScript, no external resources.

* :func:`helix_chart` -- a horizontal bar chart of a cluster's members per triple-helix sector;
* :func:`region_maps` -- a choropleth of the first-level regions (Russia's federal subjects, the US
  states) with the given regions highlighted.

The maps are drawn from the pre-projected, simplified boundaries in ``data/geo/`` (built once by
``data/geo/build_maps.py`` from geoBoundaries, CC BY 4.0); each file is read once per process.
Colours are SVG presentation attributes or CSS classes (the site's Content-Security-Policy forbids
inline ``style``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

GEO_DIR = Path(__file__).resolve().parent / "data" / "geo"
MAP_FILES = {"RU": "russia_adm1.json", "US": "usa_adm1.json"}

#: one colour per triple-helix sector (colour-blind-safe Okabe-Ito palette)
HELIX_COLOURS = {
    "university": "#0072b2",
    "research": "#56b4e9",
    "business": "#e69f00",
    "government": "#009e73",
    "other": "#999999",
}


def _number(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def helix_chart(composition: Sequence[tuple[str, Any, int]], *, title: str) -> SafeString:
    """A bar per sector of ``composition`` (``(sector, label, count)``, as ``selectors.helix_composition``
    returns it), labelled with the sector's name and its count; the bars share one scale."""
    row, label_width, bar_width, width = 30, 132, 200, 380
    top = 6
    height = top * 2 + row * len(composition)
    largest = max((count for _, _, count in composition), default=0) or 1
    summary = ", ".join(f"{label}: {count}" for _, label, count in composition)
    parts = [
        format_html(
            '<svg class="chart chart-helix" viewBox="0 0 {} {}" role="img" aria-label="{}" '
            'xmlns="http://www.w3.org/2000/svg"><title>{}</title>',
            width,
            height,
            f"{title}: {summary}",
            title,
        )
    ]
    for index, (sector, label, count) in enumerate(composition):
        y = top + index * row
        length = bar_width * count / largest
        parts.append(
            format_html(
                '<g class="bar" data-sector="{}" data-count="{}"><title>{}: {}</title>'
                '<text class="bar-label" x="{}" y="{}" text-anchor="end">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="{}"/>'
                '<text class="bar-value" x="{}" y="{}">{}</text></g>',
                sector,
                count,
                label,
                count,
                label_width - 10,
                _number(y + row / 2 + 5),
                label,
                label_width,
                y + 5,
                _number(max(length, 1.5)),
                row - 10,
                HELIX_COLOURS.get(sector, HELIX_COLOURS["other"]),
                _number(label_width + max(length, 1.5) + 8),
                _number(y + row / 2 + 5),
                count,
            )
        )
    parts.append(mark_safe("</svg>"))  # noqa: S308  (a constant)
    return mark_safe("".join(parts))  # noqa: S308  (every part is built by format_html)


@dataclass(frozen=True)
class RegionShape:
    code: str
    name: str
    d: str
    x: float
    y: float


@dataclass(frozen=True)
class CountryMap:
    country: str
    width: float
    height: float
    regions: tuple[RegionShape, ...]


@functools.cache
def country_map(country: str) -> CountryMap:
    """The projected boundaries of ``country`` ("RU" or "US"), read from ``data/geo`` once per process."""
    try:
        name = MAP_FILES[country]
    except KeyError:
        raise ValueError(
            f"no map for country {country!r}; maps exist for {', '.join(sorted(MAP_FILES))}"
        ) from None
    data = json.loads((GEO_DIR / name).read_text(encoding="utf-8"))
    shapes = tuple(RegionShape(r["code"], r["name"], r["d"], r["x"], r["y"]) for r in data["regions"])
    return CountryMap(country, data["width"], data["height"], shapes)


def region_map(
    country: str, highlighted: Iterable[str], *, names: dict[str, str] | None = None, title: str = ""
) -> SafeString:
    """An SVG choropleth of ``country`` with the regions whose ISO 3166-2 codes are in ``highlighted``
    filled and marked by a dot (small regions such as Moscow would otherwise be invisible).

    Each region is a ``<path id="region-<code>">`` with a ``<title>`` (its name from ``names``, else the
    English name of the boundary file); highlighted ones have the class ``is-highlighted``.
    """
    geo = country_map(country)
    chosen = set(highlighted)
    names = names or {}
    label = title or _("Map of regions")
    parts = [
        format_html(
            '<svg class="map" viewBox="0 0 {} {}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">'
            '<title>{}</title><g class="map-regions">',
            _number(geo.width),
            _number(geo.height),
            label,
            label,
        )
    ]
    ordered = sorted(geo.regions, key=lambda r: r.code in chosen)  # highlighted last, so drawn on top
    for shape in ordered:
        css = "map-region is-highlighted" if shape.code in chosen else "map-region"
        parts.append(
            f'<path id="region-{escape(shape.code)}" class="{css}" d="{shape.d}">'
            f"<title>{escape(names.get(shape.code, shape.name))}</title></path>"
        )
    parts.append("</g>")
    for shape in ordered:
        if shape.code in chosen:
            parts.append(
                format_html(
                    '<circle class="map-marker" cx="{}" cy="{}" r="13"><title>{}</title></circle>',
                    _number(shape.x),
                    _number(shape.y),
                    names.get(shape.code, shape.name),
                )
            )
    parts.append("</svg>")
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308  (names escaped; paths are our own data)


def region_maps(regions: Iterable[Any], *, names: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """One map per country among ``regions`` (objects with ``code`` and ``country``) that has one:
    ``[{"country": "RU", "svg": ..., "missing": [codes not on the map]}]``."""
    by_country: dict[str, list[str]] = {}
    for region in regions:
        by_country.setdefault(region.country, []).append(region.code)
    maps = []
    for country, codes in sorted(by_country.items()):
        if country not in MAP_FILES:
            continue
        known = {shape.code for shape in country_map(country).regions}
        title = _("Regions of the cluster on the map")
        maps.append(
            {
                "country": country,
                "svg": region_map(country, codes, names=names, title=title),
                "missing": [code for code in codes if code not in known],
            }
        )
    return maps
