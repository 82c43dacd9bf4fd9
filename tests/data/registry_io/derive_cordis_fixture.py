"""Derive ``cordis_fp7_organisations.csv``, a small real-world messy organisations file, from the CORDIS
FP7 participants table in ``shared/data/cordis_fp7_h2020_sod/fp7_orgs_clean.csv`` (see its SOURCES.md:
EU CORDIS data via Spaghetti Open Data, MIT; CORDIS data (c) European Union, reuse with attribution).

Run from the repository root: ``uv run python tests/data/registry_io/derive_cordis_fixture.py``.

Selection (deterministic, in file order, then written in file order): the first 20 rows whose name is
plain and whose web address is empty or one http(s) address; the first 10 whose name is mojibake that can
be repaired; the first 5 whose name holds U+FFFD; the first 5 whose name has '?' for lost letters; the
first 5 whose web address field holds several addresses or none with a scheme; the first 5 with a plain
name but mojibake in the city. Mapping to the import columns, kept as the source has it otherwise:
key = "fp7-" + the first 12 characters of new_org_id; name_en = name; short_name = shortName;
type guessed from words of the name (the FP7 table has no activity type); city; website =
organizationUrl; description = "FP7 participant, country XX"; illustrative = false. No region: the
register holds Russian and US regions only. Written ';'-separated in UTF-8 like the source.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SOURCE = ROOT.parent / "shared" / "data" / "cordis_fp7_h2020_sod" / "fp7_orgs_clean.csv"
TARGET = HERE / "cordis_fp7_organisations.csv"

sys.path.insert(0, str(ROOT / "src"))
from clusterworks.web.registry.io.text import repair_mojibake  # noqa: E402  (pure Python, no Django)

TYPE_WORDS = [
    ("university", r"UNIVERS|HOCHSCHULE|COLLEGE|POLITECNIC|SCHOOL|ACADEM"),
    ("clinical_centre", r"HOSPITAL|KLINIK|CLINIC|HOPITAL|OSPEDAL"),
    ("research_institute", r"INSTITU|RESEARCH|FORSCHUNG|LABORATO|CENTRE|CENTER|CENTRO|FOUNDATION|STICHTING"),
    ("authority", r"MINIST|AGENC|AYUNTAMIENTO|COUNCIL|MUNICIPAL|BUNDESANSTALT|REPUBLI"),
    (
        "company_sme",
        r"\b(GMBH|AG|SA|S A|SL|S L|SRL|SPA|LTD|LIMITED|AB|AS|A/S|BV|NV|OY|SAS|SARL|PLC|INC|KG)\b",
    ),
]


def guess_type(name: str) -> str:
    for kind, pattern in TYPE_WORDS:
        if re.search(pattern, name.upper()):
            return kind
    return "other"


def single_url(url: str) -> bool:
    return url == "" or re.fullmatch(r"https?://[^\s;,]+", url) is not None


def main() -> None:
    with SOURCE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    wanted = {"clean": 20, "mojibake": 10, "fffd": 5, "lost": 5, "url": 5, "city": 5}
    picked: dict[str, list[int]] = {group: [] for group in wanted}
    for index, row in enumerate(rows):
        name, city, url = row["name"], row["city"], row["organizationUrl"]
        plain_name = name.isascii() and "?" not in name and "&" not in name
        if "\ufffd" in name:
            group = "fffd"
        elif repair_mojibake(name) and "?" not in name:
            group = "mojibake"
        elif re.search(r"\?{2,}|\w\?\w", name) and "&" not in name:
            group = "lost"
        elif plain_name and not single_url(url) and city.isascii():
            group = "url"
        elif plain_name and single_url(url) and repair_mojibake(city):
            group = "city"
        elif plain_name and single_url(url) and city.isascii() and name.strip():
            group = "clean"
        else:
            continue
        if len(picked[group]) < wanted[group]:
            picked[group].append(index)
    chosen = sorted(i for indices in picked.values() for i in indices)
    with TARGET.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(
            ["key", "name_en", "short_name", "type", "city", "website", "description", "illustrative"]
        )
        for i in chosen:
            row = rows[i]
            writer.writerow(
                [
                    "fp7-" + row["new_org_id"][:12],
                    row["name"],
                    row["shortName"],
                    guess_type(row["name"]),
                    row["city"],
                    row["organizationUrl"],
                    f"FP7 participant, country {row['country']}",
                    "false",
                ]
            )
    print(
        f"wrote {len(chosen)} rows to {TARGET.relative_to(ROOT)}: "
        + ", ".join(f"{g} {len(v)}" for g, v in picked.items())
    )


if __name__ == "__main__":
    main()
