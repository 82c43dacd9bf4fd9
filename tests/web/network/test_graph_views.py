"""The network pages of a cluster and of an organisation: who may see them, and the values they show on
a small network built by hand.

The network (default tie sources: joint projects, agreements, co-applications; weights: counts):

* project P1 (2019): A (university), B (research institute), C (SME)   -> ties A-B, A-C, B-C
* project P2 (2021): C, D (large company)                              -> tie C-D
* agreement G1 (2020): A, E (public authority)                         -> tie A-E

Members of the cluster: A, B, C, E and F (an SME without any tie); D is an outside partner. Every
expected value below is worked out by hand from these five ties, as said next to it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import openpyxl
import pytest
from django.urls import reverse

from clusterworks.web.core.roles import Role
from clusterworks.web.network.services import analysis as an
from clusterworks.web.network.views_graph import CLUSTER_TABLES
from clusterworks.web.registry.models import Agreement, AgreementKind, JointProject, ProjectParticipation
from tests.factories import ClusterFactory, MembershipFactory, OrganisationFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    cluster = ClusterFactory(key="medtech", name_en="Medical Technologies", name_ru="Медицинские технологии")
    other_cluster = ClusterFactory(key="aero", name_en="Aerospace")
    rows = [
        ("a", "a-uni", "Alpha University", "Университет Альфа", "university"),
        ("b", "b-inst", "Beta Institute", "Институт Бета", "research_institute"),
        ("c", "c-sme", "Gamma Ltd", "Гамма", "company_sme"),
        ("d", "d-corp", "Delta Corp", "Дельта", "company_large"),
        ("e", "e-gov", "Epsilon Ministry", "Министерство Эпсилон", "authority"),
        ("f", "f-sme", "Phi Ltd", "Фи", "company_sme"),
        ("x", "x-out", "Outsider", "Аутсайдер", "company_sme"),
    ]
    orgs = {
        letter: OrganisationFactory(key=key, name_en=en, name_ru=ru, type=kind)
        for letter, key, en, ru, kind in rows
    }
    for letter in "abcef":
        MembershipFactory(cluster=cluster, organisation=orgs[letter])
    MembershipFactory(cluster=other_cluster, organisation=orgs["x"])
    MembershipFactory(cluster=other_cluster, organisation=orgs["d"])
    p1 = JointProject.objects.create(title="P1", acronym="P1", start=dt.date(2019, 3, 1))
    for letter in "abc":
        ProjectParticipation.objects.create(project=p1, organisation=orgs[letter])
    p2 = JointProject.objects.create(title="P2", acronym="P2", start=dt.date(2021, 5, 1))
    for letter in "cd":
        ProjectParticipation.objects.create(project=p2, organisation=orgs[letter])
    g1 = Agreement.objects.create(title="G1", kind=AgreementKind.COOPERATION, signed_on=dt.date(2020, 6, 1))
    g1.parties.set([orgs["a"], orgs["e"]])
    users = {
        "analyst": user_with_role(Role.ANALYST),
        "admin": user_with_role(Role.ADMIN),
        "manager": user_with_role(Role.CLUSTER_MANAGER, cluster=cluster),
        "other_manager": user_with_role(Role.CLUSTER_MANAGER, cluster=other_cluster),
        "rep_a": user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=orgs["a"]),
        "rep_x": user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=orgs["x"]),
        "officer": user_with_role(Role.PROGRAMME_OFFICER),
    }
    return {"cluster": cluster, "other": other_cluster, "orgs": orgs, "users": users}


@pytest.fixture
def no_recommender(monkeypatch):
    """The ego pages' recommendations are tested in test_recommend_views.py; here they are left out."""
    from clusterworks.web.network.services import recommend

    monkeypatch.setattr(recommend, "recommendations_for", lambda **kwargs: [])


def _text(response) -> str:
    return response.content.decode()


# ------------------------------------------------------------------------------------ permissions

CLUSTER_URLS = [
    "/network/clusters/medtech/",
    "/network/clusters/medtech/graph.json",
    "/network/clusters/medtech/brokers/",
    "/network/clusters/medtech/nodes.csv",
    "/network/clusters/medtech/ties.xlsx",
]


@pytest.mark.parametrize("url", CLUSTER_URLS)
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("analyst", 200),
        ("admin", 200),
        ("manager", 200),
        ("other_manager", 403),  # another cluster's manager
        ("rep_a", 403),  # a member's representative sees its own ego network, not the cluster's
        ("officer", 403),
    ],
)
def test_cluster_network_pages_are_for_the_cluster_managers_and_analysts(client, world, url, who, status):
    client.force_login(world["users"][who])
    assert client.get(url).status_code == status


@pytest.mark.parametrize("url", CLUSTER_URLS + ["/network/", "/network/organisations/a-uni/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, world, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_unknown_cluster_and_table_are_not_found(client, world):
    client.force_login(world["users"]["analyst"])
    assert client.get("/network/clusters/nope/").status_code == 404
    assert client.get("/network/clusters/medtech/people.csv").status_code == 404


@pytest.mark.parametrize(
    ("who", "key", "status"),
    [
        ("rep_a", "a-uni", 200),  # its own organisation
        ("rep_a", "b-inst", 403),  # another member of the same cluster
        ("rep_x", "a-uni", 403),  # a representative of a non-member organisation
        ("manager", "a-uni", 200),  # a member of the cluster the manager runs
        ("manager", "d-corp", 403),  # an outside partner, member of another cluster
        ("other_manager", "a-uni", 403),  # another cluster's manager
        ("other_manager", "d-corp", 200),
        ("analyst", "f-sme", 200),
        ("officer", "a-uni", 403),
    ],
)
def test_ego_pages_are_for_the_organisation_its_cluster_managers_and_analysts(
    client, world, no_recommender, who, key, status
):
    client.force_login(world["users"][who])
    for url in (f"/network/organisations/{key}/", f"/network/organisations/{key}/partners.csv"):
        assert client.get(url).status_code == status, url
    if status == 200 and key != "f-sme":
        assert client.get(f"/network/organisations/{key}/graph.json").status_code == 200


def test_landing_lists_what_the_user_may_see(client, world):
    client.force_login(world["users"]["manager"])
    text = _text(client.get("/network/"))
    assert reverse("network-cluster", args=["medtech"]) in text
    assert reverse("network-cluster", args=["aero"]) not in text  # not managed
    assert reverse("network-ego", args=["a-uni"]) in text  # a member of the managed cluster
    assert reverse("network-ego", args=["d-corp"]) not in text  # a partner, not a member
    assert reverse("network-datasets") in text  # managers use datasets
    client.force_login(world["users"]["rep_a"])
    text = _text(client.get("/network/"))
    assert reverse("network-ego", args=["a-uni"]) in text
    assert reverse("network-cluster", args=["medtech"]) not in text
    assert reverse("network-datasets") not in text
    client.force_login(world["users"]["analyst"])
    text = _text(client.get("/network/"))
    assert (
        reverse("network-cluster", args=["medtech"]) in text
        and reverse("network-cluster", args=["aero"]) in text
    )


# --------------------------------------------------------------------------------------- values


def _analysis(world, **options) -> an.Analysis:
    return an.cluster_analysis(cluster=world["cluster"], **options)


def test_measures_of_the_hand_made_network(world):
    a = _analysis(world)
    # nodes: the five members and the partner D
    assert sorted(a.graph.names) == ["a-uni", "b-inst", "c-sme", "d-corp", "e-gov", "f-sme"]
    row = {key: a.row(a.index(key)) for key in a.graph.names}
    # degree: A-B, A-C, A-E -> 3; B-A, B-C -> 2; C-A, C-B, C-D -> 3; D, E: 1; F: 0
    assert {k: r["degree"] for k, r in row.items()} == {
        "a-uni": 3, "b-inst": 2, "c-sme": 3, "d-corp": 1, "e-gov": 1, "f-sme": 0,
    }  # fmt: skip
    # betweenness: A is on the paths E-B, E-C, E-D, C on D-A, D-B, D-E: 3 pairs each, normalised by
    # (n-1)(n-2)/2 = 10 pairs -> 0.3; the others lie on no shortest path
    assert row["a-uni"]["betweenness"] == pytest.approx(0.3)
    assert row["c-sme"]["betweenness"] == pytest.approx(0.3)
    assert row["b-inst"]["betweenness"] == 0
    # closeness of A (Wasserman-Faust): it reaches 4 of the 5 others at distances 1+1+1+2 = 5 ->
    # (4/5) * (4/5) = 0.64; F reaches nobody -> 0
    assert row["a-uni"]["closeness"] == pytest.approx(0.64)
    assert row["f-sme"]["closeness"] == 0
    # Burt's constraint of A: partners B, C, E at 1/3 each; B and C are tied, C's ties are 1/3 each and
    # B's 1/2: c = (1/3 + 1/3*1/3)^2 + (1/3 + 1/3*1/2)^2 + (1/3)^2 = 16/81 + 1/4 + 1/9 = 181/324
    assert row["a-uni"]["constraint"] == pytest.approx(181 / 324)
    # effective size of A: 3 partners minus 2 * (1 tie among them) / 3 = 7/3; D's single partner: 1
    assert row["a-uni"]["effective_size"] == pytest.approx(7 / 3)
    assert row["d-corp"]["constraint"] == pytest.approx(1.0)
    # brokerage (sectors: A university, B research, C business, D business, E government): A brokers
    # B-E and C-E, all three sectors differ -> liaison, 2 open pairs x 2 directions = 4; C brokers A-D
    # and B-D, sharing its sector with D -> representative 2 and gatekeeper 2
    assert (row["a-uni"]["liaison"], row["a-uni"]["brokerage"]) == (4, 4)
    assert (row["c-sme"]["representative"], row["c-sme"]["gatekeeper"], row["c-sme"]["brokerage"]) == (
        2,
        2,
        4,
    )
    s = a.summary()
    # 6 organisations, 5 ties: density 2*5 / (6*5) = 1/3; F alone is a second component
    assert (s["n_nodes"], s["n_ties"], s["members"]) == (6, 5, 5)
    assert s["density"] == pytest.approx(1 / 3)
    assert (s["components"], s["largest_component_share"]) == (2, pytest.approx(5 / 6))
    # modularity: the best split is {A, B, E} | {C, D} (or {A, E} | {B, C, D}): with m = 5 and degrees
    # A3 B2 C3 D1 E1, Q = (2/5 - (6/10)^2) + (1/5 - (4/10)^2) = 0.08; F is a community of its own
    assert s["modularity"] == pytest.approx(0.08)
    assert s["communities"] == 2 and s["communities_found"] == 3
    # triple-helix mix: of the 5 ties only C-D is within a sector -> within 0.2, between 0.8, E-I 0.6
    assert (s["helix_within"], s["helix_between"], s["helix_ei_index"]) == (
        pytest.approx(0.2),
        pytest.approx(0.8),
        pytest.approx(0.6),
    )


def test_members_only_and_year_range_change_the_network(world):
    members = _analysis(world, partners=False)
    # without D: A-B, A-C, B-C, A-E -> 5 nodes (F isolated), 4 ties
    assert (members.summary()["n_nodes"], members.summary()["n_ties"]) == (5, 4)
    until_2020 = _analysis(world, years=(None, 2020))
    # ties begun up to 2020: P1's three and A-E; C-D (2021) is out, and so is D (a partner, no tie);
    # F stays (a member)
    assert sorted(until_2020.graph.names) == ["a-uni", "b-inst", "c-sme", "e-gov", "f-sme"]
    assert until_2020.graph.n_edges == 4
    from_2021 = _analysis(world, years=(2021, None))
    # only C-D; the members without a tie then (A, B, E, F) stay as isolated nodes
    assert from_2021.graph.n_edges == 1 and from_2021.graph.weight("c-sme", "d-corp") == 1
    assert sorted(from_2021.graph.names) == ["a-uni", "b-inst", "c-sme", "d-corp", "e-gov", "f-sme"]


def test_evolution_year_by_year(world):
    snapshots = an.cluster_evolution(cluster=world["cluster"])
    # cumulative: 2019 P1 (3 organisations, 3 ties), 2020 + A-E (4, 4), 2021 + C-D (5, 5)
    assert [
        (s.year, s.cohesion.n_nodes, s.cohesion.n_ties, s.new_ties, s.new_organisations) for s in snapshots
    ] == [
        (2019, 3, 3, 3, 3),
        (2020, 4, 4, 1, 1),
        (2021, 5, 5, 1, 1),
    ]


def test_cluster_page_shows_the_measures_charts_and_tables(client, world):
    client.force_login(world["users"]["manager"])
    response = client.get("/network/clusters/medtech/")
    text = _text(response)
    assert response.status_code == 200
    assert "Network of Medical Technologies" in text
    # the summary cards: 6 organisations, 5 members, 5 ties, density 33.3 %
    assert 'data-indicator="n_nodes"><span class="stat-value">6<' in text
    assert 'data-indicator="members"><span class="stat-value">5<' in text
    assert 'data-indicator="n_ties"><span class="stat-value">5<' in text
    assert "33.3 %" in text
    # the top table sorted by partners: A and C (3 each, A first by node number), then B
    top = [row.split('"')[1] for row in text.split("<tr data-organisation=")[1:4]]
    assert top == ["a-uni", "c-sme", "b-inst"]
    assert "Members without a tie in this network" in text and "Phi Ltd" in text
    # charts with text alternatives: the year-by-year lines, the triple-helix matrix, the communities
    assert text.count('<svg class="chart chart-lines"') == 3
    assert "<desc>" in text and 'class="chart chart-helix-matrix"' in text
    assert 'class="chart chart-communities"' in text
    # the evolution table has a row per year
    assert all(f'<tr data-year="{y}">' in text for y in (2019, 2020, 2021))
    # the interactive view reads the JSON of this page; its canvas is labelled
    assert 'data-graph-src="/network/clusters/medtech/graph.json"' in text and "aria-label=" in text
    for table in CLUSTER_TABLES:
        assert (
            f"/network/clusters/medtech/{table}.csv" in text
            and f"/network/clusters/medtech/{table}.xlsx" in text
        )


def test_sorting_the_table_by_a_measure(client, world):
    client.force_login(world["users"]["analyst"])
    text = _text(client.get("/network/clusters/medtech/", {"sort": "constraint"}))
    top = text.split('<tr data-organisation="')[1].split('"')[0]
    # constraint: D and E have a single partner -> 1, the highest; D first (node number)
    assert top == "d-corp"


MEMBERS_ONLY = {"scope": "members", "weighting": "count", "sources": ["projects", "agreements"]}


def test_filters_work_without_javascript(client, world):
    client.force_login(world["users"]["analyst"])
    text = _text(client.get("/network/clusters/medtech/", MEMBERS_ONLY))
    # members only: 5 organisations, 4 ties
    assert 'data-indicator="n_nodes"><span class="stat-value">5<' in text
    assert 'data-indicator="n_ties"><span class="stat-value">4<' in text
    # the view and the downloads keep the options
    assert "graph.json?sources=projects&amp;sources=agreements&amp;weighting=count&amp;scope=members" in text
    # agreements only: the single tie A-E
    text = _text(client.get("/network/clusters/medtech/", {"sources": "agreements"}))
    assert 'data-indicator="n_ties"><span class="stat-value">1<' in text
    # no source ticked: an error, and the default network
    text = _text(client.get("/network/clusters/medtech/", {"weighting": "count", "scope": "partners"}))
    assert "Choose at least one kind of tie." in text
    assert 'data-indicator="n_ties"><span class="stat-value">5<' in text
    # a year range backwards is refused
    text = _text(client.get("/network/clusters/medtech/", {"year_from": 2021, "year_to": 2019}))
    assert "The last year must not be before the first (2021)." in text


def test_graph_json_is_the_view_of_the_network(client, world):
    client.force_login(world["users"]["manager"])
    data = json.loads(client.get("/network/clusters/medtech/graph.json").content)
    assert data["shown"] == data["total"] == 6 and data["ties"] == 5
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["a-uni"]["label"] == "Alpha University" and nodes["a-uni"]["url"] == "/organisations/a-uni/"
    assert nodes["a-uni"]["helix"] == "university" and nodes["a-uni"]["member"] is True
    assert nodes["d-corp"]["member"] is False
    # D is a member of the other cluster, the others of medtech
    assert [data["clusters"][i] for i in nodes["d-corp"]["clusters"]] == ["aero"]
    assert [data["clusters"][i] for i in nodes["a-uni"]["clusters"]] == ["medtech"]
    # measures in the order of "measures": A's degree is 3, its betweenness 0.3
    m = dict(zip(data["measures"], nodes["a-uni"]["m"], strict=True))
    assert (m["degree"], m["betweenness"]) == (3, 0.3)
    # edges: 4 numbers a tie; C-D began in 2021
    edges = [data["edges"][i : i + 4] for i in range(0, len(data["edges"]), 4)]
    index = {n["id"]: i for i, n in enumerate(data["nodes"])}
    assert len(edges) == 5
    assert [index["c-sme"], index["d-corp"], 1, 2021] in edges
    assert all(0 <= n["x"] <= 1000 and 0 <= n["y"] <= 1000 for n in data["nodes"])
    # the same layout every time (seeded)
    again = json.loads(client.get("/network/clusters/medtech/graph.json").content)
    assert [(n["x"], n["y"]) for n in again["nodes"]] == [(n["x"], n["y"]) for n in data["nodes"]]


def test_graph_json_speaks_russian(client, world):
    client.force_login(world["users"]["manager"])
    client.cookies["clusterworks_language"] = "ru"
    data = json.loads(client.get("/network/clusters/medtech/graph.json").content)
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    assert labels["a-uni"] == "Университет Альфа"


def _csv_rows(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_downloads_hold_the_tables(client, world):
    client.force_login(world["users"]["analyst"])
    response = client.get("/network/clusters/medtech/nodes.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="clusterworks-network-medtech-nodes-' in response["Content-Disposition"]
    rows = {r["organisation"]: r for r in _csv_rows(response)}
    assert set(rows) == {"a-uni", "b-inst", "c-sme", "d-corp", "e-gov", "f-sme"}
    assert (rows["a-uni"]["degree"], rows["a-uni"]["liaison"], rows["a-uni"]["member"]) == ("3", "4", "true")
    assert float(rows["a-uni"]["betweenness"]) == pytest.approx(0.3)
    assert rows["d-corp"]["member"] == "false" and rows["d-corp"]["clusters"] == "aero"
    ties = _csv_rows(client.get("/network/clusters/medtech/ties.csv"))
    # the five ties, each with its first year
    assert sorted((t["organisation_a"], t["organisation_b"], t["first_year"]) for t in ties) == [
        ("a-uni", "b-inst", "2019"),
        ("a-uni", "c-sme", "2019"),
        ("a-uni", "e-gov", "2020"),
        ("b-inst", "c-sme", "2019"),
        ("c-sme", "d-corp", "2021"),
    ]
    evolution = _csv_rows(client.get("/network/clusters/medtech/evolution.csv"))
    assert [(r["year"], r["n_nodes"], r["n_ties"]) for r in evolution] == [
        ("2019", "3", "3"),
        ("2020", "4", "4"),
        ("2021", "5", "5"),
    ]
    helix = {
        (r["sector_a"], r["sector_b"]): float(r["share"])
        for r in _csv_rows(client.get("/network/clusters/medtech/helix.csv"))
    }
    # one tie of five in each between-sector pair present, C-D within business
    assert helix[("business", "business")] == pytest.approx(0.2)
    assert helix[("university", "government")] == pytest.approx(0.2)
    communities = _csv_rows(client.get("/network/clusters/medtech/communities.csv"))
    # two communities of 3 and 2 organisations, and F alone
    assert [int(r["organisations"]) for r in communities] == [3, 2, 1]
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/network/clusters/medtech/nodes.xlsx").content))
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    values = {
        row[0]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert values["a-uni"]["degree"] == 3 and isinstance(
        values["a-uni"]["betweenness"], float
    )  # numbers stay numbers


def test_downloads_keep_the_options(client, world):
    client.force_login(world["users"]["analyst"])
    rows = _csv_rows(client.get("/network/clusters/medtech/nodes.csv", MEMBERS_ONLY))
    assert "d-corp" not in {r["organisation"] for r in rows} and len(rows) == 5


def test_brokers_page(client, world):
    client.force_login(world["users"]["manager"])
    text = _text(client.get("/network/clusters/medtech/brokers/"))
    # the brokers: A and C (4 paths each); B, D, E broker nothing
    brokers = text.split('<table class="brokers">')[1].split("</table>")[0]
    assert brokers.count("<tr data-organisation=") == 2
    assert "Alpha University" in brokers and "Gamma Ltd" in brokers
    # who bridges which sectors: A links research (B) with government (E), business (C) with government
    bridges = text.split('<table class="bridges">')[1].split("</table>")[0]
    assert "Research – Government" in bridges and "Business – Government" in bridges
    assert "Alpha University</a> (1)" in bridges
    # C links university (A) and research (B) with business (D): 1 open pair each
    assert "Universities – Business" in bridges and "Gamma Ltd</a> (1)" in bridges
    assert 'class="chart chart-roles"' in text


def test_ego_page_shows_the_organisation_in_its_network(client, world, no_recommender):
    client.force_login(world["users"]["rep_a"])
    text = _text(client.get("/network/organisations/a-uni/"))
    # A's direct partners: B, C, E
    partners = text.split('<table class="partners">')[1].split("</table>")[0]
    assert partners.count("<tr data-organisation=") == 3
    # A ranks first of the five organisations of the register's network (those with a tie: F has none)
    # by partners (3, tied with C; A first by node number)
    assert "1 of 5" in text
    text = _text(client.get("/network/organisations/a-uni/", {"order": 2}))
    # partners of partners: D, through C
    assert "Delta Corp</a>" in text.split('class="second-order"')[1] and "through 1 partner" in text
    data = json.loads(client.get("/network/organisations/a-uni/graph.json", {"order": 2}).content)
    assert sorted(n["id"] for n in data["nodes"]) == ["a-uni", "b-inst", "c-sme", "d-corp", "e-gov"]
    rows = _csv_rows(client.get("/network/organisations/a-uni/partners.csv"))
    assert sorted(r["organisation"] for r in rows) == ["a-uni", "b-inst", "c-sme", "e-gov"]


def test_ego_page_of_an_organisation_without_ties(client, world, no_recommender):
    client.force_login(world["users"]["analyst"])
    text = _text(client.get("/network/organisations/f-sme/"))
    assert "has no tie in the register yet" in text
    assert client.get("/network/organisations/f-sme/graph.json").status_code == 404


def test_empty_cluster_and_cluster_without_ties(client, world):
    ClusterFactory(key="empty")
    lonely = ClusterFactory(key="lonely")
    for _ in range(2):
        MembershipFactory(cluster=lonely)
    client.force_login(world["users"]["analyst"])
    response = client.get("/network/clusters/empty/")
    assert response.status_code == 200
    assert json.loads(client.get("/network/clusters/empty/graph.json").content)["nodes"] == []
    # two members, no tie: two isolated organisations, no constraint to speak of
    text = _text(client.get("/network/clusters/lonely/"))
    assert 'data-indicator="n_nodes"><span class="stat-value">2<' in text
    assert 'data-indicator="n_ties"><span class="stat-value">0<' in text
    data = json.loads(client.get("/network/clusters/lonely/graph.json").content)
    assert len(data["nodes"]) == 2 and data["edges"] == []
    assert client.get("/network/clusters/lonely/brokers/").status_code == 200


def test_broker_tables_download(client, world):
    client.force_login(world["users"]["manager"])
    text = _text(client.get("/network/clusters/medtech/brokers/"))
    assert "/network/clusters/medtech/bridges.csv" in text and "/network/clusters/medtech/roles.xlsx" in text
    bridges = _csv_rows(client.get("/network/clusters/medtech/bridges.csv"))
    # A links B (research) and C (business) with E (government); C links A (university) and B
    # (research) with D (business): one open pair each
    assert sorted((r["sector_a"], r["sector_b"], r["organisation"], r["open_pairs"]) for r in bridges) == [
        ("business", "government", "a-uni", "1"),
        ("research", "business", "c-sme", "1"),
        ("research", "government", "a-uni", "1"),
        ("university", "business", "c-sme", "1"),
    ]
    roles = {r["sector"]: r for r in _csv_rows(client.get("/network/clusters/medtech/roles.csv"))}
    # university: A's 4 liaison paths; business (C, D, F): C's 2 representative and 2 gatekeeper paths
    assert (roles["university"]["organisations"], roles["university"]["liaison"]) == ("1", "4")
    assert (roles["business"]["organisations"], roles["business"]["representative"]) == ("3", "2")
    assert roles["business"]["brokerage"] == "4" and roles["research"]["brokerage"] == "0"
