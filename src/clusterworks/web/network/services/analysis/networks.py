"""The analysed networks the pages read, each kept (:class:`~clusterworks.web.core.kept.Kept`,
``NETWORK_CACHE``) under a key of what it depends on: a register network's version is the data version,
a dataset's is its SHA-256. A network comes from the register (a cluster's members with or without
their outside partners, or the whole register for ego networks; ``services.network``) or from an
imported participation dataset (``services.datasets``). Also: the network's evolution year by year, and
who may see which networks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clusterworks.analytics.network.analysis import EXACT_UP_TO
from clusterworks.analytics.network.communities import SECTOR_OF_KIND
from clusterworks.analytics.network.evolution import YearSnapshot, evolution
from clusterworks.analytics.network.graph import CollaborationGraph, combine, graph_from_ties, project_graph
from clusterworks.analytics.network.participations import Participations
from clusterworks.web.core.kept import Kept
from clusterworks.web.core.page_cache import data_version
from clusterworks.web.core.permissions import check
from clusterworks.web.registry.models import Cluster, Membership, Organisation

from ...models import DatasetOrganisation, ParticipationDataset
from ..datasets import dataset_participations
from ..network import DEFAULT_SOURCES, RegistryNetwork, check_options, cluster_network, register_network
from .results import PATH_SAMPLE, REGISTRY_HELICES, SEED, Analysis, Node, Progress, analyse
from .view import NetworkView, network_view

_KEPT = Kept("NETWORK_CACHE")


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
    large = part.n_organisations > EXACT_UP_TO
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
