"""The errors of :mod:`clusterworks.analytics.priorities`: one tree rooted at :class:`PriorityError`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["InputIssue", "InvalidPriorityInput", "PriorityError"]


class PriorityError(ValueError):
    """An argument of a priority ranking is not allowed; the message names it and what is allowed."""


@dataclass(frozen=True)
class InputIssue:
    """One problem in the input tables (scores or criteria) of a priority ranking.

    ``file`` is the name of the file (``""`` for data given in memory); ``line`` is its line (the
    header is line 1), or ``None`` when the problem is the whole file; ``field`` is the column
    concerned, or ``""``; ``value`` is the offending value as text; ``message`` says what is wrong and
    what is allowed.
    """

    file: str
    line: int | None
    field: str
    value: str
    message: str

    def describe(self) -> str:
        """The issue as one line: ``file, line L, field 'f': message``."""
        where = [self.file] if self.file else []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field:
            where.append(f"field '{self.field}'")
        return (", ".join(where) + ": " if where else "") + self.message

    def __str__(self) -> str:
        return self.describe()

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class InvalidPriorityInput(PriorityError):
    """The input tables break their rules; every issue found is in :attr:`issues`.

    Attributes
    ----------
    issues : tuple of InputIssue
        The issues, by file and line, at most 100 of them.
    total : int
        How many issues were found in all (``total > len(issues)`` when some were left out).
    """

    def __init__(self, issues: Iterable[InputIssue], *, total: int | None = None):
        self.issues = tuple(issues)
        self.total = len(self.issues) if total is None else total
        first = self.issues[0].describe() if self.issues else "no details"
        more = f" (and {self.total - 1} more)" if self.total > 1 else ""
        super().__init__(f"{first}{more}")

    def lines(self) -> list[str]:
        """One line per issue, each naming the file, line, field and the problem."""
        return [issue.describe() for issue in self.issues]
