"""Forms of programmes and calls: the programme, the call with its inline rule sets (expenditure lines,
sectors, the application form's questions, the review rubric) as formsets.

The forms only parse input; the services (``services.calls``) check the rules again, including what a
call's submitted applications keep fixed, and save.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clusterworks.web.core.roles import Role
from clusterworks.web.core.widgets import FastWidgetsMixin
from clusterworks.web.registry.models import Cluster, Region

from .models import Call, Programme, QuestionKind
from .services.calls import (
    CALL_FIELDS,
    CRITERION_FIELDS,
    LINE_FIELDS,
    PROGRAMME_FIELDS,
    QUESTION_FIELDS,
    SECTOR_FIELDS,
    SUPPORTED_ATTACHMENT_TYPES,
    CallLocks,
)

KEY_HELP = _("Lower-case Latin letters, digits, '.', '_' and '-'; it cannot change later.")
SEVERAL = _("Hold Ctrl (⌘ on a Mac) to choose several.")
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


class ProgrammeForm(FastWidgetsMixin, forms.ModelForm):
    class Meta:
        model = Programme
        fields = list(PROGRAMME_FIELDS)
        widgets = {
            "legal_basis": forms.Textarea(attrs={"rows": 2}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "description_ru": forms.Textarea(attrs={"rows": 4}),
        }

    officers = forms.ModelMultipleChoiceField(
        label=_("Programme officers"), queryset=None, required=False, help_text=SEVERAL
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = (
            get_user_model()
            .objects.filter(
                Q(role_assignments__role=Role.PROGRAMME_OFFICER) | Q(pk__in=self.instance.officers.all())
                if self.instance.pk
                else Q(role_assignments__role=Role.PROGRAMME_OFFICER),
                is_active=True,
            )
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
        if self.instance.pk:
            self.fields["key"].disabled = True
            self.fields["key"].help_text = _("The key identifies the programme in links.")
            self.initial.setdefault("officers", list(self.instance.officers.all()))
        else:
            self.fields["key"].help_text = KEY_HELP
            self.fields["officers"].help_text = _("You are added as an officer. %(several)s") % {
                "several": SEVERAL
            }

    def _post_clean(self):
        """The service validates the programme."""

    def service_data(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in PROGRAMME_FIELDS
            if name in self.cleaned_data and not self.fields[name].disabled
        }


class CallForm(FastWidgetsMixin, forms.ModelForm):
    """A call's fields; the fields its submitted applications fix are shown disabled with the reason."""

    class Meta:
        model = Call
        fields = [*CALL_FIELDS, "eligible_clusters", "eligible_regions"]
        widgets = {"opens_at": _datetime_widget(), "closes_at": _datetime_widget()}

    def __init__(self, *args: Any, locks: CallLocks | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name in ("opens_at", "closes_at"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        self.fields["eligible_clusters"].queryset = Cluster.objects.order_by("name_en", "name_ru")
        self.fields["eligible_regions"].queryset = Region.objects.order_by("country", "name_en")
        for name in ("eligible_clusters", "eligible_regions"):
            self.fields[name].help_text = f"{self.fields[name].help_text} {SEVERAL}"
        self.fields["attachment_types"].help_text = _(
            "File extensions, comma-separated, among: %(allowed)s; the content is checked too."
        ) % {"allowed": ", ".join(SUPPORTED_ATTACHMENT_TYPES)}
        self.fields["year"].help_text = _("Applications budget this year and the two following.")
        if self.instance.pk:
            self.fields["key"].disabled = True
            self.fields["key"].help_text = _("The key identifies the call in links.")
        else:
            self.fields["key"].help_text = KEY_HELP
        if locks is not None and locks.submitted:
            for name in ("year", "opens_at"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Fixed: applications have been submitted.")

    def _post_clean(self):
        """The service validates the call (and what its applications keep fixed)."""

    def service_data(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in CALL_FIELDS
            if name in self.cleaned_data and not self.fields[name].disabled
        }


# --- the rule sets, as formsets ---------------------------------------------------------------------------


class _RowForm(forms.Form):
    """One row of a rule set; ``pk`` is the row's id (empty for a new row)."""

    FIELDS: tuple[str, ...] = ()
    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    key = forms.CharField(label=_("Key"), max_length=60)

    def row(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in self.FIELDS}
        data["pk"] = self.cleaned_data.get("pk")
        for name in (
            "name_en",
            "name_ru",
            "label_en",
            "label_ru",
            "help_en",
            "help_ru",
            "guidance_en",
            "guidance_ru",
        ):
            if name in data and data[name] is None:
                data[name] = ""
        return data


def _share(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False
    )


class LineForm(_RowForm):
    FIELDS = LINE_FIELDS
    position = forms.IntegerField(label=_("Position"), min_value=1, initial=1)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=200, required=False)
    max_share = _share(_("Largest share of the federal request, %"))


class SectorForm(_RowForm):
    FIELDS = SECTOR_FIELDS
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=200, required=False)
    min_share = _share(_("At least, share of the envelope, %"))
    max_share = _share(_("At most, share of the envelope, %"))


class QuestionForm(_RowForm):
    FIELDS = QUESTION_FIELDS
    position = forms.IntegerField(label=_("Position"), min_value=1, initial=1)
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices, initial=QuestionKind.TEXT)
    label_en = forms.CharField(label=_("Question (English)"), max_length=300, required=False)
    label_ru = forms.CharField(label=_("Question (Russian)"), max_length=300, required=False)
    help_en = forms.CharField(label=_("Help (English)"), required=False)
    help_ru = forms.CharField(label=_("Help (Russian)"), required=False)
    required = forms.BooleanField(label=_("Required"), required=False, initial=False)
    max_length = forms.IntegerField(label=_("Longest answer, characters"), min_value=1, required=False)


class CriterionForm(_RowForm):
    FIELDS = CRITERION_FIELDS
    position = forms.IntegerField(label=_("Position"), min_value=1, initial=1)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=200, required=False)
    guidance_en = forms.CharField(label=_("Guidance (English)"), required=False)
    guidance_ru = forms.CharField(label=_("Guidance (Russian)"), required=False)
    weight = forms.DecimalField(label=_("Weight"), max_digits=6, decimal_places=3, min_value=0, initial=1)
    scale_min = forms.IntegerField(label=_("Lowest score"), initial=0)
    scale_max = forms.IntegerField(label=_("Highest score"), initial=10)


#: prefix -> (form, the service's argument, the heading's kind)
RULE_SETS = {
    "lines": LineForm,
    "sectors": SectorForm,
    "questions": QuestionForm,
    "criteria": CriterionForm,
}
RULE_TITLES = {
    "lines": _("Expenditure lines"),
    "sectors": _("Sectors and their quotas"),
    "questions": _("Questions of the application form"),
    "criteria": _("Review criteria (the rubric)"),
}


def rule_formsets(data: Any = None, *, call: Call | None = None) -> dict[str, forms.BaseFormSet]:
    """One formset per rule set, filled with the call's rows and two empty ones for new rows."""
    sets = {}
    for prefix, form in RULE_SETS.items():
        formset_class = forms.formset_factory(form, extra=2, can_delete=True)
        initial = []
        if call is not None and call.pk:
            for obj in getattr(call, prefix).all():
                initial.append({"pk": obj.pk, **{name: getattr(obj, name) for name in form.FIELDS}})
        sets[prefix] = formset_class(data, prefix=prefix, initial=initial)
    return sets


def formset_rows(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    """The rows a formset keeps: filled and not marked for deletion (a kept row without a key is an
    error of the form, not a deletion)."""
    rows = []
    for form in formset.forms:
        if not form.has_changed() and not form.initial:
            continue
        if formset.can_delete and form.cleaned_data.get("DELETE"):
            continue
        rows.append(form.row())
    return rows
