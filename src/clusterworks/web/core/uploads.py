"""Uploaded files that a background task reads, and the problems it reports back.

An import page copies the upload to a private temporary folder (:func:`kept_upload`), starts a task
(``core.tasks``) that reads it and removes the folder when done (:func:`removed_after`), and turns the
reader's :class:`~clusterworks.analytics.issues.InvalidInput` into :class:`ImportProblems`, whose lines
the task page lists in the reader's language (:func:`problem_line`).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from clusterworks.analytics.issues import InvalidInput


class ImportProblems(InvalidInput):
    """The problems of an import, each line in the reader's language."""

    def lines(self) -> list[str]:
        lines = [problem_line(issue) for issue in self.issues]
        if self.total > len(self.issues):
            lines.append(_("… and %(count)s more problems") % {"count": self.total - len(self.issues)})
        return lines


def problem_line(issue: Any) -> str:
    """``file, line L, column “c” (value “v”): message`` in the reader's language; the message is the
    reader's (in English)."""
    where = [issue.file] if issue.file else []
    if issue.line is not None:
        where.append(_("line %(line)s") % {"line": issue.line})
    if issue.field:
        where.append(_("column “%(column)s”") % {"column": issue.field})
    if issue.value:
        where.append(_("value “%(value)s”") % {"value": issue.value})
    return (", ".join(where) + ": " if where else "") + issue.message


def kept_upload(upload: Any, name: str, *, prefix: str) -> Path:
    """A copy of the uploaded file ``upload`` as ``name`` in a new private temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    path = folder / name
    with path.open("wb") as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
    return path


@contextlib.contextmanager
def removed_after(path: Path) -> Iterator[None]:
    """Reads of the kept upload at ``path``; a reader's :class:`InvalidInput` becomes
    :class:`ImportProblems`, and the upload's folder is removed whatever happens."""
    try:
        yield
    except InvalidInput as error:
        if isinstance(error, ImportProblems):
            raise
        raise ImportProblems(error.issues, total=error.total) from error
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
