"""What changes when the envelope changes: the exact allocation re-solved at other envelopes."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .model import Allocation, AllocationRules, InfeasibleAllocation, _instance
from .solver import _decimals, allocate_instance


@dataclass(frozen=True)
class SensitivityCase:
    """The allocation at ``factor`` x the envelope, compared with the base allocation.

    Attributes
    ----------
    factor : float
    envelope : int
        ``floor(factor x base envelope)``, in minor units; sector shares are recomputed from it,
        amounts (caps, quotas given as amounts) stay as they are.
    allocation : Allocation or None
        None when the rules are infeasible at this envelope (then ``error`` says why).
    objective, total_awarded : float or None, int or None
    entered : tuple
        Applications funded here but not in the base allocation.
    left : tuple
        Applications funded in the base allocation but not here.
    changed : tuple of (application, base amount, amount here)
        Applications funded in both with a different amount.
    error : str or None
    """

    factor: float
    envelope: int
    allocation: Allocation | None
    objective: float | None
    total_awarded: int | None
    entered: tuple[Hashable, ...]
    left: tuple[Hashable, ...]
    changed: tuple[tuple[Hashable, int, int], ...]
    error: str | None = None


@dataclass(frozen=True)
class EnvelopeSensitivity:
    """The base allocation and one :class:`SensitivityCase` per factor, in the order given."""

    base: Allocation
    cases: tuple[SensitivityCase, ...]


def scaled_envelope(envelope: int, factor: float) -> int:
    """``floor(factor x envelope)`` exactly, reading a float factor by its shortest decimal form."""
    share = Fraction(repr(factor)) if isinstance(factor, float) else Fraction(factor)
    return (share.numerator * envelope) // share.denominator


def envelope_sensitivity(
    applications: Iterable[Any],
    *,
    envelope: int,
    rules: AllocationRules | None = None,
    factors: Sequence[float] = (0.9, 1.1),
    base: Allocation | None = None,
    time_limit: float | None = None,
    amount_decimals: int = 0,
) -> EnvelopeSensitivity:
    """Re-solve the exact allocation at ``factor x envelope`` for each factor and list what changes.

    Parameters
    ----------
    applications, envelope, rules, time_limit, amount_decimals
        As for :func:`allocate`.
    factors : sequence of float
        Positive multipliers of the envelope; default -10 % and +10 %.
    base : Allocation, optional
        The allocation at the envelope itself, if already computed (it is not recomputed).

    Returns
    -------
    EnvelopeSensitivity

    Notes
    -----
    Each case is an independent exact solve. When two allocations tie on the objective, the solver may
    pick either, so a change listed at another envelope can come from such a tie rather than from the
    envelope; with real-valued scores ties are rare.

    Examples
    --------
    >>> apps = [dict(id="A", requested=60, score=9), dict(id="B", requested=50, score=8),
    ...         dict(id="C", requested=50, score=7)]
    >>> sens = envelope_sensitivity(apps, envelope=100)
    >>> [(c.envelope, c.objective, c.entered, c.left) for c in sens.cases]
    [(90, 540.0, ('A',), ('B', 'C')), (110, 940.0, ('A',), ('C',))]
    """
    records = list(applications)
    decimals = _decimals(amount_decimals)
    inst = _instance(records, envelope, rules)
    if base is None:
        base = allocate_instance(inst, time_limit=time_limit, amount_decimals=decimals)
    before = base.awarded
    cases = []
    for factor in factors:
        if isinstance(factor, bool) or not isinstance(factor, int | float) or not factor > 0:
            raise ValueError(f"factor {factor!r}; allowed: a positive number such as 0.9 or 1.1")
        budget = scaled_envelope(inst.envelope, factor)
        try:
            result = allocate_instance(
                _instance(records, budget, rules), time_limit=time_limit, amount_decimals=decimals
            )
        except InfeasibleAllocation as exc:
            cases.append(SensitivityCase(float(factor), budget, None, None, None, (), (), (), str(exc)))
            continue
        after = result.awarded
        entered = tuple(a for a in inst.ids if after[a] and not before[a])
        left = tuple(a for a in inst.ids if before[a] and not after[a])
        changed = tuple(
            (a, before[a], after[a]) for a in inst.ids if before[a] and after[a] and before[a] != after[a]
        )
        cases.append(
            SensitivityCase(
                float(factor), budget, result, result.objective, result.total_awarded, entered, left, changed
            )
        )
    return EnvelopeSensitivity(base=base, cases=tuple(cases))
