"""The measures of a network as the pages show them: the organisations (:class:`Node`), every measure
of the network (:class:`Analysis`, one column per measure) and :func:`analyse`, which runs the library's
:func:`clusterworks.analytics.network.analysis.analyse` with the pages' rules for large networks and
reports its steps in the user's language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.translation import gettext_lazy as _

from clusterworks.analytics.network import analysis as library
from clusterworks.analytics.network.brokerage import ROLES, Brokerage
from clusterworks.analytics.network.communities import Communities, CorePeriphery, TripleHelixMix
from clusterworks.analytics.network.evolution import Cohesion
from clusterworks.analytics.network.graph import CollaborationGraph
from clusterworks.web.registry.models import OrganisationType

BETWEENNESS_SAMPLE = 500
CLOSENESS_TOP = 200
#: organisations the network view draws at most (what fits a picture, not what can be measured)
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


#: the centralities the pages show (harmonic centrality is not computed)
CENTRALITIES = ("degree", "strength", "betweenness", "eigenvector", "pagerank", "closeness")

#: the library's progress steps as the pages name them
STEP_LABELS = {
    "centralities": _("centralities"),
    "betweenness": _("betweenness"),
    "closeness": _("closeness"),
    "structural holes": _("structural holes"),
    "brokerage": _("brokerage roles"),
    "communities": _("communities"),
    "core and periphery": _("core and periphery"),
    "triple helix": _("triple-helix mix"),
    "cohesion": _("cohesion"),
    "done": _("done"),
}


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
    """Every measure of one network (the library's ``result``) with its organisations; ``values[column]``
    holds one value per node (``nan`` where a measure is not defined or was not computed)."""

    result: library.NetworkAnalysis
    nodes: tuple[Node, ...]
    values: dict[str, np.ndarray]

    @property
    def graph(self) -> CollaborationGraph:
        return self.result.graph

    @property
    def communities(self) -> Communities:
        return self.result.communities

    @property
    def core(self) -> CorePeriphery:
        return self.result.core

    @property
    def brokerage(self) -> Brokerage:
        return self.result.brokerage

    @property
    def helix(self) -> TripleHelixMix:
        return self.result.helix

    @property
    def cohesion(self) -> Cohesion:
        return self.result.cohesion

    @property
    def betweenness_sample(self) -> int | None:
        return self.result.sample

    @property
    def closeness_nodes(self) -> int:
        return self.result.closeness_nodes

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
        """The network's indicators as plain values: the library's summary (without the per-pair helix
        shares) and the sampling, members and years."""
        values = {
            k: v for k, v in self.result.summary().items() if k not in ("helix_shares", "centrality_sample")
        }
        values.update(
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
    """Measure ``g`` (whose node ``k`` is ``nodes[k]``, whose sector is the node's) with the library's
    :func:`~clusterworks.analytics.network.analysis.analyse`: exact up to
    :data:`~clusterworks.analytics.network.analysis.EXACT_UP_TO` organisations
    (Leiden until stable), above it betweenness from :data:`BETWEENNESS_SAMPLE` sources, closeness for
    the :data:`CLOSENESS_TOP` organisations with the most partners and two Leiden passes."""
    large = g.n_nodes > library.EXACT_UP_TO
    report = progress or (lambda done, total, step: None)
    result = library.analyse(
        g,
        sectors=[node.sector for node in nodes],
        helices=helices,
        sample=min(BETWEENNESS_SAMPLE, g.n_nodes) if large else None,
        closeness_top=CLOSENESS_TOP if large else None,
        measures=CENTRALITIES,
        leiden_iterations=2 if large else -1,
        path_sample=PATH_SAMPLE,
        seed=SEED,
        progress=lambda done, total, step: report(done, total, str(STEP_LABELS.get(step, step))),
    )
    return Analysis(result=result, nodes=tuple(nodes), values=result.values())
