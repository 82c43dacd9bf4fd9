"""The role x action matrix of the support programme's permissions.

Expected values are the written policy (docs/programme-guide.md, "Who sees what"), not derived from
the code. The registry's matrix (tests/web/core/test_permission_matrix.py) checks that every registered
permission appears in one of the tables.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from clusterworks.web.core.permissions import check
from clusterworks.web.core.roles import Role
from clusterworks.web.programme.models import (
    Assignment,
    Award,
    CoApplicant,
    CommissionMember,
    Conflict,
    Meeting,
    Review,
    Transition,
)
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    ClusterFactory,
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    user_with_role,
)

Y, N = True, False

ACTIONS = {
    "programme.view": "programme",
    "programme.create": None,
    "programme.manage": "programme",
    "programme.dashboard": "programme",
    "call.view": "draft_call",
    "call.manage": "call",
    "application.create": "call",
    "application.view": "application",
    "application.edit": "draft",
    "application.transition": "fund",
    "application.feedback": "decided",
    "conflict.declare": "application",
    "review.write": "assignment",
    "review.read": "fellow_review",
    "commission.manage": "call",
    "commission.vote": "ballot",
    "award.report": "award",
}

# fmt: off
MATRIX = {
    #                     p.view create manage dash  c.view c.manage a.create a.view a.edit a.trans feedback declare r.write r.read com.man vote award
    "admin":              (Y,    Y,     Y,     Y,    Y,     Y,       Y,       Y,     Y,     Y,      Y,       Y,      Y,      Y,     Y,      Y,   Y),
    "officer":            (Y,    Y,     Y,     Y,    Y,     Y,       N,       Y,     N,     N,      N,       N,      N,      Y,     Y,      N,   N),
    "officer_elsewhere":  (Y,    Y,     N,     N,    N,     N,       N,       N,     N,     N,      N,       N,      N,      N,     N,      N,   N),
    "rep_applicant":      (Y,    N,     N,     N,    N,     N,       Y,       Y,     Y,     N,      Y,       N,      N,      N,     N,      N,   Y),
    "rep_co_applicant":   (Y,    N,     N,     N,    N,     N,       N,       Y,     N,     N,      N,       N,      N,      N,     N,      N,   N),
    "manager_of_cluster": (Y,    N,     N,     N,    N,     N,       Y,       Y,     Y,     N,      Y,       N,      N,      N,     N,      N,   Y),
    "manager_of_other":   (Y,    N,     N,     N,    N,     N,       Y,       N,     N,     N,      N,       N,      N,      N,     N,      N,   N),
    "rep_member":         (Y,    N,     N,     N,    N,     N,       Y,       N,     N,     N,      N,       N,      N,      N,     N,      N,   N),
    "reviewer":           (Y,    N,     N,     N,    N,     N,       N,       Y,     N,     N,      N,       Y,      Y,      Y,     N,      N,   N),
    "fellow_reviewer":    (Y,    N,     N,     N,    N,     N,       N,       N,     N,     N,      N,       N,      N,      Y,     N,      N,   N),
    "conflicted_member":  (Y,    N,     N,     N,    N,     N,       N,       N,     N,     N,      N,       Y,      N,      N,     N,      N,   N),
    "commission_member":  (Y,    N,     N,     N,    N,     N,       N,       Y,     N,     N,      N,       Y,      N,      N,     N,      Y,   N),
    "chair":              (Y,    N,     N,     N,    N,     N,       N,       Y,     N,     Y,      N,       Y,      N,      N,     Y,      Y,   N),
    "analyst":            (Y,    N,     N,     Y,    N,     N,       N,       N,     N,     N,      N,       N,      N,      N,     N,      N,   N),
    "anonymous":          (Y,    N,     N,     N,    N,     N,       N,       N,     N,     N,      N,       N,      N,      N,     N,      N,   N),
}
# fmt: on


@pytest.fixture
def world(db):
    cluster, other_cluster = ClusterFactory(), ClusterFactory()
    applicant, co_applicant, member = (OrganisationFactory() for _ in range(3))
    for organisation in (applicant, member):
        MembershipFactory(cluster=cluster, organisation=organisation)  # the co-applicant is no member
    programme = ProgrammeFactory()
    call = CallFactory(programme=programme)  # published, open, any cluster may apply
    draft_call = CallFactory(programme=programme, published=False)
    users = {
        "admin": user_with_role(Role.ADMIN),
        "officer": user_with_role(Role.PROGRAMME_OFFICER),
        "officer_elsewhere": user_with_role(Role.PROGRAMME_OFFICER),
        "rep_applicant": user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=applicant),
        "rep_co_applicant": user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=co_applicant),
        "manager_of_cluster": user_with_role(Role.CLUSTER_MANAGER, cluster=cluster),
        "manager_of_other": user_with_role(Role.CLUSTER_MANAGER, cluster=other_cluster),
        "rep_member": user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=member),
        "reviewer": user_with_role(Role.EXPERT),
        "fellow_reviewer": user_with_role(Role.EXPERT),
        "conflicted_member": user_with_role(Role.COMMISSION_MEMBER),
        "commission_member": user_with_role(Role.COMMISSION_MEMBER),
        "chair": user_with_role(Role.COMMISSION_MEMBER),
        "analyst": user_with_role(Role.ANALYST),
        "anonymous": AnonymousUser(),
    }
    programme.officers.add(users["officer"])
    author = users["rep_applicant"]
    common = {"call": call, "cluster": cluster, "applicant": applicant, "created_by": author}
    application = ApplicationFactory(**common, state="commission")
    CoApplicant.objects.create(application=application, organisation=co_applicant)
    draft = ApplicationFactory(**common, state="draft")
    decided = ApplicationFactory(**common, state="funded")
    reviewed = ApplicationFactory(**common, state="review")
    for who in ("conflicted_member", "commission_member"):
        CommissionMember.objects.create(call=call, user=users[who])
    CommissionMember.objects.create(call=call, user=users["chair"], chair=True)
    Conflict.objects.create(application=application, expert=users["conflicted_member"], source="declared")
    Assignment.objects.create(application=application, reviewer=users["reviewer"])
    assignment = Assignment.objects.create(application=reviewed, reviewer=users["reviewer"])
    Review.objects.create(assignment=assignment, submitted_at=timezone.now())
    fellow = Assignment.objects.create(application=reviewed, reviewer=users["fellow_reviewer"])
    fellow_review = Review.objects.create(assignment=fellow, submitted_at=timezone.now())
    meeting = Meeting.objects.create(call=call, title="Meeting 1", held_on=timezone.localdate(),
                                     opened_at=timezone.now())  # fmt: skip
    award = Award.objects.create(application=decided, amount=100, awarded_on=timezone.localdate())
    objects = {
        None: None,
        "programme": programme,
        "call": call,
        "draft_call": draft_call,
        "application": application,
        "draft": draft,
        "decided": decided,
        "fund": (application, Transition.objects.get(call=call, key="fund")),
        "assignment": assignment,
        "fellow_review": fellow_review,
        "ballot": (meeting, application),
        "award": award,
    }
    return users, objects


def test_matrix_rows_are_complete():
    assert all(len(row) == len(ACTIONS) for row in MATRIX.values())


@pytest.mark.parametrize("who", list(MATRIX))
def test_role_action_matrix(world, who):
    users, objects = world
    got = {action: check(users[who], action, objects[target]) for action, target in ACTIONS.items()}
    expected = dict(zip(ACTIONS, MATRIX[who], strict=True))
    wrong = {a: (d.allowed, d.reason) for a, d in got.items() if d.allowed != expected[a]}
    assert not wrong, f"{who}: {wrong}"
    assert all(d.reason for d in got.values()), "every decision carries a reason"


def test_a_conflict_shuts_out_even_the_chair(world):
    users, objects = world
    application = objects["application"]
    Conflict.objects.create(application=application, expert=users["chair"], source="joint_project",
                            detail="Joint project X, 2025")  # fmt: skip
    for action, obj in (
        ("application.view", application),
        ("application.transition", objects["fund"]),
        ("commission.vote", objects["ballot"]),
    ):
        decision = check(users["chair"], action, obj)
        assert not decision and "conflict of interest" in str(decision.reason), action


def test_the_deadline_closes_drafts_and_submission(world):
    users, objects = world
    call = objects["call"]
    call.closes_at = timezone.now() - timezone.timedelta(minutes=1)
    call.opens_at = call.closes_at - timezone.timedelta(days=30)
    call.save()
    draft = objects["draft"]
    draft.call.refresh_from_db()
    submit = (draft, Transition.objects.get(call=call, key="submit"))
    for action, obj in (("application.edit", draft), ("application.transition", submit)):
        decision = check(users["rep_applicant"], action, obj)
        assert not decision and "deadline" in str(decision.reason), action
    assert not check(users["rep_applicant"], "application.create", call)


def test_a_co_applicant_sees_a_draft_but_does_not_speak_for_it(world):
    users, objects = world
    draft = objects["draft"]
    partner = objects["application"].partners.get().organisation
    CoApplicant.objects.create(application=draft, organisation=partner)
    submit = (draft, Transition.objects.get(call=draft.call, key="submit"))
    co_applicant = users["rep_co_applicant"]
    assert check(co_applicant, "application.view", draft)
    for action, obj in (("application.edit", draft), ("application.transition", submit)):
        decision = check(co_applicant, action, obj)
        assert not decision and "applicant organisation" in str(decision.reason), action


def test_a_member_who_leaves_later_may_still_apply(world):
    from clusterworks.web.registry.models import Membership

    users, objects = world
    membership = Membership.objects.get(organisation__in=users["rep_member"].represented_organisation_ids())
    membership.left = timezone.localdate() + timezone.timedelta(days=30)
    membership.save()
    assert check(users["rep_member"], "application.create", objects["call"])
    membership.left = timezone.localdate() - timezone.timedelta(days=1)
    membership.save()
    assert not check(users["rep_member"], "application.create", objects["call"])


def test_under_always_an_assigned_reviewer_reads_the_others_before_writing(world):
    users, objects = world
    call = objects["call"]
    call.reviews_visible = "always"
    call.save()
    newcomer = user_with_role(Role.EXPERT)
    Assignment.objects.create(application=objects["fellow_review"].assignment.application, reviewer=newcomer)
    assert check(newcomer, "review.read", objects["fellow_review"])  # no review of their own yet
    call.reviews_visible = "after_own"
    call.save()
    decision = check(newcomer, "review.read", objects["fellow_review"])
    assert not decision and "once you have submitted your own" in str(decision.reason)
