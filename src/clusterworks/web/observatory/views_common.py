"""What the observatory's views share: the dataset of the URL (after the permission check), a panel's
choices, and table downloads."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from clusterworks.web.core.permissions import require
from clusterworks.web.network.downloads import file_name, table_response

from .forms import natural
from .models import StatisticsDataset
from .services import indicators as ind


def dataset_for(request, key: str) -> StatisticsDataset:
    dataset = get_object_or_404(StatisticsDataset, key=key)
    require(request.user, "observatory.view", dataset)
    return dataset


def panel_for(dataset: StatisticsDataset, year: Any = None) -> ind.Panel:
    try:
        year = int(year) if year not in (None, "") else None
    except ValueError:
        year = None
    if year is not None and year not in dataset.years:
        raise Http404
    return ind.panel(dataset, year)


def activity_choices(panel: ind.Panel, *, traded_first: bool = True) -> list[tuple[str, str]]:
    codes = sorted(panel.activities, key=natural)
    if panel.grouped and traded_first:
        codes.sort(key=lambda c: panel.activity_labels[c].group != "traded")
    return [(c, panel.activity_name(c)) for c in codes]


def number(value: Any) -> Any:
    """A cell for CSV/XLSX/JSON: None for NaN, int when whole."""
    if value is None:
        return None
    value = float(value)
    if value != value:
        return None
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def download(
    header: list[str], rows: list[list[Any]], *, fmt: str, parts: list[str], sheet: str
) -> HttpResponse:
    return table_response(
        (header, rows), fmt=fmt, name=file_name("observatory", *parts, fmt=fmt), sheet=sheet
    )


def json_download(data: dict, *, parts: list[str], fmt: str = "geojson") -> HttpResponse:
    response = HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/geo+json")
    response["Content-Disposition"] = f'attachment; filename="{file_name("observatory", *parts, fmt=fmt)}"'
    response["Cache-Control"] = "no-store"
    return response
