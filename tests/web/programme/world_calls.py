"""A programme with one open call, two clusters and one user per kind of reader, for the tests of calls,
applications, attachments and the workflow pages (``test_calls*.py``, ``test_applications*.py``,
``test_attachments*.py``, ``test_workflow*.py``). No tests here: only the builder.

The call (``itc-2026``, year 2026) is open (a month since it opened, a month to its deadline), open to
every cluster and region, with regional co-financing 5-30 %, a cap of 200 million roubles per cluster,
the lines ``support`` (at most 60 % of the federal request) and ``training`` (no limit), the sectors
``biopharma-med`` and ``other``, and three questions: ``strategy`` (long text, required, at most 500
characters), ``jobs`` (number, required) and ``pilot`` (yes or no, optional).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from clusterworks.web.core.roles import Role
from clusterworks.web.programme.models import Application, BudgetItem, Call, FormQuestion, Programme, Sector
from clusterworks.web.programme.services.applications import revision_record
from clusterworks.web.registry.models import Cluster, MembershipRole, Organisation
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    ClusterFactory,
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    RegionFactory,
    user_with_role,
)

D = Decimal


@dataclass
class World:
    programme: Programme
    call: Call
    medtech: Cluster  # Moscow
    aero: Cluster  # Kaluga
    coordinator: Organisation  # the coordinator of medtech
    member: Organisation  # a current member of medtech
    former: Organisation  # left medtech last year
    partner: Organisation  # no member of any cluster; a co-applicant
    aerotech: Organisation  # the coordinator of aero
    users: dict[str, Any]

    def draft(self, who: str = "rep_member", **fields: Any) -> Application:
        """A draft of medtech by the member organisation, written straight to the database with its first
        revision (as ``application_create`` leaves it)."""
        values = {
            "call": self.call,
            "cluster": self.medtech,
            "applicant": self.member,
            "region": self.medtech.regions.get(),
            "created_by": self.users[who],
            "title": "Shared preclinical research centre",
            **fields,
        }
        application = ApplicationFactory(**values, revision=0)
        revision_record(application=application, actor=self.users[who])
        return application

    def complete(self, application: Application) -> Application:
        """Fill a draft so that it passes every check (see ``VALID_BUDGET``)."""
        application.summary = "A centre for preclinical studies shared by the cluster's members."
        application.sector = Sector.objects.get(call=self.call, key="biopharma-med")
        application.answers = {"strategy": "Build the centre in 2026, run it from 2027.", "jobs": "40"}
        application.floor = D("50000000.00")
        application.save()
        lines = {line.key: line for line in self.call.lines.all()}
        for (line, year), (federal, regional, own) in VALID_BUDGET.items():
            BudgetItem.objects.create(
                application=application,
                line=lines[line],
                year=year,
                federal=federal,
                regional=regional,
                own=own,
            )
        return application


#: a budget that keeps every rule: federal 100 m, regional 18 m, own 5 m; regional share
#: 18 / (100 + 18) = 15.25 % (within 5-30 %); support takes 60 / 100 = 60 % of the federal request
#: (its limit, included); 100 m is under the 200 m cap
VALID_BUDGET = {
    ("support", 2026): (D("60000000.00"), D("10000000.00"), D("5000000.00")),
    ("training", 2026): (D("40000000.00"), D("8000000.00"), D("0.00")),
}


def build_world() -> World:
    moscow = RegionFactory(code="RU-MOW", name_en="Moscow", name_ru="Москва")
    kaluga = RegionFactory(code="RU-KLU")  # the bundled regions: "Kaluga Oblast"
    medtech = ClusterFactory(key="medtech", name_en="Medical technologies", regions=[moscow])
    aero = ClusterFactory(key="aero", name_en="Aerospace", regions=[kaluga])
    coordinator = OrganisationFactory(key="pirogov", name_en="Pirogov University")
    member = OrganisationFactory(key="eurogen", name_en="Eurogen")
    former = OrganisationFactory(key="oldlab", name_en="Old Lab")
    partner = OrganisationFactory(key="rogachev", name_en="Rogachev Centre")
    aerotech = OrganisationFactory(key="aerotech", name_en="Aerotech", region=kaluga)
    MembershipFactory(cluster=medtech, organisation=coordinator, role=MembershipRole.COORDINATOR)
    MembershipFactory(cluster=medtech, organisation=member)
    MembershipFactory(
        cluster=medtech,
        organisation=former,
        joined=dt.date(2020, 1, 1),
        left=timezone.localdate() - dt.timedelta(days=365),
    )
    MembershipFactory(cluster=aero, organisation=aerotech, role=MembershipRole.COORDINATOR)
    programme = ProgrammeFactory(key="itc", name_en="Support of pilot innovative territorial clusters")
    call = CallFactory(
        programme=programme,
        key="itc-2026",
        name_en="ITC support 2026",
        year=2026,
        cap_per_cluster=D("200000000.00"),
    )
    call.lines.filter(key="support").update(max_share=D("60"))
    Sector.objects.create(
        call=call, key="biopharma-med", name_en="Biotech, pharma and medicine", min_share=D("20")
    )
    Sector.objects.create(call=call, key="other", name_en="Other")
    FormQuestion.objects.create(
        call=call,
        key="strategy",
        position=1,
        kind="long_text",
        label_en="Development strategy",
        max_length=500,
    )
    FormQuestion.objects.create(call=call, key="jobs", position=2, kind="number", label_en="New jobs")
    FormQuestion.objects.create(
        call=call, key="pilot", position=3, kind="yes_no", label_en="A pilot cluster?", required=False
    )
    users = {
        "admin": user_with_role(Role.ADMIN, username="admin"),
        "officer": user_with_role(Role.PROGRAMME_OFFICER, username="officer"),
        "officer_elsewhere": user_with_role(Role.PROGRAMME_OFFICER, username="officer-elsewhere"),
        "manager": user_with_role(Role.CLUSTER_MANAGER, cluster=medtech, username="manager"),
        "rep_member": user_with_role(
            Role.ORGANISATION_REPRESENTATIVE, organisation=member, username="rep-member"
        ),
        "rep_partner": user_with_role(
            Role.ORGANISATION_REPRESENTATIVE, organisation=partner, username="rep-partner"
        ),
        "rep_former": user_with_role(
            Role.ORGANISATION_REPRESENTATIVE, organisation=former, username="rep-former"
        ),
        "other_manager": user_with_role(Role.CLUSTER_MANAGER, cluster=aero, username="other-manager"),
        "expert": user_with_role(Role.EXPERT, username="expert"),
        "anonymous": AnonymousUser(),
    }
    programme.officers.add(users["officer"])
    return World(programme, call, medtech, aero, coordinator, member, former, partner, aerotech, users)
