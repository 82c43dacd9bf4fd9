"""Ranking candidates by the weighted sum of their normalised scores, with each criterion's share.

The formulas, with their references, are in ``docs/methods/priorities.md``.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .table import Criterion, _competition_ranks, _prepare, _Table

__all__ = ["PriorityRanking", "PriorityRow", "rank_priorities"]


@dataclass(frozen=True)
class PriorityRow:
    """One candidate of a :class:`PriorityRanking`.

    ``score`` is the weighted sum in [0, 1]; ``rank`` is 1 for the best, tied candidates sharing the
    best rank of their group ("1224"); ``contributions`` maps each criterion key to weight x
    normalised value, in the order of the criteria, and sums to ``score``.
    """

    candidate: Hashable
    score: float
    rank: int
    contributions: dict[str, float]


@dataclass(frozen=True)
class PriorityRanking:
    """Candidates ordered by score, see :func:`rank_priorities`.

    ``rows`` are ordered by rank, tied candidates in the order they were given; ``weights`` are the
    criteria's weights divided by their sum; ``criteria`` and ``normalisation`` are as given.
    """

    rows: tuple[PriorityRow, ...]
    weights: dict[str, float]
    criteria: tuple[Criterion, ...]
    normalisation: str

    def ranks(self) -> dict[Hashable, int]:
        """The rank of every candidate, in the order of the rows."""
        return {row.candidate: row.rank for row in self.rows}


def _ranking(table: _Table) -> PriorityRanking:
    contributions = table.values * table.weights
    scores = contributions.sum(axis=1)
    ranks = _competition_ranks(scores)
    order = np.lexsort((np.arange(scores.size), ranks))
    keys = [criterion.key for criterion in table.criteria]
    rows = tuple(
        PriorityRow(
            candidate=table.candidates[index],
            score=float(scores[index]),
            rank=int(ranks[index]),
            contributions=dict(zip(keys, contributions[index].tolist(), strict=True)),
        )
        for index in order.tolist()
    )
    return PriorityRanking(
        rows=rows,
        weights=dict(zip(keys, table.weights.tolist(), strict=True)),
        criteria=table.criteria,
        normalisation=table.normalisation,
    )


def rank_priorities(
    scores: Mapping[Hashable, Mapping[str, float]] | Sequence[Sequence[float]] | np.ndarray,
    criteria: Sequence[Criterion],
    *,
    candidates: Sequence[Hashable] | None = None,
    normalisation: str = "minmax",
) -> PriorityRanking:
    """Rank development priorities by the weighted sum of their normalised scores.

    Parameters
    ----------
    scores : mapping or 2-D array
        Either a mapping candidate -> {criterion key -> score} with a score for every criterion and
        no other key, or an array with one row per candidate and one column per criterion (in the
        order of ``criteria``) together with ``candidates``. Scores are finite numbers, e.g. the
        median rating of a Delphi panel or a market size.
    criteria : sequence of Criterion
        The criteria, with their weights (divided by their sum), directions and scales.
    candidates : sequence, optional
        One name per row of an array of scores (unique); not allowed with a mapping.
    normalisation : {"minmax", "scale"}, default "minmax"
        How scores become values in [0, 1], 1 = best:

        * "minmax": over the candidates, :math:`v = (x - \\min) / (\\max - \\min)` for a benefit and
          :math:`v = (\\max - x) / (\\max - \\min)` for a cost criterion; when every candidate has
          the same score the criterion cannot tell them apart and every candidate gets 0.5
          (:data:`CONSTANT_VALUE`).
        * "scale": over the criterion's declared scale, :math:`v = (x - low) / (high - low)`
          (reversed for a cost), so that the values do not depend on which candidates are compared;
          every criterion must have ``low`` and ``high``.

    Returns
    -------
    PriorityRanking
        Rows ordered by rank. The score of candidate i is :math:`S_i = \\sum_j w_j v_{ij}` in
        [0, 1], with :math:`w_j` the normalised weights; its contribution from criterion j is
        :math:`w_j v_{ij}`. Scores within :data:`TIE_TOLERANCE` (1e-9) are tied: the rank of a
        candidate is one plus the number of candidates scoring more than 1e-9 above it, so tied
        candidates share the best rank of their group and the next rank is skipped ("1224").

    Raises
    ------
    PriorityError
        If a criterion is duplicated or every weight is 0, a candidate lacks a score or has one for
        an unknown criterion, a score is not a finite number or is outside the criterion's scale,
        ``normalisation="scale"`` meets a criterion without a scale, or the arguments have the
        wrong shape; the message names the value.

    References
    ----------
    .. [1] Triantaphyllou, E. (2000). *Multi-Criteria Decision Making Methods: A Comparative Study*.
       Springer, chapter 2 (the weighted sum model). https://doi.org/10.1007/978-1-4757-3157-6
    .. [2] Keeney, R. L., & Raiffa, H. (1993). *Decisions with Multiple Objectives: Preferences and
       Value Tradeoffs* (2nd ed.). Cambridge University Press, chapter 3 (additive value functions).
       https://doi.org/10.1017/CBO9781139174084

    Examples
    --------
    Three priorities rated by a panel on impact (1-9, weight 3) and cost (millions, weight 1):

    >>> criteria = [Criterion("impact", 3), Criterion("cost", 1, direction="cost")]
    >>> scores = {"implants": {"impact": 8, "cost": 40},
    ...           "telemedicine": {"impact": 6, "cost": 10},
    ...           "biobank": {"impact": 4, "cost": 20}}
    >>> ranking = rank_priorities(scores, criteria)

    Impact 4..8 becomes 0, 0.5, 1; cost 10..40 (less is better) becomes 1, 0, 2/3. With weights
    0.75 and 0.25, implants scores 0.75 * 1 + 0.25 * 0 = 0.75, telemedicine 0.375 + 0.25 = 0.625 and
    biobank 0 + 0.25 * 2/3 = 0.1667:

    >>> [(row.rank, row.candidate, round(row.score, 4)) for row in ranking.rows]
    [(1, 'implants', 0.75), (2, 'telemedicine', 0.625), (3, 'biobank', 0.1667)]
    >>> ranking.rows[1].contributions
    {'impact': 0.375, 'cost': 0.25}
    """
    return _ranking(_prepare(scores, criteria, candidates=candidates, normalisation=normalisation))
