"""Reviewer assignment for a call: the affinity (competences and TF-IDF text similarity), the exact run
with kept assignments and the experts' own load limits, changes by hand, and the assignment page."""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from types import SimpleNamespace

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from clusterworks.web.core.models import AuditEvent
from clusterworks.web.core.permissions import NotAllowed
from clusterworks.web.programme.models import Assignment, Conflict, ExpertProfile, Review
from clusterworks.web.programme.services import assignment as services
from clusterworks.web.programme.services.conflicts import detect_conflicts
from tests.web.programme.world_review import TODAY, build_world

# --- affinity ------------------------------------------------------------------------------------------


def test_words_are_cut_to_six_letters_without_function_words():
    assert services.words("Cell therapy and the cells") == ["cell", "therap", "cells"]
    # Russian inflections meet at the stem; "ё" is read as "е"; digits and short words are dropped
    assert services.words("Клеточная терапия для клеточной ёлки 2026 г.") == [
        "клеточ", "терапи", "клеточ", "елки",
    ]  # fmt: skip


def test_tfidf_similarity_by_hand():
    """Documents: d0 = {cell, therap}, d1 = {cell, therap, centre}, d2 = {softwa}; n = 3.
    idf = ln((1 + 3) / (1 + df)) + 1: cell and therap (df 2) ln(4/3) + 1, centre (df 1) ln 2 + 1.
    cos(d0, d1) = 2 a^2 / (sqrt(2) a sqrt(2 a^2 + c^2)) with a = idf(cell), c = idf(centre)."""
    a, c = math.log(4 / 3) + 1, math.log(2) + 1
    expected = 2 * a * a / (math.sqrt(2) * a * math.sqrt(2 * a * a + c * c))  # 0.7324
    got = services.tfidf_similarity(["cell therapy"], ["Cell therapy centre", "software"])
    assert got.shape == (1, 2)
    assert got[0, 0] == pytest.approx(expected, abs=1e-12) and got[0, 1] == 0
    assert services.tfidf_similarity([""], ["anything"]).tolist() == [[0.0]]


def _oracle_tfidf(left: list[str], right: list[str]) -> np.ndarray:
    """The same definition, written out with dictionaries (an independent implementation)."""
    docs = [Counter(services.words(t)) for t in left + right]
    df = Counter(w for d in docs for w in d)
    idf = {w: math.log((1 + len(docs)) / (1 + n)) + 1 for w, n in df.items()}
    vectors = []
    for d in docs:
        v = {w: n * idf[w] for w, n in d.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1
        vectors.append({w: x / norm for w, x in v.items()})
    out = np.zeros((len(left), len(right)))
    for i, j in itertools.product(range(len(left)), range(len(right))):
        out[i, j] = sum(x * vectors[len(left) + j].get(w, 0) for w, x in vectors[i].items())
    return out


@pytest.fixture
def world(db):
    world = build_world()
    detect_conflicts(call=world.call, today=TODAY)
    return world


def test_the_affinity_is_half_competences_half_text(world):
    experts = [world.users["ex_applicant"], world.users["ex_clean"]]
    apps = [world.apps["A1"], world.apps["A2"]]
    matrix = services.affinity_matrix(call=world.call, experts=experts, applications=apps)
    # A1 needs {bio (rubric), med (cluster X)}, A2 {bio, it (cluster Y)}; ex_applicant has {bio}: 1/2 each
    assert matrix.competence.tolist() == [[0.5, 0.5], [0.0, 0.0]]
    texts = [f"{a.title}\n{a.summary}" for a in apps]
    oracle = _oracle_tfidf(["cell therapy", ""], texts)
    assert matrix.text == pytest.approx(oracle, abs=1e-12)
    assert oracle[0, 0] > 0.3 and oracle[0, 1] == 0  # "cell therapy" is A1's, not A2's
    assert matrix.affinity == pytest.approx(0.5 * matrix.competence + 0.5 * oracle, abs=1e-12)
    assert matrix.of(world.users["ex_applicant"].pk, apps[0].pk) == pytest.approx(0.25 + 0.5 * oracle[0, 0])


# --- the exact solution with kept assignments and own limits, against brute force ----------------------


def _brute_force(experts, apps, values, conflicts, kept, need, room):
    """The best total over every assignment meeting the rules (an independent oracle), or None."""
    options = []
    for a in apps:
        eligible = [e for e in experts if (e, a) not in conflicts and (e, a) not in kept and room[e] > 0]
        options.append(list(itertools.combinations(eligible, need[a])))
    best = None
    for choice in itertools.product(*options):
        load = Counter(e for combo in choice for e in combo)
        if any(load[e] > room[e] for e in load):
            continue
        total = sum(values[(e, a)] for a, combo in zip(apps, choice, strict=True) for e in combo)
        best = total if best is None else max(best, total)
    return best


@pytest.mark.parametrize("seed", range(12))
def test_kept_reviews_and_own_limits_are_met_exactly(seed):
    rng = random.Random(seed)
    k = rng.choice([1, 2, 3])
    experts = [SimpleNamespace(pk=i, username=f"e{i}", get_full_name=lambda: "") for i in range(1, 6)]
    apps = [SimpleNamespace(pk=10 + j, number=f"A{j}") for j in range(4)]
    values = {(e.pk, a.pk): round(rng.random(), 3) for e in experts for a in apps}
    conflicts = {(e.pk, a.pk) for e in experts for a in apps if rng.random() < 0.15}
    kept = [
        SimpleNamespace(reviewer_id=e.pk, application_id=a.pk)
        for e in experts for a in apps if (e.pk, a.pk) not in conflicts and rng.random() < 0.1
    ]  # fmt: skip
    kept_pairs = {(x.reviewer_id, x.application_id) for x in kept}
    need = {a.pk: max(0, k - sum(1 for x in kept if x.application_id == a.pk)) for a in apps}
    limit = {e.pk: rng.choice([1, 2, 3, 4]) for e in experts}
    room = {e.pk: max(0, limit[e.pk] - sum(1 for x in kept if x.reviewer_id == e.pk)) for e in experts}
    # affinity = competence / 2 + text / 2: a competence of 2 x value and no text give the value
    doubled = np.array([[2 * values[(e.pk, a.pk)] for a in apps] for e in experts])
    matrix = services.AffinityMatrix(
        tuple(e.pk for e in experts), tuple(a.pk for a in apps), doubled, np.zeros((5, 4))
    )
    problem = services._CallProblem(
        SimpleNamespace(reviewers_per_application=k), experts, apps, matrix, conflicts, kept, [], need, room
    )
    best = _brute_force(
        [e.pk for e in experts], [a.pk for a in apps], values, conflicts, kept_pairs, need, room
    )
    if best is None:
        with pytest.raises(ValidationError) as error:
            services._solve(problem)
        assert "No feasible assignment" in str(error.value) or "no feasible assignment" in str(error.value)
        return
    solution = services._solve(problem)
    assert solution.total == pytest.approx(best, abs=1e-9), (seed, k)
    chosen = Counter(a for _e, a in solution.pairs)
    assert all(chosen[a.pk] == need[a.pk] for a in apps)
    assert all(n <= room[e] for e, n in Counter(e for e, _a in solution.pairs).items())
    assert not set(solution.pairs) & (conflicts | kept_pairs)
    greedy = services._solve(problem, greedy=True)
    if not greedy.shortfall:  # a complete greedy assignment is never better; an incomplete one may be
        assert greedy.total <= solution.total + 1e-9
    assert all(n <= room[e] for e, n in Counter(e for e, _a in greedy.pairs).items())


# --- the run for a call ----------------------------------------------------------------------------------


def _pairs(world):
    names = {u.pk: k for k, u in world.users.items()}
    numbers = {a.pk: k for k, a in world.apps.items()}
    return {
        (numbers[a], names[r]) for a, r in Assignment.objects.values_list("application_id", "reviewer_id")
    }


def test_the_run_assigns_k_conflict_free_reviewers_within_the_limits(world):
    run = services.assign_reviewers_for_call(actor=world.users["officer"], call=world.call)
    pairs = _pairs(world)
    assert Counter(a for a, _r in pairs) == {"A1": 2, "A2": 2}  # the draft gets none
    names = {u.pk: k for k, u in world.users.items()}
    numbers = {a.pk: k for k, a in world.apps.items()}
    conflicted = {
        (numbers[a], names[e]) for a, e in Conflict.objects.values_list("application_id", "expert_id")
    }
    assert len(conflicted) == 6 and not pairs & conflicted
    assert (run.created, run.unchanged, run.removed, run.kept, run.optimal) == (4, 0, 0, 0, True)
    stored = sum(a.affinity for a in Assignment.objects.all())
    assert run.total_affinity == pytest.approx(stored, abs=1e-5)
    assert run.greedy_total <= run.total_affinity + 1e-9
    assert AuditEvent.objects.filter(model="programme.Assignment", action="create").count() == 4
    # running again changes nothing
    again = services.assign_reviewers_for_call(actor=world.users["officer"], call=world.call)
    assert (again.created, again.unchanged, again.removed) == (0, 4, 0) and _pairs(world) == pairs


def test_the_run_keeps_reviewed_and_manual_assignments_and_the_experts_limits(world):
    a1, a2 = world.apps["A1"], world.apps["A2"]
    reviewed = Assignment.objects.create(application=a2, reviewer=world.users["ex_applicant"])
    Review.objects.create(assignment=reviewed)  # a draft: kept too
    manual = Assignment.objects.create(
        application=a1, reviewer=world.users["ex_old"], manual=True, reason="x"
    )
    automatic = Assignment.objects.create(application=a1, reviewer=world.users["ex_left"])
    # ex_clean's own limit: one application
    ExpertProfile.objects.filter(user=world.users["ex_clean"]).update(max_load=1)
    run = services.assign_reviewers_for_call(actor=world.users["officer"], call=world.call)
    pairs = _pairs(world)
    assert {("A2", "ex_applicant"), ("A1", "ex_old")} <= pairs
    assert Assignment.objects.filter(pk__in=[reviewed.pk, manual.pk]).count() == 2
    assert Counter(a for a, _r in pairs) == {"A1": 2, "A2": 2}
    assert sum(1 for _a, r in pairs if r == "ex_clean") <= 1
    assert run.kept == 2 and run.created + run.unchanged == 2
    assert Assignment.objects.filter(pk=automatic.pk).exists() == (("A1", "ex_left") in pairs)


def test_the_run_detects_the_conflicts_first(db):
    world = build_world()  # no detection yet
    services.assign_reviewers_for_call(actor=world.users["officer"], call=world.call)
    assert Conflict.objects.count() == 6
    assert not Assignment.objects.filter(application=world.apps["A1"], reviewer=world.users["ex_co"]).exists()
    assert set(
        Assignment.objects.filter(application=world.apps["A1"]).values_list("reviewer__username", flat=True)
    ) <= {"ex_left", "ex_old", "ex_clean"}


def test_an_infeasible_call_says_why_and_changes_nothing(world):
    before = services.assign_reviewers_for_call(actor=world.users["officer"], call=world.call)
    assert before.created == 4
    world.call.reviewers_per_application = 4  # A1 has 3 experts without a conflict: ex_left, ex_old, ex_clean
    world.call.save()
    with pytest.raises(ValidationError) as error:
        services.assign_reviewers_for_call(actor=world.users["officer"], call=world.call)
    assert str(error.value.messages[0]) == (
        "no feasible assignment: application 2026-A1 has only 3 eligible, non-conflicted reviewers; "
        "4 are needed"
    )
    assert Assignment.objects.count() == 4


def test_only_the_calls_officers_run_it(world):
    with pytest.raises(NotAllowed):
        services.assign_reviewers_for_call(actor=world.users["officer_elsewhere"], call=world.call)


# --- changes by hand -------------------------------------------------------------------------------------


def test_an_officer_adds_removes_and_replaces_with_a_reason(world):
    officer, a1 = world.users["officer"], world.apps["A1"]
    with pytest.raises(ValidationError) as error:
        services.assignment_add(actor=officer, application=a1, reviewer=world.users["ex_clean"], reason=" ")
    assert "reason" in error.value.message_dict
    added = services.assignment_add(actor=officer, application=a1, reviewer=world.users["ex_clean"],
                                    reason="Knows cell therapy")  # fmt: skip
    assert (added.manual, added.reason) == (True, "Knows cell therapy") and added.affinity is not None
    with pytest.raises(ValidationError) as error:  # a conflicted pair is refused, naming the conflict
        services.assignment_add(actor=officer, application=a1, reviewer=world.users["ex_co"], reason="Expert")
    assert "conflict of interest" in error.value.message_dict["reviewer"][0]
    with pytest.raises(ValidationError) as error:
        services.assignment_add(
            actor=officer, application=a1, reviewer=world.users["ex_clean"], reason="Twice"
        )
    assert "already reviews" in error.value.message_dict["reviewer"][0]
    with pytest.raises(ValidationError) as error:  # a draft is not in review
        services.assignment_add(actor=officer, application=world.apps["D"], reviewer=world.users["ex_old"],
                                reason="Early")  # fmt: skip
    assert "not in expert review" in error.value.message_dict["application"][0]

    swapped = services.assignment_swap(actor=officer, assignment=added, reviewer=world.users["ex_old"],
                                       reason="Clara is away")  # fmt: skip
    assert swapped.reviewer == world.users["ex_old"] and swapped.reason.endswith("Clara is away")
    with pytest.raises(ValidationError) as error:  # the conflicted expert cannot come in by a swap either
        services.assignment_swap(actor=officer, assignment=swapped, reviewer=world.users["ex_member"],
                                 reason="Swap")  # fmt: skip
    assert "conflict of interest" in error.value.message_dict["new_reviewer"][0]
    Review.objects.create(assignment=swapped, submitted_at=timezone.now())
    with pytest.raises(ValidationError):
        services.assignment_swap(actor=officer, assignment=swapped, reviewer=world.users["ex_left"],
                                 reason="Too late")  # fmt: skip
    services.assignment_remove(actor=officer, assignment=swapped, reason="Left the field")
    assert not Assignment.objects.exists()
    removed = AuditEvent.objects.filter(model="programme.Assignment", action="update").order_by("pk").last()
    assert removed.changes["reason"][1] == "Left the field"


def test_a_manual_addition_respects_the_load_limit(world):
    ExpertProfile.objects.filter(user=world.users["ex_clean"]).update(max_load=1)
    officer = world.users["officer"]
    services.assignment_add(actor=officer, application=world.apps["A1"], reviewer=world.users["ex_clean"],
                            reason="First")  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.assignment_add(actor=officer, application=world.apps["A2"], reviewer=world.users["ex_clean"],
                                reason="Second")  # fmt: skip
    assert "their limit is 1" in error.value.message_dict["reviewer"][0]


# --- pages -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer", 200), ("officer_elsewhere", 403), ("ex_clean", 403), ("rep_applicant", 403)],
)
def test_the_assignment_pages_are_for_the_calls_officers(client, world, who, status):
    client.force_login(world.users[who])
    for name in ("programme-assignment", "programme-assignment-change"):
        assert client.get(reverse(name, args=[world.call.key])).status_code == status
    assert client.post(reverse("programme-assignment", args=[world.call.key])).status_code in (
        {302} if status == 200 else {status}
    )


def test_the_assignment_page_shows_reviewers_loads_and_the_gap_to_greedy(client, world):
    run = services.assign_reviewers_for_call(actor=world.users["officer"], call=world.call)
    client.force_login(world.users["officer"])
    html = client.get(reverse("programme-assignment", args=[world.call.key])).content.decode()
    assert html.count('data-reviewer="') == 4
    assert f'data-total-affinity="{run.total_affinity:.6f}"' in html
    assert f'data-greedy-total="{run.greedy_total:.6f}"' in html
    assert f'data-gap="{run.total_affinity - run.greedy_total:.6f}"' in html
    assert 'data-missing="0"' in html
    loads = Counter(Assignment.objects.values_list("reviewer__username", flat=True))
    for username, load in loads.items():
        assert f'data-expert="{username}" data-load="{load}"' in html


def test_an_infeasible_run_shows_the_librarys_message(client, world):
    world.call.reviewers_per_application = 4
    world.call.save()
    client.force_login(world.users["officer"])
    response = client.post(reverse("programme-assignment", args=[world.call.key]))
    assert response.status_code == 400
    assert "application 2026-A1 has only 3 eligible, non-conflicted reviewers; 4 are needed" in (
        response.content.decode()
    )


def test_the_change_page_refuses_a_conflicted_pair_and_saves_a_reasoned_change(client, world):
    client.force_login(world.users["officer"])
    url = reverse("programme-assignment-change", args=[world.call.key])
    a1 = world.apps["A1"]
    refused = client.post(url, {"action": "add", "application": a1.pk, "reviewer": world.users["ex_co"].pk,
                                "reason": "Good fit"})  # fmt: skip
    assert refused.status_code == 200 and "has a conflict of interest with application 2026-A1" in (
        refused.content.decode()
    )
    assert not Assignment.objects.exists()
    no_reason = client.post(
        url, {"action": "add", "application": a1.pk, "reviewer": world.users["ex_old"].pk}
    )
    assert no_reason.status_code == 200 and not Assignment.objects.exists()
    saved = client.post(url, {"action": "add", "application": a1.pk, "reviewer": world.users["ex_old"].pk,
                              "reason": "Good fit"})  # fmt: skip
    assert saved.status_code == 302
    assert Assignment.objects.get().reason == "Good fit"
    swap = client.post(url, {"action": "swap", "application": a1.pk, "reviewer": world.users["ex_old"].pk,
                             "new_reviewer": world.users["ex_left"].pk, "reason": "Away"})  # fmt: skip
    assert swap.status_code == 302 and Assignment.objects.get().reviewer == world.users["ex_left"]
    missing = client.post(url, {"action": "remove", "application": a1.pk,
                                "reviewer": world.users["ex_old"].pk, "reason": "Gone"})  # fmt: skip
    assert missing.status_code == 200 and "is not assigned to application 2026-A1" in missing.content.decode()
