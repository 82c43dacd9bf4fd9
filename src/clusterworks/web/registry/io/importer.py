"""The import service: read files, validate all of them, then write everything or nothing.

:func:`import_sources` (bytes, e.g. an upload) and :func:`import_files` (paths, the CLI) return an
:class:`ImportReport`: ``ok`` with counts of created, updated and unchanged rows per kind, or the list
of every error found, in which case nothing was written. A dry run validates and counts, and writes
nothing. The actor needs the ``registry.import`` permission (:class:`NotAllowed` is raised otherwise);
each row is further checked against the actor's rights on it (see :mod:`.planning`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from clusterworks.web.core.audit import acting_as
from clusterworks.web.core.permissions import require

from .columns import KINDS, SPECS
from .errors import ImportIssue, UnreadableFile, quote
from .planning import Plan, Progress, make_plan
from .tables import Table, read_tables
from .writing import write_plan


@dataclass(frozen=True)
class ImportSource:
    """One file to import: its name (used in messages), its bytes, and its kind if known."""

    name: str
    data: bytes
    kind: str | None = None


@dataclass
class KindSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class RowOutcome:
    kind: str
    key: str
    file: str
    line: int
    action: str
    changes: dict[str, list[Any]]

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass
class ImportReport:
    """What an import did or, if it failed, every reason why (``ok`` is False when there are ``errors``)."""

    dry_run: bool
    errors: list[ImportIssue] = field(default_factory=list)
    summary: dict[str, KindSummary] = field(default_factory=dict)
    rows: list[RowOutcome] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    audit_events: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def as_dict(self, *, rows: bool = False) -> dict[str, Any]:
        result: dict[str, Any] = {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "written": self.written,
            "summary": {kind: s.as_dict() for kind, s in self.summary.items()},
            "errors": [e.as_dict() for e in self.errors],
            "files": self.files,
            "audit_events": self.audit_events,
            "seconds": round(self.seconds, 3),
        }
        if rows:
            result["rows"] = [r.as_dict() for r in self.rows if r.action != "unchanged"]
        return result


# ------------------------------------------------------------------------------------------- kinds


def infer_kind(table: Table) -> str | None:
    """The kind of rows a table holds: from its worksheet's name, else from the columns of its header."""
    if table.sheet.strip().lower() in KINDS:
        return table.sheet.strip().lower()
    names = {h.strip().lower() for h in table.header}
    matching = [kind for kind, spec in SPECS.items() if set(spec.signature) <= names]
    if len(matching) == 1:
        return matching[0]
    if not matching:
        return None
    return max(matching, key=lambda kind: len(names & set(SPECS[kind].names)))


def _kind_issue(table: Table) -> ImportIssue:
    signatures = "; ".join(f"{kind}: {', '.join(spec.signature)}" for kind, spec in SPECS.items())
    return ImportIssue(
        table.name,
        table.header_line,
        "",
        ", ".join(table.header[:8]),
        _(
            "cannot tell what this file holds from its header %(header)s; the header must name the columns "
            "of one kind (%(signatures)s) or choose the kind explicitly"
        )
        % {"header": quote(", ".join(table.header[:8])), "signatures": signatures},
    )


# ------------------------------------------------------------------------------------------ service


def import_sources(
    sources: Sequence[ImportSource], *, user: Any, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Import ``sources`` as ``user``: all-or-nothing, in one transaction, audited with source "import"."""
    require(user, "registry.import")
    started = time.perf_counter()
    report = ImportReport(dry_run=dry_run)
    tables: list[tuple[Table, str]] = []
    for index, source in enumerate(sources):
        if progress:
            progress("read", index, len(sources))
        if source.kind is not None and source.kind not in KINDS:
            report.errors.append(
                ImportIssue(
                    source.name,
                    None,
                    "",
                    source.kind,
                    _("unknown kind %(kind)s; allowed: %(kinds)s")
                    % {"kind": quote(source.kind), "kinds": ", ".join(KINDS)},
                )
            )
            continue
        try:
            found = read_tables(source.data, name=source.name)
        except UnreadableFile as exc:
            report.errors.append(ImportIssue(source.name, None, "", "", str(exc)))
            continue
        if not found:
            report.errors.append(
                ImportIssue(source.name, None, "", "", _("the file is empty: no header and no rows"))
            )
        for table in found:
            kind = source.kind or infer_kind(table)
            if kind is None:
                report.errors.append(_kind_issue(table))
                continue
            tables.append((table, kind))
            report.files.append(
                {
                    "name": table.name,
                    "kind": kind,
                    "format": table.format,
                    "encoding": table.encoding,
                    "delimiter": table.delimiter,
                    "rows": len(table.rows),
                }
            )
    if progress:
        progress("read", len(sources), len(sources))

    plan = make_plan(tables, actor=user, progress=progress)
    report.errors.extend(plan.issues)
    _summarise(plan, report)
    if report.errors or dry_run:
        report.seconds = time.perf_counter() - started
        return report

    try:
        with acting_as(user, "import"), transaction.atomic():
            report.audit_events = write_plan(plan, progress)
    except DatabaseError as exc:  # a rule the checks above missed; the transaction was rolled back
        report.errors.append(
            ImportIssue(
                ", ".join(s.name for s in sources),
                None,
                "",
                "",
                _("the database refused the import: %(problem)s") % {"problem": exc},
            )
        )
        report.audit_events = 0
    report.seconds = time.perf_counter() - started
    return report


ACTION_COUNTS = {"create": "created", "update": "updated", "unchanged": "unchanged"}


def _summarise(plan: Plan, report: ImportReport) -> None:
    for kind in plan.kinds:
        summary = report.summary.setdefault(kind, KindSummary())
        for row in plan.rows[kind]:
            counter = ACTION_COUNTS[row.action]
            setattr(summary, counter, getattr(summary, counter) + 1)
            report.rows.append(RowOutcome(kind, row.label, row.file, row.line, row.action, row.changes))


def import_files(
    paths: Sequence[str | Path],
    *,
    user: Any,
    kinds: Sequence[str | None] | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import files from disk; ``kinds`` gives each file's kind (None: inferred from its header)."""
    kinds = list(kinds) if kinds is not None else [None] * len(paths)
    if len(kinds) != len(paths):
        raise ValueError(f"{len(kinds)} kinds for {len(paths)} files; give one kind per file, or none")
    sources = [ImportSource(Path(p).name, Path(p).read_bytes(), k) for p, k in zip(paths, kinds, strict=True)]
    return import_sources(sources, user=user, dry_run=dry_run, progress=progress)
