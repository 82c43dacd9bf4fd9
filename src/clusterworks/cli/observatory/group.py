"""The ``clusterworks map`` group, which the command modules add their commands to."""

from __future__ import annotations

import click

from ..errors import CLIGroup


@click.group("map", cls=CLIGroup)
def map_group() -> None:
    """Cluster observatory: strength, complexity, relatedness and definitions from regional statistics."""
