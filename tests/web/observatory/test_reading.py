"""The observatory on the statistics store: the column mapping of the import form, the one translation
of store region codes (FIPS) to the maps' ISO 3166-2 codes, an import through the page that the store
refuses with its own problem (an unknown US cluster code with close codes), and a region's trend over a
three-year file written here (expected values by hand from its rows)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusterworks.statistics import Store
from clusterworks.web.core.models import Task, TaskStatus
from clusterworks.web.core.roles import Role
from clusterworks.web.observatory.models import StatisticsDataset
from clusterworks.web.observatory.services import store
from clusterworks.web.observatory.services.datasets import parse_columns
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(client, db):
    client.force_login(user_with_role(Role.ANALYST))
    return client


def _upload(analyst, text: str, key: str, **fields):
    return analyst.post(
        reverse("observatory-import"),
        {
            "file": SimpleUploadedFile("trend.csv", text.encode("utf-8"), content_type="text/csv"),
            "key": key,
            "title": key,
            "kind": "regional",
            "region_system": "us-state",
            "activity_system": "uscmp-cluster",
            "columns": "region=st, activity=cl, year=yr, employment=emp, establishments=est",
            "suppressed": "missing",
            "attribution": "made up",
            **fields,
        },
    )


def test_column_mapping_is_the_cli_one():
    assert parse_columns("region=st, activity=cl, year=yr, employment=emp, flag=f") == {
        "region": "st",
        "activity": "cl",
        "year": "yr",
        "employment": "emp",
        "flag": "f",
    }
    assert parse_columns("region=a\nactivity=b\nyear=y\nmeasure=m\nvalue=v")["value"] == "v"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("region=a, activity=b, year=y", "names no measure"),
        ("region=a, employment=e, year=y", "'activity' is required"),
        ("region=a, activity=b, employment=e", "'year' is required"),
        ("region=a, activity=b, colour=c, year=y, employment=e", "unknown field 'colour'"),
        ("region=a, activity=b, year=y, lq=l", "unknown field 'lq'"),
        ("region a, activity=b", "'region a' is not field=column"),
        ("region=a, region=b, activity=c, year=y, employment=e", "field 'region' is given twice"),
    ],
)
def test_bad_column_mappings_are_refused(text, message):
    with pytest.raises(ValueError, match=message):
        parse_columns(text)


def test_fips_codes_become_iso_codes_in_one_place():
    with Store.open() as db:  # the bundled classifications of a new store
        codes = store.map_codes(db, "us-state", "2020")
        assert len(codes) == 51  # 50 states + DC (regions_us_states.csv)
        assert codes["25"] == "US-MA" and codes["11"] == "US-DC" and codes["06"] == "US-CA"
        assert codes["46"] == "US-SD"  # SU-SD in the bundled file, corrected for the map
        iso = store.map_codes(db, "iso3166-2:RU", "2008")
        assert iso["RU-MOW"] == "RU-MOW" and len(iso) == 83  # regions_ru_subjects.csv
        assert store.map_codes(db, "uscmp-cluster", "2016") == {}  # no crosswalk to ISO 3166-2
        assert store.map_codes(db, None, None) == {}


def test_demo_facts_are_stored_by_fips_and_shown_by_iso(datasets, client):
    client.force_login(user_with_role(Role.EXPERT))
    with store.open_store() as db:
        assert "25" in db.regions("us-clusters-2016") and "US-MA" not in db.regions("us-clusters-2016")
    response = client.get(reverse("observatory-region", args=["us-clusters-2016", "US-MA"]))
    assert response.status_code == 200 and response.context["name"] == "Massachusetts"
    # the names and the traded/local group come from the store's uscmp-cluster classification
    panel = response.context["panel"]
    assert panel.activity_name("5") == "Biopharmaceuticals" and panel.activity_labels["101"].group == "local"
    assert int(panel.traded.sum()) == 51  # 51 traded + 16 local clusters (uscmp_clusters.csv)


def test_an_unknown_cluster_code_is_refused_with_the_store_suggestion(analyst, tmp_store):
    text = "st,cl,yr,emp,est\n25,5,2016,10,1\n25,1010,2016,3,1\n06,5,2016,4,1\n"
    response = _upload(analyst, text, "unknown-code")
    task = Task.objects.latest("started_at")
    assert response.status_code == 302 and task.status == TaskStatus.FAILED
    assert len(task.problems) == 1
    # the store's own check (statistics.reading._check_codes): line 3, the cluster column, close codes
    assert "line 3" in task.problems[0] and "“1010”" in task.problems[0]
    assert "unknown uscmp-cluster 2016 code; close codes: 101" in task.problems[0]
    assert not StatisticsDataset.objects.filter(key="unknown-code").exists()
    assert store.fact_count("unknown-code") == 0


# Three years, two traded clusters (5 Biopharmaceuticals, 1 Aerospace) and one local (101), four states
# (FIPS 25 MA, 06 CA, 48 TX, 36 NY); establishments = employment // 10 + 1. MA's employment by year:
# 2014 10+40+50 = 100; 2015 60+40+50 = 150; 2016 90+60+50 = 200.
TREND = "st,cl,yr,emp,est\n" + "".join(
    f"{st},{cl},{yr},{emp},{est}\n"
    for yr, rows in {
        2014: [("25", 10, 40), ("06", 50, 40), ("48", 50, 40), ("36", 50, 40)],
        2015: [("25", 60, 40), ("06", 20, 40), ("48", 20, 40), ("36", 20, 40)],
        2016: [("25", 90, 60), ("06", 10, 40), ("48", 10, 40), ("36", 10, 40)],
    }.items()
    for st, bio, aero in rows
    for cl, emp in (("5", bio), ("1", aero), ("101", 50))
    for est in (emp // 10 + 1,)
)


def test_region_trend_chart_of_a_three_year_file(analyst, tmp_store):
    assert _upload(analyst, TREND, "trend").status_code == 302
    dataset = StatisticsDataset.objects.get(key="trend")
    assert dataset.years == [2014, 2015, 2016] and dataset.regions == 4 and dataset.activities == 3
    response = analyst.get(reverse("observatory-region", args=["trend", "US-MA"]))
    trend = response.context["trend"]
    assert [(r["year"], r["value"]) for r in trend] == [(2014, 100), (2015, 150), (2016, 200)]  # by hand
    # growth per year since 2014: (150/100)^(1/1) - 1 = 0.5; (200/100)^(1/2) - 1 = 0.41421
    assert trend[1]["cagr"] == pytest.approx(0.5) and trend[2]["cagr"] == pytest.approx(2**0.5 - 1)
    # strong-cluster share of MA's traded employment (USCMP rule, quantiles over the four states by
    # linear interpolation: strong = LQ >= L75 and LQ >= 1 and emp > E25 and est > N25):
    # 2014: biopharma emp 10 is not above E25 of (10, 50, 50, 50) = 40; aerospace 40 is not above
    #       E25 of (40, 40, 40, 40) = 40: no strong cluster, share 0.
    # 2015: biopharma LQ (60/100) / (120/280) = 1.4 >= L75 0.933 (others 0.778), emp 60 > 20,
    #       est 7 > 3: strong; aerospace as in 2014: share 60/100 = 0.6.
    # 2016: biopharma LQ (90/150) / (120/300) = 1.5 >= L75 0.75, emp 90 > 10, est 10 > 2: strong;
    #       aerospace LQ (60/150) / (180/300) = 0.667 < 1: share 90/150 = 0.6.
    shares = [r["strong_share"] for r in trend]
    assert shares == [0, pytest.approx(0.6), pytest.approx(0.6)]
    charts = [str(c) for c in response.context["trend_charts"]]
    assert len(charts) == 2  # employment; strong-cluster share
    assert "2014" in charts[0] and "2016" in charts[0] and charts[0].count("<circle") == 3
    assert "60.0 %" in charts[1] and "0.0 %" in charts[1]  # the shares as percentages, one decimal
    # one year: no trend
    one = "st,cl,yr,emp,est\n25,5,2016,10,1\n06,5,2016,4,1\n"
    assert _upload(analyst, one, "one-year").status_code == 302
    response = analyst.get(reverse("observatory-region", args=["one-year", "US-MA"]))
    assert response.context["trend"] == [] and response.context["trend_charts"] == []
