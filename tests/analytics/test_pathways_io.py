"""The input files of the pathways commands: read whole, every problem of the three files reported at
once with file, line, field, value and what is allowed; and the report as tables."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from clusterworks.analytics.pathways import (
    Event,
    GateSpec,
    InvalidPathwayInput,
    ProductSpec,
    pathway_report,
    read_events_csv,
    read_gates_csv,
    read_pathway_csv,
    read_products_csv,
    report_tables,
    russian_calendar,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "pathways"
GATES = "catalogue,gate,position,stage,agency,clock_kind,clock_days\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(call, *args, **kwargs) -> list[str]:
    with pytest.raises(InvalidPathwayInput) as caught:
        call(*args, **kwargs)
    assert caught.value.total == len(caught.value.issues)
    return caught.value.lines()


def test_the_fixture_files():
    gates = read_gates_csv(DATA / "gates.csv")
    assert list(gates) == ["med", "dev"]
    assert gates["med"]["registration"] == GateSpec(
        "registration", 3, "registration", "minzdrav", "working", 20, 60, 90
    )
    assert gates["med"]["launch"].agency is None and gates["dev"]["tests"].clock_kind == "calendar"
    products = read_products_csv(DATA / "products.csv")
    assert products[0] == ProductSpec("m1", "medicine", 7, "med", None, date(2024, 12, 1))
    events = read_events_csv(DATA / "events.csv")
    assert events[1] == Event("m1", "ct-permit", "decision", date(2025, 1, 16), "approved", 3)
    assert len(events) == 20 and events[-1].line == 21
    together = read_pathway_csv(DATA / "gates.csv", DATA / "products.csv", DATA / "events.csv")
    assert (
        together.products == products and together.events == events and together.gates_by_catalogue == gates
    )


def test_gate_file_problems(tmp_path):
    path = write(
        tmp_path,
        "gates.csv",
        GATES + "c,a,1,trials,x,working,\n"  # working without days
        "c,b,0,trials,x,none,\n"  # position 0
        "c,c,2,launch,x,none,5\n"  # bad stage, days without a clock
        "c,a,3,trials,x,weekly,3\n"  # repeated gate, bad kind
        "c,d,2,trials,,calendar,30\n"  # position 2 again
        "c,e,4,trials,,none,,,\n",  # two extra cells
    )
    assert problems(read_gates_csv, path) == [
        "gates.csv, line 2, field 'clock_days': '' is not allowed; allowed: a whole number >= 1",
        "gates.csv, line 3, field 'position': '0' is not allowed; allowed: a whole number >= 1",
        "gates.csv, line 4, field 'stage': 'launch' is not allowed; allowed: research, trials, registration, "
        "production, market",
        "gates.csv, line 4, field 'clock_days': '5' with clock_kind 'none'; allowed: empty",
        "gates.csv, line 5, field 'clock_kind': 'weekly' is not allowed; allowed: working, calendar, none",
        "gates.csv, line 5, field 'gate': gate 'a' of catalogue 'c' is already on line 2; allowed: each gate "
        "once "
        "per catalogue",
        "gates.csv, line 6, field 'position': position 2 of catalogue 'c' is already taken on line 4; "
        "allowed: "
        "each position once per catalogue",
        "gates.csv, line 7: the row has 9 field(s) and the header 7; allowed: one value per column",
    ]
    typical = write(
        tmp_path, "typical.csv", GATES.strip() + ",typical_low,typical_high\nc,a,1,trials,,none,,90,30\n"
    )
    assert problems(read_gates_csv, typical) == [
        "typical.csv, line 2, field 'typical_high': typical_high 30 is below typical_low 90; allowed: "
        "typical_low "
        "<= typical_high"
    ]


def test_structure_of_a_file(tmp_path):
    assert problems(read_gates_csv, write(tmp_path, "empty.csv", "")) == [
        "empty.csv, line 1: the file is empty; allowed: a header catalogue, gate, position, stage, agency, "
        "clock_kind, clock_days[, typical_low, typical_high] and rows under it"
    ]
    assert problems(read_gates_csv, write(tmp_path, "header.csv", GATES)) == [
        "header.csv, line 1: the file has a header but no rows; allowed: one row per record under it"
    ]
    columns = write(
        tmp_path, "columns.csv", "catalogue,gate,position,stage,agency,clock_kind,days,name,gate\nx\n"
    )
    assert problems(read_gates_csv, columns) == [
        "columns.csv, line 1, field 'clock_days': missing column 'clock_days'; required columns: catalogue, "
        "gate, "
        "position, stage, agency, clock_kind, clock_days[, typical_low, typical_high]",
        "columns.csv, line 1, field 'days': unknown column 'days'; allowed: catalogue, gate, position, "
        "stage, "
        "agency, clock_kind, clock_days[, typical_low, typical_high]",
        "columns.csv, line 1, field 'name': unknown column 'name'; allowed: catalogue, gate, position, "
        "stage, "
        "agency, clock_kind, clock_days[, typical_low, typical_high]",
        "columns.csv, line 1, field 'gate': column 'gate' appears twice; allowed: each column once",
    ]
    binary = tmp_path / "latin.csv"
    binary.write_bytes(GATES.encode() + "c,\xe9,1,trials,,none,\n".encode("latin-1"))
    assert problems(read_gates_csv, binary) == [
        "latin.csv, line 2: byte 0xe9 is not UTF-8 text; allowed: a UTF-8 file (in a spreadsheet, save as "
        '"CSV '
        'UTF-8")'
    ]


def test_product_and_event_file_problems(tmp_path):
    products = write(
        tmp_path,
        "products.csv",
        "product,type,trl,catalogue,started_on\n"
        "a,device,0,med,2024-01-01\n"
        "b,device,x,med,01.02.2024\n"
        "a,device,3,,\n",
    )
    assert problems(read_products_csv, products) == [
        "products.csv, line 2, field 'trl': '0' is not allowed; allowed: a whole number 1..9",
        "products.csv, line 3, field 'trl': 'x' is not allowed; allowed: a whole number 1..9",
        "products.csv, line 3, field 'started_on': '01.02.2024' is not a date; allowed: YYYY-MM-DD, e.g. "
        "2025-03-14",
        "products.csv, line 4, field 'catalogue': catalogue is empty; allowed: any non-empty text",
        "products.csv, line 4, field 'product': product 'a' is already on line 2; allowed: each product once",
    ]
    events = write(
        tmp_path,
        "events.csv",
        "product,gate,kind,date,decision\n"
        "a,g,submit,2025-01-01,\n"
        "a,g,decision,2025-02-30,approved\n"
        "a,g,decision,2025-03-01,\n"
        "a,g,submitted,2025-03-01,refused\n",
    )
    assert problems(read_events_csv, events) == [
        "events.csv, line 2, field 'kind': 'submit' is not allowed; allowed: submitted, query, answered, "
        "decision, "
        "withdrawn",
        "events.csv, line 3, field 'date': '2025-02-30' is not a date; allowed: YYYY-MM-DD, e.g. 2025-03-14",
        "events.csv, line 4, field 'decision': '' is not a decision; allowed: approved, refused",
        "events.csv, line 5, field 'decision': a 'submitted' event carries the decision 'refused'; allowed: "
        "empty "
        "except on 'decision' rows",
    ]


def test_the_three_files_together(tmp_path):
    gates = write(
        tmp_path, "g.csv", GATES + "c,permit,1,trials,x,working,5\nc,reg,2,registration,y,working,20\n"
    )
    products = write(tmp_path, "p.csv", "product,type,trl,catalogue\na,device,3,c\nb,device,4,zz\n")
    events = write(
        tmp_path,
        "e.csv",
        "product,gate,kind,date\n"
        "a,permit,query,2025-01-02\n"  # not submitted first
        "a,launch,submitted,2025-01-02\n"  # no such gate in catalogue c
        "ghost,permit,submitted,2025-01-02\n"  # no such product (reported once)
        "ghost,permit,query,2025-01-03\n"
        "b,permit,submitted,2025-01-02\n"  # b's catalogue is unknown: reported on the product
        "a,reg,submitted,2025-07-01\n",  # after today
    )
    assert problems(read_pathway_csv, gates, products, events, today=date(2025, 6, 30)) == [
        "p.csv, line 3, field 'catalogue': catalogue 'zz' is not in the gates file; allowed: c",
        "e.csv, line 2, field 'kind': product 'a', gate 'permit': the first event at a gate must be "
        "'submitted', "
        "not 'query'; allowed: submitted, then query/answered, decision or withdrawn",
        "e.csv, line 3, field 'gate': product 'a', gate 'launch': gate 'launch' is not in the product's "
        "catalogue; allowed: permit, reg",
        "e.csv, line 4, field 'product': product 'ghost' is not in the products file; allowed: a product "
        "listed "
        "there",
        "e.csv, line 7, field 'date': product 'a', gate 'reg': 2025-07-01 is after today (2025-06-30); "
        "allowed: "
        "dates up to today",
    ]


def test_report_tables():
    data = read_pathway_csv(DATA / "gates.csv", DATA / "products.csv", DATA / "events.csv")
    today = date(2025, 6, 30)
    report = pathway_report(
        data.products, data.events, data.gates_by_catalogue, calendar=russian_calendar(), today=today
    )
    tables = report_tables(report)
    assert list(tables) == [
        "gates",
        "agencies",
        "stuck",
        "bottleneck_gates",
        "bottleneck_unclocked_gates",
        "bottleneck_agencies",
        "trl_funnel",
        "positions",
        "clocks",
    ]
    header, rows = tables["trl_funnel"]
    assert header == ("trl", "products", "research", "trials", "registration", "production", "market")
    assert rows[7] == [8, 2, 0, 0, 1, 0, 1] and rows[-1] == ["all", 5, 0, 3, 1, 0, 1]
    header, rows = tables["stuck"]
    assert rows[0][:7] == ["m2", "med", "registration", "minzdrav", "at_agency", date(2025, 5, 5), 56]
    header, rows = tables["bottleneck_agencies"]
    assert rows[0][:3] == [1, "minzdrav", "ct-permit registration"]
    assert len(tables["clocks"][1]) == 10 and len(tables["positions"][1]) == 5
