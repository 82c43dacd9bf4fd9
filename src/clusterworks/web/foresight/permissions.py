"""Who may see and do what in the foresight workbench. Platform administrators pass every check (core).

A survey belongs to a cluster and is run by that cluster's managers. Its experts see the questions,
answer open rounds, and see the aggregated answers of closed rounds -- never another expert's answers or
name. Analysts see every survey's statistics and pseudonymised answers. Priorities and roadmaps are the
cluster's plans: visible to its managers, to the representatives of its current members and to analysts.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterworks.web.core.permissions import Decision, allow, deny, is_authenticated, predicate
from clusterworks.web.core.roles import Role
from clusterworks.web.registry.models import Cluster, Membership

from .models import Panelist, PriorityExercise, Roadmap, Round, RoundStatus, Survey, SurveyStatus


def _manages(user: Any, cluster_id: int | None) -> bool:
    return is_authenticated(user) and cluster_id is not None and cluster_id in user.managed_cluster_ids()


def _analyst(user: Any) -> bool:
    return is_authenticated(user) and user.has_role(Role.ANALYST)


def panelist_of(user: Any, survey: Survey) -> Panelist | None:
    """The user's active seat on the survey's panel, if any (cached on the user for one request)."""
    if not is_authenticated(user) or survey.pk is None:
        return None
    cache = user.__dict__.setdefault("_panel_seats", {})
    if survey.pk not in cache:
        cache[survey.pk] = Panelist.objects.filter(survey=survey, user=user, declined_at__isnull=True).first()
    return cache[survey.pk]


def _represents_member(user: Any, cluster_id: int) -> bool:
    if not is_authenticated(user) or not user.represented_organisation_ids():
        return False
    return Membership.objects.filter(
        cluster_id=cluster_id, organisation_id__in=user.represented_organisation_ids(), left__isnull=True
    ).exists()


# --- creating anything foresight for a cluster -----------------------------------------------------------


@predicate("foresight.create")
def can_create(user: Any, cluster: Cluster | None) -> Decision:
    """Start a survey, a priority exercise or a roadmap for ``cluster``."""
    if cluster is not None and _manages(user, cluster.pk):
        return allow(_("you manage this cluster"))
    return deny(_("only the cluster's managers start surveys, priority exercises and roadmaps"))


# --- surveys --------------------------------------------------------------------------------------------


@predicate("survey.view")
def can_view_survey(user: Any, survey: Survey) -> Decision:
    if not is_authenticated(user):
        return deny(_("surveys are visible only to signed-in members"))
    if _manages(user, survey.cluster_id):
        return allow(_("you manage this survey's cluster"))
    if _analyst(user):
        return allow(_("analysts see every survey"))
    if panelist_of(user, survey) is not None:
        return allow(_("you are on this survey's panel"))
    return deny(_("surveys are visible to their panel, their cluster's managers and analysts"))


@predicate("survey.manage")
def can_manage_survey(user: Any, survey: Survey) -> Decision:
    """Edit questions, invite experts, open and close rounds, send reminders."""
    if _manages(user, survey.cluster_id):
        return allow(_("you manage this survey's cluster"))
    return deny(_("only the cluster's managers run its surveys"))


@predicate("survey.answer")
def can_answer(user: Any, round: Round) -> Decision:
    if panelist_of(user, round.survey) is None:
        return deny(_("only the experts on the panel answer"))
    if round.survey.status != SurveyStatus.RUNNING or round.status != RoundStatus.OPEN:
        return deny(_("this round is not open"))
    if round.deadline is not None and round.deadline < timezone.now():
        return deny(_("the deadline of this round has passed"))
    return allow(_("you are on the panel and the round is open"))


@predicate("survey.feedback")
def can_see_feedback(user: Any, round: Round) -> Decision:
    """The aggregated answers and anonymised comments of a closed round."""
    if round.status != RoundStatus.CLOSED:
        return deny(_("the group's answers are shown once the round is closed"))
    if _manages(user, round.survey.cluster_id) or _analyst(user):
        return allow(_("you see the survey's results"))
    if panelist_of(user, round.survey) is not None:
        return allow(_("you are on the panel"))
    return deny(_("the group's answers are shown to the panel, the cluster's managers and analysts"))


@predicate("survey.results")
def can_see_results(user: Any, survey: Survey) -> Decision:
    """Statistics of every round, progress of the panel."""
    if _manages(user, survey.cluster_id):
        return allow(_("you manage this survey's cluster"))
    if _analyst(user):
        return allow(_("analysts see every survey's results"))
    return deny(_("results are for the cluster's managers and analysts"))


@predicate("survey.responses")
def can_export_responses(user: Any, survey: Survey) -> Decision:
    """The individual answers, under the experts' pseudonyms."""
    if _manages(user, survey.cluster_id):
        return allow(_("you manage this survey's cluster"))
    if _analyst(user):
        return allow(_("analysts see pseudonymised answers"))
    return deny(_("individual answers are for the cluster's managers and analysts"))


# --- priorities and roadmaps --------------------------------------------------------------------------


def _view_plan(user: Any, cluster_id: int) -> Decision:
    if not is_authenticated(user):
        return deny(_("the cluster's plans are visible only to signed-in members"))
    if _manages(user, cluster_id):
        return allow(_("you manage this cluster"))
    if _analyst(user):
        return allow(_("analysts see every cluster's plans"))
    if _represents_member(user, cluster_id):
        return allow(_("your organisation is a member of this cluster"))
    return deny(_("the cluster's plans are visible to its members, its managers and analysts"))


@predicate("priorities.view")
def can_view_priorities(user: Any, exercise: PriorityExercise) -> Decision:
    return _view_plan(user, exercise.cluster_id)


@predicate("priorities.manage")
def can_manage_priorities(user: Any, exercise: PriorityExercise) -> Decision:
    if _manages(user, exercise.cluster_id):
        return allow(_("you manage this cluster"))
    return deny(_("only the cluster's managers set its priorities"))


@predicate("roadmap.view")
def can_view_roadmap(user: Any, roadmap: Roadmap) -> Decision:
    return _view_plan(user, roadmap.cluster_id)


@predicate("roadmap.manage")
def can_manage_roadmap(user: Any, roadmap: Roadmap) -> Decision:
    if _manages(user, roadmap.cluster_id):
        return allow(_("you manage this cluster"))
    return deny(_("only the cluster's managers edit its roadmaps"))
