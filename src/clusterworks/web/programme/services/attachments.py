"""Attachments of applications: checked by extension (the call's ``attachment_types``) and by content
(the file's first bytes, and for office files the parts of the ZIP package), limited in size (the call's
``max_attachment_mb``), stored privately with their SHA-256, and downloaded only through a view that
checks the same rules as the application.

Content tests: PDF starts with ``%PDF-``; PNG with its 8-byte signature; JPEG with ``FF D8 FF``;
DOCX and XLSX are ZIP packages holding ``word/document.xml`` and ``xl/workbook.xml``; ODT and ODS are
ZIP packages whose ``mimetype`` member names the OpenDocument text or spreadsheet type.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from clusterworks.web.core.permissions import is_authenticated, require

from ..models import Application, Attachment
from .applications import revision_record
from .calls import attachment_types

MB = 1024 * 1024


def _zip_member(upload: Any, member: str) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return member in archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)


def _zip_mimetype(upload: Any, mimetype: str) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return archive.read("mimetype").decode("ascii", "replace").strip() == mimetype
    except (zipfile.BadZipFile, KeyError):
        return False
    finally:
        upload.seek(0)


def _zip(test: Callable[[Any], bool]) -> Callable[[bytes, Any], bool]:
    return lambda head, upload: head.startswith(b"PK\x03\x04") and test(upload)


#: extension -> (the type's name, the test of the content, the content type it is served with)
TYPES: dict[str, tuple[str, Callable[[bytes, Any], bool], str]] = {
    "pdf": ("PDF", lambda head, _f: head.startswith(b"%PDF-"), "application/pdf"),
    "docx": (
        "Word (DOCX)",
        _zip(lambda f: _zip_member(f, "word/document.xml")),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (
        "Excel (XLSX)",
        _zip(lambda f: _zip_member(f, "xl/workbook.xml")),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "odt": (
        "OpenDocument text (ODT)",
        _zip(lambda f: _zip_mimetype(f, "application/vnd.oasis.opendocument.text")),
        "application/vnd.oasis.opendocument.text",
    ),
    "ods": (
        "OpenDocument spreadsheet (ODS)",
        _zip(lambda f: _zip_mimetype(f, "application/vnd.oasis.opendocument.spreadsheet")),
        "application/vnd.oasis.opendocument.spreadsheet",
    ),
    "png": ("PNG", lambda head, _f: head.startswith(b"\x89PNG\r\n\x1a\n"), "image/png"),
    "jpg": ("JPEG", lambda head, _f: head.startswith(b"\xff\xd8\xff"), "image/jpeg"),
    "jpeg": ("JPEG", lambda head, _f: head.startswith(b"\xff\xd8\xff"), "image/jpeg"),
}


def _invalid(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def allowed_types(application: Application) -> list[str]:
    """The extensions the application's call accepts (and the content check knows)."""
    return [t for t in attachment_types(application.call) if t in TYPES]


def attachment_check(application: Application, file: Any) -> str:
    """Check an upload against the call's types (extension and content) and size limit; return the safe
    file name it is stored under (without the random part)."""
    name = Path(getattr(file, "name", "") or "").name
    extension = Path(name).suffix.lower().lstrip(".")
    allowed = allowed_types(application)
    shown = ", ".join(allowed)
    if extension not in allowed:
        raise _invalid(
            _("“%(name)s” is not an accepted type; this call accepts: %(allowed)s.")
            % {"name": name, "allowed": shown}
        )
    limit = application.call.max_attachment_mb * MB
    size = file.size
    if size > limit:
        raise _invalid(
            _("“%(name)s” is %(size)s (%(bytes)s bytes); this call's limit is %(limit)s (%(max)s bytes).")
            % {
                "name": name,
                "size": filesizeformat(size),
                "bytes": size,
                "limit": filesizeformat(limit),
                "max": limit,
            }
        )
    if size == 0:
        raise _invalid(_("“%(name)s” is empty.") % {"name": name})
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    kind, test, _content_type = TYPES[extension]
    if not test(head, file):
        raise _invalid(
            _("The content of “%(name)s” is not %(kind)s, as its name says; this call accepts: %(allowed)s.")
            % {"name": name, "kind": kind, "allowed": shown}
        )
    stem = get_valid_filename(Path(name).stem)[:80] or "attachment"
    return f"{stem}.{extension}"


def _sha256(file: Any) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def attachment_upload(*, actor: Any, application: Application, title: str, file: Any) -> Attachment:
    """Attach a file to a draft (privately: downloaded through a permission-checked view); a revision of
    the application records it."""
    require(actor, "application.edit", application)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": [_("Give the attachment a title.")]})
    safe = attachment_check(application, file)
    sha256 = _sha256(file)
    # an unguessable part in the stored name: files are never served by path
    file.name = f"{secrets.token_hex(16)}-{safe}"
    attachment = Attachment(
        application=application,
        title=title[:300],
        size=file.size,
        sha256=sha256,
        uploaded_by=actor if is_authenticated(actor) else None,
    )
    attachment.file.save(file.name, file, save=False)
    try:
        with transaction.atomic():
            attachment.save()
            revision_record(application=application, actor=actor)
    except Exception:
        attachment.file.delete(save=False)  # no file left behind without its record
        raise
    return attachment


def attachment_delete(*, actor: Any, attachment: Attachment) -> None:
    application = attachment.application
    require(actor, "application.edit", application)
    with transaction.atomic():
        attachment.delete()
        revision_record(application=application, actor=actor)
        transaction.on_commit(lambda: attachment.file.delete(save=False))


_STORED_PREFIX = re.compile(r"^\d{14}-[0-9a-f]{32}-")


def attachment_file_name(attachment: Attachment) -> str:
    """The name an attachment is downloaded under: the stored name less the time and the random part."""
    return _STORED_PREFIX.sub("", Path(attachment.file.name).name)


def attachment_content_type(attachment: Attachment) -> str:
    extension = Path(attachment.file.name).suffix.lower().lstrip(".")
    return TYPES[extension][2] if extension in TYPES else "application/octet-stream"
