"""Participation datasets: imported all or nothing, read back as the analytics library's rows.

An import reads and checks the whole file first (:func:`~clusterworks.analytics.network.read_participations`:
every problem named by file, line, column and value); only a file without problems is stored, in one
transaction. Organisations are matched to the register by key (a register organisation whose key equals
the dataset's identifier); unmatched ones stay dataset nodes.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from django.db import transaction

from clusterworks.analytics.network.participations import (
    CORDIS_KINDS,
    Participations,
    parse_columns,
    read_participations,
)
from clusterworks.web.core.kept import Kept
from clusterworks.web.core.permissions import require
from clusterworks.web.registry.models import Organisation

from ..models import DatasetOrganisation, DatasetParticipation, ParticipationDataset

BATCH = 5_000
_KEPT = Kept("NETWORK_CACHE")

Progress = Callable[[int, int, str], None]


def _stored_file(source: BinaryIO | Path | str, suffix: str) -> tuple[Path, str, bool]:
    """A path to read the file from, its SHA-256, and whether the path is a temporary copy."""
    if isinstance(source, str | Path):
        path = Path(source)
        return path, hashlib.sha256(path.read_bytes()).hexdigest(), False
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(delete=False, suffix=suffix) as copy:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
            copy.write(chunk)
    return Path(copy.name), digest.hexdigest(), True


def dataset_import(
    *,
    user: Any,
    source: BinaryIO | Path | str,
    file_name: str,
    key: str,
    title: str,
    columns: str | Mapping[str, str],
    attribution: str = "",
    on_missing: str = "error",
    mixed_identifiers: bool = False,
    encoding: str = "utf-8",
    cordis_types: bool = True,
    replace: bool = False,
    progress: Progress | None = None,
) -> ParticipationDataset:
    """Read, check and store a participation file as the dataset ``key``.

    ``cordis_types``: the ``type`` column holds CORDIS activity types (HES, REC, PRC, PUB, OTH); other
    values are refused. Without it any text is taken.

    Raises :class:`~clusterworks.analytics.network.InvalidParticipations` (every problem, nothing stored)
    or :class:`ValueError` for a bad column specification or an existing key (unless ``replace``).
    """
    require(user, "dataset.manage")
    mapping = parse_columns(columns)
    suffix = ".gz" if file_name.endswith(".gz") else Path(file_name).suffix or ".csv"
    path, sha256, temporary = _stored_file(source, suffix)
    try:
        part = read_participations(
            path,
            columns=mapping,
            on_missing=on_missing,
            mixed_identifiers=mixed_identifiers,
            encoding=encoding,
            kinds=tuple(CORDIS_KINDS) if cordis_types else None,
        )
    finally:
        if temporary:
            path.unlink(missing_ok=True)
    object.__setattr__(part, "source", file_name)
    with transaction.atomic():
        existing = ParticipationDataset.objects.select_for_update().filter(key=key).first()
        if existing is not None:
            if not replace:
                raise ValueError(f"a dataset with key '{key}' exists; choose another key or replace it")
            existing.delete()
        dataset = ParticipationDataset.objects.create(
            key=key,
            title=title,
            file_name=file_name,
            sha256=sha256,
            attribution=attribution,
            columns=mapping,
            rows=len(part),
            projects=part.n_projects,
            organisations=part.n_organisations,
            first_year=int(part.year.min()),
            last_year=int(part.year.max()),
            imported_by=user if getattr(user, "pk", None) else None,
        )
        _store_rows(dataset, part, progress)
    return dataset


def _store_rows(dataset: ParticipationDataset, part: Participations, progress: Progress | None) -> None:
    register = dict(Organisation.objects.filter(key__in=part.organisation_ids).values_list("key", "pk"))
    kinds, countries, names = part.organisation_kind, part.organisation_country, part.names
    nodes = DatasetOrganisation.objects.bulk_create(
        [
            DatasetOrganisation(
                dataset=dataset,
                code=code,
                name=names.get(code, "")[:300],
                kind=kinds[i][:10],
                country=countries[i],
                organisation_id=register.get(code),
            )
            for i, code in enumerate(part.organisation_ids)
        ],
        batch_size=BATCH,
    )
    if any(node.pk is None for node in nodes):  # backends that do not return keys from bulk inserts
        by_code = dict(DatasetOrganisation.objects.filter(dataset=dataset).values_list("code", "pk"))
        node_pk = [by_code[code] for code in part.organisation_ids]
    else:
        node_pk = [node.pk for node in nodes]
    total = len(part)
    projects = part.project_ids
    for start in range(0, total, BATCH):
        stop = min(start + BATCH, total)
        DatasetParticipation.objects.bulk_create(
            [
                DatasetParticipation(
                    dataset=dataset,
                    project=projects[part.project[i]],
                    node_id=node_pk[part.organisation[i]],
                    year=int(part.year[i]),
                    role=(part.role[i] if part.role else "")[:30],
                    amount=None
                    if not part.amount.size or np.isnan(part.amount[i])
                    else float(part.amount[i]),
                    line=int(part.line[i]) if part.line.size else 0,
                )
                for i in range(start, stop)
            ],
            batch_size=BATCH,
        )
        if progress:
            progress(stop, total, "rows stored")


def dataset_delete(*, user: Any, dataset: ParticipationDataset) -> None:
    require(user, "dataset.manage", dataset)
    with transaction.atomic():
        dataset.delete()


def dataset_participations(*, dataset: ParticipationDataset) -> Participations:
    """The dataset's rows as :class:`Participations`, kept until the dataset is replaced (keyed by its
    id and content hash, not by the data version: other writes do not change it)."""

    def compute() -> Participations:
        nodes = DatasetOrganisation.objects.filter(dataset=dataset).order_by("code")
        codes, kinds, countries, names = [], {}, {}, {}
        index = {}
        for pk, code, kind, country, name in nodes.values_list("pk", "code", "kind", "country", "name"):
            index[pk] = len(codes)
            codes.append(code)
            kinds[code], countries[code] = kind, country
            if name:
                names[code] = name
        rows = DatasetParticipation.objects.filter(dataset=dataset).values_list(
            "project", "node_id", "year", "role", "amount", "line"
        )
        projects: dict[str, int] = {}
        p, o, y, roles, amounts, lines = [], [], [], [], [], []
        for project, node, year, role, amount, line in rows.iterator(chunk_size=BATCH):
            p.append(projects.setdefault(project, len(projects)))
            o.append(index[node])
            y.append(year)
            roles.append(role)
            amounts.append(np.nan if amount is None else amount)
            lines.append(line)
        order = sorted(projects, key=projects.__getitem__)
        ranks = np.empty(len(order), dtype=np.int32)
        sorted_ids = sorted(order)
        position = {code: i for i, code in enumerate(sorted_ids)}
        for i, code in enumerate(order):
            ranks[i] = position[code]
        organisation = np.asarray(o, dtype=np.int32)
        return Participations(
            project=ranks[np.asarray(p, dtype=np.int64)] if p else np.zeros(0, dtype=np.int32),
            organisation=organisation,
            year=np.asarray(y, dtype=np.int32),
            project_ids=tuple(sorted_ids),
            organisation_ids=tuple(codes),
            role=tuple(roles),
            kind=tuple(kinds[codes[i]] for i in organisation.tolist()),
            country=tuple(countries[codes[i]] for i in organisation.tolist()),
            amount=np.asarray(amounts, dtype=np.float64),
            line=np.asarray(lines, dtype=np.int64),
            source=dataset.file_name,
            names=names,
        )

    return _KEPT.get(("dataset", dataset.pk), dataset.sha256, compute)
