"""Aggregating review totals: raw mean, per-reviewer z-scores, a Huber additive model, disagreement."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from types import MappingProxyType

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import spsolve

from .model import (
    FEW_REVIEWS,
    OUTLIER,
    RANGE,
    ApplicationScore,
    Criterion,
    DisagreementFlag,
    ReviewAggregation,
    ReviewerStats,
    check_rubric,
    check_scores,
)

#: Huber's tuning constant: 95 % efficiency at the normal distribution (Holland and Welsch 1977).
HUBER_K = 1.345
#: Consistency factor of the median absolute deviation for the normal distribution.
MAD_TO_SD = 1.4826
#: Consistency factor of the mean absolute deviation (sqrt(pi / 2)), used when the MAD is 0.
MEAN_AD_TO_SD = 1.2533


def _ordered(labels: Iterable[Hashable]) -> tuple[Hashable, ...]:
    return tuple(dict.fromkeys(labels))


def _ranks(values: np.ndarray) -> np.ndarray:
    """1 for the largest; ties (equal to 1e-9) share the better rank: 1, 2, 2, 4."""
    rounded = np.round(values, 9)
    return np.array([1 + int((rounded > v).sum()) for v in rounded], dtype=np.int64)


def _huber_additive(
    app: np.ndarray, rev: np.ndarray, total: np.ndarray, n_app: int, n_rev: int, k: float, max_iter: int
) -> tuple[np.ndarray, np.ndarray, int, bool]:
    """Fit ``total = quality_a + leniency_r`` with Huber's loss by iteratively reweighted least squares.

    Identification: the leniencies of each connected group of reviewers (linked by shared
    applications) sum to 0, so a quality is the total expected from a reviewer of average leniency.
    Each step solves the weighted normal equations with one extra row per group, ``sum leniency =
    0``, which removes the one free shift of that group without changing the fit. Weights are
    ``min(1, k s / |residual|)`` with ``s`` the MAD of the residuals (x 1.4826), or, when more than
    half of them are 0, their mean absolute deviation (x 1.2533).
    """
    m = len(total)
    n = n_app + n_rev
    rows = np.concatenate([np.arange(m), np.arange(m)])
    cols = np.concatenate([app, n_app + rev])
    design = sp.csr_array((np.ones(2 * m), (rows, cols)), shape=(m, n))
    link = sp.csr_array((np.ones(m), (app, rev)), shape=(n_app, n_rev))
    graph = sp.bmat([[None, link], [link.T, None]], format="csr")
    groups, label = connected_components(graph, directed=False)
    rev_group = label[n_app:]
    constraint = sp.csr_array((np.ones(n_rev), (rev_group, n_app + np.arange(n_rev))), shape=(groups, n))
    weights = np.ones(m)
    theta = np.zeros(n)
    converged = False
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 - the count is returned
        weighted = design.multiply(weights[:, None]).tocsr()
        normal = (design.T @ weighted + constraint.T @ constraint).tocsc()
        rhs = design.T @ (weights * total)
        new = spsolve(normal, rhs)
        change = float(np.abs(new - theta).max())
        theta = new
        residual = total - design @ theta
        deviation = np.abs(residual - np.median(residual))
        scale = MAD_TO_SD * float(np.median(deviation))
        if scale <= 1e-9:  # more than half the residuals are 0: the mean deviation instead
            scale = MEAN_AD_TO_SD * float(deviation.mean())
        if scale <= 1e-9:  # a perfect fit
            weights_new = np.ones(m)
        else:
            weights_new = np.minimum(1.0, k * scale / np.maximum(np.abs(residual), 1e-300))
        if iterations > 1 and change <= 1e-9 * (1 + float(np.abs(theta).max())):
            converged = True
            break
        weights = weights_new
    return theta[:n_app], theta[n_app:], iterations, converged


def aggregate_scores(
    scores: Mapping[tuple[Hashable, Hashable], Mapping[Hashable, object]],
    rubric: Iterable[Criterion],
    *,
    range_threshold: float = 25.0,
    outlier_threshold: float = 30.0,
    min_reviews: int = 2,
    huber_k: float = HUBER_K,
    max_iterations: int = 100,
) -> ReviewAggregation:
    """Aggregate reviewers' rubric scores per application: raw, z-scored and robust, with flags.

    Parameters
    ----------
    scores : mapping
        ``{(application, reviewer): {criterion: score}}``; every criterion of the rubric is needed,
        each within its scale.
    rubric : iterable of Criterion
        Names, positive weights and scales (low < high).
    range_threshold : float
        Flag an application whose highest and lowest review totals differ by more than this (points
        of the 0-100 scale).
    outlier_threshold : float
        With 3 or more reviews, flag a reviewer whose total differs from the mean of the other
        reviewers' totals by more than this.
    min_reviews : int
        Flag applications with fewer reviews ("few-reviews").
    huber_k : float
        Huber's constant, in units of the residuals' robust standard deviation.
    max_iterations : int
        Of the reweighting; ``robust_converged`` says whether it settled.

    Returns
    -------
    ReviewAggregation

    Raises
    ------
    InvalidReviews
        Listing every score outside its scale, unknown criterion, missing criterion and bad rubric
        entry.

    Notes
    -----
    A review's **total** is the weighted mean of its criterion scores, each rescaled to 0-1 by its
    scale, times 100: ``T = 100 sum_k w_k (s_k - low_k) / (high_k - low_k) / sum_k w_k``.

    * **raw**: the mean of an application's totals.
    * **z**: each total minus its reviewer's mean, divided by its reviewer's standard deviation
      (n - 1), averaged per application. A reviewer with one review, or whose totals are all equal,
      has no own scale; their totals are standardised with the mean and standard deviation of all
      totals instead (``ReviewerStats.pooled_z``); if those are degenerate too, z is 0.
    * **robust**: ``T_ar = quality_a + leniency_r + e_ar`` fitted by M-estimation with Huber's loss
      [1]_ [2]_ by iteratively reweighted least squares [3]_: a reviewer's systematic leniency or
      severity is estimated from all their reviews and removed, and a single wild total is
      down-weighted instead of pulling the application's score. The leniencies of each connected
      group of reviewers sum to 0.

    References
    ----------
    .. [1] P. J. Huber, "Robust estimation of a location parameter", *Annals of Mathematical
       Statistics* 35 (1964) 73-101.
    .. [2] P. J. Huber, "Robust regression: asymptotics, conjectures and Monte Carlo", *Annals of
       Statistics* 1 (1973) 799-821.
    .. [3] P. W. Holland and R. E. Welsch, "Robust regression using iteratively reweighted
       least-squares", *Communications in Statistics - Theory and Methods* 6 (1977) 813-827.

    Examples
    --------
    See the package docstring.
    """
    criteria = check_rubric(rubric)
    totals = check_scores(scores, criteria)
    for name, value in (("range_threshold", range_threshold), ("outlier_threshold", outlier_threshold)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
            raise ValueError(f"{name} is {value!r}; allowed: a number of at least 0 (points of 0-100)")
    if isinstance(min_reviews, bool) or not isinstance(min_reviews, int) or min_reviews < 1:
        raise ValueError(f"min_reviews is {min_reviews!r}; allowed: a whole number of at least 1")
    if not huber_k > 0:
        raise ValueError(f"huber_k is {huber_k!r}; allowed: a number above 0")

    keys = list(totals)
    apps = _ordered(a for a, _ in keys)
    revs = _ordered(r for _, r in keys)
    a_index = {a: i for i, a in enumerate(apps)}
    r_index = {r: i for i, r in enumerate(revs)}
    app = np.array([a_index[a] for a, _ in keys], dtype=np.int64)
    rev = np.array([r_index[r] for _, r in keys], dtype=np.int64)
    total = np.array([totals[k] for k in keys], dtype=float)
    n_app, n_rev = len(apps), len(revs)

    count_a = np.bincount(app, minlength=n_app)
    raw = np.bincount(app, weights=total, minlength=n_app) / count_a

    count_r = np.bincount(rev, minlength=n_rev)
    mean_r = np.bincount(rev, weights=total, minlength=n_rev) / count_r
    squares = np.bincount(rev, weights=(total - mean_r[rev]) ** 2, minlength=n_rev)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd_r = np.where(count_r > 1, np.sqrt(squares / np.maximum(count_r - 1, 1)), np.nan)
    own = (count_r > 1) & (sd_r > 1e-12)
    pooled_mean = float(total.mean())
    pooled_sd = float(total.std(ddof=1)) if len(total) > 1 else 0.0
    z_each = np.zeros(len(total))
    mine = own[rev]
    z_each[mine] = (total[mine] - mean_r[rev[mine]]) / sd_r[rev[mine]]
    if pooled_sd > 1e-12:
        z_each[~mine] = (total[~mine] - pooled_mean) / pooled_sd
    z = np.bincount(app, weights=z_each, minlength=n_app) / count_a

    quality, leniency, iterations, converged = _huber_additive(
        app, rev, total, n_app, n_rev, float(huber_k), int(max_iterations)
    )

    by_app: list[list[int]] = [[] for _ in range(n_app)]
    for j, a in enumerate(app.tolist()):
        by_app[a].append(j)
    ranks = [_ranks(raw), _ranks(z), _ranks(quality)]
    results = []
    for a in range(n_app):
        mine_j = by_app[a]
        values = total[mine_j]
        spread = float(values.max() - values.min())
        flags = []
        if len(mine_j) < min_reviews:
            flags.append(
                DisagreementFlag(
                    FEW_REVIEWS,
                    None,
                    f"{len(mine_j)} review{'' if len(mine_j) == 1 else 's'}; at least {min_reviews} are "
                    "needed "
                    "to judge agreement",
                )
            )
        if len(mine_j) >= 2 and spread > range_threshold:
            hi, lo = mine_j[int(values.argmax())], mine_j[int(values.argmin())]
            flags.append(
                DisagreementFlag(
                    RANGE,
                    None,
                    f"totals range from {total[lo]:.1f} ({revs[rev[lo]]}) to "
                    f"{total[hi]:.1f} ({revs[rev[hi]]}): "
                    f"{spread:.1f} points, more than {range_threshold:g}",
                )
            )
        if len(mine_j) >= 3:
            for j in mine_j:
                others = math.fsum(total[k] for k in mine_j if k != j) / (len(mine_j) - 1)
                gap = total[j] - others
                if abs(gap) > outlier_threshold:
                    flags.append(
                        DisagreementFlag(
                            OUTLIER,
                            revs[rev[j]],
                            f"{revs[rev[j]]}'s total {total[j]:.1f} is {abs(gap):.1f} points "
                            f"{'above' if gap > 0 else 'below'} the others' mean {others:.1f}, more than "
                            f"{outlier_threshold:g}",
                        )
                    )
        results.append(
            ApplicationScore(
                application=apps[a],
                reviews=len(mine_j),
                raw=float(raw[a]),
                z=float(z[a]),
                robust=float(quality[a]),
                rank_raw=int(ranks[0][a]),
                rank_z=int(ranks[1][a]),
                rank_robust=int(ranks[2][a]),
                spread=spread,
                flags=tuple(flags),
            )
        )
    reviewers = tuple(
        ReviewerStats(
            reviewer=revs[r],
            reviews=int(count_r[r]),
            mean=float(mean_r[r]),
            sd=float(sd_r[r]),
            leniency=float(leniency[r]),
            pooled_z=not bool(own[r]),
        )
        for r in range(n_rev)
    )
    return ReviewAggregation(
        applications=tuple(results),
        reviewers=reviewers,
        totals=MappingProxyType(dict(totals)),
        robust_iterations=iterations,
        robust_converged=converged,
    )
