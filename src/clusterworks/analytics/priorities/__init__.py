"""Ranking development priorities by weighted criteria, and how far the ranking can be trusted.

A foresight team scores candidate priorities (technologies, products, research lines) on several
criteria -- often the medians of a Delphi panel's ratings -- and weighs the criteria. This package:

* ranks the candidates by the weighted sum of their normalised scores, with each criterion's
  contribution to every score (:func:`rank_priorities`);
* finds, exactly, how far each weight may move before the ranking or its top set changes, and which
  pair of candidates swaps first (:func:`weight_stability`), and traces every candidate's rank as one
  weight goes from 0 to 1 (:func:`rank_path`);
* draws the weights at random, SMAA-2 style, and reports how often each candidate takes each place
  (:func:`rank_acceptability`);
* reads the scores and criteria from CSV files, reporting every problem at once (:func:`read_priority_csv`).

The library is pure (numpy; no Django) and raises only :class:`PriorityError` and its subclass
:class:`InvalidPriorityInput`. The formulas and their sources are in ``docs/methods/priorities.md``.

Examples
--------
>>> from clusterworks.analytics.priorities import Criterion, rank_priorities
>>> criteria = [Criterion("impact", 2), Criterion("cost", 1, direction="cost")]
>>> scores = {"A": {"impact": 7, "cost": 5}, "B": {"impact": 5, "cost": 1}}
>>> [(row.rank, row.candidate, round(row.score, 4)) for row in rank_priorities(scores, criteria).rows]
[(1, 'A', 0.6667), (2, 'B', 0.3333)]
"""

from __future__ import annotations

from .acceptability import DEFAULT_SPREAD, RankAcceptability, rank_acceptability
from .errors import InputIssue, InvalidPriorityInput, PriorityError
from .io import (
    ACCEPTABILITY_FIRST_COLUMNS,
    CRITERIA_COLUMNS,
    RANKING_FIRST_COLUMNS,
    SCORE_COLUMNS,
    STABILITY_COLUMNS,
    acceptability_records,
    acceptability_rows,
    ranking_records,
    ranking_rows,
    read_priority_csv,
    stability_records,
    stability_rows,
)
from .ranking import PriorityRanking, PriorityRow, rank_priorities
from .sensitivity import (
    CriterionStability,
    RankPath,
    StabilityInterval,
    WeightStability,
    rank_path,
    weight_stability,
)
from .table import CONSTANT_VALUE, DIRECTIONS, NORMALISATIONS, TIE_TOLERANCE, Criterion

__all__ = [
    "ACCEPTABILITY_FIRST_COLUMNS",
    "CONSTANT_VALUE",
    "CRITERIA_COLUMNS",
    "DEFAULT_SPREAD",
    "DIRECTIONS",
    "NORMALISATIONS",
    "RANKING_FIRST_COLUMNS",
    "SCORE_COLUMNS",
    "STABILITY_COLUMNS",
    "TIE_TOLERANCE",
    "Criterion",
    "CriterionStability",
    "InputIssue",
    "InvalidPriorityInput",
    "PriorityError",
    "PriorityRanking",
    "PriorityRow",
    "RankAcceptability",
    "RankPath",
    "StabilityInterval",
    "WeightStability",
    "acceptability_records",
    "acceptability_rows",
    "rank_acceptability",
    "rank_path",
    "rank_priorities",
    "ranking_records",
    "ranking_rows",
    "read_priority_csv",
    "stability_records",
    "stability_rows",
    "weight_stability",
]
