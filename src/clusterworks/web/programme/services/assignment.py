"""Reviewer assignment for a call: the affinity of every expert for every application, the exact
assignment of :func:`clusterworks.analytics.assignment.assign_reviewers`, and the officers' changes by hand.

**Affinity** of expert *r* for application *a* (0 to 1)::

    affinity = COMPETENCE_WEIGHT x competence_overlap + TEXT_WEIGHT x text_similarity   (0.5 and 0.5)

* ``competence_overlap`` is the share of the application's competences that the expert has: the
  application's competences are the union of the competences the call's rubric criteria ask for and the
  applicant cluster's specialisations (``Cluster.specialisations``); the expert's are those of their
  expert profile. An application with no competences gives 0. Competences match by identity (a broader
  competence does not cover a narrower one).
* ``text_similarity`` is the cosine similarity of TF-IDF vectors of the expert's keywords (the profile's
  "fields of expertise") and the application's title and summary. Words are runs of three or more
  letters, lower-cased, "ё" read as "е", common English and Russian function words dropped, and cut to
  their first six letters, a crude stem that lets inflected Russian forms and English plurals of one
  word meet. The weights are ``tf x idf`` with ``tf`` the count of the word in the document and
  ``idf = ln((1 + n) / (1 + df)) + 1`` over the n documents (the applications and the experts), then
  each vector is scaled to length 1. An expert without keywords, or an application without words,
  gives 0.

The candidate reviewers are the active users with an expert profile or the expert role; every pair is
eligible (with affinity 0 where nothing matches) unless a :class:`Conflict` excludes it. The run
(:func:`assign_reviewers_for_call`) first detects the conflicts afresh from the registry, then covers
the applications in expert review. Assignments with a review
(draft or submitted) and those changed by hand are kept; the other automatic ones are replaced. Each
application then needs ``call.reviewers_per_application`` reviewers in all and each reviewer may have
``ExpertProfile.max_load`` (else ``call.max_load``) applications of the call in all. The library takes
one number of reviewers per application and one load limit; the kept assignments and the experts' own
limits are brought in exactly by placeholders: a placeholder reviewer, eligible only for one
application, takes each review already kept there, and each place an expert lacks below the largest
limit is taken by a placeholder application that only that expert (and placeholder reviewers) can
review. Placeholders get an affinity above every real one, so the optimum -- and greedy, which takes
pairs by affinity -- uses them all, and the real pairs are optimal for the real rules. Placeholders
count in no total shown.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from clusterworks.analytics.assignment import InfeasibleAssignment, assign_reviewers, greedy_assignment
from clusterworks.web.core.audit import record_bulk
from clusterworks.web.core.permissions import require
from clusterworks.web.core.roles import Role

from ..models import Application, Assignment, Call, Conflict, Criterion, ExpertProfile
from .conflicts import _created_changes, _deleted_changes, detect_conflicts

COMPETENCE_WEIGHT = 0.5
TEXT_WEIGHT = 0.5
#: the state whose applications are assigned reviewers
REVIEW_STATE = "review"
STEM = 6

STOP_WORDS = frozenset(
    {
        "all", "also", "and", "any", "are", "been", "being", "between", "can", "for", "from", "has", "have",
        "into", "its", "may", "more", "not", "other", "our", "over", "such", "than", "that", "the", "their",
        "then", "there", "these", "they", "this", "those", "under", "was", "were", "which", "who", "will",
        "with", "без", "были", "было", "быть", "все", "где", "для", "его", "есть", "еще", "или", "как",
        "когда", "которая", "которые", "который", "которых", "над", "она", "они", "под", "при", "про",
        "так", "также", "тем", "том", "уже", "чем", "что", "этих", "это", "этого", "этой",
    }
)  # fmt: skip
_WORD = re.compile(r"[^\W\d_]{3,}")


# ------------------------------------------------------------------------------------------- affinity


def words(text: str) -> list[str]:
    """The text's words as the TF-IDF counts them (see the module's doc)."""
    found = _WORD.findall((text or "").lower().replace("ё", "е"))
    return [w[:STEM] for w in found if w not in STOP_WORDS]


def tfidf_similarity(left: Sequence[str], right: Sequence[str]) -> np.ndarray:
    """Cosine similarities (len(left) x len(right)) of the TF-IDF vectors of two lists of texts, the
    inverse document frequencies taken over both lists together."""
    documents = [Counter(words(text)) for text in (*left, *right)]
    vocabulary: dict[str, int] = {}
    rows, cols, counts = [], [], []
    for i, counted in enumerate(documents):
        for word, count in counted.items():
            rows.append(i)
            cols.append(vocabulary.setdefault(word, len(vocabulary)))
            counts.append(count)
    n = len(documents)
    if not vocabulary:
        return np.zeros((len(left), len(right)))
    tf = sp.csr_array((np.array(counts, dtype=float), (rows, cols)), shape=(n, len(vocabulary)))
    df = np.bincount(np.array(cols), minlength=len(vocabulary))
    idf = np.log((1 + n) / (1 + df)) + 1
    weighted = tf.multiply(idf.reshape(1, -1)).tocsr()
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    unit = sp.diags_array(1 / norms) @ weighted
    similarity = (unit[: len(left)] @ unit[len(left) :].T).toarray()
    return np.clip(similarity, 0.0, 1.0)


@dataclass(frozen=True)
class AffinityMatrix:
    """Affinities of experts (rows, user ids) for applications (columns, application ids)."""

    experts: tuple[int, ...]
    applications: tuple[int, ...]
    competence: np.ndarray
    text: np.ndarray

    @property
    def affinity(self) -> np.ndarray:
        return COMPETENCE_WEIGHT * self.competence + TEXT_WEIGHT * self.text

    def of(self, expert_id: int, application_id: int) -> float | None:
        try:
            r, a = self._rows[expert_id], self._cols[application_id]
        except KeyError:
            return None
        return float(self._affinity[r, a])

    def __post_init__(self) -> None:
        object.__setattr__(self, "_rows", {e: i for i, e in enumerate(self.experts)})
        object.__setattr__(self, "_cols", {a: i for i, a in enumerate(self.applications)})
        object.__setattr__(self, "_affinity", self.affinity)


def candidate_experts(*, call: Call | None = None) -> list[Any]:
    """The users who may be assigned reviews: active, with an expert profile or the expert role."""
    from clusterworks.web.core.models import User

    return list(
        User.objects.filter(is_active=True)
        .filter(Q(expert_profile__isnull=False) | Q(role_assignments__role=Role.EXPERT))
        .distinct()
        .select_related("expert_profile")
        .order_by("last_name", "first_name", "username")
    )


def _profile(user: Any) -> ExpertProfile | None:
    try:
        return user.expert_profile
    except ExpertProfile.DoesNotExist:
        return None


def affinity_matrix(
    *, call: Call, experts: Sequence[Any], applications: Sequence[Application]
) -> AffinityMatrix:
    """The affinities (see the module's doc) of ``experts`` (users) for ``applications`` of ``call``,
    in a fixed number of queries."""
    expert_ids = tuple(e.pk for e in experts)
    application_ids = tuple(a.pk for a in applications)
    rubric = set(
        Criterion.competences.through.objects.filter(criterion__call=call).values_list(
            "competence_id", flat=True
        )
    )
    from clusterworks.web.registry.models import Cluster

    specialisations: dict[int, set[int]] = defaultdict(set)
    for cluster_id, competence_id in Cluster.specialisations.through.objects.filter(
        cluster_id__in={a.cluster_id for a in applications}
    ).values_list("cluster_id", "competence_id"):
        specialisations[cluster_id].add(competence_id)
    has: dict[int, set[int]] = defaultdict(set)
    for user_id, competence_id in ExpertProfile.competences.through.objects.filter(
        expertprofile__user_id__in=expert_ids
    ).values_list("expertprofile__user_id", "competence_id"):
        has[user_id].add(competence_id)
    competence = np.zeros((len(expert_ids), len(application_ids)))
    for j, application in enumerate(applications):
        needed = rubric | specialisations[application.cluster_id]
        if not needed:
            continue
        for i, expert_id in enumerate(expert_ids):
            if has[expert_id]:
                competence[i, j] = len(has[expert_id] & needed) / len(needed)
    keywords = [(p.keywords if (p := _profile(e)) else "") for e in experts]
    texts = [f"{a.title}\n{a.summary}" for a in applications]
    text = tfidf_similarity(keywords, texts) if experts and applications else competence * 0
    return AffinityMatrix(expert_ids, application_ids, competence, text)


# --------------------------------------------------------------------------------------------- solving


@dataclass
class _CallProblem:
    call: Call
    experts: list[Any]
    applications: list[Application]
    matrix: AffinityMatrix
    conflicts: set[tuple[int, int]]
    kept: list[Assignment]
    replaceable: list[Assignment]
    need: dict[int, int] = field(default_factory=dict)
    room: dict[int, int] = field(default_factory=dict)


def load_limit(call: Call, user: Any) -> int:
    profile = _profile(user)
    return profile.max_load if profile is not None and profile.max_load else call.max_load


def _call_problem(call: Call) -> _CallProblem:
    applications = list(Application.objects.filter(call=call, state=REVIEW_STATE).order_by("number"))
    experts = candidate_experts(call=call)
    matrix = affinity_matrix(call=call, experts=experts, applications=applications)
    conflicts = set(
        Conflict.objects.filter(application__call=call).values_list("expert_id", "application_id")
    )
    all_assignments = list(
        Assignment.objects.filter(application__call=call).select_related("review", "reviewer")
    )
    in_review = {a.pk for a in applications}
    kept, replaceable = [], []
    for assignment in all_assignments:
        has_review = getattr(assignment, "review", None) is not None
        if has_review or assignment.manual or assignment.application_id not in in_review:
            kept.append(assignment)
        else:
            replaceable.append(assignment)
    k = call.reviewers_per_application
    kept_per_application = Counter(a.application_id for a in kept)
    kept_per_reviewer = Counter(a.reviewer_id for a in kept)
    problem = _CallProblem(call, experts, applications, matrix, conflicts, kept, replaceable)
    problem.need = {a.pk: max(0, k - kept_per_application[a.pk]) for a in applications}
    problem.room = {e.pk: max(0, load_limit(call, e) - kept_per_reviewer[e.pk]) for e in experts}
    return problem


@dataclass(frozen=True)
class Solution:
    """Real pairs chosen (reviewer id, application id) with their affinities, and what the solver said."""

    pairs: tuple[tuple[int, int], ...]
    affinity: dict[tuple[int, int], float]
    total: float
    optimal: bool
    shortfall: dict[int, int]
    seconds: float


def _label(user: Any) -> str:
    name = user.get_full_name()
    return f"{name} ({user.username})" if name else user.username


def _solve(problem: _CallProblem, *, greedy: bool = False) -> Solution:
    """Solve the call's problem with the library (exactly, or greedy for the baseline); see the module's
    doc for the placeholders. Raises ``ValidationError`` with the reason when nothing is feasible."""
    k = problem.call.reviewers_per_application
    started = time.perf_counter()
    apps = [a for a in problem.applications if problem.need[a.pk] > 0]
    kept_pairs = {(a.reviewer_id, a.application_id) for a in problem.kept}
    reviewer_label = {e.pk: _label(e) for e in problem.experts}
    application_label = {a.pk: a.number for a in apps}
    real: dict[tuple[str, str], float] = {}
    by_label: dict[tuple[str, str], tuple[int, int]] = {}
    values = problem.matrix.affinity
    rows = {e: i for i, e in enumerate(problem.matrix.experts)}
    cols = {a: j for j, a in enumerate(problem.matrix.applications)}
    for expert in problem.experts:
        if problem.room[expert.pk] <= 0:
            continue
        for application in apps:
            pair = (expert.pk, application.pk)
            if pair in problem.conflicts or pair in kept_pairs:
                continue
            key = (reviewer_label[expert.pk], application_label[application.pk])
            real[key] = float(values[rows[expert.pk], cols[application.pk]])
            by_label[key] = pair
    if not apps:
        return Solution((), {}, 0.0, True, {}, 0.0)
    used = {by_label[key][0] for key in real}
    limit = max((problem.room[r] for r in used), default=1)
    placeholder = 2.0 + max((abs(v) for v in real.values()), default=0.0)
    augmented = dict(real)
    labels = [a.number for a in apps]
    for application in apps:  # reviews already kept there
        for j in range(k - problem.need[application.pk]):
            augmented[(f"~kept review {j + 1} of {application.number}", application.number)] = placeholder
    deficits = [(reviewer_label[r], limit - problem.room[r]) for r in sorted(used) if problem.room[r] < limit]
    position = 0
    for label, missing in deficits:  # places an expert lacks below the largest limit
        for j in range(missing):
            dummy = f"~load limit of {label}, place {j + 1}"
            labels.append(dummy)
            augmented[(label, dummy)] = placeholder
            for f in range(k - 1):
                augmented[(f"~placeholder {position // limit + 1}.{f + 1}", dummy)] = placeholder
            position += 1
    reduced = len(augmented) > len(real)
    if not greedy and reduced:
        _check_real_feasibility(problem, apps, real, by_label)
    solver = greedy_assignment if greedy else assign_reviewers
    try:
        result = solver(augmented, per_application=k, max_load=limit, applications=labels)
    except InfeasibleAssignment as error:
        raise ValidationError(_hall_message(error) if reduced else str(error), code="infeasible") from error
    chosen = tuple(by_label[(r, a)] for a, r in result.pairs if (r, a) in by_label)
    affinity = {pair: real[(reviewer_label[pair[0]], application_label[pair[1]])] for pair in chosen}
    number_to_id = {a.number: a.pk for a in apps}
    shortfall = {number_to_id[a]: n for a, n in result.shortfall.items() if a in number_to_id}
    return Solution(
        pairs=tuple(sorted(chosen)),
        affinity=affinity,
        total=math.fsum(affinity.values()),
        optimal=result.optimal,
        shortfall=shortfall,
        seconds=time.perf_counter() - started,
    )


def _check_real_feasibility(
    problem: _CallProblem, apps: list[Application], real: dict, by_label: dict
) -> None:
    """The library's counting checks in real terms (its own would count the placeholders)."""
    eligible = Counter(by_label[key][1] for key in real)
    short = [a for a in apps if eligible[a.pk] < problem.need[a.pk]]
    reasons = [
        _("application %(number)s needs %(need)s more reviewers but has %(have)s eligible reviewers without "
          "a conflict of interest") % {"number": a.number, "need": problem.need[a.pk], "have": eligible[a.pk]}
        for a in short[:5]
    ]  # fmt: skip
    needed = sum(problem.need[a.pk] for a in apps)
    capacity = sum(problem.room[r] for r in {by_label[key][0] for key in real})
    if needed > capacity:
        reasons.append(
            _("%(needed)s reviews are needed but the reviewers' load limits leave %(capacity)s places")
            % {"needed": needed, "capacity": capacity}
        )
    if reasons:
        raise ValidationError(
            _("No feasible assignment: %(reasons)s.") % {"reasons": "; ".join(reasons)}, code="infeasible"
        )


def _hall_message(error: InfeasibleAssignment) -> str:
    applications = [str(a) for a in error.applications if not str(a).startswith("~")]
    reviewers = [str(r) for r in error.reviewers if not str(r).startswith("~")]
    return _(
        "No feasible assignment: applications %(applications)s can only be reviewed by %(reviewers)s, "
        "whose load limits leave too few places."
    ) % {"applications": ", ".join(applications[:5]) or "—", "reviewers": ", ".join(reviewers[:5]) or "—"}


# ------------------------------------------------------------------------------------------------ runs


@dataclass(frozen=True)
class AssignmentRun:
    """What :func:`assign_reviewers_for_call` did."""

    applications: int
    created: int
    unchanged: int
    removed: int
    kept: int
    total_affinity: float
    greedy_total: float
    greedy_shortfall: int
    optimal: bool
    seconds: float

    @property
    def gain(self) -> float:
        return self.total_affinity - self.greedy_total


def assign_reviewers_for_call(*, actor: Any, call: Call) -> AssignmentRun:
    """Assign reviewers to the call's applications in expert review, exactly (see the module's doc),
    after detecting the conflicts of interest afresh from the registry. Raises ``ValidationError``
    (code ``infeasible``) with the reason when the rules cannot be met; then nothing changes."""
    require(actor, "call.manage", call)
    with transaction.atomic():
        Call.objects.select_for_update(of=("self",)).filter(pk=call.pk).first()
        detect_conflicts(call=call)  # the registry as it is today: no conflicted pair slips through
        problem = _call_problem(call)
        solution = _solve(problem)
        baseline = _solve(problem, greedy=True)
        chosen = set(solution.pairs)
        current = {(a.reviewer_id, a.application_id): a for a in problem.replaceable}
        doomed = [a for pair, a in current.items() if pair not in chosen]
        if doomed:
            record_bulk((a, "delete", _deleted_changes(a)) for a in doomed)
            Assignment.objects.filter(pk__in=[a.pk for a in doomed])._raw_delete(Assignment.objects.db)
        now = timezone.now()
        new = [
            Assignment(application_id=a, reviewer_id=r, affinity=round(solution.affinity[(r, a)], 6),
                       manual=False, assigned_at=now)
            for r, a in solution.pairs if (r, a) not in current
        ]  # fmt: skip
        if new:
            record_bulk((a, "create", _created_changes(a)) for a in Assignment.objects.bulk_create(new))
        in_review = {a.pk for a in problem.applications}
        kept_total = math.fsum(
            problem.matrix.of(a.reviewer_id, a.application_id) or 0.0
            for a in problem.kept
            if a.application_id in in_review
        )
    return AssignmentRun(
        applications=len(problem.applications),
        created=len(new),
        unchanged=len(chosen) - len(new),
        removed=len(doomed),
        kept=sum(1 for a in problem.kept if a.application_id in in_review),
        total_affinity=kept_total + solution.total,
        greedy_total=kept_total + baseline.total,
        greedy_shortfall=sum(baseline.shortfall.values()),
        optimal=solution.optimal,
        seconds=solution.seconds,
    )


# ----------------------------------------------------------------------------------- changes by hand


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Give the reason for the change; it is kept with the assignment.")}
        )
    return reason


def _check_candidate(call: Call, application: Application, reviewer: Any, *, field_name: str) -> None:
    if application.state != REVIEW_STATE:
        raise ValidationError(
            {"application": _("Application %(number)s is not in expert review; reviewers are assigned only "
                              "then.") % {"number": application.number}}
        )  # fmt: skip
    if reviewer.pk not in {e.pk for e in candidate_experts(call=call)}:
        raise ValidationError(
            {field_name: _("%(user)s is not an expert: give them an expert profile or the expert role first.")
             % {"user": _label(reviewer)}}
        )  # fmt: skip
    if Conflict.objects.filter(application=application, expert=reviewer).exists():
        raise ValidationError(
            {field_name: _("%(user)s has a conflict of interest with application %(number)s and cannot "
                           "review it.") % {"user": _label(reviewer), "number": application.number}}
        )  # fmt: skip
    if Assignment.objects.filter(application=application, reviewer=reviewer).exists():
        raise ValidationError(
            {field_name: _("%(user)s already reviews application %(number)s.")
             % {"user": _label(reviewer), "number": application.number}}
        )  # fmt: skip
    own = ExpertProfile.objects.filter(user_id=reviewer.pk).values_list("max_load", flat=True).first()
    limit = own or call.max_load
    load = Assignment.objects.filter(application__call=call, reviewer=reviewer).count()
    if load >= limit:
        raise ValidationError(
            {field_name: _("%(user)s already has %(load)s applications of this call; their limit is "
                           "%(limit)s.") % {"user": _label(reviewer), "load": load, "limit": limit}}
        )  # fmt: skip


def _affinity(call: Call, application: Application, reviewer: Any) -> float:
    matrix = affinity_matrix(call=call, experts=[reviewer], applications=[application])
    return round(float(matrix.affinity[0, 0]), 6)


def assignment_add(*, actor: Any, application: Application, reviewer: Any, reason: str) -> Assignment:
    """An officer asks ``reviewer`` to review ``application`` too, with the reason."""
    call = application.call
    require(actor, "call.manage", call)
    reason = _reason(reason)
    with transaction.atomic():
        _check_candidate(call, application, reviewer, field_name="reviewer")
        return Assignment.objects.create(
            application=application, reviewer=reviewer, affinity=_affinity(call, application, reviewer),
            manual=True, reason=reason,
        )  # fmt: skip


def assignment_remove(*, actor: Any, assignment: Assignment, reason: str) -> None:
    """An officer removes an assignment, with the reason (kept in the audit log). Its review, draft or
    submitted, goes with it."""
    require(actor, "call.manage", assignment.application.call)
    reason = _reason(reason)
    with transaction.atomic():
        assignment.manual = True
        assignment.reason = reason
        assignment.save(update_fields=["manual", "reason"])
        assignment.delete()


def assignment_swap(*, actor: Any, assignment: Assignment, reviewer: Any, reason: str) -> Assignment:
    """An officer gives an assignment without a submitted review to another expert, with the reason."""
    application = assignment.application
    call = application.call
    require(actor, "call.manage", call)
    reason = _reason(reason)
    review = getattr(assignment, "review", None)
    if review is not None and review.submitted_at is not None:
        raise ValidationError(
            {"assignment": _("%(user)s has submitted the review; remove the assignment instead if it "
                             "must go.") % {"user": _label(assignment.reviewer)}}
        )  # fmt: skip
    with transaction.atomic():
        _check_candidate(call, application, reviewer, field_name="new_reviewer")
        previous = _label(assignment.reviewer)
        assignment.manual = True
        assignment.reason = reason
        assignment.save(update_fields=["manual", "reason"])
        assignment.delete()
        return Assignment.objects.create(
            application=application, reviewer=reviewer, affinity=_affinity(call, application, reviewer),
            manual=True, reason=_("Instead of %(user)s: %(reason)s") % {"user": previous, "reason": reason},
        )  # fmt: skip


# ------------------------------------------------------------------------------------------- overview


@dataclass(frozen=True)
class AssignmentRow:
    assignment: Assignment
    affinity: float | None
    status: str  # "none", "draft", "submitted"
    conflicted: bool

    @property
    def affinity_text(self) -> str:
        """The affinity with three decimals in the reader's language."""
        return "—" if self.affinity is None else number_format(self.affinity, decimal_pos=3)


@dataclass(frozen=True)
class ApplicationAssignments:
    application: Application
    rows: tuple[AssignmentRow, ...]
    missing: int

    @property
    def span(self) -> int:
        """Table rows: one per reviewer, and one for the missing ones."""
        return len(self.rows) + (1 if self.missing else 0)


@dataclass(frozen=True)
class ReviewerLoad:
    user: Any
    load: int
    limit: int
    affinity: float


@dataclass(frozen=True)
class AssignmentOverview:
    applications: tuple[ApplicationAssignments, ...]
    loads: tuple[ReviewerLoad, ...]
    per_application: int
    total_affinity: float
    greedy_total: float
    greedy_shortfall: int
    infeasible: str
    assigned: int
    missing: int

    @property
    def gap(self) -> float:
        return self.total_affinity - self.greedy_total


def assignment_overview(*, call: Call) -> AssignmentOverview:
    """The assignment page's data: per application in expert review its reviewers with their (current)
    affinities and review status; per expert the load; the total affinity and, for comparison, what
    greedy-by-affinity would reach from the same kept assignments."""
    problem = _call_problem(call)
    in_review = {a.pk for a in problem.applications}
    by_application: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in (*problem.kept, *problem.replaceable):
        if assignment.application_id in in_review:
            by_application[assignment.application_id].append(assignment)
    k = call.reviewers_per_application
    applications = []
    for application in problem.applications:
        rows = []
        for assignment in sorted(by_application[application.pk], key=lambda a: _label(a.reviewer).lower()):
            review = getattr(assignment, "review", None)
            status = "none" if review is None else "submitted" if review.submitted_at else "draft"
            rows.append(AssignmentRow(
                assignment=assignment,
                affinity=problem.matrix.of(assignment.reviewer_id, application.pk),
                status=status,
                conflicted=(assignment.reviewer_id, application.pk) in problem.conflicts,
            ))  # fmt: skip
        applications.append(ApplicationAssignments(application, tuple(rows), max(0, k - len(rows))))
    loads_of: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in (*problem.kept, *problem.replaceable):
        loads_of[assignment.reviewer_id].append(assignment)
    reviewers = {a.reviewer_id: a.reviewer for a in (*problem.kept, *problem.replaceable)}
    reviewers.update({e.pk: e for e in problem.experts})  # with their profiles, for the limits
    limits = {e.pk: load_limit(call, e) for e in problem.experts}
    loads = tuple(
        ReviewerLoad(
            user=user,
            load=len(loads_of[pk]),
            limit=limits.get(pk, call.max_load),
            affinity=math.fsum(problem.matrix.of(pk, a.application_id) or 0.0 for a in loads_of[pk]),
        )
        for pk, user in sorted(reviewers.items(), key=lambda item: _label(item[1]).lower())
    )
    total = math.fsum(row.affinity or 0.0 for item in applications for row in item.rows)
    kept_total = math.fsum(
        problem.matrix.of(a.reviewer_id, a.application_id) or 0.0
        for a in problem.kept
        if a.application_id in in_review
    )
    infeasible = ""
    try:
        baseline = _solve(problem, greedy=True)
    except ValidationError as error:  # pragma: no cover - greedy does not raise for feasibility
        infeasible = " ".join(error.messages)
        baseline = Solution((), {}, 0.0, False, {}, 0.0)
    return AssignmentOverview(
        applications=tuple(applications),
        loads=loads,
        per_application=k,
        total_affinity=total,
        greedy_total=kept_total + baseline.total,
        greedy_shortfall=sum(baseline.shortfall.values()),
        infeasible=infeasible,
        assigned=sum(len(item.rows) for item in applications),
        missing=sum(item.missing for item in applications),
    )


def reviewers_for_choice(*, call: Call) -> Any:
    """The users an officer may pick from (the change form's choices): the experts, and whoever reviews
    one of the call's applications now."""
    from clusterworks.web.core.models import User

    experts = [e.pk for e in candidate_experts(call=call)]
    reviewing = Assignment.objects.filter(application__call=call).values_list("reviewer_id", flat=True)
    return User.objects.filter(Q(pk__in=experts) | Q(pk__in=reviewing)).order_by(
        "last_name", "first_name", "username"
    )


def applications_in_review(*, call: Call) -> Any:
    return Application.objects.filter(call=call, state=REVIEW_STATE).order_by("number")


def assignment_change(
    *, actor: Any, action: str, application: Application, reviewer: Any, new_reviewer: Any = None, reason: str
) -> Assignment | None:
    """An officer's change by hand: ``add`` ``reviewer`` to ``application``, ``remove`` them from it, or
    ``swap`` them for ``new_reviewer``; always with the reason."""
    if action == "add":
        return assignment_add(actor=actor, application=application, reviewer=reviewer, reason=reason)
    require(actor, "call.manage", application.call)
    assignment = Assignment.objects.filter(application=application, reviewer=reviewer).first()
    if assignment is None:
        raise ValidationError(
            {"reviewer": _("%(user)s is not assigned to application %(number)s.")
             % {"user": _label(reviewer), "number": application.number}}
        )  # fmt: skip
    if action == "remove":
        assignment_remove(actor=actor, assignment=assignment, reason=reason)
        return None
    if action == "swap":
        if new_reviewer is None:
            raise ValidationError({"new_reviewer": _("Choose who replaces the reviewer.")})
        return assignment_swap(actor=actor, assignment=assignment, reviewer=new_reviewer, reason=reason)
    raise ValidationError({"action": _("“%(action)s” is not a change; allowed: add, remove, swap.")
                           % {"action": action}})  # fmt: skip


__all__: Iterable[str] = (
    "AffinityMatrix",
    "AssignmentOverview",
    "AssignmentRun",
    "affinity_matrix",
    "assign_reviewers_for_call",
    "assignment_add",
    "assignment_change",
    "assignment_overview",
    "assignment_remove",
    "assignment_swap",
    "candidate_experts",
    "tfidf_similarity",
    "words",
)
