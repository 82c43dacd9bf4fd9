"""Registry benchmark (issue 2): page and API latency under concurrent clients, and CSV import time.

With 10,000 organisations, 100 clusters and 30,000 memberships, on SQLite and on PostgreSQL, the
Clusterworks server (gunicorn, as ``clusterworks serve`` runs it) answers 10 concurrent keep-alive
clients; we report p50 and p95 latency per page, for visitors (public pages, served from the page
cache after the first request) and for a signed-in user (rendered on every request). The baseline a
Django user would otherwise reach for is the Django admin's change list of the same table, measured in
the same run. Import: 10,000 new
organisations from one CSV through ``clusterworks registry import`` (validation, upsert, audit log) and,
side by side on the same file and database, through django-import-export, the usual Django tool.

    uv run --extra test --extra bench python bench/registry_bench.py --database both
    uv run --extra bench python bench/registry_bench.py --pages-only --workers 4 --threads 2   # server tuning

Results go to bench/results/registry-<database>.json and are summarised on stdout as Markdown.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from clusterworks.analytics.identifiers import inn_with_check_digits

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "bench"))

N_ORGANISATIONS = 10_000
N_CLUSTERS = 100
N_MEMBERSHIPS = 30_000
SEED = 20261201


# ---------------------------------------------------------------------------------------------- data


def inn10(n: int) -> str:
    return inn_with_check_digits(f"{10 + n // 10_000_000 % 90:02d}{n % 10_000_000:07d}")


TYPES = [
    "university",
    "research_institute",
    "clinical_centre",
    "company_sme",
    "company_sme",
    "company_sme",
    "company_large",
    "authority",
    "development_institution",
    "other",
]


def organisation_rows(n: int, offset: int, rng: random.Random, regions: list[str], terms: list[str]):
    for i in range(offset, offset + n):
        yield {
            "key": f"org-{i:06d}",
            "name_ru": f"Организация {i}",
            "name_en": f"Organisation {i} {rng.choice(['Biotech', 'Medical', 'Instruments', 'Pharma'])}",
            "short_name": f"ORG{i}",
            "type": rng.choice(TYPES),
            "inn": inn10(i),
            "ogrn": "",
            "region": rng.choice(regions),
            "city": "Moscow",
            "website": f"https://org{i}.example.org",
            "competences": ";".join(sorted(rng.sample(terms, 2))),
            "competences_text": "",
            "description": "",
            "illustrative": "true",
        }


def populate() -> dict[str, str]:
    """Fill the database with the benchmark registry; return keys of a big cluster and an organisation."""
    from django.db import transaction

    from clusterworks.web.registry.models import Cluster, Competence, Membership, Organisation, Region

    rng = random.Random(SEED)
    regions = list(Region.objects.filter(country="RU").values_list("code", flat=True))
    terms = {c.code: c.pk for c in Competence.objects.all()}
    with transaction.atomic():
        rows = list(organisation_rows(N_ORGANISATIONS, 0, rng, regions, list(terms)))
        Organisation.objects.bulk_create(
            [
                Organisation(
                    **{k: v for k, v in r.items() if k not in {"competences", "region", "illustrative"}},
                    region_id=r["region"],
                    illustrative=True,
                )
                for r in rows
            ],
            batch_size=2000,
        )
        ids = dict(Organisation.objects.values_list("key", "pk"))
        through = Organisation.competences.through
        through.objects.bulk_create(
            [
                through(organisation_id=ids[r["key"]], competence_id=terms[c])
                for r in rows
                for c in r["competences"].split(";")
            ],
            batch_size=5000,
        )
        clusters = Cluster.objects.bulk_create(
            [
                Cluster(
                    key=f"cluster-{j:03d}",
                    name_en=f"Cluster {j}",
                    name_ru=f"Кластер {j}",
                    status="initiative",
                )
                for j in range(N_CLUSTERS)
            ]
        )
        clusters = list(Cluster.objects.order_by("key"))
        Cluster.regions.through.objects.bulk_create(
            [Cluster.regions.through(cluster_id=c.pk, region_id=rng.choice(regions)) for c in clusters]
        )
        org_ids = list(ids.values())
        memberships = []
        per_cluster = N_MEMBERSHIPS // N_CLUSTERS
        for cluster in clusters:
            for position, org_id in enumerate(rng.sample(org_ids, per_cluster)):
                role = "coordinator" if position == 0 else rng.choice(["core", "member", "member", "partner"])
                memberships.append(Membership(cluster_id=cluster.pk, organisation_id=org_id, role=role))
        Membership.objects.bulk_create(memberships, batch_size=5000)
    return {"cluster": clusters[0].key, "organisation": "org-000042"}


# ---------------------------------------------------------------------------------------------- load


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/accounts/login/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not start")


def hammer(port: int, path: str, *, clients: int, requests: int, headers: dict[str, str]) -> dict:
    """``clients`` keep-alive connections share ``requests`` GETs of ``path``; latency per request."""
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    remaining = [requests]

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
            start = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if response.status != 200:
                    errors.append(response.status)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    wall = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - wall
    ordered = sorted(latencies)
    return {
        "path": path,
        "requests": len(ordered),
        "errors": errors[:5],
        "error_count": len(errors),
        "p50_ms": round(1000 * statistics.median(ordered), 1),
        "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 1),
        "throughput_rps": round(len(ordered) / wall, 1),
    }


def render_time(path: str, *, signed_in: bool, user, repeat: int = 15) -> float:
    """Median time to answer ``path`` in-process with every cache off: the cost of a page when the data
    has just changed, with no concurrency."""
    from django.test import Client, override_settings

    client = Client()
    if signed_in:
        client.force_login(user)
    with override_settings(PAGE_CACHE_SECONDS=0, ALLOWED_HOSTS=["testserver"]):
        client.get(path)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            client.get(path)
            times.append(time.perf_counter() - start)
    return round(1000 * statistics.median(times), 1)


# -------------------------------------------------------------------------------------------- import


def write_import_csv(path: Path, n: int) -> None:
    from clusterworks.web.registry.models import Competence, Region

    rng = random.Random(SEED + 1)
    regions = list(Region.objects.filter(country="RU").values_list("code", flat=True))
    terms = list(Competence.objects.values_list("code", flat=True))
    rows = list(organisation_rows(n, 500_000, rng, regions, terms))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def time_our_import(path: Path, admin) -> float:
    from clusterworks.web.registry.io.importer import import_files

    start = time.perf_counter()
    report = import_files([path], user=admin)
    elapsed = time.perf_counter() - start
    assert report.ok, report
    return elapsed


def time_import_export(path: Path) -> float:
    """django-import-export, the common Django CSV importer, on the same file (a ModelResource)."""
    import tablib
    from import_export import fields, resources, widgets

    from clusterworks.web.registry.models import Competence, Organisation, Region

    class OrganisationResource(resources.ModelResource):
        region = fields.Field(
            attribute="region", column_name="region", widget=widgets.ForeignKeyWidget(Region, field="code")
        )
        competences = fields.Field(
            attribute="competences",
            column_name="competences",
            widget=widgets.ManyToManyWidget(Competence, field="code", separator=";"),
        )

        class Meta:
            model = Organisation
            import_id_fields = ["key"]
            fields = [
                "key",
                "name_ru",
                "name_en",
                "short_name",
                "type",
                "inn",
                "ogrn",
                "region",
                "city",
                "website",
                "competences",
                "competences_text",
                "description",
                "illustrative",
            ]
            use_bulk = False
            skip_unchanged = True

    dataset = tablib.Dataset().load(path.read_text(encoding="utf-8"), format="csv")
    start = time.perf_counter()
    result = OrganisationResource().import_data(dataset, dry_run=False, raise_errors=True)
    elapsed = time.perf_counter() - start
    assert not result.has_errors()
    return elapsed


def delete_imported() -> None:
    from clusterworks.web.core.models import AuditEvent
    from clusterworks.web.registry.models import Organisation

    Organisation.objects.filter(key__startswith="org-5").delete()
    AuditEvent.objects.filter(source="import").delete()


# -------------------------------------------------------------------------------------------- worker


def worker(
    database: str,
    clients: int,
    requests: int,
    database_url: str | None,
    workers: int,
    threads: int,
    skip_import: bool = False,
) -> dict:
    os.environ["CLUSTERWORKS_HOME"] = tempfile.mkdtemp(prefix=f"clusterworks-bench-{database}-")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "clusterworks.web.config.settings.local"
    import django

    django.setup()
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from clusterworks.web.core.models import RoleAssignment, User

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    keys = populate()
    print(f"[{database}] populated in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    admin = User.objects.create_superuser("bench-admin", "bench@example.org", "bench-password-123")
    RoleAssignment.objects.create(user=admin, role="admin")
    session = SessionStore()
    session["_auth_user_id"] = str(admin.pk)
    session["_auth_user_backend"] = "clusterworks.web.core.throttling.ThrottledModelBackend"
    session["_auth_user_hash"] = admin.get_session_auth_hash()
    session.create()
    from django.conf import settings

    cookie = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}"}

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "clusterworks.cli.main",
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
            "--threads",
            "8",
        ],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    pages = [
        ("clusters list", "/clusters/", {}),
        ("cluster profile (300 members)", f"/clusters/{keys['cluster']}/", {}),
        ("organisations list", "/organisations/", {}),
        ("organisations search", "/organisations/?q=Biotech", {}),
        ("organisation profile", f"/organisations/{keys['organisation']}/", {}),
        ("API organisations (50)", "/api/v1/organisations?page_size=50", {}),
        ("API cluster members", f"/api/v1/clusters/{keys['cluster']}/members", {}),
        ("signed in: clusters list", "/clusters/", cookie),
        ("signed in: cluster profile (300 members)", f"/clusters/{keys['cluster']}/", cookie),
        ("signed in: organisations list", "/organisations/", cookie),
        ("signed in: organisations search", "/organisations/?q=Biotech", cookie),
        ("signed in: API organisations (50)", "/api/v1/organisations?page_size=50", cookie),
        ("baseline: Django admin organisations change list", "/admin/registry/organisation/", cookie),
    ]
    results = []
    try:
        wait_for(port)
        for label, path, headers in pages:
            hammer(port, path, clients=clients, requests=max(20, requests // 10), headers=headers)  # warm up
            measured = hammer(port, path, clients=clients, requests=requests, headers=headers)
            measured["page"] = label
            results.append(measured)
            print(
                f"[{database}] {label}: p50 {measured['p50_ms']} ms, p95 {measured['p95_ms']} ms"
                f" ({measured['error_count']} errors)",
                file=sys.stderr,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)

    for page, (_, path, headers) in zip(results, pages, strict=True):
        page["uncached_single_client_ms"] = render_time(path, signed_in=bool(headers), user=admin)
    result = {
        "database": database,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "data": {"organisations": N_ORGANISATIONS, "clusters": N_CLUSTERS, "memberships": N_MEMBERSHIPS},
        "clients": clients,
        "server": {"workers": workers, "threads": threads},
        "pages": results,
    }
    if skip_import:
        return result
    csv_path = Path(os.environ["CLUSTERWORKS_HOME"]) / "organisations-10000.csv"
    write_import_csv(csv_path, N_ORGANISATIONS)
    ours = time_our_import(csv_path, admin)
    again = time_our_import(csv_path, admin)  # unchanged re-import
    delete_imported()
    theirs = time_import_export(csv_path)
    delete_imported()
    return {
        **result,
        "import": {
            "rows": N_ORGANISATIONS,
            "clusterworks_s": round(ours, 2),
            "clusterworks_reimport_unchanged_s": round(again, 2),
            "django_import_export_s": round(theirs, 2),
            "speed_ratio": round(theirs / ours, 1),
        },
    }


def markdown(result: dict) -> str:
    lines = [
        f"### {result['database']}",
        "",
        "| page | p50 ms | p95 ms | req/s | errors | uncached, 1 client, ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for page in result["pages"]:
        lines.append(
            f"| {page['page']} | {page['p50_ms']} | {page['p95_ms']} | {page['throughput_rps']} "
            f"| {page['error_count']} | {page.get('uncached_single_client_ms', '')} |"
        )
    imp = result.get("import")
    if not imp:
        return "\n".join(lines)
    lines += [
        "",
        f"Import of {imp['rows']:,} organisations: Clusterworks {imp['clusterworks_s']} s "
        f"(unchanged re-import {imp['clusterworks_reimport_unchanged_s']} s), django-import-export "
        f"{imp['django_import_export_s']} s: {imp['speed_ratio']}x faster.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--requests", type=int, default=300, help="requests per page")
    parser.add_argument("--workers", type=int, default=2, help="server processes (clusterworks serve)")
    parser.add_argument("--threads", type=int, default=8, help="threads per server process")
    parser.add_argument("--pages-only", action="store_true", help="skip the import comparison")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        result = worker(
            args.database,
            args.clients,
            args.requests,
            args.database_url,
            args.workers,
            args.threads,
            skip_import=args.pages_only,
        )
        print(json.dumps(result))
        return

    from postgres_server import postgres_server

    RESULTS.mkdir(exist_ok=True)
    for database in ["sqlite", "postgres"] if args.database == "both" else [args.database]:
        command = [
            sys.executable,
            __file__,
            "--worker",
            "--database",
            database,
            "--clients",
            str(args.clients),
            "--requests",
            str(args.requests),
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            *(["--pages-only"] if args.pages_only else []),
        ]
        if database == "postgres":
            with postgres_server() as url:
                output = subprocess.run(
                    [*command, "--database-url", url],
                    check=True,
                    capture_output=False,
                    stdout=subprocess.PIPE,
                    text=True,
                ).stdout
        else:
            output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
        result = json.loads(output.strip().splitlines()[-1])
        if args.pages_only:
            print(markdown(result))
            continue
        (RESULTS / f"registry-{database}.json").write_text(json.dumps(result, indent=2) + "\n")
        print(markdown(result))


if __name__ == "__main__":
    main()
