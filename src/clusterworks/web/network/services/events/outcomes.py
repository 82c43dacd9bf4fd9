"""Meeting outcomes, the way they flow back into the network: each side (or the organisers) records
what came of a meeting, and a letter of intent or an agreement becomes an agreement in the register
between the two organisations, signed on the event's date.

**Outcomes and the register.** The outcome owns the agreement it creates: a letter of intent makes an
agreement of kind ``intent``, an agreement one of kind ``cooperation``; changing the outcome's kind
changes the agreement's, and changing it to no follow-up or a follow-up deletes it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterworks.web.core.permissions import require
from clusterworks.web.registry.models import AgreementKind

from ...models import MeetingOutcome, OutcomeKind, ScheduledMeeting
from ..board import record_agreement

#: the registry agreement each outcome creates
AGREEMENT_OF_OUTCOME = {
    OutcomeKind.LETTER_OF_INTENT: AgreementKind.INTENT,
    OutcomeKind.AGREEMENT: AgreementKind.COOPERATION,
}


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
