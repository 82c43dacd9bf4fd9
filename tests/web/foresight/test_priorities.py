"""Priority exercises: services, the score table (manual, Delphi and capability sources) and the ranking.

Expected values are computed by hand from the rows each test builds (said next to each assertion).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clusterworks.web.core.audit import acting_as
from clusterworks.web.core.models import AuditEvent
from clusterworks.web.core.permissions import NotAllowed
from clusterworks.web.core.roles import Role
from clusterworks.web.foresight import priorities
from clusterworks.web.foresight.models import (
    Answer,
    CriterionSource,
    QuestionKind,
    RoundStatus,
    Score,
    Submission,
)
from tests.factories import (
    ClusterFactory,
    CompetenceFactory,
    ItemFactory,
    MembershipFactory,
    OrganisationFactory,
    PanelistFactory,
    PriorityExerciseFactory,
    QuestionFactory,
    RoundFactory,
    SurveyFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def build_priorities():
    """An exercise of a cluster with three candidates scored by hand on impact (weight 3, higher is
    better) and cost (weight 1, lower is better):

    =========  ======  ====
    candidate  impact  cost
    =========  ======  ====
    implants   8       40
    telemed    6       10
    biobank    4       20
    =========  ======  ====
    """
    cluster = ClusterFactory(key="medtech")
    manager = user_with_role(Role.CLUSTER_MANAGER, cluster=cluster, username="manager")
    exercise = priorities.exercise_create(
        actor=manager,
        cluster=cluster,
        data={"key": "medtech-2030", "title_en": "Priorities 2030", "top": 1},
    )
    impact = priorities.criterion_create(
        actor=manager, exercise=exercise, data={"key": "impact", "title_en": "Impact", "weight": 3}
    )
    cost = priorities.criterion_create(
        actor=manager,
        exercise=exercise,
        data={"key": "cost", "title_en": "Cost", "weight": 1, "direction": "cost"},
    )
    values = {"implants": (8, 40), "telemed": (6, 10), "biobank": (4, 20)}
    for key, (impact_value, cost_value) in values.items():
        candidate = priorities.candidate_create(
            actor=manager, exercise=exercise, data={"key": key, "title_en": key.capitalize()}
        )
        priorities.score_set(actor=manager, candidate=candidate, criterion=impact, value=impact_value)
        priorities.score_set(actor=manager, candidate=candidate, criterion=cost, value=cost_value)
    return {"cluster": cluster, "manager": manager, "exercise": exercise, "impact": impact, "cost": cost}


@pytest.fixture
def world():
    return build_priorities()


# --- services --------------------------------------------------------------------------------------


def test_exercise_create_needs_a_manager_of_the_cluster(world):
    other = user_with_role(Role.CLUSTER_MANAGER, cluster=ClusterFactory())
    with pytest.raises(NotAllowed):
        priorities.exercise_create(actor=other, cluster=world["cluster"], data={"key": "x", "title_en": "X"})
    with pytest.raises(NotAllowed):
        priorities.criterion_create(
            actor=other, exercise=world["exercise"], data={"key": "y", "title_en": "Y", "weight": 1}
        )


def test_changes_are_audited_under_the_actor(world):
    event = AuditEvent.objects.filter(model="foresight.PriorityExercise", action="create").get()
    assert event.changes["key"] == [None, "medtech-2030"]
    # build_priorities entered 3 candidates x 2 criteria = 6 scores
    assert AuditEvent.objects.filter(model="foresight.Score", action="create").count() == 6
    with acting_as(world["manager"], "web"):
        priorities.exercise_weights_set(
            actor=world["manager"], exercise=world["exercise"], weights={"cost": 2}
        )
    event = AuditEvent.objects.filter(model="foresight.Criterion").latest("id")
    assert (event.action, event.actor, event.changes) == ("update", world["manager"], {"weight": [1.0, 2.0]})


def test_criterion_validation(world):
    manager, exercise = world["manager"], world["exercise"]
    with pytest.raises(ValidationError) as error:
        priorities.criterion_create(actor=manager, exercise=exercise, data={"key": "t", "weight": 1})
    assert "title_en" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        priorities.criterion_create(
            actor=manager, exercise=exercise, data={"key": "t", "title_en": "T", "weight": -1}
        )
    assert "weight" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        priorities.criterion_create(
            actor=manager,
            exercise=exercise,
            data={"key": "t", "title_en": "T", "weight": 1, "low": 5, "high": 1},
        )
    assert "high" in error.value.message_dict
    # a Delphi criterion needs the exercise's survey and one of its questions
    with pytest.raises(ValidationError) as error:
        priorities.criterion_create(
            actor=manager,
            exercise=exercise,
            data={"key": "d", "title_en": "D", "weight": 1, "source": "delphi"},
        )
    assert "question" in error.value.message_dict
    foreign = QuestionFactory()  # of another survey
    with pytest.raises(ValidationError) as error:
        priorities.criterion_create(
            actor=manager,
            exercise=exercise,
            data={"key": "d", "title_en": "D", "weight": 1, "source": "delphi", "question": foreign},
        )
    assert error.value.message_dict["question"] == [
        "The question must belong to the exercise's Delphi survey."
    ]


def test_manual_scores_must_lie_on_the_scale_and_only_on_manual_criteria(world):
    manager, exercise = world["manager"], world["exercise"]
    rated = priorities.criterion_create(
        actor=manager,
        exercise=exercise,
        data={"key": "rated", "title_en": "Rated", "weight": 1, "low": 1, "high": 5},
    )
    candidate = exercise.candidates.get(key="biobank")
    with pytest.raises(ValidationError):
        priorities.score_set(actor=manager, candidate=candidate, criterion=rated, value=6)
    capability = priorities.criterion_create(
        actor=manager,
        exercise=exercise,
        data={"key": "cap", "title_en": "Capability", "weight": 1, "source": "capability"},
    )
    assert (capability.low, capability.high) == (0.0, 1.0)
    with pytest.raises(ValidationError):
        priorities.score_set(actor=manager, candidate=candidate, criterion=capability, value=0.5)
    # the grid reports every problem at once and saves nothing
    with pytest.raises(ValidationError) as error:
        priorities.scores_set(
            actor=manager,
            exercise=exercise,
            values={("biobank", "rated"): 9, ("telemed", "rated"): 0, ("implants", "rated"): 3},
        )
    assert len(error.value.messages) == 2
    assert not Score.objects.filter(criterion=rated).exists()
    # None clears a score
    priorities.score_set(actor=manager, candidate=candidate, criterion=world["impact"], value=None)
    assert not Score.objects.filter(candidate=candidate, criterion=world["impact"]).exists()


def test_weights_set_refuses_negative_and_all_zero(world):
    manager, exercise = world["manager"], world["exercise"]
    with pytest.raises(ValidationError):
        priorities.exercise_weights_set(actor=manager, exercise=exercise, weights={"impact": -1})
    with pytest.raises(ValidationError):
        priorities.exercise_weights_set(actor=manager, exercise=exercise, weights={"impact": 0, "cost": 0})
    priorities.exercise_weights_set(actor=manager, exercise=exercise, weights={"impact": 1, "cost": 3})
    assert {c.key: c.weight for c in exercise.criteria.all()} == {"impact": 1.0, "cost": 3.0}


def test_the_survey_must_be_of_the_same_cluster(world):
    with pytest.raises(ValidationError) as error:
        priorities.exercise_update(
            actor=world["manager"], exercise=world["exercise"], data={"survey": SurveyFactory()}
        )
    assert "survey" in error.value.message_dict


# --- the ranking -----------------------------------------------------------------------------------


def test_ranking_matches_a_hand_computation(world):
    analysis = priorities.exercise_analysis(exercise=world["exercise"])
    # Normalised over the candidates: impact 4..8 -> biobank 0, telemed 0.5, implants 1; cost 10..40
    # (lower is better) -> telemed 1, biobank 2/3, implants 0. Weights 3:1 = 0.75, 0.25:
    # implants 0.75; telemed 0.375 + 0.25 = 0.625; biobank 0.25 * 2/3 = 0.1667.
    got = [(r.rank, r.candidate.key, round(r.score, 4), r.is_priority) for r in analysis.rows]
    assert got == [(1, "implants", 0.75, True), (2, "telemed", 0.625, False), (3, "biobank", 0.1667, False)]
    telemed = analysis.rows[1]
    assert [(c.key, round(v, 4)) for c, v in telemed.contributions] == [("impact", 0.375), ("cost", 0.25)]
    assert not analysis.what_if and all(r.change == 0 for r in analysis.rows)


def test_what_if_reranks_without_saving(world):
    analysis = priorities.exercise_analysis(exercise=world["exercise"], weights={"impact": 1, "cost": 3})
    # Weights 1:3 = 0.25, 0.75: implants 0.25 * 1 = 0.25; telemed 0.25 * 0.5 + 0.75 = 0.875;
    # biobank 0.75 * 2/3 = 0.5. Saved ranks (previous test): implants 1, telemed 2, biobank 3.
    got = [(r.rank, r.candidate.key, round(r.score, 4), r.saved_rank, r.change) for r in analysis.rows]
    assert got == [(1, "telemed", 0.875, 2, 1), (2, "biobank", 0.5, 3, 1), (3, "implants", 0.25, 1, -2)]
    assert analysis.what_if
    assert analysis.shares == {"impact": 0.25, "cost": 0.75}
    assert {c.key: c.weight for c in world["exercise"].criteria.all()} == {"impact": 3.0, "cost": 1.0}


def test_stability_paths_and_acceptability(world):
    analysis = priorities.exercise_analysis(exercise=world["exercise"])
    impact = analysis.stability.criteria[0]
    # Impact weight t, cost 1 - t: implants t, telemed 0.5 t + (1 - t), biobank (2/3)(1 - t).
    # implants passes telemed at t = 1 - 0.5 t  ->  t = 2/3; telemed stays above biobank for every t
    # (1 - 0.5 t > 2/3 - 2/3 t). So the order holds for t in (2/3, 1]: (0.6667, 1).
    assert round(impact.order.lower, 4) == 0.6667 and impact.order.upper == 1.0
    assert impact.order.lower_pair == ("implants", "telemed")
    # The top 1 (implants) changes at the same weight.
    assert round(impact.top.lower, 4) == 0.6667
    assert [p.criterion for p in analysis.paths] == ["impact", "cost"]
    path = analysis.paths[0]
    # at t = 0 only cost counts: telemed 1, biobank 2/3, implants 0 -> ranks 1, 2, 3
    ranks_at_zero = {c: r[0] for c, r in zip(path.candidates, path.ranks, strict=True)}
    assert ranks_at_zero == {"implants": 3, "telemed": 1, "biobank": 2}
    accept = analysis.acceptability
    for row in accept.acceptability:
        assert abs(sum(row) - 1) < 1e-9
    again = priorities.exercise_analysis(exercise=world["exercise"]).acceptability
    assert again.acceptability == accept.acceptability  # seeded: the page is stable


def test_candidates_with_missing_scores_are_left_out_and_explained(world):
    manager, exercise = world["manager"], world["exercise"]
    priorities.candidate_create(
        actor=manager, exercise=exercise, data={"key": "robots", "title_en": "Robots"}
    )
    analysis = priorities.exercise_analysis(exercise=exercise)
    assert [r.candidate.key for r in analysis.rows] == ["implants", "telemed", "biobank"]
    ((candidate, missing),) = analysis.table.incomplete()
    assert candidate.key == "robots"
    assert [(m.criterion, m.reason) for m in missing] == [
        ("impact", "no score entered"),
        ("cost", "no score entered"),
    ]


# --- the capability source -------------------------------------------------------------------------


def test_capability_counts_current_members_only():
    cluster = ClusterFactory()
    manager = user_with_role(Role.CLUSTER_MANAGER, cluster=cluster)
    genomics, imaging, vaccines = (CompetenceFactory(code=c) for c in ("genomics", "imaging", "vaccines"))
    current = OrganisationFactory()
    current.competences.set([genomics])
    gone = OrganisationFactory()
    gone.competences.set([imaging])
    elsewhere = OrganisationFactory()  # holds vaccines, but in another cluster
    elsewhere.competences.set([vaccines])
    MembershipFactory(cluster=cluster, organisation=current)
    MembershipFactory(
        cluster=cluster, organisation=gone, joined=dt.date(2020, 1, 1), left=dt.date(2024, 1, 1)
    )
    MembershipFactory(organisation=elsewhere)
    exercise = PriorityExerciseFactory(cluster=cluster)
    priorities.criterion_create(
        actor=manager, exercise=exercise, data={"key": "cap", "title_en": "Capability", "weight": 1,
                                                "source": CriterionSource.CAPABILITY},
    )  # fmt: skip
    both = priorities.candidate_create(
        actor=manager,
        exercise=exercise,
        data={"key": "both", "title_en": "Both"},
        competences=[genomics, imaging],
    )
    priorities.candidate_create(
        actor=manager, exercise=exercise, data={"key": "vax", "title_en": "Vaccines"}, competences=[vaccines]
    )
    priorities.candidate_create(actor=manager, exercise=exercise, data={"key": "none", "title_en": "None"})
    table = priorities.exercise_scores(exercise=exercise)
    # both: genomics held by a current member, imaging only by one that left -> 1 of 2 = 0.5;
    # vax: vaccines held only outside the cluster -> 0 of 1 = 0.
    assert table.values["both"] == {"cap": 0.5}
    assert table.values["vax"] == {"cap": 0.0}
    assert table.missing_for("none", "cap").reason == "the candidate lists no needed competences"
    # the organisation comes back: the share rises to 2 of 2
    MembershipFactory(cluster=cluster, organisation=OrganisationFactory()).organisation.competences.set(
        [imaging]
    )
    assert priorities.exercise_scores(exercise=exercise).values["both"] == {"cap": 1.0}
    assert both.competences.count() == 2


# --- the Delphi source -----------------------------------------------------------------------------


def _answer(round_, panelist, item, value, value2=None, *, submitted=True):
    submission, _created = Submission.objects.get_or_create(
        round=round_,
        panelist=panelist,
        defaults={"submitted_at": timezone.now() if submitted else None},
    )
    Answer.objects.create(submission=submission, item=item, value=value, value2=value2)


@pytest.fixture
def delphi():
    cluster = ClusterFactory()
    manager = user_with_role(Role.CLUSTER_MANAGER, cluster=cluster)
    survey = SurveyFactory(cluster=cluster)
    question = QuestionFactory(
        survey=survey, key="importance", kind=QuestionKind.RATING2, scale_min=1, scale_max=9
    )
    items = {key: ItemFactory(question=question, key=key) for key in ("implants", "telemed")}
    rounds = [
        RoundFactory(survey=survey, number=1, status=RoundStatus.CLOSED),
        RoundFactory(survey=survey, number=2, status=RoundStatus.CLOSED),
        RoundFactory(survey=survey, number=3, status=RoundStatus.OPEN),
    ]
    panel = [PanelistFactory(survey=survey) for _ in range(4)]
    exercise = PriorityExerciseFactory(cluster=cluster, survey=survey)
    for key in ("implants", "telemed", "robots"):
        priorities.candidate_create(actor=manager, exercise=exercise, data={"key": key, "title_en": key})
    return {"manager": manager, "question": question, "items": items, "rounds": rounds, "panel": panel,
            "exercise": exercise, "survey": survey}  # fmt: skip


def _delphi_criteria(delphi):
    for dimension in (1, 2):
        priorities.criterion_create(
            actor=delphi["manager"],
            exercise=delphi["exercise"],
            data={"key": f"dim{dimension}", "title_en": f"Scale {dimension}", "weight": 1,
                  "source": "delphi", "question": delphi["question"], "dimension": dimension},
        )  # fmt: skip


def test_delphi_scores_are_medians_of_the_last_closed_round(delphi):
    _delphi_criteria(delphi)
    first, second, third = delphi["rounds"]
    p1, p2, p3, p4 = delphi["panel"]
    implants, telemed = delphi["items"]["implants"], delphi["items"]["telemed"]
    for panelist in (p1, p2, p3):
        _answer(first, panelist, implants, 1, 1)  # an earlier round: ignored
    _answer(second, p1, implants, 5, 2)
    _answer(second, p2, implants, 7, 6)
    _answer(second, p3, implants, 8, 9)
    _answer(second, p4, implants, 1, 1, submitted=False)  # a draft: ignored
    _answer(second, p1, telemed, 3, 4)
    _answer(second, p2, telemed, 4, 8)
    _answer(third, p1, telemed, 9, 9)  # the open round: ignored
    table = priorities.exercise_scores(exercise=delphi["exercise"])
    # round 2, submitted only: implants 5, 7, 8 -> median 7 (second scale 2, 6, 9 -> 6);
    # telemed 3, 4 -> median 3.5 (second scale 4, 8 -> 6)
    assert table.values["implants"] == {"dim1": 7.0, "dim2": 6.0}
    assert table.values["telemed"] == {"dim1": 3.5, "dim2": 6.0}
    assert table.scales["dim1"] == (1, 9)  # the question's scale
    assert table.missing_for("robots", "dim1").reason == "no item with key robots in question importance"
    assert table.sources["dim1"] == "medians of round 2 of question importance"


def test_delphi_scores_say_why_they_are_missing(delphi):
    _delphi_criteria(delphi)
    first, second, _third = delphi["rounds"]
    for round_ in (first, second):
        round_.status = RoundStatus.PLANNED
        round_.save()
    table = priorities.exercise_scores(exercise=delphi["exercise"])
    assert table.missing_for("implants", "dim1").reason == "no closed round of question importance yet"
    first.status = RoundStatus.CLOSED
    first.save()
    table = priorities.exercise_scores(exercise=delphi["exercise"])
    assert table.missing_for("implants", "dim1").reason == "no submitted answers to item implants in round 1"


def test_a_question_asked_only_in_round_one_uses_round_one(delphi):
    _delphi_criteria(delphi)
    question = delphi["question"]
    question.last_round = 1
    question.save()
    first, second, _third = delphi["rounds"]
    _answer(first, delphi["panel"][0], delphi["items"]["implants"], 4, 4)
    _answer(second, delphi["panel"][0], delphi["items"]["implants"], 9, 9)
    table = priorities.exercise_scores(exercise=delphi["exercise"])
    # round 2 did not ask the question, so round 1 is its last closed round: median of [4] = 4
    assert table.values["implants"] == {"dim1": 4.0, "dim2": 4.0}


def test_only_a_two_scale_rating_has_a_second_scale(delphi):
    question = QuestionFactory(survey=delphi["survey"], kind=QuestionKind.RATING)
    with pytest.raises(ValidationError) as error:
        priorities.criterion_create(
            actor=delphi["manager"],
            exercise=delphi["exercise"],
            data={"key": "x", "title_en": "X", "weight": 1, "source": "delphi", "question": question,
                  "dimension": 2},
        )  # fmt: skip
    assert "dimension" in error.value.message_dict
    text = QuestionFactory(survey=delphi["survey"], kind=QuestionKind.TEXT)
    with pytest.raises(ValidationError):
        priorities.criterion_create(
            actor=delphi["manager"],
            exercise=delphi["exercise"],
            data={"key": "y", "title_en": "Y", "weight": 1, "source": "delphi", "question": text},
        )


def test_leaving_the_survey_detaches_the_delphi_questions(delphi):
    _delphi_criteria(delphi)
    exercise = delphi["exercise"]
    priorities.exercise_update(actor=delphi["manager"], exercise=exercise, data={"survey": None})
    assert list(exercise.criteria.values_list("question", flat=True)) == [None, None]
    table = priorities.exercise_scores(exercise=exercise)
    assert table.missing_for("implants", "dim1").reason == "the criterion has no Delphi question"
