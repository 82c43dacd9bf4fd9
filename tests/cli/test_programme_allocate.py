"""``clusterworks programme allocate``: the output file, the report, --json, --greedy, --sensitivity,
the infeasibility message and bad input (after which nothing is written). The expected allocations are
worked by hand in tests/analytics/test_allocation.py (``AK``: A 30, B 40, C 30, total 840 against
greedy 740)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from clusterworks.cli.main import cli

APPS = """id,cluster,sector,requested,floor,score
A,K,bio,50,30,10
B,K,bio,40,,9
C,L,ict,40,20,6
D,L,ict,30,,3
"""
RULES = "min_score: 5\ncap_per_cluster: 70\n"


def invoke(*args: str):
    return CliRunner().invoke(cli, ["programme", "allocate", *args], catch_exceptions=False)


def files(tmp_path, apps=APPS, rules=RULES):
    a = tmp_path / "applications.csv"
    a.write_text(apps, encoding="utf-8")
    r = tmp_path / "rules.yaml"
    r.write_text(rules, encoding="utf-8")
    return str(a), str(r)


def assert_nothing_written(directory: Path, out: Path):
    assert not out.exists()
    assert [p.name for p in directory.iterdir() if p.name.endswith(".tmp")] == []


def test_allocates_exactly_and_explains_each_row(tmp_path):
    apps, rules = files(tmp_path)
    out = tmp_path / "allocation.csv"
    result = invoke(apps, "--budget", "100", "--rules", rules, "--out", str(out))
    assert result.exit_code == 0, result.stderr
    # OUT.csv as issue 5 specifies it: id, award, reason
    assert out.read_text(encoding="utf-8").splitlines() == [
        "id,award,reason",
        "A,30.00,cut-by-envelope+cluster-cap",
        "B,40.00,funded-in-full",
        "C,30.00,cut-by-envelope",
        "D,0.00,below-min-score",
    ]
    result = invoke(apps, "--budget", "100", "--rules", rules, "--out", str(out), "--details")
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8").splitlines() == [
        "id,award,reason,requested,score,status,explanation",
        "A,30.00,cut-by-envelope+cluster-cap,50.00,10,partial,funded in part: 30.00 of 50.00 requested; the "
        "envelope of 100.00 is used up; the cap of 70.00 for cluster K is reached",
        "B,40.00,funded-in-full,40.00,9,full,funded in full: 40.00",
        "C,30.00,cut-by-envelope,40.00,6,partial,funded in part: 30.00 of 40.00 requested; the envelope of "
        "100.00 is used up",
        "D,0.00,below-min-score,30.00,3,none,not funded: score 3 is below the minimum score 5",
    ]
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "Allocated 100.00 of the envelope 100.00 to 3 of 4 applications (1 in full, 2 in part); 1 not funded "
        "(1 below the minimum score)."
    )
    # by hand: 10 x 30 + 9 x 40 + 6 x 30 = 840 against greedy 10 x 50 + 6 x 40 = 740: +13.51 %
    assert lines[1] == (
        "Total score x roubles 840.00, optimal; greedy, highest score first, gives 740.00 (+13.51% for the "
        "exact allocation)."
    )
    assert lines[2].startswith(f"Wrote {out} in ")


def test_greedy_columns_sensitivity_and_json(tmp_path):
    apps, rules = files(tmp_path)
    out = tmp_path / "allocation.csv"
    result = invoke(
        apps, "--budget", "100", "--rules", rules, "--out", str(out), "--greedy", "--sensitivity", "--json"
    )
    assert result.exit_code == 0, result.stderr
    rows = out.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "id,award,reason,greedy_award,greedy_status,greedy_reason"
    assert rows[1].endswith(",50.00,full,funded-in-full") and rows[2].endswith(
        ",0.00,none,cut-by-envelope+cluster-cap"
    )
    report = json.loads(result.stdout)
    assert report["ok"] and report["optimal"] and report["written"]
    assert (report["envelope"], report["total_awarded"], report["left"]) == ("100.00", "100.00", "0.00")
    assert report["funded"] == {"full": 1, "partial": 2, "none": 1} and report["below_min_score"] == 1
    assert report["objective"] == pytest.approx(84000.0)  # score x kopecks
    assert report["greedy"]["objective"] == pytest.approx(74000.0) and report["greedy"]["differ"] == 3
    # by hand, envelope 90: A 30 + B 40 fill K's cap, C gets 20; envelope 110: C gets 40
    assert report["sensitivity"][0]["changed"] == [{"application": "C", "before": "30.00", "after": "20.00"}]
    assert report["sensitivity"][1]["envelope"] == "110.00"
    assert report["sensitivity"][1]["changed"] == [{"application": "C", "before": "30.00", "after": "40.00"}]
    assert report["clusters"] == {"K": "70.00", "L": "30.00"}


def test_sensitivity_text(tmp_path):
    apps, rules = files(tmp_path)
    result = invoke(
        apps, "--budget", "100", "--rules", rules, "--out", str(tmp_path / "o.csv"), "--sensitivity"
    )
    assert "Envelope x 0.9 (90.00): total 780.00; 1 change amount (C 30.00 -> 20.00)." in result.stdout


def test_json_is_pure_in_a_fresh_process(tmp_path):
    apps, rules = files(tmp_path)
    out = tmp_path / "allocation.csv"
    command = [
        sys.executable,
        "-m",
        "clusterworks.cli.main",
        "programme",
        "allocate",
        apps,
        "--budget",
        "100",
    ]
    command += ["--rules", rules, "--out", str(out), "--json"]
    completed = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["total_awarded"] == "100.00"


def test_kopecks_are_exact_and_issue_column_names_are_read(tmp_path):
    # requested 0.10 + 0.20 = 0.30 exactly (no binary-float drift); a semicolon file with "id"
    apps = "ID;Requested;Score\nx;0,10;1\ny;0,20;1\n"
    a, _ = files(tmp_path, apps=apps)
    out = tmp_path / "o.csv"
    result = invoke(a, "--budget", "0.30", "--out", str(out), "--json")
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["total_awarded"] == "0.30"
    assert [r.split(",")[1] for r in out.read_text(encoding="utf-8").splitlines()[1:]] == ["0.10", "0.20"]


def test_infeasible_rules_one_line_and_nothing_written(tmp_path):
    apps, rules = files(tmp_path, rules="sector_min_share:\n  ict: 80%\n")
    out = tmp_path / "allocation.csv"
    result = invoke(apps, "--budget", "100", "--rules", rules, "--out", str(out))
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "Error: infeasible rules: sector ict's minimum 80.00 cannot be met: its 2 eligible applications "
        "request 70.00"
    ]
    assert_nothing_written(tmp_path, out)
    result = invoke(apps, "--budget", "100", "--rules", rules, "--out", str(out), "--json")
    report = json.loads(result.stdout)
    assert report["error"] == "infeasible" and report["sectors"] == ["ict"] and report["needed"] == "80.00"


def test_bad_values_are_listed_with_file_line_field_value(tmp_path):
    apps = "application,requested,floor,score\nA,ten,,1\n,10,,1\nB,10,12,x\nB,10,,1\nC,10.001,,-2\n"
    rules = "min_score: high\nsector_min_share:\n  bio: 1.5\ncap: 3\n"
    a, r = files(tmp_path, apps=apps, rules=rules)
    out = tmp_path / "o.csv"
    result = invoke(a, "--budget", "100", "--rules", r, "--out", str(out))
    assert result.exit_code == 1 and result.stdout == ""
    amount = "allowed: roubles with at most 2 decimals, such as 1500000 or 1500000.50"
    assert result.stderr.splitlines() == [
        f"applications.csv, line 2, field 'requested': 'ten' is not a positive amount; {amount}",
        "applications.csv, line 3, field 'application': empty; allowed: a non-empty application identifier",
        "applications.csv, line 4, field 'floor': 12 is above the requested 10; allowed: from 0 to the "
        "requested amount (empty: all or nothing)",
        "applications.csv, line 4, field 'score': 'x' is not a number of at least 0; allowed: a number of at "
        "least 0, such as 72.5",
        "applications.csv, line 5, field 'application': application B is already given on line 4; allowed: "
        "each application once",
        f"applications.csv, line 6, field 'requested': '10.001' is not a positive amount; {amount}",
        "applications.csv, line 6, field 'score': '-2' is not a number of at least 0; allowed: a number of "
        "at least 0, such as 72.5",
        "rules.yaml, line 1, field 'min_score': 'high' is not a score; allowed: a number of at least 0",
        "rules.yaml, line 3, field 'sector_min_share.bio': '1.5' is not a share; allowed: a share of the "
        "envelope from 0 to 1, such as 0.2, or a percentage such as 20%",
        "rules.yaml, line 4, field 'cap': unknown rule 'cap'; allowed: min_score, cap_per_cluster, "
        "cluster_caps, sector_min, sector_max, sector_min_share, sector_max_share",
        "10 error(s); nothing was written.",
    ]
    assert_nothing_written(tmp_path, out)


def test_missing_column_and_broken_yaml(tmp_path):
    a, r = files(tmp_path, apps="application,score\nA,1\n", rules="min_score: [1,\n")
    out = tmp_path / "o.csv"
    result = invoke(a, "--budget", "100", "--rules", r, "--out", str(out), "--json")
    assert result.exit_code == 1
    errors = json.loads(result.stdout)["errors"]
    assert errors[0]["message"] == "missing column 'requested'; required: application, requested, score"
    assert errors[1]["file"] == "rules.yaml" and errors[1]["message"].startswith("is not valid YAML")
    assert_nothing_written(tmp_path, out)


def test_bad_budget_is_a_usage_error(tmp_path):
    a, _ = files(tmp_path)
    result = invoke(a, "--budget", "2.5bn", "--out", str(tmp_path / "o.csv"))
    assert result.exit_code == 2 and "'2.5bn' is not an amount" in result.stderr


def test_warnings_for_unknown_names_and_ignored_columns(tmp_path):
    a, r = files(tmp_path, apps=APPS.replace("score\n", "score,comment\n", 1), rules="cluster_caps: {Z: 5}\n")
    result = invoke(a, "--budget", "100", "--rules", r, "--out", str(tmp_path / "o.csv"), "--json")
    assert json.loads(result.stdout)["warnings"] == [
        "applications.csv: ignored column(s) comment",
        "cluster_caps name cluster(s) with no application: Z",
    ]
