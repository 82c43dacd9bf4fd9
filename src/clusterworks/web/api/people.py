"""``/people``: contact persons. Personal data: signed-in users see only the people the ``person.view``
permission lets them see (themselves, the people of the organisations they represent, and of the
current members of the clusters they manage); lists leave the others out, a direct request gets 403."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from clusterworks.web.core.permissions import require
from clusterworks.web.registry import selectors, services
from clusterworks.web.registry.models import Person as PersonModel

from . import queries
from .auth import SIGNED_IN, actor
from .schemas import (
    MAX_ID,
    READ_ERRORS,
    WRITE_ERRORS,
    Person,
    PersonCreate,
    PersonPage,
    PersonQuery,
    PersonUpdate,
    errors,
)

router = Router(tags=["people"], auth=SIGNED_IN)
PersonId = Path(..., ge=1, le=MAX_ID, description="The person's id.")


def _person(person_id: int) -> PersonModel:
    people = PersonModel.objects.prefetch_related("affiliations__organisation")
    return queries.get_or_404(people, "person", pk=person_id)


def _visible(request: HttpRequest, person_id: int) -> PersonModel:
    person = _person(person_id)
    require(actor(request), "person.view", person)
    return person


@router.get("", response={200: PersonPage, **errors(*READ_ERRORS)}, summary="List people")
def list_people(request: HttpRequest, filters: Query[PersonQuery]):
    """Only the people you may see; ``search`` looks in the names and e-mail addresses."""
    people = selectors.person_list_visible_to(
        user=actor(request), search=filters.search, organisation=filters.organisation
    )
    return queries.paginate(people, filters)


@router.get("/{person_id}", response={200: Person, **errors(*READ_ERRORS)}, summary="Get a person")
def get_person(request: HttpRequest, person_id: int = PersonId):
    return _visible(request, person_id)


@router.post("", response={201: Person, **errors(*WRITE_ERRORS)}, summary="Add a person")
def create_person(request: HttpRequest, body: PersonCreate):
    """The organisation's representatives, the managers of its clusters and platform administrators."""
    organisation = queries.organisation(body.organisation)
    data = body.model_dump(include={"full_name", "full_name_en", "email", "phone"})
    person = services.person_create(
        actor=actor(request),
        organisation=organisation,
        position=body.position,
        data=data,
        is_contact=body.is_contact,
    )
    return Status(201, _person(person.pk))


@router.patch("/{person_id}", response={200: Person, **errors(*WRITE_ERRORS)}, summary="Change a person")
def update_person(request: HttpRequest, body: PersonUpdate, person_id: int = PersonId):
    """The person, their organisation's representatives and its clusters' managers."""
    person = _person(person_id)
    services.person_update(actor=actor(request), person=person, data=body.model_dump(exclude_unset=True))
    return _person(person_id)


@router.delete("/{person_id}", response={204: None, **errors(*WRITE_ERRORS)}, summary="Delete a person")
def delete_person(request: HttpRequest, person_id: int = PersonId):
    """Deletes the person and their affiliations."""
    services.person_delete(actor=actor(request), person=_person(person_id))
    return Status(204, None)
