"""Technology roadmaps: services that change a roadmap, and the selector that analyses it.

A roadmap lays out *nodes* in four layers (market and needs, products and services, technologies,
resources and competences) over the years, linked into *technology chains*. Every change is checked
against the rules of :func:`clusterworks.analytics.roadmap.validate_roadmap` (all problems at once, shown
on the form in the reader's language) and against the roadmap's own period.

:func:`roadmap_analysis` lists the chains and the competence coverage by the cluster's current members
(memberships not ended), the gap nodes, and partners from outside the cluster for each gap and for all of
them (:func:`partner_search`, the one place that asks for partners: it uses the competence search of
``analytics.roadmap.propose_partners`` until a matchmaking engine replaces it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clusterworks.analytics import roadmap as analytics
from clusterworks.web.core.permissions import require
from clusterworks.web.registry.models import Cluster, Competence, Organisation

from .models import Candidate, Layer, Roadmap, RoadmapLink, RoadmapNode
from .priorities import cluster_competence_holders

ROADMAP_FIELDS = (
    "key", "title_en", "title_ru", "description_en", "description_ru", "exercise", "start_year", "end_year",
)  # fmt: skip
NODE_FIELDS = ("key", "layer", "title_en", "title_ru", "start_year", "end_year", "trl", "candidate")

#: partners proposed per gap node, and in the overall list
PARTNERS_PER_GAP = 3
PARTNERS_RANKED = 8
#: chains listed at most (a roadmap whose links fan out and in again has very many)
CHAIN_LIMIT = 500

#: layer -> the form field a node's problem of that kind is shown on
_ISSUE_FIELDS = {"dates": "end_year", "trl": "trl", "duplicate-key": "key", "unknown-layer": "layer"}


def _assign(instance: Any, data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}; allowed: {sorted(allowed)}")
    for name, value in data.items():
        setattr(instance, name, value)


def _need_title(instance: Any) -> None:
    if not (instance.title_en or "").strip() and not (instance.title_ru or "").strip():
        raise ValidationError({"title_en": _("Give a title in English, in Russian or both.")})


def layer_label(layer: str) -> str:
    try:
        return str(Layer(layer).label)
    except ValueError:
        return layer


# ------------------------------------------------------------------------------------------ validation


def _name(key: str, titles: Mapping[str, str]) -> str:
    title = titles.get(key)
    return f"«{title}» ({key})" if title and title != key else key


def issue_message(issue: analytics.RoadmapIssue, titles: Mapping[str, str], layers: Mapping[str, str]) -> str:
    """The problem in the reader's language, naming the nodes by their titles."""
    nodes = [_name(key, titles) for key in issue.nodes]
    if issue.kind == "dates" and nodes:
        return _("%(node)s ends before it starts: the end year must not be before the start year.") % {
            "node": nodes[0]
        }
    if issue.kind == "trl" and nodes:
        return _("The TRL of %(node)s must be a whole number from 1 to 9.") % {"node": nodes[0]}
    if issue.kind == "duplicate-key" and nodes:
        return _("The key %(key)s is used by another node of this roadmap.") % {"key": issue.nodes[0]}
    if issue.kind == "self-loop" and nodes:
        return _("A link cannot lead from %(node)s to itself.") % {"node": nodes[0]}
    if issue.kind == "duplicate-link" and len(nodes) == 2:
        return _("The link from %(source)s to %(target)s exists already.") % {
            "source": nodes[0],
            "target": nodes[1],
        }
    if issue.kind == "backward-link" and len(nodes) == 2:
        return _(
            "The link from %(source)s (%(source_layer)s) to %(target)s (%(target_layer)s) goes back to an "
            "earlier layer: links lead from needs to products, technologies and resources, or stay in a "
            "layer."
        ) % {
            "source": nodes[0],
            "target": nodes[1],
            "source_layer": layer_label(layers.get(issue.nodes[0], "")),
            "target_layer": layer_label(layers.get(issue.nodes[1], "")),
        }
    if issue.kind == "cycle" and nodes:
        return _("The links form a cycle: %(path)s. A technology chain must end.") % {
            "path": " → ".join([*nodes, nodes[0]])
        }
    if issue.kind == "unknown-node":
        return _("A link names a node that is not on this roadmap.")
    return issue.message


def _analytics_roadmap(
    nodes: Iterable[tuple[str, str, int | None, int | None, int | None, Iterable[str]]],
    links: Iterable[tuple[str, str]],
) -> analytics.Roadmap:
    return analytics.Roadmap(
        nodes=tuple(
            analytics.RoadmapNode(key, layer, start=start, end=end, trl=trl, competences=frozenset(codes))
            for key, layer, start, end, trl, codes in nodes
        ),
        links=tuple(analytics.RoadmapLink(source, target) for source, target in links),
    )


def _stored(
    roadmap: Roadmap, *, without: int | None = None
) -> tuple[list[tuple], list[tuple[str, str]], dict]:
    """The roadmap's nodes (but ``without``) and links as the analytics take them, and node titles/layers."""
    nodes, titles, layers = [], {}, {}
    for node in roadmap.nodes.prefetch_related("competences").order_by("pk"):
        titles[node.key], layers[node.key] = node.title(), node.layer
        if node.pk == without:
            continue
        codes = [c.code for c in node.competences.all()]
        nodes.append((node.key, node.layer, node.start_year, node.end_year, node.trl, codes))
    links = list(roadmap.links.order_by("pk").values_list("source__key", "target__key"))
    return nodes, links, {"titles": titles, "layers": layers}


def _raise_issues(issues: Iterable[analytics.RoadmapIssue], names: dict, *, fields: bool = True) -> None:
    errors: dict[str | None, list[str]] = {}
    for issue in issues:
        where = _ISSUE_FIELDS.get(issue.kind) if fields else None
        errors.setdefault(where, []).append(issue_message(issue, names["titles"], names["layers"]))
    if errors:
        if set(errors) == {None}:
            raise ValidationError(errors[None])
        raise ValidationError({"__all__" if k is None else k: v for k, v in errors.items()})


def _check(nodes: list[tuple], links: list[tuple[str, str]], names: dict, *, fields: bool = True) -> None:
    try:
        analytics.validate_roadmap(_analytics_roadmap(nodes, links))
    except analytics.InvalidRoadmap as invalid:
        _raise_issues(invalid.issues, names, fields=fields)


def _check_period(node: RoadmapNode) -> None:
    roadmap = node.roadmap
    for name in ("start_year", "end_year"):
        year = getattr(node, name)
        if year is not None and not roadmap.start_year <= year <= roadmap.end_year:
            raise ValidationError(
                {name: _("The roadmap covers %(start)d–%(end)d; %(year)d is outside it.")
                 % {"start": roadmap.start_year, "end": roadmap.end_year, "year": year}}
            )  # fmt: skip


def _check_candidate(node: RoadmapNode) -> None:
    candidate = node.candidate
    if candidate is not None and candidate.exercise.cluster_id != node.roadmap.cluster_id:
        raise ValidationError({"candidate": _("The priority must be one of the same cluster.")})


# -------------------------------------------------------------------------------------------- roadmaps


def _check_roadmap(roadmap: Roadmap) -> None:
    _need_title(roadmap)
    if (
        roadmap.start_year is not None
        and roadmap.end_year is not None
        and roadmap.end_year < roadmap.start_year
    ):
        raise ValidationError({"end_year": _("The last year must not be before the first.")})
    if roadmap.exercise_id is not None and roadmap.exercise.cluster_id != roadmap.cluster_id:
        raise ValidationError({"exercise": _("The priority exercise must be one of the same cluster.")})
    roadmap.full_clean()


@transaction.atomic
def roadmap_create(*, actor: Any, cluster: Cluster, data: Mapping[str, Any]) -> Roadmap:
    """Start a roadmap of ``cluster`` (its managers only)."""
    require(actor, "foresight.create", cluster)
    roadmap = Roadmap(cluster=cluster)
    _assign(roadmap, data, ROADMAP_FIELDS)
    _check_roadmap(roadmap)
    roadmap.save()
    return roadmap


@transaction.atomic
def roadmap_update(*, actor: Any, roadmap: Roadmap, data: Mapping[str, Any]) -> Roadmap:
    """Change a roadmap; its period must still hold every node's years."""
    require(actor, "roadmap.manage", roadmap)
    if "key" in data and data["key"] != roadmap.key:
        raise ValueError("a roadmap's key is its stable identifier and cannot change")
    _assign(roadmap, data, ROADMAP_FIELDS)
    _check_roadmap(roadmap)
    outside = [
        node
        for node in roadmap.nodes.all()
        if any(
            year is not None and not roadmap.start_year <= year <= roadmap.end_year
            for year in (node.start_year, node.end_year)
        )
    ]
    if outside:
        raise ValidationError(
            {"start_year": _("These nodes lie outside the new period: %(nodes)s.")
             % {"nodes": ", ".join(node.title() for node in outside)}}
        )  # fmt: skip
    roadmap.save()
    return roadmap


@transaction.atomic
def roadmap_delete(*, actor: Any, roadmap: Roadmap) -> None:
    require(actor, "roadmap.manage", roadmap)
    roadmap.delete()


# ----------------------------------------------------------------------------------------------- nodes


def _check_node(node: RoadmapNode, competences: Iterable[Competence] | None) -> None:
    _need_title(node)
    _check_period(node)
    _check_candidate(node)
    nodes, links, names = _stored(node.roadmap, without=node.pk)
    if competences is None:
        codes = [c.code for c in node.competences.all()] if node.pk else []
    else:
        codes = [c.code for c in competences]
    nodes.append((node.key, node.layer, node.start_year, node.end_year, node.trl, codes))
    names["titles"][node.key], names["layers"][node.key] = node.title(), node.layer
    _check(nodes, links, names)
    node.full_clean()


@transaction.atomic
def node_create(
    *, actor: Any, roadmap: Roadmap, data: Mapping[str, Any], competences: Iterable[Competence] = ()
) -> RoadmapNode:
    """Add a node with the competences it needs (from the registry's vocabulary)."""
    require(actor, "roadmap.manage", roadmap)
    competences = list(competences)
    node = RoadmapNode(roadmap=roadmap)
    _assign(node, data, NODE_FIELDS)
    _check_node(node, competences)
    node.save()
    node.competences.set(competences)
    return node


@transaction.atomic
def node_update(
    *,
    actor: Any,
    node: RoadmapNode,
    data: Mapping[str, Any],
    competences: Iterable[Competence] | None = None,
) -> RoadmapNode:
    """Change a node; a new layer must keep its links going forward (checked with the whole roadmap)."""
    require(actor, "roadmap.manage", node.roadmap)
    if "key" in data and data["key"] != node.key:
        raise ValueError("a node's key is its stable identifier and cannot change")
    competences = None if competences is None else list(competences)
    _assign(node, data, NODE_FIELDS)
    _check_node(node, competences)
    node.save()
    if competences is not None:
        node.competences.set(competences)
    return node


@transaction.atomic
def node_delete(*, actor: Any, node: RoadmapNode) -> None:
    """Delete a node and its links."""
    require(actor, "roadmap.manage", node.roadmap)
    node.delete()


# ----------------------------------------------------------------------------------------------- links


@transaction.atomic
def link_create(*, actor: Any, roadmap: Roadmap, source: RoadmapNode, target: RoadmapNode) -> RoadmapLink:
    """Link ``source`` to the node ``target`` that serves or enables it; refused if the roadmap would
    break a rule (a link to an earlier layer, a cycle, a link twice)."""
    require(actor, "roadmap.manage", roadmap)
    if source.roadmap_id != roadmap.pk or target.roadmap_id != roadmap.pk:
        raise ValueError("both nodes of a link must be on the roadmap")
    nodes, links, names = _stored(roadmap)
    _check(nodes, [*links, (source.key, target.key)], names, fields=False)
    link = RoadmapLink(roadmap=roadmap, source=source, target=target)
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def link_delete(*, actor: Any, link: RoadmapLink) -> None:
    require(actor, "roadmap.manage", link.roadmap)
    link.delete()


# -------------------------------------------------------------------------------------------- partners


@dataclass
class PartnerSearch:
    """Partners from outside the cluster: per gap node (node key -> proposal) and for every missing
    competence at once (``overall``, whose ``cover`` closes all the gaps that can be closed), with the
    organisations named in them and which of those share a region with the cluster."""

    per_gap: dict[str, analytics.PartnerProposal]
    overall: analytics.PartnerProposal
    organisations: dict[str, Organisation]
    same_region: set[str]


def partner_search(
    *, cluster: Cluster, missing_by_gap: Mapping[str, Iterable[str]], k: int = PARTNERS_PER_GAP
) -> PartnerSearch:
    """Organisations outside ``cluster`` (no current membership) holding the missing competences,
    ranked by ``analytics.roadmap.propose_partners``: first by how many of the missing competences they
    hold; among equals, the partner recommender's ranking (``network.services.recommend.partners_for_gap``:
    ties to the members, profile text, region) comes first and the cluster's own regions break the
    remaining ties."""
    wanted = {code for codes in missing_by_gap.values() for code in codes}
    members = cluster.memberships.filter(left__isnull=True).values("organisation_id")
    offers: dict[str, set[str]] = {}
    rows = (
        Organisation.competences.through.objects.filter(competence__code__in=wanted)
        .exclude(organisation_id__in=members)
        .values_list("organisation__key", "competence__code")
    )
    for key, code in rows:
        offers.setdefault(key, set()).add(code)
    organisations = {o.key: o for o in Organisation.objects.filter(key__in=offers).select_related("region")}
    regions = set(cluster.regions.values_list("code", flat=True))
    same_region = {key for key, o in organisations.items() if o.region_id in regions}
    prefer = _recommended(cluster, wanted, among=offers)
    for key in same_region:
        prefer[key] = prefer.get(key, 0.0) + SAME_REGION_PREFERENCE
    per_gap = {
        node: analytics.propose_partners(codes, offers, k=k, prefer=prefer)
        for node, codes in missing_by_gap.items()
    }
    overall = analytics.propose_partners(wanted, offers, k=PARTNERS_RANKED, prefer=prefer)
    return PartnerSearch(per_gap, overall, organisations, same_region)


#: the region's weight among equals: below any step of the recommender's ranking
SAME_REGION_PREFERENCE = 1e-3


def _recommended(cluster: Cluster, wanted: set[str], *, among: Mapping[str, Any]) -> dict[str, float]:
    """The recommender's ranking of the holders ``among`` as preferences in (0, 1] (1 for its first);
    empty when there is nothing to rank (no ties, no profiles)."""
    from clusterworks.web.network.services import recommend

    if not wanted or not among:
        return {}
    try:
        found = recommend.partners_for_gap(cluster=cluster, wanted_codes=wanted, k=len(among) + 50)
    except recommend.recommend_error():
        return {}
    ranked = [s.key for s in found if s.key in among]
    return {key: 1.0 - i / len(ranked) for i, key in enumerate(ranked)}


# -------------------------------------------------------------------------------------------- analysis


@dataclass
class NodeRow:
    """A node with its needed competences and, for each, the current members holding it."""

    node: RoadmapNode
    competences: list[tuple[Competence, list[Organisation]]]
    missing: list[Competence]

    @property
    def is_gap(self) -> bool:
        return bool(self.missing)


@dataclass
class RoadmapAnalysis:
    """Everything the roadmap page shows. ``chains`` are tuples of node keys; ``problems`` are the
    roadmap's rule violations in the reader's language (empty for a roadmap saved through the services)."""

    roadmap: Roadmap
    nodes: list[NodeRow]
    links: list[RoadmapLink]
    chains: list[tuple[str, ...]] = field(default_factory=list)
    chain_complete: list[bool] = field(default_factory=list)
    gaps: list[NodeRow] = field(default_factory=list)
    partners: PartnerSearch | None = None
    competences: dict[str, Competence] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def node(self, key: str) -> NodeRow:
        return next(row for row in self.nodes if row.node.key == key)


def node_order(node: RoadmapNode) -> tuple:
    """Layers from the need down (market, product, technology, resource), then by start year and key."""
    layer = analytics.LAYERS.index(node.layer) if node.layer in analytics.LAYERS else len(analytics.LAYERS)
    return (layer, node.start_year or 0, node.key)


def roadmap_analysis(*, roadmap: Roadmap, partners: bool = True) -> RoadmapAnalysis:
    """The roadmap's chains, its competence coverage by the cluster's current members, its gap nodes
    and (with ``partners``) the partners proposed for them."""
    nodes = sorted(
        roadmap.nodes.prefetch_related("competences").select_related("candidate", "candidate__exercise"),
        key=node_order,
    )
    links = list(roadmap.links.select_related("source", "target").order_by("pk"))
    holders = cluster_competence_holders(roadmap.cluster)
    competences = {c.code: c for node in nodes for c in node.competences.all()}
    member_keys = {key for keys in holders.values() for key in keys}
    members = {o.key: o for o in Organisation.objects.filter(key__in=member_keys)}
    data = _analytics_roadmap(
        [
            (n.key, n.layer, n.start_year, n.end_year, n.trl, [c.code for c in n.competences.all()])
            for n in nodes
        ],
        [(link.source.key, link.target.key) for link in links],
    )
    analysis = RoadmapAnalysis(roadmap=roadmap, nodes=[], links=links, competences=competences)
    for node in nodes:
        needed = sorted(node.competences.all(), key=lambda c: c.code)
        rows = [(c, sorted((members[k] for k in holders.get(c.code, ())), key=str)) for c in needed]
        analysis.nodes.append(NodeRow(node, rows, [c for c, who in rows if not who]))
    analysis.gaps = [row for row in analysis.nodes if row.is_gap]
    issues = analytics.roadmap_issues(data)
    if issues:
        titles = {n.key: n.title() for n in nodes}
        layers = {n.key: n.layer for n in nodes}
        analysis.problems = [issue_message(issue, titles, layers) for issue in issues]
        return analysis
    try:
        coverage = analytics.competence_coverage(
            data, {code: frozenset(keys) for code, keys in holders.items()}, limit=CHAIN_LIMIT
        )
    except analytics.TooManyChains as error:
        analysis.problems = [
            _("The roadmap has %(count)d technology chains; only %(limit)d can be shown. Split it.")
            % {"count": error.count, "limit": error.limit}
        ]
        return analysis
    analysis.chains = [chain.nodes for chain in coverage.chains]
    analysis.chain_complete = [chain.complete for chain in coverage.chains]
    if partners and analysis.gaps:
        analysis.partners = partner_search(
            cluster=roadmap.cluster,
            missing_by_gap={row.node.key: [c.code for c in row.missing] for row in analysis.gaps},
        )
    return analysis


def candidates_for(roadmap: Roadmap) -> list[Candidate]:
    """The candidate priorities a node of ``roadmap`` may name: those of the cluster's exercises (the
    roadmap's own exercise first)."""
    queryset = Candidate.objects.filter(exercise__cluster_id=roadmap.cluster_id).select_related("exercise")
    return sorted(queryset, key=lambda c: (c.exercise_id != roadmap.exercise_id, c.exercise.key, c.key))
