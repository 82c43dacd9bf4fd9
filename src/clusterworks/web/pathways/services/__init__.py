"""Recording product pathways: products and their consortia, gate events, documents, barriers, the
bulk import of gate events and new versions of the gate catalogues.

Each service checks the actor's permission (``permissions``), validates and writes in one transaction;
the audit log records the change (``core.audit``). Bad input raises Django's ``ValidationError`` with
a message per field that names the value and what is allowed; nothing is half-saved. The order of gate
events is checked by the analytics library (``clusterworks.analytics.pathways.check_events``) over
the product's recorded events and the new ones together; its problems are explained in the reader's
language (``events``, and ``..messages`` for the library's own words). Views, the API and the CLI
call these and nothing lower.

The modules, by what they hold: ``products``, ``consortium``, ``events``, ``documents``,
``barriers``, ``imports`` (the CSV import of gate events), ``catalogues`` and ``common`` (what they
share). Every public name is here too: ``from clusterworks.web.pathways import services;
services.product_create(...)``.
"""

from __future__ import annotations

from .barriers import (
    BARRIER_FIELDS,
    BARRIER_TRANSITIONS,
    TRANSITION_REFUSALS,
    barrier_actions,
    barrier_assign,
    barrier_close,
    barrier_escalate,
    barrier_raise,
    barrier_reopen,
    barrier_resolve,
    barrier_update,
)
from .catalogues import catalogue_new_version
from .consortium import participant_add, participant_remove
from .documents import (
    CONTENT_TYPES,
    DOCUMENT_TYPES,
    MAX_DOCUMENT_BYTES,
    document_check,
    document_delete,
    document_file_name,
    document_upload,
)
from .events import (
    EVENT_DESCRIPTIONS,
    NO_DECISION_ON,
    ORDER_HELP,
    ORDER_SENTENCES,
    Recorded,
    deletable_event_ids,
    event_delete,
    event_description,
    event_is_last_of_gate,
    event_record,
)
from .imports import (
    IMPORT_COLUMNS,
    IMPORT_OPTIONAL,
    MAX_IMPORT_BYTES,
    ImportIssue,
    ImportReport,
    ImportRow,
    events_import,
)
from .products import PRODUCT_FIELDS, PRODUCT_UPDATE_FIELDS, product_create, product_update

__all__ = [
    "BARRIER_FIELDS",
    "BARRIER_TRANSITIONS",
    "CONTENT_TYPES",
    "DOCUMENT_TYPES",
    "EVENT_DESCRIPTIONS",
    "IMPORT_COLUMNS",
    "IMPORT_OPTIONAL",
    "MAX_DOCUMENT_BYTES",
    "MAX_IMPORT_BYTES",
    "NO_DECISION_ON",
    "ORDER_HELP",
    "ORDER_SENTENCES",
    "PRODUCT_FIELDS",
    "PRODUCT_UPDATE_FIELDS",
    "TRANSITION_REFUSALS",
    "ImportIssue",
    "ImportReport",
    "ImportRow",
    "Recorded",
    "barrier_actions",
    "barrier_assign",
    "barrier_close",
    "barrier_escalate",
    "barrier_raise",
    "barrier_reopen",
    "barrier_resolve",
    "barrier_update",
    "catalogue_new_version",
    "deletable_event_ids",
    "document_check",
    "document_delete",
    "document_file_name",
    "document_upload",
    "event_delete",
    "event_description",
    "event_is_last_of_gate",
    "event_record",
    "events_import",
    "participant_add",
    "participant_remove",
    "product_create",
    "product_update",
]
