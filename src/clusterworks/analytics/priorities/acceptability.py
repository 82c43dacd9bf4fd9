"""Rank acceptability: how often each candidate takes each place when the weights are uncertain.

SMAA-2 style Monte Carlo: weights are drawn from a Dirichlet distribution (centred on the given
weights, or uniform over all weights), every sample ranks the candidates, and the shares of samples
per candidate and place are counted. All samples of a chunk are scored with one matrix product and
ranked with one sort. The formulas, with their references, are in ``docs/methods/priorities.md``.
"""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import PriorityError
from .table import TIE_TOLERANCE, Criterion, _prepare, _real, _whole

__all__ = ["DEFAULT_SPREAD", "MAX_CANDIDATES", "RankAcceptability", "rank_acceptability"]

#: The default spread of the sampled weights: a weight w varies with standard deviation
#: 0.2 * sqrt(w (1 - w)), e.g. 0.1 for a weight of 0.5 (Dirichlet concentration 1 / 0.2^2 - 1 = 24).
DEFAULT_SPREAD = 0.2

#: The most candidates: the acceptability matrix has one entry per candidate and place (4096^2 =
#: 16.8 million), and :func:`_rank_counts` packs a candidate's index into 12 bits of its score.
MAX_CANDIDATES = 4096

#: Scores computed at once (samples x candidates): about 8 MB of floats per chunk.
_CHUNK_SCORES = 1 << 20


@dataclass(frozen=True)
class RankAcceptability:
    """Rank acceptability of the candidates, see :func:`rank_acceptability`.

    ``acceptability[i][r]`` is the share of weight samples in which ``candidates[i]`` (in the order
    given) takes place ``r + 1``; every row and every column sums to 1. ``expected_rank[i]`` is
    :math:`\\sum_r (r + 1)\\, b_{ir}` and ``first_rank[i]`` is ``acceptability[i][0]``.
    ``concentration`` is the Dirichlet concentration used (``None`` for uniform weights).
    """

    candidates: tuple[Hashable, ...]
    acceptability: tuple[tuple[float, ...], ...]
    expected_rank: tuple[float, ...]
    first_rank: tuple[float, ...]
    samples: int
    spread: float | None
    concentration: float | None

    def matrix(self) -> np.ndarray:
        """The acceptabilities as a candidates x places array."""
        return np.array(self.acceptability, dtype=float)


def _rank_counts(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Candidates x places: how many of the weight vectors (rows of ``weights``) put each candidate
    at each place. Scores within :data:`TIE_TOLERANCE` of the next form a tie group; each of its g
    members gets 1/g of each place the group takes, so every sample adds 1 to every row and column.

    A plain float sort is several times faster than an argsort (numpy sorts floats with SIMD
    instructions where the processor has them), so each candidate's index is packed into the lowest
    mantissa bits of its (negated) score -- 6 bits for 60 candidates, at most 12 for
    :data:`MAX_CANDIDATES`: a relative change below 2^-40, far below the tie tolerance -- the keys
    are sorted, and the indices are read back from the same bits. Scores equal but for those bits end
    up ordered by candidate and are tie-grouped anyway.
    """
    m = values.shape[0]
    keys = weights @ values.T
    np.negative(keys, out=keys)  # ascending order of -score: best first
    bits = max(1, (m - 1).bit_length())
    mask = np.uint64((1 << bits) - 1)
    packed = keys.view(np.uint64)
    packed &= ~mask
    packed |= np.arange(m, dtype=np.uint64)
    keys.sort(axis=1)
    tied = None
    if m > 1:
        gaps = np.diff(keys, axis=1)
        if gaps.min() <= TIE_TOLERANCE:  # rare with continuous scores: find the samples with a tie
            breaks = gaps > TIE_TOLERANCE
            tied = ~breaks.all(axis=1)
    packed &= mask  # now the candidate at each place
    order = packed.view(np.int64)
    counts = np.zeros((m, m))
    if tied is not None:
        counts += _tied_counts(order[tied], breaks[tied])
        order = order[~tied]
    # The others: one count per sample and place at index (place << bits) | candidate, so that
    # neighbouring places hit neighbouring counters.
    order |= np.arange(m, dtype=np.int64) << bits
    by_place = np.bincount(order.ravel(), minlength=m << bits).reshape(m, 1 << bits)
    counts += by_place[:, :m].T
    return counts


def _tied_counts(order: np.ndarray, breaks: np.ndarray) -> np.ndarray:
    """The counts of samples with ties (see :func:`_rank_counts`): the first and last place of the
    group of every place by running max and min, each share spread over those places with a
    difference array of m + 1 columns."""
    m = order.shape[1]
    places = np.broadcast_to(np.arange(m), order.shape)
    starts = np.ones(order.shape, dtype=bool)
    starts[:, 1:] = breaks
    ends = np.ones(order.shape, dtype=bool)
    ends[:, :-1] = breaks
    first = np.maximum.accumulate(np.where(starts, places, 0), axis=1)
    last = np.minimum.accumulate(np.where(ends, places, m - 1)[:, ::-1], axis=1)[:, ::-1]
    share = 1.0 / (last - first + 1)
    width = m + 1
    plus = np.bincount((order * width + first).ravel(), weights=share.ravel(), minlength=m * width)
    minus = np.bincount((order * width + last + 1).ravel(), weights=share.ravel(), minlength=m * width)
    return np.cumsum((plus - minus).reshape(m, width), axis=1)[:, :m]


def _spread(spread: Any) -> tuple[float | None, float | None]:
    """``(spread, concentration)``; both ``None`` for uniform weights."""
    if spread is None or spread == "uniform":
        return None, None
    if isinstance(spread, str | bool) or not isinstance(spread, numbers.Real):
        raise PriorityError(f"spread must be a number in (0, 1), None or 'uniform'; got {spread!r}")
    value = _real("spread", spread)
    if not 0 < value < 1:
        raise PriorityError(f"spread must be above 0 and below 1, or None or 'uniform'; got {spread!r}")
    return value, 1.0 / (value * value) - 1.0


def rank_acceptability(
    scores: Mapping[Hashable, Mapping[str, float]] | Sequence[Sequence[float]] | np.ndarray,
    criteria: Sequence[Criterion],
    *,
    candidates: Sequence[Hashable] | None = None,
    normalisation: str = "minmax",
    samples: int = 10_000,
    spread: float | str | None = DEFAULT_SPREAD,
    seed: int | np.random.Generator,
) -> RankAcceptability:
    """How often each candidate takes each place when the weights are drawn at random (SMAA-2).

    Parameters
    ----------
    scores, criteria, candidates, normalisation
        As for :func:`~clusterworks.analytics.priorities.rank_priorities`.
    samples : int, default 10000
        The number of weight vectors drawn (at least 1). The standard error of an acceptability b
        is :math:`\\sqrt{b (1 - b) / \\text{samples}}`, at most 0.005 for 10,000 samples.
    spread : float in (0, 1), None or "uniform", default 0.2
        How far the sampled weights stray from the given ones. A number draws the weights of the
        criteria with positive weight from a Dirichlet distribution with mean the given (normalised)
        weights w and concentration :math:`\\kappa = 1 / \\text{spread}^2 - 1`; each weight then has
        standard deviation :math:`\\text{spread} \\cdot \\sqrt{w (1 - w)}` (0.1 for a weight of 0.5
        with the default), and criteria of weight 0 stay at 0. ``None`` or ``"uniform"`` ignore the
        given weights and draw every criterion's weight uniformly from the simplex (Dirichlet with
        all parameters 1), SMAA-2's model of no weight information at all.
    seed : int or numpy.random.Generator
        Required: every random step takes an explicit seed. The same seed and input give the same
        result.

    Returns
    -------
    RankAcceptability
        The rank acceptability matrix :math:`b_{ir}`, the expected rank and the first-rank
        acceptability of every candidate, in the order given. Scores of one sample within 1e-9 of
        each other are tied; tied candidates share the places they take equally.

    Raises
    ------
    PriorityError
        As :func:`~clusterworks.analytics.priorities.rank_priorities`, if ``samples``, ``spread``
        or ``seed`` is not allowed, or if there are more than :data:`MAX_CANDIDATES` (4096)
        candidates.

    Notes
    -----
    Scores, ranks and counts are computed for up to 2^20 samples x candidates at a time (about
    8 MB of scores), so memory does not grow with the number of samples. The sampled weights are
    drawn in the same chunks; the result depends on the seed and the input only.

    References
    ----------
    .. [1] Lahdelma, R., & Salminen, P. (2001). SMAA-2: Stochastic multicriteria acceptability
       analysis for group decision making. *Operations Research*, 49(3), 444-454.
       https://doi.org/10.1287/opre.49.3.444.11220
    .. [2] Lahdelma, R., Hokkanen, J., & Salminen, P. (1998). SMAA - Stochastic multiobjective
       acceptability analysis. *European Journal of Operational Research*, 106(1), 137-143.
       https://doi.org/10.1016/S0377-2217(97)00163-X
    .. [3] Tervonen, T., & Figueira, J. R. (2008). A survey on stochastic multicriteria
       acceptability analysis methods. *Journal of Multi-Criteria Decision Analysis*, 15(1-2), 1-14.
       https://doi.org/10.1002/mcda.407

    Examples
    --------
    Two candidates on a 0-10 scale: A = (8, 2), B = (3, 6). With weight w on the first criterion,
    A scores 0.2 + 0.6 w and B 0.6 - 0.3 w, so A is first exactly when w > 4/9. With uniform
    weights w is uniform on [0, 1] and A is first with probability 5/9 = 0.556:

    >>> criteria = [Criterion("c1", 1, low=0, high=10), Criterion("c2", 1, low=0, high=10)]
    >>> scores = {"A": {"c1": 8, "c2": 2}, "B": {"c1": 3, "c2": 6}}
    >>> result = rank_acceptability(scores, criteria, normalisation="scale", samples=20000,
    ...                             spread="uniform", seed=2)
    >>> [round(b, 2) for b in result.first_rank], [round(r, 2) for r in result.expected_rank]
    ([0.56, 0.44], [1.44, 1.56])
    """
    samples = _whole("samples", samples, minimum=1)
    spread_value, concentration = _spread(spread)
    if not isinstance(seed, np.random.Generator) and (
        isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0
    ):
        raise PriorityError(f"seed must be a whole number >= 0 or a numpy.random.Generator; got {seed!r}")
    table = _prepare(scores, criteria, candidates=candidates, normalisation=normalisation)
    m, n = table.values.shape
    if m > MAX_CANDIDATES:
        raise PriorityError(
            f"rank acceptability of {m} candidates: at most {MAX_CANDIDATES} are allowed (the result has "
            "one share per candidate and place); rank a shortlist"
        )
    rng = np.random.default_rng(seed)
    if concentration is None:
        active, alpha = np.arange(n), np.ones(n)
    else:
        active = np.flatnonzero(table.weights > 0)
        alpha = concentration * table.weights[active]
    counts = np.zeros((m, m))
    chunk = max(1, _CHUNK_SCORES // m)
    for start in range(0, samples, chunk):
        size = min(chunk, samples - start)
        if active.size == n:
            weights = rng.dirichlet(alpha, size=size)
        else:  # criteria of weight 0 stay at 0
            weights = np.zeros((size, n))
            weights[:, active] = rng.dirichlet(alpha, size=size) if active.size > 1 else 1.0
        counts += _rank_counts(table.values, weights)
    shares = counts / samples
    expected = shares @ np.arange(1, m + 1)
    return RankAcceptability(
        candidates=table.candidates,
        acceptability=tuple(tuple(row) for row in shares.tolist()),
        expected_rank=tuple(expected.tolist()),
        first_rank=tuple(shares[:, 0].tolist()),
        samples=samples,
        spread=spread_value,
        concentration=concentration,
    )
