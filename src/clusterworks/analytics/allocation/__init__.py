"""Allocation of a call's envelope: awards in full or in part down to each application's floor that
maximise the total of score x amount, within the envelope, the minimum score, the caps per cluster
and the sector quotas -- solved exactly, as a mixed-integer programme.

Amounts are whole numbers of the smallest money unit (kopecks: 1 rouble = 100), so sums are exact;
the command line reads and writes roubles with two decimals. :func:`allocate` solves the MIP with
HiGHS [1]_ to a proven gap of 0 and makes the amounts whole by an LP whose matrix is totally
unimodular [2]_; :func:`greedy_allocation` is the "highest score first" procedure a programme office
would otherwise follow; :func:`envelope_sensitivity` re-solves at other envelopes (default -10 % and
+10 %). Every application gets a machine-readable reason and a text: funded in full, below the
minimum score, or cut by the envelope, its cluster's cap or its sector's maximum -- the rules that,
with every other award left as it is, leave it less room than it needs. The method:
``docs/methods/allocation.md``. This module never imports Django.

References
----------
.. [1] Q. Huangfu and J. A. J. Hall, "Parallelizing the dual revised simplex method",
   *Mathematical Programming Computation* 10 (2018) 119-142. :doi:`10.1007/s12532-017-0130-5`
.. [2] A. Schrijver, *Theory of Linear and Integer Programming*, Wiley, 1986, ch. 19 (totally
   unimodular matrices; the Ghouila-Houri criterion shows that the rows of two laminar families form
   one).

Examples
--------
An envelope of 100 and three all-or-nothing applications. Greedy takes A, the best score (9 x 60 =
540), and then neither B nor C fits in the 40 left. The optimum leaves A out and funds B and C,
which use the whole envelope: 8 x 50 + 7 x 50 = 750.

>>> apps = [
...     Application("A", requested=60, score=9),
...     Application("B", requested=50, score=8),
...     Application("C", requested=50, score=7),
... ]
>>> greedy_allocation(apps, envelope=100).objective
540.0
>>> best = allocate(apps, envelope=100)
>>> best.awarded, best.objective, best.optimal
({'A': 0, 'B': 50, 'C': 50}, 750.0, True)

Partial awards and a cap of 70 per cluster. A (cluster K, 30-50, score 10) and B (cluster K, 40 all
or nothing, score 9) share the cap; C (cluster L, 20-40, score 6) does not. Greedy funds A in full
(50), so only 20 of K's cap is left and B, needing 40, gets nothing; C gets its 40: 10 x 50 + 6 x 40
= 740 (and in the end only 10 of the envelope is left either, so both rules keep B out). The
optimum cuts A to its floor 30 so that B fits under the cap (30 + 40 = 70), and C gets
the 30 left of the envelope: 10 x 30 + 9 x 40 + 6 x 30 = 840.

>>> apps = [
...     Application("A", requested=50, floor=30, score=10, cluster="K"),
...     Application("B", requested=40, score=9, cluster="K"),
...     Application("C", requested=40, floor=20, score=6, cluster="L"),
... ]
>>> rules = AllocationRules(cluster_cap=70)
>>> greedy = greedy_allocation(apps, envelope=100, rules=rules)
>>> greedy.awarded, greedy.objective, greedy.award("B").reason
({'A': 50, 'B': 0, 'C': 40}, 740.0, 'cut-by-envelope+cluster-cap')
>>> best = allocate(apps, envelope=100, rules=rules)
>>> best.awarded, best.objective
({'A': 30, 'B': 40, 'C': 30}, 840.0)
>>> for award in best.awards:
...     print(award.application, award.status, award.reason)
A partial cut-by-envelope+cluster-cap
B full funded-in-full
C partial cut-by-envelope
>>> best.award("C").text
'funded in part: 30 of 40 requested; the envelope of 100 is used up'

A sector minimum that its applications cannot reach is an error that names the rule and the numbers:

>>> apps = [Application("A", requested=50, score=9, sector="pharma")]
>>> allocate(apps, envelope=100, rules=AllocationRules(sector_quotas={"pharma": SectorQuota(min_amount=60)}))
Traceback (most recent call last):
    ...
clusterworks.analytics.allocation.InfeasibleAllocation: infeasible rules: sector pharma's minimum 60 \
cannot be met: its 1 eligible application request 50
"""

from .greedy import greedy_allocation
from .model import (
    BELOW_MIN_SCORE,
    CLUSTER_CAP,
    ENVELOPE,
    FUNDED_IN_FULL,
    NO_GAIN,
    SECTOR_MAX,
    Allocation,
    AllocationRules,
    Application,
    Award,
    InfeasibleAllocation,
    SectorQuota,
    SolverInfo,
)
from .reasons import format_amount
from .sensitivity import EnvelopeSensitivity, SensitivityCase, envelope_sensitivity, scaled_envelope
from .solver import allocate
from .synthetic import SECTORS, random_applications

__all__ = [
    "BELOW_MIN_SCORE",
    "CLUSTER_CAP",
    "ENVELOPE",
    "FUNDED_IN_FULL",
    "NO_GAIN",
    "SECTORS",
    "SECTOR_MAX",
    "Allocation",
    "AllocationRules",
    "Application",
    "Award",
    "EnvelopeSensitivity",
    "InfeasibleAllocation",
    "SectorQuota",
    "SensitivityCase",
    "SolverInfo",
    "allocate",
    "envelope_sensitivity",
    "format_amount",
    "greedy_allocation",
    "random_applications",
    "scaled_envelope",
]

# the public path in reprs and tracebacks, wherever a class is defined inside the package
for _public in (
    Allocation,
    AllocationRules,
    Application,
    Award,
    EnvelopeSensitivity,
    InfeasibleAllocation,
    SectorQuota,
    SensitivityCase,
    SolverInfo,
):
    _public.__module__ = __name__
del _public
