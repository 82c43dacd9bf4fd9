"""Reviews: the rubric's validation (every criterion and its range named), drafts and submissions, who reads
which review by the call's rule, anonymity, progress, scores with their flags, and the feedback."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clusterworks.web.core.permissions import NotAllowed
from clusterworks.web.programme.models import Assignment, Review, Score
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
        ("A2", "ex_clean"): Assignment.objects.create(application=a2, reviewer=world.users["ex_clean"]),
    }
    return world


def _save(world, key, relevance, capacity, *, submit=True, **comments):
    application, who = key
    return services.review_save(
        actor=world.users[who],
        assignment=world.assignments[key],
        scores={"relevance": ScoreInput(relevance, "r"), "capacity": ScoreInput(capacity)},
        submit=submit,
        **comments,
    )


def test_a_draft_may_lack_scores_and_a_submission_needs_every_criterion_in_range(world):
    key = ("A1", "ex_clean")
    draft = _save(world, key, 7, None, submit=False)
    assert draft.submitted_at is None and [(s.criterion.key, s.value) for s in draft.scores.all()] == [
        ("relevance", 7)
    ]
    with pytest.raises(ValidationError) as error:
        _save(world, key, 11, None)
    assert error.value.message_dict == {
        "score_relevance": ["Relevance: “11” is not a score on its scale; allowed: 0 to 10."],
        "score_capacity": ["Capacity: a score is needed to submit the review; allowed: 0 to 10."],
    }
    with pytest.raises(ValidationError) as error:
        _save(world, key, "seven", "-1", submit=False)
    assert set(error.value.message_dict) == {"score_relevance", "score_capacity"}
    assert Review.objects.get().scores.get().value == 7  # nothing was saved by the refused ones
    submitted = _save(world, key, "7.5", 6, comment_for_applicant="Clear plan.")
    assert submitted.submitted_at is not None and submitted.comment_for_applicant == "Clear plan."
    assert {s.criterion.key: s.value for s in submitted.scores.all()} == {"relevance": 7.5, "capacity": 6}


def test_a_submitted_review_is_resubmitted_never_turned_back_into_a_draft(world):
    key = ("A1", "ex_clean")
    first = _save(world, key, 7, 6)
    again = _save(world, key, 8, 6)
    assert again.pk == first.pk and again.submitted_at >= first.submitted_at
    assert Score.objects.get(review=again, criterion__key="relevance").value == 8
    with pytest.raises(ValidationError) as error:
        _save(world, key, 8, 6, submit=False)
    assert "cannot go back to a draft" in error.value.messages[0]


def test_only_the_assigned_reviewer_writes_and_only_during_review(world):
    with pytest.raises(NotAllowed):
        services.review_save(actor=world.users["ex_old"], assignment=world.assignments[("A1", "ex_clean")],
                             scores={}, submit=False)  # fmt: skip
    world.apps["A1"].state = "commission"
    world.apps["A1"].save()
    with pytest.raises(NotAllowed) as error:
        _save(world, ("A1", "ex_clean"), 7, 6)
    assert "not in expert review" in str(error.value.reason)


@pytest.mark.parametrize(
    ("rule", "before_own", "after_own"), [("never", 0, 0), ("after_own", 0, 1), ("always", 1, 1)]
)
def test_fellow_reviewers_read_by_the_calls_rule_anonymised(world, rule, before_own, after_own):
    world.call.reviews_visible = rule
    world.call.save()
    _save(world, ("A1", "ex_old"), 4, 2, comment_for_commission="Weak budget.")
    clean = world.users["ex_clean"]
    application = world.apps["A1"]
    # (review.read looks for the reader's own review: under "always" a reviewer who has not saved a
    # draft yet reads nothing -- reported to the lead; here the reader has a draft)
    _save(world, ("A1", "ex_clean"), 8, None, submit=False)
    seen = services.readable_reviews(user=clean, application=application, include_own=False)
    assert len(seen) == before_own
    _save(world, ("A1", "ex_clean"), 8, 6)
    seen = services.readable_reviews(user=clean, application=application, include_own=False)
    assert len(seen) == after_own
    if seen:
        # numbered in the order of assignment: ex_clean was assigned first, ex_old second
        assert seen[0].label == "Reviewer 2" and not seen[0].named
    own = [r for r in services.readable_reviews(user=clean, application=application) if r.own]
    assert own[0].label == "Your review (Reviewer 1)"


def test_officers_read_every_review_with_names_and_applicants_none(world):
    _save(world, ("A1", "ex_old"), 4, 2)
    _save(world, ("A1", "ex_clean"), 8, 6, submit=False)
    application = world.apps["A1"]
    officer = services.readable_reviews(user=world.users["officer"], application=application)
    assert sorted(r.label for r in officer) == ["Clara Clean", "ex_old"] and all(r.named for r in officer)
    assert services.readable_reviews(user=world.users["rep_applicant"], application=application) == []
    assert services.readable_reviews(user=world.users["ex_co"], application=application) == []  # conflicted


def test_progress_counts_assigned_submitted_drafts_and_late(world):
    _save(world, ("A1", "ex_old"), 4, 2)
    _save(world, ("A2", "ex_clean"), 9, 9, submit=False)
    world.apps["A2"].state = "commission"  # left review: its two unsubmitted reviews are late
    world.apps["A2"].save()
    progress = services.review_progress(call=world.call)
    assert (progress.assigned, progress.submitted, progress.drafts, progress.late) == (4, 1, 1, 2)
    by_app = {row.application.number: (row.assigned, row.submitted, row.drafts, row.late)
              for row in progress.applications}  # fmt: skip
    assert by_app == {"2026-A1": (2, 1, 0, 0), "2026-A2": (2, 0, 1, 2)}
    by_reviewer = {row.user.username: (row.assigned, row.submitted, row.drafts, row.late)
                   for row in progress.reviewers}  # fmt: skip
    assert by_reviewer == {"ex_clean": (2, 0, 1, 1), "ex_old": (1, 1, 0, 0), "ex_left": (1, 0, 0, 1)}
    mine = {
        row.assignment.application.number: row.status
        for row in services.reviews_of(user=world.users["ex_clean"])
    }
    assert mine == {"2026-A1": "not_started", "2026-A2": "late"}


def _score_all(world):
    """Totals (weights 2 and 1, scales 0-10): T = 100 (2 r / 10 + c / 10) / 3.
    A1: ex_clean 8, 6 -> 73.33; ex_old 4, 2 -> 33.33. A2: ex_left 6, 6 -> 60; ex_clean 9, 9 -> 90."""
    _save(world, ("A1", "ex_clean"), 8, 6, comment_for_applicant="Strong team.")
    _save(world, ("A1", "ex_old"), 4, 2, comment_for_applicant="Budget too thin.")
    _save(world, ("A2", "ex_left"), 6, 6)
    _save(world, ("A2", "ex_clean"), 9, 9, comment_for_applicant="")


def test_the_scores_table_has_raw_z_robust_flags_in_words_and_leniency(world):
    _score_all(world)
    table = services.scores_table(call=world.call)
    rows = {row.application.number: row for row in table.rows}
    assert rows["2026-A1"].raw == pytest.approx((73.3333333 + 33.3333333) / 2, abs=1e-6)
    assert rows["2026-A2"].raw == pytest.approx(75.0)
    assert rows["2026-A2"].rank_raw == 1 and rows["2026-A1"].rank_raw == 2
    # A1's totals differ by 40 points (> 25): flagged, in words, naming the reviewers for the officers
    assert rows["2026-A1"].flags == (
        "The totals range from 33.3 (ex_old) to 73.3 (Clara Clean): 40.0 points apart.",
    )
    assert rows["2026-A2"].flags == (
        "The totals range from 60.0 (ex_left) to 90.0 (Clara Clean): 30.0 points apart.",
    )
    # ex_clean's totals 73.3 and 90 against the others' 33.3 and 60: the more lenient reviewer
    leniency = {row.user.username: row.leniency for row in table.reviewers}
    assert leniency["ex_clean"] > 0 > min(leniency["ex_old"], leniency["ex_left"])
    text = services.scores_csv(table)
    assert text.splitlines()[0].startswith("application,title,cluster,reviews,raw,z,robust")
    assert "2026-A2,Medical software hub,y,2,75.00," in text


def test_few_reviews_are_flagged_with_a_plural(world):
    _save(world, ("A1", "ex_clean"), 8, 6)
    table = services.scores_table(call=world.call)
    assert table.rows[0].flags == (
        "Only 1 review is submitted: too few to judge whether the reviewers agree.",
    )


def test_no_scores_before_any_submission(world):
    _save(world, ("A1", "ex_clean"), 8, 6, submit=False)
    assert services.scores_table(call=world.call) is None
    assert services.scores_csv(None).count("\n") == 1


def test_the_feedback_is_anonymous_with_the_mean_per_criterion(world):
    _score_all(world)
    feedback = services.application_feedback(application=world.apps["A1"])
    assert feedback.comments == (("Reviewer 1", "Strong team."), ("Reviewer 2", "Budget too thin."))
    means = {item.criterion.key: item.mean for item in feedback.criteria}
    assert means == {"relevance": pytest.approx((8 + 4) / 2), "capacity": pytest.approx((6 + 2) / 2)}
    # a draft does not count
    Review.objects.filter(assignment=world.assignments[("A1", "ex_old")]).update(submitted_at=None)
    feedback = services.application_feedback(application=world.apps["A1"])
    assert feedback.reviews == 1 and feedback.comments == (("Reviewer 1", "Strong team."),)
    assert {i.criterion.key: i.mean for i in feedback.criteria} == {"relevance": 8, "capacity": 6}


def test_my_reviews_marks_a_conflict_found_later(world):
    _save(world, ("A1", "ex_old"), 4, 2)
    from clusterworks.web.programme.models import Conflict

    Conflict.objects.create(application=world.apps["A1"], expert=world.users["ex_old"], source="declared",
                            detail="Found later", detected_at=timezone.now())  # fmt: skip
    rows = services.reviews_of(user=world.users["ex_old"])
    assert [(r.status, r.conflicted, r.writable) for r in rows] == [("conflict", True, False)]
