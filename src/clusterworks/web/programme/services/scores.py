"""The applications' scores from the submitted reviews (never those of an expert with a conflict of
interest on the application, even one found after the review): the rubric's criteria and the reviewers'
scores read in four queries and aggregated by
:func:`clusterworks.analytics.review.aggregate_scores` (raw mean, z-scores, robust; disagreement
flags). Drafts do not count. Used by the review pages, the commission and the allocation."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from clusterworks.analytics.review import Criterion as RubricCriterion
from clusterworks.analytics.review import ReviewAggregation, aggregate_scores

from ..models import Call, Conflict, Criterion, Score

#: the score each method gives, by the name used in AllocationRun.score_method
METHODS = ("raw", "z", "robust")


def call_aggregation(*, call: Call) -> ReviewAggregation | None:
    """The aggregation of the call's submitted reviews, keyed by application id and reviewer id; None
    when no review is submitted yet."""
    rubric = [
        RubricCriterion(c.key, weight=float(c.weight), low=float(c.scale_min), high=float(c.scale_max))
        for c in Criterion.objects.filter(call=call).order_by("position", "key")
    ]
    keys = dict(Criterion.objects.filter(call=call).values_list("pk", "key"))
    scores: dict[tuple[int, int], dict[str, float]] = defaultdict(dict)
    rows = Score.objects.filter(
        review__assignment__application__call=call, review__submitted_at__isnull=False
    ).values_list(
        "review__assignment__application_id", "review__assignment__reviewer_id", "criterion_id", "value"
    )
    # a review by an expert found conflicted afterwards does not count
    conflicted = set(
        Conflict.objects.filter(application__call=call).values_list("application_id", "expert_id")
    )
    for application_id, reviewer_id, criterion_id, value in rows:
        if (application_id, reviewer_id) not in conflicted:
            scores[(application_id, reviewer_id)][keys[criterion_id]] = float(value)
    if not scores or not rubric:
        return None
    return aggregate_scores(dict(scores), rubric)


def application_scores(*, call: Call, method: str = "robust") -> dict[int, float]:
    """Each reviewed application's score by ``method`` (``raw`` and ``robust`` on 0-100, ``z`` in
    standard deviations), by application id."""
    if method not in METHODS:
        raise ValueError(f"unknown score method {method!r}; allowed: {', '.join(METHODS)}")
    aggregation = call_aggregation(call=call)
    if aggregation is None:
        return {}
    return {score.application: getattr(score, method) for score in aggregation.applications}


def flags_by_application(aggregation: ReviewAggregation | None) -> dict[Any, tuple[Any, ...]]:
    if aggregation is None:
        return {}
    return {score.application: score.flags for score in aggregation.applications}
