"""The observatory's datasets: the list, a dataset's page, the import (a background task with its
progress; every problem of a bad file listed, nothing stored) and the deletion."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods

from clusterworks.web.core.permissions import check, require
from clusterworks.web.core.tasks import task_start
from clusterworks.web.core.uploads import kept_upload, removed_after

from .forms import DeleteForm, ImportForm
from .models import StatisticsDataset
from .services import indicators as ind
from .services.datasets import dataset_delete, dataset_import
from .views_common import dataset_for

IMPORT_TASK = "observatory.import"
STEPS = {
    "checking": gettext_noop("checking every row and storing the facts"),
    "recording": gettext_noop("recording the dataset"),
    "stored": gettext_noop("stored"),
}


@login_required
@require_GET
def index(request):
    require(request.user, "observatory.view")
    return render(
        request,
        "observatory/index.html",
        {
            "datasets": StatisticsDataset.objects.select_related("imported_by"),
            "can_manage": bool(check(request.user, "observatory.manage")),
        },
    )


@login_required
@require_GET
def detail(request, key):
    dataset = dataset_for(request, key)
    available = ind.available(dataset)
    panel = ind.panel(dataset)
    from .views_common import activity_choices

    return render(
        request,
        "observatory/dataset.html",
        {
            "dataset": dataset,
            "indicators": available,
            "regions": sorted(((c, panel.region_name(c)) for c in panel.regions), key=lambda r: r[1]),
            "activities": activity_choices(panel),
            "can_manage": bool(check(request.user, "observatory.manage", dataset)),
            "has_complexity": dataset.is_trade,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request):
    require(request.user, "observatory.manage")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        path = kept_upload(data["file"], form.file_name(), prefix="clusterworks-observatory-")
        user, words = request.user, translation.get_language() or "en"

        def run(progress) -> dict[str, Any]:
            with translation.override(words), removed_after(path):
                dataset = dataset_import(
                    user=user,
                    source=path,
                    file_name=path.name,
                    key=data["key"],
                    title=data["title"],
                    columns=data["parsed_columns"],
                    kind=data["kind"],
                    region_system=data["region_system"] or "",
                    activity_system=data["activity_system"] or "",
                    suppressed=data["suppressed"],
                    attribution=data["attribution"],
                    replace=data["replace"],
                    progress=lambda done, total, step: progress(done, total, _(STEPS.get(step, step))),
                )
                return {
                    str(_("Rows")): dataset.rows,
                    str(_("Regions")): dataset.regions,
                    str(_("Activities")): dataset.activities,
                    str(_("Years")): ", ".join(str(y) for y in dataset.years),
                }

        task = task_start(
            user=request.user,
            kind=IMPORT_TASK,
            title=_("Importing “%(title)s” from %(file)s") % {"title": data["title"], "file": path.name},
            run=run,
            done_url=reverse("observatory-dataset", args=[data["key"]]),
        )
        return redirect("task", task.pk)
    return render(request, "observatory/import.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def delete_view(request, key):
    dataset = get_object_or_404(StatisticsDataset, key=key)
    require(request.user, "observatory.manage", dataset)
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        title = dataset.title
        dataset_delete(dataset=dataset)
        messages.success(request, _("The dataset “%(title)s” is deleted.") % {"title": title})
        return redirect("observatory-index")
    return render(request, "observatory/delete.html", {"dataset": dataset, "form": form})
