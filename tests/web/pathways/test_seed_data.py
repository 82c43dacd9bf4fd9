"""The gate catalogues as data: the CSV files are consistent, and the data migration loads them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from clusterworks.web.core.models import AuditEvent
from clusterworks.web.pathways import reference
from clusterworks.web.pathways.models import (
    Agency,
    ClockKind,
    Gate,
    GateCatalogue,
    ProductType,
    RiskClass,
    Stage,
)

AGENCIES = reference.read_csv("agencies.csv")
CATALOGUES = reference.read_csv("catalogues.csv")
GATES = reference.read_csv("gates.csv")


def _gates_of(catalogue: str) -> list[dict[str, str]]:
    return [g for g in GATES if g["catalogue"] == catalogue]


def test_every_agency_a_gate_names_exists_and_keys_are_unique():
    keys = [a["key"] for a in AGENCIES]
    assert len(keys) == len(set(keys))
    for gate in GATES:
        assert gate["agency"] == "" or gate["agency"] in keys, gate
    for agency in AGENCIES:
        assert agency["name_en"] and agency["name_ru"] and agency["short_en"] and agency["short_ru"]


def test_every_gate_belongs_to_a_catalogue_and_positions_run_one_two_three():
    keys = {c["key"] for c in CATALOGUES}
    assert {g["catalogue"] for g in GATES} == keys  # no catalogue without gates, no stray gate
    for catalogue in keys:
        gates = _gates_of(catalogue)
        assert [int(g["position"]) for g in gates] == list(range(1, len(gates) + 1)), catalogue
        gate_keys = [g["key"] for g in gates]
        assert len(gate_keys) == len(set(gate_keys)), catalogue
        assert gates[-1]["key"] == "market-launch"


def test_clocks_are_consistent():
    for gate in GATES:
        assert gate["clock_kind"] in ClockKind.values, gate
        assert gate["stage"] in Stage.values, gate
        if gate["clock_kind"] == ClockKind.NONE:
            assert gate["clock_days"] == "", gate
        else:
            assert int(gate["clock_days"]) > 0, gate
        low, high = gate["typical_days_low"], gate["typical_days_high"]
        assert (low == "") == (high == ""), gate
        if low:
            assert 0 < int(low) <= int(high), gate
        classes = [c for c in gate["device_classes"].split(",") if c]
        assert set(classes) <= set(RiskClass.values), gate
        if classes:  # risk classes only make sense for devices
            assert gate["catalogue"].startswith("device-"), gate


def test_the_statutory_clocks_of_the_law():
    clocks = {(g["catalogue"], g["key"]): (g["clock_kind"], g["clock_days"]) for g in GATES}
    # 61-FZ: expert and ethics review 30 working days, the Ministry's permit 5 working days after them
    assert clocks["medicine-61fz-2015", "ct-application-review"] == ("working", "30")
    assert clocks["medicine-61fz-2015", "ct-permit"] == ("working", "5")
    # state registration: 210 working days in the 2010 text, 160 after 429-FZ
    assert clocks["medicine-61fz-2010", "state-registration"] == ("working", "210")
    assert clocks["medicine-61fz-2015", "state-registration"] == ("working", "160")
    assert clocks["medicine-61fz-2015", "production-licence"] == ("working", "45")
    assert clocks["medicine-61fz-2015", "gmp-conclusion"][0] == "none"
    assert clocks["device-1416", "device-registration"] == ("working", "50")
    assert [g["agency"] for g in _gates_of("medicine-61fz-2015")] == [
        "testing-labs",
        "sceemp",
        "minzdrav",
        "clinical-sites",
        "minpromtorg",
        "minzdrav",
        "minpromtorg",
        "",
    ]


def test_each_product_type_has_versions_in_force_one_after_another():
    by_type: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in CATALOGUES:
        assert row["product_type"] in ProductType.values
        by_type[row["product_type"]].append(row)
    assert set(by_type) == set(ProductType.values)
    by_key = {row["key"]: row for row in CATALOGUES}
    for product_type, rows in by_type.items():
        rows.sort(key=lambda r: r["effective_from"])
        for row in rows:
            start = dt.date.fromisoformat(row["effective_from"])
            if row["effective_to"]:
                assert dt.date.fromisoformat(row["effective_to"]) >= start
        assert rows[-1]["effective_to"] == "", product_type  # the latest version is in force
        for before, after in zip(rows, rows[1:], strict=False):
            # the new version starts the day after the old one ends, and says it replaces it
            assert dt.date.fromisoformat(before["effective_to"]) + dt.timedelta(
                days=1
            ) == dt.date.fromisoformat(after["effective_from"])
            assert after["supersedes"] == before["key"]
        for row in rows:
            if row["supersedes"]:
                assert by_key[row["supersedes"]]["product_type"] == product_type
                # files list a version after the one it supersedes (the loader relies on it)
                assert CATALOGUES.index(by_key[row["supersedes"]]) < CATALOGUES.index(row)


def test_resolution_1684_replaces_1416_on_1_march_2025():
    by_key = {row["key"]: row for row in CATALOGUES}
    old, new = by_key["device-1416"], by_key["device-1684"]
    assert (old["effective_from"], old["effective_to"]) == ("2013-01-01", "2025-02-28")
    assert (new["effective_from"], new["effective_to"], new["supersedes"]) == (
        "2025-03-01",
        "",
        "device-1416",
    )
    assert "1416 of 27.12.2012" in old["legal_basis"]
    assert "1684 of 30.11.2024" in new["legal_basis"]


@pytest.mark.django_db
def test_the_migration_loaded_the_files():
    assert Agency.objects.filter(key__in=[a["key"] for a in AGENCIES]).count() == len(AGENCIES)
    assert GateCatalogue.objects.filter(key__in=[c["key"] for c in CATALOGUES]).count() == len(CATALOGUES)
    new = GateCatalogue.objects.get(key="device-1684")
    assert new.supersedes.key == "device-1416"
    assert new.effective_from == dt.date(2025, 3, 1) and new.effective_to is None
    gates = list(Gate.objects.filter(catalogue=new).order_by("position"))
    assert [g.key for g in gates] == [g["key"] for g in _gates_of("device-1684")]
    registration = Gate.objects.get(catalogue__key="medicine-61fz-2015", key="state-registration")
    assert registration.agency.key == "minzdrav"
    assert (registration.clock_kind, registration.clock_days) == ("working", 160)
    # ';'-separated documents become one per line
    assert registration.documents_en.splitlines() == [
        "Registration dossier",
        "clinical-trial report",
        "GMP conclusion",
    ]
    for gate in Gate.objects.filter(catalogue__key__in=[c["key"] for c in CATALOGUES]):
        gate.full_clean()  # the model's validators accept every row
    inspection = Gate.objects.get(catalogue=new, key="production-inspection")
    assert inspection.applies_to("3") and not inspection.applies_to("1")


@pytest.mark.django_db
def test_loading_again_changes_nothing_and_repairs_edits():
    before = AuditEvent.objects.count()
    counts = reference.load_catalogues()
    assert counts == {"agencies": len(AGENCIES), "catalogues": len(CATALOGUES), "gates": len(GATES)}
    assert AuditEvent.objects.count() == before  # idempotent: nothing saved
    # an edited clock and swapped positions are put back (the positions are unique per catalogue)
    first, second = Gate.objects.filter(catalogue__key="device-1416").order_by("position")[:2]
    Gate.objects.filter(pk=first.pk).update(position=99)
    Gate.objects.filter(pk=second.pk).update(position=1, clock_days=7, clock_kind="working")
    Gate.objects.filter(pk=first.pk).update(position=2)
    reference.load_catalogues()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.key, first.position) == ("technical-tests", 1)
    assert (second.key, second.position, second.clock_kind, second.clock_days) == (
        "toxicology",
        2,
        "none",
        None,
    )
