"""A library's explanation in English that the web layer can word in another language: :class:`Reason`.

The libraries (no Django) explain their results in English sentences -- why a partner is recommended
(``network.recommend``), why a meeting request is left out of a schedule (``matchmaking``). Each
sentence comes with the ``code`` naming its kind and the ``params`` that fill it (names, counts, caps),
so that the web layer can word the same reason in the reader's language from the code and params
rather than translate the English text.

Examples
--------
>>> r = Reason("same_country", {"country": "Norway"}, "same country (Norway)")
>>> r.as_dict()
{'code': 'same_country', 'params': {'country': 'Norway'}, 'text': 'same country (Norway)'}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Reason"]


@dataclass(frozen=True)
class Reason:
    """One reason: ``code`` (its kind, one of the library's codes), ``params`` and the English
    ``text`` the library shows (the CLI's output)."""

    code: str
    params: Mapping[str, Any]
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params), "text": self.text}
