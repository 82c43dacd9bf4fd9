"""The demo instance: built from the seed and the compiled pilot-cluster list, idempotently."""

from __future__ import annotations

import pytest

from clusterworks.web.core.models import AuditEvent, User
from clusterworks.web.demo import build_demo
from clusterworks.web.registry.models import Cluster, Membership, Organisation, Region

pytestmark = pytest.mark.django_db


def test_demo_holds_the_seed_cluster_and_the_pilot_clusters():
    credentials = build_demo()
    moscow = Cluster.objects.get(key="moscow-medtech")
    coordinator = Membership.objects.get(cluster=moscow, role="coordinator").organisation
    # the seed names the coordinator and nine spearhead organisations (six institutions, three companies)
    assert coordinator.key == "rnrmu"
    core = set(
        Membership.objects.filter(cluster=moscow, role="core").values_list("organisation__key", flat=True)
    )
    assert core == {
        "msu-ffm",
        "ibch-ras",
        "ihna-ras",
        "rogachev-centre",
        "icp-ras",
        "eurogen",
        "imagerysoft",
        "neurobiolab",
    }
    # members that the seed does not name are flagged as illustrative
    named = core | {"rnrmu", "moscow-dnpp"}
    assert all(o.illustrative for o in Organisation.objects.exclude(key__in=named))
    # 25 pilot clusters of 2012 plus the Udmurt cluster added in 2015 (ru_pilot_itc_list_2012.csv)
    assert Cluster.objects.filter(status="pilot").count() == 26
    assert Region.objects.filter(country="RU").count() == 83
    assert {role for _, _, role in credentials} >= {"Platform administrator", "Analyst", "Expert"}
    assert len(credentials) == 7


def test_building_twice_changes_nothing():
    build_demo()
    counts = (
        Cluster.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        User.objects.count(),
    )
    events = AuditEvent.objects.count()
    build_demo()
    assert (
        Cluster.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        User.objects.count(),
    ) == counts
    assert AuditEvent.objects.count() == events


def test_demo_users_can_log_in(client):
    for username, password, _ in build_demo():
        assert client.login(username=username, password=password), username
        client.logout()
