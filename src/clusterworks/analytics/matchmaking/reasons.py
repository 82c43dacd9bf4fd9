"""Why a request is left out of a schedule: one :class:`~clusterworks.analytics.reasons.Reason` per
kind, in :data:`REASON_CODES`.

Each reason's ``text`` is the English sentence of ``Schedule.unplaced`` and of the CLI's ``reason``
column; its ``code`` and ``params`` (participants, request ids, counts of slots, caps) let the web layer
word it in the reader's language. Participants are named by their ids; the counts are whole numbers,
a count of 0 meaning the clause is left out of the sentence.

Examples
--------
>>> r = cap_reached(1, "ann")
>>> r.code, dict(r.params), r.text
('cap_reached', {'cap': 1, 'participant': 'ann'}, 'participant cap of 1 meeting reached (ann)')
>>> no_free_slot("ann", "bob", slots=2, first_busy=2, second_busy=0, rooms_full=1).text
'no free slot shared by both ann and bob: of the 2 slots both can attend, ann has another meeting in 2 \
and every room is taken in 1'
"""

from __future__ import annotations

from clusterworks.analytics.reasons import Reason

#: Every code a schedule's reason can have.
REASON_CODES = (
    "duplicate",
    "cap_reached",
    "requester_unavailable",
    "invitee_unavailable",
    "no_common_slot",
    "no_open_room",
    "fixed_meetings_block",
    "no_free_slot",
    "slot_left_free",
)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def duplicate(kept: str, first: str, second: str) -> Reason:
    """Request ``kept`` is the pair's meeting; this one is its duplicate (``first``, ``second``: the
    pair, sorted)."""
    text = f"duplicate of request {kept} ({first} and {second} meet at most once)"
    return Reason("duplicate", {"request": kept, "first": first, "second": second}, text)


def cap_reached(cap: int, participant: str) -> Reason:
    """``participant`` already has the ``cap`` meetings they allow."""
    text = f"participant cap of {_count(cap, 'meeting')} reached ({participant})"
    return Reason("cap_reached", {"cap": cap, "participant": participant}, text)


def unavailable(role: str, participant: str) -> Reason:
    """The ``role`` (``"requester"`` or ``"invitee"``) can attend no slot."""
    text = f"{role} {participant} is unavailable in every slot"
    return Reason(f"{role}_unavailable", {"participant": participant}, text)


def no_common_slot(requester: str, invitee: str) -> Reason:
    text = f"no slot in which both {requester} and {invitee} are available"
    return Reason("no_common_slot", {"requester": requester, "invitee": invitee}, text)


def no_open_room(requester: str, invitee: str, slots: int) -> Reason:
    """No room is open in any of the ``slots`` (a count) both can attend."""
    text = f"no room is open in the {_count(slots, 'slot')} both {requester} and {invitee} can attend"
    return Reason("no_open_room", {"requester": requester, "invitee": invitee, "slots": slots}, text)


def fixed_meetings_block(requester: str, invitee: str, slots: int) -> Reason:
    """Fixed meetings take one of the two, or every room, in each of the ``slots`` both can attend."""
    text = (
        f"no free slot shared by both {requester} and {invitee}: of the {_count(slots, 'slot')} both can "
        "attend, in each one of them has a fixed meeting or every room is taken by fixed meetings"
    )
    return Reason("fixed_meetings_block", {"requester": requester, "invitee": invitee, "slots": slots}, text)


def _head(first: str, second: str, slots: int) -> str:
    return f"no free slot shared by both {first} and {second}: of the {_count(slots, 'slot')} both can attend"


def no_free_slot(
    first: str, second: str, *, slots: int, first_busy: int, second_busy: int, rooms_full: int
) -> Reason:
    """In each of the ``slots`` both can attend, ``first`` has another meeting (in ``first_busy`` of
    them), ``second`` has (in ``second_busy``) or every room is taken (in ``rooms_full``)."""
    parts = []
    if first_busy:
        parts.append(f"{first} has another meeting in {first_busy}")
    if second_busy:
        parts.append(f"{second} has another meeting in {second_busy}")
    if rooms_full:
        parts.append(f"every room is taken in {rooms_full}")
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    params = {
        "first": first,
        "second": second,
        "slots": slots,
        "first_busy": first_busy,
        "second_busy": second_busy,
        "rooms_full": rooms_full,
    }
    return Reason("no_free_slot", params, f"{_head(first, second, slots)}, {listed}")


def slot_left_free(first: str, second: str, slots: int) -> Reason:
    """Not placed although a slot is free: a bug of a method, which fills the schedule first."""
    text = f"not placed, although a slot is free ({_head(first, second, slots)})"
    return Reason("slot_left_free", {"first": first, "second": second, "slots": slots}, text)
