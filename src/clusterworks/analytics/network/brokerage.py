"""Gould-Fernandez brokerage roles in an undirected collaboration graph whose nodes belong to groups
(activity types, or the triple-helix sectors: universities, research, business, government).

An organisation b *brokers* between a and c when it is tied to both and they are not tied to each
other (an open triad a-b-c). Gould and Fernandez [1]_ name b's role by the groups of a, b and c:

============== ========================= ==========================================================
role           groups                    reading
============== ========================= ==========================================================
coordinator    a, b, c in one group      brokers inside its own group
itinerant      a and c in one group,     an outsider that links two members of another group
               b in another              (Gould-Fernandez's "consultant")
representative a with b, c elsewhere     b carries its group's tie out to another group
gatekeeper     c with b, a elsewhere     b lets an outsider into its group
liaison        all three different       b links two groups it does not belong to
============== ========================= ==========================================================

The roles were defined for *directed* ties a -> b -> c. A collaboration tie has no direction, so each
tie counts as reciprocal (as UCINET and R's ``sna::brokerage`` do with symmetric data): every open
triad gives two paths, a -> b -> c and c -> b -> a. A coordinator, itinerant or liaison triad is
counted twice in its role; a triad where b shares its group with exactly one end counts once as
representative and once as gatekeeper, so the two are always equal here (:attr:`Brokerage.mixed` is
that number of open pairs). ``total`` is twice the number of open pairs b brokers.

Computation, without a loop over triads: the pairs of b's partners by group follow from the counts of
b's partners per group (a sparse product of the adjacency with the group indicator matrix); the
closed ones (a-c tied) are subtracted by role from the triangle list (:func:`.measures.triangles`).

References
----------
.. [1] R. V. Gould and R. M. Fernandez, "Structures of mediation: a formal approach to brokerage in
   transaction networks", *Sociological Methodology* 19 (1989) 89-126. :doi:`10.2307/270949`
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .graph import CollaborationGraph, GraphError
from .measures import triangles

__all__ = ["ROLES", "Brokerage", "brokerage"]

#: The five roles, in Gould and Fernandez's order.
ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")


@dataclass(frozen=True, eq=False)
class Brokerage:
    """Brokerage counts per node (directed-path counts, ties reciprocal; see the module text).

    Attributes
    ----------
    coordinator, itinerant, representative, gatekeeper, liaison : numpy.ndarray
        ``int64`` per node.
    groups : tuple
        The group labels, sorted; ``group`` is each node's index into it.
    group : numpy.ndarray
    """

    coordinator: np.ndarray
    itinerant: np.ndarray
    representative: np.ndarray
    gatekeeper: np.ndarray
    liaison: np.ndarray
    groups: tuple[Hashable, ...]
    group: np.ndarray

    @property
    def total(self) -> np.ndarray:
        """All brokerage paths through each node (twice its open pairs)."""
        return self.coordinator + self.itinerant + self.representative + self.gatekeeper + self.liaison

    @property
    def mixed(self) -> np.ndarray:
        """Open pairs where the broker shares its group with exactly one end (= representative =
        gatekeeper for undirected ties)."""
        return self.representative.copy()

    def role(self, name: str) -> np.ndarray:
        if name not in ROLES:
            raise GraphError(f"unknown brokerage role {name!r}: allowed {', '.join(ROLES)}")
        return getattr(self, name)

    def expected(self, name: str) -> np.ndarray:
        """The count of role ``name`` expected if groups were assigned at random with the observed
        group sizes (Gould and Fernandez's baseline [1]_): each node's brokerage paths times the chance
        that two distinct other nodes a, c drawn at random have the role's group pattern. With ``N_i``
        the size of b's group and ``n`` nodes, over ``(n - 1)(n - 2)``: coordinator
        ``(N_i - 1)(N_i - 2)``; itinerant ``sum_{j != i} N_j (N_j - 1)``; representative and gatekeeper
        ``(N_i - 1)(n - N_i)``; liaison ``sum_{j != i} N_j (n - N_i - N_j)``."""
        if name not in ROLES:
            raise GraphError(f"unknown brokerage role {name!r}: allowed {', '.join(ROLES)}")
        size = np.bincount(self.group, minlength=len(self.groups)).astype(np.float64)
        n = float(size.sum())
        if n < 3:
            return np.zeros(self.group.size)
        ni = size[self.group]
        sq = float((size * (size - 1)).sum())
        if name == "coordinator":
            num = (ni - 1) * (ni - 2)
        elif name == "itinerant":
            num = sq - ni * (ni - 1)
        elif name in ("representative", "gatekeeper"):
            num = (ni - 1) * (n - ni)
        else:
            # sum_{j != i} N_j (n - N_i - N_j) = (n - N_i)^2 - sum_{j != i} N_j^2
            sq2 = float((size**2).sum())
            num = (n - ni) ** 2 - (sq2 - ni**2)
        return self.total * num / ((n - 1) * (n - 2))


def brokerage(g: CollaborationGraph, groups: Sequence[Hashable] | None = None) -> Brokerage:
    """Gould-Fernandez brokerage roles of every node.

    Parameters
    ----------
    g : CollaborationGraph
    groups : sequence, optional
        A group label per node (default ``g.kind``, the activity type; pass
        :func:`.communities.sectors_of` for triple-helix sectors). Every label, ``""`` included, is a
        group of its own.

    Notes
    -----
    With ``N_{b,h}`` b's partners in group h, ``i`` b's group and ``O = d_b - N_{b,i}`` its partners in
    other groups, the pairs of partners (open or closed) are: coordinator ``C(N_{b,i}, 2)``, itinerant
    ``sum_{h != i} C(N_{b,h}, 2)``, mixed ``N_{b,i} O``, liaison ``C(O, 2) - sum_{h != i} C(N_{b,h}, 2)``.
    Each triangle a-b-c removes one closed pair from b's role for (a, c). Doubling gives the
    directed-path counts.
    """
    n = g.n_nodes
    labels = list(g.kind) if groups is None else list(groups)
    if len(labels) != n:
        raise GraphError(f"groups needs one label per node ({n}); got {len(labels)}")
    try:
        table = tuple(sorted(set(labels)))
    except TypeError:
        table = tuple(dict.fromkeys(labels))
    code = {v: k for k, v in enumerate(table)}
    grp = np.array([code[v] for v in labels], dtype=np.int64)
    k = len(table)
    adj = g.weights.copy()
    adj.data[:] = 1.0
    indicator = sp.csr_matrix((np.ones(n), (np.arange(n), grp)), shape=(n, max(k, 1)))
    per_group = np.rint((adj @ indicator).toarray()).astype(np.int64)  # n x k
    own = per_group[np.arange(n), grp] if n else np.zeros(0, dtype=np.int64)
    other = g.degree - own
    same_pairs_all = (per_group * (per_group - 1) // 2).sum(axis=1)
    same_pairs_other = same_pairs_all - own * (own - 1) // 2

    coordinator = own * (own - 1) // 2
    itinerant = same_pairs_other.copy()
    mixed = own * other
    liaison = other * (other - 1) // 2 - same_pairs_other

    # Subtract closed pairs: in triangle (u, v, q) each corner sees the other two as a closed pair.
    for u, v, q, *_ in triangles(g):
        gu, gv, gq = grp[u], grp[v], grp[q]
        for b, ga, gb, gc in ((u, gv, gu, gq), (v, gu, gv, gq), (q, gu, gq, gv)):
            coordinator -= np.bincount(b, weights=(ga == gb) & (gc == gb), minlength=n).astype(np.int64)
            itinerant -= np.bincount(b, weights=(ga == gc) & (ga != gb), minlength=n).astype(np.int64)
            mixed -= np.bincount(b, weights=(ga == gb) != (gc == gb), minlength=n).astype(np.int64)
            liaison -= np.bincount(b, weights=(ga != gb) & (gc != gb) & (ga != gc), minlength=n).astype(
                np.int64
            )
    return Brokerage(
        coordinator=2 * coordinator,
        itinerant=2 * itinerant,
        representative=mixed,
        gatekeeper=mixed.copy(),
        liaison=2 * liaison,
        groups=table,
        group=grp,
    )
