"""The observatory's pages on the demo data: who may see them, the values they show against the source
files (read here with the csv module), the downloads parsed back, the import and the deletion.

Sources: all_states_clusters.csv (U.S. Cluster Mapping Project, 2016) and global_exports.csv (OEC),
the same files the demo bundles; the shared copies are read when present."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusterworks.web.core.models import Task, TaskStatus
from clusterworks.web.core.roles import Role
from clusterworks.web.observatory.models import StatisticsDataset
from clusterworks.web.observatory.services import store
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[3] / "src" / "clusterworks" / "web" / "observatory" / "data"
US = "us-clusters-2016"
OEC = "oec-exports-sections"
STATE_CODES = {"Massachusetts": "US-MA", "California": "US-CA", "Texas": "US-TX", "Michigan": "US-MI"}


def _uscmp_rows() -> list[dict]:
    with gzip.open(DATA / "us_states_clusters_2016.csv.gz", "rt", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _lq_by_hand(rows: list[dict], state: str, cluster: str) -> float:
    """The USCMP location quotient from the file's emp_tl: the cluster's share of the state's traded
    (or local) employment over its share of the 50 states' traded (local) employment."""
    kind = next(r["traded_b"] for r in rows if r["cluster_code_t"] == cluster)
    same = [r for r in rows if r["traded_b"] == kind]
    own = next(
        float(r["emp_tl"]) for r in same if r["region_name_t"] == state and r["cluster_code_t"] == cluster
    )
    state_total = sum(float(r["emp_tl"]) for r in same if r["region_name_t"] == state)
    cluster_total = sum(float(r["emp_tl"]) for r in same if r["cluster_code_t"] == cluster)
    total = sum(float(r["emp_tl"]) for r in same)
    return (own / state_total) / (cluster_total / total)


@pytest.fixture
def viewer(client, db):
    client.force_login(user_with_role(Role.EXPERT))
    return client


@pytest.fixture
def analyst(client, db):
    client.force_login(user_with_role(Role.ANALYST))
    return client


def _pages():
    return [
        reverse("observatory-index"),
        reverse("observatory-dataset", args=[US]),
        reverse("observatory-map", args=[US]),
        reverse("observatory-map", args=[US]) + "?indicator=strong_share",
        reverse("observatory-map", args=[US]) + "?indicator=stars&activity=5",
        reverse("observatory-region", args=[US, "US-MA"]),
        reverse("observatory-activity", args=[US, "5"]),
        reverse("observatory-activity", args=[US, "101"]),
        reverse("observatory-dataset", args=[OEC]),
        reverse("observatory-map", args=[OEC]) + "?indicator=eci",
        reverse("observatory-complexity", args=[OEC]),
        reverse("observatory-region", args=[OEC, "asjpn"]),
        reverse("observatory-activity", args=[OEC, "16"]),
    ]


def test_every_page_renders_for_a_viewer_and_sends_the_anonymous_to_sign_in(datasets, viewer, client):
    for url in _pages():
        response = viewer.get(url)
        assert response.status_code == 200, url
    client.logout()
    for url in _pages():
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_import_and_delete_are_for_managers_only(datasets, viewer):
    assert viewer.get(reverse("observatory-import")).status_code == 403
    assert viewer.get(reverse("observatory-delete", args=[US])).status_code == 403
    assert viewer.post(reverse("observatory-delete", args=[US]), {"confirm": "on"}).status_code == 403
    assert StatisticsDataset.objects.filter(key=US).exists()


def test_map_lq_of_massachusetts_biopharma_is_the_published_one(datasets, viewer):
    row = next(
        r
        for r in _uscmp_rows()
        if r["region_name_t"] == "Massachusetts" and r["cluster_name_t"] == "Biopharmaceuticals"
    )
    response = viewer.get(
        reverse("observatory-map", args=[US]), {"indicator": "lq", "activity": row["cluster_code_t"]}
    )
    table = {r["code"]: r for r in response.context["rows"]}
    # the demo imports the file's lq_tf as its LQ (1.53756: its national base counts DC, which the
    # file lacks, so it cannot be recomputed from the 50 states; computed LQs: the import test below)
    assert table["US-MA"]["value"] == pytest.approx(float(row["lq_tf"]), rel=1e-12)
    larger = [
        r
        for r in _uscmp_rows()
        if r["cluster_code_t"] == row["cluster_code_t"] and float(r["lq_tf"]) > float(row["lq_tf"])
    ]
    assert table["US-MA"]["rank"] == len(larger) + 1  # competition rank among the file's 50 states
    svg = str(response.context["map"]["svg"])
    assert 'id="region-US-MA"' in svg and "Massachusetts: " in svg
    assert 'class="obs-region no-data"' in svg  # DC is on the map but not in the file
    assert "District of Columbia" in response.context["map"]["missing"]


def test_map_employment_equals_the_file(datasets, viewer):
    rows = [r for r in _uscmp_rows() if r["cluster_code_t"] == "5"]
    response = viewer.get(reverse("observatory-map", args=[US]), {"indicator": "employment", "activity": "5"})
    table = {r["name"]: r["value"] for r in response.context["rows"]}
    assert {r["region_name_t"]: float(r["emp_tl"]) for r in rows} == table  # emp_tl, every state


@pytest.mark.parametrize("state", list(STATE_CODES))
def test_region_profile_strong_clusters_are_the_published_strong_rows(datasets, viewer, state):
    expected = {
        r["cluster_code_t"] for r in _uscmp_rows() if r["region_name_t"] == state and r["strong_b"] == "TRUE"
    }
    response = viewer.get(reverse("observatory-region", args=[US, STATE_CODES[state]]))
    assert {r["code"] for r in response.context["strong"]} == expected  # the file's strong_b
    assert expected  # each of these states has strong clusters


def test_strong_flags_on_the_map_match_the_file_for_every_traded_row(datasets, viewer):
    rows = _uscmp_rows()
    mismatches = set()
    for code in sorted({r["cluster_code_t"] for r in rows if r["traded_b"] == "TRUE"}):
        response = viewer.get(
            reverse("observatory-map", args=[US]), {"indicator": "strong", "activity": code}
        )
        got = {r["name"]: r["value"] for r in response.context["rows"]}
        for r in rows:
            if r["cluster_code_t"] == code and got[r["region_name_t"]] != (r["strong_b"] == "TRUE"):
                mismatches.add((r["region_name_t"], code))
    # with the published LQ, every published strong_b (all 2,550 traded rows)
    assert mismatches == set()


def test_downloads_parse_back(datasets, viewer):
    url = reverse("observatory-map-download", args=[US, "csv"]) + "?indicator=lq&activity=5"
    response = viewer.get(url)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    assert len(table) == 50
    ma = next(r for r in table if r["region"] == "US-MA")
    lq = 1.53756  # lq_tf of Massachusetts / Biopharmaceuticals in the file
    assert float(ma["lq"]) == pytest.approx(lq, rel=1e-12)
    response = viewer.get(
        reverse("observatory-map-download", args=[US, "xlsx"]) + "?indicator=employment&activity=5"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][:3] == ("region", "name", "employment") and len(values) == 51
    assert {v[0]: v[2] for v in values[1:]}["US-MA"] == 9818  # emp_tl of MA / Biopharmaceuticals
    response = viewer.get(
        reverse("observatory-map-download", args=[US, "geojson"]) + "?indicator=lq&activity=5"
    )
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 50
    for feature in data["features"]:
        coords = [p for polygon in feature["geometry"]["coordinates"] for ring in polygon for p in ring]
        lons, lats = [p[0] for p in coords], [p[1] for p in coords]
        assert min(lons) >= -180 and max(lons) <= 180 and min(lats) >= 18 and max(lats) <= 72, feature["id"]
    ma = next(f for f in data["features"] if f["id"] == "US-MA")
    assert ma["properties"]["lq"] == pytest.approx(lq, rel=1e-12)
    assert -74 < ma["geometry"]["coordinates"][0][0][0][0] < -69  # Massachusetts lies at 70-73.5 W


def test_complexity_page_and_download_agree_with_analytics(datasets, viewer):
    import numpy as np

    from clusterworks.analytics.complexity import complexity

    with open(DATA.parent / "data" / "oec_global_exports_sections.csv.gz", "rb") as raw:
        rows = list(csv.DictReader(io.StringIO(gzip.decompress(raw.read()).decode("utf-8"))))
    countries = sorted({r["Country ID"] for r in rows})
    sections = sorted({r["Section ID"] for r in rows})
    X = np.zeros((len(countries), len(sections)))
    for r in rows:
        X[countries.index(r["Country ID"]), sections.index(r["Section ID"])] += float(r["Trade Value"])
    expected = complexity(X)
    response = viewer.get(reverse("observatory-complexity", args=[OEC]))
    got = {r["code"]: r["eci"] for r in response.context["locations"]}
    assert abs(got["asjpn"] - expected.eci[countries.index("asjpn")]) < 1e-9
    assert "<svg" in str(response.context["space"])
    response = viewer.get(reverse("observatory-complexity-download", args=[OEC, "activities", "csv"]))
    table = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(table) == 21  # HS sections in the file
    assert {r["activity"]: float(r["pci"]) for r in table}["16"] == pytest.approx(
        expected.pci[sections.index("16")]
    )


BAD = "st,cl,yr,emp,est\nUS-MA,5,2016,10,1\nUS-MA,5,2016,11,1\nUS-ZZ,5,2016,1,1\nUS-CA,5,2016,abc,1\n"


def _upload(analyst, text: str, key: str, **fields):
    return analyst.post(
        reverse("observatory-import"),
        {
            "file": SimpleUploadedFile("stats.csv", text.encode("utf-8"), content_type="text/csv"),
            "key": key,
            "title": "Test",
            "kind": "regional",
            "region_system": "iso3166-2:US",
            "columns": "region=st, activity=cl, year=yr, employment=emp, establishments=est",
            "suppressed": "missing",
            "attribution": "made up",
            **fields,
        },
    )


def test_import_of_a_bad_file_lists_every_problem_and_stores_nothing(analyst, tmp_store):
    response = _upload(analyst, BAD, "bad")
    task = Task.objects.latest("started_at")
    assert response.status_code == 302 and task.status == TaskStatus.FAILED
    assert len(task.problems) == 3  # duplicate line 3, unknown region line 4, not a number line 5
    assert any("line 3" in p and "line 2" in p for p in task.problems)
    # the store's check of the codes, with its suggestions (as `clusterworks map import` prints them)
    assert any("line 4" in p and "US-ZZ" in p and "close codes: US-AZ" in p for p in task.problems)
    assert any("line 5" in p and "“abc”" in p for p in task.problems)
    assert not StatisticsDataset.objects.filter(key="bad").exists()
    assert store.fact_count("bad") == 0


def test_import_then_delete(analyst, tmp_store):
    good = "st,cl,yr,emp,est\nUS-MA,5,2016,10,1\nUS-CA,5,2016,30,2\nUS-MA,7,2016,5,1\nUS-CA,7,2016,0,0\n"
    response = _upload(analyst, good, "good")
    assert response.status_code == 302
    dataset = StatisticsDataset.objects.get(key="good")
    assert (dataset.rows, dataset.regions, dataset.activities, dataset.years) == (4, 2, 2, [2016])
    assert store.fact_count("good") == 8  # 4 rows x 2 measures
    response = analyst.get(reverse("observatory-map", args=["good"]), {"indicator": "lq", "activity": "5"})
    table = {r["code"]: r["value"] for r in response.context["rows"]}
    # by hand: MA 10/15 over 40/45 = 0.75; CA 30/30 over 40/45 = 1.125
    assert table["US-MA"] == pytest.approx(0.75) and table["US-CA"] == pytest.approx(1.125)
    response = analyst.post(reverse("observatory-delete", args=["good"]), {"confirm": "on"})
    assert response.status_code == 302
    assert not StatisticsDataset.objects.filter(key="good").exists()
    assert store.fact_count("good") == 0


def test_complexity_page_lists_the_top_25_locations_and_all_on_request(datasets, viewer):
    url = reverse("observatory-complexity", args=[OEC])
    response = viewer.get(url)
    top = [r["code"] for r in response.context["locations"]]
    ranks = [r["rank"] for r in response.context["locations"]]
    assert len(top) == 25 and ranks[0] == 1 and ranks == sorted(ranks)  # by ECI rank (ties share one)
    assert response.context["location_count"] == 226  # countries in the OEC file
    assert len(response.context["activities"]) == 21  # every HS section
    assert 'href="?all=1"' in response.content.decode()
    response = viewer.get(url, {"all": "1"})
    assert len(response.context["locations"]) == 226 and 'href="?all=1"' not in response.content.decode()
    assert [r["code"] for r in response.context["locations"][:25]] == top  # the same first 25
    response = viewer.get(reverse("observatory-complexity-download", args=[OEC, "locations", "csv"]))
    table = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(table) == 226  # the download keeps the full table


def test_panels_are_kept_until_the_dataset_changes(datasets):
    from clusterworks.web.observatory.services import indicators as ind

    dataset = datasets[US]
    first = ind.panel(dataset)
    assert ind.panel(dataset) is first  # kept: no second store read
    dataset.sha256 = "0" * 64  # another file under the same key
    assert ind.panel(dataset) is not first


def test_region_names_follow_the_readers_language(datasets, viewer):
    # the register's names of the US states (its reference data: US-MA = «Массачусетс»)
    url = reverse("observatory-map", args=[US])
    response = viewer.get(url, {"indicator": "employment", "activity": "5"}, HTTP_ACCEPT_LANGUAGE="ru")
    names = {r["code"]: r["name"] for r in response.context["rows"]}
    assert names["US-MA"] == "Массачусетс"
    response = viewer.get(url, {"indicator": "employment", "activity": "5"}, HTTP_ACCEPT_LANGUAGE="en")
    assert {r["code"]: r["name"] for r in response.context["rows"]}["US-MA"] == "Massachusetts"


def test_a_russian_dataset_on_the_map_of_federal_subjects(analyst, tmp_store):
    # Three federal subjects, two OKVED2 sections (C manufacturing, J information and communication),
    # checked against the bundled iso3166-2:RU and okved classifications. LQ by hand: Moscow in J,
    # 300/400 of its employment over 400/1000 nationally = 1.875; Tatarstan in C, 250/250 over 600/1000
    # = 1.6667.
    text = (
        "subject,section,year,emp,est\n"
        "RU-MOW,C,2022,100,10\nRU-MOW,J,2022,300,40\n"
        "RU-SPE,C,2022,250,20\nRU-SPE,J,2022,100,15\n"
        "RU-TA,C,2022,250,30\n"
    )
    response = _upload(
        analyst, text, "ru-test", region_system="iso3166-2:RU", activity_system="okved",
        columns="region=subject, activity=section, year=year, employment=emp, establishments=est",
    )  # fmt: skip
    assert response.status_code == 302
    dataset = StatisticsDataset.objects.get(key="ru-test")
    assert dataset.country == "RU"
    response = analyst.get(
        reverse("observatory-map", args=["ru-test"]), {"indicator": "lq", "activity": "J"},
        HTTP_ACCEPT_LANGUAGE="ru",
    )  # fmt: skip
    rows = {r["code"]: r for r in response.context["rows"]}
    assert rows["RU-MOW"]["value"] == pytest.approx(1.875)
    assert rows["RU-MOW"]["name"] == "Москва"
    response = analyst.get(reverse("observatory-map", args=["ru-test"]), {"indicator": "lq", "activity": "C"})
    values = {r["code"]: r["value"] for r in response.context["rows"]}
    assert values["RU-TA"] == pytest.approx(250 / 250 / 0.6)
    svg = str(response.context["map"]["svg"])
    assert 'id="region-RU-TA"' in svg and 'id="region-RU-KAM"' in svg  # the whole country is drawn
    assert len(response.context["map"]["missing"]) == 80  # the other federal subjects: no data
