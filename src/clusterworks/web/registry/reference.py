"""Reference data kept as versioned CSV files in ``data/``: regions (ISO 3166-2) and the competence
vocabulary. :func:`load_reference_data` upserts them; data migrations call it when the files change."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_reference_data(apps: Any = None) -> dict[str, int]:
    """Upsert regions and competences; return how many rows of each the files hold.

    ``apps`` is the historical app registry when called from a migration.
    """
    runtime = apps is None
    if runtime:
        from django.apps import apps
    Region = apps.get_model("registry", "Region")
    Competence = apps.get_model("registry", "Competence")

    regions = read_csv("regions.csv")
    existing = {r.code: r for r in Region.objects.all()}
    for row in regions:
        region = existing.get(row["code"]) or Region(code=row["code"])
        changed = region.pk is None or any(
            getattr(region, f) != row[f] for f in ("country", "name_en", "name_ru", "kind")
        )
        if changed:
            for field in ("country", "name_en", "name_ru", "kind"):
                setattr(region, field, row[field])
            region.save()

    terms = read_csv("competences.csv")  # parents precede their children
    by_code = {c.code: c for c in Competence.objects.all()}
    for row in terms:
        term = by_code.get(row["code"]) or Competence(code=row["code"])
        parent = by_code[row["parent"]] if row["parent"] else None
        if term.pk is None or (term.name_en, term.name_ru, term.parent_id) != (
            row["name_en"],
            row["name_ru"],
            parent.pk if parent else None,
        ):
            term.name_en, term.name_ru, term.parent = row["name_en"], row["name_ru"], parent
            term.save()
        by_code[row["code"]] = term
    if runtime:
        from clusterworks.web.core.page_cache import bump_data_version

        bump_data_version()
    return {"regions": len(regions), "competences": len(terms)}
