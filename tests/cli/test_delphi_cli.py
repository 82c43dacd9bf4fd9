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


# ------------------------------------------------------------------------------ delphi priorities
#
# tests/data/priorities/scores.csv and criteria.csv hold the table of
# tests/analytics/test_priorities.py: four candidates, impact (weight 4), feasibility (3) and cost (1,
# less is better). Min-max normalised and weighted 0.5, 0.375, 0.125, worked by hand there:
#   telemedicine 65/96 = 0.6770833333 (impact 1/3, feasibility 1/4, cost 3/32 = 0.09375)
#   biobank 29/48 = 0.6041666667 (1/6, 3/8, 1/16), implants 0.5 (0.5, 0, 0), robotics 0.25 (0, 1/8, 1/8)
PRIORITIES = Path(__file__).resolve().parents[1] / "data" / "priorities"
RANKING = """\
rank,candidate,score,impact,feasibility,cost
1,telemedicine,0.6770833333,0.3333333333,0.25,0.09375
2,biobank,0.6041666667,0.1666666667,0.375,0.0625
3,implants,0.5,0.5,0,0
4,robotics,0.25,0,0.125,0.125
"""
# Stability, by hand. Moving weight t of one criterion, the others rescaled to 1 - t, every score is
# R + t (V - R), R the score from the other criteria (their weights divided by 1 - w), V the
# normalised score on the criterion. Values (impact, feasibility, cost): telemedicine (2/3, 2/3,
# 3/4), biobank (1/3, 1, 1/2), implants (1, 0, 0), robotics (0, 1/3, 1).
#
# impact (w = 0.5; others 0.75, 0.25): R = tele 0.5 + 0.1875 = 0.6875, bio 0.75 + 0.125 = 0.875,
#   impl 0, rob 0.25 + 0.25 = 0.5. tele = 0.6875 - t/48, bio = 0.875 - 13t/24, impl = t,
#   rob = 0.5 - 0.5t. Going down, bio passes tele where 25t/48 = 0.1875: t = 9/25 = 0.36. Going up,
#   impl passes bio where 37t/24 = 0.875: t = 21/37 = 0.5675675676. Top 3 {tele, bio, impl}: rob
#   reaches impl where t = 0.5 - 0.5t: t = 1/3; going up rob only falls: 1.
# feasibility (w = 0.375; others 0.8, 0.2): R = tele 8/15 + 0.15 = 41/60, bio 4/15 + 0.1 = 22/60,
#   impl 0.8, rob 0.2; V = 2/3, 1, 0, 1/3. tele = (41 - t)/60, bio = (22 + 38t)/60: equal at
#   t = 19/39 = 0.4871794872. impl = 0.8 (1 - t) meets bio at 48 - 48t = 22 + 38t, t = 13/43 =
#   0.3023255814. Top 3: rob = 0.2 + 2t/15 reaches impl at t = 0.6 / (14/15) = 9/14 = 0.6428571429;
#   going down impl only rises and rob only falls: 0.
# cost (w = 0.125; others 4/7, 3/7): R = tele 2/3, bio 4/21 + 9/21 = 13/21, impl 4/7, rob 1/7;
#   V = 3/4, 1/2, 0, 1. impl = (4/7)(1 - t) meets rob = 1/7 + 6t/7 at 4 - 4t = 1 + 6t: t = 0.3; the
#   other pairs keep their order on [0, 1] (tele - bio = 1/21 + 17t/84 > 0, bio - impl = 1/21 +
#   19t/42 > 0), so the order holds from 0 to 0.3, and the top 3 loses implants at 0.3.
SENSITIVITY = """\
criterion,weight,lower,upper,lower_leader,lower_challenger,upper_leader,upper_challenger,top_k,top_lower,\
top_upper,top_lower_leader,top_lower_challenger,top_upper_leader,top_upper_challenger
impact,0.5,0.36,0.5675675676,telemedicine,biobank,biobank,implants,3,0.3333333333,1,implants,robotics,,
feasibility,0.375,0.3023255814,0.4871794872,biobank,implants,telemedicine,biobank,3,0,0.6428571429,,,\
implants,robotics
cost,0.125,0,0.3,,,implants,robotics,3,0,0.3,,,implants,robotics
"""


def run_priorities(*args: str):
    return CliRunner().invoke(cli, ["delphi", "priorities", *args], catch_exceptions=False)


@pytest.fixture
def ranked(tmp_path):
    return tmp_path / "ranking.csv", tmp_path / "sens.csv", tmp_path / "acc.csv"


def test_priorities_ranking_and_sensitivity_by_hand(ranked):
    result = run_priorities(
        str(PRIORITIES / "scores.csv"),
        "--criteria",
        str(PRIORITIES / "criteria.csv"),
        "--out",
        str(ranked[0]),
        "--sensitivity",
        str(ranked[1]),
    )
    assert result.exit_code == 0, result.stderr
    assert ranked[0].read_text(encoding="utf-8") == RANKING
    assert ranked[1].read_text(encoding="utf-8") == SENSITIVITY
    assert not ranked[2].exists()
    assert result.stdout == (
        f"4 candidate(s) on 3 criteria: wrote the ranking to {ranked[0]} and the stability in 3 weight(s) "
        f"to {ranked[1]}.\n"
    )


def test_priorities_top_k_changes_the_top_columns(ranked):
    # Top 1 = {telemedicine}. impact: bio passes tele below 0.36 (as above); going up tele (-t/48)
    # is passed first by impl (t) where 0.6875 = 49t/48, t = 33/49 = 0.6734693878, before bio is
    # (21/37 is impl passing bio, which does not touch the top 1).
    result = run_priorities(
        str(PRIORITIES / "scores.csv"),
        "--criteria",
        str(PRIORITIES / "criteria.csv"),
        "--out",
        str(ranked[0]),
        "--sensitivity",
        str(ranked[1]),
        "--top",
        "1",
    )
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(ranked[1].open(encoding="utf-8")))
    assert rows[0]["top_k"] == "1"
    assert (rows[0]["top_lower"], rows[0]["top_lower_leader"], rows[0]["top_lower_challenger"]) == (
        "0.36",
        "telemedicine",
        "biobank",
    )
    assert (rows[0]["top_upper"], rows[0]["top_upper_leader"], rows[0]["top_upper_challenger"]) == (
        "0.6734693878",
        "telemedicine",
        "implants",
    )


def test_priorities_acceptability_is_reproducible_and_sums_to_one(ranked, tmp_path):
    args = [
        str(PRIORITIES / "scores.csv"),
        "--criteria",
        str(PRIORITIES / "criteria.csv"),
        "--out",
        str(ranked[0]),
        "--acceptability",
        str(ranked[2]),
        "--samples",
        "4000",
        "--seed",
        "7",
    ]
    assert run_priorities(*args).exit_code == 0
    first = ranked[2].read_text(encoding="utf-8")
    assert run_priorities(*args).exit_code == 0
    assert ranked[2].read_text(encoding="utf-8") == first  # the same seed, the same file
    rows = list(csv.DictReader(first.splitlines()))
    assert list(rows[0]) == ["candidate", "expected_rank", "rank_1", "rank_2", "rank_3", "rank_4"]
    assert [row["candidate"] for row in rows] == ["telemedicine", "biobank", "implants", "robotics"]
    for row in rows:  # each row sums to 1, and the expected rank is sum r * share
        shares = [float(row[f"rank_{r}"]) for r in range(1, 5)]
        assert sum(shares) == pytest.approx(1)
        assert float(row["expected_rank"]) == pytest.approx(sum(r * s for r, s in zip(range(1, 5), shares)))
    for r in range(1, 5):  # so does each column
        assert sum(float(row[f"rank_{r}"]) for row in rows) == pytest.approx(1)
    # The library gives the same numbers for the same seed.
    from clusterworks.analytics.priorities import rank_acceptability, read_priority_csv

    table, criteria = read_priority_csv(PRIORITIES / "scores.csv", PRIORITIES / "criteria.csv")
    library = rank_acceptability(table, criteria, samples=4000, seed=7)
    assert float(rows[0]["rank_1"]) == pytest.approx(library.first_rank[1], rel=1e-9)
    other = run_priorities(*args[:-1], "8")
    assert other.exit_code == 0 and ranked[2].read_text(encoding="utf-8") != first
    uniform = run_priorities(*args, "--spread", "uniform")
    assert uniform.exit_code == 0 and ranked[2].read_text(encoding="utf-8") != first


def test_priorities_json(ranked):
    result = run_priorities(
        str(PRIORITIES / "scores.csv"),
        "--criteria",
        str(PRIORITIES / "criteria.csv"),
        "--out",
        str(ranked[0]),
        "--sensitivity",
        str(ranked[1]),
        "--acceptability",
        str(ranked[2]),
        "--samples",
        "500",
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True and (report["candidates"], report["criteria"]) == (4, 3)
    assert report["weights"] == {"impact": 0.5, "feasibility": 0.375, "cost": 0.125}
    assert report["ranking"][0] == {
        "rank": 1,
        "candidate": "telemedicine",
        "score": pytest.approx(65 / 96),
        "contributions": {"impact": pytest.approx(1 / 3), "feasibility": 0.25, "cost": 0.09375},
    }
    assert report["sensitivity"][2] == {
        "criterion": "cost",
        "weight": 0.125,
        "order": {
            "lower": 0.0,
            "upper": pytest.approx(0.3),
            "lower_pair": None,
            "upper_pair": ["implants", "robotics"],
        },
        "top_k": 3,
        "top": {
            "lower": 0.0,
            "upper": pytest.approx(0.3),
            "lower_pair": None,
            "upper_pair": ["implants", "robotics"],
        },
    }
    acceptability = report["acceptability"]
    assert (acceptability["samples"], acceptability["seed"], acceptability["spread"]) == (500, 0, 0.2)
    assert [c["candidate"] for c in acceptability["candidates"]] == [
        "telemedicine",
        "biobank",
        "implants",
        "robotics",
    ]
    assert all(sum(c["by_rank"]) == pytest.approx(1) for c in acceptability["candidates"])
    assert report["out"] == str(ranked[0]) and report["acceptability_out"] == str(ranked[2])


def test_priorities_scale_normalisation(tmp_path, ranked):
    # On a 1..9 scale (v = (x - 1) / 8): A importance 9 -> 1, urgency 1 -> 0; B 5, 5 -> 0.5, 0.5.
    # Weights 3:1 -> A = 0.75, B = 0.5 * 0.75 + 0.5 * 0.25 = 0.5.
    scores = tmp_path / "scores.csv"
    criteria = tmp_path / "criteria.csv"
    scores.write_text("candidate,criterion,score\nA,importance,9\nA,urgency,1\nB,importance,5\nB,urgency,5\n")
    criteria.write_text(
        "criterion,weight,direction,low,high\nimportance,3,benefit,1,9\nurgency,1,benefit,1,9\n"
    )
    result = run_priorities(
        str(scores), "--criteria", str(criteria), "--out", str(ranked[0]), "--normalisation", "scale"
    )
    assert result.exit_code == 0, result.stderr
    assert ranked[0].read_text(encoding="utf-8") == (
        "rank,candidate,score,importance,urgency\n1,A,0.75,0.75,0\n2,B,0.5,0.375,0.125\n"
    )


def test_priorities_malformed_fixtures_list_every_error_and_write_nothing(ranked):
    result = run_priorities(
        str(PRIORITIES / "scores_malformed.csv"),
        "--criteria",
        str(PRIORITIES / "criteria_malformed.csv"),
        "--out",
        str(ranked[0]),
        "--sensitivity",
        str(ranked[1]),
    )
    assert result.exit_code == 1 and result.stdout == ""
    assert not ranked[0].exists() and not ranked[1].exists()
    assert result.stderr.splitlines() == [
        "scores_malformed.csv, line 3, field 'criterion': candidate 'implants' already has a score for "
        "criterion 'impact' on line 2; allowed: one score per candidate and criterion",
        "scores_malformed.csv, line 4, field 'score': '7,5' is not a number; allowed: a finite number such "
        "as 7 or 6.5 (decimal point, not comma)",
        "scores_malformed.csv, line 8, field 'candidate': candidate is empty; allowed: any non-empty name",
        "scores_malformed.csv, line 9, field 'score': score 12 is outside the scale of criterion 'impact'; "
        "allowed: 1..9 (low and high in criteria_malformed.csv)",
        "scores_malformed.csv, line 10, field 'criterion': unknown criterion 'market'; allowed: the criteria "
        "of criteria_malformed.csv: impact, feasibility, cost, risk, urgency",
        "scores_malformed.csv, line 11: the row 'telemedicine,cost,2,extra' has 4 field(s) and the header "
        "3; allowed: one value per column",
        "criteria_malformed.csv, line 3, field 'weight': 'heavy' is not a number; allowed: a number >= 0 "
        "such as 2 or 0.5 (decimal point, not comma)",
        "criteria_malformed.csv, line 4, field 'weight': weight -1 is negative; allowed: a number >= 0",
        "criteria_malformed.csv, line 4, field 'direction': 'cheap' is not a direction; allowed: benefit, "
        "cost",
        "criteria_malformed.csv, line 5, field 'criterion': criterion 'impact' is already defined on line 2; "
        "allowed: each criterion once",
        "criteria_malformed.csv, line 6, field 'high': high is empty but low is not; allowed: both ends of "
        "the scale or neither",
        "criteria_malformed.csv, line 7, field 'high': high 1 is not above low 9; allowed: low < high, e.g. "
        "1 and 9",
        "12 error(s); nothing was written.",
    ]
    as_json = run_priorities(
        str(PRIORITIES / "scores_malformed.csv"),
        "--criteria",
        str(PRIORITIES / "criteria_malformed.csv"),
        "--out",
        str(ranked[0]),
        "--json",
    )
    report = json.loads(as_json.stdout)
    assert as_json.exit_code == 1 and report["ok"] is False and report["error_count"] == 12
    assert report["errors"][1] == {
        "file": "scores_malformed.csv",
        "line": 4,
        "field": "score",
        "value": "7,5",
        "message": "'7,5' is not a number; allowed: a finite number such as 7 or 6.5 (decimal point, not "
        "comma)",
    }


CRITERIA_OK = "criterion,weight,direction\nimpact,2,benefit\ncost,1,cost\n"
SCORES_OK = "candidate,criterion,score\nA,impact,5\nA,cost,3\nB,impact,4\nB,cost,1\n"

BAD_PRIORITY_INPUTS = {
    "score not a number": (
        SCORES_OK + "C,impact,high\nC,cost,2\n",
        CRITERIA_OK,
        "scores.csv, line 6, field 'score': 'high' is not a number; allowed: a finite number such as 7 or "
        "6.5",
    ),
    "score not finite": (
        SCORES_OK + "C,impact,nan\nC,cost,2\n",
        CRITERIA_OK,
        "scores.csv, line 6, field 'score': 'nan' is not a number",
    ),
    "missing score": (
        SCORES_OK + "C,impact,3\n",
        CRITERIA_OK,
        "scores.csv, line 6, field 'criterion': candidate 'C' (first on this line) has no score for "
        "criterion 'cost'",
    ),
    "missing column": (
        "candidate,score\nA,5\n",
        CRITERIA_OK,
        "scores.csv, line 1, field 'criterion': missing column 'criterion'; required columns: candidate, "
        "criterion, score",
    ),
    "unknown column": (
        "candidate,criterion,score,note\nA,impact,5,x\n",
        CRITERIA_OK,
        "scores.csv, line 1, field 'note': unknown column 'note'; allowed: candidate, criterion, score",
    ),
    "empty scores": ("", CRITERIA_OK, "scores.csv, line 1: the file is empty"),
    "scores header only": (
        "candidate,criterion,score\n",
        CRITERIA_OK,
        "scores.csv, line 1: the file has a header but no rows",
    ),
    "scores not UTF-8": (
        SCORES_OK + "C\xe9,impact,3\n",
        CRITERIA_OK,
        "scores.csv, line 6: byte 0xe9 is not UTF-8 text; allowed: a UTF-8 file",
    ),
    "criteria column twice": (
        SCORES_OK,
        "criterion,weight,weight,direction\nimpact,2,2,benefit\n",
        "criteria.csv, line 1, field 'weight': column 'weight' appears twice; allowed: each column once",
    ),
    "criteria missing direction": (
        SCORES_OK,
        "criterion,weight\nimpact,2\ncost,1\n",
        "criteria.csv, line 1, field 'direction': missing column 'direction'; required columns: criterion, "
        "weight, direction[, low, high]",
    ),
    "reserved criterion name": (
        SCORES_OK,
        CRITERIA_OK + "rank,1,benefit\n",
        "criteria.csv, line 4, field 'criterion': 'rank' names a column of the ranking table; allowed: any "
        "other name",
    ),
    "empty criterion": (
        SCORES_OK,
        CRITERIA_OK + ",1,benefit\n",
        "criteria.csv, line 4, field 'criterion': criterion is empty; allowed: any non-empty name",
    ),
    "every weight zero": (
        SCORES_OK,
        "criterion,weight,direction\nimpact,0,benefit\ncost,0,cost\n",
        "criteria.csv, field 'weight': every criterion has weight 0; allowed: at least one positive weight",
    ),
    "scale without low and high": (
        SCORES_OK,
        CRITERIA_OK,
        "criteria.csv, line 2, field 'low': normalisation 'scale' needs the scale of every criterion; "
        "allowed: numbers low < high, e.g. 1 and 9",
    ),
    "low not a number": (
        SCORES_OK,
        "criterion,weight,direction,low,high\nimpact,2,benefit,one,9\ncost,1,cost,,\n",
        "criteria.csv, line 2, field 'low': 'one' is not a number; allowed: a number such as 1 or 9, or "
        "empty",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_PRIORITY_INPUTS))
def test_bad_priority_input_is_reported_and_nothing_is_written(case, tmp_path, ranked):
    scores_text, criteria_text, message = BAD_PRIORITY_INPUTS[case]
    scores, criteria = tmp_path / "scores.csv", tmp_path / "criteria.csv"
    scores.write_bytes(scores_text.encode("latin-1" if "UTF-8" in case else "utf-8"))
    criteria.write_text(criteria_text, encoding="utf-8")
    ranked[1].write_text("left alone\n")
    extra = ["--normalisation", "scale"] if case == "scale without low and high" else []
    result = run_priorities(
        str(scores),
        "--criteria",
        str(criteria),
        "--out",
        str(ranked[0]),
        "--sensitivity",
        str(ranked[1]),
        *extra,
    )
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(message), lines[0]
    # One problem, one line (no echo of it in the other file); "scale" names both criteria.
    count = 2 if case == "scale without low and high" else 1
    assert len(lines) == count + 1 and lines[-1] == f"{count} error(s); nothing was written."
    assert not ranked[0].exists() and ranked[1].read_text() == "left alone\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["criteria.csv", "scores.csv", "sens.csv"]


def test_priorities_errors_found_while_computing_write_nothing(tmp_path, ranked):
    # One criterion: the ranking is computed, but weight stability needs two; neither file is written.
    criteria = tmp_path / "criteria.csv"
    criteria.write_text("criterion,weight,direction\nimpact,1,benefit\n")
    scores = tmp_path / "scores.csv"
    scores.write_text("candidate,criterion,score\nA,impact,2\nB,impact,1\n")
    result = run_priorities(
        str(scores), "--criteria", str(criteria), "--out", str(ranked[0]), "--sensitivity", str(ranked[1])
    )
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: cannot compute the results: weight sensitivity needs at least 2 criteria: with one, its "
        "weight is always 1; nothing was written"
    )
    assert not ranked[0].exists() and not ranked[1].exists()


def test_priorities_usage_errors(tmp_path, ranked):
    base = [str(PRIORITIES / "scores.csv"), "--criteria", str(PRIORITIES / "criteria.csv")]
    alone = run_priorities(*base, "--out", str(ranked[0]), "--samples", "10", "--seed", "3")
    assert alone.exit_code == 2 and "--samples, --seed only apply with --acceptability" in alone.stderr
    same = run_priorities(*base, "--out", str(ranked[0]), "--sensitivity", str(ranked[0]))
    assert same.exit_code == 2 and "must be different files" in same.stderr
    spread = run_priorities(
        *base, "--out", str(ranked[0]), "--acceptability", str(ranked[2]), "--spread", "2"
    )
    assert spread.exit_code == 2 and "'2' is not allowed; give a number above 0 and below 1" in spread.stderr
    no_dir = run_priorities(*base, "--out", str(tmp_path / "no" / "r.csv"))
    assert no_dir.exit_code == 2 and "does not exist" in no_dir.stderr
    samples = run_priorities(
        *base, "--out", str(ranked[0]), "--acceptability", str(ranked[2]), "--samples", "0"
    )
    assert samples.exit_code == 2 and "0 is not in the range x>=1" in samples.stderr
    assert not any(path.exists() for path in ranked)


def test_priorities_help_documents_the_columns():
    result = CliRunner().invoke(cli, ["delphi", "priorities", "--help"])
    assert result.exit_code == 0
    for word in (
        "candidate, criterion, score",
        "criterion, weight, direction[, low, high]",
        "top_lower",
        "rank_1",
    ):
        assert word in result.stdout
