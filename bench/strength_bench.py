"""Benchmark: uscmp_strength (numpy, group by sorting) against pandas groupby-quantile, the tool a user
would otherwise pick, on synthetic region x cluster x year rows. One run each, same data.

Run: cd /work/main && uv run --frozen --extra test python bench/strength_bench.py [regions clusters years]
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
import pandas as pd

from clusterworks.analytics.strength import uscmp_strength


def data(n_reg, n_cl, n_yr, seed=0):
    rng = np.random.default_rng(seed)
    n = n_reg * n_cl * n_yr
    cluster = np.tile(np.repeat(np.arange(n_cl, dtype=np.int32), n_reg), n_yr)
    year = np.repeat(np.arange(2000, 2000 + n_yr, dtype=np.int32), n_reg * n_cl)
    emp = np.where(rng.random(n) < 0.2, 0.0, np.floor(rng.lognormal(5, 2, n)))
    est = np.floor(emp / 10) + (emp > 0)
    lq = rng.lognormal(0, 1, n)
    traded = cluster < int(n_cl * 0.75)
    region_type = np.zeros(n, dtype=np.int8)  # one region type (e.g. county)
    return region_type, cluster, year, emp, est, lq, traded


def pandas_flags(region_type, cluster, year, emp, est, lq, traded):
    df = pd.DataFrame(
        {"rt": region_type, "c": cluster, "y": year, "emp": emp, "est": est, "lq": lq, "t": traded}
    )
    s = df[df.t & (df.emp > 0)]
    g = s.groupby(["rt", "c", "y"])
    q = pd.concat(
        {
            "e25": g.emp.quantile(0.25),
            "n25": g.est.quantile(0.25),
            "l25": g.lq.quantile(0.25),
            "l50": g.lq.quantile(0.5),
            "l75": g.lq.quantile(0.75),
            "l90": g.lq.quantile(0.9),
        },
        axis=1,
    )
    m = df.join(q, on=["rt", "c", "y"])
    size = m.t & (m.emp > m.e25) & (m.est > m.n25)
    return {
        "qualifying": (size & (m.lq > m.l25)).to_numpy(),
        "significant": (size & (m.lq > m.l50)).to_numpy(),
        "strong": (size & (m.lq >= m.l75) & (m.lq >= 1)).to_numpy(),
        "strong10": (size & (m.lq >= m.l90) & (m.lq >= 1)).to_numpy(),
    }


def main():
    n_reg, n_cl, n_yr = (int(a) for a in sys.argv[1:4]) if len(sys.argv) > 3 else (3200, 1000, 20)
    skip_pandas = "nopandas" in sys.argv
    args = data(n_reg, n_cl, n_yr)
    t0 = time.perf_counter()
    ours = uscmp_strength(
        region_type=args[0],
        cluster=args[1],
        year=args[2],
        employment=args[3],
        establishments=args[4],
        lq=args[5],
        traded=args[6],
    )
    t_ours = time.perf_counter() - t0
    if skip_pandas:
        t_pd, same = float("nan"), None
    else:
        t0 = time.perf_counter()
        theirs = pandas_flags(*args)
        t_pd = time.perf_counter() - t0
        same = all(np.array_equal(getattr(ours, k), theirs[k]) for k in theirs)
    res = {
        "rows": len(args[0]),
        "regions": n_reg,
        "clusters": n_cl,
        "years": n_yr,
        "clusterworks_s": round(t_ours, 2),
        "pandas_s": round(t_pd, 2),
        "ratio": round(t_pd / t_ours, 2),
        "identical_flags": same,
    }
    print(
        "| rows | clusterworks uscmp_strength (s) | pandas groupby-quantile (s) | pandas / ours | identical |"
    )
    print("|---:|---:|---:|---:|:---:|")
    print(f"| {res['rows']:,} | {res['clusterworks_s']} | {res['pandas_s']} | {res['ratio']} | {same} |")
    with open(f"bench/results/strength_{n_reg}x{n_cl}x{n_yr}.json", "w") as f:
        json.dump(res, f)


if __name__ == "__main__":
    main()
