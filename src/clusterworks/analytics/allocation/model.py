"""The allocation problem: inputs (applications, rules), results (awards, allocations) and errors,
and the input checked and turned into index arrays with every limit resolved to whole minor units."""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import numpy as np

#: Codes of the rules that can keep an application from getting more (``Award.cut_by``).
ENVELOPE, CLUSTER_CAP, SECTOR_MAX = "envelope", "cluster-cap", "sector-max"
#: ``Award.reason`` codes besides ``"cut-by-..."``.
FUNDED_IN_FULL, BELOW_MIN_SCORE, NO_GAIN = "funded-in-full", "below-min-score", "no-gain"
_LISTED = 5


class InfeasibleAllocation(ValueError):
    """The rules cannot all be met; the one-line message names the rule(s) and the numbers.

    Only sector *minimums* can make the rules infeasible (awarding nothing meets every maximum).

    Attributes
    ----------
    reason : str
        ``"sector-min-above-max"`` (a sector's minimum exceeds its maximum), ``"sector-mins-exceed-
        envelope"`` (the minimums add up to more than the envelope), ``"sector-min-unreachable"``
        (a sector's eligible applications cannot receive its minimum, even within the cluster caps)
        or ``"sector-mins-conflict"`` (each minimum alone can be met, not all of them together
        under the envelope, the cluster caps and the floors; from an elastic re-solve).
    sectors : tuple
        The sectors whose minimums are involved.
    needed : int
        The minimum amount(s) that cannot be met, in minor units (summed over ``sectors``).
    achievable : int or None
        The most those sectors can receive together, when computed.
    """

    def __init__(
        self,
        message: str,
        *,
        reason: str,
        sectors: tuple[Hashable, ...] = (),
        needed: int = 0,
        achievable: int | None = None,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.sectors = sectors
        self.needed = needed
        self.achievable = achievable


@dataclass(frozen=True)
class Application:
    """One application to a call.

    Amounts are whole numbers in the smallest money unit (kopecks for roubles: 1 rouble = 100).

    Attributes
    ----------
    id : hashable
        Unique label.
    requested : int
        The amount asked for, at least 1.
    score : float
        Finite and not negative; larger is better (the commission's aggregated review score).
    floor : int or None
        The least amount with which the project is still viable, ``0 <= floor <= requested``; an award
        is 0 or between ``floor`` and ``requested``. None (the default) means ``floor = requested``:
        all or nothing.
    cluster : hashable or None
        The applicant cluster, for the cluster caps; None: no cap applies.
    sector : hashable or None
        For the sector quotas; None: no quota applies.
    """

    id: Hashable
    requested: int
    score: float
    floor: int | None = None
    cluster: Hashable | None = None
    sector: Hashable | None = None


@dataclass(frozen=True)
class SectorQuota:
    """Least and most a sector receives, as an amount (minor units) and/or a share of the envelope.

    A share is a number between 0 and 1; ``min_share`` becomes ``ceil(share x envelope)`` and
    ``max_share`` ``floor(share x envelope)`` minor units, computed exactly (a float share is read by
    its shortest decimal form, so 0.1 is one tenth). When both an amount and a share bound the same
    side, the stricter one applies.
    """

    min_amount: int | None = None
    max_amount: int | None = None
    min_share: float | Fraction | None = None
    max_share: float | Fraction | None = None


@dataclass(frozen=True)
class AllocationRules:
    """The rules of a call other than the envelope.

    Attributes
    ----------
    min_score : float or None
        Applications with a lower score get nothing.
    cluster_cap : int or None
        Most one cluster receives in total, in minor units (the default for every cluster).
    cluster_caps : mapping
        Per-cluster overrides of ``cluster_cap``; a value of None lifts the cap for that cluster.
    sector_quotas : mapping
        ``{sector: SectorQuota}``.
    """

    min_score: float | None = None
    cluster_cap: int | None = None
    cluster_caps: Mapping[Hashable, int | None] = field(default_factory=dict)
    sector_quotas: Mapping[Hashable, SectorQuota] = field(default_factory=dict)


@dataclass(frozen=True)
class SolverInfo:
    """How an allocation was computed.

    For :func:`allocate`, ``upper_bound`` is HiGHS' proven bound on the objective of any allocation
    (the MIP dual bound, in score x minor units), ``gap = upper_bound - objective`` and
    ``relative_gap = gap / max(1, |objective|)``. Both are NaN for the greedy heuristic.
    """

    method: str
    status: str
    seconds: float
    variables: int = 0
    constraints: int = 0
    nodes: int = 0
    upper_bound: float = math.nan
    gap: float = math.nan
    relative_gap: float = math.nan


@dataclass(frozen=True)
class Award:
    """What one application gets, and why.

    Attributes
    ----------
    application : hashable
    requested, floor, awarded : int
        In minor units; ``awarded`` is 0 or between ``floor`` and ``requested``.
    score : float
    cluster, sector : hashable or None
    status : str
        ``"full"``, ``"partial"`` or ``"none"``.
    reason : str
        Machine-readable: ``"funded-in-full"``, ``"below-min-score"``, ``"no-gain"`` (it fits, but a
        score of 0 adds nothing), or ``"cut-by-"`` followed by the ``cut_by`` codes joined by ``+``,
        such as ``"cut-by-envelope"`` or ``"cut-by-cluster-cap+sector-max"``.
    cut_by : tuple of str
        The rules that keep it from getting more: ``"envelope"``, ``"cluster-cap"``, ``"sector-max"``.
        A rule is named when, with every other award left as it is, it leaves less room than the
        application needs: one more minor unit for a partial award, its floor for one not funded.
    text : str
        The reason in words, with the amounts.
    """

    application: Hashable
    requested: int
    floor: int
    score: float
    cluster: Hashable | None
    sector: Hashable | None
    awarded: int
    status: str
    reason: str
    cut_by: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Allocation:
    """An allocation of the envelope.

    Attributes
    ----------
    awards : tuple of Award
        One per application, in input order.
    envelope : int
    total_awarded : int
        Sum of the awards, exactly (minor units).
    objective : float
        Sum of score x awarded.
    optimal : bool
        True when HiGHS proved the allocation optimal (MIP gap 0); False for greedy.
    solver : SolverInfo
    cluster_totals, sector_totals : mapping
        Awarded per cluster and per sector (only those with an application).
    cluster_caps : mapping
        The cap that applied to each cluster (None: no cap).
    sector_limits : mapping
        ``{sector: (minimum, maximum)}`` in minor units after resolving shares (None: no bound).
    unmet_minimums : mapping
        ``{sector: amount short}``: sector minimums the allocation misses (only ever for greedy).
    amount_decimals : int
        Decimal places of the money unit, used in the texts (2 for kopecks shown as roubles).
    """

    awards: tuple[Award, ...]
    envelope: int
    total_awarded: int
    objective: float
    optimal: bool
    solver: SolverInfo
    cluster_totals: Mapping[Hashable, int]
    sector_totals: Mapping[Hashable, int]
    cluster_caps: Mapping[Hashable, int | None]
    sector_limits: Mapping[Hashable, tuple[int | None, int | None]]
    unmet_minimums: Mapping[Hashable, int] = field(default_factory=lambda: MappingProxyType({}))
    amount_decimals: int = 0

    @property
    def awarded(self) -> dict[Hashable, int]:
        """``{application: amount}`` for every application (0 included)."""
        return {a.application: a.awarded for a in self.awards}

    @property
    def funded(self) -> tuple[Hashable, ...]:
        """Applications that receive something, in input order."""
        return tuple(a.application for a in self.awards if a.awarded)

    def award(self, application: Hashable) -> Award:
        """The award of ``application``."""
        for item in self.awards:
            if item.application == application:
                return item
        raise KeyError(application)


# ------------------------------------------------------------------------------------------ input


@dataclass(frozen=True)
class _Instance:
    """Applications as arrays, limits resolved to minor units. Index -1 = no cluster / no sector."""

    ids: tuple[Hashable, ...]
    requested: np.ndarray  # int64
    floor: np.ndarray  # int64
    score: np.ndarray  # float
    eligible: np.ndarray  # bool: score >= min_score
    cluster: np.ndarray  # int64 index into clusters, -1 = none
    sector: np.ndarray  # int64 index into sectors, -1 = none
    clusters: tuple[Hashable, ...]
    sectors: tuple[Hashable, ...]
    cluster_cap: tuple[int | None, ...]  # per cluster
    sector_min: tuple[int | None, ...]  # per sector
    sector_max: tuple[int | None, ...]
    envelope: int
    min_score: float | None
    records: tuple[Application, ...]


def _whole(name: str, value: object, least: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < least:
        raise ValueError(
            f"{name} is {value!r}; allowed: a whole number of minor units (such as kopecks) of at least "
            f"{least}"
        )
    return int(value)


def _share(name: str, value: object) -> Fraction:
    bad = ValueError(f"{name} is {value!r}; allowed: a share between 0 and 1")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise bad
    if isinstance(value, float):
        if not math.isfinite(value):
            raise bad
        share = Fraction(repr(value))  # the shortest decimal form: 0.1 is one tenth
    else:
        share = Fraction(value)  # type: ignore[arg-type]
    if not 0 <= share <= 1:
        raise bad
    return share


def _score(where: str, value: object) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(value)
        or value < 0
    ):
        raise ValueError(f"{where} is {value!r}; allowed: a finite number of at least 0")
    return float(value)


def _as_application(item: Any, position: int) -> Application:
    if isinstance(item, Application):
        return item
    if isinstance(item, Mapping):
        unknown = set(item) - {"id", "requested", "score", "floor", "cluster", "sector"}
        if unknown:
            raise ValueError(
                f"application #{position} has unknown field(s) {', '.join(sorted(map(str, unknown)))}; "
                "allowed: id, requested, score, floor, cluster, sector"
            )
        missing = [k for k in ("id", "requested", "score") if k not in item]
        if missing:
            raise ValueError(
                f"application #{position} lacks {', '.join(missing)}; id, requested, score are required"
            )
        return Application(**item)
    raise TypeError(
        f"applications must be Application objects or mappings; item #{position} is {type(item).__name__}"
    )


def _ordered(labels: Iterable[Hashable]) -> tuple[Hashable, ...]:
    unique = dict.fromkeys(labels)
    try:
        return tuple(sorted(unique))  # type: ignore[type-var]
    except TypeError:
        return tuple(unique)


def resolve_share_min(share: Fraction, envelope: int) -> int:
    """``ceil(share x envelope)``, exactly."""
    return -((-share.numerator * envelope) // share.denominator)


def resolve_share_max(share: Fraction, envelope: int) -> int:
    """``floor(share x envelope)``, exactly."""
    return (share.numerator * envelope) // share.denominator


def _instance(applications: Iterable[Any], envelope: object, rules: AllocationRules | None) -> _Instance:
    budget = _whole("envelope", envelope)
    rules = rules if rules is not None else AllocationRules()
    if not isinstance(rules, AllocationRules):
        raise TypeError(f"rules must be AllocationRules; got {type(rules).__name__}")
    records = tuple(_as_application(item, i) for i, item in enumerate(applications, start=1))
    seen: dict[Hashable, int] = {}
    requested, floors, scores = [], [], []
    for i, app in enumerate(records, start=1):
        if app.id in seen:
            raise ValueError(
                f"application id {app.id!r} is given twice (#{seen[app.id]} and #{i}); ids must be unique"
            )
        seen[app.id] = i
        req = _whole(f"requested of application {app.id!r}", app.requested, least=1)
        low = req if app.floor is None else _whole(f"floor of application {app.id!r}", app.floor)
        if low > req:
            raise ValueError(
                f"floor of application {app.id!r} is {low}, above its requested amount {req}; allowed: "
                "0 <= floor <= requested"
            )
        requested.append(req)
        floors.append(low)
        scores.append(_score(f"score of application {app.id!r}", app.score))

    min_score = None if rules.min_score is None else _score("min_score", rules.min_score)
    clusters = _ordered(a.cluster for a in records if a.cluster is not None)
    sectors = _ordered([*(a.sector for a in records if a.sector is not None), *rules.sector_quotas])
    c_index = {c: i for i, c in enumerate(clusters)}
    s_index = {s: i for i, s in enumerate(sectors)}

    default_cap = None if rules.cluster_cap is None else _whole("cluster_cap", rules.cluster_cap)
    overrides = {
        c: (None if cap is None else _whole(f"cluster cap of {c!r}", cap))
        for c, cap in rules.cluster_caps.items()
    }
    caps = tuple(overrides.get(c, default_cap) for c in clusters)

    mins: list[int | None] = []
    maxs: list[int | None] = []
    for s in sectors:
        quota = rules.sector_quotas.get(s, SectorQuota())
        if not isinstance(quota, SectorQuota):
            raise TypeError(f"the quota of sector {s!r} must be a SectorQuota; got {type(quota).__name__}")
        low_candidates = []
        high_candidates = []
        if quota.min_amount is not None:
            low_candidates.append(_whole(f"minimum amount of sector {s!r}", quota.min_amount))
        if quota.min_share is not None:
            low_candidates.append(
                resolve_share_min(_share(f"minimum share of sector {s!r}", quota.min_share), budget)
            )
        if quota.max_amount is not None:
            high_candidates.append(_whole(f"maximum amount of sector {s!r}", quota.max_amount))
        if quota.max_share is not None:
            high_candidates.append(
                resolve_share_max(_share(f"maximum share of sector {s!r}", quota.max_share), budget)
            )
        mins.append(max(low_candidates) if low_candidates else None)
        maxs.append(min(high_candidates) if high_candidates else None)

    score = np.array(scores, dtype=float)
    eligible = np.ones(len(records), dtype=bool) if min_score is None else score >= min_score
    return _Instance(
        ids=tuple(a.id for a in records),
        requested=np.array(requested, dtype=np.int64),
        floor=np.array(floors, dtype=np.int64),
        score=score,
        eligible=eligible,
        cluster=np.array([c_index.get(a.cluster, -1) for a in records], dtype=np.int64),
        sector=np.array([s_index.get(a.sector, -1) for a in records], dtype=np.int64),
        clusters=clusters,
        sectors=sectors,
        cluster_cap=caps,
        sector_min=tuple(mins),
        sector_max=tuple(maxs),
        envelope=budget,
        min_score=min_score,
        records=records,
    )
