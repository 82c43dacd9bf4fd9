"""``clusterworks programme``: the programme office's tools for a competition, file in and file out.

* ``assign`` -- reviewers for the applications of a call, exactly (:mod:`.assign`);
* ``allocate`` -- the envelope among the applications, exactly (:mod:`.allocate`);
* ``scores`` -- the reviewers' rubric scores aggregated, with disagreement flags (:mod:`.scores`).

Each command is thin: it reads its CSV files (every bad value is reported with file, line, field,
value and what is allowed, and then nothing is written; :mod:`.tables`), calls the analytics library
and writes OUT.csv through a temporary file renamed into place, so that the file appears only on
success. The methods are in docs/methods/.
"""

from __future__ import annotations

import click


@click.group()
def programme() -> None:
    """Tools for a programme office running a competition (expert review of applications).

    The method behind each command is documented in docs/methods/.
    """


from . import allocate, assign, scores  # noqa: E402, F401  (register the commands)
