"""CSV exports of a priority exercise's ranking and of a roadmap's nodes and links.

UTF-8 with a byte-order mark (Excel reads it as UTF-8), comma-separated. Text that a spreadsheet would
run as a formula gets an apostrophe in front, as in the registry's exports
(:func:`clusterworks.web.registry.io.tables.protect_formula`); numbers are written as numbers.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable
from typing import Any

from clusterworks.web.core.permissions import require
from clusterworks.web.registry.io.tables import protect_formula

from .models import PriorityExercise, Roadmap
from .priorities import exercise_analysis
from .roadmaps import roadmap_analysis


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"{value:.10g}" if isinstance(value, float) else value
    return protect_formula(str(value))


def csv_bytes(header: list[str], rows: Iterable[list[Any]]) -> bytes:
    """The table as CSV bytes (UTF-8 with BOM, CRLF line ends), formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([protect_formula(name) for name in header])
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def ranking_csv(*, user: Any, exercise: PriorityExercise) -> bytes:
    """The ranking under the saved weights: one row per ranked candidate (rank, whether a priority,
    score, contribution and score per criterion), then the candidates that lack a score, unranked,
    with the reasons."""
    require(user, "priorities.view", exercise)
    analysis = exercise_analysis(exercise=exercise, detail=False)
    table = analysis.table
    keys = [c.key for c in table.criteria]
    header = [
        "rank", "priority", "candidate", "title_en", "title_ru", "score",
        *[f"contribution:{key}" for key in keys], *[f"value:{key}" for key in keys], "missing",
    ]  # fmt: skip
    rows = []
    for row in analysis.rows:
        candidate = row.candidate
        rows.append(
            [
                row.rank, row.is_priority, candidate.key, candidate.title_en, candidate.title_ru, row.score,
                *[value for _criterion, value in row.contributions],
                *[table.values[candidate.key].get(key) for key in keys], "",
            ]
        )  # fmt: skip
    ranked = {row.candidate.key for row in analysis.rows}
    for candidate in table.candidates:
        if candidate.key in ranked:
            continue
        reasons = [f"{m.criterion}: {m.reason}" for m in table.missing if m.candidate == candidate.key]
        rows.append(
            [
                None, False, candidate.key, candidate.title_en, candidate.title_ru, None,
                *[None for _key in keys], *[table.values[candidate.key].get(key) for key in keys],
                "; ".join(reasons) or analysis.error,
            ]
        )  # fmt: skip
    return csv_bytes(header, rows)


NODE_COLUMNS = [
    "key", "layer", "title_en", "title_ru", "start_year", "end_year", "trl", "competences", "priority",
    "gap", "missing_competences",
]  # fmt: skip
LINK_COLUMNS = ["source", "target", "source_layer", "target_layer"]


def roadmap_nodes_csv(*, user: Any, roadmap: Roadmap) -> bytes:
    """One row per node: its layer, years, TRL, needed competences (codes separated by ';'), the
    priority it serves (exercise/candidate keys), and whether it is a gap, with the missing codes."""
    require(user, "roadmap.view", roadmap)
    analysis = roadmap_analysis(roadmap=roadmap, partners=False)
    rows = []
    for row in analysis.nodes:
        node = row.node
        rows.append(
            [
                node.key, node.layer, node.title_en, node.title_ru, node.start_year, node.end_year, node.trl,
                ";".join(c.code for c, _who in row.competences),
                f"{node.candidate.exercise.key}/{node.candidate.key}" if node.candidate else "",
                row.is_gap, ";".join(c.code for c in row.missing),
            ]
        )  # fmt: skip
    return csv_bytes(NODE_COLUMNS, rows)


def roadmap_links_csv(*, user: Any, roadmap: Roadmap) -> bytes:
    require(user, "roadmap.view", roadmap)
    rows = [
        [link.source.key, link.target.key, link.source.layer, link.target.layer]
        for link in roadmap.links.select_related("source", "target").order_by("source__key", "target__key")
    ]
    return csv_bytes(LINK_COLUMNS, rows)


def file_name(key: str, what: str) -> str:
    return f"clusterworks-{key}-{what}.csv"
