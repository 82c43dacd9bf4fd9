"""``clusterworks map strength``: the U.S. Cluster Mapping flags and the European Cluster Observatory
stars."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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

STRENGTH_REQUIRED = ("region", "cluster", "year", "employment")
STRENGTH_OPTIONAL = ("establishments", "lq", "traded", "region_type", "wages")
STRENGTH_KINDS = {
    "region": "text",
    "cluster": "text",
    "year": "year",
    "employment": "number",
    "establishments": "number",
    "lq": "number",
    "traded": "flag",
    "region_type": "text",
    "wages": "number",
}


@map_group.command()
@click.argument("stats", type=IN)
@click.option(
    "--scheme",
    type=click.Choice(["uscmp", "eco", "stars"]),
    default="uscmp",
    show_default=True,
    help="uscmp: the U.S. Cluster Mapping flags; eco: European Cluster Observatory stars; "
    "stars: ECO stars with a productivity star (needs wages).",
)
@click.option(
    "--columns",
    required=True,
    help="The file's column of each field: region=...,cluster=...,year=...,employment=... and for "
    "uscmp establishments=...; optional lq=... (use the given LQ), traded=... (true/false; "
    "default all traded), region_type=..., wages=... (annual payroll, for stars).",
)
@click.option(
    "--size-share",
    type=click.FloatRange(0, 1, min_open=True),
    default=0.10,
    show_default=True,
    help="eco/stars: the size star goes to the top share of regions.",
)
@click.option(
    "--lq-min",
    type=click.FloatRange(0),
    default=2.0,
    show_default=True,
    help="eco/stars: the specialisation star's minimum LQ.",
)
@click.option(
    "--focus-share",
    type=click.FloatRange(0, 1, min_open=True),
    default=0.10,
    show_default=True,
    help="eco/stars: the focus star goes to the top share of regions.",
)
@click.option(
    "--wage-ratio-min",
    type=click.FloatRange(0),
    default=1.0,
    show_default=True,
    help="stars: the productivity star's minimum wage per employee relative to the cluster's.",
)
@code_options("region", "cluster")
@click.option("--out", type=OUT, required=True, help="OUT.csv, .parquet or .json to write.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def strength(
    stats: Path,
    scheme: str,
    columns: str,
    size_share: float,
    lq_min: float,
    focus_share: float,
    wage_ratio_min: float,
    region_codes: str | None,
    cluster_codes: str | None,
    out: Path,
    as_json: bool,
) -> None:
    """Cluster strength of region x cluster x year rows in STATS.

    uscmp writes one row per traded input row: region, cluster, year, lq, qualifying, significant,
    strong, strong10 (true/false). The quartiles are taken within each region type, cluster and year
    over the traded rows with employment > 0; without lq= the LQ is computed per year with the traded
    and local totals as bases. eco and stars write one row per input row with the stars.
    """
    required = (*STRENGTH_REQUIRED, "establishments") if scheme == "uscmp" else STRENGTH_REQUIRED
    optional = tuple(f for f in STRENGTH_OPTIONAL if f not in required)
    if scheme == "stars":
        required, optional = (*required, "wages"), tuple(f for f in optional if f != "wages")
    fields = parse_columns(columns, required=required, optional=optional)
    check_out(out)
    table = read_input(
        stats,
        as_json=as_json,
        what=f"the statistics file {stats.name}",
        columns=fields,
        kinds={f: STRENGTH_KINDS[f] for f in fields},
        key=("region_type", "region", "cluster", "year")
        if "region_type" in fields
        else ("region", "cluster", "year"),
        codes=codes_of({"region_codes": region_codes, "cluster_codes": cluster_codes}),
    )
    if scheme == "uscmp":
        written, summary = _uscmp(table)
    else:
        written, summary = _stars(
            table,
            productivity=scheme == "stars",
            size_share=size_share,
            lq_min=lq_min,
            focus_share=focus_share,
            wage_ratio_min=wage_ratio_min,
        )
    rows = write_table(out, written)
    summary = {"scheme": scheme, "rows_read": len(table), "rows_written": rows, "out": str(out), **summary}
    print_summary(
        as_json,
        summary,
        [f"{scheme}: {len(table):,} rows read, {rows:,} written to {out}"]
        + [
            f"  {k}: {v:,}" if isinstance(v, int) else f"  {k}: {v}"
            for k, v in summary.items()
            if k not in ("scheme", "rows_read", "rows_written", "out")
        ],  # fmt: skip
    )


def _lq_by_year(table, traded: np.ndarray) -> np.ndarray:
    """The location quotient of every row, per year and region type, with the traded and local totals
    as bases (the U.S. Cluster Mapping convention)."""
    from clusterworks.analytics.specialisation import location_quotient

    lq = np.full(len(table), np.nan)
    region_types = table["region_type"] if "region_type" in table.columns else np.full(len(table), "", object)
    for _, rows in by_year(table["year"]):
        for kind in np.unique(region_types[rows].astype(str)):
            sel = rows[region_types[rows].astype(str) == kind]
            regions, r = labels_of(table["region"][sel])
            clusters, c = labels_of(table["cluster"][sel])
            x = np.full((regions.size, clusters.size), 0.0)
            x[r, c] = table["employment"][sel]
            is_traded = np.zeros(clusters.size, dtype=bool)
            is_traded[c] = traded[sel]
            lq[sel] = location_quotient(x, traded=is_traded)[r, c]
    return lq


def _uscmp(table) -> tuple[dict[str, Any], dict[str, Any]]:
    from clusterworks.analytics.strength import uscmp_strength

    n = len(table)
    traded = table["traded"] if "traded" in table.columns else np.ones(n, dtype=bool)
    lq = table["lq"] if "lq" in table.columns else _lq_by_year(table, traded)
    region_type = table["region_type"] if "region_type" in table.columns else np.full(n, "region", object)
    flags = uscmp_strength(
        region_type=region_type.astype(str),
        cluster=table["cluster"].astype(str),
        year=table["year"],
        employment=table["employment"],
        establishments=table["establishments"],
        lq=lq,
        traded=traded,
    )
    keep = flags.flagged
    written = {
        "region": table["region"][keep],
        "cluster": table["cluster"][keep],
        "year": table["year"][keep],
        "lq": lq[keep],
        "qualifying": flags.qualifying[keep],
        "significant": flags.significant[keep],
        "strong": flags.strong[keep],
        "strong10": flags.strong10[keep],
    }
    summary = {
        "traded_rows": int(keep.sum()),
        "groups": int(flags.n.size),
        "qualifying": int(flags.qualifying.sum()),
        "significant": int(flags.significant.sum()),
        "strong": int(flags.strong.sum()),
        "strong10": int(flags.strong10.sum()),
        "lq": "given" if "lq" in table.columns else "computed",
    }
    return written, summary


def _stars(table, *, productivity: bool, **thresholds: float) -> tuple[dict[str, Any], dict[str, Any]]:
    from clusterworks.analytics.strength import eco_stars, stars_with_productivity

    n = len(table)
    out_cols: dict[str, np.ndarray] = {
        name: np.zeros(n, dtype=bool) for name in ("size", "specialisation", "focus", "productivity")
    }
    lq, stars = np.full(n, np.nan), np.zeros(n, dtype=np.int64)
    wage_ratio = np.full(n, np.nan)
    wage_min = thresholds.pop("wage_ratio_min")
    for _, rows in by_year(table["year"]):
        regions, r = labels_of(table["region"][rows])
        clusters, c = labels_of(table["cluster"][rows])
        x = dense(r, c, regions.size, clusters.size, table["employment"][rows])
        if productivity:
            w = dense(r, c, regions.size, clusters.size, table["wages"][rows])
            result = stars_with_productivity(x, w, wage_ratio_min=wage_min, **thresholds)
            out_cols["productivity"][rows] = result.productivity[r, c]
            wage_ratio[rows] = result.wage_ratio[r, c]
        else:
            result = eco_stars(x, **thresholds)
        for name in ("size", "specialisation", "focus"):
            out_cols[name][rows] = getattr(result, name)[r, c]
        lq[rows], stars[rows] = result.lq[r, c], result.stars[r, c]
    written = {
        "region": table["region"],
        "cluster": table["cluster"],
        "year": table["year"],
        "employment": table["employment"],
        "lq": lq,
        "size": out_cols["size"],
        "specialisation": out_cols["specialisation"],
        "focus": out_cols["focus"],
    }
    if productivity:
        written["wage_ratio"] = wage_ratio
        written["productivity"] = out_cols["productivity"]
    written["stars"] = stars
    summary = {f"{k}_stars": int((stars == k).sum()) for k in range(1, 5 if productivity else 4)}
    return written, summary
