"""Import and export pages: upload a CSV/XLSX file (with a dry run), download the register as CSV/XLSX.

The views only parse the request and render; the work is done by :mod:`.io.importer` and :mod:`.io.exporter`.
"""

from __future__ import annotations

import io
from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from clusterworks.web.core.permissions import check, require

from .io.exporter import FORMATS, export_csv, export_xlsx, file_name
from .io.importer import ImportSource, import_sources
from .models import Cluster

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
EXTENSIONS = (".csv", ".xlsx")
#: shown on the page at most; the CLI and --json list them all
MAX_SHOWN = 1000
KIND_LABELS = {
    "organisations": _("Organisations"),
    "clusters": _("Clusters"),
    "memberships": _("Memberships"),
}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("The file holds"),
        choices=[("", _("Detect from the header")), *KIND_LABELS.items()],
        required=False,
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8 or Windows-1251, separated by ',' or ';') or XLSX, up to 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file and show what would change, without saving"),
        required=False,
        initial=True,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = Path(upload.name).suffix.lower()
        if extension not in EXTENSIONS:
            raise forms.ValidationError(
                _("Upload a .csv or .xlsx file; “%(name)s” is neither."), params={"name": upload.name}
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s."),
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_UPLOAD_BYTES)},
            )
        head = upload.read(8)
        upload.seek(0)
        is_zip, is_old_excel = head.startswith(b"PK\x03\x04"), head.startswith(b"\xd0\xcf\x11\xe0")
        if extension == ".xlsx" and not is_zip:
            raise forms.ValidationError(_("This file is not an Excel .xlsx workbook."))
        if extension == ".csv" and (is_zip or is_old_excel):
            raise forms.ValidationError(
                _("This is a spreadsheet, not CSV text: save it as CSV, or upload it as .xlsx.")
            )
        return upload


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Rows"), choices=list(KIND_LABELS.items()))
    format = forms.ChoiceField(label=_("Format"), choices=[("csv", "CSV"), ("xlsx", "XLSX")])
    cluster = forms.ChoiceField(label=_("Cluster"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].choices = [("", _("All clusters"))] + [
            (c.key, str(c)) for c in Cluster.objects.only("key", "name_en", "name_ru").order_by("key")
        ]


def _export_links() -> list[dict]:
    base = reverse("registry-export")
    return [
        {
            "kind": kind,
            "label": label,
            "formats": [
                (fmt.upper(), f"{base}?{urlencode({'kind': kind, 'format': fmt})}") for fmt in FORMATS
            ],
        }
        for kind, label in KIND_LABELS.items()
    ]


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request):
    require(request.user, "registry.import")
    report = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            source = ImportSource(upload.name, upload.read(), form.cleaned_data["kind"] or None)
            report = import_sources([source], user=request.user, dry_run=form.cleaned_data["dry_run"])
    else:
        form = ImportForm()
    changed = [row for row in report.rows if row.action != "unchanged"] if report and report.ok else []
    context = {
        "form": form,
        "report": report,
        "errors": report.errors[:MAX_SHOWN] if report else [],
        "hidden_errors": max(0, len(report.errors) - MAX_SHOWN) if report else 0,
        "changed": changed[:MAX_SHOWN],
        "hidden_changed": max(0, len(changed) - MAX_SHOWN),
        "summary": [(KIND_LABELS[kind], s) for kind, s in report.summary.items()] if report else [],
        "can_export": bool(check(request.user, "registry.export")),
        "export_links": _export_links(),
        "export_form": ExportForm(),
    }
    return render(request, "registry/io/import.html", context, status=200)


@login_required
@require_http_methods(["GET"])
def export_view(request):
    require(request.user, "registry.export")
    form = ExportForm(request.GET)
    if not form.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
        return HttpResponseBadRequest(problems, content_type="text/plain; charset=utf-8")
    kind, fmt, cluster = form.cleaned_data["kind"], form.cleaned_data["format"], form.cleaned_data["cluster"]
    name = file_name(kind, fmt, cluster_key=cluster)
    if fmt == "csv":
        response = StreamingHttpResponse(
            export_csv(user=request.user, kind=kind, cluster_key=cluster),
            content_type="text/csv; charset=utf-8",
        )
    else:
        buffer = io.BytesIO()
        export_xlsx(user=request.user, kind=kind, out=buffer, cluster_key=cluster)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
