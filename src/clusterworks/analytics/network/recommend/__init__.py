"""Partner recommendation: ranked new partners for an organisation, a consortium, a project idea or a
gap of competences, each with a score and readable reasons; and the honest time-split evaluation
against the classic link-prediction indexes.

:class:`PartnerIndex` is built once from the participations (optionally free-text profiles, programme
areas of projects, competences and regions of organisations) and answers :meth:`PartnerIndex.recommend`
queries; the score is a :class:`RankingModel` -- a linear score over network proximity (Adamic-Adar,
resource allocation, Katz, ...), activity, type complementarity, geography and area similarity --
whose weights are learnt from the past (the new partnerships of the last year, features from the
years before). :func:`evaluate` learns from the rows before a year ``T`` and measures how well each
method predicts the pairs that first work together from ``T`` on. The method and the results on EU
Horizon 2020: ``docs/methods/recommendation.md``. This package never imports Django.

Examples
--------
Two projects before 2020 and one in 2020: ``a`` and ``c`` share the partner ``b``.

>>> from clusterworks.analytics.network.participations import Participations
>>> part = Participations.from_rows([
...     ("P1", "a", 2018, "coordinator", "HES", "DE"), ("P1", "b", 2018, "participant", "REC", "DE"),
...     ("P2", "b", 2019, "coordinator", "REC", "DE"), ("P2", "c", 2019, "participant", "PRC", "FR"),
...     ("P3", "d", 2019, "coordinator", "PRC", "DE"),
... ])
>>> index = PartnerIndex.build(part)
>>> index.model.fallback   # two years hold too little history to learn from: Adamic-Adar
True
>>> [(r.candidate, r.rank) for r in index.recommend("a", k=2)]
[('c', 1), ('d', 2)]
>>> print(index.recommend("a", k=1)[0].explanation)
1 shared partner: b; a business partner to complement your university
"""

from .errors import RecommendError
from .evaluation import DEPTH, METHODS, Evaluation, MethodScores, evaluate, ranking_metrics
from .features import BASELINES, FEATURE_NAMES, FEATURES, KATZ_BETA, POOL_SIZE
from .index import ACTIVITY_WEIGHT, TEXT_WEIGHT, PartnerIndex
from .learning import RankingModel, new_pairs
from .reasons import KIND_NOUNS, TEMPLATES, Reason, Recommendation
from .snapshot import HALF_LIFE, RECENT_YEARS, Snapshot
from .text import TfidfProfiles

__all__ = [
    "ACTIVITY_WEIGHT",
    "BASELINES",
    "DEPTH",
    "FEATURES",
    "FEATURE_NAMES",
    "HALF_LIFE",
    "KATZ_BETA",
    "KIND_NOUNS",
    "METHODS",
    "POOL_SIZE",
    "RECENT_YEARS",
    "TEMPLATES",
    "TEXT_WEIGHT",
    "Evaluation",
    "MethodScores",
    "PartnerIndex",
    "RankingModel",
    "Reason",
    "Recommendation",
    "RecommendError",
    "Snapshot",
    "TfidfProfiles",
    "evaluate",
    "new_pairs",
    "ranking_metrics",
]

# the public path in reprs and tracebacks, wherever a class is defined inside the package
for _public in (
    Evaluation,
    MethodScores,
    PartnerIndex,
    RankingModel,
    Reason,
    Recommendation,
    RecommendError,
    Snapshot,
    TfidfProfiles,
):
    _public.__module__ = __name__
del _public
