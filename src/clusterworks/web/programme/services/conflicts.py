"""Conflicts of interest: detected from the registry for a whole call at once, and declared by the experts.

An expert *could be involved* in a call when they have an expert profile or the expert role, sit on
the call's commission or are assigned to one of its applications. Their *organisations* are those they
represent (the organisation-representative role) and their current affiliations in the registry
(``Person.user``; an affiliation is current when it has started, or has no start, and has not ended,
or ends today or later). Against every application of the call that has been submitted (any state but
draft and withdrawn), :func:`detect_conflicts` finds, for each expert organisation X:

* ``applicant``: X is the applicant organisation;
* ``co_applicant``: X is a co-applicant;
* ``cluster_member``: X is a current member of the applicant cluster (it has not left, or leaves
  today or later) -- unless it applies or co-applies, which is the stronger conflict already;
* ``joint_project``: X took part in a registry joint project together with the applicant or a
  co-applicant Y (X != Y, X not itself a party), and the project ran at some time within the call's
  look-back: it started on or before today and had not ended ``call.conflict_years`` years before today
  (an open-ended project still runs);
* ``agreement``: the same for a registry agreement that X and Y are both parties to (signed on or
  before today, not ended before the look-back; an open-ended agreement is still in force).

Every conflict is stored as a :class:`~clusterworks.web.programme.models.Conflict` whose ``detail``
names the organisations (and the project or agreement with its years) in the site's default language,
so that re-running the detection in another language finds the same rows. The detection is idempotent:
it adds the conflicts that are new, removes the detected ones that no longer hold and never touches the
declared ones; it reads everything in a fixed number of queries, whatever the number of experts and
applications, and writes in one transaction. A conflicted expert is never assigned: assignments of a
newly conflicted pair without a submitted review are removed, and the reason is recorded.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clusterworks.web.core.audit import record_bulk
from clusterworks.web.core.permissions import require
from clusterworks.web.core.roles import Role
from clusterworks.web.registry.models import (
    Affiliation,
    Agreement,
    Cluster,
    Membership,
    Organisation,
    ProjectParticipation,
)

from ..models import (
    Application,
    Assignment,
    Call,
    CoApplicant,
    CommissionMember,
    Conflict,
    ConflictSource,
    ExpertProfile,
)
from .workflow import notify

#: states of applications that are not (or no longer) before anyone: no conflicts are detected on them
NOT_SUBMITTED = ("draft", "withdrawn")


@dataclass(frozen=True)
class Detection:
    """What :func:`detect_conflicts` changed."""

    added: int
    removed: int
    unchanged: int
    assignments_removed: int

    @property
    def total(self) -> int:
        return self.added + self.unchanged


# ---------------------------------------------------------------------------------------------- reading


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _span(start: dt.date | None, end: dt.date | None) -> str:
    if start is None:
        return f"…–{end.year}" if end else "…"
    if end is None:
        return f"{start.year}–…"
    return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"


def _stable_name(name_en: str, name_ru: str) -> str:
    """An organisation's or cluster's name in the site's default language (not the reader's), so that a
    detail stays the same whoever runs the detection."""
    russian = settings.LANGUAGE_CODE.startswith("ru")
    return (name_ru or name_en) if russian else (name_en or name_ru)


def involved_experts(*, call: Call) -> set[int]:
    """Ids of the users who could review or judge the call's applications: expert profiles, the expert
    role, the call's commission and its assigned reviewers (four queries)."""
    from clusterworks.web.core.models import RoleAssignment

    users = set(ExpertProfile.objects.filter(user__is_active=True).values_list("user_id", flat=True))
    users |= set(
        RoleAssignment.objects.filter(role=Role.EXPERT, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    users |= set(CommissionMember.objects.filter(call=call).values_list("user_id", flat=True))
    users |= set(Assignment.objects.filter(application__call=call).values_list("reviewer_id", flat=True))
    return users


def expert_organisations(user_ids: Iterable[int], *, today: dt.date) -> dict[int, set[int]]:
    """Each user's organisations: represented (role) and current affiliations (two queries)."""
    from clusterworks.web.core.models import RoleAssignment

    user_ids = list(user_ids)
    organisations: dict[int, set[int]] = defaultdict(set)
    for user_id, organisation_id in RoleAssignment.objects.filter(
        user_id__in=user_ids, role=Role.ORGANISATION_REPRESENTATIVE, organisation__isnull=False
    ).values_list("user_id", "organisation_id"):
        organisations[user_id].add(organisation_id)
    current = (Q(start__isnull=True) | Q(start__lte=today)) & (Q(end__isnull=True) | Q(end__gte=today))
    for user_id, organisation_id in (
        Affiliation.objects.filter(current, person__user_id__in=user_ids)
        .values_list("person__user_id", "organisation_id")
    ):  # fmt: skip
        organisations[user_id].add(organisation_id)
    return organisations


def _shared_ties(
    model: str, expert_orgs: set[int], party_orgs: set[int], *, today: dt.date, cutoff: dt.date
) -> dict[tuple[int, int], list[tuple[str, str]]]:
    """{(expert organisation, party organisation): [(title, years), ...]} for the joint projects
    (``model="project"``) or agreements that tie them within the look-back (two queries)."""
    if model == "project":
        through = ProjectParticipation.objects
        tie, org = "project_id", "organisation_id"
        window = Q(project__start__lte=today) & (Q(project__end__isnull=True) | Q(project__end__gte=cutoff))
        fields = ("project_id", "organisation_id", "project__title", "project__start", "project__end")
    else:
        through = Agreement.parties.through.objects
        tie, org = "agreement_id", "organisation_id"
        window = Q(agreement__signed_on__lte=today) & (
            Q(agreement__ends_on__isnull=True) | Q(agreement__ends_on__gte=cutoff)
        )
        fields = ("agreement_id", "organisation_id", "agreement__title", "agreement__signed_on",
                  "agreement__ends_on")  # fmt: skip
    on_expert_side = set(
        through.filter(window, **{f"{org}__in": expert_orgs}).values_list(tie, flat=True).distinct()
    )
    if not on_expert_side:
        return {}
    members: dict[int, set[int]] = defaultdict(set)
    about: dict[int, tuple[str, str]] = {}
    for tie_id, organisation_id, title, start, end in through.filter(
        **{f"{tie}__in": on_expert_side}, **{f"{org}__in": expert_orgs | party_orgs}
    ).values_list(*fields):
        members[tie_id].add(organisation_id)
        about[tie_id] = (title, _span(start, end))
    shared: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
    for tie_id, organisations in members.items():
        for x in organisations & expert_orgs:
            for y in organisations & party_orgs:
                if x != y:
                    shared[(x, y)].append(about[tie_id])
    return shared


def _detected(call: Call, today: dt.date) -> set[tuple[int, int, str, str]]:
    """The conflicts that hold today: {(application id, expert id, source, detail)}."""
    applications = list(
        Application.objects.filter(call=call)
        .exclude(state__in=NOT_SUBMITTED)
        .values_list("pk", "applicant_id", "cluster_id")
    )
    if not applications:
        return set()
    experts = involved_experts(call=call)
    organisations_of = expert_organisations(experts, today=today)
    if not organisations_of:
        return set()
    co_applicants: dict[int, set[int]] = defaultdict(set)
    for application_id, organisation_id in CoApplicant.objects.filter(application__call=call).values_list(
        "application_id", "organisation_id"
    ):
        co_applicants[application_id].add(organisation_id)
    clusters = {cluster_id for _pk, _applicant, cluster_id in applications}
    expert_orgs = set().union(*organisations_of.values())
    members: dict[int, set[int]] = defaultdict(set)
    for cluster_id, organisation_id in Membership.objects.filter(
        Q(left__isnull=True) | Q(left__gte=today), cluster_id__in=clusters, organisation_id__in=expert_orgs
    ).values_list("cluster_id", "organisation_id"):
        members[cluster_id].add(organisation_id)
    party_orgs = {applicant for _pk, applicant, _cluster in applications} | set().union(
        *co_applicants.values()
    )
    cutoff = _years_before(today, call.conflict_years)
    projects = _shared_ties("project", expert_orgs, party_orgs, today=today, cutoff=cutoff)
    agreements = _shared_ties("agreement", expert_orgs, party_orgs, today=today, cutoff=cutoff)
    names = {
        pk: _stable_name(name_en, name_ru)
        for pk, name_en, name_ru in Organisation.objects.filter(pk__in=expert_orgs | party_orgs).values_list(
            "pk", "name_en", "name_ru"
        )
    }
    cluster_names = {
        pk: _stable_name(name_en, name_ru)
        for pk, name_en, name_ru in Cluster.objects.filter(pk__in=clusters).values_list(
            "pk", "name_en", "name_ru"
        )
    }

    found: set[tuple[int, int, str, str]] = set()
    for application_id, applicant, cluster_id in applications:
        parties = {applicant} | co_applicants[application_id]
        for expert, own in organisations_of.items():
            for x in own:
                if x == applicant:
                    found.add((application_id, expert, ConflictSource.APPLICANT, names[x]))
                elif x in co_applicants[application_id]:
                    found.add((application_id, expert, ConflictSource.CO_APPLICANT, names[x]))
                elif x in members[cluster_id]:
                    detail = f"{names[x]} — {cluster_names[cluster_id]}"
                    found.add((application_id, expert, ConflictSource.CLUSTER_MEMBER, detail))
                if x in parties:
                    continue  # applying or co-applying is the conflict; its ties add nothing
                for y in parties:
                    for source, ties in ((ConflictSource.JOINT_PROJECT, projects),
                                         (ConflictSource.AGREEMENT, agreements)):  # fmt: skip
                        for title, years in ties.get((x, y), ()):
                            detail = f"“{title}” ({years}): {names[x]}, {names[y]}"
                            found.add((application_id, expert, source, detail))
    return found


# ---------------------------------------------------------------------------------------------- writing


def _created_changes(instance: Any) -> dict[str, list[Any]]:
    return {k: [None, v] for k, v in instance.audit_values().items() if v not in (None, "")}


def _deleted_changes(instance: Any) -> dict[str, list[Any]]:
    return {k: [v, None] for k, v in instance.audit_values().items() if v not in (None, "")}


def _remove_assignments(assignments: Iterable[Assignment], reason: str) -> int:
    """Record why each assignment goes (its ``reason``, in the audit log), then delete it (and any draft
    or submitted review with it)."""
    count = 0
    for assignment in assignments:
        assignment.reason = reason
        assignment.save(update_fields=["reason"])
        assignment.delete()
        count += 1
    return count


def _drop_conflicted_assignments(call: Call, *, keep_submitted: bool) -> int:
    conflicted = set(
        Conflict.objects.filter(application__call=call).values_list("application_id", "expert_id")
    )
    if not conflicted:
        return 0
    candidates = Assignment.objects.filter(application__call=call).select_related("review")
    doomed = []
    for assignment in candidates:
        if (assignment.application_id, assignment.reviewer_id) not in conflicted:
            continue
        review = getattr(assignment, "review", None)
        if keep_submitted and review is not None and review.submitted_at is not None:
            continue  # shown on the assignment page for the officers to decide
        doomed.append(assignment)
    return _remove_assignments(
        doomed, _("Removed automatically: a conflict of interest was found in the registry.")
    )


def detect_conflicts(*, call: Call, actor: Any = None, today: dt.date | None = None) -> Detection:
    """Find the call's conflicts of interest in the registry and store them (see the module's doc).

    ``actor``, when given, must run the call (``call.manage``); the command line and the demo call it
    without one. ``today`` defaults to the local date."""
    if actor is not None:
        require(actor, "call.manage", call)
    today = today or timezone.localdate()
    with transaction.atomic():
        found = _detected(call, today)
        existing = {
            (c.application_id, c.expert_id, c.source, c.detail): c
            for c in Conflict.objects.filter(application__call=call).exclude(source=ConflictSource.DECLARED)
        }
        stale = [c for key, c in existing.items() if key not in found]
        if stale:
            record_bulk((c, "delete", _deleted_changes(c)) for c in stale)
            Conflict.objects.filter(pk__in=[c.pk for c in stale])._raw_delete(Conflict.objects.db)
        now = timezone.now()
        new = [
            Conflict(application_id=a, expert_id=e, source=s, detail=d, detected_at=now)
            for a, e, s, d in sorted(found - set(existing))
        ]
        if new:
            created = Conflict.objects.bulk_create(new, batch_size=1000)
            record_bulk((c, "create", _created_changes(c)) for c in created)
        removed = _drop_conflicted_assignments(call, keep_submitted=True) if new else 0
    return Detection(added=len(new), removed=len(stale), unchanged=len(existing) - len(stale),
                     assignments_removed=removed)  # fmt: skip


def declare_conflict(*, expert: Any, application: Application, detail: str) -> Conflict:
    """The expert (an assigned reviewer or a commission member: ``conflict.declare``) declares a conflict
    of interest with ``application``. Their assignment to it, if any, is removed with the reason, the
    programme's officers are told, and from now on the expert cannot open, score or vote on it."""
    require(expert, "conflict.declare", application)
    detail = (detail or "").strip()
    if not detail:
        raise ValidationError(
            {"detail": _("Say what the conflict is: e.g. your organisation, a joint project, a relative.")}
        )
    if len(detail) > 2000:
        raise ValidationError({"detail": _("At most 2,000 characters, please.")})
    with transaction.atomic():
        conflict, _created = Conflict.objects.get_or_create(
            application=application, expert=expert, source=ConflictSource.DECLARED, detail=detail
        )
        _remove_assignments(
            Assignment.objects.filter(application=application, reviewer=expert),
            _("Removed: the expert declared a conflict of interest: %(detail)s") % {"detail": detail},
        )
        officers = list(application.call.programme.officers.all())
        text = {}
        for language in ("en", "ru"):
            with translation.override(language):
                text[language] = _(
                    "%(expert)s declared a conflict of interest with application %(number)s."
                ) % {"expert": expert.get_full_name() or expert.get_username(), "number": application.number}
        url = reverse("programme-conflicts", args=[application.call.key])
        transaction.on_commit(lambda: notify(users=officers, text_en=text["en"], text_ru=text["ru"], url=url))
    return conflict


# ---------------------------------------------------------------------------------------------- selectors


def conflict_register(*, call: Call, source: str = "") -> list[Conflict]:
    """The call's conflicts for the officers' register, by application and expert."""
    conflicts = Conflict.objects.filter(application__call=call).select_related("application", "expert")
    if source:
        conflicts = conflicts.filter(source=source)
    return list(conflicts.order_by("application__number", "expert__last_name", "expert__username", "source"))


def conflicts_of(*, user: Any) -> list[Conflict]:
    """The user's own conflicts, declared and detected, in every call (never anyone else's)."""
    return list(
        Conflict.objects.filter(expert=user)
        .select_related("application__call")
        .order_by("-application__call__year", "application__number", "source")
    )


def conflicted_pairs(*, call: Call) -> set[tuple[int, int]]:
    """{(expert id, application id)} of the call's conflicts."""
    return {
        (expert, application)
        for application, expert in Conflict.objects.filter(application__call=call).values_list(
            "application_id", "expert_id"
        )
    }


def conflicts_csv(conflicts: Iterable[Conflict]) -> str:
    """The register as CSV: one row a conflict, the source as its code and in words."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["application", "title", "expert", "expert_name", "source", "source_label", "detail",
                     "detected_at"])  # fmt: skip
    for c in conflicts:
        writer.writerow([
            c.application.number, c.application.title, c.expert.get_username(), c.expert.get_full_name(),
            c.source, c.get_source_display(), c.detail, c.detected_at.isoformat(),
        ])  # fmt: skip
    return buffer.getvalue()
