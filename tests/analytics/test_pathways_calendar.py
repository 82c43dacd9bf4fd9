"""The working-day calendar: counts against the official Russian production calendars, the convention
(start excluded, end included), the inverse, the vectorised count, calendar files, and the doctests
of the whole pathways package.

Expected yearly totals (five-day week): 2020 248, 2021 247, 2022 247, 2023 247, 2024 248, 2025 247,
2026 247 working days, as published with the Government's decrees on the transfers of days off
(No. 875 of 10.07.2019, 1648 of 10.10.2020, 1564 of 16.09.2021, 1505 of 29.08.2022, 1314 of
10.08.2023, 1335 of 04.10.2024, 1466 of 24.09.2025) and recounted by hand below.
"""

from __future__ import annotations

import csv
import doctest
import importlib
import random
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from clusterworks.analytics.pathways import (
    InvalidPathwayInput,
    PathwayError,
    WorkingCalendar,
    load_calendar,
    russian_calendar,
)

BUNDLED = (
    Path(__file__).resolve().parents[2]
    / "src"
    / "clusterworks"
    / "analytics"
    / "datasets"
    / "ru_production_calendar.csv"
)


@pytest.fixture(scope="module")
def cal():
    return russian_calendar()


def month(cal, year, number):
    """Working days of a month: (last day of the previous month, last day of this one]."""
    first = date(year, number, 1)
    following = date(year + (number == 12), number % 12 + 1, 1)
    return cal.working_days(first - timedelta(days=1), following - timedelta(days=1))


def test_january_2025_by_hand(cal):
    # January 2025 has 31 days: weekends 4-5, 11-12, 18-19, 25-26 (8 days); the holidays 1-8 January
    # fall on Wed 1, Thu 2, Fri 3, Mon 6, Tue 7, Wed 8 (6 weekdays): 31 - 8 - 6 = 17.
    assert month(cal, 2025, 1) == 17
    working = [d for d in range(1, 32) if cal.is_working(date(2025, 1, d))]
    assert working[0] == 9 and len(working) == 17


def test_every_month_of_2025(cal):
    # The official production calendar of 2025 (Decree No. 1335 of 04.10.2024), recounted:
    # Feb: 20 weekdays; 24 Feb is working (the day off of Sun 23 Feb moved to 8 May) -> 20.
    # Mar: 21 weekdays; 10 Mar is working (the day off of Sat 8 Mar moved to 13 Jun) -> 21.
    # May: 22 weekdays - 1, 2 (from 4 Jan), 8 (from 23 Feb), 9 May = 18.
    # Jun: 21 weekdays - 12, 13 (from 8 Mar) = 19.
    # Nov: 20 weekdays + Sat 1 Nov (working) - 3 Nov (its day off), 4 Nov = 19.
    # Dec: 23 weekdays - 31 Dec (from 5 Jan) = 22.
    expected = [17, 20, 21, 22, 18, 19, 23, 21, 22, 23, 19, 22]
    assert [month(cal, 2025, m) for m in range(1, 13)] == expected
    assert sum(expected) == 247


@pytest.mark.parametrize(
    ("year", "total", "arithmetic"),
    [
        # days - weekend days + working weekends - weekday holidays
        (2020, 248, "366 - 104 + 0 - 14 (1-3, 6-8 Jan; 24 Feb; 9 Mar; 1, 4, 5, 11 May; 12 Jun; 4 Nov)"),
        (
            2021,
            247,
            "365 - 104 + 1 (20 Feb) - 15 (1, 4-8 Jan; 22, 23 Feb; 8 Mar; 3, 10 May; 14 Jun; 4, 5 Nov; "
            "31 Dec)",
        ),
        (2022, 247, "365 - 105 + 1 (5 Mar) - 14 (3-7 Jan; 23 Feb; 7, 8 Mar; 2, 3, 9, 10 May; 13 Jun; 4 Nov)"),
        (2023, 247, "365 - 105 + 0 - 13 (2-6 Jan; 23, 24 Feb; 8 Mar; 1, 8, 9 May; 12 Jun; 6 Nov)"),
        (
            2024,
            248,
            "366 - 104 + 3 (27 Apr, 2 Nov, 28 Dec) - 17 (1-5, 8 Jan; 23 Feb; 8 Mar; 29, 30 Apr; 1, 9, 10 "
            "May; 12 Jun; 4 Nov; 30, 31 Dec)",
        ),
        (
            2025,
            247,
            "365 - 104 + 1 (1 Nov) - 15 (1-3, 6-8 Jan; 1, 2, 8, 9 May; 12, 13 Jun; 3, 4 Nov; 31 Dec)",
        ),
        (2026, 247, "365 - 104 + 0 - 14 (1, 2, 5-9 Jan; 23 Feb; 9 Mar; 1, 11 May; 12 Jun; 4 Nov; 31 Dec)"),
    ],
)
def test_working_days_per_year(cal, year, total, arithmetic):
    assert cal.working_days(date(year - 1, 12, 31), date(year, 12, 31)) == total, arithmetic


def test_2027_is_provisional(cal):
    # No decree for 2027 was found: only art. 112 (holidays, and a weekend holiday's day off moved to
    # the next working day: 3 May, 10 May, 14 Jun). 365 - 104 - 12 (1, 4-8 Jan; 23 Feb; 8 Mar; 3, 10 May;
    # 14 Jun; 4 Nov) = 249.
    assert cal.working_days(date(2026, 12, 31), date(2027, 12, 31)) == 249
    with open(BUNDLED, encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["date"].startswith("2027")]
    moved = [row for row in rows if "part 2" in row["source"]]
    assert {row["date"] for row in moved} == {"2027-05-03", "2027-05-10", "2027-06-14"}
    assert all("PROVISIONAL" in row["source"] for row in moved)


def test_bundled_file_is_well_formed():
    with open(BUNDLED, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["date", "kind", "source"]
    days = [date.fromisoformat(row["date"]) for row in rows]
    assert days == sorted(days) and len(set(days)) == len(days)
    assert {d.year for d in days} == set(range(2020, 2028))
    for row, day in zip(rows, days, strict=True):
        assert row["source"].strip(), row
        if row["kind"] == "working_weekend":
            assert day.weekday() >= 5 and "Government Decree No." in row["source"], row
        else:
            assert row["kind"] == "holiday", row
    # The 14 holidays of Labour Code art. 112 each year (1-8 Jan, 23 Feb, 8 Mar, 1 May, 9 May, 12 Jun, 4 Nov).
    for year in range(2020, 2028):
        statutory = [row for row in rows if row["date"].startswith(str(year)) and "part 1" in row["source"]]
        assert len(statutory) == 14, year


def test_convention_start_excluded_end_included(cal):
    friday, monday = date(2025, 3, 14), date(2025, 3, 17)
    assert cal.working_days(friday, friday) == 0
    assert cal.working_days(friday, monday) == 1  # Saturday and Sunday do not count, Monday does
    assert cal.working_days(monday, friday) == -1  # reversed: minus the count of (friday, monday]
    # A 5-working-day limit from a submission on Monday 17 March ends on Monday 24 March.
    assert cal.add_working_days(monday, 5) == date(2025, 3, 24)
    assert cal.add_working_days(monday, 0) == monday


def test_transfers_are_honoured(cal):
    assert not cal.is_working(date(2025, 5, 8))  # day off moved from Sun 23 Feb
    assert cal.is_working(date(2025, 2, 24))  # so Monday 24 Feb works
    assert cal.is_working(date(2024, 12, 28))  # a working Saturday
    assert not cal.is_working(date(2024, 12, 29))
    # From Friday 27 Dec 2024: Sat 28 Dec works, 30 Dec - 8 Jan off -> the 2nd working day is 9 Jan.
    assert cal.add_working_days(date(2024, 12, 27), 1) == date(2024, 12, 28)
    assert cal.add_working_days(date(2024, 12, 27), 2) == date(2025, 1, 9)
    assert cal.calendar_days_for(date(2024, 12, 27), 2) == 13


def brute_force(cal, start, end):
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += cal.is_working(day)
    return count


def test_against_a_day_by_day_count(cal):
    rng = random.Random(7)
    for _ in range(400):
        start = date(2019, 1, 1) + timedelta(days=rng.randrange(9 * 365))
        end = start + timedelta(days=rng.randrange(0, 500))
        n = brute_force(cal, start, end)
        assert cal.working_days(start, end) == n
        assert cal.working_days(end, start) == -n
        k = rng.randrange(1, 80)
        target = cal.add_working_days(start, k)
        assert cal.is_working(target) and brute_force(cal, start, target) == k
        assert brute_force(cal, start, target - timedelta(days=1)) == k - 1


def test_outside_the_lookup_table_numpy_counts():
    cal = WorkingCalendar(frozenset({date(2161, 1, 1)}), frozenset({date(2161, 1, 3)}))  # Thu, Sat
    # (31 Dec 2160, 6 Jan 2161]: Thu 1 (holiday), Fri 2, Sat 3 (working), Mon 5, Tue 6 -> 4
    assert cal.working_days(date(2160, 12, 31), date(2161, 1, 6)) == 4
    assert cal.working_days(date(2161, 1, 6), date(2160, 12, 31)) == -4
    assert cal.add_working_days(date(2160, 12, 31), 2) == date(2161, 1, 3)
    assert cal.add_working_days(date(2160, 12, 31), 4) == date(2161, 1, 6)


def test_vectorised_count_matches_the_scalar(cal):
    rng = np.random.default_rng(3)
    starts = np.datetime64("2019-06-01") + rng.integers(0, 3000, size=500).astype("timedelta64[D]")
    ends = starts + rng.integers(-200, 400, size=500).astype("timedelta64[D]")
    counts = cal.count_working_days(starts, ends)
    expected = [
        cal.working_days(s.astype(object), e.astype(object)) for s, e in zip(starts, ends, strict=True)
    ]
    assert counts.tolist() == expected
    with pytest.raises(PathwayError, match="same shape"):
        cal.count_working_days(starts, ends[:3])
    with pytest.raises(PathwayError, match="NaT"):
        cal.count_working_days(
            np.array(["NaT"], dtype="datetime64[D]"), np.array(["2025-01-01"], dtype="datetime64[D]")
        )


def test_calendar_arguments_are_checked(cal):
    with pytest.raises(PathwayError, match="2025-03-12, a Wednesday.*Saturdays and Sundays"):
        WorkingCalendar(frozenset(), frozenset({date(2025, 3, 12)}))
    with pytest.raises(PathwayError, match="both a holiday and a working weekend"):
        WorkingCalendar(frozenset({date(2025, 3, 15)}), frozenset({date(2025, 3, 15)}))
    with pytest.raises(PathwayError, match="not a date"):
        WorkingCalendar(frozenset({"2025-01-01"}))
    with pytest.raises(PathwayError, match="n -1 is not allowed"):
        cal.add_working_days(date(2025, 1, 1), -1)
    with pytest.raises(PathwayError, match="not a date"):
        cal.working_days("2025-01-01", date(2025, 2, 1))
    assert cal.span == (date(2020, 1, 1), date(2027, 12, 31))
    assert cal.covers(date(2025, 1, 1), date(2027, 12, 31)) and not cal.covers(
        date(2025, 1, 1), date(2028, 1, 1)
    )


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_load_calendar_extends_and_overrides(tmp_path, cal):
    extra = write(
        tmp_path / "extra.csv",
        "date,kind,source\n"
        "2025-06-02,holiday,regional act\n"  # a Monday made a holiday
        "2025-11-01,holiday,test\n"  # the working Saturday becomes a day off
        "2025-05-08,working,test\n"  # a moved day off cancelled: Thursday works
        "2025-06-14,working_weekend,test\n",  # a Saturday made working
    )
    merged = load_calendar(extra)
    assert not merged.is_working(date(2025, 6, 2)) and cal.is_working(date(2025, 6, 2))
    assert not merged.is_working(date(2025, 11, 1))
    assert merged.is_working(date(2025, 5, 8))
    assert merged.is_working(date(2025, 6, 14))
    # 247 - 1 (2 Jun) - 1 (1 Nov) + 1 (8 May) + 1 (14 Jun) = 247
    assert merged.working_days(date(2024, 12, 31), date(2025, 12, 31)) == 247
    alone = load_calendar(extra, base=None)
    assert alone.holidays == {date(2025, 6, 2), date(2025, 11, 1)} and alone.span is None
    assert alone.working_days(date(2024, 12, 31), date(2025, 1, 31)) == 23  # only weekends are off


def test_load_calendar_reports_every_problem(tmp_path):
    bad = write(
        tmp_path / "bad.csv",
        "date,kind,source\n"
        "2025-13-01,holiday,x\n"
        "2025-06-03,feast,x\n"
        "2025-06-04,working_weekend,x\n"
        "2025-06-07,working,x\n"
        "2025-06-09,holiday,x\n"
        "2025-06-09,holiday,again\n"
        "2025-06-10,holiday\n",
    )
    with pytest.raises(InvalidPathwayInput) as caught:
        load_calendar(bad)
    lines = caught.value.lines()
    assert lines == [
        "bad.csv, line 2, field 'date': '2025-13-01' is not a date; allowed: YYYY-MM-DD",
        "bad.csv, line 3, field 'kind': 'feast' is not a kind of day; allowed: holiday, working_weekend, "
        "working",
        "bad.csv, line 4, field 'kind': 2025-06-04 is a Wednesday, not a weekend day; allowed: "
        "working_weekend on a Saturday or Sunday (a weekday is working unless it is a holiday; use "
        "'working' to cancel a holiday)",
        "bad.csv, line 5, field 'kind': 2025-06-07 is a Saturday; allowed: 'working' on a weekday only (use "
        "working_weekend for a Saturday or Sunday)",
        "bad.csv, line 7, field 'date': 2025-06-09 is already on line 6; allowed: each date once",
        "bad.csv, line 8: the row has 2 field(s) and the header 3; allowed: one value per column",
    ]
    assert caught.value.issues[0].value == "2025-13-01"
    missing = write(tmp_path / "missing.csv", "day,kind\n2025-01-01,holiday\n")
    with pytest.raises(InvalidPathwayInput, match="missing column 'date'"):
        load_calendar(missing)
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("date,kind,source\n2025-06-02,holiday,caf\xe9\n".encode("latin-1"))
    with pytest.raises(InvalidPathwayInput, match="latin1.csv, line 2: byte 0xe9 is not UTF-8"):
        load_calendar(latin1)
    with pytest.raises(PathwayError, match="base 'german' is not allowed"):
        load_calendar(missing, base="german")


MODULES = ["calendar", "events", "clock", "statistics", "analysis", "forecast", "io", "messages", "synthetic"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(f"clusterworks.analytics.pathways.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_package_doctest():
    result = doctest.testmod(importlib.import_module("clusterworks.analytics.pathways"))
    assert result.failed == 0 and result.attempted > 0


def test_no_django_in_the_library():
    import subprocess
    import sys

    code = (
        "import sys, clusterworks.analytics.pathways as p; p.russian_calendar(); "
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_methods_page_examples():
    page = Path(__file__).resolve().parents[2] / "docs" / "methods" / "pathways.md"
    result = doctest.testfile(str(page), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted >= 10
