"""Errors of import and export. A problem with one cell, row or file is an :class:`ImportIssue`
(collected, never raised one by one); the exceptions below are raised by the layers of this package and
translated once by the CLI and the web views."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext as _


def quote(value: Any, limit: int = 80) -> str:
    """``value`` in single quotes for a message, shortened to ``limit`` characters."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return "'" + text.replace("\n", "\\n") + "'"


@dataclass(frozen=True)
class ImportIssue:
    """One problem found in an import: where it is (file, line, field), the bad value and what to do.

    ``line`` is the line of the file (the header is line 1; for XLSX the worksheet row), or None when the
    problem concerns the whole file. ``field`` is the column name, or "" when it concerns the whole row.
    """

    file: str
    line: int | None
    field: str
    value: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class RegistryIOError(Exception):
    """Base of the errors raised by :mod:`clusterworks.web.registry.io`."""


class CellError(RegistryIOError):
    """A cell's value is not allowed; the message names the value and, where useful, what is allowed."""

    def __init__(self, message: str, allowed: str = ""):
        if allowed:
            message = _("%(problem)s; allowed: %(allowed)s") % {"problem": message, "allowed": allowed}
        self.message = message
        super().__init__(self.message)


class UnreadableFile(RegistryIOError):
    """The file is not a CSV or XLSX file we can read (binary, corrupt, unknown encoding, .xls)."""


class UnknownKind(RegistryIOError):
    """An export was asked for a kind of row that does not exist."""


class UnknownCluster(RegistryIOError):
    """``--cluster`` names a cluster that does not exist."""
