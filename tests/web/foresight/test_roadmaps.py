"""Technology roadmaps: services and their validation, competence gaps, partner proposals and the chart.

Expected values are worked out by hand from the small roadmap :func:`build_roadmap` makes.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError

from clusterworks.web.core.permissions import NotAllowed
from clusterworks.web.core.roles import Role
from clusterworks.web.foresight import charts_plans, roadmaps
from clusterworks.web.foresight.models import RoadmapLink
from tests.factories import (
    ClusterFactory,
    CompetenceFactory,
    MembershipFactory,
    OrganisationFactory,
    PriorityExerciseFactory,
    RegionFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def build_roadmap(cluster=None, manager=None):
    """A roadmap of a Moscow cluster, 2026-2032::

        need (market) -> kit (product) -> sensor (technology, TRL 4) -> lab (resource)
                                       -> fluidics (technology)

    Competences: kit needs c-design; sensor needs c-design, c-chem, c-optics; fluidics needs c-cryo.
    Current member ``member`` holds c-design. ``former`` (left the cluster) holds c-chem. Outside:
    ``near`` (Moscow) and ``far`` (St Petersburg) hold c-chem and c-optics, ``optic`` (St Petersburg)
    holds c-optics. Nobody holds c-cryo. Given a ``cluster`` and its ``manager``, the roadmap is theirs
    (the cluster is moved to Moscow).
    """
    moscow = RegionFactory(code="RU-MOW")
    spb = RegionFactory(code="RU-SPE", name_en="Saint Petersburg", name_ru="Санкт-Петербург")
    if cluster is None:
        cluster = ClusterFactory(key="medtech", regions=[moscow])
        manager = user_with_role(Role.CLUSTER_MANAGER, cluster=cluster, username="manager")
    else:
        cluster.regions.set([moscow])
    design, chem, optics, cryo = (
        CompetenceFactory(code=code, name_en=name)
        for code, name in (("c-design", "Design"), ("c-chem", "Chemistry"), ("c-optics", "Optics"),
                           ("c-cryo", "Cryogenics"))
    )  # fmt: skip

    def organisation(key, region, competences):
        o = OrganisationFactory(key=key, name_en=key.capitalize(), region=region)
        o.competences.set(competences)
        return o

    member = organisation("member", moscow, [design])
    former = organisation("former", moscow, [chem])
    MembershipFactory(cluster=cluster, organisation=member)
    MembershipFactory(
        cluster=cluster, organisation=former, joined=dt.date(2019, 1, 1), left=dt.date(2023, 1, 1)
    )
    organisation("near", moscow, [chem, optics])
    organisation("far", spb, [chem, optics])
    organisation("optic", spb, [optics])
    roadmap = roadmaps.roadmap_create(
        actor=manager,
        cluster=cluster,
        data={"key": "medtech-rm", "title_en": "Diagnostics roadmap", "start_year": 2026, "end_year": 2032},
    )

    def node(key, layer, competences=(), **data):
        return roadmaps.node_create(
            actor=manager,
            roadmap=roadmap,
            data={"key": key, "layer": layer, "title_en": key.capitalize(), **data},
            competences=competences,
        )

    nodes = {
        "need": node("need", "market", start_year=2026, end_year=2027),
        "kit": node("kit", "product", [design], start_year=2027, end_year=2029),
        "sensor": node("sensor", "technology", [design, chem, optics], start_year=2026, end_year=2030, trl=4),
        "fluidics": node("fluidics", "technology", [cryo], start_year=2028, end_year=2032),
        "lab": node("lab", "resource"),
    }
    for source, target in (("need", "kit"), ("kit", "sensor"), ("kit", "fluidics"), ("sensor", "lab")):
        roadmaps.link_create(actor=manager, roadmap=roadmap, source=nodes[source], target=nodes[target])
    return {"cluster": cluster, "manager": manager, "roadmap": roadmap, "nodes": nodes}


@pytest.fixture
def world():
    return build_roadmap()


# --- validation ------------------------------------------------------------------------------------


def test_only_the_clusters_managers_edit(world):
    other = user_with_role(Role.CLUSTER_MANAGER, cluster=ClusterFactory())
    with pytest.raises(NotAllowed):
        roadmaps.roadmap_create(
            actor=other, cluster=world["cluster"], data={"key": "x", "title_en": "X", "start_year": 2026,
                                                         "end_year": 2030},
        )  # fmt: skip
    with pytest.raises(NotAllowed):
        roadmaps.node_create(
            actor=other, roadmap=world["roadmap"], data={"key": "y", "layer": "market", "title_en": "Y"}
        )


def test_a_link_back_to_an_earlier_layer_is_refused(world):
    nodes = world["nodes"]
    with pytest.raises(ValidationError) as error:
        roadmaps.link_create(
            actor=world["manager"], roadmap=world["roadmap"], source=nodes["lab"], target=nodes["kit"]
        )
    # both problems at once: the link goes back a layer, and closes kit -> sensor -> lab -> kit
    assert error.value.messages == [
        "The link from «Lab» (lab) (Resources and competences) to «Kit» (kit) (Products and services) goes "
        "back to an earlier layer: links lead from needs to products, technologies and resources, or stay in "
        "a layer.",
        "The links form a cycle: «Kit» (kit) → «Sensor» (sensor) → «Lab» (lab) → «Kit» (kit). A technology "
        "chain must end.",
    ]
    assert not RoadmapLink.objects.filter(source=nodes["lab"]).exists()


def test_a_cycle_and_a_link_twice_are_refused(world):
    manager, roadmap, nodes = world["manager"], world["roadmap"], world["nodes"]
    # fluidics -> sensor is forward (same layer), sensor -> fluidics would then close a cycle
    roadmaps.link_create(actor=manager, roadmap=roadmap, source=nodes["fluidics"], target=nodes["sensor"])
    with pytest.raises(ValidationError) as error:
        roadmaps.link_create(actor=manager, roadmap=roadmap, source=nodes["sensor"], target=nodes["fluidics"])
    (message,) = error.value.messages
    assert message.startswith("The links form a cycle: ")
    assert "«Sensor» (sensor)" in message and "«Fluidics» (fluidics)" in message
    with pytest.raises(ValidationError) as error:
        roadmaps.link_create(actor=manager, roadmap=roadmap, source=nodes["need"], target=nodes["kit"])
    assert error.value.messages == ["The link from «Need» (need) to «Kit» (kit) exists already."]


def test_changing_a_nodes_layer_is_checked_against_its_links(world):
    kit = world["nodes"]["kit"]
    with pytest.raises(ValidationError) as error:
        # kit is linked from need (market) and to sensor and fluidics (technology): as a resource,
        # its links to the two technologies would go back a layer
        roadmaps.node_update(actor=world["manager"], node=kit, data={"layer": "resource"})
    assert len(error.value.messages) == 2
    kit.refresh_from_db()
    assert kit.layer == "product"


def test_node_years_trl_and_period(world):
    manager, roadmap = world["manager"], world["roadmap"]
    with pytest.raises(ValidationError) as error:
        roadmaps.node_create(
            actor=manager,
            roadmap=roadmap,
            data={"key": "late", "layer": "market", "title_en": "Late", "start_year": 2030, "end_year": 2028},
        )
    assert error.value.message_dict == {
        "end_year": ["«Late» (late) ends before it starts: the end year must not be before the start year."]
    }
    with pytest.raises(ValidationError) as error:
        roadmaps.node_create(
            actor=manager,
            roadmap=roadmap,
            data={"key": "odd", "layer": "technology", "title_en": "Odd", "trl": 12},
        )
    assert error.value.message_dict == {"trl": ["The TRL of «Odd» (odd) must be a whole number from 1 to 9."]}
    with pytest.raises(ValidationError) as error:
        roadmaps.node_create(
            actor=manager,
            roadmap=roadmap,
            data={"key": "early", "layer": "market", "title_en": "Early", "start_year": 2020},
        )
    assert "start_year" in error.value.message_dict  # the roadmap covers 2026-2032
    with pytest.raises(ValidationError) as error:
        roadmaps.roadmap_update(actor=manager, roadmap=roadmap, data={"end_year": 2030})
    # fluidics runs to 2032
    assert error.value.message_dict == {"start_year": ["These nodes lie outside the new period: Fluidics."]}


def test_a_node_may_name_a_priority_of_the_same_cluster_only(world):
    foreign = PriorityExerciseFactory().candidates.create(key="x", title_en="X")
    with pytest.raises(ValidationError) as error:
        roadmaps.node_update(actor=world["manager"], node=world["nodes"]["kit"], data={"candidate": foreign})
    assert "candidate" in error.value.message_dict
    own = PriorityExerciseFactory(cluster=world["cluster"]).candidates.create(key="kit", title_en="Kit")
    roadmaps.node_update(actor=world["manager"], node=world["nodes"]["kit"], data={"candidate": own})
    assert roadmaps.candidates_for(world["roadmap"]) == [own]


# --- gaps and partners -----------------------------------------------------------------------------


def test_chains_and_gaps(world):
    analysis = roadmaps.roadmap_analysis(roadmap=world["roadmap"])
    assert analysis.problems == []
    # nodes in layer order (market, product, technology by start year, resource): the chains follow
    assert analysis.chains == [("need", "kit", "sensor", "lab"), ("need", "kit", "fluidics")]
    assert analysis.chain_complete == [False, False]
    # sensor: c-design held by member; c-chem only by former (left: does not count); c-optics by no
    # member. fluidics: c-cryo held by nobody. kit: c-design held.
    assert {row.node.key: [c.code for c in row.missing] for row in analysis.gaps} == {
        "sensor": ["c-chem", "c-optics"],
        "fluidics": ["c-cryo"],
    }
    sensor = analysis.node("sensor")
    assert [(c.code, [o.key for o in who]) for c, who in sensor.competences] == [
        ("c-chem", []),
        ("c-design", ["member"]),
        ("c-optics", []),
    ]


def test_partners_for_each_gap_and_the_cover(world):
    search = roadmaps.roadmap_analysis(roadmap=world["roadmap"]).partners
    sensor = search.per_gap["sensor"]
    # sensor lacks c-chem and c-optics. near and far offer both (near is in Moscow, like the cluster,
    # so first); former offers c-chem (Moscow), optic offers c-optics (St Petersburg): former first.
    assert [(m.organisation, m.covers) for m in sensor.ranked] == [
        ("near", ("c-chem", "c-optics")),
        ("far", ("c-chem", "c-optics")),
        ("former", ("c-chem",)),
    ]
    assert search.per_gap["fluidics"].ranked == () and search.per_gap["fluidics"].uncoverable == ("c-cryo",)
    # all gaps: near adds c-chem and c-optics; nobody offers c-cryo
    assert [(s.organisation, s.adds) for s in search.overall.cover] == [("near", ("c-chem", "c-optics"))]
    assert search.overall.uncoverable == ("c-cryo",)
    assert search.same_region == {"near", "former"}
    assert "member" not in search.organisations  # a current member is never proposed


def test_among_equal_holders_the_recommender_ranks_first(world):
    """near and far both hold c-chem and c-optics; near shares the cluster's region and led before. Once
    far has agreements with the member (and near has none), the partner recommender ranks far above near
    (network proximity to the cluster's members), and that order decides among the equals; the region
    only breaks ties the recommender leaves."""
    from clusterworks.web.registry.models import Agreement, AgreementKind, Organisation

    member, far = Organisation.objects.get(key="member"), Organisation.objects.get(key="far")
    for year in (2022, 2023, 2024):
        agreement = Agreement.objects.create(
            title=f"Sensor work {year}", kind=AgreementKind.RESEARCH, signed_on=dt.date(year, 5, 1)
        )
        agreement.parties.set([member, far])
    search = roadmaps.roadmap_analysis(roadmap=world["roadmap"]).partners
    assert [m.organisation for m in search.per_gap["sensor"].ranked][:2] == ["far", "near"]
    assert search.same_region == {"near", "former"}  # still said on the page


# --- the chart -------------------------------------------------------------------------------------


def _chart(world, chain=()):
    analysis = roadmaps.roadmap_analysis(roadmap=world["roadmap"], partners=False)
    nodes = [
        charts_plans.ChartNode(r.node.key, r.node.layer, r.node.title(), r.node.start_year, r.node.end_year,
                               r.node.trl, r.is_gap, tuple(c.code for c in r.missing))
        for r in analysis.nodes
    ]  # fmt: skip
    links = [(link.source.key, link.target.key) for link in analysis.links]
    return str(
        charts_plans.roadmap_chart(
            nodes, links, first_year=2026, last_year=2032, lane_labels={}, title="Roadmap", chain=chain
        )
    )


def test_the_chart_marks_gaps_and_highlights_a_chain(world):
    svg = _chart(world, chain=("need", "kit", "fluidics"))
    assert svg.count('class="rm-gap-marker"') == 2  # sensor and fluidics
    assert re.search(r'class="rm-node rm-node-technology is-gap is-dimmed" id="rm-node-sensor"', svg)
    assert re.search(r'class="rm-node rm-node-technology is-gap is-chain" id="rm-node-fluidics"', svg)
    assert 'class="rm-node rm-node-product is-chain" id="rm-node-kit"' in svg
    assert 'class="rm-link is-chain" data-link="kit&gt;fluidics"' in svg
    assert 'class="rm-link is-dimmed" data-link="kit&gt;sensor"' in svg
    assert "<title>Kit (2027–2029)</title>" in svg
    # sensor spans 2026-2030 = 5 of the 7 years: its bar is 5 year-columns wide (less 4 px of padding)
    year = max(48.0, 760 / 7)
    width = float(
        re.search(r'id="rm-node-sensor".*?<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"', svg).group(1)
    )
    assert width == pytest.approx(5 * year - 4, abs=0.1)


def test_the_chart_without_a_chain_dims_nothing(world):
    svg = _chart(world)
    assert "is-dimmed" not in svg and "is-chain" not in svg
    assert "rm-node-resource is-undated" in svg  # lab has no years: drawn over the whole period
