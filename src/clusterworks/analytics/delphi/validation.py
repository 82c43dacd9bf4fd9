"""The rules of a table of Delphi responses, checked column by column with numpy.

Each column is encoded once: its distinct raw values are parsed once each (a survey has a few rounds,
questions, items and scale points, but hundreds of thousands of answers) and every row gets the code
of its parsed value, -1 when it does not parse. Duplicates, kinds and rankings are then checked on
integer codes with sorting and counting, so that checking costs about as much as computing. Only the
rows that break a rule are looked at one by one, to word their message.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._common import _RANK_TOLERANCE, natural_key
from .concordance import _mid_rank_example
from .errors import InvalidResponses, ResponseIssue

#: The columns of a responses table, in the order the CLI documents them (any order is read).
COLUMNS = ("round", "expert", "question", "item", "kind", "value")
#: The kinds of question.
KINDS = ("rating", "rank")
#: How many issues are kept in :class:`~.errors.InvalidResponses` (all are counted).
MAX_ISSUES = 100


class _Issues:
    """Collects issues: keeps the first ``limit`` found, counts all."""

    def __init__(self, limit: int = MAX_ISSUES):
        self.limit, self.kept, self.total = limit, [], 0

    @property
    def full(self) -> bool:
        return len(self.kept) >= self.limit

    def add(self, line: int | None, field: str, value: Any, message: str) -> None:
        self.total += 1
        if not self.full:
            self.kept.append(ResponseIssue(line, field, _text(value), message))

    def raise_if_any(self, source: str) -> None:
        if self.total:
            kept = sorted(self.kept, key=lambda issue: issue.line or 0)
            raise InvalidResponses(kept, total=self.total, source=source)


def _text(value: Any, limit: int = 80) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _quote(value: Any) -> str:
    return "'" + _text(value).replace("\n", "\\n") + "'"


# ------------------------------------------------------------------------------------ parsing a cell


def _label(raw: Any) -> str | None:
    """A non-empty expert, question or item name (text, or an integer), or None."""
    if isinstance(raw, str):
        return raw.strip() or None
    if isinstance(raw, numbers.Integral) and not isinstance(raw, bool):
        return str(raw)
    return None


def _round(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, numbers.Integral):
        number = int(raw)
    elif isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
        number = int(raw.strip())
    else:
        return None
    return number if number >= 1 else None


def _kind(raw: Any) -> str | None:
    return raw.strip() if isinstance(raw, str) and raw.strip() in KINDS else None


def _value(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, numbers.Real):
        number = float(raw)
    elif isinstance(raw, str):
        try:
            number = float(raw.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _encode(column: Sequence[Any], parse: Callable[[Any], Any]) -> tuple[np.ndarray, list[Any]]:
    """Per row the code of its parsed value (-1 if it does not parse), and the parsed values by code.

    Raw values that parse to the same value (``" q1"`` and ``"q1"``, ``4`` and ``"4"``) share a code.
    """
    size = len(column)
    try:
        # Both passes run in C: distinct values in order of appearance, then each row's code.
        distinct: dict[Any, int] = dict.fromkeys(column, 0)
        # True == 1 and hash(True) == hash(1), so a bool would pass for 0 or 1: look closer then.
        if (True in distinct or False in distinct) and bool in set(map(type, column)):
            raise TypeError
        for index, raw in enumerate(distinct):
            distinct[raw] = index
        originals: list[Any] = list(distinct)
        raw_codes = np.fromiter(map(distinct.__getitem__, column), dtype=np.int64, count=size)
    except TypeError:  # a bool, or an unhashable value: key by type and text
        keyed: dict[tuple[str, str], int] = {}
        originals, codes_list = [], []
        for raw in column:
            key = (type(raw).__name__, repr(raw))
            code = keyed.get(key)
            if code is None:
                code = keyed[key] = len(originals)
                originals.append(raw)
            codes_list.append(code)
        raw_codes = np.asarray(codes_list, dtype=np.int64)
    canonical: dict[Any, int] = {}
    remap = np.full(len(originals) + 1, -1, dtype=np.int64)
    for index, raw in enumerate(originals):
        parsed = parse(raw)
        if parsed is not None:
            remap[index] = canonical.setdefault(parsed, len(canonical))
    return remap[raw_codes], list(canonical)


def _values(column: Sequence[Any]) -> np.ndarray:
    """The answers as floats, ``nan`` where a cell is not a finite number."""
    if set(map(type, column)) <= {float, int}:  # numbers already (not bool, which is not int here)
        values = np.array(column, dtype=float)
        values[~np.isfinite(values)] = np.nan
        return values
    codes, parsed = _encode(column, _value)
    return np.append(np.asarray(parsed, dtype=float), np.nan)[codes]


def _pair(first: np.ndarray, second: np.ndarray, second_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Compact codes of the pairs (first, second) per row, and the distinct pairs as
    ``first * second_size + second``. Codes run 0..k-1 in the order of the distinct pairs."""
    keys, inverse = np.unique(first * second_size + second, return_inverse=True)
    return inverse.astype(np.int64), keys


def _mid_ranks(group: np.ndarray, values: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Mid-ranks of ``values`` within each group, and per group :math:`\\sum (t^3 - t)` over its tie
    groups (runs of exactly equal values)."""
    size = values.size
    if size == 0:
        return np.empty(0), np.zeros(n_groups)
    order = np.lexsort((values, group))
    sorted_group, sorted_values = group[order], values[order]
    new_group = np.ones(size, dtype=bool)
    new_group[1:] = sorted_group[1:] != sorted_group[:-1]
    new_run = new_group.copy()
    new_run[1:] |= sorted_values[1:] != sorted_values[:-1]
    index = np.arange(size)
    group_start = np.maximum.accumulate(np.where(new_group, index, 0))
    place = index - group_start + 1
    run_starts = np.flatnonzero(new_run)
    run_lengths = np.diff(np.append(run_starts, size))
    run_mid = place[run_starts] + (run_lengths - 1) / 2.0
    mid = np.empty(size)
    mid[order] = run_mid[np.cumsum(new_run) - 1]
    ties = np.bincount(
        sorted_group[run_starts], weights=(run_lengths**3 - run_lengths).astype(float), minlength=n_groups
    )
    return mid, ties


# ------------------------------------------------------------------------------------ the whole table


@dataclass
class Checked:
    """A table that passed (or failed: see ``issues``) the checks, as codes ready for the statistics.

    Per row: ``rq`` (round and question) and ``rqi`` (round, question and item) codes, ``values``
    with the ranks of rank questions replaced by their exact mid-ranks. Per round and question
    (``rq_keys``): its round, question and number of items. ``rank_rows`` are the rows of rank
    questions, ``ranking_of`` their ranking (round, question and expert) and ``ranking_rq`` and
    ``ties`` (:math:`\\sum (t^3 - t)`) per ranking.
    """

    values: np.ndarray
    rq: np.ndarray
    rqi: np.ndarray
    rqi_keys: np.ndarray
    item_size: int
    rq_round: list[int]
    rq_question: list[str]
    rq_items: np.ndarray
    rq_rank: np.ndarray
    item_names: list[str]
    rank_rows: np.ndarray
    ranking_of: np.ndarray
    ranking_rq: np.ndarray
    ties: np.ndarray


def check_columns(lines: Sequence[int], columns: dict[str, Sequence[Any]], issues: _Issues) -> Checked:
    """Check a table given as columns (``COLUMNS``) with the line of each row; problems go to
    ``issues`` (the caller raises). The statistics may only be computed when there are none."""
    line = np.asarray(lines, dtype=np.int64)
    r_code, round_values = _encode(columns["round"], _round)
    e_code, expert_names = _encode(columns["expert"], _label)
    q_code, question_names = _encode(columns["question"], _label)
    i_code, item_names = _encode(columns["item"], _label)
    k_code, kind_names = _encode(columns["kind"], _kind)
    values = _values(columns["value"])
    v_code = np.where(np.isnan(values), -1, 0)
    kind = np.append(np.array([KINDS.index(name) for name in kind_names], dtype=np.int64), -1)[k_code]

    fields = (
        ("round", r_code),
        ("expert", e_code),
        ("question", q_code),
        ("item", i_code),
        ("kind", k_code),
        ("value", v_code),
    )
    bad = np.zeros(line.size, dtype=bool)
    for _, code in fields:
        bad |= code < 0
    expected_total = issues.total + sum(int(np.count_nonzero(code < 0)) for _, code in fields)
    for row in np.flatnonzero(bad).tolist():
        if issues.full:
            break  # the rest are counted, not worded
        for field, code in fields:
            if code[row] < 0:
                _row_issue(issues, int(line[row]), field, columns[field][row])
    issues.total = expected_total

    # Codes of combinations; a field that does not parse gets its own code (size of the field).
    sizes = {"round": len(round_values), "expert": len(expert_names), "question": len(question_names)}
    rr = np.where(r_code < 0, sizes["round"], r_code)
    ee = np.where(e_code < 0, sizes["expert"], e_code)
    qq = np.where(q_code < 0, sizes["question"], q_code)
    ii = np.where(i_code < 0, len(item_names), i_code)
    rq, rq_keys = _pair(rr, qq, sizes["question"] + 1)
    item_size = len(item_names) + 1
    rqi, rqi_keys = _pair(rq, ii, item_size)
    # Keys (not compacted) of round, question and expert, and of round, question, item and expert.
    rqe = rq * (sizes["expert"] + 1) + ee
    rqie = rqi * (sizes["expert"] + 1) + ee
    rq_round = [
        round_values[key] if key < sizes["round"] else 0
        for key in (rq_keys // (sizes["question"] + 1)).tolist()
    ]
    rq_question = [
        question_names[key] if key < sizes["question"] else ""
        for key in (rq_keys % (sizes["question"] + 1)).tolist()
    ]
    # The items of a question in a round: those named on any row where round, question and item parse.
    named = np.unique(rqi[(r_code >= 0) & (q_code >= 0) & (i_code >= 0)])
    rq_items = np.bincount(rqi_keys[named] // item_size, minlength=rq_keys.size)

    # Duplicates: the second and later answers of the same expert to the same item.
    good = np.flatnonzero(~bad)
    order = good[np.argsort(rqie[good], kind="stable")]
    repeated = np.zeros(order.size, dtype=bool)
    repeated[1:] = rqie[order[1:]] == rqie[order[:-1]]
    run_first = order[np.maximum.accumulate(np.where(~repeated, np.arange(order.size), 0))]
    duplicates = sorted(zip(order[repeated].tolist(), run_first[repeated].tolist(), strict=True))
    for row, first in duplicates:
        if issues.full:
            issues.total += 1
            continue
        issues.add(
            int(line[row]),
            "item",
            item_names[i_code[row]],
            f"duplicate answer: expert {_quote(expert_names[e_code[row]])} already answered item "
            f"{_quote(item_names[i_code[row]])} of question {_quote(question_names[q_code[row]])} in round "
            f"{round_values[r_code[row]]} on line {line[first]}; allowed: one answer per round, expert, "
            "question and item",
        )
    valid = ~bad
    valid[np.array([row for row, _ in duplicates], dtype=np.int64)] = False
    tainted = np.unique(rqe[~valid & (r_code >= 0) & (q_code >= 0) & (e_code >= 0)])

    mixed = _check_kinds(line, qq, kind, valid, question_names, issues)
    question_rank = np.zeros(sizes["question"] + 1, dtype=bool)
    question_rank[qq[valid & (kind == 1)]] = True
    rq_rank = question_rank[rq_keys % (sizes["question"] + 1)]

    rank_rows = np.flatnonzero(valid & (kind == 1) & ~np.isin(qq, mixed))
    # A ranking is a round, question and expert; ranking_keys are their rqe keys.
    ranking_keys, ranking_of = np.unique(rqe[rank_rows], return_inverse=True)
    ranking_rq = ranking_keys // (sizes["expert"] + 1)
    ranking_size = rq_items[ranking_rq]
    ranks = values[rank_rows]

    # Each rank on its own: 1 <= rank <= n.
    limit = ranking_size[ranking_of]
    outside = (ranks < 1 - _RANK_TOLERANCE) | (ranks > limit + _RANK_TOLERANCE)
    expected_total = issues.total + int(np.count_nonzero(outside))
    for position in np.flatnonzero(outside).tolist():
        if issues.full:
            break
        rq_code = int(ranking_rq[ranking_of[position]])
        n = int(rq_items[rq_code])
        issues.add(
            int(line[rank_rows[position]]),
            "value",
            f"{ranks[position]:g}",
            f"rank {ranks[position]:g} is outside 1..{n}: question {_quote(rq_question[rq_code])} has {n} "
            f"item(s) in round {rq_round[rq_code]}; allowed: the places 1..{n}, ties as mid-ranks (e.g. "
            f"{_mid_rank_example(n)})",
        )
    issues.total = expected_total
    broken = np.zeros(ranking_keys.size, dtype=bool)
    broken[ranking_of[outside]] = True
    broken |= np.isin(ranking_keys, tainted)

    # Each ranking as a whole: every item once, and the ranks are the mid-ranks of their own order.
    counts = np.bincount(ranking_of, minlength=ranking_keys.size)
    mid, ties = _mid_ranks(ranking_of, ranks, ranking_keys.size)
    wrong = np.bincount(
        ranking_of, weights=np.abs(mid - ranks) > _RANK_TOLERANCE, minlength=ranking_keys.size
    )
    suspicious = np.flatnonzero(~broken & ((counts != ranking_size) | (wrong > 0)))
    if suspicious.size:
        members: dict[int, list[int]] = {int(ranking): [] for ranking in suspicious}
        for position, ranking in enumerate(ranking_of.tolist()):
            if ranking in members:
                members[ranking].append(int(rank_rows[position]))
        for ranking, rows in members.items():
            if issues.full:
                issues.total += 1
                continue
            rq_code = int(ranking_rq[ranking])
            expected_codes = np.unique(ii[(rq == rq_code) & (i_code >= 0)])
            _ranking_issue(
                issues,
                line=int(line[rows].min()),
                round_=rq_round[rq_code],
                question=rq_question[rq_code],
                expert=expert_names[e_code[rows[0]]],
                items=[item_names[i_code[row]] for row in rows],
                ranks=[float(values[row]) for row in rows],
                expected={item_names[code] for code in expected_codes.tolist()},
            )
    values = values.copy()
    values[rank_rows] = mid
    return Checked(
        values=values,
        rq=rq,
        rqi=rqi,
        rqi_keys=rqi_keys,
        item_size=item_size,
        rq_round=rq_round,
        rq_question=rq_question,
        rq_items=rq_items,
        rq_rank=rq_rank,
        item_names=item_names,
        rank_rows=rank_rows,
        ranking_of=ranking_of,
        ranking_rq=ranking_rq,
        ties=ties,
    )


def _row_issue(issues: _Issues, line: int, field: str, raw: Any) -> None:
    if field == "round":
        message = f"{_quote(raw)} is not a round number; allowed: a whole number 1, 2, 3, ..."
    elif field in ("expert", "question", "item"):
        message = f"{field} is empty; allowed: any non-empty name"
        if raw is not None and not isinstance(raw, str | numbers.Integral):
            message = f"{field} {_quote(raw)} is a {type(raw).__name__}; allowed: any non-empty name"
    elif field == "kind":
        message = f"{_quote(raw)} is not a kind; allowed: {', '.join(KINDS)}"
    else:
        message = (
            f"{_quote(raw)} is not a number; allowed: a finite number such as 4 or 3.5 "
            "(decimal point, not comma)"
        )
    issues.add(line, field, raw, message)


def _check_kinds(
    line: np.ndarray,
    qq: np.ndarray,
    kind: np.ndarray,
    valid: np.ndarray,
    question_names: list[str],
    issues: _Issues,
) -> np.ndarray:
    """One issue per question with rows of both kinds; returns the codes of those questions."""
    rows = np.flatnonzero(valid)
    keys, inverse, counts = np.unique(qq[rows] * 2 + kind[rows], return_inverse=True, return_counts=True)
    first_line = np.full(keys.size, np.iinfo(np.int64).max)
    np.minimum.at(first_line, inverse, line[rows])
    question_of = keys // 2
    both = np.unique(question_of[np.flatnonzero(np.diff(question_of) == 0)])
    for question in sorted(both.tolist(), key=lambda code: natural_key(question_names[code])):
        rating, rank = np.flatnonzero(question_of == question)  # keys are sorted: rating (0), rank (1)
        later, earlier = (rank, rating) if first_line[rank] > first_line[rating] else (rating, rank)
        issues.add(
            int(first_line[later]),
            "kind",
            KINDS[keys[later] % 2],
            f"question {_quote(question_names[question])} mixes kinds: {KINDS[keys[later] % 2]!r} on "
            f"{counts[later]} line(s), the first here, and {KINDS[keys[earlier] % 2]!r} on "
            f"{counts[earlier]} line(s), the first on line {first_line[earlier]}; allowed: one kind per "
            "question, in every round",
        )
    return both


def _format_ranking(items: list[str], values: list[float]) -> str:
    pairs = sorted(zip(items, values, strict=True), key=lambda pair: natural_key(pair[0]))
    return ", ".join(f"{item}={value:g}" for item, value in pairs)


def _ranking_issue(
    issues: _Issues,
    *,
    line: int,
    round_: int,
    question: str,
    expert: str,
    items: list[str],
    ranks: list[float],
    expected: set[str],
) -> None:
    n = len(expected)
    where = f"expert {_quote(expert)}, question {_quote(question)}, round {round_}"
    missing = sorted(expected - set(items), key=natural_key)
    if missing:
        shown = ", ".join(_quote(item) for item in missing[:10]) + (" ..." if len(missing) > 10 else "")
        issues.add(
            line,
            "item",
            ", ".join(missing),
            f"{where}: ranks {len(items)} of the {n} items; missing {shown}; allowed: a ranking of every "
            "item of the question (the items are those named by any expert in that round)",
        )
        return
    given = _format_ranking(items, ranks)
    total = sum(ranks)
    if abs(total - n * (n + 1) / 2) > _RANK_TOLERANCE * n:
        issues.add(
            line,
            "value",
            given,
            f"{where}: the ranks {given} sum to {total:g}, not n(n+1)/2 = {n * (n + 1) / 2:g} for n = {n} "
            f"items; allowed: the places 1..{n}, ties as mid-ranks (e.g. {_mid_rank_example(n)})",
        )
        return
    order = sorted(ranks)
    mids: dict[float, float] = {}
    start = 0
    while start < n:
        end = start
        while end + 1 < n and order[end + 1] == order[start]:
            end += 1
        mids[order[start]] = (start + end) / 2 + 1
        start = end + 1
    issues.add(
        line,
        "value",
        given,
        f"{where}: the ranks {given} are not a valid ranking (the mid-ranks of this order are "
        f"{_format_ranking(items, [mids[rank] for rank in ranks])}); allowed: the places 1..{n}, tied "
        f"items sharing the mean of the places they take (e.g. {_mid_rank_example(n)})",
    )
