"""Import of organisations, clusters and memberships from CSV and XLSX (registry.io).

The fixtures are in tests/data/registry_io/. Every expected value below was worked out by hand from
those files (which line holds which mistake is said next to each expectation), not by running the code.
Identifiers: INN 7728095113 / OGRN 1027739054420 (RNRMU) and INN 7707083893 (Sberbank) are published
numbers, see tests/analytics/test_identifiers.py; 7701000019, 7701000026, 7701000033, 7801000044 and
7701000065 are made up with correct check digits, e.g. 7701000019: 7*2+7*4+0*10+1*3+0*5+0*9+0*4+0*6+1*8
= 53, 53 mod 11 = 9; OGRN 1027700000019: 102770000001 mod 11 = 9. INN 7707083894 has check digit 4 where
3 is expected (267 mod 11 = 3, the doctest of identifiers.inn_check).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusterworks.web.core.models import AuditEvent
from clusterworks.web.core.permissions import NotAllowed
from clusterworks.web.core.roles import Role
from clusterworks.web.registry.io.columns import SPECS
from clusterworks.web.registry.io.importer import ImportSource, import_files, import_sources
from clusterworks.web.registry.io.text import repair_mojibake
from clusterworks.web.registry.models import Cluster, Membership, Organisation
from tests.factories import (
    ClusterFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "data" / "registry_io"
ROOT = Path(__file__).resolve().parents[3]
VALID_BUNDLE = ("organisations_valid.csv", "clusters.csv", "memberships.csv")


@pytest.fixture
def admin():
    return user_with_role(Role.ADMIN, username="importer")


def run(user, *names, dry_run=False, kinds=None):
    return import_files([DATA / n for n in names], user=user, dry_run=dry_run, kinds=kinds)


def snapshot() -> dict:
    """Every row of every table an import writes, as plain values, and the size of the audit log."""
    links = {
        name: sorted(through.objects.values_list())
        for name, through in (
            ("competences", Organisation.competences.through),
            ("regions", Cluster.regions.through),
            ("specialisations", Cluster.specialisations.through),
        )
    }
    return {
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "clusters": list(Cluster.objects.order_by("pk").values()),
        "memberships": list(Membership.objects.order_by("pk").values()),
        **links,
        "audit": list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True)),
    }


def counts(report) -> dict:
    return {kind: summary.as_dict() for kind, summary in report.summary.items()}


def where(report) -> set[tuple]:
    return {(e.file, e.line, e.field) for e in report.errors}


# ------------------------------------------------------------------------------------ valid imports


def test_a_valid_bundle_creates_every_row_in_dependency_order(admin):
    # the memberships file comes first: keys may refer to rows of a file given later in the same import
    report = run(admin, "memberships.csv", "clusters.csv", "organisations_valid.csv")

    assert report.ok, [str(e) for e in report.errors]
    assert counts(report) == {
        "organisations": {"created": 4, "updated": 0, "unchanged": 0},
        "clusters": {"created": 2, "updated": 0, "unchanged": 0},
        "memberships": {"created": 4, "updated": 0, "unchanged": 0},
    }
    rnrmu = Organisation.objects.get(key="rnrmu")
    assert (
        rnrmu.name_ru
        == "Российский национальный исследовательский медицинский университет имени Н. И. Пирогова"
    )
    assert (rnrmu.type, rnrmu.inn, rnrmu.ogrn, rnrmu.region_id) == (
        "university",
        "7728095113",
        "1027739054420",
        "RU-MOW",
    )
    assert rnrmu.competences_text == "Clinical trials, biobanking"  # a quoted comma
    assert sorted(rnrmu.competences.values_list("code", flat=True)) == [
        "hightech-med-services.clinical-trials",
        "med-biotech",
    ]
    medtech = Organisation.objects.get(key="medtech-one")
    assert medtech.description == "A made-up company.\nSecond line of the description."  # a quoted line break
    assert medtech.illustrative is True and medtech.city == "Москва"
    bio = Organisation.objects.get(key="bioinstitute")
    assert bio.region_id == "RU-SPE"  # written 'ru-spe'
    assert bio.illustrative is True  # 'yes'
    assert sorted(bio.competences.values_list("code", flat=True)) == [
        "med-biotech.antibodies",
        "med-biotech.vaccines",
    ]
    hub = Organisation.objects.get(key="clinic-hub")
    assert (hub.type, hub.name_ru, hub.name_en, hub.region_id, hub.illustrative) == (
        "clinical_centre",
        "",
        "Clinical Hub",
        None,
        False,  # 'Clinical_Centre', '0'
    )
    spb = Cluster.objects.get(key="spb-pharma")
    assert spb.founded == dt.date(2012, 7, 1)  # written 01.07.2012
    assert sorted(spb.regions.values_list("code", flat=True)) == ["RU-LEN", "RU-SPE"]
    assert list(spb.specialisations.values_list("code", flat=True)) == ["pharma"]
    medtech_cluster = Cluster.objects.get(key="moscow-medtech")
    assert (medtech_cluster.status, medtech_cluster.founded, medtech_cluster.ended) == (
        "established",
        dt.date(2019, 3, 15),
        None,
    )
    memberships = {
        (m.cluster.key, m.organisation.key): (m.role, m.joined, m.left)
        for m in Membership.objects.select_related("cluster", "organisation")
    }
    assert memberships == {
        ("moscow-medtech", "rnrmu"): ("coordinator", dt.date(2019, 3, 15), None),
        ("moscow-medtech", "medtech-one"): ("core", dt.date(2019, 6, 1), None),
        ("moscow-medtech", "bioinstitute"): ("member", dt.date(2020, 1, 10), dt.date(2023, 12, 31)),
        ("spb-pharma", "bioinstitute"): ("coordinator", None, None),
    }


def test_the_audit_log_records_one_event_per_created_row_with_the_importer(admin):
    run(admin, *VALID_BUNDLE)

    events = AuditEvent.objects.filter(source="import")
    assert events.count() == 4 + 2 + 4
    assert set(events.values_list("actor_label", "action")) == {("importer", "create")}
    assert {e.actor for e in events} == {admin}
    rnrmu = Organisation.objects.get(key="rnrmu")
    event = events.get(model="registry.Organisation", object_id=str(rnrmu.pk))
    assert event.changes["key"] == [None, "rnrmu"]
    assert event.changes["region_id"] == [None, "RU-MOW"]
    assert event.changes["competences"] == [None, ["hightech-med-services.clinical-trials", "med-biotech"]]
    membership = events.filter(model="registry.Membership").first()
    assert set(membership.changes) >= {"cluster_id", "organisation_id", "role"}


def test_reimporting_the_same_files_changes_nothing_and_records_nothing(admin):
    run(admin, *VALID_BUNDLE)
    before = snapshot()

    report = run(admin, *VALID_BUNDLE)

    assert report.ok and report.audit_events == 0
    assert counts(report) == {
        "organisations": {"created": 0, "updated": 0, "unchanged": 4},
        "clusters": {"created": 0, "updated": 0, "unchanged": 2},
        "memberships": {"created": 0, "updated": 0, "unchanged": 4},
    }
    assert snapshot() == before


def test_an_update_writes_only_what_changed_and_audits_old_and_new(admin):
    run(admin, *VALID_BUNDLE)
    # Only three columns: the others are left as they are. rnrmu's city changes, medtech-one is as before.
    text = (
        "key,name_en,type,city,competences\n"
        "rnrmu,Pirogov Russian National Research Medical University,university,Moskva,med-biotech\n"
        "medtech-one,Medtech One LLC,company_sme,Москва,med-equipment.imaging\n"
    )
    report = import_sources([ImportSource("update.csv", text.encode())], user=admin)

    assert counts(report) == {"organisations": {"created": 0, "updated": 1, "unchanged": 1}}
    rnrmu = Organisation.objects.get(key="rnrmu")
    assert rnrmu.city == "Moskva" and rnrmu.inn == "7728095113"  # inn not in the file: kept
    assert list(rnrmu.competences.values_list("code", flat=True)) == ["med-biotech"]
    event = AuditEvent.objects.filter(source="import", action="update").get()
    assert event.changes == {
        "city": ["Moscow", "Moskva"],
        "competences": [["hightech-med-services.clinical-trials", "med-biotech"], ["med-biotech"]],
    }


def test_a_coordinator_can_hand_over_in_one_import(admin):
    cluster = ClusterFactory(key="handover")
    old = MembershipFactory(
        cluster=cluster, organisation=OrganisationFactory(key="old-coordinator"), role="coordinator"
    )
    OrganisationFactory(key="new-coordinator")
    text = "cluster,organisation,role\nhandover,new-coordinator,coordinator\nhandover,old-coordinator,core\n"

    report = import_sources([ImportSource("handover.csv", text.encode())], user=admin)

    assert report.ok, [str(e) for e in report.errors]
    old.refresh_from_db()
    assert old.role == "core"
    assert Membership.objects.get(cluster=cluster, role="coordinator").organisation.key == "new-coordinator"


def test_dry_run_validates_and_counts_but_writes_nothing(admin):
    before = snapshot()
    report = run(admin, *VALID_BUNDLE, dry_run=True)
    assert report.ok and report.dry_run and not report.written
    assert counts(report)["organisations"] == {"created": 4, "updated": 0, "unchanged": 0}
    assert snapshot() == before

    run(admin, *VALID_BUNDLE)
    text = "key,name_en,type\nclinic-hub,Clinical Hub (renamed),clinical_centre\n"
    before = snapshot()
    report = import_sources([ImportSource("rename.csv", text.encode())], user=admin, dry_run=True)
    assert counts(report) == {"organisations": {"created": 0, "updated": 1, "unchanged": 0}}
    assert report.rows[0].changes == {"name_en": ["Clinical Hub", "Clinical Hub (renamed)"]}
    assert snapshot() == before


# ---------------------------------------------------------------------------------------- errors

# (file, line, field) of every mistake in the two malformed files, with the reason, worked out by hand
MALFORMED_ORGANISATIONS = {
    (1, "founded_year"),  # header: not a column of organisation files
    (3, "type"),  # 'uni'
    (4, "inn"),  # 7707083894: check digit 4, expected 3
    (5, "region"),  # RU-XXX
    (6, "name_ru/name_en"),  # both empty
    (7, "key"),  # good-one again (line 2)
    (8, "competences"),  # med-biotech.vacines (misspelt)
    (9, "illustrative"),  # 'maybe'
    (10, "key"),  # 'Bad Key': upper case and a space
    (11, "inn"),  # 7701000026 is good-one's (line 2)
    (12, "website"),  # no http(s)://
    (13, "inn"),  # 7701000065 belongs to 'db-holder', in the database
    (14, "name_en"),  # 'MÃœNSTER GMBH': UTF-8 read as Windows-1252
    (15, ""),  # 13 values under 12 columns
}
MALFORMED_MEMBERSHIPS = {
    (2, "joined"),  # 2020-13-01: no month 13
    (3, "cluster"),  # cluster-db/good-one again (line 2)
    (4, "organisation"),  # 'nobody' exists nowhere
    (5, "role"),  # 'boss'
    (6, "left"),  # left 2020-01-01 before joined 2021-05-01
    (7, "role"),  # a second current coordinator (with line 8)
    (8, "role"),  # ditto
    (8, "joined"),  # 31/12/2020: neither YYYY-MM-DD nor DD.MM.YYYY
    (9, "cluster"),  # no-such-cluster
}


def test_a_malformed_bundle_reports_every_error_and_leaves_the_database_exactly_unchanged(admin):
    OrganisationFactory(key="db-holder", inn="7701000065")
    ClusterFactory(key="cluster-db")
    before = snapshot()

    report = run(admin, "organisations_malformed.csv", "memberships_malformed.csv")

    assert not report.ok and not report.written
    expected = {("organisations_malformed.csv", line, f) for line, f in MALFORMED_ORGANISATIONS} | {
        ("memberships_malformed.csv", line, f) for line, f in MALFORMED_MEMBERSHIPS
    }
    assert where(report) == expected
    assert len(report.errors) == len(expected) == 23
    assert snapshot() == before

    messages = {(e.file[:5], e.line, e.field): str(e) for e in report.errors}
    assert messages[("organ", 3, "type")] == (
        "organisations_malformed.csv, line 3, field 'type': 'uni' is not allowed; allowed: university, "
        "research_institute, clinical_centre, company_sme, company_large, authority, "
        "development_institution, other"
    )
    assert messages[("organ", 4, "inn")].endswith("INN 7707083894: check digit is 4, expected 3")
    assert "'RU-XXX' is not a region in the registry" in messages[("organ", 5, "region")]
    assert "allowed: ISO 3166-2 codes" in messages[("organ", 5, "region")]
    assert "duplicate key 'good-one': also on line 2" in messages[("organ", 7, "key")]
    assert "did you mean 'med-biotech.vaccines'" in messages[("organ", 8, "competences")]
    assert "allowed: true, false, 1, 0, yes, no" in messages[("organ", 9, "illustrative")]
    assert "INN 7701000026 is also given to 'good-one' on line 2" in messages[("organ", 11, "inn")]
    assert "already belongs to organisation 'db-holder'" in messages[("organ", 13, "inn")]
    assert "it was probably 'MÜNSTER GMBH'" in messages[("organ", 14, "name_en")]
    assert "unknown column 'founded_year'" in messages[("organ", 1, "founded_year")]
    assert "'2020-13-01' is not a date" in messages[("membe", 2, "joined")]
    assert "allowed: YYYY-MM-DD or DD.MM.YYYY" in messages[("membe", 8, "joined")]
    assert "would have 2 current coordinators" in messages[("membe", 7, "role")]
    assert "left (2020-01-01) is before joined (2021-05-01)" in messages[("membe", 6, "left")]
    by_line = [e for e in report.errors if e.field == "type"]
    assert (by_line[0].value, by_line[0].line) == ("uni", 3)


def test_messages_are_built_in_the_active_language_without_failing(admin):
    from django.utils import translation

    OrganisationFactory(key="db-holder", inn="7701000065")
    ClusterFactory(key="cluster-db")
    with translation.override("ru"):
        report = run(admin, "organisations_malformed.csv", "memberships_malformed.csv")
    assert len(report.errors) == 23 and all(e.message for e in report.errors)


def test_missing_required_columns_are_reported_once_on_the_header(admin):
    text = "key,name_en,city\nsome-org,Some Org,Tomsk\nother-org,Other Org,Omsk\n"
    report = import_sources([ImportSource("partial.csv", text.encode(), kind="organisations")], user=admin)
    assert [(e.line, e.field) for e in report.errors] == [(1, "type")]
    assert "required column 'type' is missing" in report.errors[0].message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel .xls workbook"),
        (b"\x00\x01\x02binary", "binary file"),
        (b"\n\n", "the file is empty"),
        (b"PK\x03\x04 not really a zip", "damaged"),
        (b"colour,size\nred,big\n", "cannot tell what this file holds"),
    ],
)
def test_unreadable_or_unrecognisable_files_are_reported(admin, data, message):
    report = import_sources([ImportSource("upload.csv", data)], user=admin)
    assert not report.ok
    assert message in report.errors[0].message


# --------------------------------------------------------------------------------------- formats


def _organisations_text(delimiter: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["key", "name_ru", "name_en", "type", "region", "competences", "description"])
    writer.writerow(
        [
            "sber",
            "ПАО Сбербанк",
            "Sberbank",
            "company_large",
            "RU-MOW",
            "ict-electronics;pharma",
            "Банк; кредит",
        ]
    )
    writer.writerow(["tomsk-uni", "Томский государственный университет", "", "university", "RU-TOM", "", ""])
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("encoding", "delimiter", "prefix"),
    [
        ("utf-8", ",", b""),
        ("utf-8", ";", b"\xef\xbb\xbf"),  # UTF-8 with BOM, ';' as in Russian Excel
        ("cp1251", ";", b""),  # Windows-1251: not UTF-8, so the fallback
        ("cp1251", ",", b""),
        ("utf-16", "\t", b""),  # Excel's "Unicode text": UTF-16 with BOM, tab-separated
    ],
)
def test_csv_encodings_and_delimiters_are_detected(admin, encoding, delimiter, prefix):
    data = prefix + _organisations_text(delimiter).encode(encoding)
    report = import_sources([ImportSource("orgs.csv", data)], user=admin)

    assert report.ok, [str(e) for e in report.errors]
    assert report.files[0]["delimiter"] == delimiter
    assert report.files[0]["encoding"] == {"utf-8": "utf-8-sig" if prefix else "utf-8"}.get(
        encoding, encoding
    )
    sber = Organisation.objects.get(key="sber")
    assert (sber.name_ru, sber.description) == ("ПАО Сбербанк", "Банк; кредит")
    assert Organisation.objects.get(key="tomsk-uni").name_ru == "Томский государственный университет"


def test_an_excel_sep_line_names_the_delimiter(admin):
    data = b"sep=;\nkey;name_en;type\nsemi;Semi, Colon Ltd;company_sme\n"
    report = import_sources([ImportSource("excel.csv", data)], user=admin)
    assert report.ok, [str(e) for e in report.errors]
    assert Organisation.objects.get(key="semi").name_en == "Semi, Colon Ltd"


def test_progress_is_reported_for_each_phase(admin):
    seen = []
    import_files([DATA / n for n in VALID_BUNDLE], user=admin, progress=lambda *step: seen.append(step))
    assert {phase for phase, _, _ in seen} == {"read", "validate", "write"}
    assert ("read", 3, 3) in seen and ("validate", 20, 20) in seen and ("write", 10, 10) in seen
    # 10 = 4 organisations + 2 clusters + 4 memberships; 20 = each of the 10 rows read, then planned


def test_xlsx_workbook_with_two_sheets_imports_as_a_bundle(admin, tmp_path):
    workbook = openpyxl.Workbook()
    organisations = workbook.active
    organisations.title = "organisations"
    organisations.append(["key", "name_en", "type", "inn", "region", "illustrative"])
    organisations.append(
        ["rnrmu", "Pirogov University", "university", 7728095113, "RU-MOW", False]
    )  # INN as a number
    organisations.append([])  # blank rows are skipped
    organisations.append(["medtech-one", "Medtech One", "company_sme", "7701000019", "RU-MOW", True])
    members = workbook.create_sheet("Members")  # not named after a kind: told from the header
    members.append(["cluster", "organisation", "role", "joined", "left"])
    members.append(["xlsx-cluster", "rnrmu", "coordinator", dt.datetime(2020, 2, 1), None])  # a date cell
    members.append(["xlsx-cluster", "medtech-one", "member", "15.03.2021", None])
    path = tmp_path / "bundle.xlsx"
    workbook.save(path)
    ClusterFactory(key="xlsx-cluster")

    report = import_files([path], user=admin)

    assert report.ok, [str(e) for e in report.errors]
    assert counts(report) == {
        "organisations": {"created": 2, "updated": 0, "unchanged": 0},
        "memberships": {"created": 2, "updated": 0, "unchanged": 0},
    }
    assert [f["name"] for f in report.files] == ["bundle.xlsx [organisations]", "bundle.xlsx [Members]"]
    assert Organisation.objects.get(key="rnrmu").inn == "7728095113"
    assert Organisation.objects.get(key="medtech-one").illustrative is True
    assert Membership.objects.get(organisation__key="rnrmu").joined == dt.date(2020, 2, 1)
    assert import_files([path], user=admin).summary["organisations"].unchanged == 2


def test_xlsx_errors_name_the_sheet_and_its_row(admin, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "organisations"
    sheet.append(["key", "name_en", "type"])
    sheet.append(["ok-org", "OK", "other"])
    sheet.append(["bad-org", "Bad", "company"])
    path = tmp_path / "one.xlsx"
    workbook.save(path)

    report = import_files([path], user=admin)
    assert [(e.file, e.line, e.field, e.value) for e in report.errors] == [("one.xlsx", 3, "type", "company")]


# ----------------------------------------------------------------------------------- permissions


def test_a_cluster_manager_may_write_only_the_memberships_of_their_clusters(admin):
    mine = ClusterFactory(key="mine")
    ClusterFactory(key="theirs")
    manager = user_with_role(Role.CLUSTER_MANAGER, cluster=mine, username="manager")
    clusters = (
        "key,name_en,status,regions\n"
        "brand-new,Brand New Cluster,initiative,RU-MOW\n"  # line 2: creating a cluster
        "mine,My Cluster Renamed,initiative,RU-MOW\n"  # line 3: changing a cluster, even one they manage
    )
    members = (
        "cluster,organisation,role\n"
        "mine,new-member,member\n"  # line 2: allowed
        "theirs,new-member,member\n"  # line 3: not their cluster
    )
    organisations = "key,name_en,type\nnew-member,New Member,company_sme\n"  # managers register organisations
    before = snapshot()

    report = import_sources(
        [
            ImportSource("c.csv", clusters.encode()),
            ImportSource("m.csv", members.encode()),
            ImportSource("o.csv", organisations.encode()),
        ],
        user=manager,
    )

    assert [(e.file, e.line, e.field) for e in report.errors] == [
        ("c.csv", 2, "key"),
        ("c.csv", 3, "key"),
        ("m.csv", 3, "cluster"),
    ]
    assert (
        report.errors[0].message
        == "you may not create clusters: only platform administrators register clusters"
    )
    assert "you may not change cluster 'mine' by import" in report.errors[1].message
    assert report.errors[2].message == (
        "you may not change the members of cluster 'theirs': "
        "only this cluster's managers may change its members"
    )
    assert snapshot() == before

    own_members_only = "\n".join(members.splitlines()[:2])  # the header and line 2
    report = import_sources(
        [ImportSource("m.csv", own_members_only.encode()), ImportSource("o.csv", organisations.encode())],
        user=manager,
    )
    assert report.ok, [str(e) for e in report.errors]
    assert Membership.objects.get(organisation__key="new-member").cluster == mine
    assert AuditEvent.objects.filter(source="import", actor=manager).count() == 2


def test_an_unchanged_cluster_row_needs_no_permission(admin):
    run(admin, *VALID_BUNDLE)
    manager = user_with_role(Role.CLUSTER_MANAGER, cluster=Cluster.objects.get(key="moscow-medtech"))
    report = run(manager, "clusters.csv", "memberships.csv")
    assert report.ok, [str(e) for e in report.errors]


def test_users_without_the_import_permission_are_refused():
    analyst = user_with_role(Role.ANALYST)
    with pytest.raises(NotAllowed, match="only cluster managers and administrators import"):
        run(analyst, "organisations_valid.csv")
    with pytest.raises(NotAllowed):
        run(UserFactory(), "organisations_valid.csv")


# ---------------------------------------------------------------------------------- a real file


# The CORDIS FP7 sample (tests/data/registry_io/cordis_fp7_organisations.csv, made by
# derive_cordis_fixture.py): lines 2-21 are sound; below, each damaged cell found by reading the file.
CORDIS_ERRORS = {
    (22, "name_en"),
    (22, "city"),  # 52Â°NORTH ... / MÃœNSTER
    (23, "name_en"),  # ???????? ... (a Greek name lost)
    (24, "name_en"),  # ?ESKÃ� REPUBLIKA: U+FFFD
    (25, "name_en"),  # ZL?SKI
    (26, "website"),  # two addresses
    (27, "name_en"),
    (28, "name_en"),
    (29, "name_en"),  # KLINIKKASÃ„Ã„TIÃ–, MÃ†RSK, ESPAÃ‘A
    (30, "city"),
    (31, "name_en"),
    (32, "city"),
    (33, "city"),
    (34, "city"),
    (35, "city"),
    (36, "name_en"),  # ESPAÃ‘A
    (37, "name_en"),  # GRÃ�FICA: U+FFFD
    (38, "name_en"),
    (39, "name_en"),
    (40, "name_en"),
    (40, "city"),
    (41, "name_en"),
    (42, "website"),
    (43, "website"),
    (44, "name_en"),
    (45, "name_en"),
    (46, "name_en"),  # U+FFFD
    (47, "website"),
    (48, "name_en"),
    (48, "city"),  # BA?AR ... / Ã‡ankaya
    (49, "website"),
    (50, "name_en"),  # M?SZAKI F?ISKOLA
    (51, "name_en"),  # FÃƒ?R: mojibake twice, and a letter lost
}
CORDIS_LOST = {23, 24, 25, 37, 44, 45, 46, 48, 50, 51}  # names that cannot be repaired


def test_a_real_messy_file_gives_clear_errors_and_then_clean_results(admin):
    path = DATA / "cordis_fp7_organisations.csv"
    report = import_files([path], user=admin)

    assert {(e.line, e.field) for e in report.errors} == CORDIS_ERRORS
    assert Organisation.objects.count() == 0
    messages = {(e.line, e.field): e.message for e in report.errors}
    assert (
        messages[(22, "city")]
        == "'MÃœNSTER' looks garbled by a wrong text encoding (mojibake); it was probably 'MÜNSTER'"
    )
    assert "replacement character" in messages[(24, "name_en")]
    assert "has '?' where letters were lost" in messages[(25, "name_en")]
    assert "holds more than one web address" in messages[(43, "website")]
    assert "letters were lost" in messages[(51, "name_en")]
    assert report.files[0]["delimiter"] == ";"

    # Clean it as a user would: take the suggested repairs, keep the first web address, drop the rows
    # whose names were lost. 50 rows - 10 lost = 40 organisations.
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    header = rows[0]
    cleaned = [header]
    for line, row in enumerate(rows[1:], start=2):
        if line in CORDIS_LOST:
            continue
        row = [repair_mojibake(cell) or cell for cell in row]
        website = header.index("website")
        row[website] = re.split(r"[\s;,]+", row[website])[0]
        cleaned.append(row)
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(cleaned)

    report = import_sources([ImportSource("cordis-cleaned.csv", buffer.getvalue().encode())], user=admin)

    assert report.ok, [str(e) for e in report.errors]
    assert counts(report) == {"organisations": {"created": 40, "updated": 0, "unchanged": 0}}
    north = Organisation.objects.get(key="fp7-833aa5f37a10")
    assert (north.name_en, north.city) == (
        "52°NORTH INITIATIVE FOR GEOSPATIAL OPEN SOURCE SOFTWARE GMBH",
        "MÜNSTER",
    )
    assert Organisation.objects.get(key="fp7-e7faf1e892a3").city == "KVISTGÅRD"
    assert Organisation.objects.get(key="fp7-f5a50715a011").website == "http://www.akeoplus.com"


# ------------------------------------------------------------------------------------ efficiency


def _organisations_csv(n: int) -> bytes:
    lines = ["key,name_en,type,region,competences"]
    lines += [f"bulk-{i:05d},Bulk {i},company_sme,RU-MOW,med-biotech;pharma" for i in range(n)]
    return "\n".join(lines).encode()


def test_the_number_of_queries_does_not_grow_with_the_rows(admin):
    queries = []
    for n, prefix in ((30, "a"), (300, "b")):
        data = _organisations_csv(n).replace(b"bulk-", prefix.encode() + b"-bulk-")
        with CaptureQueriesContext(connection) as captured:
            report = import_sources([ImportSource("bulk.csv", data)], user=admin)
        assert report.ok
        queries.append(len(captured))
    # inserts are batched by the database's parameter limit, so a few more batches, never one per row
    assert queries[1] <= queries[0] + 15, queries


# ------------------------------------------------------------------------------------------ docs


def test_every_column_is_documented():
    text = (ROOT / "docs" / "import-export.md").read_text(encoding="utf-8")
    for kind, spec in SPECS.items():
        section = text.split(f"### {kind}", 1)[1].split("\n### ", 1)[0]
        for column in spec.columns:
            assert f"| `{column.name}` |" in section, f"{kind}.{column.name} is not documented"


# ------------------------------------------------------------------------------------------- web


def test_the_import_page_needs_the_import_permission(client):
    url = reverse("registry-import")
    assert client.get(url).status_code == 302  # to the log-in page
    client.force_login(user_with_role(Role.ANALYST))
    assert client.get(url).status_code == 403


def test_the_import_page_shows_the_form_and_export_links(client, admin):
    client.force_login(admin)
    response = client.get(reverse("registry-import"))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'enctype="multipart/form-data"' in content
    assert f"{reverse('registry-export')}?kind=organisations&amp;format=xlsx" in content


def _upload(client, name: str, data: bytes, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("registry-import"), {"file": SimpleUploadedFile(name, data), "kind": "", **fields}
    )


def test_a_dry_run_upload_shows_the_summary_and_writes_nothing(client, admin):
    client.force_login(admin)
    response = _upload(client, "orgs.csv", (DATA / "organisations_valid.csv").read_bytes(), dry_run="on")
    assert response.status_code == 200
    assert response.context["report"].ok
    assert response.context["summary"][0][1].created == 4
    assert "Dry run" in response.content.decode()
    assert Organisation.objects.count() == 0

    response = _upload(client, "orgs.csv", (DATA / "organisations_valid.csv").read_bytes())
    assert response.context["report"].written
    assert Organisation.objects.count() == 4
    assert set(AuditEvent.objects.values_list("source", flat=True)) == {"import"}


def test_an_upload_with_errors_shows_the_error_table(client, admin):
    client.force_login(admin)
    response = _upload(
        client, "bad.csv", (DATA / "organisations_malformed.csv").read_bytes(), kind="organisations"
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert (
        len(response.context["errors"]) == 13
    )  # the 14 of the malformed-bundle test but line 13 (no db-holder here)
    assert "<td>3</td>" in content and "&#x27;uni&#x27; is not allowed" in content
    assert Organisation.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("orgs.txt", b"key,name_en,type\n", "Upload a .csv or .xlsx file"),
        ("orgs.xlsx", b"key,name_en,type\n", "not an Excel .xlsx workbook"),
        ("orgs.csv", b"PK\x03\x04rest", "This is a spreadsheet, not CSV text"),
    ],
)
def test_the_upload_form_checks_the_file_type(client, admin, name, data, message):
    client.force_login(admin)
    response = _upload(client, name, data)
    assert message in response.content.decode()
    assert response.context["report"] is None


def test_the_upload_form_refuses_files_over_the_limit(client, admin, monkeypatch):
    from clusterworks.web.registry import io_views

    monkeypatch.setattr(io_views, "MAX_UPLOAD_BYTES", 10)
    client.force_login(admin)
    response = _upload(client, "orgs.csv", b"key,name_en,type\nbig,Big,other\n")
    assert "the limit is 10\xa0bytes" in response.content.decode()
