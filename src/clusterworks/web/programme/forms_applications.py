"""Forms of applications: a new draft, its fields and the call's questions, the budget grid, co-applicants,
attachments, a workflow step with its comment, the officers' filter and the notifications.

The forms only parse input; the services (``services.applications``, ``services.attachments``) check the
rules and save.
"""

from __future__ import annotations

from decimal import InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clusterworks.web.core.widgets import FastWidgetsMixin
from clusterworks.web.registry.models import Organisation, Region

from .models import Application, Call, ExpenditureLine, FormQuestion, QuestionKind, Sector
from .services.applications import (
    COLUMNS,
    Amounts,
    ApplicantOption,
    column_label,
    parse_amount,
    question_help,
    question_label,
)
from .services.attachments import MB, allowed_types


class ApplyForm(FastWidgetsMixin, forms.Form):
    """A new draft: who applies (cluster and organisation), the region, the sector and a title."""

    applicant = forms.ChoiceField(label=_("Applicant"))
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), required=False)
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.none(), required=False)
    title = forms.CharField(label=_("Project title"), max_length=300)

    def __init__(
        self, *args: Any, call: Call, options: list[ApplicantOption], regions: list[Region], **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.options = {o.value: o for o in options}
        self.fields["applicant"].choices = [
            (
                o.value,
                _("%(organisation)s for %(cluster)s (the coordinator)")
                % {"organisation": o.organisation, "cluster": o.cluster}
                if o.as_manager
                else _("%(organisation)s for %(cluster)s")
                % {"organisation": o.organisation, "cluster": o.cluster},
            )
            for o in options
        ]
        self.fields["applicant"].help_text = _(
            "An organisation you represent that is a current member of a cluster the call is open to, or the "
            "coordinator of a cluster you manage."
        )
        self.fields["region"].queryset = Region.objects.filter(pk__in=[r.pk for r in regions]).order_by(
            "name_en"
        )
        self.fields["region"].empty_label = _("— the cluster's region")
        self.fields["region"].help_text = _(
            "Needed only when the cluster has several regions the call admits."
        )
        sectors = call.sectors.order_by("key")
        self.fields["sector"].queryset = sectors
        if not sectors.exists():
            del self.fields["sector"]

    def clean_applicant(self) -> ApplicantOption:
        return self.options[self.cleaned_data["applicant"]]


def answer_field(question: FormQuestion) -> forms.Field:
    """The form field of a question (never required here: a draft may be incomplete; submission checks)."""
    label, help_text = question_label(question), question_help(question)
    common = {"label": label, "help_text": help_text, "required": False}
    if question.kind == QuestionKind.YES_NO:
        return forms.ChoiceField(choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))], **common)
    if question.kind == QuestionKind.NUMBER:
        return forms.CharField(
            max_length=40, widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common
        )
    attrs = {"maxlength": question.max_length} if question.max_length else {}
    if question.kind == QuestionKind.LONG_TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 5, **attrs}), strip=True, **common)
    return forms.CharField(widget=forms.TextInput(attrs=attrs), strip=True, **common)


def answer_initial(question: FormQuestion, value: Any) -> Any:
    if question.kind == QuestionKind.YES_NO and isinstance(value, bool):
        return "yes" if value else "no"
    return value


class ApplicationForm(FastWidgetsMixin, forms.ModelForm):
    """A draft's fields and, after them, one field per question of the call (``answer_<key>``)."""

    class Meta:
        model = Application
        fields = ["title", "summary", "region", "sector", "floor"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args: Any, regions: list[Region], **kwargs: Any):
        super().__init__(*args, **kwargs)
        call = self.instance.call
        self.fields["region"].queryset = Region.objects.filter(pk__in=[r.pk for r in regions]).order_by(
            "name_en"
        )
        self.fields["region"].empty_label = None
        sectors = call.sectors.order_by("key")
        self.fields["sector"].queryset = sectors
        if not sectors.exists():
            del self.fields["sector"]
        self.fields["summary"].help_text = _(
            "What the project does, for whom, and what it will leave behind."
        )
        self.fields["floor"].widget.attrs["inputmode"] = "decimal"
        self.questions = list(call.questions.order_by("position", "key"))
        answers = self.instance.answers or {}
        for question in self.questions:
            name = f"answer_{question.key}"
            self.fields[name] = answer_field(question)
            self.initial.setdefault(name, answer_initial(question, answers.get(question.key)))

    def _post_clean(self):
        """The service validates the application."""

    def answer_fields(self) -> list[forms.BoundField]:
        return [self[f"answer_{q.key}"] for q in self.questions]

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields if name in self.fields}

    def service_answers(self) -> dict[str, Any]:
        return {q.key: self.cleaned_data.get(f"answer_{q.key}") for q in self.questions}

    #: the service's error keys -> the form's fields
    def aliases(self) -> dict[str, str]:
        return {f"answers.{q.key}": f"answer_{q.key}" for q in self.questions}


class BudgetForm(forms.Form):
    """The budget grid: one field per line, year and source, named ``<line>__<year>__<column>``."""

    def __init__(
        self, *args: Any, lines: list[ExpenditureLine], years: list[int], cells: dict, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.lines, self.years = lines, years
        for line in lines:
            for year in years:
                amounts = cells.get((line.key, year), Amounts())
                for column in COLUMNS:
                    name = self.name(line.key, year, column)
                    self.fields[name] = forms.CharField(
                        label=_("%(line)s, %(year)s, %(column)s")
                        % {"line": line, "year": year, "column": column_label(column)},
                        required=False,
                        max_length=30,
                        widget=forms.TextInput(
                            attrs={"inputmode": "decimal", "class": "money-input", "size": 12}
                        ),
                    )
                    value = getattr(amounts, column)
                    self.initial[name] = "" if not value else f"{value:.2f}"

    @staticmethod
    def name(line: str, year: int, column: str) -> str:
        return f"{line}__{year}__{column}"

    def clean(self):
        cleaned = super().clean()
        self.cells: dict[tuple[str, int], Amounts] = {}
        for line in self.lines:
            for year in self.years:
                values = {}
                for column in COLUMNS:
                    name = self.name(line.key, year, column)
                    try:
                        values[column] = parse_amount(cleaned.get(name))
                    except InvalidOperation:
                        self.add_error(
                            name,
                            _("“%(value)s” is not an amount; write roubles, e.g. 1500000 or 1 500 000,50.")
                            % {"value": cleaned.get(name)},
                        )
                        values[column] = None
                if all(v is not None for v in values.values()):
                    self.cells[(line.key, year)] = Amounts(**values)
        return cleaned

    def grid(self) -> list[tuple[ExpenditureLine, list[tuple[int, list[forms.BoundField]]]]]:
        """The bound fields row by row (line), year by year, in the column order."""
        return [
            (line, [(year, [self[self.name(line.key, year, c)] for c in COLUMNS]) for year in self.years])
            for line in self.lines
        ]


class CoApplicantForm(FastWidgetsMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    role = forms.CharField(
        label=_("Role in the project"),
        max_length=200,
        required=False,
        help_text=_("e.g. clinical site, engineering centre, training partner"),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.only("pk", "name_en", "name_ru").order_by(
            "name_en", "name_ru"
        )


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: Any, application: Application, **kwargs: Any):
        super().__init__(*args, **kwargs)
        types = allowed_types(application)
        self.fields["file"].widget = forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{t}" for t in types)}
        )
        self.fields["file"].help_text = _(
            "Accepted: %(types)s, up to %(mb)s MB; the content is checked too."
        ) % {
            "types": ", ".join(types),
            "mb": application.call.max_attachment_mb,
        }
        self.max_bytes = application.call.max_attachment_mb * MB


class TransitionForm(forms.Form):
    transition = forms.CharField(max_length=40)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional; kept in the application's history and sent to the applicants."),
    )


class ApplicationFilterForm(FastWidgetsMixin, forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.none(), required=False, to_field_name="key"
    )
    cluster = forms.ModelChoiceField(label=_("Cluster"), queryset=None, required=False, to_field_name="key")

    def __init__(self, *args: Any, call: Call, states: dict[str, str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        from clusterworks.web.registry.models import Cluster

        self.fields["state"].choices = [("", _("All states")), *states.items()]
        self.fields["sector"].queryset = call.sectors.order_by("key")
        self.fields["sector"].empty_label = _("All sectors")
        self.fields["cluster"].queryset = (
            Cluster.objects.filter(applications__call=call).distinct().order_by("name_en")
        )
        self.fields["cluster"].empty_label = _("All clusters")
