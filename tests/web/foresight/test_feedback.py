"""The group's answers to a closed round (``feedback.round_feedback``) and the expert's rounds.

Every expected number is computed by hand next to the assertion, with quartiles by linear interpolation
(docs/methods/delphi.md: Q(p) = x_k + f (x_(k+1) - x_k), k + f = (n - 1) p).
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from clusterworks.web.core.roles import Role
from clusterworks.web.foresight import charts_answers
from clusterworks.web.foresight.answers import DRAFT, NOT_STARTED, SUBMITTED, submission_save
from clusterworks.web.foresight.feedback import expert_rounds, round_feedback
from clusterworks.web.foresight.models import Panelist, RoundStatus, Submission, SurveyStatus
from tests.factories import PanelistFactory, RoundFactory, SurveyFactory, user_with_role
from tests.web.foresight.world_answers import build_world, full_answers

pytestmark = pytest.mark.django_db

RANKINGS = [  # docs/methods/delphi.md, round 2 of the worked example: W = 20/21
    {"a": 1.5, "b": 1.5, "c": 3, "d": 4},
    {"a": 1, "b": 2, "c": 3.5, "d": 3.5},
    {"a": 1, "b": 2, "c": 3, "d": 4},
    None,  # the fourth expert ranks only two items in a draft that is never submitted
]


@pytest.fixture
def answered():
    """Round 1 answered by four experts (three submit, the fourth leaves a draft), then closed."""
    world = build_world(experts=4)
    ratings = [7, 5, 9, 1]  # the fourth is a draft: not counted
    years = [{"value": 2030}, {"value": 2035}, {"never": True}]
    chances = [10, 20, 60]
    choices = [("regulation", "financing"), ("regulation",), ("competences",)]
    comments = ["zebra crossing matters", "Apple pie argument", ""]
    texts = ["Shared biobank", "an incubator", "Clinical trial network"]
    for index, expert in enumerate(world.experts):
        if index == 3:
            submission_save(
                round=world.round,
                user=expert,
                data={"importance": {"telemedicine": {"value": 1}}, "priority": {"a": {"value": 1}}},
                submit=False,
            )
            continue
        data = full_answers(
            importance={
                "telemedicine": {"value": ratings[index], "comment": comments[index]},
                "implants": {"value": 5},
            },
            potential={"telemedicine": {"value": index + 1, "value2": 5 - index}},
            priority={key: {"value": rank} for key, rank in RANKINGS[index].items()},
            when={"robots": years[index]},
            chance={"substitution": {"value": chances[index]}},
            barriers={
                key: {"chosen": key in choices[index]} for key in ("regulation", "financing", "competences")
            },
            ideas={"ideas": {"text": texts[index]}},
        )
        submission_save(round=world.round, user=expert, data=data, submit=True)
    world.round.status = RoundStatus.CLOSED
    world.round.closed_at = timezone.now()
    world.round.save()
    return world


def _questions(feedback):
    return {question.key: question for question in feedback.questions}


def test_ratings_counts_and_quartiles(answered):
    feedback = round_feedback(round=answered.round)
    assert feedback.respondents == 3  # the draft is not counted
    telemedicine = _questions(feedback)["importance"].items[0]
    assert telemedicine.key == "telemedicine"
    # answers 5, 7, 9: median 7; q1 at (3 - 1) * 0.25 = 0.5: 5 + 0.5 * 2 = 6; q3 at 1.5: 7 + 0.5 * 2 = 8
    assert (telemedicine.n, telemedicine.median, telemedicine.q1, telemedicine.q3) == (3, 7.0, 6.0, 8.0)
    assert (telemedicine.min, telemedicine.max) == (5.0, 9.0)
    # every point of the 1..9 scale, with the draft's 1 left out
    assert telemedicine.counts == tuple((float(v), 1 if v in (5, 7, 9) else 0) for v in range(1, 10))
    assert telemedicine.own is None  # no reader given
    # comments without authors, alphabetically (case-insensitive); the empty one left out
    assert telemedicine.comments == ("Apple pie argument", "zebra crossing matters")


def test_two_scales(answered):
    item = _questions(round_feedback(round=answered.round))["potential"].items[0]
    first, second = item.scales
    # feasibility 1, 2, 3: median 2, quartiles 1.5 and 2.5; market 5, 4, 3: median 4, quartiles 3.5 and 4.5
    assert (first.label, first.median, first.q1, first.q3) == ("Feasibility", 2.0, 1.5, 2.5)
    assert (second.label, second.median, second.q1, second.q3) == ("Market potential", 4.0, 3.5, 4.5)
    assert second.counts == ((1.0, 0), (2.0, 0), (3.0, 1), (4.0, 1), (5.0, 1))


def test_rank_question_mean_ranks_and_kendalls_w(answered):
    question = _questions(round_feedback(round=answered.round))["priority"]
    # rank sums R = (3.5, 5.5, 9.5, 11.5) over m = 3 experts: mean ranks R / 3
    assert [(item.key, round(mean, 9)) for item, mean in question.ranking] == [
        ("a", round(3.5 / 3, 9)),
        ("b", round(5.5 / 3, 9)),
        ("c", round(9.5 / 3, 9)),
        ("d", round(11.5 / 3, 9)),
    ]
    # docs/methods/delphi.md: S = 40, sum of T = 6 + 6, W = 480 / (540 - 36) = 20/21
    assert question.kendall.experts == 3 and question.kendall.items == 4
    assert question.kendall.w == pytest.approx(20 / 21)


def test_time_counts_never_apart(answered):
    item = _questions(round_feedback(round=answered.round))["when"].items[0]
    # years 2030, 2035 and one "never": n = 3; the statistics of the two years: median 2032.5
    assert (item.n, item.never, item.scales[0].n, item.median) == (3, 1, 2, 2032.5)
    assert item.counts == ((2030.0, 1), (2035.0, 1))
    # the axis: the years given with two years' margin, at least ten years wide, within 2026..2060
    assert (item.scales[0].lower, item.scales[0].upper) == (2028.0, 2038.0)


def test_probability_choice_and_text(answered):
    questions = _questions(round_feedback(round=answered.round))
    chance = questions["chance"].items[0]
    # 10, 20, 60: median 20, q1 15, q3 40; the distinct values counted
    assert (chance.median, chance.q1, chance.q3) == (20.0, 15.0, 40.0)
    assert chance.counts == ((10.0, 1), (20.0, 1), (60.0, 1))
    barriers = {item.key: (item.chosen, item.respondents) for item in questions["barriers"].items}
    # regulation chosen by experts 1 and 2, financing by 1, competences by 3
    assert barriers == {"regulation": (2, 3), "financing": (1, 3), "competences": (1, 3)}
    ideas = questions["ideas"].items[0]
    assert ideas.texts == ("an incubator", "Clinical trial network", "Shared biobank")  # alphabetical


def test_the_readers_own_answers(answered):
    bob = answered.experts[1]
    feedback = round_feedback(round=answered.round, user=bob)
    questions = _questions(feedback)
    assert questions["importance"].items[0].own == 5.0
    assert questions["potential"].items[0].scales[1].own == 4.0  # 5 - 1
    assert (
        questions["barriers"].items[0].own_chosen is True
        and questions["barriers"].items[2].own_chosen is False
    )
    assert questions["when"].items[0].own == 2035.0 and not questions["when"].items[0].own_never
    assert questions["ideas"].items[0].own_text == "an incubator"
    cy = round_feedback(round=answered.round, user=answered.experts[2])
    assert _questions(cy)["when"].items[0].own_never
    # the expert who never submitted has no own answer (their draft is not part of the group's)
    dee = round_feedback(round=answered.round, user=answered.experts[3])
    assert _questions(dee)["importance"].items[0].own is None
    # a manager has none either
    assert (
        _questions(round_feedback(round=answered.round, user=answered.manager))["importance"].items[0].own
        is None
    )


def test_the_panels_answers_are_withheld_when_fewer_than_three_submitted(answered, client):
    # with two answers, each of the two experts would read the other's answer off the distribution
    Submission.objects.exclude(panelist__in=answered.panelists[:2]).update(submitted_at=None)
    feedback = round_feedback(round=answered.round, user=answered.experts[0])
    assert feedback.withheld and feedback.respondents == 2 and feedback.questions == ()
    client.force_login(answered.experts[0])
    page = client.get(f"/foresight/surveys/{answered.survey.key}/rounds/1/feedback/").content.decode()
    assert "the panel's answers are not shown" in page and "zebra crossing" not in page
    assert "No question was asked" not in page


def test_the_range_bar_says_what_it_draws(answered):
    item = _questions(round_feedback(round=answered.round, user=answered.experts[1]))["importance"].items[0]
    svg = str(charts_answers.range_bar(item.scales[0], title="Answers of the panel", uid="x"))
    assert '<desc id="x-d">median 7, quartiles 6 to 8, range 5 to 9, 3 answers; your answer 5</desc>' in svg
    # the axis runs 1..9 over x = 14..306: the median 7 sits at 14 + (7 - 1) / 8 * 292 = 233
    assert '<line class="fa-median" x1="233" y1="6" x2="233" y2="28"/>' in svg
    # the box from q1 = 6 (14 + 5/8 * 292 = 196.5) to q3 = 8 (14 + 7/8 * 292 = 269.5)
    assert '<rect class="fa-iqr" x="196.5" y="10" width="73" height="14" rx="2"/>' in svg
    assert '<path class="fa-own" d="M160 24' in svg  # own answer 5: 14 + 4/8 * 292 = 160
    histogram = str(charts_answers.histogram(item.counts, title="How many", uid="h"))
    assert '<desc id="h-d">1: 0, 2: 0, 3: 0, 4: 0, 5: 1, 6: 0, 7: 1, 8: 0, 9: 1</desc>' in histogram
    assert histogram.count('class="fa-bin"') == 9


# --- the expert's rounds ---------------------------------------------------------------------------------


def test_expert_rounds_lists_seats_rounds_and_states(answered):
    survey = answered.survey
    RoundFactory(survey=survey, number=2, status=RoundStatus.OPEN)
    RoundFactory(survey=survey, number=3, status=RoundStatus.PLANNED)
    ann, dee = answered.experts[0], answered.experts[3]
    (entry,) = expert_rounds(user=ann)
    assert entry.survey == survey and entry.panelist == answered.panelists[0]
    assert [(r.round.number, r.state, bool(r.can_answer)) for r in entry.open_rounds] == [
        (2, NOT_STARTED, True)
    ]
    assert [(r.round.number, r.state, r.can_see_feedback) for r in entry.closed_rounds] == [
        (1, SUBMITTED, True)
    ]
    (entry,) = expert_rounds(user=dee)
    assert entry.closed_rounds[0].state == DRAFT  # a draft left in round 1
    # a reminder row without answers is "not started"
    Submission.objects.create(round=survey.rounds.get(number=2), panelist=answered.panelists[3])
    (entry,) = expert_rounds(user=dee)
    assert entry.open_rounds[0].state == NOT_STARTED


def test_expert_rounds_leaves_out_declined_seats_and_other_surveys(answered):
    other = SurveyFactory(status=SurveyStatus.RUNNING)
    RoundFactory(survey=other, number=1)
    PanelistFactory(survey=other, user=user_with_role(Role.EXPERT))
    ann = answered.experts[0]
    assert [entry.survey for entry in expert_rounds(user=ann)] == [answered.survey]
    Panelist.objects.filter(user=ann).update(declined_at=timezone.now())
    assert expert_rounds(user=ann) == []
    # an analyst sees every survey but sits on no panel
    assert expert_rounds(user=user_with_role(Role.ANALYST)) == []


def test_rank_counts_hold_every_place_and_the_mid_ranks_given(answered):
    items = {item.key: item for item in _questions(round_feedback(round=answered.round))["priority"].items}
    # item a was ranked 1.5, 1 and 1; item c 3, 3.5 and 3 (RANKINGS)
    assert items["a"].counts == ((1.0, 2), (1.5, 1), (2.0, 0), (3.0, 0), (4.0, 0))
    assert items["c"].counts == ((1.0, 0), (2.0, 0), (3.0, 2), (3.5, 1), (4.0, 0))
