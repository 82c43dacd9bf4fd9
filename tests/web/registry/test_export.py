"""Export of the register as CSV and XLSX (registry.io.exporter), and the export download view.

An export has exactly the import columns, so importing it back must find every row "unchanged" and write
nothing; that round trip is the main test here, for CSV and XLSX. Expected rows are written out by hand
from tests/data/registry_io/ (see test_import.py for the identifiers).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from clusterworks.web.core.models import AuditEvent
from clusterworks.web.core.permissions import NotAllowed
from clusterworks.web.core.roles import Role
from clusterworks.web.registry.io.columns import SPECS
from clusterworks.web.registry.io.errors import UnknownCluster
from clusterworks.web.registry.io.exporter import export_csv, export_xlsx, file_name
from clusterworks.web.registry.io.importer import ImportSource, import_files, import_sources
from clusterworks.web.registry.models import Organisation
from tests.factories import OrganisationFactory, user_with_role

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "data" / "registry_io"
KINDS = ("organisations", "clusters", "memberships")


@pytest.fixture
def admin():
    user = user_with_role(Role.ADMIN, username="exporter")
    report = import_files(
        [DATA / n for n in ("organisations_valid.csv", "clusters.csv", "memberships.csv")], user=user
    )
    assert report.ok, [str(e) for e in report.errors]
    return user


def csv_text(user, kind: str, **kwargs) -> str:
    return b"".join(export_csv(user=user, kind=kind, **kwargs)).decode("utf-8")


def test_csv_export_has_the_import_columns_and_the_rows_in_key_order(admin):
    text = csv_text(admin, "memberships")
    assert text.startswith("\ufeff")  # a BOM, so that Excel reads UTF-8
    assert list(csv.reader(io.StringIO(text[1:]))) == [
        ["cluster", "organisation", "role", "joined", "left"],
        ["moscow-medtech", "bioinstitute", "member", "2020-01-10", "2023-12-31"],
        ["moscow-medtech", "medtech-one", "core", "2019-06-01", ""],
        ["moscow-medtech", "rnrmu", "coordinator", "2019-03-15", ""],
        ["spb-pharma", "bioinstitute", "coordinator", "", ""],
    ]
    rows = list(csv.DictReader(io.StringIO(csv_text(admin, "organisations")[1:])))
    assert [r["key"] for r in rows] == ["bioinstitute", "clinic-hub", "medtech-one", "rnrmu"]
    assert list(rows[0]) == SPECS["organisations"].names
    assert rows[0]["competences"] == "med-biotech.antibodies;med-biotech.vaccines"
    assert rows[0]["illustrative"] == "true" and rows[1]["illustrative"] == "false"
    assert rows[2]["description"] == "A made-up company.\nSecond line of the description."
    clusters = list(csv.DictReader(io.StringIO(csv_text(admin, "clusters")[1:])))
    assert clusters[1]["regions"] == "RU-LEN;RU-SPE" and clusters[1]["founded"] == "2012-07-01"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imports_back_unchanged(admin, fmt):
    OrganisationFactory(
        key="formula", name_en='=HYPERLINK("http://evil.example")', short_name="-1", city="+7 495"
    )
    sources = []
    for kind in KINDS:
        if fmt == "csv":
            data = b"".join(export_csv(user=admin, kind=kind, delimiter=";"))
        else:
            buffer = io.BytesIO()
            export_xlsx(user=admin, kind=kind, out=buffer)
            data = buffer.getvalue()
        sources.append(ImportSource(f"{kind}.{fmt}", data))
    events = AuditEvent.objects.count()

    report = import_sources(sources, user=admin)

    assert report.ok, [str(e) for e in report.errors]
    assert {kind: s.as_dict() for kind, s in report.summary.items()} == {
        "organisations": {"created": 0, "updated": 0, "unchanged": 5},
        "clusters": {"created": 0, "updated": 0, "unchanged": 2},
        "memberships": {"created": 0, "updated": 0, "unchanged": 4},
    }
    assert AuditEvent.objects.count() == events


def test_values_a_spreadsheet_would_run_as_formulas_are_protected(admin):
    OrganisationFactory(key="formula", name_en="=1+2", short_name="@SUM(A1)")
    text = csv_text(admin, "organisations")
    assert "'=1+2" in text and "'@SUM(A1)" in text
    buffer = io.BytesIO()
    export_xlsx(user=admin, kind="organisations", out=buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    cell = next(c for c in sheet["C"] if c.value == "=1+2")
    assert cell.data_type == "s"  # text, not a formula


def test_xlsx_export_has_one_sheet_named_after_the_kind_with_date_cells(admin):
    buffer = io.BytesIO()
    assert export_xlsx(user=admin, kind="memberships", out=buffer) == 4
    workbook = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    assert workbook.sheetnames == ["memberships"]
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0] == ("cluster", "organisation", "role", "joined", "left")
    assert rows[1][:3] == ("moscow-medtech", "bioinstitute", "member")
    assert rows[1][3].date().isoformat() == "2020-01-10"


def test_export_of_one_cluster(admin):
    OrganisationFactory(key="outsider")
    members = list(csv.reader(io.StringIO(csv_text(admin, "memberships", cluster_key="spb-pharma")[1:])))
    assert members[1:] == [["spb-pharma", "bioinstitute", "coordinator", "", ""]]
    organisations = list(
        csv.DictReader(io.StringIO(csv_text(admin, "organisations", cluster_key="moscow-medtech")[1:]))
    )
    assert [r["key"] for r in organisations] == [
        "bioinstitute",
        "medtech-one",
        "rnrmu",
    ]  # a former member too
    clusters = list(csv.DictReader(io.StringIO(csv_text(admin, "clusters", cluster_key="spb-pharma")[1:])))
    assert [r["key"] for r in clusters] == ["spb-pharma"]
    with pytest.raises(UnknownCluster, match="no cluster with the key 'atlantis'"):
        csv_text(admin, "memberships", cluster_key="atlantis")


def test_export_needs_the_export_permission(admin):
    representative = user_with_role(
        Role.ORGANISATION_REPRESENTATIVE, organisation=Organisation.objects.first()
    )
    with pytest.raises(NotAllowed):
        export_csv(user=representative, kind="organisations")
    analyst = user_with_role(Role.ANALYST)
    assert csv_text(analyst, "clusters").count("\n") == 3


def test_file_names_say_what_and_when():
    import datetime as dt

    assert (
        file_name("organisations", "xlsx", today=dt.date(2026, 12, 1))
        == "clusterworks-organisations-2026-12-01.xlsx"
    )
    assert file_name("memberships", "csv", cluster_key="spb", today=dt.date(2026, 12, 1)) == (
        "clusterworks-memberships-spb-2026-12-01.csv"
    )


# ------------------------------------------------------------------------------------------- web


def test_the_export_view_streams_csv(client, admin):
    client.force_login(admin)
    response = client.get(reverse("registry-export"), {"kind": "organisations", "format": "csv"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="clusterworks-organisations-')
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.splitlines()[0] == "\ufeff" + ",".join(SPECS["organisations"].names)
    assert len(list(csv.reader(io.StringIO(text)))) == 1 + 4


def test_the_export_view_gives_xlsx_and_filters_by_cluster(client, admin):
    client.force_login(admin)
    response = client.get(
        reverse("registry-export"), {"kind": "memberships", "format": "xlsx", "cluster": "spb-pharma"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "clusterworks-memberships-spb-pharma-" in response["Content-Disposition"]
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1:] == [("spb-pharma", "bioinstitute", "coordinator", None, None)]


def test_the_export_view_checks_its_parameters_and_permission(client, admin):
    url = reverse("registry-export")
    assert client.get(url, {"kind": "organisations", "format": "csv"}).status_code == 302  # log in first
    client.force_login(user_with_role(Role.EXPERT))
    assert client.get(url, {"kind": "organisations", "format": "csv"}).status_code == 403
    client.force_login(admin)
    response = client.get(url, {"kind": "people", "format": "pdf"})
    assert response.status_code == 400
    assert "kind" in response.content.decode() and "format" in response.content.decode()
