"""Priorities benchmark (issue 7): rank acceptability, Clusterworks vs the loops an analyst would write.

The data: 60 candidates x 5 criteria (scores uniform on 1..9, weights uniform on 0.05..1, one cost
criterion), 100,000 weight samples from the Dirichlet distribution centred on the weights (spread
0.2, the default), all generated with a fixed seed.

Clusterworks (:func:`clusterworks.analytics.priorities.rank_acceptability`) scores a chunk of samples
with one matrix product, ranks it with one sort per row and counts places with one ``bincount``. The
baselines get the very same weight samples, drawn beforehand, and loop over them as an analyst would:

* numpy: per sample, ``scores = values @ w``, ``np.argsort(-scores)``, and add 1 to each candidate's
  place;
* pandas (only if pandas is installed; it is not a dependency of Clusterworks): per sample, the
  weighted sum of a DataFrame's columns and ``.rank(ascending=False, method="first")``.

All must give the same acceptability matrix (asserted exactly: the scores are continuous, so no
sample has a tie). Reported: Clusterworks end to end (validation, normalisation, sampling, ranking),
Clusterworks' counting alone on the pre-drawn samples, and each baseline, as seconds and ratios.

    uv run python bench/priorities_bench.py
    uv run --with pandas python bench/priorities_bench.py          # with the pandas column
    uv run python bench/priorities_bench.py --samples 20000 --repeat 1   # quicker

Writes bench/results/priorities.json and prints a Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from clusterworks.analytics.priorities import Criterion, rank_acceptability
from clusterworks.analytics.priorities import acceptability as acceptability_module
from clusterworks.analytics.priorities.acceptability import _rank_counts  # the vectorised core
from clusterworks.analytics.priorities.table import _prepare

try:  # pandas is optional: the column is skipped without it
    import pandas as pd
except ImportError:  # pragma: no cover - depends on the environment
    pd = None

SEED = 20261208
RESULTS = Path(__file__).resolve().parent / "results"


# ---------------------------------------------------------------------------------------------- data


def synthetic_table(candidates: int, criteria: int, seed: int = SEED):
    """Scores candidate -> {criterion -> score} on 1..9 and the criteria (the last one a cost)."""
    rng = np.random.default_rng(seed)
    raw = rng.uniform(1, 9, size=(candidates, criteria))
    weights = rng.uniform(0.05, 1.0, size=criteria)
    keys = [f"c{j + 1}" for j in range(criteria)]
    crits = [
        Criterion(key, float(weights[j]), "cost" if j == criteria - 1 else "benefit")
        for j, key in enumerate(keys)
    ]
    scores = {f"p{i + 1}": dict(zip(keys, raw[i].tolist(), strict=True)) for i in range(candidates)}
    return scores, crits


def drawn_weights(values_shape: tuple[int, int], weights: np.ndarray, samples: int, spread: float, seed: int):
    """The weight samples rank_acceptability draws for this input: the same generator, concentration
    and chunks (so the baselines see exactly the same samples)."""
    m, n = values_shape
    rng = np.random.default_rng(seed)
    concentration = 1.0 / (spread * spread) - 1.0
    active = np.flatnonzero(weights > 0)
    chunk = max(1, acceptability_module._CHUNK_SCORES // m)
    parts = []
    for start in range(0, samples, chunk):
        size = min(chunk, samples - start)
        part = np.zeros((size, n))
        part[:, active] = rng.dirichlet(concentration * weights[active], size=size)
        parts.append(part)
    return np.concatenate(parts)


# ------------------------------------------------------------------------------------------ baselines


def numpy_loop(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per sample: score, argsort, add one to each candidate's place."""
    m = values.shape[0]
    counts = np.zeros((m, m))
    everyone = np.arange(m)
    for w in weights:
        order = np.argsort(-(values @ w))
        places = np.empty(m, dtype=np.intp)
        places[order] = everyone
        counts[everyone, places] += 1
    return counts


def pandas_loop(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per sample: the weighted sum of the DataFrame's columns, ranked with pandas."""
    m, n = values.shape
    frame = pd.DataFrame(values, columns=[f"c{j + 1}" for j in range(n)])
    counts = np.zeros((m, m))
    everyone = np.arange(m)
    for w in weights:
        ranks = frame.mul(w, axis=1).sum(axis=1).rank(ascending=False, method="first")
        counts[everyone, ranks.to_numpy(dtype=np.intp) - 1] += 1
    return counts


def clusterworks_core(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The vectorised counting alone, on the pre-drawn samples, in the library's chunks."""
    m = values.shape[0]
    chunk = max(1, acceptability_module._CHUNK_SCORES // m)
    counts = np.zeros((m, m))
    for start in range(0, weights.shape[0], chunk):
        counts += _rank_counts(values, weights[start : start + chunk])
    return counts


# ---------------------------------------------------------------------------------------------- runs


def timed(repeat: int, run: Callable[[], Any]) -> tuple[float, list[float], Any]:
    """Best of ``repeat`` runs, all times, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), times, result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=60)
    parser.add_argument("--criteria", type=int, default=5)
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--spread", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each fast method (best is kept)")
    parser.add_argument("--pandas-repeat", type=int, default=1, help="runs of the pandas loop")
    parser.add_argument("--no-write", action="store_true", help="do not write bench/results/priorities.json")
    args = parser.parse_args(argv)

    scores, criteria = synthetic_table(args.candidates, args.criteria, args.seed)
    table = _prepare(scores, criteria, candidates=None, normalisation="minmax")
    values = table.values
    weights = drawn_weights(values.shape, table.weights, args.samples, args.spread, args.seed)

    def ours() -> Any:
        return rank_acceptability(scores, criteria, samples=args.samples, spread=args.spread, seed=args.seed)

    end_s, end_times, result = timed(args.repeat, ours)
    reference = np.rint(result.matrix() * args.samples)
    core_s, core_times, core = timed(args.repeat, lambda: clusterworks_core(values, weights))
    assert np.array_equal(core, reference), (
        "the core on the pre-drawn samples differs from rank_acceptability"
    )
    loop_s, loop_times, loop = timed(args.repeat, lambda: numpy_loop(values, weights))
    assert np.array_equal(loop, reference), "the numpy loop gives other acceptabilities"
    entries = [
        {"method": "Clusterworks rank_acceptability, end to end", "seconds": end_s, "runs": end_times},
        {"method": "Clusterworks counting alone (pre-drawn samples)", "seconds": core_s, "runs": core_times},
        {"method": "numpy loop: argsort per sample", "seconds": loop_s, "runs": loop_times},
    ]
    if pd is not None:
        pandas_s, pandas_times, frame = timed(args.pandas_repeat, lambda: pandas_loop(values, weights))
        assert np.array_equal(frame, reference), "the pandas loop gives other acceptabilities"
        entries.append(
            {
                "method": f"pandas loop: .rank per sample (pandas {pd.__version__})",
                "seconds": pandas_s,
                "runs": pandas_times,
            }
        )
    else:
        print("pandas is not installed: the pandas column is skipped", file=sys.stderr)
    for entry in entries:
        entry["vs_end_to_end"] = entry["seconds"] / end_s
        entry["vs_counting"] = entry["seconds"] / core_s

    report = {
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
            "candidates": args.candidates,
            "criteria": args.criteria,
            "samples": args.samples,
            "spread": args.spread,
            "seed": args.seed,
            "generator": "bench/priorities_bench.py synthetic_table",
        },
        "same_result": True,
        "first_rank_max": max(result.first_rank),
        "results": entries,
    }
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "priorities.json").write_text(json.dumps(report, indent=2) + "\n")

    print(
        f"Rank acceptability of {args.candidates} candidates x {args.criteria} criteria, {args.samples:,} "
        f"weight samples (Dirichlet, spread {args.spread}, seed {args.seed}); the same matrix from every "
        "method (asserted exactly)."
    )
    print(
        f"Python {platform.python_version()}, numpy {np.__version__}"
        + ("" if pd is None else f", pandas {pd.__version__}")
        + f", {platform.machine()}; best of {args.repeat} (pandas: {args.pandas_repeat}).\n"
    )
    print("| method | seconds | / Clusterworks end to end | / Clusterworks counting |")
    print("|---|---:|---:|---:|")
    for entry in entries:
        print(
            f"| {entry['method']} | {entry['seconds']:.3f} | {entry['vs_end_to_end']:.1f} | "
            f"{entry['vs_counting']:.1f} |"
        )


if __name__ == "__main__":
    sys.exit(main())
