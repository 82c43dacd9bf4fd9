"""Selectors of the expert's side of a Delphi survey: their rounds, their own answers, and the group's
answers to a closed round as the panel sees them between rounds.

:func:`round_feedback` summarises the *submitted* answers of a round per question and item -- n, median,
quartiles, minimum, maximum, the count of every answer value, the comments and text answers (without
names or codes, in alphabetical order so that their order tells nothing about who wrote them) -- and,
for rank questions, the mean rank of every item and Kendall's W. The statistics are those of
:mod:`clusterworks.analytics.delphi` (``item_statistics``, ``kendall_w``); the reader's own answer is
added when a ``user`` on the panel is given. Callers check ``survey.feedback`` first.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch

from clusterworks.analytics.delphi import DelphiError, KendallW, item_statistics, kendall_w
from clusterworks.web.core.permissions import Decision, check

from .answers import NEVER, SUBMITTED, number, question_scale, round_questions, submission_state
from .models import Answer, Panelist, Question, QuestionKind, Round, RoundStatus, Submission, Survey
from .permissions import panelist_of
from .selectors import surveys_visible_to

# --- the expert's rounds ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundEntry:
    """A round of a survey as its panelist sees it: ``state`` is not_started, draft or submitted."""

    round: Round
    state: str
    can_answer: Decision
    can_see_feedback: bool


@dataclass(frozen=True)
class SeatEntry:
    """A survey the user sits on, with its open and closed rounds (planned ones are not shown)."""

    survey: Survey
    panelist: Panelist
    open_rounds: tuple[RoundEntry, ...]
    closed_rounds: tuple[RoundEntry, ...]


def expert_rounds(*, user: Any) -> list[SeatEntry]:
    """The surveys whose panel ``user`` sits on (and has not declined), newest first, with their rounds."""
    surveys = (
        surveys_visible_to(user)
        .filter(panelists__user=user, panelists__declined_at__isnull=True)
        .prefetch_related(
            Prefetch(
                "rounds",
                queryset=Round.objects.filter(status__in=[RoundStatus.OPEN, RoundStatus.CLOSED]).order_by(
                    "number"
                ),
                to_attr="visible_rounds",
            )
        )
        .order_by("-created_at", "pk")
    )
    entries = []
    for survey in surveys:
        seat = panelist_of(user, survey)
        if seat is None:
            continue
        submissions = {
            s.round_id: s
            for s in Submission.objects.filter(panelist=seat).annotate(answer_count=Count("answers"))
        }
        open_rounds, closed_rounds = [], []
        for round in survey.visible_rounds:
            round.survey = survey
            submission = submissions.get(round.pk)
            state = submission_state(
                submission, has_answers=bool(submission is not None and submission.answer_count)
            )
            entry = RoundEntry(
                round=round,
                state=state,
                can_answer=check(user, "survey.answer", round),
                can_see_feedback=bool(check(user, "survey.feedback", round)),
            )
            (open_rounds if round.status == RoundStatus.OPEN else closed_rounds).append(entry)
        entries.append(
            SeatEntry(
                survey=survey,
                panelist=seat,
                open_rounds=tuple(open_rounds),
                closed_rounds=tuple(reversed(closed_rounds)),
            )
        )
    return entries


def own_submission(*, round: Round, user: Any) -> Submission | None:
    """The user's submission to ``round`` (None when they have no seat or no submission)."""
    seat = panelist_of(user, round.survey)
    if seat is None:
        return None
    return Submission.objects.filter(round=round, panelist=seat).first()


def own_answers(*, round: Round, user: Any, submitted_only: bool = False) -> dict[int, Answer]:
    """The user's answers to ``round`` by item id (only a submitted submission's if ``submitted_only``)."""
    submission = own_submission(round=round, user=user)
    if submission is None or (submitted_only and submission_state(submission) != SUBMITTED):
        return {}
    return {answer.item_id: answer for answer in submission.answers.all()}


def previous_round(round: Round) -> Round | None:
    return Round.objects.filter(survey_id=round.survey_id, number=round.number - 1).first()


# --- the group's answers ------------------------------------------------------------------------------


def shown(value: float) -> str:
    """A statistic as the pages show it: rounded to two decimals (``2.33``, ``7``, ``2,5`` in Russian)."""
    return number(round(value, 2))


@dataclass(frozen=True)
class ScaleSummary:
    """The answers to one item on one scale. ``lower``..``upper`` is the axis to draw them on;
    ``counts`` pairs each value with how many gave it (every point of a short integer scale, every place
    of a ranking and the mid-ranks given, else the values given), ascending. The statistics are None when
    nobody answered."""

    label: str
    lower: float
    upper: float
    n: int
    median: float | None
    q1: float | None
    q3: float | None
    min: float | None
    max: float | None
    mean: float | None
    counts: tuple[tuple[float, int], ...]
    own: float | None

    @property
    def shown(self) -> dict[str, str]:
        """The numbers as the page shows them: at most two decimals, in the reader's language."""
        names = ("median", "q1", "q3", "min", "max", "mean", "own", "lower", "upper")
        return {name: shown(getattr(self, name)) for name in names if getattr(self, name) is not None}

    @property
    def shown_counts(self) -> list[tuple[str, int]]:
        return [(shown(value), count) for value, count in self.counts]


@dataclass(frozen=True)
class ItemFeedback:
    """The group's answers to one item. Numeric kinds have one ``scales`` entry (two for a rating on
    two scales); a time question also counts the answers "never"; a choice question counts how many of
    the ``respondents`` chose the option; a text question lists the answers. ``own_*`` is the reader's
    own answer, if they are on the panel and submitted."""

    id: int
    key: str
    title: str
    scales: tuple[ScaleSummary, ...] = ()
    never: int = 0
    own_never: bool = False
    chosen: int = 0
    respondents: int = 0
    own_chosen: bool | None = None
    texts: tuple[str, ...] = ()
    own_text: str = ""
    comments: tuple[str, ...] = ()
    own_comment: str = ""

    def _first(self, name: str) -> Any:
        return getattr(self.scales[0], name) if self.scales else None

    @property
    def n(self) -> int:
        if self.scales:
            return self.scales[0].n + self.never
        return self.respondents

    @property
    def median(self) -> float | None:
        return self._first("median")

    @property
    def q1(self) -> float | None:
        return self._first("q1")

    @property
    def q3(self) -> float | None:
        return self._first("q3")

    @property
    def min(self) -> float | None:
        return self._first("min")

    @property
    def max(self) -> float | None:
        return self._first("max")

    @property
    def counts(self) -> tuple[tuple[float, int], ...]:
        if self.scales:
            return self.scales[0].counts
        if self.respondents:
            return ((1.0, self.chosen), (0.0, self.respondents - self.chosen))
        return ()

    @property
    def own(self) -> float | None:
        return self._first("own")


@dataclass(frozen=True)
class QuestionFeedback:
    """The group's answers to one question; for a rank question also the items by mean rank
    (``ranking``: (item, mean rank), best first) and Kendall's W of the complete rankings."""

    id: int
    key: str
    title: str
    kind: str
    kind_label: str
    items: tuple[ItemFeedback, ...]
    respondents: int
    ranking: tuple[tuple[ItemFeedback, float], ...] = ()
    kendall: KendallW | None = None


#: fewer experts than this in a round, and the group's answers would give away individual ones (with two,
#: each expert reads the other's answer off the distribution): the feedback is withheld
MIN_RESPONDENTS = 3


@dataclass(frozen=True)
class RoundFeedback:
    """The group's answers to a round; ``withheld`` when fewer than :data:`MIN_RESPONDENTS` submitted."""

    survey: Survey
    round: Round
    respondents: int
    questions: tuple[QuestionFeedback, ...]
    withheld: bool = False

    def item(self, item_id: int) -> ItemFeedback | None:
        for question in self.questions:
            for item in question.items:
                if item.id == item_id:
                    return item
        return None

    def by_item(self) -> dict[int, ItemFeedback]:
        return {item.id: item for question in self.questions for item in question.items}


def _anonymous(texts: Iterable[str]) -> tuple[str, ...]:
    """Texts without their authors: in alphabetical order, which says nothing about who wrote them."""
    return tuple(sorted((t for t in texts if t), key=lambda t: (t.casefold(), t)))


def _scale_summary(
    question: Question,
    values: list[float],
    own: float | None,
    *,
    label: str,
    items: int,
    band: float,
) -> ScaleSummary:
    scale = question_scale(question, items=items)
    assert scale is not None
    lower, upper = scale.low, scale.high
    if question.kind == QuestionKind.TIME:  # a long range of years: draw the years given, and a margin
        seen = [*values, *([own] if own is not None else [])]
        if seen:
            lower, upper = max(scale.low, min(seen) - 2), min(scale.high, max(seen) + 2)
            if upper - lower < 10:
                upper = min(scale.high, lower + 10)
                lower = max(scale.low, upper - 10)
    points = scale.points() if question.kind != QuestionKind.TIME else None
    if question.kind == QuestionKind.RANK:  # every place, and the mid-ranks given
        points = sorted({*range(1, int(scale.high) + 1), *values})
    tally = Counter(values)
    if points is not None:
        counts = tuple((float(point), tally.get(point, 0)) for point in points)
    else:
        counts = tuple(sorted(tally.items()))
    if not values:
        return ScaleSummary(label, lower, upper, 0, None, None, None, None, None, None, counts, own)
    stats = item_statistics(values, band=band)
    return ScaleSummary(
        label=label,
        lower=lower,
        upper=upper,
        n=stats.n,
        median=stats.median,
        q1=stats.q1,
        q3=stats.q3,
        min=min(values),
        max=max(values),
        mean=stats.mean,
        counts=counts,
        own=own,
    )


def _item_feedback(
    question: Question, item: Any, answers: list[Answer], own: Answer | None, respondents: int, band: float
) -> ItemFeedback:
    n_items = len(question.items.all())
    common = {
        "id": item.pk,
        "key": item.key,
        "title": item.title(),
        "comments": _anonymous(a.comment for a in answers),
        "own_comment": own.comment if own else "",
    }
    kind = question.kind
    if kind == QuestionKind.TEXT:
        return ItemFeedback(
            **common,
            texts=_anonymous(a.text for a in answers),
            respondents=sum(1 for a in answers if a.text),
            own_text=own.text if own else "",
        )
    if kind == QuestionKind.CHOICE:
        return ItemFeedback(
            **common,
            chosen=sum(1 for a in answers if a.value == 1),
            respondents=respondents,
            own_chosen=None if own is None or own.value is None else own.value == 1,
        )
    values = [a.value for a in answers if a.value is not None]
    own_value = own.value if own is not None else None
    if kind == QuestionKind.RATING2:
        second = [a.value2 for a in answers if a.value2 is not None]
        scales = (
            _scale_summary(
                question, values, own_value, label=question.dimension(1), items=n_items, band=band
            ),
            _scale_summary(
                question,
                second,
                own.value2 if own is not None else None,
                label=question.dimension(2),
                items=n_items,
                band=band,
            ),
        )
    else:
        scales = (_scale_summary(question, values, own_value, label="", items=n_items, band=band),)
    never = sum(1 for a in answers if a.value is None and a.text == NEVER) if kind == QuestionKind.TIME else 0
    return ItemFeedback(
        **common,
        scales=scales,
        never=never,
        own_never=bool(own is not None and own.value is None and own.text == NEVER),
    )


def round_feedback(*, round: Round, user: Any = None) -> RoundFeedback:
    """The group's submitted answers to ``round``, per question asked in it and item (see the module)."""
    survey = round.survey
    questions = round_questions(round=round)
    answers = list(
        Answer.objects.filter(
            submission__round=round,
            submission__submitted_at__isnull=False,
            item__question__in=questions,
        ).only("item_id", "submission_id", "value", "value2", "text", "comment")
    )
    by_item: dict[int, list[Answer]] = defaultdict(list)
    for answer in answers:
        by_item[answer.item_id].append(answer)
    respondents = Submission.objects.filter(round=round, submitted_at__isnull=False).count()
    if respondents < MIN_RESPONDENTS:
        return RoundFeedback(survey=survey, round=round, respondents=respondents, questions=(), withheld=True)
    seat = panelist_of(user, survey) if user is not None else None
    own: dict[int, Answer] = {}
    if seat is not None:
        own_submission_id = (
            Submission.objects.filter(round=round, panelist=seat, submitted_at__isnull=False)
            .values_list("pk", flat=True)
            .first()
        )
        own = {a.item_id: a for a in answers if a.submission_id == own_submission_id}
    summaries = []
    for question in questions:
        band = question.effective_band()
        items = list(question.items.all())
        item_ids = {item.pk for item in items}
        submissions = {a.submission_id for a in answers if a.item_id in item_ids}
        feedback_items = tuple(
            _item_feedback(question, item, by_item.get(item.pk, []), own.get(item.pk), len(submissions), band)
            for item in items
        )
        ranking: tuple[tuple[ItemFeedback, float], ...] = ()
        kendall = None
        if question.kind == QuestionKind.RANK:
            ranked = [(fb, fb.scales[0].mean) for fb in feedback_items if fb.scales[0].mean is not None]
            ranking = tuple(sorted(ranked, key=lambda pair: (pair[1], pair[0].title)))
            kendall = _kendall(items, answers)
        summaries.append(
            QuestionFeedback(
                id=question.pk,
                key=question.key,
                title=question.title(),
                kind=question.kind,
                kind_label=question.get_kind_display(),
                items=feedback_items,
                respondents=len(submissions),
                ranking=ranking,
                kendall=kendall,
            )
        )
    return RoundFeedback(survey=survey, round=round, respondents=respondents, questions=tuple(summaries))


def _kendall(items: list[Any], answers: list[Answer]) -> KendallW | None:
    """Kendall's W of the experts who ranked every item (None for fewer than 2 items or no ranking)."""
    if len(items) < 2:
        return None
    column = {item.pk: index for index, item in enumerate(items)}
    rankings: dict[int, dict[int, float]] = defaultdict(dict)
    for answer in answers:
        if answer.item_id in column and answer.value is not None:
            rankings[answer.submission_id][answer.item_id] = answer.value
    rows = [
        [ranks[item.pk] for item in items]
        for _, ranks in sorted(rankings.items())
        if len(ranks) == len(items)
    ]
    if not rows:
        return None
    try:
        return kendall_w(rows)
    except DelphiError:  # a ranking stored by other means (an import) that is not valid
        return None
