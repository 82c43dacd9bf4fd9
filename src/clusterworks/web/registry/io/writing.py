"""Carry out an import plan: inserts in batches, updates and many-to-many links with one prepared
statement run over many rows (``executemany``), and one audit event per created or updated row
(``core.audit.record_bulk``).

Updates group the rows by the set of columns that change and run ``UPDATE ... SET those columns WHERE
id = %s`` once per group: Django's ``bulk_update`` builds a CASE expression per column and batch, which is
several times slower for thousands of rows. Values are converted with each field's own
``get_db_prep_save``, exactly as the ORM would.

Bulk writes send no signals, so the audit log is written here, with the actor and source set by the
caller (``core.audit.acting_as``). Call :func:`write_plan` inside ``transaction.atomic``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import connection, models
from django.utils import timezone

from clusterworks.web.core.audit import record_bulk

from ..models import Cluster, Membership, MembershipRole, Organisation
from .planning import Plan, PlannedRow, chunks, fetch_in

BATCH_SIZE = 500
MEMBERSHIP_KEYS = ("cluster", "organisation")
AuditRows = list[tuple[models.Model, str, dict]]
Progress = Callable[[str, int, int], None]


def _model_values(
    values: dict[str, Any], *, links: tuple[str, ...], foreign: dict[str, str]
) -> dict[str, Any]:
    """Column values as model attributes: links left out, foreign keys by their ``_id`` attribute."""
    result = {}
    for column, value in values.items():
        if column in links:
            continue
        if column in foreign:
            result[foreign[column]] = value or None
        else:
            result[column] = value
    return result


def _field_names(rows: list[PlannedRow], *, links: tuple[str, ...], foreign: dict[str, str]) -> list[str]:
    names = set()
    for row in rows:
        for column in row.values:
            if column in links or (column not in row.changes and foreign.get(column) not in row.changes):
                continue
            names.add(column)
    return sorted(names)


def _execute_many(sql: str, rows: list[list[Any]]) -> None:
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def _update(model: type[models.Model], changed: list[tuple[models.Model, list[str]]]) -> None:
    """Write the ``fields`` of each instance: one statement per distinct set of fields, run over its rows."""
    quote = connection.ops.quote_name
    groups: dict[tuple[str, ...], list[models.Model]] = defaultdict(list)
    for instance, fields in changed:
        groups[tuple(sorted(fields))].append(instance)
    for names, instances in groups.items():
        fields = [model._meta.get_field(name) for name in names]
        assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        # identifiers come from the model's metadata, values are parameters
        sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608
        rows = [
            [f.get_db_prep_save(getattr(i, f.attname), connection) for f in fields] + [i.pk]
            for i in instances
        ]
        _execute_many(sql, rows)


def _link(through: type[models.Model], owner: str, target: str, pairs: list[tuple[Any, Any]]) -> None:
    """Insert many-to-many links (owner id, target id) into ``through``'s table."""
    if not pairs:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(through._meta.get_field(name).column) for name in (owner, target))
    table = quote(through._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s)"  # noqa: S608  (names from model metadata)
    _execute_many(sql, [list(p) for p in pairs])


def _insert(model: type[models.Model], instances: list[models.Model], lookup: Callable[[Any], Any]) -> None:
    """Bulk-insert ``instances``; make sure each has its primary key (older SQLite does not return them)."""
    model.objects.bulk_create(instances, batch_size=BATCH_SIZE)
    missing = [i for i in instances if i.pk is None]
    if missing:
        ids = {lookup(found): found.pk for found in model.objects.all().only("pk", *_lookup_fields(model))}
        for instance in missing:
            instance.pk = ids[lookup(instance)]


def _lookup_fields(model: type[models.Model]) -> tuple[str, ...]:
    return ("cluster_id", "organisation_id") if model is Membership else ("key",)


def _created_changes(instance: Any, links: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """The changes of a new row, as the audit log's save signal records them, plus its links."""
    changes = {k: [None, v] for k, v in instance.audit_values().items() if v not in (None, "")}
    changes.update({name: [None, codes] for name, codes in links.items() if codes})
    return changes


def _write_entities(
    plan: Plan,
    kind: str,
    model: type[models.Model],
    *,
    links: dict[str, tuple[Any, str, Callable[[str], Any]]],
    foreign: dict[str, str],
    audit: AuditRows,
    now: Any,
) -> dict[str, Any]:
    """Create and update the rows of ``kind``; ``links`` maps a many-to-many column to (through model,
    target column, code -> target id). Returns the rows' instances by key."""
    rows = plan.rows[kind]
    creates = [r for r in rows if r.action == "create"]
    updates = [r for r in rows if r.action == "update"]
    link_names = tuple(links)

    new = [model(**_model_values(r.values, links=link_names, foreign=foreign)) for r in creates]
    _insert(model, new, lambda i: i.key)
    for row, instance in zip(creates, new, strict=True):
        row.instance = instance

    changed = []
    for row in updates:
        for name, value in _model_values(row.values, links=link_names, foreign=foreign).items():
            setattr(row.instance, name, value)
        row.instance.updated_at = now
        changed.append(
            (row.instance, [*_field_names([row], links=link_names, foreign=foreign), "updated_at"])
        )
    _update(model, changed)

    for name, (through, target, to_id) in links.items():
        owner = f"{model._meta.model_name}_id"
        relinked = [r for r in updates if name in r.changes]
        for chunk in chunks([r.instance.pk for r in relinked]):
            through.objects.filter(**{f"{owner}__in": chunk}).delete()
        pairs = [
            (r.instance.pk, to_id(code)) for r in [*creates, *relinked] for code in r.values.get(name, ())
        ]
        _link(through, owner, target, pairs)

    for row in creates:
        audit.append(
            (
                row.instance,
                "create",
                _created_changes(row.instance, {n: list(row.values.get(n, ())) for n in links}),
            )
        )
    for row in updates:
        audit.append((row.instance, "update", row.changes))
    return {r.key: r.instance for r in rows if r.instance is not None}


def _write_memberships(
    plan: Plan, audit: AuditRows, organisations: dict[str, Any], clusters: dict[str, Any]
) -> None:
    rows = plan.rows["memberships"]
    creates = [r for r in rows if r.action == "create"]
    updates = [r for r in rows if r.action == "update"]

    needed_clusters = {r.key[0] for r in creates} - set(clusters)
    clusters = {**clusters, **{c.key: c for c in fetch_in(Cluster.objects.all(), "key", needed_clusters)}}
    needed_organisations = {r.key[1] for r in creates} - set(organisations)
    organisations = {
        **organisations,
        **{
            o.key: o
            for o in fetch_in(
                Organisation.objects.only("pk", "key", "name_en", "name_ru"), "key", needed_organisations
            )
        },
    }

    def ends_coordination(row: PlannedRow) -> bool:
        m = row.instance
        was = m.role == MembershipRole.COORDINATOR and m.left is None
        role, left = row.values.get("role", m.role), row.values.get("left", m.left)
        return was and not (role == MembershipRole.COORDINATOR and left is None)

    # A coordinator who steps down is written first, so that the one-coordinator constraint holds at
    # every statement; new memberships (maybe the next coordinator) come last.
    first = [r for r in updates if ends_coordination(r)]
    second = [r for r in updates if not ends_coordination(r)]
    for group in (first, second):
        for row in group:
            for name in ("role", "joined", "left"):
                if name in row.values:
                    setattr(row.instance, name, row.values[name])
        _update(
            Membership, [(r.instance, _field_names([r], links=MEMBERSHIP_KEYS, foreign={})) for r in group]
        )

    new = []
    for row in creates:
        cluster_key, organisation_key = row.key
        membership = Membership(
            cluster=clusters[cluster_key],
            organisation=organisations[organisation_key],
            role=row.values.get("role") or MembershipRole.MEMBER,
            joined=row.values.get("joined"),
            left=row.values.get("left"),
        )
        row.instance = membership
        new.append(membership)
    _insert(Membership, new, lambda m: (m.cluster_id, m.organisation_id))

    audit.extend((r.instance, "create", _created_changes(r.instance, {})) for r in creates)
    audit.extend((r.instance, "update", r.changes) for r in updates)


def write_plan(plan: Plan, progress: Progress | None = None) -> int:
    """Write every create and update of ``plan``; return the number of audit events written."""
    now = timezone.now()
    audit: AuditRows = []
    report = progress or (lambda phase, done, total: None)
    total = sum(1 for rows in plan.rows.values() for r in rows if r.action != "unchanged")
    report("write", 0, total)
    organisations = _write_entities(
        plan,
        "organisations",
        Organisation,
        audit=audit,
        now=now,
        foreign={"region": "region_id"},
        links={
            "competences": (
                Organisation.competences.through,
                "competence_id",
                plan.competence_ids.__getitem__,
            )
        },
    )
    report("write", len(audit), total)
    clusters = _write_entities(
        plan,
        "clusters",
        Cluster,
        audit=audit,
        now=now,
        foreign={},
        links={
            "regions": (Cluster.regions.through, "region_id", lambda code: code),
            "specialisations": (
                Cluster.specialisations.through,
                "competence_id",
                plan.competence_ids.__getitem__,
            ),
        },
    )
    report("write", len(audit), total)
    _write_memberships(plan, audit, organisations, clusters)
    written = record_bulk(audit)
    report("write", total, total)
    return written
