"""Reading statistics files: every problem reported at once (file, line, column, value), nothing half-read;
CSV, XLSX and Parquet give the same facts; the column mapping is validated.

Expected issues are worked out by hand from the small files below (the header is line 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from clusterworks.web.observatory.services.reading import Columns, StatisticsFileError, read_statistics

COLUMNS = Columns.parse(
    "region=st, region_name=name, activity=cl, year=yr, employment=emp, establishments=est"
)
GOOD = (
    "st,name,cl,yr,emp,est\nUS-MA,Massachusetts,5,2016,100,3\n25,Texas,5,2016,NA,4\n"
    "US-CA,California,5,2016,0,0\n"
)
US = {"US-MA": "Massachusetts", "US-TX": "Texas", "US-CA": "California"}


def _write(tmp_path: Path, text: str, name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_reads_with_names_mapped_to_codes_and_missing_kept(tmp_path):
    parsed = read_statistics(_write(tmp_path, GOOD), file_name="f.csv", columns=COLUMNS, region_codes=US)
    assert parsed.rows == 3
    assert set(parsed.regions) == {"US-MA", "US-TX", "US-CA"}  # "25" + "Texas" -> US-TX by name
    facts = {(f[0], f[3]): f[4] for f in parsed.facts}
    assert facts[("US-MA", "employment")] == 100.0
    assert facts[("US-TX", "employment")] is None  # NA is missing, never 0
    assert facts[("US-CA", "employment")] == 0.0
    assert parsed.missing == 1
    assert parsed.years == [2016]


def test_every_problem_is_reported_with_line_and_column(tmp_path):
    text = (
        "st,name,cl,yr,emp,est\n"
        "US-MA,Massachusetts,5,2016,100,3\n"  # line 2: fine
        "US-MA,Massachusetts,5,2016,90,3\n"  # line 3: duplicate of line 2
        "US-ZZ,Atlantis,5,2016,1,1\n"  # line 4: unknown region
        "US-CA,California,5,20x6,1,1\n"  # line 5: bad year
        "US-TX,Texas,5,2016,-3,abc\n"  # line 6: negative and not a number
        "US-TX,Texas,,2016,1,1\n"  # line 7: empty activity
    )
    with pytest.raises(StatisticsFileError) as caught:
        read_statistics(_write(tmp_path, text), file_name="f.csv", columns=COLUMNS, region_codes=US)
    got = {(i.line, i.field, i.value) for i in caught.value.issues}
    assert got == {
        (3, "cl", "5"),
        (4, "st", "US-ZZ"),
        (5, "yr", "20x6"),
        (6, "emp", "-3"),
        (6, "est", "abc"),
        (7, "cl", ""),
    }
    duplicate = next(i for i in caught.value.issues if i.line == 3)
    assert "line 2" in duplicate.message  # names both lines
    assert all(i.file == "f.csv" for i in caught.value.issues)
    assert caught.value.total == 6


def test_missing_columns_are_all_named(tmp_path):
    with pytest.raises(StatisticsFileError) as caught:
        read_statistics(_write(tmp_path, "st,cl\nUS-MA,5\n"), file_name="f.csv", columns=COLUMNS)
    assert {i.value for i in caught.value.issues} == {""}
    assert {i.field for i in caught.value.issues} == {"name", "yr", "emp", "est"}
    assert all(i.line == 1 for i in caught.value.issues)


def test_empty_file_is_a_problem(tmp_path):
    with pytest.raises(StatisticsFileError, match="no data rows"):
        read_statistics(_write(tmp_path, "st,name,cl,yr,emp,est\n"), file_name="f.csv", columns=COLUMNS)


def test_xlsx_and_parquet_give_the_same_facts_as_csv(tmp_path):
    import csv

    import duckdb
    import openpyxl

    source = _write(tmp_path, GOOD)
    expected = read_statistics(source, file_name="f.csv", columns=COLUMNS, region_codes=US).facts
    rows = list(csv.reader(GOOD.splitlines()))
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append([int(c) if c.isdigit() else c for c in row])
    workbook.save(tmp_path / "f.xlsx")
    got = read_statistics(tmp_path / "f.xlsx", file_name="f.xlsx", columns=COLUMNS, region_codes=US).facts
    assert got == expected
    duckdb.sql(
        f"COPY (SELECT * FROM read_csv('{source}', all_varchar=true)) "
        f"TO '{tmp_path / 'f.parquet'}' (FORMAT parquet)"
    )
    got = read_statistics(
        tmp_path / "f.parquet", file_name="f.parquet", columns=COLUMNS, region_codes=US
    ).facts
    assert got == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("region=a, activity=b", "no measure"),
        ("region=a, employment=e, year=y", "lacks activity"),
        ("region=a, activity=b, employment=e", "no year"),
        ("region=a, activity=b, colour=c, year=y", "unknown"),
        ("region a, activity=b", "not name=column"),
    ],
)
def test_bad_column_mappings_are_refused(text, message):
    with pytest.raises(ValueError, match=message):
        Columns.parse(text)
