"""Forms of the review pages: the rubric, a declared conflict, an officer's change of an assignment and the
conflict register's filter. They parse input only; the rules (scales, conflicts, load limits, reasons)
are checked by the services, whose errors the views put on these forms (``core.forms.add_service_errors``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Application, ConflictSource, Criterion, Review
from .services.review import ScoreInput


class ReviewForm(forms.Form):
    """One score and one comment per criterion of the rubric, and the two comments of the review. Scores
    are text here: the service checks them against each criterion's scale and names it when one is off."""

    comment_for_applicant = forms.CharField(
        label=_("Comment for the applicant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The applicants read it, without your name, once the commission has decided."),
    )
    comment_for_commission = forms.CharField(
        label=_("Comment for the commission"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Read by the programme's officers and the commission, never by the applicants."),
    )

    def __init__(self, *args: Any, criteria: Sequence[Criterion], review: Review | None = None, **kwargs):
        initial = kwargs.pop("initial", None) or {}
        if review is not None:
            initial.setdefault("comment_for_applicant", review.comment_for_applicant)
            initial.setdefault("comment_for_commission", review.comment_for_commission)
            for score in review.scores.all():
                key = next((c.key for c in criteria if c.pk == score.criterion_id), None)
                if key:
                    initial.setdefault(f"score_{key}", _plain(score.value))
                    initial.setdefault(f"comment_{key}", score.comment)
        super().__init__(*args, initial=initial, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.key}"] = forms.CharField(
                label=_("Score"),
                required=False,
                widget=forms.NumberInput(
                    attrs={
                        "min": criterion.scale_min,
                        "max": criterion.scale_max,
                        "step": "any",
                        "class": "score-input",
                    }
                ),  # fmt: skip
                help_text=_("From %(low)s to %(high)s.")
                % {"low": criterion.scale_min, "high": criterion.scale_max},
            )
            self.fields[f"comment_{criterion.key}"] = forms.CharField(
                label=_("Comment on “%(criterion)s”") % {"criterion": criterion},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rubric_rows(self) -> list[tuple[Criterion, Any, Any]]:
        return [(c, self[f"score_{c.key}"], self[f"comment_{c.key}"]) for c in self.criteria]

    def scores(self) -> dict[str, ScoreInput]:
        data = self.cleaned_data
        return {
            c.key: ScoreInput(data.get(f"score_{c.key}") or None, data.get(f"comment_{c.key}") or "")
            for c in self.criteria
        }


def _plain(value: Any) -> str:
    """7.00 -> "7", 7.50 -> "7.5": what the reviewer typed, not the column's two places."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class DeclareConflictForm(forms.Form):
    detail = forms.CharField(
        label=_("What is the conflict?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "E.g. you work for a co-applicant, you advised the applicant last year, a relative works there."
        ),
    )


ACTIONS = [
    ("add", _("Add a reviewer")),
    ("remove", _("Remove a reviewer")),
    ("swap", _("Replace a reviewer")),
]


class _ExpertChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else obj.username


class AssignmentChangeForm(forms.Form):
    """An officer's change: add a reviewer to an application, remove one, or replace one by another."""

    action = forms.ChoiceField(label=_("Change"), choices=ACTIONS)
    application = forms.ModelChoiceField(label=_("Application"), queryset=Application.objects.none())
    reviewer = _ExpertChoice(
        label=_("Reviewer"),
        queryset=None,
        help_text=_("To add: the new reviewer. To remove or replace: the reviewer assigned now."),
    )
    new_reviewer = _ExpertChoice(
        label=_("New reviewer"), queryset=None, required=False, help_text=_("Only to replace.")
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the assignment and in the audit log."),
    )

    def __init__(self, *args: Any, applications: Any, experts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications
        self.fields["reviewer"].queryset = experts
        self.fields["new_reviewer"].queryset = experts

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("action") == "swap" and not data.get("new_reviewer"):
            self.add_error("new_reviewer", _("Choose who replaces the reviewer."))
        return data


class ConflictFilterForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("All sources")), *ConflictSource.choices]
    )
