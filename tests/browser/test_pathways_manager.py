"""The demo's cluster manager steers a product through its gates in a real browser: opens the pipeline
board, opens a product waiting at Roszdravnadzor, reads its Gantt timeline with the statutory clock's
end, records the agency's query and the answer through the forms and sees the clock's end move by the
working days the clock stood still; then escalates a barrier from the register and reads the pages in
Russian. Screenshots are saved in the data directory (CLUSTERWORKS_HOME). Then a test checks that the
tables the migrations seeded are still full after it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.utils import timezone

from clusterworks.analytics.pathways import russian_calendar
from clusterworks.web.demo import build_demo
from clusterworks.web.pathways import reference
from clusterworks.web.pathways.models import Agency, Barrier, Gate, GateCatalogue, GateEvent, Product
from clusterworks.web.registry.models import Competence, Region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PRODUCT = "rehab-glove"  # submitted for registration on Tuesday 13 October 2026, no event since
GATE = "device-registration"
# the agency's query and the answer, both in the past whenever the test runs
QUERY, ANSWER = dt.date(2026, 10, 19), dt.date(2026, 11, 2)
BARRIER = "No accredited laboratory in Moscow for toxicological studies of implantable sensors"
DNPP = "Department of Science, Industrial Policy and Entrepreneurship of the City of Moscow"


@pytest.fixture
def demo():
    build_demo()


def _sign_in(page, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_username", "manager")
    page.fill("#id_password", "demo-manager-2026")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(re.escape(next_url.split("?")[0]) + r"(\?.*)?$"))


def _clock_end(page) -> tuple[dt.date, float]:
    """The date and x of the statutory clock's end drawn on the registration row of the timeline (the
    x is on the page's time scale, which ends a month after the latest date shown)."""
    marker = page.locator(f'svg.chart-timeline g.gate-row[data-gate="{GATE}"] path.clock-end')
    assert marker.count() == 1
    return dt.date.fromisoformat(marker.get_attribute("data-date")), float(marker.get_attribute("data-x"))


def _record(page, product: Product, kind: str, day: dt.date, note: str = "") -> None:
    page.click("main .actions a:has-text('Record a gate event')")
    page.wait_for_url(re.compile(r"/events/_new/$"))
    gate = product.catalogue.gates.get(key=GATE)
    page.select_option("#id_gate", str(gate.pk))
    page.select_option("#id_kind", kind)
    page.fill("#id_date", day.isoformat())
    if note:
        page.fill("#id_note", note)
    page.click("form.records-event-form button[type=submit]")
    page.wait_for_url(re.compile(rf"/pathways/products/{PRODUCT}/$"))


def test_the_manager_records_a_query_and_escalates_a_barrier(demo, new_page):
    product = Product.objects.get(key=PRODUCT)
    submitted = GateEvent.objects.get(product=product, gate__key=GATE, kind="submitted").date
    assert submitted == dt.date(2026, 10, 13)
    assert not GateEvent.objects.filter(product=product, gate__key=GATE).exclude(kind="submitted").exists()
    calendar = russian_calendar()

    page = new_page(1280)
    _sign_in(page, "/pathways/?cluster=moscow-medtech")
    assert page.locator("h1").inner_text() == "Pipeline board"
    # the board: the glove waits at Roszdravnadzor, in the registration column, for more than 30 days
    card = page.locator(f'.board-column[data-stage="registration"] .product-card[data-product="{PRODUCT}"]')
    assert card.count() == 1
    days = int(card.locator("[data-days]").get_attribute("data-days"))
    assert days == (timezone.localdate() - submitted).days >= 30  # stuck: open for 30 days or more
    assert "Roszdravnadzor" in card.inner_text()
    page.screenshot(path=str(settings.HOME / "pathways-board-1280.png"), full_page=True)

    card.locator("h3 a").click()
    page.wait_for_url(re.compile(rf"/pathways/products/{PRODUCT}/$"))
    assert page.locator("h1").inner_text() == product.name_en
    # the Gantt timeline: one row per gate of the catalogue, the open attempt, the clock's end on the
    # 50th working day after the submission (hand-counted in tests/web/pathways/test_demo_pathways.py:
    # Wednesday 23 December 2026)
    rows = page.locator("svg.chart-timeline g.gate-row")
    # class 1 under Resolution 1684: no inspection of production
    assert [rows.nth(i).get_attribute("data-gate") for i in range(rows.count())] == [
        "technical-tests",
        "toxicology",
        "device-clinical-trials",
        "device-registration",
        "market-launch",
    ]
    assert page.locator(f'g.gate-row[data-gate="{GATE}"] g.attempt.is-open').count() == 1
    due, _ = _clock_end(page)
    assert due == dt.date(2026, 12, 23) == calendar.add_working_days(submitted, 50)
    page.screenshot(path=str(settings.HOME / "pathways-product-1280.png"), full_page=True)

    # the agency's query stops the clock: while it is open, the end moves later every day
    _record(page, product, "query", QUERY, note="Query: the instructions for use lack contraindications.")
    assert "Recorded at" in page.locator(".messages").inner_text()
    assert page.locator(f'g.gate-row[data-gate="{GATE}"] rect.query').count() == 1
    while_open, _ = _clock_end(page)
    assert while_open > due

    # the answer restarts it: the end moves by the working days in (query, answer] -- 20-23 October (4),
    # 26-30 October (5) and Monday 2 November (1): 10 working days
    _record(page, product, "answered", ANSWER)
    stopped = calendar.working_days(QUERY, ANSWER)
    assert stopped == 10
    moved, _ = _clock_end(page)
    assert moved == calendar.add_working_days(due, stopped)
    hatch = page.locator(f'g.gate-row[data-gate="{GATE}"] rect.query')
    assert (hatch.get_attribute("data-from"), hatch.get_attribute("data-to")) == (
        QUERY.isoformat(),
        ANSWER.isoformat(),
    )
    assert list(
        GateEvent.objects.filter(product=product, gate__key=GATE).order_by("date").values_list("kind", "date")
    ) == [("submitted", submitted), ("query", QUERY), ("answered", ANSWER)]
    page.screenshot(path=str(settings.HOME / "pathways-product-answered-1280.png"), full_page=True)

    # the barrier register: escalate the open barrier of the toxicology laboratories
    page.click("nav.pathways-crumbs a")  # back to the board, whose tabs lead to the register
    page.click("nav.pathways-tabs a:has-text('Barriers')")
    page.wait_for_url(re.compile(r"/pathways/barriers/"))
    page.click(f"table a:has-text('{BARRIER}')")
    page.wait_for_url(re.compile(r"/pathways/barriers/\d+/$"))
    page.click("main .actions a:has-text('Escalate')")
    page.wait_for_url(re.compile(r"/escalate/$"))
    today = timezone.localdate()
    page.fill("#id_to", DNPP)
    page.fill("#id_on", today.isoformat())
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/pathways/barriers/\d+/$"))
    barrier = Barrier.objects.get(title=BARRIER)
    assert (barrier.status, barrier.escalated_to, barrier.escalated_on) == ("escalated", DNPP, today)
    assert "Escalated" in page.locator(".page-head .subtitle").inner_text()
    assert DNPP in page.locator("main").inner_text()
    page.screenshot(path=str(settings.HOME / "pathways-barrier-1280.png"), full_page=True)

    # in Russian: the status, the product's Russian name
    page.click("button[name=language][value=ru]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ru"
    assert "Передан на рассмотрение" in page.locator(".page-head .subtitle").inner_text()
    page.goto(f"/pathways/products/{PRODUCT}/")
    assert page.locator("h1").inner_text() == product.name_ru
    assert page.locator("svg.chart-timeline").count() == 1
    page.screenshot(path=str(settings.HOME / "pathways-product-1280-ru.png"), full_page=True)


@pytest.mark.django_db(transaction=True)  # no serialized_rollback: it sees what the test before left
def test_the_seeded_tables_are_there_after_a_browser_test():
    """Run after the test above (same module, so pytest-django keeps the order): Django empties every
    table after a transactional test; tests/browser/conftest.py puts back what the migrations seeded,
    so a later test still finds the gate catalogues (pathways 0002) and the registry's regions and
    competences (registry 0002). Without it all five counts are 0."""
    # the seed files as the migrations read them (src/clusterworks/web/pathways/data/*.csv)
    assert GateCatalogue.objects.count() == len(reference.read_csv("catalogues.csv"))
    assert Gate.objects.count() == len(reference.read_csv("gates.csv"))
    assert Agency.objects.count() == len(reference.read_csv("agencies.csv"))
    assert Region.objects.exists() and Competence.objects.exists()
    assert not Product.objects.exists()  # and nothing the demo built
