"""Applications: who may apply as whom, the answers by kind, the budget's totals and rules (expected
values computed by hand in the comments), revisions and their differences, submission with every
problem at once, the deadline, withdrawal and the eligibility checklist."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clusterworks.web.core.permissions import NotAllowed
from clusterworks.web.programme.models import (
    Application,
    Attachment,
    BudgetItem,
    Notification,
    Revision,
    StateChange,
)
from clusterworks.web.programme.services import applications as services
from clusterworks.web.programme.services.applications import Amounts
from clusterworks.web.programme.services.workflow import in_app_only, notify
from tests.factories import CallFactory, RegionFactory, UserFactory
from tests.web.programme.world_calls import VALID_BUDGET, build_world

D = Decimal


@pytest.fixture
def world(db):
    return build_world()


def _options(world, who):
    return {
        (o.cluster.key, o.organisation.key, o.as_manager)
        for o in services.applicant_options(user=world.users[who], call=world.call)
    }


# --- who applies --------------------------------------------------------------------------------------


def test_who_may_apply_as_whom(world):
    assert _options(world, "rep_member") == {("medtech", "eurogen", False)}
    assert _options(world, "manager") == {("medtech", "pirogov", True)}  # the cluster's coordinator
    assert _options(world, "other_manager") == {("aero", "aerotech", True)}
    assert _options(world, "rep_former") == set()  # left the cluster last year
    assert _options(world, "rep_partner") == set()  # no member of any cluster
    assert _options(world, "expert") == set()
    world.call.eligible_clusters.set([world.aero])
    assert _options(world, "rep_member") == set()
    world.call.eligible_clusters.clear()
    world.call.eligible_regions.set([RegionFactory(code="RU-KLU")])
    assert _options(world, "manager") == set() and _options(world, "other_manager") == {
        ("aero", "aerotech", True)
    }


def test_a_draft_is_created_numbered_with_its_first_revision(world):
    first = services.application_create(
        actor=world.users["rep_member"],
        call=world.call,
        cluster=world.medtech,
        applicant=world.member,
        title="  Engineering centre ",
    )
    second = services.application_create(
        actor=world.users["manager"],
        call=world.call,
        cluster=world.medtech,
        applicant=world.coordinator,
        title="Training centre",
        sector=world.call.sectors.get(key="other"),
    )
    assert (first.number, second.number) == ("2026-0001", "2026-0002")
    assert first.title == "Engineering centre" and first.region_id == "RU-MOW" and first.state == "draft"
    assert first.revision == 1 and Revision.objects.get(application=first).snapshot["fields"]["title"] == (
        "Engineering centre"
    )


def test_creating_refuses_the_wrong_applicant_region_and_sector(world):
    def create(who, **kwargs):
        values = {
            "call": world.call,
            "cluster": world.medtech,
            "applicant": world.member,
            "title": "T",
            **kwargs,
        }
        return services.application_create(actor=world.users[who], **values)

    with pytest.raises(ValidationError) as raised:
        create("manager")  # a manager applies through the coordinator, not through any member
    assert raised.value.message_dict["applicant"][0].startswith(
        "Eurogen cannot apply for Medical technologies as you"
    )
    with pytest.raises(ValidationError) as raised:
        create("rep_member", region=RegionFactory(code="RU-KLU"))
    assert raised.value.message_dict["region"] == [
        "Kaluga Oblast is not a region of Medical technologies that the call admits; allowed: Moscow."
    ]
    other = CallFactory(programme=world.programme)
    with pytest.raises(ValidationError) as raised:
        create("rep_member", sector=other.sectors.create(key="x", name_en="X"))
    assert raised.value.message_dict["sector"] == [
        "“X” is not a sector of this call; allowed: Biotech, pharma and medicine, Other."
    ]
    with pytest.raises(NotAllowed):
        create("expert")
    with pytest.raises(NotAllowed):
        create("rep_former", applicant=world.former)
    assert not Application.objects.exists()


def test_a_cluster_with_several_regions_chooses_one(world):
    kaluga = RegionFactory(code="RU-KLU")
    world.medtech.regions.add(kaluga)
    with pytest.raises(ValidationError) as raised:
        services.application_create(
            actor=world.users["rep_member"],
            call=world.call,
            cluster=world.medtech,
            applicant=world.member,
            title="T",
        )
    assert raised.value.message_dict["region"] == [
        "Medical technologies has several regions the call admits; choose one: Kaluga Oblast, Moscow."
    ]
    application = services.application_create(
        actor=world.users["rep_member"],
        call=world.call,
        cluster=world.medtech,
        applicant=world.member,
        title="T",
        region=kaluga,
    )
    assert application.region == kaluga


def test_a_closed_call_takes_no_new_drafts(world):
    Application.objects.all().delete()
    world.call.closes_at = timezone.now() - dt.timedelta(minutes=1)
    world.call.save()
    with pytest.raises(NotAllowed):
        services.application_create(
            actor=world.users["rep_member"],
            call=world.call,
            cluster=world.medtech,
            applicant=world.member,
            title="T",
        )


# --- answers --------------------------------------------------------------------------------------------


def test_answers_are_checked_by_kind_and_length(world):
    questions = list(world.call.questions.all())
    assert services.answers_clean(
        questions, {"strategy": "  Grow.  ", "jobs": "1 250,50", "pilot": "no"}
    ) == {
        "strategy": "Grow.",
        "jobs": "1250.50",
        "pilot": False,
    }
    assert services.answers_clean(questions, {"jobs": "40", "pilot": ""}) == {"jobs": "40"}
    with pytest.raises(ValidationError) as raised:
        services.answers_clean(
            questions, {"strategy": "x" * 501, "jobs": "forty", "pilot": "maybe", "color": "red"}
        )
    assert raised.value.message_dict == {
        "answers": ["No such questions in this call: color; the questions are: jobs, pilot, strategy."],
        "answers.strategy": [
            "“Development strategy”: the answer has 501 characters; at most 500 are allowed."
        ],
        "answers.jobs": ["“New jobs”: “forty” is not a number."],
        "answers.pilot": ["“A pilot cluster?”: answer yes or no."],
    }


def test_update_reports_every_problem_and_saves_nothing(world):
    application = world.draft()
    with pytest.raises(ValidationError) as raised:
        services.application_update(
            actor=world.users["rep_member"],
            application=application,
            data={"title": " ", "floor": D("-1")},
            answers={"jobs": "x"},
        )
    assert set(raised.value.message_dict) == {"title", "floor", "answers.jobs"}
    assert raised.value.message_dict["floor"] == [
        "The least viable amount must be above 0 and at most RUB\xa09,999,999,999,999.99; leave it empty for "
        "all or nothing."
    ]
    application.refresh_from_db()
    assert application.title == "Shared preclinical research centre" and application.revision == 1


def test_only_applicants_update_and_only_drafts_before_the_deadline(world):
    application = world.draft()
    for who in ("officer", "other_manager", "expert", "rep_partner"):
        with pytest.raises(NotAllowed):
            services.application_update(actor=world.users[who], application=application, data={"title": "X"})
    # a co-applicant's representative sees the draft but does not change it (permissions.is_lead_applicant)
    services.co_applicant_add(
        actor=world.users["rep_member"], application=application, organisation=world.partner
    )
    with pytest.raises(NotAllowed):
        services.application_update(
            actor=world.users["rep_partner"], application=application, data={"title": "Y"}
        )
    services.application_update(actor=world.users["rep_member"], application=application, data={"title": "Y"})
    assert Application.objects.get(pk=application.pk).title == "Y"
    Application.objects.filter(pk=application.pk).update(state="submitted")
    application.refresh_from_db()
    with pytest.raises(NotAllowed):
        services.application_update(
            actor=world.users["rep_member"], application=application, data={"title": "Z"}
        )
    Application.objects.filter(pk=application.pk).update(state="draft")
    world.call.closes_at = timezone.now() - dt.timedelta(seconds=1)
    world.call.save()
    application.refresh_from_db()
    with pytest.raises(NotAllowed):
        services.application_update(
            actor=world.users["rep_member"], application=application, data={"title": "Z"}
        )
    assert Application.objects.get(pk=application.pk).title == "Y"


# --- the budget ------------------------------------------------------------------------------------------


def _lines(world):
    return services.call_lines(world.call)


def test_budget_totals_and_shares_by_hand(world):
    cells = {
        ("support", 2026): Amounts(D("30"), D("5"), D("1")),
        ("support", 2027): Amounts(D("30"), D("5"), D("0")),
        ("training", 2028): Amounts(D("40"), D("8"), D("2")),
    }
    budget = services.budget_evaluate(call=world.call, lines=_lines(world), cells=cells)
    assert budget.years == [2026, 2027, 2028]
    # rows: support = 60 / 10 / 1, training = 40 / 8 / 2; columns: 2026 = 30/5/1, 2027 = 30/5/0, 2028 = 40/8/2
    assert [r.total for r in budget.rows] == [Amounts(D(60), D(10), D(1)), Amounts(D(40), D(8), D(2))]
    assert budget.year_totals == [
        Amounts(D(30), D(5), D(1)),
        Amounts(D(30), D(5), D(0)),
        Amounts(D(40), D(8), D(2)),
    ]
    assert budget.total == Amounts(D(100), D(18), D(3)) and budget.total.total == D(121)
    # regional / (federal + regional) = 18 / 118; support 60 / 100; training 40 / 100
    assert budget.regional_share == D(18) * 100 / D(118)
    assert [r.share for r in budget.rows] == [D(60), D(40)]
    assert budget.problems == []


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        # regional 4 / (96 + 4) = 4 %, below 5 %
        (
            {("training", 2026): Amounts(D(96), D(4))},
            "The regional co-financing is 4.00% of the federal and "
            "regional money together; the call requires 5.00% to 30.00%.",
        ),
        # 31 / (69 + 31) = 31 %, above 30 %
        (
            {("training", 2026): Amounts(D(69), D(31))},
            "The regional co-financing is 31.00% of the federal and "
            "regional money together; the call requires 5.00% to 30.00%.",
        ),
        # support 61 of 100 federal, above its 60 %
        (
            {("support", 2026): Amounts(D(61), D(10)), ("training", 2026): Amounts(D(39), D(10))},
            "“Cluster organisation support” takes 61.00% of the federal request; the call allows at most "
            "60.00%.",
        ),
        # 200 000 000.01 > the cap of 200 000 000
        (
            {("training", 2026): Amounts(D("200000000.01"), D("20000000"))},
            "The federal request of RUB\xa0200,000,000.01 is more than the call's cap per cluster, "
            "RUB\xa0200,000,000.00.",
        ),
        ({("training", 2029): Amounts(D(1))}, "2029 is outside the budget's years, 2026 to 2028."),
        (
            {("infrastructure", 2026): Amounts(D(1))},
            "“infrastructure” is not an expenditure line of this call; the lines are: support, training.",
        ),
        (
            {("training", 2026): Amounts(D(10), D(2), D(-1))},
            "“Training”, 2026, own funds: RUB\xa0-1.00 is not allowed; amounts are 0 to "
            "RUB\xa09,999,999,999,999.99.",
        ),
    ],
)
def test_budget_rules(world, cells, message):
    budget = services.budget_evaluate(call=world.call, lines=_lines(world), cells=cells)
    assert [p.message for p in budget.problems] == [message]


def test_budget_bounds_are_included(world):
    # regional 5 / (95 + 5) = exactly 5 %; 30 / (70 + 30) = exactly 30 %; support 60 of 100 = its limit
    for cells in (
        {("training", 2026): Amounts(D(95), D(5))},
        {("training", 2026): Amounts(D(70), D(30))},
        {("support", 2026): Amounts(D(60), D(10)), ("training", 2026): Amounts(D(40), D(10))},
    ):
        assert services.budget_evaluate(call=world.call, lines=_lines(world), cells=cells).problems == []


def test_budget_save_keeps_rule_breaks_but_refuses_bad_cells(world):
    application = world.draft()
    actor = world.users["rep_member"]
    budget = services.budget_save(
        actor=actor,
        application=application,
        cells={("training", 2026): Amounts(D(96), D(4)), ("support", 2027): Amounts()},
    )
    assert len(budget.problems) == 1  # the co-financing share: a draft may break it for a while
    assert list(BudgetItem.objects.filter(application=application).values_list("line__key", "year")) == [
        ("training", 2026)
    ]
    with pytest.raises(ValidationError) as raised:
        services.budget_save(
            actor=actor,
            application=application,
            cells={("training", 2026): Amounts(D(50)), ("training", 2031): Amounts(D(1))},
        )
    assert raised.value.message_dict == {"budget": ["2031 is outside the budget's years, 2026 to 2028."]}
    assert BudgetItem.objects.get(application=application).federal == D(96)  # nothing half-saved
    with pytest.raises(NotAllowed):
        services.budget_save(actor=world.users["officer"], application=application, cells={})


# --- revisions ---------------------------------------------------------------------------------------------


def test_every_change_is_a_revision_and_an_unchanged_save_is_none(world):
    application = world.draft()
    actor = world.users["rep_member"]
    services.application_update(actor=actor, application=application, data={"summary": "A centre."})
    services.application_update(actor=actor, application=application, data={"summary": "A centre."})  # same
    services.budget_save(
        actor=actor, application=application, cells={("support", 2026): Amounts(D(100), D(10))}
    )
    partner = services.co_applicant_add(
        actor=actor, application=application, organisation=world.partner, role="site"
    )
    services.co_applicant_remove(actor=actor, co_applicant=partner)
    numbers = list(
        Revision.objects.filter(application=application).order_by("number").values_list("number", flat=True)
    )
    assert numbers == [1, 2, 3, 4, 5]
    application.refresh_from_db()
    assert application.revision == 5
    snapshots = {r.number: r.snapshot for r in Revision.objects.filter(application=application)}
    assert snapshots[3]["budget"] == [
        {"line": "support", "year": 2026, "federal": "100.00", "regional": "10.00", "own": "0.00"}
    ]
    assert snapshots[4]["co_applicants"] == [
        {"organisation": "rogachev", "name": "Rogachev Centre", "role": "site"}
    ]
    changes = services.revision_changes(call=world.call, old=snapshots[2], new=snapshots[4])
    assert [(c.what, c.old, c.new) for c in changes] == [
        ("Budget: Cluster organisation support, 2026, federal subsidy", "RUB\xa00.00", "RUB\xa0100.00"),
        ("Budget: Cluster organisation support, 2026, regional co-financing", "RUB\xa00.00", "RUB\xa010.00"),
        ("Co-applicant: Rogachev Centre", "—", "site"),
    ]
    changes = services.revision_changes(call=world.call, old=snapshots[1], new=snapshots[2])
    assert [(c.what, c.old, c.new) for c in changes] == [("Summary", "", "A centre.")]


# --- submission and withdrawal ----------------------------------------------------------------------------


def test_submission_reports_every_problem_at_once(world):
    application = world.draft(summary="")
    BudgetItem.objects.create(
        application=application,
        line=world.call.lines.get(key="training"),
        year=2026,
        federal=D(96),
        regional=D(4),
    )
    application.floor = D(1000)
    application.answers = {"strategy": "x" * 501}
    application.save()
    with pytest.raises(ValidationError) as raised:
        services.application_submit(actor=world.users["rep_member"], application=application)
    assert raised.value.message_dict == {
        "summary": ["Describe the project in the summary."],
        "sector": ["Choose the sector; the call's sectors are: Biotech, pharma and medicine, Other."],
        "answers.strategy": [
            "“Development strategy”: the answer has 501 characters; at most 500 are allowed."
        ],
        "answers.jobs": ["“New jobs” is required; answer it."],
        "budget": [
            "The regional co-financing is 4.00% of the federal and regional money together; the call "
            "requires 5.00% to 30.00%."
        ],
        "floor": [
            "The least viable amount, RUB\xa01,000.00, is more than the federal request, RUB\xa096.00."
        ],
    }
    application.refresh_from_db()
    assert application.state == "draft" and not StateChange.objects.exists()


def test_a_complete_draft_is_submitted_and_the_applicants_told(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    application = world.complete(world.draft())
    assert services.application_problems(application) == []
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(actor=world.users["manager"], application=application, comment="Ready.")
    application.refresh_from_db()
    assert application.state == "submitted" and application.submitted_at is not None
    change = StateChange.objects.get(application=application)
    assert (change.source, change.target, change.actor, change.comment) == (
        "draft",
        "submitted",
        world.users["manager"],
        "Ready.",
    )
    told = set(Notification.objects.values_list("user__username", flat=True))
    # the author, the representative of the applicant, the cluster's manager
    assert told == {"rep-member", "manager"}
    assert len(mailoutbox) == 2
    with pytest.raises(ValidationError):  # submitted already
        services.application_submit(actor=world.users["manager"], application=application)


def test_after_the_deadline_a_draft_is_not_submitted(world):
    application = world.complete(world.draft())
    world.call.closes_at = timezone.now() - dt.timedelta(seconds=1)
    world.call.save()
    application.refresh_from_db()
    with pytest.raises(ValidationError) as raised:
        services.application_submit(actor=world.users["rep_member"], application=application)
    assert raised.value.message_dict == {
        "deadline": ["The call is not open for applications: its deadline has passed or it has not opened."]
    }
    assert Application.objects.get(pk=application.pk).state == "draft"


def test_officers_and_other_clusters_cannot_submit(world):
    application = world.complete(world.draft())
    for who in ("officer", "other_manager", "expert"):
        with pytest.raises(NotAllowed):
            services.application_submit(actor=world.users[who], application=application)
    assert Application.objects.get(pk=application.pk).state == "draft"


def test_withdrawal_from_draft_and_from_submitted(world):
    draft = world.draft()
    services.application_withdraw(
        actor=world.users["rep_member"], application=draft, comment="Not this year."
    )
    assert Application.objects.get(pk=draft.pk).state == "withdrawn"
    submitted = world.complete(world.draft())
    services.application_submit(actor=world.users["rep_member"], application=submitted)
    with pytest.raises(NotAllowed):
        services.application_withdraw(actor=world.users["officer"], application=submitted)
    services.application_withdraw(
        actor=world.users["manager"], application=Application.objects.get(pk=submitted.pk)
    )
    assert StateChange.objects.filter(application=submitted).values_list("transition", flat=True).last() == (
        "withdraw_submitted"
    )
    screening = world.draft(state="screening")
    with pytest.raises(ValidationError) as raised:
        services.application_withdraw(actor=world.users["rep_member"], application=screening)
    assert raised.value.messages == ["The application can no longer be withdrawn."]


# --- the eligibility checklist ---------------------------------------------------------------------------


def test_the_checklist_is_computed_from_the_data(world):
    good = world.complete(world.draft())
    Attachment.objects.create(
        application=good, title="Strategy", file="programme/x/s.pdf", size=1, sha256="0" * 64
    )
    Application.objects.filter(pk=good.pk).update(
        state="screening", submitted_at=world.call.closes_at - dt.timedelta(days=1)
    )
    bad = world.draft(applicant=world.former, title="By a former member")
    world.call.eligible_clusters.set([world.aero])
    good.refresh_from_db()
    checklists = services.screening_checklists(world.call, [good, bad])
    ok = {a: {c.key: c.ok for c in checks} for a, checks in checklists.items()}
    assert ok[good.pk] == {
        "cluster": False,  # the call now admits only aero
        "region": True,
        "applicant": True,
        "budget": True,
        "answers": True,
        "attachments": True,
        "deadline": True,
    }
    assert ok[bad.pk] == {
        "cluster": False,
        "region": True,
        "applicant": False,  # left the cluster
        "budget": False,  # no budget
        "answers": False,
        "attachments": False,
        "deadline": False,
    }
    detail = {c.key: c.detail for c in checklists[bad.pk]}
    assert detail["applicant"] == "Old Lab is not a current member."
    assert detail["budget"] == "The budget requests no federal subsidy."
    assert (
        detail["answers"]
        == "“Development strategy” is required; answer it. “New jobs” is required; answer it."
    )


def test_the_officers_selectors(world):
    first = world.complete(world.draft())
    second = world.draft(cluster=world.aero, applicant=world.aerotech, region=world.aero.regions.get())
    Application.objects.filter(pk=second.pk).update(state="submitted")
    counts = {key: n for key, _name, n in services.state_counts(world.call)}
    assert counts["draft"] == 1 and counts["submitted"] == 1 and counts["review"] == 0
    rows = services.call_applications(call=world.call)
    federal = {a.number: a.federal for a in rows}
    assert federal == {first.number: D("100000000.00"), second.number: None}
    assert services.requested_totals(rows) == Amounts(D("100000000"), D("18000000"), D("5000000"))
    assert list(services.call_applications(call=world.call, cluster=world.aero)) == [
        Application.objects.get(pk=second.pk)
    ]
    assert sum(v[0] for v in VALID_BUDGET.values()) == D("100000000")
    mine = set(services.applications_of(world.users["other_manager"]).values_list("number", flat=True))
    assert mine == {second.number}
    assert set(services.applications_of(world.users["rep_partner"])) == set()


# --- notifications ------------------------------------------------------------------------------------


def test_notification_e_mails_leave_at_the_commit_and_never_for_a_rolled_back_change(
    transactional_db, mailoutbox
):
    """A real transaction (``transactional_db``: no test-wide transaction around it), so that commit and
    rollback run the ``on_commit`` callbacks as in production."""
    user = UserFactory(username="ann", email="ann@example.org", preferred_language="en")
    with pytest.raises(RuntimeError), transaction.atomic():
        assert notify(users=[user], text_en="Rolled back", text_ru="Отменено") == 1
        assert Notification.objects.filter(user=user).count() == 1  # in the inbox, inside the transaction
        raise RuntimeError("the change fails after notifying")
    assert mailoutbox == [] and not Notification.objects.exists()  # neither e-mail nor inbox row
    with transaction.atomic():
        notify(users=[user], text_en="Committed", text_ru="Сохранено")
        assert mailoutbox == []  # not before the commit
    # the subject is "Clusterworks: " and the text (workflow.notify); the body the text and the url ("")
    assert [(m.to, m.subject, m.body) for m in mailoutbox] == [
        (["ann@example.org"], "Clusterworks: Committed", "Committed\n\n")
    ]
    assert list(Notification.objects.values_list("text", flat=True)) == ["Committed"]
    with transaction.atomic(), in_app_only():
        notify(users=[user], text_en="In the app", text_ru="В приложении")
    assert len(mailoutbox) == 1  # in_app_only counts when notifying, though the commit comes after it
