"""The bulk import of gate events from CSV: every problem reported with its line, field and value,
all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from clusterworks.web.core.audit import record_bulk
from clusterworks.web.core.permissions import check, require
from clusterworks.web.registry.models import Cluster

from ..models import (
    Decision,
    EventKind,
    Gate,
    GateEvent,
    Product,
)
from .common import _invalid, _today
from .events import Recorded, _explain, _order_issues, _sequence

IMPORT_COLUMNS = ("product", "gate", "kind", "date", "decision")
IMPORT_OPTIONAL = ("reference", "note")
MAX_IMPORT_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class ImportIssue:
    line: int | None
    field: str
    value: str
    message: str


@dataclass(frozen=True)
class ImportRow:
    line: int
    product: str
    gate: str
    kind: str
    date: dt.date
    decision: str
    action: str  # "add", or "unchanged" for an event recorded already


@dataclass
class ImportReport:
    """What an import found (``issues``, each with line, field, value and message) or would do / did."""

    dry_run: bool
    rows: list[ImportRow] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)
    saved: int = 0

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def added(self) -> int:
        return sum(1 for r in self.rows if r.action == "add")

    @property
    def unchanged(self) -> int:
        return sum(1 for r in self.rows if r.action == "unchanged")


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _invalid("file", _("The file is neither UTF-8 nor Windows-1251 text."))


def _parse_date(text: str) -> dt.date | None:
    for parse in (dt.date.fromisoformat, lambda t: dt.datetime.strptime(t, "%d.%m.%Y").date()):
        try:
            return parse(text)
        except ValueError:
            continue
    return None


def _read_import(file: Any) -> tuple[list[dict[str, str]], list[ImportIssue]]:
    name = Path(getattr(file, "name", "") or "").name
    if Path(name).suffix.lower() not in ("", ".csv", ".txt"):
        raise _invalid("file", _("“%(name)s” is not a CSV file; allowed: .csv.") % {"name": name})
    file.seek(0)
    raw = file.read(MAX_IMPORT_BYTES + 1)
    if len(raw) > MAX_IMPORT_BYTES:
        raise _invalid(
            "file", _("The file is larger than %(limit)s.") % {"limit": filesizeformat(MAX_IMPORT_BYTES)}
        )
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise _invalid("file", _("This is a spreadsheet, not CSV text: save it as CSV (UTF-8)."))
    text = _decode(raw if isinstance(raw, bytes) else raw.encode())
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    if missing:
        raise _invalid(
            "file",
            _("The header lacks the columns %(missing)s; required: %(required)s; optional: %(optional)s.")
            % {
                "missing": ", ".join(missing),
                "required": ", ".join(IMPORT_COLUMNS),
                "optional": ", ".join(IMPORT_OPTIONAL),
            },
        )
    reader.fieldnames = header
    rows = [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]
    return rows, []


class _GatesOf:
    """The gates of products (their catalogue's, for their risk class), read once per catalogue."""

    def __init__(self) -> None:
        self._by_catalogue: dict[int, list[Gate]] = {}

    def __call__(self, product: Product) -> dict[str, Gate]:
        if product.catalogue_id not in self._by_catalogue:
            self._by_catalogue[product.catalogue_id] = list(
                Gate.objects.filter(catalogue_id=product.catalogue_id)
                .select_related("agency")
                .order_by("position")
            )
        return {
            g.key: g for g in self._by_catalogue[product.catalogue_id] if g.applies_to(product.risk_class)
        }


def _import_rows(
    actor: Any, cluster: Cluster, rows: list[dict[str, str]], gates_of: _GatesOf, *, today: dt.date
) -> tuple[dict[int, tuple[Product, Recorded, str, str]], list[ImportIssue]]:
    """Check each row on its own: the product, its gate, the kind, the date and the decision."""
    issues: list[ImportIssue] = []
    products = {
        p.key: p
        for p in Product.objects.filter(cluster=cluster, key__in={r["product"] for r in rows}).select_related(
            "catalogue"
        )
    }
    gates: dict[int, dict[str, Gate]] = {}
    may_change: dict[int, bool] = {}
    parsed: dict[int, tuple[Product, Recorded, str, str]] = {}
    for index, row in enumerate(rows):
        line = index + 2  # the header is line 1
        problems = len(issues)

        def report(field_name: str, value: str, message: str) -> None:
            issues.append(ImportIssue(line, field_name, value, message))  # noqa: B023

        product = products.get(row["product"])
        if product is None:
            report(
                "product",
                row["product"],
                _("No product “%(value)s” in %(cluster)s; allowed: the keys of its products.")
                % {"value": row["product"], "cluster": cluster},
            )
            continue
        if product.pk not in may_change:
            may_change[product.pk] = bool(check(actor, "product.change", product))
        if not may_change[product.pk]:
            report(
                "product",
                product.key,
                _("You may not record events of “%(value)s”.") % {"value": product.key},
            )
            continue
        if product.pk not in gates:
            gates[product.pk] = gates_of(product)
        gate = gates[product.pk].get(row["gate"])
        if gate is None:
            report(
                "gate",
                row["gate"],
                _(
                    "“%(value)s” is not a gate of “%(product)s” (catalogue %(catalogue)s); "
                    "allowed: %(allowed)s."
                )
                % {
                    "value": row["gate"],
                    "product": product.key,
                    "catalogue": product.catalogue.key,
                    "allowed": ", ".join(gates[product.pk]),
                },
            )
        kind = row["kind"].lower()
        if kind not in EventKind.values:
            report(
                "kind",
                row["kind"],
                _("“%(value)s” is not a kind of event; allowed: %(allowed)s.")
                % {"value": row["kind"], "allowed": ", ".join(EventKind.values)},
            )
        day = _parse_date(row["date"])
        if day is None:
            report(
                "date",
                row["date"],
                _("“%(value)s” is not a date; allowed: 2025-03-12 or 12.03.2025.") % {"value": row["date"]},
            )
        elif day > today:
            report(
                "date",
                row["date"],
                _("%(value)s is in the future; allowed: today (%(today)s) or earlier.")
                % {"value": row["date"], "today": today.isoformat()},
            )
        decision = row["decision"].lower()
        if kind == EventKind.DECISION and decision not in Decision.values:
            report(
                "decision",
                row["decision"],
                _("A decision is approved or refused; “%(value)s” is neither.") % {"value": row["decision"]},
            )
        elif kind != EventKind.DECISION and decision:
            report(
                "decision",
                row["decision"],
                _("Only a decision carries a decision; leave it empty for “%(kind)s”.") % {"kind": kind},
            )
        if len(issues) == problems:
            assert gate is not None and day is not None
            parsed[line] = (
                product,
                Recorded(gate, kind, day, decision, line=line),
                row.get("reference", ""),
                row.get("note", ""),
            )
    return parsed, issues


@transaction.atomic
def events_import(*, actor: Any, cluster: Cluster, file: Any, dry_run: bool = False) -> ImportReport:
    """Import gate events of ``cluster``'s products from CSV (columns product, gate, kind, date, decision;
    optional reference, note). All or nothing: every problem is reported with its line, field and value,
    the order of each product's events (recorded and new together) is checked with ``check_events``, and
    nothing is saved unless there is none. A row equal to a recorded event is left as it is."""
    require(actor, "product.create", cluster)
    today = _today()
    report = ImportReport(dry_run=dry_run)
    rows, report.issues = _read_import(file)
    if not rows:
        report.issues.append(ImportIssue(None, "file", "", _("The file holds no events.")))
        return report
    gates_of = _GatesOf()
    parsed, report.issues = _import_rows(actor, cluster, rows, gates_of, today=today)

    by_product: dict[int, list[tuple[Recorded, str, str]]] = {}
    products: dict[int, Product] = {}
    for product, item, reference, note in parsed.values():
        by_product.setdefault(product.pk, []).append((item, reference, note))
        products[product.pk] = product
    recorded: dict[int, list[GateEvent]] = {pk: [] for pk in by_product}
    for row in (
        GateEvent.objects.filter(product_id__in=list(by_product))
        .select_related("gate")
        .order_by("date", "pk")
    ):
        recorded[row.product_id].append(row)
    to_save: list[GateEvent] = []
    for product_pk, items in by_product.items():
        product = products[product_pk]
        recorded_rows = recorded[product_pk]
        existing = {(r.gate_id, r.kind, r.date, r.decision) for r in recorded_rows}
        new = []
        for item, reference, note in items:
            same = (item.gate.pk, item.kind, item.date, item.decision) in existing
            report.rows.append(
                ImportRow(
                    item.line,
                    product.key,
                    item.gate.key,
                    item.kind,
                    item.date,
                    item.decision,
                    "unchanged" if same else "add",
                )  # fmt: skip
            )
            if not same:
                new.append(item)
                to_save.append(
                    GateEvent(
                        product=product,
                        gate=item.gate,
                        kind=item.kind,
                        date=item.date,
                        decision=item.decision,
                        reference=reference[:200],
                        note=note,
                        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
                    )  # fmt: skip
                )
        if not new:
            continue
        sequence = _sequence(recorded_rows, new)
        gate_keys = set(gates_of(product))
        for item, issue in _order_issues(product, sequence, gate_keys, today=today):
            field_name, message = _explain(issue, item, sequence, today=today)
            if item.row is not None:
                line = None
                message = _(
                    "“%(product)s”: the imported events make the recorded %(event)s "
                    "break the order: %(message)s"
                ) % {
                    "product": product.key,
                    "event": item.describe(),
                    "message": message,
                }
            else:
                line = item.line
            value = {"kind": item.kind, "date": item.date.isoformat(), "decision": item.decision}.get(
                field_name, item.gate.key
            )
            report.issues.append(ImportIssue(line, field_name, value, message))
    report.rows.sort(key=lambda r: r.line)
    report.issues.sort(key=lambda i: (i.line is None, i.line or 0))
    if report.issues or dry_run:
        return report
    saved = GateEvent.objects.bulk_create(to_save, batch_size=1000)
    record_bulk((event, "create", _created_changes(event)) for event in saved)
    report.saved = len(saved)
    return report


def _created_changes(event: GateEvent) -> dict[str, list[Any]]:
    return {k: [None, v] for k, v in event.audit_values().items() if v not in (None, "")}
