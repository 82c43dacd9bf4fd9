"""The officers' forms of programmes and calls end to end: a programme, a call with its inline rule sets
(formsets), the fields a submitted application fixes, publishing; and the money helper."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from clusterworks.web.programme.models import Call, Programme
from clusterworks.web.programme.money import format_roubles, format_share
from tests.web.programme.world_calls import build_world

D = Decimal


@pytest.fixture
def world(db):
    return build_world()


def _management(prefix: str, total: int, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _call_post(**overrides) -> dict[str, str]:
    data = {
        "key": "itc-2027",
        "name_en": "ITC support 2027",
        "name_ru": "Поддержка ИТК 2027",
        "year": "2027",
        "opens_at": "2027-02-01T10:00",
        "closes_at": "2027-04-01T18:00",
        "envelope": "2500000000",
        "regional_share_min": "5",
        "regional_share_max": "30",
        "cap_per_cluster": "",
        "min_score": "50",
        "reviewers_per_application": "3",
        "max_load": "10",
        "conflict_years": "3",
        "reviews_visible": "after_own",
        "quorum_share": "0.5",
        "max_attachment_mb": "20",
        "attachment_types": "pdf,docx",
        **_management("lines", 2),
        "lines-0-key": "support",
        "lines-0-position": "1",
        "lines-0-name_en": "Cluster organisation support",
        "lines-0-max_share": "50",
        "lines-1-key": "",  # an empty extra row: ignored
        "lines-1-position": "1",
        **_management("sectors", 1),
        "sectors-0-key": "bio",
        "sectors-0-name_en": "Biotech",
        "sectors-0-min_share": "20",
        **_management("questions", 1),
        "questions-0-key": "strategy",
        "questions-0-position": "1",
        "questions-0-kind": "long_text",
        "questions-0-label_en": "Strategy",
        "questions-0-required": "on",
        "questions-0-max_length": "1000",
        **_management("criteria", 1),
        "criteria-0-key": "relevance",
        "criteria-0-position": "1",
        "criteria-0-name_en": "Relevance",
        "criteria-0-weight": "2",
        "criteria-0-scale_min": "0",
        "criteria-0-scale_max": "10",
    }
    data.update(overrides)
    return data


def test_an_officer_creates_a_programme_through_the_form(client, world):
    client.force_login(world.users["officer_elsewhere"])
    response = client.post(
        reverse("programme-create"), {"key": "msp", "name_en": "SME support", "owner": "The ministry"}
    )
    programme = Programme.objects.get(key="msp")
    assert response.status_code == 302 and response["Location"] == programme.get_absolute_url()
    assert list(programme.officers.all()) == [world.users["officer_elsewhere"]]
    response = client.post(reverse("programme-create"), {"key": "new", "name_en": "X", "owner": "O"})
    assert "The key “new” is reserved for a page; choose another." in response.content.decode()


def test_an_officer_creates_a_call_with_its_rule_sets(client, world):
    client.force_login(world.users["officer"])
    url = reverse("programme-call-create", args=[world.programme.key])
    page = client.get(url).content.decode()
    assert 'name="lines-TOTAL_FORMS"' in page and 'name="criteria-0-weight"' in page
    response = client.post(url, _call_post())
    call = Call.objects.get(key="itc-2027")
    assert response.status_code == 302 and response["Location"] == call.get_absolute_url()
    assert not call.published and call.programme == world.programme
    assert call.opens_at == timezone.make_aware(timezone.datetime(2027, 2, 1, 10, 0))  # Moscow time
    assert list(call.lines.values_list("key", "max_share")) == [("support", D("50.00"))]
    assert list(call.sectors.values_list("key", "min_share", "max_share")) == [("bio", D("20.00"), None)]
    question = call.questions.get()
    assert (question.key, question.kind, question.required, question.max_length) == (
        "strategy",
        "long_text",
        True,
        1000,
    )
    assert list(call.criteria.values_list("key", "weight")) == [("relevance", D("2.000"))]
    assert call.states.filter(key="draft").exists() and call.transitions.filter(key="submit").exists()


def test_the_call_form_shows_the_services_errors(client, world):
    client.force_login(world.users["officer"])
    url = reverse("programme-call-create", args=[world.programme.key])
    response = client.post(
        url, _call_post(regional_share_min="40", **{"lines-0-key": "Bad key", "sectors-0-max_share": "10"})
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Call.objects.filter(key="itc-2027").exists()
    assert "The largest regional co-financing (30%) is less than the least (40%)." in page
    assert "Expenditure line “Bad key”: the key “Bad key” is not valid" in page
    assert "Sector “bio”: the least share (20%) is more than the largest (10%)." in page


def test_editing_a_call_deletes_and_adds_rows(client, world):
    client.force_login(world.users["officer"])
    call = world.call
    lines = list(call.lines.order_by("position"))
    data = _call_post(key="ignored", year="2026", opens_at=call.opens_at.strftime("%Y-%m-%dT%H:%M"),
                      closes_at=call.closes_at.strftime("%Y-%m-%dT%H:%M"))  # fmt: skip
    data.update(_management("lines", 3, initial=2))
    data.update({
        "lines-0-pk": str(lines[0].pk), "lines-0-key": "support", "lines-0-position": "1",
        "lines-0-name_en": "Support", "lines-0-max_share": "60",
        "lines-1-pk": str(lines[1].pk), "lines-1-key": "training", "lines-1-position": "2",
        "lines-1-name_en": "Training", "lines-1-DELETE": "on",
        "lines-2-key": "exhibitions", "lines-2-position": "3", "lines-2-name_en": "Exhibitions",
    })  # fmt: skip
    for prefix, model_rows in (("sectors", call.sectors.all()), ("questions", call.questions.all())):
        data.update(_management(prefix, 0))
        assert model_rows.exists()
    response = client.post(reverse("programme-call-edit", args=[call.key]), data)
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.key == "itc-2026"  # the key stays
    assert list(call.lines.values_list("key", flat=True)) == ["support", "exhibitions"]
    assert not call.sectors.exists() and not call.questions.exists()  # all rows left out: deleted


def test_a_submitted_application_fixes_the_year_and_the_opening(client, world):
    application = world.complete(world.draft())
    application.state, application.submitted_at = "submitted", timezone.now()
    application.save()
    client.force_login(world.users["officer"])
    page = client.get(reverse("programme-call-edit", args=[world.call.key])).content.decode()
    assert "Applications have been submitted: rules that would make them wrong are fixed." in page
    assert page.count("Fixed: applications have been submitted.") == 2  # year and opening, disabled


def test_publishing_from_the_call_page(client, world):
    from tests.factories import CallFactory

    call = CallFactory(programme=world.programme, key="itc-2027", published=False)
    client.force_login(world.users["officer"])
    page = client.get(reverse("programme-call", args=[call.key])).content.decode()
    assert reverse("programme-call-publish", args=[call.key]) in page
    response = client.post(reverse("programme-call-publish", args=[call.key]), {"published": "1"})
    assert response.status_code == 302 and Call.objects.get(pk=call.pk).published
    client.force_login(world.users["officer_elsewhere"])
    assert (
        client.post(reverse("programme-call-publish", args=[call.key]), {"published": "0"}).status_code == 403
    )
    assert Call.objects.get(pk=call.pk).published
    world.draft()
    client.force_login(world.users["officer"])
    response = client.post(
        reverse("programme-call-publish", args=["itc-2026"]), {"published": "0"}, follow=True
    )
    assert "The call has applications: it stays published." in response.content.decode()
    assert Call.objects.get(key="itc-2026").published


# --- money -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "amount", "expected"),
    [
        ("en", D("2500000000"), "RUB\xa02,500,000,000.00"),
        ("ru", D("2500000000"), "2\xa0500\xa0000\xa0000,00\xa0₽"),
        ("en", D("680000000.5"), "RUB\xa0680,000,000.50"),
        ("ru", D("1234.567"), "1\xa0234,57\xa0₽"),  # to kopecks
        ("en", None, "—"),
    ],
)
def test_roubles_in_each_language(language, amount, expected):
    with translation.override(language):
        assert format_roubles(amount) == expected
    assert format_roubles(amount, language=language) == expected


def test_shares_in_each_language():
    assert format_share(D("15.254237"), language="en") == "15.25%"
    assert format_share(D("15.254237"), language="ru") == "15,25\xa0%"
    assert format_share(D("5")) == "5.00%"
    assert format_share(None) == "—"
