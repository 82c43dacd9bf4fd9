"""The pathways demo (``clusterworks.web.pathways.demo``), built by ``build_demo``.

Expected values come from the brief of the demo (about 25 products of the Moscow cluster, 6-8
barriers, bottlenecks at Roszdravnadzor and Minpromtorg, clinical-trial permits mostly on time, several
products stuck now) or are recomputed here from the stored rows, independently of the code that wrote
them: the statutory clock of each attempt is counted below from the events and the Russian working-day
calendar (the calendar's day counts are tested against the official production calendar in
tests/analytics), not taken from ``gate_clocks``.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from clusterworks.analytics.pathways import Event, check_events, russian_calendar
from clusterworks.web.core.models import AuditEvent, User
from clusterworks.web.core.permissions import check
from clusterworks.web.demo import build_demo
from clusterworks.web.pathways.demo import BARRIERS, DEMO_TODAY, STORIES
from clusterworks.web.pathways.models import (
    Barrier,
    Gate,
    GateEvent,
    Product,
    ProductParticipant,
)
from clusterworks.web.pathways.selectors import barriers_visible_to, product_gates, products_visible_to
from clusterworks.web.registry.models import Cluster, Membership, Organisation

pytestmark = pytest.mark.django_db

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)
# the stage a product stands in -> the technology readiness levels that fit it
# (../shared/data/cluster_mgmt_compiled/trl_levels_generic_and_biomedical.csv: preclinical studies at
# TRL 4; technical tests and the clinical-trial dossier at 5; first clinical studies at 6; trials at 7;
# registration dossier and GMP at 8; on the market at 9)
TRL_BY_STAGE = {
    "research": {1, 2, 3, 4, 5},
    "trials": {5, 6, 7},
    "registration": {8},
    "production": {8},
    "market": {9},
}


@pytest.fixture
def demo():
    build_demo()


def _counts() -> dict[str, int]:
    return {
        "products": Product.objects.count(),
        "participants": ProductParticipant.objects.count(),
        "events": GateEvent.objects.count(),
        "barriers": Barrier.objects.count(),
        "barrier products": Barrier.products.through.objects.count(),
        "barrier gates": Barrier.gates.through.objects.count(),
        "barrier agencies": Barrier.agencies.through.objects.count(),
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
    }


@dataclass
class Attempt:
    """A submission at a gate and what followed it, read from the stored events."""

    product: str
    gate: Gate
    submitted: dt.date
    ended: dt.date | None = None
    outcome: str | None = None
    stops: list[list[dt.date | None]] | None = None

    def clock_used(self, today: dt.date) -> int:
        """Working days in (submitted, end] not in any (query, answered] interval (the day of a query
        counts, the day of the answer does not: docs/methods/pathways.md)."""
        calendar = russian_calendar()
        end = self.ended or today
        used = calendar.working_days(self.submitted, end)
        for query, answered in self.stops or []:
            used -= calendar.working_days(query, min(answered or end, end))
        return used


def _attempts(today: dt.date) -> list[Attempt]:
    attempts: list[Attempt] = []
    current: dict[tuple[str, str], Attempt] = {}
    for event in GateEvent.objects.select_related("product", "gate__agency").order_by(
        "product", "date", "pk"
    ):
        key = (event.product.key, event.gate.key)
        if event.kind == "submitted":
            current[key] = Attempt(event.product.key, event.gate, event.date, stops=[])
            attempts.append(current[key])
        elif event.kind == "query":
            current[key].stops.append([event.date, None])
        elif event.kind == "answered":
            current[key].stops[-1][1] = event.date
        else:
            current[key].ended = event.date
            current[key].outcome = event.decision or event.kind
    return attempts


def test_building_twice_changes_nothing(demo):
    # the fixture built it once
    counts = _counts()
    event_ids = set(GateEvent.objects.values_list("pk", flat=True))
    audit = AuditEvent.objects.count()
    build_demo()
    assert _counts() == counts
    # the events were not rewritten (same primary keys), and no audited row changed
    assert set(GateEvent.objects.values_list("pk", flat=True)) == event_ids
    assert AuditEvent.objects.count() == audit
    assert counts["products"] == len(STORIES) and 22 <= counts["products"] <= 28
    assert counts["barriers"] == len(BARRIERS) and 6 <= counts["barriers"] <= 8
    assert counts["events"] > 150


def test_a_rebuild_restores_the_generated_events_and_keeps_what_users_recorded(demo):
    # a generated event lost (deleted without a user's record): the product's history is rewritten
    thrombolytic = Product.objects.get(key="thrombolytic")
    history = list(
        thrombolytic.events.order_by("date", "pk").values_list("gate__key", "kind", "date", "decision")
    )
    thrombolytic.events.order_by("-date", "-pk").first().delete()
    manager = User.objects.get(username="manager")
    glove = Product.objects.get(key="rehab-glove")
    submitted = GateEvent.objects.get(product=glove, kind="submitted", gate__key="device-registration")
    before = set(GateEvent.objects.filter(product=glove).values_list("pk", flat=True))
    recorded = GateEvent.objects.create(
        product=glove, gate=submitted.gate, kind="query", date=submitted.date + dt.timedelta(days=5),
        recorded_by=manager,
    )  # fmt: skip
    barrier = Barrier.objects.get(status="open", title__startswith="Financing gap")
    barrier.status, barrier.escalated_to, barrier.escalated_on = "escalated", "Someone", DEMO_TODAY
    barrier.save()
    build_demo()
    assert list(
        thrombolytic.events.order_by("date", "pk").values_list("gate__key", "kind", "date", "decision")
    ) == (history)
    # a product a user recorded an event on is the user's now: its events and the recorded one are kept
    assert set(GateEvent.objects.filter(product=glove).values_list("pk", flat=True)) == before | {recorded.pk}
    barrier.refresh_from_db()
    assert (barrier.status, barrier.escalated_to) == ("escalated", "Someone")


def test_a_plausible_illustrative_pipeline_whose_histories_follow_the_rules(demo):
    cluster = Cluster.objects.get(key="moscow-medtech")
    products = list(Product.objects.filter(key__in=[s.key for s in STORIES]).select_related("catalogue"))
    assert len(products) == len(STORIES)
    assert all(p.cluster_id == cluster.pk and p.illustrative for p in products)
    assert all("Illustrative" in p.description and "(illustrative)" in p.name_en for p in products)
    # bilingual where the model is
    for product in products:
        assert (
            CYRILLIC.search(product.name_ru)
            and product.indication_en
            and CYRILLIC.search(product.indication_ru)
        )
    kinds = Counter(p.type for p in products)
    assert (
        kinds["medicine"] >= 6
        and kinds["device"] >= 7
        and kinds["diagnostic"] >= 4
        and kinds["software"] >= 2
    )
    assert {p.risk_class for p in products if p.type == "device"} == {"1", "2a", "2b", "3"}
    # a product keeps the catalogue in force on its start: devices started before Resolution 1684 took
    # effect (1 March 2025) stay under Resolution 1416
    for product in products:
        catalogue = product.catalogue
        assert catalogue.product_type == product.type
        assert catalogue.effective_from <= product.started_on
        assert catalogue.effective_to is None or product.started_on <= catalogue.effective_to
    devices = {p.catalogue.key for p in products if p.type == "device"}
    assert devices == {"device-1416", "device-1684"}
    assert all(p.started_on >= dt.date(2019, 1, 1) for p in products)

    # consortia: a developer in each; members of the cluster, the Rogachev centre as a clinical site,
    # and a few partners outside the cluster
    members = set(Membership.objects.filter(cluster=cluster).values_list("organisation_id", flat=True))
    outside = set()
    for product in products:
        roles = set(product.participants.values_list("role", flat=True))
        assert "developer" in roles, product.key
        organisations = set(product.participants.values_list("organisation_id", flat=True))
        assert organisations & members, product.key
        outside |= organisations - members
    assert 1 <= len(outside) <= 4
    assert ProductParticipant.objects.filter(
        organisation__key="rogachev-centre", role="clinical_site"
    ).exists()

    # every product's events pass the rules, and its TRL fits where it stands
    today = timezone.localdate()
    refusals = resubmissions = 0
    for product in Product.objects.filter(key__in=[s.key for s in STORIES]):
        gates = product_gates(product)
        rows = list(product.events.select_related("gate").order_by("date", "pk"))
        events = [Event(product.key, e.gate.key, e.kind, e.date, e.decision or None) for e in rows]
        check_events(events, gates={g.key for g in gates}, today=today)  # raises on any problem
        assert all(e.date <= DEMO_TODAY and e.date >= product.started_on for e in rows)
        refusals += sum(e.decision == "refused" for e in rows)
        per_gate = Counter(e.gate.key for e in rows if e.kind == "submitted")
        resubmissions += sum(n - 1 for n in per_gate.values())
        # where it stands: the first gate, in order, not approved (all approved: on the market)
        approved = {e.gate.key for e in rows if e.decision == "approved"}
        current = next((g for g in gates if g.key not in approved), None)
        stage = "market" if current is None else current.stage
        assert product.trl in TRL_BY_STAGE[stage], (product.key, stage, product.trl)
    assert refusals >= 3 and resubmissions >= refusals


def test_the_clocks_show_the_bottlenecks_and_products_stuck_now(demo):
    today = timezone.localdate()
    over: dict[str, list[int]] = defaultdict(list)
    for attempt in _attempts(today):
        gate = attempt.gate
        if attempt.ended is None or gate.clock_kind != "working" or attempt.outcome == "withdrawn":
            continue
        over[gate.agency.key].append(attempt.clock_used(today) - gate.clock_days)
    # device registration at Roszdravnadzor: more than half the decisions came after the 50 working days
    assert len(over["roszdravnadzor"]) >= 5
    assert statistics.median(over["roszdravnadzor"]) > 0
    # the clinical-trial application's expert review: mostly within its 30 working days
    review = over["sceemp"]
    assert len(review) >= 5 and sum(d <= 0 for d in review) / len(review) >= 0.7

    # the clock of an open registration, counted by hand: the rehabilitation glove was submitted for
    # registration 45 days before the demo's day, on Tuesday 13 October 2026; its 50 working days
    # (Resolution 1684) count from the next day on the production calendar of 2026 (4 November a
    # holiday): October 14-16, 19-23, 26-30: 3 + 5 + 5 = 13; November 2-3, 5-6, 9-13, 16-20, 23-27, 30:
    # 2 + 2 + 5 + 5 + 5 + 1 = 20 (33); December 1-4, 7-11, 14-18: 4 + 5 + 5 = 14 (47); 21, 22, 23: the
    # 50th working day is Wednesday 23 December 2026
    glove = Product.objects.get(key="rehab-glove")
    assert glove.catalogue.key == "device-1684" and glove.risk_class == "1"
    attempt = next(a for a in _attempts(DEMO_TODAY) if a.product == "rehab-glove" and a.ended is None)
    assert (attempt.gate.key, attempt.submitted, attempt.stops) == (
        "device-registration",
        dt.date(2026, 10, 13),
        [],
    )
    assert russian_calendar().add_working_days(attempt.submitted, 50) == dt.date(2026, 12, 23)
    # class 1: no inspection of production under Resolution 1684 (it applies to 2a, 2b and 3)
    assert "production-inspection" not in {g.key for g in product_gates(glove)}

    # several products are stuck now
    open_attempts = [a for a in _attempts(today) if a.ended is None]
    # every product not on the market has one open attempt, except the one waiting between gates
    assert len({a.product for a in open_attempts}) == len(open_attempts)
    overdue = {
        a.product
        for a in open_attempts
        if a.gate.clock_kind == "working" and a.clock_used(today) > a.gate.clock_days
    }
    assert len(overdue) >= 3
    assert {"biosensor-patch", "ngs-hereditary-cancer"} <= overdue
    # at more than one agency
    agencies = {a.gate.agency.key for a in open_attempts if a.product in overdue}
    assert {"roszdravnadzor", "minzdrav", "minpromtorg"} <= agencies
    # and long waits at gates without a clock: the GMP conclusion at Minpromtorg beyond a year's
    # typical 180-300 days, the products in trials and tests for months
    gmp = [a for a in open_attempts if a.gate.key == "gmp-conclusion"]
    assert gmp and all((today - a.submitted).days > 300 for a in gmp)
    assert sum((today - a.submitted).days >= 30 for a in open_attempts) >= 10


def test_the_barriers_were_raised_by_members_and_escalated_or_resolved(demo):
    cluster = Cluster.objects.get(key="moscow-medtech")
    barriers = list(Barrier.objects.filter(cluster=cluster))
    assert len(barriers) == len(BARRIERS)
    assert Counter(b.status for b in barriers) == {"open": 2, "escalated": 3, "resolved": 2, "closed": 1}
    members = set(Membership.objects.filter(cluster=cluster).values_list("organisation_id", flat=True))
    manager = User.objects.get(username="manager")
    for barrier in barriers:
        assert barrier.raised_for_id in members and barrier.owner == manager
        assert barrier.products.exists() and barrier.gates.exists()
        # the gates are those of the linked products' catalogues
        catalogues = set(barrier.products.values_list("catalogue_id", flat=True))
        assert set(barrier.gates.values_list("catalogue_id", flat=True)) <= catalogues
    escalated_to = {b.escalated_to for b in barriers if b.escalated_on}
    assert any("Department of Science, Industrial Policy and Entrepreneurship" in t for t in escalated_to)
    assert any("Ministry" in t for t in escalated_to)
    assert Barrier.objects.filter(raised_by__username="representative", raised_for__key="eurogen").exists()
    # the status history in the audit log is dated on the days of the story
    for barrier in barriers:
        history = AuditEvent.objects.filter(model="pathways.Barrier", object_id=str(barrier.pk))
        assert history.filter(action="create").get().at.date() == barrier.raised_on
        if barrier.escalated_on:
            escalation = [e for e in history if (e.changes.get("status") or [None, None])[1] == "escalated"]
            assert [e.at.date() for e in escalation] == [barrier.escalated_on]
        if barrier.resolved_on:
            ending = [e for e in history if (e.changes.get("status") or [None, None])[1] == barrier.status]
            assert [e.at.date() for e in ending] == [barrier.resolved_on]


def test_the_demo_users_see_what_their_roles_allow(demo, client):
    cluster = Cluster.objects.get(key="moscow-medtech")
    demo_products = Product.objects.filter(key__in=[s.key for s in STORIES])
    manager, representative, analyst, expert = (
        User.objects.get(username=name) for name in ("manager", "representative", "analyst", "expert")
    )
    eurogen = Organisation.objects.get(key="eurogen")
    consortium = set(
        ProductParticipant.objects.filter(organisation=eurogen).values_list("product__key", flat=True)
    )
    assert 4 <= len(consortium) < demo_products.count()

    # the manager: the whole pipeline, every product and barrier of the cluster
    assert check(manager, "pathways.report", cluster)
    assert set(products_visible_to(manager).values_list("key", flat=True)) >= set(
        demo_products.values_list("key", flat=True)
    )
    assert barriers_visible_to(manager).filter(cluster=cluster).count() == len(BARRIERS)
    client.force_login(manager)
    response = client.get(reverse("pathways-board"), {"cluster": cluster.key})
    assert response.status_code == 200
    page = response.content.decode()
    assert all(p.name_en in page for p in demo_products)

    # Eurogen's representative: the products of Eurogen's consortia only, not the board; the barriers
    # raised by them or for Eurogen, and those in the way of Eurogen's consortia's products
    assert not check(representative, "pathways.report", cluster)
    assert set(products_visible_to(representative).values_list("key", flat=True)) == consortium
    seen = barriers_visible_to(representative)
    expected = Barrier.objects.filter(cluster=cluster).filter(
        Q(raised_for=eurogen) | Q(products__key__in=consortium)
    )
    assert set(seen.values_list("pk", flat=True)) == set(expected.values_list("pk", flat=True))
    assert seen.exclude(raised_for=eurogen).exists()  # some raised by others, on Eurogen's products
    assert len(BARRIERS) > seen.count()  # and not every barrier
    client.force_login(representative)
    mine = demo_products.get(key="ngs-hereditary-cancer")
    other = demo_products.get(key="biosensor-patch")
    assert mine.key in consortium and other.key not in consortium
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 403
    response = client.get(reverse("pathways-board"), {"cluster": cluster.key})
    if response.status_code == 200:  # a member's view of the board: its own products only
        page = response.content.decode()
        assert mine.name_en in page and other.name_en not in page
    else:
        assert response.status_code == 403

    # the analyst sees every pathway; the expert none
    assert set(products_visible_to(analyst).values_list("key", flat=True)) >= consortium
    assert check(analyst, "pathways.report", cluster)
    assert not products_visible_to(expert).exists()
    client.force_login(expert)
    assert client.get(mine.get_absolute_url()).status_code == 403


def test_the_guide_states_the_permission_matrix_row_for_row():
    """docs/pathways-guide.md, "Who sees what", is the written policy the permission matrix tests."""
    from pathlib import Path

    from tests.web.pathways.test_permission_matrix import MATRIX

    guide = (Path(__file__).resolve().parents[3] / "docs" / "pathways-guide.md").read_text(encoding="utf-8")
    section = guide.split("## Who sees what", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line][1:]
    table = [[cell.strip() for cell in row.strip("|").split("|")][1:] for row in rows]
    assert [[cell == "yes" for cell in row] for row in table] == [list(values) for values in MATRIX.values()]
    assert all(cell in {"yes", "no"} for row in table for cell in row)


def test_products_on_the_market_are_not_shown_as_waiting_to_submit(demo, client):
    import re

    client.force_login(User.objects.get(username="manager"))
    page = client.get(reverse("pathways-board"), {"cluster": "moscow-medtech"}).content.decode()
    market = re.search(r'<section class="board-column" data-stage="market".*?</section>', page, re.S).group(0)
    cards = re.findall(r'<li class="product-card.*?</li>', market, re.S)
    assert cards, "the demo has products on the market"
    assert all("on the market:" in card and "not yet submitted" not in card for card in cards)
