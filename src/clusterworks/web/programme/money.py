"""Amounts of money as the reader expects them: ``RUB 2,500,000,000.00`` in English,
``2 500 000 000,00 ₽`` in Russian (the groups separated by no-break spaces), and shares as percentages.

One helper for the whole programme app: views format amounts with :func:`format_roubles` in the active
language (Django's number formatting of the locale, grouping forced), so that templates never assemble
amounts from pieces.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import get_language

NBSP = "\xa0"
CENT = Decimal("0.01")


def _russian(language: str | None) -> bool:
    return (language or get_language() or "en").startswith("ru")


def as_decimal(value: Decimal | int | float | str | None) -> Decimal:
    """``value`` as a Decimal rounded to kopecks (None and the empty string are zero)."""
    if value is None or value == "":
        return Decimal("0.00")
    try:
        return Decimal(str(value)).quantize(CENT)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount of money") from None


def _number(amount: Decimal, places: int, language: str | None, *, grouping: bool) -> str:
    if language is None:
        return number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=grouping)
    from django.utils import translation

    with translation.override(language):
        return number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=grouping)


def format_roubles(value: Decimal | int | float | str | None, *, language: str | None = None) -> str:
    """``value`` roubles in the active (or the given) language, a no-break space between the number and
    its currency; None gives an em dash."""
    if value is None or value == "":
        return "—"
    text = _number(as_decimal(value), 2, language, grouping=True)
    return f"{text}{NBSP}₽" if _russian(language) else f"RUB{NBSP}{text}"


def format_share(value: Decimal | float | int | None, *, places: int = 2, language: str | None = None) -> str:
    """A percentage (``value`` is already in per cent): ``12.50%`` in English, ``12,50 %`` in Russian;
    None gives an em dash."""
    if value is None:
        return "—"
    amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
    text = _number(amount, places, language, grouping=False)
    return f"{text}{NBSP}%" if _russian(language) else f"{text}%"
