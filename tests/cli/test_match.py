"""``clusterworks match recommend|evaluate`` on a hand-made file and on Spanish H2020 participations.

The hand-made file (no type, country or role columns): before 2020 a-b (P1), b-c (P2), c-d (P3),
a-e (P4); from 2020 on P5 = {a, c, x} and P6 = {e, b}. Its evaluation is computed by hand in
tests/analytics/test_network_recommend.py::test_evaluation_by_hand.
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from clusterworks.cli.main import cli

H2020 = Path(__file__).parents[1] / "data" / "network" / "h2020.csv.gz"
PARTS = Path(__file__).parents[1] / "data" / "network" / "programme_parts.csv.gz"
H2020_COLUMNS = "project=rcn,organisation=pic,year=start_year,type=type,country=country,role=role"

TOY = """project,org,year
P1,a,2018
P1,b,2018
P2,b,2018
P2,c,2018
P3,c,2019
P3,d,2019
P4,a,2019
P4,e,2019
P5,a,2020
P5,c,2020
P5,x,2020
P6,e,2021
P6,b,2021
"""
TOY_COLUMNS = "project=project,organisation=org,year=year"


def invoke(*args: str):
    # through the top-level group, as a user runs it (see tests/cli/test_match_schedule.py)
    return CliRunner().invoke(cli, ["match", *args], catch_exceptions=False)


@pytest.fixture
def toy(tmp_path: Path) -> Path:
    path = tmp_path / "toy.csv"
    path.write_text(TOY)
    return path


@pytest.fixture(scope="module")
def spain(tmp_path_factory) -> Path:
    """Spanish organisations' H2020 rows of 2014-2019 (11,812 rows), written as a CSV."""
    path = tmp_path_factory.mktemp("spain") / "es.csv"
    with gzip.open(H2020, "rt", encoding="utf-8", newline="") as f, path.open("w", newline="") as out:
        reader = csv.DictReader(f)
        writer = csv.DictWriter(out, fieldnames=reader.fieldnames)
        writer.writeheader()
        for r in reader:
            if r["country"] == "ES" and r["start_year"] != "NA" and int(r["start_year"]) <= 2019:
                writer.writerow(r)
    return path


def _past_pairs(path: Path, before: int) -> set[tuple[str, str]]:
    members: dict[str, set[str]] = {}
    for r in csv.DictReader(path.open()):
        if int(r["start_year"]) < before:
            members.setdefault(r["rcn"], set()).add(r["pic"])
    return {(a, b) for m in members.values() for a in m for b in m}


def test_group_lists_its_commands():
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("recommend", "evaluate", "schedule"):
        assert command in result.output


def test_recommend_on_real_rows(spain, tmp_path):
    past = _past_pairs(spain, 2018)
    organisations = sorted({o for pair in past for o in pair})
    sources = organisations[::97][:12]
    (tmp_path / "sources.txt").write_text("\n".join(sources) + "\n\n")
    out = tmp_path / "recs.csv"
    result = invoke(
        "recommend",
        "--participations", str(spain),
        "--columns", H2020_COLUMNS,
        "--before", "2018",
        "--sources", str(tmp_path / "sources.txt"),
        "--k", "5",
        "--out", str(out),
        "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["ok"] and summary["before"] == 2018 and summary["sources"] == len(sources)
    assert not summary["model"]["fallback"] and summary["model"]["before"] == 2018
    with out.open() as f:
        reader = csv.reader(f)
        assert next(reader) == ["source", "candidate", "rank", "score", "explanation"]
        rows = list(reader)
    assert len(rows) == summary["recommendations"] == 5 * len(sources)
    for source in sources:
        mine = [r for r in rows if r[0] == source]
        assert [int(r[2]) for r in mine] == [1, 2, 3, 4, 5]
        scores = [float(r[3]) for r in mine]
        assert scores == sorted(scores, reverse=True)
        for _, candidate, *_ in mine:
            assert candidate != source and (source, candidate) not in past
    assert all(r[4] for r in rows)  # every recommendation is explained
    assert any("shared partner" in r[4] for r in rows)


def test_recommend_with_areas_names_them(spain, tmp_path):
    (tmp_path / "sources.txt").write_text("999991722\n")  # the most active Spanish organisation (313 rows)
    out = tmp_path / "recs.csv"
    result = invoke(
        "recommend",
        "--participations", str(spain),
        "--columns", H2020_COLUMNS,
        "--before", "2018",
        "--sources", str(tmp_path / "sources.txt"),
        "--out", str(out),
        "--areas", str(PARTS),
        "--area-columns", "project=rcn,area=programme_part",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 10
    assert any("works in the same programme areas" in r["explanation"] for r in rows)


def test_unknown_source_is_named_with_its_line(toy, tmp_path):
    (tmp_path / "sources.txt").write_text("a\nnobody\n")
    result = CliRunner().invoke(
        cli,
        [
            "match",
            "recommend",
            "--participations", str(toy),
            "--columns", TOY_COLUMNS,
            "--sources", str(tmp_path / "sources.txt"),
            "--out", str(tmp_path / "recs.csv"),
        ],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "sources.txt, line 2: unknown organisation 'nobody'" in result.output
    assert not (tmp_path / "recs.csv").exists()


def test_recommend_on_too_little_history_uses_adamic_adar(toy, tmp_path):
    (tmp_path / "sources.txt").write_text("b\n")
    out = tmp_path / "recs.csv"
    result = invoke(
        "recommend",
        "--participations", str(toy),
        "--columns", TOY_COLUMNS,
        "--before", "2020",
        "--sources", str(tmp_path / "sources.txt"),
        "--k", "2",
        "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Adamic-Adar (too little history to learn)" in result.output
    # b's partners before 2020 are a and c; d (via c) and e (via a) tie on Adamic-Adar 1/ln 2: d first
    rows = list(csv.DictReader(out.open()))
    assert [(r["candidate"], r["rank"]) for r in rows] == [("d", "1"), ("e", "2")]
    assert rows[0]["explanation"] == "1 shared partner: c"


def test_evaluate_by_hand(toy):
    result = invoke(
        "evaluate",
        "--participations", str(toy),
        "--columns", TOY_COLUMNS,
        "--before", "2020",
        "--methods", "adamic_adar,preferential_attachment",
        "--k", "1",
        "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (ev,) = json.loads(result.stdout)["evaluations"]
    assert (ev["before"], ev["n_universe"], ev["n_sources"], ev["n_new_pairs"]) == (2020, 5, 4, 2)
    # hand computation: Adamic-Adar ranks the new partner first for a, c and e, second for b
    aa = ev["methods"]["adamic_adar"]
    assert aa["precision"] == pytest.approx(3 / 4) and aa["mrr"] == pytest.approx(3.5 / 4)


def test_evaluate_prints_a_table_per_year(spain):
    result = invoke(
        "evaluate",
        "--participations", str(spain),
        "--columns", H2020_COLUMNS,
        "--before", "2017",
        "--before", "2018",
        "--methods", "adamic_adar,common_neighbours",
        "--sample", "50",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.count("| method | precision@10 | recall@10 | MRR | Hits@100 | vs Adamic-Adar |") == 2
    assert "T = 2017:" in result.output and "T = 2018:" in result.output
    assert "50 of " in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--methods", "magic"], "unknown method 'magic'; allowed: recommender, adamic_adar"),
        (["--areas", str(PARTS)], "give the areas file's columns"),
        (["--before", "2030"], "no participation row of 2030 or later"),
    ],
)
def test_evaluate_refuses_bad_options(toy, args, message):
    base = ["evaluate", "--participations", str(toy), "--columns", TOY_COLUMNS]
    if "--before" not in args:
        base += ["--before", "2020"]
    result = CliRunner().invoke(cli, ["match", *base, *args])
    assert result.exit_code != 0
    assert message in result.output


def test_a_bad_file_is_reported_whole(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("project,org,year\nP1,a,2018\nP1,b,soon\n")
    result = CliRunner().invoke(
        cli, ["match", "evaluate", "--participations", str(bad), "--columns", TOY_COLUMNS, "--before", "2019"]
    )
    assert result.exit_code == 1
    assert "bad.csv, line 3, field 'year': the year is not a whole number" in result.output
