"""``clusterworks registry import|export``: the register as CSV and XLSX files.

Thin: the commands parse arguments, look up the acting user, call
:mod:`clusterworks.web.registry.io` and print. Errors of an import are printed one per line on stderr
(or as JSON with ``--json``) and the exit status is 1; nothing is written then.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from .django_setup import setup_django
from .progress import progress_bar

KINDS = ("organisations", "clusters", "memberships")
FORMATS = ("csv", "xlsx")


@click.group()
def registry() -> None:
    """Import and export organisations, clusters and memberships (CSV or XLSX).

    The columns of each kind of file are documented in docs/import-export.md.
    """


def _user(username: str) -> Any:
    from clusterworks.web.core.models import User

    try:
        user = User.objects.get(username=username)
    except User.DoesNotExist:
        raise click.ClickException(
            f"there is no user {username!r}; create one with `clusterworks manage createsuperuser`"
        ) from None
    if not user.is_active:
        raise click.ClickException(f"user {username!r} is deactivated")
    return user


PHASES = {"read": "Reading files", "validate": "Validating rows", "write": "Writing rows"}


@contextlib.contextmanager
def _progress(enabled: bool) -> Iterator[Any]:
    """The import's progress (phase, done, total) as one bar per phase (read, validate, write) of
    :func:`clusterworks.cli.progress.progress_bar`, or None."""
    if not enabled:
        yield None
        return
    with progress_bar(True) as bar:
        yield lambda phase, done, total: bar(done, total, PHASES.get(phase, phase))


def _kinds_for(files: tuple[Path, ...], kinds: tuple[str, ...]) -> list[str | None]:
    if not kinds:
        return [None] * len(files)
    if len(kinds) == 1:
        return [kinds[0]] * len(files)
    if len(kinds) == len(files):
        return list(kinds)
    raise click.UsageError(
        f"{len(kinds)} --kind options for {len(files)} files: give one --kind for all files, one per file "
        "(in the same order), or none to tell each file's kind from its header"
    )


@registry.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--user", "username", required=True, help="Act as this user (needs the registry.import permission)."
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(KINDS),
    help="What the files hold: once for all files, or once per file in order. Default: from each header.",
)
@click.option("--dry-run", is_flag=True, help="Validate and report what would change; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON on stdout.")
@click.option("-v", "--verbose", is_flag=True, help="List every row that is created or updated.")
def import_command(
    files: tuple[Path, ...],
    username: str,
    kinds: tuple[str, ...],
    dry_run: bool,
    as_json: bool,
    verbose: bool,
) -> None:
    """Import organisations, clusters and memberships from CSV or XLSX FILES, all or nothing.

    Rows are matched on stable keys (organisation key, cluster key, cluster + organisation) and created or
    updated; re-importing the same file changes nothing. Keys may refer to rows defined in another file
    of the same command. Every error is reported (file, line, field, value, what is allowed) and then
    nothing is written; the exit status is 1.

    \b
    Examples:
      clusterworks registry import organisations.csv --user admin --dry-run
      clusterworks registry import orgs.xlsx members.csv --user manager
      clusterworks registry import a.csv b.csv --kind organisations --kind memberships --user admin --json
    """
    setup_django()
    from clusterworks.web.core.audit import acting_as
    from clusterworks.web.core.permissions import NotAllowed
    from clusterworks.web.registry.io.importer import import_files

    per_file = _kinds_for(files, kinds)
    user = _user(username)
    try:
        with acting_as(user, "import"), _progress(sys.stdout.isatty() and not as_json) as progress:
            report = import_files(files, user=user, kinds=per_file, dry_run=dry_run, progress=progress)
    except NotAllowed as exc:
        if as_json:
            refusal = {"file": "", "line": None, "field": "", "value": "", "message": str(exc.reason)}
            click.echo(json.dumps({"ok": False, "errors": [refusal]}, ensure_ascii=False))
            sys.exit(1)
        raise click.ClickException(f"{username} may not import: {exc.reason}") from None

    if as_json:
        click.echo(json.dumps(report.as_dict(rows=verbose), ensure_ascii=False, indent=2, default=str))
        if not report.ok:
            sys.exit(1)
        return
    if not report.ok:
        for error in report.errors:
            click.echo(str(error), err=True)
        click.echo(f"{len(report.errors)} error(s); nothing was written.", err=True)
        sys.exit(1)
    if verbose:
        for row in report.rows:
            if row.action != "unchanged":
                fields = ", ".join(row.changes)
                click.echo(
                    f"{row.action:<7} {row.kind[:-1]} {row.key} ({row.file}, line {row.line}): {fields}"
                )
    for kind, summary in report.summary.items():
        click.echo(
            f"{kind}: {summary.created} created, {summary.updated} updated, {summary.unchanged} unchanged"
        )
    if dry_run:
        click.echo("Dry run: nothing was written.")
    else:
        click.echo(f"Done in {report.seconds:.2f} s; {report.audit_events} audit event(s) recorded.")


@registry.command("export")
@click.option("--kind", required=True, type=click.Choice(KINDS), help="What to export.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="File format. Default: from the --out file's extension.",
)
@click.option("--out", "out", required=True, help="File to write, or '-' for CSV on stdout.")
@click.option(
    "--cluster", "cluster_key", default="", help="Only this cluster (by key), its members or memberships."
)
@click.option(
    "--user", "username", required=True, help="Act as this user (needs the registry.export permission)."
)
@click.option(
    "--delimiter", type=click.Choice([",", ";"]), default=",", show_default=True, help="CSV delimiter."
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary on stdout (not with --out -).")
def export_command(
    kind: str, fmt: str | None, out: str, cluster_key: str, username: str, delimiter: str, as_json: bool
) -> None:
    """Export organisations, clusters or memberships with exactly the import columns.

    An exported file imports back as "unchanged". CSV is UTF-8 with a byte-order mark (Excel reads it
    right) and streamed, so large exports need little memory.

    \b
    Examples:
      clusterworks registry export --kind organisations --out organisations.xlsx --user analyst
      clusterworks registry export --kind memberships --cluster moscow-medtech --out - --user manager
    """
    if fmt is None:
        suffix = Path(out).suffix.lower().lstrip(".")
        if out == "-" or suffix == "csv":
            fmt = "csv"
        elif suffix == "xlsx":
            fmt = "xlsx"
        else:
            raise click.UsageError("give --format csv or xlsx, or an --out file ending in .csv or .xlsx")
    if out == "-" and fmt != "csv":
        raise click.UsageError("only CSV can be written to stdout")
    if out == "-" and as_json:
        raise click.UsageError("--json needs --out FILE (the CSV itself goes to stdout with --out -)")
    setup_django()
    from clusterworks.web.core.permissions import NotAllowed
    from clusterworks.web.registry.io.errors import RegistryIOError
    from clusterworks.web.registry.io.exporter import registry_export
    from clusterworks.web.registry.io.tables import csv_chunks, write_xlsx

    user = _user(username)
    try:
        names, values = registry_export(user=user, kind=kind, cluster_key=cluster_key)
    except NotAllowed as exc:
        raise click.ClickException(f"{username} may not export: {exc.reason}") from None
    except RegistryIOError as exc:
        raise click.ClickException(str(exc)) from None
    counted = _Counted(values)
    if fmt == "xlsx":
        with open(out, "wb") as handle:
            write_xlsx(names, counted, handle, sheet_title=kind)
    else:
        stream = sys.stdout.buffer if out == "-" else open(out, "wb")  # noqa: SIM115
        try:
            for chunk in csv_chunks(names, counted, delimiter=delimiter):
                stream.write(chunk)
        finally:
            stream.flush() if out == "-" else stream.close()
        if out == "-":
            return
    if as_json:
        click.echo(
            json.dumps(
                {"kind": kind, "format": fmt, "out": out, "rows": counted.count, "cluster": cluster_key}
            )
        )
    else:
        click.echo(f"Wrote {counted.count} {kind} to {out}.")


class _Counted:
    """An iterable that counts what passes through it."""

    def __init__(self, items: Any):
        self.items, self.count = items, 0

    def __iter__(self) -> Iterator[Any]:
        for item in self.items:
            self.count += 1
            yield item
