"""The allocation of a call's envelope (services.allocation) and its pages: the exact allocation against
hand-worked numbers, the greedy comparison, the sensitivity, the reasons in words, infeasible rules,
adoption; who may open, run and adopt.

The world (world_decisions.py) is the allocation library's hand-worked example scaled by 10,000
roubles: envelope 1,000,000, cap 700,000 per cluster; A (K, 300,000-500,000, score 100), B (K,
400,000 all or nothing, 90), C (L, 200,000-400,000, 60), D (L, 100,000, 40, below the minimum 50).
By hand: greedy funds A in full (500,000), leaving 200,000 of K's cap, too little for B; C gets its
400,000: 100 x 500,000 + 60 x 400,000 = 74,000,000. The optimum cuts A to its floor so that B fits
under the cap (300,000 + 400,000 = 700,000) and C gets the 300,000 left: 100 x 300,000 + 90 x 400,000
+ 60 x 300,000 = 84,000,000, a gain of 10,000,000 (13.5 %).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from clusterworks.web.core.permissions import NotAllowed
from clusterworks.web.programme.models import AllocationRun, Award, Sector
from clusterworks.web.programme.services import allocation
from tests.web.programme.world_decisions import build_world

D = Decimal


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def run(world):
    return allocation.allocation_run(actor=world.users["officer"], call=world.call)


def _lines(run):
    return {line.application.number: line for line in run.lines.select_related("application")}


def test_the_exact_allocation_matches_the_hand_worked_optimum(world, run):
    lines = _lines(run)
    assert {n: line.awarded for n, line in lines.items()} == {
        "2026-A": D("300000.00"),
        "2026-B": D("400000.00"),
        "2026-C": D("300000.00"),
        "2026-D": D("0.00"),
    }
    assert {n: (line.status, line.reason) for n, line in lines.items()} == {
        "2026-A": ("partial", "cut-by-envelope+cluster-cap"),
        "2026-B": ("full", "funded-in-full"),
        "2026-C": ("partial", "cut-by-envelope"),
        "2026-D": ("none", "below-min-score"),
    }
    assert lines["2026-A"].requested == D("500000.00")  # the budget's federal column
    assert run.objective == pytest.approx(84_000_000)  # score x roubles, by hand above
    assert run.optimal and run.method == "exact" and run.score_method == "robust" and not run.adopted
    assert run.envelope == D("1000000.00")


def test_greedy_and_sensitivity_are_kept_with_the_run(world, run):
    summary = run.summary
    assert summary["greedy"]["objective"] == pytest.approx(74_000_000)  # by hand in the module doc
    assert summary["gain"] == pytest.approx(10_000_000)
    assert summary["gain_share"] == pytest.approx(10 / 74)
    a, c = world.apps["A"].pk, world.apps["C"].pk
    assert summary["greedy"]["awarded"][str(a)] == 500_000_00  # kopecks
    # at 900,000: K keeps A 300,000 + B 400,000 (66,000,000) and C gets the 200,000 left, its floor
    # (12,000,000): 78,000,000 beats A 500,000 + C 400,000 (74,000,000). At 1,100,000 C gets its full
    # 400,000: 66,000,000 + 24,000,000 = 90,000,000. Only C's amount changes.
    low, high = summary["sensitivity"]
    assert (low["factor"], low["envelope"], low["objective"]) == (0.9, 900_000_00, pytest.approx(78_000_000))
    assert (low["entered"], low["left"], low["changed"]) == ([], [], [[c, 300_000_00, 200_000_00]])
    assert (high["envelope"], high["objective"]) == (1_100_000_00, pytest.approx(90_000_000))
    assert high["changed"] == [[c, 300_000_00, 400_000_00]]


def test_the_report_totals_groups_and_the_life_science_share(world, run):
    report = allocation.allocation_report(run=run)
    assert report.requested == D("1400000.00")  # 500 + 400 + 400 + 100 thousand
    assert report.awarded == D("1000000.00") and report.left == D("0.00")
    sectors = {g.label: (g.awarded, g.greedy) for g in report.sectors}
    assert sectors == {
        "Biotechnology, pharmaceuticals and medicine": (D("700000.00"), D("500000.00")),
        "ICT": (D("300000.00"), D("400000.00")),
    }
    clusters = {g.label: (g.awarded, g.maximum) for g in report.clusters}
    assert clusters["K Biomedical"] == (D("700000.00"), D("700000.00"))  # the cap is reached
    # biotech/pharma/medicine: A + B = 700,000 of 1,000,000 awarded, one cluster (K)
    assert report.life_science_awarded == D("700000.00")
    assert report.life_science_share == pytest.approx(0.7) and report.life_science_clusters == 1
    assert [case.changed for case in report.cases] == [
        [("2026-C", D("300000.00"), D("200000.00"))],
        [("2026-C", D("300000.00"), D("400000.00"))],
    ]
    assert [r.reason for r in report.rows if r.line.application.number == "2026-A"] == [
        "Funded in part: the envelope is used up and the cluster's cap is reached."
    ]


ENVELOPE_AND_CAP = "Funded in part: the envelope is used up and the cluster's cap is reached."
ALL_THREE = (
    "Not funded: what is left of the envelope, of the cluster's cap and of the sector's maximum is less than "
    "the least viable amount."
)


@pytest.mark.parametrize(
    ("status", "code", "text"),
    [
        ("full", "funded-in-full", "Funded in full."),
        ("none", "below-min-score", "Not funded: the score is below the call's minimum score."),
        ("partial", "cut-by-sector-max", "Funded in part: the sector's maximum is reached."),
        ("partial", "cut-by-cluster-cap+envelope", ENVELOPE_AND_CAP),
        ("none", "cut-by-envelope+cluster-cap+sector-max", ALL_THREE),
        ("none", "cut-by-something-new", "cut-by-something-new"),  # an unknown code is shown as it is
    ],
)
def test_reason_codes_in_words(status, code, text):
    assert allocation.reason_text(status, code) == text


def test_z_scores_are_weighed_as_t_scores():
    assert allocation.allocation_score(1.5, "z") == 65.0  # 50 + 10 x 1.5
    assert allocation.allocation_score(-6.0, "z") == 0.0  # 50 - 60 < 0: counts as 0
    assert allocation.allocation_score(59.99999999999999, "raw") == 60.0  # noise never decides


def test_applications_without_a_review_or_a_request_are_left_out(world):
    from clusterworks.web.programme.models import BudgetItem, Review

    Review.objects.filter(assignment__application=world.apps["D"]).update(submitted_at=None)  # drafts
    BudgetItem.objects.filter(application=world.apps["C"]).update(federal=0)
    run = allocation.allocation_run(actor=world.users["officer"], call=world.call)
    assert set(_lines(run)) == {"2026-A", "2026-B"}
    assert run.summary["unscored"] == [world.apps["D"].pk]
    assert run.summary["no_request"] == [world.apps["C"].pk]
    # A and B alone: K's cap of 700,000 holds A at 300,000 with B 400,000 (100 x 300 + 90 x 400 thousand =
    # 66,000,000) rather than A 500,000 alone (50,000,000)
    assert run.objective == pytest.approx(66_000_000)


def test_infeasible_rules_give_the_librarys_message_and_store_nothing(world):
    # biotech/pharma/medicine at least 95 % of the envelope = 950,000, but its applications are all in K,
    # whose cap is 700,000
    Sector.objects.filter(call=world.call, key="biopharma-med").update(min_share=95)
    with pytest.raises(ValidationError) as error:
        allocation.allocation_run(actor=world.users["officer"], call=world.call)
    message = error.value.message_dict["rules"][0]
    assert "biopharma-med" in message and "950,000.00" in message and "cannot be met" in message
    assert not AllocationRun.objects.exists()


def test_a_sector_maximum_binds_and_is_named(world):
    # ICT at most 25 % = 250,000: C is cut to 250,000 by the sector's maximum (and the envelope has 50,000
    # left, less than D's 100,000 -- D is below the minimum score anyway)
    Sector.objects.filter(call=world.call, key="ict").update(max_share=25)
    run = allocation.allocation_run(actor=world.users["officer"], call=world.call)
    c = _lines(run)["2026-C"]
    assert (c.awarded, c.status, c.reason) == (D("250000.00"), "partial", "cut-by-sector-max")
    report = allocation.allocation_report(run=run)
    ict = next(g for g in report.sectors if g.label == "ICT")
    assert ict.maximum == D("250000.00") and ict.minimum is None


def test_nothing_to_allocate_and_unknown_methods_are_named(world):
    from clusterworks.web.programme.models import Application

    with pytest.raises(ValidationError) as error:
        allocation.allocation_run(actor=world.users["officer"], call=world.call, score_method="median")
    assert "allowed: raw, z, robust" in error.value.message_dict["score_method"][0]
    Application.objects.filter(call=world.call).update(state="review")
    with pytest.raises(ValidationError) as error:
        allocation.allocation_run(actor=world.users["officer"], call=world.call)
    assert "nothing to allocate" in error.value.message_dict["call"][0]


def test_one_adopted_run_per_call_and_none_after_awards(world, run):
    second = allocation.allocation_run(actor=world.users["officer"], call=world.call, score_method="raw")
    allocation.allocation_adopt(actor=world.users["chair"], run=run)
    allocation.allocation_adopt(actor=world.users["officer"], run=second)
    assert list(AllocationRun.objects.filter(adopted=True)) == [second]
    assert allocation.adopted_run(call=world.call) == second
    Award.objects.create(application=world.apps["B"], amount=D("400000"), awarded_on=timezone.localdate())
    with pytest.raises(ValidationError, match="no longer change"):
        allocation.allocation_adopt(actor=world.users["officer"], run=run)
    assert allocation.adopted_run(call=world.call) == second


def test_the_services_check_who_may_run_and_adopt(world, run):
    for who in ("chair", "member", "applicant", "officer_elsewhere"):
        with pytest.raises(NotAllowed):
            allocation.allocation_run(actor=world.users[who], call=world.call)
    for who in ("member", "conflicted", "applicant", "officer_elsewhere", "analyst"):
        with pytest.raises(NotAllowed):
            allocation.allocation_adopt(actor=world.users[who], run=run)


# --- pages -------------------------------------------------------------------------------------------------

# the written policy: the commission's pages are for the programme's officers and the chair
# (commission.manage); running an allocation is the officers' (call.manage); anonymous visitors sign in
WHO = ["admin", "officer", "chair", "member", "conflicted", "applicant", "other_manager", "officer_elsewhere"]
# fmt: off
EXPECTED = {
    #                   admin officer chair member conflicted applicant other_manager officer_elsewhere
    "allocations":     (200,  200,    200,  403,   403,       403,      403,          403),
    "allocation":      (200,  200,    200,  403,   403,       403,      403,          403),
}
# fmt: on


@pytest.mark.parametrize("page", list(EXPECTED))
def test_who_may_open_the_allocation_pages(client, world, run, page):
    url = {
        "allocations": reverse("programme-allocations", args=[world.call.key]),
        "allocation": reverse("programme-allocation", args=[run.pk]),
    }[page]
    for who, status in zip(WHO, EXPECTED[page], strict=True):
        client.force_login(world.users[who])
        assert client.get(url).status_code == status, (page, who)
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("login"))


def test_running_from_the_page_officers_only(client, world):
    url = reverse("programme-allocations", args=[world.call.key])
    client.force_login(world.users["chair"])
    assert client.post(url, {"score_method": "robust"}).status_code == 403
    assert not AllocationRun.objects.exists()
    client.force_login(world.users["officer"])
    response = client.post(url, {"score_method": "raw"})
    run = AllocationRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "programme-allocation", args=[run.pk]
    )
    assert run.score_method == "raw"


def test_the_allocation_page_shows_amounts_reasons_comparison_and_chart(client, world, run):
    client.force_login(world.users["chair"])
    html = client.get(reverse("programme-allocation", args=[run.pk])).content.decode()
    assert "RUB\xa01,000,000.00" in html  # the envelope, formatted for English
    assert "Funded in part: the envelope is used up and the cluster&#x27;s cap is reached." in html
    assert "Not funded: the score is below the call&#x27;s minimum score." in html
    assert "74,000,000" in html and "84,000,000" in html and "13.5%" in html  # greedy vs exact, by hand
    assert "<svg" in html and "<desc>" in html  # the chart of awarded vs requested, with its text
    mark = "2026-A K Biomedical: RUB\xa0300,000.00 awarded of RUB\xa0500,000.00 requested"
    assert f"<title>{mark}</title>" in html  # each bar says what it shows
    assert "70.0%" in html  # biotech, pharma and medicine: 700,000 of 1,000,000
    assert "2026-C: RUB\xa0300,000.00 → RUB\xa0200,000.00" in html  # the sensitivity at -10 %
    assert "Adopt this allocation" in html


def test_a_conflicted_officer_sees_the_application_by_number_only(client, world, run):
    from clusterworks.web.programme.models import Conflict

    Conflict.objects.create(application=world.apps["C"], expert=world.users["officer"], source="declared")
    client.force_login(world.users["officer"])
    html = client.get(reverse("programme-allocation", args=[run.pk])).content.decode()
    assert "Project C" not in html and "Project A" in html
    assert "Conflict of interest: you do not see this application." in html


def test_adopting_from_the_page(client, world, run):
    url = reverse("programme-allocation-adopt", args=[run.pk])
    for who in ("member", "conflicted", "applicant", "other_manager", "officer_elsewhere"):
        client.force_login(world.users[who])
        assert client.post(url).status_code == 403, who
    client.logout()
    assert client.post(url)["Location"].startswith(reverse("login"))
    run.refresh_from_db()
    assert not run.adopted
    client.force_login(world.users["chair"])
    assert client.post(url).status_code == 302
    run.refresh_from_db()
    assert run.adopted


def test_infeasible_rules_show_on_the_page(client, world):
    Sector.objects.filter(call=world.call, key="biopharma-med").update(min_share=95)
    client.force_login(world.users["officer"])
    response = client.post(
        reverse("programme-allocations", args=[world.call.key]), {"score_method": "robust"}
    )
    assert response.status_code == 200
    assert "infeasible rules: sector biopharma-med" in response.content.decode()
