"""The libraries' reasons in the reader's language: the recommender's and the event scheduler's.

The recommender (``clusterworks.analytics.network.recommend``, no Django) explains each recommendation
with reasons: a ``code``, its ``params`` and an English ``text`` (``recommend.reasons.TEMPLATES``). Here
each code has its sentence, translatable, with the same placeholders; :func:`reason_text` fills it,
naming organisations, competences, regions and organisation types as the pages name them (in the
reader's language, from the identifiers among the params). A reason whose code is not known here, or
whose params do not fit the sentence, is shown in the library's English.

The event scheduler (``clusterworks.analytics.matchmaking``) says why a meeting request is left out of
a schedule the same way (its codes: ``REASON_CODES``); :func:`schedule_reason_text` words it from
:data:`SCHEDULE_WORDINGS`. Its params are participants as the scheduler names them (the organisations'
names, ``selectors_events.scheduling_input``), request ids and counts, so they are used as they are;
in English every sentence is the scheduler's own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.text import get_text_list
from django.utils.translation import gettext, gettext_lazy, ngettext_lazy

#: code -> its sentence, translatable, with the placeholders of the library's params (a plural sentence
#: takes its number from the param named last in the tuple)
WORDINGS: dict[str, Any] = {
    # Translators: why a partner is recommended, one line each; %(partner_names)s lists organisations
    "shared_partner": gettext_lazy("1 shared partner: %(partner_names)s"),
    "shared_partners": ngettext_lazy(
        "%(count)s shared partner: %(partner_names)s", "%(count)s shared partners: %(partner_names)s", "count"
    ),
    "partners_of_partners": ngettext_lazy(
        "linked to you through partners of your partners (%(paths)s such link)",
        "linked to you through partners of your partners (%(paths)s such links)",
        "paths",
    ),
    "holds_competence": gettext_lazy("holds competence %(competences)s that you lack"),
    "holds_competences": gettext_lazy("holds competences %(competences)s that you lack"),
    "matches_text": gettext_lazy("its profile matches your project idea (%(terms)s)"),
    "same_areas": gettext_lazy("works in the same programme areas (%(areas)s)"),
    "complements": gettext_lazy("%(kind_name)s: complements your %(source_phrase)s"),
    "complements_consortium": gettext_lazy("%(kind_name)s: complements your consortium of %(source_phrase)s"),
    "same_country": gettext_lazy("same country (%(country)s)"),
    "same_region": gettext_lazy("same region (%(region)s)"),
    "very_active": gettext_lazy("very active: %(projects)s projects in %(first_year)s-%(last_year)s"),
}

#: params shown as shares (a percentage in the reader's number format)
SHARES: frozenset[str] = frozenset()


@dataclass
class Names:
    """How the pages name what reasons refer to by identifier: organisations (id -> name),
    competences (code -> name), regions (code -> name) and organisation types (a function)."""

    organisations: Mapping[str, str] = field(default_factory=dict)
    competences: Mapping[str, str] = field(default_factory=dict)
    regions: Mapping[str, str] = field(default_factory=dict)
    kind: Callable[[str], str] | None = None


def _listed(value: Any, names: Mapping[str, str]) -> str:
    """A list (or a comma-separated text) of identifiers as names, joined with commas."""
    items = value if isinstance(value, list | tuple) else [v.strip() for v in str(value).split(",")]
    return ", ".join(str(names.get(str(v), v)) for v in items if str(v))


def _number(name: str, value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if name in SHARES and isinstance(value, int | float):
        return number_format(round(100 * float(value)), decimal_pos=0) + " %"
    if isinstance(value, float) and not value.is_integer():
        return number_format(value, decimal_pos=2)
    if isinstance(value, int | float):
        return int(value)
    return value


def _params(code: str, raw: Mapping[str, Any], names: Names) -> dict[str, Any]:
    params: dict[str, Any] = {k: _number(k, v) for k, v in raw.items()}
    for key, value in raw.items():
        if isinstance(value, list | tuple) and key not in params:
            params[key] = ", ".join(str(v) for v in value)
    if "partners" in raw and names.organisations:
        params["partner_names"] = _listed(raw["partners"], names.organisations)
    if code in ("holds_competence", "holds_competences") and "competences" in raw:
        params["competences"] = _listed(raw.get("codes", raw["competences"]), names.competences)
    if code == "same_region" and "region" in raw:
        params["region"] = names.regions.get(str(raw["region"]), raw["region"])
    if code == "complements" and names.kind is not None and "kind" in raw:
        params["kind_name"] = names.kind(str(raw["kind"]))
        sources = raw.get("source_kinds") or raw.get("sources")
        if sources:
            params["source_phrase"] = ", ".join(names.kind(str(k)) for k in sources)
    for key, value in params.items():
        if isinstance(value, list | tuple):
            params[key] = ", ".join(str(v) for v in value)
    return params


def reason_text(reason: Any, names: Names | Mapping[str, str] | None = None) -> str:
    """``reason`` in the reader's language (its English ``text`` when its code is unknown or its params
    do not fit); ``names`` names the organisations (a mapping of ids), or more (:class:`Names`)."""
    english = str(getattr(reason, "text", reason))
    code = getattr(reason, "code", "")
    if code == "complements" and str(
        dict(getattr(reason, "params", {}) or {}).get("source_phrase", "")
    ).startswith("consortium"):
        code = "complements_consortium"  # the library says "consortium of ..." in its phrase
    wording = WORDINGS.get(code)
    if wording is None:
        return english
    if not isinstance(names, Names):
        names = Names(organisations=dict(names or {}))
    try:
        return str(wording % _params(reason.code, dict(getattr(reason, "params", {}) or {}), names))
    except (KeyError, TypeError, ValueError):
        return english


# ------------------------------------------------------------------------------- the event scheduler

#: scheduler's code -> its sentence, translatable (a plural sentence takes its number from the param
#: named last in the tuple); ``no_free_slot`` lists its clauses (:data:`BUSY_CLAUSES`) in ``clauses``
SCHEDULE_WORDINGS: dict[str, Any] = {
    # Translators: why a meeting request is left out of an event's schedule; %(...)s are organisations
    "duplicate": gettext_lazy(
        "duplicate of request %(request)s (%(first)s and %(second)s meet at most once)"
    ),
    "cap_reached": ngettext_lazy(
        "participant cap of %(cap)s meeting reached (%(participant)s)",
        "participant cap of %(cap)s meetings reached (%(participant)s)",
        "cap",
    ),
    "requester_unavailable": gettext_lazy("requester %(participant)s is unavailable in every slot"),
    "invitee_unavailable": gettext_lazy("invitee %(participant)s is unavailable in every slot"),
    "no_common_slot": gettext_lazy("no slot in which both %(requester)s and %(invitee)s are available"),
    "no_open_room": ngettext_lazy(
        "no room is open in the %(slots)s slot both %(requester)s and %(invitee)s can attend",
        "no room is open in the %(slots)s slots both %(requester)s and %(invitee)s can attend",
        "slots",
    ),
    "fixed_meetings_block": ngettext_lazy(
        "no free slot shared by both %(requester)s and %(invitee)s: of the %(slots)s slot both can attend, "
        "in each one of them has a fixed meeting or every room is taken by fixed meetings",
        "no free slot shared by both %(requester)s and %(invitee)s: of the %(slots)s slots both can attend, "
        "in each one of them has a fixed meeting or every room is taken by fixed meetings",
        "slots",
    ),
    "no_free_slot": ngettext_lazy(
        "no free slot shared by both %(first)s and %(second)s: of the %(slots)s slot both can attend, "
        "%(clauses)s",
        "no free slot shared by both %(first)s and %(second)s: of the %(slots)s slots both can attend, "
        "%(clauses)s",
        "slots",
    ),
    "slot_left_free": ngettext_lazy(
        "not placed, although a slot is free (no free slot shared by both %(first)s and %(second)s: of "
        "the %(slots)s slot both can attend)",
        "not placed, although a slot is free (no free slot shared by both %(first)s and %(second)s: of "
        "the %(slots)s slots both can attend)",
        "slots",
    ),
}

#: the clauses of ``no_free_slot``, in the scheduler's order: (the count that shows it, its wording);
#: a count of 0 leaves its clause out
BUSY_CLAUSES: tuple[tuple[str, Any], ...] = (
    # Translators: "... of the 3 slots both can attend, Alpha has another meeting in 2 and ..."
    ("first_busy", gettext_lazy("%(first)s has another meeting in %(first_busy)s")),
    ("second_busy", gettext_lazy("%(second)s has another meeting in %(second_busy)s")),
    ("rooms_full", gettext_lazy("every room is taken in %(rooms_full)s")),
)


def schedule_reason_text(reason: Any) -> str:
    """The scheduler's ``reason`` (a ``Reason``) in the reader's language; its English ``text`` when its
    code is unknown here or its params do not fit."""
    wording = SCHEDULE_WORDINGS.get(getattr(reason, "code", ""))
    if wording is None:
        return str(getattr(reason, "text", reason))
    params = dict(reason.params)
    try:
        if reason.code == "no_free_slot":
            clauses = [str(clause % params) for count, clause in BUSY_CLAUSES if params[count]]
            # Translators: the last separator of a list ("A, B and C")
            params["clauses"] = get_text_list(clauses, gettext("and"))
        return str(wording % params)
    except (KeyError, TypeError, ValueError):
        return str(reason.text)
