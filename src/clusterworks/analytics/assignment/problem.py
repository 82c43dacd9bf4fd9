"""The assignment problem: results, errors, and the input turned into index arrays of eligible pairs."""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

#: A pair whose reduced profit exceeds this is priced into the LP (HiGHS' default dual feasibility
#: tolerance).
PRICING_TOLERANCE = 1e-7
#: The LP solution counts as integral when every value is this close to 0 or 1.
INTEGRALITY_TOLERANCE = 1e-6
#: ``optimal`` is True when the certified gap is at most this times ``max(1, |total affinity|)``.
GAP_TOLERANCE = 1e-9
_LISTED = 5  # labels named in a message before "..."


class InfeasibleAssignment(ValueError):
    """No assignment meets the constraints; the one-line message says why.

    Attributes
    ----------
    reason : str
        ``"too-few-eligible"`` (some application has fewer than ``per_application`` eligible,
        non-conflicted reviewers), ``"capacity"`` (reviews needed exceed reviewers x max-load) or
        ``"hall"`` (a maximum flow falls short: a set of applications is served by too few reviewers).
    needed : int
        Reviews needed, ``per_application`` x number of applications.
    achievable : int or None
        The most reviews any assignment can make (the maximum flow), when it was computed.
    applications : tuple
        The applications that cannot all be served: the short ones, or the Hall set.
    reviewers : tuple
        For ``"hall"``: the reviewers whose whole capacity that set of applications can use.
    """

    def __init__(
        self,
        message: str,
        *,
        reason: str,
        needed: int,
        achievable: int | None = None,
        applications: tuple[Hashable, ...] = (),
        reviewers: tuple[Hashable, ...] = (),
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.needed = needed
        self.achievable = achievable
        self.applications = applications
        self.reviewers = reviewers


@dataclass(frozen=True)
class SolverInfo:
    """How an assignment was computed.

    ``upper_bound`` is the objective of a dual feasible solution built from the LP duals over *all*
    eligible pairs: no assignment can have a larger total affinity, whatever the solver's tolerances.
    ``gap`` is ``upper_bound - total_affinity``. Both are NaN for the greedy heuristic.
    """

    method: str
    status: str
    seconds: float
    pairs: int
    columns: int = 0
    rounds: int = 0
    simplex_iterations: int = 0
    upper_bound: float = math.nan
    gap: float = math.nan
    integral_lp: bool = True


@dataclass(frozen=True)
class Assignment:
    """A reviewer assignment.

    Attributes
    ----------
    pairs : tuple of (application, reviewer)
        The chosen pairs, sorted by application, then reviewer.
    total_affinity : float
        Sum of the affinities of the chosen pairs.
    loads : Mapping
        Applications assigned to each reviewer with an eligible, non-conflicted pair (possibly 0).
    shortfall : Mapping
        Reviews still missing, per application that has fewer than ``per_application``; always
        empty for :func:`assign_reviewers`, possibly not for :func:`greedy_assignment`.
    per_application, max_load : int
        The constraints it was computed for.
    optimal : bool
        True when optimality is certified (the dual bound matches the total affinity).
    solver : SolverInfo
    conflicts_applied : int
        Eligible pairs removed because of a conflict of interest.
    conflicts_not_eligible : int
        Conflicts naming a pair that was not eligible anyway (unknown reviewer or application, or no
        affinity given); they change nothing.
    """

    pairs: tuple[tuple[Hashable, Hashable], ...]
    total_affinity: float
    loads: Mapping[Hashable, int]
    shortfall: Mapping[Hashable, int]
    per_application: int
    max_load: int
    optimal: bool
    solver: SolverInfo
    conflicts_applied: int = 0
    conflicts_not_eligible: int = 0

    @property
    def complete(self) -> bool:
        """Every application has exactly ``per_application`` reviewers."""
        return not self.shortfall

    def reviewers_of(self, application: Hashable) -> tuple[Hashable, ...]:
        """The reviewers assigned to ``application``, in order."""
        return tuple(r for a, r in self.pairs if a == application)


@dataclass(frozen=True)
class _Problem:
    """Eligible, non-conflicted pairs as index arrays, sorted by (application, reviewer)."""

    reviewers: tuple[Hashable, ...]
    applications: tuple[Hashable, ...]
    rev: np.ndarray
    app: np.ndarray
    aff: np.ndarray
    conflicts_applied: int
    conflicts_not_eligible: int


# ------------------------------------------------------------------------------------------ input


def _count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a whole number of at least 1; got {value!r}")
    return int(value)


def _ordered(labels: Iterable[Hashable]) -> tuple[Hashable, ...]:
    """Labels in sorted order, or in order of appearance when they cannot be compared."""
    unique = dict.fromkeys(labels)
    try:
        return tuple(sorted(unique))  # type: ignore[type-var]
    except TypeError:
        return tuple(unique)


def _finite(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{where} is {value!r}; allowed: a finite real number")
    return float(value)


_PLAIN_NUMBERS = frozenset({float, int, np.float64, np.float32, np.int64, np.int32})


def _from_mapping(affinity: Mapping[Any, Any], applications: Iterable[Hashable] | None):
    keys = list(affinity.keys())
    for key in keys:
        if type(key) is not tuple or len(key) != 2:
            raise ValueError(f"affinity keys must be (reviewer, application) pairs; got {key!r}")
    raw = list(affinity.values())
    for i in [i for i, value in enumerate(raw) if type(value) not in _PLAIN_NUMBERS]:
        raw[i] = _finite(raw[i], f"affinity[{keys[i]!r}]")  # bool, str, Decimal, ...: checked one by one
    values = np.array(raw, dtype=float)
    infinite = np.flatnonzero(~np.isfinite(values))
    if len(infinite):
        _finite(raw[infinite[0]], f"affinity[{keys[infinite[0]]!r}]")
    reviewer_of = [key[0] for key in keys]
    application_of = [key[1] for key in keys]
    reviewers = _ordered(reviewer_of)
    if applications is None:
        apps = _ordered(application_of)
    else:
        apps = _ordered(applications)
        unknown = set(application_of).difference(apps)
        if unknown:
            first = next(a for a in application_of if a in unknown)
            raise ValueError(
                f"affinity names application {first!r}, which is not in applications; "
                "allowed: the applications listed"
            )
    r_index = {label: i for i, label in enumerate(reviewers)}
    a_index = {label: i for i, label in enumerate(apps)}
    rev = np.array([r_index[r] for r in reviewer_of], dtype=np.int64)
    app = np.array([a_index[a] for a in application_of], dtype=np.int64)
    return reviewers, apps, rev, app, values


def _from_dense(affinity: np.ndarray):
    values = np.asarray(affinity, dtype=float)
    if values.ndim != 2:
        raise ValueError(
            f"an affinity array must be 2-D (reviewers x applications); got {values.ndim} dimension(s)"
        )
    infinite = np.isinf(values)
    if infinite.any():
        r, a = np.argwhere(infinite)[0]
        raise ValueError(
            f"affinity[{r}, {a}] is {values[r, a]}; allowed: a finite number, or NaN for a pair that "
            "is not eligible"
        )
    rev, app = np.nonzero(~np.isnan(values))
    n_rev, n_app = values.shape
    return tuple(range(n_rev)), tuple(range(n_app)), rev, app, values[rev, app]


def _from_sparse(affinity: Any):
    coo = sp.coo_array(affinity)
    rev = np.asarray(coo.coords[0], dtype=np.int64)
    app = np.asarray(coo.coords[1], dtype=np.int64)
    values = np.asarray(coo.data, dtype=float)
    n_rev, n_app = coo.shape
    codes = rev * n_app + app
    unique, counts = np.unique(codes, return_counts=True)
    if len(unique) < len(codes):
        code = unique[np.argmax(counts > 1)]
        raise ValueError(
            f"the sparse affinity stores pair ({code // n_app}, {code % n_app}) more than once; "
            "allowed: each (reviewer, application) pair once"
        )
    bad = ~np.isfinite(values)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"affinity[{rev[i]}, {app[i]}] is {values[i]}; allowed: a finite number")
    return tuple(range(n_rev)), tuple(range(n_app)), rev, app, values


def _problem(affinity: Any, conflicts: Iterable[Any] | None, applications: Any) -> _Problem:
    if isinstance(affinity, Mapping):
        reviewers, apps, rev, app, aff = _from_mapping(affinity, applications)
    elif applications is not None:
        raise ValueError(
            "applications= is only for a mapping affinity; with an array every column is an application"
        )
    elif sp.issparse(affinity):
        reviewers, apps, rev, app, aff = _from_sparse(affinity)
    elif isinstance(affinity, np.ndarray | list | tuple):
        reviewers, apps, rev, app, aff = _from_dense(np.asarray(affinity))
    else:
        raise TypeError(
            f"affinity must be a mapping {{(reviewer, application): affinity}}, a 2-D array "
            f"(NaN = not eligible) or a scipy sparse array; got {type(affinity).__name__}"
        )

    n_app = len(apps)
    applied = not_eligible = 0
    if conflicts is not None:
        r_index = {label: i for i, label in enumerate(reviewers)}
        a_index = {label: i for i, label in enumerate(apps)}
        codes = set()
        unknown = set()
        for item in conflicts:
            if not isinstance(item, tuple | list) or len(item) != 2:
                raise ValueError(f"conflicts must be (reviewer, application) pairs; got {item!r}")
            r, a = item
            if r in r_index and a in a_index:
                codes.add(r_index[r] * n_app + a_index[a])
            else:
                unknown.add((r, a))
        pair_codes = rev * n_app + app
        conflicted = np.isin(pair_codes, np.fromiter(codes, dtype=np.int64, count=len(codes)))
        applied = int(conflicted.sum())
        not_eligible = len(codes) - applied + len(unknown)
        keep = ~conflicted
        rev, app, aff = rev[keep], app[keep], aff[keep]

    order = np.lexsort((rev, app))
    return _Problem(
        reviewers=reviewers,
        applications=apps,
        rev=np.ascontiguousarray(rev[order], dtype=np.int64),
        app=np.ascontiguousarray(app[order], dtype=np.int64),
        aff=np.ascontiguousarray(aff[order], dtype=float),
        conflicts_applied=applied,
        conflicts_not_eligible=not_eligible,
    )
