"""Forms of the dataset pages: the import (file, the column of each field, options, source and licence)
and the confirmation of a deletion."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
from pathlib import Path
from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from clusterworks.web.registry.models import key_validator

from .models import ParticipationDataset

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
EXTENSIONS = (".csv", ".tsv", ".txt", ".gz")
ENCODINGS = [
    ("utf-8", "UTF-8"),
    ("cp1251", "Windows-1251"),
    ("cp1252", "Windows-1252"),
    ("latin-1", "ISO 8859-1 (Latin-1)"),
]
#: the file's column for each field, with CORDIS's names as the defaults
COLUMN_FIELDS = {
    "project": (_("Project"), "rcn", True),
    "organisation": (_("Organisation"), "pic", True),
    "year": (_("Start year"), "start_year", True),
    "role": (_("Role"), "role", False),
    "type": (_("Activity type"), "type", False),
    "country": (_("Country"), "country", False),
    "amount": (_("Amount"), "contribution", False),
    "name": (_("Organisation name"), "", False),
}


def _header(upload: Any, encoding: str) -> list[str] | None:
    """The column names of the uploaded file's first line (gzip-compressed or not); None if it cannot be
    read in ``encoding``."""
    upload.seek(0)
    head = upload.read(1 << 16)
    upload.seek(0)
    if head[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=upload) as unpacked:
                head = unpacked.read(1 << 16)
        except (OSError, EOFError):
            return None
        finally:
            upload.seek(0)
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    if first.startswith(codecs.BOM_UTF8):
        first = first[len(codecs.BOM_UTF8) :]
    try:
        text = first.decode(encoding)
    except UnicodeDecodeError:
        return None
    delimiter = max((",", ";", "\t", "|"), key=text.count) if any(d in text for d in ",;\t|") else ","
    return [cell.strip() for cell in next(csv.reader(io.StringIO(text), delimiter=delimiter), [])]


class DatasetImportForm(forms.Form):
    file = forms.FileField(
        label=_("Participation file"),
        help_text=_(
            "CSV or TSV, one row per organisation in a project (the CORDIS format), optionally compressed "
            "(.gz); up to 200 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.txt,.gz"}),
    )
    key = forms.CharField(
        label=_("Key"),
        max_length=80,
        validators=[key_validator],
        help_text=_("A short identifier for addresses and the command line, e.g. h2020-health."),
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    attribution = forms.CharField(
        label=_("Source and licence"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Where the data come from and under which licence; shown with the dataset."),
    )
    encoding = forms.ChoiceField(label=_("Encoding"), choices=ENCODINGS, initial="utf-8")
    on_missing = forms.ChoiceField(
        label=_("Rows without a year"),
        choices=[("error", _("are a problem: nothing is imported")), ("drop", _("are left out and counted"))],
        initial="error",
        widget=forms.RadioSelect,
    )
    cordis_types = forms.BooleanField(
        label=_("The type column holds CORDIS activity types (HES, REC, PRC, PUB, OTH)"),
        required=False,
        initial=True,
    )
    mixed_identifiers = forms.BooleanField(
        label=_("Allow organisation identifiers of more than one scheme"), required=False
    )
    replace = forms.BooleanField(label=_("Replace the dataset with this key if it exists"), required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, (label, default, required) in COLUMN_FIELDS.items():
            self.fields[f"column_{name}"] = forms.CharField(
                label=label,
                initial=default,
                required=required,
                max_length=100,
                help_text=None if required else _("Leave empty if the file has none."),
            )

    def column_fields(self) -> list[Any]:
        return [self[f"column_{name}"] for name in COLUMN_FIELDS]

    def option_fields(self) -> list[Any]:
        return [
            self[name] for name in ("encoding", "on_missing", "cordis_types", "mixed_identifiers", "replace")
        ]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith(EXTENSIONS):
            raise forms.ValidationError(
                _("Upload a .csv, .tsv or .gz file; “%(name)s” is none of them."),
                params={"name": upload.name},
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s."),
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_UPLOAD_BYTES)},
            )
        head = upload.read(8)
        upload.seek(0)
        if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            raise forms.ValidationError(_("This is a spreadsheet workbook: save it as CSV first."))
        return upload

    def clean_key(self) -> str:
        return self.cleaned_data["key"].strip()

    def columns(self) -> dict[str, str]:
        """``{field: column}`` of the fields given."""
        return {
            name: self.cleaned_data[f"column_{name}"].strip()
            for name in COLUMN_FIELDS
            if self.cleaned_data.get(f"column_{name}", "").strip()
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        key = data.get("key")
        if key and not data.get("replace") and ParticipationDataset.objects.filter(key=key).exists():
            self.add_error(
                "key",
                _("A dataset with the key “%(key)s” exists: choose another key, or tick “replace”.")
                % {"key": key},
            )
        upload = data.get("file")
        if upload is None or self.errors.get("file"):
            return data
        header = _header(upload, data.get("encoding") or "utf-8")
        if header is None:
            self.add_error(
                "encoding",
                _("The first line of the file cannot be read as %(encoding)s: choose its encoding.")
                % {"encoding": dict(ENCODINGS).get(data.get("encoding"), data.get("encoding"))},
            )
            return data
        for name in COLUMN_FIELDS:
            column = (data.get(f"column_{name}") or "").strip()
            if column and column not in header:
                self.add_error(
                    f"column_{name}",
                    _("The file has no column “%(column)s”; its columns are: %(header)s.")
                    % {"column": column, "header": ", ".join(header)},
                )
        return data

    def file_name(self) -> str:
        return Path(self.cleaned_data["file"].name).name


class DatasetDeleteForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, delete this dataset and all its rows"), required=True)


class DatasetOrganisationForm(forms.Form):
    """A dataset organisation's ego network and recommendations: how far to look, what partner is
    wanted."""

    order = forms.TypedChoiceField(
        label=_("Show partners"),
        choices=[(1, _("direct partners")), (2, _("and their partners"))],
        coerce=int,
        initial=1,
        widget=forms.RadioSelect,
        required=False,
    )
    kinds = forms.MultipleChoiceField(
        label=_("Wanted activity type of partner"),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, Any]] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = list(kinds)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {"order": data.get("order") or 1, "kinds": tuple(data.get("kinds") or ())}
