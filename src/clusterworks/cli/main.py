"""The ``clusterworks`` command. Each command group lives in its own module and is thin: it parses
arguments, calls a service or an analytics function, and prints (``--json`` where it reports data)."""

from __future__ import annotations

import click

from clusterworks import __version__

from .errors import CLIGroup


@click.group(cls=CLIGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="clusterworks")
def cli() -> None:
    """Clusterworks: registry, network, programme, observatory and foresight tools for clusters."""


def _register() -> None:
    from . import delphi, match, network, observatory, pathways, programme, registry, server, tokens

    cli.add_command(server.demo)
    cli.add_command(server.serve)
    cli.add_command(server.manage)
    cli.add_command(registry.registry)
    cli.add_command(tokens.token)
    cli.add_command(programme.programme)
    cli.add_command(delphi.delphi)
    cli.add_command(pathways.pathways)
    cli.add_command(network.network)
    cli.add_command(match.match)
    cli.add_command(observatory.map_group)


_register()


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
