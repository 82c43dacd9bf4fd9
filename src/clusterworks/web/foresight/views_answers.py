"""The expert's pages of a Delphi survey: my rounds, the self-assessment, declining, answering a round,
and the group's answers to a closed round.

Each view parses its input, asks ``core.permissions`` (``survey.view``, ``survey.answer``,
``survey.feedback``), calls the services in ``answers`` or the selectors in ``feedback``, and renders.
No page shows another expert's name, pseudonym or individual answers: only counts, statistics and
comments without authors.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from clusterworks.web.core.permissions import NotAllowed, check, deny, require

from . import charts_answers
from .answers import (
    SUBMITTED,
    needs_self_assessment,
    panel_groups,
    panel_seat,
    panelist_decline,
    panelist_profile_update,
    round_questions,
    submission_save,
    submission_state,
)
from .feedback import (
    ItemFeedback,
    RoundFeedback,
    expert_rounds,
    own_answers,
    own_submission,
    previous_round,
    round_feedback,
)
from .forms_answers import AnswerForm, SelfAssessmentForm, answer_in_words
from .models import Round, Survey
from .permissions import panelist_of


def _round(key: str, number: int) -> Round:
    return get_object_or_404(Round.objects.select_related("survey__cluster"), survey__key=key, number=number)


def _charts(feedback: ItemFeedback, *, uid: str, own_label: str | None = None) -> list[dict[str, Any]]:
    """The range bar and histogram of every scale of an item's feedback."""
    charts = []
    for index, scale in enumerate(feedback.scales):
        title = scale.label or _("Answers of the panel")
        charts.append(
            {
                "scale": scale,
                "bar": charts_answers.range_bar(
                    scale, title=title, uid=f"{uid}-{index}", own_label=own_label
                ),
                "histogram": charts_answers.histogram(
                    scale.counts, title=_("How many gave each answer"), uid=f"{uid}-{index}-h"
                ),
            }
        )
    return charts


# --- my rounds ----------------------------------------------------------------------------------------


@login_required
def my_rounds(request):
    """The surveys the user sits on (from ``surveys_visible_to``), their open and closed rounds."""
    return render(request, "foresight/answers/my_rounds.html", {"entries": expert_rounds(user=request.user)})


# --- self-assessment and declining --------------------------------------------------------------------


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def self_assessment(request, key):
    survey = get_object_or_404(Survey.objects.select_related("cluster"), key=key)
    seat = panel_seat(user=request.user, survey=survey)  # requires survey.view and a seat on the panel
    form = SelfAssessmentForm(
        request.POST or None,
        groups=panel_groups(survey=survey),
        current_group=seat.group,
        initial={"expertise": seat.expertise, "interest": seat.interest},
    )
    if request.method == "POST" and form.is_valid():
        try:
            panelist_profile_update(
                user=request.user,
                survey=survey,
                expertise=form.cleaned_data["expertise"],
                interest=form.cleaned_data["interest"],
                group=form.cleaned_data.get("group") or None,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Your self-assessment is saved."))
            return redirect(_next_url(request, reverse("foresight-my-rounds")))
    context = {
        "survey": survey,
        "seat": seat,
        "form": form,
        "first_time": needs_self_assessment(seat),
        "next": _next_url(request, ""),
    }
    return render(request, "foresight/answers/self_assessment.html", context)


def decline(request, key):
    survey = get_object_or_404(Survey.objects.select_related("cluster"), key=key)
    panel_seat(user=request.user, survey=survey)
    if request.method == "POST":
        panelist_decline(user=request.user, survey=survey)
        messages.success(
            request,
            _("You have left the panel of “%(survey)s”. Thank you for your time.")
            % {"survey": survey.title()},
        )
        return redirect("foresight-my-rounds")
    return render(request, "foresight/answers/decline.html", {"survey": survey})


# --- answering a round --------------------------------------------------------------------------------


def _previous_feedback(request, round: Round) -> RoundFeedback | None:
    previous = previous_round(round)
    if previous is None or not check(request.user, "survey.feedback", previous):
        return None
    return round_feedback(round=previous, user=request.user)


def answer(request, key, number):
    round = _round(key, number)
    require(request.user, "survey.answer", round)
    survey = round.survey
    seat = panelist_of(request.user, survey)
    if seat is None:  # a platform administrator passes every check but has no seat to answer from
        raise NotAllowed("survey.answer", deny(_("only the experts on the panel answer")))
    url = reverse("foresight-answer", args=[survey.key, round.number])
    if needs_self_assessment(seat):
        return redirect(f"{reverse('foresight-self-assessment', args=[survey.key])}?next={url}")

    questions = round_questions(round=round)
    submission = own_submission(round=round, user=request.user)
    current = {a.item_id: a for a in submission.answers.all()} if submission is not None else {}
    state = submission_state(submission, has_answers=bool(current))
    feedback = _previous_feedback(request, round)
    initial, prefilled = current, False
    if not current and feedback is not None:
        initial = own_answers(round=feedback.round, user=request.user, submitted_only=True)
        prefilled = bool(initial)

    editing = state != SUBMITTED or request.method == "POST" or request.GET.get("edit") == "1"
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        questions=questions,
        initial_answers=initial,
        carry_comments=not prefilled,
    )
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        if form.is_valid():
            try:
                submission_save(round=round, user=request.user, data=form.answers_data(), submit=submit)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                if submit:
                    messages.success(request, _("Your answers are submitted. Thank you!"))
                else:
                    messages.success(
                        request,
                        _("Your draft is saved. You can come back and finish it before the deadline."),
                    )
                return redirect(url)

    own_label = _("your answer in round %(round)s: %(value)s") % {
        "round": feedback.round.number if feedback else "",
        "value": "%(value)s",
    }
    by_item = feedback.by_item() if feedback is not None else {}
    for block in form.blocks:
        for item_block in block.items:
            item_feedback = by_item.get(item_block.item.pk)
            item_block.feedback = item_feedback
            if item_feedback is not None:
                item_block.charts = _charts(
                    item_feedback, uid=f"prev-{item_block.item.pk}", own_label=own_label
                )
            if not editing:
                stored = current.get(item_block.item.pk)
                item_block.answer = answer_in_words(block.question, stored)
                item_block.comment = stored.comment if stored is not None else ""
    context = {
        "survey": survey,
        "round": round,
        "form": form,
        "state": state,
        "submission": submission,
        "editing": editing,
        "feedback": feedback,
        "prefilled": prefilled and request.method != "POST",
        "problems": form.problems() if form.is_bound else [],
    }
    return render(request, "foresight/answers/answer.html", context)


# --- the group's answers to a closed round -------------------------------------------------------------


def feedback(request, key, number):
    round = _round(key, number)
    require(request.user, "survey.feedback", round)
    result = round_feedback(round=round, user=request.user)
    questions = [
        {
            "feedback": question,
            "items": [
                {"feedback": item, "charts": _charts(item, uid=f"fb-{item.id}")} for item in question.items
            ],
        }
        for question in result.questions
    ]
    next_round = Round.objects.filter(survey=round.survey, number=round.number + 1).first()
    answers_next = (
        next_round is not None
        and panelist_of(request.user, round.survey) is not None  # the admin passes checks but has no seat
        and check(request.user, "survey.answer", next_round)
    )
    context = {
        "survey": round.survey,
        "round": round,
        "result": result,
        "questions": questions,
        "next_round": next_round if answers_next else None,
    }
    return render(request, "foresight/answers/feedback.html", context)
