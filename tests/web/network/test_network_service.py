"""The register's network (services/network.py): which ties come from where, weights and years,
members and partners, and the kept result following the data version.

The world: cluster K with members m1, m2, m3; an outsider x (no membership) and a stranger s.
Joint project J1 (2020): m1, m2, x. Joint project J2 (2022): m1, m2. Agreement A (2021): m2, m3.
Application N1 (submitted, call year 2026): m3 applies with co-applicant x. A draft application N2:
m1 with s (private: no tie). Hand-computed ties with the default sources (projects, agreements,
applications), weighting "count": m1-m2 = 2 (J1, J2), m1-x = 1, m2-x = 1, m2-m3 = 1, m3-x = 1.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from clusterworks.web.network.services import network as svc
from clusterworks.web.programme.models import CoApplicant
from clusterworks.web.registry.models import Agreement, JointProject, ProjectParticipation
from tests.factories import ApplicationFactory, ClusterFactory, MembershipFactory, OrganisationFactory


@pytest.fixture
def world(db):
    cluster = ClusterFactory(key="k")
    m1, m2, m3 = (OrganisationFactory(key=k, type="university") for k in ("m1", "m2", "m3"))
    x = OrganisationFactory(key="x", type="company_sme")
    s = OrganisationFactory(key="s", type="authority")
    for org in (m1, m2, m3):
        MembershipFactory(cluster=cluster, organisation=org)
    for acronym, start, parties in (
        ("J1", dt.date(2020, 3, 1), (m1, m2, x)),
        ("J2", dt.date(2022, 1, 1), (m1, m2)),
    ):
        project = JointProject.objects.create(title=acronym, acronym=acronym, start=start)
        for org in parties:
            ProjectParticipation.objects.create(project=project, organisation=org)
    agreement = Agreement.objects.create(title="A", kind="research", signed_on=dt.date(2021, 5, 1))
    agreement.parties.set([m2, m3])
    submitted = ApplicationFactory(applicant=m3, cluster=cluster, state="submitted", call__year=2026)
    CoApplicant.objects.create(application=submitted, organisation=x)
    draft = ApplicationFactory(applicant=m1, cluster=cluster, state="draft")
    CoApplicant.objects.create(application=draft, organisation=s)
    svc.forget_networks()
    return cluster


def ties(network) -> dict[tuple[str, str], float]:
    g = network.graph
    w = g.weights.tocoo()
    return {
        tuple(sorted((g.names[i], g.names[j]))): float(v)
        for i, j, v in zip(w.row, w.col, w.data, strict=True)
        if i < j
    }


def test_cluster_network_with_partners(world):
    network = svc.cluster_network(cluster=world)
    assert ties(network) == {("m1", "m2"): 2, ("m1", "x"): 1, ("m2", "x"): 1, ("m2", "m3"): 1, ("m3", "x"): 1}
    assert {k for k, n in network.nodes.items() if n.member} == {"m1", "m2", "m3"}
    assert network.nodes["x"].helix == "business" and network.nodes["m1"].helix == "university"
    g = network.graph
    # first years: m1-m2 first worked together in J1 (2020); m2-m3 by the agreement (2021); m3-x in 2026
    assert g.tie_first_year("m1", "m2") == 2020
    assert g.tie_first_year("m2", "m3") == 2021
    assert g.tie_first_year("m3", "x") == 2026
    assert "s" not in g.names  # the draft application is private


def test_members_only_and_sources(world):
    members = svc.cluster_network(cluster=world, partners=False)
    assert ties(members) == {("m1", "m2"): 2, ("m2", "m3"): 1}
    projects_only = svc.cluster_network(cluster=world, sources=["projects"])
    # m3 takes part in no project: an isolated member
    assert ties(projects_only) == {("m1", "m2"): 2, ("m1", "x"): 1, ("m2", "x"): 1}
    assert "m3" in projects_only.graph.names
    newman = svc.cluster_network(cluster=world, sources=["projects"], weighting="newman")
    # J1 has 3 organisations: 1/(3-1) = 0.5 per pair; J2 has 2: 1/(2-1) = 1; m1-m2 = 0.5 + 1
    assert ties(newman)[("m1", "m2")] == pytest.approx(1.5) and ties(newman)[("m1", "x")] == pytest.approx(
        0.5
    )
    with pytest.raises(ValueError, match="unknown tie source 'friendships'"):
        svc.cluster_network(cluster=world, sources=["friendships"])
    with pytest.raises(ValueError, match="weighting is 'jaccard'"):
        svc.cluster_network(cluster=world, weighting="jaccard")


def test_memberships_tie_every_member(world):
    network = svc.cluster_network(cluster=world, sources=["memberships"], partners=False)
    # one "cluster" hyperedge of three members: a triangle of weight 1
    assert ties(network) == {("m1", "m2"): 1, ("m1", "m3"): 1, ("m2", "m3"): 1}


def test_register_network_and_kept_until_the_data_change(world):
    with override_settings(NETWORK_CACHE=4):
        svc.forget_networks()
        first = svc.register_network()
        assert svc.register_network() is first  # kept
        assert set(first.graph.names) == {"m1", "m2", "m3", "x"}
        OrganisationFactory(key="late")  # an audited write: a new data version
        assert svc.register_network() is not first
    svc.forget_networks()
