"""``clusterworks map strength`` on the U.S. Cluster Mapping Project's 2016 state file.

The expected flags are the file's own published ``qualifying_b``, ``significant_b``, ``strong_b`` and
``strong10_b`` columns (U.S. Cluster Mapping Project, Harvard Business School; see
../shared/data/us_cluster_mapping/SOURCES.md); the ECO stars are checked by hand on a small file.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

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
USCMP = (
    "region=region_code_t,cluster=cluster_code_t,year=year_t,employment=emp_tl,establishments=est_tl,"
    "lq=lq_tf,traded=traded_b,region_type=region_type_t"
)


def _run(*args: str):
    return CliRunner().invoke(cli, ["map", "strength", *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def published() -> dict[tuple[str, str], dict[str, str]]:
    if not STATES.exists():
        pytest.skip(f"the shared US Cluster Mapping data is not at {STATES}")
    with STATES.open(newline="", encoding="utf-8") as handle:
        return {(r["region_code_t"], r["cluster_code_t"]): r for r in csv.DictReader(handle)}


def test_uscmp_reproduces_every_published_flag(tmp_path, published):
    out = tmp_path / "strength.csv"
    result = _run(str(STATES), "--scheme", "uscmp", "--columns", USCMP, "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    # published TRUE counts over the 2,550 traded rows (counted in the file's *_b columns)
    assert (summary["rows_written"], summary["strong"], summary["strong10"]) == (2550, 512, 209)
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "region",
        "cluster",
        "year",
        "lq",
        "qualifying",
        "significant",
        "strong",
        "strong10",
    ]
    assert len(rows) == 2550
    mismatches = 0
    for row in rows:
        source = published[(row["region"], row["cluster"])]
        assert source["traded_b"] == "TRUE"
        for flag in ("qualifying", "significant", "strong", "strong10"):
            mismatches += row[flag] != source[f"{flag}_b"].lower()
        assert float(row["lq"]) == pytest.approx(float(source["lq_tf"]))
    assert mismatches == 0


def test_eco_stars_by_hand(tmp_path):
    # Two clusters, ten regions. Cluster k1: region r0 has 100 of its 1,000 employees, the largest
    # (top 10% of 10 regions = 1 place: size star); r0's total is 100+10 = 110, share 100/110 = 0.909,
    # also the largest share (focus star); LQ = (100/110) / (1000/1090) = 0.991 (< 2: no
    # specialisation star). Every other region has 100 in k1 and 10 in k2 except r9 with 10 and 100.
    lines = ["region,cluster,year,emp"]
    for i in range(10):
        k1, k2 = (100, 10) if i < 9 else (10, 100)
        if i == 0:
            k1 = 100
        lines += [f"r{i},k1,2020,{k1}", f"r{i},k2,2020,{k2}"]
    path = tmp_path / "stats.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "stars.csv"
    result = _run(
        str(path),
        "--scheme",
        "eco",
        "--columns",
        "region=region,cluster=cluster,year=year,employment=emp",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as handle:
        rows = {(r["region"], r["cluster"]): r for r in csv.DictReader(handle)}
    # k2 in r9: 100 of k2's 190 employees (largest: size star); share 100/110 (largest: focus);
    # LQ = (100/110) / (190/1100) = 5.263 (>= 2: specialisation). Three stars.
    r9 = rows[("r9", "k2")]
    assert float(r9["lq"]) == pytest.approx((100 / 110) / (190 / 1100))
    assert (r9["size"], r9["specialisation"], r9["focus"], r9["stars"]) == ("true", "true", "true", "3")
    # k1 ties: nine regions have 100 (ties at the boundary are all in: nine size stars); LQ
    # (100/110)/(910/1100) = 1.099: no specialisation star.
    r0 = rows[("r0", "k1")]
    assert (r0["size"], r0["specialisation"]) == ("true", "false")
    assert float(r0["lq"]) == pytest.approx((100 / 110) / (910 / 1100))


def test_bad_file_names_line_and_column_and_writes_nothing(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "state,cluster,year,emp,est\nMA,1,2016,100,5\nMA,1,2016,90,4\nNY,2,2016,-4,3\nNJ,2,2o16,5,5x\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    result = _run(
        str(path),
        "--columns",
        "region=state,cluster=cluster,year=year,employment=emp,establishments=est",
        "--out",
        str(out),
    )
    assert result.exit_code == 1
    assert not out.exists()
    text = result.output
    assert "bad.csv, line 3, field 'state+cluster+year': the same state, cluster, year as line 2" in text
    assert "bad.csv, line 4, field 'emp': negative" in text
    assert "bad.csv, line 5, field 'year': not a year" in text
    assert "bad.csv, line 5, field 'est': not a number" in text
    assert "4 problems" in text


def test_columns_option_is_checked(tmp_path):
    stats = tmp_path / "stats.csv"
    stats.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        [
            "map",
            "strength",
            str(stats),
            "--columns",
            "region=a,cluster=b,year=c",
            "--out",
            str(tmp_path / "o.csv"),
        ],
    )
    assert result.exit_code == 2
    assert "'employment' is required" in result.output
    result = CliRunner().invoke(
        cli,
        ["map", "strength", str(stats), "--columns", "region=a,colour=b", "--out", str(tmp_path / "o.csv")],
    )
    assert "unknown field 'colour'" in result.output


def test_codes_are_checked_against_a_classification(tmp_path):
    # FIPS 250 is not a state (Massachusetts is 25); cluster 999 is not a US benchmark cluster
    stats = tmp_path / "stats.csv"
    stats.write_text(
        "state,cluster,year,emp,est\n25,5,2016,100,5\n250,5,2016,90,4\n06,999,2016,40,2\n", encoding="utf-8"
    )
    out = tmp_path / "out.csv"
    result = _run(
        str(stats), "--columns", "region=state,cluster=cluster,year=year,employment=emp,establishments=est",
        "--region-codes", "us-state", "--cluster-codes", "uscmp-cluster", "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 1 and not out.exists()
    line = next(x for x in result.output.splitlines() if "line 3" in x)
    assert "stats.csv, line 3, field 'state': unknown us-state 2020 code; close codes: " in line
    assert "25" in line.split("close codes: ")[1].split(", ")  # difflib's closest codes
    assert "stats.csv, line 4, field 'cluster': unknown uscmp-cluster 2016 code" in result.output
    result = _run(
        str(stats), "--columns", "region=state,cluster=cluster,year=year,employment=emp,establishments=est",
        "--region-codes", "nuts", "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 1 and "no classification 'nuts'" in result.output
