"""The event scheduler's reasons for a request left out, in the reader's language
(``messages.schedule_reason_text``): every code the library can give has a wording; in English each
wording is the library's own sentence; in Russian the names and numbers are kept; and the scheduling page
shows the reasons through it.

The expected English sentences are the library's (``clusterworks.analytics.matchmaking.reasons``, which
builds them with its own code, independently of the web wordings); the page's expected reason is worked
out by hand in its comment.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from clusterworks.analytics.matchmaking import REASON_CODES, Reason
from clusterworks.analytics.matchmaking import reasons as why
from clusterworks.web.core.roles import Role
from clusterworks.web.network.messages import SCHEDULE_WORDINGS, schedule_reason_text
from clusterworks.web.network.models import EventStatus
from clusterworks.web.network.services import events as services
from tests.factories import ClusterFactory, MembershipFactory, OrganisationFactory, user_with_role

#: one library reason per code and form: singular and plural counts, each set of clauses
REASONS = [
    why.duplicate("17", "Alpha", "Beta"),
    why.cap_reached(1, "Alpha"),
    why.cap_reached(0, "Beta"),
    why.cap_reached(3, "Gamma"),
    why.unavailable("requester", "Alpha"),
    why.unavailable("invitee", "Beta"),
    why.no_common_slot("Alpha", "Beta"),
    why.no_open_room("Alpha", "Beta", 1),
    why.no_open_room("Alpha", "Beta", 4),
    why.fixed_meetings_block("Alpha", "Beta", 1),
    why.fixed_meetings_block("Alpha", "Beta", 3),
    why.no_free_slot("Alpha", "Beta", slots=1, first_busy=1, second_busy=0, rooms_full=0),
    why.no_free_slot("Alpha", "Beta", slots=2, first_busy=0, second_busy=2, rooms_full=0),
    why.no_free_slot("Alpha", "Beta", slots=3, first_busy=0, second_busy=0, rooms_full=3),
    why.no_free_slot("Alpha", "Beta", slots=2, first_busy=1, second_busy=0, rooms_full=1),
    why.no_free_slot("Alpha", "Beta", slots=5, first_busy=2, second_busy=3, rooms_full=4),
    why.slot_left_free("Alpha", "Beta", 1),
    why.slot_left_free("Alpha", "Beta", 2),
]


def _case_id(reason) -> str:
    return "-".join([reason.code, *map(str, reason.params.values())])


def _shown_params(reason) -> list[str]:
    """The names and numbers a wording must keep: every param but a count of 0 (its clause is left out)."""
    return [str(v) for v in reason.params.values() if v != 0]


def test_every_code_the_scheduler_can_give_has_a_wording_and_a_case_here():
    assert set(SCHEDULE_WORDINGS) == set(REASON_CODES)
    assert {r.code for r in REASONS} == set(REASON_CODES)


@pytest.mark.parametrize("reason", REASONS, ids=_case_id)
def test_in_english_a_reason_reads_as_the_library_wrote_it(reason):
    with translation.override("en"):
        assert schedule_reason_text(reason) == reason.text


@pytest.mark.parametrize("reason", REASONS, ids=_case_id)
def test_in_russian_a_reason_keeps_its_names_and_numbers(reason):
    with translation.override("ru"):
        text = schedule_reason_text(reason)
    assert text
    for value in _shown_params(reason):
        assert value in text, (value, text)
    assert "slot" not in text and "room" not in text  # translated (the catalogue's "слот", "стол")


def test_russian_plural_forms_follow_the_count():
    # Russian genitive after "из": 1 слота, 3 слотов, 21 слота (one/few/many forms of the catalogue)
    with translation.override("ru"):
        one, few, many = (
            schedule_reason_text(
                why.no_free_slot("A", "B", slots=n, first_busy=n, second_busy=0, rooms_full=0)
            )
            for n in (1, 3, 21)
        )
    assert "из 1 слота, доступного обоим" in one
    assert "из 3 слотов, доступных обоим" in few
    assert "из 21 слота, доступного обоим" in many


def test_the_clauses_of_a_busy_slot_are_listed_with_and():
    # Django's list of clauses: "x and y" for two, "x, y and z" for three (as the library joins them)
    reason = why.no_free_slot("Alpha", "Beta", slots=5, first_busy=2, second_busy=3, rooms_full=4)
    with translation.override("en"):
        assert schedule_reason_text(reason).endswith(
            "of the 5 slots both can attend, Alpha has another meeting in 2, Beta has another meeting in 3 "
            "and every room is taken in 4"
        )


def test_an_unknown_code_or_params_that_do_not_fit_fall_back_to_the_english_text():
    assert schedule_reason_text(Reason("new_code", {"x": 1}, "a new reason")) == "a new reason"
    missing = Reason("cap_reached", {"cap": 1}, "the English text")  # no participant
    with translation.override("ru"):
        assert schedule_reason_text(missing) == "the English text"


# --- the scheduling page ----------------------------------------------------------------------------


@pytest.fixture
def left_out(db):
    """An event of one slot and one table; Alpha asked Beta (priority 2) and Gamma (priority 1), both
    accepted. Only one meeting fits: Alpha-Beta (weight 2) is placed and Alpha-Gamma left out, because in
    the one slot both can attend Alpha has another meeting and the only table is taken."""
    cluster = ClusterFactory(key="medtech")
    orgs = {}
    for key in ("alpha", "beta", "gamma"):
        orgs[key] = OrganisationFactory(key=key, name_en=f"{key.title()} Ltd", short_name=key.title())
        MembershipFactory(cluster=cluster, organisation=orgs[key])
    manager = user_with_role(Role.CLUSTER_MANAGER, cluster=cluster, username="manager")
    reps = {
        key: user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=org, username=f"rep_{key}")
        for key, org in orgs.items()
    }
    event = services.event_create(
        actor=manager,
        cluster=cluster,
        data={"title": "Brokerage day", "date": dt.date(2027, 3, 15), "max_meetings": 0},
        slots=[(dt.time(10, 0), dt.time(10, 20))],
        rooms=["Table 1"],
    )
    services.event_status_change(actor=manager, event=event, status=EventStatus.REGISTRATION)
    event.refresh_from_db()
    people = {
        key: services.participant_register(
            actor=reps[key], event=event, organisation=orgs[key], attendee=f"{key.title()} attendee"
        )
        for key in orgs
    }
    for invitee, priority in (("beta", 2), ("gamma", 1)):
        request = services.meeting_request_create(
            actor=reps["alpha"], requester=people["alpha"], invitee=people[invitee], priority=priority
        )
        services.meeting_request_answer(actor=reps[invitee], request=request, accept=True)
    return manager, event


#: the library's sentence for Alpha-Gamma (see the fixture)
LEFT_OUT = (
    "no free slot shared by both Alpha and Gamma: of the 1 slot both can attend, Alpha has another meeting "
    "in 1 and every room is taken in 1"
)


def _run(client, manager, event, language: str) -> str:
    client.force_login(manager)
    url = reverse("network-event-schedule", args=[event.pk])
    response = client.post(url, {"method": "exact", "time_limit": "5"}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_page_shows_the_reasons_in_the_readers_language(client, left_out, language):
    manager, event = left_out
    page = _run(client, manager, event, language)
    assert f'<html lang="{language}">' in page  # the page is in the reader's language
    reason = why.no_free_slot("Alpha", "Gamma", slots=1, first_busy=1, second_busy=0, rooms_full=1)
    assert reason.text == LEFT_OUT
    with translation.override(language):
        assert f"<td>{schedule_reason_text(reason)}</td>" in page
    # the note that the reasons are in English, and the cells marked as English text, are gone
    assert "the scheduler&#x27;s, in English" not in page and "the scheduler's, in English" not in page
    assert '<td lang="en">' not in page


def test_the_english_page_shows_the_librarys_sentence(client, left_out):
    manager, event = left_out
    assert f"<td>{LEFT_OUT}</td>" in _run(client, manager, event, "en")


def test_the_page_words_the_reasons_through_the_web_wordings(client, left_out, monkeypatch):
    # a wording changed here shows on the page: the page does not print the library's English text
    monkeypatch.setitem(SCHEDULE_WORDINGS, "no_free_slot", "%(first)s / %(second)s: %(clauses)s")
    manager, event = left_out
    page = _run(client, manager, event, "en")
    assert "<td>Alpha / Gamma: Alpha has another meeting in 1 and every room is taken in 1</td>" in page
    assert LEFT_OUT not in page
