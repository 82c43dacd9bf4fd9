"""``clusterworks programme scores``: the output table, --json, and bad input (nothing written). The
expected values are the hand-worked example of clusterworks.analytics.review."""

from __future__ import annotations

import json

from click.testing import CliRunner

from clusterworks.cli.main import cli

REVIEWS = (
    "application,reviewer,criterion,score\n"
    "A,lenient,merit,9\nB,lenient,merit,8\nB,strict,merit,5\nC,strict,merit,4\n"
)


def invoke(*args):
    return CliRunner().invoke(cli, ["programme", "scores", *args], catch_exceptions=False)


def test_scores_table_by_hand(tmp_path):
    reviews = tmp_path / "reviews.csv"
    reviews.write_text(REVIEWS, encoding="utf-8")
    rubric = tmp_path / "rubric.csv"
    rubric.write_text("criterion,weight,min,max\nmerit,1,0,10\n", encoding="utf-8")
    out = tmp_path / "scores.csv"
    result = invoke(str(reviews), "--rubric", str(rubric), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    # raw 90 / 65 / 40; z +-0.707107; robust 75 / 65 / 55 (leniency +-15)
    assert out.read_text(encoding="utf-8").splitlines() == [
        "application,reviews,raw,z,robust,rank_raw,rank_z,rank_robust,range,flags,flag_reasons",
        "A,1,90,0.707107,75,1,1,1,0,few-reviews,1 review; at least 2 are needed to judge agreement",
        'B,2,65,0,65,2,2,2,30,range,"totals range from 50.0 (strict) to 80.0 (lenient): 30.0 points, more '
        'than 25"',
        "C,1,40,-0.707107,55,3,3,3,0,few-reviews,1 review; at least 2 are needed to judge agreement",
    ]
    assert result.stdout.startswith("Aggregated 4 reviews by 2 reviewers of 3 applications; 3 flagged")
    report = json.loads(invoke(str(reviews), "--out", str(out), "--json").stdout)
    assert (
        report["reviewers_detail"][0]["leniency"] == 15.0
        or abs(report["reviewers_detail"][0]["leniency"] - 15) < 1e-9
    )


def test_bad_scores_are_listed_and_nothing_is_written(tmp_path):
    reviews = tmp_path / "reviews.csv"
    reviews.write_text(
        "application,reviewer,criterion,score\nA,r1,merit,11\nA,r1,impact,3\nA,r2,merit,5\nA,r2,merit,6\n",
        encoding="utf-8",
    )
    rubric = tmp_path / "rubric.csv"
    rubric.write_text("criterion,weight,min,max\nmerit,1,0,10\nimpact,0,1,5\n", encoding="utf-8")
    out = tmp_path / "scores.csv"
    result = invoke(str(reviews), "--rubric", str(rubric), "--out", str(out))
    assert result.exit_code == 1 and not out.exists()
    assert result.stderr.splitlines() == [
        "rubric.csv, line 3, field 'weight': '0' is not a number above 0; allowed: a number above 0",
        "reviews.csv, line 2, field 'score': '11' is outside the scale; allowed: a number from 0 to 10",
        "reviews.csv, line 5, field 'application,reviewer,criterion': already scored on line 4; allowed: one "
        "score per application, reviewer and criterion",
        "reviews.csv, line 4, field 'criterion': the review of A by r2 has no score for impact; every "
        "criterion needs one",
        "4 error(s); nothing was written.",
    ]
