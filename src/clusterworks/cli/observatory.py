"""``clusterworks map``: the cluster observatory's file-in, file-out commands.

* ``map strength`` -- cluster strength of region x cluster x year rows: the U.S. Cluster Mapping flags
  (``uscmp``), the European Cluster Observatory stars (``eco``) or the stars with productivity
  (``stars``);
* ``map complexity`` -- economic complexity of a location x activity matrix (ECI, PCI, density, COI,
  COG);
* ``map relatedness`` -- relatedness of activities from their co-location across regions;
* ``map define`` -- cluster definitions from that relatedness (the Delgado-Porter-Stern procedure);
* ``map import`` -- regional statistics into the statistics store (a DuckDB file).

Input is CSV (also ``.csv.gz``), Parquet or XLSX; ``--columns`` names the file's column of each field.
Output is CSV, Parquet or JSON by the name of ``--out``. A bad file is refused with every problem named
(file, line, column, value, what is allowed) and nothing is written. The commands only parse, call the
analytics library and write: the methods are in ``docs/methods/``.
"""

from __future__ import annotations

import csv
import json
import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import click
import numpy as np

from .errors import CLIGroup
from .progress import progress_bar

_IN = click.Path(exists=True, dir_okay=False, path_type=Path)
_OUT = click.Path(dir_okay=False, path_type=Path)
OUT_FORMATS = (".csv", ".parquet", ".json")


@click.group("map", cls=CLIGroup)
def map_group() -> None:
    """Cluster observatory: strength, complexity, relatedness and definitions from regional statistics."""


# ------------------------------------------------------------------------------------------- shared


def parse_columns(
    spec: str, *, required: Sequence[str], optional: Sequence[str] = (), option: str = "--columns"
) -> dict[str, str]:
    """``"region=state,cluster=code"`` -> ``{"region": "state", "cluster": "code"}``; raises
    :class:`click.BadParameter` naming an unknown field, a malformed pair, a field given twice or a
    missing required field."""
    fields = (*required, *optional)
    pairs: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, sep, column = part.partition("=")
        name, column = name.strip(), column.strip()
        if not sep or not name or not column:
            raise click.BadParameter(
                f"'{part}' is not field=column (e.g. {fields[0]}=...)", param_hint=option
            )
        if name not in fields:
            raise click.BadParameter(
                f"unknown field '{name}'; fields are {', '.join(fields)}", param_hint=option
            )
        if name in pairs:
            raise click.BadParameter(f"field '{name}' is given twice", param_hint=option)
        pairs[name] = column
    missing = [f for f in required if f not in pairs]
    if missing:
        raise click.BadParameter(
            f"'{missing[0]}' is required (required: {', '.join(required)}; optional: {', '.join(optional)})",
            param_hint=option,
        )
    return pairs


def _check_out(out: Path) -> None:
    suffix = out.suffix.lower()
    if suffix not in OUT_FORMATS:
        raise click.BadParameter(
            f"'{out.name}': write .csv, .parquet or .json (the format follows the name)", param_hint="--out"
        )


def report_invalid(error: Any, as_json: bool, what: str) -> None:
    """Every problem of an :class:`~clusterworks.analytics.issues.InvalidInput` on stderr (or as JSON on
    stdout), then exit 1."""
    if as_json:
        click.echo(
            json.dumps({"ok": False, "total": error.total, "problems": [i.as_dict() for i in error.issues]})
        )
    else:
        count = f"{error.total:,} problem{'' if error.total == 1 else 's'}"
        click.echo(f"Error: {what} was not read ({count}):", err=True)
        for issue in error.issues:
            click.echo(f"  {issue.describe()}", err=True)
        if error.total > len(error.issues):
            click.echo(f"  ... and {error.total - len(error.issues):,} more", err=True)
    sys.exit(1)


def read_input(path: Path, *, as_json: bool, what: str, **options: Any):
    """:func:`clusterworks.statistics.tables.read_table`, or exit 1 listing every problem."""
    from clusterworks.analytics.issues import InvalidInput
    from clusterworks.statistics.tables import read_table

    try:
        return read_table(path, **options)
    except InvalidInput as error:
        report_invalid(error, as_json, what)


def _cell(value: Any) -> Any:
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        return "" if math.isnan(value) else repr(float(value))
    if isinstance(value, np.integer):
        return int(value)
    return value


def write_table(out: Path, columns: Mapping[str, np.ndarray | Sequence[Any]]) -> int:
    """Write ``columns`` (name -> values, all of one length) to ``out`` as CSV (booleans ``true`` /
    ``false``, missing numbers empty), Parquet or JSON (a list of records, missing numbers ``null``);
    all or nothing: a temporary file is renamed into place. Returns the number of rows."""
    names = list(columns)
    data = [np.asarray(columns[n]) if not isinstance(columns[n], np.ndarray) else columns[n] for n in names]
    n_rows = len(data[0]) if data else 0
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_name(out.name + ".part")
    suffix = out.suffix.lower()
    try:
        if suffix == ".csv":
            with part.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(names)
                for i in range(n_rows):
                    writer.writerow([_cell(col[i]) for col in data])
        elif suffix == ".json":
            records = []
            for i in range(n_rows):
                record = {}
                for name, col in zip(names, data, strict=True):
                    v = col[i]
                    if isinstance(v, np.bool_ | bool):
                        v = bool(v)
                    elif isinstance(v, np.floating | float):
                        v = None if math.isnan(v) else float(v)
                    elif isinstance(v, np.integer):
                        v = int(v)
                    record[name] = v
                records.append(record)
            part.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        else:
            import duckdb

            frame = {n: (c.astype(str) if c.dtype == object else c) for n, c in zip(names, data, strict=True)}
            con = duckdb.connect()
            try:
                con.register("frame", frame)
                con.execute(f"COPY frame TO '{str(part).replace(chr(39), chr(39) * 2)}' (FORMAT parquet)")
            finally:
                con.close()
        part.replace(out)
    finally:
        part.unlink(missing_ok=True)
    return n_rows


def _summary(as_json: bool, summary: dict[str, Any], lines: Sequence[str]) -> None:
    if as_json:
        click.echo(json.dumps({"ok": True, **summary}, default=_cell))
    else:
        for line in lines:
            click.echo(line)


def _codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted unique labels, index of each value)."""
    labels, index = np.unique(values.astype(str), return_inverse=True)
    return labels, index.reshape(-1)


def _matrix(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int, values: np.ndarray) -> np.ndarray:
    """A dense ``n_rows x n_cols`` matrix with ``values`` at (rows, cols); absent cells 0."""
    m = np.zeros((n_rows, n_cols))
    m[rows, cols] = values
    return m


def _by_year(years: np.ndarray) -> list[tuple[int, np.ndarray]]:
    return [(int(y), np.flatnonzero(years == y)) for y in np.unique(years)]


# ----------------------------------------------------------------------------------------- strength

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
@click.argument("stats", type=_IN)
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
@click.option("--out", type=_OUT, required=True, help="OUT.csv, .parquet or .json to write.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def strength(
    stats: Path,
    scheme: str,
    columns: str,
    size_share: float,
    lq_min: float,
    focus_share: float,
    wage_ratio_min: float,
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
    _check_out(out)
    table = read_input(
        stats,
        as_json=as_json,
        what=f"the statistics file {stats.name}",
        columns=fields,
        kinds={f: STRENGTH_KINDS[f] for f in fields},
        key=("region_type", "region", "cluster", "year")
        if "region_type" in fields
        else ("region", "cluster", "year"),
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
    _summary(
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
    for _, rows in _by_year(table["year"]):
        for kind in np.unique(region_types[rows].astype(str)):
            sel = rows[region_types[rows].astype(str) == kind]
            regions, r = _codes(table["region"][sel])
            clusters, c = _codes(table["cluster"][sel])
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
    for _, rows in _by_year(table["year"]):
        regions, r = _codes(table["region"][rows])
        clusters, c = _codes(table["cluster"][rows])
        x = _matrix(r, c, regions.size, clusters.size, table["employment"][rows])
        if productivity:
            w = _matrix(r, c, regions.size, clusters.size, table["wages"][rows])
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


__all__ = ["map_group", "parse_columns", "read_input", "report_invalid", "write_table"]


# ------------------------------------------------------------------------------ relatedness, define

COLOCATION_REQUIRED = ("region", "activity", "employment")
COLOCATION_OPTIONAL = ("establishments", "year")
COLOCATION_KINDS = {
    "region": "text",
    "activity": "text",
    "employment": "number",
    "establishments": "number",
    "year": "year",
}
COLOCATION_HELP = (
    "The file's column of each field: region=...,activity=...,employment=... (required); optionally "
    "establishments=... (a second co-location linkage) and year=... (then --year, default the latest)."
)


def _colocation_input(stats: Path, columns: str, year: int | None, as_json: bool):
    """The region x activity matrices of employment (and establishments) of one year of STATS:
    ``(activities, {"employment": X, "establishments": Y}, year)``."""
    fields = parse_columns(columns, required=COLOCATION_REQUIRED, optional=COLOCATION_OPTIONAL)
    key = ("region", "activity", "year") if "year" in fields else ("region", "activity")
    table = read_input(
        stats,
        as_json=as_json,
        what=f"the statistics file {stats.name}",
        columns=fields,
        kinds={f: COLOCATION_KINDS[f] for f in fields},
        key=key,
    )
    rows = np.arange(len(table))
    chosen = None
    if "year" in fields:
        years = np.unique(table["year"])
        chosen = int(years.max()) if year is None else year
        if chosen not in years:
            raise click.BadParameter(
                f"{stats.name} has no rows of {chosen}; its years are {', '.join(map(str, years))}",
                param_hint="--year",
            )
        rows = np.flatnonzero(table["year"] == chosen)
    elif year is not None:
        raise click.BadParameter("the file has no year column (name it with year=...)", param_hint="--year")
    regions, r = _codes(table["region"][rows])
    activities, a = _codes(table["activity"][rows])
    measures = {}
    for name in ("employment", "establishments"):
        if name in fields:
            values = np.nan_to_num(table[name][rows], nan=0.0)  # suppressed cells count as absent
            measures[name] = _matrix(r, a, regions.size, activities.size, values)
    return activities, measures, chosen, int(regions.size)


def _linkages(measures: Mapping[str, np.ndarray], method: str) -> dict[str, np.ndarray]:
    from clusterworks.analytics.relatedness import colocation_relatedness

    return {f"lc_{name}": colocation_relatedness(x, method=method) for name, x in measures.items()}


@map_group.command()
@click.argument("stats", type=_IN)
@click.option("--columns", required=True, help=COLOCATION_HELP)
@click.option("--year", type=int, help="The year to use when the file has several (default: the latest).")
@click.option(
    "--method",
    type=click.Choice(["correlation", "lq_correlation", "cosine"]),
    default="correlation",
    show_default=True,
    help="Co-location measure: correlation of employment levels across regions "
    "(Delgado-Porter-Stern), of location quotients, or cosine similarity.",
)
@click.option(
    "--top",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=0.10,
    show_default=True,
    help="Pairs in this top share of relatedness are flagged related.",
)
@click.option("--out", type=_OUT, required=True, help="PAIRS.csv, .parquet or .json to write.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def relatedness(
    stats: Path, columns: str, year: int | None, method: str, top: float, out: Path, as_json: bool
) -> None:
    """Relatedness of every pair of activities in STATS from their co-location across regions.

    Writes one row per pair (activity_a < activity_b): the co-location relatedness of employment
    (lc_employment) and of establishments (lc_establishments, when given), their combination (the mean
    of the z-scores over all pairs; with one linkage, its z-score), the percentile (0-99) of the
    combination among all pairs, and related (true for the top --top share).
    """
    from clusterworks.analytics.relatedness import combine_relatedness, related_pairs, relatedness_percentiles

    _check_out(out)
    activities, measures, chosen, n_regions = _colocation_input(stats, columns, year, as_json)
    if activities.size < 3:
        raise click.ClickException(
            f"{stats.name} has {activities.size} activities; relatedness needs at least 3"
        )
    links = _linkages(measures, method)
    combined = combine_relatedness(links)
    percentile, related = relatedness_percentiles(combined), related_pairs(combined, top=top)
    i, j = np.triu_indices(activities.size, k=1)
    written: dict[str, Any] = {"activity_a": activities[i], "activity_b": activities[j]}
    for name, matrix in links.items():
        written[name] = matrix[i, j]
    written.update({"combined": combined[i, j], "percentile": percentile[i, j], "related": related[i, j]})
    rows = write_table(out, written)
    summary = {
        "activities": int(activities.size),
        "regions": n_regions,
        "year": chosen,
        "pairs": rows,
        "related_pairs": int(related[i, j].sum()),
        "linkages": list(links),
        "out": str(out),
    }
    _summary(
        as_json,
        summary,
        [
            f"{rows:,} pairs of {activities.size:,} activities over {n_regions:,} regions "
            f"written to {out}; {summary['related_pairs']:,} related"
        ],
    )


@map_group.command()
@click.argument("stats", type=_IN)
@click.option("--columns", required=True, help=COLOCATION_HELP)
@click.option("--year", type=int, help="The year to use when the file has several (default: the latest).")
@click.option(
    "--method",
    type=click.Choice(["correlation", "lq_correlation", "cosine"]),
    default="correlation",
    show_default=True,
    help="Co-location measure (as for map relatedness).",
)
@click.option(
    "--clusters",
    "k_range",
    default="2-30",
    show_default=True,
    help="Numbers of clusters to try: a range 'FROM-TO' or a list '10,20,30'.",
)
@click.option(
    "--methods",
    default="average,complete,ward,kmeans",
    show_default=True,
    help="Clustering methods for the candidates: average, complete, single, weighted, ward, kmeans.",
)
@click.option(
    "--seed", type=click.IntRange(0), default=0, show_default=True, help="Seed of the k-means restarts."
)
@click.option("--out", type=_OUT, required=True, help="DEFINITION.csv, .parquet or .json to write.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary with the validation scores.")
def define(
    stats: Path,
    columns: str,
    year: int | None,
    method: str,
    k_range: str,
    methods: str,
    seed: int,
    out: Path,
    as_json: bool,
) -> None:
    """Cluster definitions of the activities in STATS by the Delgado-Porter-Stern procedure.

    Candidate partitions come from hierarchical clustering and seeded k-means of the co-location
    relatedness (employment, and establishments when given, combined), for every number of clusters in
    --clusters; each is scored by its validation scores on every linkage, and the best is written: one
    row per activity with its cluster, whether it is an outlier (more related to another cluster than
    to its own) and the closest other cluster.
    """
    from clusterworks.analytics.definitions import best_definition
    from clusterworks.analytics.relatedness import combine_relatedness

    _check_out(out)
    ks = _k_values(k_range)
    chosen_methods = tuple(m.strip() for m in methods.split(",") if m.strip())
    activities, measures, chosen, n_regions = _colocation_input(stats, columns, year, as_json)
    if activities.size < 3:
        raise click.ClickException(
            f"{stats.name} has {activities.size} activities; definitions need at least 3"
        )
    ks = tuple(k for k in ks if k <= activities.size)
    if not ks:
        raise click.BadParameter(
            f"at most {activities.size} clusters for {activities.size} activities", param_hint="--clusters"
        )
    links = _linkages(measures, method)
    combined = combine_relatedness(links)
    with progress_bar(not as_json and sys.stderr.isatty()) as report:
        best = best_definition(
            combined,
            linkages={**links, "combined": combined},
            methods=chosen_methods,
            n_clusters=ks,
            seed=seed,
            progress=report,
        )
    labels = np.asarray(best.labels) + 1
    outlier = np.zeros(activities.size, dtype=bool)
    closest = np.zeros(activities.size, dtype=np.int64)
    for o in best.outliers:
        outlier[o.industry], closest[o.industry] = True, o.closest + 1
    rows = write_table(
        out,
        {
            "activity": activities,
            "cluster": labels,
            "outlier": outlier,
            "closest_cluster": np.where(outlier, closest, 0),
        },
    )
    scores = {
        name: {
            "vs_cluster": s.vs_cluster,
            "vs_industry": s.vs_industry,
            "within": s.within,
            "between": s.between,
        }
        for name, s in best.scores.items()
    }
    summary = {
        "activities": rows,
        "regions": n_regions,
        "year": chosen,
        "clusters": int(labels.max()),
        "method": best.parameters.get("method"),
        "outliers": int(outlier.sum()),
        "scores": scores,
        "out": str(out),
    }
    lines = [
        f"{rows:,} activities in {summary['clusters']} clusters ({summary['method']}), "
        f"{summary['outliers']} outliers, written to {out}"
    ]
    lines += [
        f"  {name}: VS-cluster {s['vs_cluster']:.3f}, VS-industry {s['vs_industry']:.3f}, "
        f"within {s['within']:.3f} vs between {s['between']:.3f}"
        for name, s in scores.items()
    ]
    _summary(as_json, summary, lines)


def _k_values(spec: str) -> tuple[int, ...]:
    try:
        if "-" in spec:
            lo, hi = (int(p) for p in spec.split("-", 1))
            values = tuple(range(lo, hi + 1))
        else:
            values = tuple(int(p) for p in spec.split(",") if p.strip())
    except ValueError:
        raise click.BadParameter(
            f"'{spec}' is not a range FROM-TO or a list of whole numbers", param_hint="--clusters"
        ) from None
    if not values or min(values) < 2:
        raise click.BadParameter(f"'{spec}': numbers of clusters start at 2", param_hint="--clusters")
    return values


# -------------------------------------------------------------------------------------- complexity

COMPLEXITY_KINDS = {"location": "text", "activity": "text", "value": "number", "year": "year"}
COMPLEXITY_COLUMNS = ("rca", "mcp", "diversity", "ubiquity", "eci", "pci", "density", "coi", "cog")


@map_group.command()
@click.argument("matrix", type=_IN)
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
@click.option("--out", type=_OUT, required=True, help="OUT.csv, .parquet or .json to write.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def complexity(
    matrix: Path,
    columns: str,
    method: str,
    rca_threshold: float,
    proximity: str,
    iterations: int | None,
    out: Path,
    as_json: bool,
) -> None:
    """Economic complexity of the location x activity values in MATRIX.

    Writes one row per location and activity: location, activity, rca, mcp, diversity, ubiquity, eci,
    pci, density, coi, cog (and year first when the file has years). Absent pairs count as 0.
    """
    from clusterworks.analytics.complexity import complexity as compute

    fields = parse_columns(columns, required=("location", "activity", "value"), optional=("year",))
    _check_out(out)
    key = ("location", "activity", "year") if "year" in fields else ("location", "activity")
    table = read_input(
        matrix,
        as_json=as_json,
        what=f"the matrix file {matrix.name}",
        columns=fields,
        kinds={f: COMPLEXITY_KINDS[f] for f in fields},
        key=key,
    )
    years = _by_year(table["year"]) if "year" in fields else [(None, np.arange(len(table)))]
    parts: list[dict[str, np.ndarray]] = []
    per_year = []
    for year, rows in years:
        locations, li = _codes(table["location"][rows])
        activities, ai = _codes(table["activity"][rows])
        values = _matrix(
            li, ai, locations.size, activities.size, np.nan_to_num(table["value"][rows], nan=0.0)
        )
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
    _summary(as_json, summary, lines)


# ------------------------------------------------------------------------------------------ import

IMPORT_FIELDS = ("region", "activity", "year", "employment", "establishments", "payroll", "wages", "exports",
                 "flag", "measure", "value")  # fmt: skip


@map_group.command("import")
@click.argument("stats", type=_IN)
@click.option(
    "--store", "store_path", type=_OUT, required=True, help="The DuckDB file of the store (made if new)."
)
@click.option("--dataset", required=True, help="The dataset's name in the store.")
@click.option(
    "--columns",
    required=True,
    help="The file's column of each field: region=...,activity=...,year=... and measure columns "
    "(employment, establishments, payroll, wages, exports) or measure=...,value=...; "
    "optionally flag=... (County Business Patterns suppression or size-class flag).",
)
@click.option(
    "--regions",
    "region_system",
    help="Check region codes against this classification (e.g. us-state, iso3166-2:RU); see --list.",
)
@click.option(
    "--activities",
    "activity_system",
    help="Check activity codes against this classification (e.g. naics, uscmp-cluster, okved, nace).",
)
@click.option("--source", default="", help="Where the data come from and under which licence.")
@click.option(
    "--suppressed",
    type=click.Choice(["missing", "midpoint"]),
    default="missing",
    show_default=True,
    help="Suppressed employment: kept missing, or imputed from the size-class midpoint.",
)
@click.option("--sheet", help="XLSX: the sheet to read (default the first).")
@click.option("--replace", is_flag=True, help="Replace a dataset of the same name.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def import_(
    stats: Path,
    store_path: Path,
    dataset: str,
    columns: str,
    region_system: str | None,
    activity_system: str | None,
    source: str,
    suppressed: str,
    sheet: str | None,
    replace: bool,
    as_json: bool,
) -> None:
    """Import the regional statistics in STATS into the statistics store, all or nothing.

    The file has one row per region, activity and year with a column per measure (or one row per
    measure with measure and value columns). Every problem is listed -- missing, malformed or negative
    values, duplicate keys, codes unknown to the named classification (with close codes and crosswalk
    suggestions), mixed classification vintages -- and nothing is stored until there is none.
    """
    from clusterworks.analytics.issues import InvalidInput
    from clusterworks.statistics import Store, import_statistics

    fields = parse_columns(
        columns,
        required=("region", "activity", "year"),
        optional=tuple(f for f in IMPORT_FIELDS if f not in ("region", "activity", "year")),
    )
    store_path.parent.mkdir(parents=True, exist_ok=True)
    with Store.open(store_path) as store:
        known = {system for system, _, _ in store.classifications()}
        for option, system in (("--regions", region_system), ("--activities", activity_system)):
            if system is not None and system not in known:
                raise click.BadParameter(
                    f"no classification '{system}'; stored: {', '.join(sorted(known))}", param_hint=option
                )
        try:
            summary = import_statistics(
                store, stats, dataset=dataset, columns=fields, source=source, region_system=region_system,
                activity_system=activity_system, suppressed=suppressed, sheet=sheet, replace=replace,
            )  # fmt: skip
        except InvalidInput as error:
            report_invalid(error, as_json, f"the statistics file {stats.name}")
    facts = {
        "dataset": summary.dataset,
        "rows": summary.rows,
        "facts": summary.facts,
        "suppressed": summary.suppressed,
        "imputed": summary.imputed,
        "measures": list(summary.measures),
        "years": list(summary.years),
        "store": str(store_path),
    }
    years = f"{min(summary.years)}-{max(summary.years)}" if summary.years else "no years"
    _summary(as_json, facts, [
        f"{summary.rows:,} rows of {stats.name} stored as '{summary.dataset}' in {store_path}: "
        f"{summary.facts:,} values of {', '.join(summary.measures)}, {years}",
        f"  suppressed: {summary.suppressed:,} (imputed {summary.imputed:,})",
    ])  # fmt: skip
