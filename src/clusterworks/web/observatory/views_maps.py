"""The choropleth page of a dataset -- an indicator for one cluster (or the region as a whole) and
year, as a map, a ranked table and downloads (CSV, XLSX, GeoJSON)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .forms import MapForm
from .services import indicators as ind
from .services import maps
from .views_common import activity_choices, dataset_for, download, json_download, number, panel_for


def map_table(request, dataset) -> dict[str, Any]:
    """The chosen indicator's values: the form, the panel and one row per region, ranked."""
    indicators = ind.available(dataset)
    if not indicators:
        raise Http404
    year_panel = panel_for(dataset, request.GET.get("year"))
    form = MapForm(
        request.GET or None,
        indicators=indicators,
        activities=activity_choices(year_panel),
        years=dataset.years,
    )
    choice = form.values()
    panel = panel_for(dataset, choice["year"])
    spec = ind.INDICATORS[choice["indicator"]]
    activity = choice["activity"] if spec.per_activity else None
    values = panel.values(spec.key, activity)
    rank = ind.ranks(values)
    rows = [
        {
            "code": code,
            "name": panel.region_name(code),
            "value": number(values[i]),
            "shown": maps.format_value(values[i], spec.kind),
            "rank": int(rank[i]) or None,
            "url": reverse("observatory-region", args=[dataset.key, code]),
        }
        for i, code in enumerate(panel.regions)
    ]
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["name"]))
    return {"form": form, "choice": choice, "spec": spec, "panel": panel, "rows": rows, "activity": activity}


@login_required
@require_GET
def map_view(request, key):
    dataset = dataset_for(request, key)
    table = map_table(request, dataset)
    spec, panel, activity = table["spec"], table["panel"], table["activity"]
    what = spec.label if activity is None else f"{spec.label} · {panel.activity_name(activity)}"
    title = f"{what} · {table['choice']['year']}"
    choropleth = None
    if dataset.country:
        choropleth = maps.choropleth(
            dataset.country,
            {r["code"]: r["value"] if r["value"] is not None else float("nan") for r in table["rows"]},
            kind=spec.kind,
            title=title,
            names={r["code"]: r["name"] for r in table["rows"]},
            links={r["code"]: r["url"] for r in table["rows"]},
        )
    query = request.GET.urlencode()
    downloads = [
        (
            fmt.upper() if fmt != "geojson" else "GeoJSON",
            reverse("observatory-map-download", args=[key, fmt]) + (f"?{query}" if query else ""),
        )
        for fmt in (("csv", "xlsx", "geojson") if dataset.country else ("csv", "xlsx"))
    ]
    return render(
        request,
        "observatory/map.html",
        {
            "dataset": dataset,
            "title": title,
            "map": choropleth,
            "downloads": downloads,
            "activity_url": reverse("observatory-activity", args=[key, activity]) if activity else "",
            **table,
        },
    )


@login_required
@require_GET
def map_download(request, key, fmt):
    dataset = dataset_for(request, key)
    table = map_table(request, dataset)
    spec, choice = table["spec"], table["choice"]
    name = spec.key
    if fmt == "geojson":
        if not dataset.country:
            raise Http404
        rows = [{**r, name: r["value"], "name": r["name"], "rank": r["rank"]} for r in table["rows"]]
        data = maps.geojson(dataset.country, rows, properties=["name", name, "rank"])
        data.update(
            {"dataset": dataset.key, "indicator": name, "activity": table["activity"], "year": choice["year"]}
        )
        data["source"] = dataset.attribution
        return json_download(data, parts=[dataset.key, name, str(choice["year"])])
    header = ["region", "name", name, "rank", "activity", "year"]
    rows = [
        [r["code"], r["name"], r["value"], r["rank"], table["activity"] or "", choice["year"]]
        for r in table["rows"]
    ]
    return download(
        header, rows, fmt=fmt, parts=[dataset.key, name, str(choice["year"])], sheet=_("map")[:31]
    )
