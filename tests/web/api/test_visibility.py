"""The list selectors of people and ties give exactly what the permission predicates allow.

Lists use ``person_list_visible_to`` / ``agreement_list_visible_to`` / ``project_list_visible_to`` (one
query) instead of asking ``person.view`` / ``tie.view`` row by row; these tests hold the two to the same
answer for every role, over a register with current and former members, several affiliations and the
user's own record.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from clusterworks.web.core.permissions import check
from clusterworks.web.registry import models as m
from clusterworks.web.registry.selectors import (
    agreement_list_visible_to,
    person_list_visible_to,
    project_list_visible_to,
)
from tests.factories import MembershipFactory, OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def richer(register):
    """Add a former member, a person with two affiliations, one linked to a user, and more ties."""
    former = OrganisationFactory(key="former")
    MembershipFactory(cluster=register.cluster, organisation=former, left="2023-01-01")
    both = PersonFactory(full_name_en="Two Jobs")
    m.Affiliation.objects.create(person=both, organisation=register.outsider, position="Adviser")
    m.Affiliation.objects.create(person=both, organisation=former, position="Director")
    PersonFactory(full_name_en="Former's Person").affiliations.create(organisation=former, position="X")
    PersonFactory(full_name_en="Nobody's")
    PersonFactory(full_name_en="The Expert", user=register.users["expert"])
    old = m.Agreement.objects.create(title="Old", kind="other", signed_on="2010-01-01")
    old.parties.set([former, register.outsider])
    project = m.JointProject.objects.create(title="Optics", start="2022-01-01")
    m.ProjectParticipation.objects.create(project=project, organisation=register.outsider)
    m.ProjectParticipation.objects.create(project=project, organisation=former)
    register.users["nobody"] = UserFactory(username="nobody")
    return register


ROLES = ["admin", "manager", "other_manager", "representative", "analyst", "expert", "nobody"]


@pytest.mark.parametrize("role", ROLES)
def test_people(richer, role):
    user = richer.users[role]
    allowed = {p.pk for p in m.Person.objects.all() if check(user, "person.view", p)}
    assert set(person_list_visible_to(user=user).values_list("pk", flat=True)) == allowed


@pytest.mark.parametrize("role", ROLES)
def test_agreements(richer, role):
    user = richer.users[role]
    allowed = {a.pk for a in m.Agreement.objects.all() if check(user, "tie.view", a)}
    assert set(agreement_list_visible_to(user=user).values_list("pk", flat=True)) == allowed


@pytest.mark.parametrize("role", ROLES)
def test_projects(richer, role):
    user = richer.users[role]
    allowed = {p.pk for p in m.JointProject.objects.all() if check(user, "tie.view", p)}
    assert set(project_list_visible_to(user=user).values_list("pk", flat=True)) == allowed


def test_anonymous_sees_none(richer):
    anonymous = AnonymousUser()
    assert not person_list_visible_to(user=anonymous).exists()
    assert not agreement_list_visible_to(user=anonymous).exists()
    assert not project_list_visible_to(user=anonymous).exists()


def test_no_duplicates_when_reached_several_ways(richer):
    pks = list(person_list_visible_to(user=richer.users["admin"]).values_list("pk", flat=True))
    assert len(pks) == len(set(pks)) == m.Person.objects.count()
    # outsider joins the manager's cluster: "Two Jobs" is now reached through it (but not through former)
    m.Membership.objects.create(cluster=richer.cluster, organisation=richer.outsider)
    people = list(person_list_visible_to(user=richer.users["manager"]).values_list("full_name_en", flat=True))
    assert sorted(people) == ["Petr Petrov", "Sidor Sidorov", "Two Jobs"]
