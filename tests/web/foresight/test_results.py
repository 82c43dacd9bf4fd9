"""The selectors of a survey's answers and results (foresight/results.py) and the results page.

The survey is built in ``world_surveys.py``; every expected number below is worked out by hand from
its answers (quartiles by linear interpolation: the p-quantile sits at position (n - 1) p of the sorted
answers, docs/methods/delphi.md), or, for the p-values of the tests, computed with scipy directly.
"""

from __future__ import annotations

import math
import re

import pytest
from django.urls import reverse
from scipy import stats as scipy_stats

from clusterworks.analytics.delphi import Response
from clusterworks.web.foresight import charts_surveys
from clusterworks.web.foresight.answers import NEVER
from clusterworks.web.foresight.models import QuestionKind, Round, RoundStatus
from clusterworks.web.foresight.results import (
    CONSENSUS,
    CONTINUE,
    DRAFT,
    NOT_STARTED,
    STABLE,
    SUBMITTED,
    rounds_awaiting,
    survey_progress,
    survey_responses,
    survey_results,
)
from tests.factories import ItemFactory, QuestionFactory
from tests.web.foresight.world_surveys import build_world, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _question(results, key):
    return next(q for q in results.questions if q.question.key == key)


def _item(question_result, key, dimension=None):
    return next(i for i in question_result.items if i.item.key == key and i.dimension == dimension)


# --- survey_responses ------------------------------------------------------------------------------


def test_responses_hold_submitted_numeric_answers_under_pseudonyms(world):
    rows = survey_responses(survey=world.survey)
    # round 1: E01-E04 x 3 ratings + 3 rankings x 3 items + 4 experts x 2 scales of impfeas = 12 + 9 + 8;
    # round 2: E01-E04 x 3 ratings = 12; E05's draft, the choice and the text answers are left out.
    assert len(rows) == 12 + 9 + 8 + 12
    assert Response(1, "E01", "importance", "tele", "rating", 2.0) in rows
    assert Response(1, "E02", "priority", "y", "rank", 3.0) in rows
    assert Response(1, "E03", "impfeas:1", "tele2", "rating", 7.0) in rows
    assert Response(1, "E03", "impfeas:2", "tele2", "rating", 5.0) in rows
    assert {r.expert for r in rows} == {"E01", "E02", "E03", "E04"}
    assert not {r.question for r in rows} & {"barriers", "why"}


def test_responses_of_chosen_rounds(world):
    assert {r.round for r in survey_responses(survey=world.survey, rounds=[2])} == {2}
    assert {r.round for r in survey_responses(survey=world.survey, rounds=[world.round1])} == {1}
    # round 2: 4 experts x 3 items of the only question asked in it
    assert len(survey_responses(survey=world.survey, rounds=[2])) == 12


# --- statistics -------------------------------------------------------------------------------------


def test_item_statistics_by_hand(world):
    result = survey_results(survey=world.survey)
    tele = _item(_question(result, "importance"), "tele")
    first, second = tele.rounds
    # round 1: 2 4 5 5 -> median (4+5)/2 = 4.5; q1 at 0.75: 2 + 0.75*2 = 3.5; q3 at 2.25: 5; IQR 1.5;
    # mean 4; sd sqrt((4+0+1+1)/3) = sqrt(2); agreement within 1 of 4.5: 4, 5, 5 -> 3/4
    s = first.statistics
    assert (s.n, s.median, s.q1, s.q3, s.iqr, s.mean) == (4, 4.5, 3.5, 5.0, 1.5, 4.0)
    assert s.sd == pytest.approx(math.sqrt(2)) and s.agreement == 0.75
    assert (first.minimum, first.maximum) == (2, 5)
    assert not first.consensus  # IQR 1.5 > 1
    assert first.stability is None and first.verdict == CONTINUE  # a first round cannot be stable
    # round 2: 4 4 5 5 -> median 4.5, q1 4, q3 5, IQR 1, all within 1 of 4.5: consensus (1 <= 1, 1 >= 0.75)
    s = second.statistics
    assert (s.median, s.q1, s.q3, s.iqr, s.agreement) == (4.5, 4.0, 5.0, 1.0, 1.0)
    assert second.consensus
    # stability: E01 moved 2 -> 4, the rest kept theirs. Wilcoxon (zsplit) of 2, 0, 0, 0 as scipy computes it;
    # CV sqrt(2)/4 = 0.3536 -> sqrt(1/3)/4.5 = 0.1283, a change of 0.637 > 0.15: still converging
    oracle = scipy_stats.wilcoxon([2, 0, 0, 0], zero_method="zsplit")
    assert second.stability.pairs == 4 and second.stability.changed == 1
    assert second.stability.p_value == pytest.approx(oracle.pvalue)
    expected_change = abs(math.sqrt(1 / 3) / 4.5 - math.sqrt(2) / 4) / (math.sqrt(2) / 4)
    assert second.stability.cv_change == pytest.approx(expected_change)
    assert second.stable is False and second.verdict == CONTINUE


def test_verdicts_follow_the_stopping_rule(world):
    result = survey_results(survey=world.survey)
    importance = _question(result, "importance")
    # implants 3 3 3 4 twice: IQR 0.25, all within 1 of 3 -> consensus; nobody changed -> stable -> done
    implants = _item(importance, "implants").latest
    assert implants.consensus and implants.stable and implants.verdict == CONSENSUS
    assert implants.stability.p_value == 1.0 and implants.stability.cv_change == 0.0
    # robots 1 1 5 5 twice: IQR 4, nobody within 1 of 3 -> no consensus; unchanged -> stable without it
    robots = _item(importance, "robots").latest
    assert robots.statistics.iqr == 4 and robots.statistics.agreement == 0
    assert not robots.consensus and robots.stable and robots.verdict == STABLE
    # the latest rounds: tele continue, implants consensus, robots stable; the round-1-only items
    # (ranks x y z, impfeas on two scales) continue: a single round is never stable
    assert result.verdicts == {CONSENSUS: 1, STABLE: 1, CONTINUE: 1 + 3 + 2}


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        # consensus alone: tele (4 4 5 5 in round 2: IQR 1, all within 1 of 4.5), implants and the three
        # ranked items (round 1: IQR <= 1, all within 1 of the median) are done; robots (IQR 4) and both
        # scales of impfeas (7 7 8 9 and 3 3 4 5: IQR 1.25 > 1) are asked again
        ("consensus", {CONSENSUS: 5, STABLE: 0, CONTINUE: 3}),
        # whichever comes first: the same five at consensus, and robots, stable without it
        ("either", {CONSENSUS: 5, STABLE: 1, CONTINUE: 2}),
    ],
)
def test_a_survey_may_stop_items_at_consensus(world, rule, expected):
    world.survey.stopping_rule = rule
    world.survey.save()
    assert survey_results(survey=world.survey).verdicts == expected


def test_a_question_may_judge_consensus_in_its_own_units(world):
    importance = world.questions["importance"]
    importance.agreement_band, importance.consensus_iqr = 2.0, 4.0
    importance.save()
    result = survey_results(survey=world.survey)
    # robots 1 1 5 5: every answer is within 2 of the median 3, and the IQR 4 is now allowed
    robots = _item(_question(result, "importance"), "robots").latest
    assert robots.statistics.agreement == 1.0 and robots.consensus and robots.verdict == CONSENSUS
    # the other questions keep the survey's band of 1: impfeas 7 7 8 9 has 3 of 4 within 1 of 7.5
    impfeas = _item(_question(result, "impfeas"), "tele2", dimension=1).latest
    assert impfeas.statistics.agreement == 0.75


def test_group_difference_between_panel_groups(world):
    result = survey_results(survey=world.survey)
    second = _item(_question(result, "importance"), "tele").rounds[1]
    # round 2: industry (E03, E04) 5 5, science (E01, E02) 4 4; groups in alphabetical order, so U is
    # industry's: each of its 2 answers is above each of science's 2 -> U = 4; p from scipy itself
    oracle = scipy_stats.mannwhitneyu([5, 5], [4, 4], alternative="two-sided")
    assert second.groups.test == "mann-whitney" and second.groups.groups == ("industry", "science")
    assert second.groups.statistic == 4 and second.groups.p_value == pytest.approx(oracle.pvalue)


def test_kendall_w_of_the_rank_question(world):
    priority = _question(survey_results(survey=world.survey), "priority")
    # rankings (1 2 3), (1 3 2), (2 1 3): rank sums x 4, y 6, z 8, mean 6; S = 4 + 0 + 4 = 8;
    # W = 12 S / (m^2 (n^3 - n)) = 96 / (9 * 24) = 4/9; chi2 = m (n - 1) W = 3 * 2 * 4/9 = 8/3
    ((number, w),) = priority.concordance
    assert number == 1 and (w.experts, w.items, w.df) == (3, 3, 2)
    assert w.w == pytest.approx(4 / 9) and w.chi2 == pytest.approx(8 / 3)
    assert w.p_value == pytest.approx(scipy_stats.chi2.sf(8 / 3, 2))
    # mean rank of x: (1 + 1 + 2) / 3
    assert _item(priority, "x").latest.statistics.mean == pytest.approx(4 / 3)
    assert (priority.low, priority.high) == (1.0, 3.0)  # a chart of ranks spans 1..n


def test_two_scale_ratings_are_two_series(world):
    impfeas = _question(survey_results(survey=world.survey), "impfeas")
    # scale 1: 7 8 7 9 -> sorted 7 7 8 9, median 7.5; scale 2: 3 4 5 3 -> 3 3 4 5, median 3.5
    assert _item(impfeas, "tele2", 1).latest.statistics.median == 7.5
    assert _item(impfeas, "tele2", 2).latest.statistics.median == 3.5
    assert (impfeas.low, impfeas.high) == (1, 9)


def test_choices_texts_and_comments_without_authors(world):
    result = survey_results(survey=world.survey)
    (choice,) = _question(result, "barriers").choices
    # E01 chose cost and reg, E02 cost, E03 staff: 3 respondents
    assert choice.respondents == 3
    assert [(item.key, count) for item, count in choice.counts] == [("cost", 2), ("reg", 1), ("staff", 1)]
    (texts,) = _question(result, "why").texts
    ((item, answers),) = texts.items
    assert item.key == "reason" and answers == ("already common", "Too expensive")  # alphabetical
    (comments,) = _question(result, "importance").comments
    assert comments.round == 1 and comments.items[0][1] == ("Remote care is cheap",)


def test_a_broken_ranking_is_reported_not_fatal(world):
    # E04 ranks only x in round 1 (y and z missing): that question's statistics cannot be computed
    submission = world.round1.submissions.get(panelist=world.panel["E04"])
    submission.answers.create(item=world.items["x"], value=1)
    result = survey_results(survey=world.survey)
    priority = _question(result, "priority")
    assert priority.problems and priority.problems[0][0] == 1
    assert "ranks 1 of the 3 items" in priority.problems[0][1]
    assert all(not i.rounds for i in priority.items)
    # the other questions are unaffected
    assert _item(_question(result, "importance"), "tele").rounds[0].statistics.median == 4.5


# --- progress ---------------------------------------------------------------------------------------


def test_progress_per_round(world):
    first, second = survey_progress(survey=world.survey)
    # round 1: E01-E04 submitted, E05 and E06 nothing
    assert (first.panel, first.submitted, first.drafted, first.not_started) == (6, 4, 0, 2)
    # round 2: E01-E04 submitted, E05 a draft with answers, E06 nothing
    assert (second.submitted, second.drafted, second.not_started) == (4, 1, 1)
    states = {p.code: p.state for p in second.panelists}
    assert states["E05"] == DRAFT and states["E06"] == NOT_STARTED and states["E01"] == SUBMITTED


def test_planned_rounds_have_no_progress(world):
    Round.objects.create(survey=world.survey, number=3, status=RoundStatus.PLANNED)
    assert [p.round.number for p in survey_progress(survey=world.survey)] == [1, 2]


def test_rounds_awaiting_a_panelist(world):
    # E05 and E06 have not submitted the open round 2; E01 has
    assert rounds_awaiting(user=world.panel["E05"].user) == [world.round2]
    assert rounds_awaiting(user=world.panel["E06"].user) == [world.round2]
    assert rounds_awaiting(user=world.panel["E01"].user) == []
    assert rounds_awaiting(user=world.outsider_expert) == []


# --- charts -------------------------------------------------------------------------------------------


def test_boxplot_draws_one_box_per_round_on_the_scale(world):
    tele = _item(_question(survey_results(survey=world.survey), "importance"), "tele")
    svg = str(charts_surveys.item_boxplot(rounds=tele.rounds, low=1, high=5, title="tele"))
    boxes = re.findall(r'<g class="box" data-round="(\d)" data-median="([\d.]+)" data-iqr="([\d.]+)"', svg)
    assert boxes == [("1", "4.5", "1.5"), ("2", "4.5", "1")]
    # plot from x = 64 to 320 - 12 = 308 (244 wide) for 1..5: the round-1 box spans q1 3.5 -> q3 5,
    # 64 + 244 * 2.5/4 = 216.5 wide 244 * 1.5/4 = 91.5
    assert '<rect class="box-iqr" x="216.5" y="11" width="91.5"' in svg
    assert "<title>tele</title>" in svg and "round 1: median 4.5, quartiles 3.5 to 5" in svg


def test_progress_bar_segments_add_up():
    svg = str(charts_surveys.progress_bar(submitted=3, drafted=1, not_started=2, title="Round 1"))
    # 300 wide: 3/6 -> 150, 1/6 -> 50, 2/6 -> 100
    assert re.findall(
        r'class="progress-(submitted|draft|not-started)" x="([\d.]+)" y="4" width="([\d.]+)"', svg
    ) == [
        ("submitted", "0", "150"),
        ("draft", "150", "50"),
        ("not-started", "200", "100"),
    ]
    assert 'aria-label="Round 1: 3 submitted, 1 draft, 2 not started"' in svg


# --- the results page -------------------------------------------------------------------------------


def _results_url(world):
    return reverse("foresight-results", args=[world.survey.key])


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 200),
        ("analyst", 200),
        ("other_manager", 403),
        ("panelist", 403),
        ("outsider_expert", 403),
        ("anonymous", 403),
    ],
)
def test_results_page_permissions(client, world, who, status):
    if who == "panelist":
        client.force_login(world.panel["E01"].user)
    elif who != "anonymous":
        client.force_login(getattr(world, who))
    assert client.get(_results_url(world)).status_code == status


def test_results_page_shows_statistics_charts_and_verdicts(client, world):
    client.force_login(world.analyst)
    text = client.get(_results_url(world)).content.decode()
    assert text.count('class="chart chart-boxplot"') == 3 + 3 + 2  # importance, priority, impfeas x 2 scales
    assert "Kendall&#x27;s W" in text or "Kendall's W" in text
    assert '<td class="number">0.444</td>' in text  # W = 4/9 to three places
    assert ">done: consensus<" in text and ">done: stable, no consensus<" in text and ">ask again<" in text
    assert "Too expensive" in text and "Remote care is cheap" in text
    assert "U&nbsp;=&nbsp;4, p&nbsp;=&nbsp;0.19" in text  # Mann-Whitney of round 2 tele, p = 0.194


def test_analysts_see_pseudonyms_and_managers_see_names(client, world):
    client.force_login(world.analyst)
    text = client.get(_results_url(world)).content.decode()
    assert "<td>E05</td>" in text and "NameE05" not in text
    client.force_login(world.manager)
    text = client.get(_results_url(world)).content.decode()
    assert "<td>E05</td>" in text and "Expert NameE05" in text


def test_results_without_answers(client, world):
    client.force_login(world.manager)
    for submission in world.survey.rounds.get(number=2).submissions.all():
        submission.delete()
    for submission in world.round1.submissions.all():
        submission.delete()
    text = client.get(_results_url(world)).content.decode()
    assert "No answers have been submitted yet." in text


def test_a_submitted_draft_starts_to_count(world):
    submit(world.round2, world.panel["E06"], {"tele": 5, "implants": 3, "robots": 1})
    tele = _item(_question(survey_results(survey=world.survey), "importance"), "tele")
    # round 2 now 4 4 5 5 5: median 5
    assert tele.rounds[1].statistics.n == 5 and tele.rounds[1].statistics.median == 5


def test_the_results_page_in_russian(client, world, settings):
    client.force_login(world.manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    text = client.get(_results_url(world)).content.decode()
    assert '<html lang="ru">' in text and "Медицинские технологии 2030" in text
    assert '<td class="number">4,50</td>' in text  # the median of tele with a decimal comma
    assert 'data-median="4.5"' in text  # the chart's coordinates stay numbers


def test_never_is_counted_apart_from_the_years(world):
    when = QuestionFactory(
        survey=world.survey, key="when", kind=QuestionKind.TIME, scale_min=2025, scale_max=2050, last_round=1
    )
    gene = ItemFactory(question=when, key="gene")
    for code, value, text in (("E01", 2030, ""), ("E02", None, NEVER), ("E03", 2035, "")):
        submission = world.round1.submissions.get(panelist=world.panel[code])
        submission.answers.create(item=gene, value=value, text=text)
    result = _question(survey_results(survey=world.survey), "when")
    # the years 2030 and 2035: n 2, median 2032.5; E02's "never" is counted apart
    assert result.never == ((gene, 1, 1),)
    stats = _item(result, "gene").latest.statistics
    assert (stats.n, stats.median) == (2, 2032.5)
    assert [r.value for r in survey_responses(survey=world.survey) if r.question == "when"] == [2030, 2035]
