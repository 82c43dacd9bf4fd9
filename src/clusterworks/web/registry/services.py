"""Registry changes. Each service checks the actor's permission, validates, writes in one transaction;
the audit log records the change (see ``core.audit``). Views, the API, imports and the CLI call these
and nothing lower."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from clusterworks.web.core.permissions import require

from .models import (
    Affiliation,
    Agreement,
    Cluster,
    Competence,
    JointProject,
    Membership,
    MembershipRole,
    Organisation,
    Person,
    ProjectParticipation,
    Region,
)

ORGANISATION_FIELDS = (
    "key",
    "name_ru",
    "name_en",
    "short_name",
    "type",
    "inn",
    "ogrn",
    "region",
    "city",
    "website",
    "competences_text",
    "description",
    "illustrative",
)
CLUSTER_FIELDS = (
    "key",
    "name_ru",
    "name_en",
    "status",
    "founded",
    "ended",
    "website",
    "description_en",
    "description_ru",
    "illustrative",
)


def _assign(instance: Any, data: dict[str, Any], allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}; allowed: {sorted(allowed)}")
    for name, value in data.items():
        setattr(instance, name, value)


@transaction.atomic
def organisation_create(
    *, actor: Any, data: dict[str, Any], competences: Iterable[Competence] = ()
) -> Organisation:
    require(actor, "organisation.create")
    organisation = Organisation()
    _assign(organisation, data, ORGANISATION_FIELDS)
    organisation.full_clean()
    organisation.save()
    if competences:
        organisation.competences.set(competences)
    return organisation


@transaction.atomic
def organisation_update(
    *,
    actor: Any,
    organisation: Organisation,
    data: dict[str, Any],
    competences: Iterable[Competence] | None = None,
) -> Organisation:
    require(actor, "organisation.change", organisation)
    _assign(organisation, data, ORGANISATION_FIELDS)
    organisation.full_clean()
    organisation.save()
    if competences is not None:
        organisation.competences.set(competences)
    return organisation


@transaction.atomic
def organisation_delete(*, actor: Any, organisation: Organisation) -> None:
    require(actor, "organisation.delete", organisation)
    organisation.delete()


@transaction.atomic
def cluster_create(
    *, actor: Any, data: dict[str, Any], regions: Iterable[Region], specialisations: Iterable[Competence] = ()
) -> Cluster:
    require(actor, "cluster.create")
    cluster = Cluster()
    _assign(cluster, data, CLUSTER_FIELDS)
    cluster.full_clean()
    cluster.save()
    cluster.regions.set(regions)
    cluster.specialisations.set(specialisations)
    return cluster


@transaction.atomic
def cluster_update(
    *,
    actor: Any,
    cluster: Cluster,
    data: dict[str, Any],
    regions: Iterable[Region] | None = None,
    specialisations: Iterable[Competence] | None = None,
) -> Cluster:
    require(actor, "cluster.change", cluster)
    if "key" in data and data["key"] != cluster.key:
        raise ValueError("a cluster's key is its stable identifier and cannot change")
    _assign(cluster, data, CLUSTER_FIELDS)
    cluster.full_clean()
    cluster.save()
    if regions is not None:
        cluster.regions.set(regions)
    if specialisations is not None:
        cluster.specialisations.set(specialisations)
    return cluster


@transaction.atomic
def cluster_delete(*, actor: Any, cluster: Cluster) -> None:
    require(actor, "cluster.delete", cluster)
    cluster.delete()


@transaction.atomic
def membership_add(
    *,
    actor: Any,
    cluster: Cluster,
    organisation: Organisation,
    role: str = MembershipRole.MEMBER,
    joined: dt.date | None = None,
) -> Membership:
    """Make ``organisation`` a member of ``cluster``; a second coordinator is refused by validation."""
    require(actor, "membership.manage", cluster)
    membership = Membership(cluster=cluster, organisation=organisation, role=role, joined=joined)
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def membership_update(
    *,
    actor: Any,
    membership: Membership,
    role: str | None = None,
    joined: dt.date | None = None,
    left: dt.date | None = None,
) -> Membership:
    require(actor, "membership.manage", membership.cluster)
    if role is not None:
        membership.role = role
    if joined is not None:
        membership.joined = joined
    if left is not None:
        membership.left = left
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def membership_delete(*, actor: Any, membership: Membership) -> None:
    require(actor, "membership.manage", membership.cluster)
    membership.delete()


@transaction.atomic
def person_create(
    *, actor: Any, organisation: Organisation, position: str, data: dict[str, Any], is_contact: bool = False
) -> Person:
    require(actor, "person.create", organisation)
    person = Person(**data)
    person.full_clean()
    person.save()
    affiliation = Affiliation(
        person=person, organisation=organisation, position=position, is_contact=is_contact
    )
    affiliation.full_clean()
    affiliation.save()
    return person


@transaction.atomic
def person_update(*, actor: Any, person: Person, data: dict[str, Any]) -> Person:
    require(actor, "person.change", person)
    _assign(person, data, ("full_name", "full_name_en", "email", "phone"))
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def agreement_create(*, actor: Any, data: dict[str, Any], parties: Iterable[Organisation]) -> Agreement:
    require(actor, "tie.create")
    parties = list(parties)
    if len(parties) < 2:
        raise ValueError("an agreement needs at least two parties")
    agreement = Agreement(**data)
    agreement.full_clean()
    agreement.save()
    agreement.parties.set(parties)
    require(actor, "tie.change", agreement)  # the actor must be on one side of it
    return agreement


@transaction.atomic
def project_create(
    *,
    actor: Any,
    data: dict[str, Any],
    participants: Iterable[Organisation],
    coordinator: Organisation | None = None,
) -> JointProject:
    require(actor, "tie.create")
    participants = list(participants)
    if len(participants) < 2:
        raise ValueError("a joint project needs at least two participants")
    project = JointProject(**data)
    project.full_clean()
    project.save()
    for organisation in participants:
        role = ProjectParticipation.Role.COORDINATOR if organisation == coordinator else "participant"
        ProjectParticipation.objects.create(project=project, organisation=organisation, role=role)
    require(actor, "tie.change", project)
    return project


# --- added for the REST API: deleting people, changing and deleting agreements and joint projects --------

AGREEMENT_FIELDS = ("title", "kind", "signed_on", "ends_on", "description")
PROJECT_FIELDS = ("title", "acronym", "start", "end", "budget", "description")
#: ``project_update(coordinator=KEEP)`` leaves the coordinator as it is
KEEP: Any = object()


@transaction.atomic
def person_delete(*, actor: Any, person: Person) -> None:
    require(actor, "person.change", person)
    person.delete()


@transaction.atomic
def agreement_update(
    *, actor: Any, agreement: Agreement, data: dict[str, Any], parties: Iterable[Organisation] | None = None
) -> Agreement:
    require(actor, "tie.change", agreement)
    _assign(agreement, data, AGREEMENT_FIELDS)
    agreement.full_clean()
    agreement.save()
    if parties is not None:
        parties = list(dict.fromkeys(parties))
        if len(parties) < 2:
            raise ValueError("an agreement needs at least two parties")
        agreement.parties.set(parties)
        require(actor, "tie.change", agreement)  # the actor must still be on one side of it
    return agreement


@transaction.atomic
def agreement_delete(*, actor: Any, agreement: Agreement) -> None:
    require(actor, "tie.change", agreement)
    agreement.delete()


@transaction.atomic
def project_update(
    *,
    actor: Any,
    project: JointProject,
    data: dict[str, Any],
    participants: Iterable[Organisation] | None = None,
    coordinator: Organisation | None = KEEP,
) -> JointProject:
    """Change a project's fields and, when given, its participants and its coordinator (None: no
    coordinator; ``KEEP``: the current one, if it still takes part)."""
    require(actor, "tie.change", project)
    _assign(project, data, PROJECT_FIELDS)
    project.full_clean()
    project.save()
    if participants is None and coordinator is KEEP:
        return project
    rows = {p.organisation_id: p for p in ProjectParticipation.objects.filter(project=project)}
    wanted = list(dict.fromkeys(o.pk for o in participants)) if participants is not None else list(rows)
    if len(wanted) < 2:
        raise ValueError("a joint project needs at least two participants")
    if coordinator is KEEP:
        coordinating = [o for o, p in rows.items() if p.role == ProjectParticipation.Role.COORDINATOR]
        coordinator_id = coordinating[0] if coordinating and coordinating[0] in wanted else None
    else:
        coordinator_id = coordinator.pk if coordinator is not None else None
        if coordinator_id is not None and coordinator_id not in wanted:
            raise ValueError("the coordinator must be one of the participants")
    ProjectParticipation.objects.filter(project=project).exclude(organisation_id__in=wanted).delete()
    for organisation_id in wanted:
        role = (
            ProjectParticipation.Role.COORDINATOR
            if organisation_id == coordinator_id
            else ProjectParticipation.Role.PARTICIPANT
        )
        row = rows.get(organisation_id)
        if row is None:
            ProjectParticipation.objects.create(project=project, organisation_id=organisation_id, role=role)
        elif row.role != role:
            row.role = role
            row.save()
    require(actor, "tie.change", JointProject.objects.get(pk=project.pk))  # still on one side of it
    return project


@transaction.atomic
def project_delete(*, actor: Any, project: JointProject) -> None:
    require(actor, "tie.change", project)
    project.delete()
