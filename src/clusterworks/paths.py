"""Where Clusterworks keeps its local state.

Everything a running instance writes (the SQLite database, the DuckDB statistics store, uploaded
files, the generated secret key) lives under one directory, ``CLUSTERWORKS_HOME``. When the variable is
unset it defaults to ``$XDG_DATA_HOME/clusterworks`` (``~/.local/share/clusterworks``).
"""

from __future__ import annotations

import os
from pathlib import Path


def clusterworks_home() -> Path:
    """Return the data directory, creating it if needed."""
    explicit = os.environ.get("CLUSTERWORKS_HOME")
    if explicit:
        home = Path(explicit).expanduser()
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        home = Path(base) / "clusterworks"
    home.mkdir(parents=True, exist_ok=True)
    return home.resolve()


def sqlite_path() -> Path:
    return clusterworks_home() / "clusterworks.sqlite3"


def statistics_path() -> Path:
    return clusterworks_home() / "statistics.duckdb"


def media_root() -> Path:
    path = clusterworks_home() / "media"
    path.mkdir(parents=True, exist_ok=True)
    return path
