"""The analytics library's messages in the reader's language.

The pathways library (``clusterworks.analytics.pathways``, no Django) words its messages in English --
the problems :func:`~clusterworks.analytics.pathways.check_events` finds in gate events and the
assumptions of a forecast -- and gives each a ``code`` and ``params``
(:class:`~clusterworks.analytics.pathways.Message`). Here each code has its sentence, translatable,
with the same placeholders; :func:`render` fills it. A message without a code, or with one not known
here, is shown in its English. A param that is itself a message (a clause: where a duration was
drawn from, the wait before a gate, ...) is rendered the same way first. Every sentence in English
is the library's own (``tests/web/pathways/test_messages.py`` checks each), with one exception: the
library's "recorded decision(s)" is singular or plural here.

Services add what they know about the events (``services.events``); the pages show the rest through
:func:`render` and :func:`event_issue`.
"""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy, ngettext_lazy


def _rate(value: Any) -> str:
    """A rate with three significant digits, as the library prints it, in the reader's number format."""
    text = format(float(value), ".3g")
    if "e" in text:
        return text
    decimals = len(text.split(".")[1]) if "." in text else 0
    return number_format(float(text), decimal_pos=decimals)


#: code -> its sentence, translatable, with the placeholders of the library's template (a plural
#: sentence takes its number from the param named after its two forms)
WORDINGS: dict[str, Any] = {
    # Translators: problems found in recorded gate events; quoted words are keys as in the import file
    "event.product_unknown": gettext_lazy("unknown product '%(product)s'; allowed: a product of the list"),
    "event.gate_unknown": gettext_lazy(
        "gate '%(gate)s' is not in the product's catalogue; allowed: %(allowed)s"
    ),
    "event.kind_unknown": gettext_lazy("'%(kind)s' is not a kind of event; allowed: %(allowed)s"),
    "event.date_invalid": gettext_lazy("'%(value)s' is not a date; allowed: a date such as 2025-03-14"),
    "event.date_future": gettext_lazy("%(date)s is after today (%(today)s); allowed: dates up to today"),
    "event.decision_missing": gettext_lazy(
        "a decision must be approved or refused, not '%(value)s'; allowed: approved, refused"
    ),
    "event.decision_not_allowed": gettext_lazy(
        "a '%(kind)s' event carries the decision '%(decision)s'; allowed: a decision only on 'decision' "
        "events"
    ),
    "event.date_backwards": gettext_lazy(
        "%(date)s is before the previous event at this gate (%(previous)s); allowed: events of a gate in "
        "the order of their dates"
    ),
    "event.after_approval": gettext_lazy(
        "'%(kind)s' after the approval at this gate (the last event on %(date)s); allowed: nothing after an "
        "approval"
    ),
    "event.first_not_submitted": gettext_lazy(
        "the first event at a gate must be 'submitted', not '%(kind)s'; allowed: submitted, then "
        "query/answered, decision or withdrawn"
    ),
    "event.resubmission_pending": gettext_lazy(
        "a resubmission while the submission of %(date)s is pending; allowed: a new submission only after a "
        "refusal or a withdrawal"
    ),
    "event.nothing_pending_refused": gettext_lazy(
        "'%(kind)s' with no submission pending (the last one was refused); allowed: 'submitted' first"
    ),
    "event.nothing_pending_withdrawn": gettext_lazy(
        "'%(kind)s' with no submission pending (the last one was withdrawn); allowed: 'submitted' first"
    ),
    "event.query_open": gettext_lazy(
        "a query while the query of %(date)s is open; allowed: 'answered' before the next query"
    ),
    "event.answer_without_query": gettext_lazy(
        "'answered' without an open query; allowed: 'answered' after a 'query'"
    ),
    # Translators: the assumptions of a forecast of time to market, one line each
    "forecast.order": gettext_lazy(
        "From %(today)s, the gates not yet approved (%(remaining)s of %(total)s) are passed one after "
        "another in catalogue order; durations are calendar days from submission to decision, agency "
        "queries included."
    ),
    "forecast.gate_open": ngettext_lazy(
        "%(gate)s: open for %(elapsed)s day; its duration drawn from %(source)s, conditional on exceeding "
        "%(elapsed)s day",
        "%(gate)s: open for %(elapsed)s days; its duration drawn from %(source)s, conditional on exceeding "
        "%(elapsed)s days",
        "elapsed",
    ),
    "forecast.gate_open_longer": ngettext_lazy(
        "%(gate)s: open for %(elapsed)s day; its duration drawn from %(source)s, conditional on exceeding "
        "%(elapsed)s day (%(longer)s of %(records)s records are longer)",
        "%(gate)s: open for %(elapsed)s days; its duration drawn from %(source)s, conditional on exceeding "
        "%(elapsed)s days (%(longer)s of %(records)s records are longer)",
        "elapsed",
    ),
    "forecast.gate_open_none_longer": ngettext_lazy(
        "%(gate)s: open for %(elapsed)s day; its duration drawn from %(source)s, conditional on exceeding "
        "%(elapsed)s day (no record is longer, the longest %(longest)s: assumed decided today)",
        "%(gate)s: open for %(elapsed)s days; its duration drawn from %(source)s, conditional on exceeding "
        "%(elapsed)s days (no record is longer, the longest %(longest)s: assumed decided today)",
        "elapsed",
    ),
    "forecast.gate_refused": ngettext_lazy(
        "%(gate)s: refused %(elapsed)s day ago; resubmitted after %(gap)s, then its duration drawn from "
        "%(source)s",
        "%(gate)s: refused %(elapsed)s days ago; resubmitted after %(gap)s, then its duration drawn from "
        "%(source)s",
        "elapsed",
    ),
    "forecast.gate_withdrawn": ngettext_lazy(
        "%(gate)s: withdrawn %(elapsed)s day ago; resubmitted after %(gap)s, then its duration drawn from "
        "%(source)s",
        "%(gate)s: withdrawn %(elapsed)s days ago; resubmitted after %(gap)s, then its duration drawn from "
        "%(source)s",
        "elapsed",
    ),
    "forecast.gate_to_do": gettext_lazy("%(gate)s: %(wait)s; its duration drawn from %(source)s"),
    "forecast.gate_refusals": gettext_lazy("%(gate)s: %(rate)s"),
    "forecast.other_catalogues": ngettext_lazy(
        "Gates with fewer than %(min_history)s records in catalogue '%(catalogue)s' use the records of the "
        "gates with the same key in every catalogue.",
        "Gates with fewer than %(min_history)s records in catalogue '%(catalogue)s' use the records of the "
        "gates with the same key in every catalogue.",
        "min_history",
    ),
    "forecast.beyond_calendar": gettext_lazy(
        "Some statutory clocks run beyond the calendar's known holidays: working days there are Monday to "
        "Friday."
    ),
    "forecast.beyond_calendar_after": gettext_lazy(
        "Some statutory clocks run beyond the calendar's known holidays (after %(end)s): working days there "
        "are Monday to Friday."
    ),
    "forecast.on_the_market": gettext_lazy("Every gate is approved: the product is on the market (0 days)."),
    # Translators: fills %(source)s in “its duration drawn from %(source)s”
    "source.history": ngettext_lazy(
        "%(records)s recorded decision at this gate (bootstrap)",
        "%(records)s recorded decisions at this gate (bootstrap)",
        "records",
    ),
    "source.typical": ngettext_lazy(
        "uniform %(low)s-%(high)s calendar days, its typical range (%(records)s recorded decision, fewer "
        "than %(min_history)s)",
        "uniform %(low)s-%(high)s calendar days, its typical range (%(records)s recorded decisions, fewer "
        "than %(min_history)s)",
        "records",
    ),
    "source.statutory_working": ngettext_lazy(
        "the statutory clock of %(days)s working days = %(calendar_days)s calendar days from today, no "
        "typical range (%(records)s recorded decision, fewer than %(min_history)s)",
        "the statutory clock of %(days)s working days = %(calendar_days)s calendar days from today, no "
        "typical range (%(records)s recorded decisions, fewer than %(min_history)s)",
        "records",
    ),
    "source.statutory_calendar": ngettext_lazy(
        "the statutory clock of %(days)s calendar days, no typical range (%(records)s recorded decision, "
        "fewer than %(min_history)s)",
        "the statutory clock of %(days)s calendar days, no typical range (%(records)s recorded decisions, "
        "fewer than %(min_history)s)",
        "records",
    ),
    "source.none": ngettext_lazy(
        "nothing: 0 days (%(records)s recorded decision, fewer than %(min_history)s, no typical range and "
        "no statutory clock)",
        "nothing: 0 days (%(records)s recorded decisions, fewer than %(min_history)s, no typical range and "
        "no statutory clock)",
        "records",
    ),
    # Translators: fills %(wait)s in “%(gate)s: %(wait)s; its duration drawn from %(source)s”
    "wait.first_gate": gettext_lazy("no wait before the first gate"),
    "wait.history": ngettext_lazy(
        "the wait before it from %(gaps)s recorded gap (previous approval -> submission)",
        "the wait before it from %(gaps)s recorded gaps (previous approval -> submission)",
        "gaps",
    ),
    "wait.all_gates": ngettext_lazy(
        "the wait before it from the %(gaps)s recorded gap of all gates (fewer than %(min_history)s for "
        "this gate)",
        "the wait before it from the %(gaps)s recorded gaps of all gates (fewer than %(min_history)s for "
        "this gate)",
        "gaps",
    ),
    "wait.none": ngettext_lazy(
        "no wait before it (fewer than %(min_history)s recorded gaps between gates)",
        "no wait before it (fewer than %(min_history)s recorded gaps between gates)",
        "min_history",
    ),
    # Translators: fills %(gap)s in “resubmitted after %(gap)s, then its duration drawn from ...”
    "gap.history": ngettext_lazy(
        "a gap drawn from %(gaps)s recorded resubmission gap at this gate",
        "a gap drawn from %(gaps)s recorded resubmission gaps at this gate",
        "gaps",
    ),
    "gap.all_gates": ngettext_lazy(
        "a gap drawn from the %(gaps)s recorded resubmission gap of all gates",
        "a gap drawn from the %(gaps)s recorded resubmission gaps of all gates",
        "gaps",
    ),
    "gap.none": ngettext_lazy(
        "no gap (fewer than %(min_history)s recorded resubmission gaps: 0 days)",
        "no gap (fewer than %(min_history)s recorded resubmission gaps: 0 days)",
        "min_history",
    ),
    # Translators: fills %(rate)s in “%(gate)s: %(rate)s”
    "rate.history": ngettext_lazy(
        "refusal rate %(rate)s from %(refused)s refusals in %(decided)s recorded decision at this gate; a "
        "refusal repeats the gate after a resubmission gap",
        "refusal rate %(rate)s from %(refused)s refusals in %(decided)s recorded decisions at this gate; a "
        "refusal repeats the gate after a resubmission gap",
        "decided",
    ),
    "rate.history_capped": ngettext_lazy(
        "refusal rate %(rate)s from %(refused)s refusals in %(decided)s recorded decision at this gate; a "
        "refusal repeats the gate after a resubmission gap (capped at %(cap)s)",
        "refusal rate %(rate)s from %(refused)s refusals in %(decided)s recorded decisions at this gate; a "
        "refusal repeats the gate after a resubmission gap (capped at %(cap)s)",
        "decided",
    ),
    "rate.all_gates": ngettext_lazy(
        "refusal rate %(rate)s from %(refused)s refusals in %(decided)s recorded decision of all gates "
        "(fewer than %(min_history)s at this gate); a refusal repeats the gate after a resubmission gap",
        "refusal rate %(rate)s from %(refused)s refusals in %(decided)s recorded decisions of all gates "
        "(fewer than %(min_history)s at this gate); a refusal repeats the gate after a resubmission gap",
        "decided",
    ),
    "rate.all_gates_capped": ngettext_lazy(
        "refusal rate %(rate)s from %(refused)s refusals in %(decided)s recorded decision of all gates "
        "(fewer than %(min_history)s at this gate); a refusal repeats the gate after a resubmission gap "
        "(capped at %(cap)s)",
        "refusal rate %(rate)s from %(refused)s refusals in %(decided)s recorded decisions of all gates "
        "(fewer than %(min_history)s at this gate); a refusal repeats the gate after a resubmission gap "
        "(capped at %(cap)s)",
        "decided",
    ),
    "rate.none": ngettext_lazy(
        "no refusals assumed (fewer than %(min_history)s recorded decisions)",
        "no refusals assumed (fewer than %(min_history)s recorded decisions)",
        "min_history",
    ),
}

#: numeric params shown as rates (three significant digits, the reader's decimal separator)
RATES = frozenset({"rate", "cap"})


def render(message: Any) -> str:
    """``message`` in the reader's language: the sentence of its code filled with its params; its
    English text for a code not known here (or a plain string)."""
    code = getattr(message, "code", "")
    wording = WORDINGS.get(code)
    if wording is None:
        return str(message)
    params = {
        name: render(value)
        if hasattr(value, "code")
        else _rate(value)
        if name in RATES and isinstance(value, int | float)
        else value
        for name, value in getattr(message, "params", {}).items()
    }
    try:
        return str(wording % params)
    except (KeyError, TypeError, ValueError):  # params that do not fit the sentence: the English
        return str(message)


def event_issue(issue: Any) -> str:
    """What is wrong with a gate event (an ``EventIssue`` of ``check_events``), in the reader's
    language."""
    return render(issue.message)


def event_issue_at(issue: Any, gate_name: str = "") -> str:
    """The problem with the gate where it happened: ``At “Registration”: …``."""
    return gettext("At “%(gate)s”: %(problem)s") % {
        "gate": gate_name or issue.gate,
        "problem": event_issue(issue),
    }
