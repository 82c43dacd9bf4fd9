"""Locating the shared real data (../shared/data) for the statistics-store tests; tests skip with a
message when it is absent."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
STATES = SHARED / "us_cluster_mapping" / "all_states_clusters.csv"
STATE_COLUMNS = {
    "region": "region_code_t",
    "activity": "cluster_code_t",
    "year": "year_t",
    "employment": "emp_tl",
    "establishments": "est_tl",
    "payroll": "ap_tl",
}


def states_csv() -> Path:
    if not STATES.is_file():
        pytest.skip(f"shared data absent: {STATES} (see ../shared/data/README.md)")
    return STATES


def states_rows() -> list[dict[str, str]]:
    """The rows of all_states_clusters.csv, read with the csv module (the test oracle)."""
    with open(states_csv(), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path
