"""DuckDB and Spark (local mode) run the same aggregation SQL and give identical results. All Spark
tests are in this module and share one SparkSession (startup takes ~20 s); they skip without Java."""

from __future__ import annotations

import pytest

pytest.importorskip("pyspark")

from clusterworks.statistics import aggregate_duckdb, write_synthetic_establishments
from clusterworks.statistics.spark import aggregate_spark, java_missing, spark_session

DEFINITION = [(str(i), f"c{i % 9}", f"s{i % 4}") for i in range(1, 90)]  # industries 90-120: no cluster


@pytest.fixture(scope="module")
def spark():
    reason = java_missing()
    if reason:
        pytest.skip(reason)
    session = spark_session("local[2]")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    path = tmp_path_factory.mktemp("spark") / "est.parquet"
    return write_synthetic_establishments(path, 50_000, seed=11, regions=60, industries=120, years=4)


def test_totals_identical(spark, synthetic):
    duck = aggregate_duckdb(synthetic)
    assert len(duck) > 20_000  # most of the 60 x 120 x 4 = 28,800 cells are present
    assert aggregate_spark(spark, synthetic) == duck


@pytest.mark.parametrize("level", ["cluster", "subcluster"])
def test_rollups_identical(spark, synthetic, level):
    duck = aggregate_duckdb(synthetic, definition=DEFINITION, level=level)
    assert duck and aggregate_spark(spark, synthetic, definition=DEFINITION, level=level) == duck


def test_session_is_quiet_and_local(spark):
    assert spark.conf.get("spark.ui.enabled") == "false"
    assert spark.sparkContext.master == "local[2]"
    with pytest.raises(ValueError, match="level must be one of"):
        aggregate_spark(spark, "x.parquet", level="cluster")
