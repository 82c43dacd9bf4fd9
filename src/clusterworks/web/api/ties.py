"""``/agreements`` and ``/projects``: the ties of the stakeholder network.

Visible to signed-in users under the ``tie.view`` permission (analysts see all; others the ties of the
organisations they represent and of the current members of the clusters they manage): lists leave the
others out, a direct request gets 403. Parties and their clusters' managers change them.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from clusterworks.web.core.permissions import require
from clusterworks.web.registry import selectors, services
from clusterworks.web.registry.models import Agreement as AgreementModel
from clusterworks.web.registry.models import JointProject as ProjectModel
from clusterworks.web.registry.models import ProjectParticipation

from . import queries
from .auth import SIGNED_IN, actor
from .schemas import (
    MAX_ID,
    READ_ERRORS,
    WRITE_ERRORS,
    Agreement,
    AgreementCreate,
    AgreementPage,
    AgreementQuery,
    AgreementUpdate,
    Project,
    ProjectCreate,
    ProjectPage,
    ProjectQuery,
    ProjectUpdate,
    errors,
)

agreements = Router(tags=["agreements"], auth=SIGNED_IN)
projects = Router(tags=["projects"], auth=SIGNED_IN)
AgreementId = Path(..., ge=1, le=MAX_ID, description="The agreement's id.")
ProjectId = Path(..., ge=1, le=MAX_ID, description="The project's id.")


# --- agreements -------------------------------------------------------------------------------------------


def _agreement(agreement_id: int) -> AgreementModel:
    return queries.get_or_404(
        AgreementModel.objects.prefetch_related("parties"), "agreement", pk=agreement_id
    )


@agreements.get("", response={200: AgreementPage, **errors(*READ_ERRORS)}, summary="List agreements")
def list_agreements(request: HttpRequest, filters: Query[AgreementQuery]):
    """Only the agreements you may see, newest first."""
    found = selectors.agreement_list_visible_to(
        user=actor(request), search=filters.search, kind=filters.kind or "", organisation=filters.organisation
    )
    return queries.paginate(found, filters)


@agreements.get(
    "/{agreement_id}", response={200: Agreement, **errors(*READ_ERRORS)}, summary="Get an agreement"
)
def get_agreement(request: HttpRequest, agreement_id: int = AgreementId):
    agreement = _agreement(agreement_id)
    require(actor(request), "tie.view", agreement)
    return agreement


@agreements.post("", response={201: Agreement, **errors(*WRITE_ERRORS)}, summary="Record an agreement")
def create_agreement(request: HttpRequest, body: AgreementCreate):
    """Cluster managers and organisation representatives, for agreements one of their organisations
    (or of their clusters' members) is a party to."""
    parties = queries.organisations(body.parties, field="parties")
    agreement = services.agreement_create(
        actor=actor(request), data=body.model_dump(exclude={"parties"}), parties=parties
    )
    return Status(201, _agreement(agreement.pk))


@agreements.patch(
    "/{agreement_id}", response={200: Agreement, **errors(*WRITE_ERRORS)}, summary="Change an agreement"
)
def update_agreement(request: HttpRequest, body: AgreementUpdate, agreement_id: int = AgreementId):
    """Send only the fields to change; ``parties`` replaces the parties."""
    agreement = _agreement(agreement_id)
    parties = (
        queries.organisations(body.parties, field="parties") if "parties" in body.model_fields_set else None
    )
    services.agreement_update(
        actor=actor(request),
        agreement=agreement,
        data=body.model_dump(exclude_unset=True, exclude={"parties"}),
        parties=parties,
    )
    return _agreement(agreement_id)


@agreements.delete(
    "/{agreement_id}", response={204: None, **errors(*WRITE_ERRORS)}, summary="Delete an agreement"
)
def delete_agreement(request: HttpRequest, agreement_id: int = AgreementId):
    services.agreement_delete(actor=actor(request), agreement=_agreement(agreement_id))
    return Status(204, None)


# --- joint projects ---------------------------------------------------------------------------------------


def _project(project_id: int) -> ProjectModel:
    participations = ProjectParticipation.objects.select_related("organisation").order_by("organisation__key")
    found = ProjectModel.objects.prefetch_related(Prefetch("participations", queryset=participations))
    return queries.get_or_404(found, "joint project", pk=project_id)


@projects.get("", response={200: ProjectPage, **errors(*READ_ERRORS)}, summary="List joint projects")
def list_projects(request: HttpRequest, filters: Query[ProjectQuery]):
    """Only the projects you may see, newest first."""
    found = selectors.project_list_visible_to(
        user=actor(request), search=filters.search, organisation=filters.organisation
    )
    return queries.paginate(found, filters)


@projects.get("/{project_id}", response={200: Project, **errors(*READ_ERRORS)}, summary="Get a joint project")
def get_project(request: HttpRequest, project_id: int = ProjectId):
    project = _project(project_id)
    require(actor(request), "tie.view", project)
    return project


@projects.post("", response={201: Project, **errors(*WRITE_ERRORS)}, summary="Record a joint project")
def create_project(request: HttpRequest, body: ProjectCreate):
    """Cluster managers and organisation representatives, for projects of their organisations (or of
    their clusters' members)."""
    participants = queries.organisations(body.participants, field="participants")
    coordinator = next((o for o in participants if o.key == body.coordinator), None)
    project = services.project_create(
        actor=actor(request),
        data=body.model_dump(exclude={"participants", "coordinator"}),
        participants=participants,
        coordinator=coordinator,
    )
    return Status(201, _project(project.pk))


@projects.patch(
    "/{project_id}", response={200: Project, **errors(*WRITE_ERRORS)}, summary="Change a joint project"
)
def update_project(request: HttpRequest, body: ProjectUpdate, project_id: int = ProjectId):
    """Send only the fields to change; ``participants`` replaces the participants, ``coordinator``
    names one of them (null: none)."""
    project = _project(project_id)
    fields = body.model_fields_set
    participants = (
        queries.organisations(body.participants, field="participants") if "participants" in fields else None
    )
    coordinator = services.KEEP
    if "coordinator" in fields:
        coordinator = (
            queries.organisation(body.coordinator, field="coordinator") if body.coordinator else None
        )
    services.project_update(
        actor=actor(request),
        project=project,
        data=body.model_dump(exclude_unset=True, exclude={"participants", "coordinator"}),
        participants=participants,
        coordinator=coordinator,
    )
    return _project(project_id)


@projects.delete(
    "/{project_id}", response={204: None, **errors(*WRITE_ERRORS)}, summary="Delete a joint project"
)
def delete_project(request: HttpRequest, project_id: int = ProjectId):
    services.project_delete(actor=actor(request), project=_project(project_id))
    return Status(204, None)
