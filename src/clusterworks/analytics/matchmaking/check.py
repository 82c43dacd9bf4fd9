"""Checking a schedule against its problem, independently of how it was made."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from .model import Problem, Schedule, _listed

#: Relative tolerance when comparing the reported objective with the sum of the placed weights.
OBJECTIVE_TOLERANCE = 1e-9


def check_schedule(problem: Problem, schedule: Schedule) -> list[str]:
    """Every way ``schedule`` breaks the rules of ``problem``, one English sentence each.

    Checked: each placement names a known request, slot and room; no request is placed twice, and
    no two requests of the same pair are both placed (two participants meet at most once); no
    participant is in two meetings in one slot; no room holds two meetings in one slot; every
    meeting is in a slot both participants can attend and its room is open; no participant has more
    meetings than their cap; every fixed request is placed where it was fixed; every request is
    either placed or listed as unplaced, not both; the objective is the total weight placed and the
    bound, if any, is not below it. An empty list means the schedule is valid.

    The problem itself is not validated here (see :func:`validate_problem`).

    Examples
    --------
    >>> from clusterworks.analytics.matchmaking import MeetingRequest, Placement
    >>> problem = Problem(slots=("S1", "S2"), rooms=("T1",),
    ...                   requests=(MeetingRequest("r1", "a", "b"), MeetingRequest("r2", "a", "c")))
    >>> bad = Schedule((Placement("r1", "S1", "T1"), Placement("r2", "S1", "T1")), {}, 2.0, None,
    ...                False, "greedy")
    >>> for line in check_schedule(problem, bad):
    ...     print(line)
    participant a is in requests r1 and r2 in slot S1
    room T1 holds requests r1 and r2 in slot S1
    """
    issues: list[str] = []
    requests = {r.id: r for r in problem.requests}
    slots, rooms = set(problem.slots), set(problem.rooms)
    placed_times = Counter(p.request for p in schedule.placements)
    for request_id, n in placed_times.items():
        if n > 1:
            issues.append(f"request {request_id} is placed {n} times; allowed: at most once")

    in_slot: dict[tuple[str, str], list[str]] = defaultdict(list)
    in_room: dict[tuple[str, str], list[str]] = defaultdict(list)
    per_pair: dict[frozenset[str], list[str]] = defaultdict(list)
    meetings: Counter[str] = Counter()
    where: dict[str, tuple[str, str]] = {}
    weight = 0.0
    for placement in schedule.placements:
        request = requests.get(placement.request)
        slot, room = placement.slot, placement.room
        if request is None:
            issues.append(f"placement of unknown request {placement.request!r}")
            continue
        if slot not in slots or room not in rooms:
            unknown = [f"unknown slot {slot!r}"] * (slot not in slots) + [f"unknown room {room!r}"] * (
                room not in rooms
            )
            issues.append(f"request {request.id} is placed in " + " and ".join(unknown))
            continue
        if request.id in where:
            continue  # counted above
        where[request.id] = (slot, room)
        weight += float(request.weight)
        in_room[slot, room].append(request.id)
        per_pair[frozenset((request.requester, request.invitee))].append(request.id)
        for person in (request.requester, request.invitee):
            in_slot[person, slot].append(request.id)
            meetings[person] += 1
            allowed = problem.availability.get(person)
            if allowed is not None and slot not in allowed:
                issues.append(
                    f"request {request.id} is placed in slot {slot}, which participant {person} cannot attend"
                )
        open_slots = problem.room_slots.get(room)
        if open_slots is not None and slot not in open_slots:
            issues.append(f"request {request.id} is in room {room}, which is not open in slot {slot}")

    for (person, slot), ids in in_slot.items():
        if len(ids) > 1:
            issues.append(f"participant {person} is in requests {_listed(ids)} in slot {slot}")
    for (slot, room), ids in in_room.items():
        if len(ids) > 1:
            issues.append(f"room {room} holds requests {_listed(ids)} in slot {slot}")
    for pair, ids in per_pair.items():
        if len(ids) > 1:
            first, second = sorted(pair)
            issues.append(
                f"requests {_listed(ids)} are all placed, but {first} and {second} meet at most once"
            )
    for person, n in meetings.items():
        cap = problem.max_meetings.get(person)
        if cap is not None and n > cap:
            issues.append(
                f"participant {person} has {n} meeting{'' if n == 1 else 's'}, above their cap of {cap}"
            )
    for request_id, place in problem.fixed.items():
        got = where.get(request_id)
        if got is None:
            issues.append(f"fixed request {request_id} is not placed; it must stay in {_at(place)}")
        elif tuple(got) != tuple(place):
            issues.append(f"fixed request {request_id} is moved to {_at(got)}; it is fixed in {_at(place)}")

    unplaced = set(schedule.unplaced)
    both = sorted(unplaced & set(where))
    if both:
        issues.append(f"request(s) {_listed(both)} are both placed and listed as unplaced")
    unknown = sorted(unplaced - set(requests))
    if unknown:
        issues.append(f"unplaced lists unknown request(s) {_listed(unknown)}")
    missing = [r for r in requests if r not in where and r not in unplaced and r not in placed_times]
    if missing:
        issues.append(f"request(s) {_listed(missing)} are neither placed nor listed as unplaced")
    if not math.isclose(schedule.objective, weight, rel_tol=OBJECTIVE_TOLERANCE, abs_tol=1e-9):
        issues.append(f"the objective is {schedule.objective!r}, but the placed requests weigh {weight!r}")
    if schedule.bound is not None and schedule.bound < schedule.objective * (1 - OBJECTIVE_TOLERANCE) - 1e-9:
        issues.append(f"the bound {schedule.bound!r} is below the objective {schedule.objective!r}")
    return issues


def _at(place: tuple[str, str]) -> str:
    slot, room = place
    return f"slot {slot}, room {room}"
