"""``clusterworks map complexity``: economic complexity of a location x activity matrix."""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np

from ..columns import parse_columns
from .files import (
    IN,
    OUT,
    by_year,
    check_out,
    code_options,
    codes_of,
    dense,
    labels_of,
    print_summary,
    read_input,
    write_table,
)
from .group import map_group

COMPLEXITY_KINDS = {"location": "text", "activity": "text", "value": "number", "year": "year"}
COMPLEXITY_COLUMNS = ("rca", "mcp", "diversity", "ubiquity", "eci", "pci", "density", "coi", "cog")


@map_group.command()
@click.argument("matrix", type=IN)
@click.option(
    "--columns",
    required=True,
    help="The file's column of each field: location=...,activity=...,value=... (e.g. exports or "
    "employment); optionally year=... (each year is computed on its own).",
)
@click.option(
    "--method",
    type=click.Choice(["eigen", "reflections", "fitness"]),
    default="eigen",
    show_default=True,
    help="eigen: the eigenvector ECI/PCI (py-ecomplexity's conventions); reflections: the method of "
    "reflections; fitness: fitness-complexity (eci holds fitness, pci complexity).",
)
@click.option(
    "--rca-threshold",
    type=click.FloatRange(0, min_open=True),
    default=1.0,
    show_default=True,
    help="A location is present in an activity (mcp = 1) when its RCA is at least this.",
)
@click.option(
    "--proximity",
    type=click.Choice(["max", "sqrt", "continuous"]),
    default="max",
    show_default=True,
    help="Proximity of activities: the minimum of the conditional probabilities (Hidalgo et al. "
    "2007), their geometric mean, or from RCA values.",
)
@click.option(
    "--iterations", type=click.IntRange(1), help="reflections: steps (default 20); fitness: at most."
)
@code_options("location", "activity")
@click.option("--out", type=OUT, required=True, help="OUT.csv, .parquet or .json to write.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def complexity(
    matrix: Path,
    columns: str,
    method: str,
    rca_threshold: float,
    proximity: str,
    iterations: int | None,
    location_codes: str | None,
    activity_codes: str | None,
    out: Path,
    as_json: bool,
) -> None:
    """Economic complexity of the location x activity values in MATRIX.

    Writes one row per location and activity: location, activity, rca, mcp, diversity, ubiquity, eci,
    pci, density, coi, cog (and year first when the file has years). Absent pairs count as 0.
    """
    from clusterworks.analytics.complexity import complexity as compute

    fields = parse_columns(columns, required=("location", "activity", "value"), optional=("year",))
    check_out(out)
    key = ("location", "activity", "year") if "year" in fields else ("location", "activity")
    table = read_input(
        matrix,
        as_json=as_json,
        what=f"the matrix file {matrix.name}",
        columns=fields,
        kinds={f: COMPLEXITY_KINDS[f] for f in fields},
        key=key,
        codes=codes_of({"location_codes": location_codes, "activity_codes": activity_codes}),
    )
    years = by_year(table["year"]) if "year" in fields else [(None, np.arange(len(table)))]
    parts: list[dict[str, np.ndarray]] = []
    per_year = []
    for year, rows in years:
        locations, li = labels_of(table["location"][rows])
        activities, ai = labels_of(table["activity"][rows])
        values = dense(li, ai, locations.size, activities.size, np.nan_to_num(table["value"][rows], nan=0.0))
        result = compute(
            values, method=method, rca_threshold=rca_threshold, proximity=proximity, iterations=iterations
        )
        n, k = values.shape
        part: dict[str, np.ndarray] = {}
        if year is not None:
            part["year"] = np.full(n * k, year)
        part["location"] = np.repeat(locations, k)
        part["activity"] = np.tile(activities, n)
        part["rca"] = np.asarray(result.rca, float).ravel()
        part["mcp"] = np.asarray(result.mcp).astype(np.int64).ravel()
        part["diversity"] = np.repeat(np.asarray(result.diversity).astype(np.int64), k)
        part["ubiquity"] = np.tile(np.asarray(result.ubiquity).astype(np.int64), n)
        part["eci"] = np.repeat(np.asarray(result.eci, float), k)
        part["pci"] = np.tile(np.asarray(result.pci, float), n)
        part["density"] = np.asarray(result.density, float).ravel()
        part["coi"] = np.repeat(np.asarray(result.coi, float), k)
        part["cog"] = np.asarray(result.cog, float).ravel()
        parts.append(part)
        top = int(np.nanargmax(result.eci)) if np.isfinite(result.eci).any() else None
        per_year.append(
            {
                "year": year,
                "locations": n,
                "activities": k,
                "highest_eci": None if top is None else str(locations[top]),
            }
        )
    written = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    count = write_table(out, written)
    summary = {
        "method": method,
        "rows_read": len(table),
        "rows_written": count,
        "years": per_year,
        "out": str(out),
    }
    lines = [f"{method}: {len(table):,} values read, {count:,} rows written to {out}"]
    lines += [f"  {y['year'] or 'all'}: {y['locations']:,} locations x {y['activities']:,} activities, "
              f"highest ECI {y['highest_eci']}" for y in per_year]  # fmt: skip
    print_summary(as_json, summary, lines)
