"""``clusterworks match``: matchmaking from the command line.

* ``schedule``: place accepted one-to-one meeting requests in time slots and rooms without clashes
  (:mod:`clusterworks.analytics.matchmaking`; the command lives in ``match_schedule``).
"""

from __future__ import annotations

import click

from .match_schedule import schedule


@click.group()
def match() -> None:
    """Matchmaking: meeting schedules for brokerage events."""


match.add_command(schedule)
