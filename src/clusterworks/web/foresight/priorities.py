"""Development priorities: services that change a priority exercise, and the selectors that score and rank it.

A priority exercise ranks its *candidates* on weighted *criteria*. A criterion takes its scores from one
of three sources (``Criterion.source``):

* ``manual`` -- the :class:`~.models.Score` rows entered in the grid;
* ``delphi`` -- the median of the answers to the criterion's question in the last closed round that
  asked it, for the item whose key is the candidate's key (the second scale of a two-scale rating when
  ``dimension`` is 2); the scale is the question's;
* ``capability`` -- the share of the candidate's needed competences held by the current members of the
  exercise's cluster (memberships not ended; :class:`~clusterworks.web.registry.models.Organisation`
  competences, matched by code), on the scale 0..1.

:func:`exercise_scores` gathers the table and says which scores are missing and why; :func:`exercise_analysis`
ranks the candidates whose scores are complete with :mod:`clusterworks.analytics.priorities` and adds the
weight stability, the rank paths and the rank acceptability. Every service checks the permission, validates
and writes in one transaction; the audit log records the change (see ``core.audit``).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clusterworks.analytics import priorities as analytics
from clusterworks.analytics.delphi import item_statistics
from clusterworks.web.core.permissions import require
from clusterworks.web.registry.models import Cluster, Competence, Organisation

from .models import (
    Answer,
    Candidate,
    Criterion,
    CriterionSource,
    Item,
    PriorityExercise,
    Question,
    QuestionKind,
    Round,
    RoundStatus,
    Score,
)

EXERCISE_FIELDS = ("key", "title_en", "title_ru", "survey", "top")
CRITERION_FIELDS = (
    "key", "title_en", "title_ru", "position", "weight", "direction", "source", "question", "dimension",
    "low", "high",
)  # fmt: skip
CANDIDATE_FIELDS = ("key", "title_en", "title_ru")

#: the normalisation of every ranking: over the candidates compared (see analytics.priorities)
NORMALISATION = "minmax"
#: weight samples of the rank acceptability, and its fixed seed (the page shows the same numbers each time)
ACCEPTABILITY_SAMPLES = 4000
ACCEPTABILITY_SEED = 7
#: steps of a rank path (weights 0, 0.05, ..., 1)
PATH_STEPS = 21


def _assign(instance: Any, data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}; allowed: {sorted(allowed)}")
    for name, value in data.items():
        setattr(instance, name, value)


def _need_title(instance: Any) -> None:
    if not (instance.title_en or "").strip() and not (instance.title_ru or "").strip():
        raise ValidationError({"title_en": _("Give a title in English, in Russian or both.")})


# ------------------------------------------------------------------------------------------- exercises


def _check_exercise(exercise: PriorityExercise) -> None:
    _need_title(exercise)
    if exercise.top is None or exercise.top < 1:
        raise ValidationError({"top": _("At least one candidate becomes a priority.")})
    if exercise.survey_id is not None and exercise.survey.cluster_id != exercise.cluster_id:
        raise ValidationError({"survey": _("The Delphi survey must be one of the same cluster.")})
    exercise.full_clean()


@transaction.atomic
def exercise_create(*, actor: Any, cluster: Cluster, data: Mapping[str, Any]) -> PriorityExercise:
    """Start a priority exercise for ``cluster`` (its managers only)."""
    require(actor, "foresight.create", cluster)
    exercise = PriorityExercise(cluster=cluster)
    _assign(exercise, data, EXERCISE_FIELDS)
    _check_exercise(exercise)
    exercise.save()
    return exercise


@transaction.atomic
def exercise_update(*, actor: Any, exercise: PriorityExercise, data: Mapping[str, Any]) -> PriorityExercise:
    require(actor, "priorities.manage", exercise)
    if "key" in data and data["key"] != exercise.key:
        raise ValueError("an exercise's key is its stable identifier and cannot change")
    _assign(exercise, data, EXERCISE_FIELDS)
    _check_exercise(exercise)
    exercise.save()
    if exercise.survey_id is None:
        # Delphi criteria cannot keep a question of a survey the exercise no longer uses
        for criterion in exercise.criteria.filter(question__isnull=False):
            criterion.question = None
            criterion.save()
    else:
        for criterion in exercise.criteria.exclude(question__isnull=True).exclude(
            question__survey_id=exercise.survey_id
        ):
            criterion.question = None
            criterion.save()
    return exercise


@transaction.atomic
def exercise_delete(*, actor: Any, exercise: PriorityExercise) -> None:
    require(actor, "priorities.manage", exercise)
    exercise.delete()


@transaction.atomic
def exercise_weights_set(
    *, actor: Any, exercise: PriorityExercise, weights: Mapping[str, float]
) -> list[Criterion]:
    """Save the weights of the exercise's criteria (criterion key -> weight, at least 0, one positive)."""
    require(actor, "priorities.manage", exercise)
    criteria = {criterion.key: criterion for criterion in exercise.criteria.all()}
    unknown = set(weights) - set(criteria)
    if unknown:
        raise ValidationError(
            _("Unknown criteria: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}, code="unknown"
        )
    merged = {key: float(weights.get(key, criterion.weight)) for key, criterion in criteria.items()}
    negative = sorted(key for key, weight in merged.items() if weight < 0)
    if negative:
        raise ValidationError(
            _("A weight cannot be negative (%(keys)s).") % {"keys": ", ".join(negative)}, code="negative"
        )
    if criteria and not any(weight > 0 for weight in merged.values()):
        raise ValidationError(_("At least one weight must be above 0."), code="all_zero")
    for key, criterion in criteria.items():
        if criterion.weight != merged[key]:
            criterion.weight = merged[key]
            criterion.save()
    return list(criteria.values())


# -------------------------------------------------------------------------------------------- criteria


def _check_criterion(criterion: Criterion) -> None:
    _need_title(criterion)
    exercise = criterion.exercise
    if criterion.weight is None or criterion.weight < 0:
        raise ValidationError({"weight": _("A weight is a number of at least 0.")})
    if (criterion.low is None) != (criterion.high is None):
        raise ValidationError({"high": _("Give both ends of the scale, or neither.")})
    if criterion.low is not None and not criterion.low < criterion.high:
        raise ValidationError({"high": _("The scale maximum must be above its minimum.")})
    if criterion.source == CriterionSource.DELPHI:
        question = criterion.question
        if question is None:
            raise ValidationError({"question": _("Choose the Delphi question the scores come from.")})
        if exercise.survey_id is None or question.survey_id != exercise.survey_id:
            raise ValidationError(
                {"question": _("The question must belong to the exercise's Delphi survey.")}
            )
        if not question.numeric:
            raise ValidationError(
                {"question": _("A %(kind)s question has no numbers to take a median of.")
                 % {"kind": question.get_kind_display().lower()}}
            )  # fmt: skip
        if criterion.dimension == 2 and question.kind != QuestionKind.RATING2:
            raise ValidationError({"dimension": _("Only a rating on two scales has a second scale.")})
        if question.scale_min is not None and question.scale_max is not None:
            criterion.low, criterion.high = question.scale_min, question.scale_max
    else:
        criterion.question = None
        criterion.dimension = 1
        if criterion.source == CriterionSource.CAPABILITY:
            criterion.low, criterion.high = 0.0, 1.0
    criterion.full_clean()


@transaction.atomic
def criterion_create(*, actor: Any, exercise: PriorityExercise, data: Mapping[str, Any]) -> Criterion:
    """Add a criterion. A Delphi criterion takes the scale of its question; a capability one is 0..1."""
    require(actor, "priorities.manage", exercise)
    criterion = Criterion(exercise=exercise)
    _assign(criterion, data, CRITERION_FIELDS)
    _check_criterion(criterion)
    criterion.save()
    return criterion


@transaction.atomic
def criterion_update(*, actor: Any, criterion: Criterion, data: Mapping[str, Any]) -> Criterion:
    require(actor, "priorities.manage", criterion.exercise)
    if "key" in data and data["key"] != criterion.key:
        raise ValueError("a criterion's key is its stable identifier and cannot change")
    _assign(criterion, data, CRITERION_FIELDS)
    _check_criterion(criterion)
    if criterion.source == CriterionSource.MANUAL and criterion.low is not None:
        outside = criterion.scores.exclude(value__gte=criterion.low, value__lte=criterion.high).count()
        if outside:
            raise ValidationError(
                {"high": _("%(count)d of the scores entered lie outside this scale; change them first.")
                 % {"count": outside}}
            )  # fmt: skip
    criterion.save()
    if criterion.source != CriterionSource.MANUAL:
        for score in criterion.scores.all():  # scores typed by hand no longer apply
            score.delete()
    return criterion


@transaction.atomic
def criterion_delete(*, actor: Any, criterion: Criterion) -> None:
    require(actor, "priorities.manage", criterion.exercise)
    criterion.delete()


# ------------------------------------------------------------------------------------------ candidates


@transaction.atomic
def candidate_create(
    *,
    actor: Any,
    exercise: PriorityExercise,
    data: Mapping[str, Any],
    competences: Iterable[Competence] = (),
) -> Candidate:
    """Add a candidate priority with the competences it needs (from the registry's vocabulary)."""
    require(actor, "priorities.manage", exercise)
    candidate = Candidate(exercise=exercise)
    _assign(candidate, data, CANDIDATE_FIELDS)
    _need_title(candidate)
    candidate.full_clean()
    candidate.save()
    candidate.competences.set(list(competences))
    return candidate


@transaction.atomic
def candidate_update(
    *,
    actor: Any,
    candidate: Candidate,
    data: Mapping[str, Any],
    competences: Iterable[Competence] | None = None,
) -> Candidate:
    require(actor, "priorities.manage", candidate.exercise)
    if "key" in data and data["key"] != candidate.key:
        raise ValueError("a candidate's key matches Delphi items and cannot change")
    _assign(candidate, data, CANDIDATE_FIELDS)
    _need_title(candidate)
    candidate.full_clean()
    candidate.save()
    if competences is not None:
        candidate.competences.set(list(competences))
    return candidate


@transaction.atomic
def candidate_delete(*, actor: Any, candidate: Candidate) -> None:
    require(actor, "priorities.manage", candidate.exercise)
    candidate.delete()


# -------------------------------------------------------------------------------------- manual scores


def _check_score(candidate: Candidate, criterion: Criterion, value: float) -> None:
    if candidate.exercise_id != criterion.exercise_id:
        raise ValueError("the candidate and the criterion belong to different exercises")
    if criterion.source != CriterionSource.MANUAL:
        raise ValidationError(
            _("%(criterion)s takes its scores from its source (%(source)s), not by hand.")
            % {"criterion": criterion, "source": criterion.get_source_display()},
            code="not_manual",
        )
    if criterion.low is not None and not criterion.low <= value <= criterion.high:
        raise ValidationError(
            _("The score of %(candidate)s on %(criterion)s must lie within %(low)g..%(high)g.")
            % {"candidate": candidate, "criterion": criterion, "low": criterion.low, "high": criterion.high},
            code="outside_scale",
        )


@transaction.atomic
def score_set(*, actor: Any, candidate: Candidate, criterion: Criterion, value: float | None) -> Score | None:
    """Enter (or, with ``value`` None, clear) the score of a candidate on a manual criterion."""
    require(actor, "priorities.manage", candidate.exercise)
    existing = Score.objects.filter(candidate=candidate, criterion=criterion).first()
    if value is None:
        if existing is not None:
            existing.delete()
        return None
    _check_score(candidate, criterion, value)
    score = existing or Score(candidate=candidate, criterion=criterion)
    if score.pk is None or score.value != value:
        score.value = value
        score.full_clean()
        score.save()
    return score


@transaction.atomic
def scores_set(
    *, actor: Any, exercise: PriorityExercise, values: Mapping[tuple[str, str], float | None]
) -> int:
    """Save a grid of manual scores at once: (candidate key, criterion key) -> value (None clears).

    Every problem is reported together (one ValidationError); nothing is saved then. Returns the number
    of scores set or cleared.
    """
    require(actor, "priorities.manage", exercise)
    candidates = {c.key: c for c in exercise.candidates.all()}
    criteria = {c.key: c for c in exercise.criteria.all()}
    problems: list[ValidationError] = []
    for (candidate_key, criterion_key), value in values.items():
        if candidate_key not in candidates or criterion_key not in criteria:
            raise ValueError(f"unknown candidate or criterion {(candidate_key, criterion_key)!r}")
        if value is not None:
            try:
                _check_score(candidates[candidate_key], criteria[criterion_key], value)
            except ValidationError as error:
                problems.append(error)
    if problems:
        raise ValidationError(problems)
    for (candidate_key, criterion_key), value in values.items():
        score_set(
            actor=actor, candidate=candidates[candidate_key], criterion=criteria[criterion_key], value=value
        )
    return len(values)


# ------------------------------------------------------------------------------------ the score table


@dataclass(frozen=True)
class MissingScore:
    """A score the table lacks: the candidate's and the criterion's keys, and why (translated)."""

    candidate: str
    criterion: str
    reason: str


@dataclass
class ScoreTable:
    """The scores of an exercise, by candidate key and criterion key, and what is missing.

    ``values[candidate][criterion]`` is a known score; ``missing`` lists the others with the reason;
    ``scales[criterion]`` is the scale (low, high) the scores lie on, or None; ``sources`` says, for a
    Delphi criterion, which round the medians come from.
    """

    candidates: list[Candidate]
    criteria: list[Criterion]
    values: dict[str, dict[str, float]]
    missing: list[MissingScore]
    scales: dict[str, tuple[float, float] | None]
    sources: dict[str, str] = field(default_factory=dict)

    def complete(self) -> list[Candidate]:
        """The candidates with a score on every criterion, in the order of ``candidates``."""
        keys = [criterion.key for criterion in self.criteria]
        return [c for c in self.candidates if all(k in self.values.get(c.key, {}) for k in keys)]

    def incomplete(self) -> list[tuple[Candidate, list[MissingScore]]]:
        by_candidate: dict[str, list[MissingScore]] = {}
        for missing in self.missing:
            by_candidate.setdefault(missing.candidate, []).append(missing)
        return [(c, by_candidate[c.key]) for c in self.candidates if c.key in by_candidate]

    def missing_for(self, candidate: str, criterion: str) -> MissingScore | None:
        return next((m for m in self.missing if m.candidate == candidate and m.criterion == criterion), None)

    def analytics_criteria(self, weights: Mapping[str, float] | None = None) -> list[analytics.Criterion]:
        """The criteria as the analytics library takes them, with ``weights`` in place of the saved ones."""
        result = []
        for criterion in self.criteria:
            scale = self.scales.get(criterion.key)
            weight = criterion.weight if weights is None else weights.get(criterion.key, criterion.weight)
            result.append(
                analytics.Criterion(
                    criterion.key,
                    weight,
                    direction=criterion.direction,
                    low=scale[0] if scale else None,
                    high=scale[1] if scale else None,
                )
            )
        return result

    def scores_of(self, candidates: Iterable[Candidate]) -> dict[str, dict[str, float]]:
        return {c.key: dict(self.values[c.key]) for c in candidates}


def last_closed_round(question: Question) -> Round | None:
    """The last closed round of the question's survey that asked the question."""
    rounds = Round.objects.filter(survey_id=question.survey_id, status=RoundStatus.CLOSED).order_by("-number")
    return next((r for r in rounds if question.asked_in(r.number)), None)


def delphi_medians(*, question: Question, dimension: int = 1) -> tuple[Round | None, dict[str, float]]:
    """The median answer per item key in the last closed round that asked ``question`` (submitted
    answers only; the second scale of a two-scale rating when ``dimension`` is 2)."""
    round_ = last_closed_round(question)
    if round_ is None:
        return None, {}
    column = "value2" if dimension == 2 else "value"
    answers: dict[str, list[float]] = {}
    rows = Answer.objects.filter(
        submission__round=round_,
        submission__submitted_at__isnull=False,
        item__question=question,
        **{f"{column}__isnull": False},
    ).values_list("item__key", column)
    for key, value in rows:
        answers.setdefault(key, []).append(value)
    return round_, {key: item_statistics(values).median for key, values in answers.items()}


def cluster_competence_holders(cluster: Cluster) -> dict[str, set[str]]:
    """Competence code -> keys of the cluster's current members (membership not ended) holding it."""
    holders: dict[str, set[str]] = {}
    rows = Organisation.competences.through.objects.filter(
        organisation__memberships__cluster=cluster, organisation__memberships__left__isnull=True
    ).values_list("competence__code", "organisation__key")
    for code, key in rows:
        holders.setdefault(code, set()).add(key)
    return holders


def _delphi_column(criterion: Criterion, candidates: list[Candidate], table: ScoreTable) -> None:
    question = criterion.question
    if question is None:
        for c in candidates:
            table.missing.append(
                MissingScore(c.key, criterion.key, _("the criterion has no Delphi question"))
            )
        return
    round_, medians = delphi_medians(question=question, dimension=criterion.dimension)
    if round_ is None:
        reason = _("no closed round of question %(question)s yet") % {"question": question.key}
        for c in candidates:
            table.missing.append(MissingScore(c.key, criterion.key, reason))
        return
    table.sources[criterion.key] = _("medians of round %(number)d of question %(question)s") % {
        "number": round_.number,
        "question": question.key,
    }
    items = set(Item.objects.filter(question=question).values_list("key", flat=True))
    for c in candidates:
        if c.key not in items:
            reason = _("no item with key %(key)s in question %(question)s") % {
                "key": c.key,
                "question": question.key,
            }
        elif c.key not in medians:
            reason = _("no submitted answers to item %(key)s in round %(number)d") % {
                "key": c.key,
                "number": round_.number,
            }
        else:
            table.values[c.key][criterion.key] = medians[c.key]
            continue
        table.missing.append(MissingScore(c.key, criterion.key, reason))


def exercise_scores(*, exercise: PriorityExercise) -> ScoreTable:
    """The score of every candidate on every criterion, from the criterion's source, and which are
    missing and why (e.g. "no closed round of question q1 yet", "no item with key x in question q1")."""
    candidates = list(exercise.candidates.prefetch_related("competences"))
    criteria = list(exercise.criteria.select_related("question"))
    table = ScoreTable(
        candidates=candidates,
        criteria=criteria,
        values={c.key: {} for c in candidates},
        missing=[],
        scales={},
    )
    manual = {
        (candidate_key, criterion_key): value
        for candidate_key, criterion_key, value in Score.objects.filter(
            criterion__exercise=exercise
        ).values_list("candidate__key", "criterion__key", "value")
    }
    holders: dict[str, set[str]] | None = None
    for criterion in criteria:
        scale = (criterion.low, criterion.high) if criterion.low is not None else None
        if criterion.source == CriterionSource.DELPHI:
            question = criterion.question
            if question is not None and question.scale_min is not None and question.scale_max is not None:
                scale = (question.scale_min, question.scale_max)
            _delphi_column(criterion, candidates, table)
        elif criterion.source == CriterionSource.CAPABILITY:
            scale = (0.0, 1.0)
            if holders is None:
                holders = cluster_competence_holders(exercise.cluster)
            for c in candidates:
                needed = {competence.code for competence in c.competences.all()}
                if not needed:
                    table.missing.append(
                        MissingScore(c.key, criterion.key, _("the candidate lists no needed competences"))
                    )
                    continue
                held = sum(1 for code in needed if holders.get(code))
                table.values[c.key][criterion.key] = held / len(needed)
        else:
            for c in candidates:
                if (c.key, criterion.key) in manual:
                    table.values[c.key][criterion.key] = manual[(c.key, criterion.key)]
                else:
                    table.missing.append(MissingScore(c.key, criterion.key, _("no score entered")))
        table.scales[criterion.key] = scale
        if scale is not None:
            for c in candidates:
                value = table.values[c.key].get(criterion.key)
                if value is not None and not scale[0] <= value <= scale[1]:
                    del table.values[c.key][criterion.key]
                    table.missing.append(
                        MissingScore(
                            c.key,
                            criterion.key,
                            _("the score %(value)g lies outside the scale %(low)g..%(high)g")
                            % {"value": value, "low": scale[0], "high": scale[1]},
                        )
                    )
    return table


# ------------------------------------------------------------------------------------------- analysis


@dataclass(frozen=True)
class RankedCandidate:
    """A row of the ranking: the candidate, its rank and score, its contributions per criterion (in
    the order of the criteria), whether it is a priority (rank <= the exercise's ``top``), and its rank
    under the saved weights (``saved_rank``) with ``change`` = saved rank - rank (positive: moved up)."""

    candidate: Candidate
    rank: int
    score: float
    contributions: list[tuple[Criterion, float]]
    is_priority: bool
    saved_rank: int
    change: int


@dataclass
class ExerciseAnalysis:
    """Everything the exercise page shows; ``error`` is set when the candidates cannot be ranked,
    ``detail_error`` when they are ranked but the stability analyses cannot be computed."""

    table: ScoreTable
    weights: dict[str, float]
    shares: dict[str, float]
    what_if: bool
    rows: list[RankedCandidate] = field(default_factory=list)
    stability: analytics.WeightStability | None = None
    paths: list[analytics.RankPath] = field(default_factory=list)
    acceptability: analytics.RankAcceptability | None = None
    error: str = ""
    detail_error: str = ""


def _ranking_error(table: ScoreTable, weights: Mapping[str, float], ranked: list[Candidate]) -> str:
    if not table.criteria:
        return _("Add criteria to rank the candidates.")
    if not table.candidates:
        return _("Add candidates to rank.")
    if not ranked:
        return _("No candidate has a score on every criterion yet.")
    if not any(weight > 0 for weight in weights.values()):
        return _("Every weight is 0: at least one must be above 0.")
    return ""


def exercise_analysis(
    *, exercise: PriorityExercise, weights: Mapping[str, float] | None = None, detail: bool = True
) -> ExerciseAnalysis:
    """Rank the candidates with complete scores under the saved weights or, for a "what if", under
    ``weights`` (criterion key -> weight; not saved), with each candidate's rank under the saved weights.

    With ``detail``, also the weight stability (top set = the exercise's ``top``), a rank path per
    criterion and the rank acceptability (seeded: the same numbers on every call).
    """
    table = exercise_scores(exercise=exercise)
    saved = {c.key: c.weight for c in table.criteria}
    used = dict(saved) if weights is None else {k: float(weights.get(k, w)) for k, w in saved.items()}
    total = sum(used.values())
    analysis = ExerciseAnalysis(
        table=table,
        weights=used,
        shares={k: (w / total if total > 0 else 0.0) for k, w in used.items()},
        what_if=weights is not None and used != saved,
    )
    ranked = table.complete()
    analysis.error = _ranking_error(table, used, ranked)
    if analysis.error:
        return analysis
    scores = table.scores_of(ranked)
    criteria = table.analytics_criteria(used)
    try:
        ranking = analytics.rank_priorities(scores, criteria, normalisation=NORMALISATION)
        if any(weight > 0 for weight in saved.values()):
            saved_ranks = analytics.rank_priorities(
                scores, table.analytics_criteria(), normalisation=NORMALISATION
            ).ranks()
        else:
            saved_ranks = ranking.ranks()
    except analytics.PriorityError as error:
        analysis.error = str(error)
        return analysis
    by_key = {c.key: c for c in ranked}
    for row in ranking.rows:
        saved_rank = saved_ranks[row.candidate]
        analysis.rows.append(
            RankedCandidate(
                candidate=by_key[row.candidate],
                rank=row.rank,
                score=row.score,
                contributions=[(c, row.contributions[c.key]) for c in table.criteria],
                is_priority=row.rank <= exercise.top,
                saved_rank=saved_rank,
                change=saved_rank - row.rank,
            )
        )
    try:
        if detail and len(table.criteria) >= 2:
            analysis.stability = analytics.weight_stability(
                scores, criteria, normalisation=NORMALISATION, top_k=max(1, exercise.top)
            )
            analysis.paths = [
                analytics.rank_path(scores, criteria, c.key, normalisation=NORMALISATION, steps=PATH_STEPS)
                for c in table.criteria
            ]
        if detail and len(ranked) >= 2:
            analysis.acceptability = analytics.rank_acceptability(
                scores,
                criteria,
                normalisation=NORMALISATION,
                samples=ACCEPTABILITY_SAMPLES,
                seed=ACCEPTABILITY_SEED,
            )
    except analytics.PriorityError as error:  # the ranking stands; the analyses are left out
        analysis.detail_error = str(error)
    return analysis


def candidate_labels(candidates: Iterable[Candidate]) -> dict[Hashable, str]:
    """Candidate key -> title in the reader's language, for charts."""
    return {c.key: c.title() for c in candidates}
