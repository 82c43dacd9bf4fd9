"""The whole analysis of one collaboration graph, as the pages, the CLI and the benchmark run it:
centralities, structural holes, brokerage roles across sectors, Leiden communities, core and periphery,
the triple-helix mix and the cohesion indicators, with one row per organisation for export.

:func:`analyse` is the one place that runs them in sequence. Its options say how a large graph is
measured (sampled sources for the path-based centralities, closeness for the best-connected
organisations only, Leiden passes, path-length sources). Which graph is large is one rule,
:data:`EXACT_UP_TO`: the CLI and the benchmark apply it with ``sample="auto"``; the web service
(``clusterworks.web.network.services.analysis``) uses the same threshold and chooses its own
estimates above it. ``progress`` is told the name of each step (:data:`STEPS`), which a caller may
translate.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
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
from .graph import CollaborationGraph, GraphError
from .measures import (
    CENTRALITIES,
    StructuralHoles,
    betweenness,
    centralities,
    closeness,
    harmonic,
    node_table,
    sampled_closeness,
    structural_holes,
)

__all__ = ["AUTO_SAMPLE", "EXACT_UP_TO", "STEPS", "NetworkAnalysis", "analyse"]

#: Organisations up to which betweenness, closeness and harmonic centrality are exact (one
#: shortest-path tree per organisation); above it a graph is *large* and they are estimated from
#: sampled sources. The one rule of the CLI and the benchmark (``sample="auto"``) and of the web pages
#: (``services.analysis``). Measured (seeded ``synthetic_participations``, exact weighted
#: betweenness + closeness + harmonic, best of 3, two runs on a shared 2-core machine): 1,500
#: organisations (24,029 ties) 1.5-3.3 s, 2,000 (34,885 ties) 3.2-9.2 s, against 0.5-1.8 s for 400
#: sampled sources at 2,000. Up to 2,000 an exact answer costs seconds, not minutes; and with the
#: larger of the two former thresholds (web 2,000, CLI 1,500) no network measured exactly before is
#: estimated now.
EXACT_UP_TO = 2_000
#: Sources of the estimates above :data:`EXACT_UP_TO` with ``sample="auto"``.
AUTO_SAMPLE = 400

#: The steps :func:`analyse` reports to ``progress``, in order (then ``"done"``).
STEPS = (
    "centralities",
    "betweenness",
    "closeness",
    "structural holes",
    "brokerage",
    "communities",
    "core and periphery",
    "triple helix",
    "cohesion",
)

#: The centralities that need no shortest paths (the first step).
_LOCAL = ("degree", "strength", "eigenvector", "pagerank")

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, eq=False)
class NetworkAnalysis:
    """Every measure of one graph (see :func:`analyse`).

    ``measures`` holds the centralities asked for (keys in ``CENTRALITIES`` order); ``sample`` the
    sources of the path-based ones (None: exact); ``closeness_nodes`` the organisations whose
    closeness and harmonic centrality were measured (the others are ``nan``).
    """

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
    closeness_nodes: int = 0

    def values(self) -> dict[str, np.ndarray]:
        """Every per-organisation column as a float array: the centralities, ``constraint``,
        ``effective_size``, the five brokerage roles and their sum ``brokerage``, ``community``,
        ``coreness``, ``kcore`` and ``core`` (1 in the core)."""
        out = {k: np.asarray(v, dtype=np.float64) for k, v in self.measures.items()}
        out["constraint"] = self.holes.constraint
        out["effective_size"] = self.holes.effective_size
        for role in ROLES:
            out[role] = self.brokerage.role(role).astype(np.float64)
        out["brokerage"] = self.brokerage.total.astype(np.float64)
        out["community"] = self.communities.membership.astype(np.float64)
        out["coreness"] = self.core.coreness
        out["kcore"] = self.core.kcore.astype(np.float64)
        out["core"] = self.core.core.astype(np.float64)
        return out

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
            helix_shares={f"{a}-{b}": _plain(v) for (a, b), v in self.helix.pairs().items()},
            centrality_sample=self.sample,
        )
        return values


def _plain(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _check(
    sample: int | str | None, closeness_top: int | None, measures: Sequence[str], path_sample: int
) -> None:
    if (
        sample != "auto"
        and sample is not None
        and (isinstance(sample, bool) or not isinstance(sample, int) or sample < 1)
    ):
        raise GraphError(
            f"sample is {sample!r}; allowed: a positive number of sources, None (exact) or 'auto'"
        )
    if closeness_top is not None and (
        isinstance(closeness_top, bool) or not isinstance(closeness_top, int) or closeness_top < 1
    ):
        raise GraphError(
            f"closeness_top is {closeness_top!r}; allowed: a positive number of organisations or None"
        )
    unknown = sorted(set(measures) - set(CENTRALITIES))
    if unknown:
        raise GraphError(f"unknown measure(s) {', '.join(unknown)}: allowed {', '.join(CENTRALITIES)}")
    if isinstance(path_sample, bool) or not isinstance(path_sample, int) or path_sample < 0:
        raise GraphError(f"path_sample is {path_sample!r}; allowed: 0 or a positive number of sources")


def _closeness(
    g: CollaborationGraph, wanted: Sequence[str], sample: int | None, top: int | None, seed: int
) -> tuple[dict[str, np.ndarray], int]:
    """Closeness and harmonic centrality (those of ``wanted``) and how many organisations have them."""
    n = g.n_nodes
    if not wanted:
        return {}, 0
    if top is not None:
        chosen = np.lexsort((np.arange(n), -g.degree))[:top]  # most partners first, ties by number
        out = {}
        for name, measure in (("closeness", closeness), ("harmonic", harmonic)):
            if name in wanted:
                full = np.full(n, np.nan)
                full[chosen] = measure(g, nodes=chosen.tolist())
                out[name] = full
        return out, int(chosen.size)
    if sample is not None:
        close, harm = sampled_closeness(g, sample, seed=seed)
        return {k: v for k, v in (("closeness", close), ("harmonic", harm)) if k in wanted}, n
    return {name: closeness(g) if name == "closeness" else harmonic(g) for name in wanted}, n


def analyse(
    g: CollaborationGraph,
    *,
    sectors: Sequence[str] | None = None,
    helices: Mapping[str, Sequence[str]] | None = None,
    sample: int | str | None = "auto",
    closeness_top: int | None = None,
    measures: Sequence[str] = CENTRALITIES,
    leiden_iterations: int = 2,
    path_sample: int = 200,
    seed: int = 0,
    progress: Progress | None = None,
) -> NetworkAnalysis:
    """Run every measure on ``g``.

    Parameters
    ----------
    g : CollaborationGraph
    sectors : sequence of str, optional
        Each node's sector for brokerage and the triple-helix mix (default: from its activity type,
        :func:`~.communities.sectors_of`).
    helices : mapping, optional
        The three helices of the triple-helix mutual information as ``{name: activity types}``
        (default :data:`~.communities.DEFAULT_HELICES`).
    sample : int, None or "auto"
        Estimate betweenness (Brandes-Pich), closeness and harmonic centrality (Eppstein-Wang) from this
        many sampled sources instead of all (exact: ``None``; one shortest-path tree per organisation
        costs minutes from a few thousand organisations, an hour on H2020's 36,000); ``"auto"`` is exact
        up to :data:`EXACT_UP_TO` organisations and samples :data:`AUTO_SAMPLE` sources above. It
        must not exceed the number of organisations.
    closeness_top : int, optional
        Measure closeness and harmonic centrality exactly for only this many organisations, those with
        the most partners (ties by node number), ``nan`` for the others, instead of for every one.
    measures : sequence of str
        The centralities to compute (a subset of ``CENTRALITIES``; default all).
    leiden_iterations : int
        Passes of the Leiden algorithm (-1: until the partition no longer changes).
    path_sample : int
        Sources of the mean path length (:func:`~.evolution.cohesion`; 0 skips it).
    seed : int
        Seed of every sampled or randomised step (sources, Leiden, path length).
    progress : callable, optional
        ``progress(done, total, step)`` is told before each step of :data:`STEPS` and with ``"done"``
        at the end.

    Returns
    -------
    NetworkAnalysis
    """
    _check(sample, closeness_top, measures, path_sample)
    if sample == "auto":
        sample = None if g.n_nodes <= EXACT_UP_TO else AUTO_SAMPLE
    sectors = tuple(sectors) if sectors is not None else sectors_of(g.kind)
    total = len(STEPS)
    report = progress or (lambda done, total, step: None)
    report(0, total, STEPS[0])
    found = centralities(g, measures=[m for m in _LOCAL if m in measures], seed=seed)
    report(1, total, STEPS[1])
    if "betweenness" in measures:
        found["betweenness"] = betweenness(g, sample=sample, seed=seed)
    report(2, total, STEPS[2])
    near, closeness_nodes = _closeness(
        g, [m for m in ("closeness", "harmonic") if m in measures], sample, closeness_top, seed
    )
    found.update(near)
    report(3, total, STEPS[3])
    holes = structural_holes(g)
    report(4, total, STEPS[4])
    roles = brokerage(g, sectors)
    report(5, total, STEPS[5])
    communities = leiden(g, seed=seed, n_iterations=leiden_iterations)
    report(6, total, STEPS[6])
    core = core_periphery(g)
    report(7, total, STEPS[7])
    helix = triple_helix_mix(g, sectors, helices=helices)
    report(8, total, STEPS[8])
    indicators = cohesion(g, path_sample=path_sample, seed=seed, communities=communities)
    report(total, total, "done")
    return NetworkAnalysis(
        graph=g,
        sectors=sectors,
        measures={k: found[k] for k in CENTRALITIES if k in found},
        holes=holes,
        brokerage=roles,
        communities=communities,
        core=core,
        helix=helix,
        cohesion=indicators,
        sample=sample,
        closeness_nodes=closeness_nodes,
    )
