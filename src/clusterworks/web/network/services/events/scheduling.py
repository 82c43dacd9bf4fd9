"""Scheduling: a run of the scheduler (``clusterworks.analytics.matchmaking``) on the accepted requests,
proposed to the organisers with the reason each request left out is left out (in the reader's
language), and the publication of a schedule, told to every participant."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
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

from ...messages import schedule_reason_text
from ...models import (
    EventRoom,
    EventSlot,
    EventStatus,
    MatchmakingEvent,
    MeetingOutcome,
    MeetingRequest,
    ScheduledMeeting,
)
from ...selectors_board import representatives
from ...selectors_events import scheduling_input
from ..board import send
from .common import _event_url, _locked_event, _status_label

#: statuses in which the schedule is run and published
SCHEDULING_STATUSES = (EventStatus.REGISTRATION, EventStatus.SCHEDULED)
METHODS = ("exact", "greedy")
#: the longest a scheduling run may take from a page, in seconds
MAX_TIME_LIMIT = 60.0


@dataclass(frozen=True)
class ProposedMeeting:
    request: MeetingRequest
    slot: EventSlot
    room: EventRoom
    weight: float
    mutual: bool


@dataclass(frozen=True)
class Unplaced:
    """A request left out of a run; ``reason`` is the scheduler's, in the reader's language."""

    request: MeetingRequest
    reason: str
    weight: float
    mutual: bool


@dataclass(frozen=True)
class ScheduleProposal:
    """A run of the scheduler, in the event's rows: ``meetings`` placed, ``unplaced`` with the
    scheduler's reasons, and its objective (total weight placed), bound and method."""

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
        Unplaced(data.requests[key], schedule_reason_text(reason), data.weights[key], data.mutual[key])
        for key, reason in schedule.unplaced_reasons.items()
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
