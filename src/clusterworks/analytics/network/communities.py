"""Groups in a collaboration graph: Leiden communities with their modularity, the core and periphery,
and the triple-helix mix of ties between universities, research, business and government.

References
----------
.. [1] V. A. Traag, L. Waltman and N. J. van Eck, "From Louvain to Leiden: guaranteeing well-connected
   communities", *Scientific Reports* 9 (2019) 5233. :doi:`10.1038/s41598-019-41695-z`
.. [2] M. E. J. Newman and M. Girvan, "Finding and evaluating community structure in networks", *Phys.
   Rev. E* 69 (2004) 026113; J. Reichardt and S. Bornholdt, "Statistical mechanics of community
   detection", *Phys. Rev. E* 74 (2006) 016110 (the resolution parameter).
.. [3] S. B. Seidman, "Network structure and minimum degree", *Social Networks* 5 (1983) 269-287
   (k-cores); V. Batagelj and M. Zaversnik, "An O(m) algorithm for cores decomposition of networks"
   (2003), arXiv:cs/0310049.
.. [4] S. P. Borgatti and M. G. Everett, "Models of core/periphery structures", *Social Networks* 21
   (2000) 375-395; J. P. Boyd, W. J. Fitzgerald and R. J. Beck, "Computing core/periphery structures
   and permutation tests for social relations data", *Social Networks* 28 (2006) 165-178 (the
   minimum-residual fit used here).
.. [5] L. Leydesdorff, "The mutual information of university-industry-government relations: an
   indicator of the Triple Helix dynamics", *Scientometrics* 58 (2003) 445-467.
.. [6] D. Krackhardt and R. N. Stern, "Informal networks and organizational crises: an experimental
   simulation", *Social Psychology Quarterly* 51 (1988) 123-140 (the E-I index).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .graph import CollaborationGraph, GraphError, seeded_igraph

__all__ = [
    "DEFAULT_HELICES",
    "SECTORS",
    "SECTOR_OF_KIND",
    "Communities",
    "CorePeriphery",
    "TripleHelixMix",
    "core_periphery",
    "helix_mutual_information",
    "leiden",
    "modularity",
    "sectors_of",
    "triple_helix_mix",
]

#: Triple-helix sectors (with "research" apart from "university", and "other").
SECTORS = ("university", "research", "business", "government", "other")
#: CORDIS activity type -> sector. Any other code (and ``""``) is "other".
SECTOR_OF_KIND = {
    "HES": "university",
    "REC": "research",
    "PRC": "business",
    "PUB": "government",
    "OTH": "other",
}
#: The three helices of Leydesdorff's indicator, as sets of CORDIS activity types (academia =
#: higher education and public research).
DEFAULT_HELICES: dict[str, tuple[str, ...]] = {
    "university": ("HES", "REC"),
    "industry": ("PRC",),
    "government": ("PUB",),
}


def sectors_of(kinds: Sequence[str]) -> tuple[str, ...]:
    """The sector of each activity type (:data:`SECTOR_OF_KIND`; unknown codes are "other")."""
    return tuple(SECTOR_OF_KIND.get(k, "other") for k in kinds)


# --------------------------------------------------------------------------- communities
@dataclass(frozen=True, eq=False)
class Communities:
    """A partition of the nodes.

    Attributes
    ----------
    membership : numpy.ndarray
        Community of each node, numbered by size (0 the largest; ties by lowest node).
    modularity : float
        Newman-Girvan modularity of the partition (weighted if the partition was found weighted;
        resolution 1, whatever resolution found it).
    sizes : numpy.ndarray
        Nodes per community.
    quality : float
        The objective Leiden optimised: modularity at ``resolution``.
    resolution : float
    """

    membership: np.ndarray
    modularity: float
    sizes: np.ndarray
    quality: float
    resolution: float

    @property
    def n_communities(self) -> int:
        return int(self.sizes.size)

    def members(self, community: int) -> np.ndarray:
        """The nodes of one community."""
        return np.flatnonzero(self.membership == community)


def _relabel_by_size(membership: np.ndarray) -> np.ndarray:
    """Renumber communities 0.. by decreasing size, ties by their lowest node."""
    if membership.size == 0:
        return membership.astype(np.int64)
    labels, first, inverse, counts = np.unique(
        membership, return_index=True, return_inverse=True, return_counts=True
    )
    order = np.lexsort((first, -counts))
    rank = np.empty(labels.size, dtype=np.int64)
    rank[order] = np.arange(labels.size)
    return rank[inverse]


def modularity(
    g: CollaborationGraph, membership: Sequence[int], *, weighted: bool = True, resolution: float = 1.0
) -> float:
    """Newman-Girvan modularity ([2]_) of a partition,

    .. math:: Q = \\frac{1}{2m} \\sum_{ij} \\Big(A_{ij} - \\gamma \\frac{k_i k_j}{2m}\\Big)
              \\delta(c_i, c_j)

    with ``A`` the weights (or 0/1), ``k`` the strengths, ``2m`` their total and ``gamma`` the
    resolution (networkx's ``community.modularity``)."""
    member = np.asarray(membership, dtype=np.int64)
    if member.shape != (g.n_nodes,):
        raise GraphError(f"membership needs one community per node ({g.n_nodes}); got {member.shape}")
    src, dst, w = g.edges()
    if not weighted:
        w = np.ones_like(w)
    two_m = 2.0 * w.sum()
    if two_m == 0:
        return float("nan")
    k = np.bincount(src, weights=w, minlength=g.n_nodes) + np.bincount(dst, weights=w, minlength=g.n_nodes)
    inside = 2.0 * w[member[src] == member[dst]].sum()
    per_comm = np.bincount(member, weights=k)
    return float(inside / two_m - resolution * (per_comm**2).sum() / two_m**2)


def leiden(
    g: CollaborationGraph,
    *,
    resolution: float = 1.0,
    seed: int = 0,
    n_iterations: int = 2,
    weighted: bool = True,
    backend: str = "igraph",
) -> Communities:
    """Communities by the Leiden algorithm ([1]_), maximising modularity with resolution ``gamma``
    (the RB-configuration quality; ``gamma = 1`` is plain modularity).

    ``backend="igraph"`` (default) runs python-igraph's C implementation
    (``Graph.community_leiden(objective_function="modularity")``); ``"leidenalg"`` runs the
    ``leidenalg`` package (``RBConfigurationVertexPartition``). Both optimise the same quality; on the
    H2020 network igraph's took 2.0 s for two iterations where leidenalg's took 34 s (see
    ``docs/methods/network.md``). ``n_iterations``: passes of the algorithm (2, both libraries' default;
    -1 iterates until the partition no longer changes, about 8 times longer on H2020 for no better
    modularity). ``seed`` makes the run reproducible (igraph draws from ``random.Random(seed)``,
    :func:`~.graph.seeded_igraph`; the global ``random`` state is left alone). Isolated nodes are
    communities of their own.
    """
    if backend not in ("igraph", "leidenalg"):
        raise GraphError(f"backend must be 'igraph' or 'leidenalg'; got {backend!r}")
    if not (np.isfinite(resolution) and resolution > 0):
        raise GraphError(f"resolution must be a positive number; got {resolution!r}")
    if not (n_iterations == -1 or n_iterations >= 1):
        raise GraphError(f"n_iterations must be -1 (until stable) or at least 1; got {n_iterations}")
    if g.n_nodes == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Communities(empty, float("nan"), empty, 0.0, resolution)
    weights = "weight" if weighted else None
    if backend == "leidenalg":
        import leidenalg

        part = leidenalg.find_partition(
            g.to_igraph(),
            leidenalg.RBConfigurationVertexPartition,
            weights=weights,
            resolution_parameter=float(resolution),
            n_iterations=n_iterations,
            seed=int(seed),
        )
        raw = np.asarray(part.membership, dtype=np.int64)
    else:
        with seeded_igraph(int(seed)):
            clusters = g.to_igraph().community_leiden(
                objective_function="modularity",
                weights=weights,
                resolution=float(resolution),
                n_iterations=n_iterations,
            )
        raw = np.asarray(clusters.membership, dtype=np.int64)
    member = _relabel_by_size(raw)
    return Communities(
        membership=member,
        modularity=modularity(g, member, weighted=weighted),
        sizes=np.bincount(member),
        quality=modularity(g, member, weighted=weighted, resolution=resolution),
        resolution=float(resolution),
    )


# --------------------------------------------------------------------------- core and periphery
@dataclass(frozen=True, eq=False)
class CorePeriphery:
    """Core and periphery.

    Attributes
    ----------
    kcore : numpy.ndarray
        Core number of each node: the largest k such that it belongs to a subgraph where every node has
        at least k partners ([3]_).
    core : numpy.ndarray
        ``bool``: the node is in the innermost (maximum) k-core.
    coreness : numpy.ndarray
        Borgatti-Everett continuous coreness ([4]_), scaled to a maximum of 1 (0 for isolated nodes).
    fit : float
        Pearson correlation between the ties and the ideal pattern ``c_i c_j`` over all pairs
        ``i != j`` (Borgatti-Everett's measure of how core-periphery the network is).
    iterations : int
    """

    kcore: np.ndarray
    core: np.ndarray
    coreness: np.ndarray
    fit: float
    iterations: int


def core_periphery(
    g: CollaborationGraph, *, weighted: bool = False, tol: float = 1e-10, max_iter: int = 1000
) -> CorePeriphery:
    """k-cores and the Borgatti-Everett continuous core/periphery model.

    The continuous model gives each node a coreness ``c_i >= 0`` so that ``c_i c_j`` is as close as
    possible to the tie ``a_ij`` (0/1, or the weight with ``weighted=True``) over the pairs ``i != j``
    ([4]_):

    .. math:: \\min_c \\sum_{i \\ne j} (a_{ij} - c_i c_j)^2,

    solved by the minimum-residual iteration of Boyd, Fitzgerald and Beck,
    :math:`c_i \\leftarrow \\sum_{j \\ne i} a_{ij} c_j / \\sum_{j \\ne i} c_j^2`, from ``c`` = degree, until
    the largest relative change is below ``tol``. Each step is one sparse product, O(m).
    """
    n = g.n_nodes
    kcore = np.array(g.to_igraph().coreness(), dtype=np.int64) if n else np.zeros(0, dtype=np.int64)
    core = kcore == kcore.max() if n else np.zeros(0, dtype=bool)
    if g.n_edges == 0:
        return CorePeriphery(kcore, core & (kcore > 0), np.zeros(n), float("nan"), 0)
    a = g.weights.copy()
    if not weighted:
        a.data[:] = 1.0
    c = np.asarray(a.sum(axis=1)).ravel()
    c = c / np.sqrt(max((c**2).sum(), 1e-300))
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007
        total = (c**2).sum()
        new = (a @ c) / np.maximum(total - c**2, 1e-300)
        # Half steps damp the two-cycle the plain fixed-point iteration can fall into.
        new = 0.5 * (c + new)
        change = np.max(np.abs(new - c)) / max(np.max(np.abs(new)), 1e-300)
        c = new
        if change < tol:
            break
    # Pearson correlation over ordered pairs i != j, from sums (no n x n matrix).
    pairs = n * (n - 1)
    sum_a = float(a.sum())
    sum_a2 = float((a.multiply(a)).sum())
    s1, s2, s4 = c.sum(), (c**2).sum(), (c**4).sum()
    sum_p = s1**2 - s2
    sum_p2 = s2**2 - s4
    sum_ap = float(c @ (a @ c))
    cov = sum_ap - sum_a * sum_p / pairs
    var_a = sum_a2 - sum_a**2 / pairs
    var_p = sum_p2 - sum_p**2 / pairs
    fit = cov / np.sqrt(var_a * var_p) if var_a > 0 and var_p > 0 else float("nan")
    return CorePeriphery(kcore, core, c / c.max(), float(fit), it)


# --------------------------------------------------------------------------- triple helix
@dataclass(frozen=True, eq=False)
class TripleHelixMix:
    """How tie weight is spread within and between sectors.

    Attributes
    ----------
    sectors : tuple of str
        Row/column labels of ``share``.
    share : numpy.ndarray
        ``k x k`` symmetric: ``share[s, t]`` is the share of the total tie weight on ties between
        sectors s and t (the diagonal: within s); the upper triangle with the diagonal sums to 1.
    within, between : float
        Shares of the tie weight inside one sector and across two.
    ei_index : float
        Krackhardt-Stern E-I index ([6]_), ``(between - within) / (between + within)``, in [-1, 1].
    mutual_information : float
        Leydesdorff's three-way mutual information ``T_uig`` in bits over projects ([5]_); negative
        values signal synergy between the helices. ``nan`` without projects.
    helices : tuple of str
        The helices of ``mutual_information``.
    """

    sectors: tuple[str, ...]
    share: np.ndarray
    within: float
    between: float
    ei_index: float
    mutual_information: float
    helices: tuple[str, ...]

    def pairs(self) -> dict[tuple[str, str], float]:
        """``{(s, t): share}`` over s <= t in the order of :attr:`sectors`."""
        k = len(self.sectors)
        return {
            (self.sectors[i], self.sectors[j]): float(self.share[i, j]) for i in range(k) for j in range(i, k)
        }


def _entropy(p: np.ndarray) -> float:
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


def helix_mutual_information(presence: np.ndarray) -> float:
    """Three-way mutual information (bits) of three binary variables observed over rows,

    .. math:: T_{uig} = H_u + H_i + H_g - H_{ui} - H_{ug} - H_{ig} + H_{uig},

    ``presence`` an ``N x 3`` 0/1 array (for each project: has a university, industry, government
    partner). Leydesdorff ([5]_)."""
    x = np.asarray(presence, dtype=np.int64)
    if x.ndim != 2 or x.shape[1] != 3:
        raise GraphError(f"presence must be an N x 3 array of 0/1; got shape {x.shape}")
    if x.shape[0] == 0:
        return float("nan")
    cell = x[:, 0] * 4 + x[:, 1] * 2 + x[:, 2]
    joint = np.bincount(cell, minlength=8).reshape(2, 2, 2) / x.shape[0]
    h = _entropy
    return (
        h(joint.sum(axis=(1, 2)))
        + h(joint.sum(axis=(0, 2)))
        + h(joint.sum(axis=(0, 1)))
        - h(joint.sum(axis=2).ravel())
        - h(joint.sum(axis=1).ravel())
        - h(joint.sum(axis=0).ravel())
        + h(joint.ravel())
    )


def triple_helix_mix(
    g: CollaborationGraph,
    sectors: Sequence[Hashable] | None = None,
    *,
    helices: Mapping[str, Sequence[str]] | None = None,
    weighted: bool = True,
) -> TripleHelixMix:
    """The share of tie weight within and between sectors, the E-I index, and Leydesdorff's mutual
    information among the helices over the graph's projects.

    ``sectors``: a sector per node (default :func:`sectors_of` of ``g.kind``); sectors are listed in
    :data:`SECTORS` order, then any others sorted. ``helices``: three ``{name: activity types}``
    (default :data:`DEFAULT_HELICES`); a project "has" a helix when one of its organisations' kind is
    in it.
    """
    labels = list(sectors_of(g.kind)) if sectors is None else [str(s) for s in sectors]
    if len(labels) != g.n_nodes:
        raise GraphError(f"sectors needs one label per node ({g.n_nodes}); got {len(labels)}")
    table = tuple(s for s in SECTORS if s in set(labels)) + tuple(sorted(set(labels) - set(SECTORS)))
    code = {s: i for i, s in enumerate(table)}
    sec = np.array([code[s] for s in labels], dtype=np.int64)
    k = len(table)
    src, dst, w = g.edges()
    if not weighted:
        w = np.ones_like(w)
    total = w.sum()
    a, b = np.minimum(sec[src], sec[dst]), np.maximum(sec[src], sec[dst])
    upper = np.bincount(a * k + b, weights=w, minlength=k * k).astype(np.float64).reshape(k, k)
    share = upper + upper.T - np.diag(np.diag(upper))
    if total > 0:
        share = share / total
    within = float(np.trace(share)) if total > 0 else float("nan")
    between = 1.0 - within if total > 0 else float("nan")
    ei = between - within if total > 0 else float("nan")

    helix = dict(DEFAULT_HELICES if helices is None else helices)
    if len(helix) != 3:
        raise GraphError(f"helices must name exactly three groups of activity types; got {len(helix)}")
    mi = float("nan")
    if g.incidence.shape[0]:
        cols = []
        kind = np.array(g.kind, dtype=object)
        for codes in helix.values():
            member = np.isin(kind, list(codes)).astype(np.float64)
            cols.append((g.incidence @ member) > 0)
        mi = helix_mutual_information(np.column_stack(cols).astype(np.int64))
    return TripleHelixMix(table, share, within, between, ei, mi, tuple(helix))
