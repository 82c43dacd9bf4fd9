"""Pathways benchmark (issue 6, "Performance"): the report of 5,000 products and about 100,000 gate
events, and the forecast of one product with 10,000 draws.

The data: :func:`clusterworks.analytics.pathways.synthetic.synthetic_pipeline` (seed 20261201): 5,000
products (60 % medicines with 8 gates, 40 % devices with 6) started over twelve years, each passing its
gates with waits, agency queries, refusals and resubmissions, cut off at 2026-12-01 -- 99,482 events.
Not data about real products.

Measured, each the best of --repeat runs:

* Clusterworks ``pathway_report`` in memory: checks every event's order, the clock of every
  submission on the Russian working-day calendar, the statistics per gate and agency, the stuck
  products, the bottlenecks and the TRL funnel;
* the same from the three CSV files (``read_pathway_csv`` + ``pathway_report``: what
  ``clusterworks pathways report`` does before printing);
* the statistics alone from the clocks (``gate_statistics`` + ``agency_statistics`` + ``bottlenecks``);
* the baseline an analyst would otherwise write with pandas (if installed; it is not a dependency of
  Clusterworks), once, on the same events: attempts from ``cumsum`` of submissions per product and
  gate, decisions and queries joined to them, working days with ``np.busday_count`` (holidays and
  working weekends of the same calendar), then ``groupby`` + ``quantile`` per gate. It checks nothing.
  The per-gate numbers of both must agree (asserted);
* ``forecast_time_to_market`` of one product in trials (10,000 draws, the report's clocks as history).

    uv run python bench/pathways_bench.py
    uv run --with pandas python bench/pathways_bench.py     # with the pandas column
    uv run python bench/pathways_bench.py --products 1000 --repeat 1   # quicker

Writes bench/results/pathways.json (unless --no-save) and prints a Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from clusterworks.analytics.pathways import (
    agency_statistics,
    bottlenecks,
    forecast_time_to_market,
    gate_statistics,
    pathway_report,
    read_pathway_csv,
    russian_calendar,
)
from clusterworks.analytics.pathways.synthetic import synthetic_pipeline

try:  # pandas is optional: the column is skipped without it
    import pandas as pd
except ImportError:  # pragma: no cover - depends on the environment
    pd = None

SEED = 20261201
RESULTS = Path(__file__).resolve().parent / "results"


# ---------------------------------------------------------------------------------------------- data


def write_inputs(pipeline: Any, folder: Path) -> tuple[Path, Path, Path]:
    """GATES.csv, PRODUCTS.csv and EVENTS.csv of the pipeline."""
    gates, products, events = folder / "gates.csv", folder / "products.csv", folder / "events.csv"
    with open(gates, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            [
                "catalogue",
                "gate",
                "position",
                "stage",
                "agency",
                "clock_kind",
                "clock_days",
                "typical_low",
                "typical_high",
            ]
        )
        for catalogue, specs in pipeline.gates_by_catalogue.items():
            for s in specs.values():
                writer.writerow(
                    [catalogue, s.key, s.position, s.stage, s.agency or "", s.clock_kind]
                    + ["" if v is None else v for v in (s.clock_days, s.typical_low, s.typical_high)]
                )
    with open(products, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["product", "type", "trl", "catalogue", "started_on"])
        for p in pipeline.products:
            writer.writerow([p.key, p.type, p.trl, p.catalogue, p.started_on.isoformat()])
    with open(events, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["product", "gate", "kind", "date", "decision"])
        for e in pipeline.events:
            writer.writerow([e.product, e.gate, e.kind, e.date.isoformat(), e.decision or ""])
    return gates, products, events


# ------------------------------------------------------------------------------------------ baseline


def pandas_gate_statistics(pipeline: Any, calendar: Any) -> Any:
    """Per (catalogue, gate): decided, refused, open now, elapsed percentiles, share overdue, days lost --
    the straightforward pandas way, from the events."""
    today = np.datetime64(pipeline.today)
    catalogue_of = {p.key: p.catalogue for p in pipeline.products}
    ev = pd.DataFrame(
        {
            "product": [e.product for e in pipeline.events],
            "gate": [e.gate for e in pipeline.events],
            "kind": [e.kind for e in pipeline.events],
            "date": np.array([e.date for e in pipeline.events], dtype="datetime64[D]"),
            "decision": [e.decision for e in pipeline.events],
        }
    )
    ev["catalogue"] = ev["product"].map(catalogue_of)
    keys = ["product", "gate", "attempt"]
    ev["attempt"] = (ev["kind"] == "submitted").groupby([ev["product"], ev["gate"]]).cumsum()
    attempts = ev.loc[ev["kind"] == "submitted", ["catalogue", *keys, "date"]].rename(
        columns={"date": "submitted"}
    )
    ends = ev.loc[ev["kind"].isin(["decision", "withdrawn"]), [*keys, "date", "kind", "decision"]].copy()
    ends["decision"] = ends["decision"].where(ends["kind"] == "decision", "withdrawn")
    attempts = attempts.merge(
        ends.drop(columns="kind").rename(columns={"date": "decided"}), on=keys, how="left"
    )
    attempts["end"] = attempts["decided"].fillna(pd.Timestamp(pipeline.today))

    holidays = np.array(sorted(d for d in calendar.holidays if d.weekday() < 5), dtype="datetime64[D]")
    weekends = np.array(sorted(calendar.working_weekends), dtype="datetime64[D]")

    def working_days(start: Any, end: Any) -> np.ndarray:
        a = start.to_numpy().astype("datetime64[D]")
        b = end.to_numpy().astype("datetime64[D]")
        one = np.timedelta64(1, "D")
        return np.busday_count(a + one, b + one, holidays=holidays) + (
            np.searchsorted(weekends, b, "right") - np.searchsorted(weekends, a, "right")
        )

    queries = ev.loc[ev["kind"] == "query", [*keys, "date"]].copy()
    answers = ev.loc[ev["kind"] == "answered", [*keys, "date"]].copy()
    queries["n"] = queries.groupby(keys).cumcount()
    answers["n"] = answers.groupby(keys).cumcount()
    stops = queries.merge(answers, on=[*keys, "n"], how="left", suffixes=("_q", "_a"))
    stops = stops.merge(attempts[[*keys, "end"]], on=keys)
    stops["stop_end"] = stops["date_a"].fillna(stops["end"])
    stops["stopped"] = (stops["stop_end"] - stops["date_q"]).dt.days
    stops["stopped_wd"] = working_days(stops["date_q"], stops["stop_end"])
    stopped = stops.groupby(keys)[["stopped", "stopped_wd"]].sum().reset_index()
    attempts = attempts.merge(stopped, on=keys, how="left").fillna({"stopped": 0, "stopped_wd": 0})

    specs = pd.DataFrame(
        [
            {"catalogue": c, "gate": s.key, "clock_kind": s.clock_kind, "clock_days": s.clock_days}
            for c, gates in pipeline.gates_by_catalogue.items()
            for s in gates.values()
        ]
    )
    attempts = attempts.merge(specs, on=["catalogue", "gate"])
    attempts["elapsed"] = (attempts["end"] - attempts["submitted"]).dt.days
    total_wd = working_days(attempts["submitted"], attempts["end"])
    attempts["used"] = np.where(
        attempts["clock_kind"] == "working",
        total_wd - attempts["stopped_wd"],
        attempts["elapsed"] - attempts["stopped"],
    )
    clocked = attempts["clock_days"].notna()
    attempts["overdue"] = clocked & (attempts["used"] > attempts["clock_days"])
    attempts["lost"] = np.where(
        clocked & (attempts["decision"] != "withdrawn"),
        (attempts["used"] - attempts["clock_days"]).clip(lower=0),
        0,
    )
    group = ["catalogue", "gate"]
    decided = attempts[attempts["decision"].isin(["approved", "refused"])]
    stats = decided.groupby(group).agg(
        decided=("elapsed", "size"),
        refused=("decision", lambda d: int((d == "refused").sum())),
        share_overdue=("overdue", "mean"),
    )
    quantiles = decided.groupby(group)["elapsed"].quantile([0.5, 0.75, 0.9]).unstack()
    quantiles.columns = ["elapsed_median", "elapsed_p75", "elapsed_p90"]
    stats = stats.join(quantiles)
    stats["open_now"] = attempts[attempts["decided"].isna()].groupby(group).size()
    stats["days_lost"] = attempts.groupby(group)["lost"].sum()
    assert today is not None
    return stats.fillna({"open_now": 0})


def assert_same(report: Any, frame: Any) -> None:
    rows = {(s.catalogue, s.gate): s for s in report.gates}
    lost = {(g.catalogue, g.gate): g.days_lost for g in report.bottlenecks.gates}
    for (catalogue, gate), row in frame.iterrows():
        ours = rows[catalogue, gate]
        assert ours.decided == row["decided"] and ours.refused == row["refused"], (catalogue, gate)
        assert ours.open_now == row["open_now"], (catalogue, gate)
        for name in ("elapsed_median", "elapsed_p75", "elapsed_p90"):
            assert abs(getattr(ours, name) - row[name]) < 1e-9, (catalogue, gate, name)
        if ours.statutory is not None:
            assert abs(ours.share_overdue - row["share_overdue"]) < 1e-12, (catalogue, gate)
            assert lost[catalogue, gate] == row["days_lost"], (catalogue, gate)


# ----------------------------------------------------------------------------------------- running


def runs(repeat: int, run: Callable[[], Any]) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=5000)
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-save", action="store_true", help="Do not write bench/results/pathways.json.")
    args = parser.parse_args(argv)

    calendar = russian_calendar()
    pipeline = synthetic_pipeline(products=args.products, seed=SEED)
    today = pipeline.today
    report = pathway_report(
        pipeline.products, pipeline.events, pipeline.gates_by_catalogue, calendar=calendar, today=today
    )
    results: list[dict[str, Any]] = []

    def record(method: str, times: list[float]) -> float:
        results.append({"method": method, "seconds": min(times), "runs": times})
        return min(times)

    memory = record(
        "Clusterworks pathway_report, in memory",
        runs(
            args.repeat,
            lambda: pathway_report(
                pipeline.products,
                pipeline.events,
                pipeline.gates_by_catalogue,
                calendar=calendar,
                today=today,
            ),
        ),
    )
    with tempfile.TemporaryDirectory(prefix="pathways-bench-") as directory:
        files = write_inputs(pipeline, Path(directory))
        size_mb = sum(path.stat().st_size for path in files) / 1e6

        def from_files() -> Any:
            data = read_pathway_csv(*files, today=today)
            return pathway_report(
                data.products, data.events, data.gates_by_catalogue, calendar=calendar, today=today
            )

        assert from_files().gates == report.gates
        files_s = record(
            "Clusterworks read_pathway_csv + pathway_report, from the CSV files",
            runs(args.repeat, from_files),
        )

    clocks, catalogues = report.clocks, report.gates_by_catalogue

    def statistics() -> Any:
        return (
            gate_statistics(clocks, catalogues),
            agency_statistics(clocks, catalogues),
            bottlenecks(clocks, catalogues),
        )

    stats_s = record("Clusterworks statistics alone, from the clocks", runs(args.repeat, statistics))

    pandas_s = None
    if pd is not None:
        start = time.perf_counter()
        frame = pandas_gate_statistics(pipeline, calendar)
        pandas_s = time.perf_counter() - start
        assert_same(report, frame)
        results.append(
            {
                "method": f"pandas {pd.__version__}, per-gate statistics from the events",
                "seconds": pandas_s,
                "runs": [pandas_s],
            }
        )

    product = next(
        p
        for p in pipeline.products
        if report.positions[p.key].stage == "trials" and p.catalogue == "medicine"
    )
    own = [e for e in pipeline.events if e.product == product.key]

    def forecast() -> Any:
        return forecast_time_to_market(
            product=product,
            events=own,
            gates=pipeline.gates_by_catalogue[product.catalogue],
            history=clocks,
            calendar=calendar,
            today=today,
            draws=args.draws,
            seed=0,
        )

    result = forecast()
    forecast_s = record(
        f"Clusterworks forecast_time_to_market, one product, {args.draws:,} draws",
        runs(args.repeat, forecast),
    )

    attempts = len(clocks)
    document = {
        "date": date.today().isoformat(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "numpy": np.__version__,
            "pandas": None if pd is None else pd.__version__,
            "load_average_1_5_15_min": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        },
        "data": {
            "products": len(pipeline.products),
            "events": len(pipeline.events),
            "attempts": attempts,
            "csv_mb": round(size_mb, 2),
            "seed": SEED,
            "today": today.isoformat(),
            "generator": "clusterworks.analytics.pathways.synthetic.synthetic_pipeline",
        },
        "same_result": pd is not None,
        "forecast": {
            "product": product.key,
            "p10_days": result.p10_days,
            "p50_days": result.p50_days,
            "p90_days": result.p90_days,
        },
        "results": results,
    }
    if not args.no_save:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "pathways.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")

    print(
        f"{len(pipeline.products):,} products, {len(pipeline.events):,} events ({size_mb:.1f} MB of CSV), "
        f"{attempts:,} submissions; seed {SEED}; best of {args.repeat}"
        + (
            "; pandas once, same per-gate numbers (asserted)."
            if pd is not None
            else "; pandas not installed."
        )
    )
    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}, "
        f"{os.cpu_count()} CPUs.\n"
    )
    print("| step | seconds | / in-memory report |")
    print("|---|---:|---:|")
    for label, seconds in (
        ("`pathway_report`, in memory (checks, clocks, statistics, stuck, bottlenecks, funnel)", memory),
        ("`read_pathway_csv` + `pathway_report`, from the CSV files", files_s),
        ("statistics alone, from the clocks", stats_s),
        *(
            ((f"pandas {pd.__version__}: per-gate statistics from the events (no checks)", pandas_s),)
            if pandas_s
            else ()
        ),
        (f"`forecast_time_to_market`, one product, {args.draws:,} draws", forecast_s),
    ):
        print(f"| {label} | {seconds:.3f} | {seconds / memory:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
