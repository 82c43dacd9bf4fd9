"""Change between rounds (Wilcoxon signed-rank test, change of the CV) and the stopping rule built
on it; differences between groups of experts (Mann-Whitney U, Kruskal-Wallis H).

The formulas, with their references, are in ``docs/methods/delphi.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats as scipy_stats

from ._common import _answers, _at_most, _number, _optional_real
from .errors import DelphiError

__all__ = [
    "ZERO_METHODS",
    "GroupDifference",
    "Stability",
    "group_difference",
    "stability",
    "stability_reached",
]

#: Ways of treating experts who gave the same answer in both rounds in the Wilcoxon test; see
#: :func:`stability`.
ZERO_METHODS = ("zsplit", "pratt", "wilcox")


@dataclass(frozen=True)
class Stability:
    """Change of the answers of the same experts between two rounds; see :func:`stability`."""

    pairs: int
    changed: int
    statistic: float
    p_value: float
    zero_method: str
    cv_previous: float | None
    cv_current: float | None
    cv_change: float | None


def _cv(array: np.ndarray) -> float | None:
    if array.size < 2:
        return None
    mean = float(np.mean(array))
    if mean == 0:
        return None
    return float(np.std(array, ddof=1)) / abs(mean)


def _paired(previous: Any, current: Any) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(previous, Mapping) and isinstance(current, Mapping):
        common = sorted(set(previous) & set(current), key=str)
        if not common:
            raise DelphiError(
                "previous and current have no expert in common; stability needs answers of the same "
                "experts in both rounds"
            )
        before = _answers("previous", [previous[expert] for expert in common])
        after = _answers("current", [current[expert] for expert in common])
        return before, after
    if isinstance(previous, Mapping) or isinstance(current, Mapping):
        raise DelphiError(
            "give previous and current both as mappings expert -> answer, or both as sequences "
            f"paired by position; got {type(previous).__name__} and {type(current).__name__}"
        )
    before, after = _answers("previous", previous), _answers("current", current)
    if before.size != after.size:
        raise DelphiError(
            f"previous has {before.size} answers and current {after.size}; sequences must be paired "
            "answers of the same experts in the same order (or pass mappings expert -> answer)"
        )
    return before, after


def stability(
    previous: Mapping[Any, float] | Sequence[float] | np.ndarray,
    current: Mapping[Any, float] | Sequence[float] | np.ndarray,
    *,
    zero_method: str = "zsplit",
) -> Stability:
    """Did the experts' answers to an item change between two rounds? Wilcoxon signed-rank test and CV.

    Parameters
    ----------
    previous, current : mapping expert -> float, or sequences of float
        The answers of the earlier and of the later round. Mappings are paired by expert (experts who
        answered in one round only are left out); sequences are paired by position and must have the
        same length.
    zero_method : {"zsplit", "pratt", "wilcox"}, default "zsplit"
        What to do with experts whose answer did not change (zero differences); passed to
        :func:`scipy.stats.wilcoxon`. ``"zsplit"`` ranks the zeros with the other differences and
        splits their ranks equally between the positive and negative sides, so that experts who kept
        their answer count as evidence of stability: a few experts moving the same way among many
        who did not move is not "significant change". ``"wilcox"`` (Wilcoxon's original, scipy's
        default) drops the zeros and tests only the experts who changed; ``"pratt"`` (Pratt 1959)
        ranks the zeros and then drops their ranks.

    Returns
    -------
    Stability
        ``pairs`` (experts in both rounds), ``changed`` (how many answered differently),
        ``statistic`` and ``p_value`` of the two-sided Wilcoxon signed-rank test of the differences
        ``current - previous`` (scipy's statistic: the smaller of the positive- and negative-rank
        sums for "wilcox" and "pratt"; its ``method="auto"`` chooses the exact distribution for small
        samples without ties or zeros and the normal approximation otherwise), the ``zero_method``
        used, the CV (sd / |mean|) of the paired answers in each round and ``cv_change`` =
        |cv_current - cv_previous| / cv_previous (0 when both are 0, infinite when only the
        previous one is; ``None`` when either CV is undefined).

    Raises
    ------
    DelphiError
        If the answers are not finite numbers, cannot be paired, or ``zero_method`` is unknown.

    Notes
    -----
    Differences are rounded to 9 decimals before ranking so that equal changes tie exactly (see the
    warning in :func:`scipy.stats.wilcoxon`). When no expert changed their answer, the test is
    undefined; the result is then ``statistic = 0`` and ``p_value = 1`` (no evidence of change).
    A large p-value says the data show no systematic shift, not that the answers are identical;
    with few experts the test has little power.

    References
    ----------
    .. [1] Wilcoxon, F. (1945). Individual comparisons by ranking methods. *Biometrics Bulletin*,
       1(6), 80-83. https://doi.org/10.2307/3001968
    .. [2] Pratt, J. W. (1959). Remarks on zeros and ties in the Wilcoxon signed rank procedures.
       *Journal of the American Statistical Association*, 54(287), 655-667.
       https://doi.org/10.1080/01621459.1959.10501526
    .. [3] von der Gracht, H. A. (2012). Consensus measurement in Delphi studies. *Technological
       Forecasting and Social Change*, 79(8), 1525-1536.
       https://doi.org/10.1016/j.techfore.2012.04.013

    Examples
    --------
    >>> round1 = {"ann": 3, "bob": 5, "cat": 4, "dan": 6, "eve": 2}
    >>> round2 = {"ann": 4, "bob": 5, "cat": 4, "dan": 5, "eve": 3, "fay": 7}
    >>> s = stability(round1, round2)
    >>> s.pairs, s.changed, s.zero_method
    (5, 3, 'zsplit')
    >>> round(s.p_value, 4) > 0.05
    True
    >>> stability([1, 2], [1, 2]).p_value
    1.0
    """
    if zero_method not in ZERO_METHODS:
        raise DelphiError(f"zero_method {zero_method!r} is not allowed; allowed: {', '.join(ZERO_METHODS)}")
    before, after = _paired(previous, current)
    differences = np.round(after - before, 9)
    changed = int(np.count_nonzero(differences))
    if changed == 0:
        statistic, p_value = 0.0, 1.0
    else:
        result = scipy_stats.wilcoxon(differences, zero_method=zero_method, alternative="two-sided")
        statistic, p_value = float(result.statistic), float(result.pvalue)
    cv_previous, cv_current = _cv(before), _cv(after)
    if cv_previous is None or cv_current is None:
        cv_change = None
    elif cv_previous == 0:
        cv_change = 0.0 if cv_current == 0 else math.inf
    else:
        cv_change = abs(cv_current - cv_previous) / cv_previous
    return Stability(
        pairs=int(before.size),
        changed=changed,
        statistic=statistic,
        p_value=p_value,
        zero_method=zero_method,
        cv_previous=cv_previous,
        cv_current=cv_current,
        cv_change=cv_change,
    )


@dataclass(frozen=True)
class GroupDifference:
    """Test of a difference between groups of experts; see :func:`group_difference`."""

    test: str
    statistic: float
    p_value: float
    groups: tuple[str, ...]
    sizes: tuple[int, ...]


def group_difference(groups: Mapping[str, Sequence[float] | np.ndarray]) -> GroupDifference:
    """Do groups of experts answer an item differently? Mann-Whitney U (2 groups) or Kruskal-Wallis H.

    Parameters
    ----------
    groups : mapping name -> sequence of float
        The answers of each group (e.g. industry, academia, government); at least two groups, each
        with at least one finite answer.

    Returns
    -------
    GroupDifference
        ``test`` is ``"mann-whitney"`` for two groups (:func:`scipy.stats.mannwhitneyu`, two-sided,
        ``statistic`` = U of the first group, exact p for small samples without ties, else the normal
        approximation with tie and continuity corrections) or ``"kruskal-wallis"`` for more
        (:func:`scipy.stats.kruskal`, H corrected for ties, chi-squared with k - 1 df); ``groups`` and
        ``sizes`` in the order given. When every answer in every group is the same, H is undefined
        (0/0) and the result is ``statistic = 0``, ``p_value = 1``.

    Raises
    ------
    DelphiError
        If fewer than two groups are given, a group is empty, or an answer is not a finite number.

    References
    ----------
    .. [1] Mann, H. B., & Whitney, D. R. (1947). On a test of whether one of two random variables is
       stochastically larger than the other. *The Annals of Mathematical Statistics*, 18(1), 50-60.
       https://doi.org/10.1214/aoms/1177730491
    .. [2] Kruskal, W. H., & Wallis, W. A. (1952). Use of ranks in one-criterion variance analysis.
       *Journal of the American Statistical Association*, 47(260), 583-621.
       https://doi.org/10.1080/01621459.1952.10483441

    Examples
    --------
    >>> d = group_difference({"industry": [5, 6, 6, 7], "academia": [2, 3, 3, 4]})
    >>> d.test, d.statistic, round(d.p_value, 4)
    ('mann-whitney', 16.0, 0.0284)
    >>> group_difference({"a": [1, 2], "b": [2, 3], "c": [5, 6]}).test
    'kruskal-wallis'
    >>> group_difference({"a": [1, 2]})
    Traceback (most recent call last):
        ...
    clusterworks.analytics.delphi.errors.DelphiError: groups has 1 group(s); at least 2 are needed
    """
    if not isinstance(groups, Mapping):
        raise DelphiError(f"groups must be a mapping name -> answers; got {type(groups).__name__}")
    if len(groups) < 2:
        raise DelphiError(f"groups has {len(groups)} group(s); at least 2 are needed")
    names = tuple(str(name) for name in groups)
    samples = [_answers(f"groups[{name!r}]", values) for name, values in groups.items()]
    sizes = tuple(int(sample.size) for sample in samples)
    if len(samples) == 2:
        result = scipy_stats.mannwhitneyu(samples[0], samples[1], alternative="two-sided")
        return GroupDifference("mann-whitney", float(result.statistic), float(result.pvalue), names, sizes)
    pooled = np.concatenate(samples)
    if np.all(pooled == pooled[0]):
        return GroupDifference("kruskal-wallis", 0.0, 1.0, names, sizes)
    result = scipy_stats.kruskal(*samples)
    return GroupDifference("kruskal-wallis", float(result.statistic), float(result.pvalue), names, sizes)


def stability_reached(
    stability: Stability, *, alpha: float | None = 0.05, max_cv_change: float | None = 0.15
) -> tuple[bool, str]:
    """Have the answers to an item stabilised between two rounds? Every criterion given must hold.

    Parameters
    ----------
    stability : Stability
        The comparison of the two rounds (:func:`stability`).
    alpha : float or None, default 0.05
        Significance level in (0, 1): stable when the Wilcoxon test finds no significant change,
        ``p_value >= alpha``. ``None`` leaves the test out.
    max_cv_change : float or None, default 0.15
        Largest relative change of the CV between the rounds (0.15: less than 15 % change, after
        the 15 % stability level of Scheibe, Skutsch & Schofer 1975). An undefined change (a CV
        undefined in either round) fails this criterion. ``None`` leaves it out.

    Returns
    -------
    (bool, str)
        Whether the item is stable, and why.

    Raises
    ------
    DelphiError
        If ``stability`` is not a :class:`Stability`, ``alpha`` is outside (0, 1), ``max_cv_change``
        is negative or not finite, or both criteria are ``None``.

    Notes
    -----
    A Delphi survey is usually stopped when the items have reached consensus *and* are stable, or
    when they are stable without consensus (more rounds would not change them); see
    ``docs/methods/delphi.md``.

    References
    ----------
    .. [1] Scheibe, M., Skutsch, M., & Schofer, J. (1975). Experiments in Delphi methodology. In
       H. A. Linstone & M. Turoff (Eds.), *The Delphi Method: Techniques and Applications*
       (pp. 262-287). Addison-Wesley.
    .. [2] Dajani, J. S., Sincoff, M. Z., & Talley, W. K. (1979). Stability and agreement criteria
       for the termination of Delphi studies. *Technological Forecasting and Social Change*, 13(1),
       83-90. https://doi.org/10.1016/0040-1625(79)90007-6
    .. [3] Kalaian, S. A., & Kasim, R. M. (2012). Terminating sequential Delphi survey data
       collection. *Practical Assessment, Research & Evaluation*, 17(5).
    .. [4] von der Gracht, H. A. (2012). Consensus measurement in Delphi studies. *Technological
       Forecasting and Social Change*, 79(8), 1525-1536.
       https://doi.org/10.1016/j.techfore.2012.04.013

    Examples
    --------
    One expert moved up a point and one down, so the Wilcoxon test sees no shift; but the answers
    drew together (CV 0.353 -> 0.236, a third less), so the panel is still converging:

    >>> s = stability([3, 5, 4, 6, 2, 5], [3, 5, 4, 5, 3, 5])
    >>> stability_reached(s)
    (False, 'not stable: Wilcoxon p 1 >= 0.05; CV change 0.3321 > 0.15')
    >>> stability_reached(s, max_cv_change=None)
    (True, 'stable: Wilcoxon p 1 >= 0.05')
    """
    if not isinstance(stability, Stability):
        raise DelphiError(f"stability must be a Stability (see stability()); got {type(stability).__name__}")
    alpha = _optional_real("alpha", alpha, minimum=0.0, maximum=1.0)
    if alpha is not None and not 0.0 < alpha < 1.0:
        raise DelphiError(f"alpha must be between 0 and 1 (exclusive); got {alpha!r}")
    max_cv_change = _optional_real("max_cv_change", max_cv_change, minimum=0.0)
    if alpha is None and max_cv_change is None:
        raise DelphiError("alpha and max_cv_change are both None; give at least one criterion")
    checks: list[tuple[bool, str]] = []
    if alpha is not None:
        ok = stability.p_value >= alpha
        checks.append((ok, f"Wilcoxon p {_number(stability.p_value)} {'>=' if ok else '<'} {_number(alpha)}"))
    if max_cv_change is not None:
        change = stability.cv_change
        if change is None:
            checks.append((False, "CV change undefined (a round with fewer than 2 answers, or mean 0)"))
        else:
            ok = _at_most(change, max_cv_change)
            checks.append((ok, f"CV change {_number(change)} {'<=' if ok else '>'} {_number(max_cv_change)}"))
    reached = all(ok for ok, _ in checks)
    return reached, ("stable: " if reached else "not stable: ") + "; ".join(text for _, text in checks)
