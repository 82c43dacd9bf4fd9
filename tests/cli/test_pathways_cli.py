"""``clusterworks pathways report`` and ``forecast`` on the small pipeline of tests/data/pathways/
(worked by hand in tests/analytics/test_pathways_analysis.py; today = 2025-06-30): the printed tables,
--json, --out as CSV files or XLSX, --calendar, and bad input reported with nothing written."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from clusterworks.cli.main import cli

DATA = Path(__file__).resolve().parents[1] / "data" / "pathways"
TODAY = "2025-06-30"


def run(command: str, *args: str, events: str = "events.csv"):
    files = ["--gates", str(DATA / "gates.csv"), "--products", str(DATA / "products.csv")]
    files += ["--events", str(DATA / events)]
    return CliRunner().invoke(cli, ["pathways", command, *files, *args], catch_exceptions=False)


def squeeze(text: str) -> list[str]:
    """The printed lines with the table rules and runs of spaces removed."""
    return [re.sub(r"\s+", " ", re.sub(r"[│┃]", " ", line)).strip() for line in text.splitlines()]


def test_report_prints_the_tables():
    result = run("report", "--today", TODAY)
    assert result.exit_code == 0, result.output
    lines = squeeze(result.stdout)
    assert lines[0].startswith("5 product(s), 10 submission(s), as of 2025-06-30")
    # per gate: ct-permit decided 7 and 23 days (median 15, p75 19, p90 21.4), clock 5 of 5 each
    assert "med ct-permit minzdrav 5 wd 2 0 15 / 19 / 21.4 5 / 5 / 5 0 % 0" in lines
    assert "med registration minzdrav 20 wd 1 1 39 / 39 / 39 29 / 29 / 29 100 % 1 (1 overdue)" in lines
    assert "minzdrav 3 1 23 / 35.8 1.00 / 1.36 33 % 1" in lines
    stuck = [line for line in lines if re.match(r"^(m\d|d\d) ", line)]
    assert stuck == [
        "m2 registration minzdrav at agency 2025-05-05 56 36 of 20 -16 (overdue)",
        "m3 ct-permit minzdrav waiting 2025-01-01 180 - -",
        "m1 trials clinical-sites at agency 2025-01-20 161 - -",
        "d2 tests labs under query 2025-03-03 119 7 of 30 23",
    ]
    assert "1 med / registration minzdrav 25 2 1" in lines  # 9 + 16 working days lost
    assert "1 med / trials clinical-sites 42 1 42" in lines  # median 42 days x 1 open
    assert "1 minzdrav 25 0 0 1" in lines and "2 labs 0 15 0 1" in lines
    assert "8 2 0 0 1 0 1" in lines  # TRL 8: m2 in registration, d1 on the market
    assert result.stderr == ""


def test_report_json_carries_every_table():
    result = run("report", "--today", TODAY, "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["ok"] is True and document["products"] == 5 and document["events"] == 20
    assert document["written"] == [] and document["today"] == TODAY and document["min_days"] == 30
    gates = {(row["catalogue"], row["gate"]): row for row in document["gates"]}
    assert gates["med", "ct-permit"]["elapsed_p90"] == pytest.approx(21.4)
    assert gates["med", "launch"]["elapsed_median"] is None
    assert [row["product"] for row in document["stuck"]] == ["m2", "m3", "m1", "d2"]
    assert document["stuck"][0]["due"] == "2025-06-04" and document["stuck"][0]["days_left"] == -16
    assert [(row["gate"], row["days_lost"]) for row in document["bottleneck_gates"]][:2] == [
        ("registration", 25),
        ("tests", 15),
    ]
    assert document["trl_funnel"][-1] == {
        "trl": "all",
        "products": 5,
        "research": 0,
        "trials": 3,
        "registration": 1,
        "production": 0,
        "market": 1,
    }
    clock = document["clocks"][2]
    assert (
        clock["product"],
        clock["gate"],
        clock["elapsed_days"],
        clock["stopped_days"],
        clock["clock_used"],
    ) == (
        "m2",
        "ct-permit",
        23,
        16,
        5,
    )


def test_report_out_as_csv_files_and_as_xlsx(tmp_path):
    folder = tmp_path / "report"
    result = run("report", "--today", TODAY, "--out", str(folder))
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip().endswith(f"Wrote the tables to 9 CSV files in {folder}.")
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        f"{name}.csv"
        for name in (
            "gates",
            "agencies",
            "stuck",
            "bottleneck_gates",
            "bottleneck_unclocked_gates",
            "bottleneck_agencies",
            "trl_funnel",
            "positions",
            "clocks",
        )
    )
    with open(folder / "gates.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert (
        rows[0]["gate"] == "ct-permit"
        and rows[0]["elapsed_p90"] == "21.4"
        and rows[3]["elapsed_median"] == ""
    )
    with open(folder / "stuck.csv", encoding="utf-8") as handle:
        first = next(csv.DictReader(handle))
    assert (first["product"], first["since"], first["overdue"], first["due"]) == (
        "m2",
        "2025-05-05",
        "true",
        "2025-06-04",
    )

    book = tmp_path / "report.xlsx"
    result = run("report", "--today", TODAY, "--out", str(book), "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["written"] == [str(book)]
    workbook = load_workbook(book)
    assert workbook.sheetnames[:3] == ["gates", "agencies", "stuck"]
    sheet = workbook["bottleneck_gates"]
    assert [cell.value for cell in sheet[1]][:3] == ["rank", "catalogue", "gate"]
    assert [cell.value for cell in sheet[2]][:3] == [1, "med", "registration"]
    assert [cell.value for cell in sheet[2]][8] == 25
    assert workbook["stuck"]["F2"].value.date().isoformat() == "2025-05-05"  # a real date cell
    assert not list(tmp_path.glob(".*.tmp"))


def test_calendar_extends_the_russian_one():
    # 2 June 2025 made a holiday: m2's open registration loses one working day (36 -> 35); the clock of
    # d2's calendar-day gate is unchanged.
    result = run("report", "--today", TODAY, "--calendar", str(DATA / "calendar_extra.csv"), "--json")
    assert result.exit_code == 0, result.stderr
    clocks = {(c["product"], c["gate"], c["attempt"]): c for c in json.loads(result.stdout)["clocks"]}
    assert clocks["m2", "registration", 2]["clock_used"] == 35
    assert clocks["m2", "registration", 2]["due"] == "2025-06-05"
    assert clocks["d2", "tests", 1]["clock_used"] == 7


def test_bad_input_is_listed_and_nothing_written(tmp_path):
    out = tmp_path / "report.xlsx"
    result = run("report", "--today", TODAY, "--out", str(out), events="events_malformed.csv")
    assert result.exit_code == 1 and result.stdout == ""
    assert not out.exists() and list(tmp_path.iterdir()) == []
    assert result.stderr.splitlines() == [
        "events_malformed.csv, line 3, field 'date': product 'm1', gate 'ct-permit': 2025-01-06 is before "
        "the "
        "previous event at this gate (2025-01-09); allowed: events of a gate in the order of their dates",
        "events_malformed.csv, line 4, field 'kind': 'submited' is not allowed; allowed: submitted, query, "
        "answered, decision, withdrawn",
        "events_malformed.csv, line 5, field 'kind': product 'm2', gate 'registration': the first event at a "
        "gate must be 'submitted', not 'query'; allowed: submitted, then query/answered, decision or "
        "withdrawn",
        "events_malformed.csv, line 6, field 'product': product 'm9' is not in the products file; allowed: a "
        "product listed there",
        "events_malformed.csv, line 8, field 'decision': '' is not a decision; allowed: approved, refused",
        "events_malformed.csv, line 9, field 'date': product 'd1', gate 'launch': 2025-07-01 is after today "
        "(2025-06-30); allowed: dates up to today",
        "6 error(s); nothing was written.",
    ]
    result = run("report", "--today", TODAY, "--json", events="events_malformed.csv")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["ok"] is False and document["written"] is False and document["error_count"] == 6
    assert document["errors"][3] == {
        "file": "events_malformed.csv",
        "line": 6,
        "field": "product",
        "value": "m9",
        "message": "product 'm9' is not in the products file; allowed: a product listed there",
    }


def test_usage_errors(tmp_path):
    result = run("report", "--today", TODAY, "--out", str(tmp_path / "missing" / "r.xlsx"))
    assert result.exit_code == 2 and "directory" in result.stderr and "does not exist" in result.stderr
    result = run("report", "--today", "30.06.2025")
    assert result.exit_code == 2 and "'30.06.2025' does not match the format" in result.stderr
    result = run("forecast", "--today", TODAY, "--product", "zz")
    assert result.exit_code == 2
    assert (
        "Invalid value for --product: 'zz' is not in products.csv; allowed: d1, d2, m1, m2, m3"
        in result.stderr
    )


def test_forecast_prints_the_interval_and_the_assumptions():
    result = run("forecast", "--today", TODAY, "--product", "m2", "--target", "2026-01-01")
    assert result.exit_code == 0, result.output
    lines = squeeze(result.stdout)
    assert lines[0] == "Product m2, at registration (registration), as of 2025-06-30: 10,000 draws, seed 0."
    assert lines[1].startswith("Time to market: 10 % by 2025-")
    assert lines[2].startswith("Probability of reaching the market by 2026-01-01:")
    assert "Assumptions:" in lines
    assert any(line.startswith("- registration: open for 56 days") for line in lines)


def test_forecast_json_is_reproducible_and_consistent():
    args = ("--today", TODAY, "--product", "m3", "--seed", "7", "--draws", "5000", "--json")
    first, again = run("forecast", *args), run("forecast", *args)
    assert first.exit_code == 0, first.stderr
    assert first.stdout == again.stdout
    document = json.loads(first.stdout)
    assert (
        document["product"],
        document["stage"],
        document["gate"],
        document["draws"],
        document["seed"],
    ) == (
        "m3",
        "trials",
        "ct-permit",
        5000,
        7,
    )
    days, dates = document["days"], document["dates"]
    assert days["p10"] <= days["p50"] <= days["p90"]
    assert [g["gate"] for g in document["per_gate"]] == ["ct-permit", "trials", "registration", "launch"]
    assert all(g["status"] == "to do" for g in document["per_gate"])
    assert dates["p50"] >= TODAY and document["probability"] is None
    # trials has 1 record (< 5): uniform on its typical range 300..400 days, so the median is at least 300
    assert document["per_gate"][1]["duration_source"] == "typical" and days["p10"] >= 300
    assert any("trials:" in line and "uniform 300-400" in line for line in document["assumptions"])
