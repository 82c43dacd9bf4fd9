"""``clusterworks match``: matchmaking from the command line.

* ``recommend``: new partners for organisations, learnt from a participation file's past
  (:mod:`clusterworks.analytics.network.recommend`); writes ``source, candidate, rank, score,
  explanation``;
* ``evaluate``: the honest time-split evaluation of the recommender beside the classic link-prediction
  indexes (precision@k, recall@k, MRR, Hits@100);
* ``schedule``: place accepted one-to-one meeting requests in time slots and rooms without clashes
  (:mod:`clusterworks.analytics.matchmaking`; the command lives in ``match_schedule``).

A bad file is reported whole (file, line, column, value; exit status 1) and nothing is written. The
method: docs/methods/recommendation.md.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from .columns import parse_columns
from .match_schedule import schedule
from .participation_files import participation_options, read
from .progress import progress_bar


@click.group()
def match() -> None:
    """Matchmaking: partner recommendation and its evaluation, meeting schedules for brokerage events."""


match.add_command(schedule)

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _table_text(path: Path) -> str:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise click.ClickException(
            f"{path.name}: not valid UTF-8 (byte {error.start}); save it as UTF-8"
        ) from None


def read_areas(path: Path, spec: str) -> dict[str, list[str]]:
    """Project id -> its programme areas, from a CSV (or CSV.GZ) with one row per project and area."""
    columns = parse_columns(spec, required=("project", "area"), option="--area-columns")
    reader = csv.reader(io.StringIO(_table_text(path), newline=""))
    header = [h.strip() for h in next(reader, [])]
    for field, column in columns.items():
        if column not in header:
            raise click.ClickException(
                f"{path.name}, line 1: no column '{column}' for {field}; the header has: {', '.join(header)}"
            )
    p, a = header.index(columns["project"]), header.index(columns["area"])
    areas: dict[str, list[str]] = {}
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(p, a) or not row[p].strip() or not row[a].strip():
            raise click.ClickException(
                f"{path.name}, line {line}: a project and an area are required; got {','.join(row)!r}"
            )
        areas.setdefault(row[p].strip(), []).append(row[a].strip())
    return areas


def read_sources(path: Path, known: Mapping[str, int]) -> list[str]:
    """Organisation ids, one a line (blank lines skipped); an unknown id is an error naming its line."""
    sources = []
    for line, text in enumerate(_table_text(path).splitlines(), start=1):
        org = text.strip()
        if not org:
            continue
        if org not in known:
            raise click.ClickException(
                f"{path.name}, line {line}: unknown organisation '{org}'; allowed: an organisation of the "
                "participation file"
            )
        sources.append(org)
    if not sources:
        raise click.ClickException(f"{path.name}: no organisation; allowed: one organisation id a line")
    return sources


def _load(
    participations: Path, options: dict[str, Any], as_json: bool, areas: Path | None, area_columns: str | None
):
    if areas is not None and not area_columns:
        raise click.BadParameter(
            "give the areas file's columns: project=...,area=...", param_hint="--area-columns"
        )
    part = read(participations, as_json=as_json, **options)
    return part, (read_areas(areas, area_columns) if areas is not None and area_columns else None)


_AREA_OPTIONS = [
    click.option(
        "--areas", type=_FILE, help="Programme areas of projects (CSV, one row per project and area)."
    ),
    click.option("--area-columns", help="The areas file's columns: project=...,area=..."),
]


def _area_options(function: Any) -> Any:
    for option in reversed(_AREA_OPTIONS):
        function = option(function)
    return function


@match.command()
@click.option("--participations", "participations", type=_FILE, required=True, help="The participation file.")
@participation_options
@click.option("--before", type=int, help="Learn only from rows of years before this (default: all rows).")
@click.option(
    "--sources", "sources_path", type=_FILE, required=True, help="Organisation ids, one a line (SOURCES.txt)."
)
@click.option("--k", type=click.IntRange(1, 1000), default=10, show_default=True, help="Partners per source.")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="RECS.csv to write."
)
@_area_options
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the training sample.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def recommend(
    participations: Path,
    columns: dict[str, str],
    drop_missing: bool,
    mixed_identifiers: bool,
    any_type: bool,
    encoding: str,
    before: int | None,
    sources_path: Path,
    k: int,
    out: Path,
    areas: Path | None,
    area_columns: str | None,
    seed: int,
    as_json: bool,
) -> None:
    """Recommend new partners for each organisation of SOURCES.txt.

    Learns from the rows of years before --before only: the weights of the ranking model from the new
    partnerships of the last complete year before it (a year with at least half the median number of
    rows), the network from all rows before it. Never proposes an
    organisation that already worked with the source before --before. Writes RECS.csv with source,
    candidate, rank, score, explanation.

    \b
    Example:
      clusterworks match recommend --participations h2020.csv.gz --drop-missing \\
        --columns project=rcn,organisation=pic,year=start_year,type=type,country=country,role=role \\
        --before 2019 --sources sources.txt --k 10 --out recs.csv
    """
    from clusterworks.analytics.network.recommend import PartnerIndex

    from .programme.tables import write_rows

    options = {
        "columns": columns,
        "drop_missing": drop_missing,
        "mixed_identifiers": mixed_identifiers,
        "any_type": any_type,
        "encoding": encoding,
    }
    part, area_map = _load(participations, options, as_json, areas, area_columns)
    sources = read_sources(sources_path, {o: i for i, o in enumerate(part.organisation_ids)})
    cut = int(part.year.max()) + 1 if before is None else before
    history = part.before(cut)
    if not len(history):
        raise click.ClickException(f"no participation starts before {cut}")
    started = time.perf_counter()
    with progress_bar(not as_json and sys.stderr.isatty()) as report:
        index = PartnerIndex.build(history, areas=area_map, before=cut, seed=seed, progress=report)
        built = time.perf_counter() - started
        rows: list[list[Any]] = []
        latencies = []
        for done, source in enumerate(sources, start=1):
            t0 = time.perf_counter()
            try:
                recs = index.recommend(source, k=k)
            except ValueError as error:
                raise click.ClickException(str(error)) from None
            latencies.append(time.perf_counter() - t0)
            rows += [[source, r.candidate, r.rank, f"{r.score:.6g}", r.explanation] for r in recs]
            report(done, len(sources), "recommending")
    write_rows(out, ("source", "candidate", "rank", "score", "explanation"), rows)
    latencies.sort()
    summary = {
        "ok": True,
        "before": cut,
        "sources": len(sources),
        "recommendations": len(rows),
        "out": str(out),
        "build_seconds": round(built, 3),
        "query_ms_median": round(1000 * latencies[len(latencies) // 2], 3),
        "query_ms_max": round(1000 * latencies[-1], 3),
        "model": index.model.as_dict(),
    }
    if as_json:
        click.echo(json.dumps(summary))
        return
    learnt = "Adamic-Adar (too little history to learn)" if index.model.fallback else "learnt weights"
    click.echo(
        f"{len(rows):,} recommendations for {len(sources):,} sources from rows before {cut} ({learnt}); "
        f"index built in {built:.1f} s, {summary['query_ms_median']:.1f} ms per query (median)"
    )
    click.echo(f"Wrote {out}")


def _methods(value: str | None) -> tuple[str, ...]:
    from clusterworks.analytics.network.recommend import METHODS

    if not value:
        return METHODS
    chosen = tuple(m.strip() for m in value.split(",") if m.strip())
    for m in chosen:
        if m not in METHODS:
            raise click.BadParameter(
                f"unknown method '{m}'; allowed: {', '.join(METHODS)}", param_hint="--methods"
            )
    return chosen


@match.command()
@click.option("--participations", "participations", type=_FILE, required=True, help="The participation file.")
@participation_options
@click.option(
    "--before",
    "befores",
    type=int,
    multiple=True,
    required=True,
    help="The split year T (repeat for several).",
)
@click.option("--k", type=click.IntRange(1, 100), default=10, show_default=True, help="The k of precision@k.")
@click.option("--methods", help="Comma-separated methods (default: the recommender and every classic index).")
@click.option(
    "--horizon", type=click.IntRange(1, 100), help="Truth only from T to T + horizon - 1 (default: all)."
)
@click.option("--sample", type=click.IntRange(1), help="Evaluate a seeded sample of this many sources.")
@_area_options
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the samples.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def evaluate(
    participations: Path,
    columns: dict[str, str],
    drop_missing: bool,
    mixed_identifiers: bool,
    any_type: bool,
    encoding: str,
    befores: tuple[int, ...],
    k: int,
    methods: str | None,
    horizon: int | None,
    sample: int | None,
    areas: Path | None,
    area_columns: str | None,
    seed: int,
    as_json: bool,
) -> None:
    """Learn from the rows before T, predict the pairs that first work together from T on.

    For each T: precision@k, recall@k, MRR and Hits@100 of the recommender and of Adamic-Adar, resource
    allocation, Katz, common neighbours, Jaccard and preferential attachment, averaged over the
    organisations that gain a new partner (the protocol: docs/methods/recommendation.md).

    \b
    Example:
      clusterworks match evaluate --participations h2020.csv.gz --drop-missing \\
        --columns project=rcn,organisation=pic,year=start_year,type=type,country=country,role=role \\
        --before 2018 --before 2019
    """
    from clusterworks.analytics.network.recommend import evaluate as run

    chosen = _methods(methods)
    options = {
        "columns": columns,
        "drop_missing": drop_missing,
        "mixed_identifiers": mixed_identifiers,
        "any_type": any_type,
        "encoding": encoding,
    }
    part, area_map = _load(participations, options, as_json, areas, area_columns)
    results = []
    with progress_bar(not as_json and sys.stderr.isatty()) as report:
        for before in befores:
            try:
                result = run(
                    part,
                    before=before,
                    methods=chosen,
                    k=k,
                    areas=area_map,
                    horizon=horizon,
                    sample=sample,
                    seed=seed,
                    progress=report,
                )
            except ValueError as error:
                raise click.ClickException(str(error)) from None
            results.append(result)
    if as_json:
        click.echo(json.dumps({"ok": True, "evaluations": [e.as_dict() for e in results]}))
        return
    for e in results:
        scope = "all later years" if e.horizon is None else f"{e.before}-{e.before + e.horizon - 1}"
        evaluated = (
            f"{e.n_evaluated:,} of {e.n_sources:,}" if e.n_evaluated < e.n_sources else f"{e.n_sources:,}"
        )
        click.echo(
            f"T = {e.before}: {e.n_universe:,} organisations before T, {evaluated} sources, "
            f"{e.n_new_pairs:,} new pairs ({scope})"
        )
        click.echo(e.table())
        click.echo("")
