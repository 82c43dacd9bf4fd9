"""The cluster's manager reads the demo's technology roadmap and priorities in a real browser: the gaps
marked on the roadmap are the nodes whose competences no current member holds (recomputed here from the
registry), a chosen chain is highlighted, the what-if weights re-rank the candidates without saving, and
the roadmap reads in Russian. Screenshots are saved in the data directory (CLUSTERWORKS_HOME)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from clusterworks.web.demo import build_demo
from clusterworks.web.foresight.models import PriorityExercise, Roadmap
from clusterworks.web.foresight.priorities import exercise_analysis
from clusterworks.web.registry.models import Membership, Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROADMAP = "moscow-medtech-roadmap-2027-2035"
EXERCISE = "moscow-medtech-priorities-2027-2035"


@pytest.fixture
def demo():
    build_demo()


def _sign_in(page, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_username", "manager")
    page.fill("#id_password", "demo-manager-2026")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(re.escape(next_url.split("?")[0]) + "$"))


def _gap_nodes(roadmap: Roadmap) -> set[str]:
    """Nodes needing a competence that no current member of the roadmap's cluster holds."""
    members = Membership.objects.filter(cluster=roadmap.cluster, left__isnull=True).values("organisation")
    held = set(
        Organisation.competences.through.objects.filter(organisation__in=members).values_list(
            "competence__code", flat=True
        )
    )
    return {
        node.key
        for node in roadmap.nodes.prefetch_related("competences")
        if any(c.code not in held for c in node.competences.all())
    }


def test_the_roadmap_marks_the_gaps_and_highlights_a_chain(demo, new_page):
    roadmap = Roadmap.objects.get(key=ROADMAP)
    expected_gaps = _gap_nodes(roadmap)
    assert expected_gaps, "the demo roadmap has gaps"

    page = new_page()
    _sign_in(page, f"/foresight/roadmaps/{ROADMAP}/")
    chart = page.locator("svg .rm-node")
    assert chart.count() == roadmap.nodes.count()
    marked = set(page.locator("svg .rm-node.is-gap").evaluate_all("nodes => nodes.map(n => n.dataset.node)"))
    assert marked == expected_gaps
    assert page.locator("svg .rm-gap-marker").count() == len(expected_gaps)
    # the partners that together close the gaps are organisations outside the cluster
    cover = page.locator("ol.cover li")
    assert cover.count() >= 1

    page.locator(".chain-list li a").nth(1).click()
    page.wait_for_url(re.compile(r"\?chain=2$"))
    assert page.locator(".chain-list li.is-selected").count() == 1
    on_chain = page.locator("svg .rm-node.is-chain").count()
    assert 2 <= on_chain < roadmap.nodes.count()
    assert page.locator("svg .rm-node.is-dimmed").count() == roadmap.nodes.count() - on_chain
    page.screenshot(path=str(settings.HOME / "foresight-roadmap-chain.png"), full_page=True)

    page.locator("form.language-switch button[value=ru]").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == roadmap.title_ru
    assert page.locator("h2#chains-title").inner_text() == "Технологические цепочки"


def test_what_if_weights_re_rank_without_saving(demo, new_page):
    exercise = PriorityExercise.objects.get(key=EXERCISE)
    saved = {c.key: c.weight for c in exercise.criteria.all()}
    # everything on the first criterion: the ranking the service computes for those weights
    first = next(iter(saved))
    weights = {key: (1.0 if key == first else 0.0) for key in saved}
    analysis = exercise_analysis(exercise=exercise, weights=weights, detail=False)
    expected = [row.candidate.key for row in analysis.rows]

    page = new_page()
    _sign_in(page, f"/foresight/priorities/{EXERCISE}/")
    for key, weight in weights.items():
        page.fill(f"input[name=w-{key}]", str(weight))
    page.get_by_role("button", name="Re-rank").click()
    page.wait_for_load_state()
    assert f"w-{first}=1" in page.url
    shown = page.locator("table.ranking tbody tr").evaluate_all("rows => rows.map(r => r.dataset.candidate)")
    assert shown == expected
    assert page.locator(".rank-up, .rank-down").count() >= 1
    page.screenshot(path=str(settings.HOME / "foresight-priorities-what-if.png"), full_page=True)
    # nothing was saved
    assert {c.key: c.weight for c in exercise.criteria.all()} == saved
