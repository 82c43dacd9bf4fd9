"""The Python-rendered selects produce the same options, labels and selection as Django's own widgets
(the oracle), for plain, grouped, multiple and escaped choices."""

from html.parser import HTMLParser

import pytest
from django import forms

from clusterworks.web.core.widgets import FastSelect, FastSelectMultiple

CHOICES = [("", "All"), ("RU-MOW", "Москва"), ("RU-MOS", 'Moscow <Oblast> & "co"'), (3, "three")]
GROUPED = [
    ("", "—"),
    ("Russia", [("RU-SPE", "St Petersburg"), ("RU-LEN", "Leningrad")]),
    ("US-CA", "California"),
]


class _Options(HTMLParser):
    def __init__(self):
        super().__init__()
        self.options, self.select, self._current = [], {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self.select = attrs
        elif tag == "option":
            self._current = [attrs.get("value"), "", "selected" in attrs]
            self.options.append(self._current)

    def handle_data(self, data):
        if self._current is not None:
            self._current[1] += data

    def handle_endtag(self, tag):
        if tag == "option":
            self._current = None


def parsed(html):
    parser = _Options()
    parser.feed(str(html))
    return parser.select, parser.options


@pytest.mark.parametrize("value", [None, "", "RU-MOW", "RU-MOS", 3, "nonsense"])
def test_single_select_matches_django(value):
    ours = FastSelect(choices=CHOICES, attrs={"class": "x"}).render("region", value, {"id": "id_region"})
    django = forms.Select(choices=CHOICES, attrs={"class": "x"}).render("region", value, {"id": "id_region"})
    assert parsed(ours) == parsed(django)


@pytest.mark.parametrize("value", [None, [], ["RU-SPE"], ["RU-SPE", "US-CA"]])
def test_multiple_grouped_select_matches_django(value):
    ours = FastSelectMultiple(choices=GROUPED).render("regions", value)
    django = forms.SelectMultiple(choices=GROUPED).render("regions", value)
    assert parsed(ours) == parsed(django)
    assert parsed(ours)[0]["multiple"] is None  # the boolean attribute is present


def test_labels_and_values_are_escaped():
    html = str(FastSelect(choices=[("<x>", "<script>alert(1)</script>")]).render("f", None))
    assert "<script>" not in html and "&lt;script&gt;" in html and 'value="&lt;x&gt;"' in html
