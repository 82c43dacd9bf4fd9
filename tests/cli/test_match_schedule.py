"""``clusterworks match schedule`` (the command object, invoked directly: the lead registers it in the
``match`` group): the output file, the report, --json, --greedy, and bad input named by file, line and
column, after which nothing is written. The expected schedules are worked by hand here and in
tests/analytics/test_matchmaking.py (one slot, two tables: r2 + r3 = 4 beats r1 = 3)."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

from click.testing import CliRunner

from clusterworks.analytics.matchmaking import random_problem
from clusterworks.cli.main import cli
from clusterworks.cli.match_schedule import reason_kind

REQUESTS = "id,requester,invitee,weight\nr1,a,b,3\nr2,a,c,2\nr3,b,d,2\n"
SLOTS = "slot,room\nS1,T1;T2\n"


def invoke(*args: str):
    # through the top-level group, as a user runs it (a command invoked on its own would cache a help
    # option without the group's "-h", and the CLI reference test would then see it)
    return CliRunner().invoke(cli, ["match", "schedule", *args], catch_exceptions=False)


def files(tmp_path: Path, requests: str = REQUESTS, slots: str = SLOTS, participants: str | None = None):
    paths = []
    for name, text in (("requests.csv", requests), ("slots.csv", slots), ("participants.csv", participants)):
        if text is None:
            continue
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def assert_nothing_written(directory: Path, out: Path):
    assert not out.exists()
    assert [p.name for p in directory.iterdir() if p.name.endswith(".tmp")] == []


def test_schedules_exactly_and_writes_one_row_per_request(tmp_path):
    requests, slots = files(tmp_path)
    out = tmp_path / "placements.csv"
    result = invoke(requests, "--slots", slots, "--out", str(out))
    assert result.exit_code == 0, result.output
    # one slot, two tables: r2 (a-c) and r3 (b-d) side by side weigh 2 + 2 = 4 > r1 (a-b) alone, 3
    assert [(r["request"], r["slot"], r["room"], r["status"]) for r in rows(out)] == [
        ("r1", "", "", "unplaced"),
        ("r2", "S1", "T1", "placed"),
        ("r3", "S1", "T2", "placed"),
    ]
    assert rows(out)[0]["reason"].startswith("no free slot shared by both a and b")
    assert "Placed 2 of 3 requests in 1 slot and 2 rooms: total weight 4 of 7 requested." in result.output
    assert "Optimal (proven bound 4)." in result.output
    assert "Greedy would place a total weight of 3 (1 less)." in result.output


def test_greedy_and_json(tmp_path):
    requests, slots = files(tmp_path)
    out = tmp_path / "placements.csv"
    result = invoke(requests, "--slots", slots, "--out", str(out), "--greedy", "--json")
    assert result.exit_code == 0
    report = json.loads(result.output)
    # greedy takes the heaviest request r1 first: 3
    assert (report["method"], report["objective"], report["bound"], report["optimal"]) == (
        "greedy",
        3.0,
        None,
        False,
    )
    assert (report["placed"], report["unplaced"], report["greedy_objective"]) == (1, 2, None)
    assert report["unplaced_by_reason"] == {"no free slot shared by both": 2}
    assert [r["request"] for r in rows(out) if r["status"] == "placed"] == ["r1"]
    exact = json.loads(invoke(requests, "--slots", slots, "--out", str(out), "--json").output)
    assert (exact["objective"], exact["bound"], exact["optimal"], exact["greedy_objective"]) == (
        4.0,
        4.0,
        True,
        3.0,
    )


def test_participants_fixed_meetings_part_time_rooms_and_gzip(tmp_path):
    # T2 is open in S1 only (listed on S1's line alone). r1 is fixed in S2 at T1. c can attend S1
    # only and has a cap of 1; d sits at T2. The pair a-b asked twice (r1, r4): r4 is a duplicate.
    requests = (
        "request;requester;invitee;weight;slot;room\nr1;a;b;1;S2;T1\nr2;c;d;2;;\nr3;c;e;1;;\nr4;b;a;5;;\n"
    )
    slots = "slot,rooms\nS1,T1|T2\nS2,T1\n"
    participants = "participant,available,max_meetings,home_room\nc,S1,1,\nd,,,T2\n"
    requests_path, slots_path, participants_path = files(tmp_path, requests, slots, participants)
    gz = tmp_path / "requests.csv.gz"
    gz.write_bytes(gzip.compress(Path(requests_path).read_bytes()))
    out = tmp_path / "placements.csv"
    result = invoke(
        str(gz), "--slots", slots_path, "--participants", participants_path, "--out", str(out), "--json"
    )
    assert result.exit_code == 0, result.output
    got = {r["request"]: (r["slot"], r["room"], r["status"], r["reason"]) for r in rows(out)}
    # c's one meeting: r2 (weight 2) beats r3 (1), in S1 (c's only slot), at d's table T2
    assert got["r2"] == ("S1", "T2", "placed", "")
    assert got["r1"] == ("S2", "T1", "fixed", "")
    assert got["r3"] == ("", "", "unplaced", "participant cap of 1 meeting reached (c)")
    assert got["r4"] == ("", "", "unplaced", "duplicate of request r1 (a and b meet at most once)")
    report = json.loads(result.output)
    assert (report["objective"], report["optimal"], report["fixed"]) == (3.0, True, 1)


def test_bad_files_are_reported_whole_and_nothing_is_written(tmp_path):
    requests = (
        "id,requester,invitee,weight,slot,room\n"
        "r1,a,a,1,,\n"
        "r1,a,b,heavy,,\n"
        ",c,,0,,\n"
        "r4,c,d,1,S9,T1\n"
        "r5,c,e,1,S1,\n"
    )
    slots = "slot,room\nS1,T1\nS1,T1\n,T2\nS2,\n"
    participants = "participant,available,max_meetings,home_room\nc,S1|S7,two,T9\nc,,,\n"
    requests_path, slots_path, participants_path = files(tmp_path, requests, slots, participants)
    out = tmp_path / "placements.csv"
    result = CliRunner().invoke(
        cli,
        [
            "match",
            "schedule",
            requests_path,
            "--slots",
            slots_path,
            "--participants",
            participants_path,
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 1
    assert_nothing_written(tmp_path, out)
    lines = result.output.splitlines()
    assert lines[0] == "Error: 15 problems in the input; nothing was written:"
    assert lines[1:] == [
        "slots.csv, line 3, column 'room': room T1 is already open in slot S1 on line 2",
        "slots.csv, line 4, column 'slot': empty; allowed: a slot id such as 1-09:00",
        "slots.csv, line 5, column 'room': empty; allowed: one room id, or several separated by ; or |",
        "requests.csv, line 2, column 'invitee': the same as the requester; allowed: another participant "
        "than a",
        "requests.csv, line 3, column 'id': request r1 is already given on line 2; each request once",
        "requests.csv, line 3, column 'weight': 'heavy' is not a number above 0; allowed: such as 1, 2 or "
        "1.5 (empty: 1)",
        "requests.csv, line 4, column 'id': empty; allowed: a non-empty request id",
        "requests.csv, line 4, column 'invitee': empty; allowed: a non-empty participant id",
        "requests.csv, line 4, column 'weight': '0' is not a number above 0; allowed: such as 1, 2 or 1.5 "
        "(empty: 1)",
        "requests.csv, line 5, column 'slot': unknown slot 'S9'; allowed: a slot of the slots file (S1)",
        "requests.csv, line 6, column 'room': empty while slot is given; a fixed meeting needs both slot "
        "and room (leave both empty to schedule it)",
        "participants.csv, line 2, column 'available': unknown slot(s) 'S7'; allowed: slots of the slots "
        "file (S1) separated by ; or |, empty for all, or none",
        "participants.csv, line 2, column 'max_meetings': 'two' is not a whole number of at least 0; "
        "allowed: 0, 1, 2, ... (empty: no cap)",
        "participants.csv, line 2, column 'home_room': unknown room 'T9'; allowed: a room of the slots "
        "file (T1)",
        "participants.csv, line 3, column 'participant': participant c is already given on line 2; each "
        "participant once",
    ]


def test_missing_columns_empty_files_and_json_errors(tmp_path):
    requests_path, slots_path = files(tmp_path, "id,requester\nr1,a\n", "slot,room\n")
    out = tmp_path / "placements.csv"
    result = CliRunner().invoke(
        cli, ["match", "schedule", requests_path, "--slots", slots_path, "--out", str(out), "--json"]
    )
    assert result.exit_code == 1
    assert_nothing_written(tmp_path, out)
    assert json.loads(result.output) == {
        "ok": False,
        "written": False,
        "errors": [
            {
                "file": "slots.csv",
                "line": 2,
                "column": "",
                "value": "",
                "message": "has no rows; at least one slot with a room is needed",
            },
            {
                "file": "requests.csv",
                "line": 1,
                "column": "invitee",
                "value": "",
                "message": "missing column 'invitee'; required: id, requester, invitee",
            },
        ],
    }
    missing_dir = tmp_path / "nowhere" / "placements.csv"
    requests_path, slots_path = files(tmp_path)
    result = CliRunner().invoke(
        cli, ["match", "schedule", requests_path, "--slots", slots_path, "--out", str(missing_dir)]
    )
    assert result.exit_code == 2 and "the directory" in result.output


def test_fixed_meetings_that_clash_are_reported(tmp_path):
    requests = "id,requester,invitee,slot,room\nr1,a,b,S1,T1\nr2,c,d,S1,T1\nr3,a,e,S1,T2\n"
    requests_path, slots_path = files(tmp_path, requests, "slot,room\nS1,T1;T2\n")
    out = tmp_path / "placements.csv"
    result = CliRunner().invoke(
        cli, ["match", "schedule", requests_path, "--slots", slots_path, "--out", str(out)]
    )
    assert result.exit_code == 1
    assert_nothing_written(tmp_path, out)
    assert result.output.splitlines()[1:] == [
        "fixed placements clash: requests r1 and r2 are all in room T1 in slot S1",
        "fixed placements clash: participant a is in requests r1 and r3 in slot S1",
    ]


def test_a_synthetic_event_round_trips_through_the_files(tmp_path):
    from clusterworks.analytics.matchmaking import Placement, Schedule, check_schedule, schedule_meetings

    problem = random_problem(80, 400, n_slots=8, n_rooms=12, days=2, home_rooms=5, seed=4)
    with open(tmp_path / "requests.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "requester", "invitee", "weight"])
        writer.writerows([r.id, r.requester, r.invitee, r.weight] for r in problem.requests)
    with open(tmp_path / "slots.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["slot", "room"])
        for s in problem.slots:
            writer.writerow([s, ";".join(r for r in problem.rooms if s in problem.room_slots.get(r, {s}))])
    people = sorted({p for r in problem.requests for p in (r.requester, r.invitee)})
    with open(tmp_path / "participants.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["participant", "available", "max_meetings", "home_room"])
        for p in people:
            available = problem.availability.get(p)
            writer.writerow(
                [
                    p,
                    ""
                    if available is None
                    else ("|".join(s for s in problem.slots if s in available) or "none"),
                    problem.max_meetings.get(p, ""),
                    problem.home_rooms.get(p, ""),
                ]
            )
    out = tmp_path / "placements.csv"
    result = invoke(
        str(tmp_path / "requests.csv"),
        "--slots",
        str(tmp_path / "slots.csv"),
        "--participants",
        str(tmp_path / "participants.csv"),
        "--out",
        str(out),
        "--json",
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    written = rows(out)
    assert [r["request"] for r in written] == [r.id for r in problem.requests]
    placed = tuple(Placement(r["request"], r["slot"], r["room"]) for r in written if r["status"] == "placed")
    unplaced = {r["request"]: r["reason"] for r in written if r["status"] == "unplaced"}
    weight = {r.id: r.weight for r in problem.requests}
    again = Schedule(
        placed, unplaced, sum(weight[p.request] for p in placed), report["bound"], report["optimal"], "exact"
    )
    # the files describe the same problem: the written schedule is valid for it, and as good as
    # the library's own run on the problem object
    assert check_schedule(problem, again) == []
    library = schedule_meetings(problem)
    assert report["objective"] == library.objective
    assert all(reason_kind(reason) != "other" for reason in library.unplaced_reasons.values())
