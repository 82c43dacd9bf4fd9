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
from clusterworks.web.api.schemas_foresight import EXAMPLE_EXERCISE, EXAMPLE_ROADMAP, EXAMPLE_SURVEY
from clusterworks.web.config.wsgi import application
from clusterworks.web.core.models import ApiToken
from clusterworks.web.foresight import priorities, roadmaps
from clusterworks.web.foresight.models import QuestionKind, RoundStatus
from clusterworks.web.registry import models as m
from tests.factories import (
    ClusterFactory,
    CompetenceFactory,
    ItemFactory,
    MembershipFactory,
    OrganisationFactory,
    PanelistFactory,
    PersonFactory,
    QuestionFactory,
    RoundFactory,
    SurveyFactory,
)
from tests.web.foresight.world_surveys import submit

#: per operation; set SCHEMATHESIS_MAX_EXAMPLES=500 for a longer hunt
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"))


@pytest.fixture
def populated(register):
    """The small register, plus the demo's keys that the schema's examples use (a cluster, its members,
    a survey, a priority exercise and a roadmap), and a few more of everything, so that examples succeed,
    lists have pages and filters match."""
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
    coordinator.competences.set([register.competence])
    foresight(cluster, register.users["admin"])
    return register


def foresight(cluster, admin):
    """A survey, a priority exercise and a roadmap of ``cluster`` under the keys of the schema's examples,
    with answers, scores and a competence gap, so that their results and analyses have every part."""
    survey = SurveyFactory(cluster=cluster, key=EXAMPLE_SURVEY)
    first = RoundFactory(survey=survey, number=1, status=RoundStatus.CLOSED)
    second = RoundFactory(survey=survey, number=2, status=RoundStatus.OPEN)
    rating = QuestionFactory(
        survey=survey, key="importance", kind=QuestionKind.RATING, scale_min=1, scale_max=5
    )
    rank = QuestionFactory(survey=survey, key="order", kind=QuestionKind.RANK, scale_min=None, scale_max=None)
    pair = QuestionFactory(
        survey=survey,
        key="pair",
        kind=QuestionKind.RATING2,
        dimension1_en="importance",
        dimension2_en="feasibility",
    )
    choice = QuestionFactory(
        survey=survey, key="barriers", kind=QuestionKind.CHOICE, scale_min=None, scale_max=None
    )
    for question, keys in ((rating, "abc"), (rank, "xyz"), (pair, "p"), (choice, "uv")):
        for key in keys:
            ItemFactory(question=question, key=key)
    panel = [
        PanelistFactory(survey=survey, code=f"E0{n}", group="science" if n % 2 else "industry")
        for n in (1, 2, 3)
    ]
    for n, panelist in enumerate(panel):
        ranks = {"x": 1 + n % 3, "y": 1 + (n + 1) % 3, "z": 1 + (n + 2) % 3}
        submit(first, panelist, {"a": 1 + n, "b": 3, "c": 5 - n, "p": (5, 2 + n), "u": 1, **ranks})
        submit(second, panelist, {"a": 2, "b": 3, "c": 4}, submitted=n < 2)

    exercise = priorities.exercise_create(
        actor=admin,
        cluster=cluster,
        data={"key": EXAMPLE_EXERCISE, "title_en": "Priorities", "survey": survey},
    )
    priorities.criterion_create(
        actor=admin,
        exercise=exercise,
        data={
            "key": "importance",
            "title_en": "Importance",
            "weight": 2,
            "source": "delphi",
            "question": rating,
        },
    )
    cost = priorities.criterion_create(
        actor=admin,
        exercise=exercise,
        data={"key": "cost", "title_en": "Cost", "weight": 1, "direction": "cost"},
    )
    for key, value in (("a", 10), ("b", 20), ("c", 5), ("d", None)):
        candidate = priorities.candidate_create(
            actor=admin, exercise=exercise, data={"key": key, "title_en": key}
        )
        priorities.score_set(actor=admin, candidate=candidate, criterion=cost, value=value)

    held, lacking = CompetenceFactory(code="medtech"), CompetenceFactory(code="optics")
    OrganisationFactory(key="optician").competences.set([lacking])
    roadmap = roadmaps.roadmap_create(
        actor=admin,
        cluster=cluster,
        data={
            "key": EXAMPLE_ROADMAP,
            "title_en": "Roadmap",
            "exercise": exercise,
            "start_year": 2026,
            "end_year": 2032,
        },
    )
    nodes = [
        roadmaps.node_create(
            actor=admin,
            roadmap=roadmap,
            data={"key": key, "layer": layer, "title_en": key, "start_year": 2027, "trl": 4},
            competences=competences,
        )
        for key, layer, competences in (
            ("need", "market", []),
            ("device", "product", [held]),
            ("sensor", "technology", [held, lacking]),
        )
    ]
    for source, target in zip(nodes, nodes[1:]):
        roadmaps.link_create(actor=admin, roadmap=roadmap, source=source, target=target)


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
