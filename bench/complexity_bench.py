"""Economic-complexity benchmark (issue 3): our :func:`clusterworks.analytics.complexity.complexity`
side by side with py-ecomplexity 0.5.3 (Harvard Growth Lab), the package a Python user would
otherwise pick, on the same data in one run.

Data:

* **OEC 226 x 21**: /work/shared/data/trade_oec_sections/global_exports.csv (226 countries x 21 HS
  sections, 4,695 long rows);
* **synthetic 3,000 x 1,000**: :func:`nested_matrix` (seed 42): nested, lognormal values, about 30 %
  non-zero (about 900,000 long rows).

Both tools get the same long-form pandas DataFrame (location, activity, value, constant year). What is
timed is input to final values: for py-ecomplexity the call ``ecomplexity(df, cols, verbose=False,
check_logsupermodularity=False)`` (the log-supermodularity check is switched off because we do not
compute it; its output is its long DataFrame); for ours, taking the three columns out of the frame,
:func:`pivot_long` and :func:`complexity` (output: the arrays of :class:`ComplexityResult`, which hold
the same values). The small matrix is timed as the median of several repeats (the two tools
alternating, garbage collection off inside each call as ``timeit`` does), the large one once.
Import cost is measured apart, in fresh interpreters (median of 3), and shown in its own column.
Values are compared after sorting py-ecomplexity's rows by (location, activity), the order of ours:
the largest absolute difference of ECI, PCI and density.

Run (py-ecomplexity is in the ``test`` extra)::

    uv run --frozen --extra test python bench/complexity_bench.py            # 226 x 21 and 3,000 x 1,000
    uv run --frozen --extra test python bench/complexity_bench.py --quick    # 226 x 21 and 1,000 x 400

Results: bench/results/complexity.txt (complexity-quick.txt), Markdown table and JSON; also printed.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

from clusterworks.analytics.complexity import complexity, nested_matrix, pivot_long

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "data" / "trade_oec_sections" / "global_exports.csv"
COLS = {"time": "time", "loc": "loc", "prod": "prod", "val": "val"}


def oec_frame() -> pd.DataFrame:
    df = pd.read_csv(DATA)
    return pd.DataFrame(
        {
            "time": 2020,
            "loc": df["Country ID"],
            "prod": df["Section ID"],
            "val": df["Trade Value"].astype(float),
        }
    )


def synthetic_frame(n: int, k: int, seed: int) -> pd.DataFrame:
    c = nested_matrix(n, k, fill=0.3, seed=seed).tocoo()
    return pd.DataFrame({"time": 2020, "loc": c.row, "prod": c.col, "val": c.data})


def run_ours(df: pd.DataFrame):
    lm = pivot_long(df["loc"].to_numpy(), df["prod"].to_numpy(), df["val"].to_numpy())
    return complexity(lm.matrix)


def run_theirs(df: pd.DataFrame) -> pd.DataFrame:
    from ecomplexity import ecomplexity

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ecomplexity(df, COLS, verbose=False, check_logsupermodularity=False)


def timed_pair(df: pd.DataFrame, repeats: int):
    """Median wall time of ours and py-ecomplexity, alternating the two runs so that a change in the
    machine's load hits both alike; garbage collection is off inside each timed call (as ``timeit``)."""
    ours_t, theirs_t, ours, theirs = [], [], None, None
    for _ in range(repeats):
        gc.collect()
        gc.disable()  # as timeit does, for both tools
        t0 = time.perf_counter()
        ours = run_ours(df)
        ours_t.append(time.perf_counter() - t0)
        gc.enable()
        gc.collect()
        gc.disable()
        t0 = time.perf_counter()
        theirs = run_theirs(df)
        theirs_t.append(time.perf_counter() - t0)
        gc.enable()
    return statistics.median(ours_t), ours, statistics.median(theirs_t), theirs


def import_seconds(module: str, repeats: int = 3) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    runs = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    ]
    for _ in range(repeats - 1):
        runs.append(
            float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout)
        )
    return statistics.median(runs)


def differences(ours, theirs: pd.DataFrame) -> dict[str, float]:
    n, k = ours.shape
    t = theirs.sort_values(["loc", "prod"])
    assert len(t) == n * k, (len(t), n, k)
    eci = t["eci"].to_numpy().reshape(n, k)[:, 0]
    pci = t["pci"].to_numpy().reshape(n, k)[0]
    dens = t["density"].to_numpy().reshape(n, k)
    return {
        "eci": float(np.nanmax(np.abs(ours.eci - eci))),
        "pci": float(np.nanmax(np.abs(ours.pci - pci))),
        "density": float(np.nanmax(np.abs(ours.density - dens))),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--quick", action="store_true", help="a 1,000 x 400 synthetic matrix instead of 3,000 x 1,000"
    )
    ap.add_argument("--repeats", type=int, default=31, help="repeats of the small matrix (median)")
    args = ap.parse_args()
    n, k = (1000, 400) if args.quick else (3000, 1000)
    cases = []
    if DATA.exists():
        cases.append(("OEC 226 x 21", oec_frame(), args.repeats))
    else:
        print(f"skipping the OEC case: {DATA} is absent")
    cases.append((f"synthetic {n:,} x {k:,}", synthetic_frame(n, k, seed=42), 1))

    imports = {
        "ours": import_seconds("clusterworks.analytics.complexity"),
        "theirs": import_seconds("ecomplexity"),
    }
    results = []
    for name, df, repeats in cases:
        t_ours, ours, t_theirs, theirs = timed_pair(df, repeats)
        diff = differences(ours, theirs)
        results.append(
            {
                "case": name,
                "shape": list(ours.shape),
                "long_rows": len(df),
                "nonzero_share": round(float((df["val"] > 0).sum()) / (ours.shape[0] * ours.shape[1]), 4),
                "repeats": repeats,
                "ours_s": t_ours,
                "ecomplexity_s": t_theirs,
                "ratio": t_theirs / t_ours,
                "max_abs_diff": diff,
            }
        )
        print(f"{name}: ours {t_ours:.4f} s, py-ecomplexity {t_theirs:.4f} s", flush=True)

    env = {
        "python": platform.python_version(),
        "numpy": version("numpy"),
        "scipy": version("scipy"),
        "pandas": version("pandas"),
        "ecomplexity": version("ecomplexity"),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "import_s": imports,
    }
    lines = [
        "| case | long rows | repeats | ours (s) | py-ecomplexity 0.5.3 (s) | ratio "
        "| max abs diff ECI / PCI / density |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        d = r["max_abs_diff"]
        lines.append(
            f"| {r['case']} | {r['long_rows']:,} | {r['repeats']} | {r['ours_s']:.4f} "
            f"| {r['ecomplexity_s']:.4f} | {r['ratio']:.1f}x "
            f"| {d['eci']:.1e} / {d['pci']:.1e} / {d['density']:.1e} |"
        )
    lines.append(
        f"| import (fresh interpreter) | | 3 | {imports['ours']:.3f} | {imports['theirs']:.3f} "
        f"| {imports['theirs'] / imports['ours']:.1f}x | |"
    )
    lines.append("")
    lines.append(
        f"{env['cpus']} CPUs, load average {env['load_average']} at the end (shared machine); "
        f"Python {env['python']}, NumPy {env['numpy']}, SciPy {env['scipy']}, pandas {env['pandas']}."
    )
    table = "\n".join(lines)
    print()
    print(table)
    out = ROOT / "bench" / "results" / ("complexity-quick.txt" if args.quick else "complexity.txt")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(table + "\n\n" + json.dumps({"environment": env, "results": results}, indent=2) + "\n")
    print(f"\nwritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
