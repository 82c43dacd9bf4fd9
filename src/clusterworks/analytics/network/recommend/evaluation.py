"""The honest evaluation: learn from the participations before year ``T``, predict who first works
together from ``T`` on, and score the recommender beside the classic link-prediction indexes.

Protocol (``docs/methods/recommendation.md``):

* *universe*: organisations with at least one row of a year before ``T``;
* *truth* of a source: the organisations of the universe it shares a project of year ``>= T`` with
  (``T <= year < T + horizon`` with a horizon) and never shared one with before ``T``;
* *sources*: organisations of the universe with at least one such new partner (optionally a seeded
  sample of them);
* *candidates* of a source: the universe without the source and its partners before ``T``; each
  method ranks them (the classic indexes all of them, ties by organisation code; the recommender its
  pool);
* per source: precision@k = hits in the top k / k, recall@k = hits in the top k / |truth|, reciprocal
  rank of the first hit within the top 100 (0 if none), hit@100 = a hit within the top 100; each
  averaged over the sources (MRR, Hits@100).

Nothing of year ``>= T`` reaches the recommender: its model is learnt by
:meth:`~.learning.RankingModel.fit` with ``before=T`` and its features come from the rows before ``T``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..participations import Participations
from .errors import RecommendError
from .features import (
    BASELINES,
    allowed_mask,
    baseline_scores,
    pair_features,
    pool,
    proximity,
    ranked,
    sources_for,
    top_mask,
)
from .learning import BLOCK, MAX_SOURCES, RankingModel, new_pairs
from .snapshot import Snapshot

__all__ = ["DEPTH", "METHODS", "Evaluation", "MethodScores", "block_metrics", "evaluate", "ranking_metrics"]

#: Every method :func:`evaluate` knows.
METHODS = ("recommender", *BASELINES)
#: Ranks looked at for MRR and Hits@100.
DEPTH = 100

Progress = Callable[[int, int, str], None]

_LABELS = {
    "recommender": "recommender (learnt)",
    "adamic_adar": "Adamic-Adar",
    "resource_allocation": "resource allocation",
    "katz": "Katz (3 steps, beta 0.01)",
    "common_neighbours": "common neighbours",
    "jaccard": "Jaccard",
    "preferential_attachment": "preferential attachment",
}


def ranking_metrics(ranked: np.ndarray, truth: np.ndarray, k: int) -> tuple[float, float, float, float]:
    """Precision@k, recall@k, reciprocal rank (first hit within :data:`DEPTH`) and hit@DEPTH of one
    ranked list of candidate codes against the true codes.

    >>> ranked = np.array([5, 3, 9, 1])
    >>> ranking_metrics(ranked, np.array([9, 7]), k=2)   # no hit in the top 2; 9 at rank 3
    (0.0, 0.0, 0.3333333333333333, 1.0)
    """
    hits = np.isin(ranked[:DEPTH], truth)
    first = int(np.argmax(hits)) if hits.any() else -1
    top = float(hits[:k].sum())
    return top / k, top / truth.size, (1.0 / (first + 1) if first >= 0 else 0.0), float(first >= 0)


def block_metrics(rows: np.ndarray, cands: np.ndarray, truth: np.ndarray, k: int) -> np.ndarray:
    """Sums over a block of sources of :func:`ranking_metrics`: ``rows``/``cands`` are each source's
    ranked candidates (flat, by row, best first), ``truth`` the ``b x n`` 0/1 truth."""
    b = truth.shape[0]
    starts = np.searchsorted(rows, np.arange(b))
    rank = np.arange(rows.size) - starts[rows]
    hit = truth[rows, cands] & (rank < DEPTH)
    top = np.bincount(rows[hit & (rank < k)], minlength=b).astype(np.float64)
    first = np.full(b, np.inf)
    np.minimum.at(first, rows[hit], rank[hit])
    found = np.isfinite(first)
    reciprocal = np.divide(1.0, first + 1.0, out=np.zeros(b), where=found)
    return np.array([top.sum() / k, (top / truth.sum(axis=1)).sum(), reciprocal.sum(), found.sum()])


@dataclass(frozen=True)
class MethodScores:
    """One method's averages over the sources: precision@k, recall@k, MRR, Hits@100, and the seconds
    it took (its ranking plus the proximity computation all methods share)."""

    method: str
    precision: float
    recall: float
    mrr: float
    hits: float
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "precision": self.precision,
            "recall": self.recall,
            "mrr": self.mrr,
            "hits": self.hits,
            "seconds": self.seconds,
        }


@dataclass(frozen=True)
class Evaluation:
    """The result of :func:`evaluate` at one ``before`` year: the universe's size, the sources with a
    new partner (``n_sources``) and how many were evaluated (``n_evaluated``, fewer with a sample), the
    new pairs, each method's :class:`MethodScores` and the model the recommender used."""

    before: int
    k: int
    horizon: int | None
    n_universe: int
    n_sources: int
    n_evaluated: int
    n_new_pairs: int
    scores: tuple[MethodScores, ...]
    model: RankingModel | None = None
    seconds: float = 0.0
    extra: Mapping[str, Any] = field(default_factory=dict)

    def method(self, name: str) -> MethodScores:
        for s in self.scores:
            if s.method == name:
                return s
        raise KeyError(
            f"no method '{name}' in this evaluation; it has {', '.join(s.method for s in self.scores)}"
        )

    def ratio(self, name: str = "recommender", baseline: str = "adamic_adar") -> float:
        """precision@k of ``name`` over that of ``baseline``."""
        base = self.method(baseline).precision
        return self.method(name).precision / base if base > 0 else float("nan")

    def as_dict(self) -> dict[str, Any]:
        return {
            "before": self.before,
            "k": self.k,
            "horizon": self.horizon,
            "n_universe": self.n_universe,
            "n_sources": self.n_sources,
            "n_evaluated": self.n_evaluated,
            "n_new_pairs": self.n_new_pairs,
            "seconds": self.seconds,
            "methods": {s.method: s.as_dict() for s in self.scores},
            "model": self.model.as_dict() if self.model is not None else None,
        }

    def table(self) -> str:
        """The metrics as a Markdown table, with each method's precision@k over Adamic-Adar's."""
        has_aa = any(s.method == "adamic_adar" for s in self.scores)
        head = f"| method | precision@{self.k} | recall@{self.k} | MRR | Hits@{DEPTH} |"
        rule = "|---|---:|---:|---:|---:|"
        if has_aa:
            head += " vs Adamic-Adar |"
            rule += "---:|"
        lines = [head, rule]
        for s in self.scores:
            label = _LABELS.get(s.method, s.method)
            line = f"| {label} | {s.precision:.4f} | {s.recall:.4f} | {s.mrr:.4f} | {s.hits:.4f} |"
            if has_aa:
                line += f" {self.ratio(s.method):.2f} |"
            lines.append(line)
        return "\n".join(lines)


def evaluate(
    part: Participations,
    *,
    before: int,
    methods: Sequence[str] = METHODS,
    k: int = 10,
    areas: Mapping[str, Sequence[str]] | None = None,
    progress: Progress | None = None,
    horizon: int | None = None,
    sample: int | None = None,
    seed: int = 0,
    model: RankingModel | None = None,
    max_training_sources: int = MAX_SOURCES,
) -> Evaluation:
    """Evaluate ``methods`` at the time split ``before`` (module docstring).

    ``horizon`` limits the truth to the years ``before .. before + horizon - 1`` (None: every later
    year); ``sample`` evaluates a seeded random sample of that many sources; ``model`` skips the
    learning (it must have been learnt before ``before``)."""
    unknown = [m for m in methods if m not in METHODS]
    if unknown or not methods:
        raise RecommendError(
            f"unknown method '{unknown[0] if unknown else ''}'; allowed: {', '.join(METHODS)}"
        )
    if int(k) != k or not 1 <= k <= DEPTH:
        raise RecommendError(f"k must be a whole number from 1 to {DEPTH}; got {k!r}")
    if horizon is not None and (int(horizon) != horizon or horizon < 1):
        raise RecommendError(f"horizon must be a whole number of years >= 1 or None; got {horizon!r}")
    if model is not None and model.before is not None and model.before > before:
        raise RecommendError(
            f"the model was learnt from rows before {model.before}, after the split {before}; allowed: a "
            f"model learnt before {before} or earlier"
        )
    if not (part.year >= before).any():
        raise RecommendError(
            f"no participation row of {before} or later to evaluate against; allowed: an earlier year"
        )
    started = time.perf_counter()
    report = progress or (lambda done, total, label: None)
    snap = Snapshot.build(part, cut=before, areas=areas)
    truth = new_pairs(part, snap, start=before, stop=None if horizon is None else before + horizon)
    sources = np.flatnonzero(np.diff(truth.indptr) > 0)
    n_sources = int(sources.size)
    if sample is not None and sample < sources.size:
        sources = np.sort(np.random.default_rng(seed).choice(sources, size=sample, replace=False))
    if "recommender" in methods and model is None:
        model = RankingModel.fit(
            part, before=before, areas=areas, max_sources=max_training_sources, seed=seed, progress=progress
        )
    sums = {m: np.zeros(4) for m in methods}
    seconds = dict.fromkeys(methods, 0.0)
    for start in range(0, sources.size, BLOCK):
        block = sources[start : start + BLOCK]
        t0 = time.perf_counter()
        src = sources_for(snap, [[s] for s in block])
        prox = proximity(snap, src, paths="katz" in methods)
        allowed = allowed_mask(snap, src)
        true_block = truth[block].toarray() > 0
        shared = time.perf_counter() - t0
        for method in methods:
            t1 = time.perf_counter()
            if method == "recommender":
                assert model is not None
                rows, cands = pool(snap, prox, allowed)
                scores = model.score(pair_features(snap, src, prox, rows, cands))
                order = np.lexsort((cands, -scores, rows))
                rows, cands = rows[order], cands[order]
            else:
                values = baseline_scores(method, snap, src, prox)
                rows, cands = ranked(values, top_mask(values, allowed, DEPTH))
            sums[method] += block_metrics(rows, cands, true_block, k)
            seconds[method] += time.perf_counter() - t1 + shared
        report(min(start + BLOCK, sources.size), sources.size, f"evaluating {before}")
    n = max(int(sources.size), 1)
    scores_out = tuple(MethodScores(m, *(float(v) for v in sums[m] / n), seconds=seconds[m]) for m in methods)
    return Evaluation(
        before=int(before),
        k=int(k),
        horizon=None if horizon is None else int(horizon),
        n_universe=int(snap.active.sum()),
        n_sources=n_sources,
        n_evaluated=int(sources.size),
        n_new_pairs=int(truth.nnz // 2),
        scores=scores_out,
        model=model if "recommender" in methods else None,
        seconds=time.perf_counter() - started,
    )
