"""Export the register with exactly the import columns, so that an export re-imports as "unchanged".

CSV is streamed a few hundred rows at a time (the rows are read with ``QuerySet.iterator``), so an
export of any size needs little memory; XLSX is written in openpyxl's write-only mode.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

from clusterworks.web.core.permissions import require

from .. import selectors
from ..models import Cluster, Membership, Organisation
from .columns import KINDS, SPECS
from .errors import UnknownCluster, UnknownKind, quote
from .tables import csv_chunks, write_xlsx

FORMATS = ("csv", "xlsx")
CHUNK_SIZE = 2000


def _codes(related: Any, field: str) -> str:
    return ";".join(sorted(getattr(item, field) for item in related.all()))


def _organisation(o: Organisation) -> list[Any]:
    return [
        o.key,
        o.name_ru,
        o.name_en,
        o.short_name,
        o.type,
        o.inn,
        o.ogrn,
        o.region_id or "",
        o.city,
        o.website,
        _codes(o.competences, "code"),
        o.competences_text,
        o.description,
        "true" if o.illustrative else "false",
    ]


def _cluster(c: Cluster) -> list[Any]:
    return [
        c.key,
        c.name_ru,
        c.name_en,
        c.status,
        _codes(c.regions, "code"),
        _codes(c.specialisations, "code"),
        c.founded,
        c.ended,
        c.website,
        c.description_en,
        c.description_ru,
    ]


def _membership(m: Membership) -> list[Any]:
    return [m.cluster.key, m.organisation.key, m.role, m.joined, m.left]


ROWS = {
    "organisations": (selectors.organisations_for_export, _organisation),
    "clusters": (selectors.clusters_for_export, _cluster),
    "memberships": (selectors.memberships_for_export, _membership),
}


def header(kind: str) -> list[str]:
    return SPECS[kind].names


def rows(kind: str, *, cluster_key: str = "") -> Iterator[list[Any]]:
    """The rows of ``kind`` in key order, as lists of values in the order of :func:`header`."""
    select, to_row = ROWS[kind]
    for obj in select(cluster_key=cluster_key).iterator(chunk_size=CHUNK_SIZE):
        yield to_row(obj)


def registry_export(*, user: Any, kind: str, cluster_key: str = "") -> tuple[list[str], Iterator[list[Any]]]:
    """Check the user may export, then give the header and the rows of ``kind`` (of one cluster)."""
    require(user, "registry.export")
    if kind not in KINDS:
        raise UnknownKind(
            _("unknown kind %(kind)s; allowed: %(kinds)s") % {"kind": quote(kind), "kinds": ", ".join(KINDS)}
        )
    if cluster_key and not Cluster.objects.filter(key=cluster_key).exists():
        raise UnknownCluster(_("there is no cluster with the key %(key)s") % {"key": quote(cluster_key)})
    return header(kind), rows(kind, cluster_key=cluster_key)


def export_csv(
    *, user: Any, kind: str, cluster_key: str = "", delimiter: str = ",", bom: bool = True
) -> Iterator[bytes]:
    """CSV bytes in chunks (UTF-8 with BOM by default, so that Excel reads it as UTF-8)."""
    names, values = registry_export(user=user, kind=kind, cluster_key=cluster_key)
    return csv_chunks(names, values, delimiter=delimiter, bom=bom)


def export_xlsx(*, user: Any, kind: str, out: BinaryIO, cluster_key: str = "") -> int:
    """Write an XLSX workbook with one worksheet named after ``kind``; return the number of rows."""
    names, values = registry_export(user=user, kind=kind, cluster_key=cluster_key)
    return write_xlsx(names, values, out, sheet_title=kind)


def file_name(kind: str, fmt: str, *, cluster_key: str = "", today: Any = None) -> str:
    import datetime as dt

    day = (today or dt.date.today()).isoformat()
    return f"clusterworks-{kind}{'-' + cluster_key if cluster_key else ''}-{day}.{fmt}"
