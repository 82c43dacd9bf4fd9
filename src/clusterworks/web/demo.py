"""The demo instance: the Moscow Medical Technologies Cluster, the 25 (+1) pilot innovative territorial
clusters, one user per role, and the demos of foresight, pathways and the support programme. Building it
twice changes nothing (every row is upserted on its key).

The coordinator and the spearhead organisations are those named in the HSE ISSEK news item that
describes the cluster (see ``../shared/seed``); every other member, person, agreement and project is
illustrative and flagged as such.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction

from clusterworks.web.core.audit import acting_as
from clusterworks.web.core.models import RoleAssignment, User
from clusterworks.web.core.roles import Role
from clusterworks.web.foresight.demo import build_foresight_demo
from clusterworks.web.pathways.demo import build_pathways_demo
from clusterworks.web.programme.demo import build_programme_demo
from clusterworks.web.registry.models import (
    Affiliation,
    Agreement,
    Cluster,
    Competence,
    JointProject,
    Membership,
    Organisation,
    Person,
    ProjectParticipation,
    Region,
)
from clusterworks.web.registry.reference import load_reference_data, read_csv

MMTC = "moscow-medtech"

# key, English name, Russian name, short name, type, membership role, competences, illustrative
ORGANISATIONS = [
    (
        "rnrmu",
        "Pirogov Russian National Research Medical University",
        "Российский национальный исследовательский медицинский университет имени Н. И. Пирогова",
        "RNRMU",
        "university",
        "coordinator",
        ["med-biotech", "hightech-med-services", "med-biotech.cell-technologies"],
        False,
    ),
    (
        "msu-ffm",
        "Faculty of Fundamental Medicine, Lomonosov Moscow State University",
        "Факультет фундаментальной медицины МГУ имени М. В. Ломоносова",
        "MSU FFM",
        "university",
        "core",
        ["med-biotech.regenerative-medicine", "med-biotech.cell-technologies"],
        False,
    ),
    (
        "ibch-ras",
        "Shemyakin–Ovchinnikov Institute of Bioorganic Chemistry, RAS",
        "Институт биоорганической химии им. академиков М. М. Шемякина и Ю. А. Овчинникова РАН",
        "IBCh RAS",
        "research_institute",
        "core",
        ["med-biotech.recombinant-proteins", "med-biotech.antibodies", "med-biotech.bioinformatics"],
        False,
    ),
    (
        "ihna-ras",
        "Institute of Higher Nervous Activity and Neurophysiology, RAS",
        "Институт высшей нервной деятельности и нейрофизиологии РАН",
        "IHNA RAS",
        "research_institute",
        "core",
        ["med-equipment.neurotechnology"],
        False,
    ),
    (
        "rogachev-centre",
        "Dmitry Rogachev Federal Scientific and Clinical Centre of Paediatric Haematology, "
        "Oncology and Immunology",
        "Федеральный научно-клинический центр детской гематологии, онкологии и иммунологии "
        "имени Дмитрия Рогачёва",
        "Rogachev Centre",
        "clinical_centre",
        "core",
        [
            "hightech-med-services.paediatric-haemato-oncology",
            "hightech-med-services.clinical-trials",
            "med-biotech.cell-technologies",
        ],
        False,
    ),
    (
        "icp-ras",
        "Semenov Institute of Chemical Physics, RAS",
        "Институт химической физики им. Н. Н. Семёнова РАН",
        "ICP RAS",
        "research_institute",
        "core",
        ["med-equipment.biocompatible-materials", "new-materials"],
        False,
    ),
    (
        "eurogen",
        "Eurogen, Inc.",
        "«Евроген»",
        "Eurogen",
        "company_sme",
        "core",
        ["med-biotech.recombinant-proteins", "med-biotech.molecular-diagnostics"],
        False,
    ),
    (
        "imagerysoft",
        "Imagerysoft, Inc.",
        "",
        "Imagerysoft",
        "company_sme",
        "core",
        ["med-equipment.imaging", "med-equipment.software-ai"],
        False,
    ),
    (
        "neurobiolab",
        "Neurobiolab, Inc.",
        "",
        "Neurobiolab",
        "company_sme",
        "core",
        ["med-biotech.preclinical-studies", "med-equipment.neurotechnology"],
        False,
    ),
    (
        "moscow-dnpp",
        "Department of Science, Industrial Policy and Entrepreneurship of the City of Moscow",
        "Департамент науки, промышленной политики и предпринимательства города Москвы",
        "DNPP",
        "authority",
        "partner",
        [],
        False,
    ),
    # illustrative members: not real organisations
    (
        "demo-biosensor",
        "BioSensor Lab (illustrative)",
        "«БиоСенсор Лаб» (демо)",
        "BioSensor",
        "company_sme",
        "member",
        ["med-equipment.biosensors", "med-equipment.in-vitro-diagnostics"],
        True,
    ),
    (
        "demo-implant",
        "ImplantTech (illustrative)",
        "«ИмплантТех» (демо)",
        "ImplantTech",
        "company_sme",
        "member",
        ["med-equipment.biocompatible-materials", "med-equipment.surgical-robotics"],
        True,
    ),
    (
        "demo-genomed",
        "GenoMed Diagnostics (illustrative)",
        "«ГеноМед Диагностика» (демо)",
        "GenoMed",
        "company_sme",
        "member",
        ["med-biotech.molecular-diagnostics", "hightech-med-services.personalised-medicine"],
        True,
    ),
    (
        "demo-pharmaplant",
        "Moskva Pharma Plant (illustrative)",
        "«Москва Фарма Завод» (демо)",
        "MPP",
        "company_large",
        "member",
        ["med-biotech.gmp-manufacturing", "pharma"],
        True,
    ),
    (
        "demo-cityclinic",
        "City Clinical Hospital No. 0 (illustrative)",
        "Городская клиническая больница № 0 (демо)",
        "CCH-0",
        "clinical_centre",
        "member",
        ["hightech-med-services.clinical-trials"],
        True,
    ),
    (
        "demo-telemed",
        "TeleMed Systems (illustrative)",
        "«ТелеМед Системс» (демо)",
        "TeleMed",
        "company_sme",
        "member",
        ["hightech-med-services.telemedicine", "med-equipment.software-ai"],
        True,
    ),
    (
        "demo-venture-fund",
        "Moscow MedTech Venture Fund (illustrative)",
        "Венчурный фонд медтехнологий (демо)",
        "MMVF",
        "development_institution",
        "partner",
        [],
        True,
    ),
    (
        "demo-cellbank",
        "CellBank Biotech (illustrative)",
        "«КлетБанк Биотех» (демо)",
        "CellBank",
        "company_sme",
        "member",
        ["med-biotech.cell-technologies", "med-biotech.regenerative-medicine"],
        True,
    ),
]

DEMO_USERS = [
    # user name, password, role, scope
    ("admin", "demo-admin-2026", Role.ADMIN, None),
    ("manager", "demo-manager-2026", Role.CLUSTER_MANAGER, ("cluster", MMTC)),
    ("representative", "demo-rep-2026", Role.ORGANISATION_REPRESENTATIVE, ("organisation", "eurogen")),
    ("officer", "demo-officer-2026", Role.PROGRAMME_OFFICER, None),
    ("expert", "demo-expert-2026", Role.EXPERT, None),
    ("commission", "demo-commission-2026", Role.COMMISSION_MEMBER, None),
    ("analyst", "demo-analyst-2026", Role.ANALYST, None),
]


def _upsert(model, key_fields: dict, values: dict):
    obj, created = model.objects.get_or_create(**key_fields, defaults=values)
    if not created and any(getattr(obj, f) != v for f, v in values.items()):
        for field, value in values.items():
            setattr(obj, field, value)
        obj.save()
    return obj


def _pilot_clusters(progress: Callable[[str], None]) -> int:
    regions = {r.code: r for r in Region.objects.all()}
    terms = {c.code: c for c in Competence.objects.all()}
    rows = read_csv("pilot_clusters.csv")
    for row in rows:
        cluster = _upsert(
            Cluster,
            {"key": row["key"]},
            {
                "name_en": row["name_en"],
                "name_ru": row["name_ru"],
                "status": row["status"],
                "founded": dt.date.fromisoformat(row["founded"]) if row["founded"] else None,
                "description_en": f"Pilot innovative territorial cluster (list of 2012); source confidence: "
                f"{row['source_confidence']}.",
                "description_ru": "Пилотный инновационный территориальный кластер (перечень 2012 г.).",
            },
        )
        cluster.regions.set([regions[c] for c in row["regions"].split(";")])
        cluster.specialisations.set([terms[c] for c in row["specialisations"].split(";") if c])
    progress(f"{len(rows)} pilot innovative territorial clusters")
    return len(rows)


def _moscow_cluster(progress: Callable[[str], None]) -> Cluster:
    moscow = Region.objects.get(code="RU-MOW")
    terms = {c.code: c for c in Competence.objects.all()}
    cluster = _upsert(
        Cluster,
        {"key": MMTC},
        {
            "name_en": "Moscow Medical Technologies Cluster",
            "name_ru": "Московский кластер медицинских технологий",
            "status": "initiative",
            "description_en": (
                "Initiated and coordinated by the Pirogov Russian National Research Medical University to "
                "organise the interaction of organisations that develop innovative medical products and meet "
                "inter-agency barriers on the way to patients: medical biotechnology, medical equipment and "
                "high-technology medical services."
            ),
            "description_ru": (
                "Инициатор и координатор — РНИМУ им. Н. И. Пирогова. Кластер объединяет организации, "
                "разрабатывающие инновационные медицинские продукты: медицинская биотехнология, медицинская "
                "техника и высокотехнологичная медицинская помощь."
            ),
        },
    )
    cluster.regions.set([moscow])
    cluster.specialisations.set(
        [terms["med-biotech"], terms["med-equipment"], terms["hightech-med-services"]]
    )
    for key, name_en, name_ru, short, kind, role, competences, illustrative in ORGANISATIONS:
        organisation = _upsert(
            Organisation,
            {"key": key},
            {
                "name_en": name_en,
                "name_ru": name_ru,
                "short_name": short,
                "type": kind,
                "region": moscow,
                "city": "Moscow",
                "illustrative": illustrative,
            },
        )
        wanted = {terms[c].pk for c in competences}
        if set(organisation.competences.values_list("pk", flat=True)) != wanted:
            organisation.competences.set(wanted)
        _upsert(Membership, {"cluster": cluster, "organisation": organisation}, {"role": role})
    progress(f"{cluster.name_en}: {len(ORGANISATIONS)} members")
    return cluster


def _ties(progress: Callable[[str], None]) -> None:
    """Illustrative agreements, projects and contacts among the Moscow members."""
    orgs = {o.key: o for o in Organisation.objects.filter(key__in=[row[0] for row in ORGANISATIONS])}
    agreements = [
        (
            "Cooperation agreement on the Moscow Medical Technologies Cluster (illustrative)",
            "cooperation",
            dt.date(2013, 6, 1),
            ["rnrmu", "msu-ffm", "ibch-ras", "ihna-ras", "rogachev-centre", "icp-ras"],
        ),
        (
            "Licence for fluorescent protein markers (illustrative)",
            "licence",
            dt.date(2019, 3, 12),
            ["eurogen", "demo-genomed"],
        ),
        (
            "Clinical site agreement (illustrative)",
            "research",
            dt.date(2021, 9, 1),
            ["rnrmu", "demo-cityclinic"],
        ),
    ]
    for title, kind, signed, parties in agreements:
        agreement = _upsert(Agreement, {"title": title}, {"kind": kind, "signed_on": signed})
        agreement.parties.set([orgs[k] for k in parties])
    projects = [
        (
            "NEURO-BCI",
            "Non-invasive brain-computer interface for rehabilitation (illustrative)",
            dt.date(2020, 1, 15),
            ["ihna-ras", "neurobiolab", "imagerysoft", "rnrmu"],
        ),
        (
            "CAR-KIDS",
            "Cell therapy for paediatric leukaemia (illustrative)",
            dt.date(2021, 4, 1),
            ["rogachev-centre", "demo-cellbank", "rnrmu"],
        ),
        (
            "BIOSENS",
            "Implantable glucose biosensor (illustrative)",
            dt.date(2022, 2, 1),
            ["icp-ras", "demo-biosensor", "demo-implant"],
        ),
    ]
    for acronym, title, start, members in projects:
        project = _upsert(JointProject, {"acronym": acronym}, {"title": title, "start": start})
        for position, key in enumerate(members):
            _upsert(
                ProjectParticipation,
                {"project": project, "organisation": orgs[key]},
                {"role": "coordinator" if position == 0 else "participant"},
            )
    people = [
        ("Сидорова Анна Петровна", "Anna Sidorova (illustrative)", "rnrmu", "Head of the cluster office"),
        (
            "Кузнецов Илья Олегович",
            "Ilya Kuznetsov (illustrative)",
            "eurogen",
            "Business development director",
        ),
    ]
    for name, name_en, key, position in people:
        person = _upsert(
            Person, {"full_name": name}, {"full_name_en": name_en, "email": f"{key}@example.org"}
        )
        _upsert(
            Affiliation,
            {"person": person, "organisation": orgs[key]},
            {"position": position, "is_contact": True},
        )
    progress(
        f"{len(agreements)} agreements, {len(projects)} joint projects, {len(people)} contacts (illustrative)"
    )


def _users(progress: Callable[[str], None]) -> list[tuple[str, str, str]]:
    credentials = []
    for username, password, role, scope in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.org"})
        if not user.check_password(password):
            user.set_password(password)
        user.is_staff = user.is_superuser = role == Role.ADMIN
        user.save()
        target = {}
        if scope:
            kind, key = scope
            target[kind] = (Cluster if kind == "cluster" else Organisation).objects.get(key=key)
        RoleAssignment.objects.get_or_create(user=user, role=role, **target)
        label = str(role.label) + (f" ({target[scope[0]].key})" if scope else "")
        credentials.append((username, password, label))
    progress(f"{len(credentials)} demo users")
    return credentials


def _network(cluster: Cluster, progress: Callable[[str], None]) -> None:
    """The board, a finished matchmaking event (illustrative) and a real participation dataset."""
    from clusterworks.web.network.demo import build_network_demo
    from clusterworks.web.network.demo_dataset import import_demo_dataset

    users = {u.username: u for u in User.objects.filter(username__in=[row[0] for row in DEMO_USERS])}
    members = Organisation.objects.filter(memberships__cluster=cluster, memberships__left__isnull=True)
    build_network_demo(cluster=cluster, organisations=members, users=users)
    progress("network demo: partner searches and a matchmaking event (illustrative)")
    import_demo_dataset(analyst=users["analyst"], progress=progress)


def _observatory(progress: Callable[[str], None]) -> None:
    """The observatory's real statistics: US cluster mapping 2016 and OEC world exports by HS section."""
    from clusterworks.web.observatory.demo import import_demo_datasets

    import_demo_datasets(analyst=User.objects.get(username="analyst"), progress=progress)


def build_demo(progress: Callable[[str], None] = lambda _: None) -> list[tuple[str, str, str]]:
    """Build or refresh the demo data; return (user name, password, role) of the demo users."""
    with transaction.atomic(), acting_as(None, "demo"):
        counts = load_reference_data()
        progress(f"{counts['regions']} regions, {counts['competences']} competence terms")
        _pilot_clusters(progress)
        cluster = _moscow_cluster(progress)
        _ties(progress)
        credentials = _users(progress)
        build_foresight_demo(progress)
        build_pathways_demo(progress)
        build_programme_demo(progress)
        _network(cluster, progress)
        _observatory(progress)
        return credentials
