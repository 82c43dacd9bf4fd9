"""Dispersion and agreement of the answers to one item, and the consensus rule built on them.

The formulas, with their references, are in ``docs/methods/delphi.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._common import (
    _TOLERANCE,
    _answers,
    _at_least,
    _at_most,
    _none_if_nan,
    _number,
    _optional_real,
    _real,
)
from .errors import DelphiError

__all__ = ["ItemStatistics", "consensus_reached", "item_statistics"]


@dataclass(frozen=True)
class ItemStatistics:
    """Location, dispersion and agreement of the answers to one item; see :func:`item_statistics`.

    ``sd`` is ``None`` for a single answer; ``cv`` is ``None`` then and when the mean is 0.
    """

    n: int
    median: float
    q1: float
    q3: float
    iqr: float
    mean: float
    sd: float | None
    cv: float | None
    agreement: float
    band: float


def _grouped_item_statistics(
    group: np.ndarray, values: np.ndarray, n_groups: int, band: float
) -> dict[str, np.ndarray]:
    """The statistics of :class:`ItemStatistics` for many items at once.

    ``group[k]`` is the item (``0 <= group[k] < n_groups``, every item with at least one answer) of
    answer ``values[k]``. Quartiles are interpolated exactly as ``numpy.quantile(..., method="linear")``
    does (including its two-sided linear interpolation), so each item gets the numbers numpy would
    give it; undefined numbers are ``nan``.
    """
    order = np.lexsort((values, group))
    ordered = values[order]
    counts = np.bincount(group, minlength=n_groups)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))

    def quantile(p: float) -> np.ndarray:
        position = (counts - 1) * p
        below = np.floor(position).astype(np.intp)
        fraction = position - below
        above = np.minimum(below + 1, counts - 1)
        low, high = ordered[starts + below], ordered[starts + above]
        step = high - low
        result = low + step * fraction
        np.subtract(high, step * (1 - fraction), out=result, where=fraction >= 0.5)
        return result

    q1, median, q3 = quantile(0.25), quantile(0.5), quantile(0.75)
    sums = np.bincount(group, weights=values, minlength=n_groups)
    mean = sums / counts
    deviation = values - mean[group]
    squares = np.bincount(group, weights=deviation * deviation, minlength=n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        sd = np.where(counts > 1, np.sqrt(squares / np.maximum(counts - 1, 1)), np.nan)
        cv = np.where(mean != 0, sd / np.abs(mean), np.nan)
    tolerance = _TOLERANCE * np.maximum(np.maximum(1.0, band), np.abs(median))
    inside = np.abs(values - median[group]) <= band + tolerance[group]
    agreement = np.bincount(group, weights=inside, minlength=n_groups) / counts
    return {
        "n": counts,
        "sum": sums,
        "median": median,
        "q1": q1,
        "q3": q3,
        "iqr": q3 - q1,
        "mean": mean,
        "sd": sd,
        "cv": cv,
        "agreement": agreement,
    }


def _item_statistics_at(columns: dict[str, np.ndarray], index: int, band: float) -> ItemStatistics:
    return ItemStatistics(
        n=int(columns["n"][index]),
        median=float(columns["median"][index]),
        q1=float(columns["q1"][index]),
        q3=float(columns["q3"][index]),
        iqr=float(columns["iqr"][index]),
        mean=float(columns["mean"][index]),
        sd=_none_if_nan(columns["sd"][index]),
        cv=_none_if_nan(columns["cv"][index]),
        agreement=float(columns["agreement"][index]),
        band=band,
    )


def item_statistics(values: Sequence[float] | np.ndarray, *, band: float = 1.0) -> ItemStatistics:
    """Median, quartiles, IQR, mean, standard deviation, CV and agreement of the answers to one item.

    Parameters
    ----------
    values : sequence of float
        The answers (ratings on a scale, or the ranks the experts gave the item); at least one, all
        finite.
    band : float, default 1.0
        Half-width of the agreement band around the median, in scale points; at least 0.

    Returns
    -------
    ItemStatistics
        ``n`` answers; ``median``, ``q1``, ``q3`` -- the 50th, 25th and 75th percentiles by linear
        interpolation between order statistics (numpy's default ``method="linear"``, Hyndman & Fan's
        definition 7): with the answers sorted as :math:`x_0 \\le \\dots \\le x_{n-1}`, the
        :math:`p`-quantile is :math:`x_k + f (x_{k+1} - x_k)` where :math:`k + f = (n - 1) p`;
        ``iqr = q3 - q1``; ``mean``; ``sd`` -- the sample standard deviation (divisor :math:`n - 1`),
        ``None`` when :math:`n = 1`; ``cv = sd / |mean|``, ``None`` when ``sd`` is ``None`` or the mean
        is 0; ``agreement`` -- the share of answers :math:`x` with :math:`|x - \\text{median}| \\le`
        ``band`` (inclusive; compared with a relative tolerance of :math:`10^{-9}` so that decimal
        rounding does not push an answer out of the band).

    Raises
    ------
    DelphiError
        If ``values`` is empty, not 1-D, or holds anything but finite numbers, or ``band`` is negative
        or not finite.

    See Also
    --------
    consensus_reached : Apply IQR, agreement and CV thresholds to the result.

    Notes
    -----
    An IQR of at most 1 on a 5- or 7-point scale is the most common consensus criterion in Delphi
    studies, followed by a share of agreement of 70-80 % (von der Gracht 2012). The CV is a relative
    dispersion; it depends on where the scale starts, so compare CVs only on the same scale.

    References
    ----------
    .. [1] von der Gracht, H. A. (2012). Consensus measurement in Delphi studies: Review and
       implications for future quality assurance. *Technological Forecasting and Social Change*,
       79(8), 1525-1536. https://doi.org/10.1016/j.techfore.2012.04.013
    .. [2] Hyndman, R. J., & Fan, Y. (1996). Sample quantiles in statistical packages. *The American
       Statistician*, 50(4), 361-365. https://doi.org/10.1080/00031305.1996.10473566

    Examples
    --------
    Eight experts rate an item on a 7-point scale:

    >>> s = item_statistics([3, 4, 4, 5, 5, 5, 6, 7])
    >>> s.n, s.median, s.q1, s.q3, s.iqr
    (8, 5.0, 4.0, 5.25, 1.25)

    Sorted, the answers are 3 4 4 5 5 5 6 7; q3 sits at position (8 - 1) * 0.75 = 5.25, a quarter of
    the way from x5 = 5 to x6 = 6. Six of the eight answers (4, 4, 5, 5, 5, 6) are within one point
    of the median 5:

    >>> s.agreement, s.mean, round(s.sd, 4), round(s.cv, 4)
    (0.75, 4.875, 1.2464, 0.2557)
    >>> item_statistics([4]).sd is None
    True
    >>> item_statistics([4, 5], band=-1)
    Traceback (most recent call last):
        ...
    clusterworks.analytics.delphi.errors.DelphiError: band must be at least 0; got -1
    """
    array = _answers("values", values)
    band = _real("band", band, minimum=0.0)
    columns = _grouped_item_statistics(np.zeros(array.size, dtype=np.intp), array, 1, band)
    return _item_statistics_at(columns, 0, band)


def consensus_reached(
    stats: ItemStatistics,
    *,
    max_iqr: float | None = 1.0,
    min_agreement: float | None = 0.75,
    max_cv: float | None = None,
) -> tuple[bool, str]:
    """Has the panel reached consensus on an item? Every criterion given must hold.

    Parameters
    ----------
    stats : ItemStatistics
        The statistics of the item (:func:`item_statistics`).
    max_iqr : float or None, default 1.0
        Largest IQR that counts as consensus (1 suits a 5- or 7-point scale, 2 a 9- or 10-point one;
        von der Gracht 2012). ``None`` leaves the IQR out.
    min_agreement : float or None, default 0.75
        Smallest share of answers within the band around the median (``stats.agreement``), in [0, 1];
        75 % is the median threshold of the Delphi studies reviewed by Diamond et al. (2014).
        ``None`` leaves it out.
    max_cv : float or None, default None
        Largest coefficient of variation, e.g. 0.5. No value is standard and the CV depends on where
        the scale starts (Kalaian & Kasim 2012), so it is off unless given. An undefined CV (one
        answer, or mean 0) fails this criterion.

    Returns
    -------
    (bool, str)
        Whether consensus is reached, and why: every criterion with its value and threshold.

    Raises
    ------
    DelphiError
        If ``stats`` is not an :class:`ItemStatistics`, a threshold is negative or not finite,
        ``min_agreement`` is above 1, or every criterion is ``None``.

    Notes
    -----
    Thresholds compare with a relative tolerance of :math:`10^{-9}`, so an IQR of 1.0000000000000002
    that decimal rounding produced still meets ``max_iqr=1``.

    References
    ----------
    .. [1] von der Gracht, H. A. (2012). Consensus measurement in Delphi studies. *Technological
       Forecasting and Social Change*, 79(8), 1525-1536.
       https://doi.org/10.1016/j.techfore.2012.04.013
    .. [2] Diamond, I. R., Grant, R. C., Feldman, B. M., Pencharz, P. B., Ling, S. C., Moore, A. M., &
       Wales, P. W. (2014). Defining consensus: a systematic review recommends methodologic criteria
       for reporting of Delphi studies. *Journal of Clinical Epidemiology*, 67(4), 401-409.
       https://doi.org/10.1016/j.jclinepi.2013.12.002
    .. [3] Kalaian, S. A., & Kasim, R. M. (2012). Terminating sequential Delphi survey data
       collection. *Practical Assessment, Research & Evaluation*, 17(5).

    Examples
    --------
    >>> consensus_reached(item_statistics([4, 4, 5, 5, 5, 6]))
    (True, 'consensus: IQR 0.75 <= 1; agreement 1 >= 0.75')
    >>> consensus_reached(item_statistics([1, 2, 4, 6, 7]), max_cv=0.5)
    (False, 'no consensus: IQR 4 > 1; agreement 0.2 < 0.75; CV 0.6374 > 0.5')
    """
    if not isinstance(stats, ItemStatistics):
        raise DelphiError(
            f"stats must be an ItemStatistics (see item_statistics); got {type(stats).__name__}"
        )
    max_iqr = _optional_real("max_iqr", max_iqr, minimum=0.0)
    min_agreement = _optional_real("min_agreement", min_agreement, minimum=0.0, maximum=1.0)
    max_cv = _optional_real("max_cv", max_cv, minimum=0.0)
    if max_iqr is None and min_agreement is None and max_cv is None:
        raise DelphiError("max_iqr, min_agreement and max_cv are all None; give at least one criterion")
    checks: list[tuple[bool, str]] = []
    if max_iqr is not None:
        ok = _at_most(stats.iqr, max_iqr)
        checks.append((ok, f"IQR {_number(stats.iqr)} {'<=' if ok else '>'} {_number(max_iqr)}"))
    if min_agreement is not None:
        ok = _at_least(stats.agreement, min_agreement)
        checks.append(
            (ok, f"agreement {_number(stats.agreement)} {'>=' if ok else '<'} {_number(min_agreement)}")
        )
    if max_cv is not None:
        if stats.cv is None:
            checks.append((False, "CV undefined (fewer than 2 answers, or mean 0)"))
        else:
            ok = _at_most(stats.cv, max_cv)
            checks.append((ok, f"CV {_number(stats.cv)} {'<=' if ok else '>'} {_number(max_cv)}"))
    reached = all(ok for ok, _ in checks)
    return reached, ("consensus: " if reached else "no consensus: ") + "; ".join(text for _, text in checks)
