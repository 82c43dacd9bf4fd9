"""Django validators over the pure identifier checks in :mod:`clusterworks.analytics.identifiers`."""

from django.core.exceptions import ValidationError

from clusterworks.analytics.identifiers import InvalidIdentifier, inn_check, ogrn_check


def validate_inn(value: str) -> None:
    try:
        inn_check(value)
    except InvalidIdentifier as exc:
        raise ValidationError(str(exc), code="invalid_inn") from exc


def validate_ogrn(value: str) -> None:
    try:
        ogrn_check(value)
    except InvalidIdentifier as exc:
        raise ValidationError(str(exc), code="invalid_ogrn") from exc
