"""The report for the ministry, and the tables it shares with the bottlenecks page.

A report is a list of :class:`Table`: columns with a kind (text, whole number, number, share, date)
and rows of plain Python values. The same tables are rendered as printable HTML (the
``pathways/pages/report.html`` template) and written as an XLSX workbook, one sheet per table
(:func:`write_xlsx`): numbers stay numbers, dates are date cells, and text is always written as text,
never as a formula (a value such as ``=HYPERLINK(...)`` is shown as typed), as the registry's exports do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.db.models import QuerySet
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _

from clusterworks.web.registry.models import Cluster

from . import analysis as pipeline_analysis_module
from .models import Agency, Barrier, BarrierStatus, Stage

TEXT, INT, NUMBER, SHARE, DATE = "text", "int", "number", "share", "date"
#: rows of a table shown on a page; the XLSX workbook has them all
HTML_ROWS = 200
#: number formats of the XLSX cells by column kind
XLSX_FORMATS = {INT: "0", NUMBER: "0.0", SHARE: "0%", DATE: "yyyy-mm-dd"}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT


@dataclass(frozen=True)
class Table:
    """A table of the report: ``key`` names its sheet, ``rows`` hold one value per column (None for
    none)."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""

    def cells(self) -> list[list[dict[str, Any]]]:
        """The first :data:`HTML_ROWS` rows as cells for a template: ``{"value", "kind"}``."""
        kinds = [column.kind for column in self.columns]
        return [
            [{"value": v, "kind": k} for v, k in zip(row, kinds, strict=True)]
            for row in self.rows[:HTML_ROWS]
        ]

    def hidden(self) -> int:
        """The rows a page leaves out (the workbook has them all)."""
        return max(len(self.rows) - HTML_ROWS, 0)


@dataclass(frozen=True)
class MinistryReport:
    cluster: Cluster
    today: dt.date
    products: int
    overdue: int
    open_barriers: int
    escalated: int
    tables: tuple[Table, ...]
    invalid: dict[str, list[Any]]  # product key -> its problems (EventIssue)


#: short names of the technology readiness levels (EC Decision C(2014)4995, General Annex G)
TRL_LABELS = {
    1: gettext_lazy("basic principles observed"),
    2: gettext_lazy("concept formulated"),
    3: gettext_lazy("proof of concept"),
    4: gettext_lazy("validated in the lab"),
    5: gettext_lazy("validated in a relevant environment"),
    6: gettext_lazy("demonstrated in a relevant environment"),
    7: gettext_lazy("prototype in operation"),
    8: gettext_lazy("system complete and qualified"),
    9: gettext_lazy("proven in operation"),
}
CLOCK_UNITS = {"working": gettext_lazy("working days"), "calendar": gettext_lazy("calendar days")}
#: where a product held up stands (``StuckProduct.status``)
STATUS_LABELS = {
    "at_agency": gettext_lazy("at the agency"),
    "under_query": gettext_lazy("answering a query"),
    "waiting": gettext_lazy("not yet submitted"),
    "on_market": gettext_lazy("on the market"),
}


def agency_label(agency: Agency | None) -> str:
    """The agency's short name in the active language, else its name."""
    if agency is None:
        return ""
    russian = (get_language() or "en").startswith("ru")
    short = (agency.short_ru or agency.short_en) if russian else (agency.short_en or agency.short_ru)
    return short or str(agency)


def _clock_unit(kind: str) -> str:
    return {"working": _("working days"), "calendar": _("calendar days")}.get(kind, _("calendar days"))


def agency_names(pipeline: Any) -> dict[str, str]:
    """Agency key -> :func:`agency_label`, for every agency of ``pipeline``."""
    return {key: agency_label(agency) for key, agency in pipeline.agencies.items()}


# --------------------------------------------------------------------------------------------- tables


def pipeline_table(pipeline: Any, result: Any, *, today: dt.date) -> Table:
    """Products per stage: how many, how many at an agency, answering a query, waiting to submit, and
    past the statutory clock now."""
    report = result.report
    open_clocks = [c for c in report.clocks if c.open]
    at_gate = {(c.product, c.gate): c for c in open_clocks}
    rows = []
    totals = [0, 0, 0, 0, 0]
    for stage, label in Stage.choices:
        keys = [key for key, position in report.positions.items() if position.stage == stage]
        counts = [0, 0, 0, 0]
        for key in keys:
            position = report.positions[key]
            clock = at_gate.get((key, position.gate))
            if clock is None:
                counts[2] += 1
            elif clock.under_query:
                counts[1] += 1
            else:
                counts[0] += 1
            counts[3] += bool(clock is not None and clock.overdue)
        row = [len(keys), *counts]
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        rows.append([str(label), *row])
    rows.append([_("All stages"), *totals])
    return Table(
        key="pipeline",
        title=_("Pipeline by stage"),
        columns=(
            Column("stage", _("Stage")),
            Column("products", _("Products"), INT),
            Column("at_agency", _("At an agency"), INT),
            Column("under_query", _("Answering a query"), INT),
            Column("waiting", _("Not yet submitted"), INT),
            Column("overdue", _("Past the statutory clock"), INT),
        ),
        rows=rows,
        note=_("A product's stage is that of the first gate of its catalogue not yet approved."),
    )


def agency_table(pipeline: Any, result: Any) -> Table:
    """Time at each agency's gates against the statutory clock, refusals, open now, days lost."""
    names = agency_names(pipeline)
    lost = {row.agency: row for row in result.bottlenecks.agencies}
    rows = []
    for stats in result.agencies:
        bottleneck = lost.get(stats.agency)
        rows.append(
            [
                bottleneck.rank if bottleneck else None,
                names.get(stats.agency, stats.agency),
                stats.attempts,
                stats.decided,
                stats.refused,
                stats.refusal_rate,
                stats.open_now,
                stats.overdue_now,
                stats.elapsed_median,
                stats.elapsed_p75,
                stats.elapsed_p90,
                stats.clock_share_median,
                stats.clock_share_p90,
                stats.share_overdue,
                bottleneck.days_lost_working if bottleneck else 0,
                bottleneck.days_lost_calendar if bottleneck else 0,
            ]
        )
    rows.sort(key=lambda row: (row[0] is None, row[0] or 0, row[1]))
    return Table(
        key="agencies",
        title=_("Bottlenecks by agency"),
        columns=(
            Column("rank", _("Rank"), INT),
            Column("agency", _("Agency")),
            Column("attempts", _("Submissions"), INT),
            Column("decided", _("Decided"), INT),
            Column("refused", _("Refused"), INT),
            Column("refusal_rate", _("Refusal rate"), SHARE),
            Column("open_now", _("Open now"), INT),
            Column("overdue_now", _("Overdue now"), INT),
            Column("elapsed_median", _("Median, days"), NUMBER),
            Column("elapsed_p75", _("p75, days"), NUMBER),
            Column("elapsed_p90", _("p90, days"), NUMBER),
            Column("clock_share_median", _("Median share of the clock"), SHARE),
            Column("clock_share_p90", _("p90 share of the clock"), SHARE),
            Column("share_overdue", _("Decided past the clock"), SHARE),
            Column("days_lost_working", _("Days lost beyond the clock, working"), INT),
            Column("days_lost_calendar", _("Days lost beyond the clock, calendar"), INT),
        ),
        rows=rows,
        note=_(
            "Durations are calendar days from submission to decision of the decided submissions; "
            "the share of "
            "the clock is the clock used (queries excluded) over the statutory time; days lost add up, over "
            "the decided and open submissions, the clock days beyond the statutory time."
        ),
    )


def gate_table(pipeline: Any, result: Any) -> Table:
    """Time at each gate in its own clock's days against its statutory time, and its days lost."""
    names = agency_names(pipeline)
    ranks = {(row.catalogue, row.gate): row for row in result.bottlenecks.gates}
    rows = []
    for stats in result.gates:
        gate = pipeline.gate(stats.catalogue, stats.gate)
        bottleneck = ranks.get((stats.catalogue, stats.gate))
        rows.append(
            [
                bottleneck.rank if bottleneck else None,
                str(gate) if gate is not None else stats.gate,
                stats.catalogue,
                names.get(stats.agency or "", ""),
                _clock_unit(stats.clock_kind) if stats.statutory is not None else _("no statutory clock"),
                stats.statutory,
                stats.attempts,
                stats.decided,
                stats.refused,
                stats.open_now,
                stats.overdue_now,
                stats.clock_used_median,
                stats.clock_used_p75,
                stats.clock_used_p90,
                stats.share_overdue,
                bottleneck.days_lost if bottleneck else None,
            ]
        )
    rows.sort(key=lambda row: (row[0] is None, row[0] or 0, row[2], row[1]))
    return Table(
        key="gates",
        title=_("Bottlenecks by gate"),
        columns=(
            Column("rank", _("Rank"), INT),
            Column("gate", _("Gate")),
            Column("catalogue", _("Catalogue")),
            Column("agency", _("Agency")),
            Column("unit", _("Clock in")),
            Column("statutory", _("Statutory time"), INT),
            Column("attempts", _("Submissions"), INT),
            Column("decided", _("Decided"), INT),
            Column("refused", _("Refused"), INT),
            Column("open_now", _("Open now"), INT),
            Column("overdue_now", _("Overdue now"), INT),
            Column("median", _("Median"), NUMBER),
            Column("p75", _("p75"), NUMBER),
            Column("p90", _("p90"), NUMBER),
            Column("share_overdue", _("Decided past the clock"), SHARE),
            Column("days_lost", _("Days lost beyond the clock"), INT),
        ),
        rows=rows,
        note=_("Median, p75 and p90 are the clock days used by the decided submissions, queries excluded."),
    )


def stuck_table(pipeline: Any, result: Any) -> Table:
    """The products held up now, longest first."""
    names = agency_names(pipeline)
    rows = []
    for stuck in sorted(result.report.stuck, key=lambda s: (-s.days, not s.overdue, s.product)):
        product = pipeline.product(stuck.product)
        gate = pipeline.gate(stuck.catalogue, stuck.gate)
        rows.append(
            [
                str(product),
                product.key,
                str(gate) if gate is not None else stuck.gate,
                names.get(stuck.agency or "", ""),
                str(STATUS_LABELS.get(stuck.status, stuck.status)),
                stuck.since,
                stuck.days,
                stuck.clock_used,
                stuck.statutory,
                _clock_unit(stuck.clock_kind) if stuck.statutory is not None else "",
                stuck.days_left,
                stuck.due,
                _("yes") if stuck.overdue else _("no"),
            ]
        )
    return Table(
        key="stuck",
        title=_("Products stuck now"),
        columns=(
            Column("product", _("Product")),
            Column("key", _("Key")),
            Column("gate", _("Gate")),
            Column("agency", _("Agency")),
            Column("status", _("Status")),
            Column("since", _("Since"), DATE),
            Column("days", _("Days"), INT),
            Column("clock_used", _("Clock used"), INT),
            Column("statutory", _("Statutory time"), INT),
            Column("unit", _("Clock in")),
            Column("days_left", pgettext("days left", "Left"), INT),
            Column("due", _("Runs out"), DATE),
            Column("overdue", _("Overdue")),
        ),
        rows=rows,
        note=_(
            "Submissions open for %(days)s days or more or past their clock, and products that have waited "
            "as long to submit their next gate."
        )
        % {"days": result.report.min_days},
    )


def _barrier_rows(barriers: Iterable[Barrier], *, today: dt.date) -> list[list[Any]]:
    rows = []
    for barrier in barriers:
        unresolved = barrier.status in (BarrierStatus.OPEN, BarrierStatus.ESCALATED)
        rows.append(
            [
                barrier.title,
                barrier.get_kind_display(),
                barrier.get_status_display(),
                barrier.raised_on,
                (today - barrier.raised_on).days if unresolved else None,
                ", ".join(agency_label(a) for a in barrier.agencies.all()),
                ", ".join(str(p) for p in barrier.products.all()),
                barrier.escalated_to,
                barrier.escalated_on,
                barrier.resolved_on,
                barrier.resolution,
            ]
        )
    return rows


def _barrier_columns() -> tuple[Column, ...]:
    return (
        Column("title", _("Barrier")),
        Column("kind", _("Kind")),
        Column("status", _("Status")),
        Column("raised_on", _("Raised on"), DATE),
        Column("age", _("Age, days"), INT),
        Column("agencies", _("Agencies")),
        Column("products", _("Products")),
        Column("escalated_to", _("Escalated to")),
        Column("escalated_on", _("Escalated on"), DATE),
        Column("resolved_on", _("Resolved or closed on"), DATE),
        Column("resolution", _("Resolution")),
    )


def barrier_tables(barriers: QuerySet[Barrier], *, today: dt.date) -> tuple[Table, Table]:
    """The open barriers (open or escalated, oldest first) and the escalations (every barrier ever
    escalated, latest first)."""
    barriers = barriers.prefetch_related("agencies", "products")
    unresolved = barriers.filter(status__in=(BarrierStatus.OPEN, BarrierStatus.ESCALATED)).order_by(
        "raised_on", "pk"
    )
    escalated = barriers.exclude(escalated_on__isnull=True).order_by("-escalated_on", "-pk")
    return (
        Table(
            key="barriers",
            title=_("Open barriers"),
            columns=_barrier_columns(),
            rows=_barrier_rows(unresolved, today=today),
        ),
        Table(
            key="escalations",
            title=_("Escalations"),
            columns=_barrier_columns(),
            rows=_barrier_rows(escalated, today=today),
        ),
    )


# --------------------------------------------------------------------------------------------- report


def ministry_report(*, cluster: Cluster, barriers: QuerySet[Barrier], today: dt.date) -> MinistryReport:
    """The report on ``cluster``'s pipeline on ``today``: the pipeline by stage, bottlenecks by agency
    and by gate, the products stuck now, the open barriers and the escalations (of ``barriers``, those
    the reader may see)."""
    pipeline, result = pipeline_analysis_module.analysed_pipeline(cluster=cluster, today=today)
    own = barriers.filter(cluster=cluster)
    open_barriers, escalations = barrier_tables(own, today=today)
    # the pipeline's tables are the same for every reader: kept with the pipeline, per language
    tables = pipeline.memo(
        ("report tables", get_language(), today),
        lambda: (
            pipeline_table(pipeline, result, today=today),
            agency_table(pipeline, result),
            gate_table(pipeline, result),
            stuck_table(pipeline, result),
        ),
    ) + (open_barriers, escalations)
    return MinistryReport(
        cluster=cluster,
        today=today,
        products=len(result.report.products),
        overdue=sum(1 for c in result.report.clocks if c.open and c.overdue),
        open_barriers=len(open_barriers.rows),
        escalated=sum(1 for row in open_barriers.rows if row[8] is not None),
        tables=tables,
        invalid=result.invalid,
    )


# ----------------------------------------------------------------------------------------------- XLSX


def _sheet_title(text: str, used: set[str]) -> str:
    """A worksheet name: at most 31 characters, none of ``[]:*?/\\``, unique in the workbook."""
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in text).strip()[:31] or "Sheet"
    title, number = clean, 2
    while title.lower() in used:
        suffix = f" {number}"
        title, number = clean[: 31 - len(suffix)] + suffix, number + 1
    used.add(title.lower())
    return title


def write_xlsx(report: MinistryReport, out: BinaryIO) -> None:
    """Write ``report`` as an XLSX workbook: a cover sheet, then one sheet per table."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()

    def cell(sheet: Any, value: Any, kind: str = TEXT, *, header: bool = False) -> Any:
        if value is None or value == "":
            return WriteOnlyCell(sheet, value=None)
        if (
            kind == DATE
            and isinstance(value, dt.date)
            or kind in (INT, NUMBER, SHARE)
            and isinstance(value, int | float)
            and not isinstance(value, bool)
        ):
            written = WriteOnlyCell(sheet, value=value)
        else:
            written = WriteOnlyCell(sheet, value=str(value))
            written.data_type = "s"  # text is never a formula, whatever it starts with
        if kind in XLSX_FORMATS and written.data_type != "s":
            written.number_format = XLSX_FORMATS[kind]
        if header:
            written.font = bold
        return written

    cover = workbook.create_sheet(title=_sheet_title(_("Report"), used))
    for label, value, kind in (
        (_("Cluster"), str(report.cluster), TEXT),
        (_("Date"), report.today, DATE),
        (_("Products"), report.products, INT),
        (_("Submissions past the statutory clock now"), report.overdue, INT),
        (_("Open barriers"), report.open_barriers, INT),
        (_("of them escalated"), report.escalated, INT),
    ):
        cover.append([cell(cover, label, header=True), cell(cover, value, kind)])
    for table in report.tables:
        sheet = workbook.create_sheet(title=_sheet_title(table.title, used))
        sheet.freeze_panes = "A2"
        sheet.append([cell(sheet, column.label, header=True) for column in table.columns])
        for row in table.rows:
            sheet.append(
                [cell(sheet, value, column.kind) for value, column in zip(row, table.columns, strict=True)]
            )
    workbook.save(out)


def sheet_titles(report: MinistryReport) -> list[str]:
    """The worksheet names :func:`write_xlsx` gives, in order."""
    used: set[str] = set()
    return [_sheet_title(_("Report"), used), *(_sheet_title(t.title, used) for t in report.tables)]


def table_rows(tables: Sequence[Table], key: str) -> list[list[Any]]:
    """The rows of the table ``key``."""
    return next(table.rows for table in tables if table.key == key)
