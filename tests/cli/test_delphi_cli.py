"""``clusterworks delphi consensus``: every column of both tables on a small survey worked by hand, --json,
--band, and every kind of bad input reported (file, line, field, value, what is allowed) with nothing
written. Fixtures: tests/data/delphi/ (see its README)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from scipy import stats as scipy_stats

from clusterworks.cli.main import cli

DATA = Path(__file__).resolve().parents[1] / "data" / "delphi"

# tests/data/delphi/responses.csv, worked by hand. Quartiles by linear interpolation at position
# (n - 1) p of the sorted answers; sd with n - 1; cv = sd / |mean|; agreement within +-1 of the median.
#
# Round 1, q1-importance (rating), experts ann bob cat dan:
#   implants 2 6 4 4 -> sorted 2 4 4 6: median (pos 1.5) 4; q1 (pos 0.75) 2 + 0.75 * 2 = 3.5;
#     q3 (pos 2.25) 4 + 0.25 * 2 = 4.5; iqr 1; mean 4; ss = 4 + 0 + 0 + 4 = 8, sd = sqrt(8/3)
#     = 1.632993162; cv = 1.632993162 / 4 = 0.4082482905; within [3, 5]: 4 4 -> 2/4 = 0.5
#   telemedicine 4 5 3 5 -> sorted 3 4 5 5: median 4.5; q1 3 + 0.75 = 3.75; q3 5; iqr 1.25;
#     mean 17/4 = 4.25; ss = 1.5625 + 0.0625 + 0.5625 + 0.5625 = 2.75, sd = sqrt(2.75/3) = 0.9574271078;
#     cv = 0.9574271078 / 4.25 = 0.2252769665; within [3.5, 5.5]: 4 5 5 -> 0.75
# Round 1, q2-priority (rank), items a b c d: ann 1 2 3 4, bob 2 1 3 4, cat 1 3 2 4
#   a 1 2 1 -> sorted 1 1 2: median 1, q1 (pos 0.5) 1, q3 (pos 1.5) 1.5, iqr 0.5, mean 4/3,
#     ss = 1/9 + 4/9 + 1/9 = 2/3, sd = sqrt(1/3) = 0.5773502692, cv = 0.5773502692 / (4/3) = 0.4330127019
#   b 2 1 3 -> median 2, q1 1.5, q3 2.5, iqr 1, mean 2, sd 1, cv 0.5
#   c 3 3 2 -> sorted 2 3 3: median 3, q1 2.5, q3 3, mean 8/3, sd sqrt(1/3), cv 0.5773502692 / (8/3)
#     = 0.2165063509
#   d 4 4 4 -> 4 4 4 4, iqr 0, sd 0, cv 0; every item's answers are within 1 of its median: agreement 1
#   W: R = (4, 6, 8, 12), mean 3 * 5 / 2 = 7.5, S = 12.25 + 2.25 + 0.25 + 20.25 = 35,
#     W = 12 * 35 / (9 * 60) = 7/9 = 0.7777777778; chi2 = 3 * 3 * 7/9 = 7; p = chi2.sf(7, 3) (scipy)
# Round 2, q1-importance: implants ann 0, bob 0 -> all 0, sd 0, mean 0 so cv empty; agreement 1
#   telemedicine 4 4 4 5 -> median (pos 1.5) 4; q1 (0.75) 4; q3 (2.25) 4 + 0.25 = 4.25; iqr 0.25;
#     mean 4.25; ss = 3 * 0.0625 + 0.5625 = 0.75, sd = sqrt(0.25) = 0.5; cv = 0.5 / 4.25 = 0.1176470588
# Round 2, q2-priority: ann 1.5 1.5 3 4 (tie), bob 1 2 3.5 3.5 (tie), cat 1 2 3 4
#   a 1.5 1 1 -> sorted 1 1 1.5: median 1, q1 1, q3 1.25, iqr 0.25, mean 3.5/3 = 1.166666667,
#     ss = 1/9 + 1/36 + 1/36 = 1/6, sd = sqrt(1/12) = 0.2886751346, cv = 0.2886751346 / (7/6) = 0.2474358297
#   b 1.5 2 2 -> median 2, q1 1.75, q3 2, mean 11/6 = 1.833333333, sd sqrt(1/12), cv 0.1574591643
#   c 3 3.5 3 -> median 3, q1 3, q3 3.25, mean 19/6 = 3.166666667, sd sqrt(1/12), cv 0.09116056882
#   d 4 3.5 4 -> median 4, q1 3.75, q3 4, mean 23/6 = 3.833333333, sd sqrt(1/12), cv 0.07530655685
#   W: R = (3.5, 5.5, 9.5, 11.5), mean 7.5, S = 16 + 4 + 4 + 16 = 40; T_ann = T_bob = 2^3 - 2 = 6,
#     T_cat = 0; W = 12 * 40 / (9 * 60 - 3 * 12) = 480 / 504 = 20/21 = 0.9523809524;
#     chi2 = 3 * 3 * 20/21 = 60/7 = 8.571428571; p = chi2.sf(60/7, 3) (scipy)
# Round 2, q10-single: dan ranks the only item x: n = 1 item, m = 1; W undefined (n^3 - n = 0).
#   Natural order puts q10 after q2.
ITEMS = """\
round,question,item,n,median,q1,q3,iqr,mean,sd,cv,agreement
1,q1-importance,implants,4,4,3.5,4.5,1,4,1.632993162,0.4082482905,0.5
1,q1-importance,telemedicine,4,4.5,3.75,5,1.25,4.25,0.9574271078,0.2252769665,0.75
1,q2-priority,a,3,1,1,1.5,0.5,1.333333333,0.5773502692,0.4330127019,1
1,q2-priority,b,3,2,1.5,2.5,1,2,1,0.5,1
1,q2-priority,c,3,3,2.5,3,0.5,2.666666667,0.5773502692,0.2165063509,1
1,q2-priority,d,3,4,4,4,0,4,0,0,1
2,q1-importance,implants,2,0,0,0,0,0,0,,1
2,q1-importance,telemedicine,4,4,4,4.25,0.25,4.25,0.5,0.1176470588,1
2,q2-priority,a,3,1,1,1.25,0.25,1.166666667,0.2886751346,0.2474358297,1
2,q2-priority,b,3,2,1.75,2,0.25,1.833333333,0.2886751346,0.1574591643,1
2,q2-priority,c,3,3,3,3.25,0.25,3.166666667,0.2886751346,0.09116056882,1
2,q2-priority,d,3,4,3.75,4,0.25,3.833333333,0.2886751346,0.07530655685,1
2,q10-single,x,1,1,1,1,0,1,,,1
"""
P1 = f"{scipy_stats.chi2.sf(7.0, 3):.10g}"
P2 = f"{scipy_stats.chi2.sf(60 / 7, 3):.10g}"
QUESTIONS = f"""\
round,question,experts,items,kendall_w,chi2,p_value
1,q2-priority,3,4,0.7777777778,7,{P1}
2,q2-priority,3,4,0.9523809524,8.571428571,{P2}
2,q10-single,1,1,,,
"""

HEADER = "round,expert,question,item,kind,value\n"


def run(*args: str):
    return CliRunner().invoke(cli, ["delphi", "consensus", *args], catch_exceptions=False)


@pytest.fixture
def out(tmp_path):
    return tmp_path / "items.csv", tmp_path / "questions.csv"


def consensus(responses: Path, out: tuple[Path, Path], *extra: str):
    return run(str(responses), "--out", str(out[0]), "--questions-out", str(out[1]), *extra)


def test_every_column_of_both_tables(out):
    assert P1 == "0.0718977725" and P2 == "0.03556654007"  # scipy.stats.chi2.sf, 10 digits
    result = consensus(DATA / "responses.csv", out)
    assert result.exit_code == 0, result.stderr
    assert out[0].read_text(encoding="utf-8") == ITEMS
    assert out[1].read_text(encoding="utf-8") == QUESTIONS
    assert result.stdout == (
        f"39 answers in 2 round(s): wrote 13 item row(s) to {out[0]} and 3 rank question row(s) to "
        f"{out[1]}.\n"
    )
    assert result.stderr == ""


def test_json_carries_the_same_numbers(out):
    result = consensus(DATA / "responses.csv", out, "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["responses"] == 39 and report["band"] == 1.0
    assert report["out"] == str(out[0]) and report["questions_out"] == str(out[1])
    with open(out[0], encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    assert len(report["items"]) == len(table) == 13
    for record, row in zip(report["items"], table, strict=True):
        assert record["kind"] in ("rating", "rank")
        for column, cell in row.items():
            value = record[column]
            if cell == "":
                assert value is None, column
            elif column in ("question", "item"):
                assert value == cell
            else:
                assert float(cell) == pytest.approx(value, rel=1e-9), column
    assert report["questions"][0] == {
        "round": 1,
        "question": "q2-priority",
        "experts": 3,
        "items": 4,
        "kendall_w": pytest.approx(7 / 9),
        "chi2": pytest.approx(7.0),
        "p_value": pytest.approx(scipy_stats.chi2.sf(7.0, 3)),
    }
    assert report["questions"][2]["kendall_w"] is None


def test_band_changes_agreement(out):
    # Round 1 telemedicine 3 4 5 5, median 4.5: within +-0.25 is [4.25, 4.75] -> no answer; within
    # +-0.5 is [4, 5] -> 4 5 5 = 0.75 (inclusive at both ends).
    assert consensus(DATA / "responses.csv", out, "--band", "0.25").exit_code == 0
    rows = {(r["round"], r["question"], r["item"]): r for r in csv.DictReader(out[0].open(encoding="utf-8"))}
    assert rows[("1", "q1-importance", "telemedicine")]["agreement"] == "0"
    assert consensus(DATA / "responses.csv", out, "--band", "0.5").exit_code == 0
    rows = {(r["round"], r["question"], r["item"]): r for r in csv.DictReader(out[0].open(encoding="utf-8"))}
    assert rows[("1", "q1-importance", "telemedicine")]["agreement"] == "0.75"


def test_the_malformed_fixture_lists_every_error_and_writes_nothing(out):
    result = consensus(DATA / "responses_malformed.csv", out)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert not out[0].exists() and not out[1].exists()
    assert result.stderr.splitlines() == [
        "responses_malformed.csv, line 3, field 'item': duplicate answer: expert 'ann' already answered "
        "item 'a' of question 'q1' in round 1 on line 2; allowed: one answer per round, expert, question "
        "and item",
        "responses_malformed.csv, line 4, field 'kind': 'score' is not a kind; allowed: rating, rank",
        "responses_malformed.csv, line 5, field 'value': 'high' is not a number; allowed: a finite number "
        "such as 4 or 3.5 (decimal point, not comma)",
        "responses_malformed.csv, line 6, field 'round': 'x' is not a round number; allowed: a whole "
        "number 1, 2, 3, ...",
        "responses_malformed.csv, line 7, field 'expert': expert is empty; allowed: any non-empty name",
        "responses_malformed.csv, line 10, field 'value': rank 5 is outside 1..3: question 'q2' has 3 "
        "item(s) in round 1; allowed: the places 1..3, ties as mid-ranks (e.g. 1.5, 1.5, 3)",
        "responses_malformed.csv, line 11, field 'item': expert 'bob', question 'q2', round 1: ranks 2 of "
        "the 3 items; missing 'c'; allowed: a ranking of every item of the question (the items are those "
        "named by any expert in that round)",
        "responses_malformed.csv, line 15, field 'value': rank 4 is outside 1..3: question 'q2' has 3 "
        "item(s) in round 1; allowed: the places 1..3, ties as mid-ranks (e.g. 1.5, 1.5, 3)",
        "responses_malformed.csv, line 16, field 'value': expert 'dan', question 'q2', round 1: the ranks "
        "a=1, b=2, c=2 sum to 5, not n(n+1)/2 = 6 for n = 3 items; allowed: the places 1..3, ties as "
        "mid-ranks (e.g. 1.5, 1.5, 3)",
        "responses_malformed.csv, line 19, field 'value': expert 'eve', question 'q2', round 1: the ranks "
        "a=1.2, b=2, c=2.8 are not a valid ranking (the mid-ranks of this order are a=1, b=2, c=3); "
        "allowed: the places 1..3, tied items sharing the mean of the places they take (e.g. 1.5, 1.5, 3)",
        "responses_malformed.csv, line 22, field 'kind': question 'q1' mixes kinds: 'rank' on 1 line(s), "
        "the first here, and 'rating' on 1 line(s), the first on line 2; allowed: one kind per question, "
        "in every round",
        "responses_malformed.csv, line 23: the row '1,ann,q3,a,rating,1,2' has 7 field(s) and the header "
        "6; allowed: one value per column",
        "12 error(s); nothing was written.",
    ]


def test_errors_as_json(out):
    result = consensus(DATA / "responses_malformed.csv", out, "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["written"] is False and report["error_count"] == 12
    assert report["errors"][2] == {
        "file": "responses_malformed.csv",
        "line": 5,
        "field": "value",
        "value": "high",
        "message": "'high' is not a number; allowed: a finite number such as 4 or 3.5 (decimal point, not "
        "comma)",
    }
    assert report["errors"][8]["value"] == "a=1, b=2, c=2"
    assert not out[0].exists() and not out[1].exists()


GOOD = "1,ann,q1,a,rating,4\n1,bob,q1,a,rating,5\n"

BAD_INPUTS = {
    "unknown kind": (
        HEADER + GOOD + "1,cat,q1,a,Rating,3\n",
        "line 4, field 'kind': 'Rating' is not a kind; allowed: rating, rank",
    ),
    "non-numeric value": (
        HEADER + GOOD + '1,cat,q1,a,rating,"3,5"\n',
        "line 4, field 'value': '3,5' is not a number; allowed: a finite number such as 4 or 3.5",
    ),
    "not finite": (HEADER + GOOD + "1,cat,q1,a,rating,inf\n", "line 4, field 'value': 'inf' is not a number"),
    "empty value": (HEADER + GOOD + "1,cat,q1,a,rating,\n", "line 4, field 'value': '' is not a number"),
    "round": (HEADER + GOOD + "R2,cat,q1,a,rating,3\n", "line 4, field 'round': 'R2' is not a round number"),
    "missing column": (
        "round,expert,question,item,value\n1,ann,q1,a,4\n",
        "line 1, field 'kind': missing column 'kind'; required columns: round, expert, question, item, kind, "
        "value",
    ),
    "extra column": (
        "round,expert,question,item,kind,value,comment\n1,ann,q1,a,rating,4,ok\n",
        "line 1, field 'comment': unknown column 'comment'; allowed: round, expert, question, item, kind, "
        "value",
    ),
    "column twice": (
        "round,expert,question,item,kind,value,value\n1,ann,q1,a,rating,4,4\n",
        "line 1, field 'value': column 'value' appears twice; allowed: each column once",
    ),
    "too many fields": (
        HEADER + GOOD + "1,cat,q1,a,rating,3,3\n",
        "line 4: the row '1,cat,q1,a,rating,3,3' has 7 field(s) and the header 6; allowed: one value per "
        "column",
    ),
    "duplicate answer": (
        HEADER + GOOD + "1,ann,q1,a,rating,2\n",
        "line 4, field 'item': duplicate answer: expert 'ann' already answered item 'a' of question 'q1' in "
        "round 1 on line 2",
    ),
    "rank outside 1..n": (
        HEADER + "1,ann,q2,a,rank,0\n1,ann,q2,b,rank,1\n",
        "line 2, field 'value': rank 0 is outside 1..2: question 'q2' has 2 item(s) in round 1",
    ),
    "ranks do not sum to n(n+1)/2": (
        HEADER + "1,ann,q2,a,rank,1\n1,ann,q2,b,rank,1\n1,ann,q2,c,rank,3\n",
        "line 2, field 'value': expert 'ann', question 'q2', round 1: the ranks a=1, b=1, c=3 sum to 5, not "
        "n(n+1)/2 = 6 for n = 3 items",
    ),
    "ranks are not mid-ranks": (
        # In range and summing to 10 = 4 * 5 / 2, but 1.5 is not the mid-rank of the 2nd place alone.
        HEADER + "1,ann,q2,a,rank,1.5\n1,ann,q2,b,rank,1\n1,ann,q2,c,rank,3.5\n1,ann,q2,d,rank,4\n",
        "line 2, field 'value': expert 'ann', question 'q2', round 1: the ranks a=1.5, b=1, c=3.5, d=4 are "
        "not a valid ranking (the mid-ranks of this order are a=2, b=1, c=3, d=4)",
    ),
    "ranking misses an item": (
        HEADER + "1,ann,q2,a,rank,1\n1,ann,q2,b,rank,2\n1,bob,q2,a,rank,1\n",
        "line 4, field 'item': expert 'bob', question 'q2', round 1: ranks 1 of the 2 items; missing 'b'",
    ),
    "mixed kinds": (
        HEADER + GOOD + "2,ann,q1,a,rank,1\n",
        "line 4, field 'kind': question 'q1' mixes kinds: 'rank' on 1 line(s), the first here, and 'rating' "
        "on 2 line(s), the first on line 2; allowed: one kind per question, in every round",
    ),
    "empty file": (
        "",
        "line 1: the file is empty; allowed: a header round, expert, question, item, kind, value",
    ),
    "header only": (HEADER, "line 1: the file has a header but no answers"),
    "not UTF-8": (
        HEADER + GOOD + "1,cat,q1,\xe9,rating,3\n",
        "line 4: byte 0xe9 is not UTF-8 text; allowed: a UTF-8 file",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_reported_and_nothing_is_written(case, tmp_path, out):
    text, message = BAD_INPUTS[case]
    responses = tmp_path / "responses.csv"
    responses.write_bytes(text.encode("latin-1" if case == "not UTF-8" else "utf-8"))
    out[1].write_text("left alone\n")  # an existing output is not touched either
    result = consensus(responses, out)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"responses.csv, {message}"), lines[0]
    assert lines[-1] == "1 error(s); nothing was written."
    assert not out[0].exists() and out[1].read_text() == "left alone\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["questions.csv", "responses.csv"]


def test_blank_lines_a_bom_crlf_and_quoted_line_breaks_are_read(tmp_path, out):
    responses = tmp_path / "r.csv"
    text = HEADER + GOOD + "\n,,,,,\n" + '1,cat,"q\n1",a,rating,3\n' + "1,dan,q1,a,rating,x\n"
    responses.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    result = consensus(responses, out)
    # Header line 1, answers on 2 and 3, a blank line 4, a row of commas 5, a two-line record on 6-7:
    # the next answer is on line 8.
    assert result.stderr.splitlines()[0] == (
        "r.csv, line 8, field 'value': 'x' is not a number; allowed: a finite number such as 4 or 3.5 "
        "(decimal point, not comma)"
    )


def test_many_errors_are_capped(tmp_path, out):
    responses = tmp_path / "r.csv"
    responses.write_text(HEADER + "".join(f"1,e{i},q1,a,rating,?\n" for i in range(150)))
    result = consensus(responses, out)
    lines = result.stderr.splitlines()
    assert len(lines) == 101
    assert lines[0].startswith("r.csv, line 2, field 'value'")
    assert lines[99].startswith("r.csv, line 101, field 'value'")
    assert lines[-1] == "150 error(s) (the first 100 are listed); nothing was written."
    assert json.loads(consensus(responses, out, "--json").stdout)["error_count"] == 150


def test_usage_errors(tmp_path, out):
    responses = DATA / "responses.csv"
    negative = run(str(responses), "--out", str(out[0]), "--questions-out", str(out[1]), "--band", "-1")
    assert negative.exit_code == 2 and "-1.0 is not in the range x>=0" in negative.stderr
    same = run(str(responses), "--out", str(out[0]), "--questions-out", str(out[0]))
    assert same.exit_code == 2 and "must be three different files" in same.stderr
    missing_dir = run(str(responses), "--out", str(tmp_path / "no" / "i.csv"), "--questions-out", str(out[1]))
    assert missing_dir.exit_code == 2 and "does not exist" in missing_dir.stderr
    missing_input = run(str(tmp_path / "none.csv"), "--out", str(out[0]), "--questions-out", str(out[1]))
    assert missing_input.exit_code == 2 and "does not exist" in missing_input.stderr
    nan = run(str(responses), "--out", str(out[0]), "--questions-out", str(out[1]), "--band", "nan")
    assert (
        nan.exit_code == 1
        and nan.stderr.strip() == f"Error: {responses}: band must be a finite number; got nan"
    )
    assert not out[0].exists() and not out[1].exists()


def test_help_documents_the_columns():
    result = CliRunner().invoke(cli, ["delphi", "consensus", "--help"])
    assert result.exit_code == 0
    for word in ("round, expert, question, item, kind, value", "kendall_w", "agreement", "mid-ranks"):
        assert word in result.stdout
