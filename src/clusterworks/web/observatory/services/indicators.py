"""The indicators the observatory's pages show, computed from a dataset's matrices with
``clusterworks.analytics`` (specialisation, cluster strength, economic complexity).

A :class:`Panel` is one dataset in one year: region x activity matrices of every measure, the regions'
and activities' names and the activities' groups (``traded`` / ``local`` in the US cluster
definitions). :func:`indicator_values` gives one value per region for an indicator (for one activity,
or for the region as a whole); everything derived (LQ, the USCMP flags, ECO stars, complexity) is
computed once per panel.

The facts come from the statistics store (``services.store``); names and the traded/local groups from
its classifications. Conventions: a suppressed fact is NaN and is shown as "no data", never as 0; a
region-activity pair without a fact is 0 (the store's convention). The LQ is computed from employment
with the traded/local bases of the US Cluster Mapping Project when activities have groups, else over
all activities (a file's own published LQ is not a store measure).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from clusterworks.analytics import specialisation, strength
from clusterworks.analytics.complexity import ComplexityResult, complexity
from clusterworks.web.core.kept import Kept

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
    return [
        i
        for i in INDICATORS.values()
        if set(i.needs) <= measures and (i.trade is None or i.trade == dataset.is_trade)
    ]


_REGION_NAMES: dict[str, tuple[str, str]] = {}


def register_region_names() -> dict[str, tuple[str, str]]:
    """ISO 3166-2 code -> (Russian, English) name of the register's regions (reference data the
    migrations load; read once per process, again while there are none)."""
    from clusterworks.web.registry.models import Region

    if not _REGION_NAMES:
        rows = Region.objects.values_list("code", "name_en", "name_ru")
        _REGION_NAMES.update({code: (ru, en) for code, en, ru in rows})
    return _REGION_NAMES


class Panel:
    """One dataset in one year (see the module docstring). ``regions`` are map codes (ISO 3166-2 where
    the dataset's regions have them, else the store's codes)."""

    def __init__(self, dataset_key: str, year: int, *, trade: bool, measures: list[str]):
        self.key, self.year, self.trade = dataset_key, year, trade
        held, grids = store.contents_and_matrices(dataset_key, measures=measures, year=year)
        self.region_labels = {label.code: label for label in held.regions.values()}
        self.activity_labels = dict(held.activities)
        self.regions = tuple(label.code for label in held.regions.values())
        self.activities = tuple(held.activities)
        self.matrices = {m: np.array(grid.values) for m, grid in grids.items()}
        self.traded = np.array(
            [self.activity_labels[a].group == "traded" for a in self.activities], dtype=bool
        )
        self.grouped = bool(self.traded.any())

    def region_name(self, code: str) -> str:
        """The region's name in the reader's language when the register knows the region (ISO 3166-2
        codes of Russian subjects and US states), else the classification's name."""
        names = register_region_names().get(code)
        if names:
            first, second = names if (get_language() or "en").startswith("ru") else names[::-1]
            return first or second
        return self.region_labels[code].name

    def activity_name(self, code: str) -> str:
        return self.activity_labels[code].name

    def measure(self, name: str) -> np.ndarray:
        return self.matrices[name]

    @cached_property
    def lq(self) -> np.ndarray:
        """The dataset's own LQ when it has one (e.g. the published values), else computed from
        employment with the traded and local bases when the activities have them."""
        if "lq" in self.matrices:
            return self.matrices["lq"]
        employment = self.matrices["employment"]
        if self.grouped and (~self.traded).any():
            return specialisation.location_quotient(employment, traded=self.traded)
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
        k = self.matrices["employment"].shape[1]
        traded = self.traded if self.grouped else np.ones(k, dtype=bool)
        result = strength.uscmp_strength_panel(
            self.matrices["employment"], self.matrices["establishments"], self.lq, traded=traded
        )
        return {name: getattr(result, name) for name in ("qualifying", "significant", "strong", "strong10")}

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


#: Panels kept in this process, most recently used first out last (each costs a store read and, for
#: trade data, the complexity computation).
PANELS_KEPT = 8
_KEPT = Kept(size=PANELS_KEPT)


def panel(dataset, year: int | None = None) -> Panel:
    """The panel of ``dataset`` in ``year`` (default its last year), kept (:class:`Kept`, keyed by the
    dataset's key, file checksum and year, and the store file) until the data change."""
    year = int((dataset.last_year if year is None else year) or 0)
    return _KEPT.get(
        (str(store.store_path()), dataset.key, year),
        (dataset.sha256, dataset.imported_at.isoformat() if dataset.imported_at else ""),
        lambda: Panel(dataset.key, year, trade=dataset.is_trade, measures=list(dataset.measures)),
    )


def ranks(values: np.ndarray) -> np.ndarray:
    """Rank 1 = the largest value; ties share the best rank; NaN gets no rank (0)."""
    out = np.zeros(len(values), dtype=int)
    finite = np.isfinite(values)
    if finite.any():
        out[finite] = specialisation.rank(values[finite], descending=True, ties="min").astype(int)
    return out
