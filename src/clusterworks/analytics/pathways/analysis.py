"""Where each product stands, the products stuck now, the TRL funnel, and the whole report.

:func:`pathway_report` computes, for a set of products and their events, every attempt's clock
(:mod:`.clock`), the statistics and bottlenecks of the gates and agencies (:mod:`.statistics`), the
products stuck now and the funnel by technology readiness level. The formulas are in
``docs/methods/pathways.md``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np

from ._gc import paused_gc
from .calendar import WorkingCalendar
from .clock import STAGES, GateClock, GateSpec, _clocks
from .errors import EventIssue, InvalidEvents, PathwayError, _text
from .events import Event, _Encoded, check_events
from .statistics import (
    AgencyStatistics,
    Bottlenecks,
    GateStatistics,
    _Arrays,
    _catalogues,
    _spec,
    agency_statistics,
    bottlenecks,
    gate_statistics,
)

__all__ = [
    "DEFAULT_MIN_DAYS",
    "PathwayReport",
    "ProductPosition",
    "ProductSpec",
    "StuckProduct",
    "TrlFunnel",
    "pathway_report",
    "product_positions",
    "stuck_products",
    "trl_funnel",
]

DEFAULT_MIN_DAYS = 30
#: The stage of a product whose stage is not known.
UNKNOWN_STAGE = "unknown"


@dataclass(frozen=True)
class ProductSpec:
    """A product as the analytics need it.

    Parameters
    ----------
    key : str
    type : str
        Its type (``medicine``, ``device``, ...; not checked here).
    trl : int
        Technology readiness level 1..9.
    catalogue : str
        The key of the gate catalogue it started under.
    stage_now : str, optional
        Its stage, if known otherwise; :func:`pathway_report` derives it from the events.
    started_on : date, optional
        The day its development started (products idle since then count as waiting).
    """

    key: str
    type: str
    trl: int
    catalogue: str
    stage_now: str | None = None
    started_on: date | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not self.key.strip():
            raise PathwayError(f"product key {self.key!r} is not allowed; allowed: a non-empty text")
        if isinstance(self.trl, bool) or not isinstance(self.trl, int | np.integer) or not 1 <= self.trl <= 9:
            raise PathwayError(
                f"product '{self.key}': trl {self.trl!r} is not allowed; allowed: a whole number 1..9"
            )
        object.__setattr__(self, "trl", int(self.trl))
        if self.stage_now is not None and self.stage_now not in STAGES:
            raise PathwayError(
                f"product '{self.key}': stage_now {self.stage_now!r} is not allowed; allowed: "
                f"{', '.join(STAGES)} or None"
            )
        if self.started_on is not None and (
            isinstance(self.started_on, datetime) or not isinstance(self.started_on, date)
        ):
            raise PathwayError(
                f"product '{self.key}': started_on {self.started_on!r} is not a date; allowed: a date or None"
            )


# ---------------------------------------------------------------------------------------- positions


@dataclass(frozen=True)
class ProductPosition:
    """Where a product stands: ``stage`` and ``gate`` (the first gate of its catalogue, in order, not
    yet approved; ``None`` and stage ``market`` when all are), the gates approved and those open now,
    and the day its last attempt ended (``None`` if none has)."""

    product: str
    catalogue: str
    stage: str
    gate: str | None
    approved: tuple[str, ...]
    open: tuple[str, ...]
    last_ended: date | None


def product_positions(
    products: Sequence[ProductSpec],
    clocks: Sequence[GateClock],
    gates_by_catalogue: Mapping[str, Mapping[str, GateSpec]],
) -> dict[str, ProductPosition]:
    """The position of each product (see :class:`ProductPosition`), by product key."""
    by_product: dict[str, list[GateClock]] = defaultdict(list)
    for clock in clocks:
        by_product[clock.product].append(clock)
    result = {}
    orders: dict[str, list[GateSpec]] = {}
    for product in products:
        specs = gates_by_catalogue.get(product.catalogue)
        if specs is None:
            raise PathwayError(
                f"product '{product.key}': catalogue '{product.catalogue}' is not in gates_by_catalogue; "
                "allowed: " + ", ".join(sorted(gates_by_catalogue))
            )
        own = by_product.get(product.key, [])
        approved = {c.gate for c in own if c.decision == "approved"}
        open_now = tuple(sorted({c.gate for c in own if c.open}, key=lambda g: specs[g].position))
        ended = [c.decided for c in own if c.decided is not None]
        order = orders.get(product.catalogue)
        if order is None:
            order = orders[product.catalogue] = sorted(specs.values(), key=lambda s: (s.position, s.key))
        current = next((spec for spec in order if spec.key not in approved), None)
        stage = "market" if current is None else current.stage
        result[product.key] = ProductPosition(
            product=product.key,
            catalogue=product.catalogue,
            stage=stage,
            gate=None if current is None else current.key,
            approved=tuple(spec.key for spec in order if spec.key in approved),
            open=open_now,
            last_ended=max(ended) if ended else None,
        )
    return result


# -------------------------------------------------------------------------------------------- stuck


@dataclass(frozen=True)
class StuckProduct:
    """A product held up now.

    ``status`` is ``at_agency`` (an open submission waiting for the agency), ``under_query`` (an open
    submission waiting for the applicant's answer to a query) or ``waiting`` (no submission open:
    the next gate, ``gate``, not yet submitted). ``since`` is the submission (or, when waiting, the end
    of the last attempt, or the product's start) and ``days`` the calendar days from it to today. The
    clock fields are those of the open attempt (``None`` when waiting or without a clock).
    """

    product: str
    catalogue: str
    gate: str
    agency: str | None
    status: str
    since: date
    days: int
    attempt: int | None
    clock_kind: str
    clock_used: int | None
    statutory: int | None
    days_left: int | None
    overdue: bool
    due: date | None


def stuck_products(
    clocks: Sequence[GateClock],
    gates: Mapping[str, Any],
    *,
    today: date,
    min_days: int = DEFAULT_MIN_DAYS,
    products: Sequence[ProductSpec] | None = None,
    positions: Mapping[str, ProductPosition] | None = None,
) -> tuple[StuckProduct, ...]:
    """The products held up now: every open attempt at least ``min_days`` old or past its clock, and,
    if ``products`` are given, every product with nothing open that has waited at least ``min_days``
    since its last attempt ended (or since it started) to submit its next gate.

    Sorted overdue first, then by ``days`` (longest first), then by product and gate.

    Parameters
    ----------
    clocks : sequence of GateClock
    gates : mapping
        Gate key -> GateSpec, or catalogue -> (gate key -> GateSpec) (needed by catalogue for
        ``products``).
    today : date
    min_days : int
        Calendar days (>= 0).
    products : sequence of ProductSpec, optional
        To find the products waiting between gates.
    positions : mapping of product key -> ProductPosition, optional
        The products' positions if already computed (:func:`product_positions`).
    """
    if isinstance(today, datetime) or not isinstance(today, date):
        raise PathwayError(f"today {today!r} is not a date; allowed: a datetime.date")
    if isinstance(min_days, bool) or not isinstance(min_days, int) or min_days < 0:
        raise PathwayError(f"min_days {min_days!r} is not allowed; allowed: a whole number of days >= 0")
    catalogues = _catalogues(gates)
    result = []
    for clock in clocks:
        if not clock.open:
            continue
        if clock.elapsed_days < min_days and not clock.overdue:
            continue
        spec = _spec(catalogues, clock)
        result.append(
            StuckProduct(
                product=clock.product,
                catalogue=clock.catalogue,
                gate=clock.gate,
                agency=spec.agency,
                status="under_query" if clock.under_query else "at_agency",
                since=clock.submitted,
                days=clock.elapsed_days,
                attempt=clock.attempt,
                clock_kind=clock.clock_kind,
                clock_used=clock.clock_used,
                statutory=clock.statutory,
                days_left=clock.days_left,
                overdue=clock.overdue,
                due=clock.due,
            )
        )
    if products is not None:
        single = catalogues.get("") if "" in catalogues else None
        if single is not None:
            catalogues = {product.catalogue: single for product in products}
        if positions is None:
            positions = product_positions(products, clocks, catalogues)
        busy = {clock.product for clock in clocks if clock.open}
        for product in products:
            specs = catalogues[product.catalogue]
            if product.key in busy:
                continue
            position = positions[product.key]
            if position.gate is None:
                continue
            since = position.last_ended or product.started_on
            if since is None or (today - since).days < min_days:
                continue
            spec = specs[position.gate]
            result.append(
                StuckProduct(
                    product=product.key,
                    catalogue=product.catalogue,
                    gate=spec.key,
                    agency=spec.agency,
                    status="waiting",
                    since=since,
                    days=(today - since).days,
                    attempt=None,
                    clock_kind=spec.clock_kind,
                    clock_used=None,
                    statutory=spec.clock_days,
                    days_left=None,
                    overdue=False,
                    due=None,
                )
            )
    result.sort(key=lambda s: (not s.overdue, -s.days, s.product, s.gate))
    return tuple(result)


# --------------------------------------------------------------------------------------------- TRL


@dataclass(frozen=True)
class TrlFunnel:
    """Products per technology readiness level and per stage.

    ``by_trl[i]`` counts the products at TRL ``i + 1``; ``stages`` names the stage columns (the
    pipeline's stages, then ``unknown`` if some products have none); ``by_stage`` counts the products
    in each and ``matrix[i][j]`` those at TRL ``i + 1`` in stage ``stages[j]``.
    """

    by_trl: tuple[int, ...]
    stages: tuple[str, ...]
    by_stage: tuple[int, ...]
    matrix: tuple[tuple[int, ...], ...]
    total: int


def trl_funnel(products: Iterable[ProductSpec], *, stages: Mapping[str, str] | None = None) -> TrlFunnel:
    """Count products by TRL 1..9 and by stage.

    The stage of a product is ``stages[key]`` if given, else its ``stage_now``, else ``unknown``.

    Examples
    --------
    >>> f = trl_funnel([ProductSpec("a", "device", 4, "c"), ProductSpec("b", "device", 4, "c", "trials"),
    ...                 ProductSpec("c", "medicine", 7, "m", "registration")])
    >>> f.by_trl
    (0, 0, 0, 2, 0, 0, 1, 0, 0)
    >>> f.stages
    ('research', 'trials', 'registration', 'production', 'market', 'unknown')
    >>> f.by_stage
    (0, 1, 1, 0, 0, 1)
    """
    stages = {} if stages is None else stages
    counts = np.zeros((9, len(STAGES) + 1), dtype=np.int64)
    columns = {stage: index for index, stage in enumerate((*STAGES, UNKNOWN_STAGE))}
    total = 0
    for product in products:
        if not isinstance(product, ProductSpec):
            raise PathwayError(
                f"{_text(repr(product))} is not a ProductSpec; allowed: ProductSpec(key, type, trl, ...)"
            )
        stage = stages.get(product.key) or product.stage_now or UNKNOWN_STAGE
        if stage not in columns:
            raise PathwayError(
                f"product '{product.key}': stage {stage!r} is not allowed; allowed: {', '.join(STAGES)}"
            )
        counts[product.trl - 1, columns[stage]] += 1
        total += 1
    if not counts[:, -1].any():
        counts = counts[:, :-1]
        names: tuple[str, ...] = STAGES
    else:
        names = (*STAGES, UNKNOWN_STAGE)
    return TrlFunnel(
        by_trl=tuple(int(x) for x in counts.sum(axis=1)),
        stages=names,
        by_stage=tuple(int(x) for x in counts.sum(axis=0)),
        matrix=tuple(tuple(int(x) for x in row) for row in counts),
        total=total,
    )


# ------------------------------------------------------------------------------------------ report


@dataclass(frozen=True)
class PathwayReport:
    """Everything :func:`pathway_report` computes for a set of products on ``today``.

    ``clocks`` (every attempt), ``positions`` (product key -> :class:`ProductPosition`), ``gates``
    and ``agencies`` (statistics), ``stuck``, ``bottlenecks`` and ``funnel`` (by the stage each
    product is at now); ``min_days`` and ``gates_by_catalogue`` as given.
    """

    today: date
    products: tuple[ProductSpec, ...]
    clocks: tuple[GateClock, ...]
    positions: Mapping[str, ProductPosition]
    gates: tuple[GateStatistics, ...]
    agencies: tuple[AgencyStatistics, ...]
    stuck: tuple[StuckProduct, ...]
    bottlenecks: Bottlenecks
    funnel: TrlFunnel
    min_days: int
    gates_by_catalogue: Mapping[str, Mapping[str, GateSpec]]


@paused_gc
def pathway_report(
    products: Sequence[ProductSpec],
    events: Iterable[Event],
    gates_by_catalogue: Mapping[str, Mapping[str, GateSpec]],
    *,
    calendar: WorkingCalendar,
    today: date,
    min_days: int = DEFAULT_MIN_DAYS,
) -> PathwayReport:
    """The clocks, statistics, stuck products, bottlenecks and TRL funnel of a set of products.

    Parameters
    ----------
    products : sequence of ProductSpec
        Keys unique; each names its catalogue in ``gates_by_catalogue``.
    events : iterable of Event
        Every product's events, in date order per gate; checked with
        :func:`~.events.check_events` against each product's catalogue and ``today``.
    gates_by_catalogue : mapping of catalogue -> (gate key -> GateSpec)
    calendar : WorkingCalendar
    today : date
    min_days : int
        Passed to :func:`stuck_products`.

    Raises
    ------
    InvalidEvents
        With every problem of the events (and products repeated or with an unknown catalogue, which
        are reported as issues of the field ``product``/``catalogue``).
    PathwayError
        If an argument is not allowed.
    """
    if not isinstance(calendar, WorkingCalendar):
        raise PathwayError(
            f"calendar {_text(repr(calendar))} is not a WorkingCalendar; allowed: e.g. russian_calendar()"
        )
    if isinstance(today, datetime) or not isinstance(today, date):
        raise PathwayError(f"today {today!r} is not a date; allowed: a datetime.date")
    catalogues = _catalogues(gates_by_catalogue)
    if "" in catalogues and "" not in gates_by_catalogue:
        raise PathwayError(
            "gates_by_catalogue maps gate keys to GateSpecs; allowed: catalogue -> (gate key -> GateSpec)"
        )
    products = tuple(products)
    problems: list[EventIssue] = []
    catalogue_of: dict[str, str] = {}
    for product in products:
        if not isinstance(product, ProductSpec):
            raise PathwayError(
                f"{_text(repr(product))} is not a ProductSpec; allowed: ProductSpec(key, type, trl, ...)"
            )
        if product.key in catalogue_of:
            problems.append(
                EventIssue(
                    product.key,
                    "",
                    None,
                    "product",
                    product.key,
                    "the product is listed twice; allowed: once",
                )
            )
            continue
        if product.catalogue not in catalogues:
            problems.append(
                EventIssue(
                    product.key,
                    "",
                    None,
                    "catalogue",
                    product.catalogue,
                    f"catalogue '{product.catalogue}' is not known; allowed: {', '.join(sorted(catalogues))}",
                )
            )
            continue
        catalogue_of[product.key] = product.catalogue
    events = list(events)
    gate_keys = {key: catalogues[catalogue].keys() for key, catalogue in catalogue_of.items()}
    encoded = _Encoded(events) if all(type(event) is Event for event in events) else None

    def allowed(product: str, gate: str) -> bool:
        keys = gate_keys.get(product)
        return keys is not None and gate in keys

    if problems or encoded is None or not encoded.valid(allowed, today):
        try:  # read one by one, to word every problem
            check_events(events, gates=gate_keys, by_product=True, today=today)
        except InvalidEvents as exc:
            raise InvalidEvents([*problems, *exc.issues], total=len(problems) + exc.total) from None
        if problems:
            raise InvalidEvents(problems)
        encoded = _Encoded(events)

    # The events are encoded once for all catalogues: each (product, gate) pair gets its catalogue's gate.
    clocks: list[GateClock] = []
    if events:
        owners = [catalogue_of[product] for product, _ in encoded.pairs]
        specs = [catalogues[owner][gate] for owner, (_, gate) in zip(owners, encoded.pairs, strict=True)]
        clocks = list(_clocks(encoded, specs, owners, calendar, today))
    order = {product.key: index for index, product in enumerate(products)}
    clocks.sort(key=lambda c: (order[c.product], catalogues[c.catalogue][c.gate].position, c.gate, c.attempt))
    positions = product_positions(products, clocks, catalogues)
    arrays = _Arrays(clocks, catalogues)
    return PathwayReport(
        today=today,
        products=products,
        clocks=tuple(clocks),
        positions=positions,
        gates=gate_statistics(clocks, catalogues, _arrays=arrays),
        agencies=agency_statistics(clocks, catalogues, _arrays=arrays),
        stuck=stuck_products(
            clocks, catalogues, today=today, min_days=min_days, products=products, positions=positions
        ),
        bottlenecks=bottlenecks(clocks, catalogues, _arrays=arrays),
        funnel=trl_funnel(products, stages={key: position.stage for key, position in positions.items()}),
        min_days=min_days,
        gates_by_catalogue=catalogues,
    )
