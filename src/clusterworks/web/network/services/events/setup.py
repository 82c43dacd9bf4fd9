"""Setting up an event: its fields, slots and rooms, and its status.

**Status.** ``draft -> registration -> scheduled -> finished`` (:data:`STATUS_CHANGES`): registration
opens once the event has slots and rooms; it may go back to draft while nobody is registered; the
schedule is published (and republished, until an outcome is recorded) only by
``scheduling.event_schedule_publish``; slots and rooms change only in draft and registration. Meeting
requests are made until ``requests_close``. Finishing the event tells every participant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterworks.web.core.permissions import require
from clusterworks.web.registry.models import Cluster

from ...models import EventRoom, EventSlot, EventStatus, MatchmakingEvent
from ...selectors_board import representatives
from ..board import send
from .common import _event_url, _locked_event, _status_label
from .slots import _aware, _write_rooms, _write_slots

EVENT_FIELDS = ("title", "description", "venue", "date", "requests_close", "max_meetings", "open_to_all")
#: the status changes the organisers make; ``registration -> scheduled`` is publishing the schedule
STATUS_CHANGES = {
    EventStatus.DRAFT: (EventStatus.REGISTRATION,),
    EventStatus.REGISTRATION: (EventStatus.DRAFT, EventStatus.SCHEDULED),
    EventStatus.SCHEDULED: (EventStatus.FINISHED,),
    EventStatus.FINISHED: (),
}
#: statuses in which slots and rooms may change
SETUP_STATUSES = (EventStatus.DRAFT, EventStatus.REGISTRATION)


def _setup_open(event: MatchmakingEvent) -> None:
    if event.status not in SETUP_STATUSES:
        raise ValidationError(
            _("Slots and rooms change only before the schedule is published; the event is “%(status)s”.")
            % {"status": _status_label(event.status)}
        )


def _assign(event: MatchmakingEvent, data: dict[str, Any]) -> None:
    unknown = set(data) - set(EVENT_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}; allowed: {sorted(EVENT_FIELDS)}")
    for name, value in data.items():
        setattr(event, name, value)


@transaction.atomic
def event_create(
    *,
    actor: Any,
    cluster: Cluster,
    data: dict[str, Any],
    slots: Sequence[tuple[dt.time, dt.time]],
    rooms: Sequence[str],
) -> MatchmakingEvent:
    """A draft event of ``cluster`` with its slots (local start and end times on the event's date) and
    rooms, all or nothing."""
    require(actor, "event.create", cluster)
    event = MatchmakingEvent(cluster=cluster)
    _assign(event, data)
    event.status = EventStatus.DRAFT
    event.full_clean()
    event.save()
    _write_slots(event, slots)
    _write_rooms(event, rooms)
    return event


@transaction.atomic
def event_update(*, actor: Any, event: MatchmakingEvent, data: dict[str, Any]) -> MatchmakingEvent:
    """Change the event's fields; a new date moves the slots to it, at the same times."""
    event = _locked_event(event)
    require(actor, "event.manage", event)
    old_date = event.date
    _assign(event, data)
    event.full_clean()
    event.save()
    if event.date != old_date:
        for slot in event.slots.order_by("-starts_at" if event.date > old_date else "starts_at"):
            starts, ends = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
            slot.starts_at = _aware(event.date + (starts.date() - old_date), starts.time())
            slot.ends_at = _aware(event.date + (ends.date() - old_date), ends.time())
            slot.save(update_fields=["starts_at", "ends_at"])
    return event


@transaction.atomic
def event_slots_set(
    *, actor: Any, event: MatchmakingEvent, times: Sequence[tuple[dt.time, dt.time]]
) -> list[EventSlot]:
    """Make the event's slots exactly ``times``: slots starting at the same time are kept (with the
    participants' availability), the others deleted or added."""
    event = _locked_event(event)
    require(actor, "event.manage", event)
    _setup_open(event)
    return _write_slots(event, times)


@transaction.atomic
def event_rooms_set(*, actor: Any, event: MatchmakingEvent, names: Sequence[str]) -> list[EventRoom]:
    """Make the event's rooms exactly ``names`` (rooms of the same name are kept)."""
    event = _locked_event(event)
    require(actor, "event.manage", event)
    _setup_open(event)
    return _write_rooms(event, names)


@transaction.atomic
def event_status_change(*, actor: Any, event: MatchmakingEvent, status: str) -> MatchmakingEvent:
    """Open registration, take the event back to draft, or finish it (``STATUS_CHANGES``); publishing
    the schedule is :func:`event_schedule_publish`."""
    event = _locked_event(event)
    require(actor, "event.manage", event)
    if status == EventStatus.SCHEDULED and event.status == EventStatus.REGISTRATION:
        raise ValidationError(_("The schedule is published from the scheduling page."))
    if status not in STATUS_CHANGES.get(event.status, ()):
        raise ValidationError(
            _("An event that is “%(current)s” cannot become “%(target)s”.")
            % {"current": _status_label(event.status), "target": _status_label(status)}
        )
    if status == EventStatus.REGISTRATION and not (event.slots.exists() and event.rooms.exists()):
        raise ValidationError(_("Give the event its time slots and rooms before registration opens."))
    if status == EventStatus.DRAFT and event.participants.exists():
        raise ValidationError(_("Organisations have registered; the event cannot go back to draft."))
    event.status = status
    event.save()
    if status == EventStatus.FINISHED:
        send(
            users=representatives(organisations=event.participants.values_list("organisation_id", flat=True)),
            actor=actor,
            message=lambda: (
                _("“%(event)s” is over: record what came of your meetings.") % {"event": event.title}
            ),
            url=_event_url(event, "network-event-agendas"),
        )
    return event
