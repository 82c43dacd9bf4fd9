"""``clusterworks registry import|export``: exit codes, one error per line on stderr, --json, --dry-run,
and an export that imports back unchanged. Fixtures: tests/data/registry_io/ (see
tests/web/registry/test_import.py for the hand-worked expectations they rest on)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from clusterworks.cli.main import cli
from clusterworks.web.core.models import AuditEvent
from clusterworks.web.core.roles import Role
from clusterworks.web.registry.models import Cluster, Membership, Organisation
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data" / "registry_io"
BUNDLE = [str(DATA / n) for n in ("organisations_valid.csv", "clusters.csv", "memberships.csv")]


@pytest.fixture
def admin():
    return user_with_role(Role.ADMIN, username="admin")


def invoke(*args: str):
    return CliRunner().invoke(cli, ["registry", *args], catch_exceptions=False)


def test_import_creates_rows_prints_a_summary_and_audits_the_user(admin):
    result = invoke("import", *BUNDLE, "--user", "admin")

    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[:3] == [
        "organisations: 4 created, 0 updated, 0 unchanged",
        "clusters: 2 created, 0 updated, 0 unchanged",
        "memberships: 4 created, 0 updated, 0 unchanged",
    ]
    assert "10 audit event(s) recorded" in result.stdout
    assert (Organisation.objects.count(), Cluster.objects.count(), Membership.objects.count()) == (4, 2, 4)
    assert set(AuditEvent.objects.values_list("actor__username", "source")) == {("admin", "import")}

    again = invoke("import", *BUNDLE, "--user", "admin")
    assert "organisations: 0 created, 0 updated, 4 unchanged" in again.stdout
    assert AuditEvent.objects.count() == 10


def test_errors_go_to_stderr_one_per_line_and_nothing_is_written(admin):
    result = invoke("import", str(DATA / "organisations_malformed.csv"), "--user", "admin")

    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[-1] == "13 error(s); nothing was written."
    assert lines[0] == (
        "organisations_malformed.csv, line 1, field 'founded_year': unknown column 'founded_year'; "
        "allowed: key, name_ru, name_en, short_name, type, inn, ogrn, region, city, website, competences, "
        "competences_text, description, illustrative"
    )
    assert lines[1].startswith(
        "organisations_malformed.csv, line 3, field 'type': 'uni' is not allowed; allowed: "
    )
    assert len(lines) == 13 + 1
    assert result.stdout == ""
    assert Organisation.objects.count() == 0


def test_json_lists_the_errors_for_machines(admin):
    result = invoke("import", str(DATA / "organisations_malformed.csv"), "--user", "admin", "--json")

    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["written"] is False
    assert report["errors"][1] == {
        "file": "organisations_malformed.csv",
        "line": 3,
        "field": "type",
        "value": "uni",
        "message": "'uni' is not allowed; allowed: university, research_institute, clinical_centre, "
        "company_sme, company_large, authority, development_institution, other",
    }


def test_dry_run_reports_what_would_change_and_writes_nothing(admin):
    result = invoke("import", *BUNDLE, "--user", "admin", "--dry-run", "--json", "--verbose")

    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["dry_run"] is True and report["written"] is False
    assert report["summary"]["memberships"] == {"created": 4, "updated": 0, "unchanged": 0}
    assert {(r["kind"], r["key"], r["action"]) for r in report["rows"]} >= {
        ("memberships", "moscow-medtech/rnrmu", "create"),
    }
    assert Organisation.objects.count() == 0 and AuditEvent.objects.count() == 0
    text = invoke("import", *BUNDLE, "--user", "admin", "--dry-run")
    assert text.stdout.splitlines()[-1] == "Dry run: nothing was written."


def test_kinds_can_be_given_per_file(admin):
    result = invoke(
        "import",
        str(DATA / "organisations_valid.csv"),
        str(DATA / "clusters.csv"),
        "--kind",
        "organisations",
        "--kind",
        "clusters",
        "--user",
        "admin",
    )
    assert result.exit_code == 0, result.stderr
    wrong = invoke("import", *BUNDLE, "--kind", "organisations", "--kind", "clusters", "--user", "admin")
    assert wrong.exit_code == 2 and "2 --kind options for 3 files" in wrong.stderr


def test_the_acting_user_must_exist_and_may_import():
    assert "there is no user 'nobody'" in invoke("import", *BUNDLE, "--user", "nobody").stderr
    user_with_role(Role.ANALYST, username="ana")
    result = invoke("import", *BUNDLE, "--user", "ana")
    assert result.exit_code == 1
    assert "ana may not import: only cluster managers and administrators import" in result.stderr


def test_export_then_import_is_unchanged_for_csv_and_xlsx(admin, tmp_path):
    invoke("import", *BUNDLE, "--user", "admin")
    files = []
    for kind, name in (("organisations", "o.csv"), ("clusters", "c.xlsx"), ("memberships", "m.csv")):
        out = tmp_path / name
        result = invoke("export", "--kind", kind, "--out", str(out), "--user", "admin", "--json")
        assert result.exit_code == 0, result.stderr
        assert (
            json.loads(result.stdout)["rows"] == {"organisations": 4, "clusters": 2, "memberships": 4}[kind]
        )
        files.append(str(out))
    assert openpyxl.load_workbook(tmp_path / "c.xlsx").sheetnames == ["clusters"]

    result = invoke("import", *files, "--user", "admin")

    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[:3] == [
        "organisations: 0 created, 0 updated, 4 unchanged",
        "clusters: 0 created, 0 updated, 2 unchanged",
        "memberships: 0 created, 0 updated, 4 unchanged",
    ]


def test_export_to_stdout_with_a_cluster_filter_and_semicolons(admin):
    invoke("import", *BUNDLE, "--user", "admin")
    result = invoke(
        "export",
        "--kind",
        "memberships",
        "--cluster",
        "spb-pharma",
        "--out",
        "-",
        "--delimiter",
        ";",
        "--user",
        "admin",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "\ufeffcluster;organisation;role;joined;left",
        "spb-pharma;bioinstitute;coordinator;;",
    ]


def test_export_errors_are_one_line(admin, tmp_path):
    out = str(tmp_path / "x.csv")
    unknown = invoke("export", "--kind", "clusters", "--cluster", "atlantis", "--out", out, "--user", "admin")
    assert unknown.exit_code == 1 and "there is no cluster with the key 'atlantis'" in unknown.stderr
    no_format = invoke("export", "--kind", "clusters", "--out", str(tmp_path / "x.ods"), "--user", "admin")
    assert no_format.exit_code == 2 and "give --format csv or xlsx" in no_format.stderr
    user_with_role(Role.EXPERT, username="expert")
    refused = invoke("export", "--kind", "clusters", "--out", out, "--user", "expert")
    assert refused.exit_code == 1 and "expert may not export" in refused.stderr
