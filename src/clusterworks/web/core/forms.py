from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .throttling import is_locked_out


class ThrottledAuthenticationForm(AuthenticationForm):
    """The log-in form, saying plainly when an account is locked out after repeated failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked_out": _("Too many failed log-ins for this account. Try again in %(minutes)d minutes."),
    }

    def clean(self):
        from django.conf import settings

        username = self.cleaned_data.get("username")
        if username and is_locked_out(username):
            raise forms.ValidationError(
                self.error_messages["locked_out"],
                code="locked_out",
                params={"minutes": max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)},
            )
        return super().clean()


class AuditFilterForm(forms.Form):
    """The audit log's filter: one type of object (an audited model's label, e.g. ``registry.Cluster``)."""

    model = forms.ChoiceField(label=_("Object type"), required=False)

    def __init__(self, *args, models: dict[str, type], **kwargs):
        super().__init__(*args, **kwargs)
        choices = sorted(
            ((label, str(m._meta.verbose_name_plural)) for label, m in models.items()), key=lambda c: c[1]
        )
        self.fields["model"].choices = [("", _("All types")), *choices]


def add_service_errors(
    form: Any, error: ValidationError, *, aliases: Mapping[str, str] | None = None
) -> None:
    """Show a service's validation errors on ``form``: on the field when the form has it (``aliases``
    maps a service's argument names to the form's fields), else as errors of the whole form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            name = (aliases or {}).get(name, name)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
