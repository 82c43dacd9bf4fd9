"""Pathways pages benchmark (issue 6, "Performance"): the pipeline board, the bottlenecks, the report for
the ministry (HTML and XLSX), a product page and the barrier register of a cluster with 5,000 products
and about 100,000 gate events, in a fresh database.

The data: the synthetic pipeline of ``bench/pathways_bench.py``
(:func:`clusterworks.analytics.pathways.synthetic.synthetic_pipeline`, seed 20261201, cut off today):
5,000 products of one cluster (60 % medicines, 40 % medical devices of class 2b), 99,482 gate events
with agency queries, refusals and resubmissions, 3 consortium members a product among 200 member
organisations, and 300 barriers linked to products, gates and agencies. Medicines take the catalogue
of 61-FZ in force on their start; the generator's devices pass the gates of Resolution 1684 (with the
inspection of production), so every device takes that catalogue. Not data about real products.

Each page is requested through Django's test client, in-process, by the cluster's manager (signed in;
the pathway pages are never cached as pages), --requests times after two warm-up requests; we report
p50 and p95 latency and the number of SQL queries of one request. The XLSX report is timed the same
way. Every page is measured twice: *recomputed*, with the kept analysis turned off
(``PATHWAYS_ANALYSIS_CACHE=0``), which is what the first request after any change costs, and *kept*,
with the default setting, which is what every later request costs until the data or the day change.

    uv run python bench/pathways_pages_bench.py                      # SQLite (+ PostgreSQL if DATABASE_URL)
    uv run python bench/pathways_pages_bench.py --database both      # starts a throw-away PostgreSQL 15
    uv run python bench/pathways_pages_bench.py --requests 5         # quicker

Results go to bench/results/pathways_pages.json (unless --no-save) and are printed as Markdown.
A database named by DATABASE_URL must be empty of products: the benchmark fills it and leaves its
rows there.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import page_bench
from page_bench import measure

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

SEED = 20261201
N_PRODUCTS = 5_000
N_ORGANISATIONS = 200
N_BARRIERS = 300
CLUSTER = "bench-pathways"
DEVICE_CLASS = "2b"  # the generator's devices pass the inspection of production: classes 2a, 2b, 3

# ---------------------------------------------------------------------------------------------- data


def populate(today: date) -> dict[str, str]:
    """Fill the database with the benchmark pipeline; return the keys the pages are requested with."""
    from django.db import transaction

    from clusterworks.analytics.pathways.synthetic import synthetic_pipeline
    from clusterworks.web.core.models import RoleAssignment, User
    from clusterworks.web.pathways.models import (
        Agency,
        Barrier,
        Gate,
        GateCatalogue,
        GateEvent,
        Product,
        ProductParticipant,
    )
    from clusterworks.web.registry.models import Cluster, Membership, Organisation, Region

    if Product.objects.exists():
        raise SystemExit("the database already holds products; the benchmark needs a fresh one")
    pipeline = synthetic_pipeline(products=N_PRODUCTS, seed=SEED, today=today)
    rng = np.random.default_rng(SEED)
    catalogues = {c.key: c for c in GateCatalogue.objects.all()}
    gates = {(g.catalogue_id, g.key): g.pk for g in Gate.objects.all()}

    def catalogue_for(kind: str, started: date) -> GateCatalogue:
        if kind == "device":
            return catalogues["device-1684"]
        return catalogues["medicine-61fz-2010" if started < date(2015, 7, 1) else "medicine-61fz-2015"]

    with transaction.atomic():
        moscow = Region.objects.get(code="RU-MOW")
        cluster = Cluster.objects.create(
            key=CLUSTER, name_en="Benchmark cluster", name_ru="Кластер для замеров", status="initiative"
        )
        organisations = Organisation.objects.bulk_create(
            Organisation(
                key=f"bench-org-{i:03d}",
                name_en=f"Benchmark organisation {i}",
                name_ru=f"Организация {i}",
                type="company_sme",
                region=moscow,
                illustrative=True,
            )
            for i in range(N_ORGANISATIONS)
        )
        organisations = list(Organisation.objects.filter(key__startswith="bench-org-").order_by("key"))
        Membership.objects.bulk_create(
            Membership(cluster=cluster, organisation=o, role="member") for o in organisations
        )
        spec_of = {p.key: p for p in pipeline.products}
        products = Product.objects.bulk_create(
            (
                Product(
                    cluster=cluster,
                    key=p.key,
                    name_en=f"Synthetic {p.type} {p.key}",
                    name_ru=f"Синтетический продукт {p.key}",
                    type=p.type,
                    risk_class=DEVICE_CLASS if p.type == "device" else "",
                    catalogue=catalogue_for(p.type, p.started_on),
                    trl=p.trl,
                    started_on=p.started_on,
                    illustrative=True,
                )
                for p in pipeline.products
            ),
            batch_size=1000,
        )
        products = {p.key: p for p in Product.objects.filter(cluster=cluster)}
        participants = []
        for product in products.values():
            chosen = rng.choice(len(organisations), size=3, replace=False)
            for organisation, role in zip(
                chosen, ("developer", "clinical_site", "manufacturer"), strict=True
            ):
                participants.append(
                    ProductParticipant(
                        product=product, organisation=organisations[int(organisation)], role=role
                    )
                )
        ProductParticipant.objects.bulk_create(participants, batch_size=5000)
        GateEvent.objects.bulk_create(
            (
                GateEvent(
                    product_id=products[e.product].pk,
                    gate_id=gates[products[e.product].catalogue_id, e.gate],
                    kind=e.kind,
                    date=e.date,
                    decision=e.decision or "",
                )
                for e in pipeline.events
            ),
            batch_size=5000,
        )
        agencies = list(
            Agency.objects.filter(key__in=["minzdrav", "minpromtorg", "roszdravnadzor", "sceemp"])
        )
        statuses = ["open", "open", "escalated", "resolved", "closed"]
        barriers = Barrier.objects.bulk_create(
            Barrier(
                cluster=cluster,
                title=f"Benchmark barrier {i}",
                kind="agency_queue",
                status=status,
                raised_for=organisations[i % len(organisations)],
                raised_on=today - timedelta(days=30 + i),
                escalated_to="Ministry" if status != "open" else "",
                escalated_on=today - timedelta(days=20 + i) if status != "open" else None,
                resolved_on=today - timedelta(days=10 + i) if status in ("resolved", "closed") else None,
                resolution="Done." if status in ("resolved", "closed") else "",
            )
            for i, status in ((i, statuses[i % len(statuses)]) for i in range(N_BARRIERS))
        )
        keys = list(products)
        Barrier.products.through.objects.bulk_create(
            Barrier.products.through(barrier_id=b.pk, product_id=products[keys[int(k)]].pk)
            for b in barriers
            for k in rng.choice(len(keys), size=2, replace=False)
        )
        Barrier.agencies.through.objects.bulk_create(
            Barrier.agencies.through(barrier_id=b.pk, agency_id=agencies[i % len(agencies)].pk)
            for i, b in enumerate(barriers)
        )
        manager = User.objects.create_user("bench-manager", "bench@example.org", "bench-password-123")
        RoleAssignment.objects.create(user=manager, role="cluster_manager", cluster=cluster)
    # a product in trials with an open submission: the product page's forecast has gates to draw
    open_keys = sorted({e.product for e in pipeline.events if e.kind == "submitted"} & set(spec_of))
    product = next(k for k in open_keys if spec_of[k].type == "medicine" and spec_of[k].trl <= 6)
    return {"cluster": cluster.key, "product": product, "barrier": str(barriers[0].pk)}


# --------------------------------------------------------------------------------------------- timing


def worker(database: str, requests: int, database_url: str | None) -> dict:
    os.environ["CLUSTERWORKS_HOME"] = tempfile.mkdtemp(prefix=f"clusterworks-bench-pathways-{database}-")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "clusterworks.web.config.settings.local"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client, override_settings
    from django.urls import reverse
    from django.utils import timezone

    from clusterworks.web.core.models import User
    from clusterworks.web.pathways.models import GateEvent, Product

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as ``clusterworks serve`` does
    today = timezone.localdate()
    started = time.perf_counter()
    keys = populate(today)
    populated = time.perf_counter() - started
    print(f"[{database}] populated in {populated:.1f} s", file=sys.stderr)
    client = Client()
    client.force_login(User.objects.get(username="bench-manager"))
    cluster = f"?cluster={keys['cluster']}"
    pages = [
        ("pipeline board", reverse("pathways-board") + cluster),
        ("bottlenecks", reverse("pathways-bottlenecks") + cluster),
        ("report for the ministry (HTML)", reverse("pathways-report") + cluster),
        ("report for the ministry (XLSX)", reverse("pathways-report-xlsx") + cluster),
        (
            "product page (timeline, forecast of 10,000 draws)",
            reverse("pathways-product", args=[keys["product"]]),
        ),
        ("barrier register", reverse("pathways-barriers") + cluster),
    ]
    from django.conf import settings

    results = []
    for mode, kept in (("recomputed", 0), ("kept", settings.PATHWAYS_ANALYSIS_CACHE)):
        with override_settings(ALLOWED_HOSTS=["testserver"], PATHWAYS_ANALYSIS_CACHE=kept):
            for label, path in pages:
                measured = measure(client, path, requests=requests)
                measured["page"] = label
                measured["mode"] = mode
                results.append(measured)
                print(
                    f"[{database}] {mode} {label}: p50 {measured['p50_ms']} ms, p95 {measured['p95_ms']} ms, "
                    f"{measured['queries']} queries",
                    file=sys.stderr,
                )
    return {
        "database": database,
        "kept_analysis_mb": kept_size_mb(keys["cluster"], today),
        "measured_on": today.isoformat(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_1_5_15_min": [round(x, 2) for x in os.getloadavg()],
        },
        "data": {
            "products": Product.objects.count(),
            "gate_events": GateEvent.objects.count(),
            "organisations": N_ORGANISATIONS,
            "barriers": N_BARRIERS,
            "seed": SEED,
        },
        "populate_s": round(populated, 1),
        "requests": requests,
        "pages": results,
    }


def kept_size_mb(cluster_key: str, today) -> float:
    """The memory a kept analysis of the cluster holds (Python allocations while it is built and kept,
    measured with tracemalloc, which slows the build but not what is counted)."""
    import gc
    import tracemalloc

    from clusterworks.web.pathways import analysis
    from clusterworks.web.registry.models import Cluster

    cluster = Cluster.objects.get(key=cluster_key)
    analysis.forget_analyses()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    kept = analysis.analysed_pipeline(cluster=cluster, today=today)
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    del kept
    analysis.forget_analyses()
    return round(grown / 2**20, 1)


def markdown(result: dict) -> str:
    data = result["data"]
    lines = [
        f"### {result['database']} ({data['products']:,} products, {data['gate_events']:,} gate events)",
        "",
        "| page | recomputed p50 ms | recomputed p95 ms | queries | kept p50 ms | kept p95 ms | queries "
        "| size, kB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    footer = f"\nA kept analysis of this pipeline holds {result['kept_analysis_mb']:,} MB.\n"
    by_mode = {(page["mode"], page["page"]): page for page in result["pages"]}
    for label in dict.fromkeys(page["page"] for page in result["pages"]):
        cold, warm = by_mode[("recomputed", label)], by_mode[("kept", label)]
        lines.append(
            f"| {label} | {cold['p50_ms']:,} | {cold['p95_ms']:,} | {cold['queries']} "
            f"| {warm['p50_ms']:,} | {warm['p95_ms']:,} | {warm['queries']} | {warm['bytes'] / 1024:,.0f} |"
        )
    return "\n".join(lines) + footer


if __name__ == "__main__":
    page_bench.main(
        script=__file__, description=__doc__, worker=worker, markdown=markdown, results="pathways_pages.json"
    )
