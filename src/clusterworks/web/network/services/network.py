"""The stakeholder network of the register, as the analytics library's participations and graph.

Ties come from four sources, each a kind of shared "project" (a hyperedge of organisations):

* ``projects``: the register's joint projects (year: the project's start);
* ``agreements``: agreements between organisations (year: signed);
* ``applications``: co-applications to the support programme, the applicant with its co-applicants
  (year: the call's; drafts are private and left out);
* ``memberships``: membership of the same cluster (year: the later of the two joining dates; off by
  default, as it ties every member to every other).

A cluster's network holds its current members and, with ``partners=True``, the organisations outside
it that work with them (the bridges out of the cluster). Results are kept until the data change
(:class:`~clusterworks.web.core.kept.Kept`, ``NETWORK_CACHE`` entries).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from clusterworks.analytics.network.graph import CollaborationGraph, combine, graph_from_ties, project_graph
from clusterworks.analytics.network.participations import Participations
from clusterworks.web.core.kept import Kept
from clusterworks.web.core.page_cache import data_version
from clusterworks.web.programme.models import Application, CoApplicant
from clusterworks.web.registry.models import (
    HELIX_OF_TYPE,
    Agreement,
    Cluster,
    Membership,
    Organisation,
    ProjectParticipation,
)

SOURCES = ("projects", "agreements", "applications", "memberships")
DEFAULT_SOURCES = ("projects", "agreements", "applications")
WEIGHTINGS = ("count", "newman")
#: states of an application that are still private to the applicants
PRIVATE_STATES = ("draft",)

_KEPT = Kept("NETWORK_CACHE")


@dataclass(frozen=True)
class NodeInfo:
    """What the pages show of an organisation of the network."""

    key: str
    pk: int
    name_en: str
    name_ru: str
    type: str
    helix: str
    region: str
    member: bool

    def name(self, language: str = "en") -> str:
        first, second = (
            (self.name_ru, self.name_en) if language.startswith("ru") else (self.name_en, self.name_ru)
        )
        return first or second or self.key


@dataclass(frozen=True)
class RegistryNetwork:
    """A network computed from the register: the rows it came from, the graph and its nodes."""

    participations: Participations
    graph: CollaborationGraph
    nodes: dict[str, NodeInfo]
    sources: tuple[str, ...]
    weighting: str


def check_options(sources: Iterable[str], weighting: str) -> tuple[str, ...]:
    chosen = tuple(s for s in SOURCES if s in set(sources))
    unknown = sorted(set(sources) - set(SOURCES))
    if unknown:
        raise ValueError(f"unknown tie source '{unknown[0]}'; allowed: {', '.join(SOURCES)}")
    if not chosen:
        raise ValueError(f"choose at least one tie source: {', '.join(SOURCES)}")
    if weighting not in WEIGHTINGS:
        raise ValueError(f"weighting is '{weighting}'; allowed: {', '.join(WEIGHTINGS)}")
    return chosen


def registry_rows(
    *, sources: Sequence[str], organisations: Iterable[int] | None = None
) -> list[tuple[str, int, int, str]]:
    """``(hyperedge, organisation pk, year, role)`` rows of the chosen sources; with ``organisations``,
    only the hyperedges that involve at least one of them (all their participants are kept)."""
    wanted = None if organisations is None else set(organisations)
    rows: list[tuple[str, int, int, str]] = []
    if "projects" in sources:
        for project, org, start, role in ProjectParticipation.objects.values_list(
            "project_id", "organisation_id", "project__start", "role"
        ):
            rows.append((f"project:{project}", org, start.year, role))
    if "agreements" in sources:
        through = Agreement.parties.through.objects.values_list(
            "agreement_id", "organisation_id", "agreement__signed_on"
        )
        for agreement, org, signed in through:
            rows.append((f"agreement:{agreement}", org, signed.year, ""))
    if "applications" in sources:
        applications = Application.objects.exclude(state__in=PRIVATE_STATES)
        for number, org, year in applications.values_list("number", "applicant_id", "call__year"):
            rows.append((f"application:{number}", org, year, "coordinator"))
        partners = CoApplicant.objects.filter(application__in=applications).values_list(
            "application__number", "organisation_id", "application__call__year"
        )
        for number, org, year in partners:
            rows.append((f"application:{number}", org, year, "participant"))
    if "memberships" in sources:
        for cluster, org, joined, founded in Membership.objects.filter(left__isnull=True).values_list(
            "cluster_id", "organisation_id", "joined", "cluster__founded"
        ):
            when = joined or founded
            rows.append((f"cluster:{cluster}", org, when.year if when else 2000, ""))
    # the same organisation twice in one hyperedge (an application's applicant also listed as partner)
    rows = list({(r[0], r[1]): r for r in rows}.values())
    if wanted is not None:
        touching = {r[0] for r in rows if r[1] in wanted}
        rows = [r for r in rows if r[0] in touching]
    return rows


def _build(
    rows: list[tuple[str, int, int, str]], members: set[int], sources: tuple[str, ...], weighting: str
):
    pks = {r[1] for r in rows} | members
    organisations = {
        o["pk"]: o
        for o in Organisation.objects.filter(pk__in=pks).values(
            "pk", "key", "name_en", "name_ru", "type", "region_id"
        )
    }
    key = {pk: o["key"] for pk, o in organisations.items()}
    part = Participations.from_rows(
        [
            (hyperedge, key[org], year, role, organisations[org]["type"], "")
            for hyperedge, org, year, role in rows
        ]
    )
    graphs = [project_graph(part, weighting=weighting)] if rows else []
    isolated = sorted(pk for pk in members if pk not in {r[1] for r in rows})
    if isolated or not graphs:
        graphs.append(
            graph_from_ties(
                [key[pk] for pk in isolated], [], kinds=[organisations[pk]["type"] for pk in isolated]
            )
        )
    graph = combine(*graphs) if len(graphs) > 1 else graphs[0]
    nodes = {
        o["key"]: NodeInfo(
            key=o["key"],
            pk=pk,
            name_en=o["name_en"],
            name_ru=o["name_ru"],
            type=o["type"],
            helix=HELIX_OF_TYPE[o["type"]],
            region=o["region_id"] or "",
            member=pk in members,
        )
        for pk, o in organisations.items()
    }
    return RegistryNetwork(
        participations=part, graph=graph, nodes=nodes, sources=sources, weighting=weighting
    )


def cluster_network(
    *,
    cluster: Cluster,
    sources: Sequence[str] = DEFAULT_SOURCES,
    weighting: str = "count",
    partners: bool = True,
) -> RegistryNetwork:
    """The network of ``cluster``'s current members (and, with ``partners``, of the organisations outside
    that work with them), kept until the data change. What is returned is shared: do not change it."""
    chosen = check_options(sources, weighting)

    def compute() -> RegistryNetwork:
        members = set(
            Membership.objects.filter(cluster=cluster, left__isnull=True).values_list(
                "organisation_id", flat=True
            )
        )
        rows = registry_rows(sources=chosen, organisations=members)
        if not partners:
            rows = [r for r in rows if r[1] in members]
        return _build(rows, members, chosen, weighting)

    return _KEPT.get(("cluster", cluster.pk, chosen, weighting, partners), data_version(), compute)


def register_network(
    *, sources: Sequence[str] = DEFAULT_SOURCES, weighting: str = "count"
) -> RegistryNetwork:
    """The whole register's network (every organisation with a tie; ``member`` is false throughout),
    kept until the data change. Ego networks and recommendations are read from it; an organisation
    without ties is not a node. What is returned is shared: do not change it."""
    chosen = check_options(sources, weighting)

    def compute() -> RegistryNetwork:
        return _build(registry_rows(sources=chosen), set(), chosen, weighting)

    return _KEPT.get(("register", chosen, weighting), data_version(), compute)


def forget_networks() -> None:
    """Drop every kept network (tests)."""
    _KEPT.forget()
