"""``clusterworks programme scores``: reviewers' rubric scores aggregated, with disagreement flags.

Calls :func:`clusterworks.analytics.review.aggregate_scores`; the method is in
docs/methods/review-scores.md.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

import click

from . import programme
from .tables import (
    InputError,
    Table,
    empty_value,
    plural,
    report_errors,
    write_rows,
)

REVIEW_COLUMNS = ("application", "reviewer", "criterion", "score")
RUBRIC_COLUMNS = ("criterion", "weight", "min", "max")
SCORES_OUT_COLUMNS = (
    "application",
    "reviews",
    "raw",
    "z",
    "robust",
    "rank_raw",
    "rank_z",
    "rank_robust",
    "range",
    "flags",
    "flag_reasons",
)


def _read_rubric(path: Path, errors: list[InputError]) -> list[Any]:
    from clusterworks.analytics.review import Criterion

    table = Table(path, RUBRIC_COLUMNS, errors)
    criteria = []
    seen: dict[str, int] = {}
    for line, name, *texts in table.rows:
        values = []
        for field, text in zip(("weight", "min", "max"), texts, strict=True):
            try:
                value = float(text)
            except ValueError:
                value = math.nan
            if not math.isfinite(value) or (field == "weight" and value <= 0):
                allowed = "a number above 0" if field == "weight" else "a finite number"
                shown = "empty" if not text else f"{text!r} is not {allowed}"
                errors.append(InputError(table.name, line, field, text, f"{shown}; allowed: {allowed}"))
            values.append(value)
        if not name:
            errors.append(empty_value(table.name, line, "criterion"))
        elif name in seen:
            errors.append(
                InputError(
                    table.name, line, "criterion", name, f"already given on line {seen[name]}; give each once"
                )
            )
        else:
            seen[name] = line
        weight, low, high = values
        if math.isfinite(low) and math.isfinite(high) and not low < high:
            errors.append(
                InputError(table.name, line, "min,max", f"{texts[1]},{texts[2]}", "allowed: min below max")
            )
        criteria.append(Criterion(name, weight, low, high))
    if table.ok and not table.rows:
        errors.append(InputError(table.name, 2, "", "", "has no rows; at least one criterion is needed"))
    return criteria


def _read_reviews(
    path: Path, rubric: dict[str, Any], errors: list[InputError]
) -> dict[tuple[str, str], dict[str, float]]:
    table = Table(path, REVIEW_COLUMNS, errors)
    scores: dict[tuple[str, str], dict[str, float]] = {}
    first: dict[tuple[str, str, str], int] = {}
    mentioned: dict[tuple[str, str], dict[str, int]] = {}
    for line, application, reviewer, criterion, text in table.rows:
        for field, value in (("application", application), ("reviewer", reviewer), ("criterion", criterion)):
            if not value:
                errors.append(empty_value(table.name, line, field))
        if not (application and reviewer and criterion):
            continue
        mentioned.setdefault((application, reviewer), {}).setdefault(criterion, line)
        known = rubric.get(criterion)
        if rubric and known is None:
            errors.append(
                InputError(
                    table.name,
                    line,
                    "criterion",
                    criterion,
                    f"unknown criterion {criterion!r}; allowed: {', '.join(rubric)} (from the rubric)",
                )
            )
            continue
        low, high = (known.low, known.high) if known is not None else (0.0, 10.0)
        try:
            value = float(text.replace(",", ".")) if "." not in text else float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and low <= value <= high):
            shown = "empty" if not text else f"{text!r} is outside the scale"
            errors.append(
                InputError(
                    table.name, line, "score", text, f"{shown}; allowed: a number from {low:g} to {high:g}"
                )
            )
            continue
        key = (application, reviewer, criterion)
        if key in first:
            errors.append(
                InputError(
                    table.name,
                    line,
                    "application,reviewer,criterion",
                    ",".join(key),
                    f"already scored on line {first[key]}; allowed: one score per application, reviewer and "
                    "criterion",
                )
            )
            continue
        first[key] = line
        scores.setdefault((application, reviewer), {})[criterion] = value
    names = list(rubric) or sorted({c for given in mentioned.values() for c in given})
    for (application, reviewer), given in mentioned.items():
        missing = [c for c in names if c not in given]
        if missing:
            errors.append(
                InputError(
                    table.name,
                    min(given.values()),
                    "criterion",
                    "",
                    f"the review of {application} by {reviewer} has no score for {', '.join(missing)}; every "
                    "criterion needs one",
                )
            )
    if table.ok and not table.rows:
        errors.append(InputError(table.name, 2, "", "", "has no rows; at least one score is needed"))
    return scores


def _fixed(x: float) -> str:
    return f"{x:.6f}".rstrip("0").rstrip(".") if math.isfinite(x) else ""


@programme.command("scores")
@click.argument(
    "reviews_path", metavar="REVIEWS.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--rubric",
    "rubric_path",
    metavar="RUBRIC.csv",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV with columns criterion, weight, min, max. Default: the criteria in REVIEWS.csv, weight 1, "
    "scale 0-10.",
)
@click.option(
    "--out",
    "out",
    metavar="OUT.csv",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV to write, one row per application; only on success.",
)
@click.option(
    "--range-threshold",
    type=click.FloatRange(min=0),
    default=25.0,
    show_default=True,
    help="Flag an application whose review totals (0-100) differ by more than this.",
)
@click.option(
    "--outlier-threshold",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    help="With 3 or more reviews, flag a reviewer this far from the mean of the others (0-100 points).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report (or the errors) as JSON on stdout.")
def scores_command(
    reviews_path: Path,
    rubric_path: Path | None,
    out: Path,
    range_threshold: float,
    outlier_threshold: float,
    as_json: bool,
) -> None:
    """Aggregate reviewers' rubric scores per application: raw, z-scored and robust, with flags.

    REVIEWS.csv has one row per application, reviewer and criterion: application, reviewer,
    criterion, score; every review needs a score for every criterion, within its scale. A review's
    total is the weighted mean of its criterion scores, each rescaled by its scale, on 0-100.

    OUT.csv has one row per application, in order of first appearance: application, reviews, raw
    (mean total), z (mean of the totals standardised per reviewer; a reviewer with one review or no
    spread is standardised with the pooled mean and deviation), robust (quality in the model total =
    quality + reviewer leniency, fitted with Huber's loss), rank_raw, rank_z, rank_robust (1 = best,
    ties share the better rank), range (highest minus lowest total), flags (range, outlier,
    few-reviews, joined by ;) and flag_reasons (the flags in words, joined by " | "). The method is
    in docs/methods/review-scores.md.

    Exit status 1, with nothing written, when a file is malformed (every error is listed with file,
    line, field, value and what is allowed).

    \b
    Example:
      clusterworks programme scores reviews.csv --rubric rubric.csv --out scores.csv
    """
    from clusterworks.analytics.review import Criterion, InvalidReviews, aggregate_scores

    t0 = time.perf_counter()
    if not out.parent.is_dir():
        raise click.UsageError(f"--out {out}: the directory {out.parent} does not exist")
    errors: list[InputError] = []
    criteria = _read_rubric(rubric_path, errors) if rubric_path is not None else []
    rubric = {c.name: c for c in criteria if c.name}
    scores = _read_reviews(reviews_path, rubric, errors)
    if errors:
        report_errors(errors, as_json)
    if not criteria:
        names = sorted({c for given in scores.values() for c in given})
        criteria = [Criterion(name, 1.0, 0.0, 10.0) for name in names]
    try:
        result = aggregate_scores(
            scores, criteria, range_threshold=range_threshold, outlier_threshold=outlier_threshold
        )
    except InvalidReviews as exc:  # pragma: no cover - the readers above catch the same problems first
        raise click.ClickException(str(exc)) from None
    rows = [
        [
            s.application,
            s.reviews,
            _fixed(s.raw),
            _fixed(s.z),
            _fixed(s.robust),
            s.rank_raw,
            s.rank_z,
            s.rank_robust,
            _fixed(s.spread),
            ";".join(f.kind for f in s.flags),
            " | ".join(f.text for f in s.flags),
        ]
        for s in result.applications
    ]
    write_rows(out, SCORES_OUT_COLUMNS, rows)
    flagged = sum(1 for s in result.applications if s.flags)
    seconds = time.perf_counter() - t0
    if as_json:
        report = {
            "ok": True,
            "written": True,
            "out": str(out),
            "applications": len(result.applications),
            "reviewers": len(result.reviewers),
            "reviews": len(result.totals),
            "flagged": flagged,
            "robust": {"iterations": result.robust_iterations, "converged": result.robust_converged},
            "reviewers_detail": [
                {
                    "reviewer": r.reviewer,
                    "reviews": r.reviews,
                    "mean": r.mean,
                    "sd": None if math.isnan(r.sd) else r.sd,
                    "leniency": r.leniency,
                    "pooled_z": r.pooled_z,
                }
                for r in result.reviewers
            ],
            "seconds": seconds,
        }
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"Aggregated {plural(len(result.totals), 'review')} by {plural(len(result.reviewers), 'reviewer')} "
        f"of {plural(len(result.applications), 'application')}; {flagged:,} flagged for disagreement or too "
        "few reviews."
    )
    click.echo(f"Wrote {out} in {seconds:.2f} s.")
