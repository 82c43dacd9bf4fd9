"""The public results of a call, for everyone (no sign-in): the published awards with their cluster,
region, title and amount, the totals, and the same as open data (360Giving JSON, CSV). Nothing about the
reviewers, the reviews or their scores is shown."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from django.shortcuts import get_object_or_404, render

from clusterworks.web.core.permissions import require

from .models import BudgetItem, Call
from .money import format_roubles, format_share
from .services import awards as awards_service
from .views_decisions import export_response

#: the open-data formats of the public page
PUBLIC_FORMATS = ("json", "csv")


def _published_call(key: str, user) -> Call:
    call = get_object_or_404(Call.objects.select_related("programme"), key=key)
    require(user, "call.view", call)
    return call


def results(request, key):
    call = _published_call(key, request.user)
    awards = list(awards_service.call_awards(call=call, only_public=True))
    total = sum((a.amount for a in awards), Decimal(0))
    requested = (
        BudgetItem.objects.filter(application__call=call)
        .exclude(application__state__in=("draft", "withdrawn"))
        .aggregate(s=Sum("federal"))["s"]
    )
    context = {
        "call": call,
        "rows": [
            {
                "number": a.application.number,
                "title": a.application.title,
                "cluster": a.application.cluster,
                "region": a.application.region,
                "sector": a.application.sector,
                "amount": format_roubles(a.amount),
            }
            for a in awards
        ],
        "count": len(awards),
        "total": format_roubles(total),
        "envelope": format_roubles(call.envelope),
        "share": format_share(total / call.envelope * 100 if call.envelope else None, places=1),
        "requested": format_roubles(requested) if requested and awards else None,
        "formats": PUBLIC_FORMATS,
    }
    return render(request, "programme/public/results.html", context)


def results_export(request, key, fmt):
    call = _published_call(key, request.user)
    return export_response(call, fmt, only_public=True, allowed=PUBLIC_FORMATS)
