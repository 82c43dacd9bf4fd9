"""Pages of priorities and roadmaps: who may see and edit them, the what-if form, the roadmap page and the
CSV exports. The data are those of ``build_priorities`` and ``build_roadmap`` (hand-computed there).
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.contrib.auth.models import AnonymousUser

from clusterworks.web.core.roles import Role
from clusterworks.web.foresight import priorities
from clusterworks.web.foresight.models import Criterion, PriorityExercise, Roadmap, RoadmapLink, RoadmapNode
from clusterworks.web.registry.models import Competence
from tests.factories import ClusterFactory, MembershipFactory, OrganisationFactory, user_with_role
from tests.web.foresight.test_priorities import build_priorities
from tests.web.foresight.test_roadmaps import build_roadmap

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Both plans of one cluster ("medtech"), and one user per role."""
    plans = build_priorities()
    cluster = plans["cluster"]
    roadmap_world = _roadmap_of(cluster, plans["manager"])
    member = OrganisationFactory(key="member-org")
    MembershipFactory(cluster=cluster, organisation=member)
    users = {
        "admin": user_with_role(Role.ADMIN),
        "manager_of_cluster": plans["manager"],
        "manager_of_other": user_with_role(Role.CLUSTER_MANAGER, cluster=ClusterFactory()),
        "representative_of_member": user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=member),
        "analyst": user_with_role(Role.ANALYST),
        "expert": user_with_role(Role.EXPERT),
        "anonymous": AnonymousUser(),
    }
    return {**plans, **roadmap_world, "users": users}


def _roadmap_of(cluster, manager):
    built = build_roadmap(cluster, manager)
    return {"roadmap": built["roadmap"], "nodes": built["nodes"]}


def _login(client, user):
    if user.is_authenticated:
        client.force_login(user)


VIEWERS = {"admin", "manager_of_cluster", "representative_of_member", "analyst"}
MANAGERS = {"admin", "manager_of_cluster"}

PAGES = {
    # url: who may open it
    "/foresight/priorities/medtech-2030/": VIEWERS,
    "/foresight/priorities/medtech-2030/ranking.csv": VIEWERS,
    "/foresight/priorities/medtech-2030/edit/": MANAGERS,
    "/foresight/priorities/medtech-2030/scores/": MANAGERS,
    "/foresight/priorities/medtech-2030/criteria/_new/": MANAGERS,
    "/foresight/priorities/medtech-2030/criteria/impact/": MANAGERS,
    "/foresight/priorities/medtech-2030/candidates/_new/": MANAGERS,
    "/foresight/priorities/medtech-2030/candidates/telemed/": MANAGERS,
    "/foresight/priorities/_new/": MANAGERS | {"manager_of_other"},  # for a cluster they manage
    "/foresight/roadmaps/medtech-rm/": VIEWERS,
    "/foresight/roadmaps/medtech-rm/nodes.csv": VIEWERS,
    "/foresight/roadmaps/medtech-rm/links.csv": VIEWERS,
    "/foresight/roadmaps/medtech-rm/edit/": MANAGERS,
    "/foresight/roadmaps/medtech-rm/nodes/_new/": MANAGERS,
    "/foresight/roadmaps/medtech-rm/nodes/kit/": MANAGERS,
    "/foresight/roadmaps/_new/": MANAGERS | {"manager_of_other"},
}


ROLES = ["admin", "manager_of_cluster", "manager_of_other", "representative_of_member", "analyst", "expert",
         "anonymous"]  # fmt: skip


@pytest.mark.parametrize("who", ROLES)
def test_who_may_open_each_page(client, world, who):
    _login(client, world["users"][who])
    wrong = {}
    for url, allowed in PAGES.items():
        status = client.get(url).status_code
        if status != (200 if who in allowed else 403):
            wrong[url] = status
    assert not wrong, f"{who}: {wrong}"


@pytest.mark.parametrize(
    "who", ["manager_of_other", "representative_of_member", "analyst", "expert", "anonymous"]
)
def test_changes_are_refused_to_everyone_but_the_manager(client, world, who):
    _login(client, world["users"][who])
    posts = {
        "/foresight/priorities/medtech-2030/weights/": {"w-impact": "1", "w-cost": "3"},
        "/foresight/priorities/medtech-2030/edit/": {"action": "delete"},
        "/foresight/priorities/medtech-2030/criteria/cost/": {"action": "delete"},
        "/foresight/roadmaps/medtech-rm/edit/": {"action": "delete"},
        "/foresight/roadmaps/medtech-rm/links/": {"source": "need", "target": "lab"},
        f"/foresight/roadmaps/medtech-rm/links/{RoadmapLink.objects.first().pk}/delete/": {},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 403, url
    assert Criterion.objects.get(key="cost").weight == 1.0
    assert PriorityExercise.objects.exists() and Roadmap.objects.exists()
    assert RoadmapLink.objects.count() == 4


def test_lists_show_what_the_selectors_allow(client, world):
    client.force_login(world["users"]["representative_of_member"])
    assert "Priorities 2030" in client.get("/foresight/priorities/").content.decode()
    assert "Diagnostics roadmap" in client.get("/foresight/roadmaps/").content.decode()
    client.force_login(world["users"]["manager_of_other"])
    assert "Priorities 2030" not in client.get("/foresight/priorities/").content.decode()
    assert "Diagnostics roadmap" not in client.get("/foresight/roadmaps/").content.decode()
    client.logout()
    assert client.get("/foresight/priorities/").status_code == 302  # to the log-in page


# --- priorities ------------------------------------------------------------------------------------


def _ranked(html: str) -> list[str]:
    return re.findall(r'<tr class="[^"]*" data-candidate="([^"]+)"', html)


def test_the_exercise_page_ranks_and_marks_the_priority(client, world):
    client.force_login(world["users"]["representative_of_member"])
    html = client.get("/foresight/priorities/medtech-2030/").content.decode()
    assert _ranked(html) == ["implants", "telemed", "biobank"]  # 0.75, 0.625, 0.1667 (test_priorities)
    assert '<tr class="is-priority" data-candidate="implants">' in html  # top = 1
    # bars of the non-zero contributions: implants has cost 0 (the dearest), biobank impact 0 (the least)
    assert html.count('class="contribution"') == 4
    assert "Edit criteria and candidates" not in html  # read-only for a member's representative
    assert 'class="chart chart-rank-path"' in html and 'class="chart chart-acceptability"' in html
    assert "https://" not in html.split("<main")[1].split("</main>")[0]  # nothing from elsewhere


def test_what_if_reranks_with_arrows_and_the_manager_can_save(client, world):
    client.force_login(world["manager"])
    html = client.get(
        "/foresight/priorities/medtech-2030/", {"w-impact": "1", "w-cost": "3"}
    ).content.decode()
    # weights 1:3 (test_priorities.test_what_if_reranks_without_saving): telemed 0.875, biobank 0.5,
    # implants 0.25; against the saved ranks 2, 3, 1: up 1, up 1, down 2
    assert _ranked(html) == ["telemed", "biobank", "implants"]
    assert re.findall(r'class="rank-(up|down)">[▲▼] (\d)', html) == [("up", "1"), ("up", "1"), ("down", "2")]
    assert "Save these weights" in html
    assert 'name="w-impact" value="1"' in html
    assert Criterion.objects.get(key="impact").weight == 3.0  # nothing saved by looking
    response = client.post("/foresight/priorities/medtech-2030/weights/", {"w-impact": "1", "w-cost": "3"})
    assert response.status_code == 302
    assert {c.key: c.weight for c in Criterion.objects.all()} == {"impact": 1.0, "cost": 3.0}
    html = client.get("/foresight/priorities/medtech-2030/").content.decode()
    assert _ranked(html) == ["telemed", "biobank", "implants"]


def test_what_if_with_a_bad_weight_shows_the_error_and_keeps_the_saved_ranking(client, world):
    client.force_login(world["manager"])
    html = client.get(
        "/foresight/priorities/medtech-2030/", {"w-impact": "-2", "w-cost": "1"}
    ).content.decode()
    assert "Ensure this value is greater than or equal to 0." in html
    assert _ranked(html) == ["implants", "telemed", "biobank"]
    html = client.get(
        "/foresight/priorities/medtech-2030/", {"w-impact": "0", "w-cost": "0"}
    ).content.decode()
    assert "At least one weight must be above 0." in html


def test_the_manager_builds_an_exercise_through_the_pages(client, world):
    client.force_login(world["manager"])
    response = client.post(
        "/foresight/priorities/_new/", {"cluster": "medtech", "key": "new-ex", "title_en": "New", "top": 2}
    )
    assert response.status_code == 302 and response["Location"] == "/foresight/priorities/new-ex/edit/"
    response = client.post(
        "/foresight/priorities/new-ex/criteria/_new/",
        {"key": "value", "title_en": "Value", "weight": "2", "direction": "benefit", "source": "manual",
         "dimension": "1", "position": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    client.post("/foresight/priorities/new-ex/candidates/_new/", {"key": "a", "title_en": "A"})
    client.post("/foresight/priorities/new-ex/candidates/_new/", {"key": "b", "title_en": "B"})
    exercise = PriorityExercise.objects.get(key="new-ex")
    a, b = exercise.candidates.order_by("key")
    criterion = exercise.criteria.get()
    response = client.post(
        "/foresight/priorities/new-ex/scores/",
        {f"score-{a.pk}-{criterion.pk}": "3", f"score-{b.pk}-{criterion.pk}": "5"},
    )
    assert response.status_code == 302
    html = client.get("/foresight/priorities/new-ex/").content.decode()
    assert _ranked(html) == ["b", "a"]
    # a duplicate key is refused with a message
    response = client.post(
        "/foresight/priorities/new-ex/candidates/_new/", {"key": "a", "title_en": "A again"}
    )
    assert "The key a is taken here; choose another." in response.content.decode()
    # the manager of another cluster cannot create one for this cluster
    client.force_login(world["users"]["manager_of_other"])
    response = client.post(
        "/foresight/priorities/_new/", {"cluster": "medtech", "key": "x", "title_en": "X", "top": 1}
    )
    assert response.status_code == 200 and not PriorityExercise.objects.filter(key="x").exists()
    assert "Select a valid choice" in response.content.decode()


def test_the_ranking_csv(client, world):
    exercise = world["exercise"]
    priorities.candidate_update(
        actor=world["manager"],
        candidate=exercise.candidates.get(key="biobank"),
        data={"title_en": "=cmd|' /C calc'!A0"},
    )
    priorities.candidate_create(
        actor=world["manager"], exercise=exercise, data={"key": "robots", "title_en": "Robots"}
    )
    client.force_login(world["users"]["analyst"])
    response = client.get("/foresight/priorities/medtech-2030/ranking.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "rank", "priority", "candidate", "title_en", "title_ru", "score",
        "contribution:impact", "contribution:cost", "value:impact", "value:cost", "missing",
    ]  # fmt: skip
    assert [r[:3] + [r[5]] for r in rows[1:4]] == [
        ["1", "true", "implants", "0.75"],
        ["2", "false", "telemed", "0.625"],
        ["3", "false", "biobank", "0.1666666667"],
    ]
    assert rows[3][3] == "'=cmd|' /C calc'!A0"  # a formula is defused
    assert rows[4][:3] == ["", "false", "robots"]
    assert rows[4][-1] == "impact: no score entered; cost: no score entered"


# --- roadmaps --------------------------------------------------------------------------------------


def test_the_roadmap_page_shows_gaps_partners_and_chains(client, world):
    client.force_login(world["users"]["representative_of_member"])
    html = client.get("/foresight/roadmaps/medtech-rm/").content.decode()
    assert html.count('class="rm-gap-marker"') == 2  # sensor and fluidics (test_roadmaps)
    assert "is-chain" not in html
    assert '<a href="?chain=1">Need → Kit → Sensor → Lab</a>' in html
    # partners for the sensor: near holds both missing competences and is in the cluster's region
    assert (
        '<a href="/organisations/near/">Near</a> — holds 2 of the 2 missing competences: Chemistry, Optics · '
        "same region as the cluster"
    ) in html
    assert (
        '<a href="/organisations/far/">Far</a> — holds 2 of the 2 missing competences: Chemistry, Optics</li>'
        in html
    )
    assert "Nobody in the register offers: Cryogenics" in html
    assert re.search(
        r'<ol class="cover">\s*<li><a href="/organisations/near/">Near</a> — adds Chemistry, Optics', html
    )
    # the members holding each competence, linked to their profiles
    assert '<a href="/organisations/member/">Member</a>' in html
    assert "Edit the roadmap" not in html


def test_a_chain_is_highlighted_by_its_number(client, world):
    client.force_login(world["manager"])
    html = client.get("/foresight/roadmaps/medtech-rm/", {"chain": "2"}).content.decode()
    assert 'id="rm-node-fluidics"' in html
    assert re.search(r'class="rm-node rm-node-technology is-gap is-chain" id="rm-node-fluidics"', html)
    assert re.search(r'class="rm-node rm-node-technology is-gap is-dimmed" id="rm-node-sensor"', html)
    assert '<strong aria-current="true">Need → Kit → Fluidics</strong>' in html
    # a chain that does not exist shows the roadmap without a highlight
    html = client.get("/foresight/roadmaps/medtech-rm/", {"chain": "9"}).content.decode()
    assert "is-chain" not in html


def test_the_link_form_shows_the_rules_broken(client, world):
    client.force_login(world["manager"])
    response = client.post("/foresight/roadmaps/medtech-rm/links/", {"source": "lab", "target": "need"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "goes back to an earlier layer" in html and "The links form a cycle" in html
    assert RoadmapLink.objects.count() == 4
    response = client.post("/foresight/roadmaps/medtech-rm/links/", {"source": "need", "target": "lab"})
    assert response.status_code == 302 and RoadmapLink.objects.count() == 5


def test_the_node_form_validates_and_saves(client, world):
    client.force_login(world["manager"])
    response = client.post(
        "/foresight/roadmaps/medtech-rm/nodes/_new/",
        {"action": "save", "key": "bad", "layer": "technology", "title_en": "Bad", "start_year": "2031",
         "end_year": "2029", "trl": "3"},
    )  # fmt: skip
    assert "The end year must not be before the start year." in response.content.decode()
    response = client.post(
        "/foresight/roadmaps/medtech-rm/nodes/_new/",
        {"action": "save", "key": "ai", "layer": "technology", "title_en": "AI triage", "start_year": "2027",
         "end_year": "2031", "trl": "3", "competences": [Competence.objects.get(code="c-optics").pk]},
    )  # fmt: skip
    assert response.status_code == 302
    node = RoadmapNode.objects.get(key="ai")
    assert (node.trl, [c.code for c in node.competences.all()]) == (3, ["c-optics"])
    response = client.post("/foresight/roadmaps/medtech-rm/nodes/kit/", {"action": "delete"})
    assert response.status_code == 302
    assert not RoadmapNode.objects.filter(key="kit").exists()
    assert RoadmapLink.objects.count() == 1  # need->kit, kit->sensor, kit->fluidics went with kit


def test_the_roadmap_csvs(client, world):
    client.force_login(world["users"]["analyst"])
    nodes = list(
        csv.DictReader(
            io.StringIO(client.get("/foresight/roadmaps/medtech-rm/nodes.csv").content.decode("utf-8-sig"))
        )
    )
    by_key = {row["key"]: row for row in nodes}
    assert by_key["sensor"]["competences"] == "c-chem;c-design;c-optics"
    assert (by_key["sensor"]["gap"], by_key["sensor"]["missing_competences"]) == ("true", "c-chem;c-optics")
    assert (by_key["kit"]["gap"], by_key["lab"]["start_year"], by_key["sensor"]["trl"]) == ("false", "", "4")
    links = list(
        csv.reader(
            io.StringIO(client.get("/foresight/roadmaps/medtech-rm/links.csv").content.decode("utf-8-sig"))
        )
    )
    assert links == [
        ["source", "target", "source_layer", "target_layer"],
        ["kit", "fluidics", "product", "technology"],
        ["kit", "sensor", "product", "technology"],
        ["need", "kit", "market", "product"],
        ["sensor", "lab", "technology", "resource"],
    ]


def test_pages_of_plans_just_begun(client, world):
    manager = world["manager"]
    client.force_login(manager)
    client.post(
        "/foresight/priorities/_new/", {"cluster": "medtech", "key": "empty", "title_en": "Empty", "top": 3}
    )
    html = client.get("/foresight/priorities/empty/").content.decode()
    assert "Add criteria to rank the candidates." in html
    # one criterion: a ranking, but no weight to move
    exercise = PriorityExercise.objects.get(key="empty")
    only = priorities.criterion_create(
        actor=manager, exercise=exercise, data={"key": "only", "title_en": "Only", "weight": 1}
    )
    for key, value in (("a", 1), ("b", 2)):
        candidate = priorities.candidate_create(
            actor=manager, exercise=exercise, data={"key": key, "title_en": key}
        )
        priorities.score_set(actor=manager, candidate=candidate, criterion=only, value=value)
    html = client.get("/foresight/priorities/empty/").content.decode()
    assert _ranked(html) == ["b", "a"]
    assert "chart-rank-path" not in html and "How stable is the ranking?" not in html
    client.post(
        "/foresight/roadmaps/_new/",
        {"cluster": "medtech", "key": "blank", "title_en": "Blank", "start_year": "2026", "end_year": "2030"},
    )
    html = client.get("/foresight/roadmaps/blank/").content.decode()
    assert "The roadmap has no nodes yet." in html
