"""An expert answers a Delphi survey on a phone: signs in, assesses themself, finds the open round, answers
a rating, a rank and a text question, saves a draft, comes back and submits; in a second survey, whose
round 1 is closed, the panel's answers of round 1 are shown next to the items of round 2. Screenshots
are saved in the data directory (CLUSTERWORKS_HOME) for a look."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.utils import timezone

from clusterworks.web.core.roles import Role
from clusterworks.web.foresight.answers import submission_save
from clusterworks.web.foresight.models import QuestionKind, RoundStatus, Submission
from tests.factories import (
    ClusterFactory,
    ItemFactory,
    PanelistFactory,
    QuestionFactory,
    RoundFactory,
    SurveyFactory,
    user_with_role,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = (375, 812)


def _questions(survey):
    rating = QuestionFactory(
        survey=survey,
        key="importance",
        kind=QuestionKind.RATING,
        title_en="Importance",
        scale_min=1,
        scale_max=9,
    )
    ItemFactory(question=rating, key="telemedicine", title_en="Telemedicine")
    rank = QuestionFactory(
        survey=survey, key="priority", kind=QuestionKind.RANK, title_en="Order of priority", position=2
    )
    for position, (key, title) in enumerate(
        [("a", "Biosensors"), ("b", "Neural interfaces"), ("c", "Imaging AI")]
    ):
        ItemFactory(question=rank, key=key, title_en=title, position=position)
    text = QuestionFactory(
        survey=survey, key="ideas", kind=QuestionKind.TEXT, title_en="Ideas", position=3, allow_comments=False
    )
    ItemFactory(question=text, key="ideas", title_en="What else should the cluster do?")
    return rating, rank, text


@pytest.fixture
def surveys():
    cluster = ClusterFactory(key="medtech", name_en="Moscow Medical Technologies Cluster")
    expert = user_with_role(Role.EXPERT, username="expert", first_name="Irina", last_name="Expertova")
    # the first survey: round 1 open, the expert has not assessed themself yet
    first = SurveyFactory(cluster=cluster, key="first", title_en="Priorities 2035")
    _questions(first)
    RoundFactory(
        survey=first, number=1, status=RoundStatus.OPEN, deadline=timezone.now() + dt.timedelta(days=10)
    )
    PanelistFactory(survey=first, user=expert, code="PX-ME", expertise=None, interest=None)
    # the second survey: round 1 answered by the expert and three colleagues, closed; round 2 open
    second = SurveyFactory(cluster=cluster, key="second", title_en="Technologies 2040")
    _questions(second)
    round1 = RoundFactory(survey=second, number=1, status=RoundStatus.OPEN)
    colleagues = [
        PanelistFactory(
            survey=second, user=user_with_role(Role.EXPERT, username=f"colleague-{n}"), code=f"PX-C{n}"
        ).user
        for n in range(3)
    ]
    PanelistFactory(survey=second, user=expert, code="PX-ME2")
    for user, rating, ranks, comment, idea in (
        (expert, 4, (1, 2, 3), "", "A biobank"),
        (colleagues[0], 7, (1, 3, 2), "Proven in three regions", "An incubator"),
        (colleagues[1], 8, (2, 1, 3), "", "Clinical trials"),
        (colleagues[2], 6, (1, 2, 3), "Reimbursement is missing", "Export"),
    ):
        submission_save(
            round=round1,
            user=user,
            data={
                "importance": {"telemedicine": {"value": rating, "comment": comment}},
                "priority": {key: {"value": rank} for key, rank in zip("abc", ranks, strict=True)},
                "ideas": {"ideas": {"text": idea}},
            },
            submit=True,
        )
    round1.status = RoundStatus.CLOSED
    round1.save()
    RoundFactory(survey=second, number=2, status=RoundStatus.OPEN)
    return expert


def _sign_in(page, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_username", "expert")
    page.fill("#id_password", "correct horse battery")
    page.click("main button[type=submit]")


def _fits(page) -> None:
    """Nothing is wider than the phone's screen: no sideways scrolling."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]


def test_expert_answers_saves_a_draft_comes_back_and_submits(surveys, new_page):
    expert = surveys
    page = new_page(*PHONE)
    _sign_in(page, "/foresight/my-rounds/")
    assert page.url.endswith("/foresight/my-rounds/")
    first = page.locator("#survey-first")
    assert "Round 1" in first.inner_text() and "Not started" in first.inner_text()
    _fits(page)
    page.screenshot(path=str(settings.HOME / "delphi-my-rounds-375.png"), full_page=True)

    first.get_by_role("link", name="Answer").click()
    # first entry: the self-assessment, then back to the round
    page.wait_for_url(re.compile(r"/self-assessment/"))
    page.locator("label.fa-point:has(input[name=expertise][value='4'])").click()
    page.locator("label.fa-point:has(input[name=interest][value='5'])").click()
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(re.compile(r"/foresight/surveys/first/rounds/1/answer/$"))

    # the stylesheet is served and applied: a chosen scale point is filled with the brand colour
    rating = page.locator("label.fa-point:has(input[value='7'])").first
    rating.click()
    assert (
        page.evaluate(
            "getComputedStyle(document.querySelector('.fa-point input:checked + span')).backgroundColor"
        )
        == "rgb(31, 78, 140)"
    )
    ranks = page.locator("[data-kind=rank] input[type=text]")
    ranks.nth(0).fill("2")
    ranks.nth(1).fill("1")
    page.locator("[data-kind=text] textarea").fill("A shared biobank")
    _fits(page)
    page.get_by_role("button", name="Save draft").click()
    assert "Your draft is saved." in page.locator(".messages").inner_text()
    submission = Submission.objects.get(panelist__user=expert, round__survey__key="first")
    assert submission.submitted_at is None and submission.answers.count() == 4  # 1 rating, 2 ranks, 1 text

    # come back later through my rounds
    page.goto("/foresight/my-rounds/")
    assert "Draft saved" in page.locator("#survey-first").inner_text()
    page.locator("#survey-first").get_by_role("link", name="Continue answering").click()
    assert page.locator(".fa-point input[value='7']").first.is_checked()
    assert page.locator("[data-kind=text] textarea").input_value() == "A shared biobank"
    # submitting with a rank missing is refused, and says what is missing
    page.get_by_role("button", name="Submit").click()
    assert "ranks are missing for “Imaging AI”" in page.locator(".fa-problems").inner_text()
    page.locator("[data-kind=rank] input[type=text]").nth(2).fill("3")
    page.get_by_role("button", name="Submit").click()
    assert "Your answers are submitted. Thank you!" in page.locator(".messages").inner_text()
    assert page.get_by_role("link", name="Change my answers").is_visible()
    submission.refresh_from_db()
    assert submission.submitted_at is not None
    values = {a.item.key: a.value for a in submission.answers.select_related("item") if a.value is not None}
    assert values == {"telemedicine": 7.0, "a": 2.0, "b": 1.0, "c": 3.0}
    _fits(page)
    page.screenshot(path=str(settings.HOME / "delphi-submitted-375.png"), full_page=True)


def test_the_panels_answers_of_round_one_are_shown_next_to_the_items(surveys, new_page):
    page = new_page(*PHONE)
    _sign_in(page, "/foresight/surveys/second/rounds/2/answer/")
    page.wait_for_url(re.compile(r"/foresight/surveys/second/rounds/2/answer/$"))
    assert "Your answers of round 1 are filled in" in page.locator(".fa-note").inner_text()
    item = page.locator(".fa-question[data-kind=rating] .fa-item").first
    panel = item.locator(".fa-panel")
    # round 1: 4, 6, 7, 8 -> median 6.5; q1 at 0.75: 4 + 0.75 * 2 = 5.5; q3 at 2.25: 7 + 0.25 = 7.25
    assert "Median 6.5, middle half 5.5–7.25, all answers 4–8 (4)" in panel.inner_text()
    assert "your answer 4" in panel.inner_text()
    assert panel.locator("svg.fa-range-bar .fa-own").count() == 1  # the expert's own answer is marked
    assert item.locator("input[type=radio][value='4']").is_checked()  # pre-filled from round 1
    panel.locator("summary").click()
    comments = panel.locator(".fa-comments").inner_text()
    assert "Proven in three regions" in comments and "Reimbursement is missing" in comments
    # nobody's name or pseudonym on the page
    text = page.content()
    for identity in ("colleague-0", "colleague-1", "colleague-2", "PX-C0", "PX-C1", "PX-C2", "PX-ME2"):
        assert identity not in text
    _fits(page)
    page.screenshot(path=str(settings.HOME / "delphi-round2-375.png"), full_page=True)

    page.get_by_role("link", name="All answers of the previous round").click()
    page.wait_for_url(re.compile(r"/rounds/1/feedback/$"))
    assert "Kendall's W" in page.locator(".fa-kendall").inner_text()
    _fits(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(settings.HOME / "delphi-feedback-1280.png"), full_page=True)
