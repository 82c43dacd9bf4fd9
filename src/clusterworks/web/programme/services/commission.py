"""The commission of a call: its members (one chair), its meetings, the members' remote votes, the
result per application, the minutes, and the decisions the chair records through the workflow.

Rules, written once here:

* **Members** are users with the commission-member role, added by the programme's officers; at most one
  is the chair (naming a new chair unseats the old one).
* **A meeting** is planned, then voting is opened and closed (by the officers or the chair; one meeting
  of a call open at a time). While it is open, each member votes for, against or abstains on each
  application before the commission, and may change the vote until voting closes. **A member with a
  conflict of interest on an application does not vote on it** (``commission.vote`` refuses it).
* **Quorum** on an application: more than ``call.quorum_share`` of the members *without* a conflict on
  it voted (an abstention is a vote cast: the member took part). **Majority for**: more than half of the
  votes cast are "for" (so an abstention weighs like a vote against, as in a simple majority of the
  members present).
* **Closing** the meeting writes the minutes: the members present (those who voted at least once),
  the conflicts declared, each application's votes and outcome and the decision the vote and the
  adopted allocation suggest. The minutes stay editable by the chair and the officers.
* **The decision** on each application (``fund``, ``fund_partly``, ``reject``) is taken by the chair
  through :func:`..workflow.take_transition`, after voting has closed. Funding follows the adopted
  allocation: ``fund`` needs its award in full, ``fund_partly`` in part. A decision other than the one the
  vote and the allocation suggest needs a reason, which goes into the history and the minutes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clusterworks.web.core.permissions import Decision, allow, check, deny, require
from clusterworks.web.core.roles import Role

from ..models import (
    AllocationLine,
    Application,
    Call,
    CommissionMember,
    Conflict,
    Meeting,
    Review,
    Transition,
    Vote,
    VoteChoice,
)
from ..permissions import _commission_member
from . import allocation as allocation_service
from . import scores as scores_service
from .workflow import take_transition

#: the decisions the chair records, as transitions of the workflow
DECISIONS = ("fund", "fund_partly", "reject")
#: what an adopted allocation's status allows
_DECISION_FOR_STATUS = {"full": "fund", "partial": "fund_partly", "none": "reject"}


def _user_name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


# ------------------------------------------------------------------------------------------ members


def eligible_members(*, call: Call):
    """Users who could sit on the commission of ``call``: commission-member role, not yet on it."""
    User = get_user_model()
    return (
        User.objects.filter(role_assignments__role=Role.COMMISSION_MEMBER, is_active=True)
        .exclude(commissions__call=call)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def commission_members(*, call: Call) -> list[CommissionMember]:
    """The members of the commission of ``call``: the chair first, then by name."""
    members = CommissionMember.objects.filter(call=call).select_related("user")
    return sorted(members, key=lambda m: (not m.chair, _user_name(m.user).casefold()))


def commission_member_add(*, actor: Any, call: Call, user: Any, chair: bool = False) -> CommissionMember:
    """Seat ``user`` on the commission of ``call`` (as its chair when ``chair``, unseating the old one)."""
    require(actor, "call.manage", call)
    if not user.has_role(Role.COMMISSION_MEMBER):
        raise ValidationError(
            {"user": _("%(user)s does not have the commission-member role.") % {"user": _user_name(user)}}
        )
    with transaction.atomic():
        if CommissionMember.objects.filter(call=call, user=user).exists():
            raise ValidationError(
                {"user": _("%(user)s already sits on this commission.") % {"user": _user_name(user)}}
            )
        if chair:
            _unseat_chair(call)
        return CommissionMember.objects.create(call=call, user=user, chair=chair)


def _unseat_chair(call: Call) -> None:
    for member in CommissionMember.objects.filter(call=call, chair=True):
        member.chair = False
        member.save(update_fields=["chair"])


def commission_chair_set(*, actor: Any, member: CommissionMember) -> CommissionMember:
    """Make ``member`` the chair of their commission (the old chair stays a member)."""
    require(actor, "call.manage", member.call)
    with transaction.atomic():
        _unseat_chair(member.call)
        member.chair = True
        member.save(update_fields=["chair"])
    return member


def commission_member_remove(*, actor: Any, member: CommissionMember) -> None:
    """Take ``member`` off the commission; refused once they have voted (their votes are on record)."""
    require(actor, "call.manage", member.call)
    with transaction.atomic():
        if Vote.objects.filter(meeting__call_id=member.call_id, member_id=member.user_id).exists():
            raise ValidationError(
                {
                    "member": _("%(user)s has voted at a meeting of this commission and stays on record.")
                    % {"user": _user_name(member.user)}
                }
            )
        member.delete()


def may_open_ballot(user: Any, call: Call) -> Decision:
    """Whether ``user`` may open their ballot at a meeting of ``call``: the commission's members."""
    if getattr(user, "is_authenticated", False) and user.is_platform_admin:
        return allow(_("platform administrators may do everything"))
    if _commission_member(user, call):
        return allow(_("you sit on the commission"))
    return deny(_("only the commission's members vote"))


def member_meetings(*, user: Any) -> list[Meeting]:
    """The meetings of the commissions ``user`` sits on, newest first (for "My ballots")."""
    if not getattr(user, "is_authenticated", False):
        return []
    calls = CommissionMember.objects.filter(user=user).values("call_id")
    return list(Meeting.objects.filter(call_id__in=calls).select_related("call").order_by("-held_on", "-pk"))


# ------------------------------------------------------------------------------------------ meetings


def meeting_plan(*, actor: Any, call: Call, title: str, held_on: dt.date) -> Meeting:
    require(actor, "commission.manage", call)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the meeting a title.")})
    return Meeting.objects.create(call=call, title=title, held_on=held_on)


def meeting_open(*, actor: Any, meeting: Meeting) -> Meeting:
    """Open voting at ``meeting``: refused when it was opened before, when another meeting of the call is
    open, when the commission has no member or no application is before it."""
    require(actor, "commission.manage", meeting.call)
    with transaction.atomic():
        locked = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
        if locked.opened_at is not None:
            raise ValidationError({"meeting": _("Voting at this meeting has already been opened.")})
        other = Meeting.objects.filter(
            call_id=meeting.call_id, opened_at__isnull=False, closed_at__isnull=True
        )
        if other.exists():
            raise ValidationError(
                {
                    "meeting": _("Voting is open at “%(title)s”; close it first.")
                    % {"title": other.first().title}
                }
            )
        if not CommissionMember.objects.filter(call_id=meeting.call_id).exists():
            raise ValidationError({"meeting": _("The commission has no members yet.")})
        if not Application.objects.filter(call_id=meeting.call_id, state="commission").exists():
            raise ValidationError({"meeting": _("No application is before the commission.")})
        locked.opened_at = timezone.now()
        locked.save(update_fields=["opened_at"])
    meeting.refresh_from_db()
    return meeting


def meeting_close(*, actor: Any, meeting: Meeting) -> Meeting:
    """Close voting at ``meeting`` and write its minutes."""
    require(actor, "commission.manage", meeting.call)
    with transaction.atomic():
        locked = Meeting.objects.select_for_update(of=("self",)).select_related("call").get(pk=meeting.pk)
        if locked.opened_at is None:
            raise ValidationError({"meeting": _("Voting at this meeting has not been opened.")})
        if locked.closed_at is not None:
            raise ValidationError({"meeting": _("Voting at this meeting is already closed.")})
        locked.closed_at = timezone.now()
        locked.minutes = minutes_text(meeting=locked)
        locked.save(update_fields=["closed_at", "minutes"])
    meeting.refresh_from_db()
    return meeting


def meeting_minutes_update(*, actor: Any, meeting: Meeting, minutes: str) -> Meeting:
    """Replace the minutes of a closed meeting (the chair's or the officers' corrections)."""
    require(actor, "commission.manage", meeting.call)
    if meeting.closed_at is None:
        raise ValidationError({"minutes": _("The minutes are written when voting closes.")})
    minutes = (minutes or "").strip()
    if not minutes:
        raise ValidationError({"minutes": _("The minutes cannot be empty.")})
    meeting.minutes = minutes
    meeting.save(update_fields=["minutes"])
    return meeting


def meeting_status(meeting: Meeting) -> str:
    """``planned``, ``open`` or ``closed``."""
    if meeting.opened_at is None:
        return "planned"
    return "open" if meeting.closed_at is None else "closed"


# ------------------------------------------------------------------------------------------- voting


def vote_cast(*, actor: Any, meeting: Meeting, application: Application, choice: str) -> Vote:
    """Record (or change) ``actor``'s vote on ``application`` at ``meeting``. ``commission.vote`` refuses
    non-members, members with a conflict of interest, and meetings not open for voting."""
    require(actor, "commission.vote", (meeting, application))
    if not CommissionMember.objects.filter(call_id=meeting.call_id, user=actor).exists():
        # the permission lets a platform administrator through; a vote is still a member's alone
        raise ValidationError({"member": _("Only the commission's members vote; you do not sit on it.")})
    if choice not in VoteChoice.values:
        raise ValidationError(
            {
                "choice": _("Unknown vote “%(choice)s”; allowed: %(allowed)s.")
                % {"choice": choice, "allowed": ", ".join(VoteChoice.values)}
            }
        )
    with transaction.atomic():
        vote = Vote.objects.select_for_update(of=("self",)).filter(
            meeting=meeting, application=application, member=actor
        )
        existing = vote.first()
        if existing is None:
            return Vote.objects.create(meeting=meeting, application=application, member=actor, choice=choice)
        if existing.choice != choice:
            existing.choice = choice
            existing.cast_at = timezone.now()
            existing.save(update_fields=["choice", "cast_at"])
        return existing


def meeting_applications(meeting: Meeting) -> list[Application]:
    """The applications of a meeting: those before the commission, and those voted on at it."""
    voted = Vote.objects.filter(meeting=meeting).values("application_id")
    in_commission = Application.objects.filter(call_id=meeting.call_id, state="commission")
    return list(
        (in_commission | Application.objects.filter(pk__in=voted))
        .select_related("cluster", "region", "sector")
        .distinct()
        .order_by("number")
    )


@dataclass
class VoteResult:
    """The vote on one application at a meeting."""

    application: Application
    members: int  # members without a conflict on it
    conflicted: list[Any] = field(default_factory=list)  # users
    votes_for: int = 0
    votes_against: int = 0
    abstentions: int = 0

    @property
    def voted(self) -> int:
        return self.votes_for + self.votes_against + self.abstentions

    def quorum_met(self, share: Decimal) -> bool:
        """More than ``share`` of the members without a conflict voted."""
        return self.members > 0 and Decimal(self.voted) > Decimal(share) * self.members

    @property
    def majority_for(self) -> bool:
        """More than half of the votes cast are for."""
        return 2 * self.votes_for > self.voted


def meeting_results(*, meeting: Meeting) -> list[VoteResult]:
    """The vote on each application of ``meeting``: counts, the members who could vote, the conflicted."""
    applications = meeting_applications(meeting)
    members = [
        m.user for m in CommissionMember.objects.filter(call_id=meeting.call_id).select_related("user")
    ]
    member_ids = {user.pk for user in members}
    conflicts: dict[int, set[int]] = defaultdict(set)
    for application_id, expert_id in Conflict.objects.filter(
        application__in=applications, expert_id__in=member_ids
    ).values_list("application_id", "expert_id"):
        conflicts[application_id].add(expert_id)
    results = {
        a.pk: VoteResult(
            application=a,
            members=len(member_ids - conflicts[a.pk]),
            conflicted=[u for u in members if u.pk in conflicts[a.pk]],
        )
        for a in applications
    }
    for application_id, member_id, choice in Vote.objects.filter(meeting=meeting).values_list(
        "application_id", "member_id", "choice"
    ):
        result = results.get(application_id)
        if result is None or member_id not in member_ids or member_id in conflicts[application_id]:
            # only the commission's members count (an administrator may act, but does not sit on it); a
            # conflicted member cannot vote, and a vote recorded before the conflict was found is void
            continue
        if choice == VoteChoice.FOR:
            result.votes_for += 1
        elif choice == VoteChoice.AGAINST:
            result.votes_against += 1
        else:
            result.abstentions += 1
    return [results[a.pk] for a in applications]


def suggested_decision(
    result: VoteResult, *, quorum_share: Decimal, line: AllocationLine | None
) -> str | None:
    """The decision the vote and the adopted allocation suggest: None without a quorum; ``reject`` without
    a majority for; else the allocation's (``fund`` in full, ``fund_partly`` in part, ``reject`` when it
    funds nothing); ``fund`` when no allocation is adopted yet."""
    if not result.quorum_met(quorum_share):
        return None
    if not result.majority_for:
        return "reject"
    if line is None:
        return "fund"
    return _DECISION_FOR_STATUS.get(line.status, "reject")


def decision_name(key: str | None) -> str:
    return {
        "fund": _("Fund in full"),
        "fund_partly": _("Fund in part"),
        "reject": _("Reject"),
        None: _("no suggestion: the quorum is not met"),
    }.get(key, key or "")


# --------------------------------------------------------------------------------------------- minutes


def _when(value: dt.datetime | None) -> str:
    """The date in the locale's format and the time on the 24-hour clock."""
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return f"{date_format(local, 'DATE_FORMAT')}, {local:%H:%M}"


def minutes_text(*, meeting: Meeting) -> str:
    """The minutes of ``meeting`` in the active language: the members present, the conflicts declared,
    each application's votes and outcome with the suggested decision."""
    call = meeting.call
    members = commission_members(call=call)
    voters = set(Vote.objects.filter(meeting=meeting).values_list("member_id", flat=True))
    results = meeting_results(meeting=meeting)
    lines = {
        line.application_id: line for line in AllocationLine.objects.filter(run__call=call, run__adopted=True)
    }
    out = [
        _("Minutes of the meeting “%(title)s” of the commission of the call “%(call)s”")
        % {"title": meeting.title, "call": call},
        _("Held on %(date)s; voting opened at %(opened)s and closed at %(closed)s.")
        % {
            "date": date_format(meeting.held_on, "DATE_FORMAT"),
            "opened": _when(meeting.opened_at),
            "closed": _when(meeting.closed_at),
        },
        "",
        _("Members of the commission: %(members)s.")
        % {
            "members": "; ".join(
                _("%(name)s (chair)") % {"name": _user_name(m.user)} if m.chair else _user_name(m.user)
                for m in members
            )
            or "—"
        },
        _("Present (voted at least once): %(members)s.")
        % {"members": "; ".join(_user_name(m.user) for m in members if m.user_id in voters) or "—"},
        "",
        _("Conflicts of interest:"),
    ]
    conflicts = (
        Conflict.objects.filter(
            application__in=[r.application for r in results], expert_id__in=[m.user_id for m in members]
        )
        .select_related("expert", "application")
        .order_by("application__number", "expert__username")
    )
    conflict_lines = [
        _("%(member)s does not vote on application %(number)s: %(source)s.")
        % {"member": _user_name(c.expert), "number": c.application.number, "source": c.get_source_display()}
        for c in conflicts
    ]
    out.extend(conflict_lines or [_("none declared or detected.")])
    out.extend(["", _("Votes:")])
    for result in results:
        application = result.application
        quorum = result.quorum_met(call.quorum_share)
        out.append(
            _(
                "Application %(number)s “%(title)s” (%(cluster)s): for %(for)d, against %(against)d, "
                "abstained %(abstain)d of %(members)d members without a conflict of interest."
            )
            % {
                "number": application.number,
                "title": application.title,
                "cluster": application.cluster,
                "for": result.votes_for,
                "against": result.votes_against,
                "abstain": result.abstentions,
                "members": result.members,
            }
        )
        if not quorum:
            out.append(_("The quorum is not met; the commission has not decided on it."))
        elif result.majority_for:
            out.append(_("The quorum is met; the majority is for."))
        else:
            out.append(_("The quorum is met; there is no majority for."))
        suggestion = suggested_decision(
            result, quorum_share=call.quorum_share, line=lines.get(application.pk)
        )
        if suggestion is not None:
            out.append(_("Suggested decision: %(decision)s.") % {"decision": decision_name(suggestion)})
    out.extend(["", _("Decisions:")])
    return "\n".join(out)


# -------------------------------------------------------------------------------------------- decisions


def meeting_decide(
    *, actor: Any, meeting: Meeting, application: Application, decision: str, comment: str = ""
) -> Application:
    """Record the commission's decision on ``application`` after voting closed at ``meeting``, through
    the workflow (the chair takes ``fund``, ``fund_partly`` or ``reject``), and add it to the minutes."""
    if decision not in DECISIONS:
        raise ValidationError(
            {
                "decision": _("Unknown decision “%(decision)s”; allowed: %(allowed)s.")
                % {"decision": decision, "allowed": ", ".join(DECISIONS)}
            }
        )
    if application.call_id != meeting.call_id:
        raise ValidationError({"application": _("The application is not of this meeting's call.")})
    transition = (
        Transition.objects.select_related("source").filter(call_id=meeting.call_id, key=decision).first()
    )
    if transition is None:
        raise ValidationError(
            {"decision": _("The call's workflow has no step “%(key)s”.") % {"key": decision}}
        )
    require(actor, "application.transition", (application, transition))
    if meeting.closed_at is None:
        raise ValidationError({"decision": _("Decisions are recorded once voting has closed.")})
    comment = (comment or "").strip()
    call = meeting.call
    line = allocation_service.adopted_lines(call=call).get(application.pk)
    result = next((r for r in meeting_results(meeting=meeting) if r.application.pk == application.pk), None)
    if result is None:
        raise ValidationError({"application": _("The application was not before this meeting.")})
    if decision in ("fund", "fund_partly"):
        if line is None:
            raise ValidationError(
                {"decision": _("Adopt an allocation of the envelope first: it sets the amount of the award.")}
            )
        allowed = _DECISION_FOR_STATUS.get(line.status)
        if allowed != decision:
            raise ValidationError(
                {
                    "decision": _(
                        "The adopted allocation gives this application “%(status)s”; the decision that "
                        "follows it is “%(allowed)s”."
                    )
                    % {
                        "status": allocation_service.status_text(line.status),
                        "allowed": decision_name(allowed),
                    }
                }
            )
    suggestion = suggested_decision(result, quorum_share=call.quorum_share, line=line)
    if decision != suggestion and not comment:
        raise ValidationError(
            {
                "comment": _(
                    "The vote and the adopted allocation suggest “%(suggestion)s”; give the reason for "
                    "deciding otherwise."
                )
                % {"suggestion": decision_name(suggestion)}
            }
        )
    with transaction.atomic():
        application = take_transition(actor=actor, application=application, key=decision, comment=comment)
        locked = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
        entry = _("Application %(number)s “%(title)s”: %(decision)s.") % {
            "number": application.number,
            "title": application.title,
            "decision": decision_name(decision),
        }
        if comment:
            entry = _("%(entry)s Reason: %(comment)s") % {"entry": entry, "comment": comment}
        locked.minutes = f"{locked.minutes.rstrip()}\n{entry}"
        locked.save(update_fields=["minutes"])
    meeting.refresh_from_db()
    return application


# ---------------------------------------------------------------------------------------------- ballot


@dataclass(frozen=True)
class ReviewSummary:
    label: str  # "Reviewer 1"
    total: float | None  # 0-100
    comment: str


@dataclass(frozen=True)
class BallotEntry:
    """One application on a member's ballot; ``application`` is None when the member has a conflict of
    interest with it (then only its number is shown)."""

    number: str
    application: Application | None
    score: float | None = None
    raw: float | None = None
    flags: tuple[str, ...] = ()
    reviews: tuple[ReviewSummary, ...] = ()
    vote: str | None = None
    can_vote: bool = False


def ballot(*, user: Any, meeting: Meeting) -> list[BallotEntry]:
    """The applications of ``meeting`` as ``user`` (a member) sees them: each with its scores (robust
    and raw), disagreement flags and anonymised review summaries, and the user's vote; an application the
    user has a conflict of interest with is listed by its number only."""
    applications = meeting_applications(meeting)
    conflicted = allocation_service.conflicted_application_ids(user=user, call=meeting.call)
    aggregation = scores_service.call_aggregation(call=meeting.call)
    by_application = {s.application: s for s in aggregation.applications} if aggregation else {}
    totals = aggregation.totals if aggregation else {}
    votes = dict(
        Vote.objects.filter(meeting=meeting, member=user).values_list("application_id", "choice")
        if getattr(user, "is_authenticated", False)
        else []
    )
    reviews: dict[int, list[Review]] = defaultdict(list)
    for review in (
        Review.objects.filter(assignment__application__in=applications, submitted_at__isnull=False)
        .select_related("assignment")
        .order_by("assignment__application_id", "assignment_id")
    ):
        reviews[review.assignment.application_id].append(review)
    entries = []
    for application in applications:
        if application.pk in conflicted or not check(user, "application.view", application):
            entries.append(BallotEntry(number=application.number, application=None))
            continue
        score = by_application.get(application.pk)
        summaries = tuple(
            ReviewSummary(
                label=_("Reviewer %(n)d") % {"n": n},
                total=totals.get((application.pk, review.assignment.reviewer_id)),
                comment=review.comment_for_commission,
            )
            for n, review in enumerate(reviews[application.pk], start=1)
        )
        entries.append(
            BallotEntry(
                number=application.number,
                application=application,
                score=score.robust if score else None,
                raw=score.raw if score else None,
                flags=tuple(flag.text for flag in score.flags) if score else (),
                reviews=summaries,
                vote=votes.get(application.pk),
                can_vote=bool(check(user, "commission.vote", (meeting, application))),
            )
        )
    return entries
