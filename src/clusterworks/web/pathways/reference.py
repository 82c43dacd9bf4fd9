"""The gate catalogues as versioned CSV files in ``data/`` (see ``data/README.md``): agencies, catalogue
versions and their ordered gates. :func:`load_catalogues` upserts them on their keys; data migrations call
it when the files change. Rows the files do not hold (catalogue versions made by administrators) are left
alone."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"

AGENCY_FIELDS = ("name_en", "name_ru", "short_en", "short_ru", "website")
CATALOGUE_FIELDS = ("product_type", "name_en", "name_ru", "legal_basis", "effective_from", "effective_to")
GATE_FIELDS = (
    "position",
    "name_en",
    "name_ru",
    "stage",
    "legal_basis",
    "clock_kind",
    "clock_days",
    "typical_days_low",
    "typical_days_high",
    "device_classes",
    "documents_en",
    "documents_ru",
)
_PARKED = 10_000  # positions are unique per catalogue: gates that move are parked above this first


def read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _int(value: str) -> int | None:
    return int(value) if value else None


def _lines(value: str) -> str:
    """Documents are ';'-separated in the files and one per line in the database."""
    return "\n".join(part.strip() for part in value.split(";") if part.strip())


def catalogue_values(row: dict[str, str]) -> dict[str, Any]:
    return {
        "product_type": row["product_type"],
        "name_en": row["name_en"],
        "name_ru": row["name_ru"],
        "legal_basis": row["legal_basis"],
        "effective_from": _date(row["effective_from"]),
        "effective_to": _date(row["effective_to"]),
    }


def gate_values(row: dict[str, str]) -> dict[str, Any]:
    return {
        "position": int(row["position"]),
        "name_en": row["name_en"],
        "name_ru": row["name_ru"],
        "stage": row["stage"],
        "legal_basis": row["legal_basis"],
        "clock_kind": row["clock_kind"],
        "clock_days": _int(row["clock_days"]),
        "typical_days_low": _int(row["typical_days_low"]),
        "typical_days_high": _int(row["typical_days_high"]),
        "device_classes": row["device_classes"],
        "documents_en": _lines(row["documents_en"]),
        "documents_ru": _lines(row["documents_ru"]),
    }


def _upsert(obj: Any, values: dict[str, Any]) -> bool:
    changed = obj.pk is None or any(getattr(obj, field) != value for field, value in values.items())
    if changed:
        for field, value in values.items():
            setattr(obj, field, value)
        obj.save()
    return changed


def load_catalogues(apps: Any = None) -> dict[str, int]:
    """Upsert agencies, catalogues and gates from the files; return how many rows of each they hold.

    ``apps`` is the historical app registry when called from a migration.
    """
    runtime = apps is None
    if runtime:
        from django.apps import apps
    Agency = apps.get_model("pathways", "Agency")
    GateCatalogue = apps.get_model("pathways", "GateCatalogue")
    Gate = apps.get_model("pathways", "Gate")

    agencies = read_csv("agencies.csv")
    agency_by_key = {a.key: a for a in Agency.objects.all()}
    for row in agencies:
        agency = agency_by_key.get(row["key"]) or Agency(key=row["key"])
        _upsert(agency, {f: row[f] for f in AGENCY_FIELDS})
        agency_by_key[row["key"]] = agency

    catalogues = read_csv("catalogues.csv")  # a version follows the one it supersedes
    catalogue_by_key = {c.key: c for c in GateCatalogue.objects.all()}
    for row in catalogues:
        catalogue = catalogue_by_key.get(row["key"]) or GateCatalogue(key=row["key"])
        values = catalogue_values(row)
        values["supersedes_id"] = catalogue_by_key[row["supersedes"]].pk if row["supersedes"] else None
        _upsert(catalogue, values)
        catalogue_by_key[row["key"]] = catalogue

    gates = read_csv("gates.csv")
    rows_by_catalogue: dict[str, list[dict[str, str]]] = {}
    for row in gates:
        rows_by_catalogue.setdefault(row["catalogue"], []).append(row)
    for catalogue_key, rows in rows_by_catalogue.items():
        catalogue = catalogue_by_key[catalogue_key]
        existing = {g.key: g for g in Gate.objects.filter(catalogue=catalogue)}
        moving = [
            existing[row["key"]]
            for row in rows
            if row["key"] in existing and existing[row["key"]].position != int(row["position"])
        ]
        for gate in moving:
            gate.position += _PARKED
            gate.save(update_fields=["position"])
        for row in rows:
            gate = existing.get(row["key"]) or Gate(catalogue=catalogue, key=row["key"])
            values = gate_values(row)
            values["agency_id"] = agency_by_key[row["agency"]].pk if row["agency"] else None
            _upsert(gate, values)
    if runtime:
        from clusterworks.web.core.page_cache import bump_data_version

        bump_data_version()
    return {"agencies": len(agencies), "catalogues": len(catalogues), "gates": len(gates)}
