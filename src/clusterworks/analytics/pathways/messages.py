"""Messages of the pathways library in a machine-readable form, besides their English text.

A forecast's assumptions (:attr:`~.forecast.Forecast.assumptions`) and the problems found in gate
events (:attr:`~.errors.EventIssue.message`) are :class:`Message` objects: English strings, printed
and compared as they always were, which also carry a ``code`` naming the sentence and the ``params``
that fill it. An interface in another language words each code in its own language from the
params, and shows the English text for a code it does not know.

:data:`TEMPLATES` holds the English sentence of every code, in :meth:`str.format` syntax; the
English text of a message is its template filled with its params. A param may itself be a
:class:`Message` (a clause, such as where a duration was drawn from), worded the same way. Dates are
given as ISO text (``2025-03-14``), keys and kinds as they are, rates as numbers.

Examples
--------
>>> m = Message.make("event.date_future", date="2025-03-14", today="2025-03-01")
>>> m
'2025-03-14 is after today (2025-03-01); allowed: dates up to today'
>>> m.code, m.params["today"]
('event.date_future', '2025-03-01')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["TEMPLATES", "Message"]

#: The English sentence of every code (the CLI prints these; interfaces translate them).
TEMPLATES: dict[str, str] = {
    # --- problems in gate events (check_events), each an EventIssue's message
    "event.product_unknown": "unknown product '{product}'; allowed: a product of the list",
    "event.gate_unknown": "gate '{gate}' is not in the product's catalogue; allowed: {allowed}",
    "event.kind_unknown": "'{kind}' is not a kind of event; allowed: {allowed}",
    "event.date_invalid": "'{value}' is not a date; allowed: a date such as 2025-03-14",
    "event.date_future": "{date} is after today ({today}); allowed: dates up to today",
    "event.decision_missing": (
        "a decision must be approved or refused, not '{value}'; allowed: approved, refused"
    ),
    "event.decision_not_allowed": (
        "a '{kind}' event carries the decision '{decision}'; allowed: a decision only on 'decision' events"
    ),
    "event.date_backwards": (
        "{date} is before the previous event at this gate ({previous}); allowed: events of a gate in the "
        "order of their dates"
    ),
    "event.after_approval": (
        "'{kind}' after the approval at this gate (the last event on {date}); allowed: nothing after an "
        "approval"
    ),
    "event.first_not_submitted": (
        "the first event at a gate must be 'submitted', not '{kind}'; allowed: submitted, then "
        "query/answered, decision or withdrawn"
    ),
    "event.resubmission_pending": (
        "a resubmission while the submission of {date} is pending; allowed: a new submission only after a "
        "refusal or a withdrawal"
    ),
    "event.nothing_pending_refused": (
        "'{kind}' with no submission pending (the last one was refused); allowed: 'submitted' first"
    ),
    "event.nothing_pending_withdrawn": (
        "'{kind}' with no submission pending (the last one was withdrawn); allowed: 'submitted' first"
    ),
    "event.query_open": (
        "a query while the query of {date} is open; allowed: 'answered' before the next query"
    ),
    "event.answer_without_query": "'answered' without an open query; allowed: 'answered' after a 'query'",
    # --- a forecast's assumptions: whole lines
    "forecast.order": (
        "From {today}, the gates not yet approved ({remaining} of {total}) are passed one after another "
        "in catalogue order; durations are calendar days from submission to decision, agency queries "
        "included."
    ),
    "forecast.gate_open": (
        "{gate}: open for {elapsed} days; its duration drawn from {source}, conditional on exceeding "
        "{elapsed} days"
    ),
    "forecast.gate_open_longer": (
        "{gate}: open for {elapsed} days; its duration drawn from {source}, conditional on exceeding "
        "{elapsed} days ({longer} of {records} records are longer)"
    ),
    "forecast.gate_open_none_longer": (
        "{gate}: open for {elapsed} days; its duration drawn from {source}, conditional on exceeding "
        "{elapsed} days (no record is longer, the longest {longest}: assumed decided today)"
    ),
    "forecast.gate_refused": (
        "{gate}: refused {elapsed} days ago; resubmitted after {gap}, then its duration drawn from {source}"
    ),
    "forecast.gate_withdrawn": (
        "{gate}: withdrawn {elapsed} days ago; resubmitted after {gap}, then its duration drawn from {source}"
    ),
    "forecast.gate_to_do": "{gate}: {wait}; its duration drawn from {source}",
    "forecast.gate_refusals": "{gate}: {rate}",
    "forecast.other_catalogues": (
        "Gates with fewer than {min_history} records in catalogue '{catalogue}' use the records of the "
        "gates with the same key in every catalogue."
    ),
    "forecast.beyond_calendar": (
        "Some statutory clocks run beyond the calendar's known holidays: working days there are Monday "
        "to Friday."
    ),
    "forecast.beyond_calendar_after": (
        "Some statutory clocks run beyond the calendar's known holidays (after {end}): working days there "
        "are Monday to Friday."
    ),
    "forecast.on_the_market": "Every gate is approved: the product is on the market (0 days).",
    # --- clauses of the assumptions: where a gate's duration came from ({source})
    "source.history": "{records} recorded decisions at this gate (bootstrap)",
    "source.typical": (
        "uniform {low}-{high} calendar days, its typical range ({records} recorded decision(s), fewer than "
        "{min_history})"
    ),
    "source.statutory_working": (
        "the statutory clock of {days} working days = {calendar_days} calendar days from today, no typical "
        "range ({records} recorded decision(s), fewer than {min_history})"
    ),
    "source.statutory_calendar": (
        "the statutory clock of {days} calendar days, no typical range ({records} recorded decision(s), "
        "fewer than {min_history})"
    ),
    "source.none": (
        "nothing: 0 days ({records} recorded decision(s), fewer than {min_history}, no typical range and no "
        "statutory clock)"
    ),
    # the wait before a gate ({wait})
    "wait.first_gate": "no wait before the first gate",
    "wait.history": "the wait before it from {gaps} recorded gaps (previous approval -> submission)",
    "wait.all_gates": (
        "the wait before it from the {gaps} recorded gaps of all gates (fewer than {min_history} for this "
        "gate)"
    ),
    "wait.none": "no wait before it (fewer than {min_history} recorded gaps between gates)",
    # the gap before a resubmission ({gap})
    "gap.history": "a gap drawn from {gaps} recorded resubmission gaps at this gate",
    "gap.all_gates": "a gap drawn from the {gaps} recorded resubmission gaps of all gates",
    "gap.none": "no gap (fewer than {min_history} recorded resubmission gaps: 0 days)",
    # a gate's refusal rate ({rate})
    "rate.history": (
        "refusal rate {rate:.3g} from {refused} refusals in {decided} recorded decisions at this gate; a "
        "refusal repeats the gate after a resubmission gap"
    ),
    "rate.history_capped": (
        "refusal rate {rate:.3g} from {refused} refusals in {decided} recorded decisions at this gate; a "
        "refusal repeats the gate after a resubmission gap (capped at {cap})"
    ),
    "rate.all_gates": (
        "refusal rate {rate:.3g} from {refused} refusals in {decided} recorded decisions of all gates "
        "(fewer than {min_history} at this gate); a refusal repeats the gate after a resubmission gap"
    ),
    "rate.all_gates_capped": (
        "refusal rate {rate:.3g} from {refused} refusals in {decided} recorded decisions of all gates "
        "(fewer than {min_history} at this gate); a refusal repeats the gate after a resubmission gap "
        "(capped at {cap})"
    ),
    "rate.none": "no refusals assumed (fewer than {min_history} recorded decisions)",
}


class Message(str):
    """An English message that also carries its ``code`` (a key of :data:`TEMPLATES`) and ``params``.

    It is a :class:`str`: printed, joined, compared and written to JSON as its English text. A plain
    string made into a Message without a code has ``code == ""`` and no params.
    """

    code: str
    params: Mapping[str, Any]

    def __new__(cls, text: str = "", code: str = "", params: Mapping[str, Any] | None = None) -> Message:
        message = super().__new__(cls, text)
        message.code = code
        message.params = dict(params or {})
        return message

    @classmethod
    def make(cls, code: str, **params: Any) -> Message:
        """The message of ``code`` with ``params``: its English text is the template filled with them."""
        return cls(TEMPLATES[code].format(**params), code, params)

    @property
    def message(self) -> str:
        """The English text, as a plain string."""
        return str.__str__(self)

    def __getnewargs__(self) -> tuple[str]:  # copy and pickle keep the text, then the code and params
        return (str.__str__(self),)
