"""Build the programme demo through the services, as the users would: the programme office opens a call,
the 25 pilot clusters apply with budgets, conflicts are detected from the registry and declared,
reviewers are assigned exactly and score the rubric, the commission votes, the envelope is allocated
exactly and adopted, the decisions are recorded and the awards made. A second call, for next year, is
left open for the demo users to apply to.

Every application, amount, expert, score and vote is illustrative (seeded pseudo-random numbers); the
clusters are the registry's pilot clusters. Building twice changes nothing: the demo is skipped when its
call exists.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from clusterworks.web.core.audit import acting_as
from clusterworks.web.core.models import RoleAssignment, User
from clusterworks.web.core.roles import Role
from clusterworks.web.registry.models import (
    Affiliation,
    Cluster,
    Competence,
    JointProject,
    Membership,
    Organisation,
    Person,
    ProjectParticipation,
)

from ..models import Application, Assignment, Call, ExpertProfile, Programme
from ..services import allocation, applications, assignment, awards, calls, commission, conflicts, review
from ..services.applications import Amounts
from ..services.review import ScoreInput
from ..services.workflow import in_app_only
from .content import APPLICATIONS, CALL_KEY, ENVELOPE, LINES, PROGRAMME_KEY, SECTORS

SEED = 2013
NEXT_CALL_KEY = "pilot-itc-next"
MILLION = Decimal(1_000_000)

#: illustrative experts: user name, name, competence codes, keywords
EXPERTS = [
    ("expert", "Irina Sokolova", ["pharma", "med-biotech"], "biopharmaceuticals GMP preclinical research"),
    (
        "demo-expert-02",
        "Andrei Volkov",
        ["ict-electronics", "ict-electronics.microelectronics"],
        "microelectronics design centres semiconductor",
    ),
    (
        "demo-expert-03",
        "Olga Morozova",
        ["nuclear", "nuclear.radiation-technologies"],
        "isotopes nuclear medicine radiation technologies",
    ),
    ("demo-expert-04", "Pavel Lebedev", ["aerospace", "aerospace.aircraft"], "aircraft suppliers aviation"),
    (
        "demo-expert-05",
        "Elena Kozlova",
        ["new-materials", "chemistry.petrochemistry"],
        "composites petrochemistry materials",
    ),
    (
        "demo-expert-06",
        "Dmitry Novikov",
        ["ict-electronics.software", "ict-electronics"],
        "software export data centres telecom",
    ),
    ("demo-expert-07", "Natalia Fedorova", ["med-equipment", "pharma"], "medical devices engineering centre"),
    (
        "demo-expert-08",
        "Sergei Orlov",
        ["shipbuilding", "machine-building"],
        "shipbuilding supplier qualification",
    ),
    (
        "demo-expert-09",
        "Maria Pavlova",
        ["new-materials.titanium", "new-materials"],
        "titanium additive manufacturing",
    ),
    (
        "demo-expert-10",
        "Alexei Smirnov",
        ["aerospace.engines", "aerospace.space"],
        "engines spacecraft components",
    ),
    (
        "demo-expert-11",
        "Tatiana Egorova",
        ["med-biotech", "functional-food"],
        "biotechnology recombinant proteins",
    ),
    (
        "demo-expert-12",
        "Nikolai Popov",
        ["chemistry.coal-chemistry", "chemistry.waste-processing"],
        "coal chemistry waste processing pilot plants",
    ),
]

#: commission: user name, name, chair
COMMISSION = [
    ("commission", "Viktor Belov", True),
    ("demo-commission-02", "Anna Zaitseva", False),
    ("demo-commission-03", "Boris Karpov", False),
    ("demo-commission-04", "Galina Titova", False),
    ("demo-commission-05", "Yuri Nikitin", False),
    ("demo-commission-06", "Svetlana Markova", False),
    ("demo-commission-07", "Oleg Frolov", False),
]


def _user(username: str, full_name: str, role: str, **scope) -> User:
    first, _space, last = full_name.partition(" ")
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"email": f"{username}@example.org", "first_name": first, "last_name": last},
    )
    if created:
        user.set_unusable_password()  # illustrative people: only the demo users of the README sign in
        user.save()
    RoleAssignment.objects.get_or_create(user=user, role=role, **scope)
    user.forget_roles()
    return user


def _centre(cluster: Cluster) -> Organisation:
    """The cluster's specialised organisation (illustrative), its coordinator."""
    region = cluster.regions.order_by("code").first()
    organisation, _created = Organisation.objects.get_or_create(
        key=f"{cluster.key}-centre",
        defaults={
            "name_en": f"Cluster development centre: {cluster.name_en} (illustrative)",
            "name_ru": f"Центр развития кластера: {cluster.name_ru} (демо)",
            "type": "development_institution",
            "region": region,
            "illustrative": True,
        },
    )
    Membership.objects.get_or_create(
        cluster=cluster,
        organisation=organisation,
        defaults={"role": "coordinator", "joined": cluster.founded},
    )
    return organisation


def _experts(centres: dict[str, Organisation]) -> list[User]:
    terms = {c.code: c for c in Competence.objects.all()}
    experts = []
    for username, name, codes, keywords in EXPERTS:
        user = _user(username, name, Role.EXPERT)
        profile, _created = ExpertProfile.objects.get_or_create(user=user, defaults={"keywords": keywords})
        profile.competences.set([terms[c] for c in codes if c in terms])
        experts.append(user)
    # conflicts the registry shows: an expert who works for an applicant, one with a recent joint project
    person, _created = Person.objects.get_or_create(
        user=experts[6], defaults={"full_name": "Наталья Федорова", "full_name_en": EXPERTS[6][1]}
    )
    Affiliation.objects.get_or_create(
        person=person, organisation=centres["itc-tomsk-pharma-medtech-it"], defaults={"position": "Adviser"}
    )
    institute, _created = Organisation.objects.get_or_create(
        key="demo-institute-of-innovation-studies",
        defaults={
            "name_en": "Institute of innovation studies (illustrative)",
            "name_ru": "Институт исследований инноваций (демо)",
            "type": "research_institute",
            "illustrative": True,
        },
    )
    RoleAssignment.objects.get_or_create(
        user=experts[1], role=Role.ORGANISATION_REPRESENTATIVE, organisation=institute
    )
    project, _created = JointProject.objects.get_or_create(
        title="Foresight of microelectronics demand (illustrative)",
        defaults={"start": timezone.localdate() - dt.timedelta(days=500)},
    )
    for organisation in (institute, centres["itc-zelenograd"]):
        ProjectParticipation.objects.get_or_create(project=project, organisation=organisation)
    return experts


def _budget_cells(call: Call, federal: Decimal, regional_share: float, rng: random.Random) -> dict:
    """The federal request spread over the lines and the call's three years, with regional
    co-financing at ``regional_share`` of federal + regional and own funds of 10-30 % of federal."""
    weights = {
        "cluster-organisation": 0.15,
        "training": 0.15,
        "exhibitions": 0.10,
        "engineering-centres": 0.40,
        "infrastructure": 0.20,
    }
    years = [call.year, call.year + 1, call.year + 2]
    split = [Decimal("0.5"), Decimal("0.3"), Decimal("0.2")]
    cells: dict[tuple[str, int], Amounts] = {}
    left = federal
    keys = [(line, year) for line in weights for year in years]
    for index, (line, year) in enumerate(keys):
        if index == len(keys) - 1:
            amount = left
        else:
            amount = (federal * Decimal(str(weights[line])) * split[years.index(year)]).quantize(Decimal("1"))
        left -= amount
        regional = (amount * Decimal(str(regional_share)) / Decimal(str(1 - regional_share))).quantize(
            Decimal("1")
        )
        own = (amount * Decimal(str(rng.uniform(0.1, 0.3)))).quantize(Decimal("1"))
        cells[(line, year)] = Amounts(federal=amount, regional=regional, own=own)
    return cells


def build_programme_demo(progress: Callable[[str], None] = lambda _: None) -> None:
    if Call.objects.filter(key=CALL_KEY).exists():
        progress("programme demo: present")
        return
    with in_app_only():  # the illustrative people's notifications stay in their inboxes
        _build(progress)


def _build(progress: Callable[[str], None]) -> None:
    rng = random.Random(SEED)
    officer = User.objects.get(username="officer")
    with acting_as(officer, "demo"):
        programme = Programme.objects.filter(key=PROGRAMME_KEY).first() or calls.programme_create(
            actor=officer,
            data={
                "key": PROGRAMME_KEY,
                "name_en": "Support of pilot innovative territorial clusters (illustrative)",
                "name_ru": "Поддержка пилотных инновационных территориальных кластеров (демо)",
                "owner": "Ministry of Economic Development of the Russian Federation",
                "description_en": "Subsidies to the regions for the programmes of the 25 pilot innovative "
                "territorial clusters selected in 2012. The competition in this demo is illustrative: its "
                "shape (2.5 bn roubles against about 2.7 bn requested, six biotech, pharma and medical "
                "clusters) follows the HSE ISSEK news item in the project's seed; its numbers do not.",
                "description_ru": "Субсидии регионам на реализацию программ развития 25 пилотных "
                "инновационных территориальных кластеров, отобранных в 2012 году. Конкурс в демо условный.",
            },
            officers=[officer],
        )
    clusters = {c.key: c for c in Cluster.objects.filter(key__in=[a[0] for a in APPLICATIONS])}
    centres = {key: _centre(cluster) for key, cluster in clusters.items()}
    now = timezone.now()
    year = timezone.localdate().year
    with acting_as(officer, "demo"):
        call = calls.call_create(
            actor=officer,
            programme=programme,
            data={
                "key": CALL_KEY,
                "year": year,
                "name_en": f"Pilot clusters' programmes {year} (illustrative)",
                "name_ru": f"Программы пилотных кластеров {year} (демо)",
                "opens_at": now - dt.timedelta(days=90),
                "closes_at": now + dt.timedelta(hours=1),
                "envelope": Decimal(ENVELOPE),
                "regional_share_min": Decimal(5),
                "regional_share_max": Decimal(30),
                "cap_per_cluster": Decimal(150) * MILLION,
                "min_score": Decimal(40),
                "reviewers_per_application": 3,
                "max_load": 8,
                "conflict_years": 3,
            },
            eligible_clusters=list(clusters.values()),
            lines=[
                {"key": k, "position": i, "name_en": en, "name_ru": ru}
                for i, (k, en, ru) in enumerate(LINES, 1)
            ],
            sectors=[{"key": k, "name_en": en, "name_ru": ru} for k, en, ru in SECTORS],
            criteria=[
                {
                    "key": "relevance",
                    "position": 1,
                    "name_en": "Relevance to the cluster's strategy",
                    "name_ru": "Соответствие стратегии кластера",
                    "weight": Decimal(3),
                    "scale_min": 0,
                    "scale_max": 10,
                },
                {
                    "key": "cooperation",
                    "position": 2,
                    "name_en": "Cooperation between members",
                    "name_ru": "Кооперация участников",
                    "weight": Decimal(2),
                    "scale_min": 0,
                    "scale_max": 10,
                },
                {
                    "key": "capacity",
                    "position": 3,
                    "name_en": "Capacity to deliver",
                    "name_ru": "Способность реализовать проект",
                    "weight": Decimal(2),
                    "scale_min": 0,
                    "scale_max": 10,
                },
                {
                    "key": "cofinancing",
                    "position": 4,
                    "name_en": "Co-financing and sustainability",
                    "name_ru": "Софинансирование и устойчивость",
                    "weight": Decimal(1),
                    "scale_min": 0,
                    "scale_max": 10,
                },
            ],
        )
        call = calls.call_publish(actor=officer, call=call, published=True)
    sectors = {s.key: s for s in call.sectors.all()}

    # the clusters apply: a manager of each (illustrative) drafts, budgets and submits
    quality: dict[int, float] = {}
    for key, sector, millions, floor_share, regional_share, title_en, title_ru in APPLICATIONS:
        cluster = clusters[key]
        applicant = _user(
            f"demo-applicant-{key[4:]}", f"Applicant {key[4:]}", Role.CLUSTER_MANAGER, cluster=cluster
        )
        with acting_as(applicant, "demo"):
            application = applications.application_create(
                actor=applicant,
                call=call,
                cluster=cluster,
                applicant=centres[key],
                title=title_en,
                sector=sectors[sector],
                region=centres[key].region,
                summary=f"{title_en}. {title_ru}. Illustrative application of the demo.",
            )
            federal = Decimal(millions) * MILLION
            floor = None if floor_share >= 1 else (federal * Decimal(str(floor_share))).quantize(Decimal("1"))
            applications.application_update(actor=applicant, application=application, data={"floor": floor})
            applications.budget_save(
                actor=applicant,
                application=application,
                cells=_budget_cells(call, federal, regional_share, rng),
            )
            applications.application_submit(actor=applicant, application=application)
        quality[application.pk] = rng.uniform(4.0, 9.0)
    progress(f"programme demo: {len(APPLICATIONS)} applications submitted")

    # screening, conflicts, exact assignment
    experts = _experts(centres)
    with acting_as(officer, "demo"):
        for application in call.applications.order_by("number"):
            applications.application_transition(actor=officer, application=application, key="start_screening")
            applications.application_transition(actor=officer, application=application, key="eligible")
        detection = conflicts.detect_conflicts(call=call, actor=officer)
        assignment.assign_reviewers_for_call(actor=officer, call=call)
    # an expert declares a conflict the registry does not know
    declared = (
        Assignment.objects.filter(application__call=call, reviewer=experts[10])
        .order_by("application__number")
        .first()
    )
    if declared is not None:
        with acting_as(experts[10], "demo"):
            conflicts.declare_conflict(
                expert=experts[10],
                application=declared.application,
                detail="Former employee of the applicant (illustrative declaration).",
            )
    progress(f"programme demo: conflicts detected and declared, reviewers assigned ({detection!s:.60})")

    # the reviews: quality + the reviewer's leniency + noise, on each criterion
    leniency = {expert.pk: rng.uniform(-1.2, 1.2) for expert in experts}
    criteria = list(call.criteria.order_by("position"))
    for item in Assignment.objects.filter(application__call=call).select_related("application", "reviewer"):
        base = quality[item.application_id] + leniency.get(item.reviewer_id, 0.0)
        scores = {c.key: ScoreInput(max(0, min(10, round(base + rng.uniform(-1.0, 1.0))))) for c in criteria}
        with acting_as(item.reviewer, "demo"):
            review.review_save(
                actor=item.reviewer,
                assignment=item,
                scores=scores,
                submit=True,
                comment_for_applicant=(
                    "Clear objectives; the budget of the engineering centre needs more detail."
                ),
                comment_for_commission="Illustrative review.",
            )
    with acting_as(officer, "demo"):
        for application in call.applications.filter(state="review").order_by("number"):
            applications.application_transition(actor=officer, application=application, key="to_commission")
    progress("programme demo: reviews submitted, applications before the commission")

    # the commission: members (one of them affiliated with an applicant), a meeting, the votes
    members = []
    with acting_as(officer, "demo"):
        for username, name, chair in COMMISSION:
            user = _user(username, name, Role.COMMISSION_MEMBER)
            commission.commission_member_add(actor=officer, call=call, user=user, chair=chair)
            members.append(user)
        RoleAssignment.objects.get_or_create(
            user=members[3],
            role=Role.ORGANISATION_REPRESENTATIVE,
            organisation=centres["itc-kaluga-pharma-biomed"],
        )
        members[3].forget_roles()
        conflicts.detect_conflicts(call=call, actor=officer)
        run = allocation.allocation_run(actor=officer, call=call, score_method="robust")
        allocation.allocation_adopt(actor=officer, run=run)
        meeting = commission.meeting_plan(
            actor=officer,
            call=call,
            title="Selection of the clusters' projects",
            held_on=timezone.localdate(),
        )
        commission.meeting_open(actor=officer, meeting=meeting)
    funded = {line.application_id: line for line in run.lines.all()}
    for member in members:
        with acting_as(member, "demo"):
            for entry in commission.ballot(user=member, meeting=meeting):
                if entry.application is None:  # a conflict of interest: no vote
                    continue
                line = funded.get(entry.application.pk)
                choice = "for" if line is not None and line.awarded > 0 else "against"
                if rng.random() < 0.1:
                    choice = "abstain"
                commission.vote_cast(
                    actor=member, meeting=meeting, application=entry.application, choice=choice
                )
    chair = members[0]
    with acting_as(officer, "demo"):
        commission.meeting_close(actor=officer, meeting=meeting)
    with acting_as(chair, "demo"):
        for application in meeting_applications(call):
            line = funded.get(application.pk)
            decision = (
                "reject"
                if line is None or line.awarded <= 0
                else ("fund" if line.status == "full" else "fund_partly")
            )
            commission.meeting_decide(
                actor=chair, meeting=meeting, application=application, decision=decision
            )
    with acting_as(officer, "demo"):
        created = awards.awards_create(
            actor=officer, call=call, awarded_on=timezone.localdate(), instalment_count=2
        )
        awards.awards_publish(actor=officer, call=call, public=True)
    progress(f"programme demo: the commission voted; {len(created)} awards made from the exact allocation")

    # the deadline is behind us; next year's call is open for the demo users
    Call.objects.filter(pk=call.pk).update(
        opens_at=now - dt.timedelta(days=120), closes_at=now - dt.timedelta(days=45)
    )
    _next_call(officer, programme, call)


def meeting_applications(call: Call) -> list[Application]:
    return list(call.applications.filter(state="commission").order_by("number"))


def _next_call(officer: Any, programme: Programme, template: Call) -> None:
    now = timezone.now()
    with acting_as(officer, "demo"):
        call = calls.call_create(
            actor=officer,
            programme=programme,
            data={
                "key": NEXT_CALL_KEY,
                "year": template.year + 1,
                "name_en": f"Pilot clusters' programmes {template.year + 1} (illustrative)",
                "name_ru": f"Программы пилотных кластеров {template.year + 1} (демо)",
                "opens_at": now - dt.timedelta(days=1),
                "closes_at": now + dt.timedelta(days=60),
                "envelope": Decimal(ENVELOPE),
                "regional_share_min": Decimal(5),
                "regional_share_max": Decimal(30),
                "cap_per_cluster": Decimal(150) * MILLION,
                "min_score": Decimal(40),
            },
            lines=[
                {"key": k, "position": i, "name_en": en, "name_ru": ru}
                for i, (k, en, ru) in enumerate(LINES, 1)
            ],
            sectors=[{"key": k, "name_en": en, "name_ru": ru} for k, en, ru in SECTORS],
            criteria=[
                {
                    "key": c.key,
                    "position": c.position,
                    "name_en": c.name_en,
                    "name_ru": c.name_ru,
                    "weight": c.weight,
                    "scale_min": c.scale_min,
                    "scale_max": c.scale_max,
                }
                for c in template.criteria.order_by("position")
            ],
        )
        call = calls.call_publish(actor=officer, call=call, published=True)
