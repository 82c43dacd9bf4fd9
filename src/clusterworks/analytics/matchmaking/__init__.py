"""Scheduling a matchmaking event: participants ask each other for one-to-one meetings, and the
schedule places as many of them as possible -- by total weight -- in time slots and rooms, with no
participant or room in two meetings at once, within everyone's availability and caps, around the
meetings already fixed.

:func:`schedule_meetings` solves it exactly (``method="exact"``: HiGHS [1]_ on a selection
relaxation and a slot-indexed mixed-integer programme, with a proven bound when a time limit stops
it) or greedily (``method="greedy"``: the heaviest request first, each in its earliest free slot);
:func:`check_schedule` lists every rule a schedule breaks; :func:`validate_problem` every problem
in the input. Each request left out has its reason, in English and as a code with params
(:class:`Reason`, codes in :data:`REASON_CODES`). The method, the proof that rooms need only be
counted, and measured figures are in ``docs/methods/matchmaking.md``. This module never imports
Django.

References
----------
.. [1] Q. Huangfu and J. A. J. Hall, "Parallelizing the dual revised simplex method",
   *Mathematical Programming Computation* 10 (2018) 119-142. :doi:`10.1007/s12532-017-0130-5`

Examples
--------
Two slots and one table. Ann asked Bob and Bob asked Ann (one meeting: the pair meets once);
Cleo asked Ann, and Cleo can come only in the first slot. Greedy takes the most constrained request
of the heaviest weight first:

>>> problem = Problem(
...     slots=("09:00", "09:20"),
...     rooms=("T1",),
...     requests=(
...         MeetingRequest("r1", "ann", "bob", weight=2),
...         MeetingRequest("r2", "bob", "ann"),
...         MeetingRequest("r3", "cleo", "ann", weight=2),
...     ),
...     availability={"cleo": {"09:00"}},
... )
>>> schedule = schedule_meetings(problem)
>>> for p in schedule.placements:
...     print(p.slot, p.room, p.request)
09:00 T1 r3
09:20 T1 r1
>>> schedule.unplaced
{'r2': 'duplicate of request r1 (ann and bob meet at most once)'}
>>> reason = schedule.unplaced_reasons["r2"]  # the same, for the web layer to word in Russian
>>> reason.code, dict(reason.params)
('duplicate', {'request': 'r1', 'first': 'ann', 'second': 'bob'})
>>> schedule.objective, schedule.optimal, check_schedule(problem, schedule)
(4.0, True, [])
"""

from clusterworks.analytics.reasons import Reason

from .check import check_schedule
from .greedy import greedy_schedule
from .model import (
    METHODS,
    InvalidSchedulingProblem,
    MeetingRequest,
    Placement,
    Problem,
    Schedule,
    problem_issues,
    validate_problem,
)
from .reasons import REASON_CODES
from .solver import schedule_meetings
from .synthetic import random_problem, slot_labels

__all__ = [
    "METHODS",
    "InvalidSchedulingProblem",
    "MeetingRequest",
    "Placement",
    "Problem",
    "REASON_CODES",
    "Reason",
    "Schedule",
    "check_schedule",
    "greedy_schedule",
    "problem_issues",
    "random_problem",
    "schedule_meetings",
    "slot_labels",
    "validate_problem",
]

# the public path in reprs and tracebacks, wherever a class is defined inside the package
for _public in (InvalidSchedulingProblem, MeetingRequest, Placement, Problem, Schedule):
    _public.__module__ = __name__
del _public
