"""Envelope allocation benchmark (issue 5, item 8): the exact MIP against greedy and the generic tools.

10,000 synthetic applications (:func:`clusterworks.analytics.allocation.random_applications`, fixed
seed; 25 clusters, 6 sectors, 60 % accepting a partial award down to a floor), an envelope of half
the total requested, a minimum score of 50, a cap per cluster of 6 % of the envelope, a biotech
minimum of 20 % and an ICT maximum of 12 % of the envelope. We time

* ``allocate`` -- exact: HiGHS branch and cut to a proven gap of 0, then whole kopecks (median of
  --repeat runs);
* ``greedy_allocation`` -- highest score first, what a programme office would do by hand;
* the same model in the tools a user would otherwise reach for: ``scipy.optimize.milp`` (a binary
  y_i per application, ``floor_i y_i <= x_i <= requested_i y_i``, gap 0) and PuLP with CBC (same
  formulation, gap 0), both given amounts in the solver's units (millions of roubles) as we are.

PuLP is not a dependency; run it with

    uv run --with pulp python bench/allocation_bench.py

(without PuLP the CBC run is skipped with a message). Results go to bench/results/allocation.json and
are summarised on stdout as Markdown.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from collections import Counter
from dataclasses import asdict
from importlib.metadata import version
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from clusterworks.analytics.allocation import (
    AllocationRules,
    SectorQuota,
    allocate,
    greedy_allocation,
    random_applications,
)
from clusterworks.analytics.allocation.model import _instance

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SEED = 20261201
UNIT = 100_000_000  # kopecks in a million roubles: the generic solvers' unit


def instance(n: int, seed: int):
    apps = random_applications(n, clusters=25, sectors=6, seed=seed)
    requested = sum(a.requested for a in apps)
    envelope = requested // 2
    rules = AllocationRules(
        min_score=50,
        cluster_cap=envelope * 6 // 100,
        sector_quotas={"biotech": SectorQuota(min_share=0.2), "ict": SectorQuota(max_share=0.12)},
    )
    return apps, envelope, rules, requested


def rows(apps, envelope, rules):
    """The rules as (matrix, lower, upper) over the amounts, in millions of roubles, and the bounds."""
    inst = _instance(apps, envelope, rules)
    n = len(inst.ids)
    matrix, lower, upper = [np.ones(n)], [-np.inf], [envelope / UNIT]
    for c, cap in enumerate(inst.cluster_cap):
        matrix.append((inst.cluster == c).astype(float))
        lower.append(-np.inf)
        upper.append(cap / UNIT)
    for s, (low, high) in enumerate(zip(inst.sector_min, inst.sector_max, strict=True)):
        if low is not None or high is not None:
            matrix.append((inst.sector == s).astype(float))
            lower.append(-np.inf if low is None else low / UNIT)
            upper.append(np.inf if high is None else high / UNIT)
    requested = np.where(inst.eligible, inst.requested, 0) / UNIT
    return inst, np.array(matrix), np.array(lower), np.array(upper), requested, inst.floor / UNIT


def run_milp(apps, envelope, rules, time_limit: float) -> dict:
    t0 = time.perf_counter()
    inst, a, lower, upper, req, low = rows(apps, envelope, rules)
    n = len(req)
    a_full = sp.hstack([sp.csr_array(a), sp.csr_array((a.shape[0], n))])
    link_up = sp.hstack([sp.eye_array(n), sp.diags_array(-req)])
    link_low = sp.hstack([sp.eye_array(n), sp.diags_array(-low)])
    result = milp(
        np.concatenate([-inst.score, np.zeros(n)]),
        constraints=[
            LinearConstraint(a_full, lower, upper),
            LinearConstraint(link_up, -np.inf, 0),
            LinearConstraint(link_low, 0, np.inf),
        ],
        integrality=np.concatenate([np.zeros(n), np.ones(n)]),
        bounds=Bounds(np.zeros(2 * n), np.concatenate([req, (req > 0).astype(float)])),
        options={"mip_rel_gap": 0.0, "time_limit": time_limit},
    )
    seconds = time.perf_counter() - t0
    objective = None if result.x is None else -float(result.fun) * UNIT
    return {
        "method": "scipy.optimize.milp (HiGHS), binary y_i, gap 0",
        "seconds": seconds,
        "status": result.message,
        "objective": objective,
        "proven_optimal": result.status == 0,
        "mip_gap": getattr(result, "mip_gap", None),
    }


def run_pulp(apps, envelope, rules, time_limit: float) -> dict | None:
    try:
        import pulp
    except ImportError:
        print(
            "PuLP is not installed: the CBC run is skipped "
            "(uv run --with pulp python bench/allocation_bench.py)"
        )
        return None
    t0 = time.perf_counter()
    inst, a, lower, upper, req, low = rows(apps, envelope, rules)
    n = len(req)
    problem = pulp.LpProblem("allocation", pulp.LpMaximize)
    x = [pulp.LpVariable(f"x{i}", 0, float(req[i])) for i in range(n)]
    y = [pulp.LpVariable(f"y{i}", cat="Binary") for i in range(n)]
    problem += pulp.lpSum(float(inst.score[i]) * x[i] for i in range(n))
    for i in range(n):
        problem += x[i] <= float(req[i]) * y[i]
        problem += x[i] >= float(low[i]) * y[i]
    for r in range(a.shape[0]):
        members = np.flatnonzero(a[r]).tolist()
        total = pulp.lpSum(x[i] for i in members)
        if np.isfinite(upper[r]):
            problem += total <= float(upper[r])
        if np.isfinite(lower[r]):
            problem += total >= float(lower[r])
    build = time.perf_counter() - t0
    solver = pulp.PULP_CBC_CMD(msg=False, gapRel=0.0, timeLimit=time_limit)
    problem.solve(solver)
    seconds = time.perf_counter() - t0
    status = pulp.LpStatus[problem.status]
    objective = pulp.value(problem.objective)
    return {
        "method": f"PuLP {pulp.__version__} + CBC, binary y_i, gap 0",
        "seconds": seconds,
        "build_seconds": build,
        "status": status,
        "objective": None if objective is None else float(objective) * UNIT,
        "proven_optimal": status == "Optimal" and seconds < time_limit,
    }


def median_time(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times, result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=600.0, help="For scipy milp and CBC.")
    parser.add_argument("--skip-generic", action="store_true", help="Skip scipy milp and PuLP.")
    args = parser.parse_args()

    apps, envelope, rules, requested = instance(args.applications, args.seed)
    exact_s, exact_times, exact = median_time(
        lambda: allocate(apps, envelope=envelope, rules=rules), args.repeat
    )
    greedy_s, greedy_times, greedy = median_time(
        lambda: greedy_allocation(apps, envelope=envelope, rules=rules), args.repeat
    )
    others = []
    if not args.skip_generic:
        others.append(run_milp(apps, envelope, rules, args.time_limit))
        pulp_result = run_pulp(apps, envelope, rules, args.time_limit)
        if pulp_result is not None:
            others.append(pulp_result)

    result = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "numpy": np.__version__,
            "scipy": version("scipy"),
            "highspy": version("highspy"),
        },
        "data": {
            "applications": args.applications,
            "clusters": 25,
            "sectors": 6,
            "seed": args.seed,
            "generator": "clusterworks.analytics.allocation.random_applications",
            "requested_kopecks": requested,
            "envelope_kopecks": envelope,
            "rules": {
                "min_score": 50,
                "cluster_cap_kopecks": rules.cluster_cap,
                "biotech_min_share": 0.2,
                "ict_max_share": 0.12,
            },
        },
        "exact": {
            "method": "allocate (HiGHS MIP, semi-continuous, gap 0, then whole kopecks)",
            "seconds": exact_s,
            "runs": exact_times,
            "objective": exact.objective,
            "optimal": exact.optimal,
            "total_awarded_kopecks": exact.total_awarded,
            "solver": asdict(exact.solver),
            "statuses": dict(Counter(a.status for a in exact.awards)),
            "reasons": dict(Counter(a.reason for a in exact.awards)),
        },
        "greedy": {
            "method": "greedy_allocation (highest score first)",
            "seconds": greedy_s,
            "runs": greedy_times,
            "objective": greedy.objective,
            "total_awarded_kopecks": greedy.total_awarded,
            "unmet_minimums": {str(k): v for k, v in greedy.unmet_minimums.items()},
            "objective_ratio_exact_over_greedy": exact.objective / greedy.objective,
            "applications_awarded_differently": sum(
                1 for a, b in zip(exact.awards, greedy.awards, strict=True) if a.awarded != b.awarded
            ),
        },
        "others": [
            {
                **item,
                "time_ratio_vs_exact": item["seconds"] / exact_s,
                "objective_ratio_vs_exact": None
                if item["objective"] is None
                else item["objective"] / exact.objective,
            }
            for item in others
        ],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "allocation.json").write_text(json.dumps(result, indent=2) + "\n")

    print(
        f"\n{args.applications:,} applications, requested {requested / 100:,.0f} roubles, envelope "
        f"{envelope / 100:,.0f} (seed {args.seed})\n"
    )
    print("| method | seconds | time vs exact | objective vs exact | proven optimal |")
    print("|---|---:|---:|---:|---|")
    print(f"| {result['exact']['method']} | {exact_s:.2f} | 1 | 1 | {'yes' if exact.optimal else 'no'} |")
    ratio = greedy.objective / exact.objective
    print(f"| {result['greedy']['method']} | {greedy_s:.2f} | {greedy_s / exact_s:.2f} | {ratio:.6f} | no |")
    for item in result["others"]:
        obj = item["objective_ratio_vs_exact"]
        shown = "-" if obj is None else f"{obj:.9f}"
        print(
            f"| {item['method']} | {item['seconds']:.2f} | {item['time_ratio_vs_exact']:.2f} | {shown} "
            f"| {'yes' if item['proven_optimal'] else 'no'} ({item['status']}) |"
        )
    gain = 100 * (exact.objective / greedy.objective - 1)
    print(
        f"\nExact over greedy: +{gain:.3f} % of score x amount; gap {exact.solver.relative_gap:.1e}; "
        f"{result['greedy']['applications_awarded_differently']:,} applications awarded differently."
    )
    if math.isnan(exact.solver.gap):  # pragma: no cover
        sys.exit("no gap reported")


if __name__ == "__main__":
    main()
