"""Reviewer assignment benchmark (issue 5, item 5): the exact solver against greedy and the generic tools.

1,000 reviewers, 10,000 applications, 3 reviewers per application, each application with 50-100
eligible reviewers (about 750,000 pairs) and affinities from
:func:`clusterworks.analytics.assignment.random_affinity` with a fixed seed. For max-load 35 (capacity
35,000 for 30,000 reviews) and the tighter 31 and 30 (capacity = demand) we time

* ``assign_reviewers`` -- exact: max-flow check, HiGHS dual simplex with column generation, dual
  certificate (median of --repeat runs);
* ``greedy_assignment`` -- highest affinity first, what a programme officer would do by hand;
* for the first max-load only, the same LP without column generation (all pairs at once, HiGHS dual
  simplex and interior point through highspy), and the generic alternatives a user would reach for on
  the same model: ``scipy.optimize.linprog(method="highs")`` and ``scipy.optimize.milp`` with
  integrality on every pair;
* the command ``clusterworks programme assign`` end to end on a 750,000-row CSV, in a fresh process.

    uv run python bench/assignment_bench.py
    uv run python bench/assignment_bench.py --loads 35 --skip-generic --skip-cli   # quick

Results go to bench/results/assignment.json and are summarised on stdout as Markdown.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from importlib.metadata import version
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from clusterworks.analytics.assignment import assign_reviewers, greedy_assignment, random_affinity

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SEED = 20261201


def flow_model(matrix: sp.coo_array):
    """The flow LP over all stored pairs, in scipy's form: cost, A_eq (applications), A_ub (reviewers)."""
    n_rev, n_app = matrix.shape
    rev, app = matrix.coords
    cols = np.arange(matrix.nnz)
    a_eq = sp.csr_array((np.ones(matrix.nnz), (app, cols)), shape=(n_app, matrix.nnz))
    a_ub = sp.csr_array((np.ones(matrix.nnz), (rev, cols)), shape=(n_rev, matrix.nnz))
    return -np.asarray(matrix.data, dtype=float), a_eq, a_ub


def run_linprog(matrix: sp.coo_array, k: int, cap: int) -> dict:
    t0 = time.perf_counter()
    cost, a_eq, a_ub = flow_model(matrix)
    result = linprog(
        cost,
        A_ub=a_ub,
        b_ub=np.full(a_ub.shape[0], cap),
        A_eq=a_eq,
        b_eq=np.full(a_eq.shape[0], k),
        bounds=(0, 1),
        method="highs",
    )
    seconds = time.perf_counter() - t0
    fractional = float(np.abs(result.x - np.round(result.x)).max()) if result.x is not None else math.nan
    return {
        "method": "scipy linprog(highs), full LP",
        "seconds": seconds,
        "status": result.message,
        "total_affinity": -float(result.fun) if result.status == 0 else None,
        "max_fractional_part": fractional,
        "complete": result.status == 0,
    }


def run_highspy_full(matrix: sp.coo_array, k: int, cap: int, solver: str) -> dict:
    """The full flow LP (all pairs at once) in HiGHS through highspy: what column generation saves."""
    import highspy

    from clusterworks.analytics.assignment.solver import _highs

    t0 = time.perf_counter()
    cost, a_eq, a_ub = flow_model(matrix)
    matrix_cols = sp.vstack([a_eq, a_ub]).tocsc()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(cost), matrix_cols.shape[0]
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = cost, np.zeros(len(cost)), np.ones(len(cost))
    lp.row_lower_ = np.concatenate([np.full(a_eq.shape[0], float(k)), np.zeros(a_ub.shape[0])])
    lp.row_upper_ = np.concatenate([np.full(a_eq.shape[0], float(k)), np.full(a_ub.shape[0], float(cap))])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix_cols.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix_cols.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix_cols.data
    highs = _highs()
    highs.setOptionValue("solver", solver)
    highs.passModel(lp)
    highs.run()
    x = np.asarray(highs.getSolution().col_value)
    name = "dual simplex" if solver == "simplex" else "interior point + crossover"
    return {
        "method": f"highspy full LP, {name}",
        "seconds": time.perf_counter() - t0,
        "status": highs.modelStatusToString(highs.getModelStatus()),
        "total_affinity": -float(highs.getInfo().objective_function_value),
        "max_fractional_part": float(np.abs(x - np.round(x)).max()),
        "complete": True,
    }


def run_milp(matrix: sp.coo_array, k: int, cap: int, time_limit: float) -> dict:
    t0 = time.perf_counter()
    cost, a_eq, a_ub = flow_model(matrix)
    result = milp(
        cost,
        constraints=[LinearConstraint(a_eq, k, k), LinearConstraint(a_ub, 0, cap)],
        integrality=np.ones(len(cost)),
        bounds=Bounds(0, 1),
        options={"time_limit": time_limit, "mip_rel_gap": 0.0},
    )
    return {
        "method": "scipy milp, integral pairs",
        "seconds": time.perf_counter() - t0,
        "status": result.message,
        "total_affinity": -float(result.fun) if result.x is not None else None,
        "complete": result.x is not None,
    }


def run_cli(matrix: sp.coo_array, k: int, cap: int, workdir: Path) -> dict:
    aff = workdir / "affinity.csv"
    with open(aff, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["reviewer", "application", "affinity"])
        rev, app = matrix.coords
        writer.writerows(
            zip(
                (f"R{r:04d}" for r in rev.tolist()),
                (f"A{a:05d}" for a in app.tolist()),
                matrix.data.tolist(),
                strict=True,
            )
        )
    out = workdir / "assignment.csv"
    command = [sys.executable, "-m", "clusterworks.cli.main", "programme", "assign", "--affinity", str(aff)]
    command += ["--per-application", str(k), "--max-load", str(cap), "--out", str(out), "--json"]
    t0 = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - t0
    report = json.loads(completed.stdout)
    return {
        "method": "clusterworks programme assign (CSV in, CSV out)",
        "seconds": seconds,
        "total_affinity": report["total_affinity"],
        "complete": report["ok"],
        "rows": matrix.nnz,
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
    parser.add_argument("--reviewers", type=int, default=1_000)
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--per-application", type=int, default=3)
    parser.add_argument("--loads", type=int, nargs="+", default=[35, 31, 30])
    parser.add_argument("--eligible", type=int, nargs=2, default=[50, 100])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--milp-time-limit", type=float, default=600.0)
    parser.add_argument("--skip-generic", action="store_true", help="Skip linprog and milp.")
    parser.add_argument("--skip-cli", action="store_true", help="Skip the end-to-end command run.")
    args = parser.parse_args()

    k = args.per_application
    t0 = time.perf_counter()
    matrix = random_affinity(args.reviewers, args.applications, eligible=tuple(args.eligible), seed=args.seed)
    generate_seconds = time.perf_counter() - t0
    rows = []
    for cap in args.loads:
        exact_s, exact_times, exact = median_time(
            lambda cap=cap: assign_reviewers(matrix, per_application=k, max_load=cap), args.repeat
        )
        greedy_s, greedy_times, greedy = median_time(
            lambda cap=cap: greedy_assignment(matrix, per_application=k, max_load=cap), args.repeat
        )
        entry = {
            "max_load": cap,
            "capacity": args.reviewers * cap,
            "reviews_needed": args.applications * k,
            "exact": {
                "method": "assign_reviewers (exact)",
                "seconds": exact_s,
                "runs": exact_times,
                "total_affinity": exact.total_affinity,
                "optimal": exact.optimal,
                "complete": exact.complete,
                "solver": asdict(exact.solver),
                "max_load_used": max(exact.loads.values()),
            },
            "greedy": {
                "method": "greedy_assignment",
                "seconds": greedy_s,
                "runs": greedy_times,
                "total_affinity": greedy.total_affinity,
                "complete": greedy.complete,
                "missing_reviews": sum(greedy.shortfall.values()),
                "applications_short": len(greedy.shortfall),
            },
            "exact_gain_percent": (
                100 * (exact.total_affinity - greedy.total_affinity) / greedy.total_affinity
                if greedy.complete
                else None
            ),
            "others": [],
        }
        if cap == args.loads[0] and not args.skip_generic:
            entry["others"].append(run_highspy_full(matrix, k, cap, "simplex"))
            entry["others"].append(run_highspy_full(matrix, k, cap, "ipm"))
            entry["others"].append(run_linprog(matrix, k, cap))
            entry["others"].append(run_milp(matrix, k, cap, args.milp_time_limit))
        if cap == args.loads[0] and not args.skip_cli:
            with tempfile.TemporaryDirectory() as workdir:
                entry["others"].append(run_cli(matrix, k, cap, Path(workdir)))
        rows.append(entry)
        print(f"max-load {cap}: exact {exact_s:.2f} s, greedy {greedy_s:.2f} s", file=sys.stderr)

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
            "reviewers": args.reviewers,
            "applications": args.applications,
            "per_application": k,
            "eligible_per_application": args.eligible,
            "pairs": int(matrix.nnz),
            "seed": args.seed,
            "generator": "clusterworks.analytics.assignment.random_affinity",
            "generate_seconds": generate_seconds,
        },
        "results": rows,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "assignment.json").write_text(json.dumps(result, indent=2) + "\n")

    print(
        f"\n{args.reviewers:,} reviewers, {args.applications:,} applications, K={k}, "
        f"{matrix.nnz:,} eligible pairs (seed {args.seed})\n"
    )
    print("| max-load L | method | seconds | total affinity | vs exact | complete |")
    print("|---:|---|---:|---:|---:|---|")
    for entry in rows:
        best = entry["exact"]["total_affinity"]
        for item in (entry["exact"], entry["greedy"], *entry["others"]):
            total = item["total_affinity"]
            if item is entry["exact"] or total is None:
                versus = "-"
            else:
                change = 100 * (total - best) / best
                versus = "same" if abs(change) < 0.005 else f"{change:+.2f}%"
            shown = "-" if total is None else f"{total:,.3f}"
            complete = "yes" if item["complete"] else f"no ({item.get('missing_reviews', '?')} missing)"
            print(
                f"| {entry['max_load']} | {item['method']} | {item['seconds']:.2f} | {shown} | {versus} "
                f"| {complete} |"
            )


if __name__ == "__main__":
    main()
