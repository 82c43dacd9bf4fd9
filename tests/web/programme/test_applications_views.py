"""The pages of programmes, calls and applications: who may open each (allowed and refused, incl.
object-level: another cluster's manager, an expert, a co-applicant), and the application's pages end to
end (the form, the budget grid and its live checks, co-applicants, revisions, workflow steps)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from clusterworks.web.programme.models import Application, BudgetItem, CoApplicant, Revision, StateChange
from tests.web.programme.world_calls import build_world

D = Decimal
WHO = [
    "admin",
    "officer",
    "officer_elsewhere",
    "manager",
    "rep_member",
    "rep_partner",
    "other_manager",
    "expert",
]


@pytest.fixture
def world(db):
    world = build_world()
    world.application = world.draft()
    CoApplicant.objects.create(
        application=world.application, organisation=world.partner, role="clinical site"
    )
    return world


def _urls(world) -> dict[str, str]:
    number, call = world.application.number, world.call.key
    return {
        "programme-list": reverse("programme-list"),
        "programme": reverse("programme-detail", args=[world.programme.key]),
        "programme-create": reverse("programme-create"),
        "programme-edit": reverse("programme-edit", args=[world.programme.key]),
        "call": reverse("programme-call", args=[call]),
        "call-create": reverse("programme-call-create", args=[world.programme.key]),
        "call-edit": reverse("programme-call-edit", args=[call]),
        "call-applications": reverse("programme-call-applications", args=[call]),
        "apply": reverse("programme-apply", args=[call]),
        "application": reverse("programme-application", args=[number]),
        "edit": reverse("programme-application-edit", args=[number]),
        "budget": reverse("programme-application-budget", args=[number]),
        "partners": reverse("programme-application-partners", args=[number]),
        "attachments": reverse("programme-application-attachments", args=[number]),
        "history": reverse("programme-application-history", args=[number]),
        "notifications": reverse("programme-notifications"),
    }


# the written policy (programme/permissions.py, docs/programme-guide.md "Who sees what"): 200 = the page
# opens, 403 = refused. The co-applicant's representative sees the draft and its pages but does not change it;
# any cluster's manager may apply (the call is open to every cluster) but not see medtech's draft;
# the officer of another programme neither runs this one nor sees its applications.
# fmt: off
EXPECTED = {
    #                     admin officer elsewhere manager member partner other_manager expert
    "programme-list":    (200,  200,    200,      200,    200,   200,    200,          200),
    "programme":         (200,  200,    200,      200,    200,   200,    200,          200),
    "programme-create":  (200,  200,    200,      403,    403,   403,    403,          403),
    "programme-edit":    (200,  200,    403,      403,    403,   403,    403,          403),
    "call":              (200,  200,    200,      200,    200,   200,    200,          200),
    "call-create":       (200,  200,    403,      403,    403,   403,    403,          403),
    "call-edit":         (200,  200,    403,      403,    403,   403,    403,          403),
    "call-applications": (200,  200,    403,      403,    403,   403,    403,          403),
    "apply":             (200,  403,    403,      200,    200,   403,    200,          403),
    "application":       (200,  200,    403,      200,    200,   200,    403,          403),
    "edit":              (200,  403,    403,      200,    200,   403,    403,          403),
    "budget":            (200,  200,    403,      200,    200,   200,    403,          403),
    "partners":          (200,  200,    403,      200,    200,   200,    403,          403),
    "attachments":       (200,  200,    403,      200,    200,   200,    403,          403),
    "history":           (200,  200,    403,      200,    200,   200,    403,          403),
    "notifications":     (200,  200,    200,      200,    200,   200,    200,          200),
}
# fmt: on


@pytest.mark.parametrize("page", list(EXPECTED))
def test_who_may_open_each_page(client, world, page):
    url = _urls(world)[page]
    for who, expected in zip(WHO, EXPECTED[page], strict=True):
        client.force_login(world.users[who])
        response = client.get(url)
        assert response.status_code == expected, (page, who, response.status_code)
    client.logout()


PUBLIC = {"programme-list", "programme", "call"}


@pytest.mark.parametrize("page", sorted(set(EXPECTED) - PUBLIC))
def test_visitors_are_sent_to_sign_in(client, world, page):
    url = _urls(world)[page]
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_visitors_see_only_published_calls(client, world):
    from tests.factories import CallFactory

    CallFactory(programme=world.programme, key="itc-2027", name_en="ITC support 2027", published=False)
    listing = client.get(reverse("programme-list")).content.decode()
    assert "ITC support 2026" in listing and "ITC support 2027" not in listing
    assert client.get(reverse("programme-call", args=["itc-2027"])).status_code == 403
    client.force_login(world.users["officer"])
    listing = client.get(reverse("programme-list")).content.decode()
    assert "ITC support 2027" in listing and "not published" in listing


def test_the_call_page_shows_its_rules_and_the_apply_button_to_who_may(client, world):
    page = client.get(reverse("programme-call", args=["itc-2026"])).content.decode()
    assert "RUB\xa02,500,000,000.00" in page  # the factory's envelope
    assert "RUB\xa0200,000,000.00" in page  # the cap per cluster
    assert "5.00% to 30.00%" in page
    assert "Development strategy" in page and "up to 500 characters" in page
    assert 'data-criterion="relevance"' in page and "66.67%" in page  # weight 2 of 3
    assert "<svg" in page and 'data-transition="submit"' in page and "stateDiagram-v2" in page
    assert "every cluster" in page
    apply_url = reverse("programme-apply", args=["itc-2026"])
    assert apply_url not in page  # a visitor does not apply
    client.force_login(world.users["rep_member"])
    assert apply_url in client.get(reverse("programme-call", args=["itc-2026"])).content.decode()
    client.force_login(world.users["expert"])
    assert apply_url not in client.get(reverse("programme-call", args=["itc-2026"])).content.decode()


def test_the_call_page_in_russian_formats_amounts_as_roubles(client, world):
    client.cookies["clusterworks_language"] = "ru"
    page = client.get(
        reverse("programme-call", args=["itc-2026"]), HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()
    assert "2\xa0500\xa0000\xa0000,00\xa0₽" in page


# --- a draft, end to end -------------------------------------------------------------------------------


def test_apply_creates_a_draft_as_the_member(client, world):
    client.force_login(world.users["rep_member"])
    url = reverse("programme-apply", args=["itc-2026"])
    page = client.get(url).content.decode()
    assert "Eurogen for Medical technologies" in page
    value = f"{world.medtech.pk}:{world.member.pk}"
    response = client.post(url, {"applicant": value, "title": "Engineering centre", "sector": ""})
    application = Application.objects.get(title="Engineering centre")
    assert response.status_code == 302
    assert response["Location"] == reverse("programme-application-edit", args=[application.number])
    assert (application.cluster, application.applicant, application.region_id) == (
        world.medtech,
        world.member,
        "RU-MOW",
    )
    assert application.state == "draft" and application.revision == 1


def test_apply_refuses_an_organisation_the_user_does_not_speak_for(client, world):
    client.force_login(world.users["rep_member"])
    forged = f"{world.aero.pk}:{world.aerotech.pk}"  # not among the choices
    response = client.post(reverse("programme-apply", args=["itc-2026"]), {"applicant": forged, "title": "X"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Application.objects.filter(title="X").exists()


def test_the_form_saves_fields_and_answers_as_a_revision(client, world):
    client.force_login(world.users["rep_member"])
    number = world.application.number
    url = reverse("programme-application-edit", args=[number])
    data = {
        "title": "Shared preclinical research centre",
        "summary": "A centre.",
        "region": "RU-MOW",
        "sector": world.call.sectors.get(key="other").pk,
        "floor": "1000000",
        "answer_strategy": "Build it.",
        "answer_jobs": "12,5",
        "answer_pilot": "yes",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    application = Application.objects.get(number=number)
    assert application.answers == {"strategy": "Build it.", "jobs": "12.5", "pilot": True}
    assert application.floor == D("1000000.00") and application.revision == 2
    # a bad answer is shown on its field; nothing is saved
    response = client.post(url, {**data, "answer_jobs": "many", "answer_strategy": "x" * 501})
    page = response.content.decode()
    assert response.status_code == 200
    assert "“New jobs”: “many” is not a number." in page
    assert "“Development strategy”: the answer has 501 characters; at most 500 are allowed." in page
    assert Application.objects.get(number=number).revision == 2


def test_budget_check_without_saving_then_save(client, world):
    client.force_login(world.users["manager"])
    number = world.application.number
    url = reverse("programme-application-budget", args=[number])
    cells = {
        "support__2026__federal": "90 000 000",
        "support__2026__regional": "2 000 000",
        "training__2026__federal": "10000000",
    }
    response = client.post(url, {**cells, "action": "check"})
    page = response.content.decode()
    # regional share 2 / (100 + 2) = 1.96 % (below 5 %); support takes 90 / 100 = 90 % (limit 60 %)
    assert "The regional co-financing is 1.96% of the federal and regional money together" in page
    assert (
        "“Cluster organisation support” takes 90.00% of the federal request; the call allows at most 60.00%."
        in page
    )
    assert "Checked as typed; not saved yet." in page
    assert not BudgetItem.objects.filter(application=world.application).exists()
    response = client.post(url, {**cells, "action": "save"})
    assert response.status_code == 302
    items = {
        (i.line.key, i.year): (i.federal, i.regional, i.own)
        for i in BudgetItem.objects.filter(application=world.application)
    }
    assert items == {
        ("support", 2026): (D("90000000.00"), D("2000000.00"), D("0.00")),
        ("training", 2026): (D("10000000.00"), D("0.00"), D("0.00")),
    }
    page = client.get(url).content.decode()
    assert "RUB\xa0100,000,000.00" in page  # the federal total, 90 m + 10 m
    # a negative amount refuses the whole save
    response = client.post(url, {**cells, "training__2026__own": "-5", "action": "save"})
    assert response.status_code == 200 and "amounts are 0 to" in response.content.decode()
    assert BudgetItem.objects.filter(application=world.application).count() == 2


def test_the_budget_form_names_a_cell_that_is_not_a_number(client, world):
    client.force_login(world.users["manager"])
    url = reverse("programme-application-budget", args=[world.application.number])
    response = client.post(url, {"support__2027__own": "12 roubles", "action": "save"})
    assert "“12 roubles” is not an amount" in response.content.decode()
    assert not BudgetItem.objects.exists()


def test_an_expert_cannot_post_to_the_budget(client, world):
    client.force_login(world.users["expert"])
    url = reverse("programme-application-budget", args=[world.application.number])
    assert client.post(url, {"support__2026__federal": "1", "action": "save"}).status_code == 403
    client.force_login(world.users["other_manager"])
    assert client.post(url, {"support__2026__federal": "1", "action": "save"}).status_code == 403
    client.force_login(world.users["officer"])  # sees the application, does not change it
    assert client.post(url, {"support__2026__federal": "1", "action": "save"}).status_code == 403
    assert not BudgetItem.objects.exists()


def test_co_applicants_are_added_and_removed(client, world):
    client.force_login(world.users["rep_member"])
    url = reverse("programme-application-partners", args=[world.application.number])
    response = client.post(url, {"action": "add", "organisation": world.aerotech.pk, "role": "engineering"})
    assert response.status_code == 302
    assert set(world.application.partners.values_list("organisation__key", "role")) == {
        ("rogachev", "clinical site"),
        ("aerotech", "engineering"),
    }
    response = client.post(url, {"action": "add", "organisation": world.member.pk})
    assert "Eurogen is the applicant; a co-applicant is another organisation." in response.content.decode()
    partner = world.application.partners.get(organisation=world.aerotech)
    client.post(url, {"action": "remove", "partner": partner.pk})
    assert list(world.application.partners.values_list("organisation__key", flat=True)) == ["rogachev"]
    # another cluster's manager is refused the change
    client.force_login(world.users["other_manager"])
    assert (
        client.post(url, {"action": "remove", "partner": world.application.partners.get().pk}).status_code
        == 403
    )


def test_history_compares_revisions(client, world):
    client.force_login(world.users["rep_member"])
    number = world.application.number
    client.post(
        reverse("programme-application-budget", args=[number]),
        {"support__2026__federal": "1000", "action": "save"},
    )
    client.post(
        reverse("programme-application-budget", args=[number]),
        {"support__2026__federal": "2000", "support__2026__regional": "300", "action": "save"},
    )
    revisions = list(Revision.objects.filter(application=world.application).order_by("number"))
    assert [r.number for r in revisions] == [1, 2, 3]
    page = client.get(reverse("programme-application-history", args=[number])).content.decode()
    # the default comparison is revision 2 with revision 3
    assert "From revision 2 to revision 3" in page
    assert "Budget: Cluster organisation support, 2026, federal subsidy" in page
    assert "RUB\xa01,000.00" in page and "RUB\xa02,000.00" in page and "RUB\xa0300.00" in page
    page = client.get(
        reverse("programme-application-history", args=[number]), {"a": 1, "b": 2}
    ).content.decode()
    assert "From revision 1 to revision 2" in page and "RUB\xa0300.00" not in page


def test_workflow_buttons_take_steps_with_a_comment(client, world, mailoutbox):
    world.complete(world.application)
    number = world.application.number
    client.force_login(world.users["rep_member"])
    page = client.get(reverse("programme-application", args=[number])).content.decode()
    assert 'data-transition="submit"' in page and 'data-transition="withdraw"' in page
    assert 'data-transition="start_screening"' not in page
    response = client.post(
        reverse("programme-application-transition", args=[number]),
        {"transition": "submit", "comment": "On time."},
    )
    assert response.status_code == 302
    application = Application.objects.get(number=number)
    assert application.state == "submitted" and application.submitted_at is not None
    change = StateChange.objects.get(application=application)
    assert (change.transition, change.actor, change.comment) == (
        "submit",
        world.users["rep_member"],
        "On time.",
    )
    # the officer screens it: the checklist is on the page, every check passes but the attachments
    client.force_login(world.users["officer"])
    client.post(reverse("programme-application-transition", args=[number]), {"transition": "start_screening"})
    page = client.get(reverse("programme-application", args=[number])).content.decode()
    assert 'data-check="budget" data-ok="1"' in page and 'data-check="attachments" data-ok="0"' in page
    assert 'data-transition="eligible"' in page and 'data-transition="ineligible"' in page
    # the applicant cannot take the officer's step
    client.force_login(world.users["rep_member"])
    response = client.post(
        reverse("programme-application-transition", args=[number]), {"transition": "eligible"}
    )
    assert response.status_code == 403
    assert Application.objects.get(number=number).state == "screening"


def test_submitting_an_incomplete_draft_lists_every_problem(client, world):
    client.force_login(world.users["rep_member"])
    number = world.application.number
    response = client.post(
        reverse("programme-application-transition", args=[number]), {"transition": "submit"}, follow=True
    )
    page = response.content.decode()
    assert "“Submit” is not taken; correct these first:" in page
    for message in (
        "Describe the project in the summary.",
        "Choose the sector; the call&#x27;s sectors are: Biotech, pharma and medicine, Other.",
        "“Development strategy” is required; answer it.",
        "“New jobs” is required; answer it.",
        "The budget requests no federal subsidy; fill in the federal column.",
    ):
        assert message in page, message
    assert Application.objects.get(number=number).state == "draft"


def test_the_officers_list_filters_counts_and_totals(client, world):
    world.complete(world.application)
    other = world.draft(
        title="Aerospace centre",
        cluster=world.aero,
        applicant=world.aerotech,
        region=world.aero.regions.get(),
    )
    BudgetItem.objects.create(
        application=other,
        line=world.call.lines.get(key="training"),
        year=2027,
        federal=D("5000000"),
        regional=D("1000000"),
    )
    Application.objects.filter(pk=other.pk).update(state="submitted")
    client.force_login(world.users["officer"])
    url = reverse("programme-call-applications", args=["itc-2026"])
    page = client.get(url).content.decode()
    # federal 100 m (VALID_BUDGET) + 5 m; regional 18 m + 1 m
    assert "2 applications shown" in page
    assert 'data-total="federal">RUB\xa0105,000,000.00' in page
    assert 'data-total="regional">RUB\xa019,000,000.00' in page
    assert 'data-state="draft"><span class="stat-value">1<' in page
    assert 'data-state="submitted"><span class="stat-value">1<' in page
    page = client.get(url, {"state": "submitted"}).content.decode()
    assert "1 application shown" in page and "Aerospace centre" in page and "Shared preclinical" not in page
    page = client.get(url, {"cluster": "medtech"}).content.decode()
    assert "Shared preclinical" in page and "Aerospace centre" not in page
    page = client.get(url, {"sector": "biopharma-med"}).content.decode()
    assert "Shared preclinical" in page and "Aerospace centre" not in page
    # the checklist: the aerospace application has no answers and the sector is missing -> not all pass
    assert 'data-check="answers"' in client.get(url, {"cluster": "aero"}).content.decode()


def test_notifications_are_listed_and_marked_read(client, world):
    from clusterworks.web.programme.models import Notification

    mine = Notification.objects.create(
        user=world.users["rep_member"], text="Application 1: Submitted", url="/x/"
    )
    Notification.objects.create(user=world.users["rep_member"], text="Application 2: Submitted")
    theirs = Notification.objects.create(user=world.users["manager"], text="Not yours")
    client.force_login(world.users["rep_member"])
    page = client.get(reverse("programme-notifications")).content.decode()
    assert "Application 1: Submitted" in page and "Not yours" not in page and "2 unread" in page
    client.post(reverse("programme-notifications"), {"notification": mine.pk})
    mine.refresh_from_db()
    assert mine.read_at is not None
    client.post(reverse("programme-notifications"), {"notification": theirs.pk})  # not the user's: untouched
    theirs.refresh_from_db()
    assert theirs.read_at is None
    client.post(reverse("programme-notifications"))
    assert not Notification.objects.filter(user=world.users["rep_member"], read_at__isnull=True).exists()


def test_an_assigned_reviewer_sees_the_application_and_a_conflicted_one_does_not(client, world):
    from clusterworks.web.programme.models import Assignment, Conflict

    Application.objects.filter(pk=world.application.pk).update(state="review")
    Assignment.objects.create(application=world.application, reviewer=world.users["expert"])
    urls = [_urls(world)[page] for page in ("application", "budget", "partners", "attachments", "history")]
    client.force_login(world.users["expert"])
    for url in urls:
        assert client.get(url).status_code == 200, url
    page = client.get(urls[0]).content.decode()
    assert "data-transition=" not in page and 'data-check="' not in page  # no steps, no officer's checklist
    Conflict.objects.create(application=world.application, expert=world.users["expert"], source="declared")
    for url in urls:
        assert client.get(url).status_code == 403, url


def test_every_page_renders_in_russian(client, world):
    world.complete(world.application)
    client.cookies["clusterworks_language"] = "ru"
    for who, pages in (
        ("officer", ["programme-list", "programme", "programme-edit", "call", "call-edit", "call-create",
                     "call-applications", "application", "budget", "history", "notifications"]),
        ("rep_member", ["apply", "application", "edit", "budget", "partners", "attachments", "history"]),
    ):  # fmt: skip
        client.force_login(world.users[who])
        for page in pages:
            response = client.get(_urls(world)[page], HTTP_ACCEPT_LANGUAGE="ru")
            assert response.status_code == 200, (who, page)
            assert '<html lang="ru">' in response.content.decode(), (who, page)
    page = client.get(_urls(world)["budget"], HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "100\xa0000\xa0000,00\xa0₽" in page  # the federal request of VALID_BUDGET
