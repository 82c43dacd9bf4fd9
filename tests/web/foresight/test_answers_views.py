"""The expert's pages: my rounds, self-assessment, declining, answering a round and the group's feedback.

Permissions are checked for the roles of the foresight matrix, including object-level refusals (another
cluster's manager, an expert who is not on the panel, a panelist of another survey). Every page an
expert sees is searched for the other experts' user names, full names and pseudonyms.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from clusterworks.web.core.roles import Role
from clusterworks.web.foresight.answers import submission_save
from clusterworks.web.foresight.models import Panelist, RoundStatus, Submission, SurveyStatus
from tests.factories import ClusterFactory, PanelistFactory, RoundFactory, SurveyFactory, user_with_role
from tests.web.foresight.world_answers import build_world, full_answers

pytestmark = pytest.mark.django_db

ANSWER = "/foresight/surveys/medtech-2035/rounds/{}/answer/"
FEEDBACK = "/foresight/surveys/medtech-2035/rounds/{}/feedback/"


@pytest.fixture
def world():
    return build_world(experts=4)


def _text(response) -> str:
    return response.content.decode()


def _assert_anonymous(html: str, world, reader) -> None:
    """No other expert's user name, full name or pseudonym in ``html``; not even the reader's code."""
    for identity in world.identities(but=reader):
        assert identity not in html, identity
    own_code = world.panelists[world.experts.index(reader)].code if reader in world.experts else None
    if own_code:
        assert own_code not in html


def _post_answers(data: dict, action: str) -> dict:
    """The answer form's fields for the service-style ``data`` of world_answers.full_answers."""
    from clusterworks.web.foresight.models import Item

    post = {"action": action}
    for question_key, items in data.items():
        for item_key, given in items.items():
            item = Item.objects.get(question__key=question_key, key=item_key)
            prefix = f"i{item.pk}"
            for role, value in given.items():
                if role == "chosen":
                    if value:
                        post.setdefault(f"q{item.question_id}_choice", []).append(item_key)
                elif role == "value":
                    post[prefix] = str(value)
                elif role == "value2":
                    post[f"{prefix}_value2"] = str(value)
                elif role == "never":
                    if value:
                        post[f"{prefix}_never"] = "on"
                else:
                    post[f"{prefix}_{role}"] = value
    return post


def _close_round_1_and_open_round_2(world):
    world.round.status = RoundStatus.CLOSED
    world.round.save()
    return RoundFactory(survey=world.survey, number=2, status=RoundStatus.OPEN)


# --- permissions -------------------------------------------------------------------------------------


def _users(world) -> dict:
    other_survey = SurveyFactory(cluster=ClusterFactory())
    RoundFactory(survey=other_survey)
    declined = world.experts[3]
    Panelist.objects.filter(user=declined).update(declined_at=timezone.now())
    return {
        "panelist": world.experts[0],
        "declined_panelist": declined,
        "panelist_of_other_survey": PanelistFactory(
            survey=other_survey, user=user_with_role(Role.EXPERT)
        ).user,
        "expert_not_on_panel": user_with_role(Role.EXPERT),
        "manager_of_cluster": world.manager,
        "manager_of_other": user_with_role(Role.CLUSTER_MANAGER, cluster=other_survey.cluster),
        "analyst": user_with_role(Role.ANALYST),
        "admin": user_with_role(Role.ADMIN),
        "anonymous": None,
    }


ANSWER_ALLOWED = {"panelist"}  # admin passes survey.answer but has no seat to answer from
FEEDBACK_ALLOWED = {"panelist", "manager_of_cluster", "analyst", "admin"}
SELF_ASSESSMENT_ALLOWED = {"panelist"}


@pytest.mark.parametrize(
    "who",
    [
        "panelist",
        "declined_panelist",
        "panelist_of_other_survey",
        "expert_not_on_panel",
        "manager_of_cluster",
        "manager_of_other",
        "analyst",
        "admin",
        "anonymous",
    ],
)
def test_who_may_open_which_page(client, world, who):
    _close_round_1_and_open_round_2(world)
    user = _users(world)[who]
    if user is not None:
        client.force_login(user)
    pages = {
        ANSWER.format(2): ANSWER_ALLOWED,
        FEEDBACK.format(1): FEEDBACK_ALLOWED,
        "/foresight/surveys/medtech-2035/self-assessment/": SELF_ASSESSMENT_ALLOWED,
        "/foresight/surveys/medtech-2035/decline/": SELF_ASSESSMENT_ALLOWED,
    }
    for url, allowed in pages.items():
        response = client.get(url)
        assert response.status_code == (200 if who in allowed else 403), (url, response.status_code)
    # POSTs are refused alike, and change nothing
    assert client.post(ANSWER.format(2), {"action": "draft"}).status_code == (
        302 if who in ANSWER_ALLOWED else 403
    )
    if who != "panelist":
        assert client.post("/foresight/surveys/medtech-2035/decline/").status_code == 403
        assert not Submission.objects.exists()


def test_the_feedback_of_an_open_round_and_the_answers_of_a_closed_round_are_refused(client, world):
    client.force_login(world.experts[0])
    refused = client.get(FEEDBACK.format(1))
    assert refused.status_code == 403
    assert "the group&#x27;s answers are shown once the round is closed" in _text(refused)
    _close_round_1_and_open_round_2(world)
    refused = client.get(ANSWER.format(1))
    assert refused.status_code == 403 and "this round is not open" in _text(refused)


def test_after_the_deadline_the_page_says_why(client, world):
    world.round.deadline = timezone.now() - dt.timedelta(hours=1)
    world.round.save()
    client.force_login(world.experts[0])
    response = client.get(ANSWER.format(1))
    assert response.status_code == 403 and "the deadline of this round has passed" in _text(response)
    assert "The deadline of this round has passed" in _text(client.get("/foresight/my-rounds/"))


def test_unknown_surveys_and_rounds_are_not_found(client, world):
    client.force_login(world.experts[0])
    assert client.get("/foresight/surveys/nope/rounds/1/answer/").status_code == 404
    assert client.get(ANSWER.format(9)).status_code == 404
    assert client.get(FEEDBACK.format(9)).status_code == 404


# --- my rounds ---------------------------------------------------------------------------------------


def test_my_rounds_needs_signing_in(client):
    response = client.get("/foresight/my-rounds/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_my_rounds_shows_states_deadlines_and_feedback_links(client, world):
    ann = world.experts[0]
    client.force_login(ann)
    html = _text(client.get("/foresight/my-rounds/"))
    assert "Medical technologies 2035" in html
    assert "Not started" in html and f'href="{ANSWER.format(1)}"' in html
    submission_save(
        round=world.round, user=ann, data={"importance": {"implants": {"value": 3}}}, submit=False
    )
    html = _text(client.get("/foresight/my-rounds/"))
    assert "Draft saved" in html and "Continue answering" in html
    submission_save(round=world.round, user=ann, data=full_answers(), submit=True)
    html = _text(client.get("/foresight/my-rounds/"))
    assert "Submitted" in html and "See or change my answers" in html
    _close_round_1_and_open_round_2(world)
    html = _text(client.get("/foresight/my-rounds/"))
    assert f'href="{FEEDBACK.format(1)}"' in html and f'href="{ANSWER.format(2)}"' in html
    _assert_anonymous(html, world, ann)


def test_my_rounds_before_the_survey_starts_and_after_it_closes(client, world):
    ann = world.experts[0]
    client.force_login(ann)
    world.survey.status = SurveyStatus.DRAFT
    world.survey.save()
    world.round.status = RoundStatus.PLANNED
    world.round.save()
    html = _text(client.get("/foresight/my-rounds/"))
    assert "The survey has not started yet." in html and "Round 1" not in html  # planned rounds hidden
    world.survey.status = SurveyStatus.CLOSED
    world.survey.save()
    world.round.status = RoundStatus.CLOSED
    world.round.save()
    html = _text(client.get("/foresight/my-rounds/"))
    assert "Closed rounds" in html and "No round is open." not in html and "Leave this panel" not in html


def test_my_rounds_is_empty_for_others(client, world):
    client.force_login(user_with_role(Role.EXPERT))
    html = _text(client.get("/foresight/my-rounds/"))
    assert "You are not on the panel of any survey" in html and "Medical technologies 2035" not in html
    client.force_login(world.manager)  # the manager runs the survey but does not sit on its panel
    assert "Medical technologies 2035" not in _text(client.get("/foresight/my-rounds/"))


# --- self-assessment and declining -----------------------------------------------------------------------


def test_first_entry_asks_for_the_self_assessment_then_returns_to_the_round(client, world):
    seat = world.panelists[0]
    Panelist.objects.filter(pk=seat.pk).update(expertise=None, interest=None)
    PanelistFactory(survey=world.survey, group="industry")
    client.force_login(world.experts[0])
    response = client.get(ANSWER.format(1))
    assert response.status_code == 302
    assert response.url == f"/foresight/surveys/medtech-2035/self-assessment/?next={ANSWER.format(1)}"
    html = _text(client.get(response.url))
    assert "Welcome to the panel" in html
    assert '<option value="industry">industry</option>' in html  # the groups of the panel
    assert "Keep the managers&#x27; choice (science)" in html
    _assert_anonymous(html, world, world.experts[0])
    invalid = client.post(response.url, {"expertise": "7", "interest": "3", "next": ANSWER.format(1)})
    assert (
        invalid.status_code == 200
        and "Select a valid choice. 7 is not one of the available choices." in _text(invalid)
    )
    saved = client.post(
        response.url, {"expertise": "2", "interest": "5", "group": "industry", "next": ANSWER.format(1)}
    )
    assert saved.status_code == 302 and saved.url == ANSWER.format(1)
    seat.refresh_from_db()
    assert (seat.expertise, seat.interest, seat.group) == (2, 5, "industry")
    assert client.get(ANSWER.format(1)).status_code == 200


def test_the_next_address_must_be_on_this_site(client, world):
    client.force_login(world.experts[0])
    response = client.post(
        "/foresight/surveys/medtech-2035/self-assessment/",
        {"expertise": "3", "interest": "3", "next": "https://evil.example/"},
    )
    assert response.url == "/foresight/my-rounds/"


def test_declining_removes_the_survey_and_its_pages(client, world):
    ann = world.experts[0]
    client.force_login(ann)
    assert "Leave the panel?" in _text(client.get("/foresight/surveys/medtech-2035/decline/"))
    response = client.post("/foresight/surveys/medtech-2035/decline/")
    assert response.status_code == 302 and response.url == "/foresight/my-rounds/"
    assert Panelist.objects.get(user=ann).declined_at is not None
    page = _text(client.get("/foresight/my-rounds/"))
    assert "You have left the panel of “Medical technologies 2035”." in page
    assert 'id="survey-medtech-2035"' not in page and "You are not on the panel of any survey" in page
    assert client.get(ANSWER.format(1)).status_code == 403


# --- answering -----------------------------------------------------------------------------------------


def test_the_form_offers_every_kind(client, world):
    ann = world.experts[0]
    client.force_login(ann)
    html = _text(client.get(ANSWER.format(1)))
    items = {item.key: item for question in world.questions.values() for item in question.items.all()}
    telemedicine = world.questions["importance"].items.get(key="telemedicine")
    # a 1..9 scale as nine radio buttons
    assert len(re.findall(rf'type="radio" name="i{telemedicine.pk}"', html)) == 9
    potential = world.questions["potential"].items.get()
    assert len(re.findall(rf'type="radio" name="i{potential.pk}_value2"', html)) == 5
    assert "Feasibility" in html and "Market potential" in html
    assert f'name="i{items["a"].pk}"' in html and "two items tied for first place are 1.5 and 1.5" in html
    assert f'name="i{items["robots"].pk}_never"' in html and 'min="2026"' in html and 'max="2060"' in html
    assert f'name="i{items["substitution"].pk}"' in html
    barriers = world.questions["barriers"]
    assert html.count(f'name="q{barriers.pk}_choice"') == 3 and "Choose at most 2 options." in html
    assert f'<textarea name="i{items["ideas"].pk}_text"' in html
    # comments where allowed (not on the text question)
    assert f'name="i{telemedicine.pk}_comment"' in html and f'name="i{items["ideas"].pk}_comment"' not in html
    assert "Save draft" in html and ">Submit<" in html
    _assert_anonymous(html, world, ann)


def test_save_a_draft_then_submit_then_change(client, world):
    ann = world.experts[0]
    client.force_login(ann)
    partial = {"importance": {"telemedicine": {"value": 6, "comment": "first thought"}}}
    response = client.post(ANSWER.format(1), _post_answers(partial, "draft"))
    assert response.status_code == 302 and response.url == ANSWER.format(1)
    submission = Submission.objects.get(panelist__user=ann)
    assert submission.submitted_at is None and submission.answers.get().value == 6.0
    page = _text(client.get(ANSWER.format(1)))
    assert "Your draft is saved." in page and "Draft saved" in page
    telemedicine = world.questions["importance"].items.get(key="telemedicine")
    assert re.search(rf'type="radio" name="i{telemedicine.pk}" value="6"[^>]* checked', page)
    assert "first thought" in page

    response = client.post(ANSWER.format(1), _post_answers(full_answers(), "submit"))
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.submitted_at is not None and submission.answers.count() == 13
    page = _text(client.get(ANSWER.format(1)))
    assert "Your answers are submitted. Thank you!" in page and "You submitted your answers on" in page
    assert "Change my answers" in page and "<form" in page and 'name="action"' not in page  # read-only
    assert "Your answer:</span> 7" in page and "Your answer:</span> never" in page
    assert "Your answer:</span> A shared biobank" in page

    editing = _text(client.get(ANSWER.format(1) + "?edit=1"))
    assert "Save draft" not in editing and "Submit changed answers" in editing
    changed = full_answers(importance={"telemedicine": {"value": 9}, "implants": {"value": 4}})
    assert client.post(ANSWER.format(1), _post_answers(changed, "submit")).status_code == 302
    assert Submission.objects.get(pk=submission.pk).answers.get(item=telemedicine).value == 9.0


def test_errors_are_shown_next_to_the_items_and_nothing_is_stored(client, world):
    ann = world.experts[0]
    client.force_login(ann)
    data = full_answers(
        priority={"a": {"value": "1"}, "b": {"value": "2"}, "c": {"value": "2"}, "d": {"value": "4"}},
        chance={"substitution": {"value": "lots"}},
    )
    response = client.post(ANSWER.format(1), _post_answers(data, "submit"))
    assert response.status_code == 200
    html = _text(response)
    assert "Nothing was saved." in html
    substitution = world.questions["chance"].items.get()
    # the form's own check (not a number) names the question and the item
    assert (
        f'<a href="#item-{substitution.pk}">Question “Probability”, item “Import substitution of implants”: '
        "“lots” is not a number.</a>" in html
    )
    assert not Submission.objects.exists()
    # with the number fixed, the service explains the ranking, next to the question
    data["chance"] = {"substitution": {"value": "12,5"}}  # a decimal comma is read as a decimal point
    html = _text(client.post(ANSWER.format(1), _post_answers(data, "submit")))
    priority = world.questions["priority"]
    assert f'<a href="#question-{priority.pk}">Question “Order of priority”: the ranks' in html
    assert "that is “Biosensors” 1, “Neural interfaces” 2.5, “Imaging AI” 2.5, “Drug delivery” 4." in html
    assert not Submission.objects.exists()
    # the values given are kept in the form
    a = priority.items.get(key="a")
    assert re.search(rf'name="i{a.pk}" value="1(\.0)?"', html)
    data["priority"]["c"] = {"value": "3"}
    assert client.post(ANSWER.format(1), _post_answers(data, "submit")).status_code == 302
    assert Submission.objects.get().answers.get(item=substitution).value == 12.5


# --- between rounds: the previous round's answers next to each item ---------------------------------------


@pytest.fixture
def two_rounds(world):
    """Round 1 answered by three experts and closed; round 2 open."""
    values = [7, 5, 9]
    comments = ["Works in three regions", "Too early", ""]
    for index in range(3):
        data = full_answers(
            importance={
                "telemedicine": {"value": values[index], "comment": comments[index]},
                "implants": {"value": 4},
            },
            ideas={"ideas": {"text": f"idea number {index}"}},
        )
        submission_save(round=world.round, user=world.experts[index], data=data, submit=True)
    world.extra["round2"] = _close_round_1_and_open_round_2(world)
    return world


def test_round_two_shows_round_one_next_to_each_item_and_prefills(client, two_rounds):
    world = two_rounds
    bob = world.experts[1]
    client.force_login(bob)
    html = _text(client.get(ANSWER.format(2)))
    assert "Your answers of round 1 are filled in" in html
    telemedicine = world.questions["importance"].items.get(key="telemedicine")
    # 5, 7, 9: median 7, quartiles 6 and 8, range 5..9 (3 answers); Bob's own answer was 5
    item_html = html[html.index(f'id="item-{telemedicine.pk}"') :]
    item_html = item_html[: item_html.index('<div class="fa-item')]
    assert "Median <strong>7</strong>, middle half 6–8, all answers 5–9 (3)" in item_html
    assert "your answer 5" in item_html
    assert "median 7, quartiles 6 to 8, range 5 to 9, 3 answers; your answer in round 1: 5" in item_html
    assert item_html.index("Too early") < item_html.index("Works in three regions")  # alphabetical
    assert re.search(rf'type="radio" name="i{telemedicine.pk}" value="5"[^>]* checked', item_html)
    # the comment of round 1 is not carried into round 2's form
    assert re.search(rf'id="id_i{telemedicine.pk}_comment">\s*</textarea>', html)
    # the text answers of round 1, without authors
    assert "idea number 0" in html and "idea number 2" in html
    _assert_anonymous(html, world, bob)


def test_no_feedback_when_round_one_is_not_closed_and_no_prefill_once_answered(client, two_rounds):
    world = two_rounds
    bob = world.experts[1]
    client.force_login(bob)
    submission_save(
        round=world.extra["round2"], user=bob, data={"importance": {"implants": {"value": 2}}}, submit=False
    )
    html = _text(client.get(ANSWER.format(2)))
    assert "are filled in" not in html  # round 2 has a draft: it is shown, not round 1's answers
    implants = world.questions["importance"].items.get(key="implants")
    telemedicine = world.questions["importance"].items.get(key="telemedicine")
    assert re.search(rf'name="i{implants.pk}" value="2"[^>]* checked', html)
    assert not re.search(rf'name="i{telemedicine.pk}" value="\d"[^>]* checked', html)
    # round 1 reopened for some reason: its answers are no longer shown as feedback
    world.round.status = RoundStatus.PLANNED
    world.round.save()
    assert "middle half" not in _text(client.get(ANSWER.format(2)))


def test_the_feedback_page(client, two_rounds):
    world = two_rounds
    ann = world.experts[0]
    client.force_login(ann)
    html = _text(client.get(FEEDBACK.format(1)))
    assert "Answers of the panel in round 1" in html and "3 experts submitted" in html
    # all three gave the ranking 1.5, 1.5, 3, 4: mean ranks 1.5, 1.5, 3, 4; W = 1 (identical rankings)
    assert re.search(r'data-item="a">.*?<td class="number fa-mean-rank">1.5</td>', html)
    assert re.search(r'data-item="d">.*?<td class="number fa-mean-rank">4</td>', html)
    assert "Agreement on the order (Kendall's W): <strong>1.00</strong> over 3 complete rankings" in html
    assert "Chosen by 3 of 3 experts" in html  # regulation: everyone's full_answers() chose it
    assert "3 experts answered “never”." in html
    assert "Median <strong>7</strong>, middle half 6–8, all answers 5–9 (3)" in html
    assert "your answer 7" in html
    assert 'href="/foresight/surveys/medtech-2035/rounds/2/answer/"' in html  # on to the next round
    _assert_anonymous(html, world, ann)
    # the manager sees the same page, with no own answers and no link to answer
    client.force_login(world.manager)
    html = _text(client.get(FEEDBACK.format(1)))
    assert "your answer" not in html and "rounds/2/answer/" not in html
    for user in world.experts:
        assert user.username not in html and user.last_name not in html


def test_pages_in_russian(client, two_rounds):
    client.force_login(two_rounds.experts[0])
    client.cookies["clusterworks_language"] = "ru"
    response = client.get(ANSWER.format(2))
    assert response.status_code == 200 and "Медтех 2035" in _text(response)
