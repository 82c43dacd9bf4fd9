"""A checked problem in index form, and the placing steps every method shares.

Slots are bit positions: a participant's availability, a pair's feasible slots and a participant's
busy slots are Python integers used as bit sets (bit ``s`` set = slot ``s``), so the greedy pass and
the final checks cost a few integer operations per meeting. Rooms are not placed here: only the
number of rooms still free in each slot is tracked (why that is enough: :mod:`.rooms`).

Requests between the same two participants are one *meeting* (a pair meets at most once): the
request kept for the pair is the fixed one if there is one, else the one of largest weight, else the
first in input order; the others are unplaced as its duplicates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from clusterworks.analytics.reasons import Reason

from . import reasons as why
from .model import Problem, validate_problem


def slot_count(mask: int) -> int:
    """Number of slots in a bit set."""
    return mask.bit_count()


def lowest_slot(mask: int) -> int:
    """Index of the earliest slot in a non-empty bit set."""
    return (mask & -mask).bit_length() - 1


def slot_indices(mask: int) -> list[int]:
    """Indices of the slots in a bit set, earliest first."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


@dataclass
class Instance:
    """The problem in index form; meetings ``m`` are the pairs that can still be placed.

    Attributes
    ----------
    available : list of int
        Per participant, the bit set of slots they can attend.
    cap, cap_total : list of int or None
        Per participant, meetings still allowed after the fixed ones, and the cap as given.
    room_open : list of int
        Per room, the bit set of slots it is open.
    free_rooms : list of int
        Per slot, rooms open and not taken by a fixed meeting.
    fixed : list of (request, slot, room)
    fixed_busy : list of int
        Per participant, the bit set of slots taken by their fixed meetings.
    request, a, b, weight, slots : lists over meetings
        The request kept for the pair, its participants (requester, invitee), its weight, and the
        slots in which it can take place: both can attend, neither has a fixed meeting, a room is
        free.
    reasons : dict
        Request index -> why it cannot be placed (:mod:`.reasons`), for duplicates and requests no
        schedule can place.
    """

    problem: Problem
    participants: tuple[str, ...]
    index: dict[str, int]
    available: list[int]
    cap: list[int | None]
    cap_total: list[int | None]
    room_open: list[int]
    free_rooms: list[int]
    fixed: list[tuple[int, int, int]]
    fixed_busy: list[int]
    fixed_weight: float
    request: list[int] = field(default_factory=list)
    a: list[int] = field(default_factory=list)
    b: list[int] = field(default_factory=list)
    weight: list[float] = field(default_factory=list)
    slots: list[int] = field(default_factory=list)
    reasons: dict[int, Reason] = field(default_factory=dict)

    @property
    def n_slots(self) -> int:
        return len(self.problem.slots)

    @property
    def n_meetings(self) -> int:
        return len(self.request)


def prepare(problem: Problem) -> Instance:
    """Validate ``problem`` and put it in index form (raises InvalidSchedulingProblem)."""
    validate_problem(problem)
    slot_at = {s: i for i, s in enumerate(problem.slots)}
    room_at = {r: i for i, r in enumerate(problem.rooms)}
    full = (1 << len(problem.slots)) - 1
    requests = problem.requests
    participants = tuple(dict.fromkeys(p for r in requests for p in (r.requester, r.invitee)))
    index = {p: i for i, p in enumerate(participants)}

    def mask(slots: frozenset[str]) -> int:
        return sum(1 << slot_at[s] for s in slots)

    available = [mask(problem.availability[p]) if p in problem.availability else full for p in participants]
    cap_total = [problem.max_meetings.get(p) for p in participants]
    room_open = [mask(problem.room_slots[r]) if r in problem.room_slots else full for r in problem.rooms]
    free_rooms = [sum(1 for r in room_open if r >> s & 1) for s in range(len(problem.slots))]
    request_at = {r.id: i for i, r in enumerate(requests)}
    fixed, fixed_busy, fixed_count = [], [0] * len(participants), [0] * len(participants)
    fixed_weight = 0.0
    for request_id, (slot, room) in problem.fixed.items():
        i, s = request_at[request_id], slot_at[slot]
        fixed.append((i, s, room_at[room]))
        free_rooms[s] -= 1
        fixed_weight += float(requests[i].weight)
        for p in (index[requests[i].requester], index[requests[i].invitee]):
            fixed_busy[p] |= 1 << s
            fixed_count[p] += 1
    fixed.sort(key=lambda item: item[0])
    cap = [None if c is None else int(c) - n for c, n in zip(cap_total, fixed_count, strict=True)]
    inst = Instance(
        problem=problem,
        participants=participants,
        index=index,
        available=available,
        cap=cap,
        cap_total=[None if c is None else int(c) for c in cap_total],
        room_open=room_open,
        free_rooms=free_rooms,
        fixed=fixed,
        fixed_busy=fixed_busy,
        fixed_weight=fixed_weight,
    )

    # one request per pair: fixed first, then largest weight, then input order
    fixed_ids = {i for i, _, _ in fixed}
    kept: dict[frozenset[str], int] = {}
    for i, r in enumerate(requests):
        pair = frozenset((r.requester, r.invitee))
        j = kept.get(pair)
        if j is None or (i in fixed_ids) or (j not in fixed_ids and r.weight > requests[j].weight):
            kept[pair] = i
    room_slots = sum(1 << s for s, n in enumerate(free_rooms) if n > 0)
    opened = 0  # slots with an open room, fixed meetings or not
    for open_slots in room_open:
        opened |= open_slots
    for i, r in enumerate(requests):
        pair = frozenset((r.requester, r.invitee))
        j = kept[pair]
        if j != i:
            first, second = sorted(pair)
            inst.reasons[i] = why.duplicate(requests[j].id, first, second)
            continue
        if i in fixed_ids:
            continue
        a, b = index[r.requester], index[r.invitee]
        reason = _structural_reason(inst, a, b, r.requester, r.invitee, room_slots, opened)
        if reason is not None:
            inst.reasons[i] = reason
            continue
        inst.request.append(i)
        inst.a.append(a)
        inst.b.append(b)
        inst.weight.append(float(r.weight))
        shared = available[a] & available[b] & ~fixed_busy[a] & ~fixed_busy[b] & room_slots
        inst.slots.append(shared)
    return inst


def _structural_reason(
    inst: Instance, a: int, b: int, requester: str, invitee: str, room_slots: int, opened: int
) -> Reason | None:
    """Why no schedule at all can place a meeting of ``a`` and ``b``; None when one might."""
    for p, person in ((a, requester), (b, invitee)):
        if inst.cap[p] is not None and inst.cap[p] <= 0:
            return why.cap_reached(inst.cap_total[p] or 0, person)
    for p, role, person in ((a, "requester", requester), (b, "invitee", invitee)):
        if not inst.available[p]:
            return why.unavailable(role, person)
    shared = inst.available[a] & inst.available[b]
    if not shared:
        return why.no_common_slot(requester, invitee)
    if not shared & opened:
        return why.no_open_room(requester, invitee, slot_count(shared))
    if not shared & room_slots & ~inst.fixed_busy[a] & ~inst.fixed_busy[b]:
        return why.fixed_meetings_block(requester, invitee, slot_count(shared))
    return None


# ------------------------------------------------------------------------------- placing meetings


class State:
    """A partial schedule -- meeting -> slot index -- with what it leaves free.

    ``busy[p]`` is the bit set of participant ``p``'s slots with a meeting (fixed ones included),
    ``count[p]`` their meetings besides the fixed ones, ``rooms_left[s]`` the free rooms of slot
    ``s`` and ``with_room`` the bit set of slots with a free room; ``at[p, s]`` is ``p``'s movable
    meeting in slot ``s`` and ``in_slot[s]`` the movable meetings of slot ``s``. Changes can be
    recorded (:meth:`mark`) and undone (:meth:`undo`).
    """

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self.busy = list(inst.fixed_busy)
        self.count = [0] * len(inst.participants)
        self.rooms_left = list(inst.free_rooms)
        self.with_room = sum(1 << s for s, n in enumerate(inst.free_rooms) if n > 0)
        self.slot: dict[int, int] = {}
        self.at: dict[tuple[int, int], int] = {}
        self.in_slot: list[set[int]] = [set() for _ in range(inst.n_slots)]
        self.journal: list[tuple[bool, int, int]] | None = None

    def copy(self) -> State:
        other = State(self.inst)
        for m, s in self.slot.items():
            other.place(m, s)
        return other

    @property
    def weight(self) -> float:
        """Total weight of the placed meetings (fixed ones not included)."""
        return math.fsum(self.inst.weight[m] for m in self.slot)

    def can_meet(self, m: int) -> bool:
        """Neither participant of ``m`` has reached their cap."""
        inst = self.inst
        a, b = inst.a[m], inst.b[m]
        return not (
            (inst.cap[a] is not None and self.count[a] >= inst.cap[a])
            or (inst.cap[b] is not None and self.count[b] >= inst.cap[b])
        )

    def free_slots(self, m: int) -> int:
        """Slots in which meeting ``m`` fits now (bit set); 0 when a cap is reached."""
        if not self.can_meet(m):
            return 0
        inst = self.inst
        return inst.slots[m] & ~self.busy[inst.a[m]] & ~self.busy[inst.b[m]] & self.with_room

    def place(self, m: int, s: int) -> None:
        inst = self.inst
        a, b = inst.a[m], inst.b[m]
        bit = 1 << s
        if (self.busy[a] | self.busy[b]) & bit or self.rooms_left[s] <= 0 or m in self.slot:
            raise RuntimeError(f"meeting {m} does not fit in slot {s}")  # pragma: no cover - a bug
        self.busy[a] |= bit
        self.busy[b] |= bit
        self.count[a] += 1
        self.count[b] += 1
        self.rooms_left[s] -= 1
        if not self.rooms_left[s]:
            self.with_room &= ~bit
        self.slot[m] = s
        self.at[a, s] = m
        self.at[b, s] = m
        self.in_slot[s].add(m)
        if self.journal is not None:
            self.journal.append((True, m, s))

    def remove(self, m: int) -> int:
        inst = self.inst
        s = self.slot.pop(m)
        a, b = inst.a[m], inst.b[m]
        self.busy[a] &= ~(1 << s)
        self.busy[b] &= ~(1 << s)
        self.count[a] -= 1
        self.count[b] -= 1
        self.rooms_left[s] += 1
        self.with_room |= 1 << s
        del self.at[a, s], self.at[b, s]
        self.in_slot[s].discard(m)
        if self.journal is not None:
            self.journal.append((False, m, s))
        return s

    def mark(self) -> int:
        """Start (or continue) recording changes; returns the position to :meth:`undo` to."""
        if self.journal is None:
            self.journal = []
        return len(self.journal)

    def undo(self, position: int) -> None:
        """Undo the changes recorded after ``position``."""
        journal = self.journal
        assert journal is not None
        while len(journal) > position:
            placed, m, s = journal.pop()
            saved, self.journal = self.journal, None
            if placed:
                self.remove(m)
            else:
                self.place(m, s)
            self.journal = saved


def greedy_order(inst: Instance) -> list[int]:
    """Meetings by weight, largest first; then the most constrained (fewest feasible slots) first;
    then input order."""
    return sorted(
        range(inst.n_meetings), key=lambda m: (-inst.weight[m], slot_count(inst.slots[m]), inst.request[m])
    )


def fill(state: State, order: list[int]) -> int:
    """Place each unplaced meeting of ``order`` in its earliest slot that is free; returns how many
    were placed."""
    placed = 0
    for m in order:
        if m in state.slot:
            continue
        free = state.free_slots(m)
        if free:
            state.place(m, lowest_slot(free))
            placed += 1
    return placed


def compact(state: State) -> int:
    """Move placed meetings to earlier slots where both participants and a room are free, until none
    can move (each move lowers the sum of slot indices, so this ends); returns the number of moves.
    The set of meetings, hence the objective, does not change."""
    inst = state.inst
    moves = 0
    changed = True
    while changed:
        changed = False
        for m in sorted(state.slot, key=lambda k: (state.slot[k], inst.request[k])):
            s = state.slot[m]
            a, b = inst.a[m], inst.b[m]
            earlier = inst.slots[m] & ((1 << s) - 1) & ~state.busy[a] & ~state.busy[b] & state.with_room
            if earlier:
                state.remove(m)
                state.place(m, lowest_slot(earlier))
                moves += 1
                changed = True
    return moves
