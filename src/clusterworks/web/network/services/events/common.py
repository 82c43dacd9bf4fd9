"""What every part of the event services uses: the event locked for writing, the address of one of its
pages (for notifications) and a status's label."""

from __future__ import annotations

from django.urls import reverse

from ...models import EventStatus, MatchmakingEvent


def _event_url(event: MatchmakingEvent, name: str = "network-event") -> str:
    return reverse(name, args=[event.pk])


def _locked_event(event: MatchmakingEvent) -> MatchmakingEvent:
    return MatchmakingEvent.objects.select_for_update(of=("self",)).select_related("cluster").get(pk=event.pk)


def _status_label(status: str) -> str:
    try:
        return str(EventStatus(status).label)
    except ValueError:
        return status
