"""Criteria, the table of scores, its normalisation, and the tie rule shared by every function.

Every public function of the package takes the same ``scores, criteria`` pair and turns it into a
:class:`_Table` here, once: validated, in a fixed order of candidates and criteria, normalised to
[0, 1] with "more is better" on every criterion, and with the weights normalised to sum 1.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import PriorityError

__all__ = ["CONSTANT_VALUE", "DIRECTIONS", "NORMALISATIONS", "TIE_TOLERANCE", "Criterion"]

#: The directions of a criterion: more is better ("benefit") or less is better ("cost").
DIRECTIONS = ("benefit", "cost")
#: The normalisations: over the candidates ("minmax") or over the criterion's declared scale ("scale").
NORMALISATIONS = ("minmax", "scale")
#: Two scores (weighted sums in [0, 1]) closer than this are tied.
TIE_TOLERANCE = 1e-9
#: The normalised value of every candidate on a criterion where, under "minmax", all candidates score
#: the same: the middle of [0, 1], so that the criterion neither rewards nor penalises anyone.
CONSTANT_VALUE = 0.5


def _real(name: str, value: Any, *, minimum: float | None = None) -> float:
    """``value`` as a finite float (at least ``minimum``), or a PriorityError naming it."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise PriorityError(f"{name} must be a number; got {value!r} ({type(value).__name__})")
    number = float(value)
    if not math.isfinite(number):
        raise PriorityError(f"{name} must be a finite number; got {value!r}")
    if minimum is not None and number < minimum:
        raise PriorityError(f"{name} must be at least {minimum:g}; got {value!r}")
    return number


def _whole(name: str, value: Any, *, minimum: int) -> int:
    """``value`` as an int of at least ``minimum``, or a PriorityError naming it."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise PriorityError(f"{name} must be a whole number; got {value!r} ({type(value).__name__})")
    if value < minimum:
        raise PriorityError(f"{name} must be at least {minimum}; got {value!r}")
    return int(value)


@dataclass(frozen=True)
class Criterion:
    """A criterion of the ranking: its key, weight, direction and, optionally, its scale.

    Parameters
    ----------
    key : str
        The name of the criterion, as used in the scores (non-empty).
    weight : float
        Its importance, at least 0. Only ratios matter: the weights of a ranking are divided by their
        sum (which must be positive).
    direction : {"benefit", "cost"}, default "benefit"
        "benefit": a higher score is better (market size, expert rating); "cost": a lower score is
        better (investment needed, years to market).
    low, high : float or None
        The scale the scores are given on, e.g. 1 and 9 for a 1-9 Delphi rating; both or neither,
        ``low < high``. Required by ``normalisation="scale"``; when given, every score must lie in
        [low, high].

    Examples
    --------
    >>> Criterion("cost", 2, direction="cost")
    Criterion(key='cost', weight=2.0, direction='cost', low=None, high=None)
    >>> Criterion("impact", -1)
    Traceback (most recent call last):
        ...
    clusterworks.analytics.priorities.errors.PriorityError: weight of criterion 'impact' must be at \
least 0; got -1
    """

    key: str
    weight: float
    direction: str = "benefit"
    low: float | None = None
    high: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not self.key.strip():
            raise PriorityError(f"the key of a criterion must be a non-empty string; got {self.key!r}")
        name = f"criterion {self.key!r}"
        object.__setattr__(self, "weight", _real(f"weight of {name}", self.weight, minimum=0.0))
        if self.direction not in DIRECTIONS:
            raise PriorityError(
                f"direction of {name} must be one of {', '.join(DIRECTIONS)}; got {self.direction!r}"
            )
        if (self.low is None) != (self.high is None):
            raise PriorityError(
                f"{name} has low={self.low!r} and high={self.high!r}; give both ends of its scale or neither"
            )
        if self.low is not None:
            low = _real(f"low of {name}", self.low)
            high = _real(f"high of {name}", self.high)
            if not low < high:
                raise PriorityError(
                    f"{name} has low={self.low!r} >= high={self.high!r}; low must be below high"
                )
            object.__setattr__(self, "low", low)
            object.__setattr__(self, "high", high)


@dataclass(frozen=True)
class _Table:
    """Validated input: ``raw`` and ``values`` (normalised) are candidates x criteria."""

    candidates: tuple[Hashable, ...]
    criteria: tuple[Criterion, ...]
    weights: np.ndarray
    raw: np.ndarray
    values: np.ndarray
    normalisation: str


def _criteria(criteria: Any) -> tuple[Criterion, ...]:
    if isinstance(criteria, Criterion):
        criteria = [criteria]
    if isinstance(criteria, str | bytes | Mapping) or not isinstance(criteria, Sequence):
        raise PriorityError(f"criteria must be a sequence of Criterion; got a {type(criteria).__name__}")
    if not criteria:
        raise PriorityError("criteria is empty; at least one criterion is needed")
    seen: set[str] = set()
    for index, criterion in enumerate(criteria):
        if not isinstance(criterion, Criterion):
            raise PriorityError(f"criteria[{index}] must be a Criterion; got {criterion!r}")
        if criterion.key in seen:
            raise PriorityError(f"criterion {criterion.key!r} appears twice; allowed: each key once")
        seen.add(criterion.key)
    if sum(criterion.weight for criterion in criteria) <= 0:
        raise PriorityError("every criterion has weight 0; at least one weight must be positive")
    return tuple(criteria)


def _score(candidate: Hashable, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        shown = float(value) if isinstance(value, numbers.Real) and not isinstance(value, bool) else value
        raise PriorityError(
            f"score of candidate {candidate!r} on criterion {key!r} must be a finite number; got {shown!r}"
        )
    return float(value)


def _matrix(scores: Any, criteria: tuple[Criterion, ...], candidates: Any) -> tuple[tuple, np.ndarray]:
    keys = [criterion.key for criterion in criteria]
    if isinstance(scores, Mapping):
        if candidates is not None:
            raise PriorityError("candidates is only for an array of scores; a mapping names its candidates")
        names = tuple(scores)
        raw = np.empty((len(names), len(keys)))
        allowed = ", ".join(repr(key) for key in keys)
        for row, candidate in enumerate(names):
            given = scores[candidate]
            if not isinstance(given, Mapping):
                raise PriorityError(
                    f"scores of candidate {candidate!r} must be a mapping criterion -> score; got "
                    f"{type(given).__name__}"
                )
            for key in given:
                if key not in keys:
                    raise PriorityError(
                        f"candidate {candidate!r} has a score for unknown criterion {key!r}; "
                        f"allowed: {allowed}"
                    )
            for column, key in enumerate(keys):
                if key not in given:
                    raise PriorityError(f"candidate {candidate!r} has no score for criterion {key!r}")
                raw[row, column] = _score(candidate, key, given[key])
    else:
        if candidates is None:
            raise PriorityError(
                "scores is not a mapping candidate -> {criterion: score}; an array of scores needs "
                "candidates= (one name per row)"
            )
        try:
            raw = np.array(scores, dtype=float)
        except (TypeError, ValueError):
            raise PriorityError("scores must be a mapping or a 2-D array of numbers") from None
        if raw.ndim != 2 or raw.shape[1] != len(keys):
            raise PriorityError(
                f"scores must be a 2-D array with one column per criterion ({len(keys)}); "
                f"got shape {raw.shape}"
            )
        if isinstance(candidates, str | bytes) or not isinstance(candidates, Sequence):
            raise PriorityError(f"candidates must be a sequence of names; got {type(candidates).__name__}")
        names = tuple(candidates)
        if len(names) != raw.shape[0]:
            raise PriorityError(f"candidates has {len(names)} name(s) for {raw.shape[0]} row(s) of scores")
        if len(set(names)) != len(names):
            twice = next(name for index, name in enumerate(names) if name in names[:index])
            raise PriorityError(f"candidate {twice!r} appears twice in candidates; allowed: each once")
        bad = np.argwhere(~np.isfinite(raw))
        if bad.size:
            row, column = bad[0]
            _score(names[row], keys[column], raw[row, column])
    if not names:
        raise PriorityError("scores has no candidates; at least one is needed")
    return names, raw


def _normalise(raw: np.ndarray, criteria: tuple[Criterion, ...], normalisation: str) -> np.ndarray:
    values = np.empty_like(raw)
    for column, criterion in enumerate(criteria):
        x = raw[:, column]
        if normalisation == "scale":
            low, high = criterion.low, criterion.high
        else:
            low, high = float(x.min()), float(x.max())
        if high == low:
            values[:, column] = CONSTANT_VALUE
            continue
        v = (x - low) / (high - low)
        values[:, column] = 1.0 - v if criterion.direction == "cost" else v
    return values


def _prepare(scores: Any, criteria: Any, *, candidates: Any, normalisation: Any) -> _Table:
    """Validate the input of every public function and normalise it."""
    if normalisation not in NORMALISATIONS:
        raise PriorityError(
            f"normalisation must be one of {', '.join(NORMALISATIONS)}; got {normalisation!r}"
        )
    checked = _criteria(criteria)
    names, raw = _matrix(scores, checked, candidates)
    for column, criterion in enumerate(checked):
        if criterion.low is None:
            if normalisation == "scale":
                raise PriorityError(
                    f"normalisation 'scale' needs the scale of every criterion; criterion {criterion.key!r} "
                    "has no low and high"
                )
            continue
        outside = np.flatnonzero((raw[:, column] < criterion.low) | (raw[:, column] > criterion.high))
        if outside.size:
            row = int(outside[0])
            raise PriorityError(
                f"score {raw[row, column]:g} of candidate {names[row]!r} on criterion {criterion.key!r} is "
                f"outside its scale {criterion.low:g}..{criterion.high:g}"
            )
    weights = np.array([criterion.weight for criterion in checked])
    weights = weights / weights.sum()
    values = _normalise(raw, checked, normalisation)
    return _Table(names, checked, weights, raw, values, normalisation)


def _competition_ranks(scores: np.ndarray) -> np.ndarray:
    """Rank 1 for the highest score; ties (within :data:`TIE_TOLERANCE`) share the best rank ("1224").

    The rank of a candidate is one plus the number of candidates whose score is more than the
    tolerance above its own.
    """
    ordered = np.sort(scores)
    above = scores.size - np.searchsorted(ordered, scores + TIE_TOLERANCE, side="right")
    return above + 1
