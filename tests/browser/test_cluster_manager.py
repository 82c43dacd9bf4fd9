"""A cluster manager signs in, registers a new organisation as a member, finds it on the cluster's
profile, and reads the profile in Russian; screenshots of the profile on a desktop and a phone are saved
in the data directory (CLUSTERWORKS_HOME) for a look."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from clusterworks.web.core.roles import Role
from clusterworks.web.registry.models import Membership, MembershipRole, Organisation
from tests.factories import ClusterFactory, MembershipFactory, OrganisationFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

VALID_INN = "7707083893"  # a 10-digit INN with a correct check digit


@pytest.fixture
def cluster():
    cluster = ClusterFactory(
        key="medtech",
        name_en="Moscow Medical Technologies Cluster",
        name_ru="Московский кластер медицинских технологий",
    )
    MembershipFactory(
        cluster=cluster,
        role=MembershipRole.COORDINATOR,
        organisation=OrganisationFactory(
            key="rnrmu", name_en="Pirogov Russian National Research Medical University", type="university"
        ),
    )
    for kind in ("research_institute", "company_sme", "company_sme", "authority"):
        MembershipFactory(cluster=cluster, organisation=OrganisationFactory(type=kind))
    user_with_role(Role.CLUSTER_MANAGER, cluster=cluster, username="manager")
    return cluster


def _sign_in(page, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_username", "manager")
    page.fill("#id_password", "correct horse battery")
    page.click("main button[type=submit]")


def test_manager_adds_a_new_organisation_and_reads_the_profile_in_russian(cluster, new_page):
    page = new_page(1280)
    _sign_in(page, "/clusters/medtech/")
    assert page.url.endswith("/clusters/medtech/")
    assert page.locator("h1").inner_text() == "Moscow Medical Technologies Cluster"
    # the stylesheet is served and applied: the header is the brand colour, not the browser's default
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
        == "rgb(31, 78, 140)"
    )

    page.click("text=Add member")
    form = page.locator("form:has(input[name=action][value=new])")
    form.locator("#id_name_ru").fill("Лаборатория нейротехнологий")
    form.locator("#id_name_en").fill("Neurotechnology Laboratory")
    form.locator("#id_type").select_option("company_sme")
    form.locator("#id_inn").fill(VALID_INN)
    form.locator("#id_region").select_option("RU-MOW")
    form.locator("#id_city").fill("Moscow")
    form.locator("#id_role").select_option("core")
    form.locator("#id_joined").fill("2024-02-15")
    form.locator("button[type=submit]").click()

    page.wait_for_url(re.compile(r"/clusters/medtech/$"))
    assert (
        "Neurotechnology Laboratory is now a member of the cluster (Core member)."
        in page.locator(".messages").inner_text()
    )
    organisation = Organisation.objects.get(inn=VALID_INN)
    assert "Neurotechnology Laboratory" in page.locator(f"#member-{organisation.key}").inner_text()
    membership = Membership.objects.get(cluster=cluster, organisation=organisation)
    assert (membership.role, str(membership.joined)) == ("core", "2024-02-15")
    # the triple-helix chart counts the new company: business = 2 + 1
    assert page.locator('.chart-helix g[data-sector="business"]').get_attribute("data-count") == "3"
    assert page.locator("#region-RU-MOW.is-highlighted").count() == 1

    page.screenshot(path=str(settings.HOME / "cluster-profile-1280.png"), full_page=True)

    page.click("button[name=language][value=ru]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("h1").inner_text() == "Московский кластер медицинских технологий"
    text = page.locator("main").inner_text()
    for russian in (
        "Участники",
        "Ядро кластера",
        "Лаборатория нейротехнологий",
        "Тройная спираль",
        "Расположение",
    ):
        assert russian in text, russian
    assert "Добавить участника" in text
    page.screenshot(path=str(settings.HOME / "cluster-profile-1280-ru.png"), full_page=True)


def test_the_profile_fits_a_phone(cluster, new_page):
    page = new_page(375, 812)
    _sign_in(page, "/clusters/medtech/")
    assert page.url.endswith("/clusters/medtech/")
    # nothing is wider than the screen: no sideways scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.locator(".map").bounding_box()["width"] <= 375
    page.screenshot(path=str(settings.HOME / "cluster-profile-375.png"), full_page=True)
