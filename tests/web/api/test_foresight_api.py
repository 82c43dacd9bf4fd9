"""``/surveys``, ``/priorities``, ``/roadmaps``: who sees what (per role and per object), and the numbers,
which must be those the foresight app's selectors compute for its pages.

The world: the Delphi survey of ``tests/web/foresight/world_surveys.py`` (cluster ``medtech``, six
panelists E01-E06, round 1 closed, round 2 open), the roadmap of ``tests/web/foresight/test_roadmaps.py``
on the same cluster, and a priority exercise built here (see :func:`build_exercise`, with the expected
ranking worked out by hand).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clusterworks.web.core.permissions import check
from clusterworks.web.core.roles import Role
from clusterworks.web.foresight import priorities, results
from clusterworks.web.foresight.models import Survey
from clusterworks.web.foresight.responses_io import responses_csv
from clusterworks.web.foresight.roadmaps import roadmap_analysis
from clusterworks.web.registry.models import Competence, Organisation
from tests.factories import (
    ClusterFactory,
    PriorityExerciseFactory,
    RoadmapFactory,
    RoundFactory,
    SurveyFactory,
    user_with_role,
)
from tests.web.foresight.test_roadmaps import build_roadmap
from tests.web.foresight.world_surveys import build_world

from .conftest import API, client_for

pytestmark = pytest.mark.django_db

SURVEY = "/surveys/medtech-2030"
EXERCISE = "/priorities/medtech-priorities"
ROADMAP = "/roadmaps/medtech-rm"
DETAILS = [SURVEY, EXERCISE, ROADMAP]
ENDPOINTS = [
    "/surveys",
    SURVEY,
    SURVEY + "/results",
    SURVEY + "/responses",
    "/priorities",
    EXERCISE,
    "/roadmaps",
    ROADMAP,
]


def build_exercise(world: Any) -> Any:
    """A priority exercise of the survey's cluster, ranking four candidates on three criteria:

    ===========  ===================  ==================  =========================
    candidate    importance (delphi)  cost (manual, low   capability (needed codes
                 round 1 medians      is better)          held by current members)
    ===========  ===================  ==================  =========================
    tele         2 4 5 5 -> 4.5       10                  c-design: 1/1 = 1
    implants     3 3 3 4 -> 3         40                  c-design, c-chem: 1/2
    robots       1 1 5 5 -> 3         20                  c-cryo: 0/1 = 0
    biobank      (no item)            (none entered)      (none listed)
    ===========  ===================  ==================  =========================

    Weights 2, 1, 1 (shares 1/2, 1/4, 1/4); the top 2 are priorities.
    """
    manager = world.manager
    exercise = priorities.exercise_create(
        actor=manager,
        cluster=world.survey.cluster,
        data={
            "key": "medtech-priorities",
            "title_en": "Priorities 2030",
            "title_ru": "Приоритеты 2030",
            "survey": world.survey,
            "top": 2,
        },
    )
    criteria = {
        key: priorities.criterion_create(actor=manager, exercise=exercise, data={"key": key, **data})
        for key, data in {
            "importance": {
                "title_en": "Importance",
                "weight": 2,
                "source": "delphi",
                "question": world.questions["importance"],
            },
            "cost": {"title_en": "Cost", "weight": 1, "direction": "cost"},
            "capability": {"title_en": "Capability", "weight": 1, "source": "capability"},
        }.items()
    }
    needs = {"tele": ["c-design"], "implants": ["c-design", "c-chem"], "robots": ["c-cryo"], "biobank": []}
    costs = {"tele": 10, "implants": 40, "robots": 20}
    for key, codes in needs.items():
        candidate = priorities.candidate_create(
            actor=manager,
            exercise=exercise,
            data={"key": key, "title_en": key.capitalize()},
            competences=Competence.objects.filter(code__in=codes),
        )
        if key in costs:
            priorities.score_set(
                actor=manager, candidate=candidate, criterion=criteria["cost"], value=costs[key]
            )
    return exercise


@dataclass
class Foresight:
    world: Any
    exercise: Any
    roadmap: Any
    users: dict[str, Any]

    def client(self, role: str):
        return client_for(self.users[role])


@pytest.fixture
def foresight() -> Foresight:
    world = build_world()
    cluster = world.survey.cluster
    roadmap = build_roadmap(cluster=cluster, manager=world.manager)["roadmap"]
    exercise = build_exercise(world)
    declined = world.panel["E06"]
    declined.declined_at = timezone.now()
    declined.save()
    users = {
        "admin": user_with_role(Role.ADMIN, username="admin"),
        "manager": world.manager,
        "other_manager": world.other_manager,
        "analyst": world.analyst,
        "panelist": world.panel["E01"].user,
        "declined_panelist": declined.user,
        "outsider_expert": world.outsider_expert,
        "representative": user_with_role(
            Role.ORGANISATION_REPRESENTATIVE,
            organisation=Organisation.objects.get(key="member"),
            username="representative",
        ),
        "former_representative": user_with_role(
            Role.ORGANISATION_REPRESENTATIVE,
            organisation=Organisation.objects.get(key="former"),
            username="former-representative",
        ),
    }
    return Foresight(world=world, exercise=exercise, roadmap=roadmap, users=users)


def ok(response) -> Any:
    assert response.status_code == 200, response.content
    return response.json()


def keys(response) -> list[str]:
    return [row["key"] for row in ok(response)["results"]]


# --- who sees what ----------------------------------------------------------------------------------------

ALL = ["medtech-2030"], ["medtech-priorities"], ["medtech-rm"]
NOTHING = [], [], []


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", ALL),
        ("manager", ALL),
        ("analyst", ALL),
        ("other_manager", NOTHING),
        ("panelist", (["medtech-2030"], [], [])),  # sits on the panel; not a member of the cluster
        ("declined_panelist", NOTHING),
        ("outsider_expert", NOTHING),
        ("representative", ([], ["medtech-priorities"], ["medtech-rm"])),  # a current member's
        ("former_representative", NOTHING),  # the membership ended
    ],
)
def test_lists_by_role(foresight, role, expected):
    client = foresight.client(role)
    found = tuple(keys(client.get(path)) for path in ("/surveys", "/priorities", "/roadmaps"))
    assert found == expected


# the status of each endpoint for each role: survey, results, responses, exercise, roadmap
MATRIX = {
    "admin": (200, 200, 200, 200, 200),
    "manager": (200, 200, 200, 200, 200),
    "analyst": (200, 200, 200, 200, 200),
    "other_manager": (403, 403, 403, 403, 403),
    "panelist": (200, 403, 403, 403, 403),
    "declined_panelist": (403, 403, 403, 403, 403),
    "outsider_expert": (403, 403, 403, 403, 403),
    "representative": (403, 403, 403, 200, 200),
    "former_representative": (403, 403, 403, 403, 403),
}


@pytest.mark.parametrize("role", MATRIX)
def test_objects_by_role(foresight, role):
    client = foresight.client(role)
    paths = [SURVEY, SURVEY + "/results", SURVEY + "/responses", EXERCISE, ROADMAP]
    statuses = tuple(client.get(path).status_code for path in paths)
    assert statuses == MATRIX[role]


def test_a_panelist_sees_the_survey_but_not_its_results_nor_the_answers(foresight):
    client = foresight.client("panelist")
    assert ok(client.get(SURVEY))["key"] == "medtech-2030"
    for path, reason in (
        (SURVEY + "/results", "results are for the cluster's managers and analysts"),
        (SURVEY + "/responses", "individual answers are for the cluster's managers and analysts"),
    ):
        response = client.get(path)
        assert response.status_code == 403
        assert response.json() == {
            "error": {"status": 403, "code": "permission_denied", "message": reason, "fields": {}}
        }


def test_another_clusters_manager_gets_403_for_what_exists_and_404_for_what_does_not(foresight):
    client = foresight.client("other_manager")
    for path in DETAILS:
        error = client.get(path).json()["error"]
        assert (error["status"], error["code"]) == (403, "permission_denied")
        error = client.get(path + "-none").json()["error"]
        assert (error["status"], error["code"]) == (404, "not_found")
    assert client.get("/surveys/none/results").status_code == 404
    assert client.get("/surveys/none/responses").status_code == 404


@pytest.mark.parametrize("path", ENDPOINTS)
def test_anonymous_gets_401(foresight, anonymous, path):
    response = anonymous.get(path)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("path", ENDPOINTS)
def test_read_only(foresight, path):
    response = foresight.client("admin").post(path, {})
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_the_browser_session_works_too(foresight):
    client = Client()
    client.force_login(foresight.users["manager"])
    assert client.get(f"{API}{SURVEY}/results").status_code == 200
    assert client.get(f"{API}/roadmaps").json()["count"] == 1


def test_lists_filter_by_cluster_and_status(foresight):
    other = ClusterFactory(key="photonics")
    SurveyFactory(cluster=other, key="photonics-2030", status="draft")
    PriorityExerciseFactory(cluster=other, key="photonics-priorities")
    RoadmapFactory(cluster=other, key="photonics-rm")
    client = foresight.client("analyst")
    assert keys(client.get("/surveys")) == ["photonics-2030", "medtech-2030"]  # newest first
    assert keys(client.get("/surveys", {"cluster": "medtech"})) == ["medtech-2030"]
    assert keys(client.get("/surveys", {"status": "draft"})) == ["photonics-2030"]
    assert keys(client.get("/priorities", {"cluster": "photonics"})) == ["photonics-priorities"]
    assert keys(client.get("/roadmaps", {"cluster": "nowhere"})) == []
    assert client.get("/surveys", {"status": "bogus"}).status_code == 422
    assert client.get(SURVEY + "/responses", {"round": 0}).status_code == 422


# --- surveys ----------------------------------------------------------------------------------------------


def test_survey_in_the_list(foresight):
    (survey,) = ok(foresight.client("manager").get("/surveys"))["results"]
    assert survey == {
        "key": "medtech-2030",
        "title_en": "Medical technologies 2030",
        "title_ru": "Медицинские технологии 2030",
        "description_en": "",
        "description_ru": "",
        "cluster": "medtech",
        "status": "running",
        "rules": {
            "agreement_band": 1.0,
            "consensus_iqr": 1.0,
            "consensus_agreement": 0.75,
            "stability_p": 0.05,
            "max_cv_change": 0.15,
            "stopping_rule": "stability",
        },
        "rounds": [
            {"number": 1, "status": "closed", "deadline": None},
            {"number": 2, "status": "open", "deadline": None},
        ],
        "created_at": survey["created_at"],
        "web_url": "/foresight/surveys/medtech-2030/",
    }


def test_survey_with_its_questions(foresight):
    body = ok(foresight.client("panelist").get(SURVEY))
    assert "panel" not in json.dumps(body) and "Name" not in json.dumps(body)  # no panel, no names
    questions = {q["key"]: q for q in body["questions"]}
    assert list(questions) == ["importance", "priority", "impfeas", "barriers", "why"]
    importance = questions["importance"]
    assert (importance["kind"], importance["scale_min"], importance["scale_max"]) == ("rating", 1, 5)
    assert (importance["first_round"], importance["last_round"]) == (1, None)
    assert (importance["agreement_band"], importance["consensus_iqr"]) == (1.0, 1.0)
    assert [i["key"] for i in importance["items"]] == ["tele", "implants", "robots"]
    tele = importance["items"][0]
    assert (tele["title_en"], set(tele)) == ("Tele", {"key", "title_en", "title_ru"})
    assert questions["priority"]["last_round"] == 1 and questions["priority"]["scale_min"] is None
    assert [d["name_en"] for d in questions["impfeas"]["dimensions"]] == ["importance", "feasibility"]
    assert questions["importance"]["dimensions"] == []
    assert questions["barriers"]["max_choices"] == 2
    assert body["rounds"] == [
        {"number": 1, "status": "closed", "deadline": None},
        {"number": 2, "status": "open", "deadline": None},
    ]


def _stats(found: results.ItemRound) -> dict[str, Any]:
    s = found.statistics
    return {
        "round": found.round,
        "n": s.n,
        "median": s.median,
        "q1": s.q1,
        "q3": s.q3,
        "iqr": s.iqr,
        "mean": s.mean,
        "sd": s.sd,
        "cv": s.cv,
        "agreement": s.agreement,
        "min": found.minimum,
        "max": found.maximum,
        "consensus": found.consensus,
        "stable": found.stable,
        "verdict": found.verdict,
    }


def test_results_are_those_of_the_results_page(foresight):
    body = ok(foresight.client("analyst").get(SURVEY + "/results"))
    expected = results.survey_results(survey=foresight.world.survey)
    assert body["survey"] == "medtech-2030"
    assert [q["key"] for q in body["questions"]] == [q.question.key for q in expected.questions]
    for question, found in zip(body["questions"], expected.questions, strict=True):
        assert question["kind"] == found.question.kind
        assert [(i["item"], i["dimension"]) for i in question["items"]] == [
            (i.item.key, i.dimension) for i in found.items
        ]
        for item, found_item in zip(question["items"], found.items, strict=True):
            assert item["rounds"] == [_stats(r) for r in found_item.rounds]
        assert question["concordance"] == [
            {
                "round": n,
                "w": w.w,
                "chi2": w.chi2,
                "df": w.df,
                "p": w.p_value,
                "experts": w.experts,
                "items": w.items,
            }
            for n, w in found.concordance
        ]


def test_results_by_hand(foresight):
    body = ok(foresight.client("manager").get(SURVEY + "/results"))
    questions = {q["key"]: q for q in body["questions"]}
    tele = next(i for i in questions["importance"]["items"] if i["item"] == "tele")
    first, second = tele["rounds"]
    # round 1: 2 4 5 5 -> median 4.5, q1 3.5, q3 5, IQR 1.5, mean 4, 3 of 4 within 1 of 4.5 (as in
    # tests/web/foresight/test_results.py); no consensus (IQR > 1); a first round is never stable
    assert {k: first[k] for k in ("n", "median", "q1", "q3", "iqr", "mean", "agreement", "min", "max")} == {
        "n": 4, "median": 4.5, "q1": 3.5, "q3": 5.0, "iqr": 1.5, "mean": 4.0, "agreement": 0.75, "min": 2,
        "max": 5,
    }  # fmt: skip
    assert (first["consensus"], first["stable"], first["verdict"]) == (False, None, "continue")
    # round 2: 4 4 5 5 -> IQR 1, all within 1 of 4.5: consensus; E01 moved 2 -> 4: not yet stable
    assert (second["iqr"], second["agreement"]) == (1.0, 1.0)
    assert (second["consensus"], second["stable"], second["verdict"]) == (True, False, "continue")
    # the two scales of impfeas: 7 7 8 9 and 3 3 4 5
    medians = {(i["item"], i["dimension"]): i["rounds"][0]["median"] for i in questions["impfeas"]["items"]}
    assert medians == {("tele2", 1): 7.5, ("tele2", 2): 3.5}
    # Kendall's W of (1 2 3), (1 3 2), (2 1 3): 4/9, chi2 8/3 on 2 degrees of freedom
    (w,) = questions["priority"]["concordance"]
    assert (w["round"], w["experts"], w["items"], w["df"]) == (1, 3, 3, 2)
    assert w["w"] == pytest.approx(4 / 9) and w["chi2"] == pytest.approx(8 / 3)
    assert questions["importance"]["concordance"] == []
    # choices of round 1: E01 cost + reg, E02 cost, E03 staff
    assert questions["barriers"]["choices"] == [
        {"round": 1, "respondents": 3, "counts": {"cost": 2, "reg": 1, "staff": 1}}
    ]
    assert questions["why"]["items"] == [] and questions["why"]["choices"] == []
    # progress: round 1 E01-E04 submitted, E05 nothing (E06 declined, with nothing submitted); round 2
    # E01-E04 submitted, E05 a draft
    assert body["progress"] == [
        {"round": 1, "status": "closed", "panel": 5, "submitted": 4, "drafted": 0, "not_started": 1},
        {"round": 2, "status": "open", "panel": 5, "submitted": 4, "drafted": 1, "not_started": 0},
    ]


def test_results_and_answers_name_no_expert(foresight):
    client = foresight.client("manager")
    for path in (SURVEY + "/results", SURVEY + "/responses?page_size=200"):
        text = client.get(path).content.decode()
        assert "Name" not in text and "expert-e0" not in text and "Remote care" not in text


def test_responses_are_the_rows_of_the_csv_export(foresight):
    survey = foresight.world.survey
    client = foresight.client("analyst")
    rows = []
    for page in (1, 2, 3):
        body = ok(client.get(SURVEY + "/responses", {"page": page, "page_size": 20}))
        assert body["count"] == 41  # 12 + 9 + 8 in round 1, 12 in round 2 (see test_results.py)
        rows += body["results"]
    assert rows == [
        {"round": r.round, "expert": r.expert, "question": r.question, "item": r.item, "kind": r.kind,
         "value": r.value}
        for r in results.survey_responses(survey=survey)
    ]  # fmt: skip
    exported = list(csv.DictReader(io.StringIO(responses_csv(survey=survey))))
    assert [{**row, "round": str(row["round"]), "value": float(row["value"])} for row in rows] == [
        {**row, "value": float(row["value"])} for row in exported
    ]
    assert {"round": 1, "expert": "E03", "question": "impfeas:2", "item": "tele2", "kind": "rating",
            "value": 5.0} in rows  # fmt: skip


def test_responses_of_one_round(foresight):
    body = ok(foresight.client("manager").get(SURVEY + "/responses", {"round": 2, "page_size": 200}))
    assert body["count"] == 12 and {r["round"] for r in body["results"]} == {2}
    assert ok(foresight.client("manager").get(SURVEY + "/responses", {"round": 9}))["count"] == 0


# --- priorities -------------------------------------------------------------------------------------------


def test_exercise_ranking_by_hand(foresight):
    body = ok(foresight.client("representative").get(EXERCISE))
    assert (body["key"], body["cluster"], body["survey"], body["top"]) == (
        "medtech-priorities", "medtech", "medtech-2030", 2,
    )  # fmt: skip
    criteria = {c["key"]: c for c in body["criteria"]}
    assert list(criteria) == ["importance", "cost", "capability"]
    assert {k: (c["weight"], c["share"]) for k, c in criteria.items()} == {
        "importance": (2, 0.5),
        "cost": (1, 0.25),
        "capability": (1, 0.25),
    }
    assert (criteria["importance"]["source"], criteria["importance"]["question"]) == ("delphi", "importance")
    assert (criteria["importance"]["low"], criteria["importance"]["high"]) == (1, 5)
    assert (criteria["cost"]["direction"], criteria["cost"]["low"]) == ("cost", None)
    assert (criteria["capability"]["low"], criteria["capability"]["high"]) == (0, 1)
    # normalised over the three candidates (min-max): importance 4.5, 3, 3 -> 1, 0, 0; cost 10, 40, 20
    # (lower is better) -> 1, 0, 2/3; capability 1, 1/2, 0 -> 1, 1/2, 0. Scores: tele 1/2 + 1/4 + 1/4
    # = 1; robots 1/4 * 2/3 = 1/6; implants 1/4 * 1/2 = 1/8
    ranking = [(r["rank"], r["candidate"]["key"], r["score"], r["is_priority"]) for r in body["ranking"]]
    assert ranking == [
        (1, "tele", pytest.approx(1.0), True),
        (2, "robots", pytest.approx(1 / 6), True),
        (3, "implants", pytest.approx(1 / 8), False),
    ]
    assert body["ranking"][1]["contributions"] == {
        "importance": 0.0,
        "cost": pytest.approx(1 / 6),
        "capability": 0.0,
    }
    assert {c["key"]: c["competences"] for c in body["candidates"]} == {
        "biobank": [], "implants": ["c-chem", "c-design"], "robots": ["c-cryo"], "tele": ["c-design"],
    }  # fmt: skip
    assert body["missing"] == [
        {"candidate": "biobank", "criterion": "importance",
         "reason": "no item with key biobank in question importance"},
        {"candidate": "biobank", "criterion": "cost", "reason": "no score entered"},
        {"candidate": "biobank", "criterion": "capability",
         "reason": "the candidate lists no needed competences"},
    ]  # fmt: skip
    assert body["error"] == ""


def test_exercise_is_what_the_page_computes(foresight):
    body = ok(foresight.client("manager").get(EXERCISE))
    analysis = priorities.exercise_analysis(exercise=foresight.exercise, detail=False)
    assert [
        (r["rank"], r["candidate"]["key"], r["score"], r["contributions"], r["is_priority"])
        for r in body["ranking"]
    ] == [
        (r.rank, r.candidate.key, r.score, {c.key: v for c, v in r.contributions}, r.is_priority)
        for r in analysis.rows
    ]
    assert [(m["candidate"], m["criterion"]) for m in body["missing"]] == [
        (m.candidate, m.criterion) for m in analysis.table.missing
    ]


def test_an_exercise_that_cannot_rank_says_why(foresight):
    PriorityExerciseFactory(cluster=foresight.world.survey.cluster, key="empty")
    body = ok(foresight.client("manager").get("/priorities/empty"))
    assert body["ranking"] == [] and body["criteria"] == []
    assert body["error"] == "Add criteria to rank the candidates."


# --- roadmaps ---------------------------------------------------------------------------------------------


def test_roadmap_by_hand(foresight):
    body = ok(foresight.client("analyst").get(ROADMAP))
    assert (body["key"], body["cluster"], body["start_year"], body["end_year"]) == (
        "medtech-rm", "medtech", 2026, 2032,
    )  # fmt: skip
    nodes = {n["key"]: n for n in body["nodes"]}
    assert list(nodes) == ["need", "kit", "sensor", "fluidics", "lab"]  # need, product, technologies, ...
    sensor = nodes["sensor"]
    assert (sensor["layer"], sensor["trl"], sensor["start_year"], sensor["end_year"]) == (
        "technology", 4, 2026, 2030,
    )  # fmt: skip
    # c-design held by the member; c-chem only by a former member (does not count); c-optics by nobody
    assert sensor["competences"] == ["c-chem", "c-design", "c-optics"]
    assert sensor["holders"] == {"c-chem": [], "c-design": ["member"], "c-optics": []}
    assert (sensor["missing"], sensor["is_gap"]) == (["c-chem", "c-optics"], True)
    assert (nodes["kit"]["is_gap"], nodes["need"]["competences"]) == (False, [])
    assert body["links"] == [
        {"source": "need", "target": "kit"},
        {"source": "kit", "target": "sensor"},
        {"source": "kit", "target": "fluidics"},
        {"source": "sensor", "target": "lab"},
    ]
    assert body["chains"] == [
        {"nodes": ["need", "kit", "sensor", "lab"], "complete": False},
        {"nodes": ["need", "kit", "fluidics"], "complete": False},
    ]
    # sensor: near and far offer both (near, in Moscow like the cluster, first), former c-chem;
    # fluidics: nobody offers c-cryo
    assert body["partners"] == [
        {
            "node": "sensor",
            "missing": ["c-chem", "c-optics"],
            "partners": [
                {"organisation": "near", "covers": ["c-chem", "c-optics"]},
                {"organisation": "far", "covers": ["c-chem", "c-optics"]},
                {"organisation": "former", "covers": ["c-chem"]},
            ],
            "uncoverable": [],
        },
        {"node": "fluidics", "missing": ["c-cryo"], "partners": [], "uncoverable": ["c-cryo"]},
    ]
    assert body["problems"] == []


def test_roadmap_is_what_the_page_computes(foresight):
    body = ok(foresight.client("manager").get(ROADMAP))
    analysis = roadmap_analysis(roadmap=foresight.roadmap)
    assert [n["key"] for n in body["nodes"]] == [row.node.key for row in analysis.nodes]
    assert [n["key"] for n in body["nodes"] if n["is_gap"]] == [row.node.key for row in analysis.gaps]
    assert [tuple(c["nodes"]) for c in body["chains"]] == analysis.chains
    assert [c["complete"] for c in body["chains"]] == analysis.chain_complete
    for gap in body["partners"]:
        proposal = analysis.partners.per_gap[gap["node"]]
        assert [p["organisation"] for p in gap["partners"]] == [m.organisation for m in proposal.ranked]


# --- cost -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/surveys", "/priorities", "/roadmaps"])
def test_list_queries_do_not_grow_with_the_page_size(foresight, path):
    cluster = foresight.world.survey.cluster
    for n in range(12):
        survey = SurveyFactory(cluster=cluster, key=f"extra-survey-{n}")
        RoundFactory(survey=survey, number=1)
        RoundFactory(survey=survey, number=2, status="planned")
        PriorityExerciseFactory(cluster=cluster, survey=survey, key=f"extra-priorities-{n}")
        RoadmapFactory(cluster=cluster, key=f"extra-roadmap-{n}")
    client = foresight.client("manager")
    client.get(path)  # the token's first use is written down: not counted

    def count(page_size: int) -> int:
        with CaptureQueriesContext(connection) as context:
            assert len(ok(client.get(path, {"page_size": page_size}))["results"]) == page_size
        return len(context.captured_queries)

    assert count(2) == count(12)


def test_the_surveys_of_the_list_are_the_ones_survey_view_allows(foresight):
    for role, user in foresight.users.items():
        allowed = {s.key for s in Survey.objects.all() if check(user, "survey.view", s)}
        assert set(keys(client_for(user).get("/surveys"))) == allowed, role
