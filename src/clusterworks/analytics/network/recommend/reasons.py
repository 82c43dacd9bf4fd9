"""Why a partner is recommended: :class:`Reason` (an English sentence with a machine-readable code and
params; the shared :class:`clusterworks.analytics.reasons.Reason`, made from :data:`TEMPLATES` by
:func:`make_reason`) and
:class:`Recommendation`.

Like the pathways library's messages, a reason carries the ``code`` naming its sentence and the
``params`` that fill it, so that the web layer can word it in Russian; :data:`TEMPLATES` holds the
English sentence of every code in :meth:`str.format` syntax, and a reason's ``text`` is its template
filled with its params. Organisation identifiers are given as ``partners`` (ids) beside their
display names (``partner_names``), activity types as codes (``kind``, e.g. ``PRC``) beside their
English nouns.

Examples
--------
>>> r = make_reason("shared_partners", count=3, partners=["a", "b", "c"], partner_names="A, B, C")
>>> r.text
'3 shared partners: A, B, C'
>>> r.code, r.params["count"]
('shared_partners', 3)
>>> kind_phrase(["HES", "REC"])
'universities and research organisations'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from clusterworks.analytics.reasons import Reason

__all__ = ["KIND_NOUNS", "TEMPLATES", "Reason", "Recommendation", "kind_noun", "kind_phrase", "make_reason"]

#: The English sentence of every reason code.
TEMPLATES: dict[str, str] = {
    "shared_partner": "1 shared partner: {partner_names}",
    "shared_partners": "{count} shared partners: {partner_names}",
    "partners_of_partners": "linked to you through partners of your partners (three-step links: {paths})",
    "holds_competence": "holds competence {competences} that you lack",
    "holds_competences": "holds competences {competences} that you lack",
    "matches_text": "its profile matches your project idea ({terms})",
    "same_areas": "works in the same programme areas ({areas})",
    "complements": "{article} {kind_name} to complement your {source_phrase}",
    "same_country": "same country ({country})",
    "same_region": "same region ({region})",
    "very_active": "very active: {projects} projects in {first_year}-{last_year}",
}

#: English nouns (singular, plural) of the CORDIS activity types; other types are named as they are.
KIND_NOUNS: dict[str, tuple[str, str]] = {
    "HES": ("university", "universities"),
    "REC": ("research organisation", "research organisations"),
    "PRC": ("business partner", "businesses"),
    "PUB": ("public body", "public bodies"),
    "OTH": ("other organisation", "other organisations"),
}


def kind_noun(kind: str, plural: bool = False) -> str:
    """The English noun of an activity type: ``kind_noun("PRC")`` is ``'business partner'``."""
    nouns = KIND_NOUNS.get(kind.upper())
    if nouns is None:
        return kind
    return nouns[1] if plural else nouns[0]


def kind_phrase(kinds: Iterable[str]) -> str:
    """Plural nouns of activity types joined in English: ``'universities and research organisations'``."""
    words = [kind_noun(k, plural=True) for k in kinds]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def article(noun: str) -> str:
    """``'a'`` or ``'an'`` before ``noun``."""
    word = noun.lower()
    return "an" if word[:1] in "aeiou" and not word.startswith(("uni", "use", "eu")) else "a"


def make_reason(code: str, **params: Any) -> Reason:
    """The reason of ``code`` (a key of :data:`TEMPLATES`) with ``params``, its English ``text`` the
    template filled with them; raises ``KeyError`` for an unknown code."""
    return Reason(code, dict(params), TEMPLATES[code].format(**params))


@dataclass(frozen=True)
class Recommendation:
    """A recommended partner: its organisation id, its rank (1 = best), its score (the ranking model's
    value: higher is better, comparable within one query) and the reasons, most telling first."""

    candidate: str
    rank: int
    score: float
    reasons: tuple[Reason, ...] = field(default=())

    @property
    def explanation(self) -> str:
        """The reasons' texts joined with ``"; "`` (the CLI's ``explanation`` column)."""
        return "; ".join(r.text for r in self.reasons)

    def as_dict(self) -> dict[str, Any]:
        return {
            "candidate": self.candidate,
            "rank": self.rank,
            "score": self.score,
            "reasons": [r.as_dict() for r in self.reasons],
            "explanation": self.explanation,
        }
