"""Problems found in input files, collected so that every one is reported at once.

A :class:`FileIssue` names the file, the line (the header is line 1), the field (column) and the
value, and says what is wrong and what is allowed. Readers collect issues with an
:class:`IssueCollector` and raise an :class:`InvalidInput` (or a subclass of their own) carrying all
of them; nothing is returned half-read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["MAX_ISSUES", "FileIssue", "InvalidInput", "IssueCollector", "shorten"]

#: How many issues an exception keeps (all are counted in ``total``).
MAX_ISSUES = 100


def shorten(value: Any, limit: int = 80) -> str:
    """``value`` as text, cut to ``limit`` characters with an ellipsis."""
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class FileIssue:
    """One problem in an input file: ``file`` (its name), ``line`` (the header is line 1; ``None``
    for the whole file), ``field`` (the column, or ``""``), ``value`` (as text) and ``message`` (what
    is wrong and what is allowed)."""

    file: str
    line: int | None
    field: str
    value: str
    message: str

    def describe(self) -> str:
        """The issue as one line: ``file, line L, field 'f': message``."""
        parts = [self.file] if self.file else []
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.field:
            parts.append(f"field '{self.field}'")
        return (", ".join(parts) + ": " if parts else "") + self.message

    def __str__(self) -> str:
        return self.describe()

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class InvalidInput(ValueError):
    """Input breaks its rules; every problem found is in :attr:`issues`.

    Attributes
    ----------
    issues : tuple of FileIssue
        The problems, by file and line, at most :data:`MAX_ISSUES` of them.
    total : int
        How many problems were found in all (``total > len(issues)`` when some were left out).
    """

    def __init__(self, issues: Iterable[FileIssue], *, total: int | None = None):
        self.issues = tuple(issues)
        self.total = len(self.issues) if total is None else total
        first = self.issues[0].describe() if self.issues else "no details"
        more = f" (and {self.total - 1} more)" if self.total > 1 else ""
        super().__init__(f"{first}{more}")

    def lines(self) -> list[str]:
        """One line per problem, each naming the file, line, field and the problem."""
        lines = [issue.describe() for issue in self.issues]
        if self.total > len(self.issues):
            lines.append(f"... and {self.total - len(self.issues)} more problems")
        return lines


class IssueCollector:
    """Keeps the first ``limit`` issues and counts all of them."""

    def __init__(self, file: str = "", limit: int = MAX_ISSUES):
        self.file, self.limit = file, limit
        self.kept: list[FileIssue] = []
        self.total = 0

    def add(self, line: int | None, field: str, value: Any, message: str) -> None:
        self.total += 1
        if len(self.kept) < self.limit:
            self.kept.append(FileIssue(self.file, line, field, shorten(value), message))

    def __bool__(self) -> bool:
        return self.total > 0

    def raise_if_any(self, error: type[InvalidInput] = InvalidInput) -> None:
        if self.total:
            raise error(self.kept, total=self.total)
