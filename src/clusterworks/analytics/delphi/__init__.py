"""Consensus statistics of Delphi surveys.

A Delphi survey asks a panel of experts the same questions over several rounds, showing them the
group's answers in between, until the answers converge or stop changing. This package measures that:

* per item: median, quartiles, IQR, mean, standard deviation, coefficient of variation and the share
  of answers near the median (:func:`item_statistics`), and a consensus rule on them
  (:func:`consensus_reached`);
* per rank question: Kendall's coefficient of concordance W, tie-corrected, with its chi-squared
  test (:func:`kendall_w`);
* between rounds: the Wilcoxon signed-rank test and the change of the CV (:func:`stability`), and a
  stopping rule on them (:func:`stability_reached`);
* between groups of experts: Mann-Whitney U or Kruskal-Wallis H (:func:`group_difference`);
* for a whole table of answers, validated, all of the above per round, question and item
  (:func:`summarise_responses`; from a CSV file, :func:`summarise_responses_csv`).

The library is pure (numpy and scipy; no Django) and raises only :class:`DelphiError` and its
subclass :class:`InvalidResponses`. The formulas and their sources are in ``docs/methods/delphi.md``.

Examples
--------
>>> from clusterworks.analytics.delphi import item_statistics, consensus_reached
>>> consensus_reached(item_statistics([5, 6, 6, 6, 7, 7, 5, 6]))
(True, 'consensus: IQR 0.5 <= 1; agreement 1 >= 0.75')
"""

from __future__ import annotations

from .change import (
    ZERO_METHODS,
    GroupDifference,
    Stability,
    group_difference,
    stability,
    stability_reached,
)
from .concordance import KendallW, kendall_w
from .errors import DelphiError, InvalidResponses, ResponseIssue
from .io import (
    ITEM_COLUMNS,
    QUESTION_COLUMNS,
    format_number,
    item_records,
    item_rows,
    question_records,
    question_rows,
    summarise_responses_csv,
    write_csv_tables,
)
from .items import ItemStatistics, consensus_reached, item_statistics
from .responses import COLUMNS, KINDS, ItemSummary, QuestionSummary, Response, summarise_responses

__all__ = [
    "COLUMNS",
    "ITEM_COLUMNS",
    "KINDS",
    "QUESTION_COLUMNS",
    "ZERO_METHODS",
    "DelphiError",
    "GroupDifference",
    "InvalidResponses",
    "ItemStatistics",
    "ItemSummary",
    "KendallW",
    "QuestionSummary",
    "Response",
    "ResponseIssue",
    "Stability",
    "consensus_reached",
    "format_number",
    "group_difference",
    "item_records",
    "item_rows",
    "item_statistics",
    "kendall_w",
    "question_records",
    "question_rows",
    "stability",
    "stability_reached",
    "summarise_responses",
    "summarise_responses_csv",
    "write_csv_tables",
]
