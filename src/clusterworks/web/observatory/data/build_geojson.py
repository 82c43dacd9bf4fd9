"""Build the simplified lon/lat (WGS84) region boundaries the observatory's GeoJSON downloads carry.

Run once, when the boundaries change, from the repository root::

    uv run python src/clusterworks/web/observatory/data/build_geojson.py [--source DIR]

``DIR`` holds the geoBoundaries GeoJSON files (default: ``../shared/data/geo``). Writes
``usa_adm1_lonlat.geojson`` and ``russia_adm1_lonlat.geojson`` next to itself: one feature per region
with properties ``code`` (ISO 3166-2) and ``name``; rings simplified with Douglas-Peucker (tolerance
0.02 degrees), coordinates rounded to 3 decimals, rings smaller than 0.005 square degrees dropped
(except each region's largest); the source's code SU-SD is corrected to US-SD. Only the
standard library is used; the simplification and ring helpers are the registry map builder's
(``registry/data/geo/build_maps.py``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from clusterworks.web.registry.data.geo.build_maps import polygons as _polygons
from clusterworks.web.registry.data.geo.build_maps import ring_area, simplify

HERE = Path(__file__).resolve().parent
TOLERANCE = 0.02
MIN_AREA = 0.005
FIXES = {"SU-SD": "US-SD"}  # a typo in the source for South Dakota (as registry/data/geo/build_maps.py)
SOURCES = {
    "usa_states_geoboundaries.geojson": "usa_adm1_lonlat.geojson",
    "russia_adm1_geoboundaries.geojson": "russia_adm1_lonlat.geojson",
}


def _area(ring: list) -> float:
    return abs(ring_area(ring))


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
