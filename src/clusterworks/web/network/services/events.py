"""Matchmaking events: the organisers set up the event (its time slots and rooms or tables), open
registration; participants register with their offer, what they look for and when they are free, ask
each other for one-to-one meetings and answer the requests addressed to them; the organisers run the
scheduler on the accepted requests (``clusterworks.analytics.matchmaking``), publish the schedule, and
each side (or the organisers) records what came of a meeting. A letter of intent or an agreement becomes
an agreement in the register between the two organisations, signed on the event's date -- the way
outcomes flow back into the network.

**Status.** ``draft -> registration -> scheduled -> finished`` (:data:`STATUS_CHANGES`): registration
opens once the event has slots and rooms; it may go back to draft while nobody is registered; the
schedule is published (and republished, until an outcome is recorded) only by
:func:`event_schedule_publish`; slots and rooms change only in draft and registration. Meeting requests
are made until ``requests_close``.

**Outcomes and the register.** The outcome owns the agreement it creates: a letter of intent makes an
agreement of kind ``intent``, an agreement one of kind ``cooperation``; changing the outcome's kind
changes the agreement's, and changing it to no follow-up or a follow-up deletes it.

Every service checks the actor's permission, validates, and writes in one transaction (the rows whose
state races are locked first). Notifications (``services.board.send``): a meeting request to the
invitee's representatives, an answer or a cancellation to the other side, a published schedule to every
participant, the end of the event to every participant.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clusterworks.analytics.matchmaking import (
    InvalidSchedulingProblem,
    Placement,
    Schedule,
    check_schedule,
    problem_issues,
    schedule_meetings,
)
from clusterworks.web.core.permissions import require
from clusterworks.web.registry.models import AgreementKind, Cluster, Organisation

from ..models import (
    EventParticipant,
    EventRoom,
    EventSlot,
    EventStatus,
    MatchmakingEvent,
    MeetingOutcome,
    MeetingRequest,
    OutcomeKind,
    RequestStatus,
    ScheduledMeeting,
)
from ..selectors_board import representatives
from ..selectors_events import registrable_organisations, scheduling_input
from .board import record_agreement, send

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
#: statuses in which the schedule is run and published
SCHEDULING_STATUSES = (EventStatus.REGISTRATION, EventStatus.SCHEDULED)
#: the registry agreement each outcome creates
AGREEMENT_OF_OUTCOME = {
    OutcomeKind.LETTER_OF_INTENT: AgreementKind.INTENT,
    OutcomeKind.AGREEMENT: AgreementKind.COOPERATION,
}
PRIORITIES = (1, 2, 3)
METHODS = ("exact", "greedy")
#: the longest a scheduling run may take from a page, in seconds
MAX_TIME_LIMIT = 60.0


def _event_url(event: MatchmakingEvent, name: str = "network-event") -> str:
    return reverse(name, args=[event.pk])


def _locked_event(event: MatchmakingEvent) -> MatchmakingEvent:
    return MatchmakingEvent.objects.select_for_update(of=("self",)).select_related("cluster").get(pk=event.pk)


def _status_label(status: str) -> str:
    try:
        return str(EventStatus(status).label)
    except ValueError:
        return status


def _setup_open(event: MatchmakingEvent) -> None:
    if event.status not in SETUP_STATUSES:
        raise ValidationError(
            _("Slots and rooms change only before the schedule is published; the event is “%(status)s”.")
            % {"status": _status_label(event.status)}
        )


# ------------------------------------------------------------------------------------ slots, rooms


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


# ------------------------------------------------------------------------------------------ events


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


# ------------------------------------------------------------------------------------ participants


def _registration_open(event: MatchmakingEvent) -> None:
    """Registration, profiles and meeting requests change only while registration is open (for platform
    administrators too, whom the permissions let through)."""
    if event.status != EventStatus.REGISTRATION:
        raise ValidationError(
            _("Registration and meeting requests are closed; the event is “%(status)s”.")
            % {"status": _status_label(event.status)}
        )


def _event_slots(event: MatchmakingEvent, slots: Iterable[EventSlot]) -> list[EventSlot]:
    slots = list(slots)
    foreign = [s for s in slots if s.event_id != event.pk]
    if foreign:
        raise ValidationError({"available": _("Choose slots of this event.")})
    return slots


@transaction.atomic
def participant_register(
    *,
    actor: Any,
    event: MatchmakingEvent,
    organisation: Organisation,
    attendee: str,
    offer: str = "",
    seek: str = "",
    available: Iterable[EventSlot] = (),
) -> EventParticipant:
    """Register ``organisation`` (one the actor may register) for ``event``; ``available``: the slots
    the attendee can attend, none meaning all."""
    event = _locked_event(event)
    require(actor, "event.register", event)
    _registration_open(event)
    if event.participants.filter(organisation=organisation).exists():
        raise ValidationError(
            {"organisation": _("%(organisation)s is already registered.") % {"organisation": organisation}}
        )
    if not registrable_organisations(user=actor, event=event).filter(pk=organisation.pk).exists():
        raise ValidationError(
            {
                "organisation": _("You may not register %(organisation)s for this event.")
                % {"organisation": organisation}
            }
        )
    participant = EventParticipant(
        event=event, organisation=organisation, user=actor, attendee=attendee, offer=offer, seek=seek
    )
    participant.full_clean()
    participant.save()
    participant.available.set(_event_slots(event, available))
    return participant


@transaction.atomic
def participant_update(
    *,
    actor: Any,
    participant: EventParticipant,
    attendee: str,
    offer: str = "",
    seek: str = "",
    available: Iterable[EventSlot] = (),
) -> EventParticipant:
    participant = (
        EventParticipant.objects.select_for_update(of=("self",))
        .select_related("event", "organisation")
        .get(pk=participant.pk)
    )
    require(actor, "participant.act", participant)
    _registration_open(participant.event)
    participant.attendee, participant.offer, participant.seek = attendee, offer, seek
    participant.full_clean()
    participant.save()
    participant.available.set(_event_slots(participant.event, available))
    return participant


# ------------------------------------------------------------------------------------ meeting requests


def _requests_closed(event: MatchmakingEvent) -> bool:
    return event.requests_close is not None and timezone.now() >= event.requests_close


@transaction.atomic
def meeting_request_create(
    *,
    actor: Any,
    requester: EventParticipant,
    invitee: EventParticipant,
    message: str = "",
    priority: int = 1,
) -> MeetingRequest:
    """``requester`` (a participant the actor represents) asks ``invitee`` for a meeting. A cancelled
    request to the same invitee is made again; a standing one is refused."""
    requester = (
        EventParticipant.objects.select_for_update(of=("self",))
        .select_related("event", "organisation")
        .get(pk=requester.pk)
    )
    require(actor, "participant.act", requester)
    event = requester.event
    _registration_open(event)
    if invitee.event_id != event.pk:
        raise ValidationError(_("Both participants must take part in the same event."))
    if invitee.pk == requester.pk:
        raise ValidationError(_("A participant does not ask itself for a meeting."))
    if priority not in PRIORITIES:
        raise ValidationError({"priority": _("The priority is 1, 2 or 3.")})
    if _requests_closed(event):
        raise ValidationError(
            _("Meeting requests closed on %(when)s.")
            % {"when": timezone.localtime(event.requests_close).strftime("%Y-%m-%d %H:%M")}
        )
    request = MeetingRequest.objects.filter(requester=requester, invitee=invitee).first()
    if request is not None and request.status != RequestStatus.CANCELLED:
        raise ValidationError(
            _("%(organisation)s has already been asked for a meeting.")
            % {"organisation": invitee.organisation}
        )
    if request is None:
        request = MeetingRequest(event=event, requester=requester, invitee=invitee)
    request.message, request.priority = message, priority
    request.status = RequestStatus.PENDING
    request.created_at = timezone.now()
    request.full_clean()
    request.save()
    send(
        users=representatives(organisations=[invitee.organisation_id]),
        actor=actor,
        message=lambda: (
            _("%(organisation)s asks to meet you at “%(event)s”.")
            % {"organisation": requester.organisation, "event": event.title}
        ),
        url=_event_url(event, "network-event-requests"),
    )
    return request


def _locked_request(request: MeetingRequest) -> MeetingRequest:
    return (
        MeetingRequest.objects.select_for_update(of=("self",))
        .select_related("event", "requester__organisation", "invitee__organisation")
        .get(pk=request.pk)
    )


@transaction.atomic
def meeting_request_answer(*, actor: Any, request: MeetingRequest, accept: bool) -> MeetingRequest:
    """The invitee accepts or declines (and may change its mind while requests are open)."""
    request = _locked_request(request)
    require(actor, "request.answer", request)
    _registration_open(request.event)
    status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
    if request.status == status:
        return request
    request.status = status
    request.save()
    event = request.event
    if accept:

        def message() -> str:
            return _("%(organisation)s accepted your meeting request at “%(event)s”.") % {
                "organisation": request.invitee.organisation,
                "event": event.title,
            }
    else:

        def message() -> str:
            return _("%(organisation)s declined your meeting request at “%(event)s”.") % {
                "organisation": request.invitee.organisation,
                "event": event.title,
            }

    send(
        users=representatives(organisations=[request.requester.organisation_id]),
        actor=actor,
        message=message,
        url=_event_url(event, "network-event-requests"),
    )
    return request


@transaction.atomic
def meeting_request_cancel(*, actor: Any, request: MeetingRequest) -> MeetingRequest:
    """The requester takes back a pending or accepted request."""
    request = _locked_request(request)
    require(actor, "participant.act", request.requester)
    _registration_open(request.event)
    if request.status not in (RequestStatus.PENDING, RequestStatus.ACCEPTED):
        raise ValidationError(
            _("This request is “%(status)s” and cannot be cancelled.")
            % {"status": RequestStatus(request.status).label}
        )
    request.status = RequestStatus.CANCELLED
    request.save()
    event = request.event
    send(
        users=representatives(organisations=[request.invitee.organisation_id]),
        actor=actor,
        message=lambda: (
            _("%(organisation)s cancelled its meeting request at “%(event)s”.")
            % {"organisation": request.requester.organisation, "event": event.title}
        ),
        url=_event_url(event, "network-event-requests"),
    )
    return request


# ------------------------------------------------------------------------------------------ schedule


@dataclass(frozen=True)
class ProposedMeeting:
    request: MeetingRequest
    slot: EventSlot
    room: EventRoom
    weight: float
    mutual: bool


@dataclass(frozen=True)
class Unplaced:
    request: MeetingRequest
    reason: str
    weight: float
    mutual: bool


@dataclass(frozen=True)
class ScheduleProposal:
    """A run of the scheduler, in the event's rows: ``meetings`` placed, ``unplaced`` with the
    scheduler's (English) reasons, and its objective (total weight placed), bound and method."""

    meetings: list[ProposedMeeting]
    unplaced: list[Unplaced]
    objective: float
    bound: float | None
    optimal: bool
    method: str
    status: str
    seconds: float

    @property
    def requested(self) -> int:
        return len(self.meetings) + len(self.unplaced)


def _scheduling_open(event: MatchmakingEvent) -> None:
    if event.status not in SCHEDULING_STATUSES:
        raise ValidationError(
            _(
                "The schedule is made while registration is open or once it is published; "
                "the event is “%(status)s”."
            )
            % {"status": _status_label(event.status)}
        )


def event_schedule_run(
    *, actor: Any, event: MatchmakingEvent, method: str = "exact", time_limit: float = 10.0
) -> ScheduleProposal:
    """Run the scheduler on the event's accepted requests (weights: ``selectors_events``); nothing is
    stored (see :func:`event_schedule_publish`)."""
    event = MatchmakingEvent.objects.select_related("cluster").get(pk=event.pk)
    require(actor, "event.manage", event)
    _scheduling_open(event)
    if method not in METHODS:
        raise ValidationError({"method": _("Choose the exact or the greedy method.")})
    if not (0 < time_limit <= MAX_TIME_LIMIT):
        raise ValidationError(
            {
                "time_limit": _("The time limit is above 0 and at most %(n)s seconds.")
                % {"n": int(MAX_TIME_LIMIT)}
            }
        )
    data = scheduling_input(event=event)
    if not data.slots or not data.rooms:
        raise ValidationError(_("Give the event its time slots and rooms first."))
    try:
        schedule = schedule_meetings(data.problem, method=method, time_limit=time_limit, seed=0)
    except InvalidSchedulingProblem as error:
        raise ValidationError(list(error.issues)) from error
    meetings = [
        ProposedMeeting(
            request=data.requests[p.request],
            slot=data.slots[p.slot],
            room=data.rooms[p.room],
            weight=data.weights[p.request],
            mutual=data.mutual[p.request],
        )
        for p in schedule.placements
    ]
    unplaced = [
        Unplaced(data.requests[key], reason, data.weights[key], data.mutual[key])
        for key, reason in schedule.unplaced.items()
    ]
    unplaced.sort(key=lambda u: (-u.weight, u.request.pk))
    return ScheduleProposal(
        meetings=meetings,
        unplaced=unplaced,
        objective=schedule.objective,
        bound=schedule.bound,
        optimal=schedule.optimal,
        method=schedule.method,
        status=schedule.status,
        seconds=schedule.seconds,
    )


@transaction.atomic
def event_schedule_publish(
    *, actor: Any, event: MatchmakingEvent, placements: Iterable[tuple[int, int, int]]
) -> list[ScheduledMeeting]:
    """Store the schedule ``placements`` -- (request, slot, room) primary keys, as a run proposed them --
    in place of the event's previous schedule, and publish it: the event becomes ``scheduled`` and every
    participant is told. Refused, with nothing stored, when a placement breaks a rule of the current
    scheduling problem (``check_schedule``: an unknown or no longer accepted request, a clash of a room
    or a participant, a pair met twice, a slot someone cannot attend, a cap exceeded) or an outcome is
    already recorded."""
    event = _locked_event(event)
    require(actor, "event.manage", event)
    _scheduling_open(event)
    if MeetingOutcome.objects.filter(meeting__event=event).exists():
        raise ValidationError(
            _("Outcomes of meetings are recorded; the published schedule can no longer change.")
        )
    data = scheduling_input(event=event)
    request_id, slot_id, room_id = data.ids_of()
    issues: list[str] = list(problem_issues(data.problem))
    chosen: list[Placement] = []
    for request_pk, slot_pk, room_pk in placements:
        missing = []
        if request_pk not in request_id:
            missing.append(_("request %(id)s is not an accepted request of this event") % {"id": request_pk})
        if slot_pk not in slot_id:
            missing.append(_("slot %(id)s is not a slot of this event") % {"id": slot_pk})
        if room_pk not in room_id:
            missing.append(_("room %(id)s is not a room of this event") % {"id": room_pk})
        if missing:
            issues.extend(missing)
            continue
        chosen.append(Placement(request_id[request_pk], slot_id[slot_pk], room_id[room_pk]))
    placed = {p.request for p in chosen}
    schedule = Schedule(
        placements=tuple(chosen),
        unplaced={key: "not placed" for key in data.requests if key not in placed},
        objective=math.fsum(data.weights[p.request] for p in chosen),
        bound=None,
        optimal=False,
        method="published",
    )
    issues.extend(check_schedule(data.problem, schedule))
    if issues:
        raise ValidationError(
            [_("The schedule cannot be published: %(issue)s.") % {"issue": issue} for issue in issues]
        )
    event.meetings.all().delete()
    meetings = []
    try:
        with transaction.atomic():
            for placement in chosen:
                meetings.append(
                    ScheduledMeeting.objects.create(
                        event=event,
                        request=data.requests[placement.request],
                        slot=data.slots[placement.slot],
                        room=data.rooms[placement.room],
                    )
                )
    except IntegrityError as error:  # a clash the check missed: the database refuses it
        raise ValidationError(
            _("The schedule cannot be published: two meetings share a room in a slot.")
        ) from error
    event.status = EventStatus.SCHEDULED
    event.save()
    count = Counter()
    for meeting in meetings:
        count[meeting.request.requester_id] += 1
        count[meeting.request.invitee_id] += 1
    for participant in event.participants.select_related("organisation"):
        n = count[participant.pk]
        send(
            users=representatives(organisations=[participant.organisation_id]),
            actor=actor,
            message=lambda n=n, participant=participant: (
                ngettext(
                    "The schedule of “%(event)s” is published: %(count)s meeting for %(organisation)s.",
                    "The schedule of “%(event)s” is published: %(count)s meetings for %(organisation)s.",
                    n,
                )
                % {"event": event.title, "count": n, "organisation": participant.organisation}
            ),
            url=_event_url(event, "network-event-agendas"),
        )
    return meetings


# ------------------------------------------------------------------------------------------ outcomes


def _agreement_title(meeting: ScheduledMeeting) -> str:
    first, second = meeting.request.requester.organisation, meeting.request.invitee.organisation
    return f"{meeting.event.title}: {first.short_name or first} — {second.short_name or second}"


@transaction.atomic
def meeting_outcome_record(
    *, actor: Any, meeting: ScheduledMeeting, kind: str, note: str = ""
) -> MeetingOutcome:
    """Record (or change) what came of a meeting. A letter of intent or an agreement creates the
    registry agreement between the two organisations, signed on the event's date, and links it; the
    outcome keeps it in step (see the module's docstring)."""
    meeting = (
        ScheduledMeeting.objects.select_for_update(of=("self",))
        .select_related("event", "request__requester__organisation", "request__invitee__organisation")
        .get(pk=meeting.pk)
    )
    require(actor, "meeting.outcome", meeting)
    if kind not in OutcomeKind.values:
        raise ValidationError({"kind": _("Choose what came of the meeting.")})
    outcome = MeetingOutcome.objects.filter(meeting=meeting).select_related("agreement").first()
    outcome = outcome or MeetingOutcome(meeting=meeting)
    wanted = AGREEMENT_OF_OUTCOME.get(kind)
    agreement = outcome.agreement if outcome.pk else None
    if agreement is not None and wanted is None:
        agreement.delete()  # the outcome's link is set to null by the database
        agreement = None
    elif agreement is not None and agreement.kind != wanted:
        agreement.kind = wanted
        agreement.save()
    elif agreement is None and wanted is not None:
        agreement = record_agreement(
            organisations=(meeting.request.requester.organisation, meeting.request.invitee.organisation),
            kind=wanted,
            title=_agreement_title(meeting),
            signed_on=meeting.event.date,
        )
    outcome.kind, outcome.note, outcome.agreement = kind, note, agreement
    outcome.recorded_by = actor
    outcome.recorded_at = timezone.now()
    outcome.full_clean(exclude=["recorded_by"])
    outcome.save()
    return outcome
