"""``--columns``-style options: the library's one ``field=column`` parser, its errors as click's."""

from __future__ import annotations

from collections.abc import Sequence

import click

from clusterworks.analytics.columns import ColumnMappingError, parse_column_mapping


def parse_columns(
    spec: str, *, required: Sequence[str], optional: Sequence[str] = (), option: str = "--columns"
) -> dict[str, str]:
    """:func:`~clusterworks.analytics.columns.parse_column_mapping`, a bad mapping reported as a
    :class:`click.BadParameter` of ``option``."""
    try:
        return parse_column_mapping(spec, required=required, optional=optional)
    except ColumnMappingError as error:
        raise click.BadParameter(str(error), param_hint=option) from None
