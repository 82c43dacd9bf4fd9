"""The awards as open data (services.exports): 360Giving JSON valid against the standard's schema, CSV and
XLSX; and the public results page, open to everyone, with nothing about reviewers or their scores.

Validation against ``tests/data/programme/360-giving-schema.json``, a copy of
``../shared/data/360giving-schema/`` (the grant schema of the 360Giving Data Standard 1.4.3, draft
2020-12): ``jsonschema`` is not installed in this environment, so
the required fields and their types are checked by hand below, and the whole schema is applied with
``jsonschema_rs`` (installed with schemathesis) when it can be imported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from clusterworks.web.programme.models import Application, Award
from clusterworks.web.programme.services import allocation, awards, exports
from tests.web.programme.world_decisions import build_world

D = Decimal
# a copy of ../shared/data/360giving-schema/360-giving-schema.json (CC BY 4.0, see tests/data/programme)
SCHEMA = Path(__file__).resolve().parents[2] / "data" / "programme" / "360-giving-schema.json"
DATE = re.compile(r"^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$")


@pytest.fixture
def world(db):
    world = build_world()
    run = allocation.allocation_run(actor=world.users["officer"], call=world.call)
    allocation.allocation_adopt(actor=world.users["chair"], run=run)
    Application.objects.filter(pk=world.apps["A"].pk).update(state="partly_funded")
    Application.objects.filter(pk=world.apps["B"].pk).update(state="funded")
    made = awards.awards_create(
        actor=world.users["officer"], call=world.call, awarded_on=dt.date(2026, 10, 31), instalment_count=2
    )
    first = made[0].payments.order_by("due_on").first()  # A: 2 x 150,000
    awards.payment_mark_paid(actor=world.users["officer"], payment=first, paid_on=dt.date(2026, 11, 30))
    world.awards = made
    return world


def _check_by_hand(grant: dict) -> None:
    """The schema's required fields and types (its top-level ``oneOf``: an organisation recipient)."""
    for name in ("id", "title", "description", "currency", "awardDate"):
        assert isinstance(grant[name], str) and grant[name], name
    assert isinstance(grant["amountAwarded"], int | float) and not isinstance(grant["amountAwarded"], bool)
    assert DATE.match(grant["awardDate"])
    assert grant["currency"] in json.loads(SCHEMA.read_text())["$defs"]["currency"]["enum"]
    for role in ("recipientOrganization", "fundingOrganization"):
        organisations = grant[role]
        assert isinstance(organisations, list) and len(organisations) >= 1  # minItems 1
        for organisation in organisations:
            assert isinstance(organisation["id"], str) and isinstance(organisation["name"], str)  # required
            assert all(
                isinstance(v, str) for v in organisation.values()
            )  # every Organization field is a string
    for name in ("amountAppliedFor", "amountDisbursed"):
        if name in grant:
            assert isinstance(grant[name], int | float)
    for location in grant.get("beneficiaryLocation", []):
        assert location["countryCode"] == "RU"


def test_the_360giving_package_by_hand_and_against_the_schema(world):
    package = exports.grants_package(call=world.call, now=dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC))
    grants = package["grants"]
    assert [g["id"] for g in grants] == [
        "360G-clusterworks-itc-2026-2026-A",
        "360G-clusterworks-itc-2026-2026-B",
    ]
    for grant in grants:
        _check_by_hand(grant)
    a = grants[0]
    assert (a["amountAwarded"], a["amountAppliedFor"], a["amountDisbursed"]) == (300000, 500000, 150000)
    assert a["awardDate"] == "2026-10-31" and a["currency"] == "RUB"
    assert a["recipientOrganization"][0]["id"].startswith(
        "RU-INN-"
    )  # the factory gives every organisation an INN
    assert a["fundingOrganization"] == [
        {"id": "360G-clusterworks-programme-itc-support", "name": "Ministry of Economic Development"}
    ]
    assert a["beneficiaryLocation"][0]["geoCode"] == "RU-MOW"
    assert a["classifications"][0]["code"] == "biopharma-med"
    assert "amountDisbursed" not in grants[1]  # nothing paid to B yet
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - the hand checks above stand alone
        return
    # formats asserted, as 360Giving's own checker does: the schema's dates are "a date-time, or a date by
    # the pattern" (oneOf), which only discriminates when "format" is enforced
    validator = jsonschema_rs.validator_for(json.loads(SCHEMA.read_text()), validate_formats=True)
    for grant in grants:
        errors = [error.message for error in validator.iter_errors(grant)]
        assert not errors, errors
    broken = {k: v for k, v in grants[0].items() if k != "currency"} | {"awardDate": "31.10.2026"}
    assert len(list(validator.iter_errors(broken))) >= 2  # it does catch a missing field and a bad date


def test_csv_and_xlsx_rows(world):
    text = b"".join(exports.awards_csv(call=world.call)).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Grant identifier", "Application", "Title"]
    assert rows[1][1:3] == ["2026-A", "Project A"]
    assert rows[1][7:11] == ["500000.00", "300000.00", "150000.00", "2026-10-31"]  # requested, awarded, paid
    out = io.BytesIO()
    assert exports.awards_xlsx(call=world.call, out=out) == 2
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[2][1] == "2026-B" and values[2][8] == 400000  # a number cell, not text
    assert isinstance(values[1][10], dt.datetime) and values[1][10].date() == dt.date(2026, 10, 31)


def test_text_is_never_a_formula(world):
    Application.objects.filter(pk=world.apps["A"].pk).update(title='=HYPERLINK("http://x")')
    text = b"".join(exports.awards_csv(call=world.call)).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    out = io.BytesIO()
    exports.awards_xlsx(call=world.call, out=out)
    import openpyxl

    cell = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active["C2"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x")'


# --- the public page -------------------------------------------------------------------------------------


def test_the_public_page_before_and_after_publication(client, world):
    url = reverse("programme-results", args=[world.call.key])
    html = client.get(url).content.decode()  # anonymous
    assert "The results of this call are not published yet." in html and "Project A" not in html
    awards.awards_publish(actor=world.users["officer"], call=world.call)
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Project A" in html and "K Biomedical" in html and "Moscow" in html
    assert "RUB\xa0300,000.00" in html and "RUB\xa0700,000.00" in html  # A, and A + B
    assert "70.0%" in html  # 700,000 of the envelope of 1,000,000
    # nothing about reviewers, reviews or scores
    for secret in ("reviewer", "Rita", "sound plan", "Score", "100.0", "Kate"):
        assert secret not in html, secret


def test_the_public_page_in_russian(client, world):
    awards.awards_publish(actor=world.users["officer"], call=world.call)
    client.cookies["clusterworks_language"] = "ru"
    html = client.get(
        reverse("programme-results", args=[world.call.key]), HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()
    assert "300\xa0000,00\xa0₽" in html and "700\xa0000,00\xa0₽" in html


def test_the_public_downloads_have_only_published_awards(client, world):
    url = reverse("programme-results-export", args=[world.call.key, "json"])
    assert json.loads(client.get(url).content) == {"grants": []}
    Award.objects.filter(application=world.apps["A"]).update(public=True)
    grants = json.loads(client.get(url).content)["grants"]
    assert [g["title"] for g in grants] == ["Project A"]
    csv_text = b"".join(
        client.get(reverse("programme-results-export", args=[world.call.key, "csv"])).streaming_content
    ).decode("utf-8-sig")
    assert "Project A" in csv_text and "Project B" not in csv_text
    response = client.get(reverse("programme-results-export", args=[world.call.key, "xlsx"]))
    assert response.status_code == 404 and "allowed: json, csv" in response.content.decode()


def test_an_unpublished_call_has_no_public_page(client, world):
    world.call.published = False
    world.call.save()
    assert client.get(reverse("programme-results", args=[world.call.key])).status_code == 403
    client.force_login(world.users["officer"])
    assert client.get(reverse("programme-results", args=[world.call.key])).status_code == 200


def test_the_officers_export_has_every_award(client, world):
    client.force_login(world.users["officer"])
    response = client.get(reverse("programme-awards-export", args=[world.call.key, "json"]))
    assert response["Content-Disposition"].startswith('attachment; filename="awards-itc-2026-')
    assert len(json.loads(response.content)["grants"]) == 2
    response = client.get(reverse("programme-awards-export", args=[world.call.key, "xlsx"]))
    assert response.content[:2] == b"PK"
    assert client.get(reverse("programme-awards-export", args=[world.call.key, "pdf"])).status_code == 404
    client.force_login(world.users["applicant"])
    assert client.get(reverse("programme-awards-export", args=[world.call.key, "json"])).status_code == 403
