"""Writing the pathways demo: upserts on keys, gate events in bulk, barriers through the services.

Building twice changes nothing: products and their consortia are upserted on their keys (a consortium
member a visitor added is kept); a product's illustrative documents are stored through the document
service when it lacks them (:mod:`.documents`); a product's generated events are rewritten, in bulk,
only when they differ from the stored ones, and never for a product on which a user recorded an
event (its story is the user's now); a barrier's story (raised, escalated, resolved or closed) is
played through the services once, when it is created, so that what a visitor did to it survives a
rebuild.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils import timezone

from clusterworks.analytics.pathways import Event, check_events, russian_calendar
from clusterworks.web.core.audit import record_bulk
from clusterworks.web.core.models import AuditEvent, User
from clusterworks.web.registry.models import Cluster, Competence, Organisation, Region

from .. import services
from ..models import Agency, Barrier, Gate, GateCatalogue, GateEvent, Product, ProductParticipant
from ..reference import load_catalogues
from ..selectors import catalogue_in_force, gate_spec, product_gates
from .content import BARRIERS, ILLUSTRATIVE, MMTC, STORIES, TESTING_LAB, BarrierStory, Story
from .documents import build_documents
from .histories import DemoEvent, story_events

MSK = dt.timezone(dt.timedelta(hours=3))


def _upsert(model: type[models.Model], keys: dict[str, Any], values: dict[str, Any]) -> Any:
    """The row with ``keys``, created with ``values`` or updated to them if they differ; validated with
    ``full_clean`` before any write."""
    obj = model.objects.filter(**keys).first()
    if obj is None:
        obj = model(**keys, **values)
    else:
        changed = False
        for name, value in values.items():
            field = model._meta.get_field(name)
            wanted = value.pk if isinstance(value, models.Model) else value
            if getattr(obj, field.attname) != wanted:
                setattr(obj, name, value)
                changed = True
        if not changed:
            return obj
    obj.full_clean()
    obj.save()
    return obj


def _testing_lab() -> None:
    """The illustrative testing laboratory of several consortia, outside the cluster."""
    key, name_en, name_ru, short, kind, competences = TESTING_LAB
    organisation = _upsert(
        Organisation,
        {"key": key},
        {
            "name_en": name_en,
            "name_ru": name_ru,
            "short_name": short,
            "type": kind,
            "region": Region.objects.get(code="RU-MOW"),
            "city": "Moscow",
            "illustrative": True,
        },
    )
    wanted = set(Competence.objects.filter(code__in=competences).values_list("pk", flat=True))
    if set(organisation.competences.values_list("pk", flat=True)) != wanted:
        organisation.competences.set(wanted)


def _product(story: Story, cluster: Cluster, organisations: dict[str, Organisation]) -> Product:
    catalogue = catalogue_in_force(story.type, story.started_on)
    if catalogue is None:
        raise ValueError(
            f"demo product {story.key}: no {story.type} catalogue in force on {story.started_on}"
        )
    existing = Product.objects.filter(key=story.key).first()
    description = f"{story.description}\n\n{ILLUSTRATIVE}" if story.description else ILLUSTRATIVE
    product = _upsert(
        Product,
        {"key": story.key},
        {
            "cluster": cluster,
            "name_en": story.name_en,
            "name_ru": story.name_ru,
            "type": story.type,
            "risk_class": story.risk_class,
            # a product keeps the catalogue it started under, even if an administrator adds a version
            "catalogue": existing.catalogue if existing else catalogue,
            "trl": story.trl,
            "indication_en": story.indication_en,
            "indication_ru": story.indication_ru,
            "description": description,
            "started_on": story.started_on,
            "illustrative": True,
        },
    )
    have = set(product.participants.values_list("organisation__key", "role"))
    for key, role in story.consortium:
        if (key, role) not in have:
            participant = ProductParticipant(product=product, organisation=organisations[key], role=role)
            participant.full_clean()
            participant.save()
    return product


Row = tuple[str, str, dt.date, str, str, str]  # gate key, kind, date, decision, reference, note


def _row(event: DemoEvent) -> Row:
    return (event.gate, event.kind, event.date, event.decision, event.reference, event.note)


def _events(products: list[tuple[Story, Product]]) -> tuple[int, int]:
    """Write the generated events of every product whose stored events differ from them and that no user
    recorded an event on; return (events of the demo's products, events written)."""
    calendar = russian_calendar()
    stored: dict[int, list[Row]] = {}
    by_users: set[int] = set()
    for product_id, gate, kind, date, decision, reference, note, user in (
        GateEvent.objects.filter(product__in=[p for _, p in products])
        .order_by("date", "pk")
        .values_list(
            "product_id", "gate__key", "kind", "date", "decision", "reference", "note", "recorded_by"
        )
    ):
        stored.setdefault(product_id, []).append((gate, kind, date, decision, reference, note))
        if user is not None:
            by_users.add(product_id)
    total = written = 0
    new: list[GateEvent] = []
    for story, product in products:
        gates = product_gates(product)
        generated = story_events(story, [gate_spec(g) for g in gates], calendar)
        check_events(
            [Event(product.key, e.gate, e.kind, e.date, e.decision or None) for e in generated],
            gates={g.key for g in gates},
            today=timezone.localdate(),
        )
        total += len(generated)
        rows = [_row(e) for e in generated]
        if product.pk in by_users or stored.get(product.pk, []) == rows:
            continue
        GateEvent.objects.filter(product=product).delete()
        by_key = {g.key: g for g in gates}
        new += [
            GateEvent(
                product=product,
                gate=by_key[e.gate],
                kind=e.kind,
                date=e.date,
                decision=e.decision,
                reference=e.reference,
                note=e.note,
            )
            for e in generated
        ]
    if new:
        created = GateEvent.objects.bulk_create(new, batch_size=500)
        record_bulk(
            (event, "create", {k: [None, v] for k, v in event.audit_values().items() if v not in (None, "")})
            for event in created
        )
        written = len(created)
    return total, written


def _date_history(barrier: Barrier, since: dt.datetime, story: BarrierStory) -> None:
    """Date the audit events of the barrier's story (written just now) on the days of the story."""
    days = {"escalated": story.escalated_on, "resolved": story.resolved_on, "closed": story.resolved_on}
    for event in AuditEvent.objects.filter(
        model=Barrier._meta.label, object_id=str(barrier.pk), at__gte=since
    ).order_by("pk"):
        status = (event.changes.get("status") or [None, None])[1] if event.action == "update" else None
        day = days.get(status) or story.raised_on
        AuditEvent.objects.filter(pk=event.pk).update(at=dt.datetime.combine(day, dt.time(10), MSK))


def _barrier(story: BarrierStory, cluster: Cluster, users: dict[str, User]) -> tuple[Barrier, bool]:
    """The barrier of ``story``: its text, kind and links upserted; its workflow played once, through
    the services, when it is created."""
    products = list(Product.objects.filter(key__in=story.products))
    gates = list(
        Gate.objects.filter(catalogue__in={p.catalogue_id for p in products}, key__in=story.gates).order_by(
            "pk"
        )
    )
    agencies = list(Agency.objects.filter(key__in=story.agencies))
    manager = users["manager"]
    barrier = Barrier.objects.filter(cluster=cluster, title=story.title).first()
    if barrier is not None:
        if (barrier.description, barrier.kind) != (story.description, story.kind):
            barrier.description, barrier.kind = story.description, story.kind
            barrier.full_clean()
            barrier.save()
        for manager_of, wanted in (
            (barrier.products, products),
            (barrier.gates, gates),
            (barrier.agencies, agencies),
        ):
            if set(manager_of.values_list("pk", flat=True)) != {o.pk for o in wanted}:
                manager_of.set(wanted)
        return barrier, False
    since = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    barrier = services.barrier_raise(
        actor=users[story.raised_by],
        cluster=cluster,
        data={
            "title": story.title,
            "description": story.description,
            "kind": story.kind,
            "raised_for": Organisation.objects.get(key=story.raised_for),
            "raised_on": story.raised_on,
        },
        products=products,
        gates=gates,
        agencies=agencies,
    )
    services.barrier_assign(actor=manager, barrier=barrier, owner=manager)
    if story.escalated_on is not None:
        services.barrier_escalate(
            actor=manager, barrier=barrier, to=story.escalated_to, on=story.escalated_on
        )
    if story.status == "resolved":
        services.barrier_resolve(
            actor=manager, barrier=barrier, on=story.resolved_on, resolution=story.resolution
        )
    elif story.status == "closed":
        services.barrier_close(
            actor=manager, barrier=barrier, on=story.resolved_on, resolution=story.resolution
        )
    _date_history(barrier, since, story)
    return barrier, True


def build_pathways_demo(progress: Callable[[str], None] = lambda _: None) -> None:
    """Build or refresh the pathways demo of the Moscow cluster (after its members, the demo users and
    the foresight demo, whose partners outside the cluster are in some consortia).

    Runs inside :func:`clusterworks.web.demo.build_demo`'s transaction and audit actor.
    """
    cluster = Cluster.objects.get(key=MMTC)
    if not GateCatalogue.objects.exists():
        # the data migration loads the catalogues; a database emptied since (as the browser tests' flush
        # does) gets them again from the same files -- never over catalogues that are there, which an
        # administrator may have changed
        load_catalogues()
    _testing_lab()
    keys = {key for story in STORIES for key, _ in story.consortium}
    organisations = {o.key: o for o in Organisation.objects.filter(key__in=keys)}
    missing = keys - set(organisations)
    if missing:
        raise ValueError(f"demo consortia name organisations that do not exist: {sorted(missing)}")
    products = [(story, _product(story, cluster, organisations)) for story in STORIES]
    total, written = _events(products)
    users = {u.username: u for u in User.objects.filter(username__in=["manager", "representative"])}
    created = sum(_barrier(story, cluster, users)[1] for story in BARRIERS)
    documents, stored = build_documents([p for _, p in products], actor=users["manager"])
    progress(
        f"Pathways: {len(products)} illustrative products with {total} gate events "
        f"({written} written), {documents} documents ({stored} stored), {len(BARRIERS)} barriers "
        f"({created} new)"
    )
