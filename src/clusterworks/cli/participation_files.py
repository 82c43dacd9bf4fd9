"""Reading participation files on the command line: the options shared by ``clusterworks network`` and
``clusterworks match``, and one way of reporting a bad file (every problem on stderr, exit status 1,
nothing written)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from clusterworks.analytics.network.participations import (
    FIELDS,
    InvalidParticipations,
    Participations,
    parse_columns,
    read_participations,
)

from .errors import report_problems

COLUMNS_HELP = (
    "The file's column for each field: project=...,organisation=...,year=... (required) and optionally "
    f"role, type, country, amount, name. Fields: {', '.join(FIELDS)}."
)


def _columns(ctx: click.Context, param: click.Parameter, value: str) -> dict[str, str]:
    try:
        return parse_columns(value)
    except ValueError as error:
        raise click.BadParameter(str(error), ctx=ctx, param=param) from None


def participation_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """``--columns``, ``--drop-missing``, ``--mixed-identifiers``, ``--any-type``, ``--encoding``."""
    options = [
        click.option("--columns", required=True, callback=_columns, help=COLUMNS_HELP),
        click.option(
            "--drop-missing",
            is_flag=True,
            help="Leave out rows without a year (counted) instead of refusing the file.",
        ),
        click.option(
            "--mixed-identifiers",
            is_flag=True,
            help="Accept organisation identifiers of more than one scheme (e.g. PICs and hexadecimal keys).",
        ),
        click.option(
            "--any-type",
            is_flag=True,
            help="Accept any activity type, not only CORDIS's HES, REC, PRC, PUB, OTH.",
        ),
        click.option("--encoding", default="utf-8", show_default=True, help="The file's text encoding."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def read(
    path: Path,
    *,
    columns: dict[str, str],
    drop_missing: bool,
    mixed_identifiers: bool,
    any_type: bool,
    encoding: str,
    as_json: bool = False,
) -> Participations:
    """The file's rows, or exit with status 1 after listing every problem (JSON with ``as_json``)."""
    from clusterworks.analytics.network.participations import CORDIS_KINDS

    try:
        return read_participations(
            path,
            columns=columns,
            on_missing="drop" if drop_missing else "error",
            mixed_identifiers=mixed_identifiers,
            kinds=None if any_type else tuple(CORDIS_KINDS),
            encoding=encoding,
        )
    except InvalidParticipations as error:
        report_problems(error, as_json, "the participation file")
        sys.exit(1)
