"""Errors become one line on stderr and a non-zero exit; a traceback is a bug."""

from __future__ import annotations

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
