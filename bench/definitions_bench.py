"""Relatedness and cluster-definition benchmark (issue 3): our functions side by side with what a Python
user would otherwise pick, on the same seeded data in one run.

* **Co-location** on a county-scale panel (3,200 regions x 1,000 industries, seeded log-normal
  employment with 30 % zeros): ``colocation_relatedness`` vs ``pandas.DataFrame.corr`` and
  ``numpy.corrcoef`` (max absolute difference reported), then ``related_pairs`` and
  ``cluster_relatedness`` (ours only).
* **Definitions** on a planted 778-industry matrix (the DPS count; 51 blocks, noise 0.5):
  ``candidate_definitions`` (average, complete, ward, kmeans; k = 45..55) and ``best_definition``;
  scikit-learn's ``AgglomerativeClustering(average)`` + ``KMeans(n_init=10)`` over the same ``k`` as the
  competitor for the candidate step. ARI against the planted partition is reported for both.

Run::

    uv run --extra test python bench/definitions_bench.py

Results: bench/results/definitions.json and bench/results/definitions.txt (also printed).
"""

from __future__ import annotations

import json
import platform
import resource
import time
from pathlib import Path

import numpy as np

from clusterworks.analytics.definitions import adjusted_rand_index, best_definition, candidate_definitions
from clusterworks.analytics.relatedness import cluster_relatedness, colocation_relatedness, related_pairs

OUT = Path(__file__).resolve().parent / "results"
KEYS = ("step", "competitor", "ours_s", "competitor_s", "max_abs_diff")


def _timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    import pandas as pd

    rows = []
    rng = np.random.default_rng(2016)
    X = rng.lognormal(3.0, 1.5, (3200, 1000)) * (rng.random((3200, 1000)) > 0.3)
    R, t_ours = _timed(lambda: colocation_relatedness(X))
    R_pd, t_pd = _timed(lambda: pd.DataFrame(X).corr().to_numpy())
    R_np, t_np = _timed(lambda: np.corrcoef(X.T))
    rows.append(("co-location 3,200 x 1,000", "pandas .corr()", t_ours, t_pd, float(np.abs(R - R_pd).max())))
    rows.append(("co-location 3,200 x 1,000", "numpy.corrcoef", t_ours, t_np, float(np.abs(R - R_np).max())))
    _, t_flags = _timed(lambda: related_pairs(R))
    labels = np.arange(1000) % 51
    _, t_agg = _timed(lambda: cluster_relatedness(R, labels))
    rows.append(("related_pairs 1,000 x 1,000", "-", t_flags, None, None))
    rows.append(("cluster_relatedness 1,000 -> 51", "-", t_agg, None, None))

    sizes = np.diff(np.linspace(0, 778, 52).astype(int))
    truth = np.repeat(np.arange(51), sizes)
    B = (truth[:, None] == truth[None, :]).astype(float)
    N = np.random.default_rng(7).normal(0.0, 0.5, B.shape)
    P = B + (N + N.T) / 2
    ks = range(45, 56)
    cands, t_cand = _timed(lambda: candidate_definitions(P, n_clusters=ks, seed=0))
    best, t_best = _timed(lambda: best_definition(P, n_clusters=ks, seed=0))
    ari_ours = max(adjusted_rand_index(c.labels, truth) for c in cands)
    t_sk, ari_sk = None, None
    try:
        from sklearn.cluster import AgglomerativeClustering, KMeans

        S = (P + P.T) / 2
        off = S[~np.eye(len(S), dtype=bool)]
        S = (S - off.min()) / (off.max() - off.min())
        np.fill_diagonal(S, 1.0)

        def sk():
            out = []
            for k in ks:
                agg = AgglomerativeClustering(k, metric="precomputed", linkage="average")
                out.append(agg.fit_predict(1 - S))
                out.append(KMeans(k, n_init=10, random_state=0).fit_predict(S))
            return out

        sk_labels, t_sk = _timed(sk)
        ari_sk = max(adjusted_rand_index(lab, truth) for lab in sk_labels)
    except ImportError:
        pass
    step = "candidates 778 ind., k=45..55 (ours 4 methods, sklearn avg+kmeans)"
    rows.append((step, "scikit-learn", t_cand, t_sk, None))
    rows.append(("best_definition 778 ind., k=45..55", "-", t_best, None, None))

    lines = [
        "| step | competitor | ours (s) | competitor (s) | ratio | max abs diff |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for step, comp, a, b, diff in rows:
        ratio = f"{b / a:.1f}x" if b else "-"
        lines.append(
            f"| {step} | {comp} | {a:.3f} | {'-' if b is None else f'{b:.3f}'} | {ratio} | "
            f"{'-' if diff is None else f'{diff:.1e}'} |"
        )
    lines.append("")
    lines.append(
        f"Best definition: {best.parameters}, ARI {adjusted_rand_index(best.labels, truth):.3f}; "
        f"best candidate ARI ours {ari_ours:.3f}, scikit-learn {ari_sk}. "
        f"Peak RSS {_peak_mb():.0f} MB. {platform.processor() or platform.machine()}, Python "
        f"{platform.python_version()}."
    )
    text = "\n".join(lines)
    OUT.mkdir(exist_ok=True)
    (OUT / "definitions.txt").write_text(text + "\n", encoding="utf-8")
    (OUT / "definitions.json").write_text(
        json.dumps(
            {
                "rows": [dict(zip(KEYS, r, strict=True)) for r in rows],
                "best": {"parameters": best.parameters, "ari": adjusted_rand_index(best.labels, truth)},
                "ari_best_candidate": {"ours": ari_ours, "sklearn": ari_sk},
                "peak_rss_mb": _peak_mb(),
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    print(text)


if __name__ == "__main__":
    main()
