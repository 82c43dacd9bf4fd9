"""Bundled classifications and cluster definitions, checked against the shared source files they were
derived from, and the generic loaders' error reports."""

from __future__ import annotations

import csv
import json
from collections import Counter

import pytest

from clusterworks.analytics.issues import InvalidInput
from clusterworks.statistics import bundled, load_classification, load_cluster_definition, load_crosswalk

from ._data import SHARED, states_rows, write_csv


def _by_system():
    classes, walks, defs = bundled()
    return {(c.system, c.vintage): c for c in classes}, walks, defs


def test_uscmp_clusters_match_the_state_file():
    c = _by_system()[0]["uscmp-cluster", "2016"]
    oracle = {r["cluster_code_t"]: (r["cluster_name_t"], r["traded_b"]) for r in states_rows()}
    assert dict(zip(c.codes, c.names, strict=True)) == {k: v[0] for k, v in oracle.items()}
    # 51 traded + 16 local (USCMP); traded_b TRUE/FALSE in the file
    assert Counter(c.parents) == {"traded": 51, "local": 16}
    assert all((p == "traded") == (oracle[k][1] == "TRUE") for k, p in zip(c.codes, c.parents, strict=True))


def test_region_hierarchies():
    by = _by_system()[0]
    us, iso, ru = by["us-state", "2020"], by["iso3166-2:US", "2020"], by["iso3166-2:RU", "2008"]
    fips = {r["region_name_t"]: r["region_code_t"] for r in states_rows()}
    # the 50 states of the USCMP file keep their FIPS codes; DC (11) is the 51st
    assert {n: c for c, n in zip(us.codes, us.names, strict=True) if n != "District of Columbia"} == fips
    assert dict(zip(us.names, us.codes, strict=True))["District of Columbia"] == "11"
    assert set(us.parents) == {"US"} and len(iso.codes) == 51 and "US-DC" in iso.codes
    geo = SHARED / "geo" / "russia_adm1_geoboundaries.geojson"
    if not geo.is_file():
        pytest.skip(f"shared data absent: {geo}")
    feats = json.loads(geo.read_text(encoding="utf-8"))["features"]
    assert set(ru.codes) == {f["properties"]["shapeISO"] for f in feats} and len(ru.codes) == 83
    assert dict(zip(ru.codes, ru.names, strict=True))["RU-MOW"] == "Moscow"


def test_cluster_definition_matches_the_crosswalk_file():
    src = SHARED / "us_cluster_definitions" / "naics2017_to_uscmp_cluster_emsi.csv"
    if not src.is_file():
        pytest.skip(f"shared data absent: {src}")
    with open(src, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    (d,) = _by_system()[2]
    assert len(d.assignments) == len(rows) == 992  # SOURCES.md: 992 rows
    by = {a.industry: a for a in d.assignments}
    for r in rows:
        a = by[r["NAICS "].strip()]
        assert a.traded == (r["TradedLocal"] == "Traded")
        assert a.cluster_name == ("" if r["Cluster"] == "NA" else r["Cluster"])
    # 51 traded + 16 local USCMP clusters are named; Government Services / NA rows have no USCMP code
    coded = {a.cluster for a in d.assignments if a.cluster}
    assert len(coded) == 67
    assert by["336411"].cluster == "1" and by["336411"].subcluster == "Aircraft"
    uncoded = Counter(a.cluster_name for a in d.assignments if not a.cluster)
    assert set(uncoded) == {
        "Federal Government Services",
        "State Government Services",
        "Local Government Services",
        "",
    }


def test_nace_okved_sections():
    by, walks, _ = _by_system()
    nace, okved = by["nace", "rev2"], by["okved", "2"]
    assert nace.codes == okved.codes == tuple("ABCDEFGHIJKLMNOPQRSTU")  # 21 sections A-U
    assert nace.names[2] == "Manufacturing" and okved.names[2] == "Обрабатывающие производства"
    walk = next(w for w in walks if w.from_system == "nace")
    assert all(a == b and w == 1.0 for a, b, w in walk.links)


def test_loaders_report_every_problem(tmp_path):
    p = write_csv(tmp_path / "c.csv", ["code", "name"], [["A", "x"], ["", "y"], ["A", "z"]])
    with pytest.raises(InvalidInput) as e:
        load_classification(p, system="s", vintage="1")
    assert [(i.line, i.field) for i in e.value.issues] == [(3, "code"), (4, "code")]
    p = write_csv(
        tmp_path / "x.csv", ["from", "to", "weight"], [["a", "b", "0.5"], ["a", "c", "2"], ["a", "b", "x"]]
    )
    with pytest.raises(InvalidInput) as e:
        load_crosswalk(p, from_system="s", from_vintage="1", to_system="s", to_vintage="2")
    assert [(i.line, i.field) for i in e.value.issues] == [(3, "weight"), (4, "weight"), (4, "from")]
    p = write_csv(tmp_path / "d.csv", ["industry_code", "cluster_code", "traded"], [["1", "c", "maybe"]])
    with pytest.raises(InvalidInput) as e:
        load_cluster_definition(p, name="d", industry_system="s", industry_vintage="1")
    assert [(i.line, i.field) for i in e.value.issues] == [(2, "traded")]
    ok = load_crosswalk(
        write_csv(tmp_path / "ok.csv", ["f", "t"], [["541711", "541714"]]),
        from_system="naics",
        from_vintage="2012",
        to_system="naics",
        to_vintage="2017",
        columns={"from": "f", "to": "t"},
    )
    assert ok.links == (("541711", "541714", 1.0),)  # weight defaults to 1
    with pytest.raises(ValueError, match="system must be a non-empty string"):
        load_classification(p, system="", vintage="1")
