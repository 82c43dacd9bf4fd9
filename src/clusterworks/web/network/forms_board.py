"""Forms of the partner-search board: the list's filter, a need, an answer, and recording an accepted
answer as an agreement. The forms parse input; the services (``services.board``) check the rules again
and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clusterworks.web.core.widgets import FastWidgetsMixin
from clusterworks.web.registry.forms import DATE_WIDGET, CompetenceChoiceField
from clusterworks.web.registry.models import AgreementKind, Competence, OrganisationType, Region

from .models import Need, NeedKind, NeedStatus
from .selectors_board import AGREEMENT_KINDS
from .services.board import NEED_FIELDS

SEVERAL = _("Hold Ctrl (⌘ on a Mac) to choose several.")


class NeedFilterForm(FastWidgetsMixin, forms.Form):
    """The board's filter (GET); invalid values are ignored, so a stale link still shows a list."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    competence = forms.ModelChoiceField(
        label=_("Competence"),
        queryset=Competence.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All competences"),
    )
    mine = forms.BooleanField(label=_("Posted by my organisations"), required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *NeedKind.choices]
        self.fields["status"].choices = [("", _("Any status")), *NeedStatus.choices]

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        competence = data.get("competence")
        return {
            "search": data.get("q") or "",
            "kind": data.get("kind") or "",
            "status": data.get("status") or "",
            "competence": competence.code if competence else "",
            "mine": bool(data.get("mine")),
        }

    def is_filtered(self) -> bool:
        return any(self.filters().values())


class NeedForm(FastWidgetsMixin, forms.ModelForm):
    """A need; the organisation is chosen among those the user speaks for (fixed once posted)."""

    class Meta:
        model = Need
        fields = ["title", "description", "kind", "competences", "region", "visibility", "deadline"]
        field_classes = {"competences": CompetenceChoiceField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "competences": forms.SelectMultiple(attrs={"size": 8}),
            "deadline": DATE_WIDGET,
        }

    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    wanted_types = forms.MultipleChoiceField(
        label=_("Wanted organisation types"),
        choices=OrganisationType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen means any type."),
    )

    field_order = ["organisation", "title", "kind", "description", "wanted_types", "competences"]

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.order_by("country", "name_en")
        self.fields["competences"].help_text = SEVERAL
        self.fields["competences"].queryset = Competence.objects.order_by("code")
        if self.instance.pk:
            self.fields["organisation"].queryset = type(self.instance.organisation).objects.filter(
                pk=self.instance.organisation_id
            )
            self.fields["organisation"].initial = self.instance.organisation_id
            self.fields["organisation"].disabled = True
            self.fields["organisation"].help_text = _(
                "A partner search stays with the organisation that posted it."
            )
            self.initial["wanted_types"] = list(self.instance.wanted_types or [])
        else:
            self.fields["organisation"].queryset = organisations
            if organisations is not None and organisations.count() == 1:
                self.fields["organisation"].initial = organisations.first().pk

    def _post_clean(self):
        """The service validates the need."""

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in NEED_FIELDS if name in self.cleaned_data}


class AnswerForm(FastWidgetsMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("Answer as"), queryset=None)
    message = forms.CharField(
        label=_("What your organisation offers"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first().pk


class AgreementForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Record as"),
        choices=[(k.value, k.label) for k in AgreementKind if k in AGREEMENT_KINDS],
        initial=AgreementKind.INTENT,
        widget=forms.RadioSelect,
    )
