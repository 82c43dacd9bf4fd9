"""The store on real data: the US Cluster Mapping 2016 state file imported as long form, checked
against sums computed with the csv module from the same file."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pytest

from clusterworks.statistics import LabelledMatrix, Store, UnknownDataset, import_statistics

from ._data import STATE_COLUMNS, states_csv, states_rows, write_csv


@pytest.fixture(scope="module")
def us_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("store") / "stats.duckdb"
    store = Store.open(path)
    summary = import_statistics(
        store,
        states_csv(),
        dataset="us2016",
        columns=STATE_COLUMNS,
        region_system="us-state",
        activity_system="uscmp-cluster",
        source="US Cluster Mapping Project, Harvard Business School",
    )
    yield store, summary
    store.close()


def test_import_summary_counts_rows_and_facts(us_store):
    store, s = us_store
    # 50 states x 67 clusters = 3,350 rows (SOURCES.md), 3 measures each
    assert (s.rows, s.facts, s.suppressed, s.imputed) == (3350, 10050, 0, 0)
    assert s.years == (2016,) and s.measures == ("employment", "establishments", "payroll")
    assert (s.region_vintage, s.activity_vintage) == ("2020", "2016")  # inferred: the only stored vintages
    (info,) = store.datasets()
    assert (info.name, info.rows, info.facts, info.activity_system) == (
        "us2016",
        3350,
        10050,
        "uscmp-cluster",
    )
    assert store.years("us2016") == (2016,)


@pytest.mark.parametrize(
    ("measure", "column"), [("employment", "emp_tl"), ("establishments", "est_tl"), ("payroll", "ap_tl")]
)
def test_matrix_matches_the_file_cell_by_cell_and_in_column_sums(us_store, measure, column):
    store, _ = us_store
    m = store.matrix("us2016", measure=measure)
    assert isinstance(m, LabelledMatrix) and m.shape == (50, 67)
    rows = states_rows()
    national = defaultdict(float)
    for r in rows:  # oracle: the csv module over the same file
        national[r["cluster_code_t"]] += float(r[column])
        assert m.get(r["region_code_t"], r["cluster_code_t"]) == float(r[column])
    for code, total in national.items():
        assert m.column(code).sum() == total
    # region_level="parent" sums the 50 states into "US": the national totals again
    us = store.matrix("us2016", measure=measure, region_level="parent")
    assert us.rows == ("US",)
    assert dict(zip(us.columns, us.values[0], strict=True)) == pytest.approx(dict(national), rel=0, abs=0)


def test_known_national_figure(us_store):
    store, _ = us_store
    m = store.matrix("us2016")
    # hand check: Alabama (01), cluster 116 Local Industrial Products and Services:
    # emp_tl 10811 (the file's first data row)
    assert m.get("01", "116") == 10811.0
    sub = store.matrix("us2016", regions=["06", "01"], activities=["1", "116"])
    assert sub.rows == ("06", "01") and sub.columns == ("1", "116")
    assert sub.values[1, 1] == 10811.0


def test_matrix_argument_errors(us_store):
    store, _ = us_store
    with pytest.raises(ValueError, match="year 2015 is not in dataset"):
        store.matrix("us2016", year=2015)
    with pytest.raises(ValueError, match="measure 'exports' is not in dataset"):
        store.matrix("us2016", measure="exports")
    with pytest.raises(ValueError, match="suppressed must be"):
        store.matrix("us2016", suppressed="drop")
    with pytest.raises(ValueError, match="activity_level must be"):
        store.matrix("us2016", activity_level=0)
    with pytest.raises(UnknownDataset):
        store.matrix("nope")


def test_store_reopens_from_file(us_store, tmp_path):
    store, _ = us_store
    path = store.path
    other = Store.open(tmp_path / "x.duckdb")
    other.close()
    with pytest.raises(ValueError, match="read_only needs an existing store file"):
        Store.open(tmp_path / "missing.duckdb", read_only=True)
    assert path.endswith("stats.duckdb")


def test_bundled_reference_data_is_loaded():
    with Store.open() as store:
        counts = {(s, v): n for s, v, n in store.classifications()}
    # 51 = 50 states + DC (geoBoundaries); 83 federal subjects; 67 USCMP clusters;
    # 992 crosswalk rows; 21 sections
    assert counts == {
        ("us-state", "2020"): 51,
        ("iso3166-2:US", "2020"): 51,
        ("iso3166-2:RU", "2008"): 83,
        ("uscmp-cluster", "2016"): 67,
        ("naics", "2017"): 992,
        ("nace", "rev2"): 21,
        ("okved", "2"): 21,
    }


def _naics_file(tmp_path):
    # real NAICS 2017 codes of the bundled definition: 336411/336412 -> Aerospace Vehicles and
    # Defense (code 1), subcluster Aircraft; 541714 -> Education and Knowledge Creation;
    # 814110 (Private Households) has no cluster ("NA" in the source)
    rows = [
        ["01", "336411", 2017, 100, 2, 5000],
        ["01", "336412", 2017, 50, 1, 2000],
        ["01", "541714", 2017, 30, 3, 3000],
        ["01", "814110", 2017, 7, 1, 100],
        ["02", "336411", 2017, 10, 1, 400],
        ["02", "541714", 2017, "D", 1, 500],
    ]
    return write_csv(tmp_path / "naics.csv", ["st", "naics", "yr", "emp", "est", "pay"], rows)


def test_cluster_rollup_through_the_bundled_definition(tmp_path):
    with Store.open() as store:
        import_statistics(
            store,
            _naics_file(tmp_path),
            dataset="n",
            columns={
                "region": "st",
                "activity": "naics",
                "year": "yr",
                "employment": "emp",
                "establishments": "est",
            },
            region_system="us-state",
            activity_system="naics",
        )
        definition = {r[0]: r[1] for r in store.cluster_definition("uscmp-naics2017")}
        edu = definition["541714"]
        m = store.matrix("n", activity_level="cluster")
        assert m.columns == tuple(sorted(["1", edu]))  # 814110 has no cluster: left out
        assert m.get("01", "1") == 150.0  # 100 + 50 by hand
        assert m.get("01", edu) == 30.0
        assert math.isnan(m.get("02", edu))  # the suppressed "D" makes its cluster cell NaN
        assert store.matrix("n", activity_level="cluster", suppressed="zero").get("02", edu) == 0.0
        # Aerospace (1) and Education and Knowledge Creation are both traded clusters (definition file)
        assert store.matrix("n", activity_level="cluster", traded=True).columns == m.columns
        assert store.matrix("n", activity_level="cluster", traded=False).shape == (0, 0)
        with pytest.raises(ValueError, match="traded= needs"):
            store.matrix("n", traded=True)
        sub = store.matrix("n", activity_level="subcluster", measure="establishments")
        assert sub.get("01", "1 / Aircraft") == 3.0  # 2 + 1
        two = store.matrix("n", activity_level=2)
        assert two.columns == ("33", "54", "81") and two.get("01", "33") == 150.0
        # an absent pair is 0, not NaN: region 02 has no 814110 row
        assert two.get("02", "81") == 0.0


def test_drop_and_replace(tmp_path):
    path = _naics_file(tmp_path)
    cols = {"region": "st", "activity": "naics", "year": "yr", "employment": "emp"}
    with Store.open() as store:
        import_statistics(store, path, dataset="n", columns=cols)
        with pytest.raises(ValueError, match="needs a region classification"):
            store.matrix("n", region_level="parent")
        with pytest.raises(ValueError, match="already stored"):
            import_statistics(store, path, dataset="n", columns=cols)
        import_statistics(store, path, dataset="n", columns=cols, replace=True)
        assert store.query("SELECT count(*) FROM facts")[0][0] == 6
        t = store.facts("n")
        assert t.num_rows == 6 and t.column("suppressed").to_pylist().count(True) == 1
        store.drop_dataset("n")
        assert store.datasets() == () and store.query("SELECT count(*) FROM facts")[0][0] == 0


def test_labelled_matrix_validates_shape_and_labels():
    with pytest.raises(ValueError, match="shape"):
        LabelledMatrix(("a",), ("x", "y"), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="unique"):
        LabelledMatrix(("a", "a"), ("x",), np.zeros((2, 1)))
    m = LabelledMatrix(("a",), ("x",), np.ones((1, 1)))
    with pytest.raises(ValueError):
        m.values[0, 0] = 2.0  # read-only
