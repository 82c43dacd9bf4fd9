"""The report for the ministry: the printable page and the XLSX workbook with the same tables (numbers as
numbers, dates as dates, text never a formula), on the world of ``test_analysis``."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from clusterworks.web.pathways import reports, selectors, views_pages
from tests.factories import BarrierFactory
from tests.web.pathways.test_analysis import TODAY, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(views_pages, "_today", lambda: TODAY)


@pytest.fixture
def world():
    built = build_world()
    cluster = built["cluster"]
    built["barriers"] = {
        # open 61 days on 1 July (1 May -> 1 July)
        "queue": BarrierFactory(
            cluster=cluster, title='=HYPERLINK("http://x")', raised_on=dt.date(2025, 5, 1)
        ),
        "rules": BarrierFactory(
            cluster=cluster, title="Conflicting rules", kind="regulation_conflict", status="escalated",
            raised_on=dt.date(2025, 4, 1), escalated_to="Moscow Department of Science",
            escalated_on=dt.date(2025, 5, 15),
        ),
        "done": BarrierFactory(
            cluster=cluster, title="Missing lab", kind="infrastructure", status="resolved",
            raised_on=dt.date(2025, 1, 10), escalated_to="Ministry of Health",
            escalated_on=dt.date(2025, 2, 1),
            resolved_on=dt.date(2025, 3, 1), resolution="A lab was accredited",
        ),
        "elsewhere": BarrierFactory(cluster=built["other"], title="Other barrier"),
    }  # fmt: skip
    built["barriers"]["rules"].agencies.add(built["agencies"]["rzn"])
    built["barriers"]["rules"].products.add(built["products"]["sensor"])
    return built


def _report(world):
    return reports.ministry_report(
        cluster=world["cluster"],
        barriers=selectors.barriers_visible_to(world["users"]["manager"]),
        today=TODAY,
    )


def test_the_tables_of_the_report(world):
    report = _report(world)
    assert [t.key for t in report.tables] == [
        "pipeline",
        "agencies",
        "gates",
        "stuck",
        "barriers",
        "escalations",
    ]
    assert (report.products, report.overdue, report.open_barriers, report.escalated) == (4, 1, 2, 1)
    pipeline = reports.table_rows(report.tables, "pipeline")
    # stage, products, at an agency, answering a query, not yet submitted, past the clock
    assert pipeline == [
        ["Research", 1, 0, 0, 1, 0],  # vaccine
        ["Trials", 0, 0, 0, 0, 0],
        ["Registration", 2, 2, 0, 0, 1],  # sensor (overdue; its query was answered) and antibody
        ["Production", 0, 0, 0, 0, 0],
        ["On the market", 1, 0, 0, 1, 0],  # scanner, at the launch
        ["All stages", 4, 2, 0, 2, 1],
    ]
    barriers = reports.table_rows(report.tables, "barriers")
    # oldest first: "rules" (91 days: 1 April -> 1 July), then "queue" (61 days)
    assert [(row[0], row[4]) for row in barriers] == [
        ("Conflicting rules", 91),
        ('=HYPERLINK("http://x")', 61),
    ]
    assert barriers[0][5] == "RZN" and barriers[0][6] == "Sensor"
    escalations = reports.table_rows(report.tables, "escalations")
    assert [(row[0], row[8]) for row in escalations] == [
        ("Conflicting rules", dt.date(2025, 5, 15)),
        ("Missing lab", dt.date(2025, 2, 1)),
    ]
    assert "Other barrier" not in str(report.tables)


def test_the_xlsx_has_a_sheet_per_table_with_typed_cells(client, world):
    client.force_login(world["users"]["manager"])
    response = client.get("/pathways/report.xlsx?cluster=medtech")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="pathways-medtech-2025-07-01.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Report",
        "Pipeline by stage",
        "Bottlenecks by agency",
        "Bottlenecks by gate",
        "Products stuck now",
        "Open barriers",
        "Escalations",
    ]
    cover = {row[0].value: row[1].value for row in workbook["Report"].iter_rows()}
    assert cover["Products"] == 4 and cover["Date"] == dt.datetime(2025, 7, 1)
    stuck = list(workbook["Products stuck now"].iter_rows(values_only=True))
    assert stuck[0][:7] == ("Product", "Key", "Gate", "Agency", "Status", "Since", "Days")
    assert stuck[1][:7] == (
        "Sensor",
        "sensor",
        "Registration",
        "RZN",
        "at the agency",
        dt.datetime(2025, 3, 3),
        120,
    )
    assert stuck[1][7:9] == (72, 50)  # clock used and statutory, numbers
    agencies = list(workbook["Bottlenecks by agency"].iter_rows(values_only=True))
    rzn = next(row for row in agencies if row[1] == "RZN")
    assert rzn[8] == 30.0 and rzn[11] == pytest.approx(0.78)  # median days; share of the clock, 39 / 50
    share_cell = next(
        r for r in workbook["Bottlenecks by agency"].iter_rows(min_row=2) if r[1].value == "RZN"
    )[11]
    assert share_cell.number_format == "0%"
    barriers = workbook["Open barriers"]
    title = barriers["A3"]
    assert title.value == '=HYPERLINK("http://x")' and title.data_type == "s"  # text, not a formula
    assert barriers["D3"].value == dt.datetime(2025, 5, 1) and barriers["E3"].value == 61


def test_the_printable_report(client, world):
    client.force_login(world["users"]["analyst"])
    html = client.get("/pathways/report/?cluster=medtech").content.decode()
    assert "pathways-print.css" in html
    assert 'data-summary="products">4<' in html and 'data-summary="open-barriers">2<' in html
    for key in ("pipeline", "agencies", "gates", "stuck", "barriers", "escalations"):
        assert f'data-table="{key}"' in html
    assert "/pathways/report.xlsx?cluster=medtech" in html
    assert "=HYPERLINK(&quot;http://x&quot;)" in html  # escaped as text


def test_the_print_stylesheet_sets_a4_and_hides_the_navigation():
    from pathlib import Path

    import clusterworks.web as web

    css = (Path(web.__file__).parent / "static" / "clusterworks" / "pathways-print.css").read_text()
    assert "size: A4" in css and ".site-header" in css and "break-before: page" in css


def test_sheet_titles_are_valid_and_unique():
    used: set[str] = set()
    titles = [reports._sheet_title(text, used) for text in ("A/B: c?", "A/B: c?", "x" * 40)]
    assert titles == ["A B  c", "A B  c 2", "x" * 31]


def test_pages_show_the_first_rows_and_count_the_rest():
    table = reports.Table(
        key="t", title="T", columns=(reports.Column("n", "N", reports.INT),), rows=[[i] for i in range(205)]
    )
    assert len(table.cells()) == reports.HTML_ROWS == 200 and table.hidden() == 5
    assert table.cells()[0] == [{"value": 0, "kind": "int"}]
