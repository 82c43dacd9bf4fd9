"""``/surveys``: Delphi surveys, their results and their pseudonymised answers. Read-only.

Signed-in users see the surveys the ``survey.view`` permission lets them see (the cluster's managers,
analysts, the experts on the panel): lists leave the others out, a direct request gets 403. The results
(``survey.results``) and the individual answers (``survey.responses``) are for the cluster's managers and
analysts only: an expert sees the survey, not its results. Experts appear under their pseudonyms only.
"""

from __future__ import annotations

import math
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router

from clusterworks.web.core.permissions import require
from clusterworks.web.foresight import results, selectors
from clusterworks.web.foresight.models import Item, Question, QuestionKind, Round, Survey

from . import queries
from .auth import SIGNED_IN, actor
from .schemas import READ_ERRORS, errors
from .schemas_foresight import (
    ResponseQuery,
    ResponseRecordPage,
    SurveyDetail,
    SurveyKey,
    SurveyPage,
    SurveyQuery,
    SurveyResults,
)

router = Router(tags=["surveys"], auth=SIGNED_IN)


def _surveys():
    rounds = Prefetch("rounds", queryset=Round.objects.order_by("number"))
    return Survey.objects.select_related("cluster").prefetch_related(rounds)


def _survey(request: HttpRequest, key: str, action: str = "survey.view") -> Survey:
    survey = queries.get_or_404(_surveys(), "survey", key=key)
    require(actor(request), action, survey)
    return survey


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


# --- rendering --------------------------------------------------------------------------------------------


def survey_body(survey: Survey) -> dict[str, Any]:
    return {
        "key": survey.key,
        "title_en": survey.title_en,
        "title_ru": survey.title_ru,
        "description_en": survey.description_en,
        "description_ru": survey.description_ru,
        "cluster": survey.cluster.key,
        "status": survey.status,
        "rules": {
            "agreement_band": survey.agreement_band,
            "consensus_iqr": survey.consensus_iqr,
            "consensus_agreement": survey.consensus_agreement,
            "stability_p": survey.stability_p,
            "max_cv_change": survey.max_cv_change,
            "stopping_rule": survey.stopping_rule,
        },
        "rounds": [
            {"number": r.number, "status": r.status, "deadline": r.deadline} for r in survey.rounds.all()
        ],
        "created_at": survey.created_at,
        "web_url": reverse("foresight-survey-detail", args=[survey.key]),
    }


def _titles(obj: Any) -> dict[str, str]:
    return {"key": obj.key, "title_en": obj.title_en, "title_ru": obj.title_ru}


def question_body(question: Question) -> dict[str, Any]:
    dimensions = []
    if question.kind == QuestionKind.RATING2:
        dimensions = [
            {"number": 1, "name_en": question.dimension1_en, "name_ru": question.dimension1_ru},
            {"number": 2, "name_en": question.dimension2_en, "name_ru": question.dimension2_ru},
        ]
    return {
        **_titles(question),
        "kind": question.kind,
        "help_en": question.help_en,
        "help_ru": question.help_ru,
        "scale_min": question.scale_min,
        "scale_max": question.scale_max,
        "dimensions": dimensions,
        "max_choices": question.max_choices,
        "first_round": question.first_round,
        "last_round": question.last_round,
        "agreement_band": question.effective_band(),
        "consensus_iqr": question.effective_consensus_iqr(),
        "items": [_titles(item) for item in question.items.all()],
    }


def _item_round(found: results.ItemRound) -> dict[str, Any]:
    s = found.statistics
    return {
        "round": found.round,
        "n": s.n,
        "median": s.median,
        "q1": s.q1,
        "q3": s.q3,
        "iqr": s.iqr,
        "mean": s.mean,
        "sd": _finite(s.sd),
        "cv": _finite(s.cv),
        "agreement": s.agreement,
        "min": found.minimum,
        "max": found.maximum,
        "consensus": found.consensus,
        "stable": found.stable,
        "verdict": found.verdict,
    }


def results_body(found: results.SurveyResults) -> dict[str, Any]:
    progress = [
        {
            "round": p.round.number,
            "status": p.round.status,
            "panel": p.panel,
            "submitted": p.submitted,
            "drafted": p.drafted,
            "not_started": p.not_started,
        }
        for p in found.progress
    ]
    questions = []
    for q in found.questions:
        question = q.question
        questions.append(
            {
                **_titles(question),
                "kind": question.kind,
                "items": [
                    {
                        "item": r.item.key,
                        "dimension": r.dimension,
                        "rounds": [_item_round(round_) for round_ in r.rounds],
                    }
                    for r in q.items
                ],
                "concordance": [
                    {
                        "round": number,
                        "w": _finite(w.w),
                        "chi2": _finite(w.chi2),
                        "df": w.df,
                        "p": _finite(w.p_value),
                        "experts": w.experts,
                        "items": w.items,
                    }
                    for number, w in q.concordance
                ],
                "choices": [
                    {
                        "round": c.round,
                        "respondents": c.respondents,
                        "counts": {item.key: count for item, count in c.counts},
                    }
                    for c in q.choices
                ],
                "problems": [{"round": number, "message": message} for number, message in q.problems],
            }
        )
    return {"survey": found.survey.key, "progress": progress, "questions": questions}


# --- endpoints --------------------------------------------------------------------------------------------


@router.get("", response={200: SurveyPage, **errors(*READ_ERRORS)}, summary="List Delphi surveys")
def list_surveys(request: HttpRequest, filters: Query[SurveyQuery]):
    """Only the surveys you may see, newest first, with their rules and rounds."""
    found = selectors.surveys_visible_to(actor(request)).prefetch_related(
        Prefetch("rounds", queryset=Round.objects.order_by("number"))
    )
    if filters.cluster:
        found = found.filter(cluster__key=filters.cluster)
    if filters.status:
        found = found.filter(status=filters.status)
    page = queries.paginate(found.order_by("-created_at", "key"), filters)
    page["results"] = [survey_body(survey) for survey in page["results"]]
    return page


@router.get("/{key}", response={200: SurveyDetail, **errors(*READ_ERRORS)}, summary="Get a Delphi survey")
def get_survey(request: HttpRequest, key: str = SurveyKey):
    """The survey with its questions (in order) and their items; its panel and answers are not shown."""
    survey = _survey(request, key)
    items = Prefetch("items", queryset=Item.objects.order_by("position", "id"))
    questions = survey.questions.prefetch_related(items).order_by("position", "id")
    return {**survey_body(survey), "questions": [question_body(q) for q in questions]}


@router.get(
    "/{key}/results",
    response={200: SurveyResults, **errors(*READ_ERRORS)},
    summary="Get a Delphi survey's results",
)
def get_survey_results(request: HttpRequest, key: str = SurveyKey):
    """The cluster's managers and analysts. The consensus statistics per question, item and round,
    Kendall's W of the rankings, the counts of the options chosen and the panel's progress."""
    survey = _survey(request, key, "survey.results")
    return results_body(results.survey_results(survey=survey))


@router.get(
    "/{key}/responses",
    response={200: ResponseRecordPage, **errors(*READ_ERRORS)},
    summary="List a Delphi survey's answers",
)
def list_survey_responses(request: HttpRequest, filters: Query[ResponseQuery], key: str = SurveyKey):
    """The cluster's managers and analysts. The submitted numeric answers under the experts'
    pseudonyms, by round, question, item and pseudonym: the rows of the responses CSV file."""
    survey = _survey(request, key, "survey.responses")
    rounds = [filters.round] if filters.round is not None else None
    rows = results.survey_responses(survey=survey, rounds=rounds)
    start = (filters.page - 1) * filters.page_size
    return {
        "count": len(rows),
        "page": filters.page,
        "page_size": filters.page_size,
        "results": [
            {
                "round": r.round,
                "expert": r.expert,
                "question": r.question,
                "item": r.item,
                "kind": r.kind,
                "value": r.value,
            }
            for r in rows[start : start + filters.page_size]
        ],
    }
