"""The whole analysis of one collaboration graph, as the pages, the CLI and the benchmark run it:
centralities, structural holes, brokerage roles across sectors, Leiden communities, core and periphery,
the triple-helix mix and the cohesion indicators, with one row per organisation for export.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .brokerage import ROLES, Brokerage, brokerage
from .communities import (
    Communities,
    CorePeriphery,
    TripleHelixMix,
    core_periphery,
    leiden,
    sectors_of,
    triple_helix_mix,
)
from .evolution import Cohesion, cohesion
from .graph import CollaborationGraph
from .measures import StructuralHoles, centralities, node_table, structural_holes

__all__ = ["AUTO_EXACT_UP_TO", "AUTO_SAMPLE", "NetworkAnalysis", "analyse"]

#: with ``sample="auto"``, path-based centralities are exact up to this many organisations ...
AUTO_EXACT_UP_TO = 1_500
#: ... and estimated from this many sampled sources above it
AUTO_SAMPLE = 400

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, eq=False)
class NetworkAnalysis:
    """Every measure of one graph (see :func:`analyse`)."""

    graph: CollaborationGraph
    sectors: tuple[str, ...]
    measures: dict[str, np.ndarray]
    holes: StructuralHoles
    brokerage: Brokerage
    communities: Communities
    core: CorePeriphery
    helix: TripleHelixMix
    cohesion: Cohesion
    sample: int | None

    def rows(self) -> list[dict[str, Any]]:
        """One row per organisation: id, kind, country, sector, the centralities, constraint, effective
        size, community, k-core, in the core, coreness and the five brokerage role counts."""
        extra: dict[str, Sequence[Any]] = {
            "sector": self.sectors,
            "community": self.communities.membership.tolist(),
            "kcore": self.core.kcore.tolist(),
            "core": self.core.core.tolist(),
            "coreness": self.core.coreness.tolist(),
        }
        for role in ROLES:
            extra[role] = self.brokerage.role(role).tolist()
        return node_table(self.graph, measures=self.measures, holes=self.holes, extra=extra)

    def summary(self) -> dict[str, Any]:
        """The network's indicators as plain values (JSON-ready; ``nan`` becomes ``None``)."""

        def plain(value: Any) -> Any:
            if isinstance(value, float | np.floating):
                return None if math.isnan(value) else float(value)
            if isinstance(value, np.integer):
                return int(value)
            return value

        values = {k: plain(v) for k, v in self.cohesion.as_dict().items()}
        values.update(
            communities_found=self.communities.n_communities,
            modularity=plain(self.communities.modularity),
            core_size=int(self.core.core.sum()),
            max_kcore=int(self.core.kcore.max()) if self.core.kcore.size else 0,
            core_periphery_fit=plain(self.core.fit),
            helix_within=plain(self.helix.within),
            helix_between=plain(self.helix.between),
            helix_ei_index=plain(self.helix.ei_index),
            helix_mutual_information=plain(self.helix.mutual_information),
            helix_shares={f"{a}-{b}": plain(v) for (a, b), v in self.helix.pairs().items()},
            centrality_sample=self.sample,
        )
        return values


def analyse(
    g: CollaborationGraph,
    *,
    sectors: Sequence[str] | None = None,
    sample: int | str | None = "auto",
    path_sample: int = 200,
    seed: int = 0,
    progress: Progress | None = None,
) -> NetworkAnalysis:
    """Run every measure on ``g``.

    ``sectors``: each node's sector for brokerage and the triple-helix mix (default: from its activity
    type, :func:`~.communities.sectors_of`). ``sample``: estimate betweenness, closeness and harmonic
    centrality from this many sampled sources (Brandes-Pich) instead of all (exact: ``None``; one
    shortest-path tree per organisation costs minutes from a few thousand organisations, an hour on
    H2020's 36,000); ``"auto"`` is exact up to :data:`AUTO_EXACT_UP_TO` organisations and samples
    :data:`AUTO_SAMPLE` sources above. ``path_sample``: sources of the mean path length.
    ``progress(done, total, step)`` is told after each of the seven steps.
    """
    if sample == "auto":
        sample = None if g.n_nodes <= AUTO_EXACT_UP_TO else AUTO_SAMPLE
    elif sample is not None and (not isinstance(sample, int) or sample < 1):
        raise ValueError(
            f"sample is {sample!r}; allowed: a positive number of sources, None (exact) or 'auto'"
        )
    sectors = tuple(sectors) if sectors is not None else sectors_of(g.kind)
    steps = 7
    report = progress or (lambda done, total, step: None)
    report(0, steps, "centralities")
    measures = centralities(g, sample=sample, seed=seed)
    report(1, steps, "structural holes")
    holes = structural_holes(g)
    report(2, steps, "brokerage")
    roles = brokerage(g, sectors)
    report(3, steps, "communities")
    communities = leiden(g, seed=seed)
    report(4, steps, "core and periphery")
    core = core_periphery(g)
    report(5, steps, "triple helix")
    helix = triple_helix_mix(g, sectors)
    report(6, steps, "cohesion")
    indicators = cohesion(g, path_sample=path_sample, seed=seed, communities=communities)
    report(7, steps, "done")
    return NetworkAnalysis(
        graph=g,
        sectors=sectors,
        measures=measures,
        holes=holes,
        brokerage=roles,
        communities=communities,
        core=core,
        helix=helix,
        cohesion=indicators,
        sample=sample,
    )
