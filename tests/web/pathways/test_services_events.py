"""Gate events through ``services.event_record``: every rule of their order, explained in words, and
nothing saved when one is broken."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from clusterworks.web.core.audit import acting_as
from clusterworks.web.core.models import AuditEvent
from clusterworks.web.core.permissions import NotAllowed
from clusterworks.web.pathways import services
from clusterworks.web.pathways.models import Gate, GateEvent
from tests.web.pathways.world_services import build_world

D = dt.date


@pytest.fixture
def world(db):
    return build_world()


def _record(world, product, gate, kind, date, decision="", who="developer", **extra):
    return services.event_record(
        actor=world.users[who],
        product=product,
        gate=world.gate(product, gate),
        kind=kind,
        date=date,
        decision=decision,
        **extra,
    )


def _refused(world, product, gate, kind, date, decision="", **extra) -> dict[str, list[str]]:
    """Record an event that must be refused; return the errors, after checking nothing was saved."""
    before = list(GateEvent.objects.order_by("pk").values_list("pk", "kind", "date"))
    with pytest.raises(ValidationError) as raised:
        _record(world, product, gate, kind, date, decision, **extra)
    assert list(GateEvent.objects.order_by("pk").values_list("pk", "kind", "date")) == before
    return raised.value.message_dict


def test_a_gate_passed_in_order_with_a_query_and_an_answer(world):
    product = world.medicine
    with acting_as(world.users["developer"], "web"):
        for kind, date, decision in [
            ("submitted", D(2025, 1, 10), ""),
            ("query", D(2025, 2, 3), ""),
            ("answered", D(2025, 2, 20), ""),
            ("decision", D(2025, 6, 2), "approved"),
        ]:
            _record(world, product, "state-registration", kind, date, decision, reference="LP-000123")
    events = GateEvent.objects.filter(product=product).order_by("date")
    assert [(e.kind, e.decision) for e in events] == [
        ("submitted", ""),
        ("query", ""),
        ("answered", ""),
        ("decision", "approved"),
    ]
    assert {e.recorded_by for e in events} == {world.users["developer"]}
    created = AuditEvent.objects.filter(model="pathways.GateEvent", action="create")
    assert created.count() == 4 and {a.actor for a in created} == {world.users["developer"]}


def test_the_first_event_at_a_gate_must_be_a_submission(world):
    errors = _refused(world, world.device, "technical-tests", "query", D(2025, 5, 5))
    assert errors == {
        "kind": [
            "At “Technical tests” an agency query needs a pending submission with no query open; "
            "nothing is recorded there yet, so the first event must be a submission."
        ]
    }


def test_a_resubmission_needs_a_refusal_or_a_withdrawal(world):
    world.record(world.device, "technical-tests", "submitted", D(2025, 5, 5))
    errors = _refused(world, world.device, "technical-tests", "submitted", D(2025, 6, 5))
    assert errors["kind"] == [
        "At “Technical tests” a new submission needs the previous one refused or withdrawn; "
        "the last event there is the submission of May 5, 2025."
    ]


def test_one_query_at_a_time(world):
    world.record(world.medicine, "state-registration", "submitted", D(2025, 1, 10))
    world.record(world.medicine, "state-registration", "query", D(2025, 2, 3))
    errors = _refused(world, world.medicine, "state-registration", "query", D(2025, 2, 10))
    assert errors["kind"] == [
        "At “State registration (marketing authorisation)” an agency query needs a pending submission "
        "with no query open; the last event there is the agency query of Feb. 3, 2025."
    ]


def test_an_answer_needs_an_open_query(world):
    world.record(world.medicine, "state-registration", "submitted", D(2025, 1, 10))
    errors = _refused(world, world.medicine, "state-registration", "answered", D(2025, 2, 10))
    assert "an answer needs an open agency query" in errors["kind"][0]
    assert "the last event there is the submission of Jan. 10, 2025" in errors["kind"][0]


def test_a_decision_needs_a_pending_submission(world):
    # the example of the issue: a second decision after a refusal
    world.record(world.medicine, "state-registration", "submitted", D(2025, 1, 10))
    world.record(world.medicine, "state-registration", "decision", D(2025, 3, 12), "refused")
    errors = _refused(world, world.medicine, "state-registration", "decision", D(2025, 4, 1), "approved")
    assert errors["kind"] == [
        "At “State registration (marketing authorisation)” a decision needs a pending submission; "
        "the last event there is the decision (refused) of March 12, 2025."
    ]


def test_a_withdrawal_needs_a_pending_submission(world):
    world.record(world.device, "toxicology", "submitted", D(2025, 5, 5))
    world.record(world.device, "toxicology", "withdrawn", D(2025, 5, 20))
    errors = _refused(world, world.device, "toxicology", "withdrawn", D(2025, 5, 21))
    assert (
        "a withdrawal needs a pending submission; the last event there is the withdrawal of May 20, 2025"
        in (errors["kind"][0])
    )
    # after the withdrawal the product may be submitted again
    _record(world, world.device, "toxicology", "submitted", D(2025, 6, 1))
    assert GateEvent.objects.filter(product=world.device, kind="submitted").count() == 2


def test_nothing_follows_an_approval(world):
    world.record(world.device, "technical-tests", "submitted", D(2025, 5, 5))
    world.record(world.device, "technical-tests", "decision", D(2025, 7, 1), "approved")
    for kind, decision in [("submitted", ""), ("query", ""), ("decision", "refused"), ("withdrawn", "")]:
        errors = _refused(world, world.device, "technical-tests", kind, D(2025, 7, 2), decision)
        assert errors["kind"] == [
            "At “Technical tests” nothing follows an approval; "
            "the last event there is the decision (approved) of July 1, 2025."
        ]


def test_a_decision_before_its_submission(world):
    world.record(world.device, "device-registration", "submitted", D(2025, 10, 1))
    errors = _refused(world, world.device, "device-registration", "decision", D(2025, 9, 20), "approved")
    assert errors["kind"] == [
        "At “State registration by Roszdravnadzor” a decision needs a pending submission; "
        "nothing is recorded there before Sept. 20, 2025: the submission of Oct. 1, 2025 comes later."
    ]


def test_an_event_that_would_break_a_later_recorded_one(world):
    # submitted 1 Feb, query 5 Feb, answered 8 Feb; a refusal on 6 Feb would leave the answer of
    # 8 Feb without an open query
    for kind, date in [("submitted", D(2025, 2, 1)), ("query", D(2025, 2, 5)), ("answered", D(2025, 2, 8))]:
        world.record(world.medicine, "ct-permit", kind, date)
    errors = _refused(world, world.medicine, "ct-permit", "decision", D(2025, 2, 6), "refused")
    assert errors["date"] == [
        "A later event would break the order: "
        "At “Clinical-trial permit” an answer needs an open agency query; "
        "the last event there is the decision (refused) of Feb. 6, 2025."
    ]


def test_an_event_may_be_filled_in_between_recorded_ones(world):
    world.record(world.medicine, "ct-permit", "submitted", D(2025, 2, 1))
    world.record(world.medicine, "ct-permit", "decision", D(2025, 2, 20), "approved")
    _record(world, world.medicine, "ct-permit", "query", D(2025, 2, 5))
    _record(world, world.medicine, "ct-permit", "answered", D(2025, 2, 10))
    assert list(
        GateEvent.objects.filter(product=world.medicine).order_by("date").values_list("kind", flat=True)
    ) == [
        "submitted",
        "query",
        "answered",
        "decision",
    ]


@pytest.mark.parametrize(
    ("kind", "decision", "field", "message"),
    [
        ("decision", "", "decision", "A decision is approved or refused; “” is neither."),
        ("decision", "maybe", "decision", "A decision is approved or refused; “maybe” is neither."),
        (
            "submitted",
            "approved",
            "decision",
            "Only a decision carries “approved”; a submission carries none.",
        ),
        (
            "applied",
            "",
            "kind",
            "“applied” is not allowed; allowed: submitted, query, answered, decision, withdrawn.",
        ),
    ],
)
def test_kinds_and_decisions(world, kind, decision, field, message):
    errors = _refused(world, world.device, "technical-tests", kind, D(2025, 5, 5), decision)
    assert errors == {field: [message]}


def test_no_future_dates(world):
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    errors = _refused(world, world.device, "technical-tests", "submitted", tomorrow)
    assert list(errors) == ["date"] and "is in the future" in errors["date"][0]


def test_the_gate_must_be_of_the_products_catalogue_and_class(world):
    other = Gate.objects.get(catalogue__key="device-1416", key="technical-tests")
    before = GateEvent.objects.count()
    with pytest.raises(ValidationError) as raised:
        services.event_record(
            actor=world.users["manager"],
            product=world.device,
            gate=other,
            kind="submitted",
            date=D(2025, 5, 5),
        )
    message = raised.value.message_dict["gate"][0]
    assert message.startswith(
        "“technical-tests” is not a gate of the catalogue “device-1684” this product follows"
    )
    assert "allowed: technical-tests, toxicology, device-clinical-trials, production-inspection" in message
    # the production inspection applies to classes 2a, 2b and 3
    world.device.risk_class = "1"
    world.device.save()
    with pytest.raises(ValidationError) as raised:
        _record(world, world.device, "production-inspection", "submitted", D(2025, 5, 5))
    assert raised.value.message_dict["gate"] == [
        "“Inspection of production” applies to risk classes 2a,2b,3, not to class 1."
    ]
    assert GateEvent.objects.count() == before


@pytest.mark.parametrize("who", ["site", "member", "other_manager", "analyst", "outsider"])
def test_who_may_not_record_events(world, who):
    with pytest.raises(NotAllowed):
        _record(world, world.device, "technical-tests", "submitted", D(2025, 5, 5), who=who)
    assert not GateEvent.objects.exists()


def test_only_the_latest_event_of_a_gate_is_deleted(world):
    submitted = world.record(world.device, "technical-tests", "submitted", D(2025, 5, 5))
    query = world.record(world.device, "technical-tests", "query", D(2025, 5, 20))
    other_gate = world.record(world.device, "toxicology", "submitted", D(2025, 6, 1))  # later, another gate
    with pytest.raises(ValidationError) as raised:
        services.event_delete(actor=world.users["developer"], event=submitted)
    assert raised.value.messages == [
        "Only the latest event of a gate may be deleted; at “Technical tests” a later event follows the "
        "submission of May 5, 2025."
    ]
    with pytest.raises(NotAllowed):
        services.event_delete(actor=world.users["site"], event=query)
    services.event_delete(actor=world.users["developer"], event=query)
    services.event_delete(actor=world.users["developer"], event=submitted)
    assert list(GateEvent.objects.values_list("pk", flat=True)) == [other_gate.pk]
    deleted = AuditEvent.objects.filter(model="pathways.GateEvent", action="delete")
    assert deleted.count() == 2
