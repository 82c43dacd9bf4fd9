"""``clusterworks registry ...``: import and export of the register (filled in by the import module)."""

import click


@click.group()
def registry() -> None:
    """Import and export organisations, clusters and memberships."""
