"""How the ranking moves when one weight moves: exact stability intervals, and rank paths for charts.

When the weight of criterion c is set to t and the other weights are rescaled to sum 1 - t, keeping
their proportions, the score of every candidate is a straight line in t:

.. math:: S_i(t) = (1 - t) R_i + t v_{ic}, \\qquad R_i = \\sum_{j \\ne c} w_j v_{ij} / (1 - w_c),

so two candidates swap at exactly one t, computed in closed form. The formulas, with their
references, are in ``docs/methods/priorities.md``.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import PriorityError
from .ranking import PriorityRanking, _ranking
from .table import TIE_TOLERANCE, Criterion, _competition_ranks, _prepare, _Table, _whole

__all__ = [
    "CriterionStability",
    "RankPath",
    "StabilityInterval",
    "WeightStability",
    "rank_path",
    "weight_stability",
]

Scores = Mapping[Hashable, Mapping[str, float]] | Sequence[Sequence[float]] | np.ndarray
Pair = tuple[Hashable, Hashable]

#: Pairs of candidates examined at once for the top-k interval (bounds the memory used).
_PAIRS_PER_CHUNK = 1 << 22


@dataclass(frozen=True)
class StabilityInterval:
    """The weights t of one criterion, around its current weight, that keep a ranking unchanged.

    For ``lower < t < upper`` (the other weights rescaled proportionally) the ranking is the same as
    at the current weight. At ``upper`` the two candidates of ``upper_pair`` tie, and above it the
    second, ranked below the first now, is ahead; ``upper_pair`` is ``None`` when no swap happens up to
    ``t = 1`` (then ``upper`` is 1). Likewise ``lower`` and ``lower_pair`` going down to 0. When the
    current ranking has a tie that any change of this weight breaks, ``lower == upper`` == the current
    weight and both pairs name the tied candidates.
    """

    lower: float
    upper: float
    lower_pair: Pair | None
    upper_pair: Pair | None


@dataclass(frozen=True)
class CriterionStability:
    """The stability of the ranking in the weight of one criterion, see :func:`weight_stability`.

    ``weight`` is its current (normalised) weight; ``order`` keeps the complete order of the
    candidates, ``top`` keeps the set of candidates ranked ``1..top_k``.
    """

    criterion: str
    weight: float
    order: StabilityInterval
    top: StabilityInterval


@dataclass(frozen=True)
class WeightStability:
    """Per criterion, in the order given, the weights that keep the ranking; and the ranking itself."""

    criteria: tuple[CriterionStability, ...]
    top_k: int
    ranking: PriorityRanking


@dataclass(frozen=True)
class RankPath:
    """Score and rank of every candidate as the weight of ``criterion`` goes from 0 to 1.

    ``weights`` are the weights t of the steps (0 and 1 included); ``scores[i][s]`` and
    ``ranks[i][s]`` belong to ``candidates[i]`` at step ``s``; ``weight`` is the current weight.
    """

    criterion: str
    weight: float
    weights: tuple[float, ...]
    candidates: tuple[Hashable, ...]
    scores: tuple[tuple[float, ...], ...]
    ranks: tuple[tuple[int, ...], ...]


def _criterion_index(table: _Table, criterion: Any) -> int:
    keys = [c.key for c in table.criteria]
    if criterion not in keys:
        raise PriorityError(f"unknown criterion {criterion!r}; allowed: {', '.join(map(repr, keys))}")
    return keys.index(criterion)


def _lines(table: _Table, c: int) -> tuple[np.ndarray, np.ndarray]:
    """``(R, V)`` with the score of candidate i at weight t equal to ``R[i] + t * (V[i] - R[i])``.

    R is the score from the other criteria, their weights rescaled to sum 1; when they all weigh 0
    (the weight of c is 1), the rest is split equally among them.
    """
    if len(table.criteria) < 2:
        raise PriorityError("weight sensitivity needs at least 2 criteria: with one, its weight is always 1")
    others = table.weights.copy()
    others[c] = 0.0
    rest = others.sum()
    base = table.values @ (others / rest) if rest > 0 else np.delete(table.values, c, axis=1).mean(axis=1)
    return base, table.values[:, c]


def _first_swaps(
    ahead: np.ndarray, behind: np.ndarray, base: np.ndarray, value: np.ndarray, t0: float
) -> tuple[float, int | None, float, int | None, int | None]:
    """Over the pairs ``(ahead[p], behind[p])``: the highest swap below t0 and the lowest above it.

    Returns ``(lower, lower_index, upper, upper_index, tied_index)``: the indices are positions in
    the pair arrays, ``None`` when no pair swaps on that side; ``tied_index`` is the first pair tied
    at t0 whose tie any change of t breaks (identical lines never swap and are left out).
    """
    d_zero = base[ahead] - base[behind]  # the difference of scores at t = 0 ...
    d_one = value[ahead] - value[behind]  # ... and at t = 1
    now = d_zero + t0 * (d_one - d_zero)
    identical = (np.abs(d_zero) <= TIE_TOLERANCE) & (np.abs(d_one) <= TIE_TOLERANCE)
    tied = np.flatnonzero((np.abs(now) <= TIE_TOLERANCE) & ~identical)
    if tied.size:
        return t0, None, t0, None, int(tied[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        root = d_zero / (d_zero - d_one)
    lower, lower_index, upper, upper_index = 0.0, None, 1.0, None
    down = np.flatnonzero(d_zero < 0)  # ahead now, behind at t = 0: they swap below t0
    if down.size:
        best = int(down[np.argmax(root[down])])
        lower, lower_index = float(np.clip(root[best], 0.0, t0)), best
    up = np.flatnonzero(d_one < 0)  # ahead now, behind at t = 1: they swap above t0
    if up.size:
        best = int(up[np.argmin(root[up])])
        upper, upper_index = float(np.clip(root[best], t0, 1.0)), best
    return lower, lower_index, upper, upper_index, None


def _interval(
    names: tuple[Hashable, ...], ahead: np.ndarray, behind: np.ndarray, found: tuple, t0: float
) -> StabilityInterval:
    lower, lower_index, upper, upper_index, tied = found

    def pair(index: int | None) -> Pair | None:
        return None if index is None else (names[ahead[index]], names[behind[index]])

    if tied is not None:
        return StabilityInterval(t0, t0, pair(tied) if t0 > 0 else None, pair(tied) if t0 < 1 else None)
    return StabilityInterval(lower, upper, pair(lower_index), pair(upper_index))


def _order_interval(table: _Table, order: np.ndarray, base: np.ndarray, value: np.ndarray, t0: float):
    # Lines that do not cross before t cannot change order before a pair of neighbours does, so the
    # neighbours in the current order are the only pairs to look at (ties are found among them too).
    ahead, behind = order[:-1], order[1:]
    return _interval(table.candidates, ahead, behind, _first_swaps(ahead, behind, base, value, t0), t0)


def _top_interval(
    table: _Table, order: np.ndarray, ranks: np.ndarray, top_k: int, base: np.ndarray, value: np.ndarray, t0
) -> StabilityInterval:
    inside = order[ranks[order] <= top_k]
    outside = order[ranks[order] > top_k]
    if outside.size == 0:
        return StabilityInterval(0.0, 1.0, None, None)
    if inside.size > top_k:
        # A tie straddles place k: breaking it drops some of the tied candidates out of the top.
        last = inside[ranks[inside] == ranks[inside].max()]
        ahead, behind = np.repeat(last, last.size), np.tile(last, last.size)
        keep = ahead != behind
        ahead, behind = ahead[keep], behind[keep]
        found = _first_swaps(ahead, behind, base, value, t0)
        if found[4] is not None:
            return _interval(table.candidates, ahead, behind, found, t0)
    # The set changes when a candidate from outside first ties one inside: look at all such pairs.
    lower, upper = (0.0, None, None), (1.0, None, None)
    rows = max(1, _PAIRS_PER_CHUNK // outside.size)
    for start in range(0, inside.size, rows):
        ahead = np.repeat(inside[start : start + rows], outside.size)
        behind = np.tile(outside, min(rows, inside.size - start))
        found = _first_swaps(ahead, behind, base, value, t0)
        if found[4] is not None:
            return _interval(table.candidates, ahead, behind, found, t0)
        if found[1] is not None and found[0] > lower[0]:
            lower = (found[0], ahead[found[1]], behind[found[1]])
        if found[3] is not None and (upper[1] is None or found[2] < upper[0]):
            upper = (found[2], ahead[found[3]], behind[found[3]])
    names = table.candidates
    return StabilityInterval(
        lower[0],
        upper[0],
        None if lower[1] is None else (names[lower[1]], names[lower[2]]),
        None if upper[1] is None else (names[upper[1]], names[upper[2]]),
    )


def weight_stability(
    scores: Scores,
    criteria: Sequence[Criterion],
    *,
    candidates: Sequence[Hashable] | None = None,
    normalisation: str = "minmax",
    top_k: int = 3,
) -> WeightStability:
    """For each criterion, the interval of its weight in which the ranking stays the same, exactly.

    The weight of one criterion c moves from its current value :math:`w_c` to t in [0, 1], and the
    other weights are rescaled to sum 1 - t in their current proportions (if they are all 0, the
    rest is split equally among them). Every candidate's score is then linear in t, so the weight at
    which two candidates swap is computed exactly rather than searched for.

    Parameters
    ----------
    scores, criteria, candidates, normalisation
        As for :func:`~clusterworks.analytics.priorities.rank_priorities`; at least 2 criteria.
    top_k : int, default 3
        The size of the top set whose stability is reported besides the complete order (at least
        1). The top set is the candidates ranked 1..top_k (more when a tie straddles place top_k).

    Returns
    -------
    WeightStability
        ``criteria``: one :class:`CriterionStability` per criterion, in the order given, with the
        current weight and two :class:`StabilityInterval`: ``order`` for the complete order,
        ``top`` for the top set; ``ranking``: the ranking at the current weights.

    Raises
    ------
    PriorityError
        As :func:`~clusterworks.analytics.priorities.rank_priorities`, if there is one criterion
        only, or if ``top_k`` is not a whole number of at least 1.

    Notes
    -----
    For candidates a ahead of b, the difference of their scores is
    :math:`d(t) = (1 - t)(R_a - R_b) + t (v_{ac} - v_{bc})`. It vanishes at
    :math:`t^* = (R_a - R_b) / ((R_a - R_b) - (v_{ac} - v_{bc}))`: above the current weight if
    b beats a on criterion c (:math:`v_{bc} > v_{ac}`), below it if b beats a on the rest
    (:math:`R_b > R_a`). The order interval is bounded by the nearest :math:`t^*` on each side among
    neighbours in the current order (the first pair of lines to cross is always a pair of
    neighbours); the top interval by the nearest :math:`t^*` among pairs of one candidate in the top
    set and one outside it. This is the one-weight-at-a-time sensitivity analysis of the weighted
    sum model of Triantaphyllou & Sánchez (1997), who give the smallest change of a weight that
    reverses a pair; here the changes of all pairs are combined into the interval that keeps the
    whole ranking.

    References
    ----------
    .. [1] Triantaphyllou, E., & Sánchez, A. (1997). A sensitivity analysis approach for some
       deterministic multi-criteria decision-making methods. *Decision Sciences*, 28(1), 151-194.
       https://doi.org/10.1111/j.1540-5915.1997.tb01306.x

    Examples
    --------
    Impact (weight 0.6) favours A, feasibility (0.4) favours B, C is in between on both:

    >>> criteria = [Criterion("impact", 0.6), Criterion("feasibility", 0.4)]
    >>> scores = {"A": {"impact": 9, "feasibility": 1},
    ...           "B": {"impact": 1, "feasibility": 9},
    ...           "C": {"impact": 6, "feasibility": 5}}
    >>> result = weight_stability(scores, criteria, top_k=1)
    >>> impact = result.criteria[0]

    Normalised, A = (1, 0), B = (0, 1), C = (0.625, 0.5); at impact weight t the scores are A = t,
    B = 1 - t, C = 0.5 + 0.125 t: the order A, C, B holds while t > 0.5 + 0.125 t, that is
    t > 4/7, and C passes A there. B passes C below t = 4/9, but C passes A first:

    >>> round(impact.order.lower, 6), impact.order.upper, impact.order.lower_pair
    (0.571429, 1.0, ('A', 'C'))
    >>> round(impact.top.lower, 6), impact.top.upper_pair
    (0.571429, None)
    """
    top_k = _whole("top_k", top_k, minimum=1)
    table = _prepare(scores, criteria, candidates=candidates, normalisation=normalisation)
    ranking = _ranking(table)
    index = {name: position for position, name in enumerate(table.candidates)}
    order = np.array([index[row.candidate] for row in ranking.rows], dtype=np.intp)
    ranks = np.empty(order.size, dtype=np.int64)
    ranks[order] = [row.rank for row in ranking.rows]
    result = []
    for c, criterion in enumerate(table.criteria):
        base, value = _lines(table, c)
        t0 = float(table.weights[c])
        result.append(
            CriterionStability(
                criterion=criterion.key,
                weight=t0,
                order=_order_interval(table, order, base, value, t0),
                top=_top_interval(table, order, ranks, top_k, base, value, t0),
            )
        )
    return WeightStability(criteria=tuple(result), top_k=top_k, ranking=ranking)


def rank_path(
    scores: Scores,
    criteria: Sequence[Criterion],
    criterion: str,
    *,
    candidates: Sequence[Hashable] | None = None,
    normalisation: str = "minmax",
    steps: int = 21,
) -> RankPath:
    """Score and rank of every candidate as the weight of one criterion goes from 0 to 1.

    The other weights are rescaled as in :func:`weight_stability`; ranks are computed as in
    :func:`~clusterworks.analytics.priorities.rank_priorities` (ties share the best rank).

    Parameters
    ----------
    scores, criteria, candidates, normalisation
        As for :func:`~clusterworks.analytics.priorities.rank_priorities`; at least 2 criteria.
    criterion : str
        The key of the criterion whose weight moves.
    steps : int, default 21
        The number of weights, evenly spaced from 0 to 1 inclusive (21: steps of 0.05); at least 2.

    Returns
    -------
    RankPath
        Candidates in the order given, one score and rank per step each.

    Raises
    ------
    PriorityError
        As :func:`weight_stability`, or if ``criterion`` is unknown or ``steps`` is below 2.

    Examples
    --------
    >>> criteria = [Criterion("impact", 0.6), Criterion("feasibility", 0.4)]
    >>> scores = {"A": {"impact": 9, "feasibility": 1}, "B": {"impact": 1, "feasibility": 9}}
    >>> path = rank_path(scores, criteria, "impact", steps=5)
    >>> path.weights
    (0.0, 0.25, 0.5, 0.75, 1.0)
    >>> path.scores[0], path.ranks[0], path.ranks[1]
    ((0.0, 0.25, 0.5, 0.75, 1.0), (2, 2, 1, 1, 1), (1, 1, 1, 2, 2))
    """
    steps = _whole("steps", steps, minimum=2)
    table = _prepare(scores, criteria, candidates=candidates, normalisation=normalisation)
    c = _criterion_index(table, criterion)
    base, value = _lines(table, c)
    weights = np.linspace(0.0, 1.0, steps)
    path = base[None, :] + weights[:, None] * (value - base)[None, :]  # steps x candidates
    ranks = np.stack([_competition_ranks(row) for row in path])
    return RankPath(
        criterion=table.criteria[c].key,
        weight=float(table.weights[c]),
        weights=tuple(weights.tolist()),
        candidates=table.candidates,
        scores=tuple(tuple(column) for column in path.T.tolist()),
        ranks=tuple(tuple(column) for column in ranks.T.tolist()),
    )
