"""A call in expert review with its applicants, experts tied to them in the registry, a commission and
one user per kind of reader, for the tests of conflicts, assignment and review (``test_conflicts*.py``,
``test_assignment*.py``, ``test_review*.py``). No tests here: only the builder.

The registry ties, by expert (today is fixed by the caller; the call looks back 3 years):

=================  ===========================================================  =====================
expert             their organisation(s)                                        conflict on A1
=================  ===========================================================  =====================
``ex_applicant``   represents Applicant (the applicant of A1)                    applicant
``ex_co``          affiliated (current) to Partner (A1's co-applicant)           co_applicant
``ex_member``      affiliated to Member, a current member of cluster X           cluster_member
``ex_left``        affiliated to Former, which left cluster X a year ago         —
``ex_project``     represents Lab, in joint project "Neuro" (2 years ago-) with  joint_project
                   Applicant
``ex_agreement``   affiliated to Lab2, party with Partner to an agreement         agreement
                   signed a year ago
``ex_old``         represents Oldlab, in a project with Applicant that ended      —
                   5 years ago; and was affiliated to Applicant until last year
``ex_clean``       none                                                         —
``member_a``       commission member, represents Applicant                      applicant
=================  ===========================================================  =====================

A2 (cluster Y, applicant Other) has no conflicts; D (a draft of Applicant) none either: it is not
submitted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from clusterworks.web.core.roles import Role
from clusterworks.web.programme.models import (
    Application,
    CoApplicant,
    CommissionMember,
    Criterion,
    ExpertProfile,
)
from clusterworks.web.registry.models import (
    Affiliation,
    Agreement,
    Cluster,
    Competence,
    JointProject,
    Organisation,
    Person,
    ProjectParticipation,
)
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    ClusterFactory,
    CompetenceFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    ProgrammeFactory,
    user_with_role,
)

#: the day the registry's ties are dated from: today, as the pages detect conflicts as of today
TODAY = timezone.localdate()


@dataclass
class World:
    call: Any
    cluster: Cluster
    other_cluster: Cluster
    orgs: dict[str, Organisation]
    apps: dict[str, Application]
    users: dict[str, Any]
    competences: dict[str, Competence]


def _affiliate(user: Any, organisation: Organisation, **dates: Any) -> None:
    person = Person.objects.filter(user=user).first() or PersonFactory(user=user)
    Affiliation.objects.create(person=person, organisation=organisation, position="Researcher", **dates)


def expert(username: str, *, keywords: str = "", competences=(), max_load=None, first="", last="") -> Any:
    user = user_with_role(Role.EXPERT, username=username, first_name=first, last_name=last)
    profile = ExpertProfile.objects.create(user=user, keywords=keywords, max_load=max_load)
    profile.competences.set(competences)
    return user


def build_world(*, today: dt.date = TODAY) -> World:
    competences = {
        "bio": CompetenceFactory(code="bio", name_en="Biotechnology"),
        "med": CompetenceFactory(code="med", name_en="Medical devices"),
        "it": CompetenceFactory(code="it", name_en="Software"),
    }
    cluster = ClusterFactory(key="x", name_en="Cluster X", name_ru="Кластер X")
    cluster.specialisations.set([competences["med"]])
    other_cluster = ClusterFactory(key="y", name_en="Cluster Y", name_ru="Кластер Y")
    other_cluster.specialisations.set([competences["it"]])
    orgs = {
        key: OrganisationFactory(key=key.lower(), name_en=key, name_ru=f"{key} (ru)")
        for key in ("Applicant", "Partner", "Member", "Former", "Lab", "Lab2", "Oldlab", "Other")
    }
    MembershipFactory(cluster=cluster, organisation=orgs["Applicant"], role="coordinator")
    MembershipFactory(cluster=cluster, organisation=orgs["Member"])
    MembershipFactory(cluster=cluster, organisation=orgs["Former"], left=today - dt.timedelta(days=365))
    MembershipFactory(cluster=other_cluster, organisation=orgs["Other"], role="coordinator")

    neuro = JointProject.objects.create(title="Neuro", start=today.replace(year=today.year - 2))
    for key in ("Lab", "Applicant"):
        ProjectParticipation.objects.create(project=neuro, organisation=orgs[key])
    old = JointProject.objects.create(
        title="Old", start=today.replace(year=today.year - 8), end=today.replace(year=today.year - 5)
    )
    for key in ("Oldlab", "Applicant"):
        ProjectParticipation.objects.create(project=old, organisation=orgs[key])
    agreement = Agreement.objects.create(
        title="Supply of reagents", kind="supply", signed_on=today.replace(year=today.year - 1)
    )
    agreement.parties.set([orgs["Lab2"], orgs["Partner"]])

    programme = ProgrammeFactory()
    call = CallFactory(programme=programme, key="call-2026", name_en="Call 2026", reviewers_per_application=2,
                       max_load=5)  # fmt: skip
    Criterion.objects.get(call=call, key="relevance").competences.set([competences["bio"]])

    users: dict[str, Any] = {
        "officer": user_with_role(Role.PROGRAMME_OFFICER, username="officer"),
        "officer_elsewhere": user_with_role(Role.PROGRAMME_OFFICER, username="officer2"),
        "rep_applicant": user_with_role(
            Role.ORGANISATION_REPRESENTATIVE, organisation=orgs["Applicant"], username="rep"
        ),
        "manager": user_with_role(Role.CLUSTER_MANAGER, cluster=cluster, username="manager"),
        "manager_other": user_with_role(Role.CLUSTER_MANAGER, cluster=other_cluster, username="manager2"),
        "analyst": user_with_role(Role.ANALYST, username="analyst"),
    }
    programme.officers.add(users["officer"])

    users["ex_applicant"] = expert("ex_applicant", keywords="cell therapy", competences=[competences["bio"]])
    user_with_role_for(
        users["ex_applicant"], Role.ORGANISATION_REPRESENTATIVE, organisation=orgs["Applicant"]
    )
    users["ex_co"] = expert("ex_co")
    _affiliate(users["ex_co"], orgs["Partner"], start=today - dt.timedelta(days=100))
    users["ex_member"] = expert("ex_member")
    _affiliate(users["ex_member"], orgs["Member"], end=today + dt.timedelta(days=30))
    users["ex_left"] = expert("ex_left")
    _affiliate(users["ex_left"], orgs["Former"])
    users["ex_project"] = expert("ex_project")
    user_with_role_for(users["ex_project"], Role.ORGANISATION_REPRESENTATIVE, organisation=orgs["Lab"])
    users["ex_agreement"] = expert("ex_agreement")
    _affiliate(users["ex_agreement"], orgs["Lab2"])
    users["ex_old"] = expert("ex_old")
    user_with_role_for(users["ex_old"], Role.ORGANISATION_REPRESENTATIVE, organisation=orgs["Oldlab"])
    users["ex_clean"] = expert("ex_clean", first="Clara", last="Clean")
    users["member_a"] = user_with_role(Role.COMMISSION_MEMBER, username="member_a")
    user_with_role_for(users["member_a"], Role.ORGANISATION_REPRESENTATIVE, organisation=orgs["Applicant"])
    CommissionMember.objects.create(call=call, user=users["member_a"])
    # ex_old was affiliated to the applicant until last year: no longer current
    _affiliate(users["ex_old"], orgs["Applicant"], end=today - dt.timedelta(days=200))

    common = {"call": call, "created_by": users["rep_applicant"]}
    apps = {
        "A1": ApplicationFactory(**common, number="2026-A1", title="Cell therapy centre", cluster=cluster,
                                 applicant=orgs["Applicant"], state="review",
                                 summary="A centre for cell therapy and regenerative medicine."),
        "A2": ApplicationFactory(**common, number="2026-A2", title="Medical software hub",
                                 cluster=other_cluster, applicant=orgs["Other"], state="review",
                                 summary="Software for hospitals: imaging and records."),
        "D": ApplicationFactory(**common, number="2026-D", title="Draft", cluster=cluster,
                                applicant=orgs["Applicant"], state="draft"),
    }  # fmt: skip
    CoApplicant.objects.create(application=apps["A1"], organisation=orgs["Partner"], role="clinical site")
    return World(call, cluster, other_cluster, orgs, apps, users, competences)


def user_with_role_for(user: Any, role: str, **scope: Any) -> None:
    from clusterworks.web.core.models import RoleAssignment

    RoleAssignment.objects.create(user=user, role=role, **scope)
    user.forget_roles()
