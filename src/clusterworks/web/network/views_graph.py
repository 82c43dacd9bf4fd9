"""Pages of the stakeholder network: the landing page, a cluster's network (the interactive view, its
measures, communities, triple-helix mix and evolution), its brokers, an organisation's ego network with
its partner recommendations, and recommendations for a project idea; every table downloadable.

Each view parses its input, asks ``core.permissions`` (``require`` before showing, ``check`` to show or
hide a link), calls the services and renders. The interactive view (``static/network/graph.js``) reads
the ``.json`` of its page; without JavaScript the page shows the same information in tables.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clusterworks.analytics.network.brokerage import ROLES
from clusterworks.analytics.network.communities import SECTORS
from clusterworks.web.core.permissions import NotAllowed, check, deny, require
from clusterworks.web.registry.charts import HELIX_COLOURS
from clusterworks.web.registry.models import (
    Cluster,
    Competence,
    Helix,
    Organisation,
    OrganisationType,
    Region,
    choice_label,
)

from . import charts, downloads
from .forms_graph import EgoFilterForm, NetworkFilterForm, RecommendForm
from .messages import Names, reason_text
from .models import DatasetOrganisation, ParticipationDataset
from .services import analysis as an
from .services import recommend

TOP_ROWS = 25
COMMUNITIES_SHOWN = 12
CLUSTER_TABLES = ("nodes", "ties", "communities", "evolution", "helix")
BROKER_TABLES = ("nodes", "bridges", "roles")
EGO_TABLES = ("partners", "recommendations")

#: CORDIS activity types, as the dataset pages name them
KIND_LABELS = {
    "HES": gettext_lazy("Higher or secondary education"),
    "REC": gettext_lazy("Research organisation"),
    "PRC": gettext_lazy("Private company"),
    "PUB": gettext_lazy("Public body"),
    "OTH": gettext_lazy("Other"),
}


def language() -> str:
    return (get_language() or "en")[:2]


def sector_label(sector: str) -> str:
    return choice_label(Helix, sector)


def type_label(kind: str) -> str:
    if kind in KIND_LABELS:
        return str(KIND_LABELS[kind])
    return choice_label(OrganisationType, kind) if kind else "—"


def organisation_url(node: an.Node) -> str:
    return reverse("organisation-detail", args=[node.register_key or node.key])


# ------------------------------------------------------------------------------------- presentation


def _number(value: Any, digits: int = 3) -> str:
    return charts._value(value, digits=digits)


def summary_cards(analysis: an.Analysis) -> list[tuple[str, str, str]]:
    """``(key, label, value)`` of the indicators shown as cards."""
    s = analysis.summary()

    def pct(value: Any) -> str:
        return charts._value(value, percent=True)

    cards = [
        ("n_nodes", _("Organisations"), _number(s["n_nodes"])),
        ("n_ties", _("Ties"), _number(s["n_ties"])),
        ("density", _("Density"), pct(s["density"])),
        ("average_degree", _("Partners on average"), _number(s["average_degree"])),
        ("components", _("Connected parts"), _number(s["components"])),
        ("largest_component_share", _("In the largest part"), pct(s["largest_component_share"])),
        ("transitivity", _("Transitivity"), _number(s["transitivity"])),
        ("average_clustering", _("Average clustering"), _number(s["average_clustering"])),
        ("mean_path_length", _("Mean distance, ties"), _number(s["mean_path_length"])),
        ("communities", _("Communities"), _number(s["communities"])),
        ("modularity", _("Modularity"), _number(s["modularity"])),
        ("core_size", _("Organisations in the core"), _number(s["core_size"])),
        ("core_periphery_fit", _("Core-periphery fit"), _number(s["core_periphery_fit"])),
        ("helix_ei_index", _("E-I index of sectors"), _number(s["helix_ei_index"])),
        (
            "helix_mutual_information",
            _("Triple-helix mutual information, bits"),
            _number(s["helix_mutual_information"]),
        ),
    ]
    if s["members"]:
        cards.insert(1, ("members", _("Members"), _number(s["members"])))
    return cards


def measure_rows(analysis: an.Analysis, nodes, *, url_of) -> list[dict[str, Any]]:
    """Table rows: the organisation, its type and sector, and its measures as text."""
    lang = language()
    rows = []
    for i in nodes:
        i = int(i)
        node = analysis.nodes[i]
        values = analysis.row(i)
        rows.append(
            {
                "key": node.key,
                "name": node.name(lang),
                "url": url_of(node),
                "type": type_label(node.type),
                "sector": sector_label(node.sector),
                "member": node.member,
                "community": (values["community"] or 0) + 1,
                "values": [_number(values[m]) for m in an.MEASURES],
                "roles": [_number(values[r]) for r in ROLES],
                "brokerage": _number(values["brokerage"]),
                "raw": values,
            }
        )
    return rows


def community_rows(analysis: an.Analysis, *, url_of, shown: int = 5) -> list[dict[str, Any]]:
    lang = language()
    return [
        {
            "number": c.number + 1,
            "size": c.size,
            "ties_inside": c.ties_inside,
            "ties_out": c.ties_out,
            "sectors": [(sector_label(s), n) for s, n in c.sectors.items()],
            "largest": [(analysis.nodes[i].name(lang), url_of(analysis.nodes[i])) for i in c.nodes[:shown]],
            "more": max(0, c.size - shown),
        }
        for c in an.community_summary(analysis, smallest=2)
    ]


def community_chart(analysis: an.Analysis):
    rows = [
        (_("Community %(number)s") % {"number": c.number + 1}, [c.sectors.get(s, 0) for s in SECTORS])
        for c in an.community_summary(analysis, smallest=2)[:COMMUNITIES_SHOWN]
    ]
    if not rows:
        return None
    present = [k for k, s in enumerate(SECTORS) if any(values[k] for _label, values in rows)]
    parts = [(SECTORS[k], sector_label(SECTORS[k]), HELIX_COLOURS[SECTORS[k]]) for k in present]
    rows = [(label, [values[k] for k in present]) for label, values in rows]
    return charts.stacked_bars(rows, parts, title=_("Communities by sector"), css="chart-communities")


def helix_context(analysis: an.Analysis) -> dict[str, Any]:
    mix = analysis.helix
    labels = [sector_label(s) for s in mix.sectors]
    share = mix.share.tolist()
    pairs = [
        (sector_label(a), sector_label(b), charts._value(v, percent=True))
        for (a, b), v in mix.pairs().items()
        if v
    ]
    return {
        "svg": charts.helix_matrix(labels, share, title=_("Share of tie weight between sectors"))
        if mix.sectors and analysis.graph.n_edges
        else None,
        "pairs": pairs,
        "within": charts._value(mix.within, percent=True),
        "between": charts._value(mix.between, percent=True),
    }


def evolution_context(snapshots) -> dict[str, Any]:
    if not snapshots:
        return {"rows": [], "charts": []}
    years = [s.year for s in snapshots]
    c = [s.cohesion for s in snapshots]

    def nan(value: float) -> float | None:
        return None if value != value else value

    counts = charts.line_chart(
        years,
        [(_("Organisations"), [x.n_nodes for x in c]), (_("Ties"), [x.n_ties for x in c])],
        title=_("Organisations and ties, year by year"),
    )
    shares = charts.line_chart(
        years,
        [
            (_("Density"), [nan(x.density) for x in c]),
            (_("In the largest part"), [nan(x.largest_component_share) for x in c]),
            (_("Average clustering"), [nan(x.average_clustering) for x in c]),
            (_("Modularity"), [nan(x.modularity) for x in c]),
        ],
        title=_("Cohesion, year by year"),
        percent=True,
    )
    paths = charts.line_chart(
        years,
        [
            (_("Mean distance, ties"), [nan(x.mean_path_length) for x in c]),
            (_("Partners on average"), [nan(x.average_degree) for x in c]),
        ],
        title=_("Distances and partners, year by year"),
    )
    rows = [
        {
            "year": s.year,
            "projects": s.n_projects,
            "new_organisations": s.new_organisations,
            "new_ties": s.new_ties,
            "organisations": s.cohesion.n_nodes,
            "ties": s.cohesion.n_ties,
            "density": charts._value(nan(s.cohesion.density), percent=True),
            "largest": charts._value(nan(s.cohesion.largest_component_share), percent=True),
            "clustering": _number(nan(s.cohesion.average_clustering)),
            "modularity": _number(nan(s.cohesion.modularity)),
            "distance": _number(nan(s.cohesion.mean_path_length)),
        }
        for s in snapshots
    ]
    return {"rows": rows, "charts": [counts, shares, paths]}


def graph_labels(*, types: list[str], clusters: dict[str, str]) -> dict[str, Any]:
    """The texts and colours the network view shows, in the reader's language."""
    return {
        "typeLabels": {t: type_label(t) for t in types},
        "helixLabels": {s: sector_label(s) for s in SECTORS},
        "helixColours": HELIX_COLOURS,
        "measureLabels": [str(an.MEASURE_LABELS[m]) for m in an.MEASURES],
        "clusterLabels": clusters,
        "text": {
            "shown": _("%(shown)s of %(total)s organisations shown"),
            "community": _("Community"),
            "type": _("Type"),
            "sector": _("Sector"),
            "member": _("member"),
            "noMatch": _("No organisation matches “%(text)s”."),
            "found": _("Found: %(name)s"),
            "open": _("Open the organisation's page"),
            "other": _("Other communities"),
        },
    }


def _cluster_labels(keys) -> dict[str, str]:
    return {c.key: str(c) for c in Cluster.objects.filter(key__in=keys)}


def payload_for(analysis: an.Analysis, view: an.NetworkView, *, url_of) -> dict[str, Any]:
    types = sorted({analysis.nodes[i].type for i in view.nodes.tolist()})
    clusters = sorted({c for i in view.nodes.tolist() for c in analysis.nodes[i].clusters})
    return an.graph_payload(
        analysis=analysis,
        view=view,
        language=language(),
        url_of=url_of,
        labels=graph_labels(types=types, clusters=_cluster_labels(clusters)),
    )


def sort_key(request) -> str:
    chosen = request.GET.get("sort", "degree")
    return chosen if chosen in an.MEASURES else "degree"


# ------------------------------------------------------------------------------------------ landing


@login_required
@require_GET
def network_index(request):
    """The clusters whose network the user may view, the organisations whose ego network the user may
    see, and the participation datasets."""
    user = request.user
    datasets = list(ParticipationDataset.objects.all()) if check(user, "dataset.view") else []
    return render(
        request,
        "network/landing.html",
        {
            "clusters": an.network_clusters_visible_to(user=user),
            "organisations": an.ego_organisations_visible_to(user=user),
            "datasets": datasets,
            "can_view_datasets": bool(check(user, "dataset.view")),
            "can_import": bool(check(user, "dataset.manage")),
            "can_recommend": bool(_idea_organisations(user) is not None),
        },
    )


# ---------------------------------------------------------------------------------- cluster network


def _cluster(request, key: str) -> Cluster:
    cluster = get_object_or_404(Cluster, key=key)
    require(request.user, "network.view", cluster)
    return cluster


def _cluster_results(cluster: Cluster, form: NetworkFilterForm):
    options = form.options()
    return an.cluster_analysis(cluster=cluster, **options), options


@login_required
@require_GET
def cluster_network(request, key):
    cluster = _cluster(request, key)
    form = NetworkFilterForm(request.GET)
    analysis, options = _cluster_results(cluster, form)
    snapshots = an.cluster_evolution(cluster=cluster, **options)
    view = an.cluster_view(cluster=cluster, analysis=analysis, **options)
    sort = sort_key(request)
    query = form.query()
    context = {
        "cluster": cluster,
        "form": form,
        "query": query,
        "analysis": analysis,
        "view": view,
        "cards": summary_cards(analysis),
        "measures": [(m, an.MEASURE_LABELS[m]) for m in an.MEASURES],
        "sort": sort,
        "top": measure_rows(analysis, analysis.order(sort, TOP_ROWS), url_of=organisation_url),
        "isolated": [
            (analysis.nodes[i].name(language()), organisation_url(analysis.nodes[i]))
            for i in range(analysis.n)
            if analysis.graph.degree[i] == 0
        ],
        "communities": community_rows(analysis, url_of=organisation_url),
        "community_chart": community_chart(analysis),
        "modularity": charts._value(an._plain(analysis.communities.modularity)),
        "helix": helix_context(analysis),
        "evolution": evolution_context(snapshots),
        "json_url": reverse("network-cluster-json", args=[cluster.key]) + (f"?{query}" if query else ""),
        "downloads": _download_links("network-cluster-download", [cluster.key], CLUSTER_TABLES, query),
        "brokers_url": reverse("network-brokers", args=[cluster.key]) + (f"?{query}" if query else ""),
        "helix_types": [(s, sector_label(s)) for s in SECTORS],
        "type_choices": sorted({(n.type, type_label(n.type)) for n in analysis.nodes}, key=lambda t: t[1]),
    }
    return render(request, "network/graph/cluster.html", context)


@login_required
@require_GET
def cluster_network_json(request, key):
    cluster = _cluster(request, key)
    form = NetworkFilterForm(request.GET)
    analysis, options = _cluster_results(cluster, form)
    view = an.cluster_view(cluster=cluster, analysis=analysis, **options)
    response = JsonResponse(
        payload_for(analysis, view, url_of=organisation_url), json_dumps_params={"separators": (",", ":")}
    )
    response["Cache-Control"] = "private, no-store"
    return response


TABLE_LABELS = {
    "nodes": gettext_lazy("Organisations and their measures"),
    "bridges": gettext_lazy("Who bridges which sectors"),
    "roles": gettext_lazy("Brokerage roles by sector"),
    "ties": gettext_lazy("Ties"),
    "communities": gettext_lazy("Communities"),
    "evolution": gettext_lazy("Evolution by year"),
    "helix": gettext_lazy("Triple-helix mix"),
    "partners": gettext_lazy("Partners"),
    "recommendations": gettext_lazy("Recommended partners"),
    "datasets": gettext_lazy("Participation datasets"),
}


def _download_links(name: str, args: list[str], tables, query: str) -> list[dict[str, Any]]:
    return [
        {
            "table": table,
            "label": TABLE_LABELS[table],
            "formats": [
                (fmt.upper(), reverse(name, args=[*args, table, fmt]) + (f"?{query}" if query else ""))
                for fmt in downloads.FORMATS
            ],
        }
        for table in tables
    ]


@login_required
@require_GET
def cluster_download(request, key, table, fmt):
    cluster = _cluster(request, key)
    if table not in downloads.ANALYSIS_TABLES or fmt not in downloads.FORMATS:
        raise Http404
    form = NetworkFilterForm(request.GET)
    analysis, options = _cluster_results(cluster, form)
    history = an.cluster_evolution(cluster=cluster, **options) if table == "evolution" else ()
    data = downloads.analysis_table(table, analysis, language=language(), evolution=history)
    name = downloads.file_name("network", cluster.key, table, fmt=fmt)
    return downloads.table_response(data, fmt=fmt, name=name, sheet=table)


# ------------------------------------------------------------------------------------------- brokers


def broker_context(analysis: an.Analysis, *, url_of) -> dict[str, Any]:
    lang = language()
    brokers = [
        i for i in analysis.order("brokerage", TOP_ROWS).tolist() if analysis.values["brokerage"][i] > 0
    ]
    role_labels = [(r, an.MEASURE_LABELS[r], charts.ROLE_COLOURS[r]) for r in ROLES]
    chart = None
    if brokers:
        chart = charts.stacked_bars(
            [
                (analysis.nodes[i].name(lang), [float(analysis.values[r][i]) for r in ROLES])
                for i in brokers[:15]
            ],
            role_labels,
            title=_("Brokerage roles of the main brokers"),
            css="chart-roles",
        )
    by_sector = [
        {"sector": sector_label(sector), "organisations": n, "roles": sums, "total": sum(sums)}
        for sector, n, sums in an.roles_by_sector(analysis)
    ]
    bridges = [
        {
            "a": sector_label(a),
            "b": sector_label(b),
            "brokers": [
                (analysis.nodes[i].name(lang), url_of(analysis.nodes[i]), pairs) for i, pairs in found
            ],
        }
        for (a, b), found in an.sector_bridges(analysis).items()
    ]
    holes = [i for i in analysis.order("effective_size", TOP_ROWS).tolist() if analysis.graph.degree[i] >= 2]
    return {
        "brokers": measure_rows(analysis, brokers, url_of=url_of),
        "chart": chart,
        "roles": role_labels,
        "by_sector": by_sector,
        "bridges": bridges,
        "holes": measure_rows(analysis, holes, url_of=url_of),
    }


@login_required
@require_GET
def cluster_brokers(request, key):
    cluster = _cluster(request, key)
    form = NetworkFilterForm(request.GET)
    analysis, _options = _cluster_results(cluster, form)
    query = form.query()
    context = {
        "cluster": cluster,
        "form": form,
        "query": query,
        "analysis": analysis,
        "network_url": reverse("network-cluster", args=[cluster.key]) + (f"?{query}" if query else ""),
        "downloads": _download_links("network-cluster-download", [cluster.key], BROKER_TABLES, query),
        **broker_context(analysis, url_of=organisation_url),
    }
    return render(request, "network/graph/brokers.html", context)


# ------------------------------------------------------------------------------------------ ego pages


def _organisation(request, key: str) -> Organisation:
    organisation = get_object_or_404(Organisation, key=key)
    require(request.user, "network.ego", organisation)
    return organisation


SECOND_SHOWN = 200


def ego_context(analysis: an.Analysis, key: str, order: int, *, url_of) -> dict[str, Any]:
    """The organisation's measures in its network, its ego network and its partners."""
    lang = language()
    found = an.ego(analysis, key, order)
    if found is None:
        return {"in_network": False}
    i = found.node
    nodes = analysis.nodes
    partners = [
        {
            "name": nodes[other].name(lang),
            "url": url_of(nodes[other]),
            "key": nodes[other].key,
            "type": type_label(nodes[other].type),
            "sector": sector_label(nodes[other].sector),
            "weight": _number(w),
            "year": y if y >= 0 else "—",
        }
        for other, w, y in found.partners
    ]
    values = analysis.row(i)
    ranks = [
        (an.MEASURE_LABELS[m], int(np.flatnonzero(analysis.order(m) == i)[0]) + 1)
        for m in ("degree", "betweenness", "eigenvector", "pagerank")
    ]
    size = found.nodes.size
    return {
        "in_network": True,
        "values": [(an.MEASURE_LABELS[m], _number(values[m])) for m in an.MEASURES],
        "roles": [(an.MEASURE_LABELS[r], _number(values[r])) for r in (*ROLES, "brokerage")],
        "community": (values["community"] or 0) + 1,
        "ranks": ranks,
        "n": analysis.n,
        "partners": partners,
        "second": [
            {"name": nodes[n].name(lang), "url": url_of(nodes[n]), "through": t}
            for n, t in found.second[:SECOND_SHOWN]
        ],
        "second_count": len(found.second),
        "ego_nodes": size,
        "ego_ties": found.ties,
        "density": charts._value(2 * found.ties / (size * (size - 1)), percent=True) if size > 1 else "—",
        "view": found.view,
        "ego": found,
    }


def suggest(call, **kwargs) -> list[recommend.Suggestion] | None:
    """``call(**kwargs)``'s recommendations; None while the recommender is not installed, none when it
    has nothing to go on."""
    try:
        return call(**kwargs)
    except recommend.RecommenderMissing:
        return None
    except recommend.recommend_error():  # nothing to go on (a register without ties, no profile text)
        return []


def _reason_ids(suggestions, *names: str) -> set[str]:
    """The identifiers among the reasons' params ``names`` (a list or a comma-separated text)."""
    found: set[str] = set()
    for s in suggestions:
        for reason in s.reasons:
            params = dict(getattr(reason, "params", {}) or {})
            for name in names:
                value = params.get(name)
                if isinstance(value, list | tuple):
                    found |= {str(v) for v in value}
                elif isinstance(value, str):
                    found |= {v.strip() for v in value.split(",") if v.strip()}
    return found


def reason_names(suggestions, *, dataset: ParticipationDataset | None = None) -> Names:
    """What the reasons refer to, named as the pages name it: organisations of the register (or of
    ``dataset``), competences and regions in the reader's language, and organisation types."""
    organisations = {
        s.key: str(s.organisation) if s.organisation is not None and dataset is None else (s.name or s.key)
        for s in suggestions
    }
    wanted = _reason_ids(suggestions, "partners") - set(organisations)
    if wanted and dataset is None:
        organisations.update({o.key: str(o) for o in Organisation.objects.filter(key__in=wanted)})
    elif wanted:
        nodes = DatasetOrganisation.objects.filter(dataset=dataset, code__in=wanted)
        organisations.update({code: name or code for code, name in nodes.values_list("code", "name")})
    codes = _reason_ids(suggestions, "competences", "codes")
    regions = _reason_ids(suggestions, "region")
    return Names(
        organisations=organisations,
        competences={c.code: str(c) for c in Competence.objects.filter(code__in=codes)} if codes else {},
        regions={r.code: str(r) for r in Region.objects.filter(code__in=regions)} if regions else {},
        kind=type_label,
    )


def suggestion_rows(suggestions, *, url_of_key, dataset=None) -> list[dict[str, Any]] | None:
    """Table rows of recommendations (None while the recommender is not installed)."""
    if suggestions is None:
        return None
    names = reason_names(suggestions, dataset=dataset)
    return [
        {
            "rank": s.rank,
            "key": s.key,
            "name": names.organisations[s.key],
            "url": url_of_key(s),
            "type": type_label(s.kind),
            "score": _number(s.score),
            "reasons": [reason_text(r, names) for r in s.reasons],
        }
        for s in suggestions
    ]


def _ego_analysis():
    return an.register_analysis()


@login_required
@require_GET
def ego_network(request, key):
    organisation = _organisation(request, key)
    form = EgoFilterForm(request.GET or None)
    choice = form.values()
    analysis = _ego_analysis()
    context = ego_context(analysis, organisation.key, choice["order"], url_of=organisation_url)
    suggestions = suggest(
        recommend.recommendations_for,
        organisation=organisation,
        types=choice["types"],
        wanted=choice["wanted"],
    )
    query = request.GET.urlencode()
    context.update(
        {
            "organisation": organisation,
            "form": form,
            "order": choice["order"],
            "suggestions": suggestion_rows(
                suggestions, url_of_key=lambda s: s.organisation.get_absolute_url()
            ),
            "json_url": reverse("network-ego-json", args=[organisation.key]) + (f"?{query}" if query else ""),
            "downloads": _download_links("network-ego-download", [organisation.key], EGO_TABLES, query),
            "helix_types": [(s, sector_label(s)) for s in SECTORS],
        }
    )
    return render(request, "network/graph/ego.html", context)


@login_required
@require_GET
def ego_network_json(request, key):
    organisation = _organisation(request, key)
    form = EgoFilterForm(request.GET or None)
    analysis = _ego_analysis()
    context = ego_context(analysis, organisation.key, form.values()["order"], url_of=organisation_url)
    if not context["in_network"]:
        raise Http404
    response = JsonResponse(
        payload_for(analysis, context["view"], url_of=organisation_url),
        json_dumps_params={"separators": (",", ":")},
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def ego_download(request, key, table, fmt):
    organisation = _organisation(request, key)
    if table not in EGO_TABLES or fmt not in downloads.FORMATS:
        raise Http404
    form = EgoFilterForm(request.GET or None)
    choice = form.values()
    lang = language()
    if table == "partners":
        analysis = _ego_analysis()
        found = an.ego(analysis, organisation.key, choice["order"])
        data = downloads.nodes_table(
            analysis, language=lang, nodes=[] if found is None else found.nodes.tolist()
        )
    else:
        found = suggest(
            recommend.recommendations_for,
            organisation=organisation,
            types=choice["types"],
            wanted=choice["wanted"],
        )
        data = downloads.suggestions_table(suggestion_rows(found, url_of_key=lambda s: ""))
    name = downloads.file_name("network", organisation.key, table, fmt=fmt)
    return downloads.table_response(data, fmt=fmt, name=name, sheet=table)


# ------------------------------------------------------------------------------------ project ideas


def _idea_organisations(user):
    """The organisations ``user`` may name in a consortium (those whose ego network the user may see),
    or None when the user may see none."""
    if check(user, "network.view", None):
        return Organisation.objects.order_by("name_en", "name_ru", "pk")
    allowed = an.ego_organisations_visible_to(user=user)
    if not allowed:
        return None
    return Organisation.objects.filter(pk__in=[o.pk for o in allowed]).order_by("name_en", "name_ru", "pk")


@login_required
@require_http_methods(["GET", "POST"])
def recommend_for_idea(request):
    require(request.user, "network.recommend")
    organisations = _idea_organisations(request.user)
    if organisations is None:  # a representative or manager whose organisations are all out of sight
        raise NotAllowed("network.recommend", deny(_("no organisation of yours is in the network yet")))
    form = RecommendForm(request.POST or None, organisations=organisations)
    rows, searched = None, request.method == "POST" and form.is_valid()
    if searched:
        consortium = list(form.cleaned_data["consortium"])
        for member in consortium:
            require(request.user, "network.ego", member)
        suggestions = suggest(
            recommend.recommendations_for_idea,
            text=form.cleaned_data["text"],
            consortium=consortium,
            wanted=[c.code for c in form.cleaned_data["wanted"]],
            types=form.cleaned_data["types"],
        )
        rows = suggestion_rows(suggestions, url_of_key=lambda s: s.organisation.get_absolute_url())
        fmt = request.POST.get("download")
        if fmt in downloads.FORMATS:
            name = downloads.file_name("network", "partners-for-an-idea", fmt=fmt)
            return downloads.table_response(
                downloads.suggestions_table(rows), fmt=fmt, name=name, sheet="partners"
            )
    return render(request, "network/graph/recommend.html", {"form": form, "rows": rows, "searched": searched})
