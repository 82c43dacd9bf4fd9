"""The public page cache: anonymous visitors get cached pages, which go stale on any registry change;
nothing is cached or served for signed-in users, API tokens or pending messages."""

from __future__ import annotations

import re

import pytest
from django.core.cache import caches
from django.test import Client, override_settings

from clusterworks.web.core.audit import record_bulk
from clusterworks.web.core.roles import Role
from clusterworks.web.registry import services
from clusterworks.web.registry.models import Organisation
from tests.factories import OrganisationFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache():
    caches["pages"].clear()
    with override_settings(PAGE_CACHE_SECONDS=300):
        yield
    caches["pages"].clear()


def _token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


def test_second_anonymous_visit_is_served_from_the_cache():
    OrganisationFactory(key="eurogen", name_en="Eurogen")
    client = Client()
    first, second = client.get("/organisations/"), client.get("/organisations/")
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert "Eurogen" in second.content.decode()
    # security headers are still set on cached responses
    assert "default-src 'self'" in second["Content-Security-Policy"]
    assert second["X-Frame-Options"] == "DENY"


def test_a_change_makes_the_cached_page_stale():
    organisation = OrganisationFactory(key="eurogen", name_en="Eurogen")
    admin = user_with_role(Role.ADMIN)
    client = Client()
    client.get("/organisations/eurogen/")
    services.organisation_update(actor=admin, organisation=organisation, data={"name_en": "Evrogen"})
    response = client.get("/organisations/eurogen/")
    assert response["X-Page-Cache"] == "miss" and "Evrogen" in response.content.decode()


def test_a_bulk_import_makes_the_cached_page_stale():
    OrganisationFactory(key="eurogen", name_en="Eurogen")
    client = Client()
    client.get("/organisations/")
    new = Organisation.objects.create(key="new-org", name_en="Brand new", type="company_sme")
    Organisation.objects.filter(pk=new.pk).update(name_en="Renamed in bulk")  # no signal: like an import
    record_bulk([(new, "update", {"name_en": ["Brand new", "Renamed in bulk"]})])
    response = client.get("/organisations/")
    assert response["X-Page-Cache"] == "miss" and "Renamed in bulk" in response.content.decode()


def test_each_language_has_its_own_copy():
    client = Client()
    english = client.get("/clusters/")
    client.cookies["clusterworks_language"] = "ru"
    russian = client.get("/clusters/")
    assert english["X-Page-Cache"] == russian["X-Page-Cache"] == "miss"
    assert "Кластеры" in russian.content.decode() and "Кластеры" not in english.content.decode()


def test_cached_page_carries_the_visitors_own_csrf_token_and_its_forms_work():
    Client().get("/clusters/")  # somebody else fills the cache
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/clusters/")
    assert page["X-Page-Cache"] == "hit"
    token = _token(page)
    assert token != "__clusterworks_csrf_token__"
    switched = visitor.post(
        "/i18n/setlang/", {"language": "ru", "next": "/clusters/", "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302


def test_signed_in_users_and_api_tokens_bypass_the_cache():
    manager = user_with_role(Role.ANALYST)
    Client().get("/clusters/")
    client = Client()
    client.force_login(manager)
    assert "X-Page-Cache" not in client.get("/clusters/")
    api = Client().get("/api/v1/clusters", HTTP_AUTHORIZATION="Bearer cw_nonsense")
    assert "X-Page-Cache" not in api and api.status_code == 401


def test_public_api_resources_are_cached_for_anonymous_clients():
    client = Client()
    first, second = client.get("/api/v1/organisations"), client.get("/api/v1/organisations")
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert first.json() == second.json()
    assert "X-Page-Cache" not in client.get("/api/v1/people")  # not public: never cached


def test_signed_in_pages_share_fragments_only_between_users_with_the_same_rights():
    from tests.factories import ClusterFactory, MembershipFactory

    cluster = ClusterFactory(key="medtech")
    MembershipFactory(cluster=cluster, organisation=OrganisationFactory(name_en="Eurogen"))
    manager, analyst = user_with_role(Role.CLUSTER_MANAGER, cluster=cluster), user_with_role(Role.ANALYST)
    as_manager, as_analyst = Client(), Client()
    as_manager.force_login(manager)
    as_analyst.force_login(analyst)
    assert "Add member" in as_manager.get("/clusters/medtech/").content.decode()
    page = as_analyst.get("/clusters/medtech/").content.decode()
    assert "Eurogen" in page and "Add member" not in page  # not the manager's cached copy
    assert analyst.get_username() in page  # the header is the user's own


def test_a_warm_fragment_saves_the_member_queries(django_assert_max_num_queries):
    from tests.factories import ClusterFactory, MembershipFactory

    cluster = ClusterFactory(key="medtech")
    for _ in range(30):
        MembershipFactory(cluster=cluster)
    client = Client()
    client.force_login(user_with_role(Role.ANALYST))
    client.get("/clusters/medtech/")
    # session, user, roles, cluster (+ its regions and specialisations), data version
    with django_assert_max_num_queries(8):
        assert client.get("/clusters/medtech/").status_code == 200


def test_public_api_answers_are_shared_with_valid_token_holders_but_bad_tokens_get_401():
    from clusterworks.web.core.models import ApiToken

    _, secret = ApiToken.issue(user=user_with_role(Role.ANALYST), name="script")
    Client().get("/api/v1/clusters")  # an anonymous client fills the cache
    shared = Client().get("/api/v1/clusters", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert shared["X-Page-Cache"] == "hit" and shared.status_code == 200
    refused = Client().get("/api/v1/clusters", HTTP_AUTHORIZATION="Bearer cw_not-a-token")
    assert refused.status_code == 401 and "X-Page-Cache" not in refused
    assert refused.json()["error"]["code"] == "invalid_token"
