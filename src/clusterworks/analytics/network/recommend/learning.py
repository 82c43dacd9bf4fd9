"""Learning the ranking model from the past: a linear score over standardised features, fitted with a
listwise (softmax) loss on the new partnerships of the last year before ``before``.

Honesty: :meth:`RankingModel.fit` keeps only the rows with ``year < before`` before anything else.
With ``horizon = h`` it builds the features from the rows before ``before - h`` and takes as labels
the pairs that first worked together in the years ``before - h`` to ``before - 1`` -- the same task the
model will face at ``before``, one step earlier. For each training source (an organisation with at
least one such new partner) the candidates are its pool (:func:`~.features.pool`); the loss is the
softmax cross-entropy of the pool, each new partner weighted ``1 / (its source's new partners)``
[1]_, plus ``l2 / 2 |w|^2``:

.. math:: L(w) = \\sum_s \\frac{1}{|P_s|} \\sum_{c \\in P_s} \\Big(\\log \\sum_{c' \\in C_s} e^{w^T x_{sc'}}
   - w^T x_{sc}\\Big) + \\frac{\\lambda}{2} \\lVert w \\rVert^2

with ``x`` the features standardised on the training pairs, minimised by L-BFGS (scipy). A linear model
keeps the weights readable (``docs/methods/recommendation.md`` lists them).

References
----------
.. [1] Z. Cao, T. Qin, T.-Y. Liu, M.-F. Tsai and H. Li, "Learning to rank: from pairwise approach to
   listwise approach", *ICML 2007*, 129-136. :doi:`10.1145/1273496.1273513`
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize

from ..graph import project_graph
from ..participations import Participations
from .errors import RecommendError
from .features import FEATURE_NAMES, allowed_mask, pair_features, pool, proximity, sources_for
from .snapshot import Snapshot

__all__ = ["L2", "MAX_SOURCES", "MIN_SOURCES", "RankingModel", "new_pairs", "training_pairs"]

#: Default L2 penalty on the standardised weights.
L2 = 10.0
#: Default cap on training sources (a seeded sample beyond it).
MAX_SOURCES = 3000
#: Fewer training sources with a new partner in their pool than this: nothing to learn from.
MIN_SOURCES = 10
#: Sources per block when computing features.
BLOCK = 128

Progress = Callable[[int, int, str], None]


def new_pairs(part: Participations, snap: Snapshot, *, start: int, stop: int | None = None) -> sp.csr_matrix:
    """``n x n`` 0/1: pairs of organisations active before ``snap.cut``, never tied before it, that
    share a project of a year in ``[start, stop)`` (``stop`` None: every later year)."""
    mask = part.year >= start
    if stop is not None:
        mask &= part.year < stop
    n = snap.n
    if not mask.any():
        return sp.csr_matrix((n, n))
    later = project_graph(part.select(mask), weighting="count", nodes="all").weights.tocsr()
    later.data[:] = 1.0
    later = later - later.multiply(snap.adjacency)
    keep = sp.diags(snap.active.astype(np.float64))
    later = (keep @ later @ keep).tocsr()
    later.eliminate_zeros()
    later.data[:] = 1.0
    return later


def training_pairs(
    part: Participations,
    *,
    before: int,
    horizon: int = 1,
    areas: Mapping[str, Sequence[str]] | None = None,
    regions: Mapping[str, str] | None = None,
    max_sources: int = MAX_SOURCES,
    seed: int = 0,
    progress: Progress | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features ``X``, labels ``y`` (1: a new partner) and source of each pair, from rows before
    ``before`` only (see the module docstring)."""
    part = part.select(part.year < before)
    cut = before - horizon
    if len(part) == 0 or not (part.year < cut).any():
        raise RecommendError(
            f"no participation row before {cut} to learn from (before={before}, horizon={horizon}); "
            "allowed: a later year or a shorter horizon"
        )
    snap = Snapshot.build(part, cut=cut, areas=areas, regions=regions)
    labels = new_pairs(part, snap, start=cut, stop=before)
    sources = np.flatnonzero(np.diff(labels.indptr) > 0)
    if sources.size > max_sources:
        rng = np.random.default_rng(seed)
        sources = np.sort(rng.choice(sources, size=max_sources, replace=False))
    xs, ys, gs = [], [], []
    for start in range(0, sources.size, BLOCK):
        block = sources[start : start + BLOCK]
        src = sources_for(snap, [[s] for s in block])
        prox = proximity(snap, src, paths=False)
        rows, cands = pool(snap, prox, allowed_mask(snap, src))
        xs.append(pair_features(snap, src, prox, rows, cands))
        ys.append(np.asarray(labels[block[rows], cands]).ravel() > 0)
        gs.append(block[rows])
        if progress is not None:
            progress(min(start + BLOCK, sources.size), sources.size, "learning: features")
    if not xs:
        return np.zeros((0, len(FEATURE_NAMES))), np.zeros(0, bool), np.zeros(0, np.int64)
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(gs)


def _softmax_fit(z: np.ndarray, y: np.ndarray, group: np.ndarray, l2: float) -> tuple[np.ndarray, int]:
    """Weights minimising the listwise loss of the module docstring (``group`` sorted)."""
    starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
    sizes = np.diff(np.r_[starts, group.size])
    gi = np.repeat(np.arange(starts.size), sizes)
    positives = np.add.reduceat(y, starts)
    weight = y / np.maximum(positives, 1.0)[gi]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = z @ w
        top = np.maximum.reduceat(s, starts)
        e = np.exp(s - top[gi])
        total = np.add.reduceat(e, starts)
        lse = np.log(total) + top
        value = float((weight * (lse[gi] - s)).sum() + 0.5 * l2 * w @ w)
        p = e / total[gi]
        grad = z.T @ (p * (positives > 0)[gi] - weight) + l2 * w
        return value, grad

    result = minimize(loss, np.zeros(z.shape[1]), jac=True, method="L-BFGS-B", options={"maxiter": 1000})
    return result.x, int(result.nit)


@dataclass(frozen=True, eq=False)
class RankingModel:
    """A linear ranking score ``((x - mean) / scale) . weights`` over :data:`~.features.FEATURES`.

    ``weights`` are per standardised feature (comparable with each other: the change of the score for
    one standard deviation of the feature); ``before``, ``horizon`` and ``l2`` say how it was learnt,
    ``n_sources``, ``n_pairs`` and ``n_positives`` from how much; ``fallback`` is true for the
    Adamic-Adar model used when there is too little history (``note`` says why).
    """

    feature_names: tuple[str, ...]
    weights: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    before: int | None = None
    horizon: int = 1
    l2: float = L2
    n_sources: int = 0
    n_pairs: int = 0
    n_positives: int = 0
    iterations: int = 0
    fallback: bool = False
    note: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def score(self, x: np.ndarray) -> np.ndarray:
        """The score of each row of features ``x`` (``m x len(feature_names)``)."""
        return ((x - self.mean) / self.scale) @ self.weights

    @property
    def coefficients(self) -> dict[str, float]:
        """Feature name -> weight (per standard deviation)."""
        return {name: float(w) for name, w in zip(self.feature_names, self.weights, strict=True)}

    def as_dict(self) -> dict[str, Any]:
        return {
            "before": self.before,
            "horizon": self.horizon,
            "l2": self.l2,
            "n_sources": self.n_sources,
            "n_pairs": self.n_pairs,
            "n_positives": self.n_positives,
            "iterations": self.iterations,
            "fallback": self.fallback,
            "note": self.note,
            "weights": self.coefficients,
            "mean": dict(zip(self.feature_names, self.mean.tolist(), strict=True)),
            "scale": dict(zip(self.feature_names, self.scale.tolist(), strict=True)),
        }

    @classmethod
    def adamic_adar(cls, note: str = "") -> RankingModel:
        """Adamic-Adar, ties broken by recent activity: the model used when nothing can be learnt."""
        k = len(FEATURE_NAMES)
        weights = np.zeros(k)
        weights[FEATURE_NAMES.index("adamic_adar")] = 1.0
        weights[FEATURE_NAMES.index("recent_projects")] = 1e-6
        return cls(FEATURE_NAMES, weights, np.zeros(k), np.ones(k), fallback=True, note=note)

    @classmethod
    def fit(
        cls,
        part: Participations,
        *,
        before: int,
        horizon: int = 1,
        areas: Mapping[str, Sequence[str]] | None = None,
        regions: Mapping[str, str] | None = None,
        l2: float = L2,
        max_sources: int = MAX_SOURCES,
        seed: int = 0,
        progress: Progress | None = None,
    ) -> RankingModel:
        """Learn the weights from the rows with ``year < before`` only (module docstring).

        Raises :class:`RecommendError` when ``horizon`` or ``l2`` is not allowed, or when fewer than
        :data:`MIN_SOURCES` organisations gained a new partner in the label years."""
        if int(horizon) != horizon or horizon < 1:
            raise RecommendError(f"horizon must be a whole number of years >= 1; got {horizon!r}")
        if not np.isfinite(l2) or l2 < 0:
            raise RecommendError(f"l2 must be a finite number >= 0; got {l2!r}")
        if max_sources < 1:
            raise RecommendError(f"max_sources must be >= 1; got {max_sources!r}")
        x, y, group = training_pairs(
            part,
            before=before,
            horizon=int(horizon),
            areas=areas,
            regions=regions,
            max_sources=max_sources,
            seed=seed,
            progress=progress,
        )
        yf = y.astype(np.float64)
        with_positive = np.unique(group[y]) if y.any() else np.zeros(0, np.int64)
        if with_positive.size < MIN_SOURCES:
            years = str(before - 1) if horizon == 1 else f"{before - horizon}-{before - 1}"
            raise RecommendError(
                f"too little history to learn from: {with_positive.size} organisation(s) gained a new "
                f"partner in {years} among their candidates; allowed: at least "
                f"{MIN_SOURCES}"
            )
        keep = np.isin(group, with_positive)
        x, yf, group = x[keep], yf[keep], group[keep]
        mean = x.mean(axis=0)
        scale = x.std(axis=0)
        scale[scale == 0] = 1.0
        if progress is not None:
            progress(0, 1, "learning: fit")
        weights, iterations = _softmax_fit((x - mean) / scale, yf, group, float(l2))
        if progress is not None:
            progress(1, 1, "learning: fit")
        return cls(
            feature_names=FEATURE_NAMES,
            weights=weights,
            mean=mean,
            scale=scale,
            before=int(before),
            horizon=int(horizon),
            l2=float(l2),
            n_sources=int(with_positive.size),
            n_pairs=int(yf.size),
            n_positives=int(yf.sum()),
            iterations=iterations,
        )
