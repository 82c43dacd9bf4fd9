"""``pathways.analysis``: a cluster's pipeline read in a fixed number of queries and turned into the
analytics' inputs; the positions, clocks and statistics of a small world, checked against hand counts
on the Russian working-day calendar.

The world (``build_world``), on 1 July 2025. Weekday holidays of 2025 from March to July, from the
bundled calendar (Labour Code art. 112 and Government Decree No. 1335 of 04.10.2024): 1, 2, 8, 9 May and
12, 13 June; 8 March falls on a Saturday and 24 February and 10 March are working days.

* ``sensor`` (device, class 2a, TRL 6): tests approved, inspection approved, registration (50 working
  days) submitted Mon 3 March, query Mon 17 March, answered Thu 27 March, still open.
  Clock until the query, (3 Mar, 17 Mar]: 4-7, 10-14, 17 March = 10 working days; 40 remain from
  27 March: 28, 31 March (2), April's 22 weekdays (24), 5-7 May (27), 12-16 (32), 19-23 (37), 26, 27,
  28 May (40): the clock runs out on Wed 28 May 2025.
  Used by 1 July: working days in (3 Mar, 1 Jul] = 20 (March) + 22 (April) + 18 (May: 22 weekdays less
  4 holidays) + 19 (June: 21 less 2) + 1 = 80, less the stop (17 Mar, 27 Mar] = 18-21, 24-27 = 8:
  72 used, 22 over the 50; elapsed 3 Mar -> 1 Jul = 28 + 30 + 31 + 30 + 1 = 120 days, stopped 10.
* ``scanner`` (device, class 1, which skips the inspection): tests approved, registration submitted Mon
  20 January, approved Fri 14 March: (20 Jan, 14 Mar] = 9 (21-24, 27-31 Jan) + 20 (February) + 10
  (3-7, 10-14 March) = 39 working days, within the 50; elapsed 11 + 28 + 14 = 53 days. Next: the launch
  (stage "market").
* ``vaccine`` (medicine, TRL 3): nothing submitted since it started on 1 April: waiting at
  "preclinical" (research) for 91 days (30 + 31 + 30).
* ``antibody`` (medicine, TRL 7): preclinical approved; the clinical-trial permit (40 working days)
  refused once, approved on the second attempt; registration (160 working days) submitted Mon 14 April,
  open.
* ``elsewhere``: a product of another cluster, never counted here.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from clusterworks.web.core.roles import Role
from clusterworks.web.pathways import analysis
from clusterworks.web.pathways.models import GateEvent, Product, ProductParticipant
from tests.factories import (
    AgencyFactory,
    ClusterFactory,
    GateCatalogueFactory,
    GateFactory,
    MembershipFactory,
    OrganisationFactory,
    ProductFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 7, 1)
D = dt.date


def _events(product: Product, gate, *rows) -> None:
    for kind, day, *decision in rows:
        GateEvent.objects.create(
            product=product, gate=gate, kind=kind, date=day, decision=decision[0] if decision else ""
        )


def build_world() -> dict:
    cluster = ClusterFactory(key="medtech", name_en="Medtech cluster")
    other = ClusterFactory(key="other", name_en="Other cluster")
    lab = AgencyFactory(key="lab", name_en="Testing laboratories", short_en="Labs")
    rzn = AgencyFactory(key="rzn", name_en="Roszdravnadzor", short_en="RZN")
    moh = AgencyFactory(key="moh", name_en="Ministry of Health", short_en="MoH")
    devices = GateCatalogueFactory(key="dev", product_type="device", name_en="Devices")
    gates = {
        "tests": GateFactory(catalogue=devices, key="tests", position=1, name_en="Technical tests",
                             stage="trials",
                             agency=lab, clock_kind="none", clock_days=None, typical_days_low=90,
                             typical_days_high=180),
        "inspection": GateFactory(catalogue=devices, key="inspection", position=2, name_en="Inspection",
                                  stage="registration", agency=rzn, clock_kind="none", clock_days=None,
                                  device_classes="2a,2b,3"),
        "registration": GateFactory(catalogue=devices, key="registration", position=3, name_en="Registration",
                                    stage="registration", agency=rzn, clock_kind="working", clock_days=50),
        "launch": GateFactory(catalogue=devices, key="launch", position=4, name_en="Launch", stage="market",
                              agency=None, clock_kind="none", clock_days=None),
    }  # fmt: skip
    medicines = GateCatalogueFactory(key="med", product_type="medicine", name_en="Medicines")
    med = {
        "preclinical": GateFactory(catalogue=medicines, key="preclinical", position=1, name_en="Preclinical",
                                   stage="research", agency=lab, clock_kind="none", clock_days=None),
        "ct-permit": GateFactory(catalogue=medicines, key="ct-permit", position=2, name_en="Trial permit",
                                 stage="trials", agency=moh, clock_kind="working", clock_days=40),
        "registration": GateFactory(catalogue=medicines, key="registration", position=3,
                                    name_en="Drug registration", stage="registration", agency=moh,
                                    clock_kind="working", clock_days=160),
        "licence": GateFactory(catalogue=medicines, key="licence", position=4, name_en="Production licence",
                               stage="production", agency=moh, clock_kind="calendar", clock_days=45),
    }  # fmt: skip
    developer, site, other_developer = (OrganisationFactory(key=k) for k in ("devco", "hospital", "pharmco"))
    for organisation in (developer, other_developer):
        MembershipFactory(cluster=cluster, organisation=organisation)
    products = {
        "sensor": ProductFactory(cluster=cluster, key="sensor", name_en="Sensor", type="device",
                                 risk_class="2a",
                                 catalogue=devices, trl=6, started_on=D(2024, 6, 1)),
        "scanner": ProductFactory(cluster=cluster, key="scanner", name_en="Scanner", type="device",
                                  risk_class="1", catalogue=devices, trl=8, started_on=D(2024, 5, 1)),
        "vaccine": ProductFactory(cluster=cluster, key="vaccine", name_en="Vaccine", type="medicine",
                                  risk_class="", catalogue=medicines, trl=3, started_on=D(2025, 4, 1)),
        "antibody": ProductFactory(cluster=cluster, key="antibody", name_en="Antibody", type="medicine",
                                   risk_class="", catalogue=medicines, trl=7, started_on=D(2023, 9, 1)),
        "elsewhere": ProductFactory(cluster=other, key="elsewhere", name_en="Elsewhere", type="device",
                                    risk_class="2a", catalogue=devices, trl=5, started_on=D(2025, 1, 1)),
    }  # fmt: skip
    ProductParticipant.objects.create(product=products["sensor"], organisation=site, role="clinical_site")
    ProductParticipant.objects.create(product=products["sensor"], organisation=developer, role="developer")
    ProductParticipant.objects.create(
        product=products["antibody"], organisation=other_developer, role="developer"
    )
    _events(
        products["sensor"],
        gates["tests"],
        ("submitted", D(2025, 1, 10)),
        ("decision", D(2025, 2, 20), "approved"),
    )
    _events(products["sensor"], gates["inspection"], ("submitted", D(2025, 2, 21)),
            ("decision", D(2025, 2, 28), "approved"))  # fmt: skip
    _events(products["sensor"], gates["registration"], ("submitted", D(2025, 3, 3)),
            ("query", D(2025, 3, 17)),
            ("answered", D(2025, 3, 27)))  # fmt: skip
    _events(products["scanner"], gates["tests"], ("submitted", D(2024, 9, 2)),
            ("decision", D(2024, 11, 29), "approved"))  # fmt: skip
    _events(products["scanner"], gates["registration"], ("submitted", D(2025, 1, 20)),
            ("decision", D(2025, 3, 14), "approved"))  # fmt: skip
    _events(products["antibody"], med["preclinical"], ("submitted", D(2024, 1, 10)),
            ("decision", D(2024, 10, 1), "approved"))  # fmt: skip
    _events(products["antibody"], med["ct-permit"], ("submitted", D(2024, 10, 7)),
            ("decision", D(2024, 12, 20), "refused"), ("submitted", D(2025, 2, 3)),
            ("decision", D(2025, 3, 31), "approved"))  # fmt: skip
    _events(products["antibody"], med["registration"], ("submitted", D(2025, 4, 14)))
    _events(products["elsewhere"], gates["tests"], ("submitted", D(2025, 2, 1)))
    users = {
        "admin": user_with_role(Role.ADMIN),
        "manager": user_with_role(Role.CLUSTER_MANAGER, cluster=cluster),
        "manager_of_other": user_with_role(Role.CLUSTER_MANAGER, cluster=other),
        "analyst": user_with_role(Role.ANALYST),
        "developer": user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=developer),
        "site": user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=site),
        "expert": user_with_role(Role.EXPERT),
        "anonymous": AnonymousUser(),
    }
    return {
        "cluster": cluster,
        "other": other,
        "gates": gates,
        "med": med,
        "products": products,
        "users": users,
        "agencies": {"lab": lab, "rzn": rzn, "moh": moh},
    }


@pytest.fixture
def world():
    return build_world()


def test_the_pipeline_is_read_in_six_queries(world, django_assert_num_queries):
    # products, gates, agencies, consortium leads, the leads' names, events
    with django_assert_num_queries(6):
        pipeline = analysis.cluster_pipeline(cluster=world["cluster"])
    assert [p.key for p in pipeline.products] == ["antibody", "scanner", "sensor", "vaccine"]  # by name
    assert {e.product for e in pipeline.events} == {"antibody", "scanner", "sensor"}
    # the scanner and the vaccine have no consortium recorded
    assert set(pipeline.leads) == {world["products"]["sensor"].pk, world["products"]["antibody"].pk}


def test_the_lead_is_the_developer_not_the_first_participant(world):
    pipeline = analysis.cluster_pipeline(cluster=world["cluster"])
    # the clinical site joined first, the developer leads
    developer = ProductParticipant.objects.get(product=world["products"]["sensor"], role="developer")
    assert pipeline.lead(world["products"]["sensor"].pk) == str(developer.organisation)
    site = ProductParticipant.objects.get(product=world["products"]["sensor"], role="clinical_site")
    assert str(site.organisation) != str(developer.organisation)
    # in Russian the Russian name, from the same pipeline (it is kept across languages)
    with translation.override("ru"):
        assert pipeline.lead(world["products"]["sensor"].pk) == developer.organisation.name_ru
    assert developer.organisation.name_ru != developer.organisation.name_en


def test_a_class_that_skips_a_gate_gets_its_own_variant_of_the_catalogue(world):
    pipeline = analysis.cluster_pipeline(cluster=world["cluster"])
    assert pipeline.catalogue_of == {"sensor": "dev", "scanner": "dev@1", "vaccine": "med", "antibody": "med"}
    assert list(pipeline.gates_by_catalogue["dev@1"]) == ["tests", "registration", "launch"]
    assert list(pipeline.gates_by_catalogue["dev"]) == ["tests", "inspection", "registration", "launch"]
    assert pipeline.real_catalogue["dev@1"] == "dev"


def test_positions_and_the_clock_of_the_open_registration(world):
    pipeline = analysis.cluster_pipeline(cluster=world["cluster"])
    result = analysis.pipeline_analysis(pipeline, today=TODAY)
    positions = result.report.positions
    assert {k: (p.stage, p.gate) for k, p in positions.items()} == {
        "sensor": ("registration", "registration"),
        "scanner": ("market", "launch"),  # class 1: no inspection; registration approved
        "vaccine": ("research", "preclinical"),
        "antibody": ("registration", "registration"),
    }
    (clock,) = [c for c in result.report.clocks if c.product == "sensor" and c.gate == "registration"]
    # hand counts in the module's docstring
    assert (clock.elapsed_days, clock.stopped_days, clock.clock_used) == (120, 10, 72)
    assert (clock.days_left, clock.overdue, clock.due) == (-22, True, D(2025, 5, 28))


def test_statistics_per_real_gate_join_the_variants(world):
    pipeline = analysis.cluster_pipeline(cluster=world["cluster"])
    result = analysis.pipeline_analysis(pipeline, today=TODAY)
    (registration,) = [g for g in result.gates if g.catalogue == "dev" and g.gate == "registration"]
    # sensor (open) and scanner (approved, 53 days, 39 working days used) at one gate
    assert (registration.attempts, registration.decided, registration.open_now) == (2, 1, 1)
    assert registration.elapsed_median == 53 and registration.clock_used_median == 39
    (lost,) = [g for g in result.bottlenecks.gates if g.catalogue == "dev" and g.gate == "registration"]
    assert lost.days_lost == 22 and lost.rank == 1  # 72 - 50 for the sensor; the scanner lost none
    assert not [g for g in result.gates if g.catalogue.startswith("dev@")]


def test_products_of_a_queryset_only(world):
    visible = Product.objects.filter(key__in=["sensor", "elsewhere"])
    pipeline = analysis.cluster_pipeline(cluster=world["cluster"], products=visible)
    assert [p.key for p in pipeline.products] == ["sensor"]
    assert {e.product for e in pipeline.events} == {"sensor"}


def test_withdrawn_products_are_left_out(world):
    Product.objects.filter(key="vaccine").update(withdrawn_on=D(2025, 6, 1))
    pipeline = analysis.cluster_pipeline(cluster=world["cluster"])
    assert "vaccine" not in {p.key for p in pipeline.products}


def test_products_with_broken_histories_are_set_aside_with_their_problems(world):
    # a decision before any submission at the launch of the scanner
    GateEvent.objects.create(
        product=world["products"]["scanner"], gate=world["gates"]["launch"], kind="decision",
        date=D(2025, 3, 20), decision="approved",
    )  # fmt: skip
    GateEvent.objects.filter(product__key="scanner", gate__key="registration", kind="submitted").delete()
    pipeline = analysis.cluster_pipeline(cluster=world["cluster"])
    result = analysis.pipeline_analysis(pipeline, today=TODAY)
    assert set(result.invalid) == {"scanner"}
    assert "scanner" not in result.report.positions
    assert set(result.report.positions) == {"sensor", "vaccine", "antibody"}


def test_the_funnel_of_some_products(world):
    pipeline = analysis.cluster_pipeline(cluster=world["cluster"])
    result = analysis.pipeline_analysis(pipeline, today=TODAY)
    funnel = analysis.funnel_of(result.report, ["sensor", "vaccine", "antibody"])
    assert funnel.by_trl == (0, 0, 1, 0, 0, 1, 1, 0, 0)  # TRL 3, 6, 7
    assert funnel.total == 3
