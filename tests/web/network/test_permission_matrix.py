"""The role x action matrix of the stakeholder network's permissions.

Expected values are the written policy (the docstring of web/network/permissions.py and
docs/network-guide.md, "Who sees what"), not derived from the code. The registry's matrix
(tests/web/core/test_permission_matrix.py) checks that every registered permission appears in a table.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from clusterworks.web.core.permissions import check
from clusterworks.web.core.roles import Role
from clusterworks.web.network.models import (
    EventRoom,
    EventSlot,
    EventStatus,
    NeedAnswer,
    RequestStatus,
    ScheduledMeeting,
    Visibility,
)
from tests.factories import (
    ClusterFactory,
    EventParticipantFactory,
    MatchmakingEventFactory,
    MeetingRequestFactory,
    MembershipFactory,
    NeedFactory,
    OrganisationFactory,
    ParticipationDatasetFactory,
    user_with_role,
)

Y, N = True, False

ACTIONS = {
    "network.view": "cluster",
    "network.ego": "poster",
    "network.recommend": "nothing",
    "dataset.view": "dataset",
    "dataset.manage": "dataset",
    "need.create": "poster",
    "need.view": "need",
    "need.change": "need",
    "need.answer": "need",
    "answer.view": "answer",
    "answer.withdraw": "answer",
    "event.create": "cluster",
    "event.view": "event",
    "event.manage": "event",
    "event.register": "event",
    "participant.act": "participant",
    "request.answer": "request",
    "meeting.outcome": "meeting",
}

# fmt: off
MATRIX = {
    #                          net  ego  rec  ds.v ds.m n.cr n.v  n.ch n.an a.v  a.wd e.cr e.v  e.m  e.reg p.act r.ans outc
    "admin":                   (Y,  Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,    Y,    Y,    Y),
    "manager_of_cluster":      (Y,  Y,   Y,   Y,   N,   Y,   Y,   Y,   N,   Y,   N,   Y,   Y,   Y,   N,    N,    N,    Y),
    "manager_of_other":        (N,  N,   Y,   Y,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,    N,    N,    N),
    "representative_of_poster": (N, Y,   Y,   N,   N,   Y,   Y,   Y,   N,   Y,   N,   N,   Y,   N,   Y,    Y,    Y,    Y),
    "representative_of_member": (N, N,   Y,   N,   N,   N,   Y,   N,   Y,   Y,   Y,   N,   Y,   N,   Y,    N,    N,    Y),
    "representative_of_other": (N,  N,   Y,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,    N,    N,    N),
    "programme_officer":       (N,  N,   N,   Y,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,    N,    N,    N),
    "expert":                  (N,  N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,    N,    N,    N),
    "analyst":                 (Y,  Y,   Y,   Y,   Y,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,    N,    N,    N),
    "anonymous":               (N,  N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,    N,    N,    N),
}
# fmt: on


@pytest.fixture
def world(db):
    cluster, other_cluster = ClusterFactory(), ClusterFactory()
    poster, member, outsider = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    MembershipFactory(cluster=cluster, organisation=poster)
    MembershipFactory(cluster=cluster, organisation=member)
    MembershipFactory(cluster=other_cluster, organisation=outsider)
    need = NeedFactory(organisation=poster, visibility=Visibility.CLUSTER)
    answer = NeedAnswer.objects.create(need=need, organisation=member, message="We run a clinical centre.")
    event = MatchmakingEventFactory(cluster=cluster, status=EventStatus.REGISTRATION)
    participant = EventParticipantFactory(event=event, organisation=poster)
    request = MeetingRequestFactory(
        event=event, requester=EventParticipantFactory(event=event, organisation=member), invitee=participant
    )
    done = MatchmakingEventFactory(cluster=cluster, status=EventStatus.SCHEDULED)
    held = MeetingRequestFactory(
        event=done,
        requester=EventParticipantFactory(event=done, organisation=member),
        invitee=EventParticipantFactory(event=done, organisation=poster),
        status=RequestStatus.ACCEPTED,
    )
    start = timezone.make_aware(dt.datetime(2027, 3, 15, 10, 0))
    slot = EventSlot.objects.create(event=done, starts_at=start, ends_at=start + dt.timedelta(minutes=20))
    meeting = ScheduledMeeting.objects.create(
        event=done, request=held, slot=slot, room=EventRoom.objects.create(event=done, name="Table 1")
    )
    users = {
        "admin": user_with_role(Role.ADMIN),
        "manager_of_cluster": user_with_role(Role.CLUSTER_MANAGER, cluster=cluster),
        "manager_of_other": user_with_role(Role.CLUSTER_MANAGER, cluster=other_cluster),
        "representative_of_poster": user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=poster),
        "representative_of_member": user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=member),
        "representative_of_other": user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=outsider),
        "programme_officer": user_with_role(Role.PROGRAMME_OFFICER),
        "expert": user_with_role(Role.EXPERT),
        "analyst": user_with_role(Role.ANALYST),
        "anonymous": AnonymousUser(),
    }
    objects = {
        "cluster": cluster,
        "poster": poster,
        "nothing": None,
        "dataset": ParticipationDatasetFactory(),
        "need": need,
        "answer": answer,
        "event": event,
        "participant": participant,
        "request": request,
        "meeting": meeting,
    }
    return users, objects


def test_matrix_rows_are_complete():
    assert all(len(row) == len(ACTIONS) for row in MATRIX.values())


@pytest.mark.parametrize("who", list(MATRIX))
def test_role_action_matrix(world, who):
    users, objects = world
    got = {action: check(users[who], action, objects[target]) for action, target in ACTIONS.items()}
    expected = dict(zip(ACTIONS, MATRIX[who], strict=True))
    wrong = {a: (d.allowed, d.reason) for a, d in got.items() if d.allowed != expected[a]}
    assert not wrong, f"{who}: {wrong}"
    assert all(d.reason for d in got.values()), "every decision carries a reason"


def test_platform_needs_are_seen_by_everyone_signed_in(world):
    users, objects = world
    need = NeedFactory(organisation=objects["poster"], visibility=Visibility.PLATFORM)
    assert check(users["representative_of_other"], "need.view", need)
    assert check(users["representative_of_other"], "need.answer", need)
    assert check(users["expert"], "need.view", need)
    assert not check(users["expert"], "need.answer", need)  # represents no organisation
    assert not check(users["anonymous"], "need.view", need)


def test_open_events_take_any_organisation_and_drafts_are_hidden(world):
    users, objects = world
    event = objects["event"]
    event.open_to_all = True
    assert check(users["representative_of_other"], "event.register", event)
    event.status = EventStatus.DRAFT
    assert not check(users["representative_of_poster"], "event.view", event)
    assert check(users["manager_of_cluster"], "event.view", event)


def test_closed_requests_cannot_be_answered(world):
    users, objects = world
    objects["request"].event.status = EventStatus.SCHEDULED
    assert not check(users["representative_of_poster"], "request.answer", objects["request"])
    assert not check(users["representative_of_poster"], "participant.act", objects["participant"])
