"""A cluster's pipeline in the terms of the analytics library, read in a fixed number of queries.

:func:`cluster_pipeline` reads the products of a cluster (all of them, or those of a given queryset),
their catalogues' gates with the agencies, every gate event and the consortium leads with their
names: six queries however many products there are, never one per product. It turns the rows into
the inputs of ``clusterworks.analytics.pathways`` (:class:`ProductSpec`, :class:`Event`, :class:`GateSpec` by
catalogue). :func:`pipeline_analysis` runs :func:`~clusterworks.analytics.pathways.pathway_report` on
them. :func:`analysed_pipeline` keeps a cluster's whole pipeline and its analysis in memory, per
process, until the data change (the data version that every audited write increases, see
``core/page_cache.py``) or the day does: the board, the bottlenecks, the report and the forecasts then
cost one query instead of reading a hundred thousand events again.

Working days follow :func:`working_calendar`: the bundled Russian calendar, extended by the CSV file
named in the ``PATHWAYS_CALENDAR`` setting (a government decree on the next year's transfers, say).

Gates that apply to some risk classes only (``Gate.device_classes``) make a catalogue differ between
products. A product whose class skips a gate gets its own variant of the catalogue (key
``"<catalogue>@<class>"``) holding the gates that apply to it, so that its position never waits at a
gate it does not have. The statistics per gate and per agency are then taken over the real catalogues
(the clocks of the variants are the same clocks, relabelled).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import get_language

from clusterworks.analytics.pathways import (
    Event,
    EventIssue,
    GateSpec,
    InvalidEvents,
    PathwayReport,
    ProductSpec,
    WorkingCalendar,
    agency_statistics,
    bottlenecks,
    gate_statistics,
    load_calendar,
    pathway_report,
    russian_calendar,
    trl_funnel,
)
from clusterworks.web.core.kept import Kept
from clusterworks.web.core.page_cache import data_version
from clusterworks.web.registry.models import Cluster

from .models import Agency, Gate, GateEvent, ParticipantRole, Product, ProductParticipant
from .selectors import gate_spec

#: how many times :func:`pipeline_analysis` sets aside products with invalid events and tries again
MAX_RETRIES = 5


@dataclass
class ClusterPipeline:
    """The rows of a cluster's pipeline and the analytics' inputs made of them.

    ``products`` are ORM rows (with their catalogue), ``gates`` the gates of each catalogue (by id, in
    order, agency loaded), ``agencies`` every agency by key, ``leads`` the consortium lead of each
    product (its first developer, else its first participant) by product id, as its names in English
    and Russian (:meth:`lead` gives the reader's). ``specs``, ``events``
    and ``gates_by_catalogue`` are the analytics' inputs; ``catalogue_of`` maps a product key to its
    analytics catalogue key and ``real_catalogue`` a variant's key to its catalogue's key.
    """

    cluster: Cluster
    products: list[Product]
    gates: dict[int, list[Gate]]
    agencies: dict[str, Agency]
    leads: dict[int, tuple[str, str]]
    specs: list[ProductSpec] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    gates_by_catalogue: dict[str, dict[str, GateSpec]] = field(default_factory=dict)
    catalogue_of: dict[str, str] = field(default_factory=dict)
    real_catalogue: dict[str, str] = field(default_factory=dict)

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """``compute()``, once per pipeline and ``key``: what pages derive from a kept pipeline (the
        board's cards in one language, say) is kept with it, and goes when it goes."""
        memos = self.__dict__.setdefault("_memos", {})
        if key not in memos:
            memos[key] = compute()
        return memos[key]

    def lead(self, product_id: int) -> str:
        """The name of the product's consortium lead in the reader's language (else the other one)."""
        english, russian = self.leads.get(product_id, ("", ""))
        return russian if (get_language() or "en").startswith("ru") else english

    def product(self, key: str) -> Product:
        return self._by_key()[key]

    def _by_key(self) -> dict[str, Product]:
        cached = getattr(self, "_products_by_key", None)
        if cached is None:
            cached = self._products_by_key = {p.key: p for p in self.products}
        return cached

    def gate(self, catalogue: str, key: str) -> Gate | None:
        """The gate ``key`` of the analytics catalogue ``catalogue`` (a variant or a real one)."""
        real = self.real_catalogue.get(catalogue, catalogue)
        return self._gates_by_key().get((real, key))

    def _gates_by_key(self) -> dict[tuple[str, str], Gate]:
        cached = getattr(self, "_gate_index", None)
        if cached is None:
            cached = self._gate_index = {
                (gate.catalogue.key, gate.key): gate for gates in self.gates.values() for gate in gates
            }
        return cached


def _lead_names(product_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """The consortium lead's name per product, in English and in Russian (its short name in both when
    it has one): its first developer, else its first participant.

    Read as values, not model instances: a large pipeline has tens of thousands of participants."""
    from clusterworks.web.registry.models import Organisation

    leads: dict[int, tuple[bool, int]] = {}
    rows = (
        ProductParticipant.objects.filter(product_id__in=product_ids)
        .order_by("product_id", "pk")
        .values_list("product_id", "role", "organisation_id")
    )
    for product_id, role, organisation_id in rows.iterator(chunk_size=5000):
        developer = role == ParticipantRole.DEVELOPER
        known = leads.get(product_id)
        if known is None or (developer and not known[0]):
            leads[product_id] = (developer, organisation_id)
    wanted = {organisation_id for _developer, organisation_id in leads.values()}
    names = {
        pk: (short, short) if short else (name_en or name_ru, name_ru or name_en)
        for pk, short, name_en, name_ru in Organisation.objects.filter(pk__in=wanted).values_list(
            "pk", "short_name", "name_en", "name_ru"
        )
    }
    return {product: names.get(organisation, ("", "")) for product, (_dev, organisation) in leads.items()}


def cluster_pipeline(*, cluster: Cluster, products: QuerySet[Product] | None = None) -> ClusterPipeline:
    """The pipeline of ``cluster``: its products (or those of ``products`` in it), in six queries.

    Withdrawn products are left out (``Product.withdrawn_on``).
    """
    rows = Product.objects if products is None else products
    product_rows = list(
        rows.filter(cluster=cluster, withdrawn_on__isnull=True)
        .select_related("catalogue")
        .order_by("name_en", "name_ru", "pk")
    )
    catalogue_ids = {p.catalogue_id for p in product_rows}
    gates: dict[int, list[Gate]] = defaultdict(list)
    for gate in (
        Gate.objects.filter(catalogue_id__in=catalogue_ids)
        .select_related("catalogue")
        .order_by("catalogue_id", "position")
    ):
        gates[gate.catalogue_id].append(gate)
    agencies = {agency.key: agency for agency in Agency.objects.all()}
    by_id = {agency.pk: agency for agency in agencies.values()}
    for catalogue_gates in gates.values():
        for gate in catalogue_gates:
            gate.agency = by_id.get(gate.agency_id)
    pipeline = ClusterPipeline(
        cluster=cluster,
        products=product_rows,
        gates=dict(gates),
        agencies=agencies,
        leads=_lead_names([p.pk for p in product_rows]) if product_rows else {},
    )
    _fill_inputs(pipeline)
    return pipeline


def _fill_inputs(pipeline: ClusterPipeline) -> None:
    """The analytics' inputs of ``pipeline``'s rows: specs, variants of catalogues, events."""
    specs_of: dict[int, dict[str, GateSpec]] = {
        catalogue_id: {gate.key: gate_spec(gate) for gate in gates}
        for catalogue_id, gates in pipeline.gates.items()
    }
    gate_key: dict[int, str] = {gate.pk: gate.key for gates in pipeline.gates.values() for gate in gates}
    product_key: dict[int, str] = {}
    for product in pipeline.products:
        real = product.catalogue.key
        all_gates = pipeline.gates.get(product.catalogue_id, [])
        applying = [gate for gate in all_gates if gate.applies_to(product.risk_class)]
        key = real if len(applying) == len(all_gates) else f"{real}@{product.risk_class}"
        if key not in pipeline.gates_by_catalogue:
            specs = specs_of.get(product.catalogue_id, {})
            pipeline.gates_by_catalogue[key] = {gate.key: specs[gate.key] for gate in applying}
            pipeline.real_catalogue[key] = real
        pipeline.catalogue_of[product.key] = key
        product_key[product.pk] = product.key
        pipeline.specs.append(
            ProductSpec(
                key=product.key,
                type=product.type,
                trl=product.trl,
                catalogue=key,
                started_on=product.started_on,
            )
        )
    if not product_key:
        return
    # One query for every event; tuples rather than model instances, which would cost several times
    # more for the hundred thousand events of a large cluster (``selectors.event_of`` does the same
    # conversion for one product's rows).
    rows = (
        GateEvent.objects.filter(product_id__in=product_key.keys())
        .order_by("date", "pk")
        .values_list("product_id", "gate_id", "kind", "date", "decision", "pk")
    )
    pipeline.events = [
        Event(
            product=product_key[product_id],
            gate=gate_key.get(gate_id, f"#{gate_id}"),
            kind=kind,
            date=date,
            decision=decision or None,
            line=pk,
        )
        for product_id, gate_id, kind, date, decision, pk in rows.iterator(chunk_size=5000)
    ]


# ------------------------------------------------------------------------------------------ analysis


@dataclass(frozen=True)
class PipelineAnalysis:
    """:func:`~clusterworks.analytics.pathways.pathway_report` of a pipeline, with the statistics per
    gate and agency and the bottlenecks over the real catalogues, and the products set aside because
    their recorded events break the rules (``invalid``: product key -> the problems, each an
    ``EventIssue`` of the library, worded for the reader by ``messages.event_issue_at``)."""

    report: PathwayReport
    gates: tuple[Any, ...]
    agencies: tuple[Any, ...]
    bottlenecks: Any
    invalid: dict[str, list[EventIssue]]


def _real_catalogues(pipeline: ClusterPipeline) -> dict[str, dict[str, GateSpec]]:
    """Each real catalogue that the pipeline's products use, with all its gates."""
    result: dict[str, dict[str, GateSpec]] = {}
    for gates in pipeline.gates.values():
        if gates:
            result[gates[0].catalogue.key] = {gate.key: gate_spec(gate) for gate in gates}
    used = set(pipeline.real_catalogue.values())
    return {key: specs for key, specs in result.items() if key in used}


def pipeline_analysis(pipeline: ClusterPipeline, *, today: dt.date, min_days: int = 30) -> PipelineAnalysis:
    """Run the report on ``pipeline``. Products whose events break the rules (data recorded before the
    rules were checked, or changed under them) are set aside with their problems, and the report is
    run on the others."""
    calendar = working_calendar()
    invalid: dict[str, list[EventIssue]] = {}
    specs, events = list(pipeline.specs), list(pipeline.events)
    for _attempt in range(MAX_RETRIES + 1):
        try:
            report = pathway_report(
                specs, events, pipeline.gates_by_catalogue, calendar=calendar, today=today, min_days=min_days
            )
            break
        except InvalidEvents as error:
            bad = {issue.product for issue in error.issues}
            for issue in error.issues:
                invalid.setdefault(issue.product, []).append(issue)
            specs = [spec for spec in specs if spec.key not in bad]
            events = [event for event in events if event.product not in bad]
    else:  # pragma: no cover  (more than 500 products with broken histories)
        specs, events = [], []
        report = pathway_report([], [], pipeline.gates_by_catalogue, calendar=calendar, today=today)
    if any(key != real for key, real in pipeline.real_catalogue.items()):
        real = _real_catalogues(pipeline)
        clocks = [
            dataclasses.replace(c, catalogue=pipeline.real_catalogue[c.catalogue]) for c in report.clocks
        ]
        return PipelineAnalysis(
            report=report,
            gates=gate_statistics(clocks, real),
            agencies=agency_statistics(clocks, real),
            bottlenecks=bottlenecks(clocks, real),
            invalid=invalid,
        )
    return PipelineAnalysis(
        report=report,
        gates=report.gates,
        agencies=report.agencies,
        bottlenecks=report.bottlenecks,
        invalid=invalid,
    )


_KEPT = Kept("PATHWAYS_ANALYSIS_CACHE")


def kept(
    kind: str, cluster: Cluster, today: dt.date, compute: Callable[[], Any], *, only_if_kept: bool = False
) -> Any:
    """``compute()`` for ``cluster`` on ``today``, kept until the data change.

    Kept in this process's memory for the ``PATHWAYS_ANALYSIS_CACHE`` most recently used entries (0:
    nothing is kept; :class:`~clusterworks.web.core.kept.Kept`). Every audited write increases the data
    version, so an entry is never served after a change to the products, their events, consortia,
    catalogues or organisations; a new day gives a new version too, as the clocks run on. With
    ``only_if_kept`` nothing is computed: None unless kept. What is returned is shared: callers must not
    change it.
    """
    return _KEPT.get((kind, cluster.pk), (data_version(), today), compute, only_if_kept=only_if_kept)


def _analysed(cluster: Cluster, today: dt.date) -> tuple[ClusterPipeline, PipelineAnalysis]:
    pipeline = cluster_pipeline(cluster=cluster)
    return pipeline, pipeline_analysis(pipeline, today=today)


def analysed_pipeline(*, cluster: Cluster, today: dt.date) -> tuple[ClusterPipeline, PipelineAnalysis]:
    """The whole pipeline of ``cluster`` and its analysis on ``today``, computed once per data version
    (:func:`kept`). Callers must not change what they get: it is shared."""
    return kept("pipeline", cluster, today, lambda: _analysed(cluster, today))


def kept_pipeline(*, cluster: Cluster, today: dt.date) -> tuple[ClusterPipeline, PipelineAnalysis] | None:
    """:func:`analysed_pipeline` if it is kept already, else None (nothing is computed)."""
    return kept("pipeline", cluster, today, lambda: None, only_if_kept=True)


def forget_analyses() -> None:
    """Drop every kept analysis (tests, whose rolled-back databases reuse data versions)."""
    _KEPT.forget()


@functools.cache
def _calendar_from(path: str) -> WorkingCalendar:
    return load_calendar(path) if path else russian_calendar()


def working_calendar() -> WorkingCalendar:
    """The working-day calendar of the clocks: the bundled Russian one, extended by the CSV file named
    in the ``PATHWAYS_CALENDAR`` setting (``date, kind[, source]``; see
    :func:`clusterworks.analytics.pathways.load_calendar`). A system check reports a bad file at start."""
    return _calendar_from(str(settings.PATHWAYS_CALENDAR or ""))


def funnel_of(report: PathwayReport, keys: Iterable[str]) -> Any:
    """The TRL funnel of the products ``keys`` of ``report``, by the stage each is at now."""
    wanted = set(keys)
    return trl_funnel(
        [spec for spec in report.products if spec.key in wanted],
        stages={key: position.stage for key, position in report.positions.items() if key in wanted},
    )
