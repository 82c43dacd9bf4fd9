"""Forms of the pathway records: products, consortia, gate events, documents, the import of events and
barriers.

The forms only parse and check input; the services (``services``) make the change and check the
permission and the rules again (the order of gate events, the catalogue in force, the document's type).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from clusterworks.web.core.widgets import FastWidgetsMixin
from clusterworks.web.registry.models import Organisation

from .models import (
    Agency,
    Barrier,
    BarrierKind,
    Decision,
    EventKind,
    Gate,
    ParticipantRole,
    Product,
)
from .services import DOCUMENT_TYPES, MAX_DOCUMENT_BYTES

KEY_HELP = _("Lower-case Latin letters, digits, '.', '_' and '-'; it cannot change later.")
SEVERAL = _("Hold Ctrl (⌘ on a Mac) to choose several.")

#: technology readiness levels with the anchors of medicines and medical devices (EC General Annex G of
#: Horizon 2020, Decision C(2014)4995; the biomedical anchors of the compiled TRL table)
TRL_CHOICES = [
    (1, _("1 — basic principles observed")),
    (2, _("2 — technology concept formulated")),
    (3, _("3 — experimental proof of concept (in vitro, in research models)")),
    (4, _("4 — technology validated in the lab (preclinical R&D, prototype in lab models)")),
    (5, _("5 — technology validated in a relevant environment (GLP preclinical studies, prototype tests)")),
    (6, _("6 — technology demonstrated in a relevant environment (phase I trials, device tests and pilot)")),
    (7, _("7 — prototype demonstrated in the operational environment (phase II trials, clinical trials)")),
    (8, _("8 — system complete and qualified (phase III, registration)")),
    (9, _("9 — actual system proven in the operational environment (on the market)")),
]


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def gate_label(gate: Gate) -> str:
    """``3. Clinical-trial permit — Ministry of Health, 5 working days``: the gate as the selects show it."""
    parts = [f"{gate.position}. {gate.display_name()}"]
    agency = ""
    if gate.agency_id:
        agency = gate.agency.short_en or gate.agency.display_name()
        from django.utils.translation import get_language

        if (get_language() or "en").startswith("ru"):
            agency = gate.agency.short_ru or gate.agency.display_name()
    clock = (
        _("%(days)s %(kind)s") % {"days": gate.clock_days, "kind": gate.get_clock_kind_display()}
        if gate.clock_days
        else str(_("no statutory clock"))
    )
    details = ", ".join(p for p in (agency, clock) if p)
    return f"{parts[0]} — {details}"


class GateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Gate) -> str:
        return gate_label(obj)


class GateMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Gate) -> str:
        return f"{obj.catalogue.key}: {gate_label(obj)}"


# --- products ---------------------------------------------------------------------------------------------


class ProductForm(FastWidgetsMixin, forms.ModelForm):
    """A product's record; on creation also its cluster and the organisation that develops it."""

    class Meta:
        model = Product
        fields = [
            "key",
            "name_en",
            "name_ru",
            "type",
            "risk_class",
            "trl",
            "started_on",
            "withdrawn_on",
            "indication_en",
            "indication_ru",
            "description",
        ]
        widgets = {
            "started_on": _date_widget(),
            "withdrawn_on": _date_widget(),
            "indication_en": forms.Textarea(attrs={"rows": 2}),
            "indication_ru": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(
        self,
        *args: Any,
        clusters: QuerySet | None = None,
        developers: QuerySet | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["trl"] = forms.TypedChoiceField(
            label=_("Technology readiness level"), choices=TRL_CHOICES, coerce=int
        )
        self.fields["risk_class"].help_text = _(
            "Medical devices, in-vitro diagnostics and medical software (MoH Order 4n of 06.06.2012); "
            "none for medicines and services."
        )
        self.fields["started_on"].help_text = _(
            "The product follows the gate catalogue in force on this day for its type."
        )
        if self.instance.pk:
            self.fields["key"].disabled = True
            self.fields["type"].disabled = True
            self.fields["key"].help_text = _("The key identifies the product in files and links.")
            self.fields["type"].help_text = _("The type decides the gates; it cannot change.")
        else:
            self.fields["key"].help_text = KEY_HELP
            del self.fields["withdrawn_on"]
            extra: dict[str, forms.Field] = {}
            if clusters is not None:
                extra["cluster"] = forms.ModelChoiceField(
                    label=_("Cluster"), queryset=clusters, to_field_name="key", empty_label=None,
                    help_text=_("The clusters where you may register products."),
                )  # fmt: skip
            if developers is not None:
                extra["developer"] = forms.ModelChoiceField(
                    label=_("Developer"),
                    queryset=developers,
                    required=False,
                    help_text=_(
                        "The organisation that develops the product; more members on the consortium page."
                    ),
                )
            self.fields = {**extra, **self.fields}

    def clean_key(self):
        key = self.cleaned_data["key"]
        if self.instance.pk:
            return self.instance.key
        if Product.objects.filter(key=key).exists():
            raise forms.ValidationError(_("The key %(key)s is taken; choose another."), params={"key": key})
        return key

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("name_en") or "").strip() and not (cleaned.get("name_ru") or "").strip():
            self.add_error("name_en", _("Give a name in English, in Russian or both."))
        return cleaned

    def _post_clean(self):
        """The services validate the model (with the catalogue they choose); skip the form's own
        instance validation, which would ask for a catalogue."""

    def service_data(self) -> dict[str, Any]:
        data = {
            name: self.cleaned_data[name]
            for name in self._meta.fields
            if name in self.cleaned_data and name in self.fields and not self.fields[name].disabled
        }
        data["risk_class"] = data.get("risk_class") or ""
        return data


class ParticipantForm(FastWidgetsMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=ParticipantRole.choices)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.only("pk", "name_en", "name_ru").order_by(
            "name_en", "name_ru"
        )


# --- gate events --------------------------------------------------------------------------------------------


class EventForm(FastWidgetsMixin, forms.Form):
    """An event at one of the product's gates (those of its catalogue for its risk class, in order)."""

    gate = GateChoiceField(label=_("Gate"), queryset=Gate.objects.none(), empty_label=None)
    kind = forms.ChoiceField(label=_("Event"), choices=EventKind.choices)
    date = forms.DateField(label=_("Date"), widget=_date_widget())
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("", _("— (only for a decision)")), *Decision.choices],
        required=False,
    )
    reference = forms.CharField(
        label=_("Reference"), max_length=200, required=False, help_text=_("e.g. the permit number")
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, gates: list[Gate], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["gate"]
        field.queryset = (
            Gate.objects.filter(pk__in=[g.pk for g in gates]).select_related("agency").order_by("position")
        )
        field.help_text = _("The product's gates in order, with the agency and the statutory clock.")

    def clean(self):
        cleaned = super().clean()
        kind, decision = cleaned.get("kind"), cleaned.get("decision")
        if kind == EventKind.DECISION and not decision:
            self.add_error("decision", _("A decision is approved or refused: choose one."))
        elif kind and kind != EventKind.DECISION and decision:
            self.add_error("decision", _("Only a decision carries a decision; leave it empty."))
        return cleaned


# --- documents ----------------------------------------------------------------------------------------------


class DocumentForm(FastWidgetsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    gate = GateChoiceField(label=_("Gate"), queryset=Gate.objects.none(), required=False)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word (DOCX), Excel (XLSX), PNG or JPEG, up to 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(DOCUMENT_TYPES)}),
    )

    def __init__(self, *args: Any, gates: list[Gate], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["gate"].queryset = Gate.objects.filter(pk__in=[g.pk for g in gates]).select_related(
            "agency"
        )
        self.fields["gate"].empty_label = _("— (the product as a whole)")
        self.max_bytes = MAX_DOCUMENT_BYTES


# --- import ---------------------------------------------------------------------------------------------


class EventsImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns product, gate, kind, date, decision (optional: reference, note); UTF-8 or Windows-1251, "
            "separated by ',' or ';'; dates as 2025-03-12 or 12.03.2025."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    dry_run = forms.BooleanField(
        label=_("Check only: show what would be recorded, without saving"), required=False, initial=True
    )


class EventsApplyForm(forms.Form):
    """The checked file, carried from the preview to the import."""

    content = forms.CharField(widget=forms.HiddenInput, strip=False)
    name = forms.CharField(widget=forms.HiddenInput, required=False)


# --- barriers ---------------------------------------------------------------------------------------------


class BarrierForm(FastWidgetsMixin, forms.ModelForm):
    """A barrier; on creation also its cluster (one where the user may raise barriers)."""

    class Meta:
        model = Barrier
        fields = ["title", "kind", "description", "raised_for", "raised_on", "products", "gates", "agencies"]
        widgets = {"raised_on": _date_widget(), "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(
        self,
        *args: Any,
        clusters: QuerySet | None = None,
        organisations: QuerySet,
        products: QuerySet,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = BarrierKind.choices
        self.fields["raised_for"].queryset = organisations
        self.fields["raised_for"].help_text = _("The member organisation on whose behalf it is raised.")
        self.fields["products"].queryset = products
        gates = Gate.objects.select_related("catalogue", "agency").order_by("catalogue__key", "position")
        self.fields["gates"] = GateMultipleChoiceField(
            label=_("Gates"), required=False, queryset=gates, help_text=SEVERAL
        )
        self.fields["agencies"].queryset = Agency.objects.order_by("key")
        for name in ("products", "agencies"):
            self.fields[name].help_text = SEVERAL
        self.fields["raised_on"].required = False
        if clusters is not None:
            self.fields = {
                "cluster": forms.ModelChoiceField(
                    label=_("Cluster"), queryset=clusters, to_field_name="key", empty_label=None
                ),
                **self.fields,
            }

    def _post_clean(self):
        """The services validate the barrier (with its cluster and who raised it)."""

    def service_data(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data.get(name)
            for name in ("title", "description", "kind", "raised_for", "raised_on")
            if name in self.cleaned_data
        }


class AssignForm(FastWidgetsMixin, forms.Form):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)

    def __init__(self, *args: Any, owners: QuerySet, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].empty_label = _("— nobody")
        self.fields["owner"].help_text = _("One of the cluster's managers.")


class EscalateForm(forms.Form):
    to = forms.CharField(
        label=_("Escalated to"),
        max_length=300,
        help_text=_("e.g. the Moscow Department of Science, Industrial Policy and Entrepreneurship"),
    )
    on = forms.DateField(label=_("On"), widget=_date_widget())


class ResolveForm(forms.Form):
    on = forms.DateField(label=_("On"), widget=_date_widget())
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    on = forms.DateField(label=_("On"), widget=_date_widget())
    resolution = forms.CharField(
        label=_("Why it is closed unresolved"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ReopenForm(forms.Form):
    """Nothing to fill in: the button confirms."""


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "assign": AssignForm,
    "escalate": EscalateForm,
    "resolve": ResolveForm,
    "close": CloseForm,
    "reopen": ReopenForm,
}
