"""Documents of a product: the type checked by extension and by content, the size limit, private storage
and the permission-checked download."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusterworks.web.core.permissions import NotAllowed
from clusterworks.web.pathways import services
from clusterworks.web.pathways.models import ProductDocument
from tests.web.pathways.world_services import build_world

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64


def _office(member: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, "<document/>")
    return buffer.getvalue()


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_world()


def _upload(world, name: str, content: bytes, who: str = "developer", gate: str | None = None):
    return services.document_upload(
        actor=world.users[who],
        product=world.device,
        gate=world.gate(world.device, gate) if gate else None,
        title="Test report",
        file=SimpleUploadedFile(name, content),
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", PDF),
        ("photo.PNG", PNG),
        ("photo.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 16),
        ("protocol.docx", _office("word/document.xml")),
        ("budget.xlsx", _office("xl/workbook.xml")),
    ],
)
def test_accepted_documents_are_stored_privately(world, settings, name, content):
    document = _upload(world, name, content, gate="technical-tests")
    assert document.file.read() == content
    stored = document.file.name
    # pathways/<product id>/<time>-<32 random hex>-<name>, under MEDIA_ROOT
    expected = Path(name).stem + Path(name).suffix.lower()  # photo.PNG is stored as photo.png
    assert stored.startswith(f"pathways/{world.device.pk}/") and stored.endswith("-" + expected)
    assert (settings.MEDIA_ROOT / stored).exists()
    assert services.document_file_name(document) == expected
    assert document.gate.key == "technical-tests" and document.uploaded_by == world.users["developer"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "setup.exe",
            EXE,
            "“setup.exe” is not an accepted type; allowed: Excel (XLSX), JPEG, PDF, PNG, Word (DOCX).",
        ),
        ("report.pdf", EXE, "The content of “report.pdf” is not PDF, as its name says"),  # a renamed .exe
        ("budget.xlsx", _office("word/document.xml"), "The content of “budget.xlsx” is not Excel (XLSX)"),
        (
            "protocol.docx",
            b"PK\x03\x04 not really a zip",
            "The content of “protocol.docx” is not Word (DOCX)",
        ),
        ("photo.png", PDF, "The content of “photo.png” is not PNG"),
        ("empty.pdf", b"", "“empty.pdf” is empty."),
    ],
)
def test_refused_documents_leave_nothing_behind(world, settings, name, content, message):
    with pytest.raises(ValidationError) as raised:
        _upload(world, name, content)
    assert raised.value.message_dict["file"][0].startswith(message)
    assert not ProductDocument.objects.exists()
    assert not (settings.MEDIA_ROOT / "pathways").exists()


def test_the_size_limit_is_20_mb(world):
    limit = 20 * 1024 * 1024
    document = _upload(world, "big.pdf", PDF + b"0" * (limit - len(PDF)))  # exactly 20 MB: accepted
    assert document.file.size == limit
    with pytest.raises(ValidationError) as raised:
        _upload(world, "bigger.pdf", PDF + b"0" * (limit + 1 - len(PDF)))
    assert raised.value.message_dict["file"] == [
        "“bigger.pdf” is 20.0\xa0MB (20971521 bytes); the limit is 20.0\xa0MB (20971520 bytes)."
    ]
    assert ProductDocument.objects.count() == 1


def test_a_gate_of_another_catalogue_is_refused(world):
    with pytest.raises(ValidationError) as raised:
        services.document_upload(
            actor=world.users["developer"],
            product=world.device,
            gate=world.gate(world.medicine, "ct-permit"),
            title="Permit",
            file=SimpleUploadedFile("permit.pdf", PDF),
        )
    assert "is not a gate of the catalogue “device-1684”" in raised.value.message_dict["gate"][0]


@pytest.mark.parametrize("who", ["site", "other_manager", "member", "analyst"])
def test_who_may_not_upload(world, who):
    with pytest.raises(NotAllowed):
        _upload(world, "report.pdf", PDF, who=who)


def test_the_upload_page(client, world):
    client.force_login(world.users["manager"])
    url = reverse("pathways-documents", args=[world.device.key])
    response = client.post(url, {"title": "Toxicology report", "file": SimpleUploadedFile("tox.pdf", PDF)})
    assert response.status_code == 302 and response["Location"] == url
    document = ProductDocument.objects.get()
    assert document.title == "Toxicology report"
    page = client.get(url).content.decode()
    assert (
        reverse("pathways-document-download", args=[world.device.key, document.pk]) in page
        and "tox.pdf" in page
    )
    refused = client.post(url, {"title": "Tool", "file": SimpleUploadedFile("tool.pdf", EXE)})
    assert refused.status_code == 200
    assert "The content of “tool.pdf” is not PDF" in refused.content.decode()
    assert ProductDocument.objects.count() == 1


def test_a_clinical_site_sees_the_documents_but_uploads_nothing(client, world):
    _upload(world, "report.pdf", PDF)
    client.force_login(world.users["site"])
    url = reverse("pathways-documents", args=[world.device.key])
    page = client.get(url).content.decode()
    assert "report.pdf" in page and 'enctype="multipart/form-data"' not in page
    response = client.post(url, {"title": "Mine", "file": SimpleUploadedFile("mine.pdf", PDF)})
    assert response.status_code == 403
    assert ProductDocument.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("manager", 200),
        ("developer", 200),
        ("site", 200),
        ("analyst", 200),
        ("other_manager", 403),
        ("member", 403),
        ("outsider", 403),
    ],
)
def test_the_download_is_checked(client, world, who, status):
    document = _upload(world, "report.pdf", PDF)
    client.force_login(world.users[who])
    response = client.get(reverse("pathways-document-download", args=[world.device.key, document.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
        assert response["Cache-Control"] == "private, no-store"


def test_anonymous_visitors_download_nothing(client, world):
    document = _upload(world, "report.pdf", PDF)
    response = client.get(reverse("pathways-document-download", args=[world.device.key, document.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_another_products_document_id_is_not_found(client, world):
    document = _upload(world, "report.pdf", PDF)  # of the device
    client.force_login(world.users["developer"])  # who may see both products
    response = client.get(reverse("pathways-document-download", args=[world.medicine.key, document.pk]))
    assert response.status_code == 404


def test_the_files_are_not_served_by_path(client, world):
    document = _upload(world, "report.pdf", PDF)
    client.force_login(world.users["developer"])
    assert client.get("/media/" + document.file.name).status_code == 404
