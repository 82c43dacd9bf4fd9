"""Errors become one line on stderr and a non-zero exit; a traceback is a bug."""

from __future__ import annotations

import json
from typing import Any

import click


class CLIGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:  # translated once, here
            from django.core.exceptions import PermissionDenied, ValidationError

            if isinstance(exc, PermissionDenied | ValidationError | ValueError | FileNotFoundError):
                raise click.ClickException(str(exc)) from exc
            raise


def report_problems(error: Any, as_json: bool, what: str) -> None:
    """Every problem of an :class:`~clusterworks.analytics.issues.InvalidInput` (a bad input file): one
    line each on stderr under ``Error: <what> was not read (N problems):``, or, with ``as_json``, one JSON
    object ``{"ok": false, "total", "problems"}`` on stdout. The caller exits with status 1."""
    if as_json:
        click.echo(
            json.dumps({"ok": False, "total": error.total, "problems": [i.as_dict() for i in error.issues]})
        )
        return
    count = f"{error.total:,} problem{'' if error.total == 1 else 's'}"
    click.echo(f"Error: {what} was not read ({count}):", err=True)
    for line in error.lines():
        click.echo(f"  {line}", err=True)
