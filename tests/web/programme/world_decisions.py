"""A call before its commission, for the tests of the commission, the allocation, the awards and the
exports (``test_commission*.py``, ``test_allocation*.py``, ``test_awards*.py``, ``test_exports*.py``). No
tests here: only the builder.

The numbers are the allocation library's hand-worked example (its package docstring) scaled by 10,000
roubles, with a fourth application below the minimum score:

=====  =======  ==============  ===========  ===========  ======  =====================
 app   cluster  sector          requested    floor        score   (relevance, capacity)
=====  =======  ==============  ===========  ===========  ======  =====================
 A     K        biopharma-med     500,000      300,000      100   (10, 10)
 B     K        biopharma-med     400,000      all or none   90   (9, 9)
 C     L        ict               400,000      200,000       60   (6, 6)
 D     L        ict               100,000      all or none   40   (4, 4)
=====  =======  ==============  ===========  ===========  ======  =====================

Envelope 1,000,000 roubles, cap per cluster 700,000, minimum score 50, quorum share 0.5. A score on
0-100 is (2 x relevance + capacity) / 3 x 10 (the rubric of ``CallFactory``); both reviewers give each
application the same scores, so the raw mean and the robust score agree (no reviewer is more lenient).

People: the programme's ``officer``, an ``officer_elsewhere``; the commission: its ``chair``, ``member``,
``member2`` and ``conflicted`` (a member with a declared conflict of interest on A); the ``applicant``
(representative of the applicant organisation of A and B), the ``manager`` of K, ``l_applicant`` (of C
and D), the ``other_manager`` of another
cluster, two ``reviewer`` s, an ``analyst``, an ``admin``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from clusterworks.web.core.roles import Role
from clusterworks.web.programme.models import (
    Application,
    Assignment,
    BudgetItem,
    Call,
    CommissionMember,
    Conflict,
    Criterion,
    ExpenditureLine,
    Programme,
    Review,
    Score,
    Sector,
)
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

#: (name, cluster, sector, requested, floor, relevance, capacity)
APPLICATIONS = [
    ("A", "K", "biopharma-med", 500_000, 300_000, 10, 10),
    ("B", "K", "biopharma-med", 400_000, None, 9, 9),
    ("C", "L", "ict", 400_000, 200_000, 6, 6),
    ("D", "L", "ict", 100_000, None, 4, 4),
]


@dataclass
class World:
    programme: Programme
    call: Call
    apps: dict[str, Application]
    users: dict[str, Any]

    def reload(self) -> None:
        for application in self.apps.values():
            application.refresh_from_db()


def _review(application: Application, reviewer: Any, scores: dict[Criterion, int], comment: str) -> None:
    assignment = Assignment.objects.create(application=application, reviewer=reviewer)
    review = Review.objects.create(
        assignment=assignment, submitted_at=timezone.now(), comment_for_commission=comment
    )
    Score.objects.bulk_create(Score(review=review, criterion=c, value=v) for c, v in scores.items())


def build_world(*, state: str = "commission") -> World:
    programme = ProgrammeFactory(key="itc-support", owner="Ministry of Economic Development")
    call = CallFactory(
        programme=programme,
        key="itc-2026",
        name_en="Pilot clusters 2026",
        name_ru="Пилотные кластеры 2026",
        envelope=Decimal("1000000.00"),
        cap_per_cluster=Decimal("700000.00"),
        min_score=Decimal("50"),
        quorum_share=Decimal("0.50"),
    )
    sectors = {
        "biopharma-med": Sector.objects.create(
            call=call, key="biopharma-med", name_en="Biotechnology, pharmaceuticals and medicine",
            name_ru="Биотехнологии, фармацевтика и медицина",
        ),
        "ict": Sector.objects.create(call=call, key="ict", name_en="ICT", name_ru="ИКТ"),
    }  # fmt: skip
    region = RegionFactory()
    other_region = RegionFactory(
        code="RU-TOM", name_en="Tomsk Oblast", name_ru="Томская область", kind="oblast"
    )
    clusters = {
        "K": ClusterFactory(
            key="k-biomed", name_en="K Biomedical", name_ru="К Биомедицина", regions=[region]
        ),
        "L": ClusterFactory(key="l-ict", name_en="L ICT", name_ru="Л ИКТ", regions=[other_region]),
    }
    elsewhere = ClusterFactory(key="elsewhere", name_en="Elsewhere")
    line = ExpenditureLine.objects.get(call=call, key="support")
    organisations = {
        cluster_key: OrganisationFactory(
            key=f"{cluster_key.lower()}-coordinator", name_en=f"{cluster_key} coordinator",
            name_ru=f"Координатор {cluster_key}", region=region if cluster_key == "K" else other_region,
        )
        for cluster_key in clusters
    }  # fmt: skip
    for cluster_key, organisation in organisations.items():
        MembershipFactory(cluster=clusters[cluster_key], organisation=organisation, role="coordinator")
    users = {
        "admin": user_with_role(Role.ADMIN, username="admin"),
        "officer": user_with_role(Role.PROGRAMME_OFFICER, username="officer"),
        "officer_elsewhere": user_with_role(Role.PROGRAMME_OFFICER, username="officer_elsewhere"),
        "chair": user_with_role(
            Role.COMMISSION_MEMBER, username="chair", first_name="Helen", last_name="Chair"
        ),
        "member": user_with_role(
            Role.COMMISSION_MEMBER, username="member", first_name="Mark", last_name="Member"
        ),
        "member2": user_with_role(Role.COMMISSION_MEMBER, username="member2"),
        "conflicted": user_with_role(
            Role.COMMISSION_MEMBER, username="conflicted", first_name="Kate", last_name="Conflicted"
        ),
        "applicant": user_with_role(
            Role.ORGANISATION_REPRESENTATIVE, organisation=organisations["K"], username="applicant"
        ),
        "manager": user_with_role(Role.CLUSTER_MANAGER, cluster=clusters["K"], username="manager"),
        "l_applicant": user_with_role(
            Role.ORGANISATION_REPRESENTATIVE, organisation=organisations["L"], username="l_applicant"
        ),
        "other_manager": user_with_role(Role.CLUSTER_MANAGER, cluster=elsewhere, username="other_manager"),
        "reviewer": user_with_role(Role.EXPERT, username="reviewer", first_name="Rita", last_name="Reviewer"),
        "reviewer2": user_with_role(Role.EXPERT, username="reviewer2"),
        "analyst": user_with_role(Role.ANALYST, username="analyst"),
    }
    programme.officers.add(users["officer"])
    apps = {}
    criteria = {c.key: c for c in Criterion.objects.filter(call=call)}
    for name, cluster_key, sector_key, requested, floor, relevance, capacity in APPLICATIONS:
        application = ApplicationFactory(
            call=call, number=f"2026-{name}", title=f"Project {name}", cluster=clusters[cluster_key],
            applicant=organisations[cluster_key], region=region if cluster_key == "K" else other_region,
            sector=sectors[sector_key], floor=None if floor is None else Decimal(floor), state=state,
            created_by=users["applicant"] if cluster_key == "K" else users["l_applicant"],
            summary=f"Summary of project {name}",
        )  # fmt: skip
        BudgetItem.objects.create(application=application, line=line, year=2026, federal=Decimal(requested),
                                  regional=Decimal(requested) / 4)  # fmt: skip
        for reviewer in ("reviewer", "reviewer2"):
            scores = {criteria["relevance"]: relevance, criteria["capacity"]: capacity}
            _review(application, users[reviewer], scores, f"{reviewer} on {name}: sound plan")
        apps[name] = application
    CommissionMember.objects.create(call=call, user=users["chair"], chair=True)
    for who in ("member", "member2", "conflicted"):
        CommissionMember.objects.create(call=call, user=users[who])
    Conflict.objects.create(application=apps["A"], expert=users["conflicted"], source="declared",
                            detail="Former employee of the applicant")  # fmt: skip
    return World(programme=programme, call=call, apps=apps, users=users)
