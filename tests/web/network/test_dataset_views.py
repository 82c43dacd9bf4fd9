"""The dataset pages: who may see, import and delete datasets; an import through the page end to end (a
background task, run in the test); a bad file's report by file, line and column with nothing stored; a
dataset's network, its organisations' ego networks and the downloads.

The small file (CORDIS columns):

* project 1 (2015): 111111111 (HES), 222222222 (PRC), 333333333 (REC)  -> ties 1-2, 1-3, 2-3
* project 2 (2016): 222222222, 444444444 (PUB)                         -> tie 2-4
* project 3 (2017): 555555555 (OTH) alone                              -> no tie

Expected values are worked out by hand from these rows, as said next to each.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clusterworks.web.core import permissions
from clusterworks.web.core.models import Task, TaskStatus
from clusterworks.web.core.roles import Role
from clusterworks.web.network import views_datasets
from clusterworks.web.network.models import DatasetParticipation, ParticipationDataset
from clusterworks.web.network.services import analysis as an
from clusterworks.web.network.services import datasets as dataset_service
from clusterworks.web.network.services import recommend
from tests.factories import ClusterFactory, OrganisationFactory, ParticipationDatasetFactory, user_with_role

pytestmark = pytest.mark.django_db

GOOD = (
    "rcn,pic,start_year,role,type,country,contribution\n"
    "1,111111111,2015,coordinator,HES,DE,100\n"
    "1,222222222,2015,participant,PRC,FR,50\n"
    "1,333333333,2015,participant,REC,IT,\n"
    "2,222222222,2016,coordinator,PRC,FR,10\n"
    "2,444444444,2016,participant,PUB,ES,10\n"
    "3,555555555,2017,coordinator,OTH,DE,5\n"
)
# line 3 repeats line 2's organisation in project 1; line 4 has no year
BAD = "rcn,pic,start_year\n1,111111111,2015\n1,111111111,2015\n2,222222222,NA\n"

COLUMNS = {
    "column_project": "rcn",
    "column_organisation": "pic",
    "column_year": "start_year",
    "column_role": "role",
    "column_type": "type",
    "column_country": "country",
    "column_amount": "contribution",
    "column_name": "",
}


@pytest.fixture
def users(db):
    cluster = ClusterFactory()
    return {
        "analyst": user_with_role(Role.ANALYST),
        "admin": user_with_role(Role.ADMIN),
        "manager": user_with_role(Role.CLUSTER_MANAGER, cluster=cluster),
        "officer": user_with_role(Role.PROGRAMME_OFFICER),
        "rep": user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=OrganisationFactory()),
        "expert": user_with_role(Role.EXPERT),
    }


@pytest.fixture
def no_recommender(monkeypatch):
    """The recommendations are tested in test_recommend_views.py; here they are left out."""
    monkeypatch.setattr(recommend, "dataset_recommendations", lambda **kwargs: [])


def _upload(text: str, name: str = "small.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _import(client, text: str = GOOD, *, name: str = "small.csv", key: str = "small", **extra):
    data = {
        "file": _upload(text, name),
        "key": key,
        "title": "A small dataset",
        "attribution": "Made up for the test (CC0).",
        "encoding": "utf-8",
        "on_missing": "error",
        "cordis_types": "on",
        **COLUMNS,
        **extra,
    }
    return client.post("/network/datasets/import/", data)


@pytest.fixture
def dataset(client, users):
    client.force_login(users["analyst"])
    response = _import(client)
    assert response.status_code == 302
    return ParticipationDataset.objects.get(key="small")


def _text(response) -> str:
    return response.content.decode()


# ------------------------------------------------------------------------------------ permissions

DATASET_URLS = [
    "/network/datasets/",
    "/network/datasets.csv",
    "/network/datasets.xlsx",
    "/network/datasets/small/",
    "/network/datasets/small/graph.json",
    "/network/datasets/small/nodes.csv",
    "/network/datasets/small/organisations/222222222/",
    "/network/datasets/small/organisations/222222222/graph.json",
]


@pytest.mark.parametrize("url", DATASET_URLS)
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("analyst", 200),
        ("admin", 200),
        ("manager", 200),
        ("officer", 200),
        ("rep", 403),  # a representative of an organisation
        ("expert", 403),
    ],
)
def test_datasets_are_seen_by_analysts_managers_and_programme_officers(
    client, dataset, users, no_recommender, url, who, status
):
    client.force_login(users[who])
    assert client.get(url).status_code == status


@pytest.mark.parametrize(
    "url", [*DATASET_URLS, "/network/datasets/import/", "/network/datasets/small/delete/"]
)
def test_anonymous_visitors_are_sent_to_sign_in(client, dataset, url):
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("who", "status"), [("analyst", 200), ("admin", 200), ("manager", 403), ("officer", 403), ("rep", 403)]
)
def test_only_analysts_import_and_delete(client, dataset, users, who, status):
    client.force_login(users[who])
    assert client.get("/network/datasets/import/").status_code == status
    assert client.get("/network/datasets/small/delete/").status_code == status
    response = client.post("/network/datasets/small/delete/", {"confirm": "on"})
    assert ParticipationDataset.objects.filter(key="small").exists() == (status != 200)
    assert response.status_code == (302 if status == 200 else 403)


def test_a_refused_import_stores_nothing_and_starts_nothing(client, users):
    client.force_login(users["manager"])
    assert _import(client).status_code == 403
    assert not Task.objects.exists() and not ParticipationDataset.objects.exists()


# ----------------------------------------------------------------------------------------- import


def test_import_through_the_page_end_to_end(client, users):
    client.force_login(users["analyst"])
    response = _import(client)
    task = Task.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tasks/{task.pk}/"
    assert task.status == TaskStatus.DONE and task.done_url == "/network/datasets/small/"
    # 6 rows, 3 projects, 5 organisations, 2015-2017
    assert task.result == {"Participations": 6, "Projects": 3, "Organisations": 5, "Years": "2015–2017"}
    dataset = ParticipationDataset.objects.get()
    assert (dataset.rows, dataset.projects, dataset.organisations) == (6, 3, 5)
    assert dataset.file_name == "small.csv" and dataset.attribution == "Made up for the test (CC0)."
    assert dataset.imported_by == users["analyst"]
    page = _text(client.get(f"/tasks/{task.pk}/"))
    assert "/network/datasets/small/" in page
    text = _text(client.get("/network/datasets/small/"))
    # ties 1-2, 1-3, 2-3, 2-4; 555555555 is alone: 5 organisations, 4 ties, density 2*4/(5*4) = 40 %
    assert 'data-indicator="n_nodes"><span class="stat-value">5<' in text
    assert 'data-indicator="n_ties"><span class="stat-value">4<' in text
    assert "40.0 %" in text
    # two connected parts: the four tied ones and 555555555
    assert 'data-indicator="components"><span class="stat-value">2<' in text
    assert "Made up for the test (CC0)." in text
    # the top table by partners: 222222222 (3), then 111111111 and 333333333 (2 each)
    top = [row.split('"')[1] for row in text.split("<tr data-organisation=")[1:4]]
    assert top == ["222222222", "111111111", "333333333"]


def test_a_bad_file_is_reported_by_line_and_column_and_nothing_is_stored(client, users):
    client.force_login(users["analyst"])
    response = _import(
        client,
        BAD,
        name="bad.csv",
        key="bad",
        column_role="",
        column_type="",
        column_country="",
        column_amount="",
    )
    task = Task.objects.get()
    assert response["Location"] == f"/tasks/{task.pk}/"
    assert task.status == TaskStatus.FAILED
    assert len(task.problems) == 2
    assert task.problems[0].startswith("bad.csv, line 3, column “pic”, value “111111111”: ")
    assert task.problems[1].startswith("bad.csv, line 4, column “start_year”, value “NA”: no year")
    assert not ParticipationDataset.objects.exists() and not DatasetParticipation.objects.exists()
    page = _text(client.get(f"/tasks/{task.pk}/"))
    assert "line 3" in page and "line 4" in page


def test_the_form_checks_the_columns_before_importing(client, users):
    client.force_login(users["analyst"])
    response = _import(client, column_year="year")
    text = _text(response)
    assert response.status_code == 200
    columns = "rcn, pic, start_year, role, type, country, contribution"
    assert f"The file has no column “year”; its columns are: {columns}." in text
    assert not Task.objects.exists()


def test_a_key_in_use_needs_replace(client, dataset, users):
    text = _text(_import(client, title="Again"))
    assert "A dataset with the key “small” exists" in text
    assert Task.objects.count() == 1
    _import(client, GOOD.replace("OTH,DE,5\n", "OTH,DE,6\n"), title="Again", replace="on")
    replaced = ParticipationDataset.objects.get(key="small")
    # the new file (project 3's amount changed) replaced the old one
    assert replaced.title == "Again" and replaced.rows == 6 and Task.objects.count() == 2
    assert DatasetParticipation.objects.get(dataset=replaced, project="3").amount == 6


def test_the_import_task_words_its_problems_in_the_readers_language(client, users, monkeypatch):
    from django.utils import translation

    client.force_login(users["analyst"])
    client.cookies["clusterworks_language"] = "ru"
    languages = []
    from clusterworks.web.core import uploads

    wording = uploads.problem_line
    monkeypatch.setattr(
        uploads,
        "problem_line",
        lambda issue: languages.append(translation.get_language()) or wording(issue),
    )
    _import(
        client,
        BAD,
        name="bad.csv",
        key="bad",
        column_role="",
        column_type="",
        column_country="",
        column_amount="",
    )
    # the task (a thread in production) words the two problems in the language of the page that started it
    assert languages == ["ru", "ru"]
    assert Task.objects.get().problems[0].startswith("bad.csv, ")


def test_delete_asks_for_confirmation(client, dataset):
    response = client.post("/network/datasets/small/delete/", {})
    assert response.status_code == 200 and ParticipationDataset.objects.filter(key="small").exists()
    response = client.post("/network/datasets/small/delete/", {"confirm": "on"})
    assert response["Location"] == "/network/datasets/"
    assert not ParticipationDataset.objects.exists() and not DatasetParticipation.objects.exists()


# ---------------------------------------------------------------------------------------- network


def test_dataset_graph_json_and_downloads(client, dataset):
    data = json.loads(client.get("/network/datasets/small/graph.json").content)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert set(nodes) == {"111111111", "222222222", "333333333", "444444444", "555555555"}
    assert nodes["111111111"]["helix"] == "university" and nodes["444444444"]["helix"] == "government"
    assert nodes["222222222"]["url"] == "/network/datasets/small/organisations/222222222/"
    # names: the file has none, so the codes
    assert nodes["222222222"]["label"] == "222222222"
    m = dict(zip(data["measures"], nodes["222222222"]["m"], strict=True))
    # 222222222 lies on the paths 4-1 and 4-3 of the 3 x 2 = 6 pairs of the others but 555 ... over
    # (n-1)(n-2)/2 = 6 pairs: betweenness 2/6
    assert m["degree"] == 3 and m["betweenness"] == pytest.approx(1 / 3, abs=1e-3)
    body = b"".join(client.get("/network/datasets/small/ties.csv").streaming_content).decode("utf-8-sig")
    ties = sorted(
        (r["organisation_a"], r["organisation_b"], r["first_year"]) for r in csv.DictReader(io.StringIO(body))
    )
    assert ties == [
        ("111111111", "222222222", "2015"),
        ("111111111", "333333333", "2015"),
        ("222222222", "333333333", "2015"),
        ("222222222", "444444444", "2016"),
    ]
    body = b"".join(client.get("/network/datasets/small/evolution.csv").streaming_content).decode("utf-8-sig")
    evolution = [(r["year"], r["n_nodes"], r["n_ties"]) for r in csv.DictReader(io.StringIO(body))]
    # cumulative: 2015: project 1 (3, 3); 2016: + 444 (4, 4); 2017: + 555 alone (5, 4)
    assert evolution == [("2015", "3", "3"), ("2016", "4", "4"), ("2017", "5", "4")]
    assert client.get("/network/datasets/small/nodes.xlsx")["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )


def test_dataset_organisation_page(client, dataset, no_recommender):
    text = _text(client.get("/network/datasets/small/organisations/444444444/"))
    partners = text.split('<table class="partners">')[1].split("</table>")[0]
    # 444444444's only partner is 222222222 (project 2, 2016)
    assert partners.count("<tr data-organisation=") == 1 and "222222222" in partners and "2016" in partners
    text = _text(client.get("/network/datasets/small/organisations/444444444/", {"order": 2}))
    second = text.split('class="second-order"')[1].split("</ul>")[0]
    # partners of partners: 111111111 and 333333333, each through 222222222
    assert "111111111" in second and "333333333" in second and second.count("through 1 partner") == 2
    assert client.get("/network/datasets/small/organisations/999/").status_code == 404


def test_dataset_organisation_links_to_the_register(client, users, no_recommender):
    registered = OrganisationFactory(key="111111111", name_en="Registered University")
    client.force_login(users["analyst"])
    _import(client)
    text = _text(client.get("/network/datasets/small/organisations/111111111/"))
    assert registered.get_absolute_url() in text and "/network/organisations/111111111/" in text


def test_a_large_dataset_is_measured_in_the_background(client, dataset, settings, monkeypatch):
    settings.NETWORK_CACHE = 8
    monkeypatch.setattr(views_datasets, "INLINE_ORGANISATIONS", 0)
    try:
        text = _text(client.get("/network/datasets/small/"))
        # not kept yet: the page starts the task (run here at once) and says the network is being measured
        assert "is being measured" in text
        task = Task.objects.get(kind=views_datasets.MEASURE_TASK)
        assert task.status == TaskStatus.DONE and task.result["Organisations"] == 5
        # now kept: the page shows it
        text = _text(client.get("/network/datasets/small/"))
        assert 'data-indicator="n_nodes"><span class="stat-value">5<' in text
        assert Task.objects.filter(kind=views_datasets.MEASURE_TASK).count() == 1
    finally:
        an._KEPT.forget()
        dataset_service._KEPT.forget()


def test_list_of_datasets(client, dataset, users):
    ParticipationDatasetFactory(key="other", title="Another dataset")
    text = _text(client.get("/network/datasets/"))
    assert "A small dataset" in text and "Another dataset" in text
    assert "/network/datasets/import/" in text  # the analyst may import
    client.force_login(users["officer"])
    assert "/network/datasets/import/" not in _text(client.get("/network/datasets/"))


def _downloaded_list(client, fmt: str, **headers) -> list[list]:
    """The rows of the datasets list downloaded as ``fmt``, the header first; XLSX cells as stored (a
    row's empty cells at its end, which the workbook leaves out, as None)."""
    response = client.get(f"/network/datasets.{fmt}", **headers)
    assert response.status_code == 200
    if fmt == "csv":
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(body)))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return [row + [None] * (len(rows[0]) - len(row)) for row in rows]


def test_the_list_of_datasets_downloads_as_csv_and_xlsx(client, dataset, users):
    users["analyst"].first_name, users["analyst"].last_name = "Ada", "Analyst"
    users["analyst"].save()
    imported = dt.datetime(2024, 3, 1, 12, tzinfo=dt.UTC)
    other = ParticipationDatasetFactory(key="other", title="Another dataset", imported_at=imported)
    text = _text(client.get("/network/datasets/"))
    assert '<a href="/network/datasets.csv" download>CSV</a>' in text
    assert '<a href="/network/datasets.xlsx" download>XLSX</a>' in text
    header = [
        "Key", "Dataset", "File", "Participations", "Projects", "Organisations",
        "First year", "Last year", "Imported", "Imported by",
    ]  # fmt: skip
    today = timezone.localdate(dataset.imported_at).isoformat()
    # the small file: 6 rows, projects 1-3, organisations 111..555, years 2015-2017, imported now by the
    # analyst; then the other dataset, imported earlier (newest first, as the page lists them)
    small = ["small", "A small dataset", "small.csv", 6, 3, 5, 2015, 2017, today, "Ada Analyst"]
    older = ["other", "Another dataset", "participations.csv", 0, 0, 0, None, None, "2024-03-01", None]
    assert other.imported_at < dataset.imported_at
    # CSV: every value is text, an empty cell for nothing
    as_text = [["" if v is None else str(v) for v in row] for row in (small, older)]
    assert _downloaded_list(client, "csv") == [header, *as_text]
    # XLSX: the numbers stay numbers
    assert _downloaded_list(client, "xlsx") == [header, small, older]


def test_the_downloaded_list_is_headed_in_the_readers_language(client, dataset):
    client.cookies["clusterworks_language"] = "ru"
    rows = _downloaded_list(client, "csv")
    # the Russian of "Key", "Dataset", "File" and "Participations" in the catalogue (locale/ru)
    assert rows[0][:4] == ["Ключ", "Набор данных", "Файл", "Записи об участии"]
    assert rows[1][0] == "small"


def test_the_list_and_its_downloads_leave_out_datasets_the_user_may_not_see(
    client, dataset, users, monkeypatch
):
    ParticipationDatasetFactory(key="hidden", title="A hidden dataset")
    rule = permissions.PREDICATES["dataset.view"]

    def hide_one(user, obj):
        """The real rule, but a dataset keyed "hidden" is refused (no role hides one dataset yet)."""
        if obj is not None and obj.key == "hidden":
            return permissions.deny("hidden for the test")
        return rule(user, obj)

    monkeypatch.setitem(permissions.PREDICATES, "dataset.view", hide_one)
    text = _text(client.get("/network/datasets/"))
    assert "A small dataset" in text and "A hidden dataset" not in text
    for fmt in ("csv", "xlsx"):
        assert [row[0] for row in _downloaded_list(client, fmt)[1:]] == ["small"]


def test_dataset_organisation_tables_download(client, dataset, no_recommender):
    text = _text(client.get("/network/datasets/small/organisations/444444444/"))
    assert "/network/datasets/small/organisations/444444444/partners.csv" in text
    response = client.get("/network/datasets/small/organisations/444444444/partners.csv", {"order": 2})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    # order 2: 444444444, its partner 222222222, and theirs 111111111 and 333333333
    assert sorted(r["organisation"] for r in csv.DictReader(io.StringIO(body))) == [
        "111111111",
        "222222222",
        "333333333",
        "444444444",
    ]
    assert client.get("/network/datasets/small/organisations/444444444/people.csv").status_code == 404


def test_a_compressed_file_is_imported(client, users):
    import gzip

    client.force_login(users["analyst"])
    upload = SimpleUploadedFile("small.csv.gz", gzip.compress(GOOD.encode()), content_type="application/gzip")
    data = {"file": upload, "key": "gz", "title": "Compressed", "attribution": "Test.", "encoding": "utf-8",
            "on_missing": "error", "cordis_types": "on", **COLUMNS}  # fmt: skip
    response = client.post("/network/datasets/import/", data)
    assert response.status_code == 302
    # the same six rows as the plain file
    assert ParticipationDataset.objects.get(key="gz").rows == 6
