"""Product pathways: the statutory clocks of regulatory gates, their statistics, and time to market.

A product passes the *gates* of its catalogue (a clinical-trial permit, a GMP conclusion, state
registration, ...), each decided by an *agency* within a statutory time in working or calendar days.
This package, pure (numpy; no Django), measures that:

* a working-day calendar with the Russian holidays and transfers of days off 2020-2027
  (:class:`WorkingCalendar`, :func:`russian_calendar`, :func:`load_calendar`);
* gate events and the rules of their order (:class:`Event`, :func:`check_events`);
* the clock of each submission: elapsed, stopped under queries, used against the statutory time,
  days left, overdue (:class:`GateSpec`, :func:`gate_clocks`);
* statistics per gate and agency, products stuck now, bottlenecks, the TRL funnel, and all of them at
  once (:func:`gate_statistics`, :func:`agency_statistics`, :func:`stuck_products`,
  :func:`bottlenecks`, :func:`trl_funnel`, :func:`pathway_report`);
* a Monte Carlo forecast of a product's time to market (:func:`forecast_time_to_market`);
* CSV readers for the command line (:func:`read_pathway_csv`).

Errors are :class:`PathwayError` (a :class:`ValueError`) and its subclasses :class:`InvalidEvents`
and :class:`InvalidPathwayInput`. The problems in gate events and a forecast's assumptions are English
:class:`Message` strings that also carry a ``code`` and ``params``, for interfaces in other
languages (their English sentences: :data:`TEMPLATES`). Methods and sources: ``docs/methods/pathways.md``.

Examples
--------
>>> from datetime import date
>>> from clusterworks.analytics.pathways import russian_calendar
>>> russian_calendar().working_days(date(2024, 12, 31), date(2025, 1, 31))
17
"""

from __future__ import annotations

from .analysis import (
    DEFAULT_MIN_DAYS,
    PathwayReport,
    ProductPosition,
    ProductSpec,
    StuckProduct,
    TrlFunnel,
    pathway_report,
    product_positions,
    stuck_products,
    trl_funnel,
)
from .calendar import CALENDAR_COLUMNS, CALENDAR_KINDS, WorkingCalendar, load_calendar, russian_calendar
from .clock import CLOCK_KINDS, STAGES, GateClock, GateSpec, gate_clocks
from .errors import EventIssue, FileIssue, InvalidEvents, InvalidPathwayInput, PathwayError
from .events import DECISIONS, EVENT_KINDS, Event, check_events
from .forecast import DEFAULT_MIN_HISTORY, Forecast, GateForecast, forecast_time_to_market
from .io import (
    EVENT_COLUMNS,
    GATE_COLUMNS,
    PRODUCT_COLUMNS,
    PathwayInput,
    read_events_csv,
    read_gates_csv,
    read_pathway_csv,
    read_products_csv,
    report_tables,
)
from .messages import TEMPLATES, Message
from .statistics import (
    AgencyBottleneck,
    AgencyStatistics,
    Bottlenecks,
    GateBottleneck,
    GateStatistics,
    agency_statistics,
    bottlenecks,
    gate_statistics,
)

__all__ = [
    "CALENDAR_COLUMNS",
    "CALENDAR_KINDS",
    "CLOCK_KINDS",
    "DECISIONS",
    "DEFAULT_MIN_DAYS",
    "DEFAULT_MIN_HISTORY",
    "EVENT_COLUMNS",
    "EVENT_KINDS",
    "GATE_COLUMNS",
    "PRODUCT_COLUMNS",
    "STAGES",
    "TEMPLATES",
    "AgencyBottleneck",
    "AgencyStatistics",
    "Bottlenecks",
    "Event",
    "EventIssue",
    "FileIssue",
    "Forecast",
    "GateBottleneck",
    "GateClock",
    "GateForecast",
    "GateSpec",
    "GateStatistics",
    "InvalidEvents",
    "InvalidPathwayInput",
    "Message",
    "PathwayError",
    "PathwayInput",
    "PathwayReport",
    "ProductPosition",
    "ProductSpec",
    "StuckProduct",
    "TrlFunnel",
    "WorkingCalendar",
    "agency_statistics",
    "bottlenecks",
    "check_events",
    "forecast_time_to_market",
    "gate_clocks",
    "gate_statistics",
    "load_calendar",
    "pathway_report",
    "product_positions",
    "read_events_csv",
    "read_gates_csv",
    "read_pathway_csv",
    "read_products_csv",
    "report_tables",
    "russian_calendar",
    "stuck_products",
    "trl_funnel",
]
