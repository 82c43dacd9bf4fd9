"""Argument checks, tolerances and number formatting shared by the Delphi statistics."""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from .errors import DelphiError

#: Relative tolerance of comparisons with a threshold (band, IQR, ...), so that decimal rounding of
#: answers such as 0.1 or 2.3 does not decide whether an answer is inside a band.
_TOLERANCE = 1e-9

#: Tolerance with which given ranks must equal the mid-ranks they stand for.
_RANK_TOLERANCE = 1e-9


def _real(name: str, value: Any, *, minimum: float | None = None, maximum: float | None = None) -> float:
    """``value`` as a finite float within [minimum, maximum], or a DelphiError naming it."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise DelphiError(f"{name} must be a number; got {value!r} ({type(value).__name__})")
    number = float(value)
    if not math.isfinite(number):
        raise DelphiError(f"{name} must be a finite number; got {value!r}")
    if minimum is not None and number < minimum:
        raise DelphiError(f"{name} must be at least {minimum:g}; got {value!r}")
    if maximum is not None and number > maximum:
        raise DelphiError(f"{name} must be at most {maximum:g}; got {value!r}")
    return number


def _optional_real(name: str, value: Any, **limits: float) -> float | None:
    return None if value is None else _real(name, value, **limits)


def _answers(name: str, values: Any) -> np.ndarray:
    """``values`` as a 1-D float array of at least one finite number, or a DelphiError naming it."""
    if isinstance(values, Mapping | str | bytes):
        raise DelphiError(f"{name} must be a sequence of numbers; got a {type(values).__name__}")
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise DelphiError(f"{name} must be a sequence of numbers; got {_short(values)}") from None
    if array.ndim != 1:
        raise DelphiError(f"{name} must be a 1-D sequence of numbers; got an array of shape {array.shape}")
    if array.size == 0:
        raise DelphiError(f"{name} is empty; at least one answer is needed")
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise DelphiError(f"{name} must be finite numbers; {name}[{bad[0]}] is {array[bad[0]]}")
    return array


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _number(value: float) -> str:
    """A threshold or statistic in a reason: four significant digits."""
    return f"{value:.4g}"


def _none_if_nan(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _at_most(value: float, limit: float) -> bool:
    return value <= limit + _TOLERANCE * max(1.0, abs(limit))


def _at_least(value: float, limit: float) -> bool:
    return value >= limit - _TOLERANCE * max(1.0, abs(limit))


def natural_key(text: str) -> tuple[Any, ...]:
    """Sort key that orders runs of digits by their value: ``q2`` before ``q10``.

    Ties (``q01`` and ``q1``) are broken by the text itself, so the order is total.
    """
    parts = re.split(r"(\d+)", text)
    return (tuple(int(part) if index % 2 else part for index, part in enumerate(parts)), text)
