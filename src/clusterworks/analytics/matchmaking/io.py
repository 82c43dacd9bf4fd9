"""Matchmaking files: the requests, the slots and rooms, the participants (CSV, or CSV.GZ), and the
placements written back; every problem is reported with file, line, column, value and what is
allowed.

``REQUESTS.csv``
    ``id`` (or ``request``), ``requester``, ``invitee``; optional ``weight`` (a number above 0;
    empty: 1) and ``slot`` and ``room`` (both given: the meeting is fixed there).
``SLOTS.csv``
    ``slot`` and ``room`` (or ``rooms``): the rooms open in the slot, one or several separated by
    ``;`` or ``|``. A slot may take several lines; slots are in the order they first appear (time
    order), rooms too.
``PARTICIPANTS.csv`` (optional)
    ``participant``; optional ``available`` (the slots they can attend, separated by ``;`` or
    ``|``; empty: every slot; ``none``: no slot), ``max_meetings`` (a whole number; empty: no cap)
    and ``home_room`` (their own table).
``PLACEMENTS.csv`` (written)
    One row per request, in input order: ``request, requester, invitee, weight, slot, room,
    status, reason`` -- ``status`` is ``placed``, ``fixed`` or ``unplaced``, ``reason`` why a
    request is unplaced.

The delimiter is read from the header line (comma, semicolon or tab); text is UTF-8 (a byte-order
mark is allowed). A file ending in ``.gz`` is read through gzip.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .model import MeetingRequest, Problem, Schedule, problem_issues

REQUEST_COLUMNS = ("id", "requester", "invitee")
REQUEST_OPTIONAL = ("weight", "slot", "room")
SLOT_COLUMNS = ("slot", "room")
PARTICIPANT_COLUMNS = ("participant",)
PARTICIPANT_OPTIONAL = ("available", "max_meetings", "home_room")
PLACEMENT_COLUMNS = ("request", "requester", "invitee", "weight", "slot", "room", "status", "reason")
#: Issues shown in the message of :class:`ScheduleInputError` (all are in ``issues``).
SHOWN = 20
_LIST_SEPARATOR = re.compile(r"[;|]")


@dataclass(frozen=True)
class InputIssue:
    """One problem in an input file; ``line`` is 1-based (None: the whole file)."""

    file: str
    line: int | None
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}, line {self.line}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}" if where else self.message


class ScheduleInputError(ValueError):
    """The input files have problems; ``issues`` lists every one (the message the first
    :data:`SHOWN`)."""

    def __init__(self, issues: list[InputIssue]) -> None:
        self.issues = tuple(issues)
        lines = [str(issue) for issue in self.issues[:SHOWN]]
        if len(self.issues) > SHOWN:
            lines.append(f"... and {len(self.issues) - SHOWN} more")
        super().__init__("\n".join(lines))


def _text(path: Path) -> str:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    return data.decode("utf-8-sig")


def _rows(
    path: Path,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    aliases: dict[str, str],
    issues: list[InputIssue],
) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line, {column: stripped value})`` for each non-blank row; header problems become issues."""
    name = path.name
    try:
        text = _text(path)
    except UnicodeDecodeError as exc:
        issues.append(
            InputIssue(name, None, "", "", f"is not UTF-8 text (byte {exc.start}); save it as UTF-8 CSV")
        )
        return
    except (OSError, EOFError) as exc:
        issues.append(InputIssue(name, None, "", "", f"cannot be read: {exc}"))
        return
    header_line = text.split("\n", 1)[0]
    if not header_line.strip():
        issues.append(
            InputIssue(name, 1, "", "", f"has no header row; expected the columns {', '.join(required)}")
        )
        return
    delimiter = next((d for d in (",", ";", "\t") if d in header_line), ",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [aliases.get(h.strip().lower(), h.strip().lower()) for h in next(reader)]
    missing = [c for c in required if c not in header]
    for column in missing:
        issues.append(
            InputIssue(name, 1, column, "", f"missing column '{column}'; required: {', '.join(required)}")
        )
    repeated = sorted({c for c in header if header.count(c) > 1 and c in (*required, *optional)})
    for column in repeated:
        issues.append(
            InputIssue(name, 1, column, column, f"column '{column}' appears more than once; give it once")
        )
    if missing or repeated:
        return
    known = [(i, c) for i, c in enumerate(header) if c in (*required, *optional)]
    line = 2
    for cells in reader:
        row_line, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        yield row_line, {c: (cells[i].strip() if i < len(cells) else "") for i, c in known}


def _items(text: str) -> list[str]:
    return [item.strip() for item in _LIST_SEPARATOR.split(text) if item.strip()]


def read_slots(
    path: Path, issues: list[InputIssue]
) -> tuple[tuple[str, ...], tuple[str, ...], dict[str, frozenset[str]]]:
    """``(slots, rooms, room_slots)`` from SLOTS.csv; problems are appended to ``issues``."""
    name = path.name
    open_in: dict[str, list[str]] = {}
    rooms: dict[str, None] = {}
    seen: dict[tuple[str, str], int] = {}
    before = len(issues)
    for line, row in _rows(path, SLOT_COLUMNS, (), {"rooms": "room", "time": "slot"}, issues):
        slot = row["slot"]
        if not slot:
            issues.append(InputIssue(name, line, "slot", "", "empty; allowed: a slot id such as 1-09:00"))
            continue
        listed = _items(row["room"])
        if not listed:
            issues.append(
                InputIssue(
                    name,
                    line,
                    "room",
                    row["room"],
                    "empty; allowed: one room id, or several separated by ; or |",
                )
            )
            continue
        open_in.setdefault(slot, [])
        for room in listed:
            if (slot, room) in seen:
                issues.append(
                    InputIssue(
                        name,
                        line,
                        "room",
                        room,
                        f"room {room} is already open in slot {slot} on line {seen[slot, room]}",
                    )
                )
                continue
            seen[slot, room] = line
            open_in[slot].append(room)
            rooms.setdefault(room)
    if len(issues) == before and not open_in:
        issues.append(InputIssue(name, 2, "", "", "has no rows; at least one slot with a room is needed"))
    slots = tuple(open_in)
    room_slots = {}
    for room in rooms:
        where = frozenset(s for s in slots if room in open_in[s])
        if len(where) < len(slots):
            room_slots[room] = where
    return slots, tuple(rooms), room_slots


def read_requests(
    path: Path, slots: tuple[str, ...], rooms: tuple[str, ...], issues: list[InputIssue]
) -> tuple[tuple[MeetingRequest, ...], dict[str, tuple[str, str]]]:
    """``(requests, fixed)`` from REQUESTS.csv; ``slots`` and ``rooms`` (from SLOTS.csv) check the
    fixed placements. Problems are appended to ``issues``."""
    name = path.name
    requests: list[MeetingRequest] = []
    fixed: dict[str, tuple[str, str]] = {}
    first: dict[str, int] = {}
    known_slots, known_rooms = set(slots), set(rooms)
    before = len(issues)
    any_row = False
    for line, row in _rows(path, REQUEST_COLUMNS, REQUEST_OPTIONAL, {"request": "id"}, issues):
        any_row = True
        count = len(issues)
        request_id, requester, invitee = row["id"], row["requester"], row["invitee"]
        for column in REQUEST_COLUMNS:
            if not row[column]:
                issues.append(
                    InputIssue(
                        name,
                        line,
                        column,
                        "",
                        f"empty; allowed: a non-empty {'participant' if column != 'id' else 'request'} id",
                    )
                )
        if request_id in first:
            issues.append(
                InputIssue(
                    name,
                    line,
                    "id",
                    request_id,
                    f"request {request_id} is already given on line {first[request_id]}; each request once",
                )
            )
        elif request_id:
            first[request_id] = line
        if requester and requester == invitee:
            issues.append(
                InputIssue(
                    name,
                    line,
                    "invitee",
                    invitee,
                    f"the same as the requester; allowed: another participant than {requester}",
                )
            )
        weight_text = row.get("weight", "")
        weight = 1.0
        if weight_text:
            try:
                weight = float(
                    weight_text.replace(",", ".")
                    if weight_text.count(",") == 1 and "." not in weight_text
                    else weight_text
                )
            except ValueError:
                weight = math.nan
            if not math.isfinite(weight) or weight <= 0:
                issues.append(
                    InputIssue(
                        name,
                        line,
                        "weight",
                        weight_text,
                        f"{weight_text!r} is not a number above 0; allowed: such as 1, 2 or 1.5 (empty: 1)",
                    )
                )
        slot, room = row.get("slot", ""), row.get("room", "")
        if slot or room:
            if not (slot and room):
                given, other = ("slot", "room") if slot else ("room", "slot")
                issues.append(
                    InputIssue(
                        name,
                        line,
                        other,
                        "",
                        f"empty while {given} is given; a fixed meeting needs both slot and room (leave "
                        "both empty to schedule it)",
                    )
                )
            else:
                if slot not in known_slots:
                    issues.append(
                        InputIssue(
                            name,
                            line,
                            "slot",
                            slot,
                            f"unknown slot {slot!r}; allowed: a slot of the slots file ({_few(slots)})",
                        )
                    )
                if room not in known_rooms:
                    issues.append(
                        InputIssue(
                            name,
                            line,
                            "room",
                            room,
                            f"unknown room {room!r}; allowed: a room of the slots file ({_few(rooms)})",
                        )
                    )
        if len(issues) == count:
            requests.append(MeetingRequest(request_id, requester, invitee, weight))
            if slot and room:
                fixed[request_id] = (slot, room)
    if len(issues) == before and not any_row:
        issues.append(InputIssue(name, 2, "", "", "has no rows; at least one request is needed"))
    return tuple(requests), fixed


def read_participants(
    path: Path, slots: tuple[str, ...], rooms: tuple[str, ...], issues: list[InputIssue]
) -> tuple[dict[str, frozenset[str]], dict[str, int], dict[str, str]]:
    """``(availability, max_meetings, home_rooms)`` from PARTICIPANTS.csv; problems are appended to
    ``issues``."""
    name = path.name
    availability: dict[str, frozenset[str]] = {}
    caps: dict[str, int] = {}
    homes: dict[str, str] = {}
    first: dict[str, int] = {}
    known_slots, known_rooms = set(slots), set(rooms)
    aliases = {"id": "participant", "availability": "available", "cap": "max_meetings", "table": "home_room"}
    for line, row in _rows(path, PARTICIPANT_COLUMNS, PARTICIPANT_OPTIONAL, aliases, issues):
        person = row["participant"]
        if not person:
            issues.append(
                InputIssue(name, line, "participant", "", "empty; allowed: a non-empty participant id")
            )
            continue
        if person in first:
            issues.append(
                InputIssue(
                    name,
                    line,
                    "participant",
                    person,
                    f"participant {person} is already given on line {first[person]}; each participant once",
                )
            )
            continue
        first[person] = line
        available = row.get("available", "")
        if available.lower() == "none":
            availability[person] = frozenset()
        elif available:
            listed = _items(available)
            unknown = [s for s in listed if s not in known_slots]
            if unknown:
                issues.append(
                    InputIssue(
                        name,
                        line,
                        "available",
                        available,
                        f"unknown slot(s) {', '.join(repr(s) for s in unknown)}; allowed: slots of the "
                        f"slots file ({_few(slots)}) separated by ; or |, empty for all, or none",
                    )
                )
            else:
                availability[person] = frozenset(listed)
        cap = row.get("max_meetings", "")
        if cap:
            if cap.isdigit():
                caps[person] = int(cap)
            else:
                issues.append(
                    InputIssue(
                        name,
                        line,
                        "max_meetings",
                        cap,
                        f"{cap!r} is not a whole number of at least 0; allowed: 0, 1, 2, ... (empty: no cap)",
                    )
                )
        home = row.get("home_room", "")
        if home:
            if home in known_rooms:
                homes[person] = home
            else:
                issues.append(
                    InputIssue(
                        name,
                        line,
                        "home_room",
                        home,
                        f"unknown room {home!r}; allowed: a room of the slots file ({_few(rooms)})",
                    )
                )
    return availability, caps, homes


def _few(ids: tuple[str, ...]) -> str:
    shown = ", ".join(ids[:5])
    return shown + (f", ... {len(ids)} in all" if len(ids) > 5 else "")


def read_problem(requests_path: Path, slots_path: Path, participants_path: Path | None = None) -> Problem:
    """The problem in the files; raises :class:`ScheduleInputError` listing every problem found,
    in the files (with line and column) and then in the problem as a whole (fixed meetings that
    clash, caps below the fixed meetings; :func:`problem_issues`)."""
    requests_path, slots_path = Path(requests_path), Path(slots_path)
    issues: list[InputIssue] = []
    slots, rooms, room_slots = read_slots(slots_path, issues)
    requests, fixed = read_requests(requests_path, slots, rooms, issues)
    availability: dict[str, frozenset[str]] = {}
    caps: dict[str, int] = {}
    homes: dict[str, str] = {}
    if participants_path is not None:
        availability, caps, homes = read_participants(Path(participants_path), slots, rooms, issues)
    if issues:
        raise ScheduleInputError(issues)
    problem = Problem(slots, rooms, requests, availability, room_slots, caps, fixed, homes)
    problems = problem_issues(problem)
    if problems:
        raise ScheduleInputError([InputIssue("", None, "", "", message) for message in problems])
    return problem


def placement_rows(problem: Problem, schedule: Schedule) -> list[list[str]]:
    """The rows of PLACEMENTS.csv (without the header), one per request in input order."""
    where = {p.request: p for p in schedule.placements}
    rows = []
    for r in problem.requests:
        placement = where.get(r.id)
        weight = str(int(r.weight)) if float(r.weight).is_integer() else repr(float(r.weight))
        if placement is None:
            rows.append(
                [r.id, r.requester, r.invitee, weight, "", "", "unplaced", schedule.unplaced.get(r.id, "")]
            )
        else:
            status = "fixed" if r.id in problem.fixed else "placed"
            rows.append([r.id, r.requester, r.invitee, weight, placement.slot, placement.room, status, ""])
    return rows


def write_placements(path: Path, problem: Problem, schedule: Schedule) -> None:
    """Write PLACEMENTS.csv: to a new temporary file beside ``path``, then renamed into place, so
    that the file appears only once complete."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "x", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(PLACEMENT_COLUMNS)
            writer.writerows(placement_rows(problem, schedule))
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
