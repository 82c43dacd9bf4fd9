"""Who may see and do what in the registry. Platform administrators pass every check (see core)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from clusterworks.web.core.permissions import Decision, allow, deny, is_authenticated, predicate
from clusterworks.web.core.roles import Role

from .models import Agreement, Cluster, JointProject, Membership, Organisation, Person


def _manages(user: Any, cluster: Cluster | None) -> bool:
    return is_authenticated(user) and cluster is not None and cluster.pk in user.managed_cluster_ids()


def _manages_member(user: Any, organisation: Organisation) -> bool:
    """Whether the user manages a cluster that the organisation currently belongs to."""
    if not is_authenticated(user) or not user.managed_cluster_ids():
        return False
    return Membership.objects.filter(
        organisation=organisation, cluster_id__in=user.managed_cluster_ids(), left__isnull=True
    ).exists()


def _represents(user: Any, organisation: Organisation | None) -> bool:
    return (
        is_authenticated(user)
        and organisation is not None
        and organisation.pk in user.represented_organisation_ids()
    )


# --- public pages -----------------------------------------------------------------------------------


@predicate("cluster.view")
def can_view_cluster(user: Any, cluster: Cluster | None) -> Decision:
    return allow(_("cluster profiles are public"))


@predicate("organisation.view")
def can_view_organisation(user: Any, organisation: Organisation | None) -> Decision:
    return allow(_("organisation profiles are public"))


# --- clusters and memberships ---------------------------------------------------------------------


@predicate("cluster.create")
def can_create_cluster(user: Any, _obj: Any) -> Decision:
    return deny(_("only platform administrators register clusters"))


@predicate("cluster.change")
def can_change_cluster(user: Any, cluster: Cluster) -> Decision:
    if _manages(user, cluster):
        return allow(_("you manage this cluster"))
    return deny(_("only this cluster's managers may change it"))


@predicate("cluster.delete")
def can_delete_cluster(user: Any, cluster: Cluster) -> Decision:
    return deny(_("only platform administrators delete clusters"))


@predicate("membership.manage")
def can_manage_membership(user: Any, cluster: Cluster) -> Decision:
    """Add, change or end memberships of ``cluster``."""
    if _manages(user, cluster):
        return allow(_("you manage this cluster"))
    return deny(_("only this cluster's managers may change its members"))


# --- organisations and people -----------------------------------------------------------------------


@predicate("organisation.create")
def can_create_organisation(user: Any, _obj: Any) -> Decision:
    if is_authenticated(user) and user.managed_cluster_ids():
        return allow(_("cluster managers register organisations"))
    return deny(_("only cluster managers and administrators register organisations"))


@predicate("organisation.change")
def can_change_organisation(user: Any, organisation: Organisation) -> Decision:
    if _represents(user, organisation):
        return allow(_("you represent this organisation"))
    if _manages_member(user, organisation):
        return allow(_("this organisation is a member of a cluster you manage"))
    return deny(_("only the organisation's representatives and its clusters' managers may change it"))


@predicate("organisation.delete")
def can_delete_organisation(user: Any, organisation: Organisation) -> Decision:
    return deny(_("only platform administrators delete organisations"))


def _person_organisations(person: Person) -> list[Organisation]:
    return [a.organisation for a in person.affiliations.all()]


@predicate("person.view")
def can_view_person(user: Any, person: Person) -> Decision:
    """Contacts are personal data: visible to the person, their organisation and its clusters' managers."""
    if not is_authenticated(user):
        return deny(_("contact details are visible only to signed-in members"))
    if person.user_id == user.pk:
        return allow(_("this is you"))
    if person.pk is None:
        return deny(_("no such person"))
    organisations = _person_organisations(person)
    if any(_represents(user, o) for o in organisations):
        return allow(_("you represent this person's organisation"))
    if any(_manages_member(user, o) for o in organisations):
        return allow(_("this person works for a member of a cluster you manage"))
    return deny(_("contact details are visible to the person's organisation and its clusters' managers"))


@predicate("person.list")
def can_list_people(user: Any, _obj: Any) -> Decision:
    if is_authenticated(user) and (user.managed_cluster_ids() or user.represented_organisation_ids()):
        return allow(_("you see the contacts of the organisations you manage or represent"))
    return deny(_("only cluster managers and organisation representatives see contact lists"))


@predicate("person.change")
def can_change_person(user: Any, person: Person) -> Decision:
    if is_authenticated(user) and person.user_id == user.pk:
        return allow(_("this is you"))
    organisations = _person_organisations(person) if person.pk else []
    if any(_represents(user, o) or _manages_member(user, o) for o in organisations):
        return allow(_("you manage this person's organisation"))
    return deny(
        _("only the person, their organisation's representatives and its clusters' managers may change it")
    )


@predicate("person.create")
def can_create_person(user: Any, organisation: Organisation | None) -> Decision:
    if organisation is not None and (_represents(user, organisation) or _manages_member(user, organisation)):
        return allow(_("you manage this organisation's contacts"))
    return deny(_("only an organisation's representatives and its clusters' managers add its people"))


# --- ties: agreements and joint projects -------------------------------------------------------------


def _parties(obj: Agreement | JointProject) -> list[Organisation]:
    if obj.pk is None:
        return []
    return list(obj.parties.all()) if isinstance(obj, Agreement) else list(obj.participants.all())


@predicate("tie.view")
def can_view_tie(user: Any, obj: Agreement | JointProject) -> Decision:
    if not is_authenticated(user):
        return deny(_("agreements and projects are visible only to signed-in members"))
    if user.has_role(Role.ANALYST):
        return allow(_("analysts see the whole network"))
    parties = _parties(obj)
    if any(_represents(user, o) or _manages_member(user, o) for o in parties):
        return allow(_("a party is your organisation or a member of a cluster you manage"))
    return deny(_("visible to the parties and to their clusters' managers"))


@predicate("tie.change")
def can_change_tie(user: Any, obj: Agreement | JointProject) -> Decision:
    parties = _parties(obj)
    if any(_represents(user, o) or _manages_member(user, o) for o in parties):
        return allow(_("a party is your organisation or a member of a cluster you manage"))
    return deny(_("only the parties and their clusters' managers may change it"))


@predicate("tie.create")
def can_create_tie(user: Any, _obj: Any) -> Decision:
    if is_authenticated(user) and (user.managed_cluster_ids() or user.represented_organisation_ids()):
        return allow(_("cluster managers and organisation representatives record ties"))
    return deny(_("only cluster managers and organisation representatives record agreements and projects"))


# --- bulk ------------------------------------------------------------------------------------------


@predicate("registry.import")
def can_import(user: Any, _obj: Any) -> Decision:
    if is_authenticated(user) and user.managed_cluster_ids():
        return allow(_("cluster managers import organisations and their clusters' memberships"))
    return deny(_("only cluster managers and administrators import"))


@predicate("registry.export")
def can_export(user: Any, _obj: Any) -> Decision:
    if not is_authenticated(user):
        return deny(_("sign in to export"))
    if user.managed_cluster_ids() or user.role_set() & {Role.ANALYST, Role.PROGRAMME_OFFICER}:
        return allow(_("cluster managers, analysts and programme officers export the registry"))
    return deny(_("only cluster managers, analysts, programme officers and administrators export"))
