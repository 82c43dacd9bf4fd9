"""Shared loaders for the collaboration-network tests: rows of the real H2020 extract
(tests/data/network/h2020.csv.gz, CORDIS, see its README) and conversion of a graph to networkx, the
test oracle."""

from __future__ import annotations

import csv
import gzip
import math
from functools import lru_cache
from pathlib import Path

import numpy as np

from clusterworks.analytics.network.graph import CollaborationGraph
from clusterworks.analytics.network.participations import Participations

H2020 = Path(__file__).parents[1] / "data" / "network" / "h2020.csv.gz"


@lru_cache(maxsize=1)
def _all_rows() -> tuple[tuple, ...]:
    """(rcn, pic, start_year, role, type, country, contribution) of every dated row (7 have start_year NA)."""
    out = []
    with gzip.open(H2020, "rt", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["start_year"] == "NA":
                continue
            amount = r["contribution"] if r["contribution"] not in ("", "NA") else ""
            out.append((r["rcn"], r["pic"], int(r["start_year"]), r["role"], r["type"], r["country"], amount))
    return tuple(out)


def h2020(*, years: tuple[int, int] | None = None, country: str | None = None) -> Participations:
    """The dated H2020 rows, optionally of start years ``years[0]..years[1]`` and one country."""
    rows = [
        r
        for r in _all_rows()
        if (years is None or years[0] <= r[2] <= years[1]) and (country is None or r[5] == country)
    ]
    return Participations.from_rows(rows, source="h2020.csv.gz")


def portugal() -> Participations:
    """Portuguese organisations in H2020 projects started 2014-2016: 1,008 rows, 392 organisations,
    563 ties (a national sub-network small enough for networkx's pure-Python path measures)."""
    return h2020(years=(2014, 2016), country="PT")


def to_networkx(g: CollaborationGraph):
    """The same graph in networkx (nodes 0..n-1 in order; edge attributes ``weight``, ``dist`` = 1/weight
    and ``idist``, an integer distance proportional to 1/weight when the weights are whole numbers)."""
    import networkx as nx

    G = nx.Graph()
    G.add_nodes_from(range(g.n_nodes))
    src, dst, w = g.edges()
    whole = bool(np.all(w == np.rint(w))) and w.size > 0
    lcm = math.lcm(*range(1, int(w.max()) + 1)) if whole else 0
    for a, b, x in zip(src.tolist(), dst.tolist(), w.tolist(), strict=True):
        G.add_edge(a, b, weight=x, dist=1.0 / x, idist=(lcm // int(x)) if whole else None)
    return G


def as_array(values: dict, n: int) -> np.ndarray:
    return np.array([values[i] for i in range(n)], dtype=np.float64)
