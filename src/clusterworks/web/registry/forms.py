"""Forms of the registry pages: list filters, clusters, organisations and memberships.

The forms only parse and check input; the services in ``services.py`` make the change (and check the
permission again). Field checks the models own (INN and OGRN check digits, the key's pattern, URLs) run
through the model validators; the forms replace the messages of database constraints with plain ones.
"""

from __future__ import annotations

from django import forms
from django.db import models
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from clusterworks.web.core.widgets import FastWidgetsMixin

from .models import (
    Cluster,
    ClusterStatus,
    Competence,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationType,
    Region,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CompetenceChoiceField(forms.ModelMultipleChoiceField):
    """Competences as a two-level list: a narrower term is indented under its parent (codes sort so)."""

    def label_from_instance(self, obj) -> str:
        return f"\u2003{obj}" if obj.parent_id else str(obj)


def _formfield(field, **kwargs):
    """Model form fields, with web addresses typed without a scheme taken as https."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


# --- list filters ------------------------------------------------------------------------------------


class FilterForm(FastWidgetsMixin, forms.Form):
    """A GET form whose valid fields become keyword arguments of a list selector; invalid ones are
    ignored (a stale link still shows a list)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)

    #: form field -> selector argument
    arguments: dict[str, str] = {"q": "search"}

    def filters(self) -> dict[str, str]:
        self.is_valid()
        values = {}
        for field, argument in self.arguments.items():
            value = self.cleaned_data.get(field)
            if value:
                values[argument] = getattr(value, "code", None) or getattr(value, "key", None) or str(value)
        return values

    def is_filtered(self) -> bool:
        return bool(self.filters())


class ClusterFilterForm(FilterForm):
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All regions"),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    specialisation = forms.ModelChoiceField(
        label=_("Specialisation"),
        queryset=Competence.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All specialisations"),
    )

    arguments = {"q": "search", "region": "region", "status": "status", "specialisation": "specialisation"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(clusters__isnull=False).distinct()
        self.fields["status"].choices = [("", _("All statuses")), *ClusterStatus.choices]
        self.fields["specialisation"].queryset = Competence.objects.filter(
            Q(clusters__isnull=False) | Q(children__clusters__isnull=False)
        ).distinct()


class OrganisationFilterForm(FilterForm):
    type = forms.ChoiceField(label=_("Type"), required=False)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All regions"),
    )
    competence = forms.ModelChoiceField(
        label=_("Competence"),
        queryset=Competence.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All competences"),
    )
    cluster = forms.ModelChoiceField(
        label=_("Cluster"),
        queryset=Cluster.objects.all(),
        required=False,
        to_field_name="key",
        empty_label=_("All clusters"),
    )

    arguments = {
        "q": "search",
        "type": "type",
        "region": "region",
        "competence": "competence",
        "cluster": "cluster",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("All types")), *OrganisationType.choices]
        self.fields["region"].queryset = Region.objects.filter(organisations__isnull=False).distinct()


# --- organisations -----------------------------------------------------------------------------------

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip

#: identifier field -> (label, allowed numbers of digits)
IDENTIFIERS = {"inn": (_("INN"), (10, 12)), "ogrn": (_("OGRN"), (13, 15))}


def transliterate(text: str) -> str:
    """Russian letters to Latin (a simplified passport transliteration), for generated keys."""
    return "".join(_CYRILLIC.get(ch, ch) for ch in text.lower())


def suggest_key(*names: str) -> str:
    """A free organisation key made from the first non-empty name: 'Eurogen, Inc.' -> 'eurogen-inc'."""
    base = next(
        (slugify(transliterate(n))[:70].strip("-") for n in names if n and slugify(transliterate(n))), ""
    )
    base = base or "organisation"
    taken = set(Organisation.objects.filter(key__startswith=base).values_list("key", flat=True))
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


class OrganisationForm(FastWidgetsMixin, forms.ModelForm):
    """Create or change an organisation. The key is fixed once the organisation exists."""

    class Meta:
        model = Organisation
        formfield_callback = _formfield
        field_classes = {"competences": CompetenceChoiceField}
        fields = [
            "key", "name_ru", "name_en", "short_name", "type", "inn", "ogrn", "region", "city", "website",
            "competences", "competences_text", "description",
        ]  # fmt: skip
        widgets = {
            "competences": forms.SelectMultiple(attrs={"size": 8}),
            "competences_text": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "key": _(
                "Lower-case Latin letters, digits, '.', '_' and '-'; left empty, it is made from the name."
            ),
            "inn": _("10 digits for an organisation, 12 for an individual entrepreneur."),
            "ogrn": _("13 digits (OGRNIP: 15)."),
            "competences_text": _("Competences missing from the list, in your own words."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["key"].disabled = True
            self.fields["key"].help_text = _(
                "The key identifies the organisation in imports and cannot change."
            )
        else:
            self.fields["key"].required = False
        self.fields["region"].empty_label = "—"
        if "competences" in self.fields:
            self.fields["competences"].help_text = _("Hold Ctrl (⌘ on a Mac) to choose several.")

    def _clean_identifier(self, field: str):
        value = (self.cleaned_data.get(field) or "").strip()
        other = (
            Organisation.objects.filter(**{field: value}).exclude(pk=self.instance.pk).first()
            if value
            else None
        )
        if other is not None:
            raise forms.ValidationError(
                _("%(label)s %(value)s is already registered for %(organisation)s."),
                code="duplicate",
                params={"label": IDENTIFIERS[field][0], "value": value, "organisation": other},
            )
        return value

    def clean_inn(self):
        return self._clean_identifier("inn")

    def clean_ogrn(self):
        return self._clean_identifier("ogrn")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("name_ru") and not cleaned.get("name_en") and "name_en" not in self.errors:
            self.add_error("name_en", _("Give the organisation's name in Russian, in English or both."))
        if self.instance.pk:
            cleaned["key"] = self.instance.key
        elif not cleaned.get("key") and "key" not in self.errors:
            cleaned["key"] = suggest_key(
                cleaned.get("name_en", ""), cleaned.get("short_name", ""), cleaned.get("name_ru", "")
            )
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        # The identifier validators explain in English; say it in the user's language.
        for field, (label, lengths) in IDENTIFIERS.items():
            errors = self.errors.get(field)
            if errors and any(e.code == f"invalid_{field}" for e in errors.as_data()):
                value = (self.data.get(self.add_prefix(field)) or "").strip()
                if value.isdigit() and len(value) in lengths:
                    message = _("The %(label)s's check digit does not match: please check the number.")
                else:
                    message = _("The %(label)s must have %(short)d or %(long)d digits.")
                params = {"label": label, "short": lengths[0], "long": lengths[1]}
                self.errors[field] = self.error_class([message % params], renderer=self.renderer)

    def service_data(self) -> dict:
        """The cleaned values the organisation services take (``competences`` go separately)."""
        data = {name: value for name, value in self.cleaned_data.items() if name != "competences"}
        if self.instance.pk:
            data.pop("key", None)
        return data


class NewMemberOrganisationForm(OrganisationForm):
    """Register an organisation and add it to a cluster in one step (the cluster manager's form)."""

    role = forms.ChoiceField(label=_("Role in the cluster"), choices=MembershipRole.choices, initial="member")
    joined = forms.DateField(label=_("Joined"), required=False, widget=DATE_WIDGET)

    class Meta(OrganisationForm.Meta):
        fields = [
            "name_ru",
            "name_en",
            "short_name",
            "key",
            "type",
            "inn",
            "ogrn",
            "region",
            "city",
            "website",
        ]

    def __init__(self, *args, cluster: Cluster, **kwargs):
        self.cluster = cluster
        super().__init__(*args, **kwargs)

    def clean_role(self):
        return _clean_role(self.cluster, self.cleaned_data["role"])

    def service_data(self) -> dict:
        data = super().service_data()
        for name in ("role", "joined"):
            data.pop(name)
        return data


# --- clusters and memberships -----------------------------------------------------------------------


class ClusterForm(FastWidgetsMixin, forms.ModelForm):
    """Change a cluster's profile (its key is fixed; new clusters are registered by administrators)."""

    class Meta:
        model = Cluster
        formfield_callback = _formfield
        field_classes = {"specialisations": CompetenceChoiceField}
        fields = [
            "name_ru", "name_en", "status", "regions", "specialisations", "founded", "ended", "website",
            "description_ru", "description_en",
        ]  # fmt: skip
        widgets = {
            "regions": forms.SelectMultiple(attrs={"size": 8}),
            "specialisations": forms.SelectMultiple(attrs={"size": 8}),
            "founded": DATE_WIDGET,
            "ended": DATE_WIDGET,
            "description_ru": forms.Textarea(attrs={"rows": 5}),
            "description_en": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("regions", "specialisations"):
            self.fields[name].help_text = _("Hold Ctrl (⌘ on a Mac) to choose several.")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("name_ru") and not cleaned.get("name_en") and "name_en" not in self.errors:
            self.add_error("name_en", _("Give the cluster's name in Russian, in English or both."))
        founded, ended = cleaned.get("founded"), cleaned.get("ended")
        if founded and ended and ended < founded:
            self.add_error("ended", _("The end date is before the foundation date."))
        return cleaned

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("regions", "specialisations")}


def _clean_role(cluster: Cluster, role: str, membership: Membership | None = None) -> str:
    if role == MembershipRole.COORDINATOR:
        current = cluster.memberships.filter(role=MembershipRole.COORDINATOR, left__isnull=True)
        if membership is not None:
            current = current.exclude(pk=membership.pk)
        other = current.select_related("organisation").first()
        if other is not None:
            raise forms.ValidationError(
                _("%(organisation)s is already the coordinator; a cluster has one coordinator at a time."),
                code="second_coordinator",
                params={"organisation": other.organisation},
            )
    return role


class ExistingMemberForm(FastWidgetsMixin, forms.Form):
    """Add an organisation already in the register to a cluster."""

    organisation = forms.CharField(
        label=_("Organisation"), max_length=80, error_messages={"required": _("Choose an organisation.")}
    )
    role = forms.ChoiceField(label=_("Role in the cluster"), choices=MembershipRole.choices, initial="member")
    joined = forms.DateField(label=_("Joined"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, cluster: Cluster, **kwargs):
        self.cluster = cluster
        super().__init__(*args, **kwargs)

    def clean_organisation(self) -> Organisation:
        key = self.cleaned_data["organisation"].strip()
        organisation = Organisation.objects.filter(key=key).first()
        if organisation is None:
            raise forms.ValidationError(_("No organisation has the key %(key)s."), params={"key": key})
        earlier = self.cluster.memberships.filter(organisation=organisation).first()
        if earlier is not None:
            if earlier.left is None:
                message = _("%(organisation)s is already a member of this cluster.")
            else:
                message = _(
                    "%(organisation)s was a member of this cluster; a platform administrator can reopen its "
                    "membership."
                )
            raise forms.ValidationError(message, code="member", params={"organisation": organisation})
        return organisation

    def clean_role(self):
        return _clean_role(self.cluster, self.cleaned_data["role"])


class MembershipForm(FastWidgetsMixin, forms.Form):
    """Change a member's role or dates, or end its membership."""

    role = forms.ChoiceField(label=_("Role in the cluster"), choices=MembershipRole.choices)
    joined = forms.DateField(label=_("Joined"), required=False, widget=DATE_WIDGET)
    left = forms.DateField(
        label=_("Left"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Set the date the organisation left the cluster to end its membership."),
    )

    def __init__(self, *args, membership: Membership, **kwargs):
        self.membership = membership
        kwargs.setdefault(
            "initial", {"role": membership.role, "joined": membership.joined, "left": membership.left}
        )
        super().__init__(*args, **kwargs)

    def clean_role(self):
        return _clean_role(self.membership.cluster, self.cleaned_data["role"], self.membership)

    def clean(self):
        cleaned = super().clean()
        joined = cleaned.get("joined") or self.membership.joined
        left = cleaned.get("left")
        if self.membership.left and not left and "left" not in self.errors:
            self.add_error(
                "left", _("An ended membership cannot be reopened here: ask a platform administrator.")
            )
        if joined and left and left < joined:
            self.add_error("left", _("The membership cannot end before it began."))
        return cleaned
