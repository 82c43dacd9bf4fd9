"""Delphi benchmark (issue 7): consensus statistics of a synthetic survey, Clusterworks vs a plain loop.

The survey: 2 rounds x 200 experts x 50 questions x 10 items (200,000 answers); 25 rating questions
(1-7 scale) and 25 rank questions (each expert ranks the 10 items; about one ranking in four has a tie,
given as mid-ranks). Generated with a fixed seed.

Clusterworks computes every item at once with numpy (one sort, grouped reductions) and validates the
whole table first (kinds, duplicates, complete and valid rankings). The baseline is what a user would
otherwise write with numpy and scipy (pandas is not a dependency of Clusterworks): read the CSV with
the csv module, group the answers per round, question and item in a dict, call numpy.percentile,
mean and std per item, and for each rank question build the experts x items matrix and take Kendall's
W from scipy.stats.friedmanchisquare (whose tie-corrected chi-squared is m (n - 1) W). It validates
nothing. Both must give the same numbers (asserted, relative tolerance 1e-9).

Three measurements, each the best of --repeat runs:

* file to files: read RESPONSES.csv, compute, write ITEMS.csv and QUESTIONS.csv (what
  ``clusterworks delphi consensus`` does, in-process);
* in memory: from a list of row dicts to the results (``summarise_responses``);
* item statistics only: quartiles, mean, sd and agreement of all 1,000 items from answers already
  grouped in arrays -- the vectorised core (one sort, grouped reductions) against numpy per item.

    uv run python bench/delphi_bench.py
    uv run python bench/delphi_bench.py --experts 50 --repeat 5     # smaller, quicker

Prints a Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import csv
import math
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy
from scipy import stats

from clusterworks.analytics.delphi import (
    ITEM_COLUMNS,
    QUESTION_COLUMNS,
    item_rows,
    question_rows,
    summarise_responses,
    summarise_responses_csv,
    write_csv_tables,
)
from clusterworks.analytics.delphi.items import _grouped_item_statistics  # the vectorised core

SEED = 20261207


# ---------------------------------------------------------------------------------------------- data


def synthetic_survey(
    *, rounds: int, experts: int, questions: int, items: int, seed: int = SEED
) -> list[dict[str, Any]]:
    """Rows of a survey: half the questions rated 1..7, half ranked 1..items (some ties as mid-ranks)."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, Any]] = []
    for round_ in range(1, rounds + 1):
        for q in range(1, questions + 1):
            question = f"q{q}"
            rank = q > questions // 2
            centre = rng.uniform(2, 6, size=items)
            for e in range(1, experts + 1):
                expert = f"e{e}"
                if rank:
                    scores = centre + rng.normal(0, 1.5 / round_, size=items)
                    if rng.random() < 0.25:  # a tie: two items get the same score
                        scores[1] = scores[0]
                    values = stats.rankdata(scores)
                else:
                    values = np.clip(np.rint(centre + rng.normal(0, 1.2 / round_, size=items)), 1, 7)
                for i in range(items):
                    rows.append(
                        {
                            "round": round_,
                            "expert": expert,
                            "question": question,
                            "item": f"i{i + 1}",
                            "kind": "rank" if rank else "rating",
                            "value": float(values[i]),
                        }
                    )
    return rows


def write_responses(rows: list[dict[str, Any]], path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["round", "expert", "question", "item", "kind", "value"])
        for row in rows:
            value = row["value"]
            writer.writerow(
                [
                    row["round"],
                    row["expert"],
                    row["question"],
                    row["item"],
                    row["kind"],
                    int(value) if value == int(value) else value,
                ]
            )


# ------------------------------------------------------------------------------------------ baseline


def baseline_summary(
    rows: list[dict[str, Any]], band: float = 1.0
) -> tuple[list[list[Any]], list[list[Any]]]:
    """The per-group loop a user would write: a dict of lists, numpy per item, scipy per question."""
    groups: dict[tuple[int, str, str], list[float]] = {}
    kinds: dict[str, str] = {}
    rankings: dict[tuple[int, str], dict[str, dict[str, float]]] = {}
    for row in rows:
        round_, question, item = int(row["round"]), row["question"], row["item"]
        value = float(row["value"])
        groups.setdefault((round_, question, item), []).append(value)
        kinds[question] = row["kind"]
        if row["kind"] == "rank":
            rankings.setdefault((round_, question), {}).setdefault(row["expert"], {})[item] = value
    item_table = []
    for (round_, question, item), values in groups.items():
        x = np.asarray(values)
        q1, median, q3 = np.percentile(x, [25, 50, 75])
        mean = x.mean()
        sd = x.std(ddof=1) if x.size > 1 else None
        cv = sd / abs(mean) if sd is not None and mean != 0 else None
        agreement = np.mean(np.abs(x - median) <= band + 1e-9 * max(1.0, band, abs(median)))
        item_table.append([round_, question, item, x.size, median, q1, q3, q3 - q1, mean, sd, cv, agreement])
    question_table = []
    for (round_, question), by_expert in rankings.items():
        names = sorted({item for ranking in by_expert.values() for item in ranking})
        matrix = np.array([[ranking[item] for item in names] for ranking in by_expert.values()])
        m, n = matrix.shape
        chi2, p = stats.friedmanchisquare(*matrix.T)
        question_table.append([round_, question, m, n, chi2 / (m * (n - 1)), chi2, p])
    item_table.sort(key=lambda r: (r[0], int(r[1][1:]), int(r[2][1:])))
    question_table.sort(key=lambda r: (r[0], int(r[1][1:])))
    return item_table, question_table


def baseline_item_loop(groups: list[np.ndarray], band: float = 1.0) -> list[list[float]]:
    """The item statistics alone, item by item, from answers already grouped."""
    table = []
    for x in groups:
        q1, median, q3 = np.percentile(x, [25, 50, 75])
        mean = x.mean()
        sd = x.std(ddof=1)
        agreement = np.mean(np.abs(x - median) <= band + 1e-9 * max(1.0, band, abs(median)))
        table.append([median, q1, q3, mean, sd, agreement])
    return table


def baseline_file(responses: Path, items_out: Path, questions_out: Path) -> None:
    with open(responses, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    items, questions = baseline_summary(rows)
    for path, header, table in (
        (items_out, ITEM_COLUMNS, items),
        (questions_out, QUESTION_COLUMNS, questions),
    ):
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            for row in table:
                writer.writerow(
                    ["" if v is None else (f"{v:.10g}" if isinstance(v, float) else v) for v in row]
                )


# ------------------------------------------------------------------------------------------ clusterworks


def clusterworks_file(responses: Path, items_out: Path, questions_out: Path) -> None:
    items, questions = summarise_responses_csv(responses)
    write_csv_tables(
        {
            items_out: (ITEM_COLUMNS, item_rows(items)),
            questions_out: (QUESTION_COLUMNS, question_rows(questions)),
        }
    )


def clusterworks_tables(rows: list[dict[str, Any]]) -> tuple[list[list[Any]], list[list[Any]]]:
    items, questions = summarise_responses(rows)
    item_table = [
        [
            s.round,
            s.question,
            s.item,
            s.statistics.n,
            s.statistics.median,
            s.statistics.q1,
            s.statistics.q3,
            s.statistics.iqr,
            s.statistics.mean,
            s.statistics.sd,
            s.statistics.cv,
            s.statistics.agreement,
        ]
        for s in items
    ]
    question_table = [
        [
            q.round,
            q.question,
            q.kendall.experts,
            q.kendall.items,
            q.kendall.w,
            q.kendall.chi2,
            q.kendall.p_value,
        ]
        for q in questions
    ]
    return item_table, question_table


# ---------------------------------------------------------------------------------------------- checks


def assert_same(ours: list[list[Any]], theirs: list[list[Any]], what: str) -> None:
    assert len(ours) == len(theirs), f"{what}: {len(ours)} rows vs {len(theirs)}"
    for a, b in zip(ours, theirs, strict=True):
        for x, y in zip(a, b, strict=True):
            if isinstance(x, str) or isinstance(y, str) or x is None or y is None:
                assert x == y, f"{what}: {a} vs {b}"
            else:
                assert math.isclose(float(x), float(y), rel_tol=1e-9, abs_tol=1e-12), f"{what}: {a} vs {b}"


def assert_same_files(ours: Path, theirs: Path) -> None:
    with open(ours, encoding="utf-8") as a, open(theirs, encoding="utf-8") as b:
        rows_a, rows_b = list(csv.reader(a)), list(csv.reader(b))
    assert rows_a[0] == rows_b[0]
    parse = [[v if not v or not v[0].isdigit() and v[0] != "-" else float(v) for v in r] for r in rows_a[1:]]
    other = [[v if not v or not v[0].isdigit() and v[0] != "-" else float(v) for v in r] for r in rows_b[1:]]
    # Names such as q1 start with a letter and stay text; numbers are compared to 10 digits.
    for a_row, b_row in zip(parse, other, strict=True):
        for x, y in zip(a_row, b_row, strict=True):
            if isinstance(x, float) and isinstance(y, float):
                assert math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12), (a_row, b_row)
            else:
                assert x == y, (a_row, b_row)
    assert len(parse) == len(other)


def best_of(repeat: int, run: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--experts", type=int, default=200)
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    rows = synthetic_survey(
        rounds=args.rounds, experts=args.experts, questions=args.questions, items=args.items
    )
    with tempfile.TemporaryDirectory(prefix="delphi-bench-") as directory:
        folder = Path(directory)
        responses = folder / "responses.csv"
        write_responses(rows, responses)
        ours = (folder / "items.csv", folder / "questions.csv")
        theirs = (folder / "items-baseline.csv", folder / "questions-baseline.csv")

        # Same numbers first.
        a_items, a_questions = clusterworks_tables(rows)
        b_items, b_questions = baseline_summary(rows)
        assert_same(a_items, b_items, "items")
        assert_same(a_questions, b_questions, "questions")
        clusterworks_file(responses, *ours)
        baseline_file(responses, *theirs)
        assert_same_files(ours[0], theirs[0])
        assert_same_files(ours[1], theirs[1])

        file_ours = best_of(args.repeat, lambda: clusterworks_file(responses, *ours))
        file_theirs = best_of(args.repeat, lambda: baseline_file(responses, *theirs))
        memory_ours = best_of(args.repeat, lambda: summarise_responses(rows))
        memory_theirs = best_of(args.repeat, lambda: baseline_summary(rows))

        # The item statistics alone, from answers already grouped per item.
        grouped: dict[tuple[int, str, str], list[float]] = {}
        for row in rows:
            grouped.setdefault((row["round"], row["question"], row["item"]), []).append(row["value"])
        arrays = [np.asarray(values) for values in grouped.values()]
        group = np.repeat(np.arange(len(arrays)), [a.size for a in arrays])
        flat = np.concatenate(arrays)
        loop = baseline_item_loop(arrays)
        vectorised = _grouped_item_statistics(group, flat, len(arrays), 1.0)
        for name, column in zip(
            ("median", "q1", "q3", "mean", "sd", "agreement"), zip(*loop, strict=True), strict=True
        ):
            assert np.allclose(vectorised[name], column, rtol=1e-12, atol=0), name
        stats_ours = best_of(args.repeat, lambda: _grouped_item_statistics(group, flat, len(arrays), 1.0))
        stats_theirs = best_of(args.repeat, lambda: baseline_item_loop(arrays))
        size_mb = responses.stat().st_size / 1e6

    print(
        f"Survey: {args.rounds} rounds x {args.experts} experts x {args.questions} questions x "
        f"{args.items} items = {len(rows):,} answers ({size_mb:.1f} MB CSV); {len(a_items)} item rows, "
        f"{len(a_questions)} question rows; same numbers from both (rel. tol. 1e-9)."
    )
    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"{platform.machine()}; best of {args.repeat}.\n"
    )
    print("| step | Clusterworks (validates) s | numpy/scipy loop (no checks) s | baseline / Clusterworks |")
    print("|---|---:|---:|---:|")
    for label, ours_s, theirs_s in (
        ("file to files (read, compute, write)", file_ours, file_theirs),
        ("in memory (rows to results)", memory_ours, memory_theirs),
        ("item statistics only (answers grouped in arrays)", stats_ours, stats_theirs),
    ):
        print(f"| {label} | {ours_s:.3f} | {theirs_s:.3f} | {theirs_s / ours_s:.2f} |")


if __name__ == "__main__":
    sys.exit(main())
