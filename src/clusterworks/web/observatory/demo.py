"""The demo's real statistics (``data/README.md`` gives the sources and licences), imported through
the same service as any file: the US Cluster Mapping Project's 50 states x 67 clusters in 2016, and
the OEC world exports of 226 countries by HS section."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .models import DatasetKind, StatisticsDataset
from .services.datasets import dataset_import
from .services.reading import Columns

DATA = Path(__file__).parent / "data"

US_CLUSTERS = {
    "key": "us-clusters-2016",
    "file": DATA / "us_states_clusters_2016.csv.gz",
    "title": "U.S. clusters by state, 2016",
    "kind": DatasetKind.REGIONAL,
    "country": "US",
    "region_scheme": "US states (ISO 3166-2)",
    "activity_scheme": "US benchmark clusters (Delgado, Porter and Stern 2016)",
    "columns": Columns(
        region="region_code_t",
        region_name="region_name_t",
        activity="cluster_code_t",
        activity_name="cluster_name_t",
        group="traded_b",
        year="year_t",
        measures={"employment": "emp_tl", "establishments": "est_tl", "payroll": "ap_tl", "lq": "lq_tf"},
    ),
    "attribution": (
        "U.S. Cluster Mapping Project, Institute for Strategy and Competitiveness, Harvard Business School; "
        "built on U.S. Census County Business Patterns. Payroll in thousands of US dollars; LQ as published."
    ),
}

OEC_EXPORTS = {
    "key": "oec-exports-sections",
    "file": DATA / "oec_global_exports_sections.csv.gz",
    "title": "World exports by HS section (OEC/BACI, 2019-2021)",
    "kind": DatasetKind.TRADE,
    "country": "",
    "region_scheme": "OEC country identifiers",
    "activity_scheme": "HS sections",
    "columns": Columns(
        region="Country ID",
        region_name="Country",
        activity="Section ID",
        activity_name="Section",
        fixed_year=2021,
        measures={"exports": "Trade Value"},
    ),
    "attribution": (
        "The Observatory of Economic Complexity (oec.world), built on BACI (CEPII): exports 2019-2021 of "
        "226 countries by HS section, filed here under 2021. From the test fixtures of Datawheel's "
        "py-economic-complexity, MIT licence, Copyright (c) 2022 Datawheel, LLC."
    ),
}

DEMO_DATASETS = (US_CLUSTERS, OEC_EXPORTS)


def import_demo_datasets(
    *, analyst: Any, progress: Callable[[str], None] = lambda _: None
) -> list[StatisticsDataset]:
    """Import (or keep, when unchanged and stored) the demo datasets as ``analyst``."""
    from .services import store

    done = []
    for spec in DEMO_DATASETS:
        path: Path = spec["file"]
        sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        present = StatisticsDataset.objects.filter(key=spec["key"], sha256=sha256).first()
        if present is not None and store.fact_count(present.key):
            progress(f"observatory dataset {present.key}: present")
            done.append(present)
            continue
        dataset = dataset_import(
            user=analyst,
            source=path,
            file_name=path.name,
            key=spec["key"],
            title=spec["title"],
            columns=spec["columns"],
            kind=spec["kind"],
            country=spec["country"],
            region_scheme=spec["region_scheme"],
            activity_scheme=spec["activity_scheme"],
            attribution=spec["attribution"],
            replace=True,
        )
        progress(
            f"observatory dataset {dataset.key}: {dataset.rows:,} rows, {dataset.regions} regions, "
            f"{dataset.activities} activities"
        )
        done.append(dataset)
    return done
