"""Forms of the commission, the allocation and the awards. They only parse and check input; the services
(``services.commission``, ``services.allocation``, ``services.awards``) make the change and check the
permission and the rules again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import MONEY, AllocationRun, ProgressReport, VoteChoice
from .services.awards import INDICATORS
from .services.commission import DECISIONS, decision_name


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


class MemberForm(forms.Form):
    user = UserChoiceField(label=_("Commission member"), queryset=get_user_model().objects.none())
    chair = forms.BooleanField(label=_("Chair of the commission"), required=False)

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
        self.fields["user"].help_text = _("Users with the commission-member role who are not on it yet.")


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Held on"), widget=_date_widget())


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 24}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=())
    comment = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the decision departs from the vote or the adopted allocation."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [(key, decision_name(key)) for key in DECISIONS]


VOTE_CHOICES = VoteChoice.choices


class AllocationRunForm(forms.Form):
    score_method = forms.ChoiceField(
        label=_("Scores"),
        choices=AllocationRun._meta.get_field("score_method").choices,
        initial="robust",
        help_text=_(
            "Robust scores remove each reviewer's leniency and weigh down single wild scores; z-scores are "
            "used as T-scores, 50 + 10 z."
        ),
    )


class AwardsCreateForm(forms.Form):
    awarded_on = forms.DateField(label=_("Awarded on"), widget=_date_widget(), initial=timezone.localdate)
    instalment_count = forms.IntegerField(
        label=_("Instalments"), min_value=1, max_value=12, initial=2,
        help_text=_("Equal instalments, the first due 30 days after the award, then every three months."),
    )  # fmt: skip


class PaymentRowForm(forms.Form):
    due_on = forms.DateField(label=_("Due on"), widget=_date_widget())
    amount = forms.DecimalField(label=_("Amount, roubles"), **MONEY, min_value=0)


PaymentFormSet = forms.formset_factory(PaymentRowForm, extra=1, can_delete=True)


class PaidForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=_date_widget(), initial=timezone.localdate)


class ProgressReportForm(forms.ModelForm):
    """The indicators of a year's report; the service checks the year, the permission and completeness."""

    class Meta:
        model = ProgressReport
        fields = [*INDICATORS, "narrative"]
        widgets = {"narrative": forms.Textarea(attrs={"rows": 6})}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in INDICATORS:
            value = data.get(name)
            if value is not None and value < 0:
                self.add_error(name, ValidationError(_("The value cannot be negative.")))
        return data
