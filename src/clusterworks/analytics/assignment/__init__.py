"""Reviewer assignment: exactly K reviewers per application, at most L applications per reviewer,
never a conflicted pair, and the largest total affinity -- solved exactly, as a min-cost flow.

Only the *eligible* (reviewer, application) pairs, those given an affinity, may be used, and a
conflict of interest removes a pair even if it is eligible. The problem is a min-cost flow on
``source -> application (capacity K) -> reviewer (capacity 1 per pair) -> sink (capacity L)`` with
cost ``-affinity``; its constraint matrix, the incidence matrix of a bipartite graph, is totally
unimodular, so the simplex method returns a 0/1 optimum without branching [1]_, [2]_.
:func:`assign_reviewers` solves it with HiGHS [3]_ (dual simplex, pairs priced in on demand) and
certifies optimality with a dual bound; :func:`greedy_assignment` is the "highest affinity first"
procedure a programme officer would otherwise follow. The method: ``docs/methods/assignment.md``.
This module never imports Django.

References
----------
.. [1] R. K. Ahuja, T. L. Magnanti and J. B. Orlin, *Network Flows: Theory, Algorithms, and
   Applications*, Prentice Hall, 1993, chapters 9 and 11 (the integrality property of network
   flows; the unimodularity of node-arc incidence matrices). ISBN 0-13-617549-X.
.. [2] A. Schrijver, *Theory of Linear and Integer Programming*, Wiley, 1986, chapter 19
   (totally unimodular matrices: fundamental properties and examples).
.. [3] Q. Huangfu and J. A. J. Hall, "Parallelizing the dual revised simplex method",
   *Mathematical Programming Computation* 10 (2018) 119-142. :doi:`10.1007/s12532-017-0130-5`

Examples
--------
Two reviewers, two applications, one reviewer each, one application per reviewer. Ivanova is the
better match for both; greedy gives her A1 (0.9) and leaves Petrov with A2 (0.1), total 1.0. The
optimum gives her A2 (0.8) and Petrov A1 (0.7), total 1.5:

>>> affinity = {
...     ("ivanova", "A1"): 0.9, ("ivanova", "A2"): 0.8,
...     ("petrov", "A1"): 0.7, ("petrov", "A2"): 0.1,
... }
>>> best = assign_reviewers(affinity, per_application=1, max_load=1)
>>> best.pairs
(('A1', 'petrov'), ('A2', 'ivanova'))
>>> round(best.total_affinity, 6), best.optimal
(1.5, True)
>>> round(greedy_assignment(affinity, per_application=1, max_load=1).total_affinity, 6)
1.0

A conflict of interest removes a pair; if too few reviewers remain, the error says which
application and why:

>>> conflicts = [("ivanova", "A1"), ("petrov", "A1")]
>>> assign_reviewers(affinity, per_application=1, max_load=1, conflicts=conflicts)
Traceback (most recent call last):
    ...
clusterworks.analytics.assignment.InfeasibleAssignment: no feasible assignment: application A1 \
has no eligible, non-conflicted reviewer; 1 is needed
"""

from .problem import (
    GAP_TOLERANCE,
    INTEGRALITY_TOLERANCE,
    PRICING_TOLERANCE,
    Assignment,
    InfeasibleAssignment,
    SolverInfo,
)
from .solver import assign_reviewers, greedy_assignment
from .synthetic import random_affinity

__all__ = [
    "Assignment",
    "GAP_TOLERANCE",
    "INTEGRALITY_TOLERANCE",
    "InfeasibleAssignment",
    "PRICING_TOLERANCE",
    "SolverInfo",
    "assign_reviewers",
    "greedy_assignment",
    "random_affinity",
]

# the public path in reprs and tracebacks, wherever a class is defined inside the package
for _public in (Assignment, InfeasibleAssignment, SolverInfo):
    _public.__module__ = __name__
del _public
