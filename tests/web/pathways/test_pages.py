"""The pathway pages: who may open each (allowed and refused, object by object), the numbers they show
for the world of ``test_analysis`` (hand counts there and below), the filters, and the board's query
count, which does not grow with the number of products."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from clusterworks.web.pathways import views_pages
from clusterworks.web.pathways.models import GateEvent, ProductParticipant
from tests.factories import OrganisationFactory, ProductFactory
from tests.web.pathways.test_analysis import TODAY, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(views_pages, "_today", lambda: TODAY)


@pytest.fixture
def world():
    return build_world()


def _login(client, user):
    if user.is_authenticated:
        client.force_login(user)


REPORTERS = {"admin", "manager", "analyst"}
SENSOR = REPORTERS | {"developer", "site"}  # the consortium of the sensor

PAGES = {
    "/pathways/?cluster=medtech": SENSOR,  # the consortium sees its own products on the board
    "/pathways/products/sensor/": SENSOR,
    "/pathways/products/antibody/": REPORTERS,  # not in the developer's consortium
    "/pathways/bottlenecks/?cluster=medtech": REPORTERS,
    "/pathways/report/?cluster=medtech": REPORTERS,
    "/pathways/report.xlsx?cluster=medtech": REPORTERS,
    "/pathways/barriers/": REPORTERS | {"developer", "site", "manager_of_other", "expert"},  # a filtered list
}
SIGNED_IN = ["admin", "manager", "manager_of_other", "analyst", "developer", "site", "expert"]


@pytest.mark.parametrize("who", SIGNED_IN)
def test_who_may_open_each_page(client, world, who):
    _login(client, world["users"][who])
    wrong = {}
    for url, allowed in PAGES.items():
        status = client.get(url).status_code
        if status != (200 if who in allowed else 403):
            wrong[url] = status
    assert not wrong, f"{who}: {wrong}"


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_refusals_say_why(client, world):
    client.force_login(world["users"]["developer"])
    html = client.get("/pathways/bottlenecks/?cluster=medtech").content.decode()
    assert "the whole pipeline is for the cluster&#x27;s managers and analysts" in html
    client.force_login(world["users"]["manager_of_other"])
    html = client.get("/pathways/products/sensor/").content.decode()
    assert "a product is visible to its consortium" in html


def test_an_unknown_cluster_is_not_found(client, world):
    client.force_login(world["users"]["manager"])
    assert client.get("/pathways/?cluster=atlantis").status_code == 404
    assert client.get("/pathways/products/atlantis/").status_code == 404


def test_the_board_opens_on_the_users_cluster(client, world):
    client.force_login(world["users"]["manager_of_other"])
    html = client.get("/pathways/").content.decode()
    assert _cards(html) == {"elsewhere"}
    client.force_login(world["users"]["expert"])
    assert client.get("/pathways/").status_code == 403  # no cluster, no product


# --- the board ---------------------------------------------------------------------------------------


def _cards(html: str) -> set[str]:
    return set(re.findall(r'class="product-card[^"]*" data-product="([^"]+)"', html))


def _column_counts(html: str) -> dict[str, int]:
    found = re.findall(r'data-stage="(\w+)".*?data-count="(\d+)"', html, flags=re.S)
    return {stage: int(count) for stage, count in found}


def test_the_board_puts_each_product_in_its_stage(client, world):
    client.force_login(world["users"]["manager"])
    html = client.get("/pathways/?cluster=medtech").content.decode()
    # positions in test_analysis: vaccine research, sensor and antibody registration, scanner market
    assert _column_counts(html) == {
        "research": 1,
        "trials": 0,
        "registration": 2,
        "production": 0,
        "market": 1,
    }
    assert _cards(html) == {"vaccine", "sensor", "antibody", "scanner"}
    sensor = html[html.index('data-product="sensor"') :]
    sensor = sensor[: sensor.index("</li>")]
    # 120 days at RZN since 3 March, 72 of 50 working days used (hand counts in test_analysis)
    assert 'data-days="120"' in sensor and 'data-clock-used="72" data-statutory="50"' in sensor
    assert "overdue" in sensor and "RZN" in sensor and "Registration" in sensor
    assert 'class="product-card is-overdue" data-product="sensor"' in html
    vaccine = html[html.index('data-product="vaccine"') :]
    assert 'data-days="91"' in vaccine[: vaccine.index("</li>")]  # waiting since 1 April
    assert "1 past the statutory clock" in html


def test_the_consortium_lead_is_on_the_card(client, world):
    client.force_login(world["users"]["manager"])
    html = client.get("/pathways/?cluster=medtech").content.decode()
    lead = str(ProductParticipant.objects.get(product__key="sensor", role="developer").organisation)
    sensor = html[html.index('data-product="sensor"') :]
    assert lead in sensor[: sensor.index("</li>")]


def test_the_funnel_counts_products_by_trl(client, world):
    client.force_login(world["users"]["manager"])
    html = client.get("/pathways/?cluster=medtech").content.decode()
    counts = dict(re.findall(r'class="funnel-level" data-trl="(\d)" data-count="(\d+)"', html))
    # vaccine 3, sensor 6, antibody 7, scanner 8
    assert counts == {
        "1": "0",
        "2": "0",
        "3": "1",
        "4": "0",
        "5": "0",
        "6": "1",
        "7": "1",
        "8": "1",
        "9": "0",
    }


def test_a_representative_sees_only_their_products_on_the_board(client, world):
    client.force_login(world["users"]["developer"])
    html = client.get("/pathways/?cluster=medtech").content.decode()
    assert _cards(html) == {"sensor"}
    assert "only the products of your organisations" in html
    assert "Bottlenecks</a>" not in html  # the tabs of the whole pipeline are not offered


def test_filters_by_type_and_agency(client, world):
    client.force_login(world["users"]["manager"])
    assert _cards(client.get("/pathways/?cluster=medtech&type=medicine").content.decode()) == {
        "vaccine",
        "antibody",
    }
    assert _cards(client.get("/pathways/?cluster=medtech&agency=rzn").content.decode()) == {"sensor"}
    assert _cards(client.get("/pathways/?cluster=medtech&agency=moh&type=device").content.decode()) == set()


def test_a_filter_value_that_is_not_allowed_is_named(client, world):
    client.force_login(world["users"]["manager"])
    html = client.get("/pathways/?cluster=medtech&type=spaceship").content.decode()
    assert "Select a valid choice. spaceship is not one of the available choices." in html
    assert len(_cards(html)) == 4  # shown unfiltered


def test_the_boards_queries_do_not_grow_with_the_products(client, world, django_assert_max_num_queries):
    client.force_login(world["users"]["manager"])
    client.get("/pathways/?cluster=medtech")  # warm up: sessions, content types
    with django_assert_max_num_queries(20) as small:
        client.get("/pathways/?cluster=medtech")
    cluster, catalogue = world["cluster"], world["products"]["sensor"].catalogue
    tests_gate = world["gates"]["tests"]
    for n in range(40):
        product = ProductFactory(cluster=cluster, catalogue=catalogue, type="device", risk_class="2a", trl=4)
        GateEvent.objects.create(product=product, gate=tests_gate, kind="submitted", date=dt.date(2025, 5, 1))
        ProductParticipant.objects.create(
            product=product, organisation=OrganisationFactory(), role="developer"
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get("/pathways/?cluster=medtech").content.decode()
    assert len(_cards(html)) == 44


# --- a product's page --------------------------------------------------------------------------------


def test_the_product_page_shows_the_clock_counted_by_hand(client, world):
    client.force_login(world["users"]["developer"])
    html = client.get("/pathways/products/sensor/").content.decode()
    row = html[html.index('data-gate="registration" data-attempt="1"') :]
    row = row[: row.index("</tr>")]
    # test_analysis: 72 of 50 working days used, 22 over, the clock ran out on Wed 28 May 2025
    assert 'data-clock-used="72"' in row and 'data-days-left="-22"' in row and 'data-due="2025-05-28"' in row
    assert "72 of 50 working days" in row and "overdue" in row


def test_the_timeline_draws_the_clock_where_it_runs_out(client, world):
    client.force_login(world["users"]["manager"])
    html = client.get("/pathways/products/sensor/").content.decode()
    # the axis runs from 1 June 2024 (the start) to 1 August 2025 (the month after today): 426 days
    # (214 in June-December 2024, 212 in January-July 2025) over x = 250 .. 870.
    # 28 May 2025 is day 214 + 31 + 28 + 31 + 30 + 27 = 361: x = 250 + 620 x 361 / 426 = 775.4
    assert re.search(r'class="clock-end is-overdue" data-date="2025-05-28" data-x="775.4"', html)
    # the query from 17 March (day 289: x = 250 + 620 x 289 / 426 = 670.6) is hatched
    assert re.search(r'<rect class="query" x="670.6" [^>]*fill="url\(#query-hatch\)"', html)
    # today, 1 July 2025, day 395: x = 250 + 620 x 395 / 426 = 824.9
    assert 'class="today" data-date="2025-07-01" x1="824.9"' in html
    # one row per gate of the catalogue, in order, approved bars marked
    assert re.findall(r'class="gate-row" data-gate="([^"]+)"', html) == [
        "tests",
        "inspection",
        "registration",
        "launch",
    ]
    assert html.count('class="attempt is-approved"') == 2 and html.count('class="attempt is-open"') == 1


def test_a_class_1_device_has_no_inspection_row(client, world):
    client.force_login(world["users"]["manager"])
    html = client.get("/pathways/products/scanner/").content.decode()
    assert re.findall(r'class="gate-row" data-gate="([^"]+)"', html) == ["tests", "registration", "launch"]


def test_the_forecast_is_stable_and_states_its_assumptions(client, world):
    client.force_login(world["users"]["manager"])
    first = client.get("/pathways/products/antibody/").content.decode()
    second = client.get("/pathways/products/antibody/").content.decode()
    dates = re.findall(r'data-p(10|50|90)="([\d-]+)"', first)
    assert dates and dates == re.findall(r'data-p(10|50|90)="([\d-]+)"', second)  # the seed is fixed
    p10, p50, p90 = (dt.date.fromisoformat(d) for _q, d in dates)
    assert TODAY <= p10 <= p50 <= p90
    assert "Assumptions" in first and "catalogue order" in first


def test_the_product_page_lists_consortium_documents_and_barriers(client, world):
    from tests.factories import BarrierFactory

    barrier = BarrierFactory(cluster=world["cluster"], title="Queue at RZN")
    barrier.products.add(world["products"]["sensor"])
    client.force_login(world["users"]["manager"])
    html = client.get("/pathways/products/sensor/").content.decode()
    assert "Queue at RZN" in html and "Clinical site" in html and "Developer" in html
    assert "Record a gate event" in html  # the manager may change the product
    client.force_login(world["users"]["site"])
    html = client.get("/pathways/products/sensor/").content.decode()
    # the clinical site does not change the product, but sees the barrier in its product's way
    assert "Record a gate event" not in html and "Queue at RZN" in html


def test_a_barrier_of_another_product_stays_hidden_from_a_consortium(client, world):
    from tests.factories import BarrierFactory

    theirs = BarrierFactory(cluster=world["cluster"], title="Licence backlog at Minpromtorg")
    theirs.products.add(world["products"]["antibody"])  # not the site's or the developer's product
    mine = BarrierFactory(cluster=world["cluster"], title="Queue at RZN")
    mine.products.add(world["products"]["sensor"])
    for who in ("developer", "site"):
        client.force_login(world["users"][who])
        listed = client.get("/pathways/barriers/").content.decode()
        assert "Queue at RZN" in listed and "Licence backlog" not in listed
        assert client.get(f"/pathways/barriers/{mine.pk}/").status_code == 200
        refused = client.get(f"/pathways/barriers/{theirs.pk}/")
        assert refused.status_code == 403
        assert "the consortia of the products it concerns" in refused.content.decode()


def test_broken_histories_are_shown_not_crashed_on(client, world):
    GateEvent.objects.create(
        product=world["products"]["vaccine"], gate=world["med"]["ct-permit"], kind="answered",
        date=dt.date(2025, 5, 5),
    )  # fmt: skip
    client.force_login(world["users"]["manager"])
    html = client.get("/pathways/products/vaccine/").content.decode()
    assert "The recorded gate events break the rules" in html
    board = client.get("/pathways/?cluster=medtech").content.decode()
    assert "vaccine" not in _cards(board) and "These products are left out" in board


# --- bottlenecks -------------------------------------------------------------------------------------


def _table(html: str, key: str) -> list[list[str]]:
    body = html[html.index(f'data-table="{key}"') :]
    body = body[body.index("<tbody>") : body.index("</tbody>")]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in rows
    ]


def test_bottlenecks_by_agency_counted_by_hand(client, world):
    client.force_login(world["users"]["analyst"])
    html = client.get("/pathways/bottlenecks/?cluster=medtech").content.decode()
    rows = {row[1]: row for row in _table(html, "agencies")}
    # RZN: inspection (sensor, 7 days) and registration (scanner 53 days; sensor open, 22 over):
    # median of 7 and 53 = 30.0, p75 = 7 + 0.75 x 46 = 41.5, p90 = 7 + 0.9 x 46 = 48.4; the scanner's
    # share of its clock 39 / 50 = 78%
    assert rows["RZN"][:11] == ["1", "RZN", "3", "2", "0", "0%", "1", "1", "30.0", "41.5", "48.4"]
    assert rows["RZN"][11] == "78%" and rows["RZN"][14] == "22"
    # MoH: the trial permit refused after 74 days (7 Oct -> 20 Dec 2024), approved after 56 (3 Feb ->
    # 31 Mar 2025): median 65.0; working days used 54 ((7 Oct, 20 Dec]: 18 in October, 21 in November
    # with Sat 2 Nov working and Mon 4 Nov off, 15 in December) and 40 ((3 Feb, 31 Mar]: 19 + 21), of
    # 40: shares 135% and 100%, median 117.5% shown rounded as 118%; one refusal of two decisions
    assert rows["MoH"][1:9] == ["MoH", "3", "2", "1", "50%", "1", "0", "65.0"]
    assert rows["MoH"][11] == "118%"
    # days lost: 54 - 40 = 14 at the trial permit
    assert rows["MoH"][14] == "14" and rows["MoH"][0] == "2"


def test_stuck_products_longest_first(client, world):
    client.force_login(world["users"]["manager"])
    html = client.get("/pathways/bottlenecks/?cluster=medtech").content.decode()
    stuck = [(row[1], row[6]) for row in _table(html, "stuck")]
    # sensor 120 days at RZN; scanner 109 days since its registration (14 March) without submitting the
    # launch; vaccine 91 since it started; antibody 78 since 14 April (30 days or more)
    assert stuck == [("sensor", "120"), ("scanner", "109"), ("vaccine", "91"), ("antibody", "78")]


def test_the_duration_chart_marks_the_statutory_clock(client, world):
    client.force_login(world["users"]["manager"])
    html = client.get("/pathways/bottlenecks/?cluster=medtech").content.decode()
    # by gate: the largest value is the trial permit's p90 of 40 + 0.9 x (54 - 40) = 52.6 working days,
    # so the registration's clock of 50 is at x = 230 + 420 x 50 / 52.6 = 629.2
    gate_chart = html[html.index('class="chart chart-durations"', html.index("gate-chart-title")) :]
    assert 'data-key="dev/registration"' in gate_chart
    registration = gate_chart[gate_chart.index('data-key="dev/registration"') :]
    assert re.search(r'class="clock-mark" data-x="629.2"', registration[: registration.index("</g>")])
