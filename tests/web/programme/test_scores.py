"""Scores of applications from the stored reviews (services.scores): only submitted reviews count, the
rubric's weights and scales apply."""

from __future__ import annotations

import pytest
from django.utils import timezone

from clusterworks.web.core.roles import Role
from clusterworks.web.programme.models import Assignment, Criterion, Review, Score
from clusterworks.web.programme.services.scores import application_scores, call_aggregation
from tests.factories import ApplicationFactory, CallFactory, user_with_role

pytestmark = pytest.mark.django_db


def _review(application, reviewer, relevance, capacity, *, submitted=True):
    assignment = Assignment.objects.create(application=application, reviewer=reviewer)
    review = Review.objects.create(assignment=assignment, submitted_at=timezone.now() if submitted else None)
    for key, value in (("relevance", relevance), ("capacity", capacity)):
        Score.objects.create(review=review, criterion=Criterion.objects.get(call=application.call, key=key),
                             value=value)  # fmt: skip


def test_raw_scores_follow_the_rubric_by_hand():
    call = CallFactory()  # relevance weight 2, capacity weight 1, both 0-10
    a, b = ApplicationFactory(call=call, state="review"), ApplicationFactory(call=call, state="review")
    first, second = user_with_role(Role.EXPERT), user_with_role(Role.EXPERT)
    _review(a, first, 9, 6)  # (2 x 9 + 6) / 3 = 8.0 -> 80 on 0-100
    _review(a, second, 6, 3)  # (12 + 3) / 3 = 5.0 -> 50
    _review(b, first, 7, 7)  # 70
    _review(b, second, 10, 10, submitted=False)  # a draft: does not count
    raw = application_scores(call=call, method="raw")
    assert raw == {a.pk: pytest.approx(65.0), b.pk: pytest.approx(70.0)}
    aggregation = call_aggregation(call=call)
    assert {s.application: s.reviews for s in aggregation.applications} == {a.pk: 2, b.pk: 1}


def test_no_reviews_no_scores_and_unknown_methods_are_named():
    call = CallFactory()
    assert application_scores(call=call) == {}
    with pytest.raises(ValueError, match="allowed: raw, z, robust"):
        application_scores(call=call, method="median")


def test_a_review_by_an_expert_found_conflicted_later_does_not_count():
    from clusterworks.web.programme.models import Conflict

    call = CallFactory()
    a = ApplicationFactory(call=call, state="review")
    first, second = user_with_role(Role.EXPERT), user_with_role(Role.EXPERT)
    _review(a, first, 9, 6)  # 80 (hand computation as above)
    _review(a, second, 6, 3)  # 50
    Conflict.objects.create(application=a, expert=second, source="joint_project", detail="found later")
    assert application_scores(call=call, method="raw") == {a.pk: pytest.approx(80.0)}
