"""Fixtures for the REST API tests: clients that authenticate with a bearer token, and a small register."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from clusterworks.web.core.models import ApiToken
from clusterworks.web.core.roles import Role
from clusterworks.web.registry import models as m
from tests.factories import (
    ClusterFactory,
    CompetenceFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    RegionFactory,
    user_with_role,
)

API = "/api/v1"


@dataclass
class ApiClient:
    """A Django test client that sends JSON and, if it has a token, ``Authorization: Bearer``."""

    client: Client
    token: str | None = None

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        result = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        result.update(headers or {})
        return result

    def get(self, path: str, params: dict[str, Any] | None = None, **kwargs: Any):
        return self.client.get(
            API + path, params or {}, headers=self._headers(kwargs.pop("headers", None)), **kwargs
        )

    def _send(self, method: str, path: str, body: Any = None, **kwargs: Any):
        send = getattr(self.client, method)
        data = json.dumps(body) if body is not None else ""
        return send(
            API + path,
            data,
            content_type="application/json",
            headers=self._headers(kwargs.pop("headers", None)),
            **kwargs,
        )

    def post(self, path: str, body: Any = None, **kwargs: Any):
        return self._send("post", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any):
        return self._send("patch", path, body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any):
        return self._send("put", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any):
        return self.client.delete(API + path, headers=self._headers(kwargs.pop("headers", None)), **kwargs)


def client_for(user: Any) -> ApiClient:
    """A client authenticated as ``user`` with a fresh token (None: anonymous)."""
    if user is None:
        return ApiClient(Client())
    _, secret = ApiToken.issue(user=user, name="test")
    return ApiClient(Client(), secret)


@pytest.fixture
def anonymous() -> ApiClient:
    return ApiClient(Client())


@dataclass
class Register:
    """A small register: two clusters with members, a person in each member, ties, and one user per role."""

    region: m.Region
    other_region: m.Region
    competence: m.Competence
    cluster: m.Cluster
    other_cluster: m.Cluster
    coordinator: m.Organisation
    member: m.Organisation
    outsider: m.Organisation
    member_person: m.Person
    outsider_person: m.Person
    agreement: m.Agreement
    outsider_agreement: m.Agreement
    project: m.JointProject
    users: dict[str, Any]

    def client(self, role: str) -> ApiClient:
        return client_for(self.users[role])


@pytest.fixture
def register(db) -> Register:
    region = RegionFactory()
    other_region = RegionFactory(code="RU-SPE", name_en="Saint Petersburg", name_ru="Санкт-Петербург")
    competence = CompetenceFactory(
        code="medtech", name_en="Medical technology", name_ru="Медицинские технологии"
    )
    cluster = ClusterFactory(key="medtech", name_en="Medical Technologies", regions=[region])
    cluster.specialisations.set([competence])
    other_cluster = ClusterFactory(key="photonics", name_en="Photonics", regions=[other_region])
    coordinator = OrganisationFactory(
        key="coordinator", name_en="Cluster Coordinator", type="development_institution"
    )
    member = OrganisationFactory(key="member", name_en="Member University", type="university")
    member.competences.set([competence])
    outsider = OrganisationFactory(key="outsider", name_en="Outsider Company", region=other_region)
    MembershipFactory(cluster=cluster, organisation=coordinator, role=m.MembershipRole.COORDINATOR)
    MembershipFactory(cluster=cluster, organisation=member)
    MembershipFactory(cluster=other_cluster, organisation=outsider)
    member_person = PersonFactory(full_name="Петров Пётр", full_name_en="Petr Petrov")
    m.Affiliation.objects.create(person=member_person, organisation=member, position="Vice-rector")
    outsider_person = PersonFactory(full_name="Сидоров Сидор", full_name_en="Sidor Sidorov")
    m.Affiliation.objects.create(person=outsider_person, organisation=outsider, position="Director")
    agreement = m.Agreement.objects.create(title="Cooperation", kind="cooperation", signed_on="2024-01-10")
    agreement.parties.set([coordinator, member])
    outsider_agreement = m.Agreement.objects.create(title="Supply", kind="supply", signed_on="2023-05-01")
    outsider_agreement.parties.set([outsider, member])
    project = m.JointProject.objects.create(title="Implant trials", acronym="IMPL", start="2024-02-01")
    m.ProjectParticipation.objects.create(project=project, organisation=coordinator, role="coordinator")
    m.ProjectParticipation.objects.create(project=project, organisation=member)
    users = {
        "admin": user_with_role(Role.ADMIN, username="admin"),
        "manager": user_with_role(Role.CLUSTER_MANAGER, cluster=cluster, username="manager"),
        "other_manager": user_with_role(
            Role.CLUSTER_MANAGER, cluster=other_cluster, username="other_manager"
        ),
        "representative": user_with_role(
            Role.ORGANISATION_REPRESENTATIVE, organisation=member, username="representative"
        ),
        "analyst": user_with_role(Role.ANALYST, username="analyst"),
        "expert": user_with_role(Role.EXPERT, username="expert"),
    }
    return Register(
        region=region,
        other_region=other_region,
        competence=competence,
        cluster=cluster,
        other_cluster=other_cluster,
        coordinator=coordinator,
        member=member,
        outsider=outsider,
        member_person=member_person,
        outsider_person=outsider_person,
        agreement=agreement,
        outsider_agreement=outsider_agreement,
        project=project,
        users=users,
    )
