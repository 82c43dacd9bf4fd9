"""The partner index: built once from the participations (and optionally texts, programme areas,
competences and regions), then answers queries -- an organisation, a consortium, a project idea in
text, a gap of competences -- with ranked partners and their reasons.

A query computes the proximity of its source to every organisation (one sparse product per index),
takes the candidate pool (:func:`~.features.pool`), scores it with the :class:`~.learning.RankingModel`
and explains the best ``k``. Candidates are organisations with a row in the participations, never the
source's members nor any of their partners (the recommender proposes *new* partners).

Two parts of the score are not learnt, because the training data (EU participations) has no texts and
no competences; they are fixed and documented here:

* with ``text`` and a source, ``TEXT_WEIGHT`` x the cosine of the text with the candidate's profile is
  added to the model's score (the cosine lies in 0..1; a TEXT_WEIGHT of 2 lets a strong text match
  outweigh about two standard deviations of any network feature);
* with ``text`` and no source, the score is the cosine plus ``ACTIVITY_WEIGHT`` x the candidate's
  recent activity on a 0..1 scale (``log(1 + recent projects) / log(1 + the most recent projects of
  anyone)``);
* with ``wanted`` competences only holders of at least one are proposed, the holders of more of them
  first, then by score.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..participations import Participations
from .errors import RecommendError
from .features import (
    FEATURE_NAMES,
    POOL_SIZE,
    Proximity,
    Sources,
    allowed_mask,
    pair_features,
    paths3_at,
    pool,
    proximity,
    sources_for,
    top_indices,
)
from .learning import RankingModel
from .reasons import Reason, Recommendation, article, kind_noun, kind_phrase, make_reason
from .snapshot import Snapshot
from .text import TfidfProfiles

__all__ = ["ACTIVITY_WEIGHT", "TEXT_WEIGHT", "PartnerIndex", "learning_year", "rank_pool"]

#: Weight of the text cosine added to the model's score when a query has a source and a text.
TEXT_WEIGHT = 2.0
#: Weight of recent activity (0..1) beside the text cosine in text-only queries.
ACTIVITY_WEIGHT = 0.1
#: Shared partners named in a reason.
NAMED_PARTNERS = 3
#: Area cosine from which "works in the same programme areas" is said.
SAME_AREAS_MIN = 0.5

Progress = Callable[[int, int, str], None]


def learning_year(part: Participations, cut: int) -> int:
    """The ``before`` the default model learns with: one after the latest year before ``cut`` that
    holds at least half the median number of rows of those years (a last year still being filled --
    EU projects are recorded as they are signed -- would teach too little); ``cut`` if none.

    >>> part = Participations.from_rows([("P1", "a", 2018), ("P2", "a", 2019), ("P2", "b", 2019),
    ...                                  ("P3", "a", 2020), ("P3", "b", 2020), ("P4", "c", 2021)])
    >>> learning_year(part, 2022)  # rows per year 1, 2, 2, 1: median 1.5, all full; 2021 is the last
    2022
    """
    years, counts = np.unique(part.year[part.year < cut], return_counts=True)
    full = years[counts >= 0.5 * np.median(counts)] if counts.size else years
    return int(full.max()) + 1 if full.size else int(cut)


@dataclass(frozen=True, eq=False)
class _QueryContext:
    """What the reasons of one query share: its source, proximity, partner mask and recent ties."""

    sources: Sources
    proximity: Proximity
    partner: np.ndarray
    recent: np.ndarray


def rank_pool(
    scores: np.ndarray, rows: np.ndarray, cands: np.ndarray, row: int
) -> tuple[np.ndarray, np.ndarray]:
    """The pool candidates of ``row`` best first (score, then smaller code) and their scores."""
    lo, hi = np.searchsorted(rows, [row, row + 1])
    c, s = cands[lo:hi], scores[lo:hi]
    order = np.lexsort((c, -s))
    return c[order], s[order]


@dataclass(frozen=True, eq=False)
class PartnerIndex:
    """Everything a query needs; build it with :meth:`build`."""

    snapshot: Snapshot
    model: RankingModel
    names: Mapping[str, str]
    profiles: TfidfProfiles | None
    profile_row: np.ndarray
    competences: tuple[frozenset[str], ...]
    active_threshold: float

    @classmethod
    def build(
        cls,
        part: Participations,
        *,
        profiles: Mapping[str, str] | None = None,
        areas: Mapping[str, Sequence[str]] | None = None,
        competences: Mapping[str, Iterable[str]] | None = None,
        regions: Mapping[str, str] | None = None,
        model: RankingModel | None = None,
        before: int | None = None,
        seed: int = 0,
        progress: Progress | None = None,
    ) -> PartnerIndex:
        """The index of ``part``'s rows (those with ``year < before`` when given).

        Without ``model`` one is learnt from the same rows (:meth:`RankingModel.fit`, labels from the
        last complete year: :func:`learning_year`); when they hold too little history for that,
        Adamic-Adar is used (``model.fallback``). ``profiles`` maps organisation ids to free text,
        ``areas`` project ids to programme areas, ``competences`` organisation ids to competence codes,
        ``regions`` organisation ids to regions; ``seed`` draws the training sample.
        """
        if len(part) == 0:
            raise RecommendError("the participations have no rows; allowed: at least one row")
        cut = int(part.year.max()) + 1 if before is None else int(before)
        report = progress or (lambda done, total, label: None)
        report(0, 1, "index: graph")
        snap = Snapshot.build(part, cut=cut, areas=areas, regions=regions)
        for operator in (  # computed once here, not on the first query
            snap.adamic_adar_operator,
            snap.resource_allocation_operator,
            snap.recent_resource_allocation_operator,
            snap.activity_order,
        ):
            assert operator is not None
        report(1, 1, "index: graph")
        if model is None:
            try:
                model = RankingModel.fit(
                    part,
                    before=learning_year(part, cut),
                    areas=areas,
                    regions=regions,
                    seed=seed,
                    progress=progress,
                )
            except RecommendError as error:
                model = RankingModel.adamic_adar(note=str(error))
        if tuple(model.feature_names) != FEATURE_NAMES:
            raise RecommendError(
                f"the model's features {model.feature_names} are not this version's; allowed: {FEATURE_NAMES}"
            )
        index = {o: i for i, o in enumerate(part.organisation_ids)}
        profile_row = np.full(snap.n, -1, dtype=np.int64)
        tfidf = None
        if profiles:
            known = [(index[o], text) for o, text in profiles.items() if o in index]
            tfidf = TfidfProfiles.build([t for _, t in known])
            for row, (code, _) in enumerate(known):
                profile_row[code] = row
        held: list[frozenset[str]] = [frozenset()] * snap.n
        for org, codes in (competences or {}).items():
            if org in index:
                held[index[org]] = frozenset(str(c) for c in codes)
        recent = snap.recent_projects[snap.active]
        threshold = max(3.0, float(np.quantile(recent, 0.9))) if recent.size else 3.0
        return cls(
            snapshot=snap,
            model=model,
            names=dict(part.names),
            profiles=tfidf,
            profile_row=profile_row,
            competences=tuple(held),
            active_threshold=threshold,
        )

    # ------------------------------------------------------------------ queries
    def _codes(self, ids: Iterable[str], what: str) -> list[int]:
        codes = []
        for org in ids:
            try:
                codes.append(self.snapshot.index_of(str(org)))
            except RecommendError:
                raise RecommendError(
                    f"unknown organisation '{org}' in {what}; allowed: an organisation of the participations"
                ) from None
        return codes

    def _text_similarity(self, text: str) -> np.ndarray:
        """The cosine of ``text`` with each organisation's profile (0 without one)."""
        if self.profiles is None:
            raise RecommendError("a text query needs organisation profiles; allowed: build with profiles=...")
        sims = self.profiles.similarity_to(text)
        out = np.zeros(self.snapshot.n)
        has = self.profile_row >= 0
        out[has] = sims[self.profile_row[has]]
        return out

    def _profile_similarity(
        self, members: np.ndarray
    ) -> Callable[[np.ndarray, np.ndarray], np.ndarray] | None:
        """Cosine of the source's text profile with candidates' (stands for area similarity)."""
        if self.profiles is None or self.snapshot.area_names:
            return None
        rows = self.profile_row[members]
        rows = rows[rows >= 0]
        if rows.size == 0:
            return None
        vec = self.profiles.matrix[rows].sum(axis=0)
        vec = np.asarray(vec).ravel()
        norm = np.linalg.norm(vec)
        vec = vec / norm if norm > 0 else vec
        full = np.asarray(self.profiles.matrix @ vec).ravel()

        def similarity(_rows: np.ndarray, cands: np.ndarray) -> np.ndarray:
            r = self.profile_row[cands]
            return np.where(r >= 0, full[np.maximum(r, 0)], 0.0)

        return similarity

    def recommend(
        self,
        source: str | Sequence[str],
        *,
        k: int = 10,
        text: str | None = None,
        wanted: Iterable[str] = (),
        exclude: Iterable[str] = (),
        kinds: Iterable[str] = (),
    ) -> list[Recommendation]:
        """The ``k`` best new partners for ``source`` (an organisation id, or a consortium: a sequence
        of ids; empty with ``text``: partners for a project idea), best first.

        ``text`` a project idea (needs profiles), ``wanted`` competence codes the source lacks (only
        holders of one are proposed), ``exclude`` organisations not to propose, ``kinds`` only these
        activity types."""
        if int(k) != k or k < 1:
            raise RecommendError(f"k must be a whole number >= 1; got {k!r}")
        snap = self.snapshot
        members = [source] if isinstance(source, str) else list(source)
        codes = np.array(self._codes(members, "the source"), dtype=np.int64)
        if codes.size == 0 and not text:
            raise RecommendError("no source and no text; allowed: an organisation, a consortium or a text")
        wanted = sorted({str(w) for w in wanted})
        kind_filter = sorted({str(x) for x in kinds})
        unknown = [x for x in kind_filter if x not in snap.kind_names]
        if unknown:
            allowed_kinds = ", ".join(x for x in snap.kind_names if x)
            raise RecommendError(f"unknown activity type '{unknown[0]}'; allowed: {allowed_kinds}")
        excluded = self._codes(exclude, "exclude")
        text_sim = self._text_similarity(text) if text else None

        src = sources_for(snap, [codes])
        allowed = allowed_mask(snap, src)[0] if codes.size else snap.active.copy()
        allowed[excluded] = False
        if kind_filter:
            wanted_kinds = np.isin(np.asarray(snap.kind_names)[snap.kind], kind_filter)
            allowed &= wanted_kinds
        held = None
        if wanted:
            held = np.array([len(c.intersection(wanted)) for c in self.competences], dtype=np.int64)
            allowed &= held > 0

        if codes.size == 0:
            assert text_sim is not None
            top = max(float(np.log1p(snap.recent_projects.max())), 1e-12)
            scores_all = text_sim + ACTIVITY_WEIGHT * np.log1p(snap.recent_projects) / top
            cands = np.flatnonzero(allowed & (text_sim > 0))
            coverage = held[cands] if held is not None else np.zeros(cands.size, np.int64)
            order = np.lexsort((cands, -scores_all[cands], -coverage))
            chosen = cands[order][:k]
            return [
                Recommendation(
                    self._id(c), rank + 1, float(scores_all[c]), self._reasons(c, None, text, wanted)
                )
                for rank, c in enumerate(chosen)
            ]

        prox = proximity(snap, src, paths=False)
        extra = None
        if text_sim is not None:
            extra = [top_indices(text_sim, allowed, POOL_SIZE, positive=True)]
        if wanted:
            extra = [np.flatnonzero(allowed)]
        rows, cands = pool(snap, prox, allowed[None, :], extra=extra)
        x = pair_features(snap, src, prox, rows, cands, similarity=self._profile_similarity(codes))
        scores = self.model.score(x)
        if text_sim is not None:
            scores = scores + TEXT_WEIGHT * text_sim[cands]
        coverage = held[cands] if held is not None else np.zeros(cands.size, np.int64)
        order = np.lexsort((cands, -scores, -coverage))
        chosen = order[:k]
        paths = paths3_at(snap, prox, np.zeros(chosen.size, np.int64), cands[chosen])
        context = _QueryContext(src, prox, src.adjacency.toarray()[0] > 0, src.recent.toarray()[0])
        return [
            Recommendation(
                self._id(int(cands[i])),
                rank + 1,
                float(scores[i]),
                self._reasons(int(cands[i]), context, text, wanted, paths=int(paths[j])),
            )
            for j, (rank, i) in enumerate(enumerate(chosen))
        ]

    # ------------------------------------------------------------------ explanations
    def _id(self, code: int) -> str:
        return self.snapshot.organisation_ids[code]

    def _name(self, code: int) -> str:
        org = self._id(code)
        return self.names.get(org) or org

    def _reasons(
        self, c: int, context: _QueryContext | None, text: str | None, wanted: Sequence[str], paths: int = 0
    ) -> tuple[Reason, ...]:
        snap = self.snapshot
        out: list[Reason] = []
        src = context.sources if context is not None else None
        if context is not None:
            out += self._network_reasons(c, context, paths)
        if wanted:
            have = sorted(self.competences[c].intersection(wanted))
            if have:
                code = "holds_competence" if len(have) == 1 else "holds_competences"
                out.append(make_reason(code, competences=", ".join(have), codes=have))
        if text and self.profiles is not None and self.profile_row[c] >= 0:
            terms = self.profiles.shared_terms(text, int(self.profile_row[c]))
            if terms:
                out.append(make_reason("matches_text", terms=", ".join(terms), words=terms))
        if src is not None:
            out += self._profile_reasons(c, src)
        if snap.recent_projects[c] >= self.active_threshold:
            first, last = snap.recent_span
            out.append(
                make_reason(
                    "very_active", projects=int(snap.recent_projects[c]), first_year=first, last_year=last
                )
            )
        if src is not None:
            out += self._place_reasons(c, src)
        return tuple(out)

    def _network_reasons(self, c: int, context: _QueryContext, paths: int) -> list[Reason]:
        snap = self.snapshot
        lo, hi = snap.recent.indptr[c], snap.recent.indptr[c + 1]
        theirs, their_weight = snap.recent.indices[lo:hi], snap.recent.data[lo:hi]
        mine = context.partner[theirs]
        shared = theirs[mine]
        if shared.size:
            strength = context.recent[shared] + their_weight[mine]
            order = np.lexsort((shared, -strength))
            named = shared[order][:NAMED_PARTNERS]
            names = ", ".join(self._name(int(z)) for z in named) + (
                ", ..." if shared.size > named.size else ""
            )
            ids = [self._id(int(z)) for z in named]
            if shared.size == 1:
                return [make_reason("shared_partner", count=1, partners=ids, partner_names=names)]
            return [make_reason("shared_partners", count=int(shared.size), partners=ids, partner_names=names)]
        if paths:
            return [make_reason("partners_of_partners", paths=paths)]
        return []

    def _profile_reasons(self, c: int, src: Sources) -> list[Reason]:
        snap = self.snapshot
        out = []
        if snap.area_names:
            mine, theirs = src.area[0], snap.area_profile[c]
            if float(mine @ theirs) >= SAME_AREAS_MIN:
                both = mine * theirs
                top = [i for i in np.lexsort((np.arange(both.size), -both)) if both[i] > 0][:3]
                areas = [snap.area_names[i] for i in top]
                out.append(make_reason("same_areas", areas=", ".join(areas), area_codes=areas))
        kind = snap.kind_names[snap.kind[c]]
        source_kinds = [snap.kind_names[i] for i in np.flatnonzero(src.kind_share[0] > 0)]
        source_kinds = [x for x in source_kinds if x]
        if kind and source_kinds and kind not in source_kinds:
            if len(src.members[0]) > 1:
                phrase = "consortium of " + kind_phrase(source_kinds)
            else:
                phrase = kind_noun(source_kinds[0])
            noun = kind_noun(kind)
            out.append(
                make_reason(
                    "complements",
                    article=article(noun),
                    kind_name=noun,
                    kind=kind,
                    source_kinds=source_kinds,
                    source_phrase=phrase,
                )
            )
        return out

    def _place_reasons(self, c: int, src: Sources) -> list[Reason]:
        snap = self.snapshot
        place = int(snap.place[c])
        name = snap.place_names[place]
        if not name or src.place_share[0, place] <= 0:
            return []
        if snap.place_is_region[place]:
            return [make_reason("same_region", region=name)]
        return [make_reason("same_country", country=name)]
