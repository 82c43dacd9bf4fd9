"""``clusterworks network measures|evolution|import`` on a small hand-made file and a bad one.

The file: P1 = {a, b, c} (2015), P2 = {c, d} (2016), P3 = {d, e} (2017); a, b are universities (HES),
c research (REC), d, e business (PRC). Ties: a-b, a-c, b-c, c-d, d-e (each one shared project).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from clusterworks.cli.main import cli
from clusterworks.web.core.roles import Role
from clusterworks.web.network.models import DatasetParticipation, ParticipationDataset
from tests.factories import user_with_role

COLUMNS = "project=project,organisation=org,year=year,type=type"
ROWS = """project,org,year,type
P1,a,2015,HES
P1,b,2015,HES
P1,c,2015,REC
P2,c,2016,REC
P2,d,2016,PRC
P3,d,2017,PRC
P3,e,2017,PRC
"""


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.csv"
    path.write_text(ROWS)
    return path


def invoke(*args: str):
    return CliRunner().invoke(cli, ["network", *args], catch_exceptions=False)


def test_measures_by_hand(small, tmp_path):
    out = tmp_path / "nodes.csv"
    result = invoke("measures", str(small), "--columns", COLUMNS, "--out", str(out), "--json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    # 5 organisations, 5 ties; density 5 / (5*4/2) = 0.5; one component
    assert (summary["n_nodes"], summary["n_ties"], summary["components"]) == (5, 5, 1)
    assert summary["density"] == pytest.approx(0.5)
    rows = {r["organisation"]: r for r in csv.DictReader(out.open())}
    assert {k: int(r["degree"]) for k, r in rows.items()} == {"a": 2, "b": 2, "c": 3, "d": 2, "e": 1}
    # betweenness: c is on the shortest paths a-d, a-e, b-d, b-e (4 pairs), d on a-e, b-e, c-e (3);
    # normalised by (n-1)(n-2)/2 = 6 pairs
    assert float(rows["c"]["betweenness"]) == pytest.approx(4 / 6)
    assert float(rows["d"]["betweenness"]) == pytest.approx(3 / 6)
    assert float(rows["a"]["betweenness"]) == 0
    # brokerage across sectors, each open pair counted in both directions: through c (research) the
    # open pairs a-d and b-d join a university and a business: liaison, 2 pairs x 2 directions; through
    # d (business) the pair c-e: d shares e's sector: one gatekeeper path and one representative path
    assert int(rows["c"]["liaison"]) == 4 and int(rows["c"]["gatekeeper"]) == 0
    assert (int(rows["d"]["gatekeeper"]), int(rows["d"]["representative"])) == (1, 1)
    assert [rows[k]["sector"] for k in "acd"] == ["university", "research", "business"]


def test_before_keeps_earlier_projects_only(small):
    result = invoke("measures", str(small), "--columns", COLUMNS, "--before", "2016", "--json")
    # only P1: a, b, c and their three ties
    summary = json.loads(result.stdout)
    assert (summary["n_nodes"], summary["n_ties"], summary["projects"]) == (3, 3, 1)
    assert (
        "no participation starts before 2010"
        in invoke("measures", str(small), "--columns", COLUMNS, "--before", "2010").stderr
    )


def test_evolution_by_year(small):
    result = invoke("evolution", str(small), "--columns", COLUMNS, "--json")
    years = json.loads(result.stdout)["years"]
    # 2015: P1's triangle (3 new ties); 2016: c-d; 2017: d-e
    assert [(y["year"], y["n_nodes"], y["n_ties"], y["new_ties"]) for y in years] == [
        (2015, 3, 3, 3),
        (2016, 2, 1, 1),
        (2017, 2, 1, 1),
    ]
    cumulative = json.loads(invoke("evolution", str(small), "--columns", COLUMNS, "--window", "cumulative",
                                   "--json").stdout)["years"]  # fmt: skip
    assert [y["n_ties"] for y in cumulative] == [3, 4, 5]


def test_a_bad_file_lists_every_problem_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("project,org,year,type\nP1,a,2015,HES\nP1,a,2015,HES\nP2,b,NA,XYZ\n")
    out = tmp_path / "nodes.csv"
    result = invoke("measures", str(bad), "--columns", COLUMNS, "--out", str(out))
    assert result.exit_code == 1 and not out.exists()
    assert result.stderr.splitlines() == [
        "Error: the participation file was not read (3 problems):",
        "  bad.csv, line 3, field 'org': organisation 'a' is already in project 'P1' on line 2; "
        "one row per organisation and project",
        "  bad.csv, line 4, field 'year': no year; give the project's start year, or drop such rows",
        "  bad.csv, line 4, field 'type': unknown activity type; allowed: HES, OTH, PRC, PUB, REC",
    ]
    assert "Invalid value for '--columns'" in invoke("measures", str(bad), "--columns", "project=p").stderr


@pytest.mark.django_db
def test_import_stores_a_dataset(small):
    user_with_role(Role.ANALYST, username="ana")
    result = invoke("import", str(small), "--columns", COLUMNS, "--key", "small", "--title", "Small",
                    "--user", "ana", "--json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "ok": True, "key": "small", "rows": 7, "projects": 3, "organisations": 5, "years": [2015, 2017]
    }  # fmt: skip
    assert DatasetParticipation.objects.filter(dataset__key="small").count() == 7
    user_with_role(Role.EXPERT, username="expert")
    args = ["network", "import", str(small), "--columns", COLUMNS, "--key", "other", "--title", "Other"]
    refused = CliRunner().invoke(cli, [*args, "--user", "expert"])
    assert refused.exit_code == 1 and "only analysts and administrators import" in refused.stderr
    assert not ParticipationDataset.objects.filter(key="other").exists()
