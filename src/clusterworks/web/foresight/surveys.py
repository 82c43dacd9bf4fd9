"""Running a Delphi survey: the survey and its rules, questions and items, the panel, the rounds.

Every service is keyword-only, checks its actor's permission (``survey.manage``, or ``foresight.create``
to start a survey), validates, and writes in one transaction; the audit log records the changes of the
audited models (see ``core.audit``). Views, the CLI and the demo call these and nothing lower.

The rules of the workflow live here, once:

* rounds are numbered 1, 2, 3, ... and run in order: a round opens only when the one before it is
  closed, and only one round of a survey is open at a time; opening the first round starts the survey;
* a question is *in use* once a round it is asked in has been opened. Its wording, scale and items are
  then fixed, because experts have answered (or are answering) them; only its last round can change,
  and not to a round already opened. Changes therefore always affect rounds not yet opened;
* a panelist gets a pseudonym E01, E02, ... that never changes; a panelist who has answered anything
  stays on the panel (their answers are part of the survey);
* invitations, round-opened notices and reminders are e-mails in the recipient's language
  (``notifications``); the time of an invitation is kept on the panelist, that of a reminder on the
  panelist's submission of the round.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from clusterworks.web.core.permissions import is_authenticated, require
from clusterworks.web.registry.models import Cluster

from . import notifications
from .models import (
    Answer,
    Item,
    Panelist,
    Question,
    QuestionKind,
    Round,
    RoundStatus,
    Submission,
    Survey,
    SurveyStatus,
)

SURVEY_FIELDS = (
    "key",
    "title_en",
    "title_ru",
    "description_en",
    "description_ru",
    "agreement_band",
    "consensus_iqr",
    "consensus_agreement",
    "stability_p",
    "max_cv_change",
    "stopping_rule",
)
QUESTION_FIELDS = (
    "key",
    "title_en",
    "title_ru",
    "help_en",
    "help_ru",
    "scale_min",
    "scale_max",
    "dimension1_en",
    "dimension1_ru",
    "dimension2_en",
    "dimension2_ru",
    "max_choices",
    "first_round",
    "last_round",
    "allow_comments",
    "agreement_band",
    "consensus_iqr",
)
ITEM_FIELDS = ("key", "title_en", "title_ru")

#: the fewest items a question of each kind needs (ranking and choosing need something to compare)
MIN_ITEMS = {QuestionKind.RANK: 2, QuestionKind.CHOICE: 2}
#: a question's own consensus rule: it changes how answers are judged, so it may change at any time
ANALYSIS_FIELDS = ("agreement_band", "consensus_iqr")
#: the scale of a probability question, in per cent
PROBABILITY_SCALE = (0.0, 100.0)
#: the fields each kind uses besides the common ones; the others are cleared when a question is saved
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    QuestionKind.RATING: ("scale_min", "scale_max"),
    QuestionKind.RATING2: (
        "scale_min",
        "scale_max",
        "dimension1_en",
        "dimension1_ru",
        "dimension2_en",
        "dimension2_ru",
    ),
    QuestionKind.RANK: (),
    QuestionKind.TIME: ("scale_min", "scale_max"),
    QuestionKind.PROBABILITY: ("scale_min", "scale_max"),
    QuestionKind.CHOICE: ("max_choices",),
    QuestionKind.TEXT: (),
}
_KIND_ONLY = ("scale_min", "scale_max", "dimension1_en", "dimension1_ru", "dimension2_en", "dimension2_ru")
_CODE = re.compile(r"^E(\d+)$")


def _assign(instance: Any, data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}; allowed: {sorted(allowed)}")
    for name, value in data.items():
        setattr(instance, name, value)


def _locked(survey: Survey) -> Survey:
    """Lock the survey's row until the transaction ends (rounds and pseudonyms are numbered under the
    lock) and read it again; returns ``survey`` itself, up to date."""
    Survey.objects.select_for_update().filter(pk=survey.pk).values_list("pk", flat=True).get()
    survey.refresh_from_db()
    return survey


def _not_closed(survey: Survey) -> None:
    if survey.status == SurveyStatus.CLOSED:
        raise ValidationError(_("The survey is closed; nothing in it can change."), code="closed")


# --- surveys -------------------------------------------------------------------------------------------


def survey_clusters(*, user: Any) -> QuerySet[Cluster]:
    """The clusters ``user`` may start a survey (or another foresight exercise) for."""
    if not is_authenticated(user):
        return Cluster.objects.none()
    clusters = (
        Cluster.objects.all()
        if user.is_platform_admin
        else Cluster.objects.filter(pk__in=user.managed_cluster_ids())
    )
    return clusters.order_by("key")


def _check_rules(survey: Survey) -> None:
    if survey.stability_p is not None and not 0 < survey.stability_p < 1:
        raise ValidationError(
            {"stability_p": _("The significance level must be between 0 and 1, e.g. 0.05.")},
            code="stability_p",
        )


@transaction.atomic
def survey_create(*, actor: Any, cluster: Cluster, data: Mapping[str, Any]) -> Survey:
    """A new survey of ``cluster`` in the draft state, created by ``actor``."""
    require(actor, "foresight.create", cluster)
    survey = Survey(cluster=cluster, status=SurveyStatus.DRAFT)
    if is_authenticated(actor):
        survey.created_by = actor
    _assign(survey, data, SURVEY_FIELDS)
    _check_rules(survey)
    survey.full_clean()
    survey.save()
    return survey


@transaction.atomic
def survey_update(
    *, actor: Any, survey: Survey, data: Mapping[str, Any], cluster: Cluster | None = None
) -> Survey:
    """Change a survey's titles, descriptions and rules; its key is fixed, and its cluster may change
    only while it is a draft (to another cluster the actor may start surveys for).

    The rules are checked against the survey as stored (a model form may already have set the new
    values on ``survey``)."""
    stored = Survey.objects.select_for_update().get(pk=survey.pk)
    require(actor, "survey.manage", stored)
    if "key" in data and data["key"] != stored.key:
        raise ValueError("a survey's key is its stable identifier and cannot change")
    if cluster is not None and cluster.pk != stored.cluster_id:
        if stored.status != SurveyStatus.DRAFT:
            raise ValidationError(
                {"cluster": _("A survey that has started stays with its cluster.")}, code="cluster"
            )
        require(actor, "foresight.create", cluster)
    survey.cluster = cluster if cluster is not None else stored.cluster
    survey.key, survey.status = stored.key, stored.status
    _assign(survey, data, SURVEY_FIELDS)
    _check_rules(survey)
    survey.full_clean()
    survey.save()
    return survey


@transaction.atomic
def survey_close(*, actor: Any, survey: Survey) -> Survey:
    """End the survey: its open round (if any) closes, and nothing changes any more."""
    require(actor, "survey.manage", survey)
    survey = _locked(survey)
    _not_closed(survey)
    now = timezone.now()
    for round_ in survey.rounds.filter(status=RoundStatus.OPEN):
        round_.status, round_.closed_at = RoundStatus.CLOSED, now
        round_.save()
    survey.status = SurveyStatus.CLOSED
    survey.save()
    return survey


@transaction.atomic
def survey_delete(*, actor: Any, survey: Survey) -> None:
    """Delete a survey that never opened a round (once experts have answered, close it instead)."""
    require(actor, "survey.manage", survey)
    if survey.rounds.exclude(status=RoundStatus.PLANNED).exists():
        raise ValidationError(
            _("A survey that has opened a round keeps its answers: close it instead of deleting it."),
            code="started",
        )
    survey.delete()


# --- questions and items ---------------------------------------------------------------------------


def opened_through(survey: Survey) -> int:
    """The number of the last round opened (open or closed), 0 before the first one opens."""
    return survey.rounds.exclude(status=RoundStatus.PLANNED).aggregate(n=Max("number"))["n"] or 0


def question_in_use(question: Question, *, opened: int | None = None) -> bool:
    """Whether a round that asks ``question`` has been opened (rounds open in order, so the question is
    in use exactly when it is asked from an opened round on)."""
    opened = opened_through(question.survey) if opened is None else opened
    return question.first_round <= opened


def _editable(question: Question) -> None:
    _not_closed(question.survey)
    opened = opened_through(question.survey)
    if question_in_use(question, opened=opened):
        raise ValidationError(
            _(
                "Question %(key)s has been asked in round %(round)d, so its wording, scale and items are "
                "fixed; add a new question for the rounds to come instead."
            )
            % {"key": question.key, "round": max(question.first_round, 1)},
            code="in_use",
        )


def _check_question(question: Question, *, opened: int, item_count: int | None) -> None:
    """Clear the fields the question's kind does not use and check the ones it does."""
    kind = question.kind
    if kind not in KIND_FIELDS:
        raise ValidationError({"kind": _("Choose a kind of question.")}, code="kind")
    for name in _KIND_ONLY:
        if name not in KIND_FIELDS[kind]:
            setattr(question, name, None if name.startswith("scale") else "")
    if "max_choices" not in KIND_FIELDS[kind]:
        question.max_choices = None
    if kind == QuestionKind.PROBABILITY:
        question.scale_min, question.scale_max = PROBABILITY_SCALE
    errors: dict[str, list[str]] = {}
    if kind in (QuestionKind.RATING, QuestionKind.RATING2):
        for name in ("scale_min", "scale_max"):
            if getattr(question, name) is None:
                errors.setdefault(name, []).append(_("A rating scale needs its lowest and highest point."))
    scale = (question.scale_min, question.scale_max)
    if None not in scale and question.scale_max <= question.scale_min:
        errors.setdefault("scale_max", []).append(
            _("The highest point must be above the lowest one.")
            if kind != QuestionKind.TIME
            else _("The latest year must be after the earliest one.")
        )
    if kind == QuestionKind.RATING2:
        for which in (1, 2):
            if not getattr(question, f"dimension{which}_en") and not getattr(
                question, f"dimension{which}_ru"
            ):
                errors.setdefault(f"dimension{which}_en", []).append(
                    _("Name the scale in English, in Russian or both (e.g. importance, feasibility).")
                )
    if kind == QuestionKind.CHOICE:
        if not question.max_choices:
            errors.setdefault("max_choices", []).append(_("Say how many options an expert may choose."))
        elif item_count is not None and question.max_choices > item_count:
            errors.setdefault("max_choices", []).append(
                _("The question has %(count)d options; an expert cannot choose more than that.")
                % {"count": item_count}
            )
    if question.first_round is not None and question.first_round <= opened and not question.pk:
        errors.setdefault("first_round", []).append(
            _("Round %(opened)d has been opened; a new question is asked from round %(next)d on.")
            % {"opened": opened, "next": opened + 1}
        )
    if (
        question.last_round is not None
        and question.first_round
        and question.last_round < question.first_round
    ):
        errors.setdefault("last_round", []).append(_("The last round cannot come before the first one."))
    if errors:
        raise ValidationError(errors)


def _check_item_count(kind: str, count: int, *, field: str = "items") -> None:
    fewest = MIN_ITEMS.get(kind, 1)
    if count < fewest:
        raise ValidationError(
            {
                field: _("A question of this kind needs at least %(fewest)d items; it has %(count)d.")
                % {"fewest": fewest, "count": count}
            },
            code="items",
        )


def free_item_key(title: str, taken: set[str]) -> str:
    """An item key made from ``title`` ('Telemedicine platforms' -> 'telemedicine-platforms') that is
    not in ``taken`` (adds -2, -3, ... when it is)."""
    from clusterworks.web.registry.forms import transliterate

    base = slugify(transliterate(title))[:70].strip("-") or "item"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


@transaction.atomic
def question_create(
    *,
    actor: Any,
    survey: Survey,
    kind: str,
    data: Mapping[str, Any],
    items: Iterable[Mapping[str, Any]] = (),
) -> Question:
    """A new question at the end of the survey, with its first items (at least one; two for a ranking
    or a multiple choice). It is asked from a round not yet opened."""
    require(actor, "survey.manage", survey)
    survey = _locked(survey)
    _not_closed(survey)
    items = [dict(item) for item in items]
    question = Question(survey=survey, kind=kind)
    _assign(question, data, QUESTION_FIELDS)
    position = survey.questions.aggregate(p=Max("position"))["p"]
    question.position = 0 if position is None else position + 1
    opened = opened_through(survey)
    errors: dict[str, Any] = {}
    try:
        _check_question(question, opened=opened, item_count=len(items))
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        _check_item_count(kind, len(items))
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        question.full_clean()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, messages)
    if errors:
        raise ValidationError(errors)
    question.save()
    for position, values in enumerate(items):
        item = Item(question=question, position=position)
        _assign(item, values, ITEM_FIELDS)
        try:
            item.full_clean()
        except ValidationError as error:
            line = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            raise ValidationError(
                {"items": _("Item %(number)d: %(problem)s") % {"number": position + 1, "problem": line}}
            ) from None
        item.save()
    return question


@transaction.atomic
def question_update(*, actor: Any, question: Question, data: Mapping[str, Any]) -> Question:
    """Change a question. Once it is in use, only its last round (not to an opened round) and its
    consensus rule (:data:`ANALYSIS_FIELDS`: how answers are judged, not what experts see) may change.

    What may change is judged against the question as stored (a model form may already have set the
    new values on ``question``)."""
    require(actor, "survey.manage", question.survey)
    _not_closed(question.survey)
    stored = Question.objects.get(pk=question.pk)
    opened = opened_through(question.survey)
    if question_in_use(stored, opened=opened):
        fixed = sorted(
            name
            for name, value in data.items()
            if name not in {"last_round", *ANALYSIS_FIELDS} and getattr(stored, name) != value
        )
        if fixed:
            raise ValidationError(
                {
                    name: _("The question has been asked in an opened round; only its last round can change.")
                    for name in fixed
                },
                code="in_use",
            )
        last = data.get("last_round", stored.last_round)
        if last is not None and last < opened:
            raise ValidationError(
                {
                    "last_round": _(
                        "Round %(opened)d has been opened; the question can stop after it at the earliest."
                    )
                    % {"opened": opened}
                },
                code="last_round",
            )
        stored.last_round = last
        for name in ANALYSIS_FIELDS:
            if name in data:
                setattr(stored, name, data[name])
        stored.full_clean()
        stored.save()
        question.refresh_from_db()
        return question
    first = data.get("first_round", stored.first_round)
    if first is not None and first <= opened:
        raise ValidationError(
            {
                "first_round": _(
                    "Round %(opened)d has been opened; the question can be asked from round %(next)d on."
                )
                % {"opened": opened, "next": opened + 1}
            }
        )
    if "key" in data and data["key"] != stored.key:
        raise ValueError("a question's key names it in exported files and cannot change")
    question.kind, question.key = stored.kind, stored.key
    _assign(question, data, QUESTION_FIELDS)
    _check_question(question, opened=opened, item_count=question.items.count())
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def question_delete(*, actor: Any, question: Question) -> None:
    require(actor, "survey.manage", question.survey)
    _editable(question)
    question.delete()


def _no_open_round(survey: Survey, what: str) -> None:
    if survey.rounds.filter(status=RoundStatus.OPEN).exists():
        raise ValidationError(
            _("A round is open: %(what)s would change it for the experts answering it.") % {"what": what},
            code="open_round",
        )


def _move(rows: list[Any], row: Any, offset: int) -> None:
    index = next(i for i, other in enumerate(rows) if other.pk == row.pk)
    target = max(0, min(len(rows) - 1, index + offset))
    rows.insert(target, rows.pop(index))
    for position, other in enumerate(rows):
        if other.position != position:
            other.position = position
            other.save(update_fields=["position"])


@transaction.atomic
def question_move(*, actor: Any, question: Question, offset: int) -> None:
    """Move a question ``offset`` places up (negative) or down; only while no round is open."""
    require(actor, "survey.manage", question.survey)
    _not_closed(question.survey)
    _no_open_round(question.survey, _("reordering the questions"))
    _move(list(question.survey.questions.order_by("position", "id")), question, offset)


@transaction.atomic
def item_create(*, actor: Any, question: Question, data: Mapping[str, Any]) -> Item:
    require(actor, "survey.manage", question.survey)
    _editable(question)
    position = question.items.aggregate(p=Max("position"))["p"]
    item = Item(question=question, position=0 if position is None else position + 1)
    _assign(item, data, ITEM_FIELDS)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def item_update(*, actor: Any, item: Item, data: Mapping[str, Any]) -> Item:
    require(actor, "survey.manage", item.question.survey)
    _editable(item.question)
    _assign(item, data, ITEM_FIELDS)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def item_delete(*, actor: Any, item: Item) -> None:
    question = item.question
    require(actor, "survey.manage", question.survey)
    _editable(question)
    _check_item_count(question.kind, question.items.count() - 1, field="__all__")
    if question.kind == QuestionKind.CHOICE and (question.max_choices or 0) > question.items.count() - 1:
        raise ValidationError(
            _("Lower the number of options an expert may choose before deleting this option."),
            code="max_choices",
        )
    item.delete()


@transaction.atomic
def item_move(*, actor: Any, item: Item, offset: int) -> None:
    require(actor, "survey.manage", item.question.survey)
    _editable(item.question)
    _move(list(item.question.items.order_by("position", "id")), item, offset)


# --- the panel -----------------------------------------------------------------------------------------


def _next_code(survey: Survey) -> str:
    numbers = [
        int(match.group(1))
        for code in survey.panelists.values_list("code", flat=True)
        if (match := _CODE.match(code))
    ]
    return f"E{max(numbers, default=0) + 1:02d}"


def _reply_to(actor: Any) -> list[str]:
    email = getattr(actor, "email", "") if is_authenticated(actor) else ""
    return [email] if email else []


@transaction.atomic
def panelist_invite(
    *, actor: Any, survey: Survey, user: Any, group: str = "", site_url: str = ""
) -> Panelist:
    """Put ``user`` on the panel under the next free pseudonym (E01, E02, ...) and e-mail the invitation.

    An expert who had declined is invited again under their old pseudonym. ``invited_at`` is set when
    the e-mail was sent; it stays empty when sending failed (the view says so; resend later).
    """
    require(actor, "survey.manage", survey)
    survey = _locked(survey)
    _not_closed(survey)
    if not getattr(user, "is_active", False):
        raise ValidationError({"user": _("This user account is disabled.")}, code="inactive")
    panelist = Panelist.objects.filter(survey=survey, user=user).first()
    if panelist is not None and panelist.declined_at is None:
        raise ValidationError(
            {
                "user": _("%(user)s is already on the panel as %(code)s.")
                % {"user": user, "code": panelist.code}
            },
            code="on_panel",
        )
    if panelist is None:
        panelist = Panelist(survey=survey, user=user, code=_next_code(survey))
    panelist.declined_at = None
    panelist.group = group.strip()
    panelist.full_clean()
    panelist.save()
    if notifications.send_invitation(panelist=panelist, site_url=site_url, reply_to=_reply_to(actor)):
        panelist.invited_at = timezone.now()
        panelist.save(update_fields=["invited_at"])
    return panelist


@transaction.atomic
def panelist_invitation_resend(*, actor: Any, panelist: Panelist, site_url: str = "") -> bool:
    """E-mail the invitation again; whether it was sent."""
    require(actor, "survey.manage", panelist.survey)
    _not_closed(panelist.survey)
    if not notifications.send_invitation(panelist=panelist, site_url=site_url, reply_to=_reply_to(actor)):
        return False
    panelist.invited_at = timezone.now()
    panelist.save(update_fields=["invited_at"])
    return True


@transaction.atomic
def panelist_update(*, actor: Any, panelist: Panelist, group: str) -> Panelist:
    """Change a panelist's group (science, industry, ...), by which the results compare answers."""
    require(actor, "survey.manage", panelist.survey)
    _not_closed(panelist.survey)
    panelist.group = group.strip()
    panelist.full_clean()
    panelist.save()
    return panelist


def panelist_has_answered(panelist: Panelist) -> bool:
    return (
        Answer.objects.filter(submission__panelist=panelist).exists()
        or panelist.submissions.filter(submitted_at__isnull=False).exists()
    )


@transaction.atomic
def panelist_remove(*, actor: Any, panelist: Panelist) -> None:
    """Take an expert who has not answered anything off the panel."""
    require(actor, "survey.manage", panelist.survey)
    _not_closed(panelist.survey)
    if panelist_has_answered(panelist):
        raise ValidationError(
            _("%(code)s has answered; their answers belong to the survey, so they stay on the panel.")
            % {"code": panelist.code},
            code="answered",
        )
    panelist.delete()


# --- rounds ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Notified:
    """Whom an e-mail reached: the pseudonyms of the panelists it was sent to, and of those it failed for
    (no address, or the mail server refused it)."""

    sent: tuple[str, ...]
    failed: tuple[str, ...]


def _check_deadline(deadline: Any) -> None:
    if deadline is not None and deadline <= timezone.now():
        raise ValidationError({"deadline": _("The deadline must be in the future.")}, code="deadline")


@transaction.atomic
def round_create(*, actor: Any, survey: Survey, deadline: Any = None) -> Round:
    """Plan the next round (one planned round at a time)."""
    require(actor, "survey.manage", survey)
    survey = _locked(survey)
    _not_closed(survey)
    planned = survey.rounds.filter(status=RoundStatus.PLANNED).first()
    if planned is not None:
        raise ValidationError(
            _("Round %(number)d is already planned; open it before planning another.")
            % {"number": planned.number},
            code="planned",
        )
    _check_deadline(deadline)
    number = (survey.rounds.aggregate(n=Max("number"))["n"] or 0) + 1
    round_ = Round(survey=survey, number=number, deadline=deadline)
    round_.full_clean()
    round_.save()
    return round_


@transaction.atomic
def round_update(*, actor: Any, round: Round, deadline: Any) -> Round:
    """Set or move the deadline of a planned or open round."""
    require(actor, "survey.manage", round.survey)
    _not_closed(round.survey)
    if round.status == RoundStatus.CLOSED:
        raise ValidationError(_("The round is closed."), code="closed")
    _check_deadline(deadline)
    round.deadline = deadline
    round.save()
    return round


def round_problems(round: Round) -> list[str]:
    """Why ``round`` cannot open now (empty when it can)."""
    survey = round.survey
    problems: list[str] = []
    if survey.status == SurveyStatus.CLOSED:
        return [_("The survey is closed.")]
    if round.status != RoundStatus.PLANNED:
        return [_("Round %(number)d has already been opened.") % {"number": round.number}]
    if round.number > 1:
        previous = survey.rounds.filter(number=round.number - 1).first()
        if previous is None or previous.status != RoundStatus.CLOSED:
            problems.append(
                _("Close round %(number)d before opening the next one.") % {"number": round.number - 1}
            )
    if round.deadline is not None and round.deadline <= timezone.now():
        problems.append(_("The deadline has passed; set a new one."))
    asked = [q for q in survey.questions.prefetch_related("items") if q.asked_in(round.number)]
    if not asked:
        problems.append(_("No question is asked in round %(number)d.") % {"number": round.number})
    for question in asked:
        count = len(question.items.all())
        fewest = MIN_ITEMS.get(question.kind, 1)
        if count < fewest:
            problems.append(
                _("Question %(key)s needs at least %(fewest)d items; it has %(count)d.")
                % {"key": question.key, "fewest": fewest, "count": count}
            )
        if question.kind == QuestionKind.CHOICE and (question.max_choices or 0) > count:
            problems.append(
                _("Question %(key)s lets experts choose %(max)d of only %(count)d options.")
                % {"key": question.key, "max": question.max_choices, "count": count}
            )
    if not survey.panelists.filter(declined_at__isnull=True).exists():
        problems.append(_("The panel is empty: invite experts first."))
    return problems


@transaction.atomic
def round_open(*, actor: Any, round: Round, site_url: str = "") -> Notified:
    """Open a planned round (the survey starts running) and tell the panel by e-mail."""
    require(actor, "survey.manage", round.survey)
    survey = _locked(round.survey)
    round.refresh_from_db()
    round.survey = survey
    problems = round_problems(round)
    if problems:
        raise ValidationError(problems, code="cannot_open")
    now = timezone.now()
    round.status, round.opened_at = RoundStatus.OPEN, now
    round.save()
    if survey.status != SurveyStatus.RUNNING:
        survey.status = SurveyStatus.RUNNING
        survey.save()
    sent, failed = [], []
    for panelist in survey.panelists.filter(declined_at__isnull=True).select_related("user"):
        ok = notifications.send_round_opened(
            panelist=panelist, round=round, site_url=site_url, reply_to=_reply_to(actor)
        )
        (sent if ok else failed).append(panelist.code)
    return Notified(tuple(sent), tuple(failed))


@transaction.atomic
def round_close(*, actor: Any, round: Round) -> Round:
    """Close the open round; drafts not submitted by now do not count. The survey keeps running."""
    require(actor, "survey.manage", round.survey)
    _not_closed(round.survey)
    if round.status != RoundStatus.OPEN:
        raise ValidationError(_("Only an open round can be closed."), code="not_open")
    round.status, round.closed_at = RoundStatus.CLOSED, timezone.now()
    round.save()
    return round


@transaction.atomic
def reminders_send(*, actor: Any, round: Round, site_url: str = "") -> Notified:
    """Remind by e-mail every active panelist who has not submitted the open ``round``; the time is kept
    on their submission of the round (created empty when they have not started)."""
    require(actor, "survey.manage", round.survey)
    _not_closed(round.survey)
    if round.status != RoundStatus.OPEN:
        raise ValidationError(_("Reminders are sent for the open round only."), code="not_open")
    submitted = set(
        round.submissions.filter(submitted_at__isnull=False).values_list("panelist_id", flat=True)
    )
    sent, failed = [], []
    panel = round.survey.panelists.filter(declined_at__isnull=True).select_related("user")
    for panelist in panel:
        if panelist.pk in submitted:
            continue
        if notifications.send_reminder(
            panelist=panelist, round=round, site_url=site_url, reply_to=_reply_to(actor)
        ):
            submission, _created = Submission.objects.get_or_create(round=round, panelist=panelist)
            submission.reminded_at = timezone.now()
            submission.save(update_fields=["reminded_at"])
            sent.append(panelist.code)
        else:
            failed.append(panelist.code)
    return Notified(tuple(sent), tuple(failed))
