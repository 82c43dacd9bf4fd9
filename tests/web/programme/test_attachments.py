"""Attachments of applications: the call's types checked by extension and by content (magic bytes, the
parts of office packages), the call's size limit, the SHA-256, private storage, the permission-checked
download with its headers, and revisions."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusterworks.web.core.permissions import NotAllowed
from clusterworks.web.programme.models import Application, Attachment, Revision
from clusterworks.web.programme.services import attachments as services
from tests.web.programme.world_calls import build_world

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64


def _package(member: str, mimetype: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if mimetype is not None:
            archive.writestr("mimetype", mimetype)  # OpenDocument: the first member names the type
        archive.writestr(member, "<document/>")
    return buffer.getvalue()


DOCX = _package("word/document.xml")
XLSX = _package("xl/workbook.xml")
ODT = _package("content.xml", "application/vnd.oasis.opendocument.text")
ODS = _package("content.xml", "application/vnd.oasis.opendocument.spreadsheet")


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    world.call.attachment_types = "pdf,docx,xlsx,odt,ods,png,jpg,jpeg"
    world.call.max_attachment_mb = 1
    world.call.save()
    world.application = world.draft()
    return world


def _upload(world, name: str, content: bytes, who: str = "rep_member"):
    return services.attachment_upload(
        actor=world.users[who],
        application=world.application,
        title="Strategy",
        file=SimpleUploadedFile(name, content),
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("strategy.pdf", PDF),
        ("map.PNG", PNG),
        ("photo.jpeg", JPEG),
        ("photo.jpg", JPEG),
        ("plan.docx", DOCX),
        ("budget.xlsx", XLSX),
        ("plan.odt", ODT),
        ("budget.ods", ODS),
    ],
)
def test_accepted_files_are_stored_privately_with_their_hash(world, settings, name, content):
    attachment = _upload(world, name, content)
    assert attachment.file.read() == content
    assert attachment.sha256 == hashlib.sha256(content).hexdigest() and attachment.size == len(content)
    stored = attachment.file.name
    expected = Path(name).stem + Path(name).suffix.lower()
    # programme/<application id>/<time>-<32 random hex>-<name>, under MEDIA_ROOT, never under a static URL
    assert stored.startswith(f"programme/{world.application.pk}/") and stored.endswith("-" + expected)
    assert (settings.MEDIA_ROOT / stored).exists()
    assert services.attachment_file_name(attachment) == expected
    snapshot = Revision.objects.filter(application=world.application).order_by("-number").first().snapshot
    assert snapshot["attachments"][0]["sha256"] == attachment.sha256


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "setup.exe",
            EXE,
            "“setup.exe” is not an accepted type; this call accepts: pdf, docx, xlsx, odt, ods, png, "
            "jpg, jpeg.",
        ),
        ("strategy.pdf", EXE, "The content of “strategy.pdf” is not PDF, as its name says"),
        ("budget.xlsx", DOCX, "The content of “budget.xlsx” is not Excel (XLSX)"),
        ("plan.docx", b"PK\x03\x04 not really a zip", "The content of “plan.docx” is not Word (DOCX)"),
        ("plan.odt", ODS, "The content of “plan.odt” is not OpenDocument text (ODT)"),
        ("budget.ods", DOCX, "The content of “budget.ods” is not OpenDocument spreadsheet (ODS)"),
        ("map.png", PDF, "The content of “map.png” is not PNG"),
        ("photo.jpg", PNG, "The content of “photo.jpg” is not JPEG"),
        ("empty.pdf", b"", "“empty.pdf” is empty."),
    ],
)
def test_refused_files_leave_nothing_behind(world, settings, name, content, message):
    with pytest.raises(ValidationError) as raised:
        _upload(world, name, content)
    assert raised.value.message_dict["file"][0].startswith(message)
    assert not Attachment.objects.exists()
    assert not (settings.MEDIA_ROOT / "programme").exists()


def test_the_calls_types_and_size_limit_apply(world):
    limit = 1024 * 1024  # the call's 1 MB
    attachment = _upload(world, "big.pdf", PDF + b"0" * (limit - len(PDF)))  # exactly 1 MB: accepted
    assert attachment.size == limit
    with pytest.raises(ValidationError) as raised:
        _upload(world, "bigger.pdf", PDF + b"0" * (limit + 1 - len(PDF)))
    assert raised.value.message_dict["file"] == [
        "“bigger.pdf” is 1.0\xa0MB (1048577 bytes); this call's limit is 1.0\xa0MB (1048576 bytes)."
    ]
    world.call.attachment_types = "pdf"
    world.call.save()
    world.application.refresh_from_db()
    with pytest.raises(ValidationError) as raised:
        _upload(world, "map.png", PNG)
    assert raised.value.message_dict["file"] == ["“map.png” is not an accepted type; this call accepts: pdf."]


def test_only_applicants_attach_and_only_to_drafts(world):
    for who in ("officer", "other_manager", "expert"):
        with pytest.raises(NotAllowed):
            _upload(world, "strategy.pdf", PDF, who=who)
    Application.objects.filter(pk=world.application.pk).update(state="submitted")
    world.application.refresh_from_db()
    with pytest.raises(NotAllowed):
        _upload(world, "strategy.pdf", PDF)
    assert not Attachment.objects.exists()


def test_download_is_permission_checked_and_never_sniffed(client, world):
    attachment = _upload(world, "strategy.pdf", PDF)
    url = reverse("programme-attachment-download", args=[world.application.number, attachment.pk])
    assert client.get(url).status_code == 302  # sign in first
    for who, expected in (("other_manager", 403), ("expert", 403), ("officer_elsewhere", 403)):
        client.force_login(world.users[who])
        assert client.get(url).status_code == expected, who
    for who in ("rep_member", "manager", "officer", "admin"):
        client.force_login(world.users[who])
        response = client.get(url)
        assert response.status_code == 200, who
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"] == 'attachment; filename="strategy.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "private, no-store"
    # an attachment of another application is not reachable through this one's number
    other = world.draft(title="Other")
    assert (
        client.get(reverse("programme-attachment-download", args=[other.number, attachment.pk])).status_code
        == 404
    )


def test_the_attachments_page_uploads_and_removes(client, world):
    client.force_login(world.users["rep_member"])
    url = reverse("programme-application-attachments", args=[world.application.number])
    response = client.post(
        url, {"action": "upload", "title": "Strategy", "file": SimpleUploadedFile("s.pdf", PDF)}
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    page = client.get(url).content.decode()
    assert "s.pdf" in page and attachment.sha256[:16] in page
    response = client.post(
        url, {"action": "upload", "title": "Virus", "file": SimpleUploadedFile("v.pdf", EXE)}
    )
    assert "The content of “v.pdf” is not PDF" in response.content.decode()
    client.force_login(world.users["other_manager"])
    assert client.post(url, {"action": "delete", "attachment": attachment.pk}).status_code == 403
    client.force_login(world.users["rep_member"])
    response = client.post(url, {"action": "delete", "attachment": attachment.pk})
    assert response.status_code == 302 and not Attachment.objects.exists()
    last = Revision.objects.filter(application=world.application).order_by("-number").first()
    assert last.snapshot["attachments"] == []


def test_a_removed_attachments_file_is_deleted_on_commit(world, settings, django_capture_on_commit_callbacks):
    attachment = _upload(world, "strategy.pdf", PDF)
    stored = settings.MEDIA_ROOT / attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_delete(actor=world.users["rep_member"], attachment=attachment)
    assert not stored.exists()
