"""Build the pre-projected, simplified region maps that ``registry.charts`` draws.

Run once, when the boundaries change, from the repository root::

    uv run python src/clusterworks/web/registry/data/geo/build_maps.py [--source DIR]

``DIR`` holds the geoBoundaries GeoJSON files (default: ``../shared/data/geo``). The script writes
``russia_adm1.json`` and ``usa_adm1.json`` next to itself: for every region its ISO 3166-2 code, its
English name, an SVG path in a fixed view box and a marker point (the centroid of its largest ring),
so that the page never parses the 1 MB sources. See README.md for the projections and the licence.

The script uses only the standard library.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable, Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
WIDTH = 1000.0  # the view box is WIDTH wide; its height follows from the map's aspect ratio
PADDING = 8.0
TOLERANCE = 0.8  # Douglas-Peucker tolerance, in view-box units (under half a pixel as the page shows the map)
MIN_RING_AREA = 1.5  # rings smaller than this (square view-box units) are dropped, except a region's largest

Point = tuple[float, float]
Projection = Callable[[float, float], Point]


def albers(lon0: float, lat0: float, lat1: float, lat2: float) -> Projection:
    """Albers equal-area conic projection on the unit sphere (Snyder 1987, eq. 14-1 to 14-4).

    Returns ``f(lon, lat) -> (x, y)`` with y pointing north.
    """
    phi0, phi1, phi2 = (math.radians(v) for v in (lat0, lat1, lat2))
    n = (math.sin(phi1) + math.sin(phi2)) / 2
    c = math.cos(phi1) ** 2 + 2 * n * math.sin(phi1)
    rho0 = math.sqrt(c - 2 * n * math.sin(phi0)) / n

    def project(lon: float, lat: float) -> Point:
        rho = math.sqrt(c - 2 * n * math.sin(math.radians(lat))) / n
        theta = n * math.radians(lon - lon0)
        return rho * math.sin(theta), rho0 - rho * math.cos(theta)

    return project


def _segment_distance(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    if length2 == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker line simplification (iterative, keeps both ends)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, worst_index = 0.0, -1
        for i in range(first + 1, last):
            d = _segment_distance(points[i], points[first], points[last])
            if d > worst:
                worst, worst_index = d, i
        if worst > tolerance:
            keep[worst_index] = True
            stack.append((first, worst_index))
            stack.append((worst_index, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify_ring(ring: list[Point], tolerance: float) -> list[Point]:
    """Simplify a closed ring: split it at the point farthest from its start so both halves are lines."""
    if ring[0] == ring[-1]:
        ring = ring[:-1]
    if len(ring) < 4:
        return ring
    far = max(range(len(ring)), key=lambda i: math.hypot(ring[i][0] - ring[0][0], ring[i][1] - ring[0][1]))
    first = simplify(ring[: far + 1], tolerance)
    second = simplify([*ring[far:], ring[0]], tolerance)
    return first[:-1] + second[:-1]


def ring_area(ring: list[Point]) -> float:
    """Signed area (shoelace formula)."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True)) / 2


def ring_centroid(ring: list[Point]) -> Point:
    area = ring_area(ring)
    if abs(area) < 1e-12:
        return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
    cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True):
        cross = x0 * y1 - x1 * y0
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return cx / (6 * area), cy / (6 * area)


def polygons(geometry: dict) -> list[list[list[list[float]]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    raise ValueError(f"unsupported geometry {geometry['type']!r}; expected Polygon or MultiPolygon")


class Layer:
    """The features of one GeoJSON file, projected, before fitting into the view box."""

    def __init__(self) -> None:
        self.regions: list[dict] = []  # code, name, rings (projected, y up)

    def add(self, code: str, name: str, rings: list[list[Point]]) -> None:
        self.regions.append({"code": code, "name": name, "rings": rings})

    def bounds(self) -> tuple[float, float, float, float]:
        xs = [x for r in self.regions for ring in r["rings"] for x, _ in ring]
        ys = [y for r in self.regions for ring in r["rings"] for _, y in ring]
        return min(xs), min(ys), max(xs), max(ys)

    def transform(self, scale: float, dx: float, dy: float) -> None:
        """x' = x * scale + dx; y' = -y * scale + dy (SVG's y points down)."""
        for region in self.regions:
            region["rings"] = [
                [(x * scale + dx, -y * scale + dy) for x, y in ring] for ring in region["rings"]
            ]


def load(path: Path, project: Callable[[str, float, float], Point], fix_code: Callable[[str], str]) -> Layer:
    layer = Layer()
    for feature in json.loads(path.read_text())["features"]:
        code = fix_code(feature["properties"]["shapeISO"])
        rings = [
            [project(code, lon, lat) for lon, lat, *_ in ring]
            for polygon in polygons(feature["geometry"])
            for ring in polygon[:1]  # outer rings only: holes of first-level regions are other regions
        ]
        layer.add(code, feature["properties"]["shapeName"], rings)
    return layer


def fit(layers: Iterable[Layer], width: float = WIDTH, padding: float = PADDING) -> float:
    """Scale and move already-arranged layers into a view box ``width`` wide; return its height."""
    layers = list(layers)
    boxes = [layer.bounds() for layer in layers]
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    scale = (width - 2 * padding) / (x1 - x0)
    for layer in layers:
        layer.transform(scale, padding - x0 * scale, padding + y1 * scale)
    return round((y1 - y0) * scale + 2 * padding, 1)


def _number(v: float) -> str:
    text = f"{v:.1f}"
    return text[:-2] if text.endswith(".0") else text


def encode(layers: Iterable[Layer], width: float, height: float, projection: str) -> dict:
    regions = []
    for layer in layers:
        for region in layer.regions:
            rings = [simplify_ring(ring, TOLERANCE) for ring in region["rings"]]
            rings = [ring for ring in rings if len(ring) >= 3]
            largest = max(rings, key=lambda r: abs(ring_area(r)))
            kept = [r for r in rings if r is largest or abs(ring_area(r)) >= MIN_RING_AREA]
            d = "".join("M" + " ".join(f"{_number(x)},{_number(y)}" for x, y in ring) + "Z" for ring in kept)
            cx, cy = ring_centroid(largest)
            regions.append(
                {"code": region["code"], "name": region["name"], "d": d, "x": round(cx, 1), "y": round(cy, 1)}
            )
    regions.sort(key=lambda r: r["code"])
    return {
        "width": width,
        "height": height,
        "projection": projection,
        "source": "geoBoundaries gbOpen ADM1 (CC BY 4.0), Runfola et al. (2020), PLoS ONE 15(4): e0231866",
        "regions": regions,
    }


def build_russia(source: Path) -> dict:
    """Albers equal-area conic, lon0=100, lat0=60, standard parallels 50 and 70.

    Russia crosses the antimeridian: Chukotka east of 180° has western longitudes (down to -169.0); every
    negative longitude is shifted by +360 so that the country is one piece (its westernmost point,
    in Kaliningrad Oblast, is at 19.6° E, so no other point is affected).
    """
    project_ = albers(lon0=100, lat0=60, lat1=50, lat2=70)

    def project(code: str, lon: float, lat: float) -> Point:
        return project_(lon + 360 if lon < 0 else lon, lat)

    layer = load(source / "russia_adm1_geoboundaries.geojson", project, lambda code: code)
    height = fit([layer])
    return encode([layer], WIDTH, height, "Albers equal-area conic, lon0=100, lat0=60, lat1=50, lat2=70")


def build_usa(source: Path) -> dict:
    """The lower 48 states and DC in Albers equal-area conic (lon0=-96, lat0=37.5, standard parallels 29.5
    and 45.5), with Alaska (lon0=-154, lat0=50, parallels 55 and 65, scaled by 0.35) and Hawaii (lon0=-157,
    lat0=3, parallels 8 and 18) as insets in the lower left, as US national atlases draw them.

    Alaska's Aleutian islands west of the antimeridian (longitude > 0) are shifted by -360.
    """
    main = albers(lon0=-96, lat0=37.5, lat1=29.5, lat2=45.5)
    alaska = albers(lon0=-154, lat0=50, lat1=55, lat2=65)
    hawaii = albers(lon0=-157, lat0=3, lat1=8, lat2=18)

    def project(code: str, lon: float, lat: float) -> Point:
        if code == "US-AK":
            x, y = alaska(lon - 360 if lon > 0 else lon, lat)
            return x * 0.35, y * 0.35
        if code == "US-HI":
            return hawaii(lon, lat)
        return main(lon, lat)

    def fix_code(code: str) -> str:
        return {"SU-SD": "US-SD"}.get(code, code)  # a typo in the source for South Dakota

    everything = load(source / "usa_states_geoboundaries.geojson", project, fix_code)
    lower48, ak, hi = Layer(), Layer(), Layer()
    for region in everything.regions:
        {"US-AK": ak, "US-HI": hi}.get(region["code"], lower48).regions.append(region)
    mx0, my0, mx1, my1 = lower48.bounds()
    # Alaska's box: its left edge at the lower 48's left edge, its bottom at the lower 48's bottom.
    ax0, ay0, ax1, ay1 = ak.bounds()
    ak.transform(1, mx0 - ax0, 0)
    for region in ak.regions:  # transform() flips y; flip back and move up to the bottom
        region["rings"] = [[(x, -y - ay0 + my0) for x, y in ring] for ring in region["rings"]]
    hx0, hy0, hx1, hy1 = hi.bounds()
    for region in hi.regions:
        region["rings"] = [
            [(x - hx0 + mx0 + (ax1 - ax0) + 0.02, y - hy0 + my0) for x, y in ring] for ring in region["rings"]
        ]
    height = fit([lower48, ak, hi])
    return encode(
        [lower48, ak, hi],
        WIDTH,
        height,
        "Albers equal-area conic: lower 48 lon0=-96, lat1=29.5, lat2=45.5; insets: Alaska (x0.35), Hawaii",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = HERE.parents[5].parent / "shared" / "data" / "geo"
    parser.add_argument(
        "--source", type=Path, default=default, help=f"folder of the GeoJSON files ({default})"
    )
    args = parser.parse_args()
    for name, build in (("russia_adm1.json", build_russia), ("usa_adm1.json", build_usa)):
        data = build(args.source)
        (HERE / name).write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
        size = (HERE / name).stat().st_size
        print(f"{name}: {len(data['regions'])} regions, {data['width']}x{data['height']}, {size // 1024} KiB")


if __name__ == "__main__":
    main()
