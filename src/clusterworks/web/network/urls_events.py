"""Network URLs: matchmaking events under /network/events/ (see urls.py)."""

from django.urls import path

from . import views_events as events

urlpatterns = [
    path("events/", events.event_list, name="network-events"),
    path("events/new/", events.event_create, name="network-event-create"),
    path("events/<int:pk>/", events.event_detail, name="network-event"),
    path("events/<int:pk>/edit/", events.event_edit, name="network-event-edit"),
    path("events/<int:pk>/status/", events.event_status, name="network-event-status"),
    path("events/<int:pk>/slots/", events.event_slots, name="network-event-slots"),
    path("events/<int:pk>/rooms/", events.event_rooms, name="network-event-rooms"),
    path("events/<int:pk>/register/", events.event_register, name="network-event-register"),
    path("events/<int:pk>/participants/", events.event_participants, name="network-event-participants"),
    path(
        "events/<int:pk>/participants/<int:participant>/edit/",
        events.participant_edit,
        name="network-event-participant-edit",
    ),
    path(
        "events/<int:pk>/participants/<int:participant>/request/",
        events.request_create,
        name="network-event-request",
    ),
    path("events/<int:pk>/requests/", events.my_requests, name="network-event-requests"),
    path("events/requests/<int:pk>/answer/", events.request_answer, name="network-event-request-answer"),
    path("events/requests/<int:pk>/cancel/", events.request_cancel, name="network-event-request-cancel"),
    path("events/<int:pk>/schedule/", events.event_schedule, name="network-event-schedule"),
    path("events/<int:pk>/schedule/publish/", events.schedule_publish, name="network-event-schedule-publish"),
    path("events/<int:pk>/agendas/", events.event_agendas, name="network-event-agendas"),
    path("events/meetings/<int:pk>/outcome/", events.meeting_outcome, name="network-event-outcome"),
    path("events/<int:pk>/results/", events.event_results, name="network-event-results"),
]
