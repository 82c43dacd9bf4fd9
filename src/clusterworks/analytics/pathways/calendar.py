"""Working days: a calendar of Mondays to Fridays less holidays, plus weekend days made working.

Russian statutory time limits are counted in working days ("рабочие дни") or calendar days. A working
day is a Monday to Friday that is not a non-working holiday (Labour Code art. 112), and not a day off
moved onto a weekday by the Government's decree on the transfers of days off for that year; a
Saturday or Sunday is a working day when such a decree moved its day off to a weekday.

Convention: :meth:`WorkingCalendar.working_days` counts the working days ``d`` with
``start < d <= end``. The day of submission does not count and the day of the decision does, as in
Russian administrative practice: a time limit "begins the day after the date on which it starts"
(Civil Code art. 191, applied to administrative deadlines), so a 5-working-day limit from a submission
on Monday runs out on the next Monday, 5 working days later. :meth:`WorkingCalendar.add_working_days`
is its inverse. The bundled Russian calendar (:func:`russian_calendar`) is compiled from the decrees
cited in its ``source`` column; :func:`load_calendar` adds or overrides days from a file.
"""

from __future__ import annotations

import bisect
import csv
import functools
import io
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .errors import FileIssue, InvalidPathwayInput, PathwayError, _Collector, _text

__all__ = [
    "CALENDAR_COLUMNS",
    "CALENDAR_KINDS",
    "WorkingCalendar",
    "load_calendar",
    "russian_calendar",
]

#: Columns of a calendar file.
CALENDAR_COLUMNS = ("date", "kind", "source")
#: Kinds of day in a calendar file: ``holiday`` (a non-working day, e.g. a public holiday or a day off
#: moved onto a weekday), ``working_weekend`` (a Saturday or Sunday made working) and ``working`` (a
#: weekday that is working after all: it removes a holiday of the calendar being extended).
CALENDAR_KINDS = ("holiday", "working_weekend", "working")

_BUNDLED = "ru_production_calendar.csv"

#: The days covered by the lookup table of cumulative working days (outside it numpy counts).
_TABLE_FIRST = date(1950, 1, 1)
_TABLE_LAST = date(2149, 12, 31)


def _day(name: str, value: Any) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise PathwayError(
            f"{name} {value!r} is not a date; allowed: a datetime.date such as date(2025, 1, 9)"
        )
    return value


def _days(name: str, values: Any) -> frozenset[date]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise PathwayError(
            f"{name} {_text(repr(values))} is not a set of dates; allowed: a frozenset of dates"
        )
    return frozenset(_day(f"{name} member", value) for value in values)


@dataclass(frozen=True)
class WorkingCalendar:
    """A working-day calendar: Monday to Friday are working days except ``holidays``; Saturdays and
    Sundays are not, except ``working_weekends``.

    Parameters
    ----------
    holidays : frozenset of date
        Non-working days (a holiday on a weekend is allowed and changes nothing).
    working_weekends : frozenset of date
        Saturdays and Sundays that are working days (the Government's transfers of days off).
    span : (date, date) or None
        The first and last day the holidays are known for (``None``: not stated). Outside it only
        weekends are days off; :meth:`covers` tells whether a period lies inside.

    Raises
    ------
    PathwayError
        If a member is not a date, a working weekend is a weekday, or a day is in both sets.

    Examples
    --------
    >>> from datetime import date
    >>> cal = WorkingCalendar(frozenset({date(2025, 1, 1), date(2025, 1, 2)}))
    >>> cal.working_days(date(2024, 12, 31), date(2025, 1, 6))  # Jan 3 (Fri) and Jan 6 (Mon)
    2
    >>> cal.add_working_days(date(2024, 12, 31), 2)
    datetime.date(2025, 1, 6)
    """

    holidays: frozenset[date]
    working_weekends: frozenset[date] = frozenset()
    span: tuple[date, date] | None = None
    _holiday_array: np.ndarray = field(init=False, repr=False, compare=False)
    _working_weekend_array: np.ndarray = field(init=False, repr=False, compare=False)
    _busdays: np.busdaycalendar = field(init=False, repr=False, compare=False)
    _cumulative: list[int] | None = field(init=False, repr=False, compare=False, default=None)
    _cumulative_array: np.ndarray | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        holidays = _days("holidays", self.holidays)
        working = _days("working_weekends", self.working_weekends)
        weekdays = sorted(day for day in working if day.weekday() < 5)
        if weekdays:
            raise PathwayError(
                f"working_weekends has {weekdays[0].isoformat()}, a {weekdays[0]:%A}; allowed: Saturdays and "
                "Sundays only (a weekday is a working day unless it is a holiday)"
            )
        both = sorted(holidays & working)
        if both:
            raise PathwayError(
                f"{both[0].isoformat()} is both a holiday and a working weekend; allowed: one of the two"
            )
        if self.span is not None:
            if not isinstance(self.span, tuple) or len(self.span) != 2:
                raise PathwayError(f"span {self.span!r} is not allowed; allowed: (first, last) dates or None")
            first, last = _day("span start", self.span[0]), _day("span end", self.span[1])
            if last < first:
                raise PathwayError(f"span {first} .. {last} ends before it starts; allowed: first <= last")
        object.__setattr__(self, "holidays", holidays)
        object.__setattr__(self, "working_weekends", working)
        weekday_holidays = np.array(
            sorted(day for day in holidays if day.weekday() < 5), dtype="datetime64[D]"
        )
        object.__setattr__(self, "_holiday_array", weekday_holidays)
        object.__setattr__(self, "_working_weekend_array", np.array(sorted(working), dtype="datetime64[D]"))
        object.__setattr__(self, "_busdays", np.busdaycalendar(weekmask="1111100", holidays=weekday_holidays))

    def _table(self) -> list[int]:
        """``table[i]`` = working days in ``[_TABLE_FIRST, _TABLE_FIRST + i]``, built on first use."""
        if self._cumulative is None:
            days = np.arange(
                np.datetime64(_TABLE_FIRST),
                np.datetime64(_TABLE_LAST) + np.timedelta64(1, "D"),
                dtype="datetime64[D]",
            )
            working = np.is_busday(days, busdaycal=self._busdays) | np.isin(days, self._working_weekend_array)
            cumulative = np.cumsum(working, dtype=np.int64)
            object.__setattr__(self, "_cumulative_array", cumulative)
            object.__setattr__(self, "_cumulative", cumulative.tolist())
        return self._cumulative  # type: ignore[return-value]

    def _count_ordinals(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """:meth:`working_days` for arrays of proleptic ordinals, element by element."""
        self._table()
        table, origin, last = self._cumulative_array, _TABLE_FIRST.toordinal(), _TABLE_LAST.toordinal()
        if starts.size == 0:
            return np.zeros(0, dtype=np.int64)
        low, high = min(starts.min(), ends.min()), max(starts.max(), ends.max())
        if origin <= low and high <= last:
            return table[ends - origin] - table[starts - origin]
        epoch = date(1970, 1, 1).toordinal()
        return self.count_working_days(
            (starts - epoch).astype("datetime64[D]"), (ends - epoch).astype("datetime64[D]")
        )

    def _add_ordinals(self, starts: np.ndarray, n: np.ndarray) -> np.ndarray:
        """:meth:`add_working_days` for arrays of proleptic ordinals and counts (>= 0)."""
        self._table()
        table, origin, last = self._cumulative_array, _TABLE_FIRST.toordinal(), _TABLE_LAST.toordinal()
        result = starts.copy()
        inside = (starts >= origin) & (starts <= last) & (n > 0)
        if inside.any():
            index = np.searchsorted(table, table[starts[inside] - origin] + n[inside], side="left")
            found = index < table.size
            chosen = np.flatnonzero(inside)
            result[chosen[found]] = origin + index[found]
            inside[chosen[~found]] = False
        for position in np.flatnonzero(~inside & (n > 0)).tolist():
            start = date.fromordinal(int(starts[position]))
            result[position] = self.add_working_days(start, int(n[position])).toordinal()
        return result

    def _ordinal_tools(self) -> tuple[Callable[[int, int], int], Callable[[int, int], int]]:
        """``count(a, b)`` = :meth:`working_days` and ``add(a, n)`` = :meth:`add_working_days` on
        proleptic ordinals (``date.toordinal()``), without argument checks: for the library's loops."""
        table, origin, last = self._table(), _TABLE_FIRST.toordinal(), _TABLE_LAST.toordinal()
        size = len(table)

        def count(a: int, b: int) -> int:
            if origin <= a <= last and origin <= b <= last:
                return table[b - origin] - table[a - origin]
            return self.working_days(date.fromordinal(a), date.fromordinal(b))

        def add(a: int, n: int) -> int:
            if n <= 0:
                return a
            if origin <= a <= last:
                index = bisect.bisect_left(table, table[a - origin] + n)
                if index < size:
                    return origin + index
            return self.add_working_days(date.fromordinal(a), n).toordinal()

        return count, add

    # ------------------------------------------------------------------------------ single days

    def is_working(self, day: date) -> bool:
        """Whether ``day`` is a working day.

        Examples
        --------
        >>> from datetime import date
        >>> cal = russian_calendar()
        >>> [cal.is_working(date(2025, 1, 8)), cal.is_working(date(2025, 11, 1)),
        ...  cal.is_working(date(2025, 11, 3))]  # a holiday, a working Saturday, a moved day off
        [False, True, False]
        """
        day = _day("day", day)
        if day in self.working_weekends:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def covers(self, start: date, end: date) -> bool:
        """Whether the holidays are known for every day from ``start`` to ``end`` (``True`` when the
        calendar states no ``span``)."""
        if self.span is None:
            return True
        low, high = min(start, end), max(start, end)
        return self.span[0] <= low and high <= self.span[1]

    def working_days(self, start: date, end: date) -> int:
        """The number of working days ``d`` with ``start < d <= end``.

        The start day (a submission) does not count and the end day (a decision) does: a time limit
        runs from the day after the event that starts it (Civil Code art. 191, as applied to
        administrative deadlines in Russia). For ``end < start`` the result is minus the count for
        ``(end, start]``, so that ``working_days(a, b) + working_days(b, c) == working_days(a, c)``.

        Examples
        --------
        >>> from datetime import date
        >>> cal = russian_calendar()
        >>> cal.working_days(date(2024, 12, 31), date(2025, 1, 31))  # January 2025
        17
        >>> cal.working_days(date(2024, 12, 31), date(2025, 12, 31))  # the year 2025
        247
        """
        start, end = _day("start", start), _day("end", end)
        if _TABLE_FIRST <= start <= _TABLE_LAST and _TABLE_FIRST <= end <= _TABLE_LAST:
            table, origin = self._table(), _TABLE_FIRST.toordinal()
            return table[end.toordinal() - origin] - table[start.toordinal() - origin]
        return int(self.count_working_days(np.datetime64(start), np.datetime64(end)))

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``start`` itself for ``n == 0``): the earliest
        ``d`` with ``working_days(start, d) == n``.

        Examples
        --------
        >>> from datetime import date
        >>> cal = russian_calendar()
        >>> cal.add_working_days(date(2024, 12, 28), 1)  # Sat (working) -> Mon 30 Dec is a day off
        datetime.date(2025, 1, 9)
        """
        start = _day("start", start)
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
            raise PathwayError(f"n {n!r} is not allowed; allowed: a whole number of working days >= 0")
        n = int(n)
        if n == 0:
            return start
        if _TABLE_FIRST <= start <= _TABLE_LAST:
            table, origin = self._table(), _TABLE_FIRST.toordinal()
            index = bisect.bisect_left(table, table[start.toordinal() - origin] + n)
            if index < len(table):
                return date.fromordinal(origin + index)
        # Without the working weekends, numpy finds the day directly; working weekends can only make
        # it earlier, so search between the next day and that one.
        upper = np.busday_offset(
            np.datetime64(start + timedelta(days=1)), n - 1, roll="forward", busdaycal=self._busdays
        )
        low, high = 1, int((upper - np.datetime64(start)).astype(int))
        while low < high:
            middle = (low + high) // 2
            if self.working_days(start, start + timedelta(days=middle)) >= n:
                high = middle
            else:
                low = middle + 1
        return start + timedelta(days=low)

    # ------------------------------------------------------------------------------ vectorised

    def count_working_days(self, starts: Any, ends: Any) -> np.ndarray:
        """:meth:`working_days` for arrays of starts and ends (``datetime64[D]`` or convertible),
        element by element, as an ``int64`` array.

        ``np.busday_count`` counts weekdays that are not holidays in ``[start + 1, end + 1)``; the
        working weekends in ``(start, end]`` are added with two binary searches.

        Examples
        --------
        >>> import numpy as np
        >>> cal = russian_calendar()
        >>> starts = np.array(["2024-12-31", "2025-10-31"], dtype="datetime64[D]")
        >>> ends = np.array(["2025-01-31", "2025-11-05"], dtype="datetime64[D]")
        >>> cal.count_working_days(starts, ends).tolist()  # Jan 2025; Sat 1 Nov works, 3-4 Nov off
        [17, 2]
        """
        try:
            begin = np.asarray(starts, dtype="datetime64[D]")
            finish = np.asarray(ends, dtype="datetime64[D]")
        except (TypeError, ValueError) as exc:
            raise PathwayError(f"starts and ends must be dates (datetime64[D]); {exc}") from None
        if begin.shape != finish.shape:
            raise PathwayError(
                f"starts has shape {begin.shape} and ends {finish.shape}; allowed: arrays of the same shape"
            )
        if np.isnat(begin).any() or np.isnat(finish).any():
            raise PathwayError("starts and ends contain NaT; allowed: dates only")
        one = np.timedelta64(1, "D")
        # np.busday_count counts [begin, end) forwards but (end, begin] backwards: count forwards on the
        # ordered pair and give the sign back.
        low, high = np.minimum(begin, finish), np.maximum(begin, finish)
        counts = np.busday_count(low + one, high + one, busdaycal=self._busdays).astype(np.int64)
        ww = self._working_weekend_array
        if ww.size:
            counts += np.searchsorted(ww, high, "right") - np.searchsorted(ww, low, "right")
        return np.where(finish < begin, -counts, counts)

    def calendar_days_for(self, start: date, n: int) -> int:
        """Calendar days from ``start`` to the ``n``-th working day after it: the length in calendar
        days of a clock of ``n`` working days started on ``start``."""
        return (self.add_working_days(start, n) - _day("start", start)).days

    def extended(self, other: WorkingCalendar) -> WorkingCalendar:
        """This calendar with ``other``'s days added, ``other`` winning where they disagree.

        A day that ``other`` lists as a holiday stops being a working weekend here, and a working
        weekend of ``other`` stops being a holiday. The span is the union of both spans (when both
        have one).
        """
        holidays = (self.holidays - other.working_weekends) | other.holidays
        working = (self.working_weekends - other.holidays) | other.working_weekends
        span = None
        if self.span is not None and other.span is not None:
            span = (min(self.span[0], other.span[0]), max(self.span[1], other.span[1]))
        elif self.span is not None or other.span is not None:
            span = self.span or other.span
        return WorkingCalendar(holidays, working, span)


# ---------------------------------------------------------------------------------------- files


def _read_calendar_rows(text: str, source: str) -> tuple[list[tuple[int, date, str]], _Collector]:
    """(line, date, kind) of each row, and the problems."""
    issues = _Collector()
    rows: list[tuple[int, date, str]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        issues.add(FileIssue(source, 1, "", "", f"cannot read the header: {exc}"))
        return rows, issues
    allowed = ", ".join(CALENDAR_COLUMNS)
    if header is None or not any(cell.strip() for cell in header):
        issues.add(
            FileIssue(
                source, 1, "", "", f"the file is empty; allowed: a header {allowed} and one row per day"
            )
        )
        return rows, issues
    names = [cell.strip() for cell in header]
    for name in ("date", "kind"):
        if name not in names:
            issues.add(
                FileIssue(source, 1, name, "", f"missing column '{name}'; required columns: date, kind")
            )
    for name in names:
        if name not in CALENDAR_COLUMNS:
            issues.add(FileIssue(source, 1, name, name, f"unknown column '{name}'; allowed: {allowed}"))
        elif names.count(name) > 1:
            issues.add(FileIssue(source, 1, name, name, f"column '{name}' appears twice; allowed: each once"))
    if issues:
        return rows, issues
    at = {name: names.index(name) for name in names}
    seen: dict[date, int] = {}
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(names):
                issues.add(
                    FileIssue(
                        source,
                        line,
                        "",
                        ",".join(record),
                        f"the row has {len(record)} field(s) and the header {len(names)}; allowed: one value "
                        "per column",
                    )
                )
                continue
            raw_date, kind = record[at["date"]].strip(), record[at["kind"]].strip()
            try:
                day = date.fromisoformat(raw_date)
                if len(raw_date) != 10:
                    raise ValueError
            except ValueError:
                issues.add(
                    FileIssue(
                        source,
                        line,
                        "date",
                        raw_date,
                        f"'{_text(raw_date)}' is not a date; allowed: YYYY-MM-DD",
                    )
                )
                day = None
            if kind not in CALENDAR_KINDS:
                issues.add(
                    FileIssue(
                        source,
                        line,
                        "kind",
                        kind,
                        f"'{_text(kind)}' is not a kind of day; allowed: {', '.join(CALENDAR_KINDS)}",
                    )
                )
                continue
            if day is None:
                continue
            if kind == "working_weekend" and day.weekday() < 5:
                issues.add(
                    FileIssue(
                        source,
                        line,
                        "kind",
                        kind,
                        f"{raw_date} is a {day:%A}, not a weekend day; allowed: working_weekend on a "
                        "Saturday or Sunday (a weekday is working unless it is a holiday; use 'working' to "
                        "cancel a holiday)",
                    )
                )
                continue
            if kind == "working" and day.weekday() >= 5:
                issues.add(
                    FileIssue(
                        source,
                        line,
                        "kind",
                        kind,
                        f"{raw_date} is a {day:%A}; allowed: 'working' on a weekday only (use "
                        "working_weekend for a Saturday or Sunday)",
                    )
                )
                continue
            if day in seen:
                issues.add(
                    FileIssue(
                        source,
                        line,
                        "date",
                        raw_date,
                        f"{raw_date} is already on line {seen[day]}; allowed: each date once",
                    )
                )
                continue
            seen[day] = line
            rows.append((line, day, kind))
    except csv.Error as exc:
        issues.add(FileIssue(source, reader.line_num, "", "", f"cannot read the file from here on: {exc}"))
    return rows, issues


def _calendar_from_text(text: str, source: str, *, base: WorkingCalendar | None) -> WorkingCalendar:
    rows, issues = _read_calendar_rows(text, source)
    if issues:
        raise InvalidPathwayInput(issues.kept, total=issues.total)
    holidays = {day for _, day, kind in rows if kind == "holiday"}
    working_weekends = {day for _, day, kind in rows if kind == "working_weekend"}
    working = {day for _, day, kind in rows if kind == "working"}
    if base is None:
        return WorkingCalendar(frozenset(holidays), frozenset(working_weekends))
    merged = base.extended(WorkingCalendar(frozenset(holidays), frozenset(working_weekends)))
    return WorkingCalendar(merged.holidays - working, merged.working_weekends, merged.span)


def load_calendar(
    path: str | os.PathLike[str], *, base: WorkingCalendar | None | str = "russian"
) -> WorkingCalendar:
    """A calendar read from a CSV file, by default added to the bundled Russian calendar.

    The file has the columns ``date, kind[, source]`` (UTF-8, comma-separated, a header row), one row
    per day: ``date`` as YYYY-MM-DD, ``kind`` one of :data:`CALENDAR_KINDS`; ``source`` is free text
    (cite the act). The file's days win over ``base``'s: a ``holiday`` replaces a working weekend,
    a ``working_weekend`` replaces a holiday on that weekend day, and ``working`` removes a holiday
    from a weekday.

    Parameters
    ----------
    path : path-like
        The file.
    base : WorkingCalendar, None or "russian"
        The calendar to extend: ``"russian"`` (the default) for :func:`russian_calendar`, ``None``
        for none (the file alone; ``working`` rows then change nothing).

    Raises
    ------
    InvalidPathwayInput
        With every problem of the file (each naming the file, line, field and value).
    OSError
        If the file cannot be read.
    """
    source = Path(path).name
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InvalidPathwayInput(
            [
                FileIssue(
                    source,
                    line,
                    "",
                    f"0x{data[exc.start]:02x}",
                    f"byte 0x{data[exc.start]:02x} is not UTF-8 text; allowed: a UTF-8 file",
                )
            ]
        ) from None
    if isinstance(base, str):
        if base != "russian":
            raise PathwayError(f"base {base!r} is not allowed; allowed: 'russian', None or a WorkingCalendar")
        base = russian_calendar()
    elif base is not None and not isinstance(base, WorkingCalendar):
        raise PathwayError(f"base {base!r} is not allowed; allowed: 'russian', None or a WorkingCalendar")
    return _calendar_from_text(text, source, base=base)


@functools.cache
def russian_calendar() -> WorkingCalendar:
    """The Russian working-day calendar for 2020-2027, bundled with Clusterworks.

    Compiled from the Labour Code art. 112 (the public holidays: 1-6 and 8 January New Year holidays,
    7 January Christmas, 23 February, 8 March, 1 May, 9 May, 12 June, 4 November; a holiday on a
    weekend moves its day off to the next working day, except in January) and the Government's
    decrees on the transfers of days off, each cited in the file's ``source`` column
    (``clusterworks/analytics/datasets/ru_production_calendar.csv``). 2027 is provisional: no decree
    on its transfers had been found when the file was compiled. The days the President declared
    non-working in 2020 and 2021 (the pandemic, the vote of 1 July 2020) are not transfers of days
    off and are not included; add them with :func:`load_calendar` if a count needs them.

    Examples
    --------
    >>> from datetime import date
    >>> cal = russian_calendar()
    >>> [cal.working_days(date(y - 1, 12, 31), date(y, 12, 31)) for y in range(2020, 2027)]
    [248, 247, 247, 247, 248, 247, 247]
    """
    text = (
        resources.files("clusterworks.analytics").joinpath("datasets", _BUNDLED).read_text(encoding="utf-8")
    )
    calendar = _calendar_from_text(text, _BUNDLED, base=None)
    return WorkingCalendar(
        calendar.holidays, calendar.working_weekends, (date(2020, 1, 1), date(2027, 12, 31))
    )
