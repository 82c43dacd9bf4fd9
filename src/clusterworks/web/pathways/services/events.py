"""Gate events: recording and deleting them, in an order the analytics library checks (``check_events``),
its problems explained in the reader's language with what the records say."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from clusterworks.analytics.pathways import Event, InvalidEvents, check_events
from clusterworks.web.core.permissions import require

from .. import messages, selectors
from ..models import (
    Decision,
    EventKind,
    Gate,
    GateEvent,
    Product,
)
from .common import _choice_error, _day, _invalid, _today

#: why an event may not come next at a gate (the rule broken, by the kind of event, or ``approved``:
#: nothing follows an approval) and what is recorded there (``previous``: the event before it;
#: ``following``: none before, one after; ``none``): one sentence each
ORDER_SENTENCES = {
    ("submitted", "previous"): gettext_lazy(
        "At “%(gate)s” a new submission needs the previous one refused or withdrawn; the last event there "
        "is the %(event)s."
    ),
    ("submitted", "following"): gettext_lazy(
        "At “%(gate)s” a new submission needs the previous one refused or withdrawn; nothing is recorded "
        "there before %(date)s: the %(event)s comes later."
    ),
    ("submitted", "none"): gettext_lazy(
        "At “%(gate)s” a new submission needs the previous one refused or withdrawn; nothing is recorded "
        "there yet, so the first event must be a submission."
    ),
    ("query", "previous"): gettext_lazy(
        "At “%(gate)s” an agency query needs a pending submission with no query open; the last event there "
        "is the %(event)s."
    ),
    ("query", "following"): gettext_lazy(
        "At “%(gate)s” an agency query needs a pending submission with no query open; nothing is recorded "
        "there before %(date)s: the %(event)s comes later."
    ),
    ("query", "none"): gettext_lazy(
        "At “%(gate)s” an agency query needs a pending submission with no query open; nothing is recorded "
        "there yet, so the first event must be a submission."
    ),
    ("answered", "previous"): gettext_lazy(
        "At “%(gate)s” an answer needs an open agency query; the last event there is the %(event)s."
    ),
    ("answered", "following"): gettext_lazy(
        "At “%(gate)s” an answer needs an open agency query; nothing is recorded there before %(date)s: the "
        "%(event)s comes later."
    ),
    ("answered", "none"): gettext_lazy(
        "At “%(gate)s” an answer needs an open agency query; nothing is recorded there yet, so the first "
        "event must be a submission."
    ),
    ("decision", "previous"): gettext_lazy(
        "At “%(gate)s” a decision needs a pending submission; the last event there is the %(event)s."
    ),
    ("decision", "following"): gettext_lazy(
        "At “%(gate)s” a decision needs a pending submission; nothing is recorded there before %(date)s: "
        "the %(event)s comes later."
    ),
    ("decision", "none"): gettext_lazy(
        "At “%(gate)s” a decision needs a pending submission; nothing is recorded there yet, so the first "
        "event must be a submission."
    ),
    ("withdrawn", "previous"): gettext_lazy(
        "At “%(gate)s” a withdrawal needs a pending submission; the last event there is the %(event)s."
    ),
    ("withdrawn", "following"): gettext_lazy(
        "At “%(gate)s” a withdrawal needs a pending submission; nothing is recorded there before %(date)s: "
        "the %(event)s comes later."
    ),
    ("withdrawn", "none"): gettext_lazy(
        "At “%(gate)s” a withdrawal needs a pending submission; nothing is recorded there yet, so the first "
        "event must be a submission."
    ),
    ("approved", "previous"): gettext_lazy(
        "At “%(gate)s” nothing follows an approval; the last event there is the %(event)s."
    ),
    ("approved", "following"): gettext_lazy(
        "At “%(gate)s” nothing follows an approval; nothing is recorded there before %(date)s: the "
        "%(event)s comes later."
    ),
    ("approved", "none"): gettext_lazy(
        "At “%(gate)s” nothing follows an approval; nothing is recorded there yet, so the first event must "
        "be a submission."
    ),
    ("other", "previous"): gettext_lazy(
        "At “%(gate)s” this kind of event may not come next; the last event there is the %(event)s."
    ),
    ("other", "following"): gettext_lazy(
        "At “%(gate)s” this kind of event may not come next; nothing is recorded there before %(date)s: the "
        "%(event)s comes later."
    ),
    ("other", "none"): gettext_lazy(
        "At “%(gate)s” this kind of event may not come next; nothing is recorded there yet, so the first "
        "event must be a submission."
    ),
}
#: events as named in sentences ("the last event there is the submission of ...")
EVENT_DESCRIPTIONS = {
    EventKind.SUBMITTED: pgettext_lazy("gate event", "submission of %(date)s"),
    EventKind.QUERY: gettext_lazy("agency query of %(date)s"),
    EventKind.ANSWERED: gettext_lazy("answer to a query of %(date)s"),
    EventKind.DECISION: gettext_lazy("decision of %(date)s"),
    (EventKind.DECISION, Decision.APPROVED): gettext_lazy("decision (approved) of %(date)s"),
    (EventKind.DECISION, Decision.REFUSED): gettext_lazy("decision (refused) of %(date)s"),
    EventKind.WITHDRAWN: gettext_lazy("withdrawal of %(date)s"),
}
#: what a decision on another kind of event is told
NO_DECISION_ON = {
    EventKind.SUBMITTED: gettext_lazy("Only a decision carries “%(value)s”; a submission carries none."),
    EventKind.QUERY: gettext_lazy("Only a decision carries “%(value)s”; an agency query carries none."),
    EventKind.ANSWERED: gettext_lazy(
        "Only a decision carries “%(value)s”; an answer to a query carries none."
    ),
    EventKind.WITHDRAWN: gettext_lazy("Only a decision carries “%(value)s”; a withdrawal carries none."),
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
        sentence = EVENT_DESCRIPTIONS.get((self.kind, self.decision)) or EVENT_DESCRIPTIONS.get(self.kind)
        if sentence is None:
            return _("%(kind)s of %(date)s") % {"kind": self.kind, "date": _day(self.date)}
        return sentence % {"date": _day(self.date)}


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
    if issue.field == "kind":
        if previous and previous.kind == EventKind.DECISION and previous.decision == Decision.APPROVED:
            rule = "approved"
        else:
            rule = item.kind if item.kind in EventKind.values else "other"
        recorded = "previous" if previous else "following" if following else "none"
        neighbour = previous or following
        return "kind", ORDER_SENTENCES[rule, recorded] % {
            "gate": gate,
            "event": neighbour.describe() if neighbour else "",
            "date": _day(item.date),
        }
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
    return issue.field or "gate", messages.event_issue(issue)


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
        raise _invalid("decision", NO_DECISION_ON[kind] % {"value": decision})
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


def deletable_event_ids(events: Iterable[GateEvent]) -> set[int]:
    """The events among ``events`` (a product's) that :func:`event_delete` allows: the latest of each
    gate, by date and, on one day, by the order they were recorded."""
    latest: dict[int, tuple[dt.date, int]] = {}
    for event in events:
        if event.gate_id not in latest or (event.date, event.pk) > latest[event.gate_id]:
            latest[event.gate_id] = (event.date, event.pk)
    return {pk for _day, pk in latest.values()}


def event_is_last_of_gate(event: GateEvent) -> bool:
    """Whether ``event`` is the latest of its gate, the one event there that may be deleted."""
    same_gate = GateEvent.objects.filter(product_id=event.product_id, gate_id=event.gate_id).only(
        "pk", "gate_id", "date"
    )
    return event.pk in deletable_event_ids(same_gate)


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
