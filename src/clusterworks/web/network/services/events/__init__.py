"""Matchmaking events: the organisers set up the event (its time slots and rooms or tables), open
registration; participants register with their offer, what they look for and when they are free, ask
each other for one-to-one meetings and answer the requests addressed to them; the organisers run the
scheduler on the accepted requests (``clusterworks.analytics.matchmaking``), publish the schedule, and
each side (or the organisers) records what came of a meeting. A letter of intent or an agreement becomes
an agreement in the register between the two organisations, signed on the event's date -- the way
outcomes flow back into the network.

By concern: the event, its slots, rooms and status (``setup``, ``slots``), registration
(``participants``), meeting requests (``requests``), running and publishing the schedule
(``scheduling``), and meeting outcomes into agreements (``outcomes``).

Every service checks the actor's permission, validates, and writes in one transaction (the rows whose
state races are locked first). Notifications (``services.board.send``): a meeting request to the
invitee's representatives, an answer or a cancellation to the other side, a published schedule to every
participant, the end of the event to every participant.
"""

from .outcomes import meeting_outcome_record
from .participants import participant_register, participant_update
from .requests import meeting_request_answer, meeting_request_cancel, meeting_request_create
from .scheduling import MAX_TIME_LIMIT, SCHEDULING_STATUSES, event_schedule_publish, event_schedule_run
from .setup import (
    EVENT_FIELDS,
    SETUP_STATUSES,
    STATUS_CHANGES,
    event_create,
    event_rooms_set,
    event_slots_set,
    event_status_change,
    event_update,
)
from .slots import default_room_names, slot_times

__all__ = [
    "EVENT_FIELDS",
    "MAX_TIME_LIMIT",
    "SCHEDULING_STATUSES",
    "SETUP_STATUSES",
    "STATUS_CHANGES",
    "default_room_names",
    "event_create",
    "event_rooms_set",
    "event_schedule_publish",
    "event_schedule_run",
    "event_slots_set",
    "event_status_change",
    "event_update",
    "meeting_outcome_record",
    "meeting_request_answer",
    "meeting_request_cancel",
    "meeting_request_create",
    "participant_register",
    "participant_update",
    "slot_times",
]
