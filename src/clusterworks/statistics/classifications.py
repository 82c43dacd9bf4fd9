"""Classifications, crosswalks and cluster definitions as versioned data.

Codes are data, not code: each classification is a ``(system, vintage)`` pair with its codes (and
names, and optional parents for region hierarchies); a crosswalk maps codes of one ``(system,
vintage)`` to another with weights; a cluster definition assigns industries of one classification to
clusters and subclusters, traded or local. The bundled files are in ``statistics/data/`` (their sources,
licences and attribution are in its README.md); users add their own with :func:`load_classification`,
:func:`load_crosswalk` and :func:`load_cluster_definition` and :meth:`Store.add_classification` etc.

Bundled (see :func:`bundled`):

============================  =========  ============================================================
system                        vintage    codes
============================  =========  ============================================================
``us-state``                  ``2020``   50 states + DC, 2-digit FIPS codes (parent ``US``)
``iso3166-2:US``              ``2020``   the same 51 as ISO 3166-2 ``US-XX`` (crosswalk from us-state)
``iso3166-2:RU``              ``2008``   83 Russian federal subjects, ``RU-XXX`` (parent ``RU``)
``uscmp-cluster``             ``2016``   the 67 US Cluster Mapping clusters (51 traded + 16 local)
``naics``                     ``2017``   the 992 codes of the USCMP/Emsi NAICS 2017 cluster crosswalk
``nace``                      ``rev2``   sections A-U (English names)
``okved``                     ``2``      sections A-U (Russian names; identical to NACE Rev.2 sections)
============================  =========  ============================================================
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from clusterworks.analytics.issues import InvalidInput, IssueCollector

__all__ = [
    "DATA_DIR",
    "Classification",
    "ClusterAssignment",
    "ClusterDefinition",
    "Crosswalk",
    "bundled",
    "load_classification",
    "load_cluster_definition",
    "load_crosswalk",
]

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Classification:
    """The codes of one classification vintage: ``codes[i]`` is named ``names[i]`` and belongs to
    ``parents[i]`` (``""`` for none; regions use it for their country or district)."""

    system: str
    vintage: str
    codes: tuple[str, ...]
    names: tuple[str, ...]
    parents: tuple[str, ...]
    source: str = ""

    def __post_init__(self) -> None:
        if not (len(self.codes) == len(self.names) == len(self.parents)):
            raise ValueError("codes, names and parents must have the same length")
        if len(set(self.codes)) != len(self.codes):
            raise ValueError(f"classification {self.system} {self.vintage} repeats codes")


@dataclass(frozen=True)
class Crosswalk:
    """Weighted links ``(from_code, to_code, weight)`` from one classification vintage to another."""

    from_system: str
    from_vintage: str
    to_system: str
    to_vintage: str
    links: tuple[tuple[str, str, float], ...]
    source: str = ""


@dataclass(frozen=True)
class ClusterAssignment:
    """One industry's cluster (``cluster`` code, ``""`` when the definition leaves it out),
    ``cluster_name``, ``subcluster`` (name) and whether the cluster is ``traded``."""

    industry: str
    cluster: str
    cluster_name: str
    subcluster: str
    traded: bool


@dataclass(frozen=True)
class ClusterDefinition:
    """A cluster definition ``name``: industries of ``(industry_system, industry_vintage)`` ->
    clusters of ``(cluster_system, cluster_vintage)`` -> subclusters."""

    name: str
    industry_system: str
    industry_vintage: str
    cluster_system: str
    cluster_vintage: str
    assignments: tuple[ClusterAssignment, ...]
    source: str = ""


def _read_rows(path: Path, required: Iterable[str], issues: IssueCollector) -> list[tuple[int, dict]]:
    """The rows of a small UTF-8 CSV file with their line numbers (header = line 1)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        header = [h.strip() for h in reader.fieldnames or []]
        reader.fieldnames = header
        missing = [c for c in required if c not in header]
        for c in missing:
            issues.add(1, c, "", f"column {c!r} is missing; the header has {header}")
        if missing:
            return []
        return [(reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader]


def _check_name(value: str, what: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be a non-empty string; got {value!r}")


def load_classification(
    path: str | Path,
    *,
    system: str,
    vintage: str,
    code: str = "code",
    name: str = "name",
    parent: str | None = None,
    source: str = "",
) -> Classification:
    """Read a classification from a CSV file with columns ``code``, ``name`` (and ``parent``).

    Raises
    ------
    InvalidInput
        Every empty or repeated code and every missing column, by line.
    """
    _check_name(system, "system")
    _check_name(vintage, "vintage")
    path = Path(path)
    issues = IssueCollector(path.name)
    required = [code, name] + ([parent] if parent else [])
    seen: dict[str, int] = {}
    out: list[tuple[str, str, str]] = []
    for line, row in _read_rows(path, required, issues):
        value = row[code]
        if not value:
            issues.add(line, code, value, "the code is empty; every row needs a code")
        elif value in seen:
            issues.add(line, code, value, f"code {value!r} repeats line {seen[value]}; codes must be unique")
        else:
            seen[value] = line
            out.append((value, row[name], row[parent] if parent else ""))
    issues.raise_if_any(InvalidInput)
    return Classification(
        system,
        vintage,
        tuple(r[0] for r in out),
        tuple(r[1] for r in out),
        tuple(r[2] for r in out),
        source or path.name,
    )


def load_crosswalk(
    path: str | Path,
    *,
    from_system: str,
    from_vintage: str,
    to_system: str,
    to_vintage: str,
    columns: Mapping[str, str] | None = None,
    source: str = "",
) -> Crosswalk:
    """Read a crosswalk from a CSV file with columns ``from``, ``to`` and optional ``weight``
    (default 1; rename with ``columns={"from": ..., "to": ..., "weight": ...}``).

    Weights must be numbers in [0, 1] (the share of the source code's value that goes to the target).

    Raises
    ------
    InvalidInput
        Every empty code, non-numeric or out-of-range weight and repeated pair, by line.
    """
    for v, what in ((from_system, "from_system"), (from_vintage, "from_vintage")):
        _check_name(v, what)
    for v, what in ((to_system, "to_system"), (to_vintage, "to_vintage")):
        _check_name(v, what)
    cols = {"from": "from", "to": "to", "weight": "weight", **(columns or {})}
    unknown = set(cols) - {"from", "to", "weight"}
    if unknown:
        raise ValueError(f"columns keys {sorted(unknown)} are not allowed; use from, to, weight")
    path = Path(path)
    issues = IssueCollector(path.name)
    rows = _read_rows(path, [cols["from"], cols["to"]], issues)
    links: list[tuple[str, str, float]] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        a, b = row[cols["from"]], row[cols["to"]]
        for field, v in ((cols["from"], a), (cols["to"], b)):
            if not v:
                issues.add(line, field, v, "the code is empty; every link needs both codes")
        text = row.get(cols["weight"], "") or "1"
        try:
            w = float(text)
        except ValueError:
            w = float("nan")
        if not 0.0 <= w <= 1.0:
            issues.add(line, cols["weight"], text, "the weight must be a number from 0 to 1")
        if (a, b) in seen:
            issues.add(line, cols["from"], f"{a} -> {b}", f"the link repeats line {seen[a, b]}")
        seen.setdefault((a, b), line)
        links.append((a, b, w))
    issues.raise_if_any(InvalidInput)
    return Crosswalk(from_system, from_vintage, to_system, to_vintage, tuple(links), source or path.name)


_DEFINITION_COLUMNS = {
    "industry": "industry_code",
    "cluster": "cluster_code",
    "cluster_name": "cluster_name",
    "subcluster": "subcluster_name",
    "traded": "traded",
}
_TRUE = {"true", "t", "1", "yes", "traded"}
_FALSE = {"false", "f", "0", "no", "local"}


def load_cluster_definition(
    path: str | Path,
    *,
    name: str,
    industry_system: str,
    industry_vintage: str,
    cluster_system: str = "",
    cluster_vintage: str = "",
    columns: Mapping[str, str] | None = None,
    source: str = "",
) -> ClusterDefinition:
    """Read a cluster definition (industry -> cluster -> subcluster, traded or local) from CSV.

    Default columns: ``industry_code, cluster_code, cluster_name, subcluster_name, traded`` (rename
    with ``columns``). ``traded`` is true/false, 1/0, yes/no or traded/local. An empty cluster code
    leaves the industry out of every cluster (it is kept, so the definition's coverage stays visible).

    Raises
    ------
    InvalidInput
        Every empty or repeated industry and every unreadable ``traded``, by line.
    """
    _check_name(name, "name")
    cols = {**_DEFINITION_COLUMNS, **(columns or {})}
    unknown = set(cols) - set(_DEFINITION_COLUMNS)
    if unknown:
        raise ValueError(f"columns keys {sorted(unknown)} are not allowed; use {sorted(_DEFINITION_COLUMNS)}")
    path = Path(path)
    issues = IssueCollector(path.name)
    rows = _read_rows(path, [cols["industry"], cols["cluster"], cols["traded"]], issues)
    seen: dict[str, int] = {}
    out: list[ClusterAssignment] = []
    for line, row in rows:
        ind = row[cols["industry"]]
        if not ind:
            issues.add(line, cols["industry"], ind, "the industry code is empty")
        elif ind in seen:
            issues.add(line, cols["industry"], ind, f"industry {ind!r} repeats line {seen[ind]}")
        seen.setdefault(ind, line)
        flag = row[cols["traded"]].lower()
        if flag not in _TRUE | _FALSE:
            issues.add(line, cols["traded"], flag, "traded must be true/false, 1/0, yes/no or traded/local")
        out.append(
            ClusterAssignment(
                ind,
                row[cols["cluster"]],
                row.get(cols["cluster_name"], ""),
                row.get(cols["subcluster"], ""),
                flag in _TRUE,
            )
        )
    issues.raise_if_any(InvalidInput)
    return ClusterDefinition(
        name,
        industry_system,
        industry_vintage,
        cluster_system,
        cluster_vintage,
        tuple(out),
        source or path.name,
    )


@cache
def bundled() -> tuple[tuple[Classification, ...], tuple[Crosswalk, ...], tuple[ClusterDefinition, ...]]:
    """The bundled classifications, crosswalks and cluster definitions (see the module docstring)."""
    d = DATA_DIR
    us = load_classification(
        d / "regions_us_states.csv", system="us-state", vintage="2020", source="geoBoundaries"
    )
    us = Classification(us.system, us.vintage, us.codes, us.names, ("US",) * len(us.codes), us.source)
    us_iso = load_classification(
        d / "regions_us_states.csv", system="iso3166-2:US", vintage="2020", code="iso"
    )
    us_iso = Classification(
        us_iso.system, us_iso.vintage, us_iso.codes, us_iso.names, ("US",) * len(us.codes)
    )
    ru = load_classification(d / "regions_ru_subjects.csv", system="iso3166-2:RU", vintage="2008")
    ru = Classification(ru.system, ru.vintage, ru.codes, ru.names, ("RU",) * len(ru.codes), "geoBoundaries")
    clusters = load_classification(
        d / "uscmp_clusters.csv", system="uscmp-cluster", vintage="2016", source="US Cluster Mapping Project"
    )
    with open(d / "uscmp_clusters.csv", encoding="utf-8", newline="") as f:
        kinds = {r["code"]: ("traded" if r["traded"] == "true" else "local") for r in csv.DictReader(f)}
    clusters = Classification(
        clusters.system,
        clusters.vintage,
        clusters.codes,
        clusters.names,
        tuple(kinds[c] for c in clusters.codes),
        clusters.source,
    )
    naics = load_classification(
        d / "uscmp_naics2017_clusters.csv",
        system="naics",
        vintage="2017",
        code="industry_code",
        name="description",
    )
    nace = load_classification(d / "nace2_okved2_sections.csv", system="nace", vintage="rev2", name="name_en")
    okved = load_classification(d / "nace2_okved2_sections.csv", system="okved", vintage="2", name="name_ru")
    definition = load_cluster_definition(
        d / "uscmp_naics2017_clusters.csv",
        name="uscmp-naics2017",
        industry_system="naics",
        industry_vintage="2017",
        cluster_system="uscmp-cluster",
        cluster_vintage="2016",
        source="USCMP definitions as implemented by Emsi, via NoCo REDI (CC-BY-SA)",
    )
    crosswalks = (
        Crosswalk(
            "us-state",
            "2020",
            "iso3166-2:US",
            "2020",
            tuple((a, b, 1.0) for a, b in zip(us.codes, us_iso.codes, strict=True)),
        ),
        Crosswalk("nace", "rev2", "okved", "2", tuple((c, c, 1.0) for c in nace.codes)),
    )
    return (us, us_iso, ru, clusters, naics, nace, okved), crosswalks, (definition,)
