"""Pathway pages: the pipeline board, a product's timeline, bottlenecks, the barrier register and the
report for the ministry.

Each view parses its input, asks ``core.permissions`` (``require`` before showing, ``check`` to show or
hide a button), reads through the selectors (``selectors``, ``analysis``) and the analytics library, and
renders. No view tests a role itself.
"""

from __future__ import annotations

import datetime as dt
import io
import statistics
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language, gettext_lazy, ngettext, ngettext_lazy
from django.utils.translation import gettext as _

from clusterworks.analytics.pathways import InvalidEvents, forecast_time_to_market, gate_clocks
from clusterworks.web.core.models import AuditEvent
from clusterworks.web.core.permissions import NotAllowed, check, deny, require
from clusterworks.web.core.widgets import FastWidgetsMixin
from clusterworks.web.registry.models import Cluster

from . import analysis, charts, messages, reports, selectors
from .models import Agency, Barrier, BarrierKind, BarrierStatus, Product, ProductType, Stage
from .reports import CLOCK_UNITS, STATUS_LABELS, TRL_LABELS, agency_label, agency_names
from .services import barrier_actions, deletable_event_ids

PAGE_SIZE = 50
UNRESOLVED = (BarrierStatus.OPEN, BarrierStatus.ESCALATED)


def _today() -> dt.date:
    return timezone.localdate()


# --- barrier register --------------------------------------------------------------------------------


class BarrierFilterForm(FastWidgetsMixin, forms.Form):
    """The register's filters; a value that is not allowed is reported on the form (naming the value and
    the field) and the list is shown without that filter."""

    cluster = forms.ModelChoiceField(
        label=gettext_lazy("Cluster"),
        queryset=Cluster.objects.none(),
        required=False,
        to_field_name="key",
        empty_label=gettext_lazy("All clusters"),
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Agency"),
        queryset=Agency.objects.all(),
        required=False,
        to_field_name="key",
        empty_label=gettext_lazy("All agencies"),
    )

    def __init__(self, *args, clusters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = clusters
        self.fields["status"].choices = [
            ("", _("All statuses")),
            ("unresolved", _("Open or escalated")),
            *BarrierStatus.choices,
        ]
        self.fields["kind"].choices = [("", _("All kinds")), *BarrierKind.choices]

    def values(self) -> dict[str, Any]:
        """The valid filters (the invalid ones are left out, and their errors stay on the form)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


def _age(barrier: Barrier, today: dt.date) -> int | None:
    """Days a barrier has stood unresolved, or None once it is resolved or closed."""
    return (today - barrier.raised_on).days if barrier.status in UNRESOLVED else None


@login_required
def barrier_list(request):
    visible = selectors.barriers_visible_to(request.user)
    clusters = Cluster.objects.filter(pk__in=visible.values("cluster_id")).order_by("key")
    form = BarrierFilterForm(request.GET or None, clusters=clusters)
    chosen = form.values() if request.GET else {}
    barriers = visible
    if chosen.get("cluster"):
        barriers = barriers.filter(cluster=chosen["cluster"])
    if chosen.get("kind"):
        barriers = barriers.filter(kind=chosen["kind"])
    if chosen.get("agency"):
        barriers = barriers.filter(agencies=chosen["agency"])
    # counts per status: of the list as filtered by everything but the status
    by_status = dict(barriers.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    status = chosen.get("status")
    if status == "unresolved":
        barriers = barriers.filter(status__in=UNRESOLVED)
    elif status:
        barriers = barriers.filter(status=status)
    today = _today()
    open_dates = list(
        visible.filter(pk__in=barriers.values("pk"), status__in=UNRESOLVED).values_list(
            "raised_on", flat=True
        )
    )
    ages = sorted((today - raised).days for raised in open_dates)
    page = Paginator(
        barriers.select_related("cluster").prefetch_related("agencies").order_by("-raised_on", "-pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    for barrier in page:
        barrier.age = _age(barrier, today)
        for agency in barrier.agencies.all():
            agency.short_label = agency_label(agency)
    cluster = chosen.get("cluster") or (clusters.first() if clusters.count() == 1 else None)
    context = {
        "form": form,
        "filtered": bool(chosen),
        "barriers": page,
        "page": page,
        "cluster": cluster,
        "can_report": bool(cluster and check(request.user, "pathways.report", cluster)),
        "can_raise": bool(cluster and check(request.user, "barrier.create", cluster)),
        "show_cluster": not chosen.get("cluster") and clusters.count() > 1,
        "status_counts": [
            {"status": value, "label": label, "count": by_status.get(value, 0)}
            for value, label in BarrierStatus.choices
        ],
        "open_age": {"median": round(statistics.median(ages)), "oldest": ages[-1]} if ages else None,
    }
    return render(request, "pathways/pages/barrier_list.html", context)


#: the labels of the buttons to the barrier's action pages (the records side's workflow)
BARRIER_ACTION_LABELS = {
    "assign": gettext_lazy("Assign an owner"),
    "escalate": gettext_lazy("Escalate"),
    "resolve": gettext_lazy("Mark resolved"),
    "close": gettext_lazy("Close unresolved"),
    "reopen": gettext_lazy("Reopen"),
}


def _barrier_actions(barrier: Barrier) -> list[dict[str, str]]:
    """Buttons to the action pages of the workflow actions that may start from the barrier's status."""

    return [
        {
            "action": action,
            "label": str(BARRIER_ACTION_LABELS.get(action, action)),
            "url": reverse("pathways-barrier-action", args=[barrier.pk, action]),
        }
        for action in barrier_actions(barrier)
    ]


#: a change of a barrier's field in its history, one sentence each
BARRIER_FIELD_CHANGES = {
    "escalated_to": gettext_lazy("escalated to: %(value)s"),
    "escalated_on": gettext_lazy("escalated on: %(value)s"),
    "resolved_on": gettext_lazy("resolved or closed on: %(value)s"),
    "resolution": gettext_lazy("resolution: %(value)s"),
}
#: the links of a barrier added or removed (the audit log's "added", "removed", "cleared"), counted
BARRIER_LINK_CHANGES = {
    ("agencies", "added"): ngettext_lazy("%(count)s agency linked", "%(count)s agencies linked", "count"),
    ("agencies", "removed"): ngettext_lazy(
        "%(count)s agency unlinked", "%(count)s agencies unlinked", "count"
    ),
    ("agencies", "cleared"): ngettext_lazy(
        "%(count)s agency unlinked", "%(count)s agencies unlinked", "count"
    ),
    ("products", "added"): ngettext_lazy("%(count)s product linked", "%(count)s products linked", "count"),
    ("products", "removed"): ngettext_lazy(
        "%(count)s product unlinked", "%(count)s products unlinked", "count"
    ),
    ("products", "cleared"): ngettext_lazy(
        "%(count)s product unlinked", "%(count)s products unlinked", "count"
    ),
    ("gates", "added"): ngettext_lazy("%(count)s gate linked", "%(count)s gates linked", "count"),
    ("gates", "removed"): ngettext_lazy("%(count)s gate unlinked", "%(count)s gates unlinked", "count"),
    ("gates", "cleared"): ngettext_lazy("%(count)s gate unlinked", "%(count)s gates unlinked", "count"),
}


def barrier_history(barrier: Barrier) -> list[dict[str, Any]]:
    """The barrier's changes from the audit log, oldest first: when, who, the status after the change,
    and a sentence per changed field (status, owner, escalation, resolution, linked objects)."""
    events = list(
        AuditEvent.objects.filter(model=Barrier._meta.label, object_id=str(barrier.pk)).order_by("at", "id")
    )
    user_ids = {
        value
        for event in events
        for value in (event.changes or {}).get("owner_id", [])
        if isinstance(value, int)
    }
    users = {
        u.pk: u.get_full_name() or u.get_username() for u in get_user_model().objects.filter(pk__in=user_ids)
    }
    status_labels = dict(BarrierStatus.choices)
    history = []
    status = ""
    for event in events:
        changes = event.changes or {}
        lines = []
        if "status" in changes:
            old, new = changes["status"]
            status = new or status
            if old:
                lines.append(
                    _("status: %(old)s → %(new)s")
                    % {"old": status_labels.get(old, old), "new": status_labels.get(new, new)}
                )
            else:
                lines.append(_("raised, status: %(new)s") % {"new": status_labels.get(new, new)})
        if "owner_id" in changes:
            lines.append(_("owner: %(name)s") % {"name": users.get(changes["owner_id"][1], "—")})
        for name, sentence in BARRIER_FIELD_CHANGES.items():
            if name in changes and isinstance(changes[name], list):
                lines.append(sentence % {"value": changes[name][1] or "—"})
        for name in ("agencies", "products", "gates"):
            change = changes.get(name)
            if isinstance(change, dict):
                for verb, ids in change.items():
                    sentence = BARRIER_LINK_CHANGES.get((name, verb))
                    if sentence is not None:
                        lines.append(sentence % {"count": len(ids)})
        if lines:
            history.append({"at": event.at, "who": event.actor_label, "status": status, "changes": lines})
    return history


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


@login_required
def barrier_detail(request, pk):
    barrier = get_object_or_404(
        Barrier.objects.select_related("cluster", "raised_by", "raised_for", "owner"), pk=pk
    )
    require(request.user, "barrier.view", barrier)
    products = list(barrier.products.select_related("cluster").order_by("name_en", "pk"))
    shown = [p for p in products if check(request.user, "product.view", p)]
    can_manage = bool(check(request.user, "barrier.manage", barrier))
    context = {
        "barrier": barrier,
        "age": _age(barrier, _today()),
        "raised_by": _person(barrier.raised_by),
        "owner": _person(barrier.owner),
        "agencies": list(barrier.agencies.all()),
        "gates": list(barrier.gates.select_related("catalogue").order_by("catalogue__key", "position")),
        "products": shown,
        "hidden_products": len(products) - len(shown),
        "history": barrier_history(barrier),
        "can_manage": can_manage,
        "can_report": bool(check(request.user, "pathways.report", barrier.cluster)),
        "actions": _barrier_actions(barrier) if can_manage else [],
    }
    return render(request, "pathways/pages/barrier_detail.html", context)


# --- clusters and labels -----------------------------------------------------------------------------

CARDS_PER_COLUMN = 60


def _pipeline_clusters(user) -> list[Cluster]:
    """The clusters whose pipeline the user may open: those with ``pathways.report``, and those of the
    products the user may see."""
    with_products = selectors.products_visible_to(user).values("cluster_id")
    clusters = Cluster.objects.filter(pk__in=with_products) | Cluster.objects.filter(
        pk__in=user.managed_cluster_ids()
    )
    return list(clusters.distinct().order_by("key"))


def _chosen_cluster(request, *, need_report: bool) -> tuple[Cluster, bool]:
    """The cluster of ``?cluster=<key>`` (or the user's first, when not given) and whether the user may
    see its whole pipeline. Raises 404 for an unknown key, and 403 (with the reason) when the user may
    not report on it and, if ``need_report`` is false, sees none of its products either."""
    key = request.GET.get("cluster", "").strip()
    if key:
        cluster = get_object_or_404(Cluster, key=key)
    else:
        clusters = _pipeline_clusters(request.user)
        reporting = [c for c in clusters if check(request.user, "pathways.report", c)]
        if not (reporting or clusters):
            raise NotAllowed(
                "pathways.report", deny(_("no cluster's pipeline is visible to you, nor any of its products"))
            )
        cluster = (reporting or clusters)[0]
    decision = check(request.user, "pathways.report", cluster)
    if not decision and (
        need_report or not selectors.products_visible_to(request.user).filter(cluster=cluster).exists()
    ):
        require(request.user, "pathways.report", cluster)  # refused, with the reason
    return cluster, bool(decision)


def _gate_name(pipeline, catalogue: str, key: str | None) -> str:
    gate = pipeline.gate(catalogue, key) if key else None
    return str(gate) if gate is not None else (key or "")


def _clock_text(clock_used: int | None, statutory: int | None, kind: str) -> str:
    if statutory is None or clock_used is None:
        return ""
    if kind == "working":
        sentence = ngettext(
            "%(used)s of %(statutory)s working day", "%(used)s of %(statutory)s working days", statutory
        )
    else:
        sentence = ngettext(
            "%(used)s of %(statutory)s calendar day", "%(used)s of %(statutory)s calendar days", statutory
        )
    return sentence % {"used": clock_used, "statutory": statutory}


# --- the pipeline board ------------------------------------------------------------------------------


class BoardFilterForm(FastWidgetsMixin, forms.Form):
    type = forms.ChoiceField(label=gettext_lazy("Product type"), required=False)
    agency = forms.ChoiceField(label=gettext_lazy("Agency of the current gate"), required=False)

    def __init__(self, *args, agencies: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["type"].choices = [("", _("All types")), *ProductType.choices]
        self.fields["agency"].choices = [
            ("", _("All agencies")),
            *sorted(agencies.items(), key=lambda item: item[1].lower()),
        ]

    def values(self) -> dict[str, str]:
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


def product_cards(pipeline, result, *, today: dt.date) -> list[dict[str, Any]]:
    """A card per product of the analysis: where it stands, for how long, against which clock.

    Kept with the pipeline per language (:meth:`.analysis.ClusterPipeline.memo`): the cards are shared,
    and callers must not change them."""
    return pipeline.memo(("cards", get_language(), today), lambda: _cards(pipeline, result, today=today))


def _cards(pipeline, result, *, today: dt.date) -> list[dict[str, Any]]:
    report = result.report
    names = agency_names(pipeline)
    last_clock = {}
    for clock in report.clocks:
        last_clock[(clock.product, clock.gate)] = clock  # clocks come by attempt: the last one wins
    cards = []
    for spec in report.products:
        product = pipeline.product(spec.key)
        position = report.positions[spec.key]
        gate = pipeline.gate(spec.catalogue, position.gate) if position.gate else None
        clock = last_clock.get((spec.key, position.gate)) if position.gate else None
        if clock is not None and clock.open:
            days, since, status = (
                clock.elapsed_days,
                clock.submitted,
                ("under_query" if clock.under_query else "at_agency"),
            )
        else:
            clock = None
            since = position.last_ended or product.started_on
            # past its last gate a product is not waiting for anything: it has been on the market since
            status = "on_market" if position.stage == Stage.MARKET else "waiting"
            days = (today - since).days
        agency_key = gate.agency.key if gate is not None and gate.agency is not None else ""
        cards.append(
            {
                "product": product,
                "type": product.get_type_display(),
                "risk_class": product.risk_class,
                "trl": product.trl,
                "stage": position.stage,
                "gate": str(gate) if gate is not None else "",
                "agency_key": agency_key,
                "agency": names.get(agency_key, ""),
                "status": status,
                "status_label": STATUS_LABELS[status],
                "since": since,
                "days": days,
                "clock": clock,
                "clock_text": _clock_text(clock.clock_used, clock.statutory, clock.clock_kind)
                if clock
                else "",
                "clock_share": (
                    min(clock.clock_used / clock.statutory, 1.0) if clock and clock.statutory else None
                ),
                "overdue": bool(clock and clock.overdue),
                "lead": pipeline.lead(product.pk),
            }
        )
        cards[-1]["meter"] = _meter(cards[-1]["clock_share"], cards[-1]["overdue"])
    return cards


def _meter(share: float | None, overdue: bool) -> str:
    """A thin bar of the share of the statutory clock used (inline SVG: no inline styles allowed)."""
    if share is None:
        return ""

    return format_html(
        '<svg viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true">'
        '<rect class="used{}" x="0" y="0" width="{}" height="6"/></svg>',
        " is-overdue" if overdue else "",
        f"{share * 100:.1f}",
    )


@login_required
def board(request):

    cluster, can_report = _chosen_cluster(request, need_report=False)
    today = _today()
    if can_report:
        pipeline, result = analysis.analysed_pipeline(cluster=cluster, today=today)
    else:  # the products of the reader's consortia only
        pipeline = analysis.cluster_pipeline(
            cluster=cluster, products=selectors.products_visible_to(request.user)
        )
        result = analysis.pipeline_analysis(pipeline, today=today)
    form = BoardFilterForm(request.GET or None, agencies=agency_names(pipeline))
    chosen = form.values() if request.GET else {}
    cards = product_cards(pipeline, result, today=today)
    if chosen.get("type"):
        cards = [c for c in cards if c["product"].type == chosen["type"]]
    if chosen.get("agency"):
        cards = [c for c in cards if c["agency_key"] == chosen["agency"]]
    columns = []
    for stage, label in Stage.choices:
        own = sorted(
            (c for c in cards if c["stage"] == stage),
            key=lambda c: (not c["overdue"], -c["days"], str(c["product"])),
        )
        columns.append(
            {"stage": stage, "label": label, "count": len(own), "cards": own[:CARDS_PER_COLUMN],
             "more": max(len(own) - CARDS_PER_COLUMN, 0)}
        )  # fmt: skip
    funnel = analysis.funnel_of(result.report, [c["product"].key for c in cards])
    levels = [(trl, str(TRL_LABELS[trl]), count) for trl, count in enumerate(funnel.by_trl, start=1)]
    context = {
        "cluster": cluster,
        "clusters": _pipeline_clusters(request.user),
        "can_report": can_report,
        "form": form,
        "filtered": bool(chosen),
        "columns": columns,
        "total": len(cards),
        "overdue": sum(1 for c in cards if c["overdue"]),
        "levels": levels,
        "funnel_svg": charts.trl_funnel(levels, title=_("Products by technology readiness level")),
        "invalid": invalid_problems(pipeline, result),
        "today": today,
        "can_create": check(request.user, "product.create", cluster),
    }
    return render(request, "pathways/pages/board.html", context)


def invalid_problems(pipeline, result) -> dict[str, list[str]]:
    """The products set aside because their events break the rules, each with its problems in the
    reader's language (the gate by its name where the product's catalogue has it)."""
    problems: dict[str, list[str]] = {}
    for key, issues in result.invalid.items():
        try:
            product = pipeline.product(key)
            names = {gate.key: str(gate) for gate in pipeline.gates.get(product.catalogue_id, ())}
        except KeyError:
            names = {}
        problems[key] = [messages.event_issue_at(issue, names.get(issue.gate, "")) for issue in issues]
    return problems


# --- a product's page --------------------------------------------------------------------------------

FORECAST_SEED = 20_240_601  # fixed, so that the page shows the same forecast until the data change
FORECAST_DRAWS = 10_000
#: the forecast learns from the gate histories of at most this many products (the latest to start)
FORECAST_PEERS = 1000


def timeline_rows(gates, clocks, *, today: dt.date) -> list[Any]:
    """The timeline's rows: a row per gate, in order, with a bar per attempt (see ``charts.timeline``)."""

    by_gate: dict[str, list[Any]] = {}
    for clock in clocks:
        by_gate.setdefault(clock.gate, []).append(clock)
    rows = []
    for gate in gates:
        attempts = []
        for clock in by_gate.get(gate.key, []):
            ended = clock.decided or today
            attempts.append(
                charts.Attempt(
                    submitted=clock.submitted,
                    ended=ended,
                    decision=clock.decision or "",
                    queries=tuple((query, answered or ended) for query, answered in clock.stops),
                    clock_end=clock.due,
                    overdue=clock.overdue,
                    number=clock.attempt,
                )
            )
        rows.append(
            charts.TimelineRow(
                key=gate.key, label=str(gate), agency=agency_label(gate.agency), attempts=tuple(attempts)
            )
        )
    return rows


def _forecast_history(product, *, today: dt.date) -> tuple[Any, ...]:
    """The recorded attempts of the :data:`FORECAST_PEERS` products of the product's cluster under its
    catalogue that started last (recent practice rather than the whole past).

    Taken from the cluster's kept analysis when there is one; else only those products are analysed,
    and their attempts kept until the data change (:func:`.analysis.kept`)."""
    whole = analysis.kept_pipeline(cluster=product.cluster, today=today)
    if whole is not None:
        pipeline, result = whole

        def from_whole() -> tuple[Any, ...]:
            peers = sorted(
                (p for p in pipeline.products if p.catalogue_id == product.catalogue_id),
                key=lambda p: (p.started_on, p.pk),
                reverse=True,
            )[:FORECAST_PEERS]
            keys = {p.key for p in peers}
            return tuple(clock for clock in result.report.clocks if clock.product in keys)

        return pipeline.memo(("forecast history", product.catalogue_id), from_whole)

    def from_peers() -> tuple[Any, ...]:
        recent = Product.objects.filter(
            cluster_id=product.cluster_id, catalogue_id=product.catalogue_id
        ).order_by("-started_on", "-pk")
        peers = analysis.cluster_pipeline(
            cluster=product.cluster,
            products=Product.objects.filter(pk__in=recent.values_list("pk", flat=True)[:FORECAST_PEERS]),
        )
        return analysis.pipeline_analysis(peers, today=today).report.clocks

    return analysis.kept(f"forecast history {product.catalogue_id}", product.cluster, today, from_peers)


def _forecast(product, gates, events, *, today: dt.date) -> dict[str, Any] | None:
    """The Monte Carlo forecast of the product's time to market, from the recorded attempts of the
    products of its cluster under the same catalogue (the :data:`FORECAST_PEERS` latest to start)."""

    if not gates:
        return None
    history = _forecast_history(product, today=today)
    specs = {gate.key: selectors.gate_spec(gate) for gate in gates}
    forecast = forecast_time_to_market(
        product=product.key,
        events=events,
        gates=specs,
        history=history,
        calendar=analysis.working_calendar(),
        today=today,
        draws=FORECAST_DRAWS,
        seed=FORECAST_SEED,
    )
    #: where the forecast took a gate's durations from (``GateForecast.duration_source``)
    sources = {
        "history": _("recorded durations"),
        "typical": _("the typical range"),
        "statutory": _("the statutory clock"),
        "none": _("nothing: no records, range or clock"),
    }
    edges, counts = forecast.histogram(bins=24)
    bins = [
        (
            today + dt.timedelta(days=round(edges[i])),
            today + dt.timedelta(days=round(edges[i + 1])),
            counts[i],
        )
        for i in range(len(counts))
    ]
    quantiles = [
        ("p10", forecast.p10_date),
        (_("median"), forecast.p50_date),
        ("p90", forecast.p90_date),
    ]
    return {
        "forecast": forecast,
        "assumptions": [messages.render(assumption) for assumption in forecast.assumptions],
        # every draw on one day (e.g. nothing left to wait for): a chart would show a single line
        "svg": charts.forecast_histogram(
            bins, quantiles=quantiles, draws=forecast.draws, title=_("Forecast time to market: draws by date")
        )
        if edges[-1] - edges[0] >= 1
        else "",
        "per_gate": [
            {
                "gate": next((str(g) for g in gates if g.key == part.gate), part.gate),
                "source": sources.get(part.duration_source, part.duration_source),
                "part": part,
            }
            for part in forecast.per_gate
        ],
    }


@login_required
def product_detail(request, key):

    product = get_object_or_404(Product.objects.select_related("cluster", "catalogue"), key=key)
    require(request.user, "product.view", product)
    today = _today()
    gates = selectors.product_gates(product)
    rows = selectors.product_event_rows(product)
    events = [
        selectors.event_of(row, product_key=product.key, gate_key=row.gate.key, line=row.pk) for row in rows
    ]
    specs = {gate.key: selectors.gate_spec(gate) for gate in gates}
    gate_by_key = {gate.key: gate for gate in gates}
    problems: list[str] = []
    try:
        clocks = gate_clocks(events, specs, calendar=analysis.working_calendar(), today=today)
    except InvalidEvents as error:
        clocks = ()
        problems = [
            messages.event_issue_at(issue, str(gate_by_key.get(issue.gate, ""))) for issue in error.issues
        ]
        if error.total > len(error.issues):
            problems.append(
                ngettext(
                    "and %(count)s more problem.",
                    "and %(count)s more problems.",
                    error.total - len(error.issues),
                )
                % {"count": error.total - len(error.issues)}
            )
    forecast = _forecast(product, gates, events, today=today) if not problems else None
    can_change = bool(check(request.user, "product.change", product))
    context = {
        "product": product,
        "cluster": product.cluster,
        "can_report": bool(check(request.user, "pathways.report", product.cluster)),
        "can_change": can_change,
        "today": today,
        "problems": problems,
        "timeline_svg": charts.timeline(
            timeline_rows(gates, clocks, today=today),
            today=today,
            since=product.started_on,
            title=_("Timeline of %(product)s, gate by gate") % {"product": product},
        ),
        "attempts": [
            {
                "clock": clock,
                "gate": gate_by_key.get(clock.gate),
                "agency": agency_label(gate_by_key[clock.gate].agency) if clock.gate in gate_by_key else "",
                "clock_text": _clock_text(clock.clock_used, clock.statutory, clock.clock_kind),
                "unit": CLOCK_UNITS.get(clock.clock_kind, ""),
            }
            for clock in clocks
        ],
        "gates": gates,
        "events": rows,
        # only the latest event of each gate may be deleted (services.event_delete refuses the others)
        "deletable_events": deletable_event_ids(rows) if can_change else set(),
        "participants": list(product.participants.select_related("organisation").order_by("role", "pk")),
        "documents": list(product.documents.select_related("gate")),
        "barriers": list(
            selectors.barriers_visible_to(request.user).filter(products=product).order_by("-raised_on", "-pk")
        ),
        "forecast": forecast,
        "trl_label": TRL_LABELS.get(product.trl, ""),
    }
    return render(request, "pathways/pages/product_detail.html", context)


# --- bottlenecks -------------------------------------------------------------------------------------


def duration_charts(pipeline, result) -> dict[str, Any]:
    """The bottleneck charts: per agency, the share of the statutory clock used (100% marked); per gate
    with a clock, the clock days used against its statutory time."""

    names = agency_names(pipeline)
    agencies = [
        charts.DurationRow(
            key=stats.agency,
            label=names.get(stats.agency, stats.agency),
            median=stats.clock_share_median * 100,
            p75=stats.clock_share_p75 * 100,
            p90=stats.clock_share_p90 * 100,
            clock=100.0,
            count=stats.decided,
        )
        for stats in result.agencies
        if stats.clock_share_median is not None
    ]
    gates = []
    for stats in result.gates:
        if stats.statutory is None or stats.clock_used_median is None:
            continue
        gate = pipeline.gate(stats.catalogue, stats.gate)
        gates.append(
            charts.DurationRow(
                key=f"{stats.catalogue}/{stats.gate}",
                label=f"{gate if gate is not None else stats.gate} ({CLOCK_UNITS[stats.clock_kind]})",
                median=stats.clock_used_median,
                p75=stats.clock_used_p75,
                p90=stats.clock_used_p90,
                clock=float(stats.statutory),
                count=stats.decided,
            )
        )
    return {
        "agency_svg": charts.duration_bars(
            agencies, title=_("Share of the statutory clock used, by agency"), unit="%"
        )
        if agencies
        else "",
        "gate_svg": charts.duration_bars(gates, title=_("Clock days used, by gate"), unit="days")
        if gates
        else "",
    }


@login_required
def bottlenecks(request):

    cluster, _can_report = _chosen_cluster(request, need_report=True)
    today = _today()
    pipeline, result = analysis.analysed_pipeline(cluster=cluster, today=today)
    context = {
        "cluster": cluster,
        "clusters": [
            c for c in _pipeline_clusters(request.user) if check(request.user, "pathways.report", c)
        ],
        "can_report": True,
        "today": today,
        "tables": [
            reports.agency_table(pipeline, result),
            reports.gate_table(pipeline, result),
            reports.stuck_table(pipeline, result),
        ],
        "invalid": invalid_problems(pipeline, result),
        **duration_charts(pipeline, result),
    }
    return render(request, "pathways/pages/bottlenecks.html", context)


# --- the report for the ministry ---------------------------------------------------------------------


@login_required
def report(request):

    cluster, _can_report = _chosen_cluster(request, need_report=True)
    built = reports.ministry_report(
        cluster=cluster, barriers=selectors.barriers_visible_to(request.user), today=_today()
    )
    return render(
        request, "pathways/pages/report.html", {"report": built, "cluster": cluster, "can_report": True}
    )


@login_required
def report_xlsx(request):

    cluster, _can_report = _chosen_cluster(request, need_report=True)
    today = _today()
    built = reports.ministry_report(
        cluster=cluster, barriers=selectors.barriers_visible_to(request.user), today=today
    )
    out = io.BytesIO()
    reports.write_xlsx(built, out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="pathways-{cluster.key}-{today.isoformat()}.xlsx"'
    )
    response["Cache-Control"] = "no-store"
    return response
