"""Matchmaking events: setting up slots and rooms, the status order, registration, meeting requests (the
invitee answers, the requester cancels), the scheduling problem built from the accepted requests and its
weights, running and publishing the schedule (all or nothing, clashes refused), outcomes that become
registry agreements, the results page, the notifications, and every page's permissions (allowed and
refused roles, object level: the manager of another cluster, the representative of a non-member, the
invitee against the requester).

Expected values are worked out by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from clusterworks.web.core.permissions import NotAllowed
from clusterworks.web.core.roles import Role
from clusterworks.web.network import selectors_events as selectors
from clusterworks.web.network.models import (
    EventSlot,
    EventStatus,
    MatchmakingEvent,
    MeetingOutcome,
    MeetingRequest,
    OutcomeKind,
    RequestStatus,
    ScheduledMeeting,
)
from clusterworks.web.network.services import events as services
from clusterworks.web.network.views_events import outcome_chart
from clusterworks.web.programme.models import Notification
from clusterworks.web.registry.models import Agreement, AgreementKind
from tests.factories import ClusterFactory, MembershipFactory, OrganisationFactory, user_with_role

pytestmark = pytest.mark.django_db

DATE = dt.date(2027, 3, 15)
T = dt.time


class World:
    pass


@pytest.fixture
def world(db):
    """Cluster ``medtech`` with members Alpha, Beta, Gamma and Delta; Echo belongs to another cluster.
    A draft event of ``medtech`` on 15 March 2027 with two 20-minute slots (10:00, 10:20) and one table."""
    w = World()
    w.cluster, w.other_cluster = ClusterFactory(key="medtech"), ClusterFactory(key="aero")
    w.orgs = {}
    for key in ("alpha", "beta", "gamma", "delta"):
        w.orgs[key] = OrganisationFactory(key=key, name_en=f"{key.title()} Ltd", short_name=key.title())
        MembershipFactory(cluster=w.cluster, organisation=w.orgs[key])
    w.orgs["echo"] = OrganisationFactory(key="echo", name_en="Echo Ltd", short_name="Echo")
    MembershipFactory(cluster=w.other_cluster, organisation=w.orgs["echo"])
    w.users = {
        "admin": user_with_role(Role.ADMIN, username="admin"),
        "manager": user_with_role(Role.CLUSTER_MANAGER, cluster=w.cluster, username="manager"),
        "manager_other": user_with_role(Role.CLUSTER_MANAGER, cluster=w.other_cluster, username="manager2"),
        **{
            f"rep_{key}": user_with_role(
                Role.ORGANISATION_REPRESENTATIVE, organisation=org, username=f"rep_{key}"
            )
            for key, org in w.orgs.items()
        },
    }
    w.event = services.event_create(
        actor=w.users["manager"],
        cluster=w.cluster,
        data={"title": "Brokerage day", "date": DATE, "max_meetings": 0},
        slots=[(T(10, 0), T(10, 20)), (T(10, 20), T(10, 40))],
        rooms=["Table 1"],
    )
    w.s1, w.s2 = w.event.slots.order_by("starts_at")
    w.table = w.event.rooms.get()
    return w


def _open(world):
    services.event_status_change(
        actor=world.users["manager"], event=world.event, status=EventStatus.REGISTRATION
    )
    world.event.refresh_from_db()


def _register(world, key, available=()):
    return services.participant_register(
        actor=world.users[f"rep_{key}"],
        event=world.event,
        organisation=world.orgs[key],
        attendee=f"{key.title()} attendee",
        offer=f"{key} offers",
        seek=f"{key} seeks",
        available=available,
    )


def _ask(world, requester, invitee, priority=1, answer=None):
    request = services.meeting_request_create(
        actor=world.users[f"rep_{requester.organisation.key}"],
        requester=requester,
        invitee=invitee,
        priority=priority,
    )
    if answer is not None:
        services.meeting_request_answer(
            actor=world.users[f"rep_{invitee.organisation.key}"], request=request, accept=answer
        )
    return request


@pytest.fixture
def requests(world):
    """Registration open; all four members registered; the requests of the scheduling tests:
    A->B priority 2 accepted and B->A priority 1 pending (both asked: one meeting of weight 2 + 1 = 3),
    A->C priority 1 accepted (weight 1), B->C priority 1 accepted (weight 1), C->D declined, D->A
    pending (neither is scheduled)."""
    _open(world)
    p = {key: _register(world, key) for key in ("alpha", "beta", "gamma", "delta")}
    r = {
        "ab": _ask(world, p["alpha"], p["beta"], priority=2, answer=True),
        "ba": _ask(world, p["beta"], p["alpha"], priority=1),
        "ac": _ask(world, p["alpha"], p["gamma"], answer=True),
        "bc": _ask(world, p["beta"], p["gamma"], answer=True),
        "cd": _ask(world, p["gamma"], p["delta"], answer=False),
        "da": _ask(world, p["delta"], p["alpha"]),
    }
    Notification.objects.all().delete()
    return p, r


# --- slots and rooms ------------------------------------------------------------------------------


def test_slots_are_made_from_the_days_plan():
    # 10:00-10:20; 10:25-10:45; 10:50-11:10 would overlap the 11:00-11:30 break, so it moves to
    # 11:30-11:50; 11:55-12:15 ends after 12:00: three slots
    assert services.slot_times(start=T(10), end=T(12), length=20, pause=5, breaks=[(T(11), T(11, 30))]) == [
        (T(10), T(10, 20)),
        (T(10, 25), T(10, 45)),
        (T(11, 30), T(11, 50)),
    ]
    with pytest.raises(ValidationError):
        services.slot_times(start=T(10), end=T(10, 10), length=20)  # nothing fits


def test_an_event_is_created_through_the_form_with_its_slots_and_tables(client, world):
    client.force_login(world.users["manager"])
    response = client.post(
        reverse("network-event-create"),
        {
            "cluster": world.cluster.pk, "title": "Spring brokerage", "date": "2027-04-01",
            "max_meetings": "6",
            "day_start": "10:00", "day_end": "13:20", "length": "20", "pause": "5", "breaks": "",
            "room_count": "4", "room_names": "",
        },
    )  # fmt: skip
    event = MatchmakingEvent.objects.get(title="Spring brokerage")
    assert (
        response.status_code == 302 and event.status == EventStatus.DRAFT and event.cluster == world.cluster
    )
    # 10:00, 10:25, 10:50, 11:15, 11:40, 12:05, 12:30, 12:55 (ends 13:15); the next would end 13:40
    starts = [f"{timezone.localtime(s.starts_at):%H:%M}" for s in event.slots.all()]
    assert starts == ["10:00", "10:25", "10:50", "11:15", "11:40", "12:05", "12:30", "12:55"]
    assert all(timezone.localtime(s.starts_at).date() == dt.date(2027, 4, 1) for s in event.slots.all())
    assert list(event.rooms.values_list("name", flat=True)) == ["Table 1", "Table 2", "Table 3", "Table 4"]


def test_creating_an_event_is_all_or_nothing(world):
    with pytest.raises(ValidationError) as error:
        services.event_create(
            actor=world.users["manager"], cluster=world.cluster, data={"title": "Twice", "date": DATE},
            slots=[(T(9), T(9, 30))], rooms=["Hall", "hall"],
        )  # fmt: skip
    assert "rooms" in error.value.message_dict
    assert not MatchmakingEvent.objects.filter(title="Twice").exists()
    assert EventSlot.objects.count() == 2  # the fixture's only
    with pytest.raises(NotAllowed):  # another cluster's manager
        services.event_create(
            actor=world.users["manager_other"], cluster=world.cluster, data={"title": "X", "date": DATE},
            slots=[(T(9), T(9, 30))], rooms=["Hall"],
        )  # fmt: skip


def test_editing_slots_keeps_the_ones_that_keep_their_start_and_the_availability(client, world):
    _open(world)
    participant = _register(world, "alpha", available=[world.s2])
    client.force_login(world.users["manager"])
    url = reverse("network-event-slots", args=[world.event.pk])
    assert "10:00-10:20\n10:20-10:40" in client.get(url).content.decode()
    # removing 10:20 would leave Alpha without any slot it can attend: refused, nothing changed
    response = client.post(url, {"action": "save", "slots": "10:00-10:20\n10:40-11:00"})
    assert "available only in slots you remove" in response.content.decode()
    assert list(world.event.slots.values_list("pk", flat=True)) == [world.s1.pk, world.s2.pk]
    response = client.post(url, {"action": "save", "slots": "10:20-10:45, 11:00-11:20"})
    assert response.status_code == 302
    kept, added = world.event.slots.order_by("starts_at")
    assert kept.pk == world.s2.pk and f"{timezone.localtime(kept.ends_at):%H:%M}" == "10:45"  # longer
    assert list(participant.available.all()) == [kept]
    assert f"{timezone.localtime(added.starts_at):%H:%M}" == "11:00"
    response = client.post(url, {"action": "save", "slots": "10:00-10:30\n10:15-10:45"})
    assert "Slots overlap: 10:00–10:30 / 10:15–10:45." in response.content.decode()
    response = client.post(url, {"action": "save", "slots": "ten to eleven"})
    assert "not understood: ten to eleven" in response.content.decode()


def test_generating_slots_replaces_them(client, world):
    client.force_login(world.users["manager"])
    client.post(
        reverse("network-event-slots", args=[world.event.pk]),
        {
            "action": "generate",
            "day_start": "14:00",
            "day_end": "15:00",
            "length": "30",
            "pause": "0",
            "breaks": "",
        },
    )
    # 14:00-14:30 and 14:30-15:00
    assert [f"{timezone.localtime(s.starts_at):%H:%M}" for s in world.event.slots.all()] == ["14:00", "14:30"]


def test_rooms_are_set_by_name_or_count(client, world):
    client.force_login(world.users["manager"])
    url = reverse("network-event-rooms", args=[world.event.pk])
    client.post(url, {"names": "Table 1\nHall B\n"})
    rooms = list(world.event.rooms.all())
    assert [r.name for r in rooms] == ["Table 1", "Hall B"] and rooms[0].pk == world.table.pk  # kept
    response = client.post(url, {"names": "Hall\nHALL"})
    assert "Each room needs its own name: HALL, Hall." in response.content.decode()
    client.post(url, {"names": "", "count": "3"})
    assert list(world.event.rooms.values_list("name", flat=True)) == ["Table 1", "Table 2", "Table 3"]


def test_a_new_date_moves_the_slots(world):
    services.event_update(
        actor=world.users["manager"], event=world.event, data={"date": dt.date(2027, 3, 20)}
    )
    assert [timezone.localtime(s.starts_at) for s in world.event.slots.all()] == [
        timezone.make_aware(dt.datetime(2027, 3, 20, 10, 0)),
        timezone.make_aware(dt.datetime(2027, 3, 20, 10, 20)),
    ]


# --- status ----------------------------------------------------------------------------------------


def test_the_status_follows_its_order(world):
    manager = world.users["manager"]
    for target in (EventStatus.SCHEDULED, EventStatus.FINISHED):  # draft -> scheduled / finished: no
        with pytest.raises(ValidationError):
            services.event_status_change(actor=manager, event=world.event, status=target)
    _open(world)
    assert world.event.status == EventStatus.REGISTRATION
    with pytest.raises(ValidationError) as error:  # scheduled only by publishing
        services.event_status_change(actor=manager, event=world.event, status=EventStatus.SCHEDULED)
    assert error.value.messages == ["The schedule is published from the scheduling page."]
    _register(world, "alpha")
    with pytest.raises(ValidationError):  # somebody registered: no way back to draft
        services.event_status_change(actor=manager, event=world.event, status=EventStatus.DRAFT)
    with pytest.raises(NotAllowed):
        services.event_status_change(actor=world.users["manager_other"], event=world.event, status="finished")


def test_registration_opens_only_with_slots_and_rooms(world):
    world.event.rooms.all().delete()
    with pytest.raises(ValidationError):
        services.event_status_change(actor=world.users["manager"], event=world.event, status="registration")


def test_slots_and_rooms_are_fixed_once_the_schedule_is_published(world):
    _open(world)
    services.event_schedule_publish(actor=world.users["manager"], event=world.event, placements=[])
    with pytest.raises(ValidationError):
        services.event_slots_set(actor=world.users["manager"], event=world.event, times=[(T(9), T(9, 20))])
    with pytest.raises(ValidationError):
        services.event_rooms_set(actor=world.users["manager"], event=world.event, names=["Hall"])


# --- pages and their permissions ------------------------------------------------------------------

EVENT_PAGES = {
    # url name: (users allowed, users refused), with registration open and Alpha registered
    "network-event": (["admin", "manager", "rep_alpha", "rep_beta"], ["manager_other", "rep_echo"]),
    "network-event-participants": (
        ["admin", "manager", "rep_alpha", "rep_beta"],
        ["manager_other", "rep_echo"],
    ),
    "network-event-requests": (["admin", "manager", "rep_alpha"], ["manager_other", "rep_echo"]),
    "network-event-agendas": (["admin", "manager", "rep_alpha"], ["manager_other", "rep_echo"]),
    "network-event-register": (["admin", "rep_beta"], ["manager", "manager_other", "rep_echo"]),
    "network-event-edit": (["admin", "manager"], ["manager_other", "rep_alpha", "rep_echo"]),
    "network-event-slots": (["admin", "manager"], ["manager_other", "rep_alpha", "rep_echo"]),
    "network-event-rooms": (["admin", "manager"], ["manager_other", "rep_alpha", "rep_echo"]),
    "network-event-schedule": (["admin", "manager"], ["manager_other", "rep_alpha", "rep_echo"]),
    "network-event-results": (["admin", "manager"], ["manager_other", "rep_alpha", "rep_echo"]),
}


@pytest.mark.parametrize("name", list(EVENT_PAGES))
def test_every_event_page_lets_in_exactly_the_allowed_users(client, world, name):
    _open(world)
    _register(world, "alpha")
    url = reverse(name, args=[world.event.pk])
    assert client.get(url).status_code == 302  # anonymous: to the log-in page
    allowed, refused = EVENT_PAGES[name]
    for who in allowed:
        client.force_login(world.users[who])
        assert client.get(url).status_code == 200, who
    for who in refused:
        client.force_login(world.users[who])
        assert client.get(url).status_code == 403, who


def test_the_event_list_shows_what_each_user_may_see(client, world):
    open_to_all = services.event_create(
        actor=world.users["manager"], cluster=world.cluster, data={"title": "Open day", "date": DATE,
        "open_to_all": True}, slots=[(T(9), T(9, 20))], rooms=["Hall"],
    )  # fmt: skip
    services.event_status_change(actor=world.users["manager"], event=open_to_all, status="registration")
    # the draft "Brokerage day" is the organisers' only; the open event everyone representing someone sees
    expected = {
        "manager": {"Brokerage day", "Open day"},
        "admin": {"Brokerage day", "Open day"},
        "rep_alpha": {"Open day"},
        "rep_echo": {"Open day"},
        "manager_other": set(),
    }
    for who, titles in expected.items():
        assert {e.title for e in selectors.events_visible_to(world.users[who])} == titles, who
    _open(world)
    assert {e.title for e in selectors.events_visible_to(world.users["rep_alpha"])} == {
        "Brokerage day",
        "Open day",
    }
    assert {e.title for e in selectors.events_visible_to(world.users["rep_echo"])} == {"Open day"}
    client.force_login(world.users["rep_echo"])
    page = client.get(reverse("network-events")).content.decode()
    assert re.findall(r'data-event="(\d+)"', page) == [str(open_to_all.pk)]
    assert client.get(reverse("network-event-create")).status_code == 403
    client.force_login(world.users["manager_other"])
    assert client.get(reverse("network-event-create")).status_code == 200  # for their own cluster


def test_a_draft_is_seen_only_by_its_organisers(client, world):
    url = reverse("network-event", args=[world.event.pk])
    client.force_login(world.users["rep_alpha"])
    assert client.get(url).status_code == 403
    client.force_login(world.users["manager"])
    assert client.get(url).status_code == 200


# --- registration and requests ----------------------------------------------------------------------


def test_registration_takes_the_eligible_organisations_once(client, world):
    _open(world)
    client.force_login(world.users["rep_alpha"])
    response = client.post(
        reverse("network-event-register", args=[world.event.pk]),
        {"organisation": world.orgs["alpha"].pk, "attendee": "Dr Alpha", "offer": "Imaging",
         "seek": "A clinic", "available": [world.s1.pk]},
    )  # fmt: skip
    participant = world.event.participants.get()
    assert response.status_code == 302
    assert (participant.organisation, participant.attendee, participant.user) == (
        world.orgs["alpha"],
        "Dr Alpha",
        world.users["rep_alpha"],
    )
    assert list(participant.available.all()) == [world.s1]
    with pytest.raises(ValidationError):  # twice
        _register(world, "alpha")
    with pytest.raises(NotAllowed):  # Echo is no member of the organising cluster
        _register(world, "echo")
    with pytest.raises(ValidationError):  # a representative registers only their own organisation
        services.participant_register(
            actor=world.users["rep_beta"], event=world.event, organisation=world.orgs["gamma"], attendee="X"
        )
    world.event.open_to_all = True
    world.event.save()
    assert _register(world, "echo").organisation == world.orgs["echo"]


def test_requests_go_from_the_requester_to_the_invitee_and_back(client, world):
    _open(world)
    alpha, beta = _register(world, "alpha"), _register(world, "beta")
    client.force_login(world.users["rep_alpha"])
    directory = client.get(reverse("network-event-participants", args=[world.event.pk])).content.decode()
    assert reverse("network-event-request", args=[world.event.pk, beta.pk]) in directory
    assert reverse("network-event-request", args=[world.event.pk, alpha.pk]) not in directory  # not oneself
    client.post(
        reverse("network-event-request", args=[world.event.pk, beta.pk]),
        {"requester": alpha.pk, "message": "Let us talk imaging.", "priority": "3"},
    )
    request = MeetingRequest.objects.get()
    assert (request.requester, request.invitee, request.priority, request.status) == (
        alpha,
        beta,
        3,
        "pending",
    )
    assert list(Notification.objects.values_list("user__username", "text")) == [
        ("rep_beta", "Alpha Ltd asks to meet you at “Brokerage day”.")
    ]
    answer_url = reverse("network-event-request-answer", args=[request.pk])
    cancel_url = reverse("network-event-request-cancel", args=[request.pk])
    # the requester does not answer its own request; the invitee does not cancel it
    assert client.post(answer_url, {"decision": "accept"}).status_code == 403
    for who in ("manager", "manager_other", "rep_gamma"):
        client.force_login(world.users[who])
        assert client.post(answer_url, {"decision": "accept"}).status_code == 403, who
    client.force_login(world.users["rep_beta"])
    assert client.post(cancel_url).status_code == 403
    client.post(answer_url, {"decision": "accept"})
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED
    assert Notification.objects.filter(user=world.users["rep_alpha"]).get().text == (
        "Beta Ltd accepted your meeting request at “Brokerage day”."
    )
    client.force_login(world.users["rep_alpha"])
    page = client.get(reverse("network-event-requests", args=[world.event.pk])).content.decode()
    assert "Let us talk imaging." in page and cancel_url in page and answer_url not in page
    client.post(cancel_url)
    request.refresh_from_db()
    assert request.status == RequestStatus.CANCELLED
    # a cancelled request may be made again: the same row, pending
    again = _ask(world, alpha, beta, priority=1)
    assert again.pk == request.pk and again.status == RequestStatus.PENDING and again.priority == 1
    with pytest.raises(ValidationError):  # a standing one is not made twice
        _ask(world, alpha, beta)


def test_requests_close_at_their_time_and_with_registration(world):
    _open(world)
    alpha, beta = _register(world, "alpha"), _register(world, "beta")
    world.event.requests_close = timezone.now() - dt.timedelta(minutes=1)
    world.event.save()
    with pytest.raises(ValidationError) as error:
        _ask(world, alpha, beta)
    assert error.value.messages[0].startswith("Meeting requests closed on ")
    world.event.requests_close = None
    world.event.status = EventStatus.SCHEDULED
    world.event.save()
    with pytest.raises(NotAllowed):  # participant.act: requests are closed once scheduled
        _ask(world, alpha, beta)
    with pytest.raises(ValidationError):  # for platform administrators too, whom permissions let through
        services.meeting_request_create(actor=world.users["admin"], requester=alpha, invitee=beta)
    with pytest.raises(ValidationError):
        services.participant_register(
            actor=world.users["admin"], event=world.event, organisation=world.orgs["gamma"], attendee="G"
        )


# --- the scheduling problem ---------------------------------------------------------------------------


def test_the_problem_merges_mutual_requests_and_weighs_them(world, requests):
    p, r = requests
    data = selectors.scheduling_input(event=world.event)
    got = {(q.id, q.requester, q.invitee, q.weight) for q in data.problem.requests}
    # A<->B: carried by A->B (priority 2 beats 1), 2 + 1 for both asking = 3; A->C and B->C: 1 each;
    # C->D declined and D->A pending are not scheduled
    assert got == {
        (str(r["ab"].pk), "Alpha", "Beta", 3.0),
        (str(r["ac"].pk), "Alpha", "Gamma", 1.0),
        (str(r["bc"].pk), "Beta", "Gamma", 1.0),
    }
    assert data.mutual == {str(r["ab"].pk): True, str(r["ac"].pk): False, str(r["bc"].pk): False}
    assert data.problem.slots == ("10:00", "10:20") and data.problem.rooms == ("Table 1",)
    assert dict(data.problem.availability) == {} and dict(data.problem.max_meetings) == {}  # no limits set
    world.event.max_meetings = 1
    services.participant_update(
        actor=world.users["rep_delta"], participant=p["delta"], attendee="D", available=[world.s2]
    )
    data = selectors.scheduling_input(event=world.event)
    assert dict(data.problem.availability) == {"Delta": frozenset({"10:20"})}
    assert dict(data.problem.max_meetings) == {"Alpha": 1, "Beta": 1, "Delta": 1, "Gamma": 1}


@pytest.mark.parametrize("method", ["exact", "greedy"])
def test_a_run_places_the_heaviest_meetings_and_says_why_the_rest_are_left_out(world, requests, method):
    p, r = requests
    proposal = services.event_schedule_run(actor=world.users["manager"], event=world.event, method=method)
    # two slots x one table: two meetings at most. A-B (3) plus one of A-C, B-C (1 each) = 4 beats
    # A-C + B-C = 2 (A-C and B-C cannot share a slot: Gamma is in both)
    assert proposal.objective == 4.0 and len(proposal.meetings) == 2 and proposal.requested == 3
    placed = {m.request.pk for m in proposal.meetings}
    assert r["ab"].pk in placed and len(placed & {r["ac"].pk, r["bc"].pk}) == 1
    (left,) = proposal.unplaced
    assert left.request.pk in {r["ac"].pk, r["bc"].pk} and left.weight == 1.0
    assert "Gamma" in left.reason  # the scheduler names the participants
    if method == "exact":
        assert proposal.optimal and proposal.bound == pytest.approx(4.0)
    with pytest.raises(NotAllowed):
        services.event_schedule_run(actor=world.users["rep_alpha"], event=world.event)


def _placements(page: str) -> list[str]:
    return re.findall(r'name="placement" value="([0-9:]+)"', page)


def test_the_organiser_runs_reviews_and_publishes_the_schedule(
    client, world, requests, mailoutbox, django_capture_on_commit_callbacks
):
    p, r = requests
    mailoutbox.clear()  # the requests' own notifications
    client.force_login(world.users["manager"])
    url = reverse("network-event-schedule", args=[world.event.pk])
    page = client.post(url, {"method": "exact", "time_limit": "5"}).content.decode()
    assert "data-placed>2 / 3<" in page and "Left out" in page
    placements = _placements(page)
    assert len(placements) == 2
    with django_capture_on_commit_callbacks(execute=True):  # the e-mails leave at the commit
        response = client.post(
            reverse("network-event-schedule-publish", args=[world.event.pk]), {"placement": placements}
        )
    assert response.status_code == 302
    world.event.refresh_from_db()
    assert world.event.status == EventStatus.SCHEDULED
    meetings = list(ScheduledMeeting.objects.filter(event=world.event).select_related("request"))
    assert {f"{m.request.pk}:{m.slot_id}:{m.room_id}" for m in meetings} == set(placements)
    # every participant is told how many meetings it has: count each one's appearances in the rows
    count = dict.fromkeys(p, 0)
    for meeting in meetings:
        for participant in (meeting.request.requester, meeting.request.invitee):
            count[participant.organisation.key] += 1
    texts = dict(Notification.objects.values_list("user__username", "text"))
    assert len(texts) == 4 and sum(count.values()) == 4  # 2 meetings, 2 sides each
    for key, n in count.items():
        noun = "meeting" if n == 1 else "meetings"
        assert texts[f"rep_{key}"] == (
            f"The schedule of “Brokerage day” is published: {n} {noun} for {key.title()} Ltd."
        )
    assert len(mailoutbox) == 4


def test_publishing_refuses_a_clash_and_stores_nothing(world, requests):
    p, r = requests
    manager, table = world.users["manager"], world.table.pk
    clash = [(r["ab"].pk, world.s1.pk, table), (r["bc"].pk, world.s1.pk, table)]  # one table, one slot
    with pytest.raises(ValidationError) as error:
        services.event_schedule_publish(actor=manager, event=world.event, placements=clash)
    ab, bc = r["ab"].pk, r["bc"].pk
    assert error.value.messages == [
        f"The schedule cannot be published: participant Beta is in requests {ab} and {bc} in slot 10:00.",
        f"The schedule cannot be published: room Table 1 holds requests {ab} and {bc} in slot 10:00.",
    ]
    # a declined request, and a participant placed in a slot it cannot attend
    with pytest.raises(ValidationError) as error:
        services.event_schedule_publish(
            actor=manager, event=world.event, placements=[(r["cd"].pk, world.s1.pk, table)]
        )
    assert error.value.messages == [
        f"The schedule cannot be published: request {r['cd'].pk} is not an accepted request of this event."
    ]
    services.participant_update(
        actor=world.users["rep_alpha"], participant=p["alpha"], attendee="A", available=[world.s2]
    )
    with pytest.raises(ValidationError) as error:
        services.event_schedule_publish(
            actor=manager, event=world.event, placements=[(ab, world.s1.pk, table)]
        )
    assert "which participant Alpha cannot attend" in error.value.messages[0]
    assert not ScheduledMeeting.objects.exists()
    world.event.refresh_from_db()
    assert world.event.status == EventStatus.REGISTRATION and not Notification.objects.exists()
    with pytest.raises(NotAllowed):
        services.event_schedule_publish(actor=world.users["manager_other"], event=world.event, placements=[])


def test_republishing_replaces_the_schedule_until_an_outcome_is_recorded(world, requests):
    p, r = requests
    manager = world.users["manager"]
    services.event_schedule_publish(
        actor=manager, event=world.event, placements=[(r["ab"].pk, world.s1.pk, world.table.pk)]
    )
    services.event_schedule_publish(
        actor=manager, event=world.event,
        placements=[(r["ab"].pk, world.s2.pk, world.table.pk), (r["ac"].pk, world.s1.pk, world.table.pk)],
    )  # fmt: skip
    assert sorted(ScheduledMeeting.objects.values_list("request_id", "slot_id")) == sorted(
        [(r["ab"].pk, world.s2.pk), (r["ac"].pk, world.s1.pk)]
    )
    meeting = ScheduledMeeting.objects.get(request=r["ab"])
    services.meeting_outcome_record(
        actor=world.users["rep_alpha"], meeting=meeting, kind=OutcomeKind.FOLLOW_UP
    )
    with pytest.raises(ValidationError):
        services.event_schedule_publish(actor=manager, event=world.event, placements=[])
    assert ScheduledMeeting.objects.count() == 2


# --- agendas, outcomes, results --------------------------------------------------------------------


@pytest.fixture
def published(world, requests):
    """A-B at 10:00 and A-C at 10:20 on Table 1, published."""
    p, r = requests
    services.event_schedule_publish(
        actor=world.users["manager"], event=world.event,
        placements=[(r["ab"].pk, world.s1.pk, world.table.pk), (r["ac"].pk, world.s2.pk, world.table.pk)],
    )  # fmt: skip
    return ScheduledMeeting.objects.get(request=r["ab"]), ScheduledMeeting.objects.get(request=r["ac"])


def test_agendas_show_each_participant_its_meetings_and_the_organisers_all(client, world, published):
    ab, ac = published
    url = reverse("network-event-agendas", args=[world.event.pk])
    client.force_login(world.users["rep_beta"])
    page = client.get(url).content.decode()
    # Beta's own agenda only: its meeting with Alpha at 10:00; no grid, no other agenda
    assert re.findall(r'data-participant="(\d+)"', page) == [str(ab.request.invitee_id)]
    assert f'data-meeting="{ab.pk}"' in page and f'data-meeting="{ac.pk}"' not in page
    assert "schedule-grid" not in page
    client.force_login(world.users["manager"])
    page = client.get(url).content.decode()
    assert "schedule-grid" in page and len(re.findall(r'class="card agenda"', page)) == 4  # every participant
    # the grid: 10:00 Alpha <-> Beta, 10:20 Alpha <-> Gamma
    assert re.search(rf'data-slot="{world.s1.pk}">.*?Alpha.*?Beta', page, re.S)
    assert re.search(rf'data-slot="{world.s2.pk}">.*?Alpha.*?Gamma', page, re.S)


def test_outcomes_flow_back_into_the_register(client, world, published):
    ab, ac = published
    url = reverse("network-event-outcome", args=[ab.pk])
    for who in ("rep_gamma", "manager_other", "rep_echo"):  # not a side of A-B, another cluster, outsider
        client.force_login(world.users[who])
        assert client.get(url).status_code == 403, who
    client.force_login(world.users["rep_alpha"])
    client.post(url, {"kind": OutcomeKind.LETTER_OF_INTENT, "note": "LoI on imaging"})
    outcome = MeetingOutcome.objects.get(meeting=ab)
    agreement = outcome.agreement
    assert (agreement.kind, agreement.signed_on, agreement.title) == (
        AgreementKind.INTENT,
        DATE,  # the event's date
        "Brokerage day: Alpha — Beta",
    )
    assert set(agreement.parties.all()) == {world.orgs["alpha"], world.orgs["beta"]}
    assert outcome.recorded_by == world.users["rep_alpha"] and outcome.note == "LoI on imaging"
    client.force_login(world.users["rep_beta"])  # the other side changes it: the same agreement follows
    client.post(url, {"kind": OutcomeKind.AGREEMENT, "note": ""})
    assert (
        Agreement.objects.get().pk == agreement.pk
        and Agreement.objects.get().kind == AgreementKind.COOPERATION
    )
    client.force_login(world.users["manager"])  # the organisers may record too
    client.post(url, {"kind": OutcomeKind.FOLLOW_UP, "note": ""})
    assert not Agreement.objects.exists() and MeetingOutcome.objects.get(meeting=ab).agreement is None


def test_outcomes_wait_for_the_published_schedule(world, requests):
    p, r = requests
    meeting = ScheduledMeeting.objects.create(
        event=world.event, request=r["ab"], slot=world.s1, room=world.table
    )
    with pytest.raises(NotAllowed):  # still in registration
        services.meeting_outcome_record(actor=world.users["rep_alpha"], meeting=meeting, kind="none")


def test_the_results_page_counts_the_outcomes_and_the_agreements(client, world, published):
    ab, ac = published
    services.meeting_outcome_record(actor=world.users["rep_alpha"], meeting=ab, kind=OutcomeKind.AGREEMENT)
    services.event_status_change(actor=world.users["manager"], event=world.event, status=EventStatus.FINISHED)
    # finishing tells every participant to record their outcomes
    assert (
        Notification.objects.filter(
            text="“Brokerage day” is over: record what came of your meetings."
        ).count()
        == 4
    )
    client.force_login(world.users["manager"])
    page = client.get(reverse("network-event-results", args=[world.event.pk])).content.decode()
    # 2 meetings: A-B agreement, A-C not recorded; 1 agreement; 4 participants
    assert 'data-stat="meetings">2<' in page and 'data-stat="recorded">1<' in page
    assert 'data-stat="agreements">1<' in page and 'data-stat="participants">4<' in page
    table = {
        k: int(n)
        for k, n in re.findall(r'<tr data-outcome="(\w+)"><td>[^<]*</td><td class="number">(\d+)</td>', page)
    }
    assert table == {"none": 0, "follow_up": 0, "letter_of_intent": 0, "agreement": 1, "not_recorded": 1}
    bars = dict(re.findall(r'<g class="bar" data-outcome="(\w+)" data-count="(\d+)">', page))
    assert bars == {k: str(n) for k, n in table.items()}  # the chart says what the table says
    assert 'role="img"' in page and "<title>Outcomes of the meetings</title>" in page


def test_the_outcome_chart_scales_its_bars_to_the_largest():
    svg = str(
        outcome_chart(
            [
                ("none", "No follow-up", 1),
                ("agreement", "Agreement signed", 4),
                ("follow_up", "Follow-up", 0),
            ],
            title="T",
        )
    )
    widths = re.findall(r'<rect x="170" y="\d+" width="([0-9.]+)"', svg)
    # the bar width is 200 at the largest count (4): 200 * 1/4 = 50, 200, and 1.5 (the least drawn)
    assert widths == ["50.0", "200.0", "1.5"]
    assert 'aria-label="T: No follow-up: 1, Agreement signed: 4, Follow-up: 0"' in svg


def test_the_event_detail_lists_the_meetings_awaiting_an_outcome(client, world, published):
    ab, ac = published
    services.meeting_outcome_record(actor=world.users["rep_gamma"], meeting=ac, kind=OutcomeKind.NONE)
    client.force_login(world.users["rep_alpha"])
    page = client.get(reverse("network-event", args=[world.event.pk])).content.decode()
    # Alpha met Beta (no outcome yet) and Gamma (recorded): one link
    assert reverse("network-event-outcome", args=[ab.pk]) in page
    assert reverse("network-event-outcome", args=[ac.pk]) not in page


# --- the demo ------------------------------------------------------------------------------------------


def test_the_demo_builds_the_board_and_a_finished_event_once(db):
    from clusterworks.analytics.matchmaking import Placement, Schedule, check_schedule
    from clusterworks.web.core.models import AuditEvent, User
    from clusterworks.web.network.demo import EVENT_TITLE, PARTICIPANTS, build_network_demo
    from clusterworks.web.network.models import Need, NeedAnswer
    from tests.factories import CompetenceFactory

    cluster = ClusterFactory(key="moscow-medtech")
    keys = [key for key, _offer, _seek in PARTICIPANTS] + ["demo-cellbank"]
    orgs = {key: OrganisationFactory(key=key, short_name=key) for key in keys}
    for org in orgs.values():
        MembershipFactory(cluster=cluster, organisation=org)
    CompetenceFactory(code="hightech-med-services.clinical-trials")
    users = {
        "manager": user_with_role(Role.CLUSTER_MANAGER, cluster=cluster, username="manager"),
        "representative": user_with_role(
            Role.ORGANISATION_REPRESENTATIVE, organisation=orgs["eurogen"], username="representative"
        ),
    }
    build_network_demo(cluster=cluster, organisations=orgs, users=users)

    assert Need.objects.count() == 3
    answer = NeedAnswer.objects.get(status="accepted")
    assert (answer.need.organisation.key, answer.organisation.key) == ("eurogen", "demo-cityclinic")
    board_agreement = Agreement.objects.get(title=answer.need.title)
    assert board_agreement.kind == "intent"
    event = MatchmakingEvent.objects.get(title=EVENT_TITLE)
    assert event.status == EventStatus.FINISHED
    assert (event.participants.count(), event.slots.count(), event.rooms.count()) == (12, 8, 4)
    # 20 accepted requests; eurogen <-> demo-cityclinic asked each other: 19 meetings to place, weights
    # 4 (3 + 1, both asked) and 2+1+2+3+2+2+1+2+1+1+1+1+2+3+2+1+1+2 = 30 for the others: 34 in all;
    # 32 places (8 slots x 4 tables), caps of 6 and the two participants' availability leave room for all
    meetings = list(event.meetings.select_related("slot", "room", "request"))
    assert len(meetings) == 19
    data = selectors.scheduling_input(event=event)
    ids, slot_ids, room_ids = data.ids_of()
    placements = tuple(
        Placement(ids[m.request.pk], slot_ids[m.slot_id], room_ids[m.room_id]) for m in meetings
    )
    stored = Schedule(placements, {}, sum(data.weights[p.request] for p in placements), None, False, "stored")
    assert stored.objective == 34 and check_schedule(data.problem, stored) == []
    # outcomes: two letters of intent and an agreement became registry agreements dated the event's day
    assert MeetingOutcome.objects.filter(meeting__event=event).count() == 6
    from_event = Agreement.objects.filter(signed_on=event.date)
    assert sorted(from_event.values_list("kind", flat=True)) == ["cooperation", "intent", "intent"]
    # illustrative representatives for the organisations without a demo user
    assert User.objects.filter(username__startswith="demo-rep-").count() == 11

    counts = (
        Need.objects.count(),
        MatchmakingEvent.objects.count(),
        Agreement.objects.count(),
        User.objects.count(),
    )
    audit = AuditEvent.objects.count()
    build_network_demo(cluster=cluster, organisations=orgs, users=users)
    again = (Need.objects.count(), MatchmakingEvent.objects.count(), Agreement.objects.count())
    assert (*again, User.objects.count()) == counts
    assert AuditEvent.objects.count() == audit


def test_the_participants_own_pages_are_theirs(client, world):
    _open(world)
    alpha, beta = _register(world, "alpha"), _register(world, "beta")
    edit = reverse("network-event-participant-edit", args=[world.event.pk, alpha.pk])
    ask = reverse("network-event-request", args=[world.event.pk, beta.pk])
    # editing Alpha's profile: Alpha's representative; asking Beta: a participant other than Beta
    cases = {
        edit: (["rep_alpha", "admin"], ["rep_beta", "manager", "manager_other", "rep_echo"]),
        ask: (["rep_alpha", "admin"], ["rep_beta", "manager", "manager_other", "rep_echo", "rep_gamma"]),
    }
    for url, (allowed, refused) in cases.items():
        for who in allowed:
            client.force_login(world.users[who])
            assert client.get(url).status_code == 200, (url, who)
        for who in refused:
            client.force_login(world.users[who])
            assert client.get(url).status_code == 403, (url, who)
    client.force_login(world.users["rep_alpha"])
    client.post(edit, {"attendee": "Dr A", "offer": "More", "seek": "", "available": [world.s2.pk]})
    alpha.refresh_from_db()
    assert (alpha.attendee, alpha.offer, list(alpha.available.all())) == ("Dr A", "More", [world.s2])


def test_the_organisers_actions_refuse_everyone_else(client, world):
    _open(world)
    status = reverse("network-event-status", args=[world.event.pk])
    publish = reverse("network-event-schedule-publish", args=[world.event.pk])
    for who in ("rep_alpha", "manager_other", "rep_echo"):
        client.force_login(world.users[who])
        assert client.post(status, {"status": "draft"}).status_code == 403, who
        assert client.post(publish, {"placement": []}).status_code == 403, who
    world.event.refresh_from_db()
    assert world.event.status == EventStatus.REGISTRATION
    client.force_login(world.users["manager"])
    response = client.post(status, {"status": "finished"}, follow=True)  # registration -> finished: no
    assert "An event that is “Registration and meeting requests open” cannot become “Finished”." in (
        response.content.decode()
    )
    response = client.post(publish, {"placement": ["1:2"]}, follow=True)  # a malformed form
    assert "The schedule to publish is malformed; run the scheduler again." in response.content.decode()
    client.post(status, {"status": "draft"})
    world.event.refresh_from_db()
    assert world.event.status == EventStatus.DRAFT
