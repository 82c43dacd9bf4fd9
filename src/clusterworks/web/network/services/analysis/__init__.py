"""The measures of a network as the pages show them: per organisation (centralities, Burt's structural
holes, Gould-Fernandez brokerage roles across the triple-helix sectors, Leiden community, k-core and
coreness), for the whole network (cohesion, communities, core and periphery, the triple-helix mix of
ties), year by year (evolution), and a seeded layout of what the network view draws.

A network comes from the register (a cluster's members with or without their outside partners, or the
whole register for ego networks; ``services.network``) or from an imported participation dataset
(``services.datasets``). Every result is kept (:class:`~clusterworks.web.core.kept.Kept`,
``NETWORK_CACHE``) under a key of what it depends on: a register network's version is the data version,
a dataset's is its SHA-256.

A large network (more than the library's
:data:`~clusterworks.analytics.network.analysis.EXACT_UP_TO` organisations, e.g. a dataset of 36,000) is
measured with estimates where exact measures take minutes: betweenness from :data:`BETWEENNESS_SAMPLE` sampled
sources, closeness for the :data:`CLOSENESS_TOP` organisations with the most partners only, Leiden with
two iterations. The view draws at most :data:`VIEW_LIMIT` organisations (the largest component's, by
number of partners) and :data:`EDGE_LIMIT` ties (each organisation's strongest, then the strongest of
the rest); the pages say so.

The package: :mod:`.results` (the organisations, :class:`Analysis` and :func:`analyse`, a wrapper of the
library's :func:`clusterworks.analytics.network.analysis.analyse` that adds the pages' rules for large
networks and the translated progress steps), :mod:`.networks` (the kept analyses of the register, a
cluster and a dataset, their evolution, who may see them), :mod:`.view` (layout, view, ego network,
the view's JSON) and :mod:`.summaries` (communities, sector bridges, roles per sector). Import it as
``from clusterworks.web.network.services import analysis as an``.
"""

from __future__ import annotations

from .networks import (
    _KEPT,
    DatasetResults,
    cluster_analysis,
    cluster_evolution,
    cluster_view,
    dataset_results,
    ego_organisations_visible_to,
    network_clusters_visible_to,
    register_analysis,
)
from .results import (
    BETWEENNESS_SAMPLE,
    CLOSENESS_TOP,
    COLUMNS,
    EDGE_LIMIT,
    LAYOUT_TIES,
    MEASURE_LABELS,
    MEASURES,
    PATH_SAMPLE,
    REGISTRY_HELICES,
    SEED,
    STEP_LABELS,
    VIEW_LIMIT,
    Analysis,
    Node,
    Progress,
    _plain,
    analyse,
)
from .summaries import CommunitySummary, community_summary, roles_by_sector, sector_bridges
from .view import Ego, NetworkView, ego, graph_payload, layout, network_view

__all__ = [
    "BETWEENNESS_SAMPLE",
    "CLOSENESS_TOP",
    "COLUMNS",
    "EDGE_LIMIT",
    "LAYOUT_TIES",
    "MEASURES",
    "MEASURE_LABELS",
    "PATH_SAMPLE",
    "REGISTRY_HELICES",
    "SEED",
    "STEP_LABELS",
    "VIEW_LIMIT",
    "_KEPT",
    "Analysis",
    "CommunitySummary",
    "DatasetResults",
    "Ego",
    "NetworkView",
    "Node",
    "Progress",
    "_plain",
    "analyse",
    "cluster_analysis",
    "cluster_evolution",
    "cluster_view",
    "community_summary",
    "dataset_results",
    "ego",
    "ego_organisations_visible_to",
    "graph_payload",
    "layout",
    "network_clusters_visible_to",
    "network_view",
    "register_analysis",
    "roles_by_sector",
    "sector_bridges",
]
