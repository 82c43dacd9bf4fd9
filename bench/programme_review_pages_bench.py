"""Programme review pages benchmark (issue 5, "Performance": "review pages with 500 applications and 50
reviewers"): the reviewer assignment page, the scores page, a reviewer's "My reviews", the officers'
review progress, the conflict register and a reviewer's page of one application, in a fresh database.

The data (seed 20261201, synthetic, not about real clusters): one call with a three-criterion rubric
(weights 2, 1, 1; scales 0-10; each criterion asks for 2 of 40 competences), 500 applications in expert
review from 25 clusters (each with 3 specialisations among the competences, 8 member organisations, a
title and summary of 12-25 words from a 300-word vocabulary), 50 experts with 4 competences and 15-30
keywords each, and 3 reviewers per application, at most 40 applications per reviewer. Ten experts
represent member organisations, so the registry gives conflicts of interest; the conflicts are detected
and the assignment computed by the services themselves (timed once: ``detect_s``, ``assign_s``); then
85 % of the reviews are submitted with scores drawn around an application quality plus a reviewer
leniency, 5 % are drafts.

Each page is requested through Django's test client, in-process, by the programme officer (or, for the
reviewer's pages, the expert with the most assignments), --requests times after two warm-up requests;
we report p50 and p95 latency and the number of SQL queries of one request.

    uv run python bench/programme_review_pages_bench.py                  # SQLite (+ PostgreSQL: DATABASE_URL)
    uv run python bench/programme_review_pages_bench.py --database both  # a throw-away PostgreSQL 15 too
    uv run python bench/programme_review_pages_bench.py --requests 5     # quicker

Results go to bench/results/programme_review_pages.json (unless --no-save) and are printed as Markdown.
A database named by DATABASE_URL must be empty of programmes: the benchmark fills it and leaves its rows.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import page_bench
from page_bench import measure

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

SEED = 20261201
N_APPLICATIONS = 500
N_EXPERTS = 50
N_CLUSTERS = 25
N_COMPETENCES = 40
PER_APPLICATION = 3
MAX_LOAD = 40
VOCABULARY = 300

# ---------------------------------------------------------------------------------------------- data


def _text(rng: np.random.Generator, words: list[str], low: int, high: int) -> str:
    return " ".join(rng.choice(words, size=int(rng.integers(low, high + 1))))


def populate() -> dict[str, str]:
    """Fill the database with the benchmark call; return what the pages are requested with."""
    from django.db import transaction
    from django.db.models import Count
    from django.utils import timezone

    from clusterworks.web.core.audit import acting_as
    from clusterworks.web.core.models import RoleAssignment, User
    from clusterworks.web.programme.models import (
        Application,
        Assignment,
        Call,
        Criterion,
        ExpertProfile,
        Programme,
        Review,
        Score,
    )
    from clusterworks.web.programme.services.assignment import assign_reviewers_for_call
    from clusterworks.web.programme.services.conflicts import detect_conflicts
    from clusterworks.web.programme.services.workflow import seed_workflow
    from clusterworks.web.registry.models import Cluster, Competence, Membership, Organisation, Region

    if Programme.objects.filter(key="bench-review").exists():
        raise SystemExit(
            "the database already holds the benchmark programme; the benchmark needs a fresh one"
        )
    rng = np.random.default_rng(SEED)
    words = [f"w{i:03d}" + "abcdefghij"[i % 10] * 3 for i in range(VOCABULARY)]
    now = timezone.now()
    with transaction.atomic():
        moscow = Region.objects.get(code="RU-MOW")
        competences = Competence.objects.bulk_create(
            Competence(code=f"bench-c{i:02d}", name_en=f"Competence {i}", name_ru=f"Компетенция {i}")
            for i in range(N_COMPETENCES)
        )
        competences = list(Competence.objects.filter(code__startswith="bench-c").order_by("code"))
        clusters, members = [], []
        for c in range(N_CLUSTERS):
            cluster = Cluster.objects.create(
                key=f"bench-cluster-{c:02d}", name_en=f"Cluster {c}", name_ru=f"Кластер {c}", status="pilot"
            )
            cluster.specialisations.set(rng.choice(competences, size=3, replace=False).tolist())
            organisations = Organisation.objects.bulk_create(
                Organisation(key=f"bench-org-{c:02d}-{i}", name_en=f"Organisation {c}-{i}",
                             name_ru=f"Организация {c}-{i}", type="company_sme", region=moscow)
                for i in range(8)
            )  # fmt: skip
            organisations = list(
                Organisation.objects.filter(key__startswith=f"bench-org-{c:02d}-").order_by("key")
            )
            Membership.objects.bulk_create(
                Membership(cluster=cluster, organisation=o, role="coordinator" if i == 0 else "member")
                for i, o in enumerate(organisations)
            )
            clusters.append(cluster)
            members.append(organisations)
        officer = User.objects.create_user("bench-officer", "officer@example.org", "bench-password-123")
        RoleAssignment.objects.create(user=officer, role="programme_officer")
        programme = Programme.objects.create(
            key="bench-review", name_en="Benchmark programme", owner="Ministry"
        )
        programme.officers.add(officer)
        call = Call.objects.create(
            programme=programme, key="bench-review-2026", name_en="Benchmark call", year=2026, published=True,
            opens_at=now - timedelta(days=90), closes_at=now - timedelta(days=30),
            envelope=Decimal("2500000000.00"), reviewers_per_application=PER_APPLICATION, max_load=MAX_LOAD,
        )  # fmt: skip
        seed_workflow(call=call)
        for position, (key, weight) in enumerate((("relevance", 2), ("capacity", 1), ("impact", 1)), start=1):
            criterion = Criterion.objects.create(
                call=call, key=key, position=position, name_en=key.title(), weight=weight
            )
            criterion.competences.set(rng.choice(competences, size=2, replace=False).tolist())
        experts = []
        for e in range(N_EXPERTS):
            user = User.objects.create_user(
                f"bench-expert-{e:02d}", f"expert{e}@example.org", "bench-password-123",
                first_name=f"Expert{e:02d}", last_name="Benchmark",
            )  # fmt: skip
            RoleAssignment.objects.create(user=user, role="expert")
            profile = ExpertProfile.objects.create(user=user, keywords=_text(rng, words, 15, 30))
            profile.competences.set(rng.choice(competences, size=4, replace=False).tolist())
            if e < 10:  # ten experts speak for a member organisation: conflicts with that cluster
                RoleAssignment.objects.create(
                    user=user, role="organisation_representative", organisation=members[e][1 + e % 7]
                )
            experts.append(user)
        Application.objects.bulk_create(
            Application(
                call=call, number=f"2026-{j + 1:04d}", title=_text(rng, words, 4, 8).capitalize(),
                cluster=clusters[j % N_CLUSTERS], applicant=members[j % N_CLUSTERS][0], region=moscow,
                summary=_text(rng, words, 12, 25), state="review", created_by=officer, submitted_at=now,
            )
            for j in range(N_APPLICATIONS)
        )  # fmt: skip
    started = time.perf_counter()
    with acting_as(officer, "bench"):
        detect_conflicts(call=call, actor=officer)
    detect_s = time.perf_counter() - started
    started = time.perf_counter()
    with acting_as(officer, "bench"):
        run = assign_reviewers_for_call(actor=officer, call=call)
    assign_s = time.perf_counter() - started
    criteria = list(Criterion.objects.filter(call=call).order_by("position"))
    quality = {
        a: rng.normal(6, 1.5) for a in Application.objects.filter(call=call).values_list("pk", flat=True)
    }
    leniency = {e.pk: rng.normal(0, 1) for e in experts}
    with transaction.atomic():
        reviews, scores = [], []
        assignments = list(Assignment.objects.filter(application__call=call).order_by("pk"))
        for assignment in assignments:
            draw = rng.random()
            if draw >= 0.90:
                continue
            reviews.append(Review(
                assignment=assignment, submitted_at=now if draw < 0.85 else None,
                comment_for_applicant="Clear plan; the budget is thin.",
                comment_for_commission="Fund if the region confirms its share.",
            ))  # fmt: skip
        Review.objects.bulk_create(reviews, batch_size=1000)
        for review in Review.objects.filter(assignment__application__call=call).select_related("assignment"):
            a = review.assignment
            for criterion in criteria:
                value = quality[a.application_id] + leniency[a.reviewer_id] + rng.normal(0, 1)
                scores.append(Score(review=review, criterion=criterion,
                                    value=Decimal(int(min(10, max(0, round(value)))))))  # fmt: skip
        Score.objects.bulk_create(scores, batch_size=2000)
    busiest = (
        Assignment.objects.filter(application__call=call)
        .values_list("reviewer__username")
        .order_by()
        .annotate(n=Count("pk"))
        .order_by("-n", "reviewer__username")
        .first()
    )
    reviewer = busiest[0]
    reviewed = (
        Assignment.objects.filter(reviewer__username=reviewer, application__call=call).order_by("pk").first()
    )
    return {
        "call": call.key,
        "reviewer": reviewer,
        "reviewer_load": busiest[1],
        "application": reviewed.application.number,
        "detect_s": round(detect_s, 2),
        "assign_s": round(assign_s, 2),
        "total_affinity": round(run.total_affinity, 4),
        "greedy_total": round(run.greedy_total, 4),
    }


# --------------------------------------------------------------------------------------------- timing


def worker(database: str, requests: int, database_url: str | None) -> dict:
    os.environ["CLUSTERWORKS_HOME"] = tempfile.mkdtemp(prefix=f"clusterworks-bench-review-{database}-")
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
    from clusterworks.web.programme.models import Application, Assignment, Conflict, Review

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as ``clusterworks serve`` does
    started = time.perf_counter()
    keys = populate()
    populated = time.perf_counter() - started
    print(f"[{database}] populated in {populated:.1f} s", file=sys.stderr)
    officer, reviewer = Client(), Client()
    officer.force_login(User.objects.get(username="bench-officer"))
    reviewer.force_login(User.objects.get(username=keys["reviewer"]))
    call = keys["call"]
    one = keys["application"]
    pages = [
        (officer, "reviewer assignment (500 applications, 50 experts)",
         reverse("programme-assignment", args=[call])),
        (officer, "scores (raw, z, robust, flags, leniency)", reverse("programme-scores", args=[call])),
        (reviewer, f"my reviews ({keys['reviewer_load']} assignments)", reverse("programme-my-reviews")),
        (officer, "review progress", reverse("programme-review-progress", args=[call])),
        (officer, "conflict register", reverse("programme-conflicts", args=[call])),
        (reviewer, "a reviewer's page of one application", reverse("programme-review", args=[one])),
    ]  # fmt: skip
    results = []
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        for client, label, path in pages:
            measured = measure(client, path, requests=requests)
            measured["page"] = label
            results.append(measured)
            print(
                f"[{database}] {label}: p50 {measured['p50_ms']} ms, p95 {measured['p95_ms']} ms, "
                f"{measured['queries']} queries",
                file=sys.stderr,
            )
    return {
        "database": database,
        "measured_on": timezone.localdate().isoformat(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_1_5_15_min": [round(x, 2) for x in os.getloadavg()],
        },
        "data": {
            "applications": Application.objects.filter(call__key=call).count(),
            "experts": 50,
            "assignments": Assignment.objects.filter(application__call__key=call).count(),
            "submitted_reviews": Review.objects.filter(
                assignment__application__call__key=call, submitted_at__isnull=False
            ).count(),
            "conflicts": Conflict.objects.filter(application__call__key=call).count(),
            "seed": SEED,
        },
        "populate_s": round(populated, 1),
        "detect_conflicts_s": keys["detect_s"],
        "assign_reviewers_s": keys["assign_s"],
        "total_affinity": keys["total_affinity"],
        "greedy_total": keys["greedy_total"],
        "requests": requests,
        "pages": results,
    }


def markdown(result: dict) -> str:
    data = result["data"]
    lines = [
        f"### {result['database']} ({data['applications']:,} applications, {data['experts']} experts, "
        f"{data['assignments']:,} assignments, {data['submitted_reviews']:,} submitted reviews, "
        f"{data['conflicts']} conflicts)",
        "",
        "| page | p50 ms | p95 ms | queries | size, kB |",
        "|---|---:|---:|---:|---:|",
    ]
    for page in result["pages"]:
        lines.append(
            f"| {page['page']} | {page['p50_ms']:,} | {page['p95_ms']:,} | {page['queries']} "
            f"| {page['bytes'] / 1024:,.0f} |"
        )
    lines.append(
        f"\nConflicts detected in {result['detect_conflicts_s']} s; reviewers assigned in "
        f"{result['assign_reviewers_s']} s (total affinity {result['total_affinity']}, greedy "
        f"{result['greedy_total']}).\n"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    page_bench.main(
        script=__file__,
        description=__doc__,
        worker=worker,
        markdown=markdown,
        results="programme_review_pages.json",
    )
