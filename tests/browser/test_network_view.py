"""A cluster manager explores the cluster's network in a real browser: the interactive view draws every
organisation of the network, unticking a sector hides its organisations, clicking an organisation opens
its page, fingers move and pinch the drawing, and the Russian page names the organisations and the
sectors in Russian.

The network: 24 members of one cluster (8 universities, 8 research institutes, 8 SMEs) in 12 joint
projects of three members each, and 4 outside partners (large companies), each in a project with one
member: 28 organisations in all. A screenshot of the page is saved in the data directory
(CLUSTERWORKS_HOME).
"""

from __future__ import annotations

import datetime as dt
import math
import re

import pytest
from django.conf import settings
from django.urls import reverse

from clusterworks.web.core.roles import Role
from clusterworks.web.registry.models import JointProject, ProjectParticipation
from tests.factories import ClusterFactory, MembershipFactory, OrganisationFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TYPES = ("university", "research_institute", "company_sme")
PASSWORD = "network-manager-2026"


@pytest.fixture
def network():
    cluster = ClusterFactory(key="medtech", name_en="Medical Technologies", name_ru="Медицинские технологии")
    members = []
    for i in range(24):
        kind = TYPES[i % 3]
        organisation = OrganisationFactory(
            key=f"m{i:02d}", name_en=f"Member {i:02d}", name_ru=f"Участник {i:02d}", type=kind
        )
        MembershipFactory(cluster=cluster, organisation=organisation)
        members.append(organisation)
    for p in range(12):
        project = JointProject.objects.create(title=f"P{p}", start=dt.date(2018 + p % 6, 1, 1))
        for organisation in (members[p], members[(p + 5) % 24], members[(p + 13) % 24]):
            ProjectParticipation.objects.get_or_create(project=project, organisation=organisation)
    for q in range(4):
        partner = OrganisationFactory(
            key=f"x{q}", name_en=f"Partner {q}", name_ru=f"Партнёр {q}", type="company_large"
        )
        project = JointProject.objects.create(title=f"Q{q}", start=dt.date(2022, 1, 1))
        ProjectParticipation.objects.create(project=project, organisation=partner)
        ProjectParticipation.objects.create(project=project, organisation=members[q * 6])
    user = user_with_role(Role.CLUSTER_MANAGER, cluster=cluster, username="netmanager")
    user.set_password(PASSWORD)
    user.save()
    return cluster


def _sign_in(page, next_url: str) -> None:
    reverse("network-index")  # the URLs and every view module are imported here, not in the first request
    page.goto(f"/accounts/login/?next={next_url}", timeout=60_000)
    page.fill("#id_username", "netmanager")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(re.escape(next_url) + "$"))


def _point_at(page, view, key: str) -> dict:
    """Move the mouse onto organisation ``key`` of the view (scrolled into sight first)."""
    view.locator("canvas").scroll_into_view_if_needed()
    page.wait_for_timeout(100)  # let a resize after the scroll settle
    position = page.evaluate(f"window.clusterworksNetwork.position('{key}')")
    assert position is not None
    page.mouse.move(position["x"] - 20, position["y"] - 20)
    page.mouse.move(position["x"], position["y"], steps=4)
    return position


def _view(page):
    view = page.locator("section.network-view")
    view.locator("xpath=.").wait_for()
    page.wait_for_selector('section.network-view[data-ready="1"]')
    return view


def test_the_manager_explores_the_network(network, new_page):
    page = new_page(1280)
    _sign_in(page, "/network/clusters/medtech/")
    view = _view(page)
    # every organisation is shown: 24 members and 4 partners
    assert view.get_attribute("data-shown") == "28"
    page.wait_for_function("document.querySelector('section.network-view').dataset.drawn === '28'")
    assert "28 of 28 organisations shown" in view.locator("[data-status]").inner_text()
    page.screenshot(path=str(settings.HOME / "network-cluster-1280.png"), full_page=True)

    # hide the business sector: the 8 SMEs and the 4 large companies go
    view.locator('input[data-control="helix"][value="business"]').uncheck()
    page.wait_for_function("document.querySelector('section.network-view').dataset.shown === '16'")
    assert view.get_attribute("data-shown") == "16"
    # filter by type: research institutes only among the shown
    view.locator('input[data-control="helix"][value="business"]').check()
    view.locator('select[data-control="type"]').select_option("research_institute")
    page.wait_for_function("document.querySelector('section.network-view').dataset.shown === '8'")
    view.locator('select[data-control="type"]').select_option("")
    page.wait_for_function("document.querySelector('section.network-view').dataset.shown === '28'")

    # colour by community: the legend names communities
    view.locator('select[data-control="colour"]').select_option("community")
    assert "Community 1" in view.locator("[data-legend]").inner_text()

    # the search finds an organisation
    view.locator('input[data-control="search"]').fill("Member 07")
    assert view.get_attribute("data-found") == "m07"

    # pointing at an organisation shows its measures; clicking it opens its page
    position = _point_at(page, view, "m07")
    tooltip = view.locator(".graph-tooltip")
    tooltip.wait_for(state="visible")
    assert "Member 07" in tooltip.inner_text() and "Partners" in tooltip.inner_text()
    page.mouse.click(position["x"], position["y"])
    page.wait_for_url(re.compile(r"/organisations/m07/$"))
    assert page.locator("h1").inner_text() == "Member 07"


def _touch(page, kind: str, finger: int, x: float, y: float) -> None:
    """A touch pointer event ``kind`` of finger ``finger`` at window point (x, y) on the view's canvas."""
    page.locator("section.network-view canvas").dispatch_event(
        kind,
        {"pointerId": finger, "pointerType": "touch", "isPrimary": finger == 1, "clientX": x, "clientY": y,
         "bubbles": True, "cancelable": True},
    )  # fmt: skip


def _transform(page) -> dict:
    """The first view's scale and offset (a world point p is drawn at p * scale + (tx, ty) in the
    canvas) and the canvas's place in the window."""
    return page.evaluate(
        """() => {
            const view = window.clusterworksNetwork.views[0], rect = view.canvas.getBoundingClientRect();
            return {scale: view.scale, tx: view.tx, ty: view.ty, left: rect.left, top: rect.top,
                    width: rect.width, height: rect.height};
        }"""
    )


def test_fingers_move_and_pinch_the_drawing(network, new_page):
    page = new_page(1280)
    _sign_in(page, "/network/clusters/medtech/")
    view = _view(page)
    view.locator("canvas").scroll_into_view_if_needed()
    page.wait_for_timeout(100)  # let a resize after the scroll settle
    before = _transform(page)
    mx, my = before["left"] + before["width"] / 2, before["top"] + before["height"] / 2

    # two fingers 80 px apart around the canvas's middle spread to (-100, -30) and (+100, +30) from it
    _touch(page, "pointerdown", 1, mx - 40, my)
    _touch(page, "pointerdown", 2, mx + 40, my)
    _touch(page, "pointermove", 1, mx - 100, my - 30)
    _touch(page, "pointermove", 2, mx + 100, my + 30)
    _touch(page, "pointerup", 1, mx - 100, my - 30)
    _touch(page, "pointerup", 2, mx + 100, my + 30)
    after = _transform(page)
    # the drawing scales by the ratio of the fingers' distances, hypot(200, 60) / 80 (about 2.61) ...
    assert after["scale"] == pytest.approx(before["scale"] * math.hypot(200, 60) / 80)
    # ... around their midpoint, which stayed at the middle: the world point drawn there is the same
    middle = (mx - before["left"], my - before["top"])
    for axis, offset in ((0, "tx"), (1, "ty")):
        world_before = (middle[axis] - before[offset]) / before["scale"]
        world_after = (middle[axis] - after[offset]) / after["scale"]
        assert world_after == pytest.approx(world_before, abs=1e-6)

    # one finger drags the drawing by its way (30 right, 20 up) and leaves the scale, and the page, alone
    _touch(page, "pointerdown", 3, mx, my)
    _touch(page, "pointermove", 3, mx + 15, my - 10)
    _touch(page, "pointermove", 3, mx + 30, my - 20)
    _touch(page, "pointerup", 3, mx + 30, my - 20)
    dragged = _transform(page)
    assert dragged["scale"] == after["scale"]
    assert (dragged["tx"], dragged["ty"]) == pytest.approx((after["tx"] + 30, after["ty"] - 20))
    assert page.url.endswith("/network/clusters/medtech/")

    # a tap on an organisation opens its page, as a click does
    position = page.evaluate("window.clusterworksNetwork.position('m07')")
    _touch(page, "pointerdown", 4, position["x"], position["y"])
    _touch(page, "pointerup", 4, position["x"], position["y"])
    page.wait_for_url(re.compile(r"/organisations/m07/$"))


def test_the_russian_page_names_organisations_in_russian(network, new_page):
    page = new_page(1280)
    _sign_in(page, "/network/clusters/medtech/")
    page.click('.language-switch button[value="ru"]')
    page.wait_for_url(re.compile(r"/network/clusters/medtech/$"))
    view = _view(page)
    assert page.locator("html").get_attribute("lang") == "ru"
    legend = view.locator("[data-legend]").inner_text()
    assert "Университеты" in legend and "Бизнес" in legend
    _point_at(page, view, "x1")
    tooltip = view.locator(".graph-tooltip")
    tooltip.wait_for(state="visible")
    assert "Партнёр 1" in tooltip.inner_text()
    # the table under the view too
    assert "Участник 00" in page.locator("table.measures").inner_text()


def test_the_analyst_opens_a_datasets_network(new_page):
    import io

    from clusterworks.web.network.services.datasets import dataset_import

    analyst = user_with_role(Role.ANALYST, username="netanalyst")
    analyst.set_password(PASSWORD)
    analyst.save()
    # project 1: three organisations, project 2: two of them with a fourth; 555555555 alone
    content = (
        b"rcn,pic,start_year,type\n1,111111111,2015,HES\n1,222222222,2015,PRC\n1,333333333,2015,REC\n"
        b"2,222222222,2016,PRC\n2,444444444,2016,PUB\n3,555555555,2017,OTH\n"
    )
    columns = "project=rcn,organisation=pic,year=start_year,type=type"
    dataset_import(
        user=analyst,
        source=io.BytesIO(content),
        file_name="small.csv",
        key="small",
        title="Small",
        columns=columns,
    )
    page = new_page(1280)
    reverse("network-index")
    page.goto("/accounts/login/?next=/network/datasets/small/", timeout=60_000)
    page.fill("#id_username", "netanalyst")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/network/datasets/small/$"))
    view = _view(page)
    assert view.get_attribute("data-shown") == "5"
    # ties from 2016 on: only 222-444 is drawn, all five organisations stay
    view.locator('input[data-control="year-from"]').fill("2016")
    page.wait_for_function("document.querySelector('section.network-view').dataset.shown === '5'")
    page.screenshot(path=str(settings.HOME / "network-dataset-1280.png"), full_page=True)
    position = _point_at(page, view, "444444444")
    page.mouse.click(position["x"], position["y"])
    page.wait_for_url(re.compile(r"/network/datasets/small/organisations/444444444/$"))
    assert page.locator("h1").inner_text() == "444444444"
