"""The demo's real statistics (``data/README.md`` gives the sources and licences), imported through
the same service as any file: the US Cluster Mapping Project's 50 states x 67 clusters in 2016 (FIPS
state codes and cluster codes, checked against the store's ``us-state`` and ``uscmp-cluster``
classifications), and the OEC world exports of 226 countries by HS section (their codes and names added
to the store as the classifications ``oec-country`` and ``hs-section``; the file has no year column, so
a copy with the year 2021 in every row is imported)."""

from __future__ import annotations

import csv
import gzip
import hashlib
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from clusterworks.statistics import Classification

from .models import DatasetKind, StatisticsDataset
from .services import store
from .services.datasets import dataset_import

DATA = Path(__file__).parent / "data"

US_CLUSTERS = {
    "key": "us-clusters-2016",
    "file": DATA / "us_states_clusters_2016.csv.gz",
    "title": "U.S. clusters by state, 2016",
    "kind": DatasetKind.REGIONAL,
    "country": "US",
    "region_system": "us-state",
    "activity_system": "uscmp-cluster",
    "region_scheme": "US states (FIPS codes, us-state 2020)",
    "activity_scheme": "US benchmark clusters (Delgado, Porter and Stern 2016; uscmp-cluster 2016)",
    "columns": {
        "region": "region_code_t",
        "activity": "cluster_code_t",
        "year": "year_t",
        "employment": "emp_tl",
        "establishments": "est_tl",
        "payroll": "ap_tl",
        "lq": "lq_tf",
    },
    "attribution": (
        "U.S. Cluster Mapping Project, Institute for Strategy and Competitiveness, Harvard Business School; "
        "built on U.S. Census County Business Patterns. Payroll in thousands of US dollars."
    ),
}

OEC_EXPORTS = {
    "key": "oec-exports-sections",
    "file": DATA / "oec_global_exports_sections.csv.gz",
    "title": "World exports by HS section (OEC/BACI, 2019-2021)",
    "kind": DatasetKind.TRADE,
    "country": "",
    "region_system": "oec-country",
    "activity_system": "hs-section",
    "region_scheme": "OEC country identifiers",
    "activity_scheme": "HS sections",
    "year": 2021,
    "names": {"oec-country": ("Country ID", "Country"), "hs-section": ("Section ID", "Section")},
    "columns": {"region": "Country ID", "activity": "Section ID", "year": "year", "exports": "Trade Value"},
    "attribution": (
        "The Observatory of Economic Complexity (oec.world), built on BACI (CEPII): exports 2019-2021 of "
        "226 countries by HS section, filed here under 2021. From the test fixtures of Datawheel's "
        "py-economic-complexity, MIT licence, Copyright (c) 2022 Datawheel, LLC."
    ),
}

DEMO_DATASETS = (US_CLUSTERS, OEC_EXPORTS)


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        return header, list(reader)


def _add_names(spec: dict) -> None:
    """Store the codes and names of a file without a bundled classification as classifications
    (vintage: the dataset's year), so the store names its regions and activities."""
    header, rows = _rows(spec["file"])
    with store.open_store(write=True) as db:
        for system, (code_column, name_column) in spec["names"].items():
            c, n = header.index(code_column), header.index(name_column)
            names = dict(sorted({(r[c], r[n]) for r in rows}))
            db.add_classification(
                Classification(
                    system,
                    str(spec["year"]),
                    tuple(names),
                    tuple(names.values()),
                    ("",) * len(names),
                    source=spec["key"],
                ),
                replace=True,
            )


def _with_year(spec: dict, folder: Path) -> Path:
    """A copy of the file with a ``year`` column (the dataset's year in every row)."""
    header, rows = _rows(spec["file"])
    out = folder / spec["file"].name.removesuffix(".gz")
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*header, "year"])
        writer.writerows([*r, spec["year"]] for r in rows)
    return out


def import_demo_datasets(
    *, analyst: Any, progress: Callable[[str], None] = lambda _: None
) -> list[StatisticsDataset]:
    """Import (or keep, when unchanged and stored) the demo datasets as ``analyst``."""
    done = []
    for spec in DEMO_DATASETS:
        path: Path = spec["file"]
        sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        present = StatisticsDataset.objects.filter(key=spec["key"], sha256=sha256).first()
        if present is not None and store.fact_count(present.key):
            progress(f"observatory dataset {present.key}: present")
            done.append(present)
            continue
        folder = Path(tempfile.mkdtemp(prefix="clusterworks-demo-"))
        try:
            source = path
            if "names" in spec:
                _add_names(spec)
            if "year" in spec:
                source = _with_year(spec, folder)
            dataset = dataset_import(
                user=analyst,
                source=source,
                file_name=path.name,
                key=spec["key"],
                title=spec["title"],
                columns=spec["columns"],
                kind=spec["kind"],
                region_system=spec["region_system"],
                activity_system=spec["activity_system"],
                region_scheme=spec["region_scheme"],
                activity_scheme=spec["activity_scheme"],
                attribution=spec["attribution"],
                replace=True,
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        if dataset.sha256 != sha256:  # recorded as the bundled file, not the copy with the year
            dataset.sha256 = sha256
            dataset.save(update_fields=["sha256"])
        progress(
            f"observatory dataset {dataset.key}: {dataset.rows:,} rows, {dataset.regions} regions, "
            f"{dataset.activities} activities"
        )
        done.append(dataset)
    return done
