"""``/organisations``: universities, institutes, companies and authorities. Public to read."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from clusterworks.web.registry import selectors, services
from clusterworks.web.registry.models import name_order

from . import queries
from .auth import PUBLIC_OPENAPI, PUBLIC_READ, SIGNED_IN, actor
from .schemas import (
    COMMON_ERRORS,
    WRITE_ERRORS,
    Organisation,
    OrganisationCreate,
    OrganisationKey,
    OrganisationPage,
    OrganisationQuery,
    OrganisationUpdate,
    errors,
)

router = Router(tags=["organisations"])


def _organisation(key: str):
    return queries.get_or_404(selectors.organisation_list(), "organisation", key=key)


def _region(code: str | None):
    return queries.regions([code], field="region")[0] if code else None


@router.get(
    "",
    response={200: OrganisationPage, **errors(*COMMON_ERRORS)},
    auth=PUBLIC_READ,
    openapi_extra=PUBLIC_OPENAPI,
    summary="List organisations",
)
def list_organisations(request: HttpRequest, filters: Query[OrganisationQuery]):
    """Organisations by name; ``search`` looks in the names, short name, INN, city and competences."""
    organisations = selectors.organisation_list(
        search=filters.search,
        type=filters.type or "",
        region=filters.region,
        competence=filters.competence,
        cluster=filters.cluster,
    ).order_by(name_order(russian=False), "pk")  # the order of an index: no sort of the whole table
    return queries.paginate(organisations, filters)


@router.get(
    "/{key}",
    response={200: Organisation, **errors(*COMMON_ERRORS, 404)},
    auth=PUBLIC_READ,
    openapi_extra=PUBLIC_OPENAPI,
    summary="Get an organisation",
)
def get_organisation(request: HttpRequest, key: str = OrganisationKey):
    return _organisation(key)


@router.post(
    "",
    response={201: Organisation, **errors(*WRITE_ERRORS)},
    auth=SIGNED_IN,
    summary="Register an organisation",
)
def create_organisation(request: HttpRequest, body: OrganisationCreate):
    """Cluster managers and platform administrators."""
    data = body.model_dump(exclude={"competences"})
    data["region"] = _region(body.region)
    competences = queries.competences(body.competences)
    organisation = services.organisation_create(actor=actor(request), data=data, competences=competences)
    return Status(201, _organisation(organisation.key))


@router.patch(
    "/{key}",
    response={200: Organisation, **errors(*WRITE_ERRORS)},
    auth=SIGNED_IN,
    summary="Change an organisation",
)
def update_organisation(request: HttpRequest, body: OrganisationUpdate, key: str = OrganisationKey):
    """The organisation's representatives, the managers of its clusters and platform administrators.
    Send only the fields to change; a new ``key`` moves the organisation to a new URL."""
    organisation = _organisation(key)
    data = body.model_dump(exclude_unset=True, exclude={"competences"})
    if "region" in data:
        data["region"] = _region(body.region)
    competences = queries.competences(body.competences) if "competences" in body.model_fields_set else None
    organisation = services.organisation_update(
        actor=actor(request), organisation=organisation, data=data, competences=competences
    )
    return _organisation(organisation.key)


@router.delete(
    "/{key}", response={204: None, **errors(*WRITE_ERRORS)}, auth=SIGNED_IN, summary="Delete an organisation"
)
def delete_organisation(request: HttpRequest, key: str = OrganisationKey):
    """Platform administrators only. Deletes its memberships, affiliations and project participations."""
    services.organisation_delete(actor=actor(request), organisation=_organisation(key))
    return Status(204, None)
