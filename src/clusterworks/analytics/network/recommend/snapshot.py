"""What is known about the network before a year: the graphs, each organisation's activity, types,
places and programme areas, and the type and country pair lifts -- the input of every feature.

A :class:`Snapshot` is built from the participation rows with ``year < cut`` only (the rows of later
years are dropped first, so no feature can see them). Organisation ``k`` of a snapshot is code ``k`` of
``part.organisation_ids``: snapshots of the same rows at different cuts share their indexes, which
is what the time-split evaluation and the training need.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from ..graph import project_graph
from ..participations import Participations
from .errors import RecommendError

__all__ = ["HALF_LIFE", "RECENT_YEARS", "Snapshot"]

#: Years after which a shared project's weight halves in the recency-weighted graph.
HALF_LIFE = 2.0
#: An organisation's "recent" projects are those of the last this many years before the cut.
RECENT_YEARS = 2


def _lift(labels: np.ndarray, adjacency: sp.csr_matrix, nodes: np.ndarray, size: int) -> np.ndarray:
    """``log((E_ab + 1) / (N_a N_b 2E / N^2 + 1))``: how much more often than at random organisations of
    label ``a`` are tied to those of label ``b`` (``E_ab`` ordered ties between the labels, ``N_a``
    organisations with label ``a`` among ``nodes``, ``N`` all of them, ``2E`` all ordered ties)."""
    coo = adjacency.tocoo()
    counts = np.zeros((size, size))
    np.add.at(counts, (labels[coo.row], labels[coo.col]), 1.0)
    per_label = np.bincount(labels[nodes], minlength=size).astype(np.float64)
    total = per_label.sum()
    expected = np.outer(per_label, per_label) * (coo.nnz / total**2 if total else 0.0)
    return np.log((counts + 1.0) / (expected + 1.0))


def _codes(values: Sequence[str]) -> tuple[np.ndarray, tuple[str, ...]]:
    names = tuple(sorted(set(values)))
    index = {v: i for i, v in enumerate(names)}
    return np.fromiter((index[v] for v in values), dtype=np.int64, count=len(values)), names


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The network as known before ``cut`` (rows with ``year < cut``).

    Attributes
    ----------
    cut : int
        Rows of years before this were used; recent activity counts the years ``cut - RECENT_YEARS`` to
        ``cut - 1``.
    organisation_ids : tuple of str
        Organisation ``k`` is ``organisation_ids[k]`` (all organisations of the rows, also those with
        no row before the cut).
    adjacency : scipy.sparse.csr_matrix
        ``n x n`` 0/1, symmetric, zero diagonal: shared at least one project before the cut.
    counts : scipy.sparse.csr_matrix
        Number of shared projects (same pattern).
    recent : scipy.sparse.csr_matrix
        Shared projects weighted by recency, ``0.5 ** ((cut - 1 - year) / HALF_LIFE)`` each.
    active : numpy.ndarray of bool
        Organisations with at least one row before the cut (the candidates).
    degree, projects, recent_projects, last_year_projects, new_partners, coordinations : numpy.ndarray
        Per organisation: partners; projects; projects of the last ``RECENT_YEARS`` years and of the
        last year; ties first made in the last year; projects coordinated (role ``coordinator``).
    kind, place : numpy.ndarray of int
        Codes into ``kind_names`` / ``place_names``: each organisation's activity type and its place
        (region when ``regions`` were given for it, else its country; ``""`` unknown).
    kind_lift, place_lift : numpy.ndarray
        Label x label lifts of ties (:func:`_lift`).
    area_names : tuple of str
        Programme areas (empty without ``areas``).
    area_profile, recent_area : numpy.ndarray
        ``n x areas``: each organisation's projects per area, L2-normalised; and its recent projects per
        area (counts).
    """

    cut: int
    organisation_ids: tuple[str, ...]
    adjacency: sp.csr_matrix
    counts: sp.csr_matrix
    recent: sp.csr_matrix
    active: np.ndarray
    degree: np.ndarray
    projects: np.ndarray
    recent_projects: np.ndarray
    last_year_projects: np.ndarray
    new_partners: np.ndarray
    coordinations: np.ndarray
    kind: np.ndarray
    kind_names: tuple[str, ...]
    place: np.ndarray
    place_names: tuple[str, ...]
    place_is_region: np.ndarray
    kind_lift: np.ndarray
    place_lift: np.ndarray
    area_names: tuple[str, ...]
    area_profile: np.ndarray
    recent_area: np.ndarray

    @property
    def n(self) -> int:
        return len(self.organisation_ids)

    @property
    def recent_span(self) -> tuple[int, int]:
        """The first and last year of "recent" activity."""
        return self.cut - RECENT_YEARS, self.cut - 1

    @classmethod
    def build(
        cls,
        part: Participations,
        *,
        cut: int | None = None,
        areas: Mapping[str, Sequence[str]] | None = None,
        regions: Mapping[str, str] | None = None,
    ) -> Snapshot:
        """The snapshot of ``part``'s rows with ``year < cut`` (default: all rows, ``cut`` = last year
        + 1). ``areas`` maps project ids to their programme areas, ``regions`` organisation ids to
        their regions."""
        if len(part) == 0:
            raise RecommendError("the participations have no rows; allowed: at least one row")
        if cut is None:
            cut = int(part.year.max()) + 1
        before = part.select(part.year < cut)
        if len(before) == 0:
            raise RecommendError(
                f"no participation row before {cut} (the first year is {int(part.year.min())}); "
                f"allowed: a year after {int(part.year.min())}"
            )
        n = part.n_organisations
        g = project_graph(before, weighting="count", nodes="all")
        r = project_graph(before, weighting="count", half_life=HALF_LIFE, at_year=cut - 1, nodes="all")
        counts = g.weights.tocsr()
        adjacency = counts.copy()
        adjacency.data[:] = 1.0
        incidence = g.incidence.tocsr()
        project_year = np.asarray(g.project_year)
        active = np.bincount(before.organisation.astype(np.int64), minlength=n) > 0

        def per_org(rows: np.ndarray) -> np.ndarray:
            return np.asarray(incidence[rows].sum(axis=0)).ravel() if rows.size else np.zeros(n)

        all_rows = np.arange(incidence.shape[0])
        recent_rows = np.flatnonzero(project_year >= cut - RECENT_YEARS)
        last_rows = np.flatnonzero(project_year >= cut - 1)
        first = g.first_year.tocsr()
        fresh = first.copy()
        fresh.data = (fresh.data >= cut - 1).astype(np.float64)
        role = before.role
        is_coord = np.fromiter((r_.lower() == "coordinator" for r_ in role), dtype=bool, count=len(role))
        coordinations = np.bincount(before.organisation[is_coord].astype(np.int64), minlength=n)

        kinds = before.organisation_kind
        countries = before.organisation_country
        regions = regions or {}
        places = []
        is_region = np.zeros(n, dtype=bool)
        for k, org in enumerate(part.organisation_ids):
            region = regions.get(org, "")
            if region:
                places.append("region:" + region)
                is_region[k] = True
            else:
                places.append(countries[k])
        kind, kind_names = _codes(kinds)
        place, place_names = _codes(places)
        nodes = np.flatnonzero(active)

        if areas:
            area_names = tuple(sorted({a for p in g.projects for a in areas.get(p, ())}))
            a_index = {a: i for i, a in enumerate(area_names)}
            pr, ar = [], []
            for i, p in enumerate(g.projects):
                for a in areas.get(p, ()):
                    pr.append(i)
                    ar.append(a_index[a])
            pa = sp.csr_matrix(
                (np.ones(len(pr)), (np.array(pr, dtype=np.int64), np.array(ar, dtype=np.int64))),
                shape=(incidence.shape[0], len(area_names)),
            )
            pa.data[:] = 1.0
            profile = np.asarray((incidence.T @ pa).todense(), dtype=np.float64)
            norms = np.linalg.norm(profile, axis=1)
            profile /= np.where(norms > 0, norms, 1.0)[:, None]
            recent_inc = incidence[recent_rows]
            recent_area = np.asarray((recent_inc.T @ pa[recent_rows]).todense(), dtype=np.float64)
        else:
            area_names = ()
            profile = np.zeros((n, 0))
            recent_area = np.zeros((n, 0))

        return cls(
            cut=int(cut),
            organisation_ids=part.organisation_ids,
            adjacency=adjacency,
            counts=counts,
            recent=r.weights.tocsr(),
            active=active,
            degree=np.diff(adjacency.indptr).astype(np.float64),
            projects=per_org(all_rows),
            recent_projects=per_org(recent_rows),
            last_year_projects=per_org(last_rows),
            new_partners=np.asarray(fresh.sum(axis=1)).ravel(),
            coordinations=coordinations.astype(np.float64),
            kind=kind,
            kind_names=kind_names,
            place=place,
            place_names=tuple(p.removeprefix("region:") for p in place_names),
            place_is_region=np.array([p.startswith("region:") for p in place_names], dtype=bool),
            kind_lift=_lift(kind, adjacency, nodes, len(kind_names)),
            place_lift=_lift(place, adjacency, nodes, len(place_names)),
            area_names=area_names,
            area_profile=profile,
            recent_area=recent_area,
        )

    def index_of(self, organisation: str) -> int:
        """The code of an organisation id; :class:`RecommendError` naming it if unknown."""
        try:
            return self._index[organisation]
        except KeyError:
            raise RecommendError(
                f"unknown organisation '{organisation}'; allowed: an organisation of the participations "
                f"({self.n} known)"
            ) from None

    @cached_property
    def adamic_adar_weight(self) -> np.ndarray:
        """``1 / log d_z`` (0 for ``d_z <= 1``: such a partner is shared by no pair)."""
        w = np.zeros(self.n)
        np.divide(1.0, np.log(np.where(self.degree > 1, self.degree, 2.0)), out=w, where=self.degree > 1)
        return w

    @cached_property
    def resource_allocation_weight(self) -> np.ndarray:
        """``1 / d_z``."""
        w = np.zeros(self.n)
        np.divide(1.0, self.degree, out=w, where=self.degree > 0)
        return w

    @cached_property
    def recent_resource_allocation_weight(self) -> np.ndarray:
        """``1 / s_z`` with ``s_z`` the row sum of the recency-weighted graph."""
        strength = np.asarray(self.recent.sum(axis=1)).ravel()
        w = np.zeros(self.n)
        np.divide(1.0, strength, out=w, where=strength > 0)
        return w

    @cached_property
    def adamic_adar_operator(self) -> sp.csr_matrix:
        """``diag(1 / log d_z) A``: one product with a row of ``A`` gives Adamic-Adar."""
        return (sp.diags(self.adamic_adar_weight) @ self.adjacency).tocsr()

    @cached_property
    def resource_allocation_operator(self) -> sp.csr_matrix:
        """``diag(1 / d_z) A``."""
        return (sp.diags(self.resource_allocation_weight) @ self.adjacency).tocsr()

    @cached_property
    def recent_resource_allocation_operator(self) -> sp.csr_matrix:
        """``diag(1 / s_z) R`` with ``R`` the recency-weighted graph."""
        return (sp.diags(self.recent_resource_allocation_weight) @ self.recent).tocsr()

    @cached_property
    def activity_order(self) -> np.ndarray:
        """Organisation codes, most active first (recent projects, then all projects, then code)."""
        return np.lexsort((np.arange(self.n), -self.projects, -self.recent_projects))

    @cached_property
    def _index(self) -> dict[str, int]:
        return {o: i for i, o in enumerate(self.organisation_ids)}
