"""The pipeline analysis kept per process and data version (``analysis.analysed_pipeline``), and the
working-day calendar extended by the ``PATHWAYS_CALENDAR`` setting."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from clusterworks.web.pathways import analysis, views_pages
from clusterworks.web.pathways.models import GateEvent
from tests.web.pathways.test_analysis import TODAY as PAGE_TODAY
from tests.web.pathways.test_analysis import build_world

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 2)


@pytest.fixture(autouse=True)
def kept_analyses():
    analysis.forget_analyses()
    with override_settings(PATHWAYS_ANALYSIS_CACHE=2):
        yield
    analysis.forget_analyses()


def test_a_second_request_gets_the_kept_analysis_with_one_query(django_assert_num_queries):
    world = build_world()
    first = analysis.analysed_pipeline(cluster=world["cluster"], today=TODAY)
    with django_assert_num_queries(1):  # the data version
        second = analysis.analysed_pipeline(cluster=world["cluster"], today=TODAY)
    assert second[0] is first[0] and second[1] is first[1]


def test_a_new_event_is_seen_at_once():
    world = build_world()
    pipeline, _result = analysis.analysed_pipeline(cluster=world["cluster"], today=TODAY)
    # the vaccine has no events yet (build_world)
    assert not [e for e in pipeline.events if e.product == "vaccine"]
    GateEvent.objects.create(
        product=world["products"]["vaccine"], gate=world["med"]["preclinical"], kind="submitted",
        date=dt.date(2025, 5, 5),
    )  # fmt: skip
    fresh, result = analysis.analysed_pipeline(cluster=world["cluster"], today=TODAY)
    assert fresh is not pipeline
    vaccine = [(e.gate, e.kind) for e in fresh.events if e.product == "vaccine"]
    assert vaccine == [("preclinical", "submitted")]
    # ... and it is in the analysis: the vaccine now waits at the preclinical gate since 5 May
    assert result.report.positions["vaccine"].gate == "preclinical"


def test_the_clocks_run_on_a_new_day():
    world = build_world()
    today, _ = analysis.analysed_pipeline(cluster=world["cluster"], today=TODAY)
    tomorrow, _ = analysis.analysed_pipeline(cluster=world["cluster"], today=TODAY + dt.timedelta(days=1))
    assert tomorrow is not today


def test_only_the_most_recently_used_clusters_are_kept():
    world = build_world()
    with override_settings(PATHWAYS_ANALYSIS_CACHE=1):
        mine, _ = analysis.analysed_pipeline(cluster=world["cluster"], today=TODAY)
        analysis.analysed_pipeline(cluster=world["other"], today=TODAY)
        again, _ = analysis.analysed_pipeline(cluster=world["cluster"], today=TODAY)
    assert again is not mine  # pushed out by the other cluster


def test_nothing_is_kept_when_the_setting_is_zero():
    world = build_world()
    with override_settings(PATHWAYS_ANALYSIS_CACHE=0):
        first, _ = analysis.analysed_pipeline(cluster=world["cluster"], today=TODAY)
        second, _ = analysis.analysed_pipeline(cluster=world["cluster"], today=TODAY)
    assert second is not first


def test_derived_values_are_kept_with_the_pipeline():
    world = build_world()
    pipeline, _ = analysis.analysed_pipeline(cluster=world["cluster"], today=TODAY)
    calls = []
    assert pipeline.memo("x", lambda: calls.append(1) or 42) == 42
    assert pipeline.memo("x", lambda: calls.append(1) or 43) == 42
    assert calls == [1]


# --- the calendar -----------------------------------------------------------------------------------


def test_the_calendar_setting_adds_days_off(tmp_path):
    # 3 June 2025 is a Tuesday, a working day in the bundled calendar (no holiday near it)
    day = dt.date(2025, 6, 3)
    assert analysis.working_calendar().is_working(day)
    extra = tmp_path / "decree.csv"
    extra.write_text("date,kind,source\n2025-06-03,holiday,illustrative decree\n", encoding="utf-8")
    with override_settings(PATHWAYS_CALENDAR=str(extra)):
        assert not analysis.working_calendar().is_working(day)
        assert [m for m in run_checks() if m.id.startswith("pathways.")] == []
    assert analysis.working_calendar().is_working(day)


def test_a_bad_calendar_file_is_reported_by_the_system_check(tmp_path):
    extra = tmp_path / "decree.csv"
    extra.write_text("date,kind\n2025-06-31,holiday\n2025-06-03,feast\n", encoding="utf-8")
    with override_settings(PATHWAYS_CALENDAR=str(extra)):
        messages = [m for m in run_checks() if m.id.startswith("pathways.")]
    assert [m.id for m in messages] == ["pathways.E002"]
    text = messages[0].msg
    # both problems, each with the file and line
    assert "decree.csv, line 2" in text and "2025-06-31" in text
    assert "decree.csv, line 3" in text and "feast" in text


def test_a_missing_calendar_file_is_reported_by_the_system_check(tmp_path):
    with override_settings(PATHWAYS_CALENDAR=str(tmp_path / "missing.csv")):
        messages = [m for m in run_checks() if m.id.startswith("pathways.")]
    assert [m.id for m in messages] == ["pathways.E001"]
    assert "missing.csv" in messages[0].msg


# --- the pages on kept analyses ---------------------------------------------------------------------


def _forecast_dates(html: str) -> list[tuple[str, str]]:
    return re.findall(r'data-p(10|50|90)="([\d-]+)"', html)


def test_the_forecast_is_the_same_from_the_peers_alone_and_from_the_kept_pipeline(client, monkeypatch):
    monkeypatch.setattr(views_pages, "_today", lambda: PAGE_TODAY)
    world = build_world()
    client.force_login(world["users"]["manager"])
    # no kept pipeline yet: the product page analyses the antibody's peers only
    alone = client.get("/pathways/products/antibody/").content.decode()
    assert analysis.kept_pipeline(cluster=world["cluster"], today=PAGE_TODAY) is None
    # the board keeps the whole pipeline; the product page then takes its history from it
    assert client.get("/pathways/?cluster=medtech").status_code == 200
    assert analysis.kept_pipeline(cluster=world["cluster"], today=PAGE_TODAY) is not None
    kept = client.get("/pathways/products/antibody/").content.decode()
    assert _forecast_dates(alone) and _forecast_dates(alone) == _forecast_dates(kept)


def test_the_board_shows_a_new_event_at_once(client, monkeypatch):
    monkeypatch.setattr(views_pages, "_today", lambda: PAGE_TODAY)
    world = build_world()
    client.force_login(world["users"]["manager"])
    before = client.get("/pathways/?cluster=medtech").content.decode()
    assert 'data-product="vaccine"' in before
    GateEvent.objects.create(
        product=world["products"]["vaccine"], gate=world["med"]["preclinical"], kind="submitted",
        date=dt.date(2025, 5, 5),
    )  # fmt: skip
    after = client.get("/pathways/?cluster=medtech").content.decode()
    # the vaccine's card: no longer waiting to submit since its start, but at the agency since 5 May
    old, new = (re.search(r'data-product="vaccine".*?</li>', html, re.S).group(0) for html in (before, after))
    assert "not yet submitted" in old and "not yet submitted" not in new
    assert f'data-days="{(PAGE_TODAY - dt.date(2025, 5, 5)).days}"' in new
