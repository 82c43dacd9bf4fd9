"""Recording product pathways: products and their consortia, gate events, documents, barriers, the
bulk import of gate events and new versions of the gate catalogues.

Each service checks the actor's permission (``permissions``), validates and writes in one transaction;
the audit log records the change (``core.audit``). Bad input raises Django's ``ValidationError`` with
a message per field that names the value and what is allowed; nothing is half-saved. The order of gate
events is checked by the analytics library (``clusterworks.analytics.pathways.check_events``) over
the product's recorded events and the new ones together; its problems are explained here in the
reader's language. Views, the API and the CLI call these and nothing lower.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import secrets
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from clusterworks.analytics.pathways import Event, InvalidEvents, check_events
from clusterworks.web.core.audit import record_bulk
from clusterworks.web.core.permissions import check, require
from clusterworks.web.registry.models import Cluster, Organisation, choice_label

from . import selectors
from .models import (
    DEVICE_TYPES,
    Agency,
    Barrier,
    BarrierKind,
    BarrierStatus,
    Decision,
    EventKind,
    Gate,
    GateCatalogue,
    GateEvent,
    ParticipantRole,
    Product,
    ProductDocument,
    ProductParticipant,
    ProductType,
    RiskClass,
)

PRODUCT_FIELDS = (
    "key",
    "name_en",
    "name_ru",
    "type",
    "risk_class",
    "trl",
    "indication_en",
    "indication_ru",
    "description",
    "started_on",
    "withdrawn_on",
    "illustrative",
)
#: fields a product's record may change later (its key and type are fixed: the type decides its gates)
PRODUCT_UPDATE_FIELDS = tuple(f for f in PRODUCT_FIELDS if f not in ("key", "type"))
BARRIER_FIELDS = ("title", "description", "kind", "raised_for", "raised_on")


def _today() -> dt.date:
    return timezone.localdate()


def _day(value: dt.date) -> str:
    return date_format(value)


def _invalid(field_name: str | None, message: str) -> ValidationError:
    return ValidationError({field_name: [message]} if field_name else [message])


def _assign(instance: Any, data: dict[str, Any], allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}; allowed: {sorted(allowed)}")
    for name, value in data.items():
        setattr(instance, name, value)


def _choice_error(field_name: str, value: Any, choices: Any) -> ValidationError:
    allowed = ", ".join(str(v) for v in choices.values)
    return _invalid(
        field_name,
        _("“%(value)s” is not allowed; allowed: %(allowed)s.") % {"value": value, "allowed": allowed},
    )


# --- products -----------------------------------------------------------------------------------------


def _check_risk_class(product_type: str, risk_class: str) -> None:
    """Medical devices, in-vitro diagnostics and medical software (all medical devices under 323-FZ,
    art. 38) need a risk class; medicines and services have none."""
    if product_type in DEVICE_TYPES:
        if risk_class not in RiskClass.values:
            raise _invalid(
                "risk_class",
                _(
                    "A medical device (an in-vitro diagnostic and medical software too) needs a risk "
                    "class; “%(value)s” is not one of %(allowed)s."
                )
                % {"value": risk_class, "allowed": ", ".join(RiskClass.values)},
            )
    elif risk_class:
        raise _invalid(
            "risk_class",
            _(
                "Only medical devices, in-vitro diagnostics and medical software have a risk class; "
                "a product of type “%(type)s” has none, not “%(value)s”."
            )
            % {"type": choice_label(ProductType, product_type), "value": risk_class},
        )


def _catalogue_for(product_type: str, started_on: dt.date, catalogue: GateCatalogue | None) -> GateCatalogue:
    if catalogue is not None:
        if catalogue.product_type != product_type:
            raise _invalid(
                "catalogue",
                _("The gate catalogue “%(catalogue)s” is for products of type “%(its)s”, not “%(type)s”.")
                % {"catalogue": catalogue.key, "its": catalogue.product_type, "type": product_type},
            )
        return catalogue
    found = selectors.catalogue_in_force(product_type, started_on)
    if found is None:
        versions = GateCatalogue.objects.filter(product_type=product_type).order_by("effective_from")
        spans = "; ".join(
            f"{c.key}: {_day(c.effective_from)} – {_day(c.effective_to) if c.effective_to else '…'}"
            for c in versions
        )
        raise _invalid(
            "started_on",
            _("No gate catalogue of type “%(type)s” is in force on %(date)s; the versions: %(spans)s.")
            % {"type": product_type, "date": _day(started_on), "spans": spans or _("none")},
        )
    return found


def _check_dates(product: Product) -> None:
    if product.started_on and product.started_on > _today():
        raise _invalid(
            "started_on",
            _("%(date)s is in the future; allowed: today or earlier.") % {"date": _day(product.started_on)},
        )
    if product.withdrawn_on and product.started_on and product.withdrawn_on < product.started_on:
        raise _invalid(
            "withdrawn_on",
            _("%(date)s is before the product started (%(start)s); allowed: on or after the start.")
            % {"date": _day(product.withdrawn_on), "start": _day(product.started_on)},
        )


def _add_participant(product: Product, organisation: Organisation, role: str) -> ProductParticipant:
    if role not in ParticipantRole.values:
        raise _choice_error("role", role, ParticipantRole)
    if ProductParticipant.objects.filter(product=product, organisation=organisation, role=role).exists():
        raise _invalid(
            "organisation",
            _("%(organisation)s is already in the consortium as %(role)s.")
            % {"organisation": organisation, "role": ProductParticipant(role=role).get_role_display()},
        )
    participant = ProductParticipant(product=product, organisation=organisation, role=role)
    participant.full_clean()
    participant.save()
    return participant


def _keeps_right_to_change(actor: Any, product: Product, field_name: str) -> None:
    """A member's representative who registers or edits a product must stay able to change it."""
    if not check(actor, "product.change", Product.objects.get(pk=product.pk)):
        raise _invalid(
            field_name,
            _(
                "Your organisation must stay in the consortium as a developer, "
                "or you could not change the product."
            ),
        )


@transaction.atomic
def product_create(
    *,
    actor: Any,
    cluster: Cluster,
    data: dict[str, Any],
    participants: Iterable[tuple[Organisation, str]] = (),
    catalogue: GateCatalogue | None = None,
) -> Product:
    """Register a product of ``cluster`` with its consortium (``(organisation, role)`` pairs).

    The product keeps the gate catalogue in force on ``started_on`` for its type (or ``catalogue``, which
    must be of that type). A medical device, in-vitro diagnostic or medical software needs a risk
    class; other products have none.
    """
    require(actor, "product.create", cluster)
    product = Product(cluster=cluster)
    _assign(product, data, PRODUCT_FIELDS)
    if product.type not in ProductType.values:
        raise _choice_error("type", product.type, ProductType)
    product.risk_class = product.risk_class or ""
    _check_risk_class(product.type, product.risk_class)
    if not isinstance(product.started_on, dt.date):
        raise _invalid("started_on", _("The date the product started is required."))
    _check_dates(product)
    product.catalogue = _catalogue_for(product.type, product.started_on, catalogue)
    product.full_clean()
    product.save()
    for organisation, role in participants:
        _add_participant(product, organisation, role)
    _keeps_right_to_change(actor, product, "participants")
    return product


@transaction.atomic
def product_update(*, actor: Any, product: Product, data: dict[str, Any]) -> Product:
    """Change a product's record. Its key and type are fixed; it keeps its catalogue unless it has no
    gate events yet and a new start date falls under another version. A new risk class must still
    admit every recorded event's gate."""
    require(actor, "product.change", product)
    if data.get("key", product.key) != product.key:
        raise _invalid("key", _("A product's key is its stable identifier and cannot change."))
    if data.get("type", product.type) != product.type:
        raise _invalid(
            "type", _("A product's type decides its gates and cannot change; register a new product.")
        )
    data = {k: v for k, v in data.items() if k not in ("key", "type")}
    started_before = product.started_on
    _assign(product, data, PRODUCT_UPDATE_FIELDS)
    product.risk_class = product.risk_class or ""
    _check_risk_class(product.type, product.risk_class)
    _check_dates(product)
    rows = selectors.product_event_rows(product)
    if not rows and product.started_on != started_before:
        product.catalogue = _catalogue_for(product.type, product.started_on, None)
    if rows:
        allowed = {g.key for g in selectors.product_gates(product)}
        stray = sorted({row.gate.key for row in rows if row.gate.key not in allowed})
        if stray:
            raise _invalid(
                "risk_class",
                _("Class %(value)s does not have the gates %(gates)s, where events are recorded.")
                % {"value": product.risk_class, "gates": ", ".join(stray)},
            )
    product.full_clean()
    product.save()
    return product


@transaction.atomic
def participant_add(
    *, actor: Any, product: Product, organisation: Organisation, role: str
) -> ProductParticipant:
    require(actor, "product.change", product)
    return _add_participant(product, organisation, role)


@transaction.atomic
def participant_remove(*, actor: Any, participant: ProductParticipant) -> None:
    product = participant.product
    require(actor, "product.change", product)
    participant.delete()
    _keeps_right_to_change(actor, product, "organisation")


# --- gate events ----------------------------------------------------------------------------------------

#: what each kind of event needs, as the reader is told when it may not come next
_NEEDS = {
    EventKind.SUBMITTED: lambda: _("a new submission needs the previous one refused or withdrawn"),
    EventKind.QUERY: lambda: _("an agency query needs a pending submission with no query open"),
    EventKind.ANSWERED: lambda: _("an answer needs an open agency query"),
    EventKind.DECISION: lambda: _("a decision needs a pending submission"),
    EventKind.WITHDRAWN: lambda: _("a withdrawal needs a pending submission"),
}
#: events as named in sentences ("the last event there is a submission of ...")
EVENT_NOUNS = {
    EventKind.SUBMITTED: pgettext_lazy("gate event", "submission"),
    EventKind.QUERY: gettext_lazy("agency query"),
    EventKind.ANSWERED: gettext_lazy("answer to a query"),
    EventKind.DECISION: gettext_lazy("decision"),
    EventKind.WITHDRAWN: gettext_lazy("withdrawal"),
}
ORDER_HELP = gettext_lazy(
    "At a gate the order is: submitted; then agency queries, each answered; then a decision or a withdrawal. "
    "After a refusal or a withdrawal the product may be submitted again; nothing follows an approval."
)


@dataclass(frozen=True)
class Recorded:
    """A gate event as read in order: from the database (``row``) or new (``line``)."""

    gate: Gate
    kind: str
    date: dt.date
    decision: str
    line: int
    row: GateEvent | None = None

    def describe(self) -> str:
        kind = str(EVENT_NOUNS.get(self.kind, self.kind))
        if self.kind == EventKind.DECISION and self.decision in Decision.values:
            kind = f"{kind} ({str(Decision(self.decision).label).lower()})"
        return _("%(kind)s of %(date)s") % {"kind": kind, "date": _day(self.date)}


def _neighbours_at_gate(
    sequence: Sequence[Recorded], item: Recorded
) -> tuple[Recorded | None, Recorded | None]:
    """The events just before and just after ``item`` at its gate, in ``sequence``."""
    same = [other for other in sequence if other.gate.pk == item.gate.pk]
    index = next(i for i, other in enumerate(same) if other is item)
    return (same[index - 1] if index else None), (same[index + 1] if index + 1 < len(same) else None)


def _explain(issue: Any, item: Recorded, sequence: Sequence[Recorded], *, today: dt.date) -> tuple[str, str]:
    """The field and a message in the reader's language for a problem ``check_events`` found."""
    gate = item.gate.display_name()
    previous, following = _neighbours_at_gate(sequence, item)
    if previous:
        last = _("the last event there is the %(event)s") % {"event": previous.describe()}
    elif following:
        last = _("nothing is recorded there before %(date)s: the %(event)s comes later") % {
            "date": _day(item.date),
            "event": following.describe(),
        }
    else:
        last = _("nothing is recorded there yet, so the first event must be a submission")
    if issue.field == "kind":
        if previous and previous.kind == EventKind.DECISION and previous.decision == Decision.APPROVED:
            rule = _("nothing follows an approval")
        else:
            rule = _NEEDS.get(item.kind, lambda: _("this kind of event may not come next"))()
        return "kind", _("At “%(gate)s” %(rule)s; %(last)s.") % {"gate": gate, "rule": rule, "last": last}
    if issue.field == "date":
        if item.date > today:
            return "date", _("%(date)s is in the future; allowed: today (%(today)s) or earlier.") % {
                "date": _day(item.date),
                "today": _day(today),
            }
        return "date", _(
            "At “%(gate)s” %(date)s is before the previous event (%(previous)s); "
            "events follow the order of their dates."
        ) % {"gate": gate, "date": _day(item.date), "previous": previous.describe() if previous else "—"}
    if issue.field == "decision":
        return "decision", _(
            "“%(value)s” is not allowed: a decision is approved or refused, "
            "and other events carry no decision."
        ) % {"value": issue.value}
    return issue.field or "gate", issue.message


def _sequence(rows: Iterable[GateEvent], new: Iterable[Recorded]) -> list[Recorded]:
    """Recorded and new events in the order they happened: by date; recorded ones first on a day (in the
    order they were recorded), then new ones by line."""
    recorded = [
        Recorded(row.gate, row.kind, row.date, row.decision, line=-index - 1, row=row)
        for index, row in enumerate(rows)
    ]
    return sorted([*recorded, *new], key=lambda r: (r.date, r.row is None, r.row.pk if r.row else r.line))


def _order_issues(
    product: Product, sequence: Sequence[Recorded], gate_keys: set[str], *, today: dt.date
) -> list[tuple[Recorded, Any]]:
    """The problems ``check_events`` finds in ``sequence``, less those the recorded events had already."""

    def issues_of(items: Sequence[Recorded]) -> list[Any]:
        events = [
            Event(product.key, r.gate.key, r.kind, r.date, decision=r.decision or None, line=r.line)
            for r in items
        ]
        try:
            check_events(events, gates=gate_keys, today=today)
        except InvalidEvents as error:
            return list(error.issues)
        return []

    known = {(i.line, i.field, i.message) for i in issues_of([r for r in sequence if r.row is not None])}
    by_line = {r.line: r for r in sequence}
    return [
        (by_line[i.line], i)
        for i in issues_of(sequence)
        if (i.line, i.field, i.message) not in known and i.line in by_line
    ]


def _check_gate(product: Product, gate: Gate, *, field_name: str = "gate") -> None:
    if gate.catalogue_id != product.catalogue_id:
        allowed = ", ".join(g.key for g in selectors.product_gates(product))
        raise _invalid(
            field_name,
            _(
                "“%(gate)s” is not a gate of the catalogue “%(catalogue)s” this product follows; "
                "allowed: %(allowed)s."
            )
            % {"gate": gate.key, "catalogue": product.catalogue.key, "allowed": allowed},
        )
    if not gate.applies_to(product.risk_class):
        raise _invalid(
            field_name,
            _("“%(gate)s” applies to risk classes %(classes)s, not to class %(value)s.")
            % {"gate": gate.display_name(), "classes": gate.device_classes, "value": product.risk_class},
        )


@transaction.atomic
def event_record(
    *,
    actor: Any,
    product: Product,
    gate: Gate,
    kind: str,
    date: dt.date,
    decision: str = "",
    reference: str = "",
    note: str = "",
) -> GateEvent:
    """Record what happened at a gate. The event joins the product's recorded ones in the order of the
    dates and the whole sequence must keep the rules of the gates (``check_events``)."""
    require(actor, "product.change", product)
    today = _today()
    _check_gate(product, gate)
    if kind not in EventKind.values:
        raise _choice_error("kind", kind, EventKind)
    decision = decision or ""
    if kind == EventKind.DECISION and decision not in Decision.values:
        raise _invalid(
            "decision",
            _("A decision is approved or refused; “%(value)s” is neither.") % {"value": decision},
        )
    if kind != EventKind.DECISION and decision:
        raise _invalid(
            "decision",
            _("Only a decision carries “%(value)s”; a %(kind)s carries none.")
            % {"value": decision, "kind": EVENT_NOUNS[kind]},
        )
    if date > today:
        raise _invalid(
            "date",
            _("%(date)s is in the future; allowed: today (%(today)s) or earlier.")
            % {"date": _day(date), "today": _day(today)},
        )
    new = Recorded(gate, kind, date, decision, line=1)
    sequence = _sequence(selectors.product_event_rows(product), [new])
    gate_keys = {g.key for g in selectors.product_gates(product)}
    problems = _order_issues(product, sequence, gate_keys, today=today)
    if problems:
        errors: dict[str, list[str]] = {}
        for item, issue in problems:
            field_name, message = _explain(issue, item, sequence, today=today)
            if item is not new:  # the new event makes a later, recorded one break the rules
                field_name = "date"
                message = _("A later event would break the order: %(message)s") % {"message": message}
            errors.setdefault(field_name, []).append(message)
        raise ValidationError(errors)
    event = GateEvent(
        product=product,
        gate=gate,
        kind=kind,
        date=date,
        decision=decision,
        reference=reference,
        note=note,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    event.full_clean()
    event.save()
    return event


def event_description(event: GateEvent) -> str:
    """``decision (approved) of March 12, 2025``: a recorded event in words."""
    return Recorded(event.gate, event.kind, event.date, event.decision, 0).describe()


def event_is_last_of_gate(event: GateEvent) -> bool:
    latest = (
        GateEvent.objects.filter(product_id=event.product_id, gate_id=event.gate_id)
        .order_by("-date", "-pk")
        .first()
    )
    return latest is not None and latest.pk == event.pk


@transaction.atomic
def event_delete(*, actor: Any, event: GateEvent) -> None:
    """Delete an event entered by mistake; only the latest event of its gate, so that the rest stays in
    order (to delete an earlier one, delete the later ones first)."""
    require(actor, "product.change", event.product)
    if not event_is_last_of_gate(event):
        raise _invalid(
            None,
            _(
                "Only the latest event of a gate may be deleted; "
                "at “%(gate)s” a later event follows the %(event)s."
            )
            % {
                "gate": event.gate.display_name(),
                "event": event_description(event),
            },
        )
    event.delete()


# --- documents ------------------------------------------------------------------------------------------

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def _zip_holds(head: bytes, upload: Any, member: str) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return member in archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)


#: the document types accepted: extension -> (name, test of the content)
DOCUMENT_TYPES: dict[str, tuple[str, Callable[[bytes, Any], bool]]] = {
    ".pdf": ("PDF", lambda head, f: head.startswith(b"%PDF-")),
    ".docx": ("Word (DOCX)", lambda head, f: _zip_holds(head, f, "word/document.xml")),
    ".xlsx": ("Excel (XLSX)", lambda head, f: _zip_holds(head, f, "xl/workbook.xml")),
    ".png": ("PNG", lambda head, f: head.startswith(b"\x89PNG\r\n\x1a\n")),
    ".jpg": ("JPEG", lambda head, f: head.startswith(b"\xff\xd8\xff")),
    ".jpeg": ("JPEG", lambda head, f: head.startswith(b"\xff\xd8\xff")),
}
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


def document_check(file: Any) -> str:
    """Check an upload's type (by extension and by content) and size; return its safe file name."""
    name = Path(getattr(file, "name", "") or "").name
    extension = Path(name).suffix.lower()
    allowed = ", ".join(sorted({kind for kind, _test in DOCUMENT_TYPES.values()}))
    if extension not in DOCUMENT_TYPES:
        raise _invalid(
            "file",
            _("“%(name)s” is not an accepted type; allowed: %(allowed)s.")
            % {"name": name, "allowed": allowed},
        )
    size = file.size
    if size > MAX_DOCUMENT_BYTES:
        raise _invalid(
            "file",
            _("“%(name)s” is %(size)s (%(bytes)s bytes); the limit is %(limit)s (%(max)s bytes).")
            % {
                "name": name,
                "size": filesizeformat(size),
                "bytes": size,
                "limit": filesizeformat(MAX_DOCUMENT_BYTES),
                "max": MAX_DOCUMENT_BYTES,
            },
        )
    if size == 0:
        raise _invalid("file", _("“%(name)s” is empty.") % {"name": name})
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    kind, test = DOCUMENT_TYPES[extension]
    if not test(head, file):
        raise _invalid(
            "file",
            _("The content of “%(name)s” is not %(kind)s, as its name says; allowed: %(allowed)s.")
            % {"name": name, "kind": kind, "allowed": allowed},
        )
    stem = get_valid_filename(Path(name).stem)[:80] or "document"
    return f"{stem}{extension}"


_STORED_PREFIX = re.compile(r"^\d{14}-[0-9a-f]{32}-")


def document_file_name(document: ProductDocument) -> str:
    """The name a document is downloaded under: its stored name less the time and the random part."""
    return _STORED_PREFIX.sub("", Path(document.file.name).name)


@transaction.atomic
def document_upload(
    *, actor: Any, product: Product, gate: Gate | None, title: str, file: Any
) -> ProductDocument:
    """Store a document of the product (privately: it is downloaded through a permission-checked view)."""
    require(actor, "product.change", product)
    if gate is not None:
        _check_gate(product, gate)
    if not (title or "").strip():
        raise _invalid("title", _("Give the document a title."))
    # an unguessable part in the stored name: the files are never served by path, but if a development
    # server serves MEDIA_ROOT (DEBUG), a path cannot be guessed either
    file.name = f"{secrets.token_hex(16)}-{document_check(file)}"
    document = ProductDocument(
        product=product,
        gate=gate,
        title=title.strip(),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    document.file.save(file.name, file, save=False)
    try:
        document.full_clean()
        document.save()
    except Exception:
        document.file.delete(save=False)  # no file left behind without its record
        raise
    return document


@transaction.atomic
def document_delete(*, actor: Any, document: ProductDocument) -> None:
    require(actor, "product.change", document.product)
    stored = document.file
    document.delete()
    transaction.on_commit(lambda: stored.delete(save=False))


# --- barriers -------------------------------------------------------------------------------------------

#: the barrier's workflow: action -> (the statuses it starts from, the status it leads to)
BARRIER_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "escalate": (frozenset({BarrierStatus.OPEN, BarrierStatus.ESCALATED}), BarrierStatus.ESCALATED),
    "resolve": (frozenset({BarrierStatus.OPEN, BarrierStatus.ESCALATED}), BarrierStatus.RESOLVED),
    "close": (frozenset({BarrierStatus.OPEN, BarrierStatus.ESCALATED}), BarrierStatus.CLOSED),
    # back to open, or to escalated if it had been escalated
    "reopen": (frozenset({BarrierStatus.RESOLVED, BarrierStatus.CLOSED}), BarrierStatus.OPEN),
}


def barrier_actions(barrier: Barrier) -> list[str]:
    """The workflow actions that may start from the barrier's status (and ``assign``, always)."""
    return [
        "assign",
        *(a for a, (sources, _target) in BARRIER_TRANSITIONS.items() if barrier.status in sources),
    ]


ACTION_PARTICIPLES = {
    "escalate": gettext_lazy("escalated"),
    "resolve": gettext_lazy("resolved"),
    "close": gettext_lazy("closed"),
    "reopen": gettext_lazy("reopened"),
}


def _transition(barrier: Barrier, action: str) -> str:
    sources, target = BARRIER_TRANSITIONS[action]
    if barrier.status not in sources:
        raise _invalid(
            "status",
            _("A barrier that is %(status)s cannot be %(action)s; allowed from: %(allowed)s.")
            % {
                "status": str(barrier.get_status_display()).lower(),
                "action": ACTION_PARTICIPLES[action],
                "allowed": ", ".join(str(BarrierStatus(s).label).lower() for s in sorted(sources)),
            },
        )
    return target


def _check_barrier_day(barrier: Barrier, field_name: str, day: Any, *, after: dt.date | None = None) -> None:
    if not isinstance(day, dt.date):
        raise _invalid(field_name, _("A date is required."))
    if day > _today():
        raise _invalid(
            field_name,
            _("%(date)s is in the future; allowed: today (%(today)s) or earlier.")
            % {"date": _day(day), "today": _day(_today())},
        )
    floor = max(d for d in (barrier.raised_on, after) if d is not None)
    if day < floor:
        raise _invalid(
            field_name,
            _(
                "%(date)s is before %(floor)s, when the barrier was raised or last changed; "
                "allowed: on or after it."
            )
            % {"date": _day(day), "floor": _day(floor)},
        )


def _link(
    actor: Any,
    barrier: Barrier,
    products: Iterable[Product] | None,
    gates: Iterable[Gate] | None,
    agencies: Iterable[Agency] | None,
) -> None:
    if products is not None:
        products = list(products)
        for product in products:
            if product.cluster_id != barrier.cluster_id:
                raise _invalid(
                    "products",
                    _("“%(product)s” is a product of another cluster; allowed: the products of %(cluster)s.")
                    % {"product": product.key, "cluster": barrier.cluster},
                )
            if not check(actor, "product.view", product):
                raise _invalid(
                    "products", _("You may not see the product “%(product)s”.") % {"product": product.key}
                )
        barrier.products.set(products)
    if gates is not None:
        barrier.gates.set(list(gates))
    if agencies is not None:
        barrier.agencies.set(list(agencies))


def _check_raised_for(actor: Any, barrier: Barrier) -> None:
    """Whom a barrier is raised for: a current member of its cluster, and, unless the actor manages the
    cluster's barriers, one of the actor's own organisations."""
    organisation = barrier.raised_for
    if organisation is None:
        return
    if not organisation.memberships.filter(cluster_id=barrier.cluster_id, left__isnull=True).exists():
        raise _invalid(
            "raised_for",
            _("%(organisation)s is not a member of %(cluster)s; allowed: its members.")
            % {"organisation": organisation, "cluster": barrier.cluster},
        )
    manages = barrier.pk is not None and check(actor, "barrier.manage", barrier)
    if not manages and organisation.pk not in actor.represented_organisation_ids():
        raise _invalid(
            "raised_for",
            _("You do not represent %(organisation)s; allowed: the organisations you represent.")
            % {"organisation": organisation},
        )


@transaction.atomic
def barrier_raise(
    *,
    actor: Any,
    cluster: Cluster,
    data: dict[str, Any],
    products: Iterable[Product] = (),
    gates: Iterable[Gate] = (),
    agencies: Iterable[Agency] = (),
) -> Barrier:
    """Raise a barrier in ``cluster``, on behalf of one of the actor's organisations (``raised_for``)."""
    require(actor, "barrier.create", cluster)
    barrier = Barrier(cluster=cluster, raised_by=actor, status=BarrierStatus.OPEN)
    _assign(barrier, data, BARRIER_FIELDS)
    barrier.raised_on = barrier.raised_on or _today()
    if barrier.kind not in BarrierKind.values:
        raise _choice_error("kind", barrier.kind, BarrierKind)
    if barrier.raised_on > _today():
        raise _invalid(
            "raised_on",
            _("%(date)s is in the future; allowed: today (%(today)s) or earlier.")
            % {"date": _day(barrier.raised_on), "today": _day(_today())},
        )
    barrier.full_clean()
    barrier.save()
    _check_raised_for(actor, barrier)
    _link(actor, barrier, products, gates, agencies)
    return barrier


@transaction.atomic
def barrier_update(
    *,
    actor: Any,
    barrier: Barrier,
    data: dict[str, Any],
    products: Iterable[Product] | None = None,
    gates: Iterable[Gate] | None = None,
    agencies: Iterable[Agency] | None = None,
) -> Barrier:
    require(actor, "barrier.manage", barrier)
    _assign(barrier, data, BARRIER_FIELDS)
    if barrier.kind not in BarrierKind.values:
        raise _choice_error("kind", barrier.kind, BarrierKind)
    later = [d for d in (barrier.escalated_on, barrier.resolved_on) if d is not None]
    if barrier.raised_on > min([_today(), *later]):
        raise _invalid(
            "raised_on",
            _("%(date)s is after the barrier was escalated or resolved, or in the future.")
            % {"date": _day(barrier.raised_on)},
        )
    barrier.full_clean()
    barrier.save()
    _check_raised_for(actor, barrier)
    _link(actor, barrier, products, gates, agencies)
    return barrier


@transaction.atomic
def barrier_assign(*, actor: Any, barrier: Barrier, owner: Any | None) -> Barrier:
    """Give the barrier an owner among those who manage it (None: no owner)."""
    require(actor, "barrier.manage", barrier)
    if owner is not None and not check(owner, "barrier.manage", barrier):
        raise _invalid(
            "owner",
            _("%(user)s does not manage this cluster's barriers; allowed: its managers.")
            % {"user": owner.get_full_name() or owner.get_username()},
        )
    barrier.owner = owner
    barrier.save()
    return barrier


@transaction.atomic
def barrier_escalate(*, actor: Any, barrier: Barrier, to: str, on: dt.date) -> Barrier:
    """Escalate the barrier to a body (e.g. a ministry or the city's department) on a date."""
    require(actor, "barrier.manage", barrier)
    barrier.status = _transition(barrier, "escalate")
    if not (to or "").strip():
        raise _invalid("to", _("Say to whom the barrier is escalated."))
    _check_barrier_day(barrier, "on", on, after=barrier.escalated_on)
    barrier.escalated_to, barrier.escalated_on = to.strip(), on
    barrier.full_clean()
    barrier.save()
    return barrier


def _finish(actor: Any, barrier: Barrier, action: str, on: dt.date, resolution: str) -> Barrier:
    require(actor, "barrier.manage", barrier)
    barrier.status = _transition(barrier, action)
    if not (resolution or "").strip():
        raise _invalid(
            "resolution",
            _("Say how the barrier was resolved.")
            if action == "resolve"
            else _("Say why the barrier is closed."),
        )
    _check_barrier_day(barrier, "on", on, after=barrier.escalated_on)
    barrier.resolved_on, barrier.resolution = on, resolution.strip()
    barrier.full_clean()
    barrier.save()
    return barrier


@transaction.atomic
def barrier_resolve(*, actor: Any, barrier: Barrier, on: dt.date, resolution: str) -> Barrier:
    return _finish(actor, barrier, "resolve", on, resolution)


@transaction.atomic
def barrier_close(*, actor: Any, barrier: Barrier, on: dt.date, resolution: str) -> Barrier:
    """Close the barrier unresolved (``resolution`` says why)."""
    return _finish(actor, barrier, "close", on, resolution)


@transaction.atomic
def barrier_reopen(*, actor: Any, barrier: Barrier) -> Barrier:
    """Open a resolved or closed barrier again (escalated again if it had been escalated); the audit log
    keeps the earlier resolution."""
    require(actor, "barrier.manage", barrier)
    status = _transition(barrier, "reopen")
    barrier.status = BarrierStatus.ESCALATED if barrier.escalated_on else status
    barrier.resolved_on, barrier.resolution = None, ""
    barrier.full_clean()
    barrier.save()
    return barrier


# --- bulk import of gate events -----------------------------------------------------------------------

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


# --- the gate catalogues ------------------------------------------------------------------------------


@transaction.atomic
def catalogue_new_version(
    *,
    actor: Any,
    catalogue: GateCatalogue,
    key: str,
    effective_from: dt.date,
    name_en: str | None = None,
    name_ru: str | None = None,
    legal_basis: str | None = None,
) -> GateCatalogue:
    """Copy ``catalogue`` with its gates into a new version in force from ``effective_from``; the old one
    ends the day before. Products keep the version they started under."""
    require(actor, "catalogue.change", catalogue)
    if catalogue.superseded_by.exists():
        newer = catalogue.superseded_by.first()
        raise _invalid(
            "catalogue",
            _("“%(catalogue)s” was already replaced by “%(newer)s”; make the new version from that one.")
            % {"catalogue": catalogue.key, "newer": newer.key},
        )
    if effective_from <= catalogue.effective_from:
        raise _invalid(
            "effective_from",
            _("%(date)s is not after %(start)s, when “%(catalogue)s” took effect; allowed: a later date.")
            % {
                "date": _day(effective_from),
                "start": _day(catalogue.effective_from),
                "catalogue": catalogue.key,
            },
        )
    if GateCatalogue.objects.filter(key=key).exists():
        raise _invalid("key", _("The key “%(key)s” is taken; choose another.") % {"key": key})
    new = GateCatalogue(
        key=key,
        product_type=catalogue.product_type,
        name_en=catalogue.name_en if name_en is None else name_en,
        name_ru=catalogue.name_ru if name_ru is None else name_ru,
        legal_basis=catalogue.legal_basis if legal_basis is None else legal_basis,
        effective_from=effective_from,
        effective_to=None,
        supersedes=catalogue,
    )
    new.full_clean()
    new.save()
    for gate in catalogue.gates.order_by("position"):
        copy = Gate(
            catalogue=new,
            **{
                f.attname: getattr(gate, f.attname)
                for f in Gate._meta.concrete_fields
                if f.attname not in ("id", "catalogue_id")
            },
        )
        copy.save()
    catalogue.effective_to = effective_from - dt.timedelta(days=1)
    catalogue.full_clean()
    catalogue.save()
    return new
