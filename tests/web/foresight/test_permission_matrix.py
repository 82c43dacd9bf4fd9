"""The role x action matrix of the foresight workbench's permissions.

Expected values are the written policy (docs/foresight-guide.md, "Who sees what"), not derived from the
code. The registry's matrix (tests/web/core/test_permission_matrix.py) checks that every registered
permission appears in one of the two tables.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from clusterworks.web.core.permissions import check
from clusterworks.web.core.roles import Role
from clusterworks.web.foresight.models import RoundStatus, SurveyStatus
from tests.factories import (
    ClusterFactory,
    MembershipFactory,
    OrganisationFactory,
    PanelistFactory,
    PriorityExerciseFactory,
    RoadmapFactory,
    RoundFactory,
    SurveyFactory,
    user_with_role,
)

Y, N = True, False

ACTIONS = {
    "foresight.create": "cluster",
    "survey.view": "survey",
    "survey.manage": "survey",
    "survey.answer": "open_round",
    "survey.feedback": "closed_round",
    "survey.results": "survey",
    "survey.responses": "survey",
    "priorities.view": "exercise",
    "priorities.manage": "exercise",
    "roadmap.view": "roadmap",
    "roadmap.manage": "roadmap",
}

# fmt: off
MATRIX = {
    #                           create s.view s.manage answer feedback results responses p.view p.manage r.view r.manage
    "admin":                    (Y,    Y,     Y,       Y,     Y,       Y,      Y,        Y,     Y,       Y,     Y),
    "manager_of_cluster":       (Y,    Y,     Y,       N,     Y,       Y,      Y,        Y,     Y,       Y,     Y),
    "manager_of_other":         (N,    N,     N,       N,     N,       N,      N,        N,     N,       N,     N),
    "representative_of_member": (N,    N,     N,       N,     N,       N,      N,        Y,     N,       Y,     N),
    "representative_of_other":  (N,    N,     N,       N,     N,       N,      N,        N,     N,       N,     N),
    "programme_officer":        (N,    N,     N,       N,     N,       N,      N,        N,     N,       N,     N),
    "expert_not_on_panel":      (N,    N,     N,       N,     N,       N,      N,        N,     N,       N,     N),
    "panelist":                 (N,    Y,     N,       Y,     Y,       N,      N,        N,     N,       N,     N),
    "declined_panelist":        (N,    N,     N,       N,     N,       N,      N,        N,     N,       N,     N),
    "analyst":                  (N,    Y,     N,       N,     Y,       Y,      Y,        Y,     N,       Y,     N),
    "anonymous":                (N,    N,     N,       N,     N,       N,      N,        N,     N,       N,     N),
}
# fmt: on


@pytest.fixture
def world(db):
    cluster = ClusterFactory()
    other_cluster = ClusterFactory()
    member = OrganisationFactory()
    outsider = OrganisationFactory()
    MembershipFactory(cluster=cluster, organisation=member)
    MembershipFactory(cluster=other_cluster, organisation=outsider)
    survey = SurveyFactory(cluster=cluster, status=SurveyStatus.RUNNING)
    closed_round = RoundFactory(survey=survey, number=1, status=RoundStatus.CLOSED)
    open_round = RoundFactory(survey=survey, number=2, status=RoundStatus.OPEN)
    panelist = PanelistFactory(survey=survey, user=user_with_role(Role.EXPERT)).user
    declined = PanelistFactory(
        survey=survey, user=user_with_role(Role.EXPERT), declined_at=timezone.now()
    ).user
    users = {
        "admin": user_with_role(Role.ADMIN),
        "manager_of_cluster": user_with_role(Role.CLUSTER_MANAGER, cluster=cluster),
        "manager_of_other": user_with_role(Role.CLUSTER_MANAGER, cluster=other_cluster),
        "representative_of_member": user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=member),
        "representative_of_other": user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=outsider),
        "programme_officer": user_with_role(Role.PROGRAMME_OFFICER),
        "expert_not_on_panel": user_with_role(Role.EXPERT),
        "panelist": panelist,
        "declined_panelist": declined,
        "analyst": user_with_role(Role.ANALYST),
        "anonymous": AnonymousUser(),
    }
    objects = {
        "cluster": cluster,
        "survey": survey,
        "open_round": open_round,
        "closed_round": closed_round,
        "exercise": PriorityExerciseFactory(cluster=cluster),
        "roadmap": RoadmapFactory(cluster=cluster),
    }
    return users, objects


def test_matrix_rows_are_complete():
    assert all(len(row) == len(ACTIONS) for row in MATRIX.values())


@pytest.mark.parametrize("who", list(MATRIX))
def test_role_action_matrix(world, who):
    users, objects = world
    user = users[who]
    got = {action: check(user, action, objects[target]) for action, target in ACTIONS.items()}
    expected = dict(zip(ACTIONS, MATRIX[who], strict=True))
    wrong = {a: (d.allowed, d.reason) for a, d in got.items() if d.allowed != expected[a]}
    assert not wrong, f"{who}: {wrong}"
    assert all(d.reason for d in got.values()), "every decision carries a reason"


def test_panelist_cannot_answer_after_the_deadline_or_a_closed_survey(world):
    users, objects = world
    open_round = objects["open_round"]
    open_round.deadline = timezone.now() - timezone.timedelta(minutes=1)
    refused = check(users["panelist"], "survey.answer", open_round)
    assert not refused and refused.reason == "the deadline of this round has passed"
    open_round.deadline = None
    open_round.survey.status = SurveyStatus.CLOSED
    assert not check(users["panelist"], "survey.answer", open_round)


def test_an_ended_membership_hides_the_plans(world):
    users, objects = world
    membership = objects["cluster"].memberships.get()
    membership.left = timezone.localdate()
    membership.save()
    assert not check(users["representative_of_member"], "roadmap.view", objects["roadmap"])
