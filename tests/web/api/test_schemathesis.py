"""Property-based tests of the whole API from its OpenAPI schema (schemathesis), in process.

Schemathesis generates requests for every operation, valid and invalid, and sends them to the WSGI
application with a platform administrator's token (so that the write operations really write), over a
register with data. Every response must not be a server error and must match the documented schema
(status code, content type, body). Examples are bounded and derandomised so that the run is quick and
reproducible.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from clusterworks.web.api.schemas import EXAMPLE_CLUSTER, EXAMPLE_MEMBER, EXAMPLE_ORGANISATION
from clusterworks.web.config.wsgi import application
from clusterworks.web.core.models import ApiToken
from clusterworks.web.registry import models as m
from tests.factories import (
    ClusterFactory,
    CompetenceFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)

#: per operation; set SCHEMATHESIS_MAX_EXAMPLES=500 for a longer hunt
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"))


@pytest.fixture
def populated(register):
    """The small register, plus the demo's keys that the schema's examples use, and a few more of
    everything, so that examples succeed, lists have pages and filters match."""
    cluster = ClusterFactory(key=EXAMPLE_CLUSTER, name_en="Moscow Medical Technologies Cluster")
    coordinator = OrganisationFactory(key=EXAMPLE_ORGANISATION, type="university")
    MembershipFactory(cluster=cluster, organisation=coordinator, role="coordinator")
    MembershipFactory(cluster=cluster, organisation=OrganisationFactory(key=EXAMPLE_MEMBER), role="core")
    OrganisationFactory(key="eurogen")
    for n in range(5):
        organisation = OrganisationFactory(key=f"extra-{n}")
        MembershipFactory(cluster=register.cluster, organisation=organisation, role="partner")
        person = PersonFactory()
        m.Affiliation.objects.create(person=person, organisation=organisation, position="Engineer")
    CompetenceFactory(code="medtech.implants", parent=register.competence)
    return register


@pytest.fixture(autouse=True)
def keep_the_test_transaction():
    """The WSGI handler closes "old" database connections around each request; in a test, that would end
    the test's transaction. Django's test client disconnects these receivers for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(populated) -> str:
    _, secret = ApiToken.issue(user=populated.users["admin"], name="schemathesis")
    return secret


# Loaded when the module is collected (schemathesis.pytest.from_fixture, the lazy loader, does not work with
# pytest 9: it sets the private Node._nodeid). Serving the schema touches no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_conforms_to_its_schema(case, admin_token):
    # call_and_validate raises on the first failed check; the assertion states the main property
    response = case.call_and_validate(
        headers={"Authorization": f"Bearer {admin_token}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
