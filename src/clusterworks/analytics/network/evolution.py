"""The collaboration network year by year, and the cohesion indicators a programme can monitor.

:func:`cohesion` measures one graph: size, density, average degree, connected components and the share
of organisations in the largest, transitivity and average clustering, Leiden modularity, and the mean
shortest path in the largest component. :func:`evolution` builds the graph of each year (the projects
started that year, a moving window of years, or everything up to the year) and measures it, with the
ties and organisations that appear for the first time.

The mean path length counts ties (hops), the usual small-world reading ([1]_). In a large component it
is estimated from ``path_sample`` sources drawn with ``seed``: the mean over the distances from those
sources to every other node of the component (each source's distances are exact; the estimate is
unbiased for the mean over ordered pairs, with a standard error shown in ``path_length_se``).

References
----------
.. [1] D. J. Watts and S. H. Strogatz, "Collective dynamics of 'small-world' networks", *Nature* 393
   (1998) 440-442 (average clustering, path length); transitivity: M. E. J. Newman, "The structure
   and function of complex networks", *SIAM Review* 45 (2003) 167-256.
.. [2] M. E. J. Newman, "The structure of scientific collaboration networks", *PNAS* 98 (2001)
   404-409 (collaboration networks: components, clustering, paths).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from .communities import Communities, leiden
from .graph import CollaborationGraph, GraphError, project_graph
from .participations import Participations

__all__ = ["Cohesion", "YearSnapshot", "cohesion", "evolution"]


@dataclass(frozen=True)
class Cohesion:
    """Cohesion indicators of one graph.

    Attributes
    ----------
    n_nodes, n_ties : int
    density : float
        ``2 E / (n (n - 1))``.
    average_degree : float
        ``2 E / n``.
    components : int
        Connected components (isolated organisations count as one each).
    largest_component_share : float
        Share of the organisations in the largest component.
    transitivity : float
        ``3 x triangles / connected triples`` (global clustering).
    average_clustering : float
        Mean local clustering coefficient, nodes with fewer than two partners counting 0 (as
        ``networkx.average_clustering``).
    modularity : float
        Of the Leiden partition (weighted, resolution 1, seed given); ``nan`` without ties.
    communities : int
        Leiden communities with at least two organisations.
    mean_path_length : float
        Mean hops between two organisations of the largest component (``nan`` if it has one node).
    path_length_se : float
        Standard error of ``mean_path_length`` when sampled (0 when exact).
    path_sources : int
        Sources used (the component's size when exact).
    """

    n_nodes: int
    n_ties: int
    density: float
    average_degree: float
    components: int
    largest_component_share: float
    transitivity: float
    average_clustering: float
    modularity: float
    communities: int
    mean_path_length: float
    path_length_se: float
    path_sources: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _path_length(g: CollaborationGraph, sample: int, seed: int) -> tuple[float, float, int]:
    """Mean hops in ``g`` (connected): exact below ``sample`` nodes, else from ``sample`` sources."""
    n = g.n_nodes
    if n < 2:
        return float("nan"), 0.0, n
    ig_graph = g.to_igraph()
    if n <= sample:
        return float(ig_graph.average_path_length(directed=False, unconn=True)), 0.0, n
    rng = np.random.default_rng(seed)
    sources = np.sort(rng.choice(n, size=sample, replace=False))
    dist = np.array(ig_graph.distances(source=sources.tolist(), mode="all"), dtype=np.float64)
    per_source = dist.sum(axis=1) / (n - 1)  # each row has a 0 at its own source
    se = float(per_source.std(ddof=1) / np.sqrt(sample) * np.sqrt(1 - sample / n))
    return float(per_source.mean()), se, sample


def cohesion(
    g: CollaborationGraph,
    *,
    path_sample: int = 200,
    seed: int = 0,
    with_communities: bool = True,
    communities: Communities | None = None,
) -> Cohesion:
    """The cohesion indicators of ``g`` (see :class:`Cohesion`); paths sampled from ``path_sample``
    sources when the largest component is bigger (0 skips the path length).

    ``communities``: a partition already found (e.g. by :func:`.communities.leiden` for the same graph),
    used instead of running Leiden again; ``with_communities=False`` skips modularity altogether.
    """
    if path_sample < 0:
        raise GraphError(f"path_sample must be 0 or more; got {path_sample}")
    n, e = g.n_nodes, g.n_edges
    if n == 0:
        nan = float("nan")
        return Cohesion(0, 0, nan, nan, 0, nan, nan, nan, nan, 0, nan, 0.0, 0)
    n_comp, labels = sp.csgraph.connected_components(g.weights, directed=False)
    sizes = np.bincount(labels)
    ig_graph = g.to_igraph()
    transitivity = float(ig_graph.transitivity_undirected(mode="zero")) if e else 0.0
    avg_clust = float(ig_graph.transitivity_avglocal_undirected(mode="zero")) if e else 0.0
    if communities is not None and communities.membership.shape != (n,):
        raise GraphError(
            f"communities must give one community per node ({n}); got {communities.membership.shape}"
        )
    if with_communities and e:
        parts = communities if communities is not None else leiden(g, seed=seed)
        mod, n_comm = parts.modularity, int((parts.sizes >= 2).sum())
    else:
        mod, n_comm = float("nan"), 0
    if path_sample and e:
        lcc = g.subgraph(np.flatnonzero(labels == np.argmax(sizes)))
        mpl, se, used = _path_length(lcc, path_sample, seed)
    else:
        mpl, se, used = float("nan"), 0.0, 0
    return Cohesion(
        n_nodes=n,
        n_ties=e,
        density=2.0 * e / (n * (n - 1)) if n > 1 else 0.0,
        average_degree=2.0 * e / n,
        components=int(n_comp),
        largest_component_share=float(sizes.max() / n),
        transitivity=transitivity,
        average_clustering=avg_clust,
        modularity=mod,
        communities=n_comm,
        mean_path_length=mpl,
        path_length_se=se,
        path_sources=used,
    )


@dataclass(frozen=True)
class YearSnapshot:
    """One year of the network.

    ``n_projects`` and ``n_rows``: in the year's window; ``new_organisations``: organisations with their
    first row in this year; ``new_ties``: pairs whose first joint project started this year (over all
    of ``part``, whatever the window); ``cohesion``: the indicators of the window's graph.
    """

    year: int
    n_projects: int
    n_rows: int
    new_organisations: int
    new_ties: int
    cohesion: Cohesion

    def as_dict(self) -> dict[str, Any]:
        """Flat: the year's counts then the cohesion indicators."""
        out = {k: getattr(self, k) for k in ("year", "n_projects", "n_rows", "new_organisations", "new_ties")}
        out.update(self.cohesion.as_dict())
        return out


def evolution(
    part: Participations,
    *,
    years: Iterable[int] | None = None,
    window: int | str = 1,
    weighting: str = "count",
    path_sample: int = 200,
    seed: int = 0,
    with_communities: bool = True,
) -> list[YearSnapshot]:
    """The network of each year and its cohesion.

    Parameters
    ----------
    part : Participations
    years : iterable of int, optional
        Default: every year with a row, ascending.
    window : int or "cumulative"
        ``k``: the projects started in the ``k`` years up to and including the year (``1``: that year
        only); ``"cumulative"``: every project started up to the year.
    weighting, path_sample, seed, with_communities
        As in :func:`.graph.project_graph` and :func:`cohesion`.
    """
    if window != "cumulative" and not (
        isinstance(window, int) and not isinstance(window, bool) and window >= 1
    ):
        raise GraphError(f"window must be a whole number of years >= 1 or 'cumulative'; got {window!r}")
    year = part.year.astype(np.int64)
    span = sorted(set(year.tolist())) if years is None else sorted({int(y) for y in years})
    whole = project_graph(part, nodes="all")
    tie_year = whole.edge_first_year()
    ties_by_year = dict(zip(*np.unique(tie_year, return_counts=True), strict=True)) if tie_year.size else {}
    first_row = np.full(part.n_organisations, np.iinfo(np.int64).max)
    np.minimum.at(first_row, part.organisation.astype(np.int64), year)
    orgs_by_year = dict(
        zip(*np.unique(first_row[first_row < np.iinfo(np.int64).max], return_counts=True), strict=True)
    )
    out = []
    for y in span:
        mask = year <= y if window == "cumulative" else (year <= y) & (year > y - int(window))
        rows = part.select(mask)
        g = project_graph(rows, weighting=weighting)
        out.append(
            YearSnapshot(
                year=int(y),
                n_projects=int(np.unique(rows.project).size),
                n_rows=len(rows),
                new_organisations=int(orgs_by_year.get(y, 0)),
                new_ties=int(ties_by_year.get(y, 0)),
                cohesion=cohesion(g, path_sample=path_sample, seed=seed, with_communities=with_communities),
            )
        )
    return out
