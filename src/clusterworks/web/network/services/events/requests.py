"""Meeting requests: a participant asks another for a one-to-one meeting (until ``requests_close``), the
invitee accepts or declines, the requester may cancel. Each is notified to the other side's
representatives."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterworks.web.core.permissions import require

from ...models import EventParticipant, MatchmakingEvent, MeetingRequest, RequestStatus
from ...selectors_board import representatives
from ..board import send
from .common import _event_url
from .participants import _registration_open

PRIORITIES = (1, 2, 3)


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
