"""A county-scale national panel through location quotients, cluster strength and relatedness.

A seeded synthetic panel of ``regions x clusters x years`` (default 3,200 x 1,000 x 20, the scale of US
counties and six-digit industries over two decades): employment log-normal with 20 % empty cells,
establishments about one per twelve employees, three quarters of the clusters traded. The steps are
what an observatory computes for every year:

1. location quotients with the traded and local totals as bases (``location_quotient(traded=...)``);
2. the U.S. Cluster Mapping flags over the whole panel (``uscmp_strength_panel``);
3. the European Cluster Observatory stars (``eco_stars``) and each region's share of traded employment
   in strong clusters (``region_cluster_strength``);
4. co-location relatedness of the clusters (employment and establishments, the latest year),
   combined, with the related top decile (``colocation_relatedness``, ``combine_relatedness``,
   ``related_pairs``).

Beside it, the same pipeline in pandas, what an analyst would otherwise write (``groupby`` sums for
the LQ bases, ``groupby(...).quantile`` for the strength thresholds, ``DataFrame.corr`` for the
co-location), on the first ``--compare-years`` years, where both run, with the results checked equal.
Wall time per step and the process's peak resident memory (VmHWM) are reported.

Run::

    uv run --frozen --extra test python bench/panel_bench.py                 # 3,200 x 1,000 x 20
    uv run --frozen --extra test python bench/panel_bench.py --regions 500 --clusters 200 --years 4
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from clusterworks.analytics.relatedness import colocation_relatedness, combine_relatedness, related_pairs
from clusterworks.analytics.specialisation import location_quotient
from clusterworks.analytics.strength import eco_stars, region_cluster_strength, uscmp_strength_panel

RESULTS = Path(__file__).resolve().parent / "results"


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def panel(regions: int, clusters: int, years: int, seed: int):
    rng = np.random.default_rng(seed)
    size = rng.lognormal(0.0, 1.5, regions)[None, :, None]  # large and small counties
    weight = rng.lognormal(0.0, 1.0, clusters)[None, None, :]
    emp = np.empty((years, regions, clusters))
    for y in range(years):
        emp[y] = np.round(rng.lognormal(3.0, 1.2, (regions, clusters)) * size[0] * weight[0])
        emp[y][rng.random((regions, clusters)) < 0.2] = 0.0
    est = np.where(emp > 0, np.maximum(1.0, np.round(emp / 12.0)), 0.0)
    traded = rng.random(clusters) < 0.75
    return emp, est, traded


def ours(emp: np.ndarray, est: np.ndarray, traded: np.ndarray) -> tuple[dict, dict]:
    times: dict[str, float] = {}
    t = time.perf_counter()
    lq = np.stack([location_quotient(emp[y], traded=traded) for y in range(emp.shape[0])])
    times["location quotients"] = time.perf_counter() - t
    t = time.perf_counter()
    flags = uscmp_strength_panel(emp, est, lq, traded=traded)
    times["USCMP strength flags"] = time.perf_counter() - t
    t = time.perf_counter()
    stars = [eco_stars(emp[y]).stars for y in range(emp.shape[0])]
    share = np.stack(
        [region_cluster_strength(emp[y], flags.strong[y], traded=traded) for y in range(emp.shape[0])]
    )
    times["ECO stars, strong share"] = time.perf_counter() - t
    t = time.perf_counter()
    links = {"emp": colocation_relatedness(emp[-1]), "est": colocation_relatedness(est[-1])}
    combined = combine_relatedness(links)
    related = related_pairs(combined)
    times["co-location relatedness"] = time.perf_counter() - t
    out = {"lq": lq, "strong": flags.strong, "share": share, "lc_emp": links["emp"], "related": related}
    out["stars"] = np.stack(stars)
    return times, out


def with_pandas(emp: np.ndarray, est: np.ndarray, traded: np.ndarray) -> tuple[dict, dict]:
    import pandas as pd

    years, regions, clusters = emp.shape
    y, r, c = (a.ravel() for a in np.indices(emp.shape))
    df = pd.DataFrame({"year": y, "region": r, "cluster": c, "emp": emp.ravel(), "est": est.ravel()})
    df["traded"] = traded[df["cluster"].to_numpy()]
    times: dict[str, float] = {}
    t = time.perf_counter()
    region_base = df.groupby(["year", "region", "traded"])["emp"].transform("sum")
    cluster_total = df.groupby(["year", "cluster"])["emp"].transform("sum")
    nation_base = df.groupby(["year", "traded"])["emp"].transform("sum")
    df["lq"] = (df["emp"] / region_base) / (cluster_total / nation_base)
    times["location quotients"] = time.perf_counter() - t
    t = time.perf_counter()
    sample = df[df["traded"] & (df["emp"] > 0)]
    g = sample.groupby(["year", "cluster"])
    q = pd.DataFrame(
        {"e25": g["emp"].quantile(0.25), "n25": g["est"].quantile(0.25), "l75": g["lq"].quantile(0.75)}
    )
    joined = df.join(q, on=["year", "cluster"])
    strong = (
        joined["traded"]
        & (joined["emp"] > joined["e25"])
        & (joined["est"] > joined["n25"])
        & (joined["lq"] >= joined["l75"])
        & (joined["lq"] >= 1)
    )
    times["USCMP strength flags"] = time.perf_counter() - t
    t = time.perf_counter()
    last = df[df["year"] == years - 1]
    lc = last.pivot(index="region", columns="cluster", values="emp").corr()
    times["co-location relatedness"] = time.perf_counter() - t
    out = {
        "lq": df["lq"].to_numpy().reshape(emp.shape),
        "strong": strong.to_numpy().reshape(emp.shape),
        "lc_emp": lc.to_numpy(),
    }
    return times, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--regions", type=int, default=3200)
    parser.add_argument("--clusters", type=int, default=1000)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument(
        "--compare-years", type=int, default=2, help="years of the side-by-side run (0: none)"
    )
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    emp, est, traded = panel(args.regions, args.clusters, args.years, args.seed)
    cells = emp.size
    print(
        f"panel: {args.regions:,} regions x {args.clusters:,} clusters x {args.years} years = {cells:,} cells"
    )
    result: dict = {"regions": args.regions, "clusters": args.clusters, "years": args.years, "cells": cells}

    if args.compare_years:
        k = min(args.compare_years, args.years)
        small = (emp[:k].copy(), est[:k].copy(), traded)
        mine, a = ours(*small)
        theirs, b = with_pandas(*small)
        same_lq = bool(np.allclose(a["lq"], b["lq"], equal_nan=True, rtol=1e-12))
        same_strong = bool(np.array_equal(a["strong"], b["strong"]))
        same_lc = bool(np.allclose(a["lc_emp"], b["lc_emp"], equal_nan=True, atol=1e-10))
        rows = []
        for step, t_pandas in theirs.items():
            rows.append((step, mine[step], t_pandas, t_pandas / mine[step]))
        total_mine = sum(mine[s] for s in theirs)
        total_pandas = sum(theirs.values())
        print(f"\nside by side on {k} years ({emp[:k].size:,} cells); equal LQ {same_lq}, strong flags "
              f"{same_strong}, co-location {same_lc}\n")  # fmt: skip
        print("| step | clusterworks (s) | pandas (s) | pandas / clusterworks |")
        print("|---|---:|---:|---:|")
        for step, m, p, ratio in rows:
            print(f"| {step} | {m:.2f} | {p:.2f} | {ratio:.1f}x |")
        print(f"| all three | {total_mine:.2f} | {total_pandas:.2f} | {total_pandas / total_mine:.1f}x |")
        result["compare"] = {
            "years": k,
            "clusterworks_s": mine,
            "pandas_s": theirs,
            "ratio_all": total_pandas / total_mine,
            "equal": {"lq": same_lq, "strong": same_strong, "colocation": same_lc},
        }
        del small, a, b

    times, out = ours(emp, est, traded)
    total = sum(times.values())
    print(f"\nfull panel, clusterworks alone ({cells:,} cells)\n")
    print("| step | wall time (s) |")
    print("|---|---:|")
    for step, seconds in times.items():
        print(f"| {step} | {seconds:.2f} |")
    print(f"| all | {total:.2f} |")
    print(f"\npeak resident memory of the process: {peak_mb():,.0f} MB (the panel itself: "
          f"{3 * emp.nbytes / 2**20:,.0f} MB for employment, establishments and LQ)")  # fmt: skip
    print(f"strong cells: {int(out['strong'].sum()):,}; related pairs: {int(out['related'].sum()) // 2:,}")
    result.update({"clusterworks_s": times, "total_s": total, "peak_mb": peak_mb()})
    RESULTS.mkdir(exist_ok=True)
    name = f"panel_{args.regions}x{args.clusters}x{args.years}.json"
    (RESULTS / name).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten: bench/results/{name}")


if __name__ == "__main__":
    main()
