"""The statistics store of the cluster observatory: regional statistics in long form in a DuckDB file
(:class:`Store`), read and validated all or nothing (:func:`import_statistics`), with versioned
classifications, crosswalks and cluster definitions as data, region x activity matrices for the
analytics (:class:`LabelledMatrix`), and aggregation queries that run unchanged on DuckDB and Spark.

Pure library: DuckDB, NumPy, openpyxl (and PySpark, imported only by :mod:`.spark`)."""

from .aggregate import aggregate_duckdb, checksum_sql, rollup_sql, totals_sql, write_synthetic_establishments
from .classifications import (
    Classification,
    ClusterAssignment,
    ClusterDefinition,
    Crosswalk,
    bundled,
    load_classification,
    load_cluster_definition,
    load_crosswalk,
)
from .matrix import LabelledMatrix
from .reading import SIZE_CLASSES, ImportSummary, Statistics, import_statistics, read_statistics
from .store import DatasetInfo, Store, UnknownDataset

__all__ = [
    "SIZE_CLASSES",
    "Classification",
    "ClusterAssignment",
    "ClusterDefinition",
    "Crosswalk",
    "DatasetInfo",
    "ImportSummary",
    "LabelledMatrix",
    "Statistics",
    "Store",
    "UnknownDataset",
    "aggregate_duckdb",
    "bundled",
    "checksum_sql",
    "import_statistics",
    "load_classification",
    "load_cluster_definition",
    "load_crosswalk",
    "read_statistics",
    "rollup_sql",
    "totals_sql",
    "write_synthetic_establishments",
]
