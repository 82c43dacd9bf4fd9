"""``clusterworks map relatedness`` and ``map define``.

Relatedness on the U.S. Cluster Mapping Project's 2016 traded state rows (51 clusters x 50 states); the
oracle is ``numpy.corrcoef`` of the two clusters' employment across the states (Delgado, Porter and
Stern's co-location of employment; see docs/methods/relatedness.md). The definition is checked on a
file with a planted structure: three groups of activities, each employed only in its own regions.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from clusterworks.cli.main import cli

STATES = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "data"
    / "us_cluster_mapping"
    / "all_states_clusters.csv"
)
COLUMNS = "region=region_code_t,activity=cluster_code_t,employment=emp_tl,establishments=est_tl,year=year_t"


@pytest.fixture(scope="module")
def traded(tmp_path_factory) -> Path:
    if not STATES.exists():
        pytest.skip(f"the shared US Cluster Mapping data is not at {STATES}")
    path = tmp_path_factory.mktemp("map") / "traded.csv"
    with (
        STATES.open(newline="", encoding="utf-8") as src,
        path.open("w", newline="", encoding="utf-8") as dst,
    ):
        reader = csv.DictReader(src)
        writer = csv.DictWriter(dst, fieldnames=reader.fieldnames)
        writer.writeheader()
        writer.writerows(r for r in reader if r["traded_b"] == "TRUE")
    return path


def _employment(path: Path) -> dict[str, dict[str, float]]:
    by_cluster: dict[str, dict[str, float]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            by_cluster.setdefault(r["cluster_code_t"], {})[r["region_code_t"]] = float(r["emp_tl"])
    return by_cluster


def test_relatedness_pairs_match_the_correlation_of_employment(tmp_path, traded):
    out = tmp_path / "pairs.csv"
    result = CliRunner().invoke(
        cli, ["map", "relatedness", str(traded), "--columns", COLUMNS, "--out", str(out), "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    # 51 clusters: 51 * 50 / 2 = 1,275 pairs; the top decile of the 2,550 ordered pairs is 255 plus the
    # pair tied at the boundary, i.e. 128 unordered pairs
    assert (summary["activities"], summary["pairs"], summary["related_pairs"], summary["year"]) == (
        51,
        1275,
        128,
        2016,
    )
    employment = _employment(traded)
    states = sorted(employment["1"])
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1275
    for row in rows[::37]:
        a = [employment[row["activity_a"]][s] for s in states]
        b = [employment[row["activity_b"]][s] for s in states]
        assert float(row["lc_employment"]) == pytest.approx(np.corrcoef(a, b)[0, 1], abs=1e-12)
    assert sum(r["related"] == "true" for r in rows) == 128
    # related pairs are the strongest: every related pair's combined value exceeds every other's
    related = [float(r["combined"]) for r in rows if r["related"] == "true"]
    others = [float(r["combined"]) for r in rows if r["related"] == "false"]
    assert min(related) >= max(others)


def test_define_recovers_a_planted_structure(tmp_path):
    # 12 activities in three groups of four; group g is employed in regions 10g..10g+9 only, with
    # seeded noise, so co-location makes the groups plain; the regions of other groups have 0.
    rng = np.random.default_rng(7)
    lines = ["region,activity,emp"]
    for region in range(30):
        for activity in range(12):
            inside = region // 10 == activity // 4
            value = int(rng.integers(200, 1000)) if inside else 0
            lines.append(f"R{region:02d},A{activity:02d},{value}")
    path = tmp_path / "planted.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "definition.csv"
    result = CliRunner().invoke(
        cli,
        [
            "map",
            "define",
            str(path),
            "--columns",
            "region=region,activity=activity,employment=emp",
            "--clusters",
            "2-6",
            "--out",
            str(out),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["clusters"] == 3 and summary["outliers"] == 0
    with out.open(newline="", encoding="utf-8") as handle:
        rows = {r["activity"]: r["cluster"] for r in csv.DictReader(handle)}
    groups = [{rows[f"A{a:02d}"] for a in range(g * 4, g * 4 + 4)} for g in range(3)]
    assert all(len(g) == 1 for g in groups) and len(set().union(*groups)) == 3


def test_define_refuses_bad_options(tmp_path, traded):
    result = CliRunner().invoke(
        cli,
        [
            "map",
            "define",
            str(traded),
            "--columns",
            COLUMNS,
            "--clusters",
            "1-5",
            "--out",
            str(tmp_path / "d.csv"),
        ],
    )
    assert result.exit_code == 2 and "numbers of clusters start at 2" in result.output
    result = CliRunner().invoke(
        cli,
        [
            "map",
            "relatedness",
            str(traded),
            "--columns",
            COLUMNS,
            "--year",
            "2010",
            "--out",
            str(tmp_path / "p.csv"),
        ],
    )
    assert result.exit_code == 2 and "has no rows of 2010; its years are 2016" in result.output
    result = CliRunner().invoke(
        cli, ["map", "relatedness", str(traded), "--columns", COLUMNS, "--out", str(tmp_path / "p.txt")]
    )
    assert result.exit_code == 2 and "write .csv, .parquet or .json" in result.output


def test_a_supplied_linkage_is_standardised_and_combined(tmp_path, traded):
    # An input-output file linking only clusters 1 and 2 (value 5; every other pair 0). Its z-scores
    # over the 2,550 ordered pairs: mean 10/2550, sd sqrt(2*25/2550 - (10/2550)^2); the combined value
    # of (1, 2) is the mean of the three z-scores (employment, establishments, io), so it rises by
    # z_io(1, 2) / 3 over the mean of the two co-location z-scores, and the pair is related.
    io = tmp_path / "io.csv"
    io.write_text("activity_a,activity_b,value\n1,2,5\n", encoding="utf-8")
    out = tmp_path / "pairs.csv"
    result = CliRunner().invoke(
        cli,
        ["map", "relatedness", str(traded), "--columns", COLUMNS, "--linkage", f"io={io}", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as handle:
        rows = {(r["activity_a"], r["activity_b"]): r for r in csv.DictReader(handle)}
    pair = rows[("1", "2")]
    assert float(pair["io"]) == 5.0 and float(rows[("1", "3")]["io"]) == 0.0
    mean = 10 / 2550
    sd = np.sqrt(2 * 25 / 2550 - mean**2)
    z_io = (5 - mean) / sd

    def z(column, a, b):
        values = np.array([float(r[column]) for r in rows.values()])  # each unordered pair once
        return (float(rows[(a, b)][column]) - values.mean()) / values.std()

    expected = (z("lc_employment", "1", "2") + z("lc_establishments", "1", "2") + z_io) / 3
    assert float(pair["combined"]) == pytest.approx(expected, rel=1e-9)
    assert pair["related"] == "true"


def test_a_linkage_naming_unknown_activities_is_refused(tmp_path, traded):
    io = tmp_path / "io.csv"
    io.write_text("activity_a,activity_b,value\n1,2,5\n1,999,1\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["map", "relatedness", str(traded), "--columns", COLUMNS, "--linkage", f"io={io}",
         "--out", str(tmp_path / "p.csv")],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "io.csv, line 3, field 'activity_b': activity '999' is not in the statistics" in result.output
