"""Pages of the participation datasets: the list, the import (run as a background task with its
progress), a dataset's network (summary, evolution, communities, top organisations and the view of the
largest component's best connected organisations), one organisation's ego network and recommendations
within the dataset, the downloads, and the deletion.

Measuring a large dataset takes a minute or more: when its results are not kept, the page starts a
background task that measures it (``core.tasks``) and shows what the stored rows say meanwhile. Small
datasets, or a process that keeps nothing (``NETWORK_CACHE = 0``), are measured in the request.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clusterworks.analytics.network.communities import SECTORS
from clusterworks.web.core.models import Task, TaskStatus
from clusterworks.web.core.permissions import check, require
from clusterworks.web.core.tasks import is_stale, task_start
from clusterworks.web.core.uploads import kept_upload, removed_after

from . import charts, downloads
from .forms_datasets import DatasetDeleteForm, DatasetImportForm, DatasetOrganisationForm
from .models import DatasetOrganisation, ParticipationDataset
from .services import analysis as an
from .services import recommend
from .services.datasets import dataset_delete, dataset_import
from .views_graph import (
    KIND_LABELS,
    _download_links,
    community_chart,
    community_rows,
    ego_context,
    evolution_context,
    helix_context,
    language,
    measure_rows,
    payload_for,
    sector_label,
    sort_key,
    suggest,
    suggestion_rows,
    summary_cards,
    type_label,
)

#: datasets with at most this many organisations are measured in the request
INLINE_ORGANISATIONS = 1_500
MEASURE_TASK = "network.dataset-measures"
IMPORT_TASK = "network.dataset-import"
DATASET_TABLES = ("nodes", "ties", "communities", "evolution", "helix")
ORGANISATION_TABLES = ("partners", "recommendations")
TOP_ROWS = 25


def _dataset(request, key: str) -> ParticipationDataset:
    dataset = get_object_or_404(ParticipationDataset, key=key)
    require(request.user, "dataset.view", dataset)
    return dataset


def _url(name: str, *args: Any) -> str:
    return reverse(name, args=list(args))


def dataset_node_url(dataset: ParticipationDataset):
    def url_of(node: an.Node) -> str:
        return reverse("network-dataset-organisation", args=[dataset.key, node.key])

    return url_of


# ------------------------------------------------------------------------------------------ measures


def _inline(dataset: ParticipationDataset) -> bool:
    return not settings.NETWORK_CACHE or dataset.organisations <= INLINE_ORGANISATIONS


def _measure_task(dataset: ParticipationDataset) -> Task | None:
    """The running task measuring ``dataset`` (started by anyone), if there is one."""
    running = (
        Task.objects.filter(
            kind=MEASURE_TASK, status=TaskStatus.RUNNING, done_url=_url("network-dataset", dataset.key)
        )
        .order_by("-started_at")
        .first()
    )
    return None if running is None or is_stale(running) else running


def _start_measuring(user: Any, dataset: ParticipationDataset) -> Task:
    words = translation.get_language() or "en"

    def run(progress) -> dict[str, Any]:
        with translation.override(words):
            results = an.dataset_results(dataset=dataset, progress=progress)
            _warm_recommender(dataset, progress)
            return _result_summary(results.analysis)

    return task_start(
        user=user,
        kind=MEASURE_TASK,
        title=_("Measuring the network of “%(title)s”") % {"title": dataset.title},
        run=run,
        done_url=_url("network-dataset", dataset.key),
    )


def _warm_recommender(dataset: ParticipationDataset, progress) -> None:
    with contextlib.suppress(recommend.RecommenderMissing):  # the measures do not need it
        recommend.dataset_index(dataset=dataset, progress=progress)


def _result_summary(analysis: an.Analysis) -> dict[str, Any]:
    s = analysis.summary()
    return {
        str(_("Organisations")): s["n_nodes"],
        str(_("Ties")): s["n_ties"],
        str(_("Communities")): s["communities"],
    }


def _results(request, dataset: ParticipationDataset, *, start: bool = True):
    """The kept results, or computed now for a small dataset; else None (and, with ``start``, the
    measuring task is started unless it runs)."""
    results = an.dataset_results(dataset=dataset, only_if_kept=True)
    if results is None and _inline(dataset):
        results = an.dataset_results(dataset=dataset)
    if results is None and start and _measure_task(dataset) is None:
        _start_measuring(request.user, dataset)
    return results


# ------------------------------------------------------------------------------------------- pages


def _visible_datasets(user: Any) -> list[ParticipationDataset]:
    """The datasets ``user`` may see, newest first: the list page and its downloads show the same."""
    require(user, "dataset.view")
    datasets = ParticipationDataset.objects.select_related("imported_by")
    return [d for d in datasets if check(user, "dataset.view", d)]


@login_required
@require_GET
def dataset_list(request):
    return render(
        request,
        "network/datasets/list.html",
        {
            "datasets": _visible_datasets(request.user),
            "can_manage": bool(check(request.user, "dataset.manage")),
            "downloads": _download_links("network-datasets-download", [], ("datasets",), ""),
        },
    )


@login_required
@require_GET
def dataset_list_download(request, table, fmt):
    data = downloads.datasets_table(_visible_datasets(request.user))
    name = downloads.file_name(table, fmt=fmt)
    return downloads.table_response(data, fmt=fmt, name=name, sheet=_("Participation datasets"))


@login_required
@require_http_methods(["GET", "POST"])
def dataset_import_view(request):
    require(request.user, "dataset.manage")
    form = DatasetImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        path = kept_upload(data["file"], form.file_name(), prefix="clusterworks-dataset-")
        user, words, columns = request.user, translation.get_language() or "en", form.columns()

        def run(progress) -> dict[str, Any]:
            with translation.override(words), removed_after(path):
                dataset = dataset_import(
                    user=user,
                    source=path,
                    file_name=path.name,
                    key=data["key"],
                    title=data["title"],
                    columns=columns,
                    attribution=data["attribution"],
                    on_missing=data["on_missing"],
                    mixed_identifiers=data["mixed_identifiers"],
                    encoding=data["encoding"],
                    cordis_types=data["cordis_types"],
                    replace=data["replace"],
                    progress=lambda done, total, _step: progress(done, total, _("rows stored")),
                )
                if settings.NETWORK_CACHE and not _inline(dataset):
                    an.dataset_results(dataset=dataset, progress=progress)
                    _warm_recommender(dataset, progress)
                return {
                    str(_("Participations")): dataset.rows,
                    str(_("Projects")): dataset.projects,
                    str(_("Organisations")): dataset.organisations,
                    str(_("Years")): f"{dataset.first_year}–{dataset.last_year}",
                }

        task = task_start(
            user=request.user,
            kind=IMPORT_TASK,
            title=_("Importing “%(title)s” from %(file)s") % {"title": data["title"], "file": path.name},
            run=run,
            done_url=_url("network-dataset", data["key"]),
        )
        return redirect("task", task.pk)
    return render(request, "network/datasets/import.html", {"form": form})


def _kind_choices(analysis: an.Analysis | None) -> list[tuple[str, str]]:
    kinds = sorted({n.type for n in analysis.nodes}) if analysis is not None else sorted(KIND_LABELS)
    return [(k, type_label(k)) for k in kinds if k]


@login_required
@require_GET
def dataset_detail(request, key):
    dataset = _dataset(request, key)
    results = _results(request, dataset)
    context: dict[str, Any] = {
        "dataset": dataset,
        "can_manage": bool(check(request.user, "dataset.manage", dataset)),
        "results": results,
    }
    if results is None:
        task = _measure_task(dataset)
        context["task"] = task if task is not None and check(request.user, "task.view", task) else None
        return render(request, "network/datasets/detail.html", context)
    analysis, view = results.analysis, results.view
    url_of = dataset_node_url(dataset)
    sort = sort_key(request)
    context.update(
        {
            "analysis": analysis,
            "view": view,
            "cards": summary_cards(analysis),
            "measures": [(m, an.MEASURE_LABELS[m]) for m in an.MEASURES],
            "sort": sort,
            "query": "",
            "top": measure_rows(analysis, analysis.order(sort, TOP_ROWS), url_of=url_of),
            "communities": community_rows(analysis, url_of=url_of),
            "community_chart": community_chart(analysis),
            "modularity": charts._value(an._plain(analysis.communities.modularity)),
            "helix": helix_context(analysis),
            "evolution": evolution_context(results.evolution),
            "json_url": _url("network-dataset-json", dataset.key),
            "downloads": _download_links("network-dataset-download", [dataset.key], DATASET_TABLES, ""),
            "helix_types": [(s, sector_label(s)) for s in SECTORS],
        }
    )
    return render(request, "network/datasets/detail.html", context)


@login_required
@require_GET
def dataset_json(request, key):
    dataset = _dataset(request, key)
    results = _results(request, dataset)
    if results is None:
        return JsonResponse({"pending": True}, status=503)
    response = JsonResponse(
        payload_for(results.analysis, results.view, url_of=dataset_node_url(dataset)),
        json_dumps_params={"separators": (",", ":")},
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def dataset_download(request, key, table, fmt):
    dataset = _dataset(request, key)
    if table not in downloads.ANALYSIS_TABLES or fmt not in downloads.FORMATS:
        raise Http404
    results = _results(request, dataset)
    if results is None:
        messages.info(request, _("The network is being measured; download the tables once it is done."))
        return redirect("network-dataset", dataset.key)
    data = downloads.analysis_table(table, results.analysis, language=language(), evolution=results.evolution)
    name = downloads.file_name("dataset", dataset.key, table, fmt=fmt)
    return downloads.table_response(data, fmt=fmt, name=name, sheet=table)


def _organisation_suggestions(dataset: ParticipationDataset, code: str, kinds) -> list[dict[str, Any]] | None:
    suggestions = suggest(recommend.dataset_recommendations, dataset=dataset, code=code, kinds=kinds)
    return suggestion_rows(
        suggestions,
        url_of_key=lambda s: reverse("network-dataset-organisation", args=[dataset.key, s.key]),
        dataset=dataset,
    )


def _dataset_node(dataset: ParticipationDataset, code: str) -> DatasetOrganisation:
    return get_object_or_404(
        DatasetOrganisation.objects.select_related("organisation"), dataset=dataset, code=code
    )


@login_required
@require_GET
def dataset_organisation(request, key, code):
    dataset = _dataset(request, key)
    node = _dataset_node(dataset, code)
    results = _results(request, dataset)
    if results is None:
        return redirect("network-dataset", dataset.key)
    analysis = results.analysis
    form = DatasetOrganisationForm(request.GET or None, kinds=_kind_choices(analysis))
    choice = form.values()
    context = ego_context(analysis, node.code, choice["order"], url_of=dataset_node_url(dataset))
    query = request.GET.urlencode()
    context.update(
        {
            "dataset": dataset,
            "node": node,
            "name": node.name or node.code,
            "kind": type_label(node.kind),
            "form": form,
            "order": choice["order"],
            "suggestions": _organisation_suggestions(dataset, node.code, choice["kinds"]),
            "downloads": _download_links(
                "network-dataset-organisation-download", [dataset.key, node.code], ORGANISATION_TABLES, query
            ),
            "json_url": reverse("network-dataset-organisation-json", args=[dataset.key, node.code])
            + (f"?{query}" if query else ""),
            "helix_types": [(s, sector_label(s)) for s in SECTORS],
            "register_allowed": node.organisation is not None
            and bool(check(request.user, "network.ego", node.organisation)),
        }
    )
    return render(request, "network/datasets/organisation.html", context)


@login_required
@require_GET
def dataset_organisation_download(request, key, code, table, fmt):
    dataset = _dataset(request, key)
    node = _dataset_node(dataset, code)
    if table not in ORGANISATION_TABLES or fmt not in downloads.FORMATS:
        raise Http404
    results = _results(request, dataset)
    if results is None:
        return redirect("network-dataset", dataset.key)
    choice = DatasetOrganisationForm(request.GET or None, kinds=_kind_choices(results.analysis)).values()
    if table == "partners":
        found = an.ego(results.analysis, node.code, choice["order"])
        chosen = [] if found is None else found.nodes.tolist()
        data = downloads.nodes_table(results.analysis, language=language(), nodes=chosen)
    else:
        data = downloads.suggestions_table(_organisation_suggestions(dataset, node.code, choice["kinds"]))
    name = downloads.file_name("dataset", dataset.key, node.code, table, fmt=fmt)
    return downloads.table_response(data, fmt=fmt, name=name, sheet=table)


@login_required
@require_GET
def dataset_organisation_json(request, key, code):
    dataset = _dataset(request, key)
    node = get_object_or_404(DatasetOrganisation, dataset=dataset, code=code)
    results = _results(request, dataset)
    if results is None:
        return JsonResponse({"pending": True}, status=503)
    form = DatasetOrganisationForm(request.GET or None, kinds=_kind_choices(results.analysis))
    found = an.ego(results.analysis, node.code, form.values()["order"])
    if found is None:
        raise Http404
    response = JsonResponse(
        payload_for(results.analysis, found.view, url_of=dataset_node_url(dataset)),
        json_dumps_params={"separators": (",", ":")},
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def dataset_delete_view(request, key):
    dataset = get_object_or_404(ParticipationDataset, key=key)
    require(request.user, "dataset.manage", dataset)
    form = DatasetDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        title = dataset.title
        dataset_delete(user=request.user, dataset=dataset)
        messages.success(request, _("The dataset “%(title)s” is deleted.") % {"title": title})
        return redirect("network-datasets")
    return render(request, "network/datasets/delete.html", {"dataset": dataset, "form": form})
