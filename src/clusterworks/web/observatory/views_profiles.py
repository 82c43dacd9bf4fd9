"""A region's profile (strong clusters, specialisation chart, trend, or for trade data its complexity
and opportunities), a cluster's or activity's profile (top regions with a map, related clusters), and
the complexity views of a trade dataset (ECI of locations, PCI of activities, the product space)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from clusterworks.analytics import relatedness, specialisation
from clusterworks.web.network.charts import line_chart

from .forms import natural
from .services import graphs, maps
from .services import indicators as ind
from .views_common import dataset_for, download, number, panel_for

TOP = 15
#: Locations the complexity page lists before "show all".
COMPLEXITY_TOP = 25


def _activity_url(dataset, code: str) -> str:
    return reverse("observatory-activity", args=[dataset.key, code])


def _region_url(dataset, code: str) -> str:
    return reverse("observatory-region", args=[dataset.key, code])


def _trend(dataset, code: str) -> list[dict[str, Any]]:
    """The region's employment and (with establishments) share of traded employment in strong clusters
    per year, with the employment's growth rate per year since the first year; empty with one year."""
    if len(dataset.years) < 2:
        return []
    rows = []
    for year in sorted(dataset.years):
        panel = ind.panel(dataset, year)
        if code not in panel.regions:
            continue
        i = panel.regions.index(code)
        row = {"year": year, "value": float(np.nansum(panel.measure("employment")[i])), "strong_share": None}
        if "establishments" in dataset.measures:
            row["strong_share"] = number(panel.strong_share[i])
        rows.append(row)
    if len(rows) >= 2 and rows[0]["value"] > 0:
        for row in rows[1:]:
            row["cagr"] = float(
                specialisation.cagr(rows[0]["value"], row["value"], row["year"] - rows[0]["year"])
            )
    return rows


def _trend_charts(trend: list[dict[str, Any]]) -> list:
    """Line charts of the trend: employment, and the strong-cluster share (a percentage) when known."""
    if not trend:
        return []
    years = [r["year"] for r in trend]
    charts = [line_chart(years, [(_("Employment"), [r["value"] for r in trend])], title=_("Employment"))]
    if any(r["strong_share"] is not None for r in trend):
        label = _("Share of traded employment in strong clusters")
        charts.append(
            line_chart(years, [(label, [r["strong_share"] for r in trend])], title=label, percent=True)
        )
    return charts


@login_required
@require_GET
def region_view(request, key, code):
    dataset = dataset_for(request, key)
    panel = panel_for(dataset, request.GET.get("year"))
    if code not in panel.regions:
        raise Http404
    i = panel.regions.index(code)
    context: dict[str, Any] = {
        "dataset": dataset,
        "panel": panel,
        "code": code,
        "name": panel.region_name(code),
    }
    if dataset.is_trade:
        result = panel.complexity
        exports = np.nan_to_num(panel.measure("exports")[i])
        opportunities = [
            {
                "code": a,
                "name": panel.activity_name(a),
                "url": _activity_url(dataset, a),
                "rca": float(result.rca[i, j]),
                "density": number(result.density[i, j]),
                "pci": number(result.pci[j]),
                "cog": number(result.cog[i, j]),
                "present": bool(result.mcp[i, j]),
                "exports": float(exports[j]),
            }
            for j, a in enumerate(panel.activities)
        ]
        opportunities.sort(key=lambda r: (r["present"], -(r["density"] or 0)))
        context.update(
            {
                "eci": number(result.eci[i]),
                "eci_rank": int(ind.ranks(result.eci)[i]) or None,
                "diversity": int(result.diversity[i]),
                "coi": number(result.coi[i]),
                "opportunities": opportunities,
            }
        )
        return render(request, "observatory/region_trade.html", context)
    lq = panel.lq[i]
    employment = panel.measure("employment")[i]
    columns = [j for j in range(len(panel.activities)) if not panel.grouped or panel.traded[j]]
    strong_rows = []
    if "establishments" in dataset.measures:
        flags = panel.flags
        for j in columns:
            if flags["strong"][i, j]:
                strong_rows.append(
                    {
                        "code": panel.activities[j],
                        "name": panel.activity_name(panel.activities[j]),
                        "url": _activity_url(dataset, panel.activities[j]),
                        "lq": number(lq[j]),
                        "employment": number(employment[j]),
                        "strong10": bool(flags["strong10"][i, j]),
                    }
                )
        strong_rows.sort(key=lambda r: -(r["lq"] or 0))
        context["strong_share"] = number(panel.strong_share[i])
    bars = sorted(
        (
            (
                panel.activity_name(panel.activities[j]),
                _activity_url(dataset, panel.activities[j]),
                float(lq[j]),
            )
            for j in columns
        ),
        key=lambda r: -r[2] if math.isfinite(r[2]) else math.inf,
    )
    trend = _trend(dataset, code)
    context.update(
        {
            "strong": strong_rows,
            "has_flags": "establishments" in dataset.measures,
            "chart": maps.bar_chart(
                bars, title=_("Location quotient by cluster (capped at 5; LQ = 1 dashed)")
            ),
            "trend": trend,
            "trend_charts": _trend_charts(trend),
            "total": number(np.nansum(employment)),
        }
    )
    return render(request, "observatory/region.html", context)


def _related(dataset, panel: ind.Panel, j: int) -> tuple[list[tuple[str, str, str, float]], str]:
    """The activities related to activity ``j``: for trade data by proximity, else by co-location of
    employment across the dataset's regions (Delgado, Porter and Stern 2016), each the pairs in the top
    decile of the matrix, at most 12 (the strongest)."""
    if dataset.is_trade:
        matrix = panel.complexity.proximity.copy()
        basis = _("proximity (co-exported with revealed comparative advantage)")
        columns = list(range(len(panel.activities)))
    else:
        columns = [
            c for c in range(len(panel.activities)) if not panel.grouped or panel.traded[c] == panel.traded[j]
        ]
        matrix = relatedness.colocation_relatedness(np.nan_to_num(panel.measure("employment")[:, columns]))
        basis = _("co-location of employment across the regions of this dataset")
    if j not in columns:
        return [], basis
    local = columns.index(j)
    related = relatedness.related_pairs(matrix, top=0.10)
    order = [c for c in np.argsort(-np.nan_to_num(matrix[local], nan=-np.inf)) if c != local]
    chosen = [c for c in order if related[local, c]][:12]
    rows = [
        (
            panel.activities[columns[c]],
            panel.activity_name(panel.activities[columns[c]]),
            _activity_url(dataset, panel.activities[columns[c]]),
            float(matrix[local, c]),
        )
        for c in chosen
    ]
    return rows, basis


@login_required
@require_GET
def activity_view(request, key, code):
    dataset = dataset_for(request, key)
    panel = panel_for(dataset, request.GET.get("year"))
    if code not in panel.activities:
        raise Http404
    j = panel.activities.index(code)
    measure = "exports" if dataset.is_trade else "employment"
    size = panel.measure(measure)[:, j]
    spec = "rca" if dataset.is_trade else "lq"
    index = panel.matrix(spec)[:, j]
    order = ind.ranks(size)
    rows = [
        {
            "code": r,
            "name": panel.region_name(r),
            "url": _region_url(dataset, r),
            "size": number(size[i]),
            "index": number(index[i]),
            "rank": int(order[i]) or None,
            "strong": bool(panel.flags["strong"][i, j])
            if not dataset.is_trade and "establishments" in dataset.measures
            else None,
        }
        for i, r in enumerate(panel.regions)
    ]
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0))
    name = panel.activity_name(code)
    choropleth = None
    if dataset.country:
        choropleth = maps.choropleth(
            dataset.country,
            {r["code"]: (r["index"] if r["index"] is not None else float("nan")) for r in rows},
            kind="ratio",
            title=_("%(index)s of %(name)s") % {"index": spec.upper(), "name": name},
            names={r["code"]: r["name"] for r in rows},
            links={r["code"]: r["url"] for r in rows},
        )
    related, basis = _related(dataset, panel, j)
    graph = (
        graphs.ego_graph(
            (code, name, _activity_url(dataset, code)),
            related,
            title=_("Related to %(name)s") % {"name": name},
        )
        if related
        else None
    )
    context = {
        "dataset": dataset,
        "panel": panel,
        "code": code,
        "name": name,
        "group": panel.activity_labels[code].group,
        "rows": rows[:TOP],
        "all_regions": len(rows),
        "measure": measure,
        "index_name": spec.upper(),
        "map": choropleth,
        "related": related,
        "related_basis": basis,
        "graph": graph,
        "map_url": reverse("observatory-map", args=[key]) + f"?indicator={spec}&activity={code}",
    }
    if dataset.is_trade:
        context["pci"] = number(panel.complexity.pci[j])
    return render(request, "observatory/activity.html", context)


def _trade_panel(request, key):
    dataset = dataset_for(request, key)
    if "exports" not in dataset.measures and "value" not in dataset.measures:
        raise Http404
    return dataset, panel_for(dataset, request.GET.get("year"))


def _location_rows(dataset, panel) -> list[dict[str, Any]]:
    result = panel.complexity
    ranks = ind.ranks(result.eci)
    rows = [
        {
            "code": c,
            "name": panel.region_name(c),
            "url": _region_url(dataset, c),
            "eci": number(result.eci[i]),
            "rank": int(ranks[i]) or None,
            "diversity": int(result.diversity[i]),
            "coi": number(result.coi[i]),
        }
        for i, c in enumerate(panel.regions)
    ]
    return sorted(rows, key=lambda r: (r["rank"] is None, r["rank"] or 0))


def _activity_rows(dataset, panel) -> list[dict[str, Any]]:
    result = panel.complexity
    trade = np.nansum(panel.measure("exports"), axis=0)
    ranks = ind.ranks(result.pci)
    rows = [
        {
            "code": a,
            "name": panel.activity_name(a),
            "url": _activity_url(dataset, a),
            "pci": number(result.pci[j]),
            "rank": int(ranks[j]) or None,
            "ubiquity": int(result.ubiquity[j]),
            "trade": number(trade[j]),
        }
        for j, a in enumerate(panel.activities)
    ]
    return sorted(rows, key=lambda r: (r["rank"] is None, r["rank"] or 0, natural(r["code"])))


@login_required
@require_GET
def complexity_view(request, key):
    dataset, panel = _trade_panel(request, key)
    activities = _activity_rows(dataset, panel)
    by_code = {r["code"]: r for r in activities}
    nodes = [
        (
            a,
            by_code[a]["name"],
            by_code[a]["url"],
            by_code[a]["pci"] if by_code[a]["pci"] is not None else math.nan,
            by_code[a]["trade"] or 0.0,
        )
        for a in panel.activities
    ]
    space = graphs.product_space(nodes, panel.complexity.proximity, title=_("Product space"))
    locations = _location_rows(dataset, panel)
    show_all = request.GET.get("all") == "1"
    return render(
        request,
        "observatory/complexity.html",
        {
            "dataset": dataset,
            "panel": panel,
            "locations": locations if show_all else locations[:COMPLEXITY_TOP],
            "location_count": len(locations),
            "show_all": show_all,
            "activities": activities,
            "space": space,
            "downloads": [
                (label, fmt, reverse("observatory-complexity-download", args=[key, table, fmt]))
                for table, label in (("locations", _("Locations")), ("activities", _("Activities")))
                for fmt in ("csv", "xlsx")
            ],
        },
    )


@login_required
@require_GET
def complexity_download(request, key, table, fmt):
    dataset, panel = _trade_panel(request, key)
    if table == "locations":
        header = ["location", "name", "eci", "rank", "diversity", "coi"]
        rows = [
            [r["code"], r["name"], r["eci"], r["rank"], r["diversity"], r["coi"]]
            for r in _location_rows(dataset, panel)
        ]
    else:
        header = ["activity", "name", "pci", "rank", "ubiquity", "trade"]
        rows = [
            [r["code"], r["name"], r["pci"], r["rank"], r["ubiquity"], r["trade"]]
            for r in _activity_rows(dataset, panel)
        ]
    return download(header, rows, fmt=fmt, parts=[dataset.key, table, str(panel.year)], sheet=table)
