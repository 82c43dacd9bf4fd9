"""Seeded matchmaking events for tests and benchmarks, shaped like a brokerage event.

At brokerage events (B2B matchmaking at trade fairs and EU programme info days) a few participants
-- large companies, funders, well-known institutes -- receive a large share of all requests while
most receive a handful; requests are made by everyone, more evenly. Both are modelled as log-normal
"popularity" and "activity" weights, which give the heavy tail seen in such events.
"""

from __future__ import annotations

import numpy as np

from .model import MeetingRequest, Problem


def _count(name: str, value: object, least: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ValueError(f"{name} is {value!r}; allowed: a whole number of at least {least}")
    return value


def _share(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{name} is {value!r}; allowed: a share from 0 to 1")
    return float(value)


def slot_labels(
    n_slots: int, days: int = 1, *, start_minutes: int = 9 * 60, length: int = 20
) -> tuple[str, ...]:
    """Slot ids ``"1-09:00", "1-09:20", ...``: day, then start time, ``n_slots`` split over ``days``."""
    per_day = -(-n_slots // days)
    labels = []
    for k in range(n_slots):
        day, i = divmod(k, per_day)
        minutes = start_minutes + i * length
        labels.append(f"{day + 1}-{minutes // 60:02d}:{minutes % 60:02d}")
    return tuple(labels)


def random_problem(
    n_participants: int,
    n_requests: int,
    *,
    n_slots: int = 24,
    n_rooms: int | None = None,
    days: int = 2,
    accepted: float = 0.3,
    partial_availability: float = 0.3,
    capped: float = 0.2,
    part_time_rooms: float = 0.05,
    home_rooms: int = 0,
    popularity_spread: float = 1.2,
    seed: int | np.random.Generator,
) -> Problem:
    """A deterministic synthetic event.

    * participants ``P0001, ...`` each have an activity (log-normal, sigma 0.8) and a popularity
      (log-normal, sigma ``popularity_spread``); a request's requester is drawn in proportion to
      activity, its invitee in proportion to popularity (never the requester, never a repeat of the
      same requester-invitee order; the reverse request happens, as in real events);
    * weights: 2 with probability ``accepted`` (the invitee accepted), else 1;
    * ``n_slots`` slots of 20 minutes over ``days`` days (:func:`slot_labels`); ``n_rooms`` tables
      ``T001, ...`` (default one per 10 participants), a share ``part_time_rooms`` of them open on
      one day only;
    * a share ``partial_availability`` of participants can attend part of the event: half of them
      one day only, half all but a block of 2 to 6 consecutive slots;
    * a share ``capped`` of participants cap their meetings at 6, 8, 10 or 12;
    * the ``home_rooms`` most popular participants have their own table (the first tables).

    Examples
    --------
    >>> p = random_problem(50, 200, n_slots=8, seed=1)
    >>> len(p.requests), p.slots[:3], p.rooms[:2], p == random_problem(50, 200, n_slots=8, seed=1)
    (200, ('1-09:00', '1-09:20', '1-09:40'), ('T001', 'T002'), True)
    """
    n = _count("n_participants", n_participants, least=2)
    k = _count("n_requests", n_requests, least=0)
    n_slots = _count("n_slots", n_slots)
    days = _count("days", days)
    if days > n_slots:
        raise ValueError(f"days is {days}; allowed: 1 to n_slots ({n_slots})")
    rooms_n = max(1, n // 10) if n_rooms is None else _count("n_rooms", n_rooms)
    home_n = _count("home_rooms", home_rooms, least=0)
    if home_n > min(n, rooms_n):
        raise ValueError(f"home_rooms is {home_n}; allowed: at most the participants and the rooms")
    if k > n * (n - 1):
        raise ValueError(f"n_requests is {k}; allowed: at most n_participants x (n_participants - 1)")
    accepted = _share("accepted", accepted)
    partial_availability = _share("partial_availability", partial_availability)
    capped = _share("capped", capped)
    part_time_rooms = _share("part_time_rooms", part_time_rooms)
    rng = np.random.default_rng(seed)

    width = max(4, len(str(n)))
    people = [f"P{i + 1:0{width}d}" for i in range(n)]
    activity = rng.lognormal(0.0, 0.8, size=n)
    popularity = rng.lognormal(0.0, popularity_spread, size=n)
    seen: set[tuple[int, int]] = set()
    pairs: list[tuple[int, int]] = []
    while len(pairs) < k:
        need = k - len(pairs)
        ask = rng.choice(n, size=2 * need + 16, p=activity / activity.sum())
        get = rng.choice(n, size=2 * need + 16, p=popularity / popularity.sum())
        for a, b in zip(ask.tolist(), get.tolist(), strict=True):
            if a != b and (a, b) not in seen:
                seen.add((a, b))
                pairs.append((a, b))
                if len(pairs) == k:
                    break
    weights = np.where(rng.random(k) < accepted, 2.0, 1.0)
    rid = max(5, len(str(k)))
    requests = tuple(
        MeetingRequest(f"R{i + 1:0{rid}d}", people[a], people[b], float(w))
        for i, ((a, b), w) in enumerate(zip(pairs, weights.tolist(), strict=True))
    )

    slots = slot_labels(n_slots, days)
    per_day = -(-n_slots // days)
    day_slots = [frozenset(slots[d * per_day : (d + 1) * per_day]) for d in range(days)]
    day_slots = [d for d in day_slots if d]  # 4 slots over 3 days: 2 days of 2
    days = len(day_slots)
    rooms = tuple(f"T{i + 1:03d}" for i in range(rooms_n))

    availability = {}
    kind = rng.random(n)
    day_of = rng.integers(0, days, size=n)
    block_len = rng.integers(2, 7, size=n)
    block_start = rng.integers(0, n_slots, size=n)
    for i in range(n):
        if kind[i] < partial_availability / 2 and days > 1:
            availability[people[i]] = day_slots[day_of[i]]
        elif kind[i] < partial_availability:
            gone = {slots[(block_start[i] + j) % n_slots] for j in range(min(block_len[i], n_slots - 1))}
            availability[people[i]] = frozenset(slots) - gone
    room_slots = {}
    if days > 1:
        part = rng.random(rooms_n) < part_time_rooms
        room_day = rng.integers(0, days, size=rooms_n)
        room_slots = {rooms[r]: day_slots[room_day[r]] for r in np.flatnonzero(part).tolist()}
    caps = rng.choice([6, 8, 10, 12], size=n)
    max_meetings = {people[i]: int(caps[i]) for i in np.flatnonzero(rng.random(n) < capped).tolist()}
    top = np.argsort(-popularity, kind="stable")[:home_n]
    homes = {people[p]: rooms[j] for j, p in enumerate(top.tolist())}
    return Problem(
        slots=slots,
        rooms=rooms,
        requests=requests,
        availability=availability,
        room_slots=room_slots,
        max_meetings=max_meetings,
        home_rooms=homes,
    )
