"""``clusterworks map relatedness`` and ``map define``: co-location relatedness of activities and cluster
definitions from it (the Delgado-Porter-Stern procedure)."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import click
import numpy as np

from ..columns import parse_columns
from ..progress import progress_bar
from .files import (
    IN,
    OUT,
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


def _colocation_input(
    stats: Path, columns: str, year: int | None, as_json: bool, codes: dict[str, str] | None = None
):
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
        codes=codes,
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
    regions, r = labels_of(table["region"][rows])
    activities, a = labels_of(table["activity"][rows])
    measures = {}
    for name in ("employment", "establishments"):
        if name in fields:
            values = np.nan_to_num(table[name][rows], nan=0.0)  # suppressed cells count as absent
            measures[name] = dense(r, a, regions.size, activities.size, values)
    return activities, measures, chosen, int(regions.size)


def _linkages(
    measures: Mapping[str, np.ndarray],
    method: str,
    *,
    activities: np.ndarray,
    supplied: Sequence[str] = (),
    as_json: bool = False,
) -> dict[str, np.ndarray]:
    """The co-location linkages of ``measures``, and the linkages the user supplies as ``NAME=FILE``
    (input-output, occupations, ...): a file of pairs with columns activity_a, activity_b, value;
    pairs not in the file are 0; a pair given in one direction counts for both."""
    from clusterworks.analytics.relatedness import colocation_relatedness

    links = {f"lc_{name}": colocation_relatedness(x, method=method) for name, x in measures.items()}
    index = {str(code): i for i, code in enumerate(activities)}
    for spec in supplied:
        name, sep, file = spec.partition("=")
        name, path = name.strip(), Path(file.strip())
        if not sep or not name or not file.strip():
            raise click.BadParameter(
                f"'{spec}' is not NAME=FILE (e.g. io=io_links.csv)", param_hint="--linkage"
            )
        if name in links or f"lc_{name}" in links:
            raise click.BadParameter(f"linkage '{name}' is given twice", param_hint="--linkage")
        if not path.is_file():
            raise click.BadParameter(f"no file '{path}'", param_hint="--linkage")
        table = read_input(
            path,
            as_json=as_json,
            what=f"the linkage file {path.name}",
            columns={"activity_a": "activity_a", "activity_b": "activity_b", "value": "value"},
            kinds={"activity_a": "text", "activity_b": "text", "value": "number"},
            key=("activity_a", "activity_b"),
        )
        unknown = [
            (int(line), column, code)
            for column in ("activity_a", "activity_b")
            for line, code in zip(table.lines, table[column], strict=True)
            if str(code) not in index
        ]
        if unknown:
            line, column, code = min(unknown)
            raise click.ClickException(
                f"{path.name}, line {line}, field '{column}': activity '{code}' is not in the statistics "
                f"({len(unknown):,} such cells); the linkage must cover the same activities"
            )
        matrix = np.zeros((len(index), len(index)))
        a = np.array([index[str(c)] for c in table["activity_a"]], dtype=np.int64)
        b = np.array([index[str(c)] for c in table["activity_b"]], dtype=np.int64)
        values = np.nan_to_num(table["value"], nan=0.0)
        matrix[b, a] = values  # the reverse direction first, so that a pair given both ways keeps its own
        matrix[a, b] = values
        links[name] = matrix
    return links


@map_group.command()
@click.argument("stats", type=IN)
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
    "--linkage",
    multiple=True,
    metavar="NAME=FILE",
    help="A further linkage of the activities, e.g. input-output or shared occupations: a file of pairs "
    "with columns activity_a, activity_b, value (absent pairs are 0). Repeatable; each is standardised and "
    "combined with the co-location linkages.",
)
@click.option(
    "--top",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=0.10,
    show_default=True,
    help="Pairs in this top share of relatedness are flagged related.",
)
@code_options("region", "activity")
@click.option("--out", type=OUT, required=True, help="PAIRS.csv, .parquet or .json to write.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def relatedness(
    stats: Path,
    columns: str,
    year: int | None,
    method: str,
    linkage: tuple[str, ...],
    top: float,
    region_codes: str | None,
    activity_codes: str | None,
    out: Path,
    as_json: bool,
) -> None:
    """Relatedness of every pair of activities in STATS from their co-location across regions.

    Writes one row per pair (activity_a < activity_b): the co-location relatedness of employment
    (lc_employment) and of establishments (lc_establishments, when given), each supplied --linkage,
    their combination (the mean of the z-scores over all pairs; with one linkage, its z-score), the
    percentile (0-99) of the combination among all pairs, and related (true for the top --top share).
    """
    from clusterworks.analytics.relatedness import combine_relatedness, related_pairs, relatedness_percentiles

    check_out(out)
    codes = codes_of({"region_codes": region_codes, "activity_codes": activity_codes})
    activities, measures, chosen, n_regions = _colocation_input(stats, columns, year, as_json, codes)
    if activities.size < 3:
        raise click.ClickException(
            f"{stats.name} has {activities.size} activities; relatedness needs at least 3"
        )
    links = _linkages(measures, method, activities=activities, supplied=linkage, as_json=as_json)
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
    print_summary(
        as_json,
        summary,
        [
            f"{rows:,} pairs of {activities.size:,} activities over {n_regions:,} regions "
            f"written to {out}; {summary['related_pairs']:,} related"
        ],
    )


@map_group.command()
@click.argument("stats", type=IN)
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
    "--linkage",
    multiple=True,
    metavar="NAME=FILE",
    help="A further linkage of the activities, e.g. input-output or shared occupations: a file of pairs "
    "with columns activity_a, activity_b, value (absent pairs are 0). Repeatable; each is standardised and "
    "combined with the co-location linkages.",
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
@code_options("region", "activity")
@click.option("--out", type=OUT, required=True, help="DEFINITION.csv, .parquet or .json to write.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary with the validation scores.")
def define(
    stats: Path,
    columns: str,
    year: int | None,
    method: str,
    linkage: tuple[str, ...],
    k_range: str,
    methods: str,
    seed: int,
    region_codes: str | None,
    activity_codes: str | None,
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

    check_out(out)
    ks = _k_values(k_range)
    chosen_methods = tuple(m.strip() for m in methods.split(",") if m.strip())
    codes = codes_of({"region_codes": region_codes, "activity_codes": activity_codes})
    activities, measures, chosen, n_regions = _colocation_input(stats, columns, year, as_json, codes)
    if activities.size < 3:
        raise click.ClickException(
            f"{stats.name} has {activities.size} activities; definitions need at least 3"
        )
    ks = tuple(k for k in ks if k <= activities.size)
    if not ks:
        raise click.BadParameter(
            f"at most {activities.size} clusters for {activities.size} activities", param_hint="--clusters"
        )
    links = _linkages(measures, method, activities=activities, supplied=linkage, as_json=as_json)
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
    print_summary(as_json, summary, lines)


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
