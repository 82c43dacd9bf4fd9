"""``clusterworks map complexity`` on OEC world exports by HS section (226 countries x 21 sections).

The oracle is py-ecomplexity 0.5.3 (Harvard Growth Lab), installed as a test dependency, run on the
same file: the issue asks the eigenvector results to equal it to 1e-6.
"""

from __future__ import annotations

import csv
import json
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

from clusterworks.cli.main import cli

EXPORTS = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "data"
    / "trade_oec_sections"
    / "global_exports.csv"
)
COLUMNS = "location=Country ID,activity=Section ID,value=Trade Value"
HEADER = [
    "location",
    "activity",
    "rca",
    "mcp",
    "diversity",
    "ubiquity",
    "eci",
    "pci",
    "density",
    "coi",
    "cog",
]


@pytest.fixture(scope="module")
def oracle():
    if not EXPORTS.exists():
        pytest.skip(f"the shared OEC exports are not at {EXPORTS}")
    pd = pytest.importorskip("pandas")
    ecomplexity = pytest.importorskip("ecomplexity")
    frame = pd.read_csv(EXPORTS)
    frame["year"] = 2020
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ecomplexity.ecomplexity(
            frame[["year", "Country ID", "Section ID", "Trade Value"]],
            {"time": "year", "loc": "Country ID", "prod": "Section ID", "val": "Trade Value"},
        )
    return {(str(r["Country ID"]), str(r["Section ID"])): r for _, r in out.iterrows()}


def test_eigen_equals_py_ecomplexity(tmp_path, oracle):
    out = tmp_path / "complexity.csv"
    result = CliRunner().invoke(
        cli, ["map", "complexity", str(EXPORTS), "--columns", COLUMNS, "--out", str(out), "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["years"][0]["locations"] == 226 and summary["years"][0]["activities"] == 21
    with out.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == HEADER
        rows = list(reader)
    assert len(rows) == 226 * 21
    compared = 0
    for row in rows:
        theirs = oracle.get((row["location"], row["activity"]))
        for name in ("rca", "eci", "pci", "density", "coi", "cog"):
            assert float(row[name]) == pytest.approx(float(theirs[name]), abs=1e-6), (row["location"], name)
        assert int(row["mcp"]) == int(theirs["mcp"])
        assert int(row["diversity"]) == int(theirs["diversity"])
        assert int(row["ubiquity"]) == int(theirs["ubiquity"])
        compared += 1
    # the file has 4,695 rows; py-ecomplexity, like us, fills the 51 absent pairs with 0
    assert compared == 226 * 21


def test_per_year_and_bad_values(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("loc,act,year,v\nA,p,2020,1\nA,p,2020,2\nB,q,2021,-1\nC,q,2021,abc\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        [
            "map",
            "complexity",
            str(path),
            "--columns",
            "location=loc,activity=act,value=v,year=year",
            "--out",
            str(tmp_path / "o.csv"),
        ],
    )
    assert result.exit_code == 1
    assert "m.csv, line 3, field 'loc+act+year': the same loc, act, year as line 2" in result.output
    assert "m.csv, line 4, field 'v': negative" in result.output
    assert "m.csv, line 5, field 'v': not a number" in result.output
    assert not (tmp_path / "o.csv").exists()
