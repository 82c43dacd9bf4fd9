"""The network pages' tables as files: every table a page shows can be downloaded as CSV (UTF-8 with a
byte-order mark, so that Excel reads it right) or XLSX.

A table is a header and rows of plain values; numbers stay numbers in XLSX, text is written as text
(never a formula), as the register's export does (``registry.io``). The analysis tables' headers are
stable English column names (what analysts script against); a list of records as a page shows it (the
datasets list) is headed in the reader's language, like the page.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterworks.analytics.network.brokerage import ROLES
from clusterworks.analytics.network.communities import SECTORS
from clusterworks.analytics.network.evolution import YearSnapshot
from clusterworks.web.registry.io.tables import protect_formula

from .services.analysis import MEASURES, Analysis, community_summary, roles_by_sector, sector_bridges

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Table = tuple[list[str], Iterable[Sequence[Any]]]


def _number(value: Any) -> Any:
    if value is None:
        return None
    value = float(value)
    return None if value != value else (int(value) if value.is_integer() and abs(value) < 2**53 else value)


def nodes_table(analysis: Analysis, *, language: str, nodes: Sequence[int] | None = None) -> Table:
    """One row per organisation (all, or ``nodes``): its identity, every measure, its community
    (numbered from 1, the largest), k-core and the five brokerage roles."""
    header = [
        "organisation",
        "name",
        "type",
        "sector",
        "member",
        "country",
        "register_key",
        "clusters",
        *MEASURES,
        "kcore",
        "core",
        "community",
        *ROLES,
        "brokerage",
    ]
    chosen = analysis.order("degree") if nodes is None else nodes

    def rows() -> Iterable[list[Any]]:
        for i in chosen:
            node = analysis.nodes[int(i)]
            values = analysis.values
            yield [
                node.key,
                node.name(language),
                node.type,
                node.sector,
                "true" if node.member else "false",
                node.country,
                node.register_key,
                ";".join(node.clusters),
                *(_number(values[m][i]) for m in MEASURES),
                _number(values["kcore"][i]),
                "true" if values["core"][i] else "false",
                int(values["community"][i]) + 1,
                *(_number(values[r][i]) for r in ROLES),
                _number(values["brokerage"][i]),
            ]

    return header, rows()


def ties_table(analysis: Analysis, *, language: str) -> Table:
    """One row per tie: the two organisations, the weight and the year it began (empty if unknown)."""
    g = analysis.graph
    src, dst, weight = g.edges()
    years = g.edge_first_year()

    def rows() -> Iterable[list[Any]]:
        for a, b, w, year in zip(src.tolist(), dst.tolist(), weight.tolist(), years.tolist(), strict=True):
            first, second = analysis.nodes[a], analysis.nodes[b]
            yield [
                first.key,
                first.name(language),
                second.key,
                second.name(language),
                _number(w),
                year if year >= 0 else None,
            ]

    return ["organisation_a", "name_a", "organisation_b", "name_b", "weight", "first_year"], rows()


def communities_table(analysis: Analysis, *, language: str, shown: int = 20) -> Table:
    """One row per community: its size, ties inside and to the rest, organisations per sector and its
    ``shown`` organisations with the most partners."""
    header = ["community", "organisations", "ties_inside", "ties_out", *SECTORS, "largest"]
    rows = [
        [
            c.number + 1,
            c.size,
            c.ties_inside,
            c.ties_out,
            *(c.sectors.get(s, 0) for s in SECTORS),
            "; ".join(analysis.nodes[i].name(language) for i in c.nodes[:shown]),
        ]
        for c in community_summary(analysis)
    ]
    return header, rows


EVOLUTION_COLUMNS = (
    "year",
    "n_projects",
    "n_rows",
    "new_organisations",
    "new_ties",
    "n_nodes",
    "n_ties",
    "density",
    "average_degree",
    "components",
    "largest_component_share",
    "transitivity",
    "average_clustering",
    "modularity",
    "communities",
    "mean_path_length",
    "path_length_se",
    "path_sources",
)


def evolution_table(snapshots: Sequence[YearSnapshot]) -> Table:
    """One row per year: the year's projects and newcomers, and the cohesion of the network up to it."""
    rows = []
    for snapshot in snapshots:
        values = snapshot.as_dict()
        rows.append([_number(values[c]) for c in EVOLUTION_COLUMNS])
    return list(EVOLUTION_COLUMNS), rows


def helix_table(analysis: Analysis) -> Table:
    """One row per pair of sectors (the diagonal: within one): the share of the tie weight."""
    rows = [[a, b, _number(share)] for (a, b), share in analysis.helix.pairs().items()]
    return ["sector_a", "sector_b", "share"], rows


def bridges_table(analysis: Analysis, *, language: str) -> Table:
    """Who bridges which two sectors: one row per pair of sectors and broker, with the open pairs it
    links (every broker, not only the page's first five a pair)."""
    rows = [
        [a, b, analysis.nodes[i].key, analysis.nodes[i].name(language), pairs]
        for (a, b), found in sector_bridges(analysis, brokers=analysis.n, per_pair=analysis.n).items()
        for i, pairs in found
    ]
    return ["sector_a", "sector_b", "organisation", "name", "open_pairs"], rows


def roles_table(analysis: Analysis) -> Table:
    """One row per sector: its organisations and the sums of their brokerage roles."""
    rows = [[sector, n, *sums, sum(sums)] for sector, n, sums in roles_by_sector(analysis)]
    return ["sector", "organisations", *ROLES, "brokerage"], rows


def suggestions_table(rows: Sequence[dict[str, Any]] | None) -> Table:
    """Recommended partners as the pages list them: rank, organisation, name, type, score and the
    reasons (separated by " | ")."""
    return (
        ["rank", "organisation", "name", "type", "score", "reasons"],
        [
            [r["rank"], r["key"], r["name"], r["type"], r["score"], " | ".join(r["reasons"])]
            for r in rows or []
        ],
    )


def datasets_table(datasets: Iterable[Any]) -> Table:
    """The participation datasets as their list page shows them, one row per dataset, headed in the
    active language; the page's "years" and "imported" columns are split in two each."""
    header = [
        _("Key"),
        _("Dataset"),
        _("File"),
        _("Participations"),
        _("Projects"),
        _("Organisations"),
        _("First year"),
        _("Last year"),
        _("Imported"),
        _("Imported by"),
    ]
    rows = [
        [
            d.key,
            d.title,
            d.file_name,
            d.rows,
            d.projects,
            d.organisations,
            d.first_year,
            d.last_year,
            timezone.localdate(d.imported_at).isoformat(),
            (d.imported_by.get_full_name() or d.imported_by.get_username()) if d.imported_by else None,
        ]
        for d in datasets
    ]
    return header, rows


#: the tables of an analysed network (a cluster's or a dataset's)
ANALYSIS_TABLES = ("nodes", "ties", "communities", "evolution", "helix", "bridges", "roles")


def analysis_table(
    table: str, analysis: Analysis, *, language: str, evolution: Sequence[YearSnapshot] = ()
) -> Table:
    """The table ``table`` (one of :data:`ANALYSIS_TABLES`) of ``analysis``."""
    if table == "nodes":
        return nodes_table(analysis, language=language)
    if table == "ties":
        return ties_table(analysis, language=language)
    if table == "communities":
        return communities_table(analysis, language=language)
    if table == "evolution":
        return evolution_table(evolution)
    if table == "helix":
        return helix_table(analysis)
    if table == "bridges":
        return bridges_table(analysis, language=language)
    if table == "roles":
        return roles_table(analysis)
    raise ValueError(f"unknown table {table!r}; allowed: {', '.join(ANALYSIS_TABLES)}")


# ------------------------------------------------------------------------------------------- files


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return protect_formula(value)
    return str(value)


def csv_chunks(
    header: list[str], rows: Iterable[Sequence[Any]], *, rows_per_chunk: int = 500
) -> Iterable[bytes]:
    """CSV bytes (UTF-8 with a byte-order mark) a few hundred rows at a time; text that a spreadsheet
    would run as a formula gets an apostrophe in front, numbers (negative ones too) are written as
    they are."""
    import codecs
    import csv

    writer = csv.writer(_Echo(), lineterminator="\r\n")
    chunk = [codecs.BOM_UTF8.decode("utf-8"), writer.writerow(header)]
    for row in rows:
        chunk.append(writer.writerow([_csv_cell(v) for v in row]))
        if len(chunk) >= rows_per_chunk:
            yield "".join(chunk).encode("utf-8")
            chunk = []
    if chunk:
        yield "".join(chunk).encode("utf-8")


def write_xlsx(header: list[str], rows: Iterable[Sequence[Any]], out: io.BytesIO, *, sheet_title: str) -> int:
    """One worksheet, the header bold and frozen; numbers stay numbers, text is text (never a
    formula). Returns the number of rows."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    bold = Font(bold=True)

    def cell(value: Any) -> WriteOnlyCell:
        if isinstance(value, bool):
            value = "true" if value else "false"
        if value is None or value == "" or isinstance(value, int | float):
            return WriteOnlyCell(sheet, value=None if value == "" else value)
        written = WriteOnlyCell(sheet, value=str(value))
        written.data_type = "s"
        return written

    sheet.freeze_panes = "A2"
    heading = []
    for name in header:
        c = cell(name)
        c.font = bold
        heading.append(c)
    sheet.append(heading)
    count = 0
    for row in rows:
        sheet.append([cell(v) for v in row])
        count += 1
    workbook.save(out)
    return count


def file_name(*parts: str, fmt: str, today: dt.date | None = None) -> str:
    day = (today or dt.date.today()).isoformat()
    return "-".join(["clusterworks", *[p for p in parts if p], day]) + f".{fmt}"


def table_response(table: Table, *, fmt: str, name: str, sheet: str) -> HttpResponse:
    """The table as a download (CSV streamed, XLSX written in memory)."""
    header, rows = table
    if fmt == "csv":
        response: HttpResponse = StreamingHttpResponse(
            csv_chunks(header, rows), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(header, rows, buffer, sheet_title=sheet)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    else:
        raise ValueError(f"format is {fmt!r}; allowed: {', '.join(FORMATS)}")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
