"""The review pages and who may open them: "My reviews", the reviewer's page with the rubric form, the
reviews of an application, the officers' progress and scores pages (and CSV), and the feedback."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from clusterworks.web.programme.models import (
    Assignment,
    Attachment,
    BudgetItem,
    CommissionMember,
    FormQuestion,
    Review,
)
from clusterworks.web.programme.services import review as services
from clusterworks.web.programme.services.conflicts import detect_conflicts
from clusterworks.web.programme.services.review import ScoreInput
from tests.web.programme.world_review import TODAY, build_world


@pytest.fixture
def world(db):
    world = build_world()
    detect_conflicts(call=world.call, today=TODAY)
    a1, a2 = world.apps["A1"], world.apps["A2"]
    world.assignments = {
        ("A1", "ex_clean"): Assignment.objects.create(application=a1, reviewer=world.users["ex_clean"]),
        ("A1", "ex_old"): Assignment.objects.create(application=a1, reviewer=world.users["ex_old"]),
        ("A2", "ex_left"): Assignment.objects.create(application=a2, reviewer=world.users["ex_left"]),
    }
    return world


def _submit(world, key, relevance, capacity, **comments):
    services.review_save(
        actor=world.users[key[1]], assignment=world.assignments[key],
        scores={"relevance": ScoreInput(relevance), "capacity": ScoreInput(capacity)}, submit=True,
        **comments,
    )  # fmt: skip


def _as(client, world, who):
    client.logout()
    if who != "anonymous":
        client.force_login(world.users[who])
    return client


# --- My reviews and the reviewer's page ------------------------------------------------------------------


def test_my_reviews_lists_the_experts_own_assignments(client, world):
    html = _as(client, world, "ex_clean").get(reverse("programme-my-reviews")).content.decode()
    assert 'data-application="2026-A1" data-status="not_started"' in html
    assert "2026-A2" not in html  # ex_left's, not theirs
    assert "none set" in html  # the call has no review deadline, and the page says so
    assert reverse("programme-review", args=["2026-A1"]) in html
    assert _as(client, world, "anonymous").get(reverse("programme-my-reviews")).status_code == 302


def test_the_reviewer_reads_the_application_and_saves_a_draft_then_submits(client, world):
    a1 = world.apps["A1"]
    FormQuestion.objects.create(call=world.call, key="jobs", label_en="How many jobs?", kind="number")
    a1.answers = {"jobs": 40}
    a1.save()
    line = world.call.lines.get(key="support")
    BudgetItem.objects.create(application=a1, line=line, year=2026, federal=1000000, regional=250000, own=0)
    plan = Attachment.objects.create(
        application=a1, title="Business plan", file="programme/plan.pdf", size=2048, sha256="0" * 64
    )
    url = reverse("programme-review", args=[a1.number])
    page = _as(client, world, "ex_clean").get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "How many jobs?" in html and "40" in html and "A centre for cell therapy" in html
    assert "RUB\xa01,250,000.00" in html  # the line's total, federal + regional + own
    assert 'name="score_relevance"' in html and 'max="10"' in html
    # the attachment is downloaded through the applications' permission-checked view
    assert (
        f'href="{reverse("programme-attachment-download", args=[a1.number, plan.pk])}">Business plan' in html
    )
    draft = client.post(url, {"action": "draft", "score_relevance": "7", "score_capacity": ""})
    assert draft.status_code == 302 and Review.objects.get().submitted_at is None
    refused = client.post(url, {"action": "submit", "score_relevance": "12", "score_capacity": ""})
    text = refused.content.decode()
    assert refused.status_code == 200
    assert "Relevance: “12” is not a score on its scale; allowed: 0 to 10." in text
    assert "Capacity: a score is needed to submit the review; allowed: 0 to 10." in text
    done = client.post(url, {"action": "submit", "score_relevance": "7", "score_capacity": "6",
                             "comment_for_applicant": "Good."})  # fmt: skip
    assert done.status_code == 302 and Review.objects.get().submitted_at is not None
    again = client.get(url).content.decode()
    assert "Submit again" in again and 'value="draft"' not in again


def test_the_review_page_refuses_others_with_the_reason(client, world):
    url = reverse("programme-review", args=["2026-A1"])
    # a conflicted expert: 403 with the reason, and nothing of the application
    response = _as(client, world, "ex_co").get(url)
    html = response.content.decode()
    assert response.status_code == 403 and "conflict of interest with this application" in html
    assert "Cell therapy centre" not in html and 'href="/programme/applications/2026-A1/' not in html
    assert _as(client, world, "ex_left").get(url).status_code == 403  # an expert not assigned to A1
    assert _as(client, world, "manager_other").get(url).status_code == 403
    assert _as(client, world, "rep_applicant").get(url).status_code == 403  # only the reviewer writes it
    assert _as(client, world, "anonymous").get(url).status_code == 302
    # the programme's officer is sent to the reviews of the application
    officer = _as(client, world, "officer").get(url)
    assert officer.status_code == 302 and officer["Location"] == reverse(
        "programme-reviews", args=["2026-A1"]
    )


def test_after_review_the_page_is_read_only(client, world):
    _submit(world, ("A1", "ex_clean"), 7, 6)
    world.apps["A1"].state = "commission"
    world.apps["A1"].save()
    client = _as(client, world, "ex_clean")
    url = reverse("programme-review", args=["2026-A1"])
    html = client.get(url).content.decode()
    assert 'name="score_relevance"' not in html and "can no longer be changed" in html
    assert (
        client.post(url, {"action": "submit", "score_relevance": "1", "score_capacity": "1"}).status_code
        == 403
    )


def test_fellow_reviews_appear_anonymised_after_submitting_ones_own(client, world):
    _submit(world, ("A1", "ex_old"), 4, 2, comment_for_commission="Weak budget.")
    client = _as(client, world, "ex_clean")
    url = reverse("programme-review", args=["2026-A1"])
    before = client.get(url).content.decode()
    assert "Weak budget." not in before and "once you have submitted your own" in before
    _submit(world, ("A1", "ex_clean"), 8, 6)
    after = client.get(url).content.decode()
    assert "Weak budget." in after and 'data-review-label="Reviewer 2"' in after
    assert "ex_old" not in after  # never the fellow's name


# --- the reviews of an application --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer", 200), ("ex_old", 200), ("member_b", 200), ("member_a", 403), ("rep_applicant", 403),
     ("manager_other", 403), ("officer_elsewhere", 403), ("ex_left", 403)],
)  # fmt: skip
def test_the_reviews_page(client, world, who, status):
    world.users["member_b"] = CommissionMember.objects.create(
        call=world.call, user=_commission_member(world)
    ).user
    _submit(world, ("A1", "ex_clean"), 8, 6)
    _submit(world, ("A1", "ex_old"), 4, 2)
    world.apps["A1"].state = "commission"
    world.apps["A1"].save()
    response = _as(client, world, who).get(reverse("programme-reviews", args=["2026-A1"]))
    assert response.status_code == status
    html = response.content.decode()
    if who == "officer":
        assert "Clara Clean" in html and "ex_old" in html
    elif status == 200:
        assert "Clara Clean" not in html and 'data-review-label="Reviewer 1"' in html
    if who == "member_a":  # the commission member with a conflict
        assert "conflict of interest with this application" in html


def _commission_member(world):
    from clusterworks.web.core.roles import Role
    from tests.factories import user_with_role

    return user_with_role(Role.COMMISSION_MEMBER, username="member_b")


# --- progress and scores -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer", 200), ("officer_elsewhere", 403), ("ex_clean", 403), ("manager", 403), ("member_a", 403),
     ("analyst", 403)],
)  # fmt: skip
def test_progress_and_scores_are_for_the_calls_officers(client, world, who, status):
    _submit(world, ("A1", "ex_clean"), 8, 6)
    client = _as(client, world, who)
    for name in ("programme-review-progress", "programme-scores", "programme-scores-csv"):
        assert client.get(reverse(name, args=[world.call.key])).status_code == status, name


def test_the_progress_page_counts(client, world):
    _submit(world, ("A1", "ex_clean"), 8, 6)
    html = _as(client, world, "officer").get(reverse("programme-review-progress", args=[world.call.key]))
    text = html.content.decode()
    assert 'data-assigned="3"' in text and 'data-submitted="1"' in text and 'data-late="0"' in text
    assert "no deadline for reviews" in text


def test_the_scores_page_and_its_csv(client, world):
    _submit(world, ("A1", "ex_clean"), 8, 6)
    _submit(world, ("A1", "ex_old"), 4, 2)
    _submit(world, ("A2", "ex_left"), 6, 6)
    client = _as(client, world, "officer")
    html = client.get(reverse("programme-scores", args=[world.call.key])).content.decode()
    # A1: totals 73.33 and 33.33 (weights 2 and 1 on 0-10), raw 53.33; A2: 60 from one review
    assert 'data-raw="53.3333"' in html and 'data-raw="60.0000"' in html
    assert "The totals range from 33.3 (ex_old) to 73.3 (Clara Clean): 40.0 points apart." in html
    assert "Only 1 review is submitted" in html
    response = client.get(reverse("programme-scores-csv", args=[world.call.key]))
    assert response["Content-Disposition"] == f'attachment; filename="scores-{world.call.key}.csv"'
    rows = {r["application"]: r for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}
    assert rows["2026-A1"]["raw"] == "53.33" and rows["2026-A2"]["reviews"] == "1"


# --- feedback ------------------------------------------------------------------------------------------


def test_the_feedback_after_the_decision_for_the_applicants_only(client, world):
    _submit(world, ("A1", "ex_clean"), 8, 6, comment_for_applicant="Strong team.")
    _submit(world, ("A1", "ex_old"), 4, 2, comment_for_applicant="Budget too thin.")
    url = reverse("programme-feedback", args=["2026-A1"])
    assert _as(client, world, "rep_applicant").get(url).status_code == 403  # not decided yet
    world.apps["A1"].state = "rejected"
    world.apps["A1"].save()
    for who in ("rep_applicant", "manager"):
        response = _as(client, world, who).get(url)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Strong team." in html and "Budget too thin." in html and "Reviewer 2" in html
        assert "Clara" not in html and "ex_old" not in html and "ex_clean" not in html  # anonymous
        assert 'data-criterion="relevance"' in html and 'data-mean="6.0000"' in html  # (8 + 4) / 2
    for who in ("manager_other", "ex_clean", "officer_elsewhere"):
        assert _as(client, world, who).get(url).status_code == 403


def test_the_pages_render_in_russian(client, world):
    """Every review page in the Russian interface (the language cookie), amounts and numbers included."""
    from django.conf import settings

    _submit(world, ("A1", "ex_clean"), 8, 6)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    key = world.call.key
    _as(client, world, "officer")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    for name in ("programme-conflicts", "programme-assignment", "programme-assignment-change",
                 "programme-review-progress", "programme-scores"):  # fmt: skip
        response = client.get(reverse(name, args=[key]))
        assert response.status_code == 200 and '<html lang="ru">' in response.content.decode(), name
    _as(client, world, "ex_clean")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    for url in (reverse("programme-my-reviews"), reverse("programme-my-conflicts"),
                reverse("programme-review", args=["2026-A1"]),
                reverse("programme-declare-conflict", args=["2026-A1"])):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200 and '<html lang="ru">' in response.content.decode(), url


def test_the_officers_pages_run_the_same_queries_for_a_larger_call(client, world):
    """No query per application, reviewer or review: five more applications, each with two submitted
    reviews, change no page's count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ApplicationFactory

    _submit(world, ("A1", "ex_clean"), 8, 6)
    _as(client, world, "officer")
    names = ("programme-assignment", "programme-scores", "programme-review-progress", "programme-conflicts")

    def counts():
        found = {}
        for name in names:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name, args=[world.call.key])).status_code == 200
            found[name] = len(queries.captured_queries)
        return found

    before = counts()
    for i in range(5):
        application = ApplicationFactory(
            call=world.call, cluster=world.other_cluster, applicant=world.orgs["Other"],
            created_by=world.users["rep_applicant"], state="review",
        )  # fmt: skip
        for who in ("ex_left", "ex_old"):
            world.assignments[(str(i), who)] = Assignment.objects.create(
                application=application, reviewer=world.users[who]
            )
            _submit(world, (str(i), who), 5 + i % 3, 4)
    assert counts() == before
