"""An event's time slots and rooms (or tables): slot times from a start, an end, a length, pauses and
breaks; default table names; and writing the slots and rooms an organiser chose (slots starting at the
same time are kept, with the participants' availability; a slot is not removed while a participant is
available only in removed ones)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ...models import EventRoom, EventSlot, MatchmakingEvent


def _minutes(value: dt.time) -> int:
    return value.hour * 60 + value.minute


def _time(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


def slot_times(
    *,
    start: dt.time,
    end: dt.time,
    length: int,
    pause: int = 0,
    breaks: Sequence[tuple[dt.time, dt.time]] = (),
) -> list[tuple[dt.time, dt.time]]:
    """Meeting slots of ``length`` minutes from ``start`` until ``end``, ``pause`` minutes apart, none
    overlapping a break (a slot that would is moved to the break's end).

    >>> slot_times(start=dt.time(10), end=dt.time(11), length=20, pause=5)
    [(datetime.time(10, 0), datetime.time(10, 20)), (datetime.time(10, 25), datetime.time(10, 45))]
    """
    if length <= 0:
        raise ValidationError({"length": _("A meeting lasts at least a minute.")})
    if pause < 0:
        raise ValidationError({"pause": _("The pause between meetings cannot be negative.")})
    first, last = _minutes(start), _minutes(end)
    if last <= first:
        raise ValidationError({"end": _("The meetings must end after they start.")})
    spans = sorted((_minutes(a), _minutes(b)) for a, b in breaks)
    bad = [f"{a:%H:%M}–{b:%H:%M}" for a, b in breaks if _minutes(b) <= _minutes(a)]
    if bad:
        raise ValidationError(
            {"breaks": _("A break must end after it starts: %(breaks)s.") % {"breaks": ", ".join(bad)}}
        )
    times, at = [], first
    while at + length <= last:
        clash = next(((a, b) for a, b in spans if at < b and a < at + length), None)
        if clash is not None:
            at = clash[1]
            continue
        times.append((_time(at), _time(at + length)))
        at += length + pause
    if not times:
        raise ValidationError({"end": _("No meeting fits between the start and the end.")})
    return times


def default_room_names(count: int) -> list[str]:
    return [_("Table %(number)s") % {"number": n} for n in range(1, count + 1)]


def _aware(date: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(date, time))


def _write_slots(event: MatchmakingEvent, times: Sequence[tuple[dt.time, dt.time]]) -> list[EventSlot]:
    if not times:
        raise ValidationError({"slots": _("An event needs at least one time slot.")})
    ordered = sorted(times)
    problems = [f"{a:%H:%M}–{b:%H:%M}" for a, b in ordered if _minutes(b) <= _minutes(a)]
    if problems:
        raise ValidationError(
            {"slots": _("A slot must end after it starts: %(slots)s.") % {"slots": ", ".join(problems)}}
        )
    overlaps = [
        f"{a:%H:%M}–{b:%H:%M} / {c:%H:%M}–{d:%H:%M}"
        for (a, b), (c, d) in zip(ordered, ordered[1:], strict=False)
        if _minutes(c) < _minutes(b)
    ]
    if overlaps:
        raise ValidationError({"slots": _("Slots overlap: %(slots)s.") % {"slots": "; ".join(overlaps)}})
    wanted = {_aware(event.date, a): _aware(event.date, b) for a, b in ordered}
    existing = {s.starts_at: s for s in event.slots.all()}
    dropped = [s for starts, s in existing.items() if starts not in wanted]
    if dropped:
        dropped_ids = {s.pk for s in dropped}
        stranded = [
            str(p.organisation)
            for p in event.participants.select_related("organisation").prefetch_related("available")
            if p.available.all() and {s.pk for s in p.available.all()} <= dropped_ids
        ]
        if stranded:
            raise ValidationError(
                {
                    "slots": _(
                        "These participants are available only in slots you remove; keep one of their "
                        "slots or ask them to change their availability first: %(names)s."
                    )
                    % {"names": ", ".join(stranded)}
                }
            )
        EventSlot.objects.filter(pk__in=dropped_ids).delete()
    slots = []
    for starts, ends in wanted.items():
        slot = existing.get(starts)
        if slot is None:
            slot = EventSlot.objects.create(event=event, starts_at=starts, ends_at=ends)
        elif slot.ends_at != ends:
            slot.ends_at = ends
            slot.save(update_fields=["ends_at"])
        slots.append(slot)
    return slots


def _write_rooms(event: MatchmakingEvent, names: Sequence[str]) -> list[EventRoom]:
    cleaned = [" ".join(str(n).split()) for n in names]
    cleaned = [n for n in cleaned if n]
    if not cleaned:
        raise ValidationError({"rooms": _("An event needs at least one room or table.")})
    long = [n for n in cleaned if len(n) > 100]
    if long:
        raise ValidationError(
            {"rooms": _("A room's name has at most 100 characters: %(names)s.") % {"names": ", ".join(long)}}
        )
    repeated = sorted({n for n in cleaned if Counter(x.casefold() for x in cleaned)[n.casefold()] > 1})
    if repeated:
        raise ValidationError(
            {"rooms": _("Each room needs its own name: %(names)s.") % {"names": ", ".join(repeated)}}
        )
    existing = {r.name: r for r in event.rooms.all()}
    EventRoom.objects.filter(event=event).exclude(name__in=cleaned).delete()
    return [existing.get(name) or EventRoom.objects.create(event=event, name=name) for name in cleaned]
