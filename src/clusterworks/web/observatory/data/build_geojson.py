"""Build the simplified lon/lat (WGS84) region boundaries the observatory's GeoJSON downloads carry.

Run once, when the boundaries change, from the repository root::

    uv run python src/clusterworks/web/observatory/data/build_geojson.py [--source DIR]

``DIR`` holds the geoBoundaries GeoJSON files (default: ``../shared/data/geo``). Writes
``usa_adm1_lonlat.geojson`` and ``russia_adm1_lonlat.geojson`` next to itself: one feature per region
with properties ``code`` (ISO 3166-2) and ``name``; rings simplified with Douglas-Peucker (tolerance
0.02 degrees), coordinates rounded to 3 decimals, rings smaller than 0.005 square degrees dropped
(except each region's largest); the source's code SU-SD is corrected to US-SD. Only the
standard library is used.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOLERANCE = 0.02
MIN_AREA = 0.005
FIXES = {"SU-SD": "US-SD"}  # a typo in the source for South Dakota (as registry/data/geo/build_maps.py)
SOURCES = {
    "usa_states_geoboundaries.geojson": "usa_adm1_lonlat.geojson",
    "russia_adm1_geoboundaries.geojson": "russia_adm1_lonlat.geojson",
}


def _distance(p, a, b) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    if length2 == 0:
        return ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return ((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2) ** 0.5


def simplify(points: list, tolerance: float) -> list:
    """Douglas-Peucker, iterative; keeps the first and the last point."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, -1
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > worst:
                worst, index = d, i
        if worst > tolerance and index > 0:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def _area(ring: list) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))) / 2


def _polygons(geometry: dict) -> list:
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def build(source: Path, target: Path) -> int:
    data = json.loads(source.read_text(encoding="utf-8"))
    features = []
    for feature in data["features"]:
        props = feature["properties"]
        outers = [polygon[0] for polygon in _polygons(feature["geometry"])]
        largest = max(outers, key=_area)
        polygons = []
        for ring in outers:
            if ring is not largest and _area(ring) < MIN_AREA:
                continue
            simple = [[round(x, 3), round(y, 3)] for x, y in simplify(ring, TOLERANCE)]
            if len(simple) >= 4:
                polygons.append([simple])
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": FIXES.get(props["shapeISO"], props["shapeISO"]),
                    "name": props["shapeName"],
                },
                "geometry": {"type": "MultiPolygon", "coordinates": polygons},
            }
        )
    features.sort(key=lambda f: f["properties"]["code"])
    collection = {
        "type": "FeatureCollection",
        "attribution": "geoBoundaries gbOpen ADM1 (CC BY 4.0), Runfola et al. (2020), PLoS ONE 15(4): "
        "e0231866; simplified (Douglas-Peucker 0.02 degrees), outer rings only",
        "features": features,
    }
    target.write_text(json.dumps(collection, separators=(",", ":")), encoding="utf-8")
    return len(features)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=Path("../shared/data/geo"))
    args = parser.parse_args()
    for source, target in SOURCES.items():
        count = build(args.source / source, HERE / target)
        print(f"{target}: {count} regions")


if __name__ == "__main__":
    main()
