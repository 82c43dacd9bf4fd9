"""Select widgets rendered in Python.

Django renders every ``<option>`` of a select through a template: about 0.1 ms an option, so a filter
form with a few hundred regions, competences and clusters cost more than the rest of the page. These
widgets write the same HTML directly. :class:`FastWidgetsMixin` swaps them into a form's fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def _options(choices: Iterable[Any], selected: set[str]) -> Iterable[str]:
    for value, label in choices:
        if isinstance(label, list | tuple):  # an option group
            yield f'<optgroup label="{escape(value)}">'
            yield from _options(label, selected)
            yield "</optgroup>"
            continue
        text = "" if value is None else str(value)
        mark = " selected" if text in selected else ""
        yield f'<option value="{escape(text)}"{mark}>{escape(label)}</option>'


class FastSelect(forms.Select):
    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        if self.allow_multiple_selected:
            final["multiple"] = True
        values = value if isinstance(value, list | tuple) else [value]
        selected = {str(v) for v in values if v is not None and (v != "" or not self.allow_multiple_selected)}
        if not selected and not self.allow_multiple_selected:
            selected = {""}
        body = "".join(_options(self.choices, selected))
        return mark_safe(f"<select{flatatt(final)}>{body}</select>")  # noqa: S308  (every value is escaped)


class FastSelectMultiple(FastSelect):
    allow_multiple_selected = True

    def value_from_datadict(self, data, files, name):
        return forms.SelectMultiple.value_from_datadict(self, data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return False


class FastWidgetsMixin:
    """Give every plain ``Select`` / ``SelectMultiple`` of the form the Python-rendered equivalent."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                field.widget.__class__ = FastSelect
            elif type(field.widget) is forms.SelectMultiple:
                field.widget.__class__ = FastSelectMultiple
