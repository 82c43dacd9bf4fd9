"""Queries of matchmaking events: the events a user may see (the ``event.view`` rule as one query),
participants and their requests, the scheduling problem built from the accepted requests, the grid of a
schedule, per-participant agendas, and an event's results.

**The scheduling problem** (:func:`scheduling_input`). Only accepted requests are scheduled. Two
participants meet at most once, so the accepted requests between the same two participants (A asked B
and B asked A) become one meeting, carried by the request of the highest priority (the earliest on a
tie). Its weight -- what the scheduler maximises in total -- is that priority (1 normal to 3 must meet),
plus 1 when both participants asked to meet each other (the reverse request exists and was not
cancelled, whatever its answer). Participants are named by their organisation (short name, else name;
a number is added if two coincide), slots by their local start time and rooms by their name, so the
scheduler's reasons for a request left out (worded in the reader's language by
``messages.schedule_reason_text``) read plainly.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from clusterworks.analytics.matchmaking import MeetingRequest as Req
from clusterworks.analytics.matchmaking import Problem
from clusterworks.web.core.permissions import is_authenticated
from clusterworks.web.registry.models import Cluster, Membership, Organisation

from .models import (
    EventParticipant,
    EventRoom,
    EventSlot,
    EventStatus,
    MatchmakingEvent,
    MeetingRequest,
    OutcomeKind,
    RequestStatus,
    ScheduledMeeting,
)
from .permissions import eligible_organisations

#: weight added to a meeting both participants asked for
MUTUAL_BONUS = 1


def events_visible_to(user: Any, *, status: str = "") -> QuerySet[MatchmakingEvent]:
    """The events ``user`` may see (``event.view``), newest first: every event to platform
    administrators; the events of the clusters they manage; and, out of draft, the events they may take
    part in (open to all and the user represents an organisation, or a represented organisation is a
    current member of the organising cluster) or their organisation takes part in."""
    events = MatchmakingEvent.objects.select_related("cluster").order_by("-date", "-pk")
    if not is_authenticated(user):
        return events.none()
    if not user.is_platform_admin:
        represented = user.represented_organisation_ids()
        may_take_part = Q(pk__in=[])
        if represented:
            member = Exists(
                Membership.objects.filter(
                    cluster=OuterRef("cluster"), organisation_id__in=represented, left__isnull=True
                )
            )
            taking_part = Exists(
                EventParticipant.objects.filter(event=OuterRef("pk"), organisation_id__in=represented)
            )
            may_take_part = Q(open_to_all=True) | Q(member) | Q(taking_part)
        events = events.filter(
            Q(cluster_id__in=user.managed_cluster_ids()) | (~Q(status=EventStatus.DRAFT) & may_take_part)
        )
    if status:
        events = events.filter(status=status)
    return events


def organising_clusters(user: Any) -> QuerySet[Cluster]:
    """The clusters ``user`` may organise an event for (``event.create``): those they manage; every
    cluster for platform administrators."""
    clusters = Cluster.objects.order_by("name_en", "name_ru", "pk")
    if not is_authenticated(user):
        return clusters.none()
    return clusters if user.is_platform_admin else clusters.filter(pk__in=user.managed_cluster_ids())


def event_participants(event: MatchmakingEvent) -> QuerySet[EventParticipant]:
    return (
        event.participants.select_related("organisation", "organisation__region")
        .prefetch_related("available")
        .order_by("organisation__name_en", "organisation__name_ru", "pk")
    )


def participants_of(*, user: Any, event: MatchmakingEvent) -> list[EventParticipant]:
    """The participants of ``event`` whose organisation ``user`` represents."""
    if not is_authenticated(user):
        return []
    return list(event_participants(event).filter(organisation_id__in=user.represented_organisation_ids()))


def registrable_organisations(*, user: Any, event: MatchmakingEvent) -> QuerySet[Organisation]:
    """The organisations ``user`` may register for ``event`` and that are not registered yet:
    ``eligible_organisations``; for platform administrators, the organising cluster's current members
    (every organisation when the event is open to all)."""
    organisations = Organisation.objects.order_by("name_en", "name_ru", "pk")
    if not is_authenticated(user):
        return organisations.none()
    if user.is_platform_admin:
        if not event.open_to_all:
            organisations = organisations.filter(
                memberships__cluster_id=event.cluster_id, memberships__left__isnull=True
            )
    else:
        organisations = organisations.filter(pk__in=eligible_organisations(user, event))
    return organisations.exclude(pk__in=event.participants.values("organisation_id"))


def requests_of(*, participants: Sequence[EventParticipant]) -> tuple[list, list]:
    """(sent, received) meeting requests of ``participants``, newest first."""
    ids = [p.pk for p in participants]
    rows = MeetingRequest.objects.select_related(
        "requester__organisation", "invitee__organisation", "event"
    ).order_by("-created_at", "-pk")
    return list(rows.filter(requester_id__in=ids)), list(rows.filter(invitee_id__in=ids))


def request_counts(event: MatchmakingEvent) -> dict[str, int]:
    """Requests of ``event`` per status (every status listed)."""
    counts = dict(event.requests.values_list("status").annotate(n=Count("pk")).order_by())
    return {status: counts.get(status, 0) for status in RequestStatus.values}


# -------------------------------------------------------------------------------------- scheduling


def participant_label(participant: EventParticipant) -> str:
    organisation = participant.organisation
    name = organisation.short_name or organisation.display_name()
    return " ".join(name.split()) or f"#{participant.pk}"


def slot_label(slot: EventSlot) -> str:
    return f"{timezone.localtime(slot.starts_at):%H:%M}"


@dataclass(frozen=True)
class SchedulingInput:
    """The scheduling problem of an event and what its ids stand for."""

    problem: Problem
    #: library request id -> the request carrying the meeting
    requests: dict[str, MeetingRequest]
    weights: dict[str, float]
    mutual: dict[str, bool]
    participants: dict[str, EventParticipant]
    slots: dict[str, EventSlot]
    rooms: dict[str, EventRoom]

    def ids_of(self) -> tuple[dict[int, str], dict[int, str], dict[int, str]]:
        """Request, slot and room ids by primary key."""
        return (
            {r.pk: i for i, r in self.requests.items()},
            {s.pk: i for i, s in self.slots.items()},
            {r.pk: i for i, r in self.rooms.items()},
        )


def _unique_labels(items: Iterable[Any], label) -> dict[str, Any]:
    items = list(items)
    counts = Counter(label(item) for item in items)
    named: dict[str, Any] = {}
    for item in items:
        name = label(item)
        if counts[name] > 1 or name in named:
            name = f"{name} ({item.pk})"
        named[name] = item
    return named


def scheduling_input(*, event: MatchmakingEvent) -> SchedulingInput:
    """The scheduling problem of ``event`` from its accepted requests (see the module's docstring)."""
    slots = _unique_labels(event.slots.order_by("starts_at"), slot_label)
    rooms = _unique_labels(event.rooms.order_by("pk"), lambda r: " ".join(r.name.split()) or f"#{r.pk}")
    participants = _unique_labels(event_participants(event), participant_label)
    name_of = {p.pk: name for name, p in participants.items()}
    slot_name = {s.pk: name for name, s in slots.items()}
    requests = list(
        event.requests.exclude(status=RequestStatus.CANCELLED)
        .select_related("requester__organisation", "invitee__organisation")
        .order_by("created_at", "pk")
    )
    asked = {(r.requester_id, r.invitee_id) for r in requests}
    pairs: dict[frozenset[int], list[MeetingRequest]] = defaultdict(list)
    for request in requests:
        if request.status == RequestStatus.ACCEPTED:
            pairs[frozenset((request.requester_id, request.invitee_id))].append(request)
    chosen: dict[str, MeetingRequest] = {}
    weights: dict[str, float] = {}
    mutual: dict[str, bool] = {}
    library: list[Req] = []
    for group in pairs.values():
        carrier = min(group, key=lambda r: (-r.priority, r.created_at, r.pk))
        both = (carrier.invitee_id, carrier.requester_id) in asked
        weight = float(carrier.priority + (MUTUAL_BONUS if both else 0))
        key = str(carrier.pk)
        chosen[key], weights[key], mutual[key] = carrier, weight, both
        library.append(Req(key, name_of[carrier.requester_id], name_of[carrier.invitee_id], weight))
    availability = {
        name_of[p.pk]: frozenset(slot_name[s.pk] for s in p.available.all() if s.pk in slot_name)
        for p in participants.values()
        if p.available.all()
    }
    caps = dict.fromkeys(participants, event.max_meetings) if event.max_meetings else {}
    problem = Problem(
        slots=tuple(slots),
        rooms=tuple(rooms),
        requests=tuple(library),
        availability=availability,
        max_meetings=caps,
    )
    return SchedulingInput(problem, chosen, weights, mutual, participants, slots, rooms)


# ------------------------------------------------------------------------------- schedules, agendas


def event_meetings(event: MatchmakingEvent) -> list[ScheduledMeeting]:
    return list(
        event.meetings.select_related(
            "slot",
            "room",
            "request__requester__organisation",
            "request__invitee__organisation",
            "outcome",
            "outcome__agreement",
        ).order_by("slot__starts_at", "room_id")
    )


def schedule_grid(
    *, slots: Sequence[EventSlot], rooms: Sequence[EventRoom], meetings: Iterable[Any]
) -> list[tuple[EventSlot, list[Any]]]:
    """Rows of (slot, [the meeting in each room, or None]); ``meetings`` have ``slot`` and ``room``."""
    at = {(m.slot.pk, m.room.pk): m for m in meetings}
    return [(slot, [at.get((slot.pk, room.pk)) for room in rooms]) for slot in slots]


@dataclass(frozen=True)
class AgendaItem:
    slot: EventSlot
    room: EventRoom
    partner: EventParticipant
    meeting: Any


def agendas(
    *, participants: Sequence[EventParticipant], meetings: Iterable[Any]
) -> list[tuple[EventParticipant, list[AgendaItem]]]:
    """Each participant's meetings in time order: (participant, [slot, room, partner, meeting])."""
    by_participant: dict[int, list[AgendaItem]] = defaultdict(list)
    for meeting in meetings:
        request = meeting.request
        by_participant[request.requester_id].append(
            AgendaItem(meeting.slot, meeting.room, request.invitee, meeting)
        )
        by_participant[request.invitee_id].append(
            AgendaItem(meeting.slot, meeting.room, request.requester, meeting)
        )
    return [
        (p, sorted(by_participant.get(p.pk, []), key=lambda item: item.slot.starts_at)) for p in participants
    ]


def meetings_awaiting_outcome(*, user: Any, event: MatchmakingEvent) -> list[ScheduledMeeting]:
    """Meetings of the user's participants in ``event`` without a recorded outcome."""
    mine = [p.pk for p in participants_of(user=user, event=event)]
    return [
        m
        for m in event_meetings(event)
        if (m.request.requester_id in mine or m.request.invitee_id in mine) and not has_outcome(m)
    ]


def event_results(event: MatchmakingEvent) -> dict[str, Any]:
    """Meetings held, outcomes per kind (every kind, and those not recorded), the agreements created."""
    meetings = event_meetings(event)
    outcomes = [m.outcome for m in meetings if has_outcome(m)]
    by_kind = Counter(o.kind for o in outcomes)
    return {
        "meetings": len(meetings),
        "recorded": len(outcomes),
        "not_recorded": len(meetings) - len(outcomes),
        "by_kind": [(kind.value, kind.label, by_kind.get(kind.value, 0)) for kind in OutcomeKind],
        "agreements": [
            (m, m.outcome.agreement) for m in meetings if has_outcome(m) and m.outcome.agreement_id
        ],
        "participants": event.participants.count(),
    }


def has_outcome(meeting: ScheduledMeeting) -> bool:
    """Whether the meeting's outcome is recorded (a missing reverse one-to-one raises an
    ``AttributeError`` subclass)."""
    return hasattr(meeting, "outcome")
