"""``clusterworks delphi consensus``: consensus statistics of a Delphi survey, file in, files out.

Thin: the command checks its arguments, calls :func:`clusterworks.analytics.delphi.summarise_responses_csv`
and writes the two tables with :func:`~clusterworks.analytics.delphi.write_csv_tables`. Problems of the
input are printed one per line on stderr (or as JSON with ``--json``), the exit status is 1 and no file
is written.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from clusterworks.analytics.delphi import InvalidResponses


@click.group()
def delphi() -> None:
    """Statistics of Delphi surveys: consensus per item, concordance of rankings.

    The statistics and their sources are described in docs/methods/delphi.md.
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
    if as_json:
        report = {
            "ok": False,
            "written": False,
            "error_count": exc.total,
            "errors": [issue.as_dict(exc.source) for issue in exc.issues],
        }
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    for line in exc.lines():
        click.echo(line, err=True)
    shown = f" (the first {len(exc.issues)} are listed)" if exc.total > len(exc.issues) else ""
    click.echo(f"{exc.total} error(s){shown}; nothing was written.", err=True)
