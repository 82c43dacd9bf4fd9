"""A product's documents: uploads checked by type, content and size, stored privately (downloaded
through a permission-checked view only)."""

from __future__ import annotations

import re
import secrets
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from clusterworks.web.core.permissions import require

from ..models import (
    Gate,
    Product,
    ProductDocument,
)
from .common import _invalid
from .events import _check_gate

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def _zip_holds(head: bytes, upload: Any, member: str) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return member in archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)


#: the document types accepted: extension -> (name, test of the content)
DOCUMENT_TYPES: dict[str, tuple[str, Callable[[bytes, Any], bool]]] = {
    ".pdf": ("PDF", lambda head, f: head.startswith(b"%PDF-")),
    ".docx": ("Word (DOCX)", lambda head, f: _zip_holds(head, f, "word/document.xml")),
    ".xlsx": ("Excel (XLSX)", lambda head, f: _zip_holds(head, f, "xl/workbook.xml")),
    ".png": ("PNG", lambda head, f: head.startswith(b"\x89PNG\r\n\x1a\n")),
    ".jpg": ("JPEG", lambda head, f: head.startswith(b"\xff\xd8\xff")),
    ".jpeg": ("JPEG", lambda head, f: head.startswith(b"\xff\xd8\xff")),
}
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


def document_check(file: Any) -> str:
    """Check an upload's type (by extension and by content) and size; return its safe file name."""
    name = Path(getattr(file, "name", "") or "").name
    extension = Path(name).suffix.lower()
    allowed = ", ".join(sorted({kind for kind, _test in DOCUMENT_TYPES.values()}))
    if extension not in DOCUMENT_TYPES:
        raise _invalid(
            "file",
            _("“%(name)s” is not an accepted type; allowed: %(allowed)s.")
            % {"name": name, "allowed": allowed},
        )
    size = file.size
    if size > MAX_DOCUMENT_BYTES:
        raise _invalid(
            "file",
            _("“%(name)s” is %(size)s (%(bytes)s bytes); the limit is %(limit)s (%(max)s bytes).")
            % {
                "name": name,
                "size": filesizeformat(size),
                "bytes": size,
                "limit": filesizeformat(MAX_DOCUMENT_BYTES),
                "max": MAX_DOCUMENT_BYTES,
            },
        )
    if size == 0:
        raise _invalid("file", _("“%(name)s” is empty.") % {"name": name})
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    kind, test = DOCUMENT_TYPES[extension]
    if not test(head, file):
        raise _invalid(
            "file",
            _("The content of “%(name)s” is not %(kind)s, as its name says; allowed: %(allowed)s.")
            % {"name": name, "kind": kind, "allowed": allowed},
        )
    stem = get_valid_filename(Path(name).stem)[:80] or "document"
    return f"{stem}{extension}"


_STORED_PREFIX = re.compile(r"^\d{14}-[0-9a-f]{32}-")


def document_file_name(document: ProductDocument) -> str:
    """The name a document is downloaded under: its stored name less the time and the random part."""
    return _STORED_PREFIX.sub("", Path(document.file.name).name)


@transaction.atomic
def document_upload(
    *, actor: Any, product: Product, gate: Gate | None, title: str, file: Any
) -> ProductDocument:
    """Store a document of the product (privately: it is downloaded through a permission-checked view)."""
    require(actor, "product.change", product)
    if gate is not None:
        _check_gate(product, gate)
    if not (title or "").strip():
        raise _invalid("title", _("Give the document a title."))
    # an unguessable part in the stored name: the files are never served by path, but if a development
    # server serves MEDIA_ROOT (DEBUG), a path cannot be guessed either
    file.name = f"{secrets.token_hex(16)}-{document_check(file)}"
    document = ProductDocument(
        product=product,
        gate=gate,
        title=title.strip(),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    document.file.save(file.name, file, save=False)
    try:
        document.full_clean()
        document.save()
    except Exception:
        document.file.delete(save=False)  # no file left behind without its record
        raise
    return document


@transaction.atomic
def document_delete(*, actor: Any, document: ProductDocument) -> None:
    require(actor, "product.change", document.product)
    stored = document.file
    document.delete()
    transaction.on_commit(lambda: stored.delete(save=False))
