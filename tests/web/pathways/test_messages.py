"""The library's messages on the pages, in the reader's language: one translatable sentence per code
(``web/pathways/messages.py``), the same in English as the library's, filled with the message's
params; and the pages (the product's problems and forecast, the board's products set aside, the
import of events) show them through it."""

from __future__ import annotations

import datetime as dt
import re
import string

import pytest
from django.utils import translation
from django.utils.translation import trans_real

from clusterworks.analytics.pathways import TEMPLATES, Event, InvalidEvents, Message, check_events
from clusterworks.web.pathways import messages, views_pages
from clusterworks.web.pathways.models import GateEvent
from tests.web.pathways.test_analysis import TODAY, build_world

COUNTS = {"elapsed", "records", "gaps", "decided", "min_history", "refused", "longer", "remaining", "total"}


def _sample(code: str, count: int) -> Message:
    """The message of ``code`` with made-up params: ``count`` for the counts, a clause of the right
    kind for a clause, text for the rest."""
    clauses = {
        "source": Message.make("source.typical", low=30, high=60, records=count, min_history=5),
        "wait": Message.make("wait.all_gates", gaps=count, min_history=5),
        "gap": Message.make("gap.none", min_history=5),
    }
    params = {}
    for _text, name, _spec, _conv in string.Formatter().parse(TEMPLATES[code]):
        if not name:
            continue
        if name in clauses:
            params[name] = clauses[name]
        elif name == "rate":
            params[name] = Message.make("rate.none", min_history=5) if code.startswith("forecast") else 0.25
        elif name == "cap":
            params[name] = 0.9
        elif name in COUNTS or name in ("low", "high", "days", "calendar_days", "longest"):
            params[name] = count
        else:
            params[name] = f"<{name}>"
    return Message.make(code, **params)


def _english(message: Message, count: int) -> str:
    """The library's English as the pages word it: "decision(s)" singular or plural by the count."""
    return str(message).replace("decision(s)", "decision" if count == 1 else "decisions")


def test_every_code_of_the_library_has_its_sentence():
    assert set(messages.WORDINGS) == set(TEMPLATES)


@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_the_english_sentence_is_the_librarys(code):
    for count in (0, 2, 7):
        message = _sample(code, count)
        with translation.override("en"):
            assert messages.render(message) == _english(message, count), code


def test_one_of_a_count_is_singular():
    with translation.override("en"):
        assert messages.render(Message.make("source.history", records=1)) == (
            "1 recorded decision at this gate (bootstrap)"
        )
        assert messages.render(Message.make("forecast.gate_to_do", gate="b", wait=Message.make(
            "wait.history", gaps=1), source=Message.make("source.typical", low=1, high=2, records=1,
            min_history=5))) == (
            "b: the wait before it from 1 recorded gap (previous approval -> submission); its duration "
            "drawn from uniform 1-2 calendar days, its typical range (1 recorded decision, fewer than 5)"
        )  # fmt: skip


def test_a_rate_is_in_the_readers_number_format():
    message = Message.make("rate.history", rate=0.25, refused=1, decided=4)
    with translation.override("en"):
        assert messages.render(message).startswith("refusal rate 0.25 from 1 refusals in 4 recorded")
    with translation.override("ru"):
        assert "0,25" in messages.render(message)  # Russian decimal comma


def test_unknown_codes_and_plain_text_stay_english():
    assert messages.render("as it is") == "as it is"
    assert messages.render(Message("no code here")) == "no code here"
    assert messages.render(Message("new sentence", "event.from_a_newer_library", {"x": 1})) == "new sentence"
    broken = Message("fallback", "event.query_open", {})  # params that do not fit: the English
    assert messages.render(broken) == "fallback"


class _Overlay(dict):
    """A translation catalogue with some entries of a test's own over the real one."""

    def __init__(self, base, extra):
        super().__init__(extra)
        self.base = base

    def get(self, key, default=None):
        return dict.get(self, key) if dict.__contains__(self, key) else self.base.get(key, default)

    def __getitem__(self, key):
        return dict.__getitem__(self, key) if dict.__contains__(self, key) else self.base[key]

    def __contains__(self, key):
        return dict.__contains__(self, key) or key in self.base

    def plural(self, msgid, n):
        return self.base.plural(msgid, n)


@pytest.fixture
def russian(monkeypatch):
    """Russian for a few msgids, as the translator will give them (the .po files are the lead's)."""

    def give(entries: dict[str, str]) -> None:
        catalogue = trans_real.translation("ru")
        monkeypatch.setattr(catalogue, "_catalog", _Overlay(catalogue._catalog, entries))

    return give


def test_a_translated_sentence_is_filled_with_the_params(russian):
    russian({"a query while the query of %(date)s is open; allowed: 'answered' before the next query": (
        "запрос при открытом запросе от %(date)s; допустимо: сначала ответ"
    )})  # fmt: skip
    issue_message = Message.make("event.query_open", date="2025-03-14")
    with translation.override("ru"):
        assert (
            messages.render(issue_message)
            == "запрос при открытом запросе от 2025-03-14; допустимо: сначала ответ"
        )
    with translation.override("en"):
        assert messages.render(issue_message) == str(issue_message)


# --- on the pages ---------------------------------------------------------------------------------


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setattr(views_pages, "_today", lambda: TODAY)
    return build_world()


def _break_the_scanner(world) -> None:
    """A decision with no submission at the scanner's launch (as in test_analysis)."""
    GateEvent.objects.create(
        product=world["products"]["scanner"], gate=world["gates"]["launch"], kind="decision",
        date=dt.date(2025, 3, 20), decision="approved",
    )  # fmt: skip


FIRST = (
    "the first event at a gate must be 'submitted', not '%(kind)s'; allowed: submitted, then "
    "query/answered, decision or withdrawn"
)


@pytest.mark.django_db
def test_the_product_page_words_its_problems_and_assumptions(client, world, russian):
    _break_the_scanner(world)
    client.force_login(world["users"]["manager"])
    html = client.get("/pathways/products/scanner/").content.decode()
    assert "At “Launch”: the first event at a gate must be &#x27;submitted&#x27;, not &#x27;decision" in html
    assert "line " not in re.search(r'role="alert">(.*?)</div>', html, re.S).group(1)  # no database ids
    russian({
        FIRST: "первое событие этапа — подача, а не «%(kind)s»",
        "At “%(gate)s”: %(problem)s": "Этап «%(gate)s»: %(problem)s",
    })  # fmt: skip
    client.cookies["clusterworks_language"] = "ru"
    html = client.get("/pathways/products/scanner/").content.decode()
    assert "первое событие этапа — подача, а не «decision»" in html


@pytest.mark.django_db
def test_the_forecast_assumptions_are_worded_for_the_reader(client, world, russian):
    client.force_login(world["users"]["manager"])
    html = client.get("/pathways/products/antibody/").content.decode()
    assumptions = re.search(r'<ul class="assumptions">(.*?)</ul>', html, re.S).group(1)
    assert "are passed one after another in catalogue order" in assumptions
    order = (
        "From %(today)s, the gates not yet approved (%(remaining)s of %(total)s) are passed one after "
        "another in catalogue order; durations are calendar days from submission to decision, agency "
        "queries included."
    )
    russian(
        {order: "С %(today)s этапы, ещё не пройденные (%(remaining)s из %(total)s), проходятся по порядку."}
    )
    client.cookies["clusterworks_language"] = "ru"
    html = client.get("/pathways/products/antibody/").content.decode()
    assert f"С {TODAY.isoformat()} этапы, ещё не пройденные" in html


@pytest.mark.django_db
def test_the_board_lists_the_products_set_aside_with_their_problems(client, world, russian):
    _break_the_scanner(world)
    client.force_login(world["users"]["manager"])
    russian({FIRST: "первое событие этапа — подача, а не «%(kind)s»"})
    client.cookies["clusterworks_language"] = "ru"
    for url in ("/pathways/?cluster=medtech", "/pathways/bottlenecks/?cluster=medtech"):
        html = client.get(url).content.decode()
        assert "первое событие этапа — подача, а не «decision»" in html, url


def test_an_event_issue_is_worded_from_its_code(russian):
    """The services explain the order of events with what the records say (``_explain``); any other
    problem of the library (here: a gate not in the catalogue) is worded by ``messages.event_issue``."""
    with pytest.raises(InvalidEvents) as raised:
        check_events([Event("p", "x", "submitted", dt.date(2025, 1, 2), line=1)], gates={"g"})
    issue = raised.value.issues[0]
    assert issue.code == "event.gate_unknown"
    russian(
        {"gate '%(gate)s' is not in the product's catalogue; allowed: %(allowed)s": "нет этапа «%(gate)s»"}
    )
    with translation.override("ru"):
        assert messages.event_issue(issue) == "нет этапа «x»"
        # the catalogue's own translation of "At “%(gate)s”: %(problem)s"
        assert messages.event_issue_at(issue, "Регистрация") == "Этап «Регистрация»: нет этапа «x»"
