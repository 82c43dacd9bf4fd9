"""Who may see and do what in the stakeholder network (docs/network-guide.md, "Who sees what").

* The network of a cluster (its members and their ties, measures, brokers, communities) is seen by the
  cluster's managers and by analysts. Each organisation's representatives see their own organisation's
  ego network and partner recommendations; so do the managers of a cluster it belongs to.
* Imported participation datasets (public research-funding data) are seen by analysts, cluster managers
  and programme officers; analysts and administrators import and delete them.
* A partner search (need) is posted by an organisation's representative, or by the manager of a cluster
  it belongs to, and is seen by everyone signed in (``platform``) or by the people of the clusters the
  organisation belongs to (``cluster``: their managers and their members' representatives). Other
  organisations answer it; only the poster's side sees all answers and accepts or declines them; an
  answering organisation sees its own answer.
* A matchmaking event is run by the managers of its organising cluster. Once out of draft it is seen by
  those who may register: representatives of the cluster's member organisations, or of any organisation
  when the event is open to all. Participants request meetings for their own organisation only and
  answer only the requests addressed to it; a meeting's outcome is recorded by either side or the
  organisers.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from clusterworks.web.core.permissions import Decision, allow, deny, is_authenticated, predicate
from clusterworks.web.core.roles import Role
from clusterworks.web.registry.models import Cluster, Membership, Organisation

from .models import (
    EventParticipant,
    EventStatus,
    MatchmakingEvent,
    MeetingRequest,
    Need,
    NeedAnswer,
    NeedStatus,
    ParticipationDataset,
    RequestStatus,
    ScheduledMeeting,
    Visibility,
)

NOT_SIGNED_IN = _("sign in first")


def _clusters_of(organisation: Organisation) -> set[int]:
    return set(
        Membership.objects.filter(organisation=organisation, left__isnull=True).values_list(
            "cluster_id", flat=True
        )
    )


def _represents(user: Any, organisation_id: int | None) -> bool:
    return is_authenticated(user) and organisation_id in user.represented_organisation_ids()


def _manages_cluster_of(user: Any, organisation: Organisation) -> bool:
    managed = user.managed_cluster_ids() if is_authenticated(user) else set()
    return bool(managed) and bool(managed & _clusters_of(organisation))


def _speaks_for(user: Any, organisation: Organisation) -> bool:
    """A representative of the organisation, or a manager of a cluster it belongs to."""
    return _represents(user, organisation.pk) or _manages_cluster_of(user, organisation)


def _in_clusters(user: Any, clusters: set[int]) -> bool:
    """A manager of one of ``clusters``, or a representative of one of their current members."""
    if not is_authenticated(user) or not clusters:
        return False
    if user.managed_cluster_ids() & clusters:
        return True
    represented = user.represented_organisation_ids()
    return (
        bool(represented)
        and Membership.objects.filter(
            cluster_id__in=clusters, organisation_id__in=represented, left__isnull=True
        ).exists()
    )


# ---------------------------------------------------------------------------------- the network


@predicate("network.view")
def can_view_network(user: Any, cluster: Cluster | None) -> Decision:
    if not is_authenticated(user):
        return deny(NOT_SIGNED_IN)
    if user.has_role(Role.ANALYST):
        return allow(_("analysts study every cluster's network"))
    if cluster is not None and cluster.pk in user.managed_cluster_ids():
        return allow(_("you manage this cluster"))
    return deny(_("only the cluster's managers and analysts see its network"))


@predicate("network.ego")
def can_view_ego(user: Any, organisation: Organisation) -> Decision:
    """An organisation's own network and its partner recommendations."""
    if not is_authenticated(user):
        return deny(NOT_SIGNED_IN)
    if user.has_role(Role.ANALYST):
        return allow(_("analysts study every organisation's network"))
    if _represents(user, organisation.pk):
        return allow(_("you represent this organisation"))
    if _manages_cluster_of(user, organisation):
        return allow(_("you manage a cluster this organisation belongs to"))
    return deny(_("only the organisation's representatives, its cluster's managers and analysts see this"))


@predicate("network.recommend")
def can_ask_recommendations(user: Any, _target: None = None) -> Decision:
    """Ask for partners for a project idea; the consortium named must still pass ``network.ego``."""
    if not is_authenticated(user):
        return deny(NOT_SIGNED_IN)
    if user.has_role(Role.ANALYST):
        return allow(_("analysts ask for partners for any organisation"))
    if user.represented_organisation_ids() or user.managed_cluster_ids():
        return allow(_("you speak for an organisation"))
    return deny(
        _("partner recommendations are for organisations' representatives, cluster managers and analysts")
    )


# ------------------------------------------------------------------------------------ datasets


@predicate("dataset.view")
def can_view_dataset(user: Any, _dataset: ParticipationDataset | None) -> Decision:
    if not is_authenticated(user):
        return deny(NOT_SIGNED_IN)
    if user.has_role(Role.ANALYST) or user.has_role(Role.PROGRAMME_OFFICER) or user.managed_cluster_ids():
        return allow(_("analysts, cluster managers and programme officers use participation datasets"))
    return deny(_("only analysts, cluster managers and programme officers see participation datasets"))


@predicate("dataset.manage")
def can_manage_dataset(user: Any, _dataset: ParticipationDataset | None) -> Decision:
    """Import and delete datasets."""
    if not is_authenticated(user):
        return deny(NOT_SIGNED_IN)
    if user.has_role(Role.ANALYST):
        return allow(_("analysts import participation datasets"))
    return deny(_("only analysts and administrators import or delete participation datasets"))


# ---------------------------------------------------------------------------------- the board


@predicate("need.create")
def can_create_need(user: Any, organisation: Organisation | None) -> Decision:
    """Post a partner search for ``organisation`` (``None``: for any organisation the user speaks for)."""
    if not is_authenticated(user):
        return deny(NOT_SIGNED_IN)
    if organisation is None:
        if user.represented_organisation_ids() or user.managed_cluster_ids():
            return allow(_("you speak for an organisation"))
        return deny(_("only organisations' representatives and cluster managers post partner searches"))
    if _speaks_for(user, organisation):
        return allow(_("you speak for this organisation"))
    return deny(_("only the organisation's representatives and its cluster's managers post for it"))


@predicate("need.view")
def can_view_need(user: Any, need: Need) -> Decision:
    if not is_authenticated(user):
        return deny(NOT_SIGNED_IN)
    if _speaks_for(user, need.organisation):
        return allow(_("you speak for the organisation that posted it"))
    if need.visibility == Visibility.PLATFORM:
        return allow(_("this partner search is open to everyone signed in"))
    if _in_clusters(user, _clusters_of(need.organisation)):
        return allow(_("you belong to a cluster of the organisation that posted it"))
    return deny(_("this partner search is shown only in the clusters of the organisation that posted it"))


@predicate("need.change")
def can_change_need(user: Any, need: Need) -> Decision:
    """Edit, close, and decide on answers."""
    if not is_authenticated(user):
        return deny(NOT_SIGNED_IN)
    if _speaks_for(user, need.organisation):
        return allow(_("you speak for the organisation that posted it"))
    return deny(_("only the posting organisation's representatives and its cluster's managers change it"))


@predicate("need.answer")
def can_answer_need(user: Any, need: Need) -> Decision:
    seen = can_view_need(user, need)
    if not seen:
        return seen
    if need.status != NeedStatus.OPEN:
        return deny(_("this partner search is no longer open"))
    represented = user.represented_organisation_ids() - {need.organisation_id}
    if not represented:
        return deny(_("answer as the representative of another organisation"))
    return allow(_("you represent an organisation that can offer to work together"))


@predicate("answer.view")
def can_view_answer(user: Any, answer: NeedAnswer) -> Decision:
    if not is_authenticated(user):
        return deny(NOT_SIGNED_IN)
    if _represents(user, answer.organisation_id):
        return allow(_("this is your organisation's answer"))
    if _speaks_for(user, answer.need.organisation):
        return allow(_("this answers your organisation's partner search"))
    return deny(_("answers are seen only by the two organisations"))


@predicate("answer.withdraw")
def can_withdraw_answer(user: Any, answer: NeedAnswer) -> Decision:
    """Withdrawing is the answering organisation's own act: the poster's side sees the answer
    (``answer.view``) but does not take it back for them."""
    if not is_authenticated(user):
        return deny(NOT_SIGNED_IN)
    if _represents(user, answer.organisation_id):
        return allow(_("this is your organisation's answer"))
    return deny(_("only the answering organisation's representatives withdraw it"))


# ---------------------------------------------------------------------------------- events


def _organises(user: Any, event: MatchmakingEvent) -> bool:
    return is_authenticated(user) and event.cluster_id in user.managed_cluster_ids()


def eligible_organisations(user: Any, event: MatchmakingEvent) -> set[int]:
    """The organisations ``user`` represents that may take part in ``event``: its organising cluster's
    current members, or any organisation when the event is open to all."""
    if not is_authenticated(user):
        return set()
    represented = user.represented_organisation_ids()
    if not represented or event.open_to_all:
        return set(represented)
    return set(
        Membership.objects.filter(
            cluster_id=event.cluster_id, organisation_id__in=represented, left__isnull=True
        ).values_list("organisation_id", flat=True)
    )


def _may_register(user: Any, event: MatchmakingEvent) -> bool:
    return bool(eligible_organisations(user, event))


@predicate("event.create")
def can_create_event(user: Any, cluster: Cluster | None) -> Decision:
    if not is_authenticated(user):
        return deny(NOT_SIGNED_IN)
    managed = user.managed_cluster_ids()
    if (cluster is None and managed) or (cluster is not None and cluster.pk in managed):
        return allow(_("cluster managers organise matchmaking events"))
    return deny(_("only the cluster's managers organise its matchmaking events"))


@predicate("event.view")
def can_view_event(user: Any, event: MatchmakingEvent) -> Decision:
    if not is_authenticated(user):
        return deny(NOT_SIGNED_IN)
    if _organises(user, event):
        return allow(_("you organise this event"))
    if event.status == EventStatus.DRAFT:
        return deny(_("the event is still a draft"))
    if (
        _may_register(user, event)
        or event.participants.filter(organisation_id__in=user.represented_organisation_ids()).exists()
    ):
        return allow(_("you may take part in this event"))
    return deny(_("this event is for the organising cluster's members"))


@predicate("event.manage")
def can_manage_event(user: Any, event: MatchmakingEvent) -> Decision:
    """Edit the event, its slots and rooms, open and close requests, run and publish the schedule."""
    if _organises(user, event):
        return allow(_("you organise this event"))
    return deny(_("only the organising cluster's managers run this event"))


@predicate("event.register")
def can_register(user: Any, event: MatchmakingEvent) -> Decision:
    if not is_authenticated(user):
        return deny(NOT_SIGNED_IN)
    if event.status != EventStatus.REGISTRATION:
        return deny(_("registration is not open"))
    if _may_register(user, event):
        return allow(_("you represent an organisation that may take part"))
    return deny(_("only representatives of the organising cluster's members may register"))


@predicate("participant.act")
def can_act_for_participant(user: Any, participant: EventParticipant) -> Decision:
    """Request meetings, set availability and change the profile of a participant."""
    if not is_authenticated(user):
        return deny(NOT_SIGNED_IN)
    if participant.event.status != EventStatus.REGISTRATION:
        return deny(_("meeting requests are closed"))
    if _represents(user, participant.organisation_id):
        return allow(_("you represent this participant"))
    return deny(_("only the participant's representatives act for it"))


@predicate("request.answer")
def can_answer_request(user: Any, request: MeetingRequest) -> Decision:
    if not is_authenticated(user):
        return deny(NOT_SIGNED_IN)
    if request.event.status != EventStatus.REGISTRATION:
        return deny(_("meeting requests are closed"))
    if request.status in (RequestStatus.CANCELLED,):
        return deny(_("the request was cancelled"))
    if _represents(user, request.invitee.organisation_id):
        return allow(_("the request is addressed to your organisation"))
    return deny(_("only the invited organisation answers a meeting request"))


@predicate("meeting.outcome")
def can_record_outcome(user: Any, meeting: ScheduledMeeting) -> Decision:
    if not is_authenticated(user):
        return deny(NOT_SIGNED_IN)
    if meeting.event.status not in (EventStatus.SCHEDULED, EventStatus.FINISHED):
        return deny(_("outcomes are recorded once the schedule is published"))
    request = meeting.request
    if _represents(user, request.requester.organisation_id) or _represents(
        user, request.invitee.organisation_id
    ):
        return allow(_("your organisation took part in this meeting"))
    if _organises(user, meeting.event):
        return allow(_("you organise this event"))
    return deny(_("only the two organisations and the organisers record a meeting's outcome"))
