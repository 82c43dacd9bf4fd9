"""Selectors of a Delphi survey's management side: the panel, its progress, the answers and the results.

* :func:`survey_responses` -- the submitted numeric answers as rows of the responses table of
  :mod:`clusterworks.analytics.delphi` (and of ``clusterworks delphi consensus``), under the experts'
  pseudonyms;
* :func:`survey_results` -- per round the panel's progress, and per question, item and round the
  consensus statistics, Kendall's W, the stability against the previous round, the differences between
  panel groups and the stopping-rule verdict; counts of the options of choice questions; text answers
  and comments without their authors;
* :func:`rounds_awaiting`, :func:`panel_list`, :func:`panel_names` -- the lists behind the pages.

Every statistic comes from the analytics library, called once per survey with the survey's rules, so
the page and an analyst re-running the CLI on the exported file see the same numbers.

A two-scale rating (``rating2``) is two rating questions in the responses table: the question key with
``:1`` for the first scale (``Answer.value``) and ``:2`` for the second (``Answer.value2``). Keys never
contain ``:``, so the names cannot clash. A time question answered "never" (no year) is not a number:
it is counted apart (:attr:`QuestionResult.never`) and left out of the statistics and the export.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from clusterworks.analytics.delphi import (
    DelphiError,
    GroupDifference,
    InvalidResponses,
    ItemStatistics,
    KendallW,
    Response,
    Stability,
    consensus_reached,
    group_difference,
    stability,
    stability_reached,
    summarise_responses,
)
from clusterworks.web.core.permissions import is_authenticated

from .answers import NEVER
from .models import (
    NUMERIC_KINDS,
    Answer,
    Item,
    Panelist,
    Question,
    QuestionKind,
    Round,
    RoundStatus,
    StoppingRule,
    Submission,
    Survey,
    SurveyStatus,
)
from .surveys import PROBABILITY_SCALE

SUBMITTED, DRAFT, NOT_STARTED = "submitted", "draft", "not_started"
CONSENSUS, STABLE, CONTINUE = "consensus", "stable", "continue"


def response_question(key: str, dimension: int | None = None) -> str:
    """The question's name in the responses table: ``key``, or ``key:1`` / ``key:2`` for the two scales
    of a two-scale rating."""
    return f"{key}:{dimension}" if dimension else key


def _library_kind(kind: str) -> str:
    return "rank" if kind == QuestionKind.RANK else "rating"


# --- answers ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Answer:
    round: int
    code: str
    group: str
    question_id: int
    item_id: int
    value: float | None
    value2: float | None
    text: str
    comment: str


def _submitted_answers(survey: Survey, rounds: Iterable[Any] | None = None) -> list[_Answer]:
    """Every answer of a submitted submission, by round, question, item and pseudonym."""
    answers = Answer.objects.filter(submission__round__survey=survey, submission__submitted_at__isnull=False)
    if rounds is not None:
        answers = answers.filter(submission__round__number__in=[getattr(r, "number", r) for r in rounds])
    rows = answers.order_by(
        "submission__round__number",
        "item__question__position",
        "item__question_id",
        "item__position",
        "item_id",
        "submission__panelist__code",
    ).values_list(
        "submission__round__number",
        "submission__panelist__code",
        "submission__panelist__group",
        "item__question_id",
        "item_id",
        "value",
        "value2",
        "text",
        "comment",
    )
    return [_Answer(*row) for row in rows]


def _responses(
    answers: Iterable[_Answer], questions: dict[int, Question], items: dict[int, Item]
) -> list[Response]:
    responses = []
    for answer in answers:
        question = questions[answer.question_id]
        if question.kind not in NUMERIC_KINDS:
            continue
        kind, item = _library_kind(question.kind), items[answer.item_id].key
        if question.kind == QuestionKind.RATING2:
            for dimension, value in ((1, answer.value), (2, answer.value2)):
                if value is not None:
                    name = response_question(question.key, dimension)
                    responses.append(Response(answer.round, answer.code, name, item, kind, value))
        elif answer.value is not None:
            responses.append(Response(answer.round, answer.code, question.key, item, kind, answer.value))
    return responses


def survey_responses(*, survey: Survey, rounds: Iterable[Any] | None = None) -> list[Response]:
    """The numeric answers of the submitted submissions of ``survey`` (of ``rounds``: numbers or
    :class:`Round` objects, all rounds when None) as rows of the Delphi responses table.

    ``expert`` is the panelist's pseudonym; ``question`` the question key (``key:1`` and ``key:2`` for the
    two scales of a two-scale rating); ``item`` the item key; ``kind`` ``rank`` for rankings and
    ``rating`` for ratings, years and probabilities. Choice and text answers are not numbers and are
    left out. Rows are ordered by round, question, item and pseudonym.
    """
    questions = {q.pk: q for q in survey.questions.all()}
    items = {i.pk: i for i in Item.objects.filter(question__survey=survey)}
    return _responses(_submitted_answers(survey, rounds), questions, items)


# --- progress -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PanelistProgress:
    """Where one panelist stands in one round (pseudonym only; names are for the managers, see
    :func:`panel_names`)."""

    panelist_id: int
    code: str
    group: str
    state: str
    submitted_at: dt.datetime | None
    reminded_at: dt.datetime | None


@dataclass(frozen=True)
class RoundProgress:
    round: Round
    panelists: tuple[PanelistProgress, ...]

    def _count(self, state: str) -> int:
        return sum(1 for p in self.panelists if p.state == state)

    @property
    def panel(self) -> int:
        return len(self.panelists)

    @property
    def submitted(self) -> int:
        return self._count(SUBMITTED)

    @property
    def drafted(self) -> int:
        return self._count(DRAFT)

    @property
    def not_started(self) -> int:
        return self._count(NOT_STARTED)


def _progress(survey: Survey, rounds: list[Round]) -> tuple[RoundProgress, ...]:
    """Per opened round: each active panelist (and each who declined after submitting it) as submitted,
    draft (answers saved, not submitted) or not started (nothing saved; a reminder leaves an empty
    submission)."""
    panelists = list(survey.panelists.order_by("code"))
    submissions = {
        (row["round_id"], row["panelist_id"]): row
        for row in Submission.objects.filter(round__survey=survey)
        .annotate(saved=Count("answers"))
        .values("round_id", "panelist_id", "submitted_at", "reminded_at", "saved")
    }
    progress = []
    for round_ in rounds:
        if round_.status == RoundStatus.PLANNED:
            continue
        rows = []
        for panelist in panelists:
            row = submissions.get((round_.pk, panelist.pk))
            submitted_at = row["submitted_at"] if row else None
            if panelist.declined_at is not None and submitted_at is None:
                continue
            state = SUBMITTED if submitted_at else DRAFT if row and row["saved"] else NOT_STARTED
            reminded_at = row["reminded_at"] if row else None
            rows.append(
                PanelistProgress(panelist.pk, panelist.code, panelist.group, state, submitted_at, reminded_at)
            )
        progress.append(RoundProgress(round_, tuple(rows)))
    return tuple(progress)


def survey_progress(*, survey: Survey) -> tuple[RoundProgress, ...]:
    """Per opened round, where each panelist stands (see :class:`RoundProgress`)."""
    return _progress(survey, list(survey.rounds.order_by("number")))


# --- statistics ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemRound:
    """The answers to one item (one scale of it, for a two-scale rating) in one round."""

    round: int
    statistics: ItemStatistics
    minimum: float
    maximum: float
    consensus: bool
    consensus_reason: str
    stability: Stability | None
    stable: bool | None
    stability_reason: str
    groups: GroupDifference | None
    verdict: str


@dataclass(frozen=True)
class ItemResult:
    item: Item
    dimension: int | None
    rounds: tuple[ItemRound, ...]

    @property
    def latest(self) -> ItemRound | None:
        return self.rounds[-1] if self.rounds else None


@dataclass(frozen=True)
class ChoiceRound:
    """How many experts chose each option of a choice question in one round, of ``respondents``."""

    round: int
    respondents: int
    counts: tuple[tuple[Item, int], ...]


@dataclass(frozen=True)
class TextRound:
    """Text answers or comments of one round, per item, in alphabetical order and without authors."""

    round: int
    items: tuple[tuple[Item, tuple[str, ...]], ...]


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    low: float | None
    high: float | None
    items: tuple[ItemResult, ...] = ()
    concordance: tuple[tuple[int, KendallW], ...] = ()
    choices: tuple[ChoiceRound, ...] = ()
    texts: tuple[TextRound, ...] = ()
    comments: tuple[TextRound, ...] = ()
    problems: tuple[tuple[int, str], ...] = ()
    never: tuple[tuple[Item, int, int], ...] = ()


@dataclass(frozen=True)
class SurveyResults:
    survey: Survey
    progress: tuple[RoundProgress, ...]
    questions: tuple[QuestionResult, ...]
    max_cv_change: float = 0.15
    verdicts: dict[str, int] = field(default_factory=dict)

    @property
    def has_answers(self) -> bool:
        return any(any(i.rounds for i in q.items) or q.choices or q.texts for q in self.questions)


def _summaries(
    responses: list[Response], bands: dict[str, float]
) -> tuple[
    dict[tuple[int, str, str], ItemStatistics],
    dict[tuple[int, str], KendallW],
    dict[str, list[tuple[int, str]]],
]:
    """Statistics per (round, question, item) and W per (round, rank question), from one call of the
    library; when some answers break its rules (a partial ranking, say), each round and question is
    summarised on its own and the broken ones are reported instead."""
    statistics: dict[tuple[int, str, str], ItemStatistics] = {}
    concordance: dict[tuple[int, str], KendallW] = {}
    problems: dict[str, list[tuple[int, str]]] = defaultdict(list)
    if not responses:
        return statistics, concordance, problems
    by_band: dict[float, list[Response]] = defaultdict(list)
    for response in responses:
        by_band[bands[response.question.split(":")[0]]].append(response)
    batches = []
    for band, rows_of_band in by_band.items():
        try:
            batches.append(summarise_responses(rows_of_band, band=band))
        except InvalidResponses:
            groups: dict[tuple[int, str], list[Response]] = defaultdict(list)
            for response in rows_of_band:
                groups[(response.round, response.question)].append(response)
            for (number, question), rows in groups.items():
                try:
                    batches.append(summarise_responses(rows, band=band))
                except InvalidResponses as error:
                    for issue in error.issues[:3]:
                        problems[question.split(":")[0]].append((number, issue.message))
    for items, questions in batches:
        for summary in items:
            statistics[(summary.round, summary.question, summary.item)] = summary.statistics
        for summary in questions:
            concordance[(summary.round, summary.question)] = summary.kendall
    return statistics, concordance, problems


def _shown(value: float | None) -> str:
    """A statistic for a tooltip: three decimals at most, in the reader's number format."""
    if value is None or value != value:
        return "—"
    return number_format(round(value, 3), decimal_pos=None)


def _verdict(rule: str, consensus: bool, stable: bool | None) -> str:
    """The survey's stopping rule (docs/methods/delphi.md, "Stopping"): by default an item is done when
    its answers are stable between two rounds, with consensus or without; a survey may instead stop an
    item at consensus, or at whichever of the two comes first. Otherwise the survey goes on."""
    if rule == StoppingRule.CONSENSUS:
        return CONSENSUS if consensus else CONTINUE
    if rule == StoppingRule.EITHER and consensus:
        return CONSENSUS
    if stable:
        return CONSENSUS if consensus else STABLE
    return CONTINUE


def _item_rounds(
    survey: Survey,
    question: Question,
    statistics: dict[tuple[int, str, str], ItemStatistics],
    name: str,
    item: Item,
    answers: dict[int, dict[str, float]],
    group_of: dict[str, str],
) -> tuple[ItemRound, ...]:
    rounds = []
    previous: dict[str, float] | None = None
    for number in sorted(answers):
        stats = statistics.get((number, name, item.key))
        if stats is None:
            continue
        values = answers[number]
        max_iqr = question.effective_consensus_iqr()
        try:
            consensus, _reason = consensus_reached(
                stats, max_iqr=max_iqr, min_agreement=survey.consensus_agreement
            )
        except DelphiError:  # rules stored outside the form's limits
            consensus = False
        # the library's reasons are English; the page says the same in the reader's language
        consensus_reason = _(
            "IQR %(iqr)s (at most %(max_iqr)s); agreement %(agreement)s (at least %(min)s)"
        ) % {
            "iqr": _shown(stats.iqr),
            "max_iqr": _shown(max_iqr),
            "agreement": _shown(stats.agreement),
            "min": _shown(survey.consensus_agreement),
        }
        change, stable, stability_reason = None, None, ""
        if previous is not None:
            try:
                change = stability(previous, values)
                stable, _reason = stability_reached(
                    change, alpha=survey.stability_p, max_cv_change=survey.max_cv_change
                )
                stability_reason = _(
                    "Wilcoxon p %(p)s (at least %(alpha)s); change of the CV %(cv)s (at most %(max_cv)s)"
                ) % {
                    "p": _shown(change.p_value),
                    "alpha": _shown(survey.stability_p),
                    "cv": "—" if change.cv_change is None else _shown(change.cv_change),
                    "max_cv": _shown(survey.max_cv_change),
                }
            except DelphiError:
                stability_reason = _("no expert answered both rounds")
        by_group: dict[str, list[float]] = defaultdict(list)
        for code, value in values.items():
            if group_of.get(code):
                by_group[group_of[code]].append(value)
        groups = group_difference(dict(sorted(by_group.items()))) if len(by_group) >= 2 else None
        rounds.append(
            ItemRound(
                round=number,
                statistics=stats,
                minimum=min(values.values()),
                maximum=max(values.values()),
                consensus=consensus,
                consensus_reason=consensus_reason,
                stability=change,
                stable=stable,
                stability_reason=stability_reason,
                groups=groups,
                verdict=_verdict(survey.stopping_rule, consensus, stable),
            )
        )
        previous = values
    return tuple(rounds)


def _scale(question: Question, values: list[float]) -> tuple[float | None, float | None]:
    """The range a chart of the question's answers spans."""
    if question.kind == QuestionKind.PROBABILITY:
        return PROBABILITY_SCALE
    if question.kind == QuestionKind.RANK:
        return 1.0, float(max(len(question.items.all()), 2))
    if question.scale_min is not None and question.scale_max is not None:
        low, high = question.scale_min, question.scale_max
        return min([low, *values]), max([high, *values])
    if not values:
        return None, None
    low, high = min(values), max(values)
    return (low - 1, high + 1) if low == high else (low, high)


def _texts(rows: list[_Answer], items: list[Item], attribute: str) -> tuple[TextRound, ...]:
    by_round: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        text = getattr(row, attribute).strip()
        if text:
            by_round[row.round][row.item_id].append(text)
    return tuple(
        TextRound(
            number,
            tuple(
                (item, tuple(sorted(texts[item.pk], key=str.casefold)))
                for item in items
                if texts.get(item.pk)
            ),
        )
        for number, texts in sorted(by_round.items())
    )


def _choices(rows: list[_Answer], items: list[Item]) -> tuple[ChoiceRound, ...]:
    respondents: dict[int, set[str]] = defaultdict(set)
    chosen: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        respondents[row.round].add(row.code)
        if row.value:
            chosen[row.round][row.item_id] += 1
    return tuple(
        ChoiceRound(number, len(codes), tuple((item, chosen[number][item.pk]) for item in items))
        for number, codes in sorted(respondents.items())
    )


def survey_results(*, survey: Survey) -> SurveyResults:
    """The progress of every opened round and the results of every question (see the module's notes).

    Statistics use the survey's agreement band and consensus rule; stability compares an item's answers
    with those of the previous round it was answered in, paired by expert (Wilcoxon signed-rank test
    with ``alpha = survey.stability_p`` and a change of the CV of at most ``survey.max_cv_change``); groups
    are compared when the answers of at least two groups are in.
    """
    rounds = list(survey.rounds.order_by("number"))
    questions = list(survey.questions.prefetch_related("items").order_by("position", "id"))
    by_id = {q.pk: q for q in questions}
    items = {item.pk: item for q in questions for item in q.items.all()}
    answers = _submitted_answers(survey)
    bands = {q.key: q.effective_band() for q in questions}
    statistics, concordance, problems = _summaries(_responses(answers, by_id, items), bands)
    group_of = {a.code: a.group for a in answers}
    by_question: dict[int, list[_Answer]] = defaultdict(list)
    for answer in answers:
        by_question[answer.question_id].append(answer)

    results, verdicts = [], {CONSENSUS: 0, STABLE: 0, CONTINUE: 0}
    for question in questions:
        rows = by_question.get(question.pk, [])
        its = list(question.items.all())
        comments = _texts(rows, its, "comment")
        if question.kind not in NUMERIC_KINDS:
            extra: dict[str, Any] = (
                {"choices": _choices(rows, its)}
                if question.kind == QuestionKind.CHOICE
                else {"texts": _texts(rows, its, "text")}
            )
            results.append(QuestionResult(question, None, None, comments=comments, **extra))
            continue
        dimensions = (1, 2) if question.kind == QuestionKind.RATING2 else (None,)
        values: dict[tuple[int | None, int], dict[int, dict[str, float]]] = defaultdict(
            lambda: defaultdict(dict)
        )
        for row in rows:
            for dimension in dimensions:
                value = row.value2 if dimension == 2 else row.value
                if value is not None:
                    values[(dimension, row.item_id)][row.round][row.code] = value
        item_results = []
        for item in its:
            for dimension in dimensions:
                name = response_question(question.key, dimension)
                found = _item_rounds(
                    survey, question, statistics, name, item, values.get((dimension, item.pk), {}), group_of
                )
                item_results.append(ItemResult(item, dimension, found))
                if found:
                    verdicts[found[-1].verdict] += 1
        never: dict[tuple[int, int], int] = defaultdict(int)
        if question.kind == QuestionKind.TIME:
            for row in rows:
                if row.value is None and row.text == NEVER:
                    never[(row.item_id, row.round)] += 1
        low, high = _scale(
            question, [v for per_round in values.values() for r in per_round.values() for v in r.values()]
        )
        results.append(
            QuestionResult(
                question,
                low,
                high,
                items=tuple(item_results),
                concordance=tuple(
                    (number, w) for (number, name), w in sorted(concordance.items()) if name == question.key
                ),
                comments=comments,
                problems=tuple(problems.get(question.key, ())),
                never=tuple(
                    (item, number, never[(item.pk, number)])
                    for item in its
                    for number in sorted({n for i, n in never if i == item.pk})
                ),
            )
        )
    return SurveyResults(survey, _progress(survey, rounds), tuple(results), survey.max_cv_change, verdicts)


# --- lists --------------------------------------------------------------------------------------------


def rounds_awaiting(*, user: Any) -> list[Round]:
    """The open rounds ``user`` sits on the panel of, may still answer and has not submitted."""
    if not is_authenticated(user):
        return []
    submitted = Submission.objects.filter(
        round=OuterRef("pk"), panelist__user=user, submitted_at__isnull=False
    )
    rounds = (
        Round.objects.filter(
            status=RoundStatus.OPEN,
            survey__status=SurveyStatus.RUNNING,
            survey__panelists__user=user,
            survey__panelists__declined_at__isnull=True,
        )
        .exclude(deadline__lt=timezone.now())
        .exclude(Exists(submitted))
        .select_related("survey")
        .order_by("deadline", "survey__key")
    )
    return list(rounds)


def panel_list(*, survey: Survey) -> QuerySet[Panelist]:
    """The panel with each expert's user and whether they have answered anything (then they stay)."""
    return (
        survey.panelists.select_related("user")
        .annotate(
            has_answers=Exists(Answer.objects.filter(submission__panelist=OuterRef("pk"))),
            has_submitted=Exists(
                Submission.objects.filter(panelist=OuterRef("pk"), submitted_at__isnull=False)
            ),
        )
        .order_by("code")
    )


def panel_names(*, survey: Survey) -> dict[int, str]:
    """Panelist id -> the expert's name, for the survey's managers (who run the panel)."""
    return {
        p.pk: p.user.get_full_name() or p.user.get_username() for p in survey.panelists.select_related("user")
    }
