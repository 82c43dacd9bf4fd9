"""Matchmaking scheduler benchmark (issue 4): the exact method against greedy and the generic tools.

Seeded synthetic events (:func:`clusterworks.analytics.matchmaking.random_problem`: log-normal
popularity, so a few participants receive many requests; 30 % of requests weigh 2; 30 % of the
participants attend part of the event, 20 % cap their meetings, 5 % of the rooms open one day only):

* ``small``  -- 200 participants, 1,500 requests, 12 slots, 30 tables;
* ``medium`` -- 600 participants, 6,000 requests, 16 slots, 150 tables;
* ``large``  -- 2,000 participants, 20,000 requests, 24 slots, 200 tables: the size the issue asks
  for, where the tables are the scarce resource;
* ``large-tables`` -- the same with 1,000 tables, where the participants' time is.

On each, in one run and on the same data, we time

* ``schedule_meetings(method="exact")`` -- greedy start, selection relaxation (HiGHS), placement with
  repairs, and the slot-indexed MIP when a gap is left and the model is small (median of --repeat);
* ``schedule_meetings(method="greedy")`` -- heaviest request first, earliest free slot;
* the slot-indexed MIP alone -- the model a user would write (one binary per meeting and slot,
  rooms counted per slot), in HiGHS (highspy, presolve off as in the library) and in PuLP with CBC,
  the tool a user would otherwise pick, both with a time limit (--generic-limit).

PuLP is not a dependency; run it with

    uv run --with pulp python bench/matchmaking_bench.py [--quick]

(without PuLP the CBC runs are skipped with a message). Results go to bench/results/matchmaking.json
and bench/results/matchmaking.md (the Markdown table, also printed); ``--quick`` (small and medium,
one run, 20 s for the generic solvers) writes matchmaking-quick.json and .md instead.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import tempfile
import time
from dataclasses import asdict
from importlib.metadata import version
from pathlib import Path

import numpy as np

from clusterworks.analytics.matchmaking import check_schedule, random_problem, schedule_meetings
from clusterworks.analytics.matchmaking.instance import prepare
from clusterworks.analytics.matchmaking.solver import build_model

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SEED = 20260401
INSTANCES = {
    "small": {"n_participants": 200, "n_requests": 1_500, "n_slots": 12, "n_rooms": 30, "days": 1},
    "medium": {"n_participants": 600, "n_requests": 6_000, "n_slots": 16, "n_rooms": 150, "days": 2},
    "large": {"n_participants": 2_000, "n_requests": 20_000, "n_slots": 24, "n_rooms": 200, "days": 2},
    "large-tables": {
        "n_participants": 2_000,
        "n_requests": 20_000,
        "n_slots": 24,
        "n_rooms": 1_000,
        "days": 2,
    },
}
QUICK = ("small", "medium")
#: Seconds CBC may run beyond its own time limit before it is killed (see run_cbc).
GRACE = 60.0


def median_run(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times, result


def run_highs(problem, time_limit: float) -> dict:
    """The slot-indexed MIP alone in HiGHS, from scratch (no greedy start, no relaxation)."""
    import highspy

    t0 = time.perf_counter()
    inst = prepare(problem)
    lp, _, _, size = build_model(inst)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("presolve", "off")
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("time_limit", time_limit)
    h.passModel(lp)
    build = time.perf_counter() - t0
    h.run()
    info = h.getInfo()
    feasible = info.primal_solution_status == 2
    bound = float(info.mip_dual_bound)
    return {
        "method": f"slot-indexed MIP alone, HiGHS {version('highspy')} (presolve off), gap 0",
        "seconds": time.perf_counter() - t0,
        "build_seconds": build,
        "status": h.modelStatusToString(h.getModelStatus()),
        "objective": inst.fixed_weight + float(info.objective_function_value) if feasible else None,
        "bound": inst.fixed_weight + bound if math.isfinite(bound) else None,
        "proven_optimal": h.getModelStatus() == highspy.HighsModelStatus.kOptimal,
        "model": asdict(size),
    }


def run_cbc(problem, time_limit: float) -> dict | None:
    """The same slot-indexed MIP written in PuLP and solved by CBC.

    PuLP's ``solve`` cannot be stopped: CBC checks ``-sec`` only after its first LP, which on the
    large instances runs far beyond the limit (a first run was still in its root LP after 25
    minutes with ``-sec 300``). So the model is built with PuLP as a user would, written as MPS,
    and the bundled CBC is run with PuLP's own arguments under a hard wall-clock limit of
    ``time_limit + GRACE`` seconds, after which it is killed and reported as such.
    """
    try:
        import pulp
    except ImportError:
        print(
            "PuLP is not installed: the CBC runs are skipped "
            "(uv run --with pulp python bench/matchmaking_bench.py)"
        )
        return None
    t0 = time.perf_counter()
    inst = prepare(problem)
    lp, meeting, slot, size = build_model(inst)
    start = np.asarray(lp.a_matrix_.start_)
    index = np.asarray(lp.a_matrix_.index_)
    cost = np.asarray(lp.col_cost_)
    upper = np.asarray(lp.row_upper_)
    model = pulp.LpProblem("matchmaking", pulp.LpMaximize)
    x = [pulp.LpVariable(f"x{j}", cat="Binary") for j in range(size.columns)]
    model += pulp.lpSum(float(cost[j]) * x[j] for j in range(size.columns))
    members: list[list[int]] = [[] for _ in range(size.rows)]
    for j in range(size.columns):
        for i in index[start[j] : start[j + 1]].tolist():
            members[i].append(j)
    for i, cols in enumerate(members):
        model += pulp.lpSum(x[j] for j in cols) <= float(upper[i])
    with tempfile.TemporaryDirectory() as directory:
        mps, solution = Path(directory) / "model.mps", Path(directory) / "model.sol"
        model.writeMPS(str(mps), rename=False)
        build = time.perf_counter() - t0
        command = [pulp.PULP_CBC_CMD().path, str(mps), "-max", "-sec", str(time_limit), "-ratio", "0"]
        command += ["-timeMode", "elapsed", "-solve", "-printingOptions", "all", "-solution", str(solution)]
        try:
            subprocess.run(command, capture_output=True, timeout=time_limit + GRACE, check=False)
            killed = False
        except subprocess.TimeoutExpired:
            killed = True
        seconds = time.perf_counter() - t0
        header, chosen = "", []
        if not killed and solution.exists():
            lines = solution.read_text().splitlines()
            header = lines[0].strip() if lines else ""
            for line in lines[1:]:
                parts = line.split()
                if parts and parts[0] == "**":
                    parts = parts[1:]
                if len(parts) >= 3 and parts[1].startswith("x") and float(parts[2]) > 0.5:
                    chosen.append(int(parts[1][1:]))
    if killed:
        status = f"killed after {time_limit + GRACE:g} s: no answer within the time limit"
    else:
        status = header.split(" - ")[0] if header else "no solution file"
    has_solution = bool(chosen) and "infeasible" not in header.lower()
    return {
        "method": f"slot-indexed MIP alone, PuLP {pulp.__version__} + CBC, gap 0",
        "seconds": seconds,
        "build_seconds": build,
        "status": status,
        "objective": inst.fixed_weight + float(cost[chosen].sum()) if has_solution else None,
        "bound": None,
        "proven_optimal": status == "Optimal",
        "model": asdict(size),
    }


def bench_instance(name: str, args) -> dict:
    problem = random_problem(seed=args.seed, **INSTANCES[name])
    inst = prepare(problem)
    exact_s, exact_times, exact = median_run(
        lambda: schedule_meetings(problem, time_limit=args.time_limit, seed=0), args.repeat
    )
    greedy_s, greedy_times, greedy = median_run(
        lambda: schedule_meetings(problem, method="greedy"), args.repeat
    )
    assert check_schedule(problem, exact) == [] and check_schedule(problem, greedy) == []
    others = []
    if not args.skip_generic:
        others.append(run_highs(problem, args.generic_limit))
        cbc = run_cbc(problem, args.generic_limit)
        if cbc is not None:
            others.append(cbc)
    return {
        "instance": name,
        "data": {
            **INSTANCES[name],
            "seed": args.seed,
            "generator": "clusterworks.analytics.matchmaking.random_problem",
            "pairs": inst.n_meetings + len(inst.fixed),
            "slot_model_columns": int(sum(mask.bit_count() for mask in inst.slots)),
            "room_slots": int(sum(inst.free_rooms)),
        },
        "exact": {
            "method": "schedule_meetings(method='exact')",
            "seconds": exact_s,
            "runs": exact_times,
            "objective": exact.objective,
            "bound": exact.bound,
            "relative_gap": exact.relative_gap,
            "optimal": exact.optimal,
            "status": exact.status,
            "placed": len(exact.placements),
        },
        "greedy": {
            "method": "schedule_meetings(method='greedy')",
            "seconds": greedy_s,
            "runs": greedy_times,
            "objective": greedy.objective,
            "placed": len(greedy.placements),
            "objective_ratio_vs_exact": greedy.objective / exact.objective,
            "gap_to_bound": (exact.bound - greedy.objective) / exact.bound if exact.bound else None,
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


def markdown(results: list[dict], args) -> str:
    lines = [
        f"Matchmaking scheduler, seed {args.seed}; exact time limit {args.time_limit:g} s, generic solvers "
        f"{args.generic_limit:g} s; {os.cpu_count()} CPUs, Python {platform.python_version()}.",
        "",
        "| instance | requests / pairs | MIP columns | method | seconds | time vs exact | weight | vs exact "
        "| bound | proven optimal |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        d, e, g = r["data"], r["exact"], r["greedy"]
        head = f"| {r['instance']} | {d['n_requests']:,} / {d['pairs']:,} | {d['slot_model_columns']:,} "
        lines.append(
            head + f"| exact | {e['seconds']:.2f} | 1 | {e['objective']:,.0f} | 1 | {e['bound']:,.0f} "
            f"| {'yes' if e['optimal'] else 'no, ' + e['status']} |"
        )
        lines.append(
            head
            + f"| greedy | {g['seconds']:.2f} | {g['seconds'] / e['seconds']:.2f} | {g['objective']:,.0f} "
            f"| {g['objective_ratio_vs_exact']:.4f} | - | no |"
        )
        for o in r["others"]:
            weight = "-" if o["objective"] is None else f"{o['objective']:,.0f}"
            ratio = "-" if o["objective_ratio_vs_exact"] is None else f"{o['objective_ratio_vs_exact']:.4f}"
            bound = "-" if o["bound"] is None else f"{o['bound']:,.0f}"
            lines.append(
                head + f"| {o['method']} | {o['seconds']:.2f} | {o['time_ratio_vs_exact']:.2f} | {weight} "
                f"| {ratio} | {bound} | {'yes' if o['proven_optimal'] else 'no'} ({o['status']}) |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--instances", nargs="+", choices=tuple(INSTANCES), default=None)
    parser.add_argument(
        "--quick", action="store_true", help="small and medium only, one run, 20 s for CBC/HiGHS"
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=30.0, help="For the exact method.")
    parser.add_argument(
        "--generic-limit", type=float, default=300.0, help="For HiGHS and CBC on the MIP alone."
    )
    parser.add_argument("--skip-generic", action="store_true", help="Skip the MIP alone in HiGHS and CBC.")
    args = parser.parse_args()
    if args.quick:
        args.repeat = 1
        args.generic_limit = min(args.generic_limit, 20.0)
    names = args.instances or (QUICK if args.quick else tuple(INSTANCES))

    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = "matchmaking-quick" if args.quick else "matchmaking"  # a quick run keeps the full figures
    results = []
    for name in names:
        print(f"{name} ...", flush=True)
        results.append(bench_instance(name, args))
        payload = {
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
                "numpy": np.__version__,
                "highspy": version("highspy"),
            },
            "arguments": vars(args),
            "results": results,
        }
        # written after each instance, so that a long run keeps what it has measured
        (RESULTS / f"{stem}.json").write_text(json.dumps(payload, indent=2) + "\n")
        table = markdown(results, args)
        (RESULTS / f"{stem}.md").write_text(table)
    print()
    print(table)


if __name__ == "__main__":
    main()
