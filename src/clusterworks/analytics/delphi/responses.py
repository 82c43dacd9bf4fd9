"""A table of Delphi responses, validated, summarised item by item and question by question.

One response is one answer of one expert to one item of one question in one round. A question is
either a *rating* question (each item rated on a scale) or a *rank* question (each expert ranks all
its items 1..n, ties as mid-ranks). :func:`summarise_responses` checks the whole table, reports every
problem at once, and computes :class:`~.items.ItemStatistics` per round, question and item and
Kendall's W per round and rank question -- for all items at once, with numpy, rather than item by
item.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter
from typing import Any

import numpy as np

from ._common import _real, natural_key
from .concordance import KendallW, _kendall_from_sums
from .errors import DelphiError
from .items import ItemStatistics, _grouped_item_statistics, _item_statistics_at
from .validation import COLUMNS, KINDS, MAX_ISSUES, _Issues, check_columns

__all__ = [
    "COLUMNS",
    "KINDS",
    "MAX_ISSUES",
    "ItemSummary",
    "QuestionSummary",
    "Response",
    "summarise_responses",
]


@dataclass(frozen=True)
class Response:
    """One answer: ``expert`` gave ``value`` to ``item`` of ``question`` in ``round``.

    ``kind`` is ``"rating"`` or ``"rank"``; ``line`` optionally says where the answer came from, for
    error messages.
    """

    round: int
    expert: str
    question: str
    item: str
    kind: str
    value: float
    line: int | None = None


@dataclass(frozen=True)
class ItemSummary:
    """The statistics of the answers to one item of one question in one round."""

    round: int
    question: str
    item: str
    kind: str
    statistics: ItemStatistics


@dataclass(frozen=True)
class QuestionSummary:
    """Kendall's W of the rankings of one rank question in one round."""

    round: int
    question: str
    kendall: KendallW


# ----------------------------------------------------------------------------------------- summarise


def summarise_responses(
    rows: Iterable[Response | Mapping[str, Any]],
    *,
    band: float = 1.0,
    first_line: int = 1,
    source: str = "",
) -> tuple[tuple[ItemSummary, ...], tuple[QuestionSummary, ...]]:
    """Check a table of Delphi responses and compute the statistics of every item and rank question.

    Parameters
    ----------
    rows : iterable of Response or mapping
        The answers; a mapping needs the keys ``round, expert, question, item, kind, value`` (values
        as numbers or as text, as read from a CSV file) and may have ``line``.
    band : float, default 1.0
        Half-width of the agreement band, in scale points (see :func:`~.items.item_statistics`).
    first_line : int, default 1
        The line number of the first row in messages, for rows that do not carry their own
        ``line`` (2 for the rows of a CSV file under its header).
    source : str, default ""
        Where the rows come from (a file name), for messages.

    Returns
    -------
    items : tuple of ItemSummary
        One per round, question and item, sorted by round, then question and item in natural order
        (``q2`` before ``q10``).
    questions : tuple of QuestionSummary
        One per round and rank question, in the same order, with Kendall's W (tie-corrected) of the
        experts who ranked it in that round.

    Raises
    ------
    InvalidResponses
        If any row breaks a rule below; every problem found is reported (up to 100, all counted):

        * ``round`` is a whole number >= 1; ``expert``, ``question`` and ``item`` are non-empty;
          ``kind`` is ``rating`` or ``rank``; ``value`` is a finite number;
        * at most one answer per round, expert, question and item;
        * a question has one kind in every round;
        * rank questions: the items of a question in a round are all the items any expert named
          for it in that round (n of them); each expert who ranks the question ranks every one of
          them, with places in 1..n that are a valid ranking with mid-ranks for ties -- so they sum
          to n(n+1)/2 -- within a tolerance of 1e-9 (they are then taken as the exact mid-ranks).
    DelphiError
        If ``band`` is not allowed or a row is neither a Response nor a mapping with those keys.

    Notes
    -----
    All items are computed at once: the answers are sorted by item and value once, and the
    quartiles, means, standard deviations and agreement shares of every item are read off with
    array operations (:func:`~.items.item_statistics` uses the same code for one item).

    Examples
    --------
    >>> rows = [
    ...     {"round": 1, "expert": e, "question": "q1", "item": i, "kind": "rank", "value": v}
    ...     for e, ranking in {"ann": (1, 2, 3), "bob": (1, 3, 2), "cat": (2, 1, 3)}.items()
    ...     for i, v in zip(("a", "b", "c"), ranking)
    ... ]
    >>> items, questions = summarise_responses(rows)
    >>> [(s.item, s.statistics.median, s.statistics.n) for s in items]
    [('a', 1.0, 3), ('b', 2.0, 3), ('c', 3.0, 3)]
    >>> round(questions[0].kendall.w, 4), questions[0].kendall.experts
    (0.4444, 3)
    >>> summarise_responses([{**rows[0], "value": "high"}])
    Traceback (most recent call last):
        ...
    clusterworks.analytics.delphi.errors.InvalidResponses: line 1, field 'value': 'high' is not a \
number; allowed: a finite number such as 4 or 3.5 (decimal point, not comma)
    """
    band = _real("band", band, minimum=0.0)
    lines, columns = _columns(rows, first_line)
    return summarise_columns(lines, columns, band=band, source=source)


def _columns(
    rows: Iterable[Response | Mapping[str, Any]], first_line: int
) -> tuple[list[int], dict[str, list[Any]]]:
    """The rows as the columns of :data:`COLUMNS`, and the line of each row."""
    rows = list(rows)
    if set(map(type, rows)) <= {dict}:
        # Plain dicts (as from csv.DictReader or a JSON list), column by column in C.
        try:
            columns = {column: list(map(itemgetter(column), rows)) for column in COLUMNS}
        except KeyError:
            pass  # the loop below names the row without the key
        else:
            if not any(map(operator.contains, rows, repeat("line"))):
                return list(range(first_line, first_line + len(rows))), columns
    lines: list[int] = []
    columns: dict[str, list[Any]] = {column: [] for column in COLUMNS}
    appenders = [columns[column].append for column in COLUMNS]
    for index, row in enumerate(rows):
        if isinstance(row, Response):
            lines.append(row.line if row.line is not None else first_line + index)
            cells: Sequence[Any] = (row.round, row.expert, row.question, row.item, row.kind, row.value)
        elif isinstance(row, Mapping):
            try:
                cells = [row[column] for column in COLUMNS]
            except KeyError:
                missing = ", ".join(column for column in COLUMNS if column not in row)
                raise DelphiError(
                    f"row {first_line + index} has no {missing}; each row needs the keys {', '.join(COLUMNS)}"
                ) from None
            lines.append(row.get("line") or first_line + index)
        else:
            raise DelphiError(
                f"row {first_line + index} is a {type(row).__name__}; allowed: Response or a mapping "
                f"with the keys {', '.join(COLUMNS)}"
            )
        for append, cell in zip(appenders, cells, strict=True):
            append(cell)
    return lines, columns


def summarise_columns(
    lines: Sequence[int],
    columns: Mapping[str, Sequence[Any]],
    *,
    band: float,
    source: str = "",
    issues: _Issues | None = None,
) -> tuple[tuple[ItemSummary, ...], tuple[QuestionSummary, ...]]:
    """:func:`summarise_responses` of a table given as columns (``COLUMNS``, raw cells) with the line
    of each row; ``issues`` may already hold problems found while reading a file."""
    issues = issues if issues is not None else _Issues(MAX_ISSUES)
    if not issues.total and not len(lines):
        issues.add(None, "", "", "there are no responses; at least one answer is needed")
    checked = check_columns(lines, dict(columns), issues)
    issues.raise_if_any(source)

    # Items in output order: by round, then question and item in natural order.
    n_items = checked.rqi_keys.size
    item_rq = checked.rqi_keys // checked.item_size
    item_name = checked.rqi_keys % checked.item_size
    keys = [
        (checked.rq_round[rq], checked.rq_question[rq], checked.item_names[item])
        for rq, item in zip(item_rq.tolist(), item_name.tolist(), strict=True)
    ]
    natural = {name: natural_key(name) for name in {*checked.rq_question, *checked.item_names}}
    order = sorted(range(n_items), key=lambda k: (keys[k][0], natural[keys[k][1]], natural[keys[k][2]]))
    position = np.empty(n_items, dtype=np.int64)
    position[order] = np.arange(n_items)
    group = position[checked.rqi]
    columns_ = _grouped_item_statistics(group, checked.values, n_items, band)
    item_rq = item_rq[order]
    items = tuple(
        ItemSummary(
            *keys[k],
            "rank" if checked.rq_rank[item_rq[index]] else "rating",
            _item_statistics_at(columns_, index, band),
        )
        for index, k in enumerate(order)
    )

    # Kendall's W per round and rank question: S from the rank sums of its items (every expert who
    # ranks the question ranks all its items, so each item has m answers), ties from each ranking.
    n_rq = checked.rq_items.size
    counts, sums = columns_["n"], columns_["sum"]
    deviation = sums - counts * (checked.rq_items[item_rq] + 1) / 2.0
    spread = np.bincount(item_rq, weights=deviation * deviation, minlength=n_rq)
    experts = np.zeros(n_rq, dtype=np.int64)
    experts[item_rq] = counts
    ties = np.bincount(checked.ranking_rq, weights=checked.ties, minlength=n_rq)
    rank_questions = sorted(
        np.flatnonzero(checked.rq_rank).tolist(),
        key=lambda rq: (checked.rq_round[rq], natural_key(checked.rq_question[rq])),
    )
    questions = tuple(
        QuestionSummary(
            checked.rq_round[rq],
            checked.rq_question[rq],
            _kendall_from_sums(
                float(spread[rq]), int(experts[rq]), int(checked.rq_items[rq]), round(float(ties[rq])), True
            ),
        )
        for rq in rank_questions
    )
    return items, questions
