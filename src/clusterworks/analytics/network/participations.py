"""Participations: one row per organisation in a project, the raw material of the collaboration network.

The format follows EU CORDIS (project, organisation, role, activity type, country, year, amount). A
:class:`Participations` holds the rows as NumPy arrays of indexes into sorted code tables, so that the
graph builders and the recommender work on integers; :func:`read_participations` reads and checks a
file (all or nothing: every problem is reported, nothing is returned half-read).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

__all__ = ["Participations"]


@dataclass(frozen=True, eq=False)
class Participations:
    """Participation rows, column by column.

    ``project`` and ``organisation`` are ``int32`` indexes into :attr:`project_ids` and
    :attr:`organisation_ids` (both sorted); ``year`` is ``int32``; ``role``, ``kind`` (activity type,
    e.g. HES, REC, PRC, PUB, OTH) and ``country`` are tuples of text (``""`` where the file has none);
    ``amount`` is ``float64`` (``nan`` where unknown); ``line`` is each row's line in its file (0 when
    built from memory).
    """

    project: np.ndarray
    organisation: np.ndarray
    year: np.ndarray
    project_ids: tuple[str, ...]
    organisation_ids: tuple[str, ...]
    role: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    amount: np.ndarray = field(default_factory=lambda: np.zeros(0))
    line: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    source: str = ""

    def __len__(self) -> int:
        return int(self.project.shape[0])

    @property
    def n_projects(self) -> int:
        return len(self.project_ids)

    @property
    def n_organisations(self) -> int:
        return len(self.organisation_ids)

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[Sequence],
        *,
        source: str = "",
    ) -> Participations:
        """Build from ``(project, organisation, year[, role[, kind[, country[, amount]]]])`` tuples
        (tests and small in-memory data; files go through :func:`read_participations`)."""
        rows = [tuple(r) for r in rows]
        width = max((len(r) for r in rows), default=3)
        cols = list(zip(*[tuple(r) + ("",) * (width - len(r)) for r in rows], strict=True)) if rows else [()] * 3
        projects = sorted({str(p) for p in cols[0]})
        organisations = sorted({str(o) for o in cols[1]})
        p_index = {p: i for i, p in enumerate(projects)}
        o_index = {o: i for i, o in enumerate(organisations)}
        amount = (
            np.array([float(a) if a not in ("", None) else np.nan for a in cols[6]], dtype=np.float64)
            if width > 6
            else np.full(len(rows), np.nan)
        )
        return cls(
            project=np.array([p_index[str(p)] for p in cols[0]], dtype=np.int32),
            organisation=np.array([o_index[str(o)] for o in cols[1]], dtype=np.int32),
            year=np.array([int(y) for y in cols[2]], dtype=np.int32),
            project_ids=tuple(projects),
            organisation_ids=tuple(organisations),
            role=tuple(str(v) for v in cols[3]) if width > 3 else ("",) * len(rows),
            kind=tuple(str(v) for v in cols[4]) if width > 4 else ("",) * len(rows),
            country=tuple(str(v) for v in cols[5]) if width > 5 else ("",) * len(rows),
            amount=amount,
            line=np.zeros(len(rows), dtype=np.int64),
            source=source,
        )

    def select(self, mask: np.ndarray) -> Participations:
        """The rows where ``mask`` is true, with the same code tables (indexes stay comparable)."""
        idx = np.flatnonzero(mask)
        pick = idx.tolist()
        return Participations(
            project=self.project[idx],
            organisation=self.organisation[idx],
            year=self.year[idx],
            project_ids=self.project_ids,
            organisation_ids=self.organisation_ids,
            role=tuple(self.role[i] for i in pick) if self.role else (),
            kind=tuple(self.kind[i] for i in pick) if self.kind else (),
            country=tuple(self.country[i] for i in pick) if self.country else (),
            amount=self.amount[idx] if self.amount.size else self.amount,
            line=self.line[idx] if self.line.size else self.line,
            source=self.source,
        )

    def before(self, year: int) -> Participations:
        """Rows of projects starting before ``year`` (the training side of a time split)."""
        return self.select(self.year < year)

    def _modal(self, values: tuple[str, ...]) -> tuple[str, ...]:
        """Per organisation, its most frequent non-empty value (ties: alphabetical first)."""
        counts: list[Counter] = [Counter() for _ in range(self.n_organisations)]
        for o, v in zip(self.organisation.tolist(), values, strict=True):
            if v:
                counts[o][v] += 1
        return tuple(min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] if c else "" for c in counts)

    @cached_property
    def organisation_kind(self) -> tuple[str, ...]:
        """Each organisation's activity type (its most frequent one across its rows; ``""`` if none)."""
        return self._modal(self.kind) if self.kind else ("",) * self.n_organisations

    @cached_property
    def organisation_country(self) -> tuple[str, ...]:
        """Each organisation's country (its most frequent one; ``""`` if none)."""
        return self._modal(self.country) if self.country else ("",) * self.n_organisations
