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


def test_cli_aggregate_gives_the_same_totals_on_both_engines(spark, tmp_path):
    """``clusterworks map aggregate`` with --engine duckdb and --engine spark on one seeded file: the
    same totals. The command stops its session when done (it is the module's shared one, which
    getOrCreate returns), so this test is the module's last."""
    import csv

    from click.testing import CliRunner

    from clusterworks.cli.main import cli
    from clusterworks.statistics.aggregate import write_synthetic_establishments

    source = write_synthetic_establishments(tmp_path / "est.parquet", 20_000, seed=5, industries=40)
    columns = "region=region,industry=industry,year=year,employment=employment,payroll=payroll"
    results = {}
    for engine in ("duckdb", "spark"):
        out = tmp_path / f"{engine}.csv"
        result = CliRunner().invoke(
            cli,
            ["map", "aggregate", str(source), "--columns", columns, "--engine", engine, "--out", str(out)],
        )
        assert result.exit_code == 0, result.output
        files = sorted(out.glob("part-*.csv")) if out.is_dir() else [out]
        rows = set()
        for f in files:
            with f.open(newline="", encoding="utf-8") as handle:
                rows |= {tuple(r.values()) for r in csv.DictReader(handle)}
        results[engine] = rows
    assert len(results["duckdb"]) > 1000
    assert results["duckdb"] == results["spark"]
