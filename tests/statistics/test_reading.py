"""Reading and validating long-form statistics: every bad input gives the exact FileIssue (line,
field) and leaves the store unchanged; suppressed cells follow the documented rule; CSV, Parquet and
XLSX give the same store."""

from __future__ import annotations

import math

import duckdb
import openpyxl
import pytest

from clusterworks.analytics.issues import InvalidInput
from clusterworks.statistics import (
    SIZE_CLASSES,
    Classification,
    Crosswalk,
    Store,
    import_statistics,
    read_statistics,
)

from ._data import STATE_COLUMNS, states_csv, write_csv

HEADER = ["region_code_t", "cluster_code_t", "year_t", "emp_tl", "est_tl", "ap_tl"]
GOOD = [["01", "116", 2016, 10811, 861, 489088], ["01", "115", 2016, 115160, 11948, 5247339]]
CHECKED = {"region_system": "us-state", "activity_system": "uscmp-cluster"}


@pytest.fixture
def store():
    s = Store.open()
    yield s
    s.close()


def _snapshot(store: Store):
    return store.query("SELECT count(*) FROM datasets")[0][0], store.query("SELECT count(*) FROM facts")[0][0]


def _issues(store, path, **kw) -> InvalidInput:
    before = _snapshot(store)
    with pytest.raises(InvalidInput) as e:
        import_statistics(store, path, dataset="bad", columns=kw.pop("columns", STATE_COLUMNS), **kw)
    assert _snapshot(store) == before  # nothing written
    assert store.query("SELECT count(*) FROM duckdb_tables() WHERE temporary")[0][0] == 0  # staging dropped
    return e.value


def test_every_problem_is_reported_with_line_and_field(store, tmp_path):
    import_statistics(
        store, write_csv(tmp_path / "ok.csv", HEADER, GOOD), dataset="ok", columns=STATE_COLUMNS, **CHECKED
    )
    rows = GOOD + [
        ["01", "114", 2016, "12a", 5, 6],  # line 4: not a number
        ["01", "113", 2016, 7, -5, 6],  # line 5: negative
        ["01", "112", 2016, 7, 5, ""],  # line 6: missing
        ["01", "116", 2016, 1, 1, 1],  # line 7: duplicates line 2
        ["99", "111", 2016, 1, 1, 1],  # line 8: unknown state
        ["02", "1160", 2016, 1, 1, 1],  # line 9: unknown cluster, close to 116
        ["02", "110", "20x6", 1, 1, 1],  # line 10: year
        ["", "109", 2016, 1, 1, 1],  # line 11: empty region
        ["02", "108", 2016, "nan", 1, 1],  # line 12: NaN is not a number
    ]
    err = _issues(store, write_csv(tmp_path / "bad.csv", HEADER, rows), **CHECKED)
    got = {(i.line, i.field) for i in err.issues}
    assert got == {
        (4, "emp_tl"),
        (5, "est_tl"),
        (6, "ap_tl"),
        (7, "region_code_t"),
        (8, "region_code_t"),
        (9, "cluster_code_t"),
        (10, "year_t"),
        (11, "region_code_t"),
        (12, "emp_tl"),
    }
    assert err.total == 9
    by = {(i.line, i.field): i for i in err.issues}
    assert all(i.file == "bad.csv" for i in err.issues)
    assert by[4, "emp_tl"].value == "12a" and "not a number" in by[4, "emp_tl"].message
    assert "negative" in by[5, "est_tl"].message
    assert "missing" in by[6, "ap_tl"].message
    assert (
        "also on line 2" in by[7, "region_code_t"].message
        and by[7, "region_code_t"].value == "01 / 116 / 2016"
    )
    assert "unknown us-state 2020 code" in by[8, "region_code_t"].message
    assert "close codes: 116" in by[9, "cluster_code_t"].message.replace("116,", "116")
    assert "whole number" in by[10, "year_t"].message
    assert [i.line for i in err.issues] == sorted(i.line for i in err.issues)


def test_missing_column_is_line_one(store, tmp_path):
    path = write_csv(tmp_path / "h.csv", HEADER[:-1], [r[:-1] for r in GOOD])
    err = _issues(store, path)
    assert [(i.line, i.field) for i in err.issues] == [(1, "ap_tl")]


def test_issue_cap_keeps_first_hundred_and_counts_all(store, tmp_path):
    rows = [["01", str(c), 2016, -1, 1, 1] for c in range(250)]
    err = _issues(store, write_csv(tmp_path / "many.csv", HEADER, rows))
    assert err.total == 250 and len(err.issues) == 100
    assert [i.line for i in err.issues] == list(range(2, 102))


def test_suppressed_cells_follow_the_documented_rule(store, tmp_path):
    header = [*HEADER, "empflag_t"]
    rows = [
        ["01", "1", 2016, "D", 3, 10, ""],  # value flag
        ["01", "2", 2016, "(S)", 3, 10, ""],  # value flag in parentheses
        ["01", "3", 2016, 0, 3, 10, "B"],  # CBP: size class B (20-99), 0 placeholder
        ["01", "4", 2016, 0, 3, 10, "m"],  # size class M: no upper bound
        ["01", "5", 2016, 42, 3, "(D)", ""],  # a suppressed payroll
        ["01", "6", 2016, 42, 3, 10, ""],
    ]
    path = write_csv(tmp_path / "s.csv", header, rows)
    cols = {**STATE_COLUMNS, "flag": "empflag_t"}
    s = import_statistics(store, path, dataset="s", columns=cols)
    assert (s.suppressed, s.imputed) == (5, 0)  # 4 employments + 1 payroll, none imputed by default
    m = store.matrix("s")
    assert [math.isnan(v) for v in m.row("01")] == [True, True, True, True, False, False]
    assert store.matrix("s", suppressed="zero").row("01").tolist() == [0, 0, 0, 0, 42, 42]
    assert math.isnan(store.matrix("s", measure="payroll").get("01", "5"))
    flags = store.query(
        "SELECT activity, flag FROM facts WHERE dataset = 's' AND suppressed ORDER BY 1, measure"
    )
    assert flags == [("1", "D"), ("2", "(S)"), ("3", "B"), ("4", "M"), ("5", "(D)")]
    mid = import_statistics(store, path, dataset="mid", columns=cols, suppressed="midpoint")
    assert (mid.suppressed, mid.imputed) == (5, 1)
    row = store.matrix("mid").row("01")
    assert row[2] == 59.5  # size class B = 20-99: midpoint (20 + 99) / 2 by hand
    assert SIZE_CLASSES["B"] == (20, 99)
    assert math.isnan(row[0]) and math.isnan(row[3])  # D and M stay missing


def test_unknown_flag_is_an_error(store, tmp_path):
    path = write_csv(tmp_path / "f.csv", [*HEADER, "flag"], [["01", "1", 2016, 0, 1, 1, "Z"]])
    err = _issues(store, path, columns={**STATE_COLUMNS, "flag": "flag"})
    assert [(i.line, i.field, i.value) for i in err.issues] == [(2, "flag", "Z")]


def _naics_2012(store):
    # NAICS 2012 -> 2017 (US Census Bureau concordance): 541711 (R&D in biotechnology) split into 541713
    # (nanotechnology part) and 541714; 541712 into 541713 and 541715. 336411 is unchanged.
    store.add_classification(
        Classification(
            "naics", "2012", ("336411", "541711", "541712"), ("Aircraft", "R&D bio", "R&D other"), ("",) * 3
        )
    )
    store.add_crosswalk(
        Crosswalk(
            "naics",
            "2012",
            "naics",
            "2017",
            (
                ("336411", "336411", 1.0),
                ("541711", "541713", 0.5),
                ("541711", "541714", 0.5),
                ("541712", "541713", 0.5),
                ("541712", "541715", 0.5),
            ),
        )
    )


def test_mixed_vintages_and_crosswalk_suggestions(store, tmp_path):
    _naics_2012(store)
    rows = [
        ["01", "336411", 2016, 1],  # line 2: in both vintages
        ["01", "541713", 2016, 1],  # line 3: 2017 only
        ["01", "541714", 2016, 1],  # line 4: 2017 only
        ["01", "541711", 2016, 1],  # line 5: 2012 only
        ["01", "541712", 2016, 1],  # line 6: 2012 only
        ["01", "541799", 2016, 1],  # line 7: in neither
    ]
    path = write_csv(tmp_path / "v.csv", ["st", "naics", "yr", "emp"], rows)
    cols = {"region": "st", "activity": "naics", "year": "yr", "employment": "emp"}
    err = _issues(store, path, columns=cols, activity_system="naics", activity_vintage="2017")
    by = {i.line: i for i in err.issues}
    assert sorted(by) == [5, 6, 7] and err.total == 4  # mixed-vintage summary (line 5) + 3 codes
    msgs = [i.message for i in err.issues if i.line == 5]
    assert any("naics 2012 code 541711 -> 2017: 541713/541714" in m for m in msgs)
    mixed = next(m for m in msgs if m.startswith("mixed"))
    assert "2 codes only valid in 2012 (first on line 5: 541711)" in mixed
    assert "2 only valid in 2017 (first on line 3: 541713)" in mixed
    assert "541712 -> 2017: 541713/541715" in by[6].message
    assert "unknown naics 2017 code" in by[7].message
    # undeclared vintage: inferred as the one covering most codes (2017: 3 of 5 known), same problems
    err2 = _issues(store, path, columns=cols, activity_system="naics")
    assert err2.total == 4


def test_unknown_vintage_or_system_is_an_argument_error(store, tmp_path):
    path = write_csv(tmp_path / "ok.csv", HEADER, GOOD)
    with pytest.raises(ValueError, match="vintage '2012' is not stored"):
        import_statistics(
            store, path, dataset="x", columns=STATE_COLUMNS, activity_system="naics", activity_vintage="2012"
        )
    with pytest.raises(ValueError, match="no classification 'isic'"):
        import_statistics(store, path, dataset="x", columns=STATE_COLUMNS, activity_system="isic")
    with pytest.raises(ValueError, match="unknown roles"):
        import_statistics(store, path, dataset="x", columns={**STATE_COLUMNS, "jobs": "emp_tl"})
    with pytest.raises(ValueError, match="format not recognised"):
        import_statistics(store, tmp_path / "x.json", dataset="x", columns=STATE_COLUMNS)


def test_long_long_form_with_measure_column(store, tmp_path):
    rows = [
        ["01", "1", 2016, "employment", 5],
        ["01", "1", 2016, "payroll", 7],
        ["01", "1", 2016, "employment", 6],
    ]
    path = write_csv(tmp_path / "l.csv", ["r", "a", "y", "m", "v"], rows)
    cols = {"region": "r", "activity": "a", "year": "y", "measure": "m", "value": "v"}
    err = _issues(store, path, columns=cols)
    assert [(i.line, i.field) for i in err.issues] == [(4, "r")]  # (01, 1, 2016, employment) twice
    stats = read_statistics(
        path.with_name("l2.csv")
        if False
        else write_csv(tmp_path / "l2.csv", ["r", "a", "y", "m", "v"], rows[:2]),
        columns=cols,
    )
    assert stats.summary.facts == 2 and stats.facts.column("value").to_pylist() == [5.0, 7.0]


def _state_subset(tmp_path):
    """The first 400 rows of the real state file, as CSV, Parquet and XLSX."""
    con = duckdb.connect()
    src = str(states_csv())
    con.execute(
        f"CREATE TABLE t AS SELECT region_code_t, cluster_code_t, CAST(year_t AS INTEGER) AS year_t, "
        f"CAST(emp_tl AS BIGINT) AS emp_tl, CAST(est_tl AS BIGINT) AS est_tl, CAST(ap_tl AS BIGINT) AS ap_tl "
        f"FROM read_csv('{src}', all_varchar = true) LIMIT 400"
    )
    rows = con.execute("SELECT * FROM t").fetchall()
    csv_path = write_csv(tmp_path / "s.csv", HEADER, rows)
    pq = tmp_path / "s.parquet"
    con.execute(f"COPY t TO '{pq}' (FORMAT parquet)")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows:
        ws.append(list(r))
    xlsx = tmp_path / "s.xlsx"
    wb.save(xlsx)
    return csv_path, pq, xlsx


def test_csv_parquet_and_xlsx_give_the_same_store(store, tmp_path):
    paths = _state_subset(tmp_path)
    for name, path in zip(("csv", "parquet", "xlsx"), paths, strict=True):
        s = import_statistics(store, path, dataset=name, columns=STATE_COLUMNS, **CHECKED)
        assert (s.rows, s.facts) == (400, 1200)
    ref = store.facts("csv")
    assert store.facts("parquet").equals(ref) and store.facts("xlsx").equals(ref)


def test_parquet_and_xlsx_errors_keep_line_numbers(store, tmp_path):
    con = duckdb.connect()
    pq = tmp_path / "b.parquet"
    con.execute(
        f"COPY (SELECT * FROM (VALUES ('01', '1', 2016, 5, 1, 1), ('01', '2', 2016, -5, 1, 1)) "
        f"t({', '.join(HEADER)})) TO '{pq}' (FORMAT parquet)"
    )
    assert [(i.line, i.field) for i in _issues(store, pq).issues] == [(3, "emp_tl")]  # row 2 -> line 3
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["01", "1", 2016, 5, 1, 1])
    ws.append(["01", "2", 2016, 5, "abc", 1])
    wb.save(tmp_path / "b.xlsx")
    assert [(i.line, i.field) for i in _issues(store, tmp_path / "b.xlsx").issues] == [(3, "est_tl")]


def test_empty_file(store, tmp_path):
    err = _issues(store, write_csv(tmp_path / "e.csv", HEADER, []))
    assert "no data rows" in err.issues[0].message
