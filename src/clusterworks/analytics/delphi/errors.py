"""The errors of :mod:`clusterworks.analytics.delphi`: one tree rooted at :class:`DelphiError`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["DelphiError", "InvalidResponses", "ResponseIssue"]


class DelphiError(ValueError):
    """An argument of a Delphi statistic is not allowed; the message names it and what is allowed."""


@dataclass(frozen=True)
class ResponseIssue:
    """One problem in a table of Delphi responses.

    ``line`` is the line of the file (the header is line 1), or, for rows given in memory, the number
    the caller gave the row (see :func:`~clusterworks.analytics.delphi.summarise_responses`).
    ``field`` is the column concerned, or ``""`` when the problem is the whole row or file; ``value``
    is the offending value as text; ``message`` says what is wrong and what is allowed.
    """

    line: int | None
    field: str
    value: str
    message: str

    def describe(self, source: str = "") -> str:
        """The issue as one line: ``source, line L, field 'f': message``."""
        where = [source] if source else []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field:
            where.append(f"field '{self.field}'")
        return (", ".join(where) + ": " if where else "") + self.message

    def __str__(self) -> str:
        return self.describe()

    def as_dict(self, source: str = "") -> dict[str, Any]:
        return {"file": source, **asdict(self)}


class InvalidResponses(DelphiError):
    """The responses break the rules of the input table; every issue found is in :attr:`issues`.

    Attributes
    ----------
    issues : tuple of ResponseIssue
        The issues, in the order of their lines, at most ``limit`` of them.
    total : int
        How many issues were found in all (``total > len(issues)`` when some were left out).
    source : str
        The file the responses came from, or ``""``.
    """

    def __init__(self, issues: Iterable[ResponseIssue], *, total: int | None = None, source: str = ""):
        self.issues = tuple(issues)
        self.total = len(self.issues) if total is None else total
        self.source = source
        first = self.issues[0].describe(source) if self.issues else "no details"
        more = f" (and {self.total - 1} more)" if self.total > 1 else ""
        super().__init__(f"{first}{more}")

    def lines(self) -> list[str]:
        """One line per issue, each naming the file (if known), line, field and the problem."""
        return [issue.describe(self.source) for issue in self.issues]
