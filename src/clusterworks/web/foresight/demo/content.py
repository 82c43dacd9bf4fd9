"""What the foresight demo holds: keys, the candidate topics, the panels, the questions with their
texts in English and Russian, the experts' comments, the criteria of the priority exercise, the nodes
and links of the roadmap and the illustrative partners outside the cluster. Data only; the answers are
generated in :mod:`.answers` and everything is written in :mod:`.build`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..models import CriterionSource, Layer, QuestionKind

MMTC = "moscow-medtech"
CLOSED_SURVEY = "moscow-medtech-delphi-2027-2035"
RUNNING_SURVEY = "moscow-medtech-digital-health-2030"
EXERCISE = "moscow-medtech-priorities-2027-2035"
ROADMAP = "moscow-medtech-roadmap-2027-2035"
#: the seed of every synthetic answer (numpy's default_rng)
SEED = 20270915
#: how long the running survey's open round stays open after the demo is built
RUNNING_DAYS = 30

MSK = dt.timezone(dt.timedelta(hours=3))


def at(day: str, hour: int = 10) -> dt.datetime:
    """``hour`` o'clock Moscow time on ``day`` (ISO date)."""
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=MSK)


ILLUSTRATIVE_EN = (
    "Illustrative: synthetic answers for demonstration. The experts are synthetic users, and their "
    "answers were drawn from a fixed random seed."
)
ILLUSTRATIVE_RU = (
    "Демонстрационные данные: синтетические ответы для демонстрации. Эксперты — синтетические "
    "пользователи, их ответы сгенерированы с фиксированным начальным значением генератора случайных чисел."
)

# --------------------------------------------------------------------------------------------- topics


@dataclass(frozen=True)
class Topic:
    """A candidate priority: rated in the closed survey, scored in the exercise, tied to roadmap nodes.

    ``importance``, ``feasibility`` and ``market`` are the centres (1-9) the synthetic ratings are
    drawn around.
    """

    key: str
    title_en: str
    title_ru: str
    importance: float
    feasibility: float
    market: float
    competences: tuple[str, ...]


TOPICS = (
    Topic(
        "molecular-diagnostics",
        "Molecular diagnostics (liquid biopsy, NGS panels)",
        "Молекулярная диагностика (жидкостная биопсия, NGS-панели)",
        7.6,
        7.2,
        7.0,
        (
            "med-biotech.molecular-diagnostics",
            "med-biotech.bioinformatics",
            "med-equipment.in-vitro-diagnostics",
        ),
    ),
    Topic(
        "regenerative-medicine",
        "Regenerative medicine and cell products",
        "Регенеративная медицина и клеточные продукты",
        6.4,
        5.2,
        5.6,
        (
            "med-biotech.regenerative-medicine",
            "med-biotech.cell-technologies",
            "med-biotech.gmp-manufacturing",
        ),
    ),
    Topic(
        "biocompatible-materials",
        "Biocompatible and biodegradable materials and implants",
        "Биосовместимые и биорезорбируемые материалы и имплантаты",
        6.2,
        6.6,
        6.0,
        ("med-equipment.biocompatible-materials", "med-biotech.preclinical-studies"),
    ),
    Topic(
        "non-invasive-imaging",
        "Non-invasive optical and photoacoustic imaging",
        "Неинвазивная оптическая и оптоакустическая визуализация",
        5.9,
        5.0,
        5.8,
        ("med-equipment.imaging", "ict-electronics.photonics"),
    ),
    Topic(
        "biosensors",
        "Biosensors and wearable monitoring devices",
        "Биосенсоры и носимые устройства мониторинга",
        6.8,
        5.8,
        7.3,
        ("med-equipment.biosensors", "ict-electronics.microelectronics"),
    ),
    Topic(
        "neural-interfaces",
        "Neurotechnology and neural interfaces",
        "Нейротехнологии и нейроинтерфейсы",
        5.2,
        5.4,
        4.8,
        ("med-equipment.neurotechnology", "med-equipment.rehabilitation"),
    ),
    Topic(
        "ai-imaging-diagnostics",
        "Artificial intelligence in medical imaging diagnostics",
        "Искусственный интеллект в лучевой диагностике",
        7.4,
        7.0,
        7.6,
        ("med-equipment.software-ai", "med-equipment.imaging", "hightech-med-services.clinical-trials"),
    ),
    Topic(
        "targeted-drug-delivery",
        "Targeted drug delivery (antibody-drug conjugates, nanocarriers)",
        "Адресная доставка лекарств (конъюгаты антител, наноносители)",
        5.7,
        4.6,
        6.2,
        (
            "med-biotech.antibodies",
            "med-biotech.recombinant-proteins",
            "med-biotech.preclinical-studies",
            "med-biotech.gmp-manufacturing",
        ),
    ),
)
RANKED_TOPICS = (
    "molecular-diagnostics",
    "ai-imaging-diagnostics",
    "biosensors",
    "regenerative-medicine",
    "neural-interfaces",
)

# how each group of experts leans, in scale points, on the importance of a topic
GROUP_LEANING = {
    "science": {"regenerative-medicine": 0.8, "neural-interfaces": 0.8, "non-invasive-imaging": 0.5},
    "clinic": {"ai-imaging-diagnostics": 0.8, "molecular-diagnostics": 0.4, "neural-interfaces": -0.5},
    "industry": {"biosensors": 0.8, "targeted-drug-delivery": -0.5, "regenerative-medicine": -0.6},
}

# ----------------------------------------------------------------------------------- closed survey


@dataclass(frozen=True)
class Seat:
    code: str
    username: str
    group: str
    expertise: int
    interest: int


# 15 experts, five per group; the demo user ``expert`` is E07 (clinic); E12 drops out in round 2
PANEL = tuple(
    Seat(code, username, group, expertise, interest)
    for code, username, group, expertise, interest in (
        ("E01", "delphi-e01", "science", 5, 4),
        ("E02", "delphi-e02", "science", 4, 5),
        ("E03", "delphi-e03", "science", 5, 3),
        ("E04", "delphi-e04", "science", 3, 4),
        ("E05", "delphi-e05", "science", 4, 4),
        ("E06", "delphi-e06", "clinic", 4, 5),
        ("E07", "expert", "clinic", 4, 4),
        ("E08", "delphi-e07", "clinic", 5, 5),
        ("E09", "delphi-e08", "clinic", 3, 4),
        ("E10", "delphi-e09", "clinic", 4, 3),
        ("E11", "delphi-e10", "industry", 5, 5),
        ("E12", "delphi-e11", "industry", 3, 3),
        ("E13", "delphi-e12", "industry", 4, 4),
        ("E14", "delphi-e13", "industry", 4, 5),
        ("E15", "delphi-e14", "industry", 2, 4),
    )
)
DROPOUT = "E12"
#: experts who hardly move towards the group in round 2
STUBBORN = ("E03", "E13")

CLOSED_ROUNDS = {
    1: {"opened": at("2026-09-14"), "deadline": at("2026-10-05", 23), "closed": at("2026-10-06")},
    2: {"opened": at("2026-10-19"), "deadline": at("2026-11-09", 23), "closed": at("2026-11-10")},
}

# key, kind, title (en, ru), help (en, ru), options
CLOSED_QUESTIONS: tuple[dict[str, Any], ...] = (
    {
        "key": "importance",
        "kind": QuestionKind.RATING,
        "title_en": "How important is each topic for the development of the cluster in 2027-2035?",
        "title_ru": "Насколько важно каждое направление для развития кластера в 2027-2035 годах?",
        "help_en": "1 = not important, 9 = critically important.",
        "help_ru": "1 — неважно, 9 — критически важно.",
        "scale_min": 1,
        "scale_max": 9,
        "dimension1_en": "Importance",
        "dimension1_ru": "Важность",
        "items": [(t.key, t.title_en, t.title_ru) for t in TOPICS],
    },
    {
        "key": "feasibility-market",
        "kind": QuestionKind.RATING2,
        "title_en": "Rate each topic on two scales: how feasible is it for the cluster's members, and how "
        "large is its market potential?",
        "title_ru": "Оцените каждое направление по двум шкалам: насколько оно реализуемо силами участников "
        "кластера и каков его рыночный потенциал?",
        "help_en": "1 = very low, 9 = very high, on both scales.",
        "help_ru": "1 — очень низко, 9 — очень высоко, по обеим шкалам.",
        "scale_min": 1,
        "scale_max": 9,
        "dimension1_en": "Feasibility for the cluster",
        "dimension1_ru": "Реализуемость для кластера",
        "dimension2_en": "Market potential",
        "dimension2_ru": "Рыночный потенциал",
        "items": [(t.key, t.title_en, t.title_ru) for t in TOPICS],
    },
    {
        "key": "priority-rank",
        "kind": QuestionKind.RANK,
        "title_en": "Rank these five topics by the priority they should have in the cluster's joint "
        "projects (1 = highest).",
        "title_ru": "Расположите пять направлений по приоритетности для совместных проектов кластера "
        "(1 — наивысший приоритет).",
        "help_en": "Give each topic a different place from 1 to 5.",
        "help_ru": "Присвойте каждому направлению своё место от 1 до 5.",
        "scale_min": 1,
        "scale_max": 5,
        "items": [(t.key, t.title_en, t.title_ru) for t in TOPICS if t.key in RANKED_TOPICS],
    },
    {
        "key": "clinical-practice",
        "kind": QuestionKind.TIME,
        "title_en": "When will each of these technologies be in routine clinical practice in Russia?",
        "title_ru": "Когда каждая из этих технологий войдёт в рутинную клиническую практику в России?",
        "help_en": "Give a year, or answer “never”.",
        "help_ru": "Укажите год или ответьте «никогда».",
        "scale_min": 2026,
        "scale_max": 2050,
        # in years: answers within two years of the median agree; consensus up to an IQR of four years
        "agreement_band": 2.0,
        "consensus_iqr": 4.0,
        "items": [
            (
                "liquid-biopsy-screening",
                "Liquid-biopsy screening for colorectal cancer",
                "Скрининг колоректального рака по жидкостной биопсии",
            ),
            (
                "ai-chest-ct",
                "AI-assisted reading of chest CT in lung-cancer screening",
                "Чтение КТ грудной клетки с помощью ИИ при скрининге рака лёгкого",
            ),
            (
                "biodegradable-bone-implants",
                "Biodegradable implants for bone fixation",
                "Биорезорбируемые имплантаты для остеосинтеза",
            ),
        ],
    },
    {
        "key": "probability",
        "kind": QuestionKind.PROBABILITY,
        # in percentage points
        "agreement_band": 10.0,
        "consensus_iqr": 20.0,
        "title_en": "How likely is each statement to come true?",
        "title_ru": "Насколько вероятно каждое утверждение?",
        "help_en": "A probability in per cent, from 0 (impossible) to 100 (certain).",
        "help_ru": "Вероятность в процентах, от 0 (невозможно) до 100 (наверняка).",
        "scale_min": 0,
        "scale_max": 100,
        "items": [
            (
                "ai-device-registered",
                "By 2030 a member of the cluster registers in Russia a medical device of class 2b or 3 "
                "that uses artificial intelligence.",
                "К 2030 году участник кластера зарегистрирует в России медицинское изделие класса 2б или 3 "
                "с искусственным интеллектом.",
            ),
            (
                "ivd-import-substitution",
                "By 2035 Russian manufacturers supply at least half of the in-vitro diagnostic reagents "
                "used in Russia.",
                "К 2035 году российские производители будут поставлять не менее половины реагентов для "
                "диагностики in vitro, используемых в России.",
            ),
        ],
    },
    {
        "key": "barriers",
        "kind": QuestionKind.CHOICE,
        "title_en": "What are the main barriers to bringing the cluster's technologies to patients?",
        "title_ru": "Что главным образом мешает довести технологии кластера до пациентов?",
        "help_en": "Choose at most two.",
        "help_ru": "Выберите не более двух.",
        "max_choices": 2,
        "items": [
            (
                "regulation",
                "Regulation: registration and clinical trials",
                "Регулирование: регистрация и клинические исследования",
            ),
            ("financing", "Financing", "Финансирование"),
            ("competences", "Competences and staff", "Компетенции и кадры"),
            (
                "infrastructure",
                "Infrastructure: GMP production, test laboratories",
                "Инфраструктура: GMP-производство, испытательные лаборатории",
            ),
            ("demand", "Demand: procurement and reimbursement", "Спрос: закупки и возмещение затрат"),
        ],
    },
    {
        "key": "other-topics",
        "kind": QuestionKind.TEXT,
        "title_en": "Which technologies missing from this survey should the cluster consider, and why?",
        "title_ru": "Какие технологии, которых нет в опросе, стоит рассмотреть кластеру и почему?",
        "last_round": 1,
        "allow_comments": False,
        "items": [("answer", "Your answer", "Ваш ответ")],
    },
)

# round, expert, question, item, comment
CLOSED_COMMENTS = (
    (1, "E02", "priority-rank", "regenerative-medicine",
     "Регенеративная медицина важна, но путь регистрации биомедицинских клеточных продуктов "
     "пока слишком долог."),
    (1, "E03", "importance", "neural-interfaces",
     "Нейроинтерфейсы — долгосрочная ставка: до 2035 года в рутинной практике их не будет, "
     "кроме реабилитации."),
    (1, "E05", "importance", "ai-imaging-diagnostics",
     "Radiologists are the bottleneck of screening programmes; AI reading is where the cluster can show "
     "results quickly."),
    (1, "E07", "clinical-practice", "ai-chest-ct",
     "Registering AI software as a medical device has become faster; hospitals still need time to trust it."),
    (1, "E09", "feasibility-market", "targeted-drug-delivery",
     "Без собственного GMP-производства биопрепаратов это направление кластеру пока не по силам."),
    (1, "E11", "importance", "biosensors",
     "Continuous glucose monitoring is already a large market; the cluster lacks partners in "
     "microelectronics."),
    (1, "E13", "probability", "ivd-import-substitution",
     "Реагенты — да, приборы — нет: половина рынка достижима только для реагентов."),
    (1, "E14", "clinical-practice", "liquid-biopsy-screening",
     "Screening needs reimbursement by the compulsory medical insurance; the technology is not "
     "what limits it."),
    (2, "E03", "importance", "neural-interfaces",
     "Оставляю оценку ниже медианы: массовое клиническое применение — после 2035 года."),
    (2, "E10", "importance", "molecular-diagnostics",
     "Agree with the group: the first kits can be registered within five years."),
)  # fmt: skip

# round-1 answers to the text question (submitting a round needs every question answered)
CLOSED_TEXTS = (
    ("E01", "Генная терапия наследственных заболеваний: в кластере есть компетенции в клеточных технологиях, "
     "не хватает производственной площадки."),
    ("E02", "Нет дополнений."),
    ("E03", "Photodynamic therapy with domestic photosensitisers."),
    ("E04", "Биопечать тканей и органов: за горизонтом 2035 года, но исследования стоит начинать сейчас."),
    ("E05", "Nothing to add."),
    ("E06", "Digital twins of patients for planning surgery and radiotherapy."),
    ("E07", "Telemedicine follow-up of patients after high-tech surgery."),
    ("E08", "Радиофармпрепараты для тераностики — сильная сторона соседних кластеров, "
     "стоит искать партнёров."),
    ("E09", "Добавить нечего."),
    ("E10", "Robotic surgery: the cluster has instrument makers but no robotic platform."),
    ("E11", "Microfluidic chips for point-of-care tests."),
    ("E12", "Нет."),
    ("E13", "Медицинские изделия, напечатанные на 3D-принтере по индивидуальным размерам."),
    ("E14", "Nothing to add."),
    ("E15", "Point-of-care testing devices for primary care: a large domestic market with short approval."),
)  # fmt: skip

# round-1 answers of the running survey's submitted experts to its text question
RUNNING_TEXTS = (
    ("E01", "An app that reminds patients to take their medicines and tells the doctor how they keep to it."),
    ("E02", "Единая запись на консультации во все клиники кластера."),
    ("E03", "A shared imaging archive with the cluster's AI developers, under one data-sharing agreement."),
    ("E05", "Remote monitoring of blood pressure with automatic alerts to the general practitioner."),
)

# centres of the answers to the time and probability questions
TIME_CENTRES = {"liquid-biopsy-screening": 2031, "ai-chest-ct": 2028, "biodegradable-bone-implants": 2032}
PROBABILITY_CENTRES = {"ai-device-registered": 70, "ivd-import-substitution": 45}
BARRIER_WEIGHTS = {
    "science": (0.30, 0.35, 0.10, 0.20, 0.05),
    "clinic": (0.40, 0.20, 0.15, 0.10, 0.15),
    "industry": (0.35, 0.25, 0.05, 0.10, 0.25),
}
BARRIERS = ("regulation", "financing", "competences", "infrastructure", "demand")
# ---------------------------------------------------------------------------------- running survey

# the demo user ``expert`` is E04 and has not answered; E01-E03 and E05 have, E06 saved a draft
RUNNING_PANEL = tuple(
    Seat(code, username, group, expertise, interest)
    for code, username, group, expertise, interest in (
        ("E01", "delphi-e01", "science", 4, 4),
        ("E02", "delphi-e06", "clinic", 5, 5),
        ("E03", "delphi-e07", "clinic", 4, 5),
        ("E04", "expert", "clinic", 4, 4),
        ("E05", "delphi-e10", "industry", 4, 4),
        ("E06", "delphi-e13", "industry", 3, 4),
        ("E07", "delphi-e08", "clinic", 3, 3),
        ("E08", "delphi-e02", "science", 3, 4),
    )
)
RUNNING_SUBMITTED = ("E01", "E02", "E03", "E05")
RUNNING_DRAFT = "E06"

DIGITAL_SERVICES = (
    ("telemedicine-consultations", "Telemedicine consultations of patients",
     "Телемедицинские консультации пациентов", 6.5),
    ("remote-monitoring", "Remote monitoring of chronic patients",
     "Дистанционный мониторинг хронических больных", 7.5),
    ("ai-triage", "AI triage of referrals and test results",
     "ИИ-сортировка направлений и результатов анализов", 6.0),
    ("ehr-interoperability", "Interoperable electronic health records",
     "Совместимые электронные медицинские карты", 7.0),
    ("digital-therapeutics", "Digital therapeutics (prescribed apps)",
     "Цифровая терапия (назначаемые приложения)", 4.5),
)  # fmt: skip

RUNNING_QUESTIONS: tuple[dict[str, Any], ...] = (
    {
        "key": "importance",
        "kind": QuestionKind.RATING,
        "title_en": "How important is each digital service for the cluster's clinics by 2030?",
        "title_ru": "Насколько важен каждый цифровой сервис для клиник кластера к 2030 году?",
        "help_en": "1 = not important, 9 = critically important.",
        "help_ru": "1 — неважно, 9 — критически важно.",
        "scale_min": 1,
        "scale_max": 9,
        "dimension1_en": "Importance",
        "dimension1_ru": "Важность",
        "items": [(key, en, ru) for key, en, ru, _ in DIGITAL_SERVICES],
    },
    {
        "key": "reimbursement",
        "kind": QuestionKind.PROBABILITY,
        # in percentage points
        "agreement_band": 10.0,
        "consensus_iqr": 20.0,
        "title_en": "How likely is this statement to come true?",
        "title_ru": "Насколько вероятно это утверждение?",
        "help_en": "A probability in per cent, from 0 (impossible) to 100 (certain).",
        "help_ru": "Вероятность в процентах, от 0 (невозможно) до 100 (наверняка).",
        "scale_min": 0,
        "scale_max": 100,
        "items": [
            (
                "remote-monitoring-oms",
                "By 2030 the compulsory medical insurance in Moscow pays for remote monitoring of patients "
                "with arterial hypertension.",
                "К 2030 году ОМС в Москве будет оплачивать дистанционный мониторинг пациентов с "
                "артериальной гипертензией.",
            )
        ],
    },
    {
        "key": "barriers",
        "kind": QuestionKind.CHOICE,
        "title_en": "What are the main barriers to digital services in the cluster's clinics?",
        "title_ru": "Что главным образом мешает внедрению цифровых сервисов в клиниках кластера?",
        "help_en": "Choose at most two.",
        "help_ru": "Выберите не более двух.",
        "max_choices": 2,
        "items": [
            item
            for question in CLOSED_QUESTIONS
            if question["key"] == "barriers"
            for item in question["items"]
        ],
    },
    {
        "key": "ideas",
        "kind": QuestionKind.TEXT,
        "title_en": "Which digital service would help your organisation most, and why?",
        "title_ru": "Какой цифровой сервис больше всего помог бы вашей организации и почему?",
        "allow_comments": False,
        "items": [("answer", "Your answer", "Ваш ответ")],
    },
)


# ------------------------------------------------------------------------------ priorities, roadmap

# key, title (en, ru), weight, source, question key, scale (dimension), low, high
CRITERIA = (
    ("importance", "Importance (Delphi)", "Важность (Дельфи)", 0.35, CriterionSource.DELPHI,
     "importance", 1, 1, 9),
    ("feasibility", "Feasibility for the cluster (Delphi)", "Реализуемость для кластера (Дельфи)", 0.2,
     CriterionSource.DELPHI, "feasibility-market", 1, 1, 9),
    ("market", "Market potential (Delphi)", "Рыночный потенциал (Дельфи)", 0.25, CriterionSource.DELPHI,
     "feasibility-market", 2, 1, 9),
    ("capability", "Cluster capability", "Компетенции кластера", 0.2, CriterionSource.CAPABILITY,
     None, 1, 0, 1),
)  # fmt: skip

M, P, T, R = Layer.MARKET, Layer.PRODUCT, Layer.TECHNOLOGY, Layer.RESOURCE

# key, layer, title (en, ru), from, to, TRL, needed competences, candidate
NODES = (
    ("early-cancer-detection", M, "Early detection of cancer in screening programmes",
     "Раннее выявление рака в программах скрининга", 2027, 2035, None, (), None),
    ("cancer-treatment", M, "Effective treatment of solid tumours with fewer side effects",
     "Эффективное лечение солидных опухолей с меньшими побочными эффектами", 2029, 2035, None, (), None),
    ("tissue-repair", M, "Repair of bone and soft tissue after trauma and surgery",
     "Восстановление костей и мягких тканей после травм и операций", 2027, 2035, None, (), None),
    ("chronic-monitoring", M, "Continuous monitoring of patients with diabetes and heart failure",
     "Непрерывный мониторинг пациентов с диабетом и сердечной недостаточностью", 2027, 2035, None, (), None),
    ("rehabilitation", M, "Rehabilitation after stroke and spinal cord injury",
     "Реабилитация после инсульта и травм спинного мозга", 2027, 2035, None, (), None),
    ("liquid-biopsy-kit", P, "Liquid-biopsy test kit for early cancer detection",
     "Набор для жидкостной биопсии для раннего выявления рака", 2029, 2033, 4,
     ("hightech-med-services.clinical-trials",), "molecular-diagnostics"),
    ("ai-screening-ct", P, "AI assistant for reading lung-cancer screening CT",
     "ИИ-ассистент для описания КТ при скрининге рака лёгкого", 2027, 2030, 7,
     ("hightech-med-services.clinical-trials",), "ai-imaging-diagnostics"),
    ("adc-drug", P, "Antibody-drug conjugate for solid tumours",
     "Конъюгат антитела с лекарством для лечения солидных опухолей", 2031, 2035, 3, (),
     "targeted-drug-delivery"),
    ("biodegradable-implants", P, "Biodegradable implants for bone fixation",
     "Биорезорбируемые имплантаты для остеосинтеза", 2029, 2033, 4, (), "biocompatible-materials"),
    ("tissue-grafts", P, "Tissue-engineered skin and cartilage grafts",
     "Тканеинженерные трансплантаты кожи и хряща", 2031, 2035, 3, (), "regenerative-medicine"),
    ("wearable-patch", P, "Wearable biosensor patch with telemonitoring",
     "Носимый биосенсорный пластырь с телемониторингом", 2029, 2032, 5,
     ("hightech-med-services.telemedicine",), "biosensors"),
    ("bci-exoskeleton", P, "Brain-computer-interface hand exoskeleton for rehabilitation",
     "Экзоскелет кисти с интерфейсом «мозг — компьютер» для реабилитации", 2028, 2032, 5, (),
     "neural-interfaces"),
    ("ngs-ctdna", T, "NGS analysis of circulating tumour DNA", "NGS-анализ циркулирующей опухолевой ДНК",
     2027, 2030, 5, ("med-biotech.molecular-diagnostics", "med-equipment.in-vitro-diagnostics"),
     "molecular-diagnostics"),
    ("deep-learning-imaging", T, "Deep learning for medical image analysis",
     "Глубокое обучение для анализа медицинских изображений", 2027, 2029, 6,
     ("med-equipment.software-ai", "med-equipment.imaging"), "ai-imaging-diagnostics"),
    ("optical-imaging", T, "Optical and photoacoustic sensing and imaging",
     "Оптические и оптоакустические методы измерения и визуализации", 2028, 2033, 3,
     ("med-equipment.imaging", "ict-electronics.photonics"), "non-invasive-imaging"),
    ("antibody-conjugation", T, "Antibody engineering and conjugation", "Инженерия и конъюгация антител",
     2027, 2031, 4, ("med-biotech.antibodies", "med-biotech.recombinant-proteins"), "targeted-drug-delivery"),
    ("biodegradable-polymers", T, "Biocompatible and biodegradable polymers",
     "Биосовместимые и биорезорбируемые полимеры", 2027, 2030, 4,
     ("med-equipment.biocompatible-materials",), "biocompatible-materials"),
    ("cell-scaffolds", T, "Cell-seeded scaffolds", "Матрицы, заселённые клетками", 2028, 2033, 3,
     ("med-biotech.regenerative-medicine", "med-biotech.cell-technologies"), "regenerative-medicine"),
    ("flexible-bioelectronics", T, "Flexible bioelectronic sensors", "Гибкие биоэлектронные сенсоры",
     2027, 2030, 4, ("med-equipment.biosensors", "ict-electronics.microelectronics"), "biosensors"),
    ("noninvasive-bci", T, "Non-invasive (EEG-based) neural interfaces",
     "Неинвазивные нейроинтерфейсы на основе ЭЭГ", 2027, 2030, 6,
     ("med-equipment.neurotechnology",), "neural-interfaces"),
    ("genomics-bioinformatics", R, "Genomics and bioinformatics", "Геномика и биоинформатика",
     2027, 2035, None, ("med-biotech.molecular-diagnostics", "med-biotech.bioinformatics"), None),
    ("clinical-validation", R, "Clinical validation sites and imaging archives",
     "Клинические базы для валидации и архивы изображений", 2027, 2035, None,
     ("hightech-med-services.clinical-trials", "med-equipment.imaging"), None),
    ("gmp-biologics", R, "GMP production of biologics and cell products",
     "GMP-производство биопрепаратов и клеточных продуктов", 2028, 2035, None,
     ("med-biotech.gmp-manufacturing", "med-biotech.cell-technologies"), None),
    ("materials-science", R, "Polymer chemistry and materials science", "Химия полимеров и материаловедение",
     2027, 2035, None, ("med-equipment.biocompatible-materials", "new-materials"), None),
    ("microelectronics-photonics", R, "Microelectronics and photonics design",
     "Проектирование микроэлектроники и фотоники", 2027, 2035, None,
     ("ict-electronics.microelectronics", "ict-electronics.photonics"), None),
    ("neuro-rehab-engineering", R, "Neurophysiology and rehabilitation engineering",
     "Нейрофизиология и реабилитационная инженерия", 2027, 2035, None,
     ("med-equipment.neurotechnology", "med-equipment.rehabilitation"), None),
)  # fmt: skip

# from a node to the one that enables it: need -> product -> technology -> resource
LINKS = (
    ("early-cancer-detection", "liquid-biopsy-kit"),
    ("early-cancer-detection", "ai-screening-ct"),
    ("cancer-treatment", "adc-drug"),
    ("tissue-repair", "biodegradable-implants"),
    ("tissue-repair", "tissue-grafts"),
    ("chronic-monitoring", "wearable-patch"),
    ("rehabilitation", "bci-exoskeleton"),
    ("liquid-biopsy-kit", "ngs-ctdna"),
    ("ai-screening-ct", "deep-learning-imaging"),
    ("adc-drug", "antibody-conjugation"),
    ("biodegradable-implants", "biodegradable-polymers"),
    ("tissue-grafts", "cell-scaffolds"),
    ("tissue-grafts", "biodegradable-polymers"),
    ("wearable-patch", "flexible-bioelectronics"),
    ("wearable-patch", "optical-imaging"),
    ("bci-exoskeleton", "noninvasive-bci"),
    ("ngs-ctdna", "genomics-bioinformatics"),
    ("ngs-ctdna", "clinical-validation"),
    ("deep-learning-imaging", "clinical-validation"),
    ("antibody-conjugation", "gmp-biologics"),
    ("biodegradable-polymers", "materials-science"),
    ("cell-scaffolds", "gmp-biologics"),
    ("cell-scaffolds", "materials-science"),
    ("flexible-bioelectronics", "microelectronics-photonics"),
    ("optical-imaging", "microelectronics-photonics"),
    ("noninvasive-bci", "neuro-rehab-engineering"),
)

# illustrative organisations outside the Moscow cluster that hold what its members lack: key, names,
# short name, type, region, city, competences, the pilot cluster they belong to
PARTNERS = (
    ("demo-zelenograd-mems", "Zelenograd MEMS Sensors (illustrative)", "«Зеленоград МЭМС Сенсоры» (демо)",
     "ZMS", "company_sme", "RU-MOW", "Zelenograd",
     ("ict-electronics.microelectronics", "med-equipment.biosensors"), "itc-zelenograd"),
    ("demo-neva-photonics", "Neva Photonics (illustrative)", "«Нева Фотоника» (демо)", "Neva Photonics",
     "company_sme", "RU-SPE", "Saint Petersburg", ("ict-electronics.photonics",),
     "itc-spb-medpharm-radiation"),
    ("demo-tomsk-rehab", "Tomsk Rehabilitation Engineering (illustrative)",
     "«Томская реабилитационная инженерия» (демо)", "TRE", "company_sme", "RU-TOM", "Tomsk",
     ("med-equipment.rehabilitation", "ict-electronics.microelectronics"), "itc-tomsk-pharma-medtech-it"),
)  # fmt: skip
