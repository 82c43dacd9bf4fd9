"""Partner recommendations on the pages: an organisation's ego page, a project idea, a dataset
organisation's page, and the foresight roadmaps' partner search (``partners_for_gap``).

The ranking itself is the analytics library's (``clusterworks.analytics.network.recommend``, tested
with it). Here the web layer is checked against a stand-in with the library's interface, whose ranking
is simple enough to work out by hand: a candidate scores one point per wanted competence it holds and
half a point per word of the idea's text found in its profile; ties are broken by identifier. So the
tests pin what the pages give the recommender (profiles, competences, regions, the consortium, the
types left out) and what they do with its answer (names, links, reasons, order, permissions).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

import pytest

from clusterworks.web.core.roles import Role
from clusterworks.web.network import messages
from clusterworks.web.network.services import recommend
from clusterworks.web.registry.models import JointProject, ProjectParticipation
from tests.factories import (
    ClusterFactory,
    CompetenceFactory,
    MembershipFactory,
    OrganisationFactory,
    RegionFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict[str, Any]
    text: str


@dataclass(frozen=True)
class Recommendation:
    candidate: str
    rank: int
    score: float
    reasons: tuple[Reason, ...]


@dataclass
class StandIn:
    """The library's PartnerIndex interface with a ranking worked out by hand (see the module text)."""

    ids: tuple[str, ...]
    profiles: dict[str, str]
    competences: dict[str, tuple[str, ...]]
    regions: dict[str, str]
    calls: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def build(
        cls, part, *, profiles=None, areas=None, competences=None, regions=None, model=None, progress=None
    ):
        index = cls(
            tuple(part.organisation_ids), dict(profiles or {}), dict(competences or {}), dict(regions or {})
        )
        BUILT.append(index)
        return index

    def recommend(self, source, *, k=10, text=None, wanted=(), exclude=(), kinds=()):
        sources = [source] if isinstance(source, str) else list(source)
        self.calls.append(
            {
                "source": sources,
                "k": k,
                "text": text,
                "wanted": tuple(wanted),
                "exclude": set(exclude),
                "kinds": kinds,
            }
        )
        words = set((text or "").lower().split())
        scored = []
        for candidate in self.ids:
            if candidate in sources or candidate in set(exclude):
                continue
            held = [c for c in wanted if c in self.competences.get(candidate, ())]
            found = sorted(w for w in words if w in self.profiles.get(candidate, "").lower().split())
            score = len(held) + 0.5 * len(found)
            reasons = []
            if held:
                reasons.append(Reason("competence", {"codes": held}, f"holds {', '.join(held)}"))
            if found:
                reasons.append(Reason("text", {"words": found}, f"profile mentions {', '.join(found)}"))
            if sources:
                reasons.append(
                    Reason("shared_partner", {"partners": [sources[0]], "partner_names": sources[0]}, "close")
                )
            scored.append((-score, candidate, reasons))
        scored.sort()
        return [
            Recommendation(candidate, rank, -negative, tuple(reasons))
            for rank, (negative, candidate, reasons) in enumerate(scored[:k], start=1)
        ]


BUILT: list[StandIn] = []  # every index built in a test


@pytest.fixture
def stand_in(monkeypatch):
    BUILT.clear()
    monkeypatch.setattr(recommend, "_partner_index", lambda: StandIn)
    return BUILT


@pytest.fixture
def world(db):
    cluster = ClusterFactory(key="medtech")
    other = ClusterFactory(key="aero")
    imaging = CompetenceFactory(code="imaging", name_en="Medical imaging", name_ru="Медицинская визуализация")
    trials = CompetenceFactory(code="trials", name_en="Clinical trials", name_ru="Клинические исследования")
    spb = RegionFactory(code="RU-SPE", name_en="Saint Petersburg", name_ru="Санкт-Петербург")
    a = OrganisationFactory(
        key="a-uni", name_en="Alpha University", type="university", description="Robotics lab"
    )
    b = OrganisationFactory(key="b-clinic", name_en="Beta Clinic", type="clinical_centre",
                            description="A hospital running trials", competences_text="oncology")  # fmt: skip
    b.competences.set([trials])
    c = OrganisationFactory(
        key="c-soft", name_en="Gamma Soft", type="company_sme", description="Imaging software", region=spb
    )
    c.competences.set([imaging])
    d = OrganisationFactory(key="d-corp", name_en="Delta Corp", type="company_large", description="Devices")
    d.competences.set([imaging, trials])
    for organisation in (a, b):
        MembershipFactory(cluster=cluster, organisation=organisation)
    MembershipFactory(cluster=other, organisation=c)
    project = JointProject.objects.create(title="P", start=dt.date(2020, 1, 1))
    for organisation in (a, b):
        ProjectParticipation.objects.create(project=project, organisation=organisation)
    users = {
        "rep_a": user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=a),
        "rep_c": user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=c),
        "manager": user_with_role(Role.CLUSTER_MANAGER, cluster=cluster),
        "other_manager": user_with_role(Role.CLUSTER_MANAGER, cluster=other),
        "analyst": user_with_role(Role.ANALYST),
        "expert": user_with_role(Role.EXPERT),
    }
    return {"cluster": cluster, "orgs": {"a": a, "b": b, "c": c, "d": d}, "users": users}


def _text(response) -> str:
    return response.content.decode()


def test_the_register_index_knows_profiles_competences_and_regions(world, stand_in):
    recommend.register_index()
    index = stand_in[0]
    # every organisation is a candidate, with or without a tie (C and D have none)
    assert set(index.ids) == {"a-uni", "b-clinic", "c-soft", "d-corp"}
    # profile: description, other competences, then the competences' names in both languages
    assert (
        index.profiles["b-clinic"]
        == "A hospital running trials oncology Clinical trials Клинические исследования"
    )
    assert index.competences == {
        "b-clinic": ("trials",),
        "c-soft": ("imaging",),
        "d-corp": ("imaging", "trials"),
    }
    assert index.regions["c-soft"] == "RU-SPE" and index.regions["a-uni"] == "RU-MOW"


def test_ego_page_recommends_with_reasons(client, world, stand_in):
    client.force_login(world["users"]["rep_a"])
    text = _text(client.get("/network/organisations/a-uni/", {"competence": "trials"}))
    call = stand_in[0].calls[0]
    assert call["source"] == ["a-uni"] and call["wanted"] == ("trials",)
    # scores: B and D hold "trials" (1 each; B first by identifier), C 0
    listed = text.split('<ol class="suggestions">')[1].split("</ol>")[0]
    order = [part.split('"')[0] for part in listed.split('data-organisation="')[1:]]
    assert order == ["b-clinic", "d-corp", "c-soft"]
    # the stand-in's reasons: its "competence" code is not the library's (its English stays), its
    # "shared_partner" is, worded with the partner's name
    assert "holds trials" in listed and "1 shared partner: Alpha University" in listed
    assert 'href="/organisations/b-clinic/"' in listed


def test_ego_page_leaves_out_unwanted_types(client, world, stand_in):
    client.force_login(world["users"]["manager"])
    text = _text(client.get("/network/organisations/a-uni/", {"types": ["company_sme", "company_large"]}))
    call = stand_in[0].calls[0]
    # not companies: the university itself and the clinic are left out
    # (by exclusion: the library's ``kinds`` knows only the types of organisations with a tie)
    assert call["exclude"] == {"a-uni", "b-clinic"} and call["kinds"] == ()
    listed = text.split('<ol class="suggestions">')[1].split("</ol>")[0]
    assert "c-soft" in listed and "d-corp" in listed and "b-clinic" not in listed


def test_recommendations_download(client, world, stand_in):
    client.force_login(world["users"]["rep_a"])
    response = client.get("/network/organisations/a-uni/recommendations.csv", {"competence": "imaging"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    # C and D hold imaging (C first by identifier), B does not
    ranked = [(r["rank"], r["organisation"], r["score"]) for r in rows]
    assert ranked == [("1", "c-soft", "1"), ("2", "d-corp", "1"), ("3", "b-clinic", "0")]
    assert "holds imaging" in rows[0]["reasons"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("rep_a", 200),
        ("manager", 200),
        ("analyst", 200),
        ("rep_c", 200),
        ("other_manager", 200),
        ("expert", 403),
    ],
)
def test_idea_page_is_for_those_who_speak_for_an_organisation(client, world, stand_in, who, status):
    client.force_login(world["users"][who])
    assert client.get("/network/recommend/").status_code == status


def test_idea_page_ranks_partners_for_the_idea(client, world, stand_in):
    client.force_login(world["users"]["manager"])
    response = client.post(
        "/network/recommend/",
        {"text": "imaging software for trials", "consortium": ["a-uni"], "wanted": ["imaging"]},
    )
    text = _text(response)
    call = stand_in[0].calls[0]
    assert call["source"] == ["a-uni"] and call["text"] == "imaging software for trials"
    assert call["exclude"] == {"a-uni"}
    # C: imaging held (1) + "imaging", "software" in its profile (2 x 0.5) = 2; D: imaging (1) = 1;
    # B: "trials" in its profile (0.5)
    listed = text.split('<ol class="suggestions">')[1].split("</ol>")[0]
    order = [part.split('"')[0] for part in listed.split('data-organisation="')[1:]]
    assert order == ["c-soft", "d-corp", "b-clinic"]
    assert "profile mentions imaging, software" in listed


def test_idea_page_refuses_a_consortium_the_user_does_not_speak_for(client, world, stand_in):
    client.force_login(world["users"]["rep_a"])
    # B is not among the representative's organisations: not a valid choice
    text = _text(client.post("/network/recommend/", {"text": "trials", "consortium": ["b-clinic"]}))
    assert "Select a valid choice" in text and not stand_in


def test_idea_page_needs_something_to_go_on(client, world, stand_in):
    client.force_login(world["users"]["analyst"])
    text = _text(client.post("/network/recommend/", {"text": "  "}))
    assert "at least one" in text and not stand_in


def test_partners_for_gap_looks_outside_the_cluster(world, stand_in):
    found = recommend.partners_for_gap(cluster=world["cluster"], wanted_codes=["imaging"], k=5)
    call = stand_in[0].calls[0]
    # the competence's names are the text, the cluster's members are left out
    assert call["source"] == [] and call["exclude"] == {"a-uni", "b-clinic"}
    assert call["wanted"] == ("imaging",) and call["text"] == "Medical imaging Медицинская визуализация"
    # C and D hold imaging (1 each, C first)
    ranked = [(s.key, s.rank, s.organisation.name_en) for s in found]
    assert ranked == [("c-soft", 1, "Gamma Soft"), ("d-corp", 2, "Delta Corp")]


def test_reasons_are_worded_from_their_code():
    names = messages.Names(
        organisations={"a-uni": "Университет Альфа", "b-clinic": "Клиника Бета"},
        competences={"imaging": "Медицинская визуализация"},
        regions={"RU-SPE": "Санкт-Петербург"},
        kind=lambda code: {"company_sme": "Company (SME)", "university": "University"}[code],
    )
    shared = Reason(
        "shared_partners",
        {"count": 2, "partners": ["a-uni", "b-clinic"], "partner_names": "Alpha University, Beta Clinic"},
        "2 shared partners: Alpha University, Beta Clinic",
    )
    # the partners named as the pages name them (here in Russian), from their identifiers
    assert messages.reason_text(shared, names) == "2 shared partners: Университет Альфа, Клиника Бета"
    one = Reason(
        "shared_partners", {"count": 1, "partners": ["a-uni"], "partner_names": "Alpha University"}, ""
    )
    assert messages.reason_text(one, names) == "1 shared partner: Университет Альфа"  # the singular
    held = Reason("holds_competence", {"competences": ["imaging"]}, "holds competence imaging that you lack")
    assert messages.reason_text(held, names) == "holds competence Медицинская визуализация that you lack"
    region = Reason("same_region", {"region": "RU-SPE"}, "same region (RU-SPE)")
    assert messages.reason_text(region, names) == "same region (Санкт-Петербург)"
    kinds = Reason(
        "complements",
        {"kind": "company_sme", "source_kinds": ["university"], "article": "a", "kind_name": "company_sme",
         "source_phrase": "university"},
        "a company_sme to complement your university",
    )  # fmt: skip
    assert messages.reason_text(kinds, names) == "Company (SME): complements your University"
    consortium = Reason(
        "complements",
        {"kind": "company_sme", "source_kinds": ["university", "company_sme"],
         "source_phrase": "consortium of universities and company_smes", "kind_name": "company_sme"},
        "",
    )  # fmt: skip
    assert messages.reason_text(consortium, names) == (
        "Company (SME): complements your consortium of University, Company (SME)"
    )
    # a code without its sentence, or params that do not fit it: the library's English
    assert messages.reason_text(Reason("new_code", {}, "a new reason")) == "a new reason"
    assert messages.reason_text(Reason("very_active", {"projects": 3}, "very active")) == "very active"


def test_dataset_organisation_page_recommends_within_the_dataset(client, world, stand_in):
    from clusterworks.web.network.services.datasets import dataset_import

    analyst = world["users"]["analyst"]
    content = (
        b"rcn,pic,start_year,type\n"
        b"1,111111111,2015,HES\n1,222222222,2015,PRC\n2,222222222,2016,PRC\n2,333333333,2016,REC\n"
    )
    dataset_import(user=analyst, source=io.BytesIO(content), file_name="d.csv", key="d", title="D",
                   columns="project=rcn,organisation=pic,year=start_year,type=type")  # fmt: skip
    client.force_login(analyst)
    text = _text(client.get("/network/datasets/d/organisations/111111111/", {"kinds": ["REC"]}))
    call = stand_in[0].calls[0]
    # the dataset's own organisations; the activity types wanted are passed on
    assert set(stand_in[0].ids) == {"111111111", "222222222", "333333333"}
    assert call["source"] == ["111111111"] and call["kinds"] == ("REC",)
    listed = text.split('<ol class="suggestions">')[1].split("</ol>")[0]
    assert 'href="/network/datasets/d/organisations/222222222/"' in listed


def test_idea_results_download(client, world, stand_in):
    client.force_login(world["users"]["analyst"])
    data = {"wanted": ["trials"], "download": "csv"}
    response = client.post("/network/recommend/", data)
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    # no idea and no consortium: the wanted competence's names are the text ("Clinical trials
    # Клинические исследования"); B and D hold trials (1) and their profiles have the four words
    # (4 x 0.5): 3 each, B first by identifier; A and C score 0 (A before C)
    assert stand_in[0].calls[0]["text"] == "Clinical trials Клинические исследования"
    assert [(r["organisation"], r["score"]) for r in rows] == [
        ("b-clinic", "3"),
        ("d-corp", "3"),
        ("a-uni", "0"),
        ("c-soft", "0"),
    ]


# ----------------------------------------------------------------------------- with the library itself


@pytest.fixture
def tied(db):
    """P1 (2019): A, B; P2 (2020): B, C; P3 (2020): D alone. Two years are too little history for the
    library to learn its ranking model: it ranks by Adamic-Adar (its documented fallback)."""
    a = OrganisationFactory(
        key="a-uni", name_en="Alpha University", name_ru="Университет Альфа", type="university"
    )
    b = OrganisationFactory(key="b-clinic", name_en="Beta Clinic", type="clinical_centre",
                            description="A hospital running trials")  # fmt: skip
    c = OrganisationFactory(
        key="c-soft", name_en="Gamma Soft", type="company_sme", description="Imaging software"
    )
    d = OrganisationFactory(key="d-corp", name_en="Delta Corp", type="company_large", description="Devices")
    for title, year, members in (("P1", 2019, (a, b)), ("P2", 2020, (b, c)), ("P3", 2020, (d,))):
        project = JointProject.objects.create(title=title, start=dt.date(year, 1, 1))
        for organisation in members:
            ProjectParticipation.objects.create(project=project, organisation=organisation)
    return user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=a)


def test_the_library_recommends_for_an_organisation(client, tied):
    client.force_login(tied)
    text = _text(client.get("/network/organisations/a-uni/"))
    listed = text.split('<ol class="suggestions">')[1].split("</ol>")[0]
    order = [part.split('"')[0] for part in listed.split('data-organisation="')[1:]]
    # B is A's partner already; C shares B with A (Adamic-Adar 1/log 2), D shares nobody (0)
    assert order == ["c-soft", "d-corp"]
    first = listed.split("</li>\n  <li")[0]
    # the shared partner named as the page names it, and the type C brings
    assert "1 shared partner: Beta Clinic" in first
    assert "Company (SME): complements your University" in first


def test_the_library_recommends_for_an_idea(client, tied):
    client.force_login(tied)
    text = _text(client.post("/network/recommend/", {"text": "a hospital"}))
    listed = text.split('<ol class="suggestions">')[1].split("</ol>")[0]
    # only B's profile has "hospital"
    assert [part.split('"')[0] for part in listed.split('data-organisation="')[1:]] == ["b-clinic"]
    assert "its profile matches your project idea (hospital)" in listed


def test_the_library_recommends_within_a_dataset(client, tied):
    from clusterworks.web.network.services.datasets import dataset_import

    analyst = user_with_role(Role.ANALYST)
    content = (
        b"rcn,pic,start_year,type\n1,111111111,2015,HES\n1,222222222,2015,PRC\n1,333333333,2015,REC\n"
        b"2,222222222,2016,PRC\n2,444444444,2016,PUB\n3,555555555,2017,OTH\n"
    )
    dataset_import(user=analyst, source=io.BytesIO(content), file_name="d.csv", key="d", title="D",
                   columns="project=rcn,organisation=pic,year=start_year,type=type")  # fmt: skip
    client.force_login(analyst)
    text = _text(client.get("/network/datasets/d/organisations/444444444/"))
    listed = text.split('<ol class="suggestions">')[1].split("</ol>")[0]
    order = [part.split('"')[0] for part in listed.split('data-organisation="')[1:]]
    # 444444444's partner is 222222222; 111111111 and 333333333 share it (1/log 3 each, the smaller
    # code first), 555555555 shares nobody
    assert order == ["111111111", "333333333", "555555555"]
    assert "1 shared partner: 222222222" in listed


def test_the_library_proposes_partners_for_a_roadmap_gap(tied):
    imaging = CompetenceFactory(code="imaging", name_en="Medical imaging", name_ru="Медицинская визуализация")
    from clusterworks.web.registry.models import Organisation

    Organisation.objects.get(key="c-soft").competences.set([imaging])
    cluster = ClusterFactory()
    for key in ("a-uni", "b-clinic"):
        MembershipFactory(cluster=cluster, organisation=Organisation.objects.get(key=key))
    found = recommend.partners_for_gap(cluster=cluster, wanted_codes=["imaging"], k=5)
    # only holders of a wanted competence are proposed: C, outside the cluster (and already B's
    # partner: welcome for a gap)
    assert [s.key for s in found] == ["c-soft"]
    assert [r.code for r in found[0].reasons][:2] == ["holds_competence", "matches_text"]
