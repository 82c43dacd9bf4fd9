"""Scores and criteria from CSV files, and the result tables as rows and records.

The only module of :mod:`clusterworks.analytics.priorities` that touches files. Input: UTF-8 text (a
byte-order mark is allowed), comma-separated, a header naming the columns in any order, blank lines
skipped. Every problem of both files is collected and reported at once
(:class:`~.errors.InvalidPriorityInput`), each naming the file, line, field, value and what is
allowed. Output rows hold numbers with 10 significant digits, as the Delphi tables do.
"""

from __future__ import annotations

import csv
import io as stdio
import math
import os
from collections.abc import Hashable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .acceptability import RankAcceptability
from .errors import InputIssue, InvalidPriorityInput
from .ranking import PriorityRanking
from .sensitivity import StabilityInterval, WeightStability
from .table import DIRECTIONS, NORMALISATIONS, Criterion

__all__ = [
    "ACCEPTABILITY_FIRST_COLUMNS",
    "CRITERIA_COLUMNS",
    "RANKING_FIRST_COLUMNS",
    "SCORE_COLUMNS",
    "STABILITY_COLUMNS",
    "acceptability_records",
    "acceptability_rows",
    "ranking_records",
    "ranking_rows",
    "read_priority_csv",
    "stability_records",
    "stability_rows",
]

#: Columns of SCORES.csv: one row per candidate and criterion.
SCORE_COLUMNS = ("candidate", "criterion", "score")
#: Columns of CRITERIA.csv: one row per criterion; ``low`` and ``high`` are optional (both or neither).
CRITERIA_COLUMNS = ("criterion", "weight", "direction", "low", "high")
#: The first columns of the ranking table; a column per criterion (its contribution) follows.
RANKING_FIRST_COLUMNS = ("rank", "candidate", "score")
#: Columns of the stability table: one row per criterion. At ``lower`` (``upper``) the leader, ahead
#: at the current weight, ties with the challenger, who is ahead beyond it.
STABILITY_COLUMNS = (
    "criterion",
    "weight",
    "lower",
    "upper",
    "lower_leader",
    "lower_challenger",
    "upper_leader",
    "upper_challenger",
    "top_k",
    "top_lower",
    "top_upper",
    "top_lower_leader",
    "top_lower_challenger",
    "top_upper_leader",
    "top_upper_challenger",
)
#: The first columns of the acceptability table; ``rank_1 .. rank_m`` follow.
ACCEPTABILITY_FIRST_COLUMNS = ("candidate", "expected_rank")

#: How many issues are kept (all are counted).
MAX_ISSUES = 100


def _number(value: float | int | None) -> str:
    """10 significant digits, integers as integers, ``""`` for ``None`` (as Delphi's ``format_number``)."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if value == 0:
        return "0"
    return format(value, ".10g")


class _Issues:
    def __init__(self) -> None:
        self.kept: list[InputIssue] = []
        self.total = 0

    def add(self, file: str, line: int | None, field: str, value: Any, message: str) -> None:
        self.total += 1
        if len(self.kept) < MAX_ISSUES:
            text = "" if value is None else str(value)
            self.kept.append(
                InputIssue(file, line, field, text if len(text) <= 80 else text[:79] + "…", message)
            )


def _quote(value: str) -> str:
    return "'" + (value if len(value) <= 60 else value[:59] + "…") + "'"


Rows = list[tuple[int, dict[str, str]]]


def _rows(
    path: Path, required: Sequence[str], optional: Sequence[str], issues: _Issues
) -> tuple[Rows | None, Rows]:
    """The non-blank data rows of a CSV file with their first line, each as column -> stripped cell;
    ``None`` when the file cannot be read as a table (encoding, header). Also the rows with the wrong
    number of fields (reported), with the cells they have, so that their names are known."""
    name = path.name
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        byte = f"0x{data[exc.start]:02x}"
        issues.add(
            name,
            data.count(b"\n", 0, exc.start) + 1,
            "",
            byte,
            f'byte {byte} is not UTF-8 text; allowed: a UTF-8 file (in a spreadsheet, save as "CSV UTF-8")',
        )
        return None, []
    reader = csv.reader(stdio.StringIO(text, newline=""))
    allowed = ", ".join(required) + (f"[, {', '.join(optional)}]" if optional else "")
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            issues.add(name, 1, "", "", f"the file is empty; allowed: a header {allowed} and rows under it")
            return None, []
        names = [cell.strip() for cell in header]
        problems = issues.total
        for column in required:
            if column not in names:
                issues.add(name, 1, column, "", f"missing column '{column}'; required columns: {allowed}")
        for index, column in enumerate(names):
            if column in names[:index]:
                issues.add(
                    name, 1, column, column, f"column '{column}' appears twice; allowed: each column once"
                )
            elif column not in required and column not in optional:
                what = f"unknown column '{column}'" if column else "a column without a name"
                issues.add(name, 1, column, column, f"{what}; allowed: {allowed}")
        if issues.total > problems:
            return None, []
        rows: Rows = []
        broken: Rows = []
        previous = reader.line_num
        for cells in reader:
            line, previous = previous + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # blank lines, or only commas as spreadsheets write
            if len(cells) != len(names):
                shown = _quote(",".join(cells))
                issues.add(
                    name,
                    line,
                    "",
                    ",".join(cells),
                    f"the row {shown} has {len(cells)} field(s) and the header {len(names)}; allowed: one "
                    "value per column",
                )
                broken.append(
                    (line, {column: cell.strip() for column, cell in zip(names, cells, strict=False)})
                )
                continue
            rows.append((line, {column: cell.strip() for column, cell in zip(names, cells, strict=True)}))
    except csv.Error as exc:
        issues.add(name, reader.line_num, "", "", f"cannot read the file from here on: {exc}")
        return None, []
    if not rows and not broken:
        issues.add(name, 1, "", "", f"the file has a header but no rows; allowed: rows of {allowed} under it")
    return rows, broken


def _parse_number(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _not_a_number(text: str, what: str) -> str:
    return f"{_quote(text)} is not a number; allowed: {what} (decimal point, not comma)"


def _read_criteria(
    path: Path, normalisation: str, issues: _Issues
) -> dict[str, tuple[int, Criterion | None]] | None:
    """Criterion name -> (line, Criterion, or None when its row has a problem); ``None`` when the file
    cannot be read as a table."""
    name = path.name
    found: dict[str, tuple[int, Criterion | None]] = {}
    weights_ok = True
    rows, broken = _rows(path, CRITERIA_COLUMNS[:3], CRITERIA_COLUMNS[3:], issues)
    if rows is None:
        return None
    for line, row in broken:  # reported already; their criteria exist, though unusable
        if row.get("criterion") and row["criterion"] not in found:
            found[row["criterion"]] = (line, None)
            weights_ok = False
    for line, row in rows:
        before = issues.total
        key = row["criterion"]
        if not key:
            issues.add(name, line, "criterion", key, "criterion is empty; allowed: any non-empty name")
        elif key in found:
            issues.add(
                name,
                line,
                "criterion",
                key,
                f"criterion {_quote(key)} is already defined on line {found[key][0]}; allowed: each "
                "criterion once",
            )
        elif key in RANKING_FIRST_COLUMNS:
            issues.add(
                name,
                line,
                "criterion",
                key,
                f"{_quote(key)} names a column of the ranking table; allowed: any other name",
            )
        weight = _parse_number(row["weight"])
        if weight is None:
            issues.add(
                name,
                line,
                "weight",
                row["weight"],
                _not_a_number(row["weight"], "a number >= 0 such as 2 or 0.5"),
            )
            weights_ok = False
        elif weight < 0:
            issues.add(
                name,
                line,
                "weight",
                row["weight"],
                f"weight {row['weight']} is negative; allowed: a number >= 0",
            )
            weights_ok = False
        direction = row["direction"]
        if direction not in DIRECTIONS:
            issues.add(
                name,
                line,
                "direction",
                direction,
                f"{_quote(direction)} is not a direction; allowed: {', '.join(DIRECTIONS)}",
            )
        ends: dict[str, float | None] = {}
        for end in ("low", "high"):
            text = row.get(end, "")
            ends[end] = _parse_number(text) if text else None
            if text and ends[end] is None:
                issues.add(name, line, end, text, _not_a_number(text, "a number such as 1 or 9, or empty"))
        given = {end for end in ("low", "high") if row.get(end, "")}
        if len(given) == 1:
            missing = ({"low", "high"} - given).pop()
            issues.add(
                name,
                line,
                missing,
                "",
                f"{missing} is empty but {given.pop()} is not; allowed: both ends of the scale or neither",
            )
        elif ends["low"] is not None and ends["high"] is not None and ends["low"] >= ends["high"]:
            issues.add(
                name,
                line,
                "high",
                row["high"],
                f"high {row['high']} is not above low {row['low']}; allowed: low < high, e.g. 1 and 9",
            )
        elif not given and normalisation == "scale":
            issues.add(
                name,
                line,
                "low",
                "",
                "normalisation 'scale' needs the scale of every criterion; allowed: numbers low < high, "
                "e.g. 1 and 9",
            )
        if key and key not in found and key not in RANKING_FIRST_COLUMNS:
            ok = issues.total == before
            criterion = Criterion(key, weight, direction, ends["low"], ends["high"]) if ok else None
            found[key] = (line, criterion)
    valid = [criterion for _, criterion in found.values() if criterion is not None]
    if found and weights_ok and len(valid) == len(found) and sum(c.weight for c in valid) <= 0:
        issues.add(
            name,
            None,
            "weight",
            "0",
            "every criterion has weight 0; allowed: at least one positive weight",
        )
    return found


def read_priority_csv(
    scores: str | os.PathLike[str],
    criteria: str | os.PathLike[str],
    *,
    normalisation: str = "minmax",
) -> tuple[dict[str, dict[str, float]], tuple[Criterion, ...]]:
    """Read SCORES.csv and CRITERIA.csv into the arguments of the ranking functions.

    Parameters
    ----------
    scores : path
        Columns ``candidate, criterion, score``: one row per candidate and criterion, every
        candidate scored on every criterion of the criteria file, scores finite numbers (within the
        criterion's scale when it has one).
    criteria : path
        Columns ``criterion, weight, direction`` and optionally ``low, high``: one row per criterion;
        weight a number >= 0 (not all 0); direction ``benefit`` or ``cost``; low and high both empty
        or both numbers with low < high.
    normalisation : {"minmax", "scale"}
        "scale" requires low and high on every criterion.

    Returns
    -------
    (dict, tuple of Criterion)
        The scores as candidate -> {criterion -> score}, candidates in the order they first appear;
        the criteria in the order of the file.

    Raises
    ------
    InvalidPriorityInput
        With every problem of both files (up to 100, all counted), each naming the file, line (the
        header is line 1), field, value and what is allowed.
    OSError
        If a file cannot be opened.
    """
    if normalisation not in NORMALISATIONS:
        raise InvalidPriorityInput(
            [
                InputIssue(
                    "", None, "normalisation", str(normalisation), f"allowed: {', '.join(NORMALISATIONS)}"
                )
            ]
        )
    issues = _Issues()
    scores_path, criteria_path = Path(scores), Path(criteria)
    criteria_found = _read_criteria(criteria_path, normalisation, issues)
    # When CRITERIA.csv cannot be read at all, the scores are checked on their own.
    found = criteria_found if criteria_found is not None else {}
    name = scores_path.name
    table: dict[str, dict[str, float]] = {}
    seen: dict[tuple[str, str], int] = {}
    first_line: dict[str, int] = {}
    known = ", ".join(found) or "(none)"
    rows, broken = _rows(scores_path, SCORE_COLUMNS, (), issues)
    # Rows with the wrong number of fields are reported already; their candidate and criterion are
    # still taken as scored, so that they are not reported missing too.
    records = sorted(
        [(line, row, True) for line, row in rows or []] + [(line, row, False) for line, row in broken]
    )
    for line, row, whole in records:
        if not whole:
            if row.get("candidate") and row.get("criterion"):
                first_line.setdefault(row["candidate"], line)
                seen.setdefault((row["candidate"], row["criterion"]), line)
            continue
        candidate, key, text = row["candidate"], row["criterion"], row["score"]
        if not candidate:
            issues.add(name, line, "candidate", candidate, "candidate is empty; allowed: any non-empty name")
        if not key:
            issues.add(
                name,
                line,
                "criterion",
                key,
                "criterion is empty; allowed: a criterion of " + criteria_path.name,
            )
        elif criteria_found is not None and key not in found:
            issues.add(
                name,
                line,
                "criterion",
                key,
                f"unknown criterion {_quote(key)}; allowed: the criteria of {criteria_path.name}: {known}",
            )
        value = _parse_number(text)
        if value is None:
            issues.add(name, line, "score", text, _not_a_number(text, "a finite number such as 7 or 6.5"))
        if not candidate or not key:
            continue
        first_line.setdefault(candidate, line)
        if (candidate, key) in seen:
            issues.add(
                name,
                line,
                "criterion",
                key,
                f"candidate {_quote(candidate)} already has a score for criterion {_quote(key)} on line "
                f"{seen[candidate, key]}; allowed: one score per candidate and criterion",
            )
            continue
        seen[candidate, key] = line
        criterion = found.get(key, (0, None))[1]
        scale = None if criterion is None or criterion.low is None else (criterion.low, criterion.high)
        if value is not None and scale is not None and not scale[0] <= value <= scale[1]:
            issues.add(
                name,
                line,
                "score",
                text,
                f"score {text} is outside the scale of criterion {_quote(key)}; allowed: "
                f"{scale[0]:g}..{scale[1]:g} (low and high in {criteria_path.name})",
            )
        if value is not None:
            table.setdefault(candidate, {})[key] = value
    for candidate, line in first_line.items():
        for key in found:
            if (candidate, key) not in seen:
                issues.add(
                    name,
                    line,
                    "criterion",
                    key,
                    f"candidate {_quote(candidate)} (first on this line) has no score for criterion "
                    f"{_quote(key)}; allowed: one score per candidate for every criterion of "
                    f"{criteria_path.name}",
                )
    if issues.total:
        order = {name: 0, criteria_path.name: 1}
        kept = sorted(issues.kept, key=lambda issue: (order.get(issue.file, 2), issue.line or 0))
        raise InvalidPriorityInput(kept, total=issues.total)
    return table, tuple(criterion for _, criterion in found.values() if criterion is not None)


# ------------------------------------------------------------------------------------------ output


def ranking_rows(ranking: PriorityRanking) -> tuple[list[str], Iterator[list[str]]]:
    """Header and rows of RANKING.csv: rank, candidate, score, and one contribution per criterion."""
    keys = [criterion.key for criterion in ranking.criteria]
    rows = (
        [
            str(row.rank),
            str(row.candidate),
            _number(row.score),
            *(_number(row.contributions[k]) for k in keys),
        ]
        for row in ranking.rows
    )
    return [*RANKING_FIRST_COLUMNS, *keys], rows


def ranking_records(ranking: PriorityRanking) -> list[dict[str, Any]]:
    """The ranking as JSON-ready dicts: rank, candidate, score, contributions."""
    return [
        {"rank": row.rank, "candidate": row.candidate, "score": row.score, "contributions": row.contributions}
        for row in ranking.rows
    ]


def _pair(pair: tuple[Hashable, Hashable] | None) -> list[str]:
    return ["", ""] if pair is None else [str(pair[0]), str(pair[1])]


def _interval_cells(interval: StabilityInterval) -> list[str]:
    return [
        _number(interval.lower),
        _number(interval.upper),
        *_pair(interval.lower_pair),
        *_pair(interval.upper_pair),
    ]


def stability_rows(stability: WeightStability) -> tuple[list[str], Iterator[list[str]]]:
    """Header and rows of SENS.csv (:data:`STABILITY_COLUMNS`), one per criterion."""
    rows = (
        [
            item.criterion,
            _number(item.weight),
            *_interval_cells(item.order),
            str(stability.top_k),
            *_interval_cells(item.top),
        ]
        for item in stability.criteria
    )
    return list(STABILITY_COLUMNS), rows


def _interval_record(interval: StabilityInterval) -> dict[str, Any]:
    return {
        "lower": interval.lower,
        "upper": interval.upper,
        "lower_pair": None if interval.lower_pair is None else list(interval.lower_pair),
        "upper_pair": None if interval.upper_pair is None else list(interval.upper_pair),
    }


def stability_records(stability: WeightStability) -> list[dict[str, Any]]:
    """The stability as JSON-ready dicts, one per criterion (pairs as [leader, challenger])."""
    return [
        {
            "criterion": item.criterion,
            "weight": item.weight,
            "order": _interval_record(item.order),
            "top_k": stability.top_k,
            "top": _interval_record(item.top),
        }
        for item in stability.criteria
    ]


def _acceptability_order(result: RankAcceptability, order: Sequence[Hashable] | None) -> list[int]:
    if order is None:
        return list(range(len(result.candidates)))
    index = {candidate: position for position, candidate in enumerate(result.candidates)}
    return [index[candidate] for candidate in order]


def acceptability_rows(
    result: RankAcceptability, order: Sequence[Hashable] | None = None
) -> tuple[list[str], Iterator[list[str]]]:
    """Header and rows of ACC.csv: candidate, expected_rank, rank_1 .. rank_m; rows in ``order``
    (e.g. that of the ranking), or in the order of ``result.candidates``."""
    m = len(result.candidates)
    rows = (
        [
            str(result.candidates[i]),
            _number(result.expected_rank[i]),
            *(_number(share) for share in result.acceptability[i]),
        ]
        for i in _acceptability_order(result, order)
    )
    return [*ACCEPTABILITY_FIRST_COLUMNS, *(f"rank_{r}" for r in range(1, m + 1))], rows


def acceptability_records(
    result: RankAcceptability, order: Sequence[Hashable] | None = None
) -> list[dict[str, Any]]:
    """The acceptabilities as JSON-ready dicts: candidate, expected_rank, first_rank, by_rank."""
    return [
        {
            "candidate": result.candidates[i],
            "expected_rank": result.expected_rank[i],
            "first_rank": result.first_rank[i],
            "by_rank": list(result.acceptability[i]),
        }
        for i in _acceptability_order(result, order)
    ]
