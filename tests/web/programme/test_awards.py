"""Awards and monitoring (services.awards) and their pages: awards made from the adopted allocation and
signed in the workflow, the payment schedule, progress reports, the programme's dashboard, the award
letter; who may open each page.

The world (world_decisions.py) with its exact allocation adopted: A 300,000 (in part), B 400,000 (in
full), C 300,000 (in part), D nothing (module doc of test_allocation.py). The commission decided A
``partly_funded`` and B ``funded``; C is still before it and D rejected.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from clusterworks.web.core.permissions import NotAllowed
from clusterworks.web.programme.models import Application, Award, Payment, ProgressReport, StateChange
from clusterworks.web.programme.services import allocation, awards
from tests.web.programme.world_decisions import build_world

D = Decimal
AWARDED_ON = dt.date(2026, 10, 31)
INDICATORS = {
    "output_per_employee": D("2500000.00"),
    "participants": 48,
    "joint_projects": 6,
    "jobs": 35,
    "cofinancing_received": D("75000.00"),
    "narrative": "The prototyping centre opened.",
}


@pytest.fixture
def world(db):
    world = build_world()
    run = allocation.allocation_run(actor=world.users["officer"], call=world.call)
    allocation.allocation_adopt(actor=world.users["chair"], run=run)
    for name, state in (("A", "partly_funded"), ("B", "funded"), ("D", "rejected")):
        Application.objects.filter(pk=world.apps[name].pk).update(state=state)
    world.reload()
    return world


@pytest.fixture
def made(world):
    return awards.awards_create(
        actor=world.users["officer"], call=world.call, awarded_on=AWARDED_ON, instalment_count=3
    )


def test_awards_follow_the_adopted_allocation_and_sign_in_the_workflow(world, made):
    assert [(a.application.number, a.amount, a.letter_number) for a in made] == [
        ("2026-A", D("300000.00"), "2026/001"),
        ("2026-B", D("400000.00"), "2026/002"),
    ]
    world.reload()
    assert (world.apps["A"].state, world.apps["B"].state, world.apps["C"].state) == (
        "awarded",
        "awarded",
        "commission",
    )
    assert dict(StateChange.objects.values_list("application__number", "transition")) == {
        "2026-A": "sign_partial_award",
        "2026-B": "sign_award",
    }
    # making the awards again adds none
    assert awards.awards_create(actor=world.users["officer"], call=world.call) == []


def test_the_schedule_is_equal_instalments_every_three_months(world, made):
    b = Award.objects.get(application=world.apps["B"])
    # 400,000.00 / 3 = 133,333.33 with 1 kopeck left over, which goes to the first instalment; the first is
    # due 30 days after 31 October (30 November), then 28 February (no 30th) and 30 May
    assert list(b.payments.values_list("due_on", "amount")) == [
        (dt.date(2026, 11, 30), D("133333.34")),
        (dt.date(2027, 2, 28), D("133333.33")),
        (dt.date(2027, 5, 30), D("133333.33")),
    ]
    assert sum(b.payments.values_list("amount", flat=True)) == b.amount


def test_awards_need_an_adopted_allocation_and_an_officer(world):
    from clusterworks.web.programme.models import AllocationRun

    with pytest.raises(NotAllowed):
        awards.awards_create(actor=world.users["chair"], call=world.call)
    with pytest.raises(ValidationError) as error:
        awards.awards_create(actor=world.users["officer"], call=world.call, instalment_count=13)
    assert "instalment_count" in error.value.message_dict
    AllocationRun.objects.update(adopted=False)
    with pytest.raises(ValidationError, match="Adopt an allocation"):
        awards.awards_create(actor=world.users["officer"], call=world.call)


def test_changing_the_schedule_keeps_paid_instalments_and_the_total(world, made):
    a = Award.objects.get(application=world.apps["A"])  # 3 x 100,000
    first = a.payments.order_by("due_on").first()
    awards.payment_mark_paid(actor=world.users["officer"], payment=first, paid_on=dt.date(2026, 11, 30))
    with pytest.raises(ValidationError, match="already paid"):
        awards.payment_mark_paid(actor=world.users["officer"], payment=first, paid_on=dt.date(2026, 11, 30))
    with pytest.raises(ValidationError) as error:
        awards.payment_schedule_set(
            actor=world.users["officer"], award=a, rows=[(dt.date(2027, 1, 15), D("150000"))]
        )
    assert "must add up to the award, RUB\xa0300,000.00" in error.value.messages[0]  # 100,000 + 150,000
    with pytest.raises(ValidationError) as error:
        awards.payment_schedule_set(
            actor=world.users["officer"],
            award=a,
            rows=[(dt.date(2026, 1, 1), D("200000")), (dt.date(2027, 3, 1), D("0"))],
        )
    assert error.value.messages == [
        "Instalment 1: the due date cannot be before the award (2026-10-31).",
        "Instalment 2: the amount must be more than 0.",
    ]
    payments = awards.payment_schedule_set(
        actor=world.users["officer"],
        award=a,
        rows=[(dt.date(2027, 1, 15), D("50000")), (dt.date(2027, 4, 15), D("150000"))],
    )
    assert len(payments) == 2
    assert list(a.payments.order_by("due_on").values_list("amount", "paid_on")) == [
        (D("100000.00"), dt.date(2026, 11, 30)),
        (D("50000.00"), None),
        (D("150000.00"), None),
    ]
    with pytest.raises(NotAllowed):
        awards.payment_schedule_set(actor=world.users["applicant"], award=a, rows=[])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="today or before"):
        awards.payment_mark_paid(actor=world.users["officer"], payment=payments[0], paid_on=tomorrow)


def test_progress_reports_drafts_submission_acceptance(world, made):
    a = Award.objects.get(application=world.apps["A"])
    year = AWARDED_ON.year
    draft = awards.progress_report_save(
        actor=world.users["applicant"], award=a, period=year, values={"participants": 40}
    )
    assert draft.submitted_at is None and draft.participants == 40
    with pytest.raises(ValidationError) as error:
        awards.progress_report_save(
            actor=world.users["manager"],
            award=a,
            period=year,
            values={"participants": 40, "jobs": -1},
            submit=True,
        )
    errors = error.value.message_dict
    assert errors["jobs"] == ["The value cannot be negative."]
    assert set(errors) == {"output_per_employee", "joint_projects", "jobs", "cofinancing_received"}
    with pytest.raises(ValidationError, match=f"Reports are for the years {year} to"):
        awards.progress_report_save(actor=world.users["applicant"], award=a, period=year - 1, values={})
    with pytest.raises(ValidationError, match="not submitted yet"):
        awards.progress_report_accept(actor=world.users["officer"], report=draft)
    report = awards.progress_report_save(
        actor=world.users["manager"], award=a, period=year, values=INDICATORS, submit=True
    )
    assert report.pk == draft.pk and report.submitted_at is not None
    with pytest.raises(NotAllowed):
        awards.progress_report_accept(actor=world.users["applicant"], report=report)
    awards.progress_report_accept(actor=world.users["officer"], report=report)
    with pytest.raises(ValidationError, match="accepted and no longer changes"):
        awards.progress_report_save(actor=world.users["applicant"], award=a, period=year, values=INDICATORS)
    for who in ("other_manager", "officer", "member", "l_applicant"):
        with pytest.raises(NotAllowed):
            awards.progress_report_save(actor=world.users[who], award=a, period=year, values={})


def test_the_dashboard_figures_by_hand(world, made):
    a = Award.objects.get(application=world.apps["A"])
    b = Award.objects.get(application=world.apps["B"])
    awards.payment_mark_paid(
        actor=world.users["officer"],
        payment=a.payments.order_by("due_on").first(),
        paid_on=dt.date(2026, 11, 30),
    )
    for award, values in (
        (a, INDICATORS),
        (b, {**INDICATORS, "output_per_employee": D("1500000"), "jobs": 5}),
    ):
        report = awards.progress_report_save(
            actor=world.users["applicant"], award=award, period=2026, values=values, submit=True
        )
        awards.progress_report_accept(actor=world.users["officer"], report=report)
    data = awards.programme_dashboard(programme=world.programme, today=dt.date(2027, 1, 1))
    (call,) = data.calls
    # requested: A 500,000 + B 400,000 + C 400,000 + D 100,000 (no drafts); awarded A 300,000 + B 400,000
    assert (call.applications, call.requested, call.awarded) == (4, D("1400000"), D("700000"))
    assert [(key, n) for key, _name, n in data.states] == [("commission", 1), ("rejected", 1), ("awarded", 2)]
    assert data.by_sector == [("Biotechnology, pharmaceuticals and medicine", D("700000"))]
    assert data.by_region == [("Moscow", D("700000"))]
    # paid: A's first 100,000; overdue on 1 January 2027: B's first, 133,333.34, due 30 November 2026;
    # due in the next 90 days (to 1 April 2027): A's and B's second instalments, 28 February
    assert (data.paid, data.overdue, data.due_soon) == (D("100000"), D("133333.34"), D("233333.33"))
    assert data.payments_by_year == [(2026, D("233333.34"), D("100000")), (2027, D("466666.66"), D("0"))]
    series = {s.key: s.points for s in data.indicators}
    assert series["jobs"] == [(2026, D(40))]  # 35 + 5
    assert series["output_per_employee"] == [(2026, D("2000000.00"))]  # mean of 2,500,000 and 1,500,000
    assert series["cofinancing_received"] == [(2026, D("150000.00"))]


# --- pages -------------------------------------------------------------------------------------------------

WHO = [
    "admin",
    "officer",
    "chair",
    "member",
    "conflicted",
    "applicant",
    "manager",
    "other_manager",
    "analyst",
    "officer_elsewhere",
]
# the written policy: officers run the awards (call.manage); the funded cluster reads its award and reports
# on it (award.report); the dashboard is for the programme's officers and analysts (programme.dashboard)
# fmt: off
EXPECTED = {
    #            admin officer chair member conflict. applicant manager other_manager analyst officer_else.
    "awards":   (200,  200,    403,  403,   403,       403,      403,    403,          403,    403),
    "award":    (200,  200,    403,  403,   403,       200,      200,    403,          403,    403),
    "letter":   (200,  200,    403,  403,   403,       200,      200,    403,          403,    403),
    "payments": (200,  200,    403,  403,   403,       403,      403,    403,          403,    403),
    "report":   (200,  200,    403,  403,   403,       200,      200,    403,          403,    403),
    "export":   (200,  200,    403,  403,   403,       403,      403,    403,          403,    403),
    "dashboard": (200, 200,    403,  403,   403,       403,      403,    403,          200,    403),
}
# fmt: on


@pytest.mark.parametrize("page", list(EXPECTED))
def test_who_may_open_the_award_pages(client, world, made, page):
    award = made[0]
    url = {
        "awards": reverse("programme-awards", args=[world.call.key]),
        "award": reverse("programme-award", args=[award.pk]),
        "letter": reverse("programme-award-letter", args=[award.pk]),
        "payments": reverse("programme-award-payments", args=[award.pk]),
        "report": reverse("programme-award-report", args=[award.pk, 2026]),
        "export": reverse("programme-awards-export", args=[world.call.key, "csv"]),
        "dashboard": reverse("programme-dashboard", args=[world.programme.key]),
    }[page]
    for who, status in zip(WHO, EXPECTED[page], strict=True):
        client.force_login(world.users[who])
        assert client.get(url).status_code == status, (page, who)
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("login"))


def test_making_and_publishing_awards_on_the_page(client, world):
    client.force_login(world.users["officer"])
    url = reverse("programme-awards", args=[world.call.key])
    response = client.post(url, {"action": "create", "awarded_on": "2026-10-31", "instalment_count": "1"})
    assert response.status_code == 302
    assert list(Award.objects.values_list("application__number", "amount")) == [
        ("2026-A", D("300000.00")),
        ("2026-B", D("400000.00")),
    ]
    assert Payment.objects.count() == 2
    client.post(url, {"action": "publish"})
    assert set(Award.objects.values_list("public", flat=True)) == {True}
    html = client.get(url).content.decode()
    assert "RUB\xa0700,000.00" in html  # the total awarded


def test_the_award_letter(client, world, made):
    client.force_login(world.users["applicant"])
    html = client.get(reverse("programme-award-letter", args=[made[1].pk])).content.decode()
    assert "Award letter No. 2026/002" in html
    assert "A subsidy of RUB\xa0400,000.00 is awarded." in html
    assert "RUB\xa0133,333.34 by Nov. 30, 2026" in html
    assert "5% to 30%" in html  # the call's co-financing range


def test_the_report_page_submit_and_accept(client, world, made):
    award = made[0]
    url = reverse("programme-award-report", args=[award.pk, 2026])
    client.force_login(world.users["other_manager"])
    assert client.post(url, {"action": "submit", **INDICATORS}).status_code == 403
    client.force_login(world.users["manager"])
    response = client.post(url, {"action": "submit", "participants": "12"})
    assert (
        response.status_code == 200
        and "Give this indicator to submit the report." in response.content.decode()
    )
    assert client.post(url, {"action": "submit", **INDICATORS}).status_code == 302
    report = ProgressReport.objects.get(award=award, period=2026)
    assert report.submitted_at is not None and report.jobs == 35
    assert client.post(url, {"action": "accept"}).status_code == 403
    client.force_login(world.users["officer"])
    assert client.post(url, {"action": "accept"}).status_code == 302
    report.refresh_from_db()
    assert report.accepted


def test_the_payments_page_changes_the_schedule(client, world, made):
    award = made[0]  # A: 300,000 in 3 x 100,000
    url = reverse("programme-award-payments", args=[award.pk])
    client.force_login(world.users["officer"])
    data = {
        "action": "schedule",
        "payments-TOTAL_FORMS": "3",
        "payments-INITIAL_FORMS": "0",
        "payments-0-due_on": "2027-01-10",
        "payments-0-amount": "100000",
        "payments-1-due_on": "2027-02-10",
        "payments-1-amount": "100000",
        "payments-2-due_on": "",
        "payments-2-amount": "",
    }
    response = client.post(url, data)
    assert response.status_code == 400 and "must add up to the award" in response.content.decode()
    assert award.payments.count() == 3  # nothing half-saved
    data["payments-1-amount"] = "200000"
    assert client.post(url, data).status_code == 302
    assert list(award.payments.order_by("due_on").values_list("amount", flat=True)) == [
        D("100000"),
        D("200000"),
    ]


def test_the_dashboard_page_has_charts_and_numbers(client, world, made):
    client.force_login(world.users["analyst"])
    html = client.get(reverse("programme-dashboard", args=[world.programme.key])).content.decode()
    assert html.count("<svg") >= 4  # calls, states, payments, sectors, regions
    assert "RUB\xa0700,000.00" in html and "Pilot clusters 2026" in html
    assert 'data-state="awarded">Award signed: 2<' in html
