"""Programmes and calls: creation with the default workflow, the rule sets written as complete lists,
validation naming the field, what stays editable once applications are submitted or reviews scored,
publishing, and which calls each reader sees."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clusterworks.web.core.permissions import NotAllowed
from clusterworks.web.programme.models import (
    DEFAULT_WORKFLOW,
    Assignment,
    Call,
    Criterion,
    ExpenditureLine,
    FormQuestion,
    Programme,
    Review,
    Score,
)
from clusterworks.web.programme.services import calls as services
from tests.web.programme.world_calls import build_world

D = Decimal


@pytest.fixture
def world(db):
    return build_world()


def _call_data(**overrides):
    now = timezone.now()
    return {
        "key": "itc-2027",
        "name_en": "ITC support 2027",
        "name_ru": "",
        "year": 2027,
        "opens_at": now,
        "closes_at": now + dt.timedelta(days=60),
        "envelope": D("2500000000"),
        "regional_share_min": D("5"),
        "regional_share_max": D("30"),
        "cap_per_cluster": None,
        "attachment_types": "PDF, .docx,pdf",
        **overrides,
    }


LINES = [
    {"key": "support", "position": 1, "name_en": "Cluster organisation support", "max_share": D("50")},
    {"key": "training", "position": 2, "name_en": "Training", "max_share": None},
]
CRITERIA = [
    {
        "key": "relevance",
        "position": 1,
        "name_en": "Relevance",
        "weight": D("1"),
        "scale_min": 0,
        "scale_max": 10,
    }
]


def _rows(call, name, fields):
    return [{"pk": o.pk, **{f: getattr(o, f) for f in fields}} for o in getattr(call, name).all()]


# --- programmes ---------------------------------------------------------------------------------------


def test_an_officer_creates_a_programme_and_runs_it(world):
    officer = world.users["officer_elsewhere"]
    programme = services.programme_create(
        actor=officer,
        data={"key": "msp", "name_en": "SME support", "owner": "Ministry of Economic Development"},
    )
    assert list(programme.officers.all()) == [officer]
    services.programme_update(
        actor=officer, programme=programme, data={"key": "changed", "name_ru": "Поддержка МСП"}
    )
    programme.refresh_from_db()
    assert (programme.key, programme.name_ru) == ("msp", "Поддержка МСП")  # the key stays


def test_programme_rules(world):
    officer = world.users["officer"]
    with pytest.raises(NotAllowed):
        services.programme_create(
            actor=world.users["manager"], data={"key": "x", "name_en": "X", "owner": "O"}
        )
    with pytest.raises(ValidationError) as raised:
        services.programme_create(actor=officer, data={"key": "notifications", "name_en": "", "owner": "O"})
    assert raised.value.message_dict == {
        "key": ["The key “notifications” is reserved for a page; choose another."],
        "name_en": ["Give a name in English, in Russian or both."],
    }
    with pytest.raises(ValidationError) as raised:
        services.programme_update(
            actor=officer, programme=world.programme, data={}, officers=[world.users["manager"]]
        )
    assert "does not hold the programme officer role" in raised.value.message_dict["officers"][0]
    with pytest.raises(NotAllowed):  # an officer of another programme
        services.programme_update(actor=world.users["officer_elsewhere"], programme=world.programme, data={})
    assert Programme.objects.count() == 1


# --- calls ----------------------------------------------------------------------------------------------


def test_a_new_call_has_its_rules_and_the_default_workflow(world):
    call = services.call_create(
        actor=world.users["officer"],
        programme=world.programme,
        data=_call_data(),
        eligible_clusters=[world.medtech],
        lines=LINES,
        criteria=CRITERIA,
        sectors=[{"key": "bio", "name_en": "Biotech", "min_share": D("10"), "max_share": D("40")}],
        questions=[{"key": "plan", "position": 1, "kind": "text", "label_en": "Plan", "required": True}],
    )
    assert not call.published
    assert call.attachment_types == "pdf,docx"  # normalised: lower case, no dots, no repeats
    assert list(call.eligible_clusters.all()) == [world.medtech]
    assert list(call.lines.values_list("key", "max_share")) == [("support", D("50.00")), ("training", None)]
    assert call.questions.get().required
    assert call.states.count() == len(DEFAULT_WORKFLOW["states"])
    assert call.transitions.count() == len(DEFAULT_WORKFLOW["transitions"])
    assert services.budget_years(call) == [2027, 2028, 2029]


def test_call_validation_reports_each_field(world):
    with pytest.raises(ValidationError) as raised:
        services.call_create(
            actor=world.users["officer"],
            programme=world.programme,
            data=_call_data(
                name_en="",
                closes_at=timezone.now() - dt.timedelta(days=1),
                regional_share_min=D("40"),
                attachment_types="pdf,exe",
            ),
        )
    errors = raised.value.message_dict
    assert errors["name_en"] == ["Give a name in English, in Russian or both."]
    assert errors["closes_at"] == ["The deadline must come after the opening."]
    assert errors["regional_share_max"] == [
        "The largest regional co-financing (30%) is less than the least (40%)."
    ]
    assert errors["attachment_types"] == [
        "Unsupported attachment types: exe; allowed: pdf, docx, xlsx, odt, ods, png, jpg, jpeg."
    ]
    assert not Call.objects.filter(key="itc-2027").exists()


def test_rule_rows_are_checked_row_by_row(world):
    with pytest.raises(ValidationError) as raised:
        services.call_create(
            actor=world.users["officer"],
            programme=world.programme,
            data=_call_data(),
            lines=[
                {"key": "Support!", "name_en": "S"},
                {"key": "a", "name_en": "A"},
                {"key": "a", "name_en": ""},
            ],
            sectors=[
                {"key": "bio", "name_en": "B", "min_share": D("60"), "max_share": D("50")},
                {"key": "med", "name_en": "M", "min_share": D("70")},
            ],
            criteria=[{"key": "c", "name_en": "C", "weight": D("1"), "scale_min": 5, "scale_max": 5}],
        )
    errors = raised.value.message_dict
    assert errors["lines"] == [
        "Expenditure line “Support!”: the key “Support!” is not valid; use lower-case Latin letters, digits, "
        "'.', '_' and '-'.",
        "Expenditure line “a”: the key is used twice; keys are unique in a call.",
        "Expenditure line “a”: give a name in English, in Russian or both.",
    ]
    assert errors["sectors"] == [
        "Sector “bio”: the least share (60%) is more than the largest (50%).",
        "The sectors' least shares add up to 130% of the envelope, more than 100%.",
    ]
    assert errors["criteria"] == ["Criterion “c”: the highest score must be above the lowest."]


def test_rule_sets_are_replaced_as_complete_lists(world):
    call = world.call
    lines = _rows(call, "lines", services.LINE_FIELDS)
    support = next(r for r in lines if r["key"] == "support")
    support["name_en"] = "Support of the cluster organisation"
    services.call_update(
        actor=world.users["officer"],
        call=call,
        data={},
        lines=[
            support,
            {"key": "exhibitions", "position": 3, "name_en": "Exhibitions", "max_share": D("10")},
        ],
    )
    # training was left out: deleted; support renamed; exhibitions added
    assert list(call.lines.values_list("key", "name_en")) == [
        ("support", "Support of the cluster organisation"),
        ("exhibitions", "Exhibitions"),
    ]
    assert call.sectors.count() == 2  # not given: kept


def test_keys_may_swap_between_rows(world):
    rows = _rows(world.call, "lines", services.LINE_FIELDS)
    rows[0]["key"], rows[1]["key"] = rows[1]["key"], rows[0]["key"]
    services.call_update(actor=world.users["officer"], call=world.call, data={}, lines=rows)
    assert dict(world.call.lines.values_list("key", "name_en")) == {
        "training": "Cluster organisation support",
        "support": "Training",
    }


def test_a_line_used_by_a_draft_budget_is_not_deleted(world):
    application = world.complete(world.draft())
    assert application.state == "draft"
    support = _rows(world.call, "lines", services.LINE_FIELDS)[0]
    with pytest.raises(ValidationError) as raised:
        services.call_update(actor=world.users["officer"], call=world.call, data={}, lines=[support])
    assert raised.value.message_dict["lines"] == [
        "“training” cannot be deleted: applications' budgets use it."
    ]
    with pytest.raises(ValidationError) as raised:
        services.call_update(actor=world.users["officer"], call=world.call, data={}, sectors=[])
    assert raised.value.message_dict["sectors"] == [
        "“biopharma-med” cannot be deleted: applications chose it."
    ]


def _submitted(world):
    application = world.complete(world.draft())
    application.state, application.submitted_at = "submitted", timezone.now()
    application.save()
    return application


def test_once_submitted_the_rules_that_would_invalidate_applications_are_fixed(world):
    _submitted(world)
    call = world.call
    lines = _rows(call, "lines", services.LINE_FIELDS)
    questions = _rows(call, "questions", services.QUESTION_FIELDS)
    lines[0]["max_share"] = D("50")  # support: 60 -> 50, tighter
    questions[0]["kind"] = "text"  # strategy: long_text -> text
    questions[2]["required"] = True  # pilot: optional -> required
    with pytest.raises(ValidationError) as raised:
        services.call_update(
            actor=world.users["officer"],
            call=call,
            data={
                "year": 2027,
                "closes_at": call.closes_at - dt.timedelta(days=1),
                "regional_share_min": D("10"),
                "cap_per_cluster": D("100000000"),
                "attachment_types": "pdf",
                "max_attachment_mb": 5,
            },
            eligible_clusters=[world.medtech],
            lines=lines[:1],
            questions=[
                *questions,
                {"key": "extra", "position": 9, "kind": "text", "label_en": "E", "required": True},
            ],
        )
    errors = raised.value.message_dict
    once = "once applications have been submitted."
    assert errors["year"] == [f"The year cannot change {once}"]
    assert errors["closes_at"] == [f"The deadline may only move later {once}"]
    assert errors["eligible_clusters"] == [f"Eligible clusters may be added but not removed {once}"]
    assert errors["regional_share_min"] == [
        f"The regional co-financing range may only widen (it was 5.00–30.00%) {once}"
    ]
    assert errors["cap_per_cluster"] == [f"The cap per cluster may only rise or be removed {once}"]
    assert errors["attachment_types"] == [f"Attachment types may be added but not removed {once}"]
    assert errors["max_attachment_mb"] == [f"The largest attachment may only grow {once}"]
    assert errors["lines"] == [
        f"“training” cannot be deleted {once}",
        f"Expenditure line “support”: the largest share may only rise or be removed {once}",
    ]
    assert errors["questions"] == [
        f"Question “strategy”: the kind cannot change {once}",
        f"Question “pilot”: the question cannot become required {once}",
        f"Question “extra”: a new question must be optional {once}",
    ]
    call.refresh_from_db()
    assert call.year == 2026 and call.lines.count() == 2


def test_once_submitted_rules_may_still_loosen_and_texts_change(world):
    _submitted(world)
    call = world.call
    lines = _rows(call, "lines", services.LINE_FIELDS)
    lines[0]["max_share"] = None
    questions = _rows(call, "questions", services.QUESTION_FIELDS)
    questions[0]["required"] = False
    questions[0]["label_en"] = "The cluster's development strategy"
    services.call_update(
        actor=world.users["officer"],
        call=call,
        data={
            "closes_at": call.closes_at + dt.timedelta(days=7),
            "regional_share_min": D("0"),
            "cap_per_cluster": None,
            "attachment_types": "pdf,docx,xlsx,odt,ods,png,jpg,jpeg",
            "envelope": D("3000000000"),
            "min_score": D("60"),
        },
        lines=[
            *lines,
            {"key": "infrastructure", "position": 5, "name_en": "Infrastructure", "max_share": None},
        ],
        questions=[
            *questions,
            {"key": "extra", "position": 9, "kind": "text", "label_en": "E", "required": False},
        ],
    )
    call.refresh_from_db()
    assert call.cap_per_cluster is None and call.envelope == D("3000000000.00")
    assert call.lines.count() == 3 and call.questions.count() == 4
    assert not call.questions.get(key="strategy").required


def test_once_scored_the_rubric_is_fixed(world):
    application = _submitted(world)
    assignment = Assignment.objects.create(application=application, reviewer=world.users["expert"])
    review = Review.objects.create(assignment=assignment)
    Score.objects.create(
        review=review, criterion=Criterion.objects.get(call=world.call, key="relevance"), value=7
    )
    criteria = _rows(world.call, "criteria", services.CRITERION_FIELDS)
    criteria[0]["weight"] = D("5")
    with pytest.raises(ValidationError) as raised:
        services.call_update(actor=world.users["officer"], call=world.call, data={}, criteria=criteria[:1])
    assert raised.value.message_dict["criteria"] == [
        "“capacity” cannot be deleted once review scores are recorded.",
        "Criterion “relevance”: the key, weight and scale cannot change once review scores are recorded.",
    ]
    criteria = _rows(world.call, "criteria", services.CRITERION_FIELDS)
    criteria[0]["guidance_en"] = "How well the project serves the cluster's strategy."
    services.call_update(actor=world.users["officer"], call=world.call, data={}, criteria=criteria)
    assert Criterion.objects.get(call=world.call, key="relevance").guidance_en.startswith("How well")


def test_only_the_programmes_officers_change_its_calls(world):
    for who in ("officer_elsewhere", "manager", "expert"):
        with pytest.raises(NotAllowed):
            services.call_update(actor=world.users[who], call=world.call, data={"envelope": D("1")})
        with pytest.raises(NotAllowed):
            services.call_create(actor=world.users[who], programme=world.programme, data=_call_data())
    assert Call.objects.get(pk=world.call.pk).envelope == D("2500000000.00")


# --- publishing ------------------------------------------------------------------------------------------


def test_publishing_needs_lines_and_criteria_and_is_one_way_with_applications(world):
    officer = world.users["officer"]
    call = services.call_create(actor=officer, programme=world.programme, data=_call_data())
    with pytest.raises(ValidationError) as raised:
        services.call_publish(actor=officer, call=call, published=True)
    assert raised.value.message_dict == {
        "lines": ["A call needs at least one expenditure line before it is published."],
        "criteria": ["A call needs a review criterion with a weight above 0 before it is published."],
    }
    ExpenditureLine.objects.create(call=call, key="support", name_en="Support")
    Criterion.objects.create(call=call, key="relevance", name_en="Relevance", weight=1)
    assert services.call_publish(actor=officer, call=call, published=True).published
    assert not services.call_publish(actor=officer, call=call, published=False).published
    world.draft()  # in world.call
    with pytest.raises(ValidationError) as raised:
        services.call_publish(actor=officer, call=world.call, published=False)
    assert raised.value.messages == ["The call has applications: it stays published."]
    with pytest.raises(NotAllowed):
        services.call_publish(actor=world.users["officer_elsewhere"], call=call, published=True)


def test_who_sees_which_calls(world):
    hidden = services.call_create(actor=world.users["officer"], programme=world.programme, data=_call_data())
    visible_to = {
        who: set(services.calls_visible_to(world.users[who]).values_list("key", flat=True))
        for who in world.users
    }
    assert visible_to["officer"] == visible_to["admin"] == {"itc-2026", hidden.key}
    for who in ("anonymous", "officer_elsewhere", "manager", "rep_member", "expert"):
        assert visible_to[who] == {"itc-2026"}, who


def test_a_question_kind_must_be_known(world):
    rows = [{"key": "q", "position": 1, "kind": "essay", "label_en": "Q", "required": False}]
    with pytest.raises(ValidationError) as raised:
        services.call_update(actor=world.users["officer"], call=world.call, data={}, questions=rows)
    assert raised.value.message_dict["questions"] == [
        "Question “q”: the kind “essay” is unknown; allowed: text, long_text, number, yes_no."
    ]
    assert FormQuestion.objects.filter(call=world.call).count() == 3
