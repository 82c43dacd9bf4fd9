"""Tests for clusterworks.analytics.identifiers (INN / OGRN / OGRNIP check digits)."""

import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterworks.analytics import identifiers
from clusterworks.analytics.identifiers import (
    InvalidIdentifier,
    inn_check,
    inn_is_valid,
    ogrn_check,
    ogrn_is_valid,
)

DIGITS = "0123456789"

# --------------------------------------------------------------------------
# Real, published identifiers
# --------------------------------------------------------------------------
# Sberbank (ПАО Сбербанк): INN 7707083893, OGRN 1027700132195 -- the bank's
#   published requisites (реквизиты: ИНН 7707083893, ОГРН 1027700132195, BIC
#   044525225), reproduced on countless payment forms; well known.
# Pirogov Russian National Research Medical University (РНИМУ им. Н.И.
#   Пирогова): INN 7728095113, OGRN 1027739054420 -- the numbers the university
#   publishes in its requisites / EGRUL record.  NOTE: these were not re-checked
#   against EGRUL when this test was written; both pass their check digits.
#   The OGRN is a useful case: 102773905442 mod 11 is 10, so its check digit is 0.
REAL_INNS = ["7707083893", "7728095113"]
REAL_OGRNS = ["1027700132195", "1027739054420"]


@pytest.mark.parametrize("inn", REAL_INNS)
def test_real_inns_are_valid(inn):
    assert inn_is_valid(inn)
    inn_check(inn)  # does not raise


@pytest.mark.parametrize("ogrn", REAL_OGRNS)
def test_real_ogrns_are_valid(ogrn):
    assert ogrn_is_valid(ogrn)
    ogrn_check(ogrn)


def test_twelve_digit_personal_inn_computed_by_hand():
    # Made-up personal INN 7707 123456 CC (tax office 7707, serial 123456).
    # First check digit, weights 7 2 4 10 3 5 9 4 6 8 over digits 1-10:
    #   7*7 + 7*2 + 0*4 + 7*10 + 1*3 + 2*5 + 3*9 + 4*4 + 5*6 + 6*8
    #   = 49 + 14 + 0 + 70 + 3 + 10 + 27 + 16 + 30 + 48 = 267
    #   267 = 24*11 + 3  -> 3 mod 10 = 3
    # Second check digit, weights 3 7 2 4 10 3 5 9 4 6 8 over digits 1-11:
    #   7*3 + 7*7 + 0*2 + 7*4 + 1*10 + 2*3 + 3*5 + 4*9 + 5*4 + 6*6 + 3*8
    #   = 21 + 49 + 0 + 28 + 10 + 6 + 15 + 36 + 20 + 36 + 24 = 245
    #   245 = 22*11 + 3  -> 3 mod 10 = 3
    # So the INN is 770712345633.
    assert inn_is_valid("770712345633")
    with pytest.raises(InvalidIdentifier, match=r"first check digit \(11th digit\) is 4, expected 3"):
        inn_check("770712345643")
    with pytest.raises(InvalidIdentifier, match=r"second check digit \(12th digit\) is 4, expected 3"):
        inn_check("770712345634")


def test_ten_digit_inn_with_remainder_ten_has_check_digit_zero():
    # Made up: 3*2 + 4*4 + 4*10 + 9*3 + 7*5 + 8*9 + 6*4 + 9*6 + 0*8 = 274
    # = 24*11 + 10 -> remainder 10 -> check digit 0.
    assert inn_is_valid("3449786900")
    assert not inn_is_valid("3449786901")


def test_ogrnip_made_up_example():
    # 30477000001239 = 13 * 2344384615479 + 12 -> check digit 2.
    assert ogrn_is_valid("304770000012392")
    with pytest.raises(InvalidIdentifier, match=r"^OGRNIP 304770000012397: check digit is 7, expected 2$"):
        ogrn_check("304770000012397")


# --------------------------------------------------------------------------
# Error messages
# --------------------------------------------------------------------------


def test_inn_messages():
    with pytest.raises(InvalidIdentifier) as exc:
        inn_check("7707083894")
    assert str(exc.value) == "INN 7707083894: check digit is 4, expected 3"

    with pytest.raises(InvalidIdentifier) as exc:
        inn_check("770708389")
    assert str(exc.value) == (
        "INN must be 10 digits (legal entity) or 12 digits (individual); got 9 characters"
    )


def test_ogrn_messages():
    with pytest.raises(InvalidIdentifier) as exc:
        ogrn_check("1027700132196")
    assert str(exc.value) == "OGRN 1027700132196: check digit is 6, expected 5"

    with pytest.raises(InvalidIdentifier) as exc:
        ogrn_check("102770013219")
    assert str(exc.value) == (
        "OGRN must be 13 digits (legal entity, OGRN) or 15 digits "
        "(individual entrepreneur, OGRNIP); got 12 characters"
    )


def test_invalid_identifier_is_a_value_error():
    assert issubclass(InvalidIdentifier, ValueError)


# --------------------------------------------------------------------------
# Wrong lengths and non-digits
# --------------------------------------------------------------------------


@pytest.mark.parametrize("length", [n for n in range(0, 17) if n not in (10, 12)])
def test_inn_wrong_lengths_rejected(length):
    value = ("7707083893" * 2)[:length]
    assert not inn_is_valid(value)
    with pytest.raises(InvalidIdentifier, match=rf"got {length} characters$"):
        inn_check(value)


@pytest.mark.parametrize("length", [n for n in range(0, 18) if n not in (13, 15)])
def test_ogrn_wrong_lengths_rejected(length):
    value = ("1027700132195" * 2)[:length]
    assert not ogrn_is_valid(value)
    with pytest.raises(InvalidIdentifier, match=rf"got {length} characters$"):
        ogrn_check(value)


@pytest.mark.parametrize(
    "value",
    [
        " 7707083893",  # leading space
        "7707083893 ",  # trailing space
        "7707-083893",  # separator
        "77O7083893",  # letter O instead of zero
        "７７０７０８３８９３",  # full-width digits: str.isdigit() is True for these
        "٧٧٠٧٠٨٣٨٩٣",  # Arabic-Indic digits, same
        "+7707083893",
        "7707083893\n",
    ],
)
def test_inn_non_digits_rejected(value):
    assert not inn_is_valid(value)
    with pytest.raises(InvalidIdentifier, match="only the digits 0-9"):
        inn_check(value)


@pytest.mark.parametrize("value", ["1027700132195 ", "102770013219S", "1027700132l95"])
def test_ogrn_non_digits_rejected(value):
    assert not ogrn_is_valid(value)
    with pytest.raises(InvalidIdentifier, match="only the digits 0-9"):
        ogrn_check(value)


@pytest.mark.parametrize("value", [7707083893, None, b"7707083893", 7707083893.0])
def test_non_strings_rejected(value):
    assert not inn_is_valid(value)
    assert not ogrn_is_valid(value)
    with pytest.raises(InvalidIdentifier, match="string of digits"):
        inn_check(value)
    with pytest.raises(InvalidIdentifier, match="string of digits"):
        ogrn_check(value)


# --------------------------------------------------------------------------
# Single-digit corruption (property tests)
# --------------------------------------------------------------------------
# What is and is not true:
# * Every weight (INN) and every power of ten (OGRN/OGRNIP) is non-zero mod 11
#   (resp. 13), and a single-digit change is between -9 and +9, so it always
#   changes the remainder.  But the check digit is the remainder *mod 10*, so
#   remainders 0 and 10 (and for OGRNIP also 1/11 and 2/12) give the same
#   check digit.  Hence "every single-digit change of a valid 10-digit INN
#   invalidates it" is FALSE: 3449786900 -> 9449786900 stays valid.
# * It is true when the check digit is not 0 (INN, OGRN) or is at least 3
#   (OGRNIP): then only one remainder maps to that check digit.
# * For the 12-digit INN it is true without exception: a miss would need both
#   remainders to jump 0 <-> 10 at once, i.e. w1[i] * d = +-1 and
#   w2[i] * d = +-1 (mod 11), so w2[i] = +-w1[i] (mod 11) at some position i;
#   no position of the two weight rows satisfies that.


def _single_digit_substitutions(value):
    for i, old in enumerate(value):
        for new in DIGITS:
            if new != old:
                yield i, value[:i] + new + value[i + 1 :]


def _complete(body, extra_digits, is_valid):
    """Append the unique valid check digit(s) to body, found by trying all of them."""
    width = extra_digits
    candidates = [body + str(n).zfill(width) for n in range(10**width)]
    valid = [c for c in candidates if is_valid(c)]
    assert len(valid) == 1, f"expected exactly one valid completion of {body}, got {valid}"
    return valid[0]


def _digits(n):
    return st.text(alphabet=DIGITS, min_size=n, max_size=n)


valid_inn10 = _digits(9).map(lambda body: _complete(body, 1, inn_is_valid))
valid_inn12 = _digits(10).map(lambda body: _complete(body, 2, inn_is_valid))
# Valid 10-digit INNs ending in 0, built directly rather than by filtering (only
# about one in ten random INNs ends in 0).  Digit 9 has weight 8, invertible
# mod 11, so its ten values give ten different remainders: at least one of
# the two remainders that yield check digit 0 (0 and 10) is always reachable.
valid_inn10_ending_in_zero = _digits(8).flatmap(
    lambda body: st.sampled_from([body + d + "0" for d in DIGITS if inn_is_valid(body + d + "0")])
)
valid_ogrn = _digits(12).map(lambda body: _complete(body, 1, ogrn_is_valid))
valid_ogrnip = _digits(14).map(lambda body: _complete(body, 1, ogrn_is_valid))


@given(valid_inn10)
def test_inn10_changing_the_check_digit_is_always_detected(inn):
    for other in DIGITS:
        if other != inn[-1]:
            assert not inn_is_valid(inn[:-1] + other)


@given(valid_inn10.filter(lambda inn: inn[-1] != "0"))
def test_inn10_single_digit_change_detected_when_check_digit_nonzero(inn):
    for _, corrupted in _single_digit_substitutions(inn):
        assert not inn_is_valid(corrupted), corrupted


@given(valid_inn10_ending_in_zero)
def test_inn10_undetected_changes_only_possible_with_check_digit_zero(inn):
    # With check digit 0 some substitutions in digits 1-9 can pass, but never
    # more than one replacement value per position (the one moving the
    # remainder between 0 and 10), and never in the check digit itself.
    for position in range(10):
        passing = [
            corrupted
            for i, corrupted in _single_digit_substitutions(inn)
            if i == position and inn_is_valid(corrupted)
        ]
        assert len(passing) <= (0 if position == 9 else 1)


def test_inn10_single_digit_change_can_go_undetected():
    # The counterexample that rules out the stronger property: the first
    # digit 3 -> 9 adds 6*2 = 12 to the weighted sum, moving it from 274
    # (remainder 10) to 286 (remainder 0); both give check digit 0.
    assert inn_is_valid("3449786900")
    assert inn_is_valid("9449786900")


@given(valid_inn12)
def test_inn12_every_single_digit_change_detected(inn):
    for _, corrupted in _single_digit_substitutions(inn):
        assert not inn_is_valid(corrupted), corrupted


@given(valid_ogrn.filter(lambda ogrn: ogrn[-1] != "0"))
def test_ogrn_single_digit_change_detected_when_check_digit_nonzero(ogrn):
    for _, corrupted in _single_digit_substitutions(ogrn):
        assert not ogrn_is_valid(corrupted), corrupted


@given(valid_ogrnip.filter(lambda ogrnip: ogrnip[-1] not in "012"))
def test_ogrnip_single_digit_change_detected_when_check_digit_at_least_3(ogrnip):
    for _, corrupted in _single_digit_substitutions(ogrnip):
        assert not ogrn_is_valid(corrupted), corrupted


@pytest.mark.parametrize("inn", REAL_INNS)
def test_real_inns_every_single_digit_change_detected(inn):
    # Both real INNs end in 3, so the property above applies to them exactly.
    for _, corrupted in _single_digit_substitutions(inn):
        assert not inn_is_valid(corrupted), corrupted


# --------------------------------------------------------------------------
# Docstring examples
# --------------------------------------------------------------------------


def test_docstring_examples():
    result = doctest.testmod(identifiers, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_inn_with_check_digits_completes_real_and_hand_computed_numbers():
    from clusterworks.analytics.identifiers import inn_with_check_digits

    # Sberbank's INN 7707083893 (public bank details); the 12-digit example is hand-computed above
    assert inn_with_check_digits("770708389") == "7707083893"
    assert inn_with_check_digits("7707123456") == "770712345633"
    with pytest.raises(InvalidIdentifier, match="9 digits"):
        inn_with_check_digits("12345")
