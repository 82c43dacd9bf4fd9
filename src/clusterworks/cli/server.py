"""``clusterworks demo``, ``serve`` and ``manage``: run an instance with a production-grade server."""

from __future__ import annotations

import sys

import click

from .django_setup import migrate, setup_django


def _serve(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the site with gunicorn (threads share one process per worker) and WhiteNoise for static files."""
    from gunicorn.app.base import BaseApplication

    from clusterworks.web.config.wsgi import application

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("accesslog", None)
            self.cfg.set("graceful_timeout", 5)

        def load(self):
            return application

    click.echo(f"Serving Clusterworks on http://{host}:{port}/  (Ctrl+C to stop)")
    Server().run()


def _prepare_static() -> None:
    from django.conf import settings
    from django.core.management import call_command

    # Every start: after an upgrade the collected files and their manifest would otherwise be stale
    # (collectstatic copies only the files that changed).
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    call_command("collectstatic", interactive=False, verbosity=0)


server_options = [
    click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on."),
    click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port."),
    click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Processes."),
    click.option(
        "--threads", default=8, show_default=True, type=click.IntRange(1, 256), help="Threads each."
    ),
]


def with_server_options(func):
    for option in reversed(server_options):
        func = option(func)
    return func


@click.command()
@with_server_options
@click.option("--no-serve", is_flag=True, help="Build the demo instance and exit.")
def demo(host: str, port: int, workers: int, threads: int, no_serve: bool) -> None:
    """Build (idempotently) and serve the demo instance in CLUSTERWORKS_HOME.

    The demo holds the Moscow Medical Technologies Cluster, the 25 pilot innovative territorial clusters,
    a two-round Delphi survey of medical-technology priorities with synthetic answers (and a running one
    for the demo expert to answer), the priorities that follow from it, a technology roadmap of the
    Moscow cluster with its chains and gaps, and one user per role, whose credentials are printed.

    Product pathways (/pathways/): 26 illustrative products of the Moscow cluster (medicines, medical
    devices of classes 1 to 3, in-vitro diagnostics, medical software, a service), each with its
    consortium, its gate history from 2019 (submissions, agency queries, refusals, resubmissions,
    approvals, generated from a fixed seed so that the bottlenecks show: registration at Roszdravnadzor
    and GMP conclusions at the Ministry of Industry and Trade beyond their statutory clocks, products
    stuck at agencies now) and a few illustrative documents, stored privately; and eight barriers the
    members raised, escalated, resolved or closed. The user "manager" manages the cluster and sees and
    changes all of it; "representative" (Eurogen) sees the six products of Eurogen's consortia and the
    barrier Eurogen raised, and records the events of the products Eurogen develops; "analyst" sees
    every product, the board, the bottlenecks and the report for the ministry, and changes nothing.

    Support programme (/programme/): an illustrative competition shaped like the one the seed news item
    describes: this year's call of the programme for the pilot clusters, 25 applications asking for
    2.7 bn roubles against an envelope of 2.5 bn, conflicts of interest found in the registry and
    declared, reviewers assigned exactly, their reviews, the commission's vote, the exact allocation
    (the envelope spent to the kopeck), the decisions and the published awards; and next year's call,
    open. "officer" runs the programme, "commission" chairs the commission, "expert" is one of the
    reviewers, "manager" may apply to next year's call.

    A rebuild changes nothing already there: events recorded and barriers handled by a user stay as
    they are.
    """
    setup_django()
    from clusterworks.web.demo import build_demo

    migrate()
    credentials = build_demo(progress=lambda message: click.echo(f"  {message}"))
    _prepare_static()
    click.echo("\nDemo users (user name / password / role):")
    for username, password, role in credentials:
        click.echo(f"  {username:<16} {password:<22} {role}")
    if not no_serve:
        _serve(host, port, workers, threads)


@click.command()
@with_server_options
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Apply migrations and serve an existing instance (DATABASE_URL or CLUSTERWORKS_HOME)."""
    setup_django()
    migrate()
    _prepare_static()
    _serve(host, port, workers, threads)


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def manage(ctx: click.Context) -> None:
    """Run a Django management command, e.g. ``clusterworks manage createsuperuser``."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line([f"{sys.argv[0]} manage", *ctx.args])
