"""The indicators the observatory's pages show, computed from a dataset's matrices with
``clusterworks.analytics`` (specialisation, cluster strength, economic complexity).

A :class:`Panel` is one dataset in one year: region x activity matrices of every measure, the regions'
and activities' names and the activities' groups (``traded`` / ``local`` in the US cluster
definitions). :func:`indicator_values` gives one value per region for an indicator (for one activity,
or for the region as a whole); everything derived (LQ, the USCMP flags, ECO stars, complexity) is
computed once per panel.

Conventions: a missing fact is NaN and is shown as "no data", never as 0. The LQ is the dataset's own
published LQ (measure ``lq``) when it has one, else computed with the traded/local bases of the US
Cluster Mapping Project when activities have groups, else over all activities.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from clusterworks.analytics import specialisation, strength
from clusterworks.analytics.complexity import ComplexityResult, complexity

from . import store


@dataclass(frozen=True)
class Indicator:
    """``per_activity``: one value per region and activity (else one per region); ``kind``: how to
    show it: ``count``, ``ratio``, ``share``, ``flag`` (0/1), ``stars`` (0-3), ``index``."""

    key: str
    label: Any
    per_activity: bool
    kind: str
    needs: tuple[str, ...]
    trade: bool | None = None  # True: trade datasets only, False: regional only, None: both
    help: Any = ""


INDICATORS: dict[str, Indicator] = {
    i.key: i
    for i in (
        Indicator("employment", _("Employment"), True, "count", ("employment",), False),
        Indicator("establishments", _("Establishments"), True, "count", ("establishments",), False),
        Indicator("payroll", _("Annual payroll"), True, "count", ("payroll",), False),
        Indicator("wage", _("Payroll per employee"), True, "ratio", ("payroll", "employment"), False),
        Indicator(
            "lq",
            _("Location quotient (LQ)"),
            True,
            "quotient",
            ("employment",),
            False,
            _("The activity's share of the region's employment over its share of the nation's."),
        ),
        Indicator("share", _("Share of the region's employment"), True, "share", ("employment",), False),
        Indicator(
            "qualifying",
            _("Qualifying cluster (USCMP)"),
            True,
            "flag",
            ("employment", "establishments"),
            False,
        ),
        Indicator(
            "strong",
            _("Strong cluster (USCMP)"),
            True,
            "flag",
            ("employment", "establishments"),
            False,
            _(
                "LQ in the top quartile of regions, at least 1, and employment and establishments above "
                "the bottom quartile."
            ),
        ),
        Indicator(
            "strong10",
            _("Strong cluster, top 10% (USCMP)"),
            True,
            "flag",
            ("employment", "establishments"),
            False,
        ),
        Indicator(
            "stars",
            _("ECO stars (0-3)"),
            True,
            "stars",
            ("employment",),
            False,
            _("European Cluster Observatory: size, specialisation and focus stars."),
        ),
        Indicator(
            "strong_share",
            _("Share of traded employment in strong clusters"),
            False,
            "share",
            ("employment", "establishments"),
            False,
        ),
        Indicator("exports", _("Exports"), True, "count", ("exports",), True),
        Indicator("rca", _("Revealed comparative advantage (RCA)"), True, "quotient", ("exports",), True),
        Indicator(
            "density", _("Density (relatedness to present activities)"), True, "index", ("exports",), True
        ),
        Indicator("cog", _("Complexity outlook gain"), True, "index", ("exports",), True),
        Indicator("eci", _("Economic complexity index (ECI)"), False, "index", ("exports",), True),
        Indicator("diversity", _("Diversity (activities with RCA ≥ 1)"), False, "count", ("exports",), True),
        Indicator("coi", _("Complexity outlook index"), False, "index", ("exports",), True),
    )
}


def available(dataset) -> list[Indicator]:
    """The indicators ``dataset`` has the measures for."""
    measures = set(dataset.measures)
    if dataset.is_trade and "exports" not in measures and "value" in measures:
        measures.add("exports")
    return [
        i
        for i in INDICATORS.values()
        if set(i.needs) <= measures and (i.trade is None or i.trade == dataset.is_trade)
    ]


class Panel:
    """One dataset in one year (see the module docstring)."""

    def __init__(self, dataset_key: str, year: int, *, trade: bool, measures: list[str]):
        self.key, self.year, self.trade = dataset_key, year, trade
        self.region_labels = store.labels(dataset_key, "region")
        self.activity_labels = store.labels(dataset_key, "activity")
        self.regions = tuple(self.region_labels)
        self.activities = tuple(self.activity_labels)
        self.matrices = {m: store.matrix(dataset_key, measure=m, year=year).values for m in measures}
        if trade and "exports" not in self.matrices and "value" in self.matrices:
            self.matrices["exports"] = self.matrices["value"]
        self.traded = np.array(
            [self.activity_labels[a].group == "traded" for a in self.activities], dtype=bool
        )
        self.grouped = bool(self.traded.any())

    def region_name(self, code: str) -> str:
        return self.region_labels[code].name

    def activity_name(self, code: str) -> str:
        return self.activity_labels[code].name

    def measure(self, name: str) -> np.ndarray:
        return self.matrices[name]

    @cached_property
    def lq(self) -> np.ndarray:
        if "lq" in self.matrices:
            return self.matrices["lq"]
        employment = self.matrices["employment"]
        if self.grouped and (~self.traded).any():
            return specialisation.location_quotient(employment, traded=self.traded)
        if self.grouped:
            return specialisation.location_quotient(employment)
        return specialisation.location_quotient(employment)

    @cached_property
    def share(self) -> np.ndarray:
        """Each activity's share of the region's employment (of its group's, with groups)."""
        e = np.nan_to_num(self.matrices["employment"])
        base = np.zeros_like(e)
        groups = [self.traded, ~self.traded] if self.grouped else [np.ones(len(self.activities), bool)]
        for g in groups:
            base[:, g] = e[:, g].sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.where(base > 0, self.matrices["employment"] / np.where(base > 0, base, 1), np.nan)
        return out

    @cached_property
    def flags(self) -> dict[str, np.ndarray]:
        """The USCMP flags as region x activity boolean matrices (False for local clusters); the
        traded clusters are all activities when the dataset has no groups."""
        n, k = self.matrices["employment"].shape
        traded = self.traded if self.grouped else np.ones(k, dtype=bool)
        result = strength.uscmp_strength(
            region_type=np.full(n * k, "region"),
            cluster=np.tile(np.arange(k), n),
            year=np.full(n * k, self.year),
            employment=self.matrices["employment"].ravel(),
            establishments=self.matrices["establishments"].ravel(),
            lq=self.lq.ravel(),
            traded=np.tile(traded, n),
        )
        return {
            name: getattr(result, name).reshape(n, k)
            for name in ("qualifying", "significant", "strong", "strong10")
        }

    @cached_property
    def strong_share(self) -> np.ndarray:
        traded = self.traded if self.grouped else None
        return strength.region_cluster_strength(
            self.matrices["employment"], self.flags["strong"], traded=traded
        )

    @cached_property
    def stars(self) -> np.ndarray:
        e = self.matrices["employment"]
        if self.grouped:  # stars compare traded clusters, measured against traded employment
            out = np.full(e.shape, np.nan)
            out[:, self.traded] = strength.eco_stars(e[:, self.traded]).stars
            return out
        return strength.eco_stars(e).stars.astype(float)

    @cached_property
    def complexity(self) -> ComplexityResult:
        return complexity(np.nan_to_num(self.matrices["exports"]))

    def values(self, indicator: str, activity: str | None) -> np.ndarray:
        """One value per region (NaN: no data)."""
        spec = INDICATORS[indicator]
        if spec.per_activity:
            j = self.activities.index(activity) if activity in self.activities else None
            if j is None:
                raise KeyError(activity)
            return np.asarray(self.matrix(indicator)[:, j], dtype=float)
        if indicator == "strong_share":
            return np.asarray(self.strong_share, dtype=float)
        result = self.complexity
        return np.asarray(
            {"eci": result.eci, "diversity": result.diversity, "coi": result.coi}[indicator], dtype=float
        )

    def matrix(self, indicator: str) -> np.ndarray:
        """The region x activity matrix of a per-activity indicator (NaN: no data)."""
        if indicator in ("employment", "establishments", "payroll", "exports"):
            return self.matrices[indicator]
        if indicator == "wage":
            with np.errstate(invalid="ignore", divide="ignore"):
                e = self.matrices["employment"]
                return np.where(e > 0, self.matrices["payroll"] / np.where(e > 0, e, 1), np.nan)
        if indicator == "lq":
            return self.lq
        if indicator == "share":
            return self.share
        if indicator in ("qualifying", "strong", "strong10"):
            out = self.flags[indicator].astype(float)
            if self.grouped:
                out[:, ~self.traded] = np.nan  # local clusters get no flag
            return out
        if indicator == "stars":
            return self.stars
        if indicator == "rca":
            return self.complexity.rca
        if indicator == "density":
            return self.complexity.density
        if indicator == "cog":
            return self.complexity.cog
        raise KeyError(indicator)


@functools.lru_cache(maxsize=16)
def _panel(path: str, key: str, sha256: str, year: int, trade: bool, measures: tuple[str, ...]) -> Panel:
    return Panel(key, year, trade=trade, measures=list(measures))


def panel(dataset, year: int | None = None) -> Panel:
    """The panel of ``dataset`` in ``year`` (default its last year), kept per process until the data
    change."""
    year = dataset.last_year if year is None else year
    return _panel(
        str(store.store_path()),
        dataset.key,
        dataset.sha256,
        int(year or 0),
        dataset.is_trade,
        tuple(dataset.measures),
    )


def ranks(values: np.ndarray) -> np.ndarray:
    """Rank 1 = the largest value; ties share the best rank; NaN gets no rank (0)."""
    out = np.zeros(len(values), dtype=int)
    finite = np.isfinite(values)
    if finite.any():
        out[finite] = specialisation.rank(values[finite], descending=True, ties="min").astype(int)
    return out
