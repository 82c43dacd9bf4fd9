"""Forms of the network pages: the network's options (GET, they work without JavaScript), the ego
network's filters and the project-idea recommendation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clusterworks.web.registry.models import Competence, Organisation, OrganisationType

from .services.network import DEFAULT_SOURCES

SOURCE_LABELS = {
    "projects": _("Joint projects"),
    "agreements": _("Agreements"),
    "applications": _("Co-applications to the programme"),
    "memberships": _("Membership of the same cluster"),
}
WEIGHTING_LABELS = {
    "count": _("Number of shared projects and agreements"),
    "newman": _("Shared among the partners (Newman)"),
}
YEARS = (1950, 2100)


class NetworkFilterForm(forms.Form):
    """What the network is made of. A GET without any of its fields means the defaults."""

    sources = forms.MultipleChoiceField(
        label=_("Ties from"),
        choices=list(SOURCE_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    weighting = forms.ChoiceField(label=_("Tie weight"), choices=list(WEIGHTING_LABELS.items()))
    scope = forms.ChoiceField(
        label=_("Organisations"),
        choices=[("partners", _("Members and their outside partners")), ("members", _("Members only"))],
        widget=forms.RadioSelect,
    )
    year_from = forms.IntegerField(
        label=_("Ties begun from"), required=False, min_value=YEARS[0], max_value=YEARS[1]
    )
    year_to = forms.IntegerField(label=_("to"), required=False, min_value=YEARS[0], max_value=YEARS[1])

    DEFAULTS = {
        "sources": list(DEFAULT_SOURCES),
        "weighting": "count",
        "scope": "partners",
        "year_from": None,
        "year_to": None,
    }

    def __init__(self, data: Any = None, **kwargs: Any):
        submitted = data is not None and any(name in data for name in self.base_fields)
        if submitted:
            # a link may name some options only: the others keep their defaults (no tie source checked
            # is a choice only when the form itself was sent, which always sends the weighting)
            data = data.copy()
            for name, default in self.DEFAULTS.items():
                if name in data or (name == "sources" and "weighting" in data):
                    continue
                if isinstance(default, list) and hasattr(data, "setlist"):
                    data.setlist(name, default)
                elif default is not None:
                    data[name] = default
        super().__init__(data if submitted else None, initial=dict(self.DEFAULTS), **kwargs)

    def clean_sources(self) -> list[str]:
        sources = self.cleaned_data["sources"]
        if not sources:
            raise forms.ValidationError(_("Choose at least one kind of tie."))
        return sources

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, last = data.get("year_from"), data.get("year_to")
        if first is not None and last is not None and first > last:
            self.add_error(
                "year_to", _("The last year must not be before the first (%(first)s).") % {"first": first}
            )
        return data

    def options(self) -> dict[str, Any]:
        """``sources``, ``weighting``, ``partners`` and ``years`` for the services: the submitted ones
        when valid, else the defaults."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else self.DEFAULTS
        return {
            "sources": tuple(data["sources"]),
            "weighting": data["weighting"],
            "partners": data["scope"] == "partners",
            "years": (data["year_from"], data["year_to"]),
        }

    def query(self) -> str:
        """The options as a query string (for downloads and links), empty for the defaults."""
        from django.utils.http import urlencode

        options = self.options()
        if options == NetworkFilterForm().options():
            return ""
        pairs: list[tuple[str, Any]] = [("sources", s) for s in options["sources"]]
        pairs += [
            ("weighting", options["weighting"]),
            ("scope", "partners" if options["partners"] else "members"),
        ]
        first, last = options["years"]
        pairs += [("year_from", "" if first is None else first), ("year_to", "" if last is None else last)]
        return urlencode(pairs)


def _type_choices() -> list[tuple[str, Any]]:
    return list(OrganisationType.choices)


class EgoFilterForm(forms.Form):
    """An organisation's ego network and recommendations: how far to look, and what partner is wanted."""

    order = forms.TypedChoiceField(
        label=_("Show partners"),
        choices=[(1, _("direct partners")), (2, _("and their partners"))],
        coerce=int,
        initial=1,
        widget=forms.RadioSelect,
        required=False,
    )
    types = forms.MultipleChoiceField(
        label=_("Wanted type of partner"),
        choices=_type_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    competence = forms.ModelChoiceField(
        label=_("Wanted competence"),
        queryset=Competence.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("any"),
    )

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        competence = data.get("competence")
        return {
            "order": data.get("order") or 1,
            "types": tuple(data.get("types") or ()),
            "wanted": (competence.code,) if competence else (),
        }


class RecommendForm(forms.Form):
    """A project idea: what it is about, who is in already, and which competences are missing."""

    text = forms.CharField(
        label=_("The project idea"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=5000,
        help_text=_(
            "A few sentences on what the project will do; partners whose profiles match it rank higher."
        ),
    )
    consortium = forms.ModelMultipleChoiceField(
        label=_("Already in the consortium"),
        queryset=Organisation.objects.none(),
        to_field_name="key",
        required=False,
        help_text=_(
            "Partners of these organisations' partners rank higher; they are not recommended themselves."
        ),
    )
    wanted = forms.ModelMultipleChoiceField(
        label=_("Wanted competences"),
        queryset=Competence.objects.order_by("code"),
        to_field_name="code",
        required=False,
    )
    types = forms.MultipleChoiceField(
        label=_("Wanted type of partner"),
        choices=_type_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["consortium"].queryset = organisations

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("text", "").strip() or data.get("consortium") or data.get("wanted")):
            raise forms.ValidationError(
                _("Describe the idea, name the consortium or choose the wanted competences: at least one.")
            )
        return data
