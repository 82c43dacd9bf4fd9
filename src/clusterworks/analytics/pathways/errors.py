"""The errors of :mod:`clusterworks.analytics.pathways`: one tree rooted at :class:`PathwayError`.

* :class:`PathwayError` (a :class:`ValueError`): an argument is not allowed; the message names it, its
  value and what is allowed.
* :class:`InvalidEvents`: gate events break the rules of the gates (every problem in
  :attr:`InvalidEvents.issues`, each an :class:`EventIssue`).
* :class:`InvalidPathwayInput`: input files (gates, products, events, a calendar) break their rules
  (every problem in :attr:`InvalidPathwayInput.issues`, each a :class:`FileIssue` naming the file,
  line, field and value).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from clusterworks.analytics.issues import MAX_ISSUES, FileIssue, InvalidInput, shorten

__all__ = ["EventIssue", "FileIssue", "InvalidEvents", "InvalidPathwayInput", "PathwayError"]


class PathwayError(ValueError):
    """An argument of a pathways function is not allowed; the message names it and what is allowed."""


def _where(parts: list[str], line: int | None, field: str) -> list[str]:
    if line is not None:
        parts.append(f"line {line}")
    if field:
        parts.append(f"field '{field}'")
    return parts


@dataclass(frozen=True)
class EventIssue:
    """One problem in a sequence of gate events.

    ``product`` and ``gate`` name where it happened; ``line`` is the event's :attr:`Event.line` (the
    line of its file, or the number the caller gave it; ``None`` if not given); ``field`` is the
    attribute concerned (``gate``, ``kind``, ``date`` or ``decision``); ``value`` is the offending
    value as text; ``message`` says what is wrong and what is allowed, in English. Made by
    :func:`~.events.check_events`, the message is a :class:`~.messages.Message` whose ``code`` and
    ``params`` (also :attr:`code` and :attr:`params` here) let an interface word it in another language.
    """

    product: str
    gate: str
    line: int | None
    field: str
    value: str
    message: str

    @property
    def code(self) -> str:
        """The code of the message (a key of :data:`~.messages.TEMPLATES`; ``""`` if it has none)."""
        return getattr(self.message, "code", "")

    @property
    def params(self) -> dict[str, Any]:
        """The values that fill the message's template (empty if it has no code)."""
        return dict(getattr(self.message, "params", {}))

    def describe(self, source: str = "") -> str:
        """The issue as one line: ``source, line L, product 'p', gate 'g', field 'f': message``."""
        parts = _where([source] if source else [], self.line, "")
        parts.append(f"product '{self.product}'")
        if self.gate:
            parts.append(f"gate '{self.gate}'")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts) + ": " + self.message

    def __str__(self) -> str:
        return self.describe()

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class InvalidEvents(PathwayError):
    """Gate events break the rules; every problem found is in :attr:`issues`.

    Attributes
    ----------
    issues : tuple of EventIssue
        The problems, in the order of the events, at most 100 of them.
    total : int
        How many problems were found in all (``total > len(issues)`` when some were left out).
    """

    def __init__(self, issues: Iterable[EventIssue], *, total: int | None = None):
        self.issues = tuple(issues)
        self.total = len(self.issues) if total is None else total
        first = self.issues[0].describe() if self.issues else "no details"
        more = f" (and {self.total - 1} more)" if self.total > 1 else ""
        super().__init__(f"{first}{more}")

    def lines(self) -> list[str]:
        """One line per problem."""
        return [issue.describe() for issue in self.issues]


class InvalidPathwayInput(InvalidInput, PathwayError):
    """Input files break their rules; every problem found is in :attr:`issues` (each a
    :class:`~clusterworks.analytics.issues.FileIssue` naming the file, line, field and value, at most
    :data:`MAX_ISSUES`) and :attr:`total` counts them all."""


class _Collector:
    """Keeps the first :data:`MAX_ISSUES` issues, counts all."""

    def __init__(self, limit: int = MAX_ISSUES):
        self.limit, self.kept, self.total = limit, [], 0

    def add(self, issue: Any) -> None:
        self.total += 1
        if len(self.kept) < self.limit:
            self.kept.append(issue)

    def __bool__(self) -> bool:
        return self.total > 0


_text = shorten
