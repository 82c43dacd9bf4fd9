"""The commission (services.commission) and its pages: members and the chair, meetings opened and closed,
remote votes with quorum and majority, conflicted members shut out, the minutes, and the chair's
decisions through the workflow; who may open each page.

The world (world_decisions.py): the commission of the call has the chair, ``member``, ``member2`` and
``conflicted`` (a declared conflict on A); the quorum share is 0.5 -- more than half of the members
without a conflict must vote.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from clusterworks.web.core.permissions import NotAllowed
from clusterworks.web.core.roles import Role
from clusterworks.web.programme.models import CommissionMember, Meeting, StateChange, Vote
from clusterworks.web.programme.services import allocation, commission
from tests.factories import user_with_role
from tests.web.programme.world_decisions import build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def meeting(world):
    meeting = commission.meeting_plan(
        actor=world.users["officer"], call=world.call, title="Meeting 1", held_on=timezone.localdate()
    )
    return commission.meeting_open(actor=world.users["chair"], meeting=meeting)


def _vote(world, meeting, who, name, choice):
    return commission.vote_cast(
        actor=world.users[who], meeting=meeting, application=world.apps[name], choice=choice
    )


def _cast_scenario(world, meeting):
    """A: chair and member for (2 of the 3 members without a conflict: quorum, majority for).
    B: chair for, member against, member2 abstains (3 of 4; 1 for is not more than half of 3: no majority).
    C: member for (1 of 4, not more than 2: no quorum). D: nobody."""
    _vote(world, meeting, "chair", "A", "for")
    _vote(world, meeting, "member", "A", "for")
    _vote(world, meeting, "chair", "B", "for")
    _vote(world, meeting, "member", "B", "against")
    _vote(world, meeting, "member2", "B", "abstain")
    _vote(world, meeting, "member", "C", "for")


# --- members ---------------------------------------------------------------------------------------------


def test_officers_seat_members_and_one_chair(world):
    newcomer = user_with_role(Role.COMMISSION_MEMBER, username="newcomer")
    member = commission.commission_member_add(
        actor=world.users["officer"], call=world.call, user=newcomer, chair=True
    )
    assert list(CommissionMember.objects.filter(call=world.call, chair=True)) == [
        member
    ]  # the old chair unseated
    commission.commission_chair_set(
        actor=world.users["officer"],
        member=CommissionMember.objects.get(call=world.call, user=world.users["chair"]),
    )
    assert CommissionMember.objects.get(call=world.call, chair=True).user == world.users["chair"]
    with pytest.raises(ValidationError, match="already sits"):
        commission.commission_member_add(actor=world.users["officer"], call=world.call, user=newcomer)
    with pytest.raises(ValidationError, match="commission-member role"):
        commission.commission_member_add(
            actor=world.users["officer"], call=world.call, user=world.users["analyst"]
        )
    with pytest.raises(NotAllowed):  # the chair runs meetings, the officers seat the members
        commission.commission_member_add(actor=world.users["chair"], call=world.call, user=newcomer)
    assert newcomer not in commission.eligible_members(call=world.call)
    assert world.users["member"] not in commission.eligible_members(call=world.call)


def test_a_member_who_voted_stays_on_record(world, meeting):
    _vote(world, meeting, "member", "B", "for")
    seat = CommissionMember.objects.get(call=world.call, user=world.users["member"])
    with pytest.raises(ValidationError, match="stays on record"):
        commission.commission_member_remove(actor=world.users["officer"], member=seat)
    quiet = CommissionMember.objects.get(call=world.call, user=world.users["member2"])
    commission.commission_member_remove(actor=world.users["officer"], member=quiet)
    assert not CommissionMember.objects.filter(pk=quiet.pk).exists()


# --- meetings ----------------------------------------------------------------------------------------------


def test_voting_opens_once_one_meeting_at_a_time_and_only_with_business(world, meeting):
    with pytest.raises(ValidationError, match="already been opened"):
        commission.meeting_open(actor=world.users["officer"], meeting=meeting)
    second = commission.meeting_plan(
        actor=world.users["officer"], call=world.call, title="Meeting 2", held_on=timezone.localdate()
    )
    with pytest.raises(ValidationError, match="Voting is open at “Meeting 1”"):
        commission.meeting_open(actor=world.users["officer"], meeting=second)
    with pytest.raises(ValidationError) as error:
        commission.meeting_plan(
            actor=world.users["officer"], call=world.call, title="  ", held_on=timezone.localdate()
        )
    assert "title" in error.value.message_dict
    with pytest.raises(NotAllowed):
        commission.meeting_open(actor=world.users["member"], meeting=second)
    commission.meeting_close(actor=world.users["officer"], meeting=meeting)
    world.call.applications.update(state="review")
    with pytest.raises(ValidationError, match="No application is before the commission"):
        commission.meeting_open(actor=world.users["officer"], meeting=second)


# --- votes -------------------------------------------------------------------------------------------------


def test_votes_change_until_voting_closes(world, meeting):
    first = _vote(world, meeting, "member", "B", "against")
    again = _vote(world, meeting, "member", "B", "for")
    assert first.pk == again.pk and Vote.objects.get(pk=first.pk).choice == "for"
    with pytest.raises(ValidationError, match="allowed: for, against, abstain"):
        _vote(world, meeting, "member", "B", "maybe")
    commission.meeting_close(actor=world.users["chair"], meeting=meeting)
    with pytest.raises(NotAllowed, match="voting is not open"):
        _vote(world, meeting, "member", "B", "against")


def test_a_conflicted_member_cannot_vote_and_outsiders_neither(world, meeting):
    with pytest.raises(NotAllowed, match="conflict of interest"):
        _vote(world, meeting, "conflicted", "A", "for")
    _vote(world, meeting, "conflicted", "B", "for")  # no conflict on B
    for who in ("officer", "applicant", "reviewer"):
        with pytest.raises(NotAllowed):
            _vote(world, meeting, who, "B", "for")
    assert list(Vote.objects.values_list("member__username", "application__number")) == [
        ("conflicted", "2026-B")
    ]


def test_quorum_and_majority_by_hand(world, meeting):
    _cast_scenario(world, meeting)
    results = {r.application.number: r for r in commission.meeting_results(meeting=meeting)}
    share = world.call.quorum_share
    a, b, c, d = (results[f"2026-{n}"] for n in "ABCD")
    assert (a.votes_for, a.votes_against, a.abstentions, a.members) == (2, 0, 0, 3)  # K has a conflict on A
    assert [u.username for u in a.conflicted] == ["conflicted"]
    assert a.quorum_met(share) and a.majority_for  # 2 > 0.5 x 3; 2 of 2 for
    assert (b.voted, b.members) == (3, 4) and b.quorum_met(share) and not b.majority_for  # 2 x 1 > 3 fails
    assert (c.voted, c.members) == (1, 4) and not c.quorum_met(share)  # 1 > 2 fails
    assert d.voted == 0 and not d.quorum_met(share)


def test_a_vote_recorded_before_a_conflict_was_found_does_not_count(world, meeting):
    from clusterworks.web.programme.models import Conflict

    _vote(world, meeting, "member", "B", "for")
    Conflict.objects.create(application=world.apps["B"], expert=world.users["member"], source="joint_project")
    b = next(r for r in commission.meeting_results(meeting=meeting) if r.application == world.apps["B"])
    assert (b.votes_for, b.members) == (0, 3)


# --- minutes and decisions ------------------------------------------------------------------------------


def test_closing_writes_the_minutes(world, meeting):
    _cast_scenario(world, meeting)
    commission.meeting_close(actor=world.users["chair"], meeting=meeting)
    meeting.refresh_from_db()
    text = meeting.minutes
    assert "Members of the commission: Helen Chair (chair); Kate Conflicted; Mark Member; member2." in text
    assert "Present (voted at least once): Helen Chair; Mark Member; member2." in text
    assert "Kate Conflicted does not vote on application 2026-A: Declared by the expert." in text
    assert "Application 2026-B “Project B” (K Biomedical): for 1, against 0, abstained 1 of 4" not in text
    assert "Application 2026-B “Project B” (K Biomedical): for 1, against 1, abstained 1 of 4 members" in text
    assert "The quorum is not met; the commission has not decided on it." in text  # C and D
    assert text.count("Suggested decision: Fund in full.") == 1  # A, no allocation adopted
    assert "Suggested decision: Reject." in text  # B
    commission.meeting_minutes_update(
        actor=world.users["officer"], meeting=meeting, minutes=text + "\nCorrected."
    )
    meeting.refresh_from_db()
    assert meeting.minutes.endswith("Corrected.")
    with pytest.raises(ValidationError, match="cannot be empty"):
        commission.meeting_minutes_update(actor=world.users["chair"], meeting=meeting, minutes=" ")
    with pytest.raises(NotAllowed):
        commission.meeting_minutes_update(actor=world.users["member"], meeting=meeting, minutes="Mine")


def _adopt(world):
    run = allocation.allocation_run(actor=world.users["officer"], call=world.call)
    return allocation.allocation_adopt(actor=world.users["chair"], run=run)


def test_the_chair_records_decisions_through_the_workflow(world, meeting):
    _cast_scenario(world, meeting)
    _adopt(world)  # A partial, B full, C partial, D none
    with pytest.raises(ValidationError, match="once voting has closed"):
        commission.meeting_decide(
            actor=world.users["chair"], meeting=meeting, application=world.apps["A"], decision="fund_partly"
        )
    commission.meeting_close(actor=world.users["chair"], meeting=meeting)
    # A: majority for and the allocation funds it in part -> fund_partly, no reason needed
    commission.meeting_decide(
        actor=world.users["chair"], meeting=meeting, application=world.apps["A"], decision="fund_partly"
    )
    # "fund" in full is not what the allocation gives A
    world.reload()
    assert world.apps["A"].state == "partly_funded"
    change = StateChange.objects.get(application=world.apps["A"])
    assert (change.transition, change.actor) == ("fund_partly", world.users["chair"])
    # B: no majority for -> reject suggested; funding it anyway needs a reason
    with pytest.raises(ValidationError) as error:
        commission.meeting_decide(
            actor=world.users["chair"], meeting=meeting, application=world.apps["B"], decision="fund"
        )
    assert "give the reason" in error.value.message_dict["comment"][0]
    commission.meeting_decide(
        actor=world.users["chair"],
        meeting=meeting,
        application=world.apps["B"],
        decision="fund",
        comment="Strategic for the region",
    )
    # C: the allocation gives it a part, so "fund" in full is refused whatever the reason
    with pytest.raises(ValidationError, match="follows it is “Fund in part”"):
        commission.meeting_decide(
            actor=world.users["chair"],
            meeting=meeting,
            application=world.apps["C"],
            decision="fund",
            comment="because",
        )
    # D: no quorum, no suggestion: a rejection needs a reason too
    with pytest.raises(ValidationError, match="give the reason"):
        commission.meeting_decide(
            actor=world.users["chair"], meeting=meeting, application=world.apps["D"], decision="reject"
        )
    world.reload()
    assert (world.apps["B"].state, world.apps["C"].state) == ("funded", "commission")
    meeting.refresh_from_db()
    assert "Application 2026-A “Project A”: Fund in part." in meeting.minutes
    assert "Application 2026-B “Project B”: Fund in full. Reason: Strategic for the region" in meeting.minutes


def test_only_the_chair_without_a_conflict_decides(world, meeting):
    _adopt(world)
    commission.meeting_close(actor=world.users["officer"], meeting=meeting)
    for who in ("officer", "member"):
        with pytest.raises(NotAllowed):
            commission.meeting_decide(
                actor=world.users[who],
                meeting=meeting,
                application=world.apps["D"],
                decision="reject",
                comment="No quorum; rejected",
            )
    from clusterworks.web.programme.models import Conflict

    Conflict.objects.create(application=world.apps["D"], expert=world.users["chair"], source="declared")
    with pytest.raises(NotAllowed, match="conflict of interest"):
        commission.meeting_decide(
            actor=world.users["chair"],
            meeting=meeting,
            application=world.apps["D"],
            decision="reject",
            comment="No quorum; rejected",
        )
    world.reload()
    assert world.apps["D"].state == "commission"


def test_the_ballot_hides_a_conflicted_application_entirely(world, meeting):
    entries = {e.number: e for e in commission.ballot(user=world.users["conflicted"], meeting=meeting)}
    assert entries["2026-A"].application is None and not entries["2026-A"].reviews
    assert entries["2026-B"].can_vote and entries["2026-B"].score == pytest.approx(
        90.0
    )  # (2 x 9 + 9) / 3 x 10
    member = {e.number: e for e in commission.ballot(user=world.users["member"], meeting=meeting)}
    reviews = member["2026-A"].reviews
    assert [r.label for r in reviews] == ["Reviewer 1", "Reviewer 2"]  # anonymised, in assignment order
    assert [r.total for r in reviews] == [pytest.approx(100.0)] * 2
    assert reviews[0].comment == "reviewer on A: sound plan"


# --- pages -------------------------------------------------------------------------------------------------

WHO = ["admin", "officer", "chair", "member", "conflicted", "applicant", "other_manager", "officer_elsewhere"]
# the written policy: officers and the chair run the commission's pages (commission.manage); every member
# has a ballot; nobody else
# fmt: off
EXPECTED = {
    #              admin officer chair member conflicted applicant other_manager officer_elsewhere
    "commission": (200,  200,    200,  403,   403,       403,      403,          403),
    "meeting":    (200,  200,    200,  403,   403,       403,      403,          403),
    "minutes":    (200,  200,    200,  403,   403,       403,      403,          403),
    "ballot":     (200,  403,    200,  200,   200,       403,      403,          403),
}
# fmt: on


@pytest.mark.parametrize("page", list(EXPECTED))
def test_who_may_open_the_commission_pages(client, world, meeting, page):
    url = {
        "commission": reverse("programme-commission", args=[world.call.key]),
        "meeting": reverse("programme-meeting", args=[meeting.pk]),
        "minutes": reverse("programme-meeting-minutes", args=[meeting.pk]),
        "ballot": reverse("programme-ballot", args=[meeting.pk]),
    }[page]
    for who, status in zip(WHO, EXPECTED[page], strict=True):
        client.force_login(world.users[who])
        assert client.get(url).status_code == status, (page, who)
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("login"))


def test_the_conflicted_members_ballot_page(client, world, meeting):
    client.force_login(world.users["conflicted"])
    url = reverse("programme-ballot", args=[meeting.pk])
    html = client.get(url).content.decode()
    assert "Application 2026-A: conflict of interest — you do not vote." in html
    assert "Project A" not in html and "reviewer on A" not in html and "Summary of project A" not in html
    assert f'name="vote-{world.apps["A"].pk}"' not in html
    assert f'name="vote-{world.apps["B"].pk}"' in html and "Project B" in html
    # a vote forged for A is refused, and the ballot's other votes are not half-saved
    response = client.post(url, {f"vote-{world.apps['B'].pk}": "for", f"vote-{world.apps['A'].pk}": "for"})
    assert response.status_code == 403
    assert not Vote.objects.exists()


def test_a_member_votes_on_the_ballot_page(client, world, meeting):
    client.force_login(world.users["member"])
    url = reverse("programme-ballot", args=[meeting.pk])
    html = client.get(url).content.decode()
    assert "Reviewer 1" in html and "reviewer on A: sound plan" in html
    assert "Rita" not in html and "reviewer2" not in html.replace("reviewer2 on", "")  # reviewers anonymous
    response = client.post(
        url, {f"vote-{world.apps['A'].pk}": "for", f"vote-{world.apps['B'].pk}": "abstain"}
    )
    assert response.status_code == 302
    assert dict(Vote.objects.values_list("application__number", "choice")) == {
        "2026-A": "for",
        "2026-B": "abstain",
    }
    html = client.get(url).content.decode()
    assert f'name="vote-{world.apps["B"].pk}" value="abstain" checked' in html


def test_the_meeting_page_opens_closes_and_records_decisions(client, world):
    client.force_login(world.users["officer"])
    response = client.post(
        reverse("programme-commission", args=[world.call.key]),
        {"action": "plan", "title": "Final meeting", "held_on": "2026-11-30"},
    )
    meeting = Meeting.objects.get(title="Final meeting")
    assert response["Location"] == reverse("programme-meeting", args=[meeting.pk])
    url = reverse("programme-meeting", args=[meeting.pk])
    client.post(url, {"action": "open"})
    meeting.refresh_from_db()
    assert meeting.opened_at is not None
    _cast_scenario(world, meeting)
    _adopt(world)
    client.post(url, {"action": "close"})
    meeting.refresh_from_db()
    assert meeting.closed_at is not None and "Minutes of the meeting “Final meeting”" in meeting.minutes
    html = client.get(url).content.decode()
    assert 'data-outcome="for"' in html and 'data-outcome="no-quorum"' in html
    assert "programme-meeting-decide" not in html and "/decide/" not in html  # officers do not decide
    decide = reverse("programme-meeting-decide", args=[meeting.pk, "2026-A"])
    prefix = f"d{world.apps['A'].pk}"
    for who in ("officer", "member", "conflicted", "applicant", "other_manager"):
        client.force_login(world.users[who])
        assert client.post(decide, {f"{prefix}-decision": "fund_partly"}).status_code == 403, who
    client.force_login(world.users["chair"])
    html = client.get(url).content.decode()
    assert "/decide/2026-A/" in html
    assert client.post(decide, {f"{prefix}-decision": "fund_partly"}).status_code == 302
    world.reload()
    assert world.apps["A"].state == "partly_funded"


def test_the_commission_page_manages_members(client, world):
    newcomer = user_with_role(Role.COMMISSION_MEMBER, username="newcomer")
    url = reverse("programme-commission", args=[world.call.key])
    client.force_login(world.users["chair"])
    html = client.get(url).content.decode()
    assert "Add a member" not in html and "Plan a meeting" in html
    assert client.post(url, {"action": "add", "user": newcomer.pk}).status_code == 403
    client.force_login(world.users["officer"])
    assert client.post(url, {"action": "add", "user": newcomer.pk, "chair": "on"}).status_code == 302
    assert CommissionMember.objects.get(call=world.call, chair=True).user == newcomer


def test_only_the_commissions_members_vote_and_count(world, meeting):
    # an administrator may act everywhere, but does not sit on the commission: no vote of theirs
    with pytest.raises(ValidationError, match="Only the commission's members vote"):
        _vote(world, meeting, "admin", "B", "for")
    Vote.objects.create(
        meeting=meeting, application=world.apps["B"], member=world.users["admin"], choice="for"
    )
    b = next(r for r in commission.meeting_results(meeting=meeting) if r.application == world.apps["B"])
    assert (b.voted, b.members) == (0, 4)  # one written past the service is not counted either


def test_my_ballots_lists_only_the_users_own_commissions(client, world, meeting):
    url = reverse("programme-my-ballots")
    ballot = reverse("programme-ballot", args=[meeting.pk])
    client.force_login(world.users["conflicted"])
    assert ballot in client.get(url).content.decode()
    for who in ("applicant", "officer", "other_manager"):
        client.force_login(world.users[who])
        html = client.get(url).content.decode()
        assert ballot not in html and "No meeting of a commission you sit on yet." in html, who
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("login"))
