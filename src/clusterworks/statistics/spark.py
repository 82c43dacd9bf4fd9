"""The Spark backend: a local SparkSession helper and the aggregations of
:mod:`clusterworks.statistics.aggregate` run with the same SQL text on Spark SQL, for data beyond one
machine (``master`` = a cluster URL) or to check results in local mode."""

from __future__ import annotations

import shutil
from pathlib import Path

from .aggregate import (
    LEVELS,
    _file_format,
    _input_format,
    establishments_sql,
    rollup_sql,
    text_industry_sql,
    totals_sql,
)

__all__ = ["aggregate_spark", "java_missing", "spark_session", "write_totals_spark"]


def java_missing() -> str | None:
    """Why Spark cannot start here (no ``java`` on PATH / JAVA_HOME), or None when it can."""
    import os

    if os.environ.get("JAVA_HOME") and Path(os.environ["JAVA_HOME"], "bin", "java").exists():
        return None
    return None if shutil.which("java") else "Spark needs Java 17 or later: no java on PATH and no JAVA_HOME"


def spark_session(
    master: str = "local[2]",
    *,
    app_name: str = "clusterworks",
    driver_memory: str = "2g",
    shuffle_partitions: int = 8,
):
    """A SparkSession for ``master`` with the UI off and logging at WARN.

    ``shuffle_partitions`` (Spark's default is 200) suits a 2-core machine; raise it on a cluster.
    """
    if not isinstance(shuffle_partitions, int) or shuffle_partitions < 1:
        raise ValueError(f"shuffle_partitions must be a positive int; got {shuffle_partitions!r}")
    reason = java_missing()
    if reason:
        raise RuntimeError(reason)
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", driver_memory)
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.extraJavaOptions", "-Dlog4j.rootLogger=WARN")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("WARN")
    return spark


def aggregate_spark(
    spark,
    parquet: str | Path,
    *,
    definition: list[tuple[str, str, str]] | None = None,
    level: str | None = None,
) -> list[tuple]:
    """Run :func:`~clusterworks.statistics.aggregate.totals_sql` (and ``rollup_sql`` when ``level``
    is given) on Spark over an establishment-level Parquet file; rows (tuples) sorted by their keys,
    as :func:`~clusterworks.statistics.aggregate.aggregate_duckdb` returns them."""
    if level is not None and (level not in LEVELS or definition is None):
        raise ValueError(f"level must be one of {LEVELS} with a definition, or None; got {level!r}")
    spark.read.parquet(str(parquet)).createOrReplaceTempView("establishments")
    if level is None:
        return sorted((tuple(r) for r in spark.sql(totals_sql()).collect()), key=lambda r: r[:3])
    spark.sql(totals_sql()).createOrReplaceTempView("totals")
    spark.sql(text_industry_sql()).createOrReplaceTempView("totals_text")
    rows = [tuple(map(str, r)) for r in definition]
    spark.createDataFrame(rows, "industry string, cluster string, subcluster string").createOrReplaceTempView(
        "cluster_definition"
    )
    n = 3 if level == "cluster" else 4
    return sorted(
        (tuple(r) for r in spark.sql(rollup_sql("totals_text", level=level)).collect()), key=lambda r: r[:n]
    )


def write_totals_spark(
    spark,
    path: str | Path,
    out: str | Path,
    *,
    columns: dict[str, str],
    definition: list[tuple[str, str, str]] | None = None,
    level: str | None = None,
) -> dict[str, int]:
    """:func:`~clusterworks.statistics.aggregate.write_totals_duckdb` on Spark, with the same SQL text:
    the totals are written by Spark as a directory ``out`` of part files (Parquet, or CSV with a
    header), as Spark writes on a cluster; an existing ``out`` is an error."""
    path, out = Path(path), Path(out)
    fmt = _file_format(out)
    if level is not None and (level not in LEVELS or definition is None):
        raise ValueError(f"level must be one of {LEVELS} with a definition, or None; got {level!r}")
    reader = (
        spark.read.parquet(str(path))
        if _input_format(path) == "parquet"
        else spark.read.csv(str(path), header=True)
    )
    reader.createOrReplaceTempView("establishment_file")
    spark.sql(establishments_sql("establishment_file", columns)).createOrReplaceTempView("establishments")
    query = totals_sql()
    if level is not None:
        spark.sql(totals_sql()).createOrReplaceTempView("totals")
        spark.sql(text_industry_sql()).createOrReplaceTempView("totals_text")
        rows = [tuple(map(str, r)) for r in definition]
        spark.createDataFrame(
            rows, "industry string, cluster string, subcluster string"
        ).createOrReplaceTempView("cluster_definition")
        query = rollup_sql("totals_text", level=level)
    result = spark.sql(query)
    writer = result.write.mode("errorifexists")
    if fmt == "parquet":
        writer.parquet(str(out))
    else:
        writer.option("header", "true").csv(str(out))
    written = spark.read.parquet(str(out)) if fmt == "parquet" else spark.read.csv(str(out), header=True)
    return {"rows": int(written.count()), "input_rows": int(spark.table("establishments").count())}
