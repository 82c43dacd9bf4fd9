"""A synthetic pipeline for benchmarks and tests: products of two catalogues and their gate events.

Not data about any real product. Each product starts on a random day, then passes the gates of its
catalogue in order: it waits a while, submits, may get a query (the clock stops) and answer it, and
gets a decision, refused with a per-gate probability and then resubmitted. Durations are lognormal
around a per-gate median; the state registration of medicines and of devices is made slower than its
statutory clock so that the bottlenecks show. Whatever would happen after ``today`` is cut off, so
the latest submissions stay open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from .analysis import ProductSpec
from .clock import GateSpec
from .errors import PathwayError
from .events import Event

__all__ = ["SyntheticPipeline", "synthetic_catalogues", "synthetic_pipeline"]


@dataclass(frozen=True)
class SyntheticPipeline:
    """``gates_by_catalogue``, ``products`` and ``events`` (in date order per gate) as of ``today``."""

    gates_by_catalogue: dict[str, dict[str, GateSpec]]
    products: tuple[ProductSpec, ...]
    events: tuple[Event, ...]
    today: date


# gate key, stage, agency, clock kind, clock days, typical low, typical high,
# median duration (days), query probability, refusal probability
_MEDICINE = (
    ("preclinical", "research", "testing-labs", "none", None, 180, 730, 200, 0.2, 0.0),
    ("ct-application-review", "trials", "sceemp", "working", 30, None, None, 40, 0.7, 0.10),
    ("ct-permit", "trials", "minzdrav", "working", 5, None, None, 9, 0.3, 0.05),
    ("clinical-trials", "trials", "clinical-sites", "none", None, 365, 1825, 450, 0.3, 0.15),
    ("gmp-conclusion", "production", "minpromtorg", "none", None, 180, 300, 240, 0.3, 0.10),
    ("state-registration", "registration", "minzdrav", "working", 160, 300, 365, 330, 0.9, 0.12),
    ("production-licence", "production", "minpromtorg", "working", 45, None, None, 60, 0.3, 0.05),
    ("market-launch", "market", None, "none", None, None, None, 20, 0.0, 0.0),
)
_DEVICE = (
    ("technical-tests", "trials", "testing-labs", "none", None, 90, 180, 120, 0.3, 0.05),
    ("toxicology", "trials", "testing-labs", "none", None, 60, 120, 80, 0.0, 0.05),
    ("device-clinical-trials", "trials", "clinical-sites", "none", None, 90, 365, 200, 0.3, 0.08),
    ("production-inspection", "registration", "roszdravnadzor", "none", None, 60, 180, 100, 0.4, 0.05),
    ("device-registration", "registration", "roszdravnadzor", "working", 50, 120, 365, 150, 0.8, 0.15),
    ("market-launch", "market", None, "none", None, None, None, 15, 0.0, 0.0),
)
_CATALOGUES = {"medicine": _MEDICINE, "device": _DEVICE}


def synthetic_catalogues() -> dict[str, dict[str, GateSpec]]:
    """The two catalogues of the synthetic pipeline (``medicine``: 8 gates, ``device``: 6)."""
    return {
        name: {
            row[0]: GateSpec(row[0], position, row[1], row[2], row[3], row[4], row[5], row[6])
            for position, row in enumerate(rows, start=1)
        }
        for name, rows in _CATALOGUES.items()
    }


def synthetic_pipeline(
    *, products: int = 5000, seed: int = 0, today: date = date(2026, 12, 1), start_years: int = 12
) -> SyntheticPipeline:
    """Generate ``products`` products (60 % medicines) started over the ``start_years`` years before
    ``today``, with their gate events up to ``today``.

    About 20 events a product (5,000 products give about 100,000 events); the same ``seed`` gives
    the same pipeline.

    Examples
    --------
    >>> pipeline = synthetic_pipeline(products=50, seed=1)
    >>> len(pipeline.products), len(pipeline.events) > 200
    (50, True)
    """
    if isinstance(products, bool) or not isinstance(products, int) or products < 1:
        raise PathwayError(f"products {products!r} is not allowed; allowed: a whole number >= 1")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise PathwayError(f"seed {seed!r} is not allowed; allowed: a whole number >= 0")
    rng = np.random.default_rng(seed)
    catalogues = synthetic_catalogues()
    horizon = 365 * start_years
    specs: list[ProductSpec] = []
    events: list[Event] = []
    for index in range(products):
        catalogue = "medicine" if rng.random() < 0.6 else "device"
        rows = _CATALOGUES[catalogue]
        started = today - timedelta(days=int(rng.integers(0, horizon)))
        key = f"{catalogue[:3]}-{index + 1:05d}"
        day = started
        passed = 0
        for gate, _stage, _agency, _kind, _days, _low, _high, median, p_query, p_refuse in rows:
            day += timedelta(days=int(rng.exponential(25)))
            finished = False
            while day <= today:
                events.append(Event(key, gate, "submitted", day))
                duration = max(2, int(rng.lognormal(np.log(median), 0.35)))
                end = day + timedelta(days=duration)
                queries = int(rng.random() < p_query) + int(rng.random() < p_query * 0.8)
                cursor = day
                for _ in range(queries):  # each query comes before the (shifted) decision
                    query = cursor + timedelta(days=int(rng.integers(1, max(2, (end - cursor).days))))
                    if query >= end:
                        break
                    answer = query + timedelta(days=int(rng.integers(5, 90)))
                    if query > today:
                        break
                    events.append(Event(key, gate, "query", query))
                    if answer > today:
                        break
                    events.append(Event(key, gate, "answered", answer))
                    end, cursor = answer + (end - query), answer
                if events[-1].product == key and events[-1].gate == gate and events[-1].kind == "query":
                    break
                if end > today:
                    break
                refused = rng.random() < p_refuse
                events.append(Event(key, gate, "decision", end, "refused" if refused else "approved"))
                day = end
                if not refused:
                    finished = True
                    break
                day += timedelta(days=int(rng.integers(20, 120)))
            if not finished:
                break
            passed += 1
        trl = min(9, 3 + passed + int(rng.integers(0, 2)))
        specs.append(ProductSpec(key, catalogue, trl, catalogue, None, started))
    return SyntheticPipeline(catalogues, tuple(specs), tuple(events), today)
