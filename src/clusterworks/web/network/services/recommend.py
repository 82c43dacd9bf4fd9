"""Partner recommendations: the analytics library's recommender
(:mod:`clusterworks.analytics.network.recommend`) over the register and over each dataset.

The register's index knows every organisation: its ties (``services.network.register_network``), its
profile (description, other competences and the names of its competences in both languages), its
competence codes, its region and its type. The library proposes only organisations with a tie (an
organisation without one can ask, not be proposed), never a source's current partners. A wanted type is
asked for by leaving the other types out (the library's ``kinds`` knows only the types of organisations
with a tie). A dataset's index knows its organisations' ties and activity types. Indexes are kept
(``NETWORK_CACHE``) until the data change (the register) or the dataset is replaced.

Each recommendation carries its reasons (a code, its parameters and the library's English text); the
pages word them in the reader's language (``messages.reason_text``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from clusterworks.analytics.network.participations import Participations
from clusterworks.web.core.kept import Kept
from clusterworks.web.core.page_cache import data_version
from clusterworks.web.registry.models import Cluster, Competence, Membership, Organisation

from ..models import DatasetOrganisation, ParticipationDataset
from .datasets import dataset_participations
from .network import DEFAULT_SOURCES, check_options, register_network

__all__ = [
    "RecommenderMissing",
    "Suggestion",
    "dataset_index",
    "dataset_recommendations",
    "partners_for_gap",
    "recommendations_for",
    "recommendations_for_idea",
    "register_index",
]

Progress = Callable[[int, int, str], None]
K = 10

_KEPT = Kept("NETWORK_CACHE")


@dataclass(frozen=True)
class Suggestion:
    """A recommended partner: ``key`` (an organisation's key in the register, or a dataset code), its
    rank (1 the best), score and reasons; ``organisation`` is the register's organisation (None for a
    dataset organisation not in the register), ``name`` and ``kind`` as the dataset gives them."""

    key: str
    rank: int
    score: float
    reasons: tuple[Any, ...]
    organisation: Organisation | None = None
    name: str = ""
    kind: str = ""


class RecommenderMissing(ImportError):
    """The analytics library's recommender is not installed (the pages then say so)."""


def recommend_error() -> type[Exception]:
    """The recommender's error for queries it cannot answer (no ties at all, no profiles for a text)."""
    try:
        from clusterworks.analytics.network.recommend import RecommendError
    except ImportError:  # pragma: no cover  (the recommender is missing: nothing to catch)
        return RecommenderMissing
    return RecommendError


def _partner_index():
    try:
        from clusterworks.analytics.network.recommend import PartnerIndex
    except ImportError as error:
        raise RecommenderMissing(str(error)) from error
    return PartnerIndex


def _every_organisation(part: Participations, keys: Sequence[str], kinds: dict[str, str]) -> Participations:
    """``part`` with ``keys`` as its organisation table (organisations without a row are candidates
    too: a new member is known by its profile), rows re-indexed."""
    table = tuple(sorted(set(keys) | set(part.organisation_ids)))
    position = {key: i for i, key in enumerate(table)}
    remap = np.array([position[key] for key in part.organisation_ids], dtype=np.int32)
    organisation = remap[part.organisation] if len(part) else np.zeros(0, dtype=np.int32)
    return Participations(
        project=part.project,
        organisation=organisation,
        year=part.year,
        project_ids=part.project_ids,
        organisation_ids=table,
        role=part.role,
        kind=tuple(kinds.get(table[i], "") for i in organisation.tolist()),
        country=part.country,
        amount=part.amount,
        line=part.line,
        source=part.source,
        names=part.names,
    )


@dataclass(frozen=True, eq=False)
class RegisterIndex:
    index: Any
    types: dict[str, str]


def register_index(
    *, sources: Sequence[str] = DEFAULT_SOURCES, weighting: str = "count", progress: Progress | None = None
) -> RegisterIndex:
    """The recommender over the whole register, kept until the data change."""
    chosen = check_options(sources, weighting)

    def compute() -> RegisterIndex:
        network = register_network(sources=chosen, weighting=weighting)
        rows = list(
            Organisation.objects.values_list("key", "type", "region_id", "description", "competences_text")
        )
        types = {key: kind for key, kind, *_ in rows}
        codes: dict[str, list[str]] = {}
        words: dict[str, list[str]] = {}
        for key, code, name_en, name_ru in Organisation.competences.through.objects.values_list(
            "organisation__key", "competence__code", "competence__name_en", "competence__name_ru"
        ).order_by("organisation__key", "competence__code"):
            codes.setdefault(key, []).append(code)
            words.setdefault(key, []).extend(w for w in (name_en, name_ru) if w)
        profiles = {
            key: " ".join(t for t in (description, text, *words.get(key, ())) if t)
            for key, _kind, _region, description, text in rows
        }
        part = _every_organisation(network.participations, list(types), types)
        index = _partner_index().build(
            part,
            profiles={k: v for k, v in profiles.items() if v},
            competences={k: tuple(v) for k, v in codes.items()},
            regions={key: region for key, _kind, region, *_ in rows if region},
            progress=progress,
        )
        return RegisterIndex(index=index, types=types)

    return _KEPT.get(("recommender", "register", chosen, weighting), data_version(), compute)


def _suggestions(found: Iterable[Any]) -> list[Suggestion]:
    found = list(found)
    organisations = Organisation.objects.select_related("region").in_bulk(
        [r.candidate for r in found], field_name="key"
    )
    return [
        Suggestion(
            key=r.candidate,
            rank=int(r.rank),
            score=float(r.score),
            reasons=tuple(r.reasons),
            organisation=organisations.get(r.candidate),
            kind=organisations[r.candidate].type if r.candidate in organisations else "",
        )
        for r in found
        if r.candidate in organisations
    ]


def _excluded_types(index: RegisterIndex, types: Sequence[str]) -> set[str]:
    """The organisations whose type is not wanted (none when any type will do)."""
    if not types:
        return set()
    wanted = set(types)
    return {key for key, kind in index.types.items() if kind not in wanted}


def recommendations_for(
    *, organisation: Organisation, k: int = K, types: Sequence[str] = (), wanted: Sequence[str] = ()
) -> list[Suggestion]:
    """New partners for ``organisation`` (not its current partners, nor itself), of ``types`` when given;
    with ``wanted`` competence codes, only their holders (those holding more of them first)."""
    index = register_index()
    found = index.index.recommend(
        organisation.key, k=k, wanted=tuple(wanted), exclude=tuple(sorted(_excluded_types(index, types)))
    )
    return _suggestions(found)


def recommendations_for_idea(
    *,
    text: str,
    consortium: Sequence[Organisation] = (),
    wanted: Sequence[str] = (),
    types: Sequence[str] = (),
    k: int = K,
) -> list[Suggestion]:
    """Partners for a project idea described in ``text``, to join ``consortium`` (never one of its
    members nor their partners), of ``types`` when given; with ``wanted`` competence codes, only their
    holders. With neither a text nor a consortium the wanted competences' names stand for the idea."""
    index = register_index()
    members = [o.key for o in consortium]
    if not members and not (text or "").strip():
        text = _competence_words(wanted)  # the wanted competences stand for the idea
    found = index.index.recommend(
        members,
        k=k,
        text=text or None,
        wanted=tuple(wanted),
        exclude=tuple(sorted(_excluded_types(index, types) | set(members))),
    )
    return _suggestions(found)


def _competence_words(codes: Iterable[str]) -> str:
    """The names of competences ``codes`` in both languages, as one text."""
    pairs = Competence.objects.filter(code__in=list(codes)).order_by("code").values_list("name_en", "name_ru")
    return " ".join(name for pair in pairs for name in pair if name)


def partners_for_gap(*, cluster: Cluster, wanted_codes: Iterable[str], k: int = K) -> list[Suggestion]:
    """Organisations outside ``cluster`` (no current membership) holding competences ``wanted_codes``
    that a roadmap misses, best first: for the foresight roadmap's partner search.

    The query is the competences' names as a text, not the members as a consortium: the library never
    proposes a consortium's existing partners, and for a gap an outside partner the members already
    work with is as welcome as a new one. Holders of more of the wanted competences come first.
    """
    members = list(
        Organisation.objects.filter(
            pk__in=Membership.objects.filter(cluster=cluster, left__isnull=True).values("organisation_id")
        ).values_list("key", flat=True)
    )
    codes = sorted(set(wanted_codes))
    index = register_index()
    found = index.index.recommend(
        [], k=k, text=_competence_words(codes), wanted=codes, exclude=sorted(members)
    )
    return _suggestions(found)


# ------------------------------------------------------------------------------------------ datasets


def dataset_index(*, dataset: ParticipationDataset, progress: Progress | None = None) -> Any:
    """The recommender over ``dataset``'s organisations (activity types as kinds), kept until the
    dataset is replaced."""

    def compute() -> Any:
        return _partner_index().build(dataset_participations(dataset=dataset), progress=progress)

    return _KEPT.get(("recommender", "dataset", dataset.pk), dataset.sha256, compute)


def dataset_recommendations(
    *, dataset: ParticipationDataset, code: str, k: int = K, kinds: Sequence[str] = ()
) -> list[Suggestion]:
    """Partners for the dataset organisation ``code`` among the dataset's organisations."""
    found = list(dataset_index(dataset=dataset).recommend(code, k=k, kinds=tuple(kinds)))
    nodes = {
        n.code: n
        for n in DatasetOrganisation.objects.filter(
            dataset=dataset, code__in=[r.candidate for r in found]
        ).select_related("organisation")
    }
    return [
        Suggestion(
            key=r.candidate,
            rank=int(r.rank),
            score=float(r.score),
            reasons=tuple(r.reasons),
            organisation=nodes[r.candidate].organisation if r.candidate in nodes else None,
            name=nodes[r.candidate].name if r.candidate in nodes else "",
            kind=nodes[r.candidate].kind if r.candidate in nodes else "",
        )
        for r in found
    ]
