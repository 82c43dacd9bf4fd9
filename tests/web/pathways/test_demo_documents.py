"""The demo products' documents (``web/pathways/demo/documents.py``): a few per product, named as the
gates they were submitted to require them (``web/pathways/data/gates.csv``), marked illustrative,
stored through the document service like uploads -- privately: downloaded through the permission-
checked view by the product's consortium and the cluster's managers, by no one else, never from a
public URL -- and not stored twice by a rebuild."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from clusterworks.web.core.models import AuditEvent, User
from clusterworks.web.core.permissions import check
from clusterworks.web.demo import build_demo
from clusterworks.web.pathways.demo import DOCUMENTS_PER_PRODUCT, STORIES, pdf_bytes
from clusterworks.web.pathways.demo.documents import required_documents
from clusterworks.web.pathways.models import GateEvent, Product, ProductDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    build_demo()


def _download(client, document):
    return client.get(reverse("pathways-document-download", args=[document.product.key, document.pk]))


def test_every_demo_product_has_illustrative_documents_of_its_gates(demo):
    products = list(Product.objects.filter(key__in=[s.key for s in STORIES]))
    assert len(products) == len(STORIES)
    for product in products:
        documents = list(product.documents.select_related("gate"))
        submitted = set(
            GateEvent.objects.filter(product=product, kind="submitted").values_list("gate", flat=True)
        )
        assert 1 <= len(documents) <= DOCUMENTS_PER_PRODUCT if submitted else not documents, product.key
        for document in documents:
            # the first document the gate requires, at a gate the product was submitted to
            assert document.gate_id in submitted
            assert document.title == f"{required_documents(document.gate)[0]} (illustrative)"
            assert document.uploaded_by.username == "manager"
            # stored under the product, with an unguessable part, as document_upload stores uploads
            assert re.fullmatch(
                rf"pathways/{product.pk}/\d{{14}}-[0-9a-f]{{32}}-[a-z0-9-]+\.pdf", document.file.name
            )
            with document.file.open("rb") as handle:
                content = handle.read()
            assert (
                content.startswith(b"%PDF-1.4")
                and b"illustrative document of the Clusterworks demo" in content
            )
    titles = {d.title for d in ProductDocument.objects.all()}
    # names from data/gates.csv: the registration dossier's application, a test report, trial programmes
    assert {
        "Application for state registration (illustrative)",
        "Clinical trial programme (illustrative)",
    } <= titles
    assert AuditEvent.objects.filter(model="pathways.ProductDocument", action="create").count() == len(
        ProductDocument.objects.all()
    )


def test_only_those_who_may_see_the_product_download_its_documents(client, demo):
    manager, representative = (User.objects.get(username=n) for n in ("manager", "representative"))
    eurogens = ProductDocument.objects.filter(product__participants__organisation__key="eurogen").first()
    others = ProductDocument.objects.exclude(product__participants__organisation__key="eurogen").first()
    assert eurogens is not None and others is not None
    assert _download(client, eurogens).status_code == 302  # anonymous: to the sign-in page
    client.force_login(manager)  # the cluster's manager
    response = _download(client, others)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Cache-Control"] == "private, no-store"
    client.force_login(representative)  # Eurogen's: its own products' documents, no others
    assert _download(client, eurogens).status_code == 200
    assert _download(client, others).status_code == 403
    # the rule is the product's visibility (permissions.py, product.view), nothing else
    for username in ("manager", "representative", "analyst", "expert"):
        user = User.objects.get(username=username)
        for document in (eurogens, others):
            client.force_login(user)
            allowed = bool(check(user, "product.view", document.product))
            assert (_download(client, document).status_code == 200) == allowed, (username, document.title)
    # and never a public URL: the media directory is not served
    client.force_login(manager)
    assert client.get(settings.MEDIA_URL + eurogens.file.name).status_code == 404


def test_a_rebuild_stores_no_document_twice(demo):
    before = sorted(ProductDocument.objects.values_list("pk", "title", "file"))
    build_demo()
    assert sorted(ProductDocument.objects.values_list("pk", "title", "file")) == before


def test_the_pdf_is_well_formed():
    pdf = pdf_bytes(["Title (draft)", "Ünïcode"])
    # the cross-reference table points at each object (PDF 1.4, section 3.4.3)
    offsets = [int(line[:10]) for line in pdf.decode().split("xref\n")[1].splitlines()[2:7]]
    assert [pdf[o:].split(b"\n", 1)[0] for o in offsets] == [f"{n} 0 obj".encode() for n in range(1, 6)]
    start = int(pdf.decode().split("startxref\n")[1].split()[0])
    assert pdf[start:].startswith(b"xref")
    assert b"(Title \\(draft\\)) '" in pdf and b"(?n?code) '" in pdf
