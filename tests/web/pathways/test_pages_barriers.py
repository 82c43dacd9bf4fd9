"""The barrier register and a barrier's page: who sees which barriers, the filters, the counts per status,
the age of unresolved barriers (days counted by hand), and the history from the audit log."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import AnonymousUser

from clusterworks.web.core.audit import acting_as
from clusterworks.web.core.roles import Role
from clusterworks.web.pathways import views_pages
from clusterworks.web.pathways.models import BarrierStatus
from tests.factories import (
    AgencyFactory,
    BarrierFactory,
    ClusterFactory,
    MembershipFactory,
    OrganisationFactory,
    ProductFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 7, 1)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(views_pages, "_today", lambda: TODAY)


@pytest.fixture
def world():
    cluster = ClusterFactory(key="medtech", name_en="Medtech")
    other = ClusterFactory(key="other", name_en="Other")
    member, developer = OrganisationFactory(key="member"), OrganisationFactory(key="developer")
    for organisation in (member, developer):
        MembershipFactory(cluster=cluster, organisation=organisation)
    rzn = AgencyFactory(key="rzn", name_en="Roszdravnadzor", short_en="RZN")
    moh = AgencyFactory(key="moh", name_en="Ministry of Health", short_en="MoH")
    raiser = user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=member)
    manager = user_with_role(Role.CLUSTER_MANAGER, cluster=cluster)
    barriers = {
        # open 61 days (1 May -> 1 July: 30 days of May after the 1st + 1 + 30 of June = 31 + 30)
        "queue": BarrierFactory(
            cluster=cluster, title="Queue at the lab", kind="agency_queue", raised_on=dt.date(2025, 5, 1),
            raised_by=raiser, raised_for=member,
        ),
        # open 30 days (1 June -> 1 July)
        "finance": BarrierFactory(
            cluster=cluster, title="No money for trials", kind="financing", raised_on=dt.date(2025, 6, 1)
        ),
        # escalated, 91 days (1 April -> 1 July: 30 + 31 + 30)
        "rules": BarrierFactory(
            cluster=cluster, title="Conflicting rules", kind="regulation_conflict", status="escalated",
            raised_on=dt.date(2025, 4, 1), escalated_to="Moscow Department of Science",
            escalated_on=dt.date(2025, 5, 15),
        ),
        # resolved: no age
        "done": BarrierFactory(
            cluster=cluster, title="Missing lab", kind="infrastructure", status="resolved",
            raised_on=dt.date(2025, 1, 10), resolved_on=dt.date(2025, 3, 1),
        ),
        "elsewhere": BarrierFactory(cluster=other, title="Other barrier", kind="other"),
    }  # fmt: skip
    barriers["queue"].agencies.add(rzn)
    barriers["rules"].agencies.add(rzn, moh)
    users = {
        "admin": user_with_role(Role.ADMIN),
        "manager": manager,
        "manager_of_other": user_with_role(Role.CLUSTER_MANAGER, cluster=other),
        "analyst": user_with_role(Role.ANALYST),
        "raiser": raiser,
        "developer": user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=developer),
        "anonymous": AnonymousUser(),
    }
    return {"cluster": cluster, "barriers": barriers, "users": users, "agencies": {"rzn": rzn, "moh": moh}}


def _login(client, user):
    if user.is_authenticated:
        client.force_login(user)


def _listed(html: str) -> set[str]:
    return set(re.findall(r'<tr data-barrier="\d+">\s*<td><a href="[^"]+">([^<]+)</a>', html))


ALL_OF_MEDTECH = {"Queue at the lab", "No money for trials", "Conflicting rules", "Missing lab"}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin", ALL_OF_MEDTECH | {"Other barrier"}),
        ("manager", ALL_OF_MEDTECH),
        ("manager_of_other", {"Other barrier"}),
        ("analyst", ALL_OF_MEDTECH | {"Other barrier"}),
        ("raiser", {"Queue at the lab"}),
        ("developer", set()),
    ],
)
def test_the_register_lists_what_the_user_may_see(client, world, who, expected):
    _login(client, world["users"][who])
    response = client.get("/pathways/barriers/")
    assert response.status_code == 200
    assert _listed(response.content.decode()) == expected


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    pk = world["barriers"]["queue"].pk
    for url in ("/pathways/barriers/", f"/pathways/barriers/{pk}/"):
        response = client.get(url)
        assert (
            response.status_code == 302
            and response["Location"].startswith("/accounts/login/")
            or ("login" in response["Location"])
        ), url


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("manager", 200),
        ("analyst", 200),
        ("raiser", 200),  # raised it
        ("manager_of_other", 403),
        ("developer", 403),
    ],
)
def test_who_may_open_a_barrier(client, world, who, status):
    _login(client, world["users"][who])
    response = client.get(f"/pathways/barriers/{world['barriers']['queue'].pk}/")
    assert response.status_code == status
    if status == 403:
        assert "a barrier is visible to whoever raised it" in response.content.decode()


def test_counts_per_status_and_the_age_of_unresolved_barriers(client, world):
    client.force_login(world["users"]["manager"])
    html = client.get("/pathways/barriers/?cluster=medtech").content.decode()
    counts = dict(re.findall(r'data-status="(\w+)"><span class="stat-value">(\d+)</span>', html))
    assert counts == {"open": "2", "escalated": "1", "resolved": "1", "closed": "0"}
    # unresolved ages 30, 61, 91 days: the median is 61, the oldest 91
    assert 'data-open-median-age="61"' in html and "oldest 91" in html
    ages = re.findall(r'<td class="number">(\d+|—)</td>', html)
    assert sorted(ages) == sorted(["30", "61", "91", "—"])


def test_filters_by_status_kind_and_agency(client, world):
    client.force_login(world["users"]["manager"])
    get = lambda query: _listed(client.get(f"/pathways/barriers/?{query}").content.decode())  # noqa: E731
    assert get("status=escalated") == {"Conflicting rules"}
    assert get("status=unresolved") == {"Queue at the lab", "No money for trials", "Conflicting rules"}
    assert get("kind=financing") == {"No money for trials"}
    assert get("agency=rzn") == {"Queue at the lab", "Conflicting rules"}
    assert get("agency=moh&status=open") == set()


def test_a_filter_value_that_is_not_allowed_is_named_and_ignored(client, world):
    client.force_login(world["users"]["manager"])
    html = client.get("/pathways/barriers/?status=lost").content.decode()
    assert "Select a valid choice. lost is not one of the available choices." in html
    assert _listed(html) == ALL_OF_MEDTECH


def test_the_history_comes_from_the_audit_log(client, world):
    manager = world["users"]["manager"]
    barrier = world["barriers"]["finance"]
    with acting_as(manager, "web"):
        barrier.status = BarrierStatus.ESCALATED
        barrier.escalated_to = "Ministry of Industry and Trade"
        barrier.escalated_on = dt.date(2025, 6, 20)
        barrier.save()
    client.force_login(manager)
    html = client.get(f"/pathways/barriers/{barrier.pk}/").content.decode()
    history = re.findall(r'<tr data-status="(\w+)">', html)
    assert history == ["open", "escalated"]  # raised (created), then escalated
    assert "status: Open → Escalated" in html
    assert "escalated to: Ministry of Industry and Trade" in html
    assert manager.get_username() in html


def test_products_of_a_barrier_are_shown_only_to_those_who_may_see_them(client, world):
    barrier = world["barriers"]["queue"]
    product = ProductFactory(cluster=world["cluster"], key="sensor", name_en="Sensor")
    barrier.products.add(product)
    client.force_login(world["users"]["raiser"])  # the member is not in the product's consortium
    html = client.get(f"/pathways/barriers/{barrier.pk}/").content.decode()
    assert "Sensor" not in html and "and 1 product you may not see" in html
    client.force_login(world["users"]["manager"])
    html = client.get(f"/pathways/barriers/{barrier.pk}/").content.decode()
    assert '<a href="/pathways/products/sensor/">Sensor</a>' in html


def test_only_the_management_gets_the_action_buttons(client, world):
    barrier = world["barriers"]["queue"]
    client.force_login(world["users"]["analyst"])
    html = client.get(f"/pathways/barriers/{barrier.pk}/").content.decode()
    assert ">Escalate</a>" not in html and ">Edit</a>" not in html
    client.force_login(world["users"]["manager"])
    html = client.get(f"/pathways/barriers/{barrier.pk}/").content.decode()
    assert ">Escalate</a>" in html and ">Edit</a>" in html and ">Reopen</a>" not in html
