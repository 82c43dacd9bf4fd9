"""An analyst reads the observatory's map in a real browser: pointing at a state or focusing it with the
keyboard shows its name and value, and choosing another indicator shows the new map (the form submits
on change). The data: the demo's U.S. Cluster Mapping Project file (50 states x 67 clusters, 2016)."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.urls import reverse

from clusterworks.web.core.roles import Role
from tests.factories import user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "observatory-viewer-2026"


@pytest.fixture
def us_data(settings, tmp_path):
    from clusterworks.web.observatory.demo import import_demo_datasets

    settings.OBSERVATORY_STORE = tmp_path / "store.duckdb"
    user = user_with_role(Role.EXPERT, username="obsviewer")
    user.set_password(PASSWORD)
    user.save()
    import_demo_datasets(analyst=None)
    return user


def test_hover_and_focus_show_values_and_the_indicator_changes(us_data, new_page):
    page = new_page(1280)
    url = reverse("observatory-map", args=["us-clusters-2016"]) + "?indicator=lq&activity=5"
    page.goto(f"/accounts/login/?next={quote(url)}", timeout=60_000)
    page.fill("#id_username", "obsviewer")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/observatory/us-clusters-2016/map/\?indicator=lq&activity=5$"))
    readout = page.locator("#obs-readout")
    page.locator("#region-US-TX").hover()
    # LQ of Texas in Biopharmaceuticals as the map formats it (3 decimals)
    value = page.locator("#region-US-TX").get_attribute("data-value")
    assert re.fullmatch(r"\d+\.\d{3}", value)
    assert readout.inner_text() == f"Texas: {value}"
    page.locator("#region-US-MA").focus()
    assert readout.inner_text().startswith("Massachusetts: 1.538")  # lq_tf 1.53756 in the file
    # the colours the reader sees (computed, after every style sheet): MA's LQ 1.54 is in the class
    # 1.25-2 of the diverging scale, Wyoming's 0.650 (lq_tf 0.65015864) in the class 0.5-0.8
    fill = "el => getComputedStyle(el).fill"
    assert page.locator("#region-US-MA").evaluate(fill) == "rgb(244, 165, 130)"  # #f4a582
    assert page.locator("#region-US-WY").evaluate(fill) == "rgb(146, 197, 222)"  # #92c5de
    # choose employment: the page reloads with the new indicator and the map's values change
    page.select_option("#id_indicator", "employment")
    page.wait_for_url(re.compile(r"indicator=employment"))
    page.locator("#region-US-MA").focus()
    assert page.locator("#obs-readout").inner_text() == "Massachusetts: 9\u202f818"  # emp_tl in the file
    assert page.locator("h1").inner_text().startswith("Employment")
