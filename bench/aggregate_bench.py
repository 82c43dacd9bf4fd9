"""Aggregation benchmark (issue 3): establishment-level rows -> region x industry x year totals
(employment, establishments, payroll) with the store's one query text
(:func:`clusterworks.statistics.aggregate.totals_sql`), on DuckDB and on Apache Spark in local mode
(``local[2]``), the tool a user would pick for data beyond one machine, on the same file in one run.

Data: a seeded synthetic Parquet file written by DuckDB itself
(:func:`write_synthetic_establishments`: 100 million rows by default, 3,200 regions (counties) x 1,000
industries x 20 years, employment log-uniform 1..4,096, payroll in $1,000), cached under
``--cache`` (default /tmp/clusterworks-bench, not committed).

Each engine runs in a fresh process (``--worker``) that times one run of the query, writing its
result to Parquet (DuckDB: one file; Spark: a directory of part files). Spark's session start is
timed apart and not included. Peak memory: the DuckDB worker's own VmHWM (DuckDB runs in-process);
for Spark, the driver JVM's VmHWM (in local mode the executors are threads of that JVM), read from
/proc before the session stops. The parent then checks that both outputs are identical: row count,
sums of every measure and a position-weighted checksum (:func:`checksum_sql`), all computed by DuckDB
over each output, and, for runs up to 5 million rows, the full sorted result sets.

Run::

    uv run --extra test python bench/aggregate_bench.py                 # 100 million rows
    uv run --extra test python bench/aggregate_bench.py --rows 10000000 # 10 million

Results: bench/results/aggregate.json and bench/results/aggregate.md (also printed).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from clusterworks.statistics.aggregate import checksum_sql, totals_sql, write_synthetic_establishments

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def _hwm(pid: int | str = "self") -> float:
    """Peak resident memory (VmHWM) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def worker_duckdb(data: Path, out: Path, threads: int) -> dict:
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    con.execute(f"CREATE VIEW establishments AS SELECT * FROM read_parquet('{data}')")
    t = time.perf_counter()
    con.execute(f"COPY ({totals_sql()}) TO '{out}' (FORMAT parquet)")
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "peak_mb": _hwm(), "measured": "python process (DuckDB in-process) VmHWM"}


def worker_spark(data: Path, out: Path, threads: int, memory: str, partitions: int) -> dict:
    from clusterworks.statistics.spark import spark_session

    t = time.perf_counter()
    spark = spark_session(f"local[{threads}]", driver_memory=memory, shuffle_partitions=partitions)
    start = time.perf_counter() - t
    jvm = spark.sparkContext._jvm.java.lang.ProcessHandle.current().pid()
    spark.read.parquet(str(data)).createOrReplaceTempView("establishments")
    t = time.perf_counter()
    spark.sql(totals_sql()).write.mode("overwrite").parquet(str(out))
    seconds = time.perf_counter() - t
    peak = _hwm(jvm)
    spark.stop()
    return {
        "seconds": seconds,
        "startup_seconds": start,
        "peak_mb": peak,
        "python_peak_mb": _hwm(),
        "measured": f"driver JVM VmHWM (local[{threads}], spark.driver.memory={memory})",
    }


def worker_import(data: Path, store_path: Path, threads: int) -> dict:
    """Time import_statistics of a long-form totals file (validation + one transaction) into a new store."""
    from clusterworks.statistics import Store, import_statistics

    store = Store.open(store_path)
    store.con.execute(f"SET threads = {threads}")
    cols = {
        "region": "region",
        "activity": "industry",
        "year": "year",
        "employment": "employment",
        "establishments": "establishments",
        "payroll": "payroll",
    }
    t = time.perf_counter()
    s = import_statistics(store, data, dataset="totals", columns=cols)
    seconds = time.perf_counter() - t
    store.close()
    return {
        "seconds": seconds,
        "peak_mb": _hwm(),
        "rows": s.rows,
        "facts": s.facts,
        "measured": "python VmHWM",
    }


def _verify(outputs: dict[str, Path], full: bool) -> dict:
    con = duckdb.connect()
    sums, rows = {}, {}
    for name, out in outputs.items():
        glob = f"{out}/*.parquet" if out.is_dir() else str(out)
        con.execute(f"CREATE OR REPLACE VIEW totals AS SELECT * FROM read_parquet('{glob}')")
        sums[name] = list(con.execute(checksum_sql()).fetchall()[0])
        if full:
            rows[name] = con.execute("SELECT * FROM totals ORDER BY region, industry, year").fetchall()
    values = list(sums.values())
    same = all(v == values[0] for v in values)
    if full:
        same = same and all(r == next(iter(rows.values())) for r in rows.values())
    return {"checksums": sums, "identical": same, "full_compare": full}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=100_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "clusterworks-bench")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--spark-memory", default="6g")
    ap.add_argument("--partitions", type=int, default=16, help="spark.sql.shuffle.partitions")
    ap.add_argument("--engines", default="duckdb,spark")
    ap.add_argument(
        "--import",
        dest="do_import",
        action="store_true",
        help="also time import_statistics of the DuckDB totals (a long-form file) into a store",
    )
    ap.add_argument("--worker", choices=["duckdb", "spark", "import"], help=argparse.SUPPRESS)
    ap.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        if a.worker == "duckdb":
            res = worker_duckdb(a.data, a.out, a.threads)
        elif a.worker == "import":
            res = worker_import(a.data, a.out, a.threads)
        else:
            res = worker_spark(a.data, a.out, a.threads, a.spark_memory, a.partitions)
        print("RESULT " + json.dumps(res))
        return

    a.cache.mkdir(parents=True, exist_ok=True)
    data = a.cache / f"establishments-{a.rows}-seed{a.seed}.parquet"
    gen_seconds = None
    if not data.exists():
        t = time.perf_counter()
        tmp = data.with_suffix(".part")
        write_synthetic_establishments(tmp, a.rows, seed=a.seed)
        tmp.rename(data)
        gen_seconds = time.perf_counter() - t
    work = Path(tempfile.mkdtemp(prefix="aggbench-", dir=a.cache))
    results, outputs = {}, {}
    for engine in a.engines.split(","):
        out = work / f"totals-{engine}" if engine == "spark" else work / "totals-duckdb.parquet"
        cmd = [
            sys.executable,
            __file__,
            "--worker",
            engine,
            "--data",
            str(data),
            "--out",
            str(out),
            "--threads",
            str(a.threads),
            "--spark-memory",
            a.spark_memory,
            "--partitions",
            str(a.partitions),
        ]
        proc = subprocess.run(
            cmd, capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"}
        )
        line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            sys.exit(f"{engine} worker failed:\n{proc.stderr[-3000:]}")
        results[engine] = json.loads(line[7:])
        outputs[engine] = out
    check = _verify(outputs, full=a.rows <= 5_000_000)
    imported = None
    if a.do_import and "duckdb" in outputs:
        cmd = [
            sys.executable,
            __file__,
            "--worker",
            "import",
            "--data",
            str(outputs["duckdb"]),
            "--out",
            str(work / "store.duckdb"),
            "--threads",
            str(a.threads),
        ]
        proc = subprocess.run(
            cmd, capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"}
        )
        line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            sys.exit(f"import worker failed:\n{proc.stderr[-3000:]}")
        imported = json.loads(line[7:])
    groups = next(iter(check["checksums"].values()))[0]
    summary = {
        "rows": a.rows,
        "seed": a.seed,
        "groups": groups,
        "data_file_mb": data.stat().st_size / 2**20,
        "generate_seconds": gen_seconds,
        "threads": a.threads,
        "engines": results,
        **check,
        "duckdb_version": duckdb.__version__,
    }
    try:
        import pyspark

        summary["pyspark_version"] = pyspark.__version__
    except ImportError:
        pass
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "aggregate.json").write_text(json.dumps(summary, indent=2))
    md = [
        f"Aggregation of {a.rows:,} establishment rows to {groups:,} region x industry x year totals "
        f"({a.threads} threads/cores; results identical: {'yes' if check['identical'] else 'NO'}"
        f"{', full row-by-row compare' if check['full_compare'] else ', by checksums'})",
        "",
        "| engine | wall time (s) | peak memory (MB) | what was measured | ratio to DuckDB |",
        "|---|---:|---:|---|---:|",
    ]
    base = results.get("duckdb", {}).get("seconds")
    for engine, r in results.items():
        ratio = f"{r['seconds'] / base:.1f}x" if base else "-"
        extra = f" (+ {r['startup_seconds']:.1f} s session start)" if "startup_seconds" in r else ""
        md.append(
            f"| {engine} | {r['seconds']:.1f}{extra} | {r['peak_mb']:,.0f} | {r['measured']} | {ratio} |"
        )
    if imported:
        md += [
            "",
            f"Import of the DuckDB totals as long-form statistics ({imported['rows']:,} rows, "
            f"{imported['facts']:,} facts, all checks, one transaction): {imported['seconds']:.1f} s, "
            f"peak {imported['peak_mb']:,.0f} MB",
        ]
    text = "\n".join(md)
    (RESULTS / "aggregate.md").write_text(text + "\n")
    print(text)
    for f in work.glob("**/*"):
        if f.is_file():
            f.unlink()
    for d in sorted(work.glob("**/*"), reverse=True) + [work]:
        if d.is_dir():
            d.rmdir()


if __name__ == "__main__":
    main()
