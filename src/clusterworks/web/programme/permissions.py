"""Who may see and do what in a support programme (docs/programme-guide.md, "Who sees what").

Programmes and published calls are public. A programme's officers (users with the programme-officer role
named on the programme) run its calls. Applicants -- the user who created an application, the
representatives of the applicant organisation and of its co-applicants, the managers of the applicant
cluster -- see and, while it is a draft and the call is open, change their application. Experts see an
application only when assigned to review it, commission members only once it reaches the commission;
**a conflict of interest, detected or declared, shuts an expert or a member out of the application
entirely**: they cannot open it, score it or vote on it, whatever else they are.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterworks.web.core.permissions import Decision, allow, deny, is_authenticated, predicate
from clusterworks.web.core.roles import Role
from clusterworks.web.registry.models import Membership

from .models import (
    Actor,
    Application,
    Assignment,
    Award,
    Call,
    CommissionMember,
    Conflict,
    Meeting,
    Programme,
    Review,
    Transition,
)

#: states in which the commission works on an application, and after
COMMISSION_STATES = {"commission", "funded", "partly_funded", "rejected", "awarded", "reporting", "closed"}
#: states after the decision, when the applicant reads the reviewers' comments
DECIDED_STATES = {"funded", "partly_funded", "rejected", "awarded", "reporting", "closed"}


def is_officer(user: Any, programme: Programme | None) -> bool:
    """An administrator, or a programme officer named on ``programme``."""
    if not is_authenticated(user) or programme is None:
        return False
    if user.is_platform_admin:
        return True
    return user.has_role(Role.PROGRAMME_OFFICER) and programme.officers.filter(pk=user.pk).exists()


def is_applicant(user: Any, application: Application) -> bool:
    """The application's author, a representative of its applicant or co-applicants, or a manager of its
    cluster."""
    if not is_authenticated(user):
        return False
    if application.created_by_id == user.pk or application.cluster_id in user.managed_cluster_ids():
        return True
    organisations = user.represented_organisation_ids()
    if not organisations:
        return False
    if application.applicant_id in organisations:
        return True
    return (
        application.pk is not None and application.partners.filter(organisation_id__in=organisations).exists()
    )


def is_lead_applicant(user: Any, application: Application) -> bool:
    """The applicants who may change, submit and withdraw the application and report on its award: its
    author, the applicant organisation's representatives and the cluster's managers (co-applicants see
    it but do not speak for it)."""
    if not is_authenticated(user):
        return False
    return (
        application.created_by_id == user.pk
        or application.cluster_id in user.managed_cluster_ids()
        or application.applicant_id in user.represented_organisation_ids()
    )


def is_conflicted(user: Any, application: Application) -> bool:
    return (
        is_authenticated(user)
        and application.pk is not None
        and Conflict.objects.filter(application=application, expert=user).exists()
    )


def _commission_member(user: Any, call: Call, *, chair: bool = False) -> bool:
    if not is_authenticated(user) or not user.has_role(Role.COMMISSION_MEMBER):
        return False
    members = CommissionMember.objects.filter(call=call, user=user)
    return (members.filter(chair=True) if chair else members).exists()


_CONFLICT = _("you have a conflict of interest with this application")


# --- programmes and calls ---------------------------------------------------------------------------


@predicate("programme.view")
def can_view_programme(user: Any, programme: Programme) -> Decision:
    return allow(_("programmes are public"))


@predicate("programme.create")
def can_create_programme(user: Any, _obj: Any) -> Decision:
    if is_authenticated(user) and (user.is_platform_admin or user.has_role(Role.PROGRAMME_OFFICER)):
        return allow(_("you are a programme officer"))
    return deny(_("programme officers and administrators create programmes"))


@predicate("programme.manage")
def can_manage_programme(user: Any, programme: Programme) -> Decision:
    """Change the programme, create and change its calls, their rules, forms, rubric and workflow."""
    if is_officer(user, programme):
        return allow(_("you run this programme"))
    return deny(_("only the programme's officers run it"))


@predicate("programme.dashboard")
def can_see_dashboard(user: Any, programme: Programme) -> Decision:
    if is_officer(user, programme):
        return allow(_("you run this programme"))
    if is_authenticated(user) and user.has_role(Role.ANALYST):
        return allow(_("analysts see programme dashboards"))
    return deny(_("the dashboard is for the programme's officers and analysts"))


@predicate("call.view")
def can_view_call(user: Any, call: Call) -> Decision:
    if call.published:
        return allow(_("the call is published"))
    if is_officer(user, call.programme):
        return allow(_("you run this programme"))
    return deny(_("the call is not published yet"))


@predicate("call.manage")
def can_manage_call(user: Any, call: Call) -> Decision:
    """Screen applications, assign reviewers, see the conflict register, run allocations, manage awards."""
    if is_officer(user, call.programme):
        return allow(_("you run this programme"))
    return deny(_("only the programme's officers run its calls"))


# --- applications ------------------------------------------------------------------------------------


def _may_apply_for(user: Any, call: Call) -> bool:
    clusters = set(call.eligible_clusters.values_list("pk", flat=True))
    managed = user.managed_cluster_ids()
    if managed and (not clusters or managed & clusters):
        return True
    organisations = user.represented_organisation_ids()
    if not organisations:
        return False
    today = timezone.localdate()
    members = Membership.objects.filter(organisation_id__in=organisations).filter(
        Q(left__isnull=True) | Q(left__gte=today)
    )
    if clusters:
        members = members.filter(cluster_id__in=clusters)
    return members.exists()


@predicate("application.create")
def can_create_application(user: Any, call: Call) -> Decision:
    if not is_authenticated(user):
        return deny(_("sign in to apply"))
    if not call.is_open():
        return deny(_("the call is not open for applications"))
    if _may_apply_for(user, call):
        return allow(_("your cluster may apply to this call"))
    return deny(_("applications come from the managers and members of the clusters the call is open to"))


@predicate("application.view")
def can_view_application(user: Any, application: Application) -> Decision:
    if not is_authenticated(user):
        return deny(_("applications are visible only to signed-in users"))
    if is_conflicted(user, application):
        return deny(_CONFLICT)
    if is_officer(user, application.call.programme):
        return allow(_("you run this programme"))
    if is_applicant(user, application):
        return allow(_("it is your cluster's application"))
    if (
        application.state != "draft"
        and Assignment.objects.filter(application=application, reviewer=user).exists()
    ):
        return allow(_("you are assigned to review it"))
    if application.state in COMMISSION_STATES and _commission_member(user, application.call):
        return allow(_("it is before your commission"))
    return deny(
        _(
            "an application is visible to its applicants, the programme's officers, its reviewers and "
            "the commission"
        )
    )


@predicate("application.edit")
def can_edit_application(user: Any, application: Application) -> Decision:
    """Change the fields, answers, budget, co-applicants and attachments of a draft."""
    if not is_lead_applicant(user, application):
        return deny(_("only the applicant organisation and the cluster's managers change an application"))
    if application.state != "draft":
        return deny(_("only a draft can be changed; this application is submitted"))
    if timezone.now() >= application.call.closes_at:
        return deny(_("the call's deadline has passed"))
    return allow(_("it is your cluster's draft"))


@predicate("application.transition")
def can_take_transition(user: Any, step: tuple[Application, Transition]) -> Decision:
    """Take ``transition`` on ``application`` (the pair), as the transition's actor allows."""
    application, transition = step
    if transition.source.key != application.state:
        return deny(_("the application is not in the state this step starts from"))
    if transition.actor == Actor.APPLICANT:
        if not is_lead_applicant(user, application):
            return deny(_("only the applicant organisation and the cluster's managers take this step"))
        if transition.key == "submit" and timezone.now() >= application.call.closes_at:
            return deny(_("the call's deadline has passed"))
        return allow(_("it is your cluster's application"))
    if transition.actor == Actor.OFFICER:
        if is_officer(user, application.call.programme):
            return allow(_("you run this programme"))
        return deny(_("only the programme's officers take this step"))
    if transition.actor == Actor.COMMISSION:
        if is_authenticated(user) and user.is_platform_admin:
            return allow(_("administrators may do everything"))
        if is_conflicted(user, application):
            return deny(_CONFLICT)
        if _commission_member(user, application.call, chair=True):
            return allow(_("you chair the commission"))
        return deny(_("only the commission's chair records its decision"))
    return deny(_("Clusterworks takes this step by itself"))


@predicate("application.feedback")
def can_read_feedback(user: Any, application: Application) -> Decision:
    """Read the reviewers' anonymised comments for the applicant."""
    if not is_applicant(user, application):
        return deny(_("the feedback is for the applicants"))
    if application.state not in DECIDED_STATES:
        return deny(_("the feedback is shown once the commission has decided"))
    return allow(_("it is your cluster's application"))


# --- conflicts and review -------------------------------------------------------------------------------


@predicate("conflict.declare")
def can_declare_conflict(user: Any, application: Application) -> Decision:
    if not is_authenticated(user):
        return deny(_("sign in first"))
    if Assignment.objects.filter(application=application, reviewer=user).exists():
        return allow(_("you are assigned to review it"))
    if _commission_member(user, application.call):
        return allow(_("you sit on the commission"))
    return deny(_("reviewers and commission members declare their conflicts"))


@predicate("review.write")
def can_write_review(user: Any, assignment: Assignment) -> Decision:
    if not is_authenticated(user) or assignment.reviewer_id != user.pk:
        return deny(_("only the assigned reviewer writes this review"))
    if is_conflicted(user, assignment.application):
        return deny(_CONFLICT)
    if assignment.application.state != "review":
        return deny(_("the application is not in expert review"))
    return allow(_("you are assigned to review it"))


@predicate("review.read")
def can_read_review(user: Any, review: Review) -> Decision:
    """Read a review with its author's name (officers) or anonymised (reviewers, commission)."""
    application = review.assignment.application
    if not is_authenticated(user):
        return deny(_("sign in first"))
    if is_conflicted(user, application):
        return deny(_CONFLICT)
    if review.assignment.reviewer_id == user.pk:
        return allow(_("it is your review"))
    if is_officer(user, application.call.programme):
        return allow(_("you run this programme"))
    if review.submitted_at is None:
        return deny(_("the review is not submitted yet"))
    if application.state in COMMISSION_STATES and _commission_member(user, application.call):
        return allow(_("it is before your commission"))
    if Assignment.objects.filter(application=application, reviewer=user).exists():
        visible = application.call.reviews_visible
        own_submitted = Review.objects.filter(
            assignment__application=application, assignment__reviewer=user, submitted_at__isnull=False
        ).exists()
        if visible == "always" or (visible == "after_own" and own_submitted):
            return allow(_("you reviewed this application too"))
        if visible == "after_own":
            return deny(_("other reviews open once you have submitted your own"))
    return deny(_("other reviews open once you have submitted your own"))
    return deny(
        _(
            "reviews are read by the programme's officers, the commission and, by the call's rule, "
            "fellow reviewers"
        )
    )


# --- commission ---------------------------------------------------------------------------------------


@predicate("commission.manage")
def can_manage_commission(user: Any, call: Call) -> Decision:
    """Plan meetings, open and close voting, write the minutes."""
    if is_officer(user, call.programme):
        return allow(_("you run this programme"))
    if _commission_member(user, call, chair=True):
        return allow(_("you chair the commission"))
    return deny(_("the programme's officers and the commission's chair run its meetings"))


@predicate("commission.vote")
def can_vote(user: Any, ballot: tuple[Meeting, Application]) -> Decision:
    meeting, application = ballot
    if not _commission_member(user, meeting.call):
        return deny(_("only the commission's members vote"))
    if is_conflicted(user, application):
        return deny(_CONFLICT)
    if meeting.opened_at is None or meeting.closed_at is not None:
        return deny(_("voting is not open at this meeting"))
    if application.call_id != meeting.call_id or application.state != "commission":
        return deny(_("the application is not before the commission"))
    return allow(_("you sit on the commission"))


# --- awards ---------------------------------------------------------------------------------------------


@predicate("award.report")
def can_report_on_award(user: Any, award: Award) -> Decision:
    """Submit progress reports on an award."""
    if is_lead_applicant(user, award.application):
        return allow(_("it is your cluster's award"))
    return deny(_("the funded cluster reports on its award"))
