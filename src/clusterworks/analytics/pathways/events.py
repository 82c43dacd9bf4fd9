"""Gate events and the rules of their order.

At a gate a product is *submitted*; the agency may send a *query* (the statutory clock stops) and the
applicant *answers* it (the clock runs again); the agency takes a *decision* (approved or refused).
The applicant may *withdraw* a pending submission. After a refusal or a withdrawal the product may be
submitted again (a new *attempt*); after an approval nothing more happens at that gate.

:func:`check_events` checks a list of events against these rules and reports every problem at once.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np

from ._gc import paused_gc
from .errors import EventIssue, InvalidEvents, PathwayError, _Collector, _text
from .messages import Message

__all__ = ["DECISIONS", "EVENT_KINDS", "Event", "check_events"]

#: The kinds of gate event.
EVENT_KINDS = ("submitted", "query", "answered", "decision", "withdrawn")
#: The decisions an agency takes.
DECISIONS = ("approved", "refused")


@dataclass(frozen=True)
class Event:
    """Something that happened to a product at a gate on a date.

    ``decision`` is ``"approved"`` or ``"refused"`` for a ``decision`` and ``None`` (or ``""``) for
    the other kinds; ``line`` is where the event came from (a file's line, or any number the caller
    uses to find it again), echoed in :class:`~.errors.EventIssue`.

    Examples
    --------
    >>> from datetime import date
    >>> event = Event("p1", "ct-permit", "decision", date(2025, 3, 3), "approved")
    >>> event.kind, event.decision
    ('decision', 'approved')
    """

    product: str
    gate: str
    kind: str
    date: date
    decision: str | None = None
    line: int | None = None


def _event(product: str, gate: str, kind: str, day: date, decision: str | None, line: int | None) -> Event:
    """An :class:`Event` from values already checked, without the frozen ``__init__``."""
    event = object.__new__(Event)
    event.__dict__.update(product=product, gate=gate, kind=kind, date=day, decision=decision, line=line)
    return event


# ------------------------------------------------------------------------------- vectorised order

#: Codes of the kinds (-1: unknown) and of the decisions (0: none, -1: not allowed).
_KIND = {kind: code for code, kind in enumerate(EVENT_KINDS)}
_SUBMITTED, _QUERY, _ANSWERED, _DECISION, _WITHDRAWN = range(5)
_DECISION_CODE = {None: 0, "": 0, "approved": 1, "refused": 2}
#: The state of a gate after each kind (rows) and decision (columns): 1 pending, 2 queried,
#: 3 approved, 4 refused, 5 withdrawn (0, before any event, is "new").
_STATE_AFTER = np.array([[1, 1, 1], [2, 2, 2], [1, 1, 1], [0, 3, 4], [5, 5, 5]], dtype=np.int8)
#: Which kind (columns) may follow which state (rows).
_ALLOWED = np.array(
    [
        [True, False, False, False, False],  # new: submitted
        [False, True, False, True, True],  # pending: query, decision, withdrawn
        [False, False, True, True, True],  # queried: answered, decision, withdrawn
        [False, False, False, False, False],  # approved: nothing
        [True, False, False, False, False],  # refused: submitted
        [True, False, False, False, False],  # withdrawn: submitted
    ],
    dtype=bool,
)


class _Encoded:
    """Events as integer arrays, sorted by product and gate (each pair in the order given).

    ``pairs`` are the (product, gate) pairs in order of first appearance; ``order`` the indices of the
    events sorted by pair; ``group``, ``kind``, ``decision``, ``day`` (proleptic ordinals, -1 for a value
    that is not a date) and ``first`` (the first event of its pair) are in that sorted order.
    """

    def __init__(self, events: list[Event]):
        n = len(events)
        pairs: dict[tuple[str, str], int] = {}
        group = np.fromiter(
            (pairs.setdefault((e.product, e.gate), len(pairs)) for e in events), dtype=np.int64, count=n
        )
        kind = np.fromiter((_KIND.get(e.kind, -1) for e in events), dtype=np.int64, count=n)
        decision = np.fromiter((_DECISION_CODE.get(e.decision, -1) for e in events), dtype=np.int64, count=n)
        day = np.fromiter(
            (e.date.toordinal() if type(e.date) is date else -1 for e in events), dtype=np.int64, count=n
        )
        self.pairs = list(pairs)
        self.order = np.argsort(group, kind="stable")
        self.group, self.kind = group[self.order], kind[self.order]
        self.decision, self.day = decision[self.order], day[self.order]
        self.first = np.ones(n, dtype=bool)
        self.first[1:] = self.group[1:] != self.group[:-1]

    def valid(self, allowed: Any, today: date | None) -> bool:
        """Whether every event keeps every rule (``allowed(product, gate)`` says whether the gate is in
        the product's catalogue). Only a yes is final: on a no the events are read one by one to
        word the problems."""
        kind, decision, day = self.kind, self.decision, self.day
        if kind.size == 0:
            return True
        if (kind < 0).any() or (decision < 0).any() or (day < 0).any():
            return False
        if ((kind == _DECISION) != (decision > 0)).any():
            return False
        if today is not None and day.max() > today.toordinal():
            return False
        if not all(allowed(product, gate) for product, gate in self.pairs):
            return False
        state = _STATE_AFTER[kind, decision]
        before = np.zeros_like(state)
        before[1:] = state[:-1]
        before[self.first] = 0
        if not _ALLOWED[before, kind].all():
            return False
        return bool(((day[1:] >= day[:-1]) | self.first[1:]).all())


def _on(day: date) -> str:
    return day.isoformat()


class _GateState:
    """Where a product stands at one gate while its events are read in order."""

    __slots__ = ("last_date", "open_query", "state", "submitted")

    def __init__(self) -> None:
        self.state = "new"  # new, pending, queried, approved, refused, withdrawn
        self.submitted: date | None = None
        self.open_query: date | None = None
        self.last_date: date | None = None


def _gate_sets(gates: Any, by_product: bool) -> tuple[frozenset[str] | None, dict[str, frozenset[str]]]:
    if by_product:
        if not isinstance(gates, Mapping):
            raise PathwayError(
                f"gates {_text(repr(gates))} is not a mapping; allowed with by_product=True: product -> "
                "its gate keys"
            )
        result = {}
        for product, keys in gates.items():
            if isinstance(keys, str) or not isinstance(keys, Collection):
                raise PathwayError(
                    f"gates of product {product!r} is {_text(repr(keys))}; allowed: a collection of gate keys"
                )
            result[str(product)] = frozenset(map(str, keys))
        return None, result
    if isinstance(gates, str) or not isinstance(gates, Collection):
        raise PathwayError(f"gates {_text(repr(gates))} is not allowed; allowed: a collection of gate keys")
    return frozenset(map(str, gates)), {}


@paused_gc
def check_events(
    events: Iterable[Event],
    *,
    gates: Collection[str] | Mapping[str, Collection[str]],
    by_product: bool = False,
    today: date | None = None,
) -> None:
    """Check gate events against the rules of the gates; raise with every problem found.

    The events of each product and gate are read in the order given (sort them by date first if
    needed; events on one day keep their given order, so a query may follow its submission on the
    same day). Problems reported, each once, with the event's product, gate, line, field and value:

    * a gate not in the product's catalogue (``gate``), an unknown kind (``kind``), a date that is not
      a date or is after ``today`` (``date``);
    * a date before the previous event's at the same gate (``date``);
    * a first event at a gate that is not ``submitted``; a resubmission while a submission is pending
      (allowed only after a refusal or a withdrawal);
    * ``query`` with no submission pending or while a query is open; ``answered`` without an open
      query; ``decision`` or ``withdrawn`` with no submission pending (``kind``);
    * a ``decision`` without ``approved``/``refused``, or any other kind carrying a decision
      (``decision``);
    * any event after an approval at that gate.

    An event that breaks an order rule is left out when the following events are checked, so one
    mistake is reported once; an event whose date goes backwards is still applied.

    Parameters
    ----------
    events : iterable of Event
    gates : collection of str, or mapping of product -> collection of str
        The gate keys of the catalogue; with ``by_product=True``, each product's gate keys (a product
        not in the mapping is reported).
    by_product : bool
        Whether ``gates`` maps products to their gates.
    today : date, optional
        If given, events dated after it are reported.

    Raises
    ------
    InvalidEvents
        With every problem (the first 100 kept, all counted).
    PathwayError
        If ``gates`` or ``today`` is not allowed.

    Examples
    --------
    >>> from datetime import date
    >>> ok = [Event("p1", "permit", "submitted", date(2025, 2, 3)),
    ...       Event("p1", "permit", "decision", date(2025, 2, 10), "approved")]
    >>> check_events(ok, gates={"permit"})
    >>> bad = [Event("p1", "permit", "query", date(2025, 2, 3), line=2)]
    >>> try:
    ...     check_events(bad, gates={"permit"})
    ... except InvalidEvents as exc:
    ...     print(exc.issues[0].field, exc.issues[0].value)
    kind query
    """
    if today is not None and (isinstance(today, datetime) or not isinstance(today, date)):
        raise PathwayError(f"today {today!r} is not a date; allowed: a datetime.date or None")
    common, per_product = _gate_sets(gates, by_product)
    events = events if isinstance(events, list) else list(events)
    if by_product:

        def allowed(product: str, gate: str) -> bool:
            keys = per_product.get(product)
            return keys is not None and gate in keys

    else:

        def allowed(product: str, gate: str) -> bool:
            return gate in common  # type: ignore[operator]

    if all(type(event) is Event for event in events) and _Encoded(events).valid(allowed, today):
        return  # every rule kept; otherwise read the events one by one to word the problems
    issues = _one_by_one(events, common, per_product, by_product, today)
    if issues:
        raise InvalidEvents(issues.kept, total=issues.total)


def _one_by_one(
    events: list[Event],
    common: frozenset[str] | None,
    per_product: dict[str, frozenset[str]],
    by_product: bool,
    today: date | None,
) -> _Collector:
    """The problems of the events, read in order one by one (see :func:`check_events`)."""
    issues = _Collector()
    states: dict[tuple[str, str], _GateState] = {}
    reported_products: set[str] = set()

    def report(event: Event, field: str, value: Any, message: Message) -> None:
        issues.add(EventIssue(str(event.product), str(event.gate), event.line, field, _text(value), message))

    for event in events:
        if not isinstance(event, Event):
            raise PathwayError(
                f"{_text(repr(event))} is not an Event; allowed: Event(product, gate, kind, date, ...)"
            )
        product, gate, kind, day = event.product, event.gate, event.kind, event.date
        decision = event.decision or None

        if by_product:
            allowed = per_product.get(product)
            if allowed is None:
                if product not in reported_products:
                    report(
                        event,
                        "product",
                        product,
                        Message.make("event.product_unknown", product=_text(product)),
                    )
                    reported_products.add(product)
                continue
        else:
            allowed = common
        ok = True
        if gate not in allowed:
            shown = ", ".join(sorted(allowed)[:12]) + (" ..." if len(allowed) > 12 else "")
            report(event, "gate", gate, Message.make("event.gate_unknown", gate=_text(gate), allowed=shown))
            ok = False
        if kind not in EVENT_KINDS:
            report(
                event,
                "kind",
                kind,
                Message.make("event.kind_unknown", kind=_text(kind), allowed=", ".join(EVENT_KINDS)),
            )
            ok = False
        if isinstance(day, datetime) or not isinstance(day, date):
            report(event, "date", day, Message.make("event.date_invalid", value=_text(day)))
            ok = False
        elif today is not None and day > today:
            report(
                event, "date", _on(day), Message.make("event.date_future", date=_on(day), today=_on(today))
            )
        if kind == "decision" and decision not in DECISIONS:
            report(
                event,
                "decision",
                decision or "",
                Message.make("event.decision_missing", value=_text(decision)),
            )
            ok = False
        elif kind != "decision" and kind in EVENT_KINDS and decision is not None:
            report(
                event,
                "decision",
                decision,
                Message.make("event.decision_not_allowed", kind=_text(kind), decision=_text(decision)),
            )
        if not ok:
            continue

        state = states.get((product, gate))
        if state is None:
            state = states[product, gate] = _GateState()
        if state.last_date is not None and day < state.last_date:
            report(
                event,
                "date",
                _on(day),
                Message.make("event.date_backwards", date=_on(day), previous=_on(state.last_date)),
            )
        message = _transition_problem(state, kind)
        if message is not None:
            report(event, "kind", kind, message)
            continue
        state.last_date = day if state.last_date is None else max(state.last_date, day)
        if kind == "submitted":
            state.state, state.submitted, state.open_query = "pending", day, None
        elif kind == "query":
            state.state, state.open_query = "queried", day
        elif kind == "answered":
            state.state, state.open_query = "pending", None
        elif kind == "decision":
            state.state, state.open_query = decision, None
        else:
            state.state, state.open_query = "withdrawn", None

    return issues


def _transition_problem(state: _GateState, kind: str) -> Message | None:
    """Why ``kind`` may not follow the gate's state, or ``None`` if it may."""
    current = state.state
    if current == "approved":
        return Message.make("event.after_approval", kind=_text(kind), date=_on(state.last_date))
    if current == "new":
        if kind == "submitted":
            return None
        return Message.make("event.first_not_submitted", kind=_text(kind))
    if kind == "submitted":
        if current in ("refused", "withdrawn"):
            return None
        return Message.make("event.resubmission_pending", date=_on(state.submitted))
    if current in ("refused", "withdrawn"):
        return Message.make(f"event.nothing_pending_{current}", kind=_text(kind))
    # pending or queried
    if kind == "query":
        if current == "queried":
            return Message.make("event.query_open", date=_on(state.open_query))
        return None
    if kind == "answered":
        if current == "queried":
            return None
        return Message.make("event.answer_without_query")
    return None  # decision or withdrawn while pending or queried
