"""``clusterworks delphi``: Delphi surveys and what follows them, file in, files out.

* ``consensus``: consensus statistics of a survey
  (:func:`clusterworks.analytics.delphi.summarise_responses_csv`);
* ``priorities``: the ranking of development priorities by weighted criteria, its stability in the
  weights and its rank acceptability (:mod:`clusterworks.analytics.priorities`).

Thin: each command checks its arguments, calls the library and writes the tables with
:func:`~clusterworks.analytics.delphi.write_csv_tables`, all files or none. Problems of the input are
printed one per line on stderr (or as JSON with ``--json``), the exit status is 1 and no file is
written.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from clusterworks.analytics.delphi import InvalidResponses


@click.group()
def delphi() -> None:
    """Delphi surveys: consensus, concordance, and the priorities that follow.

    The statistics and their sources are described in docs/methods/delphi.md and
    docs/methods/priorities.md.
    """


def _check_output(path: Path, option: str) -> None:
    if path.is_dir():
        raise click.UsageError(f"{option} {path} is a directory; give a file name")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise click.UsageError(f"{option} {path}: directory {parent} does not exist")


@delphi.command("consensus")
@click.argument("responses", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "items_out",
    required=True,
    type=click.Path(path_type=Path),
    help="CSV file to write, one row per round, question and item.",
)
@click.option(
    "--questions-out",
    "questions_out",
    required=True,
    type=click.Path(path_type=Path),
    help="CSV file to write, one row per round and rank question (Kendall's W).",
)
@click.option(
    "--band",
    type=click.FloatRange(min=0.0),
    default=1.0,
    show_default=True,
    help="Agreement counts the answers within +-BAND scale points of the median, inclusive.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the results (or the errors) as JSON on stdout.")
def consensus(responses: Path, items_out: Path, questions_out: Path, band: float, as_json: bool) -> None:
    """Consensus per item and Kendall's W per rank question of a Delphi survey.

    \b
    RESPONSES is a CSV file (UTF-8, comma-separated) with the columns
      round, expert, question, item, kind, value
    one row per answer. kind is "rating" (value on a scale) or "rank": each expert ranks all n items
    of the question in that round 1..n, ties as mid-ranks (1.5, 1.5, 3).

    \b
    --out gets: round, question, item, n, median, q1, q3, iqr, mean, sd, cv, agreement
      quartiles by linear interpolation (numpy's default); sd with n-1 (empty for one answer);
      cv = sd/|mean| (empty when the mean is 0); agreement = share of answers within +-band of the
      median, inclusive.
    --questions-out gets: round, question, experts, items, kendall_w, chi2, p_value
      W tie-corrected; chi2 = experts * (items - 1) * W on items - 1 df (empty when W is undefined).

    Rows are sorted by round, question and item (numbers inside names in numeric order); numbers
    have 10 significant digits. The formulas and their sources: docs/methods/delphi.md.

    Every problem of the input is reported, one per line (file, line, field, value, what is allowed;
    the header is line 1), and then nothing is written; the exit status is 1. The two files are
    written to temporary files and renamed into place only when both are complete.

    \b
    Example:
      clusterworks delphi consensus responses.csv --out items.csv --questions-out questions.csv
      clusterworks delphi consensus responses.csv --out items.csv --questions-out q.csv --band 0.5 --json
    """
    _check_output(items_out, "--out")
    _check_output(questions_out, "--questions-out")
    targets = {responses.resolve(), items_out.resolve(), questions_out.resolve()}
    if len(targets) < 3:
        raise click.UsageError("RESPONSES, --out and --questions-out must be three different files")
    # imported here: scipy.stats takes a second to load, which every other command would pay
    from clusterworks.analytics.delphi import (
        ITEM_COLUMNS,
        QUESTION_COLUMNS,
        DelphiError,
        InvalidResponses,
        item_records,
        item_rows,
        question_records,
        question_rows,
        summarise_responses_csv,
        write_csv_tables,
    )

    try:
        items, questions = summarise_responses_csv(responses, band=band)
    except InvalidResponses as exc:
        _report(exc, as_json)
        sys.exit(1)
    except (DelphiError, OSError) as exc:
        raise click.ClickException(f"{responses}: {exc}") from None
    try:
        write_csv_tables(
            {
                items_out: (ITEM_COLUMNS, item_rows(items)),
                questions_out: (QUESTION_COLUMNS, question_rows(questions)),
            }
        )
    except OSError as exc:
        raise click.ClickException(f"cannot write the results: {exc}; nothing was written") from None

    answers = sum(summary.statistics.n for summary in items)
    if as_json:
        report = {
            "ok": True,
            "responses": answers,
            "band": band,
            "out": str(items_out),
            "questions_out": str(questions_out),
            "items": item_records(items),
            "questions": question_records(questions),
        }
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    rounds = len({summary.round for summary in items})
    click.echo(
        f"{answers} answers in {rounds} round(s): wrote {len(items)} item row(s) to {items_out} and "
        f"{len(questions)} rank question row(s) to {questions_out}."
    )


def _report(exc: InvalidResponses, as_json: bool) -> None:
    _report_issues([issue.as_dict(exc.source) for issue in exc.issues], exc.lines(), exc.total, as_json)


def _report_issues(
    records: Sequence[dict[str, Any]], lines: Sequence[str], total: int, as_json: bool
) -> None:
    """Every issue of the input, one line each on stderr (or as JSON on stdout), and the count."""
    if as_json:
        report = {"ok": False, "written": False, "error_count": total, "errors": list(records)}
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    for line in lines:
        click.echo(line, err=True)
    shown = f" (the first {len(lines)} are listed)" if total > len(lines) else ""
    click.echo(f"{total} error(s){shown}; nothing was written.", err=True)


def _spread(ctx: click.Context, param: click.Parameter, value: str) -> float | str:
    if value.strip().lower() == "uniform":
        return "uniform"
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not 0 < number < 1:
        raise click.BadParameter(f"{value!r} is not allowed; give a number above 0 and below 1, or 'uniform'")
    return number


@delphi.command("priorities")
@click.argument("scores", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--criteria",
    "criteria_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV file of the criteria: criterion, weight, direction[, low, high].",
)
@click.option(
    "--out",
    "ranking_out",
    required=True,
    type=click.Path(path_type=Path),
    help="CSV file to write: the ranking, one row per candidate.",
)
@click.option(
    "--sensitivity",
    "sensitivity_out",
    type=click.Path(path_type=Path),
    help="CSV file to write: the stability of the ranking in each weight, one row per criterion.",
)
@click.option(
    "--acceptability",
    "acceptability_out",
    type=click.Path(path_type=Path),
    help="CSV file to write: the rank acceptability of each candidate (Monte Carlo over the weights).",
)
@click.option(
    "--samples",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Weight samples drawn for --acceptability.",
)
@click.option(
    "--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Seed of the weight samples."
)
@click.option(
    "--spread",
    default="0.2",
    show_default=True,
    callback=_spread,
    help="How far sampled weights stray from the given ones (0..1, sd of a weight w is "
    "SPREAD*sqrt(w(1-w))), or 'uniform' to ignore the weights.",
)
@click.option(
    "--top",
    "top_k",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Size of the top set whose stability --sensitivity reports.",
)
@click.option(
    "--normalisation",
    type=click.Choice(["minmax", "scale"]),
    default="minmax",
    show_default=True,
    help="minmax: over the candidates; scale: over each criterion's low..high.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the results (or the errors) as JSON on stdout.")
@click.pass_context
def priorities(
    ctx: click.Context,
    scores: Path,
    criteria_path: Path,
    ranking_out: Path,
    sensitivity_out: Path | None,
    acceptability_out: Path | None,
    samples: int,
    seed: int,
    spread: float | str,
    top_k: int,
    normalisation: str,
    as_json: bool,
) -> None:
    """Rank priorities by weighted criteria, and how stable the ranking is.

    \b
    SCORES is a CSV file (UTF-8, comma-separated) with the columns
      candidate, criterion, score
    one row per candidate and criterion: every candidate scored on every criterion, e.g. the median
    rating of a Delphi panel. --criteria is a CSV file with the columns
      criterion, weight, direction[, low, high]
    one row per criterion: weight >= 0 (divided by the sum of the weights); direction "benefit"
    (more is better) or "cost" (less is better); low and high, optional, the criterion's scale (e.g.
    1 and 9), which scores must lie within.

    \b
    Scores are normalised to 0..1 (1 = best): with --normalisation minmax over the candidates
    (a criterion on which all candidates score the same gives each 0.5), with scale over low..high.
    The score of a candidate is the weighted sum of its normalised scores; scores within 1e-9 tie
    and share the best rank (1, 2, 2, 4).

    \b
    --out gets: rank, candidate, score, and one column per criterion (weight x normalised score,
      the criterion's contribution to the score); rows by rank.
    --sensitivity gets one row per criterion: criterion, weight, lower, upper, lower_leader,
      lower_challenger, upper_leader, upper_challenger, top_k, top_lower, top_upper,
      top_lower_leader, top_lower_challenger, top_upper_leader, top_upper_challenger
      With the criterion's weight t anywhere strictly between lower and upper (the other weights
      rescaled to 1 - t in their proportions) the order of all candidates stays the same; at upper
      the challenger ties with the leader and passes it above (empty when nothing changes up to 1);
      likewise at lower. top_* give the same for the set of the --top candidates. Exact, not
      sampled.
    --acceptability gets: candidate, expected_rank, rank_1 .. rank_m: the share of --samples weight
      vectors (Dirichlet around the given weights, or uniform) in which the candidate takes each place.

    Numbers have 10 significant digits. The formulas and their sources: docs/methods/priorities.md.

    Every problem of both input files is reported, one per line (file, line, field, value, what is
    allowed; the header is line 1), and then nothing is written; the exit status is 1. The files are
    written only when everything is computed, all of them or none.

    \b
    Example:
      clusterworks delphi priorities scores.csv --criteria criteria.csv --out ranking.csv
      clusterworks delphi priorities scores.csv --criteria criteria.csv --out ranking.csv \\
        --sensitivity sens.csv --acceptability acc.csv --samples 20000 --seed 7 --top 5 --json
    """
    if acceptability_out is None:
        given = [
            f"--{name}"
            for name in ("samples", "seed", "spread")
            if ctx.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT
        ]
        if given:
            raise click.UsageError(f"{', '.join(given)} only apply with --acceptability")
    outputs = [
        ("--out", ranking_out),
        ("--sensitivity", sensitivity_out),
        ("--acceptability", acceptability_out),
    ]
    outputs = [(option, path) for option, path in outputs if path is not None]
    for option, path in outputs:
        _check_output(path, option)
    files = [scores, criteria_path, *(path for _, path in outputs)]
    if len({path.resolve() for path in files}) < len(files):
        raise click.UsageError(
            "SCORES, --criteria, --out, --sensitivity and --acceptability must be different files"
        )
    from clusterworks.analytics.delphi import write_csv_tables
    from clusterworks.analytics.priorities import (
        InvalidPriorityInput,
        PriorityError,
        acceptability_records,
        acceptability_rows,
        rank_acceptability,
        rank_priorities,
        ranking_records,
        ranking_rows,
        read_priority_csv,
        stability_records,
        stability_rows,
        weight_stability,
    )

    try:
        table, criteria = read_priority_csv(scores, criteria_path, normalisation=normalisation)
    except InvalidPriorityInput as exc:
        _report_issues([issue.as_dict() for issue in exc.issues], exc.lines(), exc.total, as_json)
        sys.exit(1)
    except OSError as exc:
        raise click.ClickException(f"cannot read the input: {exc}") from None
    try:
        ranking = rank_priorities(table, criteria, normalisation=normalisation)
        tables = {ranking_out: ranking_rows(ranking)}
        stability = acceptability = None
        if sensitivity_out is not None:
            stability = weight_stability(table, criteria, normalisation=normalisation, top_k=top_k)
            tables[sensitivity_out] = stability_rows(stability)
        if acceptability_out is not None:
            acceptability = rank_acceptability(
                table, criteria, normalisation=normalisation, samples=samples, spread=spread, seed=seed
            )
            order = [row.candidate for row in ranking.rows]
            tables[acceptability_out] = acceptability_rows(acceptability, order)
    except PriorityError as exc:
        raise click.ClickException(f"cannot compute the results: {exc}; nothing was written") from None
    try:
        write_csv_tables(tables)
    except OSError as exc:
        raise click.ClickException(f"cannot write the results: {exc}; nothing was written") from None

    if as_json:
        order = [row.candidate for row in ranking.rows]
        report = {
            "ok": True,
            "candidates": len(ranking.rows),
            "criteria": len(criteria),
            "normalisation": normalisation,
            "weights": ranking.weights,
            "out": str(ranking_out),
            "ranking": ranking_records(ranking),
            "sensitivity_out": None if sensitivity_out is None else str(sensitivity_out),
            "sensitivity": None if stability is None else stability_records(stability),
            "acceptability_out": None if acceptability_out is None else str(acceptability_out),
            "acceptability": None
            if acceptability is None
            else {
                "samples": samples,
                "seed": seed,
                "spread": acceptability.spread,
                "candidates": acceptability_records(acceptability, order),
            },
        }
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    wrote = [f"the ranking to {ranking_out}"]
    if sensitivity_out is not None:
        wrote.append(f"the stability in {len(criteria)} weight(s) to {sensitivity_out}")
    if acceptability_out is not None:
        wrote.append(f"the rank acceptability from {samples} samples (seed {seed}) to {acceptability_out}")
    click.echo(
        f"{len(ranking.rows)} candidate(s) on {len(criteria)} criteria: wrote "
        + ", ".join(wrote[:-1])
        + (" and " if len(wrote) > 1 else "")
        + wrote[-1]
        + "."
    )
