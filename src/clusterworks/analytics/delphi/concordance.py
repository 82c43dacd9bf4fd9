"""Concordance of the experts' rankings of the items of a question: Kendall's W, tie-corrected.

The formulas, with their references, are in ``docs/methods/delphi.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as scipy_stats

from ._common import _RANK_TOLERANCE, _short
from .errors import DelphiError

__all__ = ["KendallW", "kendall_w"]


@dataclass(frozen=True)
class KendallW:
    """Kendall's coefficient of concordance of ``experts`` rankings of ``items`` items.

    ``w``, ``chi2`` and ``p_value`` are ``None`` when W is undefined: every expert tied every item.
    """

    w: float | None
    chi2: float | None
    df: int
    p_value: float | None
    experts: int
    items: int
    tie_correction: bool


def _kendall_from_sums(spread: float, experts: int, items: int, ties: int, tie_correction: bool) -> KendallW:
    """W from :math:`S` (``spread``), m, n and :math:`\\sum_j T_j` (``ties``)."""
    denominator = experts * experts * (items**3 - items)
    if tie_correction:
        denominator -= experts * ties
    if denominator <= 0:
        return KendallW(None, None, items - 1, None, experts, items, tie_correction)
    w = 12.0 * spread / denominator
    chi2 = experts * (items - 1) * w
    p_value = float(scipy_stats.chi2.sf(chi2, items - 1))
    return KendallW(w, chi2, items - 1, p_value, experts, items, tie_correction)


def _mid_rank_example(items: int) -> str:
    return "1.5, 1.5, 3" if items >= 3 else "1.5, 1.5"


def kendall_w(ranks: Sequence[Sequence[float]] | np.ndarray, *, tie_correction: bool = True) -> KendallW:
    """Kendall's coefficient of concordance W of m experts ranking the same n items.

    Parameters
    ----------
    ranks : 2-D array of float, shape (m, n)
        Row j is the ranking of expert j: the places 1..n, tied items sharing the mean of the places
        they take (mid-ranks, e.g. 1.5, 1.5, 3). At least one expert and two items.
    tie_correction : bool, default True
        Subtract the ties from the maximum of S (Kendall & Babington Smith 1939); without it, W of
        tied rankings is biased towards 0.

    Returns
    -------
    KendallW
        ``w`` in [0, 1] (1: all experts give the same ranking; about 0: no agreement), ``chi2`` =
        m (n - 1) W with ``df`` = n - 1, and ``p_value`` = P(chi-squared with n - 1 df >= chi2). W is
        ``None`` (and so are chi2 and p) when every expert ties every item, which leaves nothing to
        agree on.

    Raises
    ------
    DelphiError
        If ``ranks`` is not a 2-D array of finite numbers with m >= 1 rows and n >= 2 columns, or a
        row is not a ranking of 1..n (the message names the row).

    Notes
    -----
    With :math:`R_i` the sum of the ranks of item i and :math:`\\bar R = m (n + 1) / 2` their mean,
    :math:`S = \\sum_i (R_i - \\bar R)^2` and

    .. math:: W = \\frac{12 S}{m^2 (n^3 - n) - m \\sum_j T_j}, \\qquad
              T_j = \\sum_{\\text{tie groups } g \\text{ of expert } j} (t_g^3 - t_g),

    where :math:`t_g` is the number of items in tie group g. ``tie_correction=False`` drops the
    :math:`m \\sum_j T_j` term. :math:`\\chi^2 = m (n - 1) W` is Friedman's statistic (with the same
    tie correction); under the null hypothesis of no concordance it is approximately chi-squared with
    n - 1 degrees of freedom. Legendre (2005) shows the approximation is conservative-to-accurate
    for m >= 5 or so and recommends a permutation test for fewer experts, which this function
    does not do.

    References
    ----------
    .. [1] Kendall, M. G., & Babington Smith, B. (1939). The problem of m rankings. *The Annals of
       Mathematical Statistics*, 10(3), 275-287. https://doi.org/10.1214/aoms/1177732186
    .. [2] Legendre, P. (2005). Species associations: the Kendall coefficient of concordance
       revisited. *Journal of Agricultural, Biological, and Environmental Statistics*, 10(2),
       226-245. https://doi.org/10.1198/108571105X46642

    Examples
    --------
    Three experts rank four items:

    >>> result = kendall_w([[1, 2, 3, 4],
    ...                     [2, 1, 3, 4],
    ...                     [1, 3, 2, 4]])

    The rank sums are R = (4, 6, 8, 12) around their mean 3 * 5 / 2 = 7.5, so
    S = 3.5^2 + 1.5^2 + 0.5^2 + 4.5^2 = 35 and W = 12 * 35 / (3^2 * (4^3 - 4)) = 420 / 540 = 7/9;
    chi2 = 3 * 3 * 7/9 = 7 on 3 df:

    >>> round(result.w, 6), round(result.chi2, 6), result.df, round(result.p_value, 4)
    (0.777778, 7.0, 3, 0.0719)

    Ties are given as mid-ranks. Here R = (2.5, 3.5, 6) around 2 * 4 / 2 = 4, S = 2.25 + 0.25 + 4 =
    6.5; the second expert's tie of two items gives T = 2^3 - 2 = 6, so
    W = 12 * 6.5 / (2^2 * (3^3 - 3) - 2 * 6) = 78 / 84 = 13/14:

    >>> kendall_w([[1, 2, 3], [1.5, 1.5, 3]]).w
    0.9285714285714286
    >>> kendall_w([[1, 2, 2], [1, 2, 3]])
    Traceback (most recent call last):
        ...
    clusterworks.analytics.delphi.errors.DelphiError: ranks row 0 is not a ranking of 3 items: \
1, 2, 2 (mid-ranks 1, 2.5, 2.5 expected); allowed: the places 1..3, tied items sharing the mean \
of the places they take (e.g. 1.5, 1.5, 3); rank raw scores with scipy.stats.rankdata(scores, axis=1)
    """
    if not isinstance(tie_correction, bool):
        raise DelphiError(f"tie_correction must be True or False; got {tie_correction!r}")
    try:
        array = np.asarray(ranks, dtype=float)
    except (TypeError, ValueError):
        raise DelphiError(
            f"ranks must be a 2-D array of numbers (experts x items); got {_short(ranks)}"
        ) from None
    if array.ndim != 2:
        raise DelphiError(f"ranks must be a 2-D array (experts x items); got an array of shape {array.shape}")
    experts, items = array.shape
    if experts < 1:
        raise DelphiError("ranks has no rows; at least one expert's ranking is needed")
    if items < 2:
        raise DelphiError(f"ranks has {items} column(s); W needs at least 2 items")
    if not np.all(np.isfinite(array)):
        row, column = np.argwhere(~np.isfinite(array))[0]
        raise DelphiError(f"ranks must be finite numbers; ranks[{row}, {column}] is {array[row, column]}")
    mid_ranks = scipy_stats.rankdata(array, axis=1)
    wrong = np.flatnonzero(np.any(np.abs(mid_ranks - array) > _RANK_TOLERANCE, axis=1))
    if wrong.size:
        row = int(wrong[0])
        given = ", ".join(f"{value:g}" for value in array[row])
        expected = ", ".join(f"{value:g}" for value in mid_ranks[row])
        raise DelphiError(
            f"ranks row {row} is not a ranking of {items} items: {given} (mid-ranks {expected} "
            f"expected); allowed: the places 1..{items}, tied items sharing the mean of the places "
            f"they take (e.g. {_mid_rank_example(items)}); rank raw scores with "
            "scipy.stats.rankdata(scores, axis=1)"
        )
    rank_sums = mid_ranks.sum(axis=0)
    spread = float(np.sum((rank_sums - experts * (items + 1) / 2.0) ** 2))
    ties = 0
    for row in mid_ranks:
        _, sizes = np.unique(row, return_counts=True)
        ties += int(np.sum(sizes**3 - sizes))
    return _kendall_from_sums(spread, experts, items, ties, tie_correction)
