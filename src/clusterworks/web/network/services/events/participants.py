"""Registration: an organisation registers for an event with its attendee, its offer, what it looks for
and the slots it can attend, and changes them while registration is open."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clusterworks.web.core.permissions import require
from clusterworks.web.registry.models import Organisation

from ...models import EventParticipant, EventSlot, EventStatus, MatchmakingEvent
from ...selectors_events import registrable_organisations
from .common import _locked_event, _status_label


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
