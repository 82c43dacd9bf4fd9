"""Expert review: a reviewer's rubric scores and comments (saved as a draft, then submitted), who reads
which review, the officers' progress and scores pages, and the applicant's feedback.

Rules:

* A reviewer writes while the application is in expert review (``review.write``); a draft may lack
  scores, a submission needs every criterion scored, each within its scale. A submitted review may be
  changed and submitted again as long as the application is in review; it does not go back to a draft.
* Fellow reviewers read each other's reviews by the call's rule (``Call.reviews_visible``, checked by
  ``review.read``), anonymised as "Reviewer 1, 2, ..." numbered in the order of assignment, the same
  numbers for every reader; programme officers see the names. Applicants never learn who reviewed
  them: the feedback shows the comments for the applicant and the mean score per criterion once the
  commission has decided (``application.feedback``).
* The call has no deadline for reviews (there is no such field), so a review counts as *late* when it is
  not submitted and its application has left expert review.
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clusterworks.analytics.review import FEW_REVIEWS, OUTLIER, RANGE
from clusterworks.web.core.permissions import check, require

from ..models import Application, Assignment, Call, Criterion, Review, Score
from .scores import call_aggregation

REVIEW_STATE = "review"


# --------------------------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class ScoreInput:
    value: Any  # a number, a numeric string, or None / "" for "not scored yet"
    comment: str = ""


def _criterion_name(criterion: Criterion) -> str:
    return str(criterion)


def _number(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return Decimal("NaN")
    return number


def _scale(criterion: Criterion) -> dict[str, Any]:
    return {"criterion": _criterion_name(criterion), "low": criterion.scale_min, "high": criterion.scale_max}


def review_save(
    *,
    actor: Any,
    assignment: Assignment,
    scores: Mapping[str, ScoreInput],
    comment_for_applicant: str = "",
    comment_for_commission: str = "",
    submit: bool = False,
) -> Review:
    """Save the reviewer's scores (by criterion key) and comments; ``submit`` submits (or resubmits).

    Raises ``ValidationError`` keyed ``score_<criterion key>`` for every score outside its scale, and on
    submission for every criterion left unscored, naming the criterion and the allowed range; nothing is
    saved then."""
    require(actor, "review.write", assignment)
    criteria = list(
        Criterion.objects.filter(call_id=assignment.application.call_id).order_by("position", "key")
    )
    known = {c.key for c in criteria}
    errors: dict[str, list[str]] = defaultdict(list)
    for key in scores:
        if key not in known:
            errors["__all__"].append(
                _("“%(key)s” is not a criterion of this call; allowed: %(allowed)s.")
                % {"key": key, "allowed": ", ".join(sorted(known))}
            )
    values: dict[int, tuple[Decimal | None, str]] = {}
    for criterion in criteria:
        given = scores.get(criterion.key, ScoreInput(None))
        value = _number(given.value)
        field_name = f"score_{criterion.key}"
        if value is not None and (
            value.is_nan()
            or not criterion.scale_min <= value <= criterion.scale_max
            or value != round(value, 2)
        ):
            errors[field_name].append(
                _("%(criterion)s: “%(value)s” is not a score on its scale; allowed: %(low)s to %(high)s.")
                % {**_scale(criterion), "value": given.value}
            )
        elif value is None and submit:
            errors[field_name].append(
                _("%(criterion)s: a score is needed to submit the review; allowed: %(low)s to %(high)s.")
                % _scale(criterion)
            )
        values[criterion.pk] = (value, (given.comment or "").strip())
    existing = Review.objects.filter(assignment=assignment).first()
    if existing is not None and existing.submitted_at is not None and not submit:
        errors["__all__"].append(
            _("The review is submitted; change it and submit it again (it cannot go back to a draft).")
        )
    if errors:
        raise ValidationError(dict(errors))
    with transaction.atomic():
        review = existing or Review(assignment=assignment)
        review.comment_for_applicant = (comment_for_applicant or "").strip()
        review.comment_for_commission = (comment_for_commission or "").strip()
        if submit:
            review.submitted_at = timezone.now()
        review.save()
        current = {s.criterion_id: s for s in review.scores.all()}
        for criterion_id, (value, comment) in values.items():
            score = current.get(criterion_id)
            if value is None:
                if score is not None:
                    score.delete()
                continue
            if score is None:
                Score.objects.create(review=review, criterion_id=criterion_id, value=value, comment=comment)
            elif score.value != value or score.comment != comment:
                score.value, score.comment = value, comment
                score.save(update_fields=["value", "comment"])
    return review


# --------------------------------------------------------------------------------------------- reading


def review_status(review: Review | None) -> str:
    """``not_started``, ``draft`` or ``submitted``."""
    if review is None:
        return "not_started"
    return "submitted" if review.submitted_at else "draft"


@dataclass(frozen=True)
class MyReview:
    assignment: Assignment
    status: str
    conflicted: bool
    writable: bool


def reviews_of(*, user: Any) -> list[MyReview]:
    """The user's assignments in every call, newest call first, with the status of their review; those
    where they now have a conflict of interest are marked (and never linked)."""
    from ..models import Conflict

    assignments = list(
        Assignment.objects.filter(reviewer=user)
        .select_related("application__call", "application__cluster", "review")
        .order_by("-application__call__year", "application__call__key", "application__number")
    )
    conflicted = set(
        Conflict.objects.filter(expert=user, application__in=[a.application_id for a in assignments])
        .values_list("application_id", flat=True)
    )  # fmt: skip
    rows = []
    for assignment in assignments:
        status = review_status(getattr(assignment, "review", None))
        in_review = assignment.application.state == REVIEW_STATE
        if status != "submitted" and not in_review:
            status = "late"
        is_conflicted = assignment.application_id in conflicted
        rows.append(MyReview(assignment, "conflict" if is_conflicted else status, is_conflicted,
                             in_review and not is_conflicted))  # fmt: skip
    return rows


@dataclass(frozen=True)
class ReadableReview:
    """A review as one reader sees it: ``label`` is the reviewer's name (officers), "Reviewer n" or
    "Your review"; ``scores`` pairs each criterion with its score (or None)."""

    label: str
    review: Review
    scores: tuple[tuple[Criterion, Score | None], ...]
    own: bool
    named: bool


def anonymous_labels(application: Application) -> dict[int, int]:
    """{assignment id: n} numbering the application's reviewers 1, 2, ... in the order of assignment."""
    ids = Assignment.objects.filter(application=application).order_by("assigned_at", "pk")
    return {pk: n for n, pk in enumerate(ids.values_list("pk", flat=True), start=1)}


def readable_reviews(
    *, user: Any, application: Application, include_own: bool = True
) -> list[ReadableReview]:
    """The reviews of ``application`` that ``user`` may read (``review.read``), each labelled for them."""
    criteria = list(Criterion.objects.filter(call_id=application.call_id).order_by("position", "key"))
    reviews = list(
        Review.objects.filter(assignment__application=application)
        .select_related("assignment__reviewer", "assignment__application__call__programme")
        .prefetch_related("scores")
        .order_by("assignment__assigned_at", "assignment__pk")
    )
    named = bool(check(user, "call.manage", application.call))
    numbers = anonymous_labels(application)
    readable = []
    for review in reviews:
        own = review.assignment.reviewer_id == getattr(user, "pk", None)
        if own and not include_own:
            continue
        if not check(user, "review.read", review):
            continue
        reviewer = review.assignment.reviewer
        if named:
            label = reviewer.get_full_name() or reviewer.get_username()
        elif own:
            label = _("Your review (Reviewer %(number)s)") % {"number": numbers[review.assignment_id]}
        else:
            label = _("Reviewer %(number)s") % {"number": numbers[review.assignment_id]}
        by_criterion = {s.criterion_id: s for s in review.scores.all()}
        readable.append(ReadableReview(
            label=label, review=review, scores=tuple((c, by_criterion.get(c.pk)) for c in criteria),
            own=own, named=named,
        ))  # fmt: skip
    return readable


# ----------------------------------------------------------------------------------------- progress


@dataclass(frozen=True)
class ApplicationProgress:
    application: Application
    assigned: int
    submitted: int
    drafts: int
    late: int


@dataclass(frozen=True)
class ReviewerProgress:
    user: Any
    assigned: int
    submitted: int
    drafts: int
    late: int


@dataclass(frozen=True)
class Progress:
    applications: tuple[ApplicationProgress, ...]
    reviewers: tuple[ReviewerProgress, ...]
    assigned: int
    submitted: int
    drafts: int
    late: int

    @property
    def share_submitted(self) -> float:
        return self.submitted / self.assigned if self.assigned else 0.0


def review_progress(*, call: Call) -> Progress:
    """Assigned, submitted, draft and late reviews per application and per reviewer (two queries)."""
    rows = list(
        Assignment.objects.filter(application__call=call).values_list(
            "application_id", "reviewer_id", "application__state", "review__submitted_at", "review__pk"
        )
    )  # fmt: skip
    per_application: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    per_reviewer: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for application_id, reviewer_id, state, submitted_at, review_pk in rows:
        counts = (
            1,
            1 if submitted_at else 0,
            1 if review_pk and not submitted_at else 0,
            1 if not submitted_at and state != REVIEW_STATE else 0,
        )
        for target in (per_application[application_id], per_reviewer[reviewer_id]):
            for i, n in enumerate(counts):
                target[i] += n
    from clusterworks.web.core.models import User

    applications = list(
        Application.objects.filter(pk__in=per_application).select_related("cluster").order_by("number")
    ) + list(
        Application.objects.filter(call=call, state=REVIEW_STATE)
        .exclude(pk__in=per_application)
        .order_by("number")
    )
    users = {u.pk: u for u in User.objects.filter(pk__in=per_reviewer)}
    total = [sum(c[i] for c in per_application.values()) for i in range(4)]
    return Progress(
        applications=tuple(ApplicationProgress(a, *per_application[a.pk]) for a in applications),
        reviewers=tuple(
            ReviewerProgress(users[pk], *per_reviewer[pk])
            for pk in sorted(
                per_reviewer, key=lambda pk: (users[pk].get_full_name() or users[pk].username).lower()
            )
        ),
        assigned=total[0],
        submitted=total[1],
        drafts=total[2],
        late=total[3],
    )


# -------------------------------------------------------------------------------------------- scores


@dataclass(frozen=True)
class ScoreRow:
    application: Application
    reviews: int
    raw: float
    z: float
    robust: float
    rank_raw: int
    rank_z: int
    rank_robust: int
    flags: tuple[str, ...]


@dataclass(frozen=True)
class LeniencyRow:
    user: Any
    reviews: int
    mean: float
    leniency: float


@dataclass(frozen=True)
class ScoresTable:
    rows: tuple[ScoreRow, ...]
    reviewers: tuple[LeniencyRow, ...]
    converged: bool


def _one(value: float) -> str:
    return number_format(round(value, 1), decimal_pos=1)


def flag_text(flag: Any, mine: Mapping[int, float], names: Mapping[int, str]) -> str:
    """A disagreement flag in the reader's language, naming the reviewers (for the officers); ``mine``
    holds the application's review totals by reviewer."""
    if flag.kind == FEW_REVIEWS:
        return ngettext(
            "Only %(count)d review is submitted: too few to judge whether the reviewers agree.",
            "Only %(count)d reviews are submitted: too few to judge whether the reviewers agree.",
            len(mine),
        ) % {"count": len(mine)}
    if flag.kind == RANGE and mine:
        low = min(mine, key=lambda r: (mine[r], r))
        high = max(mine, key=lambda r: (mine[r], -r))
        return _(
            "The totals range from %(low)s (%(low_reviewer)s) to %(high)s (%(high_reviewer)s): "
            "%(spread)s points apart."
        ) % {
            "low": _one(mine[low]), "low_reviewer": names.get(low, low),
            "high": _one(mine[high]), "high_reviewer": names.get(high, high),
            "spread": _one(mine[high] - mine[low]),
        }  # fmt: skip
    if flag.kind == OUTLIER and flag.reviewer in mine and len(mine) > 1:
        others = [t for r, t in mine.items() if r != flag.reviewer]
        mean = math.fsum(others) / len(others)
        total = mine[flag.reviewer]
        message = (
            _("%(reviewer)s's total %(total)s is %(gap)s points above the others' mean %(mean)s.")
            if total > mean
            else _("%(reviewer)s's total %(total)s is %(gap)s points below the others' mean %(mean)s.")
        )
        return message % {
            "reviewer": names.get(flag.reviewer, flag.reviewer), "total": _one(total),
            "gap": _one(abs(total - mean)), "mean": _one(mean),
        }  # fmt: skip
    return flag.text  # pragma: no cover - a kind the library adds later


def scores_table(*, call: Call) -> ScoresTable | None:
    """The call's scores from its submitted reviews (``services.scores.call_aggregation``): per
    application raw, z and robust scores with ranks and the disagreement flags in words, per reviewer the
    leniency; None when no review is submitted yet."""
    aggregation = call_aggregation(call=call)
    if aggregation is None:
        return None
    applications = Application.objects.select_related("cluster").in_bulk(
        [s.application for s in aggregation.applications]
    )
    users = {u.pk: u for u in _users(r.reviewer for r in aggregation.reviewers)}
    names = {pk: u.get_full_name() or u.get_username() for pk, u in users.items()}
    totals_of: dict[int, dict[int, float]] = defaultdict(dict)
    for (application_id, reviewer_id), total in aggregation.totals.items():
        totals_of[application_id][reviewer_id] = total
    rows = [
        ScoreRow(
            application=applications[s.application], reviews=s.reviews, raw=s.raw, z=s.z, robust=s.robust,
            rank_raw=s.rank_raw, rank_z=s.rank_z, rank_robust=s.rank_robust,
            flags=tuple(flag_text(f, totals_of[s.application], names) for f in s.flags),
        )
        for s in aggregation.applications
    ]  # fmt: skip
    rows.sort(key=lambda r: (r.rank_robust, r.application.number))
    reviewers = sorted(
        (LeniencyRow(users[r.reviewer], r.reviews, r.mean, r.leniency) for r in aggregation.reviewers),
        key=lambda row: -row.leniency,
    )
    return ScoresTable(tuple(rows), tuple(reviewers), aggregation.robust_converged)


def _users(ids: Iterable[int]) -> list[Any]:
    from clusterworks.web.core.models import User

    return list(User.objects.filter(pk__in=list(ids)))


def scores_csv(table: ScoresTable | None) -> str:
    """The scores page as CSV (numbers with a dot, flags joined by " | ")."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["application", "title", "cluster", "reviews", "raw", "z", "robust", "rank_raw",
                     "rank_z", "rank_robust", "flags"])  # fmt: skip
    for row in table.rows if table else ():
        writer.writerow([
            row.application.number, row.application.title, row.application.cluster.key, row.reviews,
            f"{row.raw:.2f}", f"{row.z:.3f}", f"{row.robust:.2f}", row.rank_raw, row.rank_z,
            row.rank_robust, " | ".join(row.flags),
        ])  # fmt: skip
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------- feedback


@dataclass(frozen=True)
class CriterionMean:
    criterion: Criterion
    mean: float | None
    reviews: int


@dataclass(frozen=True)
class Feedback:
    comments: tuple[tuple[str, str], ...]  # (Reviewer n, comment)
    criteria: tuple[CriterionMean, ...]
    reviews: int


def application_feedback(*, application: Application) -> Feedback:
    """What the applicants read once the commission has decided: the submitted reviews' comments for the
    applicant, anonymised, and the mean score per criterion. Never who reviewed."""
    numbers = anonymous_labels(application)
    reviews = list(
        Review.objects.filter(assignment__application=application, submitted_at__isnull=False)
        .order_by("assignment__assigned_at", "assignment__pk")
    )  # fmt: skip
    comments = tuple(
        (_("Reviewer %(number)s") % {"number": numbers[r.assignment_id]}, r.comment_for_applicant)
        for r in reviews
        if r.comment_for_applicant.strip()
    )
    values: dict[int, list[Decimal]] = defaultdict(list)
    for criterion_id, value in Score.objects.filter(review__in=reviews).values_list("criterion_id", "value"):
        values[criterion_id].append(value)
    criteria = tuple(
        CriterionMean(
            c, float(sum(values[c.pk]) / len(values[c.pk])) if values[c.pk] else None, len(values[c.pk])
        )
        for c in Criterion.objects.filter(call_id=application.call_id).order_by("position", "key")
    )
    return Feedback(comments, criteria, len(reviews))


# ------------------------------------------------------------------------------ the application, read only


@dataclass(frozen=True)
class BudgetLine:
    line: Any
    federal: Decimal
    regional: Decimal
    own: Decimal

    @property
    def total(self) -> Decimal:
        return self.federal + self.regional + self.own


@dataclass(frozen=True)
class ApplicationContent:
    """What a reviewer reads: the form's answers (question, answer), the co-applicants, the budget's
    totals by expenditure line and the attachments."""

    answers: tuple[tuple[Any, Any], ...]
    co_applicants: tuple[Any, ...]
    budget: tuple[BudgetLine, ...]
    total: BudgetLine | None
    attachments: tuple[Any, ...]


def application_content(*, application: Application) -> ApplicationContent:
    from django.db.models import Sum

    from ..models import Attachment, BudgetItem, CoApplicant, ExpenditureLine, FormQuestion

    questions = list(FormQuestion.objects.filter(call_id=application.call_id).order_by("position", "key"))
    answers = application.answers or {}
    known = {q.key for q in questions}
    rows = [(q, answers.get(q.key)) for q in questions]
    rows += [(key, value) for key, value in answers.items() if key not in known]
    sums = {
        row["line_id"]: row
        for row in BudgetItem.objects.filter(application=application)
        .values("line_id")
        .annotate(federal=Sum("federal"), regional=Sum("regional"), own=Sum("own"))
    }
    zero = Decimal("0.00")
    lines = [
        BudgetLine(line, sums[line.pk]["federal"] or zero, sums[line.pk]["regional"] or zero,
                   sums[line.pk]["own"] or zero)
        for line in ExpenditureLine.objects.filter(pk__in=sums).order_by("position", "key")
    ]  # fmt: skip
    total = (
        BudgetLine(
            None,
            sum((b.federal for b in lines), zero),
            sum((b.regional for b in lines), zero),
            sum((b.own for b in lines), zero),
        )
        if lines
        else None
    )
    co_applicants = tuple(
        CoApplicant.objects.filter(application=application).select_related("organisation").order_by("pk")
    )
    attachments = tuple(Attachment.objects.filter(application=application).order_by("uploaded_at", "pk"))
    return ApplicationContent(tuple(rows), co_applicants, tuple(lines), total, attachments)
