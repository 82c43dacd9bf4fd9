"""The audit log: every create, update and delete of an audited model, with who, when and what changed.

Models opt in by inheriting :class:`AuditedModel`. Single saves and deletes are recorded by signal
receivers; the old values come from a snapshot taken when the row was loaded, so recording costs no
extra query. Bulk writes (imports) bypass signals and call :func:`record_bulk` themselves. Every
recorded change also increases the data version that keys the page cache (``page_cache``).
The actor is set once per request (``ActorMiddleware``) or command (:func:`acting_as`).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import decimal
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save

from .page_cache import bump_data_version

_actor: contextvars.ContextVar[tuple[Any, str] | None] = contextvars.ContextVar("audit_actor", default=None)


@contextlib.contextmanager
def acting_as(user: Any, source: str) -> Iterator[None]:
    """Attribute every audited change inside the block to ``user`` (may be None) from ``source``."""
    token = _actor.set((user, source))
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> tuple[Any, str]:
    return _actor.get() or (None, "system")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


class AuditedModel(models.Model):
    """Mixin: changes to rows of this model are written to the audit log."""

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._audit_loaded = (field_names, values)  # a dict is built only if the row is saved
        return instance

    def audit_snapshot(self) -> dict[str, Any]:
        """The values as loaded from the database (or as last saved), by field attribute name."""
        snapshot = getattr(self, "_audit_snapshot", None)
        if snapshot is None:
            field_names, values = getattr(self, "_audit_loaded", ((), ()))
            snapshot = self._audit_snapshot = dict(zip(field_names, values, strict=True))
        return snapshot

    def audit_values(self) -> dict[str, Any]:
        """Field values worth recording: every concrete field but automatic timestamps."""
        return {
            f.attname: _plain(getattr(self, f.attname))
            for f in self._meta.concrete_fields
            if not getattr(f, "auto_now", False)
        }


def _label(user: Any) -> str:
    return user.get_username() if user is not None and getattr(user, "is_authenticated", False) else ""


def _event(instance: models.Model, action: str, changes: dict) -> Any:
    from .models import AuditEvent

    user, source = current_actor()
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return AuditEvent(
        actor=user if authenticated else None,
        actor_label=_label(user) or source,
        action=action,
        model=instance._meta.label,
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        changes=changes,
        source=source,
    )


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [_plain(old.get(k)), v] for k, v in new.items() if _plain(old.get(k)) != v}


def _on_save(sender, instance: AuditedModel, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    new = instance.audit_values()
    if created:
        changes = {k: [None, v] for k, v in new.items() if v not in (None, "")}
        action = "create"
    else:
        changes = diff(instance.audit_snapshot(), new)
        if not changes:
            return
        action = "update"
    _event(instance, action, changes).save()
    bump_data_version()
    instance._audit_snapshot = dict(new)


def _on_delete(sender, instance: AuditedModel, **kwargs) -> None:
    changes = {k: [v, None] for k, v in instance.audit_values().items() if v not in (None, "")}
    _event(instance, "delete", changes).save()
    bump_data_version()


def _on_m2m(sender, instance, action: str, pk_set, model, **kwargs) -> None:
    if not isinstance(instance, AuditedModel) or action not in {"post_add", "post_remove", "post_clear"}:
        return
    field = next(
        (f.name for f in instance._meta.many_to_many if f.remote_field.through is sender), sender.__name__
    )
    verb = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}[action]
    _event(instance, "update", {field: {verb: sorted(str(pk) for pk in (pk_set or []))}}).save()
    bump_data_version()


def record_bulk(rows: Iterable[tuple[models.Model, str, dict]]) -> int:
    """Write audit events for bulk writes: ``rows`` of (instance, action, changes)."""
    from .models import AuditEvent

    events = [_event(instance, action, changes) for instance, action, changes in rows]
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    if events:
        bump_data_version()
    return len(events)


def connect(model: type[models.Model]) -> None:
    uid = f"audit-{model._meta.label}"
    post_save.connect(_on_save, sender=model, dispatch_uid=uid + "-save")
    post_delete.connect(_on_delete, sender=model, dispatch_uid=uid + "-delete")


m2m_changed.connect(_on_m2m, dispatch_uid="audit-m2m")


def connect_all() -> None:
    from django.apps import apps

    for model in apps.get_models():
        if issubclass(model, AuditedModel):
            connect(model)
