"""Generate docs/cli.md from the commands' own help, so the reference cannot drift from the code.

uv run python -m clusterworks.cli.reference > docs/cli.md
"""

from __future__ import annotations

import click

from .main import cli

HEADER = """# Command-line reference

Generated from the commands' own help by `python -m clusterworks.cli.reference`; a test keeps it
current. Every command exits non-zero with a one-line message on error. `clusterworks COMMAND --help`
prints the same text.
"""


def _sections(command: click.Command, ctx: click.Context) -> list[str]:
    """Help of ``command`` and of every subcommand, each in a context whose parent is its group's, so
    that settings such as ``help_option_names`` are inherited as when the command runs."""
    sections = [f"\n## `{ctx.command_path}`\n\n```text\n{command.get_help(ctx)}\n```\n"]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            sub = command.commands[name]
            with click.Context(sub, info_name=name, parent=ctx, **sub.context_settings) as sub_ctx:
                sections += _sections(sub, sub_ctx)
    return sections


def cli_reference_markdown() -> str:
    settings = {"terminal_width": 100, "max_content_width": 100, **cli.context_settings}
    with click.Context(cli, info_name="clusterworks", **settings) as ctx:
        return HEADER + "".join(_sections(cli, ctx))


if __name__ == "__main__":
    click.echo(cli_reference_markdown(), nl=False)
