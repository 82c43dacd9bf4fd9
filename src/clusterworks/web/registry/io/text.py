"""Signs that text was damaged before it reached the file, with the repair when one is certain.

Real files carry names that went through a wrong character encoding once or twice: "MÃœNSTER" is
"MÜNSTER" written as UTF-8 and read back as Windows-1252 ("mojibake"); "РњРѕСЃРєРІР°" is "Москва"
read as Windows-1251. Others lost letters for good: U+FFFD (�) or '?' stand where they were. An import
refuses such values, saying what the text probably was, rather than put them into the register.

The repair is only proposed when the damaged text, encoded back with the wrong code page, is valid
UTF-8 as a whole. Genuine text practically never is: every non-ASCII character would have to be
followed by exactly the right number of characters from a narrow range.
"""

from __future__ import annotations

import html
import re

from django.utils.translation import gettext as _

_WRONG_CODE_PAGES = ("cp1252", "latin-1", "cp1251")
_HTML_REFERENCE = re.compile(r"&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|amp|quot|lt|gt|apos|nbsp);")
_LOST_LETTERS = re.compile(r"\?{2,}|(?<=\w)\?(?=\w)")


def _undo_once(text: str) -> str | None:
    for code_page in _WRONG_CODE_PAGES:
        try:
            repaired = text.encode(code_page).decode("utf-8")
        except UnicodeError:
            continue
        if repaired != text:
            return repaired
    return None


def repair_mojibake(text: str) -> str | None:
    """The text ``text`` was before a wrong decoding (undone up to three times), or None if it looks sound.

    >>> repair_mojibake("MÃœNSTER")
    'MÜNSTER'
    >>> repair_mojibake("RÃƒÂ©publique")
    'République'
    >>> repair_mojibake("РњРѕСЃРєРІР°")
    'Москва'
    >>> repair_mojibake("SÃO PAULO") is None
    True
    """
    if text.isascii():
        return None
    repaired = None
    current = text
    for _attempt in range(3):
        step = _undo_once(current)
        if step is None:
            break
        repaired = current = step
    return repaired


def damage(text: str, *, name_like: bool = False) -> str | None:
    """Why ``text`` looks damaged (a message for the user), or None.

    ``name_like`` adds the check for '?' in place of letters, which in free text could be genuine.
    """
    if "\ufffd" in text:
        return _(
            "contains the replacement character U+FFFD: letters were lost to a wrong text "
            "encoding before this file was made; type the text again"
        )
    repaired = repair_mojibake(text)
    if repaired is not None:
        if "\ufffd" in repaired or _LOST_LETTERS.search(repaired) or repair_mojibake(repaired) is not None:
            return _(
                "is garbled by a wrong text encoding (mojibake) and letters were lost; type the text again"
            )
        return _("looks garbled by a wrong text encoding (mojibake); it was probably '%(text)s'") % {
            "text": repaired
        }
    reference = _HTML_REFERENCE.search(text)
    if reference:
        return _(
            "contains the HTML character reference '%(reference)s'; "
            "write the character itself ('%(character)s')"
        ) % {
            "reference": reference.group(0),
            "character": html.unescape(reference.group(0)),
        }
    if name_like and _LOST_LETTERS.search(text):
        return _("has '?' where letters were lost to a wrong text encoding; type the name again")
    return None
