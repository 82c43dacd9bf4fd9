"""Forms of the observatory: the map's choices, the import (file + column mapping) and the deletion."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from clusterworks.web.registry.models import key_validator

from .models import DatasetKind
from .services.datasets import KEYS, MEASURES, parse_columns

REGION_SYSTEMS = [
    ("", _("None (codes are not checked; no map)")),
    ("us-state", _("US states, FIPS codes (01-56): US map")),
    ("iso3166-2:US", _("US states, ISO 3166-2 codes (US-MA): US map")),
    ("iso3166-2:RU", _("Russian federal subjects, ISO 3166-2 codes (RU-MOW): Russia map")),
]
ACTIVITY_SYSTEMS = [
    ("", _("None (codes are not checked)")),
    ("uscmp-cluster", _("US Cluster Mapping clusters (1-67, 101-116), traded and local")),
    ("naics", _("NAICS 2017 industries")),
    ("nace", _("NACE Rev. 2 sections")),
    ("okved", _("OKVED 2 sections")),
]


def natural(code: str) -> tuple:
    """Sort key: numbers in codes by value (cluster 2 before 10)."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", code))


class MapForm(forms.Form):
    """Which indicator, activity and year the map shows; every choice defaults to the first one."""

    indicator = forms.ChoiceField(label=_("Indicator"))
    activity = forms.ChoiceField(label=_("Cluster or activity"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, data, *, indicators, activities, years):
        super().__init__(data)
        self.fields["indicator"].choices = [(i.key, i.label) for i in indicators]
        self.fields["activity"].choices = activities
        self.fields["year"].choices = [(y, str(y)) for y in sorted(years, reverse=True)]
        self.defaults = {
            "indicator": indicators[0].key if indicators else "",
            "activity": activities[0][0] if activities else "",
            "year": max(years) if years else 0,
        }

    def values(self) -> dict:
        """The valid choices, each falling back to its default."""
        chosen = dict(self.defaults)
        if self.is_bound:
            self.is_valid()
            for name in chosen:
                if name in getattr(self, "cleaned_data", {}) and self.cleaned_data[name] not in ("", None):
                    chosen[name] = self.cleaned_data[name]
        return chosen


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Statistics file"),
        help_text=_("CSV (optionally .gz), XLSX or Parquet; one row per region, activity and year."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.gz,.xlsx,.parquet"}),
    )
    key = forms.CharField(
        label=_("Key"),
        max_length=80,
        validators=[key_validator],
        help_text=_("A short identifier, e.g. us-2016."),
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=DatasetKind.choices, initial=DatasetKind.REGIONAL)
    region_system = forms.ChoiceField(
        label=_("Region codes"),
        choices=REGION_SYSTEMS,
        required=False,
        help_text=_(
            "The classification the file's region codes belong to: every code is checked against it "
            "(close codes are suggested) and its regions get their names and the map."
        ),
    )
    activity_system = forms.ChoiceField(
        label=_("Activity codes"),
        choices=ACTIVITY_SYSTEMS,
        required=False,
        help_text=_("The classification of the file's activity codes: checked, named, traded or local."),
    )
    columns = forms.CharField(
        label=_("Columns"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "name=column pairs separated by commas. Needed: %(keys)s; measures: %(measures)s (or "
            "measure=... and value=...); optional flag=... (County Business Patterns suppression or "
            "size-class flag). Example: region=state, activity=cluster, year=year, employment=emp, "
            "establishments=est"
        )
        % {"keys": ", ".join(KEYS), "measures": ", ".join(MEASURES)},
    )
    suppressed = forms.ChoiceField(
        label=_("Suppressed employment"),
        choices=[
            ("missing", _("Keep it missing (no data)")),
            ("midpoint", _("Impute the midpoint of its size class")),
        ],
        initial="missing",
    )
    attribution = forms.CharField(
        label=_("Source and licence"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Where the data come from and under which licence; shown with the dataset."),
    )
    replace = forms.BooleanField(label=_("Replace a dataset with the same key"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".csv.gz", ".gz", ".xlsx", ".parquet")):
            raise forms.ValidationError(_("Upload a CSV, gzip CSV, XLSX or Parquet file."))
        return upload

    def clean(self):
        data = super().clean()
        if "columns" in data:
            try:
                data["parsed_columns"] = parse_columns(data["columns"])
            except ValueError as error:
                self.add_error("columns", str(error))
        return data

    def file_name(self) -> str:
        return re.sub(r"[^\w.\-]", "_", self.cleaned_data["file"].name)[-120:] or "upload.csv"


class DeleteForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, delete this dataset and all its facts"), required=True)
