"""The audit log records every create, update and delete: who, when, what changed."""

from __future__ import annotations

import pytest

from clusterworks.web.core.audit import acting_as
from clusterworks.web.core.models import AuditEvent
from clusterworks.web.core.roles import Role
from clusterworks.web.registry import services
from clusterworks.web.registry.models import Organisation
from tests.factories import ClusterFactory, CompetenceFactory, OrganisationFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_create_update_delete_are_recorded_with_actor_and_changes():
    admin = user_with_role(Role.ADMIN, username="olga")
    with acting_as(admin, "web"):
        organisation = services.organisation_create(
            actor=admin, data={"key": "eurogen", "name_en": "Eurogen", "type": "company_sme"}
        )
        services.organisation_update(actor=admin, organisation=organisation, data={"city": "Moscow"})
        services.organisation_delete(actor=admin, organisation=organisation)

    create, update, delete = AuditEvent.objects.filter(model="registry.Organisation").order_by("id")
    assert (create.action, update.action, delete.action) == ("create", "update", "delete")
    assert {e.actor_label for e in (create, update, delete)} == {"olga"}
    assert create.actor == admin and create.source == "web"
    assert create.changes["name_en"] == [None, "Eurogen"]
    assert update.changes == {"city": ["", "Moscow"]}  # only the changed field, old -> new
    assert delete.changes["key"] == ["eurogen", None]
    assert delete.object_repr == "Eurogen"


def test_saving_without_a_change_records_nothing():
    organisation = OrganisationFactory()
    before = AuditEvent.objects.count()
    Organisation.objects.get(pk=organisation.pk).save()
    assert AuditEvent.objects.count() == before


def test_many_to_many_changes_are_recorded():
    organisation = OrganisationFactory()
    term = CompetenceFactory()
    organisation.competences.add(term)
    event = AuditEvent.objects.filter(model="registry.Organisation").latest("id")
    assert event.changes == {"competences": {"added": [str(term.pk)]}}


def test_changes_outside_a_request_are_attributed_to_the_system():
    ClusterFactory()
    event = AuditEvent.objects.filter(model="registry.Cluster").latest("id")
    assert event.actor is None and event.actor_label == "system"


def test_audit_page_is_for_admins_only(client):
    manager = user_with_role(Role.CLUSTER_MANAGER, cluster=ClusterFactory())
    client.force_login(manager)
    response = client.get("/audit/")
    assert response.status_code == 403
    assert "only platform administrators see the audit log" in response.content.decode()
