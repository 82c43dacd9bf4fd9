"""Review scores: the rubric, the results and the input errors, and the input checked."""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

#: Disagreement flag codes (``DisagreementFlag.kind``).
RANGE, OUTLIER, FEW_REVIEWS = "range", "outlier", "few-reviews"


@dataclass(frozen=True)
class Criterion:
    """One rubric criterion: a positive weight and the scale its scores are given on."""

    name: Hashable
    weight: float = 1.0
    low: float = 0.0
    high: float = 10.0


@dataclass(frozen=True)
class ReviewIssue:
    """One problem in the review scores: where (application, reviewer, criterion), value, message."""

    application: Hashable | None
    reviewer: Hashable | None
    criterion: Hashable | None
    value: object
    message: str

    def __str__(self) -> str:
        where = ", ".join(
            f"{name} {value}"
            for name, value in (
                ("application", self.application),
                ("reviewer", self.reviewer),
                ("criterion", self.criterion),
            )
            if value is not None
        )
        return f"{where}: {self.message}" if where else self.message


class InvalidReviews(ValueError):
    """The scores or the rubric are malformed; ``issues`` lists every problem found."""

    def __init__(self, issues: list[ReviewIssue]) -> None:
        shown = "; ".join(str(i) for i in issues[:3])
        more = f"; and {len(issues) - 3} more" if len(issues) > 3 else ""
        super().__init__(f"{len(issues)} problem(s) in the review scores: {shown}{more}")
        self.issues = issues


@dataclass(frozen=True)
class DisagreementFlag:
    """Why an application's reviewers disagree (or why that cannot be judged).

    ``kind`` is ``"range"`` (highest minus lowest total above the threshold), ``"outlier"`` (one
    reviewer's total differs from the mean of the others by more than the threshold; ``reviewer``
    names them) or ``"few-reviews"`` (fewer reviews than ``min_reviews``).
    """

    kind: str
    reviewer: Hashable | None
    text: str


@dataclass(frozen=True)
class ApplicationScore:
    """The aggregated scores of one application, on the 0-100 scale of review totals.

    ``raw`` is the mean of its reviews' totals; ``z`` the mean of its reviews' z-scores (each
    reviewer's totals standardised over their own reviews); ``robust`` the quality term of the
    additive model ``total = quality + leniency`` fitted with Huber's loss (on the 0-100 scale: the
    total expected from a reviewer of average leniency). Ranks are 1 for the best; ties share the
    better rank (1, 2, 2, 4).
    """

    application: Hashable
    reviews: int
    raw: float
    z: float
    robust: float
    rank_raw: int
    rank_z: int
    rank_robust: int
    spread: float
    flags: tuple[DisagreementFlag, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


@dataclass(frozen=True)
class ReviewerStats:
    """A reviewer's totals: count, mean, standard deviation (n - 1; NaN for one review), fitted
    leniency (positive: scores higher than the average reviewer) and whether the z-scores had to use
    the pooled mean and deviation (one review, or every total equal)."""

    reviewer: Hashable
    reviews: int
    mean: float
    sd: float
    leniency: float
    pooled_z: bool


@dataclass(frozen=True)
class ReviewAggregation:
    """Result of :func:`aggregate_scores`.

    Attributes
    ----------
    applications : tuple of ApplicationScore
        In the order of first appearance in the input.
    reviewers : tuple of ReviewerStats
    totals : mapping
        ``{(application, reviewer): total}`` on the 0-100 scale.
    robust_iterations : int
    robust_converged : bool
    """

    applications: tuple[ApplicationScore, ...]
    reviewers: tuple[ReviewerStats, ...]
    totals: Mapping[tuple[Hashable, Hashable], float]
    robust_iterations: int
    robust_converged: bool

    def score(self, application: Hashable) -> ApplicationScore:
        for item in self.applications:
            if item.application == application:
                return item
        raise KeyError(application)


def _real(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        return None
    return float(value)


def check_rubric(rubric: Iterable[Criterion]) -> tuple[Criterion, ...]:
    """The rubric as a tuple, or :class:`InvalidReviews` naming each bad criterion."""
    criteria = tuple(rubric)
    issues = []
    seen = set()
    if not criteria:
        issues.append(
            ReviewIssue(None, None, None, None, "the rubric has no criteria; at least one is needed")
        )
    for c in criteria:
        if not isinstance(c, Criterion):
            issues.append(ReviewIssue(None, None, None, c, f"{c!r} is not a Criterion"))
            continue
        if c.name in seen:
            issues.append(ReviewIssue(None, None, c.name, c.name, "the criterion is given twice"))
        seen.add(c.name)
        weight, low, high = _real(c.weight), _real(c.low), _real(c.high)
        if weight is None or weight <= 0:
            issues.append(
                ReviewIssue(None, None, c.name, c.weight, f"weight {c.weight!r}; allowed: a number above 0")
            )
        if low is None or high is None or not low < high:
            issues.append(
                ReviewIssue(
                    None,
                    None,
                    c.name,
                    (c.low, c.high),
                    f"scale {c.low!r} to {c.high!r}; allowed: finite numbers, low < high",
                )
            )
    if issues:
        raise InvalidReviews(issues)
    return criteria


def check_scores(
    scores: Mapping[tuple[Hashable, Hashable], Mapping[Hashable, object]], rubric: tuple[Criterion, ...]
) -> dict[tuple[Hashable, Hashable], float]:
    """Each review's total on the 0-100 scale, or :class:`InvalidReviews` listing every bad score,
    unknown criterion and missing criterion."""
    by_name = {c.name: c for c in rubric}
    weight_sum = math.fsum(c.weight for c in rubric)
    issues: list[ReviewIssue] = []
    totals: dict[tuple[Hashable, Hashable], float] = {}
    if not scores:
        raise InvalidReviews([ReviewIssue(None, None, None, None, "there are no reviews")])
    for key, criteria in scores.items():
        if type(key) is not tuple or len(key) != 2:
            issues.append(ReviewIssue(None, None, None, key, "keys must be (application, reviewer) pairs"))
            continue
        application, reviewer = key
        parts = []
        for name, value in criteria.items():
            criterion = by_name.get(name)
            if criterion is None:
                allowed = ", ".join(str(c.name) for c in rubric)
                issues.append(
                    ReviewIssue(application, reviewer, name, value, f"unknown criterion; allowed: {allowed}")
                )
                continue
            number = _real(value)
            if number is None or not criterion.low <= number <= criterion.high:
                issues.append(
                    ReviewIssue(
                        application,
                        reviewer,
                        name,
                        value,
                        f"score {value!r} is outside the scale; allowed: {criterion.low:g} to "
                        f"{criterion.high:g}",
                    )
                )
                continue
            parts.append(criterion.weight * (number - criterion.low) / (criterion.high - criterion.low))
        missing = [c.name for c in rubric if c.name not in criteria]
        for name in missing:
            issues.append(
                ReviewIssue(application, reviewer, name, None, "missing score; every criterion needs one")
            )
        totals[(application, reviewer)] = 100 * math.fsum(parts) / weight_sum
    if issues:
        raise InvalidReviews(issues)
    return totals
