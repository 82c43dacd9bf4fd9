"""What the pathways services share: today, dates in words, validation errors, field assignment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def _today() -> dt.date:
    return timezone.localdate()


def _day(value: dt.date) -> str:
    return date_format(value)


def _invalid(field_name: str | None, message: str) -> ValidationError:
    return ValidationError({field_name: [message]} if field_name else [message])


def _assign(instance: Any, data: dict[str, Any], allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}; allowed: {sorted(allowed)}")
    for name, value in data.items():
        setattr(instance, name, value)


def _choice_error(field_name: str, value: Any, choices: Any) -> ValidationError:
    allowed = ", ".join(str(v) for v in choices.values)
    return _invalid(
        field_name,
        _("“%(value)s” is not allowed; allowed: %(allowed)s.") % {"value": value, "allowed": allowed},
    )
