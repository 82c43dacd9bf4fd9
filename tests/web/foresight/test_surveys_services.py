"""The services that run a Delphi survey (foresight/surveys.py): permissions, the workflow rules, the
e-mails and what is recorded. Expected values follow from the rows each test builds."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from clusterworks.web.core.audit import acting_as
from clusterworks.web.core.models import AuditEvent
from clusterworks.web.core.permissions import NotAllowed
from clusterworks.web.core.roles import Role
from clusterworks.web.foresight import surveys
from clusterworks.web.foresight.models import (
    Panelist,
    QuestionKind,
    RoundStatus,
    Submission,
    Survey,
    SurveyStatus,
)
from tests.factories import (
    ClusterFactory,
    PanelistFactory,
    QuestionFactory,
    RoundFactory,
    SurveyFactory,
    UserFactory,
    user_with_role,
)
from tests.web.foresight.world_surveys import build_world

pytestmark = pytest.mark.django_db

SURVEY_DATA = {"key": "energy-2035", "title_en": "Energy 2035", "title_ru": "Энергетика 2035"}
ITEMS = [{"key": "a", "title_en": "A", "title_ru": ""}, {"key": "b", "title_en": "B", "title_ru": ""}]


@pytest.fixture
def cluster():
    return ClusterFactory(key="energy")


@pytest.fixture
def manager(cluster):
    return user_with_role(Role.CLUSTER_MANAGER, cluster=cluster, username="manager", email="boss@example.org")


@pytest.fixture
def survey(cluster, manager):
    return surveys.survey_create(actor=manager, cluster=cluster, data=SURVEY_DATA)


def _question(actor, survey, kind=QuestionKind.RATING, key="q1", items=ITEMS, **data):
    values = {"key": key, "title_en": f"Question {key}", "scale_min": 1, "scale_max": 5, **data}
    return surveys.question_create(actor=actor, survey=survey, kind=kind, data=values, items=items)


def _expert(username, **kwargs):
    return user_with_role(Role.EXPERT, username=username, email=f"{username}@example.org", **kwargs)


# --- surveys -------------------------------------------------------------------------------------------


def test_a_manager_creates_a_draft_survey_of_their_cluster(survey, manager, cluster):
    assert survey.status == SurveyStatus.DRAFT and survey.cluster == cluster and survey.created_by == manager
    # the defaults of the consensus rules come from the model
    assert (survey.agreement_band, survey.consensus_iqr, survey.consensus_agreement) == (1.0, 1.0, 0.75)


def test_creating_a_survey_is_audited_under_the_actor(cluster, manager):
    with acting_as(manager, "web"):
        survey = surveys.survey_create(actor=manager, cluster=cluster, data=SURVEY_DATA)
    event = AuditEvent.objects.get(model="foresight.Survey", object_id=str(survey.pk))
    assert (
        event.action == "create" and event.actor == manager and event.changes["key"] == [None, "energy-2035"]
    )


def test_only_the_clusters_managers_start_a_survey(cluster):
    other = user_with_role(Role.CLUSTER_MANAGER, cluster=ClusterFactory())
    for user in (other, user_with_role(Role.ANALYST), _expert("e1")):
        with pytest.raises(NotAllowed):
            surveys.survey_create(actor=user, cluster=cluster, data=SURVEY_DATA)


def test_the_significance_level_lies_strictly_between_0_and_1(cluster, manager):
    with pytest.raises(ValidationError) as error:
        surveys.survey_create(actor=manager, cluster=cluster, data={**SURVEY_DATA, "stability_p": 0})
    assert "stability_p" in error.value.message_dict


def test_a_survey_keeps_its_key_and_once_started_its_cluster(survey, manager, cluster):
    with pytest.raises(ValueError, match="key"):
        surveys.survey_update(actor=manager, survey=survey, data={"key": "other"})
    mine_too = ClusterFactory()
    manager.role_assignments.create(role=Role.CLUSTER_MANAGER, cluster=mine_too)
    manager.forget_roles()
    surveys.survey_update(actor=manager, survey=survey, data={}, cluster=mine_too)  # a draft may move
    assert Survey.objects.get(pk=survey.pk).cluster == mine_too
    with pytest.raises(NotAllowed):  # but only to a cluster the actor manages
        surveys.survey_update(actor=manager, survey=survey, data={}, cluster=ClusterFactory())
    Survey.objects.filter(pk=survey.pk).update(status=SurveyStatus.RUNNING)
    with pytest.raises(ValidationError):
        surveys.survey_update(actor=manager, survey=survey, data={}, cluster=cluster)


def test_the_rules_are_judged_against_the_stored_survey_and_question(survey, manager):
    # a model form sets the posted values on the instance before the service runs
    survey.status = SurveyStatus.RUNNING
    survey.save()
    elsewhere = ClusterFactory()
    manager.role_assignments.create(role=Role.CLUSTER_MANAGER, cluster=elsewhere)
    manager.forget_roles()
    survey.cluster = elsewhere
    with pytest.raises(ValidationError):
        surveys.survey_update(actor=manager, survey=survey, data={}, cluster=elsewhere)
    question = _question(manager, survey)
    _open_first_round(survey, manager)
    question.title_en = "Changed on the form"
    with pytest.raises(ValidationError):
        surveys.question_update(actor=manager, question=question, data={"title_en": "Changed on the form"})
    question.refresh_from_db()
    assert question.title_en == "Question q1"


def test_a_manager_of_another_cluster_cannot_change_the_survey(survey):
    other = user_with_role(Role.CLUSTER_MANAGER, cluster=ClusterFactory())
    with pytest.raises(NotAllowed):
        surveys.survey_update(actor=other, survey=survey, data={"title_en": "Hijacked"})


# --- questions and items -------------------------------------------------------------------------------


def test_question_with_items_at_the_end(survey, manager):
    first = _question(manager, survey, key="q1")
    second = _question(manager, survey, key="q2")
    assert (first.position, second.position) == (0, 1)
    assert list(second.items.values_list("key", "position")) == [("a", 0), ("b", 1)]


@pytest.mark.parametrize(
    ("kind", "data", "items", "field"),
    [
        (QuestionKind.RANK, {}, ITEMS[:1], "items"),  # a ranking of one item
        (QuestionKind.CHOICE, {"max_choices": 1}, ITEMS[:1], "items"),
        (QuestionKind.CHOICE, {"max_choices": 3}, ITEMS, "max_choices"),  # 3 of 2 options
        (QuestionKind.CHOICE, {"max_choices": None}, ITEMS, "max_choices"),
        (QuestionKind.RATING, {"scale_min": None}, ITEMS, "scale_min"),
        (QuestionKind.RATING, {"scale_min": 5, "scale_max": 5}, ITEMS, "scale_max"),
        (QuestionKind.RATING2, {}, ITEMS, "dimension1_en"),  # the two scales need names
        (QuestionKind.TEXT, {}, [], "items"),
        (QuestionKind.RATING, {"last_round": 0, "first_round": 1}, ITEMS, "last_round"),
    ],
)
def test_question_rules_per_kind(survey, manager, kind, data, items, field):
    with pytest.raises(ValidationError) as error:
        _question(manager, survey, kind=kind, items=items, **data)
    assert field in error.value.message_dict


def test_fields_a_kind_does_not_use_are_cleared(survey, manager):
    probability = _question(manager, survey, kind=QuestionKind.PROBABILITY, key="p", max_choices=3)
    assert (probability.scale_min, probability.scale_max, probability.max_choices) == (0, 100, None)
    rank = _question(manager, survey, kind=QuestionKind.RANK, key="r", dimension1_en="x")
    assert (rank.scale_min, rank.scale_max, rank.dimension1_en) == (None, None, "")
    two = _question(
        manager,
        survey,
        kind=QuestionKind.RATING2,
        key="two",
        dimension1_en="importance",
        dimension2_ru="реализуемость",
    )
    assert (two.dimension1_en, two.dimension2_ru) == ("importance", "реализуемость")


def _open_first_round(survey, manager):
    PanelistFactory(survey=survey, user=_expert("panel-1"))
    round_ = surveys.round_create(actor=manager, survey=survey)
    surveys.round_open(actor=manager, round=round_)
    return round_


def test_a_question_asked_in_an_opened_round_is_fixed(survey, manager):
    question = _question(manager, survey)
    _open_first_round(survey, manager)
    with pytest.raises(ValidationError) as error:
        surveys.question_update(actor=manager, question=question, data={"title_en": "Changed"})
    assert "title_en" in error.value.message_dict
    with pytest.raises(ValidationError):
        surveys.item_create(actor=manager, question=question, data={"key": "c", "title_en": "C"})
    with pytest.raises(ValidationError):
        surveys.item_update(actor=manager, item=question.items.first(), data={"title_en": "Changed"})
    with pytest.raises(ValidationError):
        surveys.question_delete(actor=manager, question=question)
    # what can change: the last round, not before the opened round 1
    surveys.question_update(
        actor=manager, question=question, data={"last_round": 1, "title_en": question.title_en}
    )
    question.refresh_from_db()
    assert question.last_round == 1
    with pytest.raises(ValidationError):
        surveys.question_update(actor=manager, question=question, data={"last_round": 0})


def test_new_questions_start_in_a_round_not_yet_opened(survey, manager):
    _question(manager, survey)
    _open_first_round(survey, manager)
    with pytest.raises(ValidationError) as error:
        _question(manager, survey, key="late", first_round=1)
    assert "first_round" in error.value.message_dict
    late = _question(manager, survey, key="late", first_round=2)
    assert not surveys.question_in_use(late)
    surveys.question_update(actor=manager, question=late, data={"title_en": "Still free"})


def test_items_keep_their_minimum(survey, manager):
    rank = _question(manager, survey, kind=QuestionKind.RANK, key="r")
    with pytest.raises(ValidationError):
        surveys.item_delete(actor=manager, item=rank.items.first())
    rating = _question(manager, survey, key="q", items=ITEMS[:1])
    with pytest.raises(ValidationError):
        surveys.item_delete(actor=manager, item=rating.items.get())
    surveys.item_create(actor=manager, question=rating, data={"key": "b", "title_en": "B"})
    surveys.item_delete(actor=manager, item=rating.items.get(key="a"))
    assert list(rating.items.values_list("key", flat=True)) == ["b"]


def test_reordering_questions_and_items(survey, manager):
    q1, q2, q3 = (_question(manager, survey, key=k) for k in ("q1", "q2", "q3"))
    surveys.question_move(actor=manager, question=q3, offset=-1)
    assert list(survey.questions.order_by("position").values_list("key", flat=True)) == ["q1", "q3", "q2"]
    surveys.question_move(actor=manager, question=q1, offset=-1)  # already first: stays
    assert list(survey.questions.order_by("position").values_list("key", flat=True)) == ["q1", "q3", "q2"]
    surveys.item_move(actor=manager, item=q1.items.get(key="a"), offset=1)
    assert list(q1.items.order_by("position").values_list("key", flat=True)) == ["b", "a"]
    _open_first_round(survey, manager)
    with pytest.raises(ValidationError):
        surveys.question_move(actor=manager, question=q2, offset=-1)  # round 1 is open


def test_item_keys_made_from_titles():
    assert surveys.free_item_key("Telemedicine platforms", set()) == "telemedicine-platforms"
    assert surveys.free_item_key("Телемедицина", {"telemeditsina"}) == "telemeditsina-2"
    assert surveys.free_item_key("!!!", set()) == "item"


# --- the panel -----------------------------------------------------------------------------------------


def test_invitations_get_pseudonyms_and_emails_in_the_experts_language(survey, manager):
    english = _expert("ann", first_name="Ann")
    russian = _expert("boris", preferred_language="ru")
    first = surveys.panelist_invite(
        actor=manager, survey=survey, user=english, group="science", site_url="https://cw.test"
    )
    second = surveys.panelist_invite(actor=manager, survey=survey, user=russian)
    assert (first.code, first.group, second.code) == ("E01", "science", "E02")
    assert first.invited_at is not None and second.invited_at is not None
    to_ann, to_boris = mail.outbox
    assert to_ann.to == ["ann@example.org"] and to_ann.reply_to == ["boss@example.org"]
    # in the reader's language: the survey's English title for Ann, its Russian title for Boris
    assert "Energy 2035" in to_ann.subject and "Dear Ann" in to_ann.body
    assert "Энергетика 2035" in to_boris.subject and "Энергетика 2035" in to_boris.body
    assert "https://cw.test/foresight/surveys/energy-2035/" in to_ann.body
    assert "&#x27;" not in to_ann.body  # text, not HTML-escaped


def test_codes_continue_after_the_highest(survey, manager):
    PanelistFactory(survey=survey, code="E07")
    PanelistFactory(survey=survey, code="guest")
    assert surveys.panelist_invite(actor=manager, survey=survey, user=_expert("x")).code == "E08"


def test_an_expert_sits_once_on_a_panel_and_a_declined_one_can_come_back(survey, manager):
    expert = _expert("ann")
    seat = surveys.panelist_invite(actor=manager, survey=survey, user=expert)
    with pytest.raises(ValidationError) as error:
        surveys.panelist_invite(actor=manager, survey=survey, user=expert)
    assert "already on the panel as E01" in str(error.value)
    seat.declined_at = timezone.now()
    seat.save()
    again = surveys.panelist_invite(actor=manager, survey=survey, user=expert, group="clinic")
    assert (
        again.pk == seat.pk and again.code == "E01" and again.declined_at is None and again.group == "clinic"
    )


def test_an_invitation_without_an_address_is_not_recorded_as_sent(survey, manager):
    panelist = surveys.panelist_invite(
        actor=manager, survey=survey, user=UserFactory(username="nomail", email="")
    )
    assert panelist.pk and panelist.invited_at is None and not mail.outbox
    assert not surveys.panelist_invitation_resend(actor=manager, panelist=panelist)


def test_only_experts_who_have_not_answered_can_be_removed():
    world = build_world()
    manager = world.manager
    with pytest.raises(ValidationError, match="E01 has answered"):
        surveys.panelist_remove(actor=manager, panelist=world.panel["E01"])
    with pytest.raises(ValidationError):  # E05 saved a draft: answers, though not submitted
        surveys.panelist_remove(actor=manager, panelist=world.panel["E05"])
    Submission.objects.create(round=world.round2, panelist=world.panel["E06"], reminded_at=timezone.now())
    surveys.panelist_remove(actor=manager, panelist=world.panel["E06"])  # only a reminder on record
    assert not Panelist.objects.filter(code="E06").exists()
    with pytest.raises(NotAllowed):
        surveys.panelist_remove(actor=world.other_manager, panelist=world.panel["E05"])


# --- rounds ------------------------------------------------------------------------------------------


def test_rounds_are_planned_one_at_a_time_with_a_future_deadline(survey, manager):
    with pytest.raises(ValidationError):
        surveys.round_create(
            actor=manager, survey=survey, deadline=timezone.now() - timezone.timedelta(hours=1)
        )
    first = surveys.round_create(actor=manager, survey=survey)
    assert (first.number, first.status) == (1, RoundStatus.PLANNED)
    with pytest.raises(ValidationError, match="Round 1 is already planned"):
        surveys.round_create(actor=manager, survey=survey)


def test_a_round_opens_only_when_ready(survey, manager):
    round_ = surveys.round_create(actor=manager, survey=survey)
    problems = surveys.round_problems(round_)
    assert problems == ["No question is asked in round 1.", "The panel is empty: invite experts first."]
    with pytest.raises(ValidationError):
        surveys.round_open(actor=manager, round=round_)
    QuestionFactory(survey=survey, key="lonely", kind=QuestionKind.RANK, scale_min=None, scale_max=None)
    assert "Question lonely needs at least 2 items; it has 0." in surveys.round_problems(round_)


def test_opening_a_round_starts_the_survey_and_tells_the_active_panel(survey, manager):
    _question(manager, survey)
    ann = surveys.panelist_invite(actor=manager, survey=survey, user=_expert("ann"))
    declined = surveys.panelist_invite(actor=manager, survey=survey, user=_expert("bob"))
    declined.declined_at = timezone.now()
    declined.save()
    mail.outbox.clear()
    round_ = surveys.round_create(actor=manager, survey=survey)
    notified = surveys.round_open(actor=manager, round=round_, site_url="https://cw.test")
    round_.refresh_from_db()
    survey.refresh_from_db()
    assert round_.status == RoundStatus.OPEN and round_.opened_at and survey.status == SurveyStatus.RUNNING
    assert notified == surveys.Notified(sent=(ann.code,), failed=())
    (message,) = mail.outbox
    assert message.to == ["ann@example.org"] and "Round 1" in message.subject
    assert "https://cw.test/foresight/surveys/energy-2035/rounds/1/answer/" in message.body


def test_rounds_run_in_order(survey, manager):
    _question(manager, survey)
    round1 = _open_first_round(survey, manager)
    round2 = surveys.round_create(actor=manager, survey=survey)
    assert "Close round 1 before opening the next one." in surveys.round_problems(round2)
    surveys.round_close(actor=manager, round=round1)
    round1.refresh_from_db()
    assert round1.status == RoundStatus.CLOSED and round1.closed_at
    surveys.round_open(actor=manager, round=round2)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.RUNNING  # closing a round leaves the survey running
    with pytest.raises(ValidationError):
        surveys.round_close(actor=manager, round=round1)  # already closed


def test_reminders_reach_who_has_not_submitted_and_are_recorded():
    world = build_world()
    mail.outbox.clear()
    notified = surveys.reminders_send(actor=world.manager, round=world.round2, site_url="https://cw.test")
    # E01-E04 submitted round 2; E05 has a draft, E06 nothing
    assert notified.sent == ("E05", "E06")
    assert sorted(m.to[0] for m in mail.outbox) == ["expert-e05@example.org", "expert-e06@example.org"]
    assert "Reminder" in mail.outbox[0].subject
    reminded = Submission.objects.filter(round=world.round2, reminded_at__isnull=False)
    assert sorted(s.panelist.code for s in reminded) == ["E05", "E06"]
    # the empty submission that records E06's reminder has no answers and is not submitted
    e06 = reminded.get(panelist__code="E06")
    assert e06.submitted_at is None and not e06.answers.exists()
    with pytest.raises(ValidationError):
        surveys.reminders_send(actor=world.manager, round=world.round1)  # closed round


def test_closing_the_survey_closes_its_open_round_and_freezes_it():
    world = build_world(answers=False)
    surveys.survey_close(actor=world.manager, survey=world.survey)
    world.round2.refresh_from_db()
    assert world.round2.status == RoundStatus.CLOSED and world.survey.status == SurveyStatus.CLOSED
    with pytest.raises(ValidationError):
        surveys.round_create(actor=world.manager, survey=world.survey)
    with pytest.raises(ValidationError):
        surveys.panelist_invite(actor=world.manager, survey=world.survey, user=_expert("late"))


def test_a_survey_is_deleted_only_before_its_first_round_opens(survey, manager):
    started = SurveyFactory(cluster=survey.cluster)
    RoundFactory(survey=started, number=1, status=RoundStatus.OPEN)
    with pytest.raises(ValidationError):
        surveys.survey_delete(actor=manager, survey=started)
    surveys.survey_delete(actor=manager, survey=survey)
    assert not type(survey).objects.filter(pk=survey.pk).exists()
