"""The scheduling problem of a matchmaking event: requests, slots, rooms and rules (the input), the
schedule (the result), and the check of the input that names every problem at once."""

from __future__ import annotations

import math
import numbers
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from clusterworks.analytics.reasons import Reason

#: Methods of :func:`~clusterworks.analytics.matchmaking.schedule_meetings`.
METHODS = ("exact", "greedy")
_LISTED = 5  # ids named in one issue before "..."


def _empty() -> Mapping[Any, Any]:
    return MappingProxyType({})


class InvalidSchedulingProblem(ValueError):
    """The problem is malformed; ``issues`` lists every problem found, each in one English sentence.

    The message is the issues joined by ``"; "``, after their count.
    """

    def __init__(self, issues: Iterable[str]) -> None:
        self.issues = tuple(issues)
        count = len(self.issues)
        super().__init__(
            f"invalid scheduling problem, {count} issue{'' if count == 1 else 's'}: " + "; ".join(self.issues)
        )


@dataclass(frozen=True)
class MeetingRequest:
    """One participant asks another for a one-to-one meeting.

    Attributes
    ----------
    id : str
        Unique among the requests of a problem.
    requester, invitee : str
        Participant ids; they differ.
    weight : float
        Priority, finite and above 0: the schedule maximises the total weight of the meetings it
        places (for example 1 for a plain request and 2 when the invitee accepted or both asked).
    """

    id: str
    requester: str
    invitee: str
    weight: float = 1.0


@dataclass(frozen=True)
class Problem:
    """A matchmaking event to schedule.

    Every meeting takes one time slot and one room (or table); a room holds one meeting per slot.

    Attributes
    ----------
    slots : tuple of str
        Time-slot ids in time order (the schedule prefers earlier slots).
    rooms : tuple of str
        Room or table ids.
    requests : tuple of MeetingRequest
    availability : mapping
        ``{participant: frozenset of slots they can attend}``; a participant not listed can attend
        every slot, one listed with an empty set none.
    room_slots : mapping
        ``{room: frozenset of slots it is open}``; a room not listed is open in every slot.
    max_meetings : mapping
        ``{participant: most meetings}``, a whole number of at least 0; not listed: no cap.
    fixed : mapping
        ``{request id: (slot, room)}``: meetings already placed (by an organiser, or in an earlier
        run); the schedule keeps them where they are and places the others around them.
    home_rooms : mapping
        ``{participant: room}``: the participant's own table (an exhibitor's stand, say); their
        meetings are put there when the room is free in that slot. It never changes which meetings
        are placed or when, only the room.

    Lists, sets and dicts are accepted and stored as tuples, frozensets and read-only mappings.
    """

    slots: tuple[str, ...]
    rooms: tuple[str, ...]
    requests: tuple[MeetingRequest, ...]
    availability: Mapping[str, frozenset[str]] = field(default_factory=_empty)
    room_slots: Mapping[str, frozenset[str]] = field(default_factory=_empty)
    max_meetings: Mapping[str, int] = field(default_factory=_empty)
    fixed: Mapping[str, tuple[str, str]] = field(default_factory=_empty)
    home_rooms: Mapping[str, str] = field(default_factory=_empty)

    def __post_init__(self) -> None:
        for name in ("slots", "rooms", "requests"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, _as_tuple(name, value))
        for name in ("availability", "room_slots"):
            value = _as_mapping(name, getattr(self, name))
            object.__setattr__(
                self,
                name,
                MappingProxyType(
                    {k: v if isinstance(v, frozenset) else _as_frozenset(v) for k, v in value.items()}
                ),
            )
        for name in ("max_meetings", "home_rooms"):
            object.__setattr__(self, name, MappingProxyType(dict(_as_mapping(name, getattr(self, name)))))
        fixed = _as_mapping("fixed", self.fixed)
        object.__setattr__(
            self,
            "fixed",
            MappingProxyType({k: tuple(v) if isinstance(v, list) else v for k, v in fixed.items()}),
        )


def _as_tuple(name: str, value: Any) -> tuple[Any, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise TypeError(f"Problem.{name} must be a sequence; got {type(value).__name__}")
    return tuple(value)


def _as_mapping(name: str, value: Any) -> Mapping[Any, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(f"Problem.{name} must be a mapping; got {type(value).__name__}")
    return value


def _as_frozenset(value: Any) -> Any:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        return value  # reported by problem_issues
    return frozenset(value)


@dataclass(frozen=True)
class Placement:
    """Request ``request`` meets in ``slot``, in ``room``."""

    request: str
    slot: str
    room: str


@dataclass(frozen=True)
class Schedule:
    """The meetings placed, the requests left out and why, and how good the schedule is.

    Attributes
    ----------
    placements : tuple of Placement
        In slot order, then room order.
    unplaced : mapping
        ``{request id: reason}`` for every request not placed, the reason in English: a duplicate of
        another request between the same two participants (they meet at most once), a participant
        unavailable in every slot, no slot both can attend, a participant's cap reached, or no slot in
        which both are free and a room is free.
    unplaced_reasons : mapping
        The same reasons with their codes and params (``{request id: Reason}``, each ``text`` the
        reason in ``unplaced``; the codes: ``reasons.REASON_CODES``), for a reader in another
        language; empty for a schedule made by hand.
    objective : float
        Total weight of the placed requests (fixed ones included).
    bound : float or None
        A proven upper bound on the objective of any schedule (HiGHS' dual bound, or a simpler
        counting bound when that is smaller); None for greedy.
    optimal : bool
        True when the exact method proved the schedule optimal.
    method : str
        ``"exact"`` or ``"greedy"``.
    status : str
        How the run ended: ``"optimal"``, ``"time limit"`` (exact, stopped early: best found and its
        bound), ``"greedy"``, or ``"nothing to schedule"``.
    seconds : float
        Wall time of the call.
    """

    placements: tuple[Placement, ...]
    unplaced: Mapping[str, str]
    objective: float
    bound: float | None
    optimal: bool
    method: str
    status: str = ""
    seconds: float = 0.0
    unplaced_reasons: Mapping[str, Reason] = field(default_factory=_empty)

    @property
    def gap(self) -> float | None:
        """``bound - objective`` (None without a bound)."""
        return None if self.bound is None else max(0.0, self.bound - self.objective)

    @property
    def relative_gap(self) -> float | None:
        """``gap / max(1, objective)`` (None without a bound)."""
        gap = self.gap
        return None if gap is None else gap / max(1.0, abs(self.objective))

    def placement(self, request: str) -> Placement | None:
        """The placement of ``request``, or None if it is not placed."""
        for item in self.placements:
            if item.request == request:
                return item
        return None


# -------------------------------------------------------------------------------------------- checks


def _listed(items: Iterable[Any]) -> str:
    """``a``, ``a and b``, ``a, b and c``, ``a, b, c, d, e and 3 more``."""
    items = [str(x) for x in items]
    if len(items) > _LISTED:
        return ", ".join(items[:_LISTED]) + f" and {len(items) - _LISTED} more"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != "" and value == value.strip()


def _check_ids(kind: str, values: tuple[Any, ...], issues: list[str]) -> set[str]:
    bad = [v for v in values if not _is_id(v)]
    if bad:
        issues.append(
            f"{kind} id(s) {_listed(repr(v) for v in bad)} are not valid; allowed: non-empty strings "
            "without leading or trailing spaces"
        )
    repeated = sorted(v for v, n in Counter(v for v in values if _is_id(v)).items() if n > 1)
    if repeated:
        issues.append(f"{kind} id(s) {_listed(repeated)} are given more than once; each must be unique")
    return {v for v in values if _is_id(v)}


def _check_requests(problem: Problem, issues: list[str]) -> dict[str, MeetingRequest]:
    by_id: dict[str, MeetingRequest] = {}
    counts: Counter[str] = Counter()
    not_requests, bad_ids, bad_people, selves, bad_weights = [], [], [], [], []
    for position, request in enumerate(problem.requests, start=1):
        if not isinstance(request, MeetingRequest):
            not_requests.append(f"#{position} ({type(request).__name__})")
            continue
        if not _is_id(request.id):
            bad_ids.append(f"#{position} ({request.id!r})")
            continue
        counts[request.id] += 1
        by_id.setdefault(request.id, request)
        if not (_is_id(request.requester) and _is_id(request.invitee)):
            bad_people.append(request.id)
        elif request.requester == request.invitee:
            selves.append(f"{request.id} ({request.requester})")
        weight = request.weight
        if (
            isinstance(weight, bool)
            or not isinstance(weight, numbers.Real)
            or not math.isfinite(weight)
            or weight <= 0
        ):
            bad_weights.append(f"{request.id} ({weight!r})")
    if not_requests:
        issues.append(f"request(s) {_listed(not_requests)} are not MeetingRequest objects")
    if bad_ids:
        issues.append(
            f"request(s) {_listed(bad_ids)} have no valid id; allowed: non-empty strings without leading "
            "or trailing spaces"
        )
    repeated = sorted(i for i, n in counts.items() if n > 1)
    if repeated:
        issues.append(f"request id(s) {_listed(repeated)} are given more than once; each must be unique")
    if bad_people:
        issues.append(
            f"request(s) {_listed(bad_people)} have an empty or malformed requester or invitee; allowed: "
            "non-empty participant ids"
        )
    if selves:
        issues.append(
            f"request(s) {_listed(selves)} ask for a meeting with oneself; the invitee must differ from "
            "the requester"
        )
    if bad_weights:
        issues.append(f"request(s) {_listed(bad_weights)} have a weight that is not a finite number above 0")
    return by_id


def _check_slot_sets(
    kind: str, mapping: Mapping[Any, Any], slots: set[str], issues: list[str]
) -> dict[str, frozenset[str]]:
    valid = {}
    for key, value in mapping.items():
        if not isinstance(value, frozenset):
            issues.append(f"{kind} of {key!r} is {value!r}; allowed: a set of slot ids")
            continue
        unknown = sorted(map(str, value - slots))
        if unknown:
            issues.append(f"{kind} of {key} names unknown slot(s) {_listed(unknown)}")
        valid[key] = value & slots
    return valid


def problem_issues(problem: Problem) -> list[str]:
    """Every problem in ``problem``, one English sentence each; empty when it can be scheduled.

    See :func:`validate_problem` for what is checked.
    """
    if not isinstance(problem, Problem):
        return [f"the problem must be a Problem; got {type(problem).__name__}"]
    issues: list[str] = []
    slots = _check_ids("slot", problem.slots, issues)
    rooms = _check_ids("room", problem.rooms, issues)
    if not problem.slots:
        issues.append("there are no slots; at least one time slot is needed")
    if not problem.rooms:
        issues.append("there are no rooms; at least one room or table is needed")
    requests = _check_requests(problem, issues)

    availability = _check_slot_sets("availability", problem.availability, slots, issues)
    unknown_rooms = sorted(map(str, set(problem.room_slots) - rooms))
    if unknown_rooms:
        issues.append(f"room_slots names unknown room(s) {_listed(unknown_rooms)}")
    room_slots = _check_slot_sets("room_slots", problem.room_slots, slots, issues)

    bad_caps = [
        f"{p} ({cap!r})"
        for p, cap in problem.max_meetings.items()
        if isinstance(cap, bool) or not isinstance(cap, numbers.Integral) or cap < 0
    ]
    if bad_caps:
        issues.append(
            f"max_meetings of {_listed(bad_caps)} is not a whole number of at least 0; allowed: 0, 1, 2, ..."
        )
    bad_homes = sorted(f"{p} ({room!r})" for p, room in problem.home_rooms.items() if room not in rooms)
    if bad_homes:
        issues.append(f"home_rooms name unknown room(s): {_listed(bad_homes)}")

    _check_fixed(problem, requests, slots, rooms, availability, room_slots, issues)
    return issues


def _check_fixed(
    problem: Problem,
    requests: dict[str, MeetingRequest],
    slots: set[str],
    rooms: set[str],
    availability: Mapping[str, frozenset[str]],
    room_slots: Mapping[str, frozenset[str]],
    issues: list[str],
) -> None:
    in_room: dict[tuple[str, str], list[str]] = defaultdict(list)
    in_slot: dict[tuple[str, str], list[str]] = defaultdict(list)
    per_pair: dict[frozenset[str], list[str]] = defaultdict(list)
    per_person: Counter[str] = Counter()
    for request_id, place in problem.fixed.items():
        request = requests.get(request_id)
        if request is None:
            issues.append(f"fixed placement of unknown request {request_id!r}")
            continue
        if not (isinstance(place, tuple) and len(place) == 2):
            issues.append(f"fixed placement of request {request_id} is {place!r}; allowed: (slot, room)")
            continue
        slot, room = place
        problems = []
        if slot not in slots:
            problems.append(f"unknown slot {slot!r}")
        if room not in rooms:
            problems.append(f"unknown room {room!r}")
        if problems:
            issues.append(f"fixed placement of request {request_id} names " + " and ".join(problems))
            continue
        if room in room_slots and slot not in room_slots[room]:
            issues.append(f"fixed placement of request {request_id}: room {room} is not open in slot {slot}")
        people = (request.requester, request.invitee)
        for person in people:
            if person in availability and slot not in availability[person]:
                issues.append(
                    f"fixed placement of request {request_id}: participant {person} is not available in "
                    f"slot {slot}"
                )
            in_slot[person, slot].append(request_id)
            per_person[person] += 1
        in_room[slot, room].append(request_id)
        per_pair[frozenset(people)].append(request_id)
    for (slot, room), ids in in_room.items():
        if len(ids) > 1:
            issues.append(
                f"fixed placements clash: requests {_listed(ids)} are all in room {room} in slot {slot}"
            )
    for (person, slot), ids in in_slot.items():
        if len(ids) > 1:
            issues.append(
                f"fixed placements clash: participant {person} is in requests {_listed(ids)} in slot {slot}"
            )
    for pair, ids in per_pair.items():
        if len(ids) > 1:
            first, second = sorted(pair)
            issues.append(
                f"fixed placements clash: requests {_listed(ids)} all meet {first} with {second}; the same "
                "two participants meet at most once"
            )
    for person, count in per_person.items():
        cap = problem.max_meetings.get(person)
        if isinstance(cap, numbers.Integral) and not isinstance(cap, bool) and count > cap:
            plural = "" if count == 1 else "s"
            issues.append(
                f"fixed placements give participant {person} {count} meeting{plural}, above their "
                f"max_meetings of {cap}"
            )


def validate_problem(problem: Problem) -> None:
    """Raise :class:`InvalidSchedulingProblem` naming every problem in ``problem``.

    Checked: slot and room ids (non-empty, unique; at least one of each); request ids (unique),
    participants (non-empty, requester differs from invitee: no self-meetings), weights (finite,
    above 0); slot and room ids named in ``availability``, ``room_slots``, ``fixed`` and
    ``home_rooms`` exist; caps are whole numbers of at least 0; fixed placements name known requests
    and do not clash -- no room twice in one slot, no participant twice in one slot, no pair twice,
    no participant unavailable or room closed in the fixed slot, no cap exceeded by fixed meetings.
    Participants named in ``availability``, ``max_meetings`` or ``home_rooms`` without a request
    are allowed (they simply have no meeting).

    Examples
    --------
    >>> problem = Problem(
    ...     slots=("S1",), rooms=("T1",),
    ...     requests=(MeetingRequest("r1", "a", "a"), MeetingRequest("r1", "a", "b", weight=0)),
    ...     availability={"b": {"S9"}},
    ... )
    >>> validate_problem(problem)
    Traceback (most recent call last):
        ...
    clusterworks.analytics.matchmaking.InvalidSchedulingProblem: invalid scheduling problem, 4 issues: \
request id(s) r1 are given more than once; each must be unique; request(s) r1 (a) ask for a meeting \
with oneself; the invitee must differ from the requester; request(s) r1 (0) have a weight that is not \
a finite number above 0; availability of b names unknown slot(s) S9
    """
    issues = problem_issues(problem)
    if issues:
        raise InvalidSchedulingProblem(issues)
