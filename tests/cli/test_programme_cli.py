"""``clusterworks programme assign``: the output file, the report, --json, the infeasibility messages and
every kind of bad input (after which no file is written). Fixtures: tests/data/assignment/; the
expected assignments are worked by hand in tests/analytics/test_assignment.py (``HAND``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from clusterworks.cli.main import cli

DATA = Path(__file__).resolve().parents[1] / "data" / "assignment"
AFF = str(DATA / "affinity.csv")
CONF = str(DATA / "conflicts.csv")


def invoke(*args: str):
    return CliRunner().invoke(cli, ["programme", "assign", *args], catch_exceptions=False)


def run(out: Path, *args: str, k: int = 2, cap: int = 2):
    return invoke(*args, "--per-application", str(k), "--max-load", str(cap), "--out", str(out))


def assert_nothing_written(directory: Path, out: Path):
    assert not out.exists()
    assert [p.name for p in directory.iterdir() if p.name.endswith(".tmp")] == []


def test_assigns_exactly_and_writes_sorted_pairs(tmp_path):
    out = tmp_path / "assignment.csv"
    result = run(out, "--affinity", AFF)

    assert result.exit_code == 0, result.stderr
    # hand-worked optimum 4.35 versus greedy 4.10 (tests/analytics/test_assignment.py)
    assert out.read_text(encoding="utf-8").splitlines() == [
        "application,reviewer",
        "A1,ivanova",
        "A1,petrov",
        "A2,petrov",
        "A2,sidorov",
        "A3,ivanova",
        "A3,kim",
    ]
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "Assigned 2 reviewers to each of 3 applications: 6 reviews by 4 of 4 reviewers "
        "(loads 1-2, max-load 2)."
    )
    assert lines[1] == (
        "Total affinity 4.35, optimal; greedy, highest affinity first, gives 4.1 "
        "(+6.10% for the exact assignment)."
    )
    assert lines[2].startswith(f"Wrote {out} in ")
    assert result.stderr == ""


def test_conflicts_are_excluded_and_unknown_names_reported_in_json(tmp_path):
    out = tmp_path / "assignment.csv"
    result = run(out, "--affinity", AFF, "--conflicts", CONF, "--json")

    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8").splitlines()[1:] == [
        "A1,kim",
        "A1,petrov",
        "A2,ivanova",
        "A2,sidorov",
        "A3,ivanova",
        "A3,kim",
    ]
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["written"] is True and report["optimal"] is True
    assert report["total_affinity"] == pytest.approx(4.05, abs=1e-12)
    assert (report["applications"], report["reviewers"], report["eligible_pairs"]) == (3, 4, 9)
    assert report["conflicts"] == {
        "rows": 4,
        "applied": 1,
        "not_eligible": 3,
        "unknown_reviewers": ["smirnov"],
        "unknown_applications": ["A9"],
    }
    assert report["warnings"] == [
        "1 reviewer(s) in the conflicts file are not in the affinity file and were ignored: smirnov",
        "1 application(s) in the conflicts file are not in the affinity file and were ignored: A9",
    ]
    assert report["loads"] == {"min": 1, "max": 2, "reviewers_used": 4}
    assert report["greedy"]["complete"] is True
    assert report["solver"]["gap"] == pytest.approx(0.0, abs=1e-9)


def test_text_report_mentions_conflicts_and_notes_go_to_stderr(tmp_path):
    result = run(tmp_path / "a.csv", "--affinity", AFF, "--conflicts", CONF)
    assert result.exit_code == 0
    assert "Conflicts: 1 eligible pair excluded; 3 conflicts named no eligible pair." in result.stdout
    assert "gives 4.05 too." in result.stdout
    assert result.stderr.splitlines() == [
        "Note: 1 reviewer(s) in the conflicts file are not in the affinity file and were ignored: smirnov",
        "Note: 1 application(s) in the conflicts file are not in the affinity file and were ignored: A9",
    ]


def test_json_on_stdout_is_pure_json_in_a_fresh_process(tmp_path):
    # HiGHS prints a banner on file descriptor 1 when the first solver of a process is created;
    # CliRunner would not see it, a real process does.
    out = tmp_path / "assignment.csv"
    command = [sys.executable, "-m", "clusterworks.cli.main", "programme", "assign", "--affinity", AFF]
    command += ["--per-application", "2", "--max-load", "2", "--out", str(out), "--json"]
    completed = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["total_affinity"] == pytest.approx(4.35, abs=1e-12)


# --------------------------------------------------------------------------------- infeasible


@pytest.mark.parametrize(
    ("args", "k", "cap", "message"),
    [
        (
            ["--affinity", AFF, "--conflicts", CONF],
            3,
            3,
            "application A1 has only 2 eligible, non-conflicted reviewers; 3 are needed",
        ),
        (
            ["--affinity", AFF],
            3,
            2,
            "3 reviewers x 3 applications = 9 reviews exceed the capacity 4 reviewers x max-load 2 = 8",
        ),
        (
            ["--affinity", AFF, "--conflicts", CONF],
            3,
            2,
            "application A1 has only 2 eligible, non-conflicted reviewers; 3 are needed; and 3 reviewers "
            "x 3 applications = 9 reviews exceed the capacity 4 reviewers x max-load 2 = 8",
        ),
        (
            ["--affinity", str(DATA / "affinity_hall.csv")],
            1,
            1,
            "a maximum flow makes only 3 of the 4 reviews needed; the 3 applications A1, A2, A3 need 3 "
            "reviews but can receive at most 2 (2 reviewers R1, R2 x max-load 1 = 2), so Hall's "
            "condition fails for this set",
        ),
    ],
)
def test_infeasible_is_one_line_saying_why_and_nothing_is_written(tmp_path, args, k, cap, message):
    out = tmp_path / "assignment.csv"
    result = run(out, *args, k=k, cap=cap)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == f"Error: no feasible assignment: {message}"
    assert_nothing_written(tmp_path, out)


def test_infeasible_with_json_gives_the_flow_and_the_hall_set(tmp_path):
    out = tmp_path / "assignment.csv"
    result = run(out, "--affinity", str(DATA / "affinity_hall.csv"), "--json", k=1, cap=1)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["written"] is False and report["error"] == "infeasible"
    assert (report["reason"], report["needed"], report["achievable"]) == ("hall", 4, 3)
    assert report["applications"] == ["A1", "A2", "A3"] and report["reviewers"] == ["R1", "R2"]
    assert report["message"].startswith("no feasible assignment: a maximum flow makes only 3 of the 4")
    assert_nothing_written(tmp_path, out)


def test_an_existing_output_file_is_left_alone_on_failure(tmp_path):
    out = tmp_path / "assignment.csv"
    out.write_text("previous run\n", encoding="utf-8")
    result = run(out, "--affinity", AFF, k=3, cap=2)
    assert result.exit_code == 1
    assert out.read_text(encoding="utf-8") == "previous run\n"


# ---------------------------------------------------------------------------------- bad input


def test_bad_values_are_listed_with_file_line_field_value_and_what_is_allowed(tmp_path):
    out = tmp_path / "assignment.csv"
    result = run(out, "--affinity", str(DATA / "affinity_bad_values.csv"))
    assert result.exit_code == 1
    assert result.stdout == ""
    name = "affinity_bad_values.csv"
    allowed = "allowed: a number with a decimal point, such as 0.75 or -1"
    assert result.stderr.splitlines() == [
        f"{name}, line 3, field 'affinity': 'high' is not a number; {allowed}",
        f"{name}, line 4, field 'reviewer': empty; allowed: a non-empty reviewer identifier",
        f"{name}, line 5, field 'affinity': 'nan' is not a finite number; {allowed}",
        f"{name}, line 6, field 'reviewer,application': the pair (ivanova, A1) is already given on "
        "line 2; allowed: each reviewer-application pair once",
        f"{name}, line 7, field 'affinity': empty; {allowed}",
        "5 error(s); nothing was written.",
    ]
    assert_nothing_written(tmp_path, out)


def test_bad_values_as_json(tmp_path):
    out = tmp_path / "assignment.csv"
    result = run(out, "--affinity", str(DATA / "affinity_bad_values.csv"), "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["written"] is False and len(report["errors"]) == 5
    assert report["errors"][0] == {
        "file": "affinity_bad_values.csv",
        "line": 3,
        "field": "affinity",
        "value": "high",
        "message": "'high' is not a number; allowed: a number with a decimal point, such as 0.75 or -1",
    }
    assert_nothing_written(tmp_path, out)


def test_missing_columns_in_both_files(tmp_path):
    out = tmp_path / "assignment.csv"
    result = run(
        out,
        "--affinity",
        str(DATA / "affinity_missing_column.csv"),
        "--conflicts",
        str(DATA / "conflicts_missing_column.csv"),
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "affinity_missing_column.csv, line 1, field 'affinity': missing column 'affinity'; "
        "required: reviewer, application, affinity",
        "conflicts_missing_column.csv, line 1, field 'application': missing column 'application'; "
        "required: reviewer, application",
        "2 error(s); nothing was written.",
    ]
    assert_nothing_written(tmp_path, out)


def test_header_only_affinity_and_empty_conflict_field(tmp_path):
    out = tmp_path / "assignment.csv"
    result = run(
        out,
        "--affinity",
        str(DATA / "affinity_header_only.csv"),
        "--conflicts",
        str(DATA / "conflicts_empty_field.csv"),
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "affinity_header_only.csv, line 2: has no rows; at least one eligible pair is needed",
        "conflicts_empty_field.csv, line 2, field 'application': empty; allowed: a non-empty application "
        "identifier",
        "2 error(s); nothing was written.",
    ]
    assert_nothing_written(tmp_path, out)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty.csv, line 1: has no header row; expected the columns reviewer, application, affinity"),
        (
            "reviewer,application,affinity\nИванова,A1,0.5\n".encode("cp1251"),
            "empty.csv: is not UTF-8 text (byte 30); save it as UTF-8 CSV",
        ),
        (
            b"reviewer,application,affinity,affinity\nr1,a1,1,2\n",
            "empty.csv, line 1, field 'affinity': column 'affinity' appears more than once; give it once",
        ),
        (
            b"reviewer,application,affinity\nr1,a1,1e400\n",
            "empty.csv, line 2, field 'affinity': '1e400' is not a finite number; allowed: a number with "
            "a decimal point, such as 0.75 or -1",
        ),
    ],
)
def test_unreadable_affinity_files(tmp_path, content, message):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    out = tmp_path / "assignment.csv"
    result = run(out, "--affinity", str(path), k=1, cap=1)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [message, "1 error(s); nothing was written."]
    assert_nothing_written(tmp_path, out)


def test_semicolons_bom_extra_columns_and_cyrillic_names_are_read(tmp_path):
    path = tmp_path / "affinity.csv"
    text = "Reviewer;Application;Affinity;comment\nИванова;З-1;0.9;x\nПетров;З-1;0.4;\nПетров;З-2;0.7;\n"
    path.write_text(text, encoding="utf-8-sig")
    out = tmp_path / "assignment.csv"
    result = run(out, "--affinity", str(path), "--json", k=1, cap=1)
    assert result.exit_code == 0, result.stdout
    assert out.read_text(encoding="utf-8").splitlines() == [
        "application,reviewer",
        "З-1,Иванова",
        "З-2,Петров",
    ]
    assert json.loads(result.stdout)["warnings"] == ["affinity.csv: ignored column(s) comment"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--per-application", "0", "--max-load", "2"], "Invalid value for '--per-application'"),
        (["--per-application", "2", "--max-load", "x"], "Invalid value for '--max-load'"),
    ],
)
def test_bad_numbers_are_usage_errors(tmp_path, args, message):
    out = tmp_path / "assignment.csv"
    result = invoke("--affinity", AFF, *args, "--out", str(out))
    assert result.exit_code == 2 and message in result.stderr
    assert_nothing_written(tmp_path, out)


def test_output_directory_must_exist(tmp_path):
    out = tmp_path / "missing" / "assignment.csv"
    result = run(out, "--affinity", AFF)
    assert result.exit_code == 2
    assert f"the directory {out.parent} does not exist" in result.stderr


def test_missing_input_file_is_a_usage_error(tmp_path):
    result = run(tmp_path / "a.csv", "--affinity", str(tmp_path / "nope.csv"))
    assert result.exit_code == 2 and "does not exist" in result.stderr
