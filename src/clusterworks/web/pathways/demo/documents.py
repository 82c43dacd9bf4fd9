"""The demo products' documents: for the latest gates a product has been submitted to, the first
document the gate requires (the registration dossier's application, a test report, the clinical trial
programme, ... as ``data/gates.csv`` names them), as a one-page PDF that says it is illustrative.

They are stored through :func:`~clusterworks.web.pathways.services.document_upload`, like an upload:
under an unguessable name in the private media directory, downloaded only through the
permission-checked view. Building twice adds only the documents a product lacks (by title).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.files.base import ContentFile

from .. import services
from ..models import EventKind, Gate, GateEvent, Product, ProductDocument

#: documents per demo product: the first required document of each of its latest submitted gates
DOCUMENTS_PER_PRODUCT = 3
ILLUSTRATIVE_TITLE = "{document} (illustrative)"
MSK = dt.timezone(dt.timedelta(hours=3))


def required_documents(gate: Gate) -> list[str]:
    """The documents ``gate`` requires, in the catalogue's order (one per line, or separated by ";")."""
    return [d.strip() for d in re.split(r"[;\n]", gate.documents_en or "") if d.strip()]


def _pdf_text(text: str) -> str:
    return (
        text.encode("ascii", "replace")
        .decode("ascii")
        .replace("\\", "\\\\")
        .replace("(", "\\(")
        .replace(")", "\\)")
    )


def pdf_bytes(lines: list[str]) -> bytes:
    """A one-page PDF (1.4, Helvetica) with ``lines`` of text, top to bottom; non-ASCII shown as ``?``."""
    content = "BT /F1 11 Tf 56 780 Td 15 TL " + " ".join(f"({_pdf_text(line)}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        "/Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
    ]
    out = "%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("ascii")


def _file_name(document: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", document.lower()).strip("-")[:60] + ".pdf"


def planned_documents(product: Product) -> list[tuple[Gate, str, dt.date]]:
    """(gate, document, the day it was submitted there) for the product's latest submitted gates."""
    first_submission: dict[int, dt.date] = {}
    for gate_id, day in (
        GateEvent.objects.filter(product=product, kind=EventKind.SUBMITTED)
        .order_by("date", "pk")
        .values_list("gate_id", "date")
    ):
        first_submission.setdefault(gate_id, day)
    gates = Gate.objects.filter(pk__in=first_submission).order_by("position")
    planned = [
        (gate, documents[0], first_submission[gate.pk])
        for gate in gates
        if (documents := required_documents(gate))
    ]
    return planned[-DOCUMENTS_PER_PRODUCT:]


def build_documents(products: list[Product], *, actor: Any) -> tuple[int, int]:
    """Store the demo documents the products lack, as ``actor`` (the cluster's manager); return (the
    demo documents of the products, how many were stored now)."""
    total = created = 0
    for product in products:
        have = set(product.documents.values_list("title", flat=True))
        for gate, document, submitted in planned_documents(product):
            title = ILLUSTRATIVE_TITLE.format(document=document)
            total += 1
            if title in have:
                continue
            lines = [
                title,
                "",
                f"Product: {product.name_en} ({product.key})",
                f"Gate: {gate.name_en}",
                f"Submitted on {submitted.isoformat()}",
                "",
                "An illustrative document of the Clusterworks demo: not a real product, dossier or permit.",
            ]
            stored = services.document_upload(
                actor=actor,
                product=product,
                gate=gate,
                title=title,
                file=ContentFile(pdf_bytes(lines), name=_file_name(document)),
            )
            # dated the day the gate was submitted, as if uploaded with the submission
            ProductDocument.objects.filter(pk=stored.pk).update(
                uploaded_at=dt.datetime.combine(submitted, dt.time(10), MSK)
            )
            created += 1
    return total, created
