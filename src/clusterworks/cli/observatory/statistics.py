"""``clusterworks map import``: regional statistics into the statistics store."""

from __future__ import annotations

from pathlib import Path

import click

from .files import (
    IN,
    OUT,
    parse_columns,
    print_summary,
    report_invalid,
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
    print_summary(as_json, facts, [
        f"{summary.rows:,} rows of {stats.name} stored as '{summary.dataset}' in {store_path}: "
        f"{summary.facts:,} values of {', '.join(summary.measures)}, {years}",
        f"  suppressed: {summary.suppressed:,} (imputed {summary.imputed:,})",
    ])  # fmt: skip
