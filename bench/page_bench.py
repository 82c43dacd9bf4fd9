"""What the page benchmarks share: timing a page through Django's test client, and running a benchmark's
worker once per database (SQLite, and PostgreSQL: the server named by DATABASE_URL, or a throw-away one
started by ``postgres_server``), each in a fresh process, printing Markdown and saving the results.

A page benchmark defines ``worker(database, requests, database_url) -> dict`` (fill a fresh database, time
its pages with :func:`measure`) and ``markdown(result) -> str``, and ends with
``page_bench.main(script=__file__, description=__doc__, worker=worker, markdown=markdown,
results="<name>.json")``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def measure(client, path: str, *, requests: int) -> dict:
    """p50 and p95 of ``requests`` GETs of ``path`` after two warm-up requests, and the queries of one."""
    from django.db import connection

    for _ in range(2):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(path)
    times = []
    size = 0
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(path)
        if hasattr(response, "streaming_content"):
            size = sum(len(chunk) for chunk in response.streaming_content)
        else:
            size = len(response.content)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
    ordered = sorted(times)
    return {
        "path": path,
        "requests": requests,
        "p50_ms": round(1000 * statistics.median(ordered), 1),
        "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 1),
        "max_ms": round(1000 * ordered[-1], 1),
        "queries": len(queries),
        "bytes": size,
    }


def main(
    *,
    script: str,
    description: str | None,
    worker: Callable[[str, int, str | None], dict],
    markdown: Callable[[dict], str],
    results: str,
) -> None:
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres", "both"],
        default=None,
        help="default: sqlite, and postgres too when DATABASE_URL is set (a throw-away server otherwise)",
    )
    parser.add_argument("--requests", type=int, default=30, help="requests per page (after 2 warm-up)")
    parser.add_argument("--no-save", action="store_true", help=f"do not write bench/results/{results}")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.database, args.requests, args.database_url)))
        return

    url = os.environ.get("DATABASE_URL")
    choice = args.database or ("both" if url else "sqlite")
    outputs = []
    for database in ["sqlite", "postgres"] if choice == "both" else [choice]:
        command = [
            sys.executable,
            script,
            "--worker",
            "--database",
            database,
            "--requests",
            str(args.requests),
        ]
        if database == "postgres" and url:
            command += ["--database-url", url]
            output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
        elif database == "postgres":
            from postgres_server import postgres_server

            with postgres_server() as throwaway:
                command += ["--database-url", throwaway]
                output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
        else:
            output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
        result = json.loads(output.strip().splitlines()[-1])
        outputs.append(result)
        print(markdown(result) + "\n")
    if not args.no_save:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / results).write_text(json.dumps(outputs, indent=2, ensure_ascii=False) + "\n")
