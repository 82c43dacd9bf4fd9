"""The shared aggregation queries on DuckDB, checked against a plain-Python oracle over the same
seeded synthetic establishment file."""

from __future__ import annotations

from collections import defaultdict

import duckdb
import pyarrow.parquet as pq
import pytest

from clusterworks.statistics import (
    aggregate_duckdb,
    checksum_sql,
    rollup_sql,
    totals_sql,
    write_synthetic_establishments,
)

DEFINITION = [(str(i), f"c{i % 5}", f"s{i % 7}") for i in range(1, 36)]  # industries 36-40: no cluster


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    path = tmp_path_factory.mktemp("agg") / "est.parquet"
    return write_synthetic_establishments(path, 20_000, seed=7, regions=30, industries=40, years=3)


def _oracle(path):
    t = pq.read_table(path).to_pylist()
    out = defaultdict(lambda: [0, 0, 0])
    for r in t:
        g = out[r["region"], r["industry"], r["year"]]
        g[0] += r["employment"]
        g[1] += 1
        g[2] += r["payroll"]
    return t, sorted((*k, *v) for k, v in out.items())


def test_synthetic_file_is_seeded_and_in_range(synthetic, tmp_path):
    rows, _ = _oracle(synthetic)
    assert len(rows) == 20_000
    assert {r["year"] for r in rows} == {2001, 2002, 2003}
    assert min(r["region"] for r in rows) >= 1 and max(r["region"] for r in rows) <= 30
    assert min(r["employment"] for r in rows) >= 1 and max(r["employment"] for r in rows) <= 4096
    again = write_synthetic_establishments(
        tmp_path / "b.parquet", 20_000, seed=7, regions=30, industries=40, years=3
    )
    other = write_synthetic_establishments(
        tmp_path / "c.parquet", 20_000, seed=8, regions=30, industries=40, years=3
    )
    assert pq.read_table(again).equals(pq.read_table(synthetic))
    assert not pq.read_table(other).equals(pq.read_table(synthetic))


def test_totals_equal_the_python_oracle(synthetic):
    rows, oracle = _oracle(synthetic)
    got = aggregate_duckdb(synthetic)
    assert got == oracle
    assert sum(r[4] for r in got) == len(rows)  # establishments = row count


def test_cluster_rollup_equals_the_python_oracle(synthetic):
    _, totals = _oracle(synthetic)
    d = {int(i): (c, s) for i, c, s in DEFINITION}
    for level in ("cluster", "subcluster"):
        acc = defaultdict(lambda: [0, 0, 0])
        for region, ind, year, e, n, p in totals:
            if ind not in d:
                continue
            key = (region, d[ind][0], year) if level == "cluster" else (region, *d[ind], year)
            g = acc[key]
            g[0], g[1], g[2] = g[0] + e, g[1] + n, g[2] + p
        assert aggregate_duckdb(synthetic, definition=DEFINITION, level=level) == sorted(
            (*k, *v) for k, v in acc.items()
        )


def test_checksum_and_argument_checks(synthetic):
    con = duckdb.connect()
    con.execute(f"CREATE VIEW establishments AS SELECT * FROM read_parquet('{synthetic}')")
    con.execute(f"CREATE TABLE totals AS {totals_sql()}")
    n, emp, est, pay, _ = con.execute(checksum_sql()).fetchall()[0]
    _, oracle = _oracle(synthetic)
    assert (n, emp, est, pay) == (len(oracle), sum(r[3] for r in oracle), 20_000, sum(r[5] for r in oracle))
    with pytest.raises(ValueError, match="plain SQL identifier"):
        totals_sql("x; DROP TABLE y")
    with pytest.raises(ValueError, match="level must be one of"):
        rollup_sql(level="industry")
    with pytest.raises(ValueError, match="rows must be a positive int"):
        write_synthetic_establishments("x.parquet", 0, seed=1)
