"""Start a throw-away PostgreSQL 15 server in a temporary directory (as the ``postgres`` user when run as
root, since the server refuses to run as root), for benchmarks. The same recipe as ``.ci/run``."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _bin_dir() -> Path:
    debian = Path("/usr/lib/postgresql/15/bin")
    if debian.exists():
        return debian
    found = shutil.which("pg_ctl")
    if not found:
        raise RuntimeError("PostgreSQL 15 server binaries (pg_ctl, initdb) are not installed")
    return Path(found).parent


def _run(*args: str) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *args], check=True, stdout=subprocess.DEVNULL)


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Yield a DATABASE_URL of a fresh, empty database; stop the server and delete its files at the end."""
    bin_dir = _bin_dir()
    root = Path(tempfile.mkdtemp(prefix="clusterworks-bench-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    port = random.randint(20000, 40000)  # noqa: S311
    data = root / "data"
    try:
        _run(str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "clusterworks", "-E", "UTF8")
        _run(
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(root / "log"),
            "-w",
            "-o",
            f"-k {root} -p {port} -c listen_addresses=127.0.0.1 -c max_connections=200",
            "start",
        )
        _run(
            str(bin_dir / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "clusterworks",
            "clusterworks",
        )
        yield f"postgres://clusterworks@127.0.0.1:{port}/clusterworks"
    finally:
        with contextlib.suppress(Exception):
            _run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)
