"""The measures of a network as the pages show them: per organisation (centralities, Burt's structural
holes, Gould-Fernandez brokerage roles across the triple-helix sectors, Leiden community, k-core and
coreness), for the whole network (cohesion, communities, core and periphery, the triple-helix mix of
ties), year by year (evolution), and a seeded layout of what the network view draws.

A network comes from the register (a cluster's members with or without their outside partners, or the
whole register for ego networks; ``services.network``) or from an imported participation dataset
(``services.datasets``). Every result is kept (:class:`~clusterworks.web.core.kept.Kept`,
``NETWORK_CACHE``) under a key of what it depends on: a register network's version is the data version,
a dataset's is its SHA-256.

A large network (more than :data:`LARGE` organisations, e.g. a dataset of 36,000) is measured with
estimates where exact measures take minutes: betweenness from :data:`BETWEENNESS_SAMPLE` sampled
sources, closeness for the :data:`CLOSENESS_TOP` organisations with the most partners only, Leiden with
two iterations. The view draws at most :data:`VIEW_LIMIT` organisations (the largest component's, by
number of partners) and :data:`EDGE_LIMIT` ties (each organisation's strongest, then the strongest of
the rest); the pages say so.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import scipy.sparse as sp
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clusterworks.analytics.network.brokerage import ROLES, Brokerage, brokerage
from clusterworks.analytics.network.communities import (
    SECTOR_OF_KIND,
    SECTORS,
    Communities,
    CorePeriphery,
    TripleHelixMix,
    core_periphery,
    leiden,
    triple_helix_mix,
)
from clusterworks.analytics.network.evolution import Cohesion, YearSnapshot, cohesion, evolution
from clusterworks.analytics.network.graph import CollaborationGraph, combine, graph_from_ties, project_graph
from clusterworks.analytics.network.measures import betweenness, centralities, closeness, structural_holes
from clusterworks.analytics.network.participations import Participations
from clusterworks.web.core.kept import Kept
from clusterworks.web.core.page_cache import data_version
from clusterworks.web.core.permissions import check
from clusterworks.web.registry.models import Cluster, Membership, Organisation, OrganisationType

from ..models import DatasetOrganisation, ParticipationDataset
from .datasets import dataset_participations
from .network import DEFAULT_SOURCES, RegistryNetwork, check_options, cluster_network, register_network

__all__ = [
    "COLUMNS",
    "MEASURES",
    "Analysis",
    "NetworkView",
    "Node",
    "cluster_analysis",
    "cluster_evolution",
    "cluster_view",
    "dataset_results",
    "ego",
    "graph_payload",
    "layout",
    "network_clusters_visible_to",
    "register_analysis",
    "sector_bridges",
]

#: organisations above which measures are estimated (see the module text)
LARGE = 2_000
BETWEENNESS_SAMPLE = 500
CLOSENESS_TOP = 200
VIEW_LIMIT = 2_000
EDGE_LIMIT = 20_000
#: ties among the viewed organisations above which the layout uses the drawn ties only
LAYOUT_TIES = 400_000
SEED = 0
#: sources of the path-length estimate of cohesion (exact below this many organisations)
PATH_SAMPLE = 200

#: the measures the view can size nodes by, and the tables show
MEASURES = (
    "degree",
    "strength",
    "betweenness",
    "eigenvector",
    "pagerank",
    "closeness",
    "constraint",
    "effective_size",
    "coreness",
)
#: every per-organisation column of an analysis
COLUMNS = (*MEASURES, "kcore", "core", "community", *ROLES, "brokerage")

MEASURE_LABELS = {
    "degree": _("Partners"),
    "strength": _("Tie strength"),
    "betweenness": _("Betweenness"),
    "eigenvector": _("Eigenvector"),
    "pagerank": _("PageRank"),
    "closeness": _("Closeness"),
    "constraint": _("Constraint"),
    "effective_size": _("Effective size"),
    "coreness": _("Coreness"),
    "kcore": _("k-core"),
    "core": _("In the core"),
    "community": _("Community"),
    "coordinator": _("Coordinator"),
    "itinerant": _("Itinerant"),
    "representative": _("Representative"),
    "gatekeeper": _("Gatekeeper"),
    "liaison": _("Liaison"),
    "brokerage": _("Brokerage, all roles"),
}

#: the helices of Leydesdorff's mutual information, as register organisation types
REGISTRY_HELICES = {
    "university": (
        OrganisationType.UNIVERSITY,
        OrganisationType.RESEARCH_INSTITUTE,
        OrganisationType.CLINICAL_CENTRE,
    ),
    "industry": (OrganisationType.COMPANY_SME, OrganisationType.COMPANY_LARGE),
    "government": (OrganisationType.AUTHORITY, OrganisationType.DEVELOPMENT_INSTITUTION),
}

Progress = Callable[[int, int, str], None]

_KEPT = Kept("NETWORK_CACHE")
_LAYOUT_LOCK = threading.Lock()


# ------------------------------------------------------------------------------------------ results


@dataclass(frozen=True)
class Node:
    """An organisation of an analysed network, from the register or from a dataset."""

    key: str
    name_en: str
    name_ru: str
    type: str
    sector: str
    member: bool = False
    country: str = ""
    register_key: str = ""
    clusters: tuple[str, ...] = ()

    def name(self, language: str = "en") -> str:
        first, second = (
            (self.name_ru, self.name_en)
            if (language or "en").startswith("ru")
            else (self.name_en, self.name_ru)
        )
        return first or second or self.key


@dataclass(frozen=True, eq=False)
class Analysis:
    """Every measure of one network; ``values[column]`` holds one value per node (``nan`` where a
    measure is not defined or was not computed)."""

    graph: CollaborationGraph
    nodes: tuple[Node, ...]
    values: dict[str, np.ndarray]
    communities: Communities
    core: CorePeriphery
    brokerage: Brokerage
    helix: TripleHelixMix
    cohesion: Cohesion
    betweenness_sample: int | None
    closeness_nodes: int

    @property
    def n(self) -> int:
        return self.graph.n_nodes

    def index(self, key: str) -> int | None:
        return self.graph.index.get(key)

    def order(self, column: str = "degree", limit: int | None = None) -> np.ndarray:
        """Node numbers by ``column``, largest first (``nan`` last; ties by node number)."""
        values = np.asarray(self.values[column], dtype=np.float64)
        key = np.where(np.isnan(values), -np.inf, values)
        ranked = np.lexsort((np.arange(values.size), -key))
        return ranked if limit is None else ranked[:limit]

    def row(self, node: int) -> dict[str, Any]:
        """One organisation's values as plain Python numbers (``None`` for ``nan``)."""
        return {column: _plain(self.values[column][node]) for column in COLUMNS}

    def years(self) -> tuple[int | None, int | None]:
        """The first and last year a tie began (None when no tie has a known year)."""
        known = self.graph.edge_first_year()
        known = known[known >= 0]
        return (int(known.min()), int(known.max())) if known.size else (None, None)

    def summary(self) -> dict[str, Any]:
        """The network's indicators as plain values."""
        values = {k: _plain(v) for k, v in self.cohesion.as_dict().items()}
        values.update(
            communities_found=self.communities.n_communities,
            modularity=_plain(self.communities.modularity),
            core_size=int(self.core.core.sum()),
            max_kcore=int(self.core.kcore.max()) if self.core.kcore.size else 0,
            core_periphery_fit=_plain(self.core.fit),
            helix_within=_plain(self.helix.within),
            helix_between=_plain(self.helix.between),
            helix_ei_index=_plain(self.helix.ei_index),
            helix_mutual_information=_plain(self.helix.mutual_information),
            betweenness_sample=self.betweenness_sample,
            closeness_nodes=self.closeness_nodes,
            members=sum(1 for node in self.nodes if node.member),
        )
        first, last = self.years()
        values.update(first_year=first, last_year=last)
        return values


def _plain(value: Any) -> Any:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    return value


def analyse(
    g: CollaborationGraph,
    nodes: Sequence[Node],
    *,
    helices: dict[str, Sequence[str]] | None = None,
    progress: Progress | None = None,
) -> Analysis:
    """Measure ``g`` (whose node ``k`` is ``nodes[k]``); estimates above :data:`LARGE` nodes."""
    n = g.n_nodes
    large = n > LARGE
    report = progress or (lambda done, total, step: None)
    sectors = [node.sector for node in nodes]
    steps = 8
    report(0, steps, str(_("centralities")))
    values: dict[str, np.ndarray] = {
        k: np.asarray(v, dtype=np.float64)
        for k, v in centralities(g, measures=("degree", "strength", "eigenvector", "pagerank")).items()
    }
    report(1, steps, str(_("betweenness")))
    sample = min(BETWEENNESS_SAMPLE, n) if large else None
    values["betweenness"] = betweenness(g, sample=sample, seed=SEED)
    report(2, steps, str(_("closeness")))
    if large:
        top = np.lexsort((np.arange(n), -g.degree))[:CLOSENESS_TOP]
        near = np.full(n, np.nan)
        near[top] = closeness(g, nodes=top.tolist())
        values["closeness"], measured = near, int(top.size)
    else:
        values["closeness"], measured = closeness(g), n
    report(3, steps, str(_("structural holes")))
    holes = structural_holes(g)  # NaN for organisations without a tie
    values["constraint"], values["effective_size"] = holes.constraint, holes.effective_size
    report(4, steps, str(_("brokerage roles")))
    roles = brokerage(g, sectors)
    for role in ROLES:
        values[role] = roles.role(role).astype(np.float64)
    values["brokerage"] = roles.total.astype(np.float64)
    report(5, steps, str(_("communities")))
    parts = leiden(g, seed=SEED, n_iterations=2 if large else -1)
    values["community"] = parts.membership.astype(np.float64)
    core = core_periphery(g)
    values["coreness"], values["kcore"] = core.coreness, core.kcore.astype(np.float64)
    values["core"] = core.core.astype(np.float64)
    report(6, steps, str(_("triple-helix mix")))
    mix = triple_helix_mix(g, sectors, helices=helices)
    report(7, steps, str(_("cohesion")))
    indicators = cohesion(g, path_sample=PATH_SAMPLE, seed=SEED, with_communities=False)
    if g.n_edges:
        indicators = replace(
            indicators, modularity=parts.modularity, communities=int((parts.sizes >= 2).sum())
        )
    report(8, steps, str(_("done")))
    return Analysis(
        graph=g,
        nodes=tuple(nodes),
        values=values,
        communities=parts,
        core=core,
        brokerage=roles,
        helix=mix,
        cohesion=indicators,
        betweenness_sample=sample,
        closeness_nodes=measured,
    )


# ------------------------------------------------------------------------------ register networks


def _registry_nodes(network: RegistryNetwork, g: CollaborationGraph) -> list[Node]:
    info = network.nodes
    pks = [info[key].pk for key in g.names]
    clusters: dict[int, list[str]] = {}
    for org, cluster in (
        Membership.objects.filter(organisation_id__in=pks, left__isnull=True)
        .order_by("cluster__key")
        .values_list("organisation_id", "cluster__key")
    ):
        clusters.setdefault(org, []).append(cluster)
    return [
        Node(
            key=key,
            name_en=info[key].name_en,
            name_ru=info[key].name_ru,
            type=info[key].type,
            sector=str(info[key].helix),
            member=info[key].member,
            register_key=key,
            clusters=tuple(clusters.get(info[key].pk, ())),
        )
        for key in g.names
    ]


def _within_years(network: RegistryNetwork, years: tuple[int | None, int | None]) -> CollaborationGraph:
    """The network's graph from the ties that began within ``years`` (inclusive; None: open); the
    cluster's members stay as nodes even without a tie then."""
    first, last = years
    if first is None and last is None:
        return network.graph
    part = network.participations
    mask = np.ones(len(part), dtype=bool)
    if first is not None:
        mask &= part.year >= first
    if last is not None:
        mask &= part.year <= last
    chosen = part.select(mask)
    graphs = [project_graph(chosen, weighting=network.weighting)] if mask.any() else []
    present = set(graphs[0].names) if graphs else set()
    alone = [key for key, node in sorted(network.nodes.items()) if node.member and key not in present]
    if alone or not graphs:
        graphs.append(graph_from_ties(alone, [], kinds=[network.nodes[k].type for k in alone]))
    return combine(*graphs) if len(graphs) > 1 else graphs[0]


def _cluster_key(
    cluster: Cluster, sources: Sequence[str], weighting: str, partners: bool, years: tuple
) -> tuple:
    return ("cluster", cluster.pk, check_options(sources, weighting), weighting, bool(partners), tuple(years))


def cluster_analysis(
    *,
    cluster: Cluster,
    sources: Sequence[str] = DEFAULT_SOURCES,
    weighting: str = "count",
    partners: bool = True,
    years: tuple[int | None, int | None] = (None, None),
) -> Analysis:
    """The measures of ``cluster``'s network (see ``services.network.cluster_network``), with only the
    ties that began within ``years``; kept until the data change."""
    key = _cluster_key(cluster, sources, weighting, partners, years)

    def compute() -> Analysis:
        network = cluster_network(cluster=cluster, sources=key[2], weighting=weighting, partners=partners)
        g = _within_years(network, years)
        return analyse(g, _registry_nodes(network, g), helices=REGISTRY_HELICES)

    return _KEPT.get(("analysis", *key), data_version(), compute)


def cluster_evolution(
    *,
    cluster: Cluster,
    sources: Sequence[str] = DEFAULT_SOURCES,
    weighting: str = "count",
    partners: bool = True,
    years: tuple[int | None, int | None] = (None, None),
) -> list[YearSnapshot]:
    """The cluster's network as it stood at the end of each year (every tie begun up to then), with
    its cohesion indicators; kept until the data change."""
    key = _cluster_key(cluster, sources, weighting, partners, years)

    def compute() -> list[YearSnapshot]:
        network = cluster_network(cluster=cluster, sources=key[2], weighting=weighting, partners=partners)
        return _evolution(network.participations, weighting, years)

    return _KEPT.get(("evolution", *key), data_version(), compute)


def _evolution(part: Participations, weighting: str, years: tuple = (None, None)) -> list[YearSnapshot]:
    if not len(part):
        return []
    span = sorted(set(part.year.tolist()))
    first, last = years
    span = [y for y in span if (first is None or y >= first) and (last is None or y <= last)]
    if not span:
        return []
    large = part.n_organisations > LARGE
    return evolution(
        part,
        years=span,
        window="cumulative",
        weighting=weighting,
        path_sample=50 if large else PATH_SAMPLE,
        seed=SEED,
        with_communities=not large,
    )


def register_analysis(*, sources: Sequence[str] = DEFAULT_SOURCES, weighting: str = "count") -> Analysis:
    """The measures of the whole register's network (organisations with a tie), kept until the data
    change: ego networks are read from it."""
    chosen = check_options(sources, weighting)

    def compute() -> Analysis:
        network = register_network(sources=chosen, weighting=weighting)
        return analyse(network.graph, _registry_nodes(network, network.graph), helices=REGISTRY_HELICES)

    return _KEPT.get(("analysis", "register", chosen, weighting), data_version(), compute)


@dataclass(frozen=True, eq=False)
class Ego:
    """An organisation's ego network in an analysed network: its direct partners ``(node, tie weight,
    first year)`` strongest first, the partners of its partners ``(node, through how many partners)``
    (order 2), every node of the ego network, and the view of it (at most :data:`VIEW_LIMIT`
    organisations: it, its strongest partners, then the best connected of the others)."""

    node: int
    partners: list[tuple[int, float, int]]
    second: list[tuple[int, int]]
    nodes: np.ndarray
    ties: int
    view: NetworkView


def ego(analysis: Analysis, key: str, order: int = 1, *, limit: int = VIEW_LIMIT) -> Ego | None:
    """The ego network of ``key`` (it, the organisations within ``order`` ties of it, the ties among
    them); None when ``key`` is not a node."""
    i = analysis.index(key)
    if i is None:
        return None
    g = analysis.graph
    w = g.weights
    lo, hi = w.indptr[i], w.indptr[i + 1]
    neighbours, weights, years = w.indices[lo:hi], w.data[lo:hi], g.first_year.data[lo:hi]
    ranked = np.lexsort((neighbours, -weights))
    partners = [(int(neighbours[k]), float(weights[k]), int(years[k])) for k in ranked]
    members = np.zeros(g.n_nodes, dtype=bool)
    members[i] = True
    members[neighbours] = True
    second: list[tuple[int, int]] = []
    if order >= 2 and neighbours.size:
        rows = w[neighbours]
        reach = np.bincount(rows.indices, minlength=g.n_nodes)
        reach[members] = 0
        found = np.flatnonzero(reach)
        order_2 = found[np.lexsort((found, -reach[found]))]
        second = [(int(n), int(reach[n])) for n in order_2]
        members[found] = True
    nodes = np.flatnonzero(members)
    shown = [i, *(p for p, _w, _y in partners), *(n for n, _t in second)][:limit]
    chosen = np.sort(np.asarray(shown, dtype=np.int64))
    sub = g.subgraph(chosen)
    src, dst, weight = sub.edges()
    year = sub.edge_first_year()
    keep = _strongest(src, dst, weight, EDGE_LIMIT)
    src, dst, weight, year = src[keep], dst[keep], weight[keep], year[keep]
    view = NetworkView(
        nodes=chosen,
        src=src,
        dst=dst,
        weight=weight,
        year=year,
        xy=layout(sub.n_nodes, src, dst, weight),
        total_nodes=int(nodes.size),
        total_ties=sub.n_edges if chosen.size == nodes.size else int(g.subgraph(nodes).n_edges),
        ties_among=sub.n_edges,
    )
    return Ego(node=i, partners=partners, second=second, nodes=nodes, ties=view.total_ties, view=view)


# ------------------------------------------------------------------------------------------ datasets


@dataclass(frozen=True, eq=False)
class DatasetResults:
    analysis: Analysis
    evolution: list[YearSnapshot]
    view: NetworkView


def _dataset_nodes(dataset: ParticipationDataset, g: CollaborationGraph) -> list[Node]:
    rows = {
        code: (name, kind, country, register_key or "")
        for code, name, kind, country, register_key in DatasetOrganisation.objects.filter(
            dataset=dataset
        ).values_list("code", "name", "kind", "country", "organisation__key")
    }
    clusters: dict[str, list[str]] = {}
    matched = [r[3] for r in rows.values() if r[3]]
    if matched:
        for org, cluster in (
            Membership.objects.filter(organisation__key__in=matched, left__isnull=True)
            .order_by("cluster__key")
            .values_list("organisation__key", "cluster__key")
        ):
            clusters.setdefault(org, []).append(cluster)
    nodes = []
    for code, kind in zip(g.names, g.kind, strict=True):
        name, stored_kind, country, register_key = rows.get(code, ("", kind, "", ""))
        kind = kind or stored_kind
        nodes.append(
            Node(
                key=code,
                name_en=name,
                name_ru="",
                type=kind,
                sector=SECTOR_OF_KIND.get(kind, "other"),
                country=country,
                register_key=register_key,
                clusters=tuple(clusters.get(register_key, ())),
            )
        )
    return nodes


def dataset_results(
    *, dataset: ParticipationDataset, progress: Progress | None = None, only_if_kept: bool = False
) -> DatasetResults | None:
    """The measures, the evolution and the view of ``dataset``'s network, kept until the dataset is
    replaced; with ``only_if_kept``, None unless they are kept (the page then starts a task)."""

    def compute() -> DatasetResults:
        report = progress or (lambda done, total, step: None)
        part = dataset_participations(dataset=dataset)
        g = project_graph(part)
        analysis = analyse(g, _dataset_nodes(dataset, g), progress=progress)
        report(0, 1, str(_("the network's evolution")))
        history = _evolution(part, "count")
        report(0, 1, str(_("the layout")))
        view = network_view(analysis)
        return DatasetResults(analysis=analysis, evolution=history, view=view)

    return _KEPT.get(("dataset", dataset.pk), dataset.sha256, compute, only_if_kept=only_if_kept)


# ------------------------------------------------------------------------------------------- layout


def layout(
    n: int, src: np.ndarray, dst: np.ndarray, weight: np.ndarray | None = None, *, seed: int = SEED
) -> np.ndarray:
    """Positions in the unit square (``n x 2``) by Fruchterman-Reingold from seeded random starting
    points (on a grid of cells above 1,000 nodes); the same input gives the same picture."""
    import igraph as ig

    if n == 0:
        return np.zeros((0, 2))
    if n == 1:
        return np.array([[0.5, 0.5]])
    g = ig.Graph(n=n, edges=np.column_stack([src, dst]).tolist(), directed=False)
    weights = None if weight is None or not len(weight) else (1.0 + np.log1p(weight)).tolist()
    start = np.random.default_rng(seed).uniform(-1.0, 1.0, size=(n, 2)) * np.sqrt(n)
    with _LAYOUT_LOCK:
        ig.set_random_number_generator(random.Random(seed))
        try:
            coords = g.layout_fruchterman_reingold(
                weights=weights,
                niter=500 if n <= 1_000 else 300,
                seed=start.tolist(),
                grid="nogrid" if n <= 1_000 else "grid",
            )
        finally:
            ig.set_random_number_generator(random)
    xy = np.asarray(coords.coords, dtype=np.float64)
    xy -= xy.min(axis=0)
    span = xy.max()
    return xy / span if span > 0 else np.full((n, 2), 0.5)


@dataclass(frozen=True, eq=False)
class NetworkView:
    """What the network view draws: ``nodes`` (numbers in the analysis's graph), ties as view
    indexes with their weight and first year, and positions in the unit square."""

    nodes: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    year: np.ndarray
    xy: np.ndarray
    total_nodes: int
    total_ties: int
    ties_among: int

    @property
    def trimmed_nodes(self) -> bool:
        return self.nodes.size < self.total_nodes

    @property
    def trimmed_ties(self) -> bool:
        return self.src.size < self.ties_among


def _strongest(src: np.ndarray, dst: np.ndarray, w: np.ndarray, limit: int) -> np.ndarray:
    """The ties to keep: each node's strongest, then the strongest others, ``limit`` in all."""
    if src.size <= limit:
        return np.arange(src.size)
    ties = np.arange(src.size)
    ends, both = np.concatenate([src, dst]), np.concatenate([ties, ties])
    ranked = np.lexsort((both, -w[both], ends))  # by node, then strongest first
    first = np.unique(ends[ranked], return_index=True)[1]
    keep = np.zeros(src.size, dtype=bool)
    keep[both[ranked[first]]] = True
    room = limit - int(keep.sum())
    if room > 0:
        order = np.lexsort((ties, -w))
        keep[order[~keep[order]][:room]] = True
    return np.flatnonzero(keep)


def network_view(analysis: Analysis, *, limit: int = VIEW_LIMIT, edge_limit: int = EDGE_LIMIT) -> NetworkView:
    """The organisations and ties the view draws, laid out (see the module text)."""
    g = analysis.graph
    if g.n_nodes <= limit:
        chosen = np.arange(g.n_nodes)
    else:
        _, labels = sp.csgraph.connected_components(g.weights, directed=False)
        biggest = np.flatnonzero(labels == np.argmax(np.bincount(labels)))
        ranked = biggest[np.lexsort((biggest, -g.degree[biggest]))]
        chosen = np.sort(ranked[:limit])
    sub = g.subgraph(chosen)
    src, dst, w = sub.edges()
    year = sub.edge_first_year()
    # laid out with every tie among the chosen (up to LAYOUT_TIES), so that the picture keeps the
    # structure the drawn ties alone would lose
    xy = layout(sub.n_nodes, src, dst, w) if src.size <= LAYOUT_TIES else None
    keep = _strongest(src, dst, w, edge_limit)
    src, dst, w, year = src[keep], dst[keep], w[keep], year[keep]
    return NetworkView(
        nodes=chosen,
        src=src,
        dst=dst,
        weight=w,
        year=year,
        xy=layout(sub.n_nodes, src, dst, w) if xy is None else xy,
        total_nodes=g.n_nodes,
        total_ties=g.n_edges,
        ties_among=sub.n_edges,
    )


def cluster_view(
    *,
    cluster: Cluster,
    analysis: Analysis,
    sources: Sequence[str] = DEFAULT_SOURCES,
    weighting: str = "count",
    partners: bool = True,
    years: tuple[int | None, int | None] = (None, None),
) -> NetworkView:
    """The view of :func:`cluster_analysis`'s network with the same options, kept with it."""
    key = _cluster_key(cluster, sources, weighting, partners, years)
    return _KEPT.get(("view", *key), data_version(), lambda: network_view(analysis))


# ------------------------------------------------------------------------------------------ payload


def _round(value: float, digits: int = 4) -> float | None:
    if value is None or not np.isfinite(value):
        return None
    return float(f"{value:.{digits}g}")


def graph_payload(
    *,
    analysis: Analysis,
    view: NetworkView,
    language: str,
    url_of: Callable[[Node], str],
    labels: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON the network view reads: ``nodes`` (id, label, url, type, helix, community, clusters as
    indexes into ``clusters``, member, x and y in 0..1000, and ``m``: the values of ``measures``),
    ``edges`` flat, four numbers a tie: source, target (indexes into ``nodes``), weight, first year
    (-1 unknown),
    and the counts behind the view. ``labels`` (types, helices, measures, texts) is passed through."""
    cluster_keys = sorted({c for i in view.nodes.tolist() for c in analysis.nodes[i].clusters})
    cluster_index = {key: i for i, key in enumerate(cluster_keys)}
    nodes = []
    for position, i in enumerate(view.nodes.tolist()):
        node = analysis.nodes[i]
        nodes.append(
            {
                "id": node.key,
                "label": node.name(language),
                "url": url_of(node),
                "type": node.type,
                "helix": node.sector,
                "community": int(analysis.values["community"][i]),
                "clusters": [cluster_index[c] for c in node.clusters],
                "member": node.member,
                "x": round(float(view.xy[position, 0]) * 1000, 1),
                "y": round(float(view.xy[position, 1]) * 1000, 1),
                "m": [_round(analysis.values[m][i]) for m in MEASURES],
            }
        )
    edges: list[Any] = []
    for a, b, w, y in zip(
        view.src.tolist(), view.dst.tolist(), view.weight.tolist(), view.year.tolist(), strict=True
    ):
        edges += (a, b, _round(w, 3), y)
    return {
        "nodes": nodes,
        "edges": edges,
        "measures": list(MEASURES),
        "clusters": cluster_keys,
        "communities": int(analysis.communities.n_communities),
        "shown": len(nodes),
        "total": view.total_nodes,
        "ties": view.total_ties,
        **(labels or {}),
    }


# -------------------------------------------------------------------------------------- communities


@dataclass(frozen=True)
class CommunitySummary:
    """One Leiden community: its number (0 the largest), its organisations by number of partners, its
    ties inside and to the rest, and how many of its organisations each sector has."""

    number: int
    nodes: tuple[int, ...]
    ties_inside: int
    ties_out: int
    sectors: dict[str, int]

    @property
    def size(self) -> int:
        return len(self.nodes)


def community_summary(analysis: Analysis, *, smallest: int = 1) -> list[CommunitySummary]:
    """The communities with at least ``smallest`` organisations, largest first."""
    membership = analysis.communities.membership
    src, dst, _w = analysis.graph.edges()
    inside = np.bincount(
        membership[src][membership[src] == membership[dst]], minlength=membership.max(initial=-1) + 1
    )
    touching = np.bincount(
        np.concatenate([membership[src], membership[dst]])[np.tile(membership[src] != membership[dst], 2)],
        minlength=membership.max(initial=-1) + 1,
    )
    ranked = analysis.order("degree").tolist()
    by_community: dict[int, list[int]] = {}
    for node in ranked:
        by_community.setdefault(int(membership[node]), []).append(node)
    out = []
    for number in range(analysis.communities.n_communities):
        nodes = by_community.get(number, [])
        if len(nodes) < smallest:
            continue
        sectors: dict[str, int] = {}
        for node in nodes:
            sector = analysis.nodes[node].sector
            sectors[sector] = sectors.get(sector, 0) + 1
        out.append(
            CommunitySummary(
                number=number,
                nodes=tuple(nodes),
                ties_inside=int(inside[number]),
                ties_out=int(touching[number]),
                sectors={s: sectors[s] for s in SECTORS if s in sectors},
            )
        )
    return out


# ------------------------------------------------------------------------------------------ brokers


def sector_bridges(
    analysis: Analysis, *, brokers: int = 50, per_pair: int = 5
) -> dict[tuple[str, str], list]:
    """Who bridges which two sectors: for each pair of different sectors ``(s, t)`` (in
    :data:`SECTORS` order), the organisations among the ``brokers`` with the most brokerage that are
    tied to an ``s`` and a ``t`` organisation not tied to each other, as ``(node, open pairs)``, most
    first, ``per_pair`` of them."""
    g = analysis.graph
    order = [s for s in SECTORS if s in {n.sector for n in analysis.nodes}]
    code = {s: i for i, s in enumerate(order)}
    sector = np.array([code[n.sector] for n in analysis.nodes], dtype=np.int64)
    k = len(order)
    adjacency = g.weights.copy()
    adjacency.data[:] = 1.0
    found: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for b in analysis.order("brokerage", brokers).tolist():
        if analysis.values["brokerage"][b] <= 0:
            break
        partners = adjacency.indices[adjacency.indptr[b] : adjacency.indptr[b + 1]]
        counts = np.bincount(sector[partners], minlength=k)
        among = sp.triu(adjacency[partners][:, partners], k=1).tocoo()
        a, c = sector[partners[among.row]], sector[partners[among.col]]
        closed = np.bincount(np.minimum(a, c) * k + np.maximum(a, c), minlength=k * k).reshape(k, k)
        for s in range(k):
            for t in range(s + 1, k):
                open_pairs = int(counts[s] * counts[t] - closed[s, t])
                if open_pairs > 0:
                    found.setdefault((order[s], order[t]), []).append((b, open_pairs))
    return {
        pair: sorted(found[pair], key=lambda item: (-item[1], item[0]))[:per_pair]
        for pair in sorted(found, key=lambda p: (code[p[0]], code[p[1]]))
    }


def roles_by_sector(analysis: Analysis) -> list[tuple[str, int, list[int]]]:
    """Per sector present (in :data:`SECTORS` order): its organisations and the sums of their five
    brokerage role counts."""
    out = []
    for sector in SECTORS:
        members = np.array([n.sector == sector for n in analysis.nodes], dtype=bool)
        if members.any():
            out.append((sector, int(members.sum()), [int(analysis.values[r][members].sum()) for r in ROLES]))
    return out


# ---------------------------------------------------------------------------------------- selectors


def network_clusters_visible_to(*, user: Any) -> list[Cluster]:
    """The clusters whose network ``user`` may view (``network.view``), by name."""
    if not getattr(user, "is_authenticated", False):
        return []
    managed = user.managed_cluster_ids()
    candidates = (
        Cluster.objects.all() if check(user, "network.view", None) else Cluster.objects.filter(pk__in=managed)
    )
    return [c for c in candidates.order_by("name_en", "name_ru", "pk") if check(user, "network.view", c)]


def ego_organisations_visible_to(*, user: Any) -> list[Organisation]:
    """The organisations ``user`` represents and the current members of the clusters ``user`` manages
    (whose ego networks ``user`` may see; analysts may see every one's but are not listed all)."""
    if not getattr(user, "is_authenticated", False):
        return []
    queryset = Organisation.objects.filter(
        Q(pk__in=user.represented_organisation_ids())
        | Q(memberships__cluster_id__in=user.managed_cluster_ids(), memberships__left__isnull=True)
    ).distinct()
    return [o for o in queryset.order_by("name_en", "name_ru", "pk") if check(user, "network.ego", o)]
