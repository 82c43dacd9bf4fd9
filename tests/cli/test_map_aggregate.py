"""``clusterworks map aggregate`` (DuckDB): establishment rows to industry totals, and to clusters of
the bundled U.S. Cluster Mapping definition (NAICS 2017 -> cluster), computed by hand below. The Spark
engine gives the same totals: tests/statistics/test_spark.py."""

from __future__ import annotations

import csv
import json

from click.testing import CliRunner

from clusterworks.cli.main import cli

COLUMNS = "region=state,industry=naics,year=year,employment=emp,payroll=pay"
# Two aircraft industries (336411, 336412: cluster 1, Aerospace Vehicles and Defense) and a
# pharmaceutical one (325412), in two states.
ROWS = """state,naics,year,emp,pay
MA,336411,2016,100,7000
MA,336411,2016,50,3000
MA,336412,2016,20,1500
MA,325412,2016,300,30000
TX,336411,2016,10,600
"""


def _read(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_industry_and_cluster_totals(tmp_path):
    source = tmp_path / "establishments.csv"
    source.write_text(ROWS, encoding="utf-8")
    out = tmp_path / "industries.csv"
    result = CliRunner().invoke(
        cli, ["map", "aggregate", str(source), "--columns", COLUMNS, "--out", str(out), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["input_rows"] == 5
    got = {(r["region"], r["industry"]): r for r in _read(out)}
    # MA 336411: two establishments, 100 + 50 employees, payroll 7,000 + 3,000
    ma = got[("MA", "336411")]
    assert (ma["employment"], ma["establishments"], ma["payroll"]) == ("150", "2", "10000")
    assert len(got) == 4

    clusters = tmp_path / "clusters.csv"
    result = CliRunner().invoke(
        cli,
        ["map", "aggregate", str(source), "--columns", COLUMNS, "--definition", "uscmp-naics2017",
         "--out", str(clusters)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    got = {(r["region"], r["cluster"]): r for r in _read(clusters)}
    # MA, cluster 1: 150 + 20 employees in 3 establishments, payroll 11,500
    assert (got[("MA", "1")]["employment"], got[("MA", "1")]["establishments"]) == ("170", "3")
    assert got[("MA", "1")]["payroll"] == "11500"
    assert got[("TX", "1")]["employment"] == "10"


def test_bad_options(tmp_path):
    source = tmp_path / "establishments.csv"
    source.write_text(ROWS, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["map", "aggregate", str(source), "--columns", COLUMNS, "--definition", "nope",
              "--out", str(tmp_path / "o.csv")],
    )  # fmt: skip
    assert (
        result.exit_code == 2 and "no cluster definition 'nope'; stored: ['uscmp-naics2017']" in result.output
    )
    result = CliRunner().invoke(
        cli, ["map", "aggregate", str(source), "--columns", "region=state", "--out", str(tmp_path / "o.csv")]
    )
    assert result.exit_code == 2 and "'industry' is required" in result.output
