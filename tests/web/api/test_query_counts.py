"""No N+1: the number of queries of a list does not grow with the page size.

Each list is read with pages of 2 and of 25 rows (over more than 25 rows, each with its related rows), and
must take the same number of queries, within a small fixed bound.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusterworks.web.registry import models as m
from tests.factories import (
    ClusterFactory,
    CompetenceFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db
ROWS = 30


@pytest.fixture
def many(register):
    competences = [CompetenceFactory(), CompetenceFactory()]
    for n in range(ROWS):
        cluster = ClusterFactory(regions=[register.region, register.other_region])
        cluster.specialisations.set(competences)
        organisation = OrganisationFactory(region=register.region)
        organisation.competences.set(competences)
        MembershipFactory(cluster=register.cluster, organisation=organisation)
        MembershipFactory(cluster=cluster, organisation=organisation, role="coordinator")
        person = PersonFactory()
        m.Affiliation.objects.create(person=person, organisation=organisation, position="Engineer")
        m.Affiliation.objects.create(person=person, organisation=register.member, position="Lecturer")
        agreement = m.Agreement.objects.create(title=f"A{n}", kind="other", signed_on="2024-01-01")
        agreement.parties.set([organisation, register.member])
        project = m.JointProject.objects.create(title=f"P{n}", start="2024-01-01")
        m.ProjectParticipation.objects.create(project=project, organisation=organisation, role="coordinator")
        m.ProjectParticipation.objects.create(project=project, organisation=register.member)
    return register


def count_queries(client, path: str, page_size: int) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, {"page_size": page_size})
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == page_size
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "role, path, bound",
    [
        (None, "/clusters", 4),  # count, page, regions, specialisations
        (None, "/organisations", 3),  # count, page (with region), competences
        (None, "/clusters/medtech/members", 3),  # cluster, count, page (with organisation and region)
        (None, "/regions", 2),
        (None, "/competences", 2),
        # and with a token: token (with its user), the user's roles, count, page, related rows
        ("manager", "/people", 5),
        ("manager", "/agreements", 5),
        ("manager", "/projects", 5),
        ("admin", "/people", 5),
        ("analyst", "/agreements", 5),
    ],
)
def test_list_queries_do_not_grow_with_the_page_size(
    many, anonymous, django_assert_max_num_queries, role, path, bound
):
    client = many.client(role) if role else anonymous
    client.get(path)  # the token's first use is written down (at most once a minute): not counted
    small = count_queries(client, path, 2)
    with django_assert_max_num_queries(bound):
        large = count_queries(client, path, 25)
    assert large == small
