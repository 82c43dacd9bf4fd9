"""``/priorities`` and ``/roadmaps``: a cluster's development priorities and technology roadmaps. Read-only.

Signed-in users see them under the ``priorities.view`` and ``roadmap.view`` permissions (the cluster's
managers, the representatives of its current members, analysts): lists leave the others out, a direct
request gets 403. The ranking and the roadmap's analysis are those of the pages, computed by the foresight
app's selectors with the saved weights.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router

from clusterworks.web.core.permissions import require
from clusterworks.web.foresight import selectors
from clusterworks.web.foresight.models import PriorityExercise, Roadmap
from clusterworks.web.foresight.priorities import ExerciseAnalysis, exercise_analysis
from clusterworks.web.foresight.roadmaps import RoadmapAnalysis, roadmap_analysis

from . import queries
from .auth import SIGNED_IN, actor
from .schemas import READ_ERRORS, errors
from .schemas_foresight import (
    ExerciseDetail,
    ExerciseKey,
    ExercisePage,
    PlanQuery,
    RoadmapDetail,
    RoadmapKey,
    RoadmapPage,
)

priorities = Router(tags=["priorities"], auth=SIGNED_IN)
roadmaps = Router(tags=["roadmaps"], auth=SIGNED_IN)


def _titles(obj: Any) -> dict[str, str]:
    return {"key": obj.key, "title_en": obj.title_en, "title_ru": obj.title_ru}


def _in_cluster(queryset: Any, filters: PlanQuery) -> Any:
    return queryset.filter(cluster__key=filters.cluster) if filters.cluster else queryset


# --- priorities -------------------------------------------------------------------------------------------


def exercise_body(exercise: PriorityExercise) -> dict[str, Any]:
    return {
        **_titles(exercise),
        "cluster": exercise.cluster.key,
        "survey": exercise.survey.key if exercise.survey_id else None,
        "top": exercise.top,
        "created_at": exercise.created_at,
        "web_url": reverse("foresight-exercise", args=[exercise.key]),
    }


def analysis_body(analysis: ExerciseAnalysis) -> dict[str, Any]:
    table = analysis.table
    criteria = []
    for criterion in table.criteria:
        scale = table.scales.get(criterion.key)
        criteria.append(
            {
                **_titles(criterion),
                "weight": analysis.weights[criterion.key],
                "share": analysis.shares[criterion.key],
                "direction": criterion.direction,
                "source": criterion.source,
                "question": criterion.question.key if criterion.question_id else None,
                "dimension": criterion.dimension,
                "low": scale[0] if scale else None,
                "high": scale[1] if scale else None,
            }
        )
    return {
        "criteria": criteria,
        "candidates": [
            {**_titles(c), "competences": sorted(competence.code for competence in c.competences.all())}
            for c in table.candidates
        ],
        "ranking": [
            {
                "rank": row.rank,
                "candidate": _titles(row.candidate),
                "score": row.score,
                "contributions": {criterion.key: value for criterion, value in row.contributions},
                "is_priority": row.is_priority,
            }
            for row in analysis.rows
        ],
        "missing": [
            {"candidate": m.candidate, "criterion": m.criterion, "reason": str(m.reason)}
            for m in table.missing
        ],
        "error": str(analysis.error),
    }


@priorities.get("", response={200: ExercisePage, **errors(*READ_ERRORS)}, summary="List priority exercises")
def list_exercises(request: HttpRequest, filters: Query[PlanQuery]):
    """Only the exercises you may see, newest first."""
    found = _in_cluster(selectors.exercises_visible_to(actor(request)).select_related("survey"), filters)
    page = queries.paginate(found.order_by("-created_at", "key"), filters)
    page["results"] = [exercise_body(exercise) for exercise in page["results"]]
    return page


@priorities.get(
    "/{key}", response={200: ExerciseDetail, **errors(*READ_ERRORS)}, summary="Get a priority exercise"
)
def get_exercise(request: HttpRequest, key: str = ExerciseKey):
    """The criteria with their saved weights, the candidates, their ranking, and the scores missing."""
    exercise = queries.get_or_404(
        PriorityExercise.objects.select_related("cluster", "survey"), "priority exercise", key=key
    )
    require(actor(request), "priorities.view", exercise)
    analysis = exercise_analysis(exercise=exercise, detail=False)
    return {**exercise_body(exercise), **analysis_body(analysis)}


# --- roadmaps ---------------------------------------------------------------------------------------------


def roadmap_body(roadmap: Roadmap) -> dict[str, Any]:
    return {
        **_titles(roadmap),
        "description_en": roadmap.description_en,
        "description_ru": roadmap.description_ru,
        "cluster": roadmap.cluster.key,
        "exercise": roadmap.exercise.key if roadmap.exercise_id else None,
        "start_year": roadmap.start_year,
        "end_year": roadmap.end_year,
        "created_at": roadmap.created_at,
        "web_url": reverse("foresight-roadmap", args=[roadmap.key]),
    }


def roadmap_analysis_body(analysis: RoadmapAnalysis) -> dict[str, Any]:
    nodes = []
    for row in analysis.nodes:
        node = row.node
        nodes.append(
            {
                **_titles(node),
                "layer": node.layer,
                "start_year": node.start_year,
                "end_year": node.end_year,
                "trl": node.trl,
                "candidate": node.candidate.key if node.candidate_id else None,
                "competences": [competence.code for competence, _ in row.competences],
                "holders": {competence.code: [o.key for o in who] for competence, who in row.competences},
                "missing": [competence.code for competence in row.missing],
                "is_gap": row.is_gap,
            }
        )
    partners = []
    if analysis.partners is not None:
        for row in analysis.gaps:
            proposal = analysis.partners.per_gap[row.node.key]
            partners.append(
                {
                    "node": row.node.key,
                    "missing": list(proposal.missing),
                    "partners": [
                        {"organisation": match.organisation, "covers": list(match.covers)}
                        for match in proposal.ranked
                    ],
                    "uncoverable": list(proposal.uncoverable),
                }
            )
    return {
        "nodes": nodes,
        "links": [{"source": link.source.key, "target": link.target.key} for link in analysis.links],
        "chains": [
            {"nodes": list(chain), "complete": complete}
            for chain, complete in zip(analysis.chains, analysis.chain_complete, strict=True)
        ],
        "partners": partners,
        "problems": [str(problem) for problem in analysis.problems],
    }


@roadmaps.get("", response={200: RoadmapPage, **errors(*READ_ERRORS)}, summary="List roadmaps")
def list_roadmaps(request: HttpRequest, filters: Query[PlanQuery]):
    """Only the roadmaps you may see, newest first."""
    found = _in_cluster(selectors.roadmaps_visible_to(actor(request)).select_related("exercise"), filters)
    page = queries.paginate(found.order_by("-created_at", "key"), filters)
    page["results"] = [roadmap_body(roadmap) for roadmap in page["results"]]
    return page


@roadmaps.get(
    "/{key}", response={200: RoadmapDetail, **errors(*READ_ERRORS)}, summary="Get a technology roadmap"
)
def get_roadmap(request: HttpRequest, key: str = RoadmapKey):
    """The nodes with the competences they need and the members holding them, the links, the technology
    chains, and the partners from outside the cluster proposed for each gap."""
    roadmap = queries.get_or_404(Roadmap.objects.select_related("cluster", "exercise"), "roadmap", key=key)
    require(actor(request), "roadmap.view", roadmap)
    return {**roadmap_body(roadmap), **roadmap_analysis_body(roadmap_analysis(roadmap=roadmap))}
