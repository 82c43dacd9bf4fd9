"""The expert's side of a Delphi survey: self-assessment, declining, and answering a round.

Services (keyword-only; each checks its user's permission and writes in one transaction):

* :func:`panelist_profile_update` -- the expert's expertise and interest (1..5) and, optionally, a group
  among those the survey's managers gave the panel;
* :func:`panelist_decline` -- the expert leaves the panel (``Panelist.declined_at``) and so loses access;
* :func:`submission_save` -- the expert's answers to a round, as a draft or submitted.

How answers are stored: one :class:`~.models.Answer` per item in the expert's :class:`~.models.Submission`
of the round.

==============  ==============================================================================
kind            stored as
==============  ==============================================================================
rating          ``value``: a number on the question's scale (whole numbers if both ends are whole)
rating2         ``value`` on the first scale, ``value2`` on the second
rank            ``value``: the item's place 1..n; tied items share the mean of their places (1.5, 1.5)
time            ``value``: the year; "never" is ``value`` NULL with ``text`` ``"never"`` (:data:`NEVER`)
probability     ``value``: a percentage 0..100
choice          ``value`` 1 for a chosen option and 0 for an option not chosen; once the question is
                answered every option has a row, so "k of n experts chose it" is the sum over n rows
text            ``text``
==============  ==============================================================================

``comment`` holds the expert's reasoning for any kind whose question allows comments; the panel sees it
in the next round without a name or code.

The answers a caller passes (``data``) are the whole state of the submission, by question and item key::

    {"importance": {"telemedicine": {"value": 7, "comment": "..."}},
     "timing": {"implants": {"never": True}},
     "barriers": {"regulation": {"chosen": True}, "financing": {"chosen": False}}}

A draft keeps whatever is given, each value checked on its own (scale, whole numbers, years,
percentages, how many choices); submitting also needs every item of every question answered and every
ranking complete and valid. Nothing is stored when anything is wrong; the
:class:`~django.core.exceptions.ValidationError` lists every problem, by ``"<question>/<item>"`` (or
``"<question>"`` for a whole question, ``"__all__"`` for the rest), each message naming the question,
the item, the value given and what is allowed.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from scipy.stats import rankdata

from clusterworks.analytics.delphi import DelphiError, kendall_w
from clusterworks.web.core.permissions import NotAllowed, deny, require

from .models import Answer, Item, Panelist, Question, QuestionKind, Round, Submission, Survey
from .permissions import panelist_of

#: ``Answer.text`` of a time question answered "never" (``value`` is NULL then)
NEVER = "never"
#: integer scales with at most this many points are offered as radio buttons
MAX_SCALE_POINTS = 11
#: years offered by a time question without its own range: from this year to this many years ahead
TIME_HORIZON = 50
TEXT_MAX_LENGTH = 5000
COMMENT_MAX_LENGTH = 2000
SELF_ASSESSMENT = range(1, 6)

NOT_STARTED, DRAFT, SUBMITTED = "not_started", "draft", "submitted"


class ItemInput(TypedDict, total=False):
    """What an expert gives for one item (every key optional; see the module's table)."""

    value: float | None
    value2: float | None
    never: bool
    chosen: bool
    text: str
    comment: str


#: question key -> item key -> input
AnswersData = Mapping[str, Mapping[str, ItemInput]]


# --- scales -------------------------------------------------------------------------------------------


def number(value: float) -> str:
    """A number as the reader writes it: ``7``, ``2.5`` (``2,5`` in Russian)."""
    if float(value).is_integer():
        return str(int(value))
    return number_format(round(float(value), 6), use_l10n=True)


@dataclass(frozen=True)
class Scale:
    """The numbers an answer may take: ``low`` .. ``high``, whole numbers only when ``integer``."""

    low: float
    high: float
    integer: bool

    def points(self) -> list[int] | None:
        """The whole numbers of a short integer scale (offered as radio buttons), else None."""
        if self.integer and self.high - self.low < MAX_SCALE_POINTS:
            return list(range(int(self.low), int(self.high) + 1))
        return None

    def allows(self, value: float) -> bool:
        return self.low <= value <= self.high and (not self.integer or float(value).is_integer())

    def describe(self) -> str:
        params = {"low": number(self.low), "high": number(self.high)}
        if self.integer:
            return _("a whole number from %(low)s to %(high)s") % params
        return _("a number from %(low)s to %(high)s") % params


def question_scale(question: Question, *, items: int | None = None) -> Scale | None:
    """The scale of a numeric question's answers (None for choice and text questions).

    Ratings use the question's scale (1..5 when it has none); both scales of a two-scale rating are the
    same. A time question asks for a year in ``scale_min`` .. ``scale_max`` or, without them, from this
    year to :data:`TIME_HORIZON` years ahead. A probability is a percentage 0..100. A rank is a place
    1..n among the question's ``items`` (ties as mid-ranks, checked per ranking).
    """
    kind = question.kind
    if kind in (QuestionKind.RATING, QuestionKind.RATING2):
        low = question.scale_min if question.scale_min is not None else 1.0
        high = question.scale_max if question.scale_max is not None else 5.0
        return Scale(low, high, float(low).is_integer() and float(high).is_integer())
    if kind == QuestionKind.TIME:
        year = timezone.localdate().year
        low = question.scale_min if question.scale_min is not None else year
        high = question.scale_max if question.scale_max is not None else year + TIME_HORIZON
        return Scale(float(math.ceil(low)), float(math.floor(high)), True)
    if kind == QuestionKind.PROBABILITY:
        return Scale(0.0, 100.0, False)
    if kind == QuestionKind.RANK:
        n = items if items is not None else question.items.count()
        return Scale(1.0, float(max(n, 1)), False)
    return None


def rank_hint(n: int) -> str:
    """How to give ranks of ``n`` items, in plain words."""
    return _(
        "Give each item its place from 1 (first) to %(n)s. Items you cannot separate share the mean of "
        "the places they take: two items tied for first place are 1.5 and 1.5, and the next one is 3."
    ) % {"n": n}


# --- self-assessment and declining --------------------------------------------------------------------


def panel_seat(*, user: Any, survey: Survey) -> Panelist:
    """The user's active seat on the survey's panel; NotAllowed if they may not see the survey
    (``survey.view``) or have no seat (platform administrators and the managers have none)."""
    require(user, "survey.view", survey)
    seat = panelist_of(user, survey)
    if seat is None:
        raise NotAllowed("survey.view", deny(_("only the experts on the panel do this")))
    return seat


def panel_groups(*, survey: Survey) -> list[str]:
    """The groups the survey's managers gave its panel (e.g. science, industry), sorted."""
    groups = survey.panelists.exclude(group="").values_list("group", flat=True).distinct()
    return sorted(set(groups), key=str.casefold)


@transaction.atomic
def panelist_profile_update(
    *, user: Any, survey: Survey, expertise: int, interest: int, group: str | None = None
) -> Panelist:
    """Record the expert's self-assessed expertise and interest (1 = low .. 5 = high) on ``survey``.

    ``group`` is one of :func:`panel_groups`; ``None`` (or ``""``) keeps the group the managers gave.
    """
    seat = panel_seat(user=user, survey=survey)
    errors: dict[str, list[str]] = {}
    for name, value, label in (
        ("expertise", expertise, _("Expertise")),
        ("interest", interest, _("Interest")),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value not in SELF_ASSESSMENT:
            errors[name] = [
                _("%(field)s: %(value)s is not allowed; allowed: a whole number from 1 to 5")
                % {"field": label, "value": value}
            ]
    if group:
        allowed = panel_groups(survey=survey)
        if group not in allowed:
            errors["group"] = [
                _("Group: “%(value)s” is not one of this survey's groups; allowed: %(allowed)s")
                % {"value": group, "allowed": ", ".join(allowed) or _("none (keep the managers' choice)")}
            ]
    if errors:
        raise ValidationError(errors)
    seat.expertise, seat.interest = expertise, interest
    if group:
        seat.group = group
    seat.save()
    return seat


@transaction.atomic
def panelist_decline(*, user: Any, survey: Survey) -> Panelist:
    """The expert leaves the survey's panel: they no longer see or answer it (their answers stay)."""
    seat = panel_seat(user=user, survey=survey)
    seat.declined_at = timezone.now()
    seat.save()
    user.__dict__.get("_panel_seats", {}).pop(survey.pk, None)  # the seat cached for this request
    return seat


def needs_self_assessment(seat: Panelist) -> bool:
    return seat.expertise is None or seat.interest is None


def submission_state(submission: Submission | None, *, has_answers: bool | None = None) -> str:
    """:data:`NOT_STARTED`, :data:`DRAFT` or :data:`SUBMITTED` (a row without answers, e.g. created to
    record a reminder, is not started)."""
    if submission is None:
        return NOT_STARTED
    if submission.submitted_at is not None:
        return SUBMITTED
    if has_answers is None:
        has_answers = submission.answers.exists()
    return DRAFT if has_answers else NOT_STARTED


# --- answers ------------------------------------------------------------------------------------------


class _Problems:
    """Problems found in the answers, by ``"<question>/<item>"``, ``"<question>"`` or ``"__all__"``."""

    def __init__(self) -> None:
        self.by_key: dict[str, list[str]] = {}

    def item(self, question: Question, item: Item, problem: str) -> None:
        message = _("Question “%(question)s”, item “%(item)s”: %(problem)s") % {
            "question": question.title(),
            "item": item.title(),
            "problem": problem,
        }
        self.by_key.setdefault(f"{question.key}/{item.key}", []).append(message)

    def question(self, question: Question, problem: str) -> None:
        message = _("Question “%(question)s”: %(problem)s") % {
            "question": question.title(),
            "problem": problem,
        }
        self.by_key.setdefault(question.key, []).append(message)

    def general(self, message: str) -> None:
        self.by_key.setdefault("__all__", []).append(message)

    def raise_if_any(self) -> None:
        if self.by_key:
            raise ValidationError(self.by_key)


def _given_number(value: Any) -> float | None:
    """``value`` as a finite float, None if not given; raises ValueError if it is not a number."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(value)
    number_ = float(value)
    if not math.isfinite(number_):
        raise ValueError(value)
    return number_


@dataclass
class _Row:
    item: Item
    value: float | None = None
    value2: float | None = None
    text: str = ""
    comment: str = ""


def _check_number(
    problems: _Problems, question: Question, item: Item, raw: Any, scale: Scale, what: str = ""
) -> float | None:
    try:
        value = _given_number(raw)
    except ValueError:
        problems.item(
            question,
            item,
            _("%(what)s“%(value)s” is not a number; allowed: %(allowed)s")
            % {"what": what, "value": raw, "allowed": scale.describe()},
        )
        return None
    if value is not None and not scale.allows(value):
        if scale.low <= value <= scale.high:
            problem = _("%(what)s%(value)s is not a whole number; allowed: %(allowed)s")
        else:
            problem = _("%(what)s%(value)s is outside the scale; allowed: %(allowed)s")
        problems.item(
            question, item, problem % {"what": what, "value": number(value), "allowed": scale.describe()}
        )
        return None
    return value


def _check_item(
    problems: _Problems, question: Question, item: Item, given: ItemInput, scale: Scale | None
) -> _Row:
    """One item's input, checked on its own; a row with what is valid (problems go to ``problems``)."""
    row = _Row(item)
    kind = question.kind
    unknown = set(given) - {"value", "value2", "never", "chosen", "text", "comment"}
    if unknown:
        problems.item(question, item, _("unknown fields %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    comment = (given.get("comment") or "").strip()
    if comment and not question.allow_comments:
        problems.item(question, item, _("this question takes no comments; allowed: no comment"))
    elif len(comment) > COMMENT_MAX_LENGTH:
        problems.item(
            question,
            item,
            _("the comment has %(length)s characters; allowed: at most %(limit)s")
            % {"length": len(comment), "limit": COMMENT_MAX_LENGTH},
        )
    else:
        row.comment = comment
    if kind == QuestionKind.TEXT:
        text = (given.get("text") or "").strip()
        if len(text) > TEXT_MAX_LENGTH:
            problems.item(
                question,
                item,
                _("the answer has %(length)s characters; allowed: at most %(limit)s")
                % {"length": len(text), "limit": TEXT_MAX_LENGTH},
            )
        else:
            row.text = text
    elif kind == QuestionKind.CHOICE:
        row.value = 1.0 if given.get("chosen") else 0.0
    elif kind == QuestionKind.RATING2:
        assert scale is not None
        first = _("%(scale)s: ") % {"scale": question.dimension(1)} if question.dimension(1) else ""
        second = _("%(scale)s: ") % {"scale": question.dimension(2)} if question.dimension(2) else ""
        row.value = _check_number(problems, question, item, given.get("value"), scale, first)
        row.value2 = _check_number(problems, question, item, given.get("value2"), scale, second)
    else:
        assert scale is not None
        row.value = _check_number(problems, question, item, given.get("value"), scale)
        if kind == QuestionKind.TIME and given.get("never"):
            if row.value is not None:
                problems.item(
                    question,
                    item,
                    _("both the year %(value)s and “never” are given; allowed: a year or “never”")
                    % {"value": number(row.value)},
                )
            row.value, row.text = None, NEVER
    return row


def _answered(question: Question, row: _Row) -> bool:
    kind = question.kind
    if kind == QuestionKind.TEXT:
        return bool(row.text)
    if kind == QuestionKind.CHOICE:
        return bool(row.value)
    if kind == QuestionKind.RATING2:
        return row.value is not None and row.value2 is not None
    if kind == QuestionKind.TIME:
        return row.value is not None or row.text == NEVER
    return row.value is not None


def _check_ranking(problems: _Problems, question: Question, rows: list[_Row], *, submit: bool) -> None:
    """On submit, every item ranked, and the ranks the mid-ranks of their own order: the library's rule,
    which :func:`~clusterworks.analytics.delphi.kendall_w` applies to every ranking it is given."""
    given = [row for row in rows if row.value is not None]
    refused = [row for row in rows if f"{question.key}/{row.item.key}" in problems.by_key]
    missing = [row for row in rows if row.value is None and row not in refused]
    if refused:  # a value was refused: the ranking is checked once it is corrected
        return
    if missing and submit and given:
        problems.question(
            question,
            _("ranks are missing for %(items)s; allowed: a place for every one of the %(n)s items")
            % {"items": ", ".join(f"“{row.item.title()}”" for row in missing), "n": len(rows)},
        )
    if missing or len(rows) < 2 or not submit:
        return
    ranks = [row.value for row in rows]
    try:
        kendall_w([ranks])
    except DelphiError:
        expected = rankdata(ranks)
        listing = ", ".join(f"“{row.item.title()}” {number(row.value)}" for row in rows)
        fixed = ", ".join(
            f"“{row.item.title()}” {number(rank)}" for row, rank in zip(rows, expected, strict=True)
        )
        problems.question(
            question,
            _(
                "the ranks %(given)s are not a ranking of %(n)s items; allowed: the places 1 to %(n)s, "
                "each once, items tied sharing the mean of the places they take. In the order you gave, "
                "that is %(fixed)s."
            )
            % {"given": listing, "n": len(rows), "fixed": fixed},
        )


def _check_choices(problems: _Problems, question: Question, rows: list[_Row], *, submit: bool) -> None:
    chosen = [row for row in rows if row.value]
    if question.max_choices is not None and len(chosen) > question.max_choices:
        problems.question(
            question,
            ngettext(
                "%(count)s options are chosen (%(chosen)s); allowed: at most %(limit)s option",
                "%(count)s options are chosen (%(chosen)s); allowed: at most %(limit)s options",
                question.max_choices,
            )
            % {
                "count": len(chosen),
                "chosen": ", ".join(f"“{row.item.title()}”" for row in chosen),
                "limit": question.max_choices,
            },
        )
    if submit and not chosen:
        problems.question(question, _("no option is chosen; allowed: at least one option"))


def _missing(question: Question, scale: Scale | None) -> str:
    kind = question.kind
    if kind == QuestionKind.TEXT:
        return _("not answered; allowed: a text of at most %(limit)s characters") % {"limit": TEXT_MAX_LENGTH}
    if kind == QuestionKind.TIME:
        return _("not answered; allowed: a year from %(low)s to %(high)s, or “never”") % {
            "low": number(scale.low),
            "high": number(scale.high),
        }
    if kind == QuestionKind.RANK:
        return _("not ranked; allowed: a place from 1 to %(n)s for every item") % {"n": number(scale.high)}
    if kind == QuestionKind.RATING2:
        return _("not answered on both scales; allowed on each: %(allowed)s") % {"allowed": scale.describe()}
    return _("not answered; allowed: %(allowed)s") % {"allowed": scale.describe()}


def _questions(round: Round) -> list[Question]:
    """The questions asked in ``round``, in order, with their items."""
    questions = round.survey.questions.prefetch_related("items").order_by("position", "id")
    return [question for question in questions if question.asked_in(round.number)]


def round_questions(*, round: Round) -> list[Question]:
    """The questions asked in ``round`` (``Question.asked_in``), in order, their items prefetched."""
    return _questions(round)


@transaction.atomic
def submission_save(*, round: Round, user: Any, data: AnswersData, submit: bool) -> Submission:
    """Store the user's answers to ``round``: a draft (``submit=False``) or submitted.

    Needs ``survey.answer`` (a panelist, the round open and before its deadline). ``data`` is the whole
    state of the submission (see the module's docstring); items left out lose their stored answer. A
    submitted submission changes only by submitting again (its ``submitted_at`` is renewed); a draft
    keeps ``submitted_at`` empty. ``saved_at`` is set on every save. Raises ValidationError listing
    every problem, and then stores nothing.
    """
    round = Round.objects.select_for_update().select_related("survey").get(pk=round.pk)
    require(user, "survey.answer", round)
    seat = panelist_of(user, round.survey)
    if seat is None:  # a platform administrator passes every check but has no seat to answer from
        raise NotAllowed("survey.answer", deny(_("only the experts on the panel answer")))
    submission = Submission.objects.select_for_update().filter(round=round, panelist=seat).first()
    problems = _Problems()
    if not submit and submission is not None and submission.submitted_at is not None:
        problems.general(
            _("Your answers are submitted; a draft cannot replace them. Submit your changed answers instead.")
        )
        problems.raise_if_any()

    questions = _questions(round)
    by_key = {question.key: question for question in questions}
    if not isinstance(data, Mapping):
        raise TypeError(f"data must be a mapping of question keys to items; got {type(data).__name__}")
    for key in data:
        if key not in by_key:
            known = round.survey.questions.filter(key=key).exists()
            problems.general(
                (
                    _("Question “%(key)s” is not asked in round %(round)s; allowed: %(allowed)s")
                    if known
                    else _("There is no question “%(key)s” in this survey; allowed: %(allowed)s")
                )
                % {"key": key, "round": round.number, "allowed": ", ".join(by_key)}
            )
    rows: list[_Row] = []
    for question in questions:
        items = list(question.items.all())
        given_items = data.get(question.key) or {}
        item_keys = {item.key for item in items}
        for key in given_items:
            if key not in item_keys:
                problems.question(
                    question,
                    _("there is no item “%(key)s”; allowed: %(allowed)s")
                    % {"key": key, "allowed": ", ".join(sorted(item_keys))},
                )
        scale = question_scale(question, items=len(items))
        question_rows = [
            _check_item(problems, question, item, given_items.get(item.key) or {}, scale) for item in items
        ]
        if question.kind == QuestionKind.RANK:
            _check_ranking(problems, question, question_rows, submit=submit)
        elif question.kind == QuestionKind.CHOICE:
            _check_choices(problems, question, question_rows, submit=submit)
            if not any(row.value for row in question_rows):  # not answered: keep only comments
                for row in question_rows:
                    row.value = None
        if submit and question.kind not in (QuestionKind.RANK, QuestionKind.CHOICE):
            for row in question_rows:
                if not _answered(question, row) and f"{question.key}/{row.item.key}" not in problems.by_key:
                    problems.item(question, row.item, _missing(question, scale))
        if (
            submit
            and question.kind == QuestionKind.RANK
            and not any(row.value is not None for row in question_rows)
        ):
            problems.question(question, _missing(question, scale))
        rows.extend(question_rows)
    problems.raise_if_any()

    now = timezone.now()
    if submission is None:
        submission = Submission.objects.create(round=round, panelist=seat, started_at=now, saved_at=now)
    submission.saved_at = now
    submission.submitted_at = now if submit else None
    submission.save(update_fields=["saved_at", "submitted_at"])
    submission.answers.all().delete()
    Answer.objects.bulk_create(
        Answer(
            submission=submission,
            item=row.item,
            value=row.value,
            value2=row.value2,
            text=row.text,
            comment=row.comment,
        )
        for row in rows
        if row.value is not None or row.value2 is not None or row.text or row.comment
    )
    return submission
