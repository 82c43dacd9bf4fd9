"""Pages of the cluster's plans: priority exercises and technology roadmaps.

Each view parses its input, asks ``core.permissions`` (``require`` before acting, ``check`` to show or
hide a button), calls the services and selectors of ``priorities.py`` and ``roadmaps.py``, and renders.
Lists show what ``selectors.exercises_visible_to`` / ``roadmaps_visible_to`` allow.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clusterworks.web.core.forms import add_service_errors
from clusterworks.web.core.permissions import check, require
from clusterworks.web.registry.models import Cluster

from . import charts_plans as charts
from . import plans_io, priorities, roadmaps, selectors
from .forms_plans import (
    CandidateForm,
    CriterionForm,
    ExerciseForm,
    LinkForm,
    NodeForm,
    RoadmapForm,
    ScoreGridForm,
    WeightsForm,
    weight_field_name,
)
from .models import (
    Candidate,
    Criterion,
    CriterionSource,
    Layer,
    PriorityExercise,
    Roadmap,
    RoadmapLink,
    RoadmapNode,
)


def _creatable_clusters(user) -> Any:
    """The clusters the user may start plans for: those ``foresight.create`` allows."""
    if not user.is_authenticated:
        return Cluster.objects.none()
    allowed = [c.pk for c in Cluster.objects.only("pk") if check(user, "foresight.create", c)]
    return Cluster.objects.filter(pk__in=allowed).order_by("key")


def _csv(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


# ------------------------------------------------------------------------------------ priority lists


@login_required
def exercise_list(request):
    exercises = selectors.exercises_visible_to(request.user).order_by("cluster__key", "key")
    return render(
        request,
        "foresight/plans/exercise_list.html",
        {"exercises": exercises, "can_create": _creatable_clusters(request.user).exists()},
    )


@require_http_methods(["GET", "POST"])
def exercise_create(request):
    clusters = _creatable_clusters(request.user)
    chosen = clusters.filter(key=request.GET.get("cluster", "")).first()
    if not clusters.exists():
        require(request.user, "foresight.create", chosen)  # refused, with the reason
    initial = {"cluster": chosen.key} if chosen else {}
    form = ExerciseForm(request.POST or None, clusters=clusters, initial=initial)
    if request.method == "POST" and form.is_valid():
        cluster = form.cleaned_data["cluster"]
        require(request.user, "foresight.create", cluster)
        try:
            exercise = priorities.exercise_create(
                actor=request.user, cluster=cluster, data=form.service_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The priority exercise is created: now add its criteria and candidates.")
            )
            return redirect("foresight-exercise-edit", exercise.key)
    return render(request, "foresight/plans/exercise_form.html", {"form": form, "exercise": None})


def _exercise(key: str) -> PriorityExercise:
    return get_object_or_404(PriorityExercise.objects.select_related("cluster", "survey"), key=key)


# ------------------------------------------------------------------------------------ exercise page


def _pct(share: float) -> str:
    """A share of 1 as a percentage in the reader's number format, e.g. 57.1%."""
    return f"{number_format(round(share * 100, 1), 1)}%"


def _interval_text(interval, labels: dict) -> dict[str, Any]:
    def swap(pair):
        if pair is None:
            return ""
        ahead, behind = (labels.get(k, k) for k in pair)
        return _("%(behind)s passes %(ahead)s") % {"behind": behind, "ahead": ahead}

    return {
        "lower": _pct(interval.lower),
        "upper": _pct(interval.upper),
        "tied": interval.lower == interval.upper,
        "lower_swap": swap(interval.lower_pair),
        "upper_swap": swap(interval.upper_pair),
    }


def _analysis_context(exercise: PriorityExercise, analysis: priorities.ExerciseAnalysis) -> dict[str, Any]:
    criteria = analysis.table.criteria
    labels = priorities.candidate_labels(analysis.table.candidates)
    colours = {c.key: charts.colour(i) for i, c in enumerate(criteria)}
    rows = [
        {
            "row": row,
            "bar": charts.contribution_bar(
                [(str(c), value) for c, value in row.contributions],
                title=_("Contributions to the score of %(candidate)s") % {"candidate": row.candidate},
            ),
            "contributions": [(c, value, colours[c.key]) for c, value in row.contributions],
            "change_size": abs(row.change),
        }
        for row in analysis.rows
    ]
    stability = []
    if analysis.stability is not None:
        by_key = {c.key: c for c in criteria}
        for item in analysis.stability.criteria:
            stability.append(
                {
                    "criterion": by_key[item.criterion],
                    "weight": _pct(item.weight),
                    "order": _interval_text(item.order, labels),
                    "top": _interval_text(item.top, labels),
                }
            )
    paths = []
    by_key = {c.key: c for c in criteria}
    for path in analysis.paths:
        criterion = by_key[path.criterion]
        paths.append(
            {
                "criterion": criterion,
                "svg": charts.rank_path_chart(path, labels, criterion=str(criterion)),
            }
        )
    heatmap = charts.acceptability_heatmap(analysis.acceptability, labels) if analysis.acceptability else None
    acceptability_rows = []
    if analysis.acceptability is not None:
        result = analysis.acceptability
        order = sorted(range(len(result.candidates)), key=lambda i: (result.expected_rank[i], i))
        acceptability_rows = [
            {
                "label": labels.get(result.candidates[i], result.candidates[i]),
                "first": _pct(result.first_rank[i]),
                "expected": result.expected_rank[i],
            }
            for i in order
        ]
    return {
        "criteria": [
            (c, colours[c.key], analysis.weights[c.key], _pct(analysis.shares[c.key])) for c in criteria
        ],
        "ranked": rows,
        "stability": stability,
        "paths": paths,
        "heatmap": heatmap,
        "acceptability_rows": acceptability_rows,
        "samples": priorities.ACCEPTABILITY_SAMPLES,
        "incomplete": analysis.table.incomplete(),
    }


def exercise_detail(request, key):
    """The ranking, with a "what if" form (GET ``w-<criterion>`` weights, not saved) and the analyses."""
    exercise = _exercise(key)
    require(request.user, "priorities.view", exercise)
    criteria = list(exercise.criteria.all())
    form = WeightsForm(request.GET if request.GET else None, criteria=criteria)
    weights = None
    if form.is_what_if() and form.is_valid():
        weights = form.weights()
    analysis = priorities.exercise_analysis(exercise=exercise, weights=weights)
    context = {
        "exercise": exercise,
        "analysis": analysis,
        "form": form,
        "can_manage": check(request.user, "priorities.manage", exercise),
        "roadmaps": list(exercise.roadmaps.all()),
        "what_if_query": urlencode({weight_field_name(c): f"{analysis.weights[c.key]:g}" for c in criteria}),
        **_analysis_context(exercise, analysis),
    }
    return render(request, "foresight/plans/exercise_detail.html", context)


@require_POST
def exercise_weights_save(request, key):
    """Save the what-if weights as the exercise's weights."""
    exercise = _exercise(key)
    require(request.user, "priorities.manage", exercise)
    criteria = list(exercise.criteria.all())
    form = WeightsForm(request.POST, criteria=criteria)
    if form.is_valid():
        try:
            priorities.exercise_weights_set(actor=request.user, exercise=exercise, weights=form.weights())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The weights are saved."))
            return redirect("foresight-exercise", exercise.key)
    else:
        problems = [str(e) for errors in form.errors.values() for e in errors]
        messages.error(
            request, _("The weights are not saved: %(problems)s") % {"problems": " ".join(problems)}
        )
    return redirect(f"{reverse('foresight-exercise', args=[exercise.key])}?{request.POST.urlencode()}")


def exercise_ranking_csv(request, key):
    exercise = _exercise(key)
    require(request.user, "priorities.view", exercise)
    content = plans_io.ranking_csv(user=request.user, exercise=exercise)
    return _csv(content, plans_io.file_name(exercise.key, "ranking"))


# ------------------------------------------------------------------------------- editing an exercise


@require_http_methods(["GET", "POST"])
def exercise_edit(request, key):
    exercise = _exercise(key)
    require(request.user, "priorities.manage", exercise)
    action = request.POST.get("action", "save") if request.method == "POST" else None
    if action == "delete":
        priorities.exercise_delete(actor=request.user, exercise=exercise)
        messages.success(
            request, _("The priority exercise %(exercise)s is deleted.") % {"exercise": exercise}
        )
        return redirect("foresight-exercise-list")
    form = ExerciseForm(request.POST if action else None, instance=exercise, cluster=exercise.cluster)
    if action and form.is_valid():
        try:
            priorities.exercise_update(actor=request.user, exercise=exercise, data=form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The priority exercise is saved."))
            return redirect("foresight-exercise-edit", exercise.key)
    table = priorities.exercise_scores(exercise=exercise)
    context = {
        "exercise": exercise,
        "form": form,
        "table": table,
        "criteria": table.criteria,
        "candidates": table.candidates,
        "has_manual": any(c.source == CriterionSource.MANUAL for c in table.criteria),
    }
    return render(request, "foresight/plans/exercise_edit.html", context)


def _criterion_form_page(request, exercise: PriorityExercise, criterion: Criterion | None):
    action = request.POST.get("action", "save") if request.method == "POST" else None
    if action == "delete" and criterion is not None:
        priorities.criterion_delete(actor=request.user, criterion=criterion)
        messages.success(request, _("The criterion %(criterion)s is deleted.") % {"criterion": criterion})
        return redirect("foresight-exercise-edit", exercise.key)
    initial = {} if criterion else {"weight": 1, "position": exercise.criteria.count() + 1}
    form = CriterionForm(
        request.POST if action else None, instance=criterion, exercise=exercise, initial=initial
    )
    if action and form.is_valid():
        try:
            if criterion is None:
                priorities.criterion_create(actor=request.user, exercise=exercise, data=form.service_data())
            else:
                priorities.criterion_update(actor=request.user, criterion=criterion, data=form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The criterion is saved."))
            return redirect("foresight-exercise-edit", exercise.key)
    return render(
        request,
        "foresight/plans/criterion_form.html",
        {"exercise": exercise, "criterion": criterion, "form": form},
    )


@require_http_methods(["GET", "POST"])
def criterion_create(request, key):
    exercise = _exercise(key)
    require(request.user, "priorities.manage", exercise)
    return _criterion_form_page(request, exercise, None)


@require_http_methods(["GET", "POST"])
def criterion_edit(request, key, criterion):
    exercise = _exercise(key)
    require(request.user, "priorities.manage", exercise)
    return _criterion_form_page(request, exercise, get_object_or_404(exercise.criteria, key=criterion))


def _candidate_form_page(request, exercise: PriorityExercise, candidate: Candidate | None):
    action = request.POST.get("action", "save") if request.method == "POST" else None
    if action == "delete" and candidate is not None:
        priorities.candidate_delete(actor=request.user, candidate=candidate)
        messages.success(request, _("The candidate %(candidate)s is deleted.") % {"candidate": candidate})
        return redirect("foresight-exercise-edit", exercise.key)
    form = CandidateForm(request.POST if action else None, instance=candidate, exercise=exercise)
    if action and form.is_valid():
        competences = form.cleaned_data["competences"]
        try:
            if candidate is None:
                priorities.candidate_create(
                    actor=request.user, exercise=exercise, data=form.service_data(), competences=competences
                )
            else:
                priorities.candidate_update(
                    actor=request.user, candidate=candidate, data=form.service_data(), competences=competences
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The candidate is saved."))
            return redirect("foresight-exercise-edit", exercise.key)
    return render(
        request,
        "foresight/plans/candidate_form.html",
        {"exercise": exercise, "candidate": candidate, "form": form},
    )


@require_http_methods(["GET", "POST"])
def candidate_create(request, key):
    exercise = _exercise(key)
    require(request.user, "priorities.manage", exercise)
    return _candidate_form_page(request, exercise, None)


@require_http_methods(["GET", "POST"])
def candidate_edit(request, key, candidate):
    exercise = _exercise(key)
    require(request.user, "priorities.manage", exercise)
    return _candidate_form_page(request, exercise, get_object_or_404(exercise.candidates, key=candidate))


@require_http_methods(["GET", "POST"])
def exercise_scores_edit(request, key):
    """The grid of scores entered by hand (candidates x manual criteria); the other criteria's scores
    are shown with their source, or why they are missing."""
    exercise = _exercise(key)
    require(request.user, "priorities.manage", exercise)
    table = priorities.exercise_scores(exercise=exercise)
    manual = [c for c in table.criteria if c.source == CriterionSource.MANUAL]
    saved = {(c.key, k): v for c in table.candidates for k, v in table.values[c.key].items()}
    form = ScoreGridForm(
        request.POST if request.method == "POST" else None,
        candidates=table.candidates,
        criteria=manual,
        scores=saved,
    )
    if request.method == "POST" and form.is_valid():
        try:
            count = priorities.scores_set(actor=request.user, exercise=exercise, values=form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(count)d scores are saved.") % {"count": count})
            return redirect("foresight-exercise-scores", exercise.key)
    rows = []
    for candidate in table.candidates:
        cells = []
        for criterion in table.criteria:
            if criterion.source == CriterionSource.MANUAL:
                cells.append({"field": form.row(candidate, criterion)})
            else:
                missing = table.missing_for(candidate.key, criterion.key)
                cells.append(
                    {
                        "value": table.values[candidate.key].get(criterion.key),
                        "reason": missing.reason if missing else "",
                    }
                )
        rows.append({"candidate": candidate, "cells": cells})
    context = {"exercise": exercise, "form": form, "table": table, "rows": rows}
    return render(request, "foresight/plans/score_grid.html", context)


# --------------------------------------------------------------------------------------------- roadmaps


@login_required
def roadmap_list(request):
    roadmaps_ = selectors.roadmaps_visible_to(request.user).order_by("cluster__key", "key")
    return render(
        request,
        "foresight/plans/roadmap_list.html",
        {"roadmaps": roadmaps_, "can_create": _creatable_clusters(request.user).exists()},
    )


@require_http_methods(["GET", "POST"])
def roadmap_create(request):
    clusters = _creatable_clusters(request.user)
    chosen = clusters.filter(key=request.GET.get("cluster", "")).first()
    if not clusters.exists():
        require(request.user, "foresight.create", chosen)
    initial = {"cluster": chosen.key} if chosen else {}
    form = RoadmapForm(request.POST or None, clusters=clusters, initial=initial)
    if request.method == "POST" and form.is_valid():
        cluster = form.cleaned_data["cluster"]
        require(request.user, "foresight.create", cluster)
        try:
            roadmap = roadmaps.roadmap_create(actor=request.user, cluster=cluster, data=form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The roadmap is created: now add its nodes and links."))
            return redirect("foresight-roadmap-edit", roadmap.key)
    return render(request, "foresight/plans/roadmap_form.html", {"form": form, "roadmap": None})


def _roadmap(key: str) -> Roadmap:
    return get_object_or_404(Roadmap.objects.select_related("cluster", "exercise"), key=key)


def _lane_labels() -> dict[str, str]:
    return {value: str(label) for value, label in Layer.choices}


def roadmap_detail(request, key):
    """The visual roadmap; ``?chain=N`` highlights the N-th technology chain (1-based)."""
    roadmap = _roadmap(key)
    require(request.user, "roadmap.view", roadmap)
    analysis = roadmaps.roadmap_analysis(roadmap=roadmap)
    titles = {row.node.key: row.node.title() for row in analysis.nodes}
    try:
        chosen = int(request.GET.get("chain", ""))
    except ValueError:
        chosen = 0
    if not 1 <= chosen <= len(analysis.chains):
        chosen = 0
    chain = analysis.chains[chosen - 1] if chosen else ()
    chart_nodes = [
        charts.ChartNode(
            key=row.node.key,
            layer=row.node.layer,
            title=row.node.title(),
            start=row.node.start_year,
            end=row.node.end_year,
            trl=row.node.trl,
            is_gap=row.is_gap,
            missing=tuple(str(c) for c in row.missing),
        )
        for row in analysis.nodes
    ]
    chart = charts.roadmap_chart(
        chart_nodes,
        [(link.source.key, link.target.key) for link in analysis.links],
        first_year=roadmap.start_year,
        last_year=roadmap.end_year,
        lane_labels=_lane_labels(),
        title=_("Technology roadmap %(roadmap)s") % {"roadmap": roadmap},
        chain=chain,
    )
    chains = [
        {
            "number": number,
            "titles": [titles[k] for k in nodes],
            "complete": complete,
            "selected": number == chosen,
        }
        for number, (nodes, complete) in enumerate(
            zip(analysis.chains, analysis.chain_complete, strict=True), start=1
        )
    ]
    context = {
        "roadmap": roadmap,
        "analysis": analysis,
        "chart": chart,
        "chains": chains,
        "chosen": chosen,
        "layers": [
            (value, label, [r for r in analysis.nodes if r.node.layer == value])
            for value, label in Layer.choices
        ],
        "gaps": _gap_context(analysis),
        "can_manage": check(request.user, "roadmap.manage", roadmap),
        "can_see_exercise": bool(roadmap.exercise)
        and check(request.user, "priorities.view", roadmap.exercise),
    }
    return render(request, "foresight/plans/roadmap_detail.html", context)


def _competence_names(codes, analysis: roadmaps.RoadmapAnalysis) -> list[str]:
    return [str(analysis.competences.get(code, code)) for code in codes]


def _explain(match, total: int, search: roadmaps.PartnerSearch, analysis) -> dict[str, Any]:
    names = ", ".join(_competence_names(match.covers, analysis))
    text = _("holds %(count)d of the %(total)d missing competences: %(names)s") % {
        "count": len(match.covers),
        "total": total,
        "names": names,
    }
    if match.organisation in search.same_region:
        text += " · " + _("same region as the cluster")
    return {"organisation": search.organisations[match.organisation], "explanation": text}


def _gap_context(analysis: roadmaps.RoadmapAnalysis) -> dict[str, Any]:
    search = analysis.partners
    gaps = []
    for row in analysis.gaps:
        proposal = search.per_gap.get(row.node.key) if search else None
        gaps.append(
            {
                "row": row,
                "partners": [_explain(m, len(row.missing), search, analysis) for m in proposal.ranked]
                if proposal
                else [],
                "nobody": _competence_names(proposal.uncoverable, analysis) if proposal else [],
            }
        )
    cover, uncoverable, ranked = [], [], []
    if search is not None:
        overall = search.overall
        total = len(overall.missing)
        ranked = [_explain(m, total, search, analysis) for m in overall.ranked]
        for step in search.overall.cover:
            cover.append(
                {
                    "organisation": search.organisations[step.organisation],
                    "adds": _competence_names(step.adds, analysis),
                    "same_region": step.organisation in search.same_region,
                }
            )
        uncoverable = _competence_names(overall.uncoverable, analysis)
    return {"nodes": gaps, "cover": cover, "uncoverable": uncoverable, "ranked": ranked}


@require_http_methods(["GET", "POST"])
def roadmap_edit(request, key):
    roadmap = _roadmap(key)
    require(request.user, "roadmap.manage", roadmap)
    action = request.POST.get("action", "save") if request.method == "POST" else None
    if action == "delete":
        roadmaps.roadmap_delete(actor=request.user, roadmap=roadmap)
        messages.success(request, _("The roadmap %(roadmap)s is deleted.") % {"roadmap": roadmap})
        return redirect("foresight-roadmap-list")
    form = RoadmapForm(request.POST if action else None, instance=roadmap, cluster=roadmap.cluster)
    if action and form.is_valid():
        try:
            roadmaps.roadmap_update(actor=request.user, roadmap=roadmap, data=form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The roadmap is saved."))
            return redirect("foresight-roadmap-edit", roadmap.key)
    return render(request, "foresight/plans/roadmap_edit.html", _roadmap_edit_context(roadmap, form))


def _roadmap_edit_context(roadmap: Roadmap, form, link_form=None) -> dict[str, Any]:
    return {
        "roadmap": roadmap,
        "form": form,
        "nodes": sorted(roadmap.nodes.prefetch_related("competences"), key=roadmaps.node_order),
        "links": list(
            roadmap.links.select_related("source", "target").order_by("source__layer", "source__key")
        ),
        "link_form": link_form or LinkForm(roadmap=roadmap),
    }


def _node_form_page(request, roadmap: Roadmap, node: RoadmapNode | None):
    action = request.POST.get("action", "save") if request.method == "POST" else None
    if action == "delete" and node is not None:
        roadmaps.node_delete(actor=request.user, node=node)
        messages.success(request, _("The node %(node)s and its links are deleted.") % {"node": node})
        return redirect("foresight-roadmap-edit", roadmap.key)
    initial = {} if node else {"layer": request.GET.get("layer", "")}
    form = NodeForm(request.POST if action else None, instance=node, roadmap=roadmap, initial=initial)
    if action and form.is_valid():
        competences = form.cleaned_data["competences"]
        try:
            if node is None:
                roadmaps.node_create(
                    actor=request.user, roadmap=roadmap, data=form.service_data(), competences=competences
                )
            else:
                roadmaps.node_update(
                    actor=request.user, node=node, data=form.service_data(), competences=competences
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The node is saved."))
            return redirect("foresight-roadmap-edit", roadmap.key)
    return render(request, "foresight/plans/node_form.html", {"roadmap": roadmap, "node": node, "form": form})


@require_http_methods(["GET", "POST"])
def node_create(request, key):
    roadmap = _roadmap(key)
    require(request.user, "roadmap.manage", roadmap)
    return _node_form_page(request, roadmap, None)


@require_http_methods(["GET", "POST"])
def node_edit(request, key, node):
    roadmap = _roadmap(key)
    require(request.user, "roadmap.manage", roadmap)
    return _node_form_page(request, roadmap, get_object_or_404(roadmap.nodes, key=node))


@require_POST
def link_create(request, key):
    roadmap = _roadmap(key)
    require(request.user, "roadmap.manage", roadmap)
    link_form = LinkForm(request.POST, roadmap=roadmap)
    if link_form.is_valid():
        try:
            roadmaps.link_create(
                actor=request.user,
                roadmap=roadmap,
                source=link_form.cleaned_data["source"],
                target=link_form.cleaned_data["target"],
            )
        except ValidationError as error:
            add_service_errors(link_form, error)
        else:
            messages.success(request, _("The link is added."))
            return redirect("foresight-roadmap-edit", roadmap.key)
    form = RoadmapForm(instance=roadmap, cluster=roadmap.cluster)
    return render(
        request, "foresight/plans/roadmap_edit.html", _roadmap_edit_context(roadmap, form, link_form)
    )


@require_POST
def link_delete(request, key, pk):
    roadmap = _roadmap(key)
    require(request.user, "roadmap.manage", roadmap)
    link = get_object_or_404(RoadmapLink.objects.select_related("source", "target"), pk=pk, roadmap=roadmap)
    roadmaps.link_delete(actor=request.user, link=link)
    messages.success(request, _("The link %(link)s is deleted.") % {"link": f"{link.source} → {link.target}"})
    return redirect("foresight-roadmap-edit", roadmap.key)


def roadmap_nodes_csv(request, key):
    roadmap = _roadmap(key)
    require(request.user, "roadmap.view", roadmap)
    return _csv(
        plans_io.roadmap_nodes_csv(user=request.user, roadmap=roadmap), plans_io.file_name(key, "nodes")
    )


def roadmap_links_csv(request, key):
    roadmap = _roadmap(key)
    require(request.user, "roadmap.view", roadmap)
    return _csv(
        plans_io.roadmap_links_csv(user=request.user, roadmap=roadmap), plans_io.file_name(key, "links")
    )
