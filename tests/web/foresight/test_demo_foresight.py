"""The foresight demo (``clusterworks.web.foresight.demo``), built by ``build_demo``.

Expected values come from the brief of the demo (2 closed rounds, 15 experts, one drop-out, 8 topics,
weights 0.35/0.2/0.25/0.2, top 5) or are recomputed here from the stored rows with numpy and the
registry, independently of the code that wrote them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import numpy as np
import pytest
from django.utils import timezone

from clusterworks.analytics.delphi import summarise_responses
from clusterworks.web.core.models import AuditEvent, User
from clusterworks.web.core.permissions import check
from clusterworks.web.demo import build_demo
from clusterworks.web.foresight import models as f
from clusterworks.web.foresight.demo import CLOSED_SURVEY, EXERCISE, ROADMAP, RUNNING_SURVEY
from clusterworks.web.foresight.selectors import (
    exercises_visible_to,
    roadmaps_visible_to,
    surveys_visible_to,
)
from clusterworks.web.registry.models import Cluster, Competence, Membership, Organisation

pytestmark = pytest.mark.django_db

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)
LAYER_ORDER = [f.Layer.MARKET, f.Layer.PRODUCT, f.Layer.TECHNOLOGY, f.Layer.RESOURCE]


def _counts() -> dict[str, int]:
    models = [
        f.Survey,
        f.Panelist,
        f.Round,
        f.Question,
        f.Item,
        f.Submission,
        f.Answer,
        f.PriorityExercise,
        f.Criterion,
        f.Candidate,
        f.Roadmap,
        f.RoadmapNode,
        f.RoadmapLink,
        User,
        Organisation,
        Membership,
    ]
    counts = {model.__name__: model.objects.count() for model in models}
    counts["node competences"] = f.RoadmapNode.competences.through.objects.count()
    counts["candidate competences"] = f.Candidate.competences.through.objects.count()
    return counts


def _values(survey: f.Survey, number: int, question: str, field: str = "value") -> dict[str, list[float]]:
    """Item key -> the submitted answers of round ``number`` to ``question``."""
    rows = f.Answer.objects.filter(
        submission__round__survey=survey,
        submission__round__number=number,
        submission__submitted_at__isnull=False,
        item__question__key=question,
    ).values_list("item__key", field)
    values: dict[str, list[float]] = {}
    for item, value in rows:
        values.setdefault(item, []).append(value)
    return values


def _kendall_w(rankings: np.ndarray) -> float:
    """W = 12 S / (m^2 (n^3 - n)) for m rankings of n items without ties (Kendall & Babington Smith
    1939; docs/methods/delphi.md), S the sum of squared deviations of the rank sums from m (n + 1) / 2."""
    m, n = rankings.shape
    sums = rankings.sum(axis=0)
    s = float(((sums - m * (n + 1) / 2) ** 2).sum())
    return 12 * s / (m**2 * (n**3 - n))


def test_building_twice_changes_nothing():
    build_demo()
    counts = _counts()
    answer_ids = set(f.Answer.objects.values_list("pk", flat=True))
    events = AuditEvent.objects.count()
    build_demo()
    assert _counts() == counts
    # the answers were not rewritten (same primary keys), and no audited row changed
    assert set(f.Answer.objects.values_list("pk", flat=True)) == answer_ids
    assert AuditEvent.objects.count() == events
    assert counts["Survey"] == 2 and counts["Roadmap"] == 1 and counts["PriorityExercise"] == 1


def test_a_rebuild_keeps_what_a_visitor_answered_and_renews_a_passed_deadline():
    build_demo()
    survey = f.Survey.objects.get(key=RUNNING_SURVEY)
    first = survey.rounds.get(number=1)
    seat = survey.panelists.get(user__username="expert")
    item = f.Item.objects.get(question__survey=survey, question__key="importance", key="ai-triage")
    submission = f.Submission.objects.create(round=first, panelist=seat, submitted_at=timezone.now())
    f.Answer.objects.create(submission=submission, item=item, value=8)
    first.deadline = timezone.now() - dt.timedelta(days=1)
    first.save()
    build_demo()
    assert f.Answer.objects.get(submission__panelist=seat).value == 8
    first.refresh_from_db()
    assert first.status == f.RoundStatus.OPEN
    assert first.deadline > timezone.now() + dt.timedelta(days=29)


def test_the_closed_survey_has_two_rounds_fifteen_experts_and_converges():
    build_demo()
    survey = f.Survey.objects.get(key=CLOSED_SURVEY)
    assert survey.cluster.key == "moscow-medtech" and survey.status == f.SurveyStatus.CLOSED
    assert survey.title_en == "Priorities of medical technologies 2027-2035"
    assert survey.title_ru == "Приоритеты медицинских технологий 2027-2035"
    assert "synthetic answers for demonstration" in survey.description_en
    assert list(survey.rounds.values_list("number", "status")) == [(1, "closed"), (2, "closed")]

    panel = survey.panelists.select_related("user")
    assert panel.count() == 15
    assert Counter(panel.values_list("group", flat=True)) == {"science": 5, "clinic": 5, "industry": 5}
    assert panel.filter(user__username="expert").exists()
    synthetic = [p.user for p in panel if p.user.username != "expert"]
    assert all(u.username.startswith("delphi-e") and not u.has_usable_password() for u in synthetic)
    assert all(1 <= p.expertise <= 5 and 1 <= p.interest <= 5 for p in panel)

    # every expert answered round 1; one dropped out of round 2
    submitted = f.Submission.objects.filter(round__survey=survey, submitted_at__isnull=False)
    assert submitted.filter(round__number=1).count() == 15
    assert submitted.filter(round__number=2).count() == 14
    # a submitted round answers every item of every question asked in it (text only in round 1)
    for submission in submitted.select_related("round"):
        asked = {
            item.pk
            for question in survey.questions.prefetch_related("items")
            if question.asked_in(submission.round.number)
            for item in question.items.all()
        }
        assert set(submission.answers.values_list("item", flat=True)) == asked

    kinds = set(survey.questions.values_list("kind", flat=True))
    assert kinds == {"rating", "rating2", "rank", "time", "probability", "choice", "text"}
    topics = set(survey.questions.get(key="importance").items.values_list("key", flat=True))
    assert len(topics) == 8 and {"molecular-diagnostics", "biosensors", "regenerative-medicine"} <= topics
    assert set(survey.questions.get(key="feasibility-market").items.values_list("key", flat=True)) == topics

    # the median over the rating items of each item's IQR (numpy's linear quartiles) shrinks in round 2
    def median_iqr(number: int) -> float:
        iqrs = []
        for question, field in [
            ("importance", "value"),
            ("feasibility-market", "value"),
            ("feasibility-market", "value2"),
        ]:
            for values in _values(survey, number, question, field).values():
                q1, q3 = np.percentile(values, [25, 75])
                iqrs.append(q3 - q1)
        assert len(iqrs) == 24  # 8 topics x 3 scales
        return float(np.median(iqrs))

    assert median_iqr(2) < median_iqr(1)

    # Kendall's W of the rank question, from the stored ranks, increases
    def rankings(number: int) -> np.ndarray:
        by_expert: dict[str, dict[str, float]] = {}
        for code, item, value in f.Answer.objects.filter(
            submission__round__survey=survey,
            submission__round__number=number,
            item__question__key="priority-rank",
        ).values_list("submission__panelist__code", "item__key", "value"):
            by_expert.setdefault(code, {})[item] = value
        table = np.array([[ranks[k] for k in sorted(ranks)] for ranks in by_expert.values()])
        assert table.shape[1] == 5 and all(sorted(row) == [1, 2, 3, 4, 5] for row in table)
        return table

    assert _kendall_w(rankings(2)) > _kendall_w(rankings(1))

    # answers stay on their scales; at most two barriers chosen; comments in both languages
    for question in survey.questions.exclude(kind__in=["choice", "text"]):
        values = f.Answer.objects.filter(item__question=question).values_list("value", flat=True)
        assert all(question.scale_min <= v <= question.scale_max for v in values), question.key
    # a choice question has a row per option once answered: 1 chosen, 0 not (foresight/answers.py)
    barriers = f.Answer.objects.filter(submission__round__survey=survey, item__question__key="barriers")
    rows_per_submission = Counter(barriers.values_list("submission", flat=True))
    chosen = Counter(barriers.filter(value=1).values_list("submission", flat=True))
    assert len(rows_per_submission) == 29 and set(rows_per_submission.values()) == {5}  # 15 + 14
    assert set(barriers.values_list("value", flat=True)) == {0, 1}
    assert len(chosen) == 29 and set(chosen.values()) <= {1, 2}
    # submitting needs every question answered: the text question of round 1 too
    texts = f.Answer.objects.filter(item__question__key="other-topics", item__question__survey=survey)
    assert texts.exclude(text="").count() == 15
    comments = list(
        f.Answer.objects.filter(submission__round__survey=survey, submission__round__number=1)
        .exclude(comment="")
        .values_list("comment", flat=True)
    )
    assert len(comments) >= 4
    assert any(CYRILLIC.search(c) for c in comments) and any(not CYRILLIC.search(c) for c in comments)

    # the stored numeric answers are a valid table for the consensus statistics (ranks are rankings)
    rows = [
        {
            "round": r,
            "expert": e,
            "question": q,
            "item": i,
            "kind": "rank" if k == "rank" else "rating",
            "value": v,
        }
        for r, e, q, i, k, v in f.Answer.objects.filter(
            submission__round__survey=survey,
            item__question__kind__in=["rating", "rank", "time", "probability"],
        ).values_list(
            "submission__round__number",
            "submission__panelist__code",
            "item__question__key",
            "item__key",
            "item__question__kind",
            "value",
        )
    ]
    items, questions = summarise_responses(rows)
    assert len(items) == 2 * (8 + 5 + 3 + 2) and len(questions) == 2


def test_the_running_survey_waits_for_the_demo_expert():
    build_demo()
    survey = f.Survey.objects.get(key=RUNNING_SURVEY)
    assert survey.status == f.SurveyStatus.RUNNING
    open_round = survey.rounds.get(status=f.RoundStatus.OPEN)
    remaining = open_round.deadline - timezone.now()
    assert dt.timedelta(days=29) < remaining <= dt.timedelta(days=30)
    expert = User.objects.get(username="expert")
    seat = survey.panelists.get(user=expert)
    assert not f.Submission.objects.filter(panelist=seat).exists()
    assert check(expert, "survey.answer", open_round)
    # other panelists have answered, so the manager sees progress
    assert f.Submission.objects.filter(round=open_round, submitted_at__isnull=False).count() == 4


def test_the_priority_exercise_scores_the_survey_topics():
    build_demo()
    exercise = f.PriorityExercise.objects.get(key=EXERCISE)
    survey = f.Survey.objects.get(key=CLOSED_SURVEY)
    assert exercise.survey == survey and exercise.cluster.key == "moscow-medtech" and exercise.top == 5
    candidates = set(exercise.candidates.values_list("key", flat=True))
    assert candidates == set(survey.questions.get(key="importance").items.values_list("key", flat=True))
    criteria = {c.key: c for c in exercise.criteria.select_related("question")}
    assert {k: (c.weight, c.source) for k, c in criteria.items()} == {
        "importance": (0.35, "delphi"),
        "feasibility": (0.2, "delphi"),
        "market": (0.25, "delphi"),
        "capability": (0.2, "capability"),
    }
    assert (criteria["importance"].question.key, criteria["importance"].dimension) == ("importance", 1)
    assert (criteria["feasibility"].question.key, criteria["feasibility"].dimension) == (
        "feasibility-market",
        1,
    )
    assert (criteria["market"].question.key, criteria["market"].dimension) == ("feasibility-market", 2)
    # every candidate needs competences of the registry's vocabulary
    assert all(c.competences.exists() for c in exercise.candidates.all())


def test_the_roadmap_has_chains_gaps_and_partners_outside_the_cluster():
    build_demo()
    roadmap = f.Roadmap.objects.get(key=ROADMAP)
    moscow = Cluster.objects.get(key="moscow-medtech")
    assert roadmap.cluster == moscow and (roadmap.start_year, roadmap.end_year) == (2027, 2035)
    assert roadmap.exercise.key == EXERCISE
    nodes = list(roadmap.nodes.all())
    assert 20 <= len(nodes) <= 26
    assert {n.layer for n in nodes} == set(LAYER_ORDER)
    assert all(2027 <= n.start_year <= n.end_year <= 2035 for n in nodes)
    assert all(n.trl is None or 1 <= n.trl <= 9 for n in nodes)
    assert all(n.candidate.exercise_id == roadmap.exercise_id for n in nodes if n.candidate)

    # links go down the layers; every need reaches a resource through a product and a technology
    links = list(roadmap.links.select_related("source", "target"))
    assert all(LAYER_ORDER.index(k.source.layer) < LAYER_ORDER.index(k.target.layer) for k in links)
    below: dict[int, set[int]] = {}
    for link in links:
        below.setdefault(link.source_id, set()).add(link.target_id)
    layer = {n.pk: n.layer for n in nodes}

    def reachable(pk: int) -> set[int]:
        seen, todo = set(), [pk]
        while todo:
            for nxt in below.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    for need in (n for n in nodes if n.layer == f.Layer.MARKET):
        assert {layer[pk] for pk in reachable(need.pk)} == set(LAYER_ORDER[1:]), need.key

    # gaps: competences a node needs that no current member of the cluster holds (from the registry)
    needed = set(Competence.objects.filter(roadmap_nodes__roadmap=roadmap).values_list("code", flat=True))
    members = Membership.objects.filter(cluster=moscow, left__isnull=True).values("organisation")
    held = set(Competence.objects.filter(organisations__in=members).values_list("code", flat=True))
    gaps = needed - held
    assert gaps == {
        "ict-electronics.microelectronics",
        "ict-electronics.photonics",
        "med-equipment.rehabilitation",
    }
    assert len(needed & held) > len(gaps)  # most of what the roadmap needs is in the cluster
    for code in gaps:
        holders = Organisation.objects.filter(competences__code=code).exclude(pk__in=members)
        assert holders.exists(), code
        assert all(o.illustrative for o in holders)


def test_demo_users_see_what_their_roles_allow():
    build_demo()
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["manager", "analyst", "representative", "expert"])
    }
    survey = f.Survey.objects.get(key=CLOSED_SURVEY)
    exercise = f.PriorityExercise.objects.get(key=EXERCISE)
    roadmap = f.Roadmap.objects.get(key=ROADMAP)
    manager, analyst, representative, expert = (
        users[n] for n in ("manager", "analyst", "representative", "expert")
    )
    for action, obj in [
        ("survey.manage", survey),
        ("priorities.manage", exercise),
        ("roadmap.manage", roadmap),
    ]:
        assert check(manager, action, obj), action
    assert set(surveys_visible_to(analyst)) == set(f.Survey.objects.all())
    assert check(analyst, "survey.results", survey) and check(analyst, "roadmap.view", roadmap)
    assert list(exercises_visible_to(representative)) == [exercise]
    assert list(roadmaps_visible_to(representative)) == [roadmap]
    assert not surveys_visible_to(representative).exists()
    # the demo expert sits on both panels: sees the surveys and the closed rounds, not the results
    assert set(surveys_visible_to(expert).values_list("key", flat=True)) == {CLOSED_SURVEY, RUNNING_SURVEY}
    assert check(expert, "survey.feedback", survey.rounds.get(number=2))
    assert not check(expert, "survey.results", survey)
