"""What the pathways demo holds: the products of the Moscow Medical Technologies Cluster with their
consortia and where each stands now, and the barriers the members raised. Data only; the gate histories
are generated in :mod:`.histories` and everything is written in :mod:`.build`.

Every product and barrier is illustrative: the products are plausible for the members' fields (see the
competences in ``clusterworks.web.demo``), not real development projects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MMTC = "moscow-medtech"
#: the seed of every generated gate history (numpy's default_rng, with the product's key)
SEED = 20261127
#: the day the generated histories end: products "now" are where they stood on this day; the demo keeps
#: its dates whenever it is built, so that building it again changes nothing
DEMO_TODAY = dt.date(2026, 11, 27)

ILLUSTRATIVE = (
    "Illustrative product of the demo, not a real development project.\n"
    "Демонстрационный продукт, не описывает реальный проект."
)

#: an illustrative organisation outside the cluster: the consortia's testing laboratory
TESTING_LAB = (
    "demo-medtest-lab",
    "MedTest Testing Laboratory (illustrative)",
    "Испытательная лаборатория «МедТест» (демо)",
    "MedTest",
    "company_sme",
    ("med-biotech.preclinical-studies",),
)


@dataclass(frozen=True)
class Story:
    """A product and where it stands on :data:`DEMO_TODAY`.

    ``now`` is the gate it is at (a key of its catalogue) and ``state`` what is happening there:
    ``submitted`` (waiting for the agency), ``query`` (the agency's query is unanswered), ``answered``
    (a query was answered, the decision is pending), ``waiting`` (the gates before ``now`` are passed,
    ``now`` is not yet submitted) or ``market`` (every gate passed; ``now`` is ignored). ``days`` counts
    calendar days back from :data:`DEMO_TODAY` to the current submission, to the last decision
    (``waiting``) or to the market launch (``market``); at the first gate the submission is the start.
    ``refused`` and ``withdrawn`` name gates with one refused (or withdrawn) attempt before the one that
    passed or is pending.
    """

    key: str
    name_en: str
    name_ru: str
    type: str
    risk_class: str
    trl: int
    started_on: dt.date
    indication_en: str
    indication_ru: str
    consortium: tuple[tuple[str, str], ...]
    now: str
    state: str
    days: int = 0
    refused: tuple[str, ...] = ()
    withdrawn: tuple[str, ...] = ()
    description: str = ""


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


CELL_PRODUCT_NOTE = (
    "Cell products made from a patient's or donor's cells are biomedical cell products under Federal Law "
    "180-FZ of 23.06.2016, whose procedure the demo's catalogues do not hold; the demo follows it "
    "through the medicines' gates.\n"
    "Клеточные продукты из клеток пациента или донора — биомедицинские клеточные продукты по Федеральному "
    "закону № 180-ФЗ от 23.06.2016; их процедуры нет в каталогах демо, поэтому продукт проходит этапы "
    "лекарственных препаратов."
)

STORIES: tuple[Story, ...] = (
    # --- medicines (61-FZ as amended by 429-FZ) -----------------------------------------------------
    Story(
        "adc-her2",
        "Anti-HER2 antibody-drug conjugate (illustrative)",
        "Конъюгат антитела к HER2 с цитостатиком (демо)",
        "medicine", "", 8, _d("2019-03-04"),
        "HER2-positive metastatic breast cancer after trastuzumab",
        "HER2-положительный метастатический рак молочной железы после терапии трастузумабом",
        (("ibch-ras", "developer"), ("neurobiolab", "testing_lab"), ("rnrmu", "clinical_site"),
         ("demo-cityclinic", "clinical_site"), ("demo-pharmaplant", "manufacturer"),
         ("demo-venture-fund", "investor")),
        "gmp-conclusion", "query", 340,
    ),
    Story(
        "glp1-peptide",
        "Long-acting GLP-1 peptide analogue (illustrative)",
        "Пептидный аналог ГПП-1 длительного действия (демо)",
        "medicine", "", 8, _d("2019-06-10"),
        "Type 2 diabetes mellitus",
        "Сахарный диабет 2 типа",
        (("ibch-ras", "developer"), ("neurobiolab", "testing_lab"), ("rnrmu", "clinical_site"),
         ("demo-pharmaplant", "manufacturer")),
        "state-registration", "answered", 330,
    ),
    Story(
        "car-t-cd19",
        "CD19 CAR-T cell product for paediatric B-cell leukaemia (illustrative)",
        "Продукт CAR-T-клеток к CD19 для лечения В-клеточного лейкоза у детей (демо)",
        "medicine", "", 6, _d("2021-04-01"),
        "Relapsed or refractory B-cell acute lymphoblastic leukaemia in children and young adults",
        "Рецидивирующий или рефрактерный В-клеточный острый лимфобластный лейкоз у детей и молодых взрослых",
        (("rogachev-centre", "developer"), ("rogachev-centre", "clinical_site"), ("rnrmu", "developer"),
         ("demo-cellbank", "manufacturer"), ("demo-venture-fund", "investor")),
        "clinical-trials", "submitted", 540,
        description=CELL_PRODUCT_NOTE,
    ),
    Story(
        "anti-pd1-mab",
        "Recombinant anti-PD-1 monoclonal antibody (illustrative)",
        "Рекомбинантное моноклональное антитело к PD-1 (демо)",
        "medicine", "", 7, _d("2020-02-03"),
        "Advanced melanoma and non-small-cell lung cancer",
        "Распространённая меланома и немелкоклеточный рак лёгкого",
        (("ibch-ras", "developer"), ("demo-pharmaplant", "manufacturer"),
         ("demo-cityclinic", "clinical_site"), ("rnrmu", "clinical_site")),
        "clinical-trials", "submitted", 640,
        refused=("ct-application-review",),
    ),
    Story(
        "amp-peptide",
        "Antimicrobial peptide gel for infected wounds (illustrative)",
        "Гель на основе антимикробного пептида для лечения инфицированных ран (демо)",
        "medicine", "", 5, _d("2022-09-01"),
        "Infected chronic wounds, including diabetic foot ulcers",
        "Инфицированные хронические раны, в том числе синдром диабетической стопы",
        (("ibch-ras", "developer"), ("neurobiolab", "testing_lab"), ("demo-cityclinic", "clinical_site")),
        "ct-application-review", "submitted", 21,
    ),
    Story(
        "neuroprotect-peptide",
        "Intranasal neuroprotective peptide for acute ischaemic stroke (illustrative)",
        "Интраназальный нейропротекторный пептид для лечения острого ишемического инсульта (демо)",
        "medicine", "", 4, _d("2024-04-15"),
        "Acute ischaemic stroke",
        "Острый ишемический инсульт",
        (("ihna-ras", "developer"), ("rnrmu", "developer"), ("neurobiolab", "testing_lab")),
        "preclinical", "submitted",
    ),
    Story(
        "thrombolytic",
        "Recombinant thrombolytic protein (illustrative)",
        "Рекомбинантный тромболитический белок (демо)",
        "medicine", "", 9, _d("2019-01-15"),
        "Acute myocardial infarction and ischaemic stroke (thrombolysis)",
        "Тромболитическая терапия при остром инфаркте миокарда и ишемическом инсульте",
        (("eurogen", "developer"), ("neurobiolab", "testing_lab"), ("demo-cityclinic", "clinical_site"),
         ("demo-pharmaplant", "manufacturer")),
        "market-launch", "market", 150,
        refused=("state-registration",),
    ),
    Story(
        "msc-secretome",
        "Cell-free drug from the secretome of mesenchymal stromal cells (illustrative)",
        "Бесклеточный препарат на основе секретома мезенхимных стромальных клеток (демо)",
        "medicine", "", 8, _d("2019-09-02"),
        "Chronic non-healing wounds and post-traumatic tissue repair",
        "Длительно незаживающие раны и посттравматическая регенерация тканей",
        (("msu-ffm", "developer"), ("demo-cellbank", "manufacturer"), ("rnrmu", "clinical_site")),
        "production-licence", "submitted", 100,
    ),
    # --- medical devices (Resolution 1416 before 1 March 2025, Resolution 1684 after) ------------------
    Story(
        "biosensor-patch",
        "Wearable biosensor patch for continuous lactate monitoring (illustrative)",
        "Носимый биосенсорный пластырь для непрерывного мониторинга лактата (демо)",
        "device", "2a", 8, _d("2024-05-06"),
        "Monitoring of lactate in intensive care and sports medicine",
        "Мониторинг лактата в интенсивной терапии и спортивной медицине",
        (("demo-biosensor", "developer"), ("demo-zelenograd-mems", "manufacturer"),
         ("demo-medtest-lab", "testing_lab"), ("demo-cityclinic", "clinical_site")),
        "device-registration", "submitted", 160,
    ),
    Story(
        "neurostimulator",
        "Closed-loop responsive neurostimulator for drug-resistant epilepsy (illustrative)",
        "Нейростимулятор с обратной связью для лечения фармакорезистентной эпилепсии (демо)",
        "device", "3", 8, _d("2019-11-01"),
        "Drug-resistant focal epilepsy in adults",
        "Фармакорезистентная фокальная эпилепсия у взрослых",
        (("ihna-ras", "developer"), ("neurobiolab", "developer"), ("demo-implant", "manufacturer"),
         ("demo-medtest-lab", "testing_lab"), ("rnrmu", "clinical_site")),
        "device-registration", "answered", 200,
        refused=("device-registration",),
    ),
    Story(
        "bci-exoskeleton",
        "Brain-computer interface with a hand exoskeleton for post-stroke rehabilitation (illustrative)",
        "Интерфейс «мозг — компьютер» с экзоскелетом кисти для реабилитации после инсульта (демо)",
        "device", "2a", 9, _d("2019-04-01"),
        "Motor rehabilitation of the hand after stroke",
        "Восстановление двигательной функции кисти после инсульта",
        (("ihna-ras", "developer"), ("neurobiolab", "developer"), ("imagerysoft", "developer"),
         ("rnrmu", "clinical_site"), ("demo-tomsk-rehab", "manufacturer")),
        "market-launch", "market", 640,
    ),
    Story(
        "mg-bone-screws",
        "Biodegradable magnesium-alloy bone screws (illustrative)",
        "Биорезорбируемые винты из магниевого сплава для остеосинтеза (демо)",
        "device", "2b", 9, _d("2020-06-01"),
        "Fixation of small-bone fractures without removal surgery",
        "Остеосинтез переломов мелких костей без повторной операции по удалению",
        (("icp-ras", "developer"), ("demo-implant", "manufacturer"), ("demo-medtest-lab", "testing_lab"),
         ("demo-cityclinic", "clinical_site")),
        "market-launch", "market", 280,
        withdrawn=("device-registration",),
    ),
    Story(
        "bioresorbable-stent",
        "Bioresorbable polymer coronary stent (illustrative)",
        "Биорезорбируемый полимерный коронарный стент (демо)",
        "device", "3", 7, _d("2021-03-01"),
        "Coronary artery disease (percutaneous coronary intervention)",
        "Ишемическая болезнь сердца (чрескожное коронарное вмешательство)",
        (("icp-ras", "developer"), ("demo-implant", "manufacturer"), ("demo-medtest-lab", "testing_lab"),
         ("rnrmu", "clinical_site")),
        "device-clinical-trials", "submitted", 430,
    ),
    Story(
        "implant-glucose-sensor",
        "Implantable glucose biosensor (illustrative)",
        "Имплантируемый биосенсор глюкозы (демо)",
        "device", "3", 5, _d("2025-01-13"),
        "Continuous glucose monitoring in type 1 diabetes",
        "Непрерывный мониторинг глюкозы при сахарном диабете 1 типа",
        (("icp-ras", "developer"), ("demo-biosensor", "developer"), ("demo-implant", "manufacturer"),
         ("demo-medtest-lab", "testing_lab")),
        "toxicology", "submitted", 230,
    ),
    Story(
        "surgical-nav-robot",
        "Robotic navigation system for spinal surgery (illustrative)",
        "Роботизированная навигационная система для хирургии позвоночника (демо)",
        "device", "2b", 5, _d("2025-04-01"),
        "Pedicle screw placement in spinal surgery",
        "Установка транспедикулярных винтов в хирургии позвоночника",
        (("demo-implant", "developer"), ("imagerysoft", "developer"), ("demo-medtest-lab", "testing_lab")),
        "technical-tests", "submitted",
    ),
    Story(
        "portable-ultrasound",
        "Handheld ultrasound scanner with AI guidance (illustrative)",
        "Портативный ультразвуковой сканер с подсказками на основе ИИ (демо)",
        "device", "2a", 8, _d("2025-03-17"),
        "Point-of-care ultrasound in primary care and emergency medicine",
        "Ультразвуковое исследование у постели больного в первичном звене и неотложной помощи",
        (("imagerysoft", "developer"), ("demo-zelenograd-mems", "manufacturer"),
         ("demo-medtest-lab", "testing_lab"), ("demo-cityclinic", "clinical_site")),
        "production-inspection", "submitted", 120,
    ),
    Story(
        "rehab-glove",
        "Soft robotic rehabilitation glove (illustrative)",
        "Мягкая роботизированная перчатка для реабилитации (демо)",
        "device", "1", 8, _d("2025-06-02"),
        "Home rehabilitation of hand function after stroke or injury",
        "Домашняя реабилитация функции кисти после инсульта или травмы",
        (("demo-tomsk-rehab", "developer"), ("demo-tomsk-rehab", "manufacturer"), ("ihna-ras", "developer"),
         ("rnrmu", "clinical_site")),
        "device-registration", "submitted", 45,
    ),
    # --- in-vitro diagnostics -----------------------------------------------------------------------
    Story(
        "ngs-hereditary-cancer",
        "NGS panel for hereditary cancer syndromes (illustrative)",
        "NGS-панель для диагностики наследственных опухолевых синдромов (демо)",
        "diagnostic", "2b", 8, _d("2023-01-16"),
        "Germline testing of BRCA1/2 and 30 other cancer-predisposition genes",
        "Выявление герминальных вариантов BRCA1/2 и ещё 30 генов предрасположенности к опухолям",
        (("eurogen", "developer"), ("eurogen", "manufacturer"), ("demo-genomed", "developer"),
         ("rogachev-centre", "clinical_site")),
        "device-registration", "query", 270,
    ),
    Story(
        "liquid-biopsy-egfr",
        "Liquid-biopsy ddPCR kit for EGFR mutations (illustrative)",
        "Набор для жидкостной биопсии: выявление мутаций EGFR методом цифровой капельной ПЦР (демо)",
        "diagnostic", "2b", 7, _d("2024-09-02"),
        "Selection of targeted therapy in non-small-cell lung cancer",
        "Подбор таргетной терапии при немелкоклеточном раке лёгкого",
        (("demo-genomed", "developer"), ("eurogen", "manufacturer"), ("demo-cityclinic", "clinical_site")),
        "device-clinical-trials", "submitted", 160,
    ),
    Story(
        "flu-rapid-test",
        "Rapid antigen test for influenza A and B (illustrative)",
        "Экспресс-тест на антигены вирусов гриппа A и B (демо)",
        "diagnostic", "2a", 9, _d("2020-01-20"),
        "Point-of-care diagnosis of influenza",
        "Диагностика гриппа по месту оказания медицинской помощи",
        (("demo-biosensor", "developer"), ("demo-biosensor", "manufacturer"), ("eurogen", "other"),
         ("demo-cityclinic", "clinical_site")),
        "market-launch", "market", 900,
    ),
    Story(
        "troponin-poc",
        "Point-of-care troponin I test (illustrative)",
        "Экспресс-тест на тропонин I у постели больного (демо)",
        "diagnostic", "2b", 9, _d("2021-05-17"),
        "Early rule-out of myocardial infarction in emergency departments",
        "Раннее исключение инфаркта миокарда в приёмных отделениях",
        (("demo-biosensor", "developer"), ("demo-medtest-lab", "testing_lab"),
         ("demo-cityclinic", "clinical_site")),
        "market-launch", "market", 110,
        refused=("device-registration",),
    ),
    Story(
        "mrd-flow-panel",
        "Flow-cytometry panel for minimal residual disease in paediatric leukaemia (illustrative)",
        "Панель для проточной цитометрии: минимальная остаточная болезнь при лейкозах у детей (демо)",
        "diagnostic", "2b", 7, _d("2025-05-12"),
        "Monitoring of minimal residual disease in B-cell acute lymphoblastic leukaemia",
        "Мониторинг минимальной остаточной болезни при В-клеточном остром лимфобластном лейкозе",
        (("eurogen", "developer"), ("rogachev-centre", "developer"), ("rogachev-centre", "clinical_site")),
        "device-clinical-trials", "submitted", 90,
    ),
    # --- medical software ---------------------------------------------------------------------------
    Story(
        "chest-ct-ai",
        "AI triage of chest CT for lung nodules (illustrative)",
        "Программа ИИ для сортировки КТ грудной клетки: выявление очагов в лёгких (демо)",
        "software", "2b", 9, _d("2022-03-01"),
        "Lung-cancer screening and incidental nodules (software as a medical device, risk class 2b)",
        "Скрининг рака лёгкого и случайно выявленные очаги (программное обеспечение — медицинское изделие, "
        "класс риска 2б)",
        (("imagerysoft", "developer"), ("rnrmu", "clinical_site"), ("demo-cityclinic", "clinical_site")),
        "market-launch", "market", 520,
    ),
    Story(
        "hf-telemonitoring",
        "Remote monitoring software for heart failure (illustrative)",
        "Программа дистанционного мониторинга пациентов с сердечной недостаточностью (демо)",
        "software", "2a", 8, _d("2024-11-05"),
        "Outpatient follow-up of chronic heart failure (software as a medical device, risk class 2a)",
        "Амбулаторное наблюдение при хронической сердечной недостаточности (программное обеспечение — "
        "медицинское изделие, класс риска 2а)",
        (("demo-telemed", "developer"), ("rnrmu", "clinical_site"), ("demo-biosensor", "other")),
        "device-registration", "answered", 130,
    ),
    Story(
        "eeg-seizure-ai",
        "AI detection of seizures in long-term EEG (illustrative)",
        "Программа ИИ для выявления эпилептических приступов при длительной записи ЭЭГ (демо)",
        "software", "2b", 6, _d("2025-04-14"),
        "Video-EEG monitoring in epilepsy units (software as a medical device, risk class 2b)",
        "Видео-ЭЭГ-мониторинг в эпилептологических отделениях (программное обеспечение — медицинское "
        "изделие, класс риска 2б)",
        (("neurobiolab", "developer"), ("ihna-ras", "developer"), ("rnrmu", "clinical_site")),
        "device-clinical-trials", "waiting", 75,
    ),
    # --- services -----------------------------------------------------------------------------------
    Story(
        "genomic-counselling",
        "Genomic counselling for families with hereditary cancer (illustrative)",
        "Медико-генетическое консультирование семей с наследственными опухолями (демо)",
        "service", "", 7, _d("2024-02-05"),
        "Families with a hereditary cancer predisposition",
        "Семьи с наследственной предрасположенностью к онкологическим заболеваниям",
        (("demo-genomed", "developer"), ("rnrmu", "clinical_site"), ("eurogen", "other")),
        "service-pilot", "submitted", 200,
    ),
)  # fmt: skip


@dataclass(frozen=True)
class BarrierStory:
    """A barrier as it was raised and handled: ``status`` is where its story ends (``escalated_on`` and
    ``resolved_on`` are set for the steps it went through). ``gates`` are gate keys, linked in the
    catalogues of the barrier's products; ``raised_by`` is the user name of the demo user who raised it."""

    title: str
    description: str
    kind: str
    raised_for: str
    raised_by: str
    raised_on: dt.date
    products: tuple[str, ...]
    gates: tuple[str, ...]
    agencies: tuple[str, ...]
    status: str
    escalated_to: str = ""
    escalated_on: dt.date | None = None
    resolved_on: dt.date | None = None
    resolution: str = ""


DNPP = (
    "Department of Science, Industrial Policy and Entrepreneurship of the City of Moscow "
    "(Департамент науки, промышленной политики и предпринимательства города Москвы)"
)
MINZDRAV = "Ministry of Health of the Russian Federation (Минздрав России)"
MINPROMTORG = "Ministry of Industry and Trade of the Russian Federation (Минпромторг России)"

BARRIERS: tuple[BarrierStory, ...] = (
    BarrierStory(
        "Waiting list for GMP inspections at the Ministry of Industry and Trade",
        "The ministry's inspectors are booked many months ahead: the cluster's manufacturer waits 8-12 "
        "months for the GMP inspection that the registration dossiers of two products need. Proposal: "
        "ask for one inspection of the Moscow site for both products.\n\n"
        "Инспекторы министерства расписаны на много месяцев вперёд: производитель кластера ждёт инспекции "
        "GMP, необходимой для регистрационных досье двух продуктов, 8-12 месяцев. Предложение: просить об "
        "одной инспекции московской площадки для обоих продуктов.",
        "agency_queue", "demo-pharmaplant", "manager", _d("2025-09-15"),
        ("adc-her2", "msc-secretome"), ("gmp-conclusion",), ("minpromtorg",),
        "escalated", DNPP, _d("2025-11-20"),
    ),
    BarrierStory(
        "Device registration at Roszdravnadzor takes far longer than 50 working days",
        "Four products of the cluster wait for registration decisions well beyond the statutory 50 working "
        "days, mostly after repeated queries for additional data. The cluster collects the queries to "
        "agree typical answers with the expert institution.\n\n"
        "Четыре продукта кластера ждут решения о регистрации намного дольше установленных 50 рабочих дней, "
        "чаще всего после повторных запросов дополнительных данных. Кластер собирает запросы, чтобы "
        "согласовать с экспертным учреждением типовые ответы.",
        "agency_queue", "demo-biosensor", "manager", _d("2026-03-10"),
        ("biosensor-patch", "neurostimulator", "ngs-hereditary-cancer", "hf-telemonitoring"),
        ("device-registration",), ("roszdravnadzor", "vniiimt"),
        "escalated", MINZDRAV, _d("2026-06-01"),
    ),
    BarrierStory(
        "No accredited laboratory in Moscow for toxicological studies of implantable sensors",
        "The laboratories accredited for long-term implantation studies are outside Moscow and booked for "
        "the next half-year; the implantable glucose sensor waits for a slot.\n\n"
        "Лаборатории, аккредитованные на длительные исследования имплантируемых изделий, находятся вне "
        "Москвы и заняты на полгода вперёд; имплантируемый сенсор глюкозы ждёт своей очереди.",
        "infrastructure", "icp-ras", "manager", _d("2026-07-06"),
        ("implant-glucose-sensor",), ("toxicology",), ("testing-labs",),
        "open",
    ),
    BarrierStory(
        "Clinical trials of AI software: no requirements for the retrospective dataset",
        "Neither the testing laboratory nor the clinical sites could say what a retrospective dataset for "
        "the trial of AI software must contain.\n\n"
        "Ни испытательная лаборатория, ни клинические базы не могли сказать, каким должен быть "
        "ретроспективный набор данных для клинических испытаний программного обеспечения с ИИ.",
        "regulation_missing", "imagerysoft", "manager", _d("2022-11-14"),
        ("chest-ct-ai",), ("device-clinical-trials",), ("clinical-sites",),
        "resolved", resolved_on=_d("2023-05-22"),
        resolution=(
            "A working group of the cluster and its clinical sites agreed a protocol for retrospective "
            "trials on anonymised studies; the template is available to the members."
        ),
    ),
    BarrierStory(
        "Rules for hospital-made CAR-T cell products are missing",
        "A CAR-T product made in the hospital for its own patients fits neither the medicines' procedure "
        "nor that of biomedical cell products; the trial was allowed as a medicine after months of "
        "consultations.\n\n"
        "Продукт CAR-T, изготовленный в больнице для её пациентов, не укладывается ни в процедуры для "
        "лекарственных препаратов, ни в процедуры для биомедицинских клеточных продуктов; исследование "
        "разрешено как для лекарственного препарата после многомесячных консультаций.",
        "regulation_missing", "rogachev-centre", "manager", _d("2023-02-06"),
        ("car-t-cd19",), ("ct-application-review", "clinical-trials"), ("minzdrav",),
        "escalated", MINZDRAV, _d("2023-04-03"),
    ),
    BarrierStory(
        "No characterised reference samples for clinical laboratory trials of NGS panels",
        "Clinical laboratory trials need characterised patient samples with known variants; no member had "
        "enough of them.\n\n"
        "Для клинико-лабораторных испытаний нужны охарактеризованные образцы пациентов с известными "
        "вариантами; ни у одного участника их не было в достаточном количестве.",
        "competence", "eurogen", "representative", _d("2024-03-04"),
        ("ngs-hereditary-cancer", "liquid-biopsy-egfr"), ("device-clinical-trials",), ("clinical-sites",),
        "resolved", resolved_on=_d("2024-08-19"),
        resolution=(
            "The Rogachev Centre opened its biobank of characterised samples to the members under a "
            "cluster agreement."
        ),
    ),
    BarrierStory(
        "Financing gap for phase II of the anti-PD-1 antibody",
        "Phase I is done; phase II needs about 400 million roubles that neither the developer nor the "
        "manufacturer can commit this year.\n\n"
        "Первая фаза завершена; для второй нужно около 400 млн рублей, которых ни разработчик, ни "
        "производитель не могут выделить в этом году.",
        "financing", "ibch-ras", "manager", _d("2026-05-18"),
        ("anti-pd1-mab",), ("clinical-trials",), (),
        "open",
    ),
    BarrierStory(
        "Customs delays of imported reagents for the ddPCR kit",
        "Reagents for the clinical trial of the liquid-biopsy kit were held at customs for months.\n\n"
        "Реагенты для клинических испытаний набора для жидкостной биопсии месяцами задерживались на таможне.",
        "other", "demo-genomed", "manager", _d("2025-10-06"),
        ("liquid-biopsy-egfr",), ("device-clinical-trials",), (),
        "closed", MINPROMTORG, _d("2025-11-10"), _d("2026-02-16"),
        "Closed unresolved: the developer switched to reagents made in Russia; the ministry keeps the "
        "question of imports open.",
    ),
)  # fmt: skip
