"""Aggregation of expert reviews: reviewers' rubric scores turned into one score per application,
three ways, with flags where the reviewers disagree.

Each review's criterion scores become a **total** on a 0-100 scale (weighted mean of the scores,
each rescaled by its criterion's scale). Per application: the **raw** mean of its totals; the mean
of **z-scores** (each reviewer's totals standardised over the applications they reviewed, which
removes a reviewer's habit of scoring high or low and wide or narrow); and a **robust** score, the
quality term of the additive model ``total = quality + leniency`` fitted with Huber's loss [1]_ [2]_,
which removes each reviewer's leniency while down-weighting single wild totals. Flags: a range of
totals above a threshold, a reviewer far from the others, too few reviews. The method:
``docs/methods/review-scores.md``. This module never imports Django.

References
----------
.. [1] P. J. Huber, "Robust estimation of a location parameter", *Annals of Mathematical Statistics*
   35 (1964) 73-101.
.. [2] P. W. Holland and R. E. Welsch, "Robust regression using iteratively reweighted
   least-squares", *Communications in Statistics - Theory and Methods* 6 (1977) 813-827.

Examples
--------
One criterion on a 0-10 scale, so a total is 10 x the score. The lenient reviewer scored A 9 and B
8; the strict one B 5 and C 4. Raw means: A 90, B (80 + 50) / 2 = 65, C 40. The additive model fits
exactly: B's two totals differ by 30, so the leniencies are +15 and -15 (they sum to 0), and the
qualities are A 90 - 15 = 75, B 80 - 15 = 65, C 40 + 15 = 55. Each reviewer's totals are 5 points
either side of their mean with standard deviation sqrt(50) = 7.07, so the z-scores are +-0.707:
A 0.707, B (-0.707 + 0.707) / 2 = 0, C -0.707.

>>> rubric = [Criterion("merit", weight=1, low=0, high=10)]
>>> scores = {("A", "lenient"): {"merit": 9}, ("B", "lenient"): {"merit": 8},
...           ("B", "strict"): {"merit": 5}, ("C", "strict"): {"merit": 4}}
>>> result = aggregate_scores(scores, rubric)
>>> [(s.application, round(s.raw, 6), round(s.z, 3), round(s.robust, 6)) for s in result.applications]
[('A', 90.0, 0.707, 75.0), ('B', 65.0, 0.0, 65.0), ('C', 40.0, -0.707, 55.0)]
>>> [(r.reviewer, round(r.leniency, 6)) for r in result.reviewers]
[('lenient', 15.0), ('strict', -15.0)]
>>> [f.text for f in result.score("B").flags]
['totals range from 50.0 (strict) to 80.0 (lenient): 30.0 points, more than 25']
>>> [f.kind for f in result.score("A").flags]
['few-reviews']

Scores outside the scale, unknown and missing criteria are all reported at once:

>>> aggregate_scores({("A", "r1"): {"merit": 11, "impact": 3}}, rubric)
Traceback (most recent call last):
    ...
clusterworks.analytics.review.InvalidReviews: 2 problem(s) in the review scores: application A, \
reviewer r1, criterion merit: score 11 is outside the scale; allowed: 0 to 10; application A, \
reviewer r1, criterion impact: unknown criterion; allowed: merit
"""

from .aggregate import HUBER_K, aggregate_scores
from .model import (
    FEW_REVIEWS,
    OUTLIER,
    RANGE,
    ApplicationScore,
    Criterion,
    DisagreementFlag,
    InvalidReviews,
    ReviewAggregation,
    ReviewerStats,
    ReviewIssue,
)

__all__ = [
    "FEW_REVIEWS",
    "HUBER_K",
    "OUTLIER",
    "RANGE",
    "ApplicationScore",
    "Criterion",
    "DisagreementFlag",
    "InvalidReviews",
    "ReviewAggregation",
    "ReviewIssue",
    "ReviewerStats",
    "aggregate_scores",
]

for _public in (
    ApplicationScore,
    Criterion,
    DisagreementFlag,
    InvalidReviews,
    ReviewAggregation,
    ReviewIssue,
    ReviewerStats,
):
    _public.__module__ = __name__
del _public
