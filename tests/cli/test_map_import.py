"""``clusterworks map import``: the U.S. Cluster Mapping Project's 2016 state file into a store, its
totals checked against the file read with the csv module; a bad file stores nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from clusterworks.cli.main import cli
from clusterworks.statistics import Store

STATES = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "data"
    / "us_cluster_mapping"
    / "all_states_clusters.csv"
)
COLUMNS = "region=region_code_t,activity=cluster_code_t,year=year_t,employment=emp_tl,establishments=est_tl"


def test_import_then_matrix_equals_the_file(tmp_path):
    if not STATES.exists():
        pytest.skip(f"the shared US Cluster Mapping data is not at {STATES}")
    store = tmp_path / "store.duckdb"
    result = CliRunner().invoke(
        cli,
        ["map", "import", str(STATES), "--store", str(store), "--dataset", "us2016", "--columns", COLUMNS,
         "--activities", "uscmp-cluster", "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["rows"], summary["facts"], summary["years"]) == (3350, 6700, [2016])
    expected: dict[str, float] = {}
    with STATES.open(newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            expected[r["cluster_code_t"]] = expected.get(r["cluster_code_t"], 0.0) + float(r["emp_tl"])
    with Store.open(store, read_only=True) as opened:
        m = opened.matrix("us2016", measure="employment", year=2016)
        assert m.values.shape == (50, 67)
        for code, total in expected.items():
            assert m.column(code).sum() == pytest.approx(total)


def test_bad_file_stores_nothing(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("state,cluster,year,emp\n01,5,2016,10\n01,5,2016,11\n02,999,2016,3\n", encoding="utf-8")
    store = tmp_path / "store.duckdb"
    result = CliRunner().invoke(
        cli,
        ["map", "import", str(path), "--store", str(store), "--dataset", "bad", "--columns",
         "region=state,activity=cluster,year=year,employment=emp", "--activities", "uscmp-cluster"],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "bad.csv, line 3" in result.output and "also on line 2" in result.output
    assert "bad.csv, line 4, field 'cluster'" in result.output and "unknown uscmp-cluster" in result.output
    with Store.open(store, read_only=True) as opened:
        assert opened.datasets() == ()


def test_unknown_classification_is_named(tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text("r,a,y,e\nUS-MA,1,2016,4\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["map", "import", str(path), "--store", str(tmp_path / "s.duckdb"), "--dataset", "x", "--columns",
         "region=r,activity=a,year=y,employment=e", "--regions", "nuts"],
    )  # fmt: skip
    assert result.exit_code == 2 and "no classification 'nuts'; stored: iso3166-2:RU" in result.output
