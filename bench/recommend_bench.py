"""Partner recommendation benchmark (issue 4, item 3): the honest evaluation on EU Horizon 2020 and the
query latency.

For each split year T (default 2017, 2018, 2019) on tests/data/network/h2020.csv.gz (the 7 rows without
a start year dropped) with the programme parts of tests/data/network/programme_parts.csv.gz:

* the learnt recommender (:class:`~clusterworks.analytics.network.recommend.RankingModel` fitted from the
  rows before T only) and the classic indexes -- Adamic-Adar, resource allocation, Katz (3 steps),
  common neighbours, Jaccard, preferential attachment -- each ranking every candidate of every source
  (:func:`~clusterworks.analytics.network.recommend.evaluate`, the protocol in
  docs/methods/recommendation.md): precision@10, recall@10, MRR, Hits@100, and the recommender's
  precision@10 over Adamic-Adar's;
* the same with a one-year horizon (truth = pairs that first work together in year T only), the
  protocol under which Adamic-Adar scores "about 0.10" as the issue says;
* the tool a user would otherwise pick for the classic indexes: networkx's ``adamic_adar_index`` on the
  same graph for a sample of sources (every candidate of each), timed against ours, with the top-10
  compared.

Then the one-off index build over all rows (graph, features and the model learnt from the last year)
and the latency of ``PartnerIndex.recommend`` (k = 10) for --queries random organisations: p50, p95, max.

    uv run --extra test python bench/recommend_bench.py             # the full run (about 30 minutes)
    uv run --extra test python bench/recommend_bench.py --quick     # 1,000 sampled sources per T

Results go to bench/results/recommend.json and bench/results/recommend.md (--quick:
recommend-quick.*).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import platform
import statistics
import time
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

import numpy as np

from clusterworks.analytics.network.participations import read_participations
from clusterworks.analytics.network.recommend import (
    FEATURES,
    METHODS,
    PartnerIndex,
    RankingModel,
    Snapshot,
    evaluate,
)
from clusterworks.analytics.network.recommend.features import (
    allowed_mask,
    baseline_scores,
    proximity,
    sources_for,
    top_indices,
)

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
DATA = ROOT / "tests" / "data" / "network"
COLUMNS = "project=rcn,organisation=pic,year=start_year,type=type,country=country,role=role"
SEED = 20261201


def load():
    part = read_participations(DATA / "h2020.csv.gz", columns=COLUMNS, on_missing="drop")
    areas: dict[str, list[str]] = {}
    with gzip.open(DATA / "programme_parts.csv.gz", "rt", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            areas.setdefault(row["rcn"], []).append(row["programme_part"])
    return part, areas


def versus_networkx(part, before: int, sources: int, seed: int) -> dict:
    """Adamic-Adar of every candidate of ``sources`` sampled sources: ours against networkx."""
    import networkx as nx

    snap = Snapshot.build(part, cut=before)
    coo = snap.adjacency.tocoo()
    G = nx.Graph()
    G.add_nodes_from(range(snap.n))
    G.add_edges_from(zip(coo.row.tolist(), coo.col.tolist(), strict=True))
    rng = np.random.default_rng(seed)
    picked = np.sort(rng.choice(np.flatnonzero(snap.degree > 0), size=sources, replace=False))
    t = time.perf_counter()
    src = sources_for(snap, [[s] for s in picked])
    prox = proximity(snap, src, paths=False)
    allowed = allowed_mask(snap, src)
    ours = baseline_scores("adamic_adar", snap, src, prox)
    top_ours = [top_indices(ours[i], allowed[i], 10) for i in range(picked.size)]
    ours_seconds = time.perf_counter() - t
    t = time.perf_counter()
    top_nx, max_diff = [], 0.0
    for i, s in enumerate(picked):
        cands = np.flatnonzero(allowed[i])
        values = np.array([v for _, _, v in nx.adamic_adar_index(G, [(int(s), int(c)) for c in cands])])
        order = np.lexsort((cands, -values))
        top_nx.append(cands[order][:10])
        max_diff = max(max_diff, float(np.abs(values - ours[i, cands]).max()))
    nx_seconds = time.perf_counter() - t
    same = sum(np.array_equal(a, b) for a, b in zip(top_ours, top_nx, strict=True))
    return {
        "before": before,
        "sources": int(picked.size),
        "candidates_per_source": float(allowed.sum(axis=1).mean()),
        "ours_seconds": ours_seconds,
        "networkx_seconds": nx_seconds,
        "ratio": nx_seconds / ours_seconds,
        "same_top10": int(same),
        "max_abs_diff": max_diff,
    }


def oracles(part, before: int, sample: int, seed: int) -> dict:
    """How much is there to learn? Adamic-Adar given knowledge no method has before T: which
    organisations take part in anything from T on (they first), which of the source's ties are renewed
    from T on (paths through them only), and which ties are renewed on both steps of the path."""
    import scipy.sparse as sp

    from clusterworks.analytics.network.graph import project_graph
    from clusterworks.analytics.network.recommend import new_pairs
    from clusterworks.analytics.network.recommend.evaluation import block_metrics
    from clusterworks.analytics.network.recommend.features import ranked, top_mask

    snap = Snapshot.build(part, cut=before)
    truth = new_pairs(part, snap, start=before)
    later = project_graph(part.select(part.year >= before), nodes="all").weights.tocsr()
    later.data[:] = 1.0
    renewed = snap.adjacency.multiply(later).tocsr()
    active_later = np.bincount(part.organisation[part.year >= before], minlength=snap.n) > 0
    weight = sp.diags(snap.adamic_adar_weight)
    sources = np.flatnonzero(np.diff(truth.indptr) > 0)
    sources = np.sort(
        np.random.default_rng(seed).choice(sources, size=min(sample, sources.size), replace=False)
    )
    sums: dict[str, np.ndarray] = {}
    for start in range(0, sources.size, 128):
        block = sources[start : start + 128]
        src = sources_for(snap, [[s] for s in block])
        allowed = allowed_mask(snap, src)
        aa = proximity(snap, src, paths=False).adamic_adar
        scores = {
            "Adamic-Adar": aa,
            "oracle: active from T on": aa + 100.0 * active_later[None, :],
            # ties broken by Adamic-Adar, as without the oracle
            "oracle: renewed ties of the source": (renewed[block] @ weight @ snap.adjacency).toarray()
            + 1e-9 * aa,
            "oracle: renewed ties on both steps": (renewed[block] @ weight @ renewed).toarray() + 1e-9 * aa,
        }
        true_block = truth[block].toarray() > 0
        for name, values in scores.items():
            rows, cands = ranked(values, top_mask(values, allowed, 100))
            sums[name] = sums.get(name, np.zeros(4)) + block_metrics(rows, cands, true_block, 10)
    return {
        "before": before,
        "sources": int(sources.size),
        "methods": {
            name: dict(zip(("precision", "recall", "mrr", "hits"), (v / sources.size).tolist(), strict=True))
            for name, v in sums.items()
        },
    }


def latency(part, areas, queries: int, seed: int) -> dict:
    t = time.perf_counter()
    index = PartnerIndex.build(part, areas=areas)
    build = time.perf_counter() - t
    t = time.perf_counter()
    PartnerIndex.build(part, areas=areas, model=index.model)
    build_without_learning = time.perf_counter() - t
    snap = index.snapshot
    rng = np.random.default_rng(seed)
    picked = rng.choice(np.flatnonzero(snap.active), size=queries, replace=False)
    times = []
    for s in picked:
        t = time.perf_counter()
        index.recommend(snap.organisation_ids[s], k=10)
        times.append(1000 * (time.perf_counter() - t))
    times.sort()
    hub = snap.organisation_ids[int(np.argmax(snap.degree))]
    hub_times = []
    for _ in range(20):
        t = time.perf_counter()
        index.recommend(hub, k=10)
        hub_times.append(1000 * (time.perf_counter() - t))
    return {
        "organisations": snap.n,
        "candidates": int(snap.active.sum()),
        "build_seconds": build,
        "build_seconds_without_learning": build_without_learning,
        "model_before": index.model.before,
        "queries": queries,
        "p50_ms": statistics.median(times),
        "p95_ms": float(np.percentile(times, 95)),
        "max_ms": times[-1],
        "hub": hub,
        "hub_degree": int(snap.degree.max()),
        "hub_median_ms": statistics.median(hub_times),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--before", type=int, nargs="+", default=[2017, 2018, 2019])
    parser.add_argument("--sample", type=int, help="Evaluate this many sampled sources per T (default all).")
    parser.add_argument("--quick", action="store_true", help="--sample 1000, fewer latency queries.")
    parser.add_argument("--queries", type=int, default=1000, help="Latency queries (random organisations).")
    parser.add_argument("--nx-sources", type=int, default=30, help="Sources of the networkx comparison.")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--oracles", action="store_true", help="Only the oracle ceilings at T = 2018 (recommend-oracles.md)."
    )
    args = parser.parse_args()
    if args.oracles:
        part, _ = load()
        found = oracles(part, 2018, args.sample or 2000, args.seed)
        lines = [
            "# How much is there to learn? Adamic-Adar with knowledge from after T",
            "",
            f"T = 2018, {found['sources']:,} sampled sources (seed {args.seed}); "
            "the protocol of recommend.md.",
            "",
            "| method | precision@10 | recall@10 | MRR | Hits@100 | vs Adamic-Adar |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        base = found["methods"]["Adamic-Adar"]["precision"]
        for name, m in found["methods"].items():
            lines.append(
                f"| {name} | {m['precision']:.4f} | {m['recall']:.4f} | {m['mrr']:.4f} | {m['hits']:.4f} | "
                f"{m['precision'] / base:.2f} |"
            )
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "recommend-oracles.json").write_text(json.dumps(found, indent=2) + "\n")
        (RESULTS / "recommend-oracles.md").write_text("\n".join(lines) + "\n")
        print("\n".join(lines))
        return
    sample = 1000 if args.quick and args.sample is None else args.sample
    queries = min(args.queries, 200) if args.quick else args.queries

    t = time.perf_counter()
    part, areas = load()
    load_seconds = time.perf_counter() - t
    result: dict = {
        "run": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "numpy": version("numpy"),
            "scipy": version("scipy"),
            "networkx": version("networkx"),
        },
        "data": {"rows": len(part), "dropped": part.dropped, "load_seconds": load_seconds},
        "sample": sample,
        "seed": args.seed,
        "evaluations": [],
        "horizon_1": [],
    }
    for before in args.before:
        t = time.perf_counter()
        model = RankingModel.fit(part, before=before, areas=areas, seed=args.seed)
        fit_seconds = time.perf_counter() - t
        ev = evaluate(part, before=before, areas=areas, model=model, sample=sample, seed=args.seed)
        entry = ev.as_dict()
        entry["fit_seconds"] = fit_seconds
        entry["ratio_recommender_adamic_adar"] = ev.ratio()
        entry["table"] = ev.table()
        result["evaluations"].append(entry)
        print(
            f"T={before}: {ev.n_universe:,} organisations, {ev.n_evaluated:,} sources, "
            f"{ev.n_new_pairs:,} new pairs"
        )
        print(ev.table(), flush=True)
        h1 = evaluate(
            part,
            before=before,
            areas=areas,
            model=model,
            methods=("recommender", "adamic_adar"),
            horizon=1,
            sample=sample,
            seed=args.seed,
        )
        result["horizon_1"].append(
            {**h1.as_dict(), "ratio_recommender_adamic_adar": h1.ratio(), "table": h1.table()}
        )
        print(f"  horizon 1 year: {h1.table().splitlines()[2]} / {h1.table().splitlines()[3]}", flush=True)
    result["networkx"] = versus_networkx(part, 2018, args.nx_sources, args.seed)
    print(result["networkx"], flush=True)
    result["latency"] = latency(part, areas, queries, args.seed)
    print(result["latency"], flush=True)

    name = "recommend-quick" if args.quick else "recommend"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    (RESULTS / f"{name}.md").write_text(markdown(result))
    print(f"Wrote bench/results/{name}.json and .md")


def markdown(result: dict) -> str:
    m = result["machine"]
    scope = "every source" if result["sample"] is None else f"{result['sample']:,} sampled sources per T"
    lines = [
        "# Partner recommendation on EU Horizon 2020",
        "",
        f"Run {result['run']}, {m['cpus']} CPUs, Python {m['python']}, numpy {m['numpy']}, "
        f"scipy {m['scipy']}, "
        f"networkx {m['networkx']}. {result['data']['rows']:,} participation rows "
        f"({result['data']['dropped']} without a start year dropped); {scope}; seed {result['seed']}.",
        "",
        "## Learn before T, predict the pairs that first work together from T on",
        "",
    ]
    summary = [
        "| T | organisations before T | sources | new pairs | recommender p@10 | Adamic-Adar p@10 | ratio |"
    ]
    summary.append("|---:|---:|---:|---:|---:|---:|---:|")
    for e in result["evaluations"]:
        rec, aa = e["methods"]["recommender"]["precision"], e["methods"]["adamic_adar"]["precision"]
        summary.append(
            f"| {e['before']} | {e['n_universe']:,} | {e['n_evaluated']:,} | {e['n_new_pairs']:,} | "
            f"{rec:.4f} | "
            f"{aa:.4f} | {e['ratio_recommender_adamic_adar']:.2f} |"
        )
    lines += summary + [""]
    for e in result["evaluations"]:
        lines += [
            f"### T = {e['before']}",
            "",
            f"Model learnt in {e['fit_seconds']:.0f} s from {e['model']['n_sources']:,} sources, "
            f"{e['model']['n_pairs']:,} candidate pairs ({e['model']['n_positives']:,} new partnerships of "
            f"{e['before'] - 1}); evaluation {e['seconds']:.0f} s.",
            "",
            e["table"],
            "",
        ]
    lines += ["## One-year horizon (truth: pairs first working together in year T only)", ""]
    lines += [
        "| T | sources | new pairs | recommender p@10 | Adamic-Adar p@10 | ratio | recommender MRR "
        "| Adamic-Adar MRR |"
    ]
    lines += ["|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for e in result["horizon_1"]:
        rec, aa = e["methods"]["recommender"], e["methods"]["adamic_adar"]
        lines.append(
            f"| {e['before']} | {e['n_evaluated']:,} | {e['n_new_pairs']:,} | {rec['precision']:.4f} | "
            f"{aa['precision']:.4f} | {e['ratio_recommender_adamic_adar']:.2f} | {rec['mrr']:.4f} | "
            f"{aa['mrr']:.4f} |"
        )
    nx_ = result["networkx"]
    lines += [
        "",
        "## Adamic-Adar: ours against networkx",
        "",
        f"T = {nx_['before']}, {nx_['sources']} sampled sources, every candidate of each (mean "
        f"{nx_['candidates_per_source']:,.0f}): ours {nx_['ours_seconds']:.2f} s, networkx "
        f"`adamic_adar_index` {nx_['networkx_seconds']:.1f} s ({nx_['ratio']:.0f}x); the same top 10 for "
        f"{nx_['same_top10']} of {nx_['sources']} sources, largest score difference "
        f"{nx_['max_abs_diff']:.1e}.",
        "",
        "## Query latency",
        "",
    ]
    lat = result["latency"]
    lines += [
        f"Index over all {lat['organisations']:,} organisations ({lat['candidates']:,} candidates): built in "
        f"{lat['build_seconds']:.1f} s with the model learnt from the last complete year (before "
        f"{lat['model_before']}), "
        f"{lat['build_seconds_without_learning']:.1f} s with a given model.",
        "",
        "| queries | p50 ms | p95 ms | max ms | the largest hub (degree) median ms |",
        "|---:|---:|---:|---:|---:|",
        f"| {lat['queries']:,} | {lat['p50_ms']:.1f} | {lat['p95_ms']:.1f} | {lat['max_ms']:.1f} | "
        f"{lat['hub_median_ms']:.1f} ({lat['hub_degree']:,}) |",
        "",
        "## Learnt weights (per standard deviation of each feature)",
        "",
        "| feature | " + " | ".join(f"T = {e['before']}" for e in result["evaluations"]) + " |",
        "|---|" + "---:|" * len(result["evaluations"]),
    ]
    for name, _ in FEATURES:
        cells = " | ".join(f"{e['model']['weights'][name]:+.3f}" for e in result["evaluations"])
        lines.append(f"| {name} | {cells} |")
    lines.append("")
    lines.append(f"Methods: {', '.join(METHODS)}.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
