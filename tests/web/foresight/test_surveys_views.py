"""The survey management pages (foresight/views_surveys.py): who may open each page, the forms and their
errors, and that no page shows one expert's name or answers to another."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from clusterworks.web.core.roles import Role
from clusterworks.web.foresight.models import (
    Item,
    Panelist,
    Question,
    QuestionKind,
    Round,
    RoundStatus,
    Submission,
    Survey,
    SurveyStatus,
)
from tests.factories import ClusterFactory, user_with_role
from tests.web.foresight.world_surveys import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _login(client, world, who):
    if who == "panelist":
        client.force_login(world.panel["E01"].user)
    elif who == "admin":
        client.force_login(user_with_role(Role.ADMIN, username="admin"))
    elif who != "anonymous":
        client.force_login(getattr(world, who))


MANAGE_PAGES = [
    "foresight-survey-edit",
    "foresight-survey-close",
    "foresight-survey-delete",
    "foresight-survey-questions",
    "foresight-question-create",
    "foresight-panel",
    "foresight-rounds",
]


@pytest.mark.parametrize("name", MANAGE_PAGES)
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 200),
        ("admin", 200),
        ("other_manager", 403),
        ("analyst", 403),
        ("panelist", 403),
        ("outsider_expert", 403),
        ("anonymous", 403),
    ],
)
def test_management_pages_are_for_the_clusters_managers(client, world, name, who, status):
    _login(client, world, who)
    assert client.get(reverse(name, args=[world.survey.key])).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 200),
        ("analyst", 200),
        ("panelist", 200),
        ("other_manager", 403),
        ("outsider_expert", 403),
        ("anonymous", 403),
    ],
)
def test_the_survey_page_is_for_its_panel_managers_and_analysts(client, world, who, status):
    _login(client, world, who)
    assert client.get(reverse("foresight-survey-detail", args=[world.survey.key])).status_code == status


@pytest.mark.parametrize("who", ["other_manager", "analyst", "panelist", "outsider_expert"])
def test_every_change_is_refused_to_all_but_the_clusters_managers(client, world, who):
    _login(client, world, who)
    key = world.survey.key
    gets = [
        reverse("foresight-question-edit", args=[key, "importance"]),
        reverse("foresight-question-delete", args=[key, "why"]),
        reverse("foresight-item-edit", args=[key, "importance", "tele"]),
    ]
    posts = [
        (reverse("foresight-survey-edit", args=[key]), {"title_en": "Hijacked"}),
        (reverse("foresight-survey-close", args=[key]), {}),
        (reverse("foresight-survey-delete", args=[key]), {}),
        (reverse("foresight-question-create", args=[key]) + "?kind=text", {"title_en": "X", "key": "x"}),
        (reverse("foresight-question-edit", args=[key, "importance"]), {"last_round": "2"}),
        (reverse("foresight-question-move", args=[key, "why"]), {"up": "1"}),
        (reverse("foresight-question-delete", args=[key, "why"]), {}),
        (reverse("foresight-item-create", args=[key, "why"]), {"title_en": "Another"}),
        (reverse("foresight-item-edit", args=[key, "why", "reason"]), {"key": "reason", "title_en": "X"}),
        (reverse("foresight-item-action", args=[key, "why", "reason"]), {"action": "delete"}),
        (reverse("foresight-panel", args=[key]), {"login": "outsider"}),
        (reverse("foresight-panelist", args=[key, "E06"]), {"action": "remove"}),
        (reverse("foresight-rounds", args=[key]), {"deadline": ""}),
        (reverse("foresight-round", args=[key, 2]), {"action": "close"}),
        (reverse("foresight-round", args=[key, 2]), {"action": "remind"}),
    ]
    for url in gets:
        assert client.get(url).status_code == 403, url
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    # nothing changed
    world.survey.refresh_from_db()
    assert (
        world.survey.title_en == "Medical technologies 2030" and world.survey.status == SurveyStatus.RUNNING
    )
    assert Panelist.objects.filter(code="E06").exists() and Item.objects.filter(key="reason").exists()
    assert Question.objects.filter(survey=world.survey).count() == 5 and world.survey.rounds.count() == 2
    assert Round.objects.get(pk=world.round2.pk).status == RoundStatus.OPEN and not mail.outbox


def test_a_panelist_sees_their_own_rounds_and_nobody_else(client, world):
    client.force_login(world.panel["E05"].user)
    text = client.get(reverse("foresight-survey-detail", args=[world.survey.key])).content.decode()
    assert "draft saved" in text  # E05's own draft of round 2
    assert "/foresight/surveys/medtech-2030/rounds/2/answer/" in text
    for code in ("E01", "E02", "E03", "E04", "E06"):
        assert code not in text and f"Name{code}" not in text
    assert "Experts on the panel" not in text and "Results" not in text


# --- surveys -------------------------------------------------------------------------------------------


def test_a_manager_creates_a_survey_of_a_cluster_they_manage(client, world):
    client.force_login(world.manager)
    form = client.get(reverse("foresight-survey-create")).content.decode()
    assert world.survey.cluster.name_en in form and "other" not in form.split('name="cluster"')[1][:300]
    data = {
        "cluster": world.survey.cluster.pk,
        "key": "pharma-2040",
        "title_en": "Pharma 2040",
        "title_ru": "",
        "agreement_band": "1",
        "consensus_iqr": "1",
        "consensus_agreement": "0.8",
        "stability_p": "0.05",
        "max_cv_change": "0.15",
        "stopping_rule": "stability",
    }
    response = client.post(reverse("foresight-survey-create"), data)
    survey = Survey.objects.get(key="pharma-2040")
    assert response.status_code == 302 and response["Location"] == "/foresight/surveys/pharma-2040/questions/"
    assert survey.status == SurveyStatus.DRAFT and survey.consensus_agreement == 0.8


def test_survey_form_errors_are_clear(client, world):
    client.force_login(world.manager)
    data = {
        "cluster": world.survey.cluster.pk,
        "key": "medtech-2030",  # taken
        "title_en": "",
        "title_ru": "",  # no title at all
        "agreement_band": "1",
        "consensus_iqr": "1",
        "consensus_agreement": "1.5",  # a share above 1
        "stability_p": "1",  # must be below 1
        "max_cv_change": "0.15",
        "stopping_rule": "stability",
    }
    text = client.post(reverse("foresight-survey-create"), data).content.decode()
    assert "Delphi survey with this Key already exists." in text
    assert "Give the survey&#x27;s title in English, in Russian or both." in text
    assert "Ensure this value is less than or equal to 1." in text
    assert "The significance level must be between 0 and 1, e.g. 0.05." in text
    assert "Constraint" not in text


def test_a_manager_cannot_put_a_survey_in_another_cluster(client, world):
    client.force_login(world.manager)
    elsewhere = ClusterFactory()
    data = {
        "cluster": elsewhere.pk,
        "key": "x-1",
        "title_en": "X",
        "agreement_band": "1",
        "consensus_iqr": "1",
        "consensus_agreement": "0.75",
        "stability_p": "0.05",
        "max_cv_change": "0.15",
        "stopping_rule": "stability",
    }
    response = client.post(reverse("foresight-survey-create"), data)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Survey.objects.filter(key="x-1").exists()


def test_experts_and_analysts_get_no_new_survey_form(client, world):
    for user in (world.analyst, world.panel["E01"].user):
        client.force_login(user)
        assert client.get(reverse("foresight-survey-create")).status_code == 403


def test_editing_a_survey(client, world):
    client.force_login(world.manager)
    url = reverse("foresight-survey-edit", args=[world.survey.key])
    form = client.get(url).content.decode()
    assert "A survey that has started stays with its cluster." in form  # the cluster is fixed now
    data = {
        "title_en": "Medical technologies 2035",
        "title_ru": "",
        "description_en": "Horizon moved",
        "agreement_band": "1",
        "consensus_iqr": "2",
        "consensus_agreement": "0.8",
        "stability_p": "0.1",
        "max_cv_change": "0.15",
        "stopping_rule": "stability",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    world.survey.refresh_from_db()
    assert (world.survey.title_en, world.survey.consensus_iqr, world.survey.key) == (
        "Medical technologies 2035",
        2,
        "medtech-2030",
    )


def test_closing_a_survey_over_the_web(client, world):
    client.force_login(world.manager)
    url = reverse("foresight-survey-close", args=[world.survey.key])
    assert "Round 2 is open; it closes too" in client.get(url).content.decode()
    client.post(url)
    world.survey.refresh_from_db()
    assert world.survey.status == SurveyStatus.CLOSED
    assert Round.objects.get(pk=world.round2.pk).status == RoundStatus.CLOSED


# --- questions and items -------------------------------------------------------------------------------


def test_adding_a_question_chooses_its_kind_first(client, world):
    client.force_login(world.manager)
    url = reverse("foresight-question-create", args=[world.survey.key])
    chooser = client.get(url).content.decode()
    assert chooser.count('class="kind-choice"') == 7
    form = client.get(url, {"kind": "rating2"}).content.decode()
    assert 'name="dimension2_ru"' in form and 'name="max_choices"' not in form
    form = client.get(url, {"kind": "choice"}).content.decode()
    assert 'name="max_choices"' in form and 'name="scale_min"' not in form
    assert 'name="first_round" value="3"' in form  # rounds 1 and 2 have been opened


def test_adding_a_ranking_with_its_items(client, world):
    client.force_login(world.manager)
    url = reverse("foresight-question-create", args=[world.survey.key]) + "?kind=rank"
    data = {
        "title_en": "Order the platforms",
        "key": "platforms",
        "first_round": "3",
        "items": "Telemedicine platforms | Платформы телемедицины\nai | AI diagnostics | ИИ-диагностика\n",
        "allow_comments": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    question = Question.objects.get(survey=world.survey, key="platforms")
    assert question.kind == QuestionKind.RANK and question.position == 5
    assert list(question.items.values_list("key", "title_en", "title_ru")) == [
        ("telemedicine-platforms", "Telemedicine platforms", "Платформы телемедицины"),
        ("ai", "AI diagnostics", "ИИ-диагностика"),
    ]


def test_question_form_errors(client, world):
    client.force_login(world.manager)
    url = reverse("foresight-question-create", args=[world.survey.key]) + "?kind=rank"
    data = {"title_en": "Order", "key": "importance", "first_round": "1", "items": "Only one"}
    text = client.post(url, data).content.decode()
    assert "The survey already has a question with this key." in text
    # the form's own checks pass with a new key; then the service's rules speak
    text = client.post(url, {**data, "key": "order"}).content.decode()
    assert "A question of this kind needs at least 2 items; it has 1." in text
    assert "Round 2 has been opened; a new question is asked from round 3 on." in text
    text = client.post(url, {**data, "key": "ok", "items": "Bad Key! | x | y\na\na | b"}).content.decode()
    assert "Line 1: the key “Bad Key!” may hold only" in text


def test_a_question_in_use_shows_its_fields_fixed(client, world):
    client.force_login(world.manager)
    url = reverse("foresight-question-edit", args=[world.survey.key, "importance"])
    text = client.get(url).content.decode()
    assert "This question has been asked (from round 1)" in text
    assert 'name="title_en"' in text and "disabled" in text.split('name="title_en"')[1][:200]
    assert "Add an item" not in text
    # only the last round can be set, and not before round 2 which has been opened
    response = client.post(url, {"last_round": "1", "title_en": "Changed"})
    assert "the question can stop after it at the earliest" in response.content.decode()
    client.post(url, {"last_round": "2"})
    question = Question.objects.get(survey=world.survey, key="importance")
    assert question.last_round == 2 and question.title_en != "Changed"


def test_items_of_a_free_question_are_added_edited_moved_and_deleted(client, world):
    client.force_login(world.manager)
    key = world.survey.key
    late = Question.objects.create(
        survey=world.survey, key="late", kind=QuestionKind.TEXT, title_en="Late", first_round=3
    )
    client.post(reverse("foresight-item-create", args=[key, "late"]), {"title_en": "First reason", "key": ""})
    client.post(reverse("foresight-item-create", args=[key, "late"]), {"title_en": "Second", "key": "second"})
    assert list(late.items.order_by("position").values_list("key", flat=True)) == ["first-reason", "second"]
    client.post(reverse("foresight-item-action", args=[key, "late", "second"]), {"action": "up"})
    assert list(late.items.order_by("position").values_list("key", flat=True)) == ["second", "first-reason"]
    client.post(
        reverse("foresight-item-edit", args=[key, "late", "second"]), {"key": "second", "title_en": "Renamed"}
    )
    assert late.items.get(key="second").title_en == "Renamed"
    client.post(reverse("foresight-item-action", args=[key, "late", "first-reason"]), {"action": "delete"})
    assert list(late.items.values_list("key", flat=True)) == ["second"]
    # the last item of a question stays
    response = client.post(
        reverse("foresight-item-action", args=[key, "late", "second"]), {"action": "delete"}, follow=True
    )
    assert "needs at least 1 items; it has 0" in response.content.decode()
    # a duplicate key is refused on the form
    text = client.post(
        reverse("foresight-item-create", args=[key, "late"]), {"title_en": "X", "key": "second"}
    ).content.decode()
    assert "The question already has an item with this key." in text


def test_deleting_a_question_not_yet_asked(client, world):
    client.force_login(world.manager)
    Question.objects.create(
        survey=world.survey, key="late", kind=QuestionKind.TEXT, title_en="Late", first_round=3
    )
    url = reverse("foresight-question-delete", args=[world.survey.key, "late"])
    assert "Delete question late?" in client.get(url).content.decode()
    client.post(url)
    assert not Question.objects.filter(key="late").exists()
    client.post(reverse("foresight-question-delete", args=[world.survey.key, "importance"]))
    assert Question.objects.filter(key="importance").exists()  # asked: kept


# --- panel and rounds -----------------------------------------------------------------------------------


def test_the_panel_page_shows_names_and_invites_by_username_or_email(client, world):
    client.force_login(world.manager)
    url = reverse("foresight-panel", args=[world.survey.key])
    text = client.get(url).content.decode()
    assert "Expert NameE03" in text and "expert-e03" in text
    newcomer = user_with_role(Role.EXPERT, username="newcomer", email="New.Comer@example.org")
    response = client.post(url, {"login": "new.comer@example.org", "group": "clinic"}, follow=True)
    assert "is on the panel as E07; the invitation is sent." in response.content.decode()
    seat = Panelist.objects.get(user=newcomer)
    assert (seat.code, seat.group) == ("E07", "clinic") and mail.outbox[-1].to == ["New.Comer@example.org"]
    text = client.post(url, {"login": "expert-e01"}).content.decode()
    assert "is already on the panel as E01." in text
    text = client.post(url, {"login": "nobody"}).content.decode()
    assert "No active user has the username or e-mail “nobody”." in text


def test_panel_actions(client, world):
    client.force_login(world.manager)
    key = world.survey.key
    client.post(reverse("foresight-panelist", args=[key, "E06"]), {"action": "group", "group": "government"})
    assert Panelist.objects.get(code="E06").group == "government"
    client.post(reverse("foresight-panelist", args=[key, "E06"]), {"action": "resend"})
    assert Panelist.objects.get(code="E06").invited_at is not None and len(mail.outbox) == 1
    response = client.post(
        reverse("foresight-panelist", args=[key, "E01"]), {"action": "remove"}, follow=True
    )
    assert "E01 has answered" in response.content.decode()
    client.post(reverse("foresight-panelist", args=[key, "E06"]), {"action": "remove"})
    assert not Panelist.objects.filter(code="E06").exists()


def test_the_rounds_page_shows_progress_by_name_and_sends_reminders(client, world):
    client.force_login(world.manager)
    url = reverse("foresight-rounds", args=[world.survey.key])
    text = client.get(url).content.decode()
    assert 'aria-label="Round 2: 4 submitted, 1 draft, 1 not started"' in text
    assert "Expert NameE06" in text
    response = client.post(
        reverse("foresight-round", args=[world.survey.key, 2]), {"action": "remind"}, follow=True
    )
    assert "2 reminders are sent." in response.content.decode()
    assert Submission.objects.filter(round=world.round2, reminded_at__isnull=False).count() == 2


def test_closing_planning_and_opening_rounds_over_the_web(client, world):
    client.force_login(world.manager)
    key = world.survey.key
    Question.objects.filter(key="importance").update(last_round=None)
    client.post(reverse("foresight-round", args=[key, 2]), {"action": "close"})
    assert Round.objects.get(pk=world.round2.pk).status == RoundStatus.CLOSED
    client.post(reverse("foresight-rounds", args=[key]), {"deadline": "2999-01-31T18:00"})
    third = Round.objects.get(survey=world.survey, number=3)
    assert third.status == RoundStatus.PLANNED and third.deadline.year == 2999
    mail.outbox.clear()
    response = client.post(reverse("foresight-round", args=[key, 3]), {"action": "open"}, follow=True)
    assert (
        "Round 3 is open." in response.content.decode()
        and "6 experts are told by e-mail." in response.content.decode()
    )
    assert Round.objects.get(pk=third.pk).status == RoundStatus.OPEN and len(mail.outbox) == 6


def test_a_round_that_cannot_open_says_why(client, world):
    client.force_login(world.manager)
    key = world.survey.key
    client.post(reverse("foresight-round", args=[key, 2]), {"action": "close"})
    client.post(reverse("foresight-rounds", args=[key]), {"deadline": ""})
    # every question stops after round 2 or 1: nothing to ask in round 3
    Question.objects.filter(key="importance").update(last_round=2)
    text = client.get(reverse("foresight-rounds", args=[key])).content.decode()
    assert "No question is asked in round 3." in text
    response = client.post(reverse("foresight-round", args=[key, 3]), {"action": "open"}, follow=True)
    assert "No question is asked in round 3." in response.content.decode()
    assert Round.objects.get(survey=world.survey, number=3).status == RoundStatus.PLANNED


def test_a_deadline_in_the_past_is_refused(client, world):
    client.force_login(world.manager)
    url = reverse("foresight-round", args=[world.survey.key, 2])
    response = client.post(url, {"action": "deadline", "r2-deadline": "2001-01-01T10:00"}, follow=True)
    assert "The deadline must be in the future." in response.content.decode()
    client.post(url, {"action": "deadline", "r2-deadline": "2999-05-01T10:00"})
    assert Round.objects.get(pk=world.round2.pk).deadline.year == 2999
