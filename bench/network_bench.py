"""Collaboration-network benchmark (issue 4): our analytics (python-igraph's C core, NumPy/SciPy,
igraph's Leiden) side by side with networkx, the tool a Python user would otherwise pick, on the same
graphs in one run.

Data:

* **H2020**: the EU Horizon 2020 participations in tests/data/network/h2020.csv.gz (144,719 dated
  rows, 35,871 organisations), projected with :func:`project_graph` (count weighting): about 800,000
  ties;
* **synthetic**: :func:`synthetic_graph` with 1,000,000 ties (seeded preferential attachment of
  organisations to projects of heavy-tailed size).

Every measure runs in a fresh process per tool (``--worker``), which loads the same graph from a
temporary file, builds its own structure (``igraph.Graph`` / ``networkx.Graph``, not timed, reported
apart), then times the measure once; the process reports its resident memory after loading and its
peak (VmRSS / VmHWM from /proc), so the peak includes the loaded graph. Each process is capped at
``--memory-gb`` of address space and networkx at ``--cap`` seconds per measure (SIGALRM): a capped
run shows ``> cap`` and its ratio is a lower bound.

Where the exact computation is out of reach for networkx (all-pairs shortest paths on 36,000 nodes:
hours in Python), both tools compute the same estimate:

* betweenness from ``k`` sampled sources, the same sources on both sides (networkx's
  ``betweenness_centrality(k=k, seed=seed)``; ours ``betweenness(sample=k, seed=seed)``);
* closeness of ``s`` sampled nodes (networkx ``closeness_centrality(u=v)`` per node; ours
  ``closeness(nodes=...)``);
* the mean path length from the same ``p`` sources in the largest component.

Path lengths are 1/weight; eigenvector centrality is computed on the largest component (networkx 3.6
refuses disconnected graphs); networkx has no Leiden without a backend, so communities compare our
Leiden with networkx's Louvain (the modularity of both partitions is reported). Brokerage, the
continuous core/periphery, the triple-helix mix and the yearly evolution have no networkx
counterpart and are timed for ours only.

Run (networkx is in the ``test`` extra)::

    uv run --extra test python bench/network_bench.py            # full: H2020 and 1M ties
    uv run --extra test python bench/network_bench.py --quick    # H2020 2014-2015 and 50,000 ties

Results: bench/results/network.json and bench/results/network.md (also printed).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
H2020 = ROOT / "tests" / "data" / "network" / "h2020.csv.gz"
H2020_COLUMNS = (
    "project=rcn,organisation=pic,year=start_year,role=role,type=type,country=country,amount=contribution"
)
SEED = 20261201

# (key, label, networkx counterpart or None)
MEASURES = [
    ("projection", "bipartite projection (count)", "bipartite.weighted_projected_graph"),
    ("degree", "degree and strength", "G.degree(), G.degree(weight)"),
    ("betweenness", "betweenness, k sampled sources", "betweenness_centrality(k, seed)"),
    ("closeness", "closeness, s sampled nodes", "closeness_centrality(u=v) per node"),
    ("eigenvector", "eigenvector (largest component)", "eigenvector_centrality_numpy"),
    ("pagerank", "PageRank (0.85)", "pagerank"),
    ("constraint", "Burt's constraint (+ effective size)", "constraint"),
    ("effective_size", "effective size (weighted)", "effective_size"),
    ("communities", "communities (ours Leiden, nx Louvain)", "community.louvain_communities"),
    ("kcore", "k-core numbers", "core_number"),
    (
        "cohesion",
        "cohesion: density, components, clustering, paths",
        "density, connected_components, transitivity, average_clustering, single_source_shortest_path_length",
    ),
    ("brokerage", "Gould-Fernandez brokerage (sectors)", None),
    ("core_periphery", "k-cores + continuous core/periphery", None),
    ("triple_helix", "triple-helix mix and mutual information", None),
    ("evolution", "evolution year by year (cohesion per year)", None),
    ("analysis", "full analysis (analyse(): every measure above)", None),
]


# ----------------------------------------------------------------------------------------- memory
def _status(field: str) -> float:
    """A field of /proc/self/status in MB (VmRSS, VmHWM)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")  # pragma: no cover - not Linux


# ----------------------------------------------------------------------------------------- data files
def save_dataset(path: Path, g, part) -> None:
    w = g.weights
    np.savez(
        path,
        indptr=w.indptr,
        indices=w.indices,
        data=w.data,
        first_year=g.first_year.data,
        names=np.array(g.names),
        kind=np.array(g.kind),
        country=np.array(g.country),
        inc_indptr=g.incidence.indptr,
        inc_indices=g.incidence.indices,
        inc_shape=np.array(g.incidence.shape),
        projects=np.array(g.projects),
        project_year=g.project_year,
        p_project=part.project,
        p_organisation=part.organisation,
        p_year=part.year,
        p_project_ids=np.array(part.project_ids),
        p_organisation_ids=np.array(part.organisation_ids),
        p_kind=np.array(part.kind),
        p_country=np.array(part.country),
    )


def load_dataset(path: Path):
    from clusterworks.analytics.network.graph import CollaborationGraph
    from clusterworks.analytics.network.participations import Participations

    z = np.load(path)
    n = z["names"].size
    w = sp.csr_matrix((z["data"], z["indices"], z["indptr"]), shape=(n, n))
    fy = sp.csr_matrix((z["first_year"], z["indices"], z["indptr"]), shape=(n, n))
    inc = sp.csr_matrix(
        (np.ones(z["inc_indices"].size), z["inc_indices"], z["inc_indptr"]), shape=tuple(z["inc_shape"])
    )
    g = CollaborationGraph(
        names=tuple(z["names"].tolist()),
        kind=tuple(z["kind"].tolist()),
        country=tuple(z["country"].tolist()),
        weights=w,
        first_year=fy,
        incidence=inc,
        projects=tuple(z["projects"].tolist()),
        project_year=z["project_year"],
    )
    rows = z["p_project"].size
    part = Participations(
        project=z["p_project"],
        organisation=z["p_organisation"],
        year=z["p_year"],
        project_ids=tuple(z["p_project_ids"].tolist()),
        organisation_ids=tuple(z["p_organisation_ids"].tolist()),
        role=("",) * rows,
        kind=tuple(z["p_kind"].tolist()),
        country=tuple(z["p_country"].tolist()),
        amount=np.full(rows, np.nan),
        line=np.zeros(rows, dtype=np.int64),
    )
    return g, part


# ----------------------------------------------------------------------------------------- workers
class Capped(BaseException):
    pass


def _alarm(signum, frame):  # pragma: no cover - only when networkx runs too long
    raise Capped()


def to_networkx(g):
    import networkx as nx

    G = nx.Graph()
    G.add_nodes_from(range(g.n_nodes))
    src, dst, w = g.edges()
    G.add_edges_from(
        (a, b, {"weight": x, "dist": 1.0 / x})
        for a, b, x in zip(src.tolist(), dst.tolist(), w.tolist(), strict=True)
    )
    return G


def run_ours(measure: str, g, part, params: dict):
    """Set-up (not timed) then the timed call; returns (setup seconds, timed callable)."""
    from clusterworks.analytics.network import measures as M
    from clusterworks.analytics.network.brokerage import brokerage
    from clusterworks.analytics.network.communities import (
        core_periphery,
        leiden,
        sectors_of,
        triple_helix_mix,
    )
    from clusterworks.analytics.network.evolution import cohesion, evolution
    from clusterworks.analytics.network.graph import project_graph

    t0 = time.perf_counter()
    k, s, p, seed = params["k"], params["s"], params["p"], params["seed"]
    target = g.largest_component() if measure == "eigenvector" else g
    if measure not in ("projection", "degree", "evolution"):
        target.to_igraph()
    setup = time.perf_counter() - t0
    if measure == "projection":

        def call():
            h = project_graph(part)
            src, dst, w = h.edges()
            return {"keys": src * h.n_nodes + dst, "weights": w}

    elif measure == "degree":

        def call():
            return {
                "degree": np.diff(g.weights.indptr),
                "strength": np.asarray(g.weights.sum(axis=1)).ravel(),
            }

    elif measure == "betweenness":

        def call():
            return {"values": M.betweenness(g, sample=k, seed=seed)}

    elif measure == "closeness":
        nodes = M.sample_sources(g.n_nodes, s, seed + 1)

        def call():
            return {"values": M.closeness(g, nodes=nodes)}

    elif measure == "eigenvector":

        def call():
            return {"values": M.eigenvector(target)}

    elif measure == "pagerank":

        def call():
            return {"values": M.pagerank(g)}

    elif measure in ("constraint", "effective_size"):

        def call():
            h = M.structural_holes(g)
            return {"values": h.constraint if measure == "constraint" else h.effective_size}

    elif measure == "communities":

        def call():
            return {"membership": leiden(g, seed=seed).membership}

    elif measure == "kcore":

        def call():
            return {"values": np.array(g.to_igraph().coreness())}

    elif measure == "cohesion":

        def call():
            c = cohesion(g, path_sample=p, seed=seed, with_communities=False)
            return {k_: np.array([v]) for k_, v in c.as_dict().items()}

    elif measure == "brokerage":

        def call():
            return {"total": brokerage(g, sectors_of(g.kind)).total}

    elif measure == "core_periphery":

        def call():
            return {"coreness": core_periphery(g).coreness}

    elif measure == "triple_helix":

        def call():
            return {"within": np.array([triple_helix_mix(g).within])}

    elif measure == "evolution":

        def call():
            snaps = evolution(part, path_sample=p, seed=seed)
            return {"ties": np.array([x.cohesion.n_ties for x in snaps])}

    elif measure == "analysis":
        from clusterworks.analytics.network.analysis import analyse

        def call():
            a = analyse(g, sample=k, path_sample=p, seed=seed)
            return {"modularity": np.array([a.communities.modularity])}

    else:  # pragma: no cover
        raise SystemExit(f"unknown measure {measure}")
    return setup, call


def run_networkx(measure: str, g, part, params: dict):
    import networkx as nx

    from clusterworks.analytics.network.measures import sample_sources

    t0 = time.perf_counter()
    k, s, p, seed = params["k"], params["s"], params["p"], params["seed"]
    n = g.n_nodes
    if measure == "projection":
        B = nx.Graph()
        orgs = [("o", i) for i in range(part.n_organisations)]
        B.add_nodes_from(orgs, bipartite=0)
        B.add_edges_from(
            (("p", a), ("o", b))
            for a, b in zip(part.project.tolist(), part.organisation.tolist(), strict=True)
        )
    else:
        G = to_networkx(g)
    if measure == "eigenvector":
        lcc = max(nx.connected_components(G), key=len)
        L = nx.Graph(G.subgraph(sorted(lcc)))
    setup = time.perf_counter() - t0

    def arr(d, nodes=None):
        nodes = range(n) if nodes is None else nodes
        return np.array([d[v] for v in nodes], dtype=np.float64)

    if measure == "projection":
        active = sorted(set(part.organisation.tolist()))
        index = {o: i for i, o in enumerate(active)}

        def call():
            P = nx.bipartite.weighted_projected_graph(B, orgs)
            keys, ws = [], []
            for (_, a), (_, b), d in P.edges(data=True):
                i, j = sorted((index[a], index[b]))
                keys.append(i * len(active) + j)
                ws.append(d["weight"])
            order = np.argsort(keys)
            return {
                "keys": np.array(keys, dtype=np.int64)[order],
                "weights": np.array(ws, dtype=np.float64)[order],
            }

    elif measure == "degree":

        def call():
            d = dict(G.degree())
            st = dict(G.degree(weight="weight"))
            return {"degree": arr(d), "strength": arr(st)}

    elif measure == "betweenness":

        def call():
            return {"values": arr(nx.betweenness_centrality(G, k=k, seed=seed, weight="dist"))}

    elif measure == "closeness":
        nodes = sample_sources(n, s, seed + 1)

        def call():
            return {"values": np.array([nx.closeness_centrality(G, u=v, distance="dist") for v in nodes])}

    elif measure == "eigenvector":

        def call():
            ev = nx.eigenvector_centrality_numpy(L, weight="weight")
            return {"values": np.array([ev[v] for v in sorted(L)])}

    elif measure == "pagerank":

        def call():
            return {"values": arr(nx.pagerank(G, alpha=0.85, weight="weight"))}

    elif measure == "constraint":

        def call():
            return {"values": arr(nx.constraint(G, weight="weight"))}

    elif measure == "effective_size":

        def call():
            return {"values": arr(nx.effective_size(G, weight="weight"))}

    elif measure == "communities":

        def call():
            parts = nx.community.louvain_communities(G, weight="weight", seed=seed)
            member = np.zeros(n, dtype=np.int64)
            for c, nodes in enumerate(parts):
                member[list(nodes)] = c
            return {"membership": member}

    elif measure == "kcore":

        def call():
            return {"values": arr(nx.core_number(G))}

    elif measure == "cohesion":

        def call():
            comps = list(nx.connected_components(G))
            biggest = max(comps, key=len)
            nodes = sorted(biggest)
            rng = np.random.default_rng(seed)
            sources = np.sort(rng.choice(len(nodes), size=min(p, len(nodes)), replace=False))
            H = G.subgraph(biggest)
            total = 0.0
            for src in sources.tolist():
                total += sum(nx.single_source_shortest_path_length(H, nodes[src]).values()) / (len(nodes) - 1)
            return {
                "density": np.array([nx.density(G)]),
                "components": np.array([len(comps)]),
                "largest_component_share": np.array([len(biggest) / n]),
                "transitivity": np.array([nx.transitivity(G)]),
                "average_clustering": np.array([nx.average_clustering(G)]),
                "mean_path_length": np.array([total / len(sources)]),
            }

    else:
        return setup, None
    return setup, call


def worker(tool: str, measure: str, data: Path, params: dict, out: Path) -> None:
    limit = int(params["memory_gb"] * 1024**3)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    t0 = time.perf_counter()
    g, part = load_dataset(data)
    load = time.perf_counter() - t0
    setup, call = (run_ours if tool == "ours" else run_networkx)(measure, g, part, params)
    rss_before = _status("VmRSS")
    status, seconds, result = "ok", None, {}
    if call is None:
        status = "n/a"
    else:
        if tool == "networkx":
            signal.signal(signal.SIGALRM, _alarm)
            signal.alarm(int(params["cap"]))
        t1 = time.perf_counter()
        try:
            result = call()
            seconds = time.perf_counter() - t1
        except Capped:
            status, seconds = "capped", time.perf_counter() - t1
        except MemoryError:
            status, seconds = "out of memory", time.perf_counter() - t1
        finally:
            signal.alarm(0)
    np.savez(out.with_suffix(".npz"), **{k: np.asarray(v) for k, v in result.items()})
    out.write_text(
        json.dumps(
            {
                "status": status,
                "seconds": seconds,
                "load_seconds": load,
                "setup_seconds": setup,
                "rss_before_mb": rss_before,
                "peak_mb": _status("VmHWM"),
            }
        )
    )


# ----------------------------------------------------------------------------------------- orchestration
def spawn(tool: str, measure: str, data: Path, params: dict, tmp: Path) -> dict:
    out = tmp / f"{data.stem}-{measure}-{tool}.json"
    cmd = [sys.executable, __file__, "--worker", tool, measure, str(data), json.dumps(params), str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0 or not out.exists():
        tail = (proc.stderr or "").strip().splitlines()[-3:]
        return {"status": f"failed ({proc.returncode}): {' | '.join(tail)}", "seconds": None}
    info = json.loads(out.read_text())
    npz = np.load(out.with_suffix(".npz"))
    info["result"] = {k: npz[k] for k in npz.files}
    return info


def agreement(measure: str, ours: dict, theirs: dict, g) -> str:
    """How close the two tools' answers are, in words."""
    a, b = ours.get("result", {}), theirs.get("result", {})
    if not a or not b:
        return ""
    from clusterworks.analytics.network.communities import modularity

    if measure == "projection":
        same = np.array_equal(a["keys"], b["keys"])
        diff = np.abs(a["weights"] - b["weights"]).max() if same and a["weights"].size else float("nan")
        return f"same {a['keys'].size:,} ties, max |dw| {diff:.0e}" if same else "tie sets differ"
    if measure == "degree":
        return (
            "equal"
            if np.array_equal(a["degree"], b["degree"]) and np.allclose(a["strength"], b["strength"])
            else "differ"
        )
    if measure == "communities":
        qa, qb = modularity(g, a["membership"]), modularity(g, b["membership"])
        return f"modularity {qa:.4f} (Leiden) vs {qb:.4f} (Louvain)"
    if measure == "kcore":
        return "equal" if np.array_equal(a["values"], b["values"]) else "differ"
    if measure == "cohesion":
        keys = [k for k in b if k in a]
        diff = max(abs(float(a[k][0]) - float(b[k][0])) for k in keys)
        return f"max |d| {diff:.1e} over {', '.join(keys)}"
    x, y = a["values"], b["values"]
    both = ~(np.isnan(x) | np.isnan(y))
    if not np.array_equal(np.isnan(x), np.isnan(y)):
        return "nan patterns differ"
    text = f"max |d| {np.abs(x[both] - y[both]).max():.1e}"
    if measure == "effective_size":
        text += (
            " (networkx's all-nodes path divides by the column maximum, not the row's; "
            "the tests hold ours to its per-node path)"
        )
    if measure == "betweenness":
        text += " (equal-length paths: igraph compares with a tolerance, networkx exactly)"
    if measure == "pagerank":
        text += " (networkx stops at tol 1e-6)"
    return text


def fmt_s(info: dict | None, cap: float) -> str:
    if info is None:
        return "-"
    if info["status"] == "capped":
        return f"> {cap:.0f}"
    if info["status"] == "out of memory":
        return "out of memory"
    if info["status"] == "n/a":
        return "-"
    if info["seconds"] is None:
        return info["status"]
    return f"{info['seconds']:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="H2020 2014-2015 and a 50,000-tie synthetic graph"
    )
    parser.add_argument(
        "--edges", type=int, default=None, help="synthetic ties (default 1,000,000; quick 50,000)"
    )
    parser.add_argument("--k", type=int, default=None, help="betweenness sources (default 50; quick 20)")
    parser.add_argument("--s", type=int, default=None, help="closeness nodes (default 50; quick 20)")
    parser.add_argument("--p", type=int, default=200, help="path-length sources")
    parser.add_argument("--cap", type=float, default=None, help="networkx seconds per measure (default 900)")
    parser.add_argument("--memory-gb", type=float, default=16.0, help="address-space cap per process")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--datasets", default="h2020,synthetic")
    parser.add_argument("--measures", default=",".join(m[0] for m in MEASURES))
    parser.add_argument(
        "--tag",
        default="",
        help="write bench/results/network-TAG.{json,md} (e.g. a run of some --measures only) instead of "
        "the full run's network.{json,md}",
    )
    parser.add_argument("--render", type=Path, help="only rewrite the Markdown of an existing JSON result")
    parser.add_argument(
        "--worker", nargs=5, metavar=("TOOL", "MEASURE", "DATA", "PARAMS", "OUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.worker:
        tool, measure, data, params, out = args.worker
        worker(tool, measure, Path(data), json.loads(params), Path(out))
        return
    if args.render:
        report = json.loads(args.render.read_text())
        for data in report["datasets"].values():
            for row in data["measures"]:
                row.pop("ratio", None)
                row.pop("ratio_is_lower_bound", None)
                found = ratio_of(row)
                if found is not None:
                    row["ratio"], row["ratio_is_lower_bound"] = found
        args.render.write_text(json.dumps(report, indent=2, default=float) + "\n")
        md = markdown(report)
        args.render.with_suffix(".md").write_text(md)
        print(md)
        return

    from clusterworks.analytics.network.graph import bipartite_summary, project_graph
    from clusterworks.analytics.network.participations import read_participations
    from clusterworks.analytics.network.synthetic import synthetic_graph

    quick = args.quick
    params = {
        "k": args.k or (20 if quick else 50),
        "s": args.s or (20 if quick else 50),
        "p": args.p,
        "seed": args.seed,
        "cap": args.cap or (120.0 if quick else 900.0),
        "memory_gb": args.memory_gb,
    }
    n_edges = args.edges or (50_000 if quick else 1_000_000)
    wanted = [m for m in MEASURES if m[0] in args.measures.split(",")]
    started = time.strftime("%Y-%m-%d %H:%M")
    report: dict = {
        "started": started,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "numpy": np.__version__,
            "scipy": version("scipy"),
            "igraph": version("igraph"),
            "leidenalg": version("leidenalg"),
            "networkx": version("networkx"),
        },
        "params": params,
        "datasets": {},
    }
    with tempfile.TemporaryDirectory(prefix="network-bench-") as tmpdir:
        tmp = Path(tmpdir)
        for name in args.datasets.split(","):
            t0 = time.perf_counter()
            if name == "h2020":
                part = read_participations(H2020, columns=H2020_COLUMNS, on_missing="drop")
                if quick:
                    part = part.select(part.year <= 2015)
                g = project_graph(part)
                label = "H2020 (tests/data/network/h2020.csv.gz" + (", 2014-2015)" if quick else ")")
            else:
                g, part = synthetic_graph(n_edges, seed=args.seed)
                label = f"synthetic (synthetic_graph({n_edges:,}, seed={args.seed}))"
            prep = time.perf_counter() - t0
            data = tmp / f"{name}.npz"
            save_dataset(data, g, part)
            lcc = g.largest_component()
            summary = bipartite_summary(part)
            print(
                f"\n{label}: {g.n_nodes:,} organisations, {g.n_edges:,} ties, "
                f"{summary.n_projects:,} projects, largest component {lcc.n_nodes:,} "
                f"(prepared in {prep:.1f} s)",
                flush=True,
            )
            rows = []
            for key, title, counterpart in wanted:
                if key == "evolution" and name != "h2020":
                    continue
                ours = spawn("ours", key, data, params, tmp)
                theirs = spawn("networkx", key, data, params, tmp) if counterpart else None
                row = {
                    "measure": key,
                    "title": title,
                    "networkx": counterpart,
                    "ours": {k: v for k, v in ours.items() if k != "result"},
                    "nx": {k: v for k, v in theirs.items() if k != "result"} if theirs else None,
                    "agreement": agreement(key, ours, theirs, g) if theirs else "",
                }
                ratio = ratio_of(row)
                if ratio is not None:
                    row["ratio"], row["ratio_is_lower_bound"] = ratio
                rows.append(row)
                print(
                    f"  {title:55s} ours {fmt_s(ours, params['cap']):>9s}  networkx "
                    f"{fmt_s(theirs, params['cap']):>13s}  "
                    f"{(format(row['ratio'], '7.1f') + 'x') if 'ratio' in row else '      -'}  "
                    f"{row['agreement']}",
                    flush=True,
                )
            report["datasets"][name] = {
                "label": label,
                "organisations": g.n_nodes,
                "ties": g.n_edges,
                "projects": summary.n_projects,
                "rows": len(part),
                "largest_component": lcc.n_nodes,
                "measures": rows,
            }
    RESULTS.mkdir(parents=True, exist_ok=True)
    suffix = f"-{args.tag}" if args.tag else "-quick" if quick else ""
    (RESULTS / f"network{suffix}.json").write_text(json.dumps(report, indent=2, default=float) + "\n")
    md = markdown(report)
    (RESULTS / f"network{suffix}.md").write_text(md)
    print("\n" + md)


def ratio_of(row: dict) -> tuple[float, bool] | None:
    """networkx time / ours, and whether it is a lower bound (networkx capped); None when either did
    not finish (e.g. networkx out of memory) or has no counterpart."""
    o, n = row["ours"], row["nx"]
    if not n or o.get("status") != "ok" or not o.get("seconds") or n.get("status") not in ("ok", "capped"):
        return None
    return n["seconds"] / o["seconds"], n["status"] == "capped"


def markdown(report: dict) -> str:
    p = report["params"]
    cap = p["cap"]
    lines = [
        "# Collaboration network: ours (igraph C core, NumPy and SciPy) vs networkx "
        f"{report['machine']['networkx']}",
        "",
        f"Run {report['started']}, {report['machine']['cpus']} CPUs, Python {report['machine']['python']}, "
        f"igraph {report['machine']['igraph']}, leidenalg {report['machine']['leidenalg']}. One run per "
        f"measure and tool, each in a fresh process; networkx capped at {cap:.0f} s per measure and every "
        f"process at {p['memory_gb']:.0f} GB. Betweenness from k = {p['k']} sampled sources and closeness "
        f"of s = {p['s']} sampled nodes, the same on both sides; mean path length from {p['p']} sources. "
        "Peak = the process's peak resident memory (VmHWM), the loaded graph included; "
        "'+' = peak minus resident memory just before the measure (building the tool's graph can set the "
        "peak: converting 800,000 edges into an igraph graph peaks about 85 MB above what it keeps).",
        "",
    ]
    for data in report["datasets"].values():
        lines += [
            f"## {data['label']}",
            "",
            f"{data['organisations']:,} organisations, {data['ties']:,} ties, {data['projects']:,} projects, "
            f"largest component {data['largest_component']:,}.",
            "",
            "| measure | ours s | networkx s | networkx / ours | ours peak MB (+) | networkx peak MB (+) "
            "| agreement |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        tot_o = tot_n = 0.0
        all_ok = True
        ratios, missing = [], []
        for row in data["measures"]:
            o, n = row["ours"], row["nx"]
            found = ratio_of(row)
            if found is None:
                shown = "-" if not n else "n/a"
                if n:
                    missing.append(f"{row['title']} (networkx: {n['status']})")
            else:
                ratio, lower = found
                shown = f">= {ratio:.1f}" if lower else f"{ratio:.1f}"
                ratios.append(ratio)
                tot_o += o["seconds"]
                tot_n += n["seconds"]
                all_ok &= not lower

            def mem(info):
                if not info or info.get("peak_mb") is None:
                    return "-"
                return f"{info['peak_mb']:,.0f} (+{info['peak_mb'] - info['rss_before_mb']:,.0f})"

            lines.append(
                f"| {row['title']} | {fmt_s(o, cap)} | {fmt_s(n, cap) if n else '-'} | {shown} | {mem(o)} | "
                f"{mem(n) if n else '-'} | {row['agreement']} |"
            )
        if tot_o:
            lines += [
                "",
                f"Measures both tools finished (or networkx was capped on): ours {tot_o:.1f} s, networkx "
                f"{tot_n:.1f} s{' or more (some runs capped)' if not all_ok else ''}: {tot_n / tot_o:.1f}x "
                f"overall; per measure from {min(ratios):.1f}x to {max(ratios):.1f}x, median "
                f"{float(np.median(ratios)):.1f}x.",
            ]
        if missing:
            lines += ["", "Not compared: " + "; ".join(missing) + "."]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
