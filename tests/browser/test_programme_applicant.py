"""The demo cluster's manager applies to next year's call in a real browser: opens the call, creates a
draft, fills in the budget grid with co-financing below the call's minimum and reads the check, fixes
it, submits, and reads the application's state and history in Russian. Then a commission member with a
conflict of interest on a decided application of the demo is refused it with the reason, and the
public results page lists the awards without a reviewer. Screenshots go to CLUSTERWORKS_HOME."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.conf import settings

from clusterworks.web.demo import build_demo
from clusterworks.web.programme.demo.build import NEXT_CALL_KEY
from clusterworks.web.programme.demo.content import CALL_KEY
from clusterworks.web.programme.models import Application, BudgetItem, Conflict, StateChange

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def demo():
    build_demo()


def _sign_in(page, user: str, password: str, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_username", user)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(re.escape(next_url) + r"$"))


def _shot(page, name: str) -> None:
    page.screenshot(path=str(settings.HOME / f"programme-{name}.png"), full_page=True)


def test_a_cluster_applies_checks_its_budget_and_submits(demo, new_page):
    page = new_page(1280)
    call_url = f"/programme/calls/{NEXT_CALL_KEY}/"
    _sign_in(page, "manager", "demo-manager-2026", call_url)
    page.click("main a.button:has-text('Apply')")
    page.wait_for_url(re.compile(r"/apply/$"))
    page.fill("#id_title", "Shared clinical-trials office of the Moscow medical cluster")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/programme/applications/[^/]+/"))
    number = re.search(r"/programme/applications/([^/]+)/", page.url).group(1)
    application = Application.objects.get(number=number)
    assert application.state == "draft" and application.cluster.key == "moscow-medtech"

    # the budget: 10 m federal and 0.2 m regional on one line: 0.2 / 10.2 = 1.96 % regional, below 5 %
    page.goto(f"/programme/applications/{number}/budget/")
    year = application.call.year
    page.fill(f"input[name='cluster-organisation__{year}__federal']", "10000000")
    page.fill(f"input[name='cluster-organisation__{year}__regional']", "200000")
    page.click("main button[value=check]")
    page.wait_for_load_state()
    assert "5" in page.locator("main").inner_text() and not BudgetItem.objects.filter(application=application)
    _shot(page, "budget-check")
    # 10 m federal and 1 m regional: 1 / 11 = 9.09 %, within 5-30 %
    page.fill(f"input[name='cluster-organisation__{year}__regional']", "1000000")
    page.click("main button[value=save]")
    page.wait_for_load_state()
    cell = BudgetItem.objects.get(application=application, line__key="cluster-organisation", year=year)
    assert (cell.federal, cell.regional) == (Decimal("10000000.00"), Decimal("1000000.00"))

    # a first attempt names every problem at once, and nothing changes
    page.goto(f"/programme/applications/{number}/")
    page.click("main button[data-transition=submit]")
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert "Describe the project in the summary." in text and "Choose the sector" in text
    application.refresh_from_db()
    assert application.state == "draft"
    # the form: the summary and the sector
    page.goto(f"/programme/applications/{number}/edit/")
    page.fill("#id_summary", "One office for the cluster's clinical trials: protocols, sites, contracts.")
    page.select_option("#id_sector", label="Biotechnology, pharmaceuticals and medical industry")
    page.click("main button[type=submit]:has-text('Save')")
    page.wait_for_load_state()
    page.goto(f"/programme/applications/{number}/")
    page.click("main button[data-transition=submit]")
    page.wait_for_load_state()
    application.refresh_from_db()
    assert application.state == "submitted", page.locator("main").inner_text()[:1500]
    assert StateChange.objects.filter(application=application, transition="submit").exists()
    # in Russian
    page.click("button:has-text('Русский')")
    page.wait_for_load_state()
    assert "Подана" in page.locator("main").inner_text()
    _shot(page, "submitted-ru")


def test_a_conflicted_member_is_refused_and_the_results_are_public(demo, new_page):
    conflict = Conflict.objects.filter(application__call__key=CALL_KEY, source="applicant").first()
    assert conflict is not None
    page = new_page(1280)
    url = conflict.application.get_absolute_url()
    # the demo's illustrative people cannot sign in; give the conflicted one a password for the test
    conflict.expert.set_password("conflicted-2026")
    conflict.expert.save()
    page.goto(f"/accounts/login/?next={url}")
    page.fill("#id_username", conflict.expert.username)
    page.fill("#id_password", "conflicted-2026")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert "conflict of interest" in text and conflict.application.title not in text
    _shot(page, "conflict-refused")
    # the public results: no sign-in needed, the awards, no reviewer
    context = page.context
    context.clear_cookies()
    page.goto(f"/programme/calls/{CALL_KEY}/results/")
    text = page.locator("main").inner_text()
    # the demo's adopted allocation spends the whole 2.5 bn envelope (test_demo_programme.py)
    assert "2,500,000,000.00" in text, text[:800]
    assert "Reviewer" not in text
    _shot(page, "results")
