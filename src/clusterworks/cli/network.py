"""``clusterworks network``: the collaboration network of a participation file (one row per organisation
in a project, the CORDIS format), file in, tables out.

* ``measures``: one row per organisation (centralities, structural holes, brokerage roles, community,
  core) and the network's indicators (:func:`clusterworks.analytics.network.analysis.analyse`);
* ``evolution``: the network year by year (:func:`clusterworks.analytics.network.evolution.evolution`);
* ``import``: store the file as a participation dataset of the web application, all or nothing.

A bad file is reported whole (file, line, column, value; exit status 1) and nothing is written.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import click

from .participation_files import participation_options, read
from .progress import progress_bar


@click.group()
def network() -> None:
    """The stakeholder network of a participation file: measures, evolution, import."""


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "" if math.isnan(value) else format(round(value, 10), "g" if abs(value) < 1e-4 else "")
    return str(value)


def _write_csv(out: Path, rows: list[dict[str, Any]]) -> None:
    from .programme.tables import write_rows

    header = tuple(rows[0]) if rows else ("organisation",)
    write_rows(out, header, [[_cell(r[k]) for k in header] for r in rows])


def _sample(value: str) -> int | str | None:
    if value in ("auto", "exact"):
        return None if value == "exact" else value
    if value.isdigit() and int(value) > 0:
        return int(value)
    raise click.BadParameter(f"'{value}' is not a positive number, 'auto' or 'exact'", param_hint="--sample")


def _before(part: Any, before: int | None) -> Any:
    if before is None:
        return part
    part = part.before(before)
    if not len(part):
        raise click.ClickException(f"no participation starts before {before}")
    return part


_SHAPE = [
    click.option("--before", type=int, help="Only projects starting before this year."),
    click.option(
        "--weighting",
        type=click.Choice(["count", "newman"]),
        default="count",
        show_default=True,
        help="Tie weight: shared projects, or 1/(n-1) per project of n organisations (Newman 2001).",
    ),
    click.option("--half-life", type=float, help="Years after which a project's weight halves (recency)."),
]


def _shape(function: Any) -> Any:
    for option in reversed(_SHAPE):
        function = option(function)
    return function


@network.command()
@click.argument("participations", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@participation_options
@_shape
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the organisations' table (CSV)."
)
@click.option(
    "--sample",
    default="auto",
    show_default=True,
    help="Estimate betweenness, closeness and harmonic centrality from this many sampled sources; 'exact' "
    "for all; 'auto' is exact up to 2,000 organisations and samples 400 above.",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Seed of sampling and community detection."
)
@click.option("--json", "as_json", is_flag=True, help="Print the network's indicators as JSON.")
def measures(
    participations: Path,
    columns: dict[str, str],
    drop_missing: bool,
    mixed_identifiers: bool,
    any_type: bool,
    encoding: str,
    before: int | None,
    weighting: str,
    half_life: float | None,
    out: Path | None,
    sample: str,
    seed: int,
    as_json: bool,
) -> None:
    """Measures of every organisation and of the whole network.

    Per organisation (--out): degree, strength, betweenness, eigenvector, PageRank, closeness, harmonic,
    Burt's constraint and effective size, sector (from the activity type), Leiden community, k-core, in
    the core, Borgatti-Everett coreness, and Gould-Fernandez brokerage counts across sectors (coordinator,
    itinerant, representative, gatekeeper, liaison). For the network: size, density, components, clustering,
    path length, modularity, core, triple-helix mix.

    \b
    Example:
      clusterworks network measures h2020.csv.gz --drop-missing \\
        --columns project=rcn,organisation=pic,year=start_year,type=type,country=country --out nodes.csv
    """
    from clusterworks.analytics.network.analysis import analyse
    from clusterworks.analytics.network.graph import project_graph

    part = read(
        participations,
        columns=columns,
        drop_missing=drop_missing,
        mixed_identifiers=mixed_identifiers,
        any_type=any_type,
        encoding=encoding,
        as_json=as_json,
    )
    part = _before(part, before)
    graph = project_graph(part, weighting=weighting, half_life=half_life)
    with progress_bar(not as_json and sys.stderr.isatty()) as report:
        result = analyse(graph, sample=_sample(sample), seed=seed, progress=report)
    if out is not None:
        _write_csv(out, result.rows())
    summary = _plain(result.summary())
    summary.update(rows=len(part), projects=int(len(set(part.project.tolist()))), dropped=part.dropped)
    if as_json:
        click.echo(json.dumps({"ok": True, **summary}))
        return
    click.echo(
        f"{summary['n_nodes']:,} organisations, {summary['n_ties']:,} ties "
        f"from {summary['projects']:,} projects"
        + (f" ({part.dropped:,} rows without a year left out)" if part.dropped else "")
    )
    for label, key in (
        ("density", "density"),
        ("components", "components"),
        ("largest component share", "largest_component_share"),
        ("transitivity", "transitivity"),
        ("mean path length", "mean_path_length"),
        ("Leiden modularity", "modularity"),
        ("communities (2+ organisations)", "communities"),
        ("core size (max k-core)", "core_size"),
        ("ties across sectors (share)", "helix_between"),
    ):
        value = summary.get(key)
        click.echo(f"  {label:<32} {'-' if value is None else _cell(value)}")
    if out is not None:
        click.echo(f"Wrote {out}")


@network.command()
@click.argument("participations", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@participation_options
@click.option(
    "--window",
    default="1",
    show_default=True,
    help="Years of projects in each year's network (a number), or 'cumulative' (all projects so far).",
)
@click.option("--weighting", type=click.Choice(["count", "newman"]), default="count", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write one row per year (CSV).")
@click.option("--json", "as_json", is_flag=True, help="Print the years as JSON.")
def evolution(
    participations: Path,
    columns: dict[str, str],
    drop_missing: bool,
    mixed_identifiers: bool,
    any_type: bool,
    encoding: str,
    window: str,
    weighting: str,
    out: Path | None,
    as_json: bool,
) -> None:
    """The network year by year: projects, new organisations, new ties, density, components, clustering,
    path length and modularity of each year's network (a moving window, or cumulative)."""
    from clusterworks.analytics.network.evolution import evolution as network_evolution

    if window != "cumulative" and not window.isdigit():
        raise click.BadParameter("a number of years or 'cumulative'", param_hint="--window")
    part = read(
        participations,
        columns=columns,
        drop_missing=drop_missing,
        mixed_identifiers=mixed_identifiers,
        any_type=any_type,
        encoding=encoding,
        as_json=as_json,
    )
    years = network_evolution(
        part, window=window if window == "cumulative" else int(window), weighting=weighting
    )
    rows = [_plain(y.as_dict()) for y in years]
    if out is not None:
        _write_csv(out, rows)
    if as_json:
        click.echo(json.dumps({"ok": True, "years": rows}))
        return
    click.echo(f"{'year':>6} {'projects':>9} {'orgs':>7} {'new ties':>9} {'density':>9} {'clustering':>10}")
    for r in rows:
        click.echo(
            f"{r['year']:>6} {r['n_projects']:>9,} {r['n_nodes']:>7,} {r['new_ties']:>9,} "
            f"{r['density']:>9.5f} {r['transitivity'] or 0:>10.3f}"
        )
    if out is not None:
        click.echo(f"Wrote {out}")


@network.command("import")
@click.argument("participations", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@participation_options
@click.option("--key", required=True, help="The dataset's key (lower-case letters, digits, '.', '_', '-').")
@click.option("--title", required=True, help="The dataset's title.")
@click.option("--attribution", default="", help="Where the data come from and under which licence.")
@click.option("--replace", is_flag=True, help="Replace the dataset with this key if it exists.")
@click.option("--user", "username", required=True, help="The analyst or administrator importing it.")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
def import_command(
    participations: Path,
    columns: dict[str, str],
    drop_missing: bool,
    mixed_identifiers: bool,
    any_type: bool,
    encoding: str,
    key: str,
    title: str,
    attribution: str,
    replace: bool,
    username: str,
    as_json: bool,
) -> None:
    """Store a participation file as a dataset of the web application, all or nothing: its network,
    measures and partner recommendations then appear on the network pages."""
    from .django_setup import setup_django

    setup_django()
    from clusterworks.analytics.network.participations import InvalidParticipations
    from clusterworks.web.core.audit import acting_as
    from clusterworks.web.network.services.datasets import dataset_import

    from .errors import report_problems
    from .registry import _user

    user = _user(username)
    try:
        with acting_as(user, "cli"), progress_bar(not as_json and sys.stderr.isatty()) as report:
            dataset = dataset_import(
                user=user, source=participations, file_name=participations.name, key=key, title=title,
                columns=columns, attribution=attribution, on_missing="drop" if drop_missing else "error",
                mixed_identifiers=mixed_identifiers, encoding=encoding, cordis_types=not any_type,
                replace=replace, progress=report,
            )  # fmt: skip
    except InvalidParticipations as error:
        report_problems(error, as_json, "the participation file")
        sys.exit(1)
    outcome = {
        "key": dataset.key,
        "rows": dataset.rows,
        "projects": dataset.projects,
        "organisations": dataset.organisations,
        "years": [dataset.first_year, dataset.last_year],
    }
    if as_json:
        click.echo(json.dumps({"ok": True, **outcome}))
    else:
        click.echo(
            f"Imported {dataset.key}: {dataset.rows:,} rows, {dataset.projects:,} projects, "
            f"{dataset.organisations:,} organisations ({dataset.first_year}-{dataset.last_year})"
        )
