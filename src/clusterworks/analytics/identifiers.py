"""Check-digit validation of Russian company identifiers.

Two identifiers appear on almost every Russian company record:

* **INN** (ИНН, *идентификационный номер налогоплательщика*) -- the taxpayer
  number: 10 digits for a legal entity, 12 digits for an individual
  (including an individual entrepreneur).
* **OGRN** (ОГРН, *основной государственный регистрационный номер*) -- the
  primary registration number of a legal entity in the Unified State Register
  of Legal Entities (EGRUL): 13 digits.  Its counterpart for individual
  entrepreneurs, **OGRNIP** (ОГРНИП), has 15 digits.

Each ends in one or two check digits.  A passing check digit says only that
the number is well formed; it does not say that the number was ever issued.
Whether a company exists has to be looked up in the register itself.

This module is pure Python and has no dependency on Django, so it can be used
from the web app, the command line and the analytics code alike.

Examples
--------
>>> inn_is_valid("7707083893")        # Sberbank
True
>>> ogrn_is_valid("1027700132195")    # Sberbank
True
>>> inn_check("7707083894")
Traceback (most recent call last):
    ...
clusterworks.analytics.identifiers.InvalidIdentifier: INN 7707083894: check digit is 4, expected 3
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "InvalidIdentifier",
    "inn_check",
    "inn_is_valid",
    "ogrn_check",
    "ogrn_is_valid",
]


class InvalidIdentifier(ValueError):
    """An identifier failed validation; the message says what is wrong."""


_DIGITS = frozenset("0123456789")

# Weights for the INN check digits.  Each check digit is
# (sum of digit * weight) mod 11, then mod 10 (a remainder of 10 becomes 0).
_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_FIRST = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_SECOND = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)

_ORDINALS = {11: "11th", 12: "12th"}


def _require_digit_string(label: str, value: object) -> str:
    """Return ``value`` if it is a ``str`` made only of ASCII digits.

    Only ``0``-``9`` are accepted: ``str.isdigit`` would also let through
    other scripts' digits and superscripts, which no register issues.
    """
    if not isinstance(value, str):
        raise InvalidIdentifier(
            f"{label} must be given as a string of digits, not {type(value).__name__}"
            " (an int would lose leading zeros)"
        )
    for position, char in enumerate(value, start=1):
        if char not in _DIGITS:
            raise InvalidIdentifier(
                f"{label} must contain only the digits 0-9; found {char!r} at position {position}"
            )
    return value


def _weighted_check_digit(digits: str, weights: Sequence[int]) -> int:
    """Check digit for the INN scheme: weighted sum mod 11, then mod 10."""
    total = sum(int(d) * w for d, w in zip(digits, weights, strict=True))
    return total % 11 % 10


def inn_check(value: str) -> None:
    """Raise :class:`InvalidIdentifier` unless ``value`` is a well-formed INN.

    Parameters
    ----------
    value : str
        The INN as a string of ASCII digits, with no spaces or separators.
        A 10-digit INN belongs to a legal entity (organisation), a 12-digit
        INN to an individual.

    Raises
    ------
    InvalidIdentifier
        If ``value`` is not a string, contains anything but the digits 0-9,
        has a length other than 10 or 12, or a check digit does not match.
        The message names the first problem found.

    See Also
    --------
    inn_is_valid : The same check, returning a bool.

    Notes
    -----
    The INN is ``NNNN XXXXX C`` (organisation) or ``NNNN XXXXXX CC``
    (individual): a four-digit code of the tax office that issued it, a
    serial number, and check digits.  This structure is laid down in the
    procedure for assigning the INN approved by Order of the Ministry of
    Taxes and Levies of Russia of 3 March 2004 No. BG-3-09/178 (Приказ МНС
    России от 03.03.2004 № БГ-3-09/178), later replaced by Order of the
    Federal Tax Service of 29 June 2012 No. MMV-7-6/435@.  Those orders only
    say that the check number is "calculated by a special algorithm"; the
    weights below are the ones used by the tax service's software, as
    widely published, and they reproduce the check digits of published
    INNs (see the examples).

    For each check digit, multiply the preceding digits by the weights,
    add the products, take the remainder mod 11 and then mod 10 (so a
    remainder of 10 gives the check digit 0):

    * 10 digits: weights 2, 4, 10, 3, 5, 9, 4, 6, 8 over digits 1-9 give
      digit 10.
    * 12 digits: weights 7, 2, 4, 10, 3, 5, 9, 4, 6, 8 over digits 1-10
      give digit 11; weights 3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8 over digits
      1-11 give digit 12.

    Error detection: no weight is a multiple of 11, so changing any single
    digit always changes the remainder mod 11.  The final "mod 10" folds the
    remainders 0 and 10 together, so a 10-digit INN whose check digit is 0
    can turn into another valid INN when one digit is mistyped (for example
    3449786900 and 9449786900 are both well formed).  A 10-digit INN with a
    check digit other than 0 is protected against every single-digit error.
    For a 12-digit INN the two weight rows are not proportional to each
    other (mod 11) at any position, so both remainders cannot jump between 0
    and 10 at once: every single-digit error is detected.

    Examples
    --------
    Sberbank (ПАО Сбербанк), INN as published in its bank details:

    >>> inn_check("7707083893")

    Check digit 3 = (7*2 + 7*4 + 0*10 + 7*3 + 0*5 + 8*9 + 3*4 + 8*6 + 9*8)
    mod 11 mod 10 = 267 mod 11 = 3.  A typo in the last digit is caught:

    >>> inn_check("7707083894")
    Traceback (most recent call last):
        ...
    clusterworks.analytics.identifiers.InvalidIdentifier: INN 7707083894: check digit is 4, expected 3

    >>> inn_check("770708389")
    Traceback (most recent call last):
        ...
    clusterworks.analytics.identifiers.InvalidIdentifier: INN must be 10 digits (legal entity) \
or 12 digits (individual); got 9 characters

    >>> inn_check("7707 083893")
    Traceback (most recent call last):
        ...
    clusterworks.analytics.identifiers.InvalidIdentifier: INN must contain only the digits 0-9; \
found ' ' at position 5

    A made-up 12-digit (personal) INN:

    >>> inn_check("770712345633")
    >>> inn_check("770712345643")
    Traceback (most recent call last):
        ...
    clusterworks.analytics.identifiers.InvalidIdentifier: INN 770712345643: first check digit \
(11th digit) is 4, expected 3
    """
    _require_digit_string("INN", value)
    if len(value) == 10:
        expected = _weighted_check_digit(value[:9], _INN10_WEIGHTS)
        actual = int(value[9])
        if actual != expected:
            raise InvalidIdentifier(f"INN {value}: check digit is {actual}, expected {expected}")
        return
    if len(value) == 12:
        for name, position, weights in (
            ("first", 11, _INN12_WEIGHTS_FIRST),
            ("second", 12, _INN12_WEIGHTS_SECOND),
        ):
            expected = _weighted_check_digit(value[: position - 1], weights)
            actual = int(value[position - 1])
            if actual != expected:
                raise InvalidIdentifier(
                    f"INN {value}: {name} check digit ({_ORDINALS[position]} digit) "
                    f"is {actual}, expected {expected}"
                )
        return
    raise InvalidIdentifier(
        f"INN must be 10 digits (legal entity) or 12 digits (individual); got {len(value)} characters"
    )


def inn_with_check_digits(body: str) -> str:
    """Complete an INN: append the check digit(s) to its first 9 (legal entity) or 10 (individual) digits.

    For test fixtures and synthetic data; the rule is the one :func:`inn_check` verifies.

    Examples
    --------
    >>> inn_with_check_digits("770708389")
    '7707083893'
    >>> inn_is_valid(inn_with_check_digits("7707123456"))
    True
    """
    body = _require_digit_string("INN body", body)
    if len(body) == 9:
        return body + str(_weighted_check_digit(body, _INN10_WEIGHTS))
    if len(body) == 10:
        first = body + str(_weighted_check_digit(body, _INN12_WEIGHTS_FIRST))
        return first + str(_weighted_check_digit(first, _INN12_WEIGHTS_SECOND))
    raise InvalidIdentifier(f"an INN body has 9 digits (legal entity) or 10 (individual); got {len(body)}")


def inn_is_valid(value: str) -> bool:
    """Return whether ``value`` is a well-formed INN (10 or 12 digits).

    Parameters
    ----------
    value : str
        The INN as a string of ASCII digits.

    Returns
    -------
    bool
        ``True`` if :func:`inn_check` accepts ``value``, ``False`` otherwise
        (including when ``value`` is not a string).

    See Also
    --------
    inn_check : Raises with an explanation instead of returning ``False``.

    Examples
    --------
    >>> inn_is_valid("7707083893")   # Sberbank
    True
    >>> inn_is_valid("7707083894")
    False
    >>> inn_is_valid("770712345633")   # made up, 12 digits
    True
    >>> inn_is_valid(7707083893)   # ints are refused: they would drop leading zeros
    False
    """
    try:
        inn_check(value)
    except InvalidIdentifier:
        return False
    return True


def ogrn_check(value: str) -> None:
    """Raise :class:`InvalidIdentifier` unless ``value`` is a well-formed OGRN or OGRNIP.

    Parameters
    ----------
    value : str
        The registration number as a string of ASCII digits: 13 digits for
        an OGRN (legal entity), 15 digits for an OGRNIP (individual
        entrepreneur).

    Raises
    ------
    InvalidIdentifier
        If ``value`` is not a string, contains anything but the digits 0-9,
        has a length other than 13 or 15, or the check digit does not match.

    See Also
    --------
    ogrn_is_valid : The same check, returning a bool.

    Notes
    -----
    OGRN, 13 digits ``C YY KK XXXXXXX Ch``: record type, year of the record,
    region code, serial number, check digit.  The check digit is the last
    (lowest) digit of the remainder of the preceding 12-digit number divided
    by 11, i.e. ``int(value[:12]) % 11 % 10``.  The structure is set out in
    the annex "Structure of the state registration number of a record" to
    the Rules for keeping the Unified State Register of Legal Entities,
    Decree of the Government of the Russian Federation of 19 June 2002
    No. 438 (Постановление Правительства РФ от 19.06.2002 № 438), as
    amended by Decree No. 110 of 26 February 2004.

    OGRNIP, 15 digits: the same idea with a 14-digit number and modulus 13,
    i.e. ``int(value[:14]) % 13 % 10``, per Annex 1 to the Rules for keeping
    the Unified State Register of Individual Entrepreneurs, Government
    Decree of 16 October 2003 No. 630.

    Both registers are now kept under Order of the Ministry of Finance of
    30 October 2017 No. 165n, which keeps these number structures.

    Error detection: every power of ten is non-zero mod 11 and mod 13, so a
    single mistyped digit always changes the remainder.  Taking the last
    digit of the remainder folds 0 and 10 together (OGRN), and 0/10, 1/11
    and 2/12 (OGRNIP), so some single-digit errors go unnoticed when the
    check digit is 0 (OGRN) or 0, 1 or 2 (OGRNIP).

    Examples
    --------
    Sberbank, OGRN as published in its bank details:

    >>> ogrn_check("1027700132195")

    102770013219 = 11 * 9342728474 + 5, so the check digit is 5.

    >>> ogrn_check("1027700132196")
    Traceback (most recent call last):
        ...
    clusterworks.analytics.identifiers.InvalidIdentifier: OGRN 1027700132196: check digit is 6, expected 5

    Pirogov Russian National Research Medical University (RNRMU): here
    102773905442 mod 11 is 10, so the check digit is 0:

    >>> ogrn_check("1027739054420")

    A made-up OGRNIP: 30477000001239 = 13 * 2344384615479 + 12, so the check
    digit is 2:

    >>> ogrn_check("304770000012392")
    >>> ogrn_check("30477000001239")
    Traceback (most recent call last):
        ...
    clusterworks.analytics.identifiers.InvalidIdentifier: OGRN must be 13 digits (legal entity, \
OGRN) or 15 digits (individual entrepreneur, OGRNIP); got 14 characters
    """
    _require_digit_string("OGRN", value)
    if len(value) == 13:
        label, modulus = "OGRN", 11
    elif len(value) == 15:
        label, modulus = "OGRNIP", 13
    else:
        raise InvalidIdentifier(
            "OGRN must be 13 digits (legal entity, OGRN) or 15 digits "
            f"(individual entrepreneur, OGRNIP); got {len(value)} characters"
        )
    expected = int(value[:-1]) % modulus % 10
    actual = int(value[-1])
    if actual != expected:
        raise InvalidIdentifier(f"{label} {value}: check digit is {actual}, expected {expected}")


def ogrn_is_valid(value: str) -> bool:
    """Return whether ``value`` is a well-formed OGRN (13 digits) or OGRNIP (15 digits).

    Parameters
    ----------
    value : str
        The registration number as a string of ASCII digits.

    Returns
    -------
    bool
        ``True`` if :func:`ogrn_check` accepts ``value``, ``False`` otherwise.

    See Also
    --------
    ogrn_check : Raises with an explanation instead of returning ``False``.

    Examples
    --------
    >>> ogrn_is_valid("1027700132195")   # Sberbank
    True
    >>> ogrn_is_valid("1027700132194")
    False
    >>> ogrn_is_valid("304770000012392")   # made up, OGRNIP
    True
    """
    try:
        ogrn_check(value)
    except InvalidIdentifier:
        return False
    return True
