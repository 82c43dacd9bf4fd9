"""Conflicts of interest: detection from the registry (each kind of tie, the look-back, idempotence, a
bounded number of queries), self-declaration, and the register pages with their permissions."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clusterworks.web.core.models import AuditEvent
from clusterworks.web.core.permissions import NotAllowed
from clusterworks.web.programme.models import Assignment, Conflict, Review
from clusterworks.web.programme.services.conflicts import declare_conflict, detect_conflicts
from clusterworks.web.registry.models import Affiliation, JointProject, ProjectParticipation
from tests.factories import ApplicationFactory, OrganisationFactory
from tests.web.programme.world_review import TODAY, build_world, expert

#: the world's conflicts, from the table in world_review.py: (application, expert, source, detail)
#: the projects' and agreements' years are counted back from today
YEAR = TODAY.year
EXPECTED = {
    ("A1", "ex_applicant", "applicant", "Applicant"),
    ("A1", "ex_co", "co_applicant", "Partner"),
    ("A1", "ex_member", "cluster_member", "Member — Cluster X"),
    ("A1", "ex_project", "joint_project", f"“Neuro” ({YEAR - 2}–…): Lab, Applicant"),
    ("A1", "ex_agreement", "agreement", f"“Supply of reagents” ({YEAR - 1}–…): Lab2, Partner"),
    ("A1", "member_a", "applicant", "Applicant"),
}


@pytest.fixture
def world(db):
    return build_world()


def _found(world) -> set[tuple[str, str, str, str]]:
    numbers = {a.pk: key for key, a in world.apps.items()}
    names = {u.pk: key for key, u in world.users.items()}
    return {
        (numbers[c.application_id], names[c.expert_id], c.source, c.detail)
        for c in Conflict.objects.filter(application__call=world.call)
    }


def test_each_tie_in_the_registry_is_a_conflict_and_nothing_else(world):
    detection = detect_conflicts(call=world.call, today=TODAY)
    assert _found(world) == EXPECTED
    assert (detection.added, detection.removed, detection.unchanged) == (6, 0, 0)
    # every created conflict is in the audit log (bulk writes record themselves)
    assert AuditEvent.objects.filter(model="programme.Conflict", action="create").count() == 6


def test_the_look_back_is_the_calls(world):
    """The "Neuro" project (2 years ago, still running) and the agreement (signed a year ago, no end) count
    with any look-back; "Old" ended 5 years ago and counts with a look-back of 5 years, not 4."""
    world.call.conflict_years = 5
    world.call.save()
    detect_conflicts(call=world.call, today=TODAY)
    old = ("A1", "ex_old", "joint_project", f"“Old” ({YEAR - 8}–{YEAR - 5}): Oldlab, Applicant")
    assert _found(world) == EXPECTED | {old}
    world.call.conflict_years = 4  # the cutoff is 4 years back; Old ended 5 years back
    world.call.save()
    detection = detect_conflicts(call=world.call, today=TODAY)
    assert _found(world) == EXPECTED and detection.removed == 1


def test_rerunning_is_idempotent_and_drops_only_detected_conflicts_that_no_longer_hold(world):
    detect_conflicts(call=world.call, today=TODAY)
    declared = Conflict.objects.create(
        application=world.apps["A2"], expert=world.users["ex_clean"], source="declared", detail="My cousin"
    )
    again = detect_conflicts(call=world.call, today=TODAY)
    assert (again.added, again.removed, again.unchanged) == (0, 0, 6)
    # the member's affiliation ends: that conflict goes, the declared one stays
    Affiliation.objects.filter(person__user=world.users["ex_member"]).update(end=TODAY - dt.timedelta(days=1))
    later = detect_conflicts(call=world.call, today=TODAY)
    assert (later.added, later.removed, later.unchanged) == (0, 1, 5)
    assert _found(world) == (EXPECTED - {("A1", "ex_member", "cluster_member", "Member — Cluster X")}) | {
        ("A2", "ex_clean", "declared", "My cousin")
    }
    assert Conflict.objects.filter(pk=declared.pk).exists()
    assert AuditEvent.objects.filter(model="programme.Conflict", action="delete").count() == 1


def test_drafts_and_withdrawn_applications_are_not_checked(world):
    world.apps["A1"].state = "withdrawn"
    world.apps["A1"].save()
    detect_conflicts(call=world.call, today=TODAY)
    assert not Conflict.objects.exists()  # D is a draft, A1 withdrawn, A2 has no ties


def test_detection_reads_a_fixed_number_of_queries(world):
    """Not a query per expert, application or pair: ten more of each change no read."""
    with CaptureQueriesContext(connection) as small:
        detect_conflicts(call=world.call, today=TODAY)
    # ten more experts tied to the applicant and ten more applications with co-applicants and projects
    for i in range(10):
        user = expert(f"more{i}")
        from tests.web.programme.world_review import user_with_role_for

        user_with_role_for(user, "organisation_representative", organisation=world.orgs["Applicant"])
        application = ApplicationFactory(
            call=world.call, cluster=world.cluster, applicant=world.orgs["Member"],
            created_by=world.users["rep_applicant"], state="review",
        )  # fmt: skip
        partner = OrganisationFactory()
        application.partners.create(organisation=partner)
        project = JointProject.objects.create(title=f"P{i}", start=TODAY - dt.timedelta(days=30))
        ProjectParticipation.objects.create(project=project, organisation=partner)
        ProjectParticipation.objects.create(project=project, organisation=world.orgs["Lab"])
    Conflict.objects.all().delete()
    with CaptureQueriesContext(connection) as large:
        detection = detect_conflicts(call=world.call, today=TODAY)
    assert detection.added > 6 + 10
    # the reads are the same; the writes are batched (SQLite takes 999 parameters a statement)
    reads = [
        [q["sql"][:60] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
        for ctx in (small, large)
    ]
    assert reads[0] == reads[1]
    writes = [sum(1 for q in ctx.captured_queries if q["sql"].startswith("INSERT")) for ctx in (small, large)]
    assert writes[1] <= writes[0] + 2


def test_a_new_conflict_removes_the_unreviewed_assignment_and_keeps_a_submitted_review(world):
    a1 = world.apps["A1"]
    unreviewed = Assignment.objects.create(application=a1, reviewer=world.users["ex_co"])
    reviewed = Assignment.objects.create(application=a1, reviewer=world.users["ex_member"])
    Review.objects.create(assignment=reviewed, submitted_at=timezone.now())
    detection = detect_conflicts(call=world.call, today=TODAY)
    assert detection.assignments_removed == 1
    assert not Assignment.objects.filter(pk=unreviewed.pk).exists()
    assert Assignment.objects.filter(pk=reviewed.pk).exists()
    reason = AuditEvent.objects.filter(
        model="programme.Assignment", action="update", object_id=str(unreviewed.pk)
    )
    assert "conflict of interest" in reason.get().changes["reason"][1]


# --- declaring -----------------------------------------------------------------------------------------


def test_a_reviewer_declares_a_conflict_and_loses_the_assignment(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    a2 = world.apps["A2"]
    assignment = Assignment.objects.create(application=a2, reviewer=world.users["ex_clean"])
    Review.objects.create(assignment=assignment)
    with pytest.raises(ValidationError) as error:
        declare_conflict(expert=world.users["ex_clean"], application=a2, detail="  ")
    assert "detail" in error.value.message_dict
    with pytest.raises(NotAllowed):  # not assigned, not on the commission
        declare_conflict(expert=world.users["ex_left"], application=a2, detail="I know them")
    with django_capture_on_commit_callbacks(execute=True):
        conflict = declare_conflict(
            expert=world.users["ex_clean"], application=a2, detail="My brother works there"
        )
    assert (conflict.source, conflict.detail) == ("declared", "My brother works there")
    assert not Assignment.objects.filter(pk=assignment.pk).exists() and not Review.objects.exists()
    changes = AuditEvent.objects.get(model="programme.Assignment", action="update").changes
    assert (
        changes["reason"][1] == "Removed: the expert declared a conflict of interest: My brother works there"
    )
    # the programme's officers are told, in the app (and by e-mail)
    text = "Clara Clean declared a conflict of interest with application 2026-A2."
    assert world.users["officer"].notifications.get().text == text
    assert [m.to for m in mailoutbox] == [["officer@example.org"]] and text in mailoutbox[0].subject


def test_a_commission_member_declares_without_an_assignment(world):
    conflict = declare_conflict(
        expert=world.users["member_a"], application=world.apps["A2"], detail="Adviser"
    )
    assert conflict.expert == world.users["member_a"]


# --- pages -----------------------------------------------------------------------------------------------


def _get(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer", 200), ("officer_elsewhere", 403), ("ex_clean", 403), ("manager", 403), ("analyst", 403)],
)
def test_the_register_is_for_the_calls_officers(client, world, who, status):
    detect_conflicts(call=world.call, today=TODAY)
    response = _get(client, world.users[who], reverse("programme-conflicts", args=[world.call.key]))
    assert response.status_code == status
    csv_response = client.get(reverse("programme-conflicts-csv", args=[world.call.key]))
    assert csv_response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert html.count("data-conflict=") == 6
        assert f"“Neuro” ({YEAR - 2}–…): Lab, Applicant" in html
        rows = list(csv.DictReader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
        assert {(r["application"], r["expert"], r["source"]) for r in rows} == {
            ("2026-A1", "ex_applicant", "applicant"), ("2026-A1", "ex_co", "co_applicant"),
            ("2026-A1", "ex_member", "cluster_member"), ("2026-A1", "ex_project", "joint_project"),
            ("2026-A1", "ex_agreement", "agreement"), ("2026-A1", "member_a", "applicant"),
        }  # fmt: skip
    else:
        assert "Reason" in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get(reverse("programme-conflicts", args=[world.call.key]))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_register_filters_by_source_and_officers_run_the_detection(client, world):
    client.force_login(world.users["officer"])
    response = client.post(reverse("programme-conflicts", args=[world.call.key]))
    assert response.status_code == 302 and Conflict.objects.count() == 6
    page = client.get(reverse("programme-conflicts", args=[world.call.key]), {"source": "applicant"})
    assert page.content.decode().count("data-conflict=") == 2


def test_the_detection_button_is_refused_to_others(client, world):
    client.force_login(world.users["officer_elsewhere"])
    assert client.post(reverse("programme-conflicts", args=[world.call.key])).status_code == 403
    assert not Conflict.objects.exists()


def test_experts_see_their_own_conflicts_only(client, world):
    detect_conflicts(call=world.call, today=TODAY)
    html = _get(client, world.users["ex_co"], reverse("programme-my-conflicts")).content.decode()
    assert html.count("data-conflict=") == 1 and "Partner" in html
    assert "Lab2" not in html and "Member — Cluster X" not in html  # the others' conflicts
    # listed without a link to the application: they cannot open it
    assert 'href="/programme/applications/2026-A1/' not in html
    clean = _get(client, world.users["ex_clean"], reverse("programme-my-conflicts")).content.decode()
    assert "data-conflict=" not in clean


def test_the_declaration_page(client, world):
    a2 = world.apps["A2"]
    Assignment.objects.create(application=a2, reviewer=world.users["ex_clean"])
    url = reverse("programme-declare-conflict", args=[a2.number])
    assert _get(client, world.users["ex_left"], url).status_code == 403  # not assigned
    client.force_login(world.users["ex_clean"])
    assert client.get(url).status_code == 200
    empty = client.post(url, {"detail": ""})
    assert empty.status_code == 200 and "This field is required" in empty.content.decode()
    response = client.post(url, {"detail": "I advised the applicant"})
    assert response.status_code == 302 and response["Location"] == reverse("programme-my-conflicts")
    assert Conflict.objects.get(expert=world.users["ex_clean"]).detail == "I advised the applicant"
    # from now on the expert is shut out of the application, with the reason
    shut = client.get(reverse("programme-review", args=[a2.number]))
    assert shut.status_code == 403
    html = shut.content.decode()
    assert "conflict of interest with this application" in html
    assert a2.title not in html and f'href="{reverse("programme-application", args=[a2.number])}' not in html
