"""Pages of matchmaking events: the list, the organisers' forms (the event, its slots and rooms, its
status), registration and the participant's profile, the directory of participants with the meeting
request form, the user's requests, the organisers' scheduling page (run, review, publish), the schedule
grid and printable agendas, a meeting's outcome, and the organisers' results page with its chart.

Each view parses its input, asks ``core.permissions`` (``require`` before acting, ``check`` to show or
hide a button), calls the selectors or services and renders.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clusterworks.web.core.forms import add_service_errors
from clusterworks.web.core.permissions import NotAllowed, check, deny, require

from . import selectors_events as selectors
from .forms_events import (
    EventCreateForm,
    EventForm,
    MeetingRequestForm,
    OutcomeForm,
    ParticipantForm,
    RoomsForm,
    ScheduleRunForm,
    SlotGenerateForm,
    SlotsForm,
    format_spans,
    parse_placements,
)
from .models import (
    EventParticipant,
    EventStatus,
    MatchmakingEvent,
    MeetingRequest,
    OutcomeKind,
    RequestStatus,
    ScheduledMeeting,
)
from .services import events as services

#: one colour per outcome (colour-blind-safe Okabe-Ito palette), and grey for "not recorded"
OUTCOME_COLOURS = {
    OutcomeKind.NONE: "#999999",
    OutcomeKind.FOLLOW_UP: "#56b4e9",
    OutcomeKind.LETTER_OF_INTENT: "#e69f00",
    OutcomeKind.AGREEMENT: "#009e73",
    "not_recorded": "#d9dee6",
}


def _event(pk: int) -> MatchmakingEvent:
    return get_object_or_404(MatchmakingEvent.objects.select_related("cluster"), pk=pk)


def _participant(event_pk: int, pk: int) -> EventParticipant:
    return get_object_or_404(
        EventParticipant.objects.select_related("event", "event__cluster", "organisation"),
        pk=pk,
        event_id=event_pk,
    )


def _request(pk: int) -> MeetingRequest:
    return get_object_or_404(
        MeetingRequest.objects.select_related(
            "event", "event__cluster", "requester__organisation", "invitee__organisation"
        ),
        pk=pk,
    )


def _url(name: str, event: MatchmakingEvent) -> str:
    return reverse(name, args=[event.pk])


def _show_errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _render(request, template: str, context: dict[str, Any]):
    """Render an event's page; the tabs need to know whether the reader organises it."""
    event = context["event"]
    context.setdefault("can_manage", check(request.user, "event.manage", event))
    context.setdefault("published", event.status in (EventStatus.SCHEDULED, EventStatus.FINISHED))
    return render(request, f"network/events/{template}", context)


def _refuse(action: str, reason: str):
    raise NotAllowed(action, deny(reason))


# ------------------------------------------------------------------------------------------ events


@login_required
@require_http_methods(["GET"])
def event_list(request):
    status = request.GET.get("status", "")
    if status not in EventStatus.values:
        status = ""
    context = {
        "events": list(selectors.events_visible_to(request.user, status=status)),
        "status": status,
        "statuses": EventStatus.choices,
        "can_create": check(request.user, "event.create"),
    }
    return render(request, "network/events/event_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request):
    require(request.user, "event.create")
    form = EventCreateForm(request.POST or None, clusters=selectors.organising_clusters(request.user))
    if request.method == "POST" and form.is_valid():
        slots = form.generated_slots()
        if form.is_valid():
            try:
                event = services.event_create(
                    actor=request.user,
                    cluster=form.cleaned_data["cluster"],
                    data=form.service_data(),
                    slots=slots,
                    rooms=form.rooms(),
                )
            except ValidationError as error:
                add_service_errors(form, error, aliases={"slots": "day_end", "rooms": "room_names"})
            else:
                messages.success(
                    request,
                    _(
                        "The event is created as a draft with %(slots)s slots and %(rooms)s rooms; "
                        "open registration when it is ready."
                    )
                    % {"slots": event.slots.count(), "rooms": event.rooms.count()},
                )
                return redirect(_url("network-event", event))
    return render(request, "network/events/event_form.html", {"form": form, "event": None})


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request, pk):
    event = _event(pk)
    require(request.user, "event.manage", event)
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(actor=request.user, event=event, data=form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The event is saved."))
            return redirect(_url("network-event", event))
    return _render(request, "event_form.html", {"form": form, "event": event})


@login_required
@require_http_methods(["GET"])
def event_detail(request, pk):
    event = _event(pk)
    require(request.user, "event.view", event)
    can_manage = check(request.user, "event.manage", event)
    mine = selectors.participants_of(user=request.user, event=event)
    participant_count = event.participants.count()
    context = {
        "event": event,
        "can_manage": can_manage,
        "can_register": event.status == EventStatus.REGISTRATION
        and check(request.user, "event.register", event)
        and selectors.registrable_organisations(user=request.user, event=event).exists(),
        "mine": [(p, check(request.user, "participant.act", p)) for p in mine],
        "slots": list(event.slots.all()),
        "rooms": list(event.rooms.all()),
        "participant_count": participant_count,
        "request_counts": [
            (status, label, n)
            for (status, label), n in zip(
                RequestStatus.choices, selectors.request_counts(event).values(), strict=True
            )
        ]
        if can_manage
        else [],
        "status_changes": [
            (s, EventStatus(s).label)
            for s in services.STATUS_CHANGES[event.status]
            # publishing is the scheduling page's; back to draft only while nobody is registered
            if s != EventStatus.SCHEDULED and (s != EventStatus.DRAFT or not participant_count)
        ]
        if can_manage
        else [],
        "awaiting": selectors.meetings_awaiting_outcome(user=request.user, event=event)
        if event.status in (EventStatus.SCHEDULED, EventStatus.FINISHED)
        else [],
        "published": event.status in (EventStatus.SCHEDULED, EventStatus.FINISHED),
    }
    return _render(request, "event_detail.html", context)


@login_required
@require_POST
def event_status(request, pk):
    event = _event(pk)
    require(request.user, "event.manage", event)
    try:
        event = services.event_status_change(
            actor=request.user, event=event, status=request.POST.get("status", "")
        )
    except ValidationError as error:
        _show_errors(request, error)
    else:
        messages.success(request, _("The event is now: %(status)s.") % {"status": event.get_status_display()})
    return redirect(_url("network-event", event))


@login_required
@require_http_methods(["GET", "POST"])
def event_slots(request, pk):
    """Edit the slots as lines of times, or generate them anew from the day's plan."""
    event = _event(pk)
    require(request.user, "event.manage", event)
    action = request.POST.get("action") if request.method == "POST" else None
    slots_form = SlotsForm(
        request.POST if action == "save" else None, initial={"slots": format_spans(event.slots.all())}
    )
    generate_form = SlotGenerateForm(request.POST if action == "generate" else None)
    times = None
    if action == "save" and slots_form.is_valid():
        times, form = slots_form.cleaned_data["slots"], slots_form
    elif action == "generate" and generate_form.is_valid():
        times, form = generate_form.generated_slots(), generate_form
        times = times if generate_form.is_valid() else None
    if times is not None:
        try:
            saved = services.event_slots_set(actor=request.user, event=event, times=times)
        except ValidationError as error:
            add_service_errors(form, error, aliases={"slots": "slots" if form is slots_form else "day_end"})
        else:
            messages.success(request, _("The event has %(count)s time slots.") % {"count": len(saved)})
            return redirect(_url("network-event", event))
    context = {
        "event": event,
        "slots_form": slots_form,
        "generate_form": generate_form,
        "editable": event.status in services.SETUP_STATUSES,
    }
    return _render(request, "slots.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def event_rooms(request, pk):
    event = _event(pk)
    require(request.user, "event.manage", event)
    form = RoomsForm(request.POST or None, initial={"names": "\n".join(r.name for r in event.rooms.all())})
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.event_rooms_set(actor=request.user, event=event, names=form.rooms())
        except ValidationError as error:
            add_service_errors(form, error, aliases={"rooms": "names"})
        else:
            messages.success(request, _("The event has %(count)s rooms or tables.") % {"count": len(saved)})
            return redirect(_url("network-event", event))
    context = {"event": event, "form": form, "editable": event.status in services.SETUP_STATUSES}
    return _render(request, "rooms.html", context)


# ------------------------------------------------------------------------------------ participants


@login_required
@require_http_methods(["GET", "POST"])
def event_register(request, pk):
    event = _event(pk)
    require(request.user, "event.register", event)
    organisations = selectors.registrable_organisations(user=request.user, event=event)
    form = ParticipantForm(request.POST or None, event=event, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.participant_register(
                actor=request.user, event=event, organisation=data["organisation"], attendee=data["attendee"],
                offer=data["offer"], seek=data["seek"], available=data["available"],
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(organisation)s is registered; ask other participants for meetings.")
                % {"organisation": data["organisation"]},
            )
            return redirect(_url("network-event-participants", event))
    context = {
        "event": event,
        "form": form,
        "participant": None,
        "nothing_to_register": not organisations.exists(),
    }
    return _render(request, "participant_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def participant_edit(request, pk, participant):
    participant = _participant(pk, participant)
    require(request.user, "participant.act", participant)
    event = participant.event
    initial = {
        "attendee": participant.attendee,
        "offer": participant.offer,
        "seek": participant.seek,
        "available": list(participant.available.all()),
    }
    form = ParticipantForm(request.POST or None, event=event, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.participant_update(
                actor=request.user, participant=participant, attendee=data["attendee"], offer=data["offer"],
                seek=data["seek"], available=data["available"],
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The profile of %(organisation)s is saved.") % {"organisation": participant.organisation},
            )
            return redirect(_url("network-event", event))
    context = {"event": event, "form": form, "participant": participant}
    return _render(request, "participant_form.html", context)


@login_required
@require_http_methods(["GET"])
def event_participants(request, pk):
    """The directory: every participant's offer and wishes, with a button to request a meeting."""
    event = _event(pk)
    require(request.user, "event.view", event)
    participants = list(selectors.event_participants(event))
    acting = (
        [p for p in participants if check(request.user, "participant.act", p)]
        if event.status == EventStatus.REGISTRATION
        else []
    )
    mine = {p.pk for p in selectors.participants_of(user=request.user, event=event)}
    asked = set(
        MeetingRequest.objects.filter(requester_id__in=mine | {a.pk for a in acting})
        .exclude(status=RequestStatus.CANCELLED)
        .values_list("requester_id", "invitee_id")
    )
    rows = [
        {
            "participant": p,
            "mine": p.pk in mine,
            "can_request": any(a.pk != p.pk and (a.pk, p.pk) not in asked for a in acting),
            "asked": any((m, p.pk) in asked for m in mine),
        }
        for p in participants
    ]
    return _render(request, "participants.html", {"event": event, "rows": rows, "acting": acting})


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request, pk, participant):
    invitee = _participant(pk, participant)
    event = invitee.event
    require(request.user, "event.view", event)
    asked = MeetingRequest.objects.filter(invitee=invitee).exclude(status=RequestStatus.CANCELLED)
    candidates = [
        p
        for p in selectors.event_participants(event)
        .exclude(pk=invitee.pk)
        .exclude(pk__in=asked.values("requester_id"))
        if check(request.user, "participant.act", p)
    ]
    if not candidates:
        decision = check(request.user, "participant.act", invitee)
        _refuse(
            "participant.act",
            decision.reason if not decision else _("your organisations have already asked this participant"),
        )
    requesters = EventParticipant.objects.filter(pk__in=[p.pk for p in candidates]).select_related(
        "organisation"
    )
    form = MeetingRequestForm(request.POST or None, requesters=requesters)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_request_create(
                actor=request.user, requester=data["requester"], invitee=invitee, message=data["message"],
                priority=data["priority"],
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Your request is sent to %(organisation)s.") % {"organisation": invitee.organisation},
            )
            return redirect(_url("network-event-requests", event))
    return _render(request, "request_form.html", {"event": event, "invitee": invitee, "form": form})


@login_required
@require_http_methods(["GET"])
def my_requests(request, pk):
    event = _event(pk)
    require(request.user, "event.view", event)
    mine = selectors.participants_of(user=request.user, event=event)
    sent, received = selectors.requests_of(participants=mine)
    is_open = event.status == EventStatus.REGISTRATION
    context = {
        "event": event,
        "mine": mine,
        "sent": [
            (
                r,
                is_open
                and r.status in (RequestStatus.PENDING, RequestStatus.ACCEPTED)
                and check(request.user, "participant.act", r.requester),
            )
            for r in sent
        ],
        "received": [(r, is_open and check(request.user, "request.answer", r)) for r in received],
    }
    return _render(request, "requests.html", context)


@login_required
@require_POST
def request_answer(request, pk):
    meeting_request = _request(pk)
    require(request.user, "request.answer", meeting_request)
    accept = request.POST.get("decision") == "accept"
    try:
        services.meeting_request_answer(actor=request.user, request=meeting_request, accept=accept)
    except ValidationError as error:
        _show_errors(request, error)
    else:
        messages.success(
            request,
            (
                _("You accepted the meeting with %(organisation)s.")
                if accept
                else _("You declined the meeting with %(organisation)s.")
            )
            % {"organisation": meeting_request.requester.organisation},
        )
    return redirect(_url("network-event-requests", meeting_request.event))


@login_required
@require_POST
def request_cancel(request, pk):
    meeting_request = _request(pk)
    require(request.user, "participant.act", meeting_request.requester)
    try:
        services.meeting_request_cancel(actor=request.user, request=meeting_request)
    except ValidationError as error:
        _show_errors(request, error)
    else:
        messages.success(request, _("Your request is cancelled."))
    return redirect(_url("network-event-requests", meeting_request.event))


# ------------------------------------------------------------------------------------------ schedule


@login_required
@require_http_methods(["GET", "POST"])
def event_schedule(request, pk):
    """The organisers' page: run the scheduler, see what it placed and left out and why, publish."""
    event = _event(pk)
    require(request.user, "event.manage", event)
    form = ScheduleRunForm(request.POST or None)
    proposal = None
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.event_schedule_run(
                actor=request.user, event=event, method=form.cleaned_data["method"],
                time_limit=form.cleaned_data["time_limit"],
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
    slots, rooms = list(event.slots.all()), list(event.rooms.all())
    published = selectors.event_meetings(event)
    context = {
        "event": event,
        "form": form,
        "proposal": proposal,
        "slots": slots,
        "rooms": rooms,
        "grid": selectors.schedule_grid(slots=slots, rooms=rooms, meetings=proposal.meetings)
        if proposal
        else None,
        "published_grid": selectors.schedule_grid(slots=slots, rooms=rooms, meetings=published)
        if published
        else None,
        "published_count": len(published),
        "participant_count": event.participants.count(),
        "accepted": event.requests.filter(status=RequestStatus.ACCEPTED).count(),
        "pending": event.requests.filter(status=RequestStatus.PENDING).count(),
        "can_run": event.status in services.SCHEDULING_STATUSES,
    }
    return _render(request, "schedule.html", context)


@login_required
@require_POST
def schedule_publish(request, pk):
    event = _event(pk)
    require(request.user, "event.manage", event)
    try:
        placements = parse_placements(request.POST.getlist("placement"))
        meetings = services.event_schedule_publish(actor=request.user, event=event, placements=placements)
    except ValidationError as error:
        _show_errors(request, error)
        return redirect(_url("network-event-schedule", event))
    messages.success(
        request,
        _("The schedule is published with %(count)s meetings; the participants are told.")
        % {"count": len(meetings)},
    )
    return redirect(_url("network-event-agendas", event))


@login_required
@require_http_methods(["GET"])
def event_agendas(request, pk):
    """The published schedule: the grid and every agenda for the organisers, one's own agendas for
    participants; printable."""
    event = _event(pk)
    require(request.user, "event.view", event)
    can_manage = check(request.user, "event.manage", event)
    meetings = (
        selectors.event_meetings(event)
        if event.status in (EventStatus.SCHEDULED, EventStatus.FINISHED)
        else []
    )
    participants = (
        list(selectors.event_participants(event))
        if can_manage
        else selectors.participants_of(user=request.user, event=event)
    )
    slots, rooms = list(event.slots.all()), list(event.rooms.all())
    agendas = [
        (p, [(item, check(request.user, "meeting.outcome", item.meeting)) for item in items])
        for p, items in selectors.agendas(participants=participants, meetings=meetings)
    ]
    context = {
        "event": event,
        "can_manage": can_manage,
        "published": event.status in (EventStatus.SCHEDULED, EventStatus.FINISHED),
        "grid": selectors.schedule_grid(slots=slots, rooms=rooms, meetings=meetings)
        if can_manage and meetings
        else None,
        "rooms": rooms,
        "agendas": agendas,
    }
    return _render(request, "agendas.html", context)


# ------------------------------------------------------------------------------------------ outcomes


@login_required
@require_http_methods(["GET", "POST"])
def meeting_outcome(request, pk):
    meeting = get_object_or_404(
        ScheduledMeeting.objects.select_related(
            "event", "event__cluster", "slot", "room", "request__requester__organisation",
            "request__invitee__organisation",
        ),
        pk=pk,
    )  # fmt: skip
    require(request.user, "meeting.outcome", meeting)
    current = meeting.outcome if selectors.has_outcome(meeting) else None
    initial = {"kind": current.kind, "note": current.note} if current else {}
    form = OutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.meeting_outcome_record(
                actor=request.user,
                meeting=meeting,
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if outcome.agreement_id:
                messages.success(request, _("The outcome is recorded, and the agreement is in the register."))
            else:
                messages.success(request, _("The outcome is recorded."))
            return redirect(_url("network-event-agendas", meeting.event))
    context = {"event": meeting.event, "meeting": meeting, "form": form, "current": current}
    return _render(request, "outcome_form.html", context)


def outcome_chart(rows: Sequence[tuple[str, Any, int]], *, title: str) -> SafeString:
    """A horizontal bar per outcome (``(key, label, count)``), on one scale, labelled with its count;
    the ``<title>`` and ``aria-label`` say every count (the page also has the table)."""
    row, label_width, bar_width, width, top = 30, 170, 200, 420, 6
    height = top * 2 + row * len(rows)
    largest = max((count for _key, _label, count in rows), default=0) or 1
    summary = ", ".join(f"{label}: {count}" for _key, label, count in rows)
    parts = [
        format_html(
            '<svg class="chart chart-outcomes" viewBox="0 0 {} {}" role="img" aria-label="{}" '
            'xmlns="http://www.w3.org/2000/svg"><title>{}</title>',
            width,
            height,
            f"{title}: {summary}",
            title,
        )  # fmt: skip
    ]
    for index, (key, label, count) in enumerate(rows):
        y = top + index * row
        length = max(bar_width * count / largest, 1.5)
        parts.append(
            format_html(
                '<g class="bar" data-outcome="{}" data-count="{}"><title>{}: {}</title>'
                '<text class="bar-label" x="{}" y="{}" text-anchor="end">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="{}"/>'
                '<text class="bar-value" x="{}" y="{}">{}</text></g>',
                key,
                count,
                label,
                count,
                label_width - 10,
                y + row // 2 + 5,
                label,
                label_width,
                y + 5,
                f"{length:.1f}",
                row - 10,
                OUTCOME_COLOURS.get(key, "#999999"),
                f"{label_width + length + 8:.1f}",
                y + row // 2 + 5,
                count,
            )  # fmt: skip
        )
    parts.append(mark_safe("</svg>"))  # noqa: S308  (a constant)
    return mark_safe("".join(parts))  # noqa: S308  (every part is built by format_html)


@login_required
@require_http_methods(["GET"])
def event_results(request, pk):
    event = _event(pk)
    require(request.user, "event.manage", event)
    results = selectors.event_results(event)
    rows = [*results["by_kind"], ("not_recorded", _("Not recorded"), results["not_recorded"])]
    context = {
        "event": event,
        "results": results,
        "rows": rows,
        "chart": outcome_chart(rows, title=_("Outcomes of the meetings")),
    }
    return _render(request, "results.html", context)
