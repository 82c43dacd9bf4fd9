"""``clusterworks map import``: regional statistics into the statistics store."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..columns import parse_columns
from ..errors import report_problems
from .files import (
    IN,
    OUT,
    print_summary,
)
from .group import map_group

IMPORT_FIELDS = ("region", "activity", "year", "employment", "establishments", "payroll", "wages", "exports",
                 "flag", "measure", "value")  # fmt: skip


@map_group.command("import")
@click.argument("stats", type=IN)
@click.option(
    "--store", "store_path", type=OUT, required=True, help="The DuckDB file of the store (made if new)."
)
@click.option("--dataset", required=True, help="The dataset's name in the store.")
@click.option(
    "--columns",
    required=True,
    help="The file's column of each field: region=...,activity=...,year=... and measure columns "
    "(employment, establishments, payroll, wages, exports, lq) or measure=...,value=...; "
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
            report_problems(error, as_json, f"the statistics file {stats.name}")
            sys.exit(1)
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
    print_summary(as_json, facts, [
        f"{summary.rows:,} rows of {stats.name} stored as '{summary.dataset}' in {store_path}: "
        f"{summary.facts:,} values of {', '.join(summary.measures)}, {years}",
        f"  suppressed: {summary.suppressed:,} (imputed {summary.imputed:,})",
    ])  # fmt: skip


@map_group.command()
@click.argument("establishments", type=IN)
@click.option(
    "--columns",
    required=True,
    help="The file's column of each field: region=...,industry=...,year=...,employment=...,payroll=... "
    "(employment and payroll whole numbers, e.g. payroll in $1,000 as County Business Patterns).",
)
@click.option(
    "--definition",
    help="Roll the industries up to clusters with this cluster definition (bundled: uscmp-naics2017).",
)
@click.option(
    "--level",
    type=click.Choice(["cluster", "subcluster"]),
    default="cluster",
    show_default=True,
    help="With --definition: cluster or subcluster totals.",
)
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="duckdb on this machine; spark (pip install 'clusterworks[spark]', Java 17) for data beyond it.",
)
@click.option("--master", default="local[2]", show_default=True, help="spark: the master URL.")
@click.option(
    "--out",
    type=OUT,
    required=True,
    help="TOTALS.parquet or .csv (spark writes a directory of part files of that name).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def aggregate(
    establishments: Path,
    columns: str,
    definition: str | None,
    level: str,
    engine: str,
    master: str,
    out: Path,
    as_json: bool,
) -> None:
    """Aggregate establishment-level rows in ESTABLISHMENTS (Parquet, or CSV with a header) to region x
    industry x year totals of employment, establishments (rows) and payroll -- or to cluster totals
    through a cluster definition -- with DuckDB or, unchanged, the same SQL on Apache Spark."""
    import time

    from clusterworks.statistics import Store
    from clusterworks.statistics.aggregate import ESTABLISHMENT_FIELDS, write_totals_duckdb

    fields = parse_columns(columns, required=ESTABLISHMENT_FIELDS)
    if out.suffix.lower() not in (".parquet", ".csv"):
        raise click.BadParameter(f"'{out.name}': write .parquet or .csv", param_hint="--out")
    if out.exists():
        raise click.BadParameter(f"'{out}' exists; choose a new name", param_hint="--out")
    rows = None
    if definition is not None:
        with Store.open() as store:
            try:
                rows = [
                    (industry, cluster, sub)
                    for industry, cluster, _, sub, _ in store.cluster_definition(definition)
                ]
            except KeyError as error:
                raise click.BadParameter(str(error.args[0]), param_hint="--definition") from None
    chosen_level = level if rows is not None else None
    started = time.perf_counter()
    if engine == "duckdb":
        result = write_totals_duckdb(establishments, out, columns=fields, definition=rows, level=chosen_level)
    else:
        try:
            from clusterworks.statistics.spark import spark_session, write_totals_spark

            spark = spark_session(master)
        except (ImportError, RuntimeError) as error:
            raise click.ClickException(
                f"Spark cannot start: {error}. "
                "Install the extra (pip install 'clusterworks[spark]') and Java 17."
            ) from None
        try:
            result = write_totals_spark(
                spark, establishments, out, columns=fields, definition=rows, level=chosen_level
            )
        finally:
            spark.stop()
    seconds = time.perf_counter() - started
    summary = {
        "engine": engine,
        **result,
        "level": chosen_level or "industry",
        "seconds": round(seconds, 2),
        "out": str(out),
    }
    print_summary(
        as_json,
        summary,
        [
            f"{engine}: {result['input_rows']:,} establishment rows -> {result['rows']:,} "
            f"{chosen_level or 'industry'} totals in {seconds:.1f} s, written to {out}"
        ],
    )
