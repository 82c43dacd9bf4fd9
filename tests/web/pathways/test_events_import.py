"""The bulk import of gate events from CSV: all or nothing, every problem with its line, field and value,
the order checked over recorded and new events together; the page's preview and apply."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusterworks.web.core.audit import acting_as
from clusterworks.web.core.models import AuditEvent
from clusterworks.web.core.permissions import NotAllowed
from clusterworks.web.pathways import services
from clusterworks.web.pathways.models import GateEvent
from tests.factories import ProductFactory
from tests.web.pathways.world_services import build_world

D = dt.date

GOOD = """product,gate,kind,date,decision
neuro-sensor,technical-tests,submitted,2025-04-07,
neuro-sensor,technical-tests,query,2025-05-12,
neuro-sensor,technical-tests,answered,2025-05-30,
neuro-sensor,technical-tests,decision,2025-07-15,approved
anti-tnf,ct-application-review,submitted,2024-03-01,
anti-tnf,ct-application-review,decision,2024-04-10,approved
"""


@pytest.fixture
def world(db):
    return build_world()


def _file(text: str, name: str = "events.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding))


def _import(world, text: str, *, who: str = "manager", dry_run: bool = False, **kwargs):
    return services.events_import(
        actor=world.users[who], cluster=world.cluster, file=_file(text, **kwargs), dry_run=dry_run
    )


def test_a_dry_run_saves_nothing_and_says_what_would_be_recorded(world):
    report = _import(world, GOOD, dry_run=True)
    assert report.ok and report.dry_run and report.saved == 0
    assert [(r.line, r.product, r.gate, r.kind, r.action) for r in report.rows] == [
        (2, "neuro-sensor", "technical-tests", "submitted", "add"),
        (3, "neuro-sensor", "technical-tests", "query", "add"),
        (4, "neuro-sensor", "technical-tests", "answered", "add"),
        (5, "neuro-sensor", "technical-tests", "decision", "add"),
        (6, "anti-tnf", "ct-application-review", "submitted", "add"),
        (7, "anti-tnf", "ct-application-review", "decision", "add"),
    ]
    assert (report.added, report.unchanged) == (6, 0)
    assert not GateEvent.objects.exists()


def test_an_import_records_every_event_once_with_its_audit(world):
    with acting_as(world.users["manager"], "web"):
        report = _import(world, GOOD)
    assert report.ok and report.saved == 6
    assert list(
        GateEvent.objects.filter(product=world.device)
        .order_by("date")
        .values_list("kind", "date", "decision")
    ) == [
        ("submitted", D(2025, 4, 7), ""),
        ("query", D(2025, 5, 12), ""),
        ("answered", D(2025, 5, 30), ""),
        ("decision", D(2025, 7, 15), "approved"),
    ]
    audit = AuditEvent.objects.filter(model="pathways.GateEvent", action="create")
    assert audit.count() == 6 and {a.actor for a in audit} == {world.users["manager"]}
    assert {e.recorded_by for e in GateEvent.objects.all()} == {world.users["manager"]}
    # the same file again: every row is recorded already, nothing is added
    again = _import(world, GOOD)
    assert again.ok and again.saved == 0 and (again.added, again.unchanged) == (0, 6)
    assert GateEvent.objects.count() == 6


def test_semicolons_windows_1251_and_russian_dates(world):
    text = (
        "product;gate;kind;date;decision;note\n"
        "neuro-sensor;technical-tests;submitted;07.04.2025;;Подано в лабораторию\n"
    )
    report = _import(world, text, encoding="cp1251")
    assert report.ok and report.saved == 1
    event = GateEvent.objects.get()
    assert (event.date, event.note) == (D(2025, 4, 7), "Подано в лабораторию")


def test_every_problem_is_reported_with_line_field_and_value_and_nothing_is_saved(world):
    ProductFactory(cluster=world.other_cluster, key="jet-engine")
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    text = (
        "product,gate,kind,date,decision\n"
        "neuro-sensor,technical-tests,submitted,2025-04-07,\n"  # 2: fine
        "jet-engine,technical-tests,submitted,2025-04-07,\n"  # 3: another cluster's product
        "neuro-sensor,ct-permit,submitted,2025-04-07,\n"  # 4: a medicine's gate
        "neuro-sensor,toxicology,applied,2025-04-07,\n"  # 5: no such kind
        "neuro-sensor,toxicology,submitted,07/04/2025,\n"  # 6: not a date
        f"neuro-sensor,toxicology,submitted,{tomorrow},\n"  # 7: in the future
        "neuro-sensor,toxicology,decision,2025-04-08,\n"  # 8: a decision without its value
        "neuro-sensor,toxicology,submitted,2025-04-08,approved\n"  # 9: a value on a submission
        "anti-tnf,ct-permit,query,2025-01-10,\n"  # 10: the first event is not a submission
        "neuro-sensor,technical-tests,submitted,2025-05-01,\n"  # 11: resubmitted while pending (line 2)
    )
    report = _import(world, text)
    assert not report.ok and report.saved == 0
    assert [(i.line, i.field, i.value) for i in report.issues] == [
        (3, "product", "jet-engine"),
        (4, "gate", "ct-permit"),
        (5, "kind", "applied"),
        (6, "date", "07/04/2025"),
        (7, "date", tomorrow),
        (8, "decision", ""),
        (9, "decision", "approved"),
        (10, "kind", "query"),
        (11, "kind", "submitted"),
    ]
    messages = {i.line: i.message for i in report.issues}
    assert (
        messages[3] == "No product “jet-engine” in Medical technologies; allowed: the keys of its products."
    )
    assert messages[4].startswith(
        "“ct-permit” is not a gate of “neuro-sensor” (catalogue device-1684); allowed: "
    )
    assert messages[10] == (
        "At “Clinical-trial permit” an agency query needs a pending submission with no query open; "
        "nothing is recorded there yet, so the first event must be a submission."
    )
    assert messages[11] == (
        "At “Technical tests” a new submission needs the previous one refused or withdrawn; "
        "the last event there is the submission of April 7, 2025."
    )
    assert not GateEvent.objects.exists()


def test_an_import_that_would_break_a_recorded_event(world):
    for kind, date in [("submitted", D(2025, 2, 1)), ("query", D(2025, 2, 5)), ("answered", D(2025, 2, 8))]:
        world.record(world.medicine, "ct-permit", kind, date)
    report = _import(
        world, "product,gate,kind,date,decision\nanti-tnf,ct-permit,decision,2025-02-06,refused\n"
    )
    assert [(i.line, i.field) for i in report.issues] == [(None, "kind")]
    assert report.issues[0].message.startswith(
        "“anti-tnf”: the imported events make the recorded answer to a query of Feb. 8, 2025 break the order"
    )
    assert GateEvent.objects.count() == 3


def test_products_the_importer_may_not_change(world):
    # the member's representative may import in the cluster, but develops neither product
    report = _import(world, GOOD, who="member")
    assert {(i.line, i.field, i.value) for i in report.issues} == {
        (line, "product", "neuro-sensor") for line in (2, 3, 4, 5)
    } | {(line, "product", "anti-tnf") for line in (6, 7)}
    assert report.issues[0].message == "You may not record events of “neuro-sensor”."
    assert not GateEvent.objects.exists()


@pytest.mark.parametrize("who", ["site", "other_manager", "analyst", "outsider"])
def test_who_may_not_import(world, who):
    with pytest.raises(NotAllowed):
        _import(world, GOOD, who=who)
    assert not GateEvent.objects.exists()


@pytest.mark.parametrize(
    ("text", "name", "message"),
    [
        (
            "product,gate,date\nx,y,2025-01-01\n",
            "events.csv",
            "The header lacks the columns kind, decision; required: product, gate, kind, date, decision",
        ),
        (GOOD, "events.xlsx", "“events.xlsx” is not a CSV file; allowed: .csv."),
    ],
)
def test_files_that_are_not_event_tables(world, text, name, message):
    with pytest.raises(ValidationError) as raised:
        _import(world, text, name=name)
    assert raised.value.message_dict["file"][0].startswith(message)


def test_an_empty_table(world):
    report = _import(world, "product,gate,kind,date,decision\n")
    assert [(i.line, i.field, i.message) for i in report.issues] == [
        (None, "file", "The file holds no events.")
    ]


# --- the page ----------------------------------------------------------------------------------------


def test_the_page_previews_then_applies(client, world):
    client.force_login(world.users["developer"])
    url = reverse("pathways-events-import", args=[world.cluster.key])
    preview = client.post(url, {"file": _file(GOOD), "dry_run": "on"})
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "The file is valid: nothing is recorded yet" in text and "Record these 6 events" in text
    assert 'name="content"' in text
    assert not GateEvent.objects.exists()
    content = preview.context["apply_form"].initial["content"]
    response = client.post(url, {"content": content, "name": "events.csv"})
    assert response.status_code == 302 and response["Location"] == "/pathways/?cluster=medtech"
    assert GateEvent.objects.count() == 6
    audit = AuditEvent.objects.filter(model="pathways.GateEvent")
    assert {a.source for a in audit} == {"web"} and {a.actor for a in audit} == {world.users["developer"]}


def test_the_page_lists_the_problems(client, world):
    client.force_login(world.users["manager"])
    url = reverse("pathways-events-import", args=[world.cluster.key])
    response = client.post(
        url, {"file": _file("product,gate,kind,date,decision\nghost,x,submitted,2025-01-01,\n")}
    )
    text = response.content.decode()
    assert response.status_code == 200 and "1 problem: nothing was recorded" in text
    assert "No product “ghost” in Medical technologies" in text
    assert 'name="content"' not in text


def test_the_page_refuses_a_spreadsheet(client, world):
    client.force_login(world.users["manager"])
    url = reverse("pathways-events-import", args=[world.cluster.key])
    response = client.post(url, {"file": SimpleUploadedFile("events.csv", b"PK\x03\x04rest of a zip")})
    assert "This is a spreadsheet, not CSV text" in response.content.decode()
