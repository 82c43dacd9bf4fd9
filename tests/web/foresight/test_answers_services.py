"""The expert's services: answers of every kind, drafts and submissions, self-assessment and declining.

Expected values are the inputs themselves or written out by hand next to each assertion.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clusterworks.web.core.models import AuditEvent
from clusterworks.web.core.permissions import NotAllowed
from clusterworks.web.core.roles import Role
from clusterworks.web.foresight.answers import (
    NEVER,
    panel_groups,
    panelist_decline,
    panelist_profile_update,
    question_scale,
    submission_save,
)
from clusterworks.web.foresight.models import Answer, Panelist, RoundStatus, Submission, SurveyStatus
from tests.factories import PanelistFactory, RoundFactory, SurveyFactory, user_with_role
from tests.web.foresight.world_answers import build_world, full_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _stored(submission: Submission) -> dict[tuple[str, str], tuple]:
    return {
        (a.item.question.key, a.item.key): (a.value, a.value2, a.text, a.comment)
        for a in submission.answers.select_related("item__question")
    }


def _errors(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# --- every kind, valid -----------------------------------------------------------------------------------


def test_a_complete_submission_stores_every_kind_as_documented(world):
    expert = world.experts[0]
    before = timezone.now()
    submission = submission_save(round=world.round, user=expert, data=full_answers(), submit=True)
    assert submission.panelist == world.panelists[0]
    assert submission.submitted_at is not None and submission.submitted_at >= before
    assert submission.saved_at == submission.submitted_at
    stored = _stored(submission)
    # the inputs of full_answers(), as the module's table says they are stored
    assert stored == {
        ("importance", "telemedicine"): (7.0, None, "", "Proven in pilots"),
        ("importance", "implants"): (4.0, None, "", ""),
        ("potential", "telemedicine"): (3.0, 5.0, "", ""),
        ("priority", "a"): (1.5, None, "", ""),
        ("priority", "b"): (1.5, None, "", ""),
        ("priority", "c"): (3.0, None, "", ""),
        ("priority", "d"): (4.0, None, "", ""),
        ("when", "robots"): (None, None, NEVER, ""),
        ("chance", "substitution"): (12.5, None, "", ""),
        ("barriers", "regulation"): (1.0, None, "", ""),
        ("barriers", "financing"): (1.0, None, "", ""),
        ("barriers", "competences"): (0.0, None, "", ""),
        ("ideas", "ideas"): (None, None, "A shared biobank", ""),
    }


def test_a_year_is_stored_as_the_value(world):
    data = full_answers(when={"robots": {"value": 2031}})
    submission = submission_save(round=world.round, user=world.experts[0], data=data, submit=True)
    assert _stored(submission)[("when", "robots")] == (2031.0, None, "", "")


@pytest.mark.parametrize(
    "ranks",
    [
        (1, 2, 3, 4),
        (4, 3, 2, 1),
        (2.5, 2.5, 1, 4),  # two tied for second and third place: (2 + 3) / 2
        (2, 2, 2, 4),  # three tied for the first three places: (1 + 2 + 3) / 3
        (2.5, 2.5, 2.5, 2.5),  # all four tied: (1 + 2 + 3 + 4) / 4
    ],
)
def test_valid_rankings_with_ties_as_mid_ranks(world, ranks):
    data = full_answers(priority={key: {"value": rank} for key, rank in zip("abcd", ranks, strict=True)})
    submission = submission_save(round=world.round, user=world.experts[0], data=data, submit=True)
    assert [
        a.value for a in submission.answers.filter(item__question__key="priority").order_by("item__key")
    ] == [float(rank) for rank in ranks]


def test_a_non_integer_scale_takes_decimals(world):
    question = world.questions["importance"]
    question.scale_min, question.scale_max = 0.5, 1.5  # an end that is not whole: any number between
    question.save()
    assert question_scale(question).points() is None  # no radio buttons: a number input
    importance = {"telemedicine": {"value": 0.25 + 0.5}, "implants": {"value": 1.5}}
    submission = submission_save(
        round=world.round, user=world.experts[0], data=full_answers(importance=importance), submit=True
    )
    assert _stored(submission)[("importance", "telemedicine")][0] == 0.75


# --- every kind, invalid: the message names the question, the item, the value and what is allowed ----------


@pytest.mark.parametrize(
    ("override", "key", "expected"),
    [
        (
            {"importance": {"telemedicine": {"value": 10}, "implants": {"value": 4}}},
            "importance/telemedicine",
            "Question “Importance for the cluster”, item “Telemedicine”: 10 is outside the scale; "
            "allowed: a whole number from 1 to 9",
        ),
        (
            {"importance": {"telemedicine": {"value": 7.5}, "implants": {"value": 4}}},
            "importance/telemedicine",
            "Question “Importance for the cluster”, item “Telemedicine”: 7.5 is not a whole number; "
            "allowed: a whole number from 1 to 9",
        ),
        (
            {"importance": {"telemedicine": {"value": "seven"}, "implants": {"value": 4}}},
            "importance/telemedicine",
            "Question “Importance for the cluster”, item “Telemedicine”: “seven” is not a number; "
            "allowed: a whole number from 1 to 9",
        ),
        (
            {"potential": {"telemedicine": {"value": 3, "value2": 6}}},
            "potential/telemedicine",
            "Question “Feasibility and market”, item “Telemedicine”: Market potential: 6 is outside the "
            "scale; allowed: a whole number from 1 to 5",
        ),
        (
            {"priority": {"a": {"value": 1}, "b": {"value": 2}, "c": {"value": 3}, "d": {"value": 5}}},
            "priority/d",
            "Question “Order of priority”, item “Drug delivery”: 5 is outside the scale; allowed: a number "
            "from 1 to 4",
        ),
        (
            {"when": {"robots": {"value": 2100}}},
            "when/robots",
            "Question “Time of realisation”, item “Surgical robots in routine use”: 2100 is outside the "
            "scale; allowed: a whole number from 2026 to 2060",
        ),
        (
            {"when": {"robots": {"value": 2030, "never": True}}},
            "when/robots",
            "Question “Time of realisation”, item “Surgical robots in routine use”: both the year 2030 and "
            "“never” are given; allowed: a year or “never”",
        ),
        (
            {"chance": {"substitution": {"value": 101}}},
            "chance/substitution",
            "Question “Probability”, item “Import substitution of implants”: 101 is outside the scale; "
            "allowed: a number from 0 to 100",
        ),
        (
            {"chance": {"substitution": {"value": -0.5}}},
            "chance/substitution",
            "Question “Probability”, item “Import substitution of implants”: -0.5 is outside the scale; "
            "allowed: a number from 0 to 100",
        ),
        (
            {
                "barriers": {
                    "regulation": {"chosen": True},
                    "financing": {"chosen": True},
                    "competences": {"chosen": True},
                }
            },
            "barriers",
            "Question “Main barriers”: 3 options are chosen (“Regulation”, “Financing”, “Competences”); "
            "allowed: at most 2 options",
        ),
        (
            {"ideas": {"ideas": {"text": "x" * 5001}}},
            "ideas/ideas",
            "Question “Ideas”, item “What else should the cluster do?”: the answer has 5001 characters; "
            "allowed: at most 5000",
        ),
        (
            {"ideas": {"ideas": {"text": "A biobank", "comment": "why"}}},
            "ideas/ideas",
            "Question “Ideas”, item “What else should the cluster do?”: this question takes no comments; "
            "allowed: no comment",
        ),
    ],
)
@pytest.mark.parametrize("submit", [True, False])
def test_invalid_values_are_refused_in_drafts_and_submissions(world, override, key, expected, submit):
    with pytest.raises(ValidationError) as excinfo:
        submission_save(
            round=world.round, user=world.experts[0], data=full_answers(**override), submit=submit
        )
    assert _errors(excinfo) == {key: [expected]}  # that problem only: no "not answered" besides
    assert not Submission.objects.exists() and not Answer.objects.exists()


@pytest.mark.parametrize(
    ("ranks", "fixed"),
    [
        # two items share place 2: they take places 2 and 3, so each is (2 + 3) / 2 = 2.5
        ((1, 2, 2, 4), "“Biosensors” 1, “Neural interfaces” 2.5, “Imaging AI” 2.5, “Drug delivery” 4"),
        # a place given twice and one left out: in this order the places are 1, 2, 3, 4
        ((1, 1, 3, 4), "“Biosensors” 1.5, “Neural interfaces” 1.5, “Imaging AI” 3, “Drug delivery” 4"),
        # the sum is right (10) but 1.2 and 2.8 are no mid-ranks
        ((1.2, 2, 2.8, 4), "“Biosensors” 1, “Neural interfaces” 2, “Imaging AI” 3, “Drug delivery” 4"),
    ],
)
def test_an_invalid_ranking_is_explained_with_the_ranking_it_should_be(world, ranks, fixed):
    data = full_answers(priority={key: {"value": rank} for key, rank in zip("abcd", ranks, strict=True)})
    with pytest.raises(ValidationError) as excinfo:
        submission_save(round=world.round, user=world.experts[0], data=data, submit=True)
    (message,) = _errors(excinfo)["priority"]
    assert message.startswith("Question “Order of priority”: the ranks “Biosensors” ")
    assert "are not a ranking of 4 items; allowed: the places 1 to 4, each once" in message
    assert message.endswith(f"In the order you gave, that is {fixed}.")


def test_a_draft_may_hold_an_unfinished_or_inconsistent_ranking(world):
    data = {"priority": {"a": {"value": 1}, "b": {"value": 1}}}
    submission = submission_save(round=world.round, user=world.experts[0], data=data, submit=False)
    assert submission.answers.count() == 2


def test_submitting_needs_every_item_of_every_question(world):
    data = full_answers(
        importance={"telemedicine": {"value": 7}},
        potential={"telemedicine": {"value": 3}},
        priority={"a": {"value": 1}, "b": {"value": 2}},
        when={},
        barriers={"regulation": {"chosen": False}},
        ideas={"ideas": {"text": "  "}},
    )
    data.pop("chance")
    with pytest.raises(ValidationError) as excinfo:
        submission_save(round=world.round, user=world.experts[0], data=data, submit=True)
    errors = _errors(excinfo)
    assert errors == {
        "importance/implants": [
            "Question “Importance for the cluster”, item “Bioresorbable implants”: not answered; allowed: "
            "a whole number from 1 to 9"
        ],
        "potential/telemedicine": [
            "Question “Feasibility and market”, item “Telemedicine”: not answered on both scales; allowed "
            "on each: a whole number from 1 to 5"
        ],
        "priority": [
            "Question “Order of priority”: ranks are missing for “Imaging AI”, “Drug delivery”; allowed: a "
            "place for every one of the 4 items"
        ],
        "when/robots": [
            "Question “Time of realisation”, item “Surgical robots in routine use”: not answered; allowed: "
            "a year from 2026 to 2060, or “never”"
        ],
        "chance/substitution": [
            "Question “Probability”, item “Import substitution of implants”: not answered; allowed: a "
            "number from 0 to 100"
        ],
        "barriers": ["Question “Main barriers”: no option is chosen; allowed: at least one option"],
        "ideas/ideas": [
            "Question “Ideas”, item “What else should the cluster do?”: not answered; allowed: a text of "
            "at most 5000 characters"
        ],
    }
    assert not Submission.objects.exists()


def test_unknown_questions_and_items_and_questions_of_other_rounds_are_refused(world):
    later = world.questions["chance"]
    later.first_round = 2
    later.save()
    data = full_answers(ideas={"ideas": {"text": "x"}, "nonsense": {"text": "y"}})
    data["nothing"] = {}
    with pytest.raises(ValidationError) as excinfo:
        submission_save(round=world.round, user=world.experts[0], data=data, submit=True)
    errors = _errors(excinfo)
    assert errors["__all__"] == [
        "Question “chance” is not asked in round 1; allowed: importance, potential, priority, when, "
        "barriers, ideas",
        "There is no question “nothing” in this survey; allowed: importance, potential, priority, when, "
        "barriers, ideas",
    ]
    assert errors["ideas"] == ["Question “Ideas”: there is no item “nonsense”; allowed: ideas"]


# --- drafts, submissions and changes -------------------------------------------------------------------


def test_a_draft_keeps_partial_answers_without_submitting(world):
    data = {"importance": {"telemedicine": {"value": 6, "comment": "draft thought"}}, "when": {"robots": {}}}
    submission = submission_save(round=world.round, user=world.experts[0], data=data, submit=False)
    assert submission.submitted_at is None
    assert _stored(submission) == {("importance", "telemedicine"): (6.0, None, "", "draft thought")}
    first_saved = submission.saved_at
    # the next draft replaces the whole state: the comment removed, another item answered
    data = {"importance": {"telemedicine": {"value": 6}, "implants": {"value": 2}}}
    submission = submission_save(round=world.round, user=world.experts[0], data=data, submit=False)
    assert _stored(submission) == {
        ("importance", "telemedicine"): (6.0, None, "", ""),
        ("importance", "implants"): (2.0, None, "", ""),
    }
    assert submission.saved_at >= first_saved and submission.submitted_at is None
    assert Submission.objects.count() == 1


def test_an_invalid_submission_stores_nothing_and_keeps_the_draft(world):
    expert = world.experts[0]
    draft = {"importance": {"telemedicine": {"value": 6}}}
    submission = submission_save(round=world.round, user=expert, data=draft, submit=False)
    saved_at = submission.saved_at
    broken = full_answers(chance={"substitution": {"value": 250}})  # everything valid but one value
    with pytest.raises(ValidationError):
        submission_save(round=world.round, user=expert, data=broken, submit=True)
    submission.refresh_from_db()
    assert submission.submitted_at is None and submission.saved_at == saved_at
    assert _stored(submission) == {("importance", "telemedicine"): (6.0, None, "", "")}


def test_submitted_answers_change_only_by_submitting_again(world):
    expert = world.experts[0]
    first = submission_save(round=world.round, user=expert, data=full_answers(), submit=True)
    first_time = first.submitted_at
    with pytest.raises(ValidationError) as excinfo:
        submission_save(round=world.round, user=expert, data=full_answers(), submit=False)
    assert _errors(excinfo)["__all__"] == [
        "Your answers are submitted; a draft cannot replace them. Submit your changed answers instead."
    ]
    changed = full_answers(importance={"telemedicine": {"value": 8}, "implants": {"value": 4}})
    again = submission_save(round=world.round, user=expert, data=changed, submit=True)
    assert again.pk == first.pk and again.submitted_at >= first_time
    assert _stored(again)[("importance", "telemedicine")] == (8.0, None, "", "")
    # an invalid change leaves the submitted answers as they were
    with pytest.raises(ValidationError):
        submission_save(
            round=world.round,
            user=expert,
            data=full_answers(importance={"telemedicine": {"value": 0}, "implants": {"value": 4}}),
            submit=True,
        )
    assert _stored(Submission.objects.get())[("importance", "telemedicine")] == (8.0, None, "", "")


# --- who may answer ------------------------------------------------------------------------------------


def test_no_answers_after_the_deadline(world):
    world.round.deadline = timezone.now() - dt.timedelta(minutes=1)
    world.round.save()
    with pytest.raises(NotAllowed) as excinfo:
        submission_save(round=world.round, user=world.experts[0], data=full_answers(), submit=False)
    assert excinfo.value.reason == "the deadline of this round has passed"
    assert not Submission.objects.exists()


@pytest.mark.parametrize("status", [RoundStatus.PLANNED, RoundStatus.CLOSED])
def test_no_answers_to_a_round_that_is_not_open(world, status):
    world.round.status = status
    world.round.save()
    with pytest.raises(NotAllowed) as excinfo:
        submission_save(round=world.round, user=world.experts[0], data=full_answers(), submit=True)
    assert excinfo.value.reason == "this round is not open"


def test_the_round_is_read_afresh_so_a_stale_copy_does_not_let_answers_in(world):
    stale = world.round
    type(stale).objects.filter(pk=stale.pk).update(status=RoundStatus.CLOSED)  # closed meanwhile
    with pytest.raises(NotAllowed):
        submission_save(round=stale, user=world.experts[0], data=full_answers(), submit=True)


def test_no_answers_when_the_survey_is_closed(world):
    world.survey.status = SurveyStatus.CLOSED
    world.survey.save()
    with pytest.raises(NotAllowed):
        submission_save(round=world.round, user=world.experts[0], data=full_answers(), submit=True)


@pytest.mark.parametrize("who", ["declined", "not_on_panel", "other_survey", "manager", "admin"])
def test_only_active_panelists_answer(world, who):
    if who == "declined":
        user = world.experts[1]
        Panelist.objects.filter(user=user).update(declined_at=timezone.now())
    elif who == "not_on_panel":
        user = user_with_role(Role.EXPERT)
    elif who == "other_survey":
        other = SurveyFactory()
        RoundFactory(survey=other)
        user = PanelistFactory(survey=other, user=user_with_role(Role.EXPERT)).user
    elif who == "manager":
        user = world.manager
    else:
        user = user_with_role(Role.ADMIN)
    with pytest.raises(NotAllowed) as excinfo:
        submission_save(round=world.round, user=user, data=full_answers(), submit=True)
    assert excinfo.value.reason == "only the experts on the panel answer"
    assert not Submission.objects.exists()


# --- self-assessment and declining ----------------------------------------------------------------------


def test_the_self_assessment_is_saved_and_audited(world):
    seat = world.panelists[0]
    PanelistFactory(survey=world.survey, group="industry")
    PanelistFactory(survey=world.survey, group="clinic")
    assert panel_groups(survey=world.survey) == ["clinic", "industry", "science"]  # distinct, sorted
    panelist_profile_update(
        user=world.experts[0], survey=world.survey, expertise=5, interest=2, group="industry"
    )
    seat.refresh_from_db()
    assert (seat.expertise, seat.interest, seat.group) == (5, 2, "industry")
    event = AuditEvent.objects.filter(model="foresight.Panelist", object_id=str(seat.pk)).latest("pk")
    assert event.action == "update" and event.changes["expertise"] == [4, 5]  # the factory gave 4
    # no group keeps the managers' choice
    panelist_profile_update(user=world.experts[0], survey=world.survey, expertise=3, interest=3, group=None)
    seat.refresh_from_db()
    assert (seat.expertise, seat.interest, seat.group) == (3, 3, "industry")


@pytest.mark.parametrize(
    ("expertise", "interest", "group", "field", "message"),
    [
        (0, 3, None, "expertise", "Expertise: 0 is not allowed; allowed: a whole number from 1 to 5"),
        (3, 6, None, "interest", "Interest: 6 is not allowed; allowed: a whole number from 1 to 5"),
        (
            3,
            3,
            "government",
            "group",
            "Group: “government” is not one of this survey's groups; allowed: science",
        ),
    ],
)
def test_an_invalid_self_assessment_is_refused(world, expertise, interest, group, field, message):
    with pytest.raises(ValidationError) as excinfo:
        panelist_profile_update(
            user=world.experts[0], survey=world.survey, expertise=expertise, interest=interest, group=group
        )
    assert _errors(excinfo) == {field: [message]}
    world.panelists[0].refresh_from_db()
    assert (world.panelists[0].expertise, world.panelists[0].interest) == (4, 4)


def test_only_the_panelist_assesses_themself(world):
    with pytest.raises(NotAllowed):  # the manager sees the survey but has no seat
        panelist_profile_update(user=world.manager, survey=world.survey, expertise=3, interest=3)
    with pytest.raises(NotAllowed):
        panelist_profile_update(
            user=user_with_role(Role.EXPERT), survey=world.survey, expertise=3, interest=3
        )


def test_a_panelist_who_declines_loses_access(world):
    expert = world.experts[0]
    submission_save(
        round=world.round, user=expert, data={"importance": {"implants": {"value": 3}}}, submit=False
    )
    seat = panelist_decline(user=expert, survey=world.survey)
    assert seat.declined_at is not None
    with pytest.raises(NotAllowed):  # the same user object: the seat cached for the request is dropped
        submission_save(round=world.round, user=expert, data=full_answers(), submit=True)
    with pytest.raises(NotAllowed):
        panelist_decline(user=expert, survey=world.survey)
    assert Answer.objects.count() == 1  # the answers given stay
